//! Scopes and privacy (SECURITY.md section 3), on SQLite and on PostgreSQL: accounts are
//! given only inside the creator's scope and rank; every endpoint that takes a node checks it
//! the one way; reads of unmasked personal data are recorded before they are answered, and
//! only auditors and the district read the record; people records keep who made them.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::browser::Browser;
use common::{Backend, TestApp, PERSON_PHONE};
use serde_json::{json, Value};
use suqiu_core::Id;
use suqiu_server::routes::NODE_SCOPED;

on_both_backends!(
    accounts_cannot_be_given_outside_scope_or_above_rank,
    node_parameters_are_checked_one_way,
    unmasked_reads_are_recorded_and_audited,
    the_audit_page_filters_pages_and_exports,
    the_read_audit_is_append_only,
    people_records_keep_who_made_them,
);

fn new_user(username: &str, role: &str, org_unit_id: Id) -> Value {
    json!({
        "username": username,
        "password": "another-horse-77",
        "display_name": "新账号",
        "role": role,
        "org_unit_id": org_unit_id,
    })
}

/// The usernames the district administrator sees (every account).
async fn all_usernames(t: &TestApp) -> Vec<String> {
    let admin = t.token("admin").await;
    t.get("/api/v1/users", &admin)
        .await
        .ok(200)
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|u| u["username"].as_str().map(str::to_string))
        .collect()
}

