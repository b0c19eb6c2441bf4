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
pub mod standalone;
pub mod web;
pub mod wrap;

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
/// index, list cards): `serve` keeps them between rebuilds, so after an edit only the
/// changed records' pieces are made again and the files are joined from the rest.
///
/// A piece is kept for a record object: `serve` reuses the very same `Arc` for a record
/// it did not read again, and a record read again is a new object, so identity says
/// "unchanged" without comparing anything. Pieces are stored in the order of the
/// records, so a build reads them in sequence instead of hashing 10,000 ids per file.
#[derive(Default)]
pub struct Pieces {
    /// The records of the last build, in its order (kept alive, so identity is sound).
    records: Vec<std::sync::Arc<crate::model::Provider>>,
    /// Kind of piece → the piece of each record of `records`, when made.
    kept: HashMap<&'static str, Vec<Option<Piece>>>,
    /// The pieces made during this build: kind → (record's index, piece).
    made: std::sync::Mutex<HashMap<&'static str, Vec<(usize, Piece)>>>,
    /// Pages made of content alone (path → whether they showed provider data).
    pages: rustc_hash::FxHashMap<String, bool>,
    made_pages: std::sync::Mutex<Vec<(String, bool)>>,
}

/// A piece of text, or a record's value as templates see it.
#[derive(Clone)]
enum Piece {
    Text(std::sync::Arc<str>),
    Value(tera::Value),
}

/// A text piece: borrowed from the last build, or made now.
pub enum PieceText<'a> {
    Kept(&'a str),
    Made(std::sync::Arc<str>),
}

impl std::ops::Deref for PieceText<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            PieceText::Kept(s) => s,
            PieceText::Made(s) => s,
        }
    }
}

impl Pieces {
    pub fn clear(&mut self) {
        self.records.clear();
        self.kept.clear();
        if let Ok(m) = self.made.get_mut() {
            m.clear();
        }
        self.pages.clear();
        if let Ok(m) = self.made_pages.get_mut() {
            m.clear();
        }
    }

    /// Takes in what a finished build of `site` made, for the next one.
    pub fn settle(&mut self, site: &Site) {
        let now = &site.providers;
        let made = self.made.get_mut().map(std::mem::take).unwrap_or_default();
        let mut kept = HashMap::new();
        let mut kinds: Vec<&'static str> = self.kept.keys().chain(made.keys()).copied().collect();
        kinds.sort_unstable();
        kinds.dedup();
        for kind in kinds {
            let mut pieces = self.kept.remove(kind).unwrap_or_default();
            pieces.resize(now.len(), None);
            for (i, piece) in pieces.iter_mut().enumerate() {
                let same = self
                    .records
                    .get(i)
                    .is_some_and(|r| std::sync::Arc::ptr_eq(r, &now[i]));
                if !same {
                    *piece = None;
                }
            }
            for (i, piece) in made.get(kind).into_iter().flatten() {
                if let Some(slot) = pieces.get_mut(*i) {
                    *slot = Some(piece.clone());
                }
            }
            kept.insert(kind, pieces);
        }
        self.kept = kept;
        self.records.clone_from(now);
        if let Ok(made) = self.made_pages.get_mut() {
            self.pages.extend(made.drain(..));
        }
    }
}

