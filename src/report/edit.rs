//! Pure: the edit of an incident file's text that appends one anecdote
//! ([`append_anecdote`]), and its proof ([`check_appended`]): the same
//! YAML plus exactly the new item.

use crate::diagnostic::{CodeKind, Diagnostic, Pos};
use crate::frontmatter::split_frontmatter;
use crate::parse::SourceFile;
use crate::yaml::{Yaml, YamlValue, parse_yaml};

use super::AnecdoteDraft;

/// One line of the frontmatter, by byte offsets into the whole file.
#[derive(Clone, Copy, Debug)]
struct Line {
    /// The 1-based line number in the file.
    number: u32,
    start: usize,
    /// The end of its text, before the line ending.
    end: usize,
    /// After its line ending (`\n` or `\r\n`).
    next: usize,
}

/// The lines of the frontmatter's YAML, which starts at `offset` of `text`.
fn yaml_lines(offset: usize, yaml: &str, first_line: u32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = offset;
    let mut number = first_line;
    for piece in yaml.split_inclusive('\n') {
        let next = start + piece.len();
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        lines.push(Line {
            number,
            start,
            end: start + body.len(),
            next,
        });
        start = next;
        number = number.saturating_add(1);
    }
    lines
}

/// The number of spaces a line starts with.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a line holds nothing but blanks or a comment.
fn is_blank_or_comment(line: &str) -> bool {
    let rest = line.trim_start_matches([' ', '\t']);
    rest.is_empty() || rest.starts_with('#')
}

/// What to change in the file: remove `remove` (an empty `[]` or `~` on
/// the `anecdotes:` line), then insert `insert` at byte `at`.
#[derive(Debug)]
struct Edit {
    remove: Option<(usize, usize)>,
    at: usize,
    insert: String,
}

/// Why a file cannot be edited: a message and where.
#[derive(Debug)]
struct Refusal {
    message: String,
    pos: Pos,
}

fn refusal(message: impl Into<String>, pos: Pos) -> Refusal {
    Refusal {
        message: message.into(),
        pos,
    }
}

/// The file `file` with `draft` appended to its `anecdotes`, or a
/// diagnostic (code `invalid-value`) saying why this file cannot be edited
/// safely. The result is not yet checked: see [`check_appended`].
pub fn append_anecdote(file: &SourceFile, draft: &AnecdoteDraft<'_>) -> Result<String, Diagnostic> {
    let text = file.text.as_str();
    plan_edit(text, draft)
        .map(|edit| {
            let mut edited = String::with_capacity(text.len() + edit.insert.len());
            let (head, tail) = text.split_at(edit.at.min(text.len()));
            match edit.remove {
                Some((from, to)) => {
                    edited.push_str(head.get(..from).unwrap_or(head));
                    edited.push_str(head.get(to..).unwrap_or(""));
                }
                None => edited.push_str(head),
            }
            edited.push_str(&edit.insert);
            edited.push_str(tail);
            edited
        })
        .map_err(|refused| {
            Diagnostic::at(
                CodeKind::InvalidValue,
                refused.message,
                &file.path,
                text,
                refused.pos,
            )
        })
}

