//! Pure: one content file's text into a typed value, with every problem of
//! that file reported (not only the first).
//!
//! Checks that need only the file itself live here: the frontmatter block,
//! YAML syntax, required and unknown keys, value types, dates, slugs. Rules
//! that need other files (does this category exist?) are in `validate`.

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::frontmatter::{SplitErrorKind, split_frontmatter};
use crate::model::{
    Anecdote, BaseUrl, Category, CategoryStatus, Date, Effort, FeedConfig, GroupBy, HostKind,
    Incident, IncidentStatus, Link, Located, OrderBy, PrecisionKind, RankKind, RepositoryConfig,
    Review, ReviewEntry, Section, SiteConfig, date_problem, edit_url_template_problem,
    feed_id_problem, is_valid_slug, link_url_kind, parse_repository_path, parse_repository_url,
    slugify,
};
use crate::yaml::{Yaml, YamlValue, parse_yaml_all};

/// A content file as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Relative to the site root, `/`-separated: `content/incidents/a.md`.
    pub path: String,
    /// The file name without `.md`.
    pub slug: String,
    pub text: String,
}

/// Diagnostics of one file, made with its path and text at hand.
struct Reporter<'a> {
    file: &'a SourceFile,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    fn new(file: &'a SourceFile) -> Reporter<'a> {
        Reporter {
            file,
            diagnostics: Vec::new(),
        }
    }

    fn error(&mut self, code: CodeKind, message: impl Into<String>, pos: Pos) {
        self.diagnostics.push(Diagnostic::at(
            code,
            message,
            &self.file.path,
            &self.file.text,
            pos,
        ));
    }

    /// Checks the file name is a valid slug (`invalid-slug` at 1:1).
    fn check_slug(&mut self, kind: &str) {
        if !is_valid_slug(&self.file.slug) {
            let slug = self.file.slug.clone();
            let fixed = slugify(&slug);
            let rename = if fixed.is_empty() {
                String::new()
            } else {
                format!(" (rename it to \"{fixed}.md\")")
            };
            self.error(
                CodeKind::InvalidSlug,
                format!(
                    "{kind} file name \"{slug}\" is not a valid slug: use lower-case letters, digits and '-', starting with a letter or digit{rename}"
                ),
                Pos::new(1, 1, 3),
            );
        }
    }

    /// The frontmatter's YAML root and the body, or `None` after reporting
    /// why there is none.
    fn frontmatter(&mut self) -> Option<(Yaml, &'a str, u32)> {
        let text = self.file.text.as_str();
        match split_frontmatter(text) {
            Ok(fm) => {
                let root = self.yaml(fm.yaml, fm.yaml_line)?;
                Some((root, fm.body, fm.body_line))
            }
            Err(SplitErrorKind::Missing) => {
                self.error(
                    CodeKind::MissingFrontmatter,
                    "file does not start with a `---` line: content files begin with a YAML frontmatter block between two `---` lines",
                    Pos::new(1, 1, 1),
                );
                None
            }
            Err(SplitErrorKind::Unclosed) => {
                self.error(
                    CodeKind::MissingFrontmatter,
                    "frontmatter block is never closed: add a `---` line after the YAML",
                    Pos::new(1, 1, 3),
                );
                None
            }
        }
    }

    /// The YAML tree, reporting every syntax error; a duplicate key is
    /// reported and the rest of the file still checked.
    fn yaml(&mut self, yaml: &str, first_line: u32) -> Option<Yaml> {
        let (root, errors) = parse_yaml_all(yaml, first_line);
        for error in errors {
            let diagnostic = Diagnostic::at(
                CodeKind::YamlSyntax,
                error.message,
                &self.file.path,
                &self.file.text,
                error.pos,
            );
            self.diagnostics.push(if error.marks_tabs {
                diagnostic.marking_tabs()
            } else {
                diagnostic
            });
        }
        root
    }

    /// Opens a mapping, reporting keys outside `allowed` as `unknown-field`.
    /// `None` (reported) when the value is not a mapping; `Null` is empty.
    fn fields<'y>(
        &mut self,
        yaml: &'y Yaml,
        allowed: &[&'static str],
        what: &str,
        top_level: bool,
    ) -> Option<Fields<'y>> {
        let entries: &[(Yaml, Yaml)] = match &yaml.value {
            YamlValue::Map(entries) => entries,
            YamlValue::Null => &[],
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected {what} to be a mapping of keys to values, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                return None;
            }
        };
        let mut kept = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let YamlValue::Str(name) = &key.value else {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected a text key in {what}, found {}",
                        key.value.kind_name()
                    ),
                    key.pos,
                );
                continue;
            };
            if allowed.contains(&name.as_str()) {
                kept.push((name.as_str(), key, value));
            } else {
                let suggestion = hint(name, allowed.iter().copied());
                let known = if suggestion.is_empty() {
                    format!("; known keys: {}", allowed.join(", "))
                } else {
                    String::new()
                };
                self.error(
                    CodeKind::UnknownField,
                    format!("unknown key \"{name}\" in {what}{suggestion}{known}"),
                    key.pos,
                );
            }
        }
        Some(Fields {
            entries: kept,
            pos: yaml.pos,
            top_level,
            what: what.to_owned(),
        })
    }

    /// A present, non-null value for `name`, or a `missing-field` error.
    fn required<'y>(&mut self, fields: &Fields<'y>, name: &str) -> Option<&'y Yaml> {
        match fields.get_entry(name) {
            Some((_, value)) if value.value != YamlValue::Null => Some(value),
            Some((key, _)) => {
                self.error(
                    CodeKind::MissingField,
                    format!("\"{name}\" in {} has no value", fields.what),
                    key.pos,
                );
                None
            }
            None => {
                let pos = if fields.top_level {
                    Pos::new(1, 1, 3)
                } else {
                    fields.pos
                };
                self.error(
                    CodeKind::MissingField,
                    format!("missing required key \"{name}\" in {}", fields.what),
                    pos,
                );
                None
            }
        }
    }

    fn string(&mut self, yaml: &Yaml, name: &str) -> Option<String> {
        match &yaml.value {
            YamlValue::Str(text) => Some(text.clone()),
            YamlValue::Int(number) => Some(number.to_string()),
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be text, found {} (put it in quotes)",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                None
            }
        }
    }

    /// One of `names`, made into a `T` by `from_name`; anything else is
    /// `invalid-value` with a did-you-mean.
    fn choice<T>(
        &mut self,
        yaml: &Yaml,
        name: &str,
        names: &[&str],
        from_name: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.string(yaml, name)?;
        let value = from_name(&text);
        if value.is_none() {
            self.error(
                CodeKind::InvalidValue,
                format!(
                    "invalid {name} \"{text}\"{}: expected one of {}",
                    hint(&text, names.iter().copied()),
                    names.join(", ")
                ),
                yaml.pos,
            );
        }
        value
    }

    fn non_empty_string(&mut self, yaml: &Yaml, name: &str) -> Option<String> {
        let text = self.string(yaml, name)?;
        if text.trim().is_empty() {
            self.error(
                CodeKind::InvalidValue,
                format!("\"{name}\" must not be empty"),
                yaml.pos,
            );
            return None;
        }
        Some(text)
    }

    fn located_string(&mut self, yaml: &Yaml, name: &str) -> Option<Located<String>> {
        let value = self.non_empty_string(yaml, name)?;
        Some(Located {
            value,
            pos: yaml.pos,
        })
    }

    fn optional_string(&mut self, fields: &Fields<'_>, name: &str) -> Option<String> {
        let yaml = fields.get(name)?;
        self.string(yaml, name)
    }

    fn integer(&mut self, yaml: &Yaml, name: &str, min: u32) -> Option<u32> {
        let number = match &yaml.value {
            YamlValue::Int(number) => *number,
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be a whole number >= {min}, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                return None;
            }
        };
        match u32::try_from(number) {
            Ok(value) if value >= min => Some(value),
            _ => {
                self.error(
                    CodeKind::InvalidValue,
                    format!("\"{name}\" must be a whole number >= {min}, found {number}"),
                    yaml.pos,
                );
                None
            }
        }
    }

    fn boolean(&mut self, yaml: &Yaml, name: &str) -> Option<bool> {
        match &yaml.value {
            YamlValue::Bool(value) => Some(*value),
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be true or false, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                None
            }
        }
    }

    fn date(&mut self, yaml: &Yaml, name: &str) -> Option<Date> {
        let parsed = match &yaml.value {
            YamlValue::Int(year) => Date::from_year(*year),
            YamlValue::Str(text) => Date::parse(text.trim()),
            _ => None,
        };
        if parsed.is_none() {
            let shown = match &yaml.value {
                YamlValue::Str(text) => format!("\"{text}\""),
                YamlValue::Int(number) => number.to_string(),
                other => other.kind_name().to_owned(),
            };
            let problem = match &yaml.value {
                YamlValue::Str(text) => date_problem(text.trim()),
                YamlValue::Int(year) if (0..=9999).contains(year) => {
                    date_problem(&format!("{year:04}"))
                }
                _ => "expected YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)".to_owned(),
            };
            self.error(
                CodeKind::InvalidDate,
                format!("invalid date {shown} for \"{name}\": {problem}"),
                yaml.pos,
            );
        }
        parsed
    }

    /// A list, or `None` (reported) when it is something else; null is empty.
    fn list<'y>(&mut self, yaml: &'y Yaml, name: &str) -> Option<&'y [Yaml]> {
        match &yaml.value {
            YamlValue::Seq(items) => Some(items),
            YamlValue::Null => Some(&[]),
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be a list, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                None
            }
        }
    }

    fn string_list(&mut self, yaml: &Yaml, name: &str) -> Vec<String> {
        let Some(items) = self.list(yaml, name) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.non_empty_string(item, name))
            .collect()
    }

    fn finish<T>(self, value: Option<T>) -> (Option<T>, Vec<Diagnostic>) {
        (value, self.diagnostics)
    }
}

