//! Step 4 of a build: hash, write everything into a staging folder beside the output,
//! then swap it in. A build that fails before the swap leaves the old output untouched.

pub mod files;
pub mod outdir;
pub mod report;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::PoisonError;

use rayon::prelude::*;

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::report::{ChangeReport, Snapshot};
use diagnostics::Diagnostic;
use render::outputs::{Content, OutputFile};

pub mod preview;
pub use preview::Preview;

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

/// Suffix of the folder beside the output where a build keeps what the next build
/// compares against (never inside the output: everything there is uploaded). It holds
/// the latest change report, and per site generation — named in each site folder's
/// marker, so the records always belong to the files they describe — the manifest, the
/// providers' snapshot and the inputs' fingerprint.
pub const STATE: &str = ".tsunagu-state";
const MANIFEST: &str = "manifest.json";
const PROVIDERS: &str = "providers.json";
const INPUTS: &str = "inputs.json";
const REPORT: &str = "report.json";
/// Where builds before the state moved beside the output kept it (read once, then gone).
const LEGACY_STATE: &str = ".tsunagu";

/// The state folder of the output `out_dir`: `.public.tsunagu-state` beside `public`.
pub fn state_root(out_dir: &Path) -> PathBuf {
    let (parent, name) = beside(out_dir);
    parent.join(format!(".{name}{STATE}"))
}

/// The latest build's change report (`tsunagu build` writes it beside the output).
pub fn report_file(out_dir: &Path) -> PathBuf {
    state_root(out_dir).join(REPORT)
}

/// The folder an output lives in, and its name.
fn beside(out_dir: &Path) -> (PathBuf, String) {
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent.to_path_buf(), name)
}

/// The generation a site folder's marker names.
fn generation_of(site_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(site_dir.join(MARKER)).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("generation "))
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The folder holding the records of the site published at `out_dir` (its manifest,
/// providers' snapshot and inputs' fingerprint), when it has them.
pub fn records_dir(out_dir: &Path) -> Option<PathBuf> {
    records_of(out_dir, out_dir).filter(|d| d.is_dir())
}

/// The records of the site in `site_dir` (the output, or the kept site beside it).
fn records_of(out_dir: &Path, site_dir: &Path) -> Option<PathBuf> {
    match generation_of(site_dir) {
        Some(g) => Some(state_root(out_dir).join(g)),
        None => Some(site_dir.join(LEGACY_STATE)).filter(|d| d.is_dir()),
    }
}

/// A site's generation: a hash of what it holds, so the same site is the same generation.
fn generation(manifest: &BTreeMap<String, String>) -> String {
    let mut h = blake3::Hasher::new();
    for (k, v) in manifest {
        h.update(k.as_bytes())
            .update(b"\0")
            .update(v.as_bytes())
            .update(b"\n");
    }
    h.finalize().to_hex()[..16].to_string()
}

/// What a build records beside the site for the next one.
pub struct State<'a> {
    pub providers: &'a Snapshot,
    pub report: &'a ChangeReport,
    /// Absent when the inputs could not all be read (the next build then runs in full).
    pub inputs: Option<&'a load::inputs::Record>,
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

/// A file of the new site once its bytes are in the staging folder.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub hash: String,
    pub len: u64,
    /// An HTML page (counted as a page in the summary).
    pub page: bool,
}

/// The manifest of written entries.
pub fn manifest_of(entries: &[Entry]) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|e| (key(&e.path), e.hash.clone()))
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
    let records = records_of(out_dir, out_dir);
    let read = |name: &str| records.as_ref().and_then(|r| fs::read(r.join(name)).ok());
    let files = read(MANIFEST)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let providers = read(PROVIDERS).and_then(|b| serde_json::from_slice(&b).ok());
    Some(Previous { files, providers })
}

/// The previous build's record of its inputs, if it left one.
pub fn previous_inputs(out_dir: &Path) -> Option<load::inputs::Record> {
    if !out_dir.join(MARKER).is_file() {
        return None;
    }
    let records = records_of(out_dir, out_dir)?;
    serde_json::from_slice(&fs::read(records.join(INPUTS)).ok()?).ok()
}

