//! 医療情報ネット（ナビイ）open data: one facility file per kind (病院, 診療所, 歯科診療所)
//! joined with its 診療科・診療時間 file by the 13-digit ID, and the 薬局 file with its
//! hours inline. Both are whole-country files read as a stream: only the city's
//! facilities are kept, then only their hours rows.
//!
//! Each facility becomes one row of tsunagu's own import fields and goes through the
//! same checks as any CSV row ([`super::rows`]). The flags follow the published format,
//! not the column names: `1` means open even in a column named 休診.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::municipality::Filter;
use super::normalize::tidy;
use super::rows::{Candidate, Row};
use super::{Options, formats::Mapping};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::load::config::Config;
use crate::model::Day;

/// Which of the published files a header is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// 01-1 hospital, 02-1 clinic, 03-1 dental.
    Facility,
    /// 05 pharmacy, hours inline.
    Pharmacy,
    /// 01-2 / 02-2 / 03-2: hours only, no facility.
    Hours,
}

impl Layout {
    pub fn label(self) -> &'static str {
        match self {
            Layout::Facility => "医療情報ネット（ナビイ）の施設ファイル",
            Layout::Pharmacy => "医療情報ネット（ナビイ）の薬局ファイル",
            Layout::Hours => "医療情報ネット（ナビイ）の診療科・診療時間ファイル",
        }
    }
}

pub fn detect(headers: &[String]) -> Option<Layout> {
    let has = |h: &str| {
        headers
            .iter()
            .any(|x| x.trim_start_matches('\u{FEFF}') == h)
    };
    if has("ID") && has("診療科目コード") && has("月_診療開始時間") {
        Some(Layout::Hours)
    } else if has("ID") && has("機関区分") && has("薬局のホームページアドレス") {
        Some(Layout::Pharmacy)
    } else if has("ID") && has("正式名称") && has("機関区分") && has("市区町村コード")
    {
        Some(Layout::Facility)
    } else {
        None
    }
}

/// 機関区分 as published: 1 病院, 2 診療所, 3 歯科診療所, 4 助産所, 5 薬局.
fn kind_label(code: &str) -> Option<&'static str> {
    match tidy(code).as_str() {
        "1" => Some("病院"),
        "2" => Some("診療所"),
        "3" => Some("歯科診療所"),
        "4" => Some("助産所"),
        "5" => Some("薬局"),
        _ => None,
    }
}

const WEEK: [(Day, &str); 7] = [
    (Day::Mon, "月"),
    (Day::Tue, "火"),
    (Day::Wed, "水"),
    (Day::Thu, "木"),
    (Day::Fri, "金"),
    (Day::Sat, "土"),
    (Day::Sun, "日"),
];

/// What a national file gave, before merging into the site.
pub struct Imported {
    pub candidates: Vec<Candidate>,
    /// Data rows of the facility file.
    pub rows: usize,
    /// Rows of other municipalities (counted, not reported).
    pub others: usize,
    /// Every 種類 in the file, the city's or not: which categories the file covers.
    pub kinds: Vec<String>,
    /// The hours file joined, if one was found.
    pub hours_file: Option<PathBuf>,
    pub layout: Layout,
}

/// Opens a CSV as published: plain, or the one CSV inside a ZIP.
pub fn open(path: &Path) -> Result<Box<dyn Read>, Diagnostics> {
    let fail = |e: String| -> Diagnostics {
        Diagnostic::error(path, None, format!("ファイルを読めません: {e}")).into()
    };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let is_zip = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if !is_zip {
        return Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, file)));
    }
    let mut archive = zip::ZipArchive::new(file).map_err(|e| fail(e.to_string()))?;
    let index = (0..archive.len())
        .find(|i| {
            matches!(archive.name_for_index(*i),
                Some(Ok(n)) if n.to_ascii_lowercase().ends_with(".csv"))
        })
        .ok_or_else(|| fail("ZIP の中に CSV ファイルがありません".into()))?;
    // The entry borrows the archive: read it whole (a published ZIP holds one CSV).
    let mut entry = archive.by_index(index).map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::with_capacity(entry.size().min(1 << 30) as usize);
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    Ok(Box::new(std::io::Cursor::new(bytes)))
}

fn reader(r: Box<dyn Read>) -> csv::Reader<Box<dyn Read>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(r)
}

