//! The aid fund and the love supermarket over HTTP, on SQLite and on PostgreSQL: approval
//! by amount and level (station ≤ ¥1,000, street ≤ ¥10,000, district above), 201/202/409,
//! reversals, 20 grants at once, the public totals without names, the statement, Excel.

mod common;

use std::io::Cursor;

use axum::http::Method;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    grants_need_the_approval_their_amount_requires,
    bad_input_writes_nothing,
    twenty_parallel_grants_never_overdraw,
    supermarket_stock_and_statement,
    approval_thresholds_are_a_district_setting,
    the_person_timeline_shows_aid_and_goods,
);

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

async fn balance(t: &TestApp, org_unit: i64) -> i64 {
    let token = t.token("admin").await;
    let res = t
        .get(&format!("/api/v1/fund?org_unit={org_unit}"), &token)
        .await;
    res.ok(200)["balance_cents"].as_i64().expect("balance")
}

async fn fund_post(t: &TestApp, user: &str, body: Value) -> common::Resp {
    let token = t.token(user).await;
    t.post("/api/v1/fund/entries", &token, body).await
}

fn sheet_names(bytes: &[u8]) -> Vec<String> {
    let wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx");
    wb.sheet_names().to_vec()
}

async fn grants_need_the_approval_their_amount_requires(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let c11 = fx.c11;
    let donation = fund_post(
        &t,
        "station11",
        json!({"org_unit_id": c11, "kind": "donation", "amount_cents": 3_000_000, "note": "爱心企业捐赠"}),
    )
    .await;
    assert_eq!(donation.ok(201)["status"], "posted");
    let grant = |cents: i64| json!({"org_unit_id": c11, "kind": "grant", "amount_cents": cents, "person_id": fx.person, "note": "临时困难补助"});
    // ¥1,000: the station's own.
    let small = fund_post(&t, "station11", grant(100_000)).await;
    let small = small.ok(201).clone();
    assert_eq!(
        (small["status"].as_str(), small["approval_level"].as_str()),
        (Some("posted"), Some("community"))
    );
    assert_eq!(small["person"]["name"], "李老伯");
    assert_eq!(small["created_by"]["name"], "站点一");
    // ¥5,000: waits for the street.
    let mid = fund_post(&t, "station11", grant(500_000)).await;
    let mid = mid.ok(202).clone();
    assert_eq!(
        (mid["status"].as_str(), mid["approval_level"].as_str()),
        (Some("pending"), Some("street"))
    );
    assert_eq!(
        balance(&t, c11).await,
        2_900_000,
        "a waiting grant moves no money"
    );
    let approve = |id: i64| format!("/api/v1/fund/entries/{id}/approve");
    let station = t.token("station11").await;
    t.call(Method::POST, &approve(id_of(&mid)), Some(&station), None)
        .await
        .problem(403);
    let other = t.token("station12").await;
    t.call(Method::POST, &approve(id_of(&mid)), Some(&other), None)
        .await
        .problem(403);
    let street = t.token("street1").await;
    let waiting = t.get("/api/v1/fund/pending", &street).await;
    let waiting = waiting.ok(200).as_array().expect("a list").clone();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["may_approve"], true);
    let approved = t
        .call(Method::POST, &approve(id_of(&mid)), Some(&street), None)
        .await;
    let approved = approved.ok(200).clone();
    assert_eq!(approved["status"], "posted");
    assert_eq!(approved["decided_by"]["name"], "街道干部");
    assert_eq!(balance(&t, c11).await, 2_400_000);
    t.call(Method::POST, &approve(id_of(&mid)), Some(&street), None)
        .await
        .problem(409);
    // ¥20,000: the district, not the street.
    let big = fund_post(&t, "station11", grant(2_000_000)).await;
    let big = big.ok(202).clone();
    assert_eq!(big["approval_level"], "district");
    t.call(Method::POST, &approve(id_of(&big)), Some(&street), None)
        .await
        .problem(403);
    let admin = t.token("admin").await;
    t.call(Method::POST, &approve(id_of(&big)), Some(&admin), None)
        .await
        .ok(200);
    assert_eq!(balance(&t, c11).await, 400_000);
    // Approval checks the balance then: 409, and it keeps waiting until rejected.
    let too_big = fund_post(&t, "station11", grant(800_000)).await;
    let too_big = id_of(too_big.ok(202));
    t.call(Method::POST, &approve(too_big), Some(&street), None)
        .await
        .problem(409);
    let reject = format!("/api/v1/fund/entries/{too_big}/reject");
    t.post(&reject, &street, json!({"reason": " "}))
        .await
        .field_error("reason");
    let rejected = t
        .post(
            &reject,
            &street,
            json!({"reason": "超出基金余额，转街道专项"}),
        )
        .await;
    assert_eq!(rejected.ok(200)["status"], "rejected");
    // A grant that would overdraw at once is 409 (the street's own fund is empty).
    let over = fund_post(
        &t,
        "street1",
        json!({"org_unit_id": fx.s1, "kind": "grant", "amount_cents": 50_000, "person_id": fx.person, "note": "慰问"}),
    )
    .await;
    let p = over.problem(409);
    assert_eq!(p["errors"][0]["field"], "amount_cents");
    // A reversal posts the opposite, once.
    let reversal = json!({"org_unit_id": c11, "kind": "reversal", "reverses": id_of(&small), "note": "重复发放，冲正"});
    let r = fund_post(&t, "station11", reversal.clone()).await;
    assert_eq!(r.ok(201)["delta_cents"], 100_000);
    assert_eq!(balance(&t, c11).await, 500_000);
    fund_post(&t, "station11", reversal)
        .await
        .field_error("reverses");
    // The ledger, newest first, for those who may read it.
    let ledger = t
        .get(&format!("/api/v1/fund?org_unit={c11}"), &station)
        .await;
    let ledger = ledger.ok(200).clone();
    assert_eq!(ledger["balance_cents"], 500_000);
    assert_eq!(ledger["total"], 6);
    assert_eq!(ledger["entries"][0]["kind"], "reversal");
    for user in ["volunteer", "liaison"] {
        let token = t.token(user).await;
        t.get(&format!("/api/v1/fund?org_unit={c11}"), &token)
            .await
            .problem(403);
    }
    let far = t.token("station21").await;
    t.get(&format!("/api/v1/fund?org_unit={c11}"), &far)
        .await
        .problem(404);
    // The public totals: by month, no names, no sign-in.
    let public = t
        .call(
            Method::GET,
            &format!("/api/v1/fund/public?org_unit={c11}"),
            None,
            None,
        )
        .await;
    let body = public.ok(200).clone();
    assert_eq!(body["balance_cents"], 500_000);
    let month = &body["months"][0];
    assert_eq!(month["month"], "2026-11");
    assert_eq!(month["donations_cents"], 3_000_000);
    assert_eq!(month["grants"], 2);
    assert_eq!(month["grants_cents"], 2_500_000);
    let text = public.text();
    for private in ["李老伯", "临时困难补助", "站点一", "person"] {
        assert!(
            !text.contains(private),
            "public totals show {private}: {text}"
        );
    }
    // The ledger as a workbook.
    let xlsx = t
        .get(
            &format!("/api/v1/fund?org_unit={c11}&format=xlsx"),
            &station,
        )
        .await;
    assert_eq!(xlsx.status.as_u16(), 200);
    assert!(xlsx.content_type().contains("spreadsheetml"));
    assert_eq!(sheet_names(&xlsx.bytes), ["基金台账"]);
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.bytes.clone())).expect("xlsx");
    let range = wb.worksheet_range("基金台账").expect("the sheet");
    assert_eq!(range.get_value((3, 2)), Some(&Data::String("类型".into())));
    assert_eq!(
        range.get_value((4, 2)),
        Some(&Data::String("捐赠收入".into())),
        "oldest first"
    );
    t.finish().await;
}

