//! The care register of 佛字桥居民区 in the demo: a few people in care with tags and a
//! level, the station's visit rules, past visits (some overdue), one service team owning a
//! grid, and the `volunteer` account paired with an elderly resident. Small and
//! deterministic (visits are dated back from the moment of loading), so the care pages are
//! not empty and the browser test has someone living alone to visit.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, Utc};
use suqiu_core::access::Actor;
use suqiu_core::care::{default_rules, CareLevel};
use suqiu_core::org::{OrgKind, OrgUnit};
use suqiu_core::person::{CareTag, Gender, Person};
use suqiu_core::Id;
use suqiu_store::teams::{BlockOf, ContactMode, Partner};
use suqiu_store::visits::NewVisit;
use suqiu_store::Store;

use super::{account, resident};

/// The person the browser test visits: 独居老人, last seen ten days ago (overdue).
pub const LIVING_ALONE: &str = "周桂英";

/// Someone in care: name, gender, address, tags, days since the last visit (`None`: never
/// visited).
type InCare = (
    &'static str,
    Gender,
    &'static str,
    &'static [CareTag],
    Option<i64>,
);

const IN_CARE: [InCare; 5] = [
    (
        LIVING_ALONE,
        Gender::Female,
        "佛字桥居民区1号楼102室",
        &[CareTag::LivingAlone, CareTag::Aged80Plus],
        Some(10),
    ),
    (
        "陈德明",
        Gender::Male,
        "佛字桥居民区3号楼201室",
        &[CareTag::NeedyMember, CareTag::ElderlyMember],
        Some(12),
    ),
    (
        "吴秀珍",
        Gender::Female,
        "佛字桥居民区5号楼301室",
        &[CareTag::Aged80Plus],
        Some(120),
    ),
    (
        "钱阿婆",
        Gender::Female,
        "佛字桥居民区2号楼101室",
        &[CareTag::LivingAlone, CareTag::ChildlessElderly],
        Some(3),
    ),
    (
        "孙建国",
        Gender::Male,
        "佛字桥居民区7号楼402室",
        &[CareTag::NeedyMember, CareTag::SeriousIllness],
        None,
    ),
];

/// Loads the care demo into 佛字桥居民区 (`fzq`), visited by the `fzq` account.
pub async fn load_care(store: &Store, fzq: &OrgUnit) -> Result<()> {
    let station = account(store, "fzq").await?;
    let volunteer = account(store, "volunteer").await?;
    store
        .set_visit_rules(station.user_id, fzq.id, &default_rules())
        .await?;
    let now = Utc::now();
    let people = register_in_care(store, fzq, &station, now).await?;
    form_team(store, fzq, station.user_id, volunteer.user_id).await?;
    // The volunteer paired with 钱阿婆 (孤老), with a call last week.
    let pairing = store
        .create_pairing(
            &station,
            people[3],
            Partner::User(volunteer.user_id),
            (now - Duration::days(200)).date_naive(),
            Some("每周电话问候，每月上门一次"),
        )
        .await?;
    store
        .add_contact(
            &station,
            pairing.id,
            now - Duration::days(6),
            ContactMode::Phone,
            "电话问候，老人精神不错，想要一台收音机",
        )
        .await?;
    Ok(())
}

/// The people in care, each with the station's last visit, and two of them in key care.
async fn register_in_care(
    store: &Store,
    fzq: &OrgUnit,
    station: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Id>> {
    let mut people = Vec::new();
    for (i, (name, gender, address, tags, last)) in IN_CARE.into_iter().enumerate() {
        let phone = format!("1390000{:04}", 1001 + i);
        let person = store
            .create_person(&Person {
                tags: tags.to_vec(),
                ..resident(name, gender, phone, fzq.id, address.into())
            })
            .await?;
        if let Some(days) = last {
            let visit = NewVisit {
                person_id: person.id,
                visited_at: now - Duration::days(days),
                visitor_user_id: station.user_id,
                note: "上门看望，老人身体尚可，家中整洁".into(),
                follow_up: None,
            };
            store.create_visit(&visit, None).await?;
        }
        people.push(person.id);
    }
    let key = Some(CareLevel::Key);
    store
        .set_care_profile(station, people[0], key, Some("高血压，独居，子女在外地"))
        .await?;
    store
        .set_care_profile(station, people[4], key, Some("大病治疗中"))
        .await?;
    Ok(people)
}

/// One team owning the community's first grid and a building, with the station and the
/// volunteer.
async fn form_team(store: &Store, fzq: &OrgUnit, station: Id, volunteer: Id) -> Result<()> {
    let team = store.create_team(fzq.id, "佛字桥第一服务团队").await?;
    let grid = store
        .org_children(fzq.id)
        .await?
        .into_iter()
        .find(|u| u.kind == OrgKind::Grid)
        .ok_or_else(|| anyhow!("佛字桥居民区 has no grid"))?;
    store.add_team_block(&team, &BlockOf::Node(grid.id)).await?;
    let building = BlockOf::Address("佛字桥居民区1号楼".into());
    store.add_team_block(&team, &building).await?;
    store.add_team_member(&team, Partner::User(station)).await?;
    store
        .add_team_member(&team, Partner::User(volunteer))
        .await?;
    Ok(())
}
