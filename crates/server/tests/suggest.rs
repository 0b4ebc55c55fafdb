//! Suggestions at intake (issue 16 §1, "in the product"): the classifier trained from the
//! district's own history by the background job suggests the right category and the usual
//! handler for a text it never saw; with too little history it says so and suggests
//! nothing; what each intake was offered and chose is recorded and `/admin` counts the month
//! from those rows; another street's node is refused; intake goes on while a retrain runs;
//! the intake page shows the chips. On SQLite and on PostgreSQL.

mod common;

use axum::http::StatusCode;
use chrono::TimeDelta;
use common::browser::Browser;
use common::{shanghai_time, Backend, TestApp};
use serde_json::{json, Value};
use suqiu_core::access::{Actor, Role};
use suqiu_core::appeal::{Appeal, Appellant, Channel, Kind, Resolution, Status, Urgency};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::lifecycle::{register, register_public, Event, EventBody, Intake};
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_server::jobs::suggest::{refresh, retrain_now, retraining, run_once};

on_both_backends!(
    with_too_little_history_nothing_is_suggested,
    residents_choices_teach_only_once_staff_sorted_them,
    the_nightly_model_suggests_and_intakes_are_measured,
    a_model_another_build_cannot_read_is_retrained_the_same_day,
    suggest_checks_the_node_and_the_text,
    intake_goes_on_while_a_retrain_runs,
    the_intake_page_shows_the_chips_and_admin_retrains,
);

const WATER: &str = "public_facilities.water_pipes";
const LIGHTS: &str = "public_facilities.street_lights";
const CLEANING: &str = "property_management.cleaning";
const PETS: &str = "neighbour_disputes.pets";
const MEALS: &str = "elder_care.meals";

/// Each category's own words: the history's texts draw from them, so a model that learnt
/// anything tells them apart.
const WORDS: [(&str, [&str; 8]); 5] = [
    (
        WATER,
        [
            "水管",
            "漏水",
            "爆裂",
            "水压低",
            "自来水",
            "阀门",
            "管道",
            "滴水",
        ],
    ),
    (
        LIGHTS,
        [
            "路灯",
            "不亮",
            "灯泡",
            "照明",
            "黑漆漆",
            "灯杆",
            "闪烁",
            "晚上",
        ],
    ),
    (
        CLEANING,
        [
            "垃圾",
            "清运",
            "保洁",
            "臭味",
            "堆放",
            "打扫",
            "脏乱",
            "垃圾桶",
        ],
    ),
    (
        PETS,
        ["狗", "宠物", "狗叫", "遛狗", "猫", "拴绳", "犬只", "粪便"],
    ),
    (
        MEALS,
        [
            "助餐",
            "吃饭",
            "送餐",
            "食堂",
            "午饭",
            "饭菜",
            "老年餐",
            "订餐",
        ],
    ),
];
const FILLER: [&str; 7] = [
    "小区里",
    "3号楼",
    "最近",
    "请尽快处理",
    "居民反映",
    "已经好几天了",
    "希望社区帮忙",
];

/// A small deterministic generator (the history is the same at every run).
struct Lcg(u64);

impl Lcg {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        xs[((self.0 >> 33) % xs.len() as u64) as usize]
    }
}

/// How the history's appeals came in: at a desk; through the public door with the
/// category the resident picked; or through the door and sorted by staff afterwards (归类).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Door {
    Desk,
    Public,
    PublicSorted,
}

/// `per_category` desk appeals of each of the five categories at community C11, their
/// texts drawn from the category's words; the first `resolved` water-pipe appeals resolved
/// by the street's housing office (房管所) after a referral.
async fn history(t: &TestApp, per_category: usize, resolved: usize) {
    history_through(t, Door::Desk, per_category, resolved).await
}

