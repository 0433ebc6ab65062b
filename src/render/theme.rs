//! Themes: the embedded `default` and folders under `themes/`, chained by
//! `extends` in `theme.yaml`, compiled once per build into one tera instance.
//!
//! Every theme of the chain is registered under its own prefix
//! (`mytheme/index.html`, `default/index.html`), and tera's fallback prefixes
//! resolve a bare name (`render("index.html")`, `{% extends "base.html" %}`)
//! to the nearest theme holding it. So a child theme holds only the
//! templates it changes, and can still build on its parent's version with
//! `{% extends "default/index.html" %}`.
//!
//! Reading a theme folder ([`load_theme`]) is the only I/O of the render
//! stage; compiling ([`compile_theme`]) is pure and unit-tested on strings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use crate::diagnostic::{CodeKind, Diagnostic, Pos, hint};
use crate::load::{decode_utf8, is_ignored_name, relative};
use crate::model::Located;
use crate::parse::SourceFile;
use crate::routes::PageKind;
use crate::yaml::{Yaml, YamlValue, parse_yaml};

/// The templates every theme chain must supply: `base.html`, which every
/// page extends, and one per kind of page.
pub fn required_templates() -> impl Iterator<Item = &'static str> {
    std::iter::once("base.html").chain(PageKind::ALL.iter().map(|kind| kind.template()))
}

/// The keys `theme.yaml` accepts.
pub const THEME_KEYS: &[&str] = &["extends"];

/// The name and text of the embedded default theme's templates.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "categories.html",
        include_str!("../../themes/default/templates/categories.html"),
    ),
    (
        "category.html",
        include_str!("../../themes/default/templates/category.html"),
    ),
    (
        "reviews.html",
        include_str!("../../themes/default/templates/reviews.html"),
    ),
    (
        "incident.html",
        include_str!("../../themes/default/templates/incident.html"),
    ),
    (
        "team.html",
        include_str!("../../themes/default/templates/team.html"),
    ),
    (
        "teams.html",
        include_str!("../../themes/default/templates/teams.html"),
    ),
    (
        "timeline.html",
        include_str!("../../themes/default/templates/timeline.html"),
    ),
    (
        "review.html",
        include_str!("../../themes/default/templates/review.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "partials/incident_item.html",
        include_str!("../../themes/default/templates/partials/incident_item.html"),
    ),
    (
        "partials/statuses.html",
        include_str!("../../themes/default/templates/partials/statuses.html"),
    ),
    (
        "partials/period.html",
        include_str!("../../themes/default/templates/partials/period.html"),
    ),
    (
        "partials/edit_links.html",
        include_str!("../../themes/default/templates/partials/edit_links.html"),
    ),
    (
        "partials/links.html",
        include_str!("../../themes/default/templates/partials/links.html"),
    ),
    (
        "partials/link.html",
        include_str!("../../themes/default/templates/partials/link.html"),
    ),
    (
        "partials/first_link.html",
        include_str!("../../themes/default/templates/partials/first_link.html"),
    ),
    (
        "partials/moved.html",
        include_str!("../../themes/default/templates/partials/moved.html"),
    ),
    (
        "partials/history.html",
        include_str!("../../themes/default/templates/partials/history.html"),
    ),
];

/// The embedded default theme's static files, by path under `static/`.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "frictionlog.js",
        include_bytes!("../../themes/default/static/frictionlog.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

/// One theme's files, as read from its folder or from the binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeSource {
    /// The folder name under `themes/`: what `extends` and prefixes use.
    pub name: String,
    /// The tera prefix of its templates (`name/`, unique in a chain).
    pub prefix: String,
    /// `themes/<name>`: where its files are reported, relative to the root.
    pub dir: String,
    /// The parent theme named in `theme.yaml`.
    pub extends: Option<Located<String>>,
    /// Template name under `templates/` (`index.html`, `partials/x.html`)
    /// and its text.
    pub templates: Vec<(String, String)>,
    /// Path under `static/` and its bytes.
    pub statics: Vec<(String, Vec<u8>)>,
}

