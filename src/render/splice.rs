//! Pure: long incident lists spliced into rendered pages. A page is
//! rendered around a placeholder and the list entries are written in
//! afterwards, each rendered once: a list of 100,000 entries is then
//! neither a template loop nor copied through tera, nor held whole.

use rayon::prelude::*;
use tera::{Tera, TeraResult};

use super::Sink;
use super::data::{ITEM_TEMPLATE, SiteData, render_item};
use super::theme::Theme;
use crate::diagnostic::Diagnostic;

/// List entries rendered and written together when a build renders them
/// as the list is written: enough for both cores, little memory.
const ITEMS_PER_PIECE: usize = 256;

/// The incident lists one page prints through `items_html` placeholders.
#[derive(Default)]
pub(super) struct Splices {
    /// (placeholder, incident indexes), in the order they were made.
    pub(super) lists: Vec<(String, Vec<usize>)>,
}

/// A number no content can predict, for the list placeholders put into
/// rendered HTML and replaced afterwards: made once per render.
pub(super) fn marker_nonce() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

impl SiteData<'_> {
    /// A placeholder for the list entries of these incidents, joined: the
    /// page is rendered around it and [`SiteData::put_spliced`] writes the
    /// entries in (a list of 100,000 entries is then neither a template
    /// loop nor copied through tera).
    pub(super) fn items_html(&self, indexes: &[usize], splices: &mut Splices) -> String {
        let marker = format!(
            "\u{1}frictionlog-items-{}-{}\u{1}",
            self.marker_nonce,
            splices.lists.len()
        );
        splices.lists.push((marker.clone(), indexes.to_vec()));
        marker
    }

    /// The list entry serve kept for the incident of index `index`.
    fn kept_item(&self, index: usize) -> &str {
        self.items.get(index).map_or("", |item| item)
    }

    /// Hands `html` to `sink` as `path`, each placeholder of `splices`
    /// replaced by its entries wherever (and however often) the template
    /// printed it: serve's kept entries, or else each entry rendered as it
    /// is written, a few hundred at a time on every core. The whole page,
    /// which lists every incident on the index, is never one string, and
    /// its entries are never all in memory at once. Returns the error of an
    /// entry that failed to render (the file is then cut short, and the
    /// render fails).
    pub(super) fn put_spliced(
        &self,
        tera: &Tera,
        theme: &Theme,
        sink: &dyn Sink,
        path: &str,
        html: String,
        splices: &Splices,
    ) -> Option<Diagnostic> {
        let mut found: Vec<(usize, usize, &[usize])> = Vec::new();
        for (marker, indexes) in &splices.lists {
            for (at, _) in html.match_indices(marker.as_str()) {
                found.push((at, marker.len(), indexes));
            }
        }
        if found.is_empty() {
            sink.put(path, html.into_bytes());
            return None;
        }
        found.sort_unstable_by_key(|&(at, _, _)| at);
        let render = self.items.is_empty() && theme.has_template(ITEM_TEMPLATE);
        // The page's length when its entries are kept, for a sink that
        // gathers it (serve's).
        let kept_len =
            |indexes: &[usize]| -> usize { indexes.iter().map(|&i| self.kept_item(i).len()).sum() };
        let size = if render {
            html.len()
        } else {
            html.len() + found.iter().map(|&(_, _, i)| kept_len(i)).sum::<usize>()
        };
        let mut failed = None;
        sink.put_with(path, size, &mut |out| {
            let mut done = 0;
            for &(at, len, indexes) in &found {
                out.write_all(html.get(done..at).unwrap_or("").as_bytes())?;
                done = at + len;
                if !render {
                    for &i in indexes {
                        out.write_all(self.kept_item(i).as_bytes())?;
                    }
                    continue;
                }
                for chunk in indexes.chunks(ITEMS_PER_PIECE) {
                    let items: Vec<TeraResult<String>> = chunk
                        .par_iter()
                        .filter_map(|&i| self.summaries.get(i))
                        .map(|summary| render_item(tera, summary))
                        .collect();
                    for item in items {
                        match item {
                            Ok(item) => out.write_all(item.as_bytes())?,
                            Err(error) => {
                                failed = Some(theme.render_diagnostic(&error, ITEM_TEMPLATE));
                                return Ok(());
                            }
                        }
                    }
                }
            }
            out.write_all(html.get(done..).unwrap_or("").as_bytes())
        });
        failed
    }
}
