//! I/O: `report` on a site folder ([`report_anecdote`]): the incident
//! found, the file read and edited under its lock, and replaced atomically.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::load::{ContentFiles, load_content, read_file};
use crate::model::slugify;
use crate::output::{OutputError, OutputLock};
use crate::parse::{SourceFile, parse_incident};

use super::AnecdoteDraft;
use super::edit::{append_anecdote, check_appended};
use super::site::{ParsedSite, errors_of_edit};

/// Why `report` changed nothing.
#[derive(Debug)]
pub enum ReportError {
    /// There is no site to add to.
    NoContent {
        root: PathBuf,
    },
    /// No incident has this slug.
    UnknownIncident {
        wanted: String,
        suggestion: Option<String>,
    },
    /// Several incident files have the slug (a `duplicate-slug` error).
    Ambiguous {
        slug: String,
        paths: Vec<String>,
    },
    /// The incident file is wrong as it is: these are its errors.
    Broken {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// The file's `anecdotes` is written in a form the edit cannot handle
    /// safely: these say where.
    Unsupported {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// The edit would make the site invalid: these say why (positions in
    /// the file as it would be).
    Refused {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
    Lock(OutputError),
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

impl ReportError {
    /// The diagnostics to print before the error line.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ReportError::Broken { diagnostics, .. }
            | ReportError::Unsupported { diagnostics, .. }
            | ReportError::Refused { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::NoContent { root } => write!(
                f,
                "no content/ folder in \"{}\": run `frictionlog init` to start a site, or pass --root",
                root.display()
            ),
            ReportError::UnknownIncident { wanted, suggestion } => {
                write!(f, "unknown incident \"{wanted}\"")?;
                if let Some(slug) = suggestion {
                    write!(f, " (did you mean \"{slug}\"?)")?;
                }
                write!(
                    f,
                    "; name an incident by its slug: its file name in content/incidents/ without .md"
                )
            }
            ReportError::Ambiguous { slug, paths } => write!(
                f,
                "{} incident files have the slug \"{slug}\" ({}): rename all but one, then run it again",
                paths.len(),
                paths.join(", ")
            ),
            ReportError::Broken { path, .. } => write!(
                f,
                "\"{path}\" has errors (above): fix them first; the file was left as it was"
            ),
            ReportError::Unsupported { path, .. } => write!(
                f,
                "the anecdote was not added: \"{path}\" was left as it was"
            ),
            ReportError::Refused { path, .. } => write!(
                f,
                "the anecdote was not added, as it would make the site fail to check: \"{path}\" was left as it was (the lines above are of the file as it would have been)"
            ),
            ReportError::Lock(error) => write!(f, "{error}"),
            ReportError::Io { path, source } => {
                write!(f, "cannot write \"{}\": {source}", path.display())
            }
        }
    }
}

impl std::error::Error for ReportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReportError::Lock(error) => Some(error),
            ReportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What `report` did.
#[derive(Debug)]
pub struct Reported {
    /// The incident file, relative to the root.
    pub path: String,
    /// Its anecdotes now.
    pub anecdotes: usize,
    /// When the team is new to the site and close to a known one: that one.
    pub similar_team: Option<String>,
}

/// The incident file `wanted` names: a slug, or a path whose file name is
/// one.
fn find_incident<'c>(
    content: &'c ContentFiles,
    wanted: &str,
) -> Result<&'c SourceFile, ReportError> {
    let stem = wanted
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(wanted)
        .trim_end_matches(".md");
    let matching: Vec<&SourceFile> = content
        .incidents
        .iter()
        .filter(|file| file.slug == wanted || file.slug == stem)
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => {
            let slugs = || content.incidents.iter().map(|file| file.slug.as_str());
            let suggestion = did_you_mean(stem, slugs())
                .or_else(|| did_you_mean(&slugify(stem), slugs()))
                .map(str::to_owned);
            Err(ReportError::UnknownIncident {
                wanted: wanted.to_owned(),
                suggestion,
            })
        }
        several => Err(ReportError::Ambiguous {
            slug: stem.to_owned(),
            paths: several.iter().map(|file| file.path.clone()).collect(),
        }),
    }
}

