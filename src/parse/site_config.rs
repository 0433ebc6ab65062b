//! `content/site.yaml`: the site's settings, every key and mapping of it
//! (statuses, sections, markdown, incident lists, feed, repository). Pure.

use super::SourceFile;
use super::reporter::Reporter;
use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::model::{
    BaseUrl, CategoryStatus, FeedConfig, GroupBy, HostKind, IncidentStatus, OrderBy, RankKind,
    RepositoryConfig, Section, SiteConfig, edit_url_template_problem, feed_id_problem,
    is_valid_slug, parse_repository_path, parse_repository_url,
};
use crate::yaml::{Yaml, YamlValue};

pub(super) const SITE_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "theme",
    "rank_by",
    "incident_statuses",
    "category_statuses",
    "sections",
    "markdown",
    "feed_limit",
    "incidents",
    "feed",
    "repository",
];
pub(super) const MARKDOWN_KEYS: &[&str] = &["raw_html"];
pub(super) const INCIDENTS_KEYS: &[&str] = &["group_by", "order_by"];
pub(super) const FEED_KEYS: &[&str] = &["id", "subtitle"];
pub(super) const REPOSITORY_KEYS: &[&str] = &["url", "branch", "kind", "path", "edit_url_template"];
pub(super) const INCIDENT_STATUS_KEYS: &[&str] = &["label", "symbol"];
pub(super) const CATEGORY_STATUS_KEYS: &[&str] = &["label"];
pub(super) const SECTION_KEYS: &[&str] = &["slug", "title"];

