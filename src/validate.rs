//! Pure: the rules that span files — references between them and slugs that
//! must be unique — checked once every file is parsed ([`validate_site`]);
//! the parsed files turned into a [`Site`] whose references are indexes
//! ([`resolve_site`]); and links between content files, checked here alone
//! when errors keep the site from being rendered (rendering checks them
//! otherwise, on the way).
//!
//! Checking and resolving run side by side: a site whose check finds an
//! error is thrown away, and resolving leaves a name it cannot find
//! unresolved rather than failing.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use rayon::prelude::*;

use crate::model::{
    Category, Incident, IncidentRefs, Located, Review, ReviewEntryRefs, Site, SiteConfig, Team,
    slugify,
};
use crate::render::{MarkdownOptions, MarkdownSource, render_markdown_with};

/// Where to find a file's text, to quote the offending line.
pub type Sources<'a> = HashMap<&'a str, &'a str>;

struct Checker<'a> {
    sources: &'a Sources<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, code: CodeKind, message: String, file: &str, pos: Pos) {
        let text = self.sources.get(file).copied().unwrap_or("");
        self.diagnostics
            .push(Diagnostic::at(code, message, file, text, pos));
    }

    /// Reports `reference` unless it is one of `known`.
    fn reference<'k>(
        &mut self,
        code: CodeKind,
        what: &str,
        reference: &Located<String>,
        known: impl Iterator<Item = &'k str> + Clone,
        file: &str,
    ) {
        let wanted = reference.value.as_str();
        if known.clone().any(|k| k == wanted) {
            return;
        }
        let suggestion = hint(wanted, known.clone());
        let listed: Vec<&str> = known.collect();
        let tail = if !suggestion.is_empty() {
            suggestion
        } else if listed.is_empty() {
            ": none are defined".to_owned()
        } else if listed.len() <= 12 {
            format!(": expected one of {}", listed.join(", "))
        } else {
            String::new()
        };
        self.error(
            code,
            format!("unknown {what} \"{wanted}\"{tail}"),
            file,
            reference.pos,
        );
    }
}

/// Checks references and uniqueness across the whole site.
///
/// `category_files` are the slugs of every category file, including those
/// that failed to parse: an incident naming one of them gets no follow-on
/// "unknown category" error burying the real one. `config` is `None` when
/// site.yaml could not be read: the rules that need no settings still run,
/// so its syntax error does not hide the other files' errors, and
/// sections and statuses, which site.yaml defines, go unchecked.
pub fn validate_site(
    config: Option<&SiteConfig>,
    categories: &[Category],
    category_files: &[&str],
    incidents: &[Arc<Incident>],
    reviews: &[Review],
    sources: &Sources<'_>,
) -> Vec<Diagnostic> {
    let mut checker = Checker {
        sources,
        diagnostics: Vec::new(),
    };
    let category_slugs = || category_files.iter().copied();

    check_duplicate_slugs(
        &mut checker,
        "category",
        categories.iter().map(|c| (&c.slug, &c.path)),
    );
    check_duplicate_slugs(
        &mut checker,
        "incident",
        incidents.iter().map(|i| (&i.slug, &i.path)),
    );

    let mut team_slugs: BTreeMap<String, String> = BTreeMap::new();
    // Thousands of anecdotes name a few dozen teams: slug each name once.
    let mut slug_of: HashMap<&str, String> = HashMap::new();
    for incident in incidents {
        let file = incident.path.as_str();
        checker.reference(
            CodeKind::UnknownCategory,
            "category",
            &incident.category,
            category_slugs(),
            file,
        );
        if let (Some(config), Some(section)) = (config, &incident.section) {
            checker.reference(
                CodeKind::UnknownSection,
                "section",
                section,
                config.sections.iter().map(|s| s.slug.as_str()),
                file,
            );
        }
        if let Some(config) = config {
            for status in &incident.status {
                checker.reference(
                    CodeKind::UnknownStatus,
                    "incident status",
                    status,
                    config.incident_statuses.iter().map(|s| s.key.as_str()),
                    file,
                );
            }
        }
        for team in incident.anecdotes.iter().filter_map(|a| a.team.as_ref()) {
            let name = &team.value;
            let slug = slug_of
                .entry(name.as_str())
                .or_insert_with(|| slugify(name))
                .clone();
            if slug.is_empty() {
                checker.error(
                    CodeKind::InvalidValue,
                    format!("team name \"{name}\" has no letters or digits to make its page address from"),
                    file,
                    team.pos,
                );
                continue;
            }
            match team_slugs.get(&slug) {
                Some(first) if first != name => checker.error(
                    CodeKind::DuplicateSlug,
                    format!(
                        "team \"{name}\" and team \"{first}\" would share the page teams/{slug}/: spell the team's name the same way everywhere"
                    ),
                    file,
                    team.pos,
                ),
                Some(_) => {}
                None => {
                    team_slugs.insert(slug, name.clone());
                }
            }
        }
    }

    for review in reviews {
        let file = review.path.as_str();
        let mut seen = HashSet::new();
        for (slug, entry) in &review.categories {
            checker.reference(
                CodeKind::UnknownCategory,
                "category",
                slug,
                category_slugs(),
                file,
            );
            if !seen.insert(slug.value.as_str()) {
                checker.error(
                    CodeKind::InvalidValue,
                    format!("category \"{}\" is listed twice in this review", slug.value),
                    file,
                    slug.pos,
                );
            }
            if let (Some(config), Some(status)) = (config, &entry.status) {
                checker.reference(
                    CodeKind::UnknownStatus,
                    "category status",
                    status,
                    config.category_statuses.iter().map(|s| s.key.as_str()),
                    file,
                );
            }
        }
    }
    checker.diagnostics
}

