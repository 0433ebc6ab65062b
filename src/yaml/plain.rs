//! The quick path: a block of mappings, lists and scalars, with nothing
//! that needs serde-saphyr's machinery, built straight from the parser's
//! events (granit-parser, the parser serde-saphyr itself runs on).
//!
//! Nearly every frontmatter block is like that, and serde-saphyr's path
//! (a `Spanned` wrapper at every node, its budget and anchor bookkeeping)
//! costs more than twice the parse itself. This path answers only where it
//! is sure to give the tree serde-saphyr would: anything else — an anchor,
//! an alias, a tag, a directive, a merge key, a scalar that might not be a
//! plain string or decimal, nesting past the limit, a syntax error —
//! returns `None`, and [`super::parse_yaml_all`] reads the block the slow
//! way, with its checks and its messages. The tests hold the two paths to
//! the same trees.

use granit_parser::{Event, Parser, ScalarStyle, Span};

use super::{MAX_DEPTH, Yaml, YamlError, YamlValue, push_entry, span_pos};

/// Blocks longer than this go the slow way, under serde-saphyr's budget.
const MAX_LEN: usize = 16 * 1024;

/// The tree of `yaml` (which starts on line `first_line` of its file) and
/// its duplicate-key errors, or `None` when serde-saphyr must read it.
pub(super) fn parse_plain(yaml: &str, first_line: u32) -> Option<(Yaml, Vec<YamlError>)> {
    if yaml.len() > MAX_LEN {
        return None;
    }
    let mut reader = Reader {
        parser: Parser::new_from_str(yaml),
        yaml,
        first_line,
        errors: Vec::new(),
    };
    let Event::StreamStart = reader.next()?.0 else {
        return None;
    };
    let Event::DocumentStart(_, None) = reader.next()?.0 else {
        return None;
    };
    let (first, span) = reader.next()?;
    let root = reader.node(first, span, 0)?;
    let Event::DocumentEnd = reader.next()?.0 else {
        return None;
    };
    let Event::StreamEnd = reader.next()?.0 else {
        return None;
    };
    Some((root, reader.errors))
}

struct Reader<'a> {
    parser: Parser<'a, granit_parser::StrInput<'a>>,
    yaml: &'a str,
    first_line: u32,
    errors: Vec<YamlError>,
}

impl<'a> Reader<'a> {
    /// The next event; `None` at the end or at a syntax error.
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        self.parser.next()?.ok()
    }

    fn pos(&self, span: &Span) -> crate::diagnostic::Pos {
        span_pos(
            self.yaml,
            self.first_line,
            span.start.line(),
            span.start.col() + 1,
            span.start.byte_offset(),
            span.end.byte_offset(),
        )
    }

    /// The node that `event` starts, `depth` collections deep.
    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Option<Yaml> {
        let pos = self.pos(&span);
        let value = match event {
            Event::Scalar(text, style, 0, None) => scalar(&text, style)?,
            Event::SequenceStart(_, 0, None) if depth < MAX_DEPTH => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if let Event::SequenceEnd = event {
                        break;
                    }
                    items.push(self.node(event, span, depth + 1)?);
                }
                YamlValue::Seq(items)
            }
            Event::MappingStart(_, 0, None) if depth < MAX_DEPTH => {
                let mut entries: Vec<(Yaml, Yaml)> = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if let Event::MappingEnd = event {
                        break;
                    }
                    let key = self.node(event, span, depth + 1)?;
                    if matches!(&key.value, YamlValue::Str(text) if text == "<<") {
                        return None;
                    }
                    let (event, span) = self.next()?;
                    let value = self.node(event, span, depth + 1)?;
                    push_entry(&mut entries, key, value, &mut self.errors);
                }
                YamlValue::Map(entries)
            }
            _ => return None,
        };
        Some(Yaml { value, pos })
    }
}

/// A scalar's value under the YAML 1.2 core schema with strict booleans,
/// or `None` where serde-saphyr's reading must decide.
fn scalar(text: &str, style: ScalarStyle) -> Option<YamlValue> {
    if !matches!(style, ScalarStyle::Plain) {
        return Some(YamlValue::Str(text.to_owned()));
    }
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if first.is_ascii_digit() {
        if bytes.iter().all(u8::is_ascii_digit) && (first != b'0' || bytes.len() == 1) {
            // Too big for an i64 goes the slow way.
            return text.parse::<i64>().ok().map(YamlValue::Int);
        }
        return is_date_or_time(bytes).then(|| YamlValue::Str(text.to_owned()));
    }
    if first.is_ascii_alphabetic() {
        // Words a reading could take for a null, a boolean or a number
        // (`yes` and `on` are strings in YAML 1.2).
        const WORDS: [&str; 6] = ["null", "true", "false", "inf", "infinity", "nan"];
        if WORDS.iter().any(|word| text.eq_ignore_ascii_case(word)) {
            return None;
        }
        return Some(YamlValue::Str(text.to_owned()));
    }
    if b"~.+-".contains(&first) {
        return None;
    }
    Some(YamlValue::Str(text.to_owned()))
}

