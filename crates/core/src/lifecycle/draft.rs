//! An intake as typed (the desk's form, the API's body), checked as a whole: every fault
//! named at once, by the field a person fixes. The store's answers about what the draft
//! names (the appellant on the register, the category, the node) come in as
//! [`IntakeFacts`]; what passes becomes the [`Intake`] that `register` turns into an appeal.
//!
//! The text rules (content required, each text within its limit) are `register`'s own,
//! [`text_errors`], so the desk and `register` cannot disagree.

use super::{Intake, MAX_CONTENT_CHARS, MAX_LOCATION_CHARS, MAX_TITLE_CHARS};
use crate::appeal::{Appellant, Channel, Kind, Urgency};
use crate::error::{FieldError, Msg, CONTENT_EMPTY, CONTENT_TOO_LONG};
use crate::msg;
use crate::org::{OrgKind, OrgUnit};
use crate::validate::{validate_email, validate_phone};
use crate::Id;

/// Longest name of an appellant who is not on the register.
pub const MAX_APPELLANT_NAME: usize = 50;

/// A new appeal as typed: the appellant one of three ways, the rest as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeDraft {
    /// A person on the register, by id.
    pub appellant_id: Option<Id>,
    /// A new appellant: a name, and a phone or e-mail if they left one.
    pub appellant: Option<NewAppellantDraft>,
    /// Nobody named.
    pub anonymous: bool,
    pub org_unit_id: Id,
    pub channel: Channel,
    pub matter: Matter,
}

/// What an appeal says, as typed, apart from who brings it, where and how: an intake's,
/// and the appeal raised on a visit (whose appellant, node and channel default to the
/// visit's).
#[derive(Debug, Clone, PartialEq)]
pub struct Matter {
    pub kind: Kind,
    pub category: String,
    pub urgency: Option<Urgency>,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub public_consent: bool,
}

/// An appellant not (yet) on the register, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppellantDraft {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// What the store knows about the names in a draft, each looked up in the actor's scope.
#[derive(Debug, Clone, Default)]
pub struct IntakeFacts {
    /// The registered appellant (`appellant_id`) is on the register within the scope.
    pub appellant_on_register: bool,
    /// The category code is in the taxonomy.
    pub category_known: bool,
    /// The node the appeal concerns, when it exists within the scope.
    pub unit: Option<OrgUnit>,
}

/// A draft that passed: the intake, and the unit that will handle it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedDraft {
    pub intake: Intake,
    pub handling_org_unit_id: Id,
}

/// The unit that handles an appeal about `unit`: the node itself, or for a grid its
/// community (a grid is a patch of a community, with no desk of its own).
pub fn handling_unit(unit: &OrgUnit) -> Id {
    match (unit.kind, unit.parent_id) {
        (OrgKind::Grid, Some(parent)) => parent,
        _ => unit.id,
    }
}

/// Every fault of the draft at once, or the intake and its handling unit.
pub fn check_draft(
    draft: IntakeDraft,
    facts: &IntakeFacts,
) -> Result<CheckedDraft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let appellant = appellant(&draft, facts, &mut errors);
    let category = draft.matter.category.trim().to_string();
    if !facts.category_known {
        let shown: String = category.chars().take(40).collect();
        errors.push(if shown.is_empty() {
            FieldError::new("category", &CATEGORY_PICK)
        } else {
            FieldError::new("category", &CATEGORY_UNKNOWN).with("value", shown)
        });
    }
    if facts.unit.is_none() {
        errors.push(FieldError::new("org_unit_id", &APPEAL_UNIT_IN_SCOPE));
    }
    let texts = [
        ("content", Some(draft.matter.content.as_str())),
        ("title", draft.matter.title.as_deref()),
        ("location", draft.matter.location.as_deref()),
    ];
    errors.extend(text_errors(texts));
    let (Some(appellant), Some(unit), true) = (appellant, &facts.unit, errors.is_empty()) else {
        return Err(errors);
    };
    let intake = Intake {
        appellant,
        org_unit_id: unit.id,
        channel: draft.channel,
        kind: draft.matter.kind,
        category,
        urgency: draft.matter.urgency.unwrap_or(Urgency::Normal),
        title: draft.matter.title,
        content: draft.matter.content,
        location: draft.matter.location,
        public_consent: draft.matter.public_consent,
    };
    Ok(CheckedDraft {
        intake,
        handling_org_unit_id: handling_unit(unit),
    })
}

