//! Loads the demo district into a store: organization, departments, accounts, a people
//! register, and N appeals played through the real lifecycle. Used by `serve --demo`,
//! `suqiu demo --appeals N` and the benchmarks.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use suqiu_core::access::Role;
use suqiu_core::appeal::{tracking_code, Appeal, Appellant, Channel};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::lifecycle::{register, Event, Intake};
use suqiu_core::org::{Department, OrgKind, OrgUnit};
use suqiu_core::person::{CareTag, Gender, PartyCategory, PartyProfile, Person};
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_core::validate::id_check_char;
use suqiu_core::Id;
use suqiu_store::users::NewUser;
use suqiu_store::Store;

use super::corpus;
use super::district::{demo_district, DemoDistrict};
use super::simulate::{simulate, Cast, Node, World};

mod existing;

use existing::existing;

/// The password of every demo account (API.md).
pub use suqiu_core::password::DEMO_PASSWORD;
/// How many appeals `serve --demo` creates: enough to make every page look lived-in.
pub const SERVE_DEMO_APPEALS: u64 = 3_000;
/// People registered per community.
const PEOPLE_PER_COMMUNITY: usize = 40;
/// Appeals go back this many days.
const HISTORY_DAYS: i64 = 400;
/// Appeals per bulk transaction.
const BATCH: usize = 5_000;
/// From this many appeals on, the loader builds the secondary indexes once at the end
/// instead of row by row (`Store::defer_indexes`): at 10M several times faster.
const DEFER_INDEXES_AT: u64 = 200_000;

/// Everything the generator needs to know about the loaded district.
struct Loaded {
    nodes: HashMap<Id, Node>,
    communities: Vec<OrgUnit>,
    casts: HashMap<Id, Cast>,
    people: HashMap<Id, Vec<(Id, String)>>,
    fzq: Id,
}

/// Loads the district (if absent) and `appeals` appeals. `progress` shows a bar with ETA.
pub async fn load_demo(store: &Store, appeals: u64, seed: u64, progress: bool) -> Result<()> {
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let loaded = match store.org_unit_by_code("310117").await? {
        Some(_) => existing(store).await?,
        None => create_district(store, &mut rng).await?,
    };
    let calendar = WorkCalendar::builtin();
    let policy = TimeLimitPolicy::default();
    generate_appeals(
        store, &loaded, &calendar, &policy, appeals, &mut rng, progress,
    )
    .await?;
    tracing::info!(
        appeals,
        seconds = started.elapsed().as_secs_f64(),
        "demo data loaded"
    );
    Ok(())
}

async fn create_district(store: &Store, rng: &mut StdRng) -> Result<Loaded> {
    let district = demo_district();
    let by_code = create_org_units(store, &district).await?;
    name_places(store, &district, &by_code).await?;
    let departments = create_departments(store, &district, &by_code).await?;
    create_accounts(store, &district, &by_code, &departments).await?;
    register_people(store, rng).await?;
    let fzq = by_code
        .get("310117001001")
        .ok_or_else(|| anyhow!("佛字桥居民区 missing"))?;
    super::care::load_care(store, fzq).await?;
    super::fund::load_fund(store, Utc::now()).await?;
    super::service::load_service(store, fzq, Utc::now()).await?;
    existing(store).await
}

/// The gazetteer: each community's estates and roads, as its appeals write them
/// (`corpus::place_names`), so the public form finds a community from an address.
async fn name_places(
    store: &Store,
    district: &DemoDistrict,
    by_code: &HashMap<String, OrgUnit>,
) -> Result<()> {
    let communities = district
        .org_units
        .iter()
        .filter(|u| u.kind == OrgKind::Community);
    for (i, u) in communities.enumerate() {
        let unit = by_code
            .get(&u.code)
            .ok_or_else(|| anyhow!("community {} missing", u.code))?;
        let names = super::corpus::place_names(&u.name, i);
        let names = suqiu_core::gazetteer::check_names("names", &names)
            .map_err(|e| anyhow!("the demo's place names of {}: {e:?}", u.name))?;
        store.set_places(unit.id, names, Utc::now()).await?;
    }
    Ok(())
}

