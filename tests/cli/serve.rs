//! `frictionlog serve` driven as a user would: start it on a free port on a
//! copy of a small site, edit files the way editors do, and watch what is
//! served. Requests are written by hand over TCP so that paths like `/../`
//! reach the server exactly as sent.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::serve::{Serve, save_like_an_editor};
use crate::support::{Site, SiteBuilder, build_site};

/// A running serve over a small site in a temporary folder (the site is
/// dropped after the server, which is killed first).
struct Server {
    serve: Serve,
    root: PathBuf,
    site: Site,
}

impl std::ops::Deref for Server {
    type Target = Serve;
    fn deref(&self) -> &Serve {
        &self.serve
    }
}

fn incident(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ncategory: monolith\nanecdotes:\n  - team: Web\n    date: 2018-01\n---\nBody of {title}.\n"
    )
}

fn start() -> Server {
    start_with(&[])
}

/// [`start`] with more of serve's flags.
fn start_with(flags: &[&str]) -> Server {
    let site = SiteBuilder::empty()
        .file("content/site.yaml", "title: Preview test\n")
        .file(
            "content/categories/monolith.md",
            "---\ntitle: Monolith\n---\n",
        )
        .file("content/incidents/settings.md", incident("Old title"))
        .create();
    Server {
        serve: Serve::start_with(&site.root(), flags),
        root: site.root(),
        site,
    }
}

/// Connects to serve at `addr` and sends `head`, a request's head.
fn send(addr: &str, head: &str) -> TcpStream {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

/// Sends a raw request; returns (status, headers, body).
fn request(addr: &str, method: &str, path: &str) -> (u16, String, String) {
    let mut stream = send(
        addr,
        &format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_owned(), body.to_owned())
}

fn get(server: &Server, path: &str) -> (u16, String) {
    let (status, _, body) = request(&server.addr, "GET", path);
    (status, body)
}

/// Polls until `check` holds, for at most 3 seconds.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("not seen within 3 s: {what}");
}

#[test]
fn serves_the_site_from_memory_with_live_reload() {
    let server = start();
    let (status, head, body) = request(&server.addr, "GET", "/");
    assert_eq!(status, 200);
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(
        body.contains("/__frictionlog/events"),
        "live-reload script missing"
    );
    let (status, head, _) = request(&server.addr, "GET", "/data.json");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("application/json"));
    let (status, _, body) = request(&server.addr, "HEAD", "/data.json");
    assert_eq!(status, 200);
    assert!(body.is_empty());
    assert!(!server.root.join("output").exists(), "serve wrote output/");
}

#[test]
fn an_atomic_save_is_served_within_three_seconds() {
    let server = start();
    assert!(get(&server, "/data.json").1.contains("Old title"));
    // What vim does: write a new file, then rename it over the old one.
    server
        .site
        .write("content/incidents/.settings.md.swp", "swap");
    server.site.write("content/incidents/4913", "");
    fs::remove_file(server.root.join("content/incidents/4913")).unwrap();
    server
        .site
        .write("content/incidents/settings.md~", incident("New title"));
    fs::rename(
        server.root.join("content/incidents/settings.md~"),
        server.root.join("content/incidents/settings.md"),
    )
    .unwrap();
    eventually("the new title", || {
        get(&server, "/data.json").1.contains("New title")
    });
    assert!(!get(&server, "/data.json").1.contains("Old title"));
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_with_an_overlay_until_fixed() {
    let server = start();
    server.site.write(
        "content/incidents/settings.md",
        "---\ntitle: [unclosed\ncategory: monolith\n---\n",
    );
    eventually("the error overlay", || {
        get(&server, "/").1.contains("frictionlog-errors")
    });
    let (status, page) = get(&server, "/");
    assert_eq!(status, 200);
    assert!(page.contains("yaml-syntax"), "overlay lacks the code");
    assert!(
        page.contains("content/incidents/settings.md:3:9"),
        "overlay lacks file:line:column"
    );
    assert!(
        get(&server, "/data.json").1.contains("Old title"),
        "last good site not kept"
    );
    eventually("the count of errors in the terminal", || {
        server
            .log()
            .contains("kept the last good site (1 error) in ")
    });
    assert!(!server.log().contains("(1 errors)"), "{}", server.log());
    server
        .site
        .write("content/incidents/settings.md", incident("Fixed title"));
    eventually("the fix", || {
        let page = get(&server, "/").1;
        !page.contains("frictionlog-errors") && get(&server, "/data.json").1.contains("Fixed title")
    });
}

#[test]
fn new_files_appear_and_deleted_ones_disappear() {
    let server = start();
    assert_eq!(get(&server, "/incidents/settings/").0, 200);
    server
        .site
        .write("content/incidents/deep/new/fresh.md", incident("Fresh one"));
    eventually("the new incident", || {
        get(&server, "/data.json").1.contains("Fresh one")
    });
    fs::remove_file(server.root.join("content/incidents/settings.md")).unwrap();
    eventually("the deleted incident gone", || {
        !get(&server, "/data.json").1.contains("Old title")
    });
    let (status, _) = get(&server, "/incidents/settings/");
    assert_eq!(status, 404);
}

#[test]
fn requests_never_leave_the_site() {
    let server = start();
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5c..%5cetc%5cpasswd",
        "/..\\..\\etc\\passwd",
        "//etc/passwd",
        "/etc/passwd",
        "/content/site.yaml",
        "/.frictionlog-output",
    ] {
        let (status, _, body) = request(&server.addr, "GET", path);
        assert!(status == 400 || status == 404, "{path} gave {status}");
        assert!(!body.contains("root:x:0:0"), "{path} leaked /etc/passwd");
        assert!(
            !body.contains("title: Preview test"),
            "{path} leaked site.yaml"
        );
    }
    let (status, _, _) = request(&server.addr, "POST", "/");
    assert_eq!(status, 405);
}