/// Whether the previous build's output still looks as it left it: everything it put at
/// the top of the output folder (`top`) is there, and nothing else is (a `tsunagu stale
/// --output public` of old wrote 確認票 there). (Looking at every file would read the
/// whole tree from disk, about 2 s for 10,000 pages on a cold cache; a file changed deeper
/// down by hand is set right by the next build that has something to change.)
pub fn intact(out_dir: &Path, top: &[String]) -> bool {
    let Ok(entries) = fs::read_dir(out_dir) else {
        return false;
    };
    let present: std::collections::HashSet<std::ffi::OsString> =
        entries.flatten().map(|e| e.file_name()).collect();
    let ours = |name: &std::ffi::OsStr| {
        name == MARKER || top.iter().any(|t| std::ffi::OsStr::new(t) == name)
    };
    !top.is_empty()
        && top
            .iter()
            .all(|t| present.contains(std::ffi::OsStr::new(t)))
        && present.iter().all(|n| ours(n))
}

/// Files in a site folder that the build described by `manifest` did not make (the
/// marker and the bookkeeping aside). Folders of one page each (`providers/ID/`, tens of
/// thousands in a large directory) are not looked into: reading each from a cold disk cost
/// a second at 10,000 providers, and nothing but tsunagu writes there. Every other folder
/// is read, the top of the output first of all, where an old `tsunagu stale --output
/// public` left its 確認票.
pub fn strays(dir: &Path, manifest: &BTreeMap<String, String>) -> Vec<PathBuf> {
    // Folders holding exactly one file of the site, their `index.html`.
    let mut under: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for k in manifest.keys() {
        let mut d = k.as_str();
        while let Some(i) = d.rfind('/') {
            d = &d[..i];
            *under.entry(d).or_default() += 1;
        }
    }
    let single_page = |rel: &Path| {
        let k = key(rel);
        under.get(k.as_str()) == Some(&1) && manifest.contains_key(&format!("{k}/index.html"))
    };
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            !(e.file_type().is_dir() && single_page(rel))
        });
    for entry in walker.flatten() {
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        if rel == Path::new(MARKER) {
            continue;
        }
        if !manifest.contains_key(&key(rel)) {
            out.push(rel.to_path_buf());
        }
    }
    out
}

