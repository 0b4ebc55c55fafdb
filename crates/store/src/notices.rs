//! Notices for the worklist: what others did recently to the appeals a user works on that
//! the user should see — supervision notes (督办), returns (退回), extension decisions.

use chrono::{DateTime, Utc};
use suqiu_core::access::Actor;
use suqiu_core::lifecycle::EventBody;
use suqiu_core::Id;

use crate::error::Result;
use crate::sql::{get, get_json, get_time, ms, Args};
use crate::{scope, Store};

/// One notice: an event on an appeal.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub appeal_id: Id,
    pub tracking_code: String,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub body: EventBody,
}

/// The event types that make a notice.
const NOTICE_TYPES: &str = "'supervise', 'return', 'extend_approve'";

impl Store {
    /// Supervision notes, returns and extension decisions since `since` on appeals the actor
    /// may read that are still being handled or awaiting follow-up, made by someone else;
    /// newest first, at most `limit`. The cost follows the number of such events since
    /// `since`, not the size of the history.
    pub async fn notices(
        &self,
        actor: &Actor,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Notice>> {
        let mut a = Args::default();
        let scope = scope::appeals(actor, &mut a);
        let since = a.push(ms(since));
        let me = a.push(actor.user_id);
        let limit = a.push(limit);
        // Driven from the events, through `(type, at)`: the few recent notices, then their
        // appeals by primary key. `CROSS JOIN` keeps SQLite from starting at the appeals
        // (every open appeal of a district); PostgreSQL plans it as an ordinary join.
        let sql = format!(
            "SELECT e.appeal_id, a.tracking_code, e.at, COALESCE(u.display_name, '') AS actor_name, e.data \
             FROM appeal_events e CROSS JOIN appeals a \
             LEFT JOIN users u ON u.id = e.actor_id \
             WHERE a.id = e.appeal_id AND e.type IN ({NOTICE_TYPES}) AND e.at >= {since} \
               AND e.actor_id <> {me} AND {scope} \
               AND a.status IN ('registered', 'accepted', 'in_progress', 'resolved') \
             ORDER BY e.at DESC, e.id DESC LIMIT {limit}"
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Notice {
                    appeal_id: get(r, "appeal_id")?,
                    tracking_code: get(r, "tracking_code")?,
                    at: get_time(r, "at")?,
                    actor_name: get(r, "actor_name")?,
                    body: get_json(r, "data")?,
                })
            })
            .collect()
    }
}
