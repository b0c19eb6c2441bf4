//! Step 4 of a build: hash, write everything into a staging folder beside the output,
//! then swap it in. A build that fails before the swap leaves the old output untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::BTreeMap;

use crate::diagnostics::Diagnostic;
use crate::outputs::{Content, OutputFile};
use crate::report::{ChangeReport, Snapshot};

/// Present in every folder tsunagu wrote; only such folders are ever replaced.
pub const MARKER: &str = ".tsunagu-output";

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Replace an output folder even when it does not look like ours.
    pub force: bool,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteStats {
    pub files: usize,
    pub bytes: u64,
    /// Files whose bytes changed (the rest were linked from the previous output).
    pub written: usize,
}

/// Suffix of the folder beside the output that holds the site as it was before the last
/// build (sharing unchanged files with it), from which the next build starts.
pub const SPARE: &str = ".tsunagu-spare";

/// Where a build keeps what the next build compares against.
pub const STATE_DIR: &str = ".tsunagu";
const MANIFEST: &str = ".tsunagu/manifest.json";
const PROVIDERS: &str = ".tsunagu/providers.json";
pub const REPORT: &str = ".tsunagu/report.json";
const INPUTS: &str = ".tsunagu/inputs.json";

/// What a build records beside the site for the next one.
pub struct State<'a> {
    pub providers: &'a Snapshot,
    pub report: &'a ChangeReport,
    /// Absent when the inputs could not all be read (the next build then runs in full).
    pub inputs: Option<&'a crate::inputs::Record>,
}

/// A file ready to publish: final bytes and their hash.
pub struct Prepared {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub hash: String,
}

/// What the previous build left in the output folder.
#[derive(Debug, Default)]
pub struct Previous {
    /// Output path → BLAKE3 hash of its bytes.
    pub files: BTreeMap<String, String>,
    pub providers: Option<Snapshot>,
}

/// Hashes every file, in parallel. (Pages come out minified already: the templates are
/// minified when they are loaded.)
pub fn prepare(root: &Path, files: Vec<OutputFile>) -> Result<Vec<Prepared>, Diagnostic> {
    Ok(contents(root, files)?
        .into_par_iter()
        .map(|(path, bytes)| {
            let hash = blake3::hash(&bytes).to_hex().to_string();
            Prepared { path, bytes, hash }
        })
        .collect())
}

/// Every file's final bytes (static files read from the site), in parallel.
pub fn contents(
    root: &Path,
    files: Vec<OutputFile>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Diagnostic> {
    files
        .into_par_iter()
        .map(|f| {
            let bytes = match f.content {
                Content::Html(s) => s.into_bytes(),
                Content::Bytes(b) => b,
                Content::Embedded(b) => b.to_vec(),
                Content::Copy(src) => {
                    let from = root.join(&src);
                    fs::read(&from).map_err(|e| io_error(&from, &e))?
                }
            };
            Ok((f.path, bytes))
        })
        .collect()
}

pub fn manifest(files: &[Prepared]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|f| (key(&f.path), f.hash.clone()))
        .collect()
}

