//! The authoring commands, `init`, `new`, `report` and `review new`: their
//! flags and their runners, which write content files (I/O, through
//! `scaffold` and `report`) and print the paths they wrote.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueHint};

use super::{Cli, Reporter, problem_summary};
use crate::diagnostic::FormatKind;
use crate::model::Date;
use crate::render::DiscardSink;
use crate::scaffold::{IncidentDraft, ScaffoldError, slug_from_title};
use crate::{BuildOptions, build_site};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (default: --root, i.e. the current
    /// folder); it must be new, empty, or hold only a repository's files
    /// (dotfiles such as .git, a README, a LICENSE).
    #[arg(value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

/// `new incident` and `new category`.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Add content/incidents/<slug>.md, its slug made from the title.
    #[command(after_help = "Examples:\n  \
        frictionlog new incident \"Five files to add a setting\" --category monolith --team Payments\n  \
        frictionlog new incident \"Flaky staging\" --category environments --section testing \\\n      \
        --status sad --tag ci --team Search --undated --body \"Fails one run in five.\"\n  \
        git log -1 --format=%B | frictionlog new incident \"Slow deploys\" --category release --body -\n\n\
        A title starting with '-' goes after `--`: frictionlog new incident --category x -- \"-1 day\"")]
    Incident(NewIncidentArgs),
    /// Add content/categories/<slug>.md, its slug made from the title.
    Category(NewCategoryArgs),
}

#[derive(Debug, Args)]
pub struct NewIncidentArgs {
    /// What went wrong, in a line (quote it); the file name is made from it.
    #[arg(value_name = "TITLE", value_parser = parse_title)]
    pub title: String,
    /// The category it counts in: the slug of a file in content/categories/.
    #[arg(long, value_name = "SLUG")]
    pub category: String,
    /// The team that hit it: writes its anecdote (one occurrence).
    #[arg(long, value_name = "TEAM", value_parser = parse_team)]
    pub team: Option<String>,
    /// When the team hit it: YYYY, YYYY-MM or YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE", requires = "team", value_parser = parse_date)]
    pub date: Option<Date>,
    /// Leave the team's anecdote without a date (when nobody knows when).
    #[arg(long, requires = "team", conflicts_with = "date")]
    pub undated: bool,
    /// The heading it is listed under: a slug of site.yaml's `sections`.
    #[arg(long, value_name = "SLUG")]
    pub section: Option<String>,
    /// A marker from site.yaml's `incident_statuses` (sad, tick, heart by
    /// default); repeat it for several, in the order to show them.
    #[arg(long = "status", value_name = "KEY", value_parser = parse_key)]
    pub statuses: Vec<String>,
    /// A free-form label; repeat it for several.
    #[arg(long = "tag", value_name = "TAG", value_parser = parse_tag)]
    pub tags: Vec<String>,
    /// The file name, without .md, instead of one made from the title.
    #[arg(long, value_name = "SLUG", value_parser = parse_slug)]
    pub slug: Option<String>,
    /// The details, in Markdown, written below the frontmatter; `-` reads
    /// them from standard input (as `git commit -F -` does).
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub body: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The incident: its slug, the file name in content/incidents/ without
    /// .md (Tab completes it).
    #[arg(value_name = "INCIDENT")]
    pub incident: String,
    /// The team that hit it, spelt as elsewhere on the site.
    #[arg(long, value_name = "TEAM", value_parser = parse_team)]
    pub team: String,
    /// When the team hit it: YYYY, YYYY-MM or YYYY-MM-DD [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<Date>,
    /// Leave the anecdote without a date (when nobody knows when).
    #[arg(long, conflicts_with = "date")]
    pub undated: bool,
    /// What happened to the team, in a sentence or two.
    #[arg(long, value_name = "TEXT", value_parser = parse_text)]
    pub text: Option<String>,
}

/// `review new`.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Write content/reviews/<DATE>.md for a meeting: every category with
    /// `votes: 0` to fill in, the status it has now and its incident count.
    ///
    /// Categories are listed in the order of the tally table. `recorded` is
    /// each category's incident count now; `status` is the one it had
    /// before this meeting (from the latest earlier review that mentions
    /// it). The file passes `frictionlog check` as written; fill in the
    /// votes and statuses during the meeting. Never overwrites a file.
    #[command(after_help = "Examples:\n  \
        frictionlog review new              # a meeting today\n  \
        frictionlog review new 2024-06-03   # a meeting on 3 June 2024")]
    New(ReviewNewArgs),
}

#[derive(Debug, Args)]
pub struct ReviewNewArgs {
    /// The meeting's day, YYYY-MM-DD [default: today].
    #[arg(value_name = "DATE", value_parser = parse_day)]
    pub date: Option<Date>,
}

