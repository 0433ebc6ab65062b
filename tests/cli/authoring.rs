//! Authoring and CI, through the real binary: `init`, `new incident`,
//! `new category`, `completions`, `man`, what a build prints at each
//! verbosity and colour setting, and the configuration reference kept in
//! step with the keys the code accepts.
//!
//! Every run happens in a fresh temporary folder, which is the current
//! directory of the process; the site is its `site/` sub-folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use frictionlog::parse::DOCUMENTED_KEYS;

use crate::support::{Output, Site, SiteBuilder, assert_text_snapshot};

/// The folder a user works in, the current directory of every run: the
/// site is its `site/` sub-folder, made by `init`. Paths are relative to
/// the folder, as the binary prints them from there.
struct Workspace {
    site: Site,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace {
            site: SiteBuilder::before_init().create(),
        }
    }

    /// A workspace holding a site made by `frictionlog init site`.
    fn with_site() -> Workspace {
        let workspace = Workspace::new();
        workspace.run(&["init", "site"]).assert_code(0);
        workspace
    }

    fn dir(&self) -> PathBuf {
        self.site.outer()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap()
    }

    /// Runs `frictionlog ARGS` in the workspace.
    fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.dir(), args)
    }

    fn run_in(&self, cwd: &Path, args: &[&str]) -> Output {
        self.site.run_in(cwd, args)
    }

    /// Runs `frictionlog --root site ARGS`.
    fn site(&self, args: &[&str]) -> Output {
        let mut all = vec!["--root", "site"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Every file under the workspace, by relative path, with its bytes.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        self.site.everything().into_files()
    }

    /// `data.json` of a fresh build of the site.
    fn data_json(&self) -> serde_json::Value {
        self.site(&["build"]).assert_code(0);
        self.site.data_json()
    }
}

/// Today as `init` and `new` see it (and yesterday, for a run that crossed
/// midnight), to take out of snapshots.
fn todays() -> [String; 2] {
    let today = jiff::Zoned::now().date();
    let yesterday = today.yesterday().unwrap();
    [today.to_string(), yesterday.to_string()]
}

fn without_dates(text: &str) -> String {
    todays()
        .iter()
        .fold(text.to_owned(), |text, date| text.replace(date, "<today>"))
}

