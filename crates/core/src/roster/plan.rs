//! Whether a roster may be imported: its rows read under a mapping ([`check`]), then held
//! against the register — the same person twice in the file, or a person the register
//! has already ([`Checked::against`]) — and, when nothing is wrong, the plan the store
//! writes in one transaction ([`Checked::plan`]). The store looks the register's facts up
//! again inside that transaction and asks [`admit`] once more, so a person registered in
//! between (another roster committed at the same moment) is refused, not written twice.

use std::collections::{HashMap, HashSet};

use super::{check_mapping, read_rows, Context, Mapping, RowError, Sheet};
use crate::error::FieldError;
use crate::msg;
use crate::person::Person;

/// A roster read under a mapping: the people it would register, with their rows, and
/// every error (the mapping's with row 0). A row with any error yields no person.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub people: Vec<(u32, Person)>,
    pub errors: Vec<RowError>,
}

/// Everyone of a roster to register, all or none: what the store writes.
#[derive(Debug, Clone)]
pub struct Plan {
    pub people: Vec<(u32, Person)>,
}

/// The keys a duplicate is found by, to look up on the register: ID numbers, and (name,
/// phone) pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    pub id_numbers: Vec<String>,
    pub name_phones: Vec<(String, String)>,
}

/// People already on the register, by the keys a duplicate is found by.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    pub id_numbers: HashSet<String>,
    /// (name, phone), both as stored.
    pub name_phones: HashSet<(String, String)>,
}

/// Reads every row of `sheet` under `mapping` (the person rules of the API, nodes in the
/// importer's scope); a mapping that cannot be used reads no row and says why.
pub fn check(sheet: &Sheet, mapping: &Mapping, ctx: &Context) -> Checked {
    let mapping_errors = check_mapping(mapping, sheet.headers.len());
    if !mapping_errors.is_empty() {
        return Checked {
            people: Vec::new(),
            errors: mapping_errors
                .into_iter()
                .map(|e| RowError::new(0, e))
                .collect(),
        };
    }
    let (people, errors) = read_rows(sheet, mapping, ctx);
    Checked { people, errors }
}

/// The register's keys of `people`.
pub fn keys(people: &[(u32, Person)]) -> Keys {
    Keys {
        id_numbers: people
            .iter()
            .filter_map(|(_, p)| p.id_number.clone())
            .collect(),
        name_phones: people
            .iter()
            .filter_map(|(_, p)| p.phone.clone().map(|ph| (p.name.clone(), ph)))
            .collect(),
    }
}

impl Checked {
    /// The same, with the rows that repeat an earlier row or a person of `existing` (the
    /// register's facts for [`keys`]), every error in row order.
    pub fn against(mut self, existing: &Existing) -> Checked {
        self.errors.extend(duplicates(&self.people, existing));
        self.errors.sort_by_key(|e| e.row);
        self
    }

    /// The plan when nothing is wrong; otherwise every error.
    pub fn plan(self) -> Result<Plan, Vec<RowError>> {
        if self.errors.is_empty() {
            Ok(Plan {
                people: self.people,
            })
        } else {
            Err(self.errors)
        }
    }
}

/// Whether `people` may still be written over the register's facts `existing`, looked up
/// inside the writing transaction: no row repeats another or a person registered by now.
pub fn admit(people: &[(u32, Person)], existing: &Existing) -> Result<(), Vec<RowError>> {
    let taken = duplicates(people, existing);
    if taken.is_empty() {
        Ok(())
    } else {
        Err(taken)
    }
}

/// Rows that repeat an earlier row of the file or a person on the register: the same ID
/// number, or the same name and phone.
pub fn duplicates(people: &[(u32, Person)], existing: &Existing) -> Vec<RowError> {
    let mut by_id: HashMap<&str, u32> = HashMap::new();
    let mut by_name_phone: HashMap<(&str, &str), u32> = HashMap::new();
    let mut errors = Vec::new();
    for (row, p) in people {
        let err = |field: &str, e: FieldError| RowError::new(*row, e.at(field));
        if let Some(id) = p.id_number.as_deref() {
            if existing.id_numbers.contains(id) {
                errors.push(err(
                    "id_number",
                    FieldError::new(
                        "",
                        &msg!(
                            "duplicate_id_number",
                            "人员档案中已有此身份证号的人员",
                            "The register already has a person with this ID number"
                        ),
                    ),
                ));
                continue;
            }
            if let Some(first) = by_id.get(id) {
                let e = FieldError::new(
                    "",
                    &msg!(
                        "same_id_number_as_row",
                        "与第 {row} 行的身份证号相同",
                        "The same ID number as row {row}"
                    ),
                );
                errors.push(err("id_number", e.with("row", first)));
                continue;
            }
            by_id.insert(id, *row);
        }
        if let Some(phone) = p.phone.as_deref() {
            let key = (p.name.as_str(), phone);
            if existing
                .name_phones
                .contains(&(p.name.clone(), phone.to_string()))
            {
                errors.push(err(
                    "name",
                    FieldError::new(
                        "",
                        &msg!(
                            "duplicate_name_phone",
                            "人员档案中已有同名同电话的人员",
                            "The register already has a person of this name and phone"
                        ),
                    ),
                ));
                continue;
            }
            match by_name_phone.get(&key) {
                Some(first) => {
                    let e = FieldError::new(
                        "",
                        &msg!(
                            "same_name_phone_as_row",
                            "与第 {row} 行的姓名和电话相同",
                            "The same name and phone as row {row}"
                        ),
                    );
                    errors.push(err("name", e.with("row", first)))
                }
                None => {
                    by_name_phone.insert(key, *row);
                }
            }
        }
    }
    errors
}
