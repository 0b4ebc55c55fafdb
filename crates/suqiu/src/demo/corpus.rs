//! Realistic synthetic appeals (诉求) for the demo district and the benchmarks.
//!
//! Each appeal comes from a scenario template written the way residents and station staff
//! actually put things ("3号楼402室独居老人张阿婆（82岁）反映家中水管老化漏水……"). A template
//! fixes the category, the plausible kinds and whether the matter is urgent; its text is a
//! chain of parts, each picked from a few alternatives, with slots (`{addr}`, `{elder}`,
//! `{dur}` …) filled per appeal. The slot values of one appeal are drawn once, so a name or a
//! room number stays the same throughout its text.
//!
//! The templates and the tables the slots draw from are data, in `corpus.json` next to this
//! file, compiled in and parsed once. This module holds only what is not a table: how an
//! address or a name is put together, and which slots are drawn in which order (the order
//! fixes which appeals a seed gives, which the benchmarks and tests rely on).
//!
//! All names, phone numbers and addresses are made up. Generation is a handful of random
//! draws and string pushes: no regex, no parsing beyond a `{`/`}` scan.

use std::fmt::Write as _;
use std::sync::OnceLock;

use rand::seq::SliceRandom;
use rand::Rng;
use serde::Deserialize;
use suqiu_core::appeal::{Kind, Urgency};
use suqiu_core::person::Gender;

/// The text of one synthetic appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAppealText {
    /// A second-level code of `suqiu_core::category::default_taxonomy()`.
    pub category: &'static str,
    pub kind: Kind,
    pub urgency: Urgency,
    /// A short summary, at most 20 characters.
    pub title: String,
    pub content: String,
    /// Free-text location, e.g. "佛字桥居民区 3号楼" or "荣乐东路与乐都路交叉口".
    pub location: String,
}

/// One appeal for a community (居民区 or 村) named `community_name`.
pub fn generate(rng: &mut impl Rng, community_name: &str) -> DemoAppealText {
    let village = is_village(community_name);
    let t = loop {
        let t = pick_template(rng);
        if village || t.fit != Fit::Village {
            break t;
        }
    };
    let rural = match t.fit {
        Fit::Any => village && rng.gen_bool(0.5),
        Fit::Flat => false,
        Fit::Village => true,
    };
    let ctx = Ctx::new(rng, community_name, rural);
    let kind = *t.kinds.choose(rng).expect("template has kinds");

    let mut title = String::with_capacity(48);
    render(&mut title, t.titles.choose(rng).expect("titles"), &ctx, rng);

    let mut content = String::with_capacity(512);
    for part in &t.parts {
        render(
            &mut content,
            part.choose(rng).expect("alternatives"),
            &ctx,
            rng,
        );
    }

    let mut location = String::with_capacity(64);
    render(&mut location, &t.location, &ctx, rng);

    DemoAppealText {
        category: &t.category,
        kind,
        urgency: if t.urgent {
            Urgency::Urgent
        } else {
            Urgency::Normal
        },
        title,
        content,
        location,
    }
}

/// A realistic Chinese full name (surname by frequency × a given name of either gender and
/// any generation).
pub fn person_name(rng: &mut impl Rng) -> String {
    person_name_with_gender(rng).0
}

/// A realistic Chinese full name and the gender its given name was drawn for.
pub fn person_name_with_gender(rng: &mut impl Rng) -> (String, Gender) {
    let gender = if rng.gen_bool(0.5) {
        Gender::Female
    } else {
        Gender::Male
    };
    let mut s = String::with_capacity(12);
    s.push_str(surname(rng));
    let generation = rng.gen_range(0..3);
    s.push_str(given_name_of(rng, gender == Gender::Female, generation));
    (s, gender)
}

/// A valid mainland mobile number: a real carrier prefix (1[3-9]x) and eight digits.
pub fn phone(rng: &mut impl Rng) -> String {
    let mut s = String::with_capacity(11);
    s.push_str(corpus().phone_prefixes.choose(rng).expect("prefixes"));
    let rest: u32 = rng.gen_range(0..100_000_000);
    let _ = write!(s, "{rest:08}");
    s
}

/// Every category code the generator can emit (for checks against the taxonomy).
pub fn category_codes() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = corpus()
        .templates
        .iter()
        .map(|t| t.category.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// How many scenario templates there are.
pub fn template_count() -> usize {
    corpus().templates.len()
}

// ---------------------------------------------------------------------------------------
// The data
// ---------------------------------------------------------------------------------------

/// `corpus.json`, as parsed. Keys named `about` in the file are notes for its readers.
#[derive(Deserialize)]
struct Corpus {
    openers: Openers,
    estates: Estates,
    roads: Vec<String>,
    /// Slots filled with one word of a list, drawn in this order.
    words: Vec<WordSlot>,
    /// Slots filled with a number in a range, drawn in this order.
    numbers: Vec<NumberSlot>,
    phone_prefixes: Vec<String>,
    names: Names,
    templates: Vec<Template>,
}

#[derive(Deserialize)]
struct Template {
    category: String,
    /// Picked uniformly; repeat a kind to weight it.
    kinds: Vec<Kind>,
    urgent: bool,
    /// Which communities the scenario fits.
    fit: Fit,
    /// Relative frequency.
    weight: u32,
    titles: Vec<String>,
    /// The content is one alternative of each part, in order.
    parts: Vec<Vec<String>>,
    location: String,
}

/// Which communities a scenario fits, and how its addresses read there.
#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Fit {
    /// Anywhere. In a village (村) the address is a house in a village group ("5组28号")
    /// half of the time, a flat in the village's resettlement estate (动迁安置小区) otherwise.
    Any,
    /// Needs blocks of flats (stairwells, floors, lifts, a property company): in a village it
    /// happens in the resettlement estate.
    Flat,
    /// Villages only: homesteads, village committees.
    Village,
}

