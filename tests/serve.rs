//! `frictionlog serve` driven as a user would: start it on a free port on a
//! copy of a small site, edit files the way editors do, and watch what is
//! served. Requests are written by hand over TCP so that paths like `/../`
//! reach the server exactly as sent.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
    _site: tempfile::TempDir,
    root: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn incident(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ncategory: monolith\nanecdotes:\n  - team: Web\n    date: 2018-01\n---\nBody of {title}.\n"
    )
}

fn start() -> Server {
    let site = tempfile::tempdir().unwrap();
    let root = site.path().canonicalize().unwrap();
    write(&root, "content/site.yaml", "title: Preview test\n");
    write(
        &root,
        "content/categories/monolith.md",
        "---\ntitle: Monolith\n---\n",
    );
    write(
        &root,
        "content/incidents/settings.md",
        &incident("Old title"),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_frictionlog"))
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("Serving http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    Server {
        child,
        addr,
        _site: site,
        root,
    }
}

/// Sends a raw request; returns (status, headers, body).
fn request(addr: &str, method: &str, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
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
    write(&server.root, "content/incidents/.settings.md.swp", "swap");
    write(&server.root, "content/incidents/4913", "");
    fs::remove_file(server.root.join("content/incidents/4913")).unwrap();
    write(
        &server.root,
        "content/incidents/settings.md~",
        &incident("New title"),
    );
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
    write(
        &server.root,
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
    write(
        &server.root,
        "content/incidents/settings.md",
        &incident("Fixed title"),
    );
    eventually("the fix", || {
        let page = get(&server, "/").1;
        !page.contains("frictionlog-errors") && get(&server, "/data.json").1.contains("Fixed title")
    });
}

#[test]
fn new_files_appear_and_deleted_ones_disappear() {
    let server = start();
    assert_eq!(get(&server, "/incidents/settings/").0, 200);
    write(
        &server.root,
        "content/incidents/deep/new/fresh.md",
        &incident("Fresh one"),
    );
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
