//! Publishing safety (docs/publishing.md): atomic replacement, refused targets,
//! `--force`, `-o` relative to the current directory, byte-identical output.

use std::fs;
use std::path::Path;

use crate::support::{SETTINGS, Site, SiteBuilder, Tree, assert_same_tree, run_command};

fn build_to(site: &Site, output: &Path, extra: &[&str]) -> crate::support::Output {
    let mut command = site.command(&["build"]);
    command.arg("-o").arg(output).args(extra);
    run_command(command)
}

#[test]
fn the_default_output_folder_is_accepted_and_holds_the_site() {
    let site = SiteBuilder::new().create();
    site.build_ok(&[]);
    let output = Tree::read(&site.path("output"));
    let files = output.file_names();
    for expected in [
        "404.html",
        "categories/frontend/index.html",
        "categories/monolith/index.html",
        "data.json",
        "feed.xml",
        "incidents.csv",
        "incidents/settings/index.html",
        "index.html",
        "reviews/2018-10-15/index.html",
        "teams/enterprise/index.html",
        "teams/index.html",
        "timeline/index.html",
    ] {
        assert!(files.contains(&expected), "no {expected} in {files:?}");
    }
    // A second build replaces the folder it made without --force.
    site.build_ok(&[]);
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = SiteBuilder::new().create();
    site.build_ok(&[]);
    let before = site.everything();
    site.write(
        "content/incidents/settings.md",
        SETTINGS.replace("category: monolith", "category: nowhere"),
    );
    let after_edit = site.everything();
    let output = site.run(&["build"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("the output folder was left as it was"),
        "{}",
        output.stderr
    );
    // Nothing changed but the file the test edited, and nothing was added
    // next to the output (no staging folder left behind).
    assert_same_tree(&after_edit, &site.everything(), "after the failed build");
    let changed: Vec<_> = before
        .iter()
        .filter(|(path, entry)| after_edit.get(*path) != Some(entry))
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(changed, ["site/content/incidents/settings.md"]);
}

/// Runs `build -o target` (plus `extra`) and asserts it is refused with exit
/// 1, that the message says why, and that nothing anywhere changed.
fn assert_refused(site: &Site, target: &Path, extra: &[&str], reason: &str) {
    let before = site.everything();
    let output = build_to(site, target, extra);
    assert_eq!(output.code, 1, "{}: {}", target.display(), output.stderr);
    assert!(
        output.stderr.contains(reason),
        "{}: expected {reason:?} in {}",
        target.display(),
        output.stderr
    );
    assert_same_tree(&before, &site.everything(), &target.display().to_string());
}

#[test]
fn the_site_root_is_refused_even_with_force() {
    let site = SiteBuilder::new().create();
    for extra in [&[][..], &["--force"]] {
        assert_refused(&site, &site.root(), extra, "it is the site root");
    }
    // The same folder spelled differently.
    assert_refused(
        &site,
        &site.path("content/.."),
        &["--force"],
        "it is the site root",
    );
}

#[test]
fn content_and_themes_are_refused_even_with_force() {
    let site = SiteBuilder::new()
        .file(
            "themes/mine/templates/base.html",
            "{% block body %}{% endblock %}",
        )
        .create();
    for target in [
        "content",
        "content/incidents",
        "content/new",
        "themes",
        "themes/mine",
    ] {
        for extra in [&[][..], &["--force"]] {
            assert_refused(
                &site,
                &site.path(target),
                extra,
                "which holds the site's sources",
            );
        }
    }
}

#[test]
fn ancestors_of_the_root_are_refused_even_with_force() {
    let site = SiteBuilder::new().create();
    for extra in [&[][..], &["--force"]] {
        assert_refused(
            &site,
            &site.outer(),
            extra,
            "it is a parent folder of the site root",
        );
        assert_refused(
            &site,
            Path::new("/"),
            extra,
            "it is a parent folder of the site root",
        );
    }
}

#[test]
fn a_foreign_non_empty_folder_is_refused_without_force() {
    let site = SiteBuilder::new().create();
    let target = site.outer().join("public");
    fs::create_dir_all(target.join("keep")).unwrap();
    fs::write(target.join("keep/notes.txt"), "mine").unwrap();
    assert_refused(
        &site,
        &target,
        &[],
        "it is not empty and frictionlog did not create it (pass --force to replace it",
    );
    // The default output folder too, when something else made it.
    fs::create_dir_all(site.path("output")).unwrap();
    fs::write(site.path("output/index.html"), "hand-written").unwrap();
    let before = site.everything();
    let output = site.run(&["build"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_same_tree(&before, &site.everything(), "default output not ours");
}

#[test]
fn force_replaces_a_foreign_folder() {
    let site = SiteBuilder::new().create();
    let target = site.outer().join("public");
    fs::create_dir_all(target.join("keep")).unwrap();
    fs::write(target.join("keep/notes.txt"), "mine").unwrap();
    let output = build_to(&site, &target, &["--force"]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(!target.join("keep").exists());
    assert!(target.join("index.html").is_file());
    // Now it is frictionlog's: the next build needs no --force.
    let output = build_to(&site, &target, &[]);
    assert_eq!(output.code, 0, "{}", output.stderr);
}

#[test]
fn an_empty_folder_and_a_new_folder_are_accepted() {
    let site = SiteBuilder::new().create();
    let empty = site.outer().join("empty");
    fs::create_dir(&empty).unwrap();
    let output = build_to(&site, &empty, &[]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(empty.join("data.json").is_file());
    let deep = site.outer().join("a/b/c");
    let output = build_to(&site, &deep, &[]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(deep.join("data.json").is_file());
}

#[test]
fn an_output_folder_from_another_site_counts_as_ours() {
    let first = SiteBuilder::new().create();
    let second = SiteBuilder::new()
        .file("content/site.yaml", "title: The other site\n")
        .create();
    let target = first.outer().join("shared-output");
    assert_eq!(build_to(&first, &target, &[]).code, 0);
    let output = build_to(&second, &target, &[]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let data = fs::read_to_string(target.join("data.json")).unwrap();
    assert!(data.contains("The other site"));
}

#[test]
fn output_is_relative_to_the_current_directory() {
    let site = SiteBuilder::new().create();
    let elsewhere = site.outer().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    let mut command = site.command(&["build", "-o", "out"]);
    command.current_dir(&elsewhere);
    let output = run_command(command);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(elsewhere.join("out/index.html").is_file());
    assert!(!site.path("out").exists());
    assert!(!site.path("output").exists());
    assert!(output.stderr.contains("into out/"), "{}", output.stderr);
}

#[test]
fn root_is_relative_to_the_current_directory_too() {
    let site = SiteBuilder::new().create();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_frictionlog"));
    command
        .args(["build", "--root", "site", "-o", "built"])
        .current_dir(site.outer());
    let output = run_command(command);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(site.outer().join("built/index.html").is_file());

    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_frictionlog"));
    command
        .args(["build", "--root", "site"])
        .current_dir(site.outer());
    let output = run_command(command);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stderr.contains(" into site/output/ in "),
        "{}",
        output.stderr
    );
    assert!(site.path("output/index.html").is_file());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/more.md",
            "---\ntitle: More\ncategory: frontend\nanecdotes:\n  - {team: Web, date: 2018-03}\n  - {team: Köln, date: 2018}\n---\n",
        )
        .create();
    let one = site.outer().join("one");
    let two = site.outer().join("two");
    assert_eq!(build_to(&site, &one, &[]).code, 0);
    assert_eq!(build_to(&site, &two, &[]).code, 0);
    let (one, two) = (Tree::read(&one), Tree::read(&two));
    assert!(one.len() > 10, "{:?}", one.keys());
    assert_same_tree(&one, &two, "two builds");
    // Rebuilding in place gives the same bytes as well.
    site.build_ok(&[]);
    let first = Tree::read(&site.path("output"));
    site.build_ok(&[]);
    assert_same_tree(
        &first,
        &Tree::read(&site.path("output")),
        "a rebuild in place",
    );
    assert_same_tree(&one, &first, "-o and the default output");
}

#[test]
fn no_staging_folders_remain_after_a_build() {
    let site = SiteBuilder::new().create();
    site.build_ok(&[]);
    site.build_ok(&[]);
    let mut names: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["content", "output"]);
    let outer: Vec<_> = fs::read_dir(site.outer())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(outer, ["site"]);
}

#[test]
fn check_writes_nothing() {
    let site = SiteBuilder::new().create();
    let before = site.everything();
    for format in ["human", "json", "github"] {
        let output = site.run(&["check", "--format", format]);
        assert_eq!(output.code, 0, "{}", output.stderr);
    }
    site.write(
        "content/incidents/settings.md",
        SETTINGS.replace("category: monolith", "category: nowhere"),
    );
    let broken = site.everything();
    assert_eq!(site.run(&["check"]).code, 1);
    assert_same_tree(&broken, &site.everything(), "check of a broken site");
    assert_eq!(before.len(), broken.len());
}

#[test]
fn a_symbolic_link_to_the_root_is_the_root() {
    let site = SiteBuilder::new().create();
    let alias = site.outer().join("alias");
    std::os::unix::fs::symlink(site.root(), &alias).unwrap();
    assert_refused(&site, &alias, &["--force"], "it is the site root");
    assert_refused(
        &site,
        &alias.join("content"),
        &["--force"],
        "which holds the site's sources",
    );
}

#[test]
fn a_file_is_refused_as_output_even_with_force() {
    let site = SiteBuilder::new().create();
    let file = site.outer().join("output.txt");
    fs::write(&file, "not a folder").unwrap();
    assert_refused(&site, &file, &["--force"], "it is a file, not a folder");
}

/// The pid in a "waiting for another build of out/ (pid N)" line, if the
/// build printed one.
fn waited_for(stderr: &str) -> Option<Option<u32>> {
    let line = stderr
        .lines()
        .find(|line| line.starts_with("waiting for another build of out/"))?;
    Some(
        line.strip_prefix("waiting for another build of out/ (pid ")
            .and_then(|rest| rest.strip_suffix(')'))
            .and_then(|pid| pid.parse().ok()),
    )
}

#[test]
fn concurrent_builds_into_one_folder_take_turns_and_leave_one_whole_site() {
    let site = SiteBuilder::new().create();
    // Two different sites of the same content, so a mix of the two would
    // show: every link starts with the base URL.
    let build = |output: &str, base_url: &str| {
        let mut command = site.command(&["build", "-o", output, "--base-url", base_url]);
        command.current_dir(site.outer());
        run_command(command)
    };
    assert_eq!(build("first", "/first/").code, 0);
    assert_eq!(build("second", "/second/").code, 0);
    let first = Tree::read(&site.outer().join("first"));
    let second = Tree::read(&site.outer().join("second"));
    assert_ne!(first, second);
    let mut waits = 0;
    for pair in 0..50 {
        let (a, b) = std::thread::scope(|scope| {
            let a = scope.spawn(|| build("out", "/first/"));
            let b = scope.spawn(|| build("out", "/second/"));
            (a.join().unwrap(), b.join().unwrap())
        });
        for output in [&a, &b] {
            assert_eq!(output.code, 0, "pair {pair}: {}", output.stderr);
            if let Some(pid) = waited_for(&output.stderr) {
                assert!(pid.is_some(), "pair {pair}: {}", output.stderr);
                waits += 1;
            }
        }
        let out = Tree::read(&site.outer().join("out"));
        assert!(
            out == first || out == second,
            "pair {pair}: out/ is not one whole site: {:?}",
            out.file_names()
        );
        // No staging folder or lock file is left beside it.
        let mut names: Vec<_> = fs::read_dir(site.outer())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["first", "out", "second", "site"], "pair {pair}");
    }
    eprintln!("{waits} of 100 builds waited for the other");
}

#[test]
fn what_a_killed_build_left_is_taken_over_and_removed() {
    let site = SiteBuilder::new().create();
    site.build_ok(&[]);
    // A build killed mid-way: its lock file (no longer locked: the system
    // released it with the process) and its staging folder.
    site.write(".output.frictionlog-lock", "4000000\n");
    site.write(".output.frictionlog-new-4000000/index.html", "half");
    // Not debris: only names a build of output/ would make.
    site.write(".output.frictionlog-new-notes/keep.txt", "mine");
    let output = site.build_ok(&[]);
    assert!(
        !output.stderr.contains("waiting"),
        "a lock nobody holds made the build wait: {}",
        output.stderr
    );
    let mut names: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".output.frictionlog-new-notes", "content", "output"]
    );
}
