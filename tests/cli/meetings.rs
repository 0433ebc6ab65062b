//! Meetings' history (docs/format.md, "History" and "What moved"): each
//! category across every review in data.json and on the category and
//! review pages, and what moved since the previous review on the index.
//! How serve re-renders them is tested with the other edits in serve.rs.

use serde_json::json;

use crate::bundled::{data_schema, schema_errors};
use crate::support::{REVIEW, Site, SiteBuilder, Tree, assert_text_snapshot};

/// Two reviews. By the first, monolith had its one incident and ranked
/// first; frontend's incident came after it. Since, frontend's reports
/// (one before the second review, two after) and a late monolith
/// incident put frontend first, and monolith's status went from
/// "progress" to "nope".
fn two_meetings() -> Site {
    SiteBuilder::new()
        .file(
            "content/reviews/2018-03-01.md",
            "---\ndate: 2018-03-01\ncategories:\n  monolith: {votes: 1, status: progress, recorded: 1}\n  frontend: {votes: 0}\n---\n",
        )
        .file("content/reviews/2018-10-15.md", REVIEW)
        .file(
            "content/incidents/css.md",
            "---\ntitle: Styles clash\ncategory: frontend\nanecdotes:\n  - {team: Web, date: 2018-06}\n  - {team: Web, date: 2018-12}\n  - {team: Web, date: 2019-01}\n---\n",
        )
        .file(
            "content/incidents/plugins.md",
            "---\ntitle: Plugins need settings\ncategory: monolith\nanecdotes:\n  - {team: Mobile, date: 2019-02}\n---\n",
        )
        .create()
}

/// The part of `html` from the line holding `start` to the next line
/// holding `end`, both included.
fn excerpt(html: &str, start: &str, end: &str) -> String {
    let lines: Vec<&str> = html.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.contains(start))
        .unwrap_or_else(|| panic!("no {start:?} in:\n{html}"));
    let last = first
        + lines[first..]
            .iter()
            .position(|l| l.contains(end))
            .unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    lines[first..=last].join("\n")
}

#[test]
fn data_json_gives_each_category_s_history_across_every_review() {
    let site = two_meetings();
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(schema_errors(&data_schema(), &data), Vec::<String>::new());
    let history = |slug: &str| {
        data["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["slug"] == slug)
            .unwrap()["history"]
            .clone()
    };
    assert_eq!(
        history("monolith"),
        json!([
            {"date": "2018-03-01", "mentioned": true, "votes": 1, "status": "progress",
             "recorded": 1, "rank": 1, "reported": ["settings"]},
            {"date": "2018-10-15", "mentioned": true, "votes": 2, "status": "nope",
             "recorded": 1, "rank": 1, "reported": []}
        ])
    );
    // Not in the second review; its late anecdotes do not count by then.
    assert_eq!(
        history("frontend"),
        json!([
            {"date": "2018-03-01", "mentioned": true, "votes": 0, "status": null,
             "recorded": null, "rank": 2, "reported": []},
            {"date": "2018-10-15", "mentioned": false, "votes": null, "status": null,
             "recorded": null, "rank": 2, "reported": ["css"]}
        ])
    );
    assert_eq!(
        data["categories"][0]["slug"], "frontend",
        "ranked first now"
    );
}

#[test]
fn the_index_shows_what_moved_since_the_previous_review() {
    let built: Tree = two_meetings().build(&[]);
    let index = built.text("index.html");
    let cells: Vec<&str> = index
        .lines()
        .filter(|l| l.contains("class=\"category-cell\""))
        .collect();
    assert_text_snapshot!("moved", cells.join("\n"));
}

#[test]
fn nothing_has_moved_before_a_second_review() {
    let built = SiteBuilder::new().create().build(&[]);
    let index = built.text("index.html");
    assert!(index.contains("class=\"category-cell\""));
    assert!(!index.contains("class=\"moved"), "{index}");
}

#[test]
fn category_and_review_pages_show_the_history() {
    let built = two_meetings().build(&[]);
    let history = |page: &str| excerpt(&built.text(page), "id=\"history\"", "</section>");
    let category = history("categories/monolith/index.html");
    assert_text_snapshot!("category_history", category);
    // Reported after the first review: listed by name.
    let frontend = history("categories/frontend/index.html");
    assert!(
        frontend.contains("<li><a href=\"../../incidents/css/index.html\">Styles clash</a></li>"),
        "{frontend}"
    );
    let review = history("reviews/2018-10-15/index.html");
    assert_text_snapshot!("review_history", review);
    let first = history("reviews/2018-03-01/index.html");
    assert!(first.contains("Reported by this review"), "{first}");
}

#[test]
fn without_reviews_no_page_shows_a_history() {
    let built = SiteBuilder::new()
        .without("content/reviews/2018-10-15.md")
        .create()
        .build(&[]);
    for (path, html) in built.html_pages() {
        assert!(!html.contains("id=\"history\""), "{path}");
    }
    assert_eq!(built.data_json()["categories"][0]["history"], json!([]));
}
