//! The gazetteer's use cases: a community's place names, read and saved by whoever edits
//! the organization (`Capability::Configure`, in their subtree: `/admin/org/{id}/places` and
//! `GET/PUT /api/v1/org/{id}/places`); and the address a resident typed turned into the
//! community that takes it in (the public form, `GET /api/v1/public/places/match`, Open311).
//!
//! The rules are core's (`suqiu_core::gazetteer`: the names a list may hold, the match);
//! here the names are loaded, the node is checked in scope, the change is recorded.

use std::collections::HashMap;
use std::net::IpAddr;

use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::gazetteer::{check_names, match_address, PlaceMatch, MAX_QUERY};
use suqiu_core::org::{OrgKind, OrgUnit};
use suqiu_core::public::BY_ADDRESS_LOOKUPS;
use suqiu_core::Id;
use suqiu_store::changes::ChangeKind;

use super::{record_change, require, AppError, AppResult};
use crate::scope::node_in_scope;
use crate::state::AppState;
use crate::submissions::{address_key, count, refusal, used_up};

/// The field a community's names are given and refused under.
pub(crate) const NAMES: &str = "names";

/// A community as a match offers it: the node, its street's name, the name found.
#[derive(Debug, Clone)]
pub(crate) struct Offered {
    pub unit: OrgUnit,
    pub street: String,
    pub matched: String,
}

/// What an address typed says: one community, several to choose from, or none.
#[derive(Debug, Clone)]
pub(crate) enum Matched {
    None,
    One(Offered),
    Several(Vec<Offered>),
}

impl Matched {
    /// The community when there is exactly one.
    pub(crate) fn unique(&self) -> Option<&OrgUnit> {
        match self {
            Matched::One(o) => Some(&o.unit),
            _ => None,
        }
    }

    /// Every community offered, best first.
    pub(crate) fn offered(&self) -> &[Offered] {
        match self {
            Matched::None => &[],
            Matched::One(o) => std::slice::from_ref(o),
            Matched::Several(all) => all,
        }
    }
}

/// The node whose names `actor` reads or edits: a community in their subtree (404 for any
/// other, as for a node that does not exist; 422 for a node that is no community).
async fn community(state: &AppState, actor: &Actor, id: Id) -> AppResult<OrgUnit> {
    let unit = node_in_scope(state, actor, Some(id))
        .await
        .map_err(AppError::Problem)?;
    if unit.kind == OrgKind::Community {
        Ok(unit)
    } else {
        Err(AppError::Invalid(vec![suqiu_core::error::FieldError::new(
            "id",
            &NOT_A_COMMUNITY,
        )]))
    }
}

const NOT_A_COMMUNITY: suqiu_core::error::Msg = suqiu_core::msg!(
    "places_not_community",
    "只有社区（居民区或村）登记地名",
    "Only a community (neighbourhood or village) keeps place names",
);

/// A community's names (by name) and the community.
pub(crate) async fn places(
    state: &AppState,
    actor: &Actor,
    id: Id,
) -> AppResult<(OrgUnit, Vec<String>)> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let unit = community(state, actor, id).await?;
    let names = state.store.places_of(unit.id).await?;
    Ok((unit, names))
}

/// Replaces a community's names with those given (checked whole: every fault at once, by
/// its line), and records the change on the /admin log.
pub(crate) async fn set_places<S: AsRef<str>>(
    state: &AppState,
    actor: &Actor,
    id: Id,
    given: &[S],
) -> AppResult<(OrgUnit, Vec<String>)> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let unit = community(state, actor, id).await?;
    let names = check_names(NAMES, given).map_err(AppError::Invalid)?;
    let _guard = state.config_lock.lock().await;
    let names = state.store.set_places(unit.id, names, state.now()).await?;
    let params = [
        ("name", unit.name.clone()),
        ("count", names.len().to_string()),
    ];
    record_change(state, actor, "org_places", (ChangeKind::PlacesSet, &params)).await?;
    Ok((unit, names))
}

/// The community an address points to, by the gazetteer (no limit: the form and Open311
/// ask once per post, which has its own).
pub(crate) async fn match_place(state: &AppState, text: &str) -> AppResult<Matched> {
    let text: String = text.chars().take(MAX_QUERY).collect();
    if text.trim().is_empty() {
        return Ok(Matched::None);
    }
    let places = state.store.places().await?;
    let found = match_address(&text, &places);
    let units = state.store.org_units().await?;
    let by_id: HashMap<Id, &OrgUnit> = units.iter().map(|u| (u.id, u)).collect();
    let offer = |c: &suqiu_core::gazetteer::Candidate| {
        let unit = by_id.get(&c.org_unit_id)?;
        let street = unit.parent_id.and_then(|p| by_id.get(&p));
        Some(Offered {
            unit: (*unit).clone(),
            street: street.map_or(String::new(), |s| s.name.clone()),
            matched: c.matched.clone(),
        })
    };
    Ok(match found {
        PlaceMatch::None => Matched::None,
        PlaceMatch::One(c) => offer(&c).map_or(Matched::None, Matched::One),
        PlaceMatch::Several(cs) => Matched::Several(cs.iter().filter_map(offer).collect()),
    })
}

/// [`match_place`] for anyone on the internet (the public API's lookup): held to the
/// lookups one network address may make (`BY_ADDRESS_LOOKUPS`, 429 past it).
pub(crate) async fn lookup(
    state: &AppState,
    client: Option<IpAddr>,
    text: &str,
) -> AppResult<Matched> {
    let now = state.now();
    let address = address_key(client);
    if let Some(left) = used_up(&state.store, &BY_ADDRESS_LOOKUPS, &address, now).await? {
        return Err(AppError::Problem(refusal(&BY_ADDRESS_LOOKUPS, left)));
    }
    count(&state.store, &BY_ADDRESS_LOOKUPS, &address, now).await?;
    match_place(state, text).await
}
