//! The frontmatter's YAML as a tree in which every value knows its position.
//!
//! We parse with serde-saphyr rather than serde_yaml: serde_yaml is archived
//! and cannot say where a wrong value sits, while serde-saphyr gives each node
//! its line and column (`Spanned<T>`), rejects duplicate keys and limits alias
//! expansion (billion-laughs documents fail fast instead of eating memory).
//!
//! The tree is untyped on purpose: turning it into typed values happens in
//! `parse`, field by field, so one file can report every wrong field at once
//! instead of stopping at the first serde error.
//!
//! Most blocks are read by [`plain`] straight from the parser's events,
//! without serde; any block it is not sure of goes through serde-saphyr.
//!
//! Syntax errors people commonly make are explained in plain words by
//! [`explain`]; the rest keep the parser's words.

mod explain;
mod plain;

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Location, Options, Spanned};

/// How deeply frontmatter values may nest.
const MAX_DEPTH: usize = 24;

use crate::diagnostic::Pos;

/// A YAML value with its position in the file as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Yaml {
    pub value: YamlValue,
    pub pos: Pos,
}

/// The shapes a YAML value can take (YAML 1.2 core schema).
#[derive(Clone, Debug, PartialEq)]
pub enum YamlValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(Yaml, Yaml)>),
}

impl YamlValue {
    /// What the user wrote, in words, for "expected a string, found a list".
    pub fn kind_name(&self) -> &'static str {
        match self {
            YamlValue::Null => "nothing",
            YamlValue::Bool(_) => "a boolean",
            YamlValue::Int(_) => "an integer",
            YamlValue::Float(_) => "a number",
            YamlValue::Str(_) => "a string",
            YamlValue::Seq(_) => "a list",
            YamlValue::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax error, positioned in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
    /// Whether the error is about tabs in the indentation of its line,
    /// which the snippet should then show (`Diagnostic::marking_tabs`).
    pub marks_tabs: bool,
}

impl YamlError {
    fn explained(found: explain::Explained, first_line: u32) -> YamlError {
        let line = u32::try_from(found.line).unwrap_or(u32::MAX);
        YamlError {
            message: found.message,
            pos: Pos::new(first_line.saturating_add(line), found.column, found.len),
            marks_tabs: found.marks_tabs,
        }
    }
}

/// Parses `yaml`, which starts on line `first_line` of its file; a
/// duplicate key is an error like any other.
///
/// An empty document is `Null`.
pub fn parse_yaml(yaml: &str, first_line: u32) -> Result<Yaml, YamlError> {
    let (root, mut errors) = parse_yaml_all(yaml, first_line);
    match root {
        Some(root) if errors.is_empty() => Ok(root),
        _ => Err(errors.swap_remove(0)),
    }
}

/// Parses `yaml`, which starts on line `first_line` of its file, and keeps
/// going past duplicate keys: each repeated key is an error at the repeat,
/// and the tree keeps the first. So a duplicate key in site.yaml or in a
/// frontmatter block is reported alongside every other problem of the run,
/// instead of hiding them. Other syntax errors leave no tree. When the tree
/// is `None`, there is at least one error.
pub fn parse_yaml_all(yaml: &str, first_line: u32) -> (Option<Yaml>, Vec<YamlError>) {
    match plain::parse_plain(yaml, first_line) {
        Some((root, errors)) => (Some(root), errors),
        None => parse_yaml_slow(yaml, first_line),
    }
}

/// [`parse_yaml_all`] through serde-saphyr, for every block: its checks,
/// limits and messages.
fn parse_yaml_slow(yaml: &str, first_line: u32) -> (Option<Yaml>, Vec<YamlError>) {
    let mut options = Options::default();
    // Repeats reach `visit_map`, which keeps them so that `convert` can
    // report each one where it is written.
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    // YAML 1.2 core schema: `yes`, `on` and `no` are strings (docs/format.md, "Content files").
    options.strict_booleans = true;
    // Frontmatter is a few levels deep; a cap well below serde-saphyr's
    // default keeps the recursive descent far from the end of a thread's
    // stack (a 10,000-deep document is refused, not a crash).
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    let parsed: Result<Spanned<RawNode>, _> = serde_saphyr::from_str_with_options(yaml, options);
    match parsed {
        Ok(root) => {
            let mut errors = Vec::new();
            let root = convert(root, yaml, first_line, &mut errors);
            (Some(root), errors)
        }
        Err(error) => {
            let location = error.location();
            let explained = location.and_then(|location| {
                let line = usize::try_from(location.line().checked_sub(1)?).ok()?;
                let column = to_u32(location.column()).max(1);
                explain::explain_error(explain::trip_kind(&error), yaml, line, column)
            });
            if let Some(found) = explained {
                return (None, vec![YamlError::explained(found, first_line)]);
            }
            let pos = location.map_or(Pos::new(first_line, 1, 1), |location| {
                Pos::new(
                    first_line.saturating_add(to_u32(location.line()).saturating_sub(1)),
                    to_u32(location.column()).max(1),
                    1,
                )
            });
            let error = YamlError {
                message: tidy_message(&error.without_snippet().to_string()),
                pos,
                marks_tabs: false,
            };
            (None, vec![error])
        }
    }
}

/// serde-saphyr's messages end with " at line L, column C" (we print our own
/// position) and speak to programmers about its options; say it for users.
fn tidy_message(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(index) => &message[..index],
        None => message,
    };
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!("duplicate key \"{key}\": each key may appear once");
    }
    if message.starts_with("budget breached: Depth") || message.contains("recursion limit") {
        return format!("values nest too deeply (more than {MAX_DEPTH} levels)");
    }
    let mut text = message.trim().to_owned();
    if let Some(first) = text.get(..1) {
        let lowered = first.to_lowercase();
        text.replace_range(..1, &lowered);
    }
    text
}

