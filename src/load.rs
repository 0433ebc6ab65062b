//! I/O: find and read the content files of a site, in a stable order.
//!
//! The walk never follows symbolic links (a link could point outside the
//! site, or loop) and reports what it skips. Files are read in parallel; the
//! result is sorted by path bytes, so everything downstream (duplicate-slug
//! "first in path order", output bytes) is the same on every run.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{CodeKind, Diagnostic, Pos, did_you_mean};
use crate::parse::SourceFile;

/// Which kind of content a file holds, by where it sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContentKind {
    Site,
    Category,
    Incident,
    Review,
}

/// The files of `content/`, read and sorted by kind and path.
#[derive(Debug, Default)]
pub struct ContentFiles {
    pub site: Option<SourceFile>,
    pub categories: Vec<SourceFile>,
    pub incidents: Vec<SourceFile>,
    pub reviews: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads every content file under `<root>/content`.
pub fn load_content(root: &Path) -> ContentFiles {
    let mut content = ContentFiles::default();
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        content.diagnostics.push(Diagnostic::global(
            CodeKind::IoError,
            format!(
                "no content/ folder in \"{}\": run frictionlog in a site's root folder or pass --root",
                root.display()
            ),
        ));
        return content;
    }
    let mut found: Vec<(ContentKind, String, PathBuf)> = Vec::new();
    let walk = WalkDir::new(&content_dir)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| "content".to_owned());
                content.diagnostics.push(Diagnostic::in_file(
                    CodeKind::IoError,
                    format!("cannot read \"{path}\": {}", io_cause(&error)),
                    &path,
                    Pos::START,
                ));
                continue;
            }
        };
        let rel = relative(root, entry.path());
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            content.diagnostics.push(
                Diagnostic::in_file(
                    CodeKind::IoError,
                    format!("symbolic link \"{rel}\" ignored: frictionlog reads only regular files inside content/"),
                    &rel,
                    Pos::START,
                )
                .warning(),
            );
            continue;
        }
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            // A pipe or a device would block the read or never end.
            content.diagnostics.push(not_a_regular_file(&rel));
            continue;
        }
        match classify(&rel) {
            Some(kind) => found.push((kind, rel, entry.into_path())),
            None => content.diagnostics.push(
                Diagnostic::in_file(
                    CodeKind::IoError,
                    format!("\"{rel}\" ignored: {}", where_files_go(&rel)),
                    &rel,
                    Pos::START,
                )
                .warning(),
            ),
        }
    }
    found.sort_by(|a, b| (a.0, a.1.as_bytes()).cmp(&(b.0, b.1.as_bytes())));
    let read: Vec<(ContentKind, Result<SourceFile, Diagnostic>)> = found
        .into_par_iter()
        .map(|(kind, rel, path)| (kind, read_source(&rel, &path)))
        .collect();
    for (kind, result) in read {
        let file = match result {
            Ok(file) => file,
            Err(diagnostic) => {
                content.diagnostics.push(diagnostic);
                continue;
            }
        };
        match kind {
            ContentKind::Site => content.site = Some(file),
            ContentKind::Category => content.categories.push(file),
            ContentKind::Incident => content.incidents.push(file),
            ContentKind::Review => content.reviews.push(file),
        }
    }
    if content.site.is_none()
        && !content
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.file.as_deref() == Some("content/site.yaml"))
    {
        content.diagnostics.push(Diagnostic::global(
            CodeKind::IoError,
            "no content/site.yaml: every site needs one, with at least a `title:`",
        ));
    }
    content
}

/// Hidden files and editors' backup, swap and lock files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
}

/// The kind of a content file from its path relative to the root.
pub fn classify(rel: &str) -> Option<ContentKind> {
    let rest = rel.strip_prefix("content/")?;
    if rest == "site.yaml" {
        return Some(ContentKind::Site);
    }
    let (folder, file) = rest.split_once('/')?;
    if !file.ends_with(".md") {
        return None;
    }
    match folder {
        "categories" if !file.contains('/') => Some(ContentKind::Category),
        "incidents" => Some(ContentKind::Incident),
        "reviews" if !file.contains('/') => Some(ContentKind::Review),
        _ => None,
    }
}

/// The folders of content/ that hold content files.
const CONTENT_FOLDERS: [&str; 3] = ["categories", "incidents", "reviews"];

/// Extensions people give Markdown files that frictionlog does not read.
const MARKDOWN_EXTENSIONS: [&str; 6] = ["markdown", "mdown", "mkd", "mkdn", "mdwn", "MD"];

/// Why `rel` is not a content file, with the path it was probably meant to
/// have when that is obvious (a folder name one typo away, `.markdown`).
fn where_files_go(rel: &str) -> String {
    let rest = rel.strip_prefix("content/").unwrap_or(rel);
    if rest.starts_with("categories/") && rest.matches('/').count() > 1 {
        return "categories/ has no sub-folders; move the file up into content/categories/"
            .to_owned();
    }
    if rest.starts_with("reviews/") && rest.matches('/').count() > 1 {
        return "reviews/ has no sub-folders; move the file up into content/reviews/".to_owned();
    }
    let Some((folder, file)) = rest.split_once('/') else {
        return "content/ holds site.yaml and the folders categories/, incidents/ and reviews/"
            .to_owned();
    };
    let known_folder = CONTENT_FOLDERS.contains(&folder);
    let fixed_folder = if known_folder {
        Some(folder)
    } else {
        did_you_mean(folder, CONTENT_FOLDERS)
    };
    let fixed_file = match file.rsplit_once('.') {
        Some((stem, "md")) => Some(format!("{stem}.md")),
        Some((stem, extension)) if MARKDOWN_EXTENSIONS.contains(&extension) => {
            Some(format!("{stem}.md"))
        }
        _ => None,
    };
    let reason = if known_folder {
        "content files end in .md".to_owned()
    } else {
        format!("content/ has no folder \"{folder}\"")
    };
    match (fixed_folder, fixed_file) {
        (Some(folder), Some(file)) => {
            format!("{reason} (did you mean \"content/{folder}/{file}\"?)")
        }
        _ if known_folder => reason,
        _ => format!("{reason}; content files go in categories/, incidents/ or reviews/"),
    }
}