impl ThemeSource {
    /// The embedded default theme.
    pub fn embedded_default() -> ThemeSource {
        ThemeSource {
            name: "default".to_owned(),
            prefix: "default/".to_owned(),
            dir: "themes/default".to_owned(),
            extends: None,
            templates: DEFAULT_TEMPLATES
                .iter()
                .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
                .collect(),
            statics: DEFAULT_STATIC
                .iter()
                .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
                .collect(),
        }
    }

    fn theme_yaml_path(&self) -> String {
        format!("{}/theme.yaml", self.dir)
    }
}

/// Where a template came from: the path diagnostics name, and its text.
#[derive(Clone, Debug)]
struct TemplateOrigin {
    path: String,
    text: String,
}

/// A compiled theme chain.
pub struct Theme {
    pub(crate) tera: Tera,
    /// tera's template name (`default/index.html`) -> where it came from.
    origins: HashMap<String, TemplateOrigin>,
    /// Path under `static/` -> bytes, the child's file winning.
    pub(crate) statics: BTreeMap<String, Vec<u8>>,
    /// A hash of every template and static file of the chain: two themes
    /// with the same fingerprint render the same pages.
    pub fingerprint: u64,
    /// Theme names, child first.
    pub chain: Vec<String>,
    /// tera's name prefix of each theme, child first.
    prefixes: Vec<String>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("chain", &self.chain)
            .field("templates", &self.origins.len())
            .field("statics", &self.statics.len())
            .finish()
    }
}

impl Theme {
    /// Whether the theme chain has a template of that name.
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| {
            self.prefixes
                .iter()
                .any(|p| n.strip_prefix(p.as_str()) == Some(name))
        })
    }

    /// A tera error met while rendering `template`, as a diagnostic.
    pub(crate) fn render_diagnostic(&self, error: &tera::Error, template: &str) -> Diagnostic {
        template_diagnostic(error, &self.origins, template)
    }
}

/// Compiles the embedded default theme alone.
pub fn load_default_theme() -> Result<Theme, Vec<Diagnostic>> {
    compile_theme(&[ThemeSource::embedded_default()])
}

/// Reads the theme chain that starts at `name` under `<root>/themes/` and
/// compiles it; the diagnostics are its errors and warnings (a skipped
/// symbolic link). `site_yaml` is used to point at its `theme:` line when
/// the theme does not exist.
///
/// `default` is the embedded theme; a `themes/default/` folder in the site
/// is layered over it (it may hold only the templates it changes).
pub fn load_theme(
    root: &Path,
    name: &str,
    site_yaml: Option<&SourceFile>,
) -> (Option<Theme>, Vec<Diagnostic>) {
    let mut warnings = Vec::new();
    let chain = match read_theme_chain(root, name, site_yaml, &mut warnings) {
        Ok(chain) => chain,
        Err(mut errors) => {
            errors.append(&mut warnings);
            return (None, errors);
        }
    };
    match compile_theme(&chain) {
        Ok(theme) => (Some(theme), warnings),
        Err(mut errors) => {
            errors.append(&mut warnings);
            (None, errors)
        }
    }
}

