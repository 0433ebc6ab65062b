//! `content/incidents/**/<slug>.md`: an incident's keys and how they are
//! read, its status list and anecdotes included. Pure.

use super::reporter::Reporter;
use super::{SourceFile, parse_links};
use crate::diagnostic::{CodeKind, Diagnostic};
use crate::model::{Anecdote, Incident, Located};
use crate::yaml::{Yaml, YamlValue};

pub(super) const INCIDENT_KEYS: &[&str] = &[
    "title",
    "category",
    "section",
    "status",
    "resolution",
    "about",
    "anecdotes",
    "links",
    "occurrences",
    "tags",
    "draft",
];
pub(super) const ANECDOTE_KEYS: &[&str] = &["team", "date", "text"];

/// Parses `content/incidents/**/<slug>.md`.
pub fn parse_incident(file: &SourceFile) -> (Option<Incident>, Vec<Diagnostic>) {
    let mut r = Reporter::new(file);
    r.check_slug("incident");
    let Some((root, body, body_line)) = r.frontmatter() else {
        return r.finish(None);
    };
    let Some(fields) = r.fields(&root, INCIDENT_KEYS, "an incident", true) else {
        return r.finish(None);
    };
    let title = r
        .required(&fields, "title")
        .and_then(|y| r.non_empty_string(y, "title"));
    let category = r
        .required(&fields, "category")
        .and_then(|y| r.located_string(y, "category"));
    let section = fields
        .get("section")
        .and_then(|y| r.located_string(y, "section"));
    let status = fields
        .get("status")
        .map(|y| parse_status_list(&mut r, y))
        .unwrap_or_default();
    let resolution = r.optional_string(&fields, "resolution");
    let about = r.optional_string(&fields, "about");
    let anecdotes = fields
        .get("anecdotes")
        .map(|y| parse_anecdotes(&mut r, y))
        .unwrap_or_default();
    let links = fields
        .get("links")
        .map(|y| parse_links(&mut r, y))
        .unwrap_or_default();
    let occurrences = fields.get("occurrences").and_then(|y| {
        let count = r.integer(y, "occurrences", 1)?;
        let written = anecdotes.len();
        if usize::try_from(count).is_ok_and(|c| c < written) {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "\"occurrences\" is {count} but {written} anecdotes are written down: it must be at least the number of anecdotes (or leave it out)"
                ),
                y.pos,
            );
            return None;
        }
        Some(count)
    });
    let tags = fields
        .get("tags")
        .map(|y| r.string_list(y, "tags"))
        .unwrap_or_default();
    let draft = fields
        .get("draft")
        .and_then(|y| r.boolean(y, "draft"))
        .unwrap_or(false);
    let incident = match (title, category) {
        (Some(title), Some(category)) => Some(Incident {
            slug: file.slug.clone(),
            path: file.path.clone(),
            title,
            category,
            section,
            status,
            resolution,
            about,
            anecdotes,
            links,
            occurrences,
            tags,
            draft,
            body: body.to_owned(),
            body_line,
        }),
        _ => None,
    };
    r.finish(incident)
}

/// `status: sad` or `status: [sad, tick]`; a repeated key is an error.
fn parse_status_list(r: &mut Reporter<'_>, yaml: &Yaml) -> Vec<Located<String>> {
    let items: Vec<&Yaml> = match &yaml.value {
        YamlValue::Seq(items) => items.iter().collect(),
        _ => vec![yaml],
    };
    let mut keys: Vec<Located<String>> = Vec::new();
    for item in items {
        let Some(key) = r.located_string(item, "status") else {
            continue;
        };
        // `status: sad, tick` is one string to YAML; the list was meant.
        // Each part is still checked against the site's statuses.
        if key.value.contains(',') && !matches!(yaml.value, YamlValue::Seq(_)) {
            let parts: Vec<&str> = key
                .value
                .split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .collect();
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "status \"{}\" is one text, not a list (did you mean [{}]?)",
                    key.value,
                    parts.join(", ")
                ),
                key.pos,
            );
            for part in parts {
                if !keys.iter().any(|k| k.value == part) {
                    keys.push(Located {
                        value: part.to_owned(),
                        pos: key.pos,
                    });
                }
            }
            continue;
        }
        if keys.iter().any(|k| k.value == key.value) {
            r.error(
                CodeKind::InvalidValue,
                format!("status \"{}\" is listed twice", key.value),
                key.pos,
            );
            continue;
        }
        keys.push(key);
    }
    keys
}

