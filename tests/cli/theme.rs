//! The default theme and theme loading, through the real binary: every
//! kind of page on a small fixture site (snapshots), every internal link
//! followed, feed.xml and sitemap.xml parsed, hostile text escaped, a theme
//! that extends the default, and template errors at file:line:column.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::support::{
    Diag, Entry, Site, SiteBuilder, Tree, assert_text_snapshot, build_site, places, repository,
};

/// A copy of the small fixture site, tests/fixtures/small.
fn small() -> Site {
    SiteBuilder::fixture("small").create()
}

/// The diagnostics of `check --format json`, whatever its exit code.
fn check_json(site: &Site) -> Vec<Diag> {
    site.check_json(&[]).1
}

fn place<'a>(code: &'a str, file: &'a str, line: u32, column: u32) -> (&'a str, &'a str, u32, u32) {
    (code, file, line, column)
}

// ---------------------------------------------------------------------------
// Snapshots

#[test]
fn every_kind_of_page_matches_its_snapshot() {
    // An absolute base_url, for canonical links and the sitemap.
    let built = small().build(&["--base-url", "https://docs.example.com/arch/"]);
    for (name, path) in [
        ("index", "index.html"),
        ("categories", "categories/index.html"),
        ("reviews", "reviews/index.html"),
        ("category", "categories/monolith/index.html"),
        ("incident", "incidents/plugin-settings/index.html"),
        ("teams", "teams/index.html"),
        ("team", "teams/web/index.html"),
        ("timeline", "timeline/index.html"),
        ("review", "reviews/2018-10-15/index.html"),
        ("not_found", "404.html"),
        ("feed", "feed.xml"),
        ("sitemap", "sitemap.xml"),
    ] {
        assert_text_snapshot!(name, built.text(path));
    }
}

