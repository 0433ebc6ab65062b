//! Pure: the CSV's header read as fields, and `--map COLUMN=FIELD`
//! ([`FieldKind`], [`parse_map`]): which column holds which field.

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};

use super::ImportOptions;

/// What a column of the CSV holds (`--map COLUMN=FIELD`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldKind {
    Slug,
    Title,
    Category,
    Section,
    Status,
    Occurrences,
    Teams,
    FirstSeen,
    LastSeen,
    Tags,
    Links,
    Resolution,
    About,
    Anecdotes,
    Team,
    Date,
    Text,
    Body,
    Ignore,
}

impl FieldKind {
    /// Every field, by the name a header or `--map` gives it.
    pub const ALL: [(&'static str, FieldKind); 19] = [
        ("slug", FieldKind::Slug),
        ("title", FieldKind::Title),
        ("category", FieldKind::Category),
        ("section", FieldKind::Section),
        ("status", FieldKind::Status),
        ("occurrences", FieldKind::Occurrences),
        ("teams", FieldKind::Teams),
        ("first_seen", FieldKind::FirstSeen),
        ("last_seen", FieldKind::LastSeen),
        ("tags", FieldKind::Tags),
        ("links", FieldKind::Links),
        ("resolution", FieldKind::Resolution),
        ("about", FieldKind::About),
        ("anecdotes", FieldKind::Anecdotes),
        ("team", FieldKind::Team),
        ("date", FieldKind::Date),
        ("text", FieldKind::Text),
        ("body", FieldKind::Body),
        ("ignore", FieldKind::Ignore),
    ];

    /// The field a header names: its name in any case, with spaces or
    /// `-` for `_` (`First seen` is `first_seen`).
    pub fn from_name(name: &str) -> Option<FieldKind> {
        let name = name.trim().to_lowercase().replace([' ', '-'], "_");
        FieldKind::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, field)| *field)
    }

    pub fn name(self) -> &'static str {
        FieldKind::ALL
            .iter()
            .find(|(_, field)| *field == self)
            .map_or("ignore", |(name, _)| name)
    }

    fn names() -> impl Iterator<Item = &'static str> {
        FieldKind::ALL.iter().map(|(name, _)| *name)
    }
}

/// `--map COLUMN=FIELD`: the column's name as the header writes it, and
/// the field it holds. The last `=` splits, so a column's name may hold
/// one.
pub fn parse_map(text: &str) -> Result<(String, FieldKind), String> {
    let Some((column, field)) = text.rsplit_once('=') else {
        return Err(format!(
            "expected COLUMN=FIELD, as in \"Incident name=title\"; fields: {}",
            FieldKind::names().collect::<Vec<_>>().join(", ")
        ));
    };
    if column.trim().is_empty() {
        return Err("the column's name before '=' is empty".to_owned());
    }
    match FieldKind::from_name(field) {
        Some(kind) => Ok((column.trim().to_owned(), kind)),
        None => Err(format!(
            "unknown field \"{field}\"{}; fields: {}",
            hint(field, FieldKind::names()),
            FieldKind::names().collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Which column holds which field; `None` for a column without a name.
pub(super) struct Columns {
    pub(super) fields: Vec<Option<FieldKind>>,
    pub(super) names: Vec<String>,
}

pub(super) fn read_header(
    file: &str,
    header: &csv::StringRecord,
    options: &ImportOptions,
    fatal: &mut Vec<Diagnostic>,
) -> Option<Columns> {
    let at = |column: usize| Pos::new(1, u32::try_from(column + 1).unwrap_or(u32::MAX), 0);
    let names: Vec<String> = header.iter().map(|name| name.trim().to_owned()).collect();
    let mut fields = Vec::with_capacity(names.len());
    let mut used_maps = vec![false; options.maps.len()];
    for (column, name) in names.iter().enumerate() {
        let mapped = options
            .maps
            .iter()
            .position(|(wanted, _)| wanted.to_lowercase() == name.to_lowercase());
        let field = match mapped {
            Some(index) => {
                if let Some(used) = used_maps.get_mut(index) {
                    *used = true;
                }
                options.maps.get(index).map(|(_, field)| *field)
            }
            None if name.is_empty() => None,
            None => match FieldKind::from_name(name) {
                Some(field) => Some(field),
                None => {
                    fatal.push(Diagnostic::in_file(
                        CodeKind::UnknownField,
                        format!(
                            "unknown column \"{name}\"{}: map it to a field with --map \"{name}=FIELD\" or leave it out with --map \"{name}=ignore\" (fields: {})",
                            hint(&name.to_lowercase(), FieldKind::names()),
                            FieldKind::names().collect::<Vec<_>>().join(", ")
                        ),
                        file,
                        at(column),
                    ));
                    None
                }
            },
        };
        if let Some(field) = field.filter(|f| *f != FieldKind::Ignore)
            && let Some(first) = fields.iter().position(|f| *f == Some(field))
        {
            fatal.push(Diagnostic::in_file(
                CodeKind::InvalidValue,
                format!(
                    "columns \"{}\" and \"{name}\" both hold \"{}\": map one of them to another field, or to ignore",
                    names.get(first).map_or("", String::as_str),
                    field.name()
                ),
                file,
                at(column),
            ));
        }
        fields.push(field);
    }
    for ((wanted, _), used) in options.maps.iter().zip(used_maps) {
        if !used {
            fatal.push(Diagnostic::in_file(
                CodeKind::InvalidValue,
                format!(
                    "--map names the column \"{wanted}\", which the header does not have{}; its columns: {}",
                    hint(wanted, names.iter().map(String::as_str)),
                    names
                        .iter()
                        .filter(|name| !name.is_empty())
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                file,
                Pos::new(1, 1, 0),
            ));
        }
    }
    for required in [FieldKind::Title, FieldKind::Category] {
        if !fields.contains(&Some(required)) {
            let name = required.name();
            fatal.push(Diagnostic::in_file(
                CodeKind::MissingField,
                format!(
                    "no column holds \"{name}\": name one \"{name}\" in the header, or map one with --map \"COLUMN={name}\""
                ),
                file,
                Pos::new(1, 1, 0),
            ));
        }
    }
    fatal.is_empty().then_some(Columns { fields, names })
}
