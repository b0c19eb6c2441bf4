//! Provider records from `content/providers/*.yaml`, checked field by field.
//!
//! A file holds one record or a list of them. Every problem is reported with the line and
//! column of the value at fault, and checking goes on so one run shows them all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rayon::prelude::*;

mod contact;
mod hours;
mod items;
mod record;
mod services;

use items::{load_items, load_tree, read_tree};

use super::read_text;
use super::yaml::{self};
use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::config::Config;
use model::{Pending, Provider};

pub const PROVIDERS_DIR: &str = "content/providers";

pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "kana",
    "category",
    "area",
    "municipality",
    "postal_code",
    "address",
    "phone",
    "fax",
    "email",
    "url",
    "lat",
    "lon",
    "hours",
    "hours_note",
    "closed_days",
    "departments",
    "services",
    "accepting",
    "corporation",
    "office_code",
    "national_id",
    "source",
    "source_date",
    "missing_since",
    "own_fields",
    "updated",
    "notes",
];

/// Longest text accepted in one field; beyond it the value is surely a mistake.
const MAX_TEXT: usize = 2_000;

/// Parsed provider files kept between rebuilds (`serve`): a file whose modification time
/// and size are unchanged is not read again.
#[derive(Default)]
pub struct ProviderCache {
    files: Mutex<HashMap<PathBuf, CachedFile>>,
    /// The records of the last load in order, so that the next load sorts only the
    /// records it read again and merges them in.
    sorted: Mutex<Vec<Arc<Provider>>>,
}

/// Modification time, size, the records and problems read, and the file's top-level
/// items as read (so an edit reads again only the items that changed).
type CachedFile = (
    Option<SystemTime>,
    u64,
    Vec<Arc<Provider>>,
    Diagnostics,
    Vec<Item>,
);

/// One top-level list item of a provider file as last read: the line it starts on, a
/// hash of its text, and what was read from it.
struct Item {
    start: usize,
    hash: blake3::Hash,
    providers: Vec<Arc<Provider>>,
    diags: Diagnostics,
}

impl ProviderCache {
    /// Forgets everything, e.g. after site.toml changed (categories and areas decide validity).
    pub fn clear(&self) {
        if let Ok(mut m) = self.files.lock() {
            m.clear();
        }
        if let Ok(mut s) = self.sorted.lock() {
            s.clear();
        }
    }
}

/// Reads every provider file; returns the valid records and all problems found.
pub fn load(
    root: &Path,
    files: &[PathBuf],
    config: &Config,
    cache: Option<&ProviderCache>,
) -> (Vec<Arc<Provider>>, Diagnostics) {
    let mut timer = diagnostics::timings::Timings::new();
    let per_file: Vec<(Vec<Arc<Provider>>, Diagnostics)> = files
        .par_iter()
        .map(|rel| {
            let Some(cache) = cache else {
                let (p, d) = load_file(root, rel, config);
                return (p.into_iter().map(Arc::new).collect(), d);
            };
            let meta = std::fs::metadata(root.join(rel)).ok();
            let stamp = (
                meta.as_ref().and_then(|m| m.modified().ok()),
                meta.as_ref().map_or(0, |m| m.len()),
            );
            let old = match cache.files.lock() {
                Ok(mut m) => match m.get(rel) {
                    Some((t, len, p, d, _)) if (*t, *len) == stamp && t.is_some() => {
                        return (p.clone(), d.clone());
                    }
                    _ => m.remove(rel),
                },
                Err(_) => None,
            };
            let old_items = old.map(|(_, _, _, _, items)| items).unwrap_or_default();
            let (p, d, items) = match read_text(root, rel) {
                Ok(src) => load_items(rel, &src, config, old_items).unwrap_or_else(|| {
                    let (p, d) = load_text(rel, &src, config);
                    (p.into_iter().map(Arc::new).collect(), d, Vec::new())
                }),
                Err(e) => (Vec::new(), e.into(), Vec::new()),
            };
            if let Ok(mut m) = cache.files.lock() {
                m.insert(
                    rel.to_path_buf(),
                    (stamp.0, stamp.1, p.clone(), d.clone(), items),
                );
            }
            (p, d)
        })
        .collect();
    timer.mark("providers: files");
    let mut providers = Vec::new();
    let mut diags = Diagnostics::new();
    for (p, d) in per_file {
        providers.extend(p);
        diags.extend(d);
    }
    timer.mark("providers: join");
    check_unique_ids(&providers, &mut diags);
    check_same_office(&providers, &mut diags);
    timer.mark("providers: unique");
    let providers = match cache.and_then(|c| c.sorted.lock().ok()) {
        Some(mut last) => {
            let sorted = resort(&last, providers);
            last.clone_from(&sorted);
            sorted
        }
        None => {
            let mut providers = providers;
            providers.par_sort_by(order);
            providers
        }
    };
    timer.mark("providers: sort");
    timer.report();
    (providers, diags)
}