async fn bad_input_writes_nothing(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let c11 = fx.c11;
    fund_post(
        &t,
        "station11",
        json!({"org_unit_id": c11, "kind": "donation", "amount_cents": 10_000, "note": ""}),
    )
    .await
    .ok(201);
    for (body, field) in [
        (
            json!({"org_unit_id": c11, "kind": "donation", "amount_cents": 0, "note": ""}),
            "amount_cents",
        ),
        (
            json!({"org_unit_id": c11, "kind": "gift", "amount_cents": 5, "note": ""}),
            "kind",
        ),
        (
            json!({"org_unit_id": c11, "kind": "grant", "amount_cents": 5, "note": "补助"}),
            "person_id",
        ),
        (
            json!({"org_unit_id": c11, "kind": "grant", "amount_cents": 5, "person_id": fx.person}),
            "note",
        ),
        (
            json!({"org_unit_id": fx.g111, "kind": "donation", "amount_cents": 5, "note": ""}),
            "org_unit_id",
        ),
        (
            json!({"org_unit_id": c11, "kind": "donation", "amount_cents": "5", "note": ""}),
            "amount_cents",
        ),
        (
            json!({"org_unit_id": c11, "kind": "reversal", "note": "x"}),
            "reverses",
        ),
        (
            json!({"org_unit_id": c11, "kind": "transfer", "amount_cents": 5, "note": ""}),
            "to_org_unit_id",
        ),
        (
            json!({"org_unit_id": c11, "kind": "donation", "amount_cents": 5, "colour": 1}),
            "colour",
        ),
    ] {
        fund_post(&t, "station11", body).await.field_error(field);
    }
    // Another station's ledger is not in scope.
    fund_post(
        &t,
        "station21",
        json!({"org_unit_id": c11, "kind": "donation", "amount_cents": 5, "note": ""}),
    )
    .await
    .field_error("org_unit_id");
    // Roles that do not keep the fund.
    for user in ["volunteer", "auditor", "liaison"] {
        fund_post(
            &t,
            user,
            json!({"org_unit_id": c11, "kind": "donation", "amount_cents": 5, "note": ""}),
        )
        .await
        .problem(403);
    }
    let token = t.token("station11").await;
    t.call_raw(
        Method::POST,
        "/api/v1/fund/entries",
        Some(&token),
        b"{\"org_unit_id\":".to_vec(),
    )
    .await
    .problem(400);
    let ledger = t.get(&format!("/api/v1/fund?org_unit={c11}"), &token).await;
    assert_eq!(ledger.ok(200)["total"], 1);
    assert_eq!(balance(&t, c11).await, 10_000);
    t.finish().await;
}

