//! frictionlog: a static site generator for an engineering organisation's
//! architecture challenges page.
//!
//! # The map
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! load ──> parse ──> validate ──> tally ──> render ──> output
//! (disk)   (pure)    (pure)       (pure)    (pure)     (disk)
//! ```
//!
//! - [`load`]: walks `content/` in a stable order and reads the files
//!   ([`parse::SourceFile`]).
//! - [`frontmatter`] and [`yaml`]: split a file and parse its YAML into a tree
//!   whose every value knows its line and column.
//! - [`parse`]: one file into a typed [`model`] value, reporting every problem
//!   of that file as a [`diagnostic::Diagnostic`].
//! - [`validate`]: rules across files (references, unique slugs).
//! - [`tally`]: the numbers of SPEC section 4 ([`tally::Tally`]).
//! - [`render`] and [`export`]: every output file in memory
//!   ([`render::RenderedSite`]): pages through tera, data.json, incidents.csv.
//! - [`output`]: publishes a rendered site atomically and safely.
//! - [`serve`]: the live preview: builds in memory, watches, reloads tabs
//!   (the only async code).
//! - [`scaffold`]: the files `init` and `new` write (made by pure functions,
//!   written without ever replacing a file).
//! - [`cli`]: the command line, mapping all of the above to exit codes.
//!
//! [`build_in_memory`] runs the pure pipeline end to end; `check` stops there,
//! `build` hands the result to [`output::publish_site`].

pub mod cli;
pub mod diagnostic;
pub mod export;
pub mod frontmatter;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod tally;
pub mod validate;
pub mod yaml;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::model::{BaseUrl, Site};
use crate::parse::{SourceFile, parse_category, parse_incident, parse_review, parse_site_config};
use crate::render::{RenderedSite, load_theme, render_site};
use crate::tally::{Tally, tally_site};
use crate::validate::{Sources, validate_site};

/// What a build or check reads, and how.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The site root: the folder holding `content/`.
    pub root: PathBuf,
    /// Include incidents marked `draft: true`.
    pub drafts: bool,
    /// Overrides site.yaml's `base_url`.
    pub base_url: Option<BaseUrl>,
}

/// One stage of a build, for `-v`.
#[derive(Clone, Debug)]
pub struct Phase {
    pub name: &'static str,
    pub duration: Duration,
    pub detail: String,
}

/// The result of running the pipeline in memory.
#[derive(Debug, Default)]
pub struct BuildOutcome {
    /// Every error and warning of the run, in a stable order.
    pub diagnostics: Vec<Diagnostic>,
    /// The site, its numbers and its files; `None` when an error stopped it.
    pub built: Option<BuiltSite>,
    pub phases: Vec<Phase>,
}

/// A site that went through every stage.
#[derive(Debug)]
pub struct BuiltSite {
    pub site: Site,
    pub tally: Tally,
    pub rendered: RenderedSite,
}

impl BuildOutcome {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Parses every file of one kind in parallel, keeping path order.
fn parse_all<T: Send>(
    files: &[SourceFile],
    parse_one: impl Fn(&SourceFile) -> (Option<T>, Vec<Diagnostic>) + Sync + Send,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<T> {
    let results: Vec<(Option<T>, Vec<Diagnostic>)> = files.par_iter().map(parse_one).collect();
    let mut values = Vec::with_capacity(results.len());
    for (value, mut found) in results {
        diagnostics.append(&mut found);
        values.extend(value);
    }
    values
}

/// Loads, validates, tallies and renders the site under `options.root`,
/// entirely in memory.
pub fn build_in_memory(options: &BuildOptions) -> BuildOutcome {
    let mut outcome = BuildOutcome::default();
    let mut timer = Instant::now();
    let mut phase = |outcome: &mut BuildOutcome, name: &'static str, detail: String| {
        let now = Instant::now();
        outcome.phases.push(Phase {
            name,
            duration: now - timer,
            detail,
        });
        timer = now;
    };

    let content = load::load_content(&options.root);
    let file_count = content.categories.len()
        + content.incidents.len()
        + content.reviews.len()
        + usize::from(content.site.is_some());
    let mut diagnostics = content.diagnostics;
    phase(&mut outcome, "load", format!("read {file_count} files"));

    let mut config = None;
    if let Some(file) = &content.site {
        let (parsed, mut found) = parse_site_config(file);
        diagnostics.append(&mut found);
        config = parsed;
    }
    let mut categories = parse_all(&content.categories, parse_category, &mut diagnostics);
    let mut incidents = parse_all(&content.incidents, parse_incident, &mut diagnostics);
    let mut reviews = parse_all(&content.reviews, parse_review, &mut diagnostics);
    phase(
        &mut outcome,
        "parse",
        format!(
            "{} categories, {} incidents, {} reviews",
            categories.len(),
            incidents.len(),
            reviews.len()
        ),
    );

    if let Some(config) = config.as_mut() {
        if let Some(base_url) = &options.base_url {
            config.base_url = base_url.clone();
        }
        let sources: Sources<'_> = content
            .categories
            .iter()
            .chain(&content.incidents)
            .chain(&content.reviews)
            .map(|f| (f.path.as_str(), f.text.as_str()))
            .collect();
        let category_files: Vec<&str> =
            content.categories.iter().map(|f| f.slug.as_str()).collect();
        diagnostics.extend(validate_site(
            config,
            &categories,
            &category_files,
            &incidents,
            &reviews,
            &sources,
        ));
    }
    phase(
        &mut outcome,
        "validate",
        format!("{} problems", diagnostics.len()),
    );

    // The theme is named by site.yaml; without a readable site.yaml there
    // is nothing to render, so no theme is compiled either.
    let theme = config.as_ref().and_then(|config| {
        let (theme, mut found) = load_theme(&options.root, &config.theme, content.site.as_ref());
        diagnostics.append(&mut found);
        theme
    });
    phase(&mut outcome, "theme", "compiled templates".to_owned());

    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    if let (Some(config), Some(theme), false) = (config, theme, has_errors) {
        if !options.drafts {
            incidents.retain(|i| !i.draft);
        }
        categories.sort_by(|a, b| a.slug.cmp(&b.slug));
        incidents.sort_by(|a, b| a.slug.cmp(&b.slug));
        reviews.sort_by_key(|r| r.date);
        let site = Site {
            config,
            categories,
            incidents,
            reviews,
        };
        let tally = tally_site(&site);
        phase(
            &mut outcome,
            "tally",
            format!(
                "{} occurrences, {} teams",
                tally.totals.occurrences, tally.totals.teams
            ),
        );
        match render_site(&site, &tally, &theme) {
            Ok(rendered) => {
                phase(
                    &mut outcome,
                    "render",
                    format!("{} files", rendered.files.len()),
                );
                outcome.built = Some(BuiltSite {
                    site,
                    tally,
                    rendered,
                });
            }
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    sort_diagnostics(&mut diagnostics);
    outcome.diagnostics = diagnostics;
    outcome
}
