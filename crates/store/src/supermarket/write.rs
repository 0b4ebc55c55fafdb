//! Adding items and moving stock: the store loads, locks, applies and writes; the rules
//! are `suqiu_core::supermarket::decide`'s.
//!
//! Why stock never goes below zero, also under concurrent hand-outs: a movement opens its
//! transaction, locks the item's row (`SELECT … FOR UPDATE` on PostgreSQL: a concurrent
//! writer waits, then reads the committed stock; on SQLite every write goes through the
//! one writer connection), asks `decide` with the stock as locked, and writes the applied
//! stock and the movement in the same transaction. Twenty hand-outs at once of an item
//! with ten in stock: ten are handed out, ten are refused, the stock is zero. The schema's
//! `CHECK (stock >= 0)` and `UNIQUE (org_unit_id, name)` remain as a last line should this
//! ever be wrong.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use suqiu_core::access::Actor;
use suqiu_core::msg;
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::supermarket::{
    apply, decide, Command, Event, NewItem, NewMovement, State, Station, Stock, NAME_TAKEN,
};
use suqiu_core::Id;

use super::{movement_from, Item, Movement, MOVEMENT_SELECT};
use crate::error::{Result, StoreError, ORG_UNIT_OUT_OF_SCOPE};
use crate::fund::on_register;
use crate::sql::{get, get_code, invalid, ms, write_error, Args};
use crate::{scope, Store};

impl Store {
    /// Adds an item (stock 0) to the supermarket of a node in the actor's subtree, as the
    /// rules allow (`Invalid` on the field at fault; `Conflict` on `name` when the node has
    /// an item of that name already). The caller has checked the role keeps the supermarket.
    pub async fn create_item(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        name: &str,
        unit: &str,
        now: DateTime<Utc>,
    ) -> Result<Item> {
        let node = self
            .org_unit(org_unit_id)
            .await?
            .filter(|u| in_subtree(&actor.org_path, &u.path))
            .ok_or_else(|| invalid("org_unit_id", &ORG_UNIT_OUT_OF_SCOPE))?;
        let mut tx = self.writer.begin().await?;
        let mut state = State {
            station: Station {
                name: node.name.clone(),
                kind: node.kind,
            },
            names: item_names(&mut tx, node.id).await?,
            item: None,
            recipient_on_register: None,
        };
        let command = Command::AddItem(NewItem {
            org_unit_id,
            name: name.to_string(),
            unit: unit.to_string(),
        });
        let events = decide(&state, &command)?;
        let mut id = None;
        for e in &events {
            apply(&mut state, e);
            if let Event::ItemAdded { name, unit } = e {
                let row = sqlx::query(
                    "INSERT INTO supermarket_items (org_unit_id, org_path, name, unit, stock, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6) RETURNING id",
                )
                .bind(node.id)
                .bind(node.path.as_str())
                .bind(name.as_str())
                .bind(unit.as_str())
                .bind(actor.user_id)
                .bind(ms(now))
                .fetch_one(&mut *tx)
                .await
                // The schema's last line (see the module's note): reported as the rule would.
                .map_err(|e| write_error(e, "name", &NAME_TAKEN))?;
                id = Some(get::<Id>(&row, "id")?);
            }
        }
        let (Some(id), Some(item)) = (id, state.item) else {
            return Err(StoreError::Corrupt("adding an item added none".into()));
        };
        tx.commit().await?;
        Ok(Item {
            id,
            org_unit_id: node.id,
            org_unit_name: node.name,
            name: item.name,
            unit: item.unit,
            stock: item.stock,
        })
    }

