//! Appeals: intake, the one-transaction action path, scoped reads, lists and search.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::access::{relation, Actor, Placement};
use suqiu_core::appeal::{Appeal, Appellant, Status};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::lifecycle::{apply, holders, Event, EventBody, Refusal};
use suqiu_core::measures::AppealFacts;
use suqiu_core::msg;
use suqiu_core::person::Person;
use suqiu_core::Id;

use crate::appeal_row::{
    insert_event, load, normalize, normalize_event, values, NewAppeal, MUTABLE,
};
use crate::error::{
    Result, StoreError, HANDLING_UNIT_MISSING, ORG_UNIT_MISSING, TRACKING_CODE_TAKEN,
};
use crate::metrics::contribution;
use crate::sql::{get, get_time, invalid, write_error, Args};
use crate::suggest::Offered;
use crate::writer::{Deferred, Done, Undo};
use crate::{dialect, scope, Backend, Store};

mod filter;
mod list;
mod sort;

pub use filter::AppealFilter;
pub(crate) use list::with_names;
pub use list::COUNT_CAP;
pub use sort::AppealSort;

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
    /// The person on the register the appellant is: the registered appellant, or the person
    /// a new appellant was found on or added to the register as at intake.
    pub appellant_person_id: Option<Id>,
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
    /// The acting user's display name ("" if the actor is not a user of this database).
    pub actor_name: String,
    pub body: EventBody,
}

/// What an action closure decides, inside the action's transaction.
pub type Decision = std::result::Result<Vec<Event>, Refusal>;

impl Store {
    /// Stores a newly registered appeal and its `registered` event in one transaction,
    /// with its search tokens and roll-up contribution. Returns it with id assigned (and its
    /// instants at the stored millisecond precision).
    ///
    /// `Invalid` for an unknown `org_unit_id`, `handling_org_unit_id`, `category` or
    /// appellant (`appellant_id`); `Conflict{field:"tracking_code"}` for a duplicate code.
    pub async fn create_appeal(&self, appeal: &Appeal, event: &Event) -> Result<Appeal> {
        self.create_appeal_offered(appeal, event, None).await
    }

    /// [`Store::create_appeal`], with what the intake's suggestions `offered` stored in the
    /// same transaction (a desk intake while a model serves).
    pub async fn create_appeal_offered(
        &self,
        appeal: &Appeal,
        event: &Event,
        offered: Option<Offered>,
    ) -> Result<Appeal> {
        let new = NewAppeal::new(appeal.clone(), event.clone(), offered);
        self.run_job(Undo::SingleStatement, move |conn| {
            Box::pin(async move {
                let (appeal, deferred) = insert_new(conn, new).await?;
                Ok(Done::keep(appeal, deferred))
            })
        })
        .await
    }

    /// The record of an appeal `create_appeal` just stored, assembled from the org tree in
    /// memory rather than read back (intake answers with it). `person` is the appellant's
    /// person on the register when there is one (the caller has just checked or added it).
    pub async fn new_record(
        &self,
        appeal: Appeal,
        person: Option<&Person>,
    ) -> Result<AppealRecord> {
        let tree = self.lookups().await?;
        let unit = |id: Id| {
            tree.unit(id)
                .ok_or_else(|| StoreError::Corrupt(format!("org unit {id} not in the tree")))
        };
        let (node, handling) = (
            unit(appeal.org_unit_id)?,
            unit(appeal.handling_org_unit_id)?,
        );
        let handling_parent = handling
            .parent_id
            .map(|p| unit(p).map(|u| (u.id, u.path.clone())))
            .transpose()?;
        let (appellant_name, appellant_phone) = match &appeal.appellant {
            Appellant::Person { .. } => (
                person.map(|p| p.name.clone()),
                person.and_then(|p| p.phone.clone()),
            ),
            Appellant::Named { name, phone, .. } => (Some(name.clone()), phone.clone()),
            Appellant::Anonymous => (None, None),
        };
        Ok(AppealRecord {
            place: Placement {
                org_path: node.path.clone(),
                handling_path: handling.path.clone(),
                handling_parent,
            },
            org_unit_name: node.name.clone(),
            handling_org_unit_name: handling.name.clone(),
            appellant_name,
            appellant_phone,
            appellant_person_id: person.map(|p| p.id),
            assignee_name: None,
            team_name: None,
            department_name: None,
            appeal,
        })
    }