/// The known keys of one YAML mapping.
struct Fields<'y> {
    entries: Vec<(&'y str, &'y Yaml, &'y Yaml)>,
    pos: Pos,
    top_level: bool,
    what: String,
}

impl<'y> Fields<'y> {
    fn get_entry(&self, name: &str) -> Option<(&'y Yaml, &'y Yaml)> {
        self.entries
            .iter()
            .find(|(key, _, _)| *key == name)
            .map(|(_, key, value)| (*key, *value))
    }

    /// The value of `name` unless absent or null.
    fn get(&self, name: &str) -> Option<&'y Yaml> {
        self.get_entry(name)
            .map(|(_, value)| value)
            .filter(|value| value.value != YamlValue::Null)
    }
}

const CATEGORY_KEYS: &[&str] = &["title", "summary", "efforts", "notes", "links"];
const EFFORT_KEYS: &[&str] = &["owner", "items"];
const LINK_KEYS: &[&str] = &["title", "url"];
const INCIDENT_KEYS: &[&str] = &[
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
const ANECDOTE_KEYS: &[&str] = &["team", "date", "text"];
const REVIEW_KEYS: &[&str] = &["date", "categories"];
const REVIEW_ENTRY_KEYS: &[&str] = &["votes", "status", "recorded"];
const SITE_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "rank_by",
    "incident_statuses",
    "category_statuses",
    "sections",
    "markdown",
    "feed_limit",
    "incidents",
    "feed",
    "repository",
];
const MARKDOWN_KEYS: &[&str] = &["raw_html"];
const INCIDENTS_KEYS: &[&str] = &["group_by", "order_by"];
const FEED_KEYS: &[&str] = &["id", "subtitle"];
const REPOSITORY_KEYS: &[&str] = &["url", "branch", "kind", "path", "edit_url_template"];
const INCIDENT_STATUS_KEYS: &[&str] = &["label", "symbol"];
const CATEGORY_STATUS_KEYS: &[&str] = &["label"];
const SECTION_KEYS: &[&str] = &["slug", "title"];

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

