//! Hostile input: files anyone in the organisation could commit, built the
//! way CI builds them. Each case must end in a clear diagnostic or a correct
//! build — never a panic or a hang — within 10 s and 1 GiB of memory (peak
//! resident set, as the kernel counts it for the finished process), and
//! nothing may be written outside the output folder.
//!
//! Address space is capped too, at 4 GiB, only so that a runaway cannot take
//! the machine down before the test fails: the allocator reserves address
//! space it never touches, so address space is not what the 1 GiB limits.
//!
//! Large fixtures are generated here rather than committed.

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Site, SiteBuilder};

const TIME_LIMIT: Duration = Duration::from_secs(10);
const MEMORY_LIMIT_KB: i64 = 1024 * 1024;
const ADDRESS_SPACE_LIMIT_KB: u64 = 4 * 1024 * 1024;

/// A valid minimal site to which each case adds its poison.
fn base_site() -> Site {
    SiteBuilder::empty()
        .file("content/site.yaml", "title: Hostile\n")
        .file(
            "content/categories/monolith.md",
            "---\ntitle: Monolith\n---\n",
        )
        .file(
            "content/incidents/fine.md",
            "---\ntitle: Fine\ncategory: monolith\n---\nok\n",
        )
        .create()
}

struct Run {
    code: Option<i32>,
    /// Peak resident set size, in KiB.
    peak_kb: i64,
    stdout: String,
    stderr: String,
}

impl Run {
    fn diagnostics(&self) -> Vec<serde_json::Value> {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                &self.stdout[..self.stdout.len().min(500)]
            )
        })
    }

    fn codes(&self) -> Vec<String> {
        self.diagnostics()
            .iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}

/// Reaps `pid` if it has exited: its exit code (None when killed by a
/// signal) and its peak resident set in KiB. std's `try_wait` does not give
/// the child's resource usage, `wait4` does.
fn reap(pid: u32) -> Option<(Option<i32>, i64)> {
    let pid = libc::pid_t::try_from(pid).unwrap();
    let mut status = 0;
    // SAFETY: plain-old-data filled in by the kernel.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `status` and `usage` are valid for writes; WNOHANG never blocks.
    let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    assert!(
        reaped >= 0,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    if reaped == 0 {
        return None;
    }
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Some((code, usage.ru_maxrss))
}

/// Runs frictionlog, killing it at the time limit, and checks its peak
/// memory.
fn run(site: &Site, args: &[&str]) -> Run {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "ulimit -v {ADDRESS_SPACE_LIMIT_KB}; exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_frictionlog"))
        .args(args)
        .arg("--root")
        .arg(site.root())
        // Diagnostics name files from the current directory.
        .current_dir(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 in reap(), which also reports its peak memory"
    )]
    let mut child = command.spawn().unwrap();
    let mut stdout_pipe = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    let out_thread = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout_pipe.read_to_string(&mut text);
        text
    });
    let err_thread = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let (code, peak_kb) = loop {
        if let Some(reaped) = reap(child.id()) {
            break reaped;
        }
        if start.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("frictionlog {args:?} did not finish within {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = Run {
        code,
        peak_kb,
        stdout: out_thread.join().unwrap(),
        stderr: err_thread.join().unwrap(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "frictionlog panicked: {}",
        run.stderr
    );
    assert!(
        matches!(run.code, Some(0) | Some(1)),
        "exit {:?} (killed by the memory limit?): {}",
        run.code,
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(
        run.peak_kb <= MEMORY_LIMIT_KB,
        "frictionlog {args:?} peaked at {} MiB, over the 1 GiB limit",
        run.peak_kb / 1024
    );
    run
}

/// `check --format json` must report `code` in `file`, and change nothing.
fn assert_check_reports(site: &Site, code: &str, file: &str) {
    let before = site.everything();
    let run = run(site, &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let diagnostics = run.diagnostics();
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == code && d["file"] == file),
        "no {code} in {file}: {diagnostics:?}"
    );
    assert_eq!(
        before.files(),
        site.everything().files(),
        "check changed files"
    );
}

#[test]
fn ten_kinds_of_malformed_yaml() {
    let cases = [
        "title: [unclosed\ncategory: monolith\n",
        "title: {a: 1\n",
        "title: \"unterminated\ncategory: monolith\n",
        "title: a\n  bad: indent\n",
        "title: a\ntitle: b\n",
        "- just\n- a list\n",
        "title: a\n\tcategory: tab\n",
        "title: *undefined_alias\n",
        "? [complex, key]\n: value\n",
        "title: a\n--- \nsecond: doc\n",
    ];
    for (i, yaml) in cases.iter().enumerate() {
        let site = base_site();
        let file = format!("content/incidents/bad-{i}.md");
        site.write(&file, format!("---\n{yaml}---\n"));
        let run = run(&site, &["check", "--format", "json"]);
        assert_eq!(run.code, Some(1), "case {i} was accepted: {yaml:?}");
        let diagnostics = run.diagnostics();
        let here: Vec<_> = diagnostics
            .iter()
            .filter(|d| d["file"] == file.as_str())
            .collect();
        assert!(
            !here.is_empty(),
            "case {i}: nothing reported for {file}: {diagnostics:?}"
        );
        for d in here {
            assert!(
                d["line"].as_u64().unwrap_or(0) >= 1,
                "case {i}: no line: {d}"
            );
            assert!(
                d["column"].as_u64().unwrap_or(0) >= 1,
                "case {i}: no column: {d}"
            );
        }
    }
}

#[test]
fn an_alias_bomb_fails_fast() {
    let site = base_site();
    let mut yaml = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let prev = i - 1;
        yaml.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    site.write(
        "content/incidents/bomb.md",
        format!("---\n{yaml}title: x\ncategory: monolith\n---\n"),
    );
    assert_check_reports(&site, "yaml-syntax", "content/incidents/bomb.md");
}

#[test]
fn deep_nesting_is_refused() {
    let site = base_site();
    let depth = 10_000;
    let yaml = format!("title: {}x{}\n", "[".repeat(depth), "]".repeat(depth));
    site.write(
        "content/incidents/deep.md",
        format!("---\n{yaml}category: monolith\n---\n"),
    );
    assert_check_reports(&site, "yaml-syntax", "content/incidents/deep.md");
    let site = base_site();
    let mut block = String::new();
    for level in 0..10_000 {
        block.push_str(&" ".repeat(level));
        block.push_str("k:\n");
    }
    site.write(
        "content/incidents/deep.md",
        format!("---\ntitle: x\ncategory: monolith\nnest:\n{block}---\n"),
    );
    let run = run(&site, &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1));
}

