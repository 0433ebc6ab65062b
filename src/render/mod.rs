//! Pure: the site rendered to `(path, bytes)` for every output file, handed
//! to a [`Sink`] as each page is ready: memory for serve and check, the
//! staging folder of [`crate::output`] for build (so a 100,000-incident site
//! never sits in memory whole).
//!
//! - [`theme`]: the embedded default theme, theme folders and `extends`,
//!   compiled once per build (the render stage's only I/O is reading them).
//! - [`markdown`]: bodies to HTML, `.md` links to page URLs, broken links.
//! - [`chart`]: the inline SVG charts.
//! - [`feed`]: feed.xml and sitemap.xml.
//!
//! What every page shares (the site, the tally table, statuses, sections,
//! teams) is serialised once into tera's global context; each page adds
//! only its own small context. Incident summaries, which the index, the
//! category pages and the team pages all list, are turned into template
//! values once and shared (tera values are reference-counted), and each
//! incident's list entry (`partials/incident_item.html`) is rendered once
//! and offered to every list as `incident.item_html`. Incidents are grouped
//! by category once. Pages render in parallel. The variables each template
//! receives are documented in `docs/templates.md`.
//!
//! serve renders again only what an edit touches ([`Selection`]) and keeps
//! the summaries of untouched incidents ([`RenderCache`]).

pub mod chart;
pub mod feed;
pub mod markdown;
pub mod theme;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::value::Key;
use tera::{Context, Tera, Value};

use crate::diagnostic::Diagnostic;
use crate::export::{
    incident_csv_row, incident_json, render_data_json, render_data_json_from, render_incidents_csv,
    render_incidents_csv_from,
};
use crate::model::{Date, Effort, Incident, RankKind, Site};
use crate::routes::{PageKind, Route};
use crate::tally::{PeriodKind, Tally, TeamTally};

use chart::{Bar, COLOURS, render_bar_chart};
use feed::{anecdote_anchors, render_feed, render_sitemap};
pub use markdown::{MarkdownOptions, MarkdownSource, render_markdown, render_markdown_with};
pub use theme::{Theme, load_default_theme, load_theme};

/// The file that marks an output folder as frictionlog's own (SPEC 9).
pub const OUTPUT_MARKER: &str = ".frictionlog-output";
const OUTPUT_MARKER_TEXT: &[u8] =
    b"This folder is written by frictionlog build; it is replaced whole on every build.\n";

/// Every file of a built site, by path relative to the output folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RenderedSite {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Where rendered files go. Called from several threads at once.
pub trait Sink: Sync {
    /// Takes one output file; `path` is relative to the output folder and
    /// made of plain names (no `..`, no leading `/`).
    fn put(&self, path: &str, bytes: Vec<u8>);
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct MemorySink(Mutex<RenderedSite>);

impl MemorySink {
    pub fn into_site(self) -> RenderedSite {
        self.0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) {
        let mut site = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        site.files.insert(path.to_owned(), bytes);
    }
}

/// Drops every file: `check` renders only to find template errors and
/// broken links.
#[derive(Debug, Default)]
pub struct DiscardSink;

impl Sink for DiscardSink {
    fn put(&self, _path: &str, _bytes: Vec<u8>) {}
}

/// Which files a render produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Every file; when false, only the files named below plus those that
    /// list every incident (index, teams, timeline, feed, sitemap,
    /// data.json, incidents.csv).
    pub everything: bool,
    /// Incident pages, by slug.
    pub incidents: BTreeSet<String>,
    /// Category pages, by slug.
    pub categories: BTreeSet<String>,
    /// Team pages, by team name.
    pub teams: BTreeSet<String>,
}

impl Selection {
    pub fn everything() -> Selection {
        Selection {
            everything: true,
            ..Selection::default()
        }
    }

    /// Adds what `other` selects.
    pub fn extend(&mut self, other: Selection) {
        self.everything |= other.everything;
        self.incidents.extend(other.incidents);
        self.categories.extend(other.categories);
        self.teams.extend(other.teams);
    }
}

/// Template values kept from one render to the next (serve): the summary of
/// every incident, with its list entry, by slug. A one-off build keeps none
/// ([`RenderCache::default`]); serve uses [`RenderCache::kept`].
#[derive(Debug, Default)]
pub struct RenderCache {
    enabled: bool,
    /// What every summary depends on besides its own incident: category
    /// titles and colours, team slugs, statuses, sections, the base URL.
    signature: String,
    summaries: HashMap<String, Value>,
    /// Each incident's anecdote fragment ids, by slug.
    anchors: HashMap<String, Arc<Vec<String>>>,
    /// Each incident's entry of data.json and row of incidents.csv.
    json: HashMap<String, Arc<str>>,
    csv: HashMap<String, Arc<[u8]>>,
}

impl RenderCache {
    /// A cache that keeps what each render made, for the next one.
    pub fn kept() -> RenderCache {
        RenderCache {
            enabled: true,
            ..RenderCache::default()
        }
    }

    /// Whether renders are kept for the next one (serve) or not (a one-off
    /// build).
    pub fn is_kept(&self) -> bool {
        self.enabled
    }
}

/// Brings `cache` (by incident slug) up to date with `values` (one per
/// incident): entries of the selected incidents (which an edit changed,
/// added or removed) are replaced or dropped, missing ones added; after a
/// full render, everything is replaced.
fn refresh<T: Clone>(
    cache: &mut HashMap<String, T>,
    incidents: &[Arc<Incident>],
    values: &[T],
    selection: &Selection,
) {
    if selection.everything {
        cache.clear();
    }
    for slug in &selection.incidents {
        cache.remove(slug);
    }
    for (incident, value) in incidents.iter().zip(values) {
        if !cache.contains_key(&incident.slug) {
            cache.insert(incident.slug.clone(), value.clone());
        }
    }
}

/// `make` for every incident, in parallel, or its value in `cache` when the
/// incident is not among those `selection` says changed.
fn per_incident<T: ?Sized + Send + Sync>(
    incidents: &[Arc<Incident>],
    selection: &Selection,
    cache: &HashMap<String, Arc<T>>,
    make: impl Fn(&Incident) -> Arc<T> + Sync + Send,
) -> Vec<Arc<T>> {
    incidents
        .par_iter()
        .map(|incident| {
            if !selection.everything
                && !selection.incidents.contains(&incident.slug)
                && let Some(value) = cache.get(&incident.slug)
            {
                return Arc::clone(value);
            }
            make(incident)
        })
        .collect()
}

/// What a render did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenderReport {
    /// Files handed to the sink.
    pub files: usize,
    /// Incident summaries taken from the cache rather than made again.
    pub reused: usize,
    /// How long its stages took, for `-v`.
    pub stages: Vec<(&'static str, Duration)>,
}

// ---------------------------------------------------------------------------
// Template contexts. Field names are the template variables: keep
// docs/templates.md in step with them.

#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description_html: String,
    base_url: &'a str,
    base_path: &'a str,
    absolute: bool,
    as_of: Option<Date>,
    rank_by: Vec<&'static str>,
    totals: TotalsContext,
    urls: UrlsContext,
    generator: &'static str,
}

#[derive(Serialize)]
struct TotalsContext {
    categories: u32,
    incidents: u32,
    occurrences: u32,
    teams: u32,
    reviews: u32,
}

