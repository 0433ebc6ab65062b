//! The fine print of docs/format.md (content files, ranks, reviews,
//! diagnostics, the output marker), one fixture each.

use crate::support::{SETTINGS, SiteBuilder, expect_errors};

#[test]
fn yes_on_and_times_are_strings() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/strings.md",
            "---\ntitle: yes\ncategory: monolith\nresolution: on\nanecdotes:\n  - team: no\n    text: 10:30\n---\n",
        )
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    let incident = &data["incidents"][1];
    assert_eq!(incident["slug"], "strings");
    assert_eq!(incident["title"], "yes");
    assert_eq!(incident["resolution"], "on");
    assert_eq!(incident["anecdotes"][0]["team"], "no");
    assert_eq!(incident["anecdotes"][0]["text"], "10:30");
}

#[test]
fn yes_is_not_a_boolean() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "status: sad\ndraft: yes\n"),
        )
        .create();
    expect_errors(
        &site,
        &[("invalid-value", "content/incidents/settings.md", 5, 8)],
    );
}

#[test]
fn an_unquoted_year_in_a_date_field_is_that_year() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("date: 2017-11", "date: 2024"),
        )
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(data["incidents"][0]["anecdotes"][0]["date"], "2024");
    assert_eq!(data["categories"][0]["slug"], "monolith");
    assert_eq!(data["categories"][0]["first_seen"], "2024");
    assert_eq!(data["categories"][0]["last_seen"], "2024");
}

#[test]
fn duplicate_keys_are_yaml_syntax_at_the_second() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad\n", "status: sad\ntitle: Again\n"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("yaml-syntax", "content/incidents/settings.md", 5, 1)],
    );
    assert_eq!(
        d[0].message,
        "duplicate key \"title\": each key may appear once"
    );
}

#[test]
fn delimiter_lines_may_carry_trailing_blanks() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS
                .replacen("---\n", "---   \n", 1)
                .replacen("---\n", "--- \t\n", 1),
        )
        .create();
    assert!(
        site.read("content/incidents/settings.md")
            .contains("--- \t\nDetails")
    );
    let (code, d) = site.check_json(&[]);
    assert_eq!(d, []);
    assert_eq!(code, 0);
}

#[test]
fn occurrences_below_the_anecdote_count_is_invalid() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace(
                "---\nDetails",
                "  - team: Completion\noccurrences: 1\n---\nDetails",
            ),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-value", "content/incidents/settings.md", 10, 14)],
    );
    assert!(d[0].message.contains("2 anecdotes"), "{d:?}");
}

#[test]
fn a_repeated_status_key_is_invalid() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("status: sad", "status: [sad, tick, sad]"),
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-value", "content/incidents/settings.md", 4, 21)],
    );
    assert_eq!(d[0].message, "status \"sad\" is listed twice");
}

#[test]
fn team_names_sharing_a_slug_are_duplicates_at_the_second_in_path_order() {
    // Path order puts a/first.md before b.md; slug order would not.
    let site = SiteBuilder::new()
        .file(
            "content/incidents/a/first.md",
            "---\ntitle: First\ncategory: monolith\nanecdotes:\n  - team: web\n---\n",
        )
        .file(
            "content/incidents/b.md",
            "---\ntitle: Second\ncategory: monolith\nanecdotes:\n  - team: Web\n---\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("duplicate-slug", "content/incidents/b.md", 5, 11)],
    );
    assert!(d[0].message.contains("\"Web\""), "{d:?}");
    assert!(d[0].message.contains("\"web\""), "{d:?}");
}

#[test]
fn rank_by_with_an_unknown_key_is_invalid() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: T\nrank_by: [occurrences, votez]\n",
        )
        .create();
    let d = expect_errors(&site, &[("invalid-value", "content/site.yaml", 2, 24)]);
    assert!(d[0].message.contains("(did you mean \"votes\"?)"), "{d:?}");
}

#[test]
fn rank_by_since_review_is_accepted() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: T\nrank_by: [since_review, incidents]\n",
        )
        .create();
    let (code, d) = site.check_json(&[]);
    assert_eq!((code, d), (0, vec![]));
}

#[test]
fn a_review_file_name_must_be_a_date() {
    let site = SiteBuilder::new()
        .without("content/reviews/2018-10-15.md")
        .file("content/reviews/october.md", "---\ndate: 2018-10-15\n---\n")
        .file("content/reviews/2018-11.md", "---\ndate: 2018-11-01\n---\n")
        .create();
    expect_errors(
        &site,
        &[
            ("invalid-slug", "content/reviews/2018-11.md", 1, 1),
            ("invalid-slug", "content/reviews/october.md", 1, 1),
        ],
    );
}

