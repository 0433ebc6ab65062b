//! Authoring: the files `init`, `new incident`, `new category` and
//! `review new` write.
//!
//! The contents are made by pure functions on values (a title, a date, an
//! outline of the site), so they are tested on strings: every file made here
//! must parse without a diagnostic, whatever the title. Strings are written
//! as YAML double-quoted scalars with every special character escaped, so a
//! title like `Fix: "auth" #2` or `- *not* a list` reads back as written.
//!
//! A thin I/O part at the end writes them. It never replaces anything: files
//! are opened with `create_new`, and `init` refuses a folder that is not
//! empty before writing the first file.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::diagnostic::hint;
use crate::load::load_content;
use crate::model::{Date, Site, default_incident_statuses, is_valid_slug, slugify};
use crate::parse::parse_site_config;
use crate::tally::Tally;

/// Slugs made from titles are cut to this many bytes (at a word boundary):
/// a whole sentence makes an unwieldy file name and URL.
const MAX_SLUG_LEN: usize = 60;

/// A file to create, relative to the site root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    /// `/`-separated, relative to the site root: `content/incidents/x.md`.
    pub path: String,
    pub text: String,
}

/// Why `init` or `new` wrote nothing.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The title has no letter or digit to make a file name from.
    NoSlug {
        title: String,
    },
    /// `init` into a folder that already holds something besides a
    /// repository's own files.
    NotEmpty {
        dir: PathBuf,
        /// The first entry in the way.
        entry: String,
    },
    /// There is no site to add to.
    NoContent {
        root: PathBuf,
    },
    /// The file to create is already there.
    Exists {
        path: PathBuf,
    },
    /// `review new`: the meeting's file is already there.
    ReviewExists {
        path: PathBuf,
    },
    /// Another incident, in a sub-folder, already has this slug.
    SlugTaken {
        slug: String,
        path: String,
    },
    /// `--category` names no file in content/categories/.
    UnknownCategory {
        slug: String,
        known: Vec<String>,
    },
    /// `--section` names no section of site.yaml.
    UnknownSection {
        slug: String,
        known: Vec<String>,
    },
    /// `--status` names no key of site.yaml's `incident_statuses`.
    UnknownStatus {
        key: String,
        known: Vec<String>,
    },
    /// `--status` was given the same key twice.
    RepeatedStatus {
        key: String,
    },
    Io {
        path: PathBuf,
        source: io::Error,
    },
}

impl ScaffoldError {
    /// Whether the command line itself was wrong (exit 2) rather than the
    /// site or the disk (exit 1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            ScaffoldError::NoSlug { .. } | ScaffoldError::RepeatedStatus { .. }
        )
    }
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaffoldError::NoSlug { title } => write!(
                f,
                "title \"{title}\" has no letter or digit to make a file name from"
            ),
            ScaffoldError::NotEmpty { dir, entry } => write!(
                f,
                "refusing to create a site in \"{}\": it already holds \"{entry}\" (init needs a new or empty folder, or a fresh clone holding only dotfiles such as .git, a README or a LICENSE; e.g. `frictionlog init challenges`)",
                dir.display()
            ),
            ScaffoldError::NoContent { root } => write!(
                f,
                "no content/ folder in \"{}\": run `frictionlog init` to start a site, or pass --root",
                root.display()
            ),
            ScaffoldError::Exists { path } => write!(
                f,
                "\"{}\" already exists: frictionlog never overwrites a file (edit that file, or choose another title)",
                path.display()
            ),
            ScaffoldError::ReviewExists { path } => write!(
                f,
                "\"{}\" already exists: frictionlog never overwrites a file (edit that file, or give another date: `frictionlog review new YYYY-MM-DD`)",
                path.display()
            ),
            ScaffoldError::SlugTaken { slug, path } => write!(
                f,
                "an incident with the slug \"{slug}\" already exists: \"{path}\" (slugs are unique; choose another title)"
            ),
            ScaffoldError::UnknownCategory { slug, known } => {
                if known.is_empty() {
                    write!(
                        f,
                        "unknown category \"{slug}\": the site has no categories yet (add one with `frictionlog new category \"TITLE\"`)"
                    )
                } else {
                    write!(
                        f,
                        "unknown category \"{slug}\"{}; existing categories: {}",
                        suggestion(slug, known),
                        known.join(", ")
                    )
                }
            }
            ScaffoldError::UnknownSection { slug, known } => {
                if known.is_empty() {
                    write!(
                        f,
                        "unknown section \"{slug}\": site.yaml defines no sections (add them under `sections:`, or leave out --section)"
                    )
                } else {
                    write!(
                        f,
                        "unknown section \"{slug}\"{}; the sections of site.yaml: {}",
                        suggestion(slug, known),
                        known.join(", ")
                    )
                }
            }
            ScaffoldError::UnknownStatus { key, known } => {
                if known.is_empty() {
                    write!(
                        f,
                        "unknown status \"{key}\": site.yaml's `incident_statuses` defines none (leave out --status)"
                    )
                } else {
                    write!(
                        f,
                        "unknown status \"{key}\"{}; the incident statuses of the site: {}",
                        suggestion(key, known),
                        known.join(", ")
                    )
                }
            }
            ScaffoldError::RepeatedStatus { key } => {
                write!(
                    f,
                    "status \"{key}\" is given twice: give each --status once"
                )
            }
            ScaffoldError::Io { path, source } => {
                write!(f, "cannot create \"{}\": {source}", path.display())
            }
        }
    }
}