#[derive(Serialize)]
struct UrlsContext {
    home: String,
    timeline: String,
    teams: String,
    feed: String,
    sitemap: String,
    data_json: String,
    incidents_csv: String,
    static_base: String,
    latest_review: Option<String>,
}

#[derive(Serialize, Clone)]
struct TeamRef<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
}

#[derive(Serialize, Clone)]
struct CategoryRef<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
    colour: usize,
}

#[derive(Serialize)]
struct ReviewMention {
    date: Date,
    recorded: Option<u32>,
    url: String,
}

#[derive(Serialize)]
struct CategoryRow<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    notes: Option<&'a str>,
    efforts: &'a [Effort],
    rank: u32,
    incidents: u32,
    occurrences: u32,
    votes: u32,
    status: Option<&'a str>,
    status_label: Option<&'a str>,
    since_review: u32,
    review: Option<ReviewMention>,
    teams: Vec<TeamRef<'a>>,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    url: String,
    colour: usize,
}

#[derive(Serialize, Clone)]
struct StatusRef<'a> {
    key: &'a str,
    label: &'a str,
    symbol: &'a str,
}

#[derive(Serialize)]
struct SectionRef<'a> {
    slug: &'a str,
    title: &'a str,
}

/// An incident as lists show it. Its `category`, `section`, `statuses` and
/// `teams` are added as values shared by every incident that names them
/// (see `SiteData::summary_value`).
#[derive(Serialize)]
struct IncidentSummary<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
    resolution: Option<&'a str>,
    occurrences: u32,
    anecdote_count: usize,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    tags: &'a [String],
    draft: bool,
    /// What the index's filter box searches, lower case: title, teams,
    /// category, resolution.
    search_text: String,
    /// ` slug slug `: team slugs between spaces, for the team filter.
    team_slugs: String,
    /// ` key key `: status keys between spaces, for the status filter.
    status_keys: String,
}

#[derive(Serialize)]
struct AnecdoteContext<'a> {
    team: Option<TeamRef<'a>>,
    date: Option<Date>,
    text: Option<&'a str>,
    anchor: &'a str,
    url: String,
}

#[derive(Serialize)]
struct TeamSummary<'a> {
    slug: &'a str,
    name: &'a str,
    url: String,
    incidents: u32,
    occurrences: u32,
    categories: Vec<CategoryRef<'a>>,
}

#[derive(Serialize)]
struct ReviewRef {
    date: Date,
    url: String,
}

#[derive(Serialize)]
struct ReviewEntryContext<'a> {
    category: CategoryRef<'a>,
    votes: Option<u32>,
    status: Option<&'a str>,
    status_label: Option<&'a str>,
    recorded: Option<u32>,
    incidents_now: u32,
    occurrences_now: u32,
}

#[derive(Serialize)]
struct PageContext<'a> {
    kind: &'static str,
    title: &'a str,
    url: String,
    permalink: String,
}

#[derive(Serialize)]
struct GroupContext<'a> {
    slug: Option<&'a str>,
    title: Option<&'a str>,
    occurrences: u32,
    incidents: Value,
    /// Every incident's `item_html`, joined (a placeholder that
    /// `SiteData::splice` replaces in the rendered page).
    items_html: String,
}

#[derive(Serialize)]
struct PeriodContext {
    label: String,
    short_label: String,
    key: String,
    total: u32,
}

#[derive(Serialize)]
struct PeriodRowContext<'a> {
    category: CategoryRef<'a>,
    counts: Vec<u32>,
    total: u32,
}

#[derive(Serialize)]
struct PeriodView<'a> {
    periods: Vec<PeriodContext>,
    rows: Vec<PeriodRowContext<'a>>,
    totals: Vec<u32>,
    total: u32,
    chart_svg: String,
}

#[derive(Serialize)]
struct TimelineContext<'a> {
    years: PeriodView<'a>,
    quarters: Option<PeriodView<'a>>,
    undated: u32,
}

// ---------------------------------------------------------------------------

/// Everything pages look things up in, built once per render.
struct SiteData<'a> {
    site: &'a Site,
    tally: &'a Tally,
    /// Content file path -> page URL, for `.md` links.
    pages: HashMap<String, String>,
    /// Category slug -> index into `tally.categories` (rank order).
    row_of: HashMap<&'a str, usize>,
    /// Team name -> index into `tally.teams`.
    team_of: HashMap<&'a str, usize>,
    /// Per incident: its summary as a template value.
    summaries: Vec<Value>,
    /// Per tally row: indexes of its incidents, slug order.
    by_category: Vec<Vec<usize>>,
    /// Per incident: its anecdotes' fragment ids.
    anchors: Vec<Arc<Vec<String>>>,
    /// Incident indexes, most painful first (see `most_painful_first`).
    painful: Vec<usize>,
    /// The tally table's rows (rank order) as template values.
    rows: Vec<Value>,
    /// Every team's summary (slug order) as template values.
    teams: Vec<Value>,
    /// What incident summaries refer to, made once.
    shared: SharedRefs<'a>,
    /// Per tally row: the category as pages refer to it.
    category_refs: Vec<Option<CategoryRef<'a>>>,
}

/// Category, section, status and team references as template values, by
/// slug, key or team name: one value each, shared by every summary.
#[derive(Default)]
struct SharedRefs<'a> {
    categories: HashMap<&'a str, Value>,
    sections: HashMap<&'a str, Value>,
    statuses: HashMap<&'a str, Value>,
    teams: HashMap<&'a str, Value>,
}

enum Job {
    Index,
    Category(usize),
    Incident(usize),
    Teams,
    Team(usize),
    Timeline,
    Review(usize),
    NotFound,
}

type JobResult = (Option<(String, String)>, Vec<Diagnostic>);

/// The incident lists one page prints through `items_html` placeholders.
struct Splices {
    /// Makes placeholders no content can contain by chance.
    nonce: u64,
    /// (placeholder, incident indexes), in the order they were made.
    lists: Vec<(String, Vec<usize>)>,
}

impl Default for Splices {
    fn default() -> Self {
        Splices {
            nonce: marker_nonce(),
            lists: Vec::new(),
        }
    }
}

/// A number no content can predict, for the markers put into rendered
/// HTML and replaced afterwards (list placeholders, `base.html`'s cuts).
fn marker_nonce() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

/// The partial that renders one entry of an incident list.
const ITEM_TEMPLATE: &str = "partials/incident_item.html";

/// The widest span of years the timeline fills with empty years.
const MAX_YEAR_GAP: i32 = 50;

/// Every page of the site, the long ones first: a team's page lists
/// everything the team reported, so when they came last one core rendered
/// them alone while the other had nothing left to take.
fn jobs(site: &Site, tally: &Tally) -> Vec<Job> {
    let mut jobs = vec![Job::Index];
    jobs.extend((0..tally.teams.len()).map(Job::Team));
    jobs.extend((0..tally.categories.len()).map(Job::Category));
    jobs.extend([Job::Teams, Job::Timeline, Job::NotFound]);
    jobs.extend((0..site.reviews.len()).map(Job::Review));
    jobs.extend((0..site.incidents.len()).map(Job::Incident));
    jobs
}

/// At most this many pages go to one core in one piece, so that a core
/// that runs out of work can always take some from the other.
const JOBS_PER_PIECE: usize = 32;

