//! Step 1 of a build: read `site.toml`, walk `content/`, read provider data, validate
//! everything, and hand back one [`Site`] or the full list of problems.

pub mod inputs;

pub mod audit;
pub mod config;
pub mod content;
pub mod guides;
pub mod part;
pub mod providers;
pub mod suggest;
pub mod theme;
pub mod unfinished;
pub mod yaml;

#[cfg(test)]
mod lecture_tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};

pub use config::Overrides;
use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::{Asset, Site};

/// Loads and checks the site at `root`. On success the diagnostics hold only warnings.
pub fn load(root: &Path, overrides: &Overrides) -> Result<(Arc<Site>, Diagnostics), Diagnostics> {
    load_cached(root, overrides, None)
}

/// Like [`load`], reusing provider files parsed before when they have not changed.
/// What `serve` keeps between loads so that an edit re-reads only what changed.
#[derive(Default)]
pub struct Cache {
    pub providers: providers::ProviderCache,
    pub content: content::ContentCache,
}

impl Cache {
    /// Forgets everything, e.g. after site.toml changed (it decides how files read).
    pub fn clear(&self) {
        self.providers.clear();
        self.content.clear();
    }
}

pub fn load_cached(
    root: &Path,
    overrides: &Overrides,
    cache: Option<&Cache>,
) -> Result<(Arc<Site>, Diagnostics), Diagnostics> {
    let mut timer = diagnostics::timings::Timings::new();
    let config = config::load(root, overrides)?;
    let only = part::only(&config, overrides)?;
    let mut diags = Diagnostics::new();

    let files = walk_files(root, Path::new(content::CONTENT_DIR), &mut diags);
    let mut markdown = Vec::new();
    let mut data = Vec::new();
    let mut assets = Vec::new();
    // A town's part: other towns' own folders are not read, only looked at for what
    // common pages may link to.
    let mut other_pages = Vec::new();
    let mut other_data = Vec::new();
    for rel in files {
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let in_providers = rel.starts_with(providers::PROVIDERS_DIR);
        if let Some(k) = &only
            && part::elsewhere(&rel, &config, k)
        {
            match ext.as_str() {
                "md" => other_pages.push(rel),
                "yaml" | "yml" if in_providers => other_data.push(rel),
                _ => {}
            }
            continue;
        }
        match ext.as_str() {
            "md" => markdown.push(rel),
            "yaml" | "yml" if in_providers => data.push(rel),
            "yaml" | "yml" => diags.push(
                Diagnostic::warning(
                    &rel,
                    None,
                    "content/providers/ の外にある YAML ファイルは使われません",
                )
                .with_help("事業所のデータなら content/providers/ に移してください"),
            ),
            _ => {
                let output = rel
                    .strip_prefix(content::CONTENT_DIR)
                    .unwrap_or(&rel)
                    .to_path_buf();
                assets.push(Asset {
                    source: rel,
                    output,
                    embedded: None,
                });
            }
        }
    }

    // Providers first: ending notes list the consultation windows from the data.
    timer.mark("load: config and walk");
    let others = only.as_ref().map(|k| {
        let all: Vec<PathBuf> = data.iter().chain(&other_data).cloned().collect();
        part::Others::scan(root, &all, other_pages, &config, k)
    });
    let (mut providers, mut provider_diags) =
        providers::load(root, &data, &config, cache.map(|c| &c.providers));
    if let (Some(k), Some(others)) = (&only, &others) {
        providers.retain(|p| p.municipality.as_ref() == Some(k));
        provider_diags = others.demote(provider_diags, &config);
    }
    // Read again only when some record waits for its phone number.
    let pending = if provider_diags.iter().any(|d| d.code == Some("pending")) {
        providers::pending(root, &data, &config)
    } else {
        Vec::new()
    };
    diags.extend(provider_diags);
    timer.mark("load: providers");
    let asset_keys: Vec<String> = assets
        .iter()
        .map(|a| a.output.to_string_lossy().replace('\\', "/"))
        .collect();
    let others = others.unwrap_or_default();
    let data = content::Data {
        providers: &providers,
        assets: &asset_keys,
        others: &others,
    };
    let (sections, pages, content_diags) =
        content::load(root, &markdown, &config, &data, cache.map(|c| &c.content));
    diags.extend(content_diags);
    timer.mark("load: content");
    let (mut guides, guide_diags) = guides::resolve(root, &config, &sections, &pages, &providers);
    let mut elsewhere: Vec<String> = others
        .pages
        .iter()
        .map(|rel| content::output_path(rel))
        .chain(
            others
                .providers
                .iter()
                .map(|id| model::routes::provider(id)),
        )
        .collect();
    if let Some(k) = &only {
        guides.retain(|g| {
            let ours = g.municipality.as_ref().is_none_or(|m| m == k);
            if !ours {
                elsewhere.push(model::routes::guide_print(&g.key));
            }
            ours
        });
    }
    elsewhere.sort();
    elsewhere.dedup();
    diags.extend(guide_diags);
    let (templates, mut theme_assets) = match theme::load(root, &config.theme) {
        Ok((t, a, warnings)) => {
            diags.extend(warnings);
            (t, a)
        }
        Err(d) => {
            diags.extend(d);
            (Vec::new(), Vec::new())
        }
    };
    theme_assets.extend(assets);
    timer.mark("load: guides and theme");

    let today = today();
    for p in &providers {
        if p.is_stale(today, config.stale_after_days) {
            diags.push(
                Diagnostic::warning(
                    &p.source,
                    Some(p.updated_pos),
                    format!(
                        "「{}」の情報は {} に確認したきりです（{}日以上前）",
                        p.name, p.updated, config.stale_after_days
                    ),
                )
                .with_len(10)
                .with_code("stale")
                .with_help("事業所に内容を確かめ、updated を確認した日付に直してください（tsunagu stale で確認票を作れます）"),
            );
        }
    }

    diags.extend(unfinished::check(root, &config, &providers));

    let audit = match audit::load(root) {
        Ok(a) => a,
        Err(d) => {
            diags.push(d);
            None
        }
    };
    if let Some(d) = audit.as_ref().and_then(|a| audit::overdue(a, today)) {
        diags.push(d);
    }

    diags.sort();
    timer.mark("load: stale");
    timer.report();
    if diags.has_errors() {
        return Err(diags);
    }
    let site = Site {
        root: root.to_path_buf(),
        config,
        today,
        sections,
        pages,
        providers,
        pending,
        assets: theme_assets,
        templates,
        guides,
        audit,
        elsewhere,
    };
    Ok((Arc::new(site), diags))
}

