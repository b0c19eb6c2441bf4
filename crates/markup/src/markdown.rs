//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough and task lists,
//! furigana (`{漢字|かんじ}`, also inside table cells), `@/page.md` and `@/providers/ID`
//! links, and ids on headings that `#見出し` links may name in any script.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Stands in for `\{` while parsing so escaped braces never start furigana. It is two
/// bytes long in UTF-8, like `\{`, so byte offsets (and so error columns) stay right.
const ESCAPED_BRACE: char = '\u{91}';

/// Stands in for the `|` of `{漢字|かんじ}` while parsing, so that furigana inside a table
/// cell does not split the cell (GFM splits at every unescaped `|`). One byte, like `|`.
const RUBY_BAR: char = '\u{1F}';

pub struct Context<'a> {
    /// `@/` targets in `content/`: `guide/kaigo-hoken.md` → `guide/kaigo-hoken/`.
    pub pages: &'a HashMap<String, String>,
    /// The directory's pages (`@/providers/ID`, `@/providers/category/KEY`…), when the
    /// site has one.
    pub directory: Option<&'a Directory<'a>>,
    /// Prefix of every site link, e.g. `/kenko/zaitaku/`.
    pub base_path: &'a str,
    pub allow_html: bool,
}

#[derive(Clone)]
pub struct Rendered {
    pub html: String,
    /// Plain text of the first paragraph.
    pub summary: String,
    /// Byte offset in the source and the `@/` target that does not exist.
    pub broken_links: Vec<(usize, String)>,
    /// Byte offset where quotes or lists nest deeper than [`MAX_NESTING`].
    pub too_deep: Option<usize>,
    /// Ids given to the headings, in order.
    pub headings: Vec<String>,
    /// Links to a heading (`#見出し`, `@/page.md#見出し`), checked once every page has its ids.
    pub anchors: Vec<Anchor>,
}

/// The provider directory's pages that `@/providers/…` links may name.
#[derive(Debug, Default)]
pub struct Directory<'a> {
    /// Provider ids.
    pub providers: rustc_hash::FxHashSet<&'a str>,
    /// The lists, as `category/KEY`, `area/KEY`, `service/KEY`.
    pub lists: std::collections::HashSet<String>,
}

impl Directory<'_> {
    /// The page of `@/providers/…` (given without `@/`), like `providers/abc/`.
    fn path(&self, key: &str) -> Option<String> {
        let rest = key.strip_prefix("providers")?;
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let known = rest.is_empty()
            || rest == "find"
            || self.lists.contains(rest)
            || self.providers.contains(rest);
        known.then(|| {
            if rest.is_empty() {
                model::routes::PROVIDERS.to_string()
            } else {
                format!("{}{rest}/", model::routes::PROVIDERS)
            }
        })
    }
}

/// A link to an id: on this page (`page` is `None`) or on another Markdown page.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// Byte offset of the link in the source.
    pub offset: usize,
    /// The `@/` target (`guide/hajimeni.md`), or `None` for this page.
    pub page: Option<String>,
    /// The id linked to, as the href now has it.
    pub id: String,
    /// The fragment as written, for messages.
    pub written: String,
}

/// The links of several rendered pieces of one page, at their places in the page.
#[derive(Debug, Default)]
pub struct LinkRefs {
    pub broken: Vec<(usize, String)>,
    pub anchors: Vec<Anchor>,
}

impl LinkRefs {
    /// Takes the links of a piece that starts `by` bytes into the page.
    pub fn add(&mut self, r: &mut Rendered, by: usize) {
        self.broken
            .extend(r.broken_links.drain(..).map(|(o, t)| (o + by, t)));
        self.anchors
            .extend(r.anchors.drain(..).map(|a| a.shifted(by)));
    }
}

impl Anchor {
    /// The same anchor in a text that starts `by` bytes later.
    pub fn shifted(mut self, by: usize) -> Anchor {
        self.offset += by;
        self
    }
}

/// Deepest nesting of quotes and lists rendered as such; real pages use three or four.
/// Deeper input is flattened (and reported) so no later stage recurses without bound.
pub const MAX_NESTING: usize = 32;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

