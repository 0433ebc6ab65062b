//! Properties of the tally over generated sites, through the library
//! (`build_in_memory`) so each case costs no process start: totals are the
//! sums over categories, every counted incident is counted once, ranks are
//! exactly 1..n in `rank_by` order.

use std::collections::BTreeMap;

use frictionlog::{BuildOptions, build_in_memory};
use proptest::prelude::*;
use serde_json::Value;

use crate::support::SiteBuilder;

const TEAMS: [&str; 5] = ["Web", "Mobile", "Data", "Köln", "Platform team"];

#[derive(Clone, Debug)]
struct GenIncident {
    category: usize,
    draft: bool,
    /// Team index and optional (year, month) per anecdote.
    anecdotes: Vec<(usize, Option<(u16, u8)>)>,
    /// Added to the anecdote count to make an explicit `occurrences`.
    extra: Option<u32>,
}

impl GenIncident {
    /// docs/format.md, "Occurrences": explicit occurrences, else the anecdotes, at least 1.
    fn occurrences(&self) -> u64 {
        let written = self.anecdotes.len() as u64;
        self.extra
            .map_or(written, |extra| written + u64::from(extra))
            .max(1)
    }
}

#[derive(Clone, Debug)]
struct GenSite {
    /// Category titles (slugs are `c0`, `c1`, ...); duplicates allowed, so
    /// ties on title fall to the slug.
    titles: Vec<String>,
    incidents: Vec<GenIncident>,
    /// Votes per category in one review, when there is a review.
    votes: Option<Vec<u32>>,
    drafts: bool,
}

fn gen_site() -> impl Strategy<Value = GenSite> {
    (1usize..6).prop_flat_map(|categories| {
        let incident = (
            0..categories,
            prop::bool::weighted(0.2),
            prop::collection::vec(
                (0..TEAMS.len(), prop::option::of((2016u16..2020, 1u8..13))),
                0..4,
            ),
            prop::option::weighted(0.3, 0u32..4),
        )
            .prop_map(|(category, draft, anecdotes, extra)| GenIncident {
                category,
                draft,
                anecdotes,
                extra,
            });
        (
            prop::collection::vec(
                prop::sample::select(vec!["Alpha", "Beta", "Gamma"]),
                categories,
            ),
            prop::collection::vec(incident, 0..14),
            prop::option::of(prop::collection::vec(0u32..3, categories)),
            any::<bool>(),
        )
            .prop_map(|(titles, incidents, votes, drafts)| GenSite {
                titles: titles.into_iter().map(str::to_owned).collect(),
                incidents,
                votes,
                drafts,
            })
    })
}

fn site_files(site: &GenSite) -> SiteBuilder {
    let mut files = SiteBuilder::empty().file("content/site.yaml", "title: Generated\n");
    for (i, title) in site.titles.iter().enumerate() {
        files = files.file(
            &format!("content/categories/c{i}.md"),
            format!("---\ntitle: {title}\n---\n"),
        );
    }
    for (i, incident) in site.incidents.iter().enumerate() {
        let mut text = format!(
            "---\ntitle: Incident {i}\ncategory: c{}\ndraft: {}\nanecdotes:\n",
            incident.category, incident.draft
        );
        if incident.anecdotes.is_empty() {
            text.push_str("  []\n");
        }
        for (team, date) in &incident.anecdotes {
            text.push_str(&format!("  - team: {}\n", TEAMS[*team]));
            if let Some((year, month)) = date {
                text.push_str(&format!("    date: {year}-{month:02}\n"));
            }
        }
        if let Some(extra) = incident.extra {
            text.push_str(&format!(
                "occurrences: {}\n",
                (incident.anecdotes.len() as u32 + extra).max(1)
            ));
        }
        text.push_str("---\n");
        // Spread over sub-folders: the slug, not the path, names an incident.
        files = files.file(&format!("content/incidents/g{}/i{i:02}.md", i % 3), text);
    }
    if let Some(votes) = &site.votes {
        let mut text = "---\ndate: 2019-06-30\ncategories:\n".to_owned();
        for (i, votes) in votes.iter().enumerate() {
            text.push_str(&format!("  c{i}: {{votes: {votes}}}\n"));
        }
        text.push_str("---\n");
        files = files.file("content/reviews/2019-06-30.md", text);
    }
    files
}

