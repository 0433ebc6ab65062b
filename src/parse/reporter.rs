//! The [`Reporter`] every kind of file is read with: its frontmatter block,
//! and readers of its YAML values (text, numbers, dates, lists, mappings)
//! that report each problem where it is written. Pure.

use super::SourceFile;
use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::frontmatter::{SplitErrorKind, split_frontmatter};
use crate::model::{Date, Located, date_problem, is_valid_slug, slugify};
use crate::yaml::{Yaml, YamlValue, parse_yaml_all};

/// Diagnostics of one file, made with its path and text at hand.
pub(super) struct Reporter<'a> {
    file: &'a SourceFile,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    pub(super) fn new(file: &'a SourceFile) -> Reporter<'a> {
        Reporter {
            file,
            diagnostics: Vec::new(),
        }
    }

    pub(super) fn error(&mut self, code: CodeKind, message: impl Into<String>, pos: Pos) {
        self.diagnostics.push(Diagnostic::at(
            code,
            message,
            &self.file.path,
            &self.file.text,
            pos,
        ));
    }

    /// Checks the file name is a valid slug (`invalid-slug` at 1:1).
    pub(super) fn check_slug(&mut self, kind: &str) {
        if !is_valid_slug(&self.file.slug) {
            let slug = self.file.slug.clone();
            let fixed = slugify(&slug);
            let rename = if fixed.is_empty() {
                String::new()
            } else {
                format!(" (rename it to \"{fixed}.md\")")
            };
            self.error(
                CodeKind::InvalidSlug,
                format!(
                    "{kind} file name \"{slug}\" is not a valid slug: use lower-case letters, digits and '-', starting with a letter or digit{rename}"
                ),
                Pos::new(1, 1, 3),
            );
        }
    }

    /// The frontmatter's YAML root and the body, or `None` after reporting
    /// why there is none.
    pub(super) fn frontmatter(&mut self) -> Option<(Yaml, &'a str, u32)> {
        let text = self.file.text.as_str();
        match split_frontmatter(text) {
            Ok(fm) => {
                let root = self.yaml(fm.yaml, fm.yaml_line)?;
                Some((root, fm.body, fm.body_line))
            }
            Err(SplitErrorKind::Missing) => {
                self.error(
                    CodeKind::MissingFrontmatter,
                    "file does not start with a `---` line: content files begin with a YAML frontmatter block between two `---` lines",
                    Pos::new(1, 1, 1),
                );
                None
            }
            Err(SplitErrorKind::Unclosed) => {
                self.error(
                    CodeKind::MissingFrontmatter,
                    "frontmatter block is never closed: add a `---` line after the YAML",
                    Pos::new(1, 1, 3),
                );
                None
            }
        }
    }

    /// The YAML tree, reporting every syntax error; a duplicate key is
    /// reported and the rest of the file still checked.
    pub(super) fn yaml(&mut self, yaml: &str, first_line: u32) -> Option<Yaml> {
        let (root, errors) = parse_yaml_all(yaml, first_line);
        for error in errors {
            let diagnostic = Diagnostic::at(
                CodeKind::YamlSyntax,
                error.message,
                &self.file.path,
                &self.file.text,
                error.pos,
            );
            self.diagnostics.push(if error.marks_tabs {
                diagnostic.marking_tabs()
            } else {
                diagnostic
            });
        }
        root
    }

    /// Opens a mapping, reporting keys outside `allowed` as `unknown-field`.
    /// `None` (reported) when the value is not a mapping; `Null` is empty.
    pub(super) fn fields<'y>(
        &mut self,
        yaml: &'y Yaml,
        allowed: &[&'static str],
        what: &str,
        top_level: bool,
    ) -> Option<Fields<'y>> {
        let entries: &[(Yaml, Yaml)] = match &yaml.value {
            YamlValue::Map(entries) => entries,
            YamlValue::Null => &[],
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected {what} to be a mapping of keys to values, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                return None;
            }
        };
        let mut kept = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let YamlValue::Str(name) = &key.value else {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected a text key in {what}, found {}",
                        key.value.kind_name()
                    ),
                    key.pos,
                );
                continue;
            };
            if allowed.contains(&name.as_str()) {
                kept.push((name.as_str(), key, value));
            } else {
                let suggestion = hint(name, allowed.iter().copied());
                let known = if suggestion.is_empty() {
                    format!("; known keys: {}", allowed.join(", "))
                } else {
                    String::new()
                };
                self.error(
                    CodeKind::UnknownField,
                    format!("unknown key \"{name}\" in {what}{suggestion}{known}"),
                    key.pos,
                );
            }
        }
        Some(Fields {
            entries: kept,
            pos: yaml.pos,
            top_level,
            what: what.to_owned(),
        })
    }

    /// A present, non-null value for `name`, or a `missing-field` error.
    pub(super) fn required<'y>(&mut self, fields: &Fields<'y>, name: &str) -> Option<&'y Yaml> {
        match fields.get_entry(name) {
            Some((_, value)) if value.value != YamlValue::Null => Some(value),
            Some((key, _)) => {
                self.error(
                    CodeKind::MissingField,
                    format!("\"{name}\" in {} has no value", fields.what),
                    key.pos,
                );
                None
            }
            None => {
                let pos = if fields.top_level {
                    Pos::new(1, 1, 3)
                } else {
                    fields.pos
                };
                self.error(
                    CodeKind::MissingField,
                    format!("missing required key \"{name}\" in {}", fields.what),
                    pos,
                );
                None
            }
        }
    }

    pub(super) fn string(&mut self, yaml: &Yaml, name: &str) -> Option<String> {
        match &yaml.value {
            YamlValue::Str(text) => Some(text.clone()),
            YamlValue::Int(number) => Some(number.to_string()),
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be text, found {} (put it in quotes)",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                None
            }
        }
    }

    /// One of `names`, made into a `T` by `from_name`; anything else is
    /// `invalid-value` with a did-you-mean.
    pub(super) fn choice<T>(
        &mut self,
        yaml: &Yaml,
        name: &str,
        names: &[&str],
        from_name: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let text = self.string(yaml, name)?;
        let value = from_name(&text);
        if value.is_none() {
            self.error(
                CodeKind::InvalidValue,
                format!(
                    "invalid {name} \"{text}\"{}: expected one of {}",
                    hint(&text, names.iter().copied()),
                    names.join(", ")
                ),
                yaml.pos,
            );
        }
        value
    }

    pub(super) fn non_empty_string(&mut self, yaml: &Yaml, name: &str) -> Option<String> {
        let text = self.string(yaml, name)?;
        if text.trim().is_empty() {
            self.error(
                CodeKind::InvalidValue,
                format!("\"{name}\" must not be empty"),
                yaml.pos,
            );
            return None;
        }
        Some(text)
    }

    pub(super) fn located_string(&mut self, yaml: &Yaml, name: &str) -> Option<Located<String>> {
        let value = self.non_empty_string(yaml, name)?;
        Some(Located {
            value,
            pos: yaml.pos,
        })
    }

    pub(super) fn optional_string(&mut self, fields: &Fields<'_>, name: &str) -> Option<String> {
        let yaml = fields.get(name)?;
        self.string(yaml, name)
    }

    pub(super) fn integer(&mut self, yaml: &Yaml, name: &str, min: u32) -> Option<u32> {
        let number = match &yaml.value {
            YamlValue::Int(number) => *number,
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be a whole number >= {min}, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                return None;
            }
        };
        match u32::try_from(number) {
            Ok(value) if value >= min => Some(value),
            _ => {
                self.error(
                    CodeKind::InvalidValue,
                    format!("\"{name}\" must be a whole number >= {min}, found {number}"),
                    yaml.pos,
                );
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, yaml: &Yaml, name: &str) -> Option<bool> {
        match &yaml.value {
            YamlValue::Bool(value) => Some(*value),
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be true or false, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                None
            }
        }
    }

    pub(super) fn date(&mut self, yaml: &Yaml, name: &str) -> Option<Date> {
        let parsed = match &yaml.value {
            YamlValue::Int(year) => Date::from_year(*year),
            YamlValue::Str(text) => Date::parse(text.trim()),
            _ => None,
        };
        if parsed.is_none() {
            let shown = match &yaml.value {
                YamlValue::Str(text) => format!("\"{text}\""),
                YamlValue::Int(number) => number.to_string(),
                other => other.kind_name().to_owned(),
            };
            let problem = match &yaml.value {
                YamlValue::Str(text) => date_problem(text.trim()),
                YamlValue::Int(year) if (0..=9999).contains(year) => {
                    date_problem(&format!("{year:04}"))
                }
                _ => "expected YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)".to_owned(),
            };
            self.error(
                CodeKind::InvalidDate,
                format!("invalid date {shown} for \"{name}\": {problem}"),
                yaml.pos,
            );
        }
        parsed
    }

    /// A list, or `None` (reported) when it is something else; null is empty.
    pub(super) fn list<'y>(&mut self, yaml: &'y Yaml, name: &str) -> Option<&'y [Yaml]> {
        match &yaml.value {
            YamlValue::Seq(items) => Some(items),
            YamlValue::Null => Some(&[]),
            other => {
                self.error(
                    CodeKind::InvalidValue,
                    format!(
                        "expected \"{name}\" to be a list, found {}",
                        other.kind_name()
                    ),
                    yaml.pos,
                );
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, yaml: &Yaml, name: &str) -> Vec<String> {
        let Some(items) = self.list(yaml, name) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| self.non_empty_string(item, name))
            .collect()
    }

    pub(super) fn finish<T>(self, value: Option<T>) -> (Option<T>, Vec<Diagnostic>) {
        (value, self.diagnostics)
    }
}