fn key(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The previous build's manifest and provider data, when `out_dir` is a tsunagu output.
pub fn previous(out_dir: &Path) -> Option<Previous> {
    if !out_dir.join(MARKER).is_file() {
        return None;
    }
    let files = fs::read(out_dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let providers = fs::read(out_dir.join(PROVIDERS))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    Some(Previous { files, providers })
}

/// The previous build's record of its inputs, if it left one.
pub fn previous_inputs(out_dir: &Path) -> Option<crate::inputs::Record> {
    if !out_dir.join(MARKER).is_file() {
        return None;
    }
    serde_json::from_slice(&fs::read(out_dir.join(INPUTS)).ok()?).ok()
}

/// Whether the previous build's output still looks whole: everything it put at the top
/// of the output folder (`top`) is there. (Looking at every file would read the whole
/// tree from disk, about 2 s for 10,000 pages on a cold cache; a file removed deeper
/// down by hand comes back with the next build that has something to change.)
pub fn intact(out_dir: &Path, top: &[String]) -> bool {
    let Ok(entries) = fs::read_dir(out_dir) else {
        return false;
    };
    let present: std::collections::HashSet<std::ffi::OsString> =
        entries.flatten().map(|e| e.file_name()).collect();
    !top.is_empty()
        && top
            .iter()
            .all(|t| present.contains(std::ffi::OsStr::new(t)))
}

/// The names at the top of the output folder (files and folders), for [`intact`].
pub fn top_level(files: &[Prepared]) -> Vec<String> {
    let mut top: Vec<String> = files
        .iter()
        .filter_map(|f| f.path.components().next())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    top.sort();
    top.dedup();
    top
}

/// Records the inputs of a build that found the output already right (nothing else is
/// written). Written beside and renamed over, so it is never half there.
pub fn record_inputs(out_dir: &Path, inputs: &crate::inputs::Record) {
    let (Ok(bytes), true) = (safe_json(inputs), out_dir.join(MARKER).is_file()) else {
        return;
    };
    let tmp = out_dir.join(format!("{INPUTS}.{}", std::process::id()));
    if fs::write(&tmp, bytes).is_ok() && fs::rename(&tmp, out_dir.join(INPUTS)).is_err() {
        let _ = fs::remove_file(&tmp);
    }
}

/// Writes `files` as the new content of `out_dir`, with the state the next build compares
/// against. Files whose hash matches the previous build are hard-linked, not rewritten.
pub fn publish(
    root: &Path,
    out_dir: &Path,
    files: &[Prepared],
    state: &State,
    opts: WriteOptions,
) -> Result<WriteStats, Diagnostic> {
    check_target(root, out_dir, opts.force)?;
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    let staging = parent.join(format!(".{name}.tsunagu-new-{}", std::process::id()));
    let spare = parent.join(format!(".{name}{SPARE}"));
    let _ = fs::remove_dir_all(&staging);
    remove_abandoned(parent, &name);
    // The site as it was before the last build, kept beside the output, becomes the new
    // one by writing only what differs; a build killed meanwhile leaves it as an abandoned
    // staging folder, removed next time (and that build starts from scratch).
    let base = (!opts.force && spare.join(MARKER).is_file())
        .then(|| {
            fs::rename(&spare, &staging)
                .ok()
                .and_then(|_| previous(&staging))
        })
        .flatten();

    // The two large ones compact: at 10,000 records they are 1 and 15 MB pretty-printed.
    let compact = |v: serde_json::Result<String>| v.map(String::into_bytes);
    let mut records = vec![
        (MANIFEST, compact(safe_json_line(&manifest(files)))),
        (PROVIDERS, compact(safe_json_line(state.providers))),
        (REPORT, safe_json(state.report)),
    ];
    if let Some(inputs) = state.inputs {
        records.push((INPUTS, safe_json(inputs)));
    }
    let tree = match &base {
        Some(base) => update_tree(&staging, files, base),
        // Without a kept site, unchanged files are linked from the published one.
        None => write_tree(out_dir, &staging, files, previous(out_dir).as_ref()),
    };
    let result = tree.and_then(|mut stats| {
        fs::create_dir_all(staging.join(STATE_DIR)).map_err(|e| io_error(&staging, &e))?;
        for (path, bytes) in &records {
            let bytes = bytes
                .as_ref()
                .map_err(|e| Diagnostic::error(*path, None, e.to_string()))?;
            replace_file(&staging.join(path), bytes)?;
        }
        swap_in(&staging, out_dir, &spare).map_err(|e| io_error(out_dir, &e))?;
        stats.files = files.len();
        Ok(stats)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// JSON for the published bookkeeping files. `<`, `>` and `&` are escaped (they can only
/// occur inside strings), so no data can ever read as markup, whatever serves the file.
pub fn safe_json<T: serde::Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let text = String::from_utf8(serde_json::to_vec_pretty(value)?).unwrap_or_default();
    Ok(text
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .into_bytes())
}

/// One value as compact JSON on one line, escaped like [`safe_json`].
pub fn safe_json_line<T: serde::Serialize>(value: &T) -> serde_json::Result<String> {
    Ok(serde_json::to_string(value)?
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026"))
}

/// Makes `dir`, a copy of an earlier site described by `base`, into the site of `files`:
/// files whose bytes differ are written (as new files, renamed into place, since unchanged
/// ones share their inode with the published site), files no longer made are removed.
fn update_tree(dir: &Path, files: &[Prepared], base: &Previous) -> Result<WriteStats, Diagnostic> {
    let written: Result<Vec<bool>, Diagnostic> = files
        .par_iter()
        .map(|f| {
            if base.files.get(&key(&f.path)) == Some(&f.hash) {
                return Ok(false);
            }
            let target = dir.join(&f.path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
            }
            replace_file(&target, &f.bytes)?;
            Ok(true)
        })
        .collect();
    let written = written?;
    let made: std::collections::HashSet<String> = files.iter().map(|f| key(&f.path)).collect();
    for gone in base.files.keys().filter(|k| !made.contains(*k)) {
        let path = dir.join(gone);
        let _ = fs::remove_file(&path);
        // Folders left empty go too, as a fresh build would not have them.
        let mut up = path.parent();
        while let Some(d) = up.filter(|d| *d != dir) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            up = d.parent();
        }
    }
    Ok(WriteStats {
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
        written: written.iter().filter(|w| **w).count(),
    })
}

/// Writes a new file beside `path` and renames it over: never into an existing inode.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tsunagu-tmp"));
    fs::write(&tmp, bytes)
        .and_then(|_| fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = fs::remove_file(&tmp);
            io_error(path, &e)
        })
}

fn write_tree(
    out_dir: &Path,
    dir: &Path,
    files: &[Prepared],
    old: Option<&Previous>,
) -> Result<WriteStats, Diagnostic> {
    fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.path.parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(|e| io_error(d, &e))?;
    }
    let written: Result<Vec<bool>, Diagnostic> = files
        .par_iter()
        .map(|f| {
            let target = dir.join(&f.path);
            let unchanged = old.and_then(|o| o.files.get(&key(&f.path))) == Some(&f.hash);
            // An unchanged file keeps its inode, bytes and modification time.
            if unchanged && fs::hard_link(out_dir.join(&f.path), &target).is_ok() {
                return Ok(false);
            }
            fs::write(&target, &f.bytes).map_err(|e| io_error(&target, &e))?;
            Ok(true)
        })
        .collect();
    fs::write(
        dir.join(MARKER),
        "tsunagu が書き出したフォルダです。ビルドのたびに作り直されます。\n",
    )
    .map_err(|e| io_error(dir, &e))?;
    let written = written?;
    Ok(WriteStats {
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
        written: written.iter().filter(|w| **w).count(),
    })
}

/// Moves the old output aside and the new one in. The old one is kept as `spare`, the
/// base of the next build, or deleted where the swap cannot be atomic.
fn swap_in(staging: &Path, out_dir: &Path, spare: &Path) -> io::Result<()> {
    // One atomic exchange where the system has it (Linux): at no instant is there no
    // published site, even if the build is killed right here.
    #[cfg(target_os = "linux")]
    if out_dir.exists()
        && rustix::fs::renameat_with(
            rustix::fs::CWD,
            staging,
            rustix::fs::CWD,
            out_dir,
            rustix::fs::RenameFlags::EXCHANGE,
        )
        .is_ok()
    {
        // The previous site now sits at the staging path.
        if fs::rename(staging, spare).is_err() {
            let _ = fs::remove_dir_all(staging);
        }
        return Ok(());
    }
    if out_dir.exists() {
        let old = staging.with_file_name(
            staging
                .file_name()
                .map(|n| n.to_string_lossy().replace("-new-", "-old-"))
                .unwrap_or_default(),
        );
        let _ = fs::remove_dir_all(&old);
        fs::rename(out_dir, &old)?;
        if let Err(e) = fs::rename(staging, out_dir) {
            // Put the previous site back rather than leave nothing published.
            let _ = fs::rename(&old, out_dir);
            return Err(e);
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    } else {
        fs::rename(staging, out_dir)
    }
}

/// Staging folders of builds that were killed (their process is gone) are removed, so an
/// interrupted build leaves nothing behind for long.
fn remove_abandoned(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".tsunagu-new-", ".tsunagu-old-"]
            .iter()
            .find_map(|mark| file.strip_prefix(&format!(".{name}{mark}")))
            .and_then(|p| p.parse::<u32>().ok());
        let alive = |pid: u32| Path::new(&format!("/proc/{pid}")).exists();
        if let Some(pid) = pid
            && pid != std::process::id()
            && cfg!(target_os = "linux")
            && !alive(pid)
        {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Refuses output folders whose replacement would destroy something that is not ours.
fn check_target(root: &Path, out_dir: &Path, force: bool) -> Result<(), Diagnostic> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(out_dir));
    let refuse = |why: &str| {
        Err(Diagnostic::error(
            out_dir,
            None,
            format!("出力先「{}」には書き出せません: {why}", out_dir.display()),
        )
        .with_help("--output で、サイトの外の新しいフォルダ（例: public）を指定してください"))
    };
    if root_abs.starts_with(&out_abs) {
        return refuse("サイトのフォルダそのもの、またはそれを含むフォルダです");
    }
    for src in ["content", "templates", "static", "themes"] {
        if out_abs.starts_with(root_abs.join(src)) {
            return refuse(&format!("サイトの原稿のフォルダ（{src}/）の中です"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && out_abs == abs(&home)
    {
        return refuse("ホームフォルダです");
    }
    if out_abs.parent().is_none() || out_abs.components().count() <= 2 && !force {
        return refuse("システムのフォルダです");
    }
    let is_empty = fs::read_dir(out_dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true);
    if out_dir.exists() && !is_empty && !out_dir.join(MARKER).exists() && !force {
        return refuse(&format!(
            "tsunagu が作ったフォルダではありません（{MARKER} がありません）。中身を消さないよう止めました。\
             置き換えてよければ --force を付けてください"
        ));
    }
    Ok(())
}

fn io_error(path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(path, None, format!("書き出しに失敗しました: {e}"))
        .with_help("ディスクの空きと、フォルダに書き込めるかを確かめてください")
}
