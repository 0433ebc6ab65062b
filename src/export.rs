//! Pure: the machine-readable outputs, `data.json` (schema_version 1; docs/format.md and
//! docs/data.schema.json)
//! and `incidents.csv` (docs/format.md, "incidents.csv").
//!
//! The structs below are the schema: their field order is the key order of
//! the file, every key is always written (null or [] when absent), and
//! changing them means a new schema_version.
//!
//! incidents.csv's cells are written here and read back here ([`cell`]),
//! for `frictionlog import csv` ([`crate::import`]): one place decides the
//! encoding, so the round trip stays exact.

use serde::Serialize;

use crate::model::{Date, Effort, Incident, Link, Site};
use crate::routes::Route;
use crate::tally::Tally;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct DataJson<'a> {
    schema_version: u32,
    site: SiteJson<'a>,
    totals: TotalsJson,
    categories: Vec<CategoryJson<'a>>,
    /// Written empty, then filled with [`incident_json`] fragments.
    incidents: Vec<u8>,
    teams: Vec<TeamJson<'a>>,
    reviews: Vec<ReviewJson>,
}

#[derive(Serialize)]
struct SiteJson<'a> {
    title: &'a str,
    as_of: Option<Date>,
    base_url: &'a str,
}

#[derive(Serialize)]
struct TotalsJson {
    categories: u32,
    incidents: u32,
    occurrences: u32,
    unattributed: u32,
    teams: u32,
}

#[derive(Serialize)]
struct CategoryJson<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    notes: Option<&'a str>,
    efforts: &'a [Effort],
    links: Vec<LinkJson<'a>>,
    rank: u32,
    incidents: u32,
    occurrences: u32,
    unattributed: u32,
    votes: u32,
    status: Option<&'a str>,
    teams: Vec<&'a str>,
    first_seen: Option<Date>,
    last_seen: Option<Date>,
    review: Option<ReviewRefJson>,
    since_review: u32,
    url: String,
    history: Vec<HistoryJson<'a>>,
}

/// A category as one review found it (docs/format.md, "History").
#[derive(Serialize)]
struct HistoryJson<'a> {
    date: Date,
    mentioned: bool,
    votes: Option<u32>,
    status: Option<&'a str>,
    recorded: Option<u32>,
    rank: u32,
    /// Slugs of the incidents first reported since the review before.
    reported: Vec<&'a str>,
}

#[derive(Serialize)]
struct ReviewRefJson {
    date: Date,
    recorded: Option<u32>,
}

#[derive(Serialize)]
struct IncidentJson<'a> {
    slug: &'a str,
    title: &'a str,
    category: &'a str,
    section: Option<&'a str>,
    status: Vec<&'a str>,
    resolution: Option<&'a str>,
    about: Option<&'a str>,
    occurrences: u32,
    tags: &'a [String],
    links: Vec<LinkJson<'a>>,
    anecdotes: Vec<AnecdoteJson<'a>>,
    url: String,
}

/// A link as written: `url` is not resolved against base_url.
#[derive(Serialize)]
struct LinkJson<'a> {
    title: Option<&'a str>,
    url: &'a str,
}

fn links_json(links: &[Link]) -> Vec<LinkJson<'_>> {
    links
        .iter()
        .map(|link| LinkJson {
            title: link.title.as_deref(),
            url: &link.url,
        })
        .collect()
}

#[derive(Serialize)]
struct AnecdoteJson<'a> {
    team: Option<&'a str>,
    date: Option<Date>,
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct TeamJson<'a> {
    slug: &'a str,
    name: &'a str,
    incidents: u32,
    occurrences: u32,
    categories: Vec<&'a str>,
}

#[derive(Serialize)]
struct ReviewJson {
    date: Date,
    url: String,
}

/// Each incident's [`incident_json`], in the site's order: what
/// [`write_data_json`] writes when nothing is kept between renders.
pub fn incident_json_fragments<'s>(
    site: &'s Site,
    tally: &'s Tally,
) -> impl Iterator<Item = String> + 's {
    site.incidents
        .iter()
        .enumerate()
        .map(move |(index, incident)| incident_json(site, tally, index, incident))
}

