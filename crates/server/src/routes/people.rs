//! The people register: create, read, update, list. Phone and ID numbers are validated on
//! the way in and masked on the way out for roles that may not see them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::org::in_subtree;
use suqiu_core::person::{CareTag, Gender, PartyCategory, PartyProfile, Person, PersonDraft};
use suqiu_core::validate::{mask_id_number, mask_phone};
use suqiu_core::Id;
use suqiu_store::people::PeopleFilter;
use utoipa::ToSchema;

use crate::app::require;
use crate::auth::AuthActor;
use crate::dto::{double_option, time, PageOut, RefOut};
use crate::extract::{ApiJson, IdPath, Params};
use crate::problem::{ApiResult, Problem, Problems};
use crate::read_audit;
use crate::scope::filter_node_in_scope;
use crate::state::AppState;
use suqiu_core::access::deed;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyIn {
    /// `registered|in_service|new_org|floating`
    #[schema(value_type = String, example = "registered")]
    pub category: PartyCategory,
    #[serde(default)]
    pub joined_on: Option<NaiveDate>,
    #[serde(default)]
    pub branch: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonIn {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// 18 characters, checksum-validated.
    #[serde(default)]
    pub id_number: Option<String>,
    /// `male|female`; derived from the ID number when not given.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Gender>,
    /// Derived from the ID number when not given.
    #[serde(default)]
    pub birth_date: Option<NaiveDate>,
    pub org_unit_id: Id,
    #[serde(default)]
    pub address: Option<String>,
    /// Care tag codes (`elderly_member`, `living_alone`, …).
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub party: Option<PartyIn>,
}

/// A partial update: absent fields stay, `null` clears an optional field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub id_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub gender: Option<Option<Gender>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub birth_date: Option<Option<NaiveDate>>,
    #[serde(default)]
    pub org_unit_id: Option<Id>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<PartyIn>)]
    pub party: Option<Option<PartyIn>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOut {
    pub category: String,
    pub category_label: String,
    pub joined_on: Option<String>,
    pub branch: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOut {
    pub id: Id,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    /// Masked (`138****5678`) unless the role may see personal data.
    pub phone: Option<String>,
    /// Masked (`310117********123X`) unless the role may see personal data.
    pub id_number: Option<String>,
    pub org_unit_id: Id,
    pub address: Option<String>,
    pub tags: Vec<String>,
    pub tag_labels: Vec<String>,
    pub party: Option<PartyOut>,
    /// Whether phone and ID number are masked in this response.
    pub masked: bool,
    /// Who registered and last changed the record (single-person responses only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordTrailOut>,
}

impl PersonOut {
    pub fn new(p: &Person, reveal: bool) -> PersonOut {
        PersonOut {
            id: p.id,
            name: p.name.clone(),
            gender: p.gender.map(|g| g.code().to_string()),
            birth_date: p.birth_date.map(|d| d.to_string()),
            phone: p
                .phone
                .as_deref()
                .map(|v| if reveal { v.to_string() } else { mask_phone(v) }),
            id_number: p.id_number.as_deref().map(|v| {
                if reveal {
                    v.to_string()
                } else {
                    mask_id_number(v)
                }
            }),
            org_unit_id: p.org_unit_id,
            address: p.address.clone(),
            tags: p.tags.iter().map(|t| t.code().to_string()).collect(),
            tag_labels: p.tags.iter().map(|t| t.label_zh().to_string()).collect(),
            party: p.party.as_ref().map(|party| PartyOut {
                category: party.category.code().to_string(),
                category_label: party.category.label_zh().to_string(),
                joined_on: party.joined_on.map(|d| d.to_string()),
                branch: party.branch.clone(),
            }),
            masked: !reveal,
            record: None,
        }
    }
}

/// Who registered a person and who last changed it; `null` where it was not recorded
/// (records from before Suqiu kept this; shown as 未记录).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordTrailOut {
    pub created_at: String,
    pub created_by: Option<RefOut>,
    pub updated_at: String,
    pub updated_by: Option<RefOut>,
}

