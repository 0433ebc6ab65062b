//! Pure: the numbers of docs/format.md ("The numbers"), the heart of the page.
//!
//! Everything here is a function of the validated [`Site`]: per-category
//! counts and ranks, each category's history across the reviews and what
//! moved since the previous one, per-team counts, the tags, occurrences
//! per period, the site's as-of date, and each incident's derived facts
//! ([`IncidentFacts`]: its category's row, its teams, tags, occurrences,
//! first and last seen). Validation resolved the names
//! ([`Site::refs`]); the tally reads those indexes and never a name, and
//! rows, teams and facts refer to one another by index, so every consumer
//! (pages, data.json, the CSV, the feed, serve) reads them rather than
//! working a number out again. Drafts never reach this stage unless
//! `--drafts` asked for them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::{
    Date, Incident, IncidentRefs, PrecisionKind, RankKind, ReviewEntry, Site, slugify,
};

/// The latest review that mentions a category, as far as the tally needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRef {
    pub date: Date,
    pub recorded: Option<u32>,
}

/// One row of the tally table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategoryTally {
    /// Index into `Site::categories`.
    pub index: usize,
    pub slug: String,
    pub incidents: u32,
    pub occurrences: u32,
    /// Occurrences no team carries: anecdotes without a team, plus
    /// explicit `occurrences` beyond an incident's anecdotes.
    pub unattributed: u32,
    /// Distinct anecdote teams, by name in byte order: indexes into
    /// [`Tally::teams`].
    pub teams: Vec<usize>,
    pub first_seen: Option<Date>,
    pub last_seen: Option<Date>,
    pub votes: u32,
    /// Its status from the latest review: an index into site.yaml's
    /// `category_statuses`.
    pub status: Option<usize>,
    pub review: Option<ReviewRef>,
    pub since_review: u32,
    pub rank: u32,
    /// One entry per review, oldest first (empty without reviews).
    pub history: Vec<HistoryEntry>,
    /// What moved since the previous review: none with fewer than two.
    pub moved: Option<Moved>,
}

/// A category as one review found it (docs/format.md, "History").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The review: an index into `Site::reviews`.
    pub review: usize,
    /// Whether the review lists the category.
    pub mentioned: bool,
    /// What the review wrote for the category: none where it leaves a
    /// field out, or does not list the category.
    pub votes: Option<u32>,
    /// An index into site.yaml's `category_statuses`.
    pub status: Option<usize>,
    pub recorded: Option<u32>,
    /// Its rank as of that review: what it was ranked counting only what
    /// was reported by then.
    pub rank: u32,
    /// The incidents first reported (by their earliest anecdote date)
    /// after the previous review and up to this one: indexes into
    /// `Site::incidents`, in the site's order.
    pub incidents: Vec<usize>,
}

/// How a category moved since the previous review: the one before the
/// latest (docs/format.md, "What moved").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The previous review: an index into `Site::reviews`.
    pub review: usize,
    /// Its rank as of that review.
    pub rank_before: u32,
    /// Its status as of that review: an index into site.yaml's
    /// `category_statuses`.
    pub status_before: Option<usize>,
}

impl Moved {
    /// Places climbed since the previous review (negative: places lost).
    pub fn rank_change(&self, rank_now: u32) -> i64 {
        i64::from(self.rank_before) - i64::from(rank_now)
    }
}

/// What one team reported: one per [`Site::teams`], in the same order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamTally {
    pub slug: String,
    pub name: String,
    pub incidents: u32,
    pub occurrences: u32,
    /// The categories it reported in, by slug in byte order: indexes into
    /// [`Tally::categories`].
    pub categories: Vec<usize>,
    /// Indexes into `Site::incidents` of the incidents it reported in.
    pub incident_indexes: Vec<usize>,
}

/// A bucket of the timeline.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    Year(i16),
    Quarter(i16, u8),
    /// A year-precision date in the quarter view.
    QuarterUnknown(i16),
    Undated,
}

impl PeriodKind {
    /// `2018`, `2018-Q3`, `2018 (quarter unknown)`, `undated`.
    pub fn label(&self) -> String {
        match self {
            PeriodKind::Year(year) => format!("{year:04}"),
            PeriodKind::Quarter(year, quarter) => format!("{year:04}-Q{quarter}"),
            PeriodKind::QuarterUnknown(year) => format!("{year:04} (quarter unknown)"),
            PeriodKind::Undated => "undated".to_owned(),
        }
    }
}

/// Occurrences per period and category.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Timeline {
    /// Period -> category slug -> occurrences.
    pub years: BTreeMap<PeriodKind, BTreeMap<String, u32>>,
    pub quarters: BTreeMap<PeriodKind, BTreeMap<String, u32>>,
}

/// The widest span of years the timeline fills with empty years.
const MAX_YEAR_GAP: i32 = 50;

impl Timeline {
    /// The years to show, oldest first, then `Undated` if any: the years
    /// between the first and the last dated year, empty ones included,
    /// unless a stray date far away would stretch them over centuries.
    pub fn year_periods(&self) -> Vec<PeriodKind> {
        let dated: Vec<i16> = self.dated_years();
        let mut years = Vec::new();
        match (dated.first(), dated.last()) {
            (Some(&first), Some(&last)) if i32::from(last) - i32::from(first) <= MAX_YEAR_GAP => {
                years.extend((first..=last).map(PeriodKind::Year));
            }
            _ => years.extend(dated.iter().copied().map(PeriodKind::Year)),
        }
        if self.years.contains_key(&PeriodKind::Undated) {
            years.push(PeriodKind::Undated);
        }
        years
    }

    /// The quarters to show, when the data is dense enough for them (at
    /// least two quarters, and on average at least one occurrence per
    /// quarter of the span): every quarter from the first to the last,
    /// each year's "quarter unknown" after its quarters, then `Undated`.
    pub fn quarter_periods(&self) -> Option<Vec<PeriodKind>> {
        let keys: Vec<(i16, u8)> = self
            .quarters
            .keys()
            .filter_map(|p| match p {
                PeriodKind::Quarter(y, q) => Some((*y, *q)),
                _ => None,
            })
            .collect();
        let quarterly: u32 = self
            .quarters
            .iter()
            .filter(|(p, _)| matches!(p, PeriodKind::Quarter(..)))
            .map(|(_, counts)| counts.values().sum::<u32>())
            .sum();
        let (&first, &last) = (keys.first()?, keys.last()?);
        let span = (i32::from(last.0) - i32::from(first.0)) * 4 + i32::from(last.1)
            - i32::from(first.1)
            + 1;
        let dense = span >= 2 && i64::from(quarterly) >= i64::from(span);
        if !dense {
            return None;
        }
        let dated = self.dated_years();
        let first_year = first.0.min(dated.first().copied().unwrap_or(first.0));
        let last_year = last.0.max(dated.last().copied().unwrap_or(last.0));
        let mut periods = Vec::new();
        for year in first_year..=last_year {
            for quarter in 1..=4u8 {
                if (year, quarter) >= first && (year, quarter) <= last {
                    periods.push(PeriodKind::Quarter(year, quarter));
                }
            }
            if self
                .quarters
                .contains_key(&PeriodKind::QuarterUnknown(year))
            {
                periods.push(PeriodKind::QuarterUnknown(year));
            }
        }
        if self.quarters.contains_key(&PeriodKind::Undated) {
            periods.push(PeriodKind::Undated);
        }
        Some(periods)
    }