/// The reproduction of issue 12: a street's staff minted a liaison for another street's
/// department and read that street's appellants through it. Now 404 and nothing created;
/// roles above the creator's are 403; a liaison placed away from its department is 422.
async fn accounts_cannot_be_given_outside_scope_or_above_rank(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = &t.fx;
    let foreign = t
        .store
        .create_department("fgs-yf", "永丰街道房管所", fx.s2)
        .await
        .expect("department")
        .id;
    let street = t.token("street1").await;
    let mut attack = new_user("spy", "department_liaison", fx.s1);
    attack["department_id"] = json!(foreign);
    t.post("/api/v1/users", &street, attack.clone())
        .await
        .problem(404);
    // The same through the settings page's form.
    let mut page = Browser::sign_in(&t, "street1").await;
    let res = page
        .post(
            "/admin/users",
            &[
                ("username", "spy2"),
                ("password", "another-horse-77"),
                ("display_name", "新账号"),
                ("role", "department_liaison"),
                ("org_unit_id", &fx.s1.to_string()),
                ("department_id", &foreign.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 404, "{}", res.text());
    let names = all_usernames(&t).await;
    assert!(!names.iter().any(|n| n.starts_with("spy")), "{names:?}");
    // Roles above a street's: refused whatever the node.
    for role in ["auditor", "district_admin"] {
        t.post("/api/v1/users", &street, new_user("boss", role, fx.c11))
            .await
            .problem(403);
    }
    // A node of the other street: 404 as if unknown.
    t.post(
        "/api/v1/users",
        &street,
        new_user("away", "station_staff", fx.c21),
    )
    .await
    .problem(404);
    // The district may give a liaison of 永丰, but only at its department's node or below.
    let admin = t.token("admin").await;
    let mut misplaced = new_user("misplaced", "department_liaison", fx.s1);
    misplaced["department_id"] = json!(foreign);
    t.post("/api/v1/users", &admin, misplaced)
        .await
        .field_error("department_id");
    let mut placed = new_user("yfliaison", "department_liaison", fx.s2);
    placed["department_id"] = json!(foreign);
    t.post("/api/v1/users", &admin, placed).await.ok(201);
    // Within its own scope and rank a street still creates accounts.
    let mut own = new_user("fgs2", "department_liaison", fx.c11);
    own["department_id"] = json!(fx.dept);
    t.post("/api/v1/users", &street, own).await.ok(201);
    t.post(
        "/api/v1/users",
        &street,
        new_user("peer", "street_staff", fx.s1),
    )
    .await
    .ok(201);
    // Nothing was created by the refusals, so the attacker's name is still free.
    attack["username"] = json!("spy");
    attack["department_id"] = json!(fx.dept);
    t.post("/api/v1/users", &street, attack).await.ok(201);
    t.finish().await;
}

/// Every endpoint of `routes::NODE_SCOPED` as a street user and as a station user: another
/// street's node is 404, the user's own node 200.
async fn node_parameters_are_checked_one_way(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = &t.fx;
    for (user, own, other) in [("street1", fx.s1, fx.s2), ("station11", fx.c11, fx.c21)] {
        let token = t.token(user).await;
        for path in NODE_SCOPED {
            let at = |node: Id| path.replace("{node}", &node.to_string());
            let res = t.get(&at(other), &token).await;
            assert_eq!(
                res.status.as_u16(),
                404,
                "{user} {}: {}",
                at(other),
                res.text()
            );
            let res = t.get(&at(own), &token).await;
            assert_eq!(
                res.status.as_u16(),
                200,
                "{user} {}: {}",
                at(own),
                res.text()
            );
        }
    }
    // The reproductions of issue 12 by name.
    let station = t.token("station11").await;
    let teams = format!("/api/v1/teams?org_unit={}", fx.c21);
    t.get(&teams, &station).await.problem(404);
    let visits = format!("/care/visits.xlsx?org_unit={}", fx.c21);
    assert_eq!(t.get(&visits, &station).await.status.as_u16(), 404);
    t.finish().await;
}

/// The reads recorded for `person` (as the auditor sees them).
async fn reads_of(t: &TestApp, query: &str) -> Value {
    let auditor = t.token("auditor").await;
    t.get(&format!("/api/v1/audit/reads?{query}"), &auditor)
        .await
        .ok(200)
        .clone()
}

fn vias(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["via"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A liaison (or station) reading a full record leaves a row naming it, the route and the
/// time; masked reads leave none; only auditors and the district read the record.
async fn unmasked_reads_are_recorded_and_audited(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = &t.fx;
    let person = fx.person;
    let q = format!("person_id={person}");
    assert_eq!(reads_of(&t, &q).await["total"], 0);
    let station = t.token("station11").await;
    let got = t.get(&format!("/api/v1/people/{person}"), &station).await;
    assert_eq!(got.ok(200)["phone"], PERSON_PHONE);
    let list = reads_of(&t, &q).await;
    assert_eq!(list["total"], 1, "{list}");
    let item = &list["items"][0];
    assert_eq!(item["user"]["id"], json!(fx.user("station11")));
    assert_eq!(item["user"]["name"], "站点一");
    assert_eq!(item["subject"], "person");
    assert_eq!(item["subject_id"], json!(person));
    assert_eq!(item["via"], "GET /api/v1/people/{id}");
    assert!(item["at"].as_str().is_some_and(|a| a.starts_with("2026-")));
    for key in ["items", "total", "total_exact", "page", "per_page"] {
        assert!(list.get(key).is_some(), "{key}");
    }
    // Masked readers leave no trace: the district and the auditor see the number masked.
    for user in ["admin", "auditor"] {
        let token = t.token(user).await;
        let got = t.get(&format!("/api/v1/people/{person}"), &token).await;
        assert_ne!(got.ok(200)["phone"], PERSON_PHONE);
    }
    assert_eq!(reads_of(&t, &q).await["total"], 1);
    // Lists, pages and exports record each person shown.
    t.get("/api/v1/people", &station).await.ok(200);
    t.get(&format!("/people/{person}"), &station).await;
    let export = t.get("/people.xlsx", &station).await;
    assert_eq!(export.status.as_u16(), 200);
    let mut seen = vias(&reads_of(&t, &q).await);
    seen.sort();
    assert_eq!(
        seen,
        [
            "GET /api/v1/people",
            "GET /api/v1/people/{id}",
            "export /people.xlsx",
            "page /people/{id}",
        ]
    );
    // An appeal referred to the liaison's department: its reads are recorded as the appeal's.
    let mut body = TestApp::appeal_body(fx.c11);
    body["appellant"] = json!({"name": "张阿姨", "phone": "13900001111"});
    let appeal = t.create_appeal("station11", body).await;
    let id = appeal["id"].as_i64().expect("id");
    t.act_ok("station11", id, json!({"action": "accept"})).await;
    t.act_ok(
        "station11",
        id,
        json!({"action": "refer", "department_id": fx.dept, "note": "房屋漏水"}),
    )
    .await;
    let liaison = t.token("liaison").await;
    let got = t.get(&format!("/api/v1/appeals/{id}"), &liaison).await;
    assert_eq!(got.ok(200)["appellant"]["phone"], "13900001111");
    let list = reads_of(
        &t,
        &format!("appeal_id={id}&user_id={}", fx.user("liaison")),
    )
    .await;
    assert_eq!(vias(&list), ["GET /api/v1/appeals/{id}"], "{list}");
    assert_eq!(list["items"][0]["subject"], "appeal");
    // The district reads the record too; everyone else is refused.
    let admin = t.token("admin").await;
    t.get("/api/v1/audit/reads", &admin).await.ok(200);
    for user in ["street1", "station11", "liaison", "volunteer"] {
        let token = t.token(user).await;
        t.get("/api/v1/audit/reads", &token).await.problem(403);
        assert_eq!(
            t.get("/audit/reads", &token).await.status.as_u16(),
            403,
            "{user}"
        );
    }
    t.finish().await;
}

/// The page: filters by reader, person and period, pages, links from the nav for auditors,
/// and exports the same rows with real Excel date-times and Chinese headers.
async fn the_audit_page_filters_pages_and_exports(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = &t.fx;
    let station = t.token("station11").await;
    for _ in 0..3 {
        t.get(&format!("/api/v1/people/{}", fx.person), &station)
            .await
            .ok(200);
    }
    let auditor = t.token("auditor").await;
    let home = t.get("/", &auditor).await.text();
    assert!(home.contains("href=\"/audit/reads\""), "nav link");
    let home = t.get("/", &station).await.text();
    assert!(!home.contains("href=\"/audit/reads\""), "no link for staff");
    let page = t
        .get(
            &format!("/audit/reads?person_id={}&per_page=2", fx.person),
            &auditor,
        )
        .await;
    assert_eq!(page.status.as_u16(), 200);
    let html = page.text();
    assert!(html.contains("查阅记录") && html.contains("站点一"));
    assert!(html.contains("GET /api/v1/people/{id}"));
    assert!(html.contains(&format!("href=\"/people/{}\"", fx.person)));
    // A period with no reads, and a bad date named in Chinese.
    let none = t
        .get("/audit/reads?from=2020-01-01&to=2020-01-31", &auditor)
        .await;
    assert!(none.text().contains("没有符合条件的查阅记录"));
    let api = t.get("/api/v1/audit/reads?from=2026-13-01", &auditor).await;
    api.field_error("from");
    let paged = t
        .get(
            &format!(
                "/api/v1/audit/reads?user_id={}&per_page=2&page=2",
                fx.user("station11")
            ),
            &auditor,
        )
        .await;
    assert_eq!(paged.ok(200)["total"], 3);
    assert_eq!(paged.json["items"].as_array().map(Vec::len), Some(1));
    let today = common::t0().format("%Y-%m-%d").to_string();
    let xlsx = t
        .get(
            &format!("/audit/reads.xlsx?from={today}&to={today}"),
            &auditor,
        )
        .await;
    assert_eq!(xlsx.status.as_u16(), 200, "{}", xlsx.text());
    let mut book = Xlsx::new(Cursor::new(xlsx.bytes.clone())).expect("an xlsx file");
    let range = book.worksheet_range("查阅记录").expect("the sheet");
    let rows: Vec<_> = range.rows().collect();
    assert_eq!(rows[0][0].to_string(), "查阅时间");
    assert_eq!(rows[0][5].to_string(), "途径");
    assert_eq!(rows.len(), 4, "header and three reads");
    assert!(
        matches!(rows[1][0], Data::DateTime(_)),
        "a real Excel date-time: {:?}",
        rows[1][0]
    );
    assert_eq!(rows[1][1].to_string(), "站点一");
    assert_eq!(rows[1][3].to_string(), "人员");
    // The auditor reaches a person's reads from the person's page (nobody types a number).
    let reads_link = format!("href=\"/audit/reads?person_id={}\"", fx.person);
    let person = t
        .get(&format!("/people/{}", fx.person), &auditor)
        .await
        .text();
    assert!(person.contains(&reads_link), "link from the person");
    let person = t
        .get(&format!("/people/{}", fx.person), &station)
        .await
        .text();
    assert!(!person.contains(&reads_link), "no link for staff");
    t.finish().await;
}

/// No code path changes or removes a recorded read, and the database refuses it too.
async fn the_read_audit_is_append_only(b: Backend) {
    let t = TestApp::new(b).await;
    let station = t.token("station11").await;
    t.get(&format!("/api/v1/people/{}", t.fx.person), &station)
        .await
        .ok(200);
    let url = t.url.clone();
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("connect");
    for sql in [
        "UPDATE read_audit SET via = 'nothing'",
        "DELETE FROM read_audit",
    ] {
        let res = sqlx::query(sql).execute(&mut conn).await;
        assert!(res.is_err(), "{sql} must be refused");
    }
    assert_eq!(
        reads_of(&t, &format!("person_id={}", t.fx.person)).await["total"],
        1
    );
    t.finish().await;
}

/// Who registered and last changed a person: in the API and on the page; 未记录 for records
/// from before it was kept.
async fn people_records_keep_who_made_them(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = &t.fx;
    let station = t.token("station11").await;
    let old = t
        .get(&format!("/api/v1/people/{}", fx.person), &station)
        .await;
    let record = &old.ok(200)["record"];
    assert_eq!(record["created_by"], Value::Null, "{record}");
    assert!(record["created_at"].is_string());
    let html = t
        .get(&format!("/people/{}", fx.person), &station)
        .await
        .text();
    assert!(html.contains("未记录"));
    let made = t
        .post(
            "/api/v1/people",
            &station,
            json!({"name": "赵阿婆", "org_unit_id": fx.c11, "phone": "13700002222"}),
        )
        .await;
    let made = made.ok(201).clone();
    let id = made["id"].as_i64().expect("id");
    assert_eq!(made["record"]["created_by"]["name"], "站点一");
    let street = t.token("street1").await;
    let changed = t
        .call(
            axum::http::Method::PATCH,
            &format!("/api/v1/people/{id}"),
            Some(&street),
            Some(json!({"address": "5号楼101室"})),
        )
        .await;
    let rec = &changed.ok(200)["record"];
    assert_eq!(rec["created_by"]["id"], json!(fx.user("station11")));
    assert_eq!(rec["updated_by"]["id"], json!(fx.user("street1")));
    assert_eq!(rec["updated_by"]["name"], "街道干部");
    let html = t.get(&format!("/people/{id}"), &station).await.text();
    assert!(html.contains("登记人") && html.contains("站点一"));
    assert!(html.contains("最后修改") && html.contains("街道干部"));
    t.finish().await;
}
