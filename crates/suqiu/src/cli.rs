//! Command-line interface (clap). Each subcommand is a thin shell over the library.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use suqiu_core::access::Role;
use suqiu_core::calendar::WorkCalendar;
use suqiu_store::db::DEFAULT_URL;
use suqiu_store::users::NewUser;
use suqiu_store::Store;

use crate::{backup, bench, demo};

#[derive(Debug, Parser)]
#[command(
    name = "suqiu",
    version,
    about = "诉求站 Suqiu — software for community appeal stations"
)]
pub struct Cli {
    /// Log lines as JSON (for log collectors) instead of human-readable text.
    #[arg(long, global = true)]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct DatabaseArg {
    /// Database URL: `sqlite://path/file.db` (default, embedded) or `postgres://…`.
    #[arg(long, env = "SUQIU_DATABASE_URL", default_value = DEFAULT_URL)]
    pub database: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (HTTP API and operations endpoints).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        #[command(flatten)]
        db: DatabaseArg,
        /// Fill an empty database with the demo district (松江区) and demo appeals.
        #[arg(long)]
        demo: bool,
        /// Mark the session cookie `Secure` (set when served over HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// Do not run the deadline watch and outbound delivery (benchmarks: a synthetic
        /// database's backlog of overdue appeals would be worked off while measuring).
        #[arg(long)]
        no_background_jobs: bool,
        /// SQLite: refuse writes (503) while the database's directory has less free space
        /// than this, in MB (0: no floor). Reads go on; /healthz answers 503 meanwhile.
        #[arg(long, env = "SUQIU_MIN_FREE_MB", default_value_t = 256)]
        min_free_mb: u64,
        /// The address of a reverse proxy in front of Suqiu: for requests from it, the client
        /// is the last address of `X-Forwarded-For` (sign-in limits count per client).
        #[arg(long, env = "SUQIU_TRUSTED_PROXY")]
        trusted_proxy: Option<std::net::IpAddr>,
    },
    /// Generate the demo district and N realistic appeals (for trying out and benchmarks).
    Demo {
        #[arg(long, default_value_t = 2_000)]
        appeals: u64,
        #[arg(long, default_value_t = 2005)]
        seed: u64,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The working-day calendar (holidays and 调休 working weekends).
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Open311 GeoReport v2: the keys of the systems that post appeals through it.
    Open311 {
        #[command(subcommand)]
        command: crate::open311::Open311Command,
    },
    /// Consistency checks on a live database.
    Check {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// A consistent copy of a live SQLite database (PostgreSQL: prints the pg_dump commands).
    Backup(backup::BackupArgs),
    /// Put a backup in place of a stopped server's SQLite database, then check it.
    Restore(backup::RestoreArgs),
    /// The project's benchmarks; see BENCHMARKS.md.
    Bench(bench::BenchArgs),
    /// The appeal-text classifier on labelled files: train, eval, classify, cv.
    Text {
        #[command(subcommand)]
        command: crate::text::TextCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// district_admin | street_staff | station_staff | department_liaison | volunteer | auditor
        #[arg(long)]
        role: String,
        /// Code of the user's org unit, e.g. 310117001001.
        #[arg(long)]
        org_unit: String,
        /// Department code (department liaisons only).
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Load a year's official arrangement (same JSON schema as data/calendar/) into the database.
    Load {
        file: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Print the calendar in use as JSON.
    Show {
        #[command(flatten)]
        db: DatabaseArg,
    },
}

/// Structured logs on stderr. Never personal data: the server logs paths without queries.
/// Colour only on a terminal: a log redirected to a file or collected by systemd would
/// otherwise be full of escape codes.
pub fn init_tracing(cli: &Cli) {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if cli.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            db,
            demo,
            secure_cookies,
            no_background_jobs,
            min_free_mb,
            trusted_proxy,
        } => {
            serve(
                listen,
                &db.database,
                demo,
                secure_cookies,
                trusted_proxy,
                !no_background_jobs,
                min_free_mb,
            )
            .await
        }
        Command::Demo { appeals, seed, db } => {
            let store = open(&db.database).await?;
            demo::load::load_demo(&store, appeals, seed, true).await
        }
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    org_unit,
                    department,
                    display_name,
                    db,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("读取标准输入中的密码失败")?;
            let password = password.trim_end_matches(['\r', '\n']);
            add_user(
                &db.database,
                &username,
                &role,
                &org_unit,
                department.as_deref(),
                display_name.as_deref(),
                password,
            )
            .await
        }
        Command::Calendar {
            command: CalendarCommand::Load { file, db },
        } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("无法读取文件 {}", file.display()))?;
            let store = open(&db.database).await?;
            let years = load_calendar(&store, &json).await?;
            println!("已载入年份：{years:?}");
            Ok(())
        }
        Command::Calendar {
            command: CalendarCommand::Show { db },
        } => {
            let store = open(&db.database).await?;
            println!("{}", current_calendar(&store).await?.to_json());
            Ok(())
        }
        Command::Open311 { command } => crate::open311::run(command).await,
        Command::Check { db } => crate::check::run(&open(&db.database).await?).await,
        Command::Backup(args) => backup::backup(&args.db.database, &args.to, args.force).await,
        Command::Restore(args) => backup::restore(&args.from, &args.db.database, args.force).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Text { command } => crate::text::run(command),
    }
}