/// 五十音 order of readings, then names, then ids.
fn order(a: &Arc<Provider>, b: &Arc<Provider>) -> std::cmp::Ordering {
    a.kana
        .cmp_order(&b.kana)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.id.cmp(&b.id))
}

/// `records` in [`order`], given the same order of an earlier load: the records kept
/// from it (the same objects) stay in their order, and only the others are sorted and
/// merged in. After a one-record edit of 10,000 that is one comparison per record instead
/// of a full sort.
fn resort(last: &[Arc<Provider>], records: Vec<Arc<Provider>>) -> Vec<Arc<Provider>> {
    let now: rustc_hash::FxHashSet<*const Provider> = records.iter().map(Arc::as_ptr).collect();
    let kept: Vec<&Arc<Provider>> = last
        .iter()
        .filter(|p| now.contains(&Arc::as_ptr(p)))
        .collect();
    let before: rustc_hash::FxHashSet<*const Provider> =
        kept.iter().map(|p| Arc::as_ptr(p)).collect();
    let mut fresh: Vec<Arc<Provider>> = records
        .iter()
        .filter(|p| !before.contains(&Arc::as_ptr(p)))
        .cloned()
        .collect();
    fresh.sort_by(order);
    // Equal records (a duplicated id, reported as an error) keep a stable order too.
    let mut out = Vec::with_capacity(records.len());
    let mut fresh = fresh.into_iter().peekable();
    for p in kept {
        while let Some(f) = fresh.next_if(|f| order(f, p).is_lt()) {
            out.push(f);
        }
        out.push(p.clone());
    }
    out.extend(fresh);
    out
}

fn check_unique_ids(providers: &[Arc<Provider>], diags: &mut Diagnostics) {
    let mut seen: rustc_hash::FxHashMap<&str, &Provider> = Default::default();
    for p in providers {
        if let Some(first) = seen.get(p.id.as_str()) {
            diags.push(
                Diagnostic::error(
                    &p.source,
                    Some(Pos::new(p.line, 1)),
                    format!(
                        "id「{}」が重複しています（最初は {}:{}）",
                        p.id,
                        first.source.display(),
                        first.line
                    ),
                )
                .with_help("id は事業所ごとに別のものにしてください（ページの URL になります）"),
            );
        } else {
            seen.insert(&p.id, p);
        }
    }
}

/// Two records of one office: the same office code in the same category is an error (an
/// import into a new file, or a copy); the same name and phone number in the same category
/// is a warning. (One office giving two kinds of service is two records, one per category.)
fn check_same_office(providers: &[Arc<Provider>], diags: &mut Diagnostics) {
    let at = |p: &Provider| format!("{}:{}", p.source.display(), p.line);
    let mut by_code: rustc_hash::FxHashMap<(&str, &str), &Provider> = Default::default();
    let mut by_name: rustc_hash::FxHashMap<(&str, &str, &str), &Provider> = Default::default();
    for p in providers {
        if let Some(code) = &p.office_code {
            if let Some(first) = by_code.get(&(code.as_str(), p.category.as_str())) {
                diags.push(
                    Diagnostic::error(
                        &p.source,
                        Some(Pos::new(p.line, 1)),
                        format!(
                            "「{}」（id: {}）は {}（id: {}）と同じ事業所番号「{code}」です",
                            p.name,
                            p.id,
                            at(first),
                            first.id
                        ),
                    )
                    .with_help("同じ事業所が2回書かれています。どちらか一方の記録を消してください（取り込みで別のファイルに入ったときは、古い方を消します）"),
                );
                continue;
            }
            by_code.insert((code, &p.category), p);
        }
        let key = (p.name.as_str(), p.phone.number(), p.category.as_str());
        match by_name.get(&key) {
            Some(first) => diags.push(
                Diagnostic::warning(
                    &p.source,
                    Some(Pos::new(p.line, 1)),
                    format!(
                        "「{}」（id: {}）は {}（id: {}）と名前も電話番号も同じです",
                        p.name,
                        p.id,
                        at(first),
                        first.id
                    ),
                )
                .with_help("同じ事業所を2回書いていないか確かめてください（別の事業所なら、そのままでかまいません）"),
            ),
            None => {
                by_name.insert(key, p);
            }
        }
    }
}

fn load_file(root: &Path, rel: &Path, config: &Config) -> (Vec<Provider>, Diagnostics) {
    match read_text(root, rel) {
        Ok(src) => load_text(rel, &src, config),
        Err(d) => (Vec::new(), d.into()),
    }
}

/// Reads the records of one file's text, as if it were `rel` (the importer checks what
/// it is about to write this way).
pub fn load_text(rel: &Path, src: &str, config: &Config) -> (Vec<Provider>, Diagnostics) {
    match yaml::parse(src) {
        Ok(Some(tree)) => load_tree(rel, &tree, config),
        Ok(None) => (Vec::new(), Diagnostics::new()),
        Err(e) => (
            Vec::new(),
            Diagnostic::error(rel, Some(e.pos), e.message)
                .with_help(e.help)
                .into(),
        ),
    }
}

