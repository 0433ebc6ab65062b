//! Shell completion that knows the site: `completions SHELL` prints a small
//! script that, at each press of Tab, runs `frictionlog` again with
//! `FRICTIONLOG_COMPLETE=SHELL` and the words typed so far; the binary
//! answers with the candidates (clap_complete's dynamic completion).
//!
//! So `new incident --category` + Tab offers the category slugs of the
//! site under `--root`, `--team` + Tab its team names, `--section` the
//! sections of site.yaml, `--status` its incident statuses, `--tag` the
//! tags in use, and an argument named `incident` (`report INCIDENT`) its
//! incident slugs; `--root` offers folders and `--bind` nothing. Reads the
//! site (I/O) only when one of those is completed.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::Shells;
use clap_complete::{CompleteEnv, Shell};

use crate::load::load_content;
use crate::model::default_incident_statuses;
use crate::parse::{parse_incident, parse_site_config};

/// The environment variable that turns a run into a completion request.
/// Not clap's default `COMPLETE`: a variable that generic could be set for
/// other reasons and would turn every run into a completion request.
pub const COMPLETE_VAR: &str = "FRICTIONLOG_COMPLETE";

/// What an argument's values are, by the argument's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SiteValueKind {
    Category,
    Incident,
    Team,
    Section,
    Status,
    Tag,
}

impl SiteValueKind {
    fn of(arg_id: &str) -> Option<SiteValueKind> {
        match arg_id {
            "category" => Some(SiteValueKind::Category),
            "incident" => Some(SiteValueKind::Incident),
            "team" => Some(SiteValueKind::Team),
            "section" => Some(SiteValueKind::Section),
            "statuses" => Some(SiteValueKind::Status),
            "tags" => Some(SiteValueKind::Tag),
            _ => None,
        }
    }
}

/// Answers a completion request (when [`COMPLETE_VAR`] is set) and returns
/// `true`; `false` when this run is an ordinary one.
pub fn complete_if_asked(args: &[OsString]) -> Result<bool, clap::Error> {
    if std::env::var_os(COMPLETE_VAR).is_none_or(|v| v.is_empty() || v == "0") {
        return Ok(false);
    }
    let cwd = std::env::current_dir().ok();
    let root = root_in_words(args);
    CompleteEnv::with_factory(move || with_site_values(super::command(), &root))
        .var(COMPLETE_VAR)
        .bin("frictionlog")
        .completer("frictionlog")
        .try_complete(args.iter().cloned(), cwd.as_deref())
}

/// The script `completions SHELL` prints: it registers the completion
/// function, which calls `frictionlog` (found on PATH) for candidates.
pub fn registration(shell: Shell) -> std::io::Result<Vec<u8>> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(&name) else {
        return Err(std::io::Error::other(format!(
            "no completion support for {name}"
        )));
    };
    let mut script = Vec::new();
    completer.write_registration(
        COMPLETE_VAR,
        "frictionlog",
        "frictionlog",
        "frictionlog",
        &mut script,
    )?;
    Ok(script)
}

/// The `--root` among the words being completed (the last one wins, as in
/// parsing), or the current folder.
fn root_in_words(args: &[OsString]) -> PathBuf {
    let mut root = PathBuf::from(".");
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let Some(word) = word.to_str() else { continue };
        if word == "--root" {
            if let Some(value) = words.next() {
                root = PathBuf::from(value);
            }
        } else if let Some(value) = word.strip_prefix("--root=") {
            root = PathBuf::from(value);
        }
    }
    root
}

/// `command` with completers for the arguments whose values come from the
/// site at `root`.
fn with_site_values(command: clap::Command, root: &Path) -> clap::Command {
    let command = command.mut_args(|arg| match SiteValueKind::of(arg.get_id().as_str()) {
        Some(kind) => {
            let root = root.to_owned();
            arg.add(ArgValueCompleter::new(move |current: &OsStr| {
                candidates(&site_values(&root, kind), current)
            }))
        }
        None => arg,
    });
    command.mut_subcommands(|sub| with_site_values(sub, root))
}

/// The values of `values` that start with what is typed so far.
fn candidates(values: &[String], current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    values
        .iter()
        .filter(|value| value.starts_with(typed.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The category slugs, incident slugs, team names, sections, incident
/// statuses or tags of the site at `root`, sorted; nothing when there is
/// no readable site.
fn site_values(root: &Path, kind: SiteValueKind) -> Vec<String> {
    let content = load_content(root);
    let config = || {
        content
            .site
            .as_ref()
            .and_then(|file| parse_site_config(file).0)
    };
    let incidents = || {
        content
            .incidents
            .iter()
            .filter_map(|file| parse_incident(file).0)
    };
    let mut values: Vec<String> = match kind {
        SiteValueKind::Category => content.categories.iter().map(|f| f.slug.clone()).collect(),
        SiteValueKind::Incident => content.incidents.iter().map(|f| f.slug.clone()).collect(),
        SiteValueKind::Team => incidents()
            .flat_map(|incident| {
                incident
                    .anecdotes
                    .iter()
                    .filter_map(|a| a.team_name().map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect(),
        SiteValueKind::Section => config()
            .map(|config| config.sections.into_iter().map(|s| s.slug).collect())
            .unwrap_or_default(),
        SiteValueKind::Status => config()
            .map_or_else(default_incident_statuses, |config| config.incident_statuses)
            .into_iter()
            .map(|status| status.key)
            .collect(),
        SiteValueKind::Tag => incidents().flat_map(|incident| incident.tags).collect(),
    };
    values.sort();
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_read_from_the_words() {
        let words = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            root_in_words(&words(&["frictionlog", "--", "frictionlog", "new"])),
            PathBuf::from(".")
        );
        assert_eq!(
            root_in_words(&words(&["frictionlog", "--root", "a", "new", "--root=b"])),
            PathBuf::from("b")
        );
    }

    #[test]
    fn site_values_come_from_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "content/site.yaml",
            "title: T\nsections:\n  - {slug: testing, title: Testing}\n  - {slug: apis, title: APIs}\n",
        );
        write("content/categories/monolith.md", "---\ntitle: M\n---\n");
        write(
            "content/incidents/deep/settings.md",
            "---\ntitle: S\ncategory: monolith\nanecdotes:\n  - {team: Web}\n  - {team: Payments}\n---\n",
        );
        write(
            "content/incidents/flaky.md",
            "---\ntitle: F\ncategory: monolith\nanecdotes: [{team: Web}]\ntags: [ci, staging]\n---\n",
        );
        let root = dir.path();
        assert_eq!(site_values(root, SiteValueKind::Category), ["monolith"]);
        assert_eq!(
            site_values(root, SiteValueKind::Incident),
            ["flaky", "settings"]
        );
        assert_eq!(site_values(root, SiteValueKind::Team), ["Payments", "Web"]);
        assert_eq!(
            site_values(root, SiteValueKind::Section),
            ["apis", "testing"]
        );
        assert_eq!(
            site_values(root, SiteValueKind::Status),
            ["heart", "sad", "tick"]
        );
        assert_eq!(site_values(root, SiteValueKind::Tag), ["ci", "staging"]);
        let typed = candidates(
            &site_values(root, SiteValueKind::Incident),
            OsStr::new("fl"),
        );
        assert_eq!(typed.len(), 1);
        assert!(site_values(&root.join("nowhere"), SiteValueKind::Team).is_empty());
    }
}
