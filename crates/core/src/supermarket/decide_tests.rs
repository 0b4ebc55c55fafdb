//! The supermarket's rules (`decide.rs`) by example, and by property: random commands
//! against one station's shelves, each decided and applied the way the store does.
//! Whatever the sequence: no stock is ever negative, every item's stock is the sum of its
//! movements, a hand-out is refused exactly when it would take more than there is, and a
//! name stands on the shelves once.

use proptest::prelude::*;

use super::*;
use crate::org::OrgKind;

const PERSON: crate::Id = 7;

fn station(kind: OrgKind) -> State {
    State {
        station: Station {
            name: "佛字桥居民区".into(),
            kind,
        },
        names: vec!["大米".into()],
        item: None,
        recipient_on_register: None,
    }
}

fn rice(stock: i64) -> State {
    State {
        item: Some(Stock {
            name: "大米".into(),
            unit: "袋".into(),
            stock,
        }),
        ..station(OrgKind::Community)
    }
}

fn add(name: &str, unit: &str) -> Command {
    Command::AddItem(NewItem {
        org_unit_id: 1,
        name: name.into(),
        unit: unit.into(),
    })
}

fn mv(quantity: i64, person_id: Option<crate::Id>) -> Command {
    Command::Move(NewMovement {
        item_id: 1,
        quantity,
        person_id,
        note: " 节日慰问 ".into(),
    })
}

fn refused_on(r: Result<Vec<Event>, Refusal>) -> (&'static str, String) {
    match r {
        Err(Refusal::Invalid(e)) => ("invalid", e.field),
        Err(Refusal::Conflict(e)) => ("conflict", e.field),
        Err(Refusal::Forbidden(r)) => ("forbidden", r.code.to_string()),
        Ok(events) => panic!("expected a refusal, got {events:?}"),
    }
}

#[test]
fn items_are_named_once_per_station_and_never_at_a_grid() {
    let s = station(OrgKind::Community);
    assert_eq!(
        decide(&s, &add(" 食用油 ", " 桶 ")),
        Ok(vec![Event::ItemAdded {
            name: "食用油".into(),
            unit: "桶".into()
        }])
    );
    assert_eq!(
        refused_on(decide(&s, &add(" 大米", "袋"))),
        ("conflict", "name".into())
    );
    assert_eq!(
        refused_on(decide(&s, &add("", "袋"))),
        ("invalid", "name".into())
    );
    let grid = station(OrgKind::Grid);
    assert_eq!(
        refused_on(decide(&grid, &add("食用油", "桶"))),
        ("invalid", "org_unit_id".into())
    );
}

#[test]
fn an_added_item_stands_empty() {
    let mut s = station(OrgKind::Street);
    for e in decide(&s, &add("牛奶", "箱")).unwrap() {
        apply(&mut s, &e);
    }
    assert_eq!(s.item.as_ref().map(|i| i.stock), Some(0));
    assert!(s.names.contains(&"牛奶".to_string()));
}

#[test]
fn hand_outs_go_to_the_register_and_never_below_zero() {
    let s = rice(3);
    let on = State {
        recipient_on_register: Some(true),
        ..rice(3)
    };
    assert_eq!(
        decide(&on, &mv(-3, Some(PERSON))),
        Ok(vec![Event::Moved {
            quantity: -3,
            person_id: Some(PERSON),
            note: "节日慰问".into()
        }])
    );
    let short = decide(&on, &mv(-4, Some(PERSON))).unwrap_err();
    assert_eq!(
        refused_on(Err(short.clone())),
        ("conflict", "quantity".into())
    );
    assert_eq!(short.to_string(), "库存不足：「大米」现有 3 袋");
    assert_eq!(
        refused_on(decide(&s, &mv(-1, None))),
        ("invalid", "person_id".into())
    );
    assert_eq!(
        refused_on(decide(&s, &mv(0, None))),
        ("invalid", "quantity".into())
    );
    let off = State {
        recipient_on_register: Some(false),
        ..rice(3)
    };
    let stranger = decide(&off, &mv(-1, Some(PERSON))).unwrap_err();
    assert_eq!(
        refused_on(Err(stranger.clone())),
        ("invalid", "person_id".into())
    );
    assert!(stranger.to_string().contains("佛字桥居民区"));
    let unknown = station(OrgKind::Community);
    assert_eq!(
        refused_on(decide(&unknown, &mv(5, None))),
        ("invalid", "item_id".into())
    );
    let long = Command::Move(NewMovement {
        note: "备".repeat(MAX_NOTE_CHARS + 1),
        ..NewMovement {
            item_id: 1,
            quantity: 1,
            person_id: None,
            note: String::new(),
        }
    });
    assert_eq!(refused_on(decide(&s, &long)), ("invalid", "note".into()));
}

#[test]
fn every_error_of_a_movement_at_once() {
    let m = NewMovement {
        item_id: 1,
        quantity: -2,
        person_id: None,
        note: "x".repeat(MAX_NOTE_CHARS + 1),
    };
    let fields: Vec<String> = check(&m).into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["person_id", "note"]);
}

/// A command as the property draws it: a quantity (some zero, some huge), whether it names
/// someone, whether that someone is on the register.
fn any_move() -> impl Strategy<Value = (i64, bool, bool)> {
    (
        prop_oneof![-20i64..=20, Just(MAX_QUANTITY + 1), Just(-MAX_QUANTITY - 1)],
        any::<bool>(),
        any::<bool>(),
    )
}

proptest! {
    /// Random movements never take the stock below zero, the stock is always the sum of
    /// the movements applied, and a valid hand-out is refused exactly when it is more
    /// than there is.
    #[test]
    fn stock_is_the_sum_of_movements_and_never_negative(
        moves in proptest::collection::vec(any_move(), 0..60)
    ) {
        let mut s = rice(0);
        let mut moved = 0i64;
        for (quantity, named, on_register) in moves {
            let person_id = named.then_some(PERSON);
            s.recipient_on_register = named.then_some(on_register);
            let before = s.item.as_ref().map_or(0, |i| i.stock);
            let valid = check_movement(quantity, person_id).is_ok() && (!named || on_register);
            match decide(&s, &mv(quantity, person_id)) {
                Ok(events) => {
                    prop_assert!(valid);
                    for e in &events {
                        apply(&mut s, e);
                        if let Event::Moved { quantity, .. } = e {
                            moved += quantity;
                        }
                    }
                }
                Err(Refusal::Conflict(e)) => {
                    prop_assert!(valid && before + quantity < 0, "{e:?}");
                }
                Err(Refusal::Invalid(_)) => prop_assert!(!valid),
                Err(Refusal::Forbidden(r)) => prop_assert!(false, "forbidden: {r}"),
            }
            let stock = s.item.as_ref().map_or(0, |i| i.stock);
            prop_assert!(stock >= 0);
            prop_assert_eq!(stock, moved);
        }
    }

    /// Whatever names are added, in whatever spacing, each stands on the shelves once.
    #[test]
    fn a_name_stands_once(names in proptest::collection::vec("[ ]?[米油奶面]{1,2}[ ]?", 0..20)) {
        let mut s = station(OrgKind::Community);
        for name in names {
            if let Ok(events) = decide(&s, &add(&name, "袋")) {
                for e in &events {
                    apply(&mut s, e);
                }
            }
        }
        let mut sorted = s.names.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), s.names.len());
    }
}