/// The site of `incidents` (non-draft, or every one under `--drafts`),
/// each name its files use resolved to an index, once.
///
/// `categories`, `incidents` and `reviews` keep the order given (the
/// callers sort them: categories and incidents by slug, reviews by date).
/// Teams are every team an anecdote names, in slug order.
pub fn resolve_site(
    config: SiteConfig,
    categories: Vec<Category>,
    incidents: Vec<Arc<Incident>>,
    reviews: Vec<Review>,
) -> Site {
    fn index<'n>(names: impl Iterator<Item = &'n str>) -> HashMap<&'n str, usize> {
        names.enumerate().map(|(i, name)| (name, i)).collect()
    }
    // Thousands of anecdotes name a few dozen teams: slug each name once.
    let mut names: Vec<&str> = incidents
        .iter()
        .flat_map(|incident| incident.anecdotes.iter().filter_map(|a| a.team_name()))
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .collect();
    let slugs: HashMap<&str, String> = names.iter().map(|&name| (name, slugify(name))).collect();
    names.sort_by_key(|&name| (slugs.get(name).map(String::as_bytes), name.as_bytes()));
    let team_ids = index(names.iter().copied());
    let category_ids = index(categories.iter().map(|c| c.slug.as_str()));
    let section_ids = index(config.sections.iter().map(|s| s.slug.as_str()));
    let status_ids = index(config.incident_statuses.iter().map(|s| s.key.as_str()));
    let category_status_ids = index(config.category_statuses.iter().map(|s| s.key.as_str()));
    let find =
        |ids: &HashMap<&str, usize>, name: &Located<String>| ids.get(name.value.as_str()).copied();

    let refs: Vec<IncidentRefs> = incidents
        .par_iter()
        .map(|incident| IncidentRefs {
            category: find(&category_ids, &incident.category),
            section: incident
                .section
                .as_ref()
                .and_then(|s| find(&section_ids, s)),
            statuses: incident
                .status
                .iter()
                .filter_map(|s| find(&status_ids, s))
                .collect(),
            anecdote_teams: incident
                .anecdotes
                .iter()
                .map(|a| a.team.as_ref().and_then(|t| find(&team_ids, t)))
                .collect(),
        })
        .collect();
    let review_refs: Vec<Vec<ReviewEntryRefs>> = reviews
        .iter()
        .map(|review| {
            review
                .categories
                .iter()
                .map(|(slug, entry)| ReviewEntryRefs {
                    category: find(&category_ids, slug),
                    status: entry
                        .status
                        .as_ref()
                        .and_then(|key| find(&category_status_ids, key)),
                })
                .collect()
        })
        .collect();
    let teams: Vec<Team> = names
        .iter()
        .map(|&name| Team {
            name: name.to_owned(),
            slug: slugs.get(name).cloned().unwrap_or_default(),
        })
        .collect();
    Site {
        config,
        categories,
        incidents,
        reviews,
        teams,
        refs,
        review_refs,
    }
}