/// Parses `content/site.yaml` (plain YAML, no frontmatter delimiters).
pub fn parse_site_config(file: &SourceFile) -> (Option<SiteConfig>, Vec<Diagnostic>) {
    let mut r = Reporter::new(file);
    let Some(root) = r.yaml(&file.text, 1) else {
        return r.finish(None);
    };
    let Some(mut fields) = r.fields(&root, SITE_KEYS, "site.yaml", false) else {
        return r.finish(None);
    };
    // site.yaml has no `---` line to point at: a missing key is reported at
    // its first key, or at the start of a file without keys, never at a
    // comment above them.
    fields.pos = match &root.value {
        YamlValue::Map(entries) => entries.first().map_or(Pos::START, |(key, _)| key.pos),
        _ => Pos::START,
    };
    // Whatever parsed is returned even when something did not, so that the
    // checks across files still run and every error shows in one run; the
    // errors themselves fail the build.
    let title = r
        .required(&fields, "title")
        .and_then(|y| r.non_empty_string(y, "title"))
        .unwrap_or_default();
    let mut config = SiteConfig::with_title(title);
    config.description = r.optional_string(&fields, "description");
    if let Some(yaml) = fields.get("base_url")
        && let Some(text) = r.string(yaml, "base_url")
    {
        match BaseUrl::parse(&text) {
            Some(base_url) => config.base_url = base_url,
            None => r.error(
                CodeKind::InvalidValue,
                format!(
                    "invalid base_url \"{text}\": expected \"/\", a path like \"/arch/challenges/\" or an absolute URL like \"https://docs.example.com/arch/\" (pages link relatively: the built folder opens from disk and works under any path without one)"
                ),
                yaml.pos,
            ),
        }
    }
    if let Some(yaml) = fields.get("theme")
        && let Some(theme) = r.non_empty_string(yaml, "theme")
    {
        if theme == "default"
            || is_valid_slug(&theme)
            || theme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            config.theme = theme;
        } else {
            r.error(
                CodeKind::InvalidValue,
                format!("invalid theme \"{theme}\": expected the name of a folder under themes/"),
                yaml.pos,
            );
        }
    }
    if let Some(yaml) = fields.get("rank_by") {
        let mut rank_by = Vec::new();
        for item in r.list(yaml, "rank_by").unwrap_or_default() {
            let Some(name) = r.string(item, "rank_by") else {
                continue;
            };
            match RankKind::from_name(&name) {
                Some(kind) if !rank_by.contains(&kind) => rank_by.push(kind),
                Some(_) => r.error(
                    CodeKind::InvalidValue,
                    format!("\"{name}\" is listed twice in rank_by"),
                    item.pos,
                ),
                None => r.error(
                    CodeKind::InvalidValue,
                    format!(
                        "cannot rank by \"{name}\"{}: expected one of {}",
                        hint(&name, RankKind::NAMES),
                        RankKind::NAMES.join(", ")
                    ),
                    item.pos,
                ),
            }
        }
        config.rank_by = rank_by;
    }
    if let Some(yaml) = fields.get("incident_statuses") {
        config.incident_statuses =
            parse_keyed_map(&mut r, yaml, "incident_statuses", |r, key, y| {
                let fields = r.fields(y, INCIDENT_STATUS_KEYS, "an incident status", false)?;
                let label = r
                    .required(&fields, "label")
                    .and_then(|y| r.non_empty_string(y, "label"))?;
                let symbol = r.optional_string(&fields, "symbol").unwrap_or_default();
                Some(IncidentStatus { key, label, symbol })
            });
    }
    if let Some(yaml) = fields.get("category_statuses") {
        config.category_statuses =
            parse_keyed_map(&mut r, yaml, "category_statuses", |r, key, y| {
                let fields = r.fields(y, CATEGORY_STATUS_KEYS, "a category status", false)?;
                let label = r
                    .required(&fields, "label")
                    .and_then(|y| r.non_empty_string(y, "label"))?;
                Some(CategoryStatus { key, label })
            });
    }
    if let Some(yaml) = fields.get("sections") {
        for item in r.list(yaml, "sections").unwrap_or_default() {
            let Some(section) = r.fields(item, SECTION_KEYS, "a section", false) else {
                continue;
            };
            let slug = r
                .required(&section, "slug")
                .and_then(|y| Some((r.non_empty_string(y, "slug")?, y.pos)));
            let title = r
                .required(&section, "title")
                .and_then(|y| r.non_empty_string(y, "title"));
            let Some((slug, pos)) = slug else { continue };
            if !is_valid_slug(&slug) {
                r.error(
                    CodeKind::InvalidSlug,
                    format!("section slug \"{slug}\" is not a valid slug: use lower-case letters, digits and '-'"),
                    pos,
                );
                continue;
            }
            if config.sections.iter().any(|s| s.slug == slug) {
                r.error(
                    CodeKind::DuplicateSlug,
                    format!("section \"{slug}\" is listed twice"),
                    pos,
                );
                continue;
            }
            if let Some(title) = title {
                config.sections.push(Section { slug, title });
            }
        }
    }
    if let Some(yaml) = fields.get("markdown")
        && let Some(markdown) = r.fields(yaml, MARKDOWN_KEYS, "markdown", false)
        && let Some(raw) = markdown.get("raw_html")
        && let Some(mode) = r.string(raw, "raw_html")
    {
        match mode.as_str() {
            "escape" => config.raw_html = false,
            "allow" => config.raw_html = true,
            _ => r.error(
                CodeKind::InvalidValue,
                format!("invalid raw_html \"{mode}\": expected \"escape\" or \"allow\""),
                raw.pos,
            ),
        }
    }
    if let Some(yaml) = fields.get("feed_limit")
        && let Some(limit) = r.integer(yaml, "feed_limit", 1)
    {
        config.feed_limit = limit;
    }
    if let Some(yaml) = fields.get("incidents")
        && let Some(list) = r.fields(yaml, INCIDENTS_KEYS, "incidents", false)
    {
        if let Some(value) = list.get("group_by") {
            config.group_by = r
                .choice(value, "group_by", &GroupBy::NAMES, GroupBy::from_name)
                .unwrap_or_default();
        }
        if let Some(value) = list.get("order_by") {
            config.order_by = r
                .choice(value, "order_by", &OrderBy::NAMES, OrderBy::from_name)
                .unwrap_or_default();
        }
    }
    if let Some(yaml) = fields.get("feed") {
        config.feed = parse_feed(&mut r, yaml);
    }
    if let Some(yaml) = fields.get("repository") {
        config.repository = parse_repository(&mut r, yaml);
    }
    r.finish(Some(config))
}

