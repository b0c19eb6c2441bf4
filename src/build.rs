//! The whole pipeline in one call: load → model → outputs → write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::load::{self, Overrides};
use crate::model::Site;
use crate::outputs::{self, OutputFile, RenderContext};
use crate::templates::Templates;
use crate::write::{self, WriteOptions, WriteStats};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Shown by the command line on a terminal; hidden by default.
    pub progress: Option<indicatif::ProgressBar>,
    pub root: PathBuf,
    pub output: PathBuf,
    pub overrides: Overrides,
    pub force: bool,
    /// `None` follows `minify` in site.toml.
    pub minify: Option<bool>,
}

#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub providers: usize,
    pub stats: WriteStats,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
}

/// Loads and checks a site without writing anything.
pub fn check(root: &Path, overrides: &Overrides) -> Result<(Site, Diagnostics), Diagnostics> {
    let (site, diags) = load::load(root, overrides)?;
    // Rendering finds template errors and clashing URLs; nothing is written.
    render(&site, &indicatif::ProgressBar::hidden())?;
    Ok((site, diags))
}

/// Renders every output of a loaded site into memory.
pub fn render(
    site: &Site,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let templates = Templates::new(site)?;
    let cx = RenderContext {
        site,
        templates: &templates,
        progress,
    };
    progress.set_length(cx.expected_pages());
    outputs::render_all(&cx)
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let (site, diagnostics) = load::load(&opts.root, &opts.overrides)?;
    let hidden = indicatif::ProgressBar::hidden();
    let files = render(&site, opts.progress.as_ref().unwrap_or(&hidden))?;
    let pages = files
        .iter()
        .filter(|f| matches!(f.content, outputs::Content::Html(_)))
        .count();
    let minify = opts.minify.unwrap_or(site.config.minify);
    let stats = write::publish(
        &opts.root,
        &opts.output,
        &files,
        WriteOptions {
            minify,
            force: opts.force,
        },
    )
    .map_err(Diagnostics::from)?;
    Ok(BuildReport {
        pages,
        providers: site.providers.len(),
        stats,
        diagnostics,
        elapsed: start.elapsed(),
    })
}
