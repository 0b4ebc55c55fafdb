//! The person form posted: a new person registered, a person changed, or the form again
//! with what to fix beside each field.

use axum::extract::State;
use axum::response::Response;
use suqiu_core::access::Capability;
use suqiu_core::msg;
use suqiu_core::person::{Gender, Person};

use super::draft::{text, Draft};
use super::page::person_page;
use super::stored;
use crate::problem::Problem;
use crate::routes::people::{create_person, update_person};
use crate::routes::people::{PersonIn, PersonPatch};
use crate::state::AppState;
use crate::ui::posted::Posted;
use crate::ui::view::FieldErrors;
use crate::ui::{
    fail, render, saved, Flash, FormData, PageId, PageResult, PostForm, Session, UiError,
};
use suqiu_core::access::deed;

pub(crate) async fn new_form(State(state): State<AppState>, s: Session) -> PageResult {
    if !s.may(Capability::ManagePeople) {
        return Err(UiError::Forbidden(s.actor.may_not(&deed::MANAGE_PEOPLE)).page(s.lang));
    }
    let d = Draft {
        org_unit_id: s.actor.org_unit_id.to_string(),
        ..Draft::default()
    };
    let page = person_page(&state, &s, None, d, Posted::none())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// A failed form again, with the messages beside the fields and the input kept.
async fn again(
    state: &AppState,
    s: &Session,
    person: Option<&Person>,
    f: &FormData,
    errors: FieldErrors,
) -> PageResult {
    let reveal = s.may(Capability::SeePersonalData);
    let d = person.map(|p| Draft::shown(p, reveal)).unwrap_or_default();
    let posted = Posted::refused("person", f.clone(), errors);
    let page = person_page(state, s, person, d, posted)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// What a saved person says, and the next step: the register, or a visit for the person.
fn person_saved(state: &AppState, key: &str, p: &Person) -> Response {
    let flash = Flash::new(key)
        .detail(p.name.clone())
        .next(&format!("/visits/new?person={}", p.id), "care.visit");
    saved(state, &format!("/people/{}", p.id), flash)
}

fn is_form_problem(p: &Problem) -> bool {
    matches!(p.status, 400 | 422)
}

pub(crate) async fn create(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let d = Draft::from_form(&post.form);
    let mut errors = FieldErrors::new(s.lang);
    let org_unit_id = match d.org_unit_id.trim().parse::<i64>() {
        Ok(id) => id,
        Err(_) => {
            errors.push(
                "org_unit_id",
                &msg!("unit_pick", "请选择所属节点", "Choose the unit"),
            );
            0
        }
    };
    let body = PersonIn {
        name: d.name.clone(),
        phone: text(&d.phone),
        id_number: text(&d.id_number),
        gender: Gender::parse(d.gender.trim()),
        birth_date: d.birth_date(&mut errors),
        org_unit_id,
        address: text(&d.address),
        tags: d.tags.clone(),
        party: d.party(&mut errors),
    };
    if errors.any() {
        return again(&state, &s, None, &post.form, errors).await;
    }
    match create_person(&state, &s.actor, body).await {
        Ok(p) => Ok(person_saved(&state, "flash.person_created", &p)),
        Err(p) if is_form_problem(&p) => {
            again(
                &state,
                &s,
                None,
                &post.form,
                FieldErrors::from_problem(&p, s.lang),
            )
            .await
        }
        Err(p) => Err(UiError::from(p).page(s.lang)),
    }
}

pub(crate) async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let person = stored(&state, &s, id).await?;
    let d = Draft::from_form(&post.form);
    let mut errors = FieldErrors::new(lang);
    let reveal = s.may(Capability::SeePersonalData);
    let patch = PersonPatch {
        name: Some(d.name.clone()),
        // Roles that see masked numbers get no such fields: the stored ones stay.
        phone: reveal.then(|| text(&d.phone)),
        id_number: reveal.then(|| text(&d.id_number)),
        gender: Some(Gender::parse(d.gender.trim())),
        birth_date: Some(d.birth_date(&mut errors)),
        org_unit_id: d.org_unit_id.trim().parse::<i64>().ok(),
        address: Some(text(&d.address)),
        tags: Some(d.tags.clone()),
        party: Some(d.party(&mut errors)),
    };
    if errors.any() {
        return again(&state, &s, Some(&person), &post.form, errors).await;
    }
    match update_person(&state, &s.actor, id, patch).await {
        Ok(p) => Ok(person_saved(&state, "flash.person_updated", &p)),
        Err(p) if is_form_problem(&p) => {
            let errors = FieldErrors::from_problem(&p, lang);
            again(&state, &s, Some(&person), &post.form, errors).await
        }
        Err(p) => Err(UiError::from(p).page(lang)),
    }
}
