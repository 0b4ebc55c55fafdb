//! A fresh database for one test: an SQLite file in a new temporary directory, or a new,
//! uniquely named database on the PostgreSQL server at `SUQIU_TEST_PG_URL`. PostgreSQL is
//! required, not optional: when it does not answer, the test fails saying how to start it.

use sqlx::{Connection, Executor, PgConnection};

use crate::Backend;

/// The PostgreSQL server tests create their databases on, unless `SUQIU_TEST_PG_URL` says.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// `SUQIU_TEST_PG_URL`, or [`DEFAULT_PG_URL`]: a server where this user may CREATE DATABASE.
pub fn pg_admin_url() -> String {
    std::env::var("SUQIU_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

/// `url` with its database name replaced by `name` (its query string kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Where a fresh database lives, to remove it after the test.
#[derive(Debug)]
enum Place {
    Dir(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// A fresh, empty database (not yet opened: `url` is for `Store::open`).
#[derive(Debug)]
pub struct FreshDb {
    pub url: String,
    place: Place,
}

impl FreshDb {
    /// A new database for `backend`, its name made of `label` (letters, digits and `_`) and
    /// a unique suffix.
    pub async fn create(backend: Backend, label: &str) -> FreshDb {
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let name = format!("suqiu_{label}_{unique}").to_lowercase();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("create a temp dir");
                FreshDb {
                    url: format!("sqlite://{}/suqiu.db", dir.display()),
                    place: Place::Dir(dir),
                }
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url();
                let mut conn = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is required for these tests and is not reachable at {admin_url} ({e}).\n\
                         Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`), \
                         or point SUQIU_TEST_PG_URL at a server where this user may CREATE DATABASE."
                    )
                });
                conn.execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
                let _ = conn.close().await;
                FreshDb {
                    url: with_database(&admin_url, &name),
                    place: Place::Postgres { admin_url, name },
                }
            }
        }
    }

    /// Removes the database. Best effort: a failure here must not hide the test's own result.
    pub async fn remove(self) {
        match self.place {
            Place::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Place::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::connect(&admin_url).await {
                    let _ = conn
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                    let _ = conn.close().await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "t1"), "postgres://u@h/t1");
    }
}
