//! Watching the site's sources: content/ and themes/, recursively.
//!
//! Folders, not files, are watched, so editors' atomic saves (write a temp
//! file, rename it over the old one), deletions, renames and new sub-folders
//! are all seen. Editor temp and swap files are ignored.

use std::path::Path;
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc::UnboundedSender;

use super::ServeError;
use crate::load::{is_ignored_name, relative};

/// How long to wait for an editor to finish saving before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Starts watching; changed paths (relative to the root) arrive on `changes`.
/// Watching stops when the returned value is dropped.
pub fn watch_site(
    root: &Path,
    changes: UnboundedSender<Vec<String>>,
) -> Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>, ServeError> {
    let root_for_events = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let mut debouncer = new_debouncer(
        DEBOUNCE,
        Some(Duration::from_millis(10)),
        move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let mut paths: Vec<String> = events
                .iter()
                .filter(|event| changes_content(&event.kind))
                .flat_map(|event| event.paths.iter())
                .filter(|path| is_relevant(path))
                .map(|path| relative(&root_for_events, path))
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = changes.send(paths);
            }
        },
    )
    .map_err(|source| ServeError::Watch {
        path: root.to_owned(),
        source,
    })?;
    for folder in ["content", "themes"] {
        let path = root.join(folder);
        if !path.is_dir() {
            continue;
        }
        debouncer
            .watch(&path, RecursiveMode::Recursive)
            .map_err(|source| ServeError::Watch {
                path: path.clone(),
                source,
            })?;
    }
    Ok(debouncer)
}

/// Whether an event can change what a build reads. Opening and reading a
/// file (as every rebuild does) must not trigger another rebuild.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Ignores editors' temp, swap and backup files (and hidden files).
fn is_relevant(path: &Path) -> bool {
    path.file_name()
        .map(|name| !is_ignored_name(&name.to_string_lossy()))
        .unwrap_or(false)
}

/// "content/incidents/a.md changed", "3 files changed".
pub fn describe_changes(paths: &[String]) -> String {
    match paths {
        [one] => format!("{one} changed"),
        _ => format!("{} files changed", paths.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind};

    #[test]
    fn reading_a_file_is_not_a_change() {
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Any)));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
    }
}
