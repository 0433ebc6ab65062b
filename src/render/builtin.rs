//! The default theme's busiest templates as Rust code: the incident page,
//! the team page and the incident list entry (`partials/incident_item.html`,
//! with `partials/statuses.html`). They are most of a build's pages and
//! entries: writing them here rather than through tera took a
//! 10,000-incident build from 0.87 to 0.71 s of CPU, a 100,000-incident
//! one from 9.4 to 7.5 s.
//!
//! The templates stay the reference. This code is used only while the
//! templates it stands for are exactly the embedded ones
//! ([`BuiltinPages`]); a theme that changes one of them gets
//! tera for that page, as before. `tests/theme.rs` renders sites both ways
//! and requires the same bytes, so a change to one of those templates
//! without the same change here fails the tests.
//!
//! The page around the content (`base.html`) is not written here: tera
//! renders it once per kind of page with markers where the page's title,
//! permalink and content go (`Chrome`), and each page fills them in.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;

use pulldown_cmark_escape::escape_html;
use tera::{Context, Tera};

use super::{CategoryRef, PageContext, SiteData, seen_dates};
use crate::export::incident_teams;
use crate::model::{Date, Incident, IncidentStatus, PrecisionKind};
use crate::tally::TeamTally;

/// The template that puts a marker where `base.html` prints the content.
/// Theme names are letters, digits, `-` and `_`, so no theme's template
/// (`<theme>/<name>`) can have this name.
const CHROME_TEMPLATE: &str = "(frictionlog)/chrome.html";

/// Which of the default theme's templates a theme uses unchanged, that is,
/// which pages frictionlog may write with the code of this module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BuiltinPages {
    /// `base.html`, `incident.html` and `partials/statuses.html`.
    pub incident: bool,
    /// `base.html`, `team.html` and `partials/statuses.html`.
    pub team: bool,
    /// `partials/incident_item.html` and `partials/statuses.html`.
    pub item: bool,
    /// `index.html` and `category.html`: they print each list's entries as
    /// one piece of HTML (`items_html`) and read only how many there are,
    /// never a field of an incident's summary.
    pub lists: bool,
}

impl BuiltinPages {
    /// Which pages a theme whose templates resolve as `unchanged` says may
    /// be written by built-in code: `unchanged(name)` is true when the
    /// template `name` the theme uses is the embedded default's, byte for
    /// byte.
    pub fn when_unchanged(unchanged: impl Fn(&str) -> bool) -> BuiltinPages {
        let statuses = unchanged("partials/statuses.html");
        let base = unchanged("base.html");
        BuiltinPages {
            incident: base && statuses && unchanged("incident.html"),
            team: base && statuses && unchanged("team.html"),
            item: statuses && unchanged("partials/incident_item.html"),
            lists: unchanged("index.html") && unchanged("category.html"),
        }
    }

    /// Whether no template reads the incident summaries (every template
    /// that could is written by built-in code or reads only the lists'
    /// HTML): then they need not be made, only the list entries.
    pub fn summaries_unread(&self) -> bool {
        self.incident && self.team && self.item && self.lists
    }

    /// No page by built-in code: everything through tera.
    pub fn none() -> BuiltinPages {
        BuiltinPages::default()
    }
}

/// What `base.html` prints around a page's content, rendered once for one
/// kind of page, cut where the page's own values go.
#[derive(Debug)]
pub(super) struct Chrome {
    pieces: Vec<Piece>,
}

#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Title,
    Url,
    Permalink,
    Content,
}

impl Piece {
    /// The piece a marker names.
    fn named(name: &str) -> Option<Piece> {
        match name {
            "title" => Some(Piece::Title),
            "url" => Some(Piece::Url),
            "permalink" => Some(Piece::Permalink),
            "content" => Some(Piece::Content),
            _ => None,
        }
    }
}

