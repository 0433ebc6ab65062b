//! Any URL path through serve's resolver: what it returns must stay inside
//! the site (no `..`, no absolute path, no backslash, no hidden file).
#![no_main]

use frictionlog::serve::resolve_request_path;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|path: &str| {
    if let Some(key) = resolve_request_path(path) {
        assert!(!key.starts_with('/'), "{key}");
        assert!(!key.contains('\\'), "{key}");
        assert!(!key.contains('\0'), "{key}");
        for segment in key.split('/') {
            assert!(!segment.is_empty(), "{key}");
            assert!(!segment.starts_with('.'), "{key}");
        }
    }
});
