//! Merging imported records into a provider file: matched records are updated in place
//! and keep every field the CSV does not carry; new ones are added at the end; records
//! the CSV does not mention stay as they were.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::Outcome;
use super::emit::{self, Y};
use super::rows::Candidate;
use diagnostics::{Diagnostic, Diagnostics, Pos};
use load::providers::{FIELDS, PROVIDERS_DIR, load_text};
use load::yaml;
use model::config::Config;

/// One field of one record that an import changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: String,
}

type Pairs = Vec<(String, Y)>;

/// One provider file as the import sees it.
struct File {
    rel: PathBuf,
    /// Comment lines at its top, kept.
    header: String,
    records: Vec<Pairs>,
    /// Records this CSV matched (a second row matching one is a duplicate row).
    touched: HashSet<usize>,
    changed: bool,
}

/// What a national release covers: records of its source and these categories that it
/// no longer has are marked as possibly closed.
pub struct Scope {
    pub origin: model::Origin,
    pub categories: Vec<String>,
}

pub fn merge(
    root: &Path,
    csv: &Path,
    out_rel: &Path,
    config: &Config,
    candidates: Vec<Candidate>,
    scope: Option<&Scope>,
    problems: &mut Diagnostics,
) -> Result<Outcome, Diagnostics> {
    // The target first, then every other provider file: a record already anywhere in the
    // site is updated where it is, never added a second time.
    let mut files = vec![read_file(root, out_rel)?];
    for rel in other_files(root, out_rel) {
        if let Ok(f) = read_file(root, &rel) {
            files.push(f);
        }
    }
    let today = load::today().to_string();
    let mut taken_ids: HashSet<String> = files
        .iter()
        .flat_map(|f| {
            f.records
                .iter()
                .filter_map(|r| get(r, "id").map(String::from))
        })
        .collect();
    let existing = files[0].records.len();
    let mut outcome = Outcome::default();

    for c in candidates {
        let found = files
            .iter()
            .enumerate()
            .find_map(|(n, f)| find(&f.records, &f.touched, &c).map(|i| (n, i)));
        if let Some((n, i)) = found
            && files[n].touched.contains(&i)
        {
            let id = get(&files[n].records[i], "id").unwrap_or_default();
            problems.push(
                Diagnostic::warning(
                    csv,
                    Some(Pos::new(c.line, 1)),
                    format!(
                        "「{}」は前の行と同じ事業所です（id: {id}）。この行は取り込んでいません",
                        c.name
                    ),
                )
                .with_help("同じ事業所が2行あります。どちらが正しいか確かめてください"),
            );
            continue;
        }
        match found {
            Some((n, i)) => {
                let file = &mut files[n];
                file.touched.insert(i);
                let record = &mut file.records[i];
                let (changes, silent) = update(record, &c.fields, &today);
                let id = get(record, "id").unwrap_or_default().to_string();
                if scope.is_some() && get(record, "missing_since").is_some() {
                    record.retain(|(k, _)| k != "missing_since");
                    file.changed = true;
                    outcome.returned.push(id.clone());
                }
                if get(record, "phone").is_none() {
                    outcome
                        .pending
                        .push(get(record, "name").unwrap_or_default().to_string());
                }
                file.changed |= silent;
                if changes.is_empty() {
                    outcome.unchanged += 1;
                } else {
                    file.changed = true;
                    let id = if n == 0 {
                        id
                    } else {
                        format!("{id}（{}）", file.rel.display())
                    };
                    outcome.updated.push((id, changes));
                }
            }
            None => {
                let id = new_id(&c, &taken_ids);
                taken_ids.insert(id.clone());
                let mut pairs: Pairs = vec![("id".into(), Y::Plain(id.clone()))];
                for (k, v) in &c.fields {
                    set(&mut pairs, k, v.clone());
                }
                if get(&pairs, "updated").is_none() {
                    set(&mut pairs, "updated", Y::Plain(today.clone()));
                }
                if get(&pairs, "phone").is_none() {
                    outcome.pending.push(c.name.clone());
                }
                let target = &mut files[0];
                target.records.push(pairs);
                target.touched.insert(target.records.len() - 1);
                target.changed = true;
                outcome.added.push(id);
            }
        }
    }
    outcome.kept = (0..existing)
        .filter(|i| !files[0].touched.contains(i))
        .count();
    if let Some(scope) = scope {
        mark_missing(&mut files, scope, &mut outcome);
    }

    let mut texts = Vec::new();
    for (n, f) in files.iter().enumerate() {
        if n > 0 && !f.changed {
            continue;
        }
        let text = render(&f.header, &f.records, &f.rel);
        let (_, diags) = load_text(&f.rel, &text, config);
        if diags.has_errors() {
            // The importer made something the loader refuses: say so rather than write it.
            let mut all = Diagnostics::new();
            all.push(Diagnostic::error(
                &f.rel,
                None,
                "取り込んだ結果が事業所データとして正しくないため、書き込みませんでした",
            ).with_help("下の問題は書き込む前の内容についてのものです。元のファイルを直してから、もう一度取り込んでください"));
            all.extend(diags.into_iter().filter(|d| d.is_error()).collect());
            return Err(all);
        }
        texts.push((f.rel.clone(), text, f.changed));
    }
    let mut texts = texts.into_iter();
    if let Some((_, text, changed)) = texts.next() {
        outcome.text = text;
        outcome.target_changed = changed;
    }
    outcome.elsewhere = texts.map(|(rel, text, _)| (rel, text)).collect();
    Ok(outcome)
}