#[test]
fn the_output_holds_every_page_of_the_spec_and_nothing_else() {
    let built = small().build(&[]);
    assert_eq!(
        built.file_names(),
        vec![
            ".frictionlog-output",
            "404.html",
            "categories/frontend/index.html",
            "categories/index.html",
            "categories/monolith/index.html",
            "categories/testing/index.html",
            "data.json",
            "feed.xml",
            "incidents.csv",
            "incidents/css-conflicts/index.html",
            "incidents/flaky-stage/index.html",
            "incidents/loose-ends/index.html",
            "incidents/plugin-settings/index.html",
            "index.html",
            "reviews/2018-10-15/index.html",
            "reviews/index.html",
            "search-index.json",
            "static/favicon.svg",
            "static/frictionlog.js",
            "static/style.css",
            "teams/index.html",
            "teams/mobile/index.html",
            "teams/team-koln/index.html",
            "teams/web/index.html",
            "timeline/index.html",
        ]
    );
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let site = small();
    let first = site.build_into(&site.outer().join("a"), &[]);
    let second = site.build_into(&site.outer().join("b"), &[]);
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------
// Links

/// `link` as found on `page` (a path in the output folder), resolved the
/// way a browser does for a site opened from disk at `mount` (`""` for the
/// output folder itself, `"deeper/"` for the folder one level down): the
/// output-folder path it reaches, or `None` for a link that leaves the
/// output folder. 404.html is served at any address, so its links are
/// resolved against `base_path` instead.
fn resolve_link(page: &str, link: &str, base_path: &str, mount: &str) -> Option<String> {
    let target = link.split(['#', '?']).next().unwrap_or_default();
    if target.is_empty() {
        return Some(page.to_owned());
    }
    let mut parts: Vec<&str> = if page == "404.html" {
        let rest = target.strip_prefix(base_path)?;
        return Some(if rest.is_empty() || rest.ends_with('/') {
            format!("{rest}index.html")
        } else {
            rest.to_owned()
        });
    } else if target.starts_with('/') {
        // A root-absolute link: from disk it climbs out of the site.
        return None;
    } else {
        let mut parts: Vec<&str> = mount.split('/').chain(page.split('/')).collect();
        parts.retain(|p| !p.is_empty());
        parts.pop();
        parts
    };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let mut path = parts.join("/");
    if target.ends_with('/') {
        path.push_str("/index.html");
    }
    path.strip_prefix(mount).map(str::to_owned)
}

/// Follows every link from index.html and 404.html, the site opened from
/// disk at `mount` (see [`resolve_link`]); returns what is wrong: links that
/// leave the site, links to folders (from disk a folder is no page), to
/// missing files or fragments, requests to other hosts, pages no link
/// reaches.
fn crawl_at(built: &Tree, base: &str, mount: &str) -> Vec<String> {
    // base_url's scheme and host, if any, and its path.
    let (origin, base_path) = match base.find("://") {
        Some(scheme_end) => {
            let path_start = base[scheme_end + 3..]
                .find('/')
                .map_or(base.len(), |p| scheme_end + 3 + p);
            base.split_at(path_start)
        }
        None => ("", base),
    };
    let ids: BTreeMap<&str, BTreeSet<String>> = built
        .html_pages()
        .into_iter()
        .map(|(path, html)| (path, attribute_values(&html, "id").into_iter().collect()))
        .collect();
    let mut problems = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> =
        VecDeque::from(["index.html".to_owned(), "404.html".to_owned()]);
    while let Some(page) = queue.pop_front() {
        if !seen.insert(page.clone()) {
            continue;
        }
        let html = built.text(&page);
        // A canonical link names the page's published address, not a
        // link to follow.
        let html = match html.find("<link rel=\"canonical\"") {
            Some(start) => {
                let end = html[start..]
                    .find('>')
                    .map_or(html.len(), |e| start + e + 1);
                format!("{}{}", &html[..start], &html[end..])
            }
            None => html,
        };
        let links = attribute_values(&html, "href")
            .into_iter()
            .chain(attribute_values(&html, "src"));
        for link in links {
            // 404.html is served at any address: it links to the site's
            // absolute base_url when there is one.
            let link = if page == "404.html" && !origin.is_empty() && link.starts_with(origin) {
                link[origin.len()..].to_owned()
            } else {
                link
            };
            if link.contains("://") || link.starts_with("mailto:") || link.starts_with("//") {
                problems.push(format!("{page}: link to another host \"{link}\""));
                continue;
            }
            let target = link.split(['#', '?']).next().unwrap_or_default();
            let folder_link = page != "404.html" && target.ends_with('/');
            // A link to the static folder's files is made of the folder
            // and a name; only whole links are checked here.
            if folder_link {
                problems.push(format!(
                    "{page}: \"{link}\" names a folder, which does not open from disk"
                ));
                continue;
            }
            let Some(file) = resolve_link(&page, &link, base_path, mount) else {
                problems.push(format!("{page}: \"{link}\" leads out of the site"));
                continue;
            };
            if !built.has_file(&file) {
                problems.push(format!("{page}: \"{link}\" leads to no file ({file})"));
                continue;
            }
            let fragment = link.split_once('#').map(|(_, f)| f);
            if let Some(fragment) = fragment
                && !fragment.is_empty()
                && !ids
                    .get(file.as_str())
                    .is_some_and(|ids| ids.contains(fragment))
            {
                problems.push(format!(
                    "{page}: \"{link}\": {file} has no id \"{fragment}\""
                ));
            }
            if file.ends_with(".html") {
                queue.push_back(file);
            }
        }
    }
    for page in ids.keys() {
        if !seen.contains(*page) {
            problems.push(format!("{page}: no link leads here"));
        }
    }
    problems
}

/// [`crawl_at`] with the site opened at the output folder and one folder
/// deeper: relative links must work in both.
fn crawl(built: &Tree, base_path: &str) -> Vec<String> {
    let mut problems = crawl_at(built, base_path, "");
    problems.extend(crawl_at(built, base_path, "deeper/"));
    problems.sort();
    problems.dedup();
    problems
}

#[test]
fn every_internal_link_works_from_disk_at_the_root_and_one_folder_deeper() {
    for base in ["/", "/arch/challenges/", "https://docs.example.com/arch/"] {
        let built = small().build(&["--base-url", base]);
        assert_eq!(crawl(&built, base), Vec::<String>::new(), "base_url {base}");
        // Whatever base_url says, pages link to each other relatively.
        let index = built.text("index.html");
        assert!(
            index.contains("href=\"static/style.css\""),
            "base_url {base}"
        );
        let incident = built.text("incidents/plugin-settings/index.html");
        assert!(
            incident.contains("href=\"../../static/style.css\""),
            "base_url {base}"
        );
        assert!(
            incident.contains("href=\"../../index.html\""),
            "base_url {base}"
        );
    }
}

#[test]
fn every_internal_link_of_the_bundled_site_works() {
    let out = tempfile::tempdir().unwrap();
    let built = build_site(
        &repository(),
        out.path(),
        &["--base-url", "/arch/challenges/"],
    );
    assert_eq!(crawl(&built, "/arch/challenges/"), Vec::<String>::new());
}

#[test]
fn the_crawler_notices_a_broken_link() {
    let built = small().build(&[]);
    let mut broken = built.clone();
    broken.remove("teams/web/index.html");
    let problems = crawl(&broken, "/");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"../../teams/web/index.html\" leads to no file")),
        "{problems:?}"
    );
    assert!(!crawl(&built, "/").iter().any(|p| p.contains("teams/web")));
    // A root-absolute link, which opened from disk leads nowhere.
    let mut absolute = built.clone();
    let index = built
        .text("index.html")
        .replace("href=\"teams/index.html\"", "href=\"/teams/\"");
    absolute.insert("index.html".to_owned(), Entry::File(index.into_bytes()));
    assert!(
        crawl(&absolute, "/").iter().any(
            |p| p.contains("\"/teams/\" names a folder") || p.contains("leads out of the site")
        ),
        "{:?}",
        crawl(&absolute, "/")
    );
    assert_eq!(
        resolve_link("teams/web/index.html", "/teams/index.html", "/", ""),
        None
    );
    assert_eq!(
        resolve_link("teams/web/index.html", "../../index.html#x", "/", "deeper/").as_deref(),
        Some("index.html")
    );
    assert_eq!(
        resolve_link("404.html", "/arch/teams/index.html", "/arch/", "").as_deref(),
        Some("teams/index.html")
    );
}