/// The district's nodes, parents first, by code.
async fn create_org_units(
    store: &Store,
    district: &DemoDistrict,
) -> Result<HashMap<String, OrgUnit>> {
    let mut by_code: HashMap<String, OrgUnit> = HashMap::new();
    for u in &district.org_units {
        let parent = match &u.parent_code {
            Some(code) => Some(
                by_code
                    .get(code)
                    .ok_or_else(|| anyhow!("parent {code} missing"))?
                    .id,
            ),
            None => None,
        };
        let unit = store
            .create_org_unit(parent, u.kind, &u.code, &u.name)
            .await?;
        by_code.insert(u.code.clone(), unit);
    }
    Ok(by_code)
}

async fn create_departments(
    store: &Store,
    district: &DemoDistrict,
    by_code: &HashMap<String, OrgUnit>,
) -> Result<HashMap<String, Department>> {
    let mut departments = HashMap::new();
    for d in &district.departments {
        let org = by_code
            .get(&d.org_code)
            .ok_or_else(|| anyhow!("department org {} missing", d.org_code))?;
        departments.insert(
            d.code.clone(),
            store.create_department(&d.code, &d.name, org.id).await?,
        );
    }
    Ok(departments)
}

/// The demo accounts, a staff account per street and community and a liaison per
/// department.
async fn create_accounts(
    store: &Store,
    district: &DemoDistrict,
    by_code: &HashMap<String, OrgUnit>,
    departments: &HashMap<String, Department>,
) -> Result<()> {
    // username, display name, role, node, department
    let mut desks: Vec<(String, String, Role, Id, Option<Id>)> = Vec::new();
    for a in &district.accounts {
        let role = Role::parse(&a.role).ok_or_else(|| anyhow!("demo account role {}", a.role))?;
        let org = &by_code[&a.org_code];
        let department_id = a.department_code.as_ref().map(|c| departments[c].id);
        desks.push((
            a.username.clone(),
            a.display_name.clone(),
            role,
            org.id,
            department_id,
        ));
    }
    // Every street and community has its staff account, every department a liaison, so the
    // timelines name a real desk. They share the demo password.
    for unit in by_code
        .values()
        .filter(|u| matches!(u.kind, OrgKind::Street | OrgKind::Community))
    {
        let role = if unit.kind == OrgKind::Street {
            Role::StreetStaff
        } else {
            Role::StationStaff
        };
        let name = format!("{}工作人员", unit.name);
        desks.push((format!("u{}", unit.code), name, role, unit.id, None));
    }
    for d in departments.values() {
        let name = format!("{}联络员", d.name);
        let role = Role::DepartmentLiaison;
        desks.push((
            format!("d{}", d.code),
            name,
            role,
            d.org_unit_id,
            Some(d.id),
        ));
    }
    // One hash for all demo accounts: hashing is deliberately slow, and they share a password.
    let hash = suqiu_server::hash_password(DEMO_PASSWORD);
    for (username, display_name, role, org_unit_id, department_id) in &desks {
        store
            .create_user(NewUser {
                username,
                password_hash: &hash,
                display_name,
                role: *role,
                org_unit_id: *org_unit_id,
                department_id: *department_id,
            })
            .await?;
    }
    Ok(())
}

/// People on the register of every community.
async fn register_people(store: &Store, rng: &mut StdRng) -> Result<()> {
    let communities: Vec<OrgUnit> = store
        .org_units()
        .await?
        .into_iter()
        .filter(|u| u.kind == OrgKind::Community)
        .collect();
    let mut people = Vec::new();
    for c in &communities {
        for _ in 0..PEOPLE_PER_COMMUNITY {
            people.push(demo_person(rng, c));
        }
    }
    store.insert_people_bulk(&people).await?;
    Ok(())
}

