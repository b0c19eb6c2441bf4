//! Watching the site's folder: a save arrives as several events, gathered into one set of
//! changed paths.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use diagnostics::Diagnostic;

/// Starts watching `root` (before the first build, so an edit made meanwhile is not
/// missed); the events that change something arrive on the receiver.
pub fn start(root: &Path) -> Result<(RecommendedWatcher, Receiver<notify::Event>), Diagnostic> {
    let cannot = |e: notify::Error| {
        Diagnostic::error(root, None, format!("ファイルの監視を始められません: {e}"))
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // Reading files (as a rebuild does) is reported too; only changes matter, and
        // the close that ends a write.
        if let Ok(ev) = res
            && (saved(&ev)
                || !matches!(
                    ev.kind,
                    notify::EventKind::Access(_) | notify::EventKind::Other
                ))
        {
            let _ = tx.send(ev);
        }
    })
    .map_err(cannot)?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(cannot)?;
    Ok((watcher, rx))
}

/// Whether an event ends a save: a file closed after writing, or renamed into place.
pub fn saved(ev: &notify::Event) -> bool {
    use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
    matches!(
        ev.kind,
        notify::EventKind::Access(AccessKind::Close(AccessMode::Write))
            | notify::EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    )
}

/// Waits for the next save and returns every path it touched; `None` when watching ended.
pub fn next_change(rx: &Receiver<notify::Event>) -> Option<HashSet<PathBuf>> {
    let first = rx.recv().ok()?;
    let mut done = saved(&first);
    let mut changed: HashSet<PathBuf> = first.paths.into_iter().collect();
    // Editors save in several steps: gather what arrives in a short moment, unless the
    // file was just closed after writing (or renamed into place), which is the end of a
    // save.
    while !done && let Ok(ev) = rx.recv_timeout(Duration::from_millis(60)) {
        done = saved(&ev);
        changed.extend(ev.paths);
    }
    while let Ok(ev) = rx.try_recv() {
        changed.extend(ev.paths);
    }
    Some(changed)
}
