//! 人员档案: the register (a search by name or phone, in a POST body so no phone number
//! lands in a URL), its workbook, the person form (register and edit with party profile
//! and care tags) and a person's page with their appeals and care timeline. Phone and ID
//! numbers are masked exactly as the API masks them (`PersonOut`).

mod draft;
mod export;
mod form;
mod list;
mod page;

pub(crate) use export::{export, REGISTER_MAX_ROWS};
pub(crate) use form::{create, new_form, update};
pub(crate) use list::{list, search};
pub(crate) use page::page;

use suqiu_core::access::Capability;
use suqiu_core::person::Person;
use suqiu_core::Id;

use super::i18n::Lang;
use super::{fail, Failed, Session, UiError};
use crate::routes::people::PersonOut;
use crate::state::AppState;
use suqiu_core::error::Msg;
use suqiu_core::error::Reason;
use suqiu_core::msg;

/// One person as a row, masked for the reader.
struct PersonRow {
    id: i64,
    name: String,
    phone: String,
    unit: String,
    tags: String,
    party: String,
}

fn person_row(lang: Lang, p: &Person, reveal: bool, unit: String) -> PersonRow {
    let out = PersonOut::new(p, reveal);
    PersonRow {
        id: p.id,
        name: out.name,
        phone: out.phone.unwrap_or_default(),
        unit,
        tags: p
            .tags
            .iter()
            .map(|t| lang.label(t.code(), t.label_zh()))
            .collect::<Vec<_>>()
            .join("、"),
        party: p
            .party
            .as_ref()
            .map(|x| {
                lang.label(x.category.code(), x.category.label_zh())
                    .to_string()
            })
            .unwrap_or_default(),
    }
}

/// Staff and auditors keep the register; liaisons and volunteers see only the appellants
/// of their own tasks, on those tasks.
fn may_see_people(s: &Session) -> bool {
    s.may(Capability::ManagePeople) || s.may(Capability::ReadMetrics)
}

/// The refusal of a role that may not see the register.
fn not_for_you(s: &Session) -> Failed {
    const ONLY_ON_TASKS: Msg = msg!(
        "appellants_on_tasks_only",
        "角色「{role}」只能在分派或转办给自己的诉求中看到诉求人",
        "The role “{role}” sees appellants only on the appeals assigned or referred to it",
    );
    let role = s.actor.role;
    let reason = Reason::new(&ONLY_ON_TASKS).with_words("role", role.label_zh(), role.label_en());
    UiError::Forbidden(reason).page(s.lang)
}

/// Person `id` as the reader may see them, or the page that says there is no such person.
async fn stored(state: &AppState, s: &Session, id: Id) -> Result<Person, Failed> {
    state
        .store
        .person(&s.actor, id)
        .await
        .map_err(fail(s.lang))?
        .ok_or_else(|| UiError::NotFound.page(s.lang))
}
