//! Pure: which pages an edit makes out of date, decided by one function of
//! the site before and after the edit ([`pages_to_render`]).
//!
//! serve renders only those pages and keeps every other page, and every
//! other incident's list entry, from the last render. The rule is simple
//! on purpose: an edit that touches only incidents re-renders their pages,
//! the pages that list them (their categories, their teams, the reviews
//! that show those categories' numbers or list them as reported before
//! the meeting) and the pages that list every incident; anything else —
//! site.yaml, a category, a review, a template, a static file, or an
//! incident edit that changes a number any page may show (every template
//! sees the whole tally table and the list of teams: the totals, the
//! as-of date, a category's row and its history across the reviews, a
//! team's counts) — renders everything. So editing an incident's text,
//! title, statuses or section is quick, and adding an anecdote renders the
//! whole site. `tests/cli/serve.rs` proves the result equals a full build.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::model::{Incident, Site};
use crate::render::Selection;
use crate::tally::{CategoryTally, HistoryEntry, Tally};

/// What one successful render was made from.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub site: Arc<Site>,
    pub tally: Arc<Tally>,
    /// [`crate::render::Theme::fingerprint`] of the theme it used.
    pub theme: u64,
}

/// The pages (and list entries) to render again after an edit that turned
/// `before` into `after`; everything when there is no `before`.
pub fn pages_to_render(before: Option<&Snapshot>, after: &Snapshot) -> Selection {
    let Some(before) = before else {
        return Selection::everything();
    };
    if before.theme != after.theme
        || before.site.config != after.site.config
        || before.site.categories != after.site.categories
        || before.site.reviews != after.site.reviews
        || site_wide(before) != site_wide(after)
    {
        return Selection::everything();
    }
    let mut selection = Selection::default();
    // Pages are named by slug and team name: an index holds only within
    // one site.
    for (old, new) in changed_incidents(&before.site.incidents, &after.site.incidents) {
        for (site, index) in [(&before.site, old), (&after.site, new)] {
            let Some((index, incident)) = index.and_then(|i| Some((i, site.incidents.get(i)?)))
            else {
                continue;
            };
            selection.incidents.insert(incident.slug.clone());
            if let Some(category) = site.category_of(index) {
                selection.categories.insert(category.slug.clone());
            }
            for &team in site.refs(index).anecdote_teams.iter().flatten() {
                if let Some(team) = site.teams.get(team) {
                    selection.teams.insert(team.name.clone());
                }
            }
        }
    }
    // A review page shows each category's numbers as they are now, and
    // the incidents first reported since the review before it.
    let touched: BTreeSet<&str> = selection.categories.iter().map(String::as_str).collect();
    for review in after.site.reviews.iter() {
        if review
            .categories
            .iter()
            .any(|(slug, _)| touched.contains(slug.value.as_str()))
        {
            selection.reviews.insert(review.date.to_string());
        }
    }
    for snapshot in [before, after] {
        for entry in snapshot
            .tally
            .categories
            .iter()
            .flat_map(|row| &row.history)
        {
            let lists_an_edit = entry.incidents.iter().any(|&i| {
                snapshot
                    .site
                    .incidents
                    .get(i)
                    .is_some_and(|incident| selection.incidents.contains(&incident.slug))
            });
            if lists_an_edit && let Some(review) = snapshot.site.reviews.get(entry.review) {
                selection.reviews.insert(review.date.to_string());
            }
        }
    }
    selection
}

/// What every template can show: the totals, the as-of date, every row of
/// the tally table in rank order (colours follow the rank) with its
/// history, every team's counts, and every tag (the filter offers them). Which incidents a team reported is
/// left out: the pages that list them are those of the teams an edit
/// names. Incidents in a history are compared by slug, not by their place
/// in the site, which a new slug elsewhere shifts.
fn site_wide(snapshot: &Snapshot) -> impl PartialEq + '_ {
    let tally = &snapshot.tally;
    let slug = |index: &usize| {
        snapshot
            .site
            .incidents
            .get(*index)
            .map(|incident| incident.slug.as_str())
    };
    let rows: Vec<_> = tally
        .categories
        .iter()
        .map(|row| {
            // Every field, so that a new one cannot be forgotten here.
            let CategoryTally {
                index,
                slug: row_slug,
                incidents,
                occurrences,
                unattributed,
                teams,
                first_seen,
                last_seen,
                votes,
                status,
                review,
                since_review,
                rank,
                history,
                moved,
            } = row;
            let history: Vec<_> = history
                .iter()
                .map(|entry| {
                    let HistoryEntry {
                        review,
                        mentioned,
                        votes,
                        status,
                        recorded,
                        rank,
                        incidents,
                    } = entry;
                    let incidents: Vec<Option<&str>> = incidents.iter().map(slug).collect();
                    (review, mentioned, votes, status, recorded, rank, incidents)
                })
                .collect();
            (
                (index, row_slug, incidents, occurrences, teams, first_seen),
                (last_seen, votes, status, review, since_review, rank),
                (history, moved, unattributed),
            )
        })
        .collect();
    (
        tally.totals,
        tally.as_of,
        rows,
        tally
            .teams
            .iter()
            .map(|team| {
                (
                    team.name.as_str(),
                    team.slug.as_str(),
                    team.incidents,
                    team.occurrences,
                    &team.categories,
                )
            })
            .collect::<Vec<_>>(),
        &tally.tags,
    )
}

