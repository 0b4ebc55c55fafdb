//! Store errors: "not found" and "conflict" are values callers act on; the rest is a fault.
//! A fault that passes when its cause does (a full disk, a database out of reach) is told
//! apart from the rest: [`StoreError::unavailable_reason`] says why, for a 503 to retry.

use suqiu_core::error::{FieldError, Msg, Reason, Refusal};
use suqiu_core::msg;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Unknown, or outside the actor's scope — callers must not tell the two apart.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken (e.g. a username taken); the error's field names the
    /// culprit, its words say why in both languages.
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// Rows of an import that cannot be written as checked (e.g. a person someone else
    /// registered between the check and the commit), each with its row number.
    #[error("{} rows cannot be imported", .0.len())]
    Rows(Vec<suqiu_core::roster::RowError>),
    /// A referenced row does not exist (e.g. an unknown org unit); the error's field names it.
    #[error("{}", .0.message)]
    Invalid(FieldError),
    /// A rule refuses this actor (not the level the entry needs): the reason says who may.
    #[error("{0}")]
    Forbidden(Reason),
    /// Bad configuration (URL, directory) with a message saying what to fix.
    #[error("{0}")]
    Config(String),
    /// Nothing was saved and the cause should pass (the disk below its free-space floor or
    /// full, the database out of reach): the reason, for the user.
    #[error("unavailable: {0}")]
    Unavailable(Reason),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A refusal of core's rules, as the store's callers know errors (422, 409, 403).
impl From<Refusal> for StoreError {
    fn from(r: Refusal) -> StoreError {
        match r {
            Refusal::Invalid(e) => StoreError::Invalid(e),
            Refusal::Conflict(e) => StoreError::Conflict(e),
            Refusal::Forbidden(reason) => StoreError::Forbidden(reason),
        }
    }
}

/// Said when SQLite could not write for want of space.
pub(crate) const DISK_FULL: Msg = msg!(
    "disk_full",
    "服务器磁盘空间已满，本次操作未保存，请稍后再试",
    "The server's disk is full: nothing was saved. Please try again later",
);
/// Said when the database cannot be reached or answers too slowly.
pub(crate) const DATABASE_DOWN: Msg = msg!(
    "database_down",
    "暂时无法连接数据库，本次操作未保存，请稍后再试",
    "The database cannot be reached just now: nothing was saved. Please try again later",
);

// Messages several of the store's rules give alike.
pub(crate) const PERSON_UNKNOWN: Msg = msg!("person_unknown", "未知的人员", "Unknown person");
pub(crate) const ORG_NAME_EMPTY: Msg = msg!("org_name_empty", "请填写名称", "Enter the name");
pub(crate) const CODE_TAKEN: Msg = msg!("code_taken", "编码已被使用", "The code is already in use");
pub(crate) const CODE_EMPTY: Msg = msg!("code_empty", "请填写编码", "Enter the code");
pub(crate) const HANDLING_UNIT_MISSING: Msg = msg!(
    "handling_unit_missing",
    "承办单位不存在",
    "The handling unit does not exist"
);
pub(crate) const ORG_UNIT_MISSING: Msg = msg!(
    "org_unit_missing",
    "组织单位不存在",
    "The unit does not exist"
);
pub(crate) const ORG_UNIT_OUT_OF_SCOPE: Msg = msg!(
    "org_unit_out_of_scope",
    "未知的组织节点或不在管辖范围内",
    "Unknown unit, or outside your scope"
);
pub(crate) const PERSON_OUT_OF_SCOPE: Msg = msg!(
    "person_out_of_scope",
    "未知的人员或不在管辖范围内",
    "Unknown person, or outside your scope"
);
pub(crate) const TRACKING_CODE_TAKEN: Msg = msg!(
    "tracking_code_taken",
    "查询码已存在",
    "The tracking code already exists"
);

impl StoreError {
    /// Why nothing was saved, when the cause is one that passes (retry later): `Unavailable`,
    /// and the database errors of a full disk, a lost connection, a pool with no connection
    /// to give, a database shutting down or cancelling a statement that ran too long.
    pub fn unavailable_reason(&self) -> Option<Reason> {
        match self {
            StoreError::Unavailable(reason) => Some(reason.clone()),
            StoreError::Database(e) => transient(e).map(Reason::new),
            _ => None,
        }
    }
}

/// The user's reason for a database error that should pass, or None for a fault.
fn transient(e: &sqlx::Error) -> Option<&'static Msg> {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            Some(&DATABASE_DOWN)
        }
        sqlx::Error::Database(d) => {
            if let Some(sqlite) = d.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
                let code = sqlx::error::DatabaseError::code(sqlite)
                    .and_then(|c| c.parse::<i32>().ok())
                    .unwrap_or(0);
                // Primary result codes: SQLITE_FULL and SQLITE_IOERR (ENOSPC shows as either).
                return matches!(code & 0xff, 13 | 10).then_some(&DISK_FULL);
            }
            let state = d.code()?;
            match &state[..] {
                // PostgreSQL: disk full, out of memory, too many connections.
                s if s.starts_with("53") => Some(if s == "53100" {
                    &DISK_FULL
                } else {
                    &DATABASE_DOWN
                }),
                // Connection exceptions, shutdown, not yet accepting connections, statement
                // timeout.
                s if s.starts_with("08") || s.starts_with("57P") || s == "57014" => {
                    Some(&DATABASE_DOWN)
                }
                _ => None,
            }
        }
        _ => None,
    }
}
