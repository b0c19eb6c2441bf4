//! Every path of the site, relative to its base (callers put `base_path` or `base_url` in
//! front). Pages, lists, guides, the sitemap, `serve` and the finder's script all take
//! their URLs from here, so a new kind of page cannot go stale in one of them.

/// The directory's front page.
pub const PROVIDERS: &str = "providers/";
/// The finder and the map.
pub const FIND: &str = "providers/find/";
pub const MAP: &str = "providers/map/";
/// The records as the finder and the site search read them.
pub const FINDER_INDEX: &str = "providers/finder.json";
/// The site search page and the folder of its index.
pub const SEARCH: &str = "search/";
/// The open-data page and the folder of its files.
pub const OPENDATA: &str = "opendata/";
/// The ウェブアクセシビリティ方針 and the page of the last test's results.
pub const ACCESSIBILITY: &str = "accessibility/";
pub const ACCESSIBILITY_RESULTS: &str = "accessibility/results/";
/// A provider's page, with `{id}` for the id: given to the browser's scripts.
pub const PROVIDER_PATTERN: &str = "providers/{id}/";

/// Names a provider id cannot take: the directory's own pages under `providers/`.
pub const RESERVED_IDS: &[&str] = &["category", "area", "service", "find", "map", "index"];

/// The lists of the directory: by category, area and service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    Category,
    Area,
    Service,
}

impl List {
    pub const ALL: [List; 3] = [List::Category, List::Area, List::Service];

    /// The word in the URL and in `::: providers category=…`.
    pub fn key(self) -> &'static str {
        match self {
            List::Category => "category",
            List::Area => "area",
            List::Service => "service",
        }
    }
}

/// `providers/ID/`
pub fn provider(id: &str) -> String {
    PROVIDER_PATTERN.replace("{id}", id)
}

/// `providers/category/KEY/`, `providers/area/KEY/`, `providers/service/KEY/`
pub fn list(kind: List, key: &str) -> String {
    format!("{PROVIDERS}{}/{key}/", kind.key())
}

/// Path segments of the 行 pages of a split list, in the order of `kana::ROWS`.
pub const ROW_SLUGS: [&str; 11] = [
    "a", "ka", "sa", "ta", "na", "ha", "ma", "ya", "ra", "wa", "other",
];

/// `LIST/ka/`: the 行 number `row` of a list too long for one page.
pub fn list_row(list_path: &str, row: usize) -> String {
    format!("{list_path}{}/", ROW_SLUGS[row])
}

/// Page `k` (from 0) of a 行: `LIST/ka/`, then `LIST/ka/2/`, `LIST/ka/3/`.
pub fn list_row_page(list_path: &str, row: usize, k: usize) -> String {
    match k {
        0 => list_row(list_path, row),
        _ => format!("{}{}/", list_row(list_path, row), k + 1),
    }
}

/// `guide/KEY/print/`: a guide's print page.
pub fn guide_print(key: &str) -> String {
    format!("guide/{key}/print/")
}

/// `guide/KEY/KEY.pdf`: a guide's PDF, published beside its print page.
pub fn guide_pdf(key: &str) -> String {
    format!("guide/{key}/{key}.pdf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_end_in_a_slash_and_name_their_keys() {
        assert_eq!(provider("midori-naika"), "providers/midori-naika/");
        assert_eq!(list(List::Area, "chuo"), "providers/area/chuo/");
        assert_eq!(guide_print("support"), "guide/support/print/");
        assert_eq!(guide_pdf("support"), "guide/support/support.pdf");
        assert!(FIND.starts_with(PROVIDERS) && MAP.starts_with(PROVIDERS));
    }
}
