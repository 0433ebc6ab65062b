//! Pure: long incident lists spliced into rendered pages. A page is
//! rendered around a placeholder and each list entry, rendered once per
//! build, is written in afterwards: a list of 100,000 entries is then
//! neither a template loop nor copied through tera.

use tera::Value;
use tera::value::Key;

use super::Sink;
use super::data::SiteData;

/// The incident lists one page prints through `items_html` placeholders.
pub(super) struct Splices {
    /// Makes placeholders no content can contain by chance.
    pub(super) nonce: u64,
    /// (placeholder, incident indexes), in the order they were made.
    pub(super) lists: Vec<(String, Vec<usize>)>,
}

impl Default for Splices {
    fn default() -> Self {
        Splices {
            nonce: marker_nonce(),
            lists: Vec::new(),
        }
    }
}

/// A number no content can predict, for the markers put into rendered
/// HTML and replaced afterwards (list placeholders, `base.html`'s cuts).
pub(super) fn marker_nonce() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

impl SiteData<'_> {
    /// A placeholder for the list entries of these incidents, joined: the
    /// page is rendered around it and [`SiteData::put_spliced`] writes the
    /// entries in, straight from the summaries (a list of 100,000 entries
    /// is then neither a template loop nor copied through tera).
    pub(super) fn items_html(&self, indexes: &[usize], splices: &mut Splices) -> String {
        let marker = format!(
            "\u{1}frictionlog-items-{}-{}\u{1}",
            splices.nonce,
            splices.lists.len()
        );
        splices.lists.push((marker.clone(), indexes.to_vec()));
        marker
    }

    pub(super) fn item_html(&self, index: usize) -> &str {
        self.summaries
            .get(index)
            .and_then(Value::as_map)
            .and_then(|summary| summary.get(&Key::Str("item_html")))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Hands `html` to `sink` as `path`, each placeholder of `splices`
    /// replaced by its entries wherever (and however often) the template
    /// printed it. The entries are written straight from the summaries:
    /// the whole page, which lists every incident on the index, is never
    /// one string.
    pub(super) fn put_spliced(&self, sink: &dyn Sink, path: &str, html: String, splices: &Splices) {
        let mut found: Vec<(usize, usize, &[usize])> = Vec::new();
        for (marker, indexes) in &splices.lists {
            for (at, _) in html.match_indices(marker.as_str()) {
                found.push((at, marker.len(), indexes));
            }
        }
        if found.is_empty() {
            sink.put(path, html.into_bytes());
            return;
        }
        found.sort_unstable_by_key(|&(at, _, _)| at);
        // Each entry looked up once, for the page's length and its bytes.
        let entries: Vec<Vec<&str>> = found
            .iter()
            .map(|&(_, _, indexes)| indexes.iter().map(|&i| self.item_html(i)).collect())
            .collect();
        let size = html.len()
            + entries
                .iter()
                .flatten()
                .map(|item| item.len())
                .sum::<usize>();
        sink.put_with(path, size, &mut |out| {
            let mut done = 0;
            for (&(at, len, _), items) in found.iter().zip(&entries) {
                out.write_all(html.get(done..at).unwrap_or("").as_bytes())?;
                for item in items {
                    out.write_all(item.as_bytes())?;
                }
                done = at + len;
            }
            out.write_all(html.get(done..).unwrap_or("").as_bytes())
        });
    }
}
