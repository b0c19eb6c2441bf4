//! Site links made absolute, for copies read away from the site (feeds, paper, PDF).

use model::config::Config;

/// Site links made absolute, for copies read away from the site (feeds, paper, PDF):
/// `/base/x/` and links relative to the page at `page_path` (`../x/`) become full URLs.
pub(crate) fn absolute_links(html: &str, c: &Config, page_path: &str) -> String {
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
fn absolute(link: &str, c: &Config, page_path: &str) -> Option<String> {
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
        let c = load::config::parse(
            &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../site.toml"))
                .unwrap(),
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
