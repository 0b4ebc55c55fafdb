//! One definition per figure, everywhere: appeals in known states across two streets, each
//! figure recomputed from the appeals with core's reference (`Counts::from_facts`, the figure
//! table, `ranking::standings`), and compared with every surface that shows it — the
//! dashboard, the list, /stats, /ranking and its API, /reports with its JSON and workbook, and
//! the metrics API. Also the small-sample rule as the pages and the API show it, and that an
//! appeal marked as spam is in none of them (and one unmarked counts again).

mod common;

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, Utc};
use common::browser::Browser;
use common::{shanghai_time, Backend, TestApp};
use serde_json::{json, Value};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::figures::{self, Basis, Figure};
use suqiu_core::measures::{AppealFacts, Counts, ScoreWeights};
use suqiu_core::org::in_subtree;
use suqiu_core::ranking::{self, standings, Standing};

on_both_backends!(every_surface_shows_the_same_figures);

/// The counts a surface shows, in the order checked.
const COUNTED: [Figure; 8] = [
    figures::RECEIVED,
    figures::ACCEPTED,
    figures::RESOLVED,
    figures::CLOSED,
    figures::FOLLOWED_UP,
    figures::SAMPLE,
    figures::OVERDUE_OPEN,
    figures::OVERDUE_NOW,
];

/// The JSON field of a node's own measures that carries a figure (its sample is the response
/// rate's denominator there; rows carry it as `sample`).
fn measures_field(f: &Figure) -> &'static str {
    if f.code == "sample" {
        "response_due"
    } else {
        f.code
    }
}

fn body(org: i64, kind: &str) -> Value {
    json!({
        "appellant": {"name": "李大爷", "phone": "13812345678"},
        "org_unit_id": org, "channel": "walk_in", "kind": kind,
        "category": "public_facilities.water_pipes", "urgency": "normal",
        "title": "测试诉求", "content": "内容", "location": "5号楼",
    })
}

async fn at(t: &TestApp, m: u32, d: u32, h: u32) {
    t.clock.set(shanghai_time(2026, m, d, h, 0));
}

/// Every appeal's facts and node path, read back from the store (the reference's input).
async fn facts(t: &TestApp, codes: &[String]) -> Vec<(String, AppealFacts)> {
    let mut out = Vec::new();
    for code in codes {
        let (record, _) = t
            .store
            .appeal_for_appellant(code)
            .await
            .expect("read")
            .expect("the appeal");
        out.push((
            record.place.org_path.clone(),
            AppealFacts::from(&record.appeal),
        ));
    }
    out
}

/// The reference counts of the subtree at `path`: over November's appeals, or over all.
fn reference(
    all: &[(String, AppealFacts)],
    path: &str,
    basis: Basis,
    now: DateTime<Utc>,
) -> Counts {
    let november = |f: &AppealFacts| {
        let day = shanghai_date(f.created_at);
        day >= NaiveDate::from_ymd_opt(2026, 11, 1).expect("day")
            && day <= NaiveDate::from_ymd_opt(2026, 11, 30).expect("day")
    };
    Counts::from_facts(
        all.iter()
            .filter(|(p, f)| in_subtree(path, p) && (basis == Basis::Now || november(f)))
            .map(|(_, f)| f),
        now,
    )
}

/// A figure's reference value for the subtree at `path`.
fn expected(all: &[(String, AppealFacts)], path: &str, f: &Figure, now: DateTime<Utc>) -> u64 {
    f.count(&reference(all, path, f.basis, now))
        .expect("a count")
}

