//! The web application in a real browser: headless Chromium driven over WebDriver
//! (`chromedriver`), against a server with the demo district on a free port.
//!
//! These tests FAIL, never skip, when Chromium or chromedriver is missing: install Debian's
//! `chromium` and `chromium-driver` (CI's `.ci/run` does). Screenshots of the main pages
//! are written to `$CARGO_TARGET_TMPDIR/screenshots/`.

mod common;

use calamine::{Reader, Xlsx};
use common::browser::{csp_violations, demo_store, register_walk_in, start_driver, Ui};
use common::TestServer;
use fantoccini::key::Key;
use suqiu_store::people::PeopleFilter;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_closed_loop_in_a_browser() {
    let driver = start_driver();
    let store = demo_store().await;
    let liaison = store
        .user_for_login("liaison")
        .await
        .expect("store")
        .expect("the demo liaison")
        .0;
    let department = liaison.department_id.expect("a department").to_string();
    let server = TestServer::start(store.clone()).await;
    let ui = Ui::open(&driver, &server.base).await;

    // Every page is served under the strict Content-Security-Policy (checked below: no
    // violation in the console after the whole scenario).
    let login = reqwest::get(format!("{}/login", server.base))
        .await
        .expect("GET /login");
    let csp = login
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_eq!(
        csp,
        suqiu_server::routes::hardening::CONTENT_SECURITY_POLICY
    );
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe"),
        "{csp}"
    );

    // Scenario 1. fzq registers a walk-in appeal for a new appellant, accepts it, refers it
    // to 房管所.
    ui.goto("/").await;
    assert_eq!(ui.path().await, "/login", "signed out goes to sign-in");
    ui.shot("login").await;
    ui.sign_in("fzq").await;
    ui.shot("home").await;
    let (appeal, code) = register_walk_in(
        &ui,
        ("张阿姨", "13912345670"),
        "3号楼地下室水管爆裂，楼道积水，老人出入不便。",
        Some("intake"),
    )
    .await;
    ui.shot("receipt").await;
    ui.goto(&appeal).await;
    assert_eq!(
        ui.offered().await,
        ["accept", "reject", "merge", "classify", "mark_spam"]
    );
    ui.act("accept").await;
    ui.open_action("refer").await;
    ui.select("#refer-dept", &department).await;
    ui.fill("#refer-note", "请房管所派人维修水管").await;
    ui.submit("[data-testid=submit-refer]").await;
    ui.find("[data-testid=flash]").await;
    assert_eq!(ui.text("[data-testid=status]").await, "办理中");
    ui.sign_out().await;

    // The liaison sees it, and resolves it.
    ui.sign_in("liaison").await;
    ui.goto("/appeals").await;
    assert!(ui.source().await.contains(&code), "the liaison's list");
    ui.submit(&format!("a[href='{appeal}']")).await;
    ui.open_action("resolve").await;
    ui.select("#resolve-res", "solved").await;
    ui.fill("#resolve-note", "已更换破裂水管，积水已清理").await;
    ui.submit("[data-testid=submit-resolve]").await;
    ui.find("[data-testid=flash]").await;
    // Resolved, and waiting on the station to tell the appellant (the badge says so).
    assert_eq!(ui.text("[data-testid=status]").await, "已办结 · 待反馈");
    ui.sign_out().await;

    // fzq records feedback and a follow-up (satisfied) and sees it closed, timeline whole.
    ui.sign_in("fzq").await;
    ui.goto(&appeal).await;
    ui.open_action("feedback").await;
    ui.fill("#feedback-note", "已电话告知张阿姨维修结果").await;
    ui.submit("[data-testid=submit-feedback]").await;
    ui.find("[data-testid=flash]").await;
    ui.open_action("follow_up").await;
    ui.click("details[data-action=follow_up] input[name=solved][value=true]")
        .await;
    ui.click("details[data-action=follow_up] input[name=satisfaction][value=satisfied]")
        .await;
    ui.submit("[data-testid=submit-follow_up]").await;
    ui.find("[data-testid=flash]").await;
    assert_eq!(ui.text("[data-testid=status]").await, "已回访");
    let timeline = ui.text("[data-testid=timeline]").await;
    for step in [
        "登记",
        "受理",
        "转办",
        "岳阳街道房管所",
        "请房管所派人维修水管",
        "办结",
        "已更换破裂水管",
        "反馈",
        "回访",
        "满意",
    ] {
        assert!(timeline.contains(step), "timeline lacks {step}: {timeline}");
    }
    ui.shot("detail").await;

    // Scenario 3 (part): station2 cannot open fzq's appeal; it is "not found".
    ui.sign_out().await;
    ui.sign_in("station2").await;
    ui.goto(&appeal).await;
    assert!(ui.source().await.contains("未找到"));
    ui.goto("/").await;
    ui.sign_out().await;

    // Scenario 2. fzq asks for an extension on a new appeal; yueyang (the street) sees
    // fzq's appeal in its list, supervises another open one, and approves the extension.
    ui.sign_in("fzq").await;
    let (second, second_code) = register_walk_in(
        &ui,
        ("李师傅", "13912345671"),
        "楼道路灯损坏，晚上看不见。",
        None,
    )
    .await;
    ui.goto(&second).await;
    ui.act("accept").await;
    ui.open_action("extend").await;
    ui.fill("#extend-days", "3").await;
    ui.fill("#extend-reason", "需等待物业采购灯具").await;
    ui.submit("[data-testid=submit-extend]").await;
    ui.find("[data-testid=flash]").await;
    // Scenario 3 (part): the volunteer sees only what is assigned to it.
    ui.open_action("assign").await;
    let volunteer = store
        .user_for_login("volunteer")
        .await
        .expect("store")
        .expect("the demo volunteer")
        .0;
    ui.select("#assign-user", &volunteer.id.to_string()).await;
    ui.submit("[data-testid=submit-assign]").await;
    ui.find("[data-testid=flash]").await;
    ui.sign_out().await;

    ui.sign_in("yueyang").await;
    ui.goto("/appeals").await;
    let list = ui.source().await;
    assert!(list.contains(&code) && list.contains(&second_code));
    ui.shot("list").await;
    ui.goto(&second).await;
    assert!(ui.offered().await.contains(&"extend_approve".to_string()));
    ui.open_action("extend_approve").await;
    ui.submit("[data-testid=submit-extend_approve]").await;
    ui.find("[data-testid=flash]").await;
    assert!(ui.text("[data-testid=timeline]").await.contains("同意延期"));
    // A supervision note (督办) on that other open appeal: the street is a level above.
    ui.open_action("supervise").await;
    ui.fill("#supervise-note", "请加快办理，本周内答复群众")
        .await;
    ui.submit("[data-testid=submit-supervise]").await;
    ui.find("[data-testid=flash]").await;
    assert!(ui
        .text("[data-testid=timeline]")
        .await
        .contains("请加快办理"));
    ui.goto("/stats").await;
    ui.find("svg.chart").await;
    ui.shot("stats").await;
    ui.sign_out().await;

    ui.sign_in("volunteer").await;
    ui.goto("/appeals").await;
    let list = ui.source().await;
    assert!(list.contains(&second_code), "its assigned task");
    assert!(!list.contains(&code), "nothing else of the station's");
    ui.goto(&appeal).await;
    assert!(ui.source().await.contains("未找到"));
    ui.goto("/").await;
    ui.sign_out().await;

    // The intake form's type-ahead, by keyboard only: type part of a registered person's
    // name, arrow down, Enter; the form then holds that person.
    ui.sign_in("fzq").await;
    let fzq_actor = store
        .actor(
            store
                .user_for_login("fzq")
                .await
                .expect("store")
                .expect("fzq")
                .0
                .id,
        )
        .await
        .expect("store")
        .expect("an actor");
    let someone = store
        .list_people(
            &fzq_actor,
            &PeopleFilter {
                page: 1,
                per_page: 1,
                ..PeopleFilter::default()
            },
        )
        .await
        .expect("people")
        .items
        .into_iter()
        .next()
        .expect("a person in fzq's register");
    ui.goto("/appeals/new").await;
    ui.click("input[name=mode][value=person]").await;
    let typed: String = someone.name.chars().take(2).collect();
    ui.find("#person-q")
        .await
        .send_keys(&typed)
        .await
        .expect("type");
    ui.find("[data-testid=person-option]").await;
    let input = ui.find("#person-q").await;
    input
        .send_keys(&char::from(Key::Down).to_string())
        .await
        .expect("arrow down");
    input
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .expect("enter");
    let chosen = ui.text("#person-chosen").await;
    assert!(chosen.starts_with(&typed), "{chosen} for {typed}");
    let id = ui
        .find("input[name=appellant_id]")
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(id.parse::<i64>().is_ok(), "a person chosen: {id:?}");

    ui.goto("/people").await;
    ui.shot("people").await;
    ui.goto(&format!("/people/{}", someone.id)).await;
    ui.find("[data-testid=person-facts]").await;
    ui.shot("person").await;

    // English, from the header; then a tablet's width.
    ui.goto("/").await;
    ui.find("[data-testid=notices]").await;
    ui.shot("home-notices").await;
    // The header's badge counts the unread notices; the centre lists them and clears it.
    ui.find("[data-testid=unread-badge]").await;
    ui.submit("[data-testid=notifications-link]").await;
    assert!(ui.text("[data-testid=notice-list]").await.contains("督办"));
    ui.shot("notifications").await;
    ui.submit("[data-testid=mark-all-read]").await;
    assert!(!ui.source().await.contains("data-testid=\"unread-badge\""));
    ui.goto("/").await;
    ui.submit("a.lang").await;
    assert!(ui.text("main h1").await.contains("Dashboard"));
    ui.shot("home-en").await;
    ui.submit("a.lang").await;
    assert!(ui.text("main h1").await.contains("工作台"));
    // A search as a desk types it, the most relevant (whole words) first; the order stays chosen.
    ui.goto("/appeals").await;
    ui.fill("#f-q", "水管").await;
    ui.select("#f-sort", "relevance").await;
    ui.submit("form.filters button[type=submit]").await;
    assert_eq!(ui.value("#f-sort").await, "relevance");
    assert_eq!(ui.value("#f-q").await, "水管");
    ui.shot("list-relevance").await;
    ui.c.set_window_size(820, 1100).await.expect("resize");
    ui.goto("/appeals").await;
    ui.shot("list-tablet").await;
    ui.c.set_window_size(1280, 900).await.expect("resize");
    ui.sign_out().await;

    // Every main page stays small for a slow line, even for the whole district.
    ui.sign_in("admin").await;
    for path in [
        "/",
        "/appeals",
        "/appeals/new",
        "/people",
        "/stats",
        "/admin",
        "/notifications",
        "/reports",
        "/ranking?level=community",
        "/care",
        "/care/teams",
        "/fund",
        "/supermarket",
        "/wishes",
        "/service",
        appeal.as_str(),
    ] {
        ui.goto(path).await;
        let size = ui.source().await.len();
        assert!(size < 200_000, "{path} weighs {size} bytes");
    }
    ui.goto("/reports").await;
    ui.find("[data-testid=report]").await;
    ui.shot("report").await;
    ui.goto("/ranking?level=community").await;
    ui.shot("ranking").await;
    for (page, shot) in [
        ("fund", "fund"),
        ("supermarket", "supermarket"),
        ("care/teams", "teams"),
        ("wishes", "wishes"),
        ("service", "service"),
    ] {
        ui.goto(&format!("/{page}")).await;
        ui.shot(shot).await;
    }
    ui.goto("/admin").await;
    ui.shot("admin").await;
    ui.sign_out().await;

    // Scenario 4. The list's Excel export holds the filtered rows.
    ui.sign_in("fzq").await;
    ui.goto("/appeals").await;
    ui.fill("#f-q", "水管").await;
    ui.select("#f-kind", "help").await;
    ui.submit("form.filters button[type=submit]").await;
    let page = ui.source().await;
    assert!(page.contains(&code), "the filtered list");
    let url = ui.c.current_url().await.expect("the list's address");
    assert!(
        url.query()
            .is_some_and(|q| q.contains("s=") && !q.contains("q=")),
        "the search text stays out of the address: {url}"
    );
    let href = ui
        .find("[data-testid=export]")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("an export link");
    let cookie =
        ui.c.get_named_cookie("suqiu_session")
            .await
            .expect("the session cookie");
    let bytes = reqwest::Client::new()
        .get(format!("{}{href}", server.base))
        .header("cookie", format!("suqiu_session={}", cookie.value()))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("the file");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let sheet = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&sheet).expect("the sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][0], "查询码");
    let total: usize = ui
        .text("[data-testid=total] strong")
        .await
        .parse()
        .expect("the list's count");
    assert_eq!(
        rows.len() - 1,
        total,
        "the file holds the rows the filter shows"
    );
    assert!(rows.iter().any(|r| r[0] == code));
    assert!(
        rows.iter().skip(1).all(|r| r[3] == "求助"),
        "kind filter held"
    );

    // Every page above ran under the strict policy without a violation; and the check sees
    // one when there is one (an inline script added on purpose).
    assert_eq!(csp_violations(&ui.c).await, Vec::<String>::new());
    ui.c.execute(
        "var s = document.createElement('script'); s.textContent = 'window.x = 1'; document.body.appendChild(s);",
        vec![],
    )
    .await
    .expect("run a script");
    let seen = csp_violations(&ui.c).await;
    assert!(
        seen.len() == 1 && seen[0].contains("script-src 'self'"),
        "the deliberate inline script is reported: {seen:?}"
    );
    ui.c.close().await.expect("close the browser");
}