fn headers_of(file: &Path, r: &mut csv::Reader<Box<dyn Read>>) -> Result<Vec<String>, Diagnostics> {
    Ok(r.headers()
        .map_err(|e| super::csv_error(file, &e))?
        .iter()
        .map(|h| h.trim_start_matches('\u{FEFF}').to_string())
        .collect())
}

/// The hours file published beside a facility file: `02-1_clinic_facility_info_X` →
/// `02-2_clinic_speciality_hours_X`, as CSV or ZIP.
pub fn hours_file_for(facility: &Path) -> Vec<PathBuf> {
    let Some(name) = facility.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    if !name.contains("facility_info") {
        return Vec::new();
    }
    let stem = name
        .replacen("-1_", "-2_", 1)
        .replace("facility_info", "speciality_hours");
    let base = stem
        .trim_end_matches(".zip")
        .trim_end_matches(".ZIP")
        .trim_end_matches(".csv")
        .trim_end_matches(".CSV")
        .to_string();
    let dir = facility.parent().unwrap_or(Path::new(""));
    [".csv", ".zip", ".csv.zip", ".CSV", ".ZIP"]
        .iter()
        .map(|ext| dir.join(format!("{base}{ext}")))
        .collect()
}

/// The line a record starts on. After a CRLF the csv crate places a record at the LF
/// that ends the line before, so the first data record reads as line 1: the shift is
/// taken from it.
fn line_of(record: &csv::StringRecord, n: usize, shift: &mut Option<usize>) -> usize {
    let Some(p) = record.position() else {
        return n + 1;
    };
    let at = p.line() as usize;
    let s = *shift.get_or_insert(if n == 1 && at < 2 { 2 - at } else { 0 });
    at + s
}

/// Column positions by name.
struct Cols(HashMap<String, usize>);

impl Cols {
    fn new(headers: &[String]) -> Cols {
        Cols(
            headers
                .iter()
                .enumerate()
                .map(|(i, h)| (h.trim().to_string(), i))
                .collect(),
        )
    }

    fn get<'r>(&self, rec: &'r csv::StringRecord, name: &str) -> &'r str {
        self.0
            .get(name)
            .and_then(|i| rec.get(*i))
            .map(str::trim)
            .unwrap_or("")
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
}

/// A time as minutes from midnight; `HH:MM` up to `24:00`.
fn minutes(s: &str) -> Option<u32> {
    let t = super::normalize::time(s)?;
    let (h, m) = t.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h * 60 + m <= 1440).then_some(h * 60 + m)
}

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Longest span read as running overnight (`20:00`–`08:00` is 12 hours); a longer
/// "overnight" span such as `15:30`–`15:00` is a slip in the data.
const MAX_OVERNIGHT: u32 = 18 * 60;

/// Opening ranges of one facility, per day, from all its departments and slots.
#[derive(Default)]
struct Week {
    days: BTreeMap<usize, Vec<(u32, u32)>>,
}

enum Slot {
    None,
    Range(u32, u32),
    Bad(String),
}

fn slot(start: &str, end: &str) -> Slot {
    if start.is_empty() && end.is_empty() {
        return Slot::None;
    }
    let (Some(s), Some(e)) = (minutes(start), minutes(end)) else {
        return Slot::Bad(format!("「{start}」〜「{end}」は時刻として読めません"));
    };
    if s == 0 && e == 0 {
        // The published placeholder for "no session".
        return Slot::None;
    }
    if s == e {
        return Slot::Bad(format!("{start}〜{end} は開始と終了が同じです"));
    }
    if e < s {
        if 1440 - s + e > MAX_OVERNIGHT {
            return Slot::Bad(format!(
                "{start}〜{end} は終了が開始より前です（夜間なら翌朝までの時間として短すぎず長すぎないはずです）"
            ));
        }
        return Slot::Range(s, e + 1440);
    }
    Slot::Range(s, e)
}

impl Week {
    fn add(&mut self, day: usize, range: (u32, u32)) {
        self.days.entry(day).or_default().push(range);
    }

