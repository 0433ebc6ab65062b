//! The YAML mistakes people make, each explained in plain words with the
//! fix: one snapshot per mistake, made once in site.yaml and once in an
//! incident's frontmatter, as `check` prints them.

use crate::support::{SETTINGS, SiteBuilder, assert_text_snapshot};

/// `check`'s stderr for the base site with `site_yaml` as its settings and
/// the base incident's `line` replaced by `replacement`.
fn mistakes(site_yaml: &str, line: &str, replacement: &str) -> String {
    assert!(SETTINGS.contains(line), "no {line:?} in SETTINGS");
    let site = SiteBuilder::new()
        .file("content/site.yaml", site_yaml)
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace(line, replacement),
        )
        .create();
    let output = site.run(&["check"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert_eq!(output.stdout, "");
    output.stderr
}

#[test]
fn colon_in_a_value() {
    assert_text_snapshot!(
        "colon_in_a_value",
        mistakes(
            "title: Architecture: the hard parts\n",
            "title: Settings live in many files",
            "title: Deploys: why they hang",
        )
    );
}

#[test]
fn colon_on_a_line_indented_under_a_value() {
    assert_text_snapshot!(
        "colon_on_a_line_indented_under_a_value",
        mistakes(
            "title: Architecture\n  description: the hard parts\n",
            "    text: It took a week.",
            "     text: It took a week.",
        )
    );
}

#[test]
fn backtick_at_the_start() {
    assert_text_snapshot!(
        "backtick_at_the_start",
        mistakes(
            "title: T\ndescription: `main` is always red\n",
            "    text: It took a week.",
            "    text: `make` needed a week.",
        )
    );
}

#[test]
fn at_sign_at_the_start() {
    assert_text_snapshot!(
        "at_sign_at_the_start",
        mistakes(
            "title: @platform pains\n",
            "  - team: Enterprise",
            "  - team: @enterprise",
        )
    );
}

#[test]
fn percent_at_the_start() {
    assert_text_snapshot!(
        "percent_at_the_start",
        mistakes(
            "title: %20 of our time\n",
            "    text: It took a week.",
            "    text: %d placeholders broke it.",
        )
    );
}

#[test]
fn asterisk_at_the_start() {
    assert_text_snapshot!(
        "asterisk_at_the_start",
        mistakes(
            "title: *nix build pains\n",
            "title: Settings live in many files",
            "title: *Every* setting lives in many files",
        )
    );
}

#[test]
fn ampersand_at_the_start_drops_text() {
    assert_text_snapshot!(
        "ampersand_at_the_start_drops_text",
        mistakes(
            "title: &co pains\n",
            "  - team: Enterprise",
            "  - team: &ops Enterprise",
        )
    );
}

#[test]
fn exclamation_mark_at_the_start_drops_text() {
    assert_text_snapshot!(
        "exclamation_mark_at_the_start_drops_text",
        mistakes(
            "title: !important pains\n",
            "title: Settings live in many files",
            "title: !urgent Settings live in many files",
        )
    );
}

#[test]
fn pipe_at_the_start() {
    assert_text_snapshot!(
        "pipe_at_the_start",
        mistakes(
            "title: | pipes everywhere\n",
            "    text: It took a week.",
            "    text: | grep found 40 copies.",
        )
    );
}

#[test]
fn greater_than_at_the_start() {
    assert_text_snapshot!(
        "greater_than_at_the_start",
        mistakes(
            "title: > 10 files per change\n",
            "title: Settings live in many files",
            "title: > 5 files to add a setting",
        )
    );
}

#[test]
fn double_quote_inside_double_quotes() {
    assert_text_snapshot!(
        "double_quote_inside_double_quotes",
        mistakes(
            "title: \"The \"hard\" parts\"\n",
            "    text: It took a week.",
            "    text: \"We said \"never again\" twice.\"",
        )
    );
}

#[test]
fn single_quote_inside_single_quotes() {
    assert_text_snapshot!(
        "single_quote_inside_single_quotes",
        mistakes(
            "title: 'Ops' pains'\n",
            "title: Settings live in many files",
            "title: 'Can't add a setting in one file'",
        )
    );
}

#[test]
fn tab_in_the_indentation() {
    // The tab follows an unquoted value: the parser stops at that value,
    // a line above the tab.
    assert_text_snapshot!(
        "tab_in_the_indentation",
        mistakes(
            "title: T\nsections:\n  - slug: web\n\ttitle: Web\n",
            "    date: 2017-11",
            "\tdate: 2017-11",
        )
    );
}
