//! `frictionlog import csv`: the rows of a CSV file (a spreadsheet, a wiki
//! table, or frictionlog's own incidents.csv) as incident files, and the
//! categories they name.
//!
//! Pure up to the I/O section at the end: [`plan_import`] reads the CSV's
//! text against what the site already holds ([`SiteIndex`]) and returns
//! every file to write and every problem, each at `FILE:LINE:COLUMN` (the
//! line the row starts on, the header being line 1, and the 1-based
//! column). Rows are checked by the rules `check` applies, and each file
//! made is parsed back before it is offered, so an import never leaves a
//! site that `check` refuses. The cells of incidents.csv are read by
//! [`crate::export::cell`], the code that writes them, so exporting and
//! importing gives the same incidents back (docs/format.md,
//! "incidents.csv").
//!
//! The I/O section reads the site and writes the files all together or
//! not at all ([`write_files`]): each is written under a hidden temporary
//! name first, then linked into place without replacing anything.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::export::cell;
use crate::load::{decode_utf8, load_content};
use crate::model::{
    Date, IncidentStatus, Section, date_problem, is_valid_slug, link_url_kind, slugify,
};
use crate::parse::{SourceFile, parse_category, parse_incident, parse_site_config};
use crate::scaffold::{NewFile, make_category_file, slug_from_title, yaml_string};

/// What a column of the CSV holds (`--map COLUMN=FIELD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldKind {
    Slug,
    Title,
    Category,
    Section,
    Status,
    Occurrences,
    Teams,
    FirstSeen,
    LastSeen,
    Tags,
    Links,
    Resolution,
    About,
    Anecdotes,
    Team,
    Date,
    Text,
    Body,
    Ignore,
}

impl FieldKind {
    /// Every field, by the name a header or `--map` gives it.
    pub const ALL: [(&'static str, FieldKind); 19] = [
        ("slug", FieldKind::Slug),
        ("title", FieldKind::Title),
        ("category", FieldKind::Category),
        ("section", FieldKind::Section),
        ("status", FieldKind::Status),
        ("occurrences", FieldKind::Occurrences),
        ("teams", FieldKind::Teams),
        ("first_seen", FieldKind::FirstSeen),
        ("last_seen", FieldKind::LastSeen),
        ("tags", FieldKind::Tags),
        ("links", FieldKind::Links),
        ("resolution", FieldKind::Resolution),
        ("about", FieldKind::About),
        ("anecdotes", FieldKind::Anecdotes),
        ("team", FieldKind::Team),
        ("date", FieldKind::Date),
        ("text", FieldKind::Text),
        ("body", FieldKind::Body),
        ("ignore", FieldKind::Ignore),
    ];

    /// The field a header names: its name in any case, with spaces or
    /// `-` for `_` (`First seen` is `first_seen`).
    pub fn from_name(name: &str) -> Option<FieldKind> {
        let name = name.trim().to_lowercase().replace([' ', '-'], "_");
        FieldKind::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, field)| *field)
    }

    pub fn name(self) -> &'static str {
        FieldKind::ALL
            .iter()
            .find(|(_, field)| *field == self)
            .map_or("ignore", |(name, _)| name)
    }

    fn names() -> impl Iterator<Item = &'static str> {
        FieldKind::ALL.iter().map(|(name, _)| *name)
    }
}

