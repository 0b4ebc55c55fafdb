use proptest::prelude::*;

use super::*;

const PIPE: &str = "荣乐东路88弄3号楼的水管破裂了，地下室全是水。请尽快派人维修，谢谢！";

#[test]
fn the_same_words_in_other_clothes_are_the_same_text() {
    let a = "荣乐东路88弄3号楼水管破裂，地下室全是水";
    let reordered = "地下室全是水，荣乐东路88弄3号楼水管破裂";
    let full_width = "荣乐东路８８弄３号楼水管破裂！地下室全是水。";
    let typo = "荣乐东路88弄3号楼水管破列，地下室全是水";
    for b in [reordered, full_width, typo] {
        let s = similar(a, b);
        assert!(s >= Rule::default().high, "{b}: {s}");
    }
    assert_eq!(
        similar(a, full_width),
        1.0,
        "punctuation and width do not count"
    );
    assert_eq!(similar("ABC小区", "abc小区"), 1.0, "nor case");
}

#[test]
fn a_title_inside_its_detail_is_alike_and_other_problems_are_not() {
    let title = "荣乐东路88弄3号楼水管破裂地下室积水";
    let detail = format!("{title}，已经三天了，请物业和自来水公司尽快处理");
    assert!(
        similar(title, &detail) >= 0.5,
        "{}",
        similar(title, &detail)
    );
    let other = "佛字桥小区广场舞音响声音太大，晚上十点以后还在跳，影响休息";
    assert!(similar(PIPE, other) < 0.1, "{}", similar(PIPE, other));
    assert_eq!(similar("", PIPE), 0.0);
    assert_eq!(
        similar("", ""),
        0.0,
        "nothing is like nothing: no group of empties"
    );
}

#[test]
fn places_are_estates_roads_lanes_and_the_building() {
    assert_eq!(places(PIPE), ["荣乐东路", "荣乐东路88弄"]);
    let p = places("座落在A市A3区联丰路米兰春天G2栋，丽发小区旁边");
    assert!(
        p.contains(&"联丰路".into()) && p.contains(&"丽发小区".into()),
        "{p:?}"
    );
    assert!(
        !p.iter().any(|k| k.contains('区') && !k.ends_with("小区")),
        "{p:?}"
    );
    let p = places("反映A7县春华镇金鼎村水泥路问题，农村道路太差");
    assert_eq!(p, ["金鼎村"], "农村, 水泥路 and 道路 name no place");
    assert!(places("A3区西湖街道茶场村").contains(&"茶场村".into()));
    assert!(!places("楚龙街道").iter().any(|k| k.contains("楚龙街")));
    // 武广新城 is an estate of its own; 伊景园滨河苑 gives one key wherever the pattern began.
    let long = places("投诉武广新城伊景园滨河苑捆绑销售");
    assert_eq!(long, ["景园滨河苑", "武广新城"]);
    assert_eq!(places("A市伊景园滨河苑捆绑销售"), ["景园滨河苑"]);
    let p = places_of("水管破裂", "佛字桥小区3号楼201室");
    assert_eq!(p, ["佛字桥小区", "佛字桥小区3号楼"], "the room is no place");
    assert!(same_place(&p, &places_of("楼道漏水", "佛字桥小区5号楼")));
    assert!(!same_place(&p, &places_of("楼道漏水", "新凯家园")));
}

#[test]
fn the_rule_needs_the_same_place_for_a_moderate_score() {
    let r = Rule::default();
    use PlaceMatch::*;
    assert_eq!(r.judge(1.0, Different), Some(Why::SameText));
    assert_eq!(r.judge(0.6, Unknown), Some(Why::SimilarText));
    assert_eq!(
        r.judge(0.6, Different),
        None,
        "one template about two estates"
    );
    assert_eq!(r.judge(0.85, Different), Some(Why::SimilarText));
    assert_eq!(r.judge(0.35, Same), Some(Why::SamePlace));
    assert_eq!(r.judge(0.35, Unknown), None);
    assert_eq!(r.judge(0.1, Same), None);
}

#[test]
fn the_index_finds_a_neighbour_writing_differently_at_the_same_place() {
    let mut index = NearDupIndex::new(Rule::default());
    let day = 86_400;
    index.insert(1, PIPE, "", Some(0));
    index.insert(
        2,
        "佛字桥小区广场舞噪音扰民，晚上十点还在跳",
        "佛字桥小区",
        Some(0),
    );
    index.insert(3, PIPE, "", Some(-90 * day));
    let neighbour = "3号楼水管爆了，地下室全是水，请派人来修";
    let found = index.query(neighbour, "荣乐东路88弄", Some(2 * day), Some(30 * day));
    assert_eq!(
        found.iter().map(|m| m.id).collect::<Vec<_>>(),
        [1],
        "{found:?}"
    );
    assert_eq!(found[0].why, Why::SamePlace);
    let elsewhere = index.query(neighbour, "", Some(2 * day), Some(30 * day));
    assert!(
        elsewhere.is_empty(),
        "without the place it is not enough: {elsewhere:?}"
    );
    let same = index.query(PIPE, "", None, None);
    assert_eq!(same.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 3]);
    assert!(same
        .iter()
        .all(|m| m.why == Why::SameText && m.score == 1.0));
}