    /// Occurrences with no date.
    pub fn undated(&self) -> u32 {
        self.years
            .get(&PeriodKind::Undated)
            .map_or(0, |counts| counts.values().sum())
    }

    fn dated_years(&self) -> Vec<i16> {
        self.years
            .keys()
            .filter_map(|p| match p {
                PeriodKind::Year(y) => Some(*y),
                _ => None,
            })
            .collect()
    }
}

/// Site-wide totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Totals {
    pub categories: u32,
    pub incidents: u32,
    pub occurrences: u32,
    /// Occurrences no team carries; the teams' occurrences plus these
    /// make `occurrences`.
    pub unattributed: u32,
    pub teams: u32,
}

/// What the tally derives for one incident, computed once.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct IncidentFacts {
    /// Its category's row: an index into [`Tally::categories`].
    pub row: Option<usize>,
    /// Its distinct teams, by name in byte order: indexes into
    /// [`Tally::teams`].
    pub teams: Vec<usize>,
    /// Explicit `occurrences`, else its anecdotes, at least 1.
    pub occurrences: u32,
    /// Occurrences no team carries (see [`CategoryTally::unattributed`]).
    pub unattributed: u32,
    /// The earliest and latest of its anecdotes' dates.
    pub first_seen: Option<Date>,
    pub last_seen: Option<Date>,
    /// Each of its tags as written: an index into [`Tally::tags`], none
    /// for a tag with no letter or digit to make a slug of.
    pub tags: Vec<Option<usize>>,
}

/// A tag: the tags of every incident that have one slug (`etcd`, `Etcd`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagTally {
    pub slug: String,
    /// Its most used spelling (on a tie, the first in byte order).
    pub name: String,
    /// Incidents that carry it.
    pub incidents: u32,
}

/// A review's entry for one category, as the tally table places it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewEntryFacts {
    /// The category's row: an index into [`Tally::categories`].
    pub row: Option<usize>,
}

/// All the numbers of a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// In rank order.
    pub categories: Vec<CategoryTally>,
    /// One per [`Site::teams`], in the same (slug) order.
    pub teams: Vec<TeamTally>,
    /// One per incident of the site, in the same order.
    pub incidents: Vec<IncidentFacts>,
    /// One per review of the site, in the same order: each of its entries
    /// placed, one per entry written.
    pub reviews: Vec<Vec<ReviewEntryFacts>>,
    pub timeline: Timeline,
    pub as_of: Option<Date>,
    pub totals: Totals,
    /// Every tag, in slug order.
    pub tags: Vec<TagTally>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What the latest review that mentions a category says of it.
#[derive(Clone, Copy, Debug)]
pub struct Mention<'s> {
    pub date: Date,
    pub entry: &'s ReviewEntry,
    /// The status agreed: an index into site.yaml's `category_statuses`.
    pub status: Option<usize>,
}

/// The latest review that mentions the category of index `category` in
/// [`Site::categories`] (before `before`, when given), with what it says
/// of it.
pub fn latest_mention(site: &Site, category: usize, before: Option<Date>) -> Option<Mention<'_>> {
    site.reviews
        .iter()
        .zip(&site.review_refs)
        .filter(|(review, _)| before.is_none_or(|before| review.date < before))
        .filter_map(|(review, refs)| {
            review
                .categories
                .iter()
                .zip(refs)
                .find(|(_, refs)| refs.category == Some(category))
                .map(|((_, entry), refs)| Mention {
                    date: review.date,
                    entry,
                    status: refs.status,
                })
        })
        .max_by_key(|mention| mention.date)
}

/// Computes every number of docs/format.md's "The numbers" for `site`.
pub fn tally_site(site: &Site) -> Tally {
    // Three passes over every incident, independent of one another.
    let (((mut categories, row_teams), (mut teams, team_categories)), timeline) = rayon::join(
        || rayon::join(|| tally_categories(site), || tally_teams(site)),
        || tally_timeline(site),
    );
    // Rows are ranked before anything refers to them by index.
    let order = rank_categories(site, &mut categories);
    let rows = Rows::new(site, &order);
    for (row, &index) in categories.iter_mut().zip(&order) {
        row.teams = by_name(site, row_teams.get(index).into_iter().flatten().copied());
    }
    for (team, mut indexes) in teams.iter_mut().zip(team_categories) {
        indexes.sort_by(|&a, &b| rows.slug(a).cmp(rows.slug(b)));
        team.categories = indexes
            .into_iter()
            .filter_map(|i| rows.of(Some(i)))
            .collect();
    }
    let tags = tally_tags(&site.incidents);
    let tag_index: HashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, tag)| (tag.slug.as_str(), i))
        .collect();
    let incidents: Vec<IncidentFacts> = site
        .incidents
        .par_iter()
        .zip(&site.refs)
        .map(|(incident, refs)| incident_facts(site, &rows, &tag_index, incident, refs))
        .collect();
    let reviews: Vec<Vec<ReviewEntryFacts>> = site
        .review_refs
        .iter()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| ReviewEntryFacts {
                    row: rows.of(entry.category),
                })
                .collect()
        })
        .collect();
    tally_history(site, &mut categories, &incidents, &reviews);
    let latest_anecdote = site
        .incidents
        .iter()
        .flat_map(|i| i.anecdotes.iter().filter_map(|a| a.date))
        .max();
    let as_of = site
        .reviews
        .iter()
        .map(|r| r.date)
        .max()
        .or(latest_anecdote);
    let totals = Totals {
        categories: count(categories.len()),
        incidents: count(site.incidents.len()),
        occurrences: categories.iter().map(|c| c.occurrences).sum(),
        unattributed: categories.iter().map(|c| c.unattributed).sum(),
        teams: count(teams.len()),
    };
    Tally {
        timeline,
        categories,
        teams,
        incidents,
        reviews,
        as_of,
        totals,
        tags,
    }
}

impl Tally {
    /// The facts of the incident of index `index` in the site (none for an
    /// index the site does not have).
    pub fn facts(&self, index: usize) -> &IncidentFacts {
        static NONE: IncidentFacts = IncidentFacts {
            row: None,
            teams: Vec::new(),
            occurrences: 0,
            unattributed: 0,
            first_seen: None,
            last_seen: None,
            tags: Vec::new(),
        };
        self.incidents.get(index).unwrap_or(&NONE)
    }
}

