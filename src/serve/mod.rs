//! `frictionlog serve`: the live preview kept open while writing.
//!
//! The site is built in memory and served from there (output/ is never
//! touched). A watcher on content/ and themes/ triggers rebuilds: an edit
//! to incident files re-reads only those and re-renders only the pages
//! that show them (see [`crate::session`]); open tabs
//! are told to reload over Server-Sent Events. A broken edit keeps the last
//! good site served with an overlay listing the diagnostics, until a fix
//! removes it. This is the only async part of frictionlog: the build itself
//! stays synchronous and runs on a blocking thread.
//!
//! Ctrl-C or SIGTERM ends the live-reload streams (an open tab would
//! otherwise hold the server until it closed) and gives other requests
//! half a second to finish; a second Ctrl-C stops without waiting.

mod http;
mod livereload;
mod watch;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::sync::broadcast;

use crate::diagnostic::{Diagnostic, plural, render_human};
use crate::model::BaseUrl;
use crate::render::{MemorySink, Sink, page_paths};
use crate::routes::Route;
use crate::session::Session;
use crate::{BuildOptions, BuildOutcome};

pub use http::resolve_request_path;

/// What `serve` was asked to do.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks any free port.
    pub port: u16,
    pub drafts: bool,
    pub open: bool,
    pub color: bool,
    pub quiet: bool,
    /// Print how long each stage of every rebuild took.
    pub verbose: bool,
    /// Put before the paths of diagnostics printed in the terminal, so
    /// they read from the current directory (`site/` for `--root site`).
    pub path_prefix: String,
}

