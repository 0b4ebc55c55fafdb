//! Appeals: intake, lists, one appeal with its timeline, and the lifecycle's actions.
//!
//! Reads go through the store's actor-scoped methods (out of scope is 404); every action
//! goes through `Store::act` with `suqiu_core::lifecycle::decide`, so the rules live in core
//! and the events and the new state are written in one transaction.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use rand::RngCore;
use serde_json::{Map, Value};
use suqiu_core::access::{ActionKind, Actor, Capability, Role};
use suqiu_core::appeal::{tracking_code, Appeal, Appellant, Channel, Kind, Status, Urgency};
use suqiu_core::calendar::shanghai;
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::lifecycle::{
    available_actions, decide, register, Command, Context, Event, Intake, MAX_CONTENT_CHARS,
    MAX_EXTENSION_DAYS, MAX_LOCATION_CHARS, MAX_TITLE_CHARS,
};
use suqiu_core::org::{in_subtree, may_refer, referral_order, Department, OrgKind};
use suqiu_core::person::Person;
use suqiu_core::validate::{validate_email, validate_phone};
use suqiu_core::Id;
use suqiu_store::appeals::{AppealFilter, AppealRecord};
use suqiu_store::intake::NewAppellant;
use suqiu_store::StoreError;

use crate::app::require;
use crate::auth::AuthActor;
use crate::dto::{ActionBody, ActionOut, AppealIn, AppealOut, PageOut};
use crate::extract::{field_error, ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem};
use crate::read_audit;
use crate::scope::filter_node_in_scope;
use crate::state::{read, AppState};
use suqiu_core::access::deed;

const MAX_APPELLANT_NAME: usize = 50;
const MAX_QUERY: usize = 100;

/// Code → Chinese name of every category.
pub(crate) async fn category_names(state: &AppState) -> ApiResult<HashMap<String, String>> {
    Ok(state
        .store
        .categories()
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect())
}

/// The actions `actor` may take on the appeal now (as the UI offers them).
pub(crate) fn actions_for(
    state: &AppState,
    actor: &Actor,
    rec: &AppealRecord,
    now: DateTime<Utc>,
) -> Vec<ActionKind> {
    let calendar = state.calendar();
    let policy = state.policy();
    let ctx = Context {
        now,
        actor,
        place: &rec.place,
        calendar: &calendar,
        policy: &policy,
    };
    available_actions(&rec.appeal, &ctx)
}

/// The full Appeal JSON of one appeal, with its timeline.
async fn appeal_out(state: &AppState, actor: &Actor, rec: &AppealRecord) -> ApiResult<AppealOut> {
    let now = state.now();
    let events = state.store.events(rec.appeal.id).await?;
    let category = state.store.category(&rec.appeal.category).await?;
    let allowed = actions_for(state, actor, rec, now);
    let mut out = AppealOut::new(
        rec,
        category.map(|c| c.name),
        &allowed,
        actor.may(Capability::SeePersonalData),
        now,
        Some(&events),
    );
    if rec.appeal.channel == Channel::HomeVisit {
        out.visit_id = state.store.visit_of_appeal(rec.appeal.id).await?;
    }
    Ok(out)
}

/// Registers an appeal (一门式受理). Every field is checked and each fault named; the
/// handling unit is the node itself, or for a grid its community. The tracking code is
/// `SQ` + the Shanghai date (`YYMMDD`) + `-` + 10 characters from an alphabet without
/// 0/O/1/I/L (≈ 49 random bits), e.g. `SQ261128-7KQ4MX9T2H`.
#[utoipa::path(post, path = "/api/v1/appeals", tag = "appeals",
    request_body = AppealIn,
    responses(
        (status = 201, body = AppealOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<AppealIn>,
) -> ApiResult<(StatusCode, Json<AppealOut>)> {
    let rec = register_appeal(&state, &actor, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(appeal_out(&state, &actor, &rec).await?),
    ))
}

