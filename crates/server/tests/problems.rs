//! Issue 16 §2: problems (问题) — appeals about one problem grouped, handled once through
//! the lead — on SQLite and PostgreSQL, as users see it: the API and its problems (every
//! scope attack named: another street's appeal, a closed one, one already in another
//! problem), the loop carried from the lead to every member (each appellant answered, each
//! follow-up its own), the measures recomputed from the appeals with core's reference, and
//! the pages without JS (a failed form keeps what was typed and names the field).

mod common;

use common::browser::Browser;
use common::{shanghai_time, Backend, TestApp};
use serde_json::{json, Value};
use suqiu_core::measures::{AppealFacts, Counts};
use suqiu_core::outbound::OutChannel;
use suqiu_testkit::pages::location;

on_both_backends!(
    grouping_is_scoped_and_every_refusal_names_its_field,
    two_desks_grouping_one_appeal_at_once_one_wins,
    the_lead_carries_every_member_through_the_loop,
    the_pages_group_change_and_show_a_problem,
);

/// An appeal at `org` by an appellant with `phone`, registered by `who`; its id and code.
async fn appeal(t: &TestApp, who: &str, org: i64, phone: &str) -> (i64, String) {
    let mut body = TestApp::appeal_body(org);
    body["appellant"]["phone"] = phone.into();
    let a = t.create_appeal(who, body).await;
    (
        a["id"].as_i64().expect("id"),
        a["tracking_code"].as_str().expect("code").to_string(),
    )
}

async fn accept(t: &TestApp, who: &str, id: i64) {
    t.act_ok(who, id, json!({"action": "accept"})).await;
}

/// `POST /api/v1/problems` as `who`.
async fn group(t: &TestApp, who: &str, lead: i64, others: &[i64]) -> common::Resp {
    let token = t.token(who).await;
    t.post(
        "/api/v1/problems",
        &token,
        json!({"title": "3号楼水管漏水", "place": "3号楼", "lead_appeal_id": lead, "appeal_ids": others}),
    )
    .await
}

async fn problem_act(t: &TestApp, who: &str, id: i64, body: Value) -> common::Resp {
    let token = t.token(who).await;
    t.post(&format!("/api/v1/problems/{id}/actions"), &token, body)
        .await
}

async fn status_of(t: &TestApp, who: &str, id: i64) -> Value {
    let token = t.token(who).await;
    t.get(&format!("/api/v1/appeals/{id}"), &token)
        .await
        .ok(200)
        .clone()
}

/// The refusal's first field and code.
fn refused(res: &common::Resp, status: u16) -> (String, String) {
    let p = res.problem(status);
    let e = &p["errors"][0];
    (
        e["field"].as_str().unwrap_or_default().to_string(),
        e["code"].as_str().unwrap_or_default().to_string(),
    )
}