pub(crate) async fn open(url: &str) -> Result<Store> {
    Store::open(url)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact(url)))
}

/// A database URL fit for messages and logs: the password replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn serve(
    listen: SocketAddr,
    url: &str,
    with_demo: bool,
    secure_cookies: bool,
    trusted_proxy: Option<std::net::IpAddr>,
    background_jobs: bool,
    min_free_mb: u64,
) -> Result<()> {
    let options = suqiu_store::db::OpenOptions {
        wait_for_database: true,
        statement_timeout: Some(STATEMENT_TIMEOUT),
    };
    let store = Store::open_with(url, &options)
        .await
        .with_context(|| format!("无法打开数据库 {}", redact(url)))?;
    store.set_min_free_bytes(min_free_mb.saturating_mul(1024 * 1024));
    if with_demo {
        if store.is_empty().await? {
            tracing::info!("filling the empty database with the demo district");
            demo::load::load_demo(&store, demo::load::SERVE_DEMO_APPEALS, 2005, false).await?;
        } else {
            tracing::info!("database not empty: --demo leaves it as it is");
        }
    }
    let mut state = suqiu_server::AppState::load(store, suqiu_server::Clock::system()).await?;
    state.secure_cookies = secure_cookies;
    state.demo_mode = with_demo;
    state.trusted_proxy = trusted_proxy;
    // The deadline watch, outbound delivery, the search index's catch-up and the
    // suggestions' nightly retrain run beside the API for as long as it does.
    let jobs = if background_jobs {
        let mut jobs = vec![
            suqiu_server::jobs::watch::spawn(state.clone()),
            suqiu_server::jobs::outbound::spawn(state.clone()),
            suqiu_server::jobs::reindex::spawn(state.clone()),
        ];
        jobs.extend(suqiu_server::jobs::suggest::spawn(state.clone()));
        jobs
    } else {
        Vec::new()
    };
    let app = suqiu_server::router(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    tracing::info!(%listen, database = %redact(url), "suqiu serving");
    // The peer address reaches handlers (sign-in and lookup limits count per client).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    for job in jobs {
        job.abort();
    }
    Ok(())
}

/// PostgreSQL cancels a server's statement that runs longer than this (none comes close).
const STATEMENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

pub async fn add_user(
    url: &str,
    username: &str,
    role: &str,
    org_code: &str,
    department: Option<&str>,
    display_name: Option<&str>,
    password: &str,
) -> Result<()> {
    let Some(role) = Role::parse(role) else {
        bail!("未知的角色「{role}」；可选：{}", Role::codes());
    };
    let store = open(url).await?;
    // The district's password rule (suqiu_core::password); the demo password never here.
    if let Err(e) = store
        .password_policy()
        .await?
        .check("password", password, username, false)
    {
        bail!("{}（密码从标准输入读取）", e.message);
    }
    let Some(org) = store.org_unit_by_code(org_code).await? else {
        bail!("未知的组织编码「{org_code}」；请用 suqiu demo 或管理界面先建立组织");
    };
    let department_id = match department {
        Some(code) => match store
            .departments()
            .await?
            .into_iter()
            .find(|d| d.code == code)
        {
            Some(d) => Some(d.id),
            None => bail!("未知的部门编码「{code}」"),
        },
        None if role == Role::DepartmentLiaison => {
            bail!("部门联络员须用 --department 指定部门编码")
        }
        None => None,
    };
    let hash = suqiu_server::hash_password(password);
    let user = store
        .create_user(NewUser {
            username,
            password_hash: &hash,
            display_name: display_name.unwrap_or(username),
            role,
            org_unit_id: org.id,
            department_id,
        })
        .await?;
    println!(
        "已创建用户 {}（{}，{}）",
        user.username,
        role.label_zh(),
        org.name
    );
    Ok(())
}

/// The calendar in force: the built-in years plus whatever an administrator loaded.
pub async fn current_calendar(store: &Store) -> Result<WorkCalendar> {
    let mut cal = WorkCalendar::builtin();
    if let Some(json) = store.setting(suqiu_store::settings::CALENDAR).await? {
        cal.merge_json(&json)
            .context("数据库中保存的日历无法解析")?;
    }
    Ok(cal)
}

async fn load_calendar(store: &Store, json: &str) -> Result<Vec<i32>> {
    let mut cal = current_calendar(store).await?;
    let years = cal
        .merge_json(json)
        .map_err(|e| anyhow::anyhow!("日历文件有误：{e}"))?;
    store
        .put_setting(suqiu_store::settings::CALENDAR, &cal.to_json())
        .await?;
    Ok(years)
}
