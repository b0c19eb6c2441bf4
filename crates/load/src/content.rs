//! Markdown pages and sections under `content/`: front matter, URLs, order, rendering.

use model::PageKind;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;
use serde::Deserialize;

use super::read_text;
use diagnostics::{Diagnostic, Diagnostics, Pos, pos_of_offset};
use markup::lecture;
use markup::markdown;
use markup::note;
use model::config::Config;
use model::{FrontMatter, Page, Section, SortBy};

mod front;

pub use front::parse_doc;
use front::*;

pub const CONTENT_DIR: &str = "content";

/// Front matter `template: note` marks an ending note (see `note`).
pub const NOTE_TEMPLATE: &str = "note";
/// Front matter `template: lecture` marks a lecture (see `lecture`).
pub const LECTURE_TEMPLATE: &str = "lecture";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFront {
    title: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    date: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    weight: Option<i64>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    extra: Option<serde_yaml_ng::Value>,
    #[serde(default)]
    sort_by: Option<SortBy>,
    #[serde(default)]
    lecture: Option<lecture::LectureMeta>,
    #[serde(default)]
    easy: bool,
}

/// A Markdown file read and split, before links can be resolved.
/// One Markdown file with its front matter read and checked.
#[derive(Clone)]
pub struct Doc {
    rel: PathBuf,
    /// Path under `content/` with `/` separators, as written in `@/` links.
    key: String,
    src: String,
    body_offset: usize,
    meta: FrontMatter,
    is_section: bool,
}

/// What pages may draw on besides Markdown: the provider data and the content's other files.
pub struct Data<'a> {
    pub providers: &'a [std::sync::Arc<model::Provider>],
    /// Other files under content/ (images…), as paths below it; `@/` links may point at them.
    pub assets: &'a [String],
    /// On a town's part: what the other towns have, which links may name.
    pub others: &'a super::part::Others,
}

type DocRead = Result<Doc, Diagnostics>;

/// What `serve` keeps between loads: each file's front matter and rendered body, by a
/// hash of its text (and of the link targets, which rendering depends on). Nothing here
/// shows provider data (ending notes and lectures leave it to the outputs), so every kind
/// of page is kept alike.
#[derive(Default)]
pub struct ContentCache {
    /// Set by `serve` when only provider data changed since the last load: the Markdown
    /// files are then known to be as they were and are not read again.
    pub unchanged: std::sync::atomic::AtomicBool,
    docs: std::sync::Mutex<HashMap<PathBuf, (blake3::Hash, DocRead)>>,
    bodies: std::sync::Mutex<HashMap<PathBuf, (blake3::Hash, Body)>>,
}

impl ContentCache {
    pub fn clear(&self) {
        if let Ok(mut m) = self.docs.lock() {
            m.clear();
        }
        if let Ok(mut m) = self.bodies.lock() {
            m.clear();
        }
    }
}

/// A page's body as read: HTML, an ending note's parts or a lecture's slides, and the
/// problems found in it.
#[derive(Clone)]
struct Body {
    rendered: markdown::Rendered,
    slides: Vec<lecture::SlideSource>,
    note: Vec<model::NotePart>,
    errors: Vec<Diagnostic>,
}

/// A body's parts as the pages take them: HTML, slides, note parts and problems.
type ReadBody = (
    markdown::Rendered,
    Vec<lecture::SlideSource>,
    Vec<model::NotePart>,
    Vec<Diagnostic>,
);