#[test]
fn content_links_to_md_files_become_page_links() {
    let built = small().build(&["--base-url", "/arch/"]);
    let category = built.text("categories/monolith/index.html");
    assert!(
        category.contains(
            "href=\"../../incidents/plugin-settings/index.html#where-the-settings-live\""
        )
    );
    let index = built.text("index.html");
    assert!(index.contains("<a href=\"categories/monolith/index.html\">monolith</a>"));
}

// ---------------------------------------------------------------------------
// feed.xml and sitemap.xml

fn atom(name: &str) -> (&'static str, &str) {
    ("http://www.w3.org/2005/Atom", name)
}

fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> roxmltree::Node<'a, 'input> {
    node.children()
        .find(|c| c.has_tag_name(atom(name)))
        .unwrap_or_else(|| panic!("no <{name}>"))
}

#[test]
fn the_feed_holds_the_newest_anecdotes_newest_first() {
    let built = SiteBuilder::fixture("small")
        .append("content/site.yaml", "feed_limit: 3\n")
        .create()
        .build(&[]);
    let text = built.text("feed.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let feed = doc.root_element();
    assert!(feed.has_tag_name(atom("feed")));
    assert_eq!(child(feed, "title").text(), Some("Platform Friction"));
    assert_eq!(child(feed, "updated").text(), Some("2018-11-02T00:00:00Z"));
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name(atom("entry")))
        .collect();
    let summary: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                child(*e, "updated").text().unwrap().to_owned(),
                child(child(*e, "author"), "name")
                    .text()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2018-11-02T00:00:00Z".to_owned(), "Team Köln".to_owned()),
            ("2018-03-05T00:00:00Z".to_owned(), "Mobile".to_owned()),
            ("2018-02-01T00:00:00Z".to_owned(), "Web".to_owned()),
        ]
    );
    let ids: BTreeSet<&str> = entries
        .iter()
        .map(|e| child(*e, "id").text().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "entry ids are unique");
    for entry in &entries {
        let href = child(*entry, "link").attribute("href").unwrap();
        let (page, fragment) = href.split_once('#').unwrap();
        let html = built.text(&format!("{}index.html", page.trim_start_matches('/')));
        assert!(html.contains(&format!("id=\"{fragment}\"")), "{href}");
    }
}

