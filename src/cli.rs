//! The command line: flags in, a report out, an exit code back.
//!
//! Exit codes: 0 success (warnings allowed unless `--strict`), 1 content,
//! theme or I/O errors, 2 usage errors. Diagnostics and the summary go to
//! stderr; `check --format json|github` writes its report to stdout so it can
//! be piped. A closed stdout is not a crash.
//!
//! Commands that produce something for scripts (`new`'s path, completion
//! scripts, the man page) print it on stdout, even with `-q`.
//!
//! This file holds the flags and runners of `build`, `check`, `serve`,
//! `completions` and `man`, and what every command shares; `authoring` has
//! those of `init`, `new`, `report` and `review new`, `import` those of
//! `import csv`.

mod authoring;
mod complete;
mod import;
mod man;

use std::ffi::OsString;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::builder::{PossibleValuesParser, StyledStr};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::Shell;

use crate::diagnostic::{
    Diagnostic, FormatKind, path_prefix, plural, render_github, render_human, render_json,
    with_path_prefix,
};
use crate::model::BaseUrl;
use crate::output::{Staging, resolve_path};
use crate::render::DiscardSink;
use crate::{BuildOptions, BuildOutcome, build_site};

/// Turns a folder of Markdown incident reports into an architecture
/// challenges site: a ranked tally of where architecture hurts, with pages
/// per category, incident, team and review, a feed and a data export.
#[derive(Debug, Parser)]
#[command(name = "frictionlog", version, about, max_term_width = 100)]
pub struct Cli {
    /// The site's root folder: the one holding content/.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = ".",
        value_hint = ValueHint::DirPath
    )]
    pub root: PathBuf,
    /// Print more: each phase of a build or check and its time, what each
    /// rebuild of serve did.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print errors only.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to colour the output.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorKind,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorKind {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into <root>/output (or -o DIR), replacing it atomically.
    Build(BuildArgs),
    /// Check content, settings and templates without writing anything.
    Check(CheckArgs),
    /// Preview the site locally: rebuilds on every save and reloads open tabs.
    Serve(ServeArgs),
    /// Start a new site (settings, two categories, one incident) in a new or
    /// empty folder, or a fresh clone.
    Init(authoring::InitArgs),
    /// Add an incident or a category: writes a valid file named after its
    /// title and prints its path.
    #[command(subcommand)]
    New(authoring::NewCommand),
    /// Add a team's report ("we hit this too") to an existing incident:
    /// appends one anecdote, one more occurrence.
    ///
    /// The incident file is edited in place: comments, key order and
    /// quoting stay as written, and the anecdote goes at the end of its
    /// `anecdotes` list (made if the file has none). The result is checked
    /// as `frictionlog check` would; if it would not pass, or the list is
    /// written in a form that cannot be edited safely, nothing changes.
    /// Prints the file's path.
    #[command(after_help = "Examples:\n  \
        frictionlog report five-files-to-add-a-setting --team Payments\n  \
        frictionlog report flaky-staging --team \"Search\" --date 2024-03 --text \"Lost a day to it\"\n  \
        frictionlog report flaky-staging --team Search --undated")]
    Report(authoring::ReportArgs),
    /// Prepare a prioritisation meeting: `review new` writes its review file.
    #[command(subcommand)]
    Review(authoring::ReviewCommand),
    /// Add incidents from another format: `import csv FILE` makes one per
    /// row of a CSV file.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Print a shell completion script on stdout.
    ///
    /// At each press of Tab the script runs frictionlog (found on PATH) for the
    /// candidates: commands, flags, and the category slugs and team names
    /// of the site under --root.
    #[command(after_help = "Examples (then open a new shell):\n  \
        frictionlog completions bash > ~/.local/share/bash-completion/completions/frictionlog\n  \
        frictionlog completions fish > ~/.config/fish/completions/frictionlog.fish\n  \
        echo 'source <(frictionlog completions zsh)' >> ~/.zshrc\n  \
        echo 'eval (frictionlog completions elvish | slurp)' >> ~/.config/elvish/rc.elv\n  \
        frictionlog completions powershell | Out-String | Invoke-Expression   # in $PROFILE")]
    Completions(CompletionsArgs),
    /// Print the manual (roff) on stdout: `frictionlog man | man -l -`.
    ///
    /// With a command's name, print that command's page instead:
    /// `frictionlog man build | man -l -`.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print only this command's page (every option, exit codes, examples).
    #[arg(value_name = "COMMAND", value_parser = PossibleValuesParser::new(man::PAGES))]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on (loopback unless you ask otherwise).
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1",
        value_hint = ValueHint::Other
    )]
    pub bind: std::net::IpAddr,
    /// The port to listen on; 0 picks any free port.
    #[arg(long, value_name = "N", default_value_t = 1111)]
    pub port: u16,
    /// Include incidents marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser once it is ready.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site (default: <root>/output).
    #[arg(short, long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub output: Option<PathBuf>,
    /// Publish under this URL: "/", a path like "/arch/challenges/", or an absolute URL.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Replace the output folder even if frictionlog did not create it.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How to print problems: human (rustc-style), json (one array on stdout)
    /// or github (workflow commands that annotate pull requests).
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    pub format: FormatKind,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Include incidents marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

