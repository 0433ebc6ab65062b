//! The pipeline with what it read and parsed kept between runs.
//!
//! Reads files (I/O): content through [`crate::load`], themes through
//! [`crate::render::load_theme`].
//!
//! `build` and `check` run a session once. `serve` keeps one open: when only
//! incident files changed, [`Session::update_incidents`] re-reads and
//! re-parses those files alone; anything else (site.yaml, a category, a
//! review, a theme) goes through [`Session::reload`], which reads
//! everything again. Either way the next [`Session::render`] renders only
//! the pages that [`crate::invalidate::pages_to_render`] says the edit
//! touched, reusing every other incident's summary.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, plural, sort_diagnostics};
use crate::invalidate::{Snapshot, pages_to_render};
use crate::load::{self, ContentKind, classify, is_ignored_name};
use crate::model::{Category, Incident, Review, Site, SiteConfig};
use crate::parse::{SourceFile, parse_category, parse_incident, parse_review, parse_site_config};
use crate::render::{RenderCache, Sink, Theme, load_theme, render_selection};
use crate::tally::{Tally, tally_site};
use crate::validate::{LinkSource, Sources, resolve_site, validate_links, validate_site};
use crate::{BuildOptions, BuildOutcome, BuiltSite, Phase};

/// A site's sources and their parsed values, ready to render again.
#[derive(Debug)]
pub struct Session {
    options: BuildOptions,
    /// Every content file read, by path (site.yaml included).
    sources: BTreeMap<String, SourceFile>,
    /// What the walk itself found wrong (skipped links, unreadable files).
    load_diagnostics: Vec<Diagnostic>,
    /// Each file's parse problems, by path.
    parse_diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    config: Option<SiteConfig>,
    /// Parsed values of each kind, in path byte order.
    categories: Vec<Category>,
    /// Slugs of every category file, parsed or not.
    category_files: Vec<String>,
    incidents: Vec<Arc<Incident>>,
    reviews: Vec<Review>,
    theme: Option<Theme>,
    theme_diagnostics: Vec<Diagnostic>,
    cache: RenderCache,
    /// What the last successful render was made from (serve only).
    last: Option<Snapshot>,
    phases: Vec<Phase>,
    timer: Instant,
}

/// What `path` (relative to the root) is, if it is an incident file that an
/// incremental update may handle: not hidden, not a link.
fn incremental_incident(root: &Path, path: &str) -> bool {
    classify(path) == Some(ContentKind::Incident)
        && !path.split('/').any(is_ignored_name)
        && match fs::symlink_metadata(root.join(path)) {
            Ok(meta) => meta.file_type().is_file(),
            Err(error) => error.kind() == std::io::ErrorKind::NotFound,
        }
}

impl Session {
    /// Reads and parses every file of the site.
    pub fn open(options: &BuildOptions) -> Session {
        let mut session = Session {
            options: options.clone(),
            sources: BTreeMap::new(),
            load_diagnostics: Vec::new(),
            parse_diagnostics: BTreeMap::new(),
            config: None,
            categories: Vec::new(),
            category_files: Vec::new(),
            incidents: Vec::new(),
            reviews: Vec::new(),
            theme: None,
            theme_diagnostics: Vec::new(),
            cache: RenderCache::kept(),
            last: None,
            phases: Vec::new(),
            timer: Instant::now(),
        };
        session.reload();
        session
    }

    fn phase(&mut self, name: &'static str, detail: String) {
        let now = Instant::now();
        self.phases.push(Phase {
            name,
            duration: now - self.timer,
            detail,
        });
        self.timer = now;
    }

    /// Forgets everything and reads the whole site again.
    pub fn reload(&mut self) {
        self.timer = Instant::now();
        let content = load::load_content(&self.options.root);
        let file_count = content.categories.len()
            + content.incidents.len()
            + content.reviews.len()
            + usize::from(content.site.is_some());
        self.load_diagnostics = content.diagnostics;
        self.phase(
            "load",
            format!("read {}", plural(file_count, "file", "files")),
        );

        self.parse_diagnostics.clear();
        self.config = None;
        if let Some(file) = &content.site {
            let (config, found) = parse_site_config(file);
            self.config = config;
            self.note(&file.path, found);
        }
        self.category_files = content.categories.iter().map(|f| f.slug.clone()).collect();
        self.categories = self.parse_all(&content.categories, parse_category);
        self.incidents = self
            .parse_all(&content.incidents, parse_incident)
            .into_iter()
            .map(Arc::new)
            .collect();
        self.reviews = self.parse_all(&content.reviews, parse_review);
        self.sources = content
            .site
            .into_iter()
            .chain(content.categories)
            .chain(content.incidents)
            .chain(content.reviews)
            .map(|file| (file.path.clone(), file))
            .collect();
        self.phase(
            "parse",
            format!(
                "{} categories, {} incidents, {} reviews",
                self.categories.len(),
                self.incidents.len(),
                self.reviews.len()
            ),
        );

        // The theme is named by site.yaml; without a readable site.yaml there
        // is nothing to render, so no theme is compiled either.
        self.theme = None;
        self.theme_diagnostics.clear();
        if let Some(config) = &self.config {
            let site_file = self.sources.get("content/site.yaml");
            let (theme, found) = load_theme(&self.options.root, &config.theme, site_file);
            self.theme = theme;
            self.theme_diagnostics = found;
        }
        self.phase("theme", "compiled templates".to_owned());
    }

