//! The outbound queue: messages enqueued inside the transactions that cause them, fanned out
//! to channels, delivered with retries, every attempt logged (migration 0005).

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::outbound::{backoff, OutChannel, MAX_ATTEMPTS};
use suqiu_core::Id;

use crate::error::Result;
use crate::sql::{get, get_code, get_time, ms};
use crate::Store;

/// Who a message is for (see `OutboundConfig::channels`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// An appellant reachable by phone only (through the webhook's gateway).
    Appellant,
    /// An appellant who left an e-mail address: mailed to it, and through the webhook.
    AppellantWithEmail,
    Staff,
}

impl Audience {
    const ALL: [Audience; 3] = [
        Audience::Appellant,
        Audience::AppellantWithEmail,
        Audience::Staff,
    ];

    fn code(self) -> &'static str {
        match self {
            Audience::Appellant => "appellant",
            Audience::AppellantWithEmail => "appellant_email",
            Audience::Staff => "staff",
        }
    }

    fn parse(code: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether the message is for an appellant, and whether they left an address.
    pub fn appellant(self) -> (bool, bool) {
        match self {
            Audience::Appellant => (true, false),
            Audience::AppellantWithEmail => (true, true),
            Audience::Staff => (false, false),
        }
    }
}

/// A delivery due now.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: Id,
    pub channel: OutChannel,
    pub attempts: u32,
    pub payload: String,
}

/// One logged attempt.
#[derive(Debug, Clone)]
pub struct LoggedAttempt {
    pub channel: OutChannel,
    pub state: String,
    pub attempts: u32,
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub detail: String,
}

