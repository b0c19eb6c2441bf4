//! The one HTML tokenizer of tsunagu: every place that reads or rewrites the HTML we
//! generate (links to check, ids, text for the search index, the slide-fit estimate,
//! pages made standalone for printing) walks these tokens, so a quoted `>` in an
//! attribute, a comment or the inside of a `<script>` means the same to all of them.
//!
//! It reads our own pages, not arbitrary markup: no tree is built and nothing is
//! allocated. Text and attribute values come as written; [`decode`] turns entities into
//! characters, in one pass (so `&amp;lt;` is `&lt;`, never `<`).

use std::borrow::Cow;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    /// `<name …>` or `<name …/>`.
    Start(Tag<'a>),
    /// `</name>`.
    End(&'a str),
    /// Text as written; the inside of `<script>` and `<style>` is one text token.
    Text(&'a str),
    /// A comment, `<!DOCTYPE …>` or `<?…>`: markup that is no element.
    Other(&'a str),
}

/// A start tag.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tag<'a> {
    pub name: &'a str,
    /// Everything between the name and the closing `>`.
    attrs: &'a str,
    /// Where `attrs` starts in the page.
    attrs_at: usize,
    pub self_closing: bool,
}

impl<'a> Tag<'a> {
    /// Whether this is a `name` tag (HTML names ignore case).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    pub fn attrs(&self) -> Attrs<'a> {
        Attrs {
            s: self.attrs,
            at: self.attrs_at,
            i: 0,
        }
    }

    /// The value of attribute `name`, as written.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value)
    }

    /// The attributes as written, with their leading space and any closing `/`.
    pub fn attrs_text(&self) -> &'a str {
        self.attrs
    }
}

/// An attribute of a start tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr<'a> {
    pub name: &'a str,
    /// The value as written, without its quotes; empty for a bare attribute.
    pub value: &'a str,
    /// Where the value stands in the page (an empty range after the name when bare).
    pub at: Range<usize>,
    /// Whether a value was written (`a=""` has one, a bare `hidden` has none).
    pub has_value: bool,
}

pub struct Attrs<'a> {
    s: &'a str,
    at: usize,
    i: usize,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        let b = self.s.as_bytes();
        loop {
            while self.i < b.len() && (b[self.i].is_ascii_whitespace() || b[self.i] == b'/') {
                self.i += 1;
            }
            if self.i >= b.len() {
                return None;
            }
            let start = self.i;
            while self.i < b.len()
                && !b[self.i].is_ascii_whitespace()
                && !matches!(b[self.i], b'=' | b'/')
            {
                self.i += 1;
            }
            if self.i == start {
                // A stray `=`: move on.
                self.i += 1;
                continue;
            }
            let name = &self.s[start..self.i];
            let mut j = self.i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= b.len() || b[j] != b'=' {
                let at = self.at + self.i;
                return Some(Attr {
                    name,
                    value: "",
                    at: at..at,
                    has_value: false,
                });
            }
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let (from, to, next) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = self.s[j + 1..]
                        .find(q as char)
                        .map_or(b.len(), |o| j + 1 + o);
                    (j + 1, end, (end + 1).min(b.len()))
                }
                _ => {
                    let end = b[j..]
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .map_or(b.len(), |o| j + o);
                    (j, end, end)
                }
            };
            self.i = next;
            return Some(Attr {
                name,
                value: &self.s[from..to],
                at: self.at + from..self.at + to,
                has_value: true,
            });
        }
    }
}

/// The tokens of `html`, each with where it stands in the page.
pub fn tokens(html: &str) -> Tokens<'_> {
    Tokens {
        html,
        i: 0,
        raw: None,
    }
}

pub struct Tokens<'a> {
    html: &'a str,
    i: usize,
    /// Inside `<script>` or `<style>`: the end tag that closes it.
    raw: Option<&'static str>,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = (Range<usize>, Token<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (html, b, start) = (self.html, self.html.as_bytes(), self.i);
        if start >= b.len() {
            return None;
        }
        if let Some(close) = self.raw.take() {
            let end =
                find_ignore_case(&b[start..], close.as_bytes()).map_or(b.len(), |o| start + o);
            if end > start {
                self.i = end;
                return Some((start..end, Token::Text(&html[start..end])));
            }
        }
        if b[start] != b'<' || !b.get(start + 1).is_some_and(starts_markup) {
            // Text up to the next `<` that starts markup (a lone `<` is one byte).
            let mut from = if b[start] == b'<' { start + 1 } else { start };
            let end = loop {
                match html[from..].find('<') {
                    None => break b.len(),
                    Some(o) if b.get(from + o + 1).is_some_and(starts_markup) => break from + o,
                    Some(o) => from += o + 1,
                }
            };
            self.i = end;
            return Some((start..end, Token::Text(&html[start..end])));
        }
        let after = start + 1;
        if b[after..].starts_with(b"!--") {
            let end = html[after + 3..]
                .find("-->")
                .map_or(b.len(), |o| after + 3 + o + 3);
            self.i = end;
            return Some((start..end, Token::Other(&html[start..end])));
        }
        if matches!(b[after], b'!' | b'?') {
            let end = html[after..].find('>').map_or(b.len(), |o| after + o + 1);
            self.i = end;
            return Some((start..end, Token::Other(&html[start..end])));
        }
        if b[after] == b'/' {
            let name_start = after + 1;
            let name_end = name_end(b, name_start);
            let end = html[name_end..]
                .find('>')
                .map_or(b.len(), |o| name_end + o + 1);
            self.i = end;
            return Some((start..end, Token::End(&html[name_start..name_end])));
        }
        let name_end = name_end(b, after);
        let name = &html[after..name_end];
        // The tag ends at the first `>` outside a quoted value.
        let mut j = name_end;
        let mut quote: Option<u8> = None;
        while j < b.len() {
            match (quote, b[j]) {
                (None, b'>') => break,
                (None, q @ (b'"' | b'\'')) if after_eq(b, j) => quote = Some(q),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            j += 1;
        }
        let mut tag = Tag {
            name,
            attrs: &html[name_end..j],
            attrs_at: name_end,
            self_closing: false,
        };
        // `<br/>`, `<img src="a"/>`; but in `<a href=/b/>` the slash ends the value.
        tag.self_closing =
            j > name_end && b[j - 1] == b'/' && tag.attrs().last().is_none_or(|a| a.at.end < j);
        let end = (j + 1).min(b.len());
        self.i = end;
        if tag.is("script") {
            self.raw = Some("</script");
        } else if tag.is("style") {
            self.raw = Some("</style");
        }
        Some((start..end, Token::Start(tag)))
    }
}

