//! Pure: every page and file a built site has, with its output path, its
//! link and its absolute permalink. No other module builds a site path or
//! URL: a new page kind or a change of URL scheme is made here, once.

use crate::model::{BaseUrl, Date, LinkTargetKind, link_url_kind};

/// The kinds of page, each rendered by its own template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageKind {
    Index,
    Categories,
    Category,
    Incident,
    Teams,
    Team,
    Timeline,
    Reviews,
    Review,
    NotFound,
}

impl PageKind {
    /// Every kind of page, in the order a theme's templates are listed.
    pub const ALL: [PageKind; 10] = [
        PageKind::Index,
        PageKind::Categories,
        PageKind::Category,
        PageKind::Incident,
        PageKind::Team,
        PageKind::Teams,
        PageKind::Timeline,
        PageKind::Reviews,
        PageKind::Review,
        PageKind::NotFound,
    ];

    /// The name templates see as `page.kind`.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Index => "index",
            PageKind::Categories => "categories",
            PageKind::Category => "category",
            PageKind::Incident => "incident",
            PageKind::Teams => "teams",
            PageKind::Team => "team",
            PageKind::Timeline => "timeline",
            PageKind::Reviews => "reviews",
            PageKind::Review => "review",
            PageKind::NotFound => "404",
        }
    }

    /// The template that renders pages of this kind.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Index => "index.html",
            PageKind::Categories => "categories.html",
            PageKind::Category => "category.html",
            PageKind::Incident => "incident.html",
            PageKind::Teams => "teams.html",
            PageKind::Team => "team.html",
            PageKind::Timeline => "timeline.html",
            PageKind::Reviews => "reviews.html",
            PageKind::Review => "review.html",
            PageKind::NotFound => "404.html",
        }
    }
}

