//! What every renderer is given: the site, the templates, where files go, and the
//! context every page template starts from.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::PoisonError;

use tera::Context;

use super::{Content, OutputFile, Pieces, Scope, Sink, csp};
use crate::templates::{Templates, views};
use diagnostics::{Diagnostic, Diagnostics};
use model::Site;

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
    /// Where every finished file goes: a build's staging folder (so the pages of a
    /// national-scale directory are never all in memory at once), or memory.
    pub sink: &'a dyn Sink,
    /// The policy every page gets.
    policy: String,
    /// Every path handed to the sink, for the clash check.
    paths: Mutex<Vec<PathBuf>>,
}

impl<'a> RenderContext<'a> {
    /// A context for a whole build: no PDFs, no incremental scope.
    pub fn new(
        site: &'a Site,
        templates: &'a Templates,
        progress: &'a indicatif::ProgressBar,
        sink: &'a dyn Sink,
    ) -> Self {
        RenderContext {
            site,
            templates,
            progress,
            pdf: false,
            scope: None,
            pieces: None,
            sink,
            policy: csp::policy(&site.config),
            paths: Mutex::new(Vec::new()),
        }
    }

    /// Hands finished files on: the one way out of every renderer. Pages get the
    /// Content-Security-Policy here, and every path is noted for [`Self::clashes`].
    pub fn emit(&self, mut files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        use rayon::prelude::*;
        files.par_iter_mut().for_each(|f| {
            if let Content::Html(html) = &mut f.content
                && let Some(with) = csp::insert(html, &self.policy)
            {
                *html = with;
            }
        });
        self.paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(files.iter().map(|f| f.path.clone()));
        self.sink.put(files)
    }

    /// Ends the output: an error for each path made twice.
    pub fn finish(&self) -> Result<(), Diagnostics> {
        let mut paths = self
            .paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        paths.sort_unstable();
        let clashes = super::clashes(paths.iter().map(PathBuf::as_path));
        if clashes.has_errors() {
            return Err(clashes);
        }
        Ok(())
    }

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