/// Category index -> row, once the rows are ranked.
struct Rows<'a> {
    site: &'a Site,
    /// By index into `Site::categories`.
    rows: Vec<Option<usize>>,
}

impl<'a> Rows<'a> {
    /// `order`: the category index of each row, in rank order.
    fn new(site: &'a Site, order: &[usize]) -> Rows<'a> {
        let mut rows = vec![None; site.categories.len()];
        for (row, &index) in order.iter().enumerate() {
            if let Some(slot) = rows.get_mut(index) {
                *slot = Some(row);
            }
        }
        Rows { site, rows }
    }

    /// The row of the category of index `category`.
    fn of(&self, category: Option<usize>) -> Option<usize> {
        self.rows.get(category?).copied().flatten()
    }

    /// The slug of the category of index `category`, as bytes.
    fn slug(&self, category: usize) -> &'a [u8] {
        self.site
            .categories
            .get(category)
            .map_or(&[][..], |c| c.slug.as_bytes())
    }
}

/// The teams of index `teams` (repeats allowed), each once, by name in
/// byte order.
fn by_name(site: &Site, teams: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut teams: Vec<usize> = teams.collect();
    let name = |team: &usize| site.teams.get(*team).map(|t| t.name.as_bytes());
    teams.sort_unstable_by(|a, b| name(a).cmp(&name(b)));
    teams.dedup();
    teams
}

/// What the tally derives for `incident`, whose references are `refs`.
fn incident_facts(
    site: &Site,
    rows: &Rows<'_>,
    tags: &HashMap<&str, usize>,
    incident: &Incident,
    refs: &IncidentRefs,
) -> IncidentFacts {
    let dates = incident.anecdotes.iter().filter_map(|a| a.date);
    IncidentFacts {
        row: rows.of(refs.category),
        teams: by_name(site, refs.anecdote_teams.iter().flatten().copied()),
        occurrences: incident.occurrence_count(),
        unattributed: incident.unattributed_count(),
        first_seen: dates.clone().min(),
        last_seen: dates.max(),
        tags: incident
            .tags
            .iter()
            .map(|tag| tags.get(slugify(tag).as_str()).copied())
            .collect(),
    }
}

/// The rows in `site.categories` order, with each row's teams (indexes
/// into `Site::teams`).
fn tally_categories(site: &Site) -> (Vec<CategoryTally>, Vec<BTreeSet<usize>>) {
    let mut rows: Vec<CategoryTally> = site
        .categories
        .iter()
        .enumerate()
        .map(|(index, category)| {
            // The latest review that mentions this category decides its
            // votes and status.
            let mention = latest_mention(site, index, None);
            CategoryTally {
                index,
                slug: category.slug.clone(),
                incidents: 0,
                occurrences: 0,
                unattributed: 0,
                teams: Vec::new(),
                first_seen: None,
                last_seen: None,
                votes: mention.and_then(|m| m.entry.votes).unwrap_or(0),
                status: mention.and_then(|m| m.status),
                review: mention.map(|m| ReviewRef {
                    date: m.date,
                    recorded: m.entry.recorded,
                }),
                since_review: 0,
                rank: 0,
                history: Vec::new(),
                moved: None,
            }
        })
        .collect();
    let mut teams: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); rows.len()];
    for (incident, refs) in site.incidents.iter().zip(&site.refs) {
        let Some(index) = refs.category else {
            continue;
        };
        let (Some(row), Some(row_teams)) = (rows.get_mut(index), teams.get_mut(index)) else {
            continue;
        };
        row.incidents += 1;
        row.occurrences = row.occurrences.saturating_add(incident.occurrence_count());
        row.unattributed = row
            .unattributed
            .saturating_add(incident.unattributed_count());
        row_teams.extend(refs.anecdote_teams.iter().flatten());
        for anecdote in &incident.anecdotes {
            if let Some(date) = anecdote.date {
                row.first_seen = Some(row.first_seen.map_or(date, |d| d.min(date)));
                row.last_seen = Some(row.last_seen.map_or(date, |d| d.max(date)));
                if row
                    .review
                    .as_ref()
                    .is_some_and(|review| date.starts_after(&review.date))
                {
                    row.since_review += 1;
                }
            }
        }
    }
    (rows, teams)
}

/// The numbers `rank_by` compares.
#[derive(Clone, Copy, Debug, Default)]
struct RankNumbers {
    occurrences: u32,
    votes: u32,
    incidents: u32,
    since_review: u32,
}

impl RankNumbers {
    fn of(row: &CategoryTally) -> RankNumbers {
        RankNumbers {
            occurrences: row.occurrences,
            votes: row.votes,
            incidents: row.incidents,
            since_review: row.since_review,
        }
    }

    fn get(&self, kind: RankKind) -> u32 {
        match kind {
            RankKind::Occurrences => self.occurrences,
            RankKind::Votes => self.votes,
            RankKind::Incidents => self.incidents,
            RankKind::SinceReview => self.since_review,
        }
    }
}

/// The positions of `rows` in rank order, each row counted by `numbers`
/// (given its position): by `rank_by` (larger first), then title, then
/// slug. The one ordering of the tally table, now and as of a review.
fn rank_order(
    site: &Site,
    rows: &[CategoryTally],
    numbers: impl Fn(usize) -> RankNumbers,
) -> Vec<usize> {
    let numbers: Vec<RankNumbers> = (0..rows.len()).map(numbers).collect();
    let title = |row: &CategoryTally| {
        site.categories
            .get(row.index)
            .map_or("", |c| c.title.as_str())
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        let (Some(row_a), Some(row_b), Some(numbers_a), Some(numbers_b)) =
            (rows.get(a), rows.get(b), numbers.get(a), numbers.get(b))
        else {
            return std::cmp::Ordering::Equal;
        };
        site.config
            .rank_by
            .iter()
            .map(|&kind| numbers_b.get(kind).cmp(&numbers_a.get(kind)))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| title(row_a).as_bytes().cmp(title(row_b).as_bytes()))
            .then_with(|| row_a.slug.as_bytes().cmp(row_b.slug.as_bytes()))
    });
    order
}

/// Orders by `rank_by` (larger first), then title, then slug; ranks 1..n.
/// Returns the position each row had before.
fn rank_categories(site: &Site, rows: &mut Vec<CategoryTally>) -> Vec<usize> {
    let order = {
        let ranked: &[CategoryTally] = rows;
        rank_order(site, ranked, |i| {
            ranked.get(i).map(RankNumbers::of).unwrap_or_default()
        })
    };
    let mut unranked: Vec<Option<CategoryTally>> = rows.drain(..).map(Some).collect();
    rows.extend(
        order
            .iter()
            .filter_map(|&i| unranked.get_mut(i).and_then(Option::take)),
    );
    for (position, row) in rows.iter_mut().enumerate() {
        row.rank = count(position + 1);
    }
    order
}

