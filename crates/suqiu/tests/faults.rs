//! Storage faults, for real: an acknowledged write is a saved write, always.
//!
//! - SQLite on a small tmpfs the test mounts: concurrent intakes fill the disk; no write is
//!   acknowledged that was not saved, the writer commits again once space is freed (no
//!   restart), every 201 survives a restart and `suqiu check` passes. With a free-space
//!   floor, writes are refused (503) and `/healthz` says so before the disk is full.
//! - PostgreSQL behind a TCP proxy the test runs: the proxy is cut (connections closed, new
//!   ones refused) mid-run; requests get 503 within seconds, `/healthz` 503; when it is back
//!   the server recovers by itself, every 201 is in the database and `suqiu check` passes.
//!   A server started while PostgreSQL is out of reach waits for it and says so.
//!
//! The tmpfs needs root (as here and in CI): when the mount fails the test fails, it does
//! not skip.

mod common;

use common::process::{free_port, login, wait_ready};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::Connection;

const EXE: &str = env!("CARGO_BIN_EXE_suqiu");

fn suqiu(args: &[&str]) -> std::process::Output {
    Command::new(EXE)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run suqiu")
}

fn assert_ok(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `suqiu serve` on `port`, its log (info and above) written to `log`.
fn serve(db: &str, port: u16, extra: &[&str], log: &Path) -> Child {
    let log = std::fs::File::create(log).expect("log file");
    Command::new(EXE)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            db,
        ])
        .args(extra)
        .env("RUST_LOG", "info,sqlx=error")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("spawn suqiu serve")
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// What one POST of an appeal got.
#[derive(Debug, Clone)]
struct Outcome {
    status: u16,
    /// The new appeal's id on 201.
    id: Option<i64>,
    problem_json: bool,
    detail: String,
    retry_after: bool,
    started: Instant,
    took: Duration,
}

async fn post_appeal(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    org: i64,
    n: usize,
) -> Option<Outcome> {
    let body = json!({
        "appellant": {"name": "测试居民", "phone": "13800138000"},
        "org_unit_id": org, "channel": "walk_in", "kind": "help",
        "category": "public_facilities", "urgency": "normal",
        "content": format!("第{n}条：3号楼楼道灯坏了，晚上看不见路，请尽快维修。{}", "说明".repeat(40)),
    });
    let started = Instant::now();
    let resp = client
        .post(format!("{base}/api/v1/appeals"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = resp.status().as_u16();
    let problem_json = resp
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let retry_after = resp.headers().contains_key("retry-after");
    let v: Value = resp.json().await.unwrap_or(Value::Null);
    Some(Outcome {
        status,
        id: (status == 201).then(|| v["id"].as_i64().expect("201 with an id")),
        problem_json,
        detail: v["detail"].as_str().unwrap_or_default().to_string(),
        retry_after,
        started,
        took: started.elapsed(),
    })
}

/// `clients` tasks posting appeals until `stop` is set; every outcome recorded.
fn spawn_writers(
    clients: usize,
    base: &str,
    token: &str,
    org: i64,
    stop: Arc<AtomicBool>,
    outcomes: Arc<Mutex<Vec<Outcome>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..clients)
        .map(|w| {
            let (base, token, stop, outcomes) = (
                base.to_string(),
                token.to_string(),
                stop.clone(),
                outcomes.clone(),
            );
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut n = w * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    match post_appeal(&client, &base, &token, org, n).await {
                        Some(o) => {
                            let failed = o.status != 201;
                            outcomes.lock().expect("lock").push(o);
                            if failed {
                                // A client told to retry later waits a little.
                                tokio::time::sleep(Duration::from_millis(50)).await;
                            }
                        }
                        None => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
            })
        })
        .collect()
}

fn acknowledged(outcomes: &[Outcome]) -> Vec<i64> {
    outcomes.iter().filter_map(|o| o.id).collect()
}