#[test]
fn a_review_date_must_equal_its_file_name() {
    let site = SiteBuilder::new()
        .file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-16\n---\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("invalid-value", "content/reviews/2018-10-15.md", 2, 7)],
    );
    assert!(d[0].message.contains("2018-10-16"), "{d:?}");
}

#[test]
fn an_unclosed_frontmatter_block_is_missing_frontmatter() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/open.md",
            "---\ntitle: A\ncategory: monolith\n\nNo closing line.\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[("missing-frontmatter", "content/incidents/open.md", 1, 1)],
    );
    assert!(d[0].message.contains("never closed"), "{d:?}");
}

#[test]
fn duplicate_incident_slugs_in_two_sub_folders_flag_the_later_path() {
    let site = SiteBuilder::new()
        .file("content/incidents/y/dup.md", SETTINGS)
        .file("content/incidents/x/dup.md", SETTINGS)
        .create();
    let d = expect_errors(
        &site,
        &[("duplicate-slug", "content/incidents/y/dup.md", 1, 1)],
    );
    assert!(d[0].message.contains("content/incidents/x/dup.md"), "{d:?}");
}

#[test]
fn duplicate_slugs_are_flagged_on_every_file_after_the_first_in_byte_order() {
    // Byte order: "Y" (0x59) sorts before "x" and "z".
    let site = SiteBuilder::new()
        .file("content/incidents/x/dup.md", SETTINGS)
        .file("content/incidents/Y/dup.md", SETTINGS)
        .file("content/incidents/z/dup.md", SETTINGS)
        .create();
    let d = expect_errors(
        &site,
        &[
            ("duplicate-slug", "content/incidents/x/dup.md", 1, 1),
            ("duplicate-slug", "content/incidents/z/dup.md", 1, 1),
        ],
    );
    for d in &d {
        assert!(d.message.contains("content/incidents/Y/dup.md"), "{d:?}");
    }
}

#[test]
fn a_file_in_a_categories_sub_folder_is_ignored_with_a_warning() {
    let site = SiteBuilder::new()
        .file(
            "content/categories/old/legacy.md",
            "---\ntitle: Legacy\n---\n",
        )
        .create();
    let (code, d) = site.check_json(&[]);
    let places: Vec<_> = d.iter().map(|d| (d.severity.as_str(), d.place())).collect();
    assert_eq!(
        places,
        [(
            "warning",
            ("io-error", "content/categories/old/legacy.md", 1, 1)
        )]
    );
    assert!(d[0].message.contains("no sub-folders"), "{d:?}");
    assert_eq!(code, 0);
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(data["totals"]["categories"], 2);
    let slugs: Vec<_> = data["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(slugs, ["monolith", "frontend"]);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/draft.md",
            "---\ntitle: Not yet\ncategory: frontend\ndraft: true\nanecdotes:\n  - team: Web\n  - team: Mobile\n---\n",
        )
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(data["totals"]["incidents"], 1);
    assert_eq!(data["totals"]["occurrences"], 1);
    assert_eq!(data["totals"]["teams"], 1);
    assert_eq!(data["incidents"].as_array().unwrap().len(), 1);
    assert!(!site.path("output/incidents/draft").exists());

    site.build_ok(&["--drafts"]);
    let data = site.data_json();
    assert_eq!(data["totals"]["incidents"], 2);
    assert_eq!(data["totals"]["occurrences"], 3);
    assert_eq!(data["totals"]["teams"], 3);
    assert_eq!(data["incidents"][0]["slug"], "draft");
    assert!(site.path("output/incidents/draft/index.html").is_file());
}

#[test]
fn crlf_and_bom_files_parse() {
    let crlf = |text: &str| text.replace('\n', "\r\n");
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            format!("\u{feff}{}", crlf("title: Windows\n")),
        )
        .file(
            "content/categories/frontend.md",
            crlf("---\ntitle: Front end\n---\nBody\n"),
        )
        .file(
            "content/incidents/settings.md",
            format!("\u{feff}{}", crlf(SETTINGS)),
        )
        .create();
    let (code, d) = site.check_json(&[]);
    assert_eq!((code, d), (0, vec![]));
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(data["site"]["title"], "Windows");
    assert_eq!(data["incidents"][0]["title"], "Settings live in many files");
    assert_eq!(
        data["incidents"][0]["anecdotes"][0]["text"],
        "It took a week."
    );
    assert_eq!(data["categories"][1]["title"], "Front end");
}

#[test]
fn errors_in_crlf_and_bom_files_keep_their_positions() {
    let text = SETTINGS
        .replace("category: monolith", "category: monolit")
        .replace('\n', "\r\n");
    let site = SiteBuilder::new()
        .file("content/incidents/settings.md", format!("\u{feff}{text}"))
        .create();
    expect_errors(
        &site,
        &[("unknown-category", "content/incidents/settings.md", 3, 11)],
    );
}
