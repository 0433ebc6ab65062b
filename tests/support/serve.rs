//! Running the real `frictionlog serve` from a test: on a free loopback port,
//! over a site in a temporary folder, killed when the test ends, with its
//! stderr kept for failure messages. Edits are saved the way editors save
//! (write a temporary file, rename it over the old one), so the watcher sees
//! what it sees in real use.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long the first build may take before `Serving` is printed (a debug
/// binary on a busy machine).
const READY_WITHIN: Duration = Duration::from_secs(120);

/// A running `frictionlog serve --port 0 --root <site>`.
pub struct Serve {
    child: Child,
    /// `127.0.0.1:PORT`, from the `Serving` line.
    pub addr: String,
    /// The site's root (canonical).
    pub root: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Serve {
    /// Starts serve on the site at `root`, from there, and waits for its
    /// `Serving http://ADDR:PORT/` line. Declare the site's folder before
    /// the server, so that the server is dropped (killed) first.
    pub fn start(root: &Path) -> Serve {
        Serve::start_with(root, &[])
    }

    /// [`Serve::start`] with more of serve's flags (`-v`).
    pub fn start_with(root: &Path, flags: &[&str]) -> Serve {
        let root = root.canonicalize().unwrap();
        let mut child = super::frictionlog(
            &root,
            &["serve", "--bind", "127.0.0.1", "--port", "0", "--root"],
        )
        .arg(&root)
        .args(flags)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let stderr_log = Arc::clone(&log);
        let stderr_reader = thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                stderr_log.lock().unwrap().push(line);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (first_line, ready) = mpsc::channel();
        let stdout_reader = thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
            if let Some(line) = lines.next() {
                let _ = first_line.send(line);
            }
            // Keep the pipe open and drained until the server exits.
            lines.for_each(drop);
        });
        let mut serve = Serve {
            child,
            addr: String::new(),
            root,
            log,
            readers: vec![stderr_reader, stdout_reader],
        };
        let line = ready.recv_timeout(READY_WITHIN).unwrap_or_else(|_| {
            panic!(
                "serve printed no `Serving` line within {READY_WITHIN:?}; stderr:\n{}",
                serve.log()
            )
        });
        serve.addr = line
            .trim()
            .strip_prefix("Serving http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        assert!(
            serve.addr.starts_with("127.0.0.1:"),
            "not on loopback: {line}"
        );
        serve
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends the Unix signal `signal` (`libc::SIGINT`, ...) to the server.
    pub fn signal(&self, signal: i32) {
        let pid = i32::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) takes plain integers; the pid is our own child's,
        // not yet waited for, so it cannot name another process.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill({pid}, {signal}) failed");
    }

    /// Waits up to `limit` for the server to exit by itself: its exit
    /// status, or `None` while it still runs.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Everything the server wrote to stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The pipes are closed now, so the readers end.
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }
}

/// Saves `text` over `root/rel` as an editor does: a temporary file beside it
/// (a name the watcher ignores), renamed over the old one.
pub fn save_like_an_editor(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    let temporary = path.with_extension("md.tmp");
    fs::write(&temporary, text).unwrap();
    fs::rename(&temporary, &path).unwrap();
}
