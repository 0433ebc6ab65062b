//! Pure: the machine-readable outputs, `data.json` (schema_version 1; docs/format.md and
//! docs/data.schema.json)
//! and `incidents.csv` (docs/format.md, "incidents.csv").
//!
//! The structs below are the schema: their field order is the key order of
//! the file, every key is always written (null or [] when absent), and
//! changing them means a new schema_version.

use serde::Serialize;

use crate::model::{Date, Effort, Incident, Site};
use crate::routes::Route;
use crate::tally::{IncidentFacts, Tally};

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
    teams: u32,
}

#[derive(Serialize)]
struct CategoryJson<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    notes: Option<&'a str>,
    efforts: &'a [Effort],
    rank: u32,
    incidents: u32,
    occurrences: u32,
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
    occurrences: u32,
    tags: &'a [String],
    anecdotes: Vec<AnecdoteJson<'a>>,
    url: String,
}

#[derive(Serialize)]
struct AnecdoteJson<'a> {
    team: &'a str,
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
        .zip(&tally.incidents)
        .map(move |(incident, facts)| incident_json(site, incident, facts))
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
                    rank: row.rank,
                    incidents: row.incidents,
                    occurrences: row.occurrences,
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
pub fn incident_json(site: &Site, incident: &Incident, facts: &IncidentFacts) -> String {
    let value = IncidentJson {
        slug: &incident.slug,
        title: &incident.title,
        category: &incident.category.value,
        section: incident.section.as_ref().map(|s| s.value.as_str()),
        status: incident.status.iter().map(|s| s.value.as_str()).collect(),
        resolution: incident.resolution.as_deref(),
        occurrences: facts.occurrences,
        tags: &incident.tags,
        anecdotes: incident
            .anecdotes
            .iter()
            .map(|a| AnecdoteJson {
                team: &a.team.value,
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
        .zip(&tally.incidents)
        .map(move |(incident, facts)| incident_csv_row(tally, incident, facts))
}

/// Writes incidents.csv to `out`: a header, then the rows given, one per
/// incident in slug order.
pub fn write_incidents_csv(
    rows: impl Iterator<Item = impl AsRef<[u8]>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = [
        "slug",
        "title",
        "category",
        "section",
        "status",
        "occurrences",
        "teams",
        "first_seen",
        "last_seen",
    ];
    // Writing to a Vec cannot fail; a failure would only drop rows, which the
    // round-trip test would catch.
    let _ = writer.write_record(header);
    out.write_all(&writer.into_inner().unwrap_or_default())?;
    for row in rows {
        out.write_all(row.as_ref())?;
    }
    Ok(())
}

/// One incident's row of incidents.csv (serve keeps it between rebuilds).
pub fn incident_csv_row(tally: &Tally, incident: &Incident, facts: &IncidentFacts) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let first = facts.first_seen.map(|d| d.to_string()).unwrap_or_default();
    let last = facts.last_seen.map(|d| d.to_string()).unwrap_or_default();
    let teams: Vec<&str> = facts
        .teams
        .iter()
        .filter_map(|&i| tally.teams.get(i))
        .map(|team| team.name.as_str())
        .collect();
    let status: Vec<&str> = incident.status.iter().map(|s| s.value.as_str()).collect();
    let _ = writer.write_record([
        incident.slug.as_str(),
        incident.title.as_str(),
        incident.category.value.as_str(),
        incident.section.as_ref().map_or("", |s| s.value.as_str()),
        status.join("; ").as_str(),
        facts.occurrences.to_string().as_str(),
        teams.join("; ").as_str(),
        first.as_str(),
        last.as_str(),
    ]);
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;
    use crate::model::{Anecdote, Category, Located, SiteConfig};
    use crate::tally::tally_site;
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
        Site {
            config: SiteConfig::with_title("Challenges".into()),
            categories: vec![Category {
                slug: "monolith".into(),
                path: String::new(),
                title: "Monolith".into(),
                summary: None,
                notes: None,
                efforts: vec![],
                body: String::new(),
                body_line: 1,
            }],
            incidents: vec![Arc::new(Incident {
                slug: "settings".into(),
                path: String::new(),
                title: "Commas, \"quotes\"\nand newlines".into(),
                category: located("monolith"),
                section: None,
                status: vec![located("tick"), located("sad")],
                resolution: None,
                anecdotes: vec![
                    Anecdote {
                        team: located("Web"),
                        date: Date::parse("2018-01"),
                        text: None,
                    },
                    Anecdote {
                        team: located("Api"),
                        date: Date::parse("2017"),
                        text: None,
                    },
                ],
                occurrences: None,
                tags: vec![],
                draft: false,
                body: String::new(),
                body_line: 1,
            })],
            reviews: vec![],
        }
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
