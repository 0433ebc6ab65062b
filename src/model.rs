//! Pure: the typed values parsing makes of each file, and the [`Site`]
//! validation makes of them all, which every later stage can trust.
//! site.yaml's settings are in `model/config.rs` ([`SiteConfig`]).
//!
//! Values that later checks point at (a category reference, a status key, a
//! team name) are kept as [`Located`], so a cross-file rule can report the
//! exact line and column without re-reading the file. The [`Site`] holds
//! them resolved to indexes as well ([`IncidentRefs`]).

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use crate::diagnostic::Pos;

mod config;

pub use config::{
    BaseUrl, CategoryStatus, FeedConfig, GroupBy, HostKind, IncidentStatus, OrderBy, RankKind,
    RepositoryConfig, Section, SiteConfig, default_category_statuses, default_incident_statuses,
    edit_url_template_problem, feed_id_problem, parse_repository_path, parse_repository_url,
};

/// A value with the position it was written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

/// How much of a date was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrecisionKind {
    Year,
    Month,
    Day,
}

/// A date at the precision it was written: `2017`, `2017-11` or `2017-11-05`.
///
/// Dates compare by their first possible day; on a tie the less precise date
/// is the earlier (`2018 < 2018-01 < 2018-01-01`, docs/format.md, "Teams, first seen and last seen").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: i16,
    /// 1 when the precision is `Year`.
    pub month: u8,
    /// 1 when the precision is coarser than `Day`.
    pub day: u8,
    pub precision: PrecisionKind,
}

impl Date {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year = parse_digits(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(m) => Some(parse_digits(m, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(d) => Some(parse_digits(d, 2)?),
            None => None,
        };
        if parts.next().is_some() {
            return None;
        }
        let year = i16::try_from(year).ok()?;
        let precision = match (month, day) {
            (None, _) => PrecisionKind::Year,
            (Some(_), None) => PrecisionKind::Month,
            (Some(_), Some(_)) => PrecisionKind::Day,
        };
        let month = u8::try_from(month.unwrap_or(1)).ok()?;
        let day = u8::try_from(day.unwrap_or(1)).ok()?;
        // jiff knows the calendar: month 13 and 2018-02-30 are refused.
        jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
        if year < 1 {
            return None;
        }
        Some(Date {
            year,
            month,
            day,
            precision,
        })
    }

    /// A year given as a bare YAML integer (`date: 2017`).
    pub fn from_year(year: i64) -> Option<Date> {
        let year = i16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))?;
        Some(Date {
            year,
            month: 1,
            day: 1,
            precision: PrecisionKind::Year,
        })
    }

    /// The first possible day, as a comparable triple.
    fn first_day(&self) -> (i16, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// Whether the first possible day of `self` is strictly after `other`'s.
    /// This is the since-review rule: `2018-10` is not after `2018-10-15`.
    pub fn starts_after(&self, other: &Date) -> bool {
        self.first_day() > other.first_day()
    }

    /// The quarter (1-4) when the month is known.
    pub fn quarter(&self) -> Option<u8> {
        (self.precision != PrecisionKind::Year).then(|| (self.month - 1) / 3 + 1)
    }
}

