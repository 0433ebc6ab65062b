//! What serve adds to HTML pages (never to `build` output): the live-reload
//! script, and the error overlay while the last edit is broken.

use crate::diagnostic::Diagnostic;
use crate::render::chart::escape;

/// The endpoint tabs listen on for reload events.
pub const EVENTS_PATH: &str = "/__frictionlog/events";

/// Reloads the tab on `reload`; on `reload-only`, only if it shows one of
/// the pages named (space-separated URL paths), and on `reload-all-but`
/// only if it shows none of them; on `css`, re-fetches stylesheets in place.
const SCRIPT: &str = r#"<script>
(function () {
  if (!window.EventSource) return;
  var source = new EventSource("/__frictionlog/events");
  var here = location.pathname.replace(/index\.html$/, "");
  function named(event) { return event.data.split(" ").indexOf(here) >= 0; }
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("reload-only", function (event) { if (named(event)) location.reload(); });
  source.addEventListener("reload-all-but", function (event) { if (!named(event)) location.reload(); });
  source.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("frictionlog-reload", Date.now());
      link.href = url.toString();
    });
  });
})();
</script>
"#;

/// The overlay listing the build's errors (code, file:line:column, message).
pub fn render_overlay(diagnostics: &[Diagnostic]) -> String {
    let mut html = String::from(
        r#"<div id="frictionlog-errors" role="alert" style="position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;background:#2b0b0e;color:#ffe4e6;border:2px solid #f43f5e;border-radius:8px;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 8px 30px rgba(0,0,0,.4)">
<strong style="display:block;font-size:16px;margin-bottom:.5rem">frictionlog: the last edit broke the build — showing the last good version</strong>
<ul style="margin:0;padding-left:1.2rem">
"#,
    );
    for diagnostic in diagnostics {
        let location = match (&diagnostic.file, diagnostic.pos) {
            (Some(file), Some(pos)) => format!("{file}:{}:{}", pos.line, pos.column),
            (Some(file), None) => file.clone(),
            _ => String::new(),
        };
        html.push_str(&format!(
            "<li><code>{}</code> <span>{}</span> {}</li>\n",
            escape(diagnostic.code.as_str()),
            escape(&location),
            escape(&diagnostic.message)
        ));
    }
    html.push_str("</ul>\n</div>\n");
    html
}

/// `page` with the live-reload script (and the overlay, if any) added just
/// before `</body>`, or at the end when there is none.
pub fn inject(page: &[u8], diagnostics: &[Diagnostic]) -> Vec<u8> {
    let mut addition = String::new();
    if !diagnostics.is_empty() {
        addition.push_str(&render_overlay(diagnostics));
    }
    addition.push_str(SCRIPT);
    let position = find_last(page, b"</body>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + addition.len());
    out.extend_from_slice(page.get(..position).unwrap_or(page));
    out.extend_from_slice(addition.as_bytes());
    out.extend_from_slice(page.get(position..).unwrap_or_default());
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{CodeKind, Pos};

    #[test]
    fn script_goes_before_the_closing_body() {
        let page = inject(b"<html><body><p>x</p></body></html>", &[]);
        let text = String::from_utf8(page).unwrap();
        assert!(text.contains("EventSource"));
        assert!(text.ends_with("</script>\n</body></html>"));
    }

    #[test]
    fn overlay_lists_each_error_escaped() {
        let d = Diagnostic::in_file(
            CodeKind::YamlSyntax,
            "bad <thing>",
            "content/incidents/a.md",
            Pos::new(3, 7, 1),
        );
        let text = String::from_utf8(inject(b"<body></body>", &[d])).unwrap();
        assert!(text.contains("frictionlog-errors"));
        assert!(text.contains("yaml-syntax"));
        assert!(text.contains("content/incidents/a.md:3:7"));
        assert!(text.contains("bad &lt;thing&gt;"));
    }
}
