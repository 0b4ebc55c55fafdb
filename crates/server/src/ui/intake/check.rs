//! The preview the intake form shows before saving (`POST /appeals/new/check`, as JSON for
//! the form's script): the deadlines the appeal would get, recent appeals about the same
//! matter, and who on the register has the new appellant's phone.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use suqiu_core::appeal::{Kind, Urgency};
use suqiu_core::policy::deadlines;
use suqiu_core::validate::validate_phone;
use suqiu_store::similar::{NearDupQuery, SimilarQuery, Why};

use super::phone_owners;
use crate::state::AppState;
use crate::ui::appeals::summary;
use crate::ui::pick::Suggestion;
use crate::ui::view::{deadline_at, when};
use crate::ui::{FormData, PostForm, Session, UiError};

/// How far back the "same matter" warning looks.
const SIMILAR_DAYS: i64 = 30;

#[derive(Serialize)]
struct CheckOut {
    respond_by: Option<String>,
    resolve_by: Option<String>,
    similar: Vec<SimilarOut>,
    /// Who on the register has the new appellant's phone (see `confirm_phone`).
    phone_owners: Vec<Suggestion>,
    labels: CheckLabels,
}

#[derive(Serialize)]
struct CheckLabels {
    respond_by: &'static str,
    resolve_by: &'static str,
    none: &'static str,
    hint: &'static str,
    similar: &'static str,
    phone_known: &'static str,
    use_person: &'static str,
    new_anyway: &'static str,
    colon: &'static str,
}

#[derive(Serialize)]
struct SimilarOut {
    id: i64,
    code: String,
    summary: String,
    when: String,
    why: &'static str,
    status: &'static str,
}

/// The deadlines the form's kind, urgency and category would give, as people read them.
fn preview_deadlines(
    state: &AppState,
    f: &FormData,
    now: DateTime<Utc>,
) -> (Option<String>, Option<String>) {
    let kind = f.get("kind").and_then(Kind::parse);
    let urgency = f
        .get("urgency")
        .and_then(Urgency::parse)
        .unwrap_or(Urgency::Normal);
    let category = f.get("category").unwrap_or("");
    match kind {
        Some(kind) if !category.is_empty() => {
            let (respond, resolve) = {
                let policy = state.policy();
                let calendar = state.calendar();
                deadlines(&policy, &calendar, kind, urgency, category, now)
            };
            (Some(deadline_at(respond)), resolve.map(deadline_at))
        }
        _ => (None, None),
    }
}

/// Recent appeals like the one being typed: the same person (by register or phone) or the
/// same place, in the same category; then those that read as the same problem whoever
/// raised them (the near-duplicate finder), each once.
async fn similar_recent(
    state: &AppState,
    s: &Session,
    f: &FormData,
    now: DateTime<Utc>,
) -> Result<Vec<SimilarOut>, suqiu_store::StoreError> {
    let mut found = same_person_or_place(state, s, f, now).await?;
    let q = NearDupQuery {
        title: f.get("title").map(str::to_string),
        content: f.get("content").unwrap_or("").to_string(),
        location: f.get("location").map(str::to_string),
        since: now - TimeDelta::days(SIMILAR_DAYS),
    };
    let lang = s.lang;
    for d in state.store.near_duplicates(&s.actor, &q).await? {
        if found.iter().any(|o| o.id == d.appeal.id) {
            continue;
        }
        let why = match d.why {
            Why::SameText => "intake.similar_same_text",
            Why::SimilarText => "intake.similar_text",
            Why::SamePlace => "intake.similar_text_place",
        };
        let a = d.appeal;
        found.push(SimilarOut {
            id: a.id,
            code: a.tracking_code,
            summary: summary(a.title.as_deref(), &a.content),
            when: when(a.created_at),
            why: lang.t(why),
            status: lang.label(a.status.code(), a.status.label_zh()),
        });
    }
    Ok(found)
}

/// The same person (by register or phone) or the same place, in the same category.
async fn same_person_or_place(
    state: &AppState,
    s: &Session,
    f: &FormData,
    now: DateTime<Utc>,
) -> Result<Vec<SimilarOut>, suqiu_store::StoreError> {
    let lang = s.lang;
    let category = f.get("category").unwrap_or("").to_string();
    if category.is_empty() {
        return Ok(Vec::new());
    }
    let person_id = match f.get("mode") {
        Some("person") => f.id("appellant_id").ok().flatten(),
        _ => None,
    };
    // A registered person's own phone also finds appeals they raised before registering.
    let mut phone = match f.get("mode") {
        Some("named") | None => f
            .get("appellant.phone")
            .and_then(|p| validate_phone(p).ok()),
        _ => None,
    };
    if let Some(id) = person_id {
        if let Ok(Some(p)) = state.store.person(&s.actor, id).await {
            phone = p.phone;
        }
    }
    let q = SimilarQuery {
        person_id,
        phone,
        location: f.get("location").map(str::to_string),
        category,
        since: now - TimeDelta::days(SIMILAR_DAYS),
    };
    let found = state.store.similar_recent(&s.actor, &q).await?;
    Ok(found
        .into_iter()
        .map(|a| SimilarOut {
            id: a.id,
            code: a.tracking_code,
            summary: summary(a.title.as_deref(), &a.content),
            when: when(a.created_at),
            why: if a.same_person {
                lang.t("intake.similar_person")
            } else {
                lang.t("intake.similar_place")
            },
            status: lang.label(a.status.code(), a.status.label_zh()),
        })
        .collect())
}

/// The preview the form shows before saving: deadlines, and similar recent appeals.
pub(crate) async fn check(State(state): State<AppState>, post: PostForm) -> Response {
    let s = post.session;
    let f = post.form;
    let lang = s.lang;
    let now = state.now();
    let (respond_by, resolve_by) = preview_deadlines(&state, &f, now);
    let similar = match similar_recent(&state, &s, &f, now).await {
        Ok(found) => found,
        Err(e) => return UiError::from(e).into_page(lang),
    };
    let phone_owners = match f.get("mode") {
        Some("named") | None => {
            let phone = f.get("appellant.phone").unwrap_or("");
            match phone_owners(&state, &s.actor, phone, "lookup /appeals/new/check").await {
                Ok(owners) => owners,
                Err(e) => return e.into_page(lang),
            }
        }
        _ => Vec::new(),
    };
    Json(CheckOut {
        respond_by,
        resolve_by,
        similar,
        phone_owners,
        labels: CheckLabels {
            respond_by: lang.t("f.respond_by"),
            resolve_by: lang.t("f.resolve_by"),
            none: lang.t("time.none"),
            hint: lang.t("intake.deadlines_hint"),
            similar: lang.t("intake.similar"),
            phone_known: lang.t("intake.phone_known"),
            use_person: lang.t("intake.use_person"),
            new_anyway: lang.t("intake.new_anyway"),
            colon: lang.t("punct.colon"),
        },
    })
    .into_response()
}
