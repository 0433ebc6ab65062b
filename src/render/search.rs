//! Pure: what the index page's filter box searches. Each list entry
//! carries its [`search_text`] (title, teams, category, resolution) in the
//! page; the rest of what an incident says (its tags and anecdote texts)
//! is in `search-index.json`, which the page's script loads only when a
//! reader first types in the box, so that a page of 10,000 incidents does
//! not carry all their text (docs/format.md, "search-index.json").
//!
//! The index is small by design: per incident, only the words the page
//! does not already hold, each once, and none that another of its words
//! contains (the filter matches parts of words: "deploy" finds
//! "deploys"); each word is written once for the whole site and referred
//! to by a number in base 36, the most used words by the shortest.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use crate::model::{Incident, Site};
use crate::tally::{IncidentFacts, Tally};

/// The version of the search index's format, for themes' scripts.
pub const SEARCH_INDEX_VERSION: u32 = 1;

/// What an incident's list entry offers the filter box without the index,
/// in lower case: its title, team names, category title and resolution.
pub fn search_text(
    site: &Site,
    tally: &Tally,
    incident: &Incident,
    facts: &IncidentFacts,
) -> String {
    let mut text = incident.title.to_lowercase();
    for team in facts.teams.iter().filter_map(|&t| tally.teams.get(t)) {
        text.push(' ');
        text.push_str(&team.name.to_lowercase());
    }
    let category = facts
        .row
        .and_then(|row| tally.categories.get(row))
        .and_then(|row| site.categories.get(row.index));
    if let Some(category) = category {
        text.push(' ');
        text.push_str(&category.title.to_lowercase());
    }
    if let Some(resolution) = &incident.resolution {
        text.push(' ');
        text.push_str(&resolution.to_lowercase());
    }
    text
}

/// The words of `text` as the filter compares them: lower case, split at
/// every character that is neither a letter nor a digit (the script splits
/// what the reader types the same way), at least two characters long.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().nth(1).is_some())
}

/// The words of `incident`'s tags and anecdote texts that its
/// `search_text` does not contain already, each once, leaving out any
/// word another of them contains; longest first, separated by spaces.
pub fn incident_words(incident: &Incident, search_text: &str) -> String {
    let mut text = String::new();
    for tag in &incident.tags {
        text.push_str(tag);
        text.push(' ');
    }
    for anecdote in &incident.anecdotes {
        if let Some(said) = &anecdote.text {
            text.push_str(said);
            text.push(' ');
        }
    }
    let text = text.to_lowercase();
    let mut found: Vec<&str> = words(&text).collect();
    // Longest first, so that a word is checked against every longer one.
    found.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    found.dedup();
    // What the filter can already match: the page's text and the words
    // kept so far (a word holds no space, so it is found in this only
    // inside one of them).
    let mut known = String::with_capacity(search_text.len() + text.len() + 1);
    known.push_str(search_text);
    let kept_from = known.len() + 1;
    for word in found {
        if !known.contains(word) {
            known.push(' ');
            known.push_str(word);
        }
    }
    known.get(kept_from..).unwrap_or_default().to_owned()
}

#[derive(Serialize)]
struct SearchIndexJson<'a> {
    version: u32,
    /// Every word once, the most used first.
    words: Vec<&'a str>,
    /// Incident slug -> its words' numbers in base 36, space-separated.
    incidents: BTreeMap<&'a str, String>,
}

