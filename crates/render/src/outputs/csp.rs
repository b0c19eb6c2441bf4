//! The Content-Security-Policy every generated page carries (as a `<meta>`, since a
//! static site cannot count on server headers): scripts, fetches and images only from
//! the site itself, plus the tile server when the site has a map. If markup ever slipped
//! through escaping, the browser would still refuse to run or load it.
//!
//! Styles may be inline: the print guide and the lecture pages carry their stylesheet
//! inline so they print on their own, and CSS cannot run script.

use model::config::Config;

pub fn policy(config: &Config) -> String {
    let tiles = config
        .map
        .tiles
        .as_deref()
        .and_then(|t| url::Url::parse(&t.replace(['{', '}'], "")).ok())
        .map(|u| format!(" {}", u.origin().ascii_serialization()))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:{tiles}; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'"
    )
}

/// Puts the policy first in `<head>`, before anything it governs. Pages without a head
/// (fragments) are left alone, and so are pages whose template sets a policy of its own
/// (the self-contained lecture deck and the ending note): two policies would both apply.
pub fn insert(html: &str, policy: &str) -> Option<String> {
    use markup::html::{self, Token};
    let mut head_end = None;
    for (span, token) in html::tokens(html) {
        match token {
            Token::Start(tag) if tag.is("head") && head_end.is_none() => head_end = Some(span.end),
            // The page's own policy: a second one would apply too.
            Token::Start(tag)
                if tag.is("meta")
                    && tag.attr("http-equiv").is_some_and(|v| {
                        html::decode(v).eq_ignore_ascii_case("content-security-policy")
                    }) =>
            {
                return None;
            }
            Token::End(name) if name.eq_ignore_ascii_case("head") => break,
            Token::Start(tag) if tag.is("body") => break,
            _ => {}
        }
    }
    let end = head_end?;
    let meta = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        markup::markdown::escape(policy)
    );
    Some(format!("{}{meta}{}", &html[..end], &html[end..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_policy_goes_first_in_the_head() {
        let html = "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>t</title></head><body></body></html>";
        let out = super::insert(html, "default-src 'self'").unwrap();
        assert!(out.contains("<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;\"><meta charset"), "{out}");
        assert_eq!(super::insert("<p>no head</p>", "x"), None);
        assert_eq!(super::insert("<header>x</header>", "x"), None);
        let own = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"></head></html>";
        assert_eq!(
            super::insert(own, "x"),
            None,
            "a template's own policy is kept alone"
        );
        let minified = "<html><head><meta http-equiv=Content-Security-Policy content=\"default-src 'none'\"></head></html>";
        assert_eq!(super::insert(minified, "x"), None, "unquoted, as minified");
    }
}
