//! Helpers shared by the integration tests: the real binary, small sites on disk.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// 2026-11-22 12:00 JST: a fixed "today" so staleness does not drift with the calendar.
pub const EPOCH: &str = "1795316400";

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tsunagu"));
    c.env("SOURCE_DATE_EPOCH", EPOCH)
        .arg("--color")
        .arg("never");
    c
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary; returns (exit code, stderr).
pub fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let o = bin().args(args).output().expect("run tsunagu");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Copies the sample site's sources (not its build output) into `to`.
pub fn copy_sample(to: &Path) {
    for entry in ["site.toml", "content", "themes", "static", "templates"] {
        let from = root().join(entry);
        if from.is_file() {
            std::fs::copy(&from, to.join(entry)).unwrap();
        } else if from.is_dir() {
            for f in files(&from) {
                let rel = f.strip_prefix(root()).unwrap();
                let dest = to.join(rel);
                std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                std::fs::copy(&f, &dest).unwrap();
            }
        }
    }
}

/// Text of one page of a PDF, via poppler's pdftotext.
pub fn pdf_page_text(pdf: &Path, page: u32) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: run the README's test command");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn tool(name: &str, args: &[&std::ffi::OsStr]) -> String {
    let o = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name}: {e} (run the README's test command, which installs it)")
    });
    assert!(
        o.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}
