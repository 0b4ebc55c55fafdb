//! 诉求详情: every field, the deadlines with time left or overdue, the timeline (who, when,
//! what, why), and a small form for each action this user may take now — only those, as
//! core's `available_actions` says. A form posts to `/appeals/{id}/act`, which reads the
//! fields exactly as the JSON API does (the same parser, the same action path).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Map, Value};
use suqiu_core::access::{ActionKind, Role};
use suqiu_core::appeal::{Extension, FeedbackChannel, Resolution, Satisfaction};
use suqiu_core::lifecycle::EventBody;
use suqiu_core::org::in_subtree;
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;

use super::appeals::{
    appellant_email, appellant_name, appellant_phone, category_label, category_names,
};
use super::i18n::Lang;
use super::view::{deadline_at, vocabulary_choices, when, Choice, Chrome, Deadline};
use super::{fail, render, see_other, PageId, PageResult, PostForm, Session, UiError};
use crate::problem::Problem;
use crate::routes::appeals::{act_on, actions_for, parse_command};
use crate::state::AppState;

/// One timeline entry as shown.
struct Entry {
    what: &'static str,
    who: String,
    at: String,
    details: Vec<String>,
    why: String,
}

/// One action form: which action, its label, and the error of its last try (if it failed)
/// with what was typed into it then (kept, so nothing has to be typed twice).
struct ActionForm {
    code: &'static str,
    label: &'static str,
    error: String,
    note: String,
    reason: String,
    days: String,
    into: String,
}

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
    departments: Vec<Choice>,
    resolutions: Vec<Choice>,
    feedback_channels: Vec<Choice>,
    satisfactions: Vec<Choice>,
    extension_days: String,
    done: bool,
    /// The message of a failed action that has no form here (no longer allowed, say).
    error: String,
}

/// The label of an event type in `lang`.
fn event_label(lang: Lang, body: &EventBody) -> &'static str {
    match body {
        EventBody::Registered { .. } => match lang {
            Lang::Zh => "登记",
            Lang::En => "Registered",
        },
        EventBody::Overdue { .. } => match lang {
            Lang::Zh => "超期",
            Lang::En => "Overdue",
        },
        other => {
            let code = other.type_name();
            match ActionKind::parse(code) {
                Some(a) => lang.label(a.code(), a.label_zh()),
                None => "?",
            }
        }
    }
}

/// Names the timeline refers to by id.
struct Names {
    units: HashMap<Id, String>,
    departments: HashMap<Id, String>,
    users: HashMap<Id, String>,
    teams: HashMap<Id, String>,
}

impl Names {
    fn of(map: &HashMap<Id, String>, id: Id) -> String {
        map.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }
}