fn demo_person(rng: &mut StdRng, community: &OrgUnit) -> Person {
    let (name, gender) = corpus::person_name_with_gender(rng);
    let age = rng.gen_range(18..95);
    let birth = NaiveDate::from_ymd_opt(2026 - age, rng.gen_range(1..=12), rng.gen_range(1..=28))
        .unwrap_or_default();
    let mut tags = Vec::new();
    if age >= 80 {
        tags.push(CareTag::Aged80Plus);
    }
    if age >= 70 && rng.gen_bool(0.25) {
        tags.push(CareTag::LivingAlone);
    }
    if rng.gen_bool(0.06) {
        tags.push(CareTag::SubsistenceAllowance);
    }
    if rng.gen_bool(0.04) {
        tags.push(CareTag::Disabled);
    }
    let party = rng.gen_bool(0.3).then(|| {
        if age >= 60 {
            tags.push(CareTag::ElderlyMember);
        }
        if rng.gen_bool(0.1) {
            tags.push(CareTag::NeedyMember);
        }
        let category = match rng.gen_range(0..10) {
            0..=6 => PartyCategory::Registered,
            7 => PartyCategory::InService,
            8 => PartyCategory::NewOrg,
            _ => PartyCategory::Floating,
        };
        let joined = NaiveDate::from_ymd_opt(2026 - rng.gen_range(1..(age - 17).max(2)), 7, 1);
        PartyProfile {
            category,
            joined_on: joined,
            branch: Some(format!("{}第{}党支部", community.name, rng.gen_range(1..4))),
        }
    });
    Person {
        id: 0,
        name,
        gender: Some(gender),
        birth_date: Some(birth),
        phone: Some(corpus::phone(rng)),
        id_number: Some(id_number(rng, birth, gender)),
        org_unit_id: community.id,
        address: Some(format!(
            "{}{}号楼{}室",
            community.name,
            rng.gen_range(1..40),
            rng.gen_range(101..1802)
        )),
        tags,
        party,
    }
}

/// A checksum-valid resident ID number for a Songjiang birth (310117).
fn id_number(rng: &mut StdRng, birth: NaiveDate, gender: Gender) -> String {
    let seq = rng.gen_range(0..500) * 2 + if gender == Gender::Male { 1 } else { 0 };
    let body = format!("310117{}{:03}", birth.format("%Y%m%d"), seq);
    let check = id_check_char(&body).unwrap_or('X');
    format!("{body}{check}")
}

/// Appeals received in the last day and a half, at least: a small demo's desk is never empty.
const RECENT_AT_LEAST: f64 = 120.0;

/// The share of `count` appeals to place in the last day and a half: enough for
/// `RECENT_AT_LEAST`, never less than an even spread over the history gives (so a large data
/// set keeps a realistic day: ≈0.4% of 1M, not a month's intake in one day).
fn recent_share(count: u64) -> f64 {
    let even = 1.5 / HISTORY_DAYS as f64;
    (RECENT_AT_LEAST / count.max(1) as f64).clamp(even, 0.04)
}

/// A receiving time in the past `HISTORY_DAYS`, mostly in office hours and on weekdays;
/// `recent` of them in the last day and a half.
fn received_at(rng: &mut StdRng, now: DateTime<Utc>, recent: f64) -> DateTime<Utc> {
    let span = if rng.gen_bool(recent) {
        36 * 60
    } else {
        HISTORY_DAYS * 24 * 60
    };
    let t = now - Duration::minutes(rng.gen_range(0..span));
    let local_hour = (t.hour() + 8) % 24;
    if !(8..20).contains(&local_hour) && rng.gen_bool(0.7) {
        // Move night-time intake into the day: (most appeals come in at the desk).
        let shift = Duration::hours(
            ((14 + 24 - local_hour as i64) % 24).min(now.signed_duration_since(t).num_hours()),
        );
        return t + shift;
    }
    t
}

async fn generate_appeals(
    store: &Store,
    loaded: &Loaded,
    calendar: &WorkCalendar,
    policy: &TimeLimitPolicy,
    count: u64,
    rng: &mut StdRng,
    progress: bool,
) -> Result<()> {
    let now = Utc::now();
    let world = World {
        nodes: &loaded.nodes,
        calendar,
        policy,
        now,
    };
    let communities: Vec<&OrgUnit> = loaded
        .communities
        .iter()
        .filter(|c| loaded.casts.contains_key(&c.id))
        .collect();
    anyhow::ensure!(
        !communities.is_empty(),
        "the demo district has no staffed community"
    );
    let bar = appeals_bar(count, progress);
    // Appeals are registered in time order (ids follow registration, and lists show the
    // newest ids first), so draw every receiving time first and play them oldest first.
    let recent = recent_share(count);
    let mut times: Vec<DateTime<Utc>> = (0..count).map(|_| received_at(rng, now, recent)).collect();
    times.sort_unstable();
    let defer = count >= DEFER_INDEXES_AT;
    if defer {
        store.defer_indexes().await?;
    }
    let mut batch = Vec::with_capacity(BATCH);
    for created in times {
        let community = pick_community(rng, loaded, &communities);
        batch.push(play_appeal(rng, loaded, community, &world, created)?);
        if batch.len() == BATCH {
            insert_batch(store, &mut batch, &bar).await?;
        }
    }
    insert_batch(store, &mut batch, &bar).await?;
    bar.finish_with_message("示例诉求已生成");
    if defer {
        if progress {
            eprintln!("建立索引 …");
        }
        store.restore_deferred_indexes().await?;
    } else {
        // Loaded in slices, so the store never saw a load big enough to refresh statistics.
        store.analyze().await?;
    }
    Ok(())
}

