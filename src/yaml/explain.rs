//! Pure: the YAML mistakes people make, explained in plain words.
//!
//! The parser says where it stopped in its own terms ("mapping values are
//! not allowed in this context", "unexpected character"). Most of those
//! stops in frontmatter and site.yaml come from a handful of mistakes: text
//! that needs quotes because of a `: ` in it or the character it starts
//! with, a quote inside a quoted value, a tab in the indentation. This
//! module looks at the line where the parser stopped and, when it knows the
//! mistake, says what YAML made of the text and how to fix it, with the
//! line rewritten when one line can show the fix. A stop it does not know
//! keeps the parser's words.
//!
//! Two mistakes parse without an error and quietly drop text: a value
//! starting with `&name` (an anchor nothing refers to) or `!name` (a tag),
//! as in `title: &co pains`. [`explain_properties`] finds those from the
//! parsed value's position.

use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{Error, ExternalMessageSource};

/// What the parser stopped on, as far as the explanations tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TripKind {
    /// A `:` the parser read as a key's, where no key may start:
    /// `title: Deploys: why`.
    MappingValue,
    /// A character that cannot start unquoted text (`@`, a backtick, `%`).
    UnexpectedCharacter,
    /// `*name` (an alias) with no `&name` before it.
    UnknownAnchor,
    /// `&` or `*` followed by no name.
    MissingAnchorName,
    /// `|` or `>` followed by text on the same line.
    BlockScalarHeader,
    /// `- ` where a value was expected.
    BlockEntry,
    /// Text after the closing `"` of a value.
    TrailingDoubleQuoted,
    /// Text after the closing `'` of a value.
    TrailingSingleQuoted,
    /// A tab where YAML wants spaces.
    Tab,
    Other,
}

/// What the parser's error is about.
pub(super) fn trip_kind(error: &Error) -> TripKind {
    match error.without_snippet() {
        Error::UnknownAnchor { .. } => TripKind::UnknownAnchor,
        Error::ExternalMessage { source, .. } => match source.as_ref() {
            ExternalMessageSource::Parser(scan) => match scan.kind() {
                ErrorKind::MappingValueNotAllowed => TripKind::MappingValue,
                ErrorKind::UnexpectedCharacter { .. } => TripKind::UnexpectedCharacter,
                ErrorKind::UnknownAnchor => TripKind::UnknownAnchor,
                ErrorKind::MissingAnchorOrAliasName => TripKind::MissingAnchorName,
                ErrorKind::InvalidBlockScalarHeader => TripKind::BlockScalarHeader,
                ErrorKind::BlockSequenceEntryNotAllowed => TripKind::BlockEntry,
                ErrorKind::InvalidTrailingDoubleQuotedScalar => TripKind::TrailingDoubleQuoted,
                ErrorKind::InvalidTrailingSingleQuotedScalar => TripKind::TrailingSingleQuoted,
                ErrorKind::TabNotAllowed
                | ErrorKind::TabInBlockIndentation
                | ErrorKind::TabAtBlockScalarStart
                | ErrorKind::TabInIndentation
                | ErrorKind::TabInPlainScalar => TripKind::Tab,
                _ => TripKind::Other,
            },
            _ => TripKind::Other,
        },
        _ => TripKind::Other,
    }
}

/// A mistake explained: the message, and where it is in the YAML text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Explained {
    pub(super) message: String,
    /// 0-based line of the YAML text.
    pub(super) line: usize,
    /// 1-based column, in characters.
    pub(super) column: u32,
    /// The marked text's length in bytes.
    pub(super) len: u32,
    /// Whether the snippet should show the line's indentation tabs.
    pub(super) marks_tabs: bool,
}