impl From<&suqiu_store::people::PersonTrail> for RecordTrailOut {
    fn from(t: &suqiu_store::people::PersonTrail) -> RecordTrailOut {
        let who = |w: &Option<(Id, String)>| {
            w.as_ref().map(|(id, name)| RefOut {
                id: *id,
                name: name.clone(),
            })
        };
        RecordTrailOut {
            created_at: time(t.created_at),
            created_by: who(&t.created_by),
            updated_at: time(t.updated_at),
            updated_by: who(&t.updated_by),
        }
    }
}

fn party_profile(p: PartyIn) -> PartyProfile {
    PartyProfile {
        category: p.category,
        joined_on: p.joined_on,
        branch: p.branch,
    }
}

/// Validates a draft into a person (id 0 for a new one), naming every field at fault: the
/// rules of [`PersonDraft::validate`], and a node in the caller's subtree.
async fn validate(state: &AppState, actor: &Actor, d: PersonDraft) -> ApiResult<Person> {
    let today = shanghai_date(state.now());
    let org_unit_id = d.org_unit_id;
    let checked = d.validate(today);
    let unit = state.store.org_unit(org_unit_id).await?;
    let unit_ok = unit.is_some_and(|u| in_subtree(&actor.org_path, &u.path));
    match checked {
        Ok(person) if unit_ok => Ok(person),
        Ok(_) => Err(Problem::field(
            "org_unit_id",
            &suqiu_core::error::ORG_UNIT_UNKNOWN,
        )),
        Err(mut errors) => {
            if !unit_ok {
                errors.push(FieldError::new(
                    "org_unit_id",
                    &suqiu_core::error::ORG_UNIT_UNKNOWN,
                ));
            }
            Err(Problem::invalid(errors))
        }
    }
}

fn require_manage(actor: &Actor) -> ApiResult<()> {
    Ok(require(
        actor,
        Capability::ManagePeople,
        &deed::MANAGE_PEOPLE,
    )?)
}

/// Registers a person. Gender and birth date come from the ID number when not given.
#[utoipa::path(post, path = "/api/v1/people", tag = "people",
    request_body = PersonIn,
    responses(
        (status = 201, body = PersonOut),
        Problems::<403, 422>,
    ))]
pub async fn create(
    State(state): State<AppState>,
    actor: AuthActor,
    ApiJson(body): ApiJson<PersonIn>,
) -> ApiResult<(StatusCode, Json<PersonOut>)> {
    let person = create_person(&state, &actor, body).await?;
    Ok((
        StatusCode::CREATED,
        Json(with_trail(&state, &actor, &person).await?),
    ))
}

/// Registration shared by the JSON API and the web form.
pub(crate) async fn create_person(
    state: &AppState,
    actor: &Actor,
    body: PersonIn,
) -> ApiResult<Person> {
    require_manage(actor)?;
    let draft = PersonDraft {
        name: body.name,
        phone: body.phone,
        id_number: body.id_number,
        gender: body.gender,
        birth_date: body.birth_date,
        org_unit_id: body.org_unit_id,
        address: body.address,
        tags: body.tags,
        party: body.party.map(party_profile),
    };
    let person = validate(state, actor, draft).await?;
    Ok(state
        .store
        .create_person_by(&person, Some(actor.user_id))
        .await?)
}

/// One person in the caller's scope.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people",
    params(("id" = i64, Path)),
    responses((status = 200, body = PersonOut), Problems::<404>))]
pub async fn get_one(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
) -> ApiResult<Json<PersonOut>> {
    let person = state
        .store
        .person(&actor, id)
        .await?
        .ok_or_else(Problem::not_found)?;
    read_audit::record(
        &state,
        &actor,
        read_audit::people([id]),
        "GET /api/v1/people/{id}",
    )
    .await?;
    with_trail(&state, &actor, &person).await.map(Json)
}

/// A person as the API returns one record: with who registered and last changed it.
async fn with_trail(state: &AppState, actor: &Actor, person: &Person) -> ApiResult<PersonOut> {
    let mut out = PersonOut::new(person, actor.may(Capability::SeePersonalData));
    out.record = state
        .store
        .person_trail(person.id)
        .await?
        .map(|t| RecordTrailOut::from(&t));
    Ok(out)
}

/// Changes some fields of a person: absent fields stay, `null` clears.
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people",
    params(("id" = i64, Path)),
    request_body = PersonPatch,
    responses(
        (status = 200, body = PersonOut),
        Problems::<403, 404, 422>,
    ))]