/// The themes of the chain, child first.
fn read_theme_chain(
    root: &Path,
    name: &str,
    site_yaml: Option<&SourceFile>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<ThemeSource>, Vec<Diagnostic>> {
    let mut chain: Vec<ThemeSource> = Vec::new();
    let mut wanted = Located {
        value: name.to_owned(),
        pos: Pos::START,
    };
    let mut asked_by: Option<String> = None;
    loop {
        let folder = root.join("themes").join(&wanted.value);
        let embedded_default = wanted.value == "default"
            && (!folder.is_dir() || chain.iter().any(|t| t.name == "default"));
        if embedded_default {
            let mut theme = ThemeSource::embedded_default();
            if chain.iter().any(|t| t.prefix == theme.prefix) {
                // A themes/default/ folder is already in the chain: keep the
                // embedded one apart so both stay addressable.
                theme.prefix = "default-embedded/".to_owned();
            }
            chain.push(theme);
            return Ok(chain);
        }
        if chain.iter().any(|t| t.name == wanted.value) {
            let names: Vec<&str> = chain.iter().map(|t| t.name.as_str()).collect();
            let from = asked_by.unwrap_or_default();
            return Err(vec![Diagnostic::in_file(
                CodeKind::TemplateError,
                format!(
                    "themes extend each other in a loop: {} -> {}: one of them must extend \"default\" or nothing",
                    names.join(" -> "),
                    wanted.value
                ),
                &from,
                wanted.pos,
            )]);
        }
        if !folder.is_dir() {
            return Err(vec![unknown_theme(
                root,
                &wanted,
                asked_by.as_deref(),
                site_yaml,
            )]);
        }
        let theme = read_theme_folder(root, &wanted.value, warnings)?;
        let next = theme.extends.clone();
        let yaml_path = theme.theme_yaml_path();
        chain.push(theme);
        match next {
            Some(parent) => {
                wanted = parent;
                asked_by = Some(yaml_path);
            }
            None if wanted.value == "default" => {
                // themes/default/ without extends: layered over the embedded one.
                wanted = Located {
                    value: "default".to_owned(),
                    pos: Pos::START,
                };
                asked_by = Some(yaml_path);
            }
            None => return Ok(chain),
        }
    }
}

/// `invalid-value` for a theme with no folder, at the `theme:` of site.yaml
/// or the `extends:` of the theme.yaml that names it.
fn unknown_theme(
    root: &Path,
    wanted: &Located<String>,
    asked_by: Option<&str>,
    site_yaml: Option<&SourceFile>,
) -> Diagnostic {
    let mut found: Vec<String> = fs::read_dir(root.join("themes"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    found.push("default".to_owned());
    found.sort();
    found.dedup();
    let message = format!(
        "unknown theme \"{}\": there is no folder themes/{}/ in the site{} (themes: {})",
        wanted.value,
        wanted.value,
        hint(&wanted.value, found.iter().map(String::as_str)),
        found.join(", ")
    );
    match (asked_by, site_yaml) {
        (Some(theme_yaml), _) => {
            let text = fs::read_to_string(root.join(theme_yaml)).unwrap_or_default();
            Diagnostic::at(
                CodeKind::InvalidValue,
                message,
                theme_yaml,
                &text,
                wanted.pos,
            )
        }
        (None, Some(site)) => {
            let pos = theme_key_pos(&site.text).unwrap_or(Pos::START);
            Diagnostic::at(CodeKind::InvalidValue, message, &site.path, &site.text, pos)
        }
        (None, None) => Diagnostic::global(CodeKind::InvalidValue, message),
    }
}

/// Where site.yaml's `theme:` value is written.
fn theme_key_pos(site_yaml: &str) -> Option<Pos> {
    let root = parse_yaml(site_yaml, 1).ok()?;
    let YamlValue::Map(entries) = root.value else {
        return None;
    };
    entries
        .iter()
        .find(|(key, _)| key.value == YamlValue::Str("theme".to_owned()))
        .map(|(_, value)| value.pos)
}

/// Reads `themes/<name>/`: theme.yaml, templates/**, static/**.
fn read_theme_folder(
    root: &Path,
    name: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<ThemeSource, Vec<Diagnostic>> {
    let dir = format!("themes/{name}");
    let folder = root.join("themes").join(name);
    let mut diagnostics = Vec::new();
    let mut extends = None;
    let yaml_path = format!("{dir}/theme.yaml");
    let yaml_file = folder.join("theme.yaml");
    if yaml_file.is_file() {
        match fs::read(&yaml_file)
            .map_err(|error| {
                Diagnostic::in_file(
                    CodeKind::IoError,
                    format!("cannot read \"{yaml_path}\": {error}"),
                    &yaml_path,
                    Pos::START,
                )
            })
            .and_then(|bytes| decode_utf8(&yaml_path, bytes))
        {
            Ok(text) => match parse_theme_yaml(&yaml_path, &text) {
                Ok(parent) => extends = parent,
                Err(mut found) => diagnostics.append(&mut found),
            },
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    let templates = read_tree(root, &folder.join("templates"), &mut diagnostics)
        .into_iter()
        .filter_map(
            |(rel, bytes)| match decode_utf8(&format!("{dir}/templates/{rel}"), bytes) {
                Ok(text) => Some((rel, text)),
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    None
                }
            },
        )
        .collect();
    let statics = read_tree(root, &folder.join("static"), &mut diagnostics);
    let (errors, mut found_warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        diagnostics.into_iter().partition(Diagnostic::is_error);
    warnings.append(&mut found_warnings);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ThemeSource {
        name: name.to_owned(),
        prefix: format!("{name}/"),
        dir,
        extends,
        templates,
        statics,
    })
}

/// Every regular file under `folder`, by `/`-separated path below it, in
/// path order. Symbolic links are skipped with a warning, as in content/.
fn read_tree(
    root: &Path,
    folder: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<u8>)> {
    if !folder.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let walk = WalkDir::new(folder)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map_or_else(|| relative(root, folder), |p| relative(root, p));
                diagnostics.push(Diagnostic::in_file(
                    CodeKind::IoError,
                    format!("cannot read \"{path}\": {error}"),
                    &path,
                    Pos::START,
                ));
                continue;
            }
        };
        let rel_to_root = relative(root, entry.path());
        if entry.file_type().is_symlink() {
            diagnostics.push(
                Diagnostic::in_file(
                    CodeKind::IoError,
                    format!("symbolic link \"{rel_to_root}\" ignored: themes are read from regular files only"),
                    &rel_to_root,
                    Pos::START,
                )
                .warning(),
            );
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        match fs::read(entry.path()) {
            Ok(bytes) => files.push((relative(folder, entry.path()), bytes)),
            Err(error) => diagnostics.push(Diagnostic::in_file(
                CodeKind::IoError,
                format!("cannot read \"{rel_to_root}\": {error}"),
                &rel_to_root,
                Pos::START,
            )),
        }
    }
    files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    files
}

/// `theme.yaml`: `extends: <theme>` and nothing else.
pub fn parse_theme_yaml(
    path: &str,
    text: &str,
) -> Result<Option<Located<String>>, Vec<Diagnostic>> {
    let error = |code, message: String, pos| vec![Diagnostic::at(code, message, path, text, pos)];
    let root: Yaml =
        parse_yaml(text, 1).map_err(|e| error(CodeKind::YamlSyntax, e.message, e.pos))?;
    let entries = match root.value {
        YamlValue::Null => return Ok(None),
        YamlValue::Map(entries) => entries,
        other => {
            return Err(error(
                CodeKind::InvalidValue,
                format!(
                    "expected theme.yaml to be a mapping like `extends: default`, found {}",
                    other.kind_name()
                ),
                root.pos,
            ));
        }
    };
    let mut diagnostics = Vec::new();
    let mut extends = None;
    for (key, value) in &entries {
        let key_name = match &key.value {
            YamlValue::Str(name) => name.as_str(),
            _ => "",
        };
        if key_name != "extends" {
            diagnostics.extend(error(
                CodeKind::UnknownField,
                format!(
                    "unknown field \"{key_name}\" in theme.yaml{}: the only key is \"extends\"",
                    hint(key_name, THEME_KEYS.iter().copied())
                ),
                key.pos,
            ));
            continue;
        }
        match &value.value {
            YamlValue::Null => {}
            YamlValue::Str(parent) if is_theme_name(parent) => {
                extends = Some(Located {
                    value: parent.clone(),
                    pos: value.pos,
                });
            }
            YamlValue::Str(parent) => diagnostics.extend(error(
                CodeKind::InvalidValue,
                format!("invalid theme name \"{parent}\": expected the name of a folder under themes/, like \"default\""),
                value.pos,
            )),
            other => diagnostics.extend(error(
                CodeKind::InvalidValue,
                format!(
                    "expected \"extends\" to be a theme name, found {}",
                    other.kind_name()
                ),
                value.pos,
            )),
        }
    }
    if diagnostics.is_empty() {
        Ok(extends)
    } else {
        Err(diagnostics)
    }
}

/// A folder name under themes/: letters, digits, `-` and `_`.
fn is_theme_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Compiles a theme chain (child first) into one tera instance, reporting
/// every template error of every theme in it.
pub fn compile_theme(chain: &[ThemeSource]) -> Result<Theme, Vec<Diagnostic>> {
    let mut origins: HashMap<String, TemplateOrigin> = HashMap::new();
    let mut templates: Vec<(String, String)> = Vec::new();
    for theme in chain {
        for (name, text) in &theme.templates {
            let key = format!("{}{name}", theme.prefix);
            origins.insert(
                key.clone(),
                TemplateOrigin {
                    path: format!("{}/templates/{name}", theme.dir),
                    text: text.clone(),
                },
            );
            templates.push((key, text.clone()));
        }
    }
    let mut diagnostics = missing_templates(chain);

    // Syntax first, one template at a time, so every broken file is reported
    // (tera stops at the first one when given them all).
    for (key, text) in &templates {
        if let Err(error) = Tera::new().add_raw_template(key, text)
            && matches!(error.kind(), tera::ErrorKind::SyntaxError(_))
        {
            diagnostics.push(template_diagnostic(&error, &origins, key));
        }
    }
    if !diagnostics.is_empty() {
        return Err(sorted(diagnostics));
    }

    let mut tera = Tera::new();
    let prefixes: Vec<String> = chain.iter().map(|t| t.prefix.clone()).collect();
    if let Err(error) = tera.set_fallback_prefixes(prefixes) {
        return Err(vec![Diagnostic::global(
            CodeKind::TemplateError,
            format!("template error: {}", error_chain(&error)),
        )]);
    }
    if let Err(error) = tera.add_raw_templates(templates.iter().map(|(k, t)| (k, t))) {
        let first = templates.first().map_or("", |(k, _)| k.as_str());
        return Err(sorted(compile_diagnostics(&error, &origins, first)));
    }
    let mut statics = BTreeMap::new();
    for theme in chain.iter().rev() {
        for (path, bytes) in &theme.statics {
            statics.insert(path.clone(), bytes.clone());
        }
    }
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        // SipHash with fixed keys: the same within one process, which is
        // all serve compares.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        templates.hash(&mut hasher);
        statics.hash(&mut hasher);
        hasher.finish()
    };
    Ok(Theme {
        fingerprint,
        tera,
        origins,
        statics,
        chain: chain.iter().map(|t| t.name.clone()).collect(),
        prefixes: chain.iter().map(|t| t.prefix.clone()).collect(),
    })
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| (&a.file, a.pos).cmp(&(&b.file, b.pos)));
    diagnostics.dedup();
    diagnostics
}

/// A chain whose root theme (the one without `extends`) lacks a page
/// template: one `template-error` per missing template.
fn missing_templates(chain: &[ThemeSource]) -> Vec<Diagnostic> {
    let present: HashSet<&str> = chain
        .iter()
        .flat_map(|t| t.templates.iter().map(|(name, _)| name.as_str()))
        .collect();
    let Some(root_theme) = chain.last() else {
        return Vec::new();
    };
    required_templates()
        .filter(|name| !present.contains(*name))
        .map(|name| {
            Diagnostic::in_file(
                CodeKind::TemplateError,
                format!(
                    "theme \"{}\" has no template \"{name}\": add {}/templates/{name}, or add `extends: default` to {}/theme.yaml to use the default theme's",
                    root_theme.name, root_theme.dir, root_theme.dir
                ),
                &format!("{}/templates/{name}", root_theme.dir),
                Pos::START,
            )
        })
        .collect()
}

/// The diagnostics of a failed `add_raw_templates`: tera joins every
/// reference error (unknown filter, include, block) into one message of
/// `error: ...\n --> name:line:col` reports; split it back up.
fn compile_diagnostics(
    error: &tera::Error,
    origins: &HashMap<String, TemplateOrigin>,
    fallback_template: &str,
) -> Vec<Diagnostic> {
    match error.kind() {
        tera::ErrorKind::Msg(message) => {
            let reports = parse_reports(message, origins);
            if reports.is_empty() {
                vec![template_diagnostic(error, origins, fallback_template)]
            } else {
                reports
            }
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            let origin = origins.get(current);
            let text = origin.map_or("", |o| o.text.as_str());
            let path = origin.map_or(current.as_str(), |o| o.path.as_str());
            let pos = find_quoted(text, parent).unwrap_or(Pos::START);
            vec![Diagnostic::at(
                CodeKind::TemplateError,
                format!(
                    "template error: \"{parent}\" is extended but no theme in the chain has it"
                ),
                path,
                text,
                pos,
            )]
        }
        tera::ErrorKind::CircularExtend { tpl, .. } => {
            vec![template_diagnostic(error, origins, tpl)]
        }
        tera::ErrorKind::CircularInclude { tpl, .. } => {
            vec![template_diagnostic(error, origins, tpl)]
        }
        _ => vec![template_diagnostic(error, origins, fallback_template)],
    }
}

/// Splits tera's joined `error: MSG\n --> NAME:LINE:COL` reports.
fn parse_reports(message: &str, origins: &HashMap<String, TemplateOrigin>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for report in message.split("\n\nerror: ") {
        let report = report.strip_prefix("error: ").unwrap_or(report);
        let mut lines = report.lines();
        let Some(first) = lines.next() else {
            continue;
        };
        let Some(locus) = lines.find_map(|l| l.trim_start().strip_prefix("--> ")) else {
            continue;
        };
        let mut parts = locus.rsplitn(3, ':');
        let (Some(column), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(line), Ok(column)) = (line.parse::<u32>(), column.parse::<u32>()) else {
            continue;
        };
        let origin = origins.get(name);
        let path = origin.map_or(name, |o| o.path.as_str());
        let text = origin.map_or("", |o| o.text.as_str());
        let len = underline_len(report);
        diagnostics.push(Diagnostic::at(
            CodeKind::TemplateError,
            format!("template error: {}", tidy_message(first)),
            path,
            text,
            Pos::new(line, column, len),
        ));
    }
    diagnostics
}

/// The number of `^` under the source line of a tera report.
fn underline_len(report: &str) -> u32 {
    report
        .lines()
        .filter_map(|l| l.split_once(" | ").map(|(_, rest)| rest))
        .find(|rest| rest.trim_start().starts_with('^'))
        .map_or(1, |rest| {
            u32::try_from(rest.matches('^').count()).unwrap_or(1)
        })
}

/// The position of `"name"` or `'name'` in `text`.
fn find_quoted(text: &str, name: &str) -> Option<Pos> {
    let offset = [format!("\"{name}\""), format!("'{name}'")]
        .iter()
        .find_map(|quoted| text.find(quoted.as_str()))?;
    let before = text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some(Pos::new(
        u32::try_from(line).ok()?,
        u32::try_from(column).ok()?,
        u32::try_from(name.len() + 2).ok()?,
    ))
}

/// A tera error as a `template-error` diagnostic: at the line and column of
/// the template tera names when it knows them, else at the start of the
/// template being rendered.
fn template_diagnostic(
    error: &tera::Error,
    origins: &HashMap<String, TemplateOrigin>,
    template: &str,
) -> Diagnostic {
    let origin_of = |name: &str| {
        origins.get(name).or_else(|| {
            origins
                .iter()
                .find(|(k, _)| k.ends_with(&format!("/{name}")))
                .map(|(_, v)| v)
        })
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let name = if report.filename().is_empty() {
                template
            } else {
                report.filename()
            };
            let origin = origin_of(name).or_else(|| origin_of(template));
            let path = origin.map_or(name, |o| o.path.as_str());
            let text = origin.map_or("", |o| o.text.as_str());
            let span = report.span();
            let line = u32::try_from(span.start_line.max(1)).unwrap_or(1);
            let column = u32::try_from(span.start_col + 1).unwrap_or(1);
            let len = if span.start_line == span.end_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            Diagnostic::at(
                CodeKind::TemplateError,
                format!("template error: {}", tidy_message(report.message())),
                path,
                text,
                Pos::new(line, column, u32::try_from(len).unwrap_or(1)),
            )
        }
        _ => {
            let origin = origin_of(template);
            let path = origin.map_or_else(
                || format!("themes/default/templates/{template}"),
                |o| o.path.clone(),
            );
            Diagnostic::in_file(
                CodeKind::TemplateError,
                format!("template error: {}", tidy_message(&error_chain(error))),
                &path,
                Pos::START,
            )
        }
    }
}

