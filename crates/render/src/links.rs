//! Link check over the rendered site: every internal link and `#anchor` must lead to a
//! page the build writes. `build` and `check` run the same check, so whatever `check` calls
//! an error, `build` refuses to publish. External links are checked only on request
//! (there may be no network where staff work).
//!
//! Pages are taken as they are rendered ([`Collector::add`]): a build streams its pages to
//! disk and never holds them all, so only what the check needs is kept — every path, a
//! hash of each id per page, and each distinct link target once.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::Duration;

use rayon::prelude::*;

use crate::outputs::{Content, OutputFile};
use diagnostics::{Diagnostic, Diagnostics, pos_of_offset};
use markup::html;
use markup::markdown::percent_decode;
use model::Site;

/// What the check has gathered from the pages so far.
pub struct Collector {
    base_path: String,
    /// Files of the whole site that a town's part leaves out (see `Site::elsewhere`).
    elsewhere: HashSet<String>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    paths: HashSet<String>,
    /// Page → hashes of its ids, sorted.
    ids: HashMap<String, Vec<u64>>,
    /// Each distinct (target file, fragment), by its hash, with the first page linking
    /// there. Most links repeat on every page (the menu, the lists): the hash is worked
    /// out from the page's own text, and only a new target is copied.
    links: HashMap<u64, Link>,
    /// External URL → pages linking to it.
    outside: BTreeMap<String, Vec<String>>,
    /// Problems found within one page: (page, link, message).
    problems: Vec<(String, String, String)>,
}

struct Link {
    target: String,
    frag: String,
    page: String,
    /// As written in the page.
    written: String,
}

/// A link of one page, borrowed from its text: the target file is `path` and, when
/// `index`, `index.html` after it.
struct Found<'a> {
    hash: u64,
    path: Cow<'a, str>,
    index: bool,
    frag: Cow<'a, str>,
    written: &'a str,
}

/// What one page holds for the check.
struct Scanned<'a> {
    page: String,
    ids: Vec<u64>,
    links: Vec<Found<'a>>,
    outside: Vec<String>,
    problems: Vec<(String, String, String)>,
}

/// Where a link leads.
enum Resolved<'l> {
    /// A file of the site (`index.html` after `path` when `index`), and the fragment.
    Target {
        path: Cow<'l, str>,
        index: bool,
        frag: Cow<'l, str>,
    },
    /// An id of this page.
    Here(Cow<'l, str>),
    /// Another site.
    Outside(Cow<'l, str>),
    /// A path on this host outside `base_url`.
    OffSite,
    /// `tel:`, `mailto:`, `data:`, an empty fragment.
    Skip,
}

impl Resolved<'_> {
    fn into_owned(self) -> Resolved<'static> {
        let own = |c: Cow<str>| Cow::Owned(c.into_owned());
        match self {
            Resolved::Target { path, index, frag } => Resolved::Target {
                path: own(path),
                index,
                frag: own(frag),
            },
            Resolved::Here(f) => Resolved::Here(own(f)),
            Resolved::Outside(u) => Resolved::Outside(own(u)),
            Resolved::OffSite => Resolved::OffSite,
            Resolved::Skip => Resolved::Skip,
        }
    }
}

impl Collector {
    pub fn new(base_path: &str) -> Collector {
        Collector {
            base_path: base_path.to_string(),
            elsewhere: HashSet::new(),
            state: Mutex::new(State::default()),
        }
    }

    /// For `site`: on a town's part, links to the other towns' pages are not missing.
    pub fn for_site(site: &Site) -> Collector {
        let mut c = Collector::new(&site.config.base_path);
        c.elsewhere = site
            .elsewhere
            .iter()
            .map(|p| format!("{p}index.html"))
            .collect();
        c
    }