#[test]
fn huge_bodies_and_titles_build() {
    let site = base_site();
    let paragraph = "Lorem ipsum *dolor* sit amet, [link](https://example.com) `code`.\n\n";
    let body = paragraph.repeat(20 * 1024 * 1024 / paragraph.len());
    site.write(
        "content/incidents/huge.md",
        format!("---\ntitle: Huge\ncategory: monolith\n---\n{body}"),
    );
    let title = "T".repeat(1024 * 1024);
    site.write(
        "content/incidents/long-title.md",
        format!("---\ntitle: {title}\ncategory: monolith\n---\n"),
    );
    let run = run(&site, &["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let data = fs::read_to_string(site.root().join("output/data.json")).unwrap();
    assert!(data.contains(&title));
}

#[test]
fn nul_bytes_invalid_utf8_utf16_and_empty_files() {
    let site = base_site();
    site.write(
        "content/incidents/nul.md",
        b"---\ntitle: a\x00b\ncategory: monolith\n---\n",
    );
    site.write(
        "content/incidents/latin1.md",
        b"---\ntitle: caf\xe9\ncategory: monolith\n---\n",
    );
    let utf16: Vec<u8> = "\u{feff}---\ntitle: x\n---\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    site.write("content/incidents/utf16.md", utf16);
    site.write("content/incidents/empty.md", "");
    let run = run(&site, &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1));
    let diagnostics = run.diagnostics();
    let code_of = |file: &str| -> Vec<String> {
        diagnostics
            .iter()
            .filter(|d| d["file"] == file)
            .map(|d| d["code"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert!(
        !code_of("content/incidents/nul.md").is_empty(),
        "NUL byte accepted silently"
    );
    assert_eq!(code_of("content/incidents/latin1.md"), vec!["not-utf8"]);
    assert_eq!(code_of("content/incidents/utf16.md"), vec!["not-utf8"]);
    assert_eq!(
        code_of("content/incidents/empty.md"),
        vec!["missing-frontmatter"]
    );
    let latin1 = diagnostics
        .iter()
        .find(|d| d["file"] == "content/incidents/latin1.md")
        .unwrap();
    assert_eq!(
        latin1["line"], 2,
        "not-utf8 should name the bad byte's line"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_or_published() {
    let site = base_site();
    let secret = site.outer().join("secret.md");
    fs::write(&secret, "---\ntitle: TOP SECRET\ncategory: monolith\n---\n").unwrap();
    std::os::unix::fs::symlink(&secret, site.root().join("content/incidents/link.md")).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("content"),
        site.root().join("content/incidents/loop"),
    )
    .unwrap();
    let run = run(&site, &["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for entry in walkdir::WalkDir::new(site.root().join("output")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = fs::read_to_string(entry.path()).unwrap_or_default();
            assert!(
                !text.contains("TOP SECRET"),
                "{} published the linked file",
                entry.path().display()
            );
        }
    }
    assert!(
        run.stderr.contains("symbolic link"),
        "skipped links are not reported: {}",
        run.stderr
    );
}

#[test]
fn ten_thousand_anecdotes_in_one_incident() {
    let site = base_site();
    let mut yaml = String::from("title: Busy\ncategory: monolith\nanecdotes:\n");
    for i in 0..10_000 {
        yaml.push_str(&format!(
            "  - team: team-{}\n    date: 2018-{:02}\n",
            i % 50,
            i % 12 + 1
        ));
    }
    site.write("content/incidents/busy.md", format!("---\n{yaml}---\n"));
    let run = run(&site, &["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let data: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(site.root().join("output/data.json")).unwrap())
            .unwrap();
    assert_eq!(data["totals"]["occurrences"], 10_001);
    assert_eq!(data["totals"]["teams"], 50);
}

#[test]
fn twenty_thousand_files_without_frontmatter_are_all_reported() {
    let site = base_site();
    let folder = site.root().join("content/incidents/bulk");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..20_000 {
        fs::write(folder.join(format!("note-{i:05}.md")), "just some text\n").unwrap();
    }
    let run = run(&site, &["check", "--format", "json"]);
    assert_eq!(run.code, Some(1));
    let codes = run.codes();
    assert_eq!(
        codes.iter().filter(|c| *c == "missing-frontmatter").count(),
        20_000
    );
}

#[test]
fn a_file_that_disappears_during_the_walk_is_not_a_crash() {
    // Files are removed while frictionlog runs; whatever the timing, the run
    // must end in a build or a clear io-error, never a panic.
    let site = base_site();
    let folder = site.root().join("content/incidents/churn");
    fs::create_dir_all(&folder).unwrap();
    for i in 0..3_000 {
        fs::write(
            folder.join(format!("c-{i:04}.md")),
            format!("---\ntitle: C{i}\ncategory: monolith\n---\n"),
        )
        .unwrap();
    }
    let remover = {
        let folder = folder.clone();
        std::thread::spawn(move || {
            for i in (0..3_000).rev() {
                let _ = fs::remove_file(folder.join(format!("c-{i:04}.md")));
            }
        })
    };
    let run = run(&site, &["check", "--format", "json"]);
    remover.join().unwrap();
    if run.code == Some(1) {
        assert!(
            run.codes().iter().all(|c| c == "io-error"),
            "unexpected diagnostics: {}",
            run.stdout
        );
    }
}

#[test]
fn a_build_writes_nothing_outside_its_output_folder() {
    let site = base_site();
    site.write(
        "content/incidents/x.md",
        "---\ntitle: '../../../escape'\ncategory: monolith\n---\n[a](../../../../etc/passwd)\n",
    );
    let before = site.everything();
    let run = run(&site, &["build"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let outside = |path: &str| !(path == "site/output" || path.starts_with("site/output/"));
    let after = site.everything();
    let (before, after) = (before.files(), after.files());
    for (path, bytes) in after.iter().filter(|(path, _)| outside(path)) {
        assert_eq!(before.get(path), Some(bytes), "{path} changed");
    }
    let outside_new: Vec<_> = after
        .keys()
        .filter(|p| outside(p) && !before.contains_key(*p))
        .collect();
    assert_eq!(outside_new, Vec::<&&str>::new());
}
