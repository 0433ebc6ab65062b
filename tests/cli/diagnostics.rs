//! One small fixture per diagnostic code that applies before rendering,
//! checked through `check --format json`: code, file, line, column, exit 1.

use std::time::Duration;

use crate::support::{SETTINGS, SiteBuilder, expect_errors, run_within};

#[test]
fn yaml_syntax() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/broken.md",
            "---\ntitle: A\ncategory: monolith\n  bad: indent\n---\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("yaml-syntax", "content/incidents/broken.md", 4, 6)],
    );
    assert_eq!(
        d[0].message,
        "this line is indented more than \"category\" above it, so YAML reads it as more of the value of \"category\", where \": \" cannot be: if \"bad\" is a key, indent it as far as \"category\"; if it is text, quote the whole value of \"category\""
    );
}

#[test]
fn yaml_syntax_in_site_yaml() {
    let site = SiteBuilder::new()
        .file("content/site.yaml", "title: T\nsections: [\n")
        .create();
    let d = expect_errors(&site, &[("yaml-syntax", "content/site.yaml", 2, 11)]);
    assert_eq!(d[0].message, "unclosed bracket '['");
}

#[test]
fn missing_frontmatter() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/plain.md",
            "title: A\ncategory: monolith\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("missing-frontmatter", "content/incidents/plain.md", 1, 1)],
    );
    assert!(d[0].message.contains("`---`"), "{}", d[0].message);
}

#[test]
fn missing_field_at_the_start_of_the_file() {
    let site = SiteBuilder::new()
        .file("content/incidents/no-category.md", "---\ntitle: A\n---\n")
        .create();
    let d = expect_errors(
        &site,
        &[("missing-field", "content/incidents/no-category.md", 1, 1)],
    );
    assert_eq!(
        d[0].message,
        "missing required key \"category\" in an incident"
    );
}

#[test]
fn missing_field_in_a_nested_mapping_points_at_it() {
    // An effort without its owner: line 4 is the list item.
    let site = SiteBuilder::new()
        .file(
            "content/categories/frontend.md",
            "---\ntitle: Front end\nefforts:\n  - items: [Paragon]\n---\n",
        )
        .create();
    expect_errors(
        &site,
        &[("missing-field", "content/categories/frontend.md", 4, 5)],
    );
}

#[test]
fn an_anecdote_without_a_team_is_no_error() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("  - team: Enterprise\n    date", "  - date"),
        )
        .create();
    assert_eq!(site.check_json(&[]), (0, Vec::new()));
}

#[test]
fn invalid_value() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "status: sad\ndraft: maybe\n"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-value", "content/incidents/settings.md", 5, 8)],
    );
    assert_eq!(
        d[0].message,
        "expected \"draft\" to be true or false, found a string"
    );
}

#[test]
fn unknown_field_with_did_you_mean() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "statsu: sad\n"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("unknown-field", "content/incidents/settings.md", 4, 1)],
    );
    assert_eq!(
        d[0].message,
        "unknown key \"statsu\" in an incident (did you mean \"status\"?)"
    );
}

#[test]
fn unknown_field_in_a_nested_mapping_and_in_site_yaml() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("    text: It", "    txet: It"),
        )
        .file("content/site.yaml", "title: T\nthemes: dark\n")
        .create();
    let d = expect_errors(
        &site,
        &[
            ("unknown-field", "content/incidents/settings.md", 8, 5),
            ("unknown-field", "content/site.yaml", 2, 1),
        ],
    );
    assert!(d[0].message.contains("(did you mean \"text\"?)"), "{d:?}");
    assert!(d[1].message.contains("(did you mean \"theme\"?)"), "{d:?}");
}

#[test]
fn unknown_field_far_from_every_key_lists_the_known_ones() {
    let site = SiteBuilder::new()
        .file(
            "content/categories/frontend.md",
            "---\ntitle: Front end\nzzz: 1\n---\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("unknown-field", "content/categories/frontend.md", 3, 1)],
    );
    assert_eq!(
        d[0].message,
        "unknown key \"zzz\" in a category; known keys: title, summary, efforts, notes, links"
    );
}

