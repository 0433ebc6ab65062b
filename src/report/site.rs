//! Pure: the site's files parsed once ([`ParsedSite`]), to validate the
//! site with the edited file in place, and which errors are the edit's.

use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::load::ContentFiles;
use crate::model::{Category, Incident, Review, SiteConfig};
use crate::parse::{SourceFile, parse_category, parse_incident, parse_review, parse_site_config};
use crate::validate::{Sources, validate_site};

/// The site's files parsed once, so that the site can be validated with
/// one incident's text swapped for another without parsing the rest again.
pub struct ParsedSite<'c> {
    content: &'c ContentFiles,
    config: Option<SiteConfig>,
    categories: Vec<Category>,
    /// Per incident file, in path order: its parsed value, if it parsed.
    incidents: Vec<Option<Arc<Incident>>>,
    reviews: Vec<Review>,
}

impl<'c> ParsedSite<'c> {
    /// Parses every file of `content` (in parallel, as a build does).
    pub fn parse(content: &'c ContentFiles) -> ParsedSite<'c> {
        ParsedSite {
            content,
            config: content
                .site
                .as_ref()
                .and_then(|file| parse_site_config(file).0),
            categories: content
                .categories
                .par_iter()
                .filter_map(|file| parse_category(file).0)
                .collect(),
            incidents: content
                .incidents
                .par_iter()
                .map(|file| parse_incident(file).0.map(Arc::new))
                .collect(),
            reviews: content
                .reviews
                .par_iter()
                .filter_map(|file| parse_review(file).0)
                .collect(),
        }
    }

    /// The errors of the whole site with the incident file at `path`
    /// reading `text`: the parse errors of that file and every error of
    /// the rules across files (an unknown category, a team spelt two
    /// ways, ...). Other files' own parse errors are theirs, not this
    /// edit's, and are left out.
    pub fn errors_with(&self, path: &str, text: &str) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let incidents: Vec<Arc<Incident>> = self
            .content
            .incidents
            .iter()
            .zip(&self.incidents)
            .filter_map(|(file, parsed)| {
                if file.path != path {
                    return parsed.clone();
                }
                let (incident, found) = parse_incident(&SourceFile {
                    path: file.path.clone(),
                    slug: file.slug.clone(),
                    text: text.to_owned(),
                });
                errors.extend(found);
                incident.map(Arc::new)
            })
            .collect();
        let sources: Sources<'_> = self
            .content
            .site
            .iter()
            .chain(&self.content.categories)
            .chain(&self.content.incidents)
            .chain(&self.content.reviews)
            .map(|file| {
                let text = if file.path == path {
                    text
                } else {
                    file.text.as_str()
                };
                (file.path.as_str(), text)
            })
            .collect();
        let category_files: Vec<&str> = self
            .content
            .categories
            .iter()
            .map(|file| file.slug.as_str())
            .collect();
        errors.extend(validate_site(
            self.config.as_ref(),
            &self.categories,
            &category_files,
            &incidents,
            &self.reviews,
            &sources,
        ));
        errors.retain(Diagnostic::is_error);
        errors
    }

    /// The team names of every incident but the one at `path`, sorted.
    pub(super) fn teams_but(&self, path: &str) -> Vec<String> {
        let mut teams: Vec<String> = self
            .content
            .incidents
            .iter()
            .zip(&self.incidents)
            .filter(|(file, _)| file.path != path)
            .filter_map(|(_, parsed)| parsed.as_ref())
            .flat_map(|incident| {
                incident
                    .anecdotes
                    .iter()
                    .filter_map(|a| a.team_name().map(str::to_owned))
            })
            .collect();
        teams.sort();
        teams.dedup();
        teams
    }
}

/// The errors of `after` that are the edit's: every error in the edited
/// file, and errors elsewhere that `before` did not have.
pub fn errors_of_edit(
    before: &[Diagnostic],
    after: Vec<Diagnostic>,
    path: &str,
) -> Vec<Diagnostic> {
    after
        .into_iter()
        .filter(|error| error.file.as_deref() == Some(path) || !before.contains(error))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{CodeKind, Pos};

    #[test]
    fn only_the_edit_s_errors_count() {
        let elsewhere = Diagnostic::at(
            CodeKind::UnknownCategory,
            "unknown category",
            "content/incidents/other.md",
            "",
            Pos::START,
        );
        let here = Diagnostic::at(
            CodeKind::InvalidValue,
            "bad",
            "content/incidents/x.md",
            "",
            Pos::START,
        );
        let new_elsewhere = Diagnostic::at(
            CodeKind::DuplicateSlug,
            "team",
            "content/incidents/other.md",
            "",
            Pos::START,
        );
        let found = errors_of_edit(
            std::slice::from_ref(&elsewhere),
            vec![elsewhere.clone(), here.clone(), new_elsewhere.clone()],
            "content/incidents/x.md",
        );
        assert_eq!(found, [here, new_elsewhere]);
    }
}
