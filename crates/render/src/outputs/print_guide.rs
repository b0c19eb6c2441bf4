//! The printed guide as one self-contained HTML page (`guide/<name>/print/`): cover, table
//! of contents, chapters on their own pages with running heads, provider tables, index,
//! imprint and back cover. The PDF step prints the same page with page numbers filled in.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;
use tera::Context;

use super::{Content, OutputFile, RenderContext, Renderer};
use crate::templates::{Templates, views};
use diagnostics::{Diagnostic, Diagnostics};
use model::config::GroupBy;
use model::guide::{Chapter, Guide};
use model::kana::ROWS;
use model::{Accepting, Provider, ServiceKey, Site, wareki};

pub struct PrintGuides;

impl Renderer for PrintGuides {
    fn name(&self) -> &'static str {
        "print-guide"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let mut out = Vec::new();
        for g in &cx.site.guides {
            let layout = Layout {
                pdf_built: cx.pdf,
                ..Layout::default()
            };
            let html = guide_html(cx.site, cx.templates, g, &layout).map_err(Diagnostics::from)?;
            out.push(OutputFile {
                path: super::index_file(&g.print_path()),
                content: Content::Html(html),
            });
        }
        Ok(out)
    }
}

/// What the PDF step learnt from earlier prints: the page each anchor landed on, how
/// many blank pages to add so the page count suits saddle stitching, and how much to
/// tighten or loosen each section so that none ends with a nearly empty page.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub pages: HashMap<String, u32>,
    pub blank_pages: u32,
    /// Section id → scale of its line spacing and gaps (1.0 as designed).
    pub fit: HashMap<String, f32>,
    /// Set when the page is printed to PDF (numbers then appear in the TOC and index).
    pub for_pdf: bool,
    /// Whether the build publishes the PDF beside the print page (so it can link to it).
    pub pdf_built: bool,
    /// Short page chapters that run on after the chapter before instead of starting a
    /// page of their own (found by printing: they fit in what that chapter leaves).
    pub joined: BTreeSet<String>,
}

pub use model::guide::Paper;

/// Provider rows kept together at the start and at the end of a table, so that no page
/// holds one to three rows of it alone.
pub const KEEP_ROWS: usize = 4;

/// Rows a table of `n` keeps together at either end. A table shorter than four rows
/// never breaks; one of four to seven rows that must break (it does not fit on a page
/// even after tightening) breaks in the middle, not after its last row.
pub fn keep_rows(n: usize) -> usize {
    if n < KEEP_ROWS {
        n
    } else {
        KEEP_ROWS.min(n / 2)
    }
}

/// Symbols for services, in the order of `[services]`: shapes survive black-and-white print.
/// None is a mark of the accepting column (○ △ × －), so each means one thing in a table.
const MARKS: [&str; 16] = [
    "●", "■", "▲", "◆", "★", "◎", "□", "◇", "☆", "▼", "▽", "◉", "◐", "♣", "♠", "♥",
];

/// The mark of each service a table shows. With no more services than marks, a service
/// has the same mark in every table; with more, marks are given per table to the
/// services it shows, and numbers (①…) once the shapes run out.
fn service_marks(site: &Site, used: &[&ServiceKey]) -> HashMap<ServiceKey, String> {
    let all = &site.config.services;
    let numbered = |n: usize| {
        char::from_u32(0x2460 + n as u32)
            .filter(|_| n < 20)
            .map_or_else(|| format!("({})", n + 1), String::from)
    };
    let mark = |n: usize| {
        MARKS
            .get(n)
            .map_or_else(|| numbered(n - MARKS.len()), |m| m.to_string())
    };
    if all.len() <= MARKS.len() {
        return all
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), mark(i)))
            .collect();
    }
    let mut keys: Vec<&ServiceKey> = used.to_vec();
    keys.sort_by_key(|k| all.get_index_of(*k));
    keys.into_iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), mark(i)))
        .collect()
}