/// Where messages go and how they look.
struct Reporter {
    verbose: bool,
    quiet: bool,
    color: bool,
    /// Put before a diagnostic's root-relative path so it reads from the
    /// current directory, as rustc and cargo print paths (`site/` for
    /// `--root site`): editors and CI annotations find the file.
    path_prefix: String,
}

impl Reporter {
    fn new(cli: &Cli) -> Reporter {
        let color = match cli.color {
            ColorKind::Always => true,
            ColorKind::Never => false,
            ColorKind::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        let cwd = std::env::current_dir().ok();
        let mut prefix = path_prefix(&cli.root, cwd.as_deref());
        // An absolute root reached through a symbolic link still reads
        // from the current directory.
        if prefix.starts_with('/')
            && let Ok(real) = cli.root.canonicalize()
        {
            let real_prefix = path_prefix(&real, cwd.as_deref());
            if !real_prefix.starts_with('/') {
                prefix = real_prefix;
            }
        }
        Reporter {
            verbose: cli.verbose,
            quiet: cli.quiet,
            color,
            path_prefix: prefix,
        }
    }

    fn line(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr(), "{text}");
        }
    }

    /// A warning that is not about the content: printed unless `-q`, and
    /// not counted by `--strict`.
    fn notice(&self, text: &str) {
        if self.quiet {
            return;
        }
        let prefix = if self.color {
            "\x1b[1;33mwarning\x1b[0m"
        } else {
            "warning"
        };
        let _ = writeln!(io::stderr(), "{prefix}: {text}");
    }

    fn error(&self, text: &str) {
        let prefix = if self.color {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let _ = writeln!(io::stderr(), "{prefix}: {text}");
    }

    fn diagnostics(&self, diagnostics: &[Diagnostic], format: FormatKind) {
        let diagnostics = with_path_prefix(diagnostics, &self.path_prefix);
        let diagnostics = diagnostics.as_ref();
        match format {
            FormatKind::Human => {
                let mut stderr = io::stderr().lock();
                for diagnostic in diagnostics {
                    if self.quiet && !diagnostic.is_error() {
                        continue;
                    }
                    let _ = writeln!(stderr, "{}\n", render_human(diagnostic, self.color));
                }
            }
            FormatKind::Json => {
                let _ = writeln!(io::stdout(), "{}", render_json(diagnostics));
            }
            FormatKind::Github => {
                let mut stdout = io::stdout().lock();
                for diagnostic in diagnostics {
                    let _ = writeln!(stdout, "{}", render_github(diagnostic));
                }
            }
        }
    }

    fn phases(&self, outcome: &BuildOutcome) {
        if !self.verbose {
            return;
        }
        for phase in &outcome.phases {
            self.line(&format!(
                "  {:<9} {:>8.1} ms  {}",
                phase.name,
                phase.duration.as_secs_f64() * 1000.0,
                phase.detail
            ));
        }
    }
}

/// The global flags' help, per command: `None` hides the flag where it
/// does nothing (`man`, `completions`; `-v` and `-q` on `new`), so each
/// command's `--help` lists only what applies to it.
fn global_flag_help(command: &str, flag: &str) -> Option<Option<&'static str>> {
    let help = match (command, flag) {
        ("man" | "completions", _) => None,
        ("build", "verbose") => Some("Print each phase of the build and how long it took"),
        ("check", "verbose") => Some("Print each phase of the check and how long it took"),
        ("serve", "verbose") => Some("Print what each rebuild did and how long each stage took"),
        ("init", "verbose") => None,
        ("init", "quiet") => Some("Print errors only, not the line saying what was created"),
        ("init", "root") => Some("The folder to create the site in when DIR is not given"),
        ("new" | "incident" | "category" | "review", "verbose" | "quiet") => None,
        ("report", "verbose") => None,
        ("report", "quiet") => Some("Print errors only, not warnings or waits for another report"),
        ("new" | "incident" | "category" | "report" | "review", "root") => {
            Some("The site to add to: the folder holding content/")
        }
        ("import" | "csv", "verbose") => None,
        ("import" | "csv", "root") => Some("The site to import into: the folder holding content/"),
        _ => return None,
    };
    Some(help)
}

