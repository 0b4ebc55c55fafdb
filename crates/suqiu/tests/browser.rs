//! The web application in a real browser: headless Chromium driven over WebDriver
//! (`chromedriver`), against a server with the demo district on a free port.
//!
//! These tests FAIL, never skip, when Chromium or chromedriver is missing: install Debian's
//! `chromium` and `chromium-driver` (CI's `.ci/run` does). Screenshots of the main pages
//! are written to `$CARGO_TARGET_TMPDIR/screenshots/`.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};
use common::{fresh_url, Backend, TestServer};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use suqiu_store::people::PeopleFilter;
use suqiu_store::Store;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Demo appeals loaded besides those the scenarios register.
const DEMO_APPEALS: u64 = 300;
const WAIT: Duration = Duration::from_secs(15);

/// A chromedriver process on a free port; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn start_driver() -> Driver {
    for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: the browser tests need Debian's `{package}` \
             (apt-get install -y chromium chromium-driver)"
        );
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "chromedriver did not listen"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=zh-CN"],
        }),
    );
    // The console, to read Content-Security-Policy violations back (`csp_violations`).
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// chromedriver's console log of the page(s) since the last call (`/se/log`, which
/// fantoccini has no method for).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or("")))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.into()),
        )
    }
}

/// The console messages since the last call that report a Content-Security-Policy
/// violation (an inline script, handler or style the policy blocked).
async fn csp_violations(c: &Client) -> Vec<String> {
    let log = c
        .issue_cmd(BrowserLog)
        .await
        .expect("the browser's console log");
    log.as_array()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|e| e["message"].as_str())
                .filter(|m| m.contains("Content Security Policy"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The scenario's state: the browser, the server, and where screenshots go.
struct Ui {
    c: Client,
    base: String,
    shots: PathBuf,
}

impl Ui {
    async fn goto(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    async fn find(&self, css: &str) -> Element {
        match self
            .c
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => e,
            Err(e) => {
                // Leave the page behind for whoever reads the failure.
                self.shot("failure").await;
                let url = self.c.current_url().await.map(|u| u.to_string());
                panic!("no element {css} on {url:?}: {e}")
            }
        }
    }

    /// The text of `css`. The page's script may replace the element between finding and
    /// reading it (the deadline preview is redrawn as fields change): find it again then.
    async fn text(&self, css: &str) -> String {
        for _ in 0..5 {
            match self.find(css).await.text().await {
                Ok(text) => return text,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference => {}
                Err(e) => panic!("text of {css}: {e}"),
            }
        }
        panic!("{css} kept being replaced")
    }

    async fn fill(&self, css: &str, value: &str) {
        let e = self.find(css).await;
        e.clear().await.expect("clear");
        e.send_keys(value).await.expect("type");
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks something that loads a new page, and waits until the old page is gone (the
    /// new page may have the same address, so the address cannot tell).
    async fn submit(&self, css: &str) {
        let old = self.find("body").await;
        self.click(css).await;
        let start = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(start.elapsed() < WAIT, "{css} did not load a page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    async fn path(&self) -> String {
        self.c.current_url().await.expect("url").path().to_string()
    }

    async fn source(&self) -> String {
        self.c.source().await.expect("source")
    }

    async fn shot(&self, name: &str) {
        // The top of the page: where a person starts reading.
        let _ = self.c.execute("window.scrollTo(0, 0)", Vec::new()).await;
        let png = self.c.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("write screenshot");
    }

    async fn sign_in(&self, username: &str) {
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", "suqiu-demo").await;
        self.submit("form[action='/login'] button[type=submit]")
            .await;
        let shown = self.text("[data-testid=current-user]").await;
        assert!(!shown.is_empty(), "{username} is signed in");
    }

    async fn sign_out(&self) {
        self.submit("form[action='/logout'] button").await;
        self.find("#username").await;
    }

    /// Opens an action's form (one without required fields) and submits it.
    async fn act(&self, action: &str) {
        self.click(&format!("details[data-action={action}] > summary"))
            .await;
        self.submit(&format!("[data-testid=submit-{action}]")).await;
        self.find("[role=status].notice").await;
    }

    async fn open_action(&self, action: &str) {
        self.click(&format!("details[data-action={action}] > summary"))
            .await;
    }

    /// The actions the appeal page offers.
    async fn offered(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in self
            .c
            .find_all(Locator::Css("details[data-action]"))
            .await
            .expect("actions")
        {
            out.push(
                e.attr("data-action")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
            );
        }
        out
    }
}

/// Registers a walk-in appeal for a new appellant through the intake form; returns the
/// appeal's path and tracking code.
async fn register_walk_in(
    ui: &Ui,
    name: &str,
    content: &str,
    shot: Option<&str>,
) -> (String, String) {
    ui.goto("/appeals/new").await;
    ui.click("input[name=mode][value=named]").await;
    ui.fill("#a-name", name).await;
    ui.fill("#a-phone", "13912345670").await;
    ui.select("#i-channel", "walk_in").await;
    ui.select("#i-kind", "help").await;
    ui.select("#i-category", "public_facilities.water_pipes")
        .await;
    ui.fill("#i-location", "佛字桥3号楼").await;
    ui.fill("#i-content", content).await;
    // The deadlines appear before saving (help: respond in 1, resolve in 7 working days).
    let respond = ui.text(".deadline-respond").await;
    assert!(respond.starts_with("20"), "deadline preview: {respond}");
    if let Some(name) = shot {
        ui.shot(name).await;
    }
    ui.submit("#intake-form button[type=submit]").await;
    let code = ui.text("[data-testid=tracking-code]").await;
    assert!(code.starts_with("SQ"), "{code}");
    let path = ui.path().await;
    let appeal = path.trim_end_matches("/receipt").to_string();
    (appeal, code)
}

async fn demo_store() -> Store {
    let url = fresh_url(Backend::Sqlite, "browser").await;
    let store = Store::open(&url).await.expect("open store");
    suqiu::demo::load::load_demo(&store, DEMO_APPEALS, 2005, false)
        .await
        .expect("load the demo district");
    store
}

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
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let ui = Ui {
        c: browser(&driver).await,
        base: server.base.clone(),
        shots,
    };

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
        "张阿姨",
        "3号楼地下室水管爆裂，楼道积水，老人出入不便。",
        Some("intake"),
    )
    .await;
    ui.shot("receipt").await;
    ui.goto(&appeal).await;
    assert_eq!(ui.offered().await, ["accept", "reject", "merge"]);
    ui.act("accept").await;
    ui.open_action("refer").await;
    ui.select("#refer-dept", &department).await;
    ui.fill("#refer-note", "请房管所派人维修水管").await;
    ui.submit("[data-testid=submit-refer]").await;
    ui.find("[role=status].notice").await;
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
    ui.find("[role=status].notice").await;
    assert_eq!(ui.text("[data-testid=status]").await, "已办结");
    ui.sign_out().await;

    // fzq records feedback and a follow-up (satisfied) and sees it closed, timeline whole.
    ui.sign_in("fzq").await;
    ui.goto(&appeal).await;
    ui.open_action("feedback").await;
    ui.fill("#feedback-note", "已电话告知张阿姨维修结果").await;
    ui.submit("[data-testid=submit-feedback]").await;
    ui.find("[role=status].notice").await;
    ui.open_action("follow_up").await;
    ui.click("details[data-action=follow_up] input[name=solved][value=true]")
        .await;
    ui.click("details[data-action=follow_up] input[name=satisfaction][value=satisfied]")
        .await;
    ui.submit("[data-testid=submit-follow_up]").await;
    ui.find("[role=status].notice").await;
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
    let (second, second_code) =
        register_walk_in(&ui, "李师傅", "楼道路灯损坏，晚上看不见。", None).await;
    ui.goto(&second).await;
    ui.act("accept").await;
    ui.open_action("extend").await;
    ui.fill("#extend-days", "3").await;
    ui.fill("#extend-reason", "需等待物业采购灯具").await;
    ui.submit("[data-testid=submit-extend]").await;
    ui.find("[role=status].notice").await;
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
    ui.find("[role=status].notice").await;
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
    ui.find("[role=status].notice").await;
    assert!(ui.text("[data-testid=timeline]").await.contains("同意延期"));
    // A supervision note (督办) on that other open appeal: the street is a level above.
    ui.open_action("supervise").await;
    ui.fill("#supervise-note", "请加快办理，本周内答复群众")
        .await;
    ui.submit("[data-testid=submit-supervise]").await;
    ui.find("[role=status].notice").await;
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
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).expect("screenshot dir");
    let ui = Ui {
        c: browser(&driver).await,
        base: server.base.clone(),
        shots,
    };

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
    ui.fill("#v-note", "老人精神尚好；卫生间水管漏水").await;
    ui.fill("#v-follow", "联系物业维修，三天后回访").await;
    ui.click("#v-raise").await;
    ui.select("#v-kind", "help").await;
    ui.select("#v-category", "public_facilities.water_pipes")
        .await;
    ui.fill("#v-content", content).await;
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
