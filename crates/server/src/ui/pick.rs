//! Picking a person on a form (a hand-out's recipient, a grant's beneficiary, a wish's
//! maker, the audit's filter): the select of everyone in scope when the register is small,
//! else a search field that asks `POST /people/lookup` as one types and, without script,
//! is resolved by the server when the form is posted (one match is chosen; none or several
//! is said at the field). Every suggestion is labelled so that two 蒋子轩 are told apart
//! (name · masked phone · address, or the node when there is no address).

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use suqiu_core::access::{Actor, Capability};
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::person::Person;
use suqiu_core::validate::mask_phone;
use suqiu_core::Id;
use suqiu_store::people_search::Among;

use super::posted::{people_page, person_choices, PEOPLE_TO_PICK};
use super::view::{person_label, Choice, FieldErrors};
use super::{FormData, PostForm, Session, UiError};
use crate::read_audit;
use crate::state::AppState;

/// Suggestions offered while typing (and matches a posted search may name).
pub(crate) const SUGGESTIONS: i64 = 8;
/// The longest search text looked up.
const MAX_QUERY_CHARS: usize = 50;

/// A person picker as the `person_picker` macro of `fields.html` draws it (the default:
/// none, for a reader who may not pick).
#[derive(Default)]
pub(crate) struct PersonPick {
    /// Everyone in scope, when they fit a select (empty in search mode).
    pub choices: Vec<Choice>,
    /// Too many to list: a search field instead of the select.
    pub search: bool,
    /// The node whose subtree the search looks in ("" for the whole scope).
    pub org_unit: String,
    /// Whom the search offers ([`Among::code`]: "" for everyone).
    pub among: &'static str,
}

/// The picker of the people of `org_unit_id`'s subtree (default: everyone in scope) whom
/// `among` picks: a select when they are at most [`PEOPLE_TO_PICK`], else a search.
pub(crate) async fn person_pick(
    state: &AppState,
    actor: &Actor,
    (org_unit_id, among): (Option<Id>, Among),
) -> Result<PersonPick, UiError> {
    let page = people_page(state, actor, (org_unit_id, among)).await?;
    let search = page.total > PEOPLE_TO_PICK;
    Ok(PersonPick {
        choices: if search {
            Vec::new()
        } else {
            person_choices(&page.items)
        },
        search,
        org_unit: org_unit_id.map(|id| id.to_string()).unwrap_or_default(),
        among: among.code(),
    })
}

/// One person found, as the script shows it (the phone masked, whoever asks).
#[derive(Serialize)]
pub(crate) struct Suggestion {
    pub id: Id,
    pub label: String,
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// People as suggestions, each read recorded in the audit of reads first (the roles that
/// see personal data unmasked leave a row per person shown, naming `via`).
pub(crate) async fn suggestions(
    state: &AppState,
    actor: &Actor,
    people: &[Person],
    via: &str,
) -> Result<Vec<Suggestion>, UiError> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    read_audit::record(
        state,
        actor,
        read_audit::people(people.iter().map(|p| p.id)),
        via,
    )
    .await?;
    let units = unit_names(state).await?;
    Ok(people
        .iter()
        .map(|p| Suggestion {
            id: p.id,
            label: label(p, &units),
            name: p.name.clone(),
            phone: p.phone.as_deref().map(mask_phone).unwrap_or_default(),
            address: p.address.clone().unwrap_or_default(),
        })
        .collect())
}