    /// tsunagu's hours text: days sharing a range are listed together, ranges in the
    /// order of their opening: 「月火水木金 08:30-12:00、月火水金 14:00-18:00」.
    fn text(&self) -> Option<String> {
        let mut by_range: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
        for (day, ranges) in &self.days {
            let mut ranges = ranges.clone();
            ranges.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for (s, e) in ranges {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            for (s, e) in merged {
                let e = e.min(s + 1440);
                by_range.entry((s, e)).or_default().push(*day);
            }
        }
        let blocks: Vec<String> = by_range
            .into_iter()
            .map(|((s, e), days)| {
                let labels: String = days.iter().map(|d| Day::ALL[*d].label()).collect();
                let close = if e > 1440 {
                    format!("翌{}", hhmm(e - 1440))
                } else {
                    hhmm(e)
                };
                let open = if s == 0 && e >= 1440 { 0 } else { s };
                format!("{labels} {}-{close}", hhmm(open))
            })
            .collect();
        (!blocks.is_empty()).then(|| blocks.join("、"))
    }
}

/// The facility's closed days in words, from the weekly, nth-week and holiday flags
/// and the free text: 「日曜、祝日、第2・4土曜」 and the text on the next line.
fn closed_days(
    weekly: &[&str; 7],
    nth: &[[&str; 7]; 5],
    holiday: &str,
    other: &str,
) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut every: Vec<&str> = Vec::new();
    let mut some: Vec<String> = Vec::new();
    for (d, (_, label)) in WEEK.iter().enumerate() {
        let weeks: Vec<usize> = (0..5)
            .filter(|n| nth[*n][d] == "0")
            .map(|n| n + 1)
            .collect();
        if weekly[d] == "0" || weeks.len() == 5 {
            every.push(label);
        } else if !weeks.is_empty() {
            let ns: Vec<String> = weeks.iter().map(|n| n.to_string()).collect();
            some.push(format!("第{}{label}曜", ns.join("・")));
        }
    }
    if !every.is_empty() {
        parts.push(
            every
                .iter()
                .map(|l| format!("{l}曜"))
                .collect::<Vec<_>>()
                .join("・"),
        );
    }
    if holiday == "0" {
        parts.push("祝日".into());
    }
    parts.extend(some);
    let other: String = other
        .split("（改行）")
        .map(|l| tidy(l).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut text = parts.join("、");
    if !other.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&other);
    }
    (!text.is_empty()).then_some(text)
}

/// A home page as published: `www.example.jp` gets its scheme; anything else that is
/// not a web address is left out (reported by the row's checks).
fn url(s: &str) -> String {
    let s = tidy(s).trim().to_string();
    if s.is_empty() || s.starts_with("http://") || s.starts_with("https://") {
        return s;
    }
    let host = s.split('/').next().unwrap_or_default();
    let looks_like_host = host.contains('.')
        && !s.contains('@')
        && !s.contains(' ')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if looks_like_host {
        format!("https://{s}")
    } else {
        s
    }
}

/// The fields of tsunagu's import that a national row fills, in this order.
const FIELDS: [&str; 12] = [
    "name",
    "kana",
    "type",
    "address",
    "url",
    "lat",
    "lon",
    "hours",
    "closed_days",
    "departments",
    "national_id",
    "hours_note",
];

/// Header shown in messages for each field (the published column).
const SHOWN: [&str; 12] = [
    "正式名称",
    "正式名称（フリガナ）",
    "機関区分",
    "所在地",
    "案内用ホームページアドレス",
    "所在地座標（緯度）",
    "所在地座標（経度）",
    "診療時間",
    "休診日",
    "診療科目",
    "ID",
    "診療時間の補足",
];

/// One facility on its way to a candidate.
struct Facility {
    line: usize,
    cells: [String; 12],
    week: Week,
    departments: Vec<String>,
}