#[test]
fn unknown_category() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("category: monolith", "category: monolit"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("unknown-category", "content/incidents/settings.md", 3, 11)],
    );
    assert_eq!(
        d[0].message,
        "unknown category \"monolit\" (did you mean \"monolith\"?)"
    );
}

#[test]
fn unknown_category_in_a_review() {
    let site = SiteBuilder::new()
        .file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-15\ncategories:\n  frontent: {votes: 1}\n---\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("unknown-category", "content/reviews/2018-10-15.md", 4, 3)],
    );
    assert!(
        d[0].message.ends_with("(did you mean \"frontend\"?)"),
        "{d:?}"
    );
}

#[test]
fn unknown_status_of_an_incident_and_of_a_review() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad", "status: [tick, sadd]"),
        )
        .file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-15\ncategories:\n  monolith: {status: progres}\n---\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[
            ("unknown-status", "content/incidents/settings.md", 4, 16),
            ("unknown-status", "content/reviews/2018-10-15.md", 4, 22),
        ],
    );
    assert_eq!(
        d[0].message,
        "unknown incident status \"sadd\" (did you mean \"sad\"?)"
    );
    assert_eq!(
        d[1].message,
        "unknown category status \"progres\" (did you mean \"progress\"?)"
    );
}

// Regression test: `status: sad, tick` is one string to YAML, and the
// did-you-mean offered "sad" where the list [sad, tick] was meant.
#[test]
fn a_status_with_a_comma_suggests_the_list() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad", "status: sad, tick"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-value", "content/incidents/settings.md", 4, 9)],
    );
    assert_eq!(
        d[0].message,
        "status \"sad, tick\" is one text, not a list (did you mean [sad, tick]?)"
    );
}

#[test]
fn unknown_section() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: T\nsections:\n  - {slug: backend, title: Back end}\n",
        )
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "section: backnd\n"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("unknown-section", "content/incidents/settings.md", 4, 10)],
    );
    assert_eq!(
        d[0].message,
        "unknown section \"backnd\" (did you mean \"backend\"?)"
    );
}

#[test]
fn unknown_section_when_none_are_defined() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "section: backend\n"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("unknown-section", "content/incidents/settings.md", 4, 10)],
    );
    assert_eq!(
        d[0].message,
        "unknown section \"backend\": none are defined"
    );
}

#[test]
fn invalid_date() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("date: 2017-11", "date: 2018-02-30"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-date", "content/incidents/settings.md", 7, 11)],
    );
    assert!(
        d[0].message.starts_with("invalid date \"2018-02-30\""),
        "{d:?}"
    );
}

// Regression test: "2018-13-01" got the generic "expected YYYY, YYYY-MM
// or YYYY-MM-DD", which leaves the reader to find the month is wrong.
#[test]
fn invalid_date_says_which_part_is_wrong() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("date: 2017-11", "date: 2018-13-01"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-date", "content/incidents/settings.md", 7, 11)],
    );
    assert_eq!(
        d[0].message,
        "invalid date \"2018-13-01\" for \"date\": there is no month 13 (months run from 01 to 12)"
    );
}

#[test]
fn invalid_slug_of_an_incident_file() {
    let site = SiteBuilder::new()
        .file("content/incidents/Bad_Name.md", SETTINGS)
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-slug", "content/incidents/Bad_Name.md", 1, 1)],
    );
    // The corrected name, ready to use.
    assert!(
        d[0].message.ends_with(" (rename it to \"bad-name.md\")"),
        "{d:?}"
    );
}

#[test]
fn invalid_slug_of_a_category_file() {
    let site = SiteBuilder::new()
        .file("content/categories/Front End.md", "---\ntitle: X\n---\n")
        .create();
    expect_errors(
        &site,
        &[("invalid-slug", "content/categories/Front End.md", 1, 1)],
    );
}

#[test]
fn duplicate_slug() {
    let site = SiteBuilder::new()
        .file("content/incidents/b/settings.md", SETTINGS)
        .create();
    // content/incidents/b/settings.md sorts before content/incidents/settings.md.
    let d = expect_errors(
        &site,
        &[("duplicate-slug", "content/incidents/settings.md", 1, 1)],
    );
    assert!(
        d[0].message.contains("content/incidents/b/settings.md"),
        "{d:?}"
    );
}

