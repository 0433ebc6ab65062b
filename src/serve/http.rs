//! The HTTP side of serve: requests resolved against the in-memory site.
//!
//! There is no file system behind the server, so no request can reach a file
//! outside the site; paths are still checked (`..`, encoded slashes and
//! backslashes, hidden files are refused) so the answer is a clear 400 rather
//! than a lookup of a strange key.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream};
use percent_encoding::percent_decode_str;
use tokio::sync::broadcast::error::RecvError;

use super::livereload::{EVENTS_PATH, inject};
use super::{ReloadKind, Shared};

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(page)
        .with_state(shared)
}

/// The output file a URL path names, or `None` for a path that tries to
/// leave the site or name something hidden.
///
/// `/` and `/a/` name `index.html` and `a/index.html`.
pub fn resolve_request_path(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut segments = Vec::new();
    for raw in path.split('/') {
        if raw.is_empty() {
            continue;
        }
        let decoded = percent_decode_str(raw).decode_utf8().ok()?;
        if decoded.starts_with('.')
            || decoded.contains(['/', '\\', '\0', ':'])
            || decoded.trim().is_empty()
        {
            return None;
        }
        segments.push(decoded.into_owned());
    }
    let mut key = segments.join("/");
    if path.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(status: StatusCode, path: &str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // A preview must never show a stale page.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn page(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n").into_response();
    }
    let path = request.uri().path().to_owned();
    let Some(key) = resolve_request_path(&path) else {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    };
    let site = shared.current();
    let found = site.files.get(&key);
    // A HEAD response keeps its body here: axum sets content-length from it
    // and then drops it, so HEAD sends the same headers as GET.
    match found {
        Some(bytes) if key.ends_with(".html") => {
            respond(StatusCode::OK, &key, inject(bytes, &site.diagnostics))
        }
        Some(bytes) => respond(StatusCode::OK, &key, bytes.clone()),
        None if site.files.contains_key(&format!("{key}/index.html")) => {
            // A folder without its final slash: relative links need it.
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(location) = HeaderValue::from_str(&format!("{path}/")) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        None => {
            let body = site.files.get("404.html").map_or_else(
                || {
                    inject(
                        b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>",
                        &site.diagnostics,
                    )
                },
                |bytes| inject(bytes, &site.diagnostics),
            );
            respond(StatusCode::NOT_FOUND, "404.html", body)
        }
    }
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let stopping = shared.stopping.subscribe();
    let stream = stream::unfold(
        (receiver, stopping),
        |(mut receiver, mut stopping)| async move {
            let event = tokio::select! {
                // Serve is stopping: end the stream, or the open tab would
                // keep serve waiting.
                _ = stopping.wait_for(|stopping| *stopping) => return None,
                event = receiver.recv() => event,
            };
            let event = match event {
                Ok(ReloadKind::Css) => Event::default().event("css").data("css"),
                // Missed events still mean "something changed".
                Ok(ReloadKind::Page) | Err(RecvError::Lagged(_)) => {
                    Event::default().event("reload").data("reload")
                }
                Ok(ReloadKind::Only(pages)) => {
                    Event::default().event("reload-only").data(pages.join(" "))
                }
                Ok(ReloadKind::AllBut(pages)) => Event::default()
                    .event("reload-all-but")
                    .data(pages.join(" ")),
                Err(RecvError::Closed) => return None,
            };
            Some((Ok(event), (receiver, stopping)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths_map_to_output_files() {
        assert_eq!(resolve_request_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            resolve_request_path("/categories/monolith/").as_deref(),
            Some("categories/monolith/index.html")
        );
        assert_eq!(
            resolve_request_path("/data.json").as_deref(),
            Some("data.json")
        );
        assert_eq!(
            resolve_request_path("/static/style%2Ecss").as_deref(),
            Some("static/style.css")
        );
    }

    #[test]
    fn traversal_attempts_are_refused() {
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2E%2E/etc/passwd",
            "/static/..%2f..%2fetc%2fpasswd",
            "/static%2f..%2f..%2fetc%2fpasswd",
            "/..\\..\\etc\\passwd",
            "/%5c..%5cetc",
            "/.frictionlog-output",
            "//etc/passwd/..",
            "/C:/windows",
            "/%00",
            "etc/passwd",
        ] {
            assert_eq!(resolve_request_path(path), None, "{path}");
        }
    }
}
