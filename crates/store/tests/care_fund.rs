//! The aid fund and the love supermarket on both backends: approval by level, balances and
//! stock that never go below zero (also with 20 writers at once), reversals, transfers,
//! scope, and the stored balance always equal to the ledger's sum.

mod support;

use support::*;
use suqiu_core::access::Actor;
use suqiu_core::error::FieldError;
use suqiu_core::fund::{monthly_totals, ApprovalThresholds, EntryKind, EntryStatus};
use suqiu_core::org::OrgKind;
use suqiu_core::report::Month;
use suqiu_core::Id;
use suqiu_store::fund::{Entry, NewEntry};
use suqiu_store::supermarket::NewMovement;
use suqiu_store::{Store, StoreError};

fn entry(org_unit_id: Id, kind: EntryKind, amount_cents: i64) -> NewEntry {
    NewEntry {
        org_unit_id,
        kind,
        amount_cents: Some(amount_cents),
        person_id: None,
        appeal_id: None,
        reverses: None,
        to_org_unit_id: None,
        note: "测试".into(),
    }
}

fn grant(org_unit_id: Id, person_id: Id, amount_cents: i64) -> NewEntry {
    NewEntry {
        person_id: Some(person_id),
        ..entry(org_unit_id, EntryKind::Grant, amount_cents)
    }
}

async fn post(store: &Store, actor: &Actor, e: NewEntry) -> Result<Entry, StoreError> {
    store
        .post_fund_entry(actor, &e, &ApprovalThresholds::default(), at(2, 10))
        .await
}

async fn posted(store: &Store, actor: &Actor, e: NewEntry) -> Entry {
    post(store, actor, e).await.expect("posted")
}

#[track_caller]
fn field_of(e: StoreError) -> String {
    match e {
        StoreError::Invalid(FieldError { field, .. })
        | StoreError::Conflict(FieldError { field, .. }) => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

async fn balance_agrees(store: &Store) {
    assert_eq!(
        store.verify_care_registers().await.unwrap(),
        Vec::<String>::new()
    );
}

async fn grants_wait_for_the_level_their_amount_needs(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let donation = posted(
        s,
        &w.station,
        entry(w.c1.id, EntryKind::Donation, 3_000_000),
    )
    .await;
    assert_eq!(donation.status, EntryStatus::Posted);
    assert_eq!(
        donation.decided_by.as_ref().map(|n| n.id),
        Some(w.station.user_id)
    );
    // ¥800: the station's own limit.
    let small = posted(s, &w.station, grant(w.c1.id, w.person1.id, 80_000)).await;
    assert_eq!(
        (small.status, small.approval_level, small.delta_cents),
        (EntryStatus::Posted, OrgKind::Community, -80_000)
    );
    assert_eq!(
        small.person.as_ref().map(|p| p.name.as_str()),
        Some("王阿姨")
    );
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 2_920_000);
    // ¥5,000 waits for the street; no money moves until it approves.
    let mid = posted(s, &w.station, grant(w.c1.id, w.person1.id, 500_000)).await;
    assert_eq!(
        (mid.status, mid.approval_level),
        (EntryStatus::Pending, OrgKind::Street)
    );
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 2_920_000);
    let waiting = s.pending_fund_entries(&w.street).await.unwrap();
    assert_eq!(waiting.iter().map(|e| e.id).collect::<Vec<_>>(), [mid.id]);
    assert!(s
        .pending_fund_entries(&w.station2)
        .await
        .unwrap()
        .is_empty());
    let approved = s
        .approve_fund_entry(&w.street, mid.id, at(3, 9))
        .await
        .unwrap();
    assert_eq!(approved.status, EntryStatus::Posted);
    assert_eq!(
        approved.decided_by.as_ref().map(|n| n.id),
        Some(w.street.user_id)
    );
    assert!(approved.posted_at.is_some());
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 2_420_000);
    // Decided once: a second approval is a conflict, and moves nothing.
    let again = s
        .approve_fund_entry(&w.street, mid.id, at(3, 9))
        .await
        .unwrap_err();
    assert_eq!(field_of(again), "status");
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 2_420_000);
    // ¥20,000 needs the district, even when the street posts it.
    let big = posted(s, &w.street, grant(w.c1.id, w.person1.id, 2_000_000)).await;
    assert_eq!(
        (big.status, big.approval_level),
        (EntryStatus::Pending, OrgKind::District)
    );
    let rejected = s
        .reject_fund_entry(&w.admin, big.id, "请先核实家庭收入", at(3, 10))
        .await
        .unwrap();
    assert_eq!(rejected.status, EntryStatus::Rejected);
    assert_eq!(rejected.decision_note.as_deref(), Some("请先核实家庭收入"));
    assert!(s
        .approve_fund_entry(&w.admin, big.id, at(3, 11))
        .await
        .is_err());
    // An approval the ledger cannot pay stays pending (409).
    let huge = posted(s, &w.station, grant(w.c1.id, w.person1.id, 900_000)).await;
    let large = posted(s, &w.station, grant(w.c1.id, w.person1.id, 900_000)).await;
    let third = posted(s, &w.station, grant(w.c1.id, w.person1.id, 900_000)).await;
    s.approve_fund_entry(&w.street, huge.id, at(4, 9))
        .await
        .unwrap();
    s.approve_fund_entry(&w.street, large.id, at(4, 9))
        .await
        .unwrap();
    let short = s
        .approve_fund_entry(&w.street, third.id, at(4, 9))
        .await
        .unwrap_err();
    assert_eq!(field_of(short), "amount_cents");
    let third = s.fund_entry(&w.street, third.id).await.unwrap().unwrap();
    assert_eq!(third.status, EntryStatus::Pending);
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 620_000);
    let ledger = s.fund_ledger(&w.auditor, w.c1.id, 1, 50).await.unwrap();
    assert_eq!(ledger.balance_cents, 620_000);
    assert_eq!(ledger.entries.total, 7);
    assert_eq!(ledger.entries.items[0].id, third.id, "newest first");
    balance_agrees(s).await;
}

