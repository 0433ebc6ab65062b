//! Content diagnostics: what is wrong with the user's files, and where.
//!
//! Every stage that reads user input reports problems as [`Diagnostic`]s and
//! keeps going, so one run shows every error at once. A diagnostic carries the
//! line of source it points at, captured when it is made, so rendering needs no
//! access to the files. Three renderings: rustc-style text for people, a JSON
//! array for scripts, and GitHub Actions workflow commands for CI annotations.

use std::borrow::Cow;
use std::fmt;
use std::path::{Component, Path};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is: errors fail the run, warnings only with `--strict`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The diagnostic codes (docs/format.md, "Diagnostics").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeKind {
    YamlSyntax,
    MissingFrontmatter,
    MissingField,
    InvalidValue,
    UnknownField,
    UnknownCategory,
    UnknownStatus,
    UnknownSection,
    InvalidDate,
    InvalidSlug,
    DuplicateSlug,
    NotUtf8,
    BrokenLink,
    TemplateError,
    IoError,
}

impl CodeKind {
    /// Every code, in the order docs/format.md lists them.
    pub const ALL: [CodeKind; 15] = [
        CodeKind::YamlSyntax,
        CodeKind::MissingFrontmatter,
        CodeKind::MissingField,
        CodeKind::InvalidValue,
        CodeKind::UnknownField,
        CodeKind::UnknownCategory,
        CodeKind::UnknownStatus,
        CodeKind::UnknownSection,
        CodeKind::InvalidDate,
        CodeKind::InvalidSlug,
        CodeKind::DuplicateSlug,
        CodeKind::NotUtf8,
        CodeKind::BrokenLink,
        CodeKind::TemplateError,
        CodeKind::IoError,
    ];

    /// The code as users see and grep it: `unknown-category`.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::YamlSyntax => "yaml-syntax",
            CodeKind::MissingFrontmatter => "missing-frontmatter",
            CodeKind::MissingField => "missing-field",
            CodeKind::InvalidValue => "invalid-value",
            CodeKind::UnknownField => "unknown-field",
            CodeKind::UnknownCategory => "unknown-category",
            CodeKind::UnknownStatus => "unknown-status",
            CodeKind::UnknownSection => "unknown-section",
            CodeKind::InvalidDate => "invalid-date",
            CodeKind::InvalidSlug => "invalid-slug",
            CodeKind::DuplicateSlug => "duplicate-slug",
            CodeKind::NotUtf8 => "not-utf8",
            CodeKind::BrokenLink => "broken-link",
            CodeKind::TemplateError => "template-error",
            CodeKind::IoError => "io-error",
        }
    }
}

impl fmt::Display for CodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CodeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A position in a file as written: 1-based line, 1-based column counted in
/// characters, and the length of the marked text in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

impl Pos {
    /// The start of a file: where errors with no natural place point.
    pub const START: Pos = Pos {
        line: 1,
        column: 1,
        len: 0,
    };

    pub fn new(line: u32, column: u32, len: u32) -> Pos {
        Pos { line, column, len }
    }
}

/// The source line a diagnostic points at, kept for the rustc-style snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    pub text: String,
    /// Whether the snippet shows the tabs of the line's indentation as
    /// `→` (a snippet otherwise shows a tab as spaces).
    pub marks_tabs: bool,
}

/// One problem found in the user's site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: CodeKind,
    pub message: String,
    /// Path relative to the site root, with `/` separators; `None` when the
    /// problem is about no file in particular. What users see reads from
    /// the current directory instead ([`with_path_prefix`]).
    pub file: Option<String>,
    pub pos: Option<Pos>,
    pub source_line: Option<SourceLine>,
}

