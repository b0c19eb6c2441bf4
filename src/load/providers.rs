//! Provider records from `content/providers/*.yaml`, checked field by field.
//!
//! A file holds one record or a list of them. Every problem is reported with the line and
//! column of the value at fault, and checking goes on so one run shows them all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use jiff::civil::Date;
use rayon::prelude::*;

use super::read_text;
use super::suggest::did_you_mean;
use super::yaml::{self, Node};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::load::config::Config;
use crate::model::ids::IdProblem;
use crate::model::{
    Accepting, Coords, Day, Hours, Kana, Pending, Phone, Provider, ProviderId, text,
};

pub const PROVIDERS_DIR: &str = "content/providers";

pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "kana",
    "category",
    "area",
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
    let mut timer = crate::timings::Timings::new();
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

/// Reads a file item by item, reusing what `old` read from items whose text and place
/// are unchanged: after a one-record edit of a 1,000-record file, one item is parsed
/// instead of the file (under 1 ms instead of about 50). `None` when the file is not a
/// plain list of items, or an item does not read on its own (a syntax error, or an alias
/// to another item's anchor): the file is then read whole.
fn load_items(
    rel: &Path,
    src: &str,
    config: &Config,
    old: Vec<Item>,
) -> Option<(Vec<Arc<Provider>>, Diagnostics, Vec<Item>)> {
    let parts = split_items(src)?;
    let mut old: HashMap<(usize, blake3::Hash), Item> =
        old.into_iter().map(|i| ((i.start, i.hash), i)).collect();
    let mut items = Vec::with_capacity(parts.len());
    // Items read now share one file's budget for aliases.
    let mut budget = yaml::NODE_BUDGET;
    for (start, text) in parts {
        let hash = blake3::hash(text.as_bytes());
        if let Some(item) = old.remove(&(start, hash)) {
            items.push(item);
            continue;
        }
        // An item that reads on its own refers to no other item; one that does not is
        // read (and its error reported) as part of the whole file.
        let tree = yaml::parse_within(text, &mut budget).ok()??;
        let (mut providers, diags) = load_tree(rel, &tree, config);
        // Read on its own, the item starts on line 1.
        for p in &mut providers {
            p.line += start - 1;
            p.updated_pos.line += start - 1;
        }
        let diags = diags
            .into_iter()
            .map(|mut d| {
                if let Some(pos) = &mut d.pos {
                    pos.line += start - 1;
                }
                d
            })
            .collect();
        items.push(Item {
            start,
            hash,
            providers: providers.into_iter().map(Arc::new).collect(),
            diags,
        });
    }
    let mut providers = Vec::new();
    let mut diags = Diagnostics::new();
    for item in &items {
        providers.extend(item.providers.iter().cloned());
        diags.extend(item.diags.clone());
    }
    Some((providers, diags, items))
}

/// The top-level items of a block list written from column 0 (`- id: …`), each with the
/// line it starts on. Only blank and comment lines may come before the first; any other
/// line at column 0 means the file is something else (`None`).
fn split_items(src: &str) -> Option<Vec<(usize, &str)>> {
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for (i, line) in src.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "-" || bare.starts_with("- ") {
            starts.push((i + 1, offset));
        } else if bare.starts_with('#') || bare.trim().is_empty() {
        } else if starts.is_empty() || !bare.starts_with(' ') {
            return None;
        }
        offset += line.len();
    }
    if starts.is_empty() {
        return None;
    }
    let ends = starts.iter().skip(1).map(|s| s.1).chain([src.len()]);
    Some(
        starts
            .iter()
            .zip(ends)
            .map(|(&(line, from), to)| (line, &src[from..to]))
            .collect(),
    )
}

fn load_tree(rel: &Path, tree: &Node, config: &Config) -> (Vec<Provider>, Diagnostics) {
    read_tree(rel, tree, config, None)
}

