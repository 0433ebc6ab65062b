//! `links` of incidents and categories (docs/format.md, "Links"): where
//! they show (the incident and category pages, the first one in list
//! entries, the feed, data.json, incidents.csv), where relative URLs go,
//! and the URLs that are refused.

use serde_json::json;

use crate::bundled::{data_schema, schema_errors};
use crate::support::{Site, SiteBuilder, assert_text_snapshot, expect_errors, fragment};

const LINKED: &str = "\
---
title: Settings live in many files
category: monolith
anecdotes:
  - team: Enterprise
    date: 2017-11
links:
  - title: \"ARCH-12: <plugin> settings\"
    url: \"https://jira.example.com/browse/ARCH-12?focus=1&x=2\"
  - url: /wiki/ADR-7
  - ../runbooks/settings.html#step-2
---
";

const LINKED_CATEGORY: &str = "\
---
title: Monolith
links:
  - {title: Board, url: \"https://board.example.com/monolith\"}
---
";

fn linked_site() -> Site {
    SiteBuilder::new()
        .file("content/incidents/settings.md", LINKED)
        .file("content/categories/monolith.md", LINKED_CATEGORY)
        .file(
            "content/incidents/plain.md",
            "---\ntitle: No links here\ncategory: monolith\n---\n",
        )
        .create()
}

#[test]
fn links_show_on_the_incident_and_category_pages_and_first_in_lists() {
    let site = linked_site();
    let built = site.build(&["--base-url", "/arch/challenges/"]);
    let incident = built.text("incidents/settings/index.html");
    assert_text_snapshot!(
        "incident_links",
        fragment(&incident, "<section class=\"block links\"", "</section>")
    );
    let category = built.text("categories/monolith/index.html");
    assert_text_snapshot!(
        "category_links",
        fragment(&category, "<section class=\"block links\"", "</section>")
    );
    let index = built.text("index.html");
    assert_text_snapshot!(
        "first_link",
        fragment(&index, "<p class=\"first-link\"", "</p>")
    );
    // The category page lists its incidents in a compact table (the home
    // page's entries carry the first link); an incident without links
    // shows no links at all.
    assert_eq!(category.matches("class=\"first-link\"").count(), 0);
    let plain = built.text("incidents/plain/index.html");
    assert!(!plain.contains("links-heading"), "{plain}");
}

#[test]
fn the_feed_entry_carries_every_link_of_its_incident() {
    let site = linked_site();
    let feed = site
        .build(&["--base-url", "https://docs.example.com/arch/challenges/"])
        .text("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let related: Vec<(&str, Option<&str>)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "link" && n.attribute("rel") == Some("related"))
        .map(|n| (n.attribute("href").unwrap(), n.attribute("title")))
        .collect();
    assert_eq!(
        related,
        [
            (
                "https://jira.example.com/browse/ARCH-12?focus=1&x=2",
                Some("ARCH-12: <plugin> settings")
            ),
            ("https://docs.example.com/wiki/ADR-7", None),
            (
                "https://docs.example.com/arch/runbooks/settings.html#step-2",
                None
            ),
        ]
    );
}

#[test]
fn data_json_and_incidents_csv_carry_the_links_as_written() {
    let site = linked_site();
    site.build_ok(&["--base-url", "/arch/challenges/"]);
    let data = site.data_json();
    let settings = data["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "settings")
        .unwrap();
    assert_eq!(
        settings["links"],
        json!([
            {"title": "ARCH-12: <plugin> settings", "url": "https://jira.example.com/browse/ARCH-12?focus=1&x=2"},
            {"title": null, "url": "/wiki/ADR-7"},
            {"title": null, "url": "../runbooks/settings.html#step-2"}
        ])
    );
    assert_eq!(
        data["categories"][0]["links"],
        json!([{"title": "Board", "url": "https://board.example.com/monolith"}])
    );
    assert_eq!(data["categories"][1]["links"], json!([]));
    let csv = site.read("output/incidents.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let links_column = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "links")
        .unwrap();
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[links_column].to_owned())
        .collect();
    assert_eq!(
        cells,
        [
            "",
            "ARCH-12: <plugin> settings <https://jira.example.com/browse/ARCH-12?focus=1&x=2>; /wiki/ADR-7; ../runbooks/settings.html#step-2"
        ]
    );
    // docs/data.schema.json knows the key, and refuses what parse refuses.
    let schema = data_schema();
    assert_eq!(schema_errors(&schema, &data), Vec::<String>::new());
    for bad in [
        "javascript:alert(1)",
        "//evil.example.com",
        "a b",
        "mailto:x@y",
    ] {
        let mut broken = data.clone();
        broken["categories"][0]["links"][0]["url"] = json!(bad);
        assert!(!schema.is_valid(&broken), "the schema accepts {bad:?}");
    }
}

#[test]
fn a_link_that_is_not_http_https_or_a_path_is_an_error_at_its_url() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/settings.md",
            "---\ntitle: S\ncategory: monolith\nlinks:\n  - {title: Click, url: \"javascript:alert(1)\"}\n  - url: \"data:text/html;base64,PHNjcmlwdD4=\"\n  - mailto:arch@example.com\n  - url: \"//evil.example.com/\"\n---\n",
        )
        .file(
            "content/categories/monolith.md",
            "---\ntitle: Monolith\nlinks:\n  - url: \"https://ok.example.com\"\n  - url: \"file:///etc/passwd\"\n---\n",
        )
        .create();
    let diagnostics = expect_errors(
        &site,
        &[
            ("invalid-value", "content/categories/monolith.md", 5, 10),
            ("invalid-value", "content/incidents/settings.md", 5, 25),
            ("invalid-value", "content/incidents/settings.md", 6, 10),
            ("invalid-value", "content/incidents/settings.md", 7, 5),
            ("invalid-value", "content/incidents/settings.md", 8, 10),
        ],
    );
    assert!(
        diagnostics[3]
            .message
            .contains("\"mailto:\" URLs are not allowed"),
        "{}",
        diagnostics[3].message
    );
    let human = site.run(&["check"]);
    assert_text_snapshot!("bad_link", human.stderr);
}
