use super::*;
use rand::{Rng, SeedableRng};

fn random_facts(rng: &mut impl Rng) -> AppealFacts {
    let base = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let mut t = || base + chrono::Duration::minutes(rng.gen_range(0..30 * 24 * 60));
    let (created, respond_by, resolve_by) = (t(), t(), t());
    let (responded, accepted, resolved) = (t(), t(), t());
    AppealFacts {
        status: Status::ALL[rng.gen_range(0..Status::ALL.len())],
        created_at: created,
        respond_by,
        responded_at: rng.gen_bool(0.5).then_some(responded),
        accepted_at: rng.gen_bool(0.5).then_some(accepted),
        resolve_by: rng.gen_bool(0.8).then_some(resolve_by),
        resolved_at: rng.gen_bool(0.5).then_some(resolved),
        satisfaction: rng
            .gen_bool(0.6)
            .then(|| Satisfaction::ALL[rng.gen_range(0..Satisfaction::ALL.len())]),
        solved: rng.gen_bool(0.6).then(|| rng.gen_bool(0.5)),
        reopen_count: rng.gen_range(0..3),
        suspended: rng.gen_bool(0.1),
        spam: rng.gen_bool(0.1),
    }
}

#[test]
fn contribution_round_trips_the_settled_counts() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for _ in 0..5_000 {
        let f = random_facts(&mut rng);
        assert_eq!(counts_of(&contribution(&f)).unwrap(), f.settled());
    }
}

#[test]
fn common_ancestors_of_paths() {
    let paths = ["/1/4/27/", "/1/4/30/", "/1/4/"];
    assert_eq!(common_ancestor(paths.into_iter()), "/1/4/");
    assert_eq!(common_ancestor(["/1/4/27/", "/1/5/9/"].into_iter()), "/1/");
    assert_eq!(common_ancestor(["/1/4/27/"].into_iter()), "/1/4/27/");
}

#[test]
fn paths_and_children() {
    assert_eq!(ancestors("/1/4/27/").unwrap(), vec![1, 4, 27]);
    assert!(ancestors("/1/x/").is_err());
    assert_eq!(child_prefix("/1/", "/1/4/27/"), Some("/1/4/"));
    assert_eq!(child_prefix("/1/", "/1/"), None);
    assert_eq!(child_prefix("/1/4/", "/1/40/"), None);
}

#[test]
fn days_start_at_shanghai_midnight() {
    let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    assert_eq!(
        day_start(d).unwrap(),
        ms(Utc.with_ymd_and_hms(2026, 2, 28, 16, 0, 0).unwrap())
    );
}