/// `--map COLUMN=FIELD`: the column's name as the header writes it, and
/// the field it holds. The last `=` splits, so a column's name may hold
/// one.
pub fn parse_map(text: &str) -> Result<(String, FieldKind), String> {
    let Some((column, field)) = text.rsplit_once('=') else {
        return Err(format!(
            "expected COLUMN=FIELD, as in \"Incident name=title\"; fields: {}",
            FieldKind::names().collect::<Vec<_>>().join(", ")
        ));
    };
    if column.trim().is_empty() {
        return Err("the column's name before '=' is empty".to_owned());
    }
    match FieldKind::from_name(field) {
        Some(kind) => Ok((column.trim().to_owned(), kind)),
        None => Err(format!(
            "unknown field \"{field}\"{}; fields: {}",
            hint(field, FieldKind::names()),
            FieldKind::names().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// How to read the CSV.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// `--map`: (column name, field), matched to the header ignoring case.
    pub maps: Vec<(String, FieldKind)>,
    /// `--create-categories`: a category no file has is created.
    pub create_categories: bool,
}

/// What an import must know of the site it adds to.
#[derive(Clone, Debug, Default)]
pub struct SiteIndex {
    /// Every category file's slug, and its title when the file parses.
    pub categories: Vec<(String, Option<String>)>,
    /// Every incident file's slug and path, drafts and sub-folders too.
    pub incidents: Vec<(String, String)>,
    pub statuses: Vec<IncidentStatus>,
    pub sections: Vec<Section>,
    /// Every team name an anecdote of the site gives.
    pub teams: Vec<String>,
}

/// The result of reading a CSV: the files to write for the good rows, and
/// the problems.
#[derive(Debug, Default)]
pub struct ImportPlan {
    /// New categories first, then one incident per good row.
    pub files: Vec<NewFile>,
    pub categories: usize,
    pub incidents: usize,
    /// Problems of the file as a whole, its header or the `--map`s:
    /// nothing can be imported.
    pub fatal: Vec<Diagnostic>,
    /// Problems of rows, each at its cell; a bad row makes no file.
    pub problems: Vec<Diagnostic>,
    pub bad_rows: usize,
    /// Rows with any value in them.
    pub rows: usize,
}

/// Reads `bytes` (the CSV file `file`, named so in diagnostics) into the
/// files to write to the site described by `site`.
pub fn plan_import(
    file: &str,
    bytes: Vec<u8>,
    site: &SiteIndex,
    options: &ImportOptions,
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let text = match decode_utf8(file, bytes) {
        Ok(text) => text,
        Err(diagnostic) => {
            plan.fatal.push(diagnostic);
            return plan;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            plan.fatal.push(csv_error(file, &error));
            return plan;
        }
        None => {
            plan.fatal.push(Diagnostic::in_file(
                CodeKind::MissingField,
                "the file is empty: the first line must name the columns (title, category, ...)",
                file,
                Pos::START,
            ));
            return plan;
        }
    };
    let Some(columns) = read_header(file, &header, options, &mut plan.fatal) else {
        return plan;
    };
    let mut rows = RowReader::new(file, site, options, &columns);
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                plan.fatal.push(csv_error(file, &error));
                return plan;
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        plan.rows += 1;
        let line = record.position().map_or(0, |p| line_at(text, p.byte()));
        let before = rows.problems.len();
        rows.read_row(line, &record);
        if rows.problems.len() > before {
            plan.bad_rows += 1;
        }
    }
    plan.problems = rows.problems;
    for (slug, title) in &rows.new_categories {
        // `make_category_file` names the file after its title; the slug
        // the rows use is kept (a slug cut to 60 characters would differ).
        if let Ok(made) = make_category_file(title) {
            plan.files.push(NewFile {
                path: format!("content/categories/{slug}.md"),
                text: made.text,
            });
            plan.categories += 1;
        }
    }
    plan.incidents = rows.files.len();
    plan.files.append(&mut rows.files);
    plan
}

/// The 1-based line of the file a record starting at byte `offset` is
/// on. The reader's own line count lags behind after a CRLF, and its
/// offset may point at the line break that ended the record before.
fn line_at(text: &str, offset: u64) -> u32 {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let before = text.as_bytes().get(..offset).unwrap_or_default();
    let skipped = text
        .as_bytes()
        .get(offset..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .filter(|b| **b == b'\n')
        .count();
    let lines = before.iter().filter(|b| **b == b'\n').count() + skipped + 1;
    u32::try_from(lines).unwrap_or(u32::MAX)
}

fn csv_error(file: &str, error: &csv::Error) -> Diagnostic {
    let line = error.position().map_or(1, |p| p.line());
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    Diagnostic::in_file(
        CodeKind::InvalidValue,
        format!("cannot read the CSV: {error}"),
        file,
        Pos::new(line, 1, 0),
    )
}

/// Which column holds which field; `None` for a column without a name.
struct Columns {
    fields: Vec<Option<FieldKind>>,
    names: Vec<String>,
}

fn read_header(
    file: &str,
    header: &csv::StringRecord,
    options: &ImportOptions,
    fatal: &mut Vec<Diagnostic>,
) -> Option<Columns> {
    let at = |column: usize| Pos::new(1, u32::try_from(column + 1).unwrap_or(u32::MAX), 0);
    let names: Vec<String> = header.iter().map(|name| name.trim().to_owned()).collect();
    let mut fields = Vec::with_capacity(names.len());
    let mut used_maps = vec![false; options.maps.len()];
    for (column, name) in names.iter().enumerate() {
        let mapped = options
            .maps
            .iter()
            .position(|(wanted, _)| wanted.to_lowercase() == name.to_lowercase());
        let field = match mapped {
            Some(index) => {
                if let Some(used) = used_maps.get_mut(index) {
                    *used = true;
                }
                options.maps.get(index).map(|(_, field)| *field)
            }
            None if name.is_empty() => None,
            None => match FieldKind::from_name(name) {
                Some(field) => Some(field),
                None => {
                    fatal.push(Diagnostic::in_file(
                        CodeKind::UnknownField,
                        format!(
                            "unknown column \"{name}\"{}: map it to a field with --map \"{name}=FIELD\" or leave it out with --map \"{name}=ignore\" (fields: {})",
                            hint(&name.to_lowercase(), FieldKind::names()),
                            FieldKind::names().collect::<Vec<_>>().join(", ")
                        ),
                        file,
                        at(column),
                    ));
                    None
                }
            },
        };
        if let Some(field) = field.filter(|f| *f != FieldKind::Ignore)
            && let Some(first) = fields.iter().position(|f| *f == Some(field))
        {
            fatal.push(Diagnostic::in_file(
                CodeKind::InvalidValue,
                format!(
                    "columns \"{}\" and \"{name}\" both hold \"{}\": map one of them to another field, or to ignore",
                    names.get(first).map_or("", String::as_str),
                    field.name()
                ),
                file,
                at(column),
            ));
        }
        fields.push(field);
    }
    for ((wanted, _), used) in options.maps.iter().zip(used_maps) {
        if !used {
            fatal.push(Diagnostic::in_file(
                CodeKind::InvalidValue,
                format!(
                    "--map names the column \"{wanted}\", which the header does not have{}; its columns: {}",
                    hint(wanted, names.iter().map(String::as_str)),
                    names
                        .iter()
                        .filter(|name| !name.is_empty())
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                file,
                Pos::new(1, 1, 0),
            ));
        }
    }
    for required in [FieldKind::Title, FieldKind::Category] {
        if !fields.contains(&Some(required)) {
            let name = required.name();
            fatal.push(Diagnostic::in_file(
                CodeKind::MissingField,
                format!(
                    "no column holds \"{name}\": name one \"{name}\" in the header, or map one with --map \"COLUMN={name}\""
                ),
                file,
                Pos::new(1, 1, 0),
            ));
        }
    }
    fatal.is_empty().then_some(Columns { fields, names })
}

/// How a row names its category.
#[derive(Clone, Debug)]
enum CategoryChoice {
    /// A category file, or one this import creates for an earlier row.
    Known(String),
    /// One to create: slug and title.
    New(String, String),
}

/// One anecdote as a row gives it, checked.
struct AnecdoteDraft {
    /// None: no team recorded (unattributed).
    team: Option<String>,
    date: Option<Date>,
    text: Option<String>,
}

/// Reads the rows one by one, keeping what later rows must agree with:
/// the slugs taken, the teams named, the categories to create.
struct RowReader<'a> {
    file: &'a str,
    site: &'a SiteIndex,
    options: &'a ImportOptions,
    columns: &'a Columns,
    /// Slug -> what has it.
    slugs: HashMap<String, SlugOwner>,
    /// Team page slug -> the name that has it.
    teams: HashMap<String, String>,
    new_categories: BTreeMap<String, String>,
    problems: Vec<Diagnostic>,
    files: Vec<NewFile>,
}

impl<'a> RowReader<'a> {
    fn new(
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
    fn read_row(&mut self, line: u32, record: &csv::StringRecord) {
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

/// `release-pipeline` -> `Release pipeline`: the title of a category
/// created from a slug.
fn title_from_slug(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// A good row, ready to be written.
struct IncidentDraft {
    /// The slug and the column it comes from (the title's when made).
    slug: (String, usize),
    title: String,
    category: CategoryChoice,
    section: Option<String>,
    status: Vec<String>,
    resolution: Option<String>,
    about: Option<String>,
    anecdotes: Vec<AnecdoteDraft>,
    links: Vec<(Option<String>, String)>,
    occurrences: Option<u32>,
    tags: Vec<String>,
    body: Option<String>,
}

/// The incident file of a row, keys in the order of docs/configuration.md.
fn incident_text(draft: &IncidentDraft, category: &str) -> String {
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

// ---- I/O ----

/// Why an import could not start or could not write.
#[derive(Debug)]
pub enum ImportError {
    /// There is no site to import into.
    NoContent {
        root: PathBuf,
    },
    /// site.yaml is missing or has errors: its statuses and sections are
    /// needed to check the rows.
    Settings {
        root: PathBuf,
    },
    /// The CSV file cannot be read.
    Read {
        path: PathBuf,
        source: io::Error,
    },
    /// A file to create appeared meanwhile; nothing was written.
    Exists {
        path: PathBuf,
    },
    Write {
        path: PathBuf,
        source: io::Error,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NoContent { root } => write!(
                f,
                "no content/ folder in \"{}\": run `frictionlog init` to start a site, or pass --root",
                root.display()
            ),
            ImportError::Settings { root } => write!(
                f,
                "\"{}\" is missing or has errors: import checks rows against its statuses and sections (run `frictionlog check`)",
                root.join("content/site.yaml").display()
            ),
            ImportError::Read { path, source } => {
                write!(f, "cannot read \"{}\": {source}", path.display())
            }
            ImportError::Exists { path } => write!(
                f,
                "\"{}\" appeared while importing: nothing was written (run the import again)",
                path.display()
            ),
            ImportError::Write { path, source } => write!(
                f,
                "cannot write \"{}\": {source}; nothing was written",
                path.display()
            ),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Read { source, .. } | ImportError::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What an import must know of the site under `root`.
pub fn read_site_index(root: &Path) -> Result<SiteIndex, ImportError> {
    if !root.join("content").is_dir() {
        return Err(ImportError::NoContent {
            root: root.to_owned(),
        });
    }
    let content = load_content(root);
    let settings = || ImportError::Settings {
        root: root.to_owned(),
    };
    let site_file = content.site.as_ref().ok_or_else(settings)?;
    let (config, diagnostics) = parse_site_config(site_file);
    let config = config
        .filter(|_| !diagnostics.iter().any(Diagnostic::is_error))
        .ok_or_else(settings)?;
    let categories = content
        .categories
        .iter()
        .map(|file| (file.slug.clone(), parse_category(file).0.map(|c| c.title)))
        .collect();
    let mut teams: HashSet<String> = HashSet::new();
    let mut incidents = Vec::with_capacity(content.incidents.len());
    for file in &content.incidents {
        incidents.push((file.slug.clone(), file.path.clone()));
        if let Some(incident) = parse_incident(file).0 {
            teams.extend(
                incident
                    .anecdotes
                    .into_iter()
                    .filter_map(|a| a.team.map(|t| t.value)),
            );
        }
    }
    let mut teams: Vec<String> = teams.into_iter().collect();
    teams.sort();
    Ok(SiteIndex {
        categories,
        incidents,
        statuses: config.incident_statuses,
        sections: config.sections,
        teams,
    })
}

/// Reads the CSV file at `path`.
pub fn read_csv(path: &Path) -> Result<Vec<u8>, ImportError> {
    fs::read(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Writes every file under `root`, or none: each is written and synced
/// under a hidden temporary name beside its place (content walks skip
/// it), then all are linked into place, never replacing a file; if one
/// cannot be, those already placed are removed again.
pub fn write_files(root: &Path, files: &[NewFile]) -> Result<(), ImportError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    let result = stage_and_place(root, files, &mut staged);
    for (temporary, _) in &staged {
        let _ = fs::remove_file(temporary);
    }
    result
}

fn stage_and_place(
    root: &Path,
    files: &[NewFile],
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), ImportError> {
    let pid = std::process::id();
    for (n, file) in files.iter().enumerate() {
        let path = root.join(&file.path);
        let write_error = |source| ImportError::Write {
            path: path.clone(),
            source,
        };
        let parent = path.parent().unwrap_or(root);
        fs::create_dir_all(parent).map_err(write_error)?;
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let temporary = parent.join(format!(".{name}.import-{pid}-{n}.tmp"));
        let mut out = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(write_error)?;
        staged.push((temporary, path.clone()));
        out.write_all(file.text.as_bytes())
            .and_then(|()| out.sync_all())
            .map_err(write_error)?;
    }
    let mut placed: Vec<&Path> = Vec::with_capacity(staged.len());
    for (temporary, path) in staged.iter() {
        if let Err(source) = fs::hard_link(temporary, path) {
            for done in placed {
                let _ = fs::remove_file(done);
            }
            return Err(if source.kind() == io::ErrorKind::AlreadyExists {
                ImportError::Exists { path: path.clone() }
            } else {
                ImportError::Write {
                    path: path.clone(),
                    source,
                }
            });
        }
        placed.push(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_incident_statuses;

    fn site() -> SiteIndex {
        SiteIndex {
            categories: vec![
                ("monolith".into(), Some("Monolith (mindset)".into())),
                ("frontend".into(), None),
            ],
            incidents: vec![("taken".into(), "content/incidents/old/taken.md".into())],
            statuses: default_incident_statuses(),
            sections: vec![Section {
                slug: "new-features".into(),
                title: "New features".into(),
            }],
            teams: vec!["Web".into()],
        }
    }

    fn plan(csv: &str, options: &ImportOptions) -> ImportPlan {
        plan_import("in.csv", csv.as_bytes().to_vec(), &site(), options)
    }

    fn places(diagnostics: &[Diagnostic]) -> Vec<(&'static str, u32, u32)> {
        diagnostics
            .iter()
            .map(|d| {
                let pos = d.pos.unwrap_or_default();
                (d.code.as_str(), pos.line, pos.column)
            })
            .collect()
    }

    fn file<'p>(plan: &'p ImportPlan, path: &str) -> &'p str {
        plan.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.text.as_str())
            .unwrap_or_else(|| panic!("no {path} in {:?}", plan.files))
    }

    #[test]
    fn headers_name_fields_in_any_case_and_maps_rename_columns() {
        assert_eq!(
            FieldKind::from_name(" First seen "),
            Some(FieldKind::FirstSeen)
        );
        assert_eq!(FieldKind::from_name("TITLE"), Some(FieldKind::Title));
        assert_eq!(FieldKind::from_name("titel"), None);
        assert_eq!(
            parse_map("Pain = point=title").unwrap(),
            ("Pain = point".to_owned(), FieldKind::Title)
        );
        assert!(parse_map("x").is_err());
        assert!(parse_map("=title").is_err());
        let options = ImportOptions {
            maps: vec![("Pain".into(), FieldKind::Title)],
            create_categories: false,
        };
        let plan = plan("pain,Category\nSlow builds,monolith\n", &options);
        assert!(plan.fatal.is_empty(), "{:?}", plan.fatal);
        assert_eq!(plan.incidents, 1);
        assert!(file(&plan, "content/incidents/slow-builds.md").contains("title: \"Slow builds\""));
    }

    #[test]
    fn categories_sections_and_statuses_are_found_by_name_too() {
        let plan = plan(
            "title,category,section,status\nA,Monolith (mindset),New features,Painful; tick\nB,FRONTEND,new-features,\n",
            &ImportOptions::default(),
        );
        assert_eq!(places(&plan.problems), []);
        let a = file(&plan, "content/incidents/a.md");
        assert!(
            a.contains(
                "category: \"monolith\"\nsection: \"new-features\"\nstatus: [\"sad\", \"tick\"]\n"
            ),
            "{a}"
        );
        assert!(file(&plan, "content/incidents/b.md").contains("category: \"frontend\""));
    }

    #[test]
    fn problems_are_at_the_row_s_line_and_the_cell_s_column() {
        let plan = plan(
            "title,category,date,team\nA,monolith,2018-13,Web\n\"B\nb\",nowhere,,\nC,monolith,2018-02-30,\n",
            &ImportOptions::default(),
        );
        // Row C has no team: an unattributed anecdote, whose date is
        // still checked.
        assert_eq!(
            places(&plan.problems),
            [
                ("invalid-date", 2, 3),
                ("unknown-category", 3, 2),
                ("invalid-date", 5, 3),
            ]
        );
        assert_eq!((plan.rows, plan.bad_rows, plan.incidents), (3, 3, 0));
    }

    #[test]
    fn slugs_made_from_titles_count_up_within_the_file_but_never_replace_a_file() {
        let same = plan(
            "title,category\nSame,monolith\nSame,monolith\nTaken,monolith\n",
            &ImportOptions::default(),
        );
        assert_eq!(places(&same.problems), [("duplicate-slug", 4, 1)]);
        let paths: Vec<&str> = same.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["content/incidents/same.md", "content/incidents/same-2.md"]
        );
        let twice = plan(
            "slug,title,category\nx,A,monolith\nx,B,monolith\n",
            &ImportOptions::default(),
        );
        assert_eq!(places(&twice.problems), [("duplicate-slug", 3, 1)]);
        assert!(
            twice.problems[0]
                .message
                .ends_with("already exists: the row on line 2"),
            "{}",
            twice.problems[0].message
        );
    }

    #[test]
    fn occurrences_are_written_only_beyond_what_the_anecdotes_count() {
        let plan = plan(
            "slug,title,category,occurrences,anecdotes\na,A,monolith,1,\nb,B,monolith,3,Web; 2018\nc,C,monolith,1,\"Web\nApi\"\nd,D,monolith,2,\"Web\nApi\"\n",
            &ImportOptions::default(),
        );
        assert_eq!(places(&plan.problems), [("invalid-value", 4, 4)]);
        assert!(!file(&plan, "content/incidents/a.md").contains("occurrences"));
        assert!(file(&plan, "content/incidents/b.md").contains("occurrences: 3\n"));
        assert!(!file(&plan, "content/incidents/d.md").contains("occurrences"));
    }

    #[test]
    fn a_teams_column_is_read_only_when_a_row_has_no_anecdotes() {
        let plan = plan(
            "slug,title,category,teams,team\na,A,monolith,Web; Api,\nb,B,monolith,Ignored,Web\n",
            &ImportOptions::default(),
        );
        assert_eq!(places(&plan.problems), []);
        assert!(
            file(&plan, "content/incidents/a.md")
                .contains("anecdotes:\n  - team: \"Web\"\n  - team: \"Api\"\n")
        );
        assert!(!file(&plan, "content/incidents/b.md").contains("Ignored"));
    }

    #[test]
    fn new_categories_keep_the_slug_the_rows_use() {
        let options = ImportOptions {
            maps: Vec::new(),
            create_categories: true,
        };
        let plan = plan(
            "title,category\nA,release-pipeline\nB,Release pipeline\nC,Data: Duplication!\n",
            &options,
        );
        assert_eq!(places(&plan.problems), []);
        assert_eq!(plan.categories, 2);
        assert!(
            file(&plan, "content/categories/release-pipeline.md")
                .contains("title: \"Release pipeline\"\n")
        );
        assert!(
            file(&plan, "content/categories/data-duplication.md")
                .contains("title: \"Data: Duplication!\"\n")
        );
        assert!(file(&plan, "content/incidents/b.md").contains("category: \"release-pipeline\""));
        assert_eq!(title_from_slug("a-b-c"), "A b c");
    }

    #[test]
    fn files_are_written_all_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let new = |path: &str| NewFile {
            path: path.into(),
            text: format!("{path}\n"),
        };
        let files = [
            new("content/categories/a.md"),
            new("content/incidents/b.md"),
            new("content/incidents/c.md"),
        ];
        let files_under = |root: &Path| -> Vec<String> {
            let mut found: Vec<String> = walkdir::WalkDir::new(root)
                .into_iter()
                .map(|e| e.unwrap())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
                .collect();
            found.sort();
            found
        };
        // The last one appears in the way: the first two are taken back.
        fs::create_dir_all(root.join("content/incidents")).unwrap();
        fs::write(root.join("content/incidents/c.md"), "mine\n").unwrap();
        let error = write_files(root, &files).unwrap_err();
        assert!(matches!(error, ImportError::Exists { .. }), "{error}");
        assert_eq!(files_under(root), ["content/incidents/c.md"]);
        assert_eq!(
            fs::read_to_string(root.join("content/incidents/c.md")).unwrap(),
            "mine\n"
        );
        fs::remove_file(root.join("content/incidents/c.md")).unwrap();
        write_files(root, &files).unwrap();
        for file in &files {
            assert_eq!(
                fs::read_to_string(root.join(&file.path)).unwrap(),
                file.text
            );
        }
        assert_eq!(
            files_under(root),
            [
                "content/categories/a.md",
                "content/incidents/b.md",
                "content/incidents/c.md"
            ],
            "no temporary file is left"
        );
    }

    #[test]
    fn a_bad_header_stops_everything() {
        let bad = plan("Title,Kategorie\nA,monolith\n", &ImportOptions::default());
        assert_eq!(
            places(&bad.fatal),
            [("unknown-field", 1, 2), ("missing-field", 1, 1)]
        );
        assert!(bad.files.is_empty());
        let empty = plan("", &ImportOptions::default());
        assert_eq!(places(&empty.fatal), [("missing-field", 1, 1)]);
    }
}
