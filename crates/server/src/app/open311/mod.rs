//! Open311 GeoReport v2's use cases (`routes::open311` answers them in the spec's JSON and
//! XML): the district as the one jurisdiction, the taxonomy as services, a request posted by
//! a client system with its key, and the reads of the appeals Open311 may show.
//!
//! The rules are core's (`core::open311`): which appeals may be shown and what of them, the
//! window of a list, a posted request checked by the desk's intake rules. Here the store is
//! asked what a request names: the key, the service, the community.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use suqiu_core::error::{Msg, Reason};
use suqiu_core::msg;
use suqiu_core::open311::{
    attributes, check_jurisdiction, check_request, find_service, parse_datetime, services,
    status_filter, window, Attribute, PostedRequest, Refusal, RequestFacts, RequestView, Service,
    ATTR_ORG_UNIT,
};
use suqiu_core::org::{OrgKind, OrgUnit};
use suqiu_core::public::MapPoint;
use suqiu_store::open311::{ApiKey, ApiOrigin, RequestQuery, ShownRequest};
use suqiu_store::StoreError;

use super::appeals::{category_names, store_intake, CheckedIntake, TakenInBy};
use super::AppError;
use crate::auth::token_hash;
use crate::state::AppState;

pub(crate) mod keys;

/// Why an Open311 use case did not happen: refused by the spec's rules (400, 403, 404), or
/// failed as any use case fails (the store: 503, 500).
#[derive(Debug)]
pub(crate) enum Failure {
    Refused(Refusal),
    App(AppError),
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Failure {
        Failure::Refused(r)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::App(AppError::Store(e))
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Failure {
        Failure::App(e)
    }
}

pub(crate) type Open311Result<T> = Result<T, Failure>;

/// The district: the root of the organization tree, whose code is the jurisdiction.
async fn district(state: &AppState) -> Open311Result<Option<OrgUnit>> {
    let units = state.store.org_units().await?;
    Ok(units
        .iter()
        .find(|u| u.parent_id.is_none() && u.kind == OrgKind::District)
        .or_else(|| units.iter().find(|u| u.parent_id.is_none()))
        .cloned())
}

/// The `jurisdiction_id` a request names is the district's code, or none (404 otherwise).
pub(crate) async fn jurisdiction(state: &AppState, given: Option<&str>) -> Open311Result<()> {
    let code = district(state).await?.map(|d| d.code).unwrap_or_default();
    Ok(check_jurisdiction(given, &code)?)
}

/// The discovery document's changeset: when the services last changed (the newest entry of
/// the /admin change log, where a category's addition or rename is recorded).
pub(crate) async fn changeset(state: &AppState) -> Open311Result<DateTime<Utc>> {
    let changes = state.store.config_changes().await?;
    Ok(changes.first().map_or(DateTime::UNIX_EPOCH, |c| c.at))
}

/// `GET services`: the taxonomy as services.
pub(crate) async fn service_list(
    state: &AppState,
    given: Option<&str>,
) -> Open311Result<Vec<Service>> {
    jurisdiction(state, given).await?;
    Ok(services(&state.store.categories().await?))
}

/// `GET services/{code}`: a service's attributes (every service asks the same), 404 for an
/// unknown service.
pub(crate) async fn definition(
    state: &AppState,
    given: Option<&str>,
    code: &str,
) -> Open311Result<(String, Vec<Attribute>)> {
    let all = service_list(state, given).await?;
    let service = find_service(&all, code)?;
    let units = state.store.org_units().await?;
    let names: HashMap<_, _> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let communities = units
        .iter()
        .filter(|u| u.kind == OrgKind::Community)
        .map(|u| {
            let street = u.parent_id.and_then(|p| names.get(&p)).copied();
            let name = street.map_or(u.name.clone(), |s| format!("{s} {}", u.name));
            (u.code.clone(), name)
        })
        .collect();
    Ok((service.code.clone(), attributes(communities)))
}

const KEY_MISSING: Msg = msg!(
    "api_key_missing",
    "缺少 api_key：提交诉求须带本系统发给贵方系统的密钥",
    "api_key was not provided: posting a request needs the key this system issued to yours",
);
const KEY_INVALID: Msg = msg!(
    "api_key_invalid",
    "api_key 无效或已吊销",
    "The api_key is not valid, or was revoked",
);

/// The active key a client sent (its hash is what is kept), noted as used; 403 without one.
async fn authorized(state: &AppState, sent: Option<&str>) -> Open311Result<ApiKey> {
    let Some(sent) = sent.map(str::trim).filter(|k| !k.is_empty()) else {
        return Err(Refusal::Forbidden(Reason::new(&KEY_MISSING)).into());
    };
    let Some(key) = state.store.active_api_key(&token_hash(sent)).await? else {
        return Err(Refusal::Forbidden(Reason::new(&KEY_INVALID)).into());
    };
    state.store.api_key_used(key.id, state.now()).await?;
    Ok(key)
}

/// The community a posted request concerns: the node its `org_unit` attribute names, or
/// without it the one community its `address_string` names by the gazetteer (none when the
/// address names several or none: core then asks for the attribute).
async fn community_named(
    state: &AppState,
    posted: &PostedRequest,
) -> Open311Result<Option<OrgUnit>> {
    match (posted.attribute(ATTR_ORG_UNIT), &posted.address_string) {
        (Some(code), _) => Ok(state.store.org_unit_by_code(code).await?),
        (None, Some(address)) => {
            let matched = super::gazetteer::match_place(state, address).await?;
            Ok(matched.unique().cloned())
        }
        (None, None) => Ok(None),
    }
}

/// `POST requests`: a client system's request becomes an appeal (channel of its key, the
/// community's queue, public), registered as brought by the appellant themselves. Answers
/// its tracking code, which is its `service_request_id`.
pub(crate) async fn post_request(
    state: &AppState,
    api_key: Option<&str>,
    given: Option<&str>,
    posted: &PostedRequest,
) -> Open311Result<String> {
    let key = authorized(state, api_key).await?;
    // Every post a key makes counts against its hour, a refused one too: the limit is on
    // what a system sends, not on what it got right.
    crate::submissions::count_key_post(&state.store, &key, state.now())
        .await?
        .map_err(Refusal::TooMany)?;
    jurisdiction(state, given).await?;
    let all = services(&state.store.categories().await?);
    let code = posted.service_code.as_deref().unwrap_or_default();
    let facts = RequestFacts {
        service_known: find_service(&all, code).is_ok(),
        unit: community_named(state, posted).await?,
        channel: key.channel,
    };
    let checked = check_request(posted, &facts)?;
    let origin = ApiOrigin {
        api_key_id: key.id,
        media_url: checked.media_url,
        point: checked.location.point,
    };
    let intake = CheckedIntake::public(checked.intake);
    let appeal = store_intake(state, TakenInBy::Appellant, &intake, |appeal, event| {
        let (store, origin) = (state.store.clone(), origin.clone());
        async move { store.create_api_appeal(&appeal, &event, &origin).await }
    })
    .await?;
    tracing::debug!(
        appeal_id = appeal.id,
        key = key.id,
        "open311 request registered"
    );
    Ok(appeal.tracking_code)
}

/// The filters of `GET requests` as sent (lists already split at commas).
#[derive(Debug, Default)]
pub(crate) struct RequestsFilter {
    pub ids: Vec<String>,
    pub service_codes: Vec<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub statuses: Vec<String>,
}

/// What Open311 shows of one appeal: core's view and the names it needs.
#[derive(Debug)]
pub(crate) struct PublicRequest {
    pub view: RequestView,
    pub service_name: String,
    /// The unit handling it, or the department it was referred to.
    pub agency: String,
    pub media_url: Option<String>,
    pub point: Option<MapPoint>,
}

/// `GET requests`: the appeals Open311 may show, by the ids asked for (which override every
/// other filter), or received in the window (the last 90 days by default) of the services
/// and statuses asked for; newest first, at most 1,000.
pub(crate) async fn requests(
    state: &AppState,
    given: Option<&str>,
    filter: RequestsFilter,
) -> Open311Result<Vec<PublicRequest>> {
    jurisdiction(state, given).await?;
    let query = if filter.ids.is_empty() {
        let mut errors = Vec::new();
        let mut date = |field: &str, text: &Option<String>| {
            let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty())?;
            parse_datetime(field, text).map_err(|e| errors.push(e)).ok()
        };
        let (start, end) = (
            date("start_date", &filter.start_date),
            date("end_date", &filter.end_date),
        );
        let statuses =
            status_filter(filter.statuses.iter().map(String::as_str)).map_err(|e| errors.push(e));
        let span = window(start, end, state.now()).map_err(|e| errors.push(e));
        let (Ok(statuses), Ok((from, to)), true) = (statuses, span, errors.is_empty()) else {
            return Err(Refusal::Invalid(errors).into());
        };
        RequestQuery::Window {
            from,
            to,
            categories: filter.service_codes,
            statuses,
        }
    } else {
        RequestQuery::Codes(codes(&filter.ids))
    };
    shown(state, &query).await
}

