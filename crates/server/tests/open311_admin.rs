//! The Open311 keys page (`/admin/open311`) on SQLite and PostgreSQL: the district makes a
//! key, sees it once, and revokes it after confirming; the change log records both; nobody
//! else may see or change keys.

#[path = "open311/client.rs"]
mod client;
mod common;

use axum::http::StatusCode;
use client::post;
use common::browser::{location, Browser};
use common::{Backend, TestApp};

on_both_backends!(
    the_district_makes_a_key_sees_it_once_and_revokes_it,
    only_the_district_sees_the_keys,
);

/// Posts a request with `key`; the status.
async fn posts_with(t: &TestApp, key: &str) -> StatusCode {
    let form = [
        ("api_key", key),
        ("service_code", "public_facilities.water_pipes"),
        ("address_string", "荣乐东路88弄3号楼"),
        ("description", "楼道水管漏水"),
        ("attribute[org_unit]", "310117001001"),
    ];
    post(t, "json", "", &form).await.0
}

/// The key a page shows once (`data-testid="new-key"`).
fn shown_key(html: &str) -> Option<String> {
    let (_, rest) = html.split_once("data-testid=\"new-key\">")?;
    Some(rest.split('<').next()?.to_string())
}

async fn the_district_makes_a_key_sees_it_once_and_revokes_it(b: Backend) {
    let t = TestApp::new(b).await;
    let mut web = Browser::sign_in(&t, "admin").await;
    let page = web.get("/admin/open311").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(
        page.text().contains("/open311/v2/discovery.json"),
        "{}",
        page.text()
    );
    assert!(web
        .get("/admin")
        .await
        .text()
        .contains("href=\"/admin/open311\""));

    let made = web
        .post("/admin/open311/keys", &[("name", " 12345 热线 ")])
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text());
    let key = shown_key(&made.text()).expect("the new key is shown");
    assert_eq!(key.len(), 43, "32 random bytes, base64url: {key}");
    assert_eq!(posts_with(&t, &key).await, StatusCode::OK);

    // Shown once: the page has its name and when it was used, never the key again.
    let page = web.get("/admin/open311").await.text();
    assert!(!page.contains(&key) && shown_key(&page).is_none(), "{page}");
    assert!(
        page.contains("12345 热线") && !page.contains("未使用"),
        "{page}"
    );
    let again = web
        .post("/admin/open311/keys", &[("name", "12345 热线")])
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text()
    );
    assert!(again.text().contains("同名"), "{}", again.text());

    // Its hourly limit: 120 unless set; a bad number is named beside its key's field, kept.
    let id = t.store.api_keys().await.expect("keys")[0].id;
    assert!(
        page.contains(&format!("data-testid=\"per-hour-{id}\">120<")),
        "{page}"
    );
    let limit = format!("/admin/open311/keys/{id}/limit");
    let bad = web.post(&limit, &[("per_hour", "0")]).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad.text()
    );
    assert!(
        bad.text()
            .contains(&format!("id=\"per-hour-err-{id}\">每小时上限应为 1 到")),
        "{}",
        bad.text()
    );
    let set = web.post(&limit, &[("per_hour", "30")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text());
    assert_eq!(t.store.api_keys().await.expect("keys")[0].per_hour, 30);
    let made = web
        .post(
            "/admin/open311/keys",
            &[("name", "第二个"), ("per_hour", "abc")],
        )
        .await;
    assert_eq!(made.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        made.text().contains("id=\"key-per-hour-err\""),
        "{}",
        made.text()
    );
    assert!(
        made.text().contains("value=\"第二个\""),
        "the name as typed"
    );

    // Revoking asks to confirm first.
    let revoke = format!("/admin/open311/keys/{id}/revoke");
    let unconfirmed = web.post(&revoke, &[]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unconfirmed.text().contains("请先勾选确认"),
        "{}",
        unconfirmed.text()
    );
    assert_eq!(
        posts_with(&t, &key).await,
        StatusCode::OK,
        "not revoked yet"
    );
    let done = web.post(&revoke, &[("confirm", "yes")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(location(&done), "/admin/open311");
    assert_eq!(posts_with(&t, &key).await, StatusCode::FORBIDDEN);
    assert!(web.get("/admin/open311").await.text().contains("已吊销"));
    let twice = web.post(&revoke, &[("confirm", "yes")]).await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST, "{}", twice.text());
    assert!(twice.text().contains("已经吊销"), "{}", twice.text());

    // Both are on the change log.
    let log = web.get("/admin").await.text();
    assert!(
        log.contains("为「12345 热线」生成 Open311 接口密钥"),
        "{log}"
    );
    assert!(
        log.contains("吊销「12345 热线」的 Open311 接口密钥"),
        "{log}"
    );
    assert!(log.contains("每小时上限设为 30 件"), "{log}");
    t.finish().await;
}

async fn only_the_district_sees_the_keys(b: Backend) {
    let t = TestApp::new(b).await;
    let (key, kept) =
        suqiu_server::add_open311_key(&t.store, ("测试系统", ""), None, t.clock.now())
            .await
            .expect("a key");
    for user in ["station11", "street1"] {
        let mut web = Browser::sign_in(&t, user).await;
        let page = web.get("/admin/open311").await;
        assert_eq!(
            page.status,
            StatusCode::FORBIDDEN,
            "{user}: {}",
            page.text()
        );
        assert!(!page.text().contains("测试系统"));
        // A form token of their own session, so the refusal is the role's, not the token's.
        web.get("/account/password").await;
        let made = web.post("/admin/open311/keys", &[("name", "另一个")]).await;
        assert_eq!(made.status, StatusCode::FORBIDDEN, "{user}");
        let revoke = format!("/admin/open311/keys/{}/revoke", kept.id);
        let revoked = web.post(&revoke, &[("confirm", "yes")]).await;
        assert_eq!(revoked.status, StatusCode::FORBIDDEN, "{user}");
        let limit = format!("/admin/open311/keys/{}/limit", kept.id);
        let limited = web.post(&limit, &[("per_hour", "1")]).await;
        assert_eq!(limited.status, StatusCode::FORBIDDEN, "{user}");
        let overview = web.get("/admin").await.text();
        assert!(!overview.contains("/admin/open311"), "{user}: {overview}");
    }
    assert_eq!(posts_with(&t, &key).await, StatusCode::OK, "still active");
    assert_eq!(t.store.api_keys().await.expect("keys").len(), 1);
    t.finish().await;
}
