//! The monthly scoreboard and the month-end report against a month computed by hand, and
//! the workbook read back with calamine.

mod common;

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::{shanghai_time, Backend, TestApp};
use serde_json::{json, Value};

on_both_backends!(
    scoreboard_and_month_end_report,
    many_repeated_problems_list_the_most_frequent
);

fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

#[track_caller]
fn close(actual: &Value, expected: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("expected {expected}, got {actual}"));
    assert!((a - expected).abs() < 1e-9, "expected {expected}, got {a}");
}

fn body(org: i64, kind: &str, category: &str, channel: &str, location: &str) -> Value {
    json!({
        "appellant": {"name": "王阿姨", "phone": "13912345678"},
        "org_unit_id": org, "channel": channel, "kind": kind, "category": category,
        "urgency": "normal", "title": "测试诉求", "content": "内容", "location": location,
    })
}

async fn at(t: &TestApp, (m, d, h): (u32, u32, u32)) {
    t.clock.set(shanghai_time(2026, m, d, h, 0));
}

/// The month, by hand (岳阳街道 s1, November 2026, report at 11-30 12:00):
///
/// | appeal | unit | kind | category | channel | what happened |
/// |---|---|---|---|---|---|
/// | A1 | c11 | help | public_facilities.water_pipes | walk_in | accepted on time, resolved on time, satisfied & solved |
/// | A2 | c11 | complaint | public_facilities.water_pipes | phone | accepted on time, open |
/// | A3 | c11 | inquiry | public_facilities.water_pipes | online | never accepted: overdue since 11-25 10:00 |
/// | A4 | c12 | suggestion | elder_care.meals | walk_in | accepted late (11-26) |
///
/// All four at "3号楼2单元" except A4: a repeated problem (3 × water pipes there).
/// Response 2/4 = 0.5; on time 1/2 (A1 on time; A3, an inquiry, is still open past its
/// resolve_by of 11-26 10:00); resolution 1/1; satisfaction 1/1; score
/// (30 × 0.5 + 35 + 35) = 85. c11: response 2/3, score 90; c12: response 0/1, score 0.
/// October: one appeal at c12, accepted on time (score 100, rank 1).
async fn scoreboard_and_month_end_report(b: Backend) {
    let t = TestApp::new(b).await;
    let (c11, c12) = (t.fx.c11, t.fx.c12);
    let water = "public_facilities.water_pipes";
    let place = "3号楼2单元";

    // Every unit with a score is judged here (the small-sample rule: tests/figures.rs).
    let admin = t.token("admin").await;
    let rule = json!({"response": 30, "resolution": 35, "satisfaction": 35, "min_sample": 1});
    t.call(
        axum::http::Method::PUT,
        "/api/v1/score-weights",
        Some(&admin),
        Some(rule),
    )
    .await
    .ok(200);
    at(&t, (10, 13, 9)).await;
    let oct = t
        .create_appeal("station12", body(c12, "help", water, "walk_in", "菜场"))
        .await;
    at(&t, (10, 13, 10)).await;
    t.act_ok("station12", id_of(&oct), json!({"action": "accept"}))
        .await;

    at(&t, (11, 24, 10)).await;
    let a1 = id_of(
        &t.create_appeal("station11", body(c11, "help", water, "walk_in", place))
            .await,
    );
    let a2 = id_of(
        &t.create_appeal("station11", body(c11, "complaint", water, "phone", place))
            .await,
    );
    let a3 = t
        .create_appeal("station11", body(c11, "inquiry", water, "online", place))
        .await;
    let a4 = id_of(
        &t.create_appeal(
            "station12",
            body(c12, "suggestion", "elder_care.meals", "walk_in", ""),
        )
        .await,
    );
    at(&t, (11, 24, 11)).await;
    t.act_ok("station11", a1, json!({"action": "accept"})).await;
    t.act_ok("station11", a2, json!({"action": "accept"})).await;
    at(&t, (11, 25, 9)).await;
    t.act_ok(
        "station11",
        a1,
        json!({"action": "resolve", "resolution": "solved", "note": "已修复"}),
    )
    .await;
    t.act_ok(
        "station11",
        a1,
        json!({"action": "feedback", "channel": "phone", "note": "已告知"}),
    )
    .await;
    t.act_ok(
        "station11",
        a1,
        json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true}),
    )
    .await;
    at(&t, (11, 26, 10)).await;
    t.act_ok("station12", a4, json!({"action": "accept"})).await;
    at(&t, (11, 30, 12)).await;

    let admin = t.token("admin").await;
    let url = format!("/api/v1/reports/monthly?org_unit={}&month=2026-11", t.fx.s1);
    let r = t.get(&url, &admin).await;
    let r = r.ok(200).clone();
    assert_eq!(r["month"], "2026-11");
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2026-11-01"), Some("2026-11-30"))
    );
    assert_eq!(r["received"], 4);
    close(&r["response_rate"], 0.5);
    close(&r["on_time_rate"], 0.5);
    close(&r["resolution_rate"], 1.0);
    close(&r["satisfaction_rate"], 1.0);
    close(&r["score"], 85.0);
    let counts = |key: &str| -> Vec<(String, i64)> {
        r[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|c| {
                (
                    c["code"].as_str().unwrap_or_default().to_string(),
                    c["count"].as_i64().unwrap_or(-1),
                )
            })
            .collect()
    };
    let pairs = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(c, n)| (c.to_string(), *n)).collect()
    };
    assert_eq!(
        counts("by_kind"),
        pairs(&[
            ("complaint", 1),
            ("help", 1),
            ("inquiry", 1),
            ("suggestion", 1)
        ])
    );
    assert_eq!(
        counts("by_channel"),
        pairs(&[("online", 1), ("phone", 1), ("walk_in", 2)])
    );
    assert_eq!(
        counts("by_category"),
        pairs(&[("elder_care", 1), ("public_facilities", 3)])
    );
    assert_eq!(
        counts("top_categories"),
        pairs(&[("public_facilities", 3), ("elder_care", 1)])
    );
    assert_eq!(r["by_kind"][1]["name"], "求助");
    assert_eq!(
        r["repeated"],
        json!([{"org_unit_id": c11, "org_unit_name": "佛字桥居民区", "location": place,
        "category": water, "category_name": r["repeated"][0]["category_name"], "count": 3}])
    );
    assert_eq!(r["repeated_total"], 1);
    let overdue = r["overdue"].as_array().expect("overdue");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["tracking_code"], a3["tracking_code"]);
    assert_eq!(overdue[0]["deadline"], "2026-11-25T10:00:00+08:00");
    let children = r["children"].as_array().expect("children");
    let child = |id: i64| {
        children
            .iter()
            .find(|c| c["org_unit_id"] == id)
            .cloned()
            .expect("child")
    };
    close(&child(c11)["score"], 90.0);
    assert_eq!(child(c11)["rank"], 1);
    close(&child(c12)["score"], 0.0);
    assert_eq!(child(c12)["rank"], 2);

    // The scoreboard: communities and streets, with the change since October.
    let ranking = t
        .get("/api/v1/ranking?level=community&month=2026-11", &admin)
        .await;
    let ranking = ranking.ok(200).clone();
    let row = |id: i64| {
        ranking
            .as_array()
            .expect("list")
            .iter()
            .find(|x| x["org_unit_id"] == id)
            .cloned()
            .expect("row")
    };
    assert_eq!(ranking.as_array().map(Vec::len), Some(4));
    assert_eq!(ranking[0]["org_unit_id"], c11, "best first");
    assert_eq!(
        (row(c11)["rank"].clone(), row(c11)["change"].clone()),
        (json!(1), Value::Null)
    );
    assert_eq!(
        (row(c12)["rank"].clone(), row(c12)["change"].clone()),
        (json!(2), json!(-1))
    );
    assert_eq!(row(t.fx.c21)["rank"], Value::Null);
    assert_eq!(
        (
            &row(c11)["judged"],
            &row(c11)["sample"],
            &row(t.fx.c21)["judged"]
        ),
        (&json!(true), &json!(3), &json!(false))
    );
    assert_eq!(
        (
            row(c11)["overdue_open"].clone(),
            row(c12)["overdue_open"].clone()
        ),
        (json!(1), json!(0))
    );
    let streets = t
        .get("/api/v1/ranking?level=street&month=2026-11", &admin)
        .await;
    let streets = streets.ok(200).clone();
    assert_eq!(streets[0]["org_unit_id"], t.fx.s1);
    close(&streets[0]["score"], 85.0);
    assert_eq!(
        (streets[0]["rank"].clone(), streets[0]["change"].clone()),
        (json!(1), json!(0))
    );
    // A street sees only its own communities; bad parameters are 422; volunteers may not.
    let street = t.token("street1").await;
    let own = t
        .get("/api/v1/ranking?level=community&month=2026-11", &street)
        .await;
    assert_eq!(own.ok(200).as_array().map(Vec::len), Some(2));
    t.get("/api/v1/ranking?level=grid", &admin)
        .await
        .field_error("level");
    t.get("/api/v1/ranking?level=street&month=2026-13", &admin)
        .await
        .field_error("month");
    let volunteer = t.token("volunteer").await;
    t.get("/api/v1/ranking?level=street", &volunteer)
        .await
        .problem(403);
    let other = format!("/api/v1/reports/monthly?org_unit={}&month=2026-11", t.fx.s2);
    t.get(&other, &street).await.problem(404);

    // The appeals longest overdue, by node, whenever received: October's appeal at c12 (open
    // past its resolve_by since October) before A3 at c11 (past its respond_by since 11-25).
    let worst = t
        .get("/api/v1/reports/overdue?level=community", &admin)
        .await;
    let worst = worst.ok(200).clone();
    let groups: Vec<(i64, Vec<String>)> = worst
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["org_unit_id"].as_i64().unwrap_or(0),
                g["appeals"]
                    .as_array()
                    .expect("appeals")
                    .iter()
                    .map(|a| a["tracking_code"].as_str().unwrap_or("").to_string())
                    .collect(),
            )
        })
        .collect();
    let code = |v: &Value| v["tracking_code"].as_str().unwrap_or("").to_string();
    assert_eq!(groups, [(c12, vec![code(&oct)]), (c11, vec![code(&a3)])]);
    let by_street = t
        .get("/api/v1/reports/overdue?level=street&per_node=1", &admin)
        .await;
    let by_street = by_street.ok(200).clone();
    assert_eq!(by_street.as_array().map(Vec::len), Some(1));
    assert_eq!(by_street[0]["org_unit_id"], t.fx.s1);
    assert_eq!(by_street[0]["appeals"].as_array().map(Vec::len), Some(1));
    t.get("/api/v1/reports/overdue?level=community&per_node=0", &admin)
        .await
        .field_error("per_node");
    t.get(
        &format!(
            "/api/v1/reports/overdue?level=community&org_unit={}",
            t.fx.s2
        ),
        &street,
    )
    .await
    .problem(404);

    // The printable report page shows the same month; the scoreboard page the same ranks.
    let page = t
        .get(
            &format!("/reports?org_unit={}&month=2026-11", t.fx.s1),
            &admin,
        )
        .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    let section = |id: &str| -> String {
        html.split(&format!("data-testid=\"{id}\""))
            .nth(1)
            .and_then(|s| s.split("</table>").next())
            .unwrap_or_else(|| panic!("no {id} in the page"))
            .to_string()
    };
    assert!(html.contains("2026-11 诉求工作月报"));
    assert!(
        html.contains("<span class=\"v\">50.0%</span>")
            && html.contains("<span class=\"v\">85.0</span>")
    );
    assert!(section("summary").contains("<td class=\"num\" data-figure=\"received\">4</td>"));
    assert!(
        section("repeated").contains(place)
            && section("repeated").contains("<td>佛字桥居民区</td>")
            && section("repeated").contains("<td class=\"num\">3</td>")
    );
    assert!(section("overdue").contains(&code(&a3)));
    assert!(
        !section("overdue").contains(&code(&oct)),
        "October's is not the month's"
    );
    assert!(html.contains("format=xlsx"));
    let board = t
        .get("/ranking?level=community&month=2026-11", &admin)
        .await
        .text();
    let table = board
        .split("data-testid=\"ranking\"")
        .nth(1)
        .expect("a ranking");
    let (p11, p12) = (
        table.find("佛字桥").expect("c11 row"),
        table.find("↓1").expect("c12 moved down one"),
    );
    assert!(p11 < p12, "best first");
    let worst_html = board
        .split("data-testid=\"worst\"")
        .nth(1)
        .expect("worst list");
    assert!(worst_html.find(&code(&oct)) < worst_html.find(&code(&a3)));
    assert_eq!(t.get("/reports", &volunteer).await.status, 403);

    // The workbook, read back.
    let res = t.get(&format!("{url}&format=xlsx"), &admin).await;
    assert_eq!(res.status, 200);
    assert!(
        res.content_type().contains("spreadsheetml"),
        "{}",
        res.content_type()
    );
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(res.bytes.clone())).expect("an xlsx");
    assert_eq!(wb.sheet_names(), ["汇总", "排名", "台账", "超期"]);
    let ledger = wb.worksheet_range("台账").expect("台账");
    let rows: Vec<Vec<Data>> = ledger.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows.len(), 5, "header and the month's four appeals");
    assert_eq!(rows[0][0], Data::String("查询码".into()));
    assert_eq!(rows[0][16], Data::String("是否超期".into()));
    let overdue_flags: Vec<String> = rows[1..].iter().map(|r| r[16].to_string()).collect();
    assert_eq!(overdue_flags, ["否", "否", "是", "否"]);
    assert!(
        !rows
            .iter()
            .flatten()
            .any(|c| c.to_string().contains("王阿姨") || c.to_string().contains("1391234")),
        "no appellant data in the ledger"
    );
    let summary = wb.worksheet_range("汇总").expect("汇总");
    let find = |label: &str| -> Data {
        summary
            .rows()
            .find(|r| {
                r.first()
                    .is_some_and(|c| *c == Data::String(label.to_string()))
            })
            .and_then(|r| r.get(1).cloned())
            .unwrap_or(Data::Empty)
    };
    assert_eq!(find("登记量"), Data::Float(4.0));
    assert_eq!(find("响应率"), Data::Float(0.5));
    assert_eq!(find("综合得分"), Data::Float(85.0));
    let repeated: Vec<Vec<String>> = summary
        .rows()
        .skip_while(|r| {
            !r.first()
                .is_some_and(|c| c.to_string().starts_with("重复问题"))
        })
        .skip(2)
        .map(|r| r.iter().take(4).map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(repeated.len(), 1);
    assert_eq!(
        repeated[0][..2],
        ["佛字桥居民区".to_string(), place.to_string()]
    );
    assert_eq!(repeated[0][3], "3");
    let late = wb.worksheet_range("超期").expect("超期");
    let late: Vec<Vec<Data>> = late.rows().map(|r| r.to_vec()).collect();
    assert_eq!(late.len(), 2);
    assert_eq!(
        late[1][0].to_string(),
        a3["tracking_code"].as_str().unwrap_or_default()
    );
    let ranks = wb.worksheet_range("排名").expect("排名");
    assert_eq!(ranks.rows().count(), 3);
    t.finish().await;
}

