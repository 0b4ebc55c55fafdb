//! Durability: kill -9 the server in the middle of concurrent intake; after a restart every
//! appeal that got a 201 is there with its `registered` event, and `suqiu check` passes
//! (SQLite integrity check and roll-ups against the appeals).

mod common;

use common::process::{free_port, login, wait_ready};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

const EXE: &str = env!("CARGO_BIN_EXE_suqiu");

fn suqiu(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run suqiu")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_appeal_survives_kill_9() {
    let dir = std::env::temp_dir().join(format!("suqiu-durability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = format!("sqlite://{}/d.db", dir.display());
    let out = suqiu(&["demo", "--appeals", "20", "--database", &db], &dir);
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = serve(&db, port, &dir);
    wait_ready(&base, Duration::from_secs(60)).await;
    let client = reqwest::Client::new();
    let (token, org) = login(&client, &base).await;

    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..16 {
        let (client, base, token, acknowledged) = (
            client.clone(),
            base.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let body = json!({
                    "appellant": {"name": "测试居民", "phone": "13800138000"},
                    "org_unit_id": org, "channel": "walk_in", "kind": "help",
                    "category": "public_facilities", "urgency": "normal",
                    "content": format!("写入者{w}第{i}条：3号楼水管漏水，请尽快维修。"),
                });
                let Ok(resp) = client
                    .post(format!("{base}/api/v1/appeals"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                else {
                    return; // the server is gone
                };
                if resp.status().as_u16() != 201 {
                    return;
                }
                let Ok(v) = resp.json::<Value>().await else {
                    return;
                };
                acknowledged
                    .lock()
                    .expect("lock")
                    .push(v["id"].as_i64().expect("id"));
            }
        }));
    }
    // Let intake run, then pull the plug without warning.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().expect("kill -9"); // SIGKILL on Unix
    child.wait().expect("reap");
    for w in writers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() > 20,
        "too few appeals were written before the kill: {}",
        acknowledged.len()
    );

    let mut child = serve(&db, port, &dir);
    wait_ready(&base, Duration::from_secs(60)).await;
    let (token, _) = login(&client, &base).await;
    for id in &acknowledged {
        let resp = client
            .get(format!("{base}/api/v1/appeals/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(
            resp.status().as_u16(),
            200,
            "appeal {id} acknowledged with 201 is missing after kill -9"
        );
        let v: Value = resp.json().await.expect("body");
        assert_eq!(
            v["events"][0]["type"], "registered",
            "appeal {id} lost its timeline"
        );
    }
    child.kill().expect("stop");
    child.wait().expect("reap");

    let out = suqiu(&["check", "--database", &db], &dir);
    assert!(
        out.status.success(),
        "check failed after kill -9:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