fn entry(lang: Lang, e: &suqiu_store::appeals::StoredEvent, n: &Names) -> Entry {
    let mut details = Vec::new();
    let mut why = String::new();
    let label = |code: &str, zh: &'static str| lang.label(code, zh).to_string();
    match &e.body {
        EventBody::Registered {
            channel,
            kind,
            urgency,
            ..
        } => {
            details.push(label(channel.code(), channel.label_zh()));
            details.push(label(kind.code(), kind.label_zh()));
            details.push(label(urgency.code(), urgency.label_zh()));
        }
        EventBody::Accept { note } => why = note.clone().unwrap_or_default(),
        EventBody::Assign {
            user_id,
            team_id,
            note,
        } => {
            if let Some(u) = user_id {
                details.push(format!("→ {}", Names::of(&n.users, *u)));
            }
            if let Some(t) = team_id {
                details.push(format!("→ {}", Names::of(&n.teams, *t)));
            }
            why = note.clone().unwrap_or_default();
        }
        EventBody::Refer {
            department_id,
            note,
        } => {
            details.push(format!("→ {}", Names::of(&n.departments, *department_id)));
            why = note.clone();
        }
        EventBody::Escalate {
            to_org_unit_id,
            note,
            ..
        } => {
            details.push(format!("→ {}", Names::of(&n.units, *to_org_unit_id)));
            why = note.clone();
        }
        EventBody::Return { note, .. }
        | EventBody::Progress { note }
        | EventBody::Reopen { note, .. }
        | EventBody::Supervise { note } => why = note.clone(),
        EventBody::Extend { days, reason } => {
            details.push(format!("+{days} {}", lang.t("admin.working_days")));
            why = reason.clone();
        }
        EventBody::ExtendApprove {
            approve,
            reason,
            resolve_by,
        } => {
            details.push(
                if *approve {
                    lang.t("act.approve")
                } else {
                    lang.t("act.deny")
                }
                .to_string(),
            );
            // The new limit, written as the notice to the requester writes it.
            if let Some(by) = resolve_by {
                details.push(format!("→ {}", deadline_at(*by)));
            }
            why = reason.clone().unwrap_or_default();
        }
        EventBody::Resolve { resolution, note } => {
            details.push(label(resolution.code(), resolution.label_zh()));
            why = note.clone();
        }
        EventBody::Feedback { channel, note } => {
            details.push(label(channel.code(), channel.label_zh()));
            why = note.clone();
        }
        EventBody::FollowUp {
            satisfaction,
            solved,
            note,
            ..
        } => {
            details.push(label(satisfaction.code(), satisfaction.label_zh()));
            if let Some(solved) = solved {
                details.push(format!(
                    "{}{}",
                    lang.t("f.resolution"),
                    if *solved {
                        format!("{}{}", lang.t("punct.colon"), label("solved", "已解决"))
                    } else {
                        format!("{}{}", lang.t("punct.colon"), lang.t("f.no"))
                    }
                ));
            }
            why = note.clone().unwrap_or_default();
        }
        EventBody::Reject { reason } | EventBody::Suspend { reason } => why = reason.clone(),
        EventBody::Resume {
            note, resolve_by, ..
        } => {
            if let Some(by) = resolve_by {
                details.push(format!("→ {}", deadline_at(*by)));
            }
            why = note.clone().unwrap_or_default();
        }
        EventBody::Overdue { deadline, due } => {
            details.push(label(deadline.code(), deadline.label_zh()));
            details.push(deadline_at(*due));
        }
        EventBody::Merge { into_appeal_id } => details.push(format!("→ #{into_appeal_id}")),
    }
    Entry {
        what: event_label(lang, &e.body),
        // The deadline watch records as the system, which is no user.
        who: if e.actor_id == suqiu_core::watch::SYSTEM_ACTOR_ID {
            match lang {
                Lang::Zh => "系统".to_string(),
                Lang::En => "System".to_string(),
            }
        } else {
            e.actor_name.clone()
        },
        at: when(e.at),
        details,
        why,
    }
}

/// An action form that failed: which action (if it was one), why, and what was typed.
struct Failure {
    action: Option<ActionKind>,
    message: String,
    form: super::FormData,
}