/// Writes the merged files next to their targets, then renames each over (never half a
/// file).
pub fn write(root: &Path, out_rel: &Path, outcome: &Outcome) -> Result<(), Diagnostics> {
    // Every row matched a record in another file: no new file is made for nothing.
    if outcome.target_changed {
        write_one(root, out_rel, &outcome.text)?;
    }
    for (rel, text) in &outcome.elsewhere {
        write_one(root, rel, text)?;
    }
    Ok(())
}

fn write_one(root: &Path, rel: &Path, text: &str) -> Result<(), Diagnostics> {
    let path = root.join(rel);
    let fail = |e: std::io::Error| -> Diagnostics {
        Diagnostic::error(rel, None, format!("書き込めません: {e}")).into()
    };
    let dir = path.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    Ok(())
}

fn read_file(root: &Path, rel: &Path) -> Result<File, Diagnostics> {
    let (header, records) = read_existing(root, rel)?;
    Ok(File {
        rel: rel.to_path_buf(),
        header,
        records,
        touched: HashSet::new(),
        changed: false,
    })
}

/// Comment lines at the top of the file (kept), and its records.
fn read_existing(root: &Path, rel: &Path) -> Result<(String, Vec<Pairs>), Diagnostics> {
    if !root.join(rel).exists() {
        return Ok((String::new(), Vec::new()));
    }
    let text = load::read_text(root, rel)?;
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .filter(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let tree = yaml::parse(&text).map_err(|e| {
        Diagnostics::from(
            Diagnostic::error(rel, Some(e.pos), e.message)
                .with_help("取り込み先のファイルを直してから、もう一度取り込んでください"),
        )
    })?;
    let items: Vec<&yaml::Node> = match &tree {
        None => Vec::new(),
        Some(t) => match (t.as_seq(), t.as_map()) {
            (Some(items), _) => items.iter().collect(),
            (None, Some(_)) => vec![t],
            _ => {
                return Err(
                    Diagnostic::error(rel, Some(t.pos), "事業所の記録として読めません")
                        .with_help("取り込み先には事業所データのファイルを指定してください")
                        .into(),
                );
            }
        },
    };
    let records = items
        .into_iter()
        .map(|n| match Y::from_node(n) {
            Y::Map(pairs) => pairs,
            _ => Vec::new(),
        })
        .collect();
    Ok((header, records))
}

/// The site's other provider files, relative to the root, in order.
fn other_files(root: &Path, out_rel: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root.join(PROVIDERS_DIR))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter(|p| p != out_rel)
        .collect();
    out.sort();
    out
}

fn get<'a>(pairs: &'a [(String, Y)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_text())
}

