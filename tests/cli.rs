//! Integration tests of the build pipeline, driving the real `frictionlog`
//! binary on small fixture sites (one integration test binary; its modules
//! live in tests/cli/).

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
#[path = "cli/exit_codes.rs"]
mod exit_codes;
#[path = "cli/export.rs"]
mod export;
#[path = "cli/fine_print.rs"]
mod fine_print;
#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/human.rs"]
mod human;
#[path = "cli/properties.rs"]
mod properties;
#[path = "cli/publishing.rs"]
mod publishing;
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
