//! Scale check of the store: bulk-load N appeals into a district-sized tree, then time a
//! station's worklist pages, a district's measures over a year, and concurrent durable
//! intakes; print the query plans of the worklist queries.
//!
//! ```text
//! cargo run -p suqiu-store --example scale -- sqlite:///tmp/scale/suqiu.db 1000000
//! cargo run -p suqiu-store --example scale -- postgres://postgres@127.0.0.1/scale 1000000
//! ```
//! (The PostgreSQL database must exist.) A second run on the same database skips the load.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};
use suqiu_core::access::{Actor, Placement, Role};
use suqiu_core::appeal::{
    Appeal, Appellant, Channel, FeedbackChannel, Kind, Resolution, Satisfaction, Status, Urgency,
};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::lifecycle::{decide_and_apply, register, Command, Context, Event, Intake};
use suqiu_core::org::{OrgKind, OrgUnit};
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_store::appeals::AppealFilter;
use suqiu_store::users::NewUser;
use suqiu_store::Store;

const STREETS: usize = 17;
const COMMUNITIES_PER_STREET: usize = 6;
const GRIDS_PER_COMMUNITY: usize = 3;

struct Station {
    community: OrgUnit,
    grids: Vec<OrgUnit>,
    street: OrgUnit,
    staff: Actor,
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 31, 4, 0, 0).unwrap()
}

async fn build_tree(store: &Store) -> Vec<Station> {
    if store.is_empty().await.unwrap() {
        let d = store
            .create_org_unit(None, OrgKind::District, "D", "区")
            .await
            .unwrap();
        for s in 0..STREETS {
            let street = store
                .create_org_unit(
                    Some(d.id),
                    OrgKind::Street,
                    &format!("S{s}"),
                    &format!("街道{s}"),
                )
                .await
                .unwrap();
            for c in 0..COMMUNITIES_PER_STREET {
                let code = format!("S{s}C{c}");
                let community = store
                    .create_org_unit(
                        Some(street.id),
                        OrgKind::Community,
                        &code,
                        &format!("居民区{s}-{c}"),
                    )
                    .await
                    .unwrap();
                for g in 0..GRIDS_PER_COMMUNITY {
                    store
                        .create_org_unit(
                            Some(community.id),
                            OrgKind::Grid,
                            &format!("{code}G{g}"),
                            &format!("网格{g}"),
                        )
                        .await
                        .unwrap();
                }
                store
                    .create_user(NewUser {
                        username: &code,
                        password_hash: "x",
                        display_name: &format!("站点{code}"),
                        role: Role::StationStaff,
                        org_unit_id: community.id,
                        department_id: None,
                    })
                    .await
                    .unwrap();
            }
        }
        store
            .create_user(NewUser {
                username: "admin",
                password_hash: "x",
                display_name: "管理员",
                role: Role::DistrictAdmin,
                org_unit_id: d.id,
                department_id: None,
            })
            .await
            .unwrap();
    }
    let units = store.org_units().await.unwrap();
    let mut stations = Vec::new();
    for c in units.iter().filter(|u| u.kind == OrgKind::Community) {
        let (user, _) = store.user_for_login(&c.code).await.unwrap().unwrap();
        stations.push(Station {
            community: c.clone(),
            grids: units
                .iter()
                .filter(|u| u.parent_id == Some(c.id))
                .cloned()
                .collect(),
            street: units
                .iter()
                .find(|u| Some(u.id) == c.parent_id)
                .unwrap()
                .clone(),
            staff: store.actor(user.id).await.unwrap().unwrap(),
        });
    }
    stations
}

const TEXTS: &[&str] = &[
    "小区3号楼水管破裂，地下室进水",
    "楼道路灯坏了好几天，老人晚上出门不方便",
    "楼上夜间装修噪声很大",
    "独居老人需要助餐服务",
    "小区停车位紧张，车辆乱停",
    "申请临时救助，家里有大病病人",
    "电梯经常故障，希望尽快维修",
    "绿化带被占用种菜",
];

