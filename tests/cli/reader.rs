//! What a reader sees, through the real binary: missing teams and dates
//! shown as missing, a tally table without empty columns, the chart, the
//! timeline grid, how the incident list is grouped and ordered, the index
//! pages, meta descriptions, the review page and the sitemap warning.
//! How the pages look is proven in a real browser by browser.rs.

use serde_json::json;

use crate::support::{REVIEW, SETTINGS, SiteBuilder, build_site, fragment, repository};

/// An incident with one team's anecdote, one anecdote without a team and
/// one without a date, and one occurrence counted beyond the anecdotes.
const GAPS: &str = "\
---
title: Deploys need a ticket
category: monolith
occurrences: 4
anecdotes:
  - team: Web
    date: 2018-03
    text: We waited a week.
  - date: 2018-04
    text: Nobody wrote down who.
  - team: Web
    text: Again, some time.
---
";

/// The part of `html` from `start` to the end of its section.
fn around<'h>(html: &'h str, start: &str) -> &'h str {
    fragment(html, start, "</section>")
}

#[test]
fn missing_teams_and_dates_are_shown_as_missing_and_totals_add_up() {
    let site = SiteBuilder::new()
        .file("content/incidents/gaps.md", GAPS)
        .create();
    let built = site.build(&[]);
    let data = built.data_json();
    // settings.md: Enterprise, 1. gaps.md: Web 2, no team 1, 1 beyond.
    assert_eq!(data["totals"]["occurrences"], 5);
    assert_eq!(data["totals"]["unattributed"], 2);
    assert_eq!(data["totals"]["teams"], 2);
    let teams: Vec<&str> = data["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["Enterprise", "Web"]);
    let monolith = &data["categories"][0];
    assert_eq!(
        (&monolith["slug"], &monolith["unattributed"]),
        (&json!("monolith"), &json!(2))
    );
    let gaps = data["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "gaps")
        .unwrap();
    assert_eq!(gaps["anecdotes"][1]["team"], json!(null));

    let incident = built.text("incidents/gaps/index.html");
    let anecdotes = around(&incident, "<ol class=\"anecdotes\">");
    assert_eq!(
        anecdotes.matches("No team recorded").count(),
        1,
        "{anecdotes}"
    );
    assert_eq!(
        anecdotes
            .matches("<span class=\"muted\">date not recorded</span>")
            .count(),
        1,
        "{anecdotes}"
    );
    assert!(!anecdotes.contains(">undated<"), "{anecdotes}");
    assert!(
        incident.contains("1 more occurrence counted without an anecdote, with no team recorded.")
    );
    // On the team page an undated anecdote is muted text, not a link.
    let team = built.text("teams/web/index.html");
    assert!(
        team.contains("<span class=\"muted\">date not recorded</span>"),
        "{team}"
    );

    // The teams page says how its numbers add up: 3 by teams + 2 = 5.
    let teams_page = built.text("teams/index.html");
    assert!(
        teams_page.contains(
            "2 teams reported 3 of the 5 occurrences; the other 2 have no team recorded."
        ),
        "{teams_page}"
    );
    assert!(
        teams_page.contains(
            "<tr><th scope=\"row\">No team recorded</th><td></td><td class=\"num\">2</td>"
        )
    );
    assert!(
        teams_page.contains(
            "<tr><th scope=\"row\">Every occurrence</th><td></td><td class=\"num\">5</td>"
        )
    );
    assert!(!built.has_file("teams/no-team-recorded/index.html"));
    let index = built.text("index.html");
    assert!(index.contains("(2 with no team recorded)"), "{index}");
}

#[test]
fn the_bundled_site_invents_no_team() {
    let out = tempfile::tempdir().unwrap();
    let built = build_site(&repository(), out.path(), &[]);
    let data = built.data_json();
    let names: Vec<&str> = data["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.iter().any(|n| n.to_lowercase().contains("record")),
        "{names:?}"
    );
    let by_teams: u64 = data["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["occurrences"].as_u64().unwrap())
        .sum();
    let totals = &data["totals"];
    assert!(totals["unattributed"].as_u64().unwrap() > 0);
    assert_eq!(
        by_teams + totals["unattributed"].as_u64().unwrap(),
        totals["occurrences"].as_u64().unwrap()
    );
}

/// The tally table's column headings, in order.
fn tally_columns(index: &str) -> Vec<String> {
    let head = around(index, "<table class=\"tally sortable\">");
    let head = &head[..head.find("</thead>").unwrap()];
    head.split("<th scope=\"col\"")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..];
            text[..text.find("</th>").unwrap()].to_owned()
        })
        .collect()
}

