//! Pure: the values templates receive, one struct per table of
//! docs/templates.md. Field names are the template variables: keep
//! docs/templates.md in step with them.

use serde::Serialize;
use tera::Value;

use super::data::SiteData;
use super::search::search_text;
use crate::model::{Date, Effort, Incident};
use crate::routes::{Route, tag_filter_link};
use crate::tally::{IncidentFacts, TeamTally};

// ---------------------------------------------------------------------------
// Template contexts. Field names are the template variables: keep
// docs/templates.md in step with them.

#[derive(Serialize)]
pub(super) struct SiteContext<'a> {
    pub(super) title: &'a str,
    pub(super) description_html: String,
    pub(super) base_url: &'a str,
    pub(super) base_path: &'a str,
    pub(super) absolute: bool,
    pub(super) as_of: Option<Date>,
    pub(super) rank_by: Vec<&'static str>,
    pub(super) totals: TotalsContext,
    pub(super) urls: UrlsContext,
    pub(super) generator: &'static str,
}

#[derive(Serialize)]
pub(super) struct TotalsContext {
    pub(super) categories: u32,
    pub(super) incidents: u32,
    pub(super) occurrences: u32,
    pub(super) teams: u32,
    pub(super) reviews: u32,
}

#[derive(Serialize)]
pub(super) struct UrlsContext {
    pub(super) home: String,
    pub(super) timeline: String,
    pub(super) teams: String,
    pub(super) feed: String,
    pub(super) sitemap: String,
    pub(super) data_json: String,
    pub(super) incidents_csv: String,
    pub(super) search_index: String,
    pub(super) static_base: String,
    pub(super) latest_review: Option<String>,
}

#[derive(Serialize, Clone)]
pub(super) struct TeamRef<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: String,
}

#[derive(Serialize, Clone)]
pub(super) struct CategoryRef<'a> {
    pub(super) slug: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) colour: usize,
}

#[derive(Serialize)]
pub(super) struct ReviewMention {
    pub(super) date: Date,
    pub(super) recorded: Option<u32>,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct CategoryRow<'a> {
    pub(super) slug: &'a str,
    pub(super) title: &'a str,
    pub(super) summary: Option<&'a str>,
    pub(super) notes: Option<&'a str>,
    pub(super) efforts: &'a [Effort],
    pub(super) rank: u32,
    pub(super) incidents: u32,
    pub(super) occurrences: u32,
    pub(super) votes: u32,
    pub(super) status: Option<&'a str>,
    pub(super) status_label: Option<&'a str>,
    pub(super) since_review: u32,
    pub(super) review: Option<ReviewMention>,
    pub(super) teams: Vec<TeamRef<'a>>,
    pub(super) first_seen: Option<Date>,
    pub(super) last_seen: Option<Date>,
    pub(super) url: String,
    pub(super) colour: usize,
    /// One entry per review, oldest first.
    pub(super) history: Vec<HistoryEntryContext<'a>>,
    pub(super) moved: Option<MovedContext<'a>>,
}

/// A category as one review found it. On the category's own page each
/// entry also has `incidents`, the incidents it counts in `reported`.
#[derive(Serialize)]
pub(super) struct HistoryEntryContext<'a> {
    pub(super) review: ReviewRef,
    pub(super) mentioned: bool,
    pub(super) votes: Option<u32>,
    pub(super) status: Option<&'a str>,
    pub(super) status_label: Option<&'a str>,
    pub(super) recorded: Option<u32>,
    pub(super) rank: u32,
    /// Incidents first reported since the review before.
    pub(super) reported: usize,
}

/// How a category moved since the previous review.
#[derive(Serialize)]
pub(super) struct MovedContext<'a> {
    pub(super) since: ReviewRef,
    pub(super) rank_before: u32,
    /// Places climbed (negative: lost).
    pub(super) rank_change: i64,
    pub(super) status_before: Option<&'a str>,
    pub(super) status_before_label: Option<&'a str>,
    pub(super) status_changed: bool,
}

/// The incidents of one category first reported since the review before
/// the one a review page shows.
#[derive(Serialize)]
pub(super) struct ReportedContext<'a> {
    pub(super) category: CategoryRef<'a>,
    pub(super) incidents: Value,
}

#[derive(Serialize, Clone)]
pub(super) struct StatusRef<'a> {
    pub(super) key: &'a str,
    pub(super) label: &'a str,
    pub(super) symbol: &'a str,
}

#[derive(Serialize)]
pub(super) struct SectionRef<'a> {
    pub(super) slug: &'a str,
    pub(super) title: &'a str,
}

/// An incident as lists show it. Its `category`, `section`, `statuses` and
/// `teams` are added as values shared by every incident that names them
/// (see `SiteData::summary_value`).
#[derive(Serialize)]
pub(super) struct IncidentSummary<'a> {
    pub(super) slug: &'a str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) resolution: Option<&'a str>,
    pub(super) occurrences: u32,
    pub(super) anecdote_count: usize,
    pub(super) first_seen: Option<Date>,
    pub(super) last_seen: Option<Date>,
    pub(super) tags: &'a [String],
    /// Its tags with their filtered view of the index.
    pub(super) tag_refs: Vec<TagRef<'a>>,
    pub(super) draft: bool,
    /// What the index's filter box searches, lower case: title, teams,
    /// category, resolution.
    pub(super) search_text: String,
    /// ` slug slug `: team slugs between spaces, for the team filter.
    pub(super) team_slugs: String,
    /// ` key key `: status keys between spaces, for the status filter.
    pub(super) status_keys: String,
    /// ` slug slug `: tag slugs between spaces, for the tag filter.
    pub(super) tag_slugs: String,
}