/// The explanation of a syntax error of `kind` that the parser reports at
/// 0-based `line` and 1-based character `column` of `yaml`, or `None` when
/// the mistake is not one this module knows.
pub(super) fn explain_error(
    kind: TripKind,
    yaml: &str,
    line: usize,
    column: u32,
) -> Option<Explained> {
    // The parser's columns do not count a byte-order mark.
    let yaml = yaml.strip_prefix('\u{feff}').unwrap_or(yaml);
    let lines: Vec<&str> = yaml
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    // A tab in the indentation trips the parser in many ways, often at the
    // start of the value above the tab's line: look for the tab first.
    let tab_on_line = lines.get(line).is_some_and(|l| indent_tabs(l).is_some());
    if kind == TripKind::Tab || tab_on_line {
        if let Some(found) = explain_tab(&lines, line) {
            return Some(found);
        }
        if kind == TripKind::Tab {
            return None;
        }
    }
    let text = *lines.get(line)?;
    let at = byte_of_column(text, column)?;
    match kind {
        TripKind::MappingValue => explain_colon(&lines, line, at),
        TripKind::UnexpectedCharacter
        | TripKind::UnknownAnchor
        | TripKind::MissingAnchorName
        | TripKind::BlockScalarHeader
        | TripKind::BlockEntry => explain_indicator(text, line, at),
        TripKind::TrailingDoubleQuoted => explain_quote(text, line, at, '"'),
        TripKind::TrailingSingleQuoted => explain_quote(text, line, at, '\''),
        TripKind::Tab | TripKind::Other => None,
    }
}

/// The explanation of a plain value at byte `offset` of `yaml`, `len`
/// bytes long, when YAML dropped an anchor (that nothing refers to) or a
/// tag written right before it: `title: &co pains` is the title "pains".
pub(super) fn explain_properties(yaml: &str, offset: usize, len: usize) -> Option<Explained> {
    // Offsets count a byte-order mark, columns do not: leave it out.
    let (yaml, offset) = match yaml.strip_prefix('\u{feff}') {
        Some(rest) => (rest, offset.checked_sub('\u{feff}'.len_utf8())?),
        None => (yaml, offset),
    };
    let before = yaml.get(..offset)?;
    // Quotes around the value say the writer knows what YAML does.
    if yaml.get(offset..)?.starts_with(['"', '\'']) {
        return None;
    }
    // Most values follow `key:` or `-`: the token before them tells.
    let last = before.trim_end_matches([' ', '\t']);
    let token_start = last
        .rfind(|c: char| c.is_whitespace() || "[{,".contains(c))
        .map_or(0, |i| i + 1);
    let token = last.get(token_start..)?;
    if !token.starts_with(['&', '!']) {
        return None;
    }
    // The line, and the value and the properties before it, in line bytes.
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = yaml
        .get(offset..)?
        .find(['\n', '\r'])
        .map_or(yaml.len(), |i| offset + i);
    let text = yaml.get(line_start..line_end)?;
    let value_start = offset - line_start;
    let value_end = (value_start + len).min(text.len());
    // Every property token between the owner and the value: `&a !t x`.
    let mut region_start = token_start.checked_sub(line_start)?;
    let mut dropped = flagged_property(yaml, token);
    let mut rest = text.get(..region_start)?.trim_end_matches([' ', '\t']);
    loop {
        let start = rest
            .rfind(|c: char| c.is_whitespace() || "[{,".contains(c))
            .map_or(0, |i| i + 1);
        let Some(earlier) = rest.get(start..).filter(|t| t.starts_with(['&', '!'])) else {
            break;
        };
        dropped = dropped.or(flagged_property(yaml, earlier));
        region_start = start;
        rest = rest.get(..start)?.trim_end_matches([' ', '\t']);
    }
    let dropped = dropped?;
    let properties = text.get(region_start..value_start)?.trim_end();
    let value = text.get(value_start..value_end)?;
    let what = match dropped {
        PropertyKind::Anchor => "an anchor name",
        PropertyKind::Tag => "a tag",
    };
    let message = format!(
        "{} starts with \"{properties}\", which YAML reads as {what}, so the value is only \"{value}\"; quote the value{}",
        owner_of(text, region_start).describe(),
        rewrite(text, region_start, value_end)
    );
    let line = before.matches('\n').count();
    Some(Explained {
        message,
        line,
        column: column_of_byte(text, region_start),
        len: to_u32(properties.len()),
        marks_tabs: false,
    })
}

#[derive(Clone, Copy)]
enum PropertyKind {
    Anchor,
    Tag,
}

/// Whether a property token loses text: an anchor no alias refers to, or a
/// local tag (`!x`, `!`). Core tags (`!!str`) and used anchors are meant.
fn flagged_property(yaml: &str, token: &str) -> Option<PropertyKind> {
    if let Some(name) = token.strip_prefix('&') {
        let referred = yaml.match_indices('*').any(|(i, _)| {
            yaml.get(i + 1..).is_some_and(|rest| {
                rest.strip_prefix(name)
                    .is_some_and(|after| after.is_empty() || after.starts_with(is_name_end))
            })
        });
        return (!referred).then_some(PropertyKind::Anchor);
    }
    (!token.starts_with("!!")).then_some(PropertyKind::Tag)
}