    /// Takes in finished files (pages are read for their links and ids).
    pub fn add(&self, files: &[OutputFile]) {
        let scanned: Vec<Scanned> = files
            .par_iter()
            .filter_map(|f| match &f.content {
                Content::Html(h) => Some(self.scan(key(&f.path), h)),
                _ => None,
            })
            .collect();
        let mut st = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        st.paths.extend(files.iter().map(|f| key(&f.path)));
        for s in scanned {
            for f in s.links {
                st.links.entry(f.hash).or_insert_with(|| Link {
                    target: if f.index {
                        format!("{}index.html", f.path)
                    } else {
                        f.path.into_owned()
                    },
                    frag: f.frag.into_owned(),
                    page: s.page.clone(),
                    written: f.written.to_string(),
                });
            }
            for url in s.outside {
                st.outside.entry(url).or_default().push(s.page.clone());
            }
            st.problems.extend(s.problems);
            st.ids.insert(s.page, s.ids);
        }
    }

    fn scan<'a>(&self, page: String, html: &'a str) -> Scanned<'a> {
        let mut ids = Vec::new();
        let mut links = Vec::new();
        for_each_attr(html, |name, value| match name {
            b"id" => ids.push(hash(&[&html::decode(value)])),
            b"href" | b"src" => links.push(value),
            _ => {}
        });
        ids.sort_unstable();
        ids.dedup();
        let mut out = Scanned {
            page,
            ids,
            links: Vec::new(),
            outside: Vec::new(),
            problems: Vec::new(),
        };
        for written in links {
            // Entities (`&amp;` in a query) are rare: most links stay borrowed from the page.
            let resolved = match html::decode(written) {
                Cow::Borrowed(link) => self.resolve(&out.page, link),
                Cow::Owned(link) => self.resolve(&out.page, &link).into_owned(),
            };
            match resolved {
                Resolved::Target { path, index, frag } => out.links.push(Found {
                    hash: hash(&[&path, if index { "index.html" } else { "" }, "\0", &frag]),
                    path,
                    index,
                    frag,
                    written,
                }),
                Resolved::Here(frag) => {
                    if out.ids.binary_search(&hash(&[&frag])).is_err() {
                        out.problems.push((
                            out.page.clone(),
                            written.to_string(),
                            format!("このページに見出し（id）「#{frag}」がありません"),
                        ));
                    }
                }
                Resolved::Outside(url) => out.outside.push(url.into_owned()),
                Resolved::OffSite => out.problems.push((
                    out.page.clone(),
                    written.to_string(),
                    format!(
                        "リンク「{}」がサイトの外（base_url の外）を指しています",
                        percent_decode(written)
                    ),
                )),
                Resolved::Skip => {}
            }
        }
        out
    }

    /// What a link of `page` leads to.
    fn resolve<'l>(&self, page: &str, link: &'l str) -> Resolved<'l> {
        let (path, frag) = link.split_once('#').unwrap_or((link, ""));
        let frag = percent_decode_cow(frag);
        if path.is_empty() {
            return if frag.is_empty() {
                Resolved::Skip
            } else {
                Resolved::Here(frag)
            };
        }
        if let Some(rel) = path.strip_prefix(self.base_path.as_str()) {
            let rel = rel.split('?').next().unwrap_or(rel);
            return Resolved::Target {
                index: rel.is_empty() || rel.ends_with('/'),
                path: percent_decode_cow(rel),
                frag,
            };
        }
        if path.starts_with("http://") || path.starts_with("https://") {
            return Resolved::Outside(Cow::Borrowed(path));
        }
        if path.contains(':') || path.starts_with("//") {
            return Resolved::Skip; // tel:, mailto:, data: …
        }
        if path.starts_with('/') {
            return Resolved::OffSite;
        }
        // What is no URL is reported as a page that does not exist.
        let joined = join(page, path).unwrap_or_else(|| percent_decode(path));
        Resolved::Target {
            index: joined.is_empty() || joined.ends_with('/'),
            path: Cow::Owned(joined),
            frag,
        }
    }

    /// Every problem found, with the source of the page where the source is known.
    pub fn finish(self, sources: &Sources, external: bool) -> Diagnostics {
        let st = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut diags = Diagnostics::new();
        for (page, link, message) in &st.problems {
            diags.push(sources.problem(page, link, message.clone()));
        }
        let mut links: Vec<&Link> = st.links.values().collect();
        links.sort_by(|a, b| (&a.target, &a.frag).cmp(&(&b.target, &b.frag)));
        for Link {
            target,
            frag,
            page,
            written: link,
        } in links
        {
            let shown = percent_decode(link);
            if !st.paths.contains(target) && !self.elsewhere.contains(target) {
                diags.push(sources.problem(
                    page,
                    link,
                    format!("リンク先「{shown}」のページがありません"),
                ));
            } else if !frag.is_empty()
                && st
                    .ids
                    .get(target)
                    .is_some_and(|ids| ids.binary_search(&hash(&[frag])).is_err())
            {
                diags.push(sources.problem(
                    page,
                    link,
                    format!("リンク「{shown}」の「#{frag}」がリンク先のページにありません"),
                ));
            }
        }
        if external {
            diags.extend(check_external(&st.outside, sources));
        }
        diags.sort();
        diags
    }
}