/// One appeal with a plausible history for its age.
fn simulate(
    rng: &mut impl Rng,
    st: &Station,
    cal: &WorkCalendar,
    policy: &TimeLimitPolicy,
    i: u64,
) -> (Appeal, Vec<Event>) {
    let age_minutes = rng.gen_range(0..365 * 24 * 60);
    let created = now() - Duration::minutes(age_minutes);
    let unit = if rng.gen_bool(0.6) {
        &st.grids[rng.gen_range(0..st.grids.len())]
    } else {
        &st.community
    };
    let intake = Intake {
        appellant: Appellant::Named {
            name: "张先生".into(),
            phone: Some(format!("138{:08}", i % 100_000_000)),
            email: None,
        },
        org_unit_id: unit.id,
        channel: Channel::WalkIn,
        kind: Kind::ALL[rng.gen_range(0..Kind::ALL.len())],
        category: "public_facilities.water_pipes".into(),
        urgency: if rng.gen_bool(0.05) {
            Urgency::Urgent
        } else {
            Urgency::Normal
        },
        title: None,
        content: format!("{}（{i}）", TEXTS[rng.gen_range(0..TEXTS.len())]),
        location: Some(format!("{}号楼", rng.gen_range(1..40))),
        public_consent: rng.gen_bool(0.3),
    };
    let (mut appeal, event) = register(
        intake,
        format!("SC{i:012}"),
        st.community.id,
        &st.staff,
        created,
        cal,
        policy,
    )
    .unwrap();
    let mut events = vec![event];
    let place = Placement {
        org_path: unit.path.clone(),
        handling_path: st.community.path.clone(),
        handling_parent: Some((st.street.id, st.street.path.clone())),
    };
    let mut t = created;
    let mut step =
        |appeal: &mut Appeal, events: &mut Vec<Event>, minutes: i64, command: Command| -> bool {
            t += Duration::minutes(minutes);
            if t > now() {
                return false;
            }
            let ctx = Context {
                now: t,
                actor: &st.staff,
                place: &place,
                calendar: cal,
                policy,
            };
            decide_and_apply(appeal, &command, &ctx)
                .map(|new| events.extend(new))
                .is_ok()
        };
    let roll: f64 = rng.gen();
    if roll < 0.03 {
        step(
            &mut appeal,
            &mut events,
            120,
            Command::Reject {
                reason: "不属于受理范围".into(),
            },
        );
        return (appeal, events);
    }
    if !step(
        &mut appeal,
        &mut events,
        rng.gen_range(10..2000),
        Command::Accept { note: None },
    ) {
        return (appeal, events);
    }
    let resolution = Resolution::ALL[rng.gen_range(0..Resolution::ALL.len())];
    if !step(
        &mut appeal,
        &mut events,
        rng.gen_range(600..20000),
        Command::Resolve {
            resolution,
            note: "已处理".into(),
        },
    ) {
        return (appeal, events);
    }
    if !step(
        &mut appeal,
        &mut events,
        rng.gen_range(60..3000),
        Command::Feedback {
            channel: FeedbackChannel::Phone,
            note: "已告知".into(),
        },
    ) {
        return (appeal, events);
    }
    let satisfaction = Satisfaction::ALL[rng.gen_range(0..Satisfaction::ALL.len())];
    let reopen = satisfaction == Satisfaction::Dissatisfied && rng.gen_bool(0.3);
    step(
        &mut appeal,
        &mut events,
        rng.gen_range(600..5000),
        Command::FollowUp {
            satisfaction,
            solved: Some(rng.gen_bool(0.8)),
            note: None,
            reopen,
        },
    );
    (appeal, events)
}

fn percentile(mut v: Vec<StdDuration>, p: f64) -> StdDuration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

