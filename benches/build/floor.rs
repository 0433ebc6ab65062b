//! The floor: the least work any Markdown+YAML site build with this stack
//! does, to measure frictionlog against. It walks the corpus's `plain/`
//! folder, reads each file, splits off the frontmatter, parses it into a
//! struct with serde_yaml (libyaml, the usual choice), converts the body
//! with pulldown-cmark, wraps it in a `format!()` page and writes
//! `OUT/<slug>/index.html`, on every core with rayon; then one index page
//! with each category's incident and anecdote counts. No template engine,
//! no tallies, no other pages, no atomic publishing.
//!
//! It is the program the project measured against from the start, moved
//! here unchanged in what it does, so its times stay comparable.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;
use serde::Deserialize;
use walkdir::WalkDir;

#[derive(Deserialize)]
struct Anecdote {
    team: String,
    date: String,
    text: String,
}

#[derive(Deserialize)]
struct Front {
    title: String,
    date: String,
    category: String,
    teams: Vec<String>,
    status: String,
    #[serde(default)]
    anecdotes: Vec<Anecdote>,
}

const BASE: &str = "http://example.org";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// (yaml, body) of a file that starts with a `---` line.
fn split_front(source: &str) -> Option<(&str, &str)> {
    let rest = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---")?;
    let yaml = &rest[..end + 1];
    let after = &rest[end + 4..];
    let body = after
        .strip_prefix("\r\n")
        .or_else(|| after.strip_prefix('\n'))
        .unwrap_or(after);
    Some((yaml, body))
}

/// Builds one incident's page; returns its category and anecdote count.
fn build_one(path: &Path, out: &Path) -> Result<(String, usize), String> {
    let source = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (yaml, body) =
        split_front(&source).ok_or_else(|| format!("{}: no frontmatter", path.display()))?;
    let front: Front =
        serde_yaml::from_str(yaml).map_err(|e| format!("{}: {e}", path.display()))?;

    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_FOOTNOTES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut content = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut content, Parser::new_ext(body, options));

    let mut teams = String::new();
    for team in &front.teams {
        let _ = write!(
            teams,
            "<li><a href=\"{BASE}/team/{t}/\">{t}</a></li>",
            t = escape(team)
        );
    }
    let mut anecdotes = String::new();
    for a in &front.anecdotes {
        let _ = write!(
            anecdotes,
            "<li><b>{}</b> <time>{}</time> {}</li>",
            escape(&a.team),
            escape(&a.date),
            escape(&a.text)
        );
    }
    let title = escape(&front.title);
    let category = escape(&front.category);
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | Incidents</title></head>\n\
<body><header><a href=\"{BASE}/\">Incidents</a></header>\n<main><article>\n<h1>{title}</h1>\n\
<p class=\"meta\"><time>{date}</time> · <span class=\"status status-{status}\">{status}</span> · <a href=\"{BASE}/category/{category}/\">{category}</a></p>\n\
<ul class=\"teams\">{teams}</ul>\n<ol class=\"anecdotes\">{anecdotes}</ol>\n{content}\n</article></main>\n</body></html>\n",
        date = escape(&front.date),
        status = escape(&front.status),
    );

    let slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("bad file name")?;
    let dir = out.join(slug);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    fs::write(dir.join("index.html"), page).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok((front.category, front.anecdotes.len()))
}

/// Builds the pages of every `.md` file under `source` into `out`; the
/// error says how many files failed.
pub fn run(source: &Path, out: &Path) -> Result<(), String> {
    let files: Vec<PathBuf> = WalkDir::new(source)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();

    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let results: Vec<Result<(String, usize), String>> =
        files.par_iter().map(|p| build_one(p, out)).collect();

    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut errors = 0;
    for result in results {
        match result {
            Ok((category, anecdotes)) => {
                let entry = tally.entry(category).or_default();
                entry.0 += 1;
                entry.1 += anecdotes;
            }
            Err(e) => {
                eprintln!("error: {e}");
                errors += 1;
            }
        }
    }

    let mut rows = String::new();
    let (mut total_pages, mut total_anecdotes) = (0, 0);
    for (category, (pages, anecdotes)) in &tally {
        total_pages += pages;
        total_anecdotes += anecdotes;
        let _ = writeln!(
            rows,
            "<tr><td><a href=\"{BASE}/category/{c}/\">{c}</a></td><td>{pages}</td><td>{anecdotes}</td></tr>",
            c = escape(category)
        );
    }
    let index = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Incidents</title></head>\n\
<body><header><a href=\"{BASE}/\">Incidents</a></header>\n<main><h1>Incidents</h1>\n\
<table><tr><th>Category</th><th>Incidents</th><th>Anecdotes</th></tr>\n{rows}<tr><td>total</td><td>{total_pages}</td><td>{total_anecdotes}</td></tr>\n</table>\n</main>\n</body></html>\n"
    );
    fs::write(out.join("index.html"), index).map_err(|e| format!("{}: {e}", out.display()))?;
    if errors > 0 {
        return Err(format!("{errors} file(s) failed"));
    }
    Ok(())
}