/// ` (did you mean "x"?)` for a slug typed by hand, also when only its
/// spelling as a slug is close (`Monolith` for `monolith`).
fn suggestion(wanted: &str, known: &[String]) -> String {
    let found = hint(wanted, known.iter().map(String::as_str));
    if found.is_empty() {
        hint(&slugify(wanted), known.iter().map(String::as_str))
    } else {
        found
    }
}

impl std::error::Error for ScaffoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScaffoldError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The slug for a title: transliterated, lower case, `-` between words, at
/// most [`MAX_SLUG_LEN`] bytes; `None` when the title has no letter or digit.
pub fn slug_from_title(title: &str) -> Option<String> {
    let slug = slugify(title);
    let slug = if slug.len() > MAX_SLUG_LEN {
        // The slug is ASCII, so every index is a char boundary.
        let head = slug.get(..=MAX_SLUG_LEN).unwrap_or(&slug);
        let cut = head.rfind('-').filter(|&i| i > 0).unwrap_or(MAX_SLUG_LEN);
        slug.get(..cut).unwrap_or(&slug).to_owned()
    } else {
        slug
    };
    is_valid_slug(&slug).then_some(slug)
}

/// `text` as a YAML double-quoted scalar that reads back exactly as `text`.
///
/// Only `"`, `\`, line breaks and characters YAML does not allow raw are
/// escaped; other Unicode is written as is, so the file stays readable.
pub fn yaml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{85}' => quoted.push_str("\\N"),
            '\u{2028}' => quoted.push_str("\\L"),
            '\u{2029}' => quoted.push_str("\\P"),
            c if is_yaml_printable(c) => quoted.push(c),
            c => {
                let code = u32::from(c);
                let escape = if code <= 0xFF {
                    format!("\\x{code:02X}")
                } else if code <= 0xFFFF {
                    format!("\\u{code:04X}")
                } else {
                    format!("\\U{code:08X}")
                };
                quoted.push_str(&escape);
            }
        }
    }
    quoted.push('"');
    quoted
}

/// YAML's printable characters (`c-printable`), less the byte order mark,
/// which YAML does not allow inside a document.
fn is_yaml_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && c != '\u{FEFF}'
}

/// What `new incident` needs to know about the site it adds to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteOutline {
    /// Category slugs (file names in content/categories/), sorted.
    pub categories: Vec<String>,
    /// Every incident's (slug, path), sub-folders included.
    pub incidents: Vec<(String, String)>,
    /// The keys of site.yaml's `incident_statuses` (or the defaults).
    pub statuses: Vec<String>,
    /// The slugs of site.yaml's `sections`.
    pub sections: Vec<String>,
}

/// What `new incident` was asked for.
#[derive(Clone, Debug)]
pub struct IncidentDraft<'a> {
    pub title: &'a str,
    pub category: &'a str,
    /// The file name (without `.md`), instead of one made from the title.
    pub slug: Option<&'a str>,
    /// A slug of site.yaml's `sections`.
    pub section: Option<&'a str>,
    /// Keys of site.yaml's `incident_statuses`, in the order given.
    pub statuses: &'a [String],
    pub tags: &'a [String],
    /// The team of the first anecdote; without one, the anecdote is left as
    /// a commented-out example.
    pub team: Option<&'a str>,
    /// The first anecdote's date; `None` leaves it undated.
    pub date: Option<Date>,
    /// The Markdown body, below the frontmatter.
    pub body: Option<&'a str>,
}

