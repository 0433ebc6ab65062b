//! `content/reviews/<YYYY-MM-DD>.md`: a review's keys and how they are read.
//! Pure.

use super::SourceFile;
use super::reporter::Reporter;
use crate::diagnostic::{CodeKind, Diagnostic, Pos};
use crate::model::{Date, PrecisionKind, Review, ReviewEntry};
use crate::yaml::YamlValue;

pub(super) const REVIEW_KEYS: &[&str] = &["date", "categories"];
pub(super) const REVIEW_ENTRY_KEYS: &[&str] = &["votes", "status", "recorded"];

/// Parses `content/reviews/<YYYY-MM-DD>.md`.
pub fn parse_review(file: &SourceFile) -> (Option<Review>, Vec<Diagnostic>) {
    let mut r = Reporter::new(file);
    let name_date = Date::parse(&file.slug).filter(|d| d.precision == PrecisionKind::Day);
    if name_date.is_none() {
        let slug = file.slug.clone();
        r.error(
            CodeKind::InvalidSlug,
            format!("review file name \"{slug}\" is not a date: name review files YYYY-MM-DD.md after the meeting's day"),
            Pos::new(1, 1, 3),
        );
    }
    let Some((root, body, body_line)) = r.frontmatter() else {
        return r.finish(None);
    };
    let Some(fields) = r.fields(&root, REVIEW_KEYS, "a review", true) else {
        return r.finish(None);
    };
    let date = r.required(&fields, "date").and_then(|y| {
        let date = r.date(y, "date")?;
        if date.precision != PrecisionKind::Day {
            r.error(
                CodeKind::InvalidDate,
                format!("a review's date needs a day: expected YYYY-MM-DD, found \"{date}\""),
                y.pos,
            );
            return None;
        }
        if let Some(named) = name_date.filter(|named| *named != date) {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "date {date} differs from the file name's date {named}: they must be equal"
                ),
                y.pos,
            );
        }
        Some(date)
    });
    let mut categories = Vec::new();
    if let Some(yaml) = fields.get("categories") {
        match &yaml.value {
            YamlValue::Map(entries) => {
                for (key, value) in entries {
                    let Some(slug) = r.located_string(key, "categories") else {
                        continue;
                    };
                    let Some(entry_fields) =
                        r.fields(value, REVIEW_ENTRY_KEYS, "a review entry", false)
                    else {
                        continue;
                    };
                    let entry = ReviewEntry {
                        votes: entry_fields.get("votes").and_then(|y| r.integer(y, "votes", 0)),
                        status: entry_fields
                            .get("status")
                            .and_then(|y| r.located_string(y, "status")),
                        recorded: entry_fields
                            .get("recorded")
                            .and_then(|y| r.integer(y, "recorded", 0)),
                    };
                    categories.push((slug, entry));
                }
            }
            other => r.error(
                CodeKind::InvalidValue,
                format!(
                    "expected \"categories\" to map category slugs to {{votes, status, recorded}}, found {}",
                    other.kind_name()
                ),
                yaml.pos,
            ),
        }
    }
    let review = date.map(|date| Review {
        date,
        path: file.path.clone(),
        categories,
        body: body.to_owned(),
        body_line,
    });
    r.finish(review)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tests::{codes, file};

    #[test]
    fn review_date_must_match_its_file_name() {
        let (review, d) = parse_review(&file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-16\ncategories:\n  monolith: {votes: 2, status: nope, recorded: 14}\n  fed: {}\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-value", 2, 7)]);
        let review = review.unwrap();
        assert_eq!(review.categories.len(), 2);
        assert_eq!(review.categories[0].1.votes, Some(2));
        assert_eq!(review.categories[1].1, ReviewEntry::default());
        let (_, d) = parse_review(&file(
            "content/reviews/october.md",
            "---\ndate: 2018-10-15\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-slug", 1, 1)]);
    }
}