#[derive(Serialize)]
struct ChapterView<'a> {
    id: String,
    title: &'a str,
    kind: &'static str,
    /// The named page (running head) the chapter prints on; provider lists that follow
    /// each other share one and run on without a page break.
    page_name: String,
    /// The first chapter of its named page, which starts a new page.
    opens_page: bool,
    /// The last chapter of its named page, where the section's end marker goes.
    closes_page: bool,
    fit: f32,
    html: String,
    intro: &'a str,
    web_url: String,
    qr: String,
    legend: Vec<Legend<'a>>,
    accepting_legend: Vec<Legend<'a>>,
    groups: Vec<GroupView<'a>>,
    count: usize,
}

#[derive(Serialize)]
struct Legend<'a> {
    mark: String,
    label: &'a str,
}

#[derive(Serialize)]
struct GroupView<'a> {
    title: std::borrow::Cow<'a, str>,
    /// Keep classes of the row group: the breaks kept out of its first and last rows
    /// apply at its edges too.
    keep: &'static str,
    rows: Vec<Row<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    /// Every row has an id (its page is read back from the PDF); the first listing of a
    /// provider also carries the index's anchor.
    id: String,
    anchor: Option<String>,
    /// `keep-next` / `keep-prev`: no page break after / before this row.
    keep: &'static str,
    /// Name and address as HTML, with the points where they may break.
    name: String,
    postal_code: &'a str,
    address: String,
    phone: &'a str,
    /// The number alone, and the extension: printed so a line breaks between them.
    phone_number: &'a str,
    phone_ext: Option<&'a str>,
    /// 診療科目, 「内科・小児科」.
    departments: String,
    marks: Vec<String>,
    accepting_mark: &'static str,
    accepting_label: &'static str,
}

/// A named page and its running head.
#[derive(Serialize)]
struct PageName {
    name: String,
    head_css: String,
}

#[derive(Serialize)]
struct TocEntry {
    id: String,
    title: String,
    page: String,
}

#[derive(Serialize)]
struct IndexRow<'a> {
    label: &'static str,
    entries: Vec<IndexEntry<'a>>,
}

#[derive(Serialize)]
struct IndexEntry<'a> {
    name: &'a str,
    anchor: String,
    page: String,
}