/// A tag as an incident writes it, with the index's incidents filtered by
/// it; `slug` and `url` are null for a tag with no letter or digit.
#[derive(Serialize)]
pub(super) struct TagRef<'a> {
    pub(super) name: &'a str,
    pub(super) slug: Option<&'a str>,
    pub(super) url: Option<String>,
}

/// A tag of the site, as the filter offers it.
#[derive(Serialize)]
pub(super) struct TagSummary<'a> {
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) incidents: u32,
    pub(super) url: String,
}

impl<'a> IncidentSummary<'a> {
    /// The summary of `incident`: what its list entry and the lists that
    /// show it read. A new field shown in lists goes here and in the
    /// struct above.
    pub(super) fn new(
        data: &SiteData<'a>,
        incident: &'a Incident,
        facts: &IncidentFacts,
    ) -> IncidentSummary<'a> {
        let known_teams: Vec<&TeamTally> = facts
            .teams
            .iter()
            .filter_map(|&team| data.tally.teams.get(team))
            .collect();
        let search_text = search_text(data.site, data.tally, incident, facts);
        let spaced = |words: &mut dyn Iterator<Item = &str>| {
            let mut text = String::from(" ");
            for word in words {
                text.push_str(word);
                text.push(' ');
            }
            text
        };
        let team_slugs = spaced(&mut known_teams.iter().map(|t| t.slug.as_str()));
        let status_keys = spaced(&mut incident.status.iter().map(|s| s.value.as_str()));
        let base = &data.site.config.base_url;
        let tag_refs: Vec<TagRef<'a>> = incident
            .tags
            .iter()
            .zip(&facts.tags)
            .map(|(name, tag)| {
                let slug = tag
                    .and_then(|t| data.tally.tags.get(t))
                    .map(|t| t.slug.as_str());
                TagRef {
                    name,
                    slug,
                    url: slug.map(|slug| tag_filter_link(base, slug)),
                }
            })
            .collect();
        let tag_slugs = spaced(&mut tag_refs.iter().filter_map(|t| t.slug));
        IncidentSummary {
            slug: &incident.slug,
            title: &incident.title,
            url: data.link(Route::Incident(&incident.slug)),
            resolution: incident.resolution.as_deref(),
            occurrences: facts.occurrences,
            anecdote_count: incident.anecdotes.len(),
            first_seen: facts.first_seen,
            last_seen: facts.last_seen,
            tags: &incident.tags,
            tag_refs,
            draft: incident.draft,
            search_text,
            team_slugs,
            status_keys,
            tag_slugs,
        }
    }
}

#[derive(Serialize)]
pub(super) struct AnecdoteContext<'a> {
    pub(super) team: Option<TeamRef<'a>>,
    pub(super) date: Option<Date>,
    pub(super) text: Option<&'a str>,
    pub(super) anchor: &'a str,
    pub(super) url: String,
}

/// One entry of a team page's `reported`: an incident and what the team
/// wrote about it.
#[derive(Serialize)]
pub(super) struct Reported<'a> {
    pub(super) incident: Value,
    pub(super) anecdotes: Vec<AnecdoteContext<'a>>,
}

#[derive(Serialize)]
pub(super) struct TeamSummary<'a> {
    pub(super) slug: &'a str,
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) incidents: u32,
    pub(super) occurrences: u32,
    pub(super) categories: Vec<CategoryRef<'a>>,
}

#[derive(Serialize)]
pub(super) struct ReviewRef {
    pub(super) date: Date,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct ReviewEntryContext<'a> {
    pub(super) category: CategoryRef<'a>,
    pub(super) votes: Option<u32>,
    pub(super) status: Option<&'a str>,
    pub(super) status_label: Option<&'a str>,
    pub(super) recorded: Option<u32>,
    pub(super) incidents_now: u32,
    pub(super) occurrences_now: u32,
}

#[derive(Serialize)]
pub(super) struct PageContext<'a> {
    pub(super) kind: &'static str,
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) permalink: String,
}

#[derive(Serialize)]
pub(super) struct GroupContext<'a> {
    pub(super) slug: Option<&'a str>,
    pub(super) title: Option<&'a str>,
    pub(super) occurrences: u32,
    pub(super) incidents: Value,
    /// Every incident's `item_html`, joined (a placeholder that
    /// `SiteData::splice` replaces in the rendered page).
    pub(super) items_html: String,
}

#[derive(Serialize)]
pub(super) struct PeriodContext {
    pub(super) label: String,
    pub(super) short_label: String,
    pub(super) key: String,
    pub(super) total: u32,
}

#[derive(Serialize)]
pub(super) struct PeriodRowContext<'a> {
    pub(super) category: CategoryRef<'a>,
    pub(super) counts: Vec<u32>,
    pub(super) total: u32,
}

#[derive(Serialize)]
pub(super) struct PeriodView<'a> {
    pub(super) periods: Vec<PeriodContext>,
    pub(super) rows: Vec<PeriodRowContext<'a>>,
    pub(super) totals: Vec<u32>,
    pub(super) total: u32,
    pub(super) chart_svg: String,
}

#[derive(Serialize)]
pub(super) struct TimelineContext<'a> {
    pub(super) years: PeriodView<'a>,
    pub(super) quarters: Option<PeriodView<'a>>,
    pub(super) undated: u32,
}