#[test]
fn feed_and_sitemap_use_absolute_urls_with_an_absolute_base_url() {
    let base = "https://docs.example.com/arch/";
    let built = small().build(&["--base-url", base]);

    let sitemap = built.text("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert!(doc.root_element().has_tag_name((namespace, "urlset")));
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((namespace, "loc")))
        .map(|n| n.text().unwrap())
        .collect();
    let pages = built
        .file_names()
        .iter()
        .filter(|p| p.ends_with("index.html"))
        .count();
    assert_eq!(locs.len(), pages, "every page but 404.html");
    for loc in &locs {
        let rest = loc.strip_prefix(base).unwrap_or_else(|| panic!("{loc}"));
        assert!(built.has_file(&format!("{rest}index.html")), "{loc}");
    }
    assert!(locs.contains(&base));

    let feed = built.text("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let links: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name(atom("link")))
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert!(links.len() > 2);
    assert!(links.iter().all(|l| l.starts_with(base)), "{links:?}");
    let ids: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name(atom("id")))
        .filter_map(|n| n.text())
        .collect();
    assert!(ids.iter().all(|id| id.starts_with(base)), "{ids:?}");
    let index = built.text("index.html");
    assert!(index.contains("<link rel=\"canonical\" href=\"https://docs.example.com/arch/\">"));
    // Pages still link relatively: the site works wherever it is mirrored.
    assert!(index.contains("href=\"static/style.css\""));
}

#[test]
fn with_a_path_base_url_there_is_no_sitemap_and_the_feed_uses_paths() {
    // The sitemap protocol allows absolute URLs only.
    let built = small().build(&["--base-url", "/arch/"]);
    assert!(!built.has_file("sitemap.xml"));
    let feed = built.text("feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    assert!(
        doc.descendants()
            .filter(|n| n.tag_name().name() == "link")
            .all(|n| n.attribute("href").unwrap().starts_with("/arch/"))
    );
}

// ---------------------------------------------------------------------------
// Hostile text

/// A site whose every title, team, text and body tries to run a script.
fn hostile_site() -> Site {
    SiteBuilder::empty()
        .file(
        "content/site.yaml",
        "title: \"<script>alert('site')</script> & Co\"\ndescription: \"<script>alert('d')</script>\"\nsections:\n  - slug: s\n    title: \"<script>alert('s')</script>\"\n",
    )
    .file(
        "content/categories/evil.md",
        "---\ntitle: \"<img src=x onerror=alert(1)>\"\nsummary: \"<script>alert('sum')</script>\"\nnotes: \"<b>notes</b>\"\nefforts:\n  - owner: \"<script>o</script>\"\n    items: [\"<script>i</script>\"]\n---\n<script>alert('cat body')</script>\n",
    )
    .file(
        "content/incidents/evil.md",
        "---\ntitle: \"<script>alert('title')</script>\"\ncategory: evil\nsection: s\nresolution: \"\\\"><svg onload=alert(1)>\"\ntags: [\"<u>tag</u>\"]\nanecdotes:\n  - team: \"<script>team</script>\"\n    date: 2018-01\n    text: \"</textarea><script>alert('text')</script>\"\n---\n<script>alert('body')</script>\n\n[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)\n",
    )
    .file(
        "content/reviews/2018-10-15.md",
        "---\ndate: 2018-10-15\ncategories:\n  evil: {votes: 1}\n---\n<script>alert('minutes')</script>\n",
    )
    .create()
}