fn plan_edit(text: &str, draft: &AnecdoteDraft<'_>) -> Result<Edit, Refusal> {
    let Ok(frontmatter) = split_frontmatter(text) else {
        return Err(refusal(
            "file does not start with a frontmatter block",
            Pos::START,
        ));
    };
    let offset = frontmatter.yaml.as_ptr().addr() - text.as_ptr().addr();
    let root = parse_yaml(frontmatter.yaml, frontmatter.yaml_line)
        .map_err(|error| refusal(error.message, error.pos))?;
    let lines = yaml_lines(offset, frontmatter.yaml, frontmatter.yaml_line);
    let line_text = |line: &Line| text.get(line.start..line.end).unwrap_or("");
    // New lines end as the file's first line (the opening `---`) does.
    let newline = match text.find('\n') {
        Some(end) if text.get(..end).is_some_and(|line| line.ends_with('\r')) => "\r\n",
        _ => "\n",
    };
    let find_line = |number: u32| lines.iter().find(|line| line.number == number);

    let entries: &[(Yaml, Yaml)] = match &root.value {
        YamlValue::Map(entries) => entries,
        YamlValue::Null => &[],
        _ => {
            return Err(refusal(
                "the frontmatter is not a mapping of keys to values",
                root.pos,
            ));
        }
    };
    let found = entries
        .iter()
        .find(|(key, _)| key.value == YamlValue::Str("anecdotes".to_owned()));

    let Some((key, value)) = found else {
        // No list yet: a new one at the end of the frontmatter, at the
        // indentation of its keys.
        let indent = entries
            .first()
            .map_or(0, |(key, _)| key.pos.column.saturating_sub(1) as usize);
        let pad = " ".repeat(indent);
        let mut insert = format!("{pad}anecdotes:{newline}");
        insert.push_str(&block_item(draft, indent + 2, indent + 4, newline));
        let at = offset + frontmatter.yaml.len();
        return Ok(Edit {
            remove: None,
            at,
            insert,
        });
    };

    let cannot = |why: &str| {
        refusal(
            format!(
                "`frictionlog report` cannot add an anecdote to this `anecdotes` list: {why}; add it by hand, or rewrite the list with one `- team: ...` item per line and run it again"
            ),
            key.pos,
        )
    };
    let Some(key_line) = find_line(key.pos.line) else {
        return Err(cannot("its key is not where the parser says"));
    };
    let key_text = line_text(key_line);
    let key_indent = indent_of(key_text);
    // The text after `anecdotes:` on its line.
    let after_key = key_text
        .get(key_indent..)
        .and_then(|rest| {
            ["anecdotes", "\"anecdotes\"", "'anecdotes'"]
                .iter()
                .find_map(|name| rest.strip_prefix(name))
        })
        .map(|rest| rest.trim_start_matches([' ', '\t']))
        .and_then(|rest| rest.strip_prefix(':'))
        .ok_or_else(|| cannot("its key is not written as `anecdotes:` at the start of a line"))?;
    let after_key_start = key_line.end - after_key.len();
    let value_text = after_key.trim_start_matches([' ', '\t']);
    let value_start = key_line.end - value_text.len();

    let items: &[Yaml] = match &value.value {
        YamlValue::Seq(items) => items,
        YamlValue::Null => &[],
        other => {
            return Err(refusal(
                format!(
                    "expected \"anecdotes\" to be a list, found {}",
                    other.kind_name()
                ),
                value.pos,
            ));
        }
    };

    // An empty list on the key's line (`anecdotes:`, `anecdotes: []`,
    // `anecdotes: ~`): it becomes a block list under the key.
    if items.is_empty() {
        let remove = if value_text.is_empty() || value_text.starts_with('#') {
            None
        } else if value_text.starts_with('[') {
            match flow_end(value_text) {
                Some(end) => Some((after_key_start, value_start + end + 1)),
                None => return Err(cannot("it is written in `[...]` across several lines")),
            }
        } else {
            let token_len = value_text.find([' ', '\t']).unwrap_or(value_text.len());
            let token = value_text.get(..token_len).unwrap_or("");
            if matches!(token, "~" | "null" | "Null" | "NULL") {
                Some((after_key_start, value_start + token_len))
            } else {
                return Err(cannot("its value is not a list written on the key's line"));
            }
        };
        let insert = block_item(draft, key_indent + 2, key_indent + 4, newline);
        return Ok(Edit {
            remove,
            at: key_line.next,
            insert,
        });
    }

    // A flow list: `anecdotes: [{team: A}, {team: B}]`, on one line.
    if value_text.starts_with('[') {
        let Some(end) = flow_end(value_text) else {
            return Err(cannot("it is written in `[...]` across several lines"));
        };
        let inside = value_text.get(..end).unwrap_or("");
        let separator = if inside.trim_end().ends_with(',') {
            " "
        } else {
            ", "
        };
        return Ok(Edit {
            remove: None,
            at: value_start + end,
            insert: format!("{separator}{{{}}}", draft.flow_mapping()),
        });
    }
    if !(value_text.is_empty() || value_text.starts_with('#')) {
        return Err(cannot("its first item is on the key's line"));
    }

    // A block list: one `- ` item per line, all at one indentation. The
    // new item goes after the last line that belongs to the last item:
    // those indented deeper than the dashes (comments included, such as
    // the `# text:` example that `new incident` writes).
    let key_index = lines
        .iter()
        .position(|line| line.number == key_line.number)
        .unwrap_or(0);
    let below = lines.get(key_index + 1..).unwrap_or(&[]);
    let Some(first_item) = below
        .iter()
        .find(|line| !is_blank_or_comment(line_text(line)))
    else {
        return Err(cannot("its items could not be found"));
    };
    let dash_indent = indent_of(line_text(first_item));
    let is_item = |line: &str| {
        line.get(dash_indent..)
            .is_some_and(|rest| rest == "-" || rest.starts_with("- "))
    };
    if !is_item(line_text(first_item)) {
        return Err(cannot("its items are not `- ` lines"));
    }
    let mut last = first_item;
    for line in below {
        let content = line_text(line);
        if content.trim().is_empty() {
            continue;
        }
        let indent = indent_of(content);
        if indent > dash_indent || (indent == dash_indent && is_item(content)) {
            last = line;
        } else if !is_blank_or_comment(content) {
            break;
        }
    }
    let insert = match items.last() {
        Some(item) if text_at(text, &lines, item.pos).starts_with('{') => format!(
            "{}- {{{}}}{newline}",
            " ".repeat(dash_indent),
            draft.flow_mapping()
        ),
        Some(
            item @ Yaml {
                value: YamlValue::Map(_),
                ..
            },
        ) => {
            let key_column = (item.pos.column.saturating_sub(1) as usize).max(dash_indent + 2);
            block_item(draft, dash_indent, key_column, newline)
        }
        _ => block_item(draft, dash_indent, dash_indent + 2, newline),
    };
    let (at, insert) = if text.get(last.end..last.next).is_some_and(str::is_empty) {
        // The last line has no line ending (only possible at the end of
        // an unclosed block, which never gets here; kept for safety).
        (last.next, format!("{newline}{insert}"))
    } else {
        (last.next, insert)
    };
    Ok(Edit {
        remove: None,
        at,
        insert,
    })
}