#[test]
fn columns_that_carry_nothing_for_any_row_are_left_out() {
    // No review: no votes, no status, no since-review; no notes or efforts.
    let bare = SiteBuilder::new()
        .without("content/reviews/2018-10-15.md")
        .create();
    assert_eq!(
        tally_columns(&bare.build(&[]).text("index.html")),
        ["Rank", "Category", "Incidents", "Occurrences"]
    );
    // A review with a status, nothing dated after it.
    let reviewed = SiteBuilder::new().create();
    let index = reviewed.build(&[]).text("index.html");
    assert_eq!(
        tally_columns(&index),
        [
            "Rank",
            "Category",
            "Incidents",
            "Occurrences",
            "Votes",
            "Status"
        ]
    );
    assert!(index.contains("No occurrence is dated after its category's latest review"));
    assert!(index.contains("<p class=\"legend-line\"><span class=\"legend-title\">Status, agreed at a review:</span> <span class=\"badge badge-nope\">Not started</span>"), "{index}");
    // An anecdote after the review, and efforts: both columns come back.
    let busy = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace("date: 2017-11", "date: 2018-11"),
        )
        .file(
            "content/categories/frontend.md",
            "---\ntitle: Front end\nefforts:\n  - owner: Arch-FED\n    items: [Paragon]\n---\n",
        )
        .create();
    assert_eq!(
        tally_columns(&busy.build(&[]).text("index.html")),
        [
            "Rank",
            "Category",
            "Incidents",
            "Occurrences",
            "Votes",
            "Status",
            "Since review",
            "Notes and efforts"
        ]
    );
}

#[test]
fn the_chart_splits_each_category_into_its_incidents_and_marks_zero() {
    let site = SiteBuilder::new()
        .file("content/incidents/gaps.md", GAPS)
        .create();
    let index = site.build(&[]).text("index.html");
    let chart = around(&index, "<svg class=\"chart\"");
    // Monolith: gaps (4) then settings (1); Front end has none.
    let monolith = &chart[..chart.find("</g>").unwrap()];
    assert!(
        monolith.contains("<rect class=\"bar bar-top\""),
        "{monolith}"
    );
    assert!(
        monolith.contains("<title>Deploys need a ticket: 4</title>"),
        "{monolith}"
    );
    assert!(
        monolith.contains("<rect class=\"bar bar-rest\""),
        "{monolith}"
    );
    assert!(
        monolith
            .contains(">5 occurrences<tspan class=\"chart-more\"> in 2 incidents</tspan></text>"),
        "{monolith}"
    );
    assert!(chart.contains("<rect class=\"bar bar-zero\""), "{chart}");
    assert!(
        chart.contains(">0 occurrences<tspan class=\"chart-more\"> in 0 incidents</tspan></text>"),
        "{chart}"
    );
    // Not a copy of a column: no bar is one plain number.
    assert!(!chart.contains("class=\"bar c"), "{chart}");
}

#[test]
fn the_timeline_is_a_grid_and_says_what_has_no_date() {
    let site = SiteBuilder::new()
        .file("content/incidents/gaps.md", GAPS)
        .create();
    let timeline = site.build(&[]).text("timeline/index.html");
    assert!(
        timeline.contains("<table class=\"numbers heatmap\">"),
        "{timeline}"
    );
    // Three dated occurrences in three quarters in a row: by quarter,
    // and per year below.
    assert!(
        timeline.contains("<h2 id=\"grid-heading\">Per quarter</h2>"),
        "{timeline}"
    );
    assert!(
        timeline.contains("<h2 id=\"years-heading\">Per year</h2>"),
        "{timeline}"
    );
    assert!(
        timeline.contains(
            ">2017-Q4</th><th scope=\"col\" class=\"num\" id=\"grid-2018-q1\">2018-Q1</th>"
        ),
        "{timeline}"
    );
    assert!(
        timeline.contains(
            "<strong>2</strong> of the 5 occurrences have no date, so they are in no period."
        ),
        "{timeline}"
    );
    // No period is called undated: what has no date is not a column.
    assert!(!timeline.contains(">Undated<"), "{timeline}");
    // The fullest cell is the darkest: 2018 holds two of the three.
    assert!(
        timeline.contains("<td class=\"num heat-4\">2</td>"),
        "{timeline}"
    );
    assert!(
        timeline.contains("<td class=\"num heat-1\">1</td>"),
        "{timeline}"
    );
}

