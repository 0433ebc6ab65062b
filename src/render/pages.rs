//! Pure: every page of the site as a job, and each job rendered: its
//! route, its template and its own small context.

use std::collections::HashMap;

use tera::value::Key;
use tera::{Context, Tera, Value};

use super::Sink;
use super::cache::Selection;
use super::chart::{Bar, render_bar_chart};
use super::context::*;
use super::data::SiteData;
use super::splice::Splices;
use super::theme::Theme;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::plural;
use crate::model::{Incident, Site};
use crate::routes::{PageKind, Route};
use crate::tally::Tally;

pub(super) enum Job {
    Index,
    Category(usize),
    Incident(usize),
    Teams,
    Team(usize),
    Timeline,
    Review(usize),
    NotFound,
}

/// Every page of the site, the long ones first: a team's page lists
/// everything the team reported, so when they came last one core rendered
/// them alone while the other had nothing left to take.
pub(super) fn jobs(site: &Site, tally: &Tally) -> Vec<Job> {
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
pub(super) const JOBS_PER_PIECE: usize = 32;

/// The route of the page `job` renders.
pub(super) fn job_route<'s>(site: &'s Site, tally: &'s Tally, job: &Job) -> Option<Route<'s>> {
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

impl<'a> SiteData<'a> {
    pub(super) fn jobs(&self) -> Vec<Job> {
        jobs(self.site, self.tally)
    }

    /// Whether `selection` asks for the page `job` renders.
    pub(super) fn selects(&self, selection: &Selection, job: &Job) -> bool {
        if selection.everything {
            return true;
        }
        match job {
            Job::Index | Job::Teams | Job::Timeline => true,
            Job::NotFound => false,
            Job::Review(index) => self
                .site
                .reviews
                .get(*index)
                .is_some_and(|r| selection.reviews.contains(&r.date.to_string())),
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
    pub(super) fn page_context<'t>(
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
    /// Renders one page into `sink`; returns whether it was written, and
    /// any diagnostics.
    pub(super) fn render_job(
        &self,
        tera: &Tera,
        theme: &Theme,
        job: &Job,
        sink: &dyn Sink,
    ) -> (bool, Vec<Diagnostic>) {
        let mut context = Context::new();
        let mut diagnostics = Vec::new();
        let mut splices = Splices::default();
        let Some(route) = job_route(self.site, self.tally, job) else {
            return (false, diagnostics);
        };
        let Some(kind) = route.page_kind() else {
            return (false, diagnostics);
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
                    return (false, diagnostics);
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
                    return (false, diagnostics);
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
                    return (false, diagnostics);
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
                    return (false, diagnostics);
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
            Ok(html) => {
                self.put_spliced(sink, &route.output_path(), html, &splices);
                (true, diagnostics)
            }
            Err(error) => {
                diagnostics.push(theme.render_diagnostic(&error, template));
                (false, diagnostics)
            }
        }
    }

    pub(super) fn summaries_of(&self, indexes: &[usize]) -> Value {
        Value::from(
            indexes
                .iter()
                .filter_map(|&i| self.summaries.get(i).cloned())
                .collect::<Vec<Value>>(),
        )
    }

    pub(super) fn index_context(&self, context: &mut Context, splices: &mut Splices) {
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
        let occurrences =
            |indexes: &[usize]| -> u32 { indexes.iter().map(|&i| self.facts(i).occurrences).sum() };
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

    pub(super) fn category_context(
        &self,
        context: &mut Context,
        row: usize,
        splices: &mut Splices,
    ) {
        let indexes = self.by_category.get(row).map_or(&[][..], Vec::as_slice);
        context.insert_value("incidents", self.summaries_of(indexes));
        context.insert_value(
            "items_html",
            Value::safe_string(&self.items_html(indexes, splices)),
        );
        if let Some(value) = self.rows.get(row) {
            context.insert_value("category", value.clone());
        }
        // Its history, each entry with the incidents it counts: these
        // name incidents, so they stay out of the rows every page sees.
        let history = self
            .tally
            .categories
            .get(row)
            .map_or(&[][..], |r| &r.history);
        let history: Vec<Value> = history
            .iter()
            .filter_map(|entry| {
                let value = Value::from_serializable(&self.history_entry(entry)?);
                let mut map = value.into_map()?;
                map.insert(Key::Str("incidents"), self.summaries_of(&entry.incidents));
                Some(Value::from(map))
            })
            .collect();
        context.insert_value("history", Value::from(history));
    }

    pub(super) fn incident_context(
        &self,
        context: &mut Context,
        index: usize,
        incident: &'a Incident,
    ) {
        if let Some(summary) = self.summaries.get(index) {
            context.insert_value("incident", summary.clone());
        }
        let anchors = self.anchors.get(index);
        let facts = self.facts(index);
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
                    team: facts
                        .anecdote_teams
                        .get(i)
                        .and_then(|&team| self.team_ref(team)),
                    date: a.date,
                    text: a.text.as_deref(),
                    anchor,
                    url: page.link_to_fragment(base, anchor),
                }
            })
            .collect();
        context.insert("anecdotes", &anecdotes);
        if let Some(value) = facts.row.and_then(|row| self.rows.get(row)) {
            context.insert_value("category", value.clone());
        }
    }

    pub(super) fn team_context(&self, context: &mut Context, index: usize) {
        let Some(team) = self.tally.teams.get(index) else {
            return;
        };
        if let Some(summary) = self.teams.get(index) {
            context.insert_value("team", summary.clone());
        }
        let reported: Vec<Reported<'_>> = team
            .incident_indexes
            .iter()
            .filter_map(|&i| {
                let incident = self.site.incidents.get(i)?;
                let anecdote_teams = &self.facts(i).anecdote_teams;
                let anchors = self.anchors.get(i);
                let page = Route::Incident(&incident.slug);
                let base = &self.site.config.base_url;
                Some(Reported {
                    incident: self.summaries.get(i)?.clone(),
                    anecdotes: incident
                        .anecdotes
                        .iter()
                        .enumerate()
                        .filter(|(a, _)| anecdote_teams.get(*a) == Some(&index))
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

    pub(super) fn review_context(&self, context: &mut Context, index: usize) {
        let Some(review) = self.site.reviews.get(index) else {
            return;
        };
        let config = &self.site.config;
        let resolved = self.tally.reviews.get(index).map_or(&[][..], Vec::as_slice);
        let entries: Vec<ReviewEntryContext<'_>> = review
            .categories
            .iter()
            .zip(resolved)
            .filter_map(|((_, entry), facts)| {
                let position = facts.row?;
                let row = self.tally.categories.get(position)?;
                let status = facts.status.and_then(|i| config.category_statuses.get(i));
                Some(ReviewEntryContext {
                    category: self.category_ref(position)?,
                    votes: entry.votes,
                    status: status.map(|s| s.key.as_str()),
                    status_label: status.map(|s| s.label.as_str()),
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
        // What each category reported since the review before this one.
        let reported: Vec<ReportedContext<'_>> = self
            .tally
            .categories
            .iter()
            .enumerate()
            .filter_map(|(position, row)| {
                let entry = row.history.iter().find(|h| h.review == index)?;
                if entry.incidents.is_empty() {
                    return None;
                }
                Some(ReportedContext {
                    category: self.category_ref(position)?,
                    incidents: self.summaries_of(&entry.incidents),
                })
            })
            .collect();
        context.insert("review", &review_ref(index));
        context.insert("entries", &entries);
        context.insert("reported", &reported);
        context.insert("previous", &index.checked_sub(1).and_then(review_ref));
        context.insert("next", &review_ref(index + 1));
    }
}
