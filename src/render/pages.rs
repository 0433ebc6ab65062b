//! Pure: every page of the site as a job, and each job rendered: its
//! route, its template and its own small context.
use tera::value::Key;
use tera::{Context, Tera, Value};

use super::Sink;
use super::cache::Selection;
use super::chart::{Bar, Segment, render_bar_chart};

/// Incidents a bar of the home page's chart shows one by one.
const CHART_SEGMENTS: usize = 8;
use super::context::*;
use super::data::SiteData;
use super::splice::Splices;
use super::theme::Theme;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::plural;
use crate::model::{GroupBy, Incident, Site};
use crate::routes::{PageKind, Route};
use crate::tally::Tally;

pub(super) enum Job {
    Index,
    Categories,
    Category(usize),
    Incident(usize),
    Teams,
    Team(usize),
    Timeline,
    Reviews,
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
    jobs.extend([Job::Categories, Job::Teams, Job::Timeline, Job::NotFound]);
    if !site.reviews.is_empty() {
        jobs.push(Job::Reviews);
    }
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
        Job::Categories => Route::Categories,
        Job::Reviews => Route::Reviews,
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
            Job::Index | Job::Categories | Job::Teams | Job::Timeline | Job::Reviews => true,
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

    /// `page`: the page of `route`, under `title`, made from the content
    /// file `source` (a path from the site's root) if any.
    pub(super) fn page_context<'t>(
        &self,
        kind: PageKind,
        title: &'t str,
        description: Option<&'t str>,
        route: Route<'_>,
        source: Option<&str>,
    ) -> PageContext<'t> {
        let config = &self.site.config;
        let base = &config.base_url;
        let edit_url = source
            .zip(config.repository.as_ref())
            .map(|(path, repository)| repository.edit_url(path));
        // A report is an anecdote added to the incident's own file.
        let report_url = edit_url.clone().filter(|_| kind == PageKind::Incident);
        PageContext {
            kind: kind.name(),
            title,
            url: route.path(),
            permalink: route.permalink(base),
            description,
            edit_url,
            report_url,
        }
    }

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
        let root = route.root(&self.site.config.base_url);
        // The content file the page is made from, for its edit link.
        let mut source: Option<&str> = None;
        // The page's own summary for its meta description, if it has one.
        let mut description: Option<&str> = None;
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
                let (body_html, mut found) = self.markdown(
                    &category.body,
                    &category.path,
                    Some(category.body_line),
                    &root,
                    3,
                );
                diagnostics.append(&mut found);
                context.insert("body_html", &body_html);
                self.category_context(&mut context, *row);
                source = Some(&category.path);
                description = category.summary.as_deref();
                category.title.clone()
            }
            Job::Incident(index) => {
                let Some(incident) = self.site.incidents.get(*index) else {
                    return (false, diagnostics);
                };
                let (body_html, mut found) = self.markdown(
                    &incident.body,
                    &incident.path,
                    Some(incident.body_line),
                    &root,
                    3,
                );
                diagnostics.append(&mut found);
                context.insert("body_html", &body_html);
                self.incident_context(&mut context, *index, incident);
                source = Some(&incident.path);
                incident.title.clone()
            }
            Job::Teams => "Teams".into(),
            Job::Categories => "Categories".into(),
            Job::Reviews => "Reviews".into(),
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
                    self.markdown(&review.body, &review.path, Some(review.body_line), &root, 3);
                diagnostics.append(&mut found);
                context.insert("body_html", &body_html);
                self.review_context(&mut context, *index);
                source = Some(&review.path);
                format!("Review of {}", review.date)
            }
            Job::NotFound => "Page not found".into(),
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            // A broken link fails the render: nothing to hand the sink
            // (serve would otherwise publish the page before it knew).
            return (false, diagnostics);
        }
        context.insert(
            "page",
            &self.page_context(kind, &title, description, route, source),
        );
        context.insert("root", &root);
        let template = kind.template();
        match tera.render(template, &context) {
            Ok(html) => {
                let failed =
                    self.put_spliced(tera, theme, sink, &route.output_path(), html, &splices);
                let written = failed.is_none();
                diagnostics.extend(failed);
                (written, diagnostics)
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
        let occurrences =
            |indexes: &[usize]| -> u32 { indexes.iter().map(|&i| self.facts(i).occurrences).sum() };
        let mut groups: Vec<GroupContext<'_>> = Vec::new();
        match config.group_by {
            GroupBy::Category => {
                for (row, indexes) in self.by_category.iter().enumerate() {
                    let Some(category) = self.category_ref(row) else {
                        continue;
                    };
                    if indexes.is_empty() {
                        continue;
                    }
                    groups.push(GroupContext {
                        slug: Some(category.slug),
                        title: Some(category.title),
                        category: Some(category),
                        occurrences: occurrences(indexes),
                        incidents: self.summaries_of(indexes),
                        items_html: self.items_html(indexes, splices),
                    });
                }
            }
            GroupBy::Section => {
                let mut by_section: Vec<Vec<usize>> = vec![Vec::new(); config.sections.len()];
                let mut unsectioned = Vec::new();
                for &index in &self.ordered {
                    match self
                        .site
                        .refs(index)
                        .section
                        .and_then(|section| by_section.get_mut(section))
                    {
                        Some(list) => list.push(index),
                        None => unsectioned.push(index),
                    }
                }
                for (section, indexes) in config.sections.iter().zip(&by_section) {
                    if !indexes.is_empty() {
                        groups.push(GroupContext {
                            slug: Some(&section.slug),
                            title: Some(&section.title),
                            category: None,
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
                        category: None,
                        occurrences: occurrences(&unsectioned),
                        incidents: self.summaries_of(&unsectioned),
                        items_html: self.items_html(&unsectioned, splices),
                    });
                }
            }
        }
        context.insert("groups", &groups);
        context.insert_value("chart_svg", Value::safe_string(&self.concentration_chart()));
    }

    /// The home page's chart: each category's occurrences as a bar made
    /// of its incidents, largest first, so that one long segment (one
    /// problem that many teams hit) looks different from many short ones
    /// (a broad area of pain). Past [`CHART_SEGMENTS`] incidents the rest
    /// are one segment.
    pub(super) fn concentration_chart(&self) -> String {
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
            .zip(&self.by_category)
            .filter_map(|((row, url), indexes)| {
                let category = self.site.categories.get(row.index)?;
                let mut sizes: Vec<(u32, &str)> = indexes
                    .iter()
                    .filter_map(|&i| {
                        let incident = self.site.incidents.get(i)?;
                        Some((self.facts(i).occurrences, incident.title.as_str()))
                    })
                    .collect();
                sizes.sort_by_key(|s| std::cmp::Reverse(s.0));
                let mut segments: Vec<Segment<'_>> = sizes
                    .iter()
                    .take(CHART_SEGMENTS)
                    .enumerate()
                    .map(|(n, &(value, name))| Segment {
                        class: if n == 0 { "bar-top" } else { "bar-rest" },
                        value,
                        name,
                    })
                    .collect();
                let rest: u32 = sizes.iter().skip(CHART_SEGMENTS).map(|s| s.0).sum();
                if rest > 0 {
                    segments.push(Segment {
                        class: "bar-more",
                        value: rest,
                        name: "Smaller incidents",
                    });
                }
                let occurrences = plural(row.occurrences, "occurrence", "occurrences");
                let incidents = format!(" in {}", plural(row.incidents, "incident", "incidents"));
                let largest = match sizes.first() {
                    Some(&(top, _)) if row.incidents > 1 => {
                        format!("; the largest has {top}")
                    }
                    _ => String::new(),
                };
                Some(Bar {
                    label: &category.title,
                    url: Some(url),
                    segments,
                    description: format!("{}: {occurrences}{incidents}{largest}", category.title),
                    value_text: occurrences,
                    value_more: incidents,
                })
            })
            .collect();
        render_bar_chart(
            "occurrences-chart",
            "Occurrences per category, split into incidents",
            &bars,
        )
    }

    pub(super) fn category_context(&self, context: &mut Context, row: usize) {
        // Listed through the entry partial, not the index's entries: links
        // are relative, and this page is two folders down.
        let indexes = self.by_category.get(row).map_or(&[][..], Vec::as_slice);
        context.insert_value("incidents", self.summaries_of(indexes));
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
        context.insert("about", &incident.about);
        let anchors = self.anchors.get(index);
        let facts = self.facts(index);
        let page = Route::Incident(&incident.slug);
        let anecdotes: Vec<AnecdoteContext<'_>> = incident
            .anecdotes
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let anchor = anchors
                    .and_then(|list| list.get(i))
                    .map_or("", String::as_str);
                AnecdoteContext {
                    team: self
                        .site
                        .refs(index)
                        .anecdote_teams
                        .get(i)
                        .and_then(|&team| team.and_then(|team| self.team_ref(team))),
                    date: a.date,
                    text: a.text.as_deref(),
                    anchor,
                    url: page.path_to_fragment(anchor),
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
                let anecdote_teams = &self.site.refs(i).anecdote_teams;
                let anchors = self.anchors.get(i);
                let page = Route::Incident(&incident.slug);
                Some(Reported {
                    incident: self.summaries.get(i)?.clone(),
                    anecdotes: incident
                        .anecdotes
                        .iter()
                        .enumerate()
                        .filter(|(a, _)| anecdote_teams.get(*a) == Some(&Some(index)))
                        .map(|(a, anecdote)| {
                            let anchor = anchors
                                .and_then(|list| list.get(a))
                                .map_or("", String::as_str);
                            AnecdoteContext {
                                team: None,
                                date: anecdote.date,
                                text: anecdote.text.as_deref(),
                                anchor,
                                url: page.path_to_fragment(anchor),
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
        let refs = self
            .site
            .review_refs
            .get(index)
            .map_or(&[][..], Vec::as_slice);
        let entries: Vec<ReviewEntryContext<'_>> = review
            .categories
            .iter()
            .zip(resolved)
            .zip(refs)
            .filter_map(|(((_, entry), facts), refs)| {
                let position = facts.row?;
                let row = self.tally.categories.get(position)?;
                let status = refs.status.and_then(|i| config.category_statuses.get(i));
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
        let discussed: Vec<usize> = resolved.iter().filter_map(|facts| facts.row).collect();
        let not_discussed: Vec<CategoryRef<'_>> = (0..self.tally.categories.len())
            .filter(|row| !discussed.contains(row))
            .filter_map(|row| self.category_ref(row))
            .collect();
        context.insert("review", &review_ref(index));
        context.insert("entries", &entries);
        context.insert("not_discussed", &not_discussed);
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
        context.insert("reported", &reported);
        context.insert("previous", &index.checked_sub(1).and_then(review_ref));
        context.insert("next", &review_ref(index + 1));
    }
}
