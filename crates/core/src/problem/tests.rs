use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::decide::NEEDS_A_PROBLEM;
use super::*;
use crate::access::Role;
use crate::appeal::{Channel, FeedbackChannel};
use crate::error::Refusal;
use crate::lifecycle::{apply as apply_to_appeal, Event};
use crate::measures::{AppealFacts, Counts};
use crate::org::in_subtree;

/// A street's staff at `/1/2/`: its communities are `/1/2/3/` and `/1/2/4/`; `/1/5/6/` is
/// another street's.
fn street() -> Actor {
    Actor {
        user_id: 9,
        name: "街道".into(),
        role: Role::StreetStaff,
        org_unit_id: 2,
        org_path: "/1/2/".into(),
        department_id: None,
    }
}

/// Appeals 1..=8: odd ones registered, even ones accepted; 1–3 at community 3, 4–6 at
/// community 4, 7–8 at the other street's community 6.
fn world_appeals() -> BTreeMap<Id, (Appeal, String)> {
    (1..=8)
        .map(|id| {
            let mut a = crate::privacy::personal_appeal(false, Channel::Online);
            a.id = id;
            if id % 2 == 0 {
                a.status = Status::Accepted;
                a.accepted_at = Some(a.created_at);
                a.responded_at = Some(a.created_at);
            }
            let path = match id {
                1..=3 => "/1/2/3/",
                4..=6 => "/1/2/4/",
                _ => "/1/5/6/",
            };
            (id, (a, path.to_string()))
        })
        .collect()
}

#[derive(Debug, Clone)]
struct World {
    appeals: BTreeMap<Id, (Appeal, String)>,
    problems: BTreeMap<Id, Problem>,
    next: Id,
}

impl World {
    fn new() -> World {
        World {
            appeals: world_appeals(),
            problems: BTreeMap::new(),
            next: 1,
        }
    }

    fn problem_of(&self, appeal: Id) -> Option<Id> {
        self.problems
            .values()
            .find(|p| !p.dissolved && p.appeal_ids.contains(&appeal))
            .map(|p| p.id)
    }

    fn candidates(&self) -> BTreeMap<Id, Candidate> {
        self.appeals
            .iter()
            .map(|(id, (a, path))| (*id, Candidate::of(a, path, self.problem_of(*id))))
            .collect()
    }

    fn live(&self) -> impl Iterator<Item = &Problem> {
        self.problems.values().filter(|p| !p.dissolved)
    }

    fn union(&self) -> BTreeSet<Id> {
        self.live().flat_map(|p| p.appeal_ids.clone()).collect()
    }

    fn start(&mut self, body: &EventBody) {
        let id = self.next;
        self.next += 1;
        let p = Problem::created(id, body).expect("a Created event");
        self.problems.insert(id, p);
    }

    /// What the store does with a decision: the problems' events, then the appeals'.
    fn step(&mut self, on: Option<Id>, cmd: &Command) -> Result<(), Refusal> {
        let actor = street();
        let candidates = self.candidates();
        let target = match cmd {
            Command::Move { to_problem_id, .. } => self.problems.get(to_problem_id),
            _ => None,
        };
        let facts = Facts {
            actor: &actor,
            appeals: &candidates,
            target,
        };
        let problem = on.and_then(|id| self.problems.get(&id));
        if on.is_some() && problem.is_none() {
            return Err(Refusal::invalid("problem", &NEEDS_A_PROBLEM));
        }
        let d = decide(problem, cmd, &facts)?;
        match on {
            None => d.events.iter().for_each(|e| self.start(e)),
            Some(id) => {
                let p = self.problems.get_mut(&id).expect("decided on it");
                d.events.iter().for_each(|e| apply(p, e));
            }
        }
        match d.other {
            Some((Some(id), events)) => {
                let p = self.problems.get_mut(&id).expect("a target");
                events.iter().for_each(|e| apply(p, e));
            }
            Some((None, events)) => events.iter().for_each(|e| self.start(e)),
            None => {}
        }
        for change in &d.appeals {
            let (a, _) = self.appeals.get_mut(&change.appeal_id()).expect("known");
            let at = a.created_at + Duration::hours(1);
            apply_to_appeal(
                a,
                &Event {
                    at,
                    actor_id: actor.user_id,
                    body: change.event(),
                },
            );
        }
        Ok(())
    }

