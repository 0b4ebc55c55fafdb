//! 组团式服务 and 结对: a station's service teams (members, the blocks of households each
//! owns, how many of those households were visited this month) and its pairings with their
//! contact logs, with the forms to set them up and to log a contact. The same use cases
//! as the JSON API (`app::care::{teams, pairings}`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use suqiu_core::access::{Capability, Role};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::care::team::{BlockOf, Partner};
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::Id;
use suqiu_store::people_search::Among;
use suqiu_store::teams::ContactMode;

use super::care::forbid_unless;
use super::pick::{person_pick, read_picked, PersonPick};
use super::posted::{render_with, Posted};
use super::view::{percent, vocabulary_choices, when, Choice, Chrome, FieldErrors};
use super::{fail, saved, Failed, Flash, FormData, PageResult, PostForm, Session, UiError};
use crate::app::care::pairings::{self, ContactInput, PairingInput};
use crate::app::care::teams::{self, Addition};
use crate::app::AppError;
use crate::state::AppState;

/// A team as the page shows it.
struct TeamRow {
    id: Id,
    name: String,
    members: String,
    blocks: String,
    coverage: String,
}

/// A pairing as the page shows it.
struct PairingRow {
    id: Id,
    person: String,
    partner: String,
    since: String,
    last_contact: String,
    /// The day it ended; `None` while it is active (contacts are logged, it may be ended).
    ended: Option<String>,
    contacts: Vec<(String, &'static str, String, String)>,
}

#[derive(Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    c: Chrome,
    teams: Vec<TeamRow>,
    pairings: Vec<PairingRow>,
    may_manage: bool,
    may_log: bool,
    /// Users of the station (staff, volunteers) who may join a team or be a partner.
    partners: Vec<Choice>,
    /// Grids of the station (a block of households).
    grids: Vec<Choice>,
    /// People on the care register (to pair; a search on a large register).
    in_care: PersonPick,
    modes: Vec<Choice>,
    /// The buildings on the register's addresses: a block is picked from these.
    buildings: Vec<String>,
    /// The form that was refused, as typed, with what to fix.
    posted: Posted,
    period: String,
}

impl TeamsPage {
    fn t(&self, key: &str) -> &'static str {
        self.c.t(key)
    }
}

/// The first of this month to today: the coverage period shown.
fn this_month(state: &AppState) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let today = shanghai_date(state.now());
    (today.with_day(1).unwrap_or(today), today)
}

/// `GET /care/teams`: the station's teams and pairings.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    teams_page(&state, &s, Posted::none()).await
}

/// The addresses on the register of the user's station (the households a block can hold).
async fn register_addresses(state: &AppState, s: &Session) -> Result<Vec<String>, Failed> {
    state
        .store
        .register_addresses(&s.actor, s.actor.org_unit_id)
        .await
        .map_err(fail(s.lang))
}

