//! The love supermarket (爱心超市): items and their stock per station, and every movement
//! (stock in, handed out) with who made it.
//!
//! Stock never goes below zero, also under concurrent hand-outs: a movement changes the
//! stock with one conditional `UPDATE … WHERE stock + quantity >= 0` in its own write
//! transaction (see `fund` for why that is enough on both backends), and its row records
//! the stock after it.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::error::FieldError;
use suqiu_core::fund::keeps_ledger;
use suqiu_core::msg;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::report::Month;
use suqiu_core::supermarket::ItemMonth;
use suqiu_core::Id;

use crate::error::{Result, StoreError, ORG_UNIT_OUT_OF_SCOPE};
use crate::fund::{month_bounds, require_person, Named};
use crate::sql::{get, get_time, invalid, ms, write_error, Args};
use crate::{scope, Store};

/// An item with its stock now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub name: String,
    pub unit: String,
    pub stock: i64,
}

/// A movement as the caller asks for it (checked by `suqiu_core::supermarket`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMovement {
    pub item_id: Id,
    /// Positive: stock in; negative: handed out to `person_id`.
    pub quantity: i64,
    pub person_id: Option<Id>,
    pub note: String,
}

/// One stock movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub id: Id,
    pub item_id: Id,
    pub item_name: String,
    pub unit: String,
    pub quantity: i64,
    pub stock_after: i64,
    pub person: Option<Named>,
    pub note: String,
    pub created_by: Named,
    pub created_at: DateTime<Utc>,
}

/// A station's month: each item's opening, in, out and closing, and the month's movements.
#[derive(Debug, Clone)]
pub struct Statement {
    pub unit: OrgUnit,
    pub month: Month,
    pub items: Vec<(Item, ItemMonth)>,
    pub movements: Vec<Movement>,
}

const ITEM_SELECT: &str =
    "SELECT i.id, i.org_unit_id, o.name AS org_unit_name, i.name, i.unit, i.stock \
     FROM supermarket_items i JOIN org_units o ON o.id = i.org_unit_id";

const MOVEMENT_SELECT: &str = "SELECT m.id, m.item_id, i.name AS item_name, i.unit, m.quantity, \
     m.stock_after, m.person_id, p.name AS person_name, m.note, m.created_by, \
     u.display_name AS created_by_name, m.created_at \
     FROM supermarket_movements m JOIN supermarket_items i ON i.id = m.item_id \
     JOIN users u ON u.id = m.created_by LEFT JOIN people p ON p.id = m.person_id";

fn item_from(row: &AnyRow) -> Result<Item> {
    Ok(Item {
        id: get(row, "id")?,
        org_unit_id: get(row, "org_unit_id")?,
        org_unit_name: get(row, "org_unit_name")?,
        name: get(row, "name")?,
        unit: get(row, "unit")?,
        stock: get(row, "stock")?,
    })
}

fn movement_from(row: &AnyRow) -> Result<Movement> {
    let person = match get::<Option<Id>>(row, "person_id")? {
        None => None,
        Some(id) => Some(Named {
            id,
            name: get::<Option<String>>(row, "person_name")?.unwrap_or_default(),
        }),
    };
    Ok(Movement {
        id: get(row, "id")?,
        item_id: get(row, "item_id")?,
        item_name: get(row, "item_name")?,
        unit: get(row, "unit")?,
        quantity: get(row, "quantity")?,
        stock_after: get(row, "stock_after")?,
        person,
        note: get(row, "note")?,
        created_by: Named {
            id: get(row, "created_by")?,
            name: get(row, "created_by_name")?,
        },
        created_at: get_time(row, "created_at")?,
    })
}

impl Store {
    /// The station (or street, district) node `id` if it lies in the actor's subtree.
    async fn supermarket_unit(&self, actor: &Actor, id: Id) -> Result<Option<OrgUnit>> {
        Ok(self
            .org_unit(id)
            .await?
            .filter(|u| in_subtree(&actor.org_path, &u.path) && keeps_ledger(u.kind)))
    }

    /// Adds an item (stock 0) to the supermarket of a node in the actor's subtree. `name`
    /// and `unit` are checked by the caller. `Conflict` on `name` when the node already has it.
    pub async fn create_item(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        name: &str,
        unit: &str,
        now: DateTime<Utc>,
    ) -> Result<Item> {
        let node = self
            .supermarket_unit(actor, org_unit_id)
            .await?
            .ok_or_else(|| invalid("org_unit_id", &ORG_UNIT_OUT_OF_SCOPE))?;
        let row = sqlx::query(
            "INSERT INTO supermarket_items (org_unit_id, org_path, name, unit, stock, created_by, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5, $6) RETURNING id",
        )
        .bind(node.id)
        .bind(node.path.as_str())
        .bind(name)
        .bind(unit)
        .bind(actor.user_id)
        .bind(ms(now))
        .fetch_one(self.writer.pool()?)
        .await
        .map_err(|e| write_error(e, "name", &msg!("item_name_taken", "本站已有同名物品", "This site already has an item of that name")))?;
        Ok(Item {
            id: get(&row, "id")?,
            org_unit_id: node.id,
            org_unit_name: node.name,
            name: name.to_string(),
            unit: unit.to_string(),
            stock: 0,
        })
    }

