//! Step 3 of a build: each output is a [`Renderer`] over the same [`Site`], returning the
//! files it wants written. None of them touches the disk; the writer decides that.

mod assets;
pub mod csp;
pub mod directory;
mod feed;
pub mod finder;
pub mod lectures;
mod opendata;
pub mod print_guide;
pub mod search;
mod sitemap;
mod web;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Context;

use crate::diagnostics::Diagnostics;
use crate::model::Site;
use crate::templates::{Templates, views};

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

pub struct RenderContext<'a> {
    pub site: &'a Site,
    pub templates: &'a Templates,
    /// Advanced once per page; hidden unless the command line shows it.
    pub progress: &'a indicatif::ProgressBar,
    /// Whether this build also makes the guides' PDFs (so pages may link to them).
    pub pdf: bool,
    /// When set, only part of the directory is rendered (as in `serve` after an edit of
    /// provider data alone); everything outside it is known to be unchanged.
    pub scope: Option<&'a Scope>,
    /// Per-record pieces of the whole-site files, kept between `serve`'s rebuilds.
    pub pieces: Option<&'a Pieces>,
    /// Where pages go as they are rendered (a build's staging folder), so that the pages
    /// of a national-scale directory are never all in memory at once. Without one, the
    /// renderers return every file.
    pub sink: Option<&'a dyn Sink>,
}

/// Takes finished files (the policy inserted) as they are rendered.
pub trait Sink: Sync {
    fn put(&self, files: Vec<OutputFile>) -> Result<(), crate::diagnostics::Diagnostic>;
}

/// Pages rendered between two hand-overs to the sink: enough to keep the cores busy, few
/// enough that the batch stays small even of list pages (300 cards, about 0.6 MB each).
const SINK_BATCH: usize = 256;

/// Per-record pieces of the files that hold every provider (open data, the finder's
/// index): `serve` keeps them between rebuilds, so after an edit only the changed
/// records' pieces are made again and the files are joined from the rest.
#[derive(Default)]
pub struct Pieces {
    /// Kind of piece → record id → piece (looked up without allocating).
    map: std::sync::Mutex<PieceMap>,
}

type PieceMap = HashMap<&'static str, HashMap<String, std::sync::Arc<str>>>;

impl Pieces {
    pub fn clear(&self) {
        if let Ok(mut m) = self.map.lock() {
            m.clear();
        }
    }
}

impl RenderContext<'_> {
    /// `make()` for the record `id`, reused from the last build when the record is
    /// outside the scope of an incremental rebuild (that is, unchanged).
    pub fn piece(
        &self,
        kind: &'static str,
        id: &str,
        make: impl FnOnce() -> String,
    ) -> std::sync::Arc<str> {
        let Some(pieces) = self.pieces else {
            return make().into();
        };
        let unchanged = self.scope.is_some_and(|s| !s.providers.contains(id));
        let cached = |m: &PieceMap| m.get(kind).and_then(|k| k.get(id)).cloned();
        if unchanged && let Some(p) = pieces.map.lock().ok().and_then(|m| cached(&m)) {
            return p;
        }
        let made: std::sync::Arc<str> = make().into();
        if let Ok(mut m) = pieces.map.lock() {
            m.entry(kind)
                .or_default()
                .insert(id.to_string(), made.clone());
        }
        made
    }

    /// Whether an incremental rebuild leaves the sitemap as it was: no changed record
    /// has a new date or moved between lists.
    pub fn sitemap_unchanged(&self) -> bool {
        self.scope.is_some_and(|s| !s.sitemap_changed)
    }
}

/// The provider pages and list pages an incremental rebuild must render.
#[derive(Debug, Default)]
pub struct Scope {
    /// Ids of providers whose own page is rendered.
    pub providers: std::collections::HashSet<String>,
    /// Paths of list pages to render, like `providers/category/clinic/`.
    pub lists: std::collections::HashSet<String>,
    /// A changed record has a new date or reading, or moved between lists.
    pub sitemap_changed: bool,
}

impl RenderContext<'_> {
    /// Roughly how many pages the renderers will make, for the progress bar.
    pub fn expected_pages(&self) -> u64 {
        let c = &self.site.config;
        (self.site.sections.len()
            + self.site.pages.len()
            + self.site.providers.len()
            + c.categories.len()
            + c.areas.len()
            + c.services.len()
            + 2) as u64
    }
}