/// The tracking codes asked for, as they are written (a client may have lowered them).
fn codes<S: AsRef<str>>(ids: &[S]) -> Vec<String> {
    ids.iter()
        .map(|id| id.as_ref().trim().to_ascii_uppercase())
        .collect()
}

async fn shown(state: &AppState, query: &RequestQuery) -> Open311Result<Vec<PublicRequest>> {
    let names = category_names(state, false).await?;
    let found = state.store.open311_requests(query).await?;
    Ok(found.into_iter().map(|s| public(s, &names)).collect())
}

fn public(shown: ShownRequest, service_names: &HashMap<String, String>) -> PublicRequest {
    let r = &shown.record;
    let events = shown.events.iter().map(|(at, body)| (*at, body));
    PublicRequest {
        view: RequestView::new(&r.appeal, r.appellant_name.as_deref(), events),
        service_name: service_names
            .get(&r.appeal.category)
            .cloned()
            .unwrap_or_else(|| r.appeal.category.clone()),
        agency: r
            .department_name
            .clone()
            .unwrap_or_else(|| r.handling_org_unit_name.clone()),
        media_url: shown.media_url,
        point: shown.point,
    }
}

const REQUEST_UNKNOWN: Msg = msg!(
    "request_unknown",
    "没有这个 service_request_id（或它不公开）",
    "No such service_request_id (or it is not public)",
);
const TOKEN_UNKNOWN: Msg = msg!(
    "token_unknown",
    "没有这个 token（或它不公开）",
    "No such token (or it is not public)",
);

/// `GET requests/{id}`: one appeal Open311 may show, by its tracking code; 404 for an
/// unknown one and for one it may not show alike.
pub(crate) async fn request(
    state: &AppState,
    given: Option<&str>,
    id: &str,
) -> Open311Result<PublicRequest> {
    one(state, given, id, &REQUEST_UNKNOWN).await
}

/// `GET tokens/{token}`: the request a token stands for. Requests are registered at once, so
/// the token is the tracking code itself.
pub(crate) async fn token(
    state: &AppState,
    given: Option<&str>,
    token: &str,
) -> Open311Result<String> {
    let found = one(state, given, token, &TOKEN_UNKNOWN).await?;
    Ok(found.view.service_request_id)
}

/// The appeal Open311 may show with this tracking code, or 404 saying `unknown`.
async fn one(
    state: &AppState,
    given: Option<&str>,
    code: &str,
    unknown: &Msg,
) -> Open311Result<PublicRequest> {
    jurisdiction(state, given).await?;
    let mut found = shown(state, &RequestQuery::Codes(codes(&[code]))).await?;
    found
        .pop()
        .ok_or_else(|| Refusal::NotFound(Reason::new(unknown)).into())
}
