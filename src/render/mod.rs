//! The site rendered to `(path, bytes)` for every output file, handed to a
//! [`Sink`] as each page is ready: memory for serve and check, the staging
//! folder of [`crate::output`] for build (so a 100,000-incident site never
//! sits in memory whole).
//!
//! Every module here is pure but one: [`theme`] reads theme folders from
//! disk (I/O) and compiles them; the rest are functions on values.
//!
//! - [`theme`]: the embedded default theme, theme folders and `extends`,
//!   compiled once per build. **I/O.**
//! - [`data`]: what every page looks things up in, built once per render
//!   (the tally table's rows, the teams, every incident's summary).
//! - [`context`]: the values templates receive, one struct per table of
//!   docs/templates.md.
//! - [`pages`]: every page as a job; each rendered through its template.
//! - [`splice`]: long incident lists written into rendered pages.
//! - [`timeline`]: the timeline page's tables and charts.
//! - [`cache`]: what serve re-renders ([`Selection`]) and keeps
//!   ([`RenderCache`]).
//! - [`markdown`]: bodies to HTML, `.md` links to page URLs, broken links.
//! - [`chart`]: the inline SVG charts, the one piece of markup written in
//!   Rust (it is not meant to be themed).
//! - [`feed`]: feed.xml and sitemap.xml.
//! - [`search`]: what the index's filter searches: each entry's
//!   `search_text` and search-index.json.
//!
//! What every page shares (the site, the tally table, statuses, sections,
//! teams) is serialised once into tera's global context; each page adds
//! only its own small context. Incident summaries, which the index, the
//! category pages and the team pages all list, are turned into template
//! values once and shared (tera values are reference-counted). Each
//! incident's list entry (`partials/incident_item.html`) is written into
//! the index's `items_html` placeholders as the index is written ([`splice`]);
//! serve keeps the entries between renders. Pages render on both
//! cores. The variables each template receives are documented in
//! `docs/templates.md`.

pub mod cache;
pub mod chart;
pub mod context;
pub mod data;
pub mod feed;
pub mod markdown;
pub mod pages;
pub mod search;
pub mod splice;
pub mod theme;
pub mod timeline;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tera::Value;

use crate::diagnostic::Diagnostic;
use crate::export::{
    incident_csv_row, incident_csv_rows, incident_json, incident_json_fragments, write_data_json,
    write_incidents_csv,
};
use crate::model::Site;
use crate::routes::Route;
use crate::tally::Tally;

pub use cache::{RenderCache, Selection};
use cache::{per_incident, refresh};
use context::ReviewSummary;
use data::SiteData;
use feed::{render_feed, render_sitemap};
pub use markdown::{MarkdownOptions, MarkdownSource, render_markdown, render_markdown_with};
pub use pages::page_paths;
use pages::{JOBS_PER_PIECE, Job, job_route};
use search::{incident_words, search_text, write_search_index};
pub use theme::{Theme, load_default_theme, load_theme};

/// The file that marks an output folder as frictionlog's own (docs/format.md, "Other files").
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

    /// Takes one output file that `write` writes piece by piece, so that a
    /// long one (a list of every incident, data.json) never sits in memory
    /// whole. By default the pieces are gathered and handed to
    /// [`Sink::put`], in a buffer of `size_hint` bytes to start with (the
    /// file's length when the caller knows it, so that serve's 10 MB index
    /// is not copied again each time its buffer doubles). `write` fails
    /// only when the sink's writer does.
    fn put_with(
        &self,
        path: &str,
        size_hint: usize,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) {
        let mut bytes = Vec::with_capacity(size_hint);
        if write(&mut bytes).is_ok() {
            self.put(path, bytes);
        }
    }

    /// Output paths of pages this sink wants before the others, if any:
    /// serve publishes the page being edited the moment it is rendered.
    fn first_pages(&self) -> &[String] {
        &[]
    }
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

    fn put_with(
        &self,
        _path: &str,
        _size_hint: usize,
        write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) {
        let _ = write(&mut std::io::sink());
    }
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