/// Writes data.json to `out`, each incident's [`incident_json`] as it
/// comes: the file is never whole in memory.
pub fn write_data_json(
    site: &Site,
    tally: &Tally,
    fragments: impl Iterator<Item = impl AsRef<str>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let data = DataJson {
        schema_version: SCHEMA_VERSION,
        site: SiteJson {
            title: &site.config.title,
            as_of: tally.as_of,
            base_url: &site.config.base_url.full,
        },
        totals: TotalsJson {
            categories: tally.totals.categories,
            incidents: tally.totals.incidents,
            occurrences: tally.totals.occurrences,
            unattributed: tally.totals.unattributed,
            teams: tally.totals.teams,
        },
        categories: tally
            .categories
            .iter()
            .filter_map(|row| {
                let category = site.categories.get(row.index)?;
                Some(CategoryJson {
                    slug: &category.slug,
                    title: &category.title,
                    summary: category.summary.as_deref(),
                    notes: category.notes.as_deref(),
                    efforts: &category.efforts,
                    links: links_json(&category.links),
                    rank: row.rank,
                    incidents: row.incidents,
                    occurrences: row.occurrences,
                    unattributed: row.unattributed,
                    votes: row.votes,
                    status: row
                        .status
                        .and_then(|i| site.config.category_statuses.get(i))
                        .map(|s| s.key.as_str()),
                    teams: row
                        .teams
                        .iter()
                        .filter_map(|&i| tally.teams.get(i))
                        .map(|team| team.name.as_str())
                        .collect(),
                    first_seen: row.first_seen,
                    last_seen: row.last_seen,
                    review: row.review.as_ref().map(|r| ReviewRefJson {
                        date: r.date,
                        recorded: r.recorded,
                    }),
                    since_review: row.since_review,
                    url: Route::Category(&category.slug).link(&site.config.base_url),
                    history: row
                        .history
                        .iter()
                        .filter_map(|entry| {
                            Some(HistoryJson {
                                date: site.reviews.get(entry.review)?.date,
                                mentioned: entry.mentioned,
                                votes: entry.votes,
                                status: entry
                                    .status
                                    .and_then(|i| site.config.category_statuses.get(i))
                                    .map(|s| s.key.as_str()),
                                recorded: entry.recorded,
                                rank: entry.rank,
                                reported: entry
                                    .incidents
                                    .iter()
                                    .filter_map(|&i| site.incidents.get(i))
                                    .map(|incident| incident.slug.as_str())
                                    .collect(),
                            })
                        })
                        .collect(),
                })
            })
            .collect(),
        incidents: Vec::new(),
        teams: tally
            .teams
            .iter()
            .map(|team| TeamJson {
                slug: &team.slug,
                name: &team.name,
                incidents: team.incidents,
                occurrences: team.occurrences,
                categories: team
                    .categories
                    .iter()
                    .filter_map(|&i| tally.categories.get(i))
                    .map(|row| row.slug.as_str())
                    .collect(),
            })
            .collect(),
        reviews: site
            .reviews
            .iter()
            .map(|review| ReviewJson {
                date: review.date,
                url: Route::Review(review.date).link(&site.config.base_url),
            })
            .collect(),
    };
    let head = serde_json::to_string_pretty(&data).unwrap_or_default();
    // Splice the incidents in where serde_json wrote an empty list (the
    // only top-level key at this indentation that can hold `[]`).
    let empty = "\n  \"incidents\": [],\n";
    let Some(at) = head.find(empty) else {
        return writeln!(out, "{head}");
    };
    out.write_all(head.get(..at).unwrap_or_default().as_bytes())?;
    out.write_all(b"\n  \"incidents\": [")?;
    let mut any = false;
    for fragment in fragments {
        out.write_all(if any { b",\n    " } else { b"\n    " })?;
        out.write_all(fragment.as_ref().as_bytes())?;
        any = true;
    }
    out.write_all(if any { b"\n  ],\n" } else { b"],\n" })?;
    out.write_all(head.get(at + empty.len()..).unwrap_or_default().as_bytes())?;
    out.write_all(b"\n")
}