#[test]
fn not_utf8_names_the_line_of_the_first_bad_byte() {
    let mut bytes = b"---\ntitle: A\ncategory: monolith\nresolution: caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\n---\n");
    let site = SiteBuilder::new()
        .file("content/incidents/latin1.md", bytes)
        .create();
    let d = expect_errors(&site, &[("not-utf8", "content/incidents/latin1.md", 4, 16)]);
    assert!(d[0].message.contains("UTF-8"), "{d:?}");
}

#[test]
fn not_utf8_of_a_utf16_file() {
    let text: Vec<u8> = "\u{feff}---\ntitle: A\n---\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let site = SiteBuilder::new()
        .file("content/incidents/wide.md", text)
        .create();
    let d = expect_errors(&site, &[("not-utf8", "content/incidents/wide.md", 1, 1)]);
    assert!(d[0].message.contains("UTF-16"), "{d:?}");
}

#[test]
fn io_error_without_site_yaml() {
    let site = SiteBuilder::new().without("content/site.yaml").create();
    let (code, d) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "io-error");
    assert_eq!(d[0].severity, "error");
    // About no file that exists: file, line and column are null (docs/format.md, "Diagnostics").
    assert_eq!((&d[0].file, d[0].line, d[0].column), (&None, None, None));
    assert!(d[0].message.contains("content/site.yaml"), "{d:?}");
}

#[test]
fn io_error_without_a_content_folder() {
    let site = SiteBuilder::empty()
        .file("README.md", "not a site\n")
        .create();
    let (code, d) = site.check_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "io-error");
    assert_eq!((&d[0].file, d[0].line, d[0].column), (&None, None, None));
    assert!(d[0].message.contains("no content/ folder"), "{d:?}");
}

#[test]
fn io_error_for_a_file_that_cannot_be_opened() {
    // Opening a Unix socket fails (ENXIO) even for root, unlike chmod 000.
    let site = SiteBuilder::new().create();
    let path = site.path("content/incidents/socket.md");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    expect_errors(&site, &[("io-error", "content/incidents/socket.md", 1, 1)]);
}

#[test]
fn a_dangling_symlink_is_an_io_warning() {
    let site = SiteBuilder::new().create();
    std::os::unix::fs::symlink("nowhere.md", site.path("content/incidents/gone.md")).unwrap();
    let (code, d) = site.check_json(&[]);
    let places: Vec<_> = d.iter().map(|d| (d.severity.as_str(), d.place())).collect();
    assert_eq!(
        places,
        [("warning", ("io-error", "content/incidents/gone.md", 1, 1))]
    );
    assert_eq!(code, 0);
}

// Regression test: this used to fail because of a bug in src/load.rs: a symbolic link in place of
// content/site.yaml gives only the "symbolic link ignored" warning, because
// the "no content/site.yaml" error is suppressed whenever any diagnostic names
// that file. `check` then exits 0 although nothing was checked, and `build`
// fails with "build failed: 0 errors, 1 warning".
#[test]
fn a_symlinked_site_yaml_is_an_error() {
    let site = SiteBuilder::new().without("content/site.yaml").create();
    site.write("elsewhere.yaml", "title: T\n");
    std::os::unix::fs::symlink("../elsewhere.yaml", site.path("content/site.yaml")).unwrap();
    let (code, d) = site.check_json(&[]);
    assert!(
        d.iter()
            .any(|d| d.severity == "error" && d.code == "io-error"),
        "{d:?}"
    );
    assert_eq!(code, 1, "{d:?}");
}