async fn grouping_is_scoped_and_every_refusal_names_its_field(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let (a1, _) = appeal(&t, "station11", fx.c11, "13900000001").await;
    let (a2, _) = appeal(&t, "station11", fx.c11, "13900000002").await;
    let (a3, code3) = appeal(&t, "station11", fx.c11, "13900000003").await;
    let (c1, _) = appeal(&t, "station12", fx.c12, "13900000004").await;
    let (other_street, _) = appeal(&t, "station21", fx.c21, "13900000005").await;
    accept(&t, "station11", a1).await;

    // Another street's appeal is never pulled in: to the station it does not exist.
    let res = group(&t, "station11", a1, &[a2, other_street]).await;
    assert_eq!(
        refused(&res, 422),
        ("appeal_ids".into(), "problem_appeal_unknown".into())
    );
    // The next community's appeal is seen by the street, not by this station.
    let res = group(&t, "station11", a1, &[c1]).await;
    assert_eq!(
        refused(&res, 422),
        ("appeal_ids".into(), "problem_appeal_unknown".into())
    );
    // A title is required, and one appeal is no problem.
    let token = t.token("station11").await;
    let res = t
        .post(
            "/api/v1/problems",
            &token,
            json!({"title": " ", "lead_appeal_id": a1, "appeal_ids": [a2]}),
        )
        .await;
    assert_eq!(refused(&res, 422).0, "title");
    let res = group(&t, "station11", a1, &[a1]).await;
    assert_eq!(
        refused(&res, 422),
        ("appeal_ids".into(), "problem_too_few".into())
    );
    // A volunteer may not group; a liaison neither.
    group(&t, "volunteer", a1, &[a2]).await.problem(403);

    // The street groups across its two communities; the problem is the street's.
    let res = group(&t, "street1", a1, &[a2, c1]).await;
    let p = res.ok(201).clone();
    let pid = p["id"].as_i64().expect("id");
    assert_eq!(p["org_unit"]["id"], fx.s1);
    assert_eq!(p["status"], "open");
    assert_eq!(p["appeals"].as_array().expect("appeals").len(), 3);
    assert_eq!(p["appeals"][0]["id"], a1, "the lead first");
    assert_eq!(status_of(&t, "street1", a2).await["status"], "merged");
    assert_eq!(status_of(&t, "street1", a2).await["merged_into"], a1);
    assert_eq!(status_of(&t, "street1", a1).await["problem"]["lead"], true);
    assert_eq!(status_of(&t, "street1", c1).await["problem"]["id"], pid);
    // Another street's staff cannot read it or act on it.
    let other = t.token("station21").await;
    t.get(&format!("/api/v1/problems/{pid}"), &other)
        .await
        .problem(404);
    problem_act(
        &t,
        "station21",
        pid,
        json!({"action": "rename", "title": "x"}),
    )
    .await
    .problem(404);
    // An appeal already in this problem is not taken into another one.
    let res = group(&t, "station11", a3, &[a2]).await;
    assert_eq!(
        refused(&res, 422),
        ("appeal_ids".into(), "problem_appeal_in_another".into())
    );
    // A closed appeal cannot join (added by its tracking code, as a person types it).
    for (action, extra) in [
        ("accept", json!({})),
        ("resolve", json!({"resolution": "solved", "note": "已修"})),
        ("feedback", json!({"channel": "phone", "note": "已告知"})),
        (
            "follow_up",
            json!({"satisfaction": "satisfied", "solved": true}),
        ),
    ] {
        let mut body = extra;
        body["action"] = action.into();
        t.act_ok("station11", a3, body).await;
    }
    let res = problem_act(
        &t,
        "street1",
        pid,
        json!({"action": "add", "tracking_code": code3}),
    )
    .await;
    assert_eq!(
        refused(&res, 422),
        ("appeal_id".into(), "problem_appeal_cannot_join".into())
    );
    let res = problem_act(
        &t,
        "street1",
        pid,
        json!({"action": "add", "tracking_code": "SQ000000-NOSUCHCODE"}),
    )
    .await;
    assert_eq!(refused(&res, 422).0, "tracking_code");
    // The lead cannot leave the loop on its own while it leads.
    let res = t
        .act(
            "station11",
            a1,
            json!({"action": "mark_spam", "reason": "重复"}),
        )
        .await;
    let detail = res.problem(409)["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(detail.contains("问题的主件"), "{detail}");
    // The lists: the problem, and the appeals that belong to one.
    let street = t.token("street1").await;
    let list = t.get("/api/v1/problems", &street).await.ok(200).clone();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["appeals"], 3);
    let members = t
        .get("/api/v1/appeals?in_problem=true", &street)
        .await
        .ok(200)
        .clone();
    assert_eq!(members["total"], 3);
    let none = t
        .get("/api/v1/appeals?in_problem=false", &street)
        .await
        .ok(200)
        .clone();
    assert_eq!(none["total"], 1, "a3 alone");
    // Removing the next community's appeal: the problem is the station's again, and the
    // appeal is back where it stood.
    let res = problem_act(
        &t,
        "street1",
        pid,
        json!({"action": "remove", "appeal_id": c1}),
    )
    .await;
    assert_eq!(res.ok(200)["org_unit"]["id"], fx.c11);
    assert_eq!(status_of(&t, "street1", c1).await["status"], "registered");
    // Two left: one more cannot go; dissolving frees them.
    let res = problem_act(
        &t,
        "street1",
        pid,
        json!({"action": "remove", "appeal_id": a2}),
    )
    .await;
    assert_eq!(
        refused(&res, 409),
        ("appeal_id".into(), "problem_last_two".into())
    );
    let res = problem_act(
        &t,
        "station11",
        pid,
        json!({"action": "dissolve", "note": "不是同一问题"}),
    )
    .await;
    assert_eq!(res.ok(200)["status"], "dissolved");
    assert_eq!(status_of(&t, "station11", a2).await["status"], "registered");
    assert!(status_of(&t, "station11", a2)
        .await
        .get("problem")
        .is_none());
    let res = problem_act(
        &t,
        "station11",
        pid,
        json!({"action": "rename", "title": "新"}),
    )
    .await;
    assert_eq!(refused(&res, 409).1, "problem_dissolved");
    let problems = t.store.verify_rollups().await.expect("verify");
    assert!(problems.is_empty(), "{problems:?}");
    t.finish().await;
}