/// Appends `draft` to the incident `wanted` of the site under `root`.
///
/// The read, the edit, its checks and the write happen under a lock on
/// the file (`on_wait` is told when another `report` holds it), so
/// concurrent reports to one file all land. The file is replaced by a
/// rename, keeping its permissions, so a reader never sees half of it.
pub fn report_anecdote(
    root: &Path,
    wanted: &str,
    draft: &AnecdoteDraft<'_>,
    on_wait: &dyn Fn(Option<u32>),
) -> Result<Reported, ReportError> {
    if !root.join("content").is_dir() {
        return Err(ReportError::NoContent {
            root: root.to_owned(),
        });
    }
    let content = load_content(root);
    let unreadable = content.diagnostics.iter().find(|d| {
        d.is_error()
            && d.file.as_deref().is_some_and(|file| {
                file.starts_with("content/incidents/")
                    && file.rsplit('/').next() == Some(&format!("{wanted}.md"))
            })
    });
    if let Some(diagnostic) = unreadable {
        return Err(ReportError::Broken {
            path: diagnostic.file.clone().unwrap_or_default(),
            diagnostics: vec![diagnostic.clone()],
        });
    }
    let path = find_incident(&content, wanted)?.path.clone();
    let full = root.join(&path);
    let folder = full.parent().unwrap_or(root).to_owned();
    let name = full
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _lock = OutputLock::acquire(&folder, &name, on_wait).map_err(ReportError::Lock)?;

    // Under the lock, the file as it is now: another report may have
    // changed it since the site was read.
    let before = match read_file(root, &path) {
        Ok(Some(file)) => file,
        Ok(None) => {
            return Err(ReportError::Io {
                path: full,
                source: io::Error::new(io::ErrorKind::NotFound, "the file was removed"),
            });
        }
        Err(diagnostic) => {
            return Err(ReportError::Broken {
                path,
                diagnostics: vec![diagnostic],
            });
        }
    };
    // The other files as read before the lock; this one as it is now.
    let parsed = ParsedSite::parse(&content);
    let errors_before = parsed.errors_with(&path, &before.text);
    let own: Vec<Diagnostic> = errors_before
        .iter()
        .filter(|d| d.file.as_deref() == Some(path.as_str()))
        .cloned()
        .collect();
    if !own.is_empty() {
        return Err(ReportError::Broken {
            path,
            diagnostics: own,
        });
    }
    let unsupported = |diagnostic: Diagnostic| ReportError::Unsupported {
        path: path.clone(),
        diagnostics: vec![diagnostic],
    };
    let after = append_anecdote(&before, draft).map_err(unsupported)?;
    check_appended(&before, &after, draft).map_err(unsupported)?;
    let errors = errors_of_edit(&errors_before, parsed.errors_with(&path, &after), &path);
    if !errors.is_empty() {
        return Err(ReportError::Refused {
            path,
            diagnostics: errors,
        });
    }
    let anecdotes = parse_incident(&SourceFile {
        path: path.clone(),
        slug: before.slug.clone(),
        text: after.clone(),
    })
    .0
    .map_or(0, |incident| incident.anecdotes.len());

    write_atomically(&full, after.as_bytes()).map_err(|source| ReportError::Io {
        path: full.clone(),
        source,
    })?;

    let teams = parsed.teams_but(&path);
    let similar_team = if teams.iter().any(|t| t == draft.team) {
        None
    } else {
        did_you_mean(draft.team, teams.iter().map(String::as_str)).map(str::to_owned)
    };
    Ok(Reported {
        path,
        anecdotes,
        similar_team,
    })
}

/// Replaces `path` with `bytes` in one rename, as cargo's `write_atomic`
/// does: a temporary file in the same folder (a dotfile, so a build or
/// serve running meanwhile skips it), with the old file's permissions,
/// flushed to disk, then renamed over it. Anything failing before the
/// rename leaves the old file and no temporary file.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let permissions = fs::metadata(path)?.permissions();
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temporary.write_all(bytes)?;
    temporary.as_file().set_permissions(permissions)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_incidents_get_a_suggestion() {
        let mut content = ContentFiles::default();
        content.incidents.push(SourceFile {
            path: "content/incidents/deep/five-files-to-add-a-setting.md".to_owned(),
            slug: "five-files-to-add-a-setting".to_owned(),
            text: String::new(),
        });
        let found = find_incident(
            &content,
            "content/incidents/deep/five-files-to-add-a-setting.md",
        );
        assert!(found.is_ok());
        let Err(error) = find_incident(&content, "Five files to add a settings") else {
            panic!("found");
        };
        assert!(
            error
                .to_string()
                .starts_with("unknown incident \"Five files to add a settings\" (did you mean \"five-files-to-add-a-setting\"?)"),
            "{error}"
        );
    }
}