/// Renders the page; `failed` is the action whose form just failed.
async fn detail_page(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    failed: Option<Failure>,
    done: bool,
) -> Result<DetailPage, UiError> {
    let lang = s.lang;
    let now = state.now();
    let a = &rec.appeal;
    let cats = category_names(state, lang).await?;
    let events = state.store.events(a.id).await?;
    let all_units = state.store.org_units().await?;
    let units: HashMap<Id, String> = all_units.iter().map(|u| (u.id, u.name.clone())).collect();
    let departments = state.store.departments().await?;
    let allowed = actions_for(state, &s.actor, rec, now);

    // People the appeal can be assigned to: accounts at the handling unit or below.
    let mut users = Vec::new();
    let mut teams = Vec::new();
    if allowed.contains(&ActionKind::Assign) {
        let paths: HashMap<Id, &str> = all_units.iter().map(|u| (u.id, u.path.as_str())).collect();
        for u in state.store.users_in_scope(&s.actor).await? {
            let fits = paths
                .get(&u.org_unit_id)
                .is_some_and(|p| in_subtree(&rec.place.handling_path, p));
            if fits && u.role != Role::Auditor {
                let role = lang.label(u.role.code(), u.role.label_zh());
                users.push(Choice::new(
                    u.id.to_string(),
                    format!(
                        "{}{}{role}{}",
                        u.display_name,
                        lang.t("punct.lparen"),
                        lang.t("punct.rparen")
                    ),
                    "",
                ));
            }
        }
        for t in state.store.teams(a.handling_org_unit_id).await? {
            teams.push(Choice::new(t.id.to_string(), t.name, ""));
        }
    }
    let mut user_names = HashMap::new();
    let mut team_names = HashMap::new();
    for e in &events {
        if let EventBody::Assign {
            user_id, team_id, ..
        } = &e.body
        {
            if let Some(id) = user_id {
                if let Some(u) = state.store.user(*id).await? {
                    user_names.insert(*id, u.display_name);
                }
            }
            if let Some(id) = team_id {
                if let Some(t) = state.store.team(*id).await? {
                    team_names.insert(*id, t.name);
                }
            }
        }
    }
    let names = Names {
        units,
        departments: departments.iter().map(|d| (d.id, d.name.clone())).collect(),
        users: user_names,
        teams: team_names,
    };
    let timeline = events.iter().map(|e| entry(lang, e, &names)).collect();

    let mut facts: Vec<(&'static str, String)> = vec![
        (
            "f.kind",
            lang.label(a.kind.code(), a.kind.label_zh()).into(),
        ),
        ("f.category", category_label(&cats, &a.category)),
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
    match &a.extension {
        Extension::None => {}
        Extension::Requested { days, .. } => facts.push((
            "detail.extension",
            format!(
                "{}{}{days}{}",
                lang.t("detail.extension_requested"),
                lang.t("punct.lparen"),
                lang.t("punct.rparen")
            ),
        )),
        Extension::Approved { days } => facts.push((
            "detail.extension",
            format!(
                "{}{}{days}{}",
                lang.t("detail.extension_approved"),
                lang.t("punct.lparen"),
                lang.t("punct.rparen")
            ),
        )),
        Extension::Denied { days } => facts.push((
            "detail.extension",
            format!(
                "{}{}{days}{}",
                lang.t("detail.extension_denied"),
                lang.t("punct.lparen"),
                lang.t("punct.rparen")
            ),
        )),
    }
    if a.reopen_count > 0 {
        facts.push(("detail.reopened", a.reopen_count.to_string()));
    }
    if let Some(m) = a.merged_into {
        facts.push(("detail.merged_into", format!("#{m}")));
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
    let current = match a.status {
        suqiu_core::appeal::Status::Registered => "respond",
        s if s.is_open() => "resolve",
        _ => "",
    };
    let extension_days = match &a.extension {
        Extension::Requested { days, .. } => days.to_string(),
        _ => String::new(),
    };
    let error = match &failed {
        // An unknown action, or one with no form here, still gets its message: at the top.
        Some(f) if !f.action.is_some_and(|a| allowed.contains(&a)) => f.message.clone(),
        _ => String::new(),
    };
    Ok(DetailPage {
        c: s.chrome("appeals"),
        id: a.id,
        code: a.tracking_code.clone(),
        badge: super::badge::status_badge(lang, a, now),
        facts,
        title: a.title.clone().unwrap_or_default(),
        content: a.content.clone(),
        respond_by: Deadline::new(lang, a.respond_by, now),
        resolve_by: a.resolve_by.map(|d| Deadline::new(lang, d, now)),
        current,
        timeline,
        actions: allowed
            .iter()
            .map(|k| {
                let failure = failed.as_ref().filter(|f| f.action == Some(*k));
                let typed = |key: &str| failure.map(|f| f.form.raw(key)).unwrap_or_default();
                ActionForm {
                    code: k.code(),
                    label: lang.label(k.code(), k.label_zh()),
                    error: failure.map(|f| f.message.clone()).unwrap_or_default(),
                    note: typed("note"),
                    reason: typed("reason"),
                    days: typed("days"),
                    into: typed("into_appeal_id"),
                }
            })
            .collect(),
        users,
        teams,
        departments: departments
            .iter()
            .filter(|d| a.department_id != Some(d.id))
            .map(|d| Choice::new(d.id.to_string(), d.name.clone(), ""))
            .collect(),
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
        done,
        error,
    })
}

pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
    params: crate::extract::Params,
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
    let done = params.str("done").is_some();
    let page = detail_page(&state, &s, &rec, None, done)
        .await
        .map_err(fail(lang))?;
    render(lang, &page)
}

/// Fields the action forms send as numbers or booleans in the JSON body.
const NUMBERS: &[&str] = &[
    "user_id",
    "team_id",
    "department_id",
    "days",
    "into_appeal_id",
];
const BOOLEANS: &[&str] = &["approve", "solved", "reopen"];

/// The form as the JSON body of the API's action endpoint: blank fields are left out,
/// numbers and booleans typed (a value that does not parse stays a string, so the API's
/// parser names the field).
fn action_body(form: &super::FormData) -> Value {
    let mut obj = Map::new();
    let keys = [
        "action",
        "note",
        "user_id",
        "team_id",
        "department_id",
        "days",
        "reason",
        "approve",
        "resolution",
        "channel",
        "satisfaction",
        "solved",
        "reopen",
        "into_appeal_id",
    ];
    for key in keys {
        let Some(v) = form.get(key) else { continue };
        let value = if NUMBERS.contains(&key) {
            v.parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(v))
        } else if BOOLEANS.contains(&key) {
            match v {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                other => Value::from(other),
            }
        } else {
            Value::from(v)
        };
        obj.insert(key.to_string(), value);
    }
    Value::Object(obj)
}

