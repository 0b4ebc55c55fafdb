//! The gazetteer (地名库): a community's place names kept by the district (API and
//! `/admin/org/{id}/places`), and the address a resident types finding its community — the
//! public lookup, the `/p/new` form without script, Open311's `address_string`; on SQLite and
//! PostgreSQL.

#[path = "open311/client.rs"]
mod client;
mod common;

use axum::http::{Method, StatusCode};
use chrono::TimeDelta;
use common::browser::{hidden_value, location, Browser};
use common::{Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    the_district_keeps_a_communitys_place_names,
    the_admin_page_takes_a_pasted_list,
    an_address_finds_its_community_over_the_public_api,
    the_form_finds_the_community_without_script,
    open311_places_a_request_by_its_address,
);

/// 谷水苑 is 佛字桥's (C11), 云间新苑 C12's, and 荣乐东路 runs through both.
async fn name_places(t: &TestApp) {
    let token = t.token("admin").await;
    for (id, names) in [
        (t.fx.c11, json!(["谷水苑", "荣乐东路"])),
        (t.fx.c12, json!(["云间新苑", "荣乐东路"])),
    ] {
        let path = format!("/api/v1/org/{id}/places");
        let res = t
            .call(
                Method::PUT,
                &path,
                Some(&token),
                Some(json!({"names": names})),
            )
            .await;
        res.ok(200);
    }
}

async fn the_district_keeps_a_communitys_place_names(b: Backend) {
    let t = TestApp::new(b).await;
    let token = t.token("admin").await;
    let path = format!("/api/v1/org/{}/places", t.fx.c11);
    let put = |body: Value| {
        let (t, path, token) = (&t, path.clone(), token.clone());
        async move { t.call(Method::PUT, &path, Some(&token), Some(body)).await }
    };
    let saved = put(json!({"names": [" 谷水苑 ", "荣乐东路", "谷水苑", ""]})).await;
    let saved = saved.ok(200).clone();
    assert_eq!(
        saved["names"],
        json!(["荣乐东路", "谷水苑"]),
        "trimmed, once, by name"
    );
    assert_eq!(saved["code"], "310117001001");
    assert_eq!(t.get(&path, &token).await.ok(200)["names"], saved["names"]);
    // Every faulty line at once, by its line; nothing changed.
    let res = put(json!({"names": ["谷水苑", "路", "九峰苑"]})).await;
    let p = res.problem(422);
    assert_eq!(p["errors"][0]["field"], "names");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("第 2 行"),
        "{p}"
    );
    assert_eq!(t.get(&path, &token).await.ok(200)["names"], saved["names"]);
    // A name taken out of the list is removed.
    let saved = put(json!({"names": ["谷水苑"]})).await;
    assert_eq!(saved.ok(200)["names"], json!(["谷水苑"]));
    // Only the district edits the organization; a street is no community.
    let station = t.token("station11").await;
    let body = json!({"names": ["x小区"]});
    t.call(Method::PUT, &path, Some(&station), Some(body.clone()))
        .await
        .problem(403);
    let street = format!("/api/v1/org/{}/places", t.fx.s1);
    t.get(&street, &token).await.problem(422);
    t.get("/api/v1/org/999999/places", &token)
        .await
        .problem(404);
    // Recorded on the change log.
    let mut web = Browser::sign_in(&t, "admin").await;
    let html = web.get("/admin").await.text();
    assert!(html.contains("更新佛字桥居民区的地名"), "{html}");
}

async fn the_admin_page_takes_a_pasted_list(b: Backend) {
    let t = TestApp::new(b).await;
    let mut web = Browser::sign_in(&t, "admin").await;
    let org = web.get("/admin/org").await.text();
    let link = format!("href=\"/admin/org/{}/places\"", t.fx.c11);
    assert!(org.contains(&link), "{org}");
    let path = format!("/admin/org/{}/places", t.fx.c11);
    assert_eq!(web.get(&path).await.status.as_u16(), 200);
    let res = web
        .post(&path, &[("names", "谷水苑\r\n荣乐东路\r\n\r\n路\r\n")])
        .await;
    assert_eq!(res.status.as_u16(), 422);
    let html = res.text();
    assert!(html.contains("第 4 行"), "{html}");
    assert!(
        html.contains("谷水苑\r\n荣乐东路") || html.contains("谷水苑\n荣乐东路"),
        "kept: {html}"
    );
    let res = web
        .post(&path, &[("names", "谷水苑\r\n荣乐东路\r\n佛字桥小区")])
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.text());
    assert_eq!(location(&res), path);
    let html = web.get(&path).await.text();
    assert!(html.contains("佛字桥小区\n荣乐东路\n谷水苑"), "{html}");
    // A station sees no settings page.
    let mut station = Browser::sign_in(&t, "station11").await;
    assert_eq!(station.get(&path).await.status.as_u16(), 403);
}

/// The ids of a lookup's answer, in order.
fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["org_unit_id"].as_i64().expect("id"))
        .collect()
}