async fn history_through(t: &TestApp, door: Door, per_category: usize, resolved: usize) {
    let unit = t.store.org_unit(t.fx.c11).await.expect("c11").expect("c11");
    let actor = Actor {
        user_id: t.fx.user("station11"),
        name: "站点一".into(),
        role: Role::StationStaff,
        org_unit_id: t.fx.c11,
        org_path: unit.path,
        department_id: None,
    };
    let mut rng = Lcg(16);
    let mut batch: Vec<(Appeal, Vec<Event>)> = Vec::new();
    for (c, (category, words)) in WORDS.iter().enumerate() {
        for i in 0..per_category {
            let content = format!(
                "{}{}{}，{}{}，{}",
                rng.pick(&FILLER),
                rng.pick(words),
                rng.pick(words),
                rng.pick(&FILLER),
                rng.pick(words),
                rng.pick(&FILLER)
            );
            let n = (c * per_category + i) as i64;
            let at = t.clock.now() - TimeDelta::days(60) + TimeDelta::minutes(n);
            let (mut appeal, events) = taken_in(t, &actor, door, category, content, at, n);
            if *category == WATER && i < resolved {
                appeal.status = Status::Resolved;
                appeal.department_id = Some(t.fx.dept);
                appeal.accepted_at = Some(at);
                appeal.responded_at = Some(at);
                appeal.resolved_at = Some(at + TimeDelta::days(1));
                appeal.resolution = Some(Resolution::Solved);
            }
            batch.push((appeal, events));
        }
    }
    t.store
        .insert_appeals_bulk(&batch)
        .await
        .expect("history loaded");
}

/// One appeal of the history, registered through `door` at `at` with its timeline.
fn taken_in(
    t: &TestApp,
    actor: &Actor,
    door: Door,
    category: &str,
    content: String,
    at: chrono::DateTime<chrono::Utc>,
    n: i64,
) -> (Appeal, Vec<Event>) {
    let (calendar, policy) = (WorkCalendar::weekdays_only(), TimeLimitPolicy::default());
    let intake = Intake {
        appellant: Appellant::Anonymous,
        org_unit_id: t.fx.c11,
        channel: if door == Door::Desk {
            Channel::WalkIn
        } else {
            Channel::Online
        },
        kind: Kind::Help,
        category: if door == Door::PublicSorted {
            "unsorted".into()
        } else {
            category.into()
        },
        urgency: Urgency::Normal,
        title: None,
        content,
        location: None,
        public_consent: false,
    };
    let code = format!("SQ260925-{door:?}{n:06}").to_uppercase();
    let (mut appeal, event) = match door {
        Door::Desk => register(intake, code, t.fx.c11, actor, at, &calendar, &policy),
        _ => register_public(intake, code, t.fx.c11, at, &calendar, &policy),
    }
    .expect("registers");
    let mut events = vec![event];
    if door == Door::PublicSorted {
        appeal.category = category.into();
        events.push(Event {
            at: at + TimeDelta::hours(1),
            actor_id: actor.user_id,
            body: EventBody::Classify {
                from: "unsorted".into(),
                to: category.into(),
                note: None,
            },
        });
    }
    (appeal, events)
}

async fn suggest(t: &TestApp, user: &str, body: Value) -> (StatusCode, Value) {
    let token = t.token(user).await;
    let res = t.post("/api/v1/appeals/suggest", &token, body).await;
    (res.status, res.json.clone())
}

fn top(found: &Value) -> Vec<String> {
    found["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_string())
        .collect()
}

/// 03:10 in Shanghai on the day after t0: the nightly retrain's hour.
fn night() -> chrono::DateTime<chrono::Utc> {
    shanghai_time(2026, 11, 25, 3, 10)
}

async fn with_too_little_history_nothing_is_suggested(b: Backend) {
    let t = TestApp::new(b).await;
    let body = json!({"content": "3号楼路灯不亮了", "org_unit_id": t.fx.c11});
    let (status, found) = suggest(&t, "station11", body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["ready"], false);
    assert_eq!(found["reason"], "数据不足，暂不提供建议");
    assert!(
        top(&found).is_empty() && found["handler"].is_null(),
        "{found}"
    );

    // Ten appeals in each category: 50 in all, short of 200 — the night trains nothing.
    history(&t, 10, 0).await;
    t.clock.set(night());
    let run = run_once(&t.state, night())
        .await
        .expect("runs")
        .expect("due");
    assert!(!run.trained, "{run:?}");
    assert_eq!((run.n_labelled, run.n_texts, run.labels), (50, 0, 0));
    // Looked at once a night, whatever it found.
    let later = night() + TimeDelta::minutes(20);
    assert!(run_once(&t.state, later).await.expect("runs").is_none());
    let (_, found) = suggest(&t, "station11", body).await;
    assert_eq!(found["ready"], false, "{found}");

    // The page shows no chips; the intake records nothing; /admin says why.
    let mut desk = Browser::sign_in(&t, "station11").await;
    let c11 = t.fx.c11.to_string();
    let typed = [
        ("content", "3号楼路灯不亮了"),
        ("org_unit_id", c11.as_str()),
    ];
    let chips = desk.post("/appeals/new/suggest", &typed).await;
    assert_eq!(chips.json["chips"], json!([]), "{}", chips.text());
    t.create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let token = t.token("admin").await;
    let state = t.get("/api/v1/suggestions", &token).await;
    let state = state.ok(200);
    assert_eq!(state["months"], json!([]), "{state}");
    assert_eq!(state["last_run"]["trained"], false);
    let mut admin = Browser::sign_in(&t, "admin").await;
    let page = admin.get("/admin/suggest").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("数据不足，暂不提供建议"),
        "{}",
        page.text()
    );
    t.finish().await;
}