/// Reads the content file `rel` (relative to `root`) again, as the walk
/// would: `None` when it is gone, an `io-error` when it is not a regular
/// file or cannot be read.
pub fn read_file(root: &Path, rel: &str) -> Result<Option<SourceFile>, Diagnostic> {
    let path = root.join(rel);
    match fs::symlink_metadata(&path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Diagnostic::in_file(
            CodeKind::IoError,
            format!("cannot read \"{rel}\": {error}"),
            rel,
            Pos::START,
        )),
        Ok(meta) if !meta.file_type().is_file() => Err(not_a_regular_file(rel)),
        Ok(_) => match read_source(rel, &path) {
            Ok(file) => Ok(Some(file)),
            // Deleted between the two looks.
            Err(_) if fs::symlink_metadata(&path).is_err() => Ok(None),
            Err(diagnostic) => Err(diagnostic),
        },
    }
}

/// `io-error` for something other than a regular file where a content file
/// was expected (the walk skips links with a warning before this; serve
/// meets one here only if it appeared after the watcher's look).
fn not_a_regular_file(rel: &str) -> Diagnostic {
    Diagnostic::in_file(
        CodeKind::IoError,
        format!(
            "\"{rel}\" is not a regular file (a pipe, socket or device): frictionlog reads only regular files"
        ),
        rel,
        Pos::START,
    )
}

/// Reads one file as UTF-8 text.
fn read_source(rel: &str, path: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = fs::read(path).map_err(|error| {
        Diagnostic::in_file(
            CodeKind::IoError,
            format!("cannot read \"{rel}\": {error}"),
            rel,
            Pos::START,
        )
    })?;
    let text = decode_utf8(rel, bytes)?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let slug = name.strip_suffix(".md").unwrap_or(name).to_owned();
    Ok(SourceFile {
        path: rel.to_owned(),
        slug,
        text,
    })
}

/// The text of a file, or `not-utf8` at the line of the first bad byte.
pub fn decode_utf8(rel: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::in_file(
            CodeKind::NotUtf8,
            "file is UTF-16 encoded: save it as UTF-8",
            rel,
            Pos::START,
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid_up_to = error.utf8_error().valid_up_to();
        let valid = error.as_bytes().get(..valid_up_to).unwrap_or_default();
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let line = valid.matches('\n').count() + 1;
        let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostic::in_file(
            CodeKind::NotUtf8,
            format!("file is not valid UTF-8 (bad byte at offset {valid_up_to}): save it as UTF-8"),
            rel,
            Pos::new(
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(column).unwrap_or(u32::MAX),
                1,
            ),
        )
    })
}

/// `path` relative to `root`, `/`-separated.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn io_cause(error: &walkdir::Error) -> String {
    if error.loop_ancestor().is_some() {
        return "the folder links back to one of its parents".to_owned();
    }
    error
        .io_error()
        .map_or_else(|| error.to_string(), ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_classified_by_folder() {
        assert_eq!(classify("content/site.yaml"), Some(ContentKind::Site));
        assert_eq!(
            classify("content/categories/a.md"),
            Some(ContentKind::Category)
        );
        assert_eq!(classify("content/categories/x/a.md"), None);
        assert_eq!(
            classify("content/incidents/x/y/a.md"),
            Some(ContentKind::Incident)
        );
        assert_eq!(
            classify("content/reviews/2018-10-15.md"),
            Some(ContentKind::Review)
        );
        assert_eq!(classify("content/incidents/a.txt"), None);
        assert_eq!(classify("content/README.md"), None);
    }

    #[test]
    fn a_misplaced_file_gets_the_path_it_was_meant_to_have() {
        assert_eq!(
            where_files_go("content/incident/a.md"),
            "content/ has no folder \"incident\" (did you mean \"content/incidents/a.md\"?)"
        );
        assert_eq!(
            where_files_go("content/incidents/x/a.markdown"),
            "content files end in .md (did you mean \"content/incidents/x/a.md\"?)"
        );
        assert_eq!(
            where_files_go("content/categry/a.markdown"),
            "content/ has no folder \"categry\" (did you mean \"content/categories/a.md\"?)"
        );
        assert_eq!(
            where_files_go("content/incidents/notes.txt"),
            "content files end in .md"
        );
        assert!(where_files_go("content/README.md").starts_with("content/ holds site.yaml"));
        assert_eq!(
            where_files_go("content/zzz/a.md"),
            "content/ has no folder \"zzz\"; content files go in categories/, incidents/ or reviews/"
        );
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".a.md.swp", "a.md~", "#a.md#", ".hidden.md", "4913.tmp"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("a.md"));
    }

    #[test]
    fn bad_utf8_points_at_its_line() {
        let error = decode_utf8("content/x.md", b"---\ntitle: a\xff\n".to_vec()).unwrap_err();
        assert_eq!(error.code, CodeKind::NotUtf8);
        assert_eq!(error.pos, Some(Pos::new(2, 9, 1)));
        let error = decode_utf8("content/x.md", vec![0xFF, 0xFE, b'-', 0]).unwrap_err();
        assert!(error.message.contains("UTF-16"));
    }
}