/// Every failure is a problem+json 503 (or 500), never a 2xx without a saved write: the
/// saved part is checked against the database afterwards.
fn assert_failures_are_problems(outcomes: &[Outcome]) {
    for o in outcomes.iter().filter(|o| o.status != 201) {
        assert!(
            matches!(o.status, 500 | 503) && o.problem_json,
            "a failed write must be a problem+json 503/500, got {o:?}"
        );
    }
}

/// Every id is an appeal the server shows (200) with its `registered` event. (`token`: a
/// session taken before — signing in is a write too.)
async fn assert_all_present(base: &str, token: &str, ids: &[i64]) {
    let client = reqwest::Client::new();
    for id in ids {
        let resp = client
            .get(format!("{base}/api/v1/appeals/{id}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        assert_eq!(
            resp.status().as_u16(),
            200,
            "appeal {id} was acknowledged with 201 and is missing"
        );
        let v: Value = resp.json().await.expect("body");
        assert_eq!(
            v["events"][0]["type"], "registered",
            "appeal {id} lost its timeline"
        );
    }
}

// ---------------------------------------------------------------------------------------
// SQLite on a full filesystem.

/// A tmpfs of its own, unmounted on drop (after the server on it is stopped).
struct Tmpfs {
    dir: PathBuf,
    server: Option<Child>,
}

impl Tmpfs {
    fn mount(name: &str, size_mb: u64) -> Tmpfs {
        let dir = std::env::temp_dir().join(format!("suqiu-faults-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mb}m"), "tmpfs"])
            .arg(&dir)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "this test mounts a {size_mb} MB tmpfs to fill it and needs root (as in CI): \
             `mount -t tmpfs` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs { dir, server: None }
    }

    fn free_bytes(&self) -> u64 {
        let out = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(&self.dir)
            .output()
            .expect("df");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse().ok())
            .expect("df avail")
    }

    /// A file of `bytes` zeros (really written: tmpfs counts written pages).
    fn ballast(&self, name: &str, bytes: u64) -> PathBuf {
        let path = self.dir.join(name);
        let chunk = vec![1u8; 1 << 20];
        let mut f = std::fs::File::create(&path).expect("ballast");
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            std::io::Write::write_all(&mut f, &chunk[..n]).expect("write ballast");
            left -= n as u64;
        }
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        if let Some(child) = self.server.as_mut() {
            stop(child);
        }
        let _ = Command::new("umount").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

