//! Minifies HTML templates once, when they are loaded, instead of every page they make.
//!
//! minify-html runs at about 30 MB/s a core, so minifying 10,000 finished pages took longer
//! than rendering them. A page's markup comes almost entirely from its templates, so
//! minifying those gives nearly the same bytes for a few milliseconds. Tera's tags are
//! swapped for placeholders first, so the minifier sees plain HTML whatever context a tag
//! sits in (text, attribute value or between attributes), then put back.

/// Placeholder delimiters: private-use characters, which no template contains. The quote
/// inside forces the minifier to keep quotes around an attribute value holding a tag, so
/// a value that later renders with a space stays one value.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// The minifier settings for templates (the tests compare pages with the same ones).
pub fn cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        // What later releases do by default: `<!doctype html>` and attribute lists as the
        // HTML standard writes them, so validators and old browsers read the pages alike.
        do_not_minify_doctype: true,
        ensure_spec_compliant_unquoted_attribute_values: true,
        keep_spaces_between_attributes: true,
        ..minify_html::Cfg::default()
    }
}

/// The template's text minified, or the text unchanged when it cannot be done safely.
pub fn minify_template(text: &str) -> String {
    if text.contains(OPEN) || text.contains(CLOSE) {
        return text.to_string();
    }
    let Some((protected, tags)) = protect(text) else {
        return text.to_string();
    };
    let out = minify_html::minify(protected.as_bytes(), &cfg());
    let Ok(out) = String::from_utf8(out) else {
        return text.to_string();
    };
    restore(&out, &tags).unwrap_or_else(|| text.to_string())
}

/// Replaces Tera's tags with numbered placeholders. Inside a start tag, a tag that stands
/// where attributes go (`{% if x %}aria-current="page"{% endif %}`) is hidden together with
/// the attributes it governs, as one attribute-like placeholder: the minifier reorders
/// attributes, which must not separate an `{% if %}` from its `{% endif %}`.
fn protect(text: &str) -> Option<(String, Vec<&str>)> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut tags = Vec::new();
    let (mut i, mut copied) = (0, 0);
    // Inside `<name …>` (after the name), and inside a quoted value there.
    let mut in_tag: Option<usize> = None;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        if is_open(b, i) {
            let (from, to) = match (in_tag, quote) {
                (Some(name_end), None) => {
                    // Back to where this attribute starts (never into a quoted value).
                    let low = copied.max(name_end);
                    let attr = b[low..i]
                        .iter()
                        .rposition(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\''))
                        .map_or(low, |p| low + p + 1);
                    (attr, run_end(text, i)?)
                }
                _ => (i, i + tag_len(&text[i..])?),
            };
            out.push_str(&text[copied..from]);
            tags.push(&text[from..to]);
            out.push_str(&placeholder(tags.len() - 1));
            (i, copied) = (to, to);
            continue;
        }
        let c = b[i];
        match (in_tag, quote) {
            (None, _)
                if c == b'<'
                    && b.get(i + 1)
                        .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/') =>
            {
                let name_end = i
                    + 1
                    + b[i + 1..]
                        .iter()
                        .position(|n| n.is_ascii_whitespace() || matches!(n, b'>' | b'{'))
                        .unwrap_or(b.len() - i - 1);
                in_tag = Some(name_end);
                i = name_end;
                continue;
            }
            // minify-html drops an input's default `type="text"`; stylesheets select by it,
            // so it is hidden like a tag (its placeholder sorts last, where it stood).
            (Some(name_end), None)
                if text[..name_end].ends_with("<input")
                    && b[i - 1].is_ascii_whitespace()
                    && text[i..].starts_with(TYPE_TEXT) =>
            {
                out.push_str(&text[copied..i]);
                tags.push("type=text");
                out.push_str(&placeholder(tags.len() - 1));
                i += TYPE_TEXT.len();
                copied = i;
                continue;
            }
            (Some(_), None) if c == b'>' => in_tag = None,
            (Some(_), None) if matches!(c, b'"' | b'\'') => quote = Some(c),
            (Some(_), Some(q)) if c == q => quote = None,
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Some((out, tags))
}

const TYPE_TEXT: &str = "type=\"text\"";

fn is_open(b: &[u8], i: usize) -> bool {
    b[i] == b'{'
        && b.get(i + 1)
            .is_some_and(|n| matches!(n, b'{' | b'%' | b'#'))
}