/// The text from `pos` to the end of its line.
fn text_at<'t>(text: &'t str, lines: &[Line], pos: Pos) -> &'t str {
    lines
        .iter()
        .find(|line| line.number == pos.line)
        .and_then(|line| {
            let content = text.get(line.start..line.end)?;
            let skip = content
                .char_indices()
                .nth(pos.column.saturating_sub(1) as usize)
                .map_or(content.len(), |(i, _)| i);
            content.get(skip..)
        })
        .unwrap_or("")
}

/// `draft` as a block list item: the dash at `dash` spaces, its keys at
/// `keys` spaces (more than `dash`).
fn block_item(draft: &AnecdoteDraft<'_>, dash: usize, keys: usize, newline: &str) -> String {
    let mut item = String::new();
    for (index, (key, value)) in draft.fields().iter().enumerate() {
        if index == 0 {
            let gap = keys.saturating_sub(dash + 1).max(1);
            item.push_str(&format!("{}-{}", " ".repeat(dash), " ".repeat(gap)));
        } else {
            item.push_str(&" ".repeat(keys));
        }
        item.push_str(&format!("{key}: {value}{newline}"));
    }
    item
}

/// The byte index of the `]` closing the flow list that `text` starts
/// with, when it closes on this line; `None` when it runs on to the next
/// line (or a comment starts before it closes).
fn flow_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match quote {
            Some('"') => match c {
                '\\' => {
                    chars.next();
                }
                '"' => quote = None,
                _ => {}
            },
            Some(_) => {
                if c == '\'' {
                    if chars.peek().is_some_and(|(_, next)| *next == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
            }
            None => match c {
                // A quote opens a quoted scalar only where a value starts;
                // inside a plain scalar (`it's`) it is a character.
                '"' | '\'' if matches!(previous, ' ' | '\t' | '[' | '{' | ',' | ':') => {
                    quote = Some(c);
                }
                '#' if matches!(previous, ' ' | '\t') => return None,
                '[' | '{' => depth += 1,
                ']' | '}' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return (c == ']').then_some(index);
                    }
                }
                _ => {}
            },
        }
        previous = c;
    }
    None
}

/// Whether two YAML values are the same, wherever they are written.
fn same_yaml(a: &Yaml, b: &Yaml) -> bool {
    match (&a.value, &b.value) {
        (YamlValue::Seq(a), YamlValue::Seq(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_yaml(a, b))
        }
        (YamlValue::Map(a), YamlValue::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ak, av), (bk, bv))| same_yaml(ak, bk) && same_yaml(av, bv))
        }
        (a, b) => a == b,
    }
}