    fn note(&mut self, path: &str, found: Vec<Diagnostic>) {
        if found.is_empty() {
            self.parse_diagnostics.remove(path);
        } else {
            self.parse_diagnostics.insert(path.to_owned(), found);
        }
    }

    /// Parses every file of one kind in parallel, keeping path order.
    fn parse_all<T: Send>(
        &mut self,
        files: &[SourceFile],
        parse_one: impl Fn(&SourceFile) -> (Option<T>, Vec<Diagnostic>) + Sync + Send,
    ) -> Vec<T> {
        let results: Vec<(Option<T>, Vec<Diagnostic>)> = files.par_iter().map(parse_one).collect();
        let mut values = Vec::with_capacity(results.len());
        for (file, (value, found)) in files.iter().zip(results) {
            self.note(&file.path, found);
            values.extend(value);
        }
        values
    }

    /// Whether every path in `changed` (relative to the root) is an incident
    /// file, so that [`Session::update_incidents`] can take them in.
    pub fn can_update(&self, changed: &[String]) -> bool {
        self.config.is_some()
            && !changed.is_empty()
            && changed
                .iter()
                .all(|path| incremental_incident(&self.options.root, path))
    }

    /// Re-reads and re-parses the incident files of `paths` (each one
    /// passed [`Session::can_update`]); a file that is gone is dropped.
    pub fn update_incidents(&mut self, paths: &[String]) {
        self.phases.clear();
        self.timer = Instant::now();
        for path in paths {
            self.load_diagnostics
                .retain(|d| d.file.as_deref() != Some(path.as_str()));
            self.parse_diagnostics.remove(path);
            self.sources.remove(path);
            let position = self
                .incidents
                .binary_search_by(|i| i.path.as_bytes().cmp(path.as_bytes()));
            if let Ok(index) = position {
                self.incidents.remove(index);
            }
            let file = match load::read_file(&self.options.root, path) {
                Ok(Some(file)) => file,
                Ok(None) => continue,
                Err(diagnostic) => {
                    self.load_diagnostics.push(diagnostic);
                    continue;
                }
            };
            let (incident, found) = parse_incident(&file);
            self.note(path, found);
            if let Some(incident) = incident {
                let index = self
                    .incidents
                    .partition_point(|i| i.path.as_bytes() < path.as_bytes());
                self.incidents.insert(index, Arc::new(incident));
            }
            self.sources.insert(path.clone(), file);
        }
        self.phase(
            "parse",
            plural(
                paths.len(),
                "changed incident file",
                "changed incident files",
            ),
        );
    }