    /// An appeal in the actor's scope; `NotFound` when unknown or out of scope.
    pub async fn appeal(&self, actor: &Actor, id: Id) -> Result<AppealRecord> {
        let mut conn = self.pool.acquire().await?;
        let record = load(&mut conn, id, "").await?.ok_or(StoreError::NotFound)?;
        if !relation(actor, &record.place, holders(&record.appeal)).visible {
            return Err(StoreError::NotFound);
        }
        Ok(record)
    }

    /// The action path: in one transaction, load the appeal locked against concurrent
    /// actions, check the actor may see it (`NotFound`), let `decide` produce events (a
    /// refusal writes nothing), apply them, append them, save the new state and roll-ups.
    ///
    /// References the events introduce are checked here: an unknown assignee (`user_id`,
    /// `team_id`) or department (`department_id`) is `Invalid`; a merge target must exist, be
    /// visible to the actor and be neither merged nor rejected (`Invalid{field:"into_appeal_id"}`).
    pub async fn act<F>(
        &self,
        actor: &Actor,
        id: Id,
        decide: F,
    ) -> Result<std::result::Result<AppealRecord, Refusal>>
    where
        F: FnOnce(&AppealRecord) -> Decision + Send + 'static,
    {
        let actor = actor.clone();
        let backend = self.backend;
        self.run_job(Undo::Savepoint, move |conn| {
            Box::pin(async move { act_in(conn, backend, &actor, id, decide).await })
        })
        .await
    }

    /// The appeal's timeline, oldest first (ids strictly increasing). No scope check: read
    /// the appeal with [`Store::appeal`] first.
    pub async fn events(&self, appeal_id: Id) -> Result<Vec<StoredEvent>> {
        let rows = sqlx::query(
            "SELECT e.id, e.appeal_id, e.at, e.actor_id, COALESCE(u.display_name, '') AS actor_name, e.data
             FROM appeal_events e LEFT JOIN users u ON u.id = e.actor_id
             WHERE e.appeal_id = $1 ORDER BY e.id",
        )
        .bind(appeal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    id: get(r, "id")?,
                    appeal_id: get(r, "appeal_id")?,
                    at: get_time(r, "at")?,
                    actor_id: get(r, "actor_id")?,
                    actor_name: get(r, "actor_name")?,
                    body: crate::sql::get_json(r, "data")?,
                })
            })
            .collect()
    }

    /// The appeals (alias `a`) `actor` may read as a WHERE condition, or `None` when that is
    /// every appeal. A subtree holding every node must have no condition: a range over the
    /// whole `org_path` index would make the database read every appeal of the district in
    /// path order instead of using the index that suits the rest of the query (the newest
    /// ids of a district admin's list, the deadlines of the district's dashboard).
    pub(crate) async fn appeal_scope(&self, actor: &Actor, a: &mut Args) -> Result<Option<String>> {
        if scope::is_subtree_role(actor.role)
            && self.lookups().await?.is_whole_tree(&actor.org_path)
        {
            return Ok(None);
        }
        Ok(Some(scope::appeals(actor, a)))
    }

    /// The appeal with this tracking code and its events, unscoped: for the appellant's own
    /// lookup, which the caller checks against the phone they left.
    pub async fn appeal_for_appellant(
        &self,
        code: &str,
    ) -> Result<Option<(AppealRecord, Vec<StoredEvent>)>> {
        let Some(id) = self.appeal_id_by_tracking_code(code).await? else {
            return Ok(None);
        };
        let mut conn = self.pool.acquire().await?;
        let Some(record) = load(&mut conn, id, "").await? else {
            return Ok(None);
        };
        drop(conn);
        Ok(Some((record, self.events(id).await?)))
    }

    /// Finds an appeal by its public tracking code (no scope: the public knows the code).
    pub async fn appeal_id_by_tracking_code(&self, code: &str) -> Result<Option<Id>> {
        let row = sqlx::query("SELECT id FROM appeals WHERE tracking_code = $1")
            .bind(code.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| get(r, "id")).transpose()
    }
}