/// The headings of the index's incident list, in order.
fn group_headings(index: &str) -> Vec<String> {
    index
        .split("<h3 class=\"group-heading\"")
        .skip(1)
        .map(|h| {
            let h = &h[h.find('>').unwrap() + 1..h.find("<span class=\"count\">").unwrap()];
            let mut text = String::new();
            let mut in_tag = false;
            for c in h.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.trim().to_owned()
        })
        .collect()
}

/// The incident titles of the index's list, in order.
fn listed_titles(index: &str) -> Vec<String> {
    index
        .split("<a class=\"incident-title\"")
        .skip(1)
        .map(|a| {
            let a = &a[a.find('>').unwrap() + 1..];
            a[..a.find("</a>").unwrap()].to_owned()
        })
        .collect()
}

fn site_with_sections(extra: &str) -> crate::support::Site {
    SiteBuilder::new()
        .file(
            "content/site.yaml",
            format!("title: Sections\nsections:\n  - {{slug: ops, title: Operations}}\n{extra}"),
        )
        .file("content/incidents/gaps.md", GAPS)
        .file(
            "content/incidents/zebra.md",
            "---\ntitle: A zebra in the front end\ncategory: frontend\nsection: ops\nanecdotes:\n  - {team: Web, date: 2019-01}\n---\n",
        )
        .create()
}

#[test]
fn the_incident_list_is_grouped_by_category_unless_site_yaml_says_section() {
    let index = site_with_sections("").build(&[]).text("index.html");
    assert_eq!(group_headings(&index), ["Monolith", "Front end"]);
    assert!(index.contains("What teams ran into, by category."));
    let index = site_with_sections("incidents:\n  group_by: section\n")
        .build(&[])
        .text("index.html");
    assert_eq!(group_headings(&index), ["Operations", "Other incidents"]);
}

#[test]
fn order_by_orders_each_group() {
    let order = |key: &str| {
        let extra = format!("incidents:\n  group_by: section\n  order_by: {key}\n");
        let index = site_with_sections(&extra).build(&[]).text("index.html");
        listed_titles(&index)
    };
    // "Other incidents": gaps.md (4, last 2018-04) and settings.md (1, 2017-11).
    assert_eq!(
        order("title")[1..],
        ["Deploys need a ticket", "Settings live in many files"]
    );
    assert_eq!(
        order("occurrences")[1..],
        ["Deploys need a ticket", "Settings live in many files"]
    );
    assert_eq!(
        order("file")[1..],
        ["Deploys need a ticket", "Settings live in many files"]
    );
    let site = site_with_sections("incidents:\n  order_by: last_seen\n");
    let newest_first = listed_titles(&site.build(&[]).text("index.html"));
    assert_eq!(
        newest_first,
        [
            "Deploys need a ticket",
            "Settings live in many files",
            "A zebra in the front end"
        ]
    );
    // A title that sorts first and a file that comes last tell title from file.
    let renamed = SiteBuilder::new()
        .file(
            "content/incidents/a.md",
            SETTINGS.replace("Settings live", "Zettings live"),
        )
        .without("content/incidents/settings.md")
        .file("content/incidents/b.md", GAPS)
        .file(
            "content/site.yaml",
            "title: T\nincidents: {order_by: file}\n",
        )
        .create();
    assert_eq!(
        listed_titles(&renamed.build(&[]).text("index.html")),
        ["Zettings live in many files", "Deploys need a ticket"]
    );
    let wrong = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: T\nincidents: {order_by: newest}\n",
        )
        .create();
    let (code, diagnostics) = wrong.check_json(&[]);
    assert_eq!(code, 1);
    assert!(
        diagnostics[0]
            .message
            .contains("expected one of title, last_seen, occurrences, file"),
        "{diagnostics:?}"
    );
}

#[test]
fn an_incident_page_opens_with_the_incident_and_folds_the_curators_note() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            SETTINGS.replace(
                "status: sad\n",
                "status: sad\nabout: Filed under Monolith because the settings live in the core.\n",
            ),
        )
        .create();
    let page = site.build(&[]).text("incidents/settings/index.html");
    let details = page.find("id=\"details-heading\"").unwrap();
    let anecdotes = page.find("id=\"anecdotes-heading\"").unwrap();
    let about = page.find("<details class=\"about-entry\">").unwrap();
    assert!(details < anecdotes && anecdotes < about, "{page}");
    assert!(page.contains("<summary>About this entry</summary>\n<p>Filed under Monolith because the settings live in the core.</p>"));
    assert_eq!(
        site.data_json()["incidents"][0]["about"],
        "Filed under Monolith because the settings live in the core."
    );
    // The last crumb is a short, cut-to-fit name; the h1 is capped.
    assert!(page.contains("<span class=\"crumb-current\" aria-current=\"page\">"));
    assert!(page.contains("<h1 class=\"title-long\">"));
}