/// Rewords or hides the global flags of `command` and its subcommands.
fn adjust_global_flags(command: clap::Command) -> clap::Command {
    let name = command.get_name().to_owned();
    command
        .mut_args(|arg| {
            if !arg.is_global_set() {
                return arg;
            }
            match global_flag_help(&name, arg.get_id().as_str()) {
                Some(Some(help)) => arg.help(help),
                Some(None) => arg.hide(true),
                None => arg,
            }
        })
        .mut_subcommands(adjust_global_flags)
}

/// The command line as clap sees it: [`Cli`], built, with each command's
/// help for the global flags. Parsing, `--help`, the man page and
/// completion all use this one.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    // Building copies the global flags into every subcommand, where
    // their help can then be made to fit.
    command.build();
    command.mut_subcommands(adjust_global_flags)
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    match complete::complete_if_asked(&args) {
        Ok(false) => {}
        Ok(true) => return ExitCode::SUCCESS,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(2);
        }
    }
    let mut command = command();
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let error = explain_misplaced_flag(error.format(&mut command), &command, &args);
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    run_cli(&cli)
}

/// An unknown flag that another command has (`build --format github`)
/// gets clap's nearest spelling as a tip (`--force`), which is wrong and
/// risky. Say which command has the flag instead.
fn explain_misplaced_flag(
    mut error: clap::Error,
    command: &clap::Command,
    args: &[OsString],
) -> clap::Error {
    if error.kind() != ErrorKind::UnknownArgument {
        return error;
    }
    let Some(ContextValue::String(invalid)) = error.get(ContextKind::InvalidArg) else {
        return error;
    };
    let Some(long) = invalid.strip_prefix("--") else {
        return error;
    };
    let flag = format!("--{}", long.split('=').next().unwrap_or(long));
    let long = flag.trim_start_matches('-').to_owned();
    // The command the flag was given to: the words naming subcommands.
    let mut path: Vec<String> = Vec::new();
    let mut current: &clap::Command = command;
    for arg in args.iter().skip(1) {
        let Some(word) = arg.to_str() else { continue };
        if let Some(sub) = current.find_subcommand(word) {
            path.push(sub.get_name().to_owned());
            current = sub;
        }
    }
    let used = format!("frictionlog {}", path.join(" "));
    let usage = current.clone().render_usage();
    let mut owners: Vec<String> = Vec::new();
    collect_flag_owners(command, &long, "frictionlog", &mut owners);
    owners.retain(|owner| *owner != used);
    if owners.is_empty() || path.is_empty() {
        return error;
    }
    let owners = owners
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(" and ");
    let mut tips = vec![StyledStr::from(format!(
        "'{flag}' is an option of {owners}, not of `{used}`"
    ))];
    if flag == "--format" && path.first().is_some_and(|p| p == "build") {
        tips.push(StyledStr::from(
            "for annotations in CI, run `frictionlog check --strict --format github`, then `frictionlog build --strict`",
        ));
    }
    error.remove(ContextKind::SuggestedArg);
    error.insert(ContextKind::Suggested, ContextValue::StyledStrs(tips));
    error.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
    error
}

/// The commands (`frictionlog check`) that take `--<long>`, global flags
/// aside.
fn collect_flag_owners(command: &clap::Command, long: &str, name: &str, owners: &mut Vec<String>) {
    for sub in command.get_subcommands() {
        let sub_name = format!("{name} {}", sub.get_name());
        if sub
            .get_arguments()
            .any(|arg| !arg.is_global_set() && arg.get_long() == Some(long))
        {
            owners.push(sub_name.clone());
        }
        collect_flag_owners(sub, long, &sub_name, owners);
    }
}