/// Inserts a new appeal; returns it with its id and what the writer writes at the end of the
/// batch (its first event, its roll-up contribution, its full-text row).
///
/// The references are checked by the INSERT itself (it selects nothing when one is
/// unknown): intakes are the hot path and every statement is a round trip. Only when
/// nothing was inserted does a second query find out which reference was wrong.
pub(crate) async fn insert_new(
    conn: &mut AnyConnection,
    new: NewAppeal,
) -> Result<(Appeal, Deferred)> {
    let NewAppeal {
        appeal,
        event,
        tokens,
        neardup,
        offered,
    } = new;
    let person = match appeal.appellant {
        Appellant::Person { person_id } => Some(person_id),
        _ => None,
    };
    let mut a = Args::default();
    let (cols, vals): (Vec<&str>, Vec<String>) = values(&appeal, "", "", &tokens)?
        .into_iter()
        .filter(|(c, _)| !matches!(*c, "org_path" | "handling_path"))
        .map(|(c, v)| (c, a.push(v)))
        .unzip();
    let sql = format!(
        "INSERT INTO appeals ({}, org_path, handling_path) \
         SELECT {}, o.path, h.path FROM org_units o, org_units h \
         WHERE o.id = {} AND h.id = {} \
           AND EXISTS (SELECT 1 FROM org_units r WHERE r.id = {}) \
           AND EXISTS (SELECT 1 FROM categories c WHERE c.code = {}) \
           AND ({} = 0 OR EXISTS (SELECT 1 FROM people p WHERE p.id = {})) \
         RETURNING id, org_path",
        cols.join(", "),
        vals.join(", "),
        a.push(appeal.org_unit_id),
        a.push(appeal.handling_org_unit_id),
        a.push(appeal.received_by_org_unit_id),
        a.push(appeal.category.as_str()),
        a.push(i64::from(person.is_some())),
        a.push(person.unwrap_or(0)),
    );
    let row = a
        .query(&sql)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| write_error(e, "tracking_code", &TRACKING_CODE_TAKEN))?;
    let Some(row) = row else {
        return Err(unknown_reference(conn, &appeal, person).await?);
    };
    let id: Id = get(&row, "id")?;
    let org_path: String = get(&row, "org_path")?;
    // The INSERT above is the job's only write (`Undo::SingleStatement`): the event, the
    // roll-up delta and the full-text row go back to the writer (see `writer`).
    let mut deferred = Deferred::default();
    deferred.events.push((id, event));
    deferred.deltas.add(
        &org_path,
        appeal.created_at,
        &contribution(&AppealFacts::from(&appeal)),
    )?;
    deferred.deltas.add_received(&org_path, &appeal)?;
    deferred
        .search
        .push((id, tokens, dialect::search_scope(&org_path)?));
    deferred
        .neardup
        .extend(crate::similar::neardup_rows(id, &appeal, &neardup));
    if let Some(offered) = &offered {
        (deferred.offered).push(crate::suggest::offered_row(id, &appeal, offered)?);
    }
    Ok((Appeal { id, ..appeal }, deferred))
}

