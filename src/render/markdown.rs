//! Markdown bodies to HTML (pulldown-cmark): tables, footnotes,
//! strikethrough, task lists and ids on headings.
//!
//! Two things make it more than `push_html`:
//! - links to other content files (`../categories/monolith.md`,
//!   `other-incident.md#why`) become links to their pages, and a link to a
//!   `.md` file that is no page of the site is a `broken-link` diagnostic at
//!   the line and column of the link in the file as written;
//! - unless `markdown.raw_html: allow`, raw HTML is shown as text and
//!   `javascript:`-style links are dropped, so content cannot run script.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::model::slugify;

/// Ids the default theme's page chrome uses: headings never take them.
pub const RESERVED_IDS: &[&str] = &[
    "main",
    "tally",
    "tally-heading",
    "chart-heading",
    "occurrences-chart",
    "incidents",
    "incidents-heading",
    "incident-filter",
    "incident-groups",
    "filter-text",
    "filter-team",
    "filter-status",
    "filter-category",
    "filter-count",
    "filter-empty",
    "efforts-heading",
    "about-heading",
    "teams-heading",
    "resolution-heading",
    "anecdotes-heading",
    "details-heading",
    "reported-heading",
    "votes-heading",
    "minutes-heading",
    "years",
    "quarters",
];

/// Where a Markdown text sits, for resolving its links and reporting them.
#[derive(Clone, Copy, Debug)]
pub struct MarkdownSource<'a> {
    /// The content file, relative to the site root (`content/incidents/a.md`).
    pub path: &'a str,
    /// The file's line the text starts on; `None` when the text is a YAML
    /// value whose lines are not known (site.yaml's description).
    pub first_line: Option<u32>,
}

/// Which content files have a page, and where: what `.md` links are
/// rewritten to and checked against.
pub trait ContentPages: Sync {
    /// The path from the site's root of the page made from the content
    /// file `path` (`content/incidents/a.md`), if it has one.
    fn page_of(&self, path: &str) -> Option<String>;

    /// Every content file that has a page, for "did you mean" on a broken
    /// link.
    fn files(&self) -> Vec<&str>;
}

/// Content file path -> its page's path.
impl ContentPages for HashMap<String, String> {
    fn page_of(&self, path: &str) -> Option<String> {
        self.get(path).cloned()
    }

    fn files(&self) -> Vec<&str> {
        self.keys().map(String::as_str).collect()
    }
}

/// How to render.
#[derive(Clone, Copy)]
pub struct MarkdownOptions<'a> {
    /// `markdown.raw_html: allow`.
    pub raw_html: bool,
    /// Where `.md` links go. `None`: leave links.
    pub pages: Option<&'a dyn ContentPages>,
    /// Put before a page's path: the way from the page the text is shown
    /// on to the site's root (`../../`).
    pub root: &'a str,
    /// The level the text's largest heading is shown at (2 puts `#` under
    /// the page's own `<h1>`).
    pub top_heading: u8,
}

const PARSER_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_HEADING_ATTRIBUTES);

/// Markdown to HTML with every extension on; raw HTML escaped unless
/// `raw_html`. No link rewriting, headings keep their level.
pub fn render_markdown(text: &str, raw_html: bool) -> String {
    let options = MarkdownOptions {
        raw_html,
        pages: None,
        root: "",
        top_heading: 1,
    };
    render_markdown_with(text, None, &options).0
}

/// Markdown to HTML, with `.md` links rewritten and checked against
/// `options.pages`; the diagnostics are the broken links.
pub fn render_markdown_with(
    text: &str,
    source: Option<MarkdownSource<'_>>,
    options: &MarkdownOptions<'_>,
) -> (String, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    // About one event per 16 bytes of text: room for most bodies at once.
    let mut events: Vec<Event<'_>> = Vec::with_capacity(text.len() / 16);
    let mut dropping_link = false;
    for (event, range) in Parser::new_ext(text, PARSER_OPTIONS).into_offset_iter() {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) if !options.raw_html => {
                events.push(Event::Text(raw));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if !options.raw_html && is_script_url(&dest_url) {
                    dropping_link = true;
                    continue;
                }
                let dest_url = match (options.pages, source) {
                    (Some(pages), Some(source)) => {
                        match rewrite_link(&dest_url, source.path, pages, options.root) {
                            LinkKind::Page(url) => CowStr::from(url),
                            LinkKind::Other => dest_url,
                            LinkKind::Broken { target } => {
                                let offset = text
                                    .get(range.clone())
                                    .and_then(|written| written.find(dest_url.as_ref()))
                                    .map_or(range.start, |i| range.start + i);
                                diagnostics.push(broken_link(
                                    text, source, offset, &dest_url, &target, pages,
                                ));
                                dest_url
                            }
                        }
                    }
                    _ => dest_url,
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Link) if dropping_link => dropping_link = false,
            other => events.push(other),
        }
    }
    shape_headings(&mut events, options.top_heading);
    let mut html = String::with_capacity(text.len() + text.len() / 2);
    html::push_html(&mut html, events.into_iter());
    (html, diagnostics)
}