/// Parses `content/reviews/<YYYY-MM-DD>.md`.
pub fn parse_review(file: &SourceFile) -> (Option<Review>, Vec<Diagnostic>) {
    let mut r = Reporter::new(file);
    let name_date = Date::parse(&file.slug).filter(|d| d.precision == PrecisionKind::Day);
    if name_date.is_none() {
        let slug = file.slug.clone();
        r.error(
            CodeKind::InvalidSlug,
            format!("review file name \"{slug}\" is not a date: name review files YYYY-MM-DD.md after the meeting's day"),
            Pos::new(1, 1, 3),
        );
    }
    let Some((root, body, body_line)) = r.frontmatter() else {
        return r.finish(None);
    };
    let Some(fields) = r.fields(&root, REVIEW_KEYS, "a review", true) else {
        return r.finish(None);
    };
    let date = r.required(&fields, "date").and_then(|y| {
        let date = r.date(y, "date")?;
        if date.precision != PrecisionKind::Day {
            r.error(
                CodeKind::InvalidDate,
                format!("a review's date needs a day: expected YYYY-MM-DD, found \"{date}\""),
                y.pos,
            );
            return None;
        }
        if let Some(named) = name_date.filter(|named| *named != date) {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "date {date} differs from the file name's date {named}: they must be equal"
                ),
                y.pos,
            );
        }
        Some(date)
    });
    let mut categories = Vec::new();
    if let Some(yaml) = fields.get("categories") {
        match &yaml.value {
            YamlValue::Map(entries) => {
                for (key, value) in entries {
                    let Some(slug) = r.located_string(key, "categories") else {
                        continue;
                    };
                    let Some(entry_fields) =
                        r.fields(value, REVIEW_ENTRY_KEYS, "a review entry", false)
                    else {
                        continue;
                    };
                    let entry = ReviewEntry {
                        votes: entry_fields.get("votes").and_then(|y| r.integer(y, "votes", 0)),
                        status: entry_fields
                            .get("status")
                            .and_then(|y| r.located_string(y, "status")),
                        recorded: entry_fields
                            .get("recorded")
                            .and_then(|y| r.integer(y, "recorded", 0)),
                    };
                    categories.push((slug, entry));
                }
            }
            other => r.error(
                CodeKind::InvalidValue,
                format!(
                    "expected \"categories\" to map category slugs to {{votes, status, recorded}}, found {}",
                    other.kind_name()
                ),
                yaml.pos,
            ),
        }
    }
    let review = date.map(|date| Review {
        date,
        path: file.path.clone(),
        categories,
        body: body.to_owned(),
        body_line,
    });
    r.finish(review)
}

