use super::*;
use crate::calendar::shanghai_to_utc;
use chrono::NaiveDateTime;
use Limit::{ClockHours as H, WorkingDays as W};

/// A Shanghai local time "YYYY-MM-DD HH:MM" as a UTC instant.
fn sh(s: &str) -> DateTime<Utc> {
    shanghai_to_utc(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

fn lim(respond: Limit, resolve: Option<Limit>) -> Limits {
    Limits { respond, resolve }
}

const CAT: &str = "public_facilities.water";

#[test]
fn default_rows() {
    let p = TimeLimitPolicy::default();
    let n = Urgency::Normal;
    assert_eq!(p.limits(Kind::Inquiry, n, CAT), lim(W(1), Some(W(2))));
    assert_eq!(p.limits(Kind::Help, n, CAT), lim(W(1), Some(W(7))));
    assert_eq!(p.limits(Kind::Suggestion, n, CAT), lim(W(1), Some(W(7))));
    assert_eq!(p.limits(Kind::Complaint, n, CAT), lim(W(1), Some(W(15))));
    assert_eq!(p.limits(Kind::Report, n, CAT), lim(W(1), Some(W(15))));
    assert_eq!(p.limits(Kind::Praise, n, CAT), lim(W(1), None));
    for &k in Kind::ALL {
        assert_eq!(
            p.limits(k, Urgency::Urgent, CAT),
            lim(H(2), Some(H(24))),
            "{k}"
        );
        assert_eq!(
            p.limits(k, Urgency::Urgent, ""),
            lim(H(2), Some(H(24))),
            "{k}"
        );
    }
    assert_eq!(p.by_kind.len(), Kind::ALL.len());
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn urgent_is_clock_time_over_a_weekend() {
    let p = TimeLimitPolicy::default();
    let cal = WorkCalendar::builtin();
    // Friday 2025-03-07 23:00 + 2 h = Saturday 2025-03-08 01:00; + 24 h = Saturday 23:00.
    let (respond, resolve) = deadlines(
        &p,
        &cal,
        Kind::Help,
        Urgency::Urgent,
        CAT,
        sh("2025-03-07 23:00"),
    );
    assert_eq!(respond, sh("2025-03-08 01:00"));
    assert_eq!(resolve, Some(sh("2025-03-08 23:00")));
    // During 国庆 2025-10-01 10:00: + 2 h and + 24 h, holidays notwithstanding.
    let (respond, resolve) = deadlines(
        &p,
        &cal,
        Kind::Complaint,
        Urgency::Urgent,
        CAT,
        sh("2025-10-01 10:00"),
    );
    assert_eq!(respond, sh("2025-10-01 12:00"));
    assert_eq!(resolve, Some(sh("2025-10-02 10:00")));
}

#[test]
fn normal_deadlines_follow_the_calendar() {
    let p = TimeLimitPolicy::default();
    let cal = WorkCalendar::builtin();
    // Inquiry on Tuesday 2025-09-30 09:00; 10-01 … 10-08 are holidays.
    let (respond, resolve) = deadlines(
        &p,
        &cal,
        Kind::Inquiry,
        Urgency::Normal,
        CAT,
        sh("2025-09-30 09:00"),
    );
    assert_eq!(respond, sh("2025-10-09 09:00"));
    assert_eq!(resolve, Some(sh("2025-10-10 09:00")));
    // Complaint on Friday 2026-02-13 10:00: 15 working days are 02-14 (Sat, worked),
    // 02-24, 02-25, 02-26, 02-27, 02-28 (Sat, worked), 03-02, 03-03, 03-04, 03-05, 03-06,
    // 03-09, 03-10, 03-11, 03-12 (Thursday).
    let (respond, resolve) = deadlines(
        &p,
        &cal,
        Kind::Complaint,
        Urgency::Normal,
        CAT,
        sh("2026-02-13 10:00"),
    );
    assert_eq!(respond, sh("2026-02-14 10:00"));
    assert_eq!(resolve, Some(sh("2026-03-12 10:00")));
    // Help on Saturday 2025-03-08: respond by end of Monday, resolve by end of the 7th
    // working day, Tuesday 03-18 (03-10 … 03-14, 03-17, 03-18) → 2025-03-19 00:00.
    let (respond, resolve) = deadlines(
        &p,
        &cal,
        Kind::Help,
        Urgency::Normal,
        CAT,
        sh("2025-03-08 15:00"),
    );
    assert_eq!(respond, sh("2025-03-11 00:00"));
    assert_eq!(resolve, Some(sh("2025-03-19 00:00")));
    // Praise: nothing to resolve.
    let (respond, resolve) = deadlines(
        &p,
        &cal,
        Kind::Praise,
        Urgency::Normal,
        CAT,
        sh("2025-03-03 10:00"),
    );
    assert_eq!(respond, sh("2025-03-04 10:00"));
    assert_eq!(resolve, None);
}

#[test]
fn deadline_units() {
    let cal = WorkCalendar::builtin();
    let start = sh("2025-03-07 15:00"); // Friday
    assert_eq!(deadline(&cal, start, H(72)), sh("2025-03-10 15:00"));
    assert_eq!(deadline(&cal, start, W(1)), sh("2025-03-10 15:00"));
    assert_eq!(deadline(&cal, start, H(24)), sh("2025-03-08 15:00"));
    assert_eq!(
        deadline(&cal, DateTime::<Utc>::MAX_UTC, H(1)),
        DateTime::<Utc>::MAX_UTC
    );
}

#[test]
fn first_level_override_covers_second_level_codes() {
    let mut p = TimeLimitPolicy::default();
    p.add_override(Override::new("public_facilities", lim(W(1), Some(W(5)))))
        .unwrap();
    let n = Urgency::Normal;
    assert_eq!(
        p.limits(Kind::Complaint, n, "public_facilities"),
        lim(W(1), Some(W(5)))
    );
    assert_eq!(
        p.limits(Kind::Complaint, n, "public_facilities.water"),
        lim(W(1), Some(W(5)))
    );
    assert_eq!(
        p.limits(Kind::Praise, n, "public_facilities.water"),
        lim(W(1), Some(W(5)))
    );
    // Only at a dot: a code that merely starts with the same letters is another category.
    assert_eq!(
        p.limits(Kind::Complaint, n, "public_facilities_x"),
        lim(W(1), Some(W(15)))
    );
    assert_eq!(
        p.limits(Kind::Complaint, n, "public"),
        lim(W(1), Some(W(15)))
    );
    assert_eq!(
        p.limits(Kind::Complaint, n, "environment.noise"),
        lim(W(1), Some(W(15)))
    );
}

#[test]
fn override_without_urgency_leaves_urgent_appeals_alone() {
    let mut p = TimeLimitPolicy::default();
    p.add_override(Override::new("public_facilities", lim(W(2), Some(W(10)))))
        .unwrap();
    assert_eq!(
        p.limits(Kind::Help, Urgency::Urgent, "public_facilities.water"),
        lim(H(2), Some(H(24)))
    );
    // Unless it names urgency = urgent.
    p.add_override(
        Override::new("public_facilities.water", lim(H(1), Some(H(12))))
            .for_urgency(Urgency::Urgent),
    )
    .unwrap();
    assert_eq!(
        p.limits(Kind::Help, Urgency::Urgent, "public_facilities.water"),
        lim(H(1), Some(H(12)))
    );
    // A normal water appeal still gets the first-level override.
    assert_eq!(
        p.limits(Kind::Help, Urgency::Normal, "public_facilities.water"),
        lim(W(2), Some(W(10)))
    );
}

#[test]
fn most_specific_override_wins() {
    let mut p = TimeLimitPolicy::default();
    let top = lim(W(1), Some(W(10)));
    let top_complaint = lim(W(1), Some(W(12)));
    let water = lim(W(1), Some(W(5)));
    let water_complaint = lim(W(1), Some(W(3)));
    let water_normal = lim(W(1), Some(W(4)));
    let water_complaint_normal = lim(W(1), Some(W(6)));
    // Added least specific last, so order of insertion cannot be what decides.
    p.add_override(
        Override::new(CAT, water_complaint_normal)
            .for_kind(Kind::Complaint)
            .for_urgency(Urgency::Normal),
    )
    .unwrap();
    p.add_override(Override::new(CAT, water_complaint).for_kind(Kind::Complaint))
        .unwrap();
    p.add_override(Override::new(CAT, water_normal).for_urgency(Urgency::Normal))
        .unwrap();
    p.add_override(Override::new(CAT, water)).unwrap();
    p.add_override(Override::new("public_facilities", top_complaint).for_kind(Kind::Complaint))
        .unwrap();
    p.add_override(Override::new("public_facilities", top))
        .unwrap();
    let n = Urgency::Normal;

    // Second level, kind and urgency named: the most specific of all.
    assert_eq!(p.limits(Kind::Complaint, n, CAT), water_complaint_normal);
    // Urgency named beats kind named at the same category.
    assert_eq!(p.limits(Kind::Help, n, CAT), water_normal);
    p.remove_override(CAT, None, Some(Urgency::Normal));
    assert_eq!(p.limits(Kind::Help, n, CAT), water);
    p.remove_override(CAT, Some(Kind::Complaint), Some(Urgency::Normal));
    assert_eq!(p.limits(Kind::Complaint, n, CAT), water_complaint);
    // A deeper category beats a kind named on the parent.
    p.remove_override(CAT, Some(Kind::Complaint), None);
    assert_eq!(p.limits(Kind::Complaint, n, CAT), water);
    // Another second-level code falls to the first level.
    assert_eq!(
        p.limits(Kind::Complaint, n, "public_facilities.roads"),
        top_complaint
    );
    assert_eq!(p.limits(Kind::Help, n, "public_facilities.roads"), top);
    // Without the water override, the parent's kind-specific row applies.
    assert!(p.remove_override(CAT, None, None));
    assert!(!p.remove_override(CAT, None, None));
    assert_eq!(p.limits(Kind::Complaint, n, CAT), top_complaint);
    assert_eq!(p.limits(Kind::Inquiry, n, CAT), top);
}

#[test]
fn add_override_replaces_the_same_key() {
    let mut p = TimeLimitPolicy::default();
    p.add_override(Override::new(CAT, lim(W(1), Some(W(5)))).for_kind(Kind::Help))
        .unwrap();
    p.add_override(Override::new(CAT, lim(W(1), Some(W(9)))).for_kind(Kind::Help))
        .unwrap();
    assert_eq!(p.overrides.len(), 1);
    assert_eq!(
        p.limits(Kind::Help, Urgency::Normal, CAT),
        lim(W(1), Some(W(9)))
    );
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn later_of_two_equal_overrides_wins() {
    // Only reachable by editing the list directly; validate() reports it.
    let mut p = TimeLimitPolicy::default();
    p.overrides.push(Override::new(CAT, lim(W(1), Some(W(5)))));
    p.overrides.push(Override::new(CAT, lim(W(1), Some(W(6)))));
    assert_eq!(
        p.limits(Kind::Help, Urgency::Normal, CAT),
        lim(W(1), Some(W(6)))
    );
    assert_eq!(
        p.validate(),
        Err(PolicyError::DuplicateOverride(
            "override for public_facilities.water (kind any, urgency normal)".into()
        ))
    );
}

#[test]
fn limit_wire_format() {
    assert_eq!(
        serde_json::to_string(&H(2)).unwrap(),
        r#"{"clock_hours":2}"#
    );
    assert_eq!(
        serde_json::to_string(&W(1)).unwrap(),
        r#"{"working_days":1}"#
    );
    assert_eq!(
        serde_json::from_str::<Limit>(r#"{"working_days": 15}"#).unwrap(),
        W(15)
    );
    assert!(serde_json::from_str::<Limit>(r#"{"days": 15}"#).is_err());
    assert!(serde_json::from_str::<Limit>(r#"{"working_days": -1}"#).is_err());
    assert_eq!(
        serde_json::to_string(&lim(W(1), None)).unwrap(),
        r#"{"respond":{"working_days":1},"resolve":null}"#
    );
    assert_eq!(
        serde_json::from_str::<Limits>(r#"{"respond": {"working_days": 1}}"#).unwrap(),
        lim(W(1), None)
    );
}

#[test]
fn policy_serde_round_trip() {
    let mut p = TimeLimitPolicy::default();
    p.add_override(Override::new("public_facilities", lim(W(1), Some(W(5)))))
        .unwrap();
    p.add_override(
        Override::new(CAT, lim(H(1), Some(H(12))))
            .for_kind(Kind::Help)
            .for_urgency(Urgency::Urgent),
    )
    .unwrap();
    let json = serde_json::to_string(&p).unwrap();
    assert!(
        json.contains(
            r#""by_kind":{"help":{"respond":{"working_days":1},"resolve":{"working_days":7}}"#
        ),
        "{json}"
    );
    assert!(
        json.contains(r#"{"category":"public_facilities","limits":"#),
        "{json}"
    );
    assert!(
        json.contains(r#""kind":"help","urgency":"urgent""#),
        "{json}"
    );
    let back: TimeLimitPolicy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);

    // Written by hand, overrides optional.
    let hand = r#"{
        "urgent": {"respond": {"clock_hours": 2}, "resolve": {"clock_hours": 24}},
        "by_kind": {
            "help": {"respond": {"working_days": 1}, "resolve": {"working_days": 7}},
            "complaint": {"respond": {"working_days": 1}, "resolve": {"working_days": 15}},
            "report": {"respond": {"working_days": 1}, "resolve": {"working_days": 15}},
            "inquiry": {"respond": {"working_days": 1}, "resolve": {"working_days": 2}},
            "suggestion": {"respond": {"working_days": 1}, "resolve": {"working_days": 7}},
            "praise": {"respond": {"working_days": 1}}
        }
    }"#;
    assert_eq!(
        serde_json::from_str::<TimeLimitPolicy>(hand).unwrap(),
        TimeLimitPolicy::default()
    );
    // Typos are refused, not ignored.
    assert!(serde_json::from_str::<TimeLimitPolicy>(&hand.replace("by_kind", "by_kinds")).is_err());
    assert!(
        serde_json::from_str::<TimeLimitPolicy>(&hand.replace("\"help\"", "\"halp\"")).is_err()
    );
}

#[test]
fn validation_zero_and_too_long() {
    let p = TimeLimitPolicy {
        urgent: lim(H(0), Some(H(24))),
        ..TimeLimitPolicy::default()
    };
    assert_eq!(
        p.validate(),
        Err(PolicyError::Zero {
            what: "urgent (紧急), respond".into()
        })
    );

    let mut p = TimeLimitPolicy::default();
    p.by_kind.insert(Kind::Inquiry, lim(W(1), Some(W(0))));
    let e = p.validate().unwrap_err();
    assert_eq!(
        e,
        PolicyError::Zero {
            what: "inquiry (咨询), resolve".into()
        }
    );
    assert_eq!(
        e.message(),
        "inquiry (咨询), resolve: a time limit of 0 is not allowed; use at least 1"
    );

    let mut p = TimeLimitPolicy {
        urgent: lim(H(2), Some(H(721))),
        ..TimeLimitPolicy::default()
    };
    let e = p.validate().unwrap_err();
    assert_eq!(
        e,
        PolicyError::TooLong {
            what: "urgent (紧急), resolve".into(),
            limit: H(721),
            max: H(720)
        }
    );
    assert_eq!(
        e.message(),
        "urgent (紧急), resolve: 721 hours (721小时) is longer than the maximum of 720 hours (720小时)"
    );
    p.urgent = lim(H(2), Some(H(720)));
    assert_eq!(p.validate(), Ok(()));

    let mut p = TimeLimitPolicy::default();
    p.by_kind.insert(Kind::Complaint, lim(W(1), Some(W(91))));
    assert!(matches!(
        p.validate(),
        Err(PolicyError::TooLong { max: W(90), .. })
    ));
    p.by_kind.insert(Kind::Complaint, lim(W(1), Some(W(90))));
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn validation_respond_after_resolve() {
    let mut p = TimeLimitPolicy::default();
    p.by_kind.insert(Kind::Inquiry, lim(W(3), Some(W(2))));
    let e = p.validate().unwrap_err();
    assert_eq!(
        e.message(),
        "inquiry (咨询): the respond limit (3 working days (3个工作日)) is longer than the resolve limit (2 working days (2个工作日))"
    );
    // Different units are not compared: 48 hours to respond, 1 working day to resolve is
    // odd but not provably wrong.
    p.by_kind.insert(Kind::Inquiry, lim(H(48), Some(W(1))));
    assert_eq!(p.validate(), Ok(()));
    // Equal is fine.
    p.by_kind.insert(Kind::Inquiry, lim(W(2), Some(W(2))));
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn validation_missing_kind() {
    let mut p = TimeLimitPolicy::default();
    p.by_kind.remove(&Kind::Report);
    let e = p.validate().unwrap_err();
    assert_eq!(e, PolicyError::MissingKind(Kind::Report));
    assert_eq!(
        e.message(),
        "no default time limits for report (举报); add a row for it under by_kind"
    );
    // limits() still answers with the built-in default.
    assert_eq!(
        p.limits(Kind::Report, Urgency::Normal, CAT),
        lim(W(1), Some(W(15)))
    );
}

#[test]
fn validation_overrides() {
    for bad in [
        "",
        "Public_facilities",
        "public facilities",
        "public_facilities.",
        ".water",
        "a..b",
        "公共设施",
    ] {
        let mut p = TimeLimitPolicy::default();
        assert_eq!(
            p.add_override(Override::new(bad, lim(W(1), Some(W(5))))),
            Err(PolicyError::BadCategory(bad.into())),
            "{bad:?}"
        );
        assert!(p.overrides.is_empty());
        p.overrides.push(Override::new(bad, lim(W(1), Some(W(5)))));
        assert_eq!(
            p.validate(),
            Err(PolicyError::BadCategory(bad.into())),
            "{bad:?}"
        );
    }
    let mut p = TimeLimitPolicy::default();
    let e = p
        .add_override(Override::new(CAT, lim(W(0), None)).for_kind(Kind::Praise))
        .unwrap_err();
    assert_eq!(
        e,
        PolicyError::Zero {
            what: "override for public_facilities.water (kind praise, urgency normal), respond"
                .into()
        }
    );
    assert!(p.overrides.is_empty());
    p.overrides
        .push(Override::new(CAT, lim(H(800), None)).for_urgency(Urgency::Urgent));
    assert!(matches!(
        p.validate(),
        Err(PolicyError::TooLong { limit: H(800), .. })
    ));
}