fn incident_titles(data: &serde_json::Value) -> Vec<String> {
    data["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

// ---- init ----

#[test]
fn init_makes_a_site_that_passes_a_strict_check_and_builds() {
    let workspace = Workspace::new();
    let run = workspace.run(&["init", "site"]).assert_code(0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "created a new site in \"site\" (5 files): preview it with `frictionlog --root \"site\" serve`\n"
    );
    let check = workspace.site(&["check", "--strict"]).assert_code(0);
    assert!(
        check
            .stderr
            .starts_with("checked 1 incident in 2 categories in ")
            && check.stderr.ends_with(" ms: no errors\n"),
        "{check:#?}"
    );
    let data = workspace.data_json();
    assert_eq!(data["totals"]["categories"], 2);
    assert_eq!(data["totals"]["incidents"], 1);
    assert_eq!(data["totals"]["occurrences"], 1);

    let files = workspace.files();
    assert!(files.keys().any(|p| p == "site/output/index.html"));
    let made: BTreeMap<String, String> = files
        .into_iter()
        .filter(|(path, _)| !path.starts_with("site/output/"))
        .map(|(path, bytes)| (path, without_dates(&String::from_utf8(bytes).unwrap())))
        .collect();
    assert_eq!(made["site/.gitignore"].lines().last(), Some("output/"));
    let listing: String = made
        .iter()
        .map(|(path, text)| format!("=== {path}\n{text}"))
        .collect();
    assert_text_snapshot!("init_files", listing);
}

#[test]
fn init_defaults_to_the_root_which_defaults_to_the_current_folder() {
    let workspace = Workspace::new();
    fs::create_dir(workspace.path("here")).unwrap();
    let run = workspace
        .run_in(&workspace.path("here"), &["init"])
        .assert_code(0);
    assert!(run.stderr.contains("`frictionlog serve`"), "{run:#?}");
    assert!(workspace.path("here/content/site.yaml").is_file());
    workspace.run(&["--root", "there", "init"]).assert_code(0);
    assert!(workspace.path("there/content/site.yaml").is_file());
    workspace
        .run_in(&workspace.path("here"), &["check", "--strict"])
        .assert_code(0);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_writes_nothing() {
    let workspace = Workspace::new();
    workspace.write("site/notes.txt", "mine\n");
    let before = workspace.files();
    let run = workspace.run(&["init", "site"]).assert_code(1);
    assert_eq!(run.stdout, "");
    assert_text_snapshot!("init_not_empty", run.stderr);
    assert_eq!(workspace.files(), before);

    // Beside a repository's files, anything else is still in the way.
    let workspace = Workspace::new();
    workspace.write("site/.git/HEAD", "ref: refs/heads/main\n");
    workspace.write("site/content/site.yaml", "title: Mine\n");
    let before = workspace.files();
    let run = workspace.run(&["init", "site"]).assert_code(1);
    assert!(
        run.stderr.contains("it already holds \"content\""),
        "{run:#?}"
    );
    assert_eq!(workspace.files(), before);
}

// Regression test: init refused a folder holding only .git, so "create
// the repository, clone it, init" failed. A fresh clone's files (dotfiles,
// a README, a LICENSE) are left alone, and an existing .gitignore gets the
// output folder added, as `cargo init` does.
#[test]
fn init_accepts_a_fresh_clone() {
    let workspace = Workspace::new();
    workspace.write("site/.git/HEAD", "ref: refs/heads/main\n");
    workspace.write("site/README.md", "# Our challenges\n");
    workspace.write("site/LICENSE", "MIT\n");
    workspace.write("site/.gitignore", "*.log");
    workspace.run(&["init", "site"]).assert_code(0);
    assert_eq!(workspace.read("site/README.md"), "# Our challenges\n");
    assert_eq!(workspace.read("site/.git/HEAD"), "ref: refs/heads/main\n");
    assert_eq!(
        workspace.read("site/.gitignore"),
        "*.log\n# What `frictionlog build` writes.\noutput/\n"
    );
    workspace.site(&["check", "--strict"]).assert_code(0);

    // Only .git, as `git clone` of an empty repository leaves it.
    let workspace = Workspace::new();
    workspace.write("site/.git/HEAD", "ref: refs/heads/main\n");
    workspace.run(&["init", "site"]).assert_code(0);
    assert_eq!(
        workspace.read("site/.gitignore"),
        "# What `frictionlog build` writes.\noutput/\n"
    );

    // A .gitignore that already ignores the output is left as it is.
    let workspace = Workspace::new();
    workspace.write("site/.gitignore", "/output/\n");
    workspace.run(&["init", "site"]).assert_code(0);
    assert_eq!(workspace.read("site/.gitignore"), "/output/\n");
}

#[test]
fn init_into_a_file_fails() {
    let workspace = Workspace::new();
    workspace.write("site", "a file\n");
    let run = workspace.run(&["init", "site"]).assert_code(1);
    assert!(run.stderr.starts_with("error: "), "{run:#?}");
    assert_eq!(workspace.read("site"), "a file\n");
}

// ---- new ----

/// Titles that break naive YAML writing, each with a distinct slug.
const NASTY_TITLES: &[&str] = &[
    "Fix: \"auth\" #2",
    "* starred: not a list",
    "&anchor and *alias",
    "! tagged % directive",
    "@handle `backticks` | pipe > fold",
    "{flow} [seq], comma",
    "'single' quotes and a \\ backslash",
    "yes",
    "null",
    "2024",
    "Köln: Über-Änderung",
    "日本語のタイトル",
    "emoji 🔥 fire",
    "trailing colon:",
    "# hash first",
    "tab\tand\nnewline",
];

#[test]
fn new_incidents_with_nasty_titles_pass_a_strict_check_and_are_listed() {
    let workspace = Workspace::with_site();
    let mut expected = incident_titles(&workspace.data_json());
    for title in NASTY_TITLES {
        let run = workspace
            .site(&[
                "new",
                "incident",
                title,
                "--category",
                "monolith",
                "--team",
                "Team: \"#1\" - *core*",
                "--date",
                "2017-11",
            ])
            .assert_code(0);
        assert_eq!(run.stderr, "");
        let path = run.stdout.trim_end();
        assert!(path.starts_with("site/content/incidents/"), "{path}");
        assert!(workspace.path(path).is_file(), "{path}");
        expected.push((*title).to_owned());
    }
    // A title starting with `-` is passed after `--`.
    workspace
        .site(&[
            "new",
            "incident",
            "--category",
            "environments",
            "--",
            "- leading dash",
        ])
        .assert_code(0);
    expected.push("- leading dash".to_owned());

    workspace.site(&["check", "--strict"]).assert_code(0);
    let data = workspace.data_json();
    let mut titles = incident_titles(&data);
    titles.sort();
    expected.sort();
    assert_eq!(titles, expected);
    let fix = data["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "fix-auth-2")
        .unwrap();
    assert_eq!(fix["anecdotes"][0]["team"], "Team: \"#1\" - *core*");
    assert_eq!(fix["anecdotes"][0]["date"], "2017-11");
    assert_eq!(fix["category"], "monolith");
}

#[test]
fn a_new_incident_s_file() {
    let workspace = Workspace::with_site();
    let run = workspace
        .site(&[
            "new",
            "incident",
            "Fix: \"auth\" #2 in Köln",
            "--category",
            "monolith",
            "--team",
            "Payments",
            "--date",
            "2018-10-15",
        ])
        .assert_code(0);
    assert_eq!(run.stdout, "site/content/incidents/fix-auth-2-in-koln.md\n");
    assert_text_snapshot!(
        "new_incident_file",
        workspace.read("site/content/incidents/fix-auth-2-in-koln.md")
    );
}

#[test]
fn a_new_incident_without_a_team_dates_its_example_anecdote_today() {
    let workspace = Workspace::with_site();
    let run = workspace
        .site(&["new", "incident", "No team yet", "--category", "monolith"])
        .assert_code(0);
    let text = workspace.read(run.stdout.trim_end());
    assert!(
        todays()
            .iter()
            .any(|d| text.contains(&format!("#     date: {d}\n"))),
        "{text}"
    );
    let run = workspace
        .site(&[
            "new",
            "incident",
            "With a team",
            "--category",
            "monolith",
            "--team",
            "Web",
        ])
        .assert_code(0);
    let text = workspace.read(run.stdout.trim_end());
    assert!(
        todays()
            .iter()
            .any(|d| text.contains(&format!("\n    date: {d}\n"))),
        "{text}"
    );
    workspace.site(&["check", "--strict"]).assert_code(0);
}

#[test]
fn the_same_title_twice_fails_and_leaves_the_first_file_alone() {
    let workspace = Workspace::with_site();
    let args = [
        "new",
        "incident",
        "Settings sprawl",
        "--category",
        "monolith",
    ];
    let first = workspace.site(&args).assert_code(0);
    let path = first.stdout.trim_end().to_owned();
    workspace.write(&path, &format!("{}edited by hand\n", workspace.read(&path)));
    let before = workspace.files();
    let second = workspace.site(&args).assert_code(1);
    assert_eq!(second.stdout, "");
    assert_eq!(
        second.stderr,
        "error: \"site/content/incidents/settings-sprawl.md\" already exists: frictionlog never overwrites a file (edit that file, or choose another title)\n"
    );
    assert_eq!(workspace.files(), before);
}

#[test]
fn a_slug_used_by_an_incident_in_a_sub_folder_is_refused() {
    let workspace = Workspace::with_site();
    workspace.write(
        "site/content/incidents/old/settings-sprawl.md",
        "---\ntitle: Old\ncategory: monolith\n---\n",
    );
    let before = workspace.files();
    let run = workspace
        .site(&[
            "new",
            "incident",
            "Settings sprawl",
            "--category",
            "monolith",
        ])
        .assert_code(1);
    assert!(
        run.stderr
            .contains("\"content/incidents/old/settings-sprawl.md\""),
        "{run:#?}"
    );
    assert_eq!(workspace.files(), before);
}

#[test]
fn an_unknown_category_fails_with_a_suggestion_and_the_list() {
    let workspace = Workspace::with_site();
    let before = workspace.files();
    let run = workspace
        .site(&["new", "incident", "Anything", "--category", "monolit"])
        .assert_code(1);
    assert_eq!(run.stdout, "");
    assert_text_snapshot!("unknown_category", run.stderr);
    assert_eq!(workspace.files(), before);
}

#[test]
fn a_bad_date_is_a_usage_error() {
    let workspace = Workspace::with_site();
    let before = workspace.files();
    for bad in ["2018-02-30", "yesterday", "18-01", "2018/01/02"] {
        let run = workspace
            .site(&[
                "new",
                "incident",
                "Anything",
                "--category",
                "monolith",
                "--team",
                "Web",
                "--date",
                bad,
            ])
            .assert_code(2);
        assert!(
            run.stderr
                .contains(&format!("invalid value '{bad}' for '--date <DATE>'")),
            "{run:#?}"
        );
    }
    assert_text_snapshot!(
        "bad_date",
        workspace
            .site(&[
                "new",
                "incident",
                "Anything",
                "--category",
                "monolith",
                "--team",
                "Web",
                "--date",
                "2018-02-30",
            ])
            .stderr
    );
    // A date belongs to a team's anecdote.
    workspace
        .site(&[
            "new",
            "incident",
            "Anything",
            "--category",
            "monolith",
            "--date",
            "2018",
        ])
        .assert_code(2);
    assert_eq!(workspace.files(), before);
}

// Regression test: `--team "  "` wrote an incident without its anecdote
// and said nothing, although check rejects a blank team name.
#[test]
fn a_blank_team_is_a_usage_error() {
    let workspace = Workspace::with_site();
    let before = workspace.files();
    for team in ["  ", "", "?!"] {
        let run = workspace
            .site(&[
                "new",
                "incident",
                "Anything",
                "--category",
                "monolith",
                "--team",
                team,
            ])
            .assert_code(2);
        assert!(run.stderr.contains("for '--team <TEAM>'"), "{run:#?}");
        assert!(
            run.stderr.contains("a team name cannot be blank")
                || run
                    .stderr
                    .contains("a team name needs at least one letter or digit"),
            "{run:#?}"
        );
    }
    assert_eq!(workspace.files(), before);
}

#[test]
fn a_title_without_letters_or_digits_is_a_usage_error() {
    let workspace = Workspace::with_site();
    let before = workspace.files();
    for args in [
        &["new", "incident", "?!", "--category", "monolith"][..],
        &["new", "category", "  ---  "],
    ] {
        let run = workspace.site(args).assert_code(2);
        assert!(
            run.stderr
                .contains("a title needs at least one letter or digit"),
            "{run:#?}"
        );
    }
    assert_eq!(workspace.files(), before);
}

#[test]
fn a_new_category_can_be_used_at_once() {
    let workspace = Workspace::with_site();
    let run = workspace
        .site(&["new", "category", "Coupled services: \"data\" #1"])
        .assert_code(0);
    assert_eq!(
        run.stdout,
        "site/content/categories/coupled-services-data-1.md\n"
    );
    assert_text_snapshot!(
        "new_category_file",
        workspace.read("site/content/categories/coupled-services-data-1.md")
    );
    workspace
        .site(&[
            "new",
            "incident",
            "Two copies of the user table",
            "--category",
            "coupled-services-data-1",
            "--team",
            "Web",
        ])
        .assert_code(0);
    workspace.site(&["check", "--strict"]).assert_code(0);
    let data = workspace.data_json();
    assert_eq!(data["totals"]["categories"], 3);
    assert_eq!(data["totals"]["incidents"], 2);

    let again = workspace
        .site(&["new", "category", "Coupled services: data #1"])
        .assert_code(1);
    assert!(again.stderr.contains("already exists"), "{again:#?}");
}

#[test]
fn new_needs_a_site() {
    let workspace = Workspace::new();
    for args in [
        &["new", "incident", "A", "--category", "x"][..],
        &["new", "category", "A"],
    ] {
        let run = workspace.site(args).assert_code(1);
        assert_eq!(
            run.stderr,
            "error: no content/ folder in \"site\": run `frictionlog init` to start a site, or pass --root\n"
        );
    }
    assert_eq!(workspace.files(), BTreeMap::new());
}

#[test]
fn new_works_from_the_site_root_without_root() {
    let workspace = Workspace::with_site();
    let run = workspace
        .run_in(
            &workspace.path("site"),
            &["new", "incident", "Relative", "--category", "monolith"],
        )
        .assert_code(0);
    assert_eq!(run.stdout, "content/incidents/relative.md\n");
    assert!(
        workspace
            .path("site/content/incidents/relative.md")
            .is_file()
    );
}

#[test]
fn a_new_incident_with_every_flag() {
    let workspace = Workspace::with_site();
    workspace.write(
        "site/content/site.yaml",
        &format!(
            "{}sections:\n  - slug: testing\n    title: Testing\n",
            workspace.read("site/content/site.yaml")
        ),
    );
    let run = workspace
        .site(&[
            "new",
            "incident",
            "Flaky staging",
            "--category",
            "environments",
            "--section",
            "testing",
            "--status",
            "sad",
            "--status",
            "tick",
            "--tag",
            "staging",
            "--tag",
            "ci: \"nightly\"",
            "--team",
            "Search",
            "--undated",
            "--slug",
            "flaky",
            "--body",
            "- fails one run in five\n- nobody knows why",
        ])
        .assert_code(0);
    assert_eq!(run.stdout, "site/content/incidents/flaky.md\n");
    assert_text_snapshot!(
        "new_incident_every_flag",
        workspace.read("site/content/incidents/flaky.md")
    );
    workspace.site(&["check", "--strict"]).assert_code(0);
    let data = workspace.data_json();
    let flaky = data["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "flaky")
        .unwrap()
        .clone();
    assert_eq!(flaky["section"], "testing");
    assert_eq!(flaky["status"], serde_json::json!(["sad", "tick"]));
    assert_eq!(
        flaky["tags"],
        serde_json::json!(["staging", "ci: \"nightly\""])
    );
    assert_eq!(
        flaky["anecdotes"],
        serde_json::json!([{"team": "Search", "date": null, "text": null}])
    );
}

#[test]
fn body_minus_reads_standard_input() {
    let workspace = Workspace::with_site();
    let mut command = crate::support::frictionlog(
        &workspace.dir(),
        &[
            "--root",
            "site",
            "new",
            "incident",
            "Slow deploys",
            "--category",
            "monolith",
            "--body",
            "-",
        ],
    );
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all("Deploys take an hour.\r\n\r\n- Köln: \"ops\"\r\n".as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = workspace.read("site/content/incidents/slow-deploys.md");
    assert!(
        text.ends_with("---\nDeploys take an hour.\r\n\r\n- Köln: \"ops\"\r\n"),
        "{text}"
    );
    workspace.site(&["check", "--strict"]).assert_code(0);
    // Without `--body -`, standard input is not read: a run given input
    // it was not meant for leaves it alone, and one given none does not
    // wait for it.
    workspace
        .site(&["new", "incident", "No body", "--category", "monolith"])
        .assert_code(0);
    assert!(
        workspace
            .read("site/content/incidents/no-body.md")
            .ends_with("# tags: [example]\n---\n")
    );
}

#[test]
fn new_incident_flags_are_checked_against_the_site() {
    let workspace = Workspace::with_site();
    let before = workspace.files();
    let new = |extra: &[&str]| {
        let mut args = vec!["new", "incident", "Anything", "--category", "monolith"];
        args.extend_from_slice(extra);
        workspace.site(&args)
    };
    let run = new(&["--status", "sadd"]).assert_code(1);
    assert_eq!(
        run.stderr,
        "error: unknown status \"sadd\" (did you mean \"sad\"?); the incident statuses of the site: sad, tick, heart\n"
    );
    let run = new(&["--section", "testing"]).assert_code(1);
    assert_eq!(
        run.stderr,
        "error: unknown section \"testing\": site.yaml defines no sections (add them under `sections:`, or leave out --section)\n"
    );
    let run = new(&["--status", "sad", "--status", "sad"]).assert_code(2);
    assert!(run.stderr.contains("is given twice"), "{run:#?}");
    for (extra, says) in [
        (
            &["--slug", "Flaky Staging"][..],
            "(did you mean \"flaky-staging\"?)",
        ),
        (&["--undated"], "--team <TEAM>"),
        (
            &["--team", "Web", "--undated", "--date", "2018"],
            "cannot be used with",
        ),
        (&["--tag", " "], "a tag cannot be blank"),
    ] {
        let run = new(extra).assert_code(2);
        assert!(run.stderr.contains(says), "{extra:?}: {run:#?}");
    }
    assert_eq!(workspace.files(), before);
}

// ---- review new ----

#[test]
fn review_new_writes_a_review_that_passes_check_at_once() {
    // Two reviews: monolith's status comes from the later, frontend's from
    // the only one that mentions it.
    let site = SiteBuilder::new()
        .file(
            "content/reviews/2018-01-10.md",
            "---\ndate: 2018-01-10\ncategories:\n  frontend: {votes: 3, status: partial}\n  monolith: {status: progress}\n---\n",
        )
        .file(
            "content/incidents/draft.md",
            "---\ntitle: D\ncategory: monolith\ndraft: true\n---\n",
        )
        .file(
            "content/incidents/counted.md",
            "---\ntitle: C\ncategory: monolith\noccurrences: 3\n---\n",
        )
        .create();
    let run = site
        .run_in(&site.root(), &["review", "new", "2019-01-07"])
        .assert_code(0);
    assert_eq!(run.stdout, "content/reviews/2019-01-07.md\n");
    assert_eq!(run.stderr, "");
    assert_text_snapshot!(
        "review_new_file",
        site.read("content/reviews/2019-01-07.md")
    );
    site.run(&["check", "--strict"]).assert_code(0);
    site.build_ok(&[]);
    let data = site.data_json();
    let categories: Vec<(String, serde_json::Value, serde_json::Value)> = data["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["slug"].as_str().unwrap().to_owned(),
                c["status"].clone(),
                c["review"].clone(),
            )
        })
        .collect();
    assert_eq!(
        categories,
        [
            (
                "monolith".to_owned(),
                serde_json::json!("nope"),
                serde_json::json!({"date": "2019-01-07", "recorded": 2})
            ),
            (
                "frontend".to_owned(),
                serde_json::json!("partial"),
                serde_json::json!({"date": "2019-01-07", "recorded": 0})
            ),
        ]
    );
}

#[test]
fn review_new_defaults_to_today_and_never_overwrites() {
    let site = SiteBuilder::new().create();
    let run = site.run_in(&site.root(), &["review", "new"]).assert_code(0);
    let path = run.stdout.trim_end().to_owned();
    assert!(
        todays()
            .iter()
            .any(|d| path == format!("content/reviews/{d}.md")),
        "{path}"
    );
    site.write(&path, format!("{}Minutes.\n", site.read(&path)));
    let before = site.everything();
    let date = path
        .trim_start_matches("content/reviews/")
        .trim_end_matches(".md")
        .to_owned();
    let again = site
        .run_in(&site.root(), &["review", "new", &date])
        .assert_code(1);
    assert_eq!(again.stdout, "");
    assert_eq!(
        again.stderr,
        format!(
            "error: \"content/reviews/{date}.md\" already exists: frictionlog never overwrites a file (edit that file, or give another date: `frictionlog review new YYYY-MM-DD`)\n"
        )
    );
    crate::support::assert_same_tree(&before, &site.everything(), "review new twice");
}

#[test]
fn review_new_needs_a_day_and_a_site_that_passes_check() {
    let site = SiteBuilder::new()
        .file(
            "content/incidents/broken.md",
            "---\ntitle: B\ncategory: monolit\n---\n",
        )
        .create();
    let before = site.everything();
    let run = site
        .run_in(&site.root(), &["review", "new", "2019-01-07"])
        .assert_code(1);
    assert!(run.stderr.contains("error[unknown-category]"), "{run:#?}");
    assert!(
        run.stderr.ends_with(
            "error: no review written: the site has 1 error (above), and a review counts incidents from a site that passes `frictionlog check`\n"
        ),
        "{run:#?}"
    );
    for bad in ["2019-01", "2019-02-30", "monday"] {
        let run = site
            .run_in(&site.root(), &["review", "new", bad])
            .assert_code(2);
        assert!(run.stderr.contains("for '[DATE]'"), "{bad}: {run:#?}");
    }
    crate::support::assert_same_tree(&before, &site.everything(), "refused reviews");
}

// ---- completions and man ----

#[test]
fn completions_for_every_shell() {
    let workspace = Workspace::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = workspace.run(&["completions", shell]).assert_code(0);
        // Each script asks the binary for candidates at every <TAB>.
        assert!(run.stdout.contains("FRICTIONLOG_COMPLETE"), "{shell}");
        assert!(run.stdout.contains("frictionlog"), "{shell}");
        assert_eq!(run.stderr, "");
    }
    let run = workspace.run(&["completions", "tcsh"]).assert_code(2);
    assert!(run.stderr.contains("possible values"), "{run:#?}");
    workspace.run(&["completions"]).assert_code(2);
}

/// What bash offers for the command line `words` (the last word is the one
/// being completed), run in `workspace` with the script of `completions
/// bash` sourced and `frictionlog` on PATH.
fn bash_completes(workspace: &Workspace, words: &[&str]) -> Vec<String> {
    let script = workspace
        .run(&["completions", "bash"])
        .assert_code(0)
        .stdout;
    workspace.write("completion.bash", &script);
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("'{}'", w.replace('\'', "'\\''")))
        .collect();
    let program = format!(
        "source ./completion.bash\n\
         COMP_WORDS=({})\n\
         COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
         COMP_POINT=${{#COMP_LINE}}\n\
         _clap_complete_frictionlog frictionlog \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" ")
    );
    let binary = Path::new(env!("CARGO_BIN_EXE_frictionlog"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .current_dir(workspace.dir())
        .env("PATH", path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

// Regression test: the static scripts completed file names for
// `--category`, `--team`, `--root` and `--bind`. The scripts now ask the
// binary, which reads the site under --root.
#[test]
fn bash_completes_the_site_s_categories_and_teams() {
    let workspace = Workspace::with_site();
    workspace.write("notes.txt", "not a folder\n");
    workspace.write(
        "site/content/incidents/flaky.md",
        "---\ntitle: Flaky\ncategory: environments\nanecdotes:\n  - {team: Payments}\n---\n",
    );
    let new = ["frictionlog", "--root", "site", "new", "incident", "T"];
    let with = |extra: &[&'static str]| -> Vec<&str> {
        new.iter().copied().chain(extra.iter().copied()).collect()
    };
    assert_eq!(
        bash_completes(&workspace, &with(&["--category", ""])),
        ["environments", "monolith"]
    );
    assert_eq!(
        bash_completes(&workspace, &with(&["--category", "mon"])),
        ["monolith"]
    );
    assert_eq!(
        bash_completes(&workspace, &with(&["--team", ""])),
        ["Payments", "Your team"]
    );
    // --root after the command works too.
    assert_eq!(
        bash_completes(
            &workspace,
            &[
                "frictionlog",
                "new",
                "incident",
                "T",
                "--root",
                "site",
                "--category",
                "e"
            ]
        ),
        ["environments"]
    );
    // report: incident slugs for INCIDENT (sub-folders too), team names
    // for --team; sections for --section, statuses for --status.
    let incidents: Vec<String> =
        bash_completes(&workspace, &["frictionlog", "--root", "site", "report", ""])
            .into_iter()
            .filter(|word| !word.starts_with('-'))
            .collect();
    assert_eq!(incidents, ["flaky", "new-feature-touches-many-files"]);
    assert_eq!(
        bash_completes(
            &workspace,
            &[
                "frictionlog",
                "--root",
                "site",
                "report",
                "flaky",
                "--team",
                "P"
            ]
        ),
        ["Payments"]
    );
    workspace.write(
        "site/content/site.yaml",
        "title: T\nsections:\n  - {slug: testing, title: Testing}\n",
    );
    assert_eq!(
        bash_completes(&workspace, &with(&["--section", ""])),
        ["testing"]
    );
    assert_eq!(
        bash_completes(&workspace, &with(&["--status", "t"])),
        ["tick"]
    );
    // Folders only for --root; nothing at all for --bind.
    let roots = bash_completes(&workspace, &["frictionlog", "check", "--root", ""]);
    assert!(roots.iter().any(|r| r.starts_with("site")), "{roots:?}");
    assert!(!roots.iter().any(|r| r.contains("notes")), "{roots:?}");
    assert_eq!(
        bash_completes(&workspace, &["frictionlog", "serve", "--bind", ""]),
        Vec::<String>::new()
    );
    // Commands and flags still complete.
    assert_eq!(
        bash_completes(&workspace, &["frictionlog", "bu"]),
        ["build"]
    );
    assert!(
        bash_completes(&workspace, &["frictionlog", "build", "--str"])
            .contains(&"--strict".to_owned())
    );
    assert_eq!(
        bash_completes(&workspace, &["frictionlog", "imp"]),
        ["import"]
    );
    assert!(
        bash_completes(&workspace, &["frictionlog", "import", "csv", "--cr"])
            .contains(&"--create-categories".to_owned())
    );
    // import's FILE is a file: files are offered.
    let files = bash_completes(&workspace, &["frictionlog", "import", "csv", "no"]);
    assert!(files.iter().any(|f| f.contains("notes.txt")), "{files:?}");
}

// Regression test: the man page listed frictionlog-build(1) and the like,
// pages that do not exist, and had no options, exit codes or examples.
#[test]
fn the_man_page_has_every_command_s_options_exit_codes_and_examples() {
    let run = Workspace::new().run(&["man"]).assert_code(0);
    let page = run.stdout;
    assert!(page.contains(".TH frictionlog 1"), "{page}");
    for section in [
        ".SH SYNOPSIS",
        ".SH COMMANDS",
        ".SH \"CONTENT FORMAT\"",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    for command in [
        "build",
        "check",
        "serve",
        "init",
        "new incident",
        "new category",
        "report",
        "review new",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!(".SS \"frictionlog {command}\"")),
            "no section for {command}"
        );
    }
    // Each command's own options, in roff (dashes escaped).
    for option in [
        "\\-\\-force",
        "\\-\\-base\\-url",
        "\\-\\-format",
        "\\-\\-bind",
        "\\-\\-category",
        "\\-\\-undated",
        "\\-\\-section",
    ] {
        assert!(page.contains(option), "no {option}");
    }
    assert!(!page.contains("(1)"), "a reference to another page: {page}");
}

#[test]
fn man_prints_one_command_s_page() {
    let workspace = Workspace::new();
    let page = workspace.run(&["man", "build"]).assert_code(0).stdout;
    assert!(
        page.contains(".TH frictionlog\\-build 1") || page.contains(".TH frictionlog-build 1"),
        "{page}"
    );
    for needle in [
        ".SH OPTIONS",
        "\\-\\-force",
        "\\-\\-root",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
        "frictionlog build \\-\\-strict \\-\\-base\\-url /arch/challenges/",
    ] {
        assert!(page.contains(needle), "no {needle}: {page}");
    }
    assert!(
        !page.contains("\\-\\-format"),
        "check's options on build's page"
    );
    let new = workspace.run(&["man", "new"]).assert_code(0).stdout;
    assert!(new.contains(".SS \"frictionlog new incident\""), "{new}");
    assert!(new.contains(".SS \"frictionlog new category\""), "{new}");
    let report = workspace.run(&["man", "report"]).assert_code(0).stdout;
    for needle in ["\\-\\-team", "\\-\\-undated", "INCIDENT", ".SH EXAMPLES"] {
        assert!(report.contains(needle), "no {needle}: {report}");
    }
    let review = workspace.run(&["man", "review"]).assert_code(0).stdout;
    assert!(
        review.contains(".SS \"frictionlog review new\""),
        "{review}"
    );
    assert!(review.contains("frictionlog review new"), "{review}");
    let run = workspace.run(&["man", "publish"]).assert_code(2);
    assert!(run.stderr.contains("possible values"), "{run:#?}");
}

// Regression test: every subcommand's --help repeated the global flags,
// even where they do nothing, and `-v` said "Show what the build did" on
// `new` and `init`.
#[test]
fn each_command_s_help_lists_only_the_flags_that_apply_to_it() {
    let workspace = Workspace::new();
    for command in [&["man"][..], &["completions"]] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = workspace.run(&args).assert_code(0).stdout;
        for flag in [
            "--root <DIR>",
            "-v, --verbose",
            "-q, --quiet",
            "--color <WHEN>",
        ] {
            assert!(
                !help.contains(flag),
                "{command:?} --help shows {flag}:\n{help}"
            );
        }
    }
    for command in [
        &["new", "incident"][..],
        &["new", "category"],
        &["init"],
        &["report"],
        &["review", "new"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = workspace.run(&args).assert_code(0).stdout;
        assert!(!help.contains("--verbose"), "{command:?}:\n{help}");
        assert!(!help.contains("build"), "{command:?}:\n{help}");
    }
    let init = workspace.run(&["init", "--help"]).assert_code(0).stdout;
    assert!(
        init.contains("The folder to create the site in when DIR is not given"),
        "{init}"
    );
    let serve = workspace.run(&["serve", "--help"]).assert_code(0).stdout;
    assert!(
        serve.contains("Print what each rebuild did and how long each stage took"),
        "{serve}"
    );
    let build = workspace.run(&["build", "--help"]).assert_code(0).stdout;
    assert!(
        build.contains("Print each phase of the build and how long it took"),
        "{build}"
    );
    // Hidden is not refused: a global flag before or after still parses.
    workspace.run(&["man", "--color", "never"]).assert_code(0);
}

// ---- what a build prints ----

#[test]
fn a_build_prints_one_summary_line_by_default() {
    let workspace = Workspace::with_site();
    // An absolute base_url: with "/" there is also the line saying why no
    // sitemap.xml was written (see reader::without_an_absolute_base_url…).
    let run = workspace
        .site(&["build", "--base-url", "https://docs.example.com/"])
        .assert_code(0);
    assert_eq!(run.stdout, "");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{run:#?}");
    let millis = lines[0]
        .strip_prefix("built 1 incident in 2 categories into site/output/ in ")
        .and_then(|rest| rest.strip_suffix(" ms"))
        .unwrap_or_else(|| panic!("{}", lines[0]));
    assert!(millis.parse::<u64>().is_ok(), "{millis}");
}

#[test]
fn quiet_prints_nothing_on_a_clean_build_and_errors_when_there_are_some() {
    let workspace = Workspace::with_site();
    let run = workspace.site(&["-q", "build"]).assert_code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    let run = workspace.site(&["check", "--quiet"]).assert_code(0);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));

    workspace.write(
        "site/content/incidents/broken.md",
        "---\ntitle: Broken\ncategory: monolit\n---\n",
    );
    let run = workspace.site(&["-q", "build"]).assert_code(1);
    assert!(run.stderr.contains("error[unknown-category]"), "{run:#?}");
}

#[test]
fn verbose_prints_every_phase_with_its_time() {
    let workspace = Workspace::with_site();
    let run = workspace.site(&["-v", "build"]).assert_code(0);
    for phase in ["load", "parse", "validate", "tally", "render", "publish"] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.split_whitespace().next() == Some(phase))
            .unwrap_or_else(|| panic!("no {phase} phase in:\n{}", run.stderr));
        assert!(line.contains(" ms"), "{line}");
    }
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("built 1 incident"),
        "{}",
        run.stderr
    );
    workspace.site(&["-v", "-q", "build"]).assert_code(2);
}

#[test]
fn color_always_colours_diagnostics_and_auto_does_not_when_piped() {
    let workspace = Workspace::with_site();
    workspace.write(
        "site/content/incidents/broken.md",
        "---\ntitle: Broken\ncategory: monolit\n---\n",
    );
    let always = workspace
        .site(&["--color", "always", "check"])
        .assert_code(1);
    assert!(always.stderr.contains("\x1b["), "{always:#?}");
    assert!(always.stderr.contains("unknown-category"));
    for when in ["auto", "never"] {
        let run = workspace.site(&["--color", when, "check"]).assert_code(1);
        assert!(!run.stderr.contains('\x1b'), "{when}: {run:#?}");
        assert!(run.stderr.contains("error[unknown-category]"), "{when}");
    }
    let run = workspace.site(&["check"]).assert_code(1);
    assert!(!run.stderr.contains('\x1b'));
    workspace
        .site(&["--color", "sometimes", "check"])
        .assert_code(2);
}

// ---- the docs ----

fn doc(name: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// The keys in the first column of the tables under each heading, by the
/// heading's text (backticks dropped, lower case).
fn documented_keys(markdown: &str) -> BTreeMap<String, Vec<String>> {
    let mut sections: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        if line.starts_with('#') {
            let heading = line
                .trim_start_matches('#')
                .replace('`', "")
                .trim()
                .to_lowercase();
            sections.entry(heading.clone()).or_default();
            current = Some(heading);
            continue;
        }
        let Some(section) = &current else { continue };
        let Some(row) = line.trim().strip_prefix('|') else {
            continue;
        };
        let first = row.split('|').next().unwrap_or("").trim();
        if let Some(key) = first
            .strip_prefix('`')
            .and_then(|rest| rest.strip_suffix('`'))
        {
            sections.get_mut(section).unwrap().push(key.to_owned());
        }
    }
    sections
}

/// What the reference gets wrong: keys the code accepts that it does not
/// document, and keys it documents that the code does not accept.
fn reference_problems(markdown: &str) -> Vec<String> {
    let documented = documented_keys(markdown);
    let mut problems = Vec::new();
    for (section, keys) in DOCUMENTED_KEYS {
        let Some(written) = documented.get(&section.to_lowercase()) else {
            problems.push(format!("no heading \"{section}\""));
            continue;
        };
        for key in *keys {
            if !written.iter().any(|w| w == key) {
                problems.push(format!("{section}: `{key}` is not documented"));
            }
        }
        for key in written {
            if !keys.contains(&key.as_str()) {
                problems.push(format!("{section}: `{key}` is documented but not accepted"));
            }
        }
    }
    problems
}

#[test]
fn the_configuration_reference_documents_every_key_the_code_accepts() {
    assert_eq!(
        reference_problems(&doc("docs/configuration.md")),
        Vec::<String>::new()
    );
}

#[test]
fn the_reference_check_catches_a_missing_or_stale_key() {
    let reference = doc("docs/configuration.md");
    let without_feed_limit: String = reference
        .lines()
        .filter(|l| !l.starts_with("| `feed_limit`"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        reference_problems(&without_feed_limit),
        vec!["site.yaml: `feed_limit` is not documented"]
    );
    let with_stale = reference.replacen(
        "| `feed_limit`",
        "| `feed_size` | integer | | gone |\n| `feed_limit`",
        1,
    );
    assert_eq!(
        reference_problems(&with_stale),
        vec!["site.yaml: `feed_size` is documented but not accepted"]
    );
}

#[test]
fn the_readme_links_the_authoring_docs() {
    let readme = doc("README.md");
    for name in ["docs/configuration.md", "docs/ci.md", "docs/publishing.md"] {
        assert!(
            readme.contains(&format!("]({name})")),
            "README has no link to {name}"
        );
        assert!(!doc(name).is_empty());
    }
}

#[test]
fn the_ci_doc_runs_the_strict_check_the_way_ci_should() {
    let ci = doc("docs/ci.md");
    assert!(ci.contains("frictionlog check --strict --format github"));
    assert!(ci.contains("frictionlog check --strict --format json"));
    assert!(ci.contains("pull_request"));
    assert!(ci.contains("merge_request_event"));
    let publishing = doc("docs/publishing.md");
    for needle in [
        "--base-url /arch/challenges/",
        "rsync",
        "--delete",
        "aws s3 sync",
        "404.html",
        "Cache-Control",
    ] {
        assert!(publishing.contains(needle), "publishing.md lacks {needle}");
    }
}

/// The text of the README section under `heading`, to the next `## `.
fn readme_section(heading: &str) -> String {
    let readme = doc("README.md");
    let start = readme
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("README has no section \"{heading}\""));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

/// Runs a documented shell line in `dir` as a reader would, with this
/// build's frictionlog first on the PATH; it must succeed.
fn run_as_documented(line: &str, dir: &Path) {
    let binary = Path::new(env!("CARGO_BIN_EXE_frictionlog"));
    let output = Command::new("sh")
        .args(["-c", line])
        .current_dir(dir)
        .env(
            "PATH",
            format!(
                "{}:{}",
                binary.parent().unwrap().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`{line}` failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The lines of the ```sh blocks of `markdown`.
fn shell_lines(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_sh = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if in_sh && !line.trim().is_empty() {
            lines.push(line.trim().to_owned());
        }
    }
    lines
}

// Regression test: the README told people to run `frictionlog init`
// without saying how to get the binary, nor that the first build takes
// minutes.
#[test]
fn the_readme_says_how_to_install_before_the_first_use() {
    let readme = doc("README.md");
    let install = readme
        .find("cargo install --locked --path .")
        .expect("no `cargo install --locked --path .`");
    assert!(readme.contains("cargo install --locked --git "));
    let first_use = readme
        .find("frictionlog init")
        .expect("no `frictionlog init`");
    assert!(
        install < first_use,
        "the README uses frictionlog before installing it"
    );
    let top = &readme[..install];
    assert!(
        top.contains("several minutes"),
        "the first build's wait is not said"
    );
}

// Regression test: the README followed from a fresh clone left gaps. Runs
// the commands of "Your first ten minutes" in order, as written, in an
// empty folder (serve, which runs until stopped, and git aside).
#[test]
fn the_first_ten_minutes_run_as_written() {
    let workspace = Workspace::new();
    let section = readme_section("Your first ten minutes");
    let mut cwd = workspace.dir();
    let mut ran = Vec::new();
    for line in shell_lines(&section) {
        if let Some(dir) = line.strip_prefix("cd ") {
            cwd = cwd.join(dir.trim());
            continue;
        }
        if !line.starts_with("frictionlog ") || line.starts_with("frictionlog serve") {
            continue;
        }
        run_as_documented(&line, &cwd);
        ran.push(line);
    }
    assert!(ran.len() >= 4, "{ran:?}");
    let site = workspace.path("challenges");
    assert!(
        site.join("content/incidents/five-files-to-add-a-setting.md")
            .is_file()
    );
    assert!(
        site.join("content/categories/release-pipeline.md")
            .is_file()
    );
    assert!(site.join("output/index.html").is_file());
}

/// The lines of the ```sh block that follows `marker` in `markdown`.
fn shell_block_after(markdown: &str, marker: &str) -> Vec<String> {
    let start = markdown
        .find(marker)
        .unwrap_or_else(|| panic!("no \"{marker}\""));
    let rest = &markdown[start..];
    let block = rest
        .split("```sh\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .unwrap_or_else(|| panic!("no ```sh block after \"{marker}\""));
    block
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

// The README's meeting cycle (report, review new, check and build), run as
// written on a copy of this repository's own site.
#[test]
fn the_readme_s_meeting_cycle_runs_on_the_bundled_site() {
    let mut builder = SiteBuilder::empty();
    let repository = crate::support::repository();
    for (path, entry) in crate::support::Tree::read(&repository.join("content")).entries {
        if let crate::support::Entry::File(bytes) = entry {
            builder = builder.file(&format!("content/{path}"), bytes);
        }
    }
    let site = builder.create();
    let lines = shell_block_after(&doc("README.md"), "One meeting cycle");
    let mut ran = 0;
    for line in &lines {
        if line.starts_with('#') {
            continue;
        }
        run_as_documented(line, &site.root());
        ran += 1;
    }
    assert_eq!(ran, 3, "{lines:?}");
    let data = site.data_json();
    assert_eq!(data["site"]["as_of"], "2018-11-19");
    assert_eq!(data["totals"]["occurrences"], 53);
    let gocd = data["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["slug"] == "altering-gocd-pipelines")
        .unwrap()
        .clone();
    assert_eq!(gocd["anecdotes"][1]["team"], "Payments");
    for category in data["categories"].as_array().unwrap() {
        assert_eq!(category["votes"], 0, "{category}");
        assert_eq!(category["review"]["date"], "2018-11-19", "{category}");
        assert_eq!(
            category["review"]["recorded"], category["incidents"],
            "{category}"
        );
    }
}

// Regression test: the README listed four completion shells; the binary
// offers five.
#[test]
fn the_readme_lists_every_completion_shell_the_binary_offers() {
    let help = Workspace::new()
        .run(&["completions", "--help"])
        .assert_code(0)
        .stdout;
    let offered: Vec<String> = help
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("no possible values")
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    assert_eq!(offered.len(), 5, "{offered:?}");
    let readme = doc("README.md");
    let line = readme
        .lines()
        .find(|l| l.trim_start().starts_with("completions "))
        .expect("no `completions` line in the README's command list");
    let mut listed: Vec<String> = line
        .trim()
        .trim_start_matches("completions ")
        .split('|')
        .map(|s| s.trim().to_owned())
        .collect();
    listed.sort();
    let mut offered = offered;
    offered.sort();
    assert_eq!(listed, offered);
}

// Regression test: ci.md said to "replace the last three steps" of the
// Pages job, which left actions/configure-pages and an environment.url
// naming a removed step, and its `aws s3 sync` uploaded the
// .frictionlog-output marker that publishing.md keeps private;
// publishing.md said build renders the whole site in memory (it writes
// each page as it is rendered) and announced two consequences before
// three.
#[test]
fn the_publishing_docs_agree_with_the_tool_and_each_other() {
    let ci = doc("docs/ci.md");
    assert!(
        !ci.contains("replace the last"),
        "ci.md edits a job by step count"
    );
    // Every step a workflow refers to exists in the same code block.
    for block in ci.split("```yaml").skip(1) {
        let block = block.split("```").next().unwrap_or("");
        for reference in block.split("steps.").skip(1) {
            let id = reference.split('.').next().unwrap_or("");
            assert!(
                block.contains(&format!("id: {id}\n")),
                "ci.md refers to step \"{id}\", which its block does not define:\n{block}"
            );
        }
    }
    for (name, text) in [
        ("docs/ci.md", &ci),
        ("docs/publishing.md", &doc("docs/publishing.md")),
    ] {
        for line in text.lines().filter(|l| l.contains("aws s3 sync output/ ")) {
            assert!(
                line.contains("--exclude \".frictionlog-output\""),
                "{name} uploads the output marker: {line}"
            );
        }
    }
    let publishing = doc("docs/publishing.md");
    assert!(!publishing.contains("renders the whole site in memory"));
    let after = publishing
        .split("consequences:\n")
        .nth(1)
        .expect("no list of consequences");
    let bullets = after
        .split("\n## ")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| l.starts_with("- "))
        .count();
    let announced = publishing
        .split(" consequences:")
        .next()
        .and_then(|before| before.split_whitespace().last())
        .unwrap_or("");
    let words = ["", "One", "Two", "Three", "Four", "Five"];
    assert_eq!(
        words.get(bullets).copied(),
        Some(announced),
        "{bullets} bullets"
    );
}
