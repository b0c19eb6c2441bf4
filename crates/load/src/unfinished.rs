//! What a new site still has to be told: the example `base_url` that `tsunagu init`
//! writes, a department without a phone number, no consultation window. Each is a warning
//! saying what to write where, so that no placeholder or gap reaches a QR code, a cover or
//! a page without anyone being told.

use std::path::Path;
use std::sync::Arc;

use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::Provider;
use model::config::{Config, Group};

use super::config::CONFIG_FILE;

/// The `base_url` a new site starts with: an address that is no city's.
pub const EXAMPLE_BASE_URL: &str = "https://www.city.example.lg.jp/zaitaku/";

pub fn check(root: &Path, config: &Config, providers: &[Arc<Provider>]) -> Diagnostics {
    let m = &config.municipality;
    let no_window = !providers
        .iter()
        .any(|p| config.categories.get(&p.category).map(|c| c.group) == Some(Group::Consultation));
    let mut diags = Diagnostics::new();
    // Read again (for the lines to point at) only when there is something to say: a
    // preview's reload after each edit goes through here.
    if config.base_url != EXAMPLE_BASE_URL && !m.phone.trim().is_empty() && !no_window {
        return diags;
    }
    let src = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    // The line where `key` is written, within `[table]` when given.
    let line_of = |table: Option<&str>, key: &str| -> Option<Pos> {
        let mut inside = table.is_none();
        for (i, line) in src.lines().enumerate() {
            let t = line.trim();
            if t.starts_with('[') {
                if let Some(table) = table {
                    inside = t == format!("[{table}]");
                    if inside && key.is_empty() {
                        return Some(Pos::new(i + 1, 1));
                    }
                } else {
                    return None;
                }
            } else if inside
                && !key.is_empty()
                && t.strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
            {
                return Some(Pos::new(i + 1, 1));
            }
        }
        None
    };
    if config.base_url == EXAMPLE_BASE_URL {
        diags.push(
            Diagnostic::warning(
                CONFIG_FILE,
                line_of(None, "base_url"),
                format!("base_url がまだ例（{EXAMPLE_BASE_URL}）のままです。印刷物の QR コードと「最新の情報」の案内が、この例の URL を指します"),
            )
            .with_help("site.toml の base_url に、このサイトを公開する場所の URL を https:// から書いてください"),
        );
    }
    if m.phone.trim().is_empty() {
        diags.push(
            Diagnostic::warning(
                CONFIG_FILE,
                line_of(Some("municipality"), ""),
                format!(
                    "[municipality] に {}{} の電話番号（phone）がありません。ガイドの裏表紙やエンディングノートに、名前だけが載ります",
                    m.name,
                    if m.department.is_empty() { String::new() } else { format!(" {}", m.department) }
                ),
            )
            .with_help("site.toml の [municipality] に phone = \"0990-12-3456\" のように担当課の電話番号を書いてください"),
        );
    }
    if no_window {
        diags.push(
            Diagnostic::warning(
                CONFIG_FILE,
                None,
                "相談窓口（地域包括支援センターなど）の記録がまだありません。ガイドの裏表紙「困ったときの相談窓口」やエンディングノートの連絡先が空になります",
            )
            .with_help("content/providers/ に相談窓口の記録を加えてください（category には site.toml で group = \"相談窓口\" の分類を書きます）"),
        );
    }
    diags
}