impl<'a> RenderContext<'a> {
    /// `make()` for record number `i` of the site, reused from the last build when the
    /// record is unchanged since (see [`Pieces`]).
    pub fn piece(
        &self,
        kind: &'static str,
        i: usize,
        make: impl FnOnce() -> String,
    ) -> PieceText<'a> {
        if let Some(Piece::Text(t)) = self.kept(kind, i) {
            return PieceText::Kept(t);
        }
        let made: std::sync::Arc<str> = make().into();
        self.keep(kind, i, Piece::Text(made.clone()));
        PieceText::Made(made)
    }

    /// The template value of record number `i`, reused like [`RenderContext::piece`].
    pub fn value_piece<E>(
        &self,
        kind: &'static str,
        i: usize,
        make: impl FnOnce() -> Result<tera::Value, E>,
    ) -> Result<tera::Value, E> {
        if let Some(Piece::Value(v)) = self.kept(kind, i) {
            return Ok(v.clone());
        }
        let made = make()?;
        self.keep(kind, i, Piece::Value(made.clone()));
        Ok(made)
    }

    /// Whether the content page at `path` is known to come out as last time: provider
    /// data alone changed, no record moved between lists (the site's counts stay), the
    /// sections and pages read the same, and the page showed no provider data.
    pub fn page_unchanged(&self, path: &str) -> bool {
        self.scope
            .is_some_and(|s| s.articles_unchanged && !s.sitemap_changed)
            && self
                .pieces
                .is_some_and(|p| p.pages.get(path).is_some_and(|data| !data))
    }

    /// Notes whether the page at `path` showed provider data (see [`Self::page_unchanged`]).
    pub fn note_page(&self, path: &str, shows_data: bool) {
        if let Some(mut m) = self.pieces.and_then(|p| p.made_pages.lock().ok()) {
            m.push((path.to_string(), shows_data));
        }
    }

    /// The last build's piece, if record `i` is the same object as then.
    fn kept(&self, kind: &'static str, i: usize) -> Option<&'a Piece> {
        let pieces = self.pieces?;
        let record = self.site.providers.get(i)?;
        let last = pieces.records.get(i)?;
        if !std::sync::Arc::ptr_eq(record, last) {
            return None;
        }
        pieces.kept.get(kind)?.get(i)?.as_ref()
    }

    fn keep(&self, kind: &'static str, i: usize, piece: Piece) {
        if let Some(mut m) = self.pieces.and_then(|p| p.made.lock().ok()) {
            m.entry(kind).or_default().push((i, piece));
        }
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
    pub providers: rustc_hash::FxHashSet<String>,
    /// Paths of list pages to render, like `providers/category/clinic/`.
    pub lists: rustc_hash::FxHashSet<String>,
    /// A changed record has a new date or reading, or moved between lists.
    pub sitemap_changed: bool,
    /// Sections and pages read as before (no ending note or lecture shows a changed
    /// record), so what is made of them alone, like the search index, stays as it is.
    pub articles_unchanged: bool,
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
    let run = |r: &dyn Renderer| {
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

/// Site links made absolute, for copies read away from the site (feeds, paper, PDF):
/// `/base/x/` and links relative to the page at `page_path` (`../x/`) become full URLs.
pub(crate) fn absolute_links(
    html: &str,
    c: &crate::load::config::Config,
    page_path: &str,
) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    // Our rendered Markdown always quotes its attribute values.
    while let Some(i) = [" href=\"", " src=\""]
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, p.len())))
        .min()
    {
        let (at, len) = i;
        out.push_str(&rest[..at + len]);
        rest = &rest[at + len..];
        let end = rest.find('"').unwrap_or(rest.len());
        let link = &rest[..end];
        match absolute(link, c, page_path) {
            Some(full) => out.push_str(&full),
            None => out.push_str(link),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The full URL of a site link (`/base/x/` or relative to `page_path`); `None` for links
/// that already are full, or lead within the page (`#x`), or elsewhere (`tel:`…).
fn absolute(link: &str, c: &crate::load::config::Config, page_path: &str) -> Option<String> {
    if let Some(rest) = link.strip_prefix(c.base_path.as_str()) {
        return Some(format!("{}{rest}", c.base_url));
    }
    let scheme = link
        .find(':')
        .is_some_and(|i| link[..i].bytes().all(|b| b.is_ascii_alphanumeric()));
    if link.is_empty() || link.starts_with(['#', '/']) || scheme {
        return None;
    }
    let mut parts: Vec<&str> = page_path.split('/').filter(|p| !p.is_empty()).collect();
    for seg in link.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let slash = if link.ends_with('/') || link.ends_with("/.") || link.ends_with("..") {
        "/"
    } else {
        ""
    };
    Some(format!("{}{}{slash}", c.base_url, parts.join("/")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_read_away_from_the_site_are_made_full() {
        let c = crate::load::config::parse(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/site.toml")).unwrap(),
            &Default::default(),
        )
        .unwrap();
        let html = r##"<a href="/kenko/zaitaku/providers/a/">a</a><a href="../../providers/b/#x">b</a><a href="#top">t</a><a href="tel:0990">c</a><img src="img/z.svg"><a href="https://e.jp/">e</a>"##;
        assert_eq!(
            super::absolute_links(html, &c, "guide/hajimeni/"),
            r##"<a href="https://www.city.midori.example.lg.jp/kenko/zaitaku/providers/a/">a</a><a href="https://www.city.midori.example.lg.jp/kenko/zaitaku/providers/b/#x">b</a><a href="#top">t</a><a href="tel:0990">c</a><img src="https://www.city.midori.example.lg.jp/kenko/zaitaku/guide/hajimeni/img/z.svg"><a href="https://e.jp/">e</a>"##
        );
    }
}
