//! Helpers shared by tests/theme.rs and tests/browser.rs: fixture sites in
//! temporary folders, built by the real binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The committed fixture sites.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A site in a temporary folder, optionally copied from a fixture.
pub struct Site {
    dir: TempDir,
}

impl Site {
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A writable copy of a committed fixture.
    pub fn copy_of(name: &str) -> Site {
        let site = Site::empty();
        copy_tree(&fixture(name), site.root());
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Site {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Runs `frictionlog <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.root(), args)
    }

    /// Builds into `<site>/output` with extra flags, asserting success,
    /// and returns every written file.
    pub fn build(&self, extra: &[&str]) -> Built {
        build_site(self.root(), &self.root().join("output"), extra)
    }
}

pub fn run_in(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frictionlog"))
        .args(args)
        .arg("--root")
        .arg(root)
        // Diagnostics name files from the current directory.
        .current_dir(root)
        .output()
        .unwrap()
}

/// Builds the site at `root` into `out`, asserting success.
pub fn build_site(root: &Path, out: &Path, extra: &[&str]) -> Built {
    let mut args = vec!["build", "--force", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = run_in(root, &args);
    assert!(
        output.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Built::read(out)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The files of a built site, by `/`-separated path.
pub struct Built {
    pub dir: PathBuf,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Built {
    pub fn read(dir: &Path) -> Built {
        let mut files = BTreeMap::new();
        collect(dir, dir, &mut files);
        Built {
            dir: dir.to_owned(),
            files,
        }
    }

    pub fn text(&self, path: &str) -> String {
        let bytes = self
            .files
            .get(path)
            .unwrap_or_else(|| panic!("no {path} in the output: {:?}", self.files.keys()));
        String::from_utf8(bytes.clone()).unwrap()
    }

    pub fn html_pages(&self) -> impl Iterator<Item = (&String, String)> {
        self.files
            .iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| (path, String::from_utf8(bytes.clone()).unwrap()))
    }

    pub fn data(&self) -> serde_json::Value {
        serde_json::from_str(&self.text("data.json")).unwrap()
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(rel, fs::read(&path).unwrap());
        }
    }
}

/// Every value of `attr="..."` in `html`, entities in it decoded.
pub fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let Some(end) = rest.find('"') else { break };
        values.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    values
}

pub fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