/// The file `new incident` writes: `content/incidents/<slug>.md`.
pub fn make_incident_file(
    draft: &IncidentDraft<'_>,
    outline: &SiteOutline,
) -> Result<NewFile, ScaffoldError> {
    let title = draft.title.trim();
    let slug = match draft.slug {
        Some(slug) => slug.to_owned(),
        None => slug_from_title(title).ok_or_else(|| ScaffoldError::NoSlug {
            title: draft.title.to_owned(),
        })?,
    };
    if !outline.categories.iter().any(|c| c == draft.category) {
        return Err(ScaffoldError::UnknownCategory {
            slug: draft.category.to_owned(),
            known: outline.categories.clone(),
        });
    }
    if let Some(section) = draft.section
        && !outline.sections.iter().any(|s| s == section)
    {
        return Err(ScaffoldError::UnknownSection {
            slug: section.to_owned(),
            known: outline.sections.clone(),
        });
    }
    for (index, key) in draft.statuses.iter().enumerate() {
        if !outline.statuses.contains(key) {
            return Err(ScaffoldError::UnknownStatus {
                key: key.clone(),
                known: outline.statuses.clone(),
            });
        }
        if draft
            .statuses
            .get(..index)
            .is_some_and(|seen| seen.contains(key))
        {
            return Err(ScaffoldError::RepeatedStatus { key: key.clone() });
        }
    }
    let path = format!("content/incidents/{slug}.md");
    if let Some((_, taken)) = outline
        .incidents
        .iter()
        .find(|(other, other_path)| *other == slug && *other_path != path)
    {
        return Err(ScaffoldError::SlugTaken {
            slug,
            path: taken.clone(),
        });
    }

    let mut text = String::new();
    text.push_str("---\n");
    text.push_str(&format!("title: {}\n", yaml_string(title)));
    text.push_str(&format!("category: {}\n", yaml_string(draft.category)));
    match draft.section {
        Some(section) => text.push_str(&format!("section: {}\n", yaml_string(section))),
        None if !outline.sections.is_empty() => text.push_str(&format!(
            "# section: {}   # the heading it is listed under: {}\n",
            outline.sections.first().map_or("", String::as_str),
            outline.sections.join(", ")
        )),
        None => {}
    }
    if draft.statuses.is_empty() {
        let statuses = if outline.statuses.is_empty() {
            "none are defined in site.yaml".to_owned()
        } else {
            format!("one of {}, or a list", outline.statuses.join(", "))
        };
        text.push_str(&format!(
            "# status: {}   # {statuses}\n",
            outline.statuses.first().map_or("sad", String::as_str),
        ));
    } else {
        text.push_str(&format!("status: {}\n", yaml_list(draft.statuses)));
    }
    text.push_str("# resolution: \"What fixed it, once something has\"\n");
    let date = draft.date.map(|date| date.to_string());
    match draft.team.map(str::trim).filter(|t| !t.is_empty()) {
        Some(team) => {
            text.push_str("anecdotes:   # one per team that hit it: each is one occurrence\n");
            text.push_str(&format!("  - team: {}\n", yaml_string(team)));
            if let Some(date) = &date {
                text.push_str(&format!("    date: {date}\n"));
            }
            text.push_str("    # text: \"What happened to this team, in a sentence or two\"\n");
        }
        None => {
            text.push_str("# anecdotes:   # one per team that hit it: each is one occurrence\n");
            text.push_str("#   - team: \"Your team\"\n");
            text.push_str(&format!(
                "#     date: {}\n",
                date.as_deref().unwrap_or("YYYY-MM-DD")
            ));
            text.push_str("#     text: \"What happened to this team, in a sentence or two\"\n");
        }
    }
    if draft.tags.is_empty() {
        text.push_str("# tags: [example]\n");
    } else {
        text.push_str(&format!("tags: {}\n", yaml_list(draft.tags)));
    }
    text.push_str("---\n");
    if let Some(body) = draft.body.filter(|body| !body.trim().is_empty()) {
        text.push_str(body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    Ok(NewFile { path, text })
}

/// `items` as a YAML flow list of double-quoted strings.
fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| yaml_string(item)).collect();
    format!("[{}]", quoted.join(", "))
}

/// The file `new category` writes: `content/categories/<slug>.md`.
pub fn make_category_file(title: &str) -> Result<NewFile, ScaffoldError> {
    let title = title.trim();
    let slug = slug_from_title(title).ok_or_else(|| ScaffoldError::NoSlug {
        title: title.to_owned(),
    })?;
    let text = format!(
        "---\n\
         title: {}\n\
         # summary: \"One line: the sub-topics it covers\"\n\
         # notes: \"A short note shown in the tally table\"\n\
         # efforts:   # remediation work under way\n\
         #   - owner: \"Architecture group\"\n\
         #     items: [\"First step\"]\n\
         ---\n",
        yaml_string(title)
    );
    Ok(NewFile {
        path: format!("content/categories/{slug}.md"),
        text,
    })
}

/// One category as `review new` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewRow<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    /// Its incidents now.
    pub recorded: u32,
    /// Its status before the meeting: a key of `category_statuses`.
    pub status: Option<&'a str>,
}

/// `review new`'s rows for a meeting on `date`: every category of the site
/// in rank order, with its incident count and the status that the latest
/// earlier review mentioning it gave it (the status the page shows, when
/// the meeting is the latest).
pub fn review_rows<'a>(site: &'a Site, tally: &Tally, date: Date) -> Vec<ReviewRow<'a>> {
    tally
        .categories
        .iter()
        .filter_map(|row| {
            let category = site.categories.get(row.index)?;
            let status = crate::tally::latest_mention(site, row.index, Some(date))
                .and_then(|mention| site.config.category_statuses.get(mention.status?))
                .map(|status| status.key.as_str());
            Some(ReviewRow {
                slug: &category.slug,
                title: &category.title,
                recorded: row.incidents,
                status,
            })
        })
        .collect()
}

/// The path of the review of `date`, relative to the site root.
pub fn review_path(date: Date) -> String {
    format!("content/reviews/{date}.md")
}

