//! 花名册导入: an uploaded roster kept between upload and commit (see migration 0015), the
//! register's keys a roster is checked against, and the commit itself.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use sqlx::AnyConnection;
use suqiu_core::person::Person;
use suqiu_core::roster::{admit, keys, Existing, Keys, Sheet};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::sql::{get, ms, time_of, Args};
use crate::{dialect, Store};

/// How long an uploaded roster waits for its commit.
pub const UPLOAD_TTL: TimeDelta = TimeDelta::hours(1);

/// Keys looked up per query (well inside both backends' bind limits).
const CHUNK: usize = 500;

impl Store {
    /// Keeps `sheet` for `user_id` under a new random token until `now + UPLOAD_TTL`. The
    /// user's earlier uploads and everyone's expired ones are deleted: personal data stays
    /// no longer than the import needs it.
    pub async fn save_roster(
        &self,
        user_id: Id,
        sheet: &Sheet,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let token = hex::encode(rand::thread_rng().gen::<[u8; 16]>());
        let json = serde_json::to_string(sheet)
            .map_err(|e| StoreError::Corrupt(format!("roster sheet: {e}")))?;
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM roster_uploads WHERE user_id = $1 OR expires_at < $2")
            .bind(user_id)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO roster_uploads (token, user_id, sheet, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&token)
        .bind(user_id)
        .bind(json)
        .bind(ms(now))
        .bind(ms(now + UPLOAD_TTL))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The roster behind `token`, and when it expires, when it is `user_id`'s and not
    /// expired.
    pub async fn roster(
        &self,
        user_id: Id,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Sheet, DateTime<Utc>)>> {
        let row = sqlx::query(
            "SELECT sheet, expires_at FROM roster_uploads WHERE token = $1 AND user_id = $2 AND expires_at >= $3",
        )
        .bind(token)
        .bind(user_id)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let json: String = get(&row, "sheet")?;
        let expires = time_of(get(&row, "expires_at")?, "expires_at")?;
        let sheet: Sheet = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("roster sheet: {e}")))?;
        Ok(Some((sheet, expires)))
    }

    /// Registers `people` (with their rows: a `suqiu_core::roster::Plan`'s) and deletes the
    /// upload, in one transaction: all of them or none. `NotFound` when the upload is gone (expired, or committed already: a
    /// second click imports nothing twice). `Rows` when a person is on the register by now
    /// (someone registered them after the caller's check, e.g. another roster committed at
    /// the same moment): the register's facts are loaded again inside the transaction, with
    /// concurrent writers of the register held off (PostgreSQL locks the table; SQLite has
    /// one writer), and `suqiu_core::roster::admit` decides; the upload is kept for a new
    /// preview.
    pub async fn commit_roster(
        &self,
        user_id: Id,
        token: &str,
        people: &[(u32, Person)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Id>> {
        let paths = self.org_paths().await?;
        let mut tx = self.writer.begin().await?;
        // Self-exclusive, so two commits check and insert one after the other; readers of
        // the register are not held up.
        dialect::lock_table(self.backend, &mut tx, "people", "SHARE ROW EXCLUSIVE").await?;
        let gone = sqlx::query(
            "DELETE FROM roster_uploads WHERE token = $1 AND user_id = $2 AND expires_at >= $3",
        )
        .bind(token)
        .bind(user_id)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if gone == 0 {
            return Err(StoreError::NotFound);
        }
        let existing = existing_on(&mut tx, &keys(people)).await?;
        admit(people, &existing).map_err(StoreError::Rows)?;
        let people: Vec<Person> = people.iter().map(|(_, p)| p.clone()).collect();
        let ids = self
            .insert_people_in(&mut tx, &paths, &people, Some(user_id))
            .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Which of these ID numbers, and which of these (name, phone) pairs, the register
    /// already holds, anywhere in the district: a duplicate is one whoever registered it.
    pub async fn existing_people(&self, keys: &Keys) -> Result<Existing> {
        existing_on(&mut *self.pool.acquire().await?, keys).await
    }
}

/// [`Store::existing_people`] on `conn` (inside the caller's transaction, when it has one).
async fn existing_on(conn: &mut AnyConnection, keys: &Keys) -> Result<Existing> {
    let (id_numbers, name_phones) = (&keys.id_numbers, &keys.name_phones);
    let mut found = Existing::default();
    for chunk in id_numbers.chunks(CHUNK) {
        let mut a = Args::default();
        let list: Vec<String> = chunk.iter().map(|v| a.push(v.clone())).collect();
        let sql = format!(
            "SELECT id_number FROM people WHERE id_number IN ({})",
            list.join(", ")
        );
        for row in a.query(&sql).fetch_all(&mut *conn).await? {
            found.id_numbers.insert(get(&row, "id_number")?);
        }
    }
    let wanted: HashSet<&(String, String)> = name_phones.iter().collect();
    let phones: Vec<&String> = name_phones
        .iter()
        .map(|(_, p)| p)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    for chunk in phones.chunks(CHUNK) {
        let mut a = Args::default();
        let list: Vec<String> = chunk.iter().map(|v| a.push((*v).clone())).collect();
        let sql = format!(
            "SELECT name, phone FROM people WHERE phone IN ({})",
            list.join(", ")
        );
        for row in a.query(&sql).fetch_all(&mut *conn).await? {
            let pair: (String, String) = (get(&row, "name")?, get(&row, "phone")?);
            if wanted.contains(&pair) {
                found.name_phones.insert(pair);
            }
        }
    }
    Ok(found)
}