fn is_name_end(c: char) -> bool {
    c.is_whitespace() || ",[]{}".contains(c)
}

/// The leading tabs of a line's indentation: the byte range of the first
/// run of tabs among its leading blanks.
fn indent_tabs(text: &str) -> Option<(usize, usize)> {
    let blanks = text.len() - text.trim_start_matches([' ', '\t']).len();
    let indent = text.get(..blanks)?;
    let start = indent.find('\t')?;
    let len = indent.get(start..)?.len() - indent.get(start..)?.trim_start_matches('\t').len();
    Some((start, len))
}

/// A tab in the indentation of line `from` or of a line after it.
fn explain_tab(lines: &[&str], from: usize) -> Option<Explained> {
    let (line, text, (start, len)) =
        lines.iter().enumerate().skip(from).find_map(|(i, text)| {
            // A blank line's tabs are no indentation.
            let found = indent_tabs(text).filter(|_| !text.trim().is_empty())?;
            Some((i, *text, found))
        })?;
    let tabs = if len == 1 { "a tab" } else { "tabs" };
    Some(Explained {
        message: format!(
            "this line is indented with {tabs} (shown as →): YAML indents with spaces only; replace {} with spaces",
            if len == 1 { "it" } else { "them" }
        ),
        line,
        column: column_of_byte(text, start),
        len: to_u32(len),
        marks_tabs: true,
    })
}

/// `key: value` on one line, as far as the explanations need it.
struct Entry<'a> {
    /// The key as written, without quotes.
    key: &'a str,
    /// The byte where the key starts.
    key_start: usize,
    /// The byte of the `:` after the key.
    colon: usize,
    /// The byte where the value starts (after the blanks).
    value_start: usize,
}

/// Reads the line as `[- ]key: value`; `None` when it is no such line.
fn entry_of(text: &str) -> Option<Entry<'_>> {
    let mut start = text.len() - text.trim_start_matches(' ').len();
    while let Some(rest) = text.get(start..).and_then(|r| r.strip_prefix('-'))
        && (rest.is_empty() || rest.starts_with([' ', '\t']))
    {
        start += 1 + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    }
    let rest = text.get(start..)?;
    let (key, colon) = match rest.chars().next()? {
        quote @ ('"' | '\'') => {
            let close = rest.get(1..)?.find(quote)? + 1;
            let after = rest.get(close + 1..)?;
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            if !after.get(blanks..)?.starts_with(':') {
                return None;
            }
            (rest.get(1..close)?, start + close + 1 + blanks)
        }
        '[' | '{' | '#' | '&' | '!' | '*' | '|' | '>' => return None,
        _ => {
            let colon = rest.match_indices(':').map(|(i, _)| i).find(|&i| {
                rest.get(i + 1..)
                    .is_none_or(|a| a.is_empty() || a.starts_with([' ', '\t']))
            })?;
            (rest.get(..colon)?.trim_end(), start + colon)
        }
    };
    let after = text.get(colon + 1..)?;
    let value_start = colon + 1 + (after.len() - after.trim_start_matches([' ', '\t']).len());
    Some(Entry {
        key,
        key_start: start,
        colon,
        value_start,
    })
}

/// Whose value a byte of a line is: a key's, or a list item's.
enum Owner<'a> {
    Key(&'a str),
    ListItem,
    Unknown,
}

impl Owner<'_> {
    fn describe(&self) -> String {
        match self {
            Owner::Key(key) => format!("the value of \"{key}\""),
            Owner::ListItem => "a list item".to_owned(),
            Owner::Unknown => "the value".to_owned(),
        }
    }
}

/// The owner of the value that starts at byte `at`, read from what is
/// before it on the line: `key:`, `- `, `[` or `,`.
fn owner_of(text: &str, at: usize) -> Owner<'_> {
    let Some(before) = text.get(..at) else {
        return Owner::Unknown;
    };
    let before = before.trim_end_matches([' ', '\t']);
    if let Some(key_part) = before.strip_suffix(':') {
        let start = key_part
            .rfind(|c: char| c.is_whitespace() || "[{,".contains(c))
            .map_or(0, |i| i + 1);
        let key = key_part.get(start..).unwrap_or("");
        let key = key.trim_matches(['"', '\'']);
        return if key.is_empty() {
            Owner::Unknown
        } else {
            Owner::Key(key)
        };
    }
    if before.ends_with(['[', ',']) || before.trim_start() == "-" || before.ends_with(" -") {
        return Owner::ListItem;
    }
    Owner::Unknown
}