fn number(value: &Value) -> u64 {
    value
        .as_u64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn tallies_add_up(site in gen_site()) {
        let dir = site_files(&site).create();
        let (outcome, rendered) = build_in_memory(&BuildOptions {
            root: dir.root(),
            drafts: site.drafts,
            base_url: None,
        });
        prop_assert_eq!(outcome.diagnostics.len(), 0, "{:?}", outcome.diagnostics);
        prop_assert!(outcome.built.is_some(), "a valid site builds");
        let data: Value = serde_json::from_slice(&rendered.files["data.json"]).unwrap();

        let counted: Vec<(usize, &GenIncident)> = site
            .incidents
            .iter()
            .enumerate()
            .filter(|(_, i)| site.drafts || !i.draft)
            .collect();
        let categories = data["categories"].as_array().unwrap();
        let totals = &data["totals"];

        // Totals equal the sums over categories, and what was generated.
        prop_assert_eq!(number(&totals["categories"]), site.titles.len() as u64);
        prop_assert_eq!(categories.len(), site.titles.len());
        let incident_sum: u64 = categories.iter().map(|c| number(&c["incidents"])).sum();
        let occurrence_sum: u64 = categories.iter().map(|c| number(&c["occurrences"])).sum();
        prop_assert_eq!(number(&totals["incidents"]), incident_sum);
        prop_assert_eq!(number(&totals["occurrences"]), occurrence_sum);
        prop_assert_eq!(incident_sum, counted.len() as u64);
        let expected_occurrences: u64 = counted.iter().map(|(_, i)| i.occurrences()).sum();
        prop_assert_eq!(occurrence_sum, expected_occurrences);

        // Per category, too.
        for category in categories {
            let slug = category["slug"].as_str().unwrap();
            let index: usize = slug[1..].parse().unwrap();
            let mine: Vec<_> = counted.iter().filter(|(_, i)| i.category == index).collect();
            prop_assert_eq!(number(&category["incidents"]), mine.len() as u64, "{}", slug);
            prop_assert_eq!(
                number(&category["occurrences"]),
                mine.iter().map(|(_, i)| i.occurrences()).sum::<u64>(),
                "{}", slug
            );
        }

        // Every counted incident appears once in the incidents list, in slug order.
        let slugs: Vec<&str> = data["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["slug"].as_str().unwrap())
            .collect();
        let expected: Vec<String> = counted.iter().map(|(n, _)| format!("i{n:02}")).collect();
        prop_assert_eq!(slugs, expected.iter().map(String::as_str).collect::<Vec<_>>());
        let mut per_slug: BTreeMap<&str, usize> = BTreeMap::new();
        for incident in data["incidents"].as_array().unwrap() {
            *per_slug.entry(incident["slug"].as_str().unwrap()).or_default() += 1;
        }
        prop_assert!(per_slug.values().all(|n| *n == 1), "{:?}", per_slug);

        // Ranks are exactly 1..n, in the default rank_by order (occurrences,
        // votes, incidents descending), then title, then slug.
        let ranks: Vec<u64> = categories.iter().map(|c| number(&c["rank"])).collect();
        prop_assert_eq!(ranks, (1..=site.titles.len() as u64).collect::<Vec<_>>());
        let key = |c: &Value| {
            (
                std::cmp::Reverse(number(&c["occurrences"])),
                std::cmp::Reverse(number(&c["votes"])),
                std::cmp::Reverse(number(&c["incidents"])),
                c["title"].as_str().unwrap().to_owned(),
                c["slug"].as_str().unwrap().to_owned(),
            )
        };
        for pair in categories.windows(2) {
            prop_assert!(key(&pair[0]) < key(&pair[1]), "{} before {}", pair[0], pair[1]);
        }

        // Team totals agree with the distinct names reported.
        let mut teams: Vec<usize> = counted
            .iter()
            .flat_map(|(_, i)| i.anecdotes.iter().map(|(t, _)| *t))
            .collect();
        teams.sort_unstable();
        teams.dedup();
        prop_assert_eq!(number(&totals["teams"]), teams.len() as u64);
    }
}