/// tera's messages in our style: lower case first, `x` quoted as "x".
fn tidy_message(message: &str) -> String {
    let message = message.replace('`', "\"");
    let mut chars = message.chars();
    match chars.next() {
        Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => message,
    }
}

/// tera hides the useful cause deep in the chain: print all of it.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(name: &str, extends: Option<&str>, templates: &[(&str, &str)]) -> ThemeSource {
        ThemeSource {
            name: name.to_owned(),
            prefix: format!("{name}/"),
            dir: format!("themes/{name}"),
            extends: extends.map(|e| Located {
                value: e.to_owned(),
                pos: Pos::START,
            }),
            templates: templates
                .iter()
                .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
                .collect(),
            statics: vec![],
        }
    }

    fn codes_and_places(diagnostics: &[Diagnostic]) -> Vec<(String, String, u32, u32)> {
        diagnostics
            .iter()
            .map(|d| {
                let pos = d.pos.unwrap_or_default();
                (
                    d.code.to_string(),
                    d.file.clone().unwrap_or_default(),
                    pos.line,
                    pos.column,
                )
            })
            .collect()
    }

    #[test]
    fn the_default_theme_compiles() {
        let theme = load_default_theme().unwrap();
        assert_eq!(theme.chain, vec!["default"]);
        assert!(theme.statics.contains_key("style.css"));
    }

    #[test]
    fn a_child_overrides_one_template_and_inherits_the_rest() {
        let child = theme(
            "mine",
            Some("default"),
            &[(
                "index.html",
                "{% extends \"default/index.html\" %}{% block title %}Mine{% endblock title %}",
            )],
        );
        let compiled = compile_theme(&[child, ThemeSource::embedded_default()]).unwrap();
        assert_eq!(compiled.chain, vec!["mine", "default"]);
        let index = compiled
            .tera
            .get_template_names()
            .filter(|n| n.ends_with("index.html"))
            .count();
        assert_eq!(index, 2);
    }

    #[test]
    fn a_root_theme_must_supply_every_template() {
        let lonely = theme("lonely", None, &[("base.html", "x")]);
        let diagnostics = compile_theme(&[lonely]).unwrap_err();
        assert_eq!(diagnostics.len(), required_templates().count() - 1);
        assert!(
            diagnostics
                .iter()
                .all(|d| d.code == CodeKind::TemplateError)
        );
        assert!(
            diagnostics
                .iter()
                .any(|d| d.file.as_deref() == Some("themes/lonely/templates/index.html"))
        );
    }

    #[test]
    fn every_broken_template_is_reported_at_its_line_and_column() {
        let child = theme(
            "mine",
            Some("default"),
            &[
                ("index.html", "<p>\n  {{ site.title | nope }}\n"),
                ("team.html", "ok\n{% if %}\n"),
            ],
        );
        let diagnostics =
            compile_theme(&[child.clone(), ThemeSource::embedded_default()]).unwrap_err();
        assert_eq!(
            codes_and_places(&diagnostics),
            vec![(
                "template-error".to_owned(),
                "themes/mine/templates/team.html".to_owned(),
                2,
                7
            )]
        );
        let mut child = child;
        child.templates.remove(1);
        let diagnostics = compile_theme(&[child, ThemeSource::embedded_default()]).unwrap_err();
        assert_eq!(
            codes_and_places(&diagnostics),
            vec![(
                "template-error".to_owned(),
                "themes/mine/templates/index.html".to_owned(),
                2,
                19
            )]
        );
        assert!(
            diagnostics[0].message.contains("unknown filter \"nope\""),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn theme_yaml_knows_only_extends() {
        assert_eq!(parse_theme_yaml("t", "").unwrap(), None);
        assert_eq!(
            parse_theme_yaml("t", "extends: default\n")
                .unwrap()
                .unwrap()
                .value,
            "default"
        );
        let errors = parse_theme_yaml("themes/x/theme.yaml", "extend: default\n").unwrap_err();
        assert_eq!(errors[0].code, CodeKind::UnknownField);
        assert!(errors[0].message.contains("did you mean \"extends\""));
        assert_eq!(errors[0].pos.unwrap().line, 1);
        let errors = parse_theme_yaml("t", "extends: ../etc\n").unwrap_err();
        assert_eq!(errors[0].code, CodeKind::InvalidValue);
    }

    #[test]
    fn messages_are_tidied() {
        assert_eq!(tidy_message("Unknown filter `x`"), "unknown filter \"x\"");
        assert_eq!(tidy_message("HTML thing"), "HTML thing");
    }
}
