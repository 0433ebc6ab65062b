//! frictionlog: a static site generator for an engineering organisation's
//! architecture challenges page.
//!
//! # The map
//!
//! Data flows one way, one module per stage:
//!
//! ```text
//! load ──> parse ──> validate ──> tally ──> render ──> output
//! (disk)   (pure)    (pure)       (pure)    (pure but   (disk)
//!                                            its theme
//!                                            loading)
//! ```
//!
//! - [`load`]: walks `content/` in a stable order and reads the files
//!   ([`parse::SourceFile`]).
//! - [`frontmatter`] and [`yaml`]: split a file and parse its YAML into a tree
//!   whose every value knows its line and column; the YAML mistakes people
//!   make are explained there in plain words, with the fix.
//! - [`parse`]: one file into a typed [`model`] value, reporting every problem
//!   of that file as a [`diagnostic::Diagnostic`].
//! - [`validate`]: rules across files (references, unique slugs); the
//!   parsed files made into a [`model::Site`] with every name resolved
//!   once to an index ([`validate::resolve_site`]: an incident's category,
//!   section, statuses and teams; a review's categories and statuses);
//!   and, when errors keep the site from being rendered, the links
//!   between content files, which rendering checks otherwise.
//! - [`tally`]: the numbers (docs/format.md, "The numbers")
//!   ([`tally::Tally`]) with each category's history across the reviews,
//!   and each incident's derived facts, computed once
//!   ([`tally::IncidentFacts`]: its category's row, its distinct teams,
//!   tags, occurrences, first and last seen), which every later stage
//!   reads.
//! - [`routes`]: every page and file with its output path, link and
//!   permalink; no other module builds a site URL.
//! - [`render`] and [`export`]: every output file, handed to a
//!   [`render::Sink`] as it is made: pages through the theme's tera
//!   templates (the only copy of any page's markup), feed.xml, sitemap.xml,
//!   data.json, incidents.csv, search-index.json (what the index's filter
//!   searches, [`render::search`]). [`render::theme`] reads theme folders:
//!   the one part of render that does I/O.
//! - [`output`]: the sink of `build`, a staging folder swapped in whole,
//!   atomically and safely, one build at a time ([`output::OutputLock`]).
//! - [`session`]: the stages above with their results kept, so serve can
//!   redo only what an edit touches (it reads files, through load and
//!   theme).
//! - [`invalidate`]: which pages an edit makes out of date, as one pure
//!   function of the site before and after the edit.
//! - [`serve`]: the live preview: builds in memory, watches, reloads tabs
//!   (the only async code).
//! - [`scaffold`]: the files `init`, `new` and `review new` write (made by
//!   pure functions, written without ever replacing a file).
//! - [`report`]: `report`'s edit of an incident file in place: one
//!   anecdote appended, every other byte kept, the result proved by the
//!   parser and validator before it atomically replaces the file.
//! - [`import`]: `import csv`, rows of a CSV file (incidents.csv too, read
//!   back by [`export::cell`]) checked and made into incident files, all
//!   written or none.
//! - [`cli`]: the command line, mapping all of the above to exit codes;
//!   diagnostics' paths read from the current directory there. Its
//!   submodules write the manual and answer shell completion with values
//!   read from the site.
//!
//! [`build_site`] runs the pipeline end to end into a sink; `check` renders
//! into [`render::DiscardSink`] to find template errors and broken links,
//! `build` into [`output::Staging`], and [`build_in_memory`] into memory.

pub mod cli;
pub mod diagnostic;
pub mod export;
pub mod frontmatter;
pub mod import;
pub mod invalidate;
pub mod load;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod report;
pub mod routes;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod tally;
pub mod validate;
pub mod yaml;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostic::Diagnostic;
use crate::model::{BaseUrl, Site};
use crate::render::{MemorySink, RenderedSite, Sink};
use crate::session::Session;
use crate::tally::Tally;

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
    pub site: Arc<Site>,
    pub tally: Arc<Tally>,
    /// How many files went to the sink.
    pub files: usize,
    /// Which files the render made: everything, or what an edit touched.
    pub selection: render::Selection,
}

impl BuildOutcome {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Runs the whole pipeline once, handing every output file to `sink` (for
/// `build`, the staging folder that [`output::Staging`] swaps in).
pub fn build_site(options: &BuildOptions, sink: &dyn Sink) -> BuildOutcome {
    Session::open(options).render_once(sink)
}

/// Runs the whole pipeline in memory and returns the files too.
pub fn build_in_memory(options: &BuildOptions) -> (BuildOutcome, RenderedSite) {
    let sink = MemorySink::default();
    let outcome = build_site(options, &sink);
    (outcome, sink.into_site())
}
