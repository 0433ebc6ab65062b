//! The repository's own content/: edX's "Architecture Challenges
//! (2017-2018)" wiki page (the seed) encoded as a frictionlog site. These
//! tests pin the encoding to the seed, so an edit that drops a row or an
//! anecdote, or mistypes a vote, fails here; and they check the site's
//! data.json against docs/data.schema.json.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use frictionlog::{BuildOptions, build_in_memory};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn built() -> frictionlog::BuiltSite {
    let (outcome, _) = build_in_memory(&BuildOptions {
        root: repo_root(),
        drafts: false,
        base_url: None,
    });
    assert_eq!(outcome.diagnostics, vec![], "the bundled site has problems");
    outcome.built.expect("the bundled site builds")
}

#[test]
fn bundled_site_passes_check_strict() {
    let output = Command::new(env!("CARGO_BIN_EXE_frictionlog"))
        .args(["check", "--strict", "--root"])
        .arg(repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "check --strict failed:\n{stderr}");
    assert!(
        stderr.contains("checked 31 incidents in 9 categories"),
        "{stderr}"
    );
}

/// How the seed was counted. The "Pain Incidents" table is flattened to text:
/// each row is an issue line, then optional anecdote bullets, then an optional
/// status cell; section headings stand alone with two blank lines after them
/// ("Feature Toggle reporting is not automated (see OEP-17)" has that layout
/// and is a sub-heading over the five toggle rows, not a row). Counting rows
/// per section: Monolith / New Features 11, Front End Development 5, Changing
/// or testing learner features 3, Releases / Pipeline 1, Environment Sync /
/// Management 2, Debugging & Investigation 6, Data Duplication 3: 31 rows.
/// Anecdotes are the top-level bullets under a row (nested bullets are
/// examples and stay in the body). Per row, in the seed's order:
/// 3+0+1+0+0+1+1+4+1+1+5 = 17 in Monolith, 2+1+3+1+1 = 8 in Front End,
/// 1+1+1 = 3 in learner features, 1 in Releases, 4+5 = 9 in Environments,
/// 1+1+0+0+0+1 = 3 in Debugging, 3+1+1 = 5 in Data Duplication: 46.
#[test]
fn bundled_site_has_every_row_and_anecdote_of_the_seed() {
    let built = built();
    let incidents = &built.site.incidents;
    assert_eq!(incidents.len(), 31);
    let anecdotes: usize = incidents.iter().map(|i| i.anecdotes.len()).sum();
    assert_eq!(anecdotes, 46);
    let per_section = |slug: &str| {
        incidents
            .iter()
            .filter(|i| i.section.as_ref().is_some_and(|s| s.value == slug))
            .count()
    };
    assert_eq!(per_section("monolith-new-features"), 11);
    assert_eq!(per_section("front-end-development"), 5);
    assert_eq!(per_section("changing-or-testing-learner-features"), 3);
    assert_eq!(per_section("releases-pipeline"), 1);
    assert_eq!(per_section("environment-sync-management"), 2);
    assert_eq!(per_section("debugging-investigation"), 6);
    assert_eq!(per_section("data-duplication"), 3);
    assert_eq!(built.site.categories.len(), 9);
}

/// (category, votes, status, recorded)
type SeedRow = (&'static str, Option<u32>, Option<&'static str>, Option<u32>);

