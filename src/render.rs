//! Pure: the site rendered in memory, `(path, bytes)` for every output file.
//!
//! Templates are compiled once per build. What every page shares (the site,
//! the tally table, the statuses) is serialised once into tera's global
//! context; each page adds only its own small context.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, html};
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{CodeKind, Diagnostic, Pos};
use crate::export::{page_url, render_data_json, render_incidents_csv};
use crate::model::{Date, Effort, Site};
use crate::tally::Tally;

/// The name and text of the embedded default theme's templates.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../themes/default/templates/index.html"),
    ),
];

/// The embedded default theme's static files.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[(
    "style.css",
    include_bytes!("../themes/default/static/style.css"),
)];

/// The file that marks an output folder as frictionlog's own (SPEC 9).
pub const OUTPUT_MARKER: &str = ".frictionlog-output";
const OUTPUT_MARKER_TEXT: &[u8] =
    b"This folder is written by frictionlog build; it is replaced whole on every build.\n";

/// Every file of a built site, by path relative to the output folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RenderedSite {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl RenderedSite {
    fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
}

/// A compiled theme.
pub struct Theme {
    tera: Tera,
    /// Template name -> path shown in diagnostics.
    sources: BTreeMap<String, String>,
    statics: Vec<(String, Vec<u8>)>,
}

/// Compiles the embedded default theme.
pub fn load_default_theme() -> Result<Theme, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    let mut sources = BTreeMap::new();
    let mut diagnostics = Vec::new();
    for (name, text) in DEFAULT_TEMPLATES {
        let path = format!("themes/default/templates/{name}");
        if let Err(error) = tera.add_raw_template(name, text) {
            diagnostics.push(template_diagnostic(&error, &path, text));
        }
        sources.insert((*name).to_owned(), path);
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Theme {
        tera,
        sources,
        statics: DEFAULT_STATIC
            .iter()
            .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
            .collect(),
    })
}

/// A tera error as a `template-error` diagnostic, at the template's line and
/// column when tera knows them.
fn template_diagnostic(error: &tera::Error, path: &str, text: &str) -> Diagnostic {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            let line = u32::try_from(span.start_line.max(1)).unwrap_or(1);
            let column = u32::try_from(span.start_col + 1).unwrap_or(1);
            let len = if span.start_line == span.end_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            Diagnostic::at(
                CodeKind::TemplateError,
                format!("template error: {}", report.message()),
                path,
                text,
                Pos::new(line, column, u32::try_from(len).unwrap_or(1)),
            )
        }
        _ => Diagnostic::in_file(
            CodeKind::TemplateError,
            format!("template error: {}", error_chain(error)),
            path,
            Pos::START,
        ),
    }
}

/// tera hides the useful cause deep in the chain: print all of it.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Markdown to HTML with tables, footnotes, strikethrough and task lists.
/// Raw HTML is shown as text unless `raw_html` is allowed (SPEC 3).
pub fn render_markdown(text: &str, raw_html: bool) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let parser = Parser::new_ext(text, options).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) if !raw_html => Event::Text(html),
        other => other,
    });
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    html::push_html(&mut out, parser);
    out
}

#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description_html: String,
    base_url: &'a str,
    base_path: &'a str,
    as_of: Option<Date>,
    totals: TotalsContext,
}

#[derive(Serialize)]
struct TotalsContext {
    categories: u32,
    incidents: u32,
    occurrences: u32,
    teams: u32,
}

#[derive(Serialize)]
struct CategoryRowContext<'a> {
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
    url: String,
}

/// Renders every output file of the site.
pub fn render_site(
    site: &Site,
    tally: &Tally,
    theme: &Theme,
) -> Result<RenderedSite, Vec<Diagnostic>> {
    let mut tera = theme.tera.clone();
    let config = &site.config;
    let globals = tera.global_context();
    globals.insert(
        "site",
        &SiteContext {
            title: &config.title,
            description_html: config
                .description
                .as_deref()
                .map(|d| render_markdown(d, config.raw_html))
                .unwrap_or_default(),
            base_url: &config.base_url.full,
            base_path: &config.base_url.path,
            as_of: tally.as_of,
            totals: TotalsContext {
                categories: tally.totals.categories,
                incidents: tally.totals.incidents,
                occurrences: tally.totals.occurrences,
                teams: tally.totals.teams,
            },
        },
    );
    let rows: Vec<CategoryRowContext<'_>> = tally
        .categories
        .iter()
        .filter_map(|row| {
            let category = site.categories.get(row.index)?;
            let status_label = row.status.as_deref().and_then(|key| {
                config
                    .category_statuses
                    .iter()
                    .find(|s| s.key == key)
                    .map(|s| s.label.as_str())
            });
            Some(CategoryRowContext {
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
                url: page_url(site, "categories", &category.slug),
            })
        })
        .collect();
    globals.insert("categories", &rows);

    let mut rendered = RenderedSite::default();
    let mut diagnostics = Vec::new();
    let mut page =
        |path: &str, template: &str, context: &Context| match tera.render(template, context) {
            Ok(html) => rendered.add(path, html),
            Err(error) => {
                let file = theme
                    .sources
                    .get(template)
                    .cloned()
                    .unwrap_or_else(|| format!("themes/default/templates/{template}"));
                let text = DEFAULT_TEMPLATES
                    .iter()
                    .find(|(name, _)| *name == template)
                    .map_or("", |(_, text)| text);
                diagnostics.push(template_diagnostic(&error, &file, text));
            }
        };
    page("index.html", "index.html", &Context::new());
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    rendered.add("data.json", render_data_json(site, tally));
    rendered.add("incidents.csv", render_incidents_csv(site));
    rendered.add(OUTPUT_MARKER, OUTPUT_MARKER_TEXT);
    for (name, bytes) in &theme.statics {
        rendered.add(format!("static/{name}"), bytes.clone());
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let escaped = render_markdown("<script>alert(1)</script>\n\nhi <b>x</b>", false);
        assert!(!escaped.contains("<script>"));
        assert!(escaped.contains("&lt;script&gt;"));
        assert!(escaped.contains("&lt;b&gt;"));
        let allowed = render_markdown("<b>x</b>", true);
        assert!(allowed.contains("<b>x</b>"));
    }

    #[test]
    fn markdown_extensions_are_on() {
        let html = render_markdown("| a |\n|---|\n| b |\n\n~~gone~~\n\n- [x] done\n", false);
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>gone</del>"));
        assert!(html.contains("checkbox"));
    }

    #[test]
    fn the_default_theme_compiles() {
        assert!(load_default_theme().is_ok());
    }
}