    fn check(&self) {
        let mut seen = BTreeSet::new();
        for p in self.live() {
            assert!(p.appeal_ids.len() >= MIN_APPEALS, "{p:?}");
            assert!(p.appeal_ids.contains(&p.lead_appeal_id), "{p:?}");
            let paths = p.appeal_ids.iter().map(|id| self.appeals[id].1.clone());
            assert_eq!(p.org_path, lowest_common(paths), "{p:?}");
            assert!(in_subtree(&street().org_path, &p.org_path), "{p:?}");
            for id in &p.appeal_ids {
                assert!(seen.insert(*id), "appeal {id} in two problems");
                let a = &self.appeals[id].0;
                if *id == p.lead_appeal_id {
                    assert_ne!(a.status, Status::Merged, "the lead is handled");
                } else {
                    assert_eq!(a.status, Status::Merged, "member {id}");
                    assert_eq!(a.merged_into, Some(p.lead_appeal_id), "member {id}");
                }
            }
        }
        for (id, (a, _)) in &self.appeals {
            if !seen.contains(id) {
                assert_ne!(
                    a.status,
                    Status::Merged,
                    "appeal {id} merged outside a problem"
                );
            }
        }
    }
}

fn ids() -> impl Strategy<Value = Vec<Id>> {
    prop::collection::vec(1..=8i64, 0..5)
}