/// site.yaml's `repository`: the host's edit page of every content file,
/// from `url`, `branch` and `kind`, or from `edit_url_template`; and the
/// site's folder in the repository. `None` when it is unusable, with every
/// problem of it reported.
fn parse_repository(r: &mut Reporter<'_>, yaml: &Yaml) -> Option<RepositoryConfig> {
    let fields = r.fields(yaml, REPOSITORY_KEYS, "repository", false)?;
    let path = match fields.get("path") {
        Some(yaml) => r.string(yaml, "path").and_then(|text| {
            let path = parse_repository_path(&text);
            if path.is_none() {
                r.error(
                    CodeKind::InvalidValue,
                    format!(
                        "invalid repository path \"{text}\": expected the folder that holds content/, relative to the repository's root, such as \"docs/arch\""
                    ),
                    yaml.pos,
                );
            }
            path
        }),
        None => Some(String::new()),
    };
    if let Some(template_yaml) = fields.get("edit_url_template") {
        let template = r
            .non_empty_string(template_yaml, "edit_url_template")
            .filter(|template| match edit_url_template_problem(template) {
                None => true,
                Some(problem) => {
                    r.error(
                        CodeKind::InvalidValue,
                        format!("invalid edit_url_template \"{template}\": {problem}"),
                        template_yaml.pos,
                    );
                    false
                }
            });
        if let Some(name) = ["url", "branch", "kind"]
            .into_iter()
            .find(|name| fields.get_entry(name).is_some())
        {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "repository has both \"edit_url_template\" and \"{name}\": give either url (with branch and kind) or edit_url_template"
                ),
                template_yaml.pos,
            );
            return None;
        }
        return Some(RepositoryConfig {
            edit_url_template: template?,
            path: path?,
        });
    }
    let branch = match fields.get("branch") {
        Some(yaml) => r.non_empty_string(yaml, "branch").filter(|branch| {
            let valid = !(branch.contains(char::is_whitespace)
                || branch.contains("..")
                || branch.starts_with(['/', '-'])
                || branch.ends_with('/'));
            if !valid {
                r.error(
                    CodeKind::InvalidValue,
                    format!(
                        "invalid branch \"{branch}\": expected the name of a Git branch, such as \"main\""
                    ),
                    yaml.pos,
                );
            }
            valid
        }),
        None => Some("main".to_owned()),
    };
    // `None`: no kind given; `Some(None)`: a kind given and reported.
    let kind = fields.get("kind").map(|yaml| {
        let name = r.string(yaml, "kind")?;
        let kind = HostKind::from_name(&name);
        if kind.is_none() {
            r.error(
                CodeKind::InvalidValue,
                format!(
                    "unknown kind of host \"{name}\"{}: expected one of {}",
                    hint(&name, HostKind::NAMES),
                    HostKind::NAMES.join(", ")
                ),
                yaml.pos,
            );
        }
        kind
    });
    let Some(url_yaml) = fields.get("url") else {
        r.error(
            CodeKind::MissingField,
            "repository needs \"url\", the repository's web address (or \"edit_url_template\")",
            fields.pos,
        );
        return None;
    };
    let text = r.non_empty_string(url_yaml, "url")?;
    let (url, host) = match parse_repository_url(&text) {
        Ok(parsed) => parsed,
        Err(problem) => {
            r.error(
                CodeKind::InvalidValue,
                format!("invalid repository url \"{text}\": {problem}"),
                url_yaml.pos,
            );
            return None;
        }
    };
    let kind = match kind {
        Some(given) => given?,
        None => {
            let Some(kind) = HostKind::of_host(&host) else {
                r.error(
                    CodeKind::MissingField,
                    format!(
                        "frictionlog cannot tell which kind of host \"{host}\" is: add \"kind\" to repository ({})",
                        HostKind::NAMES.join(", ")
                    ),
                    url_yaml.pos,
                );
                return None;
            };
            kind
        }
    };
    Some(RepositoryConfig {
        edit_url_template: kind.edit_url_template(&url, &branch?),
        path: path?,
    })
}

