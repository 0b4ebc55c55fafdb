//! Micro-wishes (微心愿): recorded by the station for a person on its register, claimed,
//! fulfilled, confirmed (or released, or cancelled).
//!
//! Why two claims at once cannot both win: the caller decides the new state from the wish
//! as read (`suqiu_core::wishes::decide`), and the store writes it with one conditional
//! `UPDATE … WHERE status = <as read> AND claimed_by = <as read>`. On PostgreSQL the UPDATE
//! takes the row's lock and re-checks its condition after a concurrent writer commits; on
//! SQLite every write goes through the one writer connection. The loser's UPDATE changes no
//! row, and it gets `Conflict` (409).

use std::collections::HashMap;
use suqiu_core::error::FieldError;
use suqiu_core::msg;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::wishes::{WishState, WishStatus};
use suqiu_core::Id;

use crate::care::node_path;
use crate::error::{Result, StoreError, PERSON_OUT_OF_SCOPE};
use crate::fund::{named, Named};
use crate::sql::{
    date_text, get, get_code, get_opt_date, get_opt_time, get_time, invalid, ms, paging, Arg, Args,
};
use crate::{scope, Page, Store};

/// A new wish, its text and estimate already checked (`suqiu_core::wishes::check_new`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWish {
    pub person_id: Id,
    pub wish: String,
    pub estimated_cents: Option<i64>,
    pub deadline: Option<NaiveDate>,
}

/// One wish with the names a reader needs. The wisher's full name: the caller masks it
/// for readers who may not see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wish {
    pub id: Id,
    pub person: Named,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub wish: String,
    pub estimated_cents: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub status: WishStatus,
    pub created_by: Named,
    pub created_at: DateTime<Utc>,
    pub claimed_by: Option<Named>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub fulfil_note: Option<String>,
    /// Who confirmed or cancelled it.
    pub closed_by: Option<Named>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Wish {
    /// What the state machine reads.
    pub fn state(&self) -> WishState {
        WishState {
            status: self.status,
            claimed_by: self.claimed_by.as_ref().map(|n| n.id),
        }
    }
}

/// Which wishes to list.
#[derive(Debug, Clone, Default)]
pub struct WishFilter {
    /// The subtree of this node (default: the actor's whole scope).
    pub org_unit_id: Option<Id>,
    pub status: Option<WishStatus>,
    pub page: i64,
    pub per_page: i64,
}

const WISH_SELECT: &str = "SELECT w.id, w.person_id, p.name AS person_name, w.org_unit_id, \
     o.name AS org_unit_name, w.wish, w.estimated_cents, w.deadline, w.status, \
     w.created_by, cu.display_name AS created_by_name, w.created_at, \
     w.claimed_by, clu.display_name AS claimed_by_name, w.claimed_at, w.fulfilled_at, \
     w.fulfil_note, w.closed_by, xu.display_name AS closed_by_name, w.closed_at \
     FROM wishes w \
     JOIN people p ON p.id = w.person_id \
     JOIN org_units o ON o.id = w.org_unit_id \
     JOIN users cu ON cu.id = w.created_by \
     LEFT JOIN users clu ON clu.id = w.claimed_by \
     LEFT JOIN users xu ON xu.id = w.closed_by";

fn wish_from(row: &AnyRow) -> Result<Wish> {
    Ok(Wish {
        id: get(row, "id")?,
        person: Named::from_row(row, "person_id", "person_name")?,
        org_unit_id: get(row, "org_unit_id")?,
        org_unit_name: get(row, "org_unit_name")?,
        wish: get(row, "wish")?,
        estimated_cents: get(row, "estimated_cents")?,
        deadline: get_opt_date(row, "deadline")?,
        status: get_code(row, "status", WishStatus::parse)?,
        created_by: Named::from_row(row, "created_by", "created_by_name")?,
        created_at: get_time(row, "created_at")?,
        claimed_by: named(row, "claimed_by", "claimed_by_name")?,
        claimed_at: get_opt_time(row, "claimed_at")?,
        fulfilled_at: get_opt_time(row, "fulfilled_at")?,
        fulfil_note: get(row, "fulfil_note")?,
        closed_by: named(row, "closed_by", "closed_by_name")?,
        closed_at: get_opt_time(row, "closed_at")?,
    })
}