impl Diagnostic {
    /// An error about no file in particular.
    pub fn global(code: CodeKind, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: None,
            pos: None,
            source_line: None,
        }
    }

    /// An error about a file, at a position, with the pointed-at line taken
    /// from `text` (the whole file as written).
    pub fn at(
        code: CodeKind,
        message: impl Into<String>,
        file: &str,
        text: &str,
        pos: Pos,
    ) -> Diagnostic {
        let source_line = nth_line(text, pos.line).map(|line| SourceLine {
            text: line.to_owned(),
            marks_tabs: false,
        });
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: Some(file.to_owned()),
            pos: Some(pos),
            source_line,
        }
    }

    /// An error about a file whose text is not available (unreadable, not UTF-8).
    pub fn in_file(code: CodeKind, message: impl Into<String>, file: &str, pos: Pos) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: Some(file.to_owned()),
            pos: Some(pos),
            source_line: None,
        }
    }

    /// The same diagnostic, its snippet showing the tabs that indent the
    /// line as `→`: for errors about those tabs, which a snippet would
    /// otherwise show as spaces.
    pub fn marking_tabs(mut self) -> Diagnostic {
        if let Some(source) = &mut self.source_line {
            source.marks_tabs = true;
        }
        self
    }

    pub fn warning(mut self) -> Diagnostic {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order reports are printed in: by file (global ones first), then
    /// position, then code, so output is stable whatever order stages ran in.
    fn sort_key(&self) -> (Option<&str>, Option<Pos>, CodeKind, &str) {
        (self.file.as_deref(), self.pos, self.code, &self.message)
    }
}

/// Sorts diagnostics into a stable, reader-friendly order.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Returns line `line` (1-based) of `text` without its line ending.
pub fn nth_line(text: &str, line: u32) -> Option<&str> {
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    // A byte-order mark is not part of what the user sees on line 1.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split('\n')
        .nth(index)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// The byte index of 1-based character column `column` in `line`, clamped.
fn byte_index_of_column(line: &str, column: u32) -> usize {
    let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
    line.char_indices()
        .nth(skip)
        .map_or(line.len(), |(index, _)| index)
}

/// What to put before a root-relative path so that it reads from the
/// current directory, as rustc and cargo print paths: `--root site` gives
/// `site/`, a root that is the current directory gives nothing, and an
/// absolute root outside the current directory stays absolute. `cwd` is
/// the current directory, `None` when it cannot be told.
pub fn path_prefix(root: &Path, cwd: Option<&Path>) -> String {
    let shown = if root.is_absolute() {
        match cwd.and_then(|cwd| root.strip_prefix(cwd).ok()) {
            Some(inside) => inside,
            None => root,
        }
    } else {
        root
    };
    let mut prefix = String::new();
    for component in shown.components() {
        match component {
            Component::CurDir => {}
            Component::RootDir => prefix.push('/'),
            Component::Prefix(prefix_part) => {
                prefix.push_str(&prefix_part.as_os_str().to_string_lossy());
            }
            Component::ParentDir => prefix.push_str("../"),
            Component::Normal(name) => {
                prefix.push_str(&name.to_string_lossy());
                prefix.push('/');
            }
        }
    }
    prefix
}

/// `diagnostics` with every file path read from the current directory
/// (`prefix` from [`path_prefix`]); borrowed when there is nothing to add.
pub fn with_path_prefix<'a>(diagnostics: &'a [Diagnostic], prefix: &str) -> Cow<'a, [Diagnostic]> {
    if prefix.is_empty() {
        return Cow::Borrowed(diagnostics);
    }
    Cow::Owned(
        diagnostics
            .iter()
            .map(|d| {
                let mut d = d.clone();
                if let Some(file) = &mut d.file {
                    file.insert_str(0, prefix);
                }
                d
            })
            .collect(),
    )
}

/// The output formats of `check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FormatKind {
    #[default]
    Human,
    Json,
    Github,
}