#[test]
fn keys_are_stable_and_non_negative() {
    let n = NearDup::of(PIPE, "荣乐东路88弄");
    let keys = n.keys();
    assert_eq!(keys, NearDup::of(PIPE, "荣乐东路88弄").keys());
    assert!(keys.iter().all(|&k| k >= 0));
    assert_eq!(keys.len(), 32 + n.places.len());
    // Written down once: a stored key must mean the same after any rebuild.
    assert_eq!(
        Fingerprint::of("水管").shingles,
        [6_096_849_093_118_825_245]
    );
}

#[test]
fn times_as_exports_write_them() {
    let t = parse_time("2019/2/28 11:25:05").unwrap();
    assert_eq!(parse_time("2019-02-28T11:25:05"), Some(t));
    assert_eq!(parse_time("2019-02-28 11:25:05"), Some(t));
    assert_eq!(parse_time("2019-02-28T19:25:05+08:00"), Some(t));
    assert_eq!(parse_time("2019/2/28"), Some(t - 11 * 3600 - 25 * 60 - 5));
    assert_eq!(parse_time("2019-02-28"), parse_time("2019/2/28"));
    for bad in ["", "昨天", "2019/2/30", "28/2/2019"] {
        assert_eq!(parse_time(bad), None, "{bad}");
    }
}

#[test]
fn groups_join_chains_and_leave_singletons_out() {
    let item = |text: &str, time| Item {
        text: text.into(),
        location: String::new(),
        time: Some(time),
    };
    let other = "佛字桥小区广场舞噪音扰民，晚上十点还在跳";
    let items = [
        item(PIPE, 0),
        item(other, 0),
        item("电梯坏了一个月没人修，老人上下楼很困难", 0),
        item(PIPE, 60),
        item(&format!("{other}，请管一管"), 100),
        item(PIPE, 120),
        item(PIPE, 100 * 86_400),
    ];
    let g = groups(&items, Rule::default(), Some(30 * 86_400));
    assert_eq!(
        g.iter().map(|g| g.members.clone()).collect::<Vec<_>>(),
        [vec![0, 3, 5], vec![1, 4]]
    );
    assert_eq!(g[0].central, 0);
    let g = groups(&items, Rule::default(), None);
    assert_eq!(g[0].members, [0, 3, 5, 6], "no window: any time");
    assert_eq!(first_sentence("  水管破裂！请修\n第二行"), "水管破裂");
}

/// Sentences of appeals, to build texts from.
fn sentence() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "荣乐东路88弄3号楼水管破裂",
        "地下室全是水已经三天了",
        "物业一直没有来处理",
        "晚上十点以后广场舞音响还很响",
        "小区门口的路灯坏了很久",
        "电梯经常停运老人上下楼困难",
        "请相关部门尽快解决为盼",
    ])
    .prop_map(String::from)
}

proptest! {
    #[test]
    fn similarity_is_symmetric_and_bounded(a in "[水管破裂小区噪音电梯a-c0-9，。 ]{0,30}", b in "[水管破裂小区噪音电梯a-c0-9，。 ]{0,30}") {
        let (ab, ba) = (similar(&a, &b), similar(&b, &a));
        prop_assert_eq!(ab, ba);
        prop_assert!((0.0..=1.0).contains(&ab));
    }

    #[test]
    fn a_text_is_its_own_nearest_duplicate(texts in prop::collection::vec(prop::collection::vec(sentence(), 2..5), 1..6)) {
        let texts: Vec<String> = texts.iter().map(|s| s.join("，")).collect();
        let mut index = NearDupIndex::new(Rule::default());
        for (i, t) in texts.iter().enumerate() {
            index.insert(i as i64, t, "", None);
        }
        for t in &texts {
            let found = index.query(t, "", None, None);
            prop_assert!(!found.is_empty());
            prop_assert_eq!(found[0].score, 1.0);
            // Itself among the best (texts of the same sentences may tie with it).
            let best: Vec<&str> = (found.iter().filter(|m| m.score == 1.0))
                .map(|m| texts[m.id as usize].as_str())
                .collect();
            prop_assert!(best.contains(&t.as_str()));
        }
    }

    #[test]
    fn reordering_sentences_keeps_it_a_duplicate(mut s in prop::collection::vec(sentence(), 2..6), seed in any::<u64>()) {
        let text = s.join("。");
        let n = s.len();
        s.rotate_left((seed as usize) % n);
        s.swap(0, n - 1);
        let reordered = s.join("。");
        prop_assert!(similar(&text, &reordered) >= Rule::default().high, "{text} / {reordered}");
        let mut index = NearDupIndex::new(Rule::default());
        index.insert(7, &text, "", None);
        prop_assert_eq!(index.query(&reordered, "", None, None).len(), 1);
    }
}
