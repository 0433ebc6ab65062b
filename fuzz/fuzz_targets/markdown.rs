//! Any text as a Markdown body, with raw HTML escaped and allowed.
//! Escaped mode must never let a raw `<script` through.
#![no_main]

use frictionlog::render::render_markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let escaped = render_markdown(text, false);
    assert!(!escaped.to_ascii_lowercase().contains("<script"));
    let _ = render_markdown(text, true);
});
