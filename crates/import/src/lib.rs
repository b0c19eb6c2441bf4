//! `tsunagu import`: provider records from the CSV files cities already have.
//!
//! A file is decoded ([`decode`]), its columns are matched by header name ([`formats`]),
//! each row's values are cleaned ([`normalize`]) and turned into a record ([`rows`]), and
//! the records are merged into a YAML file under `content/providers/` ([`merge`]):
//! a record already there (same `office_code` and category, or same id) is updated in
//! place and keeps every field the CSV does not carry. Rows that cannot be imported are
//! reported with their line and the reason; none is dropped silently.

mod decode;
pub mod emit;
pub mod formats;
mod merge;
pub mod municipality;
pub mod navi;
pub mod normalize;
mod rows;

use std::path::{Path, PathBuf};

use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::config::Config;

pub use merge::Change;

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The CSV file, as given on the command line.
    pub file: PathBuf,
    /// A built-in layout (`iryo`, `kaigo`, `kouhyou`) or one from site.toml; found from
    /// the headers when not given.
    pub format: Option<String>,
    pub encoding: Option<String>,
    /// Put every row in this category instead of deciding from the type column.
    pub category: Option<String>,
    /// Area for rows whose address names no town of any area.
    pub area: Option<String>,
    /// Target YAML, relative to the site root; `content/providers/<csv name>.yaml` by default.
    pub out: Option<PathBuf>,
    pub dry_run: bool,
    /// 全国地方公共団体コード of the rows to keep; the site's own when empty.
    pub municipalities: Vec<String>,
    /// The 医療情報ネット hours file, when it is not beside the facility file.
    pub hours: Option<PathBuf>,
    /// The release date of a national file whose name carries none.
    pub as_of: Option<jiff::civil::Date>,
    /// Written on each record; set by the import itself for national files.
    pub origin: Option<model::Origin>,
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct Outcome {
    pub out: PathBuf,
    pub encoding: &'static str,
    pub format: String,
    /// Data rows read (the header not counted).
    pub rows: usize,
    pub added: Vec<String>,
    pub updated: Vec<(String, Vec<Change>)>,
    pub unchanged: usize,
    /// Records already in the file that this CSV does not mention (left as they were).
    pub kept: usize,
    /// Rows not imported, and values left out; each with the CSV line.
    pub problems: Diagnostics,
    /// Rows of other municipalities, left out.
    pub others: usize,
    /// The municipality codes kept.
    pub municipalities: Vec<String>,
    /// The national source and release, for national files.
    pub origin: Option<model::Origin>,
    /// The 医療情報ネット hours file joined.
    pub hours_file: Option<PathBuf>,
    /// Records this import touched or added that still have no phone (掲載準備中).
    pub pending: Vec<String>,
    /// Records of this source and its categories that the release no longer has
    /// (id, name): possibly closed, marked for staff to confirm.
    pub missing: Vec<(String, String)>,
    /// Records that were marked missing and are in the release again.
    pub returned: Vec<String>,
    pub written: bool,
    /// The file as merged (written unless `--dry-run`).
    pub(crate) text: String,
    /// Other provider files whose records this import updated, as merged.
    pub(crate) elsewhere: Vec<(PathBuf, String)>,
    /// Whether the target file itself changes (new records, or its records updated).
    pub(crate) target_changed: bool,
}

impl Outcome {
    /// Whether the target file changes.
    pub fn target_changed(&self) -> bool {
        self.target_changed
    }

    /// The other provider files this import updated (or would update).
    pub fn elsewhere(&self) -> impl Iterator<Item = &Path> {
        self.elsewhere.iter().map(|(p, _)| p.as_path())
    }
}

impl Outcome {
    pub fn skipped(&self) -> usize {
        self.problems.error_count()
    }
}

