//! A printed guide (介護と医療サポートガイド): chapters from pages and provider data.

use jiff::civil::Date;

use crate::load::config::{GroupBy, PageSize};
use crate::model::ProviderFilter;

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
        format!("guide/{}/print/", self.key)
    }

    pub fn pdf_path(&self) -> String {
        format!("guide/{}/{}.pdf", self.key, self.key)
    }
}
