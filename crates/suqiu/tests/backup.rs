//! Backups and restores as an operator runs them, through the real binary: a backup taken
//! while clients post appeals and donations holds everything acknowledged before it started
//! and restores into a database `suqiu check` passes; restore refuses what it must; and
//! `suqiu check` names each kind of broken record a lost or partial copy leaves behind.

mod common;

use common::process::{free_port, login, wait_ready};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::Connection;

const EXE: &str = env!("CARGO_BIN_EXE_suqiu");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suqiu-backup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn suqiu(dir: &Path, args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .env_remove("SUQIU_DATABASE_URL")
        .output()
        .expect("run suqiu")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `suqiu args…` and asserts it succeeded; returns what it printed.
fn ok(dir: &Path, args: &[&str]) -> String {
    let out = suqiu(dir, args);
    assert!(
        out.status.success(),
        "suqiu {args:?} failed:\n{}",
        text(&out)
    );
    text(&out)
}

/// Runs `suqiu args…` and asserts it refused with exit code 2 and a message containing `says`.
fn refused(dir: &Path, args: &[&str], says: &str) {
    let out = suqiu(dir, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "suqiu {args:?} should refuse with exit code 2:\n{}",
        text(&out)
    );
    assert!(
        text(&out).contains(says),
        "suqiu {args:?} should say {says:?}:\n{}",
        text(&out)
    );
}

fn serve(db: &str, port: u16, dir: &Path) -> Child {
    Command::new(EXE)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database",
            db,
        ])
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn suqiu serve")
}