/// A Markdown text whose links to content files are to be checked.
#[derive(Clone, Copy, Debug)]
pub struct LinkSource<'a> {
    pub text: &'a str,
    /// The content file, relative to the site root.
    pub path: &'a str,
    /// The file's line the text starts on; `None` for a YAML value.
    pub first_line: Option<u32>,
}

/// `broken-link` for every link in `texts` to a `.md` file that is no page
/// of the site. `pages` are the content files that have a page, relative to
/// the site root.
///
/// Rendering finds broken links as it rewrites them, but a site with other
/// errors is not rendered; this pass finds them then, so that one run shows
/// every problem. It goes through the same Markdown code as rendering (the
/// HTML is thrown away), so the two never disagree.
pub fn validate_links<'a>(
    pages: impl IntoIterator<Item = &'a str>,
    texts: impl IntoIterator<Item = LinkSource<'a>>,
) -> Vec<Diagnostic> {
    // Only the keys matter: a link to a page is left alone either way.
    let pages: HashMap<String, String> = pages
        .into_iter()
        .map(|path| (path.to_owned(), String::new()))
        .collect();
    let options = MarkdownOptions {
        raw_html: false,
        pages: Some(&pages),
        root: "",
        top_heading: 1,
    };
    let mut diagnostics = Vec::new();
    for source in texts {
        let markdown_source = MarkdownSource {
            path: source.path,
            first_line: source.first_line,
        };
        let (_, found) = render_markdown_with(source.text, Some(markdown_source), &options);
        diagnostics.extend(found);
    }
    diagnostics
}