/// Reads all Markdown files (given relative to the site root) into sections and pages.
pub fn load(
    root: &Path,
    files: &[PathBuf],
    config: &Config,
    data: &Data,
    cache: Option<&ContentCache>,
) -> (Vec<Section>, Vec<Page>, Diagnostics) {
    let results: Vec<Result<Doc, Diagnostics>> = files
        .par_iter()
        .map(|rel| match cache {
            None => read_doc(root, rel),
            Some(cache) => {
                if cache.unchanged.load(std::sync::atomic::Ordering::Relaxed)
                    && let Some((_, doc)) = cache.docs.lock().ok().and_then(|m| m.get(rel).cloned())
                {
                    return doc;
                }
                let src = read_text(root, rel).map_err(Diagnostics::from)?;
                let hash = blake3::hash(src.as_bytes());
                let hit = cache.docs.lock().ok().and_then(|m| {
                    m.get(rel)
                        .filter(|(h, _)| *h == hash)
                        .map(|(_, d)| d.clone())
                });
                hit.unwrap_or_else(|| {
                    let doc = parse_doc(rel, src);
                    if let Ok(mut m) = cache.docs.lock() {
                        m.insert(rel.clone(), (hash, doc.clone()));
                    }
                    doc
                })
            }
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut docs = Vec::new();
    // Every file that exists is a link target, even one with its own errors: that file
    // is reported once, not again at each page linking to it. Drafts are not targets.
    let mut links: HashMap<String, String> = HashMap::new();
    for (rel, r) in files.iter().zip(results) {
        let key = content_key(rel);
        let is_section = rel.file_name().is_some_and(|n| n == "_index.md");
        match r {
            Ok(d) if d.meta.draft => continue,
            Ok(d) => docs.push(d),
            Err(d) => diags.extend(d),
        }
        links.insert(key.clone(), url_path(&key, is_section));
    }

    // Sections first (home at index 0), so pages can find their parent.
    docs.sort_by(|a, b| {
        (!a.is_section, a.key.matches('/').count(), &a.key).cmp(&(
            !b.is_section,
            b.key.matches('/').count(),
            &b.key,
        ))
    });
    for a in data.assets {
        links.insert(a.clone(), a.clone());
    }
    for rel in &data.others.pages {
        links
            .entry(content_key(rel))
            .or_insert_with(|| output_path(rel));
    }
    let directory = directory(config, data);
    if docs.first().is_none_or(|d| d.key != "_index.md") {
        docs.insert(0, home_placeholder(config));
        links.insert("_index.md".into(), String::new());
    }

    let cx = markdown::Context {
        pages: &links,
        directory: Some(&directory),
        base_path: &config.base_path,
        allow_html: config.markdown.allow_html,
    };
    // What rendering a body depends on besides its text.
    let context_hash = cache.map(|_| {
        let mut h = blake3::Hasher::new();
        let mut targets: Vec<(&String, &String)> = links.iter().collect();
        targets.sort();
        for (k, v) in targets {
            h.update(k.as_bytes())
                .update(b"\0")
                .update(v.as_bytes())
                .update(b"\0");
        }
        // The directory's pages, in the records' own (stable) order.
        for p in data.providers {
            h.update(p.id.as_bytes()).update(b"\0");
        }
        h.update(config.base_path.as_bytes());
        h.update(&[u8::from(config.markdown.allow_html)]);
        // The towns an ending note's `::: contacts` may name.
        for (k, m) in &config.municipalities {
            h.update(k.as_str().as_bytes())
                .update(b"\0")
                .update(m.name.as_bytes())
                .update(b"\0");
        }
        h
    });
    let read_body = |d: &Doc| -> Body {
        let body = &d.src[d.body_offset..];
        let body_line = pos_of_offset(&d.src, d.body_offset).line;
        let mut errs = Vec::new();
        let mut slides = Vec::new();
        let mut note = Vec::new();
        let r = match PageKind::of_template(d.meta.template.as_deref()) {
            PageKind::Note => {
                let n = note::render(
                    body,
                    &cx,
                    note::Towns {
                        all: Some(&config.municipalities),
                        page: super::part::folder_town(&d.rel, config),
                    },
                );
                errs.extend(
                    n.errors
                        .iter()
                        .map(|e| note::diagnostic(&d.rel, body_line, e)),
                );
                let html = n
                    .parts
                    .iter()
                    .filter_map(|p| match p {
                        model::NotePart::Html(h) => Some(h.as_str()),
                        model::NotePart::Contacts(_) => None,
                    })
                    .collect();
                note = n.parts;
                markdown::Rendered {
                    html,
                    summary: n.summary,
                    broken_links: n.broken_links,
                    too_deep: None,
                    headings: Vec::new(),
                    anchors: n.anchors,
                }
            }
            PageKind::Lecture => {
                let meta = d.meta.lecture.clone().unwrap_or_default();
                let p = lecture::parse(body, &cx, &meta, config);
                errs.extend(p.errors.iter().map(|(line, msg)| {
                    Diagnostic::error(&d.rel, Some(Pos::new(body_line + line - 1, 1)), msg.clone())
                        .with_help("説明書（docs/manual.md）の「出前講座のスライド」を見てください")
                }));
                // The slides' own words (tables are the data's, made when rendered).
                let html: String = p
                    .slides
                    .iter()
                    .flat_map(|s| &s.pieces)
                    .filter_map(|x| match x {
                        lecture::SlidePiece::Html(h) => Some(h.as_str()),
                        lecture::SlidePiece::Table { .. } => None,
                    })
                    .collect();
                let summary =
                    markdown::render(body.split("\n---").next().unwrap_or(""), &cx).summary;
                slides = p.slides;
                markdown::Rendered {
                    html,
                    summary,
                    broken_links: p.broken_links,
                    too_deep: None,
                    headings: Vec::new(),
                    anchors: p.anchors,
                }
            }
            PageKind::Plain => markdown::render(body, &cx),
        };
        if let Some(off) = r.too_deep {
            errs.push(
                Diagnostic::error(
                    &d.rel,
                    Some(pos_of_offset(&d.src, d.body_offset + off)),
                    format!(
                        "引用（>）や箇条書きの入れ子が深すぎます（{}段まで）",
                        markdown::MAX_NESTING
                    ),
                )
                .with_help(
                    "入れ子を浅くしてください。行頭の「>」や字下げが多すぎないかを確かめてください",
                ),
            );
        }
        errs.extend(r.broken_links.iter().map(|(off, target)| {
            let at = Some(pos_of_offset(&d.src, d.body_offset + off));
            if !target.starts_with("@/") {
                return Diagnostic::error(&d.rel, at, format!("リンク「{target}」は使えない種類のリンクです"))
                    .with_len(target.chars().count() + 2)
                    .with_help("使えるのは https:// などのホームページ、mailto:（メール）、tel:（電話）と、@/ で書くサイトのページへのリンクです");
            }
            Diagnostic::error(&d.rel, at, format!("リンク先のページ「{target}」がありません"))
                .with_len(target.chars().count() + 2)
                .with_help("@/ の後には content/ からのファイルの場所を書きます（例: @/guide/kaigo-hoken.md）")
        }));
        Body {
            rendered: r,
            slides,
            note,
            errors: errs,
        }
    };
    // The whole file is the key: a lecture's front matter (its area) shapes its slides.
    let cached_body = |d: &Doc| -> Body {
        let (Some(cache), Some(h)) = (cache, &context_hash) else {
            return read_body(d);
        };
        let key = h.clone().update(d.src.as_bytes()).finalize();
        let hit = cache.bodies.lock().ok().and_then(|m| {
            m.get(&d.rel)
                .filter(|(k, _)| *k == key)
                .map(|(_, b)| b.clone())
        });
        hit.unwrap_or_else(|| {
            let b = read_body(d);
            if let Ok(mut m) = cache.bodies.lock() {
                m.insert(d.rel.clone(), (key, b.clone()));
            }
            b
        })
    };
    let rendered: Vec<ReadBody> = docs
        .par_iter()
        .map(|d| {
            let mut b = cached_body(d);
            // Checked against the data every time (a lecture's contact is a record).
            if PageKind::of_template(d.meta.template.as_deref()) == PageKind::Lecture {
                let meta = d.meta.lecture.clone().unwrap_or_default();
                b.errors.extend(check_lecture(d, &meta, config, data));
            }
            (b.rendered, b.slides, b.note, b.errors)
        })
        .collect();

    diags.extend(check_anchors(&docs, &rendered).into_iter().collect());

    let mut sections: Vec<Section> = Vec::new();
    let mut section_of_dir: HashMap<String, usize> = HashMap::new();
    let mut pages: Vec<Page> = Vec::new();
    for (d, (r, slides, note, errs)) in docs.into_iter().zip(rendered) {
        for e in errs {
            diags.push(e);
        }
        let summary = summarize(d.meta.description.as_deref().unwrap_or(&r.summary));
        let dir = parent_dir(&d.key);
        if d.is_section {
            let parent = nearest_section(&section_of_dir, &dir, true);
            let idx = sections.len();
            section_of_dir.insert(dir.clone(), idx);
            if let Some(p) = parent {
                sections[p].subsections.push(idx);
            }
            sections.push(Section {
                source: (!d.rel.as_os_str().is_empty()).then(|| d.rel.clone()),
                path: url_path(&d.key, true),
                meta: d.meta,
                content: r.html,
                summary,
                pages: Vec::new(),
                subsections: Vec::new(),
                parent,
            });
        } else {
            let section = nearest_section(&section_of_dir, &dir, false).unwrap_or(0);
            sections[section].pages.push(pages.len());
            let municipality = super::part::folder_town(&d.rel, config).cloned();
            pages.push(Page {
                kind: PageKind::of_template(d.meta.template.as_deref()),
                source: d.rel,
                path: url_path(&d.key, false),
                meta: d.meta,
                content: r.html,
                summary,
                section,
                slides,
                note,
                body_line: pos_of_offset(&d.src, d.body_offset).line,
                municipality,
            });
        }
    }
    for s in &mut sections {
        let key = |i: &usize| {
            let m = &pages[*i].meta;
            (
                m.weight.unwrap_or(i64::MAX),
                m.title.clone(),
                pages[*i].path.clone(),
            )
        };
        match s.meta.sort_by {
            SortBy::Weight => s.pages.sort_by_key(key),
            SortBy::Title => s
                .pages
                .sort_by_key(|i| (pages[*i].meta.title.clone(), pages[*i].path.clone())),
            // Newest first, as news readers expect.
            SortBy::Date => s.pages.sort_by(|a, b| {
                (pages[*b].meta.date, &pages[*a].path).cmp(&(pages[*a].meta.date, &pages[*b].path))
            }),
        }
    }
    (sections, pages, diags)
}

/// The directory's pages that Markdown may link to with `@/`: `providers/ID`, the lists
/// `providers/category/KEY` (and `area/`, `service/`), `providers` and `providers/find`.
fn directory<'a>(config: &Config, data: &Data<'a>) -> markdown::Directory<'a> {
    let lists = [
        (
            "category",
            config
                .categories
                .keys()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
        ),
        ("area", config.areas.keys().map(|k| k.as_str()).collect()),
        (
            "service",
            config.services.keys().map(|k| k.as_str()).collect(),
        ),
    ]
    .into_iter()
    .flat_map(|(kind, keys)| keys.into_iter().map(move |k| format!("{kind}/{k}")))
    .collect();
    markdown::Directory {
        providers: data
            .providers
            .iter()
            .map(|p| p.id.as_str())
            .chain(data.others.providers.iter().map(String::as_str))
            .collect(),
        lists,
    }
}

