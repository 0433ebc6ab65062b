//! I/O: reads the site ([`read_site_index`]) and the CSV file, and writes
//! the files an import makes, all together or not at all ([`write_files`]).

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::load::load_content;
use crate::parse::{parse_category, parse_incident, parse_site_config};
use crate::scaffold::NewFile;

use super::SiteIndex;

/// Why an import could not start or could not write.
#[derive(Debug)]
pub enum ImportError {
    /// There is no site to import into.
    NoContent {
        root: PathBuf,
    },
    /// site.yaml is missing or has errors: its statuses and sections are
    /// needed to check the rows.
    Settings {
        root: PathBuf,
    },
    /// The CSV file cannot be read.
    Read {
        path: PathBuf,
        source: io::Error,
    },
    /// A file to create appeared meanwhile; nothing was written.
    Exists {
        path: PathBuf,
    },
    Write {
        path: PathBuf,
        source: io::Error,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NoContent { root } => write!(
                f,
                "no content/ folder in \"{}\": run `frictionlog init` to start a site, or pass --root",
                root.display()
            ),
            ImportError::Settings { root } => write!(
                f,
                "\"{}\" is missing or has errors: import checks rows against its statuses and sections (run `frictionlog check`)",
                root.join("content/site.yaml").display()
            ),
            ImportError::Read { path, source } => {
                write!(f, "cannot read \"{}\": {source}", path.display())
            }
            ImportError::Exists { path } => write!(
                f,
                "\"{}\" appeared while importing: nothing was written (run the import again)",
                path.display()
            ),
            ImportError::Write { path, source } => write!(
                f,
                "cannot write \"{}\": {source}; nothing was written",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Read { source, .. } | ImportError::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What an import must know of the site under `root`.
pub fn read_site_index(root: &Path) -> Result<SiteIndex, ImportError> {
    if !root.join("content").is_dir() {
        return Err(ImportError::NoContent {
            root: root.to_owned(),
        });
    }
    let content = load_content(root);
    let settings = || ImportError::Settings {
        root: root.to_owned(),
    };
    let site_file = content.site.as_ref().ok_or_else(settings)?;
    let (config, diagnostics) = parse_site_config(site_file);
    let config = config
        .filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
        .ok_or_else(settings)?;
    let categories = content
        .categories
        .iter()
        .map(|file| (file.slug.clone(), parse_category(file).0.map(|c| c.title)))
        .collect();
    let mut teams: HashSet<String> = HashSet::new();
    let mut incidents = Vec::with_capacity(content.incidents.len());
    for file in &content.incidents {
        incidents.push((file.slug.clone(), file.path.clone()));
        if let Some(incident) = parse_incident(file).0 {
            teams.extend(
                incident
                    .anecdotes
                    .into_iter()
                    .filter_map(|a| a.team.map(|t| t.value)),
            );
        }
    }
    let mut teams: Vec<String> = teams.into_iter().collect();
    teams.sort();
    Ok(SiteIndex {
        categories,
        incidents,
        statuses: config.incident_statuses,
        sections: config.sections,
        teams,
    })
}

/// Reads the CSV file at `path`.
pub fn read_csv(path: &Path) -> Result<Vec<u8>, ImportError> {
    fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Writes every file under `root`, or none: each is written and synced
/// under a hidden temporary name beside its place (content walks skip
/// it), then all are linked into place, never replacing a file; if one
/// cannot be, those already placed are removed again.
pub fn write_files(root: &Path, files: &[NewFile]) -> Result<(), ImportError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let result = stage_and_place(root, files, &mut staged);
    for (temporary, _) in &staged {
        let _ = fs::remove_file(temporary);
    }
    result
}

fn stage_and_place(
    root: &Path,
    files: &[NewFile],
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), ImportError> {
    let pid = std::process::id();
    for (n, file) in files.iter().enumerate() {
        let path = root.join(&file.path);
        let write_error = |source| ImportError::Write {
            path: path.clone(),
            source,
        };
        let parent = path.parent().unwrap_or(root);
        fs::create_dir_all(parent).map_err(write_error)?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let temporary = parent.join(format!(".{name}.import-{pid}-{n}.tmp"));
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(write_error)?;
        staged.push((temporary, path.clone()));
        out.write_all(file.text.as_bytes())
            .and_then(|()| out.sync_all())
            .map_err(write_error)?;
    }
    let mut placed: Vec<&Path> = Vec::with_capacity(staged.len());
    for (temporary, path) in staged.iter() {
        if let Err(source) = fs::hard_link(temporary, path) {
            for done in placed {
                let _ = fs::remove_file(done);
            }
            return Err(if source.kind() == io::ErrorKind::AlreadyExists {
                ImportError::Exists { path: path.clone() }
            } else {
                ImportError::Write {
                    path: path.clone(),
                    source,
                }
            });
        }
        placed.push(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_written_all_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let new = |path: &str| NewFile {
            path: path.into(),
            text: format!("{path}\n"),
        };
        let files = [
            new("content/categories/a.md"),
            new("content/incidents/b.md"),
            new("content/incidents/c.md"),
        ];
        let files_under = |root: &Path| -> Vec<String> {
            let mut found: Vec<String> = walkdir::WalkDir::new(root)
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
                .collect();
            found.sort();
            found
        };
        // The last one appears in the way: the first two are taken back.
        fs::create_dir_all(root.join("content/incidents")).unwrap();
        fs::write(root.join("content/incidents/c.md"), "mine\n").unwrap();
        let error = write_files(root, &files).unwrap_err();
        assert!(matches!(error, ImportError::Exists { .. }), "{error}");
        assert_eq!(files_under(root), ["content/incidents/c.md"]);
        assert_eq!(
            fs::read_to_string(root.join("content/incidents/c.md")).unwrap(),
            "mine\n"
        );
        fs::remove_file(root.join("content/incidents/c.md")).unwrap();
        write_files(root, &files).unwrap();
        for file in &files {
            assert_eq!(
                fs::read_to_string(root.join(&file.path)).unwrap(),
                file.text
            );
        }
        assert_eq!(
            files_under(root),
            [
                "content/categories/a.md",
                "content/incidents/b.md",
                "content/incidents/c.md"
            ],
            "no temporary file is left"
        );
    }
}
