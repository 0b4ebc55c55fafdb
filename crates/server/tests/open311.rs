//! Open311 GeoReport v2 (`/open311/v2/`) on SQLite and PostgreSQL, through a client written
//! from the spec (`open311/client.rs`): every resource in both formats, the spec's errors,
//! keys in the body and the query, the jurisdiction, list filters and limits, and that only
//! public appeals are shown, without personal data.

#[path = "open311/client.rs"]
mod client;
mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::TimeDelta;
use client::{errors, get, post, Tree, BASE};
use common::{person_id_number, Backend, TestApp};
use serde_json::json;

on_both_backends!(
    discovery_services_and_definitions_in_both_formats,
    the_jurisdiction_is_the_districts_or_none,
    posting_takes_a_valid_key_in_the_body_or_the_query,
    a_posted_request_is_checked_by_the_spec,
    lists_filter_by_id_service_status_and_dates,
    a_list_holds_at_most_a_thousand_in_ninety_days,
    only_public_appeals_are_shown_and_no_personal_data,
    each_key_posts_its_own_limit_an_hour,
);

const WATER: &str = "public_facilities.water_pipes";
const LIGHTS: &str = "public_facilities.street_lights";
const C11: &str = "310117001001";

async fn key(t: &TestApp, name: &str) -> String {
    let now = t.clock.now();
    let (key, _) = suqiu_server::add_open311_key(&t.store, (name, ""), None, now)
        .await
        .expect("a key");
    key
}

/// A good request's form with `api_key`, each field of `extra` in place of the one of the
/// same name (or added).
fn form<'a>(api_key: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("api_key", api_key),
        ("service_code", WATER),
        ("address_string", "荣乐东路88弄3号楼"),
        ("description", "楼道水管漏水，已经三天了"),
        ("attribute[org_unit]", C11),
    ];
    for (name, value) in extra {
        match f.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value,
            None => f.push((name, value)),
        }
    }
    f
}

/// Posts a good request (with `extra`) and returns its `service_request_id`.
async fn posted(t: &TestApp, api_key: &str, extra: &[(&str, &str)]) -> String {
    let (status, tree) = post(t, "json", "", &form(api_key, extra)).await;
    assert_eq!(status, StatusCode::OK, "{tree:?}");
    tree.items("")[0].str("service_request_id").to_string()
}

/// The `service_request_id`s of a list, in order.
fn ids(tree: &Tree) -> Vec<String> {
    tree.items("")
        .iter()
        .map(|r| r.str("service_request_id").to_string())
        .collect()
}

/// A form's changed fields, the status they get, and what its errors say.
type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);

#[track_caller]
fn refused(status: StatusCode, tree: &Tree, expected: u16, says: &str) {
    assert_eq!(status.as_u16(), expected, "{tree:?}");
    let errors = errors(tree);
    assert!(!errors.is_empty(), "{tree:?}");
    assert!(
        errors.iter().all(|(code, _)| code == &expected.to_string()),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|(_, d)| d.contains(says)),
        "{says}: {errors:?}"
    );
}