/// Renders one diagnostic rustc-style, with the source line and a caret.
pub fn render_human(diagnostic: &Diagnostic, color: bool) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let title = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.as_str());
    let report = match (&diagnostic.source_line, diagnostic.pos, &diagnostic.file) {
        (Some(source), Some(pos), Some(file)) => {
            let start = byte_index_of_column(&source.text, pos.column);
            let wanted = usize::try_from(pos.len.max(1)).unwrap_or(1);
            let mut end = (start + wanted).min(source.text.len());
            while end < source.text.len() && !source.text.is_char_boundary(end) {
                end += 1;
            }
            let (shown, start, end) = if source.marks_tabs {
                mark_indent_tabs(&source.text, start, end)
            } else {
                (Cow::Borrowed(source.text.as_str()), start, end)
            };
            let snippet = Snippet::source(shown.as_ref())
                .line_start(usize::try_from(pos.line).unwrap_or(1))
                .path(file.as_str())
                .annotation(AnnotationKind::Primary.span(start..end));
            renderer.render(&[title.element(snippet)])
        }
        (None, Some(pos), Some(file)) => {
            let title = renderer.render(&[Group::with_title(title)]);
            return format!("{title}\n  --> {file}:{}:{}", pos.line, pos.column);
        }
        (_, None, Some(file)) => {
            let title = renderer.render(&[Group::with_title(title)]);
            return format!("{title}\n  --> {file}");
        }
        _ => renderer.render(&[Group::with_title(title)]),
    };
    // docs/format.md draws the gutter one column wider than annotate-snippets does
    // (` 3 | ...` under `  --> ...`): indent everything below the title.
    let mut lines = report.lines();
    let mut text = lines.next().unwrap_or_default().to_owned();
    for line in lines {
        text.push('\n');
        if !line.is_empty() {
            text.push(' ');
        }
        text.push_str(line);
    }
    text
}

/// What a tab in the indentation looks like in a snippet.
const TAB_MARK: char = '→';

/// `line` with the tabs among its leading blanks shown as [`TAB_MARK`],
/// and the byte range `start..end` moved to match.
fn mark_indent_tabs(line: &str, start: usize, end: usize) -> (Cow<'_, str>, usize, usize) {
    let blanks = line.len() - line.trim_start_matches([' ', '\t']).len();
    let (indent, rest) = line.split_at(blanks);
    let grown = TAB_MARK.len_utf8() - 1;
    let moved = |at: usize| {
        at + grown
            * indent
                .get(..at.min(blanks))
                .map_or(0, |i| i.matches('\t').count())
    };
    let shown = format!(
        "{}{rest}",
        indent.replace('\t', TAB_MARK.encode_utf8(&mut [0; 4]))
    );
    (Cow::Owned(shown), moved(start), moved(end))
}

/// The JSON shape of a diagnostic (docs/format.md, "Diagnostics").
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    code: CodeKind,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
}

/// Renders diagnostics as one JSON array.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity,
            code: d.code,
            message: &d.message,
            file: d.file.as_deref(),
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.column),
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned())
}

/// Renders one diagnostic as a GitHub Actions workflow command.
pub fn render_github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = Vec::new();
    if let Some(file) = &diagnostic.file {
        properties.push(format!("file={}", escape_github_property(file)));
    }
    if let Some(pos) = diagnostic.pos {
        properties.push(format!("line={}", pos.line));
        properties.push(format!("col={}", pos.column));
    }
    properties.push(format!("title={}", diagnostic.code));
    format!(
        "::{command} {}::{}",
        properties.join(","),
        escape_github_data(&diagnostic.message)
    )
}

fn escape_github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_github_property(text: &str) -> String {
    escape_github_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// The closest of `candidates` to `wanted`, if one is close enough to be a
/// plausible typo.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(wanted, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// `n` and the word for that many: "1 error", "2 errors".
pub fn plural<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    let word = if n == N::from(1) { one } else { many };
    format!("{n} {word}")
}