/// Parses `content/site.yaml` (plain YAML, no frontmatter delimiters).
pub fn parse_site_config(file: &SourceFile) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let mut r = Reporter::new(file);
    let Some(root) = r.yaml(&file.text, 1) else {
        return r.finish(None);
    };
    let Some(mut fields) = r.fields(&root, SITE_KEYS, "site.yaml", false) else {
        return r.finish(None);
    };
    // site.yaml has no `---` line to point at: a missing key is reported at
    // its first key, or at the start of a file without keys, never at a
    // comment above them.
    fields.pos = match &root.value {
        YamlValue::Map(entries) => entries.first().map_or(Pos::START, |(key, _)| key.pos),
        _ => Pos::START,
    };
    // Whatever parsed is returned even when something did not, so that the
    // checks across files still run and every error shows in one run; the
    // errors themselves fail the build.
    let title = r
        .required(&fields, "title")
        .and_then(|y| r.non_empty_string(y, "title"))
        .unwrap_or_default();
    let mut config = SiteConfig::with_title(title);
    config.description = r.optional_string(&fields, "description");
    if let Some(yaml) = fields.get("base_url")
        && let Some(text) = r.string(yaml, "base_url")
    {
        match BaseUrl::parse(&text) {
            Some(base_url) => config.base_url = base_url,
            None => r.error(
                CodeKind::InvalidValue,
                format!(
                    "invalid base_url \"{text}\": expected \"/\", a path like \"/arch/challenges/\" or an absolute URL like \"https://docs.example.com/arch/\" (pages link relatively: the built folder opens from disk and works under any path without one)"
                ),
                yaml.pos,
            ),
        }
    }
    if let Some(yaml) = fields.get("theme")
        && let Some(theme) = r.non_empty_string(yaml, "theme")
    {
        if theme == "default"
            || is_valid_slug(&theme)
            || theme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            config.theme = theme;
        } else {
            r.error(
                CodeKind::InvalidValue,
                format!("invalid theme \"{theme}\": expected the name of a folder under themes/"),
                yaml.pos,
            );
        }
    }
    if let Some(yaml) = fields.get("rank_by") {
        let mut rank_by = Vec::new();
        for item in r.list(yaml, "rank_by").unwrap_or_default() {
            let Some(name) = r.string(item, "rank_by") else {
                continue;
            };
            match RankKind::from_name(&name) {
                Some(kind) if !rank_by.contains(&kind) => rank_by.push(kind),
                Some(_) => r.error(
                    CodeKind::InvalidValue,
                    format!("\"{name}\" is listed twice in rank_by"),
                    item.pos,
                ),
                None => r.error(
                    CodeKind::InvalidValue,
                    format!(
                        "cannot rank by \"{name}\"{}: expected one of {}",
                        hint(&name, RankKind::NAMES),
                        RankKind::NAMES.join(", ")
                    ),
                    item.pos,
                ),
            }
        }
        config.rank_by = rank_by;
    }
    if let Some(yaml) = fields.get("incident_statuses") {
        config.incident_statuses =
            parse_keyed_map(&mut r, yaml, "incident_statuses", |r, key, y| {
                let fields = r.fields(y, INCIDENT_STATUS_KEYS, "an incident status", false)?;
                let label = r
                    .required(&fields, "label")
                    .and_then(|y| r.non_empty_string(y, "label"))?;
                let symbol = r.optional_string(&fields, "symbol").unwrap_or_default();
                Some(IncidentStatus { key, label, symbol })
            });
    }
    if let Some(yaml) = fields.get("category_statuses") {
        config.category_statuses =
            parse_keyed_map(&mut r, yaml, "category_statuses", |r, key, y| {
                let fields = r.fields(y, CATEGORY_STATUS_KEYS, "a category status", false)?;
                let label = r
                    .required(&fields, "label")
                    .and_then(|y| r.non_empty_string(y, "label"))?;
                Some(CategoryStatus { key, label })
            });
    }
    if let Some(yaml) = fields.get("sections") {
        for item in r.list(yaml, "sections").unwrap_or_default() {
            let Some(section) = r.fields(item, SECTION_KEYS, "a section", false) else {
                continue;
            };
            let slug = r
                .required(&section, "slug")
                .and_then(|y| Some((r.non_empty_string(y, "slug")?, y.pos)));
            let title = r
                .required(&section, "title")
                .and_then(|y| r.non_empty_string(y, "title"));
            let Some((slug, pos)) = slug else { continue };
            if !is_valid_slug(&slug) {
                r.error(
                    CodeKind::InvalidSlug,
                    format!("section slug \"{slug}\" is not a valid slug: use lower-case letters, digits and '-'"),
                    pos,
                );
                continue;
            }
            if config.sections.iter().any(|s| s.slug == slug) {
                r.error(
                    CodeKind::DuplicateSlug,
                    format!("section \"{slug}\" is listed twice"),
                    pos,
                );
                continue;
            }
            if let Some(title) = title {
                config.sections.push(Section { slug, title });
            }
        }
    }
    if let Some(yaml) = fields.get("markdown")
        && let Some(markdown) = r.fields(yaml, MARKDOWN_KEYS, "markdown", false)
        && let Some(raw) = markdown.get("raw_html")
        && let Some(mode) = r.string(raw, "raw_html")
    {
        match mode.as_str() {
            "escape" => config.raw_html = false,
            "allow" => config.raw_html = true,
            _ => r.error(
                CodeKind::InvalidValue,
                format!("invalid raw_html \"{mode}\": expected \"escape\" or \"allow\""),
                raw.pos,
            ),
        }
    }
    if let Some(yaml) = fields.get("feed_limit")
        && let Some(limit) = r.integer(yaml, "feed_limit", 1)
    {
        config.feed_limit = limit;
    }
    if let Some(yaml) = fields.get("incidents")
        && let Some(list) = r.fields(yaml, INCIDENTS_KEYS, "incidents", false)
    {
        if let Some(value) = list.get("group_by") {
            config.group_by = r
                .choice(value, "group_by", &GroupBy::NAMES, GroupBy::from_name)
                .unwrap_or_default();
        }
        if let Some(value) = list.get("order_by") {
            config.order_by = r
                .choice(value, "order_by", &OrderBy::NAMES, OrderBy::from_name)
                .unwrap_or_default();
        }
    }
    if let Some(yaml) = fields.get("feed") {
        config.feed = parse_feed(&mut r, yaml);
    }
    if let Some(yaml) = fields.get("repository") {
        config.repository = parse_repository(&mut r, yaml);
    }
    r.finish(Some(config))
}

