//! Pure: `feed.xml` (Atom, one entry per anecdote) and `sitemap.xml`.
//!
//! Written directly rather than through templates: their shape is fixed by
//! their formats, not by a theme. Links are absolute URLs when base_url is
//! absolute, paths under base_url's path otherwise.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;
use std::sync::Arc;

use crate::model::{Date, Site};
use crate::routes::{Route, link_permalink};
use crate::tally::Tally;

use super::chart::escape;

/// The fragment id of each anecdote of the incident of index `index` on
/// its page, stable when anecdotes are added or reordered:
/// `anecdote-<team slug>-<date>`, with `-2`, `-3` for repeats.
pub fn anecdote_anchors(site: &Site, index: usize) -> Vec<String> {
    let Some(incident) = site.incidents.get(index) else {
        return Vec::new();
    };
    let mut taken: HashSet<String> = HashSet::with_capacity(incident.anecdotes.len());
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut anchors: Vec<String> = Vec::with_capacity(incident.anecdotes.len());
    for (a, anecdote) in incident.anecdotes.iter().enumerate() {
        let team = site
            .anecdote_team(index, a)
            .map_or("unattributed", |team| team.slug.as_str());
        let base = match anecdote.date {
            Some(date) => format!("anecdote-{team}-{date}"),
            None => format!("anecdote-{team}"),
        };
        let mut anchor = base.clone();
        if taken.contains(&anchor) {
            // Repeats count up from where the last one stopped, so ten
            // thousand anecdotes of one team stay linear.
            let n = next_suffix.entry(base.clone()).or_insert(2);
            loop {
                anchor = format!("{base}-{n}");
                *n += 1;
                if !taken.contains(&anchor) {
                    break;
                }
            }
        }
        taken.insert(anchor.clone());
        anchors.push(anchor);
    }
    anchors
}

/// The first possible instant of a date, as RFC 3339.
fn timestamp(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.year, date.month, date.day
    )
}

/// The naming authority and date of the tag: URIs frictionlog makes for a
/// feed without an id of its own (docs/configuration.md, "site.yaml
/// `feed`"): `tag:frictionlog,2017:<slug of the title>`.
const TAG_PREFIX: &str = "tag:frictionlog,2017:";

/// The Atom ids of a feed, which readers keep forever and expect unique
/// across every feed they follow.
struct AtomIds {
    /// The feed's id.
    feed: String,
    /// What the entries' ids start with (ending in `/`), or `None` when
    /// they are their permalinks.
    entry_stem: Option<String>,
}

impl AtomIds {
    /// site.yaml's `feed.id`; else the home page's absolute URL; else a
    /// tag: URI made from the site's title. Entries' ids are their
    /// permalinks in the second case and `<feed id>/incidents/<slug>/#<anchor>`
    /// otherwise, so no two sites' entries share one unless their feed ids
    /// do.
    fn new(site: &Site) -> AtomIds {
        let config = &site.config;
        let feed = match &config.feed.id {
            Some(id) => id.clone(),
            None if config.base_url.is_absolute() => {
                return AtomIds {
                    feed: Route::Index.permalink(&config.base_url),
                    entry_stem: None,
                };
            }
            None => title_tag(&config.title),
        };
        let mut stem = feed.clone();
        if !stem.ends_with('/') {
            stem.push('/');
        }
        AtomIds {
            feed,
            entry_stem: Some(stem),
        }
    }

    /// The id of the entry of the anecdote `anchor` of `incident`, whose
    /// permalink is `permalink`.
    fn entry(&self, incident: &str, anchor: &str, permalink: &str) -> String {
        match &self.entry_stem {
            Some(stem) => Route::Incident(incident).id_under(stem, anchor),
            None => permalink.to_owned(),
        }
    }
}

/// `tag:frictionlog,2017:<slug of title>`; a title with no letter or digit
/// to make a slug of is percent-encoded whole.
fn title_tag(title: &str) -> String {
    let slug = crate::model::slugify(title);
    let name = if slug.is_empty() {
        percent_encoding::utf8_percent_encode(title, percent_encoding::NON_ALPHANUMERIC).to_string()
    } else {
        slug
    };
    format!("{TAG_PREFIX}{name}")
}

