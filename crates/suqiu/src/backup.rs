//! `suqiu backup` and `suqiu restore` for the embedded SQLite database.
//!
//! A backup is `VACUUM INTO` over a read connection: one read transaction, so the copy is
//! the database as of one instant, including what still sits in the WAL (a plain `cp` of a
//! live database loses that), while the server keeps serving. Both commands write beside
//! the final file under a temporary name, check the copy, fsync it and rename it into place,
//! so a half-written file never carries the final name. PostgreSQL is backed up with
//! pg_dump; for it the commands say how (README, "Operations: backup and restore").

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode};
use sqlx::{Connection, Row};
use suqiu_store::Store;

use crate::cli::{redact, DatabaseArg};

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DatabaseArg,
    /// The backup file to write (refused if it exists, unless --force).
    #[arg(long)]
    pub to: PathBuf,
    /// Overwrite an existing backup file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// A file written by `suqiu backup`.
    #[arg(long)]
    pub from: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArg,
    /// Replace an existing database (its server must be stopped; the old file is kept).
    #[arg(long)]
    pub force: bool,
}

/// A mistake in what the operator asked for (exit code 2): the message says what to fix.
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn bad(message: impl Into<String>) -> anyhow::Error {
    BadInput(message.into()).into()
}

/// The SQLite migrations this build knows; a copy made by a newer build is refused.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../store/migrations/sqlite");

/// What a checked copy holds.
struct Contents {
    appeals: i64,
    people: i64,
    fund_entries: i64,
    migration: i64,
}

/// `suqiu backup --to FILE`: a consistent copy of the live database at `url`.
pub async fn backup(url: &str, to: &Path, force: bool) -> Result<()> {
    let source = sqlite_file(url, pg_dump_help(url, to))?;
    if !source.is_file() {
        return Err(bad(format!(
            "数据库文件 {} 不存在：请用 --database 指定要备份的数据库",
            source.display()
        )));
    }
    check_destination(&source, to, force)?;
    let started = Instant::now();
    let temp = temp_beside(to, "partial");
    remove_if_exists(&temp)?;
    let copied = copy_live(&source, &temp).await;
    let contents = match copied {
        Ok(()) => inspect(&temp).await,
        Err(e) => Err(e),
    };
    let contents = match contents {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    owner_only(&temp)?;
    sync_file(&temp)?;
    std::fs::rename(&temp, to).with_context(|| format!("无法把备份改名为 {}", to.display()))?;
    sync_dir(to)?;
    let size = std::fs::metadata(to)?.len();
    println!(
        "已备份 {} → {}：诉求 {} 件，居民 {} 人，基金流水 {} 笔；{}，用时 {:.2} 秒；完整性检查通过。",
        source.display(),
        to.display(),
        contents.appeals,
        contents.people,
        contents.fund_entries,
        megabytes(size),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `suqiu restore --from FILE`: puts a checked backup in place of the (stopped) database at
/// `url`, then migrates it and runs `suqiu check` on it.
pub async fn restore(from: &Path, url: &str, force: bool) -> Result<()> {
    let target = sqlite_file(url, pg_restore_help(url, from))?;
    check_backup_file(from, &target)?;
    check_target(&target, force).await?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
    }
    let temp = temp_beside(&target, "restore");
    remove_if_exists(&temp)?;
    std::fs::copy(from, &temp)
        .with_context(|| format!("无法把 {} 复制到 {}", from.display(), temp.display()))?;
    let contents = match inspect(&temp).await {
        Ok(c) => c,
        Err(e) => {
            for p in [temp.clone(), sidecar(&temp, "-wal"), sidecar(&temp, "-shm")] {
                let _ = std::fs::remove_file(p);
            }
            return Err(e);
        }
    };
    sync_file(&temp)?;
    let kept = keep_replaced(&target)?;
    // A stale WAL beside the new file would be replayed into it: remove it first.
    remove_if_exists(&sidecar(&target, "-wal"))?;
    remove_if_exists(&sidecar(&target, "-shm"))?;
    std::fs::rename(&temp, &target)
        .with_context(|| format!("无法把恢复的数据库改名为 {}", target.display()))?;
    sync_dir(&target)?;
    println!(
        "已从 {} 恢复到 {}：诉求 {} 件，居民 {} 人，基金流水 {} 笔（迁移版本 {}）。",
        from.display(),
        target.display(),
        contents.appeals,
        contents.people,
        contents.fund_entries,
        contents.migration
    );
    if let Some(kept) = kept {
        println!("原数据库保留为 {}。", kept.display());
    }
    let store = Store::open(url)
        .await
        .with_context(|| format!("无法打开恢复后的数据库 {}", redact(url)))?;
    crate::check::run(&store)
        .await
        .context("恢复后的检查未通过：请勿在它上面启动服务器，换一份备份再恢复")
}

/// The file an SQLite URL names; a PostgreSQL URL is answered with `pg_help` (exit 2).
fn sqlite_file(url: &str, pg_help: String) -> Result<PathBuf> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Err(bad(pg_help));
    }
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(bad(format!(
            "无法识别的数据库地址 {}：请用 sqlite://路径/文件.db 或 postgres://…",
            redact(url)
        )));
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" || query.contains("mode=memory") {
        return Err(bad(format!(
            "{url} 不是数据库文件：备份和恢复只针对磁盘上的 SQLite 文件"
        )));
    }
    Ok(PathBuf::from(path))
}