/// Every link to a heading (`#見出し`, `@/page.md#見出し`) against the ids the pages got,
/// reported where the link is written.
fn check_anchors(docs: &[Doc], rendered: &[ReadBody]) -> Vec<Diagnostic> {
    let ids: HashMap<&str, (Vec<std::borrow::Cow<str>>, &[String])> = docs
        .iter()
        .zip(rendered)
        .map(|(d, (r, _, _, _))| (d.key.as_str(), (html_ids(&r.html), r.headings.as_slice())))
        .collect();
    let mut out = Vec::new();
    for (d, (r, _, _, _)) in docs.iter().zip(rendered) {
        for a in &r.anchors {
            let target = a.page.as_deref().unwrap_or(&d.key);
            // A page that failed to read is reported on its own.
            let Some((have, headings)) = ids.get(target) else {
                continue;
            };
            if have.iter().any(|h| h == a.id.as_str()) {
                continue;
            }
            let place = match &a.page {
                Some(p) => format!("リンク先のページ「{p}」"),
                None => "このページ".to_string(),
            };
            let names: Vec<&str> = headings.iter().map(String::as_str).collect();
            let hint = super::suggest::did_you_mean(&a.id, &names, "#");
            let list = if names.is_empty() {
                "見出しがありません".to_string()
            } else {
                format!(
                    "{place}の見出し: {}",
                    names
                        .iter()
                        .take(12)
                        .map(|n| format!("#{n}"))
                        .collect::<Vec<_>>()
                        .join("、")
                )
            };
            out.push(
                Diagnostic::error(
                    &d.rel,
                    Some(pos_of_offset(&d.src, d.body_offset + a.offset)),
                    format!("{place}に見出し「#{}」がありません", a.written),
                )
                .with_help(format!(
                    "{hint}# の後には見出しの文字をそのまま書きます（{list}）"
                )),
            );
        }
    }
    out
}