/// End of the attribute-position run starting with the tag at `i`: where every block it
/// opens is closed and the attribute ends (whitespace, `>` or `/>`).
fn run_end(text: &str, mut i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    while i < b.len() {
        if is_open(b, i) {
            let len = tag_len(&text[i..])?;
            let word = text[i + 2..i + len - 2]
                .trim_matches(|c: char| c == '-' || c.is_whitespace())
                .split_whitespace()
                .next()
                .unwrap_or("");
            if b[i + 1] == b'%' {
                if matches!(word, "if" | "for" | "filter" | "macro" | "block" | "raw") {
                    depth += 1;
                } else if word.starts_with("end") {
                    depth = depth.checked_sub(1)?;
                }
            }
            i += len;
            continue;
        }
        match b[i] {
            c if depth == 0 && (c.is_ascii_whitespace() || c == b'>' || c == b'/') => {
                return Some(i);
            }
            q @ (b'"' | b'\'') => i += 1 + b[i + 1..].iter().position(|c| *c == q)?,
            _ => {}
        }
        i += 1;
    }
    None
}

fn placeholder(i: usize) -> String {
    format!("{OPEN}'{i}'{CLOSE}")
}

/// Length of the tag at the start of `s`, skipping quoted strings inside it; `None` when
/// it never closes (Tera reports that itself, with the right position).
fn tag_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let close = match b[1] {
        b'{' => b'}',
        b'%' => b'%',
        _ => b'#',
    };
    let mut i = 2;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        match quote {
            Some(q) if b[i] == q => quote = None,
            Some(_) => {}
            None if close != b'#' && matches!(b[i], b'"' | b'\'' | b'`') => quote = Some(b[i]),
            None if b[i] == close && b.get(i + 1) == Some(&b'}') => return Some(i + 2),
            None => {}
        }
        i += 1;
    }
    None
}

/// Puts the tags back; `None` if the minifier dropped or duplicated a placeholder.
/// (Attributes may come back in another order, and their placeholders with them.)
fn restore(text: &str, tags: &[&str]) -> Option<String> {
    let mut out = String::with_capacity(text.len() + tags.iter().map(|t| t.len()).sum::<usize>());
    let mut seen = vec![false; tags.len()];
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let end = after.find(CLOSE)?;
        let n: usize = after[..end].trim_matches('\'').parse().ok()?;
        if std::mem::replace(seen.get_mut(n)?, true) {
            return None;
        }
        out.push_str(tags[n]);
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    seen.iter().all(|s| *s).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::minify_template as m;

    #[test]
    fn whitespace_goes_and_tags_stay_where_they_were() {
        let t = "<ul>\n  {% for p in ps %}\n  <li class=\"card\">\n    <a href=\"{{ p.path }}\">{{ p.name }}</a>\n  </li>\n  {% endfor %}\n</ul>\n";
        let out = m(t);
        assert!(out.len() < t.len(), "{out}");
        assert!(
            out.contains("{% for p in ps %}") && out.contains("{% endfor %}"),
            "{out}"
        );
        assert!(out.contains("href=\"{{ p.path }}\""), "quotes kept: {out}");
    }

    #[test]
    fn a_tag_between_attributes_survives() {
        let t = "<a href=\"/\" {% if cur %}aria-current=\"page\"{% endif %}>x</a>";
        let out = m(t);
        assert!(out.contains("{% if cur %}aria-current="), "{out}");
        assert!(out.contains("{% endif %}"), "{out}");
    }

    #[test]
    fn quotes_inside_tags_do_not_end_them() {
        let t = "<p title=\"{{ x | default(value=\"%} }}\") }}\">  a  </p>";
        let out = m(t);
        assert!(out.contains("{{ x | default(value=\"%} }}\") }}"), "{out}");
    }

    #[test]
    fn the_sample_base_template_is_minified() {
        let t = include_str!("../../../../themes/default/templates/base.html");
        let out = m(t);
        assert!(out.len() < t.len() && !out.contains("\n<"), "{out}");
        assert!(!out.contains(super::OPEN));
    }

    #[test]
    fn a_text_fields_type_stays_for_the_stylesheets() {
        let t = "<form>\n  <input type=\"text\" id=\"a\" data-key=\"{{ k }}\">\n  <input type=\"search\" name=\"q\">\n</form>";
        let out = m(t);
        assert!(out.contains("type=text>"), "{out}");
        assert!(out.contains("type=search"), "{out}");
    }

    #[test]
    fn an_unclosed_tag_leaves_the_template_alone() {
        let t = "<p>  {{ x  </p>";
        assert_eq!(m(t), t);
    }

    #[test]
    fn scripts_and_preformatted_text_keep_their_spaces() {
        let t = "<pre>  a\n  b {{ x }}</pre><script>\n  var a = \"{{ y }}\";\n</script>";
        let out = m(t);
        assert!(out.contains("<pre>  a\n  b {{ x }}</pre>"), "{out}");
        assert!(out.contains("var a = \"{{ y }}\";"), "{out}");
    }
}
