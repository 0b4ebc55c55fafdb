//! The care pages over HTTP, on SQLite and on PostgreSQL: the fund page's forms (with and
//! without the CSRF token), approval by the street, a refusal shown on the page, the
//! voucher with its capitals and masking, the supermarket's forms, and escaping.

mod common;

use axum::http::StatusCode;
use common::browser::Browser;
use common::{Backend, Resp, TestApp, PERSON_PHONE};
use serde_json::Value;
use suqiu_core::validate::mask_phone;

on_both_backends!(
    fund_pages_post_approve_and_print,
    supermarket_page_moves_stock
);

/// A browser: its cookies and its session's form token.
async fn post_owned(b: &mut Browser<'_>, fields: &[(&str, String)]) -> Resp {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post("/fund/entries", &pairs).await
}

#[track_caller]
fn see_other(res: &Resp) {
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
}

/// The ledger of `org_unit` as the district administrator reads it through the API.
async fn ledger(t: &TestApp, org_unit: i64) -> Value {
    let token = t.token("admin").await;
    t.get(&format!("/api/v1/fund?org_unit={org_unit}"), &token)
        .await
        .ok(200)
        .clone()
}

async fn fund_pages_post_approve_and_print(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let c11 = fx.c11.to_string();
    let person = fx.person.to_string();
    let mut station = Browser::sign_in(&t, "station11").await;
    let page = station.get("/fund").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("href=\"/fund\"") && html.contains("href=\"/supermarket\""));
    assert!(
        html.contains("李老伯"),
        "the grant form offers the register"
    );

    // Without the token nothing is written.
    let donation = [
        ("org_unit_id", c11.as_str()),
        ("kind", "donation"),
        ("amount", "5,000"),
        ("note", "<script>alert(1)</script>爱心企业"),
    ];
    let res = station.post_form("/fund/entries", &donation, false).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(ledger(&t, fx.c11).await["total"], 0);
    see_other(&station.post("/fund/entries", &donation).await);
    let html = station.get(&format!("/fund?org_unit={c11}")).await.text();
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;爱心企业"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("¥5,000.00"));

    // ¥800 posts; ¥5,000 waits for the street; a bad amount is shown, not saved.
    let grant = |amount: &'static str| {
        vec![
            ("org_unit_id", c11.clone()),
            ("kind", "grant".to_string()),
            ("person_id", person.clone()),
            ("amount", amount.to_string()),
            ("note", "临时困难补助".to_string()),
        ]
    };
    see_other(&post_owned(&mut station, &grant("800")).await);
    see_other(&post_owned(&mut station, &grant("5000")).await);
    let bad = post_owned(&mut station, &grant("八百")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("金额应为大于 0 的数字"));
    let l = ledger(&t, fx.c11).await;
    assert_eq!(
        (l["total"].as_i64(), l["balance_cents"].as_i64()),
        (Some(3), Some(420_000))
    );
    let pending_id = l["entries"][0]["id"].as_i64().expect("id");
    let small_id = l["entries"][1]["id"].as_i64().expect("id");
    let html = station.get(&format!("/fund?org_unit={c11}")).await.text();
    assert!(
        html.contains("等待上级审批"),
        "the station cannot approve it"
    );
    assert!(!html.contains(&format!("/fund/entries/{pending_id}/decide")));

    // The street approves; the fund cannot pay it: 409 on the page, nothing moves.
    let mut street = Browser::sign_in(&t, "street1").await;
    let html = street.get(&format!("/fund?org_unit={c11}")).await.text();
    assert!(html.contains(&format!("/fund/entries/{pending_id}/decide")));
    let decide = format!("/fund/entries/{pending_id}/decide");
    let res = street
        .post(&decide, &[("decision", "approve"), ("back", &c11)])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text().contains("基金余额不足"), "{}", res.text());
    // After another donation it goes through.
    let more = [
        ("org_unit_id", c11.as_str()),
        ("kind", "donation"),
        ("amount", "1000"),
        ("note", "党员捐款"),
    ];
    see_other(&station.post("/fund/entries", &more).await);
    see_other(
        &street
            .post(&decide, &[("decision", "approve"), ("back", &c11)])
            .await,
    );
    assert_eq!(ledger(&t, fx.c11).await["balance_cents"], 20_000);

    // The voucher: capitals, who approved, numbers masked for a role that may not see them.
    let voucher = format!("/fund/entries/{small_id}/voucher");
    let html = station.get(&voucher).await.text();
    assert!(
        html.contains("助困金发放凭证") && html.contains("捌佰元整") && html.contains("¥800.00")
    );
    assert!(
        html.contains(PERSON_PHONE),
        "a station sees the recipient's phone"
    );
    let mut admin = Browser::sign_in(&t, "admin").await;
    let html = admin.get(&voucher).await.text();
    assert!(html.contains(&mask_phone(PERSON_PHONE)) && !html.contains(PERSON_PHONE));
    let html = street
        .get(&format!("/fund/entries/{pending_id}/voucher"))
        .await
        .text();
    assert!(html.contains("伍仟元整") && html.contains("街道干部"));

    // A reversal from the page.
    let reverse = [
        ("org_unit_id", c11.clone()),
        ("kind", "reversal".to_string()),
        ("reverses", small_id.to_string()),
        ("note", "重复发放".to_string()),
    ];
    see_other(&post_owned(&mut station, &reverse).await);
    assert_eq!(ledger(&t, fx.c11).await["balance_cents"], 100_000);

    // Those who do not read the fund get no link and no page.
    let mut volunteer = Browser::sign_in(&t, "volunteer").await;
    let home = volunteer.get("/").await.text();
    assert!(!home.contains("href=\"/fund\""));
    assert_eq!(volunteer.get("/fund").await.status, StatusCode::FORBIDDEN);
    t.finish().await;
}

