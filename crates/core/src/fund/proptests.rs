//! Property tests of the ledger: random commands by random levels against a district, a
//! street and a station, each decided and applied the way the store does. Whatever the
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
