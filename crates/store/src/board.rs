//! The public board (公开栏): public replies and 党务公开 items. The rules are
//! `suqiu_core::board`'s; this module reads and writes what they decided.
//!
//! Why a reply written by two people at once keeps one of them: the caller decides the new
//! reply from the one it read (with its `version`), and the store writes it with one
//! conditional statement (`INSERT` when there was none, `UPDATE … WHERE version = <as read>`
//! otherwise). The loser changes no row and gets `Conflict` (409), as with micro-wishes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::board::{CheckedItem, ItemCategory, PublicReply, ReplyState, Stamp};
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::sql::{
    date_text, get, get_code, get_opt_date, get_opt_time, is_unique_violation, ms, paging, Args,
};
use crate::{scope, Page, Store};

/// The appeals the public board may show (alias `a`): SQL's twin of
/// `suqiu_core::board::may_be_public`.
pub const SHOWN: &str = "a.public_consent = 1 AND a.spam_at IS NULL";

/// A stored public reply and the version a change must be written over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReply {
    pub reply: PublicReply,
    pub version: i64,
}

/// A 党务公开 item with its record (who published and withdrew it, when): the staff's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    /// The node's code: its board is `/p/board/{code}`.
    pub org_unit_code: String,
    pub org_path: String,
    pub item: CheckedItem,
    pub published: Stamp,
    pub withdrawn: Option<Stamp>,
}

const REPLY_SELECT: &str = "SELECT r.appeal_id, r.body, r.state, r.version, \
     r.written_by, wu.display_name AS written_by_name, r.written_at, \
     r.published_by, pu.display_name AS published_by_name, r.published_at, \
     r.withdrawn_by, xu.display_name AS withdrawn_by_name, r.withdrawn_at \
     FROM public_replies r \
     JOIN users wu ON wu.id = r.written_by \
     LEFT JOIN users pu ON pu.id = r.published_by \
     LEFT JOIN users xu ON xu.id = r.withdrawn_by";

const ITEM_SELECT: &str = "SELECT i.id, i.org_unit_id, o.name AS org_unit_name, \
     o.code AS org_unit_code, i.org_path, \
     i.category, i.title, i.body, i.dated, \
     i.published_by, pu.display_name AS published_by_name, i.published_at, \
     i.withdrawn_by, xu.display_name AS withdrawn_by_name, i.withdrawn_at \
     FROM board_items i \
     JOIN org_units o ON o.id = i.org_unit_id \
     JOIN users pu ON pu.id = i.published_by \
     LEFT JOIN users xu ON xu.id = i.withdrawn_by";

/// Who did something and when, from the columns `{what}_by`, `{what}_by_name`, `{what}_at`.
fn stamp(row: &AnyRow, what: &str) -> Result<Option<Stamp>> {
    let by: Option<Id> = get(row, &format!("{what}_by"))?;
    let at = get_opt_time(row, &format!("{what}_at"))?;
    Ok(match (by, at) {
        (Some(by), Some(at)) => Some(Stamp {
            by,
            name: get::<Option<String>>(row, &format!("{what}_by_name"))?.unwrap_or_default(),
            at,
        }),
        _ => None,
    })
}

fn required(stamp: Option<Stamp>, what: &str) -> Result<Stamp> {
    stamp.ok_or_else(|| StoreError::Corrupt(format!("no {what}_by/{what}_at")))
}

fn reply_from(row: &AnyRow) -> Result<StoredReply> {
    Ok(StoredReply {
        reply: PublicReply {
            body: get(row, "body")?,
            state: get_code(row, "state", ReplyState::parse)?,
            written: required(stamp(row, "written")?, "written")?,
            published: stamp(row, "published")?,
            withdrawn: stamp(row, "withdrawn")?,
        },
        version: get(row, "version")?,
    })
}

fn item_from(row: &AnyRow) -> Result<Item> {
    Ok(Item {
        id: get(row, "id")?,
        org_unit_id: get(row, "org_unit_id")?,
        org_unit_name: get(row, "org_unit_name")?,
        org_unit_code: get(row, "org_unit_code")?,
        org_path: get(row, "org_path")?,
        item: CheckedItem {
            title: get(row, "title")?,
            body: get(row, "body")?,
            category: get_code(row, "category", ItemCategory::parse)?,
            dated: get_opt_date(row, "dated")?
                .ok_or_else(|| StoreError::Corrupt("board item without a date".into()))?,
        },
        published: required(stamp(row, "published")?, "published")?,
        withdrawn: stamp(row, "withdrawn")?,
    })
}

/// What the loser of two writes at once is told.
fn changed_meanwhile() -> StoreError {
    StoreError::Conflict(FieldError::new(
        "body",
        &msg!(
            "reply_changed",
            "公开答复刚被他人修改，请刷新后再看",
            "Someone has just changed this public reply; reload to see it"
        ),
    ))
}

/// Ids of a stamp for binding: (by, at).
fn stamp_args(s: Option<&Stamp>) -> (Option<Id>, Option<i64>) {
    (s.map(|s| s.by), s.map(|s| ms(s.at)))
}