/// `feed.xml`: the newest `feed_limit` dated anecdotes, newest first; ties
/// by incident slug, then the order written. Undated anecdotes have no
/// place in a feed and are left out.
pub fn render_feed(site: &Site, tally: &Tally, anchors: &[Arc<Vec<String>>]) -> Vec<u8> {
    let mut entries: Vec<(Date, usize, usize)> = site
        .incidents
        .iter()
        .enumerate()
        .flat_map(|(i, incident)| {
            incident
                .anecdotes
                .iter()
                .enumerate()
                .filter_map(move |(a, anecdote)| anecdote.date.map(|d| (d, i, a)))
        })
        .collect();
    entries.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    entries.truncate(usize::try_from(site.config.feed_limit).unwrap_or(usize::MAX));

    let base = &site.config.base_url;
    let title = escape(&site.config.title);
    let updated = entries
        .first()
        .map(|e| e.0)
        .or_else(|| site.reviews.iter().map(|r| r.date).max())
        .map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), timestamp);
    let mut xml = String::with_capacity(1024 + entries.len() * 600);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{title}</title>");
    let subtitle = &site.config.feed.subtitle;
    if !subtitle.is_empty() {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(subtitle));
    }
    let ids = AtomIds::new(site);
    let home = Route::Index.permalink(base);
    let _ = writeln!(xml, "  <id>{}</id>", escape(&ids.feed));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&Route::Feed.permalink(base))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&home)
    );
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(xml, "  <author><name>{title}</name></author>");
    let _ = writeln!(xml, "  <generator>frictionlog</generator>");
    for (date, i, a) in entries {
        let Some(incident) = site.incidents.get(i) else {
            continue;
        };
        let Some(anecdote) = incident.anecdotes.get(a) else {
            continue;
        };
        let anchor = anchors
            .get(i)
            .and_then(|list| list.get(a))
            .map_or("", String::as_str);
        let page = Route::Incident(&incident.slug).permalink_to_fragment(base, anchor);
        let team = site.anecdote_team(i, a).map(|team| escape(&team.name));
        xml.push_str("  <entry>\n");
        let title = escape(&incident.title);
        match &team {
            Some(team) => writeln!(xml, "    <title>{team}: {title}</title>"),
            None => writeln!(xml, "    <title>{title} (no team recorded)</title>"),
        }
        .ok();
        let _ = writeln!(
            xml,
            "    <id>{}</id>",
            escape(&ids.entry(&incident.slug, anchor, &page))
        );
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&page)
        );
        for link in &incident.links {
            let title = link
                .title
                .as_deref()
                .map(|t| format!(" title=\"{}\"", escape(t)))
                .unwrap_or_default();
            let _ = writeln!(
                xml,
                "    <link rel=\"related\" href=\"{}\"{title}/>",
                escape(&link_permalink(base, &link.url))
            );
        }
        let _ = writeln!(xml, "    <updated>{}</updated>", timestamp(date));
        // Without a team the feed's own author stands for the entry.
        if let Some(team) = &team {
            let _ = writeln!(xml, "    <author><name>{team}</name></author>");
        }
        let category = tally
            .incidents
            .get(i)
            .and_then(|facts| facts.row)
            .and_then(|row| tally.categories.get(row))
            .and_then(|row| site.categories.get(row.index));
        if let Some(category) = category {
            let _ = writeln!(
                xml,
                "    <category term=\"{}\" label=\"{}\"/>",
                escape(&category.slug),
                escape(&category.title)
            );
        }
        let summary = anecdote.text.as_deref().unwrap_or(&incident.title);
        let _ = writeln!(
            xml,
            "    <summary type=\"text\">{} ({date})</summary>",
            escape(summary)
        );
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml.into_bytes()
}