/// Runs a parsed command line.
pub fn run_cli(cli: &Cli) -> ExitCode {
    let reporter = Reporter::new(cli);
    match &cli.command {
        Command::Build(args) => run_build(cli, args, &reporter),
        Command::Check(args) => run_check(cli, args, &reporter),
        Command::Serve(args) => run_serve(cli, args, &reporter),
        Command::Init(args) => authoring::run_init(cli, args, &reporter),
        Command::New(command) => authoring::run_new(cli, command, &reporter),
        Command::Report(args) => authoring::run_report(cli, args, &reporter),
        Command::Review(authoring::ReviewCommand::New(args)) => {
            authoring::run_review_new(cli, args, &reporter)
        }
        Command::Import(command) => import::run_import(cli, command, &reporter),
        Command::Completions(args) => run_completions(args.shell, &reporter),
        Command::Man(args) => run_man(args.command.as_deref(), &reporter),
    }
}

/// Writes `bytes` to stdout; a closed pipe is the reader's choice, not an error.
fn print_bytes(bytes: &[u8], reporter: &Reporter) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            reporter.error(&format!("cannot write to stdout: {error}"));
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn run_completions(shell: Shell, reporter: &Reporter) -> ExitCode {
    match complete::registration(shell) {
        Ok(script) => print_bytes(&script, reporter),
        Err(error) => {
            reporter.error(&format!("cannot write the completion script: {error}"));
            ExitCode::from(1)
        }
    }
}

fn run_man(page: Option<&str>, reporter: &Reporter) -> ExitCode {
    match man::render_page(&command(), page) {
        Ok(page) => print_bytes(&page, reporter),
        Err(error) => {
            reporter.error(&format!("cannot render the man page: {error}"));
            ExitCode::from(1)
        }
    }
}

fn run_serve(cli: &Cli, args: &ServeArgs, reporter: &Reporter) -> ExitCode {
    let options = crate::serve::ServeOptions {
        root: cli.root.clone(),
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        open: args.open,
        color: reporter.color,
        quiet: reporter.quiet,
        verbose: reporter.verbose,
        path_prefix: reporter.path_prefix.clone(),
    };
    match crate::serve::run_serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            reporter.error(&error.to_string());
            ExitCode::from(1)
        }
    }
}

fn failed(outcome: &BuildOutcome, strict: bool) -> bool {
    outcome.error_count() > 0 || (strict && outcome.warning_count() > 0)
}

fn problem_summary(outcome: &BuildOutcome) -> String {
    let warnings = plural(outcome.warning_count(), "warning", "warnings");
    match (outcome.error_count(), outcome.warning_count()) {
        (0, _) => format!("{warnings} (--strict treats warnings as errors)"),
        (errors, 0) => plural(errors, "error", "errors"),
        (errors, _) => format!("{}, {warnings}", plural(errors, "error", "errors")),
    }
}

