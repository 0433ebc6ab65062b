//! Property tests mirroring the fuzz targets under fuzz/ (which need nightly
//! and run for minutes): the same invariants, on generated input, in every
//! `cargo test` run.

use frictionlog::parse::{
    SourceFile, parse_category, parse_incident, parse_review, parse_site_config,
};
use frictionlog::serve::resolve_request_path;
use proptest::prelude::*;

/// Text that looks like content files: delimiters, YAML punctuation, keys.
fn contentish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "---\n",
        "---",
        "\r\n",
        "\n",
        "title: ",
        "category: ",
        "anecdotes:\n",
        "  - team: ",
        "    date: ",
        "status: [",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "&a ",
        "*a",
        "\"",
        "'",
        "#",
        "\t",
        "2018-10",
        "2018-02-30",
        "2024",
        "yes",
        "~",
        "null",
        "é",
        "\u{feff}",
        "occurrences: ",
        "-1",
        "99999999999999999999",
        "sad",
        "x",
        "  ",
        "!!str ",
        "? ",
        "|\n",
        ">\n",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn content_files_never_panic_and_always_point_somewhere(text in contentish()) {
        for (path, slug) in [
            ("content/incidents/p.md", "p"),
            ("content/categories/p.md", "p"),
            ("content/reviews/2018-10-15.md", "2018-10-15"),
            ("content/site.yaml", "site"),
        ] {
            let file = SourceFile { path: path.into(), slug: slug.into(), text: text.clone() };
            let diagnostics = match path {
                "content/site.yaml" => parse_site_config(&file).1,
                p if p.contains("/incidents/") => parse_incident(&file).1,
                p if p.contains("/categories/") => parse_category(&file).1,
                _ => parse_review(&file).1,
            };
            for d in diagnostics {
                let pos = d.pos.expect("a file diagnostic has a position");
                prop_assert!(pos.line >= 1 && pos.column >= 1);
                let lines = text.split('\n').count() as u32;
                prop_assert!(pos.line <= lines.max(1), "line {} of {} in {:?}", pos.line, lines, text);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = frictionlog::load::decode_utf8("content/incidents/b.md", bytes) {
            let file = SourceFile { path: "content/incidents/b.md".into(), slug: "b".into(), text };
            let _ = parse_incident(&file);
        }
    }

    #[test]
    fn resolved_request_paths_stay_inside_the_site(
        path in "(/|%2e|%2E|%2f|%5c|\\.|\\\\|[a-z]|%00|:|/index\\.html){0,12}"
    ) {
        if let Some(key) = resolve_request_path(&path) {
            prop_assert!(!key.starts_with('/'));
            prop_assert!(!key.contains('\\'));
            prop_assert!(!key.contains('\0'));
            for segment in key.split('/') {
                prop_assert!(!segment.is_empty(), "{:?} -> {:?}", path, key);
                prop_assert!(!segment.starts_with('.'), "{:?} -> {:?}", path, key);
            }
        }
    }
}
