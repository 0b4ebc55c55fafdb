use super::*;

#[test]
fn a_block_is_a_building_as_the_register_writes_it() {
    assert_eq!(
        building_of("佛字桥小区3号楼201室").as_deref(),
        Some("佛字桥小区3号楼")
    );
    assert_eq!(
        building_of(" 人民北路123弄45号 ").as_deref(),
        Some("人民北路123弄45号")
    );
    assert_eq!(
        building_of("黄渡浜小区5栋2单元").as_deref(),
        Some("黄渡浜小区5栋")
    );
    assert_eq!(building_of("仓桥苑Ｂ座１２０２").as_deref(), None);
    assert_eq!(building_of("仓桥苑B座1202").as_deref(), Some("仓桥苑B座"));
    assert_eq!(building_of("岳阳街道"), None);
    let register = [
        "佛字桥小区3号楼201室",
        "佛字桥小区3号楼502室",
        "佛字桥小区5号楼",
    ];
    assert_eq!(buildings(register), ["佛字桥小区3号楼", "佛字桥小区5号楼"]);
    assert!(block_matches("佛字桥小区3号楼", register));
    assert!(
        !block_matches("3号楼", register),
        "not how the register writes it"
    );
    assert!(!block_matches("  ", register));
}

use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn every(tag: CareTag, days: u32) -> VisitRule {
    VisitRule {
        tag,
        cadence: Cadence::Every { days },
    }
}

#[test]
fn spring_festival_table_is_ordered_and_matches_the_work_calendar() {
    for pair in SPRING_FESTIVAL.windows(2) {
        assert_eq!(pair[1].0, pair[0].0 + 1);
    }
    // The State Council's 2025 and 2026 holidays (data/calendar) include 春节 itself.
    let cal = crate::calendar::WorkCalendar::builtin();
    for year in [2025, 2026] {
        let day = Holiday::SpringFestival.date(year).unwrap();
        assert_eq!(cal.holiday_name(day), Some("春节"), "{day}");
    }
    assert_eq!(Holiday::SpringFestival.date(2019), None);
    assert_eq!(Holiday::PartyDay.date(2031), Some(d(2031, 7, 1)));
}

#[test]
fn weekly_visit_falls_due_the_day_before_and_overdue_after() {
    let rules = default_rules();
    let tags = [CareTag::LivingAlone];
    let last = Some(d(2026, 3, 2));
    let at = |day| next_visit(&tags, &rules, last, d(2026, 3, day)).unwrap();
    assert_eq!(at(3).status, DueStatus::Upcoming);
    assert_eq!(at(8).status, DueStatus::Due, "lead of one day");
    assert_eq!(at(9).status, DueStatus::Due);
    assert_eq!(at(9).due_on, Some(d(2026, 3, 9)));
    assert_eq!(at(10).status, DueStatus::Overdue);
    assert_eq!(at(10).rule, every(CareTag::LivingAlone, 7));
}

#[test]
fn never_visited_is_overdue_without_a_date() {
    let v = next_visit(
        &[CareTag::NeedyMember],
        &default_rules(),
        None,
        d(2026, 5, 1),
    )
    .unwrap();
    assert_eq!(v.status, DueStatus::Overdue);
    assert_eq!(v.due_on, None);
    assert_eq!(v.rule, every(CareTag::NeedyMember, 30));
}

#[test]
fn no_tag_no_rule() {
    assert_eq!(next_visit(&[], &default_rules(), None, d(2026, 5, 1)), None);
    assert_eq!(
        next_visit(&[CareTag::Disabled], &default_rules(), None, d(2026, 5, 1)),
        None
    );
}

#[test]
fn the_strictest_rule_wins() {
    let rules = default_rules();
    let tags = [CareTag::Aged80Plus, CareTag::LivingAlone];
    let v = next_visit(&tags, &rules, Some(d(2026, 5, 1)), d(2026, 5, 20)).unwrap();
    assert_eq!(v.rule.tag, CareTag::LivingAlone);
    assert_eq!(v.status, DueStatus::Overdue);
    assert_eq!(strictest_interval(&tags, &rules), Some(7));
}