/// A served page without what serve injects (the live-reload script).
fn without_injection(body: &str) -> String {
    let marker = "<script>\n(function () {\n  if (!window.EventSource) return;";
    match body.find(marker) {
        Some(start) => {
            let end = body[start..]
                .find("</script>\n")
                .map_or(body.len(), |i| start + i + "</script>\n".len());
            format!("{}{}", &body[..start], &body[end..])
        }
        None => body.to_owned(),
    }
}

/// Every file a full `build` of the server's site makes, by URL path.
fn full_build(server: &Server) -> Vec<(String, String)> {
    let out = tempfile::tempdir().unwrap();
    let built = build_site(
        &server.root,
        &out.path().join("site"),
        &["-q", "--base-url", "/"],
    );
    let mut files = Vec::new();
    for (rel, bytes) in built.files() {
        if rel.starts_with('.') || rel.starts_with("static/") {
            continue;
        }
        let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(rel));
        files.push((url, String::from_utf8(bytes.to_vec()).unwrap()));
    }
    files.sort();
    files
}

/// Polls (for at most 5 s) until serve answers every URL of a full build
/// with the same bytes; returns the differences seen last otherwise.
fn serves_a_full_build(server: &Server) -> Result<(), Vec<String>> {
    let expected = full_build(server);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut differences = Vec::new();
        for (url, want) in &expected {
            let (status, body) = get(server, url);
            if status != 200 || without_injection(&body) != *want {
                differences.push(format!("{url} ({status})"));
            }
        }
        if differences.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(differences);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn incident_by(title: &str, category: &str, teams: &[&str]) -> String {
    let mut text = format!("---\ntitle: \"{title}\"\ncategory: {category}\nanecdotes:\n");
    for (i, team) in teams.iter().enumerate() {
        text.push_str(&format!("  - team: {team}\n    date: 2018-0{}\n", i + 1));
    }
    text.push_str(&format!("---\nBody of {title}.\n"));
    text
}

/// Saves like an editor: a temporary file renamed over the old one, in a
/// folder that may not exist yet.
fn save(root: &Path, rel: &str, text: &str) {
    fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
    save_like_an_editor(root, rel, text);
}

#[test]
fn incremental_rebuilds_serve_exactly_what_a_full_build_makes() {
    let server = start();
    let root = server.root.clone();
    server.site.write(
        "content/categories/frontend.md",
        "---\ntitle: Frontend\n---\n",
    );
    server.site.write(
        "content/reviews/2018-10-15.md",
        "---\ndate: 2018-10-15\ncategories:\n  monolith: {votes: 1}\n---\n",
    );
    save(
        &root,
        "content/incidents/flaky.md",
        &incident_by("Flaky tests", "frontend", &["Mobile", "Web"]),
    );
    serves_a_full_build(&server).expect("the first edits");

    // (what, file, new text or deleted, whether only part of the site is
    // rendered again). Edits that change a number some page shows (a
    // category's row, a team's counts, the totals) render everything:
    // every template can show the whole tally table.
    let edits: [(&str, &str, Option<String>, bool); 9] = [
        (
            "a title changes",
            "content/incidents/settings.md",
            Some(incident_by("New title", "monolith", &["Web"])),
            true,
        ),
        (
            // The review does not discuss frontend, but lists the incident
            // among those reported by its day.
            "the title of an incident a review lists as reported",
            "content/incidents/flaky.md",
            Some(incident_by("Flaky suites", "frontend", &["Mobile", "Web"])),
            true,
        ),
        (
            // The words search-index.json holds for it change.
            "an anecdote's text changes",
            "content/incidents/flaky.md",
            Some(
                incident_by("Flaky suites", "frontend", &["Mobile", "Web"]).replace(
                    "date: 2018-01\n",
                    "date: 2018-01\n    text: The quorum was lost\n",
                ),
            ),
            true,
        ),
        (
            "a body changes",
            "content/incidents/settings.md",
            Some(incident_by("New title", "monolith", &["Web"]).replace("Body", "New body")),
            true,
        ),
        (
            "an incident moves to another category",
            "content/incidents/settings.md",
            Some(incident_by("New title", "frontend", &["Web"])),
            false,
        ),
        (
            "a new team reports",
            "content/incidents/flaky.md",
            Some(incident_by(
                "Flaky tests",
                "frontend",
                &["Mobile", "Web", "Data"],
            )),
            false,
        ),
        (
            "the only report of a team goes",
            "content/incidents/flaky.md",
            Some(incident_by("Flaky tests", "frontend", &["Web"])),
            false,
        ),
        (
            "a new incident appears",
            "content/incidents/new-one.md",
            Some(incident_by("New one", "monolith", &["Platform"])),
            false,
        ),
        (
            "an incident is deleted",
            "content/incidents/flaky.md",
            None,
            false,
        ),
    ];
    let rebuild_lines = |log: &str| -> Vec<String> {
        log.lines()
            .filter(|l| l.contains(" changed: "))
            .map(str::to_owned)
            .collect()
    };
    for (what, rel, text, incremental) in edits {
        let before = rebuild_lines(&server.log()).len();
        match &text {
            Some(text) => save(&root, rel, text),
            None => fs::remove_file(root.join(rel)).unwrap(),
        }
        if let Err(differences) = serves_a_full_build(&server) {
            panic!("after \"{what}\", serve differs from a full build on: {differences:?}");
        }
        // The rebuilds since this edit (an editor's save may come as two
        // events, the second of which changes nothing) rendered only the
        // pages the edit touches, or everything.
        let deadline = Instant::now() + Duration::from_secs(5);
        let lines = loop {
            let lines: Vec<String> = rebuild_lines(&server.log()).split_off(before);
            if !lines.is_empty() || Instant::now() > deadline {
                break lines;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let expected = if incremental {
            lines.iter().all(|l| l.contains("re-rendered")) && !lines.is_empty()
        } else {
            lines.iter().any(|l| l.contains("rebuilt the site"))
        };
        let kind = if incremental {
            "re-rendered only"
        } else {
            "rebuilt the site"
        };
        assert!(
            expected,
            "after \"{what}\", the rebuilds should say {kind:?}: {lines:?}"
        );
    }
    assert_eq!(get(&server, "/incidents/flaky/").0, 404);
    assert_eq!(get(&server, "/teams/mobile/").0, 404);
}

/// The headers of a response, lower-cased, without the ones that change
/// from one response to the next (`date`).
fn stable_headers(head: &str) -> Vec<String> {
    let mut headers: Vec<String> = head
        .lines()
        .skip(1)
        .map(str::to_ascii_lowercase)
        .filter(|line| !line.starts_with("date:") && !line.trim().is_empty())
        .collect();
    headers.sort();
    headers
}

#[test]
fn head_sends_the_headers_of_get_without_the_body() {
    let server = start();
    for path in ["/", "/data.json", "/no-such-page/", "/incidents/settings"] {
        let (get_status, get_head, get_body) = request(&server.addr, "GET", path);
        let (head_status, head_head, head_body) = request(&server.addr, "HEAD", path);
        assert_eq!(head_status, get_status, "{path}");
        assert_eq!(
            stable_headers(&head_head),
            stable_headers(&get_head),
            "{path}"
        );
        assert!(head_body.is_empty(), "{path}: HEAD sent a body");
        let length = format!("content-length: {}", get_body.len());
        assert!(
            stable_headers(&get_head).contains(&length),
            "{path}: {get_head}"
        );
    }
}

/// Opens the live-reload stream as a preview tab does, and waits until the
/// server has answered with the stream's headers.
fn open_event_stream(addr: &str) -> TcpStream {
    let mut stream = send(
        addr,
        &format!(
            "GET /__frictionlog/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        ),
    );
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "the stream closed");
        head.extend_from_slice(&byte);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    assert!(head.contains("text/event-stream"), "{head}");
    stream
}

/// Reads the next event of a live-reload stream: (event name, data).
fn next_event(stream: &mut TcpStream) -> (String, String) {
    let mut reader = BufReader::new(stream);
    let (mut name, mut data) = (String::new(), String::new());
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the stream closed"
        );
        let line = line.trim_end();
        if let Some(value) = line.strip_prefix("event:") {
            name = value.trim().to_owned();
        } else if let Some(value) = line.strip_prefix("data:") {
            data = value.trim().to_owned();
        } else if line.is_empty() && !name.is_empty() {
            return (name, data);
        }
    }
}

#[test]
fn an_edited_incident_s_page_is_published_and_reloaded_before_the_rest() {
    let server = start();
    let mut tab = open_event_stream(&server.addr);
    save_like_an_editor(
        &server.root,
        "content/incidents/settings.md",
        &incident("New title"),
    );
    // First the tabs on the incident's page, which is served already.
    assert_eq!(
        next_event(&mut tab),
        ("reload-only".to_owned(), "/incidents/settings/".to_owned()),
        "{}",
        server.log()
    );
    let (status, page) = get(&server, "/incidents/settings/");
    assert_eq!(status, 200);
    assert!(page.contains("New title"), "not published first");
    // Then every other tab, once the whole site is rebuilt.
    assert_eq!(
        next_event(&mut tab),
        (
            "reload-all-but".to_owned(),
            "/incidents/settings/".to_owned()
        ),
        "{}",
        server.log()
    );
    let (_, index) = get(&server, "/");
    assert!(index.contains("New title"), "the index is not rebuilt");

    // An edit that is not an incident's reloads every tab at once.
    save_like_an_editor(
        &server.root,
        "content/categories/monolith.md",
        "---\ntitle: The monolith\n---\n",
    );
    // (An editor's save may arrive as two events: a second rebuild of
    // the incident, with nothing changed, may come first.)
    let names: Vec<String> = (0..3)
        .map(|_| next_event(&mut tab).0)
        .take_while(|name| name != "reload")
        .collect();
    assert!(
        names.len() < 3,
        "no plain reload: {names:?}\n{}",
        server.log()
    );
}

#[test]
fn serve_v_says_when_the_edited_page_was_served() {
    let server = start_with(&["-v"]);
    save_like_an_editor(
        &server.root,
        "content/incidents/settings.md",
        &incident("Verbose title"),
    );
    let mut line = String::new();
    eventually("serve -v's rebuild line", || {
        line = server
            .log()
            .lines()
            .find(|l| l.contains("settings.md changed"))
            .unwrap_or_default()
            .to_owned();
        !line.is_empty()
    });
    let after = line
        .split("its page served after ")
        .nth(1)
        .and_then(|rest| rest.split(" ms; parse ").next())
        .and_then(|ms| ms.parse::<u64>().ok());
    let total = line
        .split(" in ")
        .nth(1)
        .and_then(|rest| rest.split(" ms").next())
        .and_then(|ms| ms.parse::<u64>().ok());
    assert!(
        matches!((after, total), (Some(after), Some(total)) if after <= total),
        "{line}"
    );
}

/// How long serve may take to stop after Ctrl-C (SIGINT) or SIGTERM.
const STOPS_WITHIN: Duration = Duration::from_secs(1);

#[test]
fn ctrl_c_and_sigterm_stop_serve_while_a_tab_listens_for_reloads() {
    for (name, signal) in [("SIGINT", libc::SIGINT), ("SIGTERM", libc::SIGTERM)] {
        let mut server = start();
        let _tabs = [
            open_event_stream(&server.addr),
            open_event_stream(&server.addr),
        ];
        server.serve.signal(signal);
        let status = server.serve.wait_for_exit(STOPS_WITHIN);
        let Some(status) = status else {
            panic!(
                "serve still runs {STOPS_WITHIN:?} after {name} with tabs open; stderr:\n{}",
                server.log()
            );
        };
        assert!(
            status.success(),
            "{name}: {status}; stderr:\n{}",
            server.log()
        );
    }
}

#[test]
fn a_second_ctrl_c_stops_serve_even_with_a_request_left_half_sent() {
    let mut server = start();
    let _tab = open_event_stream(&server.addr);
    // A client that sends half a request and waits holds a graceful
    // shutdown open: the second Ctrl-C does not wait for it.
    let mut stuck = TcpStream::connect(&server.addr).unwrap();
    write!(stuck, "GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    server.serve.signal(libc::SIGINT);
    // Two presses, not one signal the kernel could merge with the first.
    std::thread::sleep(Duration::from_millis(50));
    server.serve.signal(libc::SIGINT);
    let status = server.serve.wait_for_exit(STOPS_WITHIN);
    assert!(
        status.is_some_and(|s| s.success()),
        "{status:?}; stderr:\n{}",
        server.log()
    );
}

// serve that keeps running is the bug: the run fails the test after 20 s.
#[test]
fn serve_in_a_folder_without_content_exits_1_like_build() {
    let site = SiteBuilder::empty().create();
    let root = site.root();
    let expected = format!(
        "no content/ folder in \"{}\": run frictionlog in a site's root folder or pass --root",
        root.display()
    );
    let build = site.run(&["build"]);
    assert_eq!(build.code, 1, "build: {}", build.stderr);
    assert!(build.stderr.contains(&expected), "build: {}", build.stderr);
    let serve = site.run(&["serve", "--port", "0"]);
    assert_eq!(serve.code, 1, "serve did not exit 1: {}", serve.stderr);
    assert!(serve.stderr.contains(&expected), "serve: {}", serve.stderr);
    assert!(!root.join("output").exists());
}

#[test]
fn a_themes_folder_made_while_serving_is_watched() {
    let server = start();
    assert!(!server.root.join("themes").exists());
    assert_eq!(get(&server, "/static/extra.css").0, 404);
    // A themes/default/ folder layers its files over the built-in theme.
    server
        .site
        .write("themes/default/static/extra.css", "p { color: red }\n");
    eventually("the new theme's stylesheet", || {
        get(&server, "/static/extra.css") == (200, "p { color: red }\n".to_owned())
    });
    // Edits in it, in folders old and new, are seen too.
    save_like_an_editor(
        &server.root,
        "themes/default/static/extra.css",
        "p { color: blue }\n",
    );
    eventually("the edited stylesheet", || {
        get(&server, "/static/extra.css").1 == "p { color: blue }\n"
    });
    server.site.write(
        "themes/default/templates/404.html",
        "<html><body>Lost in the new theme</body></html>",
    );
    eventually("the new template", || {
        get(&server, "/no-such-page/")
            .1
            .contains("Lost in the new theme")
    });
    // Deleted and made again, it is followed again.
    fs::remove_dir_all(server.root.join("themes")).unwrap();
    eventually("the theme gone", || {
        get(&server, "/static/extra.css").0 == 404
    });
    server
        .site
        .write("themes/default/static/extra.css", "p { color: green }\n");
    eventually("the theme back", || {
        get(&server, "/static/extra.css").1 == "p { color: green }\n"
    });
    save_like_an_editor(
        &server.root,
        "themes/default/static/extra.css",
        "p { color: black }\n",
    );
    eventually("an edit in the theme made again", || {
        get(&server, "/static/extra.css").1 == "p { color: black }\n"
    });
}

#[test]
fn serve_prints_diagnostic_paths_from_the_current_directory() {
    let site = SiteBuilder::empty()
        .file("content/site.yaml", "title: Paths\n")
        .file(
            "content/incidents/bad.md",
            "---\ntitle: Bad\ncategory: nowhere\n---\n",
        )
        .create();
    let mut child = site
        .command_in(
            &site.outer(),
            &[
                "serve",
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--root",
                "site",
            ],
        )
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    let found = loop {
        match received.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains("content/incidents/bad.md") => break Some(line),
            Ok(line) => seen.push(line),
            Err(_) if Instant::now() > deadline => break None,
            Err(_) => {}
        }
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let line = found.unwrap_or_else(|| panic!("no diagnostic about bad.md: {seen:?}"));
    assert!(
        line.contains(" site/content/incidents/bad.md:3:"),
        "the path does not read from the current directory: {line:?}"
    );
}
