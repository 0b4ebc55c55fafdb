//! The person form's fields as typed (or as stored), and what they read as.

use suqiu_core::person::{PartyCategory, Person};

use crate::routes::people::PartyIn;
use crate::ui::view::FieldErrors;
use crate::ui::FormData;

/// The person form's fields as typed.
#[derive(Debug, Clone, Default)]
pub(super) struct Draft {
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) id_number: String,
    pub(super) gender: String,
    pub(super) birth_date: String,
    pub(super) org_unit_id: String,
    pub(super) address: String,
    pub(super) tags: Vec<String>,
    pub(super) party_category: String,
    pub(super) joined_on: String,
    pub(super) branch: String,
}

impl Draft {
    pub(super) fn from_form(f: &FormData) -> Draft {
        Draft {
            name: f.raw("name"),
            phone: f.raw("phone"),
            id_number: f.raw("id_number"),
            gender: f.raw("gender"),
            birth_date: f.raw("birth_date"),
            org_unit_id: f.raw("org_unit_id"),
            address: f.raw("address"),
            tags: f.all("tags"),
            party_category: f.raw("party.category"),
            joined_on: f.raw("party.joined_on"),
            branch: f.raw("party.branch"),
        }
    }

    pub(super) fn from_person(p: &Person) -> Draft {
        Draft {
            name: p.name.clone(),
            phone: p.phone.clone().unwrap_or_default(),
            id_number: p.id_number.clone().unwrap_or_default(),
            gender: p.gender.map(|g| g.code().to_string()).unwrap_or_default(),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            org_unit_id: p.org_unit_id.to_string(),
            address: p.address.clone().unwrap_or_default(),
            tags: p.tags.iter().map(|t| t.code().to_string()).collect(),
            party_category: p
                .party
                .as_ref()
                .map(|x| x.category.code().to_string())
                .unwrap_or_default(),
            joined_on: p
                .party
                .as_ref()
                .and_then(|x| x.joined_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            branch: p
                .party
                .as_ref()
                .and_then(|x| x.branch.clone())
                .unwrap_or_default(),
        }
    }

    /// The stored person as the form starts for a reader who may or may not see phone and
    /// ID numbers: the form never holds what the reader may not see.
    pub(super) fn shown(p: &Person, reveal: bool) -> Draft {
        let mut d = Draft::from_person(p);
        if !reveal {
            d.phone.clear();
            d.id_number.clear();
        }
        d
    }

    /// The party profile, or the field that cannot be read.
    pub(super) fn party(&self, errors: &mut FieldErrors) -> Option<PartyIn> {
        let category = PartyCategory::parse(self.party_category.trim())?;
        let joined_on = date(&self.joined_on, "party.joined_on", errors);
        Some(PartyIn {
            category,
            joined_on,
            branch: Some(self.branch.clone()),
        })
    }

    pub(super) fn birth_date(&self, errors: &mut FieldErrors) -> Option<chrono::NaiveDate> {
        date(&self.birth_date, "birth_date", errors)
    }
}

/// A date field as typed (blank is none), or the error beside `field`.
fn date(v: &str, field: &str, errors: &mut FieldErrors) -> Option<chrono::NaiveDate> {
    match v.trim() {
        "" => None,
        v => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(field, &suqiu_core::error::DATE_SHAPE);
                None
            }
        },
    }
}

pub(super) fn text(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}
