//! The public board (公开栏): `/p/board/…`, its Atom feed and `GET /api/v1/public/board` show
//! the consented appeals and nothing personal of them; the public reply shows once reviewed
//! and goes when withdrawn; 党务公开 items are published by the node's own staff and withdrawn;
//! pages are cacheable; the measures are the ranking's. On SQLite and PostgreSQL.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use chrono::Datelike;
use common::browser::{location, Browser};
use common::{Backend, Resp, TestApp};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Value};
use suqiu_core::board::PublicReply;

on_both_backends!(
    the_board_shows_nothing_personal,
    a_reply_shows_once_reviewed_and_goes_when_withdrawn,
    the_reply_card_keeps_what_was_typed,
    items_are_published_by_the_node_and_withdrawn,
    boards_are_cacheable,
    the_boards_measures_are_the_rankings,
    the_feed_is_atom_with_stable_ids,
);

const C11: &str = "310117001001";
const C21: &str = "310117002001";
const S1: &str = "310117001";
/// What points to the appellant in the texts below: none of it may reach the public.
const PERSONAL: [&str; 6] = [
    "王小明",
    "13912345678",
    "31011719800101123X",
    "502室",
    "3号楼502",
    "李建国",
];

/// A consented appeal at c11 whose title, content and location name its appellant, a phone,
/// an ID number and a room.
async fn personal_appeal(t: &TestApp) -> i64 {
    let mut body = TestApp::appeal_body(t.fx.c11);
    body["appellant"] = json!({"name": "王小明", "phone": "13912345678"});
    body["title"] = "王小明家13912345678楼道漏水".into();
    body["content"] =
        "我叫王小明，电话13912345678，身份证31011719800101123X，住荣乐东路88弄3号楼502室，楼道水管漏水三天了"
            .into();
    body["location"] = "荣乐东路88弄3号楼502室".into();
    body["public_consent"] = true.into();
    t.create_appeal("station11", body).await["id"]
        .as_i64()
        .expect("id")
}

/// An appeal whose appellant did not consent, at `org_unit` by `username`, saying `marker`.
async fn private_appeal(t: &TestApp, username: &str, org_unit: i64, marker: &str) -> i64 {
    let mut body = TestApp::appeal_body(org_unit);
    body["content"] = marker.into();
    body["title"] = marker.into();
    t.create_appeal(username, body).await["id"]
        .as_i64()
        .expect("id")
}

async fn public_get(t: &TestApp, path: &str) -> Resp {
    t.call(Method::GET, path, None, None).await
}

fn nothing_personal(what: &str, text: &str) {
    for gone in PERSONAL {
        assert!(!text.contains(gone), "{gone} on {what}: {text}");
    }
    // No staff names either.
    for staff in ["站点一", "站点二", "街道干部", "区管理员"] {
        assert!(!text.contains(staff), "{staff} on {what}: {text}");
    }
}

async fn write_reply(t: &TestApp, username: &str, id: i64, body: &str) -> Resp {
    let token = t.token(username).await;
    let path = format!("/api/v1/appeals/{id}/public-reply");
    t.call(
        Method::PUT,
        &path,
        Some(&token),
        Some(json!({"body": body})),
    )
    .await
}

async fn reply_step(t: &TestApp, username: &str, id: i64, step: &str) -> Resp {
    let token = t.token(username).await;
    let path = format!("/api/v1/appeals/{id}/public-reply/{step}");
    t.call(Method::POST, &path, Some(&token), None).await
}

