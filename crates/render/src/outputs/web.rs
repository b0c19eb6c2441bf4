//! Web pages from Markdown: the home page, sections, pages and the 404 page.

use std::path::PathBuf;

use super::{
    Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb, index_file,
    render_pages,
};
use crate::templates::tracking_providers;
use crate::templates::views::{self, Link};
use diagnostics::{Diagnostic, Diagnostics};
use model::{Page, Section, Site};

pub struct WebPages;

impl Renderer for WebPages {
    fn name(&self) -> &'static str {
        "web"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        // The directory renderer owns /providers/; its _index.md only gives the intro.
        // After an edit of provider data alone, pages that show none stay as they are.
        let sections: Vec<&Section> = site
            .sections
            .iter()
            .filter(|s| s.path != model::routes::PROVIDERS && !cx.page_unchanged(&s.path))
            .collect();
        let pages: Vec<&Page> = site
            .pages
            .iter()
            .filter(|p| !cx.page_unchanged(&p.path))
            .collect();
        render_pages(cx, &sections, |s| {
            let default = if s.path.is_empty() {
                "index.html"
            } else {
                "section.html"
            };
            let tpl = template_for(cx, s.meta.template.as_deref(), default, s.source.as_deref())?;
            let meta = Meta {
                title: &s.meta.title,
                description: &s.summary,
                og_type: "website",
            };
            let mut ctx = base_context(site, &s.path, meta, crumbs(site, s, None));
            ctx.insert("section", &views::section_view(site, s));
            // A town's own section (`content/<key>/`) on a site of several municipalities.
            if let Some((k, m)) = site
                .config
                .municipalities
                .get_key_value(s.path.trim_end_matches('/'))
            {
                ctx.insert("town", &views::MunicipalityView::of(site, k, m));
            }
            let file = s
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from("content/_index.md"));
            let (html, shows_data) = tracking_providers(|| cx.templates.render(&tpl, &ctx, &file));
            cx.note_page(&s.path, shows_data);
            let html = html?;
            Ok(OutputFile {
                path: index_file(&s.path),
                content: Content::Html(html),
            })
        })?;
        render_pages(cx, &pages, |p| {
            let (html, shows_data) = page_html(cx, p);
            cx.note_page(&p.path, shows_data);
            Ok(OutputFile {
                path: index_file(&p.path),
                content: Content::Html(html?),
            })
        })?;
        if cx.page_unchanged("404.html") {
            return Ok(Vec::new());
        }
        let meta = Meta {
            title: "ページが見つかりません",
            description: "",
            og_type: "website",
        };
        let ctx = base_context(site, "404.html", meta, Vec::new());
        let (html, shows_data) = tracking_providers(|| {
            cx.templates
                .render("404.html", &ctx, std::path::Path::new("404.html"))
        });
        cx.note_page("404.html", shows_data);
        let html = html.map_err(Diagnostics::from)?;
        Ok(vec![OutputFile {
            path: "404.html".into(),
            content: Content::Html(html),
        }])
    }
}

/// A page of the site as HTML, and whether it shows provider data (a lecture's slides
/// and an ending note's contacts do, and are compared as content).
pub fn page_html(cx: &RenderContext, p: &Page) -> (Result<String, Diagnostic>, bool) {
    let site = cx.site;
    let tpl = match template_for(cx, p.meta.template.as_deref(), "page.html", Some(&p.source)) {
        Ok(t) => t,
        Err(e) => return (Err(e), false),
    };
    let section = &site.sections[p.section];
    let meta = Meta {
        title: &p.meta.title,
        description: &p.summary,
        og_type: "article",
    };
    let mut ctx = base_context(
        site,
        &p.path,
        meta,
        crumbs(site, section, Some(&p.meta.title)),
    );
    let body = body_html(site, p);
    let mut view = views::page_view(site, p);
    view.content = &body;
    ctx.insert("page", &view);
    if let Some((k, m)) = p
        .municipality
        .as_ref()
        .and_then(|k| site.config.municipalities.get_key_value(k))
    {
        ctx.insert("town", &views::MunicipalityView::of(site, k, m));
    }
    let lecture = p.kind == model::PageKind::Lecture;
    if lecture {
        ctx.insert("lecture", &super::lectures::lecture_view(site, p));
    }
    let (html, shows_data) = tracking_providers(|| cx.templates.render(&tpl, &ctx, &p.source));
    (html, shows_data || lecture || shows_contacts(p))
}

/// A page's body as readers get it: an ending note's `::: contacts` filled in from the
/// data; every other page as it was read.
pub(crate) fn body_html<'a>(site: &Site, p: &'a Page) -> std::borrow::Cow<'a, str> {
    if p.note.is_empty() {
        return std::borrow::Cow::Borrowed(&p.content);
    }
    markup::note::html(&p.note, |town| markup::note::contacts(site, town)).into()
}

/// Whether the page shows provider data in its body (an ending note's contacts).
fn shows_contacts(p: &Page) -> bool {
    p.note
        .iter()
        .any(|n| matches!(n, model::NotePart::Contacts(_)))
}

/// The template a page asked for, or `default`. A name without an extension means an
/// HTML template (`template: note` is note.html).
fn template_for(
    cx: &RenderContext,
    wanted: Option<&str>,
    default: &str,
    file: Option<&std::path::Path>,
) -> Result<String, Diagnostic> {
    let Some(t) = wanted else {
        return Ok(default.to_string());
    };
    let name = if t.contains('.') {
        t.to_string()
    } else {
        format!("{t}.html")
    };
    if cx.templates.has(&name) {
        return Ok(name);
    }
    Err(Diagnostic::error(
        file.unwrap_or(std::path::Path::new("content")),
        None,
        format!("template に指定されたテンプレート「{t}」がありません"),
    )
    .with_help("templates/ にそのファイルを置くか、template の行を消してください"))
}

/// ホーム > parent sections > this section (> page title, not linked).
fn crumbs(site: &Site, section: &Section, page_title: Option<&str>) -> Vec<Link> {
    let mut chain = Vec::new();
    let mut cur = Some(section);
    while let Some(s) = cur {
        let title = if s.path.is_empty() {
            "ホーム"
        } else {
            s.meta.title.as_str()
        };
        chain.push(crumb(site, title, &s.path));
        cur = s.parent.map(|i| &site.sections[i]);
    }
    chain.reverse();
    if let Some(t) = page_title {
        chain.push(Link {
            title: t.to_string(),
            path: String::new(),
        });
    } else if let Some(last) = chain.last_mut() {
        last.path = String::new();
    }
    chain
}
