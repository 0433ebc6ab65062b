//! The one builder of test sites, shared by every integration test: a site
//! in a temporary folder, made from a base (the valid minimal site, a
//! committed fixture under tests/fixtures/, or nothing) with files added,
//! replaced or left out; the real `frictionlog` binary run on it from the
//! site's root; `check --format json` read as typed diagnostics; folders
//! listed and compared so that an unexpected extra file fails; and `serve`
//! run in the background ([`serve`]).
//!
//! A test starts from a [`SiteBuilder`], calls [`SiteBuilder::create`], and
//! looks at the exit code, the streams and the files written. The site
//! lives in `<tempdir>/site`, so a test can also write around it (an
//! ancestor, a sibling output folder) and run from there.

// Each test binary (tests/cli.rs, tests/interrupted.rs, tests/serve_load.rs)
// uses a part of this.
#![allow(dead_code, reason = "each test binary uses a part")]

pub mod serve;

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

/// `assert_snapshot!` of insta, keeping every snapshot in tests/snapshots/
/// whichever file the test is in. The file is named after the test's module
/// path: `<binary>__<module>__<name>.snap`.
#[allow(unused_macros, reason = "the binaries without snapshots")]
macro_rules! assert_text_snapshot {
    ($name:expr, $text:expr) => {
        insta::with_settings!(
            { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots") },
            { insta::assert_snapshot!($name, $text) }
        )
    };
}
#[allow(unused_imports, reason = "the binaries without snapshots")]
pub(crate) use assert_text_snapshot;

/// The repository's root: its own content/ is the bundled site.
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site on disk to be: a map of paths (relative to the site root) to
/// contents.
pub struct SiteBuilder {
    files: BTreeMap<String, Vec<u8>>,
    /// Whether `create` makes the site's folder even with no file in it.
    make_root: bool,
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

    /// No files at all: the site's folder exists and is empty.
    pub fn empty() -> SiteBuilder {
        SiteBuilder {
            files: BTreeMap::new(),
            make_root: true,
        }
    }

    /// Nothing yet, as before `frictionlog init site`: the temporary folder
    /// exists, the site's folder in it does not (until a file is written
    /// there).
    pub fn before_init() -> SiteBuilder {
        SiteBuilder {
            files: BTreeMap::new(),
            make_root: false,
        }
    }

    /// The files of the committed fixture `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> SiteBuilder {
        let dir = repository().join("tests/fixtures").join(name);
        assert!(dir.is_dir(), "no fixture {}", dir.display());
        let mut builder = SiteBuilder::empty();
        for (path, entry) in Tree::read(&dir).entries {
            if let Entry::File(bytes) = entry {
                builder.files.insert(path, bytes);
            }
        }
        builder
    }

    /// Adds or replaces a file.
    pub fn file(mut self, path: &str, contents: impl AsRef<[u8]>) -> SiteBuilder {
        self.files
            .insert(path.to_owned(), contents.as_ref().to_vec());
        self
    }

    /// Adds `text` at the end of a file of the base (a key to site.yaml).
    pub fn append(mut self, path: &str, text: &str) -> SiteBuilder {
        self.files
            .get_mut(path)
            .unwrap_or_else(|| panic!("the base site has no {path}"))
            .extend_from_slice(text.as_bytes());
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
        if self.make_root {
            fs::create_dir_all(site.root()).unwrap();
        }
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

    /// Writes a file of the site, making its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Site {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
        self
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// A command for the binary with `--root <site>`, run from the site
    /// root (so a relative path in a test never lands in the repository,
    /// and diagnostics name files as `content/...`, read from there).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.command_in(&self.root(), args);
        command.arg("--root").arg(self.root());
        command
    }

    /// A command for the binary with just `args`, run from `dir`.
    pub fn command_in(&self, dir: &Path, args: &[&str]) -> Command {
        frictionlog(dir, args)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        run_command(self.command(args))
    }

    /// Runs the binary with just `args` from `dir` (the folder around the
    /// site, say, with `--root site` among the arguments).
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        run_command(self.command_in(dir, args))
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
        self.run(&args).assert_code(0)
    }

    /// Builds into `<root>/output`, which must succeed; returns what was
    /// written there.
    pub fn build(&self, extra: &[&str]) -> Tree {
        self.build_into(&self.path("output"), extra)
    }

    /// Builds into `out` (`--force`), which must succeed; returns what was
    /// written there.
    pub fn build_into(&self, out: &Path, extra: &[&str]) -> Tree {
        build_site(&self.root(), out, extra)
    }

    /// `<root>/output/data.json` as JSON.
    pub fn data_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("output/data.json")).unwrap()
    }

    /// Everything under the temporary folder: the site and what is around it.
    pub fn everything(&self) -> Tree {
        Tree::read(&self.outer())
    }

    /// Starts `frictionlog serve` on the site. Keep the site alive longer
    /// than the server: declare it first, or put it after the server in a
    /// struct, so that the server is killed before its folder goes.
    pub fn serve(&self) -> serve::Serve {
        serve::Serve::start(&self.root())
    }
}