/// Fills each row's `history` and `moved` (docs/format.md, "History" and
/// "What moved"). `rows` are in rank order, `facts` and `reviews` are the
/// tally's.
///
/// A review's numbers count what was reported by its day: an incident
/// from its earliest anecdote date on (an incident with no dated
/// anecdote, always), an anecdote from its date on (an undated one, and
/// occurrences the `occurrences` key adds, with their incident). Dates
/// compare as "since review" does: `2018-10` is not after `2018-10-15`,
/// so it counts by that review. Votes and status are those of the latest
/// review up to that day that lists the category.
fn tally_history(
    site: &Site,
    rows: &mut [CategoryTally],
    facts: &[IncidentFacts],
    reviews: &[Vec<ReviewEntryFacts>],
) {
    // Reviews oldest first, whatever order the site lists them in.
    let mut order: Vec<usize> = (0..site.reviews.len()).collect();
    order.sort_by_key(|&i| site.reviews.get(i).map(|r| r.date));
    let dates: Vec<Date> = order
        .iter()
        .filter_map(|&i| site.reviews.get(i).map(|r| r.date))
        .collect();
    let meetings = dates.len();
    if meetings == 0 {
        return;
    }
    // How many reviews a date comes after: the date counts from the
    // review of that position on (`meetings`: after every review).
    let period = |date: Date| dates.partition_point(|review| date.starts_after(review));

    /// Per row and period: what it reported then.
    #[derive(Clone, Default)]
    struct Period {
        /// Incidents counted from it on: those first reported in it, and
        /// in the first period those with no dated anecdote.
        incidents: u32,
        /// Incidents first reported in it, in the site's order.
        reported: Vec<usize>,
        /// Change of the occurrences counted from it on.
        occurrences: i64,
        /// Anecdotes dated in it.
        anecdotes: u32,
    }
    let mut periods = vec![vec![Period::default(); meetings + 1]; rows.len()];
    for (index, (incident, facts)) in site.incidents.iter().zip(facts).enumerate() {
        let Some(row) = facts.row.and_then(|row| periods.get_mut(row)) else {
            continue;
        };
        let first = facts.first_seen.map_or(0, period);
        if let Some(p) = row.get_mut(first) {
            p.incidents += 1;
            p.occurrences += i64::from(facts.occurrences);
            if facts.first_seen.is_some() {
                p.reported.push(index);
            }
        }
        for date in incident.anecdotes.iter().filter_map(|a| a.date) {
            let dated = period(date);
            if let Some(p) = row.get_mut(dated) {
                p.anecdotes += 1;
            }
            // Counted with its incident, but only from its own date on.
            if dated > first {
                if let Some(p) = row.get_mut(first) {
                    p.occurrences -= 1;
                }
                if let Some(p) = row.get_mut(dated) {
                    p.occurrences += 1;
                }
            }
        }
    }
    // What each review wrote per row, by position among `dates`: the
    // entry and its resolved status.
    type Written<'e> = Option<(&'e ReviewEntry, Option<usize>)>;
    let mut written: Vec<Vec<Written<'_>>> = vec![vec![None; meetings]; rows.len()];
    for (position, &review) in order.iter().enumerate() {
        let (Some(site_review), Some(placed), Some(refs)) = (
            site.reviews.get(review),
            reviews.get(review),
            site.review_refs.get(review),
        ) else {
            continue;
        };
        let entries = site_review.categories.iter().zip(placed).zip(refs);
        for (((_, entry), facts), refs) in entries {
            if let Some(slot) = facts
                .row
                .and_then(|row| written.get_mut(row))
                .and_then(|row| row.get_mut(position))
            {
                *slot = Some((entry, refs.status));
            }
        }
    }

    // Each row's numbers and latest mention as of each review.
    let mut numbers = vec![vec![RankNumbers::default(); meetings]; rows.len()];
    let mut statuses = vec![vec![None; meetings]; rows.len()];
    for (row, (periods, written)) in periods.iter().zip(&written).enumerate() {
        let (mut incidents, mut occurrences) = (0u32, 0i64);
        let mut latest: Option<usize> = None;
        for position in 0..meetings {
            let Some(p) = periods.get(position) else {
                continue;
            };
            incidents += p.incidents;
            occurrences += p.occurrences;
            if written.get(position).is_some_and(Option::is_some) {
                latest = Some(position);
            }
            let mention = latest.and_then(|m| written.get(m).copied().flatten());
            let since_review = latest.map_or(0, |m| {
                periods
                    .get(m + 1..=position)
                    .map_or(0, |after| after.iter().map(|p| p.anecdotes).sum())
            });
            if let Some(slot) = numbers.get_mut(row).and_then(|n| n.get_mut(position)) {
                *slot = RankNumbers {
                    occurrences: u32::try_from(occurrences.max(0)).unwrap_or(u32::MAX),
                    votes: mention.and_then(|(e, _)| e.votes).unwrap_or(0),
                    incidents,
                    since_review,
                };
            }
            if let Some(slot) = statuses.get_mut(row).and_then(|s| s.get_mut(position)) {
                *slot = mention.and_then(|(_, status)| status);
            }
        }
    }
    let mut ranks = vec![vec![0u32; meetings]; rows.len()];
    for position in 0..meetings {
        let order = rank_order(site, rows, |row| {
            numbers
                .get(row)
                .and_then(|n| n.get(position))
                .copied()
                .unwrap_or_default()
        });
        for (place, row) in order.into_iter().enumerate() {
            if let Some(slot) = ranks.get_mut(row).and_then(|r| r.get_mut(position)) {
                *slot = count(place + 1);
            }
        }
    }

    for (row, tallied) in rows.iter_mut().enumerate() {
        let (Some(periods), Some(written), Some(ranks), Some(statuses)) = (
            periods.get_mut(row),
            written.get(row),
            ranks.get(row),
            statuses.get(row),
        ) else {
            continue;
        };
        tallied.history = order
            .iter()
            .enumerate()
            .map(|(position, &review)| {
                let entry = written.get(position).copied().flatten();
                HistoryEntry {
                    review,
                    mentioned: entry.is_some(),
                    votes: entry.and_then(|(e, _)| e.votes),
                    status: entry.and_then(|(_, status)| status),
                    recorded: entry.and_then(|(e, _)| e.recorded),
                    rank: ranks.get(position).copied().unwrap_or(0),
                    incidents: periods
                        .get_mut(position)
                        .map(|p| std::mem::take(&mut p.reported))
                        .unwrap_or_default(),
                }
            })
            .collect();
        tallied.moved = meetings.checked_sub(2).and_then(|previous| {
            Some(Moved {
                review: *order.get(previous)?,
                rank_before: *ranks.get(previous)?,
                status_before: *statuses.get(previous)?,
            })
        });
    }
}

