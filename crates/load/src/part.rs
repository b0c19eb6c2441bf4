//! `--municipality KEY`: one town's part of a site of several. Its staff check and build
//! their own folders (`content/KEY/`, `content/providers/KEY/`) and records without being
//! stopped by another town's unfinished edits.

use std::path::Path;

use super::config::{CONFIG_FILE, Overrides};
use diagnostics::{Diagnostic, Diagnostics};
use model::MunicipalityKey;
use model::config::Config;

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