/// The "Top-level Categories (as of 10/15/18)" table: # incidents (recorded),
/// # votes in meeting, status. A dash in the seed is no value.
#[test]
fn review_matches_the_seed_table() {
    let built = built();
    let expected: [SeedRow; 8] = [
        ("monolith", Some(2), Some("nope"), Some(14)),
        ("modernizing-fed", Some(2), Some("progress"), Some(9)),
        ("coupled-services", Some(2), Some("partial"), Some(5)),
        ("environments-testing", None, Some("nope"), Some(5)),
        ("configuration-toggles", None, Some("progress"), Some(2)),
        ("ab-testing", Some(1), None, Some(1)),
        ("release-pipeline", Some(1), None, Some(1)),
        ("authorization", Some(1), None, Some(1)),
    ];
    let review = built.site.reviews.first().expect("one review");
    assert_eq!(review.date.to_string(), "2018-10-15");
    assert_eq!(review.categories.len(), expected.len());
    for (slug, votes, status, recorded) in expected {
        let (_, entry) = review
            .categories
            .iter()
            .find(|(s, _)| s.value == slug)
            .unwrap_or_else(|| panic!("{slug} missing from the review"));
        assert_eq!(entry.votes, votes, "{slug} votes");
        assert_eq!(
            entry.status.as_ref().map(|s| s.value.as_str()),
            status,
            "{slug} status"
        );
        assert_eq!(entry.recorded, recorded, "{slug} recorded");
    }
}

/// The README shows the computed tally table; it must stay true.
#[test]
fn readme_tally_table_matches_the_build() {
    let built = built();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let rows: Vec<Vec<String>> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| computed rank"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split('|').map(|c| c.trim().to_owned()).collect())
        .collect();
    assert_eq!(rows.len(), built.tally.categories.len());
    for (row, tally) in rows.iter().zip(&built.tally.categories) {
        let category = &built.site.categories[tally.index];
        assert_eq!(row[1], tally.rank.to_string());
        assert_eq!(row[2], category.title);
        assert_eq!(row[3], tally.incidents.to_string(), "{}", category.title);
        assert_eq!(row[4], tally.occurrences.to_string(), "{}", category.title);
        assert_eq!(row[5], tally.votes.to_string(), "{}", category.title);
    }
}

/// `frictionlog build` of the bundled site into `out`, with extra flags.
fn build_bundled(out: &Path, flags: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_frictionlog"))
        .args(["-q", "build", "--root"])
        .arg(repo_root())
        .arg("-o")
        .arg(out)
        .args(flags)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "build failed:\n{stderr}");
    let data = std::fs::read(out.join("data.json")).unwrap();
    serde_json::from_slice(&data).unwrap()
}

pub(crate) fn data_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("docs/data.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft202012::new(&schema).expect("docs/data.schema.json is a valid 2020-12 schema")
}

pub(crate) fn schema_errors(validator: &jsonschema::Validator, data: &Value) -> Vec<String> {
    validator
        .iter_errors(data)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// docs/data.schema.json describes the data.json the bundled site builds,
/// with base_url a path and an absolute URL; and it is strict enough to
/// reject a file that breaks the format.
#[test]
fn bundled_data_json_follows_the_schema() {
    let validator = data_schema();
    let scratch = tempfile::tempdir().unwrap();
    let data = build_bundled(&scratch.path().join("path"), &[]);
    assert_eq!(schema_errors(&validator, &data), Vec::<String>::new());
    assert_eq!(
        data["totals"]["incidents"], 31,
        "the bundled site was built"
    );
    let absolute = build_bundled(
        &scratch.path().join("absolute"),
        &["--base-url", "https://docs.example.com/arch/"],
    );
    assert_eq!(schema_errors(&validator, &absolute), Vec::<String>::new());

    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("a required key removed", |d| {
            d["categories"][0].as_object_mut().unwrap().remove("rank");
        }),
        ("a number written as text", |d| {
            d["totals"]["occurrences"] = Value::from("47");
        }),
        ("a date in another shape", |d| {
            d["incidents"][0]["anecdotes"][0]["date"] = Value::from("11/2017");
        }),
        ("a key the format does not have", |d| {
            d["incidents"][0]["severity"] = Value::from("high");
        }),
        ("another schema_version", |d| {
            d["schema_version"] = Value::from(2);
        }),
    ];
    for (what, mutate) in mutations {
        let mut broken = data.clone();
        mutate(&mut broken);
        assert!(
            !validator.is_valid(&broken),
            "the schema accepts data.json with {what}"
        );
    }
}
