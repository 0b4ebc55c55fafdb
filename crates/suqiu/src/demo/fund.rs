//! A little of the care registers for the demo station (佛字桥居民区) and its street (岳阳街道),
//! so the fund and supermarket pages are not empty: the street's aid fund with a transfer to
//! the station, donations and grants (one waiting for the street's approval), and a
//! storeroom with goods taken in and handed out. Small and the same on every load.

use anyhow::Result;
use chrono::{DateTime, Duration, Utc};
use suqiu_core::access::Actor;
use suqiu_core::fund::{ApprovalThresholds, EntryKind};
use suqiu_core::Id;
use suqiu_store::fund::NewEntry;
use suqiu_store::people::PeopleFilter;
use suqiu_store::supermarket::NewMovement;
use suqiu_store::Store;

use super::account;

/// A line of the fund, by who posts it: the street's or the station's donation, the street's
/// transfer to the station, or the station's grant to the n-th person of its register.
#[derive(Clone, Copy)]
enum Line {
    StreetDonation,
    TransferToStation,
    StationDonation,
    Grant(usize),
}

/// The fund's lines, oldest first: what, yuan, note, days ago.
const FUND: [(Line, i64, &str, i64); 7] = [
    (Line::StreetDonation, 50_000, "街道党工委年度助困专项", 60),
    (
        Line::TransferToStation,
        20_000,
        "下拨佛字桥居民区助困站",
        55,
    ),
    (Line::StationDonation, 3_000, "辖区党员七一爱心捐款", 40),
    (Line::StationDonation, 5_000, "爱心企业捐赠", 30),
    (Line::Grant(0), 800, "高龄独居老人冬季慰问", 20),
    (Line::Grant(1), 500, "大病住院临时补助", 12),
    // Above the station's ¥1,000: it waits for 岳阳街道 (sign in as yueyang to approve).
    (Line::Grant(2), 3_000, "家庭突发困难救助", 2),
];

/// The storeroom's goods: name and unit.
const GOODS: [(&str, &str); 3] = [("大米", "袋"), ("食用油", "桶"), ("牛奶", "箱")];

/// The storeroom's movements, oldest first: which of `GOODS`, how many (negative: handed
/// out), to the n-th person of the register, note, days ago.
const MOVES: [(usize, i64, Option<usize>, &str, i64); 6] = [
    (0, 40, None, "爱心超市开业，社区单位捐赠", 44),
    (1, 20, None, "爱心超市开业，社区单位捐赠", 44),
    (2, 15, None, "党员捐赠", 25),
    (0, -2, Some(0), "节日慰问", 20),
    (1, -1, Some(1), "困难家庭生活帮扶", 12),
    (2, -1, Some(2), "术后营养", 3),
];

impl Line {
    /// Who posts the line, and the entry of `yuan` with `note`.
    fn entry<'a>(
        self,
        street: &'a Actor,
        station: &'a Actor,
        people: &[Id; 3],
        yuan: i64,
        note: &str,
    ) -> (&'a Actor, NewEntry) {
        let (by, kind, person_id, to_org_unit_id) = match self {
            Line::StreetDonation => (street, EntryKind::Donation, None, None),
            Line::TransferToStation => {
                (street, EntryKind::Transfer, None, Some(station.org_unit_id))
            }
            Line::StationDonation => (station, EntryKind::Donation, None, None),
            Line::Grant(n) => (station, EntryKind::Grant, Some(people[n]), None),
        };
        let entry = NewEntry {
            org_unit_id: by.org_unit_id,
            kind,
            amount_cents: Some(yuan * 100),
            person_id,
            appeal_id: None,
            reverses: None,
            to_org_unit_id,
            note: note.into(),
        };
        (by, entry)
    }
}

/// Loads the registers; `now` dates the latest movement.
pub async fn load_fund(store: &Store, now: DateTime<Utc>) -> Result<()> {
    let station = account(store, "fzq").await?;
    let street = account(store, "yueyang").await?;
    let people = first_on_register(store, &station).await?;
    let day = |n: i64| now - Duration::days(n);
    let thresholds = ApprovalThresholds::default();
    for (line, yuan, note, days_ago) in FUND {
        let (by, entry) = line.entry(&street, &station, &people, yuan, note);
        store
            .post_fund_entry(by, &entry, &thresholds, day(days_ago))
            .await?;
    }
    let mut items = Vec::new();
    for (name, unit) in GOODS {
        let item = store
            .create_item(&station, station.org_unit_id, name, unit, day(45))
            .await?;
        items.push(item.id);
    }
    for (good, quantity, person, note, days_ago) in MOVES {
        let m = NewMovement {
            item_id: items[good],
            quantity,
            person_id: person.map(|n| people[n]),
            note: note.into(),
        };
        store.move_stock(&station, &m, day(days_ago)).await?;
    }
    Ok(())
}

/// The first three people on the station's register: who receives the grants and goods.
async fn first_on_register(store: &Store, station: &Actor) -> Result<[Id; 3]> {
    let filter = PeopleFilter {
        org_unit_id: Some(station.org_unit_id),
        page: 1,
        per_page: 3,
        ..PeopleFilter::default()
    };
    let people: Vec<Id> = store
        .list_people(station, &filter)
        .await?
        .items
        .iter()
        .map(|p| p.id)
        .collect();
    people
        .try_into()
        .map_err(|_| anyhow::anyhow!("the demo station needs three people on its register"))
}
