//! Pure: the values templates receive, one struct per table of
//! docs/templates.md. Field names are the template variables: keep
//! docs/templates.md in step with them.

use serde::Serialize;
use tera::Value;

use super::data::SiteData;
use super::search::search_text;
use crate::model::{BaseUrl, Date, Effort, Incident, Link, LinkTargetKind, link_url_kind};
use crate::routes::{Route, link_href, tag_filter_link};
use crate::tally::{IncidentFacts, TeamTally};

// ---------------------------------------------------------------------------
// Template contexts. Field names are the template variables: keep
// docs/templates.md in step with them.

#[derive(Serialize)]
pub(super) struct SiteContext<'a> {
    pub(super) title: &'a str,
    pub(super) description_html: String,
    /// The description's first paragraph as plain text, at most about 200
    /// characters (the title when there is no description).
    pub(super) summary: String,
    pub(super) base_url: &'a str,
    pub(super) base_path: &'a str,
    pub(super) absolute: bool,
    pub(super) as_of: Option<Date>,
    pub(super) rank_by: Vec<&'static str>,
    pub(super) totals: TotalsContext,
    pub(super) columns: ColumnsContext,
    pub(super) urls: UrlsContext,
    pub(super) generator: &'static str,
}

#[derive(Serialize)]
pub(super) struct TotalsContext {
    pub(super) categories: u32,
    pub(super) incidents: u32,
    pub(super) occurrences: u32,
    pub(super) unattributed: u32,
    pub(super) teams: u32,
    pub(super) reviews: u32,
}

#[derive(Serialize)]
pub(super) struct UrlsContext {
    pub(super) home: String,
    pub(super) categories: String,
    pub(super) reviews: Option<String>,
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

/// A link of an incident or a category (docs/templates.md, "Link").
#[derive(Serialize)]
pub(super) struct LinkContext<'a> {
    pub(super) title: Option<&'a str>,
    /// As written.
    pub(super) url: &'a str,
    /// Where it goes from any page of the site.
    pub(super) href: String,
    /// Whether it leaves the site's host (an http or https URL).
    pub(super) external: bool,
}

impl<'a> LinkContext<'a> {
    pub(super) fn list(links: &'a [Link], base: &BaseUrl) -> Vec<LinkContext<'a>> {
        links
            .iter()
            .map(|link| LinkContext {
                title: link.title.as_deref(),
                url: &link.url,
                href: link_href(base, &link.url),
                external: link_url_kind(&link.url) == Ok(LinkTargetKind::Web),
            })
            .collect()
    }
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
    pub(super) links: Vec<LinkContext<'a>>,
    pub(super) rank: u32,
    pub(super) incidents: u32,
    pub(super) occurrences: u32,
    /// Occurrences no team carries.
    pub(super) unattributed: u32,
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
    pub(super) links: Vec<LinkContext<'a>>,
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
        index: usize,
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
        let status_keys = spaced(&mut data.site.status_keys(index));
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
                    url: slug.map(tag_filter_link),
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
            links: LinkContext::list(&incident.links, &data.site.config.base_url),
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

/// One review in the `reviews` list every page gets, oldest first.
#[derive(Serialize)]
pub(super) struct ReviewSummary {
    pub(super) date: Date,
    pub(super) url: String,
    /// How many categories its file mentions.
    pub(super) categories: usize,
    /// The votes it gave, all categories together.
    pub(super) votes: u32,
}

/// Which columns of the tally table carry anything: a column that is
/// empty or zero in every row is left out.
#[derive(Serialize)]
pub(super) struct ColumnsContext {
    /// Some review exists.
    pub(super) votes: bool,
    /// Some category has a status.
    pub(super) status: bool,
    /// Some category has anecdotes dated after its latest review.
    pub(super) since_review: bool,
    /// Some category has notes or efforts.
    pub(super) notes: bool,
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
    /// The page's own one-line summary (a category's), if it has one:
    /// templates fall back to `site.summary`.
    pub(super) description: Option<&'a str>,
    /// The host's edit page of the content file the page is made from
    /// (site.yaml `repository`).
    pub(super) edit_url: Option<String>,
    /// Where a reader adds their team's anecdote: on an incident's page,
    /// the host's edit page of the incident's file.
    pub(super) report_url: Option<String>,
}

#[derive(Serialize)]
pub(super) struct GroupContext<'a> {
    pub(super) slug: Option<&'a str>,
    pub(super) title: Option<&'a str>,
    /// The category, when the list is grouped by category.
    pub(super) category: Option<CategoryRef<'a>>,
    pub(super) occurrences: u32,
    pub(super) incidents: Value,
    /// Every incident's list entry, joined (a placeholder that
    /// `SiteData::put_spliced` replaces in the rendered page).
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
    pub(super) cells: Vec<CellContext>,
    pub(super) total: u32,
}

/// One cell of the heatmap: its count and its shade, 0 (empty) to 4.
#[derive(Serialize)]
pub(super) struct CellContext {
    pub(super) count: u32,
    pub(super) level: u32,
}

/// A grid of occurrences per category (rows with any) and dated period.
#[derive(Serialize)]
pub(super) struct PeriodView<'a> {
    pub(super) periods: Vec<PeriodContext>,
    pub(super) rows: Vec<PeriodRowContext<'a>>,
    pub(super) totals: Vec<u32>,
    pub(super) total: u32,
}

#[derive(Serialize)]
pub(super) struct TimelineContext<'a> {
    /// The main grid: by quarter when the dates are dense enough, else by
    /// year.
    pub(super) grid: PeriodView<'a>,
    /// `quarter` or `year`: the grid's period.
    pub(super) period: &'static str,
    /// Per year as well, when the grid is by quarter.
    pub(super) by_year: Option<PeriodView<'a>>,
    /// Occurrences dated only to the year, which a grid by quarter leaves
    /// out (they are in `by_year`).
    pub(super) year_only: u32,
    /// Occurrences with no date: in no grid.
    pub(super) undated: u32,
}