#[test]
fn spring_festival_window_is_the_fourteen_days_before() {
    // 春节 2027 is 6 February: the window is 23 January – 5 February.
    let rules = [VisitRule {
        tag: CareTag::NeedyResident,
        cadence: Cadence::BeforeHoliday {
            holiday: Holiday::SpringFestival,
            days: 14,
        },
    }];
    let tags = [CareTag::NeedyResident];
    let status = |last: Option<NaiveDate>, today| next_visit(&tags, &rules, last, today).unwrap();
    let before = status(None, d(2027, 1, 22));
    assert_eq!(before.status, DueStatus::Upcoming);
    assert_eq!(before.due_on, Some(d(2027, 2, 5)));
    assert_eq!(status(None, d(2027, 1, 23)).status, DueStatus::Due);
    assert_eq!(status(None, d(2027, 2, 5)).status, DueStatus::Due);
    // Visited in the window: done until next year's (春节 2028 is 26 January).
    let done = status(Some(d(2027, 1, 30)), d(2027, 2, 1));
    assert_eq!(done.status, DueStatus::Upcoming);
    assert_eq!(done.due_on, Some(d(2028, 1, 25)));
    // A visit before the window opened does not count.
    assert_eq!(
        status(Some(d(2027, 1, 10)), d(2027, 1, 25)).status,
        DueStatus::Due
    );
    // On the holiday itself the window has passed: the next is next year's.
    let on_the_day = status(None, d(2027, 2, 6));
    assert_eq!(on_the_day.status, DueStatus::Upcoming);
    assert_eq!(on_the_day.due_on, Some(d(2028, 1, 25)));
}

#[test]
fn july_first_window_crosses_into_june() {
    let rules = [VisitRule {
        tag: CareTag::ElderlyMember,
        cadence: Cadence::BeforeHoliday {
            holiday: Holiday::PartyDay,
            days: 14,
        },
    }];
    let v = next_visit(&[CareTag::ElderlyMember], &rules, None, d(2026, 6, 17)).unwrap();
    assert_eq!(v.status, DueStatus::Due);
    assert_eq!(v.due_on, Some(d(2026, 6, 30)));
    let v = next_visit(&[CareTag::ElderlyMember], &rules, None, d(2026, 6, 16)).unwrap();
    assert_eq!(v.status, DueStatus::Upcoming);
}

#[test]
fn holiday_beyond_the_table_is_silent() {
    let rules = [VisitRule {
        tag: CareTag::NeedyResident,
        cadence: Cadence::BeforeHoliday {
            holiday: Holiday::SpringFestival,
            days: 14,
        },
    }];
    assert_eq!(
        next_visit(&[CareTag::NeedyResident], &rules, None, d(2036, 3, 1)),
        None
    );
}

#[test]
fn rules_are_validated() {
    assert_eq!(validate_rules(&default_rules()), Ok(()));
    let bad = [
        every(CareTag::LivingAlone, 0),
        every(CareTag::LivingAlone, 7),
        VisitRule {
            tag: CareTag::Disabled,
            cadence: Cadence::BeforeHoliday {
                holiday: Holiday::PartyDay,
                days: 61,
            },
        },
    ];
    let errors = validate_rules(&bad).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["rules[0].days", "rules[1]", "rules[2].days"]);
}