async fn twenty_parallel_grants_never_overdraw(b: Backend) {
    let t = std::sync::Arc::new(TestApp::new(b).await);
    let fx = t.fx.clone();
    fund_post(
        &t,
        "station11",
        json!({"org_unit_id": fx.c11, "kind": "donation", "amount_cents": 100_000, "note": ""}),
    )
    .await
    .ok(201);
    let token = t.token("station11").await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (t, token) = (t.clone(), token.clone());
        let body = json!({"org_unit_id": fx.c11, "kind": "grant", "amount_cents": 10_000, "person_id": fx.person, "note": "慰问金"});
        tasks.push(tokio::spawn(async move {
            t.post("/api/v1/fund/entries", &token, body)
                .await
                .status
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.expect("a task"));
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(balance(&t, fx.c11).await, 0);
    assert_eq!(
        t.store.verify_care_registers().await.expect("verify"),
        Vec::<String>::new()
    );
    match std::sync::Arc::try_unwrap(t) {
        Ok(t) => t.finish().await,
        Err(_) => panic!("the app is still shared"),
    }
}

async fn supermarket_stock_and_statement(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let token = t.token("station11").await;
    let item = t
        .post(
            "/api/v1/supermarket/items",
            &token,
            json!({"org_unit_id": fx.c11, "name": "大米", "unit": "袋"}),
        )
        .await;
    let item = id_of(item.ok(201));
    t.post(
        "/api/v1/supermarket/items",
        &token,
        json!({"org_unit_id": fx.c11, "name": "大米", "unit": "袋"}),
    )
    .await
    .problem(409);
    t.post(
        "/api/v1/supermarket/items",
        &token,
        json!({"org_unit_id": fx.c11, "name": "", "unit": ""}),
    )
    .await
    .field_error("unit");
    let moved = t
        .post(
            "/api/v1/supermarket/movements",
            &token,
            json!({"item_id": item, "quantity": 10, "note": "超市捐赠"}),
        )
        .await;
    assert_eq!(moved.ok(201)["stock_after"], 10);
    t.post(
        "/api/v1/supermarket/movements",
        &token,
        json!({"item_id": item, "quantity": -3, "note": ""}),
    )
    .await
    .field_error("person_id");
    let out = t
        .post(
            "/api/v1/supermarket/movements",
            &token,
            json!({"item_id": item, "quantity": -3, "person_id": fx.person, "note": "节日慰问"}),
        )
        .await;
    let out = out.ok(201).clone();
    assert_eq!(
        (out["stock_after"].as_i64(), out["person"]["name"].as_str()),
        (Some(7), Some("李老伯"))
    );
    let short = t
        .post(
            "/api/v1/supermarket/movements",
            &token,
            json!({"item_id": item, "quantity": -8, "person_id": fx.person, "note": ""}),
        )
        .await;
    assert_eq!(short.problem(409)["errors"][0]["field"], "quantity");
    let items = t
        .get(
            &format!("/api/v1/supermarket/items?org_unit={}", fx.s1),
            &token,
        )
        .await;
    items.problem(404);
    let street = t.token("street1").await;
    let items = t
        .get(
            &format!("/api/v1/supermarket/items?org_unit={}", fx.s1),
            &street,
        )
        .await;
    assert_eq!(items.ok(200)["items"][0]["stock"], 7);
    let st = t
        .get(
            &format!(
                "/api/v1/supermarket/statement?org_unit={}&month=2026-11",
                fx.c11
            ),
            &street,
        )
        .await;
    let st = st.ok(200).clone();
    let line = &st["items"][0];
    assert_eq!(
        [
            &line["opening"],
            &line["stock_in"],
            &line["handed_out"],
            &line["closing"]
        ],
        [&json!(0), &json!(10), &json!(3), &json!(7)]
    );
    assert_eq!(st["movements"].as_array().map(Vec::len), Some(2));
    let xlsx = t
        .get(
            &format!(
                "/api/v1/supermarket/statement?org_unit={}&month=2026-11&format=xlsx",
                fx.c11
            ),
            &street,
        )
        .await;
    assert_eq!(xlsx.status.as_u16(), 200);
    assert_eq!(sheet_names(&xlsx.bytes), ["库存汇总", "出入库明细"]);
    t.get(
        &format!(
            "/api/v1/supermarket/statement?org_unit={}&month=2026-13",
            fx.c11
        ),
        &street,
    )
    .await
    .field_error("month");
    let volunteer = t.token("volunteer").await;
    t.get("/api/v1/supermarket/items", &volunteer)
        .await
        .problem(403);
    t.finish().await;
}

async fn approval_thresholds_are_a_district_setting(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let street = t.token("street1").await;
    let current = t.get("/api/v1/settings/fund-approval", &street).await;
    assert_eq!(
        current.ok(200).clone(),
        json!({"station_max_cents": 100_000, "street_max_cents": 1_000_000})
    );
    let lower = json!({"station_max_cents": 50_000, "street_max_cents": 500_000});
    t.call(
        Method::PUT,
        "/api/v1/settings/fund-approval",
        Some(&street),
        Some(lower.clone()),
    )
    .await
    .problem(403);
    let admin = t.token("admin").await;
    let inverted = json!({"station_max_cents": 600_000, "street_max_cents": 500_000});
    t.call(
        Method::PUT,
        "/api/v1/settings/fund-approval",
        Some(&admin),
        Some(inverted),
    )
    .await
    .field_error("street_max_cents");
    t.call(
        Method::PUT,
        "/api/v1/settings/fund-approval",
        Some(&admin),
        Some(lower),
    )
    .await
    .ok(200);
    fund_post(
        &t,
        "station11",
        json!({"org_unit_id": fx.c11, "kind": "donation", "amount_cents": 1_000_000, "note": ""}),
    )
    .await
    .ok(201);
    // ¥800 was the station's; with a ¥500 limit it now waits for the street.
    let grant = fund_post(
        &t,
        "station11",
        json!({"org_unit_id": fx.c11, "kind": "grant", "amount_cents": 80_000, "person_id": fx.person, "note": "助学"}),
    )
    .await;
    assert_eq!(grant.ok(202)["approval_level"], "street");
    t.finish().await;
}

async fn the_person_timeline_shows_aid_and_goods(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let token = t.token("station11").await;
    let donation = json!({"org_unit_id": fx.c11, "kind": "donation", "amount_cents": 100_000, "note": "居民捐款"});
    fund_post(&t, "station11", donation).await.ok(201);
    let grant = json!({"org_unit_id": fx.c11, "kind": "grant", "amount_cents": 50_000, "person_id": fx.person, "note": "临时困难补助"});
    let grant = id_of(fund_post(&t, "station11", grant).await.ok(201));
    let item = t
        .post(
            "/api/v1/supermarket/items",
            &token,
            json!({"org_unit_id": fx.c11, "name": "食用油", "unit": "桶"}),
        )
        .await;
    let item = id_of(item.ok(201));
    for (quantity, person) in [(5, None), (-2, Some(fx.person))] {
        t.post(
            "/api/v1/supermarket/movements",
            &token,
            json!({"item_id": item, "quantity": quantity, "person_id": person, "note": "慰问"}),
        )
        .await
        .ok(201);
    }
    let timeline = t
        .get(
            &format!("/api/v1/people/{}/care-timeline", fx.person),
            &token,
        )
        .await;
    let timeline = timeline.ok(200).clone();
    let entry = |kind: &str| {
        timeline
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} in {timeline}"))
    };
    assert_eq!(entry("aid")["ref_id"], grant);
    assert_eq!(entry("aid")["summary"], "¥500.00 临时困难补助");
    assert_eq!(entry("goods")["summary"], "食用油 × 2桶");
    // The person's page shows them, the grant linking to its voucher.
    let page = t
        .get(&format!("/people/{}", fx.person), &token)
        .await
        .text();
    assert!(
        page.contains(&format!("/fund/entries/{grant}/voucher")),
        "{page}"
    );
    assert!(page.contains("食用油 × 2桶"));
    t.finish().await;
}