#[test]
fn script_in_titles_teams_and_bodies_is_shown_escaped_everywhere() {
    let site = hostile_site();
    let built = site.build(&[]);
    let own_script = "static/frictionlog.js\" defer></script>";
    let mut checked = 0;
    for (path, bytes) in built.files() {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let lower = text.to_ascii_lowercase();
        let scripts = lower.matches("<script").count();
        let expected = usize::from(path.ends_with(".html"));
        assert_eq!(
            scripts, expected,
            "{path} has a <script> it should not have"
        );
        if expected == 1 {
            assert!(text.contains(own_script), "{path}");
        }
        for forbidden in [
            "<img",
            "<svg onload",
            "javascript:",
            "data:text",
            "<u>",
            "<b>notes",
        ] {
            assert!(
                !lower.contains(forbidden),
                "{path} contains \"{forbidden}\" unescaped"
            );
        }
        checked += 1;
    }
    assert!(checked >= 9, "every page was checked");
    let index = built.text("index.html");
    assert!(index.contains("&lt;script&gt;alert(&#39;site&#39;)&lt;/script&gt; &amp; Co"));
    assert!(index.contains("&lt;script&gt;team&lt;/script&gt;"));
    let incident = built.text("incidents/evil/index.html");
    assert!(
        incident.contains("&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;")
            || incident.contains("&lt;script&gt;alert('body')&lt;/script&gt;")
    );
    assert!(
        incident.contains("click"),
        "the text of a dropped link stays"
    );
}

#[test]
fn raw_html_passes_through_only_when_allowed() {
    let site = SiteBuilder::fixture("small")
        .file(
            "content/incidents/loose-ends.md",
            "---\ntitle: \"Nobody owns the shared widgets\"\ncategory: frontend\n---\nSome <kbd>Ctrl</kbd> keys.\n",
        )
        .create();
    let escaped = site.build(&[]).text("incidents/loose-ends/index.html");
    assert!(escaped.contains("&lt;kbd&gt;Ctrl&lt;/kbd&gt;"));
    let yaml = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        format!("{yaml}markdown:\n  raw_html: allow\n"),
    );
    let allowed = site.build(&[]).text("incidents/loose-ends/index.html");
    assert!(allowed.contains("<kbd>Ctrl</kbd>"));
}

// ---------------------------------------------------------------------------
// Themes

/// The small fixture site set to use `themes/<name>/`, which extends the
/// default theme; the caller adds the templates it overrides.
fn small_site_with_theme(name: &str) -> SiteBuilder {
    SiteBuilder::fixture("small")
        .append("content/site.yaml", &format!("theme: {name}\n"))
        .file(&format!("themes/{name}/theme.yaml"), "extends: default\n")
}