/// The file `review new` writes: the meeting of `date` with every row,
/// `votes: 0` to fill in. `statuses` are the keys of `category_statuses`,
/// named in the file's instructions.
pub fn make_review_file(date: Date, rows: &[ReviewRow<'_>], statuses: &[String]) -> NewFile {
    let choices = match statuses {
        [] => "site.yaml defines none".to_owned(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    };
    let mut text = format!(
        "---\n\
         date: {date}\n\
         # Written by `frictionlog review new` before the meeting. For each category,\n\
         # fill in the votes it got and update its status ({choices}):\n\
         # the status is the one it had before this meeting, and `recorded` its\n\
         # incident count when this file was written. A category listed here was\n\
         # discussed, so its votes and status now come from this review: remove\n\
         # the ones the meeting skipped. The minutes go below the closing ---.\n"
    );
    if rows.is_empty() {
        text.push_str("categories: {}\n");
    } else {
        text.push_str("categories:\n");
    }
    for row in rows {
        text.push_str(&format!(
            "  {}:   # {}\n    votes: 0\n",
            yaml_key(row.slug),
            comment_text(row.title)
        ));
        if let Some(status) = row.status {
            text.push_str(&format!("    status: {}\n", yaml_key(status)));
        }
        text.push_str(&format!("    recorded: {}\n", row.recorded));
    }
    text.push_str("---\n");
    NewFile {
        path: review_path(date),
        text,
    }
}

/// A slug as a YAML plain scalar, quoted where YAML would read it as
/// something other than text (`null`, `true`, `2024`).
fn yaml_key(slug: &str) -> String {
    let special = matches!(slug, "null" | "true" | "false")
        || slug.starts_with(|c: char| c.is_ascii_digit())
        || !is_valid_slug(slug);
    if special {
        yaml_string(slug)
    } else {
        slug.to_owned()
    }
}

/// `text` fit for a YAML comment: one line of printable characters.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_yaml_printable(c) && c != '\u{85}' && c != '\u{2028}' && c != '\u{2029}' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The files of a new site: settings, two categories, one incident reported
/// on `today`, and a .gitignore for the output folder.
pub fn make_site_files(today: Date) -> Vec<NewFile> {
    let file = |path: &str, text: String| NewFile {
        path: path.to_owned(),
        text,
    };
    vec![
        file(
            ".gitignore",
            "# What `frictionlog build` writes.\noutput/\n".to_owned(),
        ),
        file(
            "content/site.yaml",
            "\
# The site's settings. Every key, with its default, is described in
# frictionlog's configuration reference (docs/configuration.md).
title: \"Architecture Challenges\"
description: |
  The drag our teams hit because of architecture or design, tallied per
  category so the architecture group can see where it hurts most.
  Add an incident with `frictionlog new incident \"TITLE\" --category SLUG`.
# base_url: /   # where the site is published, e.g. /arch/challenges/
# rank_by: [occurrences, votes, incidents]   # order of the tally table
# sections:   # headings of the incident list, in order
#   - slug: new-features
#     title: \"New features\"
# markdown:
#   raw_html: escape   # or allow: pass raw HTML in bodies through
# feed_limit: 50   # anecdotes in feed.xml
"
            .to_owned(),
        ),
        file(
            "content/categories/monolith.md",
            "\
---
title: \"Monolith (mindset)\"
summary: \"Pluggability, extensibility, coupling inside the one big codebase\"
# notes: \"A short note shown in the tally table\"
# efforts:   # remediation work under way
#   - owner: \"Architecture group\"
#     items: [\"Plugin points for new features\"]
---
Everything that makes a change to the big codebase harder than it should be.
"
            .to_owned(),
        ),
        file(
            "content/categories/environments.md",
            "\
---
title: \"Environments / Testing\"
summary: \"Keeping stage, sandboxes and production alike; testing across services\"
---
"
            .to_owned(),
        ),
        file(
            "content/incidents/new-feature-touches-many-files.md",
            format!(
                "\
---
title: \"Adding a feature means editing many files in the monolith\"
category: \"monolith\"
status: sad   # one of sad, tick, heart, or a list
# resolution: \"What fixed it, once something has\"
anecdotes:   # one per team that hit it: each is one occurrence
  - team: \"Your team\"
    date: {today}
    text: \"Needed to update settings, URLs and installed apps by hand.\"
---
An example incident: edit it or delete it. Below the frontmatter goes the
story in Markdown: what you were trying to do, what got in the way, and what
it cost.
"
            ),
        ),
    ]
}

// ---- I/O ----

/// Writes a new site into `dir` (created if missing), which must be empty.
/// Returns the files written, relative to `dir`.
pub fn init_site(dir: &Path, today: Date) -> Result<Vec<NewFile>, ScaffoldError> {
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source| ScaffoldError::Io { path, source }
    };
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut in_the_way: Vec<String> = Vec::new();
            for entry in entries {
                let name = entry.map_err(io_error(dir))?.file_name();
                let name = name.to_string_lossy();
                if !is_repository_file(&name) {
                    in_the_way.push(name.into_owned());
                }
            }
            in_the_way.sort();
            if let Some(entry) = in_the_way.into_iter().next() {
                return Err(ScaffoldError::NotEmpty {
                    dir: dir.to_owned(),
                    entry,
                });
            }
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        Err(error) => return Err(io_error(dir)(error)),
    }
    let files = make_site_files(today);
    for file in &files {
        if file.path == GITIGNORE && fs::symlink_metadata(dir.join(GITIGNORE)).is_ok() {
            ignore_output(dir, file)?;
        } else {
            write_new_file(dir, file)?;
        }
    }
    Ok(files)
}

