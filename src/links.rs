//! Link check over the rendered site: every internal link and `#anchor` must lead to a
//! page the build writes. External links are checked only on request (there may be no
//! network where staff work).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::outputs::{Content, OutputFile};

/// Checks the links of every HTML file; `external` also requests each http(s) link once.
pub fn check(files: &[OutputFile], base_path: &str, external: bool) -> Diagnostics {
    let paths: HashSet<String> = files.iter().map(|f| key(&f.path)).collect();
    let pages: HashMap<String, &str> = files
        .iter()
        .filter_map(|f| match &f.content {
            Content::Html(h) => Some((key(&f.path), h.as_str())),
            _ => None,
        })
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = pages
        .iter()
        .map(|(k, h)| (k.as_str(), attrs(h, "id").into_iter().collect()))
        .collect();
    let mut diags = Diagnostics::new();
    let mut outside: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pages_sorted: Vec<(&String, &&str)> = pages.iter().collect();
    pages_sorted.sort();
    for (page, html) in pages_sorted {
        for link in attrs(html, "href").into_iter().chain(attrs(html, "src")) {
            let (path, frag) = link.split_once('#').unwrap_or((link, ""));
            let target = if path.is_empty() {
                Some(page.clone())
            } else if let Some(rel) = path.strip_prefix(base_path) {
                Some(file_of(rel))
            } else if path.starts_with("http://") || path.starts_with("https://") {
                outside
                    .entry(path.to_string())
                    .or_default()
                    .push(page.clone());
                None
            } else if path.contains(':') || path.starts_with("//") {
                None // tel:, mailto:, data: …
            } else if path.starts_with('/') {
                diags.push(problem(
                    page,
                    format!("リンク「{link}」がサイトの外（base_url の外）を指しています"),
                ));
                None
            } else {
                Some(file_of(&join(page, path)))
            };
            let Some(target) = target else { continue };
            if !paths.contains(&target) {
                diags.push(problem(
                    page,
                    format!("リンク先「{link}」のページがありません"),
                ));
            } else if !frag.is_empty()
                && ids
                    .get(target.as_str())
                    .is_some_and(|set| !set.contains(frag))
            {
                diags.push(problem(
                    page,
                    format!("リンク「{link}」の #{frag} がリンク先のページにありません"),
                ));
            }
        }
    }
    if external {
        diags.extend(check_external(&outside));
    }
    diags.sort();
    diags
}

fn check_external(links: &BTreeMap<String, Vec<String>>) -> Diagnostics {
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
                problem(
                    &first,
                    format!("外部のリンク「{url}」を開けません（{why}）"),
                )
                .with_help("リンク先の URL が変わっていないか確かめてください"),
            )
        })
        .collect()
}

fn problem(page: &str, message: String) -> Diagnostic {
    Diagnostic::error(format!("（出力）{page}"), None, message)
        .with_help("このページの元の原稿かテンプレートのリンクを直してください")
}

fn key(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// `guide/` → `guide/index.html`.
fn file_of(rel: &str) -> String {
    let rel = rel.split('?').next().unwrap_or(rel);
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// A relative link resolved against the folder of `page`.
fn join(page: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if rel.ends_with('/') && !joined.is_empty() {
        format!("{joined}/")
    } else {
        joined
    }
}

/// Every value of `attr="…"` in a page (the HTML is ours, always double-quoted).
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
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
        let d = check(&files, "/b/", false);
        let msgs: Vec<String> = d.iter().map(|x| x.message.clone()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("#nope")));
        assert!(msgs.iter().any(|m| m.contains("/b/gone/")));
        assert!(msgs.iter().any(|m| m.contains("base_url の外")));
        assert!(msgs.iter().any(|m| m.contains("handout/")));
    }
}