pub fn guide_html(
    site: &Site,
    templates: &Templates,
    g: &Guide,
    layout: &Layout,
) -> Result<String, Diagnostic> {
    let c = &site.config;
    let page_no = |id: &str| {
        layout
            .pages
            .get(id)
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let mut anchored: HashMap<&str, String> = HashMap::new();
    let paper = Paper::of(g.page_size);
    let mut chapters = Vec::new();
    let mut included: Vec<&Provider> = Vec::new();

    let fit = |id: &str| layout.fit.get(id).copied().unwrap_or(1.0);
    for (n, ch) in g.chapters.iter().enumerate() {
        let id = format!("ch-{}", n + 1);
        let view = match ch {
            Chapter::Page { page } => {
                let p = &site.pages[*page];
                ChapterView {
                    title: &p.meta.title,
                    kind: "page",
                    page_name: id.clone(),
                    opens_page: true,
                    closes_page: true,
                    fit: fit(&id),
                    html: scope_ids(
                        &super::absolute_links(&super::web::body_html(site, p), c, &p.path),
                        &id,
                    ),
                    intro: "",
                    web_url: format!("{}{}", c.base_url, p.path),
                    qr: String::new(),
                    legend: Vec::new(),
                    accepting_legend: Vec::new(),
                    groups: Vec::new(),
                    count: 0,
                    id,
                }
            }
            Chapter::Providers {
                title,
                intro,
                filter,
                group_by,
                web_path,
            } => {
                let list: Vec<&Provider> = site
                    .providers
                    .iter()
                    .map(|p| &**p)
                    .filter(|p| filter.matches_in(p, site.group_of(p)))
                    .collect();
                let mut used: Vec<&ServiceKey> = Vec::new();
                for p in &list {
                    for s in &p.services {
                        if !used.contains(&s) {
                            used.push(s);
                        }
                    }
                }
                let marks = service_marks(site, &used);
                let legend = c
                    .services
                    .iter()
                    .filter(|(k, _)| used.contains(k))
                    .map(|(k, s)| Legend {
                        mark: marks.get(k).cloned().unwrap_or_default(),
                        label: &s.label,
                    })
                    .collect();
                let accepting_legend = ACCEPTING
                    .iter()
                    .filter(|a| list.iter().any(|p| p.accepting == **a))
                    .map(|a| Legend {
                        mark: a.mark().to_string(),
                        label: accepting_short(*a),
                    })
                    .collect();
                let total = list.len();
                let mut seen = 0;
                let groups = group(site, &list, *group_by)
                    .into_iter()
                    .map(|(title, members)| GroupView {
                        title,
                        keep: "",
                        rows: members
                            .into_iter()
                            .map(|p| {
                                included.push(p);
                                let anchor = (!anchored.contains_key(p.id.as_str())).then(|| {
                                    let a = format!("p-{}", p.id);
                                    anchored.insert(&p.id, a.clone());
                                    a
                                });
                                let r = row(p, format!("{id}-r{}", seen + 1), anchor, &marks);
                                let keep = keep_class(seen, total);
                                seen += 1;
                                Row { keep, ..r }
                            })
                            .collect(),
                    })
                    .map(|g| GroupView {
                        keep: group_keep(&g.rows),
                        ..g
                    })
                    .collect();
                let web_url = format!("{}{web_path}", c.base_url);
                ChapterView {
                    title,
                    kind: "providers",
                    page_name: id.clone(),
                    opens_page: true,
                    closes_page: true,
                    fit: fit(&id),
                    html: String::new(),
                    intro,
                    qr: markup::qr::svg(
                        &web_url,
                        paper.part_qr_mm,
                        &format!("{title}の最新の情報（ホームページ）"),
                    ),
                    web_url,
                    legend,
                    accepting_legend,
                    groups,
                    count: total,
                    id,
                }
            }
        };
        chapters.push(view);
    }
    let pages = run_on(&mut chapters, &layout.joined, &fit);
    // A row's id names its section too, so the PDF step can tighten the right one.
    for ch in &mut chapters {
        for g in &mut ch.groups {
            for r in &mut g.rows {
                r.id = format!("{}--{}", ch.page_name, r.id);
            }
        }
    }

    let mut toc: Vec<TocEntry> = chapters
        .iter()
        .map(|ch| TocEntry {
            id: ch.id.clone(),
            title: ch.title.to_string(),
            page: page_no(&ch.id),
        })
        .collect();
    let index = if g.index {
        index_rows(site, &anchored, &page_no)
    } else {
        Vec::new()
    };
    // No providers (a new site): no さくいん, and no line for it in もくじ.
    if !index.is_empty() {
        toc.push(TocEntry {
            id: "index".into(),
            title: "さくいん（事業所名の五十音順）".into(),
            page: page_no("index"),
        });
    }
    included.sort_by_key(|p| p.updated);
    let (oldest, newest) = (
        included.first().map(|p| p.updated),
        included.last().map(|p| p.updated),
    );
    // In the areas' order of site.toml, as the home page and the ending note list them.
    let mut contacts: Vec<&Provider> = site
        .providers
        .iter()
        .map(|p| &**p)
        .filter(|p| site.group_of(p) == Some(model::config::Group::Consultation))
        .filter(|p| g.municipality.is_none() || p.municipality == g.municipality)
        .collect();
    contacts.sort_by_key(|p| c.areas.get_index_of(&p.area));
    let contacts: Vec<_> = contacts
        .into_iter()
        .map(|p| views::provider_view(site, p))
        .collect();
    let (w, h) = g.page_size.mm();
    // A town's guide leads to the town's own section, when it has one.
    let home = g
        .municipality
        .as_ref()
        .map(|k| format!("{k}/"))
        .filter(|path| site.sections.iter().any(|s| &s.path == path))
        .map_or_else(
            || c.base_url.clone(),
            |path| format!("{}{path}", c.base_url),
        );

    let mut ctx = Context::new();
    ctx.insert("guide", &serde_json::json!({
        "key": g.key,
        "title": g.title,
        "title_css": css_string(&g.title),
        "size": format!("{:?}", g.page_size).to_lowercase(),
        "subtitle": g.subtitle,
        "edition": g.edition.to_string(),
        "edition_label": wareki::both(g.edition),
        "edition_month": format!("{}年{}月", wareki::wareki(g.edition).split('年').next().unwrap_or_default(), g.edition.month()),
        "cover_text": g.cover_text,
        "width_mm": w,
        "height_mm": h,
        "web_url": home,
        "qr_home": markup::qr::svg(&home, paper.cover_qr_mm, "ホームページ（最新の情報）"),
        "blank_pages": (0..layout.blank_pages).collect::<Vec<_>>(),
        "for_pdf": layout.for_pdf,
        "crop_marks": g.crop_marks,
        "pdf_url": layout.pdf_built.then(|| format!("{}{}", c.base_path, g.pdf_path())),
    }));
    // In the PDF every row and every section's end is a named destination, read back to
    // check the layout: hidden links make Chromium write them.
    let mut targets: Vec<String> = Vec::new();
    if layout.for_pdf {
        for s in FIT_SECTIONS {
            targets.extend([s.to_string(), format!("{s}-end")]);
        }
        for ch in &chapters {
            if ch.closes_page {
                targets.push(format!("{}-end", ch.page_name));
            }
            for g in &ch.groups {
                targets.extend(g.rows.iter().map(|r| r.id.clone()));
            }
        }
    }
    ctx.insert("targets", &targets);
    ctx.insert("paper", &paper);
    ctx.insert("fit_toc", &fit("toc"));
    ctx.insert("fit_index", &fit("index"));
    ctx.insert("pages", &pages);
    ctx.insert("chapters", &chapters);
    ctx.insert("toc", &toc);
    ctx.insert("index", &index);
    ctx.insert("contacts", &contacts);
    // Who publishes it: the town of a town's guide, else the site's publisher.
    let publisher = g
        .municipality
        .as_ref()
        .and_then(|k| c.municipalities.get(k))
        .unwrap_or(&c.municipality);
    ctx.insert("publisher", publisher);
    ctx.insert("credits", &site.credits());
    ctx.insert("data_oldest", &oldest.map(wareki::both));
    ctx.insert("data_newest", &newest.map(wareki::both));
    ctx.insert(
        "current_path",
        &format!("{}{}", c.base_path, g.print_path()),
    );
    ctx.insert("permalink", &format!("{}{}", c.base_url, g.print_path()));
    templates.render("print/guide.html", &ctx, Path::new("site.toml"))
}

fn row<'a>(
    p: &'a Provider,
    id: String,
    anchor: Option<String>,
    marks: &HashMap<ServiceKey, String>,
) -> Row<'a> {
    Row {
        id,
        anchor,
        keep: "",
        name: super::wrap::name(&p.name),
        postal_code: &p.postal_code,
        address: super::wrap::address(&p.address),
        phone: p.phone.as_str(),
        phone_number: p.phone.number(),
        phone_ext: p.phone.extension(),
        departments: p.departments.join("・"),
        marks: p
            .services
            .iter()
            .filter_map(|s| marks.get(s).cloned())
            .collect(),
        accepting_mark: p.accepting.mark(),
        accepting_label: p.accepting.label(),
    }
}