fn command() -> impl Strategy<Value = (Option<Id>, Command)> {
    let on = prop::option::of(1..=4i64);
    let title = prop::sample::select(vec!["", "3号楼水管爆裂", "路灯不亮"]).prop_map(String::from);
    prop_oneof![
        (1..=8i64, ids(), title.clone()).prop_map(|(lead, appeal_ids, title)| (
            None,
            Command::Create {
                title,
                place: None,
                lead_appeal_id: lead,
                appeal_ids,
            }
        )),
        (on.clone(), 1..=8i64).prop_map(|(on, appeal_id)| (on, Command::Add { appeal_id })),
        (on.clone(), 1..=8i64).prop_map(|(on, appeal_id)| (on, Command::Remove { appeal_id })),
        (on.clone(), 1..=8i64, 1..=4i64).prop_map(|(on, appeal_id, to_problem_id)| (
            on,
            Command::Move {
                appeal_id,
                to_problem_id
            }
        )),
        (on.clone(), ids(), title.clone())
            .prop_map(|(on, appeal_ids, title)| (on, Command::Split { appeal_ids, title })),
        (on.clone(), title).prop_map(|(on, title)| (on, Command::Rename { title })),
        on.prop_map(|on| (on, Command::Dissolve { note: None })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Random commands never put an appeal in two problems, never leave a standing problem
    /// with fewer than two appeals or without its lead, keep every member merged into its
    /// lead and nothing merged outside a problem, never reach another street's appeals;
    /// a move, a split or a rename keeps the union, a refusal changes nothing.
    #[test]
    fn problems_keep_their_invariants(steps in prop::collection::vec(command(), 1..40)) {
        let mut w = World::new();
        for (on, cmd) in steps {
            let before = w.clone();
            match w.step(on, &cmd) {
                Err(_) => {
                    prop_assert_eq!(&w.problems, &before.problems);
                    prop_assert_eq!(
                        w.appeals.values().map(|(a, _)| a.status).collect::<Vec<_>>(),
                        before.appeals.values().map(|(a, _)| a.status).collect::<Vec<_>>()
                    );
                }
                Ok(()) => {
                    if matches!(cmd, Command::Move { .. } | Command::Split { .. } | Command::Rename { .. }) {
                        prop_assert_eq!(w.union(), before.union(), "{:?}", cmd);
                    }
                    if let Command::Remove { appeal_id } = cmd {
                        let mut expected = before.union();
                        expected.remove(&appeal_id);
                        prop_assert_eq!(w.union(), expected);
                    }
                }
            }
            w.check();
        }
    }
}

fn create(w: &mut World, lead: Id, others: &[Id]) -> Result<(), Refusal> {
    w.step(
        None,
        &Command::Create {
            title: "3号楼水管爆裂".into(),
            place: Some("3号楼".into()),
            lead_appeal_id: lead,
            appeal_ids: others.to_vec(),
        },
    )
}

fn field(r: Refusal) -> (String, &'static str) {
    match r {
        Refusal::Invalid(e) | Refusal::Conflict(e) => (e.field, e.code),
        Refusal::Forbidden(r) => ("".into(), r.code),
    }
}

#[test]
fn scope_state_and_membership_are_each_named() {
    let mut w = World::new();
    // Another street's appeal is never pulled in.
    let refused = create(&mut w, 1, &[7]).expect_err("out of scope");
    assert_eq!(
        field(refused),
        ("appeal_ids".into(), "problem_appeal_not_yours")
    );
    // An unknown appeal says so without telling whether it exists elsewhere.
    let refused = create(&mut w, 1, &[99]).expect_err("unknown");
    assert_eq!(
        field(refused),
        ("appeal_ids".into(), "problem_appeal_unknown")
    );
    // One appeal is no problem.
    let refused = create(&mut w, 1, &[1]).expect_err("one");
    assert_eq!(field(refused), ("appeal_ids".into(), "problem_too_few"));
    create(&mut w, 1, &[2, 4]).expect("grouped across two communities of the street");
    assert_eq!(w.problems[&1].org_path, "/1/2/", "the street owns it");
    // An appeal already in a problem is not taken into another.
    let refused = create(&mut w, 3, &[2]).expect_err("in another");
    assert_eq!(
        field(refused),
        ("appeal_ids".into(), "problem_appeal_in_another")
    );
    // A closed appeal cannot join.
    w.appeals.get_mut(&5).expect("5").0.status = Status::Closed;
    let refused = w
        .step(Some(1), &Command::Add { appeal_id: 5 })
        .expect_err("closed");
    assert_eq!(
        field(refused),
        ("appeal_id".into(), "problem_appeal_cannot_join")
    );
    // Three: one may go, and the problem is the community's again.
    w.step(Some(1), &Command::Remove { appeal_id: 4 })
        .expect("three: one may go");
    assert_eq!(w.problems[&1].org_path, "/1/2/3/", "the community's now");
    assert_eq!(
        w.appeals[&4].0.status,
        Status::Accepted,
        "back where it stood"
    );
    // Two left: removing one is refused (and the lead never leaves); dissolving frees both.
    let refused = w
        .step(Some(1), &Command::Remove { appeal_id: 2 })
        .expect_err("two");
    assert_eq!(field(refused), ("appeal_id".into(), "problem_last_two"));
    let refused = w
        .step(Some(1), &Command::Remove { appeal_id: 1 })
        .expect_err("lead");
    assert_eq!(field(refused), ("appeal_id".into(), "problem_lead_stays"));
    w.step(Some(1), &Command::Dissolve { note: None })
        .expect("dissolved");
    assert_eq!(w.appeals[&2].0.status, Status::Accepted);
    w.check();
}

#[test]
fn a_station_groups_only_what_its_unit_handles() {
    let station = Actor {
        org_unit_id: 3,
        org_path: "/1/2/3/".into(),
        role: Role::StationStaff,
        ..street()
    };
    let w = World::new();
    let candidates = w.candidates();
    let facts = Facts {
        actor: &station,
        appeals: &candidates,
        target: None,
    };
    let cmd = |others: Vec<Id>| Command::Create {
        title: "水管".into(),
        place: None,
        lead_appeal_id: 1,
        appeal_ids: others,
    };
    assert!(decide(None, &cmd(vec![2, 3]), &facts).is_ok());
    let refused = decide(None, &cmd(vec![4]), &facts).expect_err("the next community's");
    assert_eq!(field(refused).1, "problem_appeal_not_yours");
    let liaison = Actor {
        role: Role::DepartmentLiaison,
        ..street()
    };
    let facts = Facts {
        actor: &liaison,
        ..facts
    };
    let refused = decide(None, &cmd(vec![2]), &facts).expect_err("not a grouping role");
    assert_eq!(field(refused).1, "problem_appeal_not_yours");
}

fn at(appeal: &Appeal, hours: i64) -> DateTime<Utc> {
    appeal.created_at + Duration::hours(hours)
}

/// Resolving the lead resolves every member with it, against the lead's deadline; answering
/// the lead's appellant answers theirs; each follow-up is the member's own; the measures
/// count every appeal, on time or late exactly as the lead.
#[test]
fn the_lead_carries_its_members_through_the_loop() {
    let mut w = World::new();
    create(&mut w, 2, &[1, 3]).expect("grouped");
    for late in [false, true] {
        let (mut lead, mut members) = (
            w.appeals[&2].0.clone(),
            vec![w.appeals[&1].0.clone(), w.appeals[&3].0.clone()],
        );
        // A member registered later has a later deadline of its own: it still counts as
        // the lead does.
        members[1].resolve_by = members[1].resolve_by.map(|by| by + Duration::days(30));
        let when = if late {
            lead.resolve_by.expect("a limit") + Duration::hours(1)
        } else {
            at(&lead, 2)
        };
        let resolve = AppealEvent::Resolve {
            resolution: Resolution::Solved,
            note: "已更换水管".into(),
        };
        let feedback = AppealEvent::Feedback {
            channel: FeedbackChannel::Phone,
            note: "电话告知".into(),
        };
        for body in [resolve, feedback] {
            apply_to_appeal(
                &mut lead,
                &Event {
                    at: when,
                    actor_id: 9,
                    body: body.clone(),
                },
            );
            for m in &mut members {
                let carried = carry(&lead, &body, m).expect("carried");
                apply_to_appeal(
                    m,
                    &Event {
                        at: when,
                        actor_id: 9,
                        body: carried,
                    },
                );
                assert_eq!(carry(&lead, &body, m), None, "once");
            }
        }
        let mut counts = Counts::default();
        for m in &members {
            assert_eq!(m.status, Status::Resolved);
            assert_eq!(m.resolution, Some(Resolution::Solved));
            assert!(m.feedback_at.is_some(), "answered back");
            assert!(m.satisfaction.is_none(), "its follow-up is its own");
            counts.add(&AppealFacts::from(m), when + Duration::days(60));
        }
        let lead_counts = {
            let mut c = Counts::default();
            c.add(&AppealFacts::from(&lead), when + Duration::days(60));
            c
        };
        assert_eq!(counts.received, 2);
        assert_eq!(counts.resolve_due, 2);
        assert_eq!(
            counts.resolved_on_time,
            2 * lead_counts.resolved_on_time,
            "late: {late}"
        );
        assert_eq!(
            counts.response_due, counts.responded_on_time,
            "merging answered them"
        );
    }
}

#[test]
fn nothing_carries_to_an_appeal_of_another_lead() {
    let mut w = World::new();
    create(&mut w, 2, &[1]).expect("grouped");
    let lead = w.appeals[&4].0.clone();
    let body = AppealEvent::Resolve {
        resolution: Resolution::Solved,
        note: "好了".into(),
    };
    assert_eq!(carry(&lead, &body, &w.appeals[&1].0), None);
}

#[test]
fn paths_meet_at_their_lowest_common_node() {
    let paths = |ps: &[&str]| lowest_common(ps.iter().map(|p| p.to_string()));
    assert_eq!(paths(&["/1/2/3/", "/1/2/4/"]), "/1/2/");
    assert_eq!(paths(&["/1/2/3/", "/1/2/3/"]), "/1/2/3/");
    assert_eq!(paths(&["/1/2/3/", "/1/22/3/"]), "/1/");
    assert_eq!(paths(&[]), "/");
    assert_eq!(node_of("/1/2/31/"), 31);
    assert_eq!(node_of("/"), 0);
}
