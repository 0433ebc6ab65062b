//! The manual: `frictionlog man` prints one page with every command and its
//! options, the content format in brief, the exit codes and examples;
//! `frictionlog man COMMAND` prints one command's page. Synopses and
//! options come from the command line's own definition (clap_mangen), so
//! the manual cannot drift from the flags; the rest is written here. Pure:
//! roff text in memory.

use std::io::{self, Write};

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

/// The commands that have a page of their own.
pub const PAGES: [&str; 10] = [
    "build",
    "check",
    "serve",
    "init",
    "new",
    "report",
    "review",
    "import",
    "completions",
    "man",
];

/// The page for `page` (a command's name), or the whole manual.
pub fn render_page(command: &clap::Command, page: Option<&str>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match page.and_then(|name| command.find_subcommand(name)) {
        Some(sub) => command_page(sub, &mut out)?,
        None => main_page(command, &mut out)?,
    }
    Ok(without_repeated_preamble(&out))
}

/// Every piece rendered on its own starts with roff's two lines defining
/// the apostrophe string; the page needs them once.
fn without_repeated_preamble(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut seen = Vec::new();
    let mut kept = String::with_capacity(text.len());
    for line in text.lines() {
        let preamble = line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
        if preamble {
            if seen.contains(&line) {
                continue;
            }
            seen.push(line);
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept.into_bytes()
}

fn main_page(command: &clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    let man = Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    roff.text([
        roman("The options above go before or after the command. "),
        bold("frictionlog man COMMAND"),
        roman(" prints one command's page, with every option it takes."),
    ]);
    roff.to_writer(out)?;
    for sub in visible_subcommands(command) {
        for leaf in leaves(sub) {
            command_section(leaf, false, out)?;
        }
    }
    content_format(out)?;
    exit_status(out)?;
    environment(out)?;
    examples(EXAMPLES, out)?;
    man.render_version_section(out)
}

fn command_page(command: &clap::Command, out: &mut Vec<u8>) -> io::Result<()> {
    let man = Man::new(command.clone()).source(concat!("frictionlog ", env!("CARGO_PKG_VERSION")));
    man.render_title(out)?;
    man.render_name_section(out)?;
    let leaves = leaves(command);
    // A command that runs something itself, not one grouping others
    // (`review` and `import`, whose only commands are `review new` and
    // `import csv`, list that command as a section).
    if let [only] = leaves.as_slice()
        && std::ptr::eq(*only, command)
    {
        man.render_synopsis_section(out)?;
        man.render_description_section(out)?;
        let options = without_help(command.clone());
        Man::new(options).render_options_section(out)?;
    } else {
        man.render_description_section(out)?;
        let mut roff = Roff::new();
        roff.control("SH", ["COMMANDS"]);
        roff.to_writer(out)?;
        for leaf in leaves {
            command_section(leaf, true, out)?;
        }
    }
    if matches!(command.get_name(), "new" | "init" | "report" | "review") {
        content_format(out)?;
    }
    exit_status(out)?;
    let name = command.get_name();
    let own: Vec<(&str, &str)> = EXAMPLES
        .iter()
        .copied()
        .filter(|(line, _)| line.split_whitespace().nth(1) == Some(name) || mentions(line, name))
        .collect();
    examples(&own, out)?;
    let mut roff = Roff::new();
    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold("frictionlog man"),
        roman(": the whole manual, every command, the content format."),
    ]);
    roff.to_writer(out)
}

/// Whether an example line runs `name` after global flags
/// (`frictionlog --root x serve`).
fn mentions(line: &str, name: &str) -> bool {
    line.split_whitespace()
        .skip(1)
        .find(|word| !word.starts_with('-') && !word.starts_with('"'))
        .is_some_and(|word| word == name)
        && line.contains("--root")
}

