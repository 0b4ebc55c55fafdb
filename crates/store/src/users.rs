//! User accounts and sign-in sessions (kept in our own small table).

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::{Actor, Role};
use suqiu_core::msg;
use suqiu_core::Id;

use crate::error::Result;
use crate::org::require_org_unit;
use crate::session_cache::Cached;
use crate::sql::{get, get_code, get_time, invalid, ms, now_bounds, write_error, Args};
use crate::{scope, Store};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: Id,
    pub department_id: Option<Id>,
}

pub struct NewUser<'a> {
    pub username: &'a str,
    /// An argon2 PHC string; the store never sees a password.
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub org_unit_id: Id,
    pub department_id: Option<Id>,
}

const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.org_unit_id, u.department_id";

fn user_from(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: get(row, "id")?,
        username: get(row, "username")?,
        display_name: get(row, "display_name")?,
        role: get_code(row, "role", Role::parse)?,
        org_unit_id: get(row, "org_unit_id")?,
        department_id: get(row, "department_id")?,
    })
}

/// Deletes `user_id`'s sessions but the one whose token hash is `keep`.
async fn delete_sessions_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: Id,
    keep: Option<&str>,
) -> Result<u64> {
    let done = match keep {
        Some(keep) => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user_id)
                .bind(keep)
                .execute(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut **tx)
                .await?
        }
    };
    Ok(done.rows_affected())
}

fn actor_from(r: &AnyRow) -> Result<Actor> {
    Ok(Actor {
        user_id: get(r, "id")?,
        name: get(r, "display_name")?,
        role: get_code(r, "role", Role::parse)?,
        org_unit_id: get(r, "org_unit_id")?,
        org_path: get(r, "path")?,
        department_id: get(r, "department_id")?,
    })
}

impl Store {
    /// `Conflict{field:"username"}` when taken, `Invalid` for an unknown org unit or department.
    pub async fn create_user(&self, user: NewUser<'_>) -> Result<User> {
        let username = user.username.trim();
        if username.is_empty() {
            return Err(invalid(
                "username",
                &msg!("username_empty", "请填写用户名", "Enter the username"),
            ));
        }
        let mut tx = self.writer.begin().await?;
        require_org_unit(&mut tx, user.org_unit_id).await?;
        if let Some(d) = user.department_id {
            let found = sqlx::query("SELECT id FROM departments WHERE id = $1")
                .bind(d)
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_none() {
                return Err(invalid(
                    "department_id",
                    &msg!(
                        "department_missing",
                        "部门不存在",
                        "The department does not exist"
                    ),
                ));
            }
        }
        let row = sqlx::query(
            "INSERT INTO users (username, password_hash, display_name, role, org_unit_id, department_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(username)
        .bind(user.password_hash)
        .bind(user.display_name)
        .bind(user.role.code())
        .bind(user.org_unit_id)
        .bind(user.department_id)
        .bind(ms(Utc::now()))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| write_error(e, "username", &msg!("username_taken", "用户名已被使用", "The username is taken")))?;
        let id = get(&row, "id")?;
        tx.commit().await?;
        Ok(User {
            id,
            username: username.into(),
            display_name: user.display_name.into(),
            role: user.role,
            org_unit_id: user.org_unit_id,
            department_id: user.department_id,
        })
    }

    /// The user and its password hash, for sign-in.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1"
        ))
        .bind(username.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|r| Ok((user_from(r)?, get(r, "password_hash")?)))
            .transpose()
    }

    pub async fn user(&self, id: Id) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Users whose node lies in the actor's subtree, by id.
    pub async fn users_in_scope(&self, actor: &Actor) -> Result<Vec<User>> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE {} ORDER BY u.id",
            scope::in_subtree("o.path", &actor.org_path, &mut a)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(user_from).collect()
    }

    /// Stores a session under the SHA-256 of its token (the token itself is never stored).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: Id,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(ms(Utc::now()))
            .bind(ms(expires_at))
            .execute(self.writer.pool()?)
            .await
            .map_err(|e| match write_error(e, "token_hash", &msg!("session_exists", "会话已存在", "The session already exists")) {
                crate::StoreError::Invalid(_) => invalid("user_id", &msg!("user_missing", "用户不存在", "The user does not exist")),
                other => other,
            })?;
        Ok(())
    }

    /// The actor behind a live session (`expires_at` after `now`), or None when unknown or
    /// expired. Sessions found live are trusted for a few seconds without asking the
    /// database again (see `session_cache`).
    pub async fn session_actor(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Actor>> {
        match self.sessions.get(token_hash, now) {
            Cached::Live(actor) => return Ok(Some(actor)),
            Cached::Expired => return Ok(None),
            Cached::Unknown => {}
        }
        // expires_at > now ⇔ expires_at >= floor(now) + 1 for millisecond values.
        let (floor, _) = now_bounds(now);
        let row = sqlx::query(
            "SELECT u.id, u.display_name, u.role, u.org_unit_id, u.department_id, o.path, s.expires_at
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN org_units o ON o.id = u.org_unit_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(floor)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let actor = actor_from(&row)?;
        self.sessions
            .put(token_hash, actor.clone(), get_time(&row, "expires_at")?);
        Ok(Some(actor))
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.sessions.forget(token_hash);
        // Not refused below the free-space floor: signing out must always work, and frees space.
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.writer.ungated())
            .await?;
        Ok(())
    }

    /// Replaces `user_id`'s password hash and ends every other session of the user (all of
    /// them when `keep` is None), in one transaction; this server stops trusting the ended
    /// sessions at once. `NotFound` for an unknown user.
    pub async fn set_password(
        &self,
        user_id: Id,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<u64> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(crate::StoreError::NotFound);
        }
        let ended = delete_sessions_of(&mut tx, user_id, keep).await?;
        tx.commit().await?;
        self.sessions.forget_user(user_id);
        Ok(ended)
    }

    /// Ends every session of `user_id` (sign out everywhere); returns how many.
    pub async fn delete_user_sessions(&self, user_id: Id) -> Result<u64> {
        let mut tx = self.writer.begin().await?;
        let ended = delete_sessions_of(&mut tx, user_id, None).await?;
        tx.commit().await?;
        self.sessions.forget_user(user_id);
        Ok(ended)
    }

    /// Deletes expired sessions; returns how many (for a periodic clean-up job).
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let (floor, _) = now_bounds(now);
        // Not refused below the free-space floor: it frees space.
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(floor)
            .execute(self.writer.ungated())
            .await?;
        Ok(done.rows_affected())
    }

    /// The actor for a user id (as a session would give it), e.g. for the CLI and tests.
    pub async fn actor(&self, user_id: Id) -> Result<Option<Actor>> {
        let row = sqlx::query(
            "SELECT u.id, u.display_name, u.role, u.org_unit_id, u.department_id, o.path
             FROM users u JOIN org_units o ON o.id = u.org_unit_id WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(actor_from).transpose()
    }
}