fn parse_anecdotes(r: &mut Reporter<'_>, yaml: &Yaml) -> Vec<Anecdote> {
    let Some(items) = r.list(yaml, "anecdotes") else {
        return Vec::new();
    };
    let mut anecdotes = Vec::with_capacity(items.len());
    for item in items {
        let Some(fields) = r.fields(item, ANECDOTE_KEYS, "an anecdote", false) else {
            continue;
        };
        // No `team` is an unattributed occurrence; a `team` that is not a
        // name is an error, and the anecdote is left out.
        let team = match fields.get("team") {
            None => None,
            Some(y) => match r.located_string(y, "team") {
                Some(team) => Some(team),
                None => continue,
            },
        };
        let date = fields.get("date").and_then(|y| r.date(y, "date"));
        let text = r.optional_string(&fields, "text");
        anecdotes.push(Anecdote { team, date, text });
    }
    anecdotes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;
    use crate::parse::tests::{codes, file};

    #[test]
    fn a_full_incident_parses() {
        let (incident, diagnostics) = parse_incident(&file(
            "content/incidents/settings.md",
            "---\ntitle: Many files\ncategory: monolith\nsection: new\nstatus: [sad, tick]\nresolution: Runway\nanecdotes:\n  - team: Enterprise\n    date: 2017-11\n  - team: Completion\n    date: 2018\n    text: hi\noccurrences: 3\ntags: [django]\n---\nBody\n",
        ));
        assert_eq!(diagnostics, []);
        let incident = incident.unwrap();
        assert_eq!(incident.title, "Many files");
        assert_eq!(incident.category.value, "monolith");
        assert_eq!(incident.category.pos, Pos::new(3, 11, 8));
        assert_eq!(incident.status.len(), 2);
        assert_eq!(incident.anecdotes[0].date.unwrap().to_string(), "2017-11");
        assert_eq!(incident.anecdotes[1].date.unwrap().to_string(), "2018");
        assert_eq!(incident.occurrence_count(), 3);
        assert_eq!(incident.body, "Body\n");
        assert_eq!(incident.body_line, 16);
    }

    #[test]
    fn every_problem_of_a_file_is_reported() {
        let (_, diagnostics) = parse_incident(&file(
            "content/incidents/x.md",
            "---\ntitel: A\ncategory: m\nanecdotes:\n  - date: 2018-02-30\n    team: T\n  - text: no team\n  - team: [T]\noccurrences: 0\ndraft: maybe\n---\n",
        ));
        assert_eq!(
            codes(&diagnostics),
            vec![
                ("unknown-field", 2, 1),
                ("missing-field", 1, 1),
                ("invalid-date", 5, 11),
                // An anecdote without a team is unattributed, not wrong.
                ("invalid-value", 8, 11),
                ("invalid-value", 9, 14),
                ("invalid-value", 10, 8),
            ]
        );
        assert!(diagnostics[0].message.contains("did you mean \"title\""));
    }

    #[test]
    fn occurrences_below_the_anecdote_count_is_invalid() {
        let (_, diagnostics) = parse_incident(&file(
            "content/incidents/x.md",
            "---\ntitle: A\ncategory: m\nanecdotes: [{team: A}, {team: B}]\noccurrences: 1\n---\n",
        ));
        assert_eq!(codes(&diagnostics), vec![("invalid-value", 5, 14)]);
    }

    #[test]
    fn repeated_status_is_invalid() {
        let (_, diagnostics) = parse_incident(&file(
            "content/incidents/x.md",
            "---\ntitle: A\ncategory: m\nstatus: [sad, sad]\n---\n",
        ));
        assert_eq!(codes(&diagnostics), vec![("invalid-value", 4, 15)]);
    }
}
