//! Pure: which files a render produces ([`Selection`]) and what serve
//! keeps from one render to the next ([`RenderCache`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use crate::model::Incident;

/// Which files a render produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Every file; when false, only the files named below plus those that
    /// list every incident (index, teams, timeline, feed, sitemap,
    /// data.json, incidents.csv, search-index.json).
    pub everything: bool,
    /// Incident pages, by slug.
    pub incidents: BTreeSet<String>,
    /// Category pages, by slug.
    pub categories: BTreeSet<String>,
    /// Team pages, by team name.
    pub teams: BTreeSet<String>,
    /// Review pages, by date (`2018-10-15`).
    pub reviews: BTreeSet<String>,
}

impl Selection {
    pub fn everything() -> Selection {
        Selection {
            everything: true,
            ..Selection::default()
        }
    }

    /// Adds what `other` selects.
    pub fn extend(&mut self, other: Selection) {
        self.everything |= other.everything;
        self.incidents.extend(other.incidents);
        self.categories.extend(other.categories);
        self.teams.extend(other.teams);
        self.reviews.extend(other.reviews);
    }
}

/// Template values kept from one render to the next (serve): the summary of
/// every incident and its list entry, by slug. A one-off build keeps none
/// ([`RenderCache::default`]); serve uses [`RenderCache::kept`].
#[derive(Debug, Default)]
pub struct RenderCache {
    pub(super) enabled: bool,
    pub(super) summaries: HashMap<String, Value>,
    /// Each incident's list entry (`partials/incident_item.html`).
    pub(super) items: HashMap<String, Arc<str>>,
    /// Each incident's anecdote fragment ids, by slug.
    pub(super) anchors: HashMap<String, Arc<Vec<String>>>,
    /// Each incident's entry of data.json and row of incidents.csv.
    pub(super) json: HashMap<String, Arc<str>>,
    pub(super) csv: HashMap<String, Arc<[u8]>>,
    /// Each incident's words in search-index.json.
    pub(super) search: HashMap<String, Arc<str>>,
}

impl RenderCache {
    /// A cache that keeps what each render made, for the next one.
    pub fn kept() -> RenderCache {
        RenderCache {
            enabled: true,
            ..RenderCache::default()
        }
    }

    /// Whether renders are kept for the next one (serve) or not (a one-off
    /// build).
    pub fn is_kept(&self) -> bool {
        self.enabled
    }
}

/// Brings `cache` (by incident slug) up to date with `values` (one per
/// incident): entries of the selected incidents (which an edit changed,
/// added or removed) are replaced or dropped, missing ones added; after a
/// full render, everything is replaced.
pub(super) fn refresh<T: Clone>(
    cache: &mut HashMap<String, T>,
    incidents: &[Arc<Incident>],
    values: &[T],
    selection: &Selection,
) {
    if selection.everything {
        cache.clear();
    }
    for slug in &selection.incidents {
        cache.remove(slug);
    }
    for (incident, value) in incidents.iter().zip(values) {
        if !cache.contains_key(&incident.slug) {
            cache.insert(incident.slug.clone(), value.clone());
        }
    }
}

/// `make` for every incident, in parallel, or its value in `cache` when the
/// incident is not among those `selection` says changed.
pub(super) fn per_incident<T: ?Sized + Send + Sync>(
    incidents: &[Arc<Incident>],
    selection: &Selection,
    cache: &HashMap<String, Arc<T>>,
    make: impl Fn(usize, &Incident) -> Arc<T> + Sync + Send,
) -> Vec<Arc<T>> {
    incidents
        .par_iter()
        .enumerate()
        .map(|(index, incident)| {
            if !selection.everything
                && !selection.incidents.contains(&incident.slug)
                && let Some(value) = cache.get(&incident.slug)
            {
                return Arc::clone(value);
            }
            make(index, incident)
        })
        .collect()
}