/// Checks the links of a whole rendered site at once (`tsunagu check`).
pub fn check(files: &[OutputFile], site: &Site, external: bool) -> Diagnostics {
    let c = Collector::for_site(site);
    c.add(files);
    c.finish(&Sources::of(site), external)
}

/// The file each page is made from, so problems are reported there.
#[derive(Default)]
pub struct Sources {
    root: PathBuf,
    pages: HashMap<String, PathBuf>,
}

impl Sources {
    pub fn of(site: &Site) -> Sources {
        let index = |path: &str| format!("{path}index.html");
        let mut pages = HashMap::new();
        for s in &site.sections {
            if let Some(src) = &s.source {
                pages.insert(index(&s.path), src.clone());
            }
        }
        for p in &site.pages {
            pages.insert(index(&p.path), p.source.clone());
        }
        for p in &site.providers {
            pages.insert(index(&p.path()), p.source.clone());
        }
        Sources {
            root: site.root.clone(),
            pages,
        }
    }

    /// A problem in `page`: at the line of the source where `link` is written when it can
    /// be found there, else naming the source file, else the output file.
    fn problem(&self, page: &str, link: &str, message: String) -> Diagnostic {
        let Some(src) = self.pages.get(page) else {
            return Diagnostic::error(format!("（出力）{page}"), None, message)
                .with_help("このページを作るテンプレートのリンクを直してください");
        };
        let text = std::fs::read_to_string(self.root.join(src)).unwrap_or_default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let decoded = percent_decode(link);
        let pos = [link, decoded.as_str()]
            .iter()
            .find_map(|l| text.find(l))
            .map(|o| pos_of_offset(text, o));
        Diagnostic::error(src, pos, message)
            .with_len(decoded.chars().count())
            .with_help("リンクを直してください。サイトのページへは「@/guide/hajimeni.md」、事業所へは「@/providers/事業所のid」のように書けます（説明書（docs/manual.md）の「リンクの書き方」）")
    }
}

fn check_external(links: &BTreeMap<String, Vec<String>>, sources: &Sources) -> Diagnostics {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(15)))
        .http_status_as_error(false)
        .build()
        .into();
    let results: Vec<(String, Option<String>)> = links
        .par_iter()
        .map(|(url, _)| {
            let status = agent.head(url).call().or_else(|_| agent.get(url).call());
            let bad = match status {
                Ok(r) if r.status().as_u16() < 400 => None,
                Ok(r) => Some(format!("HTTP {}", r.status().as_u16())),
                Err(e) => Some(e.to_string()),
            };
            (url.clone(), bad)
        })
        .collect();
    results
        .into_iter()
        .filter_map(|(url, bad)| {
            let why = bad?;
            let first = links
                .get(&url)
                .and_then(|p| p.first())
                .cloned()
                .unwrap_or_default();
            Some(
                sources
                    .problem(
                        &first,
                        &url,
                        format!("外部のリンク「{url}」を開けません（{why}）"),
                    )
                    .with_help("リンク先の URL が変わっていないか確かめてください"),
            )
        })
        .collect()
}