/// Two desks group the same appeal into two problems at the same moment: one wins, the other
/// is told the appeal is in another problem (never a server error, never in both).
async fn two_desks_grouping_one_appeal_at_once_one_wins(b: Backend) {
    let t = TestApp::new(b).await;
    let c11 = t.fx.c11;
    let mut ids = Vec::new();
    for phone in ["13900000031", "13900000032", "13900000033"] {
        ids.push(appeal(&t, "station11", c11, phone).await.0);
    }
    let member = [ids[2]];
    let (first, second) = tokio::join!(
        group(&t, "station11", ids[0], &member),
        group(&t, "street1", ids[1], &member),
    );
    let mut statuses = [first.status.as_u16(), second.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422], "{} / {}", first.text(), second.text());
    let lost = if first.status.as_u16() == 422 {
        &first
    } else {
        &second
    };
    assert_eq!(refused(lost, 422).1, "problem_appeal_in_another");
    let token = t.token("street1").await;
    let list = t.get("/api/v1/problems", &token).await.ok(200).clone();
    assert_eq!(list["total"], 1);
    t.finish().await;
}

/// The reference counts of every appeal given, as of now.
async fn reference(t: &TestApp, codes: &[String]) -> Counts {
    let mut facts = Vec::new();
    for code in codes {
        let (rec, _) = t
            .store
            .appeal_for_appellant(code)
            .await
            .expect("read")
            .expect("the appeal");
        facts.push(AppealFacts::from(&rec.appeal));
    }
    Counts::from_facts(facts.iter(), t.clock.now())
}