pub fn render(src: &str, cx: &Context) -> Rendered {
    let prepared = protect_ruby_bars(&src.replace("\\{", &ESCAPED_BRACE.to_string()));
    let mut out: Vec<Event> = Vec::new();
    let mut broken = Vec::new();
    let mut text_buf = String::new();
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut summary: Option<String> = None;
    let mut in_first_para = false;
    let mut para_text = String::new();
    let mut in_code_block = false;
    let mut depth = 0usize;
    let mut too_deep = None;
    let mut headings = Vec::new();
    let mut anchors = Vec::new();

    let parser = Parser::new_ext(&prepared, options()).into_offset_iter();
    for (event, range) in parser {
        if !matches!(event, Event::Text(_)) && !text_buf.is_empty() {
            let html = furigana_html(&std::mem::take(&mut text_buf));
            push(&mut out, &mut heading, Event::InlineHtml(html.into()));
        }
        let container = matches!(
            event,
            Event::Start(Tag::BlockQuote(_) | Tag::List(_) | Tag::Item)
        );
        let container_end = matches!(
            event,
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item)
        );
        if container {
            depth += 1;
            if depth > MAX_NESTING {
                too_deep.get_or_insert(range.start);
                continue;
            }
        }
        if container_end {
            depth = depth.saturating_sub(1);
            if depth >= MAX_NESTING {
                continue;
            }
        }
        let event = match event {
            Event::Text(t) if in_code_block => Event::Text(restore_code(t)),
            Event::Text(t) => {
                if in_first_para {
                    para_text.push_str(&strip_furigana(&t));
                }
                text_buf.push_str(&t);
                continue;
            }
            Event::Code(c) => {
                if in_first_para {
                    para_text.push_str(&c);
                }
                Event::Code(restore_code(c))
            }
            Event::Start(Tag::Paragraph) if summary.is_none() && heading.is_none() => {
                in_first_para = true;
                Event::Start(Tag::Paragraph)
            }
            Event::End(TagEnd::Paragraph) if in_first_para => {
                in_first_para = false;
                summary = Some(
                    std::mem::take(&mut para_text)
                        .replace(ESCAPED_BRACE, "{")
                        .replace(RUBY_BAR, "|"),
                );
                Event::End(TagEnd::Paragraph)
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, inner)) = heading.take() {
                    let text = plain_text(&inner);
                    let id = unique_id(&mut ids, &slug(&text));
                    headings.push(id.clone());
                    out.push(Event::Html(
                        format!("<{level} id=\"{}\">", escape(&id)).into(),
                    ));
                    out.extend(inner);
                    out.push(Event::Html(format!("</{level}>\n").into()));
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url =
                    resolve_or_report(&dest_url, cx, range.start, &mut broken, Some(&mut anchors));
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = resolve_or_report(&dest_url, cx, range.start, &mut broken, None);
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                Event::Start(Tag::CodeBlock(kind))
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                Event::End(TagEnd::CodeBlock)
            }
            Event::Start(Tag::Table(al)) => {
                // A focusable region lets keyboard users scroll a wide table on a phone.
                out.push(Event::Html(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"表\" tabindex=\"0\">"
                        .into(),
                ));
                Event::Start(Tag::Table(al))
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                Event::Html("</div>\n".into())
            }
            // pulldown-cmark's checkbox has no label, which screen readers announce badly.
            Event::TaskListMarker(done) => Event::InlineHtml(
                format!(
                    "<input type=\"checkbox\" disabled aria-label=\"{}\"{}> ",
                    if done { "済み" } else { "チェック欄" },
                    if done { " checked" } else { "" }
                )
                .into(),
            ),
            Event::Html(h) | Event::InlineHtml(h) if !cx.allow_html => Event::Text(h),
            other => other,
        };
        push(&mut out, &mut heading, event);
    }
    if !text_buf.is_empty() {
        let html = furigana_html(&text_buf);
        push(&mut out, &mut heading, Event::InlineHtml(html.into()));
    }

    let mut html_out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    Rendered {
        html: html_out,
        summary: summary.unwrap_or_default(),
        broken_links: broken,
        too_deep,
        headings,
        anchors,
    }
}