    /// Moves stock of an item in the actor's subtree: in (positive) or handed out
    /// (negative, to a person in scope and on the item's station's register), as the rules
    /// allow. `Conflict` on `quantity` when the stock would go below zero; nothing is
    /// written then. The caller has checked the role keeps the supermarket.
    pub async fn move_stock(
        &self,
        actor: &Actor,
        m: &NewMovement,
        now: DateTime<Utc>,
    ) -> Result<Movement> {
        let mut tx = self.writer.begin().await?;
        let shelf = self.lock_item(&mut tx, actor, m.item_id).await?;
        let recipient_on_register = match m.person_id {
            Some(p) => Some(on_register(&mut tx, actor, p, &shelf.path).await?),
            None => None,
        };
        let mut state = State {
            recipient_on_register,
            ..shelf.state
        };
        let events = decide(&state, &Command::Move(m.clone()))?;
        let mut id = None;
        for e in &events {
            apply(&mut state, e);
            let stock_after = state.item.as_ref().map_or(0, |i| i.stock);
            let written = (m.item_id, shelf.org_unit_id, stock_after);
            id = Some(moved(&mut tx, actor, written, e, now).await?);
        }
        let id = id.ok_or_else(|| StoreError::Corrupt("a movement moved nothing".into()))?;
        let row = sqlx::query(&format!("{MOVEMENT_SELECT} WHERE m.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let movement = movement_from(&row)?;
        tx.commit().await?;
        Ok(movement)
    }

    /// The item `id` in the actor's subtree, its row locked until the transaction ends, as
    /// the rules read it (else `Invalid` on `item_id`: unknown, or outside the scope).
    async fn lock_item(&self, conn: &mut AnyConnection, actor: &Actor, id: Id) -> Result<Shelf> {
        let mut a = Args::default();
        let sql = format!(
            "SELECT i.org_unit_id, o.path, o.name AS org_unit_name, o.kind \
             FROM supermarket_items i JOIN org_units o ON o.id = i.org_unit_id \
             WHERE i.id = {} AND {}",
            a.push(id),
            scope::in_subtree("i.org_path", &actor.org_path, &mut a)
        );
        let node = a
            .query(&sql)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| {
                invalid(
                    "item_id",
                    &msg!(
                        "item_out_of_scope",
                        "未知的物品或不在管辖范围内",
                        "Unknown item, or outside your scope"
                    ),
                )
            })?;
        let lock = crate::dialect::for_update(self.backend);
        let item = sqlx::query(&format!(
            "SELECT name, unit, stock FROM supermarket_items WHERE id = $1{lock}"
        ))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        Ok(Shelf {
            org_unit_id: get(&node, "org_unit_id")?,
            path: get(&node, "path")?,
            state: State {
                station: Station {
                    name: get(&node, "org_unit_name")?,
                    kind: get_code(&node, "kind", OrgKind::parse)?,
                },
                names: Vec::new(),
                item: Some(Stock {
                    name: get(&item, "name")?,
                    unit: get(&item, "unit")?,
                    stock: get(&item, "stock")?,
                }),
                recipient_on_register: None,
            },
        })
    }
}

/// A locked item with its station, as a movement needs it.
struct Shelf {
    org_unit_id: Id,
    /// The station's path: a recipient must be on the register below it.
    path: String,
    state: State,
}

/// The names on a station's shelves (adding an item: a name is used once).
async fn item_names(conn: &mut AnyConnection, org_unit_id: Id) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT name FROM supermarket_items WHERE org_unit_id = $1")
        .bind(org_unit_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| get(r, "name")).collect()
}

/// Writes one movement and its item's stock after it (the row is locked since the state
/// was loaded); the movement's id.
async fn moved(
    conn: &mut AnyConnection,
    actor: &Actor,
    (item_id, org_unit_id, stock_after): (Id, Id, i64),
    e: &Event,
    now: DateTime<Utc>,
) -> Result<Id> {
    let Event::Moved {
        quantity,
        person_id,
        note,
    } = e
    else {
        return Err(StoreError::Corrupt(format!("not a movement: {e:?}")));
    };
    sqlx::query("UPDATE supermarket_items SET stock = $1 WHERE id = $2")
        .bind(stock_after)
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query(
        "INSERT INTO supermarket_movements (item_id, org_unit_id, quantity, stock_after, \
         person_id, note, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(item_id)
    .bind(org_unit_id)
    .bind(*quantity)
    .bind(stock_after)
    .bind(*person_id)
    .bind(note.as_str())
    .bind(actor.user_id)
    .bind(ms(now))
    .fetch_one(&mut *conn)
    .await?;
    get(&row, "id")
}
