//! The generator's checks, and the data file's.

use super::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use std::collections::{BTreeSet, HashSet};

const COMMUNITIES: &[&str] = &["佛字桥居民区", "蓝天一村居民区", "汤村村", "仓城居民区"];

fn sample(seed: u64, n: usize) -> Vec<DemoAppealText> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| generate(&mut rng, COMMUNITIES[i % COMMUNITIES.len()]))
        .collect()
}

#[test]
fn enough_templates() {
    assert!(template_count() >= 60, "{}", template_count());
    for t in &corpus().templates {
        assert!(!t.kinds.is_empty() && !t.titles.is_empty() && !t.parts.is_empty());
        assert!(t.parts.iter().all(|p| !p.is_empty()));
        assert!(t.weight > 0);
    }
}

#[test]
fn every_code_is_in_the_default_taxonomy() {
    let tax = suqiu_core::category::default_taxonomy();
    let known: HashSet<String> = tax.iter().map(|c| c.code.to_string()).collect();
    for code in category_codes() {
        assert!(known.contains(code), "{code} is not in default_taxonomy()");
        assert!(code.contains('.'), "{code} is not second-level");
    }
}

#[test]
fn every_category_and_kind_is_reachable() {
    let v = sample(7, 5_000);
    let firsts: BTreeSet<&str> = v
        .iter()
        .map(|a| a.category.split('.').next().unwrap())
        .collect();
    let expected = [
        "livelihood_aid",
        "health",
        "elder_care",
        "emotional_support",
        "public_facilities",
        "property_management",
        "violations",
        "neighbour_disputes",
        "member_rights",
        "organization_life",
        "jobs_business",
        "suggestions",
    ];
    for e in expected {
        assert!(firsts.contains(e), "{e} never generated");
    }
    assert_eq!(firsts.len(), 12);
    let kinds: HashSet<Kind> = v.iter().map(|a| a.kind).collect();
    for k in Kind::ALL {
        assert!(kinds.contains(k), "{k} never generated");
    }
    let codes: HashSet<&str> = v.iter().map(|a| a.category).collect();
    assert_eq!(
        codes.len(),
        category_codes().len(),
        "every second level too"
    );
}

#[test]
fn urgent_share_is_small() {
    let v = sample(11, 20_000);
    let urgent = v.iter().filter(|a| a.urgency == Urgency::Urgent).count();
    let share = urgent as f64 / v.len() as f64;
    assert!((0.02..=0.10).contains(&share), "urgent share {share}");
}

#[test]
fn first_thousand_are_distinct() {
    let v = sample(3, 1_000);
    let set: HashSet<&str> = v.iter().map(|a| a.content.as_str()).collect();
    assert_eq!(set.len(), v.len());
}

#[test]
fn titles_are_short_and_texts_complete() {
    for a in sample(5, 20_000) {
        let n = a.title.chars().count();
        assert!((1..=20).contains(&n), "title {:?} has {n} chars", a.title);
        assert!(
            !a.content.contains('{') && !a.content.contains('}'),
            "{}",
            a.content
        );
        assert!(!a.title.contains('{') && !a.location.contains('{'));
        assert!(a.content.chars().count() >= 30, "{}", a.content);
        assert!(a.content.ends_with('。'), "{}", a.content);
        assert!(!a.location.is_empty());
    }
}

#[test]
fn villages_read_like_villages() {
    let mut rng = StdRng::seed_from_u64(9);
    let (mut groups, mut flats) = (0, 0);
    for _ in 0..2_000 {
        let a = generate(&mut rng, "汤村村");
        assert!(!a.content.contains("居委"), "{}", a.content);
        assert!(!a.content.contains("组1单元") && !a.content.contains("组一楼"));
        if a.content.contains("组") && a.content.contains("号") {
            groups += 1;
        }
        flats += usize::from(a.content.contains("号楼"));
    }
    assert!(groups > 100 && flats > 100, "{groups} {flats}");
    let mut rng = StdRng::seed_from_u64(9);
    for _ in 0..2_000 {
        let a = generate(&mut rng, "佛字桥居民区");
        assert!(!a.content.contains("村委") && !a.content.contains("村民"));
        assert!(!a.content.contains("宅基地"), "{}", a.content);
    }
}

fn valid_phone(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(|c| c.is_ascii_digit())
}

#[test]
fn phones_are_valid() {
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..10_000 {
        let p = phone(&mut rng);
        assert!(valid_phone(&p), "{p}");
        // And the server's own validator keeps it as is.
        assert_eq!(
            suqiu_core::validate::validate_phone(&p).ok(),
            Some(p.clone())
        );
    }
    assert!(!valid_phone("12345678901"));
    assert!(!valid_phone("1381234567"));
    assert!(!valid_phone("1381234567a"));
}