/// site.yaml's `feed`: the feed's id and subtitle.
fn parse_feed(r: &mut Reporter<'_>, yaml: &Yaml) -> FeedConfig {
    let mut feed = FeedConfig::default();
    let Some(fields) = r.fields(yaml, FEED_KEYS, "feed", false) else {
        return feed;
    };
    if let Some(yaml) = fields.get("id")
        && let Some(id) = r.non_empty_string(yaml, "id")
    {
        match feed_id_problem(&id) {
            None => feed.id = Some(id),
            Some(problem) => r.error(
                CodeKind::InvalidValue,
                format!("invalid feed id \"{id}\": {problem}"),
                yaml.pos,
            ),
        }
    }
    if let Some(yaml) = fields.get("subtitle")
        && let Some(subtitle) = r.string(yaml, "subtitle")
    {
        feed.subtitle = subtitle;
    }
    feed
}

/// A mapping from keys (slugs) to definitions, kept in the order written.
fn parse_keyed_map<T>(
    r: &mut Reporter<'_>,
    yaml: &Yaml,
    name: &str,
    mut parse_one: impl FnMut(&mut Reporter<'_>, String, &Yaml) -> Option<T>,
) -> Vec<T> {
    let YamlValue::Map(entries) = &yaml.value else {
        r.error(
            CodeKind::InvalidValue,
            format!(
                "expected \"{name}\" to be a mapping of keys to definitions, found {}",
                yaml.value.kind_name()
            ),
            yaml.pos,
        );
        return Vec::new();
    };
    let mut parsed = Vec::new();
    for (key, value) in entries {
        let Some(key_text) = r.non_empty_string(key, name) else {
            continue;
        };
        if !is_valid_slug(&key_text) {
            r.error(
                CodeKind::InvalidSlug,
                format!("status key \"{key_text}\" is not a valid slug: use lower-case letters, digits and '-'"),
                key.pos,
            );
            continue;
        }
        if let Some(item) = parse_one(r, key_text, value) {
            parsed.push(item);
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::tests::{codes, file};

    #[test]
    fn site_config_defaults_and_overrides() {
        let (config, d) = parse_site_config(&file("content/site.yaml", "title: Challenges\n"));
        assert_eq!(d, []);
        let config = config.unwrap();
        assert_eq!(config.base_url.path, "/");
        assert_eq!(config.feed_limit, 50);
        assert_eq!(config.incident_statuses.len(), 3);
        let (config, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nbase_url: /arch/\nrank_by: [votes]\nmarkdown: {raw_html: allow}\nsections:\n  - {slug: fed, title: Front End}\nincident_statuses:\n  sad: {label: Sad, symbol: \"☹\"}\n",
        ));
        assert_eq!(d, []);
        let config = config.unwrap();
        assert_eq!(config.rank_by, vec![RankKind::Votes]);
        assert!(config.raw_html);
        assert_eq!(config.incident_statuses.len(), 1);
        assert_eq!(config.sections[0].slug, "fed");
    }

    #[test]
    fn site_config_feed() {
        let (config, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nfeed:\n  id: tag:example.com,2024:arch\n  subtitle: \"\"\n",
        ));
        assert_eq!(d, []);
        let feed = config.unwrap().feed;
        assert_eq!(feed.id.as_deref(), Some("tag:example.com,2024:arch"));
        assert_eq!(feed.subtitle, "");
        let (config, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nfeed:\n  id: /arch/\n  subtitel: x\n",
        ));
        assert_eq!(
            codes(&d),
            vec![("unknown-field", 4, 3), ("invalid-value", 3, 7)]
        );
        assert!(d[0].message.contains("did you mean \"subtitle\""));
        assert!(
            d[1].message
                .starts_with("invalid feed id \"/arch/\": expected an absolute URI")
        );
        assert_eq!(config.unwrap().feed, FeedConfig::default());
    }

    #[test]
    fn site_config_repository() {
        let repository = |yaml: &str| {
            let (config, d) = parse_site_config(&file(
                "content/site.yaml",
                &format!("title: T\nrepository:\n{yaml}"),
            ));
            (config.unwrap().repository, codes(&d), d)
        };
        let (found, problems, _) = repository("  url: https://github.com/acme/arch/\n");
        assert_eq!(problems, vec![]);
        let found = found.unwrap();
        assert_eq!(
            found.edit_url_template,
            "https://github.com/acme/arch/edit/main/{path}"
        );
        assert_eq!(found.path, "");
        let (found, problems, _) = repository(
            "  url: https://git.example.com/acme/arch\n  kind: gitlab\n  branch: trunk\n  path: docs/arch\n",
        );
        assert_eq!(problems, vec![]);
        let found = found.unwrap();
        assert_eq!(
            found.edit_url("content/reviews/2018-10-15.md"),
            "https://git.example.com/acme/arch/-/edit/trunk/docs/arch/content/reviews/2018-10-15.md"
        );
        let (found, problems, _) =
            repository("  edit_url_template: https://h/edit/{path}\n  path: site\n");
        assert_eq!(problems, vec![]);
        assert_eq!(
            found.unwrap().edit_url("content/x.md"),
            "https://h/edit/site/content/x.md"
        );
        let (found, problems, d) = repository("  url: https://git.example.com/acme/arch\n");
        assert_eq!((found, problems), (None, vec![("missing-field", 3, 8)]));
        assert!(d[0].message.contains("add \"kind\""), "{}", d[0].message);
        let (_, problems, d) = repository("  url: https://github.com/a/b\n  kind: githib\n");
        assert_eq!(problems, vec![("invalid-value", 4, 9)]);
        assert!(d[0].message.contains("(did you mean \"github\"?)"));
        let (_, problems, _) =
            repository("  url: https://github.com/a/b\n  edit_url_template: https://h/{path}\n");
        assert_eq!(problems, vec![("invalid-value", 4, 22)]);
        let (_, problems, _) = repository("  branch: main\n");
        assert_eq!(problems, vec![("missing-field", 3, 3)]);
        let (_, problems, _) =
            repository("  url: https://github.com/a/b\n  path: ../up\n  brnch: x\n");
        assert_eq!(
            problems,
            vec![("unknown-field", 5, 3), ("invalid-value", 4, 9)]
        );
        // Every problem of the mapping, not only the first.
        let (found, problems, _) =
            repository("  url: ftp://x\n  path: /abs\n  branch: a b\n  kind: githib\n");
        assert_eq!(found, None);
        assert_eq!(
            problems,
            vec![
                ("invalid-value", 4, 9),
                ("invalid-value", 5, 11),
                ("invalid-value", 6, 9),
                ("invalid-value", 3, 8),
            ]
        );
    }

    #[test]
    fn site_config_rejects_bad_values() {
        let (_, d) = parse_site_config(&file(
            "content/site.yaml",
            "title: T\nrank_by: [votez]\nfeed_limit: 0\nbase_url: arch\nthemes: x\n",
        ));
        assert_eq!(
            codes(&d),
            vec![
                ("unknown-field", 5, 1),
                ("invalid-value", 4, 11),
                ("invalid-value", 2, 11),
                ("invalid-value", 3, 13),
            ]
        );
        assert!(d[2].message.contains("did you mean \"votes\""));
    }
}
