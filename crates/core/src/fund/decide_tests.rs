//! The fund's rules (`decide.rs`) by example, one command at a time, and by property:
//! random commands by random levels against a district, a street and a station, each
//! decided and applied the way the store does. Whatever the
//! sequence: no balance is ever negative, a reversal gives back exactly what it reverses and
//! only once, transfers conserve the sum, waiting grants move nothing, and every balance is
//! the sum of its posted lines.

use proptest::prelude::*;

use super::*;
use crate::org::OrgKind;
use crate::Id;

const DISTRICT: Id = 1;
const STREET: Id = 2;
const STATION: Id = 3;

fn level(id: Id) -> OrgKind {
    match id {
        DISTRICT => OrgKind::District,
        STREET => OrgKind::Street,
        _ => OrgKind::Community,
    }
}

fn parent(id: Id) -> Option<Id> {
    match id {
        STATION => Some(STREET),
        STREET => Some(DISTRICT),
        _ => None,
    }
}

/// A stored line, as the model keeps it.
#[derive(Debug, Clone)]
struct Stored {
    line: Line,
    reversed: bool,
}

/// The three ledgers and their lines.
#[derive(Debug, Default)]
struct Books {
    balances: std::collections::BTreeMap<Id, i64>,
    lines: Vec<Stored>,
}

impl Books {
    fn account(&self, id: Id) -> Account {
        Account {
            org_unit_id: id,
            name: format!("节点{id}"),
            kind: level(id),
            parent_id: parent(id),
            balance_cents: self.balances.get(&id).copied().unwrap_or(0),
        }
    }

    fn target(&self, index: usize) -> Option<Target> {
        self.lines.get(index).map(|s| Target {
            org_unit_id: s.line.org_unit_id,
            kind: s.line.kind,
            status: s.line.status,
            delta_cents: s.line.delta_cents,
            approval_level: s.line.approval_level,
            already_reversed: s.reversed,
        })
    }

    fn posted_sum(&self, id: Id) -> i64 {
        self.lines
            .iter()
            .filter(|s| s.line.org_unit_id == id && s.line.status == EntryStatus::Posted)
            .map(|s| s.line.delta_cents)
            .sum()
    }

    fn total(&self) -> i64 {
        self.balances.values().sum()
    }
}

#[derive(Debug, Clone)]
enum Step {
    Post {
        ledger: Id,
        kind: EntryKind,
        amount_cents: i64,
        to: Id,
        target: usize,
    },
    Approve(usize),
    Reject(usize),
}

fn step() -> impl Strategy<Value = Step> {
    let node = prop_oneof![Just(DISTRICT), Just(STREET), Just(STATION)];
    let kind = prop_oneof![
        Just(EntryKind::Donation),
        Just(EntryKind::Grant),
        Just(EntryKind::Transfer),
        Just(EntryKind::Reversal),
    ];
    prop_oneof![
        4 => (node.clone(), kind, 1i64..3_000_000, node, 0usize..40).prop_map(
            |(ledger, kind, amount_cents, to, target)| Step::Post {
                ledger,
                kind,
                amount_cents,
                to,
                target,
            }
        ),
        1 => (0usize..40).prop_map(Step::Approve),
        1 => (0usize..40).prop_map(Step::Reject),
    ]
}

/// The state and command of a step, as the store would load them.
fn load(books: &Books, step: &Step, thresholds: ApprovalThresholds) -> (State, Command) {
    let state = |ledger: Id, counterpart: Option<Id>, target: Option<Target>| State {
        account: books.account(ledger),
        counterpart: counterpart.map(|c| books.account(c)),
        target,
        recipient_on_register: Some(true),
    };
    match *step {
        Step::Post {
            ledger,
            kind,
            amount_cents,
            to,
            target,
        } => {
            let new = NewEntry {
                org_unit_id: ledger,
                kind,
                amount_cents: (kind != EntryKind::Reversal).then_some(amount_cents),
                person_id: Some(9),
                appeal_id: None,
                reverses: Some(target as Id),
                to_org_unit_id: Some(to),
                note: "测试".into(),
            };
            let counterpart = (kind == EntryKind::Transfer).then_some(to);
            let target = (kind == EntryKind::Reversal)
                .then(|| books.target(target))
                .flatten();
            let command = Command::Post {
                entry: new,
                thresholds,
            };
            (state(ledger, counterpart, target), command)
        }
        Step::Approve(i) | Step::Reject(i) => {
            let ledger = books.lines.get(i).map_or(STATION, |s| s.line.org_unit_id);
            let command = match step {
                Step::Approve(_) => Command::Approve,
                _ => Command::Reject {
                    reason: "核实".into(),
                },
            };
            (state(ledger, None, books.target(i)), command)
        }
    }
}