/// Runs an import for the site at `root`. `Err` when nothing can be imported at all
/// (unreadable file, unknown format, missing columns); row problems are in the outcome.
pub fn run(root: &Path, config: &Config, opts: &Options) -> Result<Outcome, Diagnostics> {
    let file = &opts.file;
    let filter = municipality::Filter::new(&opts.municipalities, &config.members());
    if let Some(bad) = opts
        .municipalities
        .iter()
        .find(|c| !load::config::valid_municipality_code(c))
    {
        return Err(Diagnostic::error(
            "--municipality",
            None,
            format!("全国地方公共団体コード「{bad}」は正しくありません"),
        )
        .with_help("6桁（最後の1桁は検査数字）で書いてください。例: 392031（高知県安芸市）")
        .into());
    }
    // 医療情報ネット files are whole-country and read as a stream.
    if let Some(layout) = national_layout(file)? {
        let mut opts = opts.clone();
        check_targets(config, &opts)?;
        opts.origin = Some(model::Origin {
            source: model::DataSource::IryoNet,
            date: release_date(file, &opts, layout.label())?,
        });
        let mut problems = Diagnostics::new();
        let read = navi::read(
            file,
            opts.hours.as_deref(),
            config,
            &opts,
            &filter,
            &mut problems,
        )?;
        let kind = read.kinds.first().map_or("iryo-net", |k| match k.as_str() {
            "病院" => "hospitals",
            "診療所" => "clinics",
            "歯科診療所" => "dental",
            "薬局" => "pharmacies",
            _ => "iryo-net",
        });
        let out = Path::new(load::providers::PROVIDERS_DIR).join(format!("{kind}.yaml"));
        let parsed = Parsed {
            candidates: read.candidates,
            rows: read.rows,
            others: read.others,
            kinds: read.kinds,
            format: layout.label().to_string(),
            encoding: "UTF-8",
            default_out: out,
            hours_file: read.hours_file,
        };
        return finish(root, config, &opts, &filter, parsed, problems);
    }
    // Any other CSV is read whole (a city's list is small); from inside a ZIP too.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut navi::open(file)?, &mut bytes)
        .map_err(|e| Diagnostic::error(file, None, format!("CSV ファイルを読めません: {e}")))?;
    run_bytes(root, config, opts, &bytes)
}

/// The 医療情報ネット layout of `file`, from its first line; `None` for other CSVs.
fn national_layout(file: &Path) -> Result<Option<navi::Layout>, Diagnostics> {
    let mut first = Vec::new();
    let mut r = navi::open(file)?;
    // A header line is under 8 KB; read until its end.
    let mut buf = [0u8; 8192];
    while !first.contains(&b'\n') && first.len() < 64 * 1024 {
        let n = std::io::Read::read(&mut r, &mut buf).map_err(|e| {
            Diagnostic::error(file, None, format!("ファイルを読めません: {e}"))
                .with_help("公開元からファイルをもう一度ダウンロードして、取り込み直してください")
        })?;
        if n == 0 {
            break;
        }
        first.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&first);
    let line = line.lines().next().unwrap_or_default();
    let headers: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| {
            r.iter()
                .map(|h| h.trim_start_matches('\u{FEFF}').to_string())
                .collect()
        })
        .unwrap_or_default();
    match navi::detect(&headers) {
        Some(navi::Layout::Hours) => Err(Diagnostic::error(
            file,
            Some(Pos::new(1, 1)),
            "これは医療情報ネットの診療科・診療時間のファイルです。施設のファイルを指定してください",
        )
        .with_help("「02-1_clinic_facility_info_…」のような施設のファイルを指定すると、同じフォルダの診療時間のファイルも読みます")
        .into()),
        other => Ok(other),
    }
}

/// The date of a national release: `--as-of`, else the date in the file name
/// (`…_20260601.csv`); a file without one needs `--as-of`.
fn release_date(file: &Path, opts: &Options, what: &str) -> Result<jiff::civil::Date, Diagnostics> {
    if let Some(d) = opts.as_of {
        return Ok(d);
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let digits: Vec<&str> = name
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| p.len() == 8 && p.starts_with("20"))
        .collect();
    digits
        .last()
        .and_then(|d| {
            let (y, m, day) = (d[..4].parse().ok()?, d[4..6].parse().ok()?, d[6..].parse().ok()?);
            jiff::civil::Date::new(y, m, day).ok()
        })
        .ok_or_else(|| {
            Diagnostic::error(file, None, format!("{what}の時点（公開日）がファイル名からわかりません"))
                .with_help("--as-of 2026-06-01 のように、データの時点を指定してください（出典の表示に使います）")
                .into()
        })
}

/// What a file gave before the merge.
struct Parsed {
    candidates: Vec<rows::Candidate>,
    rows: usize,
    others: usize,
    kinds: Vec<String>,
    format: String,
    encoding: &'static str,
    default_out: PathBuf,
    hours_file: Option<PathBuf>,
}

