//! Splitting a content file into its YAML frontmatter and Markdown body.
//!
//! Our own code rather than a crate's, because positions matter: every later
//! diagnostic is "line in the YAML + the line the YAML starts on", so the split
//! must know exactly where each part begins in the file as written. Accepts a
//! UTF-8 byte-order mark, CRLF line endings and trailing blanks on the
//! delimiter lines (docs/format.md, "Content files").

/// A content file cut in two.
#[derive(Debug, PartialEq, Eq)]
pub struct Frontmatter<'a> {
    /// The YAML between the delimiter lines.
    pub yaml: &'a str,
    /// The 1-based line of the file the YAML starts on.
    pub yaml_line: u32,
    /// Everything after the closing delimiter line.
    pub body: &'a str,
    /// The 1-based line of the file the body starts on.
    pub body_line: u32,
}

/// Why a file has no usable frontmatter.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum SplitErrorKind {
    /// The file does not start with a `---` line.
    Missing,
    /// The opening `---` line is never closed.
    Unclosed,
}

/// Splits `text` into frontmatter and body.
pub fn split_frontmatter(text: &str) -> Result<Frontmatter<'_>, SplitErrorKind> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = LineCursor { text, offset: 0 };
    match lines.next_line() {
        Some(first) if is_delimiter(first) => {}
        _ => return Err(SplitErrorKind::Missing),
    }
    let yaml_start = lines.offset;
    let mut line_number: u32 = 1;
    loop {
        let line_start = lines.offset;
        let Some(line) = lines.next_line() else {
            return Err(SplitErrorKind::Unclosed);
        };
        line_number += 1;
        if is_delimiter(line) {
            return Ok(Frontmatter {
                yaml: &text[yaml_start..line_start],
                yaml_line: 2,
                body: &text[lines.offset..],
                body_line: line_number + 1,
            });
        }
    }
}

/// `---` with nothing after it but blanks and the line ending.
fn is_delimiter(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.trim_end_matches([' ', '\t', '\r', '\n']).is_empty())
}

/// Walks lines of a string, each with its line ending, tracking the offset.
struct LineCursor<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> LineCursor<'a> {
    fn next_line(&mut self) -> Option<&'a str> {
        let rest = self.text.get(self.offset..)?;
        if rest.is_empty() {
            return None;
        }
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        self.offset += end;
        rest.get(..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_body_with_their_lines() {
        let fm = split_frontmatter("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(fm.yaml, "title: A\n");
        assert_eq!(fm.yaml_line, 2);
        assert_eq!(fm.body, "Body\n");
        assert_eq!(fm.body_line, 4);
    }

    #[test]
    fn accepts_bom_crlf_and_trailing_blanks() {
        let fm = split_frontmatter("\u{feff}---  \r\ntitle: A\r\n---\t\r\nBody\r\n").unwrap();
        assert_eq!(fm.yaml, "title: A\r\n");
        assert_eq!(fm.body, "Body\r\n");
    }

    #[test]
    fn empty_frontmatter_and_no_body() {
        let fm = split_frontmatter("---\n---").unwrap();
        assert_eq!(fm.yaml, "");
        assert_eq!(fm.body, "");
    }

    #[test]
    fn missing_and_unclosed_blocks_are_told_apart() {
        assert_eq!(split_frontmatter(""), Err(SplitErrorKind::Missing));
        assert_eq!(
            split_frontmatter("title: A\n"),
            Err(SplitErrorKind::Missing)
        );
        assert_eq!(split_frontmatter("----\n"), Err(SplitErrorKind::Missing));
        assert_eq!(
            split_frontmatter("---\ntitle: A\n"),
            Err(SplitErrorKind::Unclosed)
        );
    }

    #[test]
    fn a_dashed_line_inside_the_body_is_not_a_delimiter() {
        let fm = split_frontmatter("---\na: 1\n---\ntext\n---\nmore\n").unwrap();
        assert_eq!(fm.yaml, "a: 1\n");
        assert_eq!(fm.body, "text\n---\nmore\n");
    }
}
