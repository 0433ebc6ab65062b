//! Pure: [`SiteData`], everything pages look things up in, built once per
//! render: the tally table's rows, the teams, and every incident's summary,
//! as template values shared by every page (and, for serve, each
//! incident's list entry).

use std::sync::Arc;

use rayon::prelude::*;
use tera::value::Key;
use tera::{Context, Tera, Value};

use super::cache::{RenderCache, Selection, per_incident, refresh};
use super::chart::COLOURS;
use super::context::*;
use super::feed::anecdote_anchors;
use super::markdown::{ContentPages, MarkdownOptions, MarkdownSource, render_markdown_with};
use super::splice::marker_nonce;
use super::theme::Theme;
use crate::diagnostic::Diagnostic;
use crate::model::{Date, Incident, OrderBy, RankKind, Site};
use crate::routes::{Route, tag_filter_link};
use crate::tally::{HistoryEntry, IncidentFacts, Tally};

// ---------------------------------------------------------------------------

/// Everything pages look things up in, built once per render.
pub(super) struct SiteData<'a> {
    pub(super) site: &'a Site,
    pub(super) tally: &'a Tally,
    /// Where `.md` links go.
    pub(super) pages: SitePages<'a>,
    /// Per incident: its summary as a template value.
    pub(super) summaries: Vec<Value>,
    /// Per incident: its list entry, when serve keeps them (else empty:
    /// see [`SiteData::make_summaries`]).
    pub(super) items: Vec<Arc<str>>,
    /// Per tally row: indexes of its incidents, slug order.
    pub(super) by_category: Vec<Vec<usize>>,
    /// Per incident: its anecdotes' fragment ids.
    pub(super) anchors: Vec<Arc<Vec<String>>>,
    /// Incident indexes in the lists' order (see [`in_list_order`]).
    pub(super) ordered: Vec<usize>,
    /// The tally table's rows (rank order) as template values.
    pub(super) rows: Vec<Value>,
    /// Every team's summary (slug order) as template values.
    pub(super) teams: Vec<Value>,
    /// What incident summaries refer to, made once.
    pub(super) shared: SharedRefs,
    /// Per tally row: the category as pages refer to it.
    pub(super) category_refs: Vec<Option<CategoryRef<'a>>>,
    /// Makes list placeholders no content can contain by chance.
    pub(super) marker_nonce: u64,
}

/// Category, section, status and team references as template values, in
/// the order the tally refers to them (rows, site.yaml's sections and
/// statuses, teams): one value each, shared by every summary.
#[derive(Default)]
pub(super) struct SharedRefs {
    pub(super) categories: Vec<Value>,
    pub(super) sections: Vec<Value>,
    pub(super) statuses: Vec<Value>,
    pub(super) teams: Vec<Value>,
}

/// The partial that renders one entry of an incident list.
pub(super) const ITEM_TEMPLATE: &str = "partials/incident_item.html";

/// The site's pages of content files, looked up in the site itself for
/// each `.md` link rather than in a map of every file made per render
/// (200,000 strings at 100,000 incidents, for the few links there are).
#[derive(Clone, Copy)]
pub(super) struct SitePages<'a>(pub(super) &'a Site);

/// The item of `items` (in slug order, as the site keeps them) whose
/// content file is `path`: found by its file name, else by a search.
fn by_path<'i, T>(
    items: &'i [T],
    path: &str,
    slug: impl Fn(&T) -> &str,
    file: impl Fn(&T) -> &str,
) -> Option<&'i T> {
    let stem = path.rsplit('/').next()?.strip_suffix(".md")?;
    let found = items
        .binary_search_by(|item| slug(item).cmp(stem))
        .ok()
        .and_then(|at| items.get(at))
        .filter(|item| file(item) == path);
    found.or_else(|| items.iter().find(|item| file(item) == path))
}

impl ContentPages for SitePages<'_> {
    fn page_of(&self, path: &str) -> Option<String> {
        let site = self.0;
        if path.starts_with("content/incidents/") {
            by_path(&site.incidents, path, |i| &i.slug, |i| &i.path)
                .map(|i| Route::Incident(&i.slug).path())
        } else if path.starts_with("content/categories/") {
            by_path(&site.categories, path, |c| &c.slug, |c| &c.path)
                .map(|c| Route::Category(&c.slug).path())
        } else {
            site.reviews
                .iter()
                .find(|r| r.path == path)
                .map(|r| Route::Review(r.date).path())
        }
    }

    fn files(&self) -> Vec<&str> {
        let site = self.0;
        site.categories
            .iter()
            .map(|c| c.path.as_str())
            .chain(site.incidents.iter().map(|i| i.path.as_str()))
            .chain(site.reviews.iter().map(|r| r.path.as_str()))
            .collect()
    }
}