/// The first number an HTML fragment shows after `marker` (markup and words skipped).
fn number_after(html: &str, marker: &str) -> u64 {
    let rest = html
        .split(marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no {marker:?} in the page"));
    rest.split('<')
        .take(8)
        .find_map(|s| s.rsplit('>').next().and_then(|t| t.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no count after {marker:?}"))
}

/// The value of the KPI labelled `label` (value first, label after, as on /stats).
fn kpi(html: &str, label: &str) -> u64 {
    let end = html
        .find(&format!("<span class=\"sub\">{label}</span>"))
        .unwrap_or_else(|| panic!("no KPI {label}"));
    let before = &html[..end];
    let close = before.rfind("</").expect("a value");
    let open = before[..close].rfind('>').expect("a value");
    before[open + 1..close]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("KPI {label}: {:?}", &before[open + 1..close]))
}

/// The row of unit `id` in the table after `testid`.
fn unit_row(html: &str, testid: &str, id: i64) -> String {
    let table = html
        .split(&format!("data-testid=\"{testid}\""))
        .nth(1)
        .and_then(|s| s.split("</table>").next())
        .unwrap_or_else(|| panic!("no {testid}"));
    table
        .split(&format!("data-unit=\"{id}\""))
        .nth(1)
        .and_then(|s| s.split("</tr>").next())
        .unwrap_or_else(|| panic!("no row of {id} in {testid}"))
        .to_string()
}

/// The cells' texts of a table row.
fn cells(row: &str) -> Vec<String> {
    row.split("<td")
        .skip(1)
        .map(|c| {
            let inner = c.split_once('>').map(|x| x.1).unwrap_or("");
            let inner = inner.split("</td>").next().unwrap_or("");
            // Strip a link around the value.
            inner
                .split('<')
                .map(|s| s.rsplit('>').next().unwrap_or(""))
                .collect::<String>()
        })
        .collect()
}

async fn new_appeal(t: &TestApp, codes: &mut Vec<String>, user: &str, org: i64, kind: &str) -> i64 {
    let a = t.create_appeal(user, body(org, kind)).await;
    codes.push(a["tracking_code"].as_str().expect("code").to_string());
    a["id"].as_i64().expect("id")
}

/// The scenario (岳阳街道 s1 with c11, c12; s2 with c21), minimum sample 2, report at
/// 11-30 12:00:
///
/// | appeal | unit | received | what happened |
/// |---|---|---|---|
/// | O1 | c11 | 10-13 | accepted, never resolved: overdue since October |
/// | X1 | c11 | 11-24 | never accepted: overdue since 11-25 |
/// | X2 | c11 | 11-24 | accepted, resolved, fed back, followed up satisfied and solved |
/// | X3 | c11 | 11-24 | accepted, open, not yet due |
/// | Y1 | c12 | 11-24 | accepted (sample 1: not judged) |
/// | Z1 | c21 | 11-24 | never accepted: overdue |
/// | Z2 | c21 | 11-24 | accepted |
/// | S1 | c11 | 11-24 | never accepted, marked as spam: in no figure (else overdue too) |
/// | S2 | c21 | 11-24 | accepted, marked as spam and unmarked: counted as Z2 is |
///
/// The reported defect was exactly this: c11's 已超期 (O1 and X1: 2) against its November
/// appeals overdue (X1: 1) under one name.
async fn every_surface_shows_the_same_figures(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let admin = t.token("admin").await;
    let rule = json!({"response": 30, "resolution": 35, "satisfaction": 35, "min_sample": 2});
    t.call(
        axum::http::Method::PUT,
        "/api/v1/score-weights",
        Some(&admin),
        Some(rule),
    )
    .await
    .ok(200);
    let mut codes = Vec::new();
    at(&t, 10, 13, 9).await;
    let o1 = new_appeal(&t, &mut codes, "station11", fx.c11, "help").await;
    t.act_ok("station11", o1, json!({"action": "accept"})).await;
    at(&t, 11, 24, 10).await;
    new_appeal(&t, &mut codes, "station11", fx.c11, "inquiry").await;
    let x2 = new_appeal(&t, &mut codes, "station11", fx.c11, "help").await;
    let x3 = new_appeal(&t, &mut codes, "station11", fx.c11, "complaint").await;
    let y1 = new_appeal(&t, &mut codes, "station12", fx.c12, "suggestion").await;
    new_appeal(&t, &mut codes, "station21", fx.c21, "help").await;
    let z2 = new_appeal(&t, &mut codes, "station21", fx.c21, "help").await;
    let sp1 = new_appeal(&t, &mut codes, "station11", fx.c11, "complaint").await;
    let sp2 = new_appeal(&t, &mut codes, "station21", fx.c21, "help").await;
    at(&t, 11, 24, 11).await;
    let spam = json!({"action": "mark_spam", "reason": "广告"});
    t.act_ok("station11", sp1, spam.clone()).await;
    t.act_ok("station21", sp2, json!({"action": "accept"}))
        .await;
    t.act_ok("station21", sp2, spam).await;
    t.act_ok(
        "station21",
        sp2,
        json!({"action": "unmark_spam", "note": "误标"}),
    )
    .await;
    for (user, id) in [
        ("station11", x2),
        ("station11", x3),
        ("station12", y1),
        ("station21", z2),
    ] {
        t.act_ok(user, id, json!({"action": "accept"})).await;
    }
    at(&t, 11, 25, 9).await;
    for action in [
        json!({"action": "resolve", "resolution": "solved", "note": "已修复"}),
        json!({"action": "feedback", "channel": "phone", "note": "已告知"}),
        json!({"action": "follow_up", "satisfaction": "satisfied", "solved": true}),
    ] {
        t.act_ok("station11", x2, action).await;
    }
    at(&t, 11, 30, 12).await;
    let admin = t.token("admin").await;
    let all = facts(&t, &codes).await;
    let path = |id: i64| {
        let store = t.store.clone();
        async move { store.org_unit(id).await.expect("read").expect("unit").path }
    };
    let s = Scene {
        now: t.clock.now(),
        c11: path(fx.c11).await,
        s1: path(fx.s1).await,
        all,
    };
    // The spam appeal is in the reference's input, and counts nowhere.
    assert_eq!(s.all.iter().filter(|(_, f)| f.spam).count(), 1);
    // The defect as reported: one name, two numbers. Now two names.
    assert_eq!(expected(&s.all, &s.c11, &figures::OVERDUE_NOW, s.now), 2);
    assert_eq!(expected(&s.all, &s.c11, &figures::OVERDUE_OPEN, s.now), 1);

    dashboard_and_list(&t, &s).await;
    stats_and_metrics(&t, &admin, &s).await;
    ranking_page_and_api(&t, &admin, &s).await;
    report_json_page_and_workbook(&t, &admin, &s).await;
    let problems = t.store.verify_rollups().await.expect("verify");
    assert!(problems.is_empty(), "{problems:?}");
    t.finish().await;
}

struct Scene {
    now: DateTime<Utc>,
    c11: String,
    s1: String,
    all: Vec<(String, AppealFacts)>,
}

/// The station's dashboard tile 已超期 and the list it opens count the same appeals.
async fn dashboard_and_list(t: &TestApp, s: &Scene) {
    let mut station = Browser::sign_in(t, "station11").await;
    let home = station.get("/").await.text();
    let want = expected(&s.all, &s.c11, &figures::OVERDUE_NOW, s.now);
    assert_eq!(number_after(&home, "data-testid=\"home.overdue\""), want);
    assert!(home.contains(&format!("title=\"{}\"", figures::OVERDUE_NOW.note_zh)));
    let href = "/appeals?overdue=true&sort=deadline";
    let tile = home
        .split("data-testid=\"home.overdue\"")
        .next()
        .and_then(|s| s.rsplit("<a ").next())
        .expect("the tile");
    assert!(
        tile.contains("overdue=true"),
        "the tile opens the overdue list: {tile}"
    );
    let list = station.get(href).await.text();
    assert_eq!(number_after(&list, "data-testid=\"total\""), want);
    assert!(
        list.contains(figures::OVERDUE_NOW.zh),
        "the filter carries the figure's name"
    );
}

/// /stats and `/api/v1/metrics` for the street in November.
async fn stats_and_metrics(t: &TestApp, admin: &str, s: &Scene) {
    let (c11, c12) = (t.fx.c11, t.fx.c12);
    let q = format!("org_unit={}&from=2026-11-01&to=2026-11-30", t.fx.s1);
    let m = t
        .get(&format!("/api/v1/metrics?{q}"), admin)
        .await
        .ok(200)
        .clone();
    for f in COUNTED {
        assert_eq!(
            m[measures_field(&f)],
            json!(expected(&s.all, &s.s1, &f, s.now)),
            "{}",
            f.code
        );
    }
    let mut browser = Browser::sign_in(t, "admin").await;
    let html = browser.get(&format!("/stats?{q}")).await.text();
    for f in [
        figures::RECEIVED,
        figures::OVERDUE_OPEN,
        figures::OVERDUE_NOW,
    ] {
        assert_eq!(
            kpi(&html, f.zh),
            expected(&s.all, &s.s1, &f, s.now),
            "/stats {}",
            f.code
        );
    }
    assert!(html.contains("data-testid=\"legend\"") && html.contains(figures::SAMPLE.note_zh));
    // The children: judged c11 ranked, c12 below the minimum, in the API and on the page.
    let child = |id: i64| {
        m["children"]
            .as_array()
            .expect("children")
            .iter()
            .find(|c| c["org_unit_id"] == id)
            .cloned()
            .expect("child")
    };
    assert_eq!(
        (&child(c11)["rank"], &child(c11)["judged"]),
        (&json!(1), &json!(true))
    );
    assert_eq!(
        (&child(c12)["rank"], &child(c12)["sample"]),
        (&Value::Null, &json!(1))
    );
    assert_eq!(
        child(c11)["overdue_now"],
        json!(expected(&s.all, &s.c11, &figures::OVERDUE_NOW, s.now))
    );
    assert!(html.contains(&ranking::unjudged_zh(1)));
}

/// The reference standings of sibling units (their paths), November.
fn reference_standings(s: &Scene, paths: &[String]) -> Vec<Standing> {
    let counts: Vec<Counts> = paths
        .iter()
        .map(|p| reference(&s.all, p, Basis::Period, s.now))
        .collect();
    standings(
        &counts,
        &ScoreWeights {
            min_sample: 2,
            ..ScoreWeights::default()
        },
    )
}

/// `/api/v1/ranking` and /ranking: every community's rank, judgement, sample and overdue
/// counts, judged first by rank.
async fn ranking_page_and_api(t: &TestApp, admin: &str, s: &Scene) {
    let rows = t
        .get("/api/v1/ranking?level=community&month=2026-11", admin)
        .await
        .ok(200)
        .clone();
    let rows = rows.as_array().expect("rows").clone();
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r["org_unit_id"].as_i64().expect("id"))
        .collect();
    let mut paths = Vec::new();
    for id in &ids {
        paths.push(
            t.store
                .org_unit(*id)
                .await
                .expect("read")
                .expect("unit")
                .path,
        );
    }
    let want = reference_standings(s, &paths);
    let mut browser = Browser::sign_in(t, "admin").await;
    let html = browser
        .get("/ranking?level=community&month=2026-11")
        .await
        .text();
    assert!(html.contains("data-testid=\"ranking-rule\"") && html.contains("不少于 2 件"));
    for ((row, st), path) in rows.iter().zip(&want).zip(&paths) {
        let id = row["org_unit_id"].as_i64().expect("id");
        assert_eq!(row["rank"], json!(st.rank), "rank of {id}");
        assert_eq!(
            (&row["judged"], &row["sample"]),
            (&json!(st.judged), &json!(st.sample))
        );
        for f in [figures::OVERDUE_OPEN, figures::OVERDUE_NOW] {
            assert_eq!(
                row[f.code],
                json!(expected(&s.all, path, &f, s.now)),
                "{} of {id}",
                f.code
            );
        }
        let shown = cells(&unit_row(&html, "ranking", id));
        let rank = st
            .rank
            .map_or_else(|| ranking::unjudged_zh(st.sample), |r| r.to_string());
        assert_eq!(shown[0], rank, "rank cell of {id}");
        assert_eq!(shown[3], st.sample.to_string());
        assert_eq!(shown[5], row["overdue_now"].to_string(), "已超期 of {id}");
    }
    // Judged rows first, by rank.
    let order: Vec<(bool, u32)> = want.iter().map(Standing::order_key).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert!(want.iter().any(|s| s.judged) && want.iter().any(|s| !s.judged && s.sample > 0));
}

/// The month-end report of the street: JSON, page and workbook.
async fn report_json_page_and_workbook(t: &TestApp, admin: &str, s: &Scene) {
    let url = format!("/api/v1/reports/monthly?org_unit={}&month=2026-11", t.fx.s1);
    let r = t.get(&url, admin).await.ok(200).clone();
    let mut browser = Browser::sign_in(t, "admin").await;
    let html = browser
        .get(&format!("/reports?org_unit={}&month=2026-11", t.fx.s1))
        .await
        .text();
    let res = t.get(&format!("{url}&format=xlsx"), admin).await;
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(res.bytes.clone())).expect("an xlsx");
    let summary = wb.worksheet_range("汇总").expect("汇总");
    let cell = |label: &str| -> Data {
        summary
            .rows()
            .find(|r| r.first() == Some(&Data::String(label.to_string())))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or(Data::Empty)
    };
    for f in COUNTED {
        let want = expected(&s.all, &s.s1, &f, s.now);
        assert_eq!(r[measures_field(&f)], json!(want), "report JSON {}", f.code);
        assert_eq!(cell(f.zh), Data::Float(want as f64), "workbook {}", f.code);
        let th = format!("title=\"{}\">{}</th>", f.note_zh, f.zh);
        assert_eq!(number_after(&html, &th), want, "report page {}", f.code);
    }
    // The children: ranked as the scoreboard ranks them, in the JSON, the page and the sheet.
    let children = r["children"].as_array().expect("children").clone();
    let mut paths = Vec::new();
    for c in &children {
        let id = c["org_unit_id"].as_i64().expect("id");
        paths.push(
            t.store
                .org_unit(id)
                .await
                .expect("read")
                .expect("unit")
                .path,
        );
    }
    let want = reference_standings(s, &paths);
    let sheet = wb.worksheet_range("排名").expect("排名");
    let sheet: Vec<Vec<Data>> = sheet.rows().skip(1).map(|r| r.to_vec()).collect();
    for ((i, c), st) in children.iter().enumerate().zip(&want) {
        assert_eq!(
            (&c["rank"], &c["judged"]),
            (&json!(st.rank), &json!(st.judged))
        );
        let rank = st
            .rank
            .map_or_else(|| ranking::unjudged_zh(st.sample), |r| r.to_string());
        let id = c["org_unit_id"].as_i64().expect("id");
        assert_eq!(cells(&unit_row(&html, "children", id))[0], rank);
        assert_eq!(sheet[i][0].to_string(), rank, "sheet rank of {id}");
        assert_eq!(sheet[i][3], Data::Float(st.sample as f64));
    }
    assert!(html.contains("data-testid=\"legend\"") && html.contains(figures::ACCEPTED.note_zh));
}