/// site.yaml's `repository`: the host's edit page of every content file,
/// from `url`, `branch` and `kind`, or from `edit_url_template`; and the
/// site's folder in the repository. `None` when it is unusable, with every
/// problem of it reported.
fn parse_repository(r: &mut Reporter<'_>, yaml: &Yaml) -> Option<RepositoryConfig> {
    let fields = r.fields(yaml, REPOSITORY_KEYS, "repository", false)?;
    let path = match fields.get("path") {
        Some(yaml) => r.string(yaml, "path").and_then(|text| {
            let path = parse_repository_path(&text);
            if path.is_none() {
                r.error(
                    CodeKind::InvalidValue,
                    format!(
                        "invalid repository path \"{text}\": expected the folder that holds content/, relative to the repository's root, such as \"docs/arch\""
                    ),
                    yaml.pos,
                );
            }
            path
        }),
        None => Some(String::new()),
    };
    if let Some(template_yaml) = fields.get("edit_url_template") {
        let template = r
            .non_empty_string(template_yaml, "edit_url_template")
            .filter(|template| match edit_url_template_problem(template) {
                None => true,
                Some(problem) => {
                    r.error(
                        CodeKind::InvalidValue,
                        format!("invalid edit_url_template \"{template}\": {problem}"),
                        template_yaml.pos,
                    );
                    false
                }
            });
        if let Some(name) = ["url", "branch", "kind"]
            .into_iter()
            .find(|name| fields.get_entry(name).is_some())
        {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "repository has both \"edit_url_template\" and \"{name}\": give either url (with branch and kind) or edit_url_template"
                ),
                template_yaml.pos,
            );
            return None;
        }
        return Some(RepositoryConfig {
            edit_url_template: template?,
            path: path?,
        });
    }
    let branch = match fields.get("branch") {
        Some(yaml) => r.non_empty_string(yaml, "branch").filter(|branch| {
            let valid = !(branch.contains(char::is_whitespace)
                || branch.contains("..")
                || branch.starts_with(['/', '-'])
                || branch.ends_with('/'));
            if !valid {
                r.error(
                    CodeKind::InvalidValue,
                    format!(
                        "invalid branch \"{branch}\": expected the name of a Git branch, such as \"main\""
                    ),
                    yaml.pos,
                );
            }
            valid
        }),
        None => Some("main".to_owned()),
    };
    // `None`: no kind given; `Some(None)`: a kind given and reported.
    let kind = fields.get("kind").map(|yaml| {
        let name = r.string(yaml, "kind")?;
        let kind = HostKind::from_name(&name);
        if kind.is_none() {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "unknown kind of host \"{name}\"{}: expected one of {}",
                    hint(&name, HostKind::NAMES),
                    HostKind::NAMES.join(", ")
                ),
                yaml.pos,
            );
        }
        kind
    });
    let Some(url_yaml) = fields.get("url") else {
        r.error(
            CodeKind::MissingField,
            "repository needs \"url\", the repository's web address (or \"edit_url_template\")",
            fields.pos,
        );
        return None;
    };
    let text = r.non_empty_string(url_yaml, "url")?;
    let (url, host) = match parse_repository_url(&text) {
        Ok(parsed) => parsed,
        Err(problem) => {
            r.error(
                CodeKind::InvalidValue,
                format!("invalid repository url \"{text}\": {problem}"),
                url_yaml.pos,
            );
            return None;
        }
    };
    let kind = match kind {
        Some(given) => given?,
        None => {
            let Some(kind) = HostKind::of_host(&host) else {
                r.error(
                    CodeKind::MissingField,
                    format!(
                        "frictionlog cannot tell which kind of host \"{host}\" is: add \"kind\" to repository ({})",
                        HostKind::NAMES.join(", ")
                    ),
                    url_yaml.pos,
                );
                return None;
            };
            kind
        }
    };
    Some(RepositoryConfig {
        edit_url_template: kind.edit_url_template(&url, &branch?),
        path: path?,
    })
}

