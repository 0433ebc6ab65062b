//! Finding incidents (docs/format.md, "search-index.json"): the search
//! index the index page's filter loads, the words it holds and leaves to
//! the page, tags as links to a filtered list and as a list in the
//! filter. tests/cli/browser.rs filters with them in chromium.

use serde_json::{Value, json};

use crate::support::{Site, SiteBuilder, assert_text_snapshot};

/// Two incidents with tags and anecdotes that say things their titles,
/// teams and categories do not.
fn kubernetes() -> Site {
    SiteBuilder::new()
        .file(
            "content/incidents/etcd-quorum.md",
            "---\ntitle: Control plane stalls\ncategory: monolith\ntags: [etcd, Control Plane]\nanecdotes:\n  - team: Platform\n    date: 2019-03\n    text: \"The etcd quorum was lost during an upgrade; upgrades stalled.\"\n  - team: Storage\n    text: Compaction never ran, so the database filled its disk.\n---\nWhat happened.\n",
        )
        .file(
            "content/incidents/dns.md",
            "---\ntitle: Lookups time out\ncategory: frontend\ntags: [dns, etcd]\nresolution: NodeLocal DNSCache\nanecdotes:\n  - team: Platform\n    text: ndots:5 turned every lookup into five.\n---\n",
        )
        .file(
            "content/incidents/quiet.md",
            "---\ntitle: Nothing more to say\ncategory: frontend\n---\n",
        )
        .create()
}

fn search_index(site: &Site) -> Value {
    serde_json::from_str(&site.read("output/search-index.json")).unwrap()
}

/// The words the index holds for `slug`.
fn words_of(index: &Value, slug: &str) -> Vec<String> {
    let words = index["words"].as_array().unwrap();
    index["incidents"][slug]
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .map(|n| {
            let n = usize::from_str_radix(n, 36).unwrap();
            words[n].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn the_search_index_holds_what_the_page_does_not() {
    let site = kubernetes();
    site.build_ok(&[]);
    let index = search_index(&site);
    assert_eq!(index["version"], 1);
    let mut words = words_of(&index, "etcd-quorum");
    words.sort();
    // Not "control" or "plane" (in its title), "platform" (its team) or
    // "an" (in "plane"): the page has them. "upgrade" is in "upgrades".
    assert_eq!(
        words,
        [
            "compaction",
            "database",
            "disk",
            "during",
            "etcd",
            "filled",
            "its",
            "lost",
            "never",
            "quorum",
            "ran",
            "so",
            "stalled",
            "the",
            "upgrades",
            "was"
        ]
    );
    let mut words = words_of(&index, "dns");
    words.sort();
    // "dns" is in its resolution and "lookup" in its title, which the
    // page holds; "5" is too short to search for.
    assert_eq!(words, ["etcd", "every", "five", "into", "ndots", "turned"]);
    assert_eq!(
        index["incidents"]["quiet"],
        Value::Null,
        "an incident the page says everything about is left out"
    );

    // The page does not carry the anecdotes' text for the filter: only the
    // incident pages show it.
    let home = site.read("output/index.html");
    for said in ["quorum was lost", "compaction never ran", "ndots"] {
        assert!(!home.to_lowercase().contains(said), "{said}: {home}");
    }
    assert!(
        site.read("output/incidents/etcd-quorum/index.html")
            .contains("quorum was lost")
    );
}

#[test]
fn the_search_index_of_a_small_site_word_for_word() {
    let site = SiteBuilder::fixture("small").create();
    site.build_ok(&[]);
    assert_text_snapshot!("search_index", site.read("output/search-index.json"));
}

#[test]
fn tags_link_to_the_list_filtered_by_them_and_are_a_filter() {
    let site = kubernetes();
    site.build_ok(&["--base-url", "https://docs.example.com/k8s/"]);
    let home = site.read("output/index.html");
    let form = home
        .lines()
        .filter(|l| l.contains("filter-tag") || l.contains("data-search-index"))
        .collect::<Vec<_>>()
        .join("\n");
    assert_text_snapshot!("tag_filter", form);
    let entry = home
        .lines()
        .find(|l| l.contains("data-slug=\"etcd-quorum\""))
        .unwrap();
    assert!(
        entry.contains("data-tags=\" etcd control-plane \""),
        "{entry}"
    );
    let page = site.read("output/incidents/etcd-quorum/index.html");
    let tags = page
        .lines()
        .find(|l| l.contains("class=\"chips tags\""))
        .unwrap();
    assert_eq!(
        tags,
        "<ul class=\"chips tags\" aria-label=\"Tags\"><li><a href=\"../../index.html?tag=etcd#incidents\" rel=\"tag\">etcd</a></li><li><a href=\"../../index.html?tag=control-plane#incidents\" rel=\"tag\">Control Plane</a></li></ul>"
    );
}

#[test]
fn a_site_without_tags_offers_no_tag_list() {
    let site = SiteBuilder::new().create();
    site.build_ok(&[]);
    let home = site.read("output/index.html");
    assert!(!home.contains("filter-tag"));
    assert!(home.contains("data-search-index=\"search-index.json\""));
    assert_eq!(
        serde_json::from_str::<Value>(&site.read("output/search-index.json")).unwrap(),
        json!({"version": 1, "words": ["took", "week"], "incidents": {"settings": "0 1"}})
    );
}