/// What is wrong with a date [`Date::parse`] refused, in words, with the
/// corrected date where the fix is obvious: "there is no month 13 (months
/// run from 01 to 12)", "the month needs two digits (did you mean
/// \"2018-01\"?)".
pub fn date_problem(text: &str) -> String {
    const EXPECTED: &str = "expected YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date)";
    let parts: Vec<&str> = text.split('-').collect();
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if parts.len() > 3 || !parts.iter().all(|p| all_digits(p)) {
        return EXPECTED.to_owned();
    }
    let (year, rest) = match parts.split_first() {
        Some((year, rest)) => (*year, rest),
        None => return EXPECTED.to_owned(),
    };
    if year.len() != 4 {
        return format!("the year needs four digits; {EXPECTED}");
    }
    // Month and day written with one digit: suggest them padded.
    if rest.iter().any(|p| p.len() == 1) && rest.iter().all(|p| p.len() <= 2) {
        let padded: Vec<String> = std::iter::once(year.to_owned())
            .chain(rest.iter().map(|p| format!("{p:0>2}")))
            .collect();
        let padded = padded.join("-");
        let which = if rest.iter().filter(|p| p.len() == 1).count() == 2 {
            "the month and the day need"
        } else if rest.first().is_some_and(|p| p.len() == 1) {
            "the month needs"
        } else {
            "the day needs"
        };
        if Date::parse(&padded).is_some() {
            return format!("{which} two digits (did you mean \"{padded}\"?)");
        }
        return date_problem(&padded);
    }
    if rest.iter().any(|p| p.len() != 2) {
        return EXPECTED.to_owned();
    }
    let number = |part: Option<&&str>| part.and_then(|p| p.parse::<i8>().ok());
    let (Ok(year_number), Some(month)) = (year.parse::<i16>(), number(rest.first()).or(Some(1)))
    else {
        return EXPECTED.to_owned();
    };
    if year_number < 1 {
        return "there is no year 0000: years start at 0001".to_owned();
    }
    if !(1..=12).contains(&month) {
        return format!("there is no month {month:02} (months run from 01 to 12)");
    }
    if let Some(day) = number(rest.get(1)) {
        let days = jiff::civil::Date::new(year_number, month, 1).map_or(31, |d| d.days_in_month());
        if !(1..=days).contains(&day) {
            let month_name = MONTH_NAMES
                .get(usize::try_from(month - 1).unwrap_or(0))
                .copied()
                .unwrap_or("that month");
            return format!("there is no day {day:02} in {month_name} {year} (it has {days} days)");
        }
    }
    EXPECTED.to_owned()
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn parse_digits(text: &str, width: usize) -> Option<u32> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl Ord for Date {
    fn cmp(&self, other: &Date) -> Ordering {
        self.first_day()
            .cmp(&other.first_day())
            .then(self.precision.cmp(&other.precision))
    }
}

impl PartialOrd for Date {
    fn partial_cmp(&self, other: &Date) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            PrecisionKind::Year => write!(f, "{:04}", self.year),
            PrecisionKind::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            PrecisionKind::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One owner's remediation work on a category.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Effort {
    pub owner: String,
    pub items: Vec<String>,
}

/// A link an incident or a category points at: a ticket, a post-mortem, a
/// thread. Its URL passed [`link_url_kind`] when it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub title: Option<String>,
    /// As written: an http(s) URL, or a path (docs/format.md, "Links").
    pub url: String,
}

/// What a link's URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkTargetKind {
    /// `http://...` or `https://...`: another site.
    Web,
    /// `/path`: a path on the host the site is published on.
    HostPath,
    /// `path`, `./path`, `../path`, `?query`, `#fragment`: relative to the
    /// site's base URL.
    SitePath,
}

/// What `url` points at, or why it cannot be a link's URL: only http and
/// https URLs and relative paths are links (docs/format.md, "Links"), so
/// no content file can put a `javascript:` or `data:` URL in a page.
pub fn link_url_kind(url: &str) -> Result<LinkTargetKind, String> {
    if url.is_empty() {
        return Err("a link needs a URL".to_owned());
    }
    // Browsers skip whitespace and control characters inside a scheme
    // (`java\tscript:`) and read `\` as `/`: refuse them rather than guess.
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "\"<>\\`".contains(*c))
    {
        let what = match c {
            ' ' => "a space (write it as %20)".to_owned(),
            c if c.is_whitespace() || c.is_control() => {
                format!("the character U+{:04X}", u32::from(c))
            }
            c => format!("'{c}'"),
        };
        return Err(format!("a URL cannot contain {what}"));
    }
    let end_of_scheme = url.find([':', '/', '?', '#']);
    if let Some(colon) = end_of_scheme.filter(|&i| url.get(i..=i) == Some(":")) {
        let scheme = url.get(..colon).unwrap_or_default();
        let is_scheme = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if is_scheme {
            let lower = scheme.to_ascii_lowercase();
            if lower != "http" && lower != "https" {
                return Err(format!(
                    "\"{scheme}:\" URLs are not allowed: a link is an http or https URL, or a path such as \"/wiki/ADR-12\""
                ));
            }
            let rest = url.get(colon + 1..).unwrap_or_default();
            let host = rest
                .strip_prefix("//")
                .map(|after| after.split(['/', '?', '#']).next().unwrap_or_default());
            return match host {
                Some(host) if !host.is_empty() => Ok(LinkTargetKind::Web),
                _ => Err(format!(
                    "\"{scheme}:\" must be followed by \"//\" and a host name, as in \"https://example.com/page\""
                )),
            };
        }
    }
    if url.starts_with("//") {
        return Err(
            "a URL starting with \"//\" names another host without saying how to reach it: write \"https://\" before the host"
                .to_owned(),
        );
    }
    if url.starts_with('/') {
        Ok(LinkTargetKind::HostPath)
    } else {
        Ok(LinkTargetKind::SitePath)
    }
}