async fn discovery_services_and_definitions_in_both_formats(b: Backend) {
    let t = TestApp::new(b).await;
    let d = get(&t, "discovery", "").await;
    assert_eq!((d.status, d.root.as_str()), (StatusCode::OK, "discovery"));
    for field in ["changeset", "contact", "key_service"] {
        assert!(!d.json.str(field).is_empty(), "{field}");
    }
    let endpoint = &d.json.items("endpoints")[0];
    assert_eq!(
        endpoint.str("specification"),
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(endpoint.str("url").ends_with(BASE), "{endpoint:?}");
    assert_eq!(endpoint.str("type"), "production");
    let formats = endpoint.items("formats");
    for f in ["text/xml", "application/json"] {
        assert!(formats.contains(&Tree::Text(f.into())), "{formats:?}");
    }

    let s = get(&t, "services", "").await;
    assert_eq!((s.status, s.root.as_str()), (StatusCode::OK, "services"));
    let water = s
        .json
        .items("")
        .iter()
        .find(|s| s.str("service_code") == WATER)
        .expect("the water pipes are a service");
    assert_eq!(water.str("service_name"), "水管");
    assert_eq!(water.str("group"), "公共设施");
    assert_eq!(
        (water.str("metadata"), water.str("type")),
        ("true", "realtime")
    );
    assert!(water.str("keywords").contains("Water pipes"));
    assert!(!s
        .json
        .items("")
        .iter()
        .any(|s| s.str("service_code") == "public_facilities"));
    let unsorted = s
        .json
        .items("")
        .iter()
        .find(|s| s.str("service_code") == "unsorted");
    let unsorted = unsorted.expect("a client that cannot sort a request leaves it to the station");
    assert_eq!(unsorted.str("service_name"), "待分类");

    let def = get(&t, &format!("services/{WATER}"), "").await;
    assert_eq!(
        (def.status, def.root.as_str()),
        (StatusCode::OK, "service_definition")
    );
    assert_eq!(def.json.str("service_code"), WATER);
    let attributes = def.json.items("attributes");
    let codes: Vec<&str> = attributes.iter().map(|a| a.str("code")).collect();
    assert_eq!(codes, ["org_unit", "kind", "urgency"]);
    for (a, required) in attributes.iter().zip(["false", "false", "false"]) {
        assert_eq!(a.str("datatype"), "singlevaluelist");
        assert_eq!((a.str("variable"), a.str("required")), ("true", required));
    }
    let keys = |a: &Tree| -> Vec<String> {
        a.items("values")
            .iter()
            .map(|v| v.str("key").to_string())
            .collect()
    };
    assert!(keys(&attributes[0]).contains(&C11.to_string()));
    assert!(keys(&attributes[1]).contains(&"help".to_string()));
    assert_eq!(keys(&attributes[2]), ["normal", "urgent"]);

    let unknown = get(&t, "services/no_such_service", "").await;
    refused(unknown.status, &unknown.json, 404, "no_such_service");
    assert_eq!(unknown.root, "errors");
    let nothing = get(&t, "nothing_here", "").await;
    refused(nothing.status, &nothing.json, 404, "discovery");
    t.finish().await;
}

async fn the_jurisdiction_is_the_districts_or_none(b: Backend) {
    let t = TestApp::new(b).await;
    let k = key(&t, "测试系统").await;
    let id = posted(&t, &k, &[]).await;
    let resources = [
        "services".to_string(),
        format!("services/{WATER}"),
        "requests".to_string(),
        format!("requests/{id}"),
        format!("tokens/{id}"),
    ];
    for resource in &resources {
        for given in ["", "jurisdiction_id=", "jurisdiction_id=310117"] {
            let a = get(&t, resource, given).await;
            assert_eq!(a.status, StatusCode::OK, "{resource}?{given}: {:?}", a.json);
        }
        let wrong = get(&t, resource, "jurisdiction_id=sfgov.org").await;
        refused(wrong.status, &wrong.json, 404, "jurisdiction_id");
    }
    let (status, tree) = post(
        &t,
        "xml",
        "",
        &form(&k, &[("jurisdiction_id", "sfgov.org")]),
    )
    .await;
    refused(status, &tree, 404, "310117");
    let (status, _) = post(&t, "json", "", &form(&k, &[("jurisdiction_id", "")])).await;
    assert_eq!(status, StatusCode::OK);
    t.finish().await;
}

async fn posting_takes_a_valid_key_in_the_body_or_the_query(b: Backend) {
    let t = TestApp::new(b).await;
    let k = key(&t, "12345 热线").await;
    let mut no_key = form(&k, &[]);
    no_key.retain(|(name, _)| *name != "api_key");
    for format in ["json", "xml"] {
        let (status, tree) = post(&t, format, "", &no_key).await;
        refused(status, &tree, 403, "api_key");
        let (status, tree) = post(&t, format, "", &form("not-a-key", &[])).await;
        refused(status, &tree, 403, "api_key");
    }
    // The key in the body, the answer in JSON; in the query string, in XML.
    let with = [
        ("media_url", "https://img.example.cn/1.jpg"),
        ("lat", "31.03"),
        ("long", "121.22"),
    ];
    let (status, tree) = post(&t, "json", "", &form(&k, &with)).await;
    assert_eq!(status, StatusCode::OK, "{tree:?}");
    let made = &tree.items("")[0];
    let id = made.str("service_request_id").to_string();
    assert!(id.starts_with("SQ"), "{made:?}");
    assert!(made.field("token").is_none(), "realtime: an id, no token");
    let (status, tree) = post(&t, "xml", &format!("api_key={k}"), &no_key).await;
    assert_eq!(status, StatusCode::OK, "{tree:?}");
    assert!(tree.items("")[0]
        .str("service_request_id")
        .starts_with("SQ"));

    // The appeal: channel api, public, in the community's queue, registered by the appellant.
    let admin = t.token("admin").await;
    let appeal_id = t
        .store
        .appeal_id_by_tracking_code(&id)
        .await
        .expect("read")
        .expect("stored");
    let a = t.get(&format!("/api/v1/appeals/{appeal_id}"), &admin).await;
    let a = a.ok(200);
    assert_eq!(
        (a["channel"].as_str(), a["public_consent"].as_bool()),
        (Some("api"), Some(true))
    );
    assert_eq!(a["org_unit_id"], t.fx.c11);
    assert_eq!(a["kind"], "help");

    // What Open311 shows of it, and its token.
    let one = get(&t, &format!("requests/{id}"), "").await;
    assert_eq!(
        (one.status, one.root.as_str()),
        (StatusCode::OK, "service_requests")
    );
    let r = &one.json.items("")[0];
    assert_eq!(r.str("service_request_id"), id);
    assert_eq!((r.str("status"), r.str("status_notes")), ("open", "已登记"));
    assert_eq!(
        (r.str("service_code"), r.str("service_name")),
        (WATER, "水管")
    );
    assert_eq!(r.str("agency_responsible"), "佛字桥居民区");
    assert_eq!(r.str("address"), "荣乐东路88弄3号楼");
    assert_eq!(r.str("media_url"), "https://img.example.cn/1.jpg");
    assert_eq!((r.str("lat"), r.str("long")), ("31.03", "121.22"));
    assert_eq!(r.str("requested_datetime"), "2026-11-24T10:00:00+08:00");
    assert!(r.str("expected_datetime").ends_with("+08:00"), "{r:?}");
    let token = get(&t, &format!("tokens/{id}"), "").await;
    let found = &token.json.items("")[0];
    assert_eq!(
        (found.str("service_request_id"), found.str("token")),
        (id.as_str(), id.as_str())
    );
    let none = get(&t, "tokens/SQ000000-NOTHING", "").await;
    refused(none.status, &none.json, 404, "token");

    // Its use is seen; a revoked key opens nothing.
    let keys = t.store.api_keys().await.expect("keys");
    assert_eq!(keys[0].last_used_at, Some(t.clock.now()));
    suqiu_server::revoke_open311_key(&t.store, "12345 热线", t.clock.now())
        .await
        .expect("revoked");
    let (status, tree) = post(&t, "json", "", &form(&k, &[])).await;
    refused(status, &tree, 403, "api_key");
    t.finish().await;
}

async fn a_posted_request_is_checked_by_the_spec(b: Backend) {
    let t = TestApp::new(b).await;
    let k = key(&t, "测试系统").await;
    let cases: [Case; 8] = [
        (&[("service_code", " ")], 400, "service_code"),
        (
            &[("service_code", "no_such_service")],
            404,
            "no_such_service",
        ),
        (&[("address_string", "")], 400, "address_string"),
        (&[("lat", "31.03")], 400, "long"),
        (
            &[("attribute[org_unit]", "310117001")],
            400,
            "attribute[org_unit]",
        ),
        (&[("attribute[kind]", "shout")], 400, "attribute[kind]"),
        (&[("media_url", "ftp://x.cn/a.jpg")], 400, "media_url"),
        (&[("description", "")], 400, "description"),
    ];
    for (extra, status, says) in cases {
        for format in ["json", "xml"] {
            let (got, tree) = post(&t, format, "", &form(&k, extra)).await;
            refused(got, &tree, status, says);
        }
    }
    let long = "漏".repeat(10_001);
    let (status, tree) = post(&t, "json", "", &form(&k, &[("description", &long)])).await;
    refused(status, &tree, 400, "description");
    // A point is a location; a grid's request goes to its community.
    let grid_point = [
        ("address_string", ""),
        ("lat", "31.03"),
        ("long", "121.2"),
        ("attribute[org_unit]", "310117001001001"),
    ];
    let id = posted(&t, &k, &grid_point).await;
    let one = get(&t, &format!("requests/{id}"), "").await;
    let r = &one.json.items("")[0];
    assert_eq!(
        (r.str("lat"), r.str("long"), r.str("address")),
        ("31.03", "121.2", "")
    );
    assert_eq!(r.str("agency_responsible"), "佛字桥居民区");
    // Not a form: refused in the spec's words; too large: the same.
    let json = Request::builder()
        .method(Method::POST)
        .uri(format!("{BASE}/requests.json"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"api_key": k}).to_string()))
        .expect("request");
    let res = t.send(json).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json[0]["code"], 400, "{}", res.text());
    let huge = format!("api_key={k}&description={}", "a".repeat(300 * 1024));
    let big = Request::builder()
        .method(Method::POST)
        .uri(format!("{BASE}/requests.xml"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(huge))
        .expect("request");
    let res = t.send(big).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.text());
    assert!(
        res.text().contains("<errors><error><code>413</code>"),
        "{}",
        res.text()
    );
    t.finish().await;
}

