//! `frictionlog import csv`: the rows of a CSV file (a spreadsheet, a wiki
//! table, or frictionlog's own incidents.csv) as incident files, and the
//! categories they name.
//!
//! Pure but for [`io`]: [`plan_import`] reads the CSV's text against what
//! the site already holds ([`SiteIndex`]) and returns every file to write
//! and every problem, each at `FILE:LINE:COLUMN` (the line the row starts
//! on, the header being line 1, and the 1-based column). Rows are checked
//! by the rules `check` applies, and each file made is parsed back before
//! it is offered, so an import never leaves a site that `check` refuses.
//! The cells of incidents.csv are read by [`crate::export::cell`], the
//! code that writes them, so exporting and importing gives the same
//! incidents back (docs/format.md, "incidents.csv").
//!
//! The parts: [`header`] maps the header's columns to fields (`--map`),
//! [`rows`] checks each row's cells, [`draft`] makes a good row's
//! incident file, and [`io`] reads the site and writes the files all
//! together or not at all ([`write_files`]): each is written under a
//! hidden temporary name first, then linked into place without replacing
//! anything.

mod draft;
mod header;
mod io;
mod rows;

use crate::diagnostic::{CodeKind, Diagnostic, Pos};
use crate::load::decode_utf8;
use crate::model::{IncidentStatus, Section};
use crate::scaffold::{NewFile, make_category_file};

use header::read_header;
pub use header::{FieldKind, parse_map};
pub use io::{ImportError, read_csv, read_site_index, write_files};
use rows::RowReader;

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

#[cfg(test)]
mod tests {
    use super::draft::title_from_slug;
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