/// The first rows of a table stay with the next and the last with the previous, so a
/// page break leaves at least `KEEP_ROWS` rows on either side (a short table never breaks).
fn keep_class(i: usize, n: usize) -> &'static str {
    let keep = keep_rows(n);
    let next = i + 1 < keep || (n < KEEP_ROWS && i + 1 < n);
    let prev = i > 0 && (i + keep > n || n < KEEP_ROWS);
    match (next, prev) {
        (true, true) => "keep-next keep-prev",
        (true, false) => "keep-next",
        (false, true) => "keep-prev",
        (false, false) => "",
    }
}

/// A row group keeps out a break before it when its first row does, and after it when
/// its last row does.
fn group_keep(rows: &[Row]) -> &'static str {
    let prev = rows.first().is_some_and(|r| r.keep.contains("keep-prev"));
    let next = rows.last().is_some_and(|r| r.keep.contains("keep-next"));
    match (next, prev) {
        (true, true) => "keep-next keep-prev",
        (true, false) => "keep-next",
        (false, true) => "keep-prev",
        (false, false) => "",
    }
}

const ACCEPTING: [Accepting; 4] = [
    Accepting::Accepting,
    Accepting::Limited,
    Accepting::Full,
    Accepting::Unknown,
];

/// The accepting states as a table's legend says them.
fn accepting_short(a: Accepting) -> &'static str {
    match a {
        Accepting::Accepting => "受け入れている",
        Accepting::Limited => "条件つき",
        Accepting::Full => "受け入れていない",
        Accepting::Unknown => "問い合わせ",
    }
}