/// The intake path shared by the JSON API and the web form: checks every field (each
/// fault named as in the JSON body), registers through core and stores it; returns the
/// stored appeal as the actor now sees it.
pub(crate) async fn register_appeal(
    state: &AppState,
    actor: &Actor,
    body: AppealIn,
) -> ApiResult<AppealRecord> {
    let checked = check_intake(state, actor, body).await?;
    // A new appellant who leaves a phone goes on the register (or is found there), with
    // the appeal, in one transaction: the register and the appeal history agree.
    if let Some(who) = new_appellant(&checked) {
        let created = store_intake(state, actor, &checked, |appeal, event| {
            let (store, actor, who) = (state.store.clone(), actor.clone(), who.clone());
            async move {
                store
                    .create_appeal_registering(&actor, &appeal, &event, &who)
                    .await
            }
        })
        .await?;
        tracing::debug!(
            appeal_id = created.appeal.id,
            person_added = created.person_added,
            "appeal registered"
        );
        return Ok(state
            .store
            .new_record(created.appeal, Some(&created.person))
            .await?);
    }
    let created = store_intake(state, actor, &checked, |appeal, event| {
        let store = state.store.clone();
        async move { store.create_appeal(&appeal, &event).await }
    })
    .await?;
    tracing::debug!(appeal_id = created.id, "appeal registered");
    Ok(state
        .store
        .new_record(created, checked.person.as_ref())
        .await?)
}

/// The appellant to find on or add to the register: a named appellant who left a phone (a
/// name alone identifies no one, and would fill the register with strangers).
fn new_appellant(checked: &CheckedIntake) -> Option<NewAppellant> {
    match &checked.intake.appellant {
        Appellant::Named {
            name,
            phone: Some(phone),
            ..
        } => Some(NewAppellant {
            name: name.clone(),
            phone: phone.clone(),
            org_unit_id: checked.intake.org_unit_id,
        }),
        _ => None,
    }
}

/// An intake that passed every check: what core's `register` needs, and the registered
/// appellant when there is one.
pub(crate) struct CheckedIntake {
    intake: Intake,
    handling_org_unit_id: Id,
    pub(crate) person: Option<Person>,
}

/// Checks every field of a new appeal, naming each fault as in the JSON body (a visit's
/// `raise_appeal` checks its appeal here too, so intake has one set of rules).
pub(crate) async fn check_intake(
    state: &AppState,
    actor: &Actor,
    body: AppealIn,
) -> ApiResult<CheckedIntake> {
    require(actor, Capability::Intake, &deed::INTAKE)?;
    let mut errors = Vec::new();
    let mut person = None;

    let forms = usize::from(body.appellant_id.is_some())
        + usize::from(body.appellant.is_some())
        + usize::from(body.anonymous == Some(true));
    let appellant = if forms != 1 {
        errors.push(FieldError::new("appellant", &APPELLANT_ONE_OF));
        None
    } else if let Some(id) = body.appellant_id {
        person = state.store.person(actor, id).await?;
        match person {
            Some(_) => Some(Appellant::Person { person_id: id }),
            None => {
                errors.push(FieldError::new("appellant_id", &APPELLANT_UNKNOWN));
                None
            }
        }
    } else if let Some(a) = body.appellant {
        let name = a.name.trim().to_string();
        if name.is_empty() {
            errors.push(FieldError::new("appellant.name", &APPELLANT_NAME_EMPTY));
        } else if name.chars().count() > MAX_APPELLANT_NAME {
            let error = FieldError::new("appellant.name", &NAME_TOO_LONG);
            errors.push(error.with("max", MAX_APPELLANT_NAME));
        }
        let phone = match a
            .phone
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(p) => match validate_phone(&p) {
                Ok(p) => Some(p),
                Err(e) => {
                    errors.push(e.at("appellant.phone"));
                    None
                }
            },
        };
        let email = match a
            .email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
        {
            None => None,
            Some(e) => match validate_email(&e) {
                Ok(e) => Some(e),
                Err(err) => {
                    errors.push(err.at("appellant.email"));
                    None
                }
            },
        };
        Some(Appellant::Named { name, phone, email })
    } else {
        Some(Appellant::Anonymous)
    };

    let category = body.category.trim().to_string();
    if state.store.category(&category).await?.is_none() {
        let shown: String = category.chars().take(40).collect();
        errors.push(if shown.is_empty() {
            FieldError::new("category", &CATEGORY_PICK)
        } else {
            FieldError::new("category", &CATEGORY_UNKNOWN).with("value", shown)
        });
    }

    let unit = state.store.org_unit(body.org_unit_id).await?;
    let unit = unit.filter(|u| in_subtree(&actor.org_path, &u.path));
    if unit.is_none() {
        errors.push(FieldError::new("org_unit_id", &APPEAL_UNIT_IN_SCOPE));
    }

    let content = body.content.trim();
    if content.is_empty() {
        errors.push(FieldError::new(
            "content",
            &suqiu_core::error::CONTENT_EMPTY,
        ));
    }
    for (field, value, max) in [
        ("content", Some(content), MAX_CONTENT_CHARS),
        (
            "title",
            body.title.as_deref().map(str::trim),
            MAX_TITLE_CHARS,
        ),
        (
            "location",
            body.location.as_deref().map(str::trim),
            MAX_LOCATION_CHARS,
        ),
    ] {
        let n = value.map(|v| v.chars().count()).unwrap_or(0);
        if n > max {
            let error = FieldError::new(field, &suqiu_core::error::CONTENT_TOO_LONG);
            errors.push(error.with("n", n).with("max", max));
        }
    }

    let (Some(appellant), Some(unit), true) = (appellant, unit, errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    let handling_org_unit_id = match (unit.kind, unit.parent_id) {
        (OrgKind::Grid, Some(parent)) => parent,
        _ => unit.id,
    };
    let intake = Intake {
        appellant,
        org_unit_id: unit.id,
        channel: body.channel,
        kind: body.kind,
        category,
        urgency: body.urgency.unwrap_or(Urgency::Normal),
        title: body.title,
        content: body.content,
        location: body.location,
        public_consent: body.public_consent,
    };
    Ok(CheckedIntake {
        intake,
        handling_org_unit_id,
        person,
    })
}

