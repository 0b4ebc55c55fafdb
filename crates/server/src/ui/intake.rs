//! 诉求登记 (一门式受理): one form for every channel. The appellant is a registered person
//! (found by name or phone as you type), a new one (name and phone), or anonymous. Before
//! saving, the form shows the deadlines the appeal will get and earlier appeals about the
//! same matter; saving goes through the API's own intake function and ends on a printable
//! A4 receipt (登记回执) that says it was saved. A new appellant with a phone goes on the
//! people register (see `app::appeals::register_appeal`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use suqiu_core::access::Actor;
use suqiu_core::appeal::{Channel, Kind, Urgency};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::msg;
use suqiu_core::policy::deadlines;
use suqiu_core::validate::{mask_phone, validate_phone};
use suqiu_store::similar::SimilarQuery;

use super::appeals::{
    appellant_name, category_groups, category_label, node_choices, summary, CategoryGroup,
};
use super::pick::{suggestions, Suggestion};
use super::view::{deadline_at, vocabulary_choices, when, Choice, Chrome, FieldErrors};
use super::{
    fail, render, saved, Failed, Flash, FormData, PageId, PageResult, PostForm, Session, UiError,
};
use crate::app::appeals::{check_intake, register_appeal};
use crate::routes::appeals::{AppealIn, AppellantIn};
use crate::state::AppState;
use suqiu_core::access::deed;
use suqiu_core::access::Capability;

/// How far back the "same matter" warning looks.
const SIMILAR_DAYS: i64 = 30;
/// Most people a "this phone is already registered" warning names.
const PHONE_OWNERS: i64 = 5;

/// The intake form's fields as typed (kept when saving fails).
#[derive(Debug, Clone, Default)]
struct Draft {
    mode: String,
    appellant_id: String,
    person_label: String,
    name: String,
    phone: String,
    email: String,
    org_unit_id: String,
    channel: String,
    kind: String,
    category: String,
    urgency: String,
    title: String,
    content: String,
    location: String,
    public_consent: bool,
    /// The answer to "this phone is already on the register": a person's id (use them) or
    /// "new" (register a new resident all the same).
    use_person: String,
}

impl Draft {
    fn from_form(f: &FormData) -> Draft {
        Draft {
            mode: f.get("mode").unwrap_or("named").to_string(),
            appellant_id: f.raw("appellant_id"),
            person_label: f.raw("person_label"),
            name: f.raw("appellant.name"),
            phone: f.raw("appellant.phone"),
            email: f.raw("appellant.email"),
            org_unit_id: f.raw("org_unit_id"),
            channel: f.raw("channel"),
            kind: f.raw("kind"),
            category: f.raw("category"),
            urgency: f.raw("urgency"),
            title: f.raw("title"),
            content: f.raw("content"),
            location: f.raw("location"),
            public_consent: f.checked("public_consent"),
            use_person: f.raw("use_person"),
        }
    }
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    c: Chrome,
    d: Draft,
    errors: FieldErrors,
    /// Errors of fields the form has no place for (shown at the top).
    other_errors: Vec<String>,
    channels: Vec<Choice>,
    kinds: Vec<Choice>,
    urgencies: Vec<Choice>,
    categories: Vec<CategoryGroup>,
    nodes: Vec<Choice>,
    /// The people of the register who have the phone typed for a new appellant.
    phone_owners: Vec<Suggestion>,
    /// Whether one of them has the name typed too (the intake links to them: no question).
    same_name: bool,
}

/// The fields the form shows errors beside.
const FIELDS: &[&str] = &[
    "appellant",
    "appellant_id",
    "appellant.name",
    "appellant.phone",
    "appellant.email",
    "org_unit_id",
    "channel",
    "kind",
    "category",
    "urgency",
    "title",
    "content",
    "location",
];

async fn intake_page(
    state: &AppState,
    s: &Session,
    d: Draft,
    errors: FieldErrors,
) -> Result<IntakePage, UiError> {
    let lang = s.lang;
    let other_errors = errors.other(FIELDS);
    let phone_owners = match d.mode.as_str() {
        "named" => phone_owners(state, &s.actor, &d.phone, "page /appeals/new").await?,
        _ => Vec::new(),
    };
    let same_name = phone_owners.iter().any(|p| p.name == d.name.trim());
    Ok(IntakePage {
        c: s.chrome("intake"),
        channels: vocabulary_choices(
            lang,
            Channel::ALL,
            Channel::code,
            Channel::label_zh,
            &d.channel,
        ),
        kinds: vocabulary_choices(lang, Kind::ALL, Kind::code, Kind::label_zh, &d.kind),
        urgencies: vocabulary_choices(
            lang,
            Urgency::ALL,
            Urgency::code,
            Urgency::label_zh,
            &d.urgency,
        ),
        categories: category_groups(state, lang, &d.category).await?,
        nodes: node_choices(state, &s.actor, &d.org_unit_id).await?,
        d,
        errors,
        other_errors,
        phone_owners,
        same_name,
    })
}