/// Renders every output file of the site into `sink`: the pages through
/// the theme, feed.xml, sitemap.xml, data.json, incidents.csv,
/// search-index.json and the theme's static files. Errors (template errors, broken links) are all
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
        Some(description) => data.markdown(description, "content/site.yaml", None, "", 2),
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
    globals.insert("tags", &data.tag_summaries());
    let reviews: Vec<ReviewSummary> = site
        .reviews
        .iter()
        .map(|r| ReviewSummary {
            date: r.date,
            url: Route::Review(r.date).path(),
            categories: r.categories.len(),
            votes: r.categories.iter().filter_map(|(_, e)| e.votes).sum(),
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
        let json = per_incident(&site.incidents, selection, &cache.json, |index, i| {
            Arc::from(incident_json(site, tally, index, i))
        });
        let csv_rows = per_incident(&site.incidents, selection, &cache.csv, |index, i| {
            Arc::from(incident_csv_row(site, tally, index, i))
        });
        refresh(&mut cache.json, &site.incidents, &json, selection);
        refresh(&mut cache.csv, &site.incidents, &csv_rows, selection);
        (json, csv_rows)
    } else {
        (Vec::new(), Vec::new())
    };
    // Written straight to the sink, a fragment at a time, while the pages
    // render on the other core; so are the search index's words (kept by
    // serve like the above), which it returns for the cache.
    let search_cache = &cache.search;
    let write_exports = || {
        sink.put_with(
            &Route::DataJson.output_path(),
            joined_len(&json),
            &mut |out| {
                if cache.enabled {
                    write_data_json(site, tally, json.iter(), out)
                } else {
                    write_data_json(site, tally, incident_json_fragments(site, tally), out)
                }
            },
        );
        sink.put_with(
            &Route::IncidentsCsv.output_path(),
            joined_len(&csv_rows),
            &mut |out| {
                if cache.enabled {
                    write_incidents_csv(csv_rows.iter(), out)
                } else {
                    write_incidents_csv(incident_csv_rows(site, tally), out)
                }
            },
        );
        let words = per_incident(&site.incidents, selection, search_cache, |index, i| {
            let facts = tally.facts(index);
            Arc::from(incident_words(i, &search_text(site, tally, i, facts)))
        });
        sink.put_with(
            &Route::SearchIndex.output_path(),
            joined_len(&words),
            &mut |out| write_search_index(site, &words, out),
        );
        words
    };

    let mut jobs = data.jobs();
    let first = sink.first_pages();
    if !first.is_empty() {
        // Each job's path made once; the rest keep their order, the long
        // pages first.
        let (mut wanted, rest): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|job| {
            job_route(site, tally, job).is_some_and(|route| first.contains(&route.output_path()))
        });
        wanted.extend(rest);
        jobs = wanted;
    }
    let (results, (feed, search_words)) = rayon::join(
        || -> Vec<(bool, Vec<Diagnostic>)> {
            jobs.par_iter()
                .with_max_len(JOBS_PER_PIECE)
                .filter(|job| data.selects(selection, job))
                .map(|job| data.render_job(&tera, theme, job, sink))
                .collect()
        },
        || rayon::join(|| render_feed(site, tally, &data.anchors), write_exports),
    );
    if cache.enabled {
        refresh(&mut cache.search, &site.incidents, &search_words, selection);
    }
    report.files += 3;
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
    // Build says so when there is none.
    if site.config.base_url.has_sitemap() {
        put(&Route::Sitemap.output_path(), render_sitemap(&pages, site));
    }
    put(&Route::Feed.output_path(), feed);
    if selection.everything {
        put(OUTPUT_MARKER, OUTPUT_MARKER_TEXT.to_vec());
        for (name, bytes) in &theme.statics {
            put(&Route::Static(name).output_path(), bytes.clone());
        }
    }
    stage("render/pages");
    report.stages = stages;
    // Nothing here reads the summaries again: free them on the other core
    // while the caller publishes, not on this one (22 ms of a
    // 10,000-incident build, on one core). serve's cache keeps its own.
    let summaries = std::mem::take(&mut data.summaries);
    let anchors = std::mem::take(&mut data.anchors);
    rayon::spawn(move || drop((summaries, anchors)));
    Ok(report)
}