#[derive(Debug, Args)]
pub struct NewCategoryArgs {
    /// The category's title (quote it); the file name is made from it.
    #[arg(value_name = "TITLE", value_parser = parse_title)]
    pub title: String,
}

/// `--date`: a date of any precision, checked against the calendar.
fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim()).ok_or_else(|| crate::model::date_problem(text.trim()))
}

/// A review's date: a whole day.
fn parse_day(text: &str) -> Result<Date, String> {
    let date = parse_date(text)?;
    if date.precision == crate::model::PrecisionKind::Day {
        Ok(date)
    } else {
        Err(format!(
            "a review is a meeting on one day: expected YYYY-MM-DD, found \"{date}\""
        ))
    }
}

/// `--slug`: a file name `check` accepts.
fn parse_slug(text: &str) -> Result<String, String> {
    if crate::model::is_valid_slug(text) {
        Ok(text.to_owned())
    } else {
        let fixed = crate::model::slugify(text);
        let suggestion = if fixed.is_empty() || fixed == text {
            String::new()
        } else {
            format!(" (did you mean \"{fixed}\"?)")
        };
        Err(format!(
            "a slug is lower-case letters, digits and '-', starting with a letter or digit{suggestion}"
        ))
    }
}

/// `--status`: a key, checked against the site when the file is made.
fn parse_key(text: &str) -> Result<String, String> {
    let key = text.trim();
    if key.is_empty() {
        return Err("a status cannot be blank: leave out --status".to_owned());
    }
    Ok(key.to_owned())
}

/// `--tag`: any text but a blank one.
fn parse_tag(text: &str) -> Result<String, String> {
    let tag = text.trim();
    if tag.is_empty() {
        return Err("a tag cannot be blank: leave out --tag".to_owned());
    }
    Ok(tag.to_owned())
}

/// `--text`: any text but a blank one.
fn parse_text(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the text cannot be blank: say what happened, or leave out --text".to_owned());
    }
    Ok(text.trim().to_owned())
}

/// A title for `new`: anything with a letter or digit to make a slug from.
fn parse_title(text: &str) -> Result<String, String> {
    match slug_from_title(text) {
        Some(_) => Ok(text.to_owned()),
        None => {
            Err("a title needs at least one letter or digit to make a file name from".to_owned())
        }
    }
}

/// `--team`: a name `check` accepts, so the anecdote is never dropped.
fn parse_team(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err(
            "a team name cannot be blank: name the team that hit it, or leave out --team"
                .to_owned(),
        );
    }
    if crate::model::slugify(text).is_empty() {
        return Err(
            "a team name needs at least one letter or digit to make its page address from"
                .to_owned(),
        );
    }
    Ok(text.trim().to_owned())
}

/// Today in the local time zone, the default date of a new anecdote.
fn today() -> Option<Date> {
    Date::parse(&jiff::Zoned::now().date().to_string())
}

/// `rel` (relative to the root) as the user would type it from here.
fn display_in_root(root: &Path, rel: &str) -> String {
    if root == Path::new(".") {
        rel.to_owned()
    } else {
        root.join(rel).display().to_string()
    }
}

fn scaffold_failed(error: &ScaffoldError, reporter: &Reporter) -> ExitCode {
    reporter.error(&error.to_string());
    ExitCode::from(if error.is_usage() { 2 } else { 1 })
}

pub(super) fn run_init(cli: &Cli, args: &InitArgs, reporter: &Reporter) -> ExitCode {
    let dir = args.dir.as_deref().unwrap_or(&cli.root);
    let Some(today) = today() else {
        reporter.error("cannot tell today's date from the system clock");
        return ExitCode::from(1);
    };
    match crate::scaffold::init_site(dir, today) {
        Ok(files) => {
            let next = if dir == Path::new(".") {
                "frictionlog serve".to_owned()
            } else {
                format!("frictionlog --root \"{}\" serve", dir.display())
            };
            reporter.line(&format!(
                "created a new site in \"{}\" ({} files): preview it with `{next}`",
                dir.display(),
                files.len()
            ));
            ExitCode::SUCCESS
        }
        Err(error) => scaffold_failed(&error, reporter),
    }
}

pub(super) fn run_new(cli: &Cli, command: &NewCommand, reporter: &Reporter) -> ExitCode {
    let written = match command {
        NewCommand::Incident(args) => {
            let Ok(date) = anecdote_date(args.undated, args.date, reporter) else {
                return ExitCode::from(1);
            };
            let body = match args.body.as_deref() {
                Some("-") => match read_stdin() {
                    Ok(body) => Some(body),
                    Err(error) => {
                        reporter.error(&format!(
                            "cannot read the body from standard input: {error}"
                        ));
                        return ExitCode::from(1);
                    }
                },
                other => other.map(str::to_owned),
            };
            let draft = IncidentDraft {
                title: &args.title,
                category: &args.category,
                slug: args.slug.as_deref(),
                section: args.section.as_deref(),
                statuses: &args.statuses,
                tags: &args.tags,
                team: args.team.as_deref(),
                date,
                body: body.as_deref(),
            };
            crate::scaffold::new_incident(&cli.root, &draft)
        }
        NewCommand::Category(args) => crate::scaffold::new_category(&cli.root, &args.title),
    };
    match written {
        Ok(rel) => {
            let _ = writeln!(io::stdout(), "{}", display_in_root(&cli.root, &rel));
            ExitCode::SUCCESS
        }
        Err(error) => scaffold_failed(&error, reporter),
    }
}