/// Why the server could not run.
#[derive(Debug)]
pub enum ServeError {
    Bind {
        addr: SocketAddr,
        source: io::Error,
    },
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    /// The root holds no content/: there is no site to serve.
    NoContent {
        root: PathBuf,
    },
    Runtime(io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind { addr, source } => write!(
                f,
                "cannot listen on {addr}: {source} (pick another port with --port, or --port 0 for any free one)"
            ),
            ServeError::Watch { path, source } => {
                write!(
                    f,
                    "cannot watch \"{}\" for changes: {source}",
                    path.display()
                )
            }
            // The words of build's and check's error for the same mistake.
            ServeError::NoContent { root } => write!(
                f,
                "no content/ folder in \"{}\": run frictionlog in a site's root folder or pass --root",
                root.display()
            ),
            ServeError::Runtime(source) => write!(f, "cannot start the server: {source}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// What tabs are told when the site changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReloadKind {
    /// Reload the page.
    Page,
    /// Only stylesheets changed: swap them without a reload.
    Css,
    /// Only tabs on these pages (URL paths, `/incidents/a/`) reload: the
    /// pages of the edited incidents, published before the rest.
    Only(Arc<[String]>),
    /// Every tab but those on these pages reloads: the rest of the site,
    /// after [`ReloadKind::Only`] reloaded those.
    AllBut(Arc<[String]>),
}

/// The site as currently served.
#[derive(Clone, Debug, Default)]
pub struct ServedSite {
    /// Output path -> bytes, from the last good build (shared, so an
    /// incremental rebuild copies only the map).
    pub files: BTreeMap<String, Bytes>,
    /// The errors of the last build when it failed; empty when it succeeded.
    pub diagnostics: Vec<Diagnostic>,
}

/// State shared by the HTTP handlers and the rebuild loop.
pub struct Shared {
    pub site: RwLock<Arc<ServedSite>>,
    pub events: broadcast::Sender<ReloadKind>,
    /// Turns true when serve is told to stop: the live-reload streams end
    /// then, since an open stream would otherwise keep serve waiting for
    /// the tab to go away.
    pub stopping: tokio::sync::watch::Sender<bool>,
}

impl Shared {
    fn current(&self) -> Arc<ServedSite> {
        match self.site.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn replace(&self, site: ServedSite) {
        let site = Arc::new(site);
        match self.site.write() {
            Ok(mut guard) => *guard = site,
            Err(poisoned) => *poisoned.into_inner() = site,
        }
    }
}

fn build_options(options: &ServeOptions) -> BuildOptions {
    BuildOptions {
        root: options.root.clone(),
        drafts: options.drafts,
        // Served at the root of the local address, whatever site.yaml says.
        base_url: BaseUrl::parse("/"),
    }
}

/// Prints the diagnostics of a build as serve's options ask.
fn print_diagnostics(options: &ServeOptions, outcome: &BuildOutcome) {
    let has_errors = outcome.error_count() > 0;
    if options.quiet && !has_errors {
        return;
    }
    let mut stderr = io::stderr().lock();
    let shown = crate::diagnostic::with_path_prefix(&outcome.diagnostics, &options.path_prefix);
    for diagnostic in shown.iter() {
        if options.quiet && !diagnostic.is_error() {
            continue;
        }
        let _ = writeln!(stderr, "{}\n", render_human(diagnostic, options.color));
    }
}

/// What one rebuild did, for its line in the terminal.
struct Rebuilt {
    ok: bool,
    errors: usize,
    /// Pages rendered, when only part of the site was.
    partial: Option<usize>,
    /// "parse 0.1 ms, validate 9.8 ms, ...", for -v.
    phases: String,
    /// URL paths of the pages published before the rest (and reloaded).
    published: Vec<String>,
    /// How long after the rebuild started the first of them was served.
    served_after: Option<Duration>,
}

/// Renders what changed with `session` and publishes the result: over the
/// served files (an incremental render) or in their place (everything).
/// A failed build keeps the served files and shows its errors.
fn render_and_publish(
    session: &mut Session,
    shared: &Shared,
    options: &ServeOptions,
    first: Vec<Route<'_>>,
    started: Instant,
) -> Rebuilt {
    let previous = shared.current();
    // Over a broken site the page would show the old errors' overlay.
    let (first, urls): (Vec<String>, Vec<String>) = match build_options(options).base_url {
        Some(base) if previous.diagnostics.is_empty() => first
            .iter()
            .map(|route| (route.output_path(), route.link(&base)))
            .unzip(),
        _ => (Vec::new(), Vec::new()),
    };
    let sink = EarlySink {
        files: MemorySink::default(),
        first,
        urls,
        shared,
        published: Mutex::new(Vec::new()),
        started,
        served_after: Mutex::new(None),
    };
    let outcome = session.render(&sink);
    print_diagnostics(options, &outcome);
    let mut phases: Vec<String> = outcome
        .phases
        .iter()
        .map(|p| format!("{} {:.1} ms", p.name, p.duration.as_secs_f64() * 1000.0))
        .collect();
    let publish_start = Instant::now();
    let errors: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let published = sink.take_published();
    let served_after = *sink.served_after.lock().unwrap_or_else(|p| p.into_inner());
    let Some(built) = outcome.built.filter(|_| errors.is_empty()) else {
        let count = errors.len();
        shared.replace(ServedSite {
            files: previous.files.clone(),
            diagnostics: errors,
        });
        return Rebuilt {
            ok: false,
            errors: count,
            partial: None,
            phases: phases.join(", "),
            published: Vec::new(),
            served_after: None,
        };
    };
    let rendered = sink.files.into_site().files;
    let everything = built.selection.everything;
    let partial = (!everything).then_some(rendered.len());
    let mut files = if everything {
        BTreeMap::new()
    } else {
        // Pages of incidents, categories or teams that are gone must 404.
        let pages: BTreeSet<String> = page_paths(&built.site, &built.tally).into_iter().collect();
        let mut files = previous.files.clone();
        files.retain(|path, _| !path.ends_with("index.html") || pages.contains(path));
        files
    };
    for (path, bytes) in rendered {
        files.insert(path, Bytes::from(bytes));
    }
    shared.replace(ServedSite {
        files,
        diagnostics: Vec::new(),
    });
    phases.push(format!(
        "publish {:.1} ms",
        publish_start.elapsed().as_secs_f64() * 1000.0
    ));
    Rebuilt {
        ok: true,
        errors: 0,
        partial,
        phases: phases.join(", "),
        published,
        served_after,
    }
}

/// serve's sink: keeps every rendered file for [`render_and_publish`],
/// and publishes the pages `first` names the moment each is rendered
/// (the render takes them before the others), telling the tabs on them
/// to reload. A writer sees the incident they saved while the index,
/// team pages and data.json are still being made.
struct EarlySink<'a> {
    files: MemorySink,
    /// Output paths (`incidents/a/index.html`).
    first: Vec<String>,
    /// Where tabs show them (`/incidents/a/`), side by side with `first`.
    urls: Vec<String>,
    shared: &'a Shared,
    /// URL paths of the pages published early.
    published: Mutex<Vec<String>>,
    /// When the rebuild started, and how long after it the first page was
    /// published, for `-v`.
    started: Instant,
    served_after: Mutex<Option<Duration>>,
}

impl EarlySink<'_> {
    fn take_published(&self) -> Vec<String> {
        std::mem::take(&mut *self.published.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Sink for EarlySink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) {
        if let Some(at) = self.first.iter().position(|first| first == path) {
            let current = self.shared.current();
            let mut files = current.files.clone();
            files.insert(path.to_owned(), Bytes::from(bytes.clone()));
            self.shared.replace(ServedSite {
                files,
                diagnostics: Vec::new(),
            });
            let url = self.urls.get(at).cloned().unwrap_or_default();
            let _ = self
                .shared
                .events
                .send(ReloadKind::Only(Arc::from([url.clone()])));
            self.published
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(url);
            self.served_after
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert_with(|| self.started.elapsed());
        }
        self.files.put(path, bytes);
    }

    fn first_pages(&self) -> &[String] {
        &self.first
    }
}

/// The start of a rebuild's line: what changed and what serve did.
fn describe_rebuild(what: &str, rebuilt: &Rebuilt) -> String {
    match rebuilt {
        Rebuilt {
            ok: false, errors, ..
        } => format!(
            "{what}: kept the last good site ({})",
            plural(*errors, "error", "errors")
        ),
        Rebuilt {
            partial: Some(files),
            ..
        } => format!("{what}: re-rendered {}", plural(*files, "file", "files")),
        Rebuilt { partial: None, .. } => format!("{what}: rebuilt the site"),
    }
}

/// Rebuilds after `changed` (paths relative to the root), publishes the
/// result and tells open tabs; returns the line to print.
fn rebuild(
    session: &mut Session,
    changed: &[String],
    shared: &Shared,
    options: &ServeOptions,
) -> String {
    let started = Instant::now();
    // The pages of edited incidents are published first.
    let mut first = Vec::new();
    if session.can_update(changed) {
        session.update_incidents(changed);
        first = changed
            .iter()
            .filter_map(|path| Path::new(path).file_stem()?.to_str())
            .map(Route::Incident)
            .collect();
    } else {
        session.reload();
    }
    let rebuilt = render_and_publish(session, shared, options, first, started);
    let kind = if rebuilt.ok && changed.iter().all(|p| p.ends_with(".css")) {
        ReloadKind::Css
    } else if rebuilt.ok && !rebuilt.published.is_empty() {
        ReloadKind::AllBut(Arc::from(rebuilt.published.as_slice()))
    } else {
        ReloadKind::Page
    };
    let _ = shared.events.send(kind);
    let mut line = describe_rebuild(&watch::describe_changes(changed), &rebuilt);
    line.push_str(&format!(" in {} ms", started.elapsed().as_millis()));
    if options.verbose {
        match rebuilt.served_after {
            Some(after) => line.push_str(&format!(
                " (its page served after {} ms; {})",
                after.as_millis(),
                rebuilt.phases
            )),
            None => line.push_str(&format!(" ({})", rebuilt.phases)),
        }
    }
    line
}

/// How long requests still open when serve is told to stop may take to
/// finish. Live-reload streams end at once; this bounds the rest (a client
/// that sent half a request), so serve is gone within a second of Ctrl-C.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// The signals that stop serve: Ctrl-C (SIGINT) and, on Unix, SIGTERM.
/// Listened to from before the `Serving` line, so that none is missed.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn listen() -> io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignals {})
        }
    }

    /// Waits for the next signal.
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// How a stopping server ended.
#[derive(Debug)]
enum StopKind {
    /// Every connection closed in time.
    Finished(io::Result<()>),
    /// Requests were still open after the grace period; they are cut off.
    GraceOver,
    /// A second Ctrl-C: stop without waiting.
    Again,
}