/// The route of the page `job` renders.
fn job_route<'s>(site: &'s Site, tally: &'s Tally, job: &Job) -> Option<Route<'s>> {
    Some(match job {
        Job::Index => Route::Index,
        Job::Category(row) => Route::Category(&tally.categories.get(*row)?.slug),
        Job::Incident(index) => Route::Incident(&site.incidents.get(*index)?.slug),
        Job::Teams => Route::Teams,
        Job::Team(index) => Route::Team(&tally.teams.get(*index)?.slug),
        Job::Timeline => Route::Timeline,
        Job::Review(index) => Route::Review(site.reviews.get(*index)?.date),
        Job::NotFound => Route::NotFound,
    })
}

/// The output path of every page of the site, in no particular order.
pub fn page_paths(site: &Site, tally: &Tally) -> Vec<String> {
    jobs(site, tally)
        .iter()
        .filter_map(|job| job_route(site, tally, job))
        .map(|route| route.output_path())
        .collect()
}

/// Content file path -> page URL, for `.md` links.
fn content_pages(site: &Site) -> HashMap<String, String> {
    let mut pages =
        HashMap::with_capacity(site.categories.len() + site.incidents.len() + site.reviews.len());
    for category in &site.categories {
        pages.insert(
            category.path.clone(),
            Route::Category(&category.slug).link(&site.config.base_url),
        );
    }
    for incident in &site.incidents {
        pages.insert(
            incident.path.clone(),
            Route::Incident(&incident.slug).link(&site.config.base_url),
        );
    }
    for review in &site.reviews {
        pages.insert(
            review.path.clone(),
            Route::Review(review.date).link(&site.config.base_url),
        );
    }
    pages
}

/// The earliest and the latest of an incident's anecdote dates.
fn seen_dates(incident: &Incident) -> (Option<Date>, Option<Date>) {
    let dates = incident.anecdotes.iter().filter_map(|a| a.date);
    (dates.clone().min(), dates.max())
}

