//! The service register's rules as decide → event → apply, the shape of the aid fund
//! (`crate::fund`): what may be added, who may register where, and which hours may be
//! logged are decided here, once, without IO.
//!
//! `decide` is a pure function of a community's register as far as the command reads it
//! (the community, its posts, the registrations it names, the facts about the person
//! registering), the command and the day; it refuses with a reason or returns the event.
//! `apply` folds an event into that state under the id the store gave its row. The store
//! loads the state inside its write transaction (scope is its queries' business), asks
//! `decide` and writes the event; the schema's `UNIQUE` constraints stay as a last line
//! against two writers deciding at the same moment.

use chrono::NaiveDate;

pub use crate::error::Refusal;
use crate::error::{FieldError, Msg, TOO_LONG};
use crate::msg;
use crate::org::OrgKind;
use crate::person::PartyCategory;
use crate::Id;

use super::{check_post_name, check_served_on, MAX_NOTE_CHARS, MAX_TENTHS};

/// Said when a community already has a post of that name (also the store's last line).
pub const POST_NAME_TAKEN: Msg = msg!(
    "post_name_taken",
    "本站已有同名岗位",
    "This site already has a post of that name"
);
/// Said when the member has registered at that community before (also the store's last
/// line).
pub const ALREADY_REGISTERED: Msg = msg!(
    "already_registered",
    "该党员已在本社区报到",
    "This party member has already checked in here"
);
/// Said of a registration that is unknown or outside the actor's scope.
pub const REGISTRATION_UNKNOWN: Msg = msg!(
    "registration_out_of_scope",
    "未知的报到记录或不在管辖范围内",
    "Unknown check-in, or outside your scope"
);

/// The node a command is about, as a decision needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub org_unit_id: Id,
    pub name: String,
    pub kind: OrgKind,
}

/// A post of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: Id,
    pub name: String,
}

/// A member's registration at the site, the posts chosen and the hours logged on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub id: Id,
    pub person_id: Id,
    pub registered_on: NaiveDate,
    /// Sorted, each once.
    pub post_ids: Vec<Id>,
    /// In tenths of an hour.
    pub total_tenths: i64,
}

/// The person a registration names (found in the actor's scope): their party category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub person_id: Id,
    pub party: Option<PartyCategory>,
}

/// Everything a decision reads, loaded by the store inside its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub site: Site,
    /// The site's posts.
    pub posts: Vec<Post>,
    /// The site's registrations the command names: the person's, for a registration; the
    /// one hours go to, for hours.
    pub registrations: Vec<Registration>,
    /// The person a registration names.
    pub member: Option<Member>,
}

/// The day it is where the register is kept.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub today: NaiveDate,
}

/// A new registration: an in-service party member, a community, the posts chosen there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    pub person_id: Id,
    pub org_unit_id: Id,
    pub registered_on: NaiveDate,
    pub post_ids: Vec<Id>,
}

/// Hours to log on a registration (see [`super::hours_entry`] for hours as typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHours {
    pub registration_id: Id,
    pub post_id: Id,
    pub served_on: NaiveDate,
    pub hours_tenths: i64,
    pub note: String,
}

/// What a keeper of the register asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Add a post to the site's list.
    AddPost { name: String },
    /// Register the state's member at the site.
    Register(NewRegistration),
    /// Log hours on one of the state's registrations.
    LogHours(NewHours),
}

/// What happened to the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A post of this name (trimmed) was added.
    PostAdded { name: String },
    /// The member registered, choosing these posts (sorted, each once).
    Registered {
        person_id: Id,
        registered_on: NaiveDate,
        post_ids: Vec<Id>,
    },
    /// Hours were logged (the note trimmed).
    HoursLogged(NewHours),
}

/// Decides `command` against `state` on `ctx.today`: the event to write, or why not.
pub fn decide(state: &State, command: &Command, ctx: &Context) -> Result<Event, Refusal> {
    match command {
        Command::AddPost { name } => add_post(state, name),
        Command::Register(new) => register(state, new, ctx),
        Command::LogHours(new) => log_hours(state, new, ctx),
    }
}

/// Posts and registrations belong to a community (a station), not to a street or grid.
fn community(site: &Site, field: &str) -> Result<(), Refusal> {
    if site.kind == OrgKind::Community {
        return Ok(());
    }
    Err(Refusal::invalid(
        field,
        &msg!(
            "service_needs_community",
            "服务岗位和报到都属于居民区/村",
            "Service posts and check-ins belong to a community or village"
        ),
    ))
}

/// A post's name, checked, once per site.
fn add_post(state: &State, name: &str) -> Result<Event, Refusal> {
    let name = check_post_name(name).map_err(Refusal::Invalid)?;
    community(&state.site, "org_unit_id")?;
    if state.posts.iter().any(|p| p.name == name) {
        return Err(Refusal::Conflict(FieldError::new("name", &POST_NAME_TAKEN)));
    }
    Ok(Event::PostAdded { name })
}