async fn the_lead_carries_every_member_through_the_loop(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let mut ids = Vec::new();
    let mut codes = Vec::new();
    for phone in ["13900000011", "13900000012", "13900000013"] {
        let (id, code) = appeal(&t, "station11", fx.c11, phone).await;
        ids.push(id);
        codes.push(code);
    }
    // Grouped the next day; the lead accepted, the others merged while registered.
    t.clock.set(shanghai_time(2026, 11, 24, 15, 0));
    accept(&t, "station11", ids[0]).await;
    let p = group(&t, "station11", ids[0], &ids[1..])
        .await
        .ok(201)
        .clone();
    let pid = p["id"].as_i64().expect("id");
    t.clock.set(shanghai_time(2026, 11, 26, 10, 0));
    let lead = t
        .act_ok(
            "station11",
            ids[0],
            json!({"action": "resolve", "resolution": "solved", "note": "已更换水管"}),
        )
        .await;
    for id in &ids[1..] {
        let m = status_of(&t, "station11", *id).await;
        assert_eq!(m["status"], "resolved", "resolved with its lead");
        assert_eq!(m["resolution"], "solved");
        assert_eq!(
            m["resolve_by"], lead["resolve_by"],
            "against the lead's deadline"
        );
        let events = m["events"].as_array().expect("events");
        let carried = events
            .iter()
            .find(|e| e["type"] == "resolve_with_lead")
            .expect("resolved with the lead");
        assert_eq!(carried["type_label"], "随主件办结");
        assert_eq!(carried["data"]["lead_appeal_id"], ids[0]);
        assert!(m["allowed_actions"]
            .as_array()
            .expect("actions")
            .iter()
            .any(|a| a == "feedback"));
    }
    t.act_ok(
        "station11",
        ids[0],
        json!({"action": "feedback", "channel": "phone", "note": "电话告知已修好"}),
    )
    .await;
    // Each appellant was answered; each follow-up is its own.
    for (id, sat) in ids
        .iter()
        .zip(["satisfied", "basically_satisfied", "dissatisfied"])
    {
        let m = status_of(&t, "station11", *id).await;
        let answered = m["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["type"] == "feedback");
        assert!(answered, "appeal {id} answered back");
        t.act_ok(
            "station11",
            *id,
            json!({"action": "follow_up", "satisfaction": sat, "solved": sat != "dissatisfied"}),
        )
        .await;
    }
    for id in &ids {
        assert_eq!(status_of(&t, "station11", *id).await["status"], "closed");
    }
    // The problem's own timeline says it was handled once, for every appeal.
    let token = t.token("station11").await;
    let shown = t
        .get(&format!("/api/v1/problems/{pid}"), &token)
        .await
        .ok(200)
        .clone();
    assert_eq!(shown["status"], "closed");
    let types: Vec<&str> = shown["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert_eq!(types, ["created", "handled", "answered_back"]);
    assert_eq!(shown["events"][1]["data"]["appeals"], 2);
    // Each appellant heard of the resolution with their own code (the outbound queue).
    let now = t.clock.now();
    t.store
        .dispatch_outbox(now, |_| vec![OutChannel::Webhook])
        .await
        .expect("dispatch");
    let sent = t.store.due_deliveries(now, 100).await.expect("deliveries");
    for code in &codes {
        let told = sent.iter().any(|d| {
            d.payload.contains("\"event\":\"resolved\"") && d.payload.contains(code.as_str())
        });
        assert!(told, "{code} told of the resolution: {sent:?}");
    }
    // The measures count every appeal, each member like the lead, and agree with core's
    // reference over the appeals as stored.
    let counts = reference(&t, &codes).await;
    assert_eq!(counts.received, 3);
    assert_eq!(counts.resolved, 3);
    assert_eq!((counts.resolve_due, counts.resolved_on_time), (3, 3));
    assert_eq!((counts.response_due, counts.responded_on_time), (3, 3));
    assert_eq!((counts.followed_up, counts.satisfied), (3, 2));
    let admin = t.token("admin").await;
    let m = t
        .get(
            &format!(
                "/api/v1/metrics?org_unit={}&from=2026-11-01&to=2026-11-30",
                fx.c11
            ),
            &admin,
        )
        .await
        .ok(200)
        .clone();
    let rates = counts.rates();
    assert_eq!(m["received"], 3);
    assert_eq!(m["resolved"], 3);
    assert_eq!(m["on_time_rate"].as_f64(), rates.on_time_rate);
    assert_eq!(m["response_rate"].as_f64(), rates.response_rate);
    assert_eq!(m["satisfaction_rate"].as_f64(), rates.satisfaction_rate);
    assert_eq!(m["resolution_rate"].as_f64(), rates.resolution_rate);
    let problems = t.store.verify_rollups().await.expect("verify");
    assert!(problems.is_empty(), "{problems:?}");
    t.finish().await;
}

async fn the_pages_group_change_and_show_a_problem(b: Backend) {
    let t = TestApp::new(b).await;
    let fx = t.fx.clone();
    let mut codes = Vec::new();
    let mut ids = Vec::new();
    for phone in ["13900000021", "13900000022", "13900000023", "13900000024"] {
        let (id, code) = appeal(&t, "station11", fx.c11, phone).await;
        ids.push(id);
        codes.push(code);
    }
    let mut web = Browser::sign_in(&t, "station11").await;
    // The appeal page suggests the others (the same words at the same place).
    let page = web.get(&format!("/appeals/{}", ids[0])).await.text();
    assert!(page.contains("可能是同一问题的诉求"), "{page}");
    assert!(page.contains(&codes[1]), "suggested: {page}");
    // A failed form keeps every value and names the field.
    let res = web
        .post(
            "/problems",
            &[
                ("title", ""),
                ("place", "3号楼2单元"),
                ("lead_code", &codes[0]),
                ("codes", &codes[1]),
                ("codes", "SQ000000-NOSUCHCODE"),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 422);
    let html = res.text();
    assert!(html.contains("请填写问题标题"), "{html}");
    assert!(html.contains("NOSUCHCODE"), "the typed code kept: {html}");
    assert!(html.contains("value=\"3号楼2单元\""), "{html}");
    // Confirmed: one problem of three.
    let res = web
        .post(
            "/problems",
            &[
                ("title", "3号楼水管漏水"),
                ("place", "3号楼2单元"),
                ("lead_code", &codes[0]),
                ("codes", &codes[1]),
                ("codes", &codes[2]),
            ],
        )
        .await;
    let to = location(&res);
    assert!(to.starts_with("/problems/"), "{to}");
    let page = web.get(&to).await.text();
    assert!(
        page.contains("3号楼水管漏水") && page.contains(&codes[2]),
        "{page}"
    );
    assert!(
        !page.contains("13900000022"),
        "phones stay off the problem page"
    );
    // The list and the appeal page show the problem; the appeals list filters by it.
    let list = web.get("/problems").await.text();
    assert!(list.contains(&to), "{list}");
    let detail = web.get(&format!("/appeals/{}", ids[1])).await.text();
    assert!(detail.contains(&format!("href=\"{to}\"")), "{detail}");
    let members = web.get("/appeals?in_problem=true").await.text();
    assert!(
        members.contains(&codes[2]) && !members.contains(&codes[3]),
        "{members}"
    );
    // Add by tracking code: an unknown one is named beside the field and kept.
    let act = format!("{to}/act");
    let res = web
        .post(&act, &[("action", "add"), ("tracking_code", "SQ-NOPE")])
        .await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(res.text().contains("SQ-NOPE"));
    let res = web
        .post(&act, &[("action", "add"), ("tracking_code", &codes[3])])
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.text());
    // Rename, then split two off into a problem of their own.
    web.post(
        &act,
        &[("action", "rename"), ("title", "3号楼2单元水管漏水")],
    )
    .await;
    let (a2, a3) = (ids[2].to_string(), ids[3].to_string());
    let res = web
        .post(
            &act,
            &[
                ("action", "split"),
                ("title", "4号楼"),
                ("appeal_ids", &a2),
                ("appeal_ids", &a3),
            ],
        )
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.text());
    let page = web.get(&to).await.text();
    assert!(page.contains("3号楼2单元水管漏水"), "{page}");
    let token = t.token("station11").await;
    let pid = to.trim_start_matches("/problems/");
    let kept = t
        .get(&format!("/api/v1/problems/{pid}"), &token)
        .await
        .ok(200)
        .clone();
    let kept: Vec<i64> = kept["appeals"]
        .as_array()
        .expect("appeals")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    assert_eq!(kept, [ids[0], ids[1]], "the lead and one stay");
    let open = t.get("/api/v1/problems", &token).await.ok(200).clone();
    assert_eq!(open["total"], 2, "split into two");
    let new = &open["items"][0];
    assert_eq!(
        (new["lead_appeal_id"].as_i64(), new["appeals"].as_i64()),
        (Some(ids[2]), Some(2))
    );
    assert_eq!(
        status_of(&t, "station11", ids[3]).await["merged_into"],
        ids[2]
    );
    t.finish().await;
}

/// PostgreSQL: a problem command midway (the problem and a member locked, the lead next)
/// and the lead's resolution at the same moment both finish — the action takes the problem
/// first, as the commands do, instead of holding the lead while it waits for the member
/// (which PostgreSQL ended as a deadlock, aborting one of them).
#[tokio::test]
async fn the_leads_resolution_and_a_problem_command_do_not_deadlock() {
    let t = TestApp::new(Backend::Postgres).await;
    let c11 = t.fx.c11;
    let mut ids = Vec::new();
    for phone in ["13900000041", "13900000042", "13900000043"] {
        ids.push(appeal(&t, "station11", c11, phone).await.0);
    }
    // The newest leads: a member's id is lower, so a command locks it before the lead.
    let lead = ids[2];
    accept(&t, "station11", lead).await;
    let p = group(&t, "station11", lead, &ids[..2])
        .await
        .ok(201)
        .clone();
    let pid = p["id"].as_i64().expect("id");
    // The command's transaction, by hand: the problem, then the member, as write.rs does.
    let pool = sqlx::AnyPool::connect(&t.url).await.expect("connect");
    let mut command = pool.begin().await.expect("begin");
    for sql in [
        format!("SELECT id FROM problems WHERE id = {pid} FOR UPDATE"),
        format!("SELECT id FROM appeals WHERE id = {} FOR UPDATE", ids[0]),
    ] {
        sqlx::query(&sql)
            .execute(&mut *command)
            .await
            .expect("lock");
    }
    let resolve = json!({"action": "resolve", "resolution": "solved", "note": "已更换水管"});
    let (resolved, ()) = tokio::join!(t.act("station11", lead, resolve), async {
        // Let the action reach its locks, then take the lead as the command would.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let sql = format!("SELECT id FROM appeals WHERE id = {lead} FOR UPDATE");
        sqlx::query(&sql)
            .execute(&mut *command)
            .await
            .expect("the command takes the lead: no deadlock");
        command.commit().await.expect("commit");
    });
    assert_eq!(resolved.status.as_u16(), 200, "{}", resolved.text());
    let member = status_of(&t, "station11", ids[0]).await;
    assert_eq!(member["status"], "resolved", "carried to the member");
    t.finish().await;
}