fn to_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn position(location: &Location, yaml: &str, first_line: u32) -> Pos {
    let span = location.span();
    let start = span
        .byte_offset()
        .and_then(|offset| usize::try_from(offset).ok());
    let end = span
        .byte_len()
        .and_then(|len| usize::try_from(len).ok())
        .and_then(|len| start.map(|start| start.saturating_add(len)));
    span_pos(
        yaml,
        first_line,
        usize::try_from(location.line()).unwrap_or(usize::MAX),
        usize::try_from(location.column()).unwrap_or(usize::MAX),
        start,
        end,
    )
}

/// The position in the file of a node the parser found at 1-based `line`
/// and `column` of `yaml`, which starts on line `first_line`, spanning
/// bytes `start..end` of `yaml` when known.
fn span_pos(
    yaml: &str,
    first_line: u32,
    line: usize,
    column: usize,
    start: Option<usize>,
    end: Option<usize>,
) -> Pos {
    let small = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
    let line = first_line.saturating_add(small(line).saturating_sub(1));
    let column = small(column).max(1);
    let len = match (start, end) {
        (Some(start), Some(end)) => {
            // A marked value never runs past its own line.
            let marked = yaml
                .as_bytes()
                .get(start..end.min(yaml.len()))
                .unwrap_or_default();
            marked
                .iter()
                .position(|byte| matches!(byte, b'\n' | b'\r'))
                .unwrap_or(marked.len())
        }
        _ => 1,
    };
    Pos::new(line, column, small(len))
}

/// An anchor or tag YAML dropped from the text of the scalar at
/// `location` (`title: &co pains` is the title "pains").
fn dropped_properties(location: &Location, yaml: &str) -> Option<explain::Explained> {
    let span = location.span();
    let offset = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    explain::explain_properties(yaml, offset, len)
}

fn convert(
    node: Spanned<RawNode>,
    yaml: &str,
    first_line: u32,
    errors: &mut Vec<YamlError>,
) -> Yaml {
    let pos = position(&node.referenced, yaml, first_line);
    if matches!(
        node.value,
        RawNode::Str(_) | RawNode::Int(_) | RawNode::Float(_) | RawNode::Bool(_)
    ) && let Some(found) = dropped_properties(&node.referenced, yaml)
    {
        errors.push(YamlError::explained(found, first_line));
    }
    let value = match node.value {
        RawNode::Null => YamlValue::Null,
        RawNode::Bool(b) => YamlValue::Bool(b),
        RawNode::Int(i) => YamlValue::Int(i),
        RawNode::Float(f) => YamlValue::Float(f),
        RawNode::Str(s) => YamlValue::Str(s),
        RawNode::Seq(items) => YamlValue::Seq(
            items
                .into_iter()
                .map(|item| convert(item, yaml, first_line, errors))
                .collect(),
        ),
        RawNode::Map(raw_entries) => {
            let mut entries: Vec<(Yaml, Yaml)> = Vec::with_capacity(raw_entries.len());
            for (key, value) in raw_entries {
                let key = convert(key, yaml, first_line, errors);
                let value = convert(value, yaml, first_line, errors);
                push_entry(&mut entries, key, value, errors);
            }
            YamlValue::Map(entries)
        }
    };
    Yaml { value, pos }
}