impl Chrome {
    /// Adds to `tera` the template [`Chrome::render`] uses; false if tera
    /// refused it (the pages then go through tera).
    pub(super) fn prepare(tera: &mut Tera) -> bool {
        tera.add_raw_template(
            CHROME_TEMPLATE,
            "{% extends \"base.html\" %}{% block content %}{{ chrome_content }}{% endblock content %}",
        )
        .is_ok()
    }

    /// `base.html` for pages of `kind`, or `None` when it cannot be cut
    /// (then the pages go through tera, which reports any error).
    pub(super) fn render(tera: &Tera, kind: &'static str, nonce: u64) -> Option<Chrome> {
        let mark = |name: &str| format!("\u{1}{nonce:x}:{name}\u{1}");
        let mut context = Context::new();
        context.insert(
            "page",
            &PageContext {
                kind,
                title: &mark("title"),
                url: mark("url"),
                permalink: mark("permalink"),
            },
        );
        context.insert("chrome_content", &mark("content"));
        let html = tera.render(CHROME_TEMPLATE, &context).ok()?;
        let mut pieces = Vec::new();
        let mut rest = html.as_str();
        let prefix = format!("\u{1}{nonce:x}:");
        while let Some(start) = rest.find(&prefix) {
            let after = rest.get(start + prefix.len()..)?;
            let (name, tail) = after.split_once('\u{1}')?;
            let piece = Piece::named(name)?;
            pieces.push(Piece::Text(rest.get(..start)?.to_owned()));
            pieces.push(piece);
            rest = tail;
        }
        pieces.push(Piece::Text(rest.to_owned()));
        // The content must be there, once.
        (pieces.iter().filter(|p| **p == Piece::Content).count() == 1).then_some(Chrome { pieces })
    }

    /// Writes the whole page: the chrome with `page`'s values, and
    /// `content` where the content block goes.
    fn write_page(
        &self,
        out: &mut String,
        page: &PageContext<'_>,
        content: impl FnOnce(&mut String),
    ) {
        let mut content = Some(content);
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Title => escape(out, page.title),
                Piece::Url => escape(out, &page.url),
                Piece::Permalink => escape(out, &page.permalink),
                Piece::Content => {
                    if let Some(content) = content.take() {
                        content(out);
                    }
                }
            }
        }
    }
}

/// How many pages and list entries one render wrote with this module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BuiltinCount {
    pub pages: usize,
    pub items: usize,
}

/// The chromes of the pages this module writes.
#[derive(Debug, Default)]
pub(super) struct Chromes {
    pub(super) incident: Option<Chrome>,
    pub(super) team: Option<Chrome>,
}

/// `{{ text }}` in an HTML template: tera's escaping (`& < > " '`).
fn escape(out: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = escape_html(&mut *out, text);
}

/// `{{ n }}` for a count: what tera prints (itoa's digits, as tera's
/// `no_fmt` feature), without going through `fmt`.
fn number(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// `{{ n | pluralize }}`.
fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `{% if text %}` for an optional string: absent and empty are false.
fn present(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.is_empty())
}

/// `<time datetime="{{ d }}">{{ d }}</time>`.
fn write_time(out: &mut String, d: Date) {
    out.push_str("<time datetime=\"");
    push_date(out, d);
    out.push_str("\">");
    push_date(out, d);
    out.push_str("</time>");
}

/// `d` as its `Display` writes it (`2018`, `2018-03`, `2018-03-05`),
/// digit by digit: a page prints thousands of dates.
fn push_date(out: &mut String, d: Date) {
    let Ok(year @ 0..=9999) = u16::try_from(d.year) else {
        let _ = write!(out, "{d}");
        return;
    };
    let two = |out: &mut String, n: u16| {
        for digit in [n / 10 % 10, n % 10] {
            out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        }
    };
    two(out, year / 100);
    two(out, year % 100);
    if d.precision != PrecisionKind::Year {
        out.push('-');
        two(out, u16::from(d.month));
    }
    if d.precision == PrecisionKind::Day {
        out.push('-');
        two(out, u16::from(d.day));
    }
}

