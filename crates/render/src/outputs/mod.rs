//! Step 3 of a build: each output is a [`Renderer`] over the same [`model::Site`]. Every file
//! leaves through one door, [`RenderContext::emit`], into a [`Sink`]: the build's staging
//! folder, or [`Memory`] for `serve`, `check` and `diff`. None of them touches the disk.

mod absolute;
mod accessibility;
mod assets;
mod context;
pub mod csp;
pub mod directory;
mod feed;
pub mod finder;
mod incremental;
pub mod lectures;
mod opendata;
pub mod print_guide;
pub mod search;
mod sitemap;
pub mod slides;
pub mod standalone;
pub mod web;
pub mod wrap;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::PoisonError;

use rayon::prelude::*;

pub(crate) use absolute::absolute_links;
pub use context::RenderContext;
pub(crate) use context::{Meta, base_context, crumb};
pub use incremental::{ChangedFiles, PieceText, Pieces, Scope};

use diagnostics::{Diagnostic, Diagnostics};

/// One file of the finished site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative to the output folder.
    pub path: PathBuf,
    pub content: Content,
}

#[derive(Debug, Clone)]
pub enum Content {
    /// An HTML page (minified on write when the site asks for it).
    Html(String),
    /// Any other generated text or bytes (XML, JSON…).
    Bytes(Vec<u8>),
    /// A file copied from the site's sources (relative to the site root).
    Copy(PathBuf),
    /// A file of the built-in theme.
    Embedded(&'static [u8]),
}

/// Takes finished files (the policy inserted) as they are rendered.
pub trait Sink: Sync {
    fn put(&self, files: Vec<OutputFile>) -> Result<(), Diagnostic>;
}

/// Keeps every file in memory: for `serve`, `check` and `diff`, which write nothing or
/// write only what changed.
#[derive(Default)]
pub struct Memory(Mutex<Vec<OutputFile>>);

impl Memory {
    /// Every file handed in, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        // A thread that panicked while handing in files poisons the lock, and its panic
        // stops the build anyway; the files are whole, so the lock's state is ignored.
        let mut files = self.0.into_inner().unwrap_or_else(PoisonError::into_inner);
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(files);
        Ok(())
    }
}

/// Pages rendered between two hand-overs to the sink: enough to keep the cores busy, few
/// enough that the batch stays small even of list pages (300 cards, about 0.6 MB each).
const SINK_BATCH: usize = 256;

/// An output format, in the manner of mdBook's renderers: it hands its pages to the sink
/// as it makes them (see [`render_pages`]) and returns the few other files it made.
pub trait Renderer: Sync {
    fn name(&self) -> &'static str;
    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics>;
}

/// Every output this build produces, in a fixed order.
pub fn renderers() -> Vec<Box<dyn Renderer>> {
    vec![
        Box::new(web::WebPages),
        Box::new(directory::Directory),
        Box::new(finder::Finder),
        Box::new(feed::AtomFeed),
        Box::new(print_guide::PrintGuides),
        Box::new(lectures::Lectures),
        Box::new(opendata::OpenData),
        Box::new(accessibility::Accessibility),
        Box::new(sitemap::Sitemap),
        Box::new(search::Search),
        Box::new(assets::Assets),
    ]
}

/// Runs all renderers, every file into the sink. The caller may emit more (PDFs) before
/// it ends with [`RenderContext::finish`].
pub fn render_all(cx: &RenderContext) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let timings = std::env::var_os("TSUNAGU_TIMINGS").is_some();
    let run = |r: &dyn Renderer| {
        let start = std::time::Instant::now();
        let result = r
            .render(cx)
            .and_then(|files| cx.emit(files).map_err(Diagnostics::from));
        if timings {
            eprintln!(
                "timings: renderer {} {:.0} ms ({} MiB)",
                r.name(),
                start.elapsed().as_secs_f64() * 1000.0,
                diagnostics::timings::resident_mib().unwrap_or(0)
            );
        }
        result
    };
    // A small incremental rebuild leaves cores idle inside each renderer, so renderers
    // run side by side; a full build runs them in turn, which bounds its memory.
    let all = renderers();
    let results: Vec<_> = if cx.scope.is_some() {
        all.par_iter().map(|r| run(r.as_ref())).collect()
    } else {
        all.iter().map(|r| run(r.as_ref())).collect()
    };
    for result in results {
        if let Err(d) = result {
            diags.extend(d);
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(())
}

/// An error for each output path made twice, given the paths in sorted order.
fn clashes<'a>(sorted: impl Iterator<Item = &'a Path>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut last: Option<&Path> = None;
    for path in sorted {
        if last == Some(path) {
            diags.push(
                diagnostics::Diagnostic::error(
                    path,
                    None,
                    "同じ場所に2つのページが書き出されようとしています",
                )
                .with_help(
                    "ページのファイル名か事業所の id を変えて、URL が重ならないようにしてください",
                ),
            );
        }
        last = Some(path);
    }
    diags
}

/// `guide/kaigo-hoken/` → `guide/kaigo-hoken/index.html`.
pub fn index_file(url_path: &str) -> PathBuf {
    Path::new(url_path).join("index.html")
}

/// Renders many pages in parallel, collecting every failure rather than the first. The
/// pages go to the sink batch by batch; one batch is handed on while the next renders.
pub(crate) fn render_pages<T: Sync>(
    cx: &RenderContext,
    items: &[T],
    f: impl Fn(&T) -> Result<OutputFile, Diagnostic> + Sync,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut pending: Option<Vec<OutputFile>> = None;
    let put = |files: Option<Vec<OutputFile>>| match files {
        Some(files) => cx.emit(files),
        None => Ok(()),
    };
    for part in items.chunks(SINK_BATCH) {
        let (written, results) = rayon::join(
            || put(pending.take()),
            || {
                part.par_iter()
                    .map(|item| {
                        let r = f(item);
                        cx.progress.inc(1);
                        r
                    })
                    .collect::<Vec<_>>()
            },
        );
        written.map_err(Diagnostics::from)?;
        let mut files = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(file) => files.push(file),
                Err(d) => diags.push(d),
            }
        }
        // After a failure nothing more is handed on: the build will not publish.
        if !diags.has_errors() {
            pending = Some(files);
        }
    }
    put(pending.take()).map_err(Diagnostics::from)?;
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}
