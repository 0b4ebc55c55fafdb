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
use suqiu_core::lifecycle::EventBody;
use suqiu_core::org::{in_subtree, OrgUnit};
use suqiu_core::Id;
use suqiu_store::appeals::{AppealRecord, StoredEvent};
use suqiu_store::similar::SimilarQuery;

use super::appeals::{
    appellant_email, appellant_name, appellant_phone, category_label, category_names, summary,
};
use super::i18n::Lang;
use super::view::{deadline_at, vocabulary_choices, when, Choice, Chrome, Deadline, FieldErrors};
use super::{fail, render, saved, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::problem::Problem;
use crate::routes::appeals::{
    act_on, actions_for, parse_command, referral_targets, resolve_merge_code,
};
use crate::state::AppState;

/// One timeline entry as shown.
struct Entry {
    what: &'static str,
    who: String,
    at: String,
    details: Vec<String>,
    why: String,
}

/// One action form: which action, its label, and — when its last try failed — each field's
/// error beside that field and what was typed (kept, and the form comes back open, so
/// nothing has to be typed twice).
struct ActionForm {
    code: &'static str,
    label: &'static str,
    errors: FieldErrors,
    /// Messages about no field of this form (the action itself was refused).
    general: Vec<String>,
    typed: FormData,
}

impl ActionForm {
    /// What was typed into `field` ("" unless this form just failed).
    fn v(&self, field: &str) -> String {
        self.typed.raw(field)
    }

    /// The error beside `field` ("" when none).
    fn err(&self, field: &str) -> &str {
        self.errors.get(field)
    }

    fn failed(&self) -> bool {
        self.errors.any()
    }
}

/// The fields each action's form shows (its other errors go to the top of the form).
fn form_fields(action: ActionKind) -> &'static [&'static str] {
    use ActionKind as A;
    match action {
        A::Assign => &["user_id", "team_id", "note"],
        A::Refer => &["department_id", "note"],
        A::Extend => &["days", "reason"],
        A::ExtendApprove => &["approve", "reason"],
        A::Resolve => &["resolution", "note"],
        A::Feedback => &["channel", "note"],
        A::FollowUp => &["solved", "satisfaction", "reopen", "note"],
        A::Reject | A::Suspend => &["reason"],
        A::Merge => &["into_tracking_code"],
        _ => &["note"],
    }
}

/// A `<select>`'s group of choices (`<optgroup>`).
struct OptionGroup {
    label: String,
    options: Vec<Choice>,
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
    /// The departments this appeal may be referred to, by the node they belong to.
    referral: Vec<OptionGroup>,
    /// Earlier appeals about the same matter, offered as merge targets (value: the code).
    merge_candidates: Vec<Choice>,
    resolutions: Vec<Choice>,
    feedback_channels: Vec<Choice>,
    satisfactions: Vec<Choice>,
    extension_days: String,
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
    /// Tracking codes of the appeals merges point at (people know appeals by code).
    appeals: HashMap<Id, String>,
}