/// A top-level category (`content/categories/<slug>.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub slug: String,
    /// Path relative to the site root.
    pub path: String,
    pub title: String,
    pub summary: Option<String>,
    pub notes: Option<String>,
    pub efforts: Vec<Effort>,
    pub links: Vec<Link>,
    pub body: String,
    /// The 1-based line of the file the body starts on.
    pub body_line: u32,
}

/// One report of an incident, by a team or unattributed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anecdote {
    /// None: no team recorded (an unattributed occurrence, not a team).
    pub team: Option<Located<String>>,
    pub date: Option<Date>,
    pub text: Option<String>,
}

impl Anecdote {
    /// Its team's name, if one was recorded.
    pub fn team_name(&self) -> Option<&str> {
        self.team.as_ref().map(|t| t.value.as_str())
    }
}

/// A pain incident (`content/incidents/**/<slug>.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    pub slug: String,
    pub path: String,
    pub title: String,
    pub category: Located<String>,
    pub section: Option<Located<String>>,
    pub status: Vec<Located<String>>,
    pub resolution: Option<String>,
    /// A curator's note on the entry itself (why it is filed where it is,
    /// where it came from): shown folded away under "About this entry".
    pub about: Option<String>,
    pub anecdotes: Vec<Anecdote>,
    pub links: Vec<Link>,
    /// The explicit count, when the anecdotes were not all written down.
    pub occurrences: Option<u32>,
    pub tags: Vec<String>,
    pub draft: bool,
    pub body: String,
    /// The 1-based line of the file the body starts on.
    pub body_line: u32,
}

impl Incident {
    /// Its explicit `occurrences`, else the number of anecdotes, at least 1.
    pub fn occurrence_count(&self) -> u32 {
        self.occurrences
            .unwrap_or_else(|| u32::try_from(self.anecdotes.len()).unwrap_or(u32::MAX))
            .max(1)
    }

    /// Occurrences no team carries: anecdotes without a team, plus
    /// explicit `occurrences` beyond the anecdotes.
    pub fn unattributed_count(&self) -> u32 {
        let attributed = self.anecdotes.iter().filter(|a| a.team.is_some()).count();
        self.occurrence_count()
            .saturating_sub(u32::try_from(attributed).unwrap_or(u32::MAX))
    }
}

/// What one review says about one category; each field optional.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ReviewEntry {
    pub votes: Option<u32>,
    pub status: Option<Located<String>>,
    pub recorded: Option<u32>,
}

/// A prioritisation meeting (`content/reviews/<YYYY-MM-DD>.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub date: Date,
    pub path: String,
    pub categories: Vec<(Located<String>, ReviewEntry)>,
    pub body: String,
    /// The 1-based line of the file the body starts on.
    pub body_line: u32,
}

