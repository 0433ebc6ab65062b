//! Interrupted publishing: `build` killed with SIGKILL at arbitrary moments
//! must leave the output folder holding a whole site — the previous one or
//! the new one, never a mix — and the next build must clean up after it.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INCIDENTS: usize = 3_000;
const KILLS: usize = 20;

fn write_site(root: &Path) {
    let version = "A";
    fs::create_dir_all(root.join("content/categories")).unwrap();
    fs::create_dir_all(root.join("content/incidents")).unwrap();
    fs::write(
        root.join("content/site.yaml"),
        format!("title: Site {version}\n"),
    )
    .unwrap();
    for category in ["alpha", "beta", "gamma"] {
        fs::write(
            root.join(format!("content/categories/{category}.md")),
            format!("---\ntitle: {category} {version}\n---\n"),
        )
        .unwrap();
    }
    for i in 0..INCIDENTS {
        let category = ["alpha", "beta", "gamma"][i % 3];
        fs::write(
            root.join(format!("content/incidents/incident-{i:05}.md")),
            format!(
                "---\ntitle: Incident {i} ({version})\ncategory: {category}\nanecdotes:\n  - team: team-{}\n    date: 2018-{:02}\n---\nSome *Markdown* body for {i}, version {version}.\n",
                i % 17,
                i % 12 + 1
            ),
        )
        .unwrap();
    }
}

/// Switches the site between versions by its title, which every page shows.
fn set_version(root: &Path, version: &str) {
    fs::write(
        root.join("content/site.yaml"),
        format!("title: Site {version}\n"),
    )
    .unwrap();
}

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_owned();
            files.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn build(root: &Path, output: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_frictionlog"))
        .args(["-q", "build", "--root"])
        .arg(root)
        .arg("-o")
        .arg(output)
        .status()
        .unwrap();
    assert!(status.success());
}

/// A small deterministic generator: the kill moments are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next_fraction(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn sigkill_during_build_never_leaves_a_partial_site() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let output = root.join("output");

    // The two sites the output may legitimately hold.
    write_site(&root);
    build(&root, &dir.path().join("reference-a"));
    let site_a = tree(&dir.path().join("reference-a"));
    set_version(&root, "B");
    let started = Instant::now();
    build(&root, &dir.path().join("reference-b"));
    let build_time = started.elapsed();
    let site_b = tree(&dir.path().join("reference-b"));
    assert_ne!(site_a, site_b);

    set_version(&root, "A");
    build(&root, &output);
    let mut random = Lcg(0x5eed);
    let mut outcomes = (0, 0);
    for kill in 0..KILLS {
        // Always ask for the site the output does not hold, so that "old"
        // and "new" differ on every attempt.
        let current_is_a = tree(&output) == site_a;
        set_version(&root, if current_is_a { "B" } else { "A" });
        let mut child = Command::new(env!("CARGO_BIN_EXE_frictionlog"))
            .args(["-q", "build", "--root"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread over the whole run, publishing phase included.
        let delay = build_time.mul_f64(0.2 + 1.1 * random.next_fraction());
        std::thread::sleep(delay.max(Duration::from_millis(1)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = tree(&output);
        if now == site_a {
            outcomes.0 += 1;
        } else if now == site_b {
            outcomes.1 += 1;
        } else {
            panic!(
                "after kill {kill} at {delay:?} the output is neither site ({} files)",
                now.len()
            );
        }
    }
    eprintln!(
        "kills that left site A: {}, site B: {}",
        outcomes.0, outcomes.1
    );

    // The next successful build replaces the site and removes every leftover.
    set_version(&root, "B");
    build(&root, &output);
    assert_eq!(tree(&output), site_b);
    let mut beside: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    assert_eq!(
        beside,
        vec!["content", "output"],
        "debris left beside the output"
    );
}