#[test]
fn names_look_chinese() {
    let mut rng = StdRng::seed_from_u64(2);
    let mut genders = HashSet::new();
    let mut names = HashSet::new();
    for _ in 0..2_000 {
        let (n, g) = person_name_with_gender(&mut rng);
        let len = n.chars().count();
        assert!((2..=3).contains(&len), "{n}");
        assert!(
            n.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{n}"
        );
        genders.insert(g);
        names.insert(n);
    }
    assert_eq!(genders.len(), 2);
    assert!(names.len() > 1_000, "only {} distinct names", names.len());
    assert!(!person_name(&mut rng).is_empty());
}

#[test]
fn deterministic_for_a_seed() {
    assert_eq!(sample(42, 200), sample(42, 200));
    assert_ne!(sample(42, 50), sample(43, 50));
}

/// Every `{slot}` a template or an opener uses is one the generator fills, in a flat and
/// in a village alike (an unknown slot would be written out as its bare name).
#[test]
fn every_slot_used_exists() {
    let c = corpus();
    let mut texts: Vec<&str> = c
        .openers
        .open
        .iter()
        .chain(&c.openers.openb)
        .map(String::as_str)
        .collect();
    for t in &c.templates {
        texts.extend(t.titles.iter().map(String::as_str));
        texts.extend(t.parts.iter().flatten().map(String::as_str));
        texts.push(&t.location);
    }
    let mut rng = StdRng::seed_from_u64(4);
    let contexts = [
        slots::Ctx::new(&mut rng, "佛字桥居民区", false),
        slots::Ctx::new(&mut rng, "汤村村", true),
    ];
    let mut seen = 0;
    for text in texts {
        for piece in text.split('{').skip(1) {
            let key = &piece[..piece
                .find('}')
                .unwrap_or_else(|| panic!("unclosed slot in {text}"))];
            for ctx in &contexts {
                let mut out = String::new();
                assert!(
                    slots::slot(&mut out, key, ctx, &mut rng),
                    "unknown slot {{{key}}} in {text}"
                );
                assert!(!out.is_empty(), "{{{key}}} writes nothing");
            }
            seen += 1;
        }
    }
    assert!(seen > 500, "only {seen} slots found");
    let mut out = String::new();
    assert!(!slots::slot(
        &mut out,
        "no_such_slot",
        &contexts[0],
        &mut rng
    ));
}

/// The file parses (`corpus()` panics otherwise), every template's category is in the
/// default taxonomy, and every list a draw picks from has something to pick.
#[test]
fn the_data_file_is_complete() {
    let c = corpus();
    let known: HashSet<String> = suqiu_core::category::default_taxonomy()
        .iter()
        .map(|cat| cat.code.to_string())
        .collect();
    for t in &c.templates {
        assert!(
            known.contains(&t.category),
            "{} is not in default_taxonomy()",
            t.category
        );
        assert!(!t.location.is_empty(), "{} has no location", t.category);
    }
    for w in &c.words {
        assert!(!w.values.is_empty(), "no values for {{{}}}", w.slot);
    }
    for n in &c.numbers {
        assert!(n.min <= n.max && n.step > 0, "bad range for {{{}}}", n.slot);
    }
    let names = &c.names;
    let lists = [
        &c.openers.open,
        &c.openers.openb,
        &c.estates.listed,
        &c.estates.suffixes,
        &c.estates.village_suffixes,
        &c.roads,
        &c.phone_prefixes,
        &names.surnames,
        &names.shanghai_surnames,
    ];
    assert!(lists
        .iter()
        .chain(&names.male.each_ref())
        .chain(&names.female.each_ref())
        .all(|l| !l.is_empty()));
    assert!(c.roads.len() > 7, "two_roads steps seven roads on");
}

/// What the public reads of the demo's appeals names nobody: every name the corpus writes
/// into a text (a resident, a party member, a neighbour, a cadre thanked, several who wrote
/// together) is taken out by `suqiu_core::privacy::redact`, though none is the appellant's.
#[test]
fn the_public_reads_no_name_the_corpus_writes() {
    let names = &corpus().names;
    let full: HashSet<String> = names
        .surnames
        .iter()
        .chain(names.shanghai_surnames.iter())
        .flat_map(|s| {
            names
                .male
                .iter()
                .chain(names.female.iter())
                .flatten()
                .map(move |g| format!("{s}{g}"))
        })
        .collect();
    let mut left = Vec::new();
    for t in sample(11, 20_000) {
        for text in [&t.title, &t.content, &t.location] {
            let public: Vec<char> = suqiu_core::privacy::redact(text, &[]).chars().collect();
            for len in [2, 3] {
                for w in public.windows(len) {
                    let name: String = w.iter().collect();
                    if full.contains(&name) {
                        left.push(format!("{name} in {}", public.iter().collect::<String>()));
                    }
                }
            }
        }
    }
    assert!(
        left.is_empty(),
        "{} left, e.g. {:?}",
        left.len(),
        &left[..left.len().min(20)]
    );
}