/// Which reference of a new appeal does not exist, as an `Invalid` naming its field.
async fn unknown_reference(
    conn: &mut AnyConnection,
    appeal: &Appeal,
    person: Option<Id>,
) -> Result<StoreError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM org_units WHERE id = $1) AS org_ok,
                (SELECT COUNT(*) FROM org_units WHERE id = $2) AS handling_ok,
                (SELECT COUNT(*) FROM org_units WHERE id = $3) AS received_ok,
                (SELECT COUNT(*) FROM categories WHERE code = $4) AS category_ok,
                (SELECT COUNT(*) FROM people WHERE id = $5) AS person_ok",
    )
    .bind(appeal.org_unit_id)
    .bind(appeal.handling_org_unit_id)
    .bind(appeal.received_by_org_unit_id)
    .bind(appeal.category.as_str())
    .bind(person.unwrap_or(0))
    .fetch_one(&mut *conn)
    .await?;
    let missing = |col: &str| -> Result<bool> { Ok(get::<i64>(&row, col)? == 0) };
    Ok(if missing("org_ok")? {
        invalid("org_unit_id", &ORG_UNIT_MISSING)
    } else if missing("handling_ok")? {
        invalid("handling_org_unit_id", &HANDLING_UNIT_MISSING)
    } else if missing("received_ok")? {
        invalid(
            "received_by_org_unit_id",
            &msg!(
                "receiving_unit_missing",
                "受理单位不存在",
                "The receiving unit does not exist"
            ),
        )
    } else if missing("category_ok")? {
        invalid(
            "category",
            &msg!(
                "category_unknown",
                "未知的诉求类别",
                "Unknown appeal category"
            ),
        )
    } else {
        invalid(
            "appellant_id",
            &msg!(
                "appellant_missing",
                "登记人员不存在",
                "The registered person does not exist"
            ),
        )
    })
}

/// The action path inside its transaction (see [`Store::act`]).
async fn act_in<F>(
    conn: &mut AnyConnection,
    backend: Backend,
    actor: &Actor,
    id: Id,
    decide: F,
) -> Result<Done<std::result::Result<AppealRecord, Refusal>>>
where
    F: FnOnce(&AppealRecord) -> Decision,
{
    crate::problems::lock_led_problem(conn, backend, id).await?;
    let record = load(conn, id, dialect::lock_appeal(backend))
        .await?
        .ok_or(StoreError::NotFound)?;
    if !relation(actor, &record.place, holders(&record.appeal)).visible {
        return Err(StoreError::NotFound);
    }
    // `decide` is the caller's code running on the shared writer (on SQLite, inside a batch
    // of other people's writes): a panic in it must fail this action, not the writer.
    let decided = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decide(&record)));
    let events = match decided {
        Ok(Ok(events)) => events,
        Ok(Err(refusal)) => return Ok(Done::discard(Err(refusal))),
        Err(_) => {
            return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "the decision for appeal {id} panicked; nothing was written"
            ))))
        }
    };
    check_references(conn, actor, &events).await?;
    let before = record.appeal.clone();
    let (after, deferred) = commit_events(conn, &record, events.clone()).await?;
    let record = load(conn, id, "").await?.ok_or(StoreError::NotFound)?;
    // Who must hear of it (督办, 退回, 上报, 延期, what a referred department did), in the same transaction as the events.
    let notices = suqiu_core::notice::for_events(actor, &before, &after, &events);
    if let (Some(first), false) = (events.first(), notices.is_empty()) {
        crate::notifications::insert(conn, &record, &notices, first.at).await?;
    }
    crate::outbound::tell_appellant(conn, &record, &events).await?;
    // Handling it once: a problem's members follow its lead (resolved, answered back).
    let mut deferred = deferred;
    deferred.merge(crate::problems::carry(conn, backend, &after, &events).await?);
    Ok(Done::keep(Ok(record), deferred))
}

