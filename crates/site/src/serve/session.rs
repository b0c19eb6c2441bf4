//! The site kept in memory between rebuilds: after an edit of provider data alone, only
//! the changed files are read again and only what they touch is rendered (see
//! [`Scope::between`]); anything else rebuilds everything.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use diagnostics::Diagnostics;
use diagnostics::timings::Timings;
use load::{self, Overrides};
use model::Site;
use render::outputs::{self, RenderContext, Scope};
use render::templates::Templates;
use write::preview::{Files, Preview};

pub struct Session {
    root: PathBuf,
    overrides: Overrides,
    cache: load::Cache,
    site: Option<Arc<Site>>,
    templates: Option<Templates>,
    pieces: outputs::Pieces,
    pub preview: Preview,
}

impl Session {
    pub fn new(root: PathBuf, overrides: Overrides, out_dir: PathBuf) -> Self {
        Session {
            root,
            overrides,
            cache: load::Cache::default(),
            site: None,
            templates: None,
            pieces: outputs::Pieces::default(),
            preview: Preview::new(out_dir),
        }
    }

    /// A changed path relative to the root, if it is one of the site's sources.
    pub fn relevant(&self, p: &Path) -> Option<PathBuf> {
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let rel = p
            .strip_prefix(&root)
            .or_else(|_| p.strip_prefix(&self.root))
            .ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        let hidden = rel
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let ours = matches!(
            first,
            "site.toml" | "content" | "templates" | "static" | "themes"
        ) || rel == Path::new(model::accessibility::RESULTS_FILE);
        (ours && !hidden && !self.preview.holds(p)).then(|| rel.to_path_buf())
    }

    /// Rebuilds after `changed` (everything when `None`); returns the summary line.
    pub fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Result<String, Diagnostics> {
        let start = Instant::now();
        // Editors and tools save through temporary files that are gone by now; those are
        // not changes of their own.
        let data_only = changed.is_some_and(|c| {
            c.iter().all(|p| {
                let yaml = p.extension().is_some_and(|e| e == "yaml" || e == "yml");
                p.starts_with(load::providers::PROVIDERS_DIR)
                    && (yaml || !self.root.join(p).exists())
            })
        }) && self.site.is_some();
        if !data_only {
            self.cache.clear();
            self.pieces.clear();
        }
        self.cache
            .content
            .unchanged
            .store(data_only, std::sync::atomic::Ordering::Relaxed);
        let mut timer = Timings::new();
        let (site, _warnings) = load::load_cached(&self.root, &self.overrides, Some(&self.cache))?;
        timer.mark("load");
        let files: outputs::ChangedFiles = changed
            .unwrap_or_default()
            .iter()
            .map(|p| p.as_os_str())
            .collect();
        let scope = match (&self.site, data_only) {
            (Some(old), true) => Scope::between(old, &site, &files),
            _ => None,
        };
        timer.mark("scope");
        // Data alone changed: the compiled templates serve again.
        let templates = match (self.templates.take(), data_only) {
            (Some(mut t), true) => {
                // With no record moved between lists, the site's counts are as they were.
                let counts_kept = scope.as_ref().is_some_and(|s| !s.sitemap_changed);
                t.refresh(&site, counts_kept);
                t
            }
            _ => Templates::new(&site, false)?,
        };
        timer.mark("templates");
        if scope.is_none() {
            self.pieces.clear();
        }
        let hidden = indicatif::ProgressBar::hidden();
        let memory = outputs::Memory::default();
        let mut cx = RenderContext::new(&site, &templates, &hidden, &memory);
        cx.scope = scope.as_ref();
        cx.pieces = Some(&self.pieces);
        let rendered = outputs::render_all(&cx).and_then(|()| cx.finish());
        drop(cx);
        // What a failed build made is not kept: its records are in the next scope again.
        match rendered {
            Ok(()) => self.pieces.settle(&site),
            Err(_) => self.pieces.clear(),
        }
        rendered?;
        timer.mark("render");
        let made = write::contents(&self.root, memory.into_files()).map_err(Diagnostics::from)?;
        timer.mark("prepare");
        let made: Files = made
            .into_iter()
            .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), Arc::new(b)))
            .collect();
        // Same records, some edited: what was not rendered again stays as it is.
        let written = if scope.is_some() {
            self.preview.update(made)
        } else {
            self.preview.replace(made)
        }
        .map_err(Diagnostics::from)?;
        timer.mark("write");
        timer.report();
        let pages = self
            .preview
            .files()
            .keys()
            .filter(|k| k.ends_with(".html"))
            .count();
        self.site = Some(site);
        self.templates = Some(templates);
        Ok(format!(
            "更新しました: {pages} ページ、書き換え {written} ファイル、{:.0} ミリ秒",
            start.elapsed().as_secs_f64() * 1000.0
        ))
    }
}
