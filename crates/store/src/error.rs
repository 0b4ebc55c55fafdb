//! Store errors: "not found" and "conflict" are values callers act on; the rest is a fault.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Unknown, or outside the actor's scope — callers must not tell the two apart.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken (e.g. a username taken); `field` names the culprit.
    #[error("{message}")]
    Conflict { field: String, message: String },
    /// Rows of an import that cannot be written as checked (e.g. a person someone else
    /// registered between the check and the commit), each with its row number.
    #[error("{} rows cannot be imported", .0.len())]
    Rows(Vec<suqiu_core::roster::RowError>),
    /// A referenced row does not exist (e.g. an unknown org unit); `field` names it.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// Bad configuration (URL, directory) with a message saying what to fix.
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;
