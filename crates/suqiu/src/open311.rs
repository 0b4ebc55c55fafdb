//! `suqiu open311 key …`: the keys of the systems that post appeals through Open311, made
//! and revoked on the command line as on `/admin/open311` (`suqiu_server::add_open311_key`).

use anyhow::{bail, Result};
use clap::Subcommand;
use suqiu_store::StoreError;

use crate::cli::{open, DatabaseArg};

#[derive(Debug, Subcommand)]
pub enum Open311Command {
    /// The API keys of client systems.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make a key for a system; prints it (once) on the last line.
    Add {
        /// The system that will use it, e.g. "12345 热线".
        #[arg(long)]
        name: String,
        /// How many requests it may post in an hour (default 120).
        #[arg(long)]
        per_hour: Option<String>,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// List the keys (never the keys themselves).
    List {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Revoke the active key of a system.
    Revoke {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

pub async fn run(command: Open311Command) -> Result<()> {
    let Open311Command::Key { command } = command;
    let now = chrono::Utc::now();
    match command {
        KeyCommand::Add { name, per_hour, db } => {
            let store = open(&db.database).await?;
            let typed = (name.as_str(), per_hour.as_deref().unwrap_or(""));
            let (key, kept) = match suqiu_server::add_open311_key(&store, typed, None, now).await {
                Ok(made) => made,
                Err(StoreError::Invalid(e) | StoreError::Conflict(e)) => bail!("{}", e.message),
                Err(e) => return Err(e.into()),
            };
            println!(
                "已为「{}」生成 Open311 接口密钥（每小时最多 {} 件；只显示这一次，请妥善保管）：",
                kept.name, kept.per_hour
            );
            // The key alone on the last line, for scripts.
            println!("{key}");
        }
        KeyCommand::List { db } => {
            let store = open(&db.database).await?;
            for k in store.api_keys().await? {
                let state = match k.revoked_at {
                    Some(at) => format!("已吊销 {}", suqiu_core::display::time(at)),
                    None => "有效".to_string(),
                };
                let used = k
                    .last_used_at
                    .map_or_else(|| "未使用".to_string(), suqiu_core::display::time);
                println!(
                    "{}\t{}\t生成于 {}\t最近使用 {used}\t每小时 {} 件",
                    k.name,
                    state,
                    suqiu_core::display::time(k.created_at),
                    k.per_hour
                );
            }
        }
        KeyCommand::Revoke { name, db } => {
            let store = open(&db.database).await?;
            match suqiu_server::revoke_open311_key(&store, &name, now).await {
                Ok(k) => println!("已吊销「{}」的 Open311 接口密钥", k.name),
                Err(StoreError::NotFound) => bail!("没有名为「{name}」的有效密钥"),
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}