/// The appellant the draft names, exactly one of the three ways; faults pushed to `errors`.
fn appellant(
    draft: &IntakeDraft,
    facts: &IntakeFacts,
    errors: &mut Vec<FieldError>,
) -> Option<Appellant> {
    let ways = usize::from(draft.appellant_id.is_some())
        + usize::from(draft.appellant.is_some())
        + usize::from(draft.anonymous);
    if ways != 1 {
        errors.push(FieldError::new("appellant", &APPELLANT_ONE_OF));
        return None;
    }
    if let Some(person_id) = draft.appellant_id {
        if !facts.appellant_on_register {
            errors.push(FieldError::new("appellant_id", &APPELLANT_UNKNOWN));
            return None;
        }
        return Some(Appellant::Person { person_id });
    }
    let Some(a) = &draft.appellant else {
        return Some(Appellant::Anonymous);
    };
    let name = a.name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("appellant.name", &APPELLANT_NAME_EMPTY));
    } else if name.chars().count() > MAX_APPELLANT_NAME {
        let error = FieldError::new("appellant.name", &NAME_TOO_LONG);
        errors.push(error.with("max", MAX_APPELLANT_NAME));
    }
    let phone = given(&a.phone).and_then(|p| {
        validate_phone(p)
            .map_err(|e| errors.push(e.at("appellant.phone")))
            .ok()
    });
    let email = given(&a.email).and_then(|e| {
        validate_email(e)
            .map_err(|e| errors.push(e.at("appellant.email")))
            .ok()
    });
    Some(Appellant::Named { name, phone, email })
}

/// A typed value with its blanks trimmed, if anything is left.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The faults of an appeal's texts (`content` required; `content`, `title`, `location`
/// within their limits), trimmed as they will be stored.
pub fn text_errors<'a>(
    texts: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, value) in texts {
        let value = value.map(str::trim).unwrap_or_default();
        let max = match field {
            "title" => MAX_TITLE_CHARS,
            "location" => MAX_LOCATION_CHARS,
            _ => MAX_CONTENT_CHARS,
        };
        if field == "content" && value.is_empty() {
            errors.push(FieldError::new(field, &CONTENT_EMPTY));
        }
        let n = value.chars().count();
        if n > max {
            let error = FieldError::new(field, &CONTENT_TOO_LONG);
            errors.push(error.with("n", n).with("max", max));
        }
    }
    errors
}

const APPEAL_UNIT_IN_SCOPE: Msg = msg!(
    "appeal_unit_in_scope",
    "请选择诉求涉及的社区或网格（须在本单位范围内）",
    "Choose the community or grid the appeal concerns (within this unit)",
);
const APPELLANT_NAME_EMPTY: Msg = msg!(
    "appellant_name_empty",
    "请填写诉求人姓名",
    "Enter the appellant's name",
);
const APPELLANT_ONE_OF: Msg = msg!(
    "appellant_one_of",
    "请选择诉求人：登记在册的人员（appellant_id）、新的诉求人（appellant：姓名和电话）或匿名（anonymous），三者选一",
    "Choose the appellant: a registered person (appellant_id), a new appellant (appellant: name and phone) or anonymous (anonymous), one of the three",
);
const APPELLANT_UNKNOWN: Msg = msg!(
    "appellant_unknown",
    "找不到这位人员（或不在本单位范围内），请从查找结果中选择",
    "This person is not found (or not within this unit); choose from the search results",
);
const CATEGORY_PICK: Msg = msg!("category_pick", "请选择诉求分类", "Choose the category");
const CATEGORY_UNKNOWN: Msg = msg!(
    "category_unknown",
    "没有「{value}」这个诉求分类，请从分类列表中选择",
    "There is no category {value}; choose one from the list",
);
const NAME_TOO_LONG: Msg = msg!(
    "name_too_long",
    "姓名最多 {max} 个字",
    "A name has at most {max} characters",
);

#[cfg(test)]
mod tests;
