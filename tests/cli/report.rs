//! `frictionlog report`, through the real binary: the anecdote lands at
//! the end of the list and every other byte of the file stays as written;
//! a broken file, an invalid result or a shape that cannot be edited
//! safely changes nothing (exit 1, as content errors do; a bad flag exits
//! 2); a misspelt slug gets a did-you-mean; concurrent reports to one file
//! lose no anecdote; the file keeps its permissions.

use std::os::unix::fs::PermissionsExt;
use std::process::Stdio;

use crate::support::{
    Output, Site, SiteBuilder, assert_same_tree, assert_text_snapshot, frictionlog,
};

const PATH: &str = "content/incidents/settings.md";

/// An incident written the way people write them: comments, mixed
/// quoting, a folded scalar, keys in no particular order, a body with a
/// `---` line of its own.
const HANDWRITTEN: &str = "\
---
# Reported at the 2018 retro.
title: 'Settings live in \"many\" files'   # single-quoted on purpose
category: monolith
status: [sad]
resolution: >-
  Folded into
  one place.
anecdotes:   # who hit it
  - team: \"Enterprise\"
    date: 2017-11   # month only
    text: It took a week.
  # - team: Disputed
tags: [a, 'b']
---
Details.

---
More details.
";

/// The lines `report settings --team Web --date 2024-05 --text ...` adds.
const WEB_LINES: &str =
    "  - team: \"Web\"\n    date: 2024-05\n    text: \"Again: \\\"twice\\\" #2\"\n";

fn site_with(incident: &str) -> Site {
    SiteBuilder::new().file(PATH, incident).create()
}

/// Runs `frictionlog ARGS` in the site's root, as a user would, so that
/// paths print as `content/...`.
fn in_root(site: &Site, args: &[&str]) -> Output {
    site.run_in(&site.root(), args)
}

fn report_web(site: &Site) -> Output {
    in_root(
        site,
        &[
            "report",
            "settings",
            "--team",
            "Web",
            "--date",
            "2024-05",
            "--text",
            "Again: \"twice\" #2",
        ],
    )
}

#[test]
fn comments_quoting_and_order_survive_byte_for_byte() {
    let site = site_with(HANDWRITTEN);
    let run = report_web(&site).assert_code(0);
    assert_eq!(run.stdout, "content/incidents/settings.md\n");
    assert_eq!(run.stderr, "");
    // The whole file is the old one with the new lines after the last
    // anecdote's last line; nothing else moved.
    let expected = HANDWRITTEN.replacen(
        "    text: It took a week.\n",
        &format!("    text: It took a week.\n{WEB_LINES}"),
        1,
    );
    assert_eq!(site.read(PATH), expected);
    site.run(&["check", "--strict"]).assert_code(0);
    site.build_ok(&[]);
    let anecdotes = &site.data_json()["incidents"][0]["anecdotes"];
    assert_eq!(anecdotes.as_array().unwrap().len(), 2);
    assert_eq!(anecdotes[1]["team"], "Web");
    assert_eq!(anecdotes[1]["date"], "2024-05");
    assert_eq!(anecdotes[1]["text"], "Again: \"twice\" #2");
}

#[test]
fn crlf_line_endings_are_kept() {
    let crlf = HANDWRITTEN.replace('\n', "\r\n");
    let site = site_with(&crlf);
    report_web(&site).assert_code(0);
    let expected = crlf.replacen(
        "    text: It took a week.\r\n",
        &format!(
            "    text: It took a week.\r\n{}",
            WEB_LINES.replace('\n', "\r\n")
        ),
        1,
    );
    assert_eq!(site.read(PATH), expected);
    site.run(&["check", "--strict"]).assert_code(0);
}

#[test]
fn an_incident_without_anecdotes_gets_a_list() {
    for (anecdotes, kept) in [
        ("", ""),
        ("anecdotes:\n", "anecdotes:\n"),
        ("anecdotes: []   # none yet\n", "anecdotes:   # none yet\n"),
    ] {
        let incident = format!("---\ntitle: T\ncategory: monolith\n{anecdotes}# tags: [x]\n---\n");
        let site = site_with(&incident);
        in_root(&site, &["report", "settings", "--team", "Web", "--undated"]).assert_code(0);
        let list = if kept.is_empty() {
            "# tags: [x]\nanecdotes:\n  - team: \"Web\"\n".to_owned()
        } else {
            format!("{kept}  - team: \"Web\"\n# tags: [x]\n")
        };
        assert_eq!(
            site.read(PATH),
            format!("---\ntitle: T\ncategory: monolith\n{list}---\n"),
            "{anecdotes:?}"
        );
        site.run(&["check", "--strict"]).assert_code(0);
    }
}

#[test]
fn the_date_defaults_to_today() {
    let site = SiteBuilder::new().create();
    in_root(&site, &["report", "settings", "--team", "Web"]).assert_code(0);
    let today = jiff::Zoned::now().date();
    let text = site.read(PATH);
    assert!(
        [today, today.yesterday().unwrap()]
            .iter()
            .any(|d| text.contains(&format!("  - team: \"Web\"\n    date: {d}\n"))),
        "{text}"
    );
}

#[test]
fn a_broken_file_is_left_untouched() {
    // A file YAML cannot read, and one it can but that check rejects.
    let broken = [
        HANDWRITTEN.replace(
            "category: monolith\n",
            "category: monolith\ncategory: frontend\n",
        ),
        HANDWRITTEN.replace("category: monolith\n", "category: monolit\n"),
    ];
    for (index, text) in broken.iter().enumerate() {
        let site = site_with(text);
        let before = site.everything();
        let run = report_web(&site).assert_code(1);
        assert_eq!(run.stdout, "");
        assert_text_snapshot!(format!("broken_file_{index}"), run.stderr);
        assert_same_tree(&before, &site.everything(), "report on a broken file");
    }
}