async fn the_board_shows_nothing_personal(b: Backend) {
    let t = TestApp::new(b).await;
    let id = personal_appeal(&t).await;
    private_appeal(&t, "station11", t.fx.c11, "未同意公开的诉求甲").await;
    private_appeal(&t, "station21", t.fx.c21, "未同意公开的诉求乙").await;
    let public = json!({
        "org_unit_id": t.fx.g111, "kind": "complaint",
        "content": "我叫李建国，小区门口的路灯坏了一个星期", "location": "荣乐东路",
        "name": "李建国", "phone": "13700001111", "public_consent": true,
    });
    t.post_anonymous("/api/v1/public/appeals", public)
        .await
        .ok(201);
    write_reply(
        &t,
        "station11",
        id,
        "已联系王小明（13912345678），水管已修好",
    )
    .await
    .ok(200);
    reply_step(&t, "station11", id, "publish").await.ok(200);
    let paths = [
        "/p/board".to_string(),
        format!("/p/board/{C11}"),
        format!("/p/board/{S1}"),
        format!("/p/board/{C11}/feed.atom"),
        "/p/board/310117/feed.atom".to_string(),
        format!("/api/v1/public/board?code={C11}"),
        "/api/v1/public/board".to_string(),
    ];
    for path in &paths {
        let res = public_get(&t, path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
        let text = res.text();
        nothing_personal(path, &text);
        assert!(text.contains("楼道水管漏水三天了"), "{path}: {text}");
        assert!(text.contains("荣乐东路88弄3号楼"), "{path}: {text}");
        assert!(text.contains("水管已修好"), "the reviewed reply on {path}");
        assert!(
            text.contains("小区门口的路灯坏了"),
            "the resident's own on {path}"
        );
        assert!(
            !text.contains("未同意公开"),
            "an unconsented appeal on {path}"
        );
    }
    // Another node's board shows neither its own unconsented appeal nor the others'.
    let c21 = public_get(&t, &format!("/p/board/{C21}")).await.text();
    assert!(
        !c21.contains("未同意公开") && !c21.contains("楼道水管漏水"),
        "{c21}"
    );
    // The grid's appeal is told by its community.
    let json = public_get(&t, &format!("/api/v1/public/board?code={C11}")).await;
    let appeals = json.ok(200)["appeals"].as_array().expect("appeals").clone();
    assert_eq!(appeals.len(), 2, "{appeals:?}");
    assert!(appeals.iter().all(|a| a["community"] == "佛字桥居民区"));
    assert!(public_get(&t, "/p/board/nosuchnode").await.status == StatusCode::NOT_FOUND);
    t.finish().await;
}

async fn c11_board(t: &TestApp) -> String {
    public_get(t, &format!("/p/board/{C11}")).await.text()
}

async fn a_reply_shows_once_reviewed_and_goes_when_withdrawn(b: Backend) {
    let t = TestApp::new(b).await;
    let id = personal_appeal(&t).await;
    // Written: it waits for review.
    let res = write_reply(&t, "station11", id, "水管已修好，感谢反映");
    let written = res.await;
    assert_eq!(written.ok(200)["state"], "draft");
    assert!(!c11_board(&t).await.contains("感谢反映"));
    // Outside the station's scope the appeal does not exist; roles that do not publish may not.
    write_reply(&t, "station12", id, "x").await.problem(404);
    write_reply(&t, "volunteer", id, "x").await.problem(404);
    reply_step(&t, "liaison", id, "publish").await.problem(404);
    // Reviewed by the street above: shown.
    let published = reply_step(&t, "street1", id, "publish").await;
    assert_eq!(published.ok(200)["state"], "published");
    assert_eq!(published.json["published"]["by"]["name"], "街道干部");
    assert_eq!(published.json["written"]["by"]["name"], "站点一");
    assert!(c11_board(&t).await.contains("感谢反映"));
    // Published, it is not edited in place.
    write_reply(&t, "station11", id, "改").await.problem(409);
    // Withdrawn: gone from the board, the record stays.
    let withdrawn = reply_step(&t, "station11", id, "withdraw").await;
    assert_eq!(withdrawn.ok(200)["state"], "withdrawn");
    assert!(withdrawn.json["published"].is_object());
    assert!(!c11_board(&t).await.contains("感谢反映"));
    reply_step(&t, "station11", id, "withdraw")
        .await
        .problem(409);
    let token = t.token("admin").await;
    let read = t
        .get(&format!("/api/v1/appeals/{id}/public-reply"), &token)
        .await;
    assert_eq!(read.ok(200)["withdrawn"]["by"]["name"], "站点一");
    // An appeal whose appellant did not consent takes no reply.
    let private = private_appeal(&t, "station11", t.fx.c11, "未同意公开").await;
    write_reply(&t, "station11", private, "x")
        .await
        .problem(409);
    // Two writers from the same reading: one wins.
    let first: Option<i64> = None;
    let reply = PublicReply {
        body: "甲".into(),
        state: suqiu_core::board::ReplyState::Draft,
        written: suqiu_core::board::Stamp {
            by: t.fx.user("station11"),
            name: String::new(),
            at: common::t0(),
        },
        published: None,
        withdrawn: None,
    };
    let other = personal_appeal(&t).await;
    t.store
        .save_public_reply(other, first, &reply)
        .await
        .expect("the first writer");
    let second = t.store.save_public_reply(other, first, &reply).await;
    assert!(
        matches!(second, Err(suqiu_store::StoreError::Conflict(_))),
        "{second:?}"
    );
    t.finish().await;
}

async fn the_reply_card_keeps_what_was_typed(b: Backend) {
    let t = TestApp::new(b).await;
    let id = personal_appeal(&t).await;
    let mut web = Browser::sign_in(&t, "station11").await;
    let page = format!("/appeals/{id}");
    let html = web.get(&page).await.text();
    assert!(html.contains("data-testid=\"reply-card\""), "{html}");
    let post = format!("/appeals/{id}/public-reply");
    let too_long = "修".repeat(1_001);
    let res = web
        .post(&post, &[("step", "write"), ("body", too_long.as_str())])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("data-testid=\"reply-error\""), "{html}");
    assert!(html.contains(&too_long), "what was typed is kept");
    let res = web
        .post(&post, &[("step", "write"), ("body", "水管已修好")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(location(&res), format!("/appeals/{id}#public-reply"));
    let html = web.get(&page).await.text();
    assert!(html.contains("data-testid=\"flash\""), "saved: {html}");
    assert!(html.contains("data-testid=\"reply-publish\""), "{html}");
    let res = web.post(&post, &[("step", "publish")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = web.get(&page).await.text();
    assert!(html.contains("data-testid=\"reply-withdraw\""), "{html}");
    assert!(html.contains("站点一"), "who reviewed it: {html}");
    t.finish().await;
}

async fn post_item(t: &TestApp, username: &str, body: Value) -> Resp {
    let token = t.token(username).await;
    t.post("/api/v1/board/items", &token, body).await
}

async fn items_are_published_by_the_node_and_withdrawn(b: Backend) {
    let t = TestApp::new(b).await;
    let item = json!({"category": "activity", "title": "重阳节敬老活动", "body": "本周六上午在活动室举行"});
    let created = post_item(&t, "station11", item.clone()).await;
    let id = created.ok(201)["id"].as_i64().expect("id");
    assert_eq!(created.json["org_unit_id"], t.fx.c11);
    for path in [
        format!("/p/board/{C11}"),
        format!("/p/board/{S1}"),
        "/p/board".into(),
    ] {
        assert!(
            public_get(&t, &path)
                .await
                .text()
                .contains("重阳节敬老活动"),
            "{path}"
        );
    }
    let feed = public_get(&t, &format!("/p/board/{C11}/feed.atom")).await;
    assert!(feed.text().contains("重阳节敬老活动"));
    // Another community's station cannot reach this board; the street publishes on its own.
    let mut elsewhere = item.clone();
    elsewhere["org_unit_id"] = t.fx.c11.into();
    post_item(&t, "station12", elsewhere.clone())
        .await
        .problem(404);
    post_item(&t, "street1", elsewhere).await.problem(403);
    post_item(&t, "volunteer", item.clone()).await.problem(403);
    let p = post_item(&t, "station11", json!({"title": " ", "body": ""})).await;
    let fields: Vec<&str> = p.problem(422)["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["title", "body", "category"]);
    // Withdrawn by the street above: gone from the board and the feed, recorded.
    let withdraw = format!("/api/v1/board/items/{id}/withdraw");
    let token = t.token("station12").await;
    t.post(&withdraw, &token, json!({})).await.problem(404);
    let token = t.token("street1").await;
    let done = t.post(&withdraw, &token, json!({})).await;
    assert_eq!(done.ok(200)["withdrawn"]["by"]["name"], "街道干部");
    t.post(&withdraw, &token, json!({})).await.problem(409);
    assert!(!public_get(&t, &format!("/p/board/{C11}"))
        .await
        .text()
        .contains("重阳节敬老活动"));
    let feed = public_get(&t, &format!("/p/board/{C11}/feed.atom")).await;
    assert!(!feed.text().contains("重阳节敬老活动"));
    let token = t.token("station11").await;
    let list = t.get("/api/v1/board/items", &token).await;
    assert_eq!(
        list.ok(200)["items"][0]["withdrawn"]["by"]["name"],
        "街道干部"
    );
    // The page: a refused form keeps what was typed; a saved one says so.
    let mut web = Browser::sign_in(&t, "station11").await;
    let html = web.get("/board/items").await.text();
    assert!(html.contains("data-testid=\"item-form\""), "{html}");
    let res = web
        .post(
            "/board/items",
            &[("title", "七一党课"), ("body", ""), ("category", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("value=\"七一党课\""), "{}", res.text());
    let fields = [
        ("title", "七一党课"),
        ("body", "7月1日下午两点"),
        ("category", "organization"),
        ("date", "2026-11-20"),
    ];
    let res = web.post("/board/items", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = web.get("/board/items").await.text();
    assert!(
        html.contains("data-testid=\"flash\"") && html.contains("七一党课"),
        "{html}"
    );
    assert!(public_get(&t, &format!("/p/board/{C11}"))
        .await
        .text()
        .contains("七一党课"));
    t.finish().await;
}

async fn get_with(t: &TestApp, path: &str, etag: Option<&str>) -> Resp {
    let mut req = Request::builder().method(Method::GET).uri(path);
    if let Some(tag) = etag {
        req = req.header(header::IF_NONE_MATCH, tag);
    }
    t.send(req.body(Body::empty()).expect("request")).await
}

async fn boards_are_cacheable(b: Backend) {
    let t = TestApp::new(b).await;
    personal_appeal(&t).await;
    for path in [
        format!("/p/board/{C11}"),
        format!("/p/board/{C11}/feed.atom"),
        "/p/board".into(),
    ] {
        let first = get_with(&t, &path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert_eq!(
            first.headers[header::CACHE_CONTROL],
            "public, max-age=60",
            "{path}"
        );
        let etag = first.headers[header::ETAG]
            .to_str()
            .expect("etag")
            .to_string();
        assert!(etag.starts_with('"'), "a strong ETag: {etag}");
        let again = get_with(&t, &path, Some(&etag)).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.bytes.is_empty());
        assert_eq!(again.headers[header::ETAG], etag.as_str());
        // What the page shows changes: so does its tag.
        let item =
            json!({"category": "other", "title": format!("公告{}", path.len()), "body": "x"});
        post_item(&t, "station11", item).await.ok(201);
        let changed = get_with(&t, &path, Some(&etag)).await;
        assert_eq!(changed.status, StatusCode::OK, "{path}");
        assert_ne!(changed.headers[header::ETAG], etag.as_str());
    }
    // Staff pages stay out of every cache.
    let mut web = Browser::sign_in(&t, "station11").await;
    let res = web.get("/board/items").await;
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    let missing = get_with(&t, "/p/board/nosuchnode", None).await;
    assert_eq!(missing.headers[header::CACHE_CONTROL], "no-store");
    t.finish().await;
}

/// Three appeals at c11 taken round the loop (accepted, resolved, told, followed up).
async fn worked_appeals(t: &TestApp) {
    for satisfaction in ["satisfied", "dissatisfied", ""] {
        let id = personal_appeal(t).await;
        t.act_ok("station11", id, json!({"action": "accept"})).await;
        if satisfaction.is_empty() {
            continue;
        }
        let resolve = json!({"action": "resolve", "resolution": "solved", "note": "已修好"});
        t.act_ok("station11", id, resolve).await;
        let feedback = json!({"action": "feedback", "channel": "phone", "note": "已告知"});
        t.act_ok("station11", id, feedback).await;
        let follow = json!({"action": "follow_up", "satisfaction": satisfaction, "solved": true});
        t.act_ok("station11", id, follow).await;
    }
}

async fn the_boards_measures_are_the_rankings(b: Backend) {
    let t = TestApp::new(b).await;
    worked_appeals(&t).await;
    let token = t.token("admin").await;
    let today = common::t0().date_naive();
    let first = today.with_day(1).expect("first");
    let last = (first + chrono::Months::new(1)).pred_opt().expect("last");
    let metrics = t
        .get(
            &format!(
                "/api/v1/metrics?org_unit={}&from={first}&to={last}",
                t.fx.c11
            ),
            &token,
        )
        .await;
    let metrics = metrics.ok(200).clone();
    let ranking = t.get("/api/v1/ranking?level=community", &token).await;
    let row = ranking
        .ok(200)
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["org_unit_id"] == t.fx.c11)
        .cloned()
        .expect("c11 ranked");
    let board = public_get(&t, &format!("/api/v1/public/board?code={C11}")).await;
    let this = board.ok(200)["measures"][0].clone();
    assert_eq!(this["month"], first.format("%Y-%m").to_string());
    for rate in [
        "response_rate",
        "on_time_rate",
        "resolution_rate",
        "satisfaction_rate",
    ] {
        assert_eq!(this[rate], metrics[rate], "{rate}");
    }
    assert!(this["satisfaction_rate"].is_number(), "{this}");
    assert_eq!(this["score"], metrics["score"]);
    assert_eq!(this["score"], row["score"]);
    // The page shows the same figures, as the statistics pages write them.
    let html = public_get(&t, &format!("/p/board/{C11}")).await.text();
    let rate = metrics["satisfaction_rate"].as_f64().expect("rate");
    let cell = format!(
        "data-figure=\"satisfaction_rate\" data-month=\"{}\">{:.1}%<",
        first.format("%Y-%m"),
        rate * 100.0
    );
    assert!(html.contains(&cell), "{cell} in {html}");
    // The fund's public totals are the fund's own.
    let token = t.token("station11").await;
    let donation = json!({"org_unit_id": t.fx.c11, "kind": "donation", "amount_cents": 50_000, "note": "捐赠"});
    t.post("/api/v1/fund/entries", &token, donation)
        .await
        .ok(201);
    let fund = public_get(&t, &format!("/api/v1/fund/public?org_unit={}", t.fx.c11)).await;
    let board = public_get(&t, &format!("/api/v1/public/board?code={C11}")).await;
    assert_eq!(
        board.ok(200)["fund"]["balance_cents"],
        fund.ok(200)["balance_cents"]
    );
    assert_eq!(board.json["fund"]["months"][0], fund.json["months"][0]);
    t.finish().await;
}

/// The feed's entries: (id, title) of each, after checking the document's frame.
fn atom_entries(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut feed_fields = Vec::new();
    let mut entries = Vec::new();
    let (mut id, mut title) = (String::new(), String::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if path.is_empty() {
                    assert_eq!(name, "feed");
                    let ns = e
                        .try_get_attribute("xmlns")
                        .expect("attribute")
                        .expect("the Atom namespace");
                    assert_eq!(&*ns.value, "http://www.w3.org/2005/Atom");
                }
                path.push(name);
            }
            Event::Text(text) => {
                let text = text.xml10_content().to_string();
                let at: Vec<&str> = path.iter().map(String::as_str).collect();
                match at.as_slice() {
                    ["feed", field] => feed_fields.push(((*field).to_string(), text)),
                    ["feed", "entry", "id"] => id.push_str(&text),
                    ["feed", "entry", "title"] => title.push_str(&text),
                    _ => {}
                }
            }
            Event::End(_) => {
                if path.len() == 2 && path[1] == "entry" {
                    assert!(id.starts_with("urn:suqiu:310117:"), "{id}");
                    entries.push((std::mem::take(&mut id), std::mem::take(&mut title)));
                }
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    for field in ["id", "title", "updated"] {
        assert!(
            feed_fields
                .iter()
                .any(|(f, v)| f == field && !v.trim().is_empty()),
            "the feed's {field}: {feed_fields:?}"
        );
    }
    entries
}

async fn the_feed_is_atom_with_stable_ids(b: Backend) {
    let t = TestApp::new(b).await;
    personal_appeal(&t).await;
    post_item(
        &t,
        "station11",
        json!({"category": "funds", "title": "十月经费", "body": "支出明细"}),
    )
    .await
    .ok(201);
    let res = public_get(&t, &format!("/p/board/{C11}/feed.atom")).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.content_type().starts_with("application/atom+xml"),
        "{}",
        res.content_type()
    );
    let community = atom_entries(&res.text());
    assert_eq!(community.len(), 2, "{community:?}");
    assert!(community
        .iter()
        .any(|(_, title)| title.contains("十月经费")));
    nothing_personal("the feed", &res.text());
    // The same entry keeps its id: in the next fetch, and in the district's feed.
    t.clock.advance(chrono::TimeDelta::hours(1));
    let again = atom_entries(
        &public_get(&t, &format!("/p/board/{C11}/feed.atom"))
            .await
            .text(),
    );
    assert_eq!(again, community);
    let district = atom_entries(&public_get(&t, "/p/board/310117/feed.atom").await.text());
    for entry in &community {
        assert!(district.contains(entry), "{entry:?} in {district:?}");
    }
    t.finish().await;
}
