use proptest::prelude::*;

use super::*;

fn place(org_unit_id: Id, name: &str) -> Place {
    Place {
        org_unit_id,
        name: name.to_string(),
    }
}

/// Three communities: a road through 1 and 2, an estate each, a longer road whose name
/// holds a shorter known one.
fn gazetteer() -> Vec<Place> {
    vec![
        place(1, "荣乐东路"),
        place(2, "荣乐东路"),
        place(1, "谷水苑"),
        place(2, "云间新苑"),
        place(3, "中山中路"),
        place(3, "A1广场"),
        place(4, "中山"),
    ]
}

#[test]
fn an_estate_of_one_community_names_it() {
    let m = match_address("谷水苑 3号楼 402室", &gazetteer());
    let PlaceMatch::One(c) = m else {
        panic!("one: {m:?}")
    };
    assert_eq!((c.org_unit_id, c.matched.as_str()), (1, "谷水苑"));
}

#[test]
fn a_shared_road_offers_each_of_its_communities() {
    let m = match_address("荣乐东路123号门口", &gazetteer());
    let PlaceMatch::Several(cs) = m else {
        panic!("several: {m:?}")
    };
    let ids: Vec<Id> = cs.iter().map(|c| c.org_unit_id).collect();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn the_estate_beside_a_shared_road_settles_it() {
    let m = match_address("荣乐东路云间新苑5号楼", &gazetteer());
    assert_eq!(m.unique(), Some(2));
    // Ranked: 2 (two names), then 1 (the road only).
    let cs = candidates("荣乐东路云间新苑5号楼", &gazetteer());
    let ids: Vec<Id> = cs.iter().map(|c| c.org_unit_id).collect();
    assert_eq!(ids, [2, 1]);
    assert_eq!(cs[0].matched, "荣乐东路");
    assert_eq!(cs[0].names_found, 2);
}

#[test]
fn a_name_inside_a_longer_known_name_does_not_count() {
    // "中山" (4) is inside "中山中路" (3) here …
    assert_eq!(
        match_address("中山中路88号", &gazetteer()).unique(),
        Some(3)
    );
    // … but counts where it stands alone.
    let m = match_address("中山公园旁边", &gazetteer());
    assert_eq!(m.unique(), Some(4));
}

#[test]
fn full_width_digits_and_spaces_are_read_as_typed_on_a_phone() {
    assert_eq!(normalise("Ａ１ 广场\u{3000}３号"), "a1广场3号");
    assert_eq!(match_address("ａ１　广 场", &gazetteer()).unique(), Some(3));
}

#[test]
fn nothing_known_is_nothing() {
    assert_eq!(match_address("我家门口", &gazetteer()), PlaceMatch::None);
    assert_eq!(match_address("", &gazetteer()), PlaceMatch::None);
    assert_eq!(match_address("谷水苑", &[]), PlaceMatch::None);
}

#[test]
fn names_are_trimmed_kept_once_and_held_to_their_length() {
    let given = ["  谷水苑 ", "", "谷水苑", "荣乐东路", "路"];
    let e = check_names("names", &given).unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].field.as_str(), e[0].code),
        ("names", "place_name_length")
    );
    assert!(e[0].message.contains("第 5 行"), "{}", e[0].message);
    let ok = check_names("names", &given[..4]).unwrap();
    assert_eq!(ok, ["谷水苑", "荣乐东路"]);
    let many: Vec<String> = (0..=MAX_NAMES).map(|i| format!("路{i}")).collect();
    let e = check_names("names", &many).unwrap_err();
    assert_eq!(e[0].code, "place_names_too_many");
}

/// Names from a small alphabet (so that some hold others), never holding the filler.
fn names() -> impl Strategy<Value = Vec<(Id, String)>> {
    prop::collection::vec((1..6i64, "[东西南北苑路村新]{2,5}"), 1..12)
}

proptest! {
    /// A known name typed between words that are no name (so no longer name holds it): its
    /// community is among the candidates, and the match is the head of the ranking.
    #[test]
    fn a_name_found_puts_its_community_among_the_candidates(
        names in names(),
        pick in any::<prop::sample::Index>(),
        before in "[0-9号楼室 ]{0,6}",
        after in "[0-9号楼室 ]{0,6}",
    ) {
        let places: Vec<Place> = names.iter().map(|(id, n)| place(*id, n)).collect();
        let chosen = &places[pick.index(places.len())];
        let text = format!("{before}{}{after}", chosen.name);
        let found = candidates(&text, &places);
        prop_assert!(found.iter().any(|c| c.org_unit_id == chosen.org_unit_id),
            "{text} → {found:?}");
        match match_address(&text, &places) {
            PlaceMatch::One(c) => prop_assert_eq!(&c, &found[0]),
            PlaceMatch::Several(cs) => {
                prop_assert!(cs.len() > 1);
                prop_assert_eq!(&cs[..], &found[..cs.len()]);
            }
            PlaceMatch::None => prop_assert!(false, "a name was typed"),
        }
    }

    /// Text holding no known name matches nothing.
    #[test]
    fn no_name_no_community(names in names(), text in "[0-9号楼室 ]{0,20}") {
        let places: Vec<Place> = names.iter().map(|(id, n)| place(*id, n)).collect();
        prop_assert_eq!(match_address(&text, &places), PlaceMatch::None);
    }
}
