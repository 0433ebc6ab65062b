//! `frictionlog import csv` (docs/import.md): incidents.csv read back
//! exactly, spreadsheets with their own columns, bad rows at
//! FILE:LINE:COLUMN with nothing written, and the cells a spreadsheet
//! would run as formulas.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::support::{Site, SiteBuilder, Tree, assert_same_tree, assert_text_snapshot, repository};

/// Every file under `dir` (relative to the repository), as a builder's
/// files at `under`.
fn with_files_of(mut builder: SiteBuilder, dir: &str, under: &str) -> SiteBuilder {
    for (path, bytes) in Tree::read(&repository().join(dir)).into_files() {
        builder = builder.file(&format!("{under}/{path}"), bytes);
    }
    builder
}

/// The bundled site's incidents.csv and data.json, built into `out`.
fn bundled_exports(out: &Path) -> (Vec<u8>, Value) {
    let built = crate::support::build_site(&repository(), out, &[]);
    let csv = built.files()["incidents.csv"].to_vec();
    (csv, built.data_json())
}

/// The numbers of data.json that do not depend on category files or
/// reviews: the totals (categories aside), every incident, every team,
/// and each category's incidents, occurrences, teams and dates, by slug.
fn tallies(data: &Value) -> Value {
    let mut totals = data["totals"].clone();
    totals.as_object_mut().unwrap().remove("categories");
    let mut categories: Vec<Value> = data["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["incidents"] != 0)
        .map(|c| {
            serde_json::json!({
                "slug": c["slug"], "incidents": c["incidents"], "occurrences": c["occurrences"],
                "teams": c["teams"], "first_seen": c["first_seen"], "last_seen": c["last_seen"],
            })
        })
        .collect();
    categories.sort_by_key(|c| c["slug"].as_str().unwrap().to_owned());
    serde_json::json!({
        "totals": totals,
        "categories": categories,
        "incidents": data["incidents"],
        "teams": data["teams"],
    })
}

#[test]
fn the_bundled_site_s_incidents_csv_imports_back_to_the_same_data_json() {
    let outside = tempfile::tempdir().unwrap();
    let (csv, data) = bundled_exports(&outside.path().join("bundled"));
    // Its settings, categories and reviews; the incidents come from the CSV.
    let builder = SiteBuilder::empty().file(
        "content/site.yaml",
        fs::read(repository().join("content/site.yaml")).unwrap(),
    );
    let builder = with_files_of(builder, "content/categories", "content/categories");
    let site = with_files_of(builder, "content/reviews", "content/reviews")
        .file("incidents.csv", &csv)
        .create();
    let run = site.run(&["import", "csv", "incidents.csv"]).assert_code(0);
    assert_eq!(run.stdout.lines().count(), 31, "{run:#?}");
    assert_eq!(run.stderr, "imported 31 incidents from \"incidents.csv\"\n");
    site.run(&["check", "--strict"]).assert_code(0);
    let rebuilt = site.build(&[]);
    assert_eq!(
        rebuilt.data_json(),
        data,
        "data.json differs after the round trip"
    );
    assert_eq!(
        rebuilt.files()["incidents.csv"],
        csv.as_slice(),
        "incidents.csv differs after the round trip"
    );
}

#[test]
fn into_a_bare_site_with_create_categories_the_tallies_are_the_same() {
    let outside = tempfile::tempdir().unwrap();
    let (csv, data) = bundled_exports(&outside.path().join("bundled"));
    // Only the settings: the statuses and sections the rows use.
    let site = SiteBuilder::empty()
        .file(
            "content/site.yaml",
            fs::read(repository().join("content/site.yaml")).unwrap(),
        )
        .file("incidents.csv", &csv)
        .create();
    let run = site
        .run(&["import", "csv", "incidents.csv", "--create-categories"])
        .assert_code(0);
    assert_eq!(
        run.stderr,
        "imported 31 incidents and 8 new categories from \"incidents.csv\"\n"
    );
    assert!(
        run.stdout
            .contains("content/categories/release-pipeline.md\n"),
        "{}",
        run.stdout
    );
    assert_eq!(
        site.read("content/categories/release-pipeline.md"),
        "---\ntitle: \"Release pipeline\"\n# summary: \"One line: the sub-topics it covers\"\n# notes: \"A short note shown in the tally table\"\n# efforts:   # remediation work under way\n#   - owner: \"Architecture group\"\n#     items: [\"First step\"]\n---\n"
    );
    site.run(&["check", "--strict"]).assert_code(0);
    site.build_ok(&[]);
    assert_eq!(tallies(&site.data_json()), tallies(&data));
    // The bundled site's ninth category has no incident: no row names it.
    assert_eq!(site.data_json()["totals"]["categories"], 8);
}

/// Incidents whose text a spreadsheet would run, or that start with the
/// quote that marks such a cell.
const HOSTILE: &[(&str, &str)] = &[
    (
        "formula",
        "---\ntitle: \"=HYPERLINK(\\\"http://evil.example/\\\",\\\"click\\\")\"\ncategory: monolith\nanecdotes:\n  - {team: \"@Ops\", date: 2018-01, text: \"+1, and then some; really\"}\n  - {team: \"-dash team\"}\ntags: [\"=cmd|' /C calc'!A0\", \"tab\\there\"]\nlinks:\n  - {title: \"+ticket\", url: \"https://jira.example.com/A-1\"}\n---\n",
    ),
    (
        "quoted",
        "---\ntitle: \"'Quoted' from the start\"\ncategory: monolith\nresolution: \"-1 day, then @all\"\nanecdotes:\n  - {team: Web, text: \"'twas\"}\n---\n",
    ),
    (
        "twice",
        "---\ntitle: \"''\"\ncategory: monolith\nresolution: \"\\tindented\"\n---\n",
    ),
];

fn hostile_site() -> SiteBuilder {
    HOSTILE
        .iter()
        .fold(SiteBuilder::new(), |builder, (slug, text)| {
            builder.file(&format!("content/incidents/{slug}.md"), text)
        })
}

#[test]
fn cells_a_spreadsheet_would_run_get_a_quote_and_import_back_exactly() {
    let site = hostile_site().create();
    site.build_ok(&[]);
    let csv = site.read("output/incidents.csv");
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let row = |slug: &str| rows.iter().find(|r| &r[0] == slug).unwrap().clone();
    let formula = row("formula");
    assert_eq!(
        &formula[1],
        "'=HYPERLINK(\"http://evil.example/\",\"click\")"
    );
    assert_eq!(&formula[9], "'=cmd|' /C calc'!A0; tab\there");
    assert_eq!(&formula[10], "'+ticket <https://jira.example.com/A-1>");
    assert_eq!(
        &formula[13],
        "'@Ops; 2018-01; +1, and then some\\; really\n-dash team"
    );
    let quoted = row("quoted");
    assert_eq!(&quoted[1], "''Quoted' from the start");
    assert_eq!(&quoted[11], "'-1 day, then @all");
    let twice = row("twice");
    assert_eq!(&twice[1], "'''");
    assert_eq!(&twice[11], "'\tindented");
    // No cell of the file starts with what a spreadsheet runs.
    for record in &rows {
        for cell in record {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }

    let copy = SiteBuilder::new()
        .without("content/incidents/settings.md")
        .file("incidents.csv", &csv)
        .create();
    copy.run(&["import", "csv", "incidents.csv"]).assert_code(0);
    copy.build_ok(&[]);
    assert_eq!(copy.data_json(), site.data_json());
    assert_eq!(copy.read("output/incidents.csv"), csv);
}

#[test]
fn a_spreadsheet_s_own_columns_are_read_with_map() {
    let site = SiteBuilder::new()
        .file(
            "pains.csv",
            "Pain point,Area,Team,When,What happened,Owner,Status,Ticket\r\n\
             Five files to add a setting,Monolith,Payments,2024-03,\"Touched settings, urls; twice\",ana,Painful,https://jira.example.com/P-1\r\n\
             Flaky stage deploys,front end,Web,2024,,bo,,\r\n",
        )
        .create();
    let args = [
        "import",
        "csv",
        "pains.csv",
        "--map",
        "pain point=title",
        "--map",
        "Area=category",
        "--map",
        "When=date",
        "--map",
        "What happened=text",
        "--map",
        "Owner=ignore",
        "--map",
        "Ticket=links",
    ];
    let before = site.everything();
    let dry = site
        .run(&[&args[..], &["--dry-run"]].concat())
        .assert_code(0);
    assert_eq!(
        dry.stdout,
        "content/incidents/five-files-to-add-a-setting.md\ncontent/incidents/flaky-stage-deploys.md\n"
    );
    assert_eq!(
        dry.stderr,
        "dry run: would import 2 incidents from \"pains.csv\"; nothing was written\n"
    );
    assert_same_tree(&before, &site.everything(), "a dry run");

    site.run(&args).assert_code(0);
    // A category by its title or slug in any case, a status by its label.
    assert_text_snapshot!(
        "mapped_incident",
        site.read("content/incidents/five-files-to-add-a-setting.md")
    );
    assert!(
        site.read("content/incidents/flaky-stage-deploys.md")
            .contains("category: \"frontend\"\n")
    );
    site.run(&["check", "--strict"]).assert_code(0);
}

/// A CSV with one problem per row after a good first row.
const BAD_ROWS: &str = "\
title,category,status,date,team,occurrences,links,slug
Good row,monolith,sad,2018-01,Web,,,
Unknown category,monolit,,,,,,
Bad date and status,monolith,sadd,2018-02-30,Web,,,
Too few occurrences,monolith,,,\"Web\",0,,
\"A title on
two lines\",frontend,,,web,,,
Script link,monolith,,,,,javascript:alert(1),
Taken slug,monolith,,,,,,settings
";

#[test]
fn bad_rows_are_reported_at_file_line_column_and_nothing_is_written() {
    let site = SiteBuilder::new().file("bad.csv", BAD_ROWS).create();
    let before = site.everything();
    let run = site.run(&["import", "csv", "bad.csv"]).assert_code(1);
    assert_eq!(run.stdout, "");
    assert_text_snapshot!("bad_rows", run.stderr);
    assert_same_tree(&before, &site.everything(), "a failed import");
}

#[test]
fn skip_bad_imports_the_good_rows_and_warns_about_the_rest() {
    let site = SiteBuilder::new().file("bad.csv", BAD_ROWS).create();
    let run = site
        .run(&["import", "csv", "bad.csv", "--skip-bad"])
        .assert_code(0);
    assert_eq!(run.stdout, "content/incidents/good-row.md\n");
    assert_eq!(run.stderr.matches("warning[").count(), 7, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("imported 1 incident from \"bad.csv\"; skipped 6 bad rows\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        site.read("content/incidents/good-row.md"),
        "---\ntitle: \"Good row\"\ncategory: \"monolith\"\nstatus: [\"sad\"]\nanecdotes:\n  - team: \"Web\"\n    date: 2018-01\n---\n"
    );
    site.run(&["check", "--strict"]).assert_code(0);
    // -q keeps the errors, drops the warnings.
    let other = SiteBuilder::new().file("bad.csv", BAD_ROWS).create();
    let quiet = other
        .run(&["-q", "import", "csv", "bad.csv", "--skip-bad"])
        .assert_code(0);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn a_header_that_cannot_be_read_stops_the_import_even_with_skip_bad() {
    let site = SiteBuilder::new()
        .file("odd.csv", "Titel,category,Severity,\nA,monolith,high,\n")
        .create();
    let before = site.everything();
    let run = site
        .run(&[
            "import",
            "csv",
            "odd.csv",
            "--skip-bad",
            "--map",
            "Notes=body",
        ])
        .assert_code(1);
    assert_text_snapshot!("bad_header", run.stderr);
    assert_same_tree(&before, &site.everything(), "a refused header");
}

#[test]
fn an_import_never_replaces_a_file_and_a_second_run_changes_nothing() {
    let site = SiteBuilder::new()
        .file(
            "new.csv",
            "title,category,team\nSettings live in many files,monolith,Web\nBrand new,monolith,web\n",
        )
        .create();
    let before = site.everything();
    let run = site.run(&["import", "csv", "new.csv"]).assert_code(1);
    // "web" is "Web" of the row before spelt another way: one page address
    // for two names, which check would refuse.
    assert_eq!(
        run.stderr.matches("error[duplicate-slug]").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("spell it \"Web\""), "{}", run.stderr);
    assert_same_tree(&before, &site.everything(), "a refused import");

    site.write(
        "new.csv",
        "title,category,team\nSettings live in many files,monolith,Web\n",
    );
    site.run(&["import", "csv", "new.csv"]).assert_code(0);
    let once = site.everything();
    let again = site.run(&["import", "csv", "new.csv"]).assert_code(1);
    assert!(
        again.stderr.contains("was this file imported before?"),
        "{}",
        again.stderr
    );
    assert_same_tree(&once, &site.everything(), "a second import");
}

#[test]
fn a_file_that_is_not_utf8_or_missing_is_an_error() {
    let site = SiteBuilder::new()
        .file(
            "latin1.csv",
            b"title,category\nCaf\xe9,monolith\n".as_slice(),
        )
        .create();
    let run = site.run(&["import", "csv", "latin1.csv"]).assert_code(1);
    assert!(
        run.stderr
            .starts_with("error[not-utf8]: file is not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> latin1.csv:2:4"), "{}", run.stderr);
    let run = site.run(&["import", "csv", "nowhere.csv"]).assert_code(1);
    assert!(
        run.stderr.starts_with("error: cannot read \"nowhere.csv\""),
        "{}",
        run.stderr
    );
    let bare = SiteBuilder::empty()
        .file("a.csv", "title,category\n")
        .create();
    let run = bare.run(&["import", "csv", "a.csv"]).assert_code(1);
    assert!(run.stderr.contains("no content/ folder"), "{}", run.stderr);
}

#[test]
fn a_map_that_names_no_field_is_a_usage_error() {
    let site = SiteBuilder::new()
        .file("a.csv", "title,category\n")
        .create();
    let run = site
        .run(&["import", "csv", "a.csv", "--map", "Name=titel"])
        .assert_code(2);
    assert!(
        run.stderr
            .contains("unknown field \"titel\" (did you mean \"title\"?)"),
        "{}",
        run.stderr
    );
    let run = site.run(&["import", "csv", "a.csv"]).assert_code(0);
    assert_eq!(run.stderr, "\"a.csv\" has no rows: nothing to import\n");
}

#[test]
fn help_and_the_manual_show_import_with_an_example() {
    let site = SiteBuilder::new().create();
    let help = site.run(&["import", "csv", "--help"]).assert_code(0).stdout;
    assert!(
        help.contains("frictionlog import csv incidents.csv --create-categories"),
        "{help}"
    );
    assert!(!help.contains("--verbose"), "{help}");
    let page = site.run(&["man", "import"]).assert_code(0).stdout;
    for needle in [
        "frictionlog import csv",
        "\\-\\-create\\-categories",
        "\\-\\-skip\\-bad",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(needle), "no {needle}: {page}");
    }
    let whole = site.run(&["man"]).assert_code(0).stdout;
    assert!(whole.contains(".SS \"frictionlog import csv\""), "{whole}");
}

#[test]
fn every_import_problem_names_a_row_that_exists() {
    // The line of a row after a cell with line breaks is the line it
    // starts on in the file, as an editor counts.
    let site: Site = SiteBuilder::new()
        .file(
            "lines.csv",
            "title,category\r\n\"One\r\ntwo\r\nthree\",monolith\r\nFour,nowhere\r\n",
        )
        .create();
    let run = site.run(&["import", "csv", "lines.csv"]).assert_code(1);
    assert!(run.stderr.contains("--> lines.csv:5:2"), "{}", run.stderr);
}
