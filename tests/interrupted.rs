//! Interrupted publishing: `build` killed with SIGKILL at arbitrary moments
//! must leave the output folder holding a whole site — the previous one or
//! the new one, never a mix — and the next build must clean up after it.
//!
//! A test binary of its own, not a module of tests/cli.rs: the kill moments
//! are fractions of one build's time, measured first, so they fall across
//! the whole run (publishing included) only while nothing else competes for
//! the two cores; cargo runs test binaries one after another, whereas the
//! tests of one binary run side by side.

#![cfg(unix)]

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{Site, SiteBuilder, Tree};

const INCIDENTS: usize = 3_000;
const KILLS: usize = 20;

fn generated_site() -> Site {
    let version = "A";
    let mut site =
        SiteBuilder::empty().file("content/site.yaml", format!("title: Site {version}\n"));
    for category in ["alpha", "beta", "gamma"] {
        site = site.file(
            &format!("content/categories/{category}.md"),
            format!("---\ntitle: {category} {version}\n---\n"),
        );
    }
    for i in 0..INCIDENTS {
        let category = ["alpha", "beta", "gamma"][i % 3];
        site = site.file(
            &format!("content/incidents/incident-{i:05}.md"),
            format!(
                "---\ntitle: Incident {i} ({version})\ncategory: {category}\nanecdotes:\n  - team: team-{}\n    date: 2018-{:02}\n---\nSome *Markdown* body for {i}, version {version}.\n",
                i % 17,
                i % 12 + 1
            ),
        );
    }
    site.create()
}

/// Switches the site between versions by its title, which every page shows.
fn set_version(site: &Site, version: &str) {
    site.write("content/site.yaml", format!("title: Site {version}\n"));
}

/// The files under `dir`, with their bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    Tree::read(dir).into_files()
}

fn build(site: &Site, output: &Path) {
    site.run(&["-q", "build", "-o", output.to_str().unwrap()])
        .assert_code(0);
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
    let site = generated_site();
    let root = site.root();
    let output = root.join("output");

    // The two sites the output may legitimately hold.
    build(&site, &site.outer().join("reference-a"));
    let site_a = tree(&site.outer().join("reference-a"));
    set_version(&site, "B");
    let started = Instant::now();
    build(&site, &site.outer().join("reference-b"));
    let build_time = started.elapsed();
    let site_b = tree(&site.outer().join("reference-b"));
    assert_ne!(site_a, site_b);

    set_version(&site, "A");
    build(&site, &output);
    let mut random = Lcg(0x5eed);
    let mut outcomes = (0, 0);
    for kill in 0..KILLS {
        // Always ask for the site the output does not hold, so that "old"
        // and "new" differ on every attempt.
        let current_is_a = tree(&output) == site_a;
        set_version(&site, if current_is_a { "B" } else { "A" });
        let mut child = site
            .command(&["-q", "build"])
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
    set_version(&site, "B");
    build(&site, &output);
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