/// The binary with `args`, run from `dir`, with no colour settings
/// inherited from the environment.
pub fn frictionlog(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_frictionlog"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    command
}

/// Builds the site at `root` into `out` with `--force` and `extra`, from
/// the site's root, asserting success; returns what was written.
pub fn build_site(root: &Path, out: &Path, extra: &[&str]) -> Tree {
    let mut command = frictionlog(root, &["build", "--force", "-o"]);
    command.arg(out).args(extra).arg("--root").arg(root);
    run_command(command).assert_code(0);
    Tree::read(out)
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Fails the test unless the run exited with `code`.
    #[track_caller]
    pub fn assert_code(self, code: i32) -> Output {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }

    /// stdout as the JSON array of `check --format json`.
    pub fn diagnostics(&self) -> Vec<Diag> {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "check --format json printed no JSON array ({e}): {}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
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

/// One item of `check --format json` (docs/format.md).
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

/// The places of `diagnostics`, in the order printed.
pub fn places(diagnostics: &[Diag]) -> Vec<(&str, &str, u32, u32)> {
    diagnostics.iter().map(Diag::place).collect()
}

/// Checks `site` expecting exactly these errors, as `(code, file, line,
/// column)`, in the order printed, and exit code 1; returns the diagnostics
/// for a closer look at their messages.
pub fn expect_errors(site: &Site, expected: &[(&str, &str, u32, u32)]) -> Vec<Diag> {
    let (code, diagnostics) = site.check_json(&[]);
    assert_eq!(places(&diagnostics), expected, "{diagnostics:#?}");
    for d in &diagnostics {
        assert_eq!(d.severity, "error", "{d:?}");
    }
    assert_eq!(code, 1, "{diagnostics:#?}");
    diagnostics
}

/// The part of `html` from the first `start` to the end of the first
/// `end` after it.
pub fn fragment<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {html}"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &html[from..from + to + end.len()]
}

/// One entry of a folder listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Dir,
    File(Vec<u8>),
    Symlink(PathBuf),
}

/// A folder's full listing with contents — files, folders and symbolic
/// links, not followed — keyed by `/`-separated path relative to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tree {
    pub entries: BTreeMap<String, Entry>,
}

// A listing reads as the map it is: `tree.get(path)`, `tree.len()`.
impl std::ops::Deref for Tree {
    type Target = BTreeMap<String, Entry>;
    fn deref(&self) -> &Self::Target {
        &self.entries
    }
}

impl std::ops::DerefMut for Tree {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.entries
    }
}

impl Tree {
    /// Lists `dir` recursively without following links; empty when absent.
    pub fn read(dir: &Path) -> Tree {
        let mut entries = BTreeMap::new();
        if !dir.exists() {
            return Tree { entries };
        }
        for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
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
        Tree { entries }
    }

    /// The files (not folders or links), by path, with their bytes.
    pub fn files(&self) -> BTreeMap<&str, &[u8]> {
        self.entries
            .iter()
            .filter_map(|(path, entry)| match entry {
                Entry::File(bytes) => Some((path.as_str(), bytes.as_slice())),
                _ => None,
            })
            .collect()
    }

    /// The files, by path, with their bytes, owned.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.entries
            .into_iter()
            .filter_map(|(path, entry)| match entry {
                Entry::File(bytes) => Some((path, bytes)),
                _ => None,
            })
            .collect()
    }

    /// The paths of the files, in order.
    pub fn file_names(&self) -> Vec<&str> {
        self.files().into_keys().collect()
    }

    pub fn has_file(&self, path: &str) -> bool {
        matches!(self.entries.get(path), Some(Entry::File(_)))
    }

    /// The text of the file at `path`, which must exist.
    pub fn text(&self, path: &str) -> String {
        match self.entries.get(path) {
            Some(Entry::File(bytes)) => String::from_utf8(bytes.clone()).unwrap(),
            _ => panic!("no file {path} in {:?}", self.file_names()),
        }
    }

    /// The HTML pages, by path, with their text.
    pub fn html_pages(&self) -> Vec<(&str, String)> {
        self.files()
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| (path, String::from_utf8(bytes.to_vec()).unwrap()))
            .collect()
    }

    /// `data.json` as JSON.
    pub fn data_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text("data.json")).unwrap()
    }
}

/// Asserts two listings are equal, naming the first difference rather than
/// dumping every byte: an entry only in `after` fails as much as one
/// missing or changed.
#[track_caller]
pub fn assert_same_tree(before: &Tree, after: &Tree, what: &str) {
    let (before, after) = (&before.entries, &after.entries);
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