pub fn read(
    file: &Path,
    hours: Option<&Path>,
    config: &Config,
    opts: &Options,
    filter: &Filter,
    problems: &mut Diagnostics,
) -> Result<Imported, Diagnostics> {
    let mut r = reader(open(file)?);
    let headers = headers_of(file, &mut r)?;
    let layout = detect(&headers).ok_or_else(|| {
        Diagnostics::from(Diagnostic::error(
            file,
            Some(Pos::new(1, 1)),
            "医療情報ネットのファイルの形ではありません",
        ))
    })?;
    if layout == Layout::Hours {
        return Err(Diagnostic::error(
            file,
            Some(Pos::new(1, 1)),
            "これは診療科・診療時間のファイルです。施設のファイルを指定してください",
        )
        .with_help("「01-1_hospital_facility_info_…」のような施設のファイルを指定すると、同じフォルダの診療時間のファイルも読みます")
        .into());
    }
    let cols = Cols::new(&headers);
    let pharmacy = layout == Layout::Pharmacy;
    let (name_col, kana_col, url_col) = if pharmacy {
        ("名称", "フリガナ", "薬局のホームページアドレス")
    } else {
        (
            "正式名称",
            "正式名称（フリガナ）",
            "案内用ホームページアドレス",
        )
    };
    let mut facilities: Vec<Facility> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut all_ids: HashSet<String> = HashSet::new();
    let mut kinds: Vec<String> = Vec::new();
    let (mut rows, mut others) = (0, 0);
    let mut record = csv::StringRecord::new();
    let mut shift = None;
    loop {
        match r.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.push(
                    Diagnostic::error(file, e.position().map(|p| Pos::new(p.line() as usize, 1)), format!("ここから先を CSV として読めません: {e}"))
                        .with_help("ファイルが途中で切れていないか確かめ、公開元からもう一度ダウンロードしてください。ここまでの行は取り込みます"),
                );
                break;
            }
        }
        rows += 1;
        let line = line_of(&record, rows, &mut shift);
        let id = tidy(cols.get(&record, "ID"));
        if record.len() != headers.len() {
            problems.push(
                Diagnostic::error(
                    file,
                    Some(Pos::new(line, 1)),
                    format!(
                        "列の数が1行目と違います（この行は {} 列、1行目は {} 列）",
                        record.len(),
                        headers.len()
                    ),
                )
                .with_help(
                    "ファイルが途中で切れていないか確かめてください。この行は取り込んでいません",
                ),
            );
            continue;
        }
        all_ids.insert(id.clone());
        if let Some(k) = kind_label(cols.get(&record, "機関区分"))
            && !kinds.iter().any(|x| x == k)
        {
            kinds.push(k.to_string());
        }
        let code = format!(
            "{}{}",
            cols.get(&record, "都道府県コード"),
            cols.get(&record, "市区町村コード")
        );
        let address = cols.get(&record, "所在地");
        let code = (!code.is_empty()).then_some(code);
        if !filter.keeps(code.as_deref(), Some(address)) {
            others += 1;
            continue;
        }
        if id.len() != 13 || !id.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(
                Diagnostic::warning(
                    file,
                    Some(Pos::new(line, 1)),
                    format!("ID「{id}」は13桁の数字ではありません"),
                )
                .with_help("診療時間のファイルと結びつけられないため、診療時間なしで取り込みます"),
            );
        }
        let coord = |c: &str| {
            let v = cols.get(&record, c);
            // `0.0` is how the files say "no coordinates".
            if v.parse::<f64>().is_ok_and(|f| f == 0.0) {
                String::new()
            } else {
                v.to_string()
            }
        };
        let kind = cols.get(&record, "機関区分");
        let mut week = Week::default();
        let mut notes = Vec::new();
        let flags = |prefix: &str, suffix: &str| -> [String; 7] {
            WEEK.map(|(_, l)| {
                cols.get(&record, &format!("{prefix}{l}{suffix}"))
                    .to_string()
            })
        };
        let (weekly, nth, holiday, other) = if pharmacy {
            let weekly = flags("営業日（", "）");
            let nth: [[String; 7]; 5] =
                ["１", "２", "３", "４", "５"].map(|n| flags(&format!("定期閉店第{n}週（"), "）"));
            for (d, _) in Day::ALL.iter().enumerate() {
                let label = Day::ALL[d].label();
                for s in 1..=4 {
                    let start = cols.get(&record, &format!("{label}_開店時間帯{s}_開始時間"));
                    let end = cols.get(&record, &format!("{label}_開店時間帯{s}_終了時間"));
                    match slot(start, end) {
                        Slot::None => {}
                        Slot::Range(a, b) => week.add(d, (a, b)),
                        Slot::Bad(m) => notes.push(format!("{label}曜の開店時間帯{s}: {m}")),
                    }
                }
            }
            (
                weekly,
                nth,
                cols.get(&record, "営業日（祝）").to_string(),
                cols.get(&record, "その他の閉店日（gw、お盆等）")
                    .to_string(),
            )
        } else {
            let weekly = flags("毎週決まった曜日に休診（", "）");
            let nth: [[String; 7]; 5] = [1, 2, 3, 4, 5]
                .map(|n| flags(&format!("決まった週に休診（定期週）第{n}週（"), "）"));
            (
                weekly,
                nth,
                cols.get(&record, "祝日に休診").to_string(),
                cols.get(&record, "その他の休診日（gw、お盆等）")
                    .to_string(),
            )
        };
        for m in notes {
            problems.push(
                Diagnostic::warning(file, Some(Pos::new(line, 1)), format!("「{}」の{m}", cols.get(&record, name_col)))
                    .with_help("この時間帯は取り込んでいません。事業所に確かめて、取り込んだ記録の hours を直してください"),
            );
        }
        let weekly_ref: [&str; 7] = std::array::from_fn(|i| weekly[i].as_str());
        let nth_ref: [[&str; 7]; 5] =
            std::array::from_fn(|n| std::array::from_fn(|d| nth[n][d].as_str()));
        let closed = closed_days(&weekly_ref, &nth_ref, &holiday, &other).unwrap_or_default();
        let cells = [
            cols.get(&record, name_col).to_string(),
            cols.get(&record, kana_col).to_string(),
            kind_label(kind).unwrap_or(kind).to_string(),
            address.to_string(),
            url(cols.get(&record, url_col)),
            coord("所在地座標（緯度）"),
            coord("所在地座標（経度）"),
            String::new(),
            closed,
            String::new(),
            id.clone(),
            String::new(),
        ];
        index.insert(id, facilities.len());
        facilities.push(Facility {
            line,
            cells,
            week,
            departments: Vec::new(),
        });
    }

    let mut hours_file = None;
    if !pharmacy {
        let found = match hours {
            Some(h) => Some(h.to_path_buf()),
            None => hours_file_for(file).into_iter().find(|p| p.is_file()),
        };
        match found {
            Some(h) => {
                join_hours(&h, &index, &all_ids, &mut facilities, problems)?;
                hours_file = Some(h);
            }
            None => problems.push(
                Diagnostic::warning(file, None, "診療科・診療時間のファイルが見つかりません（診療時間と診療科目なしで取り込みます）")
                    .with_help(format!(
                        "同じフォルダに {} を置くか、--hours でファイルを指定してください",
                        hours_file_for(file)
                            .first()
                            .and_then(|p| p.file_name())
                            .map_or_else(|| "…_speciality_hours_….csv".into(), |n| n.to_string_lossy().into_owned())
                    )),
            ),
        }
    }

    let headers: Vec<String> = SHOWN.iter().map(|s| s.to_string()).collect();
    let mapping: Mapping = FIELDS.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut candidates = Vec::new();
    for mut f in facilities {
        f.cells[7] = f.week.text().unwrap_or_default();
        f.cells[9] = f.departments.join(";");
        let record = csv::StringRecord::from(f.cells.to_vec());
        let row = Row {
            file,
            line: f.line,
            cells: &record,
            headers: &headers,
            mapping: &mapping,
            config,
            opts,
        };
        candidates.extend(row.records(problems));
    }
    Ok(Imported {
        candidates,
        rows,
        others,
        kinds,
        hours_file,
        layout,
    })
}