pub async fn update(
    State(state): State<AppState>,
    actor: AuthActor,
    IdPath(id): IdPath,
    ApiJson(patch): ApiJson<PersonPatch>,
) -> ApiResult<Json<PersonOut>> {
    let person = update_person(&state, &actor, id, patch).await?;
    // The answer shows the whole record, fields not sent included: a read like any other.
    read_audit::record(
        &state,
        &actor,
        read_audit::people([id]),
        "PATCH /api/v1/people/{id}",
    )
    .await?;
    Ok(Json(with_trail(&state, &actor, &person).await?))
}

/// A partial update shared by the JSON API and the web form: absent fields stay.
pub(crate) async fn update_person(
    state: &AppState,
    actor: &Actor,
    id: Id,
    patch: PersonPatch,
) -> ApiResult<Person> {
    require_manage(actor)?;
    let current = state
        .store
        .person(actor, id)
        .await?
        .ok_or_else(Problem::not_found)?;
    // A new ID number brings its own gender and birth date unless they are given too.
    let id_changed = patch.id_number.is_some();
    let draft = PersonDraft {
        name: patch.name.unwrap_or(current.name),
        phone: patch.phone.unwrap_or(current.phone),
        id_number: patch.id_number.unwrap_or(current.id_number),
        gender: match patch.gender {
            Some(g) => g,
            None if id_changed => None,
            None => current.gender,
        },
        birth_date: match patch.birth_date {
            Some(b) => b,
            None if id_changed => None,
            None => current.birth_date,
        },
        org_unit_id: patch.org_unit_id.unwrap_or(current.org_unit_id),
        address: patch.address.unwrap_or(current.address),
        tags: match patch.tags {
            Some(t) => t,
            None => current.tags.iter().map(|t| t.code().to_string()).collect(),
        },
        party: match patch.party {
            Some(p) => p.map(party_profile),
            None => current.party,
        },
    };
    let mut person = validate(state, actor, draft).await?;
    person.id = current.id;
    Ok(state.store.update_person(actor, &person).await?)
}

/// People in the caller's scope: `q` matches name or phone, `org_unit` a subtree, `tag` a
/// care tag.
#[utoipa::path(get, path = "/api/v1/people", tag = "people",
    params(
        ("q" = Option<String>, Query, description = "name or phone digits"),
        ("org_unit" = Option<i64>, Query),
        ("tag" = Option<String>, Query, description = "care tag code"),
        ("page" = Option<i64>, Query),
        ("per_page" = Option<i64>, Query, description = "1–200, default 50"),
    ),
    responses((status = 200, body = PageOut<PersonOut>), Problems::<422>))]
pub async fn list(
    State(state): State<AppState>,
    actor: AuthActor,
    params: Params,
) -> ApiResult<Json<PageOut<PersonOut>>> {
    let mut errors = Vec::new();
    let q = params.str("q").map(str::to_string);
    if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        errors.push(FieldError::new(
            "q",
            &msg!(
                "query_too_long_100",
                "查询内容最多 100 个字",
                "A search has at most 100 characters"
            ),
        ));
    }
    let filter = PeopleFilter {
        q,
        org_unit_id: params.id("org_unit", &mut errors),
        tag: params.code("tag", CareTag::parse, CareTag::codes(), &mut errors),
        page: 0,
        per_page: 0,
        ..PeopleFilter::default()
    };
    let (page, per_page) = params.paging(&mut errors);
    if !errors.is_empty() {
        return Err(Problem::invalid(errors));
    }
    let filter = PeopleFilter {
        page,
        per_page,
        ..filter
    };
    filter_node_in_scope(&state, &actor, filter.org_unit_id).await?;
    let found = state.store.list_people(&actor, &filter).await?;
    read_audit::record(
        &state,
        &actor,
        read_audit::people(found.items.iter().map(|p| p.id)),
        "GET /api/v1/people",
    )
    .await?;
    let reveal = actor.may(Capability::SeePersonalData);
    Ok(Json(PageOut {
        items: found
            .items
            .iter()
            .map(|p| PersonOut::new(p, reveal))
            .collect(),
        total: found.total,
        total_exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    }))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
}