/// `javascript:`, `vbscript:` and `data:` links run code in the reader's
/// browser: dropped unless raw HTML is allowed. Browsers ignore ASCII
/// whitespace and control characters inside the scheme.
fn is_script_url(url: &str) -> bool {
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take_while(|c| *c != ':')
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let has_colon = url.contains(':');
    has_colon && matches!(scheme.as_str(), "javascript" | "vbscript" | "data")
}

enum LinkKind {
    /// A content file with a page: its URL (fragment kept).
    Page(String),
    /// Not a link to a `.md` file: left as written.
    Other,
    /// A `.md` file that is no page; `target` is its resolved path.
    Broken { target: String },
}

fn rewrite_link(dest: &str, from: &str, pages: &dyn ContentPages, root: &str) -> LinkKind {
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if dest.is_empty() || dest.starts_with('#') || dest.starts_with('/') || has_scheme {
        return LinkKind::Other;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    if !decoded.to_ascii_lowercase().ends_with(".md") {
        return LinkKind::Other;
    }
    let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
    let target = resolve_path(dir, &decoded);
    match target.as_deref().and_then(|t| pages.page_of(t)) {
        Some(path) => LinkKind::Page(match fragment {
            Some(fragment) => format!("{root}{path}#{fragment}"),
            None => format!("{root}{path}"),
        }),
        None => LinkKind::Broken {
            target: target.unwrap_or_else(|| decoded.into_owned()),
        },
    }
}

/// `dir` joined with the relative `path`, `.` and `..` resolved; `None`
/// when `..` climbs above the site root.
fn resolve_path(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn broken_link(
    text: &str,
    source: MarkdownSource<'_>,
    offset: usize,
    dest: &str,
    target: &str,
    pages: &dyn ContentPages,
) -> Diagnostic {
    let message = format!(
        "broken link \"{dest}\": no page is built from \"{target}\"{}",
        hint(target, pages.files().into_iter())
    );
    let Some(first_line) = source.first_line else {
        return Diagnostic::in_file(CodeKind::BrokenLink, message, source.path, Pos::START);
    };
    let before = text.get(..offset).unwrap_or_default();
    let line_in_text = before.matches('\n').count();
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let len = u32::try_from(dest.len()).unwrap_or(1).max(1);
    let column = u32::try_from(column).unwrap_or(1);
    let line_in_text = u32::try_from(line_in_text).unwrap_or(0);
    // The snippet line comes from the text itself; the reported line is the
    // file's.
    let mut diagnostic = Diagnostic::at(
        CodeKind::BrokenLink,
        message,
        source.path,
        text,
        Pos::new(line_in_text + 1, column, len),
    );
    diagnostic.pos = Some(Pos::new(
        first_line.saturating_add(line_in_text),
        column,
        len,
    ));
    diagnostic
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn level_of(number: u8) -> HeadingLevel {
    match number {
        0 | 1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Shifts heading levels so the text's largest heading sits at `top`
/// (headings stay in order under the page's own), and gives every heading
/// an id from its text, unique on the page.
fn shape_headings(events: &mut [Event<'_>], top: u8) {
    let largest = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(level_number(*level)),
            _ => None,
        })
        .min();
    let Some(largest) = largest else {
        return;
    };
    let shift = |level: HeadingLevel| level_of(level_number(level) + top.max(1) - largest);
    let mut used: HashSet<String> = HashSet::new();
    let mut index = 0;
    while index < events.len() {
        let Some(Event::Start(Tag::Heading { id, .. })) = events.get(index) else {
            index += 1;
            continue;
        };
        let written_id = id.as_ref().map(|id| id.to_string());
        let mut words = String::new();
        let mut end = index + 1;
        while let Some(event) = events.get(end) {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => words.push_str(t),
                _ => {}
            }
            end += 1;
        }
        let new_id = match written_id {
            Some(id) => {
                used.insert(id.clone());
                id
            }
            None => unique_id(&slugify(&words), &mut used),
        };
        if let Some(Event::Start(Tag::Heading { level, id, .. })) = events.get_mut(index) {
            *level = shift(*level);
            *id = Some(CowStr::from(new_id));
        }
        if let Some(Event::End(TagEnd::Heading(level))) = events.get_mut(end) {
            *level = shift(*level);
        }
        index = end + 1;
    }
}

fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "section" } else { base };
    let mut candidate = base.to_owned();
    let mut n = 1;
    while used.contains(&candidate) || RESERVED_IDS.contains(&candidate.as_str()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> HashMap<String, String> {
        [
            ("content/categories/monolith.md", "/categories/monolith/"),
            ("content/incidents/web/other.md", "/incidents/other/"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect()
    }

    fn render(text: &str, first_line: Option<u32>) -> (String, Vec<Diagnostic>) {
        let pages = pages();
        render_markdown_with(
            text,
            Some(MarkdownSource {
                path: "content/incidents/web/this.md",
                first_line,
            }),
            &MarkdownOptions {
                raw_html: false,
                pages: Some(&pages),
                root: "",
                top_heading: 2,
            },
        )
    }

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
    fn script_links_are_dropped_unless_raw_html_is_allowed() {
        let html = render_markdown("[click](javascript:alert(1)) [x]( JaVaScRiPt:x)", false);
        assert!(!html.to_ascii_lowercase().contains("javascript"), "{html}");
        assert!(html.contains("click"));
        assert!(render_markdown("[click](javascript:x)", true).contains("href"));
        assert!(
            render_markdown("[ok](https://example.com)", false)
                .contains("href=\"https://example.com\"")
        );
    }

    #[test]
    fn markdown_extensions_are_on() {
        let html = render_markdown(
            "| a |\n|---|\n| b |\n\n~~gone~~\n\n- [x] done\n\nx[^1]\n\n[^1]: note\n",
            false,
        );
        assert!(html.contains("<table>"));
        assert!(html.contains("<del>gone</del>"));
        assert!(html.contains("checkbox"));
        assert!(html.contains("footnote-definition"));
    }

    #[test]
    fn content_links_become_page_links() {
        let (html, diagnostics) = render(
            "See [m](../../categories/monolith.md) and [o](other.md#why) and [x](https://x.org/a.md).\n",
            Some(5),
        );
        assert_eq!(diagnostics, vec![]);
        assert!(html.contains("href=\"/categories/monolith/\""), "{html}");
        assert!(html.contains("href=\"/incidents/other/#why\""), "{html}");
        assert!(html.contains("href=\"https://x.org/a.md\""), "{html}");
    }

    #[test]
    fn a_missing_md_file_is_a_broken_link_at_its_place_in_the_file() {
        let (_, diagnostics) = render("Intro\n\nsee [it](../../categories/monolit.md)\n", Some(7));
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(d.code, CodeKind::BrokenLink);
        assert_eq!(d.file.as_deref(), Some("content/incidents/web/this.md"));
        assert_eq!(d.pos, Some(Pos::new(9, 10, 27)));
        assert!(
            d.message
                .contains("did you mean \"content/categories/monolith.md\""),
            "{}",
            d.message
        );
        assert_eq!(
            d.source_line.as_ref().unwrap().text,
            "see [it](../../categories/monolit.md)"
        );
    }

    #[test]
    fn headings_get_unique_ids_and_sit_under_the_page_heading() {
        let (html, _) = render("# Why\n\n## Why\n\n# Main\n\n### `code` *x*\n", Some(1));
        assert!(html.contains("<h2 id=\"why\">Why</h2>"), "{html}");
        assert!(html.contains("<h3 id=\"why-1\">Why</h3>"), "{html}");
        assert!(html.contains("<h2 id=\"main-1\">Main</h2>"), "{html}");
        assert!(html.contains("<h4 id=\"code-x\">"), "{html}");
        let (html, _) = render("### Only small {#mine}\n", Some(1));
        assert!(html.contains("<h2 id=\"mine\">Only small</h2>"), "{html}");
    }

    #[test]
    fn paths_resolve_and_never_climb_out() {
        assert_eq!(
            resolve_path("content/incidents", "../categories/a.md").as_deref(),
            Some("content/categories/a.md")
        );
        assert_eq!(resolve_path("content", "../../x.md"), None);
    }
}