/// Today in Japan, or the day of `SOURCE_DATE_EPOCH` when set (reproducible builds).
pub fn today() -> Date {
    let jst = TimeZone::fixed(Offset::constant(9));
    let ts = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    ts.to_zoned(jst).date()
}

/// Reads a UTF-8 text file given relative to the root; a BOM is dropped.
pub fn read_text(root: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(rel))
        .map_err(|e| Diagnostic::error(rel, None, format!("ファイルを読めません: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        Diagnostic::error(
            rel,
            Some(Pos::new(line, 1)),
            "文字コードが UTF-8 ではありません",
        )
        .with_help(
            "エディタで「UTF-8」を選んで保存し直してください（Shift_JIS のままでは読めません）",
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// Files under `root/dir`, relative to `root`, sorted, skipping hidden and editor files.
/// A link that leads outside the site is reported and skipped.
pub fn walk_files(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(&base)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(name.starts_with('.') || name.ends_with('~') || name.starts_with('#'))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel_to(root, p))
                    .unwrap_or_else(|| dir.to_path_buf());
                diags.push(Diagnostic::error(
                    path,
                    None,
                    format!("フォルダを読めません: {e}"),
                ));
                continue;
            }
        };
        let rel = rel_to(root, entry.path());
        if entry.path_is_symlink() {
            let inside = entry
                .path()
                .canonicalize()
                .is_ok_and(|t| t.starts_with(&canonical_root));
            if !inside {
                diags.push(
                    Diagnostic::error(
                        &rel,
                        None,
                        "サイトのフォルダの外を指すリンク（シンボリックリンク）です",
                    )
                    .with_help(
                        "リンクではなく、ファイルそのものをサイトのフォルダに置いてください",
                    ),
                );
                continue;
            }
            if entry.path().is_file() {
                out.push(rel);
            }
            continue;
        }
        if entry.file_type().is_file() {
            out.push(rel);
        }
    }
    out
}

fn rel_to(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}