const GITIGNORE: &str = ".gitignore";

/// What creating a repository and cloning it leaves in a folder: `.git`
/// and other dotfiles (`.gitignore`, `.github/`, `.editorconfig`), a
/// README, a LICENSE. `init` writes beside them (none of its files has
/// such a name), so "create the repository, clone it, init" works.
fn is_repository_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || ["readme", "license", "licence", "copying"]
            .iter()
            .any(|prefix| lower.starts_with(prefix))
}

/// Adds the new site's `.gitignore` lines to an existing one, as `cargo
/// init` does, unless it already ignores output/. Nothing is overwritten.
fn ignore_output(dir: &Path, file: &NewFile) -> Result<(), ScaffoldError> {
    let path = dir.join(GITIGNORE);
    let io_error = |source| ScaffoldError::Io {
        path: path.clone(),
        source,
    };
    let existing = fs::read(&path).map_err(io_error)?;
    let existing = String::from_utf8_lossy(&existing);
    if existing
        .lines()
        .any(|line| matches!(line.trim(), "output" | "output/" | "/output" | "/output/"))
    {
        return Ok(());
    }
    let mut out = fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(io_error)?;
    let separator = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    out.write_all(format!("{separator}{}", file.text).as_bytes())
        .map_err(io_error)
}

/// Reads what `new incident` needs from the site under `root`.
pub fn read_outline(root: &Path) -> Result<SiteOutline, ScaffoldError> {
    if !root.join("content").is_dir() {
        return Err(ScaffoldError::NoContent {
            root: root.to_owned(),
        });
    }
    let content = load_content(root);
    let mut categories: Vec<String> = content.categories.iter().map(|f| f.slug.clone()).collect();
    categories.sort();
    categories.dedup();
    let incidents = content
        .incidents
        .iter()
        .map(|f| (f.slug.clone(), f.path.clone()))
        .collect();
    let config = content
        .site
        .as_ref()
        .and_then(|file| parse_site_config(file).0);
    let (statuses, sections) = match config {
        Some(config) => (
            config
                .incident_statuses
                .into_iter()
                .map(|s| s.key)
                .collect(),
            config.sections.into_iter().map(|s| s.slug).collect(),
        ),
        None => (
            default_incident_statuses()
                .into_iter()
                .map(|s| s.key)
                .collect(),
            Vec::new(),
        ),
    };
    Ok(SiteOutline {
        categories,
        incidents,
        statuses,
        sections,
    })
}

/// Writes a new incident into the site under `root`; returns its path
/// relative to the root.
pub fn new_incident(root: &Path, draft: &IncidentDraft<'_>) -> Result<String, ScaffoldError> {
    let outline = read_outline(root)?;
    let file = make_incident_file(draft, &outline)?;
    write_new_file(root, &file)?;
    Ok(file.path)
}

/// Writes the review file `file` into the site under `root`, never
/// replacing one; returns its path relative to the root.
pub fn write_review(root: &Path, file: &NewFile) -> Result<String, ScaffoldError> {
    if !root.join("content").is_dir() {
        return Err(ScaffoldError::NoContent {
            root: root.to_owned(),
        });
    }
    match write_new_file(root, file) {
        Ok(()) => Ok(file.path.clone()),
        Err(ScaffoldError::Exists { path }) => Err(ScaffoldError::ReviewExists { path }),
        Err(error) => Err(error),
    }
}

/// Writes a new category into the site under `root`; returns its path
/// relative to the root.
pub fn new_category(root: &Path, title: &str) -> Result<String, ScaffoldError> {
    let file = make_category_file(title)?;
    if !root.join("content").is_dir() {
        return Err(ScaffoldError::NoContent {
            root: root.to_owned(),
        });
    }
    write_new_file(root, &file)?;
    Ok(file.path)
}