/// Proves the edit: `after` must be `before` with exactly `draft` added at
/// the end of `anecdotes` — the same YAML otherwise, the same body.
pub fn check_appended(
    before: &SourceFile,
    after: &str,
    draft: &AnecdoteDraft<'_>,
) -> Result<(), Diagnostic> {
    let unsafe_edit = || {
        Diagnostic::at(
            CodeKind::InvalidValue,
            "`frictionlog report` cannot add an anecdote to this file without changing something else in it (its `anecdotes` list is laid out in a way the command does not edit): add it by hand",
            &before.path,
            &before.text,
            Pos::START,
        )
    };
    let (Ok(old), Ok(new)) = (split_frontmatter(&before.text), split_frontmatter(after)) else {
        return Err(unsafe_edit());
    };
    if old.body != new.body {
        return Err(unsafe_edit());
    }
    let (Ok(old_yaml), Ok(new_yaml)) = (
        parse_yaml(old.yaml, old.yaml_line),
        parse_yaml(new.yaml, new.yaml_line),
    ) else {
        return Err(unsafe_edit());
    };
    let Ok(item) = parse_yaml(&format!("{{{}}}", draft.flow_mapping()), 1) else {
        return Err(unsafe_edit());
    };
    let old_entries: &[(Yaml, Yaml)] = match &old_yaml.value {
        YamlValue::Map(entries) => entries,
        YamlValue::Null => &[],
        _ => return Err(unsafe_edit()),
    };
    let YamlValue::Map(new_entries) = &new_yaml.value else {
        return Err(unsafe_edit());
    };
    let is_anecdotes = |key: &Yaml| key.value == YamlValue::Str("anecdotes".to_owned());
    let items = |value: Option<&Yaml>| -> Option<Vec<Yaml>> {
        match value.map(|v| &v.value) {
            None | Some(YamlValue::Null) => Some(Vec::new()),
            Some(YamlValue::Seq(items)) => Some(items.clone()),
            Some(_) => None,
        }
    };
    let old_items = items(
        old_entries
            .iter()
            .find(|(k, _)| is_anecdotes(k))
            .map(|(_, v)| v),
    );
    let new_items = items(
        new_entries
            .iter()
            .find(|(k, _)| is_anecdotes(k))
            .map(|(_, v)| v),
    );
    let (Some(mut expected), Some(new_items)) = (old_items, new_items) else {
        return Err(unsafe_edit());
    };
    expected.push(item);
    let same_items = expected.len() == new_items.len()
        && expected
            .iter()
            .zip(&new_items)
            .all(|(a, b)| same_yaml(a, b));
    let others = |entries: &[(Yaml, Yaml)]| -> Vec<(Yaml, Yaml)> {
        entries
            .iter()
            .filter(|(key, _)| !is_anecdotes(key))
            .cloned()
            .collect()
    };
    let (old_others, new_others) = (others(old_entries), others(new_entries));
    let same_others = old_others.len() == new_others.len()
        && old_others
            .iter()
            .zip(&new_others)
            .all(|((ak, av), (bk, bv))| same_yaml(ak, bk) && same_yaml(av, bv));
    if same_items && same_others {
        Ok(())
    } else {
        Err(unsafe_edit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Date;
    use crate::parse::parse_incident;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "content/incidents/x.md".to_owned(),
            slug: "x".to_owned(),
            text: text.to_owned(),
        }
    }

    fn draft() -> AnecdoteDraft<'static> {
        AnecdoteDraft {
            team: "Web",
            date: Date::parse("2024-05"),
            text: Some("It hurt: \"again\" #2"),
        }
    }

    /// The file with the draft appended, checked as `report` checks it.
    fn appended(text: &str) -> String {
        let before = file(text);
        let after = append_anecdote(&before, &draft()).unwrap_or_else(|d| panic!("{d:?}"));
        check_appended(&before, &after, &draft()).unwrap_or_else(|d| panic!("{d:?}\n{after}"));
        let (incident, diagnostics) = parse_incident(&file(&after));
        assert_eq!(diagnostics, [], "{after}");
        let last = incident.unwrap().anecdotes.pop().unwrap();
        assert_eq!(last.team_name(), Some("Web"));
        assert_eq!(last.date.unwrap().to_string(), "2024-05");
        assert_eq!(last.text.as_deref(), Some("It hurt: \"again\" #2"));
        after
    }

    const HEAD: &str = "---\ntitle: T\ncategory: c\n";

    #[test]
    fn a_block_list_gets_an_item_after_its_last_line() {
        let text = format!(
            "{HEAD}anecdotes:   # reports\n  - team: 'A'   # quoted\n    date: 2017\n    # text: later\n\n# tags: [x]\ntags: [a]\n---\nBody\n"
        );
        assert_eq!(
            appended(&text),
            format!(
                "{HEAD}anecdotes:   # reports\n  - team: 'A'   # quoted\n    date: 2017\n    # text: later\n  - team: \"Web\"\n    date: 2024-05\n    text: \"It hurt: \\\"again\\\" #2\"\n\n# tags: [x]\ntags: [a]\n---\nBody\n"
            )
        );
    }

    #[test]
    fn items_keep_the_indentation_and_style_written() {
        let flush = appended(&format!("{HEAD}anecdotes:\n- team: A\n---\n"));
        assert!(flush.ends_with("- team: A\n- team: \"Web\"\n  date: 2024-05\n  text: \"It hurt: \\\"again\\\" #2\"\n---\n"), "{flush}");
        let wide = appended(&format!(
            "{HEAD}anecdotes:\n    -   team: A\n        date: 2017\n---\n"
        ));
        assert!(
            wide.contains("        date: 2017\n    -   team: \"Web\"\n        date: 2024-05\n"),
            "{wide}"
        );
        let flow_items = appended(&format!(
            "{HEAD}anecdotes:\n  - {{team: A}}\n  # between\n  - {{team: B}}\n---\n"
        ));
        assert!(
            flow_items.contains("  - {team: B}\n  - {team: \"Web\", date: 2024-05, text: \"It hurt: \\\"again\\\" #2\"}\n---"),
            "{flow_items}"
        );
        let multiline = appended(&format!(
            "{HEAD}anecdotes:\n  - team: A\n    text: |\n      line one\n\n      line two\noccurrences: 3\n---\n"
        ));
        assert!(
            multiline.contains("      line two\n  - team: \"Web\"\n"),
            "{multiline}"
        );
    }

    #[test]
    fn an_absent_or_empty_list_is_made_a_block_list() {
        assert_eq!(
            appended(&format!("{HEAD}# status: sad\n---\n")),
            format!(
                "{HEAD}# status: sad\nanecdotes:\n  - team: \"Web\"\n    date: 2024-05\n    text: \"It hurt: \\\"again\\\" #2\"\n---\n"
            )
        );
        for (empty, kept) in [
            ("anecdotes:\n", "anecdotes:\n"),
            ("anecdotes: []\n", "anecdotes:\n"),
            ("anecdotes: [ ]   # none yet\n", "anecdotes:   # none yet\n"),
            ("anecdotes: ~\n", "anecdotes:\n"),
            ("anecdotes: null # none\n", "anecdotes: # none\n"),
        ] {
            let after = appended(&format!("{HEAD}{empty}tags: [a]\n---\n"));
            assert_eq!(
                after,
                format!(
                    "{HEAD}{kept}  - team: \"Web\"\n    date: 2024-05\n    text: \"It hurt: \\\"again\\\" #2\"\ntags: [a]\n---\n"
                ),
                "{empty:?}"
            );
        }
    }

    #[test]
    fn a_one_line_flow_list_gets_one_more_item() {
        let after = appended(&format!(
            "{HEAD}anecdotes: [{{team: \"A, ]\"}}, {{team: B}}]  # two\n---\n"
        ));
        assert!(
            after.contains("anecdotes: [{team: \"A, ]\"}, {team: B}, {team: \"Web\", date: 2024-05, text: \"It hurt: \\\"again\\\" #2\"}]  # two\n"),
            "{after}"
        );
        let trailing = appended(&format!("{HEAD}anecdotes: [{{team: A}},]\n---\n"));
        assert!(
            trailing.contains("[{team: A}, {team: \"Web\""),
            "{trailing}"
        );
    }

    #[test]
    fn crlf_files_stay_crlf_and_a_bom_is_kept() {
        let after = appended(
            "\u{feff}---\r\ntitle: T\r\ncategory: c\r\nanecdotes:\r\n  - team: A\r\n---\r\nBody\r\n",
        );
        assert_eq!(
            after,
            "\u{feff}---\r\ntitle: T\r\ncategory: c\r\nanecdotes:\r\n  - team: A\r\n  - team: \"Web\"\r\n    date: 2024-05\r\n    text: \"It hurt: \\\"again\\\" #2\"\r\n---\r\nBody\r\n"
        );
    }

    #[test]
    fn undated_and_textless_anecdotes_have_only_a_team() {
        let before = file(&format!("{HEAD}anecdotes:\n  - team: A\n---\n"));
        let bare = AnecdoteDraft {
            team: "Köln: \"core\"",
            date: None,
            text: None,
        };
        let after = append_anecdote(&before, &bare).unwrap();
        check_appended(&before, &after, &bare).unwrap();
        assert!(
            after.ends_with("  - team: A\n  - team: \"Köln: \\\"core\\\"\"\n---\n"),
            "{after}"
        );
    }

    #[test]
    fn a_flow_list_across_lines_is_refused_where_it_starts() {
        let text = format!("{HEAD}anecdotes: [{{team: A}},\n  {{team: B}}]\n---\n");
        let error = append_anecdote(&file(&text), &draft()).unwrap_err();
        assert_eq!(error.code, CodeKind::InvalidValue);
        assert_eq!(error.pos, Some(Pos::new(4, 1, 9)));
        assert!(
            error.message.contains("across several lines"),
            "{}",
            error.message
        );
        let empty = format!("{HEAD}anecdotes: [\n]\n---\n");
        assert!(append_anecdote(&file(&empty), &draft()).is_err());
    }

    #[test]
    fn an_edit_that_changes_anything_else_is_caught() {
        let before = file(&format!("{HEAD}anecdotes:\n  - team: A\n---\nBody\n"));
        let good = append_anecdote(&before, &draft()).unwrap();
        assert!(check_appended(&before, &good, &draft()).is_ok());
        for bad in [
            good.replace("title: T", "title: U"),
            good.replace("Body", "Body!"),
            good.replace("  - team: A\n", ""),
            good.replace("  - team: A\n", "  - team: A\n  - team: Z\n"),
            good.replace("2024-05", "2024-06"),
            format!("{HEAD}anecdotes:\n  - team: A\n---\nBody\n"),
        ] {
            assert!(check_appended(&before, &bad, &draft()).is_err(), "{bad}");
        }
    }

    /// Every layout the edit handles, to try any anecdote on.
    const LAYOUTS: &[&str] = &[
        "---\ntitle: T\ncategory: c\n---\n",
        "---\ntitle: T\ncategory: c\nanecdotes:\n---\n",
        "---\ntitle: T\ncategory: c\nanecdotes: []\n---\n",
        "---\ntitle: T\ncategory: c\nanecdotes: [{team: A}]\n---\n",
        "---\ntitle: T\ncategory: c\nanecdotes:\n  - team: A\n    date: 2017\n# c\n---\nBody\n",
        "---\ntitle: T\ncategory: c\nanecdotes:\n- {team: A}\n---\n",
        "---\r\ntitle: T\r\nanecdotes:\r\n  - team: A\r\ncategory: c\r\n---\r\n",
    ];

    proptest::proptest! {
        #[test]
        fn any_anecdote_appends_cleanly_to_any_layout(
            layout in proptest::sample::select(LAYOUTS),
            team in "\\PC+",
            text in proptest::option::of(proptest::prelude::any::<String>()),
            dated in proptest::prelude::any::<bool>(),
        ) {
            proptest::prop_assume!(!team.trim().is_empty());
            let draft = AnecdoteDraft {
                team: &team,
                date: dated.then(|| Date::parse("2019-02-03")).flatten(),
                text: text.as_deref(),
            };
            let before = file(layout);
            let after = append_anecdote(&before, &draft).unwrap();
            check_appended(&before, &after, &draft).unwrap();
            let (incident, diagnostics) = parse_incident(&file(&after));
            proptest::prop_assert_eq!(&diagnostics, &[], "{}", after);
            let last = incident.unwrap().anecdotes.pop().unwrap();
            proptest::prop_assert_eq!(last.team_name(), Some(team.as_str()));
            proptest::prop_assert_eq!(last.text.as_deref(), text.as_deref());
            proptest::prop_assert_eq!(last.date, draft.date);
        }
    }

    #[test]
    fn flow_ends_skip_quotes_and_nesting() {
        assert_eq!(flow_end("[]"), Some(1));
        assert_eq!(flow_end("[a, [b], {c: d}] # x"), Some(15));
        assert_eq!(flow_end("['it''s ]', \"q \\\" ]\"]"), Some(20));
        assert_eq!(flow_end("[it's, b]"), Some(8));
        assert_eq!(flow_end("[a, # comment"), None);
        assert_eq!(flow_end("[a, b"), None);
        assert_eq!(flow_end("{a: b}"), None);
    }
}