/// Where a plain value starting at byte `start` ends: at a comment in a
/// block, or at the next `,`, `]` or `}` inside brackets; trailing blanks
/// left out.
fn value_end(text: &str, start: usize, in_flow: bool) -> usize {
    let rest = text.get(start..).unwrap_or("");
    let mut end = rest.len();
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let after_blank = i > 0 && matches!(bytes.get(i - 1), Some(b' ' | b'\t'));
        if b == b'#' && after_blank {
            end = i;
            break;
        }
        if in_flow && matches!(b, b',' | b']' | b'}') {
            end = i;
            break;
        }
    }
    start + rest.get(..end).unwrap_or("").trim_end().len()
}

/// Whether byte `at` of the line is inside `[...]` or `{...}` opened on it.
fn in_flow(text: &str, at: usize) -> bool {
    let mut depth: i32 = 0;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        if i >= at {
            break;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            _ => {}
        }
    }
    depth > 0
}

/// ``: `line with bytes start..end quoted` `` — the line as it should be
/// written, or nothing when quoting would not give one valid line.
fn rewrite(text: &str, start: usize, end: usize) -> String {
    let (Some(head), Some(value), Some(tail)) =
        (text.get(..start), text.get(start..end), text.get(end..))
    else {
        return String::new();
    };
    format!(
        ": `{}{}{}`",
        head.trim_start(),
        quote(value),
        tail.trim_end()
    )
}

