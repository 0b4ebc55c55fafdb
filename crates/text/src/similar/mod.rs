//! Near-duplicate appeals (问题归并): the same problem written again — by the same person
//! minutes later, or by a neighbour in other words — found by its text and its place.
//!
//! - [`Fingerprint`]: a text's character bigrams and MinHash band keys (word order,
//!   punctuation, full-width forms and case do not matter; a typo costs two bigrams);
//! - [`places_of`]: the estates, roads, lanes and building a text and its location name;
//! - [`similar`]: how alike two texts are (0..=1), and [`Rule`]: when two appeals are one
//!   problem — very alike, or fairly alike at the same place;
//! - [`NearDupIndex`]: appeals by band key and place key, queried in microseconds; the same
//!   keys ([`NearDup::keys`]) are what a database stores to do the same by index;
//! - [`groups`]: a batch of texts cut into problems (connected components of near-duplicate
//!   pairs), for `suqiu text groups`.

mod fingerprint;
mod groups;
mod index;
mod place;
mod time;

#[cfg(test)]
mod tests;

pub use fingerprint::{normalise, Fingerprint};
pub use groups::{first_sentence, groups, Group, Item};
pub use index::{Match, NearDupIndex};
pub use place::{place_match, places, places_of, same_place, PlaceMatch};
pub use time::parse_time;

use fingerprint::fnv;

/// A text too short for containment to mean anything (about a dozen characters): it is
/// compared by Jaccard alone, or a three-word complaint would be "contained" in everything.
const CONTAINMENT_MIN: usize = 12;
/// What containment (a short text inside a long one: a title inside its detail) counts for
/// against Jaccard.
const CONTAINMENT_WEIGHT: f32 = 0.75;

/// How alike two fingerprints are: their bigrams' Jaccard, or — when the shorter text is
/// long enough to mean something on its own — the share of it found in the longer one,
/// weighted down. Symmetric; 1 for the same text; 0 when nothing is shared.
pub fn score(a: &Fingerprint, b: &Fingerprint) -> f32 {
    let common = a.common(b);
    if common == 0 {
        return 0.0;
    }
    let (la, lb) = (a.shingles.len(), b.shingles.len());
    let jaccard = common as f32 / (la + lb - common) as f32;
    let shorter = la.min(lb);
    if shorter < CONTAINMENT_MIN {
        return jaccard;
    }
    jaccard.max(CONTAINMENT_WEIGHT * common as f32 / shorter as f32)
}

/// How alike two texts are, 0..=1 (see [`score`]).
pub fn similar(a: &str, b: &str) -> f32 {
    score(&Fingerprint::of(a), &Fingerprint::of(b))
}

/// Why two appeals were taken for one problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The same words (give or take punctuation and a typo).
    SameText,
    /// Very alike.
    SimilarText,
    /// Fairly alike, and at the same place.
    SamePlace,
}

impl Why {
    pub fn code(self) -> &'static str {
        match self {
            Why::SameText => "same_text",
            Why::SimilarText => "similar_text",
            Why::SamePlace => "same_place",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Why::SameText => "内容相同",
            Why::SimilarText => "内容相近",
            Why::SamePlace => "同一地点、内容相近",
        }
    }
}

/// When two appeals are one problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// At or above: the same text.
    pub same: f32,
    /// At or above: one problem, unless both name places and none is shared.
    pub high: f32,
    /// At or above, and at the same place: one problem.
    pub moderate: f32,
    /// At or above: one problem even though the two name different places (one template
    /// sent about two estates is two problems).
    pub elsewhere: f32,
}

impl Default for Rule {
    /// Chosen on the shared fj3 messages (BENCHMARKS.md, "Near-duplicates"): the largest
    /// groups stay one problem each, and identical texts are always together.
    fn default() -> Self {
        Rule {
            same: 0.9,
            high: 0.5,
            moderate: 0.3,
            elsewhere: 0.8,
        }
    }
}

impl Rule {
    /// Why two appeals with this score are one problem, if they are.
    pub fn judge(&self, score: f32, place: PlaceMatch) -> Option<Why> {
        let high = match place {
            PlaceMatch::Different => self.elsewhere,
            PlaceMatch::Same | PlaceMatch::Unknown => self.high,
        };
        if score >= self.same {
            Some(Why::SameText)
        } else if score >= high {
            Some(Why::SimilarText)
        } else if place == PlaceMatch::Same && score >= self.moderate {
            Some(Why::SamePlace)
        } else {
            None
        }
    }
}

/// What is compared of one appeal: its fingerprint and its places.
#[derive(Debug, Clone, PartialEq)]
pub struct NearDup {
    pub fingerprint: Fingerprint,
    pub places: Vec<String>,
}

impl NearDup {
    /// An appeal's words (title and detail together) and its location field.
    pub fn of(text: &str, location: &str) -> NearDup {
        NearDup {
            fingerprint: Fingerprint::of(text),
            places: places_of(text, location),
        }
    }

    /// [`NearDup::of`] without band keys: for a candidate to be judged, not looked up.
    pub fn unbanded(text: &str, location: &str) -> NearDup {
        NearDup {
            fingerprint: Fingerprint::unbanded(text),
            places: places_of(text, location),
        }
    }

    /// The keys to look it up by: its band keys, and one per place. Non-negative, so a
    /// database's signed 64-bit column holds them as they are.
    pub fn keys(&self) -> Vec<i64> {
        let places = self.places.iter().map(|p| place_key(p));
        let mut keys: Vec<i64> = (self.fingerprint.bands.iter().copied())
            .chain(places)
            .map(|k| (k >> 1) as i64)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Whether `other` is the same problem, by `rule`: its score and why.
    pub fn judge(&self, other: &NearDup, rule: &Rule) -> Option<(f32, Why)> {
        let s = score(&self.fingerprint, &other.fingerprint);
        let why = rule.judge(s, place_match(&self.places, &other.places))?;
        Some((s, why))
    }
}

/// A place's key: in its own hash domain, apart from the band keys.
fn place_key(place: &str) -> u64 {
    fnv("place:".chars().chain(place.chars()))
}
