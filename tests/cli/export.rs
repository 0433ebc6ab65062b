//! The data export: data.json and incidents.csv (docs/format.md,
//! "data.json" and "incidents.csv").

use serde_json::{Value, json};

use crate::support::SiteBuilder;

/// The keys of a JSON object, in the order written.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect()
}

const CATEGORY_KEYS: [&str; 19] = [
    "slug",
    "title",
    "summary",
    "notes",
    "efforts",
    "links",
    "rank",
    "incidents",
    "occurrences",
    "unattributed",
    "votes",
    "status",
    "teams",
    "first_seen",
    "last_seen",
    "review",
    "since_review",
    "url",
    "history",
];

const INCIDENT_KEYS: [&str; 12] = [
    "slug",
    "title",
    "category",
    "section",
    "status",
    "resolution",
    "about",
    "occurrences",
    "tags",
    "links",
    "anecdotes",
    "url",
];

#[test]
fn every_key_is_present_when_optional_values_are_absent() {
    let site = SiteBuilder::empty()
        .file("content/site.yaml", "title: Bare\n")
        .file("content/categories/bare.md", "---\ntitle: Bare\n---\n")
        .file(
            "content/incidents/lonely.md",
            "---\ntitle: Lonely\ncategory: bare\nanecdotes:\n  - team: Solo\n---\n",
        )
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    // serde_json without preserve_order sorts keys, so compare as sets.
    let mut top = keys(&data);
    top.sort_unstable();
    assert_eq!(
        top,
        [
            "categories",
            "incidents",
            "reviews",
            "schema_version",
            "site",
            "teams",
            "totals"
        ]
    );
    assert_eq!(data["schema_version"], 1);
    assert_eq!(
        data["site"],
        json!({"title": "Bare", "as_of": null, "base_url": "/"})
    );
    assert_eq!(
        data["totals"],
        json!({"categories": 1, "incidents": 1, "occurrences": 1, "unattributed": 0, "teams": 1})
    );
    let category = &data["categories"][0];
    let mut found = keys(category);
    found.sort_unstable();
    let mut expected = CATEGORY_KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected);
    assert_eq!(
        *category,
        json!({
            "slug": "bare", "title": "Bare", "summary": null, "notes": null,
            "efforts": [], "links": [], "rank": 1, "incidents": 1, "occurrences": 1,
            "unattributed": 0, "votes": 0, "status": null, "teams": ["Solo"],
            "first_seen": null, "last_seen": null, "review": null,
            "since_review": 0, "url": "/categories/bare/", "history": []
        })
    );
    let incident = &data["incidents"][0];
    let mut found = keys(incident);
    found.sort_unstable();
    let mut expected = INCIDENT_KEYS.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected);
    assert_eq!(
        *incident,
        json!({
            "slug": "lonely", "title": "Lonely", "category": "bare",
            "section": null, "status": [], "resolution": null, "about": null,
            "occurrences": 1, "tags": [], "links": [],
            "anecdotes": [{"team": "Solo", "date": null, "text": null}],
            "url": "/incidents/lonely/"
        })
    );
    assert_eq!(
        data["teams"],
        json!([{"slug": "solo", "name": "Solo", "incidents": 1, "occurrences": 1, "categories": ["bare"]}])
    );
    assert_eq!(data["reviews"], json!([]));
}

#[test]
fn every_key_is_present_when_optional_values_are_given() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: Full\nsections:\n  - {slug: backend, title: Back end}\n",
        )
        .file(
            "content/categories/monolith.md",
            "---\ntitle: Monolith\nsummary: Coupling, <b>everywhere</b>\nnotes: See *notes*\nefforts:\n  - owner: Arch-FED\n    items: [Paragon, Plugins]\nlinks: [{title: Board, url: \"https://board.example.com\"}]\n---\n",
        )
        .file(
            "content/incidents/settings.md",
            "---\ntitle: Settings\ncategory: monolith\nsection: backend\nstatus: [tick, sad]\nresolution: Runway <i>made</i>\noccurrences: 4\ntags: [django, config]\nlinks: [/wiki/settings]\nanecdotes:\n  - {team: Enterprise, date: 2017-11, text: \"A **week**\"}\n  - {team: Köln Team, date: 2018-11-02}\n---\n",
        )
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(data["site"]["as_of"], "2018-10-15");
    let category = &data["categories"][0];
    assert_eq!(
        *category,
        json!({
            "slug": "monolith", "title": "Monolith",
            "summary": "Coupling, <b>everywhere</b>", "notes": "See *notes*",
            "efforts": [{"owner": "Arch-FED", "items": ["Paragon", "Plugins"]}],
            "links": [{"title": "Board", "url": "https://board.example.com"}],
            "rank": 1, "incidents": 1, "occurrences": 4, "unattributed": 2, "votes": 2,
            "status": "nope", "teams": ["Enterprise", "Köln Team"],
            "first_seen": "2017-11", "last_seen": "2018-11-02",
            "review": {"date": "2018-10-15", "recorded": 1},
            "since_review": 1, "url": "/categories/monolith/",
            "history": [{
                "date": "2018-10-15", "mentioned": true, "votes": 2,
                "status": "nope", "recorded": 1, "rank": 1,
                "reported": ["settings"]
            }]
        })
    );
    assert_eq!(
        data["incidents"][0],
        json!({
            "slug": "settings", "title": "Settings", "category": "monolith",
            "section": "backend", "status": ["tick", "sad"],
            "resolution": "Runway <i>made</i>", "about": null, "occurrences": 4,
            "tags": ["django", "config"],
            "links": [{"title": null, "url": "/wiki/settings"}],
            "anecdotes": [
                {"team": "Enterprise", "date": "2017-11", "text": "A **week**"},
                {"team": "Köln Team", "date": "2018-11-02", "text": null}
            ],
            "url": "/incidents/settings/"
        })
    );
    assert_eq!(data["teams"][1]["slug"], "koln-team");
    assert_eq!(
        data["reviews"],
        json!([{"date": "2018-10-15", "url": "/reviews/2018-10-15/"}])
    );
}