/// `partials/statuses.html`.
fn write_statuses<'s>(
    out: &mut String,
    statuses: impl Iterator<Item = &'s IncidentStatus> + Clone,
) {
    if statuses.clone().next().is_some() {
        out.push_str("<span class=\"statuses\">");
        for s in statuses {
            out.push_str("<span class=\"status status-");
            escape(out, &s.key);
            out.push_str("\"><span class=\"status-symbol\" aria-hidden=\"true\">");
            escape(out, &s.symbol);
            out.push_str("</span> ");
            escape(out, &s.label);
            out.push_str("</span>");
        }
        out.push_str("</span>");
    }
    out.push('\n');
}

/// A link to a category with its colour swatch: `open` is the anchor's
/// opening up to its `href` value (`<a href="`, `<a class="x" href="`).
fn write_swatch_link(out: &mut String, open: &str, category: &CategoryRef<'_>) {
    out.push_str(open);
    escape(out, &category.url);
    out.push_str("\"><span class=\"swatch c");
    number(out, category.colour);
    out.push_str("\" aria-hidden=\"true\"></span>");
    escape(out, category.title);
    out.push_str("</a>");
}

/// `<a class="category-link" ...>Title</a><span class="sep">·</span>` as
/// the list entries print an incident's category.
fn write_category_link(out: &mut String, category: &CategoryRef<'_>) {
    write_swatch_link(out, "<a class=\"category-link\" href=\"", category);
    out.push_str("<span class=\"sep\" aria-hidden=\"true\">·</span>");
}