fn pg_dump_help(url: &str, to: &Path) -> String {
    format!(
        "PostgreSQL 数据库请用 pg_dump 备份（服务器照常运行，pg_dump 取一致的快照）：\n  \
         pg_dump -Fc --dbname='{}' --file='{}'\n\
         恢复（先停止服务器）：\n  \
         pg_restore --clean --if-exists --no-owner --dbname='{}' '{}'\n  \
         suqiu check --database '{}'\n\
         口令不在命令里：用 PGPASSWORD 或 ~/.pgpass 提供。步骤见 README「Operations: backup and restore」。",
        redact(url),
        to.display(),
        redact(url),
        to.display(),
        redact(url)
    )
}

fn pg_restore_help(url: &str, from: &Path) -> String {
    format!(
        "PostgreSQL 数据库请用 pg_restore 恢复（先停止服务器）：\n  \
         pg_restore --clean --if-exists --no-owner --dbname='{}' '{}'\n  \
         suqiu check --database '{}'\n\
         备份文件由 pg_dump -Fc 生成。步骤见 README「Operations: backup and restore」。",
        redact(url),
        from.display(),
        redact(url)
    )
}

/// The backup file must be new (or `--force`), in an existing directory, and not the source.
fn check_destination(source: &Path, to: &Path, force: bool) -> Result<()> {
    if to.exists() {
        if same_file(source, to) {
            return Err(bad("备份文件不能是数据库本身：请用 --to 指定另一个文件"));
        }
        if to.is_dir() {
            return Err(bad(format!("{} 是目录：--to 要给出文件名", to.display())));
        }
        if !force {
            return Err(bad(format!(
                "{} 已存在：换一个文件名，或加 --force 覆盖它",
                to.display()
            )));
        }
    }
    let dir = parent_dir(to);
    if !dir.is_dir() {
        return Err(bad(format!("目录 {} 不存在：请先创建它", dir.display())));
    }
    Ok(())
}

/// A restore reads a regular file with no WAL of its own (a live database is not a backup).
fn check_backup_file(from: &Path, target: &Path) -> Result<()> {
    if !from.exists() {
        return Err(bad(format!(
            "备份文件 {} 不存在：请用 --from 给出 suqiu backup 生成的文件",
            from.display()
        )));
    }
    if !from.is_file() {
        return Err(bad(format!("{} 不是文件", from.display())));
    }
    if same_file(from, target) {
        return Err(bad(
            "备份文件就是目标数据库：请把备份恢复到别处，或用另一份备份",
        ));
    }
    let wal = sidecar(from, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(bad(format!(
            "{} 旁边有 {}：它像是正在使用的数据库，不是备份。请用 suqiu backup 生成备份再恢复",
            from.display(),
            wal.display()
        )));
    }
    Ok(())
}

/// The target may be replaced only with `--force`, and never while a server has it open.
async fn check_target(target: &Path, force: bool) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    if !force {
        return Err(bad(format!(
            "目标数据库 {} 已存在：先停止使用它的服务器，再加 --force 用备份替换它（原文件会另存一份）",
            target.display()
        )));
    }
    if in_use(target).await? {
        return Err(bad(format!(
            "目标数据库 {} 正被另一个进程（多半是 suqiu serve）使用：请先停止服务器再恢复",
            target.display()
        )));
    }
    Ok(())
}

/// True when another process holds the SQLite database at `path` open, as a running server
/// does: every connection to a WAL database holds a shared lock that an exclusive-mode
/// connection cannot get past. When free, closing the probe checkpoints the old WAL.
async fn in_use(path: &Path) -> Result<bool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::from_millis(500));
    let mut conn = match SqliteConnection::connect_with(&options).await {
        Ok(conn) => conn,
        Err(e) => return Ok(is_busy(&e)),
    };
    let mut busy = false;
    for sql in [
        "BEGIN EXCLUSIVE",
        "SELECT COUNT(*) FROM sqlite_master",
        "COMMIT",
    ] {
        if let Err(e) = sqlx::query(sql).execute(&mut conn).await {
            // Anything but a lock (a file that is no database at all) is not a server.
            busy = is_busy(&e);
            break;
        }
    }
    conn.close().await.ok();
    Ok(busy)
}

