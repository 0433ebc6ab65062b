//! Exit status (README, "Exit codes"): 0 success (warnings allowed unless --strict), 1
//! content errors, 2 usage errors.

use crate::support::{SETTINGS, Site, SiteBuilder};

fn with_warning() -> Site {
    SiteBuilder::new()
        .file(
            "content/categories/old/legacy.md",
            "---\ntitle: Legacy\n---\n",
        )
        .create()
}

fn with_error() -> Site {
    SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("category: monolith", "category: nowhere"),
        )
        .create()
}

#[test]
fn a_clean_site_exits_0() {
    let site = SiteBuilder::new().create();
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stderr
            .starts_with("checked 1 incident in 2 categories in "),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.ends_with(" ms: no errors\n"),
        "{}",
        check.stderr
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        build
            .stderr
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("built 1 incident in 2 categories into "),
        "{}",
        build.stderr
    );
    let strict = site.run(&["build", "--strict"]);
    assert_eq!(strict.code, 0, "{}", strict.stderr);
}

#[test]
fn quiet_prints_nothing_on_success() {
    let site = SiteBuilder::new().create();
    let output = site.run(&["-q", "build"]);
    assert_eq!(
        (output.code, output.stdout.as_str(), output.stderr.as_str()),
        (0, "", "")
    );
}

#[test]
fn warnings_exit_0_unless_strict() {
    let site = with_warning();
    for command in ["check", "build"] {
        let output = site.run(&[command]);
        assert_eq!(output.code, 0, "{command}: {}", output.stderr);
        assert!(
            output.stderr.contains("warning[io-error]"),
            "{command}: {}",
            output.stderr
        );
        let strict = site.run(&[command, "--strict"]);
        assert_eq!(strict.code, 1, "{command} --strict: {}", strict.stderr);
    }
    let (code, d) = site.check_json(&["--strict"]);
    assert_eq!(code, 1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].severity, "warning");
}

#[test]
fn a_strict_build_with_a_warning_writes_nothing() {
    let site = with_warning();
    let output = site.run(&["build", "--strict"]);
    assert_eq!(output.code, 1);
    assert!(
        output
            .stderr
            .contains("build failed: 1 warning (--strict treats warnings as errors); the output folder was left as it was"),
        "{}",
        output.stderr
    );
    assert!(!site.path("output").exists());
}

#[test]
fn content_errors_exit_1() {
    let site = with_error();
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "--format", "github"],
        &["build"],
        &["build", "--drafts"],
    ] {
        let output = site.run(args);
        assert_eq!(output.code, 1, "{args:?}: {}", output.stderr);
    }
    assert!(!site.path("output").exists());
}

#[test]
fn usage_errors_exit_2() {
    let site = SiteBuilder::new().create();
    for (args, expected) in [
        (&["build", "--frobnicate"][..], "--frobnicate"),
        (&["check", "--format", "yaml"], "yaml"),
        (&["check", "--format"], "--format"),
        (
            &["build", "--base-url", "arch/challenges"],
            "arch/challenges",
        ),
        (
            &["build", "--base-url", "https:///nohost"],
            "https:///nohost",
        ),
        (&["publish"], "publish"),
        (&["--color", "sometimes", "check"], "sometimes"),
    ] {
        let output = site.run(args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert!(
            output.stderr.contains(expected),
            "{args:?}: the message does not quote {expected:?}: {}",
            output.stderr
        );
        assert_eq!(output.stdout, "", "{args:?}");
    }
    assert!(!site.path("output").exists());
}

// Regression test: `build --strict --format github` (the check's flags on
// the build) got clap's nearest spelling as a tip, "a similar argument
// exists: '--force'", which would replace a folder frictionlog did not make.
#[test]
fn a_flag_of_another_command_names_that_command_not_a_look_alike() {
    let site = SiteBuilder::new().create();
    let output = site.run(&["build", "--strict", "--format", "github"]);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(!output.stderr.contains("--force"), "{}", output.stderr);
    assert!(
        output.stderr.contains(
            "tip: '--format' is an option of `frictionlog check`, not of `frictionlog build`"
        ),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("Usage: frictionlog build [OPTIONS]"),
        "{}",
        output.stderr
    );
    // A flag no command has keeps clap's own tip.
    let output = site.run(&["build", "--stric"]);
    assert!(
        output
            .stderr
            .contains("a similar argument exists: '--strict'"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_bad_base_url_is_explained() {
    let site = SiteBuilder::new().create();
    let output = site.run(&["build", "--base-url", "arch"]);
    assert_eq!(output.code, 2);
    assert_eq!(
        output.stderr,
        "error: invalid --base-url \"arch\": expected \"/\", a path like \"/arch/challenges/\" or an absolute URL like \"https://docs.example.com/arch/\" (pages link relatively: the built folder opens from disk and works under any path without one)\n"
    );
}

#[test]
fn help_and_version_exit_0() {
    let site = SiteBuilder::new().create();
    let help = site.run(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("build"), "{}", help.stdout);
    let version = site.run(&["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("frictionlog {}\n", env!("CARGO_PKG_VERSION"))
    );
}