impl<'a> SiteData<'a> {
    /// An incident's statuses as `incident.statuses` lists them: its keys
    /// that site.yaml defines, in its order.
    fn statuses_of<'i>(
        &self,
        incident: &'i Incident,
    ) -> impl Iterator<Item = &'a IncidentStatus> + Clone + use<'a, 'i> {
        let defined = &self.site.config.incident_statuses;
        incident
            .status
            .iter()
            .filter_map(move |key| defined.iter().find(|s| s.key == key.value))
    }

    /// `incident.html` in `base.html`.
    pub(super) fn write_incident_page(
        &self,
        chrome: &Chrome,
        page: &PageContext<'_>,
        index: usize,
        incident: &'a Incident,
        body_html: &str,
    ) -> String {
        let mut out = String::with_capacity(body_html.len() + 6 * 1024);
        chrome.write_page(&mut out, page, |out| {
            self.write_incident_content(out, index, incident, body_html);
        });
        self.builtin_pages.fetch_add(1, Ordering::Relaxed);
        out
    }

    fn write_incident_content(
        &self,
        out: &mut String,
        index: usize,
        incident: &'a Incident,
        body_html: &str,
    ) {
        let occurrences = incident.occurrence_count();
        let (first_seen, last_seen) = seen_dates(incident);
        let home = &self.site.config.base_url.path;
        out.push_str("\n<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"");
        escape(out, home);
        out.push_str("#incidents\">Incidents</a></li>");
        let section = incident.section.as_ref().and_then(|s| {
            self.site
                .config
                .sections
                .iter()
                .find(|section| section.slug == s.value)
        });
        if let Some(section) = section {
            out.push_str("<li><a href=\"");
            escape(out, home);
            out.push_str("#group-");
            escape(out, &section.slug);
            out.push_str("\">");
            escape(out, &section.title);
            out.push_str("</a></li>");
        }
        out.push_str("<li><span aria-current=\"page\">");
        escape(out, &incident.title);
        out.push_str(
            "</span></li></ol></nav>\n<header class=\"page-head\">\n<p class=\"kicker\">Incident",
        );
        if incident.draft {
            out.push_str(" · <span class=\"draft-mark\">draft</span>");
        }
        out.push_str("</p>\n<h1>");
        escape(out, &incident.title);
        out.push_str("</h1>\n");
        write_statuses(out, self.statuses_of(incident));
        out.push_str("\n<dl class=\"stats\">\n<div class=\"stat\"><dt>Occurrences</dt><dd>");
        number(out, occurrences);
        out.push_str("</dd></div>\n");
        if let Some(category) = self.category_of(&incident.category.value) {
            out.push_str(
                "<div class=\"stat stat-wide\"><dt>Category</dt><dd class=\"stat-small\">",
            );
            write_swatch_link(out, "<a href=\"", category);
            out.push_str("</dd></div>\n");
        }
        let teams = incident_teams(incident)
            .into_iter()
            .filter(|name| self.team_of.contains_key(name))
            .count();
        out.push_str("<div class=\"stat\"><dt>Teams</dt><dd>");
        number(out, teams);
        out.push_str("</dd></div>\n");
        if let Some(first) = first_seen {
            out.push_str("<div class=\"stat\"><dt>Seen</dt><dd class=\"stat-small\">");
            write_time(out, first);
            if let Some(last) = last_seen
                && last != first
            {
                out.push_str(" – ");
                write_time(out, last);
            }
            out.push_str("</dd></div>\n");
        }
        out.push_str("</dl>\n");
        if !incident.tags.is_empty() {
            out.push_str("<ul class=\"chips tags\" aria-label=\"Tags\">");
            for tag in &incident.tags {
                out.push_str("<li>");
                escape(out, tag);
                out.push_str("</li>");
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</header>\n\n");
        if let Some(resolution) = present(incident.resolution.as_deref()) {
            out.push_str("<section class=\"callout callout-resolution\" aria-labelledby=\"resolution-heading\">\n<h2 id=\"resolution-heading\">Resolution</h2>\n<p>");
            escape(out, resolution);
            out.push_str("</p>\n</section>\n");
        }
        out.push_str("\n<section class=\"block\" aria-labelledby=\"anecdotes-heading\">\n<h2 id=\"anecdotes-heading\">Anecdotes <span class=\"count\">");
        number(out, incident.anecdotes.len());
        out.push_str("</span></h2>\n");
        if !incident.anecdotes.is_empty() {
            out.push_str("<ol class=\"anecdotes\">\n");
            let anchors = self.anchors.get(index);
            for (i, anecdote) in incident.anecdotes.iter().enumerate() {
                let anchor = anchors
                    .and_then(|list| list.get(i))
                    .map_or("", String::as_str);
                out.push_str("<li class=\"anecdote\" id=\"");
                escape(out, anchor);
                out.push_str("\">\n<p class=\"anecdote-head\">");
                if let Some(team) = self.team_ref(&anecdote.team.value) {
                    out.push_str("<a class=\"team\" href=\"");
                    escape(out, &team.url);
                    out.push_str("\">");
                    escape(out, team.name);
                    out.push_str("</a>");
                }
                match anecdote.date {
                    Some(d) => {
                        write_time(out, d);
                    }
                    None => out.push_str("<span class=\"muted\">undated</span>"),
                }
                out.push_str("</p>\n");
                if let Some(text) = present(anecdote.text.as_deref()) {
                    out.push_str("<p class=\"anecdote-text\">");
                    escape(out, text);
                    out.push_str("</p>\n");
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ol>\n");
        }
        let occurrences = u64::from(occurrences);
        let written = u64::try_from(incident.anecdotes.len()).unwrap_or(u64::MAX);
        if occurrences > written {
            out.push_str("<p class=\"block-note\">");
            if written > 0 {
                let more = occurrences - written;
                number(out, more);
                out.push_str(" more occurrence");
                out.push_str(plural(more));
                out.push_str(" counted without an anecdote.");
            } else {
                number(out, occurrences);
                out.push_str(" occurrence");
                out.push_str(plural(occurrences));
                out.push_str(" counted; no anecdote was written down.");
            }
            out.push_str("</p>\n");
        }
        out.push_str("</section>\n\n");
        if !body_html.is_empty() {
            out.push_str("<section class=\"block prose\" aria-labelledby=\"details-heading\">\n<h2 id=\"details-heading\">Details</h2>\n");
            out.push_str(body_html);
            out.push_str("\n</section>\n");
        }
    }

    /// `team.html` in `base.html`.
    pub(super) fn write_team_page(
        &self,
        chrome: &Chrome,
        page: &PageContext<'_>,
        team: &'a TeamTally,
    ) -> String {
        let mut out = String::with_capacity(4096 + 1024 * team.incident_indexes.len());
        chrome.write_page(&mut out, page, |out| self.write_team_content(out, team));
        self.builtin_pages.fetch_add(1, Ordering::Relaxed);
        out
    }

    fn write_team_content(&self, out: &mut String, team: &'a TeamTally) {
        let base = &self.site.config.base_url.path;
        out.push_str("\n<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\"><ol><li><a href=\"");
        escape(out, base);
        out.push_str("teams/\">Teams</a></li><li><span aria-current=\"page\">");
        escape(out, &team.name);
        out.push_str("</span></li></ol></nav>\n<header class=\"page-head\">\n<p class=\"kicker\">Team</p>\n<h1>");
        escape(out, &team.name);
        out.push_str("</h1>\n<dl class=\"stats\">\n<div class=\"stat\"><dt>Occurrences</dt><dd>");
        number(out, team.occurrences);
        out.push_str("</dd></div>\n<div class=\"stat\"><dt>Incidents</dt><dd>");
        number(out, team.incidents);
        let categories: Vec<_> = team
            .categories
            .iter()
            .filter_map(|slug| self.category_of(slug))
            .collect();
        out.push_str("</dd></div>\n<div class=\"stat\"><dt>Categories</dt><dd>");
        number(out, categories.len());
        out.push_str("</dd></div>\n</dl>\n");
        if !categories.is_empty() {
            out.push_str("<ul class=\"chips\" aria-label=\"Categories\">");
            for c in &categories {
                out.push_str("<li>");
                write_swatch_link(out, "<a href=\"", c);
                out.push_str("</li>");
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</header>\n\n<section class=\"block\" aria-labelledby=\"reported-heading\">\n<h2 id=\"reported-heading\">What ");
        escape(out, &team.name);
        out.push_str(" reported</h2>\n<ul class=\"reported\">\n");
        let incidents_url = format!("{base}incidents/");
        for &i in &team.incident_indexes {
            let Some(incident) = self.site.incidents.get(i) else {
                continue;
            };
            out.push_str("<li class=\"reported-item\">\n<div class=\"incident-head\"><a class=\"incident-title\" href=\"");
            let url_start = out.len();
            escape(out, &incidents_url);
            escape(out, &incident.slug);
            out.push('/');
            let url_end = out.len();
            out.push_str("\">");
            escape(out, &incident.title);
            out.push_str("</a>");
            write_statuses(out, self.statuses_of(incident));
            out.push_str("</div>\n<p class=\"incident-meta\">");
            if let Some(category) = self.category_of(&incident.category.value) {
                write_category_link(out, category);
            }
            let occurrences = incident.occurrence_count();
            out.push_str("<span class=\"occurrences\">");
            number(out, occurrences);
            out.push_str(" occurrence");
            out.push_str(plural(u64::from(occurrences)));
            out.push_str(" in all</span></p>\n<ol class=\"anecdotes anecdotes-compact\">\n");
            let anchors = self.anchors.get(i);
            for (a, anecdote) in incident.anecdotes.iter().enumerate() {
                if anecdote.team.value != team.name {
                    continue;
                }
                let anchor = anchors
                    .and_then(|list| list.get(a))
                    .map_or("", String::as_str);
                out.push_str("<li class=\"anecdote\"><p class=\"anecdote-head\"><a href=\"");
                out.extend_from_within(url_start..url_end);
                out.push('#');
                escape(out, anchor);
                out.push_str("\">");
                match anecdote.date {
                    Some(d) => {
                        write_time(out, d);
                    }
                    None => out.push_str("undated"),
                }
                out.push_str("</a></p>");
                if let Some(text) = present(anecdote.text.as_deref()) {
                    out.push_str("<p class=\"anecdote-text\">");
                    escape(out, text);
                    out.push_str("</p>");
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ol>\n</li>\n");
        }
        out.push_str("</ul>\n</section>\n");
    }

    /// `partials/incident_item.html`.
    pub(super) fn write_incident_item(&self, incident: &'a Incident) -> String {
        let summary = self.incident_summary(incident);
        let category = self.category_of(&incident.category.value);
        let mut out = String::with_capacity(1024);
        out.push_str("<li class=\"incident\" data-category=\"");
        if let Some(category) = category {
            escape(&mut out, category.slug);
        }
        out.push_str("\" data-teams=\"");
        escape(&mut out, &summary.team_slugs);
        out.push_str("\" data-status=\"");
        escape(&mut out, &summary.status_keys);
        out.push_str("\" data-text=\"");
        escape(&mut out, &summary.search_text);
        out.push_str("\">\n<div class=\"incident-head\">\n<a class=\"incident-title\" href=\"");
        escape(&mut out, &summary.url);
        out.push_str("\">");
        escape(&mut out, summary.title);
        out.push_str("</a>\n");
        write_statuses(&mut out, self.statuses_of(incident));
        out.push_str("\n</div>\n<p class=\"incident-meta\">");
        if let Some(category) = category {
            write_category_link(&mut out, category);
        }
        out.push_str("<span class=\"occurrences\"><strong>");
        number(&mut out, summary.occurrences);
        out.push_str("</strong> occurrence");
        out.push_str(plural(u64::from(summary.occurrences)));
        out.push_str("</span>");
        let teams: Vec<_> = incident_teams(incident)
            .into_iter()
            .filter_map(|name| self.team_ref(name))
            .collect();
        if !teams.is_empty() {
            out.push_str("<span class=\"sep\" aria-hidden=\"true\">·</span><span class=\"teams\">");
            for (n, team) in teams.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                out.push_str("<a href=\"");
                escape(&mut out, &team.url);
                out.push_str("\">");
                escape(&mut out, team.name);
                out.push_str("</a>");
            }
            out.push_str("</span>");
        }
        if let Some(last) = summary.last_seen {
            out.push_str(
                "<span class=\"sep\" aria-hidden=\"true\">·</span><span class=\"seen\">last seen ",
            );
            write_time(&mut out, last);
            out.push_str("</span>");
        }
        if incident.draft {
            out.push_str("<span class=\"sep\" aria-hidden=\"true\">·</span><span class=\"draft-mark\">draft</span>");
        }
        out.push_str("</p>\n");
        if let Some(resolution) = present(summary.resolution) {
            out.push_str(
                "<p class=\"resolution\"><span class=\"resolution-label\">Resolution:</span> ",
            );
            escape(&mut out, resolution);
            out.push_str("</p>");
        }
        out.push_str("\n</li>\n");
        self.builtin_items.fetch_add(1, Ordering::Relaxed);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_display_writes_them() {
        let mut checked = 0;
        for year in [-5, 0, 7, 999, 2018, 9999, 10000, i16::MAX] {
            for (precision, month, day) in [
                (PrecisionKind::Year, 1, 1),
                (PrecisionKind::Month, 3, 1),
                (PrecisionKind::Month, 12, 1),
                (PrecisionKind::Day, 3, 5),
                (PrecisionKind::Day, 11, 30),
            ] {
                let d = Date {
                    year,
                    month,
                    day,
                    precision,
                };
                let mut out = String::new();
                push_date(&mut out, d);
                assert_eq!(out, d.to_string());
                checked += 1;
            }
        }
        assert_eq!(checked, 40);
    }

    #[test]
    fn numbers_are_written_as_tera_writes_them() {
        let mut out = String::new();
        for n in [0usize, 7, 10, 1_000_000] {
            number(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 7 10 1000000 ");
    }
}