/// The list entry of the incident whose summary is `summary`:
/// `partials/incident_item.html`, rendered for the index at the root.
pub(super) fn render_item(tera: &Tera, summary: &Value) -> tera::TeraResult<String> {
    let mut context = Context::new();
    context.insert_value("incident", summary.clone());
    context.insert("root", "");
    tera.render(ITEM_TEMPLATE, &context)
}

/// Incident indexes in site.yaml's `incidents.order_by`, ties by title
/// then slug (slugs are unique, so the order is total).
pub(super) fn in_list_order(
    incidents: &[Arc<Incident>],
    facts: &[IncidentFacts],
    order_by: OrderBy,
) -> Vec<usize> {
    use std::cmp::Reverse;
    // Keys side by side rather than read through each incident at every
    // comparison. Only one of the first two keys is set for a given order.
    type Key<'k> = (
        Reverse<Option<Date>>,
        Reverse<u32>,
        &'k str,
        &'k str,
        &'k str,
        usize,
    );
    let mut keyed: Vec<Key<'_>> = incidents
        .par_iter()
        .zip(facts)
        .enumerate()
        .map(|(index, (incident, facts))| {
            let (seen, occurrences, path) = match order_by {
                OrderBy::Title => (None, 0, ""),
                OrderBy::LastSeen => (facts.last_seen, 0, ""),
                OrderBy::Occurrences => (None, facts.occurrences, ""),
                OrderBy::File => (None, 0, incident.path.as_str()),
            };
            (
                Reverse(seen),
                Reverse(occurrences),
                path,
                incident.title.as_str(),
                incident.slug.as_str(),
                index,
            )
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|key| key.5).collect()
}