/// Every tag with a slug, in slug order: its most used spelling and how
/// many incidents carry it.
fn tally_tags(incidents: &[Arc<Incident>]) -> Vec<TagTally> {
    // slug -> (spelling -> uses, incidents)
    let mut by_slug: BTreeMap<String, (BTreeMap<&str, u32>, u32)> = BTreeMap::new();
    for incident in incidents {
        let mut seen = BTreeSet::new();
        for tag in &incident.tags {
            let slug = slugify(tag);
            if slug.is_empty() {
                continue;
            }
            let entry = by_slug.entry(slug.clone()).or_default();
            *entry.0.entry(tag.as_str()).or_default() += 1;
            if seen.insert(slug) {
                entry.1 += 1;
            }
        }
    }
    by_slug
        .into_iter()
        .map(|(slug, (spellings, incidents))| {
            // The most used; on a tie the first (the map is in byte order).
            let name = spellings
                .iter()
                .fold(
                    None,
                    |best: Option<(&str, u32)>, (&spelling, &uses)| match best {
                        Some((_, most)) if most >= uses => best,
                        _ => Some((spelling, uses)),
                    },
                )
                .map_or_else(|| slug.clone(), |(spelling, _)| spelling.to_owned());
            TagTally {
                slug,
                name,
                incidents,
            }
        })
        .collect()
}

/// One per `Site::teams`, with the categories each reported in (indexes
/// into `Site::categories`).
fn tally_teams(site: &Site) -> (Vec<TeamTally>, Vec<Vec<usize>>) {
    let mut teams: Vec<(TeamTally, BTreeSet<usize>)> = site
        .teams
        .iter()
        .map(|team| {
            let tally = TeamTally {
                slug: team.slug.clone(),
                name: team.name.clone(),
                incidents: 0,
                occurrences: 0,
                categories: Vec::new(),
                incident_indexes: Vec::new(),
            };
            (tally, BTreeSet::new())
        })
        .collect();
    for (index, refs) in site.refs.iter().enumerate() {
        for &team in refs.anecdote_teams.iter().flatten() {
            let Some((tally, categories)) = teams.get_mut(team) else {
                continue;
            };
            if tally.incident_indexes.last() != Some(&index) {
                tally.incident_indexes.push(index);
                tally.incidents += 1;
            }
            tally.occurrences += 1;
            categories.extend(refs.category);
        }
    }
    teams
        .into_iter()
        .map(|(tally, categories)| (tally, categories.into_iter().collect()))
        .unzip()
}

