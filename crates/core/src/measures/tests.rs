use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

/// 2026-03-`day` `hour`:`min` UTC.
fn t(day: u32, hour: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, min, 0).unwrap()
}

/// A registered appeal, respond within a day and resolve within a week.
fn registered(created: DateTime<Utc>) -> AppealFacts {
    AppealFacts {
        status: Status::Registered,
        created_at: created,
        respond_by: created + chrono::Duration::days(1),
        responded_at: None,
        accepted_at: None,
        resolve_by: Some(created + chrono::Duration::days(7)),
        resolved_at: None,
        satisfaction: None,
        solved: None,
        reopen_count: 0,
        suspended: false,
        spam: false,
    }
}

fn accepted(mut f: AppealFacts, at: DateTime<Utc>, status: Status) -> AppealFacts {
    f.status = status;
    f.responded_at = Some(at);
    f.accepted_at = Some(at);
    f
}

fn resolved(mut f: AppealFacts, at: DateTime<Utc>) -> AppealFacts {
    f.status = Status::Resolved;
    f.resolved_at = Some(at);
    f
}

fn closed(mut f: AppealFacts, s: Satisfaction, solved: Option<bool>) -> AppealFacts {
    f.status = Status::Closed;
    f.satisfaction = Some(s);
    f.solved = solved;
    f
}

fn now() -> DateTime<Utc> {
    t(10, 12, 0)
}

