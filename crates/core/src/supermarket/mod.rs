//! The love supermarket (爱心超市): goods in stock at a station, taken in as donations and
//! handed out to people on the register. The checks of what is typed are here; what a
//! command does to the shelves (add an item, move stock, never below zero) is
//! `decide` → events → `apply`, in `decide.rs`, which the store applies under its lock.

use crate::error::FieldError;
use crate::msg;
use crate::org::OrgKind;

mod decide;
#[cfg(test)]
mod decide_tests;

pub use decide::{
    apply, check, decide, Command, Event, NewItem, NewMovement, Refusal, State, Station, Stock,
    NAME_TAKEN,
};

/// Longest note on a movement (as on a fund entry).
pub const MAX_NOTE_CHARS: usize = crate::fund::MAX_NOTE_CHARS;

/// Whether a node of this kind keeps a supermarket: like the fund, every level but the
/// grid (a grid's goods are its station's).
pub fn keeps_supermarket(kind: OrgKind) -> bool {
    crate::fund::keeps_ledger(kind)
}

/// The largest quantity of one movement: more than any station's storeroom holds.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// Longest item name and unit of measure.
pub const MAX_NAME_CHARS: usize = 50;
pub const MAX_UNIT_CHARS: usize = 10;

/// Checks a movement as typed: a non-zero quantity (positive: stock in; negative: handed
/// out), and for a hand-out the person who received it (every hand-out goes to someone on
/// the register).
pub fn check_movement(quantity: i64, person_id: Option<crate::Id>) -> Result<(), FieldError> {
    if quantity == 0 {
        return Err(FieldError::new(
            "quantity",
            &msg!(
                "quantity_zero",
                "数量不能为 0（正数为入库，负数为发放）",
                "The quantity cannot be 0 (positive comes in, negative goes out)"
            ),
        ));
    }
    if quantity.abs() > MAX_QUANTITY {
        return Err(FieldError::new(
            "quantity",
            &msg!(
                "quantity_too_large",
                "单次数量不能超过 {max}",
                "At most {max} at a time"
            ),
        )
        .with("max", MAX_QUANTITY));
    }
    if quantity < 0 && person_id.is_none() {
        return Err(FieldError::new(
            "person_id",
            &msg!(
                "handout_recipient_needed",
                "发放物品须登记领取人",
                "A hand-out needs its recipient"
            ),
        ));
    }
    Ok(())
}

/// Checks a new item's name and unit of measure (件, 袋, 桶 …), returned trimmed.
pub fn check_item(name: &str, unit: &str) -> Result<(String, String), Vec<FieldError>> {
    let (name, unit) = (name.trim(), unit.trim());
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            &msg!("item_name_empty", "请填写物品名称", "Enter the item name"),
        ));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(
            FieldError::new(
                "name",
                &msg!(
                    "item_name_too_long",
                    "物品名称最多 {max} 个字",
                    "An item name has at most {max} characters"
                ),
            )
            .with("max", MAX_NAME_CHARS),
        );
    }
    if unit.is_empty() {
        errors.push(FieldError::new(
            "unit",
            &msg!(
                "item_unit_empty",
                "请填写计量单位（如 件、袋、桶）",
                "Enter the unit (piece, bag, bucket…)"
            ),
        ));
    } else if unit.chars().count() > MAX_UNIT_CHARS {
        errors.push(
            FieldError::new(
                "unit",
                &msg!(
                    "item_unit_too_long",
                    "计量单位最多 {max} 个字",
                    "A unit has at most {max} characters"
                ),
            )
            .with("max", MAX_UNIT_CHARS),
        );
    }
    if errors.is_empty() {
        Ok((name.to_string(), unit.to_string()))
    } else {
        Err(errors)
    }
}

/// One item's month on the statement (月度台账): what it opened with, took in, handed out
/// and closed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemMonth {
    pub opening: i64,
    pub stock_in: i64,
    pub handed_out: i64,
}

impl ItemMonth {
    pub fn closing(&self) -> i64 {
        self.opening + self.stock_in - self.handed_out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movements_need_a_quantity_and_hand_outs_a_person() {
        assert!(check_movement(5, None).is_ok());
        assert!(check_movement(-2, Some(9)).is_ok());
        assert_eq!(check_movement(0, None).unwrap_err().field, "quantity");
        assert_eq!(check_movement(-1, None).unwrap_err().field, "person_id");
        assert_eq!(
            check_movement(MAX_QUANTITY + 1, None).unwrap_err().field,
            "quantity"
        );
    }

    #[test]
    fn items_need_a_name_and_a_unit() {
        assert_eq!(
            check_item(" 大米 ", " 袋 "),
            Ok(("大米".to_string(), "袋".to_string()))
        );
        let errors = check_item("", "").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "unit"]);
    }

    #[test]
    fn the_month_closes_on_what_came_and_went() {
        let m = ItemMonth {
            opening: 10,
            stock_in: 5,
            handed_out: 12,
        };
        assert_eq!(m.closing(), 3);
    }
}
