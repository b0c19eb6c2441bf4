//! One fingerprint of everything a build reads, so a rebuild with nothing changed can
//! stop before loading anything: the sources below the site root, today's date, the
//! options, and the tsunagu program itself. Stored with the output; a match (and every
//! published file still in place) means the output already is what a build would write.

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use diagnostics::{Diagnostic, Diagnostics, Pos, Severity};

/// Folders below the site root that a build reads (besides `site.toml`); `audit` holds
/// the accessibility results the build publishes.
const SOURCE_DIRS: [&str; 5] = ["content", "templates", "static", "themes", "audit"];

/// What a finished build leaves for the next one to skip work by.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Record {
    pub fingerprint: String,
    pub pages: usize,
    pub providers: usize,
    pub files: usize,
    pub bytes: u64,
    /// What the build put at the top of the output folder.
    pub top: Vec<String>,
    /// The build's warnings, shown again when the build is skipped.
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Warning {
    file: PathBuf,
    line: Option<usize>,
    col: Option<usize>,
    len: usize,
    message: String,
    help: Option<String>,
    code: Option<String>,
}

impl Warning {
    pub fn from_diagnostic(d: &Diagnostic) -> Self {
        Warning {
            file: d.file.clone(),
            line: d.pos.map(|p| p.line),
            col: d.pos.map(|p| p.col),
            len: d.len,
            message: d.message.clone(),
            help: d.help.as_deref().map(str::to_string),
            code: d.code.map(str::to_string),
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let pos = self.line.zip(self.col).map(|(l, c)| Pos::new(l, c));
        let mut d = Diagnostic::warning(&self.file, pos, self.message.clone()).with_len(self.len);
        if let Some(h) = &self.help {
            d = d.with_help(h.clone());
        }
        // Codes are a closed set of static names; an unknown one is dropped.
        if self.code.as_deref() == Some("stale") {
            d = d.with_code("stale");
        }
        debug_assert_eq!(d.severity, Severity::Warning);
        d
    }
}

pub fn warnings(d: &Diagnostics) -> Vec<Warning> {
    d.iter()
        .filter(|x| x.severity == Severity::Warning)
        .map(Warning::from_diagnostic)
        .collect()
}

/// BLAKE3 over the program, `options` (anything else that shapes the output, as text),
/// today's date and every source file's path and bytes. `None` when something cannot be
/// read: the build then simply runs in full and reports the problem itself.
pub fn fingerprint(root: &Path, options: &str) -> Option<String> {
    let mut files: Vec<PathBuf> = vec![PathBuf::from(crate::config::CONFIG_FILE)];
    for dir in SOURCE_DIRS {
        let base = root.join(dir);
        if !base.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.ok()?;
            if entry.file_type().is_file() || entry.path_is_symlink() {
                files.push(entry.path().strip_prefix(root).ok()?.to_path_buf());
            }
        }
    }
    let hashes: Option<Vec<blake3::Hash>> = files
        .par_iter()
        .map(|rel| {
            let mut h = blake3::Hasher::new();
            let mut f = std::fs::File::open(root.join(rel)).ok()?;
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).ok()?;
            h.update(rel.to_string_lossy().as_bytes());
            h.update(&[0]);
            h.update(&buf);
            Some(h.finalize())
        })
        .collect();
    let mut all = blake3::Hasher::new();
    all.update(program_identity().as_bytes());
    all.update(options.as_bytes());
    all.update(crate::today().to_string().as_bytes());
    for h in hashes? {
        all.update(h.as_bytes());
    }
    Some(all.finalize().to_hex().to_string())
}

/// The running program: its version, size and modification time, so a rebuilt tsunagu
/// (another theme, another renderer) never reuses an output it did not make.
fn program_identity() -> String {
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    let (len, modified) = meta
        .map(|m| (m.len(), m.modified().ok()))
        .unwrap_or((0, None));
    format!(
        "{} {len} {:?}",
        env!("CARGO_PKG_VERSION"),
        modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
    )
}
