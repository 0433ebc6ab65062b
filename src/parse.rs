//! Pure: one content file's text into a typed value, with every problem of
//! that file reported (not only the first).
//!
//! Checks that need only the file itself live here: the frontmatter block,
//! YAML syntax, required and unknown keys, value types, dates, slugs. Rules
//! that need other files (does this category exist?) are in `validate`.
//!
//! Each kind of file has a child holding its keys and its checks:
//! `incident`, `category`, `review` and `site_config` (site.yaml). They all
//! read with the `Reporter` (in `reporter`): the frontmatter block, and
//! text, numbers, dates, lists and mappings, each problem reported where it
//! is written. This file holds [`SourceFile`], the `links` list incidents
//! and categories share, and [`DOCUMENTED_KEYS`].

mod category;
mod incident;
mod reporter;
mod review;
mod site_config;

pub use category::parse_category;
pub use incident::parse_incident;
pub use review::parse_review;
pub use site_config::parse_site_config;

use category::{CATEGORY_KEYS, EFFORT_KEYS};
use incident::{ANECDOTE_KEYS, INCIDENT_KEYS};
use reporter::Reporter;
use review::{REVIEW_ENTRY_KEYS, REVIEW_KEYS};
use site_config::{
    CATEGORY_STATUS_KEYS, FEED_KEYS, INCIDENT_STATUS_KEYS, INCIDENTS_KEYS, MARKDOWN_KEYS,
    REPOSITORY_KEYS, SECTION_KEYS, SITE_KEYS,
};

use crate::diagnostic::CodeKind;
use crate::model::{Link, link_url_kind};
use crate::yaml::{Yaml, YamlValue};

/// A content file as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Relative to the site root, `/`-separated: `content/incidents/a.md`.
    pub path: String,
    /// The file name without `.md`.
    pub slug: String,
    pub text: String,
}

const LINK_KEYS: &[&str] = &["title", "url"];

/// Every key a user can write, by where it is written: the list the
/// configuration reference must cover.
pub const DOCUMENTED_KEYS: &[(&str, &[&str])] = &[
    ("site.yaml", SITE_KEYS),
    ("site.yaml markdown", MARKDOWN_KEYS),
    ("site.yaml feed", FEED_KEYS),
    ("site.yaml repository", REPOSITORY_KEYS),
    ("site.yaml incident_statuses", INCIDENT_STATUS_KEYS),
    ("site.yaml category_statuses", CATEGORY_STATUS_KEYS),
    ("site.yaml sections", SECTION_KEYS),
    ("site.yaml incidents", INCIDENTS_KEYS),
    ("category", CATEGORY_KEYS),
    ("category efforts", EFFORT_KEYS),
    ("category links", LINK_KEYS),
    ("incident", INCIDENT_KEYS),
    ("incident anecdotes", ANECDOTE_KEYS),
    ("incident links", LINK_KEYS),
    ("review", REVIEW_KEYS),
    ("review categories", REVIEW_ENTRY_KEYS),
];

/// `links`: a list of `{title, url}` (title optional), or of bare URLs.
/// A URL that is not http, https or a relative path is `invalid-value` at
/// the URL.
fn parse_links(r: &mut Reporter<'_>, yaml: &Yaml) -> Vec<Link> {
    let Some(items) = r.list(yaml, "links") else {
        return Vec::new();
    };
    let mut links = Vec::with_capacity(items.len());
    for item in items {
        let (title, url) = if let YamlValue::Str(_) = item.value {
            (None, Some(item))
        } else {
            let Some(fields) = r.fields(item, LINK_KEYS, "a link", false) else {
                continue;
            };
            let title = fields
                .get("title")
                .and_then(|y| r.non_empty_string(y, "title"));
            (title, r.required(&fields, "url"))
        };
        let Some((url, pos)) = url.and_then(|y| Some((r.string(y, "url")?, y.pos))) else {
            continue;
        };
        match link_url_kind(&url) {
            Ok(_) => links.push(Link { title, url }),
            Err(problem) => r.error(
                CodeKind::InvalidValue,
                format!("invalid link URL \"{}\": {problem}", url.escape_debug()),
                pos,
            ),
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    pub(super) fn file(path: &str, text: &str) -> SourceFile {
        let slug = path
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".md")
            .to_owned();
        SourceFile {
            path: path.into(),
            slug,
            text: text.into(),
        }
    }

    pub(super) fn codes(diagnostics: &[Diagnostic]) -> Vec<(&'static str, u32, u32)> {
        diagnostics
            .iter()
            .map(|d| {
                let pos = d.pos.unwrap_or_default();
                (d.code.as_str(), pos.line, pos.column)
            })
            .collect()
    }

    #[test]
    fn links_are_read_with_or_without_a_title() {
        let (incident, d) = parse_incident(&file(
            "content/incidents/x.md",
            "---\ntitle: A\ncategory: m\nlinks:\n  - {title: Ticket, url: \"https://jira.example.com/A-1\"}\n  - url: /wiki/ADR-12\n  - ../runbooks/deploy.html\n---\n",
        ));
        assert_eq!(d, []);
        let links = incident.unwrap().links;
        assert_eq!(
            links,
            [
                Link {
                    title: Some("Ticket".into()),
                    url: "https://jira.example.com/A-1".into()
                },
                Link {
                    title: None,
                    url: "/wiki/ADR-12".into()
                },
                Link {
                    title: None,
                    url: "../runbooks/deploy.html".into()
                },
            ]
        );
        let (category, d) = parse_category(&file(
            "content/categories/m.md",
            "---\ntitle: M\nlinks: [{title: Board, url: \"http://board.example.com\"}]\n---\n",
        ));
        assert_eq!(d, []);
        assert_eq!(category.unwrap().links.len(), 1);
    }

    #[test]
    fn a_link_that_is_not_http_https_or_a_path_is_invalid_at_its_url() {
        let (incident, d) = parse_incident(&file(
            "content/incidents/x.md",
            "---\ntitle: A\ncategory: m\nlinks:\n  - {title: Run, url: \"javascript:alert(1)\"}\n  - url: \"data:text/html,x\"\n  - \"mailto:arch@example.com\"\n  - url: \"java\\tscript:x\"\n  - url: \"//evil.example.com/x\"\n  - url: \"https:/x\"\n  - {title: T}\n  - {titel: T, url: /ok}\n  - {title: \"\", url: /ok}\n---\n",
        ));
        assert_eq!(
            codes(&d),
            vec![
                ("invalid-value", 5, 23),
                ("invalid-value", 6, 10),
                ("invalid-value", 7, 5),
                ("invalid-value", 8, 10),
                ("invalid-value", 9, 10),
                ("invalid-value", 10, 10),
                ("missing-field", 11, 5),
                ("unknown-field", 12, 6),
                ("invalid-value", 13, 13),
            ]
        );
        assert_eq!(
            d[0].message,
            "invalid link URL \"javascript:alert(1)\": \"javascript:\" URLs are not allowed: a link is an http or https URL, or a path such as \"/wiki/ADR-12\""
        );
        assert!(d[3].message.contains("U+0009"), "{}", d[3].message);
        // The good ones are kept, so the rest of the site is still checked.
        assert_eq!(incident.unwrap().links.len(), 2);
        let (_, d) = parse_category(&file(
            "content/categories/m.md",
            "---\ntitle: M\nlinks: https://x.example.com\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-value", 3, 8)]);
    }
}
