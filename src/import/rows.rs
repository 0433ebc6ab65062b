//! Pure: the rows read one by one ([`RowReader`]), each cell checked by
//! the rules `check` applies and against the site and the rows before.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::export::cell;
use crate::model::{Date, date_problem, is_valid_slug, link_url_kind, slugify};
use crate::parse::{SourceFile, parse_incident};
use crate::scaffold::{NewFile, slug_from_title};

use super::draft::{AnecdoteDraft, CategoryChoice, IncidentDraft, incident_text, title_from_slug};
use super::header::{Columns, FieldKind};
use super::{ImportOptions, SiteIndex};

/// Reads the rows one by one, keeping what later rows must agree with:
/// the slugs taken, the teams named, the categories to create.
pub(super) struct RowReader<'a> {
    file: &'a str,
    site: &'a SiteIndex,
    options: &'a ImportOptions,
    columns: &'a Columns,
    /// Slug -> what has it.
    slugs: HashMap<String, SlugOwner>,
    /// Team page slug -> the name that has it.
    teams: HashMap<String, String>,
    pub(super) new_categories: BTreeMap<String, String>,
    pub(super) problems: Vec<Diagnostic>,
    pub(super) files: Vec<NewFile>,
}

impl<'a> RowReader<'a> {
    pub(super) fn new(
        file: &'a str,
        site: &'a SiteIndex,
        options: &'a ImportOptions,
        columns: &'a Columns,
    ) -> RowReader<'a> {
        let slugs = site
            .incidents
            .iter()
            .map(|(slug, path)| (slug.clone(), SlugOwner::File(path.clone())))
            .collect();
        let teams = site
            .teams
            .iter()
            .map(|name| (slugify(name), name.clone()))
            .collect();
        RowReader {
            file,
            site,
            options,
            columns,
            slugs,
            teams,
            new_categories: BTreeMap::new(),
            problems: Vec::new(),
            files: Vec::new(),
        }
    }

    /// Reads one row; a bad row adds its problems and makes no file.
    pub(super) fn read_row(&mut self, line: u32, record: &csv::StringRecord) {
        let mut row = Row {
            file: self.file,
            line,
            names: self.columns.names.as_slice(),
            problems: Vec::new(),
            teams: HashMap::new(),
        };
        let mut cells = Cells::default();
        let width = self.columns.fields.len();
        if record.len() != width {
            row.problem(
                CodeKind::InvalidValue,
                format!(
                    "this row has {} cells but the header names {width} columns",
                    record.len()
                ),
                record.len().min(width),
            );
            self.problems.append(&mut row.problems);
            return;
        }
        for (column, value) in record.iter().enumerate() {
            let value = cell::unprotect(value);
            match self.columns.fields.get(column).copied().flatten() {
                Some(FieldKind::Ignore) => {}
                Some(field) => {
                    // A cell of blanks is as empty as an empty one.
                    if !value.trim().is_empty() {
                        cells.0.insert(field, (column, value.to_owned()));
                    }
                }
                None if value.trim().is_empty() => {}
                None => row.problem(
                    CodeKind::UnknownField,
                    format!(
                        "column {} has no name in the header, so this value has nowhere to go: name the column",
                        column + 1
                    ),
                    column,
                ),
            }
        }
        let draft = self.check_row(&cells, &mut row);
        match draft {
            Some(draft) if row.problems.is_empty() => self.accept(&mut row, draft),
            _ => {}
        }
        self.problems.append(&mut row.problems);
    }

    fn check_row(&self, cells: &Cells, row: &mut Row<'_>) -> Option<IncidentDraft> {
        let title = match cells.get(FieldKind::Title) {
            Some((_, title)) if !title.trim().is_empty() => Some(title.to_owned()),
            other => {
                let column = other.map_or_else(|| self.column_of(FieldKind::Title), |(c, _)| c);
                row.problem(
                    CodeKind::MissingField,
                    "this row has no title".to_owned(),
                    column,
                );
                None
            }
        };
        let slug = self.row_slug(cells, row, title.as_deref());
        let category = match cells.get(FieldKind::Category) {
            Some((column, name)) => self.category(row, column, name.trim()),
            None => {
                let column = self.column_of(FieldKind::Category);
                row.problem(
                    CodeKind::MissingField,
                    "this row has no category".to_owned(),
                    column,
                );
                None
            }
        };
        let section = cells
            .get(FieldKind::Section)
            .and_then(|(column, name)| self.section(row, column, name.trim()));
        let status = cells
            .get(FieldKind::Status)
            .map(|(column, text)| self.statuses(row, column, text))
            .unwrap_or_default();
        let resolution = cells.get(FieldKind::Resolution).map(|(_, r)| r.to_owned());
        let about = cells.get(FieldKind::About).map(|(_, a)| a.to_owned());
        let mut anecdotes = Vec::new();
        if let Some((column, text)) = cells.get(FieldKind::Anecdotes) {
            match cell::read_anecdotes(text) {
                Ok(read) => {
                    for a in read {
                        anecdotes
                            .extend(self.anecdote(row, column, column, &a.team, a.date, a.text));
                    }
                }
                Err(problem) => row.problem(
                    CodeKind::InvalidValue,
                    format!("in the anecdotes: {problem}"),
                    column,
                ),
            }
        }
        let team = cells.get(FieldKind::Team);
        let date = cells.get(FieldKind::Date);
        let text = cells.get(FieldKind::Text);
        // A date or text without a team is an anecdote with no team
        // recorded (unattributed), as in a content file.
        if let Some((column, _)) = team.or(date).or(text) {
            let team_column = team.map_or(column, |(c, _)| c);
            let date_column = date.map_or(team_column, |(c, _)| c);
            anecdotes.extend(self.anecdote(
                row,
                team_column,
                date_column,
                team.map_or("", |(_, t)| t.trim()),
                date.map(|(_, d)| d.to_owned()),
                text.map(|(_, t)| t.to_owned()),
            ));
        }
        // `teams` is what the export derives from the anecdotes: read back
        // only when a row has no anecdotes, as one undated anecdote each.
        if anecdotes.is_empty()
            && let Some((column, text)) = cells.get(FieldKind::Teams)
        {
            match cell::read_list(text) {
                Ok(teams) => {
                    for team in teams {
                        anecdotes.extend(self.anecdote(row, column, column, &team, None, None));
                    }
                }
                Err(problem) => row.problem(
                    CodeKind::InvalidValue,
                    format!("in the teams: {problem}"),
                    column,
                ),
            }
        }
        let occurrences = cells
            .get(FieldKind::Occurrences)
            .and_then(|(column, text)| {
                let text = text.trim();
                match text.parse::<u32>() {
                    Ok(count) if count >= 1 => Some((column, count)),
                    _ => {
                        row.problem(
                            CodeKind::InvalidValue,
                            format!("occurrences \"{text}\" is not a whole number >= 1"),
                            column,
                        );
                        None
                    }
                }
            })
            .and_then(|(column, count)| {
                let written = anecdotes.len();
                if usize::try_from(count).is_ok_and(|c| c < written) {
                    row.problem(
                        CodeKind::InvalidValue,
                        format!(
                            "occurrences is {count} but the row gives {written} anecdotes: it must be at least the number of anecdotes"
                        ),
                        column,
                    );
                    return None;
                }
                // The count the anecdotes already make is not written.
                (usize::try_from(count).map_or(true, |c| c > written.max(1))).then_some(count)
            });
        let tags = cells
            .get(FieldKind::Tags)
            .map(|(column, text)| match cell::read_list(text) {
                Ok(tags) => tags,
                Err(problem) => {
                    row.problem(
                        CodeKind::InvalidValue,
                        format!("in the tags: {problem}"),
                        column,
                    );
                    Vec::new()
                }
            })
            .unwrap_or_default();
        let links = cells
            .get(FieldKind::Links)
            .map(|(column, text)| links(row, column, text))
            .unwrap_or_default();
        let body = cells.get(FieldKind::Body).map(|(_, b)| b.to_owned());
        Some(IncidentDraft {
            slug: slug?,
            title: title?,
            category: category?,
            section,
            status,
            resolution,
            about,
            anecdotes,
            links,
            occurrences,
            tags,
            body,
        })
    }

    /// The column a field is in, for a problem about its missing value.
    fn column_of(&self, field: FieldKind) -> usize {
        self.columns
            .fields
            .iter()
            .position(|f| *f == Some(field))
            .unwrap_or(0)
    }

    /// The row's slug: its `slug` cell, else made from the title (with
    /// `-2`, `-3` when an earlier row of the file made the same one).
    fn row_slug(
        &self,
        cells: &Cells,
        row: &mut Row<'_>,
        title: Option<&str>,
    ) -> Option<(String, usize)> {
        if let Some((column, slug)) = cells.get(FieldKind::Slug) {
            let slug = slug.trim().to_owned();
            if !is_valid_slug(&slug) {
                let fixed = slugify(&slug);
                let rename = if fixed.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean \"{fixed}\"?)")
                };
                row.problem(
                    CodeKind::InvalidSlug,
                    format!(
                        "slug \"{slug}\" is not a valid slug: use lower-case letters, digits and '-', starting with a letter or digit{rename}"
                    ),
                    column,
                );
                return None;
            }
            if let Some(taken) = self.slugs.get(&slug) {
                row.problem(
                    CodeKind::DuplicateSlug,
                    format!("an incident with the slug \"{slug}\" already exists: {taken}"),
                    column,
                );
                return None;
            }
            return Some((slug, column));
        }
        let column = self.column_of(FieldKind::Title);
        let title = title?;
        let Some(base) = slug_from_title(title) else {
            row.problem(
                CodeKind::InvalidSlug,
                format!(
                    "title \"{title}\" has no letter or digit to make a file name from: give the row a slug column"
                ),
                column,
            );
            return None;
        };
        if let Some(taken @ SlugOwner::File(_)) = self.slugs.get(&base) {
            row.problem(
                CodeKind::DuplicateSlug,
                format!(
                    "an incident with the slug \"{base}\" (made from the title) already exists: {taken} (was this file imported before? give the row another slug in a slug column)"
                ),
                column,
            );
            return None;
        }
        let mut slug = base.clone();
        let mut n = 2;
        while self.slugs.contains_key(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        Some((slug, column))
    }

    fn category(&self, row: &mut Row<'_>, column: usize, name: &str) -> Option<CategoryChoice> {
        let lower = name.to_lowercase();
        let slugged = slugify(name);
        let known = self
            .site
            .categories
            .iter()
            .map(|(slug, title)| (slug.as_str(), title.as_deref()))
            .chain(
                self.new_categories
                    .iter()
                    .map(|(slug, title)| (slug.as_str(), Some(title.as_str()))),
            );
        let mut by_title = None;
        let mut by_slugified = None;
        for (slug, title) in known {
            if slug == name {
                return Some(CategoryChoice::Known(slug.to_owned()));
            }
            if by_title.is_none() && title.is_some_and(|t| t.trim().to_lowercase() == lower) {
                by_title = Some(slug.to_owned());
            }
            if by_slugified.is_none() && slug == slugged {
                by_slugified = Some(slug.to_owned());
            }
        }
        if let Some(slug) = by_title.or(by_slugified) {
            return Some(CategoryChoice::Known(slug));
        }
        if self.options.create_categories {
            if is_valid_slug(name) {
                return Some(CategoryChoice::New(name.to_owned(), title_from_slug(name)));
            }
            if let Some(slug) = slug_from_title(name) {
                return Some(CategoryChoice::New(slug, name.to_owned()));
            }
            row.problem(
                CodeKind::InvalidSlug,
                format!("category \"{name}\" has no letter or digit to make a file name from"),
                column,
            );
            return None;
        }
        let slugs: Vec<&str> = self
            .site
            .categories
            .iter()
            .map(|(slug, _)| slug.as_str())
            .collect();
        let known = if slugs.is_empty() {
            " (the site has no categories yet)".to_owned()
        } else {
            format!("; existing categories: {}", slugs.join(", "))
        };
        row.problem(
            CodeKind::UnknownCategory,
            format!(
                "unknown category \"{name}\"{}{known}; pass --create-categories to create the categories the file names",
                hint(&slugged, slugs.iter().copied())
            ),
            column,
        );
        None
    }

    fn section(&self, row: &mut Row<'_>, column: usize, name: &str) -> Option<String> {
        let lower = name.to_lowercase();
        let sections = &self.site.sections;
        let found = sections
            .iter()
            .find(|s| s.slug == name)
            .or_else(|| sections.iter().find(|s| s.title.to_lowercase() == lower))
            .or_else(|| sections.iter().find(|s| s.slug == slugify(name)));
        if let Some(section) = found {
            return Some(section.slug.clone());
        }
        let known = if sections.is_empty() {
            " (site.yaml defines no sections)".to_owned()
        } else {
            format!(
                "; site.yaml's sections: {}",
                sections
                    .iter()
                    .map(|s| s.slug.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        row.problem(
            CodeKind::UnknownSection,
            format!(
                "unknown section \"{name}\"{}{known}",
                hint(name, sections.iter().map(|s| s.slug.as_str()))
            ),
            column,
        );
        None
    }

    fn statuses(&self, row: &mut Row<'_>, column: usize, text: &str) -> Vec<String> {
        let items = match cell::read_list(text) {
            Ok(items) => items,
            Err(problem) => {
                row.problem(
                    CodeKind::InvalidValue,
                    format!("in the status: {problem}"),
                    column,
                );
                return Vec::new();
            }
        };
        let statuses = &self.site.statuses;
        let mut keys: Vec<String> = Vec::new();
        for item in items {
            let lower = item.to_lowercase();
            let found = statuses
                .iter()
                .find(|s| s.key == item)
                .or_else(|| statuses.iter().find(|s| s.label.to_lowercase() == lower))
                .or_else(|| statuses.iter().find(|s| s.key == lower));
            match found {
                Some(status) if keys.contains(&status.key) => row.problem(
                    CodeKind::InvalidValue,
                    format!("status \"{item}\" is listed twice"),
                    column,
                ),
                Some(status) => keys.push(status.key.clone()),
                None => row.problem(
                    CodeKind::UnknownStatus,
                    format!(
                        "unknown status \"{item}\"{}; site.yaml's incident statuses: {}",
                        hint(&lower, statuses.iter().map(|s| s.key.as_str())),
                        statuses
                            .iter()
                            .map(|s| s.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    column,
                ),
            }
        }
        keys
    }

    /// An anecdote with its team checked against every team name of the
    /// site and of earlier rows (two names with one page address are
    /// `duplicate-slug`), and its date against the calendar.
    fn anecdote(
        &self,
        row: &mut Row<'_>,
        team_column: usize,
        date_column: usize,
        team: &str,
        date: Option<String>,
        text: Option<String>,
    ) -> Option<AnecdoteDraft> {
        let date = match date.map(|d| d.trim().to_owned()) {
            Some(text) if !text.is_empty() => match Date::parse(&text) {
                Some(date) => Some(date),
                None => {
                    row.problem(
                        CodeKind::InvalidDate,
                        format!("invalid date \"{text}\": {}", date_problem(&text)),
                        date_column,
                    );
                    return None;
                }
            },
            _ => None,
        };
        // An empty team is an unattributed anecdote, as in a content file.
        if team.trim().is_empty() {
            return Some(AnecdoteDraft {
                team: None,
                date,
                text,
            });
        }
        let slug = slugify(team);
        if slug.is_empty() {
            row.problem(
                CodeKind::InvalidValue,
                format!("team \"{team}\" needs at least one letter or digit"),
                team_column,
            );
            return None;
        }
        let known = self
            .teams
            .get(&slug)
            .or_else(|| row.teams.get(&slug))
            .filter(|name| name.as_str() != team);
        if let Some(known) = known {
            row.problem(
                CodeKind::DuplicateSlug,
                format!(
                    "team \"{team}\" has the same page address (teams/{slug}/) as the team \"{known}\": spell it \"{known}\""
                ),
                team_column,
            );
            return None;
        }
        row.teams.insert(slug, team.to_owned());
        Some(AnecdoteDraft {
            team: Some(team.to_owned()),
            date,
            text,
        })
    }

    /// Takes a good row: its slug, its teams and its new category become
    /// taken, and its file is made and parsed back.
    fn accept(&mut self, row: &mut Row<'_>, draft: IncidentDraft) {
        let (slug, slug_column) = &draft.slug;
        let category = match &draft.category {
            CategoryChoice::Known(slug) => slug.clone(),
            CategoryChoice::New(slug, _) => slug.clone(),
        };
        let path = format!("content/incidents/{slug}.md");
        let text = incident_text(&draft, &category);
        let (_, diagnostics) = parse_incident(&SourceFile {
            path: path.clone(),
            slug: slug.clone(),
            text: text.clone(),
        });
        // Checked by the same rules above; a difference is a bug here, but
        // the row is refused rather than written.
        if let Some(diagnostic) = diagnostics.first() {
            row.problem(
                diagnostic.code,
                format!(
                    "the file made from this row would not pass check: {}",
                    diagnostic.message
                ),
                *slug_column,
            );
            return;
        }
        if let CategoryChoice::New(slug, title) = &draft.category {
            self.new_categories
                .entry(slug.clone())
                .or_insert_with(|| title.clone());
        }
        self.slugs.insert(slug.clone(), SlugOwner::Row(row.line));
        self.teams.extend(row.teams.drain());
        self.files.push(NewFile { path, text });
    }
}

/// What has a slug already.
enum SlugOwner {
    /// An incident file of the site, by its path.
    File(String),
    /// A row of the CSV, by the line it starts on.
    Row(u32),
}

impl fmt::Display for SlugOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlugOwner::File(path) => f.write_str(path),
            SlugOwner::Row(line) => write!(f, "the row on line {line}"),
        }
    }
}

/// A row's non-empty cells, by field: (0-based column, text).
#[derive(Default)]
struct Cells(BTreeMap<FieldKind, (usize, String)>);

impl Cells {
    fn get(&self, field: FieldKind) -> Option<(usize, &str)> {
        self.0
            .get(&field)
            .map(|(column, text)| (*column, text.as_str()))
    }
}

/// One row as it is read: where it is, its problems, the teams it names.
struct Row<'a> {
    file: &'a str,
    line: u32,
    /// The header's names of the columns, to say which a problem is in.
    names: &'a [String],
    problems: Vec<Diagnostic>,
    /// Teams this row names, by page slug (taken once the row is good).
    teams: HashMap<String, String>,
}

impl Row<'_> {
    /// A problem of the cell in `column` (0-based), its message starting
    /// with the column's name.
    fn problem(&mut self, code: CodeKind, message: String, column: usize) {
        let message = match self.names.get(column).filter(|name| !name.is_empty()) {
            Some(name) => format!("column \"{name}\": {message}"),
            None => message,
        };
        self.problems.push(Diagnostic::in_file(
            code,
            message,
            self.file,
            Pos::new(self.line, u32::try_from(column + 1).unwrap_or(u32::MAX), 0),
        ));
    }
}

fn links(row: &mut Row<'_>, column: usize, text: &str) -> Vec<(Option<String>, String)> {
    let read = match cell::read_links(text) {
        Ok(read) => read,
        Err(problem) => {
            row.problem(
                CodeKind::InvalidValue,
                format!("in the links: {problem}"),
                column,
            );
            return Vec::new();
        }
    };
    let mut links = Vec::with_capacity(read.len());
    for (title, url) in read {
        match link_url_kind(&url) {
            Ok(_) => links.push((title, url)),
            Err(problem) => row.problem(
                CodeKind::InvalidValue,
                format!("invalid link URL \"{}\": {problem}", url.escape_debug()),
                column,
            ),
        }
    }
    links
}