/// One incident of data.json, written as it sits in the `incidents` list
/// (indented for its depth), so serve can keep it between rebuilds.
pub fn incident_json(site: &Site, tally: &Tally, index: usize, incident: &Incident) -> String {
    let facts = tally.facts(index);
    let value = IncidentJson {
        slug: &incident.slug,
        title: &incident.title,
        category: site.category_of(index).map_or("", |c| c.slug.as_str()),
        section: site.section_slug(index),
        status: site.status_keys(index).collect(),
        resolution: incident.resolution.as_deref(),
        about: incident.about.as_deref(),
        occurrences: facts.occurrences,
        tags: &incident.tags,
        links: links_json(&incident.links),
        anecdotes: incident
            .anecdotes
            .iter()
            .enumerate()
            .map(|(i, a)| AnecdoteJson {
                team: site.anecdote_team(index, i).map(|t| t.name.as_str()),
                date: a.date,
                text: a.text.as_deref(),
            })
            .collect(),
        url: Route::Incident(&incident.slug).link(&site.config.base_url),
    };
    // JSON strings hold no raw newline: every one is a line break.
    serde_json::to_string_pretty(&value)
        .unwrap_or_default()
        .replace('\n', "\n    ")
}

/// Each incident's [`incident_csv_row`], in slug order: what
/// [`write_incidents_csv`] writes when nothing is kept between renders.
pub fn incident_csv_rows<'s>(
    site: &'s Site,
    tally: &'s Tally,
) -> impl Iterator<Item = Vec<u8>> + 's {
    site.incidents
        .iter()
        .enumerate()
        .map(move |(index, incident)| incident_csv_row(site, tally, index, incident))
}

/// The columns of incidents.csv, in order (docs/format.md, "incidents.csv").
pub const CSV_COLUMNS: [&str; 14] = [
    "slug",
    "title",
    "category",
    "section",
    "status",
    "occurrences",
    "teams",
    "first_seen",
    "last_seen",
    "tags",
    "links",
    "resolution",
    "about",
    "anecdotes",
];

/// Writes incidents.csv to `out`: a header, then the rows given, one per
/// incident in slug order.
pub fn write_incidents_csv(
    rows: impl Iterator<Item = impl AsRef<[u8]>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failure would only drop rows, which the
    // round-trip test would catch.
    let _ = writer.write_record(CSV_COLUMNS);
    out.write_all(&writer.into_inner().unwrap_or_default())?;
    for row in rows {
        out.write_all(row.as_ref())?;
    }
    Ok(())
}

/// One incident's row of incidents.csv (serve keeps it between rebuilds).
pub fn incident_csv_row(site: &Site, tally: &Tally, index: usize, incident: &Incident) -> Vec<u8> {
    let facts = tally.facts(index);
    // A row is a few hundred bytes: the writer's default 8 KiB buffer,
    // zeroed for each of 100,000 rows, cost more than the rows.
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(1024)
        .from_writer(Vec::with_capacity(1024));
    let first = facts.first_seen.map(|d| d.to_string()).unwrap_or_default();
    let last = facts.last_seen.map(|d| d.to_string()).unwrap_or_default();
    let teams: Vec<&str> = facts
        .teams
        .iter()
        .filter_map(|&i| tally.teams.get(i))
        .map(|team| team.name.as_str())
        .collect();
    let owned = [
        cell::write_list(site.status_keys(index)),
        facts.occurrences.to_string(),
        // Derived from the anecdotes, for reading: not escaped, and read
        // back only when a row has no anecdotes.
        teams.join("; "),
        cell::write_list(incident.tags.iter().map(String::as_str)),
        cell::write_links(&incident.links),
        cell::write_anecdotes(
            incident
                .anecdotes
                .iter()
                .enumerate()
                .map(|(i, a)| (site.anecdote_team(index, i).map(|t| t.name.as_str()), a)),
        ),
    ];
    let [status, occurrences, teams, tags, links, anecdotes] = &owned;
    let cells: [&str; 14] = [
        &incident.slug,
        &incident.title,
        site.category_of(index).map_or("", |c| c.slug.as_str()),
        site.section_slug(index).unwrap_or(""),
        status,
        occurrences,
        teams,
        &first,
        &last,
        tags,
        links,
        incident.resolution.as_deref().unwrap_or(""),
        incident.about.as_deref().unwrap_or(""),
        anecdotes,
    ];
    let protected: Vec<std::borrow::Cow<'_, str>> = cells.into_iter().map(cell::protect).collect();
    let _ = writer.write_record(protected.iter().map(|c| c.as_bytes()));
    writer.into_inner().unwrap_or_default()
}