/// Writes `search-index.json` to `out` from each incident's
/// [`incident_words`], given in the site's order (slug order).
pub fn write_search_index<'w, W: AsRef<str> + 'w>(
    site: &Site,
    words_per_incident: &'w [W],
    out: &mut dyn Write,
) -> io::Result<()> {
    // Each word hashed once: numbered as first met, counted, then
    // renumbered by use.
    let mut first_met: HashMap<&str, usize> = HashMap::new();
    let mut vocabulary: Vec<(&str, u32)> = Vec::new();
    let met: Vec<Vec<usize>> = words_per_incident
        .iter()
        .map(|words| {
            words
                .as_ref()
                .split(' ')
                .filter(|word| !word.is_empty())
                .map(|word| {
                    let n = *first_met.entry(word).or_insert_with(|| {
                        vocabulary.push((word, 0));
                        vocabulary.len() - 1
                    });
                    if let Some((_, uses)) = vocabulary.get_mut(n) {
                        *uses += 1;
                    }
                    n
                })
                .collect()
        })
        .collect();
    let mut by_use: Vec<usize> = (0..vocabulary.len()).collect();
    by_use.sort_unstable_by(|&a, &b| {
        let (Some((word_a, uses_a)), Some((word_b, uses_b))) =
            (vocabulary.get(a), vocabulary.get(b))
        else {
            return std::cmp::Ordering::Equal;
        };
        uses_b.cmp(uses_a).then(word_a.cmp(word_b))
    });
    let mut number = vec![0; vocabulary.len()];
    for (position, &n) in by_use.iter().enumerate() {
        if let Some(slot) = number.get_mut(n) {
            *slot = position;
        }
    }
    let incidents = site
        .incidents
        .iter()
        .zip(&met)
        .filter_map(|(incident, met)| {
            let mut numbers: Vec<usize> =
                met.iter().filter_map(|&n| number.get(n).copied()).collect();
            if numbers.is_empty() {
                return None;
            }
            numbers.sort_unstable();
            let mut encoded = String::with_capacity(numbers.len() * 3);
            for (i, n) in numbers.into_iter().enumerate() {
                if i > 0 {
                    encoded.push(' ');
                }
                push_base36(&mut encoded, n);
            }
            Some((incident.slug.as_str(), encoded))
        })
        .collect();
    let index = SearchIndexJson {
        version: SEARCH_INDEX_VERSION,
        words: by_use
            .iter()
            .filter_map(|&n| vocabulary.get(n).map(|(word, _)| *word))
            .collect(),
        incidents,
    };
    serde_json::to_writer(&mut *out, &index).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Appends `n` in base 36 (`0`-`9`, `a`-`z`).
fn push_base36(out: &mut String, mut n: usize) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 16];
    let mut len = 0;
    loop {
        if let (Some(slot), Some(&digit)) = (digits.get_mut(len), DIGITS.get(n % 36)) {
            *slot = digit;
        }
        len += 1;
        n /= 36;
        if n == 0 || len == digits.len() {
            break;
        }
    }
    for &digit in digits.get(..len).unwrap_or_default().iter().rev() {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::SiteConfig;
    use crate::model::fixtures::{category, incident};
    use crate::tally::tally_site;
    use crate::validate::resolve_site;

    fn said(slug: &str, texts: &[&str]) -> Incident {
        let mut incident = incident(slug, "a", &[("Web", None), ("Ops", None)]);
        for (anecdote, text) in incident.anecdotes.iter_mut().zip(texts) {
            anecdote.text = Some((*text).to_owned());
        }
        incident
    }

    #[test]
    fn an_incident_s_words_are_those_the_page_lacks_once_and_not_inside_another() {
        let mut incident = said(
            "deploys",
            &[
                "Deploys broke the etcd quorum; deploy again!",
                "A deploy, again.",
            ],
        );
        incident.tags = vec!["Control-Plane".into(), "etcd".into()];
        let words = incident_words(&incident, "deploys web ops the a");
        // "deploys" and "the" are in the page; "deploy" is in "deploys"
        // (the page's), "a" too short; the tag's words are split.
        assert_eq!(words, "control quorum again broke plane etcd");
    }

    #[test]
    fn words_split_like_the_script_splits_a_query() {
        let incident = said("x", &["CI/CD naïve Köln_2 été"]);
        assert_eq!(incident_words(&incident, ""), "naïve köln été cd ci");
    }

    #[test]
    fn the_index_numbers_words_by_use_and_leaves_out_incidents_without_any() {
        let site = resolve_site(
            SiteConfig::with_title("T".into()),
            vec![category("a", "A")],
            vec![
                Arc::new(said("i", &["quorum lost", "lost"])),
                Arc::new(said("j", &["quorum"])),
                Arc::new(said("k", &[])),
            ],
            vec![],
        );
        let tally = tally_site(&site);
        let words: Vec<String> = site
            .incidents
            .iter()
            .zip(&tally.incidents)
            .map(|(i, facts)| incident_words(i, &search_text(&site, &tally, i, facts)))
            .collect();
        let mut out = Vec::new();
        write_search_index(&site, &words, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"version\":1,\"words\":[\"quorum\",\"lost\"],\"incidents\":{\"i\":\"0 1\",\"j\":\"0\"}}\n"
        );
    }

    #[test]
    fn numbers_are_base_36() {
        let mut out = String::new();
        for n in [0, 9, 10, 35, 36, 1295, 1296] {
            push_base36(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 9 a z 10 zz 100 ");
    }
}