/// [`run`] on a file's bytes already read (`opts.file` still names it in messages).
pub fn run_bytes(
    root: &Path,
    config: &Config,
    opts: &Options,
    bytes: &[u8],
) -> Result<Outcome, Diagnostics> {
    let file = &opts.file;
    let filter = municipality::Filter::new(&opts.municipalities, &config.members());
    let encoding = match opts.encoding.as_deref() {
        None => None,
        Some(name) => Some(decode::by_name(name).ok_or_else(|| {
            Diagnostic::error(file, None, format!("文字コード「{name}」は使えません"))
                .with_help("--encoding には utf-8, utf-16, shift_jis のどれかを書いてください")
        })?),
    };
    let (text, encoding) = decode::decode(bytes, encoding).map_err(|line| {
        Diagnostic::error(file, Some(Pos::new(line, 1)), "文字コードを読み取れない文字があります")
            .with_help("Excel で「CSV UTF-8（コンマ区切り）」として保存し直すか、--encoding shift_jis などで文字コードを指定してください")
    })?;

    // Excel's "Unicode text" is tab-separated UTF-16; take tabs when the header has more.
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches('\t').count() > first.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(file, &e))?
        .iter()
        .map(String::from)
        .collect();
    let (format, mapping) = pick_format(file, config, opts, &headers)?;
    check_targets(config, opts)?;
    let mut opts = opts.clone();
    let mut problems = Diagnostics::new();
    if format == formats::KOUHYOU_LABEL {
        // 公表 files carry no date in their names; the import's day stands in.
        let date = release_date(file, &opts, "介護サービス情報公表システムのデータ").unwrap_or_else(|_| {
            problems.push(
                Diagnostic::warning(file, None, "データの時点がファイル名からわからないため、取り込んだ日を時点としました")
                    .with_help("公表日がわかるときは --as-of 2026-06-30 のように指定してください（出典の表示に使います）"),
            );
            load::today()
        });
        opts.origin = Some(model::Origin {
            source: model::DataSource::KaigoKouhyou,
            date,
        });
    }
    let opts = &opts;

    let default_out = {
        let stem = file
            .file_stem()
            .map_or("imported".into(), |s| s.to_string_lossy().into_owned());
        Path::new(load::providers::PROVIDERS_DIR).join(format!("{stem}.yaml"))
    };

    let mut candidates = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    let (mut count, mut blank, mut others) = (0, 0, 0);
    // Lines are counted from byte offsets: the csv crate's own count is off by one
    // after a CRLF header.
    let (mut line, mut counted) = (1, 0);
    fn cell<'r>(
        m: &formats::Mapping,
        record: &'r csv::StringRecord,
        field: &str,
    ) -> Option<&'r str> {
        m.get(field).and_then(|i| record.get(*i)).map(str::trim)
    }
    for result in reader.records() {
        let record = result.map_err(|e| csv_error(file, &e))?;
        count += 1;
        let mut offset = record.position().map_or(counted, |p| p.byte() as usize);
        // After CRLF the csv crate starts the record at the LF.
        while text
            .as_bytes()
            .get(offset)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            offset += 1;
        }
        line += text.as_bytes()[counted..offset.max(counted)]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted = offset.max(counted);
        if record.iter().all(|v| v.trim().is_empty()) {
            blank += 1;
            continue;
        }
        if let Some(k) = cell(&mapping, &record, "type")
            && !k.is_empty()
            && !kinds.iter().any(|x| x == k)
        {
            kinds.push(k.to_string());
        }
        if !filter.keeps(
            cell(&mapping, &record, "municipality"),
            cell(&mapping, &record, "address"),
        ) {
            others += 1;
            continue;
        }
        let row = rows::Row {
            file,
            line,
            cells: &record,
            headers: &headers,
            mapping: &mapping,
            config,
            opts,
        };
        candidates.extend(row.records(&mut problems));
    }
    if blank > 0 {
        problems.push(Diagnostic::warning(
            file,
            None,
            format!("空の行が {blank} 行ありました（読み飛ばしました）"),
        ));
    }
    let parsed = Parsed {
        candidates,
        rows: count,
        others,
        kinds,
        format,
        encoding,
        default_out,
        hours_file: None,
    };
    finish(root, config, opts, &filter, parsed, problems)
}

/// Merges what a file gave into the site's provider files and writes them.
fn finish(
    root: &Path,
    config: &Config,
    opts: &Options,
    filter: &municipality::Filter,
    parsed: Parsed,
    mut problems: Diagnostics,
) -> Result<Outcome, Diagnostics> {
    let out_rel = opts.out.clone().unwrap_or(parsed.default_out);
    let out_rel = out_rel
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(out_rel);
    // Offices are marked as gone from the national data only when the whole file was
    // read: a file cut short would make every office after the cut look closed.
    let whole = !problems.iter().any(|d| d.code == Some(UNREAD_REST));
    if !whole && opts.origin.is_some() {
        problems.push(
            Diagnostic::warning(
                &opts.file,
                None,
                "ファイルを最後まで読めなかったため、国のデータからなくなった事業所の確認はしていません",
            )
            .with_help("公開元からファイルをもう一度ダウンロードして、取り込み直してください"),
        );
    }
    let scope = opts.origin.filter(|_| whole).map(|o| merge::Scope {
        origin: o,
        categories: parsed
            .kinds
            .iter()
            .filter_map(|k| rows::category_of(config, k))
            .collect(),
    });
    let mut outcome = merge::merge(
        root,
        &opts.file,
        &out_rel,
        config,
        parsed.candidates,
        scope.as_ref(),
        &mut problems,
    )?;
    outcome.encoding = parsed.encoding;
    outcome.format = parsed.format;
    outcome.rows = parsed.rows;
    outcome.others = parsed.others;
    outcome.municipalities = filter.codes().to_vec();
    outcome.origin = opts.origin;
    outcome.hours_file = parsed.hours_file;
    outcome.problems = problems;
    if !opts.dry_run && (outcome.target_changed || !outcome.elsewhere.is_empty()) {
        merge::write(root, &out_rel, &outcome)?;
        outcome.written = true;
    }
    outcome.out = out_rel;
    Ok(outcome)
}

