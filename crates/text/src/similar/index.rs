//! Appeals kept by their keys (band keys and place keys) so that a new text's candidates are
//! found without reading them all: only those sharing a key are scored.

use std::collections::{HashMap, HashSet};

use super::{NearDup, Rule, Why};

/// An earlier appeal like the one asked about.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Match {
    pub id: i64,
    pub score: f32,
    pub why: Why,
}

struct Entry {
    id: i64,
    near: NearDup,
    /// Seconds since the epoch, when known.
    time: Option<i64>,
}

/// Near-duplicate lookup in memory.
#[derive(Default)]
pub struct NearDupIndex {
    rule: Rule,
    entries: Vec<Entry>,
    by_key: HashMap<i64, Vec<u32>>,
}

/// Whether two times (seconds) are within `window` of each other; unknown times are.
fn within(a: Option<i64>, b: Option<i64>, window: Option<i64>) -> bool {
    match (a, b, window) {
        (Some(a), Some(b), Some(w)) => (a - b).abs() <= w,
        _ => true,
    }
}

impl NearDupIndex {
    pub fn new(rule: Rule) -> NearDupIndex {
        NearDupIndex {
            rule,
            ..NearDupIndex::default()
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an appeal: its words, its location field, when it came (seconds).
    pub fn insert(&mut self, id: i64, text: &str, place: &str, time: Option<i64>) {
        self.insert_near(id, NearDup::of(text, place), time);
    }

    /// Adds an appeal already fingerprinted.
    pub fn insert_near(&mut self, id: i64, near: NearDup, time: Option<i64>) {
        let at = self.entries.len() as u32;
        for key in near.keys() {
            self.by_key.entry(key).or_default().push(at);
        }
        self.entries.push(Entry { id, near, time });
    }

    /// The appeals that are the same problem as this text at this place, within `window`
    /// seconds of `time` (no window, or no time: any time); most alike first, then by id.
    pub fn query(
        &self,
        text: &str,
        place: &str,
        time: Option<i64>,
        window: Option<i64>,
    ) -> Vec<Match> {
        self.query_near(&NearDup::of(text, place), time, window)
    }

    /// [`NearDupIndex::query`] for a text already fingerprinted.
    pub fn query_near(&self, near: &NearDup, time: Option<i64>, window: Option<i64>) -> Vec<Match> {
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        for key in near.keys() {
            for &at in self.by_key.get(&key).map_or(&[][..], Vec::as_slice) {
                if !seen.insert(at) {
                    continue;
                }
                let e = &self.entries[at as usize];
                if !within(time, e.time, window) {
                    continue;
                }
                if let Some((score, why)) = near.judge(&e.near, &self.rule) {
                    found.push(Match {
                        id: e.id,
                        score,
                        why,
                    });
                }
            }
        }
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        found
    }
}