impl Store {
    /// The public reply of an appeal (the caller has read the appeal in scope).
    pub async fn public_reply(&self, appeal_id: Id) -> Result<Option<StoredReply>> {
        let row = sqlx::query(&format!("{REPLY_SELECT} WHERE r.appeal_id = $1"))
            .bind(appeal_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(reply_from).transpose()
    }

    /// Writes `reply` (as `suqiu_core::board::reply::decide` gave it) over the version it
    /// was decided from (`None`: there was none). `Conflict` when someone wrote first.
    pub async fn save_public_reply(
        &self,
        appeal_id: Id,
        from: Option<i64>,
        reply: &PublicReply,
    ) -> Result<StoredReply> {
        let (published_by, published_at) = stamp_args(reply.published.as_ref());
        let (withdrawn_by, withdrawn_at) = stamp_args(reply.withdrawn.as_ref());
        let mut a = Args::default();
        let cols = [
            a.push(reply.body.as_str()),
            a.push(reply.state.code()),
            a.push(reply.written.by),
            a.push(ms(reply.written.at)),
            a.push(published_by),
            a.push(published_at),
            a.push(withdrawn_by),
            a.push(withdrawn_at),
        ];
        let sql = match from {
            None => format!(
                "INSERT INTO public_replies (body, state, written_by, written_at, published_by, \
                 published_at, withdrawn_by, withdrawn_at, appeal_id, version) \
                 VALUES ({}, {}, 1)",
                cols.join(", "),
                a.push(appeal_id)
            ),
            Some(v) => format!(
                "UPDATE public_replies SET body = {}, state = {}, written_by = {}, \
                 written_at = {}, published_by = {}, published_at = {}, withdrawn_by = {}, \
                 withdrawn_at = {}, version = version + 1 WHERE appeal_id = {} AND version = {}",
                cols[0],
                cols[1],
                cols[2],
                cols[3],
                cols[4],
                cols[5],
                cols[6],
                cols[7],
                a.push(appeal_id),
                a.push(v)
            ),
        };
        let mut tx = self.writer.begin().await?;
        let done = match a.query(&sql).execute(&mut *tx).await {
            Ok(done) => done,
            Err(e) if is_unique_violation(&e) => return Err(changed_meanwhile()),
            Err(e) => return Err(e.into()),
        };
        if done.rows_affected() == 0 {
            return Err(changed_meanwhile());
        }
        let row = sqlx::query(&format!("{REPLY_SELECT} WHERE r.appeal_id = $1"))
            .bind(appeal_id)
            .fetch_one(&mut *tx)
            .await?;
        let saved = reply_from(&row)?;
        tx.commit().await?;
        Ok(saved)
    }

    /// The published replies of `appeal_ids` (appeals the board shows), by appeal.
    pub async fn published_replies(&self, appeal_ids: &[Id]) -> Result<HashMap<Id, PublicReply>> {
        if appeal_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut a = Args::default();
        let ids: Vec<String> = appeal_ids.iter().map(|id| a.push(*id)).collect();
        let sql = format!(
            "{REPLY_SELECT} WHERE r.appeal_id IN ({}) AND r.state = {}",
            ids.join(", "),
            a.push(ReplyState::Published.code())
        );
        let mut out = HashMap::new();
        for row in a.query(&sql).fetch_all(&self.pool).await? {
            out.insert(get(&row, "appeal_id")?, reply_from(&row)?.reply);
        }
        Ok(out)
    }

    /// Publishes an item at `node` (the caller has checked who may, by core's rule).
    pub async fn create_board_item(
        &self,
        node: &OrgUnit,
        item: &CheckedItem,
        by: Id,
        now: DateTime<Utc>,
    ) -> Result<Item> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query(
            "INSERT INTO board_items (org_unit_id, org_path, category, title, body, dated, \
             published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(node.id)
        .bind(node.path.as_str())
        .bind(item.category.code())
        .bind(item.title.as_str())
        .bind(item.body.as_str())
        .bind(date_text(item.dated))
        .bind(by)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: Id = get(&row, "id")?;
        let item = item_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// One item published in the actor's subtree.
    pub async fn board_item(&self, actor: &Actor, id: Id) -> Result<Option<Item>> {
        let mut a = Args::default();
        let sql = format!(
            "{ITEM_SELECT} WHERE i.id = {} AND {}",
            a.push(id),
            scope::in_subtree("i.org_path", &actor.org_path, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(item_from).transpose()
    }

    /// Withdraws item `id`, if nobody has yet. `Conflict` when it already was.
    pub async fn withdraw_board_item(&self, id: Id, by: Id, now: DateTime<Utc>) -> Result<Item> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query(
            "UPDATE board_items SET withdrawn_by = $1, withdrawn_at = $2 \
             WHERE id = $3 AND withdrawn_at IS NULL",
        )
        .bind(by)
        .bind(ms(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(FieldError::new(
                "id",
                &msg!(
                    "item_withdrawn_meanwhile",
                    "该条党务公开已被撤回",
                    "This item has been withdrawn already"
                ),
            )));
        }
        let item = item_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// The items published in the subtree at `path`, newest first; `shown_only` leaves out
    /// the withdrawn ones (what the public reads).
    pub async fn board_items(
        &self,
        path: &str,
        shown_only: bool,
        page: i64,
        per_page: i64,
    ) -> Result<Page<Item>> {
        let (page, per_page) = paging(page, per_page);
        let mut a = Args::default();
        let mut cond = scope::in_subtree("i.org_path", path, &mut a);
        if shown_only {
            cond.push_str(" AND i.withdrawn_at IS NULL");
        }
        let total: i64 = get(
            &a.query(&format!(
                "SELECT COUNT(*) AS n FROM board_items i WHERE {cond}"
            ))
            .fetch_one(&self.pool)
            .await?,
            "n",
        )?;
        let sql = format!(
            "{ITEM_SELECT} WHERE {cond} ORDER BY i.published_at DESC, i.id DESC LIMIT {} OFFSET {}",
            a.push(per_page),
            a.push((page - 1) * per_page)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let items = rows.iter().map(item_from).collect::<Result<_>>()?;
        Ok(Page::exact(items, total, page, per_page))
    }
}

async fn item_by_id(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: Id) -> Result<Item> {
    let row = sqlx::query(&format!("{ITEM_SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    item_from(&row)
}
