//! `frictionlog report` (I/O: it edits an incident file on disk): one
//! team's anecdote appended to an existing incident file, in place, with
//! every other byte of the file kept as written (comments, key order,
//! quoting, line endings).
//!
//! The edit is made on the text, not by writing the YAML out again (which
//! would drop comments and change quoting): the parser's positions say
//! where the `anecdotes` list is, and the new item goes after its last
//! line, in the style of the items before it. Shapes that cannot be edited
//! that way (a `[...]` list spanning lines) are refused with a diagnostic.
//! Every edit is then proved rather than trusted: the result must parse to
//! the same YAML plus exactly the new item, and pass the real parser and
//! validator with the rest of the site, or nothing is written.
//!
//! The parts: [`edit`] makes the edit and proves it, and [`site`] holds
//! the site parsed once to validate it with the edited file in place;
//! both are pure, tested on strings. [`io`] reads the site, holds a file
//! lock around the read-modify-write (two `report`s to one file take
//! turns, so neither anecdote is lost) and replaces the file atomically.

mod edit;
mod io;
mod site;

use crate::model::Date;
use crate::scaffold::yaml_string;

pub use edit::{append_anecdote, check_appended};
pub use io::{ReportError, Reported, report_anecdote};
pub use site::{ParsedSite, errors_of_edit};

/// The anecdote to add.
#[derive(Clone, Copy, Debug)]
pub struct AnecdoteDraft<'a> {
    pub team: &'a str,
    /// `None`: undated.
    pub date: Option<Date>,
    pub text: Option<&'a str>,
}

impl AnecdoteDraft<'_> {
    /// The anecdote as a YAML flow mapping: `{team: "Web", date: 2024-05}`.
    fn flow_mapping(&self) -> String {
        self.fields()
            .iter()
            .map(|(key, value)| format!("{key}: {value}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Its keys and their values as written into the file.
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![("team", yaml_string(self.team))];
        if let Some(date) = self.date {
            fields.push(("date", date.to_string()));
        }
        if let Some(text) = self.text {
            fields.push(("text", yaml_string(text)));
        }
        fields
    }
}
