//! From the published page back to the repository: site.yaml's
//! `repository` adds "Edit this page" to every page made from a content
//! file (incident, category, review) and "Report this too" to each
//! incident's page, each opening the host's edit page of the right file.

use crate::support::{SETTINGS, SiteBuilder, Tree, assert_text_snapshot, expect_errors};

/// The `href` of the link with `class` on `page`, if it has one.
fn link(built: &Tree, page: &str, class: &str) -> Option<String> {
    let html = built.text(page);
    let start = html.find(&format!("<a class=\"{class}\" href=\""))?;
    let rest = &html[start..];
    let href = rest.split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

fn built_with(repository: &str) -> Tree {
    SiteBuilder::new()
        .append("content/site.yaml", repository)
        .create()
        .build(&[])
}

#[test]
fn without_repository_no_page_links_to_it() {
    let built = SiteBuilder::new().create().build(&[]);
    for (page, html) in built.html_pages() {
        assert!(!html.contains("edit-links"), "{page}");
        assert!(!html.contains("Edit this page"), "{page}");
        assert!(!html.contains("Report this too"), "{page}");
    }
}

#[test]
fn every_content_page_links_to_its_file_and_each_incident_to_a_report() {
    let built = built_with("repository:\n  url: https://github.com/acme/arch-challenges\n");
    let edit = "https://github.com/acme/arch-challenges/edit/main/content/";
    let incident = "incidents/settings/index.html";
    assert_eq!(
        link(&built, incident, "edit-link").as_deref(),
        Some(&*format!("{edit}incidents/settings.md"))
    );
    // A report is an anecdote added to the incident's own file.
    assert_eq!(
        link(&built, incident, "report-link").as_deref(),
        Some(&*format!("{edit}incidents/settings.md"))
    );
    let html = built.text(incident);
    let nav_start = html.find("<nav class=\"edit-links\"").expect("the links");
    let nav_end = nav_start + html[nav_start..].find("</nav>").unwrap() + "</nav>".len();
    assert_text_snapshot!("incident_edit_links", &html[nav_start..nav_end]);
    for (page, file) in [
        ("categories/monolith/index.html", "categories/monolith.md"),
        ("categories/frontend/index.html", "categories/frontend.md"),
        ("reviews/2018-10-15/index.html", "reviews/2018-10-15.md"),
    ] {
        assert_eq!(
            link(&built, page, "edit-link").as_deref(),
            Some(&*format!("{edit}{file}")),
            "{page}"
        );
        assert_eq!(link(&built, page, "report-link"), None, "{page}");
    }
    // Pages made from no one file have neither.
    for page in [
        "index.html",
        "teams/index.html",
        "teams/enterprise/index.html",
        "timeline/index.html",
        "404.html",
    ] {
        assert!(!built.text(page).contains("edit-links"), "{page}");
    }
}

#[test]
fn a_site_in_a_folder_of_the_repository_links_to_its_files_there() {
    let built = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "repository:\n  url: https://git.example.com/platform/handbook.git\n  kind: gitlab\n  branch: release/2024\n  path: docs/arch/\n",
        )
        .without("content/incidents/settings.md")
        .file("content/incidents/old cases/settings.md", SETTINGS)
        .create()
        .build(&[]);
    assert_eq!(
        link(&built, "incidents/settings/index.html", "edit-link").as_deref(),
        Some(
            "https://git.example.com/platform/handbook/-/edit/release/2024/docs/arch/content/incidents/old%20cases/settings.md"
        )
    );
}

#[test]
fn gitea_and_forgejo_hosts() {
    let built = built_with("repository: {url: \"https://codeberg.org/acme/arch\"}\n");
    assert_eq!(
        link(&built, "categories/monolith/index.html", "edit-link").as_deref(),
        Some("https://codeberg.org/acme/arch/_edit/main/content/categories/monolith.md")
    );
    let built = built_with(
        "repository: {url: \"https://git.example.com/acme/arch\", kind: gitea, branch: trunk}\n",
    );
    assert_eq!(
        link(&built, "categories/monolith/index.html", "edit-link").as_deref(),
        Some("https://git.example.com/acme/arch/_edit/trunk/content/categories/monolith.md")
    );
}

#[test]
fn an_edit_url_template_of_its_own() {
    let built = built_with(
        "repository:\n  edit_url_template: \"https://bitbucket.example.com/acme/arch/src/main/{path}?mode=edit\"\n  path: site\n",
    );
    let expected = "https://bitbucket.example.com/acme/arch/src/main/site/content/incidents/settings.md?mode=edit";
    let page = "incidents/settings/index.html";
    assert_eq!(link(&built, page, "edit-link").as_deref(), Some(expected));
    assert_eq!(link(&built, page, "report-link").as_deref(), Some(expected));
    assert!(built.text(page).contains("?mode=edit\">Edit this page</a>"));
}

#[test]
fn unusable_repository_settings_are_reported_where_they_are_written() {
    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "repository:\n  url: git@github.com:acme/arch.git\n  kind: githb\n  brnch: main\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[
            ("invalid-value", "content/site.yaml", 3, 8),
            ("invalid-value", "content/site.yaml", 4, 9),
            ("unknown-field", "content/site.yaml", 5, 3),
        ],
    );
    assert_eq!(
        d[0].message,
        "invalid repository url \"git@github.com:acme/arch.git\": expected the repository's web address, such as \"https://github.com/acme/arch-challenges\" (did you mean \"https://github.com/acme/arch\"?)"
    );
    assert_eq!(
        d[1].message,
        "unknown kind of host \"githb\" (did you mean \"github\"?): expected one of github, gitlab, gitea"
    );
    assert_eq!(
        d[2].message,
        "unknown key \"brnch\" in repository (did you mean \"branch\"?)"
    );

    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "repository:\n  url: https://git.example.com/acme/arch\n  path: ../arch\n",
        )
        .create();
    let d = expect_errors(
        &site,
        &[
            ("missing-field", "content/site.yaml", 3, 8),
            ("invalid-value", "content/site.yaml", 4, 9),
        ],
    );
    assert!(
        d[1].message.starts_with(
            "invalid repository path \"../arch\": expected the folder that holds content/"
        ),
        "{}",
        d[1].message
    );

    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "repository:\n  url: https://git.example.com/acme/arch\n",
        )
        .create();
    let d = expect_errors(&site, &[("missing-field", "content/site.yaml", 3, 8)]);
    assert_eq!(
        d[0].message,
        "frictionlog cannot tell which kind of host \"git.example.com\" is: add \"kind\" to repository (github, gitlab, gitea)"
    );

    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "repository:\n  url: https://github.com/acme/arch\n  kind: gitlab\n  edit_url_template: https://github.com/acme/arch/edit/main/{path}\n",
        )
        .create();
    let d = expect_errors(&site, &[("invalid-value", "content/site.yaml", 5, 22)]);
    assert_eq!(
        d[0].message,
        "repository has both \"edit_url_template\" and \"url\": give either url (with branch and kind) or edit_url_template"
    );

    let site = SiteBuilder::new()
        .append(
            "content/site.yaml",
            "repository:\n  edit_url_template: https://github.com/acme/arch/edit/main/\n",
        )
        .create();
    let d = expect_errors(&site, &[("invalid-value", "content/site.yaml", 3, 22)]);
    assert!(
        d[0].message.contains("it must contain {path}"),
        "{}",
        d[0].message
    );
}