pub(crate) async fn act(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let body = action_body(&post.form);
    let action = post.form.get("action").and_then(ActionKind::parse);
    let result = match parse_command(body) {
        Ok(cmd) => act_on(&state, &s.actor, id, cmd).await,
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/appeals/{id}?done=1#timeline"))),
        Err(p) if matches!(p.status, 403 | 409 | 422) => {
            // Show the page again with the message beside the form that failed (or at the
            // top when the action itself was unknown).
            let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
            let failure = Failure {
                action,
                message: problem_message(&p),
                form: post.form,
            };
            let page = detail_page(&state, &s, &rec, Some(failure), false)
                .await
                .map_err(fail(lang))?;
            let mut res = render(lang, &page)?;
            *res.status_mut() =
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            Ok(res)
        }
        Err(p) => Err(UiError::from(p).page(lang)),
    }
}

/// The field messages of a problem, or its detail.
fn problem_message(p: &Problem) -> String {
    if p.errors.is_empty() {
        p.detail.clone()
    } else {
        p.errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("；")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::FormData;

    #[test]
    fn forms_become_the_api_body() {
        let f = FormData::from_pairs(&[
            ("_csrf", "x"),
            ("action", "extend"),
            ("days", "3"),
            ("reason", "等待材料"),
            ("note", ""),
        ]);
        let cmd = parse_command(action_body(&f)).expect("a command");
        assert_eq!(
            cmd,
            suqiu_core::lifecycle::Command::Extend {
                days: 3,
                reason: "等待材料".into()
            }
        );
        let f = FormData::from_pairs(&[("action", "extend"), ("days", "三"), ("reason", "r")]);
        let p = parse_command(action_body(&f)).expect_err("bad days");
        assert_eq!(p.errors[0].field, "days");
        let f = FormData::from_pairs(&[
            ("action", "follow_up"),
            ("satisfaction", "satisfied"),
            ("solved", "true"),
        ]);
        assert!(parse_command(action_body(&f)).is_ok());
    }
}