#[test]
fn a_theme_that_extends_default_overrides_one_template_and_one_static_file() {
    let site = small_site_with_theme("mine")
        .file(
            "themes/mine/templates/index.html",
            "{% extends \"default/index.html\" %}\n{% block title %}Mine: {{ site.title }}{% endblock title %}\n",
        )
        .file(
            "themes/mine/templates/category.html",
            "{% extends \"base.html\" %}\n{% block content %}<h1 class=\"mine\">{{ category.title }}</h1>{% endblock content %}\n",
        )
        .file("themes/mine/static/favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .file("themes/mine/static/extra/mine.css", "body { color: red }")
        .create();
    let built = site.build(&[]);
    let index = built.text("index.html");
    assert!(index.contains("<title>Mine: Platform Friction</title>"));
    assert!(
        index.contains("class=\"tally sortable\""),
        "the rest of the default index stays"
    );
    let category = built.text("categories/monolith/index.html");
    assert!(category.contains("<h1 class=\"mine\">Monolith</h1>"));
    assert!(
        category.contains("class=\"site-header\""),
        "the default base.html is used"
    );
    assert!(
        built
            .text("incidents/flaky-stage/index.html")
            .contains("class=\"anecdotes\"")
    );
    assert_eq!(
        built.text("static/favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
    );
    assert_eq!(built.text("static/extra/mine.css"), "body { color: red }");
    assert!(
        built
            .text("static/style.css")
            .contains("prefers-color-scheme")
    );
}

#[test]
fn a_theme_that_changes_a_partial_sees_it_on_every_page_that_includes_it() {
    let site = small_site_with_theme("mine")
        .file(
            "themes/mine/templates/partials/statuses.html",
            "<i class=\"mine\">{{ incident.title }}</i>\n",
        )
        .create();
    let built = site.build(&[]);
    for page in [
        "incidents/plugin-settings/index.html",
        "teams/web/index.html",
        "index.html",
        "categories/monolith/index.html",
    ] {
        assert!(
            built
                .text(page)
                .contains("<i class=\"mine\">Plugins need settings in the core</i>"),
            "{page}"
        );
    }
}

#[test]
fn a_template_that_walks_a_mapping_sees_its_keys_in_order() {
    // Byte-identical output (docs/format.md, "Outputs") includes templates that loop over a
    // mapping: its keys come in the order docs/templates.md lists them,
    // not in a hash order that changes from one run to the next.
    let site = small_site_with_theme("mine")
        .file(
            "themes/mine/templates/404.html",
            "{% for key, url in site.urls %}{{ key }} {% endfor %}",
        )
        .create();
    let walked = site.build(&[]).text("404.html");
    assert_eq!(
        walked,
        "home categories reviews timeline teams feed sitemap data_json incidents_csv search_index static_base latest_review "
    );
}

#[test]
fn a_site_without_a_themes_folder_uses_the_embedded_default() {
    let site = small();
    assert!(!site.root().join("themes").exists());
    let built = site.build(&[]);
    assert!(built.has_file("static/style.css"));
    assert!(
        built
            .text("index.html")
            .contains("class=\"tally sortable\"")
    );
}

#[test]
fn a_broken_template_is_reported_at_its_file_line_and_column() {
    let site = small_site_with_theme("broken")
        .file(
            "themes/broken/templates/incident.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ incident.title | shout }}</h1>\n{% endblock content %}\n",
        )
        .create();
    let diagnostics = check_json(&site);
    assert_eq!(
        places(&diagnostics),
        vec![place(
            "template-error",
            "themes/broken/templates/incident.html",
            3,
            25
        )]
    );
    let output = site.run(&["check", "--color", "never"]);
    assert_eq!(output.code, 1);
    assert_text_snapshot!("broken_template", output.stderr);
}

#[test]
fn a_list_entry_that_fails_to_render_fails_check_and_build_at_its_line() {
    // The index's entries are rendered while the index is written, not
    // beforehand: an entry's error must still stop the build, name the
    // partial's line, and leave the previous output as it was.
    let site = SiteBuilder::fixture("small")
        .file("themes/broken/theme.yaml", "extends: default\n")
        .file(
            "themes/broken/templates/partials/incident_item.html",
            "<li>\n{{ incident.no_such_field }}</li>\n",
        )
        .create();
    let before = site.build(&[]).text("index.html").to_owned();
    let site_yaml = site.read("content/site.yaml");
    site.write("content/site.yaml", format!("{site_yaml}theme: broken\n"));
    let diagnostics = check_json(&site);
    let found = places(&diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0, found[0].1, found[0].2),
        (
            "template-error",
            "themes/broken/templates/partials/incident_item.html",
            2
        )
    );
    let output = site.run(&["build", "--color", "never"]);
    assert_eq!(output.code, 1, "{}", output.stderr);
    assert!(
        output.stderr.contains("partials/incident_item.html:2:"),
        "{}",
        output.stderr
    );
    assert_eq!(site.read("output/index.html"), before);
}

#[test]
fn every_syntax_error_of_a_theme_is_reported_at_once() {
    let site = small_site_with_theme("broken")
        .file(
            "themes/broken/templates/team.html",
            "{% extends \"base.html\" %}\n{% block content %}{% if %}{% endblock content %}\n",
        )
        .file(
            "themes/broken/templates/teams.html",
            "ok\n\n  {{ unclosed\n",
        )
        .create();
    let diagnostics = check_json(&site);
    let found = places(&diagnostics);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].1, "themes/broken/templates/team.html");
    assert_eq!(found[0].2, 2);
    assert_eq!(found[1].1, "themes/broken/templates/teams.html");
    assert!(found.iter().all(|f| f.0 == "template-error"));
}

#[test]
fn an_error_while_rendering_names_the_template_line() {
    let site = small_site_with_theme("wrong")
        .file(
            "themes/wrong/templates/review.html",
            "{% extends \"base.html\" %}\n{% block content %}\n\n  {{ review.no_such_field }}\n{% endblock content %}\n",
        )
        .create();
    let diagnostics = check_json(&site);
    let found = places(&diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "template-error");
    assert_eq!(found[0].1, "themes/wrong/templates/review.html");
    assert_eq!(found[0].2, 4);
}

