//! The fixture builder: a valid minimal site in a temporary folder, changed
//! per test, and a runner for the real `frictionlog` binary.
//!
//! Every test starts from [`SiteBuilder::new`] (which builds and checks
//! clean), overrides or removes a few files, and looks at the exit code, the
//! streams and the files written. The site lives in `<tempdir>/site`, so tests
//! can also write around it (an ancestor, a sibling output folder).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

pub const SITE_YAML: &str = "title: Test challenges\n";

pub const MONOLITH: &str =
    "---\ntitle: Monolith\nsummary: Coupling everywhere\n---\nThe big one.\n";

pub const FRONTEND: &str = "---\ntitle: Front end\n---\n";

/// An incident of the base site; its lines are referred to by the tests.
pub const SETTINGS: &str = "\
---
title: Settings live in many files
category: monolith
status: sad
anecdotes:
  - team: Enterprise
    date: 2017-11
    text: It took a week.
---
Details.
";

pub const REVIEW: &str = "\
---
date: 2018-10-15
categories:
  monolith: {votes: 2, status: nope, recorded: 1}
---
Minutes.
";

/// A site on disk to be, as a map of paths (relative to the site root) to
/// contents.
pub struct SiteBuilder {
    files: BTreeMap<String, Vec<u8>>,
}

impl SiteBuilder {
    /// The valid base: site.yaml, two categories, one incident, one review.
    pub fn new() -> SiteBuilder {
        SiteBuilder::empty()
            .file("content/site.yaml", SITE_YAML)
            .file("content/categories/monolith.md", MONOLITH)
            .file("content/categories/frontend.md", FRONTEND)
            .file("content/incidents/settings.md", SETTINGS)
            .file("content/reviews/2018-10-15.md", REVIEW)
    }

    /// No files at all.
    pub fn empty() -> SiteBuilder {
        SiteBuilder {
            files: BTreeMap::new(),
        }
    }

    /// Adds or replaces a file.
    pub fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> SiteBuilder {
        self.files
            .insert(path.to_owned(), contents.as_ref().to_vec());
        self
    }

    /// Leaves a file of the base out.
    pub fn without(mut self, path: &str) -> SiteBuilder {
        assert!(
            self.files.remove(path).is_some(),
            "the base site has no {path}"
        );
        self
    }

    pub fn create(self) -> Site {
        let site = Site {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::create_dir_all(site.root()).unwrap();
        for (path, contents) in &self.files {
            site.write(path, contents);
        }
        site
    }
}

/// A site written to a temporary folder (removed on drop).
pub struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    /// The temporary folder around the site.
    pub fn outer(&self) -> PathBuf {
        self.dir.path().canonicalize().unwrap()
    }

    /// The site root (holding `content/`).
    pub fn root(&self) -> PathBuf {
        self.outer().join("site")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// A command for the binary with `--root <site>`, run from the site
    /// root (so a relative path in a test never lands in the repository,
    /// and diagnostics name files as `content/...`, read from there).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_frictionlog"));
        command
            .args(args)
            .arg("--root")
            .arg(self.root())
            .current_dir(self.root())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_COLOR");
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        run_command(self.command(args))
    }

    /// `check --format json` plus `extra`: the exit code and the report.
    pub fn check_json(&self, extra: &[&str]) -> (i32, Vec<Diag>) {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        (output.code, output.diagnostics())
    }

    /// Builds into `<root>/output`, which must succeed.
    pub fn build_ok(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        assert_eq!(output.code, 0, "build failed: {}", output.stderr);
        output
    }

    /// `<root>/output/data.json` as JSON.
    pub fn data_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("output/data.json")).unwrap()
    }

    /// Everything under the temporary folder: the site and what is around it.
    pub fn everything(&self) -> Tree {
        tree(&self.outer())
    }
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// stdout as the JSON array of `check --format json`.
    pub fn diagnostics(&self) -> Vec<Diag> {
        parse_diagnostics(&self.stdout)
    }
}

/// Runs a command to its end, failing the test if it takes over 20 s (a hang
/// is a bug, not a reason to block the suite).
pub fn run_command(command: Command) -> Output {
    run_within(command, Duration::from_secs(20))
}

/// Runs a command, killing it and failing the test after `limit`.
pub fn run_within(mut command: Command, limit: Duration) -> Output {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("{command:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let output = std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !stderr.contains("panicked"),
        "frictionlog panicked: {stderr}"
    );
    Output {
        code: output.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr,
    }
}

/// Reads a pipe to its end on a thread, so a chatty child never blocks.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes).unwrap();
        bytes
    })
}

/// One item of `check --format json` (SPEC 6).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Diag {
    pub severity: String,
    pub code: String,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Diag {
    /// `(code, file, line, column)`, the part most tests compare.
    pub fn place(&self) -> (&str, &str, u32, u32) {
        (
            self.code.as_str(),
            self.file.as_deref().unwrap_or("<none>"),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
        )
    }
}

pub fn parse_diagnostics(stdout: &str) -> Vec<Diag> {
    serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("check --format json printed no JSON array ({e}): {stdout}"))
}

/// Checks `site` expecting exactly these errors, as `(code, file, line,
/// column)`, in the order printed, and exit code 1; returns the diagnostics
/// for a closer look at their messages.
pub fn expect_errors(site: &Site, expected: &[(&str, &str, u32, u32)]) -> Vec<Diag> {
    let (code, diagnostics) = site.check_json(&[]);
    let places: Vec<_> = diagnostics.iter().map(Diag::place).collect();
    assert_eq!(places, expected, "{diagnostics:#?}");
    for d in &diagnostics {
        assert_eq!(d.severity, "error", "{d:?}");
    }
    assert_eq!(code, 1, "{diagnostics:#?}");
    diagnostics
}

/// One entry of a folder listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    File(Vec<u8>),
    Symlink(PathBuf),
}

/// A folder's full listing with contents, keyed by path relative to it.
pub type Tree = BTreeMap<PathBuf, Entry>;

/// Lists `dir` recursively without following links; empty when absent.
pub fn tree(dir: &Path) -> Tree {
    let mut entries = Tree::new();
    if !dir.exists() {
        return entries;
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(dir).unwrap().to_owned();
        let file_type = entry.file_type();
        let value = if file_type.is_symlink() {
            Entry::Symlink(fs::read_link(entry.path()).unwrap())
        } else if file_type.is_dir() {
            Entry::Dir
        } else {
            Entry::File(fs::read(entry.path()).unwrap())
        };
        entries.insert(rel, value);
    }
    entries
}

/// The files (not folders) of a listing, as `/`-separated relative paths.
pub fn file_names(tree: &Tree) -> Vec<String> {
    tree.iter()
        .filter(|(_, entry)| matches!(entry, Entry::File(_)))
        .map(|(path, _)| path.to_string_lossy().into_owned())
        .collect()
}

/// Asserts two listings are equal, naming the first difference rather than
/// dumping every byte.
pub fn assert_same_tree(before: &Tree, after: &Tree, what: &str) {
    let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let changed: Vec<_> = before
        .iter()
        .filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        added.is_empty() && removed.is_empty() && changed.is_empty(),
        "{what}: added {added:?}, removed {removed:?}, changed {changed:?}"
    );
}