/// One page or file of the site. Slugs are the validated ones
/// (`[a-z0-9][a-z0-9-]*`), so they are safe in paths and URLs as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route<'a> {
    Index,
    Categories,
    Category(&'a str),
    Incident(&'a str),
    Teams,
    /// A team, by its slug.
    Team(&'a str),
    Timeline,
    Reviews,
    Review(Date),
    NotFound,
    Feed,
    Sitemap,
    DataJson,
    IncidentsCsv,
    /// The words the index's filter searches besides what the page holds.
    SearchIndex,
    /// A file of the theme's `static/` folder, by its path in there; the
    /// empty path is the folder itself.
    Static(&'a str),
}

impl Route<'_> {
    /// The kind of page, or `None` for a file that is not a page.
    pub fn page_kind(&self) -> Option<PageKind> {
        Some(match self {
            Route::Index => PageKind::Index,
            Route::Categories => PageKind::Categories,
            Route::Category(_) => PageKind::Category,
            Route::Incident(_) => PageKind::Incident,
            Route::Teams => PageKind::Teams,
            Route::Team(_) => PageKind::Team,
            Route::Timeline => PageKind::Timeline,
            Route::Reviews => PageKind::Reviews,
            Route::Review(_) => PageKind::Review,
            Route::NotFound => PageKind::NotFound,
            Route::Feed
            | Route::Sitemap
            | Route::DataJson
            | Route::IncidentsCsv
            | Route::SearchIndex
            | Route::Static(_) => return None,
        })
    }

    /// Where it is under the site's root, as links write it: `""` for the
    /// index, `incidents/<slug>/` for a page, `feed.xml` for a file.
    pub fn href(&self) -> String {
        let mut href = String::new();
        self.push_href(&mut href);
        href
    }

    /// Appends [`Route::href`] to `out` (links are made by the hundred
    /// thousand: one allocation each, not two).
    fn push_href(&self, out: &mut String) {
        let (folder, name, slash) = match self {
            Route::Index => ("", "", false),
            Route::Categories => ("categories/", "", false),
            Route::Reviews => ("reviews/", "", false),
            Route::Category(slug) => ("categories/", *slug, true),
            Route::Incident(slug) => ("incidents/", *slug, true),
            Route::Teams => ("teams/", "", false),
            Route::Team(slug) => ("teams/", *slug, true),
            Route::Timeline => ("timeline/", "", false),
            Route::Review(date) => {
                out.push_str("reviews/");
                out.push_str(&date.to_string());
                out.push('/');
                return;
            }
            Route::NotFound => ("", "404.html", false),
            Route::Feed => ("", "feed.xml", false),
            Route::Sitemap => ("", "sitemap.xml", false),
            Route::DataJson => ("", "data.json", false),
            Route::IncidentsCsv => ("", "incidents.csv", false),
            Route::SearchIndex => ("", "search-index.json", false),
            Route::Static(path) => ("static/", *path, false),
        };
        out.push_str(folder);
        out.push_str(name);
        if slash {
            out.push('/');
        }
    }

    /// `prefix` followed by the href and, if given, `#fragment`.
    fn under(&self, prefix: &str, fragment: Option<&str>) -> String {
        let mut url = String::with_capacity(prefix.len() + 48);
        url.push_str(prefix);
        self.push_href(&mut url);
        if let Some(id) = fragment {
            url.push('#');
            url.push_str(id);
        }
        url
    }

    /// The file it is written to, relative to the output folder: a page
    /// whose link ends in `/` is that folder's `index.html`.
    pub fn output_path(&self) -> String {
        let mut path = self.href();
        if path.is_empty() || path.ends_with('/') {
            path.push_str("index.html");
        }
        path
    }

    /// Where it is from the site's root, as relative links write it: the
    /// file itself (`incidents/<slug>/index.html`, `index.html`), so that
    /// links work opened from disk as well as served; `static/` for the
    /// static folder. Prefix it with the linking page's [`Route::root`].
    pub fn path(&self) -> String {
        match self {
            Route::Static(_) => self.href(),
            _ => self.output_path(),
        }
    }

    /// [`Route::path`] with `#fragment`.
    pub fn path_to_fragment(&self, id: &str) -> String {
        let mut path = self.path();
        path.push('#');
        path.push_str(id);
        path
    }

    /// From this page to the site's root, for relative links: `""` for a
    /// page at the root, one `../` per folder it is in. The 404 page is
    /// served at any address, so its links cannot be relative: it gets
    /// base_url's path (or the whole base_url when that is absolute).
    pub fn root(&self, base: &BaseUrl) -> String {
        if *self == Route::NotFound {
            return base.full.clone();
        }
        "../".repeat(self.output_path().matches('/').count())
    }

    /// The link to it as a path under base_url's path, for data.json and
    /// other readers outside the site's pages.
    pub fn link(&self, base: &BaseUrl) -> String {
        self.under(&base.path, None)
    }

    /// The link to a fragment (`#id`) of it.
    pub fn link_to_fragment(&self, base: &BaseUrl, id: &str) -> String {
        self.under(&base.path, Some(id))
    }

    /// Its permalink: the absolute URL under an absolute base_url, else the
    /// same as [`Route::link`].
    pub fn permalink(&self, base: &BaseUrl) -> String {
        self.under(&base.full, None)
    }

    /// The permalink of a fragment (`#id`) of it.
    pub fn permalink_to_fragment(&self, base: &BaseUrl, id: &str) -> String {
        self.under(&base.full, Some(id))
    }

    /// A fragment (`#id`) of it under `stem`, an id that ends in `/` and is
    /// no address of the site: the Atom id of a feed entry under the feed's
    /// own id (`tag:example.com,2024:arch/incidents/x/#id`).
    pub fn id_under(&self, stem: &str, id: &str) -> String {
        self.under(stem, Some(id))
    }
    /// Its path with a query (`?name=value&...`, each part
    /// percent-encoded) and a fragment: a view of a page that its script
    /// makes, such as the index's incidents filtered by a tag.
    /// From the site's root, like [`Route::path`]: put the linking page's
    /// [`Route::root`] before it.
    pub fn path_with_query(&self, query: &[(&str, &str)], id: &str) -> String {
        let mut url = self.path();
        for (position, (name, value)) in query.iter().enumerate() {
            url.push(if position == 0 { '?' } else { '&' });
            url.extend(percent_encoding::utf8_percent_encode(name, QUERY_PART));
            url.push('=');
            url.extend(percent_encoding::utf8_percent_encode(value, QUERY_PART));
        }
        url.push('#');
        url.push_str(id);
        url
    }
}

/// Where a content file's link (its `links`) goes, as pages write it:
/// http(s) URLs and paths from the host's root (`/wiki/x`) as written,
/// other paths resolved against base_url's path, so the link goes to one
/// place from every page (docs/format.md, "Links").
pub fn link_href(base: &BaseUrl, url: &str) -> String {
    resolve_link("", &base.path, url)
}

/// [`link_href`] as an absolute URL when base_url is absolute (for the
/// feed); the same as [`link_href`] otherwise.
pub fn link_permalink(base: &BaseUrl, url: &str) -> String {
    let origin = base.full.strip_suffix(base.path.as_str()).unwrap_or("");
    resolve_link(origin, &base.path, url)
}

fn resolve_link(origin: &str, base_path: &str, url: &str) -> String {
    match link_url_kind(url) {
        Ok(LinkTargetKind::HostPath) => format!("{origin}{url}"),
        Ok(LinkTargetKind::SitePath) => {
            let (path, rest) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
            let merged = remove_dot_segments(&format!("{base_path}{path}"));
            format!("{origin}{merged}{rest}")
        }
        // Parse refused every other URL; nothing else reaches a page.
        Ok(LinkTargetKind::Web) | Err(_) => url.to_owned(),
    }
}

/// `/a/b/../c/./d` -> `/a/c/d` (RFC 3986, 5.2.4), never above the root.
fn remove_dot_segments(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut kept: Vec<&str> = Vec::with_capacity(segments.len());
    for (i, segment) in segments.into_iter().enumerate() {
        match segment {
            "." | ".." => {
                if segment == ".." {
                    kept.pop();
                }
                if i == last {
                    kept.push("");
                }
            }
            other => kept.push(other),
        }
    }
    format!("/{}", kept.join("/"))
}

/// What a query's name or value keeps as it is: letters, digits and
/// `-._~` (RFC 3986's unreserved characters); everything else is escaped.
const QUERY_PART: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Where the index's filter takes a tag to show: the index's incident list
/// (its `#incidents`) filtered by that tag's slug.
pub fn tag_filter_link(tag_slug: &str) -> String {
    Route::Index.path_with_query(&[("tag", tag_slug)], "incidents")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_the_base_url_unless_absolute_or_from_the_root() {
        let arch = base("/arch/challenges/");
        let absolute = base("https://docs.example.com/arch/challenges/");
        for (url, href, permalink) in [
            (
                "https://jira.example.com/ARCH-12?x=1#y",
                "https://jira.example.com/ARCH-12?x=1#y",
                "https://jira.example.com/ARCH-12?x=1#y",
            ),
            (
                "/wiki/ADR-12",
                "/wiki/ADR-12",
                "https://docs.example.com/wiki/ADR-12",
            ),
            (
                "adr/12.html",
                "/arch/challenges/adr/12.html",
                "https://docs.example.com/arch/challenges/adr/12.html",
            ),
            (
                "../../runbooks/./deploy?tab=2#step-3",
                "/runbooks/deploy?tab=2#step-3",
                "https://docs.example.com/runbooks/deploy?tab=2#step-3",
            ),
            (
                "../../../../above",
                "/above",
                "https://docs.example.com/above",
            ),
            (
                "./",
                "/arch/challenges/",
                "https://docs.example.com/arch/challenges/",
            ),
            ("..", "/arch/", "https://docs.example.com/arch/"),
            (
                "#tally",
                "/arch/challenges/#tally",
                "https://docs.example.com/arch/challenges/#tally",
            ),
        ] {
            assert_eq!(link_href(&arch, url), href, "{url}");
            assert_eq!(link_href(&absolute, url), href, "{url}");
            assert_eq!(link_permalink(&absolute, url), permalink, "{url}");
            assert_eq!(link_permalink(&arch, url), href, "{url}");
        }
    }

    fn base(text: &str) -> BaseUrl {
        BaseUrl::parse(text).unwrap()
    }

    #[test]
    fn pages_are_folders_and_files_are_files() {
        let date = Date::parse("2018-10-15").unwrap();
        let cases = [
            (Route::Index, "index.html", "/arch/"),
            (
                Route::Category("monolith"),
                "categories/monolith/index.html",
                "/arch/categories/monolith/",
            ),
            (
                Route::Incident("x"),
                "incidents/x/index.html",
                "/arch/incidents/x/",
            ),
            (Route::Teams, "teams/index.html", "/arch/teams/"),
            (
                Route::Team("web"),
                "teams/web/index.html",
                "/arch/teams/web/",
            ),
            (Route::Timeline, "timeline/index.html", "/arch/timeline/"),
            (
                Route::Review(date),
                "reviews/2018-10-15/index.html",
                "/arch/reviews/2018-10-15/",
            ),
            (Route::NotFound, "404.html", "/arch/404.html"),
            (Route::Feed, "feed.xml", "/arch/feed.xml"),
            (Route::Sitemap, "sitemap.xml", "/arch/sitemap.xml"),
            (Route::DataJson, "data.json", "/arch/data.json"),
            (Route::IncidentsCsv, "incidents.csv", "/arch/incidents.csv"),
            (
                Route::SearchIndex,
                "search-index.json",
                "/arch/search-index.json",
            ),
            (
                Route::Static("style.css"),
                "static/style.css",
                "/arch/static/style.css",
            ),
            (Route::Static(""), "static/index.html", "/arch/static/"),
        ];
        for (route, path, link) in cases {
            assert_eq!(route.output_path(), path, "{route:?}");
            assert_eq!(route.link(&base("/arch/")), link, "{route:?}");
        }
    }

    #[test]
    fn permalinks_are_absolute_only_under_an_absolute_base_url() {
        let route = Route::Incident("x");
        assert_eq!(
            route.permalink(&base("https://docs.example.com/arch")),
            "https://docs.example.com/arch/incidents/x/"
        );
        assert_eq!(
            route.link(&base("https://docs.example.com/arch")),
            "/arch/incidents/x/"
        );
        assert_eq!(route.permalink(&base("/")), "/incidents/x/");
        assert_eq!(
            route.link_to_fragment(&base("/"), "anecdote-web"),
            "/incidents/x/#anecdote-web"
        );
        assert_eq!(
            route.id_under("tag:example.com,2024:arch/", "anecdote-web"),
            "tag:example.com,2024:arch/incidents/x/#anecdote-web"
        );
    }

    #[test]
    fn relative_links_climb_to_the_root_and_name_the_file() {
        let date = Date::parse("2018-10-15").unwrap();
        let cases = [
            (Route::Index, "", "index.html"),
            (Route::Teams, "../", "teams/index.html"),
            (Route::Timeline, "../", "timeline/index.html"),
            (Route::Category("m"), "../../", "categories/m/index.html"),
            (Route::Incident("x"), "../../", "incidents/x/index.html"),
            (Route::Team("web"), "../../", "teams/web/index.html"),
            (
                Route::Review(date),
                "../../",
                "reviews/2018-10-15/index.html",
            ),
            (Route::Feed, "", "feed.xml"),
            (Route::Static(""), "../", "static/"),
        ];
        for (route, root, path) in cases {
            assert_eq!(route.root(&base("/arch/")), root, "{route:?}");
            assert_eq!(route.path(), path, "{route:?}");
        }
        assert_eq!(
            Route::Incident("x").path_to_fragment("a"),
            "incidents/x/index.html#a"
        );
        // Served at any address, the 404 page links from the site's root.
        assert_eq!(Route::NotFound.root(&base("/arch/")), "/arch/");
        assert_eq!(
            Route::NotFound.root(&base("https://docs.example.com/arch")),
            "https://docs.example.com/arch/"
        );
    }

    #[test]
    fn a_filtered_view_escapes_its_query_and_ends_in_its_fragment() {
        assert_eq!(tag_filter_link("etcd"), "index.html?tag=etcd#incidents");
        assert_eq!(
            Route::Index.path_with_query(&[("q", "a b&c"), ("tag", "x/ü")], "i"),
            "index.html?q=a%20b%26c&tag=x%2F%C3%BC#i"
        );
    }

    #[test]
    fn every_page_kind_has_its_own_template_and_name() {
        let templates: std::collections::HashSet<_> =
            PageKind::ALL.iter().map(|k| k.template()).collect();
        let names: std::collections::HashSet<_> = PageKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(templates.len(), PageKind::ALL.len());
        assert_eq!(names.len(), PageKind::ALL.len());
    }
}