/// Standard input to its end, as text (`--body -`). On a terminal, says
/// how to end it first.
fn read_stdin() -> io::Result<String> {
    let mut stdin = io::stdin();
    if stdin.is_terminal() {
        let _ = writeln!(
            io::stderr(),
            "reading the body from standard input: end it with Ctrl-D (Ctrl-Z then Enter on Windows)"
        );
    }
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut stdin, &mut bytes)?;
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// An anecdote's date from `--date`/`--undated`: today when neither is
/// given; `Err` (reported) when the clock cannot say what today is.
fn anecdote_date(
    undated: bool,
    date: Option<Date>,
    reporter: &Reporter,
) -> Result<Option<Date>, ()> {
    if undated {
        return Ok(None);
    }
    match date.or_else(today) {
        Some(date) => Ok(Some(date)),
        None => {
            reporter.error("cannot tell today's date from the system clock: pass --date");
            Err(())
        }
    }
}

pub(super) fn run_report(cli: &Cli, args: &ReportArgs, reporter: &Reporter) -> ExitCode {
    let Ok(date) = anecdote_date(args.undated, args.date, reporter) else {
        return ExitCode::from(1);
    };
    let draft = crate::report::AnecdoteDraft {
        team: &args.team,
        date,
        text: args.text.as_deref(),
    };
    let shown = display_in_root(&cli.root, "content/incidents/");
    let on_wait = |pid: Option<u32>| {
        let owner = pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default();
        reporter.line(&format!(
            "waiting for another report to \"{}\" in {shown}{owner}",
            args.incident
        ));
    };
    match crate::report::report_anecdote(&cli.root, &args.incident, &draft, &on_wait) {
        Ok(reported) => {
            if let Some(similar) = &reported.similar_team {
                reporter.line(&format!(
                    "warning: no other incident names the team \"{}\" (did you mean \"{similar}\"?): it gets a page of its own; fix the spelling in the file if it is the same team",
                    args.team
                ));
            }
            let _ = writeln!(
                io::stdout(),
                "{}",
                display_in_root(&cli.root, &reported.path)
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            reporter.diagnostics(error.diagnostics(), FormatKind::Human);
            reporter.error(&error.to_string());
            ExitCode::from(1)
        }
    }
}

pub(super) fn run_review_new(cli: &Cli, args: &ReviewNewArgs, reporter: &Reporter) -> ExitCode {
    let Some(date) = args.date.or_else(today) else {
        reporter.error("cannot tell today's date from the system clock: give the DATE");
        return ExitCode::from(1);
    };
    let rel = crate::scaffold::review_path(date);
    if !cli.root.join("content").is_dir() {
        return scaffold_failed(
            &ScaffoldError::NoContent {
                root: cli.root.clone(),
            },
            reporter,
        );
    }
    // Said before the whole site is checked.
    if fs::symlink_metadata(cli.root.join(&rel)).is_ok() {
        return scaffold_failed(
            &ScaffoldError::ReviewExists {
                path: PathBuf::from(display_in_root(&cli.root, &rel)),
            },
            reporter,
        );
    }
    let options = BuildOptions {
        root: cli.root.clone(),
        drafts: false,
        base_url: None,
    };
    let outcome = build_site(&options, &DiscardSink);
    let built = match &outcome.built {
        Some(built) if outcome.error_count() == 0 => built,
        _ => {
            reporter.diagnostics(&outcome.diagnostics, FormatKind::Human);
            reporter.error(&format!(
                "no review written: the site has {} (above), and a review counts incidents from a site that passes `frictionlog check`",
                problem_summary(&outcome)
            ));
            return ExitCode::from(1);
        }
    };
    let rows = crate::scaffold::review_rows(&built.site, &built.tally, date);
    let statuses: Vec<String> = built
        .site
        .config
        .category_statuses
        .iter()
        .map(|status| status.key.clone())
        .collect();
    let file = crate::scaffold::make_review_file(date, &rows, &statuses);
    match crate::scaffold::write_review(&cli.root, &file) {
        Ok(rel) => {
            let _ = writeln!(io::stdout(), "{}", display_in_root(&cli.root, &rel));
            ExitCode::SUCCESS
        }
        Err(error) => scaffold_failed(&error, reporter),
    }
}
