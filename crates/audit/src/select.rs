//! Which pages to test, as JIS X 8341-3:2016 附属書JB and WAIC's test guideline say: all
//! of a site up to 100 pages; above that, one page of every kind with pages drawn at
//! random from the rest (reproducible from a seed), at least 40 in all.

use std::collections::{BTreeMap, HashSet};

use model::accessibility::Method;
use model::routes::{self, List};
use model::{PageKind, Site};

/// Sites up to this many pages are tested whole.
pub const ALL_UP_TO: usize = 100;
/// WAIC's guide for "enough pages to judge" a site.
pub const DEFAULT_PAGES: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// Path below the base URL (`""`, `providers/`, `404.html`).
    pub path: String,
    pub kind: &'static str,
    pub representative: bool,
}

/// The page's path below the base URL, from its file in the output.
pub fn page_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => dir.to_string(),
        None => file.to_string(),
    }
}

/// What kind of page a path is, in the words of the results page.
pub fn kind_of(site: &Site, path: &str, provider_paths: &HashSet<String>) -> &'static str {
    let fixed = [
        ("", "トップページ"),
        ("404.html", "ページが見つからないときのページ"),
        (routes::SEARCH, "サイト内検索"),
        (routes::PROVIDERS, "事業所さがしの入口"),
        (routes::FIND, "事業所をさがす"),
        (routes::MAP, "事業所の地図"),
        (routes::OPENDATA, "オープンデータ"),
        (routes::ACCESSIBILITY, "アクセシビリティ方針"),
        (routes::ACCESSIBILITY_RESULTS, "アクセシビリティ試験結果"),
    ];
    if let Some((_, k)) = fixed.iter().find(|(p, _)| *p == path) {
        return k;
    }
    for (list, label) in [
        (List::Category, "種類ごとの事業所一覧"),
        (List::Area, "地域ごとの事業所一覧"),
        (List::Service, "サービスごとの事業所一覧"),
    ] {
        if path.starts_with(&format!("{}{}/", routes::PROVIDERS, list.key())) {
            return label;
        }
    }
    if provider_paths.contains(path) {
        return "事業所のページ";
    }
    if site.sections.iter().any(|s| s.path == path) {
        return "案内ページ（目次）";
    }
    for p in &site.pages {
        if p.path == path {
            return match p.kind {
                PageKind::Plain => "記事のページ",
                PageKind::Note => "エンディングノート",
                PageKind::Lecture => "出前講座のスライド",
            };
        }
        if p.kind == PageKind::Lecture && path.starts_with(&p.path) {
            if path.ends_with("handout/") {
                return "出前講座の配布資料";
            }
            if path.ends_with("speaker/") {
                return "出前講座の講師用原稿";
            }
        }
    }
    if site
        .guides
        .iter()
        .any(|g| path == routes::guide_print(&g.key))
    {
        return "印刷用ガイド";
    }
    "その他のページ"
}

/// The pages to test among `paths` (sorted), with how they were chosen.
pub fn choose(site: &Site, paths: &[String], target: usize, seed: u64) -> (Method, Vec<Chosen>) {
    let providers: HashSet<String> = site
        .providers
        .iter()
        .map(|p| routes::provider(p.id.as_str()))
        .collect();
    let all: Vec<Chosen> = paths
        .iter()
        .map(|p| Chosen {
            path: p.clone(),
            kind: kind_of(site, p, &providers),
            representative: false,
        })
        .collect();
    if all.len() <= ALL_UP_TO.max(target) {
        return (Method::All, all);
    }
    // The first page of each kind stands for it (sorted paths: the same one every time).
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in all.iter().enumerate() {
        first.entry(c.kind).or_insert(i);
    }
    let mut picked: Vec<usize> = first.values().copied().collect();
    let mut rest: Vec<usize> = (0..all.len()).filter(|i| !picked.contains(i)).collect();
    shuffle(&mut rest, seed);
    // At least 15 at random (WAIC's example of method d), and 40 in all.
    let random = target.saturating_sub(picked.len()).max(15).min(rest.len());
    picked.sort_unstable();
    let mut chosen: Vec<Chosen> = picked
        .iter()
        .map(|&i| Chosen {
            representative: true,
            ..all[i].clone()
        })
        .collect();
    let mut drawn: Vec<usize> = rest[..random].to_vec();
    drawn.sort_unstable();
    chosen.extend(drawn.into_iter().map(|i| all[i].clone()));
    (Method::RepresentativeAndRandom, chosen)
}

/// Fisher–Yates with SplitMix64: the same seed gives the same pages on every machine.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_shuffles_alike_and_another_does_not() {
        let mut a: Vec<u32> = (0..200).collect();
        let mut b = a.clone();
        let mut c = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 7);
        shuffle(&mut c, 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn page_paths_from_files() {
        assert_eq!(page_path("index.html"), "");
        assert_eq!(page_path("providers/a/index.html"), "providers/a/");
        assert_eq!(page_path("404.html"), "404.html");
    }
}