/// Incident indexes in list order: most occurrences first, then title,
/// then slug (byte order), so every list reads from the worst pain down.
fn most_painful_first(incidents: &[Arc<Incident>]) -> Vec<usize> {
    // Keys side by side rather than read through each incident at every
    // comparison; slugs are unique, so the order is total.
    let mut keyed: Vec<(std::cmp::Reverse<u32>, &str, &str, usize)> = incidents
        .par_iter()
        .enumerate()
        .map(|(index, incident)| {
            (
                std::cmp::Reverse(incident.occurrence_count()),
                incident.title.as_str(),
                incident.slug.as_str(),
                index,
            )
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, _, _, index)| index).collect()
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl<'a> SiteData<'a> {
    fn new(site: &'a Site, tally: &'a Tally) -> SiteData<'a> {
        let (pages, painful) = rayon::join(
            || content_pages(site),
            || most_painful_first(&site.incidents),
        );
        let row_of: HashMap<&str, usize> = tally
            .categories
            .iter()
            .enumerate()
            .map(|(i, row)| (row.slug.as_str(), i))
            .collect();
        let team_of: HashMap<&str, usize> = tally
            .teams
            .iter()
            .enumerate()
            .map(|(i, team)| (team.name.as_str(), i))
            .collect();
        let mut by_category = vec![Vec::new(); tally.categories.len()];
        for &index in &painful {
            let Some(incident) = site.incidents.get(index) else {
                continue;
            };
            if let Some(list) = row_of
                .get(incident.category.value.as_str())
                .and_then(|&row| by_category.get_mut(row))
            {
                list.push(index);
            }
        }
        let mut data = SiteData {
            site,
            tally,
            pages,
            row_of,
            team_of,
            summaries: Vec::new(),
            by_category,
            anchors: Vec::new(),
            painful,
            rows: Vec::new(),
            teams: Vec::new(),
            shared: SharedRefs::default(),
            category_refs: Vec::new(),
        };
        let config = &site.config;
        data.shared = SharedRefs {
            categories: tally
                .categories
                .iter()
                .filter_map(|row| {
                    let category = data.category_ref(&row.slug)?;
                    Some((row.slug.as_str(), Value::from_serializable(&category)))
                })
                .collect(),
            sections: config
                .sections
                .iter()
                .map(|section| {
                    let value = Value::from_serializable(&SectionRef {
                        slug: &section.slug,
                        title: &section.title,
                    });
                    (section.slug.as_str(), value)
                })
                .collect(),
            statuses: config
                .incident_statuses
                .iter()
                .map(|s| {
                    let value = Value::from_serializable(&StatusRef {
                        key: &s.key,
                        label: &s.label,
                        symbol: &s.symbol,
                    });
                    (s.key.as_str(), value)
                })
                .collect(),
            teams: tally
                .teams
                .iter()
                .filter_map(|team| {
                    let team_ref = data.team_ref(&team.name)?;
                    Some((team.name.as_str(), Value::from_serializable(&team_ref)))
                })
                .collect(),
        };
        data.category_refs = tally
            .categories
            .iter()
            .map(|row| data.category_ref(&row.slug))
            .collect();
        data.rows = data
            .category_rows()
            .iter()
            .map(Value::from_serializable)
            .collect();
        data.teams = data
            .team_summaries()
            .iter()
            .map(Value::from_serializable)
            .collect();
        data
    }

    /// What every incident summary depends on besides the incident: when
    /// it is unchanged, a cached summary is still right.
    fn summary_signature(&self) -> String {
        let mut signature = String::new();
        for slug in self.tally.categories.iter().map(|row| row.slug.as_str()) {
            if let Some(category) = self.category_ref(slug) {
                signature.push_str(&format!(
                    "c {slug} {} {}\n",
                    category.title, category.colour
                ));
            }
        }
        for team in &self.tally.teams {
            signature.push_str(&format!("t {} {}\n", team.name, team.slug));
        }
        let config = &self.site.config;
        for status in &config.incident_statuses {
            signature.push_str(&format!(
                "s {} {} {}\n",
                status.key, status.label, status.symbol
            ));
        }
        for section in &config.sections {
            signature.push_str(&format!("g {} {}\n", section.slug, section.title));
        }
        signature.push_str(&config.base_url.full);
        signature
    }

    /// Fills `summaries`: each incident's summary as a template value, with
    /// its list entry rendered once as `item_html`. Summaries of incidents
    /// outside `selection` are taken from `cache` when nothing they depend
    /// on changed; `cache` is then refreshed.
    fn make_summaries(
        &mut self,
        tera: &Tera,
        theme: &Theme,
        selection: &Selection,
        cache: &mut RenderCache,
    ) -> (usize, Vec<Diagnostic>) {
        // Fragment ids depend on nothing but the incident.
        let anchors = per_incident(
            &self.site.incidents,
            selection,
            &cache.anchors,
            |incident| Arc::new(anecdote_anchors(incident)),
        );
        if cache.enabled {
            refresh(
                &mut cache.anchors,
                &self.site.incidents,
                &anchors,
                selection,
            );
        }
        self.anchors = anchors;

        let signature = self.summary_signature();
        let reusable = !selection.everything && cache.signature == signature;
        let has_item = theme.has_template(ITEM_TEMPLATE);
        let this = &*self;
        let made: Vec<(Value, bool, Option<Diagnostic>)> = self
            .site
            .incidents
            .par_iter()
            .map(|incident| {
                if reusable
                    && !selection.incidents.contains(&incident.slug)
                    && let Some(value) = cache.summaries.get(&incident.slug)
                {
                    return (value.clone(), true, None);
                }
                let value = this.summary_value(incident);
                if !has_item {
                    return (value, false, None);
                }
                let rendered = {
                    let mut context = Context::new();
                    context.insert_value("incident", value.clone());
                    // The context's copy is gone when this block ends, so
                    // that `into_map` below takes the map rather than copy it.
                    tera.render(ITEM_TEMPLATE, &context)
                };
                match rendered {
                    Ok(html) => {
                        let mut map = value.into_map().unwrap_or_default();
                        map.insert(Key::Str("item_html"), Value::safe_string(&html));
                        (Value::from(map), false, None)
                    }
                    Err(error) => (
                        value,
                        false,
                        Some(theme.render_diagnostic(&error, ITEM_TEMPLATE)),
                    ),
                }
            })
            .collect();
        let mut reused = 0;
        let mut diagnostics = Vec::new();
        let mut summaries = Vec::with_capacity(made.len());
        for (value, from_cache, diagnostic) in made {
            reused += usize::from(from_cache);
            diagnostics.extend(diagnostic);
            summaries.push(value);
        }
        if cache.enabled {
            if cache.signature != signature {
                cache.summaries.clear();
            }
            cache.signature = signature;
            refresh(
                &mut cache.summaries,
                &self.site.incidents,
                &summaries,
                selection,
            );
        }
        self.summaries = summaries;
        (reused, diagnostics)
    }

    fn base_path(&self) -> &'a str {
        &self.site.config.base_url.path
    }

    /// The link to `route` from any page.
    fn link(&self, route: Route<'_>) -> String {
        route.link(&self.site.config.base_url)
    }

    fn team_ref(&self, name: &'a str) -> Option<TeamRef<'a>> {
        let team = self.tally.teams.get(*self.team_of.get(name)?)?;
        Some(TeamRef {
            name: &team.name,
            slug: &team.slug,
            url: self.link(Route::Team(&team.slug)),
        })
    }

    /// [`SiteData::category_ref`] made once per build.
    fn category_of(&self, slug: &str) -> Option<&CategoryRef<'a>> {
        self.category_refs.get(*self.row_of.get(slug)?)?.as_ref()
    }

    fn category_ref(&self, slug: &str) -> Option<CategoryRef<'a>> {
        let row = *self.row_of.get(slug)?;
        let tallied = self.tally.categories.get(row)?;
        let category = self.site.categories.get(tallied.index)?;
        Some(CategoryRef {
            slug: &category.slug,
            title: &category.title,
            url: self.link(Route::Category(&category.slug)),
            colour: row % COLOURS,
        })
    }

    fn category_rows(&self) -> Vec<CategoryRow<'a>> {
        let config = &self.site.config;
        self.tally
            .categories
            .iter()
            .enumerate()
            .filter_map(|(position, row)| {
                let category = self.site.categories.get(row.index)?;
                let status_label = row.status.as_deref().and_then(|key| {
                    config
                        .category_statuses
                        .iter()
                        .find(|s| s.key == key)
                        .map(|s| s.label.as_str())
                });
                Some(CategoryRow {
                    slug: &category.slug,
                    title: &category.title,
                    summary: category.summary.as_deref(),
                    notes: category.notes.as_deref(),
                    efforts: &category.efforts,
                    rank: row.rank,
                    incidents: row.incidents,
                    occurrences: row.occurrences,
                    votes: row.votes,
                    status: row.status.as_deref(),
                    status_label,
                    since_review: row.since_review,
                    review: row.review.as_ref().map(|r| ReviewMention {
                        date: r.date,
                        recorded: r.recorded,
                        url: self.link(Route::Review(r.date)),
                    }),
                    teams: row
                        .teams
                        .iter()
                        .filter_map(|name| self.team_ref(name))
                        .collect(),
                    first_seen: row.first_seen,
                    last_seen: row.last_seen,
                    url: self.link(Route::Category(&category.slug)),
                    colour: position % COLOURS,
                })
            })
            .collect()
    }

    fn incident_summary(&self, incident: &'a Incident) -> IncidentSummary<'a> {
        let (first_seen, last_seen) = seen_dates(incident);
        let mut teams: Vec<&str> = incident
            .anecdotes
            .iter()
            .map(|a| a.team.value.as_str())
            .collect();
        teams.sort_unstable();
        teams.dedup();
        let known_teams: Vec<&TeamTally> = teams
            .into_iter()
            .filter_map(|t| self.tally.teams.get(*self.team_of.get(t)?))
            .collect();
        let mut search_text = incident.title.to_lowercase();
        for team in &known_teams {
            search_text.push(' ');
            search_text.push_str(&team.name.to_lowercase());
        }
        if let Some(category) = self.category_of(&incident.category.value) {
            search_text.push(' ');
            search_text.push_str(&category.title.to_lowercase());
        }
        if let Some(resolution) = &incident.resolution {
            search_text.push(' ');
            search_text.push_str(&resolution.to_lowercase());
        }
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
        IncidentSummary {
            slug: &incident.slug,
            title: &incident.title,
            url: self.link(Route::Incident(&incident.slug)),
            resolution: incident.resolution.as_deref(),
            occurrences: incident.occurrence_count(),
            anecdote_count: incident.anecdotes.len(),
            first_seen,
            last_seen,
            tags: &incident.tags,
            draft: incident.draft,
            search_text,
            team_slugs,
            status_keys,
        }
    }

    /// The summary of `incident` as a template value, its category,
    /// section, statuses and teams shared with every other incident's.
    fn summary_value(&self, incident: &'a Incident) -> Value {
        let summary = Value::from_serializable(&self.incident_summary(incident));
        let mut map = summary.into_map().unwrap_or_default();
        let shared = &self.shared;
        let category = shared.categories.get(incident.category.value.as_str());
        map.insert(
            Key::Str("category"),
            category.cloned().unwrap_or_else(Value::none),
        );
        let section = incident
            .section
            .as_ref()
            .and_then(|s| shared.sections.get(s.value.as_str()));
        map.insert(
            Key::Str("section"),
            section.cloned().unwrap_or_else(Value::none),
        );
        let statuses: Vec<Value> = incident
            .status
            .iter()
            .filter_map(|s| shared.statuses.get(s.value.as_str()).cloned())
            .collect();
        map.insert(Key::Str("statuses"), Value::from(statuses));
        let teams: Vec<Value> = crate::export::incident_teams(incident)
            .into_iter()
            .filter_map(|name| shared.teams.get(name).cloned())
            .collect();
        map.insert(Key::Str("teams"), Value::from(teams));
        Value::from(map)
    }

    fn team_summaries(&self) -> Vec<TeamSummary<'a>> {
        self.tally
            .teams
            .iter()
            .map(|team| TeamSummary {
                slug: &team.slug,
                name: &team.name,
                url: self.link(Route::Team(&team.slug)),
                incidents: team.incidents,
                occurrences: team.occurrences,
                categories: team
                    .categories
                    .iter()
                    .filter_map(|slug| self.category_ref(slug))
                    .collect(),
            })
            .collect()
    }

    fn site_context(&self, description_html: String) -> SiteContext<'a> {
        let config = &self.site.config;
        let base = self.base_path();
        let totals = &self.tally.totals;
        SiteContext {
            title: &config.title,
            description_html,
            base_url: &config.base_url.full,
            base_path: base,
            absolute: config.base_url.is_absolute(),
            as_of: self.tally.as_of,
            rank_by: config.rank_by.iter().map(|&kind| rank_name(kind)).collect(),
            totals: TotalsContext {
                categories: totals.categories,
                incidents: totals.incidents,
                occurrences: totals.occurrences,
                teams: totals.teams,
                reviews: u32::try_from(self.site.reviews.len()).unwrap_or(u32::MAX),
            },
            urls: UrlsContext {
                home: self.link(Route::Index),
                timeline: self.link(Route::Timeline),
                teams: self.link(Route::Teams),
                feed: self.link(Route::Feed),
                sitemap: self.link(Route::Sitemap),
                data_json: self.link(Route::DataJson),
                incidents_csv: self.link(Route::IncidentsCsv),
                static_base: self.link(Route::Static("")),
                latest_review: self
                    .site
                    .reviews
                    .last()
                    .map(|r| self.link(Route::Review(r.date))),
            },
            generator: concat!("frictionlog ", env!("CARGO_PKG_VERSION")),
        }
    }

    fn markdown(
        &self,
        text: &str,
        path: &str,
        first_line: Option<u32>,
        top_heading: u8,
    ) -> (String, Vec<Diagnostic>) {
        render_markdown_with(
            text,
            Some(MarkdownSource { path, first_line }),
            &MarkdownOptions {
                raw_html: self.site.config.raw_html,
                pages: Some(&self.pages),
                top_heading,
            },
        )
    }

    fn jobs(&self) -> Vec<Job> {
        jobs(self.site, self.tally)
    }

    /// Whether `selection` asks for the page `job` renders.
    fn selects(&self, selection: &Selection, job: &Job) -> bool {
        if selection.everything {
            return true;
        }
        match job {
            Job::Index | Job::Teams | Job::Timeline => true,
            Job::NotFound | Job::Review(_) => false,
            Job::Category(row) => self
                .tally
                .categories
                .get(*row)
                .is_some_and(|r| selection.categories.contains(&r.slug)),
            Job::Incident(index) => self
                .site
                .incidents
                .get(*index)
                .is_some_and(|i| selection.incidents.contains(&i.slug)),
            Job::Team(index) => self
                .tally
                .teams
                .get(*index)
                .is_some_and(|t| selection.teams.contains(&t.name)),
        }
    }

    /// `page`: the page of `route`, under `title`.
    fn page_context<'t>(
        &self,
        kind: PageKind,
        title: &'t str,
        route: Route<'_>,
    ) -> PageContext<'t> {
        let base = &self.site.config.base_url;
        PageContext {
            kind: kind.name(),
            title,
            url: route.link(base),
            permalink: route.permalink(base),
        }
    }

    /// Renders one page: its output path and HTML, and any diagnostics.
    fn render_job(&self, tera: &Tera, theme: &Theme, job: &Job) -> JobResult {
        let mut context = Context::new();
        let mut diagnostics = Vec::new();
        let mut splices = Splices::default();
        let Some(route) = job_route(self.site, self.tally, job) else {
            return (None, diagnostics);
        };
        let Some(kind) = route.page_kind() else {
            return (None, diagnostics);
        };
        let title: String = match job {
            Job::Index => {
                self.index_context(&mut context, &mut splices);
                self.site.config.title.clone()
            }
            Job::Category(row) => {
                let Some(category) = self
                    .tally
                    .categories
                    .get(*row)
                    .and_then(|r| self.site.categories.get(r.index))
                else {
                    return (None, diagnostics);
                };
                let (body_html, mut found) =
                    self.markdown(&category.body, &category.path, Some(category.body_line), 3);
                diagnostics.append(&mut found);
                context.insert("body_html", &body_html);
                self.category_context(&mut context, *row, &mut splices);
                category.title.clone()
            }
            Job::Incident(index) => {
                let Some(incident) = self.site.incidents.get(*index) else {
                    return (None, diagnostics);
                };
                let (body_html, mut found) =
                    self.markdown(&incident.body, &incident.path, Some(incident.body_line), 3);
                diagnostics.append(&mut found);
                context.insert("body_html", &body_html);
                self.incident_context(&mut context, *index, incident);
                incident.title.clone()
            }
            Job::Teams => "Teams".into(),
            Job::Team(index) => {
                let Some(team) = self.tally.teams.get(*index) else {
                    return (None, diagnostics);
                };
                self.team_context(&mut context, *index);
                team.name.clone()
            }
            Job::Timeline => {
                context.insert("timeline", &self.timeline_context());
                "Timeline".into()
            }
            Job::Review(index) => {
                let Some(review) = self.site.reviews.get(*index) else {
                    return (None, diagnostics);
                };
                let (body_html, mut found) =
                    self.markdown(&review.body, &review.path, Some(review.body_line), 3);
                diagnostics.append(&mut found);
                context.insert("body_html", &body_html);
                self.review_context(&mut context, *index);
                format!("Review of {}", review.date)
            }
            Job::NotFound => "Page not found".into(),
        };
        context.insert("page", &self.page_context(kind, &title, route));
        let template = kind.template();
        match tera.render(template, &context) {
            Ok(html) => (
                Some((route.output_path(), self.splice(html, &splices))),
                diagnostics,
            ),
            Err(error) => {
                diagnostics.push(theme.render_diagnostic(&error, template));
                (None, diagnostics)
            }
        }
    }

    fn summaries_of(&self, indexes: &[usize]) -> Value {
        Value::from(
            indexes
                .iter()
                .filter_map(|&i| self.summaries.get(i).cloned())
                .collect::<Vec<Value>>(),
        )
    }

    fn index_context(&self, context: &mut Context, splices: &mut Splices) {
        let config = &self.site.config;
        let mut by_section: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut unsectioned = Vec::new();
        for &index in &self.painful {
            let Some(incident) = self.site.incidents.get(index) else {
                continue;
            };
            match &incident.section {
                Some(section) => by_section
                    .entry(section.value.as_str())
                    .or_default()
                    .push(index),
                None => unsectioned.push(index),
            }
        }
        let occurrences = |indexes: &[usize]| -> u32 {
            indexes
                .iter()
                .filter_map(|&i| self.site.incidents.get(i))
                .map(|incident| incident.occurrence_count())
                .sum()
        };
        let mut groups: Vec<GroupContext<'_>> = Vec::new();
        for section in &config.sections {
            if let Some(indexes) = by_section.get(section.slug.as_str()) {
                groups.push(GroupContext {
                    slug: Some(&section.slug),
                    title: Some(&section.title),
                    occurrences: occurrences(indexes),
                    incidents: self.summaries_of(indexes),
                    items_html: self.items_html(indexes, splices),
                });
            }
        }
        if !unsectioned.is_empty() {
            groups.push(GroupContext {
                slug: None,
                title: None,
                occurrences: occurrences(&unsectioned),
                incidents: self.summaries_of(&unsectioned),
                items_html: self.items_html(&unsectioned, splices),
            });
        }
        context.insert("groups", &groups);
        let urls: Vec<String> = self
            .tally
            .categories
            .iter()
            .map(|row| self.link(Route::Category(&row.slug)))
            .collect();
        let bars: Vec<Bar<'_>> = self
            .tally
            .categories
            .iter()
            .zip(&urls)
            .enumerate()
            .filter_map(|(position, (row, url))| {
                let category = self.site.categories.get(row.index)?;
                Some(Bar {
                    label: &category.title,
                    url: Some(url),
                    segments: vec![(position, row.occurrences, &category.title)],
                    description: format!(
                        "{}: {}",
                        category.title,
                        plural(row.occurrences, "occurrence", "occurrences")
                    ),
                })
            })
            .collect();
        context.insert_value(
            "chart_svg",
            Value::safe_string(&render_bar_chart(
                "occurrences-chart",
                "Occurrences per category",
                &bars,
            )),
        );
    }

    /// A placeholder for the list entries of these incidents, joined: the
    /// page is rendered around it and [`SiteData::splice`] writes the
    /// entries in, straight from the summaries (a list of 100,000 entries
    /// is then neither a template loop nor copied through tera).
    fn items_html(&self, indexes: &[usize], splices: &mut Splices) -> String {
        let marker = format!(
            "\u{1}frictionlog-items-{}-{}\u{1}",
            splices.nonce,
            splices.lists.len()
        );
        splices.lists.push((marker.clone(), indexes.to_vec()));
        marker
    }

    fn item_html(&self, index: usize) -> &str {
        self.summaries
            .get(index)
            .and_then(Value::as_map)
            .and_then(|summary| summary.get(&Key::Str("item_html")))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// `html` with each placeholder of `splices` replaced by its entries,
    /// wherever (and however often) the template printed it.
    fn splice(&self, html: String, splices: &Splices) -> String {
        let mut found: Vec<(usize, usize, &[usize])> = Vec::new();
        for (marker, indexes) in &splices.lists {
            for (at, _) in html.match_indices(marker.as_str()) {
                found.push((at, marker.len(), indexes));
            }
        }
        if found.is_empty() {
            return html;
        }
        found.sort_unstable_by_key(|&(at, _, _)| at);
        let extra: usize = found
            .iter()
            .flat_map(|&(_, _, indexes)| indexes)
            .map(|&i| self.item_html(i).len())
            .sum();
        let mut out = String::with_capacity(html.len() + extra);
        let mut done = 0;
        for (at, len, indexes) in found {
            out.push_str(html.get(done..at).unwrap_or(""));
            for &index in indexes {
                out.push_str(self.item_html(index));
            }
            done = at + len;
        }
        out.push_str(html.get(done..).unwrap_or(""));
        out
    }

    fn category_context(&self, context: &mut Context, row: usize, splices: &mut Splices) {
        let indexes = self.by_category.get(row).map_or(&[][..], Vec::as_slice);
        context.insert_value("incidents", self.summaries_of(indexes));
        context.insert_value(
            "items_html",
            Value::safe_string(&self.items_html(indexes, splices)),
        );
        if let Some(value) = self.rows.get(row) {
            context.insert_value("category", value.clone());
        }
    }

    fn incident_context(&self, context: &mut Context, index: usize, incident: &'a Incident) {
        if let Some(summary) = self.summaries.get(index) {
            context.insert_value("incident", summary.clone());
        }
        let anchors = self.anchors.get(index);
        let page = Route::Incident(&incident.slug);
        let base = &self.site.config.base_url;
        let anecdotes: Vec<AnecdoteContext<'_>> = incident
            .anecdotes
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let anchor = anchors
                    .and_then(|list| list.get(i))
                    .map_or("", String::as_str);
                AnecdoteContext {
                    team: self.team_ref(&a.team.value),
                    date: a.date,
                    text: a.text.as_deref(),
                    anchor,
                    url: page.link_to_fragment(base, anchor),
                }
            })
            .collect();
        context.insert("anecdotes", &anecdotes);
        if let Some(row) = self.row_of.get(incident.category.value.as_str())
            && let Some(value) = self.rows.get(*row)
        {
            context.insert_value("category", value.clone());
        }
    }

    fn team_context(&self, context: &mut Context, index: usize) {
        let Some(team) = self.tally.teams.get(index) else {
            return;
        };
        if let Some(summary) = self.teams.get(index) {
            context.insert_value("team", summary.clone());
        }
        #[derive(Serialize)]
        struct Reported<'b> {
            incident: Value,
            anecdotes: Vec<AnecdoteContext<'b>>,
        }
        let reported: Vec<Reported<'_>> = team
            .incident_indexes
            .iter()
            .filter_map(|&i| {
                let incident = self.site.incidents.get(i)?;
                let anchors = self.anchors.get(i);
                let page = Route::Incident(&incident.slug);
                let base = &self.site.config.base_url;
                Some(Reported {
                    incident: self.summaries.get(i)?.clone(),
                    anecdotes: incident
                        .anecdotes
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| a.team.value == team.name)
                        .map(|(a, anecdote)| {
                            let anchor = anchors
                                .and_then(|list| list.get(a))
                                .map_or("", String::as_str);
                            AnecdoteContext {
                                team: None,
                                date: anecdote.date,
                                text: anecdote.text.as_deref(),
                                anchor,
                                url: page.link_to_fragment(base, anchor),
                            }
                        })
                        .collect(),
                })
            })
            .collect();
        context.insert("reported", &reported);
    }

    fn review_context(&self, context: &mut Context, index: usize) {
        let Some(review) = self.site.reviews.get(index) else {
            return;
        };
        let config = &self.site.config;
        let entries: Vec<ReviewEntryContext<'_>> = review
            .categories
            .iter()
            .filter_map(|(slug, entry)| {
                let row = self
                    .tally
                    .categories
                    .get(*self.row_of.get(slug.value.as_str())?)?;
                let status = entry.status.as_ref().map(|s| s.value.as_str());
                Some(ReviewEntryContext {
                    category: self.category_ref(&slug.value)?,
                    votes: entry.votes,
                    status,
                    status_label: status.and_then(|key| {
                        config
                            .category_statuses
                            .iter()
                            .find(|s| s.key == key)
                            .map(|s| s.label.as_str())
                    }),
                    recorded: entry.recorded,
                    incidents_now: row.incidents,
                    occurrences_now: row.occurrences,
                })
            })
            .collect();
        let review_ref = |i: usize| {
            self.site.reviews.get(i).map(|r| ReviewRef {
                date: r.date,
                url: self.link(Route::Review(r.date)),
            })
        };
        context.insert("review", &review_ref(index));
        context.insert("entries", &entries);
        context.insert("previous", &index.checked_sub(1).and_then(review_ref));
        context.insert("next", &review_ref(index + 1));
    }

    fn timeline_context(&self) -> TimelineContext<'a> {
        let timeline = &self.tally.timeline;
        let mut years: Vec<PeriodKind> = Vec::new();
        let dated_years: Vec<i16> = timeline
            .years
            .keys()
            .filter_map(|p| match p {
                PeriodKind::Year(y) => Some(*y),
                _ => None,
            })
            .collect();
        match (dated_years.first(), dated_years.last()) {
            // Empty years show as gaps, unless a stray date far away would
            // stretch the chart over centuries.
            (Some(&first), Some(&last)) if i32::from(last) - i32::from(first) <= MAX_YEAR_GAP => {
                years.extend((first..=last).map(PeriodKind::Year));
            }
            _ => years.extend(dated_years.iter().copied().map(PeriodKind::Year)),
        }
        if timeline.years.contains_key(&PeriodKind::Undated) {
            years.push(PeriodKind::Undated);
        }
        let undated = timeline
            .years
            .get(&PeriodKind::Undated)
            .map_or(0, |counts| counts.values().sum());

        let quarter_keys: Vec<(i16, u8)> = timeline
            .quarters
            .keys()
            .filter_map(|p| match p {
                PeriodKind::Quarter(y, q) => Some((*y, *q)),
                _ => None,
            })
            .collect();
        let quarterly: u32 = timeline
            .quarters
            .iter()
            .filter(|(p, _)| matches!(p, PeriodKind::Quarter(..)))
            .map(|(_, counts)| counts.values().sum::<u32>())
            .sum();
        let quarters = match (quarter_keys.first(), quarter_keys.last()) {
            (Some(&first), Some(&last)) => {
                let span = (i32::from(last.0) - i32::from(first.0)) * 4 + i32::from(last.1)
                    - i32::from(first.1)
                    + 1;
                // Dense: at least two quarters, and on average at least one
                // occurrence per quarter of the span.
                let dense = span >= 2 && i64::from(quarterly) >= i64::from(span);
                dense.then(|| {
                    let mut periods = Vec::new();
                    let first_year = first.0.min(dated_years.first().copied().unwrap_or(first.0));
                    let last_year = last.0.max(dated_years.last().copied().unwrap_or(last.0));
                    for year in first_year..=last_year {
                        for quarter in 1..=4u8 {
                            if (year, quarter) >= first && (year, quarter) <= last {
                                periods.push(PeriodKind::Quarter(year, quarter));
                            }
                        }
                        if timeline
                            .quarters
                            .contains_key(&PeriodKind::QuarterUnknown(year))
                        {
                            periods.push(PeriodKind::QuarterUnknown(year));
                        }
                    }
                    if timeline.quarters.contains_key(&PeriodKind::Undated) {
                        periods.push(PeriodKind::Undated);
                    }
                    periods
                })
            }
            _ => None,
        };
        TimelineContext {
            years: self.period_view(
                "years-chart",
                "Occurrences per year",
                &years,
                &timeline.years,
            ),
            quarters: quarters.map(|periods| {
                self.period_view(
                    "quarters-chart",
                    "Occurrences per quarter",
                    &periods,
                    &timeline.quarters,
                )
            }),
            undated,
        }
    }

    fn period_view(
        &self,
        id: &str,
        title: &str,
        periods: &[PeriodKind],
        counts: &BTreeMap<PeriodKind, BTreeMap<String, u32>>,
    ) -> PeriodView<'a> {
        let count = |period: &PeriodKind, slug: &str| -> u32 {
            counts
                .get(period)
                .and_then(|c| c.get(slug))
                .copied()
                .unwrap_or(0)
        };
        let rows: Vec<PeriodRowContext<'a>> = self
            .tally
            .categories
            .iter()
            .filter_map(|row| {
                let counts: Vec<u32> = periods.iter().map(|p| count(p, &row.slug)).collect();
                let total: u32 = counts.iter().sum();
                (total > 0).then_some(())?;
                Some(PeriodRowContext {
                    category: self.category_ref(&row.slug)?,
                    counts,
                    total,
                })
            })
            .collect();
        let totals: Vec<u32> = (0..periods.len())
            .map(|i| rows.iter().filter_map(|r| r.counts.get(i)).sum())
            .collect();
        let labels: Vec<String> = periods.iter().map(PeriodKind::label).collect();
        let bars: Vec<Bar<'_>> = periods
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let label = labels.get(i).map_or("", String::as_str);
                let total = totals.get(i).copied().unwrap_or(0);
                Bar {
                    label,
                    url: None,
                    segments: rows
                        .iter()
                        .map(|r| {
                            (
                                r.category.colour,
                                r.counts.get(i).copied().unwrap_or(0),
                                r.category.title,
                            )
                        })
                        .collect(),
                    description: format!("{label}: {}", plural(total, "occurrence", "occurrences")),
                }
            })
            .collect();
        let chart_svg = render_bar_chart(id, title, &bars);
        PeriodView {
            periods: periods
                .iter()
                .zip(&totals)
                .map(|(p, &total)| PeriodContext {
                    label: p.label(),
                    short_label: short_label(p),
                    key: period_key(p),
                    total,
                })
                .collect(),
            total: totals.iter().sum(),
            rows,
            totals,
            chart_svg,
        }
    }
}