/// The published records of a file; with `collect`, the pending ones go there instead of
/// being reported.
fn read_tree(
    rel: &Path,
    tree: &Node,
    config: &Config,
    mut collect: Option<&mut Vec<Pending>>,
) -> (Vec<Provider>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let records: Vec<&Node> = match (&tree.as_seq(), tree.as_map()) {
        (Some(items), _) => items.iter().collect(),
        (None, Some(_)) => vec![&tree],
        _ => {
            diags.push(
                Diagnostic::error(rel, Some(tree.pos), "事業所の記録として読めません")
                    .with_help("「- id: …」で始まる記録のリストか、1件の記録を書いてください"),
            );
            return (Vec::new(), diags);
        }
    };
    let mut out = Vec::with_capacity(records.len());
    for node in records {
        let mut r = Record {
            file: rel,
            node,
            config,
            diags: &mut diags,
        };
        let Some(p) = r.provider() else { continue };
        match p.phone.clone() {
            Some(phone) => out.push(p.with_phone(phone)),
            // 医療情報ネット has no phone numbers; a resident cannot use an entry without
            // one, so it waits until staff add it (掲載準備中).
            None if collect.is_some() => {
                if let Some(c) = collect.as_deref_mut() {
                    c.push(p.with_phone(()));
                }
            }
            None => {
                // At an empty `phone:` if there is one, else at the name.
                let field = |key: &str| {
                    node.as_map()
                        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(key)))
                        .map(|(_, v)| v.pos)
                };
                let at = field("phone").or_else(|| field("name")).unwrap_or(node.pos);
                diags.push(
                    Diagnostic::warning(
                        rel,
                        Some(at),
                        format!(
                            "「{}」は電話番号がないため、まだ掲載していません（掲載準備中）",
                            p.name
                        ),
                    )
                    .with_code("pending")
                    .with_help("電話番号がわかったら「phone: 0990-12-3456」の行を加えてください。tsunagu stale の確認票で事業所に尋ねられます"),
                );
            }
        }
    }
    (out, diags)
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

/// One record being read; pushes a diagnostic for each bad field and carries on.
struct Record<'a> {
    file: &'a Path,
    node: &'a Node,
    config: &'a Config,
    diags: &'a mut Diagnostics,
}