/// Enqueues a message in the caller's transaction.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    audience: Audience,
    appeal_id: Id,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (audience, appeal_id, payload, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(audience.code())
    .bind(appeal_id)
    .bind(payload.to_string())
    .bind(ms(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// How many queued messages one dispatch pass takes.
const DISPATCH_BATCH: i64 = 500;

impl Store {
    /// Fans undispatched messages out into one delivery per channel that `channels` gives for
    /// the message's audience (none when outbound is off: the message is simply done).
    /// Returns the messages dispatched.
    pub async fn dispatch_outbox<F>(&self, now: DateTime<Utc>, channels: F) -> Result<usize>
    where
        F: Fn(Audience) -> Vec<OutChannel>,
    {
        let mut tx = self.writer.begin().await?;
        let rows = sqlx::query(
            "SELECT id, audience FROM outbox WHERE dispatched = 0 ORDER BY id LIMIT $1",
        )
        .bind(DISPATCH_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        for r in &rows {
            let id: Id = get(r, "id")?;
            let audience = get_code(r, "audience", Audience::parse)?;
            let channels = channels(audience);
            if channels.is_empty() {
                // Nothing will be sent: keep no copy of what it said (an appellant's phone).
                sqlx::query("UPDATE outbox SET dispatched = 1, payload = '' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                continue;
            }
            for channel in channels {
                sqlx::query(
                    "INSERT INTO deliveries (outbox_id, channel, state, next_at, updated_at) \
                     VALUES ($1, $2, 'pending', $3, $3) ON CONFLICT (outbox_id, channel) DO NOTHING",
                )
                .bind(id)
                .bind(channel.code())
                .bind(ms(now))
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE outbox SET dispatched = 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Pending deliveries whose time has come, oldest first.
    pub async fn due_deliveries(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<DueDelivery>> {
        let rows = sqlx::query(
            "SELECT d.id, d.channel, d.attempts, o.payload FROM deliveries d \
             JOIN outbox o ON o.id = d.outbox_id \
             WHERE d.state = 'pending' AND d.next_at <= $1 ORDER BY d.next_at, d.id LIMIT $2",
        )
        .bind(ms(now))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DueDelivery {
                    id: get(r, "id")?,
                    channel: get_code(r, "channel", OutChannel::parse)?,
                    attempts: u32::try_from(get::<i64>(r, "attempts")?).unwrap_or(u32::MAX),
                    payload: get(r, "payload")?,
                })
            })
            .collect()
    }

    /// Records one attempt: logged; sent, or retried after the backoff, or given up after
    /// `MAX_ATTEMPTS`. `detail` must carry no personal data (a status line, an error kind).
    pub async fn record_attempt(
        &self,
        delivery_id: Id,
        ok: bool,
        detail: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.writer.begin().await?;
        let row = sqlx::query("SELECT attempts FROM deliveries WHERE id = $1")
            .bind(delivery_id)
            .fetch_one(&mut *tx)
            .await?;
        let attempts = u32::try_from(get::<i64>(&row, "attempts")?)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let (state, next_at) = if ok {
            ("sent", now)
        } else if attempts >= MAX_ATTEMPTS {
            ("failed", now)
        } else {
            ("pending", now + backoff(attempts))
        };
        sqlx::query(
            "UPDATE deliveries SET state = $1, attempts = $2, next_at = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(state)
        .bind(i64::from(attempts))
        .bind(ms(next_at))
        .bind(ms(now))
        .bind(delivery_id)
        .execute(&mut *tx)
        .await?;
        // Once every channel is done with a message, its content is dropped: the log keeps
        // what happened, not what was said (it can hold an appellant's phone).
        sqlx::query(
            "UPDATE outbox SET payload = '' WHERE id = (SELECT outbox_id FROM deliveries WHERE id = $1) \
             AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.outbox_id = outbox.id AND d.state = 'pending')",
        )
        .bind(delivery_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO delivery_log (delivery_id, at, ok, detail) VALUES ($1, $2, $3, $4)",
        )
        .bind(delivery_id)
        .bind(ms(now))
        .bind(i64::from(ok))
        .bind(detail)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The delivery log, oldest first (operators and tests).
    pub async fn delivery_log(&self) -> Result<Vec<LoggedAttempt>> {
        let rows = sqlx::query(
            "SELECT d.channel, d.state, d.attempts, l.at, l.ok, l.detail FROM delivery_log l \
             JOIN deliveries d ON d.id = l.delivery_id ORDER BY l.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LoggedAttempt {
                    channel: get_code(r, "channel", OutChannel::parse)?,
                    state: get(r, "state")?,
                    attempts: u32::try_from(get::<i64>(r, "attempts")?).unwrap_or(u32::MAX),
                    at: get_time(r, "at")?,
                    ok: get::<i64>(r, "ok")? != 0,
                    detail: get(r, "detail")?,
                })
            })
            .collect()
    }
}

/// An appellant who left a phone or an e-mail address hears of acceptance and resolution,
/// with the code (each member of a problem too, when its lead carries it).
pub(crate) async fn tell_appellant(
    conn: &mut AnyConnection,
    record: &crate::appeals::AppealRecord,
    events: &[suqiu_core::lifecycle::Event],
) -> Result<()> {
    let id = record.appeal.id;
    let phone = record.appellant_phone.as_deref();
    let email = match &record.appeal.appellant {
        suqiu_core::appeal::Appellant::Named { email, .. } => email.as_deref(),
        _ => None,
    };
    if phone.is_none() && email.is_none() {
        return Ok(());
    }
    let audience = if email.is_some() {
        Audience::AppellantWithEmail
    } else {
        Audience::Appellant
    };
    for e in events {
        if let Some((what, text)) =
            suqiu_core::outbound::appellant_text(&e.body, &record.appeal.tracking_code)
        {
            let mut payload = serde_json::json!({
                "type": "appellant_message",
                "event": what,
                "tracking_code": record.appeal.tracking_code,
                "text": text,
            });
            if let Some(phone) = phone {
                payload["phone"] = phone.into();
            }
            if let Some(email) = email {
                payload["email"] = email.into();
            }
            enqueue(conn, audience, id, &payload, e.at).await?;
        }
    }
    Ok(())
}