/// The incidents that differ between two slug-ordered lists, as (before,
/// after) pairs of indexes into them: `(Some, None)` deleted, `(None,
/// Some)` new.
fn changed_incidents(
    before: &[Arc<Incident>],
    after: &[Arc<Incident>],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut changed = Vec::new();
    let mut old = before.iter().enumerate().peekable();
    let mut new = after.iter().enumerate().peekable();
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((_, a)), Some((_, b))) => a.slug.as_bytes().cmp(b.slug.as_bytes()),
        };
        match order {
            Ordering::Less => changed.push((old.next().map(|(i, _)| i), None)),
            Ordering::Greater => changed.push((None, new.next().map(|(i, _)| i))),
            Ordering::Equal => {
                if let (Some((i, a)), Some((j, b))) = (old.next(), new.next())
                    && !Arc::ptr_eq(a, b)
                    && a != b
                {
                    changed.push((Some(i), Some(j)));
                }
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::{self, category, located};
    use crate::model::{Date, Review, ReviewEntry, Section, SiteConfig};
    use crate::tally::tally_site;
    use crate::validate::resolve_site;

    /// An incident with one anecdote per (team, date), each with a text.
    fn incident(slug: &str, category: &str, anecdotes: &[(&str, &str)]) -> Incident {
        let dated: Vec<(&str, Option<&str>)> = anecdotes
            .iter()
            .map(|(team, date)| (*team, Some(*date)))
            .collect();
        let mut incident = fixtures::incident(slug, category, &dated);
        for (anecdote, (team, date)) in incident.anecdotes.iter_mut().zip(anecdotes) {
            anecdote.text = Some(format!("{team} on {date}"));
        }
        incident
    }

    /// Three categories (a: 3 occurrences, reviewed; b: 2; c: 1) and two
    /// teams that both reported in a and in b.
    fn site() -> Site {
        let mut config = SiteConfig::with_title("T".into());
        config.sections = vec![Section {
            slug: "s".into(),
            title: "S".into(),
        }];
        resolve_site(
            config,
            vec![category("a", "A"), category("b", "B"), category("c", "C")],
            vec![
                Arc::new(incident(
                    "one",
                    "a",
                    &[("Web", "2017-01"), ("Ops", "2017-06"), ("Web", "2018-01")],
                )),
                Arc::new(incident("three", "c", &[])),
                Arc::new(incident(
                    "two",
                    "b",
                    &[("Web", "2018-01"), ("Ops", "2018-02")],
                )),
            ],
            vec![Review {
                date: Date::parse("2018-06-01").unwrap(),
                path: "content/reviews/2018-06-01.md".into(),
                categories: vec![(located("a"), ReviewEntry::default())],
                body: String::new(),
                body_line: 1,
            }],
        )
    }

    /// What a session makes of `site`'s parsed files (edited ones too):
    /// the site resolved again, and its tally.
    fn snapshot(site: Site) -> Snapshot {
        let site = resolve_site(site.config, site.categories, site.incidents, site.reviews);
        let tally = tally_site(&site);
        Snapshot {
            site: Arc::new(site),
            tally: Arc::new(tally),
            theme: 1,
        }
    }

    /// The pages to render after `edit` is applied to [`site`].
    fn after(edit: impl FnOnce(&mut Site)) -> Selection {
        let before = snapshot(site());
        let mut site = site();
        // Untouched incidents stay the same values, as in a session.
        site.incidents = before.site.incidents.clone();
        edit(&mut site);
        pages_to_render(Some(&before), &snapshot(site))
    }

    /// An edit of the incident `slug`.
    fn edit_incident(site: &mut Site, slug: &str, edit: impl FnOnce(&mut Incident)) {
        let found = site.incidents.iter_mut().find(|i| i.slug == slug).unwrap();
        let mut incident = (**found).clone();
        edit(&mut incident);
        *found = Arc::new(incident);
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn partial(
        incidents: &[&str],
        categories: &[&str],
        teams: &[&str],
        reviews: &[&str],
    ) -> Selection {
        Selection {
            everything: false,
            incidents: set(incidents),
            categories: set(categories),
            teams: set(teams),
            reviews: set(reviews),
        }
    }

    #[test]
    fn a_first_render_renders_everything() {
        assert_eq!(
            pages_to_render(None, &snapshot(site())),
            Selection::everything()
        );
    }

    #[test]
    fn no_edit_renders_only_the_pages_that_list_everything() {
        assert_eq!(after(|_| {}), partial(&[], &[], &[], &[]));
    }

    #[test]
    fn a_new_title_renders_the_incident_its_category_its_teams_and_the_review_listing_it() {
        // "two" was first reported before the review, which lists it
        // among the incidents reported by then, though not its category.
        let selection = after(|site| edit_incident(site, "two", |i| i.title = "Two!".into()));
        assert_eq!(
            selection,
            partial(&["two"], &["b"], &["Ops", "Web"], &["2018-06-01"])
        );
        // "three" has no dated anecdote: no review lists it.
        let selection = after(|site| edit_incident(site, "three", |i| i.title = "3".into()));
        assert_eq!(selection, partial(&["three"], &["c"], &[], &[]));
    }

    /// A review of `day` that lists category `a`.
    fn review_of_a(day: &str) -> Review {
        Review {
            date: Date::parse(day).unwrap(),
            path: format!("content/reviews/{day}.md"),
            categories: vec![(located("a"), ReviewEntry::default())],
            body: String::new(),
            body_line: 1,
        }
    }

    /// [`site`] with a review before the one it has, and "four" in
    /// `category`, first reported on `date`.
    fn two_reviews(category: &str, date: &str) -> Site {
        let mut site = site();
        site.reviews.insert(0, review_of_a("2017-03-01"));
        site.incidents
            .insert(0, Arc::new(incident("four", category, &[("Web", date)])));
        site
    }

    #[test]
    fn a_title_edit_renders_each_review_whose_period_lists_the_incident() {
        let before = snapshot(two_reviews("b", "2017-02"));
        let mut site = two_reviews("b", "2017-02");
        site.incidents = before.site.incidents.clone();
        edit_incident(&mut site, "four", |i| i.title = "Four!".into());
        // Its page, category and team; neither review discusses category
        // b, but the first lists "four" as reported by then.
        assert_eq!(
            pages_to_render(Some(&before), &snapshot(site)),
            partial(&["four"], &["b"], &["Web"], &["2017-03-01"])
        );
    }

    #[test]
    fn a_date_that_moves_an_incident_to_another_review_period_renders_everything() {
        // 2017-02 is before the first review, 2017-04 between the two: the
        // category's first and last dates, counts and "since review" stay,
        // but each review's history changes.
        let before = snapshot(two_reviews("a", "2017-02"));
        let after = snapshot(two_reviews("a", "2017-04"));
        let (was, is) = (&before.tally.categories[0], &after.tally.categories[0]);
        assert_eq!(
            (
                was.first_seen,
                was.last_seen,
                was.since_review,
                was.occurrences
            ),
            (is.first_seen, is.last_seen, is.since_review, is.occurrences)
        );
        assert_eq!(
            pages_to_render(Some(&before), &after),
            Selection::everything()
        );
    }

    #[test]
    fn text_statuses_sections_and_inner_dates_render_the_incident_and_who_lists_it() {
        let expected = partial(&["one"], &["a"], &["Ops", "Web"], &["2018-06-01"]);
        let text = after(|site| edit_incident(site, "one", |i| i.anecdotes[0].text = None));
        assert_eq!(text, expected);
        let status = after(|site| edit_incident(site, "one", |i| i.status = vec![located("sad")]));
        assert_eq!(status, expected);
        let section = after(|site| edit_incident(site, "one", |i| i.section = Some(located("s"))));
        assert_eq!(section, expected);
        // Between the category's first and last date: its row stays.
        let date = after(|site| {
            edit_incident(site, "one", |i| {
                i.anecdotes[1].date = Date::parse("2017-07")
            })
        });
        assert_eq!(date, expected);
    }

    #[test]
    fn a_date_that_moves_a_category_row_renders_everything() {
        let first_seen = after(|site| {
            edit_incident(site, "one", |i| {
                i.anecdotes[0].date = Date::parse("2016-01")
            })
        });
        assert_eq!(first_seen, Selection::everything());
        // After the review: the as-of date and "since review" move.
        let later = after(|site| {
            edit_incident(site, "two", |i| {
                i.anecdotes[0].date = Date::parse("2019-01")
            })
        });
        assert_eq!(later, Selection::everything());
    }

    #[test]
    fn a_category_change_moves_numbers_on_every_page() {
        let selection = after(|site| edit_incident(site, "three", |i| i.category = located("b")));
        assert_eq!(selection, Selection::everything());
    }

    #[test]
    fn a_team_change_within_the_same_counts_renders_both_teams() {
        // Ops's 2017-06 report becomes Web's and Web's 2018-01 one Ops's:
        // each team keeps its counts and categories.
        let selection = after(|site| {
            edit_incident(site, "one", |i| {
                i.anecdotes[1].team = Some(located("Web"));
                i.anecdotes[2].team = Some(located("Ops"));
            })
        });
        assert_eq!(
            selection,
            partial(&["one"], &["a"], &["Ops", "Web"], &["2018-06-01"])
        );
    }

    #[test]
    fn a_new_team_or_an_added_anecdote_changes_every_page() {
        let new_team = after(|site| {
            edit_incident(site, "two", |i| {
                i.anecdotes[1].team = Some(located("New team"))
            })
        });
        assert_eq!(new_team, Selection::everything());
        let added =
            after(|site| edit_incident(site, "two", |i| i.anecdotes.push(i.anecdotes[0].clone())));
        assert_eq!(added, Selection::everything());
    }

    #[test]
    fn a_new_tag_changes_the_filter_on_every_page_but_an_old_one_does_not() {
        let tagged = |site: &mut Site, slug: &str, tag: &str| {
            edit_incident(site, slug, |i| i.tags = vec![tag.into()]);
        };
        assert_eq!(
            after(|site| tagged(site, "one", "etcd")),
            Selection::everything()
        );
        let before = {
            let mut site = site();
            for slug in ["one", "two", "three"] {
                tagged(&mut site, slug, "etcd");
            }
            snapshot(site)
        };
        let mut site = site();
        site.incidents = before.site.incidents.clone();
        // Another spelling, used less than the one the tag is named after:
        // the tag stays as it was.
        tagged(&mut site, "one", "Etcd");
        assert_eq!(
            pages_to_render(Some(&before), &snapshot(site)),
            partial(&["one"], &["a"], &["Ops", "Web"], &["2018-06-01"])
        );
    }

    #[test]
    fn new_and_deleted_incidents_change_the_totals_on_every_page() {
        let new = after(|site| site.incidents.push(Arc::new(incident("zz", "c", &[]))));
        assert_eq!(new, Selection::everything());
        let deleted = after(|site| site.incidents.retain(|i| i.slug != "three"));
        assert_eq!(deleted, Selection::everything());
    }

    #[test]
    fn a_renamed_incident_renders_the_old_and_the_new_page() {
        // The totals and every row stay; the old page goes, the new comes.
        let selection = after(|site| {
            let mut renamed = (*site.incidents[1]).clone();
            renamed.slug = "four".into();
            site.incidents.retain(|i| i.slug != "three");
            site.incidents.insert(0, Arc::new(renamed));
        });
        assert_eq!(selection, partial(&["four", "three"], &["c"], &[], &[]));
    }

    #[test]
    fn categories_reviews_and_site_yaml_render_everything() {
        let everything = Selection::everything();
        assert_eq!(
            after(|site| site.categories[0].title = "New".into()),
            everything
        );
        assert_eq!(
            after(|site| site.categories[2].body = "New".into()),
            everything
        );
        assert_eq!(
            after(|site| site.reviews[0].body = "Minutes".into()),
            everything
        );
        assert_eq!(after(|site| site.config.title = "New".into()), everything);
        assert_eq!(after(|site| site.config.sections.clear()), everything);
    }

    #[test]
    fn a_template_or_a_static_file_renders_everything() {
        let before = snapshot(site());
        let mut changed = snapshot(site());
        changed.theme = 2;
        assert_eq!(
            pages_to_render(Some(&before), &changed),
            Selection::everything()
        );
    }
}
