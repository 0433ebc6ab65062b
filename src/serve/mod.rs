//! `frictionlog serve`: the live preview kept open while writing.
//!
//! The site is built in memory and served from there (output/ is never
//! touched). A watcher on content/ and themes/ triggers rebuilds; open tabs
//! are told to reload over Server-Sent Events. A broken edit keeps the last
//! good site served with an overlay listing the diagnostics, until a fix
//! removes it. This is the only async part of frictionlog: the build itself
//! stays synchronous and runs on a blocking thread.

mod http;
mod livereload;
mod watch;

use std::fmt;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use tokio::sync::broadcast;

use crate::diagnostic::{Diagnostic, render_human};
use crate::model::BaseUrl;
use crate::{BuildOptions, build_in_memory};

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
            ServeError::Runtime(source) => write!(f, "cannot start the server: {source}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// What tabs are told when the site changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReloadKind {
    /// Reload the page.
    Page,
    /// Only stylesheets changed: swap them without a reload.
    Css,
}

/// The site as currently served.
#[derive(Debug, Default)]
pub struct ServedSite {
    /// Output path -> bytes, from the last good build.
    pub files: std::collections::BTreeMap<String, Vec<u8>>,
    /// The errors of the last build when it failed; empty when it succeeded.
    pub diagnostics: Vec<Diagnostic>,
}

/// State shared by the HTTP handlers and the rebuild loop.
pub struct Shared {
    pub site: RwLock<Arc<ServedSite>>,
    pub events: broadcast::Sender<ReloadKind>,
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

/// Builds the site and returns what to serve, keeping `previous` files when
/// the build fails.
fn rebuild(options: &ServeOptions, previous: Option<&ServedSite>) -> (ServedSite, bool) {
    let outcome = build_in_memory(&build_options(options));
    let errors: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if !options.quiet || !errors.is_empty() {
        let mut stderr = io::stderr().lock();
        for diagnostic in &outcome.diagnostics {
            if options.quiet && !diagnostic.is_error() {
                continue;
            }
            let _ = writeln!(stderr, "{}\n", render_human(diagnostic, options.color));
        }
    }
    match outcome.built {
        Some(built) if errors.is_empty() => (
            ServedSite {
                files: built.rendered.files,
                diagnostics: Vec::new(),
            },
            true,
        ),
        _ => (
            ServedSite {
                files: previous.map(|p| p.files.clone()).unwrap_or_default(),
                diagnostics: errors,
            },
            false,
        ),
    }
}

/// Runs the preview server until interrupted. `on_ready` gets the address
/// once the socket listens (the `Serving` line is printed by then).
pub fn run_serve(options: ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(serve_async(options))
}

async fn serve_async(options: ServeOptions) -> Result<(), ServeError> {
    let start = Instant::now();
    let first = {
        let options = options.clone();
        tokio::task::spawn_blocking(move || rebuild(&options, None).0)
            .await
            .unwrap_or_default()
    };
    let (events, _) = broadcast::channel(64);
    let shared = Arc::new(Shared {
        site: RwLock::new(Arc::new(first)),
        events,
    });

    let addr = SocketAddr::new(options.bind, options.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;

    let (changes_tx, mut changes_rx) = tokio::sync::mpsc::unbounded_channel();
    let _watcher = watch::watch_site(&options.root, changes_tx)?;

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
        while let Some(mut changed) = changes_rx.recv().await {
            // Fold changes that arrived while the previous build ran.
            while let Ok(more) = changes_rx.try_recv() {
                changed.extend(more);
            }
            let started = Instant::now();
            let previous = rebuild_shared.current();
            let options = rebuild_options.clone();
            let Ok((site, ok)) =
                tokio::task::spawn_blocking(move || rebuild(&options, Some(&previous))).await
            else {
                continue;
            };
            let kind = if ok && changed.iter().all(|p| p.ends_with(".css")) {
                ReloadKind::Css
            } else {
                ReloadKind::Page
            };
            let error_count = site.diagnostics.len();
            rebuild_shared.replace(site);
            let _ = rebuild_shared.events.send(kind);
            if !rebuild_options.quiet || !ok {
                let what = watch::describe_changes(&changed);
                let outcome = if ok {
                    "rebuilt".to_owned()
                } else {
                    format!("kept the last good site ({error_count} errors)")
                };
                eprintln!("{what}: {outcome} in {} ms", started.elapsed().as_millis());
            }
        }
    });

    let app = http::router(shared);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Runtime)
}
