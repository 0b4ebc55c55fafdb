//! The public door in core: an appeal the appellant brings themselves (`register_public`)
//! and their own answer to the follow-up (`appellant_answer`), which counts in the measures
//! exactly like a station's phone follow-up — once.

mod common;

use common::*;
use proptest::prelude::*;
use suqiu_core::access::ActionKind;
use suqiu_core::appeal::{Channel, Kind, Satisfaction, Status, Urgency, APPELLANT_ACTOR_ID};
use suqiu_core::lifecycle::{
    appellant_answer, apply, register_public, AppellantAnswer, EventBody, Refusal, SolvedAnswer,
};
use suqiu_core::measures::{AppealFacts, Counts};

fn answer(solved: SolvedAnswer, satisfaction: Satisfaction) -> AppellantAnswer {
    AppellantAnswer {
        solved,
        satisfaction,
        comment: Some("  修好了，谢谢  ".into()),
    }
}

/// `case` with the appellant's answer applied.
fn answered(case: &Case, a: &AppellantAnswer) -> suqiu_core::appeal::Appeal {
    let events = appellant_answer(&case.appeal, a, case.now).expect("a resolved appeal");
    let mut appeal = case.appeal.clone();
    for e in &events {
        apply(&mut appeal, e);
    }
    appeal
}

#[test]
fn a_public_intake_is_received_by_the_unit_that_handles_it_and_its_actor_is_the_appellant() {
    let mut intake = intake(Kind::Complaint, Urgency::Normal);
    intake.channel = Channel::Online;
    let world = World::default();
    let now = sh("2025-09-04 21:30");
    let (appeal, event) = register_public(
        intake,
        "TRK-PUBLIC".into(),
        COMMUNITY,
        now,
        &world.calendar,
        &world.policy,
    )
    .expect("a valid public intake");
    assert_eq!(appeal.received_by_org_unit_id, COMMUNITY);
    assert_eq!(appeal.handling_org_unit_id, COMMUNITY);
    assert_eq!(appeal.channel, Channel::Online);
    assert_eq!(appeal.status, Status::Registered);
    assert_eq!(event.actor_id, APPELLANT_ACTOR_ID);
    // The same deadlines as at the desk.
    let (desk, _) = world
        .register(
            common::intake(Kind::Complaint, Urgency::Normal),
            COMMUNITY,
            now,
        )
        .unwrap();
    assert_eq!(appeal.respond_by, desk.respond_by);
    assert_eq!(appeal.resolve_by, desk.resolve_by);
}

#[test]
fn a_resolved_appeal_not_yet_answered_back_records_the_answer_back_then_closes() {
    let case = build(Stage::Resolved, COMMUNITY);
    let a = answer(SolvedAnswer::Solved, Satisfaction::Satisfied);
    let events = appellant_answer(&case.appeal, &a, case.now).unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.actor_id == APPELLANT_ACTOR_ID));
    assert!(matches!(events[0].body, EventBody::Feedback { .. }));
    let EventBody::FollowUp {
        satisfaction,
        solved,
        ref note,
        closes,
        ..
    } = events[1].body
    else {
        panic!("a follow-up, not {:?}", events[1].body);
    };
    assert_eq!(satisfaction, Satisfaction::Satisfied);
    assert_eq!(solved, Some(true));
    assert!(closes);
    assert_eq!(note.as_deref(), Some("群众自评：已解决。修好了，谢谢"));
    let appeal = answered(&case, &a);
    assert_eq!(appeal.status, Status::Closed);
    assert!(appeal.feedback_at.is_some());
}

#[test]
fn an_appeal_already_answered_back_gets_only_the_follow_up() {
    let case = build(Stage::FedBack, COMMUNITY);
    let a = answer(SolvedAnswer::Partly, Satisfaction::BasicallySatisfied);
    let events = appellant_answer(&case.appeal, &a, case.now).unwrap();
    assert_eq!(events.len(), 1);
    let appeal = answered(&case, &a);
    // Partly solved is not solved in the resolution rate, as on the phone.
    assert_eq!(appeal.solved, Some(false));
    assert!(!a.asks_to_reopen());
    assert!(answer(SolvedAnswer::NotSolved, Satisfaction::Dissatisfied).asks_to_reopen());
}

