//! In-app notices: addressed to users in the transaction that caused them, listed and marked
//! read by their recipient only.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use suqiu_core::access::Role;
use suqiu_core::notice::{Audience, Notice, NoticeKind};
use suqiu_core::Id;

use crate::appeals::AppealRecord;
use crate::error::{Result, StoreError};
use crate::metrics::status_list;
use crate::sql::{get, get_code, get_opt_time, get_time, ms, paging, Args};
use crate::{Page, Store};

/// One stored notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Id,
    pub kind: NoticeKind,
    pub appeal_id: Option<Id>,
    pub title: String,
    pub body: String,
    /// The same in English; "" for a notice written before notices had both languages.
    pub title_en: String,
    pub body_en: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

fn notification_from(r: &AnyRow) -> Result<Notification> {
    Ok(Notification {
        id: get(r, "id")?,
        kind: get_code(r, "kind", NoticeKind::parse)?,
        appeal_id: get(r, "appeal_id")?,
        title: get(r, "title")?,
        body: get(r, "body")?,
        title_en: get(r, "title_en")?,
        body_en: get(r, "body_en")?,
        created_at: get_time(r, "created_at")?,
        read_at: get_opt_time(r, "read_at")?,
    })
}

/// Roles that work an appeal at a unit (not liaisons, volunteers or auditors, who are
/// reached through the referral or the assignment).
fn desk_roles() -> String {
    [Role::DistrictAdmin, Role::StreetStaff, Role::StationStaff]
        .iter()
        .map(|r| format!("'{}'", r.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `notices` about the appeal of `record` (its state after the change), each to every
/// user of its audience, on `conn` (the caller's transaction).
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    record: &AppealRecord,
    notices: &[Notice],
    now: DateTime<Utc>,
) -> Result<()> {
    let a = &record.appeal;
    for n in notices {
        let (condition, x, y): (String, i64, i64) = match n.audience {
            Audience::Handlers => (
                format!(
                    "(u.org_unit_id = $8 AND u.role IN ({})) OR u.id = $9 \
                     OR (u.department_id IS NOT NULL AND u.department_id = $10)",
                    desk_roles()
                ),
                a.handling_org_unit_id,
                a.assignee_user_id.unwrap_or(0),
            ),
            Audience::HandlingUnit => (
                format!("u.org_unit_id = $8 AND u.role IN ({})", desk_roles()),
                a.handling_org_unit_id,
                0,
            ),
            Audience::LevelAbove => match &record.place.handling_parent {
                Some((parent, _)) => (
                    format!("u.org_unit_id = $8 AND u.role IN ({})", desk_roles()),
                    *parent,
                    0,
                ),
                None => continue,
            },
            Audience::User(id) => ("u.id = $8".to_string(), id, 0),
        };
        let sql = format!(
            "INSERT INTO notifications (user_id, kind, appeal_id, title, body, created_at, title_en, body_en) \
             SELECT u.id, $1, $2, $3, $4, $5, $6, $7 FROM users u WHERE {condition}"
        );
        let mut q = sqlx::query(&sql)
            .bind(n.kind.code())
            .bind(a.id)
            .bind(n.title.as_str())
            .bind(n.body.as_str())
            .bind(ms(now))
            .bind(n.title_en.as_str())
            .bind(n.body_en.as_str())
            .bind(x);
        if matches!(n.audience, Audience::Handlers) {
            q = q.bind(y).bind(a.department_id.unwrap_or(0));
        }
        q.execute(&mut *conn).await?;
        // The same notice outbound (e-mail, webhook), when the district has turned it on.
        let payload = serde_json::json!({
            "type": "notice",
            "kind": n.kind.code(),
            "title": n.title,
            "body": n.body,
            "appeal_id": a.id,
            "tracking_code": a.tracking_code,
        });
        crate::outbound::enqueue(conn, crate::outbound::Audience::Staff, a.id, &payload, now)
            .await?;
    }
    Ok(())
}

impl Store {
    /// The user's notices, newest first; only unread ones when `unread_only`.
    pub async fn notifications(
        &self,
        user_id: Id,
        unread_only: bool,
        page: i64,
        per_page: i64,
    ) -> Result<Page<Notification>> {
        let (page, per_page) = paging(page, per_page);
        let filter = if unread_only {
            " AND read_at IS NULL"
        } else {
            ""
        };
        let total: i64 = get(
            &sqlx::query(&format!(
                "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1{filter}"
            ))
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?,
            "n",
        )?;
        let rows = sqlx::query(&format!(
            "SELECT id, kind, appeal_id, title, body, title_en, body_en, created_at, read_at FROM notifications \
             WHERE user_id = $1{filter} ORDER BY id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(user_id)
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(notification_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::exact(items, total, page, per_page))
    }

    /// The user's notices of `kinds` created since `since` about appeals not yet final, newest
    /// first, at most `limit` (the dashboard's recent supervision notes, returns and extension
    /// decisions). Read through `(user_id, kind, created_at)`: the cost follows the user's
    /// own recent notices of those kinds, whatever the district's size.
    pub async fn recent_notifications(
        &self,
        user_id: Id,
        kinds: &[NoticeKind],
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let mut a = Args::default();
        let user = a.push(user_id);
        let kinds: Vec<String> = kinds.iter().map(|k| a.push(k.code())).collect();
        let sql = format!(
            "SELECT n.id, n.kind, n.appeal_id, n.title, n.body, n.title_en, n.body_en, n.created_at, n.read_at \
             FROM notifications n WHERE n.user_id = {user} AND n.kind IN ({}) \
               AND n.created_at >= {} AND EXISTS (SELECT 1 FROM appeals a \
                 WHERE a.id = n.appeal_id AND a.status IN ({})) \
             ORDER BY n.created_at DESC, n.id DESC LIMIT {}",
            kinds.join(", "),
            a.push(ms(since)),
            status_list(|s| !s.is_final()),
            a.push(limit)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(notification_from).collect()
    }

    /// How many of the user's notices are unread (the header's badge).
    pub async fn unread_notifications(&self, user_id: Id) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        get(&row, "n")
    }

    /// How many of the user's notices are unread, counting no further than `cap` (the header's
    /// badge shows "99+": a user with a flood of overdue notices must not make every page pay
    /// for counting all of them).
    pub async fn unread_notifications_upto(&self, user_id: Id, cap: i64) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM notifications \
             WHERE user_id = $1 AND read_at IS NULL LIMIT $2) unread",
        )
        .bind(user_id)
        .bind(cap)
        .fetch_one(&self.pool)
        .await?;
        get(&row, "n")
    }

    /// Marks every unread notice of the user read; returns how many it marked.
    pub async fn mark_all_notifications_read(
        &self,
        user_id: Id,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(ms(now))
        .bind(user_id)
        .execute(self.writer.pool()?)
        .await?;
        Ok(done.rows_affected())
    }

    /// Marks one of the user's notices read (keeping the first read time). `NotFound` when it
    /// does not exist or belongs to someone else.
    pub async fn mark_notification_read(
        &self,
        user_id: Id,
        id: Id,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3",
        )
        .bind(ms(now))
        .bind(id)
        .bind(user_id)
        .execute(self.writer.pool()?)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