async fn supermarket_page_moves_stock(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let c11 = fx.c11.to_string();
    let person = fx.person.to_string();
    let mut station = Browser::sign_in(&t, "station11").await;
    let page = station.get("/supermarket").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let item = [
        ("org_unit_id", c11.as_str()),
        ("name", "<b>大米</b>"),
        ("unit", "袋"),
    ];
    assert_eq!(
        station
            .post_form("/supermarket/items", &item, false)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    see_other(&station.post("/supermarket/items", &item).await);
    let token = t.token("station11").await;
    let items = t.get("/api/v1/supermarket/items", &token).await;
    let item_id = items.ok(200)["items"][0]["id"]
        .as_i64()
        .expect("id")
        .to_string();
    let html = station.get("/supermarket").await.text();
    assert!(html.contains("&#60;b&#62;大米&#60;/b&#62;") && !html.contains("<b>大米</b>"));
    let stock_in = [
        ("org_unit_id", c11.as_str()),
        ("item_id", item_id.as_str()),
        ("direction", "in"),
        ("quantity", "5"),
        ("note", "超市捐赠"),
    ];
    see_other(&station.post("/supermarket/movements", &stock_in).await);
    let too_many = [
        ("org_unit_id", c11.as_str()),
        ("item_id", item_id.as_str()),
        ("direction", "out"),
        ("quantity", "7"),
        ("person_id", person.as_str()),
    ];
    let res = station.post("/supermarket/movements", &too_many).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text().contains("库存不足"));
    let nobody = [
        ("org_unit_id", c11.as_str()),
        ("item_id", item_id.as_str()),
        ("direction", "out"),
        ("quantity", "2"),
    ];
    let res = station.post("/supermarket/movements", &nobody).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("发放物品须登记领取人"));
    let hand_out = [
        ("org_unit_id", c11.as_str()),
        ("item_id", item_id.as_str()),
        ("direction", "out"),
        ("quantity", "2"),
        ("person_id", person.as_str()),
        ("note", "节日慰问"),
    ];
    see_other(&station.post("/supermarket/movements", &hand_out).await);
    let html = station.get("/supermarket?month=2026-11").await.text();
    assert!(
        html.contains("<strong>3</strong>"),
        "stock 3 after 5 in and 2 out"
    );
    assert!(html.contains("节日慰问") && html.contains("李老伯"));
    t.finish().await;
}