/// `text` as a YAML quoted value: double quotes unless the text has `"` or
/// `\` in it, then single quotes unless it has `'`, else escaped double
/// quotes.
fn quote(text: &str) -> String {
    if !text.contains(['"', '\\']) {
        format!("\"{text}\"")
    } else if !text.contains('\'') {
        format!("'{text}'")
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// `: ` inside an unquoted value (or a value continued on this line).
fn explain_colon(lines: &[&str], line: usize, at: usize) -> Option<Explained> {
    let text = *lines.get(line)?;
    let entry = entry_of(text);
    if let Some(entry) = entry
        .as_ref()
        .filter(|e| at > e.colon && e.value_start <= at)
    {
        let first = text.get(entry.value_start..)?.chars().next()?;
        if "[{\"'|>".contains(first) {
            return None;
        }
        let end = value_end(text, entry.value_start, false);
        let has = if text.get(at + 1..end).is_some_and(|rest| !rest.is_empty()) {
            "has \": \" in it"
        } else {
            "ends with \":\""
        };
        return Some(Explained {
            message: format!(
                "the value of \"{}\" {has}, which YAML reads as the start of another key; quote the value{}",
                entry.key,
                rewrite(text, entry.value_start, end)
            ),
            line,
            column: column_of_byte(text, at),
            len: 1,
            marks_tabs: false,
        });
    }
    // The `:` of what looks like a key, on a line indented under the value
    // of a key above: YAML reads the line as more of that value.
    let entry = entry.filter(|e| e.colon == at)?;
    let indent = entry.key_start;
    let mut above = None;
    for earlier in lines.get(..line)?.iter().rev() {
        let trimmed = earlier.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match entry_of(earlier) {
            Some(e) if e.key_start < indent => {
                above = Some((*earlier, e));
                break;
            }
            Some(_) => return None,
            // More of the same value, continued on its own line.
            None if earlier.len() - trimmed.len() >= indent => {}
            None => return None,
        }
    }
    let (above_text, above) = above?;
    let first = above_text.get(above.value_start..)?.chars().next()?;
    if "[{\"'|>#&!*".contains(first) {
        return None;
    }
    Some(Explained {
        message: format!(
            "this line is indented more than \"{above}\" above it, so YAML reads it as more of the value of \"{above}\", where \": \" cannot be: if \"{key}\" is a key, indent it as far as \"{above}\"; if it is text, quote the whole value of \"{above}\"",
            above = above.key,
            key = entry.key,
        ),
        line,
        column: column_of_byte(text, at),
        len: 1,
        marks_tabs: false,
    })
}

/// A value starting with a character YAML gives a meaning to.
fn explain_indicator(text: &str, line: usize, at: usize) -> Option<Explained> {
    let indicator = text.get(at..)?.chars().next()?;
    let meaning = match indicator {
        '@' | '`' | '%' => "which YAML does not allow at the start of unquoted text",
        '*' => "which YAML reads as a reference to an anchor (\"*name\")",
        '&' => "which YAML reads as an anchor (\"&name\")",
        '|' | '>' => "which YAML reads as the start of a block of text on the lines below",
        '-' => "which YAML reads as a list item",
        _ => return None,
    };
    let owner = owner_of(text, at);
    if matches!(owner, Owner::Unknown) {
        return None;
    }
    let end = value_end(text, at, in_flow(text, at));
    let shown = if indicator == '`' {
        "a backtick".to_owned()
    } else {
        format!("\"{indicator}\"")
    };
    Some(Explained {
        message: format!(
            "{} starts with {shown}, {meaning}; quote the value{}",
            owner.describe(),
            rewrite(text, at, end)
        ),
        line,
        column: column_of_byte(text, at),
        len: 1,
        marks_tabs: false,
    })
}

/// A `quote` inside a value quoted with it, which ends the value early:
/// the parser stops at byte `at`, after that quote and any blanks.
fn explain_quote(text: &str, line: usize, at: usize, quote_char: char) -> Option<Explained> {
    let early = text
        .get(..at)?
        .trim_end_matches([' ', '\t'])
        .char_indices()
        .next_back()?;
    if early.1 != quote_char {
        return None;
    }
    let open = text.get(..early.0)?.find(quote_char)?;
    let owner = owner_of(text, open);
    if matches!(owner, Owner::Unknown) {
        return None;
    }
    // The value as meant: from the opening quote to the last quote of the
    // line, with nothing but a comment after it.
    let trimmed = text.trim_end();
    let close = trimmed.rfind(quote_char).filter(|&close| {
        close > early.0
            && trimmed.get(close + 1..).is_some_and(|rest| {
                rest.is_empty()
                    || rest.starts_with([' ', '\t']) && rest.trim_start().starts_with('#')
            })
    });
    let fix = close
        .filter(|_| !in_flow(text, open))
        .and_then(|close| {
            let inner = text.get(open + 1..close)?;
            let requoted = match quote_char {
                '"' if !inner.contains('\'') => format!("'{inner}'"),
                '"' => format!("\"{}\"", escape_double_quotes(inner)),
                _ if !inner.contains(['"', '\\']) => format!("\"{inner}\""),
                _ => format!("'{}'", inner.replace("''", "'").replace('\'', "''")),
            };
            Some(format!(
                ": `{}{requoted}{}`",
                text.get(..open)?.trim_start(),
                text.get(close + 1..)?.trim_end()
            ))
        })
        .unwrap_or_default();
    let (what, advice) = match quote_char {
        '"' => (
            "a \" inside its double quotes",
            "write it as \\\" or put the value in single quotes",
        ),
        _ => (
            "a ' inside its single quotes",
            "write it as '' or put the value in double quotes",
        ),
    };
    Some(Explained {
        message: format!(
            "{} has {what}, which ends the value early; {advice}{fix}",
            owner.describe()
        ),
        line,
        column: column_of_byte(text, early.0),
        len: 1,
        marks_tabs: false,
    })
}

/// `"` as `\"` where it is not escaped already.
fn escape_double_quotes(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 4);
    let mut backslashes = 0;
    for c in text.chars() {
        if c == '"' && backslashes % 2 == 0 {
            escaped.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        escaped.push(c);
    }
    escaped
}

/// The byte of 1-based character `column` of `text`, if the line has it.
fn byte_of_column(text: &str, column: u32) -> Option<usize> {
    let skip = usize::try_from(column.checked_sub(1)?).ok()?;
    match text.char_indices().nth(skip) {
        Some((i, _)) => Some(i),
        None if text.chars().count() == skip => Some(text.len()),
        None => None,
    }
}

/// The 1-based character column of byte `at` of `text`.
fn column_of_byte(text: &str, at: usize) -> u32 {
    to_u32(text.get(..at).map_or(0, |before| before.chars().count()) + 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Pos;
    use crate::yaml::{YamlError, parse_yaml_all};

    /// The one error of `yaml` (a frontmatter block starting on line 2).
    fn error_of(yaml: &str) -> YamlError {
        let (_, mut errors) = parse_yaml_all(yaml, 2);
        assert_eq!(errors.len(), 1, "{yaml:?}: {errors:?}");
        errors.remove(0)
    }

    fn assert_clean(yaml: &str) {
        let (root, errors) = parse_yaml_all(yaml, 2);
        assert_eq!(errors, [], "{yaml:?}");
        assert!(root.is_some());
    }

    #[test]
    fn a_colon_in_a_value_asks_for_quotes_with_the_line_rewritten() {
        let error = error_of("title: Deploys: why\n");
        assert_eq!(
            error.message,
            "the value of \"title\" has \": \" in it, which YAML reads as the start of another key; quote the value: `title: \"Deploys: why\"`"
        );
        assert_eq!(error.pos, Pos::new(2, 15, 1));
        assert!(!error.marks_tabs);
        let error = error_of("category: m\nanecdotes:\n  - team: Web: mobile # since 2018\n");
        assert_eq!(error.pos, Pos::new(4, 14, 1));
        assert!(
            error
                .message
                .ends_with("`- team: \"Web: mobile\" # since 2018`"),
            "{}",
            error.message
        );
        let error = error_of("title: Deploys:\n");
        assert!(
            error.message.contains("ends with \":\""),
            "{}",
            error.message
        );
        assert!(error.message.ends_with("`title: \"Deploys:\"`"));
    }

    #[test]
    fn a_colon_on_a_line_indented_under_a_value_names_both_fixes() {
        let error = error_of("anecdotes:\n  - team: Web\n     date: 2018\n");
        assert_eq!(error.pos, Pos::new(4, 10, 1));
        assert_eq!(
            error.message,
            "this line is indented more than \"team\" above it, so YAML reads it as more of the value of \"team\", where \": \" cannot be: if \"date\" is a key, indent it as far as \"team\"; if it is text, quote the whole value of \"team\""
        );
        let error = error_of("text: Some long text\n  that goes on\n  continued: here\n");
        assert_eq!(error.pos, Pos::new(4, 12, 1));
        assert!(error.message.contains("more of the value of \"text\""));
    }

    #[test]
    fn a_value_starting_with_a_character_yaml_reserves_asks_for_quotes() {
        for (yaml, starts, rewritten) in [
            (
                "title: `make` fails\n",
                "a backtick",
                "`title: \"`make` fails\"`",
            ),
            ("title: @team pain\n", "\"@\"", "`title: \"@team pain\"`"),
            ("title: %done\n", "\"%\"", "`title: \"%done\"`"),
            ("title: *nix builds\n", "\"*\"", "`title: \"*nix builds\"`"),
            ("title: | pipes\n", "\"|\"", "`title: \"| pipes\"`"),
            ("title: > 10 files\n", "\">\"", "`title: \"> 10 files\"`"),
            ("title: - dashes\n", "\"-\"", "`title: \"- dashes\"`"),
            ("title: & co\n", "\"&\"", "`title: \"& co\"`"),
        ] {
            let error = error_of(yaml);
            assert!(
                error.message.starts_with(&format!(
                    "the value of \"title\" starts with {starts}, which YAML "
                )),
                "{yaml:?}: {}",
                error.message
            );
            assert!(
                error
                    .message
                    .ends_with(&format!("; quote the value: {rewritten}")),
                "{yaml:?}: {}",
                error.message
            );
            assert_eq!(error.pos, Pos::new(2, 8, 1), "{yaml:?}");
        }
    }

    #[test]
    fn inside_brackets_only_the_item_is_quoted() {
        let error = error_of("tags: [@ops, ci]\n");
        assert_eq!(
            error.message,
            "a list item starts with \"@\", which YAML does not allow at the start of unquoted text; quote the value: `tags: [\"@ops\", ci]`"
        );
        assert_eq!(error.pos, Pos::new(2, 8, 1));
    }

    #[test]
    fn an_anchor_or_tag_that_drops_text_is_an_error() {
        let error = error_of("title: &amp thing\n");
        assert_eq!(
            error.message,
            "the value of \"title\" starts with \"&amp\", which YAML reads as an anchor name, so the value is only \"thing\"; quote the value: `title: \"&amp thing\"`"
        );
        assert_eq!(error.pos, Pos::new(2, 8, 4));
        let error = error_of("anecdotes:\n  - team: !important Web\n");
        assert!(
            error.message.starts_with("the value of \"team\" starts with \"!important\", which YAML reads as a tag, so the value is only \"Web\""),
            "{}",
            error.message
        );
        assert_eq!(error.pos, Pos::new(3, 11, 10));
        let error = error_of("tags: [&a x]\n");
        assert!(
            error.message.ends_with("`tags: [\"&a x\"]`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn anchors_that_are_used_and_core_tags_are_meant() {
        assert_clean("a: &x foo\nb: *x\n");
        assert_clean("a: !x \"quoted\"\n");
        assert_clean("title: !!str 2024\n");
        assert_clean("title: R&D pains\ntags: [R&D, x!]\n");
    }

    #[test]
    fn a_quote_inside_a_quoted_value_is_pointed_at() {
        let error = error_of("title: \"He said \"stop\" twice\"\n");
        assert_eq!(
            error.message,
            "the value of \"title\" has a \" inside its double quotes, which ends the value early; write it as \\\" or put the value in single quotes: `title: 'He said \"stop\" twice'`"
        );
        assert_eq!(error.pos, Pos::new(2, 17, 1));
        let error = error_of("title: 'Ops' pains'\n");
        assert_eq!(error.pos, Pos::new(2, 12, 1));
        assert!(
            error.message.ends_with("`title: \"Ops' pains\"`"),
            "{}",
            error.message
        );
        let error = error_of("title: 'It's broken'\n");
        assert_eq!(
            error.message,
            "the value of \"title\" has a ' inside its single quotes, which ends the value early; write it as '' or put the value in double quotes: `title: \"It's broken\"`"
        );
        assert_eq!(error.pos, Pos::new(2, 11, 1));
        let error = error_of("title: \"It's \"x\"\"\n");
        assert!(
            error.message.ends_with("`title: \"It's \\\"x\\\"\"`"),
            "{}",
            error.message
        );
        let error = error_of("title: 'It's \"x\"'\n");
        assert!(
            error.message.ends_with("`title: 'It''s \"x\"'`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_tab_is_reported_on_its_own_line() {
        // The parser stops at the start of "x", on the line above the tab.
        let error = error_of("a: x\n\tb: 1\n");
        assert_eq!(error.pos, Pos::new(3, 1, 1));
        assert!(error.marks_tabs);
        assert_eq!(
            error.message,
            "this line is indented with a tab (shown as →): YAML indents with spaces only; replace it with spaces"
        );
        let error = error_of("a:\n  b:\n  \t\tc: 1\n");
        assert_eq!(error.pos, Pos::new(4, 3, 2));
        assert!(error.message.contains("with tabs"));
        let error = error_of("a: |\n\ttext\n");
        assert_eq!(error.pos, Pos::new(3, 1, 1));
        let error = error_of("a:\n  - x\n\t- y\n");
        assert_eq!(error.pos, Pos::new(4, 1, 1));
    }

    #[test]
    fn other_errors_keep_the_parsers_words() {
        let error = error_of("sections: [\n");
        assert_eq!(error.message, "unclosed bracket '['");
        let error = error_of("a:\n  b: c\n d: e\n");
        assert_eq!(
            error.message,
            "while parsing a block mapping, did not find expected key"
        );
    }

    #[test]
    fn no_mistake_makes_it_panic() {
        let base = "title: \"Köln\" x\ntags: [a, 'b']\nanecdotes:\n  - team: A # c\n    text: |\n      t\n";
        let inserts = [
            ":", ": ", "\t", "\"", "'", "&", "!", "*", "|", ">", "@", "`", "%", "- ", "#", "\n",
            "[", "{", ",", "é", "\u{feff}", "\r\n", "&a ", "!t ",
        ];
        for (at, _) in base.char_indices() {
            for insert in inserts {
                let mut text = base.to_owned();
                text.insert_str(at, insert);
                let (_, errors) = parse_yaml_all(&text, 2);
                for error in errors {
                    assert!(error.pos.line >= 2, "{text:?}: {error:?}");
                }
            }
        }
    }

    #[test]
    fn a_byte_order_mark_moves_no_column() {
        let (_, errors) = parse_yaml_all("\u{feff}title: A: b\n", 1);
        assert_eq!(errors[0].pos, Pos::new(1, 9, 1));
        assert!(errors[0].message.ends_with("`title: \"A: b\"`"));
        let (_, errors) = parse_yaml_all("\u{feff}title: &a x\n", 1);
        assert_eq!(errors[0].pos, Pos::new(1, 8, 2));
    }
}
