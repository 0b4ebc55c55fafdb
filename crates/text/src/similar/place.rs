//! The places a text names, as keys two texts about one spot share: estates (丽发新城, 丽发小区,
//! 米兰春天花园, 金鼎村), roads and lanes (荣乐东路, 荣乐东路88弄), and the building of the
//! location field as the register writes it (`suqiu_core::care::building_of`: 佛字桥小区3号楼).
//! Districts and cities (A市, A3区 — the shared data's anonymised forms) are left out: a
//! district is not one spot, and nearly every message names one.

use std::sync::OnceLock;

use regex::Regex;

use super::fingerprint::normalise;

/// An estate or village: a short name and its kind.
fn estates() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"[\p{Han}A-Za-z0-9]{1,6}?(?:小区|花园|新村|新城|家园|公寓|大厦|苑|村)")
            .expect("the estate pattern is valid")
    })
}

/// A road, street or lane, with the lane's number when there is one (荣乐东路88弄).
fn roads() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"([\p{Han}A-Za-z0-9]{1,6}?(?:大道|路|街|巷))([0-9０-９]+弄)?")
            .expect("the road pattern is valid")
    })
}

/// Where a name cannot go on across: an administrative level (市, 区, 县, 镇, 乡, 村, 街道) or a
/// word of the sentence around it (在, 的, 关于 …). The name is what follows the last one.
const STOPS: &str = "市区县镇乡村道省离经响旁边附靠在的于是位住近对和与及了个我们该这那有将从向到为被把给让请问关于反映投诉建议咨询称等";

/// Words with a place's ending that name no place (农村, 道路, 公路, 大街 …).
const GENERIC: &[&str] = &[
    "农村",
    "乡村",
    "本村",
    "全村",
    "新农村",
    "道路",
    "马路",
    "公路",
    "铁路",
    "线路",
    "小路",
    "出路",
    "思路",
    "套路",
    "大街",
    "街巷",
    "水泥路",
    "临街",
    "沿街",
];

/// The name after the last stop character, if it still has a name before its ending.
fn trimmed(found: &str, ending_len: usize) -> Option<&str> {
    let named_part = &found[..found.len() - ending_len];
    let start = named_part
        .char_indices()
        .filter(|(_, c)| STOPS.contains(*c))
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let name = &found[start..];
    let named = name.len() > ending_len && !GENERIC.iter().any(|g| name.ends_with(g));
    // The pattern starts a name as far left as it can, so 投诉武广新城伊景园滨河苑 gives
    // 城伊景园滨河苑; the last four characters before the ending are what two texts agree on.
    let keep = named_part[start..]
        .char_indices()
        .rev()
        .nth(NAME_CHARS - 1)
        .map_or(start, |(i, _)| start + i);
    named.then(|| &found[keep..])
}

/// How much of a name is kept (before its ending).
const NAME_CHARS: usize = 4;

fn ending_len(found: &str, endings: &[&str]) -> usize {
    endings
        .iter()
        .find(|e| found.ends_with(*e))
        .map_or(0, |e| e.len())
}

/// The place keys of a free text (an appeal's words, or its location field).
pub fn places(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for m in estates().find_iter(text) {
        let endings = [
            "小区", "花园", "新村", "新城", "家园", "公寓", "大厦", "苑", "村",
        ];
        if let Some(name) = trimmed(m.as_str(), ending_len(m.as_str(), &endings)) {
            keys.push(name.to_string());
        }
    }
    for c in roads().captures_iter(text) {
        let road = &c[1];
        // 街道 is an administrative level (a sub-district), not a street.
        if road.ends_with('街') && text[c.get(1).map_or(0, |m| m.end())..].starts_with('道') {
            continue;
        }
        let Some(name) = trimmed(road, ending_len(road, &["大道", "路", "街", "巷"])) else {
            continue;
        };
        keys.push(name.to_string());
        if let Some(lane) = c.get(2) {
            keys.push(format!("{name}{}", lane.as_str()));
        }
    }
    normalised(keys)
}

/// The place keys of an appeal: those its words name, and its location field's.
pub fn places_of(text: &str, location: &str) -> Vec<String> {
    let mut keys = places(text);
    keys.extend(places(location));
    keys.extend(suqiu_core::care::building_of(location));
    normalised(keys)
}

fn normalised(keys: Vec<String>) -> Vec<String> {
    let mut keys: Vec<String> = keys
        .iter()
        .map(|k| normalise(k).into_iter().collect::<String>())
        .filter(|k| k.chars().count() >= 2)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Whether two appeals are at the same place, as far as their words and locations say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceMatch {
    /// They share a place.
    Same,
    /// Both name places, and none is shared.
    Different,
    /// One of them names none.
    Unknown,
}

/// How two sorted key lists compare.
pub fn place_match(a: &[String], b: &[String]) -> PlaceMatch {
    if same_place(a, b) {
        PlaceMatch::Same
    } else if a.is_empty() || b.is_empty() {
        PlaceMatch::Unknown
    } else {
        PlaceMatch::Different
    }
}

/// Whether two sorted key lists share a place.
pub fn same_place(a: &[String], b: &[String]) -> bool {
    a.iter().any(|k| b.binary_search(k).is_ok())
}