/// The record this candidate updates: same id, else same office code and category,
/// else same name and category.
fn find(records: &[Pairs], touched: &HashSet<usize>, c: &Candidate) -> Option<usize> {
    let same_cat = |r: &Pairs| get(r, "category") == Some(c.category.as_str());
    let national = field(c, "national_id");
    c.id.as_deref()
        .and_then(|id| records.iter().position(|r| get(r, "id") == Some(id)))
        .or_else(|| {
            let n = national?;
            records
                .iter()
                .position(|r| same_cat(r) && get(r, "national_id") == Some(n))
        })
        .or_else(|| {
            let code = c.office_code.as_deref()?;
            records
                .iter()
                .position(|r| same_cat(r) && get(r, "office_code") == Some(code))
        })
        .or_else(|| {
            // Names repeat (two 長尾医院 in one city): with several, the address or
            // phone decides.
            // Two different office codes are two offices, whatever their names.
            let other_code = |r: &Pairs| {
                (c.office_code.is_some()
                    && get(r, "office_code").is_some_and(|x| Some(x) != c.office_code.as_deref()))
                    || (national.is_some()
                        && get(r, "national_id").is_some_and(|x| Some(x) != national))
            };
            let same: Vec<usize> = (0..records.len())
                .filter(|i| {
                    !touched.contains(i) && same_cat(&records[*i]) && !other_code(&records[*i])
                })
                .filter(|i| {
                    get(&records[*i], "name")
                        .map(super::normalize::tidy)
                        .as_deref()
                        == Some(c.name.as_str())
                })
                .collect();
            match same[..] {
                [one] => Some(one),
                [] => {
                    // 「医療法人一丸会矢の丸眼科」 in the national file is 「矢の丸眼科」 in the
                    // city's list: one name inside the other at the same address.
                    let name = fold_name(&c.name);
                    let address = field(c, "address").map(fold_address)?;
                    (0..records.len()).find(|i| {
                        let r = &records[*i];
                        !touched.contains(i)
                            && same_cat(r)
                            && !other_code(r)
                            && get(r, "name").map(fold_name).is_some_and(|n| {
                                n.chars().count() >= 3
                                    && name.chars().count() >= 3
                                    && (n.contains(&name) || name.contains(&n))
                            })
                            && get(r, "address").map(fold_address).as_deref()
                                == Some(address.as_str())
                    })
                }
                _ => same.into_iter().find(|i| {
                    ["address", "phone"].iter().any(|k| {
                        get(&records[*i], k).is_some() && get(&records[*i], k) == field(c, k)
                    })
                }),
            }
        })
}

/// Records of the release's source and categories that it did not mention: the office
/// may have closed. They stay (staff decide) with the release date they went missing.
fn mark_missing(files: &mut [File], scope: &Scope, outcome: &mut Outcome) {
    let source = scope.origin.source.key();
    for file in files.iter_mut() {
        for (i, r) in file.records.iter_mut().enumerate() {
            let ours = get(r, "source") == Some(source)
                && get(r, "category").is_some_and(|c| scope.categories.iter().any(|x| x == c));
            if !ours || file.touched.contains(&i) {
                continue;
            }
            if get(r, "missing_since").is_none() {
                set(r, "missing_since", Y::Plain(scope.origin.date.to_string()));
                file.changed = true;
            }
            outcome.missing.push((
                get(r, "id").unwrap_or_default().to_string(),
                get(r, "name").unwrap_or_default().to_string(),
            ));
        }
    }
}

/// Names compared without spaces, dots and width: 「医療法人　一丸会　矢の丸眼科」 and
/// 「医療法人一丸会矢の丸眼科」 are the same.
fn fold_name(s: &str) -> String {
    super::normalize::tidy(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '.' | '．'))
        .collect()
}

