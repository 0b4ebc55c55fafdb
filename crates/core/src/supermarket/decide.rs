//! The supermarket's rules as decide → events → apply, the fund's shape (`crate::fund`):
//! what may be added to a station's shelves and what may move in or out, once, testable
//! without IO.
//!
//! `decide` is a pure function of the supermarket's state (its station, the names on its
//! shelves, the stock of the item a movement names, whether a recipient is on the
//! register) and the command; it refuses with a reason or returns the events. `apply`
//! folds an event into the state. The store loads the state inside its write transaction
//! with the item's row locked, asks `decide`, applies the events and writes them: two
//! hand-outs can never both take the last bag of rice.

pub use crate::error::Refusal;
use crate::error::{FieldError, Msg, TOO_LONG};
use crate::msg;
use crate::org::OrgKind;
use crate::Id;

use super::{check_item, check_movement, keeps_supermarket, MAX_NOTE_CHARS};

/// A new item as the caller asks for it (stock starts at 0: bring it in with a movement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub org_unit_id: Id,
    pub name: String,
    /// Unit of measure: 件, 袋, 桶 …
    pub unit: String,
}

/// A movement as the caller asks for it. Which fields it needs is [`check`]'s to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMovement {
    pub item_id: Id,
    /// Positive: stock in; negative: handed out to `person_id`.
    pub quantity: i64,
    pub person_id: Option<Id>,
    pub note: String,
}

/// The node whose supermarket a command is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub name: String,
    pub kind: OrgKind,
}

/// An item on the shelves and how much of it there is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    pub name: String,
    pub unit: String,
    pub stock: i64,
}

/// Everything a decision reads: loaded by the store under the item row's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub station: Station,
    /// Adding an item: the names already on the station's shelves (a name is used once).
    pub names: Vec<String>,
    /// A movement: the item it names, when it is in the actor's scope.
    pub item: Option<Stock>,
    /// When a person is named: whether they are on the station's register (in its subtree
    /// and the actor's scope).
    pub recipient_on_register: Option<bool>,
}

/// What a keeper of the supermarket asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddItem(NewItem),
    /// Stock in (a donation) or hand out (to someone on the register).
    Move(NewMovement),
}

/// What happened on the shelves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A new item, named and measured as trimmed, with nothing in stock.
    ItemAdded { name: String, unit: String },
    /// Stock came in (positive) or went out (negative) by `quantity`.
    Moved {
        quantity: i64,
        person_id: Option<Id>,
        note: String,
    },
}

/// What a second item of the same name says (also the schema's last line, see the store).
pub const NAME_TAKEN: Msg = msg!(
    "item_name_taken",
    "本站已有同名物品",
    "This site already has an item of that name",
);

const NO_SUPERMARKET: Msg = msg!(
    "grid_no_supermarket",
    "网格不设爱心超市，请登记在所属站点",
    "A grid keeps no love supermarket; record it at its station",
);

/// Every error of a movement's own fields at once (quantity, recipient, note): the forms
/// show them together, before anything is looked up.
pub fn check(m: &NewMovement) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = check_movement(m.quantity, m.person_id)
        .err()
        .into_iter()
        .collect();
    if m.note.trim().chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError::new("note", &TOO_LONG).with("max", MAX_NOTE_CHARS));
    }
    errors
}

/// Decides what a command does to the shelves: the events, or why not.
pub fn decide(state: &State, command: &Command) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::AddItem(new) => add_item(state, new),
        Command::Move(m) => move_stock(state, m),
    }
}

/// A grid keeps no supermarket; a name and unit as `check_item` wants them; a name once
/// per station.
fn add_item(state: &State, new: &NewItem) -> Result<Vec<Event>, Refusal> {
    if !keeps_supermarket(state.station.kind) {
        return Err(Refusal::Invalid(FieldError::new(
            "org_unit_id",
            &NO_SUPERMARKET,
        )));
    }
    let (name, unit) = match check_item(&new.name, &new.unit) {
        Ok(checked) => checked,
        // `check_item` names at least one field when it refuses.
        Err(mut errors) => return Err(Refusal::Invalid(errors.remove(0))),
    };
    if state.names.contains(&name) {
        return Err(Refusal::Conflict(FieldError::new("name", &NAME_TAKEN)));
    }
    Ok(vec![Event::ItemAdded { name, unit }])
}

/// A movement's own fields, a known item, a recipient on the station's register, and
/// never below zero in stock.
fn move_stock(state: &State, m: &NewMovement) -> Result<Vec<Event>, Refusal> {
    if let Some(e) = check(m).into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    let item = state.item.as_ref().ok_or_else(|| {
        Refusal::Invalid(FieldError::new(
            "item_id",
            &msg!("item_unknown", "未知的物品", "Unknown item"),
        ))
    })?;
    if state.recipient_on_register == Some(false) {
        return Err(Refusal::Invalid(
            FieldError::new(
                "person_id",
                &msg!(
                    "person_not_on_register",
                    "未知的人员，或不在「{within}」的人员档案中",
                    "Unknown person, or not on the register of \"{within}\""
                ),
            )
            .with("within", &state.station.name),
        ));
    }
    if item.stock + m.quantity < 0 {
        return Err(Refusal::Conflict(
            FieldError::new(
                "quantity",
                &msg!(
                    "stock_short",
                    "库存不足：「{name}」现有 {stock} {unit}",
                    "Not enough stock: \"{name}\" has {stock} {unit}"
                ),
            )
            .with("name", &item.name)
            .with("stock", item.stock)
            .with("unit", &item.unit),
        ));
    }
    Ok(vec![Event::Moved {
        quantity: m.quantity,
        person_id: m.person_id,
        note: m.note.trim().to_string(),
    }])
}

/// Folds an event into the state: a new item stands on the shelves empty; a movement
/// changes its item's stock by its quantity.
pub fn apply(state: &mut State, event: &Event) {
    match event {
        Event::ItemAdded { name, unit } => {
            state.names.push(name.clone());
            state.item = Some(Stock {
                name: name.clone(),
                unit: unit.clone(),
                stock: 0,
            });
        }
        Event::Moved { quantity, .. } => {
            if let Some(item) = &mut state.item {
                item.stock += quantity;
            }
        }
    }
}
