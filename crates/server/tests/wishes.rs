//! Micro-wishes and in-service party members over HTTP, on SQLite and on PostgreSQL: the
//! contract endpoints, two claims at once (one 200, one 409), the wisher's name masked for a
//! volunteer, scope (another street's user gets 404), hours validation and the summary; and
//! the pages' forms with the CSRF token, with escaping.

mod common;

use std::io::Cursor;

use axum::http::{Method, StatusCode};
use calamine::{Reader, Xlsx};
use common::browser::Browser;
use common::{Backend, Resp, TestApp, PERSON_PHONE};
use serde_json::{json, Value};

on_both_backends!(
    wishes_contract_race_masking_and_scope,
    service_registrations_hours_and_summary,
    wish_and_service_pages,
);

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

async fn wish_post(t: &TestApp, user: &str, path: &str, body: Option<Value>) -> Resp {
    let token = t.token(user).await;
    t.call(Method::POST, path, Some(&token), body).await
}

async fn wishes_contract_race_masking_and_scope(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    // Recording: staff only; fields named.
    let bad = wish_post(
        &t,
        "station11",
        "/api/v1/wishes",
        Some(json!({"person_id": fx.person, "wish": " ", "estimated_cents": 0, "deadline": "2026-01-01"})),
    )
    .await;
    for field in ["wish", "estimated_cents", "deadline"] {
        bad.field_error(field);
    }
    let volunteer_may_not = wish_post(
        &t,
        "volunteer",
        "/api/v1/wishes",
        Some(json!({"person_id": fx.person, "wish": "收音机"})),
    )
    .await;
    volunteer_may_not.problem(403);
    let created = wish_post(
        &t,
        "station11",
        "/api/v1/wishes",
        Some(json!({"person_id": fx.person, "wish": "一台收音机", "estimated_cents": 15000, "deadline": "2026-12-20"})),
    )
    .await;
    let wish = created.ok(201).clone();
    assert_eq!(wish["status"], "open");
    assert_eq!(wish["person"]["name"], "李老伯", "staff see the name");
    let id = id_of(&wish);
    // The volunteer of the area sees it, the name masked, no phone or ID number anywhere.
    let token = t.token("volunteer").await;
    let list = t.get("/api/v1/wishes?status=open", &token).await;
    let list = list.ok(200).clone();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["person"]["name"], "李**");
    let text = list.to_string();
    assert!(!text.contains("李老伯") && !text.contains(PERSON_PHONE) && !text.contains("phone"));
    // Another street's station and a liaison: 404 and 403, and no claim.
    let other = t.token("station21").await;
    t.get(&format!("/api/v1/wishes/{id}"), &other)
        .await
        .problem(404);
    wish_post(&t, "station21", &format!("/api/v1/wishes/{id}/claim"), None)
        .await
        .problem(404);
    let liaison = t.token("liaison").await;
    t.get("/api/v1/wishes", &liaison).await.problem(403);
    let other_list = t.get("/api/v1/wishes", &other).await;
    assert_eq!(other_list.ok(200)["total"], 0);
    // Two claims at once: one wins, the other gets 409.
    let claim = format!("/api/v1/wishes/{id}/claim");
    let (a, b2) = tokio::join!(
        wish_post(&t, "volunteer", &claim, None),
        wish_post(&t, "station11", &claim, None)
    );
    let mut statuses = [a.status.as_u16(), b2.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text(), b2.text());
    let (winner, loser) = if a.status == StatusCode::OK {
        ("volunteer", "station11")
    } else {
        ("station11", "volunteer")
    };
    let loser_res = if a.status == StatusCode::OK { &b2 } else { &a };
    loser_res.problem(409);
    // Only the claimer fulfils, and says how.
    let fulfil = format!("/api/v1/wishes/{id}/fulfil");
    wish_post(&t, winner, &fulfil, Some(json!({"note": " "})))
        .await
        .field_error("note");
    wish_post(&t, loser, &fulfil, Some(json!({"note": "已送达"})))
        .await
        .problem(403);
    let fulfilled = wish_post(&t, winner, &fulfil, Some(json!({"note": "已送到家中"}))).await;
    assert_eq!(fulfilled.ok(200)["status"], "fulfilled");
    // The station confirms; a volunteer may not; nothing after confirmation.
    let confirm = format!("/api/v1/wishes/{id}/confirm");
    if winner == "volunteer" {
        wish_post(&t, "volunteer", &confirm, None)
            .await
            .problem(403);
    }
    let confirmed = wish_post(&t, "station11", &confirm, None).await;
    let confirmed = confirmed.ok(200).clone();
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(confirmed["closed_by"]["name"], "站点一");
    wish_post(
        &t,
        "station11",
        &format!("/api/v1/wishes/{id}/cancel"),
        None,
    )
    .await
    .problem(409);
    // Release and cancel.
    let second = wish_post(
        &t,
        "station11",
        "/api/v1/wishes",
        Some(json!({"person_id": fx.person, "wish": "理发上门"})),
    )
    .await;
    let second = id_of(second.ok(201));
    wish_post(
        &t,
        "volunteer",
        &format!("/api/v1/wishes/{second}/claim"),
        None,
    )
    .await
    .ok(200);
    wish_post(
        &t,
        "station11",
        &format!("/api/v1/wishes/{second}/claim"),
        None,
    )
    .await
    .problem(409);
    let released = wish_post(
        &t,
        "volunteer",
        &format!("/api/v1/wishes/{second}/release"),
        None,
    )
    .await;
    assert_eq!(released.ok(200)["status"], "open");
    assert!(released.json["claimed_by"].is_null());
    let cancelled = wish_post(
        &t,
        "street1",
        &format!("/api/v1/wishes/{second}/cancel"),
        None,
    )
    .await;
    assert_eq!(cancelled.ok(200)["status"], "cancelled");
    // The history keeps who claimed and released it, though the wish no longer does; the
    // list does not carry histories.
    let moves = |v: &Value| -> Vec<(String, String)> {
        v["history"]
            .as_array()
            .expect("history")
            .iter()
            .map(|m| {
                (
                    m["status"].as_str().unwrap_or("").to_string(),
                    m["actor"]["name"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let station_token = t.token("station11").await;
    let one = t
        .get(&format!("/api/v1/wishes/{second}"), &station_token)
        .await;
    let volunteer_name = one.ok(200)["history"][1]["actor"]["name"].clone();
    assert_ne!(volunteer_name, json!("站点一"));
    let volunteer_name = volunteer_name.as_str().unwrap_or("").to_string();
    assert_eq!(
        moves(&one.json),
        [
            ("open".to_string(), "站点一".to_string()),
            ("claimed".to_string(), volunteer_name.clone()),
            ("open".to_string(), volunteer_name),
            (
                "cancelled".to_string(),
                one.json["closed_by"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            ),
        ]
    );
    let first = t.get(&format!("/api/v1/wishes/{id}"), &station_token).await;
    let statuses: Vec<String> = moves(first.ok(200)).into_iter().map(|(s, _)| s).collect();
    assert_eq!(statuses, ["open", "claimed", "fulfilled", "confirmed"]);
    assert_eq!(first.json["history"][2]["note"], "已送到家中");
    let listed = t.get("/api/v1/wishes", &station_token).await;
    assert!(listed.ok(200)["items"][0].get("history").is_none());
    let bad_status = t.get("/api/v1/wishes?status=done", &token).await;
    bad_status.field_error("status");
    t.finish().await;
}

async fn service_registrations_hours_and_summary(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let station = t.token("station11").await;
    let post = |name: &str| json!({"org_unit_id": fx.c11, "name": name});
    let stairs = id_of(
        t.post("/api/v1/service/posts", &station, post("楼道长"))
            .await
            .ok(201),
    );
    let elders = id_of(
        t.post("/api/v1/service/posts", &station, post("助老服务"))
            .await
            .ok(201),
    );
    t.post("/api/v1/service/posts", &station, post("楼道长"))
        .await
        .problem(409);
    t.post("/api/v1/service/posts", &station, post(" "))
        .await
        .field_error("name");
    let volunteer = t.token("volunteer").await;
    t.post("/api/v1/service/posts", &volunteer, post("x"))
        .await
        .problem(403);
    // An in-service member, and a registered one who may not register to serve.
    let person = |name: &str, category: &str| json!({"name": name, "org_unit_id": fx.c11, "tags": [], "party": {"category": category}});
    let zhou = id_of(
        t.post("/api/v1/people", &station, person("周建国", "in_service"))
            .await
            .ok(201),
    );
    let chen = id_of(
        t.post("/api/v1/people", &station, person("陈老", "registered"))
            .await
            .ok(201),
    );
    let reg = |p: i64, posts: Vec<i64>| json!({"person_id": p, "org_unit_id": fx.c11, "registered_on": "2026-10-01", "post_ids": posts});
    t.post(
        "/api/v1/service/registrations",
        &station,
        reg(chen, vec![stairs]),
    )
    .await
    .field_error("person_id");
    let r = t
        .post(
            "/api/v1/service/registrations",
            &station,
            reg(zhou, vec![stairs, elders]),
        )
        .await;
    let r = id_of(r.ok(201));
    t.post(
        "/api/v1/service/registrations",
        &station,
        reg(zhou, vec![stairs]),
    )
    .await
    .problem(409);
    // Hours: positive, at most 24, named when wrong.
    let hours = |h: Value, post: i64, day: &str| json!({"registration_id": r, "post_id": post, "served_on": day, "hours": h});
    for bad in [json!(0), json!(-2), json!(24.5), json!(1.25)] {
        t.post(
            "/api/v1/service/hours",
            &station,
            hours(bad, stairs, "2026-11-20"),
        )
        .await
        .field_error("hours");
    }
    t.post(
        "/api/v1/service/hours",
        &station,
        hours(json!(2), stairs, "2026-11-25"),
    )
    .await
    .field_error("served_on");
    for (h, p, day) in [
        (json!(2), stairs, "2026-11-05"),
        (json!(1.5), elders, "2026-11-20"),
        (json!(3), elders, "2026-10-30"),
    ] {
        t.post("/api/v1/service/hours", &station, hours(h, p, day))
            .await
            .ok(201);
    }
    // November (the default period, up to today the 24th): 2 + 1.5 = 3.5 hours.
    let street = t.token("street1").await;
    let s = t
        .get(
            &format!("/api/v1/service/summary?org_unit={}", fx.s1),
            &street,
        )
        .await;
    let s = s.ok(200).clone();
    assert_eq!(s["from"], "2026-11-01");
    assert_eq!(s["total_hours"], 3.5);
    assert_eq!(s["members"][0]["person"]["name"], "周建国");
    assert_eq!(s["members"][0]["entries"], 2);
    assert_eq!(s["posts"][0]["post"]["name"], "楼道长");
    assert_eq!(s["posts"][0]["hours"], 2.0);
    let all = t
        .get(
            "/api/v1/service/summary?from=2026-10-01&to=2026-11-24",
            &station,
        )
        .await;
    assert_eq!(all.ok(200)["total_hours"], 6.5);
    t.get(
        "/api/v1/service/summary?from=2026-11-10&to=2026-11-01",
        &station,
    )
    .await
    .field_error("to");
    let regs = t.get("/api/v1/service/registrations", &station).await;
    let regs = regs.ok(200).clone();
    assert_eq!(regs[0]["total_hours"], 6.5);
    assert_eq!(regs[0]["posts"].as_array().map(Vec::len), Some(2));
    // Another street sees none of it.
    let other = t.token("station21").await;
    t.get(
        &format!("/api/v1/service/summary?org_unit={}", fx.c11),
        &other,
    )
    .await
    .problem(404);
    t.get(
        &format!("/api/v1/service/registrations?org_unit={}", fx.c11),
        &other,
    )
    .await
    .problem(404);
    t.finish().await;
}

#[track_caller]
fn see_other(res: &Resp) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
}

async fn wish_and_service_pages(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let person = fx.person.to_string();
    let mut station = Browser::sign_in(&t, "station11").await;
    let care = station.get("/care").await;
    assert!(care.text().contains("href=\"/wishes\"") && care.text().contains("href=\"/service\""));
    let page = station.get("/wishes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("data-testid=\"wish-form\""));
    // Without the form token: refused, nothing written.
    let no_csrf = station
        .post_form("/wishes", &[("person_id", &person), ("wish", "x")], false)
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let token = t.token("admin").await;
    let count = |v: &Value| v["total"].as_i64().unwrap_or(-1);
    assert_eq!(count(t.get("/api/v1/wishes", &token).await.ok(200)), 0);
    // Recorded with markup in it: shown escaped.
    let evil = "<script>alert(1)</script>收音机";
    see_other(
        &station
            .post(
                "/wishes",
                &[
                    ("person_id", &person),
                    ("wish", evil),
                    ("estimate", "150"),
                    ("deadline", "2026-12-20"),
                ],
            )
            .await,
    );
    let page = station.get("/wishes").await.text();
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62;收音机"));
    assert!(page.contains("¥150.00"));
    let list = t.get("/api/v1/wishes", &token).await;
    let id = id_of(&list.ok(200)["items"][0]).to_string();
    // A bad estimate: the page again with the message, 422.
    let bad = station
        .post(
            "/wishes",
            &[("person_id", &person), ("wish", "x"), ("estimate", "abc")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text().contains("id=\"err-wish-estimate\""),
        "{}",
        bad.text()
    );
    // The volunteer sees the name masked, claims and fulfils; the station confirms.
    let mut volunteer = Browser::sign_in(&t, "volunteer").await;
    let page = volunteer.get("/wishes").await.text();
    assert!(page.contains("李**") && !page.contains("李老伯"), "masked");
    assert!(!page.contains("data-testid=\"wish-form\""));
    let act = format!("/wishes/{id}/act");
    see_other(&volunteer.post(&act, &[("command", "claim")]).await);
    // The station's claim now comes too late: 409 on the page.
    let late = station.post(&act, &[("command", "claim")]).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    see_other(
        &volunteer
            .post(&act, &[("command", "fulfil"), ("note", "<b>已送到</b>")])
            .await,
    );
    let page = station.get("/wishes").await.text();
    assert!(page.contains("&#60;b&#62;已送到&#60;/b&#62;"));
    let history = page
        .split(&format!("data-testid=\"wish-history-{id}\""))
        .nth(1)
        .and_then(|rest| rest.split("</details>").next())
        .expect("the wish's history");
    assert!(
        history.contains("经过（3）") && history.contains("登记") && history.contains("已实现")
    );
    see_other(&station.post(&act, &[("command", "confirm")]).await);
    let w = t.get(&format!("/api/v1/wishes/{id}"), &token).await;
    assert_eq!(w.ok(200)["status"], "confirmed");
    // The service page: a post, a registration, hours, and the summary shows them.
    let station_token = t.token("station11").await;
    let zhou = t
        .post(
            "/api/v1/people",
            &station_token,
            json!({"name": "周<i>建国</i>", "org_unit_id": fx.c11, "tags": [], "party": {"category": "in_service"}}),
        )
        .await;
    let zhou = id_of(zhou.ok(201)).to_string();
    assert_eq!(station.get("/service").await.status, StatusCode::OK);
    let c11 = fx.c11.to_string();
    see_other(
        &station
            .post(
                "/service/posts",
                &[("org_unit_id", &c11), ("name", "楼道长")],
            )
            .await,
    );
    let posts = t.get("/api/v1/service/posts", &station_token).await;
    let post_id = id_of(&posts.ok(200)[0]).to_string();
    see_other(
        &station
            .post(
                "/service/registrations",
                &[
                    ("person_id", &zhou),
                    ("org_unit_id", &c11),
                    ("post_ids", &post_id),
                    ("registered_on", "2026-11-01"),
                ],
            )
            .await,
    );
    let regs = t.get("/api/v1/service/registrations", &station_token).await;
    let reg_id = id_of(&regs.ok(200)[0]).to_string();
    let too_long = station
        .post(
            "/service/hours",
            &[
                ("registration_id", &reg_id),
                ("post_id", &post_id),
                ("served_on", "2026-11-20"),
                ("hours", "25"),
            ],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.text().contains("24"));
    see_other(
        &station
            .post(
                "/service/hours",
                &[
                    ("registration_id", &reg_id),
                    ("post_id", &post_id),
                    ("served_on", "2026-11-20"),
                    ("hours", "2.5"),
                ],
            )
            .await,
    );
    let page = station
        .get("/service?from=2026-11-01&to=2026-11-24")
        .await
        .text();
    assert!(
        page.contains("data-testid=\"service-total\">2.5<"),
        "{page}"
    );
    assert!(page.contains("周&#60;i&#62;建国&#60;/i&#62;") && !page.contains("<i>建国"));
    // A volunteer does not keep these registers.
    assert_eq!(
        volunteer.get("/service").await.status,
        StatusCode::FORBIDDEN
    );
    // Both registers export to Excel for the station, not for the volunteer.
    let sheets = |bytes: &[u8]| -> Vec<(String, Vec<Vec<String>>)> {
        let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx file");
        book.sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).expect("a sheet");
                let rows = range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect();
                (name, rows)
            })
            .collect()
    };
    let wishes = sheets(&station.get("/wishes.xlsx").await.bytes);
    let rows = &wishes[0].1;
    assert_eq!(rows[3][4], "心愿");
    assert!(
        rows[4][4].contains("收音机") && rows[4][7] == "已确认",
        "{rows:?}"
    );
    assert_eq!(rows[4][5], "150");
    assert_eq!(
        volunteer.get("/wishes.xlsx").await.status,
        StatusCode::FORBIDDEN
    );
    let service = sheets(
        &station
            .get("/service.xlsx?from=2026-11-01&to=2026-11-24")
            .await
            .bytes,
    );
    let names: Vec<&str> = service.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["服务时长", "服务岗位", "报到名册"]);
    assert_eq!(service[0].1[4][0], "周<i>建国</i>");
    assert_eq!(service[0].1[4][2], "2.5");
    assert_eq!(service[1].1[1][0], "楼道长");
    t.finish().await;
}
