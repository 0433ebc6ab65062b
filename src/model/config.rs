//! What site.yaml configures, checked: the sections, the status sets, the
//! ranking and grouping, the base URL, the feed and the repository links
//! ([`SiteConfig`]). Pure.

use super::Date;

/// A heading of the incidents list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    pub slug: String,
    pub title: String,
}

/// An incident status marker: `sad` -> {label "Painful", symbol "☹"}.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IncidentStatus {
    pub key: String,
    pub label: String,
    pub symbol: String,
}

/// A category status agreed in a review: `nope` -> {label "NOPE"}.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CategoryStatus {
    pub key: String,
    pub label: String,
}

/// What the tally table is ordered by (site.yaml's `rank_by`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankKind {
    Occurrences,
    Votes,
    Incidents,
    SinceReview,
}

impl RankKind {
    pub const NAMES: [&'static str; 4] = ["occurrences", "votes", "incidents", "since_review"];

    pub fn from_name(name: &str) -> Option<RankKind> {
        match name {
            "occurrences" => Some(RankKind::Occurrences),
            "votes" => Some(RankKind::Votes),
            "incidents" => Some(RankKind::Incidents),
            "since_review" => Some(RankKind::SinceReview),
            _ => None,
        }
    }
}

/// How the home page groups its incident list (site.yaml's
/// `incidents.group_by`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GroupBy {
    /// Under each category, in rank order: the taxonomy of the table above.
    #[default]
    Category,
    /// Under site.yaml's `sections`, in the order listed.
    Section,
}

impl GroupBy {
    pub const NAMES: [&'static str; 2] = ["category", "section"];

    pub fn from_name(name: &str) -> Option<GroupBy> {
        match name {
            "category" => Some(GroupBy::Category),
            "section" => Some(GroupBy::Section),
            _ => None,
        }
    }
}

/// The order of incidents inside each group (site.yaml's
/// `incidents.order_by`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrderBy {
    /// By title, in byte order.
    #[default]
    Title,
    /// Most recently seen first; undated last.
    LastSeen,
    /// Most occurrences first.
    Occurrences,
    /// By file path, as the files are laid out in content/incidents/.
    File,
}

impl OrderBy {
    pub const NAMES: [&'static str; 4] = ["title", "last_seen", "occurrences", "file"];

    pub fn from_name(name: &str) -> Option<OrderBy> {
        match name {
            "title" => Some(OrderBy::Title),
            "last_seen" => Some(OrderBy::LastSeen),
            "occurrences" => Some(OrderBy::Occurrences),
            "file" => Some(OrderBy::File),
            _ => None,
        }
    }
}

/// Where the site is published: a path, or an absolute URL with a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    /// As given, normalised to end in `/`.
    pub full: String,
    /// The path part, starting and ending with `/`.
    pub path: String,
}

impl BaseUrl {
    /// Accepts `/`, `/a/b/`, `https://host/a/` (a missing final `/` is added).
    pub fn parse(text: &str) -> Option<BaseUrl> {
        let text = text.trim();
        let (prefix, path) = if let Some(rest) = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
        {
            let scheme_len = text.len() - rest.len();
            let host_end = rest.find('/').unwrap_or(rest.len());
            if host_end == 0 {
                return None;
            }
            (&text[..scheme_len + host_end], &rest[host_end..])
        } else if text.starts_with('/') {
            ("", text)
        } else {
            return None;
        };
        if path.contains(['?', '#', ' ', '\\']) || path.contains("//") {
            return None;
        }
        let mut path = if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        };
        if !path.ends_with('/') {
            path.push('/');
        }
        Some(BaseUrl {
            full: format!("{prefix}{path}"),
            path,
        })
    }

    pub fn is_absolute(&self) -> bool {
        self.full != self.path
    }

    /// Whether a build writes sitemap.xml: the sitemap protocol allows
    /// absolute URLs only, so only under an absolute base_url.
    pub fn has_sitemap(&self) -> bool {
        self.is_absolute()
    }
}

/// What feed.xml says about itself: site.yaml's `feed`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedConfig {
    /// `feed.id`: the feed's permanent Atom id, an absolute URI without
    /// `#` (checked by [`feed_id_problem`]); `None` derives one.
    pub id: Option<String>,
    /// `feed.subtitle`; empty leaves the subtitle out.
    pub subtitle: String,
}

impl Default for FeedConfig {
    fn default() -> FeedConfig {
        FeedConfig {
            id: None,
            subtitle: "New anecdotes of architecture pain".to_owned(),
        }
    }
}