/// A month with more repeated problems than the report lists: the 20 most frequent, the most
/// first, and how many there are, in the JSON and on the page.
async fn many_repeated_problems_list_the_most_frequent(b: Backend) {
    let t = TestApp::new(b).await;
    let water = "public_facilities.water_pipes";
    at(&t, (11, 24, 10)).await;
    // 21 buildings with three appeals each; building 7 with four.
    for building in 1..=21 {
        let times = if building == 7 { 4 } else { 3 };
        for _ in 0..times {
            let place = format!("{building}号楼");
            t.create_appeal(
                "station11",
                body(t.fx.c11, "help", water, "walk_in", &place),
            )
            .await;
        }
    }
    let admin = t.token("admin").await;
    let url = format!("/api/v1/reports/monthly?org_unit={}&month=2026-11", t.fx.s1);
    let r = t.get(&url, &admin).await;
    let r = r.ok(200);
    assert_eq!(r["repeated_total"], 21);
    let listed = r["repeated"].as_array().expect("repeated");
    assert_eq!(listed.len(), 20);
    assert_eq!(
        (&listed[0]["location"], &listed[0]["count"]),
        (&json!("7号楼"), &json!(4))
    );
    assert!(listed[1..].iter().all(|x| x["count"] == 3));
    let page = t
        .get(
            &format!("/reports?org_unit={}&month=2026-11", t.fx.s1),
            &admin,
        )
        .await;
    let html = page.text();
    assert!(
        html.contains("本月共 21 处重复诉求，下表列出次数最多的 20 处。"),
        "the note says how many"
    );
    t.finish().await;
}
