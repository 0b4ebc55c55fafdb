//! Care over HTTP: visits and the appeal raised on one, due lists, rules, the register,
//! coverage, teams and pairings — on SQLite and on PostgreSQL.

mod common;

use axum::http::Method;
use common::browser::{location, Browser};
use common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    a_pairing_is_for_someone_in_care_and_ends,
    a_visit_raises_an_appeal_in_the_queue,
    rules_register_coverage_teams_and_pairings,
    teams_and_pairings_pages,
    visit_rules_are_edited_on_the_care_page,
);

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

async fn living_alone(t: &TestApp, name: &str, unit: i64) -> i64 {
    let token = t.token("station11").await;
    let body = json!({"name": name, "org_unit_id": unit, "address": "佛字桥小区1号101室",
                      "tags": ["living_alone"], "phone": "13900002222"});
    id_of(t.post("/api/v1/people", &token, body).await.ok(201))
}

fn raise(category: &str) -> Value {
    json!({"kind": "help", "category": category, "content": "卫生间水管漏水，老人行动不便"})
}

/// A pairing is for someone on the care register (a care tag or a care level); once ended
/// it takes no contact, and its person is no longer the volunteer's to visit. A team's
/// block by address names a building on the register, through the API as on the page.
async fn a_pairing_is_for_someone_in_care_and_ends(backend: Backend) {
    let t = TestApp::new(backend).await;
    let fx = t.fx.clone();
    let station = t.token("station11").await;
    let volunteer = t.token("volunteer").await;
    let body = json!({"name": "钱先生", "org_unit_id": fx.g111, "address": "佛字桥小区7号101室"});
    let person = id_of(t.post("/api/v1/people", &station, body).await.ok(201));
    let pair = json!({"person_id": person, "partner_user_id": fx.user("volunteer")});
    let refused = t.post("/api/v1/pairings", &station, pair.clone()).await;
    refused.field_error("person_id");
    assert_eq!(
        refused.problem(422)["errors"][0]["code"],
        "pairing_not_in_care"
    );
    let level = json!({"level": "regular"});
    let path = format!("/api/v1/care/register/{person}");
    let res = t
        .call(Method::PUT, &path, Some(&station), Some(level))
        .await;
    assert_eq!(res.status.as_u16(), 204);
    let pairing = t.post("/api/v1/pairings", &station, pair).await;
    let pairing = id_of(pairing.ok(201));
    let visit = json!({"person_id": person, "note": "上门看望"});
    t.post("/api/v1/visits", &volunteer, visit.clone())
        .await
        .ok(201);

    let end = format!("/api/v1/pairings/{pairing}/end");
    t.post(&end, &volunteer, json!({})).await.problem(403);
    t.post(&end, &station, json!({"ended_on": "2000-01-01"}))
        .await
        .field_error("ended_on");
    let ended = t.post(&end, &station, json!({})).await;
    assert!(ended.ok(200)["ended_on"].is_string());
    t.post(&end, &station, json!({})).await.problem(409);
    let contacts = format!("/api/v1/pairings/{pairing}/contacts");
    t.post(
        &contacts,
        &station,
        json!({"mode": "phone", "note": "电话"}),
    )
    .await
    .problem(409);
    t.post("/api/v1/visits", &volunteer, visit)
        .await
        .field_error("person_id");

    let team = t
        .post(
            "/api/v1/teams",
            &station,
            json!({"org_unit_id": fx.c11, "name": "楼组队"}),
        )
        .await;
    let blocks = format!("/api/v1/teams/{}/blocks", id_of(&team.ok(201)["team"]));
    t.post(&blocks, &station, json!({"address_prefix": "7号"}))
        .await
        .field_error("address_prefix");
    t.post(
        &blocks,
        &station,
        json!({"address_prefix": "佛字桥小区7号"}),
    )
    .await
    .ok(201);
    t.finish().await;
}

