//! Incremental rebuilds (`serve`): what an edit of provider data touches ([`Scope`]), and
//! the per-record pieces of whole-site files kept from the last build ([`Pieces`]).

use std::collections::HashMap;
use std::ffi::OsStr;
use std::sync::Arc;
use std::sync::PoisonError;

use super::RenderContext;
use model::{Provider, Site};

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
    records: Vec<std::sync::Arc<model::Provider>>,
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
    pub fn piece<E>(
        &self,
        kind: &'static str,
        i: usize,
        make: impl FnOnce() -> Result<String, E>,
    ) -> Result<PieceText<'a>, E> {
        if let Some(Piece::Text(t)) = self.kept(kind, i) {
            return Ok(PieceText::Kept(t));
        }
        let made: std::sync::Arc<str> = make()?.into();
        self.keep(kind, i, Piece::Text(made.clone()));
        Ok(PieceText::Made(made))
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
        if let Some(p) = self.pieces {
            p.made_pages
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((path.to_string(), shows_data));
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
        if let Some(p) = self.pieces {
            p.made
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(kind)
                .or_default()
                .push((i, piece));
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
    /// Sections and pages read as before, so what is made of them alone, like the search
    /// index, stays as it is.
    pub articles_unchanged: bool,
}

/// Provider files that changed, as the watcher reported them (compared as bytes: hashing
/// a path walks its components, 20,000 times here).
pub type ChangedFiles<'a> = rustc_hash::FxHashSet<&'a OsStr>;

type Records<'a> = HashMap<&'a str, &'a Arc<Provider>>;

impl Scope {
    /// What an edit of the provider files `files` alone changed between two loads: the
    /// changed records' pages and every list either version is on. `None` when records
    /// were added or removed (lists may be reshaped: a list may split into 行 pages) or
    /// the day changed (records may have gone stale): then everything is rendered.
    pub fn between(old: &Site, new: &Site, files: &ChangedFiles) -> Option<Scope> {
        // Records of files that were not read again are the same objects as before.
        let (before, after) = (records_of(old, files), records_of(new, files));
        let same = old.providers.len() == new.providers.len()
            && old.today == new.today
            && before.len() == after.len()
            && before.keys().all(|id| after.contains_key(id));
        same.then(|| Scope {
            articles_unchanged: same_articles(old, new),
            ..changed(&before, &after)
        })
    }
}

/// The records read from `files` (when none are, every record: nothing is assumed).
fn records_of<'a>(site: &'a Site, files: &ChangedFiles) -> Records<'a> {
    let of = |p: &&Arc<Provider>| files.contains(p.source.as_os_str());
    let any = site.providers.iter().any(|p| of(&p));
    site.providers
        .iter()
        .filter(|p| !any || of(p))
        .map(|p| (p.id.as_str(), p))
        .collect()
}

/// Whether two loads have the same sections and pages, as far as anything made of them
/// alone shows (the search index).
fn same_articles(a: &Site, b: &Site) -> bool {
    let sections = a.sections.iter().zip(&b.sections).all(|(x, y)| {
        (&x.path, &x.meta.title, &x.content, x.parent)
            == (&y.path, &y.meta.title, &y.content, y.parent)
    });
    let pages = a.pages.iter().zip(&b.pages).all(|(x, y)| {
        (&x.path, &x.meta.title, &x.content, x.section)
            == (&y.path, &y.meta.title, &y.content, y.section)
            && x.slides == y.slides
            && x.note == y.note
    });
    a.sections.len() == b.sections.len() && a.pages.len() == b.pages.len() && sections && pages
}

/// The records that differ between two loads, and every list page either version is on.
fn changed(before: &Records, after: &Records) -> Scope {
    let mut scope = Scope::default();
    let mut touch = |p: &Provider| scope.lists.extend(super::directory::lists_of(p));
    let mut providers = rustc_hash::FxHashSet::default();
    let mut sitemap_changed = false;
    for (id, p) in after {
        match before.get(id) {
            Some(old) if Arc::ptr_eq(old, p) || old == p => {}
            Some(old) => {
                touch(old);
                touch(p);
                providers.insert(id.to_string());
                if old.updated != p.updated
                    || old.kana != p.kana
                    || old.category != p.category
                    || old.area != p.area
                    || old.services != p.services
                {
                    sitemap_changed = true;
                }
            }
            None => {
                touch(p);
                providers.insert(id.to_string());
                sitemap_changed = true;
            }
        }
    }
    for (id, p) in before {
        if !after.contains_key(id) {
            touch(p);
            sitemap_changed = true;
        }
    }
    scope.providers = providers;
    scope.sitemap_changed = sitemap_changed;
    scope
}
