//! `--municipality KEY`: one town's part of a site of several. Its staff check and build
//! their own folders (`content/KEY/`, `content/providers/KEY/`) and records without being
//! stopped by another town's unfinished edits.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::config::{CONFIG_FILE, Overrides};
use super::yaml::{self, Node};
use diagnostics::{Diagnostic, Diagnostics, Severity};
use model::config::Config;
use model::{MunicipalityKey, ProviderId, text};

/// The town asked for, checked against the site's.
pub fn only(
    config: &Config,
    overrides: &Overrides,
) -> Result<Option<MunicipalityKey>, Diagnostics> {
    let Some(asked) = &overrides.municipality else {
        return Ok(None);
    };
    if let Some((k, _)) = config.municipalities.get_key_value(asked.as_str()) {
        return Ok(Some(k.clone()));
    }
    let names: Vec<String> = config
        .municipalities
        .iter()
        .map(|(k, m)| format!("{k}（{}）", m.name))
        .collect();
    Err(Diagnostic::error(
        "--municipality",
        None,
        format!("--municipality「{asked}」は {CONFIG_FILE} の [municipalities] にありません"),
    )
    .with_help(if names.is_empty() {
        "このサイトは1つの市町村のサイトです。--municipality を付けずに実行してください".to_string()
    } else {
        format!("次のどれかを書いてください: {}", names.join("、"))
    })
    .into())
}

/// Whether a file under `content/` is in another town's own folder.
pub fn elsewhere(rel: &Path, config: &Config, town: &MunicipalityKey) -> bool {
    folder_town(rel, config).is_some_and(|t| t != town)
}

/// The town whose own folder (`content/KEY/`, `content/providers/KEY/`) holds a file.
pub fn folder_town<'a>(rel: &Path, config: &'a Config) -> Option<&'a MunicipalityKey> {
    let rest = rel
        .strip_prefix(super::providers::PROVIDERS_DIR)
        .or_else(|_| rel.strip_prefix(super::content::CONTENT_DIR))
        .unwrap_or(rel);
    if rest.components().count() < 2 {
        return None;
    }
    let first = rest.components().next()?.as_os_str().to_str()?;
    config.municipalities.get_key_value(first).map(|(k, _)| k)
}

/// What the rest of a site of several holds, which a town's part leaves out: the other
/// towns' pages and records. Common pages may link to them, and another town's
/// unfinished record in a shared file is that town's to fix, not a reason to stop.
#[derive(Debug, Default)]
pub struct Others {
    /// Markdown files in other towns' own folders (not read: their problems are theirs).
    pub pages: Vec<PathBuf>,
    /// Ids of other towns' records, broken ones too.
    pub providers: Vec<String>,
    /// In shared provider files, the lines of each other town's record: first, last, town.
    spans: HashMap<PathBuf, Vec<(usize, usize, MunicipalityKey)>>,
}

impl Others {
    /// Reads who each record of `data` (every provider file, other towns' folders
    /// included) belongs to: its folder's town, else its area's.
    pub fn scan(
        root: &Path,
        data: &[PathBuf],
        pages: Vec<PathBuf>,
        config: &Config,
        town: &MunicipalityKey,
    ) -> Others {
        let mut out = Others {
            pages,
            ..Others::default()
        };
        for rel in data {
            let folder = folder_town(rel, config);
            // A file that does not read is reported by the load (if it is ours to read).
            let tree = match super::read_text(root, rel).map(|src| yaml::parse(&src)) {
                Ok(Ok(Some(tree))) => tree,
                _ => continue,
            };
            let records: Vec<&Node> = match tree.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![&tree],
            };
            for (i, node) in records.iter().enumerate() {
                let Some(owner) = folder.or_else(|| area_town(node, config)) else {
                    continue;
                };
                if owner == town {
                    continue;
                }
                if let Some(id) = field(node, "id")
                    .map(|id| text::ascii_fold(id).trim().to_string())
                    .filter(|id| ProviderId::parse(id).is_ok())
                {
                    out.providers.push(id);
                }
                if folder.is_none() {
                    let last = records
                        .get(i + 1)
                        .map_or(usize::MAX, |next| next.pos.line.saturating_sub(1));
                    out.spans.entry(rel.clone()).or_default().push((
                        node.pos.line,
                        last,
                        owner.clone(),
                    ));
                }
            }
        }
        out
    }

    /// Problems in other towns' records of shared files become warnings naming the town.
    pub fn demote(&self, diags: Diagnostics, config: &Config) -> Diagnostics {
        diags
            .into_iter()
            .map(|mut d| {
                let owner = self.spans.get(&d.file).and_then(|spans| {
                    let line = d.pos?.line;
                    spans
                        .iter()
                        .find(|(first, last, _)| (*first..=*last).contains(&line))
                });
                if let Some((_, _, town)) = owner {
                    let name = config
                        .municipalities
                        .get(town)
                        .map_or("", |m| m.name.as_str());
                    d.severity = Severity::Warning;
                    d.message = format!("{name}の記録: {}", d.message);
                    d.help = Some(
                        format!(
                            "{}（{name}の担当が直します。ほかの市町村の確認と作成は止めません）",
                            d.help.as_deref().unwrap_or_default()
                        )
                        .into(),
                    );
                }
                d
            })
            .collect()
    }
}

/// The town of a record's area in a shared file, if the area is one of the site's.
fn area_town<'a>(node: &Node, config: &'a Config) -> Option<&'a MunicipalityKey> {
    let area = field(node, "area")?.trim();
    let (key, _) = config.areas.get_key_value(area)?;
    config.area_municipality.get(key)
}

fn field<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    node.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .and_then(|(_, v)| v.as_str())
}