async fn a_visit_raises_an_appeal_in_the_queue(backend: Backend) {
    let t = TestApp::new(backend).await;
    let fx = t.fx.clone();
    let station = t.token("station11").await;
    let person = living_alone(&t, "张奶奶", fx.g111).await;

    let due = t
        .get(&format!("/api/v1/visits/due?org_unit={}", fx.c11), &station)
        .await;
    let items = due.ok(200)["items"].as_array().unwrap().clone();
    let mine = items
        .iter()
        .find(|d| d["person_id"] == person)
        .expect("never visited: overdue");
    assert_eq!(mine["status"], "overdue");
    assert_eq!(mine["rule"]["tag"], "living_alone");
    assert_eq!(mine["rule"]["days"], 7);
    assert_eq!(mine["rule_label"], "独居老人 每7天");

    let appeals_before = t.appeal_count().await;
    // A bad appeal field: 422 naming it inside raise_appeal; neither visit nor appeal stored.
    let body = json!({"person_id": person, "note": "水管漏水", "raise_appeal": raise("no.such")});
    t.post("/api/v1/visits", &station, body)
        .await
        .field_error("raise_appeal.category");
    let body = json!({"person_id": person, "note": "水管漏水",
                      "raise_appeal": {"kind": "help", "category": "public_facilities.water_pipes", "content": "  "}});
    t.post("/api/v1/visits", &station, body)
        .await
        .field_error("raise_appeal.content");
    let body = json!({"person_id": person, "note": "水管漏水",
                      "raise_appeal": {"channel": "phone", "kind": "help", "category": "public_facilities.water_pipes", "content": "x"}});
    t.post("/api/v1/visits", &station, body)
        .await
        .field_error("raise_appeal.channel");
    t.post(
        "/api/v1/visits",
        &station,
        json!({"person_id": 999_999, "note": "x"}),
    )
    .await
    .field_error("person_id");
    t.post(
        "/api/v1/visits",
        &station,
        json!({"person_id": person, "note": " "}),
    )
    .await
    .field_error("note");
    t.post(
        "/api/v1/visits",
        &station,
        json!({"person_id": person, "note": "x", "mood": 1}),
    )
    .await
    .field_error("mood");
    assert_eq!(t.appeal_count().await, appeals_before);
    let log = t
        .get(&format!("/api/v1/visits?person_id={person}"), &station)
        .await;
    assert_eq!(log.ok(200)["total"], 0);

    // The visit and its appeal, in one step.
    let body = json!({"person_id": person, "note": "卫生间水管漏水，地面湿滑",
                      "follow_up": "请物业维修", "raise_appeal": raise("public_facilities.water_pipes")});
    let res = t.post("/api/v1/visits", &station, body).await;
    let visit = res.ok(201).clone();
    let appeal = &visit["appeal"];
    assert_eq!(appeal["channel"], "home_visit");
    assert_eq!(appeal["channel_label"], "走访");
    assert_eq!(appeal["status"], "registered");
    assert_eq!(appeal["appellant"]["id"], person);
    assert_eq!(appeal["org_unit_id"], fx.g111);
    assert_eq!(appeal["visit_id"], visit["id"]);
    assert_eq!(visit["appeal_id"], appeal["id"]);
    assert_eq!(visit["follow_up"], "请物业维修");
    let appeal_id = id_of(appeal);
    assert_eq!(t.appeal_count().await, appeals_before + 1);
    let read = t
        .get(&format!("/api/v1/appeals/{appeal_id}"), &station)
        .await;
    assert_eq!(read.ok(200)["visit_id"], visit["id"]);
    let queue = t.get("/api/v1/appeals?status=registered", &station).await;
    assert!(queue.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == appeal_id));
    // Visited today: no longer due.
    let due = t
        .get(&format!("/api/v1/visits/due?org_unit={}", fx.c11), &station)
        .await;
    assert!(!due.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["person_id"] == person));
    let log = t
        .get(&format!("/api/v1/visits?person_id={person}"), &station)
        .await;
    let log = log.ok(200);
    assert_eq!(log["total"], 1);
    assert_eq!(
        log["items"][0]["appeal_tracking_code"],
        appeal["tracking_code"]
    );

    // Roles and scope: a liaison may not visit; a volunteer only the people assigned to it;
    // another station does not see this one's list.
    let liaison = t.token("liaison").await;
    t.post(
        "/api/v1/visits",
        &liaison,
        json!({"person_id": person, "note": "x"}),
    )
    .await
    .problem(403);
    let volunteer = t.token("volunteer").await;
    t.post(
        "/api/v1/visits",
        &volunteer,
        json!({"person_id": person, "note": "x"}),
    )
    .await
    .field_error("person_id");
    let other = t.token("station21").await;
    t.get(&format!("/api/v1/visits/due?org_unit={}", fx.c11), &other)
        .await
        .problem(404);
    t.get("/api/v1/visits/due?org_unit=abc", &station)
        .await
        .field_error("org_unit");
    t.finish().await;
}