/// ` (did you mean "x"?)`, or nothing when no candidate is close.
pub fn hint<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(wanted, candidates)
        .map(|c| format!(" (did you mean \"{c}\"?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_rendering_matches_the_spec_example() {
        let text = "---\ntitle: Settings\ncategory: monolit\n---\n";
        let mut diagnostic = Diagnostic::at(
            CodeKind::UnknownCategory,
            "unknown category \"monolit\" (did you mean \"monolith\"?)",
            "content/incidents/django-settings.md",
            text,
            Pos::new(3, 11, 7),
        );
        diagnostic.severity = Severity::Error;
        let expected = "\
error[unknown-category]: unknown category \"monolit\" (did you mean \"monolith\"?)
  --> content/incidents/django-settings.md:3:11
   |
 3 | category: monolit
   |           ^^^^^^^";
        assert_eq!(render_human(&diagnostic, false), expected);
    }

    #[test]
    fn tabs_in_the_indentation_are_shown_when_the_error_is_about_them() {
        let text = "---\na:\n\t\tb: c\n---\n";
        let diagnostic = Diagnostic::at(
            CodeKind::YamlSyntax,
            "tabs",
            "content/incidents/x.md",
            text,
            Pos::new(3, 1, 2),
        );
        let expected = "\
error[yaml-syntax]: tabs
  --> content/incidents/x.md:3:1
   |
 3 | {indent}b: c
   | {marks}";
        // Unmarked, the snippet shows each tab as spaces.
        assert_eq!(
            render_human(&diagnostic, false),
            expected
                .replace("{indent}", "        ")
                .replace("{marks}", "^^^^^^^^")
        );
        assert_eq!(
            render_human(&diagnostic.marking_tabs(), false),
            expected.replace("{indent}", "→→").replace("{marks}", "^^")
        );
    }

    #[test]
    fn github_format_escapes_newlines_and_commas() {
        let d = Diagnostic::in_file(
            CodeKind::InvalidValue,
            "bad\nvalue",
            "content/a,b.md",
            Pos::new(2, 3, 1),
        );
        assert_eq!(
            render_github(&d),
            "::error file=content/a%2Cb.md,line=2,col=3,title=invalid-value::bad%0Avalue"
        );
    }

    #[test]
    fn paths_read_from_the_current_directory() {
        let cwd = Some(Path::new("/work/repo"));
        assert_eq!(path_prefix(Path::new("."), cwd), "");
        assert_eq!(path_prefix(Path::new("site"), cwd), "site/");
        assert_eq!(path_prefix(Path::new("./docs/site/"), cwd), "docs/site/");
        assert_eq!(path_prefix(Path::new("../other"), cwd), "../other/");
        assert_eq!(path_prefix(Path::new("/work/repo"), cwd), "");
        assert_eq!(path_prefix(Path::new("/work/repo/site"), cwd), "site/");
        assert_eq!(
            path_prefix(Path::new("/elsewhere/site"), cwd),
            "/elsewhere/site/"
        );
        assert_eq!(path_prefix(Path::new("/elsewhere"), None), "/elsewhere/");
        let found = [Diagnostic::in_file(
            CodeKind::IoError,
            "x",
            "content/a.md",
            Pos::START,
        )];
        assert_eq!(
            with_path_prefix(&found, "site/")[0].file.as_deref(),
            Some("site/content/a.md")
        );
    }

    #[test]
    fn did_you_mean_picks_the_closest_plausible_candidate() {
        assert_eq!(
            did_you_mean("monolit", ["monolith", "frontend"]),
            Some("monolith")
        );
        assert_eq!(did_you_mean("zzz", ["monolith", "frontend"]), None);
    }

    #[test]
    fn json_keeps_every_key_even_when_null() {
        let json = render_json(&[Diagnostic::global(CodeKind::IoError, "disk full")]);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let item = &value[0];
        for key in ["severity", "code", "message", "file", "line", "column"] {
            assert!(item.get(key).is_some(), "missing {key}");
        }
        assert_eq!(item["code"], "io-error");
        assert!(item["file"].is_null());
    }
}