/// The known keys of one YAML mapping.
pub(super) struct Fields<'y> {
    entries: Vec<(&'y str, &'y Yaml, &'y Yaml)>,
    pub(super) pos: Pos,
    top_level: bool,
    what: String,
}

impl<'y> Fields<'y> {
    pub(super) fn get_entry(&self, name: &str) -> Option<(&'y Yaml, &'y Yaml)> {
        self.entries
            .iter()
            .find(|(key, _, _)| *key == name)
            .map(|(_, key, value)| (*key, *value))
    }

    /// The value of `name` unless absent or null.
    pub(super) fn get(&self, name: &str) -> Option<&'y Yaml> {
        self.get_entry(name)
            .map(|(_, value)| value)
            .filter(|value| value.value != YamlValue::Null)
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::parse_incident;
    use crate::parse::tests::{codes, file};

    #[test]
    fn frontmatter_problems() {
        let (_, d) = parse_incident(&file("content/incidents/x.md", "title: A\n"));
        assert_eq!(codes(&d), vec![("missing-frontmatter", 1, 1)]);
        let (_, d) = parse_incident(&file("content/incidents/x.md", "---\ntitle: A\n"));
        assert_eq!(codes(&d), vec![("missing-frontmatter", 1, 1)]);
        let (_, d) = parse_incident(&file("content/incidents/x.md", "---\ntitle: [A\n---\n"));
        assert_eq!(codes(&d)[0].0, "yaml-syntax");
    }

    #[test]
    fn invalid_slug_is_reported_at_the_start() {
        let (_, d) = parse_incident(&file(
            "content/incidents/Bad_Name.md",
            "---\ntitle: A\ncategory: m\n---\n",
        ));
        assert_eq!(codes(&d), vec![("invalid-slug", 1, 1)]);
    }
}
