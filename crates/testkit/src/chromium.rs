//! Headless Chromium for the browser tests: chromedriver on a free port, a browser session,
//! and the steps a person takes on a page (open, fill, select, submit, read, screenshot).
//!
//! These helpers FAIL, never skip, when Chromium or chromedriver is missing: install Debian's
//! `chromium` and `chromium-driver` (CI's `.ci/run` does).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::free_port;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const WAIT: Duration = Duration::from_secs(15);

/// A chromedriver process on a free port; killed when dropped.
pub struct Driver {
    child: Child,
    url: String,
    /// Where the screenshots of its sessions go.
    shots: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver; the screenshots of its sessions go to `shots` (created).
pub fn start_driver(shots: PathBuf) -> Driver {
    std::fs::create_dir_all(&shots).expect("screenshot dir");
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
        shots,
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

pub async fn browser(driver: &Driver) -> Client {
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
pub struct BrowserLog;

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
pub async fn csp_violations(c: &Client) -> Vec<String> {
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
pub struct Ui {
    pub c: Client,
    pub base: String,
    pub shots: PathBuf,
}

impl Ui {
    /// A browser session on the server at `base`, writing its screenshots where the
    /// driver's go.
    pub async fn open(driver: &Driver, base: &str) -> Ui {
        Ui {
            c: browser(driver).await,
            base: base.to_string(),
            shots: driver.shots.clone(),
        }
    }

    pub async fn goto(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    pub async fn find(&self, css: &str) -> Element {
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
    pub async fn text(&self, css: &str) -> String {
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

    pub async fn fill(&self, css: &str, value: &str) {
        let e = self.find(css).await;
        e.clear().await.expect("clear");
        e.send_keys(value).await.expect("type");
    }

    /// The current value of a field (what the browser would post).
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks something that loads a new page, and waits until the old page is gone (the
    /// new page may have the same address, so the address cannot tell).
    pub async fn submit(&self, css: &str) {
        let old = self.find("body").await;
        self.click(css).await;
        let start = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(start.elapsed() < WAIT, "{css} did not load a page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    pub async fn path(&self) -> String {
        self.c.current_url().await.expect("url").path().to_string()
    }

    pub async fn source(&self) -> String {
        self.c.source().await.expect("source")
    }

    pub async fn shot(&self, name: &str) {
        // The top of the page: where a person starts reading.
        let _ = self.c.execute("window.scrollTo(0, 0)", Vec::new()).await;
        let png = self.c.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("write screenshot");
    }

    pub async fn sign_in(&self, username: &str) {
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", "suqiu-demo").await;
        self.submit("form[action='/login'] button[type=submit]")
            .await;
        let shown = self.text("[data-testid=current-user]").await;
        assert!(!shown.is_empty(), "{username} is signed in");
    }

    pub async fn sign_out(&self) {
        self.submit("form[action='/logout'] button").await;
        self.find("#username").await;
    }

    /// Opens an action's form (one without required fields) and submits it.
    pub async fn act(&self, action: &str) {
        self.click(&format!("details[data-action={action}] > summary"))
            .await;
        self.submit(&format!("[data-testid=submit-{action}]")).await;
        self.find("[data-testid=flash]").await;
    }

    pub async fn open_action(&self, action: &str) {
        self.click(&format!("details[data-action={action}] > summary"))
            .await;
    }

    /// The actions the appeal page offers.
    pub async fn offered(&self) -> Vec<String> {
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

/// Registers a walk-in appeal for a new appellant (`name`, `phone`) through the intake
/// form; returns the appeal's path and tracking code. (A phone already registered to
/// someone of another name would be questioned: each new appellant has their own.)
pub async fn register_walk_in(
    ui: &Ui,
    (name, phone): (&str, &str),
    content: &str,
    shot: Option<&str>,
) -> (String, String) {
    ui.goto("/appeals/new").await;
    ui.click("input[name=mode][value=named]").await;
    ui.fill("#a-name", name).await;
    ui.fill("#a-phone", phone).await;
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