/// Twenty grants at once against a fund that pays ten: exactly ten post, the rest are
/// refused, and the balance ends at zero, on both backends.
async fn twenty_concurrent_grants_never_overdraw(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    posted(s, &w.station, entry(w.c1.id, EntryKind::Donation, 100_000)).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (store, actor) = (s.clone(), w.station.clone());
        let g = grant(w.c1.id, w.person1.id, 10_000);
        tasks.push(tokio::spawn(async move { post(&store, &actor, g).await }));
    }
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(e) => {
                assert_eq!(e.status, EntryStatus::Posted);
                ok += 1;
            }
            Err(StoreError::Conflict(FieldError { field, .. })) if field == "amount_cents" => {
                refused += 1
            }
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!((ok, refused), (10, 10));
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 0);
    let ledger = s.fund_ledger(&w.station, w.c1.id, 1, 50).await.unwrap();
    assert_eq!(ledger.entries.total, 11, "refused grants leave no line");
    balance_agrees(s).await;
}

async fn reversals_post_the_opposite_once(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let donation = posted(s, &w.station, entry(w.c1.id, EntryKind::Donation, 50_000)).await;
    let g = posted(s, &w.station, grant(w.c1.id, w.person1.id, 30_000)).await;
    let reversal = NewEntry {
        reverses: Some(g.id),
        amount_cents: None,
        ..entry(w.c1.id, EntryKind::Reversal, 0)
    };
    let r = posted(s, &w.station, reversal.clone()).await;
    assert_eq!(
        (r.delta_cents, r.amount_cents, r.reverses),
        (30_000, 30_000, Some(g.id))
    );
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 50_000);
    let g = s.fund_entry(&w.station, g.id).await.unwrap().unwrap();
    assert_eq!(g.reversed_by, Some(r.id));
    // Once only; never a reversal of a reversal; an amount must match.
    assert_eq!(
        field_of(post(s, &w.station, reversal).await.unwrap_err()),
        "reverses"
    );
    let of_reversal = NewEntry {
        reverses: Some(r.id),
        amount_cents: None,
        ..entry(w.c1.id, EntryKind::Reversal, 0)
    };
    assert_eq!(
        field_of(post(s, &w.station, of_reversal).await.unwrap_err()),
        "reverses"
    );
    // Reversing the donation after spending it would overdraw: 409, nothing written.
    posted(s, &w.station, grant(w.c1.id, w.person1.id, 40_000)).await;
    let undo_donation = NewEntry {
        reverses: Some(donation.id),
        amount_cents: Some(50_000),
        ..entry(w.c1.id, EntryKind::Reversal, 0)
    };
    let e = post(s, &w.station, undo_donation.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(ref e) if e.field == "amount_cents"),
        "{e:?}"
    );
    let wrong_amount = NewEntry {
        amount_cents: Some(1),
        ..undo_donation
    };
    assert_eq!(
        field_of(post(s, &w.station, wrong_amount).await.unwrap_err()),
        "amount_cents"
    );
    // Another ledger's entry is not this ledger's to reverse.
    posted(s, &w.street, entry(w.c2.id, EntryKind::Donation, 10_000)).await;
    let elsewhere = NewEntry {
        reverses: Some(donation.id),
        amount_cents: None,
        ..entry(w.c2.id, EntryKind::Reversal, 0)
    };
    assert_eq!(
        field_of(post(s, &w.street, elsewhere).await.unwrap_err()),
        "reverses"
    );
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 10_000);
    // Two reversals of one entry at once: one wins.
    let g2 = posted(s, &w.station, grant(w.c1.id, w.person1.id, 5_000)).await;
    let mut tasks = Vec::new();
    for _ in 0..2 {
        let (store, actor) = (s.clone(), w.station.clone());
        let rev = NewEntry {
            reverses: Some(g2.id),
            amount_cents: None,
            ..entry(w.c1.id, EntryKind::Reversal, 0)
        };
        tasks.push(tokio::spawn(async move { post(&store, &actor, rev).await }));
    }
    let mut wins = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            wins += 1;
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 10_000);
    balance_agrees(s).await;
}