/// The encoding of incidents.csv's cells (docs/format.md, "incidents.csv"),
/// both ways: what the export writes, `import csv` reads back exactly.
pub mod cell {
    use std::borrow::Cow;

    use crate::model::{Anecdote, Link};

    /// What a spreadsheet would run as a formula: OWASP's CSV-injection
    /// list, and `'` itself so that the mark can be taken off again
    /// without doubt.
    const MARKED: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

    /// `cell` with a leading `'` if a spreadsheet would read it as a
    /// formula (OWASP: `=`, `+`, `-`, `@`, tab, carriage return), or if it
    /// starts with `'` already: `=1+2` is written `'=1+2`, `'quoted`
    /// `''quoted`.
    pub fn protect(cell: &str) -> Cow<'_, str> {
        if cell.starts_with(MARKED) {
            Cow::Owned(format!("'{cell}"))
        } else {
            Cow::Borrowed(cell)
        }
    }

    /// Undoes [`protect`]: one leading `'` is taken off.
    pub fn unprotect(cell: &str) -> &str {
        cell.strip_prefix('\'').unwrap_or(cell)
    }

    /// One item of a list cell, escaped: `\` as `\\`, `;` as `\;`, line
    /// breaks as `\n` and `\r`, and a space or tab at either end as `\ `
    /// or `\t` (the reader trims unescaped blanks).
    pub fn escape(item: &str) -> String {
        let mut out = String::with_capacity(item.len() + 2);
        let last = item.chars().count().saturating_sub(1);
        for (i, c) in item.chars().enumerate() {
            let at_an_end = i == 0 || i == last;
            match c {
                '\\' => out.push_str("\\\\"),
                ';' => out.push_str("\\;"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' if at_an_end => out.push_str("\\t"),
                ' ' if at_an_end => out.push_str("\\ "),
                c => out.push(c),
            }
        }
        out
    }

    /// Items joined with `; `, each [`escape`]d.
    pub fn write_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
        items
            .into_iter()
            .map(escape)
            .collect::<Vec<String>>()
            .join("; ")
    }

    /// Links joined with `; `: `TITLE <URL>`, or the URL alone.
    pub fn write_links(links: &[Link]) -> String {
        links
            .iter()
            .map(|link| match &link.title {
                Some(title) => format!("{} <{}>", escape(title), escape(&link.url)),
                None => escape(&link.url),
            })
            .collect::<Vec<String>>()
            .join("; ")
    }

    /// One anecdote per line: `TEAM`, then `; DATE` when it has a date or
    /// a text, then `; TEXT` when it has a text (`Web; ; text` is undated;
    /// `; 2018-08` has no team; `;` alone is an anecdote with nothing).
    /// Each anecdote comes with its team's name (none: no team).
    pub fn write_anecdotes<'a>(
        anecdotes: impl Iterator<Item = (Option<&'a str>, &'a Anecdote)>,
    ) -> String {
        anecdotes
            .map(|(team, a)| {
                let mut line = team.map(escape).unwrap_or_default();
                if a.date.is_some() || a.text.is_some() || team.is_none() {
                    line.push_str("; ");
                    line.push_str(&a.date.map(|d| d.to_string()).unwrap_or_default());
                }
                if let Some(text) = &a.text {
                    line.push_str("; ");
                    line.push_str(&escape(text));
                }
                line
            })
            .collect::<Vec<String>>()
            .join("\n")
    }

    /// A character of a cell, and whether it was written escaped.
    type Marked = (char, bool);

    /// The characters of `text` with escapes undone, each marked.
    fn unescape(text: &str) -> Result<Vec<Marked>, String> {
        let mut out = Vec::with_capacity(text.len());
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push((c, false));
                continue;
            }
            let escaped = match chars.next() {
                Some('\\') => '\\',
                Some(';') => ';',
                Some('n') => '\n',
                Some('r') => '\r',
                Some('t') => '\t',
                Some(' ') => ' ',
                Some(other) => {
                    return Err(format!(
                        "unknown escape \"\\{other}\": write a backslash as \"\\\\\", a ';' inside an item as \"\\;\""
                    ));
                }
                None => {
                    return Err(
                        "the cell ends with a lone backslash: write a backslash as \"\\\\\""
                            .to_owned(),
                    );
                }
            };
            out.push((escaped, true));
        }
        Ok(out)
    }

    /// `marked` split at unescaped `;`, into at most `limit` parts, each
    /// with unescaped blanks around it trimmed.
    fn split(marked: &[Marked], limit: usize) -> Vec<&[Marked]> {
        let mut parts = Vec::new();
        let mut rest = marked;
        while parts.len() + 1 < limit {
            match rest.iter().position(|&m| m == (';', false)) {
                Some(at) => {
                    parts.push(trim(rest.get(..at).unwrap_or_default()));
                    rest = rest.get(at + 1..).unwrap_or_default();
                }
                None => break,
            }
        }
        parts.push(trim(rest));
        parts
    }

    /// Without the unescaped blanks at either end: spaces, tabs and line
    /// breaks, which [`escape`] never leaves unescaped there.
    fn trim(mut marked: &[Marked]) -> &[Marked] {
        let blank = |m: &Marked| !m.1 && matches!(m.0, ' ' | '\t' | '\r' | '\n');
        while let Some((first, rest)) = marked.split_first()
            && blank(first)
        {
            marked = rest;
        }
        while let Some((last, rest)) = marked.split_last()
            && blank(last)
        {
            marked = rest;
        }
        marked
    }

    fn text(marked: &[Marked]) -> String {
        marked.iter().map(|m| m.0).collect()
    }

    /// The items of a list cell, empty ones left out; `Err` says what is
    /// wrong with an escape.
    pub fn read_list(cell: &str) -> Result<Vec<String>, String> {
        let marked = unescape(cell)?;
        Ok(split(&marked, usize::MAX)
            .into_iter()
            .filter(|item| !item.is_empty())
            .map(text)
            .collect())
    }

    /// The links of a links cell: `(title, url)` each, the URL unchecked.
    pub fn read_links(cell: &str) -> Result<Vec<(Option<String>, String)>, String> {
        let marked = unescape(cell)?;
        let mut links = Vec::new();
        for item in split(&marked, usize::MAX) {
            if item.is_empty() {
                continue;
            }
            let open = item.iter().rposition(|&m| m == ('<', false));
            match (open, item.last()) {
                (Some(open), Some(&('>', false))) => {
                    let title = text(trim(item.get(..open).unwrap_or_default()));
                    let url = text(item.get(open + 1..item.len() - 1).unwrap_or_default());
                    links.push(((!title.is_empty()).then_some(title), url));
                }
                _ => links.push((None, text(item))),
            }
        }
        Ok(links)
    }

    /// One anecdote of an anecdotes cell, its date unchecked.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AnecdoteCell {
        /// Empty: no team recorded (unattributed).
        pub team: String,
        pub date: Option<String>,
        pub text: Option<String>,
    }

    /// The anecdotes of an anecdotes cell, one per line (blank lines left
    /// out): `TEAM`, `TEAM; DATE` or `TEAM; DATE; TEXT`, where TEXT is the
    /// rest of the line.
    pub fn read_anecdotes(cell: &str) -> Result<Vec<AnecdoteCell>, String> {
        let mut anecdotes = Vec::new();
        for line in cell.split('\n') {
            let marked = unescape(line)?;
            let parts = split(&marked, 3);
            let team = parts.first().copied().unwrap_or_default();
            if parts.len() == 1 && team.is_empty() {
                continue;
            }
            let date = parts.get(1).map(|d| text(d)).filter(|d| !d.is_empty());
            anecdotes.push(AnecdoteCell {
                team: text(team),
                date,
                text: parts.get(2).map(|t| text(t)),
            });
        }
        Ok(anecdotes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;
    use crate::model::{Located, SiteConfig, fixtures};
    use crate::tally::tally_site;
    use crate::validate::resolve_site;
    use std::sync::Arc;

    /// data.json of `site`, whole.
    fn data_json(site: &Site, tally: &Tally) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_data_json(
            site,
            tally,
            incident_json_fragments(site, tally),
            &mut bytes,
        )
        .unwrap();
        bytes
    }

    fn located(value: &str) -> Located<String> {
        Located {
            value: value.into(),
            pos: Pos::START,
        }
    }

    fn sample_site() -> Site {
        let mut incident = fixtures::incident(
            "settings",
            "monolith",
            &[("Web", Some("2018-01")), ("Api", Some("2017"))],
        );
        incident.path = String::new();
        incident.title = "Commas, \"quotes\"\nand newlines".into();
        incident.status = vec![located("tick"), located("sad")];
        let mut category = fixtures::category("monolith", "Monolith");
        category.path = String::new();
        resolve_site(
            SiteConfig::with_title("Challenges".into()),
            vec![category],
            vec![Arc::new(incident)],
            vec![],
        )
    }

    #[test]
    fn csv_round_trips_awkward_titles() {
        let site = sample_site();
        let mut bytes = Vec::new();
        let tally = tally_site(&site);
        write_incidents_csv(incident_csv_rows(&site, &tally), &mut bytes).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(&rows[0][1], "Commas, \"quotes\"\nand newlines");
        assert_eq!(&rows[0][4], "tick; sad");
        assert_eq!(&rows[0][6], "Api; Web");
        assert_eq!(&rows[0][7], "2017");
        assert_eq!(&rows[0][8], "2018-01");
        assert_eq!(&rows[0][3], "");
        assert_eq!(&rows[0][12], "");
        assert_eq!(&rows[0][13], "Web; 2018-01\nApi; 2017");
        assert_eq!(reader.headers().unwrap(), CSV_COLUMNS.as_slice());
    }

    /// The exports take what an incident names from the site's
    /// resolution, not from its file again: here the file's names are
    /// changed after validation resolved them, and the exports still show
    /// the resolved ones, the anecdotes cell of the CSV too.
    #[test]
    fn exports_read_what_an_incident_names_from_the_resolved_site() {
        let site = sample_site();
        let tally = tally_site(&site);
        let mut renamed = (*site.incidents[0]).clone();
        renamed.category = located("elsewhere");
        renamed.status = vec![located("nope")];
        for anecdote in &mut renamed.anecdotes {
            anecdote.team = Some(located("Nobody"));
        }
        let json = incident_json(&site, &tally, 0, &renamed);
        for written in ["\"monolith\"", "\"tick\"", "\"sad\"", "\"Web\"", "\"Api\""] {
            assert!(json.contains(written), "{written} in {json}");
        }
        assert!(!json.contains("elsewhere") && !json.contains("nope") && !json.contains("Nobody"));
        let row = String::from_utf8(incident_csv_row(&site, &tally, 0, &renamed)).unwrap();
        assert!(
            row.contains(",monolith,") && row.contains("tick; sad"),
            "{row}"
        );
        assert!(row.contains("Web; 2018-01"), "{row}");
        for renamed in ["elsewhere", "nope", "Nobody"] {
            assert!(!row.contains(renamed), "{renamed} in {row}");
        }
    }

    mod cells {
        use super::super::cell::*;
        use crate::model::{Anecdote, Date, Link, fixtures::located};
        use proptest::prelude::*;

        #[test]
        fn formulas_get_a_quote_and_lose_exactly_one() {
            for (value, written) in [
                (
                    "=HYPERLINK(\"http://evil.example/\",\"click\")",
                    "'=HYPERLINK(\"http://evil.example/\",\"click\")",
                ),
                ("+1", "'+1"),
                ("-1 day", "'-1 day"),
                ("@SUM(A1)", "'@SUM(A1)"),
                ("\tx", "'\tx"),
                ("\rx", "'\rx"),
                ("'quoted'", "''quoted'"),
                ("''", "'''"),
                ("plain = fine", "plain = fine"),
                ("", ""),
            ] {
                assert_eq!(protect(value), written, "{value:?}");
                assert_eq!(unprotect(&protect(value)), value, "{value:?}");
            }
        }

        #[test]
        fn lists_escape_what_would_split_or_be_trimmed() {
            let items = [
                "a;b",
                " lead",
                "trail ",
                "back\\slash",
                "two\nlines",
                "plain",
            ];
            let written = write_list(items);
            assert_eq!(
                written,
                "a\\;b; \\ lead; trail\\ ; back\\\\slash; two\\nlines; plain"
            );
            assert_eq!(read_list(&written).unwrap(), items);
            // Only the blanks the writer escapes are trimmed: a vertical tab
            // or a no-break space at an end stays.
            assert_eq!(
                read_list(&write_list(["\u{b}", "\u{a0}x\u{a0}"])).unwrap(),
                ["\u{b}", "\u{a0}x\u{a0}"]
            );
            // Written by hand: blanks around items and empty items are nothing.
            assert_eq!(read_list(" sad ;tick;; ").unwrap(), ["sad", "tick"]);
            assert!(read_list("C:\\dir").unwrap_err().contains("unknown escape"));
        }

        #[test]
        fn links_are_title_then_url_in_angle_brackets() {
            let links = vec![
                Link {
                    title: Some("ARCH-12: a <b> c; d".into()),
                    url: "https://jira.example.com/A-12?x=1;y=2".into(),
                },
                Link {
                    title: None,
                    url: "/wiki/ADR-7".into(),
                },
            ];
            let written = write_links(&links);
            assert_eq!(
                written,
                "ARCH-12: a <b> c\\; d <https://jira.example.com/A-12?x=1\\;y=2>; /wiki/ADR-7"
            );
            let back: Vec<Link> = read_links(&written)
                .unwrap()
                .into_iter()
                .map(|(title, url)| Link { title, url })
                .collect();
            assert_eq!(back, links);
            assert_eq!(
                read_links("<https://x.example.com>").unwrap(),
                [(None, "https://x.example.com".to_owned())]
            );
        }

        #[test]
        fn anecdotes_are_one_line_each() {
            let anecdote = |team: &str, date: Option<&str>, text: Option<&str>| Anecdote {
                team: Some(located(team)),
                date: date.and_then(Date::parse),
                text: text.map(str::to_owned),
            };
            let anecdotes = [
                anecdote(
                    "Web",
                    Some("2018-01"),
                    Some("It took a week; then\nanother."),
                ),
                anecdote("Api", None, None),
                anecdote("Köln; Team", None, Some("")),
                anecdote("Mobile", Some("2017"), None),
            ];
            let written = write_anecdotes(anecdotes.iter().map(|a| (a.team_name(), a)));
            assert_eq!(
                written,
                "Web; 2018-01; It took a week\\; then\\nanother.\nApi\nKöln\\; Team; ; \nMobile; 2017"
            );
            let back: Vec<(String, Option<String>, Option<String>)> = read_anecdotes(&written)
                .unwrap()
                .into_iter()
                .map(|a| (a.team, a.date, a.text))
                .collect();
            let some = |text: &str| Some(text.to_owned());
            assert_eq!(
                back,
                [
                    (
                        "Web".into(),
                        some("2018-01"),
                        some("It took a week; then\nanother.")
                    ),
                    ("Api".into(), None, None),
                    ("Köln; Team".into(), None, some("")),
                    ("Mobile".into(), some("2017"), None),
                ]
            );
            // By hand: the text is the rest of the line, semicolons and all;
            // Windows line ends and blank lines are nothing.
            let read = read_anecdotes("Web; 2018; We tried X; it failed\r\n\r\nApi").unwrap();
            assert_eq!(read[0].text.as_deref(), Some("We tried X; it failed"));
            assert_eq!(read[1].team, "Api");
            assert_eq!(read.len(), 2);
        }

        #[test]
        fn anecdotes_without_a_team_keep_their_place() {
            let unattributed = |date: Option<&str>, text: Option<&str>| Anecdote {
                team: None,
                date: date.and_then(Date::parse),
                text: text.map(str::to_owned),
            };
            let anecdotes = [
                unattributed(Some("2018-08"), Some("Slow")),
                unattributed(None, None),
                unattributed(None, Some("Again")),
            ];
            let written = write_anecdotes(anecdotes.iter().map(|a| (a.team_name(), a)));
            assert_eq!(written, "; 2018-08; Slow\n; \n; ; Again");
            let back: Vec<(String, Option<String>, Option<String>)> = read_anecdotes(&written)
                .unwrap()
                .into_iter()
                .map(|a| (a.team, a.date, a.text))
                .collect();
            assert_eq!(
                back,
                [
                    (String::new(), Some("2018-08".into()), Some("Slow".into())),
                    (String::new(), None, None),
                    (String::new(), None, Some("Again".into())),
                ]
            );
        }

        proptest! {
            #[test]
            fn any_list_reads_back_as_written(items in prop::collection::vec(".+", 0..5)) {
                let cell = protect(&write_list(items.iter().map(String::as_str))).into_owned();
                prop_assert_eq!(read_list(unprotect(&cell)).unwrap(), items);
            }

            #[test]
            fn any_anecdote_team_and_text_read_back_as_written(
                team in ".+",
                text in proptest::option::of(".*"),
            ) {
                let anecdote = Anecdote { team: Some(located(&team)), date: None, text: text.clone() };
                let cell = protect(&write_anecdotes([(anecdote.team_name(), &anecdote)].into_iter())).into_owned();
                let read = read_anecdotes(unprotect(&cell)).unwrap();
                prop_assert_eq!(read.len(), 1);
                prop_assert_eq!(&read[0].team, &team);
                prop_assert_eq!(&read[0].text, &text);
            }

            #[test]
            fn any_link_title_reads_back_as_written(title in ".+") {
                let link = Link { title: Some(title.clone()), url: "https://x.example.com/a".into() };
                let read = read_links(&write_links(&[link])).unwrap();
                prop_assert_eq!(read, vec![(Some(title), "https://x.example.com/a".to_owned())]);
            }
        }
    }

    #[test]
    fn data_json_never_omits_a_key() {
        let site = sample_site();
        let tally = tally_site(&site);
        let value: serde_json::Value = serde_json::from_slice(&data_json(&site, &tally)).unwrap();
        assert_eq!(value["schema_version"], 1);
        let category = &value["categories"][0];
        for key in [
            "slug",
            "title",
            "summary",
            "notes",
            "efforts",
            "rank",
            "incidents",
            "occurrences",
            "votes",
            "status",
            "teams",
            "first_seen",
            "last_seen",
            "review",
            "since_review",
            "url",
        ] {
            assert!(category.get(key).is_some(), "category lacks {key}");
        }
        assert!(category["review"].is_null());
        assert_eq!(category["url"], "/categories/monolith/");
        let incident = &value["incidents"][0];
        assert_eq!(incident["section"], serde_json::Value::Null);
        assert_eq!(incident["anecdotes"][1]["date"], "2017");
        assert_eq!(value["site"]["as_of"], "2018-01");
        assert_eq!(value["reviews"], serde_json::json!([]));
    }
}
