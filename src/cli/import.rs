//! `frictionlog import csv`: the command line around [`crate::import`]:
//! its flags, and what it prints (the problems at FILE:LINE:COLUMN, the
//! files written on stdout, a summary on stderr).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueHint};

use super::{Cli, Reporter};
use crate::diagnostic::{Diagnostic, plural, render_human};
use crate::import::{
    FieldKind, ImportOptions, parse_map, plan_import, read_csv, read_site_index, write_files,
};

/// `import csv`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Add one incident per row of a CSV file (a spreadsheet, a wiki table,
    /// or frictionlog's own incidents.csv), and, with --create-categories,
    /// the categories it names.
    ///
    /// The first line names the columns: title and category are needed;
    /// slug, section, status, occurrences, tags, links, resolution,
    /// anecdotes, team, date, text and body are read when present (teams,
    /// first_seen and last_seen, which incidents.csv derives, are not).
    /// Columns with other names are mapped with --map. Every row is checked
    /// as `check` would check its file; a bad row is reported at
    /// FILE:LINE:COLUMN and then nothing is written, unless --skip-bad.
    /// Files are written all together or not at all, and never replace a
    /// file. The paths written are printed on stdout.
    #[command(after_help = "Examples:\n  \
        frictionlog import csv incidents.csv --create-categories\n  \
        frictionlog import csv pains.csv --map \"Pain point=title\" --map Area=category --dry-run\n  \
        frictionlog import csv pains.csv --map Owner=ignore --map Notes=body --skip-bad\n\n\
        Fields for --map: slug, title, category, section, status, occurrences, teams, first_seen,\n\
        last_seen, tags, links, resolution, anecdotes, team, date, text, body, ignore.\n\n\
        Cells: status, tags and links are lists joined with \"; \" (a link is \"TITLE <URL>\" or the\n\
        URL); anecdotes are one per line, \"TEAM; DATE; TEXT\"; a cell starting with ' loses that '\n\
        (incidents.csv puts one before a cell a spreadsheet would run as a formula).")]
    Csv(ImportCsvArgs),
}

#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The CSV file: UTF-8, comma-separated, the first line naming the
    /// columns.
    #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub file: PathBuf,
    /// Read the column COLUMN (its name in the first line, any case) as
    /// FIELD; FIELD "ignore" leaves the column out. Repeat it for each
    /// column to map.
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_map)]
    pub maps: Vec<(String, FieldKind)>,
    /// Create the categories the rows name that the site does not have
    /// (a slug such as "release-pipeline", or a title such as "Release
    /// pipeline").
    #[arg(long)]
    pub create_categories: bool,
    /// Check every row and print the files an import would write, but
    /// write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and leave out the bad ones (reported as
    /// warnings) instead of writing nothing.
    #[arg(long)]
    pub skip_bad: bool,
}

pub(super) fn run_import(cli: &Cli, command: &ImportCommand, reporter: &Reporter) -> ExitCode {
    let ImportCommand::Csv(args) = command;
    let site = match read_site_index(&cli.root) {
        Ok(site) => site,
        Err(error) => {
            reporter.error(&error.to_string());
            return ExitCode::from(1);
        }
    };
    let bytes = match read_csv(&args.file) {
        Ok(bytes) => bytes,
        Err(error) => {
            reporter.error(&error.to_string());
            return ExitCode::from(1);
        }
    };
    let shown = args.file.display().to_string();
    let options = ImportOptions {
        maps: args.maps.clone(),
        create_categories: args.create_categories,
    };
    let plan = plan_import(&shown, bytes, &site, &options);
    if !plan.fatal.is_empty() {
        print_problems(&plan.fatal, reporter);
        reporter.error(&format!(
            "import failed: {} in \"{shown}\"; nothing was written",
            plural(plan.fatal.len(), "problem", "problems")
        ));
        return ExitCode::from(1);
    }
    let bad = plural(plan.bad_rows, "bad row", "bad rows");
    if plan.bad_rows > 0 && !args.skip_bad {
        print_problems(&plan.problems, reporter);
        reporter.error(&format!(
            "import failed: {bad} of {} ({}); nothing was written (fix them, or pass --skip-bad to import the other rows)",
            plan.rows,
            plural(plan.problems.len(), "error", "errors"),
        ));
        return ExitCode::from(1);
    }
    let skipped: Vec<Diagnostic> = plan
        .problems
        .iter()
        .cloned()
        .map(Diagnostic::warning)
        .collect();
    print_problems(&skipped, reporter);
    if plan.incidents == 0 {
        if plan.rows == 0 {
            reporter.line(&format!("\"{shown}\" has no rows: nothing to import"));
            return ExitCode::SUCCESS;
        }
        reporter.error(&format!(
            "every row of \"{shown}\" is bad ({bad}): nothing was written"
        ));
        return ExitCode::from(1);
    }
    let what = format!(
        "{}{}",
        plural(plan.incidents, "incident", "incidents"),
        if plan.categories > 0 {
            format!(
                " and {}",
                plural(plan.categories, "new category", "new categories")
            )
        } else {
            String::new()
        }
    );
    let skipped_note = if plan.bad_rows > 0 {
        format!("; skipped {bad}")
    } else {
        String::new()
    };
    if !args.dry_run
        && let Err(error) = write_files(&cli.root, &plan.files)
    {
        reporter.error(&error.to_string());
        return ExitCode::from(1);
    }
    // Read from the current folder, as diagnostics are: ready for `git add`.
    let mut stdout = io::stdout().lock();
    for file in &plan.files {
        let _ = writeln!(stdout, "{}{}", reporter.path_prefix, file.path);
    }
    if args.dry_run {
        reporter.line(&format!(
            "dry run: would import {what} from \"{shown}\"{skipped_note}; nothing was written"
        ));
    } else {
        reporter.line(&format!("imported {what} from \"{shown}\"{skipped_note}"));
    }
    ExitCode::SUCCESS
}

/// The problems of the CSV, rustc-style. Their paths are the FILE given
/// on the command line, so they are printed as they are, not read from
/// the site's root.
fn print_problems(problems: &[Diagnostic], reporter: &Reporter) {
    let mut stderr = io::stderr().lock();
    for problem in problems {
        if reporter.quiet && !problem.is_error() {
            continue;
        }
        let _ = writeln!(stderr, "{}\n", render_human(problem, reporter.color));
    }
}
