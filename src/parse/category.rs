//! `content/categories/<slug>.md`: a category's keys and how they are read.
//! Pure.

use super::reporter::Reporter;
use super::{SourceFile, parse_links};
use crate::diagnostic::Diagnostic;
use crate::model::{Category, Effort};
use crate::yaml::Yaml;

pub(super) const CATEGORY_KEYS: &[&str] = &["title", "summary", "efforts", "notes", "links"];
pub(super) const EFFORT_KEYS: &[&str] = &["owner", "items"];

/// Parses `content/categories/<slug>.md`.
pub fn parse_category(file: &SourceFile) -> (Option<Category>, Vec<Diagnostic>) {
    let mut r = Reporter::new(file);
    r.check_slug("category");
    let Some((root, body, body_line)) = r.frontmatter() else {
        return r.finish(None);
    };
    let Some(fields) = r.fields(&root, CATEGORY_KEYS, "a category", true) else {
        return r.finish(None);
    };
    let title = r
        .required(&fields, "title")
        .and_then(|y| r.non_empty_string(y, "title"));
    let summary = r.optional_string(&fields, "summary");
    let notes = r.optional_string(&fields, "notes");
    let efforts = fields
        .get("efforts")
        .map(|y| parse_efforts(&mut r, y))
        .unwrap_or_default();
    let links = fields
        .get("links")
        .map(|y| parse_links(&mut r, y))
        .unwrap_or_default();
    let category = title.map(|title| Category {
        slug: file.slug.clone(),
        path: file.path.clone(),
        title,
        summary,
        notes,
        efforts,
        links,
        body: body.to_owned(),
        body_line,
    });
    r.finish(category)
}

fn parse_efforts(r: &mut Reporter<'_>, yaml: &Yaml) -> Vec<Effort> {
    let Some(items) = r.list(yaml, "efforts") else {
        return Vec::new();
    };
    let mut efforts = Vec::new();
    for item in items {
        let Some(fields) = r.fields(item, EFFORT_KEYS, "an effort", false) else {
            continue;
        };
        let owner = r
            .required(&fields, "owner")
            .and_then(|y| r.non_empty_string(y, "owner"));
        let items = fields
            .get("items")
            .map(|y| r.string_list(y, "items"))
            .unwrap_or_default();
        if let Some(owner) = owner {
            efforts.push(Effort { owner, items });
        }
    }
    efforts
}