/// Digits with `-` or `:` between them (`2017-10`, `2017-10-02`,
/// `10:30`), which YAML 1.2 reads as strings.
fn is_date_or_time(bytes: &[u8]) -> bool {
    bytes.last().is_some_and(u8::is_ascii_digit)
        && bytes.iter().any(|byte| matches!(byte, b'-' | b':'))
        && bytes.windows(2).all(|pair| {
            pair.iter().all(u8::is_ascii_digit)
                || matches!(pair, [digit, b'-' | b':'] | [b'-' | b':', digit] if digit.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::yaml::parse_yaml_slow;

    /// The quick path answers `yaml` and agrees with serde-saphyr's.
    fn agrees(yaml: &str) -> bool {
        let slow = parse_yaml_slow(yaml, 2);
        match parse_plain(yaml, 2) {
            Some((tree, errors)) => {
                assert_eq!((Some(tree), errors), slow, "{yaml:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn a_usual_frontmatter_block_takes_the_quick_path_to_the_same_tree() {
        let blocks = [
            "title: \"Incident 1: heartbeat gateway throttle\"\ncategory: \"data-loss\"\nstatus: \"sad\"\nanecdotes:\n  - team: \"notify\"\n    date: \"2020-01-01\"\n    text: \"Snapshot restore resolver job.\"\n",
            "title: Endpoint versioning is hard to use\ncategory: monolith\nstatus: [sad, blocked]\noccurrences: 3\nanecdotes:\n  - team: Learner\n    date: 2017-11-02\n    text: >\n      Folded text\n      over two lines.\n  - text: |\n      Kept\n      lines, é and ✓\n",
            "tags: [api, \"versioning\"]\nlinks:\n  - {title: Wiki, url: 'https://example.com/a?b=1'}\n",
            "a: 1\na: 2\nb: {c: 1, c: 2}\n",
            "title: héllo wörld\ncategory: monolit\non: yes\nn: No\n",
            "x: /path\ny: (aside)\nz: 0\nw: 9223372036854775807\n",
            "title: Windows\r\nanecdotes:\r\n  - team: a\r\n    text: \"b\"\r\n",
            "title:\tTabbed\ntags: [ a ,\tb ]\n",
        ];
        for block in blocks {
            assert!(agrees(block), "took the slow path: {block:?}");
        }
    }

    #[test]
    fn what_the_quick_path_is_not_sure_of_goes_the_slow_way() {
        let blocks = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: ~\n",
            "a:\n",
            "a: true\n",
            "a: .inf\n",
            "a: -1\n",
            "a: 1.5\n",
            "a: 0x1F\n",
            "a: 007\n",
            "a: 99999999999999999999\n",
            "a: nan\n",
            "<<: {a: 1}\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: [1\n",
            "a: 1\n---\nb: 2\n",
            "",
        ];
        for block in blocks {
            assert!(
                parse_plain(block, 2).is_none(),
                "took the quick path: {block:?}"
            );
        }
        let deep = format!("a: {}1{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_plain(&deep, 2).is_none());
    }

    #[test]
    fn every_bundled_content_file_takes_the_quick_path_to_the_same_tree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut quick = 0;
        let mut files = 0;
        for folder in ["content", "fuzz/corpus/content"] {
            for entry in walkdir::WalkDir::new(root.join(folder)) {
                let entry = entry.unwrap();
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let Ok(front) = crate::frontmatter::split_frontmatter(&text) else {
                    continue;
                };
                files += 1;
                quick += usize::from(agrees(front.yaml));
            }
        }
        assert!(files > 60 && quick * 10 > files * 9, "{quick} of {files}");
    }

    fn scalar_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 .:_/+~#'\"-]{0,12}",
            "[0-9]{1,20}",
            "[0-9]{4}-[0-9]{2}(-[0-9]{2})?",
            "[0-9]{1,3}([-:][0-9]{1,3}){0,3}[-:]?",
            "(null|Null|NULL|true|True|False|yes|No|on|OFF|y|N|inf|NaN|Infinity|\\.inf|-\\.Inf|1e3|0o17|0x1f|1_000)",
            "[é✓ü a-z]{1,6}",
        ]
    }

    fn block() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            scalar_text(),
            scalar_text().prop_map(|s| format!("\"{}\"", s.replace(['"', '\\'], ""))),
            prop::collection::vec(scalar_text(), 0..3)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            scalar_text().prop_map(|s| format!("\n  - {s}\n  - x")),
        ];
        let line_end = prop_oneof!["\n", "\r\n"];
        (prop::collection::vec(("[a-z]{1,3}", value), 1..5), line_end).prop_map(
            |(entries, line_end)| {
                entries
                    .into_iter()
                    .map(|(key, value)| format!("{key}: {value}\n").replace('\n', &line_end))
                    .collect()
            },
        )
    }

    proptest! {
        #[test]
        fn where_the_quick_path_answers_it_agrees_with_serde_saphyr(yaml in block()) {
            agrees(&yaml);
        }
    }
}