/// A child server, killed if the test panics before stopping it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What the clients were told was saved: (path posted to, id, when the 201 arrived).
type Acknowledged = Arc<Mutex<Vec<(&'static str, i64, Instant)>>>;

/// Posts appeals (and, for even `w`, donations too) until `stop`; records every 201.
async fn client(
    w: usize,
    base: String,
    token: String,
    org: i64,
    stop: Arc<AtomicBool>,
    acked: Acknowledged,
) {
    let client = reqwest::Client::new();
    for i in 0u64.. {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let (path, body) = if w.is_multiple_of(2) && i.is_multiple_of(3) {
            let body = json!({"org_unit_id": org, "kind": "donation", "amount_cents": 100 + i,
                              "note": format!("捐赠{w}-{i}")});
            ("/api/v1/fund/entries", body)
        } else {
            let body = json!({
                "appellant": {"name": "测试居民", "phone": "13800138000"},
                "org_unit_id": org, "channel": "walk_in", "kind": "help",
                "category": "public_facilities", "urgency": "normal",
                "content": format!("写入者{w}第{i}条：3号楼水管漏水，请尽快维修。"),
            });
            ("/api/v1/appeals", body)
        };
        let resp = client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("post");
        let status = resp.status().as_u16();
        let v: Value = resp.json().await.expect("body");
        assert_eq!(status, 201, "{path} answered {status}: {v}");
        let id = v["id"].as_i64().expect("id");
        acked.lock().expect("lock").push((path, id, Instant::now()));
    }
}

async fn ids(db: &Path, table: &str) -> std::collections::HashSet<i64> {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("open restored database");
    sqlx::query_scalar(&format!("SELECT id FROM {table}"))
        .fetch_all(&mut conn)
        .await
        .expect("ids")
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_during_intake_holds_everything_acknowledged_before_it() {
    let dir = temp_dir("live");
    let live = dir.join("live.db");
    let db = format!("sqlite://{}", live.display());
    ok(&dir, &["demo", "--appeals", "20", "--database", &db]);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server(serve(&db, port, &dir));
    wait_ready(&base, Duration::from_secs(60)).await;
    let (token, org) = login(&reqwest::Client::new(), &base).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acked: Acknowledged = Arc::default();
    let clients: Vec<_> = (0..8)
        .map(|w| {
            tokio::spawn(client(
                w,
                base.clone(),
                token.clone(),
                org,
                stop.clone(),
                acked.clone(),
            ))
        })
        .collect();
    // Intake first (by count, not time: a loaded machine writes slowly).
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().expect("lock").len() < 60 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let wal = std::fs::metadata(dir.join("live.db-wal")).map_or(0, |m| m.len());
    assert!(wal > 0, "the live database has no WAL content to capture");
    let started = Instant::now();
    let backup = dir.join("backup.db");
    let backup_arg = backup.display().to_string();
    let printed = {
        let (dir, db) = (dir.clone(), db.clone());
        tokio::task::spawn_blocking(move || {
            ok(&dir, &["backup", "--database", &db, "--to", &backup_arg])
        })
        .await
        .expect("backup")
    };
    assert!(
        printed.contains("已备份") && printed.contains("完整性检查通过"),
        "{printed}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.expect("client");
    }
    let acked = acked.lock().expect("lock").clone();
    let before: Vec<_> = acked.iter().filter(|(_, _, at)| *at < started).collect();
    assert!(
        before.len() > 50,
        "too few writes before the backup: {}",
        before.len()
    );
    assert!(
        acked.iter().any(|(_, _, at)| *at > started),
        "no write went on while the backup ran"
    );

    // The server still holds its database: a restore over it is refused even with --force.
    refused(
        &dir,
        &[
            "restore",
            "--from",
            &backup.display().to_string(),
            "--database",
            &db,
            "--force",
        ],
        "停止服务器",
    );
    server.0.kill().expect("stop server");
    server.0.wait().expect("reap");

    let restored = dir.join("restored/suqiu.db");
    let restored_url = format!("sqlite://{}", restored.display());
    let printed = ok(
        &dir,
        &[
            "restore",
            "--from",
            &backup.display().to_string(),
            "--database",
            &restored_url,
        ],
    );
    assert!(
        printed.contains("已从") && printed.contains("数据库完整性正常"),
        "{printed}"
    );
    let appeals = ids(&restored, "appeals").await;
    let entries = ids(&restored, "fund_entries").await;
    let mut donations = 0;
    for (path, id, _) in before {
        if *path == "/api/v1/appeals" {
            assert!(
                appeals.contains(id),
                "appeal {id} was acknowledged before the backup and is not in it"
            );
        } else {
            donations += 1;
            assert!(
                entries.contains(id),
                "donation {id} was acknowledged before the backup and is not in it"
            );
        }
    }
    assert!(
        donations > 0,
        "no donation was acknowledged before the backup"
    );
    ok(&dir, &["check", "--database", &restored_url]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn backup_and_restore_refuse_what_would_lose_or_mix_up_data() {
    let dir = temp_dir("refuse");
    let db = format!("sqlite://{}/d.db", dir.display());
    ok(&dir, &["demo", "--appeals", "5", "--database", &db]);
    let out = ok(&dir, &["backup", "--database", &db, "--to", "b.db"]);
    assert!(out.contains("诉求 5 件"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("b.db"))
            .expect("backup")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a backup must be readable by its owner only"
        );
    }

    refused(
        &dir,
        &["backup", "--database", &db, "--to", "b.db"],
        "--force",
    );
    ok(
        &dir,
        &["backup", "--database", &db, "--to", "b.db", "--force"],
    );
    refused(
        &dir,
        &[
            "backup",
            "--database",
            "sqlite://nowhere/x.db",
            "--to",
            "c.db",
        ],
        "不存在",
    );
    refused(
        &dir,
        &["backup", "--database", &db, "--to", "no-such-dir/c.db"],
        "不存在",
    );
    refused(
        &dir,
        &[
            "backup",
            "--database",
            "postgres://postgres@127.0.0.1:5432/suqiu",
            "--to",
            "s.dump",
        ],
        "pg_dump -Fc",
    );
    let pg = [
        "restore",
        "--from",
        "s.dump",
        "--database",
        "postgres://u:secret@h/db",
    ];
    refused(&dir, &pg, "pg_restore --clean --if-exists");
    assert!(
        !text(&suqiu(&dir, &pg)).contains("secret"),
        "the password was printed"
    );

    let target = "sqlite://restored/t.db";
    refused(
        &dir,
        &["restore", "--from", "missing.db", "--database", target],
        "不存在",
    );
    std::fs::write(dir.join("notes.txt"), "这不是数据库。".repeat(200)).expect("write");
    refused(
        &dir,
        &["restore", "--from", "notes.txt", "--database", target],
        "不是可用的 SQLite 数据库",
    );
    assert!(
        !dir.join("restored/t.db").exists(),
        "a refused restore left a file behind"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("restored"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let mut other =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}/other.db?mode=rwc", dir.display()))
            .await
            .expect("create another SQLite database");
    sqlx::query("CREATE TABLE notes (body TEXT)")
        .execute(&mut other)
        .await
        .expect("table");
    other.close().await.expect("close");
    refused(
        &dir,
        &["restore", "--from", "other.db", "--database", target],
        "不是诉求站",
    );

    ok(&dir, &["restore", "--from", "b.db", "--database", target]);
    refused(
        &dir,
        &["restore", "--from", "b.db", "--database", target],
        "--force",
    );
    let out = ok(
        &dir,
        &["restore", "--from", "b.db", "--database", target, "--force"],
    );
    assert!(out.contains("原数据库保留为"), "{out}");
    refused(
        &dir,
        &[
            "restore",
            "--from",
            "restored/t.db",
            "--database",
            target,
            "--force",
        ],
        "备份文件就是目标数据库",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Breaks records the way a lost or partial copy does, one kind each, and expects
/// `suqiu check` to fail naming every one.
async fn check_names_broken_records(backend: common::Backend) {
    let dir = temp_dir(&format!("check-{backend:?}"));
    let url = common::fresh_url(backend, "check").await;
    ok(&dir, &["demo", "--appeals", "5", "--database", &url]);
    let out = ok(&dir, &["check", "--database", &url]);
    assert!(out.contains("记录数：appeals 5"), "{out}");

    let mut damage = vec![
        (
            "DELETE FROM appeal_events WHERE type = 'registered' AND appeal_id = (SELECT MIN(id) FROM appeals)",
            "appeals without their `registered` event (timeline lost): 1",
        ),
        (
            "UPDATE fund_entries SET delta_cents = 2 * delta_cents WHERE status = 'pending'",
            "fund entries whose signed amount is not plus or minus their amount: 1",
        ),
        (
            "UPDATE fund_entries SET posted_at = NULL WHERE id = (SELECT MIN(id) FROM fund_entries WHERE status = 'posted')",
            "fund entries whose posting time disagrees with their status: 1",
        ),
        (
            "UPDATE fund_entries SET reverses = id WHERE id = (SELECT MIN(id) FROM fund_entries WHERE kind = 'donation')",
            "fund entries whose reversal link disagrees with their kind: 1",
        ),
        (
            "UPDATE fund_entries SET counterpart_entry_id = NULL WHERE id = (SELECT MIN(id) FROM fund_entries WHERE kind = 'transfer')",
            "transfers whose other leg is missing or does not mirror them: 2",
        ),
    ];
    match backend {
        common::Backend::Sqlite => damage.extend([
            (
                "INSERT INTO appeal_fts (appeal_fts) VALUES ('delete-all')",
                "appeals missing from the search index: 5",
            ),
            (
                "INSERT INTO appeal_fts (rowid, tokens, scope) VALUES (999999, 'x', 'y')",
                "search index rows for appeals that do not exist: 1 (ids 999999)",
            ),
        ]),
        common::Backend::Postgres => damage.push((
            "SELECT setval(pg_get_serial_sequence('appeals', 'id'), 1)",
            "id sequence of appeals is behind its rows (at 1, largest id",
        )),
    }
    let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
    for (sql, _) in &damage {
        sqlx::query(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    conn.close().await.expect("close");
    let out = suqiu(&dir, &["check", "--database", &url]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "check passed a damaged database:\n{}",
        text(&out)
    );
    for (sql, line) in &damage {
        assert!(
            text(&out).contains(&format!("record problem: {line}")),
            "check did not name the damage of `{sql}` ({line}):\n{}",
            text(&out)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn check_names_broken_records_sqlite() {
    sqlx::any::install_default_drivers();
    check_names_broken_records(common::Backend::Sqlite).await;
}

#[tokio::test]
async fn check_names_broken_records_postgres() {
    sqlx::any::install_default_drivers();
    check_names_broken_records(common::Backend::Postgres).await;
}