#[test]
fn every_page_kind_is_complete() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: Friction\ndescription: |\n  Where our **architecture** slows teams down: see [the monolith](categories/monolith.md).\n\n  More words.\n",
        )
        .file(
            "content/categories/testing.md",
            "---\ntitle: Testing\n---\n",
        )
        .create();
    let built = site.build(&["--base-url", "https://docs.example.com/"]);
    for (path, html) in built.html_pages() {
        let description = html
            .split("<meta name=\"description\" content=\"")
            .nth(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .unwrap_or_else(|| panic!("{path} has no meta description"));
        let expected = if path == "categories/monolith/index.html" {
            "Coupling everywhere"
        } else {
            "Where our architecture slows teams down: see the monolith."
        };
        assert_eq!(description, expected, "{path}");
        assert_eq!(
            html.contains("rel=\"canonical\""),
            path != "404.html",
            "{path}: a canonical link on every page but 404"
        );
    }
    // Index pages of categories and reviews, which the crumbs point at.
    let categories = built.text("categories/index.html");
    assert!(categories.contains("<p class=\"summary\">Coupling everywhere</p>"));
    assert!(categories.contains("categories/testing/index.html"));
    let reviews = built.text("reviews/index.html");
    assert!(reviews.contains("Review of <time datetime=\"2018-10-15\">2018-10-15</time></a> <span class=\"muted\">1 category discussed, 2 votes</span>"), "{reviews}");
    let category = built.text("categories/monolith/index.html");
    assert!(category.contains("<li><a href=\"../../categories/index.html\">Categories</a></li>"));
    let review = built.text("reviews/2018-10-15/index.html");
    assert!(review.contains("<li><a href=\"../../reviews/index.html\">Reviews</a></li>"));
    // The review lists every category, and says what the numbers mean.
    assert!(review.contains("Front end</a></th>\n<td colspan=\"4\" class=\"muted\" data-sort=\"-2\">Not discussed at this review</td>"), "{review}");
    assert!(
        review.contains("Testing</a></th>\n<td colspan=\"4\""),
        "{review}"
    );
    assert!(review.contains("<strong>Recorded</strong> is the number of incidents written down for the category at the meeting."));
    // The nav marks the page itself, and the section of a page below it.
    assert!(
        reviews.contains("<a href=\"../reviews/index.html\" aria-current=\"page\">Reviews</a>")
    );
    assert!(
        review.contains("<a href=\"../../reviews/index.html\" class=\"in-section\">Reviews</a>")
    );
    assert!(
        !built
            .html_pages()
            .iter()
            .any(|(_, h)| h.contains("aria-current=\"true\""))
    );
}

#[test]
fn without_an_absolute_base_url_there_is_no_sitemap_and_one_warning() {
    let site = SiteBuilder::new().create();
    for base in ["/", "/arch/"] {
        let run = site
            .run(&["build", "--base-url", base, "--strict"])
            .assert_code(0);
        let lines: Vec<&str> = run.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{run:?}");
        assert_eq!(
            lines[0],
            format!(
                "warning: no sitemap.xml: a sitemap needs absolute URLs, and base_url is \"{base}\"; set base_url to the published address (https://…) to get one"
            )
        );
        assert!(!site.path("output/sitemap.xml").exists());
    }
    let quiet = site.run(&["-q", "build"]).assert_code(0);
    assert_eq!(quiet.stderr, "");
    let run = site
        .run(&["build", "--base-url", "https://docs.example.com/"])
        .assert_code(0);
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(site.path("output/sitemap.xml").exists());
}

#[test]
fn a_review_without_a_status_and_votes_still_shows_the_votes_column() {
    let site = SiteBuilder::new()
        .file(
            "content/reviews/2018-10-15.md",
            REVIEW.replace("{votes: 2, status: nope, recorded: 1}", "{votes: 0}"),
        )
        .create();
    assert_eq!(
        tally_columns(&site.build(&[]).text("index.html")),
        ["Rank", "Category", "Incidents", "Occurrences", "Votes"]
    );
}