async fn an_address_finds_its_community_over_the_public_api(b: Backend) {
    let t = TestApp::new(b).await;
    name_places(&t).await;
    let ask = |q: &str| {
        let path = format!("/api/v1/public/places/match?q={}", urlencode(q));
        let t = &t;
        async move { t.call(Method::GET, &path, None, None).await }
    };
    let one = ask("谷水苑３号楼 402室").await;
    let one = one.ok(200).clone();
    assert_eq!(ids(&one), [t.fx.c11]);
    assert_eq!(one[0]["matched"], "谷水苑");
    assert_eq!(one[0]["code"], "310117001001");
    assert!(!one[0]["street"].as_str().unwrap().is_empty(), "{one}");
    let both = ask("荣乐东路88弄").await;
    let mut found = ids(both.ok(200));
    found.sort_unstable();
    assert_eq!(found, [t.fx.c11, t.fx.c12]);
    // The estate beside the road settles it: one clear winner, alone.
    assert_eq!(ids(&ask("荣乐东路云间新苑").await.json), [t.fx.c12]);
    assert_eq!(ids(ask("我家楼下").await.ok(200)), Vec::<i64>::new());
    // Held to its limit per network address.
    for _ in 0..116 {
        ask("谷水苑").await.ok(200);
    }
    let res = ask("谷水苑").await;
    assert!(res.problem(429)["detail"]
        .as_str()
        .unwrap()
        .contains("查询地址太频繁"));
    assert!(res.headers.contains_key("retry-after"));
    t.clock.advance(TimeDelta::minutes(11));
    ask("谷水苑").await.ok(200);
}

fn urlencode(q: &str) -> String {
    serde_urlencoded::to_string([("q", q)]).expect("encode")[2..].to_string()
}

/// The community the form has chosen, if any.
fn chosen(html: &str) -> Option<String> {
    let select = &html[html.find("name=\"org_unit_id\"")?..];
    let select = &select[..select.find("</select>")?];
    let at = select.find(" selected")?;
    let before = &select[..at];
    let value = &before[before.rfind("value=\"")? + 7..];
    Some(value[..value.find('"')?].to_string())
}

async fn the_form_finds_the_community_without_script(b: Backend) {
    let t = TestApp::new(b).await;
    name_places(&t).await;
    let mut web = Browser::new(&t);
    let html = web.get("/p/new").await.text();
    assert!(html.contains("data-testid=\"find-community\""), "{html}");
    assert!(html.contains("/assets/public.js"), "{html}");
    let content = "楼道灯坏了好几天";
    // 按地址查找: the form again, the community chosen, nothing taken in.
    let before = t.appeal_count().await;
    let res = web
        .post(
            "/p/new",
            &[
                ("find", "1"),
                ("location", "谷水苑5号楼"),
                ("content", content),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 200);
    let html = res.text();
    assert_eq!(chosen(&html), Some(t.fx.c11.to_string()), "{html}");
    assert!(html.contains("谷水苑") && html.contains(content), "{html}");
    // A road of two: both named, none chosen.
    let res = web
        .post("/p/new", &[("find", "1"), ("location", "荣乐东路")])
        .await;
    let html = res.text();
    assert!(
        html.contains("佛字桥居民区") && html.contains("在几个社区都有"),
        "{html}"
    );
    assert_eq!(chosen(&html), None);
    // Sent without a community: back with it chosen, to confirm; then taken in.
    t.clock.advance(TimeDelta::minutes(1));
    let stamp = hidden_value(&html, "_t").expect("a stamp");
    let mut fields = vec![
        ("_t", stamp.as_str()),
        ("kind", "help"),
        ("content", content),
        ("location", "谷水苑5号楼"),
        ("website", ""),
    ];
    let res = web.post("/p/new", &fields).await;
    assert_eq!(res.status.as_u16(), 422);
    let html = res.text();
    let c11 = t.fx.c11.to_string();
    assert_eq!(chosen(&html), Some(c11.clone()), "{html}");
    assert!(html.contains("请确认社区后再提交"), "{html}");
    assert_eq!(t.appeal_count().await, before, "not taken in on a guess");
    t.clock.advance(TimeDelta::minutes(1));
    let stamp = hidden_value(&html, "_t").expect("a new stamp");
    fields[0].1 = stamp.as_str();
    fields.push(("org_unit_id", c11.as_str()));
    let res = web.post("/p/new", &fields).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.text());
    assert_eq!(t.appeal_count().await, before + 1);
}

async fn open311_places_a_request_by_its_address(b: Backend) {
    let t = TestApp::new(b).await;
    name_places(&t).await;
    let now = t.clock.now();
    let (key, _) = suqiu_server::add_open311_key(&t.store, ("网格通", ""), None, now)
        .await
        .expect("a key");
    let form = |address: &'static str| {
        vec![
            ("api_key", key.clone()),
            ("service_code", "public_facilities.water_pipes".to_string()),
            ("address_string", address.to_string()),
            ("description", "楼道水管漏水，已经三天了".to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let t = &t;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            client::post(t, "json", "", &pairs).await
        }
    };
    let (status, tree) = send(form("谷水苑3号楼")).await;
    assert_eq!(status, StatusCode::OK, "{tree:?}");
    let code = tree.items("")[0].str("service_request_id").to_string();
    let found = t
        .in_queue("station11", |a| a["tracking_code"] == code.as_str())
        .await
        .expect("in 佛字桥's queue");
    assert_eq!(found["org_unit_id"], t.fx.c11);
    // A road of two communities, or no known name: the spec's 400 asking for org_unit.
    for address in ["荣乐东路88号", "不知道的地方"] {
        let (status, tree) = send(form(address)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{tree:?}");
        let errors = client::errors(&tree);
        assert!(
            errors
                .iter()
                .any(|(_, d)| d.contains("attribute[org_unit]")),
            "{errors:?}"
        );
    }
}