/// Scenario: fzq visits an elderly person living alone (独居老人) who is overdue for a visit,
/// logs the visit and raises an appeal on the spot; the appeal (channel 走访) is in the
/// station's queue and on the person's care timeline.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_raises_an_appeal_in_a_browser() {
    let driver = start_driver();
    let store = demo_store().await;
    let fzq = store
        .user_for_login("fzq")
        .await
        .expect("store")
        .expect("the demo station account")
        .0;
    let actor = store.actor(fzq.id).await.expect("store").expect("fzq");
    let found = store
        .list_people(
            &actor,
            &PeopleFilter {
                q: Some(suqiu::demo::care::LIVING_ALONE.into()),
                ..Default::default()
            },
        )
        .await
        .expect("people");
    let person = found.items.first().expect("the demo's 独居老人").id;
    let server = TestServer::start(store.clone()).await;
    let ui = Ui::open(&driver, &server.base).await;

    ui.sign_in("fzq").await;
    ui.submit("header nav a[href='/care']").await;
    let due = ui.text("[data-testid=due-visits]").await;
    assert!(due.contains(suqiu::demo::care::LIVING_ALONE), "{due}");
    assert!(
        due.contains("独居老人 每7天"),
        "the rule that makes her due: {due}"
    );
    ui.shot("care").await;
    ui.submit(&format!("[data-testid=visit-{person}]")).await;
    assert_eq!(ui.path().await, "/visits/new");
    let content = "卫生间水管漏水，地面湿滑，老人行动不便，需尽快维修。";
    ui.fill("#visit-note", "老人精神尚好；卫生间水管漏水").await;
    ui.fill("#visit-follow-up", "联系物业维修，三天后回访")
        .await;
    ui.click("#visit-raise").await;
    ui.select("#visit-raise-appeal-kind", "help").await;
    ui.select(
        "#visit-raise-appeal-category",
        "public_facilities.water_pipes",
    )
    .await;
    ui.fill("#visit-raise-appeal-content", content).await;
    ui.shot("visit").await;
    ui.submit("[data-testid=visit-save]").await;

    // The appeal's page: registered, channel 走访, the content as typed.
    let appeal = ui.path().await;
    assert!(appeal.starts_with("/appeals/"), "{appeal}");
    assert_eq!(ui.text("[data-testid=status]").await, "已登记");
    assert_eq!(ui.text("[data-testid=content]").await, content);
    assert!(ui.source().await.contains("走访"), "channel 走访 shown");
    let code = ui.text("h1 .code").await;

    // In the station's queue of new appeals.
    ui.goto("/appeals?status=registered").await;
    assert!(ui.source().await.contains(&code), "in the queue");
    // No longer due; on the person's care timeline with the visit.
    ui.goto("/care").await;
    assert!(!ui
        .source()
        .await
        .contains(&format!("data-testid=\"visit-{person}\"")));
    ui.goto(&format!("/people/{person}")).await;
    let timeline = ui.text("[data-testid=care-timeline]").await;
    assert!(
        timeline.contains("走访") && timeline.contains(&code),
        "{timeline}"
    );
    assert_eq!(csp_violations(&ui.c).await, Vec::<String>::new());

    ui.c.close().await.expect("close the browser");
}