/// One command under a `.SS` heading: its synopsis, what it does and its
/// options. The global flags are listed once at the top of the whole
/// manual, and on each command's own page where they apply.
fn command_section(command: &clap::Command, globals: bool, out: &mut Vec<u8>) -> io::Result<()> {
    let mut shown = without_help(command.clone());
    if !globals {
        shown = shown.mut_args(|arg| {
            if arg.is_global_set() {
                arg.hide(true)
            } else {
                arg
            }
        });
    }
    let name = command.get_bin_name().unwrap_or(command.get_name());
    let mut roff = Roff::new();
    roff.control("SS", [name]);
    roff.to_writer(out)?;
    let man = Man::new(shown);
    let mut paragraph = Roff::new();
    paragraph.control("PP", []);
    let paragraph = paragraph.render();
    out.extend(without_headings(|w| man.render_synopsis_section(w))?);
    out.extend(paragraph.as_bytes());
    out.extend(without_headings(|w| man.render_description_section(w))?);
    out.extend(without_headings(|w| man.render_options_section(w))?);
    Ok(())
}

/// `--help` is on every command; listing it everywhere is noise.
fn without_help(command: clap::Command) -> clap::Command {
    command.mut_args(|arg| {
        if arg.get_id() == "help" {
            arg.hide(true)
        } else {
            arg
        }
    })
}

/// A section clap_mangen renders, without its `.SH` heading lines, to go
/// under a `.SS` of its own.
fn without_headings(render: impl Fn(&mut dyn Write) -> io::Result<()>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    render(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let kept: String = text
        .lines()
        .filter(|line| !line.starts_with(".SH"))
        .map(|line| format!("{line}\n"))
        .collect();
    Ok(kept.into_bytes())
}

fn visible_subcommands(command: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
}

/// The commands that run something: `new incident` and `new category`
/// rather than `new`.
fn leaves(command: &clap::Command) -> Vec<&clap::Command> {
    let subs: Vec<&clap::Command> = visible_subcommands(command).collect();
    if subs.is_empty() {
        vec![command]
    } else {
        subs.into_iter().flat_map(leaves).collect()
    }
}

/// `(command line, what it does)`.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "frictionlog init challenges",
        "Start a new site in the folder challenges (new, empty, or a fresh clone).",
    ),
    (
        "frictionlog --root challenges serve",
        "Preview it at http://127.0.0.1:1111/; pages reload as you save.",
    ),
    (
        "frictionlog new incident \"Five files to add a setting\" --category monolith --team Payments",
        "Add an incident, with one anecdote of the team Payments dated today.",
    ),
    (
        "frictionlog new incident \"Flaky staging\" --category environments --section testing --status sad --tag ci --team Search --undated",
        "Add an incident listed under the section testing, marked sad, tagged ci, with an undated anecdote of the team Search.",
    ),
    (
        "frictionlog new incident \"Slow deploys\" --category release --body - < notes.md",
        "Add an incident whose Markdown body is read from standard input.",
    ),
    (
        "frictionlog new category \"Release pipeline\"",
        "Add a category: content/categories/release-pipeline.md.",
    ),
    (
        "frictionlog report five-files-to-add-a-setting --team Search --date 2024-03",
        "The team Search hit that incident too: one more anecdote, one more occurrence; the rest of the file stays as written.",
    ),
    (
        "frictionlog review new",
        "Before a meeting: write content/reviews/TODAY.md listing every category with its incident count and status, votes to fill in.",
    ),
    (
        "frictionlog import csv pains.csv --map \"Pain point=title\" --map Area=category --dry-run",
        "Check a spreadsheet's rows as incidents and list the files an import would write.",
    ),
    (
        "frictionlog import csv incidents.csv --create-categories",
        "Read another site's incidents.csv export back, creating the categories it names.",
    ),
    (
        "frictionlog check --strict --format github",
        "In CI: annotate the pull request with every problem; fail on any error or warning.",
    ),
    (
        "frictionlog check --format json",
        "Every problem as one JSON array on stdout, for scripts.",
    ),
    (
        "frictionlog build --strict --base-url /arch/challenges/",
        "Write the site into output/ for publishing under /arch/challenges/.",
    ),
    (
        "frictionlog build -o public",
        "Write the site into public/ (relative to the current folder) instead.",
    ),
    (
        "frictionlog completions bash > ~/.local/share/bash-completion/completions/frictionlog",
        "Complete commands, flags, category slugs and team names in bash.",
    ),
    (
        "frictionlog man build | man -l -",
        "Read the page of one command.",
    ),
];

