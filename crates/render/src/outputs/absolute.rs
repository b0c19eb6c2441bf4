//! Site links made absolute, for copies read away from the site (feeds, paper, PDF).

use model::config::Config;

/// Site links made absolute, for copies read away from the site (feeds, paper, PDF):
/// `/base/x/` and links relative to the page at `page_path` (`../x/`) become full URLs.
pub(crate) fn absolute_links(html: &str, c: &Config, page_path: &str) -> String {
    use markup::html::{self, Token};
    let mut out = String::with_capacity(html.len() + 256);
    let mut copied = 0;
    for (_, token) in html::tokens(html) {
        let Token::Start(tag) = token else {
            continue;
        };
        for a in tag.attrs() {
            if !(a.name.eq_ignore_ascii_case("href") || a.name.eq_ignore_ascii_case("src")) {
                continue;
            }
            if let Some(full) = absolute(a.value, c, page_path) {
                out.push_str(&html[copied..a.at.start]);
                out.push_str(&full);
                copied = a.at.end;
            }
        }
    }
    out.push_str(&html[copied..]);
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
    let page = url::Url::parse(&c.base_url).ok()?.join(page_path).ok()?;
    page.join(link).ok().map(String::from)
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
