//! 诉求详情: every field, the deadlines with time left or overdue, the timeline (who, when,
//! what, why), and a small form for each action this user may take now — only those, as
//! core's `available_actions` says. A form posts to `/appeals/{id}/act`, which reads the
//! fields exactly as the JSON API does (the same parser, the same action path); a refused
//! form comes back open with every error beside its field, a done one says so (a flash).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::TimeDelta;
use serde_json::{Map, Value};
use suqiu_core::access::{ActionKind, Role};
use suqiu_core::appeal::{Appellant, Extension, FeedbackChannel, Resolution, Satisfaction, Status};
use suqiu_core::category::check_sortable;
use suqiu_core::lifecycle::EventBody;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::Id;
use suqiu_store::appeals::{AppealRecord, StoredEvent};
use suqiu_store::similar::SimilarQuery;

use super::appeals::{appellant_email, appellant_name, appellant_phone, category_label, summary};
use super::i18n::Lang;
use super::view::{deadline_at, vocabulary_choices, when, Choice, Chrome, Deadline, FieldErrors};
use super::{fail, render, saved, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::app::appeals::{act_on, actions_for, referral_targets};
use crate::problem::Problem;
use crate::routes::appeals::{parse_command, resolve_merge_code};
use crate::state::AppState;

mod actions;
mod reply;
mod timeline;

pub(crate) use actions::act;
use actions::*;
pub(crate) use reply::post as post_reply;
use timeline::*;

#[derive(Template)]
#[template(path = "detail.html")]
struct DetailPage {
    c: Chrome,
    id: i64,
    code: String,
    badge: super::badge::StatusBadge,
    facts: Vec<(&'static str, String)>,
    title: String,
    content: String,
    respond_by: Deadline,
    resolve_by: Option<Deadline>,
    /// Which deadline is the one being worked against now (`respond`, `resolve`, or "").
    current: &'static str,
    timeline: Vec<Entry>,
    actions: Vec<ActionForm>,
    /// Choices for the action forms.
    users: Vec<Choice>,
    teams: Vec<Choice>,
    /// The departments this appeal may be referred to, by the node they belong to.
    referral: Vec<OptionGroup>,
    /// Earlier appeals about the same matter, offered as merge targets (value: the code).
    merge_candidates: Vec<Choice>,
    /// The categories it may be sorted into, by first level.
    categories: Vec<OptionGroup>,
    resolutions: Vec<Choice>,
    feedback_channels: Vec<Choice>,
    satisfactions: Vec<Choice>,
    extension_days: String,
    /// The message of a failed action that has no form here (no longer allowed, say).
    error: String,
    /// The 公开答复 card.
    reply: reply::ReplyPanel,
    /// The photos the appellant sent (shown through the audited `/appeals/{id}/photos/{seq}`).
    photos: Vec<suqiu_store::public::PhotoInfo>,
    /// The problem it belongs to, and the appeals that may be the same problem.
    problem_card: super::problems::ProblemCard,
}

/// Renders the page; `failed` is the action whose form just failed, `reply_failed` the
/// public reply's.
async fn detail_page(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    failed: Option<Failure>,
    reply_failed: Option<reply::ReplyFailure>,
) -> Result<DetailPage, UiError> {
    let lang = s.lang;
    let now = state.now();
    let a = &rec.appeal;
    let cats = crate::app::appeals::category_names(state, lang == Lang::En).await?;
    let events = state.store.events(a.id).await?;
    let all_units = state.store.org_units().await?;
    let allowed = actions_for(state, &s.actor, rec, now);
    let choices = Choices::for_actions(state, s, rec, (&allowed, &all_units)).await?;
    let names = names(state, s, rec, &events, &all_units).await?;
    let timeline = events.iter().map(|e| entry(lang, e, &names)).collect();
    let current = match a.status {
        Status::Registered => "respond",
        st if st.is_open() => "resolve",
        _ => "",
    };
    let extension_days = match &a.extension {
        Extension::Requested { days, .. } => days.to_string(),
        _ => String::new(),
    };
    let error = top_error(failed.as_ref(), &allowed);
    let reply = reply::panel(state, s, rec, reply_failed).await?;
    let photos = state.store.appeal_photos(a.id).await?;
    Ok(DetailPage {
        c: s.chrome("appeals"),
        id: a.id,
        code: a.tracking_code.clone(),
        badge: super::badge::status_badge(lang, a, now),
        facts: facts(s, rec, &cats, &names),
        title: a.title.clone().unwrap_or_default(),
        content: a.content.clone(),
        respond_by: Deadline::new(lang, a.respond_by, now),
        resolve_by: a.resolve_by.map(|d| Deadline::new(lang, d, now)),
        current,
        timeline,
        actions: action_forms(
            lang,
            &allowed,
            failed.as_ref(),
            a.category == suqiu_core::category::UNSORTED,
        ),
        users: choices.users,
        teams: choices.teams,
        referral: choices.referral,
        merge_candidates: choices.merge_candidates,
        categories: choices.categories,
        resolutions: vocabulary_choices(
            lang,
            Resolution::ALL,
            Resolution::code,
            Resolution::label_zh,
            "",
        ),
        feedback_channels: vocabulary_choices(
            lang,
            FeedbackChannel::ALL,
            FeedbackChannel::code,
            FeedbackChannel::label_zh,
            "",
        ),
        satisfactions: vocabulary_choices(
            lang,
            Satisfaction::ALL,
            Satisfaction::code,
            Satisfaction::label_zh,
            "",
        ),
        extension_days,
        error,
        reply,
        photos,
        problem_card: super::problems::card(state, s, rec).await?,
    })
}

/// The facts beside the content: what, where, who, and how far it has come.
fn facts(
    s: &Session,
    rec: &AppealRecord,
    cats: &HashMap<String, String>,
    names: &Names,
) -> Vec<(&'static str, String)> {
    let lang = s.lang;
    let a = &rec.appeal;
    let mut facts: Vec<(&'static str, String)> = vec![
        (
            "f.kind",
            lang.label(a.kind.code(), a.kind.label_zh()).into(),
        ),
        ("f.category", category_label(cats, &a.category)),
        (
            "f.urgency",
            lang.label(a.urgency.code(), a.urgency.label_zh()).into(),
        ),
        (
            "f.channel",
            lang.label(a.channel.code(), a.channel.label_zh()).into(),
        ),
        ("f.org_unit", rec.org_unit_name.clone()),
        ("f.handling", rec.handling_org_unit_name.clone()),
        ("f.appellant", appellant_name(lang, rec)),
    ];
    if let Some(phone) = appellant_phone(&s.actor, rec) {
        facts.push(("f.phone", phone));
    }
    if let Some(email) = appellant_email(&s.actor, rec) {
        facts.push(("f.email", email));
    }
    if let Some(l) = &a.location {
        facts.push(("f.location", l.clone()));
    }
    if let Some(n) = &rec.assignee_name {
        facts.push(("f.assignee", n.clone()));
    }
    if let Some(n) = &rec.team_name {
        facts.push(("f.assignee", n.clone()));
    }
    if let Some(n) = &rec.department_name {
        facts.push(("f.department", n.clone()));
    }
    facts.push(("f.created_at", when(a.created_at)));
    if let Some(r) = a.resolution {
        facts.push(("f.resolution", lang.label(r.code(), r.label_zh()).into()));
    }
    if let Some(sat) = a.satisfaction {
        facts.push((
            "f.satisfaction",
            lang.label(sat.code(), sat.label_zh()).into(),
        ));
    }
    if let Some(fact) = extension_fact(lang, &a.extension) {
        facts.push(fact);
    }
    if a.reopen_count > 0 {
        facts.push(("detail.reopened", a.reopen_count.to_string()));
    }
    if let Some(m) = a.merged_into {
        facts.push(("detail.merged_into", names.appeal(lang, m)));
    }
    if let Some(at) = a.spam_at {
        facts.push(("detail.spam_at", when(at)));
    }
    facts.push((
        "f.public_consent",
        if a.public_consent {
            lang.t("f.yes")
        } else {
            lang.t("f.no")
        }
        .into(),
    ));

    facts
}

/// Where an extension stands (asked, granted, refused, with its days), if one was asked.
fn extension_fact(lang: Lang, extension: &Extension) -> Option<(&'static str, String)> {
    let (key, days) = match extension {
        Extension::None => return None,
        Extension::Requested { days, .. } => ("detail.extension_requested", days),
        Extension::Approved { days } => ("detail.extension_approved", days),
        Extension::Denied { days } => ("detail.extension_denied", days),
    };
    let said = format!(
        "{}{}{days}{}",
        lang.t(key),
        lang.t("punct.lparen"),
        lang.t("punct.rparen")
    );
    Some(("detail.extension", said))
}

/// The page again after a refused post (`status`: 403, 409 or 422), the action form or the
/// public reply's card that failed open with its errors and what was typed.
async fn refused(
    state: &AppState,
    s: &Session,
    id: i64,
    (failed, reply_failed): (Option<Failure>, Option<reply::ReplyFailure>),
    status: StatusCode,
) -> PageResult {
    let lang = s.lang;
    let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
    let page = detail_page(state, s, &rec, failed, reply_failed)
        .await
        .map_err(fail(lang))?;
    let mut res = render(lang, &page)?;
    *res.status_mut() = status;
    Ok(res)
}

pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
) -> PageResult {
    let lang = s.lang;
    let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
    crate::read_audit::record(
        &state,
        &s.actor,
        crate::read_audit::appeals([&rec]),
        "page /appeals/{id}",
    )
    .await
    .map_err(fail(lang))?;
    let page = detail_page(&state, &s, &rec, None, None)
        .await
        .map_err(fail(lang))?;
    render(lang, &page)
}

/// `GET /appeals/{id}/photos/{seq}`: one photo the appellant sent, for whoever may read the
/// appeal (404 otherwise); every read recorded (`app::public::photo`).
pub(crate) async fn photo(
    State(state): State<AppState>,
    s: Session,
    axum::extract::Path((id, seq)): axum::extract::Path<(i64, i64)>,
) -> PageResult {
    let via = "page /appeals/{id}/photos/{seq}";
    let bytes = crate::app::public::photo(&state, &s.actor, (id, seq), via)
        .await
        .map_err(fail(s.lang))?;
    Ok(crate::photos::jpeg_response(bytes))
}