fn rank_name(kind: RankKind) -> &'static str {
    match kind {
        RankKind::Occurrences => "occurrences",
        RankKind::Votes => "votes",
        RankKind::Incidents => "incidents",
        RankKind::SinceReview => "since_review",
    }
}

/// A period's label where space is short: `2018-Q?` for quarter unknown.
fn short_label(period: &PeriodKind) -> String {
    match period {
        PeriodKind::QuarterUnknown(y) => format!("{y:04}-Q?"),
        other => other.label(),
    }
}

/// A period as an id-safe key: `2018`, `2018-q3`, `2018-qx`, `undated`.
fn period_key(period: &PeriodKind) -> String {
    match period {
        PeriodKind::Year(y) => format!("{y:04}"),
        PeriodKind::Quarter(y, q) => format!("{y:04}-q{q}"),
        PeriodKind::QuarterUnknown(y) => format!("{y:04}-qx"),
        PeriodKind::Undated => "undated".to_owned(),
    }
}

/// Renders every output file of the site into `sink`: the pages through
/// the theme, feed.xml, sitemap.xml, data.json, incidents.csv and the
/// theme's static files. Errors (template errors, broken links) are all
/// reported; files already handed to the sink are then to be discarded.
pub fn render_site(
    site: &Site,
    tally: &Tally,
    theme: &Theme,
    sink: &dyn Sink,
) -> Result<RenderReport, Vec<Diagnostic>> {
    render_selection(
        site,
        tally,
        theme,
        &Selection::everything(),
        &mut RenderCache::default(),
        sink,
    )
}

