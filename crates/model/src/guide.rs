//! A printed guide (介護と医療サポートガイド): chapters from pages and provider data.

use jiff::civil::Date;

use super::config::{GroupBy, PageSize};
use crate::ProviderFilter;

#[derive(Debug, Clone)]
pub struct Guide {
    /// The name in site.toml; the print page is `guide/<key>/print/`.
    pub key: String,
    pub title: String,
    pub subtitle: String,
    pub edition: Date,
    pub page_size: PageSize,
    pub cover_text: String,
    pub index: bool,
    pub saddle_stitch: bool,
    pub crop_marks: bool,
    /// A guide of one town of a site of several.
    pub municipality: Option<super::MunicipalityKey>,
    pub chapters: Vec<Chapter>,
}

#[derive(Debug, Clone)]
pub enum Chapter {
    /// A Markdown page of the site, printed as written.
    Page { page: usize },
    /// Providers from the data, printed as tables.
    Providers {
        title: String,
        intro: String,
        filter: ProviderFilter,
        group_by: GroupBy,
        /// The web page with the always-current list (for the QR code).
        web_path: String,
    },
}

impl Guide {
    pub fn print_path(&self) -> String {
        super::routes::guide_print(&self.key)
    }

    pub fn pdf_path(&self) -> String {
        super::routes::guide_pdf(&self.key)
    }
}

/// Type sizes and margins designed for each paper size, not an A4 page scaled down.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Paper {
    pub body_pt: f32,
    pub table_pt: f32,
    pub head_pt: f32,
    /// Top, right, bottom and left margins.
    pub margin_mm: [f32; 4],
    pub cover_qr_mm: u32,
    pub part_qr_mm: u32,
}

impl Paper {
    pub fn of(size: PageSize) -> Paper {
        match size {
            PageSize::A4 => Paper {
                body_pt: 12.0,
                table_pt: 11.0,
                head_pt: 9.0,
                margin_mm: [20.0, 16.0, 18.0, 16.0],
                cover_qr_mm: 30,
                part_qr_mm: 22,
            },
            PageSize::B5 => Paper {
                body_pt: 11.0,
                table_pt: 10.0,
                head_pt: 8.5,
                margin_mm: [17.0, 14.0, 16.0, 14.0],
                cover_qr_mm: 27,
                part_qr_mm: 20,
            },
            PageSize::A5 => Paper {
                body_pt: 10.0,
                table_pt: 9.0,
                head_pt: 8.0,
                margin_mm: [14.0, 11.0, 14.0, 11.0],
                cover_qr_mm: 24,
                part_qr_mm: 17,
            },
        }
    }

    /// Width inside the margins, in mm.
    pub fn text_width_mm(&self, size: PageSize) -> f32 {
        size.mm().0 as f32 - self.margin_mm[1] - self.margin_mm[3]
    }
}
