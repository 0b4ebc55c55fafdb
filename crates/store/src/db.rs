//! Opening a store: backend from the URL, pools, pragmas, migrations.

use sqlx::any::AnyPool;

use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store. Cheap to clone (pools are shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    /// Reads (and, on PostgreSQL, writes).
    pub(crate) pool: AnyPool,
    /// On SQLite the single writer connection, so writers queue instead of failing busy.
    pub(crate) writer: AnyPool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend).finish_non_exhaustive()
    }
}

/// The default database when none is given: an SQLite file under `./suqiu-data/`.
pub const DEFAULT_URL: &str = "sqlite://suqiu-data/suqiu.db";

impl Store {
    /// Opens (creating and migrating if needed) the database at `url`:
    /// `sqlite://path/to/file.db`, `sqlite::memory:` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        let _ = url;
        todo!()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs the backend's integrity check (`PRAGMA integrity_check` on SQLite).
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        todo!()
    }

    /// True when the database holds no org units yet (so `--demo` may fill it).
    pub async fn is_empty(&self) -> Result<bool> {
        todo!()
    }
}