#[test]
fn a_theme_without_extends_must_supply_every_template() {
    let site = SiteBuilder::fixture("small")
        .append("content/site.yaml", "theme: bare\n")
        .file(
            "themes/bare/templates/base.html",
            "{% block content %}{% endblock content %}",
        )
        .create();
    let diagnostics = check_json(&site);
    let found = places(&diagnostics);
    let files: Vec<&str> = found.iter().map(|f| f.1).collect();
    assert_eq!(
        files,
        vec![
            "themes/bare/templates/404.html",
            "themes/bare/templates/categories.html",
            "themes/bare/templates/category.html",
            "themes/bare/templates/incident.html",
            "themes/bare/templates/index.html",
            "themes/bare/templates/review.html",
            "themes/bare/templates/reviews.html",
            "themes/bare/templates/team.html",
            "themes/bare/templates/teams.html",
            "themes/bare/templates/timeline.html",
        ]
    );
    assert!(found.iter().all(|f| f.0 == "template-error"));
}

#[test]
fn an_unknown_theme_points_at_site_yaml() {
    let site = small();
    let yaml = site.read("content/site.yaml");
    let line = u32::try_from(yaml.lines().count()).unwrap() + 1;
    site.write("content/site.yaml", format!("{yaml}theme: mien\n"))
        .write("themes/mine/theme.yaml", "extends: default\n");
    let diagnostics = check_json(&site);
    assert_eq!(
        places(&diagnostics),
        vec![place("invalid-value", "content/site.yaml", line, 8)]
    );
    let message = &diagnostics[0].message;
    assert!(message.contains("did you mean \"mine\""), "{message}");
}

#[test]
fn theme_yaml_knows_only_extends() {
    let site = SiteBuilder::fixture("small")
        .append("content/site.yaml", "theme: mine\n")
        .file("themes/mine/theme.yaml", "# my theme\nextend: default\n")
        .create();
    let diagnostics = check_json(&site);
    assert_eq!(
        places(&diagnostics),
        vec![place("unknown-field", "themes/mine/theme.yaml", 2, 1)]
    );
    assert!(diagnostics[0].message.contains("did you mean \"extends\""));
}

// ---------------------------------------------------------------------------
// Broken links

#[test]
fn links_to_missing_md_files_are_broken_link_errors_at_their_place() {
    let site = SiteBuilder::fixture("small")
        .file(
            "content/incidents/loose-ends.md",
            "---\ntitle: \"Nobody owns the shared widgets\"\ncategory: frontend\n---\n\nSee [the plugins](features/plugin-settings.md) and\n[the old page](features/gone.md).\n",
        )
        .file(
            "content/categories/testing.md",
            "---\ntitle: \"Testing\"\n---\n\nLike [stage](../incidents/operations/flaky.md).\n",
        )
        .file(
            "content/reviews/2018-10-15.md",
            "---\ndate: 2018-10-15\ncategories:\n  monolith: {votes: 3}\n---\nSee [x](../categories/monolit.md#why).\n",
        )
        .create();
    let diagnostics = check_json(&site);
    assert_eq!(
        places(&diagnostics),
        vec![
            place("broken-link", "content/categories/testing.md", 5, 14),
            place("broken-link", "content/incidents/loose-ends.md", 7, 16),
            place("broken-link", "content/reviews/2018-10-15.md", 6, 9),
        ]
    );
    let message = &diagnostics[2].message;
    assert!(
        message.contains("did you mean \"content/categories/monolith.md\""),
        "{message}"
    );
    let output = site.run(&["build", "-o", site.root().join("out").to_str().unwrap()]);
    assert_eq!(output.code, 1, "a broken link fails the build");
}

// ---------------------------------------------------------------------------
// Reading HTML

/// Every value of `attr="..."` in `html`, entities in it decoded.
fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        rest = &rest[start + needle.len()..];
        let Some(end) = rest.find('"') else { break };
        values.push(decode_entities(&rest[..end]));
        rest = &rest[end..];
    }
    values
}

fn decode_entities(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