/// Renders the files `selection` names into `sink`, reusing and refreshing
/// the incident summaries in `cache` (see [`render_site`]).
pub fn render_selection(
    site: &Site,
    tally: &Tally,
    theme: &Theme,
    selection: &Selection,
    cache: &mut RenderCache,
    sink: &dyn Sink,
) -> Result<RenderReport, Vec<Diagnostic>> {
    let mut timer = Instant::now();
    let mut stages = Vec::new();
    let mut stage = |name: &'static str| {
        let now = Instant::now();
        stages.push((name, now - timer));
        timer = now;
    };
    let mut data = SiteData::new(site, tally);
    let mut diagnostics = Vec::new();
    let (description_html, mut found) = match &site.config.description {
        Some(description) => data.markdown(description, "content/site.yaml", None, 2),
        None => (String::new(), Vec::new()),
    };
    diagnostics.append(&mut found);

    let mut tera = theme.tera.clone();
    let globals = tera.global_context();
    globals.insert("site", &data.site_context(description_html));
    globals.insert_value("categories", Value::from(data.rows.clone()));
    globals.insert_value("teams", Value::from(data.teams.clone()));
    globals.insert("incident_statuses", &site.config.incident_statuses);
    globals.insert("category_statuses", &site.config.category_statuses);
    globals.insert("sections", &site.config.sections);
    let reviews: Vec<ReviewRef> = site
        .reviews
        .iter()
        .map(|r| ReviewRef {
            date: r.date,
            url: Route::Review(r.date).link(&site.config.base_url),
        })
        .collect();
    globals.insert("reviews", &reviews);

    stage("render/data");
    let (reused, mut found) = data.make_summaries(&tera, theme, selection, cache);
    diagnostics.append(&mut found);
    stage("render/items");
    let mut report = RenderReport {
        files: 0,
        reused,
        stages: Vec::new(),
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(finish_diagnostics(diagnostics));
    }

    // serve keeps each incident's data.json entry and CSV row; a one-off
    // build writes them straight into the files.
    let (json, csv_rows): (Vec<Arc<str>>, Vec<Arc<[u8]>>) = if cache.enabled {
        let json = per_incident(&site.incidents, selection, &cache.json, |i| {
            Arc::from(incident_json(site, i))
        });
        let csv_rows = per_incident(&site.incidents, selection, &cache.csv, |i| {
            Arc::from(incident_csv_row(i))
        });
        refresh(&mut cache.json, &site.incidents, &json, selection);
        refresh(&mut cache.csv, &site.incidents, &csv_rows, selection);
        (json, csv_rows)
    } else {
        (Vec::new(), Vec::new())
    };
    let keep = cache.enabled;
    let data_json = || {
        if keep {
            render_data_json_from(site, tally, json.iter())
        } else {
            render_data_json(site, tally)
        }
    };
    let incidents_csv = || {
        if keep {
            render_incidents_csv_from(csv_rows.iter())
        } else {
            render_incidents_csv(site)
        }
    };

    let jobs = data.jobs();
    // The exports need no template: made alongside the pages.
    let (results, (feed, (data_json, csv))) = rayon::join(
        || -> Vec<(bool, Vec<Diagnostic>)> {
            jobs.par_iter()
                .with_max_len(JOBS_PER_PIECE)
                .filter(|job| data.selects(selection, job))
                .map(|job| {
                    let (page, found) = data.render_job(&tera, theme, job);
                    let written = page.map(|(path, html)| sink.put(&path, html.into_bytes()));
                    (written.is_some(), found)
                })
                .collect()
        },
        || {
            rayon::join(
                || render_feed(site, &data.anchors),
                || rayon::join(data_json, incidents_csv),
            )
        },
    );
    for (written, mut found) in results {
        report.files += usize::from(written);
        diagnostics.append(&mut found);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(finish_diagnostics(diagnostics));
    }

    let mut pages: Vec<Route<'_>> = jobs
        .iter()
        .filter_map(|job| job_route(site, tally, job))
        .filter(|route| !matches!(route, Route::NotFound))
        .collect();
    pages.sort_by_key(Route::output_path);
    let mut put = |path: &str, bytes: Vec<u8>| {
        sink.put(path, bytes);
        report.files += 1;
    };
    put(&Route::Sitemap.output_path(), render_sitemap(&pages, site));
    put(&Route::Feed.output_path(), feed);
    put(&Route::DataJson.output_path(), data_json);
    put(&Route::IncidentsCsv.output_path(), csv);
    if selection.everything {
        put(OUTPUT_MARKER, OUTPUT_MARKER_TEXT.to_vec());
        for (name, bytes) in &theme.statics {
            put(&Route::Static(name).output_path(), bytes.clone());
        }
    }
    stage("render/pages");
    report.stages = stages;
    if !keep {
        // Nothing reads the summaries again: free them on the other core
        // while the caller publishes, not on this one (22 ms of a
        // 10,000-incident build, on one core).
        let summaries = std::mem::take(&mut data.summaries);
        let anchors = std::mem::take(&mut data.anchors);
        rayon::spawn(move || drop((summaries, anchors)));
    }
    Ok(report)
}