async fn residents_choices_teach_only_once_staff_sorted_them(b: Backend) {
    let t = TestApp::new(b).await;
    // 250 appeals from the public door, each in the category the resident picked: no label.
    history_through(&t, Door::Public, 50, 0).await;
    let run = retrain_now(&t.state).await.expect("ran").expect("no error");
    assert!(!run.trained && run.n_labelled == 0, "{run:?}");
    // 250 more, sorted by staff after they came in (a classify event each): labels.
    history_through(&t, Door::PublicSorted, 50, 0).await;
    let run = retrain_now(&t.state).await.expect("ran").expect("no error");
    assert!(run.trained, "{run:?}");
    assert_eq!((run.n_labelled, run.n_texts, run.labels), (250, 250, 5));
    let body = json!({"content": "小区路灯晚上不亮，灯泡坏了", "org_unit_id": t.fx.c11});
    assert_eq!(top(&suggest(&t, "station11", body).await.1)[0], LIGHTS);
    t.finish().await;
}

async fn the_nightly_model_suggests_and_intakes_are_measured(b: Backend) {
    let t = TestApp::new(b).await;
    history(&t, 50, 8).await;
    // Not in the night's hour: nothing runs.
    assert!(run_once(&t.state, t.clock.now())
        .await
        .expect("runs")
        .is_none());
    t.clock.set(night());
    let run = run_once(&t.state, night())
        .await
        .expect("runs")
        .expect("due");
    assert!(run.trained, "{run:?}");
    assert_eq!((run.n_texts, run.labels), (250, 5));
    // Once a night: the next look in the same hour trains nothing.
    let later = night() + TimeDelta::minutes(20);
    assert!(run_once(&t.state, later).await.expect("runs").is_none());

    // Texts the history never had, in each category's words.
    for (text, want) in [
        ("我家楼下的路灯坏了，晚上一片漆黑，灯泡该换了", LIGHTS),
        ("厨房水管爆裂，漏水漏到楼下去了", WATER),
        ("楼道里垃圾堆放没人清运，臭味很大", CLEANING),
        ("邻居遛狗不拴绳，狗叫一整夜", PETS),
        ("想给腿脚不便的母亲订餐，社区食堂能送餐吗", MEALS),
    ] {
        let body = json!({"title": "求助", "content": text, "org_unit_id": t.fx.c11});
        let (status, found) = suggest(&t, "station11", body).await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(found["ready"], true, "{found}");
        assert_eq!(found["model_version"], 1);
        let codes = top(&found);
        assert_eq!(codes.len(), 3, "{found}");
        assert_eq!(codes[0], want, "{text}: {found}");
        let score = found["categories"][0]["score"].as_f64().expect("score");
        assert!(score > 0.0 && score <= 1.0, "{found}");
    }

    // The usual handler of water pipes at C11 (and, by its street, C12): the housing office.
    for unit in [t.fx.c11, t.fx.c12] {
        let body = json!({"content": "水管漏水，阀门关不上", "org_unit_id": unit});
        let (_, found) = suggest(&t, "street1", body).await;
        let handler = &found["handler"];
        assert_eq!(handler["kind"], "department", "{found}");
        assert_eq!(handler["id"], t.fx.dept);
        assert_eq!(handler["name"], "房管所");
        assert_eq!(handler["share"], 1.0);
    }
    // No resolved appeals of street lights: no handler is guessed.
    let body = json!({"content": "路灯不亮", "org_unit_id": t.fx.c11});
    assert!(suggest(&t, "station11", body).await.1["handler"].is_null());

    // Three intakes: one takes the first suggestion, one the second or third, one none.
    let water = |category: &str| {
        let mut body = TestApp::appeal_body(t.fx.c11);
        body["category"] = category.into();
        body["content"] = "厨房水管爆裂漏水，阀门也坏了".into();
        body
    };
    let (_, offered) = suggest(
        &t,
        "station11",
        json!({"title": "楼道水管漏水", "content": "厨房水管爆裂漏水，阀门也坏了",
               "location": "3号楼2单元", "org_unit_id": t.fx.c11}),
    )
    .await;
    let offered = top(&offered);
    assert_eq!(offered[0], WATER);
    let outside = WORDS
        .iter()
        .map(|(c, _)| *c)
        .find(|c| !offered.iter().any(|o| o == c))
        .expect("a category not offered");
    for category in [WATER, offered[1].as_str(), outside] {
        t.create_appeal("station11", water(category)).await;
    }
    // /admin's month recomputes from the three rows: 1 of 3 took the first, 2 of 3 one of
    // the three.
    let token = t.token("admin").await;
    let state = t.get("/api/v1/suggestions", &token).await;
    let state = state.ok(200);
    assert_eq!(state["months"][0]["month"], "2026-11", "{state}");
    assert_eq!(state["months"][0]["suggested"], 3);
    assert!((state["months"][0]["top1_rate"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert!((state["months"][0]["top3_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(state["models"][0]["version"], 1);
    assert_eq!(state["models"][0]["n_texts"], 250);
    let f1 = state["models"][0]["macro_f1"].as_f64().expect("macro_f1");
    assert!(f1 > 0.9, "held-out macro-F1 {f1}");
    let mut admin = Browser::sign_in(&t, "admin").await;
    let page = admin.get("/admin/suggest").await.text();
    assert!(page.contains("<td>2026-11</td><td class=\"num\">3</td><td class=\"num\">33.3%</td><td class=\"num\">66.7%</td>"), "{page}");
    t.finish().await;
}

/// After an upgrade that changed the model's format, the stored model cannot be read: the
/// next look retrains at once (not the next night), and only once that day.
async fn a_model_another_build_cannot_read_is_retrained_the_same_day(b: Backend) {
    let t = TestApp::new(b).await;
    history(&t, 50, 8).await;
    t.clock.set(night());
    let run = run_once(&t.state, night()).await.expect("runs");
    assert!(run.expect("due").trained);
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t.url).await.expect("connect");
    sqlx::query("UPDATE text_models SET bytes = $1, version = version + 10")
        .bind(b"a model of another format".to_vec())
        .execute(&pool)
        .await
        .expect("old format");
    pool.close().await;
    refresh(&t.state).await.expect("refresh");
    let body = json!({"content": "厨房水管爆裂，漏水", "org_unit_id": t.fx.c11});
    let (_, found) = suggest(&t, "station11", body.clone()).await;
    assert_eq!(found["ready"], false, "nothing served: {found}");

    // Noon the next day, far from the night's hour: due because the model is unreadable.
    let noon = night() + TimeDelta::hours(33);
    t.clock.set(noon);
    let run = run_once(&t.state, noon).await.expect("runs").expect("due");
    assert!(run.trained, "{run:?}");
    let (_, found) = suggest(&t, "station11", body).await;
    assert_eq!(found["ready"], true, "{found}");
    assert_eq!(
        top(&found).first().map(String::as_str),
        Some(WATER),
        "{found}"
    );
    let later = noon + TimeDelta::minutes(20);
    assert!(run_once(&t.state, later).await.expect("runs").is_none());
    t.finish().await;
}

async fn suggest_checks_the_node_and_the_text(b: Backend) {
    let t = TestApp::new(b).await;
    // Another street's community, and a node that does not exist: the same 403.
    for unit in [t.fx.c21, 999_999] {
        let body = json!({"content": "路灯不亮", "org_unit_id": unit});
        let (status, found) = suggest(&t, "station11", body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{found}");
        assert_eq!(found["detail"], "只能为本单位范围内的节点登记诉求");
    }
    // The street sees its communities; a volunteer registers nothing.
    let body = json!({"content": "路灯不亮", "org_unit_id": t.fx.c12});
    assert_eq!(suggest(&t, "street1", body.clone()).await.0, StatusCode::OK);
    assert_eq!(
        suggest(&t, "volunteer", body).await.0,
        StatusCode::FORBIDDEN
    );
    // The intake's own text rules, each fault named.
    let long = "长".repeat(101);
    let body = json!({"content": "  ", "title": long, "org_unit_id": t.fx.c11});
    let (status, found) = suggest(&t, "station11", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{found}");
    let fields: Vec<&str> = found["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["content", "title"]);
    // A missing field is named; a body that is no JSON is 400.
    let token = t.token("station11").await;
    let res = t
        .post(
            "/api/v1/appeals/suggest",
            &token,
            json!({"org_unit_id": t.fx.c11}),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    assert_eq!(res.json["errors"][0]["field"], "content");
    let res = t
        .call_raw(
            axum::http::Method::POST,
            "/api/v1/appeals/suggest",
            Some(&token),
            b"{not json".to_vec(),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    t.finish().await;
}

async fn intake_goes_on_while_a_retrain_runs(b: Backend) {
    let t = TestApp::new(b).await;
    // Enough history that training takes seconds, as a district's does.
    history(&t, 400, 0).await;
    let state = t.state.clone();
    let training = tokio::spawn(async move { retrain_now(&state).await });
    for _ in 0..500 {
        if retraining(&t.state) || training.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert!(retraining(&t.state), "the retrain started and still runs");
    // One at a time: a second retrain asked meanwhile does not start.
    assert!(retrain_now(&t.state).await.is_none());
    let started = std::time::Instant::now();
    let appeal = t
        .create_appeal("station11", TestApp::appeal_body(t.fx.c11))
        .await;
    let took = started.elapsed();
    assert!(appeal["tracking_code"].is_string());
    assert!(
        retraining(&t.state),
        "the intake was answered ({took:?}) while the retrain still ran"
    );
    let run = training
        .await
        .expect("joined")
        .expect("ran")
        .expect("trained");
    assert!(run.trained && run.n_texts == 2000, "{run:?}");
    assert!(!retraining(&t.state));
    t.finish().await;
}

async fn the_intake_page_shows_the_chips_and_admin_retrains(b: Backend) {
    let t = TestApp::new(b).await;
    history(&t, 50, 8).await;
    // The button: a retrain in the background, then its result on the page.
    let mut admin = Browser::sign_in(&t, "admin").await;
    let page = admin.get("/admin/suggest").await.text();
    assert!(
        page.contains("立即重新训练") && page.contains("尚未训练"),
        "{page}"
    );
    let res = admin.post("/admin/suggest/retrain", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    for _ in 0..3000 {
        if !retraining(&t.state) && t.store.newest_model_version().await.expect("v").is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let page = admin.get("/admin/suggest").await.text();
    assert!(
        page.contains("已训练：250 条已分类诉求，5 个类别"),
        "{page}"
    );
    assert!(page.contains("data-testid=\"suggest-models\""), "{page}");
    // A station may not retrain.
    let mut desk = Browser::sign_in(&t, "station11").await;
    let res = desk.post("/admin/suggest/retrain", &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The form's script asks for chips as the content is typed.
    let c11 = t.fx.c11.to_string();
    let typed = [
        ("content", "邻居家的狗整夜狗叫，遛狗也不拴绳"),
        ("org_unit_id", c11.as_str()),
    ];
    let chips = desk.post("/appeals/new/suggest", &typed).await;
    assert_eq!(chips.status, StatusCode::OK, "{}", chips.text());
    assert_eq!(chips.json["chips"][0]["code"], PETS, "{}", chips.json);
    assert_eq!(chips.json["chips"][0]["key"], 1);
    assert_eq!(chips.json["chips"].as_array().map(Vec::len), Some(3));
    // The empty form has the chips' place, hidden; a form shown again draws them itself.
    let form = desk.get("/appeals/new").await.text();
    let chip = "data-testid=\"suggest-chip\"";
    assert!(
        form.contains("id=\"suggest\"") && !form.contains(chip),
        "{form}"
    );
    let failed = desk
        .post(
            "/appeals/new",
            &[
                ("mode", "anonymous"),
                ("org_unit_id", c11.as_str()),
                ("channel", "walk_in"),
                ("urgency", "normal"),
                ("content", "邻居家的狗整夜狗叫，遛狗也不拴绳"),
            ],
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = failed.text();
    assert!(
        html.contains(&format!(
            "data-category=\"{PETS}\" aria-keyshortcuts=\"Alt+1\""
        )),
        "{html}"
    );
    assert!(html.contains("宠物"), "{html}");
    t.finish().await;
}