/// Everything loaded and validated: the input of tallying and rendering.
///
/// Made by [`crate::validate::resolve_site`], which resolves every name
/// the files use once: an incident's category, section, statuses and
/// teams, and a review's categories and statuses, are indexes here
/// ([`IncidentRefs`], [`ReviewEntryRefs`]). Nothing after validation
/// looks a name up again. The parsed incidents keep their names as
/// written, because serve keeps each one between rebuilds, while an index
/// holds only within one site.
#[derive(Clone, Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// In slug order.
    pub categories: Vec<Category>,
    /// Non-draft incidents (and drafts when `--drafts`), in slug order.
    /// Shared with serve's session, which keeps them between rebuilds.
    pub incidents: Vec<Arc<Incident>>,
    /// In date order.
    pub reviews: Vec<Review>,
    /// Every team the incidents name, in slug order.
    pub teams: Vec<Team>,
    /// What each incident refers to: one per incident, in the same order.
    pub refs: Vec<IncidentRefs>,
    /// What each review's entries refer to: one per review, in the same
    /// order, and within it one per entry written.
    pub review_refs: Vec<Vec<ReviewEntryRefs>>,
}

impl Site {
    /// What the incident of index `index` refers to (nothing for an index
    /// the site does not have).
    pub fn refs(&self, index: usize) -> &IncidentRefs {
        static NONE: IncidentRefs = IncidentRefs {
            category: None,
            section: None,
            statuses: Vec::new(),
            anecdote_teams: Vec::new(),
        };
        self.refs.get(index).unwrap_or(&NONE)
    }

    /// The category the incident of index `index` is filed under.
    pub fn category_of(&self, index: usize) -> Option<&Category> {
        self.categories.get(self.refs(index).category?)
    }

    /// The team of anecdote `anecdote` of the incident of index `index`
    /// (none when it has no team).
    pub fn anecdote_team(&self, index: usize, anecdote: usize) -> Option<&Team> {
        let team = (*self.refs(index).anecdote_teams.get(anecdote)?)?;
        self.teams.get(team)
    }

    /// The keys of the statuses of the incident of index `index`, in the
    /// order written.
    pub fn status_keys(&self, index: usize) -> impl Iterator<Item = &str> {
        self.refs(index)
            .statuses
            .iter()
            .filter_map(|&i| self.config.incident_statuses.get(i))
            .map(|status| status.key.as_str())
    }

    /// The slug of the section of the incident of index `index`, if any.
    pub fn section_slug(&self, index: usize) -> Option<&str> {
        let section = self.config.sections.get(self.refs(index).section?)?;
        Some(section.slug.as_str())
    }
}

/// A team: the name its anecdotes give it (one spelling; validation
/// refuses two spellings with one slug) and its page's slug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    pub name: String,
    pub slug: String,
}

/// The names one incident uses, resolved: indexes, none for a name the
/// site does not define (validation reports it, and no such site renders).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct IncidentRefs {
    /// An index into [`Site::categories`].
    pub category: Option<usize>,
    /// An index into site.yaml's `sections`.
    pub section: Option<usize>,
    /// Indexes into site.yaml's `incident_statuses`, in the order written.
    pub statuses: Vec<usize>,
    /// Each anecdote's team, in anecdote order: an index into
    /// [`Site::teams`], none for an anecdote with no team.
    pub anecdote_teams: Vec<Option<usize>>,
}

/// The names one review entry uses, resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ReviewEntryRefs {
    /// An index into [`Site::categories`].
    pub category: Option<usize>,
    /// The status agreed: an index into site.yaml's `category_statuses`.
    pub status: Option<usize>,
}

/// A team's page slug: non-ASCII transliterated, every run of other
/// characters one `-` ("Köln" -> "koln"; docs/format.md, "Incident files").
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_ascii_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c);
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// Whether `slug` matches `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_slug(slug: &str) -> bool {
    let mut bytes = slug.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Small values for the unit tests of the stages after parse: one way to
