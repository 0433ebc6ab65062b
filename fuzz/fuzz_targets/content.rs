//! Any bytes as a content file of every kind: split, YAML, typed model.
//! Must never panic, and every diagnostic must have a position in the file.
#![no_main]

use frictionlog::load::decode_utf8;
use frictionlog::parse::{
    SourceFile, parse_category, parse_incident, parse_review, parse_site_config,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode_utf8("content/incidents/fuzz.md", data.to_vec()) else {
        return;
    };
    let _ = frictionlog::frontmatter::split_frontmatter(&text);
    for (path, slug) in [
        ("content/incidents/fuzz.md", "fuzz"),
        ("content/categories/fuzz.md", "fuzz"),
        ("content/reviews/2018-10-15.md", "2018-10-15"),
        ("content/site.yaml", "site"),
    ] {
        let file = SourceFile {
            path: path.to_owned(),
            slug: slug.to_owned(),
            text: text.clone(),
        };
        let diagnostics = match path {
            "content/site.yaml" => parse_site_config(&file).1,
            p if p.contains("/incidents/") => parse_incident(&file).1,
            p if p.contains("/categories/") => parse_category(&file).1,
            _ => parse_review(&file).1,
        };
        for d in &diagnostics {
            let pos = d.pos.expect("file diagnostics have a position");
            assert!(pos.line >= 1 && pos.column >= 1);
            let _ = frictionlog::diagnostic::render_human(d, false);
        }
    }
});