async fn transfers_are_two_lines_between_adjacent_levels(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    posted(
        s,
        &w.street,
        entry(w.street1.id, EntryKind::Donation, 500_000),
    )
    .await;
    let out = posted(
        s,
        &w.street,
        NewEntry {
            to_org_unit_id: Some(w.c1.id),
            ..entry(w.street1.id, EntryKind::Transfer, 200_000)
        },
    )
    .await;
    assert_eq!(out.delta_cents, -200_000);
    assert_eq!(out.counterpart.as_ref().map(|c| c.id), Some(w.c1.id));
    let incoming = s
        .fund_entry(&w.station, out.counterpart_entry_id.expect("the other leg"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            incoming.org_unit_id,
            incoming.delta_cents,
            incoming.counterpart_entry_id
        ),
        (w.c1.id, 200_000, Some(out.id))
    );
    assert_eq!(s.fund_balance(w.street1.id).await.unwrap(), 300_000);
    assert_eq!(s.fund_balance(w.c1.id).await.unwrap(), 200_000);
    // Back up from the station: the street does it (the station cannot reach its parent).
    let up = NewEntry {
        to_org_unit_id: Some(w.street1.id),
        ..entry(w.c1.id, EntryKind::Transfer, 50_000)
    };
    assert_eq!(
        field_of(post(s, &w.station, up.clone()).await.unwrap_err()),
        "to_org_unit_id"
    );
    posted(s, &w.street, up).await;
    // Only between a node and its parent; never more than there is.
    let sideways = NewEntry {
        to_org_unit_id: Some(w.c3.id),
        ..entry(w.c1.id, EntryKind::Transfer, 1_000)
    };
    assert_eq!(
        field_of(post(s, &w.admin, sideways).await.unwrap_err()),
        "to_org_unit_id"
    );
    let too_much = NewEntry {
        to_org_unit_id: Some(w.c2.id),
        ..entry(w.street1.id, EntryKind::Transfer, 900_000)
    };
    assert_eq!(
        field_of(post(s, &w.street, too_much).await.unwrap_err()),
        "amount_cents"
    );
    assert_eq!(s.fund_balance(w.c2.id).await.unwrap(), 0);
    assert_eq!(s.fund_balance(w.street1.id).await.unwrap(), 350_000);
    // A transfer leg is corrected by a transfer back, not a reversal.
    let undo = NewEntry {
        reverses: Some(out.id),
        amount_cents: None,
        ..entry(w.street1.id, EntryKind::Reversal, 0)
    };
    assert_eq!(
        field_of(post(s, &w.street, undo).await.unwrap_err()),
        "reverses"
    );
    balance_agrees(s).await;
}

