//! User accounts and sign-in sessions (kept in our own small table).

use chrono::{DateTime, Utc};
use suqiu_core::access::{Actor, Role};
use suqiu_core::Id;

use crate::error::Result;
use crate::Store;

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

impl Store {
    /// `Conflict{field:"username"}` when taken, `Invalid` for an unknown org unit or department.
    pub async fn create_user(&self, user: NewUser<'_>) -> Result<User> {
        let _ = user;
        todo!()
    }
    /// The user and its password hash, for sign-in.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let _ = username;
        todo!()
    }
    pub async fn user(&self, id: Id) -> Result<Option<User>> {
        let _ = id;
        todo!()
    }
    /// Users whose node lies in the actor's subtree.
    pub async fn users_in_scope(&self, actor: &Actor) -> Result<Vec<User>> {
        let _ = actor;
        todo!()
    }
    /// Stores a session under the SHA-256 of its token (the token itself is never stored).
    pub async fn create_session(&self, token_hash: &str, user_id: Id, expires_at: DateTime<Utc>) -> Result<()> {
        let _ = (token_hash, user_id, expires_at);
        todo!()
    }
    /// The actor behind a live session, or None when unknown or expired.
    pub async fn session_actor(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Actor>> {
        let _ = (token_hash, now);
        todo!()
    }
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let _ = token_hash;
        todo!()
    }
}