/// Registers a checked intake through core with a fresh tracking code and hands the appeal
/// and its event to `store`, once more with a new code on the (rare) duplicate.
pub(crate) async fn store_intake<T, F, Fut>(
    state: &AppState,
    actor: &Actor,
    checked: &CheckedIntake,
    mut store: F,
) -> ApiResult<T>
where
    F: FnMut(Appeal, Event) -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let now = state.now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut entropy = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut entropy);
        let code = tracking_code(now, entropy);
        let (appeal, event) = {
            let calendar = state.calendar();
            let policy = state.policy();
            register(
                checked.intake.clone(),
                code,
                checked.handling_org_unit_id,
                actor,
                now,
                &calendar,
                &policy,
            )?
        };
        match store(appeal, event).await {
            Ok(stored) => return Ok(stored),
            Err(StoreError::Conflict(e)) if e.field == "tracking_code" && attempts < 3 => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// One appeal in the caller's scope, with its timeline (oldest first).
#[utoipa::path(get, path = "/api/v1/appeals/{id}", tag = "appeals",
    params(("id" = i64, Path)),
    responses((status = 200, body = AppealOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_one(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<AppealOut>> {
    let rec = state.store.appeal(&actor, id).await?;
    let out = appeal_out(&state, &actor, &rec).await?;
    read_audit::record(
        &state,
        &actor,
        read_audit::appeals([&rec]),
        "GET /api/v1/appeals/{id}",
    )
    .await?;
    Ok(Json(out))
}

/// The actions the caller may take on the appeal now.
#[utoipa::path(get, path = "/api/v1/appeals/{id}/actions", tag = "appeals",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ActionOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn available(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<ActionOut>>> {
    let rec = state.store.appeal(&actor, id).await?;
    let actions = actions_for(&state, &actor, &rec, state.now());
    Ok(Json(
        actions
            .into_iter()
            .map(|a| ActionOut {
                action: a.code().into(),
                label: a.label_zh().into(),
            })
            .collect(),
    ))
}

/// Start of a Shanghai civil day, as UTC.
fn day_start(d: NaiveDate) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&d.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// `YYYY-MM-DD` (a Shanghai day) or an RFC 3339 instant.
fn instant(
    params: &Params,
    key: &str,
    end_of_day: bool,
    errors: &mut Vec<FieldError>,
) -> Option<DateTime<Utc>> {
    let v = params.str(key)?;
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let d = if end_of_day {
            d.succ_opt().unwrap_or(d)
        } else {
            d
        };
        return Some(day_start(d));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    errors.push(FieldError::new(key, &DATE_OR_TIME_SHAPE));
    None
}

/// Appeals in the caller's scope, newest first, with API.md's filters.
#[utoipa::path(get, path = "/api/v1/appeals", tag = "appeals",
    params(
        ("status" = Option<String>, Query, description = "registered|accepted|in_progress|resolved|closed|rejected|merged"),
        ("org_unit" = Option<i64>, Query, description = "the subtree of this node"),
        ("category" = Option<String>, Query, description = "a first-level code matches its second level too"),
        ("kind" = Option<String>, Query),
        ("urgency" = Option<String>, Query),
        ("overdue" = Option<bool>, Query),
        ("assignee" = Option<String>, Query, description = "`me` or a user id"),
        ("department" = Option<i64>, Query),
        ("extension" = Option<String>, Query, description = "`requested`: only appeals with an extension request awaiting a decision"),
        ("q" = Option<String>, Query, description = "full text, Chinese-aware"),
        ("from" = Option<String>, Query, description = "received on or after (YYYY-MM-DD, Shanghai)"),
        ("to" = Option<String>, Query, description = "received on or before (YYYY-MM-DD, Shanghai)"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query, description = "1–200, default 50"),
    ),
    responses((status = 200, body = PageOut<AppealOut>), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<AppealOut>>> {
    let filter = list_filter(&actor, &params)?;
    filter_node_in_scope(&state, &actor, filter.org_unit_id).await?;
    let now = state.now();
    let found = state.store.list_appeals(&actor, &filter, now).await?;
    read_audit::record(
        &state,
        &actor,
        read_audit::appeals(&found.items),
        "GET /api/v1/appeals",
    )
    .await?;
    let names = category_names(&state).await?;
    let reveal = actor.may(Capability::SeePersonalData);
    let items = found
        .items
        .iter()
        .map(|rec| {
            let allowed = actions_for(&state, &actor, rec, now);
            AppealOut::new(
                rec,
                names.get(&rec.appeal.category).cloned(),
                &allowed,
                reveal,
                now,
                None,
            )
        })
        .collect();
    Ok(Json(PageOut {
        items,
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// The list's filters from query parameters (API.md's names), each bad value named; the
/// web list reads the same parameters so its filters and the API's cannot drift apart.
pub(crate) fn list_filter(actor: &Actor, params: &Params) -> ApiResult<AppealFilter> {
    let mut errors = Vec::new();
    let assignee_user_id = match params.str("assignee") {
        None => None,
        Some("me") => Some(actor.user_id),
        Some(_) => params.id("assignee", &mut errors),
    };
    let q = params.str("q").map(str::to_string);
    if q.as_ref().is_some_and(|q| q.chars().count() > MAX_QUERY) {
        errors.push(FieldError::new("q", &QUERY_TOO_LONG).with("max", MAX_QUERY));
    }
    let from = instant(params, "from", false, &mut errors);
    let to = instant(params, "to", true, &mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if f >= t {
            errors.push(FieldError::new("from", &suqiu_core::error::FROM_AFTER_TO));
        }
    }
    let (page, per_page) = params.paging(&mut errors);
    let extension_pending = match params.str("extension") {
        None => false,
        Some("requested") => true,
        Some(_) => {
            errors.push(FieldError::new("extension", &EXTENSION_REQUESTED_ONLY));
            false
        }
    };
    let filter = AppealFilter {
        status: params.code("status", Status::parse, Status::codes(), &mut errors),
        org_unit_id: params.id("org_unit", &mut errors),
        category: params.str("category").map(str::to_string),
        kind: params.code("kind", Kind::parse, Kind::codes(), &mut errors),
        urgency: params.code("urgency", Urgency::parse, Urgency::codes(), &mut errors),
        overdue: params.bool("overdue", &mut errors),
        assignee_user_id,
        department_id: params.id("department", &mut errors),
        extension_pending,
        q,
        from,
        to,
        page,
        per_page,
        ..AppealFilter::default()
    };
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    Ok(filter)
}

/// The body of an action as a command: `action` first (422 naming the valid ones), then
/// the fields, each fault named.
pub(crate) fn parse_command(body: Value) -> ApiResult<Command> {
    let Value::Object(obj) = body else {
        return Err(Problem::field("body", &suqiu_core::error::BODY_NOT_OBJECT));
    };
    let valid = || {
        ActionKind::ALL
            .iter()
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match obj.get("action") {
        None | Some(Value::Null) => {
            let error = FieldError::new("action", &ACTION_MISSING).with("options", valid());
            return Err(Problem::invalid(vec![error]));
        }
        Some(Value::String(s)) if ActionKind::parse(s).is_some() => {}
        Some(Value::String(s)) => {
            let shown: String = s.chars().take(40).collect();
            let error = FieldError::new("action", &ACTION_UNKNOWN).with("value", shown);
            return Err(Problem::invalid(vec![error.with("options", valid())]));
        }
        Some(_) => {
            let error = FieldError::new("action", &ACTION_NOT_TEXT).with("options", valid());
            return Err(Problem::invalid(vec![error]));
        }
    }
    let action = obj
        .get("action")
        .and_then(Value::as_str)
        .and_then(ActionKind::parse)
        .expect("checked above");
    // Every blank required field at once (the form shows each beside its field); serde
    // alone would stop at the first.
    let missing = missing_fields(action, &obj);
    if !missing.is_empty() {
        return Err(Problem::invalid(missing));
    }
    serde_json::from_value::<Command>(Value::Object(obj.clone()))
        .map_err(|e| Problem::invalid(vec![command_error(&obj, &e)]))
}

/// The fields an action cannot do without, each with what to say when it is missing.
fn required_fields(action: ActionKind) -> &'static [(&'static str, Msg)] {
    use ActionKind as A;
    match action {
        A::Refer => &[
            ("department_id", REFER_DEPARTMENT_PICK),
            ("note", REFER_NOTE_EMPTY),
        ],
        A::Escalate => &[("note", ESCALATE_NOTE_EMPTY)],
        A::Return => &[("note", RETURN_NOTE_EMPTY)],
        A::Progress => &[("note", PROGRESS_NOTE_EMPTY)],
        A::Supervise => &[("note", SUPERVISE_NOTE_EMPTY)],
        A::Reopen => &[("note", REOPEN_NOTE_EMPTY)],
        A::Extend => &[
            ("days", EXTENSION_DAYS_EMPTY),
            ("reason", EXTENSION_REASON_EMPTY),
        ],
        A::ExtendApprove => &[("approve", EXTENSION_DECISION_PICK)],
        A::Resolve => &[
            ("resolution", RESOLUTION_PICK),
            ("note", RESOLVE_NOTE_EMPTY),
        ],
        A::Feedback => &[
            ("channel", FEEDBACK_CHANNEL_PICK),
            ("note", FEEDBACK_NOTE_EMPTY),
        ],
        A::FollowUp => &[("satisfaction", SATISFACTION_PICK)],
        A::Reject => &[("reason", REJECT_REASON_EMPTY)],
        A::Suspend => &[("reason", SUSPEND_REASON_EMPTY)],
        A::Merge => &[("into_appeal_id", MERGE_TARGET_EMPTY)],
        A::Accept | A::Assign | A::Resume => &[],
    }
}

/// Each required field of `action` that is absent, null or blank, named in plain words.
fn missing_fields(action: ActionKind, obj: &Map<String, Value>) -> Vec<FieldError> {
    let mut faults: Vec<FieldError> = required_fields(action)
        .iter()
        .filter(|(field, _)| match obj.get(*field) {
            None | Some(Value::Null) => true,
            Some(Value::String(v)) => v.trim().is_empty(),
            Some(_) => false,
        })
        .map(|(field, msg)| {
            // A merge target is named by its tracking code (the id is the API's alternative).
            let field = match *field {
                "into_appeal_id" => "into_tracking_code",
                f => f,
            };
            FieldError::new(field, msg)
        })
        .collect();
    // Days typed as words ("三") say what is wanted rather than a type name; the range
    // itself is core's to check.
    if let Some(Value::String(days)) = obj.get("days") {
        if !days.trim().is_empty() {
            faults.push(
                FieldError::new("days", &EXTENSION_DAYS_NUMBER).with("max", MAX_EXTENSION_DAYS),
            );
        }
    }
    faults
}

/// A merge may name its target by tracking code (`into_tracking_code`, what people know)
/// instead of `into_appeal_id`: the code is looked up in the actor's scope and replaced by
/// the id, so the rest of the path is the same. Unknown or out of scope is a 422 on the code.
pub(crate) async fn resolve_merge_code(
    state: &AppState,
    actor: &Actor,
    body: &mut Value,
) -> ApiResult<()> {
    let Some(obj) = body.as_object_mut() else {
        return Ok(());
    };
    let Some(code) = obj.remove("into_tracking_code") else {
        return Ok(());
    };
    let code = match &code {
        Value::String(c) => c.trim().to_uppercase(),
        Value::Null => return Ok(()),
        _ => return Err(Problem::field("into_tracking_code", &TRACKING_CODE_TEXT)),
    };
    if code.is_empty() || obj.contains_key("into_appeal_id") {
        return Ok(());
    }
    let unknown = || {
        let shown: String = code.chars().take(40).collect();
        Problem::invalid(vec![FieldError::new(
            "into_tracking_code",
            &TRACKING_CODE_UNKNOWN,
        )
        .with("value", shown)])
    };
    let id = state
        .store
        .appeal_id_by_tracking_code(&code)
        .await?
        .ok_or_else(unknown)?;
    match state.store.appeal(actor, id).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return Err(unknown()),
        Err(e) => return Err(e.into()),
    }
    obj.insert("into_appeal_id".into(), Value::from(id));
    Ok(())
}

/// Names the field behind a command's deserialization error. Internally tagged enums lose
/// the path, so for type errors the culprit is found as the one field whose removal changes
/// the error.
fn command_error(obj: &Map<String, Value>, err: &serde_json::Error) -> FieldError {
    let base = field_error("", err);
    if base.field != "body" {
        return base;
    }
    let msg = err.to_string();
    for key in obj.keys().filter(|k| k.as_str() != "action") {
        let mut without = obj.clone();
        without.remove(key);
        match serde_json::from_value::<Command>(Value::Object(without)) {
            Err(e) if e.to_string() == msg => continue,
            _ => return base.at(key.clone()),
        }
    }
    base
}

/// A department an appeal may be referred to, with the node it is attached to.
#[derive(Debug, Clone)]
pub(crate) struct ReferralTarget {
    pub department: Department,
    /// The node the department belongs to (its street, the district): the list's group.
    pub unit_name: String,
}

/// The departments an appeal handled at `handling_path` may be referred to (core's
/// `may_refer`), nearest level first: what the form offers and all the API accepts.
pub(crate) async fn referral_targets(
    state: &AppState,
    handling_path: &str,
) -> ApiResult<Vec<ReferralTarget>> {
    let units: HashMap<Id, (String, String)> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id, (u.path, u.name)))
        .collect();
    let mut found: Vec<(String, ReferralTarget)> = state
        .store
        .departments()
        .await?
        .into_iter()
        .filter_map(|d| {
            let (path, name) = units.get(&d.org_unit_id)?;
            may_refer(handling_path, path).then(|| {
                let target = ReferralTarget {
                    department: d,
                    unit_name: name.clone(),
                };
                (path.clone(), target)
            })
        })
        .collect();
    found.sort_by(|(pa, a), (pb, b)| {
        referral_order((pa, &a.department.name), (pb, &b.department.name))
    });
    Ok(found.into_iter().map(|(_, t)| t).collect())
}

/// Checks that the ids a command names exist and fit the appeal (before `act`, so that a
/// bad reference is a 422 naming it rather than a constraint failure).
async fn check_references(
    state: &AppState,
    actor: &Actor,
    rec: &AppealRecord,
    cmd: &Command,
) -> ApiResult<()> {
    match cmd {
        Command::Refer { department_id, .. } => {
            let targets = referral_targets(state, &rec.place.handling_path).await?;
            if !targets.iter().any(|t| t.department.id == *department_id) {
                let known = state.store.department(*department_id).await?;
                let error = match known {
                    Some(d) => FieldError::new("department_id", &DEPARTMENT_OUT_OF_REACH)
                        .with("name", d.name),
                    None => FieldError::new("department_id", &DEPARTMENT_UNKNOWN),
                };
                return Err(Problem::invalid(vec![error]));
            }
        }
        Command::Assign {
            user_id: Some(user_id),
            ..
        } => {
            let user = state.store.user(*user_id).await?;
            let fits = match user {
                Some(u) if u.role != Role::Auditor => state
                    .store
                    .org_unit(u.org_unit_id)
                    .await?
                    .is_some_and(|unit| in_subtree(&rec.place.handling_path, &unit.path)),
                _ => false,
            };
            if !fits {
                return Err(Problem::field("user_id", &ASSIGNEE_UNKNOWN));
            }
        }
        Command::Assign {
            team_id: Some(team_id),
            ..
        } => {
            let fits = state
                .store
                .team(*team_id)
                .await?
                .is_some_and(|t| t.org_unit_id == rec.appeal.handling_org_unit_id);
            if !fits {
                return Err(Problem::field("team_id", &TEAM_UNKNOWN));
            }
        }
        Command::Merge { into_appeal_id } if *into_appeal_id != rec.appeal.id => {
            match state.store.appeal(actor, *into_appeal_id).await {
                Ok(target) if target.appeal.status == Status::Merged => {
                    return Err(Problem::field("into_appeal_id", &MERGE_TARGET_MERGED));
                }
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(Problem::field("into_appeal_id", &MERGE_TARGET_UNKNOWN))
                }
                Err(e) => return Err(e.into()),
            }
        }
        _ => {}
    }
    Ok(())
}

/// Takes a lifecycle action (API.md's table). 409 when the status does not allow it (the
/// allowed actions in `detail` and `allowed`), 403 when the role or position does not, 422
/// for a bad field, 404 outside the caller's scope.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/actions", tag = "appeals",
    params(("id" = i64, Path)),
    request_body = ActionBody,
    responses(
        (status = 200, description = "The appeal after the action", body = AppealOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn act(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(mut body): ApiJson<Value>,
) -> ApiResult<Json<AppealOut>> {
    resolve_merge_code(&state, &actor, &mut body).await?;
    let cmd = parse_command(body)?;
    let rec = act_on(&state, &actor, id, cmd).await?;
    Ok(Json(appeal_out(&state, &actor, &rec).await?))
}

/// The action path shared by the JSON API and the web forms: role, scope, references,
/// then `decide` inside the store's transaction. Returns the appeal after the action.
pub(crate) async fn act_on(
    state: &AppState,
    actor: &Actor,
    id: Id,
    cmd: Command,
) -> ApiResult<AppealRecord> {
    let action = cmd.kind();
    if !actor.may(Capability::Act(action)) {
        return Err(Problem::forbidden(actor.may_not_act(action)));
    }
    let rec = state.store.appeal(actor, id).await?;
    check_references(state, actor, &rec, &cmd).await?;

    let now = state.now();
    let calendar = state.calendar.clone();
    let policy = state.policy.clone();
    let who = actor.clone();
    let outcome = state
        .store
        .act(actor, id, move |rec| {
            let calendar = read(&calendar);
            let policy = read(&policy);
            let ctx = Context {
                now,
                actor: &who,
                place: &rec.place,
                calendar: &calendar,
                policy: &policy,
            };
            decide(&rec.appeal, &cmd, &ctx)
        })
        .await?;
    let rec = outcome?;
    tracing::debug!(appeal_id = id, action = action.code(), "appeal action");
    Ok(rec)
}

// The messages of this module's rules (a code, the Chinese and the English).
const ACTION_MISSING: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "action_missing",
    "请指定操作（action），可选：{options}",
    "Say the action; one of: {options}",
);
const ACTION_NOT_TEXT: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "action_not_text",
    "操作应为字符串，可选：{options}",
    "The action is a string; one of: {options}",
);
const ACTION_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "action_unknown",
    "未知的操作「{value}」，可选：{options}",
    "Unknown action {value}; one of: {options}",
);
const APPEAL_UNIT_IN_SCOPE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "appeal_unit_in_scope",
    "请选择诉求涉及的社区或网格（须在本单位范围内）",
    "Choose the community or grid the appeal concerns (within this unit)",
);
const APPELLANT_NAME_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "appellant_name_empty",
    "请填写诉求人姓名",
    "Enter the appellant's name",
);
const APPELLANT_ONE_OF: suqiu_core::error::Msg = suqiu_core::error::Msg::new("appellant_one_of", "请选择诉求人：登记在册的人员（appellant_id）、新的诉求人（appellant：姓名和电话）或匿名（anonymous），三者选一", "Choose the appellant: a registered person (appellant_id), a new appellant (appellant: name and phone) or anonymous (anonymous), one of the three");
const APPELLANT_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "appellant_unknown",
    "找不到这位人员（或不在本单位范围内），请从查找结果中选择",
    "This person is not found (or not within this unit); choose from the search results",
);
const ASSIGNEE_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "assignee_unknown",
    "未知的人员，或不在承办单位范围内",
    "Unknown person, or outside the handling unit",
);
const CATEGORY_PICK: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("category_pick", "请选择诉求分类", "Choose the category");
const CATEGORY_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "category_unknown",
    "没有「{value}」这个诉求分类，请从分类列表中选择",
    "There is no category {value}; choose one from the list",
);
const DATE_OR_TIME_SHAPE: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "date_or_time_shape",
    "日期格式应为 YYYY-MM-DD（或 RFC 3339 时间）",
    "A date is written YYYY-MM-DD (or an RFC 3339 time)",
);
const DEPARTMENT_OUT_OF_REACH: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "department_out_of_reach",
    "「{name}」不在可转办的范围内：只能转办给本单位、本街道或区级的部门",
    "{name} is out of reach: refer only to departments of this unit, its street or the district",
);
const DEPARTMENT_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "department_unknown",
    "没有这个转办部门，请从列表中选择",
    "There is no such department; choose one from the list",
);
const ESCALATE_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "escalate_note_empty",
    "请填写上报理由",
    "Enter the reason to escalate",
);
const EXTENSION_DAYS_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_days_empty",
    "请填写延期天数",
    "Enter the days of the extension",
);
const EXTENSION_DAYS_NUMBER: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_days_number",
    "延期天数请填写数字（1–{max} 个工作日）",
    "Enter the extension as a number (1–{max} working days)",
);
const EXTENSION_DECISION_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_decision_pick",
    "请选择是否同意延期",
    "Choose whether to approve the extension",
);
const EXTENSION_REASON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_reason_empty",
    "请填写延期理由",
    "Enter the reason for the extension",
);
const EXTENSION_REQUESTED_ONLY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_requested_only",
    "extension 只能为 requested",
    "extension can only be requested",
);
const FEEDBACK_CHANNEL_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "feedback_channel_pick",
    "请选择反馈方式",
    "Choose how the feedback was given",
);
const FEEDBACK_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "feedback_note_empty",
    "请填写反馈内容",
    "Enter the feedback",
);
const MERGE_TARGET_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "merge_target_empty",
    "请填写要合并到的诉求的查询码",
    "Enter the tracking code of the appeal to merge into",
);
const MERGE_TARGET_MERGED: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "merge_target_merged",
    "要合并到的诉求本身已合并到其他诉求，请合并到最终的那一件",
    "The appeal to merge into is itself merged; merge into the final one",
);
const MERGE_TARGET_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "merge_target_unknown",
    "找不到要合并到的诉求（或不在您的范围内）",
    "The appeal to merge into is not found (or outside your scope)",
);
const NAME_TOO_LONG: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "name_too_long",
    "姓名最多 {max} 个字",
    "A name has at most {max} characters",
);
const PROGRESS_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "progress_note_empty",
    "请填写办理进展",
    "Enter the progress",
);
const QUERY_TOO_LONG: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "query_too_long",
    "查询内容最多 {max} 个字",
    "A search has at most {max} characters",
);
const REFER_DEPARTMENT_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "refer_department_pick",
    "请选择转办部门",
    "Choose the department to refer to",
);
const REFER_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "refer_note_empty",
    "请填写转办说明",
    "Enter the referral note",
);
const REJECT_REASON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "reject_reason_empty",
    "请填写不予受理的理由",
    "Enter the reason for not accepting",
);
const REOPEN_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "reopen_note_empty",
    "请填写重办理由",
    "Enter the reason to reopen",
);
const RESOLUTION_PICK: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("resolution_pick", "请选择办结结果", "Choose the outcome");
const RESOLVE_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "resolve_note_empty",
    "请填写办结情况",
    "Enter how it was resolved",
);
const RETURN_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "return_note_empty",
    "请填写退回理由",
    "Enter the reason to return",
);
const SATISFACTION_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "satisfaction_pick",
    "请选择群众的满意程度",
    "Choose how satisfied the appellant is",
);
const SUPERVISE_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "supervise_note_empty",
    "请填写督办意见",
    "Enter the supervision note",
);
const SUSPEND_REASON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "suspend_reason_empty",
    "请填写挂起理由",
    "Enter the reason to suspend",
);
const TEAM_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "team_unknown",
    "未知的服务团队，或不属于承办单位",
    "Unknown service team, or not of the handling unit",
);
const TRACKING_CODE_TEXT: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "tracking_code_text",
    "查询码应为文字，例如 SQ261128-7KQ4MX9T2H",
    "The tracking code is text, e.g. SQ261128-7KQ4MX9T2H",
);
const TRACKING_CODE_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "tracking_code_unknown",
    "找不到查询码为「{value}」的诉求（或不在您的范围内），请核对",
    "No appeal has the tracking code {value} (within your scope); check it",
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(body: Value) -> String {
        let p = parse_command(body).expect_err("must fail");
        assert_eq!(p.status, 422, "{p}");
        p.errors[0].field.clone()
    }

    #[test]
    fn command_errors_name_the_field() {
        assert_eq!(field(json!({"action": "fly"})), "action");
        assert_eq!(field(json!({"note": "x"})), "action");
        assert_eq!(field(json!({"action": 3})), "action");
        assert_eq!(
            field(json!({"action": "refer", "department_id": 1})),
            "note"
        );
        assert_eq!(
            field(json!({"action": "extend", "days": "three", "reason": "r"})),
            "days"
        );
        assert_eq!(
            field(json!({"action": "extend", "reason": "r", "days": -1})),
            "days"
        );
        assert_eq!(field(json!({"action": "accept", "shout": true})), "shout");
        assert_eq!(
            field(json!({"action": "resolve", "resolution": "magic", "note": "n"})),
            "resolution"
        );
        assert_eq!(
            field(json!({"action": "follow_up", "satisfaction": "ok", "solved": true})),
            "satisfaction"
        );
        assert_eq!(
            field(json!({"action": "follow_up", "satisfaction": "satisfied", "solved": "yes"})),
            "solved"
        );
        assert_eq!(field(json!([1])), "body");
        assert_eq!(
            parse_command(json!({"action": "accept"})).ok(),
            Some(Command::Accept { note: None })
        );
        let unknown = parse_command(json!({"action": "fly"})).expect_err("unknown");
        assert!(
            unknown.errors[0].message.contains("follow_up"),
            "lists the valid actions"
        );
    }
}