async fn scope_and_bad_input_write_nothing(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    posted(s, &w.station, entry(w.c1.id, EntryKind::Donation, 100_000)).await;
    // Out of scope is unknown.
    assert!(matches!(
        s.fund_ledger(&w.station2, w.c1.id, 1, 50).await,
        Err(StoreError::NotFound)
    ));
    let out_of_scope = post(s, &w.station2, entry(w.c1.id, EntryKind::Donation, 1)).await;
    assert_eq!(field_of(out_of_scope.unwrap_err()), "org_unit_id");
    // A grant goes to someone on this ledger's register, always to someone.
    let stranger = post(s, &w.admin, grant(w.c1.id, w.person3.id, 1_000)).await;
    assert_eq!(field_of(stranger.unwrap_err()), "person_id");
    let nobody = post(s, &w.station, entry(w.c1.id, EntryKind::Grant, 1_000)).await;
    assert_eq!(field_of(nobody.unwrap_err()), "person_id");
    let unknown_appeal = NewEntry {
        appeal_id: Some(999_999),
        ..grant(w.c1.id, w.person1.id, 1_000)
    };
    assert_eq!(
        field_of(post(s, &w.station, unknown_appeal).await.unwrap_err()),
        "appeal_id"
    );
    // Grids keep no ledger.
    let grid = post(s, &w.admin, entry(w.grid1.id, EntryKind::Donation, 1_000)).await;
    assert_eq!(field_of(grid.unwrap_err()), "org_unit_id");
    let ledger = s.fund_ledger(&w.admin, w.c1.id, 1, 50).await.unwrap();
    assert_eq!((ledger.entries.total, ledger.balance_cents), (1, 100_000));
    // A grant tied to an appeal in scope.
    let appeal = intake(s, &NewAppeal::at(&w.c1), &w.station, at(2, 9)).await;
    let tied = posted(
        s,
        &w.station,
        NewEntry {
            appeal_id: Some(appeal.id),
            ..grant(w.c1.id, w.person1.id, 1_000)
        },
    )
    .await;
    assert_eq!(
        tied.appeal_tracking_code.as_deref(),
        Some(appeal.tracking_code.as_str())
    );
    balance_agrees(s).await;
}

async fn public_totals_by_month(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let t = ApprovalThresholds::default();
    s.post_fund_entry(
        &w.station,
        &entry(w.c1.id, EntryKind::Donation, 100_000),
        &t,
        at(2, 10),
    )
    .await
    .unwrap();
    s.post_fund_entry(
        &w.station,
        &grant(w.c1.id, w.person1.id, 30_000),
        &t,
        at(3, 10),
    )
    .await
    .unwrap();
    let april = at(31, 23) + chrono::Duration::hours(2);
    s.post_fund_entry(&w.station, &grant(w.c1.id, w.person1.id, 20_000), &t, april)
        .await
        .unwrap();
    let (unit, balance, lines) = s.fund_public(w.c1.id).await.unwrap();
    assert_eq!((unit.id, balance), (w.c1.id, 50_000));
    let totals = monthly_totals(&lines);
    let months: Vec<Month> = totals.iter().map(|m| m.month).collect();
    assert_eq!(
        months,
        [
            Month::parse("2026-03").unwrap(),
            Month::parse("2026-04").unwrap()
        ]
    );
    assert_eq!(
        (
            totals[0].donations_cents,
            totals[0].grants_cents,
            totals[0].grants
        ),
        (100_000, 30_000, 1)
    );
    assert_eq!((totals[1].grants_cents, totals[1].grants), (20_000, 1));
    assert!(matches!(
        s.fund_public(w.grid1.id).await,
        Err(StoreError::NotFound)
    ));
}

