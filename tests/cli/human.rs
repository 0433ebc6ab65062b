//! The text of a diagnostic is part of the product: `check`'s human output
//! (rustc-style, with the source line and a caret) and the GitHub format,
//! snapshotted word for word in tests/snapshots/.

use crate::support::{SETTINGS, Site, SiteBuilder, assert_text_snapshot};

/// `check` on `site`: stdout must be empty, exit 1; returns stderr with the
/// temporary folder's path (if it ever appears) replaced.
fn check_stderr(site: &Site, extra: &[&str]) -> String {
    let mut args = vec!["check"];
    args.extend_from_slice(extra);
    let output = site.run(&args);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_eq!(output.stdout, "");
    normalise(site, &output.stderr)
}

fn normalise(site: &Site, text: &str) -> String {
    text.replace(&site.outer().display().to_string(), "[TMP]")
}

#[test]
fn unknown_category() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/django-settings.md",
            SETTINGS.replace("category: monolith", "category: monolit"),
        )
        .create();
    assert_text_snapshot!("unknown_category", check_stderr(&site, &[]));
}

#[test]
fn yaml_syntax_duplicate_key() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "status: sad\ncategory: frontend\n"),
        )
        .create();
    assert_text_snapshot!("yaml_syntax_duplicate_key", check_stderr(&site, &[]));
}

#[test]
fn unknown_field_nested() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("    date: 2017-11", "    dated: 2017-11"),
        )
        .create();
    assert_text_snapshot!("unknown_field_nested", check_stderr(&site, &[]));
}

#[test]
fn invalid_date_with_multibyte_text_before_it() {
    // Columns count characters: the caret must sit under the date.
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS
                .replace("date: 2017-11", "date: 2017-11-31")
                .replace(
                    "a week.\n",
                    "a week.\n  - {team: Köln Ü, date: \"2018-1\"}\n",
                ),
        )
        .create();
    assert_text_snapshot!("invalid_date", check_stderr(&site, &[]));
}

#[test]
fn missing_frontmatter_and_missing_field() {
    let site = SiteBuilder::new()
        .file("content/incidents/plain.md", "Just some notes.\n")
        .file("content/categories/untitled.md", "---\nsummary: S\n---\n")
        .create();
    assert_text_snapshot!("missing_frontmatter_and_field", check_stderr(&site, &[]));
}

#[test]
fn duplicate_slug_and_occurrences() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/old/settings.md",
            SETTINGS.replace("---\nDetails", "occurrences: 0\n---\nDetails"),
        )
        .create();
    assert_text_snapshot!("duplicate_slug_and_occurrences", check_stderr(&site, &[]));
}

#[test]
fn not_utf8_without_a_source_line() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/latin1.md",
            b"---\ntitle: Caf\xe9\ncategory: monolith\n---\n",
        )
        .create();
    assert_text_snapshot!("not_utf8", check_stderr(&site, &[]));
}

#[test]
fn a_warning_fails_only_with_strict() {
    let site = SiteBuilder::new()
        .file(
            "content/categories/old/legacy.md",
            "---\ntitle: Legacy\n---\n",
        )
        .create();
    assert_text_snapshot!("strict_warning", check_stderr(&site, &["--strict"]));
}

#[test]
fn github_format() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad", "status: [sad, meh]"),
        )
        .file("content/incidents/more, notes.md", "no frontmatter\n")
        .file(
            "content/categories/old/legacy.md",
            "---\ntitle: Legacy\n---\n",
        )
        .create();
    let output = site.run(&["check", "--format", "github"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_eq!(output.stderr, "");
    assert_text_snapshot!("github", normalise(&site, &output.stdout));
}

#[test]
fn github_format_of_an_error_about_no_file() {
    let site = SiteBuilder::new().without("content/site.yaml").create();
    let output = site.run(&["check", "--format", "github"]);
    assert_eq!(output.code, 1);
    assert_eq!(
        output.stdout,
        "::error title=io-error::no content/site.yaml: every site needs one, with at least a `title:`\n"
    );
}

// Regression test: this used to fail because of a bug in src/diagnostic.rs: the snippet of line 1 of a
// file that starts with a byte-order mark prints the BOM's bytes and counts
// them in the caret's span (`nth_line` keeps the BOM; `render_human` starts
// the span at byte 0), so "themes" is underlined `^^^` instead of `^^^^^^`.
// Fix: strip a leading '\u{feff}' from line 1 in `nth_line`.
#[test]
fn a_byte_order_mark_is_not_part_of_the_snippet() {
    let site = SiteBuilder::new()
        .file("content/site.yaml", "\u{feff}themes: dark\ntitle: T\n")
        .create();
    let stderr = check_stderr(&site, &[]);
    assert!(
        stderr.contains("\n 1 | themes: dark\n   | ^^^^^^\n"),
        "{stderr}"
    );
}

// Regression test: a site.yaml without a title underlined the comment on
// its first line (`# T`, 1:1); the error now points at the first key.
#[test]
fn missing_title_in_site_yaml_points_at_the_first_key() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "# The settings of our page.\nbase_url: /arch/\n",
        )
        .create();
    assert_text_snapshot!("missing_title_in_site_yaml", check_stderr(&site, &[]));
    let site = SiteBuilder::new()
        .file("content/site.yaml", "# Nothing here yet.\n")
        .create();
    let stderr = check_stderr(&site, &[]);
    assert!(stderr.contains("--> content/site.yaml:1:1\n"), "{stderr}");
}