#[test]
fn an_invalid_result_changes_nothing() {
    // Three anecdotes would exceed the file's own `occurrences: 1`.
    let counted = HANDWRITTEN.replace("status: [sad]\n", "status: [sad]\noccurrences: 1\n");
    let site = site_with(&counted);
    let before = site.everything();
    let run = report_web(&site).assert_code(1);
    assert_text_snapshot!("invalid_result", run.stderr);
    assert_same_tree(&before, &site.everything(), "an invalid result");

    // A team spelt another way than in another incident.
    let site = SiteBuilder::new()
        .file(
            "content/incidents/other.md",
            "---\ntitle: O\ncategory: frontend\nanecdotes:\n  - team: Web Platform\n---\n",
        )
        .create();
    let before = site.everything();
    let run = in_root(&site, &["report", "settings", "--team", "web platform"]).assert_code(1);
    assert!(run.stderr.contains("error[duplicate-slug]"), "{run:#?}");
    assert!(
        run.stderr.contains("the anecdote was not added"),
        "{run:#?}"
    );
    assert_same_tree(&before, &site.everything(), "a team spelt two ways");

    // Bad flags are usage errors, before anything is read.
    for args in [
        &[
            "report",
            "settings",
            "--team",
            "Web",
            "--date",
            "2018-02-30",
        ][..],
        &[
            "report",
            "settings",
            "--team",
            "Web",
            "--date",
            "2018",
            "--undated",
        ],
        &["report", "settings", "--team", "  "],
        &["report", "settings"],
        &["report", "settings", "--team", "Web", "--text", " "],
    ] {
        let run = in_root(&site, args).assert_code(2);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert_same_tree(&before, &site.everything(), "usage errors");
}

#[test]
fn a_list_that_cannot_be_edited_safely_is_refused_plainly() {
    let flow = HANDWRITTEN.replace(
        "anecdotes:   # who hit it\n  - team: \"Enterprise\"\n    date: 2017-11   # month only\n    text: It took a week.\n",
        "anecdotes: [{team: Enterprise, date: 2017-11},\n  {team: Payments}]\n",
    );
    let site = site_with(&flow);
    site.run(&["check", "--strict"]).assert_code(0);
    let before = site.everything();
    let run = report_web(&site).assert_code(1);
    assert_text_snapshot!("flow_list_across_lines", run.stderr);
    assert_same_tree(&before, &site.everything(), "a flow list across lines");
}

#[test]
fn a_misspelt_slug_gets_a_suggestion() {
    let site = SiteBuilder::new().create();
    let before = site.everything();
    let run = in_root(&site, &["report", "setings", "--team", "Web"]).assert_code(1);
    assert_eq!(run.stdout, "");
    assert_text_snapshot!("misspelt_slug", run.stderr);
    assert_same_tree(&before, &site.everything(), "an unknown incident");
    // The file's path works too, as a shell completes it.
    in_root(
        &site,
        &["report", "content/incidents/settings.md", "--team", "Web"],
    )
    .assert_code(0);
}

#[test]
fn a_team_close_to_a_known_one_is_warned_about() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/other.md",
            "---\ntitle: O\ncategory: frontend\nanecdotes:\n  - team: Payments\n---\n",
        )
        .create();
    let run = in_root(
        &site,
        &["report", "settings", "--team", "Payment", "--undated"],
    )
    .assert_code(0);
    assert_eq!(
        run.stderr,
        "warning: no other incident names the team \"Payment\" (did you mean \"Payments\"?): it gets a page of its own; fix the spelling in the file if it is the same team\n"
    );
    let run = in_root(
        &site,
        &["report", "settings", "--team", "Payments", "--undated"],
    )
    .assert_code(0);
    assert_eq!(run.stderr, "");
    let run = in_root(
        &site,
        &[
            "-q",
            "report",
            "settings",
            "--team",
            "Paymentz",
            "--undated",
        ],
    )
    .assert_code(0);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        ("content/incidents/settings.md\n", "")
    );
}

#[test]
fn permissions_are_kept_and_nothing_is_left_beside_the_file() {
    let site = SiteBuilder::new().create();
    let path = site.path(PATH);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    in_root(&site, &["report", "settings", "--team", "Web"]).assert_code(0);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<String> = std::fs::read_dir(site.path("content/incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["settings.md"]);
}

// Twenty teams report the same incident at once: each report reads,
// edits and replaces the file under a lock, so none overwrites another's.
// Filler incidents make each report's checks take a while, so that
// without the lock the reports' read-modify-writes would overlap.
#[test]
fn concurrent_reports_lose_no_anecdote() {
    let mut builder = SiteBuilder::new();
    for i in 0..100 {
        builder = builder.file(
            &format!("content/incidents/filler/f{i}.md"),
            format!("---\ntitle: F{i}\ncategory: frontend\nanecdotes:\n  - team: Filler\n---\n"),
        );
    }
    let site = builder.create();
    let root = site.root();
    let teams: Vec<String> = (0..20).map(|i| format!("Team {i:02}")).collect();
    let children: Vec<_> = teams
        .iter()
        .map(|team| {
            let mut command = frictionlog(
                &root,
                &["report", "settings", "--team", team, "--date", "2024-05"],
            );
            command
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = site.read(PATH);
    for team in &teams {
        assert_eq!(
            text.matches(&format!("  - team: \"{team}\"\n    date: 2024-05\n"))
                .count(),
            1,
            "{team} is not in the file once:\n{text}"
        );
    }
    site.run(&["check", "--strict"]).assert_code(0);
    let leftovers: Vec<String> = std::fs::read_dir(site.path("content/incidents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "settings.md" && name != "filler")
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}
