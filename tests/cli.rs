//! The integration tests: one test binary, so that the crate is linked
//! once for all of them rather than once per file. Each module in tests/cli/
//! drives the real `frictionlog` binary on small sites made with the shared
//! builder in tests/support/ (`SiteBuilder`); insta names their snapshots
//! after the module (`tests/snapshots/cli__<module>__<name>.snap`).
//!
//! To add tests, add a `#[test]` to the module they belong with, or a new
//! file in tests/cli/ declared below — not a new file in tests/, which cargo
//! would build as one more binary. Only tests that must not run beside
//! others are binaries of their own, and say why in their header:
//! tests/interrupted.rs and tests/serve_load.rs.
//!
//! Run one module with `cargo test --test cli theme::`.

#![cfg(unix)]

mod support;

#[path = "cli/authoring.rs"]
mod authoring;
#[path = "cli/browser.rs"]
mod browser;
#[path = "cli/bundled.rs"]
mod bundled;
#[path = "cli/diagnostics.rs"]
mod diagnostics;
#[path = "cli/edit_links.rs"]
mod edit_links;
#[path = "cli/exit_codes.rs"]
mod exit_codes;
#[path = "cli/export.rs"]
mod export;
#[path = "cli/feed_ids.rs"]
mod feed_ids;
#[path = "cli/finding.rs"]
mod finding;
#[path = "cli/fine_print.rs"]
mod fine_print;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/human.rs"]
mod human;
#[path = "cli/import.rs"]
mod import;
#[path = "cli/links.rs"]
mod links;
#[path = "cli/meetings.rs"]
mod meetings;
#[path = "cli/mistakes.rs"]
mod mistakes;
#[path = "cli/properties.rs"]
mod properties;
#[path = "cli/publishing.rs"]
mod publishing;
#[path = "cli/reader.rs"]
mod reader;
#[path = "cli/report.rs"]
mod report;
#[path = "cli/robustness.rs"]
mod robustness;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/theme.rs"]
mod theme;

#[test]
fn the_base_site_is_clean() {
    let site = support::SiteBuilder::new().create();
    let check = site.run(&["check", "--format", "json"]);
    assert_eq!(
        (check.code, check.stdout.as_str()),
        (0, "[]\n"),
        "{}",
        check.stderr
    );
    assert_eq!(check.stderr, "");
    let build = site.build_ok(&[]);
    assert_eq!(build.stdout, "");
    let data = site.data_json();
    assert_eq!(data["totals"]["categories"], 2);
    assert_eq!(data["totals"]["incidents"], 1);
}
