//! 医療情報ネット（ナビイ）open data: one facility file per kind (病院, 診療所, 歯科診療所)
//! joined with its 診療科・診療時間 file by the 13-digit ID, and the 薬局 file with its
//! hours inline. Both are whole-country files read as a stream: only the city's
//! facilities are kept, then only their hours rows.
//!
//! Each facility becomes one row of tsunagu's own import fields and goes through the
//! same checks as any CSV row ([`super::rows`]). The flags follow the published format,
//! not the column names: `1` means open even in a column named 休診.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use super::municipality::Filter;
use super::normalize::tidy;
use super::rows::{Candidate, Row};
use super::{Options, formats::Mapping};
use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::Day;
use model::config::Config;

mod hours;

use hours::{Slot, WEEK, Week, closed_days, slot};

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
    // The entry borrows the archive: a thread inflates it into a pipe, so a 100 MB file
    // is read as a stream like a plain CSV. A reader that stops early closes the pipe and
    // the thread ends on the write error.
    let (reader, mut writer) = std::io::pipe().map_err(|e| fail(e.to_string()))?;
    let inflating = std::thread::spawn(move || -> std::io::Result<u64> {
        let mut entry = archive.by_index(index).map_err(std::io::Error::other)?;
        // The entry's checksum is checked at its end: a damaged file fails here.
        std::io::copy(&mut entry, &mut writer)
    });
    Ok(Box::new(std::io::BufReader::with_capacity(
        1 << 20,
        Inflated {
            pipe: reader,
            thread: Some(inflating),
        },
    )))
}

/// The CSV inside a ZIP as it is inflated. Its end is the end only when the whole entry
/// was read and its checksum held: a damaged ZIP is an error, never a shorter file (whose
/// missing offices an import would mark as gone from the national data).
struct Inflated {
    pipe: std::io::PipeReader,
    thread: Option<std::thread::JoinHandle<std::io::Result<u64>>>,
}

impl Read for Inflated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.pipe.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        match self.thread.take().map(|t| t.join()) {
            None | Some(Ok(Ok(_))) => Ok(0),
            Some(Ok(Err(e))) => Err(std::io::Error::new(
                e.kind(),
                format!("ZIP の中の CSV が壊れています（{e}）"),
            )),
            Some(Err(_)) => Err(std::io::Error::other("ZIP を展開できませんでした")),
        }
    }
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

/// Reads the next record into `record` and gives its line; a file that stops being CSV
/// (cut off inside a quoted field) is reported once and ends the reading.
fn next_row(
    r: &mut csv::Reader<Box<dyn Read>>,
    record: &mut csv::StringRecord,
    n: &mut usize,
    shift: &mut Option<usize>,
    file: &Path,
    problems: &mut Diagnostics,
) -> Option<usize> {
    match r.read_record(record) {
        Ok(true) => {
            *n += 1;
            Some(line_of(record, *n, shift))
        }
        Ok(false) => None,
        Err(e) => {
            problems.push(
                Diagnostic::error(
                    file,
                    e.position().map(|p| Pos::new(p.line() as usize, 1)),
                    format!("ここから先を CSV として読めません: {e}"),
                )
                .with_help("ファイルが途中で切れていないか確かめ、公開元からもう一度ダウンロードしてください。ここまでの行は取り込みます")
                .with_code(crate::UNREAD_REST),
            );
            None
        }
    }
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
    while let Some(line) = next_row(&mut r, &mut record, &mut rows, &mut shift, file, problems) {
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
    while let Some(line) = next_row(&mut r, &mut record, &mut n, &mut shift, path, problems) {
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