impl<'a> SiteData<'a> {
    pub(super) fn new(site: &'a Site, tally: &'a Tally) -> SiteData<'a> {
        let ordered = in_list_order(&site.incidents, &tally.incidents, site.config.order_by);
        let mut by_category = vec![Vec::new(); tally.categories.len()];
        for &index in &ordered {
            if let Some(list) = tally
                .incidents
                .get(index)
                .and_then(|facts| facts.row)
                .and_then(|row| by_category.get_mut(row))
            {
                list.push(index);
            }
        }
        let mut data = SiteData {
            site,
            tally,
            pages: SitePages(site),
            summaries: Vec::new(),
            items: Vec::new(),
            by_category,
            anchors: Vec::new(),
            ordered,
            rows: Vec::new(),
            teams: Vec::new(),
            shared: SharedRefs::default(),
            category_refs: Vec::new(),
            marker_nonce: marker_nonce(),
        };
        data.category_refs = (0..tally.categories.len())
            .map(|row| data.category_ref(row))
            .collect();
        let config = &site.config;
        let as_value = |value: Option<&CategoryRef<'_>>| {
            value.map_or_else(Value::none, Value::from_serializable)
        };
        data.shared = SharedRefs {
            categories: data
                .category_refs
                .iter()
                .map(|c| as_value(c.as_ref()))
                .collect(),
            sections: config
                .sections
                .iter()
                .map(|section| {
                    Value::from_serializable(&SectionRef {
                        slug: &section.slug,
                        title: &section.title,
                    })
                })
                .collect(),
            statuses: config
                .incident_statuses
                .iter()
                .map(|s| {
                    Value::from_serializable(&StatusRef {
                        key: &s.key,
                        label: &s.label,
                        symbol: &s.symbol,
                    })
                })
                .collect(),
            teams: (0..tally.teams.len())
                .map(|team| {
                    data.team_ref(team)
                        .map_or_else(Value::none, |t| Value::from_serializable(&t))
                })
                .collect(),
        };
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

    /// Fills `summaries`: each incident's summary as a template value.
    /// Summaries of incidents outside `selection` are taken from `cache`
    /// (a partial selection means nothing else they show changed:
    /// [`crate::invalidate`]); `cache` is then refreshed.
    ///
    /// serve also keeps each incident's list entry (`items`), rendered here
    /// with its summary, so that an edit renders only the entries it
    /// changed. A one-off build renders each entry as the list that prints
    /// it is written ([`SiteData::put_spliced`]) instead of holding them all
    /// (130 MB at 100,000 incidents).
    pub(super) fn make_summaries(
        &mut self,
        tera: &Tera,
        theme: &Theme,
        selection: &Selection,
        cache: &mut RenderCache,
    ) -> (usize, Vec<Diagnostic>) {
        // Fragment ids depend on nothing but the incident (and its teams'
        // slugs, which their names decide).
        let site = self.site;
        let anchors = per_incident(&site.incidents, selection, &cache.anchors, |index, _| {
            Arc::new(anecdote_anchors(site, index))
        });
        if cache.enabled {
            refresh(
                &mut cache.anchors,
                &self.site.incidents,
                &anchors,
                selection,
            );
        }
        self.anchors = anchors;

        let reusable = !selection.everything;
        let keep_items = cache.enabled && theme.has_template(ITEM_TEMPLATE);
        let this = &*self;
        type Made = (Value, Option<Arc<str>>, bool, Option<Diagnostic>);
        let made: Vec<Made> = self
            .site
            .incidents
            .par_iter()
            .enumerate()
            .map(|(index, incident)| {
                if reusable
                    && !selection.incidents.contains(&incident.slug)
                    && let Some(value) = cache.summaries.get(&incident.slug)
                {
                    let item = cache.items.get(&incident.slug).cloned();
                    return (value.clone(), item, true, None);
                }
                let value = this.summary_value(index, incident);
                if !keep_items {
                    return (value, None, false, None);
                }
                match render_item(tera, &value) {
                    Ok(html) => (value, Some(Arc::from(html)), false, None),
                    Err(error) => (
                        value,
                        None,
                        false,
                        Some(theme.render_diagnostic(&error, ITEM_TEMPLATE)),
                    ),
                }
            })
            .collect();
        let mut reused = 0;
        let mut diagnostics = Vec::new();
        let mut summaries = Vec::with_capacity(made.len());
        let mut items = Vec::with_capacity(if keep_items { made.len() } else { 0 });
        for (value, item, from_cache, diagnostic) in made {
            reused += usize::from(from_cache);
            diagnostics.extend(diagnostic);
            summaries.push(value);
            if keep_items {
                items.push(item.unwrap_or_else(|| Arc::from("")));
            }
        }
        if cache.enabled {
            refresh(
                &mut cache.summaries,
                &self.site.incidents,
                &summaries,
                selection,
            );
            refresh(&mut cache.items, &self.site.incidents, &items, selection);
        }
        self.summaries = summaries;
        self.items = items;
        (reused, diagnostics)
    }

    pub(super) fn base_path(&self) -> &'a str {
        &self.site.config.base_url.path
    }

    /// The link to `route` from the site's root: templates put the page's
    /// `root` before it.
    pub(super) fn link(&self, route: Route<'_>) -> String {
        route.path()
    }

    /// The team of index `team` in `tally.teams`, as pages refer to it.
    pub(super) fn team_ref(&self, team: usize) -> Option<TeamRef<'a>> {
        let team = self.tally.teams.get(team)?;
        Some(TeamRef {
            name: &team.name,
            slug: &team.slug,
            url: self.link(Route::Team(&team.slug)),
        })
    }

    /// The category of row `row` of the tally table, as pages refer to it.
    pub(super) fn category_ref(&self, row: usize) -> Option<CategoryRef<'a>> {
        let tallied = self.tally.categories.get(row)?;
        let category = self.site.categories.get(tallied.index)?;
        Some(CategoryRef {
            slug: &category.slug,
            title: &category.title,
            url: self.link(Route::Category(&category.slug)),
            colour: row % COLOURS,
        })
    }

    pub(super) fn category_rows(&self) -> Vec<CategoryRow<'a>> {
        let config = &self.site.config;
        self.tally
            .categories
            .iter()
            .enumerate()
            .filter_map(|(position, row)| {
                let category = self.site.categories.get(row.index)?;
                let status = row.status.and_then(|i| config.category_statuses.get(i));
                Some(CategoryRow {
                    slug: &category.slug,
                    title: &category.title,
                    summary: category.summary.as_deref(),
                    notes: category.notes.as_deref(),
                    efforts: &category.efforts,
                    links: LinkContext::list(&category.links, &config.base_url),
                    rank: row.rank,
                    incidents: row.incidents,
                    occurrences: row.occurrences,
                    unattributed: row.unattributed,
                    votes: row.votes,
                    status: status.map(|s| s.key.as_str()),
                    status_label: status.map(|s| s.label.as_str()),
                    since_review: row.since_review,
                    review: row.review.as_ref().map(|r| ReviewMention {
                        date: r.date,
                        recorded: r.recorded,
                        url: self.link(Route::Review(r.date)),
                    }),
                    teams: row
                        .teams
                        .iter()
                        .filter_map(|&team| self.team_ref(team))
                        .collect(),
                    first_seen: row.first_seen,
                    last_seen: row.last_seen,
                    url: self.link(Route::Category(&category.slug)),
                    colour: position % COLOURS,
                    history: row
                        .history
                        .iter()
                        .filter_map(|entry| self.history_entry(entry))
                        .collect(),
                    moved: row.moved.as_ref().and_then(|moved| {
                        let before = moved
                            .status_before
                            .and_then(|i| config.category_statuses.get(i));
                        Some(MovedContext {
                            since: self.review_ref(moved.review)?,
                            rank_before: moved.rank_before,
                            rank_change: moved.rank_change(row.rank),
                            status_before: before.map(|s| s.key.as_str()),
                            status_before_label: before.map(|s| s.label.as_str()),
                            status_changed: moved.status_before != row.status,
                        })
                    }),
                })
            })
            .collect()
    }

    /// The review of index `index` in the site, as pages link to it.
    pub(super) fn review_ref(&self, index: usize) -> Option<ReviewRef> {
        let review = self.site.reviews.get(index)?;
        Some(ReviewRef {
            date: review.date,
            url: self.link(Route::Review(review.date)),
        })
    }

    /// One entry of a category's history, as templates see it.
    pub(super) fn history_entry(&self, entry: &HistoryEntry) -> Option<HistoryEntryContext<'a>> {
        let status = entry
            .status
            .and_then(|i| self.site.config.category_statuses.get(i));
        Some(HistoryEntryContext {
            review: self.review_ref(entry.review)?,
            mentioned: entry.mentioned,
            votes: entry.votes,
            status: status.map(|s| s.key.as_str()),
            status_label: status.map(|s| s.label.as_str()),
            recorded: entry.recorded,
            rank: entry.rank,
            reported: entry.incidents.len(),
        })
    }

    /// The facts the tally derived for the incident of index `index`.
    pub(super) fn facts(&self, index: usize) -> &'a IncidentFacts {
        self.tally.facts(index)
    }

    /// The summary of the incident of index `index` as a template value,
    /// its category, section, statuses and teams shared with every other
    /// incident's.
    pub(super) fn summary_value(&self, index: usize, incident: &'a Incident) -> Value {
        let facts = self.facts(index);
        let summary = Value::from_serializable(&IncidentSummary::new(self, index, incident, facts));
        let mut map = summary.into_map().unwrap_or_default();
        // Room for exactly what is added below: a map that grew by
        // doubling kept 100,000 half-empty tables (60 MB).
        map.reserve_exact(4);
        let shared = &self.shared;
        let pick = |values: &[Value], i: Option<usize>| {
            i.and_then(|i| values.get(i))
                .cloned()
                .unwrap_or_else(Value::none)
        };
        let all = |values: &[Value], indexes: &[usize]| {
            Value::from(
                indexes
                    .iter()
                    .filter_map(|&i| values.get(i).cloned())
                    .collect::<Vec<Value>>(),
            )
        };
        map.insert(Key::Str("category"), pick(&shared.categories, facts.row));
        let refs = self.site.refs(index);
        map.insert(Key::Str("section"), pick(&shared.sections, refs.section));
        map.insert(Key::Str("statuses"), all(&shared.statuses, &refs.statuses));
        map.insert(Key::Str("teams"), all(&shared.teams, &facts.teams));
        Value::from(map)
    }

    /// Every tag of the site, in slug order, as the filter offers it.
    pub(super) fn tag_summaries(&self) -> Vec<TagSummary<'a>> {
        self.tally
            .tags
            .iter()
            .map(|tag| TagSummary {
                name: &tag.name,
                slug: &tag.slug,
                incidents: tag.incidents,
                url: tag_filter_link(&tag.slug),
            })
            .collect()
    }

    pub(super) fn team_summaries(&self) -> Vec<TeamSummary<'a>> {
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
                    .filter_map(|&row| self.category_ref(row))
                    .collect(),
            })
            .collect()
    }

    pub(super) fn site_context(&self, description_html: String) -> SiteContext<'a> {
        let config = &self.site.config;
        let base = self.base_path();
        let totals = &self.tally.totals;
        SiteContext {
            title: &config.title,
            description_html,
            summary: plain_summary(config.description.as_deref())
                .unwrap_or_else(|| config.title.clone()),
            base_url: &config.base_url.full,
            base_path: base,
            absolute: config.base_url.is_absolute(),
            as_of: self.tally.as_of,
            rank_by: config.rank_by.iter().map(|&kind| rank_name(kind)).collect(),
            totals: TotalsContext {
                categories: totals.categories,
                incidents: totals.incidents,
                occurrences: totals.occurrences,
                unattributed: totals.unattributed,
                teams: totals.teams,
                reviews: u32::try_from(self.site.reviews.len()).unwrap_or(u32::MAX),
            },
            columns: ColumnsContext {
                votes: !self.site.reviews.is_empty(),
                status: self.tally.categories.iter().any(|c| c.status.is_some()),
                since_review: self.tally.categories.iter().any(|c| c.since_review > 0),
                notes: self
                    .site
                    .categories
                    .iter()
                    .any(|c| c.notes.is_some() || !c.efforts.is_empty()),
            },
            urls: UrlsContext {
                home: self.link(Route::Index),
                categories: self.link(Route::Categories),
                reviews: (!self.site.reviews.is_empty()).then(|| self.link(Route::Reviews)),
                timeline: self.link(Route::Timeline),
                teams: self.link(Route::Teams),
                feed: self.link(Route::Feed),
                sitemap: self.link(Route::Sitemap),
                data_json: self.link(Route::DataJson),
                incidents_csv: self.link(Route::IncidentsCsv),
                search_index: self.link(Route::SearchIndex),
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

    /// `text` as HTML for a page whose way to the site's root is `root`
    /// (see [`Route::root`]).
    pub(super) fn markdown(
        &self,
        text: &str,
        path: &str,
        first_line: Option<u32>,
        root: &str,
        top_heading: u8,
    ) -> (String, Vec<Diagnostic>) {
        render_markdown_with(
            text,
            Some(MarkdownSource { path, first_line }),
            &MarkdownOptions {
                raw_html: self.site.config.raw_html,
                pages: Some(&self.pages),
                root,
                top_heading,
            },
        )
    }
}

/// The first paragraph of a Markdown `description` as plain text (its
/// words, without links or markup), cut at a word near 200 characters:
/// enough for a meta description.
pub(super) fn plain_summary(description: Option<&str>) -> Option<String> {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::new();
    for event in Parser::new(description?) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) if !text.trim().is_empty() => break,
            _ => {}
        }
    }
    let mut summary = String::new();
    for word in text.split_whitespace() {
        if summary.len() + word.len() > 200 {
            summary.push('…');
            break;
        }
        if !summary.is_empty() {
            summary.push(' ');
        }
        summary.push_str(word);
    }
    (!summary.is_empty()).then_some(summary)
}