/// Sections besides the chapters that are fitted to their pages.
pub const FIT_SECTIONS: [&str; 2] = ["toc", "index"];

/// Running head of provider lists printed one after another.
const DIRECTORY_HEAD: &str = "医療・介護の事業所一覧";

/// Provider lists that follow each other run on under one running head, and so do
/// short chapters `joined` to the one before; every other chapter starts a page of its
/// own. Returns the named pages with their heads.
fn run_on(
    chapters: &mut [ChapterView],
    joined: &BTreeSet<String>,
    fit: &dyn Fn(&str) -> f32,
) -> Vec<PageName> {
    let mut pages = Vec::new();
    let mut i = 0;
    while i < chapters.len() {
        let mut j = i + 1;
        if chapters[i].kind == "providers" {
            while j < chapters.len() && chapters[j].kind == "providers" {
                j += 1;
            }
        } else {
            while j < chapters.len() && joined.contains(&chapters[j].id) {
                j += 1;
            }
        }
        let name = chapters[i].id.clone();
        // Joined chapters print under the first one's head: they start on its page.
        let head = if j - i == 1 || chapters[i].kind != "providers" {
            chapters[i].title
        } else {
            DIRECTORY_HEAD
        };
        let f = fit(&name);
        for (k, ch) in chapters[i..j].iter_mut().enumerate() {
            ch.page_name = name.clone();
            ch.opens_page = k == 0;
            ch.closes_page = i + k + 1 == j;
            ch.fit = f;
        }
        pages.push(PageName {
            head_css: css_string(head),
            name,
        });
        i = j;
    }
    pages
}