/// The station's teams with this month's household coverage.
async fn team_rows(
    state: &AppState,
    s: &Session,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Vec<TeamRow>, UiError> {
    let mut rows = Vec::new();
    for t in teams::under(state, &s.actor, None).await? {
        let cov = teams::coverage(state, &s.actor, t.team.id, (from, to)).await?;
        rows.push(TeamRow {
            id: t.team.id,
            name: t.team.name.clone(),
            members: t
                .members
                .iter()
                .map(|m| m.name.clone())
                .collect::<Vec<_>>()
                .join("、"),
            blocks: t
                .blocks
                .iter()
                .map(|b| {
                    b.org_unit_name
                        .clone()
                        .or_else(|| b.address_prefix.clone())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("、"),
            coverage: format!(
                "{} / {} · {}",
                cov.households.visited,
                cov.households.total,
                percent(cov.households.rate)
            ),
        });
    }
    Ok(rows)
}

/// The station's pairings, each with its last five contacts.
async fn pairing_rows(state: &AppState, s: &Session) -> Result<Vec<PairingRow>, UiError> {
    let (lang, node) = (s.lang, s.actor.org_unit_id);
    let mut pairings = Vec::new();
    for p in pairings::list(state, &s.actor, Some(node), None).await? {
        let contacts = pairings::contacts(state, &s.actor, p.id)
            .await?
            .into_iter()
            .take(5)
            .map(|c| {
                (
                    when(c.contacted_at),
                    lang.label(c.mode.code(), c.mode.label_zh()),
                    c.note,
                    c.recorded_by,
                )
            })
            .collect();
        pairings.push(PairingRow {
            id: p.id,
            person: p.person_name,
            partner: p.partner_name,
            since: p.started_on.to_string(),
            last_contact: p
                .last_contact
                .map(when)
                .unwrap_or_else(|| lang.t("care.never").into()),
            ended: p.ended_on.map(|d| d.to_string()),
            contacts,
        });
    }
    Ok(pairings)
}

/// What the forms offer: partners (users), grids, people in care, buildings on the register.
struct Offered {
    partners: Vec<Choice>,
    grids: Vec<Choice>,
    in_care: PersonPick,
    buildings: Vec<String>,
}

async fn offered(state: &AppState, s: &Session) -> Result<Offered, Failed> {
    let lang = s.lang;
    let node = s.actor.org_unit_id;
    let may_manage = s.may(Capability::ManageCare);
    let (mut partners, mut grids, mut in_care) = (Vec::new(), Vec::new(), PersonPick::default());
    let mut buildings = Vec::new();
    if may_manage {
        let addresses = register_addresses(state, s).await?;
        buildings = suqiu_core::care::buildings(addresses.iter().map(String::as_str));
        partners = state
            .store
            .users_in_scope(&s.actor)
            .await
            .map_err(fail(lang))?
            .into_iter()
            .filter(|u| matches!(u.role, Role::StationStaff | Role::Volunteer))
            .map(|u| Choice::new(u.id.to_string(), u.display_name, ""))
            .collect();
        grids = state
            .store
            .org_units()
            .await
            .map_err(fail(lang))?
            .into_iter()
            .filter(|u| u.kind == OrgKind::Grid && in_subtree(&s.actor.org_path, &u.path))
            .map(|u| Choice::new(u.id.to_string(), u.name, ""))
            .collect();
        // The care register's people only, found in the store (not among the first few
        // hundred of the register).
        in_care = person_pick(state, &s.actor, (Some(node), Among::InCare))
            .await
            .map_err(fail(lang))?;
    }
    Ok(Offered {
        partners,
        grids,
        in_care,
        buildings,
    })
}

async fn teams_page(state: &AppState, s: &Session, posted: Posted) -> PageResult {
    let lang = s.lang;
    forbid_unless(
        s,
        s.may(Capability::LogVisit) || s.may(Capability::ManageCare),
    )?;
    let (from, to) = this_month(state);
    let teams = team_rows(state, s, (from, to)).await.map_err(fail(lang))?;
    let pairings = pairing_rows(state, s).await.map_err(fail(lang))?;
    let may_manage = s.may(Capability::ManageCare);
    let Offered {
        partners,
        grids,
        in_care,
        buildings,
    } = offered(state, s).await?;
    let status = posted.status();
    render_with(
        lang,
        &TeamsPage {
            c: s.chrome("teams"),
            teams,
            pairings,
            may_manage,
            may_log: s.may(Capability::LogVisit),
            partners,
            grids,
            in_care,
            modes: vocabulary_choices(
                lang,
                ContactMode::ALL,
                ContactMode::code,
                ContactMode::label_zh,
                "home",
            ),
            buildings,
            posted,
            period: format!("{from} – {to}"),
        },
        status,
    )
}

/// An id field of the form, or the page again with what to fix.
fn form_id(form: &super::FormData, key: &str) -> Option<Id> {
    form.id(key).ok().flatten()
}

/// A refused write shown on the page with form `form` as typed (4xx); anything else is an
/// error page.
async fn again(
    state: &AppState,
    s: &Session,
    (form, data): (String, FormData),
    e: AppError,
) -> Result<Response, Failed> {
    let p = crate::problem::Problem::from(e);
    if matches!(p.status, 404 | 409 | 422) {
        let errors = FieldErrors::of_problem(&p, &[], s.lang);
        teams_page(state, s, Posted::refused(form, data, errors)).await
    } else {
        Err(UiError::from(p).page(s.lang))
    }
}

/// The form again with one message beside `field`, in the page's language.
async fn refuse(
    state: &AppState,
    s: &Session,
    (form, data): (String, FormData),
    field: &str,
    message: &str,
) -> PageResult {
    let mut errors = FieldErrors::new(s.lang);
    errors.push_text(field, message);
    teams_page(state, s, Posted::refused(form, data, errors)).await
}

/// `POST /care/teams`: a new team at the user's station (`name`).
pub(crate) async fn create_team(
    State(state): State<AppState>,
    PostForm { session: s, form }: PostForm,
) -> PageResult {
    match teams::create(&state, &s.actor, None, &form.raw("name")).await {
        Ok(detail) => {
            let flash = Flash::new("flash.team_created").detail(detail.team.name);
            Ok(saved(&state, "/care/teams#teams", flash))
        }
        Err(e) => again(&state, &s, ("team".into(), form), e).await,
    }
}

/// `POST /care/teams/{id}`: a member (`user_id`) or a block (`grid_id` or
/// `address_prefix`) added to a team the user may see.
pub(crate) async fn add_to_team(
    State(state): State<AppState>,
    super::PageId(id): super::PageId,
    PostForm { session: s, form }: PostForm,
) -> PageResult {
    // Each of the row's three forms says which it is, so a refusal is shown beside its own
    // field (a member form posted empty is not the building form's mistake).
    let part = form
        .get("part")
        .unwrap_or(if form.get("user_id").is_some() {
            "member"
        } else if form.get("grid_id").is_some() {
            "grid"
        } else {
            "block"
        });
    let (name, field) = match part {
        "member" => (format!("member-{id}"), "user_id"),
        "grid" => (format!("grid-{id}"), "grid_id"),
        _ => (format!("block-{id}"), "address_prefix"),
    };
    let addition = match (part, form_id(&form, field), form.get(field)) {
        ("member", Some(user), _) => Addition::Member(Partner::User(user)),
        ("grid", Some(grid), _) => Addition::Block(BlockOf::Node(grid)),
        ("member" | "grid", _, _) | (_, _, None) => {
            let msg = s.lang.t("teams.choose");
            return refuse(&state, &s, (name, form), field, msg).await;
        }
        (_, _, Some(prefix)) => Addition::Block(BlockOf::Address(prefix.to_string())),
    };
    match teams::add(&state, &s.actor, id, addition).await {
        Ok(detail) => {
            let flash = Flash::new("flash.team_changed").detail(detail.team.name);
            Ok(saved(&state, "/care/teams#teams", flash))
        }
        Err(e) => again(&state, &s, (name, form), e).await,
    }
}

/// `POST /care/pairings`: a person in care (`person_id`) paired with a user
/// (`partner_user_id`).
pub(crate) async fn create_pairing(
    State(state): State<AppState>,
    PostForm { session: s, form }: PostForm,
) -> PageResult {
    // Someone in care typed without script: found on the station's care register.
    let from = (Some(s.actor.org_unit_id), Among::InCare);
    let (form, chosen) = read_picked(&state, &s.actor, (form, "person_id"), from, |form| {
        match (form_id(form, "person_id"), form_id(form, "partner_user_id")) {
            (Some(person), Some(partner)) => Ok((person, partner)),
            _ => {
                let mut errors = FieldErrors::new(s.lang);
                for field in ["person_id", "partner_user_id"] {
                    if form_id(form, field).is_none() {
                        errors.push_text(field, s.lang.t("teams.choose"));
                    }
                }
                Err(errors)
            }
        }
    })
    .await
    .map_err(fail(s.lang))?;
    let (person, partner) = match chosen {
        Ok(chosen) => chosen,
        Err(errors) => {
            return teams_page(&state, &s, Posted::refused("pairing", form, errors)).await
        }
    };
    let input = PairingInput {
        person_id: person,
        partner: Partner::User(partner),
        started_on: None,
        note: form.get("note").map(str::to_string),
    };
    match pairings::create(&state, &s.actor, input).await {
        Ok(_) => {
            let flash = Flash::new("flash.paired");
            Ok(saved(&state, "/care/teams#pairings", flash))
        }
        Err(e) => again(&state, &s, ("pairing".into(), form), e).await,
    }
}

/// `POST /care/pairings/{id}/end`: the pairing ends today.
pub(crate) async fn end_pairing(
    State(state): State<AppState>,
    super::PageId(id): super::PageId,
    PostForm { session: s, form }: PostForm,
) -> PageResult {
    match pairings::end(&state, &s.actor, id, None).await {
        Ok(_) => {
            let flash = Flash::new("flash.pairing_ended");
            Ok(saved(&state, "/care/teams#pairings", flash))
        }
        Err(e) => again(&state, &s, (format!("end-{id}"), form), e).await,
    }
}

/// `POST /care/pairings/{id}/contacts`: a contact logged now (`mode`, `note`).
pub(crate) async fn add_contact(
    State(state): State<AppState>,
    super::PageId(id): super::PageId,
    PostForm { session: s, form }: PostForm,
) -> PageResult {
    let mode = form
        .get("mode")
        .and_then(ContactMode::parse)
        .unwrap_or(ContactMode::Other);
    let input = ContactInput {
        contacted_at: None,
        mode,
        note: form.raw("note"),
    };
    match pairings::log_contact(&state, &s.actor, id, input).await {
        Ok(_) => {
            let flash = Flash::new("flash.contact_logged");
            Ok(saved(&state, "/care/teams#pairings", flash))
        }
        Err(e) => again(&state, &s, (format!("contact-{id}"), form), e).await,
    }
}