/// The ids of the elements of a page's HTML.
fn html_ids(html: &str) -> Vec<std::borrow::Cow<'_, str>> {
    use markup::html::{self, Token};
    html::tokens(html)
        .filter_map(|(_, t)| match t {
            Token::Start(tag) => tag.attr("id").map(html::decode),
            _ => None,
        })
        .collect()
}

fn home_placeholder(config: &Config) -> Doc {
    Doc {
        rel: PathBuf::new(),
        key: "_index.md".into(),
        src: String::new(),
        body_offset: 0,
        meta: FrontMatter {
            title: config.title.clone(),
            description: Some(config.description.clone()).filter(|d| !d.is_empty()),
            date: None,
            weight: None,
            draft: false,
            template: None,
            extra: serde_json::Value::Null,
            sort_by: SortBy::Weight,
            lecture: None,
            easy: false,
        },
        is_section: true,
    }
}

fn parent_dir(key: &str) -> String {
    key.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// The section a file in `dir` belongs to: the closest folder above it with an `_index.md`.
fn nearest_section(map: &HashMap<String, usize>, dir: &str, skip_self: bool) -> Option<usize> {
    if dir.is_empty() && skip_self {
        return None;
    }
    let mut d = if skip_self {
        parent_dir(dir)
    } else {
        dir.to_string()
    };
    loop {
        if let Some(i) = map.get(&d) {
            return Some(*i);
        }
        if d.is_empty() {
            return None;
        }
        d = parent_dir(&d);
    }
}

/// `guide/kaigo-hoken.md` → `guide/kaigo-hoken/`; `guide/_index.md` → `guide/`.
/// The page a Markdown file under content/ becomes, like `guide/hajimeni/`.
pub fn output_path(rel: &Path) -> String {
    let is_section = rel.file_name().is_some_and(|n| n == "_index.md");
    url_path(&content_key(rel), is_section)
}

fn url_path(key: &str, is_section: bool) -> String {
    if is_section {
        let dir = parent_dir(key);
        if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        }
    } else {
        format!("{}/", key.trim_end_matches(".md"))
    }
}

fn summarize(text: &str) -> String {
    const MAX: usize = 120;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= MAX {
        return text;
    }
    let mut s: String = text.chars().take(MAX - 1).collect();
    s.push('…');
    s
}

fn read_doc(root: &Path, rel: &Path) -> Result<Doc, Diagnostics> {
    let src = read_text(root, rel).map_err(Diagnostics::from)?;
    parse_doc(rel, src)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_from_the_body() {
        let src = "---\ntitle: a\n---\nbody\n";
        let (yaml, y, b) = split_front_matter(src).unwrap();
        assert_eq!(yaml, "title: a\n");
        assert_eq!(&src[y..y + 5], "title");
        assert_eq!(&src[b..], "body\n");
        assert!(split_front_matter("title: a\n").is_none());
        assert!(split_front_matter("---\r\ntitle: a\r\n---\r\nbody").is_some());
    }

    #[test]
    fn urls_are_pretty() {
        assert_eq!(
            url_path("guide/kaigo-hoken.md", false),
            "guide/kaigo-hoken/"
        );
        assert_eq!(url_path("guide/_index.md", true), "guide/");
        assert_eq!(url_path("_index.md", true), "");
    }
}