    /// Validates, tallies and renders into `sink` what changed since the
    /// last successful render (everything the first time).
    ///
    /// The outcome carries every diagnostic of the site; `built` is `None`
    /// when an error stopped it (the sink may then hold part of a site, to
    /// be discarded).
    pub fn render(&mut self, sink: &dyn Sink) -> BuildOutcome {
        // A session that keeps no render cache ends with this render.
        let keep = self.cache.is_kept();
        let mut diagnostics: Vec<Diagnostic> = self.load_diagnostics.clone();
        for found in self.parse_diagnostics.values() {
            diagnostics.extend(found.iter().cloned());
        }
        if let Some(config) = self.config.as_mut()
            && let Some(base_url) = &self.options.base_url
        {
            config.base_url = base_url.clone();
        }
        // Checking the site and resolving it (then tallying) are
        // independent: they run side by side, and the resolved site is
        // thrown away if the check finds an error.
        let validate = || -> (Vec<Diagnostic>, Duration) {
            let timer = Instant::now();
            let sources: Sources<'_> = self
                .sources
                .values()
                .map(|f| (f.path.as_str(), f.text.as_str()))
                .collect();
            let category_files: Vec<&str> =
                self.category_files.iter().map(String::as_str).collect();
            let found = validate_site(
                self.config.as_ref(),
                &self.categories,
                &category_files,
                &self.incidents,
                &self.reviews,
                &sources,
            );
            (found, timer.elapsed())
        };
        let tally = || -> Option<(Site, Tally, Duration)> {
            let timer = Instant::now();
            let config = self.config.as_ref()?;
            self.theme.as_ref()?;
            let mut categories = self.categories.clone();
            let mut incidents = self.incidents.clone();
            let mut reviews = self.reviews.clone();
            if !self.options.drafts {
                incidents.retain(|i| !i.draft);
            }
            categories.sort_by(|a, b| a.slug.cmp(&b.slug));
            // Slugs are unique once validation passes; otherwise this site
            // is thrown away.
            incidents.par_sort_unstable_by(|a, b| a.slug.cmp(&b.slug));
            reviews.sort_by_key(|r| r.date);
            let site = resolve_site(config.clone(), categories, incidents, reviews);
            let tally = tally_site(&site);
            Some((site, tally, timer.elapsed()))
        };
        let ((found, validate_time), prepared) = rayon::join(validate, tally);
        diagnostics.extend(found);
        diagnostics.extend(self.theme_diagnostics.iter().cloned());
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        if has_errors {
            // No render, so no link check on the way: check links alone,
            // so broken links show with the other errors.
            diagnostics.extend(self.validate_links());
        }
        if !keep {
            // Only validation quotes the files; rendering quotes the bodies
            // it holds. A one-off build frees the texts here, and its
            // parsed values live on in the site alone.
            self.sources = BTreeMap::new();
            self.categories = Vec::new();
            self.incidents = Vec::new();
            self.reviews = Vec::new();
        }
        self.phases.push(Phase {
            name: "validate",
            duration: validate_time,
            detail: plural(diagnostics.len(), "problem", "problems"),
        });

        let mut built = None;
        if let (Some(theme), false, Some((site, tally, tally_time))) =
            (&self.theme, has_errors, prepared)
        {
            let now = Snapshot {
                site: Arc::new(site),
                tally: Arc::new(tally),
                theme: theme.fingerprint,
            };
            let selection = pages_to_render(self.last.as_ref(), &now);
            let Snapshot { site, tally, .. } = &now;
            self.phases.push(Phase {
                name: "tally",
                duration: tally_time,
                detail: format!(
                    "{} occurrences, {} teams (alongside validate)",
                    tally.totals.occurrences, tally.totals.teams
                ),
            });
            self.timer = Instant::now();
            match render_selection(site, tally, theme, &selection, &mut self.cache, sink) {
                Ok(report) => {
                    let mut detail = format!("{} files", report.files);
                    if report.reused > 0 {
                        detail.push_str(&format!(" ({} incident summaries reused)", report.reused));
                    }
                    self.phase("render", detail);
                    self.phases
                        .extend(report.stages.iter().map(|&(name, duration)| Phase {
                            name,
                            duration,
                            detail: String::new(),
                        }));
                    built = Some(BuiltSite {
                        site: Arc::clone(site),
                        tally: Arc::clone(tally),
                        files: report.files,
                        selection,
                    });
                    if keep {
                        self.last = Some(now);
                    }
                }
                Err(mut found) => {
                    diagnostics.append(&mut found);
                    // The cache may hold entries of this failed render:
                    // start afresh next time.
                    self.cache = RenderCache::kept();
                    self.last = None;
                }
            }
        }
        sort_diagnostics(&mut diagnostics);
        BuildOutcome {
            diagnostics,
            built,
            phases: std::mem::take(&mut self.phases),
        }
    }

    /// `broken-link` errors of every text rendering would show, without
    /// rendering: links to content files that will have no page. A file
    /// that failed to parse still counts as a page (its own errors say what
    /// is wrong with it); a draft does not, unless drafts are built.
    fn validate_links(&self) -> Vec<Diagnostic> {
        let drafts: HashSet<&str> = if self.options.drafts {
            HashSet::new()
        } else {
            self.incidents
                .iter()
                .filter(|i| i.draft)
                .map(|i| i.path.as_str())
                .collect()
        };
        let pages = self
            .sources
            .keys()
            .map(String::as_str)
            .filter(|path| *path != "content/site.yaml" && !drafts.contains(path));
        let description = self
            .config
            .as_ref()
            .and_then(|c| c.description.as_deref())
            .map(|text| LinkSource {
                text,
                path: "content/site.yaml",
                first_line: None,
            });
        let bodies = self
            .categories
            .iter()
            .map(|c| (&c.body, &c.path, c.body_line))
            .chain(
                self.incidents
                    .iter()
                    .filter(|i| !drafts.contains(i.path.as_str()))
                    .map(|i| (&i.body, &i.path, i.body_line)),
            )
            .chain(self.reviews.iter().map(|r| (&r.body, &r.path, r.body_line)))
            .map(|(text, path, line)| LinkSource {
                text,
                path,
                first_line: Some(line),
            });
        validate_links(pages, description.into_iter().chain(bodies))
    }

    /// Renders everything once, giving the parsed values to the site rather
    /// than copying them (`build` and `check`: the session ends here).
    pub fn render_once(mut self, sink: &dyn Sink) -> BuildOutcome {
        self.cache = RenderCache::default();
        self.last = None;
        self.render(sink)
    }
}