/// Inline Markdown for short fields (provider notes): no blocks, no raw HTML,
/// and links only to web, mail and phone addresses.
pub fn render_inline(src: &str) -> String {
    let no_pages = HashMap::new();
    let cx = Context {
        pages: &no_pages,
        directory: None,
        base_path: "/",
        allow_html: false,
    };
    let single_line = src.replace(['\r', '\n'], " ");
    let r = render(&single_line, &cx);
    let html = r.html.trim();
    let html = html.strip_prefix("<p>").unwrap_or(html);
    html.strip_suffix("</p>").unwrap_or(html).to_string()
}

fn push<'a>(
    out: &mut Vec<Event<'a>>,
    heading: &mut Option<(HeadingLevel, Vec<Event<'a>>)>,
    e: Event<'a>,
) {
    match heading {
        Some((_, inner)) => inner.push(e),
        None => out.push(e),
    }
}

fn restore_code(c: CowStr) -> CowStr {
    if c.contains([ESCAPED_BRACE, RUBY_BAR]) {
        c.replace(ESCAPED_BRACE, "\\{")
            .replace(RUBY_BAR, "|")
            .into()
    } else {
        c
    }
}

/// Replaces the `|` of each `{漢字|かんじ}` on a line with [`RUBY_BAR`], so the parser
/// never takes it for a table's cell border. (An escaped `\|` is left as it is: the
/// parser reads it as a plain `|`.)
fn protect_ruby_bars(src: &str) -> String {
    if !src.contains('{') {
        return src.to_string();
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let Some(close) = rest.find(['}', '{', '\n']) else {
            continue;
        };
        let inner = &rest[..close];
        if rest[close..].starts_with('}')
            && let Some(bar) = inner.find('|')
            && bar > 0
            && !inner[..bar].ends_with('\\')
            && !inner[bar + 1..].contains('|')
            && !inner[bar + 1..].trim().is_empty()
        {
            out.push_str(&inner[..bar]);
            out.push(RUBY_BAR);
            out.push_str(&inner[bar + 1..]);
            rest = &rest[close..];
        }
    }
    out.push_str(rest);
    out
}

/// `%E3%81%82` → `あ`; anything that is not a valid escape stays as written.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn resolve_or_report<'a>(
    dest: &str,
    cx: &Context,
    offset: usize,
    broken: &mut Vec<(usize, String)>,
    anchors: Option<&mut Vec<Anchor>>,
) -> CowStr<'a> {
    match resolve_link(dest, cx) {
        Some((url, anchor)) => {
            if let (Some(list), Some((page, id, written))) = (anchors, anchor) {
                list.push(Anchor {
                    offset,
                    page,
                    id,
                    written,
                });
            }
            url.into()
        }
        None => {
            broken.push((offset, dest.to_string()));
            "#".into()
        }
    }
}

/// The `@/` target of a link, as written: `guide/a.md`, `providers/abc`, `providers/abc/`.
fn target_key(file: &str) -> &str {
    file.strip_suffix('/')
        .filter(|f| !f.is_empty())
        .unwrap_or(file)
}

/// `@/guide/a.md#x` → `/base/guide/a/#x`, `@/providers/abc` → `/base/providers/abc/`;
/// other links pass, unsafe schemes become `#`. `None` means an `@/` link to a page that
/// does not exist. A link to a heading of a Markdown page (this one or another) comes
/// with the page (`None` for this one), the id it names, and the fragment as written:
/// the fragment is read as the heading's text is made into its id (percent escapes
/// decoded, punctuation dropped), so `#このガイドの使い方` and `#在宅医療とは？` both work.
#[allow(clippy::type_complexity)]
fn resolve_link(
    dest: &str,
    cx: &Context,
) -> Option<(String, Option<(Option<String>, String, String)>)> {
    if let Some(target) = dest.strip_prefix("@/") {
        let (file, frag) = target.split_once('#').unwrap_or((target, ""));
        let key = target_key(file);
        let path = match cx.pages.get(key) {
            Some(p) => p.clone(),
            None => cx.directory.and_then(|d| d.path(key))?,
        };
        if frag.is_empty() {
            return Some((format!("{}{path}", cx.base_path), None));
        }
        let written = percent_decode(frag);
        let id = slug(&written);
        let url = format!("{}{path}#{id}", cx.base_path);
        // Ids of the directory's pages come from templates; the output's check sees them.
        let anchor = key
            .ends_with(".md")
            .then(|| (Some(key.to_string()), id, written));
        return Some((url, anchor));
    }
    if let Some(frag) = dest.strip_prefix('#').filter(|f| !f.is_empty()) {
        let written = percent_decode(frag);
        let id = slug(&written);
        return Some((format!("#{id}"), Some((None, id, written))));
    }
    let lower = dest.trim().to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let path_start = lower.find(['/', '?', '#']);
    let has_scheme = matches!((scheme_end, path_start), (Some(c), Some(p)) if c < p)
        || (scheme_end.is_some() && path_start.is_none());
    // javascript:, data:, file: … would run or leave the site: reported where written.
    if has_scheme
        && !["http:", "https:", "mailto:", "tel:"]
            .iter()
            .any(|s| lower.starts_with(s))
    {
        return None;
    }
    Some((dest.to_string(), None))
}