async fn lists_filter_by_id_service_status_and_dates(b: Backend) {
    let t = TestApp::new(b).await;
    let k = key(&t, "测试系统").await;
    let a = posted(&t, &k, &[]).await;
    t.clock.advance(TimeDelta::minutes(1));
    let b_ = posted(&t, &k, &[("service_code", LIGHTS)]).await;
    t.clock.advance(TimeDelta::minutes(1));
    let mut consented = TestApp::appeal_body(t.fx.c11);
    consented["public_consent"] = true.into();
    let c = t.create_appeal("station11", consented).await["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();
    // Close a: accepted and resolved at the station.
    let a_id = t
        .store
        .appeal_id_by_tracking_code(&a)
        .await
        .expect("read")
        .expect("a");
    t.act_ok("station11", a_id, json!({"action": "accept"}))
        .await;
    t.act_ok(
        "station11",
        a_id,
        json!({"action": "resolve", "resolution": "solved", "note": "已修好"}),
    )
    .await;

    let list = |q: &str| {
        let q = q.to_string();
        let t = &t;
        async move {
            let answer = get(t, "requests", &q).await;
            assert_eq!(answer.status, StatusCode::OK, "{q}: {:?}", answer.json);
            ids(&answer.json)
        }
    };
    assert_eq!(
        list("").await,
        [c.clone(), b_.clone(), a.clone()],
        "newest first"
    );
    assert_eq!(list("status=closed").await, [a.as_str()]);
    assert_eq!(list("status=open").await, [c.clone(), b_.clone()]);
    assert_eq!(list("status=open,closed").await.len(), 3);
    assert_eq!(list(&format!("service_code={LIGHTS}")).await, [b_.as_str()]);
    assert_eq!(
        list(&format!("service_code={LIGHTS},{WATER}")).await.len(),
        3
    );
    // Ids override every other filter.
    let by_id = list(&format!(
        "service_request_id={a},{}&status=open",
        c.to_lowercase()
    ))
    .await;
    assert_eq!(by_id, [c.clone(), a.clone()]);
    let closed = get(&t, &format!("requests/{a}"), "").await;
    let r = &closed.json.items("")[0];
    assert_eq!(
        (r.str("status"), r.str("status_notes")),
        ("closed", "已办结")
    );
    assert_eq!(r.str("updated_datetime"), "2026-11-24T10:02:00+08:00");

    // Ninety days on, the default window has none of them; dates bring them back.
    t.clock.advance(TimeDelta::days(91));
    let d = posted(&t, &k, &[]).await;
    assert_eq!(list("").await, [d.as_str()]);
    let span = "start_date=2026-11-24T00:00:00%2B08:00&end_date=2026-11-25T00:00:00Z";
    assert_eq!(list(span).await.len(), 3);
    assert_eq!(
        list("start_date=2026-11-24").await.len(),
        3,
        "90 days from a start"
    );
    assert_eq!(
        list("end_date=2026-11-25").await.len(),
        3,
        "90 days up to an end"
    );
    for (bad, says) in [
        ("start_date=2026-01-01&end_date=2026-12-01", "90"),
        ("start_date=yesterday", "start_date"),
        ("status=pending", "status"),
        ("start_date=2026-12-01&end_date=2026-11-01", "end_date"),
    ] {
        let answer = get(&t, "requests", bad).await;
        refused(answer.status, &answer.json, 400, says);
    }
    t.finish().await;
}

async fn a_list_holds_at_most_a_thousand_in_ninety_days(b: Backend) {
    use suqiu_core::appeal::{Appellant, Channel, Kind, Urgency};
    use suqiu_core::calendar::WorkCalendar;
    use suqiu_core::lifecycle::{register_public, Intake};
    use suqiu_core::policy::TimeLimitPolicy;

    let t = TestApp::new(b).await;
    let (calendar, policy) = (WorkCalendar::weekdays_only(), TimeLimitPolicy::default());
    let batch: Vec<_> = (0..1_005)
        .map(|i| {
            let intake = Intake {
                appellant: Appellant::Anonymous,
                org_unit_id: t.fx.c11,
                channel: Channel::Api,
                kind: Kind::Help,
                category: WATER.into(),
                urgency: Urgency::Normal,
                title: None,
                content: format!("第 {i} 件"),
                location: None,
                public_consent: true,
            };
            let at = t.clock.now() - TimeDelta::minutes(i);
            let code = format!("SQ261124-T{i:09}");
            let (appeal, event) =
                register_public(intake, code, t.fx.c11, at, &calendar, &policy).expect("registers");
            (appeal, vec![event])
        })
        .collect();
    t.store.insert_appeals_bulk(&batch).await.expect("loaded");
    let answer = get(&t, "requests", "").await;
    let found = ids(&answer.json);
    assert_eq!(found.len(), 1_000);
    assert_eq!(found[0], "SQ261124-T000000000", "newest first");
    assert_eq!(found[999], "SQ261124-T000000999");
    t.finish().await;
}

async fn only_public_appeals_are_shown_and_no_personal_data(b: Backend) {
    let t = TestApp::new(b).await;
    let k = key(&t, "测试系统").await;
    let id_number = person_id_number();
    let secrets = ["王小明", "13912345678", id_number.as_str(), "502"];
    let content =
        format!("我叫王小明，电话13912345678，身份证{id_number}，住3号楼502室，楼道水管漏水");
    let location = "荣乐东路88弄3号楼502室";

    // At the desk without consent: never shown.
    let mut body = TestApp::appeal_body(t.fx.c11);
    body["content"] = content.clone().into();
    let private = t.create_appeal("station11", body.clone()).await["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();
    // At the desk with consent, and through Open311 with a name and a phone.
    body["public_consent"] = true.into();
    body["appellant"] = json!({"name": "王小明", "phone": "13912345678"});
    body["location"] = location.into();
    let consented = t.create_appeal("station11", body).await["tracking_code"]
        .as_str()
        .expect("code")
        .to_string();
    let extra = [
        ("first_name", "小明"),
        ("last_name", "王"),
        ("phone", "13912345678"),
        ("email", "wxm@example.cn"),
        ("description", content.as_str()),
        ("address_string", location),
    ];
    let api = posted(&t, &k, &extra).await;

    let all = get(&t, "requests", "").await;
    assert_eq!(ids(&all.json), [api.clone(), consented.clone()]);
    let asked = get(
        &t,
        "requests",
        &format!("service_request_id={private},{api}"),
    )
    .await;
    assert_eq!(ids(&asked.json), [api.as_str()]);
    for resource in ["requests", "tokens"] {
        let hidden = get(&t, &format!("{resource}/{private}"), "").await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{resource}");
    }
    let shown = format!("{:?}", all.json);
    for secret in secrets.iter().chain(&["wxm@example.cn"]) {
        assert!(!shown.contains(secret), "{secret} shown: {shown}");
    }
    for r in all.json.items("") {
        assert_eq!((r.str("lat"), r.str("long")), ("", ""), "no point marked");
        assert!(r.str("description").contains("楼道水管漏水"), "{r:?}");
        assert_eq!(r.str("address"), "荣乐东路88弄3号楼");
    }
    t.finish().await;
}

/// A key allowed two posts an hour: the third is the spec's 429 in either format, with
/// `Retry-After` to the next hour; another key is not held up; the next hour it posts again.
/// A refused post counts too (the limit is on what a system sends).
async fn each_key_posts_its_own_limit_an_hour(b: Backend) {
    let t = TestApp::new(b).await;
    t.clock.set(common::shanghai_time(2026, 11, 24, 10, 40));
    let now = t.clock.now();
    let (slow, kept) = suqiu_server::add_open311_key(&t.store, ("限流系统", "2"), None, now)
        .await
        .expect("a key");
    assert_eq!(kept.per_hour, 2);
    let other = key(&t, "12345 热线").await;
    posted(&t, &slow, &[]).await;
    let (status, _) = post(&t, "json", "", &form(&slow, &[("service_code", "nothing")])).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "refused, and counted");
    for format in ["json", "xml"] {
        let (status, tree) = post(&t, format, "", &form(&slow, &[])).await;
        refused(status, &tree, 429, "每小时 2 件");
    }
    let body = serde_urlencoded::to_string(form(&slow, &[])).expect("a form");
    let res = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(format!("{BASE}/requests.json"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("a request"),
        )
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        res.headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
        Some("1200"),
        "20 minutes to the next hour"
    );
    posted(&t, &other, &[]).await;
    t.clock.set(common::shanghai_time(2026, 11, 24, 11, 0));
    posted(&t, &slow, &[]).await;
    t.finish().await;
}