/// Applies `events` to the locked appeal of `record` and writes them in the caller's
/// transaction: the events appended, the row updated (optimistically, on its version), and
/// the roll-up delta returned for the writer. Returns the new state.
pub(crate) async fn commit_events(
    conn: &mut AnyConnection,
    record: &AppealRecord,
    mut events: Vec<Event>,
) -> Result<(Appeal, Deferred)> {
    let id = record.appeal.id;
    let before = record.appeal.clone();
    let mut after = before.clone();
    for e in &mut events {
        normalize_event(e);
        apply(&mut after, e);
    }
    normalize(&mut after);

    let handling_path = if after.handling_org_unit_id == before.handling_org_unit_id {
        record.place.handling_path.clone()
    } else {
        crate::org::org_path(conn, after.handling_org_unit_id)
            .await?
            .ok_or_else(|| invalid("handling_org_unit_id", &HANDLING_UNIT_MISSING))?
    };
    for e in &events {
        insert_event(conn, id, e).await?;
    }
    let mut a = Args::default();
    let sets: Vec<String> = values(&after, &record.place.org_path, &handling_path, "")?
        .into_iter()
        .filter(|(c, _)| MUTABLE.contains(c))
        .map(|(c, v)| format!("{c} = {}", a.push(v)))
        .collect();
    let sql = format!(
        "UPDATE appeals SET {} WHERE id = {} AND version = {}",
        sets.join(", "),
        a.push(id),
        a.push(before.version)
    );
    let updated = a.query(&sql).execute(&mut *conn).await.map_err(|e| {
        write_error(
            e,
            "version",
            &msg!(
                "appeal_changed",
                "诉求已被修改",
                "The appeal has been changed"
            ),
        )
    })?;
    if updated.rows_affected() != 1 {
        // Cannot happen while the row lock / single writer holds; refuse rather than guess.
        return Err(StoreError::Conflict(FieldError::new(
            "version",
            &msg!(
                "appeal_changed_by_other",
                "诉求已被他人修改，请刷新后重试",
                "Someone else has changed the appeal; reload and try again"
            ),
        )));
    }
    let mut delta = contribution(&AppealFacts::from(&after));
    for (d, b) in delta
        .iter_mut()
        .zip(contribution(&AppealFacts::from(&before)))
    {
        *d -= b;
    }
    let mut deferred = Deferred::default();
    deferred
        .deltas
        .add(&record.place.org_path, before.created_at, &delta)?;
    deferred
        .deltas
        .move_received(&record.place.org_path, &before, &after)?;

    Ok((after, deferred))
}

/// Rows the events point at must exist (and a merge target must be a fit home).
async fn check_references(conn: &mut AnyConnection, actor: &Actor, events: &[Event]) -> Result<()> {
    for e in events {
        let wanted: &[(&str, Option<Id>, &str, Msg)] = match &e.body {
            EventBody::Assign {
                user_id, team_id, ..
            } => &[
                (
                    "users",
                    *user_id,
                    "user_id",
                    msg!(
                        "assignee_missing",
                        "分派对象不存在",
                        "The assignee does not exist"
                    ),
                ),
                (
                    "teams",
                    *team_id,
                    "team_id",
                    msg!(
                        "assigned_team_missing",
                        "分派的服务团队不存在",
                        "The assigned service team does not exist"
                    ),
                ),
            ],
            EventBody::Refer { department_id, .. } => &[(
                "departments",
                Some(*department_id),
                "department_id",
                msg!(
                    "referral_department_missing",
                    "转办部门不存在",
                    "The department referred to does not exist"
                ),
            )],
            EventBody::Merge { into_appeal_id } => {
                return check_merge_target(conn, actor, *into_appeal_id).await
            }
            _ => &[],
        };
        for (table, id, field, message) in wanted {
            let Some(id) = id else { continue };
            let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table} WHERE id = $1"))
                .bind(*id)
                .fetch_one(&mut *conn)
                .await?;
            if get::<i64>(&row, "n")? == 0 {
                return Err(invalid(field, message));
            }
        }
    }
    Ok(())
}

/// A merge target must exist, be visible to the actor (else it "does not exist"), and be
/// neither merged nor rejected.
async fn check_merge_target(conn: &mut AnyConnection, actor: &Actor, into: Id) -> Result<()> {
    let target = load(conn, into, "").await?;
    let visible = target
        .as_ref()
        .is_some_and(|t| relation(actor, &t.place, holders(&t.appeal)).visible);
    let Some(target) = target.filter(|_| visible) else {
        return Err(invalid(
            "into_appeal_id",
            &msg!(
                "merge_target_missing",
                "要合并到的诉求不存在",
                "The appeal to merge into does not exist"
            ),
        ));
    };
    // Nor marked as spam: nobody handles it, so nothing merged into it would be.
    if matches!(target.appeal.status, Status::Merged | Status::Rejected)
        || target.appeal.spam_at.is_some()
    {
        return Err(invalid(
            "into_appeal_id",
            &msg!(
                "merge_target_closed",
                "不能合并到已合并、不予受理或标为无效的诉求",
                "Cannot merge into a merged, rejected or invalid appeal"
            ),
        ));
    }
    Ok(())
}
