//! Text formats in and out: Markdown pages, ending notes and lecture slides read into the
//! model's parts and written as HTML; QR codes; the readability and furigana checks.

pub mod html;
pub mod lecture;
pub mod markdown;
pub mod note;
pub mod qr;
pub mod readability;