async fn rules_register_coverage_teams_and_pairings(backend: Backend) {
    let t = TestApp::new(backend).await;
    let fx = t.fx.clone();
    let station = t.token("station11").await;
    let volunteer = t.token("volunteer").await;
    let admin = t.token("admin").await;
    let a = living_alone(&t, "张奶奶", fx.g111).await;
    let b = living_alone(&t, "赵老伯", fx.c11).await;

    // Rules: defaults until the station edits its own.
    let rules = t
        .get(
            &format!("/api/v1/visit-rules?org_unit={}", fx.c11),
            &station,
        )
        .await;
    assert!(rules.ok(200)["set_at"].is_null());
    let put = |token: String, body: Value| {
        let t = &t;
        let path = format!("/api/v1/visit-rules?org_unit={}", fx.c11);
        async move { t.call(Method::PUT, &path, Some(&token), Some(body)).await }
    };
    put(volunteer.clone(), json!({"rules": []}))
        .await
        .problem(403);
    put(
        station.clone(),
        json!({"rules": [{"tag": "living_alone", "kind": "every", "days": 0}]}),
    )
    .await
    .field_error("rules[0].days");
    put(
        station.clone(),
        json!({"rules": [{"tag": "nobody", "kind": "every", "days": 3}]}),
    )
    .await
    .problem(422);
    let set = put(
        station.clone(),
        json!({"rules": [{"tag": "living_alone", "kind": "every", "days": 3},
                         {"tag": "living_alone", "kind": "before_holiday", "holiday": "spring_festival", "days": 14}]}),
    )
    .await;
    assert_eq!(set.ok(200)["set_at"], fx.c11);

    // Care level and note: the note only for roles that need it.
    let path = format!("/api/v1/care/register/{a}");
    let res = t
        .call(
            Method::PUT,
            &path,
            Some(&station),
            Some(json!({"level": "key", "note": "糖尿病，子女在外地"})),
        )
        .await;
    assert_eq!(res.status.as_u16(), 204, "{}", res.text());
    let register = t
        .get(
            &format!("/api/v1/care/register?org_unit={}", fx.c11),
            &station,
        )
        .await;
    let register = register.ok(200).clone();
    assert_eq!(register["total"], 2);
    assert_eq!(register["items"][0]["person_id"], a, "重点关爱 first");
    assert_eq!(register["items"][0]["note"], "糖尿病，子女在外地");
    assert_eq!(register["items"][0]["phone"], "13900002222");
    let for_admin = t
        .get(
            &format!("/api/v1/care/register?org_unit={}", fx.c11),
            &admin,
        )
        .await;
    let for_admin = for_admin.ok(200);
    assert!(for_admin["items"][0].get("note").is_none());
    assert_eq!(for_admin["items"][0]["phone"], "139****2222");
    let filtered = t
        .get(
            &format!("/api/v1/care/register?org_unit={}&tag=aged_80_plus", fx.c11),
            &station,
        )
        .await;
    assert_eq!(filtered.ok(200)["total"], 0);
    t.get("/api/v1/care/register?level=vip", &station)
        .await
        .field_error("level");

    // A team owning the grid, with the volunteer; the volunteer paired with 赵老伯.
    let team = t
        .post(
            "/api/v1/teams",
            &station,
            json!({"org_unit_id": fx.c11, "name": "第一服务团队"}),
        )
        .await;
    let team_id = id_of(&team.ok(201)["team"]);
    t.post(
        "/api/v1/teams",
        &volunteer,
        json!({"org_unit_id": fx.c11, "name": "x"}),
    )
    .await
    .problem(403);
    let members = format!("/api/v1/teams/{team_id}/members");
    t.post(&members, &station, json!({"user_id": fx.user("volunteer")}))
        .await
        .ok(201);
    t.post(&members, &station, json!({"user_id": fx.user("volunteer")}))
        .await
        .problem(409);
    t.post(&members, &station, json!({"user_id": fx.user("station21")}))
        .await
        .field_error("user_id");
    let blocks = format!("/api/v1/teams/{team_id}/blocks");
    t.post(&blocks, &station, json!({"org_unit_id": fx.c11}))
        .await
        .field_error("org_unit_id");
    let detail = t
        .post(&blocks, &station, json!({"org_unit_id": fx.g111}))
        .await;
    assert_eq!(detail.ok(201)["blocks"][0]["org_unit_name"], "一网格");
    let pairing = t
        .post("/api/v1/pairings", &station, json!({"person_id": b, "partner_user_id": fx.user("volunteer"), "note": "每周电话问候"}))
        .await;
    let pairing = pairing.ok(201).clone();
    assert_eq!(pairing["partner_name"], "志愿者");
    t.post("/api/v1/pairings", &station, json!({"person_id": b}))
        .await
        .field_error("partner_user_id");

    // The volunteer sees the people assigned to it, and logs its contacts.
    let mine = t
        .get(
            &format!("/api/v1/care/register?org_unit={}", fx.c11),
            &volunteer,
        )
        .await;
    let mine = mine.ok(200);
    assert_eq!(mine["total"], 2);
    assert!(mine["items"][0].get("note").is_none());
    let due = t
        .get(
            &format!("/api/v1/visits/due?org_unit={}&worker=me", fx.c11),
            &station,
        )
        .await;
    assert_eq!(
        due.ok(200)["items"].as_array().unwrap().len(),
        0,
        "station11 has no one assigned"
    );
    let due = t
        .get(
            &format!("/api/v1/visits/due?org_unit={}&team={team_id}", fx.c11),
            &station,
        )
        .await;
    let due = due.ok(200)["items"].as_array().unwrap().clone();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0]["person_id"], a);
    let contacts = format!("/api/v1/pairings/{}/contacts", id_of(&pairing));
    t.post(
        &contacts,
        &volunteer,
        json!({"mode": "phone", "note": "电话问候，老人精神不错"}),
    )
    .await
    .ok(201);
    t.post(&contacts, &volunteer, json!({"mode": "fax", "note": "x"}))
        .await
        .field_error("mode");
    let log = t.get(&contacts, &station).await;
    assert_eq!(log.ok(200).as_array().unwrap().len(), 1);
    let other = t.token("station21").await;
    t.get(&contacts, &other).await.problem(404);
    // A visit by the volunteer to 赵老伯 (its pairing), without raising an appeal.
    t.post(
        "/api/v1/visits",
        &volunteer,
        json!({"person_id": b, "note": "上门看望"}),
    )
    .await
    .ok(201);
    let timeline = t
        .get(&format!("/api/v1/people/{b}/care-timeline"), &station)
        .await;
    let kinds: Vec<&str> = timeline
        .ok(200)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.contains(&"visit") && kinds.contains(&"pairing_contact"));

    // Coverage over 20–24 November (t0 is the 24th) under the 3-day rule: neither on time
    // (张奶奶 never visited, 赵老伯 first on the 24th: 4 days each), one visited at all,
    // 张奶奶 overdue.
    let cov = t
        .get(
            &format!(
                "/api/v1/care/coverage?org_unit={}&from=2026-11-20&to=2026-11-24",
                fx.c11
            ),
            &station,
        )
        .await;
    let cov = cov.ok(200);
    assert_eq!(cov["on_time"]["total"], 2);
    assert_eq!(cov["visited"]["visited"], 1);
    assert_eq!(cov["on_time"]["visited"], 0);
    assert_eq!(cov["overdue"], 1);
    t.get(
        "/api/v1/care/coverage?from=2026-11-20&to=2026-11-01",
        &station,
    )
    .await
    .field_error("to");
    let team_cov = t
        .get(
            &format!("/api/v1/teams/{team_id}/coverage?from=2026-11-01&to=2026-11-30"),
            &station,
        )
        .await;
    assert_eq!(team_cov.ok(200)["households"]["total"], 1);

    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let paths = &doc.ok(200)["paths"];
    for p in [
        "/api/v1/visits/due",
        "/api/v1/visits",
        "/api/v1/care/register",
        "/api/v1/pairings/{id}/contacts",
    ] {
        assert!(paths.get(p).is_some(), "{p} in OpenAPI");
    }
    t.finish().await;
}

