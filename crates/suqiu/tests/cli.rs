//! The command line as an operator uses it: adding a user with the password on stdin,
//! loading a later year's holiday arrangement, making an Open311 key, and clear messages for
//! mistakes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_suqiu");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suqiu-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run(dir: &PathBuf, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(EXE)
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", "warn")
        .env_remove("SUQIU_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn suqiu");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn user_add_reads_the_password_from_stdin_and_explains_mistakes() {
    let dir = temp_dir("user");
    // The default database is ./suqiu-data/suqiu.db, created on first use.
    let out = run(&dir, &["demo", "--appeals", "5"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        dir.join("suqiu-data/suqiu.db").exists(),
        "default SQLite file not created under ./suqiu-data"
    );

    let out = run(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "wang",
            "--role",
            "station_staff",
            "--org-unit",
            "310117001001",
        ],
        "a-long-password\n",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已创建用户 wang"), "{}", text(&out));

    let out = run(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "wang",
            "--role",
            "station_staff",
            "--org-unit",
            "310117001001",
        ],
        "a-long-password\n",
    );
    assert!(!out.status.success(), "a taken username must fail");

    let out = run(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "li",
            "--role",
            "mayor",
            "--org-unit",
            "310117001001",
        ],
        "a-long-password\n",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("未知的角色") && text(&out).contains("station_staff"),
        "{}",
        text(&out)
    );

    let out = run(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "li",
            "--role",
            "station_staff",
            "--org-unit",
            "999",
        ],
        "a-long-password\n",
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("未知的组织编码"), "{}", text(&out));

    let out = run(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "li",
            "--role",
            "station_staff",
            "--org-unit",
            "310117001001",
        ],
        "short\n",
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("至少 8 个字符"), "{}", text(&out));

    let out = run(
        &dir,
        &[
            "user",
            "add",
            "--username",
            "li",
            "--role",
            "department_liaison",
            "--org-unit",
            "310117001",
        ],
        "a-long-password\n",
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("--department"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calendar_load_adds_a_later_year_and_rejects_a_bad_file() {
    let dir = temp_dir("calendar");
    let db = format!("sqlite://{}/c.db", dir.display());
    let good = dir.join("2027.json");
    std::fs::write(
        &good,
        r#"{"about":"test arrangement","years":{"2027":{"holidays":{"元旦":["2027-01-01"],"国庆节":["2027-10-01","2027-10-04"]},"working_weekends":["2027-10-09"]}}}"#,
    )
    .expect("write");
    let out = run(
        &dir,
        &[
            "calendar",
            "load",
            good.to_str().unwrap(),
            "--database",
            &db,
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2027"), "{}", text(&out));

    let out = run(&dir, &["calendar", "show", "--database", &db], "");
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("2027-10-09") && shown.contains("2025-01-28"),
        "calendar show lacks loaded or built-in years"
    );

    let bad = dir.join("bad.json");
    // 2027-10-08 is a Friday: it cannot be a 调休 working weekend.
    std::fs::write(
        &bad,
        r#"{"years":{"2027":{"holidays":{},"working_weekends":["2027-10-08"]}}}"#,
    )
    .expect("write");
    let out = run(
        &dir,
        &["calendar", "load", bad.to_str().unwrap(), "--database", &db],
        "",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("2027-10-08"),
        "the message must name the bad date: {}",
        text(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server's log written to a file (as under systemd or `2> suqiu.log`) is plain text: the
/// level and field names carry no terminal colour codes.
#[test]
fn the_server_log_in_a_file_has_no_colour_codes() {
    let dir = temp_dir("log");
    let log_path = dir.join("suqiu.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut child = Command::new(EXE)
        .args(["serve", "--listen", "127.0.0.1:0", "--no-background-jobs"])
        .current_dir(&dir)
        .env("RUST_LOG", "info,sqlx=error")
        .env_remove("NO_COLOR")
        .env_remove("SUQIU_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("spawn suqiu serve");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut written = String::new();
    while std::time::Instant::now() < deadline && !written.contains("suqiu serving") {
        std::thread::sleep(std::time::Duration::from_millis(100));
        written = std::fs::read_to_string(&log_path).unwrap_or_default();
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        written.contains("suqiu serving"),
        "no start line: {written}"
    );
    assert!(written.contains("INFO"), "no level in the log: {written}");
    assert!(
        !written.contains("\x1b["),
        "colour codes in the log: {written:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn open311_key_add_prints_the_key_last_and_keeps_only_its_hash() {
    let dir = temp_dir("open311");
    let db = format!("sqlite://{}/k.db", dir.display());
    let key_cmd = |args: &[&str]| {
        let mut all = vec!["open311", "key"];
        all.extend_from_slice(args);
        all.extend(["--database", db.as_str()]);
        run(&dir, &all, "")
    };
    let out = key_cmd(&["add", "--name", "12345 热线"]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let key = stdout
        .lines()
        .last()
        .expect("a last line")
        .trim()
        .to_string();
    assert_eq!(key.len(), 43, "32 random bytes, base64url: {stdout}");

    // Only its hash is kept, under the system's name, made on the command line.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = suqiu_store::Store::open(&db).await.expect("store");
        let hash = suqiu_server::auth::token_hash(&key);
        let kept = store.active_api_key(&hash).await.expect("read");
        let kept = kept.expect("the key opens");
        assert_eq!((kept.name.as_str(), kept.created_by), ("12345 热线", None));
        assert_eq!(kept.per_hour, 120, "the default limit");
        assert!(store.active_api_key(&key).await.expect("read").is_none());
    });
    // Its own hourly limit, given when made; a bad one is said and nothing is made.
    let limited = key_cmd(&["add", "--name", "区网格平台", "--per-hour", "30"]);
    assert!(limited.status.success(), "{}", text(&limited));
    assert!(
        text(&limited).contains("每小时最多 30 件"),
        "{}",
        text(&limited)
    );
    let bad = key_cmd(&["add", "--name", "另一个", "--per-hour", "0"]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("每小时上限"), "{}", text(&bad));

    let again = key_cmd(&["add", "--name", "12345 热线"]);
    assert!(!again.status.success());
    assert!(text(&again).contains("同名"), "{}", text(&again));
    let blank = key_cmd(&["add", "--name", "  "]);
    assert!(!blank.status.success());
    assert!(text(&blank).contains("系统名称"), "{}", text(&blank));

    let list = key_cmd(&["list"]);
    assert!(text(&list).contains("12345 热线\t有效"), "{}", text(&list));
    assert!(text(&list).contains("每小时 30 件"), "{}", text(&list));
    assert!(!text(&list).contains(&key), "the list never shows a key");
    let revoked = key_cmd(&["revoke", "--name", "12345 热线"]);
    assert!(revoked.status.success(), "{}", text(&revoked));
    assert!(text(&key_cmd(&["list"])).contains("已吊销"));
    let twice = key_cmd(&["revoke", "--name", "12345 热线"]);
    assert!(!twice.status.success());
    assert!(text(&twice).contains("没有名为"), "{}", text(&twice));
    let _ = std::fs::remove_dir_all(&dir);
}
