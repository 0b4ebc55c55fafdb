//! `suqiu bench`: the project's own benchmarks, over real HTTP against a real `suqiu serve`
//! child process (so latency includes the whole stack and RSS is the server's alone).
//! BENCHMARKS.md records results with the machine and the command.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, Utc};
use clap::Args;
use hdrhistogram::Histogram;
use rand::SeedableRng;
use serde_json::{json, Value};
use suqiu_store::Store;

use crate::demo;

mod check;
mod search;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Database to benchmark; filled with the demo district and `--appeals` appeals when empty.
    #[arg(
        long,
        env = "SUQIU_DATABASE_URL",
        default_value = "sqlite://suqiu-data/bench.db"
    )]
    pub database: String,
    /// Appeals to generate when the database is empty.
    #[arg(long, default_value_t = 100_000)]
    pub appeals: u64,
    /// Intake requests per concurrency level.
    #[arg(long, default_value_t = 4_000)]
    pub intake: u64,
    /// Requests per read benchmark.
    #[arg(long, default_value_t = 1_000)]
    pub reads: u64,
    /// Only fill the database (when empty) and stop: loading takes minutes at 1M and need
    /// not run on a quiet machine, the measurements do.
    #[arg(long)]
    pub load_only: bool,
    /// Measure only the district's numbers (metrics for a month and a year, the ranking of
    /// streets and of communities): the 10M-appeal run, where intake and lists were measured
    /// at 1M and the question is whether the roll-ups keep the scoreboard fast.
    #[arg(long, conflicts_with = "pages_only")]
    pub scoreboard_only: bool,
    /// Measure only what reads — search and the web pages, no intake first: to compare
    /// before and after a change on the same data, without bench intakes growing between runs.
    #[arg(long)]
    pub pages_only: bool,
    /// Port for the server under test (loopback only).
    #[arg(long, default_value_t = 18_080)]
    pub port: u16,
}

/// Latency summary of one benchmark, in milliseconds.
struct Summary {
    name: String,
    requests: u64,
    seconds: f64,
    hist: Histogram<u64>,
}

impl Summary {
    fn row(&self) -> String {
        let ms = |q: f64| self.hist.value_at_quantile(q) as f64 / 1000.0;
        format!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} |",
            self.name,
            self.requests,
            self.requests as f64 / self.seconds,
            ms(0.5),
            ms(0.95),
            ms(0.99),
            self.hist.max() as f64 / 1000.0
        )
    }
}

/// A progress bar with rate and ETA for one benchmark phase (stderr).
fn phase_bar(name: &str, n: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(n);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} · {per_sec} · 预计剩余 {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(name.to_string());
    bar
}