#[test]
fn rules_read_as_documented() {
    let rule: VisitRule = serde_json::from_str(
        r#"{"tag":"needy_member","kind":"before_holiday","holiday":"spring_festival","days":14}"#,
    )
    .unwrap();
    assert_eq!(rule.label_zh(), "困难党员 春节前14天内");
    let json = serde_json::to_string(&every(CareTag::LivingAlone, 7)).unwrap();
    assert_eq!(json, r#"{"tag":"living_alone","kind":"every","days":7}"#);
}

#[test]
fn on_time_counts_gaps_across_the_period() {
    let (from, to) = (d(2026, 3, 1), d(2026, 3, 31));
    // Weekly, visited 27 Feb, then 6, 13, 20, 27 March: no gap over 7 days.
    let weekly = [
        d(2026, 3, 6),
        d(2026, 3, 13),
        d(2026, 3, 20),
        d(2026, 3, 27),
    ];
    assert!(visited_on_time(7, Some(d(2026, 2, 27)), &weekly, from, to));
    // Last visit 20 Feb: 20 Feb → 6 March is 14 days.
    assert!(!visited_on_time(7, Some(d(2026, 2, 20)), &weekly, from, to));
    // Never visited before: already overdue when the period began (the due list says
    // so), unless seen on its first day.
    assert!(!visited_on_time(7, None, &weekly, from, to));
    assert!(!visited_on_time(30, None, &[d(2026, 3, 15)], from, to));
    let from_day_one = [d(2026, 3, 1), weekly[0], weekly[1], weekly[2], weekly[3]];
    assert!(visited_on_time(7, None, &from_day_one, from, to));
    // The end of the period counts: nothing after 20 March.
    assert!(!visited_on_time(
        7,
        Some(d(2026, 2, 27)),
        &weekly[..3],
        from,
        to
    ));
}

#[test]
fn coverage_rate_is_null_with_no_one_to_count() {
    assert_eq!(Coverage::new(0, 0).rate, None);
    assert_eq!(Coverage::new(4, 3).rate, Some(0.75));
}

proptest! {
    /// A visit today settles every rule: nothing is due or overdue afterwards.
    #[test]
    fn a_visit_today_settles_every_rule(day in 0u32..5000, mask in 0u16..1024) {
        let today = add_days(d(2020, 1, 1), day);
        let tags: Vec<CareTag> = CareTag::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, t)| *t)
            .collect();
        if let Some(v) = next_visit(&tags, &default_rules(), Some(today), today) {
            prop_assert_eq!(v.status, DueStatus::Upcoming, "{:?}", v);
        }
    }

    /// A later last visit never makes an interval rule more pressing.
    #[test]
    fn later_visits_push_the_due_date(last in 0u32..3000, later in 0u32..60, gap in 0u32..400, days in 1u32..=366) {
        let rule = every(CareTag::LivingAlone, days);
        let first = add_days(d(2020, 1, 1), last);
        let second = add_days(first, later);
        let today = add_days(second, gap);
        let a = rule_status(&rule, Some(first), today).unwrap();
        let b = rule_status(&rule, Some(second), today).unwrap();
        prop_assert!(pressing_order(&b) >= pressing_order(&a));
        prop_assert_eq!(a.status == DueStatus::Overdue, gap + later > days);
    }

    /// Visiting exactly every `days` days is on time; one gap a day longer is not.
    #[test]
    fn regular_visits_are_on_time(days in 1u32..40, n in 1usize..12, late_at in 0usize..12) {
        let from = d(2026, 1, 1);
        let before = Some(add_days(from, 0) - chrono::Days::new(1));
        let visits: Vec<NaiveDate> =
            (1..=n).map(|k| add_days(from, days * k as u32 - 1)).collect();
        let to = *visits.last().unwrap();
        prop_assert!(visited_on_time(days, before, &visits, from, to));
        let late_at = late_at % n;
        let shifted: Vec<NaiveDate> = visits
            .iter()
            .enumerate()
            .map(|(i, v)| if i >= late_at { add_days(*v, 1) } else { *v })
            .collect();
        prop_assert!(!visited_on_time(days, before, &shifted, from, add_days(to, 1)));
    }
}

#[test]
fn the_register_holds_a_tag_or_a_level() {
    assert!(!in_care(&[], None));
    assert!(in_care(&[CareTag::LivingAlone], None));
    assert!(in_care(&[], Some(CareLevel::Regular)));
    assert_eq!(care_note(Some("  ")), Ok(None));
    assert_eq!(care_note(Some(" 行动不便 ")), Ok(Some("行动不便".into())));
    let long = "字".repeat(MAX_CARE_NOTE_CHARS + 1);
    let e = care_note(Some(&long)).unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("note", "content_too_long"));
}

#[test]
fn the_nearest_ancestors_rules_are_in_force() {
    let weekly = vec![every(CareTag::LivingAlone, 7)];
    let monthly = vec![every(CareTag::LivingAlone, 30)];
    let set = vec![
        ("/1/2/".to_string(), monthly.clone()),
        ("/1/2/3/".to_string(), weekly.clone()),
    ];
    assert_eq!(
        rules_in_force("/1/2/3/4/", &set),
        Some(("/1/2/3/", weekly.as_slice()))
    );
    assert_eq!(
        rules_in_force("/1/2/5/", &set),
        Some(("/1/2/", monthly.as_slice()))
    );
    assert_eq!(rules_in_force("/1/9/", &set), None, "the defaults");
}

#[test]
fn due_lists_put_the_overdue_and_key_people_first() {
    let rule = every(CareTag::LivingAlone, 7);
    let at = |status, due_on| NextVisit {
        rule,
        due_on,
        status,
    };
    let overdue = at(DueStatus::Overdue, Some(d(2026, 3, 1)));
    let due = at(DueStatus::Due, Some(d(2026, 2, 1)));
    assert!(due_order(&overdue, None) < due_order(&due, Some(CareLevel::Key)));
    assert!(due_order(&due, Some(CareLevel::Key)) < due_order(&due, None));
    let never = at(DueStatus::Overdue, None);
    assert!(due_order(&never, None) < due_order(&overdue, None));
}

#[test]
fn a_household_is_one_address_of_one_node() {
    assert_eq!(household(3, Some(" 1号101室 "), 9), (3, "1号101室".into()));
    assert_eq!(household(3, Some("  "), 9), (3, "#9".into()));
    assert_ne!(household(3, None, 9), household(3, None, 10));
}