/// Lets `server`, already told to stop, finish its open requests, for at
/// most `grace`, or until `again` (a second Ctrl-C) says not to wait.
async fn stop_within(
    server: impl Future<Output = io::Result<()>>,
    again: impl Future<Output = ()>,
    grace: Duration,
) -> StopKind {
    tokio::select! {
        result = server => StopKind::Finished(result),
        () = again => StopKind::Again,
        () = tokio::time::sleep(grace) => StopKind::GraceOver,
    }
}

/// Runs the preview server until interrupted.
pub fn run_serve(options: ServeOptions) -> Result<(), ServeError> {
    // Like build and check (and `zola serve`, `hugo server`): a folder that
    // is not a site is a mistake to report, not an empty site to watch.
    if !options.root.join("content").is_dir() {
        return Err(ServeError::NoContent { root: options.root });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let result = runtime.block_on(serve_async(options));
    // A rebuild still running on a blocking thread must not hold up the
    // exit: dropping the runtime would wait for it.
    runtime.shutdown_background();
    result
}

async fn serve_async(options: ServeOptions) -> Result<(), ServeError> {
    let start = Instant::now();
    let (events, _) = broadcast::channel(64);
    let shared = Arc::new(Shared {
        site: RwLock::new(Arc::new(ServedSite::default())),
        events,
        stopping: tokio::sync::watch::Sender::new(false),
    });
    let session = {
        let options = options.clone();
        let shared = Arc::clone(&shared);
        tokio::task::spawn_blocking(move || {
            let mut session = Session::open(&build_options(&options));
            render_and_publish(&mut session, &shared, &options, Vec::new(), Instant::now());
            session
        })
        .await
        .map_err(|error| ServeError::Runtime(io::Error::other(error)))?
    };

    let mut signals = StopSignals::listen().map_err(ServeError::Runtime)?;
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;

    let (changes_tx, mut changes_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut watcher = watch::SiteWatcher::start(&options.root, changes_tx)?;

    let url = format!("http://{local}/");
    {
        let mut stdout = io::stdout().lock();
        let _ = writeln!(stdout, "Serving {url}");
        let _ = stdout.flush();
    }
    if !options.quiet {
        eprintln!(
            "built in {} ms; watching content/ and themes/ for changes (Ctrl-C to stop)",
            start.elapsed().as_millis()
        );
    }
    if options.open
        && let Err(error) = open::that_detached(&url)
    {
        eprintln!("could not open a browser: {error}");
    }

    let rebuild_shared = Arc::clone(&shared);
    let rebuild_options = options.clone();
    tokio::spawn(async move {
        let mut session = Some(session);
        while let Some(mut changed) = changes_rx.recv().await {
            // Fold changes that arrived while the previous build ran.
            while let Ok(more) = changes_rx.try_recv() {
                changed.extend(more);
            }
            changed.sort();
            changed.dedup();
            if let Err(error) = watcher.follow_new_folders(&changed) {
                eprintln!("{error}");
            }
            let Some(mut current) = session.take() else {
                break;
            };
            let shared = Arc::clone(&rebuild_shared);
            let options = rebuild_options.clone();
            let done = tokio::task::spawn_blocking(move || {
                let line = rebuild(&mut current, &changed, &shared, &options);
                (current, line)
            })
            .await;
            let Ok((current, line)) = done else {
                break;
            };
            session = Some(current);
            if !rebuild_options.quiet || line.contains("kept the last good site") {
                eprintln!("{line}");
            }
        }
    });

    let app = http::router(Arc::clone(&shared));
    let mut stopped = shared.stopping.subscribe();
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stopping| *stopping).await;
        })
        .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(ServeError::Runtime),
        () = signals.recv() => {}
    }
    // Stop accepting, end the live-reload streams, close idle connections.
    shared.stopping.send_replace(true);
    match stop_within(server, signals.recv(), STOP_GRACE).await {
        StopKind::Finished(result) => result.map_err(ServeError::Runtime),
        StopKind::GraceOver | StopKind::Again => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_ctrl_c_does_not_wait_for_open_requests() {
        let stop = stop_within(
            std::future::pending(),
            std::future::ready(()),
            Duration::from_secs(3600),
        );
        assert!(matches!(stop.await, StopKind::Again));
    }

    #[tokio::test]
    async fn open_requests_are_cut_off_after_the_grace_period() {
        let stop = stop_within(
            std::future::pending(),
            std::future::pending(),
            Duration::from_millis(1),
        );
        assert!(matches!(stop.await, StopKind::GraceOver));
    }

    #[tokio::test]
    async fn a_server_that_finishes_in_time_reports_how_it_ended() {
        let stop = stop_within(
            std::future::ready(Err(io::Error::other("accept failed"))),
            std::future::pending(),
            Duration::from_secs(3600),
        );
        assert!(matches!(stop.await, StopKind::Finished(Err(_))));
    }

    fn rebuilt(ok: bool, errors: usize, partial: Option<usize>) -> Rebuilt {
        Rebuilt {
            ok,
            errors,
            partial,
            phases: String::new(),
            published: Vec::new(),
            served_after: None,
        }
    }

    #[test]
    fn rebuild_lines_count_in_words() {
        let what = "content/incidents/a.md changed";
        assert_eq!(
            describe_rebuild(what, &rebuilt(false, 1, None)),
            "content/incidents/a.md changed: kept the last good site (1 error)"
        );
        assert_eq!(
            describe_rebuild(what, &rebuilt(false, 3, None)),
            "content/incidents/a.md changed: kept the last good site (3 errors)"
        );
        assert_eq!(
            describe_rebuild(what, &rebuilt(true, 0, Some(1))),
            "content/incidents/a.md changed: re-rendered 1 file"
        );
        assert_eq!(
            describe_rebuild(what, &rebuilt(true, 0, Some(12))),
            "content/incidents/a.md changed: re-rendered 12 files"
        );
        assert_eq!(
            describe_rebuild(what, &rebuilt(true, 0, None)),
            "content/incidents/a.md changed: rebuilt the site"
        );
    }
}