/// Why `text` cannot be a feed's id, or `None` when it can. An Atom id is
/// an absolute URI; frictionlog adds `incidents/<slug>/#<anchor>` to it for
/// the entries, so it may not have a `#` of its own.
pub fn feed_id_problem(text: &str) -> Option<&'static str> {
    const SPACES: &str = "it must not contain spaces or any of # < > \" { } | \\ ^ `";
    const TAG: &str = "a tag: URI is tag:AUTHORITY,DATE:NAME, such as \"tag:example.com,2024:arch-challenges\": a domain or e-mail address you own, a date on which you owned it, and a name of your choice";
    if text
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "#<>\"{}|\\^`".contains(c))
    {
        return Some(SPACES);
    }
    const NO_SCHEME: &str =
        "expected an absolute URI, starting with a scheme such as \"tag:\" or \"https:\"";
    let Some((scheme, rest)) = text.split_once(':') else {
        return Some(NO_SCHEME);
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok || rest.is_empty() {
        return Some(NO_SCHEME);
    }
    let has_host = || {
        rest.strip_prefix("//")
            .and_then(|host| host.split('/').next())
            .is_some_and(|host| !host.is_empty())
    };
    match scheme.to_ascii_lowercase().as_str() {
        "tag" if !is_tag_uri_rest(rest) => Some(TAG),
        "http" | "https" if !has_host() => Some(
            "expected an http or https URL with a host, such as \"https://docs.example.com/arch/\"",
        ),
        _ => None,
    }
}

/// `AUTHORITY,DATE:SPECIFIC` of a tag: URI (RFC 4151).
fn is_tag_uri_rest(rest: &str) -> bool {
    let Some((entity, specific)) = rest.split_once(':') else {
        return false;
    };
    let Some((authority, date)) = entity.rsplit_once(',') else {
        return false;
    };
    let dns_name = |name: &str| {
        !name.is_empty()
            && name.split('.').all(|part| {
                !part.is_empty()
                    && !part.starts_with('-')
                    && !part.ends_with('-')
                    && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    let authority_ok = match authority.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
                && dns_name(domain)
        }
        None => dns_name(authority),
    };
    let date_ok = Date::parse(date).is_some();
    let specific_ok = specific
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=:@/?".contains(c));
    authority_ok && date_ok && specific_ok
}

/// site.yaml's `repository`, resolved once into the one thing pages need:
/// the address of the host's page that edits a content file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryConfig {
    /// The host's edit page, `{path}` standing for a file's path in the
    /// repository: `https://github.com/acme/arch/edit/main/{path}`.
    pub edit_url_template: String,
    /// The site's folder in the repository (the one holding `content/`):
    /// `""` for the repository's root, else `docs/arch/`.
    pub path: String,
}

/// What a path segment must not hold as it is in a URL: `/` stays, as the
/// separator of the segments.
const PATH_IN_URL: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `path` percent-encoded for a URL, its `/` kept.
fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH_IN_URL).to_string()
}

impl RepositoryConfig {
    /// The host's page that edits the content file `file` (its path from
    /// the site's root, `content/incidents/x.md`).
    pub fn edit_url(&self, file: &str) -> String {
        let in_repository = format!("{}{file}", self.path);
        self.edit_url_template
            .replace("{path}", &encode_path(&in_repository))
    }
}

/// The kinds of Git host whose edit pages frictionlog knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    Github,
    Gitlab,
    /// Gitea and Forgejo (Codeberg).
    Gitea,
}

