//! Watching the site's sources: content/ and themes/, recursively.
//!
//! Folders, not files, are watched, so editors' atomic saves (write a temp
//! file, rename it over the old one), deletions, renames and new sub-folders
//! are all seen. Editor temp and swap files are ignored. The root itself is
//! watched too, without its sub-folders, so a themes/ made (or a content/
//! put back) after serve started is seen and followed from then on.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::sync::mpsc::UnboundedSender;

use super::ServeError;
use crate::load::{is_ignored_name, relative};

/// How long to wait for an editor to finish saving before rebuilding.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// The folders of the root that hold what a build reads.
const SOURCE_FOLDERS: [&str; 2] = ["content", "themes"];

/// The watch on a site's sources. Watching stops when it is dropped.
pub struct SiteWatcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// The root, canonical: the watches and the paths of events start with it.
    root: PathBuf,
}

impl SiteWatcher {
    /// Starts watching; changed paths (relative to the root, under
    /// content/ or themes/, or those folders themselves) arrive on
    /// `changes`.
    pub fn start(
        root: &Path,
        changes: UnboundedSender<Vec<String>>,
    ) -> Result<SiteWatcher, ServeError> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
        let root_for_events = root.clone();
        let debouncer = new_debouncer(
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
                    .filter(|rel| is_source(rel))
                    .collect();
                paths.sort();
                paths.dedup();
                if !paths.is_empty() {
                    let _ = changes.send(paths);
                }
            },
        )
        .map_err(|source| ServeError::Watch {
            path: root.clone(),
            source,
        })?;
        let mut watcher = SiteWatcher { debouncer, root };
        let root = watcher.root.clone();
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for folder in SOURCE_FOLDERS {
            watcher.watch_folder(folder)?;
        }
        Ok(watcher)
    }

    /// Watches content/ or themes/ when `changed` (relative paths) names
    /// it: a folder that appeared in the root since serve started, whose
    /// files the next rebuild reads whole. Call it before that rebuild, so
    /// an edit made while it runs is not missed.
    pub fn follow_new_folders(&mut self, changed: &[String]) -> Result<(), ServeError> {
        for folder in SOURCE_FOLDERS {
            if changed.iter().any(|rel| rel == folder) {
                self.watch_folder(folder)?;
            }
        }
        Ok(())
    }

    /// Watches `<root>/<folder>` and everything in it, if it is a folder.
    /// Watching a folder again is harmless: the watch is renewed.
    fn watch_folder(&mut self, folder: &str) -> Result<(), ServeError> {
        let path = self.root.join(folder);
        if !path.is_dir() {
            return Ok(());
        }
        self.watch(&path, RecursiveMode::Recursive)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), ServeError> {
        self.debouncer
            .watch(path, mode)
            .map_err(|source| ServeError::Watch {
                path: path.to_owned(),
                source,
            })
    }
}

/// Whether `rel` (relative to the root) is content/, themes/ or inside
/// them; other changes in the root (output/, .git/) are not the site's.
fn is_source(rel: &str) -> bool {
    SOURCE_FOLDERS.iter().any(|folder| {
        rel.strip_prefix(folder)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
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
    fn only_content_and_themes_are_sources() {
        for rel in [
            "content",
            "content/incidents/a.md",
            "themes",
            "themes/x/a.css",
        ] {
            assert!(is_source(rel), "{rel}");
        }
        for rel in [
            "output",
            "output/index.html",
            "contents/a.md",
            "themes2",
            ".git/HEAD",
            "",
        ] {
            assert!(!is_source(rel), "{rel}");
        }
    }

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
