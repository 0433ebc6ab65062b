//! Pure: a good row as a draft ([`IncidentDraft`]), and the text of the
//! incident file made from it.

use crate::model::Date;
use crate::scaffold::yaml_string;

/// A good row, ready to be written.
pub(super) struct IncidentDraft {
    /// The slug and the column it comes from (the title's when made).
    pub(super) slug: (String, usize),
    pub(super) title: String,
    pub(super) category: CategoryChoice,
    pub(super) section: Option<String>,
    pub(super) status: Vec<String>,
    pub(super) resolution: Option<String>,
    pub(super) about: Option<String>,
    pub(super) anecdotes: Vec<AnecdoteDraft>,
    pub(super) links: Vec<(Option<String>, String)>,
    pub(super) occurrences: Option<u32>,
    pub(super) tags: Vec<String>,
    pub(super) body: Option<String>,
}

/// How a row names its category.
#[derive(Clone, Debug)]
pub(super) enum CategoryChoice {
    /// A category file, or one this import creates for an earlier row.
    Known(String),
    /// One to create: slug and title.
    New(String, String),
}

/// One anecdote as a row gives it, checked.
pub(super) struct AnecdoteDraft {
    /// None: no team recorded (unattributed).
    pub(super) team: Option<String>,
    pub(super) date: Option<Date>,
    pub(super) text: Option<String>,
}

/// `release-pipeline` -> `Release pipeline`: the title of a category
/// created from a slug.
pub(super) fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// The incident file of a row, keys in the order of docs/configuration.md.
pub(super) fn incident_text(draft: &IncidentDraft, category: &str) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|item| yaml_string(item))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = String::from("---\n");
    text.push_str(&format!("title: {}\n", yaml_string(&draft.title)));
    text.push_str(&format!("category: {}\n", yaml_string(category)));
    if let Some(section) = &draft.section {
        text.push_str(&format!("section: {}\n", yaml_string(section)));
    }
    if !draft.status.is_empty() {
        text.push_str(&format!("status: [{}]\n", list(&draft.status)));
    }
    if let Some(resolution) = &draft.resolution {
        text.push_str(&format!("resolution: {}\n", yaml_string(resolution)));
    }
    if let Some(about) = &draft.about {
        text.push_str(&format!("about: {}\n", yaml_string(about)));
    }
    if !draft.anecdotes.is_empty() {
        text.push_str("anecdotes:\n");
        for anecdote in &draft.anecdotes {
            let mut keys: Vec<String> = Vec::with_capacity(3);
            if let Some(team) = &anecdote.team {
                keys.push(format!("team: {}", yaml_string(team)));
            }
            if let Some(date) = anecdote.date {
                keys.push(format!("date: {date}"));
            }
            if let Some(said) = &anecdote.text {
                keys.push(format!("text: {}", yaml_string(said)));
            }
            if keys.is_empty() {
                text.push_str("  - {}\n");
            }
            for (n, key) in keys.iter().enumerate() {
                text.push_str(if n == 0 { "  - " } else { "    " });
                text.push_str(key);
                text.push('\n');
            }
        }
    }
    if !draft.links.is_empty() {
        text.push_str("links:\n");
        for (title, url) in &draft.links {
            match title {
                Some(title) => {
                    text.push_str(&format!("  - title: {}\n", yaml_string(title)));
                    text.push_str(&format!("    url: {}\n", yaml_string(url)));
                }
                None => text.push_str(&format!("  - url: {}\n", yaml_string(url))),
            }
        }
    }
    if let Some(count) = draft.occurrences {
        text.push_str(&format!("occurrences: {count}\n"));
    }
    if !draft.tags.is_empty() {
        text.push_str(&format!("tags: [{}]\n", list(&draft.tags)));
    }
    text.push_str("---\n");
    if let Some(body) = &draft.body {
        text.push_str(body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}
