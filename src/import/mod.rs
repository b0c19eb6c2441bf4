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
pub mod normalize;
mod rows;

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::load::config::Config;

pub use merge::Change;
pub use rows::hours_text;

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
    let bytes = std::fs::read(file)
        .map_err(|e| Diagnostic::error(file, None, format!("CSV ファイルを読めません: {e}")))?;
    run_bytes(root, config, opts, &bytes)
}

/// [`run`] on a file's bytes already read (`opts.file` still names it in messages).
pub fn run_bytes(
    root: &Path,
    config: &Config,
    opts: &Options,
    bytes: &[u8],
) -> Result<Outcome, Diagnostics> {
    let file = &opts.file;
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

    let out_rel = opts.out.clone().unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map_or("imported".into(), |s| s.to_string_lossy().into_owned());
        Path::new(crate::load::providers::PROVIDERS_DIR).join(format!("{stem}.yaml"))
    });
    let out_rel = out_rel
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(out_rel);

    let mut problems = Diagnostics::new();
    let mut candidates = Vec::new();
    let mut count = 0;
    let mut blank = 0;
    // Lines are counted from byte offsets: the csv crate's own count is off by one
    // after a CRLF header.
    let (mut line, mut counted) = (1, 0);
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

    let mut outcome = merge::merge(root, file, &out_rel, config, candidates, &mut problems)?;
    outcome.encoding = encoding;
    outcome.format = format;
    outcome.rows = count;
    outcome.problems = problems;
    if !opts.dry_run && (!outcome.added.is_empty() || !outcome.updated.is_empty()) {
        merge::write(root, &out_rel, &outcome)?;
        outcome.written = true;
    }
    outcome.out = out_rel;
    Ok(outcome)
}

fn csv_error(file: &Path, e: &csv::Error) -> Diagnostics {
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
        && !config.categories.contains_key(c)
    {
        let known: Vec<&str> = config.categories.keys().map(String::as_str).collect();
        return Err(Diagnostic::error(
            "--category",
            None,
            format!("分類「{c}」は site.toml にありません"),
        )
        .with_help(format!("使える分類: {}", known.join(", ")))
        .into());
    }
    if let Some(a) = &opts.area
        && !config.areas.contains_key(a)
    {
        let known: Vec<&str> = config.areas.keys().map(String::as_str).collect();
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