/// The name of every node, by id.
pub(crate) async fn unit_names(state: &AppState) -> Result<HashMap<Id, String>, UiError> {
    Ok(state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// Masked phone and shortened address (`person_label`), so two 蒋子轩 differ; the node too
/// when there is no address to tell them by.
fn label(p: &Person, units: &HashMap<Id, String>) -> String {
    let mut label = person_label(p);
    if p.address.as_deref().is_none_or(|a| a.trim().is_empty()) {
        if let Some(unit) = units.get(&p.org_unit_id) {
            label.push_str(&format!(" · {unit}"));
        }
    }
    label
}

/// Who may look people up: those who keep or read the register, and whoever serves people
/// (a volunteer finds only the people assigned to it: the store's scope).
fn may_look_up(s: &Session) -> bool {
    [
        Capability::ManagePeople,
        Capability::ReadMetrics,
        Capability::LogVisit,
    ]
    .into_iter()
    .any(|c| s.may(c))
}

/// `POST /people/lookup` (`q`, optional `org_unit_id` and `among`): the intake's and the
/// pickers' type-ahead. A few people of the user's scope (only those `among` names: a
/// picker's filter narrows, never widens) matching every word typed (name, address or
/// phone digits), phones masked. A POST so names and phones never go into a URL (and the
/// CSRF token is checked).
pub(crate) async fn lookup(State(state): State<AppState>, post: PostForm) -> Response {
    let s = post.session;
    let q = post.form.get("q").unwrap_or("");
    let len = q.chars().count();
    if !(2..=MAX_QUERY_CHARS).contains(&len) || !may_look_up(&s) {
        return Json(Vec::<Suggestion>::new()).into_response();
    }
    let node = post.form.id("org_unit_id").ok().flatten();
    // An unknown filter finds no one rather than everyone.
    let Some(among) = Among::parse(post.form.get("among").unwrap_or("")) else {
        return Json(Vec::<Suggestion>::new()).into_response();
    };
    let found = match state
        .store
        .search_people(&s.actor, q, (node, among), SUGGESTIONS)
        .await
    {
        Ok(found) => found,
        Err(e) => return UiError::from(e).into_page(s.lang),
    };
    match suggestions(&state, &s.actor, &found, "lookup /people/lookup").await {
        Ok(items) => Json(items).into_response(),
        Err(e) => e.into_page(s.lang),
    }
}

/// A picker's search as posted: what `field` ends up holding, or why it cannot.
enum Resolved {
    /// Nothing to resolve: the id as posted (chosen from the select or the suggestions).
    Keep,
    /// The one person the search text found: their id and label.
    Found(Id, String),
    /// The search found none or several: what to tell the user at the field.
    Wrong(FieldError),
}

/// The search field of a picker named `field`.
pub(crate) fn search_field(field: &str) -> String {
    format!("{field}_q")
}

/// What a picker posted resolves to. A search text that is the label of the chosen id (the
/// script put both) keeps the id; any other text is searched, as the script would have.
async fn resolve(
    state: &AppState,
    actor: &Actor,
    (id, q): (Option<&str>, Option<&str>),
    from: (Option<Id>, Among),
) -> Result<Resolved, UiError> {
    let Some(q) = q.filter(|q| !q.is_empty()) else {
        return Ok(Resolved::Keep);
    };
    let units = unit_names(state).await?;
    if let Some(id) = id.and_then(|v| v.parse::<Id>().ok()) {
        if let Some(p) = state.store.person(actor, id).await? {
            if label(&p, &units) == q {
                return Ok(Resolved::Keep);
            }
        }
    }
    let q: String = q.chars().take(MAX_QUERY_CHARS).collect();
    let found = state
        .store
        .search_people(actor, &q, from, SUGGESTIONS + 1)
        .await?;
    let labels: Vec<String> = found.iter().map(|p| label(p, &units)).collect();
    read_audit::record(
        state,
        actor,
        read_audit::people(found.iter().map(|p| p.id)),
        "form person search",
    )
    .await?;
    Ok(match found.as_slice() {
        [] => Resolved::Wrong(
            FieldError::new(
                "",
                &msg!(
                    "person_not_found",
                    "没有找到“{q}”：请换用姓名、电话后四位或住址中的几个字",
                    "Nobody matches \"{q}\": try the name, the phone's last four digits or a few characters of the address"
                ),
            )
            .with("q", &q),
        ),
        [p] => Resolved::Found(p.id, labels[0].clone()),
        _ => {
            let shown: Vec<String> = labels.iter().take(SUGGESTIONS as usize).cloned().collect();
            let more = found.len() > SUGGESTIONS as usize;
            let msg = msg!(
                "person_ambiguous",
                "“{q}”相符的不止一位（{people}{more}）：请加上电话后四位或住址再找",
                "More than one person matches \"{q}\" ({people}{more}): add the phone's last four digits or the address"
            );
            let error = FieldError::new("", &msg).with("q", &q).with_words(
                "more",
                if more { "；…" } else { "" },
                if more { "; …" } else { "" },
            );
            Resolved::Wrong(error.with_words("people", &shown.join("；"), &shown.join("; ")))
        }
    })
}

/// A posted form whose picker `field` searched (`{field}_q`) without choosing: the one
/// person found is put in `field` (and their label in the search field, so the form shows
/// them chosen if it comes back); none or several leave `field` blank and say so at it
/// (after the form's own checks, see [`explain`]).
async fn resolve_form(
    state: &AppState,
    actor: &Actor,
    form: FormData,
    field: &str,
    from: (Option<Id>, Among),
) -> Result<(FormData, Option<FieldError>), UiError> {
    let q_field = search_field(field);
    let posted = (form.get(field), form.get(&q_field));
    match resolve(state, actor, posted, from).await? {
        Resolved::Keep => Ok((form, None)),
        Resolved::Found(id, label) => {
            let pairs = form
                .pairs()
                .iter()
                .filter(|(k, _)| k != field && *k != q_field)
                .cloned()
                .chain([
                    (field.to_string(), id.to_string()),
                    (q_field.clone(), label),
                ])
                .collect();
            Ok((FormData::new(pairs), None))
        }
        Resolved::Wrong(error) => {
            let pairs = form
                .pairs()
                .iter()
                .filter(|(k, _)| k != field)
                .cloned()
                .collect();
            Ok((FormData::new(pairs), Some(error)))
        }
    }
}

/// A posted form with a person picker at `field`, its search resolved ([`resolve_form`]),
/// then read by `read` with every error of the form at once, what the search found said
/// at `field` ([`explain`]).
pub(crate) async fn read_picked<B>(
    state: &AppState,
    actor: &Actor,
    (form, field): (FormData, &str),
    from: (Option<Id>, Among),
    read: impl FnOnce(&FormData) -> Result<B, FieldErrors>,
) -> Result<(FormData, Result<B, FieldErrors>), UiError> {
    let (form, searched) = resolve_form(state, actor, form, field, from).await?;
    let body = read(&form).map_err(|mut errors| {
        explain(&mut errors, field, searched);
        errors
    });
    Ok((form, body))
}

/// The search's message in place of the form's own at `field` ("choose someone"), which
/// the blank field also drew.
fn explain(errors: &mut FieldErrors, field: &str, error: Option<FieldError>) {
    let Some(error) = error else { return };
    errors.0.retain(|(f, _)| f != field);
    errors.push_error(&error.at(field));
}

/// [`resolve_form`] for a GET form's query (the audit's filter): the one person found is put
/// in `field`, none or several are said at it. Only the id goes into the page's links.
pub(crate) async fn resolve_query(
    state: &AppState,
    actor: &Actor,
    params: &mut HashMap<String, String>,
    field: &str,
    errors: &mut FieldErrors,
) -> Result<(), UiError> {
    let q_field = search_field(field);
    let posted = (
        params.get(field).map(|v| v.trim()),
        params.get(&q_field).map(|v| v.trim()),
    );
    match resolve(state, actor, posted, (None, Among::Everyone)).await? {
        // The script sent the id alone: show who it is.
        Resolved::Keep => {
            let id = params.get(field).and_then(|v| v.trim().parse::<Id>().ok());
            if let Some(p) = match id {
                Some(id) if posted.1.is_none_or(str::is_empty) => {
                    state.store.person(actor, id).await?
                }
                _ => None,
            } {
                params.insert(q_field, label(&p, &unit_names(state).await?));
            }
        }
        Resolved::Found(id, label) => {
            params.insert(field.to_string(), id.to_string());
            params.insert(q_field, label);
        }
        Resolved::Wrong(error) => {
            params.remove(field);
            errors.push_error(&error.at(field));
        }
    }
    Ok(())
}