/// How an appeal begins, rendered in place of `{open}` and `{openb}`.
#[derive(Deserialize)]
struct Openers {
    /// The appellant speaks about their own home.
    open: Vec<String>,
    /// The matter is a building's or the estate's.
    openb: Vec<String>,
}

#[derive(Deserialize)]
struct Estates {
    /// Made-up estate names, used for one appeal in three.
    listed: Vec<String>,
    /// Otherwise the community's name with one of these.
    suffixes: Vec<String>,
    /// … or, for a village, with one of these (its resettlement estate).
    village_suffixes: Vec<String>,
}

#[derive(Deserialize)]
struct WordSlot {
    slot: String,
    values: Vec<String>,
}

#[derive(Deserialize)]
struct NumberSlot {
    slot: String,
    min: u32,
    max: u32,
    /// The drawn number is multiplied by this (amounts in round tens or hundreds).
    #[serde(default = "one")]
    step: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
struct Names {
    /// The most common first.
    surnames: Vec<String>,
    shanghai_surnames: Vec<String>,
    /// Given names by generation: born 1930s–1950s, 1960s–1980s, 1990s on.
    male: [Vec<String>; 3],
    female: [Vec<String>; 3],
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        serde_json::from_str(include_str!("corpus.json")).expect("demo/corpus.json parses")
    })
}

/// Cumulative weights of the templates.
fn cumulative() -> &'static [u32] {
    static CUM: OnceLock<Vec<u32>> = OnceLock::new();
    CUM.get_or_init(|| {
        let mut acc = 0;
        corpus()
            .templates
            .iter()
            .map(|t| {
                acc += t.weight;
                acc
            })
            .collect()
    })
}

fn pick_template(rng: &mut impl Rng) -> &'static Template {
    let cum = cumulative();
    let x = rng.gen_range(0..*cum.last().expect("templates"));
    let i = cum.partition_point(|&c| c <= x);
    &corpus().templates[i]
}

// ---------------------------------------------------------------------------------------
// Slots
// ---------------------------------------------------------------------------------------

mod slots;
use slots::{render, Ctx};

/// A village (村) rather than a residential community (居民区).
fn is_village(community_name: &str) -> bool {
    community_name.ends_with('村')
}

/// A community's name without 居民区 or 村 (what its estates are named after), and whether
/// it is a village.
fn stem(community_name: &str) -> (&str, bool) {
    if let Some(s) = community_name.strip_suffix("居民区") {
        (s, false)
    } else if let Some(s) = community_name.strip_suffix('村') {
        (s, true)
    } else {
        (community_name, false)
    }
}

/// The demo gazetteer's place names for the `index`th community, named `community_name`:
/// the estates its appeals are written at (its name with each suffix the corpus gives it, and
/// a village's own name), one of the corpus's listed estates, and two of its roads — a road
/// falls to several communities, as real roads do.
pub fn place_names(community_name: &str, index: usize) -> Vec<String> {
    let c = corpus();
    let (stem, village) = stem(community_name);
    let suffixes = if village {
        &c.estates.village_suffixes
    } else {
        &c.estates.suffixes
    };
    let mut names: Vec<String> = suffixes
        .iter()
        .map(|suffix| {
            let bare = !village && (stem.ends_with('村') || stem.ends_with('苑'));
            format!("{stem}{}", if bare { "" } else { suffix.as_str() })
        })
        .collect();
    if village {
        names.push(community_name.to_string());
    }
    names.push(c.estates.listed[index % c.estates.listed.len()].clone());
    names.push(c.roads[index % c.roads.len()].clone());
    names.push(c.roads[(index * 5 + 11) % c.roads.len()].clone());
    names.sort();
    names.dedup();
    names
}

fn pick<'c>(rng: &mut impl Rng, xs: &'c [String]) -> &'c str {
    &xs[rng.gen_range(0..xs.len())]
}

fn surname(rng: &mut impl Rng) -> &'static str {
    let names = &corpus().names;
    if rng.gen_ratio(1, 3) {
        pick(rng, &names.shanghai_surnames)
    } else {
        // Rough Zipf: the lower half of the list twice as often as the upper.
        let i = rng.gen_range(0..names.surnames.len());
        let j = rng.gen_range(0..names.surnames.len());
        &names.surnames[i.min(j)]
    }
}

fn given_name_of(rng: &mut impl Rng, female: bool, generation: usize) -> &'static str {
    let names = &corpus().names;
    let pool = if female { &names.female } else { &names.male };
    pick(rng, &pool[generation.min(2)])
}

#[cfg(test)]
mod tests;