/// Splits a list by area or category, in the order site.toml gives them; by town, each
/// town's records by its areas in turn (「朝日ヶ丘町・朝日ヶ丘北部」).
fn group<'a>(
    site: &'a Site,
    list: &[&'a Provider],
    by: GroupBy,
) -> Vec<(std::borrow::Cow<'a, str>, Vec<&'a Provider>)> {
    use std::borrow::Cow;
    /// What a group holds: the records of an area, or of a category.
    enum Of<'a> {
        Area(&'a model::AreaKey),
        Category(&'a model::CategoryKey),
    }
    let c = &site.config;
    let keyed: Vec<(Cow<'a, str>, Of<'a>)> = match by {
        GroupBy::None => return vec![(Cow::Borrowed(""), list.to_vec())],
        GroupBy::Area => c
            .areas
            .iter()
            .map(|(k, a)| (Cow::Borrowed(a.label.as_str()), Of::Area(k)))
            .collect(),
        GroupBy::Category => c
            .categories
            .iter()
            .map(|(k, a)| (Cow::Borrowed(a.label.as_str()), Of::Category(k)))
            .collect(),
        GroupBy::Municipality => c
            .municipalities
            .iter()
            .flat_map(|(town, m)| {
                let areas: Vec<_> = c
                    .areas
                    .iter()
                    .filter(|(k, _)| c.area_municipality.get(*k) == Some(town))
                    .collect();
                let single = areas.len() == 1;
                areas.into_iter().map(move |(k, a)| {
                    // A town of one area, or an area named as its town, is titled once.
                    let title = if single || a.label == m.name {
                        Cow::Borrowed(m.name.as_str())
                    } else {
                        Cow::Owned(format!("{}・{}", m.name, a.label))
                    };
                    (title, Of::Area(k))
                })
            })
            .collect(),
    };
    keyed
        .into_iter()
        .map(|(label, of)| {
            let members = list
                .iter()
                .copied()
                .filter(|p| match of {
                    Of::Area(k) => &p.area == k,
                    Of::Category(k) => &p.category == k,
                })
                .collect::<Vec<_>>();
            (label, members)
        })
        .filter(|(_, m)| !m.is_empty())
        .collect()
}

fn index_rows<'a>(
    site: &'a Site,
    anchored: &HashMap<&str, String>,
    page_no: &dyn Fn(&str) -> String,
) -> Vec<IndexRow<'a>> {
    ROWS.iter()
        .filter_map(|label| {
            let entries: Vec<IndexEntry> = site
                .providers
                .iter()
                .filter(|p| p.kana.row() == *label)
                .filter_map(|p| {
                    let anchor = anchored.get(p.id.as_str())?.clone();
                    Some(IndexEntry {
                        name: &p.name,
                        page: page_no(&anchor),
                        anchor,
                    })
                })
                .collect();
            (!entries.is_empty()).then_some(IndexRow { label, entries })
        })
        .collect()
}

/// A CSS string literal; `<` is escaped too so the text can never close the style element.
pub(crate) fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("\\3c "),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// Chapters come from separate pages whose heading and footnote ids may clash.
fn scope_ids(html: &str, chapter: &str) -> String {
    use markup::html::{self, Token};
    let mut out = String::with_capacity(html.len() + 1024);
    let mut copied = 0;
    for (_, token) in html::tokens(html) {
        let Token::Start(tag) = token else {
            continue;
        };
        for a in tag.attrs().filter(|a| a.has_value) {
            let at = if a.name.eq_ignore_ascii_case("id") {
                a.at.start
            } else if a.name.eq_ignore_ascii_case("href") && a.value.starts_with('#') {
                a.at.start + 1
            } else {
                continue;
            };
            out.push_str(&html[copied..at]);
            out.push_str(chapter);
            out.push('-');
            copied = at;
        }
    }
    out.push_str(&html[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_service_mark_is_also_an_accepting_mark() {
        for m in MARKS {
            assert!(!["○", "△", "×", "－"].contains(&m), "{m}");
        }
        let mut unique = MARKS.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), MARKS.len());
    }

    #[test]
    fn css_strings_cannot_break_out() {
        assert_eq!(css_string("a\"b\\c</style>"), "\"a\\\"b\\\\c\\3c /style>\"");
    }

    #[test]
    fn ids_are_scoped_per_chapter() {
        assert_eq!(
            scope_ids("<h2 id=\"x\">X</h2><a href=\"#x\">", "ch-2"),
            "<h2 id=\"ch-2-x\">X</h2><a href=\"#ch-2-x\">"
        );
        // Only attributes: text that looks like one is left alone.
        assert_eq!(
            scope_ids("<p data-id=\"d\">id=\"y\" href=\"#y\"</p><a href=#z>", "c"),
            "<p data-id=\"d\">id=\"y\" href=\"#y\"</p><a href=#c-z>"
        );
    }
}