async fn stock_never_goes_below_zero(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let rice = s
        .create_item(&w.station, w.c1.id, "大米", "袋", at(2, 9))
        .await
        .unwrap();
    let dup = s
        .create_item(&w.station, w.c1.id, "大米", "袋", at(2, 9))
        .await
        .unwrap_err();
    assert_eq!(field_of(dup), "name");
    let spaced = s
        .create_item(&w.station, w.c1.id, " 大米 ", "袋", at(2, 9))
        .await
        .unwrap_err();
    assert_eq!(
        field_of(spaced),
        "name",
        "a name is trimmed before it is compared"
    );
    let at_grid = s
        .create_item(&w.station, w.grid1.id, "面粉", "袋", at(2, 9))
        .await
        .unwrap_err();
    assert_eq!(
        field_of(at_grid),
        "org_unit_id",
        "grids keep no supermarket"
    );
    let stock_in = |quantity| NewMovement {
        item_id: rice.id,
        quantity,
        person_id: None,
        note: "爱心企业捐赠".into(),
    };
    let m = s
        .move_stock(&w.station, &stock_in(10), at(2, 10))
        .await
        .unwrap();
    assert_eq!((m.stock_after, m.created_by.id), (10, w.station.user_id));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (store, actor) = (s.clone(), w.station.clone());
        let out = NewMovement {
            item_id: rice.id,
            quantity: -1,
            person_id: Some(w.person1.id),
            note: "发放".into(),
        };
        tasks.push(tokio::spawn(async move {
            store.move_stock(&actor, &out, at(3, 10)).await
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(FieldError { field, .. })) if field == "quantity" => {
                refused += 1
            }
            Err(e) => panic!("unexpected: {e:?}"),
        }
    }
    assert_eq!((ok, refused), (10, 10));
    let items = s.items(&w.station, w.c1.id).await.unwrap();
    assert_eq!(items[0].stock, 0);
    // Hand-outs go to people on this station's register; others' items are unknown.
    let stranger = NewMovement {
        person_id: Some(w.person3.id),
        ..stock_in(-1)
    };
    s.move_stock(&w.station, &stock_in(1), at(3, 11))
        .await
        .unwrap();
    assert_eq!(
        field_of(
            s.move_stock(&w.admin, &stranger, at(3, 11))
                .await
                .unwrap_err()
        ),
        "person_id"
    );
    assert_eq!(
        field_of(
            s.move_stock(&w.station2, &stock_in(1), at(3, 11))
                .await
                .unwrap_err()
        ),
        "item_id"
    );
    assert!(matches!(
        s.items(&w.station2, w.c1.id).await,
        Err(StoreError::NotFound)
    ));
    balance_agrees(s).await;
}

async fn supermarket_statement_of_a_month(db: Db) {
    let s = &db.store;
    let w = world(s).await;
    let oil = s
        .create_item(&w.station, w.c1.id, "食用油", "桶", at(1, 9))
        .await
        .unwrap();
    let mv = |quantity, person_id| NewMovement {
        item_id: oil.id,
        quantity,
        person_id,
        note: String::new(),
    };
    // February: 8 in. March: 5 in, 3 out. April: 1 out.
    let feb = at(1, 9) - chrono::Duration::days(3);
    s.move_stock(&w.station, &mv(8, None), feb).await.unwrap();
    s.move_stock(&w.station, &mv(5, None), at(5, 10))
        .await
        .unwrap();
    s.move_stock(&w.station, &mv(-3, Some(w.person1.id)), at(6, 10))
        .await
        .unwrap();
    s.move_stock(
        &w.station,
        &mv(-1, Some(w.person1.id)),
        at(31, 23) + chrono::Duration::hours(2),
    )
    .await
    .unwrap();
    let march = Month::parse("2026-03").unwrap();
    let st = s
        .supermarket_statement(&w.street, w.c1.id, march)
        .await
        .unwrap();
    assert_eq!(st.items.len(), 1);
    let (item, m) = &st.items[0];
    assert_eq!((item.name.as_str(), item.stock), ("食用油", 9));
    assert_eq!(
        (m.opening, m.stock_in, m.handed_out, m.closing()),
        (8, 5, 3, 10)
    );
    assert_eq!(st.movements.len(), 2);
    assert_eq!(
        st.movements[1].person.as_ref().map(|p| p.name.as_str()),
        Some("王阿姨")
    );
    assert!(s
        .supermarket_statement(&w.station2, w.c1.id, march)
        .await
        .is_err());
}

conformance!(
    grants_wait_for_the_level_their_amount_needs,
    twenty_concurrent_grants_never_overdraw,
    reversals_post_the_opposite_once,
    transfers_are_two_lines_between_adjacent_levels,
    scope_and_bad_input_write_nothing,
    public_totals_by_month,
    stock_never_goes_below_zero,
    supermarket_statement_of_a_month,
);