/// Creates `root/file.path`, failing if anything is already there. A file
/// left half-written by a failed write is removed.
fn write_new_file(root: &Path, file: &NewFile) -> Result<(), ScaffoldError> {
    let path = root.join(&file.path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|source| ScaffoldError::Io {
            path: parent.to_owned(),
            source,
        })?;
    }
    let mut out = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(out) => out,
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(ScaffoldError::Exists { path });
        }
        Err(source) => return Err(ScaffoldError::Io { path, source }),
    };
    if let Err(source) = out
        .write_all(file.text.as_bytes())
        .and_then(|()| out.sync_all())
    {
        drop(out);
        let _ = fs::remove_file(&path);
        return Err(ScaffoldError::Io { path, source });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{SourceFile, parse_category, parse_incident};
    use crate::validate::resolve_site;
    use crate::yaml::{YamlValue, parse_yaml};
    use proptest::prelude::*;

    const NASTY: &[&str] = &[
        "Fix: \"auth\" #2",
        "- leading dash",
        "* star",
        "&anchor *alias",
        "! tag",
        "% directive",
        "@at `tick`",
        "? question",
        "| pipe > fold",
        "{braces} [brackets]",
        "'single' \"double\" \\back\\slash",
        "yes",
        "null",
        "~",
        "2024",
        "1e3",
        "true",
        "---",
        "...",
        "tab\there",
        "line\nbreak\r\n",
        "bell\u{7}\u{0}\u{1b}[0m",
        "Köln: Über-Änderung",
        "日本語のタイトル",
        "emoji 🔥 and \u{FEFF}bom and \u{2028} sep \u{85}",
        "trailing colon:",
        "# hash first",
        "key: value",
    ];

    fn source(path: &str, file: &NewFile) -> SourceFile {
        assert_eq!(path, file.path);
        SourceFile {
            path: file.path.clone(),
            slug: file
                .path
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".md")
                .to_owned(),
            text: file.text.clone(),
        }
    }

    fn outline() -> SiteOutline {
        SiteOutline {
            categories: vec!["environments".into(), "monolith".into()],
            incidents: vec![("taken".into(), "content/incidents/old/taken.md".into())],
            statuses: vec!["sad".into(), "tick".into()],
            sections: vec!["new-features".into()],
        }
    }

    fn draft<'a>(title: &'a str, team: Option<&'a str>) -> IncidentDraft<'a> {
        IncidentDraft {
            title,
            category: "monolith",
            slug: None,
            section: None,
            statuses: &[],
            tags: &[],
            team,
            date: Date::parse("2024-05-01"),
            body: None,
        }
    }

    #[test]
    fn yaml_strings_read_back_as_written() {
        for text in NASTY {
            let yaml = format!("k: {}\n", yaml_string(text));
            let root = parse_yaml(&yaml, 1).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
            let YamlValue::Map(entries) = root.value else {
                panic!("{text:?}: not a map")
            };
            assert_eq!(entries[0].1.value, YamlValue::Str((*text).to_owned()));
        }
    }

    #[test]
    fn slugs_are_transliterated_and_cut_at_a_word() {
        assert_eq!(
            slug_from_title("Fix: \"auth\" #2").as_deref(),
            Some("fix-auth-2")
        );
        assert_eq!(slug_from_title("Köln Über").as_deref(), Some("koln-uber"));
        assert_eq!(slug_from_title("!!! ??"), None);
        assert_eq!(slug_from_title("   "), None);
        let long = "word ".repeat(40);
        let slug = slug_from_title(&long).unwrap();
        assert!(slug.len() <= MAX_SLUG_LEN, "{slug}");
        assert!(slug.ends_with("word"), "{slug}");
        let unbroken = "x".repeat(200);
        assert_eq!(slug_from_title(&unbroken).unwrap().len(), MAX_SLUG_LEN);
    }

    #[test]
    fn a_new_incident_parses_back_with_its_title() {
        for title in NASTY.iter().filter(|t| slug_from_title(t).is_some()) {
            for team in [None, Some("Team: \"A\" #1")] {
                let file = make_incident_file(&draft(title, team), &outline()).unwrap();
                let (incident, diagnostics) = parse_incident(&source(&file.path, &file));
                assert_eq!(diagnostics, [], "{title:?}\n{}", file.text);
                let incident = incident.unwrap();
                assert_eq!(incident.title, title.trim());
                assert_eq!(incident.category.value, "monolith");
                assert_eq!(incident.anecdotes.len(), usize::from(team.is_some()));
                if let Some(anecdote) = incident.anecdotes.first() {
                    assert_eq!(anecdote.team_name(), Some("Team: \"A\" #1"));
                    assert_eq!(anecdote.date.unwrap().to_string(), "2024-05-01");
                }
            }
        }
    }

    #[test]
    fn a_new_incident_names_the_site_s_statuses_and_sections() {
        let file = make_incident_file(&draft("A", None), &outline()).unwrap();
        assert!(
            file.text
                .contains("# status: sad   # one of sad, tick, or a list\n")
        );
        assert!(file.text.contains("# section: new-features"));
        assert!(file.text.contains("#     date: 2024-05-01\n"));
    }

    #[test]
    fn a_new_incident_keeps_the_precision_of_its_date() {
        let mut d = draft("A", Some("T"));
        d.date = Date::parse("2017-11");
        let file = make_incident_file(&d, &outline()).unwrap();
        let (incident, _) = parse_incident(&source(&file.path, &file));
        let date = incident.unwrap().anecdotes[0].date.unwrap();
        assert_eq!(date.to_string(), "2017-11");
        d.date = Date::parse("2017");
        let file = make_incident_file(&d, &outline()).unwrap();
        let (incident, _) = parse_incident(&source(&file.path, &file));
        assert_eq!(
            incident.unwrap().anecdotes[0].date.unwrap().to_string(),
            "2017"
        );
    }

    #[test]
    fn unknown_category_suggests_and_lists() {
        let mut d = draft("A", None);
        d.category = "monolit";
        let error = make_incident_file(&d, &outline()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown category \"monolit\" (did you mean \"monolith\"?); existing categories: environments, monolith"
        );
        assert!(!error.is_usage());
        d.category = "Monolith";
        let error = make_incident_file(&d, &outline()).unwrap_err();
        assert!(error.to_string().contains("did you mean \"monolith\""));
        let error = make_incident_file(&d, &SiteOutline::default()).unwrap_err();
        assert!(error.to_string().contains("has no categories yet"));
    }

    #[test]
    fn a_slug_taken_in_a_sub_folder_is_refused() {
        let error = make_incident_file(&draft("Taken", None), &outline()).unwrap_err();
        assert!(matches!(error, ScaffoldError::SlugTaken { .. }), "{error}");
        assert!(error.to_string().contains("content/incidents/old/taken.md"));
    }

    #[test]
    fn a_title_without_a_slug_is_a_usage_error() {
        let error = make_incident_file(&draft("?!", None), &outline()).unwrap_err();
        assert!(error.is_usage());
        assert!(make_category_file("  ").unwrap_err().is_usage());
    }

    #[test]
    fn a_new_category_parses_back_with_its_title() {
        for title in NASTY.iter().filter(|t| slug_from_title(t).is_some()) {
            let file = make_category_file(title).unwrap();
            let (category, diagnostics) = parse_category(&source(&file.path, &file));
            assert_eq!(diagnostics, [], "{title:?}\n{}", file.text);
            assert_eq!(category.unwrap().title, title.trim());
        }
    }

    #[test]
    fn a_new_incident_with_every_field_parses_back() {
        let statuses = ["tick".to_owned(), "sad".to_owned()];
        let tags = ["staging: \"ci\"".to_owned(), "2024".to_owned()];
        let mut d = draft("Flaky staging", Some("Search"));
        d.slug = Some("flaky");
        d.section = Some("new-features");
        d.statuses = &statuses;
        d.tags = &tags;
        d.date = None;
        d.body = Some("- fails one run in five\n---\nstill the body");
        let file = make_incident_file(&d, &outline()).unwrap();
        assert_eq!(file.path, "content/incidents/flaky.md");
        let (incident, diagnostics) = parse_incident(&source(&file.path, &file));
        assert_eq!(diagnostics, [], "{}", file.text);
        let incident = incident.unwrap();
        assert_eq!(incident.section.unwrap().value, "new-features");
        let keys: Vec<&str> = incident.status.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(keys, ["tick", "sad"]);
        assert_eq!(incident.tags, tags);
        assert_eq!(incident.anecdotes.len(), 1);
        assert_eq!(incident.anecdotes[0].date, None);
        assert_eq!(
            incident.body,
            "- fails one run in five\n---\nstill the body\n"
        );
        assert!(!file.text.contains("# section:"), "{}", file.text);
        assert!(!file.text.contains("# status:"), "{}", file.text);
        assert!(!file.text.contains("# tags:"), "{}", file.text);
    }

    #[test]
    fn unknown_sections_and_statuses_are_refused_with_a_suggestion() {
        let mut d = draft("A", None);
        d.section = Some("new-feature");
        let error = make_incident_file(&d, &outline()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown section \"new-feature\" (did you mean \"new-features\"?); the sections of site.yaml: new-features"
        );
        assert!(!error.is_usage());
        let without_sections = SiteOutline {
            sections: Vec::new(),
            ..outline()
        };
        let error = make_incident_file(&d, &without_sections).unwrap_err();
        assert!(error.to_string().contains("site.yaml defines no sections"));
        let statuses = ["sadd".to_owned()];
        let mut d = draft("A", None);
        d.statuses = &statuses;
        let error = make_incident_file(&d, &outline()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown status \"sadd\" (did you mean \"sad\"?); the incident statuses of the site: sad, tick"
        );
        let twice = ["sad".to_owned(), "tick".to_owned(), "sad".to_owned()];
        d.statuses = &twice;
        let error = make_incident_file(&d, &outline()).unwrap_err();
        assert!(error.is_usage(), "{error}");
        assert_eq!(
            error.to_string(),
            "status \"sad\" is given twice: give each --status once"
        );
    }

    /// A site of `categories` (slug, title) and `reviews` (date, entries).
    fn site_with(categories: &[(&str, &str)], reviews: &[&str], incidents: &[&str]) -> Site {
        let config = crate::model::SiteConfig::with_title("T".to_owned());
        let categories = categories
            .iter()
            .map(|(slug, title)| {
                let file = SourceFile {
                    path: format!("content/categories/{slug}.md"),
                    slug: (*slug).to_owned(),
                    text: format!("---\ntitle: {}\n---\n", yaml_string(title)),
                };
                parse_category(&file).0.unwrap()
            })
            .collect();
        let reviews = reviews
            .iter()
            .map(|text| {
                let date = text.split("date: ").nth(1).unwrap().get(..10).unwrap();
                let file = SourceFile {
                    path: format!("content/reviews/{date}.md"),
                    slug: date.to_owned(),
                    text: (*text).to_owned(),
                };
                crate::parse::parse_review(&file).0.unwrap()
            })
            .collect();
        let incidents = incidents
            .iter()
            .enumerate()
            .map(|(index, category)| {
                let file = SourceFile {
                    path: format!("content/incidents/i{index}.md"),
                    slug: format!("i{index}"),
                    text: format!("---\ntitle: I\ncategory: {category}\n---\n"),
                };
                std::sync::Arc::new(parse_incident(&file).0.unwrap())
            })
            .collect();
        resolve_site(config, categories, incidents, reviews)
    }

    #[test]
    fn a_review_lists_every_category_with_its_count_and_carried_status() {
        let site = site_with(
            &[
                ("a", "Alpha"),
                ("b", "Beta: \"two\"\nlines"),
                ("null", "Null"),
            ],
            &[
                "---\ndate: 2018-01-01\ncategories:\n  a: {status: nope}\n  b: {status: partial}\n---\n",
                "---\ndate: 2018-06-01\ncategories:\n  a: {status: progress}\n---\n",
                "---\ndate: 2019-01-01\ncategories:\n  a: {status: partial}\n---\n",
            ],
            &["b", "b", "a"],
        );
        let tally = crate::tally::tally_site(&site);
        let date = Date::parse("2018-12-01").unwrap();
        let rows = review_rows(&site, &tally, date);
        let summary: Vec<(&str, u32, Option<&str>)> = rows
            .iter()
            .map(|r| (r.slug, r.recorded, r.status))
            .collect();
        // In rank order; b keeps the status of the one review that
        // mentions it, a that of the latest review before the meeting.
        assert_eq!(
            summary,
            [
                ("b", 2, Some("partial")),
                ("a", 1, Some("progress")),
                ("null", 0, None)
            ]
        );
        let statuses = [
            "nope".to_owned(),
            "progress".to_owned(),
            "partial".to_owned(),
        ];
        let file = make_review_file(date, &rows, &statuses);
        assert_eq!(file.path, "content/reviews/2018-12-01.md");
        assert!(
            file.text.contains("(nope, progress or partial)"),
            "{}",
            file.text
        );
        assert!(
            file.text.contains(
                "  b:   # Beta: \"two\" lines\n    votes: 0\n    status: partial\n    recorded: 2\n"
            ),
            "{}",
            file.text
        );
        assert!(
            file.text.contains("  \"null\":   # Null\n"),
            "{}",
            file.text
        );
        let source = SourceFile {
            path: file.path.clone(),
            slug: "2018-12-01".to_owned(),
            text: file.text.clone(),
        };
        let (review, diagnostics) = crate::parse::parse_review(&source);
        assert_eq!(diagnostics, [], "{}", file.text);
        let review = review.unwrap();
        assert_eq!(review.date, date);
        assert_eq!(review.categories.len(), 3);
        for (_, entry) in &review.categories {
            assert_eq!(entry.votes, Some(0));
        }
        assert_eq!(review.categories[2].0.value, "null");
    }

    #[test]
    fn a_review_of_a_site_without_categories_parses() {
        let date = Date::parse("2024-05-01").unwrap();
        let file = make_review_file(date, &[], &[]);
        let source = SourceFile {
            path: file.path.clone(),
            slug: "2024-05-01".to_owned(),
            text: file.text.clone(),
        };
        let (review, diagnostics) = crate::parse::parse_review(&source);
        assert_eq!(diagnostics, [], "{}", file.text);
        assert!(review.unwrap().categories.is_empty());
    }

    proptest! {
        #[test]
        fn any_category_title_leaves_the_review_valid(title in any::<String>()) {
            let rows = [ReviewRow { slug: "a", title: &title, recorded: 3, status: Some("nope") }];
            let file = make_review_file(Date::parse("2024-05-01").unwrap(), &rows, &[]);
            let source = SourceFile {
                path: file.path.clone(),
                slug: "2024-05-01".to_owned(),
                text: file.text.clone(),
            };
            let (review, diagnostics) = crate::parse::parse_review(&source);
            prop_assert_eq!(&diagnostics, &[], "{}", file.text);
            prop_assert_eq!(review.unwrap().categories.len(), 1);
        }
    }

    #[test]
    fn the_new_site_s_files_parse_cleanly() {
        let files = make_site_files(Date::parse("2024-05-01").unwrap());
        let mut kinds = 0;
        for file in &files {
            let diagnostics = match file.path.as_str() {
                "content/site.yaml" => parse_site_config(&source(&file.path, file)).1,
                p if p.starts_with("content/categories/") => {
                    parse_category(&source(&file.path, file)).1
                }
                p if p.starts_with("content/incidents/") => {
                    parse_incident(&source(&file.path, file)).1
                }
                _ => continue,
            };
            kinds += 1;
            assert_eq!(diagnostics, [], "{}", file.path);
        }
        assert_eq!(kinds, 4);
    }

    proptest! {
        #[test]
        fn any_title_round_trips(title in any::<String>(), team in any::<String>()) {
            prop_assume!(slug_from_title(&title).is_some());
            let file = make_incident_file(&draft(&title, Some(&team)), &outline());
            let file = match file {
                Ok(file) => file,
                Err(ScaffoldError::SlugTaken { .. }) => return Ok(()),
                Err(error) => panic!("{error}"),
            };
            let (incident, diagnostics) = parse_incident(&source(&file.path, &file));
            prop_assert_eq!(&diagnostics, &[], "{}", file.text);
            let incident = incident.unwrap();
            prop_assert_eq!(incident.title, title.trim());
            if team.trim().is_empty() {
                prop_assert_eq!(incident.anecdotes.len(), 0);
            } else {
                prop_assert_eq!(incident.anecdotes[0].team_name(), Some(team.trim()));
            }
        }
    }
}