// Regression test: this used to hang (killed after 3 s) because of a bug in
// src/load.rs: a named pipe under content/ is classified as a content file and
// `fs::read` blocks on it forever.
#[test]
fn a_named_pipe_in_content_is_reported_not_read() {
    let site = SiteBuilder::new().create();
    let status = std::process::Command::new("mkfifo")
        .arg(site.path("content/incidents/pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let output = run_within(
        site.command(&["check", "--format", "json"]),
        Duration::from_secs(3),
    );
    let d = output.diagnostics();
    assert!(
        d.iter()
            .any(|d| d.code == "io-error" && d.file.as_deref() == Some("content/incidents/pipe.md")),
        "{d:?}"
    );
}

#[test]
fn every_error_of_a_run_is_reported_together() {
    let site = SiteBuilder::new()
        .file(
            "content/categories/frontend.md",
            "---\nsummary: No title\n---\n",
        )
        .file(
            "content/incidents/settings.md",
            SETTINGS
                .replace("category: monolith", "category: monolit")
                .replace("date: 2017-11", "date: 2017-11-31"),
        )
        .file("content/incidents/zz-plain.md", "no frontmatter\n")
        .file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-15\ncategories:\n  monolith: {votes: -1}\n---\n",
        )
        .create();
    expect_errors(
        &site,
        &[
            ("missing-field", "content/categories/frontend.md", 1, 1),
            ("unknown-category", "content/incidents/settings.md", 3, 11),
            ("invalid-date", "content/incidents/settings.md", 7, 11),
            ("missing-frontmatter", "content/incidents/zz-plain.md", 1, 1),
            ("invalid-value", "content/reviews/2018-10-15.md", 4, 21),
        ],
    );
}

// Regression test: this used to fail because of a bug in src/parse.rs (parse_site_config returns no config
// when site.yaml has any error) and src/lib.rs (validate_site runs only with a
// config): one mistake in site.yaml hides every cross-file error of the site
// (unknown categories, statuses, duplicate slugs), so they only appear on the
// next run.
#[test]
fn an_error_in_site_yaml_does_not_hide_the_others() {
    let site = SiteBuilder::new()
        .file("content/site.yaml", "title: T\nthemes: dark\n")
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("category: monolith", "category: monolit"),
        )
        .file("content/incidents/old/settings.md", SETTINGS)
        .create();
    expect_errors(
        &site,
        &[
            ("duplicate-slug", "content/incidents/settings.md", 1, 1),
            ("unknown-category", "content/incidents/settings.md", 3, 11),
            ("unknown-field", "content/site.yaml", 2, 1),
        ],
    );
}

// Regression test: this used to fail because of a bug in src/lib.rs / src/validate.rs: when a category file
// has an error, every incident that names it also gets "unknown category"
// although content/categories/<slug>.md exists; the follow-on errors bury
// the real one.
#[test]
fn a_broken_category_file_causes_no_follow_on_errors() {
    let site = SiteBuilder::new()
        .file(
            "content/categories/monolith.md",
            "---\nsummary: No title\n---\n",
        )
        .create();
    expect_errors(
        &site,
        &[("missing-field", "content/categories/monolith.md", 1, 1)],
    );
}

// Regression test: a duplicate key made the whole site.yaml unreadable, so
// no cross-file rule ran and every other file's errors waited for the next
// run. The repeat is reported where it is written, and the rest goes on.
#[test]
fn a_duplicate_key_in_site_yaml_does_not_hide_the_others() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: T\n# the same again\ntitle: U\n",
        )
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("category: monolith", "category: monolit"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[
            ("unknown-category", "content/incidents/settings.md", 3, 11),
            ("yaml-syntax", "content/site.yaml", 3, 1),
        ],
    );
    assert_eq!(
        d[1].message,
        "duplicate key \"title\": each key may appear once"
    );
}

// Regression test: links are checked while pages are rendered, and a site
// with errors is not rendered, so broken links appeared only once every
// other error was fixed.
#[test]
fn broken_links_are_reported_with_the_other_errors() {
    let site = SiteBuilder::new()
        .file(
            "content/categories/monolith.md",
            "---\ntitle: Monolith\n---\nSee [the old one](../incidents/gone.md).\n",
        )
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("category: monolith", "category: monolit")
                + "And [a draft](draft.md), [a broken file](broken.md), [fine](settings.md).\n",
        )
        .file(
            "content/incidents/draft.md",
            "---\ntitle: D\ncategory: monolith\ndraft: true\n---\n",
        )
        .file("content/incidents/broken.md", "---\ntitle: [\n---\n")
        .create();
    expect_errors(
        &site,
        &[
            ("broken-link", "content/categories/monolith.md", 4, 19),
            ("yaml-syntax", "content/incidents/broken.md", 2, 8),
            ("unknown-category", "content/incidents/settings.md", 3, 11),
            ("broken-link", "content/incidents/settings.md", 11, 15),
        ],
    );
    // With --drafts the draft has a page, so its link is fine.
    let (_, d) = site.check_json(&["--drafts"]);
    let links = d.iter().filter(|d| d.code == "broken-link").count();
    assert_eq!(links, 1, "{d:?}");
}