/// One hash of the parts written one after the other.
fn hash(parts: &[&str]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    for p in parts {
        h.write(p.as_bytes());
    }
    h.finish()
}

/// [`percent_decode`], borrowing when there is nothing to decode.
fn percent_decode_cow(s: &str) -> Cow<'_, str> {
    if s.contains('%') {
        Cow::Owned(percent_decode(s))
    } else {
        Cow::Borrowed(s)
    }
}

fn key(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A relative link as written (percent-encoded) followed from the page at `page` (a
/// path in the site): the target's path in the site, decoded, without query. `None` for
/// what is no URL at all.
fn join(page: &str, rel: &str) -> Option<String> {
    let mut base = url::Url::parse("http://site.invalid/").ok()?;
    base.set_path(page);
    let target = base.join(rel).ok()?;
    Some(percent_decode(target.path().trim_start_matches('/')))
}

/// Calls `f` with the name and the value as written of every attribute with a value of
/// every tag of a page. Text, comments and the insides of `<script>` and `<style>` are
/// not tags, so words like `src=x` in escaped text are never taken for links. (Nothing
/// is allocated here; this runs over every byte of a national-scale site.)
fn for_each_attr<'a>(html: &'a str, mut f: impl FnMut(&[u8], &'a str)) {
    for (_, token) in html::tokens(html) {
        if let html::Token::Start(tag) = token {
            for a in tag.attrs().filter(|a| a.has_value) {
                f(a.name.as_bytes(), a.value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str, html: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            content: Content::Html(html.into()),
        }
    }

    fn messages(files: &[OutputFile]) -> Vec<String> {
        let c = Collector::new("/b/");
        c.add(files);
        c.finish(&Sources::default(), false)
            .iter()
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn missing_pages_and_anchors_are_found() {
        let files = [
            page(
                "index.html",
                r#"<a href="/b/a/">ok</a><a href="/b/a/#x">ok</a><a href="/b/a/#nope">x</a><a href="/b/gone/">x</a><a href="/elsewhere/">x</a><a href="tel:0990">t</a>"#,
            ),
            page(
                "a/index.html",
                r#"<h2 id="x">X</h2><a href="../">up</a><a href="handout/">x</a>"#,
            ),
        ];
        let msgs = messages(&files);
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("#nope")));
        assert!(msgs.iter().any(|m| m.contains("/b/gone/")));
        assert!(msgs.iter().any(|m| m.contains("base_url の外")));
        assert!(msgs.iter().any(|m| m.contains("handout/")));
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_scanned_without_panicking(s in "(<|>|=|\"|'| |a|b|href|id|src|script|!--|-->|/|é|日|\\PC){0,60}") {
            let mut n = 0;
            for_each_attr(&s, |_, v| n += v.len());
            proptest::prop_assert!(n <= s.len());
        }
    }

    #[test]
    fn only_attributes_of_tags_are_links() {
        let files = [page(
            "index.html",
            "<p>&quot;&gt;&lt;img src=x onerror=alert(1)&gt; href=/b/nope/</p><!-- <a href=/b/gone/> --><script type=application/ld+json>{\"a\": \"<a href=/b/x/>\"}</script><a href=\"/b/\" class=x>ok</a>",
        )];
        assert!(messages(&files).is_empty(), "{:?}", messages(&files));
    }

    #[test]
    fn japanese_anchors_match_in_any_encoding_and_unquoted_values_are_read() {
        let files = [
            page(
                "index.html",
                "<a href=\"/b/a/#%E4%BD%BF%E3%81%84%E6%96%B9\">ok</a><a href=/b/a/#使い方>ok</a><a class=x href=#top>ok</a><p id=top></p><a href=\"/b/a/#%E3%81%AA%E3%81%84\">x</a>",
            ),
            page("a/index.html", "<h2 id=\"使い方\">使い方</h2>"),
        ];
        let msgs = messages(&files);
        assert_eq!(
            msgs,
            ["リンク「/b/a/#ない」の「#ない」がリンク先のページにありません"]
        );
    }
}
