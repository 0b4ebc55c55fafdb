//! 诉求登记 (一门式受理): one form for every channel. The appellant is a registered person
//! (found by name or phone as you type), a new one (name and phone), or anonymous. Before
//! saving, the form shows the deadlines the appeal will get and earlier appeals about the
//! same matter, and suggests categories and the usual handler for what is typed
//! (`suggest`); saving goes through the API's own intake function and ends on a printable
//! A4 receipt (登记回执) that says it was saved. A new appellant with a phone goes on the
//! people register (see `app::appeals::register_appeal`).

mod check;
mod receipt;
mod submit;
mod suggest;

use askama::Template;
use axum::extract::State;
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::appeal::{Channel, Kind, Urgency};
use suqiu_core::validate::validate_phone;

use super::appeals::{category_groups, node_choices, CategoryGroup};
use super::pick::{suggestions, Suggestion};
use super::view::{vocabulary_choices, Choice, Chrome, FieldErrors};
use super::{fail, render, Failed, FormData, PageResult, Session, UiError};
use crate::state::AppState;

pub(crate) use check::check;
pub(crate) use receipt::receipt;
pub(crate) use submit::submit;
pub(crate) use suggest::suggest;

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
    /// The suggested categories for the content typed (a form shown again), if any.
    suggested: Option<suggest::Chips>,
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
    let typed = suggest::Typed {
        title: Some(d.title.clone()).filter(|t| !t.trim().is_empty()),
        content: d.content.clone(),
        location: Some(d.location.clone()).filter(|l| !l.trim().is_empty()),
        org_unit_id: d.org_unit_id.trim().parse().unwrap_or(0),
    };
    let suggested = match typed.content.trim().is_empty() {
        true => None,
        false => suggest::chips(state, s, &typed).await,
    };
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
        suggested,
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