async fn time_list(
    store: &Store,
    label: &str,
    stations: &[Station],
    filter: impl Fn(&Station) -> AppealFilter,
) {
    let mut samples = Vec::new();
    let mut total = 0;
    for round in 0..5 {
        for st in stations {
            let f = filter(st);
            let t = Instant::now();
            let page = store.list_appeals(&st.staff, &f, now()).await.unwrap();
            if round > 0 {
                samples.push(t.elapsed());
            }
            total = page.total;
        }
    }
    println!(
        "{label:<40} p50 {:>8.2?} p99 {:>8.2?} max {:>8.2?} (last total {total})",
        percentile(samples.clone(), 0.5),
        percentile(samples.clone(), 0.99),
        percentile(samples, 1.0)
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "sqlite:///tmp/suqiu-scale/suqiu.db".into());
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let store = Store::open(&url).await.unwrap();
    let stations = build_tree(&store).await;
    let cal = WorkCalendar::builtin();
    let policy = TimeLimitPolicy::default();
    let admin = store
        .actor(store.user_for_login("admin").await.unwrap().unwrap().0.id)
        .await
        .unwrap()
        .unwrap();

    let existing = store
        .list_appeals(
            &admin,
            &AppealFilter {
                per_page: 1,
                ..Default::default()
            },
            now(),
        )
        .await
        .unwrap()
        .total;
    if existing == 0 {
        let started = Instant::now();
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let chunk = 50_000;
        let mut done = 0;
        while done < n {
            let k = chunk.min(n - done);
            let batch: Vec<_> = (done..done + k)
                .map(|i| {
                    simulate(
                        &mut rng,
                        &stations[(i as usize) % stations.len()],
                        &cal,
                        &policy,
                        i,
                    )
                })
                .collect();
            store.insert_appeals_bulk(&batch).await.unwrap();
            done += k;
            eprintln!("loaded {done} in {:.1?}", started.elapsed());
        }
        println!(
            "bulk load of {n}: {:.1?} ({:.0}/s)",
            started.elapsed(),
            n as f64 / started.elapsed().as_secs_f64()
        );
    } else {
        println!("database holds {existing} appeals; skipping the load");
    }

    let sample: Vec<&Station> = stations.iter().step_by(5).collect();
    let sample: Vec<Station> = sample
        .into_iter()
        .map(|s| Station {
            community: s.community.clone(),
            grids: s.grids.clone(),
            street: s.street.clone(),
            staff: s.staff.clone(),
        })
        .collect();
    time_list(&store, "station: all", &sample, |_| AppealFilter::default()).await;
    time_list(&store, "station: registered", &sample, |_| AppealFilter {
        status: Some(Status::Registered),
        ..Default::default()
    })
    .await;
    time_list(&store, "station: in_progress", &sample, |_| AppealFilter {
        status: Some(Status::InProgress),
        ..Default::default()
    })
    .await;
    time_list(&store, "station: closed", &sample, |_| AppealFilter {
        status: Some(Status::Closed),
        ..Default::default()
    })
    .await;
    time_list(&store, "station: overdue", &sample, |_| AppealFilter {
        overdue: Some(true),
        ..Default::default()
    })
    .await;
    time_list(&store, "station: grid node", &sample, |s| AppealFilter {
        org_unit_id: Some(s.grids[0].id),
        ..Default::default()
    })
    .await;
    time_list(&store, "station: grid + in_progress", &sample, |s| {
        AppealFilter {
            org_unit_id: Some(s.grids[0].id),
            status: Some(Status::InProgress),
            ..Default::default()
        }
    })
    .await;
    time_list(&store, "station: q=水管", &sample, |_| AppealFilter {
        q: Some("水管".into()),
        ..Default::default()
    })
    .await;
    time_list(&store, "station: page 10", &sample, |_| AppealFilter {
        page: 10,
        ..Default::default()
    })
    .await;

    for (label, f) in [
        ("station all", AppealFilter::default()),
        (
            "station registered",
            AppealFilter {
                status: Some(Status::Registered),
                ..Default::default()
            },
        ),
        (
            "station overdue",
            AppealFilter {
                overdue: Some(true),
                ..Default::default()
            },
        ),
    ] {
        println!("plan: {label}");
        for line in store
            .explain_list_appeals(&stations[0].staff, &f, now())
            .await
            .unwrap()
        {
            println!("    {line}");
        }
    }

    // Measures: a district over a year, a street over a month.
    let district = stations[0].street.parent_id.unwrap();
    let year = (now() - Duration::days(365)).date_naive();
    for (label, node, from) in [
        ("counts: district, a year", district, year),
        (
            "counts: street, a month",
            stations[0].street.id,
            (now() - Duration::days(30)).date_naive(),
        ),
        ("counts: station, a year", stations[0].community.id, year),
    ] {
        let mut samples = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let c = store
                .counts(node, from, now().date_naive(), now())
                .await
                .unwrap();
            samples.push(t.elapsed());
            std::hint::black_box(c);
        }
        println!(
            "{label:<40} p50 {:>8.2?} max {:>8.2?}",
            percentile(samples.clone(), 0.5),
            percentile(samples, 1.0)
        );
    }

    // Durable intakes from 16 concurrent clients for a few seconds.
    let deadline = Instant::now() + StdDuration::from_secs(5);
    let mut tasks = Vec::new();
    for c in 0..16usize {
        let store = store.clone();
        let st = &stations[c % stations.len()];
        let (community, staff) = (st.community.clone(), st.staff.clone());
        let (cal, policy) = (cal.clone(), policy.clone());
        tasks.push(tokio::spawn(async move {
            let mut count = 0u64;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let intake = Intake {
                    appellant: Appellant::Anonymous,
                    org_unit_id: community.id,
                    channel: Channel::Phone,
                    kind: Kind::Help,
                    category: "public_facilities.water_pipes".into(),
                    urgency: Urgency::Normal,
                    title: None,
                    content: "小区3号楼水管破裂".into(),
                    location: None,
                    public_consent: false,
                };
                let code = format!("BENCH{c:02}{count:08}{}", Utc::now().timestamp_micros());
                let (a, e) = register(
                    intake,
                    code,
                    community.id,
                    &staff,
                    Utc::now(),
                    &cal,
                    &policy,
                )
                .unwrap();
                let t = Instant::now();
                store.create_appeal(&a, &e).await.unwrap();
                latencies.push(t.elapsed());
                count += 1;
            }
            (count, latencies)
        }));
    }
    let mut total = 0;
    let mut latencies = Vec::new();
    for t in tasks {
        let (c, l) = t.await.unwrap();
        total += c;
        latencies.extend(l);
    }
    println!(
        "intake, 16 clients: {:.0}/s, p50 {:.2?}, p99 {:.2?}",
        total as f64 / 5.0,
        percentile(latencies.clone(), 0.5),
        percentile(latencies, 0.99)
    );
    let t = Instant::now();
    let problems = store.verify_rollups().await.unwrap();
    println!(
        "verify_rollups: {} problems in {:.1?}",
        problems.len(),
        t.elapsed()
    );
    for p in problems.iter().take(5) {
        println!("    {p}");
    }
}
