//! Writing provider records back as YAML that staff can read and edit: the field order of
//! the documentation, plain scalars where they are safe, quotes only where needed.

use load::yaml::{Kind, Node};

/// A YAML value as the importer builds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Y {
    /// Text, quoted when a plain scalar would be read as something else.
    Str(String),
    /// Written as it is: numbers and dates the loader reads by their form.
    Plain(String),
    /// A list of short scalars, written `[a, b]`.
    Flow(Vec<Y>),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    /// The tree of an existing file, for fields the import does not touch.
    pub fn from_node(n: &Node) -> Y {
        match &n.kind {
            Kind::Scalar { text, plain: true } if safe_plain(text) || looks_typed(text) => {
                Y::Plain(text.clone())
            }
            Kind::Scalar { text, .. } => Y::Str(text.clone()),
            Kind::Seq(items) if items.iter().all(|i| matches!(i.kind, Kind::Scalar { .. })) => {
                Y::Flow(items.iter().map(Y::from_node).collect())
            }
            Kind::Seq(items) => Y::Seq(items.iter().map(Y::from_node).collect()),
            Kind::Map(pairs) => Y::Map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), Y::from_node(v)))
                    .collect(),
            ),
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Y::Str(s) | Y::Plain(s) => Some(s),
            _ => None,
        }
    }
}

/// Numbers, booleans, nulls and dates: plain text of this shape is not a string.
fn looks_typed(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || s.parse::<f64>().is_ok()
        || lower.starts_with("0x")
        || lower.starts_with("0o")
        || s.bytes()
            .all(|b| b.is_ascii_digit() || b"-:.+_ ".contains(&b))
        || s.starts_with('.') && s[1..].parse::<f64>().is_ok()
}

/// Whether `s` reads back as the same string when written without quotes.
fn safe_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    !looks_typed(s)
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !first.is_whitespace()
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s
            .chars()
            .any(|c| c.is_control() || c == '\u{FEFF}' || c == '\u{2028}' || c == '\u{2029}')
}

fn scalar(s: &str) -> String {
    if safe_plain(s) {
        s.to_string()
    } else {
        // JSON strings are YAML double-quoted scalars.
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    }
}

fn inline(y: &Y) -> String {
    match y {
        Y::Str(s) => scalar(s),
        Y::Plain(s) => s.clone(),
        Y::Flow(items) => format!(
            "[{}]",
            items.iter().map(inline).collect::<Vec<_>>().join(", ")
        ),
        Y::Seq(_) | Y::Map(_) => String::new(),
    }
}

/// Writes `pairs` as a block mapping at `indent`; `first` is the prefix of the first line
/// (`- ` for a list item).
pub fn write_map(out: &mut String, pairs: &[(String, Y)], indent: usize, first: &str) {
    for (i, (k, v)) in pairs.iter().enumerate() {
        let pad = if i == 0 {
            format!("{}{first}", " ".repeat(indent - first.len().min(indent)))
        } else {
            " ".repeat(indent)
        };
        let key = scalar(k);
        match v {
            Y::Map(inner) if inner.is_empty() => out.push_str(&format!("{pad}{key}: {{}}\n")),
            Y::Map(inner) => {
                out.push_str(&format!("{pad}{key}:\n"));
                write_map(out, inner, indent + 2, "");
            }
            Y::Seq(items) if items.is_empty() => out.push_str(&format!("{pad}{key}: []\n")),
            Y::Seq(items) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for item in items {
                    match item {
                        Y::Map(m) if !m.is_empty() => write_map(out, m, indent + 4, "- "),
                        other => {
                            out.push_str(&format!("{}  - {}\n", " ".repeat(indent), inline(other)))
                        }
                    }
                }
            }
            other => out.push_str(&format!("{pad}{key}: {}\n", inline(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reparse(text: &str) -> Node {
        load::yaml::parse(text).unwrap().unwrap()
    }

    #[test]
    fn strings_that_look_like_other_things_are_quoted() {
        for s in [
            "0990-12-3456",
            "2026-01-01",
            "123",
            "yes",
            "- a",
            "a: b",
            "#x",
            " x",
            "null",
            "",
            "a\nb",
            "\"q\"",
            "{x}",
        ] {
            let mut out = String::new();
            write_map(&mut out, &[("k".into(), Y::Str(s.into()))], 2, "- ");
            let node = reparse(&out);
            let item = &node.as_seq().unwrap()[0];
            let v = &item.as_map().unwrap()[0].1;
            assert_eq!(v.as_str(), Some(s), "{s:?} written as {out:?}");
            assert!(
                !v.is_null() || s.is_empty() && out.contains("\"\""),
                "{out}"
            );
        }
    }

    #[test]
    fn nested_records_keep_their_shape() {
        let text = "- id: a\n  hours:\n    - days: [mon, tue]\n      open: \"09:00\"\n      close: \"17:00\"\n  accepting:\n    status: full\n";
        let node = reparse(text);
        let y = Y::from_node(&node.as_seq().unwrap()[0]);
        let Y::Map(pairs) = y else { panic!() };
        let mut out = String::new();
        write_map(&mut out, &pairs, 2, "- ");
        assert_eq!(out, text);
    }
}