impl HostKind {
    pub const NAMES: [&'static str; 3] = ["github", "gitlab", "gitea"];

    pub fn from_name(name: &str) -> Option<HostKind> {
        match name {
            "github" => Some(HostKind::Github),
            "gitlab" => Some(HostKind::Gitlab),
            "gitea" => Some(HostKind::Gitea),
            _ => None,
        }
    }

    /// The kind of a well-known public host, by its name.
    pub fn of_host(host: &str) -> Option<HostKind> {
        match host.to_ascii_lowercase().trim_start_matches("www.") {
            "github.com" => Some(HostKind::Github),
            "gitlab.com" => Some(HostKind::Gitlab),
            "codeberg.org" | "gitea.com" => Some(HostKind::Gitea),
            _ => None,
        }
    }

    /// The edit page of `{path}` on `branch` of the repository whose web
    /// address is `url` (without a final `/`).
    pub fn edit_url_template(self, url: &str, branch: &str) -> String {
        let edit = match self {
            HostKind::Github => "edit",
            HostKind::Gitlab => "-/edit",
            HostKind::Gitea => "_edit",
        };
        format!("{url}/{edit}/{}/{{path}}", encode_path(branch))
    }
}

/// A repository's web address from `text`, without a final `/` or `.git`,
/// and its host; or, when it is none, what to say (a did-you-mean for an
/// SSH address).
pub fn parse_repository_url(text: &str) -> Result<(String, String), String> {
    const EXPECTED: &str = "expected the repository's web address, such as \"https://github.com/acme/arch-challenges\"";
    let text = text.trim();
    let trimmed = text.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let Some(rest) = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
    else {
        // `git@github.com:acme/arch.git`, as `git clone` takes it.
        if let Some((host, path)) = trimmed
            .strip_prefix("git@")
            .or_else(|| trimmed.strip_prefix("ssh://git@"))
            .and_then(|rest| rest.split_once([':', '/']))
            && !host.is_empty()
            && !path.is_empty()
        {
            return Err(format!(
                "{EXPECTED} (did you mean \"https://{host}/{}\"?)",
                path.trim_start_matches('/')
            ));
        }
        return Err(EXPECTED.to_owned());
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty()
        || path.is_empty()
        || trimmed
            .contains(|c: char| c.is_whitespace() || c.is_control() || "#?{}<>\"\\^`|".contains(c))
    {
        return Err(EXPECTED.to_owned());
    }
    Ok((trimmed.to_owned(), host.to_owned()))
}

/// Why `template` cannot be an edit page's address, or `None` when it can.
pub fn edit_url_template_problem(template: &str) -> Option<&'static str> {
    let absolute = ["https://", "http://"].iter().any(|scheme| {
        template
            .strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
    });
    if !absolute || template.contains(char::is_whitespace) {
        return Some(
            "expected an http or https URL, such as \"https://git.example.com/arch/-/edit/main/{path}\"",
        );
    }
    if !template.contains("{path}") {
        return Some(
            "it must contain {path}, which frictionlog replaces with the path of the page's file in the repository",
        );
    }
    None
}

/// The site's folder in the repository, normalised to `""` or `a/b/`; or
/// `None` when `text` is no folder inside a repository.
pub fn parse_repository_path(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/');
    if text.is_empty() || text == "." {
        return Some(String::new());
    }
    let inside = !text.starts_with('/')
        && !text.contains('\\')
        && text
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    inside.then(|| format!("{text}/"))
}

/// The settings of `content/site.yaml`, with defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    pub base_url: BaseUrl,
    pub theme: String,
    pub rank_by: Vec<RankKind>,
    pub incident_statuses: Vec<IncidentStatus>,
    pub category_statuses: Vec<CategoryStatus>,
    pub sections: Vec<Section>,
    pub raw_html: bool,
    pub feed_limit: u32,
    pub group_by: GroupBy,
    pub order_by: OrderBy,
    pub feed: FeedConfig,
    /// Where the content files are edited; `None` shows no edit links.
    pub repository: Option<RepositoryConfig>,
}

impl SiteConfig {
    /// site.yaml's defaults (docs/configuration.md) around a title.
    pub fn with_title(title: String) -> SiteConfig {
        SiteConfig {
            title,
            description: None,
            base_url: BaseUrl {
                full: "/".into(),
                path: "/".into(),
            },
            theme: "default".into(),
            rank_by: vec![RankKind::Occurrences, RankKind::Votes, RankKind::Incidents],
            incident_statuses: default_incident_statuses(),
            category_statuses: default_category_statuses(),
            sections: Vec::new(),
            raw_html: false,
            feed_limit: 50,
            group_by: GroupBy::Category,
            order_by: OrderBy::Title,
            feed: FeedConfig::default(),
            repository: None,
        }
    }
}

pub fn default_incident_statuses() -> Vec<IncidentStatus> {
    [
        ("sad", "Painful", "☹"),
        ("tick", "Resolved", "✓"),
        ("heart", "Going well", "♥"),
    ]
    .into_iter()
    .map(|(key, label, symbol)| IncidentStatus {
        key: key.into(),
        label: label.into(),
        symbol: symbol.into(),
    })
    .collect()
}

pub fn default_category_statuses() -> Vec<CategoryStatus> {
    [
        ("nope", "Not started"),
        ("progress", "In progress"),
        ("partial", "Partly addressed"),
    ]
    .into_iter()
    .map(|(key, label)| CategoryStatus {
        key: key.into(),
        label: label.into(),
    })
    .collect()
}