/// Writes what the store writes: the applied balances, new lines, and the target's change.
fn write(books: &mut Books, step: &Step, state: &State, events: &[Event]) {
    for a in std::iter::once(&state.account).chain(&state.counterpart) {
        books.balances.insert(a.org_unit_id, a.balance_cents);
    }
    let target = match step {
        Step::Post { target, .. } | Step::Approve(target) | Step::Reject(target) => *target,
    };
    for e in events {
        match e {
            Event::Recorded(line) => {
                if line.reverses.is_some() {
                    books.lines[target].reversed = true;
                }
                books.lines.push(Stored {
                    line: line.clone(),
                    reversed: false,
                });
            }
            Event::Transferred { out, incoming } => {
                for line in [out, incoming] {
                    books.lines.push(Stored {
                        line: line.clone(),
                        reversed: false,
                    });
                }
            }
            Event::Approved { .. } => books.lines[target].line.status = EntryStatus::Posted,
            Event::Rejected { .. } => books.lines[target].line.status = EntryStatus::Rejected,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_ledger_keeps_its_invariants(
        steps in proptest::collection::vec((step(), 0usize..3), 1..60),
        station_max in 0i64..2_000_000,
    ) {
        let thresholds = ApprovalThresholds {
            station_max_cents: station_max,
            street_max_cents: station_max * 2,
        };
        let mut books = Books::default();
        for (step, actor) in &steps {
            let ctx = Context {
                actor_level: level([DISTRICT, STREET, STATION][*actor]),
            };
            let (mut state, command) = load(&books, step, thresholds);
            // The store only loads ledgers in the actor's subtree (node ids run down the
            // chain district 1, street 2, station 3).
            let node = [DISTRICT, STREET, STATION][*actor];
            let ledgers = std::iter::once(&state.account).chain(&state.counterpart);
            if ledgers.into_iter().any(|a| a.org_unit_id < node) {
                continue;
            }
            let before = books.total();
            let Ok(events) = decide(&state, &command, &ctx) else {
                continue;
            };
            for e in &events {
                apply(&mut state, e);
            }
            for e in &events {
                match e {
                    Event::Recorded(line) if line.status == EntryStatus::Pending => {
                        prop_assert_eq!(line.kind, EntryKind::Grant);
                    }
                    Event::Recorded(line) if line.kind == EntryKind::Reversal => {
                        let target = state.target.expect("a reversal names its entry");
                        prop_assert_eq!(line.delta_cents, -target.delta_cents);
                        prop_assert_eq!(line.amount_cents, line.delta_cents.abs());
                    }
                    Event::Transferred { out, incoming } => {
                        prop_assert_eq!(out.delta_cents, -incoming.delta_cents);
                        prop_assert!(out.delta_cents < 0);
                    }
                    _ => {}
                }
            }
            let reversing = events
                .iter()
                .any(|e| matches!(e, Event::Recorded(l) if l.reverses.is_some()));
            if let (true, Step::Post { target, .. }) = (reversing, step) {
                prop_assert!(!books.lines[*target].reversed, "reversed twice");
            }
            write(&mut books, step, &state, &events);
            let moved: i64 = events
                .iter()
                .map(|e| match e {
                    Event::Recorded(l) if l.status == EntryStatus::Posted => l.delta_cents,
                    Event::Approved { delta_cents } => *delta_cents,
                    _ => 0,
                })
                .sum();
            // Transfers conserve the sum; only posted lines and approvals move it.
            prop_assert_eq!(books.total(), before + moved);
            for id in [DISTRICT, STREET, STATION] {
                let balance = books.balances.get(&id).copied().unwrap_or(0);
                prop_assert!(balance >= 0, "ledger {} at {}", id, balance);
                prop_assert_eq!(balance, books.posted_sum(id));
            }
        }
    }
}

fn grant_target() -> Target {
    Target {
        org_unit_id: 7,
        kind: EntryKind::Grant,
        status: EntryStatus::Posted,
        delta_cents: -30_000,
        approval_level: OrgKind::Community,
        already_reversed: false,
    }
}

#[test]
fn reversals_are_valid_once_and_only_of_posted_money() {
    let grant = grant_target();
    assert_eq!(reversal_delta(&grant, 7), Ok(30_000));
    let donation = Target {
        kind: EntryKind::Donation,
        delta_cents: 80_000,
        ..grant
    };
    assert_eq!(reversal_delta(&donation, 7), Ok(-80_000));
    for bad in [
        Target {
            already_reversed: true,
            ..grant
        },
        Target {
            status: EntryStatus::Pending,
            ..grant
        },
        Target {
            status: EntryStatus::Rejected,
            ..grant
        },
        Target {
            kind: EntryKind::Reversal,
            ..grant
        },
        Target {
            kind: EntryKind::Transfer,
            ..grant
        },
    ] {
        assert_eq!(reversal_delta(&bad, 7).unwrap_err().field, "reverses");
    }
    assert!(reversal_delta(&grant, 8).is_err(), "another ledger's entry");
}

fn station(balance_cents: i64) -> State {
    State {
        account: Account {
            org_unit_id: 7,
            name: "一居".into(),
            kind: OrgKind::Community,
            parent_id: Some(2),
            balance_cents,
        },
        counterpart: None,
        target: None,
        recipient_on_register: Some(true),
    }
}

fn grant(amount_cents: i64) -> Command {
    Command::Post {
        entry: NewEntry {
            org_unit_id: 7,
            kind: EntryKind::Grant,
            amount_cents: Some(amount_cents),
            person_id: Some(3),
            appeal_id: None,
            reverses: None,
            to_org_unit_id: None,
            note: " 医药费 ".into(),
        },
        thresholds: ApprovalThresholds::default(),
    }
}

#[test]
fn a_grant_posts_waits_or_is_refused() {
    let ctx = Context {
        actor_level: OrgKind::Community,
    };
    let events = decide(&station(100_000), &grant(30_000), &ctx).unwrap();
    let Event::Recorded(line) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (line.status, line.delta_cents, line.note.as_str()),
        (EntryStatus::Posted, -30_000, "医药费")
    );
    let mut s = station(100_000);
    apply(&mut s, &events[0]);
    assert_eq!(s.account.balance_cents, 70_000);
    // Above the station's limit it waits, whatever the balance.
    let events = decide(&station(0), &grant(500_000), &ctx).unwrap();
    assert!(matches!(&events[0], Event::Recorded(l) if l.status == EntryStatus::Pending));
    let over = decide(&station(10_000), &grant(30_000), &ctx).unwrap_err();
    assert!(matches!(over, Refusal::Conflict(ref e) if e.field == "amount_cents"));
    let stranger = State {
        recipient_on_register: Some(false),
        ..station(100_000)
    };
    let e = decide(&stranger, &grant(30_000), &ctx).unwrap_err();
    assert_eq!(e.to_string(), "未知的人员，或不在「一居」的人员档案中");
}

#[test]
fn a_waiting_grant_is_decided_once_by_its_level() {
    let waiting = State {
        target: Some(Target {
            status: EntryStatus::Pending,
            approval_level: OrgKind::Street,
            ..grant_target()
        }),
        ..station(100_000)
    };
    let at = |actor_level| Context { actor_level };
    let e = decide(&waiting, &Command::Approve, &at(OrgKind::Community)).unwrap_err();
    let Refusal::Forbidden(reason) = e else {
        panic!("a station cannot approve a street's grant: {e:?}")
    };
    assert_eq!(reason.text(false), "该笔发放须由街道/镇审批");
    assert_eq!(
        reason.text(true),
        "This grant is for the Street / town level to approve"
    );
    let events = decide(&waiting, &Command::Approve, &at(OrgKind::Street)).unwrap();
    let mut s = waiting.clone();
    apply(&mut s, &events[0]);
    assert_eq!(s.account.balance_cents, 70_000);
    let again = decide(&s, &Command::Approve, &at(OrgKind::Street)).unwrap_err();
    assert!(matches!(again, Refusal::Conflict(ref e) if e.field == "status"));
    let blank = Command::Reject { reason: " ".into() };
    let e = decide(&waiting, &blank, &at(OrgKind::District)).unwrap_err();
    assert!(matches!(e, Refusal::Invalid(ref e) if e.field == "reason"));
    let short = State {
        account: Account {
            balance_cents: 0,
            ..waiting.account.clone()
        },
        ..waiting
    };
    let e = decide(&short, &Command::Approve, &at(OrgKind::Street)).unwrap_err();
    assert!(matches!(e, Refusal::Conflict(ref e) if e.field == "amount_cents"));
}

#[test]
fn every_error_of_an_entry_is_named_at_once() {
    let fields =
        |new: &NewEntry| -> Vec<String> { check(new).into_iter().map(|e| e.field).collect() };
    let bare = NewEntry {
        org_unit_id: 7,
        kind: EntryKind::Grant,
        amount_cents: None,
        person_id: None,
        appeal_id: None,
        reverses: None,
        to_org_unit_id: None,
        note: String::new(),
    };
    assert_eq!(fields(&bare), ["amount_cents", "person_id", "note"]);
    let transfer = NewEntry {
        kind: EntryKind::Transfer,
        amount_cents: Some(0),
        note: "x".repeat(MAX_NOTE_CHARS + 1),
        ..bare.clone()
    };
    assert_eq!(
        fields(&transfer),
        ["note", "amount_cents", "to_org_unit_id"]
    );
    let reversal = NewEntry {
        kind: EntryKind::Reversal,
        ..bare
    };
    assert_eq!(fields(&reversal), ["note"]);
}