impl Record<'_> {
    fn error(&mut self, node: &Node, message: String, help: &str) {
        self.diags.push(
            Diagnostic::error(self.file, Some(node.pos), message)
                .with_len(node.len)
                .with_help(help),
        );
    }

    fn field(&self, key: &str) -> Option<&Node> {
        self.node
            .as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// A text field; `None` when absent (reported if required) or not text.
    fn text(&mut self, key: &str, required: bool) -> Option<String> {
        let Some(node) = self.field(key).cloned() else {
            if required {
                let node = self.node.clone();
                self.error(
                    &node,
                    format!("必須の項目「{key}」がありません"),
                    &format!("この記録に「{key}: 値」の行を加えてください"),
                );
            }
            return None;
        };
        match node.as_str() {
            Some(s) if s.chars().count() > MAX_TEXT => {
                self.error(
                    &node,
                    format!("「{key}」が長すぎます（{MAX_TEXT}文字まで）"),
                    "内容を見直して短くしてください",
                );
                None
            }
            Some(s) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                let c = s.chars().find(|c| c.is_control()).unwrap_or_default();
                self.error(
                    &node,
                    format!(
                        "「{key}」に見えない制御文字（U+{:04X}）があります",
                        c as u32
                    ),
                    "ほかのソフトから貼り付けたときに紛れ込んだ文字です。値を打ち直してください",
                );
                None
            }
            Some(s) if s.trim().is_empty() => {
                if required {
                    self.error(
                        &node,
                        format!("必須の項目「{key}」が空です"),
                        &format!("「{key}:」の後に値を書いてください"),
                    );
                }
                None
            }
            Some(s) => Some(s.trim().to_string()),
            None => {
                self.error(
                    &node,
                    format!(
                        "「{key}」には文字列を書いてください（{}が書かれています）",
                        node.kind_name()
                    ),
                    "値が「-」や「{」で始まる場合は \"…\" で囲んでください",
                );
                None
            }
        }
    }

    /// A field that holds a code or a number (phone, date, id…): full-width digits and
    /// letters typed by hand mean the same as half-width ones.
    fn code(&mut self, key: &str, required: bool) -> Option<String> {
        self.text(key, required)
            .map(|s| text::ascii_fold(&s).trim().to_string())
    }

    /// The record with every field checked; its phone is `None` when it has none (a
    /// pending record), reported as an error when it is written wrongly.
    fn provider(&mut self) -> Option<Provider<Option<Phone>>> {
        let Some(pairs) = self.node.as_map() else {
            let node = self.node.clone();
            self.error(
                &node,
                format!(
                    "事業所の記録は「項目名: 値」の集まりで書いてください（{}が書かれています）",
                    node.kind_name()
                ),
                "各記録は「- id: …」で始め、続く項目は字下げをそろえて書きます",
            );
            return None;
        };
        for (key, _) in pairs {
            let k = key.as_str().unwrap_or_default();
            if !FIELDS.contains(&k) {
                let suggestion = did_you_mean(k, FIELDS, "");
                let key = key.clone();
                self.error(
                    &key,
                    format!("知らない項目「{k}」があります"),
                    &format!("{suggestion}使える項目は 説明書（docs/manual.md）の「事業所データの項目」にあります"),
                );
            }
        }
        let errors_before = self.diags.error_count();

        let id = self.code("id", true).and_then(|id| self.check_id(id));
        let name = self.text("name", true);
        let kana = self.kana();
        let category = self.vocab(
            "category",
            |c, k| c.categories.contains_key(k),
            "categories",
        );
        let area = self.vocab("area", |c, k| c.areas.contains_key(k), "areas");
        let postal_code = self.postal_code();
        let address = self.text("address", true);
        let phone = self.phone("phone", false);
        let fax = self.phone("fax", false);
        let email = self.email();
        let url = self.url();
        let coords = self.coords();
        let hours = self.hours();
        let hours_note = self.text("hours_note", false);
        let closed_days = self.text("closed_days", false);
        let services = self.services();
        let (accepting, accepting_note) = self.accepting();
        let corporation = self.text("corporation", false);
        let office_code = self.office_code();
        let departments = self.list("departments", "例: departments: [内科, 小児科]");
        let national_id = self.national_id();
        let origin = self.origin();
        let missing_since = self.date("missing_since", false);
        self.own_fields();
        let updated = self.date("updated", true);
        let notes = self.text("notes", false);

        if self.diags.error_count() > errors_before {
            return None;
        }
        Some(Provider {
            id: id?,
            name: name?,
            kana: kana?,
            category: category?,
            area: area?,
            postal_code: postal_code.unwrap_or_default(),
            address: address?,
            phone,
            fax,
            email,
            url,
            coords,
            hours,
            hours_note,
            closed_days,
            departments,
            services,
            accepting,
            accepting_note,
            corporation,
            office_code,
            national_id,
            origin,
            missing_since,
            updated: updated?,
            notes,
            source: self.file.to_path_buf(),
            line: self.node.pos.line,
            updated_pos: self.field("updated").map_or(self.node.pos, |n| n.pos),
        })
    }

    fn check_id(&mut self, id: String) -> Option<ProviderId> {
        let problem = match ProviderId::parse(&id) {
            Ok(id) => return Some(id),
            Err(p) => p,
        };
        let node = self.field("id")?.clone();
        match problem {
            IdProblem::Characters => self.error(
                &node,
                format!("id「{id}」に使えない文字があります"),
                "id には英小文字・数字・「-」だけを使ってください（例: midori-naika）。ページの URL になります",
            ),
            IdProblem::Reserved => self.error(
                &node,
                format!("id「{id}」は一覧ページの名前と重なるため使えません"),
                "別の id にしてください",
            ),
        }
        None
    }

    fn kana(&mut self) -> Option<Kana> {
        if self.field("kana").is_none_or(Node::is_null) {
            // Imported lists often carry no reading; the record is still published.
            self.diags.push(
                Diagnostic::warning(self.file, Some(self.node.pos), "よみがな（kana）がありません")
                    .with_help("kana に名称の読みをひらがなで書いてください。書くまでは五十音順の一覧で「その他」に並びます"),
            );
            return Some(Kana::unknown());
        }
        let s = self.text("kana", true)?;
        // Half-width katakana (ｸｽﾘﾉﾓﾘ) reads as the same reading; katakana becomes hiragana.
        match Kana::parse(&text::tidy(&s)) {
            Ok(k) => Some(k),
            Err(c) => {
                let node = self.field("kana")?.clone();
                self.error(
                    &node,
                    format!("よみがな「{s}」にかな以外の文字「{c}」があります"),
                    "kana には名称の読みをひらがなで書いてください（五十音順の並べ替えに使います）",
                );
                None
            }
        }
    }

    fn vocab(
        &mut self,
        key: &str,
        known: impl Fn(&Config, &str) -> bool,
        table: &str,
    ) -> Option<String> {
        let v = self.code(key, true)?;
        if known(self.config, &v) {
            return Some(v);
        }
        let options: Vec<&str> = match table {
            "categories" => self.config.categories.keys().map(String::as_str).collect(),
            _ => self.config.areas.keys().map(String::as_str).collect(),
        };
        let node = self.field(key)?.clone();
        let hint = did_you_mean(&v, &options, "");
        self.error(
            &node,
            format!("{key}「{v}」は site.toml の [{table}] にありません"),
            &format!("{hint}次のどれかを書いてください: {}", options.join(", ")),
        );
        None
    }

    fn postal_code(&mut self) -> Option<String> {
        let written = self.text("postal_code", false)?;
        // 〒, full-width digits and a missing hyphen change nothing of the meaning.
        if let Some(code) = text::postal(&written) {
            return Some(code);
        }
        let node = self.field("postal_code")?.clone();
        self.error(
            &node,
            format!("郵便番号「{written}」の形が正しくありません"),
            "半角で「123-4567」の形に書いてください（「〒」は不要です）",
        );
        None
    }

    fn phone(&mut self, key: &str, required: bool) -> Option<Phone> {
        let s = self.text(key, required)?;
        let what = if key == "fax" {
            "FAX番号"
        } else {
            "電話番号"
        };
        // Full-width digits and hyphens mean the same; other guesses are said aloud.
        if let Some(p) = Phone::parse(&text::ascii_fold(&s)) {
            return Some(p);
        }
        let node = self.field(key)?.clone();
        if let Some(p) = Phone::parse_loose(&s) {
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    Some(node.pos),
                    format!("{what}「{s}」を「{}」と読みました", p.as_str()),
                )
                .with_len(node.len)
                .with_help(
                    "読み方が正しいか確かめて、半角の数字とハイフン（-）で書き直してください",
                ),
            );
            return Some(p);
        }
        self.error(
            &node,
            format!("{what}「{s}」の形が正しくありません"),
            "半角の数字とハイフンで、市外局番から書いてください（例: 0990-12-3456）。内線は「0479-00-0100（内線 245）」のように後ろに書けます",
        );
        None
    }

    fn email(&mut self) -> Option<String> {
        let s = self.code("email", false)?;
        let ok = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && s.chars()
                        .all(|c| c.is_ascii_graphic() && !"<>\"'(),;:[]\\".contains(c) || c == '@')
                    && s.matches('@').count() == 1
            }
            None => false,
        };
        if ok {
            return Some(s);
        }
        let node = self.field("email")?.clone();
        self.error(
            &node,
            format!("メールアドレス「{s}」の形が正しくありません"),
            "半角で「info@example.jp」の形に書いてください",
        );
        None
    }

    fn url(&mut self) -> Option<String> {
        let s = self.code("url", false)?;
        match url::Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                Some(u.to_string())
            }
            _ => {
                let node = self.field("url")?.clone();
                self.error(
                    &node,
                    format!("ホームページの URL「{s}」が正しくありません"),
                    "https:// または http:// で始まる URL を書いてください",
                );
                None
            }
        }
    }

    fn number(&mut self, key: &str) -> Option<f64> {
        let node = self.field(key)?.clone();
        match node
            .as_str()
            .map(text::ascii_fold)
            .and_then(|s| s.trim().parse::<f64>().ok())
        {
            Some(v) if v.is_finite() => Some(v),
            _ => {
                self.error(
                    &node,
                    format!("「{key}」には数値を書いてください"),
                    "地図アプリで調べた緯度・経度を、35.6812 のような小数で書いてください",
                );
                None
            }
        }
    }

    fn coords(&mut self) -> Option<Coords> {
        let (has_lat, has_lon) = (self.field("lat").is_some(), self.field("lon").is_some());
        if has_lat != has_lon {
            let node = self.field(if has_lat { "lat" } else { "lon" })?.clone();
            self.error(
                &node,
                "緯度（lat）と経度（lon）は両方書くか、両方とも省いてください".into(),
                "片方だけでは地図に表示できません",
            );
            return None;
        }
        let (lat, lon) = (self.number("lat"), self.number("lon"));
        let (lat, lon) = (lat?, lon?);
        // Japan's extremes: 沖ノ鳥島 20.4°N, 択捉島 45.6°N, 与那国島 122.9°E, 南鳥島 154.0°E.
        if !(20.0..=46.0).contains(&lat) || !(122.0..=154.0).contains(&lon) {
            let node = self.field("lat")?.clone();
            self.error(
                &node,
                format!("座標（緯度 {lat}, 経度 {lon}）が日本の範囲外です"),
                "緯度と経度が入れ替わっていないか確かめてください（日本は緯度 20〜46、経度 122〜154）",
            );
            return None;
        }
        Some(Coords { lat, lon })
    }

    fn hours(&mut self) -> Vec<Hours> {
        let Some(node) = self.field("hours").cloned() else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            self.error(
                &node,
                "「hours」は時間帯のリストで書いてください".into(),
                "「- days: [mon, tue]」「open: \"09:00\"」「close: \"12:00\"」の組を並べます",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let mut slot = Record {
                file: self.file,
                node: item,
                config: self.config,
                diags: self.diags,
            };
            if let Some(h) = slot.slot() {
                out.push(h);
            }
        }
        out
    }

    /// One entry of `hours`: `{days, open, close}`.
    fn slot(&mut self) -> Option<Hours> {
        let Some(pairs) = self.node.as_map() else {
            let node = self.node.clone();
            self.error(
                &node,
                "時間帯は「days」「open」「close」の組で書いてください".into(),
                "例: - { days: [mon, tue], open: \"09:00\", close: \"12:00\" }",
            );
            return None;
        };
        for (key, _) in pairs {
            if !matches!(key.as_str(), Some("days" | "open" | "close")) {
                let key = key.clone();
                self.error(
                    &key,
                    format!(
                        "時間帯に知らない項目「{}」があります",
                        key.as_str().unwrap_or_default()
                    ),
                    "時間帯に書けるのは days, open, close だけです",
                );
            }
        }
        let mut days = Vec::new();
        match self.field("days").cloned() {
            Some(n) if n.as_seq().is_some() => {
                for d in n.as_seq().unwrap_or_default() {
                    match d
                        .as_str()
                        .map(text::ascii_fold)
                        .as_deref()
                        .and_then(Day::parse)
                    {
                        Some(day) => days.push(day),
                        None => self.error(
                            d,
                            format!("曜日「{}」がわかりません", d.as_str().unwrap_or_default()),
                            "mon tue wed thu fri sat sun hol（祝日）のどれかを書いてください",
                        ),
                    }
                }
            }
            Some(n) => self.error(
                &n,
                "「days」は曜日のリストで書いてください".into(),
                "例: days: [mon, tue, wed]",
            ),
            None => {
                let node = self.node.clone();
                self.error(
                    &node,
                    "時間帯に「days」がありません".into(),
                    "例: days: [mon, tue, wed]",
                );
            }
        }
        let open = self.time("open");
        let close = self.time("close");
        if let Some(o) = open.as_ref().filter(|o| o.as_str() >= "24:00")
            && let Some(node) = self.field("open").cloned()
        {
            self.error(
                &node,
                format!("始まりの時刻 {o} は 23:59 までです"),
                "真夜中から始まるときは \"00:00\" と書いてください",
            );
            return None;
        }
        let (open, close) = (open?, close?);
        // A close after 24:00 (\"26:00\") is the next morning, as a close before the open is.
        let close = match close
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m)))
        {
            Some((h, m)) if h > 24 || (h == 24 && m != "00") => {
                let next = format!("{:02}:{m}", h - 24);
                if next >= open {
                    let node = self.field("close")?.clone();
                    self.error(
                        &node,
                        format!("時間帯 {open}〜{close} が24時間より長くなっています"),
                        "終わりの時刻を確かめてください。翌朝までなら翌朝の時刻（例: \"09:00\"）を書きます",
                    );
                    return None;
                }
                next
            }
            _ => close,
        };
        if open == close {
            let node = self.field("close")?.clone();
            self.error(
                &node,
                format!("始まりと終わりが同じ時刻（{open}）です"),
                "24時間なら open: \"00:00\" と close: \"24:00\" を、夜間なら翌朝の終わりの時刻（例: close: \"09:00\"）を書いてください",
            );
            return None;
        }
        Some(Hours { days, open, close })
    }

    fn time(&mut self, key: &str) -> Option<String> {
        let Some(s) = self.code(key, false) else {
            let node = self.node.clone();
            self.error(
                &node,
                format!("時間帯に「{key}」がありません"),
                "例: open: \"09:00\"",
            );
            return None;
        };
        // Up to 47:59: a close written after midnight as \"26:00\" is read by `slot`.
        let parsed = s.split_once(':').and_then(|(h, m)| {
            let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
            (h < 48 && m < 60 && s.len() >= 4).then(|| format!("{h:02}:{m:02}"))
        });
        if parsed.is_none() {
            let node = self.field(key)?.clone();
            self.error(
                &node,
                format!("時刻「{s}」の形が正しくありません"),
                "\"09:00\" のように24時間表記で、引用符で囲んで書いてください",
            );
        }
        parsed
    }

    fn services(&mut self) -> Vec<String> {
        let Some(node) = self.field("services").cloned() else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            self.error(
                &node,
                "「services」はリストで書いてください".into(),
                "例: services: [houmon-shinryo, mitori]",
            );
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for item in items {
            match item.as_str().map(text::ascii_fold).as_deref() {
                Some(s) if self.config.services.contains_key(s) => {
                    if !out.iter().any(|o| o == s) {
                        out.push(s.to_string());
                    }
                }
                _ => {
                    let known: Vec<&str> =
                        self.config.services.keys().map(String::as_str).collect();
                    self.error(
                        item,
                        format!(
                            "対応サービス「{}」は site.toml の [services] にありません",
                            item.as_str().unwrap_or_default()
                        ),
                        &format!("次のどれかを書いてください: {}", known.join(", ")),
                    );
                }
            }
        }
        // Listed in the site's own order so every page shows services alike.
        out.sort_by_key(|s| self.config.services.get_index_of(s));
        out
    }

    fn accepting(&mut self) -> (Accepting, Option<String>) {
        let Some(node) = self.field("accepting").cloned() else {
            return (Accepting::Unknown, None);
        };
        let help = "accepting, limited, full, unknown のどれかを書いてください";
        let (status_node, note) = match (node.as_str(), node.as_map()) {
            (Some(_), _) => (Some(node.clone()), None),
            (None, Some(pairs)) => {
                for (k, _) in pairs {
                    if !matches!(k.as_str(), Some("status" | "note")) {
                        self.error(
                            k,
                            format!(
                                "「accepting」に知らない項目「{}」があります",
                                k.as_str().unwrap_or_default()
                            ),
                            "書けるのは status と note だけです",
                        );
                    }
                }
                let mut inner = Record {
                    file: self.file,
                    node: &node,
                    config: self.config,
                    diags: self.diags,
                };
                (inner.field("status").cloned(), inner.text("note", false))
            }
            _ => {
                self.error(&node, "「accepting」の形が正しくありません".into(), help);
                return (Accepting::Unknown, None);
            }
        };
        let Some(status_node) = status_node else {
            self.error(&node, "「accepting」に status がありません".into(), help);
            return (Accepting::Unknown, note);
        };
        match status_node
            .as_str()
            .map(text::ascii_fold)
            .as_deref()
            .and_then(Accepting::parse)
        {
            Some(a) => (a, note),
            None => {
                self.error(
                    &status_node,
                    format!(
                        "受入状況「{}」がわかりません",
                        status_node.as_str().unwrap_or_default()
                    ),
                    help,
                );
                (Accepting::Unknown, note)
            }
        }
    }

    fn office_code(&mut self) -> Option<String> {
        let s = self.code("office_code", false)?;
        // 介護保険事業所番号 may carry a capital letter (総合事業: "04A0700017").
        let digits = s.bytes().all(|b| b.is_ascii_digit());
        let care = s.len() == 10
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if (digits && s.len() == 7) || care {
            return Some(s);
        }
        let node = self.field("office_code")?.clone();
        self.error(
            &node,
            format!("事業所番号「{s}」の形が正しくありません"),
            "医療機関コードは7桁、介護保険事業所番号は10桁の半角英数字で、\"0123456\" のように引用符で囲んで書いてください",
        );
        None
    }

    /// A list of short texts (診療科目), each kept once.
    fn list(&mut self, key: &str, example: &str) -> Vec<String> {
        let Some(node) = self.field(key).cloned() else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            self.error(&node, format!("「{key}」はリストで書いてください"), example);
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for item in items {
            match item.as_str().map(text::tidy) {
                Some(s) if !s.is_empty() && s.chars().count() <= 100 => {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                _ => self.error(
                    item,
                    format!("「{key}」の項目は100文字までの文字で書いてください"),
                    example,
                ),
            }
        }
        out
    }

    fn national_id(&mut self) -> Option<String> {
        let s = self.code("national_id", false)?;
        if s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Some(s);
        }
        let node = self.field("national_id")?.clone();
        self.error(
            &node,
            format!("医療情報ネットの ID「{s}」は13桁の数字ではありません"),
            "\"0111010000090\" のように、引用符で囲んだ13桁の数字で書いてください（先頭の0も消さずに）",
        );
        None
    }

    fn origin(&mut self) -> Option<crate::model::Origin> {
        let key = self.code("source", false);
        let date = self.date("source_date", false);
        let source = match key.as_deref().map(crate::model::DataSource::parse) {
            None => return None,
            Some(Some(s)) => s,
            Some(None) => {
                let node = self.field("source")?.clone();
                let known: Vec<&str> = crate::model::DataSource::ALL
                    .iter()
                    .map(|d| d.key())
                    .collect();
                self.error(
                    &node,
                    format!("データの出典「{}」はわかりません", key.unwrap_or_default()),
                    &format!("次のどれかを書いてください: {}", known.join(", ")),
                );
                return None;
            }
        };
        let Some(date) = date else {
            let node = self.field("source").unwrap_or(self.node).clone();
            self.error(
                &node,
                "「source」を書くときは、そのデータの時点「source_date」も書いてください".into(),
                "例: source_date: 2026-06-01",
            );
            return None;
        };
        Some(crate::model::Origin { source, date })
    }

    /// Fields the city keeps itself: an import never overwrites them.
    fn own_fields(&mut self) {
        for item in self.list("own_fields", "例: own_fields: [name, hours]") {
            if !FIELDS.contains(&item.as_str()) || matches!(item.as_str(), "id" | "own_fields") {
                let node = self.field("own_fields").unwrap_or(self.node).clone();
                let suggestion = did_you_mean(&item, FIELDS, "");
                self.error(
                    &node,
                    format!("own_fields の「{item}」は事業所データの項目名ではありません"),
                    &format!("{suggestion}取り込みで上書きしない項目の名前（name, hours など）を書いてください"),
                );
            }
        }
    }

    fn date(&mut self, key: &str, required: bool) -> Option<Date> {
        let s = self.code(key, required)?;
        let parsed = (s.len() == 10).then(|| s.parse::<Date>().ok()).flatten();
        if parsed.is_none() {
            let node = self.field(key)?.clone();
            self.error(
                &node,
                format!("日付「{s}」が正しくありません"),
                "西暦で「2026-04-01」の形に書いてください（年-月-日、半角）",
            );
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> std::sync::Arc<crate::model::Site> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        crate::load::load(root, &Default::default())
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
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(PROVIDERS_DIR);
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
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/providers/clinics.yaml");
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
        added.id = crate::model::ProviderId::parse("new-one").unwrap();
        added.kana = Kana::parse("あああ").unwrap();
        records.push(Arc::new(added));
        let merged = resort(&last, records.clone());
        let ids = |v: &[Arc<Provider>]| v.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&merged), ids(&full(&records)));
        assert!(merged.len() > 40);
    }
}
