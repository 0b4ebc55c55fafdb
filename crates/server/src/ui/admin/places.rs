//! `/admin/org/{id}/places`: a community's place names (地名: its estates, roads and
//! landmarks), which let a resident's typed address find the community (`app::gazetteer`).
//! One name a line, so a list can be pasted at once; saving replaces the list (a line taken
//! out is a name removed). The district edits them, as it edits the organization.

use askama::Template;
use axum::extract::State;

use super::{again, done};
use crate::app::gazetteer::{places, set_places, NAMES};
use crate::app::AppError;
use crate::problem::Problem;
use crate::state::AppState;
use crate::ui::view::{Chrome, FieldErrors};
use crate::ui::{fail, render, PageId, PageResult, PostForm, Session, UiError};

#[derive(Template)]
#[template(path = "admin_places.html")]
struct PlacesPage {
    c: Chrome,
    id: i64,
    /// The community's name.
    name: String,
    /// The names one a line, as kept (or as typed when the save failed).
    names: String,
    count: usize,
    errors: FieldErrors,
}

fn page_of(s: &Session, id: i64, name: String, names: String, errors: FieldErrors) -> PlacesPage {
    PlacesPage {
        c: s.chrome("admin_org"),
        id,
        name,
        count: names.lines().filter(|l| !l.trim().is_empty()).count(),
        names,
        errors,
    }
}

/// `GET /admin/org/{id}/places`.
pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
) -> PageResult {
    let (unit, names) = places(&state, &s.actor, id)
        .await
        .map_err(|e| UiError::from(e).page(s.lang))?;
    let page = page_of(
        &s,
        unit.id,
        unit.name,
        names.join("\n"),
        FieldErrors::new(s.lang),
    );
    render(s.lang, &page)
}

/// `POST /admin/org/{id}/places`: saves the list, or shows it again with each faulty line
/// named and everything typed kept.
pub(crate) async fn save(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let typed = post.form.raw(NAMES);
    let lines: Vec<&str> = typed.lines().collect();
    match set_places(&state, &s.actor, id, &lines).await {
        Ok((unit, names)) => {
            let detail = format!("{}（{}）", unit.name, names.len());
            let to = format!("/admin/org/{}/places", unit.id);
            Ok(done(&state, &to, "flash.admin_places", &detail))
        }
        Err(AppError::Invalid(errors)) => {
            let (unit, _) = places(&state, &s.actor, id).await.map_err(fail(s.lang))?;
            let errors = FieldErrors::from_problem(&Problem::invalid(errors), s.lang);
            again(&s, &page_of(&s, unit.id, unit.name, typed, errors))
        }
        Err(e) => Err(UiError::from(e).page(s.lang)),
    }
}
