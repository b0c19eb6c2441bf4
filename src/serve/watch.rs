//! Watching the site's folder: a save arrives as several events, gathered into one set of
//! changed paths.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::Duration;

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