/// `check` of a site with one unknown category, run from the folder
/// around the site with `--root ROOT`, in `format`.
fn check_from_outside(root: &str, format: &str) -> crate::support::Output {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("category: monolith", "category: monolit"),
        )
        .create();
    let root = if root == "ABSOLUTE" {
        site.root().display().to_string()
    } else {
        root.to_owned()
    };
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_frictionlog"));
    command
        .args([
            "--root", &root, "check", "--color", "never", "--format", format,
        ])
        .current_dir(site.outer());
    let output = crate::support::run_command(command);
    assert_eq!(output.code, 1, "{}", output.stderr);
    output
}

// Regression test: paths were relative to the site root, so with
// `--root site` a CI annotation or an editor's "jump to error" pointed at
// content/... in the current directory, which does not exist. They read
// from the current directory now, as rustc and cargo print them.
#[test]
fn file_paths_read_from_the_current_directory_in_every_format() {
    for root in ["site", "./site/", "ABSOLUTE"] {
        let human = check_from_outside(root, "human");
        assert!(
            human
                .stderr
                .contains("\n  --> site/content/incidents/settings.md:3:11\n"),
            "{root}: {}",
            human.stderr
        );
        let json = check_from_outside(root, "json");
        let places: Vec<_> = json.diagnostics().iter().map(|d| d.file.clone()).collect();
        assert_eq!(
            places,
            [Some("site/content/incidents/settings.md".to_owned())],
            "{root}"
        );
        let github = check_from_outside(root, "github");
        assert!(
            github.stdout.starts_with(
                "::error file=site/content/incidents/settings.md,line=3,col=11,title=unknown-category::"
            ),
            "{root}: {}",
            github.stdout
        );
    }
}

// Regression test: a file in content/incident/ or named .markdown was
// skipped with a bare "ignored" warning, and the incident silently missed
// the tally; the warning now names the path it was meant to have.
#[test]
fn a_misplaced_content_file_gets_a_did_you_mean() {
    let site = SiteBuilder::new()
        .file("content/incident/lost.md", SETTINGS)
        .file("content/incidents/other.markdown", SETTINGS)
        .create();
    let (code, d) = site.check_json(&[]);
    assert_eq!(code, 0, "{d:?}");
    let found: Vec<_> = d
        .iter()
        .map(|d| (d.severity.as_str(), d.file.as_deref(), d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "warning",
                Some("content/incident/lost.md"),
                "\"content/incident/lost.md\" ignored: content/ has no folder \"incident\" (did you mean \"content/incidents/lost.md\"?)"
            ),
            (
                "warning",
                Some("content/incidents/other.markdown"),
                "\"content/incidents/other.markdown\" ignored: content files end in .md (did you mean \"content/incidents/other.md\"?)"
            ),
        ]
    );
}

// Regression test: any syntax error in site.yaml left no settings, and
// without settings no rule across files ran. The rules that need no
// settings run now; sections and statuses, which site.yaml defines, wait.
#[test]
fn a_syntax_error_in_site_yaml_does_not_hide_the_others() {
    let site = SiteBuilder::new()
        .file("content/site.yaml", "title: T\nsections: [\n")
        .file(
            "content/incidents/settings.md",
            SETTINGS
                .replace("category: monolith", "category: monolit")
                .replace("status: sad", "status: own-status\nsection: own-section"),
        )
        .file("content/incidents/old/settings.md", SETTINGS)
        .create();
    expect_errors(
        &site,
        &[
            ("duplicate-slug", "content/incidents/settings.md", 1, 1),
            ("unknown-category", "content/incidents/settings.md", 3, 11),
            ("yaml-syntax", "content/site.yaml", 2, 11),
        ],
    );
}