/// The names at the top of the output folder (files and folders), for [`intact`].
pub fn top_level(files: &[Entry]) -> Vec<String> {
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
pub fn record_inputs(out_dir: &Path, inputs: &load::inputs::Record) {
    let (Ok(bytes), Some(generation)) = (render::json::pretty(inputs), generation_of(out_dir))
    else {
        return;
    };
    let dir = state_root(out_dir).join(generation);
    if fs::create_dir_all(&dir).is_ok() {
        let _ = replace_file(&dir.join(INPUTS), &bytes);
    }
}

/// The new site, written beside the output while the outputs are rendered (as
/// [`render::outputs::Sink`]), then swapped in by [`Staging::publish`]. Dropped without
/// being published (a failed build), it is removed and the output stays as it was.
pub struct Staging {
    root: PathBuf,
    out_dir: PathBuf,
    dir: PathBuf,
    spare: PathBuf,
    /// What the folder held when it was taken over from the kept earlier site.
    base: Option<Previous>,
    /// Without a kept site: the published one, whose unchanged files are hard-linked.
    published: Option<Previous>,
    entries: std::sync::Mutex<Vec<Entry>>,
    written: std::sync::atomic::AtomicUsize,
    /// The files the kept site held before this build wrote anything, read from the disk
    /// while the pages are rendered (the reading waits on the disk, the rendering on the
    /// cores); what this build does not make of them is removed when it completes.
    found: Mutex<Option<std::thread::JoinHandle<Vec<PathBuf>>>>,
    done: bool,
}

impl Staging {
    /// Refuses an output folder that is not ours, then starts the new site from the kept
    /// earlier one (or from an empty folder).
    pub fn open(root: &Path, out_dir: &Path, opts: WriteOptions) -> Result<Self, Diagnostic> {
        crate::outdir::check(root, out_dir, &crate::outdir::Kind::Site, opts.force)?;
        let (parent, name) = beside(out_dir);
        let parent = parent.as_path();
        fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        let dir = parent.join(format!(".{name}.tsunagu-new-{}", std::process::id()));
        let spare = parent.join(format!(".{name}{SPARE}"));
        let _ = fs::remove_dir_all(&dir);
        remove_abandoned(parent, &name);
        // The site as it was before the last build, kept beside the output, becomes the
        // new one by writing only what differs; a build killed meanwhile leaves it as an
        // abandoned staging folder, removed next time (and that build starts from scratch).
        let taken = !opts.force && spare.join(MARKER).is_file() && fs::rename(&spare, &dir).is_ok();
        // Only a kept site that says what it holds can be trusted to be the base.
        let base = taken
            .then(|| records_of(out_dir, &dir))
            .flatten()
            .and_then(|r| fs::read(r.join(MANIFEST)).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .map(|files| Previous {
                files,
                providers: None,
            });
        if taken && base.is_none() {
            let _ = fs::remove_dir_all(&dir);
        }
        let published = if base.is_none() {
            fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
            previous(out_dir)
        } else {
            None
        };
        let found = base.as_ref().map(|b| {
            let (dir, manifest) = (dir.clone(), b.files.clone());
            std::thread::spawn(move || strays(&dir, &manifest))
        });
        Ok(Staging {
            root: root.to_path_buf(),
            out_dir: out_dir.to_path_buf(),
            dir,
            spare,
            base,
            published,
            entries: Default::default(),
            written: Default::default(),
            found: Mutex::new(found),
            done: false,
        })
    }

    /// Every file handed over so far, sorted by path.
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        entries
    }

    /// Makes the folder the new site: removes what it no longer has, writes the state the
    /// next build compares against, and swaps it in for the output. The output as it
    /// was is kept as the base of the next build.
    pub fn publish(mut self, entries: &[Entry], state: &State) -> Result<WriteStats, Diagnostic> {
        self.complete(entries, state)?;
        swap_in(&self.dir, &self.out_dir, &self.spare).map_err(|e| io_error(&self.out_dir, &e))?;
        self.done = true;
        self.forget_old_records();
        Ok(self.stats(entries))
    }

    /// For a build whose output was already right: the folder, now a copy of the
    /// published site, is kept as the base of the next build; the output is not touched.
    pub fn keep(mut self, entries: &[Entry], state: &State) -> Result<(), Diagnostic> {
        self.complete(entries, state)?;
        let _ = fs::remove_dir_all(&self.spare);
        fs::rename(&self.dir, &self.spare).map_err(|e| io_error(&self.spare, &e))?;
        self.done = true;
        self.forget_old_records();
        Ok(())
    }

    fn stats(&self, entries: &[Entry]) -> WriteStats {
        WriteStats {
            files: entries.len(),
            bytes: entries.iter().map(|e| e.len).sum(),
            written: self.written.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    fn complete(&self, entries: &[Entry], state: &State) -> Result<(), Diagnostic> {
        let manifest = manifest_of(entries);
        // Started from an earlier site, the folder may hold files this build did not make:
        // pages it no longer has, and anything put into the published folder since.
        if let Some(base) = &self.base {
            let found = self
                .found
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let found = match found.map(|h| h.join()) {
                Some(Ok(list)) => list,
                Some(Err(_)) => {
                    return Err(Diagnostic::error(
                        &self.dir,
                        None,
                        "前回のサイトの中身を調べている途中で止まりました",
                    )
                    .with_help("tsunagu の不具合です。--force を付けて作り直すと、前回のサイトを使わずに作ります"));
                }
                None => Vec::new(),
            };
            let mut gone: Vec<PathBuf> = found
                .into_iter()
                .filter(|p| !manifest.contains_key(&key(p)))
                .collect();
            gone.extend(
                base.files
                    .keys()
                    .filter(|k| !manifest.contains_key(*k))
                    .map(PathBuf::from),
            );
            remove_files(&self.dir, &gone);
        }
        // The records go beside the output first, then the marker naming them into the
        // site: a site folder never names records that are not there.
        let id = generation(&manifest);
        let root = state_root(&self.out_dir);
        let records = root.join(&id);
        fs::create_dir_all(&records).map_err(|e| io_error(&records, &e))?;
        // The two large ones compact and streamed: at 10,000 records they are 1 and 15 MB
        // pretty-printed.
        write_json_file(&records.join(MANIFEST), &manifest)?;
        write_json_file(&records.join(PROVIDERS), state.providers)?;
        let mut small = vec![(root.join(REPORT), render::json::pretty(state.report))];
        if let Some(inputs) = state.inputs {
            small.push((records.join(INPUTS), render::json::pretty(inputs)));
        }
        for (path, bytes) in &small {
            let bytes = bytes
                .as_ref()
                .map_err(|e| Diagnostic::error(path, None, e.to_string()))?;
            replace_file(path, bytes)?;
        }
        fs::write(
            self.dir.join(MARKER),
            format!("tsunagu が書き出したフォルダです。ビルドのたびに作り直されます。\ngeneration {id}\n"),
        )
        .map_err(|e| io_error(&self.dir, &e))?;
        Ok(())
    }

    /// Removes the records of generations neither the output nor the kept site is.
    fn forget_old_records(&self) {
        let keep: Vec<String> = [&self.out_dir, &self.spare]
            .iter()
            .filter_map(|d| generation_of(d))
            .collect();
        let Ok(entries) = fs::read_dir(state_root(&self.out_dir)) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() && !keep.contains(&name) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }

    /// Writes one file unless the folder already holds these bytes: the kept site's copy
    /// is left as it is, the published site's is hard-linked (keeping its modification
    /// time). Returns whether bytes were written.
    fn place(&self, path: &Path, bytes: &[u8], hash: &str) -> Result<bool, Diagnostic> {
        let k = key(path);
        let target = self.dir.join(path);
        if let Some(base) = &self.base {
            if base.files.get(&k).map(String::as_str) == Some(hash) {
                return Ok(false);
            }
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
            }
            // Unchanged files share their inode with the published site: never write
            // into one.
            replace_file(&target, bytes)?;
            return Ok(true);
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        let unchanged = self
            .published
            .as_ref()
            .and_then(|o| o.files.get(&k))
            .map(String::as_str)
            == Some(hash);
        if unchanged && fs::hard_link(self.out_dir.join(path), &target).is_ok() {
            return Ok(false);
        }
        fs::write(&target, bytes).map_err(|e| io_error(&target, &e))?;
        Ok(true)
    }
}

impl render::outputs::Sink for Staging {
    fn put(&self, files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        let pages: Vec<bool> = files
            .iter()
            .map(|f| matches!(f.content, Content::Html(_)))
            .collect();
        let made: Result<Vec<(Entry, bool)>, Diagnostic> = contents(&self.root, files)?
            .into_par_iter()
            .zip(pages)
            .map(|((path, bytes), page)| {
                let hash = blake3::hash(&bytes).to_hex().to_string();
                let written = self.place(&path, &bytes, &hash)?;
                let len = bytes.len() as u64;
                Ok((
                    Entry {
                        path,
                        hash,
                        len,
                        page,
                    },
                    written,
                ))
            })
            .collect();
        let made = made?;
        let written = made.iter().filter(|(_, w)| *w).count();
        self.written
            .fetch_add(written, std::sync::atomic::Ordering::Relaxed);
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(made.into_iter().map(|(e, _)| e));
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes `files` (relative to `dir`) and the folders they leave empty, as a fresh
/// build would not have them.
fn remove_files(dir: &Path, files: &[PathBuf]) {
    for gone in files {
        let path = dir.join(gone);
        let _ = fs::remove_file(&path);
        let mut up = path.parent();
        while let Some(d) = up.filter(|d| *d != dir) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            up = d.parent();
        }
    }
}

/// Writes `value` as compact escaped JSON straight into a new file renamed over `path`:
/// the providers' record is hundreds of megabytes at national scale, too much to hold as
/// text besides the data.
fn write_json_file<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Diagnostic> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tsunagu-tmp"));
    let written = fs::File::create(&tmp).and_then(|f| {
        render::json::to_writer(io::BufWriter::with_capacity(1 << 20, f), value).map(drop)
    });
    written.and_then(|_| fs::rename(&tmp, path)).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_error(path, &e)
    })
}

/// Writes a new file beside `path` and renames it over: never into an existing inode.
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
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
        // Windows and others: two renames. Between them no site is at the output path
        // for an instant; a failed second rename puts the previous site back.
        let _ = fs::remove_dir_all(&old);
        fs::rename(out_dir, &old)?;
        if let Err(e) = fs::rename(staging, out_dir) {
            // Put the previous site back rather than leave nothing published.
            let _ = fs::rename(&old, out_dir);
            return Err(e);
        }
        // The previous site is the next build's base, as after the exchange.
        let _ = fs::remove_dir_all(spare);
        if fs::rename(&old, spare).is_err() {
            let _ = fs::remove_dir_all(&old);
        }
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

pub(crate) fn io_error(path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(path, None, format!("書き出しに失敗しました: {e}"))
        .with_help("ディスクの空きと、フォルダに書き込めるかを確かめてください")
}
