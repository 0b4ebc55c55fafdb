//! The district's gazetteer (地名库): the place names each community knows as its own —
//! estates (小区, 苑, 新村, 村), roads (路, 街, 弄) and landmarks — and the rule that turns an
//! address a resident typed into the community that takes it in.
//!
//! The rule ([`match_address`]): every known name found in the typed text counts for its
//! community(ies), except where it is only part of a longer known name found at the same
//! place ("荣乐东路" does not count "乐东" if both were known); communities rank by the
//! longest name found for them, then by how many different names were found for them. A
//! community ahead of every other is the clear winner ([`PlaceMatch::One`]); communities
//! level at the top are offered as choices ([`PlaceMatch::Several`]); nothing found is
//! nothing ([`PlaceMatch::None`]). A road shared by three communities thus names none of
//! them alone, but the estate typed beside it settles it.
//!
//! Text and names are compared as [`normalise`]d: full-width letters and digits as ASCII,
//! ASCII letters in lower case, no spaces of either width.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{FieldError, Msg};
use crate::msg;
use crate::Id;

/// Longest place name, in characters.
pub const MAX_NAME: usize = 50;
/// Shortest place name: one character ("路") would be found in nearly every address.
pub const MIN_NAME: usize = 2;
/// Most names one community keeps.
pub const MAX_NAMES: usize = 500;
/// Longest address text matched, in characters.
pub const MAX_QUERY: usize = 200;

/// One name of the gazetteer and the community it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub org_unit_id: Id,
    pub name: String,
}

/// A community the typed text points to, and the longest of its names found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub org_unit_id: Id,
    /// The name as the gazetteer writes it.
    pub matched: String,
    /// How many different names of this community were found.
    pub names_found: usize,
}

/// What the typed text says about its community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceMatch {
    None,
    One(Candidate),
    /// Level at the top: the resident chooses.
    Several(Vec<Candidate>),
}

impl PlaceMatch {
    /// The community when there is exactly one.
    pub fn unique(&self) -> Option<Id> {
        match self {
            PlaceMatch::One(c) => Some(c.org_unit_id),
            _ => None,
        }
    }
}

/// Text as it is compared: full-width ASCII (U+FF01–U+FF5E) as ASCII, ASCII letters
/// lower-cased, every space (ASCII, the ideographic U+3000, any Unicode white space) gone.
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One occurrence of a known name in the text: where (character offsets) and which name.
struct Found<'p> {
    start: usize,
    end: usize,
    place: &'p Place,
}

/// Every occurrence of a known name in the normalised text, those lying inside the
/// occurrence of a longer known name left out.
fn occurrences<'p>(text: &str, places: &'p [Place]) -> Vec<Found<'p>> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for place in places {
        let name: Vec<char> = normalise(&place.name).chars().collect();
        if name.is_empty() || name.len() > chars.len() {
            continue;
        }
        for start in 0..=chars.len() - name.len() {
            if chars[start..start + name.len()] == name[..] {
                found.push(Found {
                    start,
                    end: start + name.len(),
                    place,
                });
            }
        }
    }
    let inside_longer = |f: &Found| {
        found
            .iter()
            .any(|g| g.end - g.start > f.end - f.start && g.start <= f.start && f.end <= g.end)
    };
    let kept: Vec<bool> = found.iter().map(|f| !inside_longer(f)).collect();
    found
        .into_iter()
        .zip(kept)
        .filter_map(|(f, keep)| keep.then_some(f))
        .collect()
}

/// The communities the typed `text` points to, best first (see the module's rule).
pub fn candidates(text: &str, places: &[Place]) -> Vec<Candidate> {
    let text: String = normalise(text).chars().take(MAX_QUERY).collect();
    // Per community: the longest name (its length, the name) and the names found.
    let mut by_unit: BTreeMap<Id, (usize, &str, BTreeSet<&str>)> = BTreeMap::new();
    for f in occurrences(&text, places) {
        let len = f.end - f.start;
        let entry = by_unit
            .entry(f.place.org_unit_id)
            .or_insert((0, "", BTreeSet::new()));
        if len > entry.0 {
            (entry.0, entry.1) = (len, &f.place.name);
        }
        entry.2.insert(&f.place.name);
    }
    let mut ranked: Vec<(usize, Candidate)> = by_unit
        .into_iter()
        .map(|(org_unit_id, (len, name, names))| {
            let c = Candidate {
                org_unit_id,
                matched: name.to_string(),
                names_found: names.len(),
            };
            (len, c)
        })
        .collect();
    ranked.sort_by(|(la, a), (lb, b)| {
        (lb, b.names_found)
            .cmp(&(la, a.names_found))
            .then(a.org_unit_id.cmp(&b.org_unit_id))
    });
    ranked.into_iter().map(|(_, c)| c).collect()
}

/// The community the typed `text` names: one, several level at the top, or none.
pub fn match_address(text: &str, places: &[Place]) -> PlaceMatch {
    let all = candidates(text, places);
    let rank = |c: &Candidate| (normalise(&c.matched).chars().count(), c.names_found);
    let Some(top) = all.first().map(rank) else {
        return PlaceMatch::None;
    };
    let mut level: Vec<Candidate> = all.into_iter().filter(|c| rank(c) == top).collect();
    if level.len() == 1 {
        PlaceMatch::One(level.remove(0))
    } else {
        PlaceMatch::Several(level)
    }
}

/// A community's names as an administrator gives them (one per line, or a list): trimmed,
/// blank lines dropped, each kept once in the order first given; every fault at once,
/// under `field` with the line it is on.
pub fn check_names<S: AsRef<str>>(
    field: &str,
    given: &[S],
) -> Result<Vec<String>, Vec<FieldError>> {
    let mut names: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in given.iter().enumerate() {
        let name = raw.as_ref().trim();
        let chars = name.chars().count();
        if name.is_empty() || names.iter().any(|n| n == name) {
            continue;
        }
        if !(MIN_NAME..=MAX_NAME).contains(&chars) {
            errors.push(
                FieldError::new(field, &NAME_LENGTH)
                    .with("line", i + 1)
                    .with("min", MIN_NAME)
                    .with("max", MAX_NAME),
            );
        } else if name.chars().any(char::is_control) {
            errors.push(FieldError::new(field, &NAME_CONTROL).with("line", i + 1));
        } else {
            names.push(name.to_string());
        }
    }
    if names.len() > MAX_NAMES {
        errors.push(FieldError::new(field, &TOO_MANY).with("max", MAX_NAMES));
    }
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(errors)
    }
}

const NAME_LENGTH: Msg = msg!(
    "place_name_length",
    "第 {line} 行：地名应为 {min}–{max} 个字",
    "Line {line}: a place name has {min}–{max} characters",
);
const NAME_CONTROL: Msg = msg!(
    "place_name_control",
    "第 {line} 行：地名含有不可见的控制字符",
    "Line {line}: the place name holds an invisible control character",
);
const TOO_MANY: Msg = msg!(
    "place_names_too_many",
    "一个社区最多登记 {max} 个地名",
    "A community keeps at most {max} place names",
);

#[cfg(test)]
#[path = "gazetteer_tests.rs"]
mod tests;