/// The date a registration may carry: not after today.
pub fn check_registered_on(registered_on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if registered_on > today {
        return Err(FieldError::new(
            "registered_on",
            &msg!(
                "registered_on_future",
                "报到日期不能晚于今天",
                "The registration date cannot be after today"
            ),
        ));
    }
    Ok(())
}

/// An in-service party member registers once per community, on at least one of its posts,
/// on a day not after today.
fn register(state: &State, new: &NewRegistration, ctx: &Context) -> Result<Event, Refusal> {
    check_registered_on(new.registered_on, ctx.today).map_err(Refusal::Invalid)?;
    community(&state.site, "org_unit_id")?;
    let in_service = state
        .member
        .filter(|m| m.person_id == new.person_id)
        .and_then(|m| m.party)
        == Some(PartyCategory::InService);
    if !in_service {
        return Err(Refusal::invalid(
            "person_id",
            &msg!(
                "not_in_service_member",
                "只有党员类别为「在职报到」的人员可以报到服务",
                "Only party members checked in from their workplace can sign up to serve"
            ),
        ));
    }
    if new.post_ids.is_empty() {
        return Err(Refusal::invalid(
            "post_ids",
            &msg!(
                "post_ids_empty",
                "请至少选择一个服务岗位",
                "Choose at least one service post"
            ),
        ));
    }
    if new
        .post_ids
        .iter()
        .any(|id| !state.posts.iter().any(|p| p.id == *id))
    {
        let e = FieldError::new(
            "post_ids",
            &msg!(
                "post_not_at_unit",
                "「{unit}」没有这个服务岗位",
                "\"{unit}\" has no such service post"
            ),
        );
        return Err(Refusal::Invalid(e.with("unit", &state.site.name)));
    }
    if state
        .registrations
        .iter()
        .any(|r| r.person_id == new.person_id)
    {
        let e = FieldError::new("person_id", &ALREADY_REGISTERED);
        return Err(Refusal::Conflict(e));
    }
    let mut post_ids = new.post_ids.clone();
    post_ids.sort_unstable();
    post_ids.dedup();
    Ok(Event::Registered {
        person_id: new.person_id,
        registered_on: new.registered_on,
        post_ids,
    })
}

/// Every error of an hours entry's own fields at once: more than 0 and at most a day, a
/// note of at most [`MAX_NOTE_CHARS`].
pub fn check_hours(new: &NewHours) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !(1..=MAX_TENTHS).contains(&new.hours_tenths) {
        // The same words as hours typed out of range (`super::hours_tenths`).
        let hours = new.hours_tenths as f64 / 10.0;
        errors.extend(super::hours_tenths(hours).err());
    }
    if new.note.trim().chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError::new("note", &TOO_LONG).with("max", MAX_NOTE_CHARS));
    }
    errors
}

/// Hours go on a registration of the state, on a post it chose, on a day between the
/// registration and today.
fn log_hours(state: &State, new: &NewHours, ctx: &Context) -> Result<Event, Refusal> {
    if let Some(e) = check_hours(new).into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    let Some(reg) = state
        .registrations
        .iter()
        .find(|r| r.id == new.registration_id)
    else {
        return Err(Refusal::invalid("registration_id", &REGISTRATION_UNKNOWN));
    };
    if !reg.post_ids.contains(&new.post_id) {
        return Err(Refusal::invalid(
            "post_id",
            &msg!(
                "post_not_chosen",
                "请选择该党员报到时选定的岗位",
                "Choose a post the member chose at check-in"
            ),
        ));
    }
    check_served_on(new.served_on, reg.registered_on, ctx.today).map_err(Refusal::Invalid)?;
    Ok(Event::HoursLogged(NewHours {
        note: new.note.trim().to_string(),
        ..new.clone()
    }))
}

/// Folds `event` into `state`; `id` is the id the store gave the new row (a post's, a
/// registration's or an hours entry's).
pub fn apply(state: &mut State, event: &Event, id: Id) {
    match event {
        Event::PostAdded { name } => state.posts.push(Post {
            id,
            name: name.clone(),
        }),
        Event::Registered {
            person_id,
            registered_on,
            post_ids,
        } => state.registrations.push(Registration {
            id,
            person_id: *person_id,
            registered_on: *registered_on,
            post_ids: post_ids.clone(),
            total_tenths: 0,
        }),
        Event::HoursLogged(h) => {
            if let Some(r) = state
                .registrations
                .iter_mut()
                .find(|r| r.id == h.registration_id)
            {
                r.total_tenths += h.hours_tenths;
            }
        }
    }
}