    /// The items of the supermarkets in the subtree of `org_unit_id` (which must be in the
    /// actor's subtree, else `NotFound`), by node and name.
    pub async fn items(&self, actor: &Actor, org_unit_id: Id) -> Result<Vec<Item>> {
        let node = match self.org_unit(org_unit_id).await? {
            Some(u) if in_subtree(&actor.org_path, &u.path) => u,
            _ => return Err(StoreError::NotFound),
        };
        let mut a = Args::default();
        let sql = format!(
            "{ITEM_SELECT} WHERE {} ORDER BY i.org_path, i.name",
            scope::in_subtree("i.org_path", &node.path, &mut a)
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(item_from).collect()
    }

    /// Moves stock of an item in the actor's subtree: in (positive) or handed out
    /// (negative, to a person in scope and on the item's station's register). `Conflict`
    /// on `quantity` when the stock would go below zero; nothing is written then.
    pub async fn move_stock(
        &self,
        actor: &Actor,
        m: &NewMovement,
        now: DateTime<Utc>,
    ) -> Result<Movement> {
        let mut tx = self.writer.begin().await?;
        let mut a = Args::default();
        let sql = format!(
            "SELECT i.org_unit_id, i.name, i.unit, o.path, o.name AS org_unit_name \
             FROM supermarket_items i JOIN org_units o ON o.id = i.org_unit_id WHERE i.id = {} AND {}",
            a.push(m.item_id),
            scope::in_subtree("i.org_path", &actor.org_path, &mut a)
        );
        let item = a
            .query(&sql)
            .fetch_optional(&mut *tx)
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
        let org_unit_id: Id = get(&item, "org_unit_id")?;
        let (name, unit): (String, String) = (get(&item, "name")?, get(&item, "unit")?);
        if let Some(person_id) = m.person_id {
            let (path, station): (String, String) =
                (get(&item, "path")?, get(&item, "org_unit_name")?);
            require_person(&mut tx, actor, person_id, (&path, &station)).await?;
        }
        let updated = sqlx::query(
            "UPDATE supermarket_items SET stock = stock + $1 WHERE id = $2 AND stock + $1 >= 0 \
             RETURNING stock",
        )
        .bind(m.quantity)
        .bind(m.item_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(updated) = updated else {
            let row = sqlx::query("SELECT stock FROM supermarket_items WHERE id = $1")
                .bind(m.item_id)
                .fetch_one(&mut *tx)
                .await?;
            let stock: i64 = get(&row, "stock")?;
            return Err(StoreError::Conflict(
                FieldError::new(
                    "quantity",
                    &msg!(
                        "stock_short",
                        "库存不足：「{name}」现有 {stock} {unit}",
                        "Not enough stock: \"{name}\" has {stock} {unit}"
                    ),
                )
                .with("name", &name)
                .with("stock", stock)
                .with("unit", &unit),
            ));
        };
        let stock_after: i64 = get(&updated, "stock")?;
        let row = sqlx::query(
            "INSERT INTO supermarket_movements (item_id, org_unit_id, quantity, stock_after, person_id, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(m.item_id)
        .bind(org_unit_id)
        .bind(m.quantity)
        .bind(stock_after)
        .bind(m.person_id)
        .bind(m.note.as_str())
        .bind(actor.user_id)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await?;
        let id: Id = get(&row, "id")?;
        let row = sqlx::query(&format!("{MOVEMENT_SELECT} WHERE m.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let movement = movement_from(&row)?;
        tx.commit().await?;
        Ok(movement)
    }

    /// The monthly statement (月度台账) of the supermarket of `org_unit_id` (a node in the
    /// actor's subtree, else `NotFound`): every item with its opening, in, out and closing
    /// stock, and the month's movements in order.
    pub async fn supermarket_statement(
        &self,
        actor: &Actor,
        org_unit_id: Id,
        month: Month,
    ) -> Result<Statement> {
        let unit = self
            .supermarket_unit(actor, org_unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (start, end) = month_bounds(month);
        let rows = sqlx::query(&format!(
            "{ITEM_SELECT} WHERE i.org_unit_id = $1 ORDER BY i.name"
        ))
        .bind(unit.id)
        .fetch_all(&self.pool)
        .await?;
        let items = rows.iter().map(item_from).collect::<Result<Vec<_>>>()?;
        let sums = sqlx::query(
            "SELECT item_id, \
             CAST(SUM(CASE WHEN created_at < $2 THEN quantity ELSE 0 END) AS BIGINT) AS opening, \
             CAST(SUM(CASE WHEN created_at >= $2 AND quantity > 0 THEN quantity ELSE 0 END) AS BIGINT) AS stock_in, \
             CAST(SUM(CASE WHEN created_at >= $2 AND quantity < 0 THEN -quantity ELSE 0 END) AS BIGINT) AS handed_out \
             FROM supermarket_movements WHERE org_unit_id = $1 AND created_at < $3 GROUP BY item_id",
        )
        .bind(unit.id)
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        let mut months = std::collections::HashMap::new();
        for r in &sums {
            months.insert(
                get::<Id>(r, "item_id")?,
                ItemMonth {
                    opening: get(r, "opening")?,
                    stock_in: get(r, "stock_in")?,
                    handed_out: get(r, "handed_out")?,
                },
            );
        }
        let rows = sqlx::query(&format!(
            "{MOVEMENT_SELECT} WHERE m.org_unit_id = $1 AND m.created_at >= $2 AND m.created_at < $3 \
             ORDER BY m.created_at, m.id"
        ))
        .bind(unit.id)
        .bind(start)
        .bind(end)
        .fetch_all(&self.pool)
        .await?;
        let movements = rows.iter().map(movement_from).collect::<Result<Vec<_>>>()?;
        Ok(Statement {
            unit,
            month,
            items: items
                .into_iter()
                .map(|i| {
                    let m = months.get(&i.id).copied().unwrap_or_default();
                    (i, m)
                })
                .collect(),
            movements,
        })
    }
}