/// Occurrences per year and per quarter. Occurrences without an anecdote
/// date (undated anecdotes, an explicit count above the anecdotes written,
/// an incident with none) count as undated, so every view sums to the total.
fn tally_timeline(site: &Site) -> Timeline {
    // Counted under borrowed keys first: one entry per period and category,
    // not a new string for every anecdote.
    let mut years: HashMap<(PeriodKind, &str), u32> = HashMap::new();
    let mut quarters: HashMap<(PeriodKind, &str), u32> = HashMap::new();
    let mut add = |period_year: PeriodKind, period_quarter: PeriodKind, category, n: u32| {
        *years.entry((period_year, category)).or_default() += n;
        *quarters.entry((period_quarter, category)).or_default() += n;
    };
    for (index, incident) in site.incidents.iter().enumerate() {
        let Some(category) = site.category_of(index).map(|c| c.slug.as_str()) else {
            continue;
        };
        for anecdote in &incident.anecdotes {
            match anecdote.date {
                Some(date) => {
                    let quarter = match date.precision {
                        PrecisionKind::Year => PeriodKind::QuarterUnknown(date.year),
                        _ => PeriodKind::Quarter(date.year, date.quarter().unwrap_or(1)),
                    };
                    add(PeriodKind::Year(date.year), quarter, category, 1);
                }
                None => add(PeriodKind::Undated, PeriodKind::Undated, category, 1),
            }
        }
        let unwritten = incident
            .occurrence_count()
            .saturating_sub(count(incident.anecdotes.len()));
        if unwritten > 0 {
            add(
                PeriodKind::Undated,
                PeriodKind::Undated,
                category,
                unwritten,
            );
        }
    }
    let mut timeline = Timeline::default();
    for ((period, category), n) in years {
        *timeline
            .years
            .entry(period)
            .or_default()
            .entry(category.to_owned())
            .or_default() += n;
    }
    for ((period, category), n) in quarters {
        *timeline
            .quarters
            .entry(period)
            .or_default()
            .entry(category.to_owned())
            .or_default() += n;
    }
    timeline
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::{category, incident, located};
    use crate::model::{Category, Review, ReviewEntry, SiteConfig};
    use crate::validate::resolve_site;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    /// (category, votes, status, recorded)
    type Entry<'a> = (&'a str, Option<u32>, Option<&'a str>, Option<u32>);

    fn review(day: &str, entries: &[Entry<'_>]) -> Review {
        Review {
            date: date(day),
            path: String::new(),
            categories: entries
                .iter()
                .map(|(slug, votes, status, recorded)| {
                    (
                        located(slug),
                        ReviewEntry {
                            votes: *votes,
                            status: status.map(located),
                            recorded: *recorded,
                        },
                    )
                })
                .collect(),
            body: String::new(),
            body_line: 1,
        }
    }

    fn site(categories: Vec<Category>, incidents: Vec<Incident>, reviews: Vec<Review>) -> Site {
        resolve_site(
            SiteConfig::with_title("t".into()),
            categories,
            incidents.into_iter().map(Arc::new).collect(),
            reviews,
        )
    }

    fn row<'a>(tally: &'a Tally, slug: &str) -> &'a CategoryTally {
        tally.categories.iter().find(|c| c.slug == slug).unwrap()
    }

    #[test]
    fn occurrences_are_explicit_else_anecdotes_else_one() {
        let mut explicit = incident("a", "m", &[("A", None)]);
        explicit.occurrences = Some(5);
        let site = site(
            vec![category("m", "M")],
            vec![
                explicit,
                incident("b", "m", &[("A", None), ("B", None)]),
                incident("c", "m", &[]),
            ],
            vec![],
        );
        let tally = tally_site(&site);
        let m = row(&tally, "m");
        assert_eq!(m.incidents, 3);
        assert_eq!(m.occurrences, 5 + 2 + 1);
        let names: Vec<&str> = m
            .teams
            .iter()
            .map(|&t| tally.teams[t].name.as_str())
            .collect();
        assert_eq!(names, vec!["A", "B"]);
        assert_eq!(tally.totals.occurrences, 8);
        assert_eq!(tally.totals.teams, 2);
    }

    #[test]
    fn empty_categories_are_ranked_and_ties_go_by_title() {
        let site = site(
            vec![
                category("z", "Alpha"),
                category("a", "Beta"),
                category("e", "Empty"),
            ],
            vec![incident("i", "z", &[]), incident("j", "a", &[])],
            vec![],
        );
        let tally = tally_site(&site);
        let order: Vec<(&str, u32)> = tally
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c.rank))
            .collect();
        assert_eq!(order, vec![("z", 1), ("a", 2), ("e", 3)]);
        assert_eq!(row(&tally, "e").occurrences, 0);
    }

    #[test]
    fn review_entries_refer_to_rows_and_statuses_by_index() {
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![incident("i", "b", &[])],
            vec![review(
                "2018-10-15",
                &[
                    ("a", Some(1), Some("progress"), None),
                    ("b", None, None, None),
                ],
            )],
        );
        let tally = tally_site(&site);
        let entries = &tally.reviews[0];
        let slugs: Vec<&str> = entries
            .iter()
            .map(|e| tally.categories[e.row.unwrap()].slug.as_str())
            .collect();
        assert_eq!(slugs, ["a", "b"]);
        let refs = &site.review_refs[0];
        let status = refs[0]
            .status
            .map(|i| site.config.category_statuses[i].key.as_str());
        assert_eq!(status, Some("progress"));
        assert_eq!(refs[1].status, None);
    }

    #[test]
    fn votes_decide_between_equal_occurrences() {
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![incident("i", "a", &[]), incident("j", "b", &[])],
            vec![review(
                "2018-10-15",
                &[("b", Some(3), Some("nope"), Some(14))],
            )],
        );
        let tally = tally_site(&site);
        assert_eq!(tally.categories[0].slug, "b");
        assert_eq!(tally.categories[0].votes, 3);
        let status = tally.categories[0]
            .status
            .map(|i| &site.config.category_statuses[i]);
        assert_eq!(status.map(|s| s.key.as_str()), Some("nope"));
    }

    #[test]
    fn the_latest_mentioning_review_wins() {
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![],
            vec![
                review(
                    "2018-01-01",
                    &[
                        ("a", Some(1), Some("nope"), Some(3)),
                        ("b", Some(7), None, None),
                    ],
                ),
                review("2018-10-15", &[("a", None, None, None)]),
            ],
        );
        let tally = tally_site(&site);
        let a = row(&tally, "a");
        assert_eq!(a.votes, 0);
        assert_eq!(a.status, None);
        assert_eq!(
            a.review,
            Some(ReviewRef {
                date: date("2018-10-15"),
                recorded: None
            })
        );
        let b = row(&tally, "b");
        assert_eq!(b.votes, 7);
        assert_eq!(b.review.as_ref().unwrap().date, date("2018-01-01"));
        assert_eq!(tally.as_of, Some(date("2018-10-15")));
    }

    #[test]
    fn unmentioned_categories_have_no_review() {
        let site = site(
            vec![category("a", "A")],
            vec![incident("i", "a", &[("T", Some("2019"))])],
            vec![review("2018-10-15", &[])],
        );
        let tally = tally_site(&site);
        let a = row(&tally, "a");
        assert_eq!(
            (a.votes, a.status, a.review.clone(), a.since_review),
            (0, None, None, 0)
        );
    }

    #[test]
    fn since_review_counts_only_dates_surely_after_it() {
        let site = site(
            vec![category("a", "A")],
            vec![incident(
                "i",
                "a",
                &[
                    ("T", Some("2018-10")),
                    ("T", Some("2018")),
                    ("T", Some("2018-11")),
                    ("T", Some("2018-10-16")),
                    ("T", Some("2018-10-15")),
                    ("T", None),
                ],
            )],
            vec![review("2018-10-15", &[("a", Some(1), None, None)])],
        );
        assert_eq!(row(&tally_site(&site), "a").since_review, 2);
    }

    #[test]
    fn first_and_last_seen_keep_precision() {
        let site = site(
            vec![category("a", "A")],
            vec![incident(
                "i",
                "a",
                &[
                    ("T", Some("2018-01")),
                    ("U", Some("2018")),
                    ("V", Some("2017-11-03")),
                ],
            )],
            vec![],
        );
        let tally = tally_site(&site);
        let a = row(&tally, "a");
        assert_eq!(a.first_seen.unwrap().to_string(), "2017-11-03");
        assert_eq!(a.last_seen.unwrap().to_string(), "2018-01");
        assert_eq!(tally.as_of.unwrap().to_string(), "2018-01");
    }

    #[test]
    fn teams_count_incidents_and_anecdotes() {
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![
                incident("i", "b", &[("Web", None), ("Web", None)]),
                incident("j", "a", &[("Web", None), ("Köln", None)]),
            ],
            vec![],
        );
        let tally = tally_site(&site);
        let slugs: Vec<&str> = tally.teams.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, vec!["koln", "web"]);
        let web = &tally.teams[1];
        assert_eq!((web.incidents, web.occurrences), (2, 3));
        let rows: Vec<&str> = web
            .categories
            .iter()
            .map(|&row| tally.categories[row].slug.as_str())
            .collect();
        assert_eq!(rows, vec!["a", "b"]);
    }

    #[test]
    fn occurrences_no_team_carries_are_unattributed_and_in_no_team() {
        // One anecdote without a team, and two occurrences counted beyond
        // the anecdotes.
        let mut first = incident("i", "a", &[("Web", Some("2018-03")), ("x", None)]);
        first.anecdotes[1].team = None;
        first.occurrences = Some(4);
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![first, incident("j", "b", &[("Web", None)])],
            vec![],
        );
        let tally = tally_site(&site);
        let teams: Vec<&str> = tally.teams.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(teams, ["Web"]);
        assert_eq!(tally.totals.teams, 1);
        let row = |slug: &str| tally.categories.iter().find(|r| r.slug == slug).unwrap();
        assert_eq!((row("a").occurrences, row("a").unattributed), (4, 3));
        assert_eq!((row("b").occurrences, row("b").unattributed), (1, 0));
        assert_eq!(
            (tally.totals.occurrences, tally.totals.unattributed),
            (5, 3)
        );
        let by_teams: u32 = tally.teams.iter().map(|t| t.occurrences).sum();
        assert_eq!(
            by_teams + tally.totals.unattributed,
            tally.totals.occurrences
        );
        assert_eq!(site.refs[0].anecdote_teams, [Some(0), None]);
        assert_eq!(tally.incidents[0].unattributed, 3);
    }

    #[test]
    fn each_incident_s_facts_refer_to_rows_and_teams_by_index() {
        let mut first = incident("i", "b", &[("Web", Some("2018-03")), ("Ops", Some("2017"))]);
        first.status = vec![located("tick"), located("sad")];
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![first, incident("j", "a", &[("Web", None)])],
            vec![],
        );
        let tally = tally_site(&site);
        let facts = &tally.incidents[0];
        let row = &tally.categories[facts.row.unwrap()];
        assert_eq!(row.slug, "b");
        let team = |i: &usize| tally.teams[*i].name.as_str();
        assert_eq!(
            site.refs[0]
                .anecdote_teams
                .iter()
                .flatten()
                .map(team)
                .collect::<Vec<_>>(),
            ["Web", "Ops"]
        );
        assert_eq!(
            facts.teams.iter().map(team).collect::<Vec<_>>(),
            ["Ops", "Web"]
        );
        let statuses = &site.config.incident_statuses;
        let keys: Vec<&str> = site.refs[0]
            .statuses
            .iter()
            .map(|&i| statuses[i].key.as_str())
            .collect();
        assert_eq!(keys, ["tick", "sad"]);
        assert_eq!(facts.occurrences, 2);
        assert_eq!(facts.first_seen, Some(date("2017")));
        assert_eq!(facts.last_seen, Some(date("2018-03")));
        assert_eq!(tally.incidents[1].occurrences, 1);
        assert_eq!(tally.incidents[1].first_seen, None);
    }

    #[test]
    fn timeline_buckets_by_year_and_quarter() {
        let mut extra = incident("j", "a", &[]);
        extra.occurrences = Some(2);
        let site = site(
            vec![category("a", "A")],
            vec![
                incident(
                    "i",
                    "a",
                    &[("T", Some("2018-02")), ("T", Some("2018")), ("T", None)],
                ),
                extra,
            ],
            vec![],
        );
        let timeline = tally_site(&site).timeline;
        assert_eq!(timeline.years[&PeriodKind::Year(2018)]["a"], 2);
        assert_eq!(timeline.years[&PeriodKind::Undated]["a"], 3);
        assert_eq!(timeline.quarters[&PeriodKind::Quarter(2018, 1)]["a"], 1);
        assert_eq!(timeline.quarters[&PeriodKind::QuarterUnknown(2018)]["a"], 1);
    }
    fn dated_site(dates: &[&str]) -> Site {
        let anecdotes: Vec<(&str, Option<&str>)> =
            // "x" stands for an undated anecdote.
            dates.iter().map(|d| ("Web", (*d != "x").then_some(*d))).collect();
        site(
            vec![category("m", "M")],
            vec![incident("i", "m", &anecdotes)],
            vec![],
        )
    }

    fn labels(periods: &[PeriodKind]) -> Vec<String> {
        periods.iter().map(PeriodKind::label).collect()
    }

    #[test]
    fn years_fill_gaps_and_quarters_appear_only_when_dense() {
        let sparse = tally_site(&dated_site(&["2016-02", "2018-11"])).timeline;
        assert_eq!(labels(&sparse.year_periods()), vec!["2016", "2017", "2018"]);
        assert!(
            sparse.quarter_periods().is_none(),
            "2 occurrences over 12 quarters"
        );

        let dense = tally_site(&dated_site(&[
            "2018-01", "2018-02", "2018-05", "2018", "2018-07", "x",
        ]))
        .timeline;
        assert_eq!(
            labels(&dense.quarter_periods().unwrap()),
            vec![
                "2018-Q1",
                "2018-Q2",
                "2018-Q3",
                "2018 (quarter unknown)",
                "undated"
            ]
        );
        assert_eq!(dense.undated(), 1);
    }

    /// (review date, mentioned, votes, recorded, rank, incident slugs)
    type Seen<'a> = (String, bool, Option<u32>, Option<u32>, u32, Vec<&'a str>);

    /// The history entries of row `slug`.
    fn history<'a>(site: &'a Site, tally: &Tally, slug: &str) -> Vec<Seen<'a>> {
        row(tally, slug)
            .history
            .iter()
            .map(|h| {
                (
                    site.reviews[h.review].date.to_string(),
                    h.mentioned,
                    h.votes,
                    h.recorded,
                    h.rank,
                    h.incidents
                        .iter()
                        .map(|&i| site.incidents[i].slug.as_str())
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn history_has_every_review_oldest_first_with_what_each_wrote() {
        // Listed newest first: the history is by date all the same.
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![],
            vec![
                review(
                    "2018-10-15",
                    &[
                        ("a", None, None, None),
                        ("b", Some(2), Some("nope"), Some(3)),
                    ],
                ),
                review("2018-06-01", &[("a", Some(4), Some("progress"), Some(1))]),
            ],
        );
        let tally = tally_site(&site);
        assert_eq!(
            history(&site, &tally, "a"),
            [
                ("2018-06-01".into(), true, Some(4), Some(1), 1, vec![]),
                ("2018-10-15".into(), true, None, None, 2, vec![]),
            ]
        );
        assert_eq!(
            history(&site, &tally, "b"),
            [
                ("2018-06-01".into(), false, None, None, 2, vec![]),
                ("2018-10-15".into(), true, Some(2), Some(3), 1, vec![]),
            ]
        );
        let statuses = |slug: &str| -> Vec<Option<&str>> {
            row(&tally, slug)
                .history
                .iter()
                .map(|h| {
                    h.status
                        .map(|i| site.config.category_statuses[i].key.as_str())
                })
                .collect()
        };
        assert_eq!(statuses("a"), [Some("progress"), None]);
        assert_eq!(statuses("b"), [None, Some("nope")]);
    }

    #[test]
    fn incidents_count_in_the_period_of_their_first_report() {
        let site = site(
            vec![category("a", "A")],
            vec![
                incident(
                    "early",
                    "a",
                    &[("T", Some("2018-07")), ("T", Some("2017-03"))],
                ),
                // 2018-10 starts on 2018-10-01: reported by 2018-10-15.
                incident("month", "a", &[("T", Some("2018-10"))]),
                incident("on-the-day", "a", &[("T", Some("2018-10-15"))]),
                incident("next-day", "a", &[("T", Some("2018-10-16"))]),
                incident("undated", "a", &[("T", None)]),
                incident("year", "a", &[("T", Some("2018"))]),
            ],
            vec![review("2018-06-01", &[]), review("2018-10-15", &[])],
        );
        let tally = tally_site(&site);
        let periods: Vec<Vec<&str>> = history(&site, &tally, "a")
            .into_iter()
            .map(|entry| entry.5)
            .collect();
        assert_eq!(
            periods,
            [vec!["early", "year"], vec!["month", "on-the-day"]],
            "next-day is after the last review; undated belongs to no period"
        );
    }

    #[test]
    fn ranks_as_of_a_review_count_only_what_was_reported_by_then() {
        let mut late = incident(
            "late",
            "a",
            &[
                ("T", Some("2018-09")),
                ("T", Some("2019-02")),
                ("T", Some("2019-03")),
            ],
        );
        // Two more occurrences than anecdotes: counted with the incident.
        late.occurrences = Some(5);
        let site = site(
            vec![category("a", "A"), category("b", "B"), category("c", "C")],
            vec![
                late,
                incident("later", "a", &[("T", Some("2019-01"))]),
                incident(
                    "old",
                    "b",
                    &[
                        ("T", Some("2017")),
                        ("U", Some("2018-01")),
                        ("V", Some("2018-02")),
                    ],
                ),
                incident(
                    "never",
                    "c",
                    &[("T", None), ("U", None), ("V", None), ("W", None)],
                ),
            ],
            vec![
                review("2018-10-15", &[("b", Some(1), Some("nope"), None)]),
                review("2018-12-01", &[("a", None, Some("progress"), None)]),
            ],
        );
        let tally = tally_site(&site);
        // Now: a 5 + 1, c 4, b 3.
        let now: Vec<&str> = tally.categories.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(now, ["a", "c", "b"]);
        // By either review, a had 5 - 2 occurrences (two anecdotes of
        // 2019 not yet reported), as many as b, whose vote puts it first;
        // c's undated anecdotes count at every review.
        let ranks =
            |slug: &str| -> Vec<u32> { row(&tally, slug).history.iter().map(|h| h.rank).collect() };
        assert_eq!(ranks("c"), [1, 1]);
        assert_eq!(ranks("b"), [2, 2]);
        assert_eq!(ranks("a"), [3, 3]);
        let a = row(&tally, "a").moved.clone().unwrap();
        assert_eq!(site.reviews[a.review].date, date("2018-10-15"));
        assert_eq!(
            (a.rank_before, a.status_before, a.rank_change(1)),
            (3, None, 2)
        );
        let b = row(&tally, "b").moved.clone().unwrap();
        let nope = site
            .config
            .category_statuses
            .iter()
            .position(|s| s.key == "nope");
        assert_eq!(
            (b.rank_before, b.status_before, b.rank_change(3)),
            (2, nope, -1)
        );
    }

    #[test]
    fn a_category_climbs_when_its_reports_come_after_the_previous_review() {
        let site = site(
            vec![category("a", "A"), category("b", "B")],
            vec![
                incident("a1", "a", &[("T", Some("2019-01")), ("U", Some("2019-02"))]),
                incident("a2", "a", &[("T", Some("2019-03"))]),
                incident("b1", "b", &[("T", Some("2018-01")), ("U", Some("2018-02"))]),
            ],
            vec![
                review("2018-10-15", &[("a", None, Some("nope"), None)]),
                review("2019-06-01", &[("a", None, Some("progress"), None)]),
            ],
        );
        let tally = tally_site(&site);
        let a = row(&tally, "a");
        assert_eq!(a.rank, 1);
        let moved = a.moved.clone().unwrap();
        assert_eq!(moved.rank_before, 2);
        assert_eq!(moved.rank_change(a.rank), 1);
        let nope = site
            .config
            .category_statuses
            .iter()
            .position(|s| s.key == "nope");
        assert_eq!(moved.status_before, nope);
        assert_ne!(moved.status_before, a.status);
        assert_eq!(row(&tally, "b").moved.clone().unwrap().rank_change(2), -1);
        assert_eq!(
            history(&site, &tally, "a")
                .into_iter()
                .map(|entry| entry.5)
                .collect::<Vec<_>>(),
            [vec![], vec!["a1", "a2"]]
        );
    }

    #[test]
    fn since_review_as_of_a_review_counts_from_the_mention_before_it() {
        let mut config = SiteConfig::with_title("t".into());
        config.rank_by = vec![RankKind::SinceReview];
        let site = resolve_site(
            config,
            vec![category("a", "A"), category("b", "B")],
            vec![
                // Between the reviews: since the mention of 2018-01-01.
                Arc::new(incident(
                    "i",
                    "a",
                    &[("T", Some("2017-06")), ("T", Some("2018-03"))],
                )),
                // Before the first review, so never "since" one.
                Arc::new(incident(
                    "j",
                    "b",
                    &[
                        ("T", Some("2017-01")),
                        ("T", Some("2017-02")),
                        ("T", Some("2017-03")),
                    ],
                )),
            ],
            vec![
                review(
                    "2018-01-01",
                    &[("a", None, None, None), ("b", None, None, None)],
                ),
                // b is discussed again: nothing is new since for b.
                review("2018-06-01", &[("b", None, None, None)]),
            ],
        );
        let tally = tally_site(&site);
        let ranks: Vec<(&str, Vec<u32>)> = tally
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c.history.iter().map(|h| h.rank).collect()))
            .collect();
        assert_eq!(ranks, [("a", vec![1, 1]), ("b", vec![2, 2])]);
        assert_eq!(row(&tally, "a").since_review, 1);
    }

    #[test]
    fn without_two_reviews_nothing_has_moved() {
        let none = site(
            vec![category("a", "A")],
            vec![incident("i", "a", &[])],
            vec![],
        );
        let tally = tally_site(&none);
        assert!(row(&tally, "a").history.is_empty());
        assert_eq!(row(&tally, "a").moved, None);
        let one = site(
            vec![category("a", "A")],
            vec![incident("i", "a", &[("T", Some("2018-01"))])],
            vec![review("2018-10-15", &[])],
        );
        let tally = tally_site(&one);
        assert_eq!(row(&tally, "a").history.len(), 1);
        assert_eq!(row(&tally, "a").moved, None);
    }

    #[test]
    fn tags_with_one_slug_are_one_tag_named_as_most_incidents_write_it() {
        let tagged = |slug: &str, tags: &[&str]| {
            let mut i = incident(slug, "a", &[]);
            i.tags = tags.iter().map(|t| t.to_string()).collect();
            i
        };
        let site = site(
            vec![category("a", "A")],
            vec![
                tagged("i", &["Etcd", "control plane", "etcd"]),
                tagged("j", &["etcd", "!!"]),
                tagged("k", &["Control-Plane"]),
            ],
            vec![],
        );
        let tally = tally_site(&site);
        let tags: Vec<(&str, &str, u32)> = tally
            .tags
            .iter()
            .map(|t| (t.slug.as_str(), t.name.as_str(), t.incidents))
            .collect();
        assert_eq!(
            tags,
            [("control-plane", "Control-Plane", 2), ("etcd", "etcd", 2)]
        );
        assert_eq!(tally.incidents[0].tags, [Some(1), Some(0), Some(1)]);
        assert_eq!(
            tally.incidents[1].tags,
            [Some(1), None],
            "\"!!\" has no slug"
        );
    }

    #[test]
    fn a_stray_date_does_not_stretch_the_years_over_centuries() {
        let stray = tally_site(&dated_site(&["1901", "2018-01"])).timeline;
        assert_eq!(labels(&stray.year_periods()), vec!["1901", "2018"]);
    }
}
