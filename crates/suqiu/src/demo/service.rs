//! Micro-wishes and in-service party members of 佛字桥居民区 in the demo: three wishes of
//! people in care (one open, one claimed by the `volunteer` account, one fulfilled), the
//! station's four service posts, and two members who work elsewhere registered to serve
//! here with some weeks of hours. Dated back from the moment of loading, like the care demo.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::OrgUnit;
use suqiu_core::person::{Gender, PartyCategory, PartyProfile, Person};
use suqiu_core::service::SUGGESTED_POSTS;
use suqiu_core::wishes::{decide, WishCommand, Wisher};
use suqiu_core::Id;
use suqiu_store::people::PeopleFilter;
use suqiu_store::service::{NewHours, NewRegistration};
use suqiu_store::wishes::NewWish;
use suqiu_store::Store;

use super::{account, resident};

/// A wish: who (a person of the care demo), what, estimate in cents, days to the deadline.
type DemoWish = (&'static str, &'static str, Option<i64>, Option<i64>);

const WISHES: [DemoWish; 3] = [
    ("周桂英", "请人上门理发", None, Some(14)),
    ("钱阿婆", "一台收音机，想听沪剧", Some(15_000), Some(30)),
    ("陈德明", "一套《中国共产党简史》大字版", Some(6_000), None),
];

/// Two in-service members: name, gender, where they work, the posts they chose (indexes
/// into `SUGGESTED_POSTS`), and hours served: (days ago, post index, hours in tenths).
type Member = (
    &'static str,
    Gender,
    &'static str,
    &'static [usize],
    &'static [(i64, usize, i64)],
);

const MEMBERS: [Member; 2] = [
    (
        "张立新",
        Gender::Male,
        "区税务局",
        &[0, 3],
        &[(3, 0, 20), (10, 3, 30), (17, 0, 15), (24, 3, 25)],
    ),
    (
        "刘慧",
        Gender::Female,
        "区中心医院",
        &[1, 2],
        &[(2, 2, 30), (9, 2, 20), (16, 1, 40)],
    ),
];

fn wisher(a: &Actor) -> Wisher {
    Wisher {
        user_id: a.user_id,
        serves: a.may(Capability::LogVisit),
        keeps_register: a.may(Capability::ManageCare),
    }
}

/// Moves a wish by the rules, as the API would.
async fn command(
    store: &Store,
    by: &Actor,
    id: Id,
    cmd: WishCommand,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let wish = store
        .wish(by, id)
        .await?
        .ok_or_else(|| anyhow!("demo wish {id} not visible"))?;
    let from = wish.state();
    let to = decide(from, cmd, wisher(by)).map_err(|r| anyhow!("demo wish {id}: {r:?}"))?;
    store.move_wish(by, id, from, to, note, now).await?;
    Ok(())
}

/// Loads the wishes and the in-service members into 佛字桥居民区 (`fzq`); runs after the
/// care demo, whose people make the wishes.
pub async fn load_service(store: &Store, fzq: &OrgUnit, now: DateTime<Utc>) -> Result<()> {
    let station = Station {
        store,
        actor: account(store, "fzq").await?,
        fzq,
        today: shanghai_date(now),
        now,
    };
    let volunteer = account(store, "volunteer").await?;
    station.wishes(&volunteer).await?;
    let posts = station.posts().await?;
    for (i, member) in MEMBERS.into_iter().enumerate() {
        station.member(i, member, &posts).await?;
    }
    Ok(())
}

/// The station's account at 佛字桥居民区, which enters the demo, and when.
struct Station<'a> {
    store: &'a Store,
    actor: Actor,
    fzq: &'a OrgUnit,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Station<'_> {
    /// The wishes, recorded five days ago; one claimed by the volunteer, one claimed and
    /// fulfilled by the station.
    async fn wishes(&self, volunteer: &Actor) -> Result<()> {
        let (store, station, now) = (self.store, &self.actor, self.now);
        let mut ids = Vec::new();
        for (name, wish, estimated_cents, days) in WISHES {
            let new = NewWish {
                person_id: self.person_named(name).await?,
                wish: wish.into(),
                estimated_cents,
                deadline: days.map(|d| self.today + Duration::days(d)),
            };
            let recorded = store
                .record_wish(station, &new, now - Duration::days(5))
                .await?;
            ids.push(recorded.id);
        }
        // 钱阿婆's radio: heard on the volunteer's call, claimed by it.
        command(store, volunteer, ids[1], WishCommand::Claim, None, now).await?;
        // 陈德明's book: claimed and delivered by the station, waiting for confirmation.
        command(store, station, ids[2], WishCommand::Claim, None, now).await?;
        let delivered = Some("书已送到家中，老人很高兴");
        command(store, station, ids[2], WishCommand::Fulfil, delivered, now).await
    }

    /// A person of the care demo, by name.
    async fn person_named(&self, name: &str) -> Result<Id> {
        let filter = PeopleFilter {
            q: Some(name.into()),
            org_unit_id: Some(self.fzq.id),
            page: 1,
            per_page: 1,
            ..PeopleFilter::default()
        };
        let found = self.store.list_people(&self.actor, &filter).await?;
        let person = found.items.into_iter().next();
        Ok(person
            .ok_or_else(|| anyhow!("demo person {name} missing"))?
            .id)
    }

    /// The station's service posts, the suggested ones, in their order.
    async fn posts(&self) -> Result<Vec<Id>> {
        let mut posts = Vec::new();
        for name in SUGGESTED_POSTS {
            let post = self
                .store
                .create_service_post(&self.actor, self.fzq.id, name, self.now)
                .await?;
            posts.push(post.id);
        }
        Ok(posts)
    }

    /// The `i`-th in-service member: on the register, registered to serve sixty days ago at
    /// the posts chosen, with the hours served.
    async fn member(&self, i: usize, member: Member, posts: &[Id]) -> Result<()> {
        let (name, gender, employer, chosen, hours) = member;
        let (store, station, fzq, today) = (self.store, &self.actor, self.fzq, self.today);
        let phone = format!("1380000{:04}", 2001 + i);
        let address = format!("佛字桥居民区{}号楼", 8 + i);
        let person = store
            .create_person(&Person {
                party: Some(PartyProfile {
                    category: PartyCategory::InService,
                    joined_on: None,
                    branch: Some(format!("{employer}党支部")),
                }),
                ..resident(name, gender, phone, fzq.id, address)
            })
            .await?;
        let registration = NewRegistration {
            person_id: person.id,
            org_unit_id: fzq.id,
            registered_on: today - Duration::days(60),
            post_ids: chosen.iter().map(|p| posts[*p]).collect(),
        };
        let reg = store
            .register_for_service(station, &registration, self.now)
            .await?;
        for (days_ago, post, tenths) in hours {
            let served = NewHours {
                registration_id: reg.id,
                post_id: posts[*post],
                served_on: today - Duration::days(*days_ago),
                hours_tenths: *tenths,
                note: String::new(),
            };
            store
                .log_service_hours(station, &served, today, self.now)
                .await?;
        }
        Ok(())
    }
}