/// Text with `{漢字|かんじ}` turned into ruby; everything else HTML-escaped.
pub fn furigana_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&escape(&rest[..start]));
        let after = &rest[start + 1..];
        match parse_ruby(after) {
            Some((base, reading, used)) => {
                out.push_str("<ruby>");
                out.push_str(&escape(base));
                out.push_str("<rt>");
                out.push_str(&escape(reading));
                out.push_str("</rt></ruby>");
                rest = &after[used..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(&escape(rest));
    out.replace(ESCAPED_BRACE, "{").replace(RUBY_BAR, "|")
}

/// Parses `漢字|かんじ}` (after the opening brace): base, reading and bytes consumed.
pub fn parse_ruby(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find('}')?;
    let inner = &s[..close];
    let (base, reading) = inner.split_once(['|', RUBY_BAR])?;
    let bad =
        |t: &str| t.trim().is_empty() || t.contains(['{', '|', '\n', ESCAPED_BRACE, RUBY_BAR]);
    if bad(base) || bad(reading) {
        return None;
    }
    Some((base, reading, close + 1))
}

/// The text a reader sees when ruby is ignored: `{漢字|かんじ}` → `漢字`.
pub fn strip_furigana(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match parse_ruby(after) {
            Some((base, _, used)) => {
                out.push_str(base);
                rest = &after[used..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.replace(ESCAPED_BRACE, "{").replace(RUBY_BAR, "|")
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::InlineHtml(h) => s.push_str(&strip_tags(h)),
            _ => {}
        }
    }
    s
}

/// Text content of our own generated ruby markup (base text only, readings dropped).
fn strip_tags(h: &str) -> String {
    use crate::html::{self, Token};
    let mut out = String::new();
    let mut in_rt = false;
    for (_, token) in html::tokens(h) {
        match token {
            Token::Start(tag) if tag.is("rt") => in_rt = true,
            Token::End(name) if name.eq_ignore_ascii_case("rt") => in_rt = false,
            Token::Text(text) if !in_rt => out.push_str(&html::decode(text)),
            _ => {}
        }
    }
    out
}

/// Heading ids keep Japanese text (browsers handle it) and drop punctuation.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_whitespace() || c == '-' || c == '_' {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".into()
    } else {
        out
    }
}

fn unique_id(seen: &mut HashMap<String, usize>, base: &str) -> String {
    let n = seen.entry(base.to_string()).or_insert(0);
    *n += 1;
    if *n == 1 {
        base.to_string()
    } else {
        format!("{base}-{n}")
    }
}

/// Minimal HTML escaping for text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(src: &str) -> Rendered {
        let mut pages = HashMap::new();
        pages.insert("guide/a.md".to_string(), "guide/a/".to_string());
        let cx = Context {
            pages: &pages,
            directory: None,
            base_path: "/base/",
            allow_html: false,
        };
        render(src, &cx)
    }

    #[test]
    fn furigana_becomes_ruby_but_not_in_code_or_when_escaped() {
        let r = md("{漢字|かんじ}と`{漢字|かんじ}`と\\{漢字|かんじ}\n\n```\n{x|y}\n```\n");
        assert!(
            r.html.contains("<ruby>漢字<rt>かんじ</rt></ruby>と"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<code>{漢字|かんじ}</code>"), "{}", r.html);
        assert!(r.html.contains("と{漢字|かんじ}</p>"), "{}", r.html);
        assert!(
            r.html.contains("<pre><code>{x|y}\n</code></pre>"),
            "{}",
            r.html
        );
        assert_eq!(r.summary, "漢字と{漢字|かんじ}と{漢字|かんじ}");
    }

    #[test]
    fn internal_links_resolve_and_missing_ones_are_reported() {
        let r = md("[a](@/guide/a.md#x) [b](@/guide/nope.md)");
        assert!(r.html.contains("href=\"/base/guide/a/#x\""), "{}", r.html);
        assert_eq!(r.broken_links, vec![(20, "@/guide/nope.md".to_string())]);
    }

    #[test]
    fn headings_get_ids_and_raw_html_is_escaped() {
        let r = md("## 在宅{医療|いりょう}とは？\n\n## 在宅医療とは？\n\n<script>x</script>\n");
        assert!(
            r.html.contains("<h2 id=\"在宅医療とは\">在宅<ruby>医療"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"在宅医療とは-2\">"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
        assert!(!r.html.contains("<script>"));
    }

    #[test]
    fn dangerous_link_schemes_are_neutralised() {
        let r = md("[x](javascript:alert(1)) [y](https://example.jp/) [z](tel:0990-12-3456)");
        assert!(r.html.contains("href=\"#\""));
        assert!(r.html.contains("href=\"https://example.jp/\""));
        assert!(r.html.contains("href=\"tel:0990-12-3456\""));
        assert_eq!(
            render_inline("<b>x</b> **太字**"),
            "&lt;b&gt;x&lt;/b&gt; <strong>太字</strong>"
        );
    }

    #[test]
    fn furigana_in_a_table_cell_keeps_the_row_whole() {
        let r = md(
            "|窓口|電話|\n|-|-|\n|{健康福祉課|けんこうふくしか}|0479-00-0100|\n|`{a|b}`|{x\\|y}|\n",
        );
        assert!(
            r.html.contains(
                "<td><ruby>健康福祉課<rt>けんこうふくしか</rt></ruby></td><td>0479-00-0100</td>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("<code>{a|b}</code>"), "{}", r.html);
        assert!(r.html.contains("<ruby>x<rt>y</rt></ruby>"), "{}", r.html);
    }

    #[test]
    fn heading_links_name_the_heading_in_any_script() {
        let r = md(
            "## このガイドの使い方\n\n[a](#このガイドの使い方) [b](@/guide/a.md#在宅医療とは？) [c](#%E4%BD%BF%E3%81%84%E6%96%B9)\n",
        );
        assert_eq!(r.headings, ["このガイドの使い方"]);
        let got: Vec<(Option<&str>, &str, &str)> = r
            .anchors
            .iter()
            .map(|a| (a.page.as_deref(), a.id.as_str(), a.written.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "このガイドの使い方", "このガイドの使い方"),
                (Some("guide/a.md"), "在宅医療とは", "在宅医療とは？"),
                (None, "使い方", "使い方"),
            ]
        );
        assert!(
            r.html.contains("href=\"/base/guide/a/#%E5%9C%A8"),
            "{}",
            r.html
        );
    }

    #[test]
    fn provider_pages_and_lists_are_link_targets() {
        let pages = HashMap::new();
        let directory = Directory {
            providers: ["abc"].into_iter().collect(),
            lists: ["category/clinic".to_string()].into_iter().collect(),
        };
        let cx = Context {
            pages: &pages,
            directory: Some(&directory),
            base_path: "/base/",
            allow_html: false,
        };
        let r = render(
            "[a](@/providers/abc) [b](@/providers/abc/) [c](@/providers/nope) [d](@/providers/category/clinic) [e](@/providers/find) [f](@/providers/category/x)",
            &cx,
        );
        assert!(r.html.contains("href=\"/base/providers/category/clinic/\""));
        assert!(r.html.contains("href=\"/base/providers/find/\""));
        assert_eq!(
            r.html.matches("href=\"/base/providers/abc/\"").count(),
            2,
            "{}",
            r.html
        );
        assert_eq!(
            r.broken_links,
            vec![
                (43, "@/providers/nope".to_string()),
                (120, "@/providers/category/x".to_string())
            ]
        );
    }

    #[test]
    fn gfm_extensions_are_on() {
        let r = md("|a|b|\n|-|-|\n|1|2|\n\n~~x~~ y[^1]\n\n[^1]: note\n\n- [ ] task\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>x</del>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("type=\"checkbox\""));
    }
}