/// The bar of appeals generated (hidden without `progress`).
fn appeals_bar(count: u64, progress: bool) -> ProgressBar {
    let bar = if progress {
        ProgressBar::new(count)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} 条诉求 · {per_sec} · 预计剩余 {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("生成示例诉求");
    bar
}

/// Writes the appeals gathered so far in one transaction (none: nothing) and empties `batch`.
async fn insert_batch(
    store: &Store,
    batch: &mut Vec<(Appeal, Vec<Event>)>,
    bar: &ProgressBar,
) -> Result<()> {
    if !batch.is_empty() {
        store.insert_appeals_bulk(batch).await?;
        bar.inc(batch.len() as u64);
        batch.clear();
    }
    Ok(())
}

/// The community an appeal comes from: any staffed one alike, but 佛字桥 — where the story
/// began — gets its station a fuller desk.
fn pick_community<'a>(
    rng: &mut StdRng,
    loaded: &Loaded,
    communities: &[&'a OrgUnit],
) -> &'a OrgUnit {
    if rng.gen_bool(0.02) {
        communities
            .iter()
            .find(|c| c.id == loaded.fzq)
            .copied()
            .unwrap_or(communities[0])
    } else {
        communities[rng.gen_range(0..communities.len())]
    }
}

/// One appeal received at `community` at `created`: registered by its station and played
/// forward to now.
fn play_appeal(
    rng: &mut StdRng,
    loaded: &Loaded,
    community: &OrgUnit,
    world: &World<'_>,
    created: DateTime<Utc>,
) -> Result<(Appeal, Vec<Event>)> {
    let cast = &loaded.casts[&community.id];
    let text = corpus::generate(rng, &community.name);
    let appellant = appellant(rng, loaded, community);
    let channel = Channel::ALL[rng.gen_range(0..Channel::ALL.len())];
    let intake = Intake {
        appellant,
        org_unit_id: community.id,
        channel,
        kind: text.kind,
        category: text.category.to_string(),
        urgency: text.urgency,
        title: Some(text.title),
        content: text.content,
        location: Some(text.location),
        public_consent: rng.gen_bool(0.6),
    };
    let code = tracking_code(created, rng.gen());
    let (mut appeal, first) = register(
        intake,
        code,
        community.id,
        &cast.station,
        created,
        world.calendar,
        world.policy,
    )
    .map_err(|e| anyhow!("demo intake refused: {e}"))?;
    let mut events = vec![first];
    simulate(rng, &mut appeal, &mut events, cast, world);
    Ok((appeal, events))
}

/// Who appeals: half someone on the community's register, seven in twenty a name with a
/// phone, the rest anonymous.
fn appellant(rng: &mut StdRng, loaded: &Loaded, community: &OrgUnit) -> Appellant {
    match rng.gen_range(0..20) {
        0..=9 => match loaded.people.get(&community.id) {
            Some(list) if !list.is_empty() => Appellant::Person {
                person_id: list[rng.gen_range(0..list.len())].0,
            },
            _ => Appellant::Anonymous,
        },
        10..=16 => Appellant::Named {
            name: corpus::person_name(rng),
            phone: Some(corpus::phone(rng)),
            email: None,
        },
        _ => Appellant::Anonymous,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_demos_get_a_full_desk_and_large_ones_a_realistic_day() {
        assert_eq!(recent_share(3_000), 0.04);
        let even = 1.5 / HISTORY_DAYS as f64;
        assert_eq!(recent_share(1_000_000), even);
        assert!((recent_share(20_000) - 0.006).abs() < 1e-12);
    }
}