/// `sitemap.xml`: every page but 404.html, given as paths under base_url
/// (absolute URLs when base_url is absolute).
pub fn render_sitemap(pages: &[Route<'_>], site: &Site) -> Vec<u8> {
    let base = &site.config.base_url;
    let mut xml = String::with_capacity(128 + pages.len() * 80);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in pages {
        let _ = writeln!(
            xml,
            "  <url><loc>{}</loc></url>",
            escape(&page.permalink(base))
        );
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures;
    use crate::validate::resolve_site;

    #[test]
    fn anchors_are_stable_and_unique() {
        let incident = fixtures::incident(
            "a",
            "m",
            &[
                ("Web Team", Some("2018-01")),
                ("Web Team", Some("2018-01")),
                ("Köln", None),
                ("", Some("2018")),
            ],
        );
        let mut incident = incident;
        if let Some(last) = incident.anecdotes.last_mut() {
            last.team = None;
        }
        let site = resolve_site(
            crate::model::SiteConfig::with_title("T".into()),
            vec![fixtures::category("m", "M")],
            vec![std::sync::Arc::new(incident)],
            vec![],
        );
        assert_eq!(
            anecdote_anchors(&site, 0),
            vec![
                "anecdote-web-team-2018-01",
                "anecdote-web-team-2018-01-2",
                "anecdote-koln",
                "anecdote-unattributed-2018"
            ]
        );
    }

    fn site_with(config: impl FnOnce(&mut crate::model::SiteConfig)) -> Site {
        let mut site_config =
            crate::model::SiteConfig::with_title("Architecture Challenges".into());
        config(&mut site_config);
        resolve_site(site_config, vec![], vec![], vec![])
    }

    #[test]
    fn a_feed_without_an_absolute_base_url_is_named_by_a_tag_uri() {
        let ids = AtomIds::new(&site_with(|_| {}));
        assert_eq!(ids.feed, "tag:frictionlog,2017:architecture-challenges");
        assert_eq!(
            ids.entry(
                "settings",
                "anecdote-web-2018",
                "/incidents/settings/#anecdote-web-2018"
            ),
            "tag:frictionlog,2017:architecture-challenges/incidents/settings/#anecdote-web-2018"
        );
        let other = AtomIds::new(&site_with(|c| c.title = "Payments pains".into()));
        assert_eq!(other.feed, "tag:frictionlog,2017:payments-pains");
        assert_eq!(title_tag("!!!"), "tag:frictionlog,2017:%21%21%21");
    }

    #[test]
    fn an_absolute_base_url_names_the_feed_and_its_entries_by_their_urls() {
        let ids = AtomIds::new(&site_with(|c| {
            c.base_url = crate::model::BaseUrl::parse("https://docs.example.com/arch/").unwrap();
        }));
        assert_eq!(ids.feed, "https://docs.example.com/arch/");
        assert_eq!(
            ids.entry("x", "a", "https://docs.example.com/arch/incidents/x/#a"),
            "https://docs.example.com/arch/incidents/x/#a"
        );
    }

    #[test]
    fn a_feed_id_of_its_own_names_the_entries_too() {
        // A site that moved keeps the ids it had at its old address.
        let ids = AtomIds::new(&site_with(|c| {
            c.base_url = crate::model::BaseUrl::parse("https://new.example.com/").unwrap();
            c.feed.id = Some("https://old.example.com/arch/".into());
        }));
        assert_eq!(ids.feed, "https://old.example.com/arch/");
        assert_eq!(
            ids.entry("x", "a", "https://new.example.com/incidents/x/#a"),
            "https://old.example.com/arch/incidents/x/#a"
        );
        let ids = AtomIds::new(&site_with(|c| {
            c.feed.id = Some("tag:example.com,2024:arch".into());
        }));
        assert_eq!(ids.feed, "tag:example.com,2024:arch");
        assert_eq!(
            ids.entry("x", "a", "/incidents/x/#a"),
            "tag:example.com,2024:arch/incidents/x/#a"
        );
    }

    #[test]
    fn timestamps_use_the_first_possible_day() {
        assert_eq!(
            timestamp(Date::parse("2017").unwrap()),
            "2017-01-01T00:00:00Z"
        );
        assert_eq!(
            timestamp(Date::parse("2017-11-05").unwrap()),
            "2017-11-05T00:00:00Z"
        );
    }
}
