//! `suqiu check`: everything a database can be checked against itself — the backend's
//! integrity check (and, on SQLite, every reference between tables), roll-ups against the
//! appeals, fund balances and stock against their ledgers, and the links between records a
//! lost or partial copy breaks (see `suqiu_store::verify`). Prints the row counts too, so a
//! backup or a restore can be compared with its source.

use anyhow::{bail, Result};
use suqiu_store::Store;

/// Runs every check on `store`, printing one line per problem; fails when any is found.
pub async fn run(store: &Store) -> Result<()> {
    let counts = store.record_counts().await?;
    let counts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!("记录数：{}", counts.join("，"));
    // `["ok"]` means healthy; anything else is one line per problem.
    let integrity: Vec<String> = store
        .integrity_check()
        .await?
        .into_iter()
        .filter(|l| l != "ok")
        .collect();
    let rollups = store.verify_rollups().await?;
    let care = store.verify_care_registers().await?;
    let records = store.verify_records().await?;
    for line in &integrity {
        println!("integrity: {line}");
    }
    for line in &rollups {
        println!("roll-up mismatch: {line}");
    }
    for line in &care {
        println!("care register mismatch: {line}");
    }
    for line in &records {
        println!("record problem: {line}");
    }
    if !integrity.is_empty() || !rollups.is_empty() || !care.is_empty() || !records.is_empty() {
        bail!(
            "检查未通过：{} 项完整性问题，{} 项统计汇总不一致，{} 项基金余额或库存与流水不一致，\
             {} 项记录缺失或不一致（时间线、全文索引、基金流水、编号序列）",
            integrity.len(),
            rollups.len(),
            care.len(),
            records.len()
        );
    }
    println!(
        "数据库完整性正常；统计汇总与诉求记录一致；基金余额和库存与流水一致；\
         每件诉求都有登记记录，检索索引与诉求对应，基金流水前后对应。"
    );
    Ok(())
}