impl Store {
    /// Records a wish for a person the actor may read, registered in its subtree. The caller
    /// has checked the role keeps the register.
    pub async fn record_wish(
        &self,
        actor: &Actor,
        new: &NewWish,
        now: DateTime<Utc>,
    ) -> Result<Wish> {
        let mut tx = self.writer.begin().await?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT p.org_unit_id, p.org_path FROM people p WHERE p.id = {} AND {} AND {}",
            a.push(new.person_id),
            scope::people(actor, &mut a),
            scope::in_subtree("p.org_path", &actor.org_path, &mut a)
        );
        let person = a
            .query(&sql)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| invalid("person_id", &PERSON_OUT_OF_SCOPE))?;
        let (org_unit_id, org_path): (Id, String) =
            (get(&person, "org_unit_id")?, get(&person, "org_path")?);
        let row = sqlx::query(
            "INSERT INTO wishes (person_id, org_unit_id, org_path, wish, estimated_cents, \
             deadline, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) RETURNING id",
        )
        .bind(new.person_id)
        .bind(org_unit_id)
        .bind(org_path)
        .bind(new.wish.as_str())
        .bind(new.estimated_cents)
        .bind(new.deadline.map(date_text))
        .bind(actor.user_id)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: Id = get(&row, "id")?;
        record_move(&mut tx, id, actor.user_id, WishStatus::Open, None, now).await?;
        let wish = wish_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(wish)
    }

    /// One wish the actor may see (`scope::wishes`).
    pub async fn wish(&self, actor: &Actor, id: Id) -> Result<Option<Wish>> {
        let mut a = Args::default();
        let sql = format!(
            "{WISH_SELECT} WHERE w.id = {} AND {}",
            a.push(id),
            scope::wishes(actor, &mut a)
        );
        let row = a.query(&sql).fetch_optional(&self.pool).await?;
        row.as_ref().map(wish_from).transpose()
    }

    /// A page of the wishes the actor may see, soonest deadline first within a status, then
    /// newest. `NotFound` for a node outside the actor's scope.
    pub async fn wishes(&self, actor: &Actor, f: &WishFilter) -> Result<Page<Wish>> {
        let mut a = Args::default();
        let mut conds = vec![scope::wishes(actor, &mut a)];
        if let Some(id) = f.org_unit_id {
            let path = node_path(self, actor, id)
                .await?
                .ok_or(StoreError::NotFound)?;
            conds.push(scope::in_subtree("w.org_path", &path, &mut a));
        }
        if let Some(s) = f.status {
            conds.push(format!("w.status = {}", a.push(s.code())));
        }
        let cond = conds.join(" AND ");
        let total: i64 = get(
            &a.query(&format!("SELECT COUNT(*) AS n FROM wishes w WHERE {cond}"))
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        let (page, per_page) = paging(f.page, f.per_page);
        let sql = format!(
            "{WISH_SELECT} WHERE {cond} ORDER BY CASE WHEN w.deadline IS NULL THEN 1 ELSE 0 END, \
             w.deadline, w.id DESC LIMIT {} OFFSET {}",
            a.push(per_page),
            a.push((page - 1) * per_page)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        Ok(Page::exact(
            rows.iter().map(wish_from).collect::<Result<_>>()?,
            total,
            page,
            per_page,
        ))
    }

    /// Moves a wish in the actor's area from `from` (as the caller read it, through
    /// [`Store::wish`]) to `to` (as `suqiu_core::wishes::decide` gave it). `Conflict` on `status` when the wish is no
    /// longer in `from`: someone else acted first. `note` is the fulfilment note.
    pub async fn move_wish(
        &self,
        actor: &Actor,
        id: Id,
        from: WishState,
        to: WishState,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Wish> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT w.id FROM wishes w WHERE w.id = {} AND {}",
            a.push(id),
            scope::wish_area(actor, &mut a)
        );
        if a.query(&sql).fetch_optional(&self.pool).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut a = Args::default();
        let at = now;
        let now = ms(now);
        // The columns each state writes: a claim's (cleared by NULL), a fulfilment's, a close's.
        let none = Arg::Int(None);
        let set: Vec<(&str, Arg)> = match to.status {
            WishStatus::Open => vec![("claimed_by", none.clone()), ("claimed_at", none)],
            WishStatus::Claimed => vec![
                ("claimed_by", to.claimed_by.into()),
                ("claimed_at", now.into()),
            ],
            WishStatus::Fulfilled => {
                vec![("fulfilled_at", now.into()), ("fulfil_note", note.into())]
            }
            WishStatus::Confirmed => vec![
                ("closed_by", actor.user_id.into()),
                ("closed_at", now.into()),
            ],
            WishStatus::Cancelled => vec![
                ("claimed_by", none.clone()),
                ("claimed_at", none),
                ("closed_by", actor.user_id.into()),
                ("closed_at", now.into()),
            ],
        };
        let set = set
            .into_iter()
            .map(|(column, value)| format!("{column} = {}", a.push(value)))
            .collect::<Vec<_>>()
            .join(", ");
        let claimer = match from.claimed_by {
            Some(u) => format!("claimed_by = {}", a.push(u)),
            None => "claimed_by IS NULL".into(),
        };
        let sql = format!(
            "UPDATE wishes SET status = {}, {set} WHERE id = {} AND status = {} AND {claimer}",
            a.push(to.status.code()),
            a.push(id),
            a.push(from.status.code()),
        );
        let mut tx = self.writer.begin().await?;
        let done = a.query(&sql).execute(&mut *tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(FieldError::new(
                "status",
                &msg!(
                    "wish_moved",
                    "该心愿刚被他人处理，请刷新后再看",
                    "Someone has just handled this wish; reload to see it"
                ),
            )));
        }
        record_move(&mut tx, id, actor.user_id, to.status, note, at).await?;
        let wish = wish_by_id(&mut tx, id).await?;
        tx.commit().await?;
        Ok(wish)
    }

    /// The histories of `ids` (wishes the caller has already read in scope), oldest move
    /// first; a wish without moves is absent.
    pub async fn wish_histories(&self, ids: &[Id]) -> Result<HashMap<Id, Vec<WishMove>>> {
        let mut out: HashMap<Id, Vec<WishMove>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut a = Args::default();
        let list: Vec<String> = ids.iter().map(|id| a.push(*id)).collect();
        let sql = format!(
            "SELECT e.wish_id, e.at, e.actor_id, u.display_name AS actor_name, e.status, e.note \
             FROM wish_events e JOIN users u ON u.id = e.actor_id \
             WHERE e.wish_id IN ({}) ORDER BY e.wish_id, e.at, e.id",
            list.join(", ")
        );
        for r in a.query(&sql).fetch_all(&self.pool).await? {
            out.entry(get(&r, "wish_id")?).or_default().push(WishMove {
                at: get_time(&r, "at")?,
                actor: Named::from_row(&r, "actor_id", "actor_name")?,
                status: get_code(&r, "status", WishStatus::parse)?,
                note: get(&r, "note")?,
            });
        }
        Ok(out)
    }
}

/// One move in a wish's history: who moved it to which status, when, with the note given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishMove {
    pub at: DateTime<Utc>,
    pub actor: Named,
    pub status: WishStatus,
    pub note: Option<String>,
}

/// Writes a move of the wish to its history, in the caller's transaction.
async fn record_move(
    conn: &mut sqlx::AnyConnection,
    wish_id: Id,
    actor_id: Id,
    status: WishStatus,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO wish_events (wish_id, at, actor_id, status, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(wish_id)
    .bind(ms(at))
    .bind(actor_id)
    .bind(status.code())
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn wish_by_id(conn: &mut sqlx::AnyConnection, id: Id) -> Result<Wish> {
    let row = sqlx::query(&format!("{WISH_SELECT} WHERE w.id = $1"))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    wish_from(&row)
}
