//! Saved full-text searches: what a user typed into a list's search box, under an opaque
//! token the list's URL carries instead of the text (see migration 0011).

use chrono::{DateTime, Utc};
use rand::Rng;
use suqiu_core::Id;

use crate::error::Result;
use crate::sql::{get, ms};
use crate::Store;

impl Store {
    /// The token of `user_id`'s search for `text`: the one saved before, or a new one.
    pub async fn save_search(&self, user_id: Id, text: &str, now: DateTime<Utc>) -> Result<String> {
        let token = hex::encode(rand::thread_rng().gen::<[u8; 12]>());
        // The same text searched again keeps its token, so bookmarks and history stay put.
        sqlx::query(
            "INSERT INTO saved_searches (token, user_id, text, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, text) DO NOTHING",
        )
        .bind(&token)
        .bind(user_id)
        .bind(text)
        .bind(ms(now))
        .execute(self.writer.pool()?)
        .await?;
        let row = sqlx::query("SELECT token FROM saved_searches WHERE user_id = $1 AND text = $2")
            .bind(user_id)
            .bind(text)
            .fetch_one(self.writer.ungated())
            .await?;
        get(&row, "token")
    }

    /// The text behind `token`, when it is `user_id`'s; `None` for anyone else's or an
    /// unknown token.
    pub async fn saved_search(&self, user_id: Id, token: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT text FROM saved_searches WHERE token = $1 AND user_id = $2")
            .bind(token)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| get(&r, "text")).transpose()
    }
}
