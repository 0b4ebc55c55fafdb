//! A little of the care registers for the demo station (佛字桥居民区) and its street (岳阳街道),
//! so the fund and supermarket pages are not empty: the street's aid fund with a transfer to
//! the station, donations and grants (one waiting for the street's approval), and a
//! storeroom with goods taken in and handed out. Small and the same on every load.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Duration, Utc};
use suqiu_core::access::Actor;
use suqiu_core::fund::{ApprovalThresholds, EntryKind};
use suqiu_core::Id;
use suqiu_store::fund::NewEntry;
use suqiu_store::people::PeopleFilter;
use suqiu_store::supermarket::NewMovement;
use suqiu_store::Store;

async fn actor(store: &Store, username: &str) -> Result<Actor> {
    let (user, _) = store
        .user_for_login(username)
        .await?
        .with_context(|| format!("demo account {username} missing"))?;
    store
        .actor(user.id)
        .await?
        .with_context(|| format!("demo account {username} has no node"))
}

fn entry(org_unit_id: Id, kind: EntryKind, yuan: i64, note: &str) -> NewEntry {
    NewEntry {
        org_unit_id,
        kind,
        amount_cents: Some(yuan * 100),
        person_id: None,
        appeal_id: None,
        reverses: None,
        to_org_unit_id: None,
        note: note.into(),
    }
}

/// Loads the registers; `now` dates the latest movement.
pub async fn load_fund(store: &Store, now: DateTime<Utc>) -> Result<()> {
    let station = actor(store, "fzq").await?;
    let street = actor(store, "yueyang").await?;
    let filter = PeopleFilter {
        org_unit_id: Some(station.org_unit_id),
        page: 1,
        per_page: 3,
        ..PeopleFilter::default()
    };
    let people: Vec<Id> = store
        .list_people(&station, &filter)
        .await?
        .items
        .iter()
        .map(|p| p.id)
        .collect();
    let [a, b, c] = people[..] else {
        anyhow::bail!("the demo station needs three people on its register");
    };
    let t = ApprovalThresholds::default();
    let day = |n: i64| now - Duration::days(n);
    let fund: [(&Actor, NewEntry, i64); 7] = [
        (
            &street,
            entry(
                street.org_unit_id,
                EntryKind::Donation,
                50_000,
                "街道党工委年度助困专项",
            ),
            60,
        ),
        (
            &street,
            NewEntry {
                to_org_unit_id: Some(station.org_unit_id),
                ..entry(
                    street.org_unit_id,
                    EntryKind::Transfer,
                    20_000,
                    "下拨佛字桥居民区助困站",
                )
            },
            55,
        ),
        (
            &station,
            entry(
                station.org_unit_id,
                EntryKind::Donation,
                3_000,
                "辖区党员七一爱心捐款",
            ),
            40,
        ),
        (
            &station,
            entry(
                station.org_unit_id,
                EntryKind::Donation,
                5_000,
                "爱心企业捐赠",
            ),
            30,
        ),
        (
            &station,
            NewEntry {
                person_id: Some(a),
                ..entry(
                    station.org_unit_id,
                    EntryKind::Grant,
                    800,
                    "高龄独居老人冬季慰问",
                )
            },
            20,
        ),
        (
            &station,
            NewEntry {
                person_id: Some(b),
                ..entry(
                    station.org_unit_id,
                    EntryKind::Grant,
                    500,
                    "大病住院临时补助",
                )
            },
            12,
        ),
        // Above the station's ¥1,000: it waits for 岳阳街道 (sign in as yueyang to approve).
        (
            &station,
            NewEntry {
                person_id: Some(c),
                ..entry(
                    station.org_unit_id,
                    EntryKind::Grant,
                    3_000,
                    "家庭突发困难救助",
                )
            },
            2,
        ),
    ];
    for (who, e, days_ago) in fund {
        store.post_fund_entry(who, &e, &t, day(days_ago)).await?;
    }
    let mut items = Vec::new();
    for (name, unit) in [("大米", "袋"), ("食用油", "桶"), ("牛奶", "箱")] {
        items.push(
            store
                .create_item(&station, station.org_unit_id, name, unit, day(45))
                .await?
                .id,
        );
    }
    let moves = [
        (items[0], 40, None, "爱心超市开业，社区单位捐赠", 44),
        (items[1], 20, None, "爱心超市开业，社区单位捐赠", 44),
        (items[2], 15, None, "党员捐赠", 25),
        (items[0], -2, Some(a), "节日慰问", 20),
        (items[1], -1, Some(b), "困难家庭生活帮扶", 12),
        (items[2], -1, Some(c), "术后营养", 3),
    ];
    for (item_id, quantity, person_id, note, days_ago) in moves {
        let m = NewMovement {
            item_id,
            quantity,
            person_id,
            note: note.into(),
        };
        store.move_stock(&station, &m, day(days_ago)).await?;
    }
    Ok(())
}
