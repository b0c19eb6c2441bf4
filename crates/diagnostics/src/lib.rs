//! Problems found in a site's sources, with the file, line and column they point at.
//!
//! Loading never stops at the first problem: every step pushes into a [`Diagnostics`]
//! list so that staff see all of them in one run, rustc-style, quoting the line.

pub mod timings;

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

pub use model::Pos;

/// One problem: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user would type it (relative to the site root when possible).
    pub file: PathBuf,
    pub pos: Option<Pos>,
    /// Number of characters to underline from `pos` (at least one).
    pub len: usize,
    pub message: String,
    pub help: Option<Box<str>>,
    /// A stable name for kinds of problem that commands treat specially (e.g. "stale").
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pos,
            len: 1,
            message: message.into(),
            help: None,
            code: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, pos, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the form editors and terminals turn into links.
    pub fn location(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}:{}", self.file.display(), p.line, p.col),
            None => self.file.display().to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {}: {}",
            printable(&self.location()),
            label,
            printable(&self.message)
        )?;
        if let Some(help) = &self.help {
            write!(f, " ({})", printable(help))?;
        }
        Ok(())
    }
}

/// `text` safe to print on a terminal: control characters (escape sequences that move
/// the cursor, clear the screen or write the clipboard) and the marks that reverse the
/// direction of text are shown as `�`, one for one, so columns still count right.
pub fn printable(text: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if text.chars().any(bad) {
        Cow::Owned(
            text.chars()
                .map(|c| if bad(c) { '\u{FFFD}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

/// Lines longer than this are not quoted whole (a 10 MB value is one line): the part
/// around the position is shown instead.
const QUOTE_CHARS: usize = 200;

/// Everything found so far, errors and warnings, in the order found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file and position so output does not depend on thread scheduling.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.pos, a.severity, &a.message).cmp(&(&b.file, b.pos, b.severity, &b.message))
        });
        self.items.dedup();
    }

    /// Prints every diagnostic, quoting the offending source line when it can be read.
    /// `root` is where relative paths in diagnostics are resolved to read the source.
    pub fn emit(&self, root: &Path, color: bool) -> io::Result<()> {
        let choice = if color {
            termcolor::ColorChoice::Always
        } else {
            termcolor::ColorChoice::Never
        };
        let mut out = termcolor::BufferedStandardStream::stderr(choice);
        let config = term::Config::default();
        for d in &self.items {
            // Positions were computed without a byte-order mark, so quote the text without it.
            let source = std::fs::read_to_string(root.join(&d.file))
                .ok()
                .map(|s| s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s));
            let long = |src: &str, pos: Pos| {
                src.split('\n')
                    .nth(pos.line.saturating_sub(1))
                    .is_some_and(|l| l.chars().count() > QUOTE_CHARS)
            };
            match (d.pos, source) {
                (Some(pos), Some(src)) if long(&src, pos) => {
                    // The layout of the quoted form below, with part of the line.
                    let label = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                    };
                    let num = pos.line.to_string();
                    let pad = " ".repeat(num.len());
                    writeln!(out, "{label}: {}", printable(&d.message))?;
                    writeln!(out, "{pad}--> {}", printable(&d.location()))?;
                    writeln!(out, "{pad} |")?;
                    writeln!(out, "{num} | {}", excerpt(&src, pos))?;
                    writeln!(out, "{pad} |")?;
                    if let Some(help) = &d.help {
                        writeln!(out, "{pad} = help: {}", printable(help))?;
                    }
                    writeln!(out)?;
                }
                (Some(pos), Some(src)) => {
                    let file = SimpleFile::new(
                        printable(&d.file.display().to_string()).into_owned(),
                        printable(&src).into_owned(),
                    );
                    let start = byte_offset(file.source(), pos);
                    let end = char_end(file.source(), start, d.len);
                    let mut diag = match d.severity {
                        Severity::Error => CsDiagnostic::error(),
                        Severity::Warning => CsDiagnostic::warning(),
                    }
                    .with_message(printable(&d.message))
                    .with_labels(vec![Label::primary((), start..end)]);
                    if let Some(help) = &d.help {
                        diag = diag.with_notes(vec![format!("help: {}", printable(help))]);
                    }
                    if term::emit_to_write_style(&mut out, &config, &file, &diag).is_err() {
                        writeln!(out, "{d}")?;
                    }
                }
                _ => {
                    writeln!(out, "{d}")?;
                }
            }
        }
        out.flush()
    }
}

/// About 60 characters of the line at `pos`, around its column, made printable.
fn excerpt(src: &str, pos: Pos) -> String {
    let line = src
        .split('\n')
        .nth(pos.line.saturating_sub(1))
        .unwrap_or("");
    let from = pos.col.saturating_sub(20);
    let mut out: String = line.chars().skip(from).take(60).collect();
    if from > 0 {
        out.insert(0, '…');
    }
    if line.chars().count() > from + 60 {
        out.push('…');
    }
    printable(out.trim_end_matches('\r')).into_owned()
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics { items: vec![d] }
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Byte offset of a 1-based line/column (in characters) within `src`, clamped to its end.
pub fn byte_offset(src: &str, pos: Pos) -> usize {
    let mut offset = 0;
    for (i, line) in src.split_inclusive('\n').enumerate() {
        if i + 1 == pos.line {
            let col = pos.col.saturating_sub(1);
            let within = line
                .char_indices()
                .nth(col)
                .map(|(b, _)| b)
                .unwrap_or(line.trim_end_matches(['\n', '\r']).len());
            return offset + within;
        }
        offset += line.len();
    }
    src.len()
}

/// 1-based line/column of a byte offset within `src`.
pub fn pos_of_offset(src: &str, offset: usize) -> Pos {
    let offset = offset.min(src.len());
    let before = &src[..floor_char_boundary(src, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    Pos::new(line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// End of a `len`-character run starting at `start`, not crossing a line end.
fn char_end(src: &str, start: usize, len: usize) -> usize {
    let rest = &src[start..];
    let mut end = start;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if n == len || c == '\n' || c == '\r' {
            break;
        }
        end = start + i + c.len_utf8();
    }
    end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_through_positions_in_japanese_text() {
        let src = "id: a\nname: みどり病院\nphone: x\n";
        let pos = Pos::new(2, 7);
        let off = byte_offset(src, pos);
        assert_eq!(&src[off..off + "みどり".len()], "みどり");
        assert_eq!(pos_of_offset(src, off), pos);
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d =
            Diagnostic::error("content/a.yaml", Some(Pos::new(3, 5)), "bad").with_help("fix it");
        assert_eq!(d.to_string(), "content/a.yaml:3:5: error: bad (fix it)");
    }

    #[test]
    fn terminal_controls_and_direction_marks_are_never_printed() {
        let d = Diagnostic::error(
            "content/\u{1b}]52;c;aGk=\u{7}.md",
            None,
            "名前「トフソ\u{202e}事業所」\u{1b}[2J",
        );
        let shown = d.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert!(shown.contains("トフソ\u{FFFD}事業所"), "{shown}");
        assert_eq!(printable("ふつう\tの\n文"), "ふつう\tの\n文");
    }

    #[test]
    fn a_very_long_line_is_quoted_around_its_column() {
        let src = format!("a\nname: {}X{}\n", "あ".repeat(5000), "い".repeat(5000));
        let e = excerpt(&src, Pos::new(2, 5007));
        assert!(
            e.contains('X') && e.starts_with('…') && e.ends_with('…'),
            "{e}"
        );
        assert!(e.chars().count() <= 62, "{e}");
    }
}