impl Names {
    fn of(map: &HashMap<Id, String>, id: Id) -> String {
        map.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// An appeal by its tracking code; one outside the reader's scope by no number at all.
    fn appeal(&self, lang: Lang, id: Id) -> String {
        self.appeals
            .get(&id)
            .cloned()
            .unwrap_or_else(|| lang.t("detail.other_appeal").to_string())
    }
}

fn entry(lang: Lang, e: &suqiu_store::appeals::StoredEvent, n: &Names) -> Entry {
    let (details, why) =
        closing_details(lang, &e.body).unwrap_or_else(|| handling_details(lang, &e.body, n));
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

/// What a timeline entry of the closing loop (办结, 反馈, 回访, 恢复) shows: details and why.
fn closing_details(lang: Lang, body: &EventBody) -> Option<(Vec<String>, String)> {
    let label = |code: &str, zh: &'static str| lang.label(code, zh).to_string();
    Some(match body {
        EventBody::Resolve { resolution, note } => (
            vec![label(resolution.code(), resolution.label_zh())],
            note.clone(),
        ),
        EventBody::Feedback { channel, note } => (
            vec![label(channel.code(), channel.label_zh())],
            note.clone(),
        ),
        EventBody::FollowUp {
            satisfaction,
            solved,
            note,
            ..
        } => {
            let mut details = vec![label(satisfaction.code(), satisfaction.label_zh())];
            if let Some(solved) = solved {
                let answer = if *solved {
                    label("solved", "已解决")
                } else {
                    lang.t("f.no").to_string()
                };
                details.push(format!(
                    "{}{}{answer}",
                    lang.t("f.resolution"),
                    lang.t("punct.colon")
                ));
            }
            (details, note.clone().unwrap_or_default())
        }
        EventBody::Resume {
            note, resolve_by, ..
        } => (
            resolve_by
                .iter()
                .map(|by| format!("→ {}", when(*by)))
                .collect(),
            note.clone().unwrap_or_default(),
        ),
        _ => return None,
    })
}

/// What any other timeline entry shows: where it went (names, not ids) and why.
fn handling_details(lang: Lang, body: &EventBody, n: &Names) -> (Vec<String>, String) {
    let mut details = Vec::new();
    let mut why = String::new();
    let label = |code: &str, zh: &'static str| lang.label(code, zh).to_string();
    match body {
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
        EventBody::Reject { reason } | EventBody::Suspend { reason } => why = reason.clone(),
        EventBody::Overdue { deadline, due } => {
            details.push(label(deadline.code(), deadline.label_zh()));
            details.push(deadline_at(*due));
        }
        EventBody::Merge { into_appeal_id } => {
            details.push(format!("→ {}", n.appeal(lang, *into_appeal_id)))
        }
        EventBody::Resolve { .. }
        | EventBody::Feedback { .. }
        | EventBody::FollowUp { .. }
        | EventBody::Resume { .. } => {}
    }
    (details, why)
}

/// An action form that failed: which action (if it was one), its errors, what was typed.
struct Failure {
    action: Option<ActionKind>,
    errors: FieldErrors,
    form: FormData,
}

impl Failure {
    fn new(action: Option<ActionKind>, p: &Problem, form: FormData, lang: Lang) -> Failure {
        let mut errors = FieldErrors::from_problem(p, lang);
        // The form names a merge target by its code; the checks behind it by its id.
        for (field, _) in &mut errors.0 {
            if field == "into_appeal_id" {
                *field = "into_tracking_code".into();
            }
        }
        Failure {
            action,
            errors,
            form,
        }
    }
}

/// People and teams the appeal can be assigned to: accounts at the handling unit or below.
async fn assign_choices(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    all_units: &[OrgUnit],
) -> Result<(Vec<Choice>, Vec<Choice>), UiError> {
    let lang = s.lang;
    let paths: HashMap<Id, &str> = all_units.iter().map(|u| (u.id, u.path.as_str())).collect();
    let mut users = Vec::new();
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
    let teams = state
        .store
        .teams(rec.appeal.handling_org_unit_id)
        .await?
        .into_iter()
        .map(|t| Choice::new(t.id.to_string(), t.name, ""))
        .collect();
    Ok((users, teams))
}

/// The names the timeline and the facts refer to by id.
async fn names(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    events: &[StoredEvent],
    all_units: &[OrgUnit],
) -> Result<Names, UiError> {
    let mut n = Names {
        units: all_units.iter().map(|u| (u.id, u.name.clone())).collect(),
        departments: state
            .store
            .departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect(),
        users: HashMap::new(),
        teams: HashMap::new(),
        appeals: HashMap::new(),
    };
    let mut merged_into: Vec<Id> = rec.appeal.merged_into.into_iter().collect();
    for e in events {
        match &e.body {
            EventBody::Assign {
                user_id, team_id, ..
            } => {
                if let Some(id) = user_id {
                    if let Some(u) = state.store.user(*id).await? {
                        n.users.insert(*id, u.display_name);
                    }
                }
                if let Some(id) = team_id {
                    if let Some(t) = state.store.team(*id).await? {
                        n.teams.insert(*id, t.name);
                    }
                }
            }
            EventBody::Merge { into_appeal_id } => merged_into.push(*into_appeal_id),
            _ => {}
        }
    }
    for id in merged_into {
        // One out of the reader's scope keeps its number: its code is not theirs to see.
        if let Ok(target) = state.store.appeal(&s.actor, id).await {
            n.appeals.insert(id, target.appeal.tracking_code);
        }
    }
    Ok(n)
}

/// The departments the appeal may be referred to (core's rule, through the API's own
/// list), grouped by the node they belong to, nearest first; the one holding it now left out.
async fn referral_groups(
    state: &AppState,
    rec: &AppealRecord,
) -> Result<Vec<OptionGroup>, UiError> {
    let mut groups: Vec<OptionGroup> = Vec::new();
    for t in referral_targets(state, &rec.place.handling_path).await? {
        if rec.appeal.department_id == Some(t.department.id) {
            continue;
        }
        let choice = Choice::new(t.department.id.to_string(), t.department.name, "");
        match groups.last_mut() {
            Some(g) if g.label == t.unit_name => g.options.push(choice),
            _ => groups.push(OptionGroup {
                label: t.unit_name,
                options: vec![choice],
            }),
        }
    }
    Ok(groups)
}

/// How far back merge candidates are looked for.
const MERGE_DAYS: i64 = 30;

/// Earlier appeals about the same matter (same appellant or place, same category) that this
/// one could be merged into, by code: the merge form offers them to pick.
async fn merge_candidates(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
) -> Result<Vec<Choice>, UiError> {
    let a = &rec.appeal;
    let q = SimilarQuery {
        person_id: match a.appellant {
            Appellant::Person { person_id } => Some(person_id),
            _ => None,
        },
        phone: rec.appellant_phone.clone(),
        location: a.location.clone(),
        category: a.category.clone(),
        since: a.created_at - TimeDelta::days(MERGE_DAYS),
    };
    Ok(state
        .store
        .similar_recent(&s.actor, &q)
        .await?
        .into_iter()
        .filter(|x| x.id != a.id && !matches!(x.status, Status::Merged | Status::Rejected))
        .map(|x| {
            let label = format!(
                "{} · {}",
                x.tracking_code,
                summary(x.title.as_deref(), &x.content)
            );
            Choice::new(x.tracking_code, label, "")
        })
        .collect())
}

/// The forms of the actions allowed now; the one that just failed carries its errors and
/// what was typed.
fn action_forms(lang: Lang, allowed: &[ActionKind], failed: Option<&Failure>) -> Vec<ActionForm> {
    allowed
        .iter()
        .map(|k| {
            let failure = failed.filter(|f| f.action == Some(*k));
            let errors = failure
                .map(|f| f.errors.clone())
                .unwrap_or_else(|| FieldErrors::new(lang));
            ActionForm {
                code: k.code(),
                label: lang.label(k.code(), k.label_zh()),
                general: errors.other(form_fields(*k)),
                errors,
                typed: failure.map(|f| f.form.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// The message of a failed action that has no form here (unknown, or no longer allowed):
/// shown at the top of the page.
fn top_error(failed: Option<&Failure>, allowed: &[ActionKind]) -> String {
    match failed {
        Some(f) if !f.action.is_some_and(|a| allowed.contains(&a)) => f
            .errors
            .0
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        _ => String::new(),
    }
}

/// Renders the page; `failed` is the action whose form just failed.
async fn detail_page(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    failed: Option<Failure>,
) -> Result<DetailPage, UiError> {
    let lang = s.lang;
    let now = state.now();
    let a = &rec.appeal;
    let cats = category_names(state, lang).await?;
    let events = state.store.events(a.id).await?;
    let all_units = state.store.org_units().await?;
    let allowed = actions_for(state, &s.actor, rec, now);
    let (users, teams) = if allowed.contains(&ActionKind::Assign) {
        assign_choices(state, s, rec, &all_units).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let referral = if allowed.contains(&ActionKind::Refer) {
        referral_groups(state, rec).await?
    } else {
        Vec::new()
    };
    let merge_candidates = if allowed.contains(&ActionKind::Merge) {
        merge_candidates(state, s, rec).await?
    } else {
        Vec::new()
    };
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
        actions: action_forms(lang, &allowed, failed.as_ref()),
        users,
        teams,
        referral,
        merge_candidates,
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
        facts.push(("detail.merged_into", names.appeal(lang, m)));
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
    let page = detail_page(&state, &s, &rec, None)
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
fn action_body(form: &FormData) -> Value {
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
        "into_tracking_code",
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

/// The message after each action (`flash.*` in `i18n.rs`).
fn flash_key(action: ActionKind) -> &'static str {
    use ActionKind as A;
    match action {
        A::Accept => "flash.accepted",
        A::Assign => "flash.assigned",
        A::Refer => "flash.referred",
        A::Escalate => "flash.escalated",
        A::Return => "flash.returned",
        A::Progress => "flash.progressed",
        A::Extend => "flash.extension_requested",
        A::ExtendApprove => "flash.extension_decided",
        A::Resolve => "flash.resolved",
        A::Feedback => "flash.feedback",
        A::FollowUp => "flash.followed_up",
        A::Reopen => "flash.reopened",
        A::Reject => "flash.rejected",
        A::Merge => "flash.merged",
        A::Supervise => "flash.supervised",
        A::Suspend => "flash.suspended",
        A::Resume => "flash.resumed",
    }
}

/// What the message after an action names: the appeal, and where it went.
async fn flash_detail(
    state: &AppState,
    s: &Session,
    action: ActionKind,
    rec: &AppealRecord,
) -> String {
    let code = rec.appeal.tracking_code.clone();
    let to = match action {
        ActionKind::Refer => rec.department_name.clone(),
        ActionKind::Assign => rec.assignee_name.clone().or(rec.team_name.clone()),
        ActionKind::Escalate => Some(rec.handling_org_unit_name.clone()),
        ActionKind::Merge => match rec.appeal.merged_into {
            Some(m) => state
                .store
                .appeal(&s.actor, m)
                .await
                .ok()
                .map(|t| t.appeal.tracking_code),
            None => None,
        },
        _ => None,
    };
    match to {
        Some(to) => format!("{code} → {to}"),
        None => code,
    }
}

/// `POST /appeals/{id}/act`: the action through the API's own path. Done: back to the
/// appeal with a message saying what was done. Refused: the page again with the form open,
/// each error beside its field, what was typed still there.
pub(crate) async fn act(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let action = post.form.get("action").and_then(ActionKind::parse);
    let mut body = action_body(&post.form);
    let result = async {
        resolve_merge_code(&state, &s.actor, &mut body).await?;
        let cmd = parse_command(body)?;
        let kind = cmd.kind();
        act_on(&state, &s.actor, id, cmd)
            .await
            .map(|rec| (kind, rec))
    }
    .await;
    match result {
        Ok((action, rec)) => {
            let flash = Flash::new(flash_key(action))
                .detail(flash_detail(&state, &s, action, &rec).await)
                .next("/appeals", "nav.appeals");
            Ok(saved(&state, &format!("/appeals/{id}"), flash))
        }
        Err(p) if matches!(p.status, 403 | 409 | 422) => {
            let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
            let failure = Failure::new(action, &p, post.form, lang);
            let page = detail_page(&state, &s, &rec, Some(failure))
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

    #[test]
    fn every_action_says_what_was_done_in_both_languages() {
        for a in ActionKind::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(lang.t(flash_key(*a)), "?", "{a:?} in {lang:?}");
            }
        }
        for key in ["flash.registered", "flash.intake_next"] {
            assert_ne!(Lang::En.t(key), "?", "{key}");
        }
        // Each field an action requires is one its form shows (so its error has a place).
        for a in ActionKind::ALL {
            let f = FormData::from_pairs(&[("action", a.code())]);
            if let Err(p) = parse_command(action_body(&f)) {
                for e in &p.errors {
                    assert!(
                        form_fields(*a).contains(&e.field.as_str()),
                        "{a:?}: {} has no place on the form",
                        e.field
                    );
                }
            }
        }
    }
}