#[test]
fn only_a_resolved_appeal_takes_an_answer() {
    let a = answer(SolvedAnswer::Solved, Satisfaction::Satisfied);
    for stage in [
        Stage::Registered,
        Stage::Accepted,
        Stage::InProgress(Handed::Assign),
        Stage::Closed,
        Stage::Rejected,
        Stage::Merged,
    ] {
        let case = build(stage, COMMUNITY);
        let refusal = appellant_answer(&case.appeal, &a, case.now).unwrap_err();
        assert!(
            matches!(refusal, Refusal::NotAllowed { .. }),
            "{stage:?}: {refusal:?}"
        );
    }
}

#[test]
fn an_answer_names_what_is_wrong() {
    let case = build(Stage::Resolved, COMMUNITY);
    let unreachable = answer(SolvedAnswer::Solved, Satisfaction::Unreachable);
    let Err(Refusal::Invalid(e)) = appellant_answer(&case.appeal, &unreachable, case.now) else {
        panic!("unreachable is not an answer");
    };
    assert_eq!(e.field, "satisfaction");
    let mut long = answer(SolvedAnswer::Solved, Satisfaction::Satisfied);
    long.comment = Some("长".repeat(2_001));
    let Err(Refusal::Invalid(e)) = appellant_answer(&case.appeal, &long, case.now) else {
        panic!("a comment over the limit");
    };
    assert_eq!(e.field, "comment");
}

fn solved_answers() -> impl Strategy<Value = SolvedAnswer> {
    prop_oneof![
        Just(SolvedAnswer::Solved),
        Just(SolvedAnswer::Partly),
        Just(SolvedAnswer::NotSolved),
    ]
}

fn satisfactions() -> impl Strategy<Value = Satisfaction> {
    prop_oneof![
        Just(Satisfaction::Satisfied),
        Just(Satisfaction::BasicallySatisfied),
        Just(Satisfaction::Dissatisfied),
    ]
}

proptest! {
    /// Whatever the appellant answers, with or without the station's answer back first, the
    /// appeal counts exactly one follow-up that reached them — the same as a phone follow-up
    /// with the same answer — and nobody can answer a second time.
    #[test]
    fn the_answer_counts_once_like_a_phone_follow_up(
        solved in solved_answers(),
        satisfaction in satisfactions(),
        fed_back in any::<bool>(),
    ) {
        let stage = if fed_back { Stage::FedBack } else { Stage::Resolved };
        let case = build(stage, COMMUNITY);
        let appeal = answered(&case, &answer(solved, satisfaction));
        let counts = Counts::from_facts([&AppealFacts::from(&appeal)], case.now);
        prop_assert_eq!(counts.followed_up, 1);
        prop_assert_eq!(counts.solved, u64::from(solved == SolvedAnswer::Solved));
        prop_assert_eq!(counts.satisfied, u64::from(satisfaction.is_satisfied()));

        // The station's phone follow-up with the same answer counts the same.
        let mut phone = build(Stage::FedBack, COMMUNITY);
        let actor = in_position(&phone.appeal, ActionKind::FollowUp);
        phone.must(
            suqiu_core::lifecycle::Command::FollowUp {
                satisfaction,
                solved: Some(solved == SolvedAnswer::Solved),
                note: None,
                reopen: false,
            },
            &actor,
        );
        let by_phone = Counts::from_facts([&AppealFacts::from(&phone.appeal)], case.now);
        prop_assert_eq!(counts, by_phone);

        // Once: neither the appellant nor the station can answer again.
        prop_assert!(appellant_answer(&appeal, &answer(solved, satisfaction), case.now).is_err());
        let world = World::default();
        let staff = in_position(&case.appeal, ActionKind::FollowUp);
        prop_assert!(!world.available(&appeal, &staff, case.now).contains(&ActionKind::FollowUp));
    }
}