/// About the length of a file made of `pieces` (each with a separator),
/// for [`Sink::put_with`]'s buffer; nothing when they are not kept.
fn joined_len<T: AsRef<[u8]> + ?Sized>(pieces: &[Arc<T>]) -> usize {
    pieces
        .iter()
        .map(|piece| piece.as_ref().as_ref().len() + 2)
        .sum::<usize>()
        + 4096
}

fn finish_diagnostics(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    crate::diagnostic::sort_diagnostics(&mut diagnostics);
    diagnostics.dedup();
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SiteConfig;
    use crate::model::fixtures::{category, incident};
    use crate::tally::tally_site;
    use crate::validate::resolve_site;

    fn site(dates: &[&str]) -> Site {
        let anecdotes: Vec<(&str, Option<&str>)> =
            dates.iter().map(|d| ("Web", Some(*d))).collect();
        resolve_site(
            SiteConfig::with_title("T".into()),
            vec![category("m", "M")],
            vec![Arc::new(incident("i", "m", &anecdotes))],
            vec![],
        )
    }

    /// Records the order files come in; wants `first` before the rest.
    struct OrderSink {
        first: Vec<String>,
        order: Mutex<Vec<String>>,
    }

    impl Sink for OrderSink {
        fn put(&self, path: &str, _bytes: Vec<u8>) {
            self.order.lock().unwrap().push(path.to_owned());
        }

        fn first_pages(&self) -> &[String] {
            &self.first
        }
    }

    #[test]
    fn the_pages_a_sink_wants_first_are_rendered_first() {
        let site = site(&["2018-01"]);
        let tally = tally_site(&site);
        let theme = load_default_theme().unwrap();
        let sink = OrderSink {
            first: vec!["incidents/i/index.html".to_owned()],
            order: Mutex::new(Vec::new()),
        };
        // Alone on one core, so that the order is the jobs' order.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        pool.install(|| render_site(&site, &tally, &theme, &sink))
            .unwrap();
        let order = sink.order.into_inner().unwrap();
        let pages: Vec<&String> = order.iter().filter(|p| p.ends_with(".html")).collect();
        assert_eq!(
            pages.first().map(|p| p.as_str()),
            Some("incidents/i/index.html"),
            "{order:?}"
        );
    }

    #[test]
    fn a_build_holds_no_list_entries_and_serve_keeps_each_one() {
        let site = site(&["2018-01"]);
        let tally = tally_site(&site);
        let theme = load_default_theme().unwrap();
        let tera = theme.tera.clone();

        let mut data = SiteData::new(&site, &tally);
        let mut one_off = RenderCache::default();
        data.make_summaries(&tera, &theme, &Selection::everything(), &mut one_off);
        assert!(data.items.is_empty());
        assert!(one_off.items.is_empty());
        let summary = data.summaries[0].as_map().unwrap();
        assert!(summary.get(&tera::value::Key::Str("item_html")).is_none());

        let built = MemorySink::default();
        render_site(&site, &tally, &theme, &built).unwrap();
        let mut kept = RenderCache::kept();
        let served = MemorySink::default();
        let everything = Selection::everything();
        render_selection(&site, &tally, &theme, &everything, &mut kept, &served).unwrap();
        assert_eq!(kept.items.len(), 1);
        assert!(kept.items["i"].contains("data-slug=\"i\""));
        let index = |sink: MemorySink| sink.into_site().files.remove("index.html").unwrap();
        let built = index(built);
        assert_eq!(built, index(served));
        assert!(
            String::from_utf8(built)
                .unwrap()
                .contains(kept.items["i"].as_ref())
        );
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
            "categories/index.html",
            "categories/m/index.html",
            "incidents/i/index.html",
            "teams/index.html",
            "teams/web/index.html",
            "timeline/index.html",
            "feed.xml",
            "data.json",
            "incidents.csv",
            "search-index.json",
            "static/style.css",
            OUTPUT_MARKER,
        ] {
            assert!(rendered.files.contains_key(path), "{path}");
        }
        // A sitemap needs absolute URLs: not under base_url "/"; and no
        // reviews, no reviews page.
        assert!(!rendered.files.contains_key("sitemap.xml"));
        assert!(!rendered.files.contains_key("reviews/index.html"));
    }
}