fn finish_diagnostics(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostic::sort_diagnostics(&mut diagnostics);
    diagnostics.dedup();
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;
    use crate::model::{Anecdote, Category, Located, SiteConfig};
    use crate::tally::tally_site;

    fn located(value: &str) -> Located<String> {
        Located {
            value: value.into(),
            pos: Pos::START,
        }
    }

    fn site(dates: &[&str]) -> Site {
        Site {
            config: SiteConfig::with_title("T".into()),
            categories: vec![Category {
                slug: "m".into(),
                path: "content/categories/m.md".into(),
                title: "M".into(),
                summary: None,
                notes: None,
                efforts: vec![],
                body: String::new(),
                body_line: 1,
            }],
            incidents: vec![Arc::new(Incident {
                slug: "i".into(),
                path: "content/incidents/i.md".into(),
                title: "I".into(),
                category: located("m"),
                section: None,
                status: vec![],
                resolution: None,
                anecdotes: dates
                    .iter()
                    .map(|d| Anecdote {
                        team: located("Web"),
                        date: Date::parse(d),
                        text: None,
                    })
                    .collect(),
                occurrences: None,
                tags: vec![],
                draft: false,
                body: String::new(),
                body_line: 1,
            })],
            reviews: vec![],
        }
    }

    fn labels(view: &PeriodView<'_>) -> Vec<String> {
        view.periods.iter().map(|p| p.label.clone()).collect()
    }

    #[test]
    fn years_fill_gaps_and_quarters_appear_only_when_dense() {
        let sparse = site(&["2016-02", "2018-11"]);
        let tally = tally_site(&sparse);
        let timeline = SiteData::new(&sparse, &tally).timeline_context();
        assert_eq!(labels(&timeline.years), vec!["2016", "2017", "2018"]);
        assert!(
            timeline.quarters.is_none(),
            "2 occurrences over 12 quarters"
        );

        let dense = site(&["2018-01", "2018-02", "2018-05", "2018", "2018-07", "x"]);
        let tally = tally_site(&dense);
        let timeline = SiteData::new(&dense, &tally).timeline_context();
        let quarters = timeline.quarters.unwrap();
        assert_eq!(
            labels(&quarters),
            vec![
                "2018-Q1",
                "2018-Q2",
                "2018-Q3",
                "2018 (quarter unknown)",
                "undated"
            ]
        );
        assert_eq!(quarters.totals, vec![2, 1, 1, 1, 1]);
        assert_eq!(quarters.rows[0].counts, vec![2, 1, 1, 1, 1]);
        assert_eq!(timeline.undated, 1);
    }

    #[test]
    fn a_stray_date_does_not_stretch_the_years_over_centuries() {
        let stray = site(&["1901", "2018-01"]);
        let tally = tally_site(&stray);
        let timeline = SiteData::new(&stray, &tally).timeline_context();
        assert_eq!(labels(&timeline.years), vec!["1901", "2018"]);
    }

    #[test]
    fn the_default_theme_renders_every_page() {
        let site = site(&["2018-01"]);
        let tally = tally_site(&site);
        let theme = load_default_theme().unwrap();
        let sink = MemorySink::default();
        render_site(&site, &tally, &theme, &sink).unwrap();
        let rendered = sink.into_site();
        for path in [
            "index.html",
            "404.html",
            "categories/m/index.html",
            "incidents/i/index.html",
            "teams/index.html",
            "teams/web/index.html",
            "timeline/index.html",
            "feed.xml",
            "sitemap.xml",
            "data.json",
            "incidents.csv",
            "static/style.css",
            OUTPUT_MARKER,
        ] {
            assert!(rendered.files.contains_key(path), "{path}");
        }
    }
}