fn require_intake(s: &Session) -> Result<(), Failed> {
    crate::app::require(&s.actor, Capability::Intake, &deed::INTAKE)
        .map_err(|e| UiError::from(e).page(s.lang))
}

pub(crate) async fn form(State(state): State<AppState>, s: Session) -> PageResult {
    require_intake(&s)?;
    let d = Draft {
        mode: "named".into(),
        org_unit_id: s.actor.org_unit_id.to_string(),
        channel: Channel::WalkIn.code().into(),
        urgency: Urgency::Normal.code().into(),
        ..Draft::default()
    };
    let page = intake_page(&state, &s, d, FieldErrors::new(s.lang))
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// The form as the API's intake body, and the faults only the form can have (a choice not
/// made). A missing choice is filled with a stand-in so the API's checks still run and name
/// every other fault at the same time; the body is never saved while `errors` has any.
fn appeal_in(d: &Draft, errors: &mut FieldErrors) -> AppealIn {
    let mut vocab = |field: &str, value: &str, missing: &Msg| {
        if value.trim().is_empty() {
            errors.push(field, missing);
        }
        value.trim().to_string()
    };
    let channel = Channel::parse(&vocab(
        "channel",
        &d.channel,
        &msg!("channel_pick", "请选择受理渠道", "Choose the channel"),
    ));
    let kind = Kind::parse(&vocab(
        "kind",
        &d.kind,
        &msg!("kind_pick", "请选择诉求类型", "Choose the kind of appeal"),
    ));
    let urgency = Urgency::parse(d.urgency.trim()).unwrap_or(Urgency::Normal);
    let org_unit_id = d.org_unit_id.trim().parse::<i64>().ok();
    if org_unit_id.is_none() {
        errors.push(
            "org_unit_id",
            &msg!(
                "appeal_unit_needed",
                "请选择诉求涉及的社区或网格",
                "Choose the community or grid the appeal concerns"
            ),
        );
    }
    let (appellant_id, appellant, anonymous) = match d.mode.as_str() {
        "person" => match d.appellant_id.trim().parse::<i64>() {
            Ok(id) => (Some(id), None, None),
            Err(_) => {
                errors.push(
                    "appellant_id",
                    &msg!(
                        "appellant_pick",
                        "请输入姓名或电话查找，并从结果中选择一位人员",
                        "Search by name or phone and choose a person from the results"
                    ),
                );
                (None, None, Some(true))
            }
        },
        "anonymous" => (None, None, Some(true)),
        _ => (
            None,
            Some(AppellantIn {
                name: d.name.clone(),
                phone: Some(d.phone.clone()).filter(|p| !p.trim().is_empty()),
                email: Some(d.email.clone()).filter(|e| !e.trim().is_empty()),
            }),
            None,
        ),
    };
    let optional = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    AppealIn {
        appellant_id,
        appellant,
        anonymous,
        org_unit_id: org_unit_id.unwrap_or(0),
        channel: channel.unwrap_or(Channel::WalkIn),
        kind: kind.unwrap_or(Kind::Help),
        category: d.category.clone(),
        urgency: Some(urgency),
        title: optional(&d.title),
        content: d.content.clone(),
        location: optional(&d.location),
        public_consent: d.public_consent,
    }
}

/// The people of the actor's scope with `phone` (if it is a valid one), most a few.
async fn phone_owners(
    state: &AppState,
    actor: &Actor,
    phone: &str,
    via: &str,
) -> Result<Vec<Suggestion>, UiError> {
    let Ok(phone) = validate_phone(phone) else {
        return Ok(Vec::new());
    };
    let people = state
        .store
        .people_with_phone(actor, &phone, PHONE_OWNERS)
        .await?;
    suggestions(state, actor, &people, via).await
}

/// A new appellant whose phone is already a registered person's. The same name is the same
/// person (the store links them); another name may be a household member sharing the phone
/// or a typing slip, which only the receptionist can tell: the form asks her to choose that
/// person (`use_person` = their id, which turns the intake into one for them) or to say it
/// is a new resident (`use_person=new`) rather than silently adding a second person.
async fn confirm_phone(
    state: &AppState,
    actor: &Actor,
    d: &mut Draft,
    errors: &mut FieldErrors,
) -> Result<(), UiError> {
    if d.mode != "named" || d.use_person == "new" {
        return Ok(());
    }
    if let Ok(id) = d.use_person.trim().parse::<i64>() {
        let chosen = state.store.person(actor, id).await?;
        let shown = suggestions(state, actor, chosen.as_slice(), "page /appeals/new").await?;
        if let Some(p) = shown.into_iter().next() {
            d.mode = "person".into();
            d.appellant_id = p.id.to_string();
            d.person_label = p.label;
            return Ok(());
        }
    }
    let owners = phone_owners(state, actor, &d.phone, "page /appeals/new").await?;
    if !owners.is_empty() && !owners.iter().any(|p| p.name == d.name.trim()) {
        let who: Vec<&str> = owners.iter().map(|p| p.label.as_str()).collect();
        let msg = msg!(
            "phone_registered",
            "该电话已登记：{people}。是同一人请选“使用此人”，不是请选“仍作为新居民登记”",
            "This phone is registered: {people}. If it is the same person choose \"Use this person\", else \"Register as a new resident\""
        );
        let error = FieldError::new("appellant.phone", &msg);
        errors.push_error(&error.with_words("people", &who.join("；"), &who.join("; ")));
    }
    Ok(())
}

/// `POST /appeals/new`: saved → the receipt, with "已登记 SQ…" and a link to register the
/// next one; not saved → the form again with everything typed and every fault at its field.
pub(crate) async fn submit(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_intake(&s)?;
    let mut d = Draft::from_form(&post.form);
    let mut errors = FieldErrors::new(s.lang);
    confirm_phone(&state, &s.actor, &mut d, &mut errors)
        .await
        .map_err(fail(s.lang))?;
    let body = appeal_in(&d, &mut errors);
    let result = if errors.any() {
        // Only to name the other faults too: nothing is saved.
        check_intake(&state, &s.actor, body.into())
            .await
            .map(|_| None)
    } else {
        register_appeal(&state, &s.actor, body.into())
            .await
            .map(Some)
    }
    .map_err(crate::problem::Problem::from);
    match result {
        Ok(Some(rec)) => {
            let a = &rec.appeal;
            let flash = Flash::new("flash.registered")
                .detail(a.tracking_code.clone())
                .next("/appeals/new", "flash.intake_next");
            Ok(saved(&state, &format!("/appeals/{}/receipt", a.id), flash))
        }
        Ok(None) => form_again(&state, &s, d, errors).await,
        Err(p) if p.status == 422 || p.status == 400 => {
            for (field, message) in FieldErrors::from_problem(&p, s.lang).0 {
                if errors.get(&field).is_empty() {
                    errors.push_text(&field, message);
                }
            }
            form_again(&state, &s, d, errors).await
        }
        Err(p) => Err(UiError::from(p).page(s.lang)),
    }
}

/// The form again after a failed save: 422, what was typed, the errors at their fields.
async fn form_again(state: &AppState, s: &Session, d: Draft, errors: FieldErrors) -> PageResult {
    let page = intake_page(state, s, d, errors)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

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
/// same place, in the same category.
async fn similar_recent(
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

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    c: Chrome,
    id: i64,
    code: String,
    received: String,
    appellant: String,
    phone: String,
    channel: &'static str,
    kind: &'static str,
    category: String,
    urgency: &'static str,
    content: String,
    location: String,
    respond_by: String,
    resolve_by: String,
    station: String,
    receiver: String,
    /// The public address of the tracking page (`admin::track_url`).
    track_url: String,
}

/// The printable A4 receipt (登记回执). The phone is masked on paper whoever prints it.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let lang = s.lang;
    let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
    let names = crate::app::appeals::category_names(&state, lang == super::i18n::Lang::En)
        .await
        .map_err(fail(lang))?;
    let events = state.store.events(id).await.map_err(fail(lang))?;
    let a = &rec.appeal;
    let receiver = events
        .first()
        .map(|e| e.actor_name.clone())
        .unwrap_or_default();
    let phone = rec
        .appellant_phone
        .clone()
        .or(match &a.appellant {
            suqiu_core::appeal::Appellant::Named { phone, .. } => phone.clone(),
            _ => None,
        })
        .map(|p| mask_phone(&p))
        .unwrap_or_default();
    // The unit that received it (首接), which may since have handed it on.
    let station = state
        .store
        .org_unit(a.received_by_org_unit_id)
        .await
        .map_err(fail(lang))?
        .map(|u| u.name)
        .unwrap_or_else(|| rec.handling_org_unit_name.clone());
    let page = ReceiptPage {
        c: s.chrome("intake"),
        id,
        code: a.tracking_code.clone(),
        received: when(a.created_at),
        appellant: appellant_name(lang, &rec),
        phone,
        channel: lang.label(a.channel.code(), a.channel.label_zh()),
        kind: lang.label(a.kind.code(), a.kind.label_zh()),
        category: category_label(&names, &a.category),
        urgency: lang.label(a.urgency.code(), a.urgency.label_zh()),
        content: a.content.clone(),
        location: a.location.clone().unwrap_or_default(),
        respond_by: deadline_at(a.respond_by),
        resolve_by: a
            .resolve_by
            .map(deadline_at)
            .unwrap_or_else(|| lang.t("time.none").to_string()),
        station,
        receiver,
        track_url: super::admin::track_url(&state, &headers)
            .await
            .map_err(fail(lang))?,
    };
    render(lang, &page)
}