/// make a category or an incident, so each test says only what it needs.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Anecdote, Category, Date, Incident, Located};
    use crate::diagnostic::Pos;

    pub(crate) fn located(value: &str) -> Located<String> {
        Located {
            value: value.into(),
            pos: Pos::START,
        }
    }

    /// The category `slug`, titled `title`, with nothing else.
    pub(crate) fn category(slug: &str, title: &str) -> Category {
        Category {
            slug: slug.into(),
            path: format!("content/categories/{slug}.md"),
            title: title.into(),
            summary: None,
            notes: None,
            efforts: vec![],
            links: vec![],
            body: String::new(),
            body_line: 1,
        }
    }

    /// The incident `slug` (its title too) in `category`, with one anecdote
    /// per (team, date); a date that does not parse is no date.
    pub(crate) fn incident(
        slug: &str,
        category: &str,
        anecdotes: &[(&str, Option<&str>)],
    ) -> Incident {
        Incident {
            slug: slug.into(),
            path: format!("content/incidents/{slug}.md"),
            title: slug.into(),
            category: located(category),
            section: None,
            status: vec![],
            resolution: None,
            about: None,
            anecdotes: anecdotes
                .iter()
                .map(|(team, date)| Anecdote {
                    team: Some(located(team)),
                    date: date.and_then(Date::parse),
                    text: None,
                })
                .collect(),
            links: vec![],
            occurrences: None,
            tags: vec![],
            draft: false,
            body: String::new(),
            body_line: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_refused_date_says_which_part_is_wrong() {
        use super::date_problem;
        assert_eq!(
            date_problem("2018-13-01"),
            "there is no month 13 (months run from 01 to 12)"
        );
        assert_eq!(
            date_problem("2018-00"),
            "there is no month 00 (months run from 01 to 12)"
        );
        assert_eq!(
            date_problem("2018-02-30"),
            "there is no day 30 in February 2018 (it has 28 days)"
        );
        assert_eq!(
            date_problem("2018-1"),
            "the month needs two digits (did you mean \"2018-01\"?)"
        );
        assert_eq!(
            date_problem("2018-1-5"),
            "the month and the day need two digits (did you mean \"2018-01-05\"?)"
        );
        assert_eq!(
            date_problem("2018-13-5"),
            "there is no month 13 (months run from 01 to 12)"
        );
        assert_eq!(
            date_problem("0000"),
            "there is no year 0000: years start at 0001"
        );
        assert!(date_problem("18-01").starts_with("the year needs four digits"));
        for text in [
            "",
            "soon",
            "2018/01",
            "2018-01-01-01",
            "-",
            "2018--01",
            "2018-001",
        ] {
            assert!(date_problem(text).starts_with("expected YYYY"), "{text}");
        }
    }

    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn dates_keep_their_precision() {
        assert_eq!(date("2017").to_string(), "2017");
        assert_eq!(date("2017-11").to_string(), "2017-11");
        assert_eq!(date("2017-11-05").to_string(), "2017-11-05");
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "2018-02-30",
            "2018-13",
            "18-01",
            "2018-1-01",
            "2018/01",
            "",
            "2018-01-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn less_precise_dates_sort_first_on_a_tie() {
        assert!(date("2018") < date("2018-01"));
        assert!(date("2018-01") < date("2018-01-01"));
        assert!(date("2017-12-31") < date("2018"));
    }

    #[test]
    fn since_review_precision_rule() {
        let review = date("2018-10-15");
        assert!(!date("2018-10").starts_after(&review));
        assert!(!date("2018").starts_after(&review));
        assert!(date("2018-11").starts_after(&review));
        assert!(date("2018-10-16").starts_after(&review));
        assert!(!date("2018-10-15").starts_after(&review));
    }

    #[test]
    fn base_urls_are_normalised() {
        assert_eq!(BaseUrl::parse("/").unwrap().path, "/");
        assert_eq!(
            BaseUrl::parse("/arch/challenges").unwrap().path,
            "/arch/challenges/"
        );
        let absolute = BaseUrl::parse("https://docs.example.com/arch/").unwrap();
        assert_eq!(absolute.path, "/arch/");
        assert_eq!(absolute.full, "https://docs.example.com/arch/");
        assert!(absolute.is_absolute());
        let bare = BaseUrl::parse("https://docs.example.com").unwrap();
        assert_eq!(bare.path, "/");
        assert_eq!(BaseUrl::parse("arch"), None);
        assert_eq!(BaseUrl::parse("https:///x"), None);
    }

    #[test]
    fn feed_ids_are_absolute_uris_without_a_fragment() {
        for good in [
            "tag:example.com,2024:arch-challenges",
            "tag:arch@example.com,2024-03-01:challenges/web",
            "tag:example.com,2024:",
            "https://docs.example.com/arch/",
            "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        ] {
            assert_eq!(feed_id_problem(good), None, "{good}");
        }
        for bad in [
            "/arch/",
            "arch-challenges",
            "tag:example.com:arch",
            "tag:example.com,24:arch",
            "tag:-example.com,2024:arch",
            "tag:example.com,2024:arch challenges",
            "https://docs.example.com/arch/#feed",
            "https:/arch/",
            "1tag:x",
            "tag:",
        ] {
            assert!(feed_id_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn edit_urls_for_each_kind_of_host() {
        use super::{HostKind, RepositoryConfig};
        let url = "https://git.example.com/acme/arch";
        let cases = [
            (
                HostKind::Github,
                "https://git.example.com/acme/arch/edit/main/",
            ),
            (
                HostKind::Gitlab,
                "https://git.example.com/acme/arch/-/edit/main/",
            ),
            (
                HostKind::Gitea,
                "https://git.example.com/acme/arch/_edit/main/",
            ),
        ];
        for (kind, prefix) in cases {
            let repository = RepositoryConfig {
                edit_url_template: kind.edit_url_template(url, "main"),
                path: String::new(),
            };
            assert_eq!(
                repository.edit_url("content/incidents/x.md"),
                format!("{prefix}content/incidents/x.md")
            );
        }
        let in_folder = RepositoryConfig {
            edit_url_template: HostKind::Github.edit_url_template(url, "release/2024 q1"),
            path: "docs/arch/".into(),
        };
        assert_eq!(
            in_folder.edit_url("content/incidents/Web team/ünïcode #1.md"),
            "https://git.example.com/acme/arch/edit/release/2024%20q1/docs/arch/content/incidents/Web%20team/%C3%BCn%C3%AFcode%20%231.md"
        );
        assert_eq!(HostKind::of_host("GitHub.com"), Some(HostKind::Github));
        assert_eq!(HostKind::of_host("codeberg.org"), Some(HostKind::Gitea));
        assert_eq!(HostKind::of_host("git.example.com"), None);
    }

    #[test]
    fn repository_urls_and_paths() {
        use super::{edit_url_template_problem, parse_repository_path, parse_repository_url};
        assert_eq!(
            parse_repository_url("https://github.com/acme/arch.git/"),
            Ok(("https://github.com/acme/arch".into(), "github.com".into()))
        );
        assert!(
            parse_repository_url("git@github.com:acme/arch.git")
                .unwrap_err()
                .ends_with("(did you mean \"https://github.com/acme/arch\"?)")
        );
        for bad in [
            "github.com/acme/arch",
            "https://github.com",
            "https:///acme",
            "https://h/a b",
        ] {
            assert!(parse_repository_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_repository_path("docs/arch/"),
            Some("docs/arch/".into())
        );
        assert_eq!(parse_repository_path("."), Some(String::new()));
        for bad in [
            "/docs",
            "../docs",
            "docs//arch",
            "docs\\arch",
            "docs/./arch",
        ] {
            assert_eq!(parse_repository_path(bad), None, "{bad}");
        }
        assert_eq!(
            edit_url_template_problem("https://h/edit/main/{path}"),
            None
        );
        assert!(edit_url_template_problem("https://h/edit/main/").is_some());
        assert!(edit_url_template_problem("/edit/{path}").is_some());
    }

    #[test]
    fn team_slugs_transliterate_and_collapse() {
        assert_eq!(slugify("Köln"), "koln");
        assert_eq!(slugify("Growth: Diff Paid"), "growth-diff-paid");
        assert_eq!(slugify("  Web  "), "web");
        assert_eq!(slugify("Arch-BOM & Tools"), "arch-bom-tools");
    }

    #[test]
    fn slug_rule() {
        assert!(is_valid_slug("monolith-2"));
        assert!(is_valid_slug("2018"));
        assert!(!is_valid_slug("-a"));
        assert!(!is_valid_slug("Mono"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("a_b"));
    }
}