/// Addresses compared without the prefecture, spaces and the ways of writing 丁目・番・号.
fn fold_address(s: &str) -> String {
    let t: String = super::normalize::tidy(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = ["都", "道", "府", "県"]
        .iter()
        .find_map(|suffix| {
            let i = t.find(suffix)?;
            (i <= 12).then(|| t[i + suffix.len()..].to_string())
        })
        .unwrap_or(t);
    let mut out = String::new();
    for c in t
        .replace("丁目", "-")
        .replace("番地", "-")
        .replace('番', "-")
        .replace('号', "")
        .chars()
    {
        let c = if super::normalize::is_dash(c) || c == 'の' {
            '-'
        } else {
            c
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

fn field<'a>(c: &'a Candidate, key: &str) -> Option<&'a str> {
    c.fields
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_text())
}

fn new_id(c: &Candidate, taken: &HashSet<String>) -> String {
    let base = match (&c.id, &c.office_code) {
        (Some(id), _) => id.clone(),
        (None, Some(code)) if code.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            format!("{}-{}", c.category, code.to_ascii_lowercase())
        }
        (None, None) if field(c, "national_id").is_some() => {
            format!(
                "{}-{}",
                c.category,
                field(c, "national_id").unwrap_or_default()
            )
        }
        _ => {
            let hash = blake3::hash(
                format!(
                    "{}\n{}\n{}",
                    c.name,
                    c.category,
                    field(c, "address").unwrap_or_default()
                )
                .as_bytes(),
            );
            format!("{}-{}", c.category, &hash.to_hex()[..8])
        }
    };
    // A site's category key need not make a valid id (upper case, a reserved word):
    // then a neutral prefix.
    let base = if model::ProviderId::parse(&base).is_ok() {
        base
    } else {
        let hash = blake3::hash(base.as_bytes());
        format!("p-{}", &hash.to_hex()[..12])
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Text of a value for comparing and for showing a change.
fn shown(y: &Y) -> String {
    match y {
        Y::Str(s) | Y::Plain(s) => s.clone(),
        Y::Flow(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        Y::Seq(items) => items.iter().map(shown).collect::<Vec<_>>().join(" / "),
        Y::Map(pairs) => pairs
            .iter()
            .map(|(k, v)| format!("{k}: {}", shown(v)))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Fields an import sets without listing them as changes: the release a record is from.
const SILENT: &[&str] = &["source", "source_date"];

/// Sets the CSV's fields on an existing record, except the fields the city marked as its
/// own (`own_fields`); `updated` becomes today when anything changed and the CSV gives
/// no date of its own. Also says whether a silent field changed.
fn update(record: &mut Pairs, fields: &[(String, Y)], today: &str) -> (Vec<Change>, bool) {
    let own: Vec<String> = record
        .iter()
        .find(|(k, _)| k == "own_fields")
        .map(|(_, v)| match v {
            Y::Flow(items) | Y::Seq(items) => items
                .iter()
                .filter_map(|i| i.as_text().map(String::from))
                .collect(),
            other => other.as_text().map(String::from).into_iter().collect(),
        })
        .unwrap_or_default();
    let mut changes = Vec::new();
    let mut silent = false;
    for (k, v) in fields {
        if own.iter().any(|o| o == k) {
            continue;
        }
        let before = record
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, old)| shown(old));
        if before.as_deref() == Some(shown(v).as_str()) {
            continue;
        }
        if SILENT.contains(&k.as_str()) {
            silent = true;
        } else {
            changes.push(Change {
                field: k.clone(),
                before,
                after: shown(v),
            });
        }
        set(record, k, v.clone());
    }
    let dated = fields.iter().any(|(k, _)| k == "updated");
    if !changes.is_empty() && !dated && get(record, "updated") != Some(today) {
        changes.push(Change {
            field: "updated".into(),
            before: get(record, "updated").map(String::from),
            after: today.into(),
        });
        set(record, "updated", Y::Plain(today.into()));
    }
    (changes, silent)
}

/// Replaces a field, or inserts it where the documented order puts it.
fn set(record: &mut Pairs, key: &str, value: Y) {
    if let Some(slot) = record.iter_mut().find(|(k, _)| k == key) {
        slot.1 = value;
        return;
    }
    let rank = |k: &str| FIELDS.iter().position(|f| *f == k).unwrap_or(FIELDS.len());
    let at = record
        .iter()
        .position(|(k, _)| rank(k) > rank(key))
        .unwrap_or(record.len());
    record.insert(at, (key.to_string(), value));
}

fn render(header: &str, records: &[Pairs], out_rel: &Path) -> String {
    let mut out = if header.is_empty() {
        format!(
            "# {} — tsunagu import で取り込んだ事業所です。直接直してもかまいません。\n",
            out_rel
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        )
    } else {
        header.to_string()
    };
    for r in records {
        out.push('\n');
        emit::write_map(&mut out, r, 2, "- ");
    }
    out
}
