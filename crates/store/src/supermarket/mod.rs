//! The love supermarket (爱心超市): items and their stock per station, and every movement
//! (stock in, handed out) with who made it. Reading is here; adding items and moving stock
//! (decided by `suqiu_core::supermarket` under the item's lock) is in `write.rs`.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::access::Actor;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::report::Month;
use suqiu_core::supermarket::{keeps_supermarket, ItemMonth};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::fund::{month_bounds, named, Named};
use crate::sql::{get, get_time, Args};
use crate::{scope, Store};

mod write;

// An item with its stock now: the API answers with it as `ItemOut` (a doc comment here
// would become that schema's description).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ItemOut))]
pub struct Item {
    pub id: Id,
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub name: String,
    pub unit: String,
    pub stock: i64,
}

pub use suqiu_core::supermarket::NewMovement;

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
    let person = named(row, "person_id", "person_name")?;
    Ok(Movement {
        id: get(row, "id")?,
        item_id: get(row, "item_id")?,
        item_name: get(row, "item_name")?,
        unit: get(row, "unit")?,
        quantity: get(row, "quantity")?,
        stock_after: get(row, "stock_after")?,
        person,
        note: get(row, "note")?,
        created_by: Named::from_row(row, "created_by", "created_by_name")?,
        created_at: get_time(row, "created_at")?,
    })
}

impl Store {
    /// The node `id` if it lies in the actor's subtree and keeps a supermarket.
    async fn supermarket_unit(&self, actor: &Actor, id: Id) -> Result<Option<OrgUnit>> {
        Ok(self
            .org_unit(id)
            .await?
            .filter(|u| in_subtree(&actor.org_path, &u.path) && keeps_supermarket(u.kind)))
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
