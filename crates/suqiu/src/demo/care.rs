//! The care register of 佛字桥居民区 in the demo: a few people in care with tags and a
//! level, the station's visit rules, past visits (some overdue), one service team owning a
//! grid, and the `volunteer` account paired with an elderly resident. Small and
//! deterministic (visits are dated back from the moment of loading), so the care pages are
//! not empty and the browser test has someone living alone to visit.

use anyhow::{anyhow, Result};
use chrono::{Duration, Utc};
use suqiu_core::care::{default_rules, CareLevel};
use suqiu_core::org::{OrgKind, OrgUnit};
use suqiu_core::person::{CareTag, Gender, Person};
use suqiu_store::teams::{BlockOf, ContactMode, Partner};
use suqiu_store::visits::NewVisit;
use suqiu_store::Store;

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
    let user_id = |name: &'static str| async move {
        store
            .user_for_login(name)
            .await?
            .map(|(u, _)| u.id)
            .ok_or_else(|| anyhow!("demo account {name} missing"))
    };
    let (station, volunteer) = (user_id("fzq").await?, user_id("volunteer").await?);
    let actor = store
        .actor(station)
        .await?
        .ok_or_else(|| anyhow!("demo account fzq missing"))?;
    store
        .set_visit_rules(station, fzq.id, &default_rules())
        .await?;
    let now = Utc::now();
    let mut people = Vec::new();
    for (i, (name, gender, address, tags, last)) in IN_CARE.into_iter().enumerate() {
        let person = store
            .create_person(&Person {
                id: 0,
                name: name.into(),
                gender: Some(gender),
                birth_date: None,
                phone: Some(format!("1390000{:04}", 1001 + i)),
                id_number: None,
                org_unit_id: fzq.id,
                address: Some(address.into()),
                tags: tags.to_vec(),
                party: None,
            })
            .await?;
        if let Some(days) = last {
            store
                .create_visit(
                    &NewVisit {
                        person_id: person.id,
                        visited_at: now - Duration::days(days),
                        visitor_user_id: station,
                        note: "上门看望，老人身体尚可，家中整洁".into(),
                        follow_up: None,
                    },
                    None,
                )
                .await?;
        }
        people.push(person);
    }
    store
        .set_care_profile(
            &actor,
            people[0].id,
            Some(CareLevel::Key),
            Some("高血压，独居，子女在外地"),
        )
        .await?;
    store
        .set_care_profile(
            &actor,
            people[4].id,
            Some(CareLevel::Key),
            Some("大病治疗中"),
        )
        .await?;

    // One team owning the community's first grid, with the station and the volunteer.
    let team = store.create_team(fzq.id, "佛字桥第一服务团队").await?;
    let grid = store
        .org_children(fzq.id)
        .await?
        .into_iter()
        .find(|u| u.kind == OrgKind::Grid)
        .ok_or_else(|| anyhow!("佛字桥居民区 has no grid"))?;
    store.add_team_block(&team, &BlockOf::Node(grid.id)).await?;
    store
        .add_team_block(&team, &BlockOf::Address("佛字桥居民区1号楼".into()))
        .await?;
    store.add_team_member(&team, Partner::User(station)).await?;
    store
        .add_team_member(&team, Partner::User(volunteer))
        .await?;

    // The volunteer paired with 钱阿婆 (孤老), with a call last week.
    let pairing = store
        .create_pairing(
            &actor,
            people[3].id,
            Partner::User(volunteer),
            (now - Duration::days(200)).date_naive(),
            Some("每周电话问候，每月上门一次"),
        )
        .await?;
    store
        .add_contact(
            &actor,
            pairing.id,
            now - Duration::days(6),
            ContactMode::Phone,
            "电话问候，老人精神不错，想要一台收音机",
        )
        .await?;
    Ok(())
}