/// The records of the site's provider files that wait for a phone number (掲載準備中).
pub fn pending(root: &Path, files: &[PathBuf], config: &Config) -> Vec<Pending> {
    let mut out = Vec::new();
    for rel in files {
        let Ok(src) = read_text(root, rel) else {
            continue;
        };
        if let Ok(Some(tree)) = yaml::parse(&src) {
            read_tree(rel, &tree, config, Some(&mut out));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::items::split_items;
    use super::*;
    use model::Kana;

    fn config() -> std::sync::Arc<model::Site> {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
        crate::load(root, &Default::default())
            .expect("sample site")
            .0
    }

    /// What reading item by item gives, as comparable text.
    fn read(src: &str, config: &Config, old: Vec<Item>) -> Option<(String, Vec<Item>)> {
        let (p, d, items) = load_items(Path::new("x.yaml"), src, config, old)?;
        Some((format!("{p:?}\n{:?}", d.iter().collect::<Vec<_>>()), items))
    }

    fn whole(src: &str, config: &Config) -> String {
        let (p, d) = load_text(Path::new("x.yaml"), src, config);
        format!("{p:?}\n{:?}", d.iter().collect::<Vec<_>>())
    }

    #[test]
    fn reading_item_by_item_gives_what_reading_the_whole_file_gives() {
        let site = config();
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(PROVIDERS_DIR);
        let mut files = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let src = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let (items, _) = read(&src, &site.config, Vec::new()).expect("a plain list");
            assert_eq!(items, whole(&src, &site.config));
            files += 1;
        }
        assert!(files >= 5);
    }

    #[test]
    fn after_an_edit_only_changed_items_are_read_and_the_result_is_the_same() {
        let site = config();
        let c = &site.config;
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .join("content/providers/clinics.yaml");
        let src = std::fs::read_to_string(path).unwrap();
        let (_, items) = read(&src, c, Vec::new()).unwrap();
        let n = items.len();
        assert!(n > 3);
        // An edit inside the second item, one that breaks a field, and one that adds
        // lines (moving every later item down).
        let second = split_items(&src).unwrap()[1].1;
        let phone = second.lines().find(|l| l.contains("phone:")).unwrap();
        for edited in [
            src.replacen(phone, "  phone: 0990-11-2233", 1),
            src.replacen(phone, "  phone: でんわ", 1),
            src.replacen(phone, &format!("  # 電話を変えました\n  #\n{phone}"), 1),
        ] {
            let (_, old) = read(&src, c, Vec::new()).unwrap();
            let before: Vec<blake3::Hash> = old.iter().map(|i| i.hash).collect();
            let (got, now) = read(&edited, c, old).unwrap();
            assert_eq!(got, whole(&edited, c));
            assert_eq!(now.len(), n);
            assert_eq!(now[0].hash, before[0]);
            assert_ne!(now[1].hash, before[1]);
        }
    }

    #[test]
    fn files_that_are_not_a_plain_list_are_read_whole() {
        let c = &config().config;
        let alias = "- &a\n  id: a\n- *a\n";
        let map = "id: a\nname: x\n";
        let header = "---\n- id: a\n";
        let broken = "- id: a\n  name: [\n- id: b\n";
        for src in [alias, map, header, broken] {
            assert!(read(src, c, Vec::new()).is_none(), "{src}");
        }
        let comments = "# 一覧\n\n- id: a\n# メモ\n- id: b\n";
        let parts: Vec<usize> = split_items(comments).unwrap().iter().map(|p| p.0).collect();
        assert_eq!(parts, [3, 5]);
    }

    #[test]
    fn merging_the_records_read_again_gives_the_full_sort() {
        let site = config();
        let full = |records: &[Arc<Provider>]| {
            let mut v = records.to_vec();
            v.sort_by(order);
            v
        };
        let last = full(&site.providers);
        // Every third record read again (new objects), one with a new reading, and the
        // input in another order than the last load's.
        let mut records: Vec<Arc<Provider>> = last
            .iter()
            .enumerate()
            .map(|(i, p)| match i % 3 {
                0 => Arc::new((**p).clone()),
                _ => p.clone(),
            })
            .rev()
            .collect();
        let moved = Arc::make_mut(&mut records[0]);
        moved.kana = Kana::parse("ん").unwrap();
        // A record removed and a new one added.
        records.remove(5);
        let mut added = (*records[7]).clone();
        added.id = model::ProviderId::parse("new-one").unwrap();
        added.kana = Kana::parse("あああ").unwrap();
        records.push(Arc::new(added));
        let merged = resort(&last, records.clone());
        let ids = |v: &[Arc<Provider>]| v.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&merged), ids(&full(&records)));
        assert!(merged.len() > 40);
    }
}