/// `duplicate-slug` on every file after the first, in path byte order.
fn check_duplicate_slugs<'a>(
    checker: &mut Checker<'_>,
    kind: &str,
    items: impl Iterator<Item = (&'a String, &'a String)>,
) {
    let mut items: Vec<(&String, &String)> = items.collect();
    items.sort_by(|a, b| a.1.as_bytes().cmp(b.1.as_bytes()));
    let mut first_by_slug: HashMap<&str, &str> = HashMap::new();
    for (slug, path) in items {
        if let Some(first) = first_by_slug.get(slug.as_str()) {
            checker.error(
                CodeKind::DuplicateSlug,
                format!(
                    "{kind} slug \"{slug}\" is already used by {first}: rename one of the files"
                ),
                path,
                Pos::new(1, 1, 3),
            );
        } else {
            first_by_slug.insert(slug, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SiteConfig, fixtures};

    fn located(value: &str, line: u32) -> Located<String> {
        Located {
            value: value.into(),
            pos: Pos::new(line, 1, 1),
        }
    }

    fn category(slug: &str) -> Category {
        fixtures::category(slug, slug)
    }

    /// The incident at `path`, one undated anecdote per team; its category
    /// on line 3 and its teams on line 5, as the diagnostics point there.
    fn incident(path: &str, category: &str, teams: &[&str]) -> Incident {
        let slug = path.rsplit('/').next().unwrap().trim_end_matches(".md");
        let anecdotes: Vec<(&str, Option<&str>)> = teams.iter().map(|t| (*t, None)).collect();
        let mut incident = fixtures::incident(slug, category, &anecdotes);
        incident.path = path.into();
        incident.title = "t".into();
        incident.category = located(category, 3);
        for anecdote in &mut incident.anecdotes {
            if let Some(team) = &anecdote.team {
                anecdote.team = Some(located(&team.value, 5));
            }
        }
        incident
    }

    fn codes(diagnostics: &[Diagnostic]) -> Vec<(&str, &str)> {
        diagnostics
            .iter()
            .map(|d| (d.code.as_str(), d.file.as_deref().unwrap_or("")))
            .collect()
    }

    #[test]
    fn unknown_category_suggests_the_closest() {
        let config = SiteConfig::with_title("t".into());
        let d = validate_site(
            Some(&config),
            &[category("monolith")],
            &["monolith"],
            &[Arc::new(incident("content/incidents/a.md", "monolit", &[]))],
            &[],
            &Sources::new(),
        );
        assert_eq!(
            codes(&d),
            vec![("unknown-category", "content/incidents/a.md")]
        );
        assert!(d[0].message.contains("did you mean \"monolith\""));
    }

    #[test]
    fn duplicate_incident_slugs_flag_the_later_path() {
        let config = SiteConfig::with_title("t".into());
        let d = validate_site(
            Some(&config),
            &[category("m")],
            &["m"],
            &[
                Arc::new(incident("content/incidents/z/a.md", "m", &[])),
                Arc::new(incident("content/incidents/b/a.md", "m", &[])),
            ],
            &[],
            &Sources::new(),
        );
        assert_eq!(
            codes(&d),
            vec![("duplicate-slug", "content/incidents/z/a.md")]
        );
    }

    #[test]
    fn team_names_sharing_a_slug_collide() {
        let config = SiteConfig::with_title("t".into());
        let d = validate_site(
            Some(&config),
            &[category("m")],
            &["m"],
            &[
                Arc::new(incident("content/incidents/a.md", "m", &["Web", "Web"])),
                Arc::new(incident("content/incidents/b.md", "m", &["web"])),
            ],
            &[],
            &Sources::new(),
        );
        assert_eq!(
            codes(&d),
            vec![("duplicate-slug", "content/incidents/b.md")]
        );
    }

    /// Every name becomes an index into what the site defines, and one
    /// the site does not define stays unresolved (validation reports it).
    #[test]
    fn resolving_turns_every_name_into_an_index() {
        use crate::model::{ReviewEntry, Section};
        let mut config = SiteConfig::with_title("t".into());
        config.sections = vec![Section {
            slug: "s".into(),
            title: "S".into(),
        }];
        let mut first = fixtures::incident(
            "i",
            "b",
            &[
                ("web", None),
                ("Api", None),
                ("Ops Team", None),
                ("web", None),
            ],
        );
        first.section = Some(located("s", 1));
        first.status = vec![located("tick", 1), located("nope", 1), located("sad", 1)];
        first.anecdotes.push(crate::model::Anecdote {
            team: None,
            date: None,
            text: None,
        });
        let mut stray = fixtures::incident("j", "nowhere", &[]);
        stray.section = Some(located("elsewhere", 1));
        let review = Review {
            date: crate::model::Date::parse("2018-01-01").unwrap(),
            path: "content/reviews/2018-01-01.md".into(),
            categories: vec![
                (
                    located("b", 1),
                    ReviewEntry {
                        status: Some(located("progress", 1)),
                        ..ReviewEntry::default()
                    },
                ),
                (located("gone", 1), ReviewEntry::default()),
            ],
            body: String::new(),
            body_line: 1,
        };
        let site = resolve_site(
            config,
            vec![category("a"), category("b")],
            vec![Arc::new(first), Arc::new(stray)],
            vec![review],
        );

        // Teams in slug order: api, ops-team, web.
        let teams: Vec<(&str, &str)> = site
            .teams
            .iter()
            .map(|t| (t.name.as_str(), t.slug.as_str()))
            .collect();
        assert_eq!(
            teams,
            [("Api", "api"), ("Ops Team", "ops-team"), ("web", "web")]
        );

        let refs = site.refs(0);
        assert_eq!(site.category_of(0).map(|c| c.slug.as_str()), Some("b"));
        assert_eq!(site.section_slug(0), Some("s"));
        // "nope" is a category status, not an incident one.
        assert_eq!(site.status_keys(0).collect::<Vec<_>>(), ["tick", "sad"]);
        assert_eq!(
            refs.anecdote_teams,
            [Some(2), Some(0), Some(1), Some(2), None]
        );
        assert_eq!(
            site.anecdote_team(0, 1).map(|t| t.name.as_str()),
            Some("Api")
        );
        assert_eq!(site.anecdote_team(0, 4), None);

        assert_eq!(site.refs(1).category, None);
        assert_eq!(site.refs(1).section, None);
        assert_eq!(site.refs(7), &IncidentRefs::default());

        let statuses = &site.config.category_statuses;
        let entries: Vec<(Option<&str>, Option<&str>)> = site.review_refs[0]
            .iter()
            .map(|entry| {
                (
                    entry.category.map(|c| site.categories[c].slug.as_str()),
                    entry.status.map(|s| statuses[s].key.as_str()),
                )
            })
            .collect();
        assert_eq!(entries, [(Some("b"), Some("progress")), (None, None)]);
    }
}
