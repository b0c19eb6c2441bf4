//! The preview's folder (`serve`), written in place: it is the preview's own, so what is
//! on disk is what the last build wrote, and only files whose bytes changed are written.
//! Published sites go through [`super::Staging`] instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use diagnostics::Diagnostic;

/// Output path (with `/`) → bytes of the last good build.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

pub struct Preview {
    out_dir: PathBuf,
    files: Files,
}

impl Preview {
    pub fn new(out_dir: PathBuf) -> Self {
        Preview {
            out_dir,
            files: Files::new(),
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Whether `path` is inside the preview's folder (its own writes are no edits).
    pub fn holds(&self, path: &Path) -> bool {
        path.starts_with(&self.out_dir)
    }

    /// Takes in a build that rendered part of the site (the rest stays as it is); returns
    /// how many files were written.
    pub fn update(&mut self, made: Files) -> Result<usize, Diagnostic> {
        let changed: Vec<(&String, &Arc<Vec<u8>>)> = made
            .iter()
            .filter(|(key, bytes)| self.files.get(*key).is_none_or(|old| old != *bytes))
            .collect();
        changed.par_iter().try_for_each(|(key, bytes)| {
            let old = self.files.get(*key).map(|b| b.as_slice());
            patch_file(&self.out_dir, key, old, bytes)
        })?;
        let written = changed.len();
        self.files.extend(made);
        Ok(written)
    }

    /// Takes in a whole build: writes files whose bytes changed and removes files no
    /// longer produced; returns how many files were written.
    pub fn replace(&mut self, next: Files) -> Result<usize, Diagnostic> {
        let mut written = 0;
        for (path, bytes) in &next {
            if self
                .files
                .get(path)
                .is_some_and(|old| Arc::ptr_eq(old, bytes) || old == bytes)
            {
                continue;
            }
            write_file(&self.out_dir, path, bytes)?;
            written += 1;
        }
        for path in self.files.keys().filter(|k| !next.contains_key(*k)) {
            let _ = std::fs::remove_file(self.out_dir.join(path));
        }
        self.files = next;
        Ok(written)
    }
}

/// Writes `new` over the file that holds `old`. When the length is the same (a phone
/// number or a status changed), only the bytes from the first to the last difference are
/// written: the whole-site files are 10 MB at 10,000 records, and rewriting them was most
/// of an edit's time on disk. The preview's folder is its own, so the file on disk is
/// what the last build wrote; its length is checked all the same.
fn patch_file(
    out_dir: &Path,
    path: &str,
    old: Option<&[u8]>,
    new: &[u8],
) -> Result<(), Diagnostic> {
    let target = out_dir.join(path);
    if let Some(old) = old
        && old.len() == new.len()
        && std::fs::metadata(&target).is_ok_and(|m| m.len() == new.len() as u64)
    {
        let Some(first) = old.iter().zip(new).position(|(a, b)| a != b) else {
            return Ok(());
        };
        let tail = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .position(|(a, b)| a != b);
        let last = new.len() - tail.unwrap_or(0);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(|e| Diagnostic::error(&target, None, e.to_string()))?;
        return write_at(&file, &new[first..last], first as u64)
            .map_err(|e| Diagnostic::error(&target, None, e.to_string()));
    }
    write_file(out_dir, path, new)
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut bytes: &[u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn write_at(mut file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    file.seek(SeekFrom::Start(at))?;
    file.write_all(bytes)
}

fn write_file(out_dir: &Path, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
    let target = out_dir.join(path);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Diagnostic::error(dir, None, e.to_string()))?;
    }
    std::fs::write(&target, bytes).map_err(|e| Diagnostic::error(&target, None, e.to_string()))
}