/// Every `url` anywhere in the document.
fn urls(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if key == "url" {
                    found.push(item.as_str().unwrap().to_owned());
                }
                urls(item, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| urls(item, found)),
        _ => {}
    }
}

#[test]
fn base_url_reaches_every_url() {
    let site = SiteBuilder::new().create();
    site.build_ok(&["--base-url", "/arch/challenges/"]);
    let data = site.data_json();
    assert_eq!(data["site"]["base_url"], "/arch/challenges/");
    let mut found = Vec::new();
    urls(&data, &mut found);
    // Two categories, one incident, one review.
    assert_eq!(found.len(), 4, "{found:?}");
    for url in &found {
        assert!(url.starts_with("/arch/challenges/"), "{url}");
    }
    assert!(found.contains(&"/arch/challenges/incidents/settings/".to_owned()));
}

#[test]
fn an_absolute_base_url_keeps_paths_in_urls() {
    let site = SiteBuilder::new()
        .file("content/site.yaml", "title: T\nbase_url: /ignored/\n")
        .create();
    site.build_ok(&["--base-url", "https://docs.example.com/arch"]);
    let data = site.data_json();
    assert_eq!(data["site"]["base_url"], "https://docs.example.com/arch/");
    let mut found = Vec::new();
    urls(&data, &mut found);
    assert_eq!(found.len(), 4, "{found:?}");
    for url in &found {
        assert!(url.starts_with("/arch/"), "{url}");
    }
}

#[test]
fn base_url_from_site_yaml_applies_without_the_flag() {
    let site = SiteBuilder::new()
        .file("content/site.yaml", "title: T\nbase_url: /from/yaml\n")
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    assert_eq!(data["site"]["base_url"], "/from/yaml/");
    assert_eq!(data["reviews"][0]["url"], "/from/yaml/reviews/2018-10-15/");
}

#[test]
fn dates_keep_their_precision() {
    let site = SiteBuilder::new()
        .without("content/reviews/2018-10-15.md")
        .file(
            "content/incidents/settings.md",
            "---\ntitle: S\ncategory: monolith\nanecdotes:\n  - {team: A, date: 2018-01-01}\n  - {team: B, date: 2017-11}\n  - {team: C, date: 2018}\n  - {team: D, date: \"2018-01\"}\n---\n",
        )
        .create();
    site.build_ok(&[]);
    let data = site.data_json();
    let dates: Vec<_> = data["incidents"][0]["anecdotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2018-01-01", "2017-11", "2018", "2018-01"]);
    assert_eq!(data["categories"][0]["first_seen"], "2017-11");
    assert_eq!(data["categories"][0]["last_seen"], "2018-01-01");
    assert_eq!(data["site"]["as_of"], "2018-01-01");
    let csv = site.read("output/incidents.csv");
    assert!(csv.contains(",2017-11,2018-01-01"), "{csv}");
}

#[test]
fn incidents_csv_round_trips_awkward_titles_in_slug_order() {
    let site = SiteBuilder::new()
        .file(
            "content/site.yaml",
            "title: T\nsections:\n  - {slug: backend, title: Back end}\n",
        )
        .file(
            "content/incidents/z/alpha.md",
            "---\ntitle: \"Slow, \\\"very\\\" slow\\nbuilds\"\ncategory: frontend\nsection: backend\nstatus: [tick, sad]\nanecdotes:\n  - {team: Web, date: 2018-03}\n  - {team: \"Apps, Mobile\", date: 2017}\n  - {team: Web}\n---\n",
        )
        .file(
            "content/incidents/a/zulu.md",
            "---\ntitle: Last\ncategory: monolith\noccurrences: 3\n---\n",
        )
        .create();
    site.build_ok(&[]);
    let bytes = std::fs::read(site.path("output/incidents.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec![
                "slug",
                "title",
                "category",
                "section",
                "status",
                "occurrences",
                "teams",
                "first_seen",
                "last_seen",
                "tags",
                "links",
                "resolution",
                "about",
                "anecdotes"
            ],
            vec![
                "alpha",
                "Slow, \"very\" slow\nbuilds",
                "frontend",
                "backend",
                "tick; sad",
                "3",
                "Apps, Mobile; Web",
                "2017",
                "2018-03",
                "",
                "",
                "",
                "",
                "Web; 2018-03\nApps, Mobile; 2017\nWeb"
            ],
            vec![
                "settings",
                "Settings live in many files",
                "monolith",
                "",
                "sad",
                "1",
                "Enterprise",
                "2017-11",
                "2017-11",
                "",
                "",
                "",
                "",
                "Enterprise; 2017-11; It took a week."
            ],
            vec![
                "zulu", "Last", "monolith", "", "", "3", "", "", "", "", "", "", "", ""
            ],
        ]
    );
}