/// site.yaml's `feed`: the feed's id and subtitle.
fn parse_feed(r: &mut Reporter<'_>, yaml: &Yaml) -> FeedConfig {
    let mut feed = FeedConfig::default();
    let Some(fields) = r.fields(yaml, FEED_KEYS, "feed", false) else {
        return feed;
    };
    if let Some(yaml) = fields.get("id")
        && let Some(id) = r.non_empty_string(yaml, "id")
    {
        match feed_id_problem(&id) {
            None => feed.id = Some(id),
            Some(problem) => r.error(
                CodeKind::InvalidValue,
                format!("invalid feed id \"{id}\": {problem}"),
                yaml.pos,
            ),
        }
    }
    if let Some(yaml) = fields.get("subtitle")
        && let Some(subtitle) = r.string(yaml, "subtitle")
    {
        feed.subtitle = subtitle;
    }
    feed
}

/// A mapping from keys (slugs) to definitions, kept in the order written.
fn parse_keyed_map<T>(
    r: &mut Reporter<'_>,
    yaml: &Yaml,
    name: &str,
    mut parse_one: impl FnMut(&mut Reporter<'_>, String, &Yaml) -> Option<T>,
) -> Vec<T> {
    let YamlValue::Map(entries) = &yaml.value else {
        r.error(
            CodeKind::InvalidValue,
            format!(
                "expected \"{name}\" to be a mapping of keys to definitions, found {}",
                yaml.value.kind_name()
            ),
            yaml.pos,
        );
        return Vec::new();
    };
    let mut parsed = Vec::new();
    for (key, value) in entries {
        let Some(key_text) = r.non_empty_string(key, name) else {
            continue;
        };
        if !is_valid_slug(&key_text) {
            r.error(
                CodeKind::InvalidSlug,
                format!("status key \"{key_text}\" is not a valid slug: use lower-case letters, digits and '-'"),
                key.pos,
            );
            continue;
        }
        if let Some(item) = parse_one(r, key_text, value) {
            parsed.push(item);
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
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

    fn codes(diagnostics: &[Diagnostic]) -> Vec<(&'static str, u32, u32)> {
        diagnostics
            .iter()
            .map(|d| {
                let pos = d.pos.unwrap_or_default();
                (d.code.as_str(), pos.line, pos.column)
            })
            .collect()
    }

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

    #[test]
    fn frontmatter_problems() {
        let (_, d) = parse_incident(&file("content/incidents/x.md", "title: A\n"));
        assert_eq!(codes(&d), vec![("missing-frontmatter", 1, 1)]);
        let (_, d) = parse_incident(&file("content/incidents/x.md", "---\ntitle: A\n"));
        assert_eq!(codes(&d), vec![("missing-frontmatter", 1, 1)]);
        let (_, d) = parse_incident(&file("content/incidents/x.md", "---\ntitle: [A\n---\n"));
        assert_eq!(codes(&d)[0].0, "yaml-syntax");
    }

    #[test]
    fn invalid_slug_is_reported_at_the_start() {
        let (_, d) = parse_incident(&file(
            "content/incidents/Bad_Name.md",
            "---\ntitle: A\ncategory: m\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-slug", 1, 1)]);
    }

    #[test]
    fn review_date_must_match_its_file_name() {
        let (review, d) = parse_review(&file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-16\ncategories:\n  monolith: {votes: 2, status: nope, recorded: 14}\n  fed: {}\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-value", 2, 7)]);
        let review = review.unwrap();
        assert_eq!(review.categories.len(), 2);
        assert_eq!(review.categories[0].1.votes, Some(2));
        assert_eq!(review.categories[1].1, ReviewEntry::default());
        let (_, d) = parse_review(&file(
            "content/reviews/october.md",
            "---\ndate: 2018-10-15\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-slug", 1, 1)]);
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

    #[test]
    fn site_config_defaults_and_overrides() {
        let (config, d) = parse_site_config(&file("content/site.yaml", "title: Challenges\n"));
        assert_eq!(d, []);
        let config = config.unwrap();
        assert_eq!(config.base_url.path, "/");
        assert_eq!(config.feed_limit, 50);
        assert_eq!(config.incident_statuses.len(), 3);
        let (config, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nbase_url: /arch/\nrank_by: [votes]\nmarkdown: {raw_html: allow}\nsections:\n  - {slug: fed, title: Front End}\nincident_statuses:\n  sad: {label: Sad, symbol: \"☹\"}\n",
        ));
        assert_eq!(d, []);
        let config = config.unwrap();
        assert_eq!(config.rank_by, vec![RankKind::Votes]);
        assert!(config.raw_html);
        assert_eq!(config.incident_statuses.len(), 1);
        assert_eq!(config.sections[0].slug, "fed");
    }

    #[test]
    fn site_config_feed() {
        let (config, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nfeed:\n  id: tag:example.com,2024:arch\n  subtitle: \"\"\n",
        ));
        assert_eq!(d, []);
        let feed = config.unwrap().feed;
        assert_eq!(feed.id.as_deref(), Some("tag:example.com,2024:arch"));
        assert_eq!(feed.subtitle, "");
        let (config, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nfeed:\n  id: /arch/\n  subtitel: x\n",
        ));
        assert_eq!(
            codes(&d),
            vec![("unknown-field", 4, 3), ("invalid-value", 3, 7)]
        );
        assert!(d[0].message.contains("did you mean \"subtitle\""));
        assert!(
            d[1].message
                .starts_with("invalid feed id \"/arch/\": expected an absolute URI")
        );
        assert_eq!(config.unwrap().feed, FeedConfig::default());
    }

    #[test]
    fn site_config_repository() {
        let repository = |yaml: &str| {
            let (config, d) = parse_site_config(&file(
                "content/site.yaml",
                &format!("title: T\nrepository:\n{yaml}"),
            ));
            (config.unwrap().repository, codes(&d), d)
        };
        let (found, problems, _) = repository("  url: https://github.com/acme/arch/\n");
        assert_eq!(problems, vec![]);
        let found = found.unwrap();
        assert_eq!(
            found.edit_url_template,
            "https://github.com/acme/arch/edit/main/{path}"
        );
        assert_eq!(found.path, "");
        let (found, problems, _) = repository(
            "  url: https://git.example.com/acme/arch\n  kind: gitlab\n  branch: trunk\n  path: docs/arch\n",
        );
        assert_eq!(problems, vec![]);
        let found = found.unwrap();
        assert_eq!(
            found.edit_url("content/reviews/2018-10-15.md"),
            "https://git.example.com/acme/arch/-/edit/trunk/docs/arch/content/reviews/2018-10-15.md"
        );
        let (found, problems, _) =
            repository("  edit_url_template: https://h/edit/{path}\n  path: site\n");
        assert_eq!(problems, vec![]);
        assert_eq!(
            found.unwrap().edit_url("content/x.md"),
            "https://h/edit/site/content/x.md"
        );
        let (found, problems, d) = repository("  url: https://git.example.com/acme/arch\n");
        assert_eq!((found, problems), (None, vec![("missing-field", 3, 8)]));
        assert!(d[0].message.contains("add \"kind\""), "{}", d[0].message);
        let (_, problems, d) = repository("  url: https://github.com/a/b\n  kind: githib\n");
        assert_eq!(problems, vec![("invalid-value", 4, 9)]);
        assert!(d[0].message.contains("(did you mean \"github\"?)"));
        let (_, problems, _) =
            repository("  url: https://github.com/a/b\n  edit_url_template: https://h/{path}\n");
        assert_eq!(problems, vec![("invalid-value", 4, 22)]);
        let (_, problems, _) = repository("  branch: main\n");
        assert_eq!(problems, vec![("missing-field", 3, 3)]);
        let (_, problems, _) =
            repository("  url: https://github.com/a/b\n  path: ../up\n  brnch: x\n");
        assert_eq!(
            problems,
            vec![("unknown-field", 5, 3), ("invalid-value", 4, 9)]
        );
        // Every problem of the mapping, not only the first.
        let (found, problems, _) =
            repository("  url: ftp://x\n  path: /abs\n  branch: a b\n  kind: githib\n");
        assert_eq!(found, None);
        assert_eq!(
            problems,
            vec![
                ("invalid-value", 4, 9),
                ("invalid-value", 5, 11),
                ("invalid-value", 6, 9),
                ("invalid-value", 3, 8),
            ]
        );
    }

    #[test]
    fn site_config_rejects_bad_values() {
        let (_, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nrank_by: [votez]\nfeed_limit: 0\nbase_url: arch\nthemes: x\n",
        ));
        assert_eq!(
            codes(&d),
            vec![
                ("unknown-field", 5, 1),
                ("invalid-value", 4, 11),
                ("invalid-value", 2, 11),
                ("invalid-value", 3, 13),
            ]
        );
        assert!(d[2].message.contains("did you mean \"votes\""));
    }
}