/// Streams the hours file, keeping the rows of the facilities read.
fn join_hours(
    path: &Path,
    index: &HashMap<String, usize>,
    all_ids: &HashSet<String>,
    facilities: &mut [Facility],
    problems: &mut Diagnostics,
) -> Result<(), Diagnostics> {
    let mut r = reader(open(path)?);
    let headers = headers_of(path, &mut r)?;
    if detect(&headers) != Some(Layout::Hours) {
        return Err(Diagnostic::error(
            path,
            Some(Pos::new(1, 1)),
            "診療科・診療時間のファイルの形ではありません",
        )
        .with_help("「…_speciality_hours_…」のファイルを指定してください")
        .into());
    }
    let cols = Cols::new(&headers);
    // 診療 times only: 外来受付 can lie outside them (a reception time on a morning the
    // clinic is closed, as in the real files) and would add sessions that do not exist.
    let days: Vec<(usize, String, String)> = Day::ALL
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let l = d.label();
            (i, format!("{l}_診療開始時間"), format!("{l}_診療終了時間"))
        })
        .collect();
    if !days.iter().all(|(_, a, b)| cols.has(a) && cols.has(b)) {
        return Err(
            Diagnostic::error(path, Some(Pos::new(1, 1)), "診療時間の列が足りません").into(),
        );
    }
    let mut record = csv::StringRecord::new();
    let mut shift = None;
    let mut n = 0;
    let mut unknown: Vec<(usize, String)> = Vec::new();
    loop {
        match r.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.push(
                    Diagnostic::error(path, e.position().map(|p| Pos::new(p.line() as usize, 1)), format!("ここから先を CSV として読めません: {e}"))
                        .with_help("ファイルが途中で切れていないか確かめてください。ここまでの行は取り込みます"),
                );
                break;
            }
        }
        n += 1;
        let line = line_of(&record, n, &mut shift);
        let id = cols.get(&record, "ID");
        let Some(&at) = index.get(id) else {
            if !all_ids.contains(id) && unknown.len() < 1000 {
                unknown.push((line, id.to_string()));
            }
            continue;
        };
        if record.len() != headers.len() {
            problems.push(
                Diagnostic::error(
                    path,
                    Some(Pos::new(line, 1)),
                    format!(
                        "列の数が1行目と違います（この行は {} 列、1行目は {} 列）",
                        record.len(),
                        headers.len()
                    ),
                )
                .with_help("この行の診療時間は取り込んでいません"),
            );
            continue;
        }
        let f = &mut facilities[at];
        let dept = tidy(cols.get(&record, "診療科目名"));
        for (d, s, e) in &days {
            match slot(cols.get(&record, s), cols.get(&record, e)) {
                Slot::None => {}
                Slot::Range(a, b) => {
                    f.week.add(*d, (a, b));
                }
                Slot::Bad(m) => problems.push(
                    Diagnostic::warning(
                        path,
                        Some(Pos::new(line, 1)),
                        format!("「{}」{dept}の{}曜: {m}", f.cells[0], Day::ALL[*d].label()),
                    )
                    .with_help("この時間帯は取り込んでいません。事業所に確かめて、取り込んだ記録の hours を直してください"),
                ),
            }
        }
        if !dept.is_empty() && !f.departments.contains(&dept) {
            f.departments.push(dept);
        }
    }
    if !unknown.is_empty() {
        let (line, id) = &unknown[0];
        problems.push(
            Diagnostic::warning(
                path,
                Some(Pos::new(*line, 1)),
                format!(
                    "施設のファイルにない ID「{id}」の診療時間があります（ほかに {} 行）",
                    unknown.len() - 1
                ),
            )
            .with_help("施設のファイルと診療時間のファイルが同じ時点のものか確かめてください。この行は読み飛ばしました"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lunch_breaks_stay_and_departments_merge() {
        let mut w = Week::default();
        w.add(0, (510, 720));
        w.add(0, (840, 1080));
        w.add(0, (540, 600)); // another department inside the morning
        w.add(5, (510, 720));
        assert_eq!(
            w.text().as_deref(),
            Some("月土 08:30-12:00、月 14:00-18:00")
        );
    }

    #[test]
    fn overnight_and_placeholders() {
        assert!(matches!(slot("00:00", "00:00"), Slot::None));
        assert!(matches!(slot("20:00", "08:00"), Slot::Range(1200, 1920)));
        assert!(matches!(slot("15:30", "15:00"), Slot::Bad(_)));
        let mut w = Week::default();
        w.add(6, (1200, 1920));
        assert_eq!(w.text().as_deref(), Some("日 20:00-翌08:00"));
    }

    #[test]
    fn flags_mean_open_and_nth_weeks_are_named() {
        let weekly = ["1", "1", "1", "1", "1", "1", "0"];
        let mut nth = [["1"; 7]; 5];
        for n in [0, 1, 3, 4] {
            nth[n][5] = "0";
        }
        assert_eq!(
            closed_days(&weekly, &nth, "0", "12月31日（改行）お盆").as_deref(),
            Some("日曜、祝日、第1・2・4・5土曜\n12月31日\nお盆")
        );
        let blank = [""; 7];
        assert_eq!(closed_days(&blank, &[[""; 7]; 5], "1", ""), None);
    }

    #[test]
    fn hours_file_is_found_by_name() {
        let p = hours_file_for(Path::new("d/02-1_clinic_facility_info_20260601.csv"));
        assert_eq!(
            p[0],
            Path::new("d/02-2_clinic_speciality_hours_20260601.csv")
        );
        let z = hours_file_for(Path::new("d/03-1_dental_facility_info_20261201.zip"));
        assert!(z.contains(&PathBuf::from(
            "d/03-2_dental_speciality_hours_20261201.zip"
        )));
    }

    #[test]
    fn urls_get_a_scheme_or_stay_for_the_row_checks() {
        assert_eq!(url("www.example.jp"), "https://www.example.jp");
        assert_eq!(url("http://a.example.jp"), "http://a.example.jp");
        assert_eq!(url("info@example.jp"), "info@example.jp");
        assert_eq!(url("ホームページ準備中"), "ホームページ準備中");
    }
}
