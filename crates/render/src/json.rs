//! JSON as tsunagu publishes it: `<`, `>` and `&` escaped as `\u003c`, `\u003e`, `\u0026`.
//!
//! In JSON text these characters can only occur inside strings, where the escape means the
//! same, so no value can ever read as markup: not when a file is served with the wrong
//! type, nor when it is pasted into a page's `<script>`. Every JSON file and JSON-LD block
//! of the site is written through here.

use std::io::{self, Write};

/// Pretty-printed (the bookkeeping files staff may open).
pub fn pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Escaping(Vec::new());
    serde_json::to_writer_pretty(&mut out, value)?;
    Ok(out.0)
}

/// Compact, as bytes.
pub fn compact<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Escaping(Vec::new());
    serde_json::to_writer(&mut out, value)?;
    Ok(out.0)
}

/// Compact, on one line, as text.
pub fn line<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    // JSON is UTF-8 and the escapes are ASCII.
    compact(value).map(|b| String::from_utf8(b).unwrap_or_default())
}

/// A JSON value as compact text. Writing a `Value` into memory cannot fail, so this
/// needs no error: its `Display` is the compact form, escaped here the same way.
pub fn value_line(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if !text.contains(['<', '>', '&']) {
        return text;
    }
    text.replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

/// What could not be written as JSON, as a problem naming the file it was for. (Writing
/// into memory fails only for a value JSON cannot hold, which would be tsunagu's fault.)
pub fn failed(path: &str, e: &serde_json::Error) -> diagnostics::Diagnostic {
    diagnostics::Diagnostic::error(
        path,
        None,
        format!("{path} の JSON を作れませんでした: {e}"),
    )
    .with_help("tsunagu の不具合です。このメッセージを添えて、担当の開発者に知らせてください")
}

/// Compact, straight into `w` (files too large to hold as text besides the data).
pub fn to_writer<W: Write, T: serde::Serialize + ?Sized>(w: W, value: &T) -> io::Result<W> {
    let mut out = Escaping(w);
    serde_json::to_writer(&mut out, value).map_err(io::Error::other)?;
    out.flush()?;
    Ok(out.0)
}

/// Escapes `<`, `>` and `&` in JSON text as it is written.
struct Escaping<W>(W);

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|b| matches!(b, b'<' | b'>' | b'&')) {
            self.0.write_all(&rest[..i])?;
            self.0.write_all(match rest[i] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            })?;
            rest = &rest[i + 1..];
        }
        self.0.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_characters_never_appear_in_published_json() {
        let v = serde_json::json!({"name": "</script><b>A&B</b>"});
        let s = super::line(&v).unwrap();
        assert_eq!(
            s,
            r#"{"name":"\u003c/script\u003e\u003cb\u003eA\u0026B\u003c/b\u003e"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
        assert!(
            !String::from_utf8(super::pretty(&v).unwrap())
                .unwrap()
                .contains('<')
        );
    }
}
