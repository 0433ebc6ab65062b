//! feed.xml's ids and subtitle: a feed reader keeps an Atom id forever and
//! merges two feeds (or two entries) that share one, so every site's feed
//! and entries need ids of their own, stable from build to build.

use std::collections::BTreeSet;

use crate::support::{SETTINGS, Site, SiteBuilder, Tree, expect_errors};

fn atom(name: &str) -> (&'static str, &str) {
    ("http://www.w3.org/2005/Atom", name)
}

/// The feed's id, its entries' ids and its subtitle (if any).
fn ids_of(built: &Tree) -> (String, Vec<String>, Option<String>) {
    let text = built.text("feed.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let feed = doc.root_element();
    let text_of = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|c| c.has_tag_name(atom(name)))
            .and_then(|c| c.text())
            .map(str::to_owned)
    };
    let entries = feed
        .children()
        .filter(|c| c.has_tag_name(atom("entry")))
        .map(|entry| text_of(entry, "id").unwrap())
        .collect();
    (
        text_of(feed, "id").unwrap(),
        entries,
        text_of(feed, "subtitle"),
    )
}

fn site_titled(title: &str) -> Site {
    SiteBuilder::new()
        .file("content/site.yaml", format!("title: \"{title}\"\n"))
        .create()
}

#[test]
fn two_sites_published_at_the_root_have_feeds_and_entries_of_their_own() {
    // Both sites hold the same incident, at base_url "/".
    let (feed_a, entries_a, _) = ids_of(&site_titled("Payments challenges").build(&[]));
    let (feed_b, entries_b, _) = ids_of(&site_titled("Search challenges").build(&[]));
    assert_eq!(feed_a, "tag:frictionlog,2017:payments-challenges");
    assert_eq!(feed_b, "tag:frictionlog,2017:search-challenges");
    assert_eq!(
        entries_a,
        [
            "tag:frictionlog,2017:payments-challenges/incidents/settings/#anecdote-enterprise-2017-11"
        ]
    );
    let all: BTreeSet<&String> = entries_a.iter().chain(&entries_b).collect();
    assert_eq!(all.len(), 2, "{entries_a:?} {entries_b:?}");
    for id in entries_a.iter().chain(&entries_b) {
        assert!(
            id.starts_with("tag:"),
            "an id is never a relative URL: {id}"
        );
    }
}

#[test]
fn the_feed_id_is_the_same_from_build_to_build() {
    let site = site_titled("Payments challenges");
    let (before, entries_before, _) = ids_of(&site.build(&[]));
    site.write(
        "content/incidents/settings.md",
        SETTINGS.replace(
            "anecdotes:\n",
            "anecdotes:\n  - team: Web\n    date: 2018-02\n",
        ),
    );
    let (after, entries_after, _) = ids_of(&site.build(&[]));
    assert_eq!(before, after);
    assert!(
        entries_after.contains(&entries_before[0]),
        "{entries_after:?}"
    );
    assert_eq!(entries_after.len(), 2);
}

#[test]
fn a_feed_id_in_site_yaml_names_the_feed_and_its_entries() {
    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "base_url: https://new.example.com/arch/\nfeed:\n  id: tag:example.com,2024:arch-challenges\n",
        )
        .create();
    let (feed, entries, _) = ids_of(&site.build(&[]));
    assert_eq!(feed, "tag:example.com,2024:arch-challenges");
    assert_eq!(
        entries,
        ["tag:example.com,2024:arch-challenges/incidents/settings/#anecdote-enterprise-2017-11"]
    );
}

#[test]
fn an_absolute_base_url_names_the_feed_and_its_entries_by_their_addresses() {
    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "base_url: https://docs.example.com/arch/\n",
        )
        .create();
    let (feed, entries, _) = ids_of(&site.build(&[]));
    assert_eq!(feed, "https://docs.example.com/arch/");
    assert_eq!(
        entries,
        ["https://docs.example.com/arch/incidents/settings/#anecdote-enterprise-2017-11"]
    );
}

#[test]
fn the_subtitle_comes_from_site_yaml() {
    let (_, _, subtitle) = ids_of(&SiteBuilder::new().create().build(&[]));
    assert_eq!(
        subtitle.as_deref(),
        Some("New anecdotes of architecture pain")
    );
    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "feed:\n  subtitle: \"Pain & progress\"\n",
        )
        .create();
    let built = site.build(&[]);
    assert!(
        built
            .text("feed.xml")
            .contains("<subtitle>Pain &amp; progress</subtitle>")
    );
    let (_, _, subtitle) = ids_of(&built);
    assert_eq!(subtitle.as_deref(), Some("Pain & progress"));
    let site = SiteBuilder::new()
        .append("content/site.yaml", "feed: {subtitle: \"\"}\n")
        .create();
    let (_, _, subtitle) = ids_of(&site.build(&[]));
    assert_eq!(subtitle, None);
}

#[test]
fn a_feed_id_that_is_no_absolute_uri_is_refused_where_it_is_written() {
    let site = SiteBuilder::new()
        .append("content/site.yaml", "feed:\n  id: /arch/\n  subtitel: x\n")
        .create();
    let d = expect_errors(
        &site,
        &[
            ("invalid-value", "content/site.yaml", 3, 7),
            ("unknown-field", "content/site.yaml", 4, 3),
        ],
    );
    assert_eq!(
        d[0].message,
        "invalid feed id \"/arch/\": expected an absolute URI, starting with a scheme such as \"tag:\" or \"https:\""
    );
    assert_eq!(
        d[1].message,
        "unknown key \"subtitel\" in feed (did you mean \"subtitle\"?)"
    );
    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "feed: {id: \"tag:example.com:arch\"}\n",
        )
        .create();
    let d = expect_errors(&site, &[("invalid-value", "content/site.yaml", 2, 12)]);
    assert!(
        d[0].message.contains("tag:AUTHORITY,DATE:NAME"),
        "{}",
        d[0].message
    );
}