pub(super) fn rank_name(kind: RankKind) -> &'static str {
    match kind {
        RankKind::Occurrences => "occurrences",
        RankKind::Votes => "votes",
        RankKind::Incidents => "incidents",
        RankKind::SinceReview => "since_review",
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{ContentPages, SitePages, plain_summary};
    use crate::model::SiteConfig;
    use crate::model::fixtures::{category, incident};
    use crate::validate::resolve_site;

    #[test]
    fn a_content_file_s_page_is_found_in_the_site() {
        let mut nested = incident("b", "m", &[]);
        nested.path = "content/incidents/web/b.md".into();
        let site = resolve_site(
            SiteConfig::with_title("T".into()),
            vec![category("m", "M")],
            // Out of slug order, as a hand-made site may be.
            vec![
                Arc::new(incident("c", "m", &[])),
                Arc::new(nested),
                Arc::new(incident("a", "m", &[])),
            ],
            vec![],
        );
        let pages = SitePages(&site);
        for (file, page) in [
            ("content/incidents/a.md", Some("incidents/a/index.html")),
            ("content/incidents/web/b.md", Some("incidents/b/index.html")),
            ("content/incidents/c.md", Some("incidents/c/index.html")),
            ("content/categories/m.md", Some("categories/m/index.html")),
            // The right name in the wrong folder is no page.
            ("content/incidents/b.md", None),
            ("content/incidents/d.md", None),
            ("content/reviews/2018-01-01.md", None),
        ] {
            assert_eq!(pages.page_of(file).as_deref(), page, "{file}");
        }
        assert_eq!(pages.files().len(), 4);
    }

    #[test]
    fn a_summary_is_the_first_paragraph_s_words() {
        let text = "Where our *architecture* slows teams down. See the [monolith](m.md).\n\nMore.";
        assert_eq!(
            plain_summary(Some(text)).as_deref(),
            Some("Where our architecture slows teams down. See the monolith.")
        );
        let long = "word ".repeat(100);
        let cut = plain_summary(Some(&long)).unwrap();
        assert!(cut.len() <= 204 && cut.ends_with('…'), "{cut}");
        assert_eq!(plain_summary(Some("  \n\n")), None);
        assert_eq!(plain_summary(None), None);
    }
}