const MB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_full_disk_no_write_acknowledged_and_lost_and_the_writer_recovers() {
    let mut fs = Tmpfs::mount("full", 40);
    let db = format!("sqlite://{}/d.db", fs.dir.display());
    assert_ok(
        &suqiu(&["demo", "--appeals", "20", "--database", &db]),
        "demo",
    );
    // Leave ~6 MB: a few thousand appeals fill it.
    let ballast = fs.ballast("ballast", fs.free_bytes().saturating_sub(6 * MB));
    let log = std::env::temp_dir().join(format!("suqiu-faults-full-{}.log", std::process::id()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    fs.server = Some(serve(&db, port, &["--min-free-mb", "0"], &log));
    wait_ready(&base, Duration::from_secs(60)).await;
    let client = reqwest::Client::new();
    let (token, org) = login(&client, &base).await;

    // Eight clients post until the disk is full, and on for two seconds after.
    let stop_writers = Arc::new(AtomicBool::new(false));
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let writers = spawn_writers(
        8,
        &base,
        &token,
        org,
        stop_writers.clone(),
        outcomes.clone(),
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    while !outcomes
        .lock()
        .expect("lock")
        .iter()
        .any(|o| o.status != 201)
    {
        assert!(Instant::now() < deadline, "the disk never filled");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop_writers.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    let full: Vec<Outcome> = outcomes.lock().expect("lock").drain(..).collect();
    assert_failures_are_problems(&full);
    let first_failure = full
        .iter()
        .position(|o| o.status != 201)
        .expect("a failure");
    let acked_while_full = full[first_failure..]
        .iter()
        .filter(|o| o.status == 201)
        .count();
    let mut acked = acknowledged(&full);
    assert!(
        acked.len() > 100,
        "too few appeals before the disk filled: {}",
        acked.len()
    );
    assert!(
        full.iter()
            .any(|o| o.status == 503 && o.retry_after && o.detail.contains("磁盘")),
        "a full disk is a 503 saying so, with Retry-After"
    );
    // Space freed: writes succeed again without a restart, and the database is not held
    // locked by a broken transaction (another process can write to it).
    std::fs::remove_file(&ballast).expect("free space");
    // What was acknowledged is readable (committed, not held in a transaction). Not while
    // the disk is full: reading an appellant's unmasked data leaves an audit row first.
    assert_all_present(&base, &token, &acked).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut n = 10_000_000;
    let mut recovered = 0;
    while recovered < 50 {
        assert!(
            Instant::now() < deadline,
            "writes did not succeed again after space was freed"
        );
        n += 1;
        match post_appeal(&client, &base, &token, org, n).await {
            Some(o) if o.status == 201 => {
                recovered += 1;
                acked.push(o.id.expect("id"));
            }
            Some(o) => assert_failures_are_problems(&[o]),
            None => panic!("the server went away"),
        }
    }
    let out = Command::new(EXE)
        .args([
            "user",
            "add",
            "--username",
            "faults1",
            "--role",
            "auditor",
            "--org-unit",
            "310117",
            "--database",
            &db,
        ])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(b"faults-password-1\n")?;
            c.wait_with_output()
        })
        .expect("suqiu user add");
    assert_ok(&out, "suqiu user add beside the running server");

    // After a restart every acknowledged appeal is there, and the roll-ups agree.
    stop(fs.server.as_mut().expect("server"));
    fs.server = Some(serve(&db, port, &["--min-free-mb", "0"], &log));
    wait_ready(&base, Duration::from_secs(60)).await;
    assert_all_present(&base, &token, &acked).await;
    stop(fs.server.as_mut().expect("server"));
    fs.server = None;
    assert_ok(
        &suqiu(&["check", "--database", &db]),
        "suqiu check after the disk filled",
    );
    eprintln!(
        "full disk: {} acknowledged before the first failure, {} after it, {} failures ({} × 503), recovered without restart",
        first_failure,
        acked_while_full,
        full.iter().filter(|o| o.status != 201).count(),
        full.iter().filter(|o| o.status == 503).count(),
    );
    let _ = std::fs::remove_file(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_below_the_floor_writes_are_refused_before_the_disk_is_full() {
    let mut fs = Tmpfs::mount("floor", 40);
    let db = format!("sqlite://{}/d.db", fs.dir.display());
    assert_ok(
        &suqiu(&["demo", "--appeals", "20", "--database", &db]),
        "demo",
    );
    let log = std::env::temp_dir().join(format!("suqiu-faults-floor-{}.log", std::process::id()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    fs.server = Some(serve(&db, port, &["--min-free-mb", "10"], &log));
    wait_ready(&base, Duration::from_secs(60)).await;
    let client = reqwest::Client::new();
    let (token, org) = login(&client, &base).await;
    let first = post_appeal(&client, &base, &token, org, 1)
        .await
        .expect("post");
    assert_eq!(first.status, 201, "above the floor: {first:?}");

    // Down to ~5 MB free: below the 10 MB floor, far from full.
    let ballast = fs.ballast("ballast", fs.free_bytes().saturating_sub(5 * MB));
    tokio::time::sleep(Duration::from_millis(1_200)).await; // the reading is at most 1 s old
    for n in 2..5 {
        let o = post_appeal(&client, &base, &token, org, n)
            .await
            .expect("post");
        assert_eq!(o.status, 503, "below the floor: {o:?}");
        assert!(
            o.problem_json && o.retry_after,
            "503 problem+json with Retry-After: {o:?}"
        );
        assert!(o.detail.contains("磁盘空间不足"), "says why: {o:?}");
    }
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 503);
    let health: Value = health.json().await.expect("problem");
    assert!(
        health["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("磁盘空间不足"),
        "{health}"
    );
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let refused = metric(&metrics, "suqiu_writes_refused_total");
    assert!(
        refused >= 3.0,
        "refused writes counted: {refused}\n{metrics}"
    );
    let free = metric(&metrics, "suqiu_disk_free_bytes");
    assert!(
        free > 0.0 && free < (10 * MB) as f64,
        "free bytes shown: {free}"
    );
    assert!(fs.free_bytes() > 4 * MB, "the disk was never full");
    // Reads go on.
    let read = client
        .get(format!("{base}/api/v1/appeals/{}", first.id.expect("id")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("read");
    assert_eq!(read.status().as_u16(), 200, "reads go on below the floor");

    // Space freed: writes accepted again, health back.
    std::fs::remove_file(&ballast).expect("free space");
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let o = post_appeal(&client, &base, &token, org, 9)
        .await
        .expect("post");
    assert_eq!(o.status, 201, "above the floor again: {o:?}");
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200);
    stop(fs.server.as_mut().expect("server"));
    fs.server = None;

    // Told once on entering, once on leaving.
    let log_text = std::fs::read_to_string(&log).expect("log");
    assert_eq!(
        log_text.matches("free disk space below the floor").count(),
        1,
        "{log_text}"
    );
    assert_eq!(
        log_text
            .matches("free disk space back above the floor")
            .count(),
        1,
        "{log_text}"
    );
    let _ = std::fs::remove_file(&log);
}

/// The value of an unlabelled metric in Prometheus text.
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from /metrics:\n{text}"))
}

// ---------------------------------------------------------------------------------------
// PostgreSQL behind a proxy that the test cuts.

/// A TCP proxy from a local port to PostgreSQL at 127.0.0.1:5432 that can be cut (every
/// connection closed, the port closed so new ones are refused) and restored.
struct Proxy {
    port: u16,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start() -> Proxy {
        let proxy = Proxy {
            port: free_port(),
            tasks: Arc::default(),
        };
        proxy.restore();
        proxy
    }

    fn restore(&self) {
        let addr: SocketAddr = ([127, 0, 0, 1], self.port).into();
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_reuseaddr(true).expect("reuseaddr");
        socket.bind(addr).expect("bind the proxy port");
        let listener = socket.listen(128).expect("listen");
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect("127.0.0.1:5432").await
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().expect("lock").push(pipe);
            }
        });
        self.tasks.lock().expect("lock").push(accept);
    }

    /// Closes every connection and the port.
    fn cut(&self) {
        for task in self.tasks.lock().expect("lock").drain(..) {
            task.abort();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
    }
}

/// A database of the test's own on the local PostgreSQL, dropped at the end.
struct PgDatabase {
    admin: String,
    name: String,
}

impl PgDatabase {
    async fn create() -> PgDatabase {
        let url = common::fresh_url(common::Backend::Postgres, "faults").await;
        let (admin_base, name) = url.rsplit_once('/').expect("db name");
        let admin =
            std::env::var("SUQIU_TEST_PG_URL").unwrap_or_else(|_| format!("{admin_base}/postgres"));
        PgDatabase {
            admin,
            name: name.to_string(),
        }
    }

    /// Its URL through `port` on 127.0.0.1 (user postgres, trust authentication).
    fn url(&self, port: u16, password: &str) -> String {
        format!(
            "postgres://postgres:{password}@127.0.0.1:{port}/{}",
            self.name
        )
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Dropped from a thread of its own: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("rt");
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        stop(&mut self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_cut_fails_fast_and_recovers_by_itself() {
    let pg = PgDatabase::create().await;
    let direct = pg.url(5432, "unused");
    assert_ok(
        &suqiu(&["demo", "--appeals", "20", "--database", &direct]),
        "demo",
    );
    let proxy = Proxy::start().await;
    let log = std::env::temp_dir().join(format!("suqiu-faults-pg-{}.log", std::process::id()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = ServerGuard(serve(&pg.url(proxy.port, "unused"), port, &[], &log));
    wait_ready(&base, Duration::from_secs(60)).await;
    let client = reqwest::Client::new();
    let (token, org) = login(&client, &base).await;

    let stop_writers = Arc::new(AtomicBool::new(false));
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let writers = spawn_writers(
        4,
        &base,
        &token,
        org,
        stop_writers.clone(),
        outcomes.clone(),
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    proxy.cut();
    let cut_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    let health_took = started.elapsed();
    assert_eq!(health.status().as_u16(), 503, "/healthz during the cut");
    assert!(
        health_took < Duration::from_secs(4),
        "/healthz took {health_took:?}"
    );
    tokio::time::sleep(Duration::from_secs(6)).await;

    proxy.restore();
    let restored_at = Instant::now();
    let deadline = restored_at + Duration::from_secs(30);
    let recovered_at = loop {
        let first_ok = outcomes
            .lock()
            .expect("lock")
            .iter()
            .filter(|o| o.status == 201 && o.started >= restored_at)
            .map(|o| o.started + o.took)
            .min();
        if let Some(t) = first_ok {
            break t;
        }
        assert!(
            Instant::now() < deadline,
            "writes did not succeed again after PostgreSQL came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop_writers.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    let all: Vec<Outcome> = outcomes.lock().expect("lock").clone();
    assert_failures_are_problems(&all);
    // Requests made while cut (a second after the cut, until the restore) failed fast.
    let during: Vec<&Outcome> = all
        .iter()
        .filter(|o| {
            o.started >= cut_at + Duration::from_secs(1) && o.started + o.took < restored_at
        })
        .collect();
    assert!(!during.is_empty(), "requests were made during the cut");
    for o in &during {
        assert_eq!(o.status, 503, "during the cut: {o:?}");
        assert!(
            o.took < Duration::from_secs(5),
            "a request during the cut took {:?}",
            o.took
        );
    }
    let slowest = during.iter().map(|o| o.took).max().unwrap_or_default();
    let health = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status().as_u16(), 200, "/healthz after the restore");

    // Every 201 is in the database.
    let acked = acknowledged(&all);
    assert!(
        acked.len() > 20,
        "too few appeals acknowledged: {}",
        acked.len()
    );
    let mut conn = sqlx::PgConnection::connect(&direct).await.expect("connect");
    let stored: Vec<i64> = sqlx::query_scalar("SELECT id FROM appeals")
        .fetch_all(&mut conn)
        .await
        .expect("ids");
    let stored: std::collections::HashSet<i64> = stored.into_iter().collect();
    for id in &acked {
        assert!(
            stored.contains(id),
            "appeal {id} was acknowledged with 201 and is not in the database"
        );
    }
    drop(server);
    assert_ok(
        &suqiu(&["check", "--database", &direct]),
        "suqiu check after the cut",
    );
    eprintln!(
        "PostgreSQL cut: {} requests during the cut, all 503, slowest {:?}; /healthz 503 in {:?}; \
         first 201 {:?} after the restore; {} acknowledged, all stored",
        during.len(),
        slowest,
        health_took,
        recovered_at - restored_at,
        acked.len()
    );
    let _ = std::fs::remove_file(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_not_up_yet_the_server_waits_and_says_so() {
    let pg = PgDatabase::create().await;
    let proxy = Proxy::start().await;
    proxy.cut(); // nothing listening: connections refused
    let log = std::env::temp_dir().join(format!("suqiu-faults-wait-{}.log", std::process::id()));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = ServerGuard(serve(&pg.url(proxy.port, "s3cret-pw"), port, &[], &log));
    let endpoint = format!("127.0.0.1:{}", proxy.port);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("waiting for PostgreSQL") && text.contains(&endpoint) {
            assert!(
                !text.contains("s3cret-pw"),
                "the password is in the log:\n{text}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no 'waiting for PostgreSQL' at {endpoint} in the log:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        reqwest::get(format!("{base}/healthz")).await.is_err(),
        "not serving before the database is there"
    );
    proxy.restore();
    wait_ready(&base, Duration::from_secs(60)).await;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !text.contains("s3cret-pw"),
        "the password is in the log:\n{text}"
    );
    let _ = std::fs::remove_file(&log);
}