struct Server {
    child: tokio::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub async fn run(args: BenchArgs) -> Result<()> {
    fill(&args).await?;
    if args.load_only {
        return Ok(());
    }
    let server = start_server(&args).await?;
    let mut bench = Bench::sign_in(&args, &server.base).await?;
    // The API phases; the district's numbers; the web pages.
    let api = !args.scoreboard_only && !args.pages_only;
    if api {
        bench.intake().await?;
        bench.worklists().await?;
    }
    if !args.pages_only {
        bench.scoreboard().await?;
    }
    if !args.scoreboard_only {
        bench.search().await?;
        bench.pages().await?;
    }
    print_rows(&args, &bench.total, &bench.rows, rss_mib(server.child.id()))
}

/// Fills an empty database with the demo district and `--appeals` appeals.
async fn fill(args: &BenchArgs) -> Result<()> {
    let store = Store::open(&args.database)
        .await
        .context("无法打开基准测试数据库")?;
    if store.is_empty().await? {
        eprintln!("生成示例区与 {} 条诉求 …", args.appeals);
        let t = Instant::now();
        demo::load::load_demo(&store, args.appeals, 2005, true).await?;
        eprintln!("生成用时 {:.1} s", t.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Whose token a request carries: the station account `fzq` or the district's `admin`.
#[derive(Clone, Copy)]
enum Account {
    Fzq,
    Admin,
}

/// One run against the server under test: the signed-in accounts, what the phases need to
/// know of the data, and the rows measured so far.
struct Bench<'a> {
    args: &'a BenchArgs,
    client: reqwest::Client,
    base: String,
    fzq: String,
    admin: String,
    /// `fzq`'s station.
    station: i64,
    /// The district's root node.
    root: i64,
    /// Appeals at start, as the list counts them.
    total: String,
    rows: Vec<Summary>,
}

impl<'a> Bench<'a> {
    /// Signs both accounts in and reads, before any measurement, the appeals at start,
    /// `fzq`'s station and the district's root.
    async fn sign_in(args: &'a BenchArgs, base: &str) -> Result<Bench<'a>> {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()?;
        let fzq = login(&client, base, "fzq").await?;
        let admin = login(&client, base, "admin").await?;
        let mut bench = Bench {
            args,
            client,
            base: base.to_string(),
            fzq,
            admin,
            station: 0,
            root: 0,
            total: String::new(),
            rows: Vec::new(),
        };
        let first = bench
            .get_json("/api/v1/appeals?per_page=1", Account::Admin)
            .await?;
        // Lists count exactly up to a cap; past it the total is a lower bound.
        let bound = if first["total_exact"] == json!(false) {
            "+"
        } else {
            ""
        };
        bench.total = format!("{}{bound}", first["total"].as_i64().unwrap_or(0));
        let me = bench.get_json("/api/v1/session", Account::Fzq).await?;
        bench.station = me["user"]["org_unit_id"]
            .as_i64()
            .context("session without org unit")?;
        let units = bench.get_json("/api/v1/org-units", Account::Admin).await?;
        bench.root = units
            .as_array()
            .and_then(|a| a.iter().find(|u| u["parent_id"].is_null()))
            .map(|u| u["id"].as_i64().unwrap_or(1))
            .unwrap_or(1);
        Ok(bench)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn token(&self, account: Account) -> &str {
        match account {
            Account::Fzq => &self.fzq,
            Account::Admin => &self.admin,
        }
    }

    async fn get_json(&self, path: &str, account: Account) -> Result<Value> {
        get_json(&self.client, &self.url(path), self.token(account)).await
    }

    /// Prints a finished benchmark's row at once (a long run shows its results as it goes)
    /// and keeps it for the final table.
    fn finished(&mut self, s: Summary) {
        eprintln!("{}", s.row());
        self.rows.push(s);
    }

    /// Measures `n` GETs of `urls` (see [`reads`]) as one row.
    async fn read(&mut self, name: &str, urls: &[String], account: Account, n: u64) -> Result<()> {
        let s = reads(&self.client, name, urls, self.token(account), n).await?;
        self.finished(s);
        Ok(())
    }

    /// Measures `n` GETs of `paths` as one row, and a row per path (see [`reads_each`]).
    async fn read_each(&mut self, name: &str, paths: &[&str], account: Account) -> Result<()> {
        let urls: Vec<String> = paths.iter().map(|p| self.url(p)).collect();
        let token = self.token(account);
        let (all, each) = reads_each(&self.client, name, &urls, token, self.args.reads).await?;
        self.finished(all);
        each.into_iter().for_each(|s| self.finished(s));
        Ok(())
    }

    /// Walk-in intake into `fzq`'s station, at concurrency 1 and 16.
    async fn intake(&mut self) -> Result<()> {
        for concurrency in [1usize, 16] {
            let (base, token) = (&self.base, &self.fzq);
            let n = self.args.intake;
            let s = intake(&self.client, base, token, self.station, concurrency, n).await?;
            self.finished(s);
        }
        Ok(())
    }

    /// The station's worklist, a page of 50, cycling its filters.
    async fn worklists(&mut self) -> Result<()> {
        let worklists = [
            "status=registered",
            "status=in_progress",
            "overdue=true",
            &format!("org_unit={}&status=accepted", self.station),
            "",
        ]
        .map(|f| self.url(&format!("/api/v1/appeals?per_page=50&{f}")));
        let name = "station worklist page of 50 (fzq)";
        self.read(name, &worklists, Account::Fzq, self.args.reads)
            .await
    }

    /// The district's numbers: metrics for a month and a year, the ranking of streets and of
    /// communities.
    async fn scoreboard(&mut self) -> Result<()> {
        let n = self.args.reads / 5;
        let today = Utc::now().date_naive();
        let root = self.root;
        let metrics = |from| {
            self.url(&format!(
                "/api/v1/metrics?org_unit={root}&from={from}&to={today}"
            ))
        };
        let month = metrics(today.with_day(1).unwrap_or(today));
        let year = metrics(today - chrono::Days::new(365));
        self.read("metrics, district root, month", &[month], Account::Admin, n)
            .await?;
        self.read("metrics, district root, year", &[year], Account::Admin, n)
            .await?;
        for level in ["street", "community"] {
            let name = format!("ranking of every {level}, this month and last");
            let url = self.url(&format!("/api/v1/ranking?level={level}"));
            self.read(&name, &[url], Account::Admin, n).await?;
        }
        Ok(())
    }

    /// The web pages, rendered server-side (the budget: p99 < 20 ms at 1M appeals):
    /// the station's, then the district's.
    async fn pages(&mut self) -> Result<()> {
        let newest = self
            .get_json("/api/v1/appeals?per_page=1", Account::Fzq)
            .await?;
        let appeal = format!(
            "/appeals/{}",
            newest["items"][0]["id"].as_i64().unwrap_or(1)
        );
        let station_pages = [
            "/",
            "/appeals",
            "/appeals?status=in_progress&sort=deadline",
            &appeal,
            "/stats",
            "/people",
            "/notifications",
            "/reports",
        ];
        self.read_each(
            "web pages (fzq): 工作台, 列表, 详情, 统计, 人员, 通知, 月报",
            &station_pages,
            Account::Fzq,
        )
        .await?;
        self.read_each(
            "web pages (admin, district-wide): 工作台, 列表, 统计, 排名",
            &["/", "/appeals", "/stats", "/ranking?level=community"],
            Account::Admin,
        )
        .await?;
        self.intake_check().await?;
        self.public_board().await
    }

    /// The district's public board (the budget: p99 < 50 ms at 1M appeals): its
    /// page, a later page and its Atom feed, as anyone reads them (no session needed; the
    /// token is ignored).
    async fn public_board(&mut self) -> Result<()> {
        let district = self
            .get_json("/api/v1/public/board", Account::Admin)
            .await?;
        let code = district["node"]["code"].as_str().unwrap_or_default();
        let feed = format!("/p/board/{code}/feed.atom");
        self.read_each(
            "public board (district-wide): 公开栏, page 2, Atom feed",
            &["/p/board", "/p/board?page=2", &feed],
            Account::Admin,
        )
        .await
    }
}

/// The results table, as BENCHMARKS.md copies it.
fn print_rows(args: &BenchArgs, total: &str, rows: &[Summary], rss: Option<f64>) -> Result<()> {
    println!(
        "\nDatabase: {} · appeals at start: {total}",
        redact(&args.database)
    );
    println!("| benchmark | requests | req/s | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        println!("{}", r.row());
    }
    match rss {
        Some(mib) => println!("\nServer RSS after the run: {mib:.0} MiB"),
        None => println!("\nServer RSS: not available on this platform"),
    }
    Ok(())
}

fn redact(url: &str) -> String {
    crate::cli::redact(url)
}

async fn start_server(args: &BenchArgs) -> Result<Server> {
    let exe = std::env::current_exe()?;
    let listen = format!("127.0.0.1:{}", args.port);
    let child = tokio::process::Command::new(exe)
        .args([
            "serve",
            "--listen",
            &listen,
            "--database",
            &args.database,
            // Measure the API alone (see `serve --no-background-jobs`).
            "--no-background-jobs",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("无法启动被测服务器")?;
    let base = format!("http://{listen}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(Server { child, base });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("被测服务器 60 秒内未就绪")
}

async fn login(client: &reqwest::Client, base: &str, username: &str) -> Result<String> {
    let resp = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"username": username, "password": demo::load::DEMO_PASSWORD}))
        .send()
        .await?;
    if !resp.status().is_success() {
        bail!("登录 {username} 失败：{}", resp.status());
    }
    let body: Value = resp.json().await?;
    body["token"]
        .as_str()
        .map(str::to_string)
        .context("登录响应中没有 token")
}

/// A GET that must succeed.
async fn get(client: &reqwest::Client, url: &str, token: &str) -> Result<reqwest::Response> {
    let resp = client.get(url).bearer_auth(token).send().await?;
    if !resp.status().is_success() {
        bail!("GET {url} → {}", resp.status());
    }
    Ok(resp)
}

async fn get_json(client: &reqwest::Client, url: &str, token: &str) -> Result<Value> {
    Ok(get(client, url, token).await?.json().await?)
}

fn new_hist() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("static histogram bounds are valid")
}

/// POSTs `total` walk-in appeals from `concurrency` clients; every one must get 201.
async fn intake(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    station: i64,
    concurrency: usize,
    total: u64,
) -> Result<Summary> {
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let name = format!("intake over HTTP, concurrency {concurrency}");
    let bar = phase_bar(&name, total);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, next, token, bar) =
            (client.clone(), next.clone(), token.to_string(), bar.clone());
        let url = format!("{base}/api/v1/appeals");
        tasks.push(tokio::spawn(async move {
            let mut hist = new_hist();
            let mut rng = rand::rngs::StdRng::seed_from_u64(next.load(std::sync::atomic::Ordering::Relaxed) + 7);
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < total {
                let text = demo::corpus::generate(&mut rng, "佛字桥居民区");
                let body = json!({
                    "appellant": {"name": demo::corpus::person_name(&mut rng), "phone": demo::corpus::phone(&mut rng)},
                    "org_unit_id": station, "channel": "walk_in", "kind": text.kind, "category": text.category,
                    "urgency": text.urgency, "title": text.title, "content": text.content, "location": text.location,
                });
                let t = Instant::now();
                let resp = client.post(&url).bearer_auth(&token).json(&body).send().await?;
                let status = resp.status();
                let _ = resp.bytes().await?;
                if status.as_u16() != 201 {
                    bail!("intake returned {status}");
                }
                hist.record(t.elapsed().as_micros() as u64).ok();
                bar.inc(1);
            }
            Ok::<_, anyhow::Error>(hist)
        }));
    }
    let mut hist = new_hist();
    for t in tasks {
        hist.add(t.await??).ok();
    }
    bar.finish_and_clear();
    Ok(Summary {
        name,
        requests: total,
        seconds: started.elapsed().as_secs_f64(),
        hist,
    })
}

/// A GET that must succeed, body read in full (JSON or an HTML page alike).
async fn get_ok(client: &reqwest::Client, url: &str, token: &str) -> Result<()> {
    get(client, url, token).await?.bytes().await?;
    Ok(())
}

/// GETs the URLs round-robin, one client, after a short warm-up.
async fn reads(
    client: &reqwest::Client,
    name: &str,
    urls: &[String],
    token: &str,
    n: u64,
) -> Result<Summary> {
    Ok(reads_each(client, name, urls, token, n).await?.0)
}

/// As [`reads`], and also one summary per URL (named by its path): a page budget holds for
/// every page, so the slowest must show by name rather than hide in the mix.
async fn reads_each(
    client: &reqwest::Client,
    name: &str,
    urls: &[String],
    token: &str,
    n: u64,
) -> Result<(Summary, Vec<Summary>)> {
    for url in urls {
        get_ok(client, url, token).await?;
    }
    let mut hist = new_hist();
    let mut each: Vec<(Histogram<u64>, f64)> = urls.iter().map(|_| (new_hist(), 0.0)).collect();
    let bar = phase_bar(name, n);
    let started = Instant::now();
    for i in 0..n {
        let k = i as usize % urls.len();
        let t = Instant::now();
        get_ok(client, &urls[k], token).await?;
        let took = t.elapsed();
        hist.record(took.as_micros() as u64).ok();
        each[k].0.record(took.as_micros() as u64).ok();
        each[k].1 += took.as_secs_f64();
        bar.inc(1);
    }
    bar.finish_and_clear();
    let pages = urls
        .iter()
        .zip(each)
        .map(|(url, (hist, seconds))| {
            let path = url
                .find("://")
                .and_then(|s| url[s + 3..].find('/').map(|p| s + 3 + p));
            Summary {
                name: format!("· {}", path.map_or(url.as_str(), |p| &url[p..])),
                requests: hist.len(),
                seconds,
                hist,
            }
        })
        .collect();
    Ok((
        Summary {
            name: name.to_string(),
            requests: n,
            seconds: started.elapsed().as_secs_f64(),
            hist,
        },
        pages,
    ))
}

fn rss_mib(pid: Option<u32>) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
