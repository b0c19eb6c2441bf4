//! What a command adds to a folder the user chose (PDFs, confirmation sheets, a change
//! report): the same door as a site's output. The folder is checked first (never a
//! source folder, never someone else's files without `--force`), each file is written
//! beside its place and renamed over, so none is ever half there, and the folder is
//! marked as holding tsunagu's files.

use std::fs;
use std::path::{Path, PathBuf};

use diagnostics::Diagnostic;

use crate::outdir::{self, Kind};

/// Writes `files` (paths relative to `dir`) into `dir`; returns their full paths.
pub fn add(
    root: &Path,
    dir: &Path,
    files: &[(PathBuf, Vec<u8>)],
    force: bool,
) -> Result<Vec<PathBuf>, Diagnostic> {
    let names: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    outdir::check(root, dir, &Kind::Files(&names), force)?;
    let mut written = Vec::with_capacity(files.len());
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| crate::io_error(parent, &e))?;
        }
        crate::replace_file(&path, bytes)?;
        written.push(path);
    }
    outdir::mark_files(dir).map_err(|e| crate::io_error(dir, &e))?;
    Ok(written)
}

/// Writes one file the user named (a report), where a source or a folder is never hit.
pub fn one(root: &Path, file: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    outdir::check(root, file, &Kind::File, false)?;
    crate::replace_file(file, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_land_whole_and_the_folder_is_marked() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("site.toml"), "").unwrap();
        let out = root.path().join("pdf");
        let files = vec![
            (PathBuf::from("a.pdf"), b"%PDF-a".to_vec()),
            (PathBuf::from("sub/b.html"), b"<p>b".to_vec()),
        ];
        let written = add(root.path(), &out, &files, false).unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(std::fs::read(out.join("sub/b.html")).unwrap(), b"<p>b");
        assert!(out.join(crate::outdir::FILES_MARKER).is_file());
        // A second run replaces them: the folder is ours now.
        let again = vec![(PathBuf::from("a.pdf"), b"%PDF-2".to_vec())];
        add(root.path(), &out, &again, false).unwrap();
        assert_eq!(std::fs::read(out.join("a.pdf")).unwrap(), b"%PDF-2");
        let leftovers: Vec<_> = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains("tsunagu-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