fn examples(examples: &[(&str, &str)], out: &mut Vec<u8>) -> io::Result<()> {
    if examples.is_empty() {
        return Ok(());
    }
    let mut roff = Roff::new();
    roff.control("SH", ["EXAMPLES"]);
    for (line, what) in examples {
        roff.control("TP", []);
        roff.text([bold(*line)]);
        roff.text([roman(*what)]);
    }
    roff.to_writer(out)
}

fn exit_status(out: &mut Vec<u8>) -> io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in [
        (
            "0",
            "Success. Warnings are allowed unless --strict is given.",
        ),
        (
            "1",
            "Content, theme or I/O errors; each is printed with its file, line and column. A failed build leaves the output folder as it was; a failed new, init, report, review new or import writes nothing.",
        ),
        ("2", "Usage errors: an unknown flag or a bad flag value."),
    ] {
        roff.control("TP", []);
        roff.text([bold(code)]);
        roff.text([roman(meaning)]);
    }
    roff.to_writer(out)
}

fn environment(out: &mut Vec<u8>) -> io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []);
    roff.text([bold("NO_COLOR")]);
    roff.text([roman(
        "When set, --color auto prints no colour even on a terminal.",
    )]);
    roff.control("TP", []);
    roff.text([bold(super::complete::COMPLETE_VAR)]);
    roff.text([roman(
        "Set by the scripts of frictionlog completions to ask for candidates; not for use by hand.",
    )]);
    roff.to_writer(out)
}

fn content_format(out: &mut Vec<u8>) -> io::Result<()> {
    let mut roff = Roff::new();
    roff.control("SH", ["CONTENT FORMAT"]);
    roff.text([roman(
        "A site is a folder holding content/. Every content file starts with a YAML frontmatter block between two --- lines, followed by a Markdown body. A file's slug is its name without .md: lower-case letters, digits and -. Dates are YYYY, YYYY-MM or YYYY-MM-DD, and keep their precision. A key frictionlog does not know is an error.",
    )]);
    for (path, what) in [
        (
            "content/site.yaml",
            "The settings (plain YAML): title (required), description, base_url, theme, rank_by, incident_statuses, category_statuses, sections, markdown.raw_html, feed_limit, feed, incidents, repository.",
        ),
        (
            "content/categories/SLUG.md",
            "One per category: title (required), summary, notes, efforts (a list of {owner, items}), links.",
        ),
        (
            "content/incidents/**/SLUG.md",
            "One per pain incident (sub-folders allowed): title and category (required), section, status, resolution, anecdotes (a list of {team, date, text}, one occurrence each), links, occurrences, tags, draft.",
        ),
        (
            "content/reviews/YYYY-MM-DD.md",
            "One per prioritisation meeting: date (required, equal to the file name) and categories, mapping category slugs to {votes, status, recorded}. frictionlog review new writes one, ready to fill in.",
        ),
        (
            "themes/NAME/",
            "Optional: a theme's templates and static files; the default theme is built in.",
        ),
    ] {
        roff.control("TP", []);
        roff.text([italic(path)]);
        roff.text([roman(what)]);
    }
    roff.control("PP", []);
    roff.text([roman("An incident:")]);
    roff.control("PP", []);
    roff.control("nf", []);
    for line in [
        "---",
        "title: Requires updating many Django files",
        "category: monolith",
        "status: [sad, tick]",
        "anecdotes:",
        "  - team: Payments",
        "    date: 2017-11",
        "    text: Needed to update settings, urls and installed_apps.",
        "---",
        "Longer description in Markdown.",
    ] {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.to_writer(out)
}