/// The teams and pairings page: a station sets up a team with a member, a grid and a
/// building, pairs its volunteer with someone living alone; the volunteer sees only that
/// pairing and logs a contact, which shows with the volunteer's name.
async fn teams_and_pairings_pages(backend: Backend) {
    let t = TestApp::new(backend).await;
    let fx = t.fx.clone();
    let zhou = living_alone(&t, "周<b>桂英</b>", fx.c11).await;
    let mut station = Browser::sign_in(&t, "station11").await;
    let page = station.get("/care/teams").await;
    assert_eq!(page.status, 200);
    let res = station.post("/care/teams", &[("name", "楼道关爱队")]).await;
    assert_eq!(location(&res), "/care/teams#teams");
    let token = t.token("station11").await;
    let teams = t
        .get(&format!("/api/v1/teams?org_unit={}", fx.c11), &token)
        .await;
    let team = teams
        .ok(200)
        .as_array()
        .expect("teams")
        .iter()
        .find(|x| x["name"] == "楼道关爱队")
        .map(id_of)
        .expect("the new team");
    let volunteer = fx.user("volunteer").to_string();
    let grid = fx.g111.to_string();
    for fields in [
        [("user_id", volunteer.as_str())],
        [("grid_id", grid.as_str())],
        [("address_prefix", "佛字桥小区1号")],
    ] {
        let res = station.post(&format!("/care/teams/{team}"), &fields).await;
        assert_eq!(res.status, 303, "{}", res.text());
    }
    let res = station
        .post(
            "/care/pairings",
            &[
                ("person_id", &zhou.to_string()),
                ("partner_user_id", &volunteer),
                ("note", "每周上门两次"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/care/teams#pairings");
    let html = station.get("/care/teams").await.text();
    let teams_table = html.split("data-testid=\"teams\"").nth(1).expect("teams");
    assert!(teams_table.contains("楼道关爱队") && teams_table.contains("一网格"));
    assert!(teams_table.contains("佛字桥小区1号"));
    assert!(
        html.contains("周&#60;b&#62;桂英&#60;/b&#62;"),
        "names escaped"
    );
    // The due list by whose it is: the team's households only; everyone's has both.
    let token = t.token("station11").await;
    let body = json!({"name": "吴阿婆", "org_unit_id": fx.c11, "address": "佛字桥新村9号",
                      "tags": ["living_alone"], "phone": "13900003333"});
    t.post("/api/v1/people", &token, body).await.ok(201);
    let due = |html: &str| {
        html.split("data-testid=\"due-visits\"")
            .nth(1)
            .and_then(|s| s.split("</table>").next())
            .unwrap_or("")
            .to_string()
    };
    let everyone = due(&station.get("/care").await.text());
    assert!(everyone.contains("吴阿婆") && everyone.contains("桂英"));
    let team_due = due(&station.get(&format!("/care?for=team-{team}")).await.text());
    assert!(
        team_due.contains("桂英") && !team_due.contains("吴阿婆"),
        "{team_due}"
    );
    // Nothing to add is said on the page, not an error.
    let res = station.post(&format!("/care/teams/{team}"), &[]).await;
    assert!(res.text().contains("请先选择要添加的项"));

    let mut vol = Browser::sign_in(&t, "volunteer").await;
    let mine = due(&vol.get("/care?for=me").await.text());
    assert!(mine.contains("桂英") && !mine.contains("吴阿婆"), "{mine}");
    let html = vol.get("/care/teams").await.text();
    assert!(
        !html.contains("data-testid=\"create-team\""),
        "volunteers do not manage"
    );
    let pairing = t.get("/api/v1/pairings", &t.token("volunteer").await).await;
    let pairing = id_of(&pairing.ok(200)[0]);
    let res = vol
        .post(
            &format!("/care/pairings/{pairing}/contacts"),
            &[("mode", "phone"), ("note", "电话问候，身体尚好")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let html = vol.get("/care/teams").await.text();
    let list = html
        .split("data-testid=\"pairings\"")
        .nth(1)
        .expect("pairings");
    assert!(list.contains("电话问候，身体尚好") && list.contains("电话"));
    // A contact needs words.
    let res = vol
        .post(
            &format!("/care/pairings/{pairing}/contacts"),
            &[("mode", "home"), ("note", " ")],
        )
        .await;
    // 422: the contact form again, its mode kept and the message at the note.
    assert_eq!(res.status, 422);
    let html = res.text();
    assert!(html.contains("role=\"alert\""));
    assert!(
        html.contains(&format!("id=\"err-contact-{pairing}-note\"")),
        "{html}"
    );
    // Staff end the pairing on the page: it shows as ended, with no contact form and no end
    // button left, and the volunteer may not end one.
    let end = format!("/care/pairings/{pairing}/end");
    let res = vol.post(&end, &[]).await;
    assert_eq!(res.status, 403);
    let res = station.post(&end, &[]).await;
    assert_eq!(location(&res), "/care/teams#pairings");
    let html = station.get("/care/teams").await.text();
    let list = html
        .split("data-testid=\"pairings\"")
        .nth(1)
        .expect("pairings");
    assert!(list.contains("已结束于"), "{list}");
    assert!(!list.contains(&format!("/care/pairings/{pairing}/contacts")));
    assert!(!list.contains("data-testid=\"end-pairing\""));
    t.finish().await;
}

async fn visit_rules_are_edited_on_the_care_page(backend: Backend) {
    let t = TestApp::new(backend).await;
    let mut station = Browser::sign_in(&t, "station11").await;
    let page = station.get("/care").await.text();
    assert!(
        page.contains("name=\"every.living_alone\" value=\"7\""),
        "the default shows"
    );
    let res = station
        .post(
            "/care/rules",
            &[("every.living_alone", "3"), ("every.needy_member", "30")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let token = t.token("station11").await;
    let rules = t.get("/api/v1/visit-rules", &token).await;
    let rules = rules.ok(200).clone();
    let list = rules["rules"].as_array().expect("rules");
    assert!(list
        .iter()
        .any(|r| r["tag"] == "living_alone" && r["kind"] == "every" && r["days"] == 3));
    assert!(
        !list
            .iter()
            .any(|r| r["tag"] == "aged_80_plus" && r["kind"] == "every"),
        "a blank field is no interval rule"
    );
    assert!(
        list.iter().any(|r| r["kind"] == "before_holiday"),
        "holiday rules are kept"
    );
    // A bad count is said beside its tag, the form as typed (422).
    let bad = station
        .post(
            "/care/rules",
            &[("every.living_alone", "三天"), ("every.disabled", "0")],
        )
        .await;
    assert_eq!(bad.status, 422);
    let html = bad.text();
    assert!(
        html.contains("id=\"err-rules-every-living-alone\""),
        "{html}"
    );
    assert!(html.contains("id=\"err-rules-every-disabled\""), "{html}");
    assert!(html.contains("name=\"every.living_alone\" value=\"三天\""));
    let mut vol = Browser::sign_in(&t, "volunteer").await;
    vol.get("/care").await;
    let res = vol
        .post("/care/rules", &[("every.living_alone", "1")])
        .await;
    assert_eq!(res.status, 403);
    t.finish().await;
}