fn millis(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

fn run_check(cli: &Cli, args: &CheckArgs, reporter: &Reporter) -> ExitCode {
    let start = Instant::now();
    let options = BuildOptions {
        root: cli.root.clone(),
        drafts: args.common.drafts,
        base_url: None,
    };
    let outcome = build_site(&options, &DiscardSink);
    reporter.diagnostics(&outcome.diagnostics, args.format);
    reporter.phases(&outcome);
    if failed(&outcome, args.common.strict) {
        if args.format == FormatKind::Human {
            reporter.error(&format!("check failed: {}", problem_summary(&outcome)));
        }
        return ExitCode::from(1);
    }
    if args.format == FormatKind::Human
        && let Some(built) = &outcome.built
    {
        reporter.line(&format!(
            "checked {} in {} in {} ms: no errors{}",
            plural(built.site.incidents.len(), "incident", "incidents"),
            plural(built.site.categories.len(), "category", "categories"),
            millis(start),
            if outcome.warning_count() > 0 {
                format!(
                    ", {}",
                    plural(outcome.warning_count(), "warning", "warnings")
                )
            } else {
                String::new()
            }
        ));
    }
    ExitCode::SUCCESS
}

fn run_build(cli: &Cli, args: &BuildArgs, reporter: &Reporter) -> ExitCode {
    let start = Instant::now();
    let base_url = match args
        .base_url
        .as_deref()
        .map(|text| (text, BaseUrl::parse(text)))
    {
        None => None,
        Some((_, Some(base_url))) => Some(base_url),
        Some((text, None)) => {
            reporter.error(&format!(
                "invalid --base-url \"{text}\": expected \"/\", a path like \"/arch/challenges/\" or an absolute URL like \"https://docs.example.com/arch/\" (pages link relatively: the built folder opens from disk and works under any path without one)"
            ));
            return ExitCode::from(2);
        }
    };
    let options = BuildOptions {
        root: cli.root.clone(),
        drafts: args.common.drafts,
        base_url,
    };
    let (root, target) = match resolve_targets(&cli.root, args.output.as_deref()) {
        Ok(paths) => paths,
        Err(message) => {
            reporter.error(&message);
            return ExitCode::from(1);
        }
    };
    let shown = match &args.output {
        Some(dir) => dir.display().to_string(),
        None => display_default_output(&cli.root),
    };
    let slash = if shown.ends_with('/') { "" } else { "/" };
    // As cargo says "Blocking waiting for file lock on build directory".
    let on_wait = |pid: Option<u32>| {
        let owner = pid.map(|pid| format!(" (pid {pid})")).unwrap_or_default();
        reporter.line(&format!(
            "waiting for another build of {shown}{slash}{owner}"
        ));
    };
    // Refuse a bad target before spending time on the build; pages are
    // written into a staging folder beside it as they are rendered.
    let staging = match Staging::create(&root, &target, args.force, &on_wait) {
        Ok(staging) => staging,
        Err(error) => {
            reporter.error(&error.to_string());
            return ExitCode::from(1);
        }
    };
    let outcome = build_site(&options, &staging);
    reporter.diagnostics(&outcome.diagnostics, FormatKind::Human);
    reporter.phases(&outcome);
    let built = match &outcome.built {
        Some(built) if !failed(&outcome, args.common.strict) => built,
        _ => {
            drop(staging);
            reporter.error(&format!(
                "build failed: {}; the output folder was left as it was",
                problem_summary(&outcome)
            ));
            return ExitCode::from(1);
        }
    };
    let publish_start = Instant::now();
    match staging.commit() {
        Ok(report) => {
            if reporter.verbose {
                reporter.line(&format!(
                    "  {:<9} {:>8.1} ms  {} files, {} bytes into {}",
                    "publish",
                    publish_start.elapsed().as_secs_f64() * 1000.0,
                    report.files,
                    report.bytes,
                    target.display()
                ));
            }
            let base_url = &built.site.config.base_url;
            if !base_url.has_sitemap() {
                reporter.notice(&format!(
                    "no sitemap.xml: a sitemap needs absolute URLs, and base_url is \"{}\"; set base_url to the published address (https://…) to get one",
                    base_url.full
                ));
            }
            reporter.line(&format!(
                "built {} in {} into {shown}{slash} in {} ms",
                plural(built.site.incidents.len(), "incident", "incidents"),
                plural(built.site.categories.len(), "category", "categories"),
                millis(start)
            ));
            // The process ends here: freeing every incident one by one
            // would only add to the build's time.
            std::mem::forget(outcome);
            ExitCode::SUCCESS
        }
        Err(error) => {
            reporter.error(&format!("{error}; the output folder was left as it was"));
            ExitCode::from(1)
        }
    }
}

fn display_default_output(root: &Path) -> String {
    if root == Path::new(".") {
        "output/".to_owned()
    } else {
        format!("{}/", root.join("output").display())
    }
}

/// The resolved site root and output folder (`-o` is relative to the
/// current directory, like every path on the command line).
fn resolve_targets(root: &Path, output: Option<&Path>) -> Result<(PathBuf, PathBuf), String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot open the site root \"{}\": {e}", root.display()))?;
    let target = match output {
        Some(dir) => {
            resolve_path(dir).map_err(|e| format!("cannot resolve \"{}\": {e}", dir.display()))?
        }
        None => root.join("output"),
    };
    let target = resolve_path(&target)
        .map_err(|e| format!("cannot resolve \"{}\": {e}", target.display()))?;
    Ok((root, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_listens_on_loopback_port_1111_unless_told_otherwise() {
        let cli = Cli::try_parse_from(["frictionlog", "serve"]).unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve: {cli:?}");
        };
        assert_eq!(args.bind, std::net::IpAddr::from([127, 0, 0, 1]));
        assert_eq!(args.port, 1111);
        assert!(!args.open);
        let cli = Cli::try_parse_from([
            "frictionlog",
            "serve",
            "--bind",
            "0.0.0.0",
            "--port",
            "0",
            "--open",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve: {cli:?}");
        };
        assert_eq!(args.bind, std::net::IpAddr::from([0, 0, 0, 0]));
        assert_eq!(args.port, 0);
        assert!(args.open);
    }
}