/// Adds `key: value` to a mapping's `entries`, unless the key is there
/// already: a repeat is an error at the repeated key, and the first stays.
fn push_entry(
    entries: &mut Vec<(Yaml, Yaml)>,
    key: Yaml,
    value: Yaml,
    errors: &mut Vec<YamlError>,
) {
    if entries.iter().any(|(seen, _)| seen.value == key.value) {
        errors.push(YamlError {
            message: format!(
                "duplicate key \"{}\": each key may appear once",
                key_text(&key.value)
            ),
            pos: key.pos,
            marks_tabs: false,
        });
        return;
    }
    entries.push((key, value));
}

/// A mapping key as the user wrote it, for messages.
fn key_text(key: &YamlValue) -> String {
    match key {
        YamlValue::Str(text) => text.clone(),
        YamlValue::Int(number) => number.to_string(),
        YamlValue::Bool(value) => value.to_string(),
        YamlValue::Float(number) => number.to_string(),
        YamlValue::Null => "null".to_owned(),
        other => other.kind_name().to_owned(),
    }
}

/// What serde-saphyr deserialises into: any YAML node, children spanned.
enum RawNode {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawNode, D::Error> {
        deserializer.deserialize_any(RawNodeVisitor)
    }
}

struct RawNodeVisitor;

impl<'de> Visitor<'de> for RawNodeVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawNode, E> {
        Ok(i64::try_from(v).map_or(RawNode::Float(v as f64), RawNode::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_entries(yaml: &Yaml) -> &[(Yaml, Yaml)] {
        match &yaml.value {
            YamlValue::Map(entries) => entries,
            other => panic!("expected a map, got {other:?}"),
        }
    }

    #[test]
    fn values_carry_file_positions() {
        let root = parse_yaml("title: \"héllo\"\ncategory: monolit\n", 2).unwrap();
        let entries = map_entries(&root);
        assert_eq!(entries[1].1.value, YamlValue::Str("monolit".into()));
        assert_eq!(entries[1].1.pos, Pos::new(3, 11, 7));
        assert_eq!(entries[0].1.pos.line, 2);
    }

    #[test]
    fn yaml_1_2_core_schema_scalars() {
        let root = parse_yaml("a: yes\nb: 10:30\nc: 2024\nd: 2017-11\ne: on\n", 2).unwrap();
        let values: Vec<_> = map_entries(&root).iter().map(|(_, v)| &v.value).collect();
        assert_eq!(values[0], &YamlValue::Str("yes".into()));
        assert_eq!(values[1], &YamlValue::Str("10:30".into()));
        assert_eq!(values[2], &YamlValue::Int(2024));
        assert_eq!(values[3], &YamlValue::Str("2017-11".into()));
        assert_eq!(values[4], &YamlValue::Str("on".into()));
    }

    #[test]
    fn duplicate_keys_are_syntax_errors_at_the_second_key() {
        let error = parse_yaml("a: 1\na: 2\n", 2).unwrap_err();
        assert_eq!(error.pos.line, 3);
        assert_eq!(
            error.message,
            "duplicate key \"a\": each key may appear once"
        );
    }

    #[test]
    fn every_duplicate_key_is_reported_and_the_first_kept() {
        let (root, errors) = parse_yaml_all("a: 1\nb: {c: 1, c: 2}\na: 3\n", 2);
        let lines: Vec<u32> = errors.iter().map(|e| e.pos.line).collect();
        assert_eq!(lines, [3, 4]);
        assert_eq!(errors[0].pos, Pos::new(3, 11, 1));
        let root = root.unwrap();
        let entries = map_entries(&root);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].1.value, YamlValue::Int(1));
        assert_eq!(map_entries(&entries[1].1).len(), 1);
    }

    #[test]
    fn syntax_errors_are_positioned_in_the_file() {
        let error = parse_yaml("a:\n  b: c\n d: e\n", 2).unwrap_err();
        assert_eq!(error.pos.line, 4);
        assert!(!error.message.contains("at line"));
    }

    #[test]
    fn a_value_over_several_lines_is_marked_to_the_end_of_its_first() {
        for yaml in ["a: one\n  two\nb: 1\n", "a: \"one\n  two\"\nb: 1\n"] {
            let (quick, slow) = (parse_yaml(yaml, 2), parse_yaml_slow(yaml, 2));
            assert_eq!(quick.as_ref().ok(), slow.0.as_ref());
            let root = quick.unwrap();
            let entries = map_entries(&root);
            assert_eq!(entries[0].1.value, YamlValue::Str("one two".into()));
            assert_eq!((entries[0].1.pos.line, entries[0].1.pos.column), (2, 4));
            let first_line = yaml.lines().next().unwrap();
            assert_eq!(
                entries[0].1.pos.len as usize,
                first_line.len() - 3,
                "{yaml:?}"
            );
        }
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(parse_yaml("", 2).unwrap().value, YamlValue::Null);
    }
}
