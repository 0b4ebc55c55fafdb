//! Appeals: intake, the one-transaction action path, scoped reads, lists and search.

use chrono::{DateTime, Utc};
use suqiu_core::access::{Actor, Placement};
use suqiu_core::appeal::{Appeal, Kind, Status, Urgency};
use suqiu_core::lifecycle::{Event, EventBody, Refusal};
use suqiu_core::Id;

use crate::error::Result;
use crate::{Page, Store};

/// An appeal with what a reader needs around it (names resolved, placement for access).
#[derive(Debug, Clone)]
pub struct AppealRecord {
    pub appeal: Appeal,
    pub place: Placement,
    pub org_unit_name: String,
    pub handling_org_unit_name: String,
    /// Registered person's or named appellant's name and phone (unmasked: callers mask).
    pub appellant_name: Option<String>,
    pub appellant_phone: Option<String>,
    pub assignee_name: Option<String>,
    pub team_name: Option<String>,
    pub department_name: Option<String>,
}

/// One stored timeline entry.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: Id,
    pub appeal_id: Id,
    pub at: DateTime<Utc>,
    pub actor_id: Id,
    pub actor_name: String,
    pub body: EventBody,
}

/// Filters of `GET /api/v1/appeals`; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AppealFilter {
    pub status: Option<Status>,
    /// Subtree of this node (the node the appeal concerns).
    pub org_unit_id: Option<Id>,
    /// A first-level code matches its second-level codes too.
    pub category: Option<String>,
    pub kind: Option<Kind>,
    pub urgency: Option<Urgency>,
    /// Open and past the current deadline (`true`), or not (`false`).
    pub overdue: Option<bool>,
    pub assignee_user_id: Option<Id>,
    pub department_id: Option<Id>,
    /// Full-text, Chinese-aware.
    pub q: Option<String>,
    /// Received at or after / before.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: i64,
    pub per_page: i64,
}

/// What an action closure decides, inside the action's transaction.
pub type Decision = std::result::Result<Vec<Event>, Refusal>;

impl Store {
    /// Stores a newly registered appeal and its `registered` event in one transaction,
    /// with its search tokens and roll-up contribution. Returns it with id assigned.
    pub async fn create_appeal(&self, appeal: &Appeal, event: &Event) -> Result<Appeal> {
        let _ = (appeal, event);
        todo!()
    }

    /// An appeal in the actor's scope; `NotFound` when unknown or out of scope.
    pub async fn appeal(&self, actor: &Actor, id: Id) -> Result<AppealRecord> {
        let _ = (actor, id);
        todo!()
    }

    /// The action path: in one transaction, load the appeal locked against concurrent
    /// actions, check the actor may see it (`NotFound`), let `decide` produce events (a
    /// refusal writes nothing), apply them, append them, save the new state and roll-ups.
    pub async fn act<F>(&self, actor: &Actor, id: Id, decide: F) -> Result<std::result::Result<AppealRecord, Refusal>>
    where
        F: FnOnce(&AppealRecord) -> Decision + Send + 'static,
    {
        let _ = (actor, id, decide);
        todo!()
    }

    /// The appeal's timeline, oldest first (ids strictly increasing).
    pub async fn events(&self, appeal_id: Id) -> Result<Vec<StoredEvent>> {
        let _ = appeal_id;
        todo!()
    }

    /// A page of appeals in the actor's scope, newest first.
    pub async fn list_appeals(&self, actor: &Actor, filter: &AppealFilter, now: DateTime<Utc>) -> Result<Page<AppealRecord>> {
        let _ = (actor, filter, now);
        todo!()
    }

    /// Bulk load for the demo generator and benchmarks: appeals with their whole timelines,
    /// in large transactions, maintaining search tokens and roll-ups like the normal path.
    pub async fn insert_appeals_bulk(&self, appeals: &[(Appeal, Vec<Event>)]) -> Result<()> {
        let _ = appeals;
        todo!()
    }

    /// Finds an appeal by its public tracking code (no scope: the public knows the code).
    pub async fn appeal_id_by_tracking_code(&self, code: &str) -> Result<Option<Id>> {
        let _ = code;
        todo!()
    }
}