fn is_busy(e: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i64 = 5;
    const SQLITE_LOCKED: i64 = 6;
    e.as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i64>().ok())
        .is_some_and(|c| matches!(c & 0xff, SQLITE_BUSY | SQLITE_LOCKED))
}

/// `VACUUM INTO` from a read connection: a consistent snapshot of `source`, WAL included.
async fn copy_live(source: &Path, to: &Path) -> Result<()> {
    let target = to
        .to_str()
        .ok_or_else(|| bad(format!("路径 {} 不是合法的 UTF-8", to.display())))?;
    let options = SqliteConnectOptions::new()
        .filename(source)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30));
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .with_context(|| format!("无法打开数据库 {}", source.display()))?;
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await;
    conn.close().await.ok();
    copied.with_context(|| format!("无法把 {} 备份到 {}", source.display(), to.display()))?;
    Ok(())
}

/// Opens a copy and checks it is a sound Suqiu database this build can run; returns what
/// it holds. Every refusal is a `BadInput` that says what is wrong with the file.
async fn inspect(path: &Path) -> Result<Contents> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| bad(format!("无法打开 {}：{e}", path.display())))?;
    let result = inspect_open(&mut conn, path).await;
    conn.close().await.ok();
    result
}

async fn inspect_open(conn: &mut SqliteConnection, path: &Path) -> Result<Contents> {
    let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| bad(format!("{} 不是可用的 SQLite 数据库：{e}", path.display())))?;
    if lines != ["ok"] {
        return Err(bad(format!(
            "{} 未通过完整性检查：{}",
            path.display(),
            lines.into_iter().take(5).collect::<Vec<_>>().join("；")
        )));
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' \
         AND name IN ('_sqlx_migrations', 'appeals', 'people', 'fund_entries')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if tables != 4 {
        return Err(bad(format!(
            "{} 不是诉求站（Suqiu）的数据库：缺少迁移记录或诉求、居民、基金表",
            path.display()
        )));
    }
    let row = sqlx::query(
        "SELECT COALESCE(MAX(version), 0) AS version, \
         COALESCE(SUM(CASE WHEN success THEN 0 ELSE 1 END), 0) AS failed FROM _sqlx_migrations",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (migration, failed): (i64, i64) = (row.try_get("version")?, row.try_get("failed")?);
    let known = MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0);
    if migration > known {
        return Err(bad(format!(
            "{} 由更新版本的 suqiu 生成（迁移 {migration}，本程序只到 {known}）：请用相同或更新版本的 suqiu",
            path.display()
        )));
    }
    if failed > 0 {
        return Err(bad(format!(
            "{} 有未完成的迁移：这份数据库在升级中途，不能用作备份",
            path.display()
        )));
    }
    let mut counts = [0i64; 3];
    for (n, table) in counts.iter_mut().zip(["appeals", "people", "fund_entries"]) {
        *n = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await?;
    }
    let [appeals, people, fund_entries] = counts;
    Ok(Contents {
        appeals,
        people,
        fund_entries,
        migration,
    })
}

/// Keeps the database a forced restore replaces, as `<file>.before-restore-<time>` (a hard
/// link where the file system allows, so the swap itself stays one atomic rename).
fn keep_replaced(target: &Path) -> Result<Option<PathBuf>> {
    if !target.exists() {
        return Ok(None);
    }
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let kept = sidecar(target, &format!(".before-restore-{stamp}"));
    if std::fs::hard_link(target, &kept).is_err() {
        std::fs::copy(target, &kept)
            .with_context(|| format!("无法把原数据库另存为 {}", kept.display()))?;
    }
    Ok(Some(kept))
}

/// `dir/.name.tag-<pid>`: beside the final file, so the rename stays on one file system.
fn temp_beside(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parent_dir(path).join(format!(".{name}.{tag}-{}", std::process::id()))
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("无法删除 {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// A backup holds residents' personal data: readable by its owner only.
fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("无法设置 {} 的权限", path.display()))?;
    }
    Ok(())
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("无法把 {} 写入磁盘", path.display()))
}

/// Makes the rename durable: the directory entry is data too.
fn sync_dir(path: &Path) -> Result<()> {
    let dir = parent_dir(path);
    std::fs::File::open(&dir)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("无法同步目录 {}", dir.display()))
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