/// Whether `c`, after a `<`, starts a tag, an end tag or other markup.
fn starts_markup(c: &u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'/' | b'!' | b'?')
}

fn name_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        .map_or(b.len(), |o| from + o)
}

/// Whether the quote at `j` opens a value: `=` before it, spaces allowed between.
fn after_eq(b: &[u8], j: usize) -> bool {
    let mut k = j;
    while k > 0 && b[k - 1].is_ascii_whitespace() {
        k -= 1;
    }
    k > 0 && b[k - 1] == b'='
}

fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Text or an attribute value with its character references turned into characters.
pub fn decode(s: &str) -> Cow<'_, str> {
    if s.contains('&') {
        html_escape::decode_html_entities(s)
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(html: &str) -> Vec<String> {
        tokens(html)
            .map(|(r, t)| {
                assert_eq!(
                    &html[r.clone()],
                    match t {
                        Token::Text(s) | Token::Other(s) => s,
                        _ => &html[r.clone()],
                    }
                );
                match t {
                    Token::Start(t) => {
                        format!("<{}{}>", t.name, if t.self_closing { "/" } else { "" })
                    }
                    Token::End(n) => format!("</{n}>"),
                    Token::Text(s) => format!("'{s}'"),
                    Token::Other(s) => format!("!{s}"),
                }
            })
            .collect()
    }

    #[test]
    fn tokens_cover_the_page_and_respect_quotes_comments_and_scripts() {
        let html = "<!DOCTYPE html><p class=\"a>b\" id=x>1 < 2 &amp; 3<br/><!-- <a href=y> --><script>if (a<b) x='</p>'</script><img alt='>'></p>";
        assert_eq!(
            kinds(html),
            [
                "!<!DOCTYPE html>",
                "<p>",
                "'1 < 2 &amp; 3'",
                "<br/>",
                "!<!-- <a href=y> -->",
                "<script>",
                "'if (a<b) x='</p>''",
                "</script>",
                "<img>",
                "</p>",
            ]
        );
        let covered: usize = tokens(html).map(|(r, _)| r.len()).sum();
        assert_eq!(covered, html.len());
    }

    #[test]
    fn attributes_quoted_bare_and_unquoted_with_their_places() {
        let html = "<a href=\"/b/?x=1&amp;y=2\" hidden data-x='q\"' class=c>";
        let Some((_, Token::Start(tag))) = tokens(html).next() else {
            panic!("no tag")
        };
        let attrs: Vec<(&str, &str)> = tag.attrs().map(|a| (a.name, a.value)).collect();
        assert_eq!(
            attrs,
            [
                ("href", "/b/?x=1&amp;y=2"),
                ("hidden", ""),
                ("data-x", "q\""),
                ("class", "c")
            ]
        );
        for a in tag.attrs() {
            assert_eq!(&html[a.at.clone()], a.value);
        }
        assert_eq!(tag.attr("CLASS"), Some("c"));
        assert_eq!(decode(tag.attr("href").unwrap()), "/b/?x=1&y=2");
    }

    #[test]
    fn a_slash_ends_a_tag_only_outside_an_unquoted_value() {
        let first = |html| match tokens(html).next() {
            Some((_, Token::Start(t))) => (t.self_closing, t.attr("href").or(t.attr("src"))),
            _ => panic!("no tag"),
        };
        assert_eq!(first("<a href=/b/>"), (false, Some("/b/")));
        assert_eq!(first("<img src=\"a\"/>"), (true, Some("a")));
        assert_eq!(first("<img src=a />"), (true, Some("a")));
        assert_eq!(first("<br/>"), (true, None));
        assert_eq!(first("<input disabled/>"), (true, None));
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(
            decode("&amp;lt; &lt;b&gt; &#12354;&#x3042; &quot;&#39;"),
            "&lt; <b> ああ \"'"
        );
        assert_eq!(decode("A&B"), "A&B");
        assert!(matches!(decode("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        assert_eq!(kinds("a <3 b</p>"), ["'a <3 b'", "</p>"]);
        assert_eq!(
            kinds("<p>漢字 < かな</p>"),
            ["<p>", "'漢字 < かな'", "</p>"]
        );
        assert_eq!(kinds("x<"), ["'x<'"]);
    }
}