/// The code of the problem "the rest of the file cannot be read as CSV".
pub(crate) const UNREAD_REST: &str = "unread-rest";

pub(crate) fn csv_error(file: &Path, e: &csv::Error) -> Diagnostics {
    let pos = e.position().map(|p| Pos::new(p.line() as usize, 1));
    Diagnostic::error(file, pos, format!("CSV として読めません: {e}"))
        .with_help("区切りがコンマ（,）か、引用符（\"）が閉じているかを確かめてください")
        .into()
}

/// The layout named by `--format`, or the built-in one the headers fit.
fn pick_format(
    file: &Path,
    config: &Config,
    opts: &Options,
    headers: &[String],
) -> Result<(String, formats::Mapping), Diagnostics> {
    let names = || {
        formats::BUILT_IN
            .iter()
            .map(|f| format!("{}（{}）", f.key, f.label))
            .chain(
                config
                    .import
                    .formats
                    .keys()
                    .map(|k| format!("{k}（site.toml）")),
            )
            .collect::<Vec<_>>()
            .join("、")
    };
    let header_pos = Some(Pos::new(1, 1));
    let (label, mapping) = match opts.format.as_deref() {
        Some(key) if config.import.formats.contains_key(key) => {
            let spec = &config.import.formats[key];
            let m = formats::map_custom(spec, headers).map_err(|msg| {
                Diagnostic::error(file, header_pos, msg).with_help(format!(
                    "site.toml の [import.formats.{key}] を、このファイルの1行目の列名に合わせてください"
                ))
            })?;
            (format!("{key}（site.toml）"), m)
        }
        Some(key) => {
            let f = formats::BUILT_IN
                .iter()
                .find(|f| f.key == key)
                .ok_or_else(|| {
                    Diagnostic::error(file, None, format!("形式「{key}」はありません"))
                        .with_help(format!("使える形式: {}", names()))
                })?;
            (f.label.to_string(), formats::map_built_in(f, headers))
        }
        None => {
            let f = formats::detect(headers).ok_or_else(|| {
                Diagnostic::error(file, header_pos, "1行目の列名から形式がわかりません")
                    .with_help(format!(
                        "--format で形式を指定するか、site.toml の [import.formats.名前] に列の対応を書いてください。使える形式: {}",
                        names()
                    ))
            })?;
            (f.label.to_string(), formats::map_built_in(f, headers))
        }
    };
    let mut missing = Vec::new();
    for (field, label) in [("name", "名称"), ("address", "住所"), ("phone", "電話番号")] {
        if !mapping.contains_key(field) {
            missing.push(label);
        }
    }
    if !mapping.contains_key("type") && opts.category.is_none() {
        missing.push("種類（または --category）");
    }
    if !missing.is_empty() {
        return Err(Diagnostic::error(
            file,
            header_pos,
            format!(
                "{}の列が見つかりません（形式: {label}）",
                missing.join("・")
            ),
        )
        .with_help("1行目の列名を確かめ、形式が違うときは --format で指定してください")
        .into());
    }
    Ok((label, mapping))
}

fn check_targets(config: &Config, opts: &Options) -> Result<(), Diagnostics> {
    if let Some(c) = &opts.category
        && !config.categories.contains_key(c.as_str())
    {
        let known: Vec<&str> = config.categories.keys().map(|k| k.as_str()).collect();
        return Err(Diagnostic::error(
            "--category",
            None,
            format!("分類「{c}」は site.toml にありません"),
        )
        .with_help(format!("使える分類: {}", known.join(", ")))
        .into());
    }
    if let Some(a) = &opts.area
        && !config.areas.contains_key(a.as_str())
    {
        let known: Vec<&str> = config.areas.keys().map(|k| k.as_str()).collect();
        return Err(Diagnostic::error(
            "--area",
            None,
            format!("圏域「{a}」は site.toml にありません"),
        )
        .with_help(format!("使える圏域: {}", known.join(", ")))
        .into());
    }
    Ok(())
}