/// An output format, in the manner of mdBook's renderers.
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
        Box::new(sitemap::Sitemap),
        Box::new(search::Search),
        Box::new(assets::Assets),
    ]
}

/// Runs all renderers; the files come back sorted by path.
pub fn render_all(cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
    let mut files = Vec::new();
    let mut diags = Diagnostics::new();
    let timings = std::env::var_os("TSUNAGU_TIMINGS").is_some();
    for r in renderers() {
        let start = std::time::Instant::now();
        let result = r.render(cx);
        if timings {
            eprintln!(
                "timings: renderer {} {:.0} ms ({} MiB)",
                r.name(),
                start.elapsed().as_secs_f64() * 1000.0,
                crate::timings::resident_mib().unwrap_or(0)
            );
        }
        match result {
            Ok(f) => files.extend(f),
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    finish(cx, &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let clashes = clashes(files.iter().map(|f| f.path.as_path()));
    if clashes.has_errors() {
        return Err(clashes);
    }
    Ok(files)
}

/// Inserts the Content-Security-Policy into every page.
fn finish(cx: &RenderContext, files: &mut [OutputFile]) {
    let policy = csp::policy(&cx.site.config);
    files.par_iter_mut().for_each(|f| {
        if let Content::Html(html) = &mut f.content
            && let Some(with) = csp::insert(html, &policy)
        {
            *html = with;
        }
    });
}

/// An error for each output path made twice, given the paths in sorted order.
pub fn clashes<'a>(sorted: impl Iterator<Item = &'a Path>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let mut last: Option<&Path> = None;
    for path in sorted {
        if last == Some(path) {
            diags.push(
                crate::diagnostics::Diagnostic::error(
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

/// Renders many pages in parallel, collecting every failure rather than the first. With a
/// sink, the pages go to it batch by batch and are not returned.
pub(crate) fn render_pages<T: Sync>(
    cx: &RenderContext,
    items: &[T],
    f: impl Fn(&T) -> Result<OutputFile, crate::diagnostics::Diagnostic> + Sync,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let batch = if cx.sink.is_some() {
        SINK_BATCH
    } else {
        items.len().max(1)
    };
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    // One batch is written while the next is rendered.
    let mut pending: Option<Vec<OutputFile>> = None;
    let put = |files: Option<Vec<OutputFile>>| match (cx.sink, files) {
        (Some(sink), Some(files)) => sink.put(files),
        _ => Ok(()),
    };
    for part in items.chunks(batch) {
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
        match cx.sink {
            // After a failure nothing more is handed on: the build will not publish.
            Some(_) if diags.has_errors() => {}
            Some(_) => {
                finish(cx, &mut files);
                pending = Some(files);
            }
            None => out.extend(files),
        }
    }
    put(pending.take()).map_err(Diagnostics::from)?;
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// Title and summary for `<title>`, the description and link previews (OGP).
#[derive(serde::Serialize)]
pub(crate) struct Meta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub og_type: &'static str,
}

/// The context every page template gets: where the page is, how to get back up, and
/// what link previews show.
pub(crate) fn base_context(
    site: &Site,
    path: &str,
    meta: Meta,
    crumbs: Vec<views::Link>,
) -> Context {
    let mut ctx = Context::new();
    let description = if meta.description.is_empty() {
        site.config.description.as_str()
    } else {
        meta.description
    };
    ctx.insert(
        "meta",
        &Meta {
            description,
            ..meta
        },
    );
    ctx.insert("current_path", &format!("{}{path}", site.config.base_path));
    ctx.insert("permalink", &format!("{}{path}", site.config.base_url));
    ctx.insert("breadcrumbs", &crumbs);
    ctx
}

pub(crate) fn crumb(site: &Site, title: &str, path: &str) -> views::Link {
    views::Link {
        title: title.to_string(),
        path: format!("{}{path}", site.config.base_path),
    }
}

/// Site links made absolute, for copies read away from the site (feeds, paper, PDF).
pub(crate) fn absolute_links(html: &str, c: &crate::load::config::Config) -> String {
    html.replace(
        &format!("href=\"{}", c.base_path),
        &format!("href=\"{}", c.base_url),
    )
    .replace(
        &format!("src=\"{}", c.base_path),
        &format!("src=\"{}", c.base_url),
    )
}