/// Three stations, ten appeals, as of 2026-03-10 12:00.
fn district() -> [Vec<AppealFacts>; 3] {
    use Satisfaction::*;
    // Station A
    // A1 closed: responded on time, resolved on time, 满意, solved.
    let a1 = closed(
        resolved(
            accepted(registered(t(1, 9, 0)), t(1, 15, 0), Status::InProgress),
            t(5, 10, 0),
        ),
        Satisfied,
        Some(true),
    );
    // A2 closed after one reopen: responded late (03-02 11:00 > 10:00),
    // resolved late (03-09 12:00 > 03-08 10:00), 基本满意, solved.
    let mut a2 = closed(
        resolved(
            accepted(registered(t(1, 10, 0)), t(2, 11, 0), Status::InProgress),
            t(9, 12, 0),
        ),
        BasicallySatisfied,
        Some(true),
    );
    a2.reopen_count = 1;
    // A3 in progress, responded on time, resolve_by 03-06 09:00 has passed: overdue.
    let mut a3 = accepted(registered(t(3, 9, 0)), t(3, 10, 0), Status::InProgress);
    a3.resolve_by = Some(t(6, 9, 0));
    // A4 registered this morning: nothing due yet.
    let a4 = registered(t(10, 8, 0));

    // Station B
    // B1 rejected on time (responded, never accepted); its resolve_by is never due.
    let mut b1 = registered(t(2, 9, 0));
    b1.status = Status::Rejected;
    b1.responded_at = Some(t(2, 12, 0));
    // B2 registered, respond_by 03-06 09:00 passed without a response: overdue.
    let b2 = registered(t(5, 9, 0));
    // B3 resolved on time (03-06 08:00 <= 03-06 09:00), awaiting follow-up.
    let mut b3 = resolved(
        accepted(registered(t(4, 9, 0)), t(4, 10, 0), Status::InProgress),
        t(6, 8, 0),
    );
    b3.resolve_by = Some(t(6, 9, 0));

    // Station C
    // C1 praise (no resolve limit), closed, appellant unreachable.
    let mut c1 = closed(
        resolved(
            accepted(registered(t(1, 9, 0)), t(1, 9, 30), Status::InProgress),
            t(1, 10, 0),
        ),
        Unreachable,
        None,
    );
    c1.resolve_by = None;
    // C2 closed on time but 不满意 and not solved.
    let c2 = closed(
        resolved(
            accepted(registered(t(2, 9, 0)), t(2, 10, 0), Status::InProgress),
            t(8, 9, 0),
        ),
        Dissatisfied,
        Some(false),
    );
    // C3 accepted on time, then merged into another appeal.
    let c3 = accepted(registered(t(6, 9, 0)), t(6, 10, 0), Status::Merged);

    [vec![a1, a2, a3, a4], vec![b1, b2, b3], vec![c1, c2, c3]]
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn hand_computed_district() {
    let [a, b, c] = district();
    let ca = Counts::from_facts(&a, now());
    let cb = Counts::from_facts(&b, now());
    let cc = Counts::from_facts(&c, now());

    let expect_a = Counts {
        received: 4,
        accepted: 3,          // A1 A2 A3
        resolved: 2,          // A1 A2
        closed: 2,            // A1 A2
        overdue_open: 1,      // A3
        response_due: 3,      // A1 A2 A3 responded; A4's respond_by is tomorrow
        responded_on_time: 2, // A1 A3
        resolve_due: 3,       // A1 A2 resolved, A3 open past resolve_by
        resolved_on_time: 1,  // A1
        followed_up: 2,       // A1 A2
        solved: 2,
        satisfied: 2,
        reopened: 1,    // A2
        ever_closed: 2, // A1 A2
    };
    assert_eq!(ca, expect_a);
    let expect_b = Counts {
        received: 3,
        accepted: 1,          // B3
        resolved: 1,          // B3
        closed: 0,            //
        overdue_open: 1,      // B2
        response_due: 3,      // B1 B3 responded, B2 past respond_by
        responded_on_time: 2, // B1 B3
        resolve_due: 1,       // B3; B1 rejected, B2's resolve_by not passed
        resolved_on_time: 1,  // B3
        ..Counts::default()
    };
    assert_eq!(cb, expect_b);
    let expect_c = Counts {
        received: 3,
        accepted: 3,
        resolved: 2,          // C1 C2
        closed: 2,            // C1 C2
        overdue_open: 0,      // C3 is merged, not open
        response_due: 3,      // all responded
        responded_on_time: 3, //
        resolve_due: 1,       // C2; C1 has no resolve_by, C3 merged
        resolved_on_time: 1,  // C2
        followed_up: 1,       // C2; C1 unreachable
        solved: 0,
        satisfied: 0,
        reopened: 0,
        ever_closed: 2, // C1 C2
    };
    assert_eq!(cc, expect_c);

    // A: response 2/3, on time 1/3, resolution 1, satisfaction 1, reopen 1/2.
    let ra = ca.rates();
    assert!(close(ra.response_rate, 2.0 / 3.0));
    assert!(close(ra.on_time_rate, 1.0 / 3.0));
    assert_eq!(ra.resolution_rate, Some(1.0));
    assert_eq!(ra.satisfaction_rate, Some(1.0));
    assert_eq!(ra.reopen_rate, Some(0.5));
    // B: response 2/3, on time 1, nothing followed up or closed.
    let rb = cb.rates();
    assert!(close(rb.response_rate, 2.0 / 3.0));
    assert_eq!(rb.on_time_rate, Some(1.0));
    assert_eq!(rb.resolution_rate, None);
    assert_eq!(rb.satisfaction_rate, None);
    assert_eq!(rb.reopen_rate, None);
    // C: response 1, on time 1, resolution 0, satisfaction 0, reopen 0.
    let rc = cc.rates();
    assert_eq!(
        rc,
        Rates {
            response_rate: Some(1.0),
            on_time_rate: Some(1.0),
            resolution_rate: Some(0.0),
            satisfaction_rate: Some(0.0),
            reopen_rate: Some(0.0),
        }
    );

    // Scores with 30/35/35: A = 30·2/3 + 35 + 35 = 90; B = only response = 200/3;
    // C = 30·1 + 0 + 0 = 30.
    let w = ScoreWeights::default();
    let scores = [score(&ra, &w), score(&rb, &w), score(&rc, &w)];
    assert!(close(scores[0], 90.0));
    assert!(close(scores[1], 200.0 / 3.0));
    assert!(close(scores[2], 30.0));
    let w3 = ScoreWeights { min_sample: 3, ..w };
    let ranks: Vec<_> = crate::ranking::standings(&[ca, cb, cc], &w3)
        .iter()
        .map(|s| s.rank)
        .collect();
    assert_eq!(ranks, vec![Some(1), Some(2), Some(3)]);

    // The district is the merge of its stations, and equals folding all ten appeals.
    let mut district = Counts::default();
    for c in [&ca, &cb, &cc] {
        district.merge(c);
    }
    let all: Vec<AppealFacts> = [a, b, c].concat();
    assert_eq!(district, Counts::from_facts(&all, now()));
    // 10 received, 7 accepted, 5 resolved, 4 closed, 2 overdue; response 7/9,
    // on time 3/5, resolution 2/3, satisfaction 2/3, reopen 1/4.
    assert_eq!(
        (
            district.received,
            district.accepted,
            district.resolved,
            district.closed,
            district.overdue_open
        ),
        (10, 7, 5, 4, 2)
    );
    let rd = district.rates();
    assert!(close(rd.response_rate, 7.0 / 9.0));
    assert!(close(rd.on_time_rate, 3.0 / 5.0));
    assert!(close(rd.resolution_rate, 2.0 / 3.0));
    assert!(close(rd.satisfaction_rate, 2.0 / 3.0));
    assert!(close(rd.reopen_rate, 1.0 / 4.0));
    // 30·7/9 + 35·2/3 + 35·2/3 = 70/3 · 3 = 70.
    assert!(close(score(&rd, &w), 70.0));
}

#[test]
fn nothing_due_is_null() {
    let empty = Counts::default().rates();
    assert_eq!(empty, Rates::default());
    assert_eq!(score(&empty, &ScoreWeights::default()), None);

    // One appeal registered an hour ago: received, nothing due yet.
    let c = Counts::from_facts([&registered(t(10, 11, 0))], now());
    assert_eq!(c.received, 1);
    assert_eq!(c.rates(), Rates::default());
    let standing = crate::ranking::standings(&[c], &ScoreWeights::default());
    assert_eq!((standing[0].judged, standing[0].rank), (false, None));
}

#[test]
fn deadline_boundaries() {
    let f = registered(t(9, 12, 0)); // respond_by = now
    let c = Counts::from_facts([&f], now());
    assert_eq!((c.response_due, c.overdue_open), (1, 0));
    let c = Counts::from_facts([&f], now() + chrono::Duration::seconds(1));
    assert_eq!((c.response_due, c.overdue_open), (1, 1));

    let mut f = accepted(registered(t(1, 9, 0)), t(1, 10, 0), Status::InProgress);
    f.resolve_by = Some(now());
    let c = Counts::from_facts([&f], now());
    assert_eq!((c.resolve_due, c.overdue_open), (0, 0));
    let c = Counts::from_facts([&f], now() + chrono::Duration::seconds(1));
    assert_eq!((c.resolve_due, c.overdue_open), (1, 1));

    // Responding or resolving exactly at the deadline is on time.
    let mut f = accepted(registered(t(1, 9, 0)), t(2, 9, 0), Status::InProgress);
    f.resolve_by = Some(t(5, 9, 0));
    let f = resolved(f, t(5, 9, 0));
    let c = Counts::from_facts([&f], now());
    assert_eq!((c.responded_on_time, c.resolved_on_time), (1, 1));
}

#[test]
fn score_reweights_around_a_null_rate() {
    let rates = Rates {
        response_rate: Some(0.9),
        resolution_rate: None,
        satisfaction_rate: Some(0.8),
        ..Rates::default()
    };
    let expected = 100.0 * (0.3 * 0.9 + 0.35 * 0.8) / 0.65;
    assert!(close(score(&rates, &ScoreWeights::default()), expected));
    // Only proportions matter.
    let w = ScoreWeights {
        response: 0.3,
        resolution: 0.35,
        satisfaction: 0.35,
        ..ScoreWeights::default()
    };
    assert!(close(score(&rates, &w), expected));
    // All present: plain weighted mean.
    let all = Rates {
        resolution_rate: Some(0.5),
        ..rates
    };
    assert!(close(
        score(&all, &ScoreWeights::default()),
        30.0 * 0.9 + 35.0 * 0.5 + 35.0 * 0.8
    ));
    // The only present rate has weight zero: no score.
    let w = ScoreWeights {
        response: 0.0,
        resolution: 1.0,
        satisfaction: 0.0,
        ..ScoreWeights::default()
    };
    let only_response = Rates {
        response_rate: Some(0.9),
        ..Rates::default()
    };
    assert_eq!(score(&only_response, &w), None);
    // on_time and reopen rates do not enter the score.
    let other = Rates {
        on_time_rate: Some(1.0),
        reopen_rate: Some(0.0),
        ..Rates::default()
    };
    assert_eq!(score(&other, &ScoreWeights::default()), None);
}

#[test]
fn weights_validate() {
    assert!(ScoreWeights::default().validate().is_ok());
    assert!(ScoreWeights {
        response: 0.0,
        resolution: 0.0,
        satisfaction: 1.0,
        ..ScoreWeights::default()
    }
    .validate()
    .is_ok());
    let e = ScoreWeights {
        response: -1.0,
        resolution: 1.0,
        satisfaction: 1.0,
        ..ScoreWeights::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.field, "weights.response");
    let e = ScoreWeights {
        response: 0.0,
        resolution: 0.0,
        satisfaction: 0.0,
        ..ScoreWeights::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.field, "weights");
    assert!(ScoreWeights {
        response: f64::NAN,
        resolution: 1.0,
        satisfaction: 1.0,
        ..ScoreWeights::default()
    }
    .validate()
    .is_err());
    assert!(ScoreWeights {
        response: f64::INFINITY,
        resolution: 1.0,
        satisfaction: 1.0,
        ..ScoreWeights::default()
    }
    .validate()
    .is_err());
    let json = serde_json::to_string(&ScoreWeights::default()).unwrap();
    assert_eq!(
        serde_json::from_str::<ScoreWeights>(&json).unwrap(),
        ScoreWeights::default()
    );
    // A document stored before the minimum sample existed reads with the default.
    let old: ScoreWeights =
        serde_json::from_str(r#"{"response":1,"resolution":2,"satisfaction":3}"#).unwrap();
    assert_eq!(old.min_sample, crate::ranking::DEFAULT_MIN_SAMPLE);
    let e = ScoreWeights {
        min_sample: crate::ranking::MAX_MIN_SAMPLE + 1,
        ..ScoreWeights::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.field, "min_sample");
}

fn time(minutes: i64) -> DateTime<Utc> {
    t(1, 0, 0) + chrono::Duration::minutes(minutes)
}

fn arb_facts() -> impl Strategy<Value = AppealFacts> {
    let minutes = 0i64..30 * 24 * 60;
    let opt = || proptest::option::of(0i64..30 * 24 * 60);
    (
        (
            proptest::sample::select(Status::ALL),
            minutes.clone(),
            minutes,
            opt(),
            opt(),
            opt(),
            opt(),
        ),
        (
            proptest::option::of(proptest::sample::select(Satisfaction::ALL)),
            proptest::option::of(any::<bool>()),
            0u32..3,
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (status, created, respond_by, responded, accepted, resolve_by, resolved),
                (sat, solved, reopen, suspended),
            )| {
                AppealFacts {
                    status,
                    created_at: time(created),
                    respond_by: time(respond_by),
                    responded_at: responded.map(time),
                    accepted_at: accepted.map(time),
                    resolve_by: resolve_by.map(time),
                    resolved_at: resolved.map(time),
                    satisfaction: sat,
                    solved,
                    reopen_count: reopen,
                    suspended,
                    spam: false,
                }
            },
        )
}

#[test]
fn a_suspended_appeal_is_neither_overdue_nor_due() {
    // Accepted on the 2nd, resolve_by the 8th, still open on the 10th.
    let mut f = accepted(registered(t(1, 9, 0)), t(2, 9, 0), Status::InProgress);
    let running = Counts::from_facts([&f], now());
    assert_eq!((running.overdue_open, running.resolve_due), (1, 1));
    f.suspended = true;
    let stopped = Counts::from_facts([&f], now());
    assert_eq!((stopped.overdue_open, stopped.resolve_due), (0, 0));
    assert_eq!(f.current_deadline(), None);
    // Its settled part is the same either way: roll-ups need not know.
    assert_eq!(
        f.settled(),
        AppealFacts {
            suspended: false,
            ..f.clone()
        }
        .settled()
    );
}

fn in_unit(r: Option<f64>) -> bool {
    r.is_none_or(|r| (0.0..=1.0).contains(&r))
}

proptest! {
    /// A spam appeal is in no set a measure counts, at any time, and neither the roll-ups'
    /// settled part nor the live part sees it; unmarked, it counts as it did before.
    #[test]
    fn a_spam_appeal_counts_nothing_and_unmarked_counts_as_before(
        f in arb_facts(),
        others in proptest::collection::vec(arb_facts(), 0..20),
        now_min in 0i64..31 * 24 * 60,
    ) {
        let now = time(now_min);
        let spam = AppealFacts { spam: true, ..f.clone() };
        prop_assert_eq!(Counts::from_facts([&spam], now), Counts::default());
        prop_assert_eq!(spam.settled(), Counts::default());
        prop_assert_eq!(spam.pending(now), Counts::default());
        prop_assert_eq!(spam.pending_from(), None);
        prop_assert!(!spam.is_live());
        prop_assert_eq!(spam.current_deadline(), None);
        let without = Counts::from_facts(&others, now);
        prop_assert_eq!(Counts::from_facts(others.iter().chain([&spam]), now), without);
        let unmarked = AppealFacts { spam: false, ..spam };
        let mut with = without;
        with.add(&f, now);
        prop_assert_eq!(Counts::from_facts(others.iter().chain([&unmarked]), now), with);
        prop_assert_eq!(with.received, without.received + 1);
    }

    #[test]
    fn settled_plus_pending_is_the_whole(f in arb_facts(), now_min in 0i64..31 * 24 * 60) {
        let now = time(now_min);
        let mut sum = f.settled();
        sum.merge(&f.pending(now));
        prop_assert_eq!(sum, Counts::from_facts([&f], now));
        if f.pending(now) != Counts::default() {
            prop_assert!(f.is_live(), "pending counts only for live appeals");
        }
        prop_assert_eq!(f.settled().overdue_open, 0);
        // Nothing is pending before `pending_from`, and something is at the instant
        // after it whenever the appeal is live there.
        match f.pending_from() {
            None => prop_assert_eq!(f.pending(now), Counts::default()),
            Some(t) => {
                let just_before = t - chrono::Duration::milliseconds(1);
                prop_assert_eq!(f.pending(just_before), Counts::default());
                if f.pending(now) != Counts::default() {
                    prop_assert!(t <= now);
                }
                let just_after = t + chrono::Duration::milliseconds(1);
                prop_assert_ne!(f.pending(just_after), Counts::default());
            }
        }
    }

    #[test]
    fn rates_in_unit_interval_and_merge_is_fold(
        a in proptest::collection::vec(arb_facts(), 0..40),
        b in proptest::collection::vec(arb_facts(), 0..40),
        now_min in 0i64..31 * 24 * 60,
    ) {
        let now = time(now_min);
        let ca = Counts::from_facts(&a, now);
        let cb = Counts::from_facts(&b, now);
        let mut merged = ca;
        merged.merge(&cb);
        let both = Counts::from_facts(a.iter().chain(&b), now);
        prop_assert_eq!(merged, both);
        prop_assert_eq!(both.received, (a.len() + b.len()) as u64);

        for c in [ca, cb, both] {
            let r = c.rates();
            prop_assert!(in_unit(r.response_rate));
            prop_assert!(in_unit(r.on_time_rate));
            prop_assert!(in_unit(r.resolution_rate));
            prop_assert!(in_unit(r.satisfaction_rate));
            prop_assert!(in_unit(r.reopen_rate));
            if let Some(s) = score(&r, &ScoreWeights::default()) {
                prop_assert!((0.0..=100.0 + 1e-9).contains(&s));
            }
        }
    }
}
