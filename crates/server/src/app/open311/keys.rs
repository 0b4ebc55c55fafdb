//! The client systems' API keys: made and revoked by the district on `/admin/open311`, or on
//! the command line (`suqiu open311 key add`). A key is 32 random bytes shown once; only its
//! SHA-256 is kept. Made and revoked on the page, it is recorded on the /admin change log.

use chrono::{DateTime, Utc};
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::open311::{check_key_name, per_hour_given};
use suqiu_core::Id;
use suqiu_store::changes::ChangeKind;
use suqiu_store::open311::ApiKey;
use suqiu_store::{Store, StoreError};

use crate::app::{record_change, require, AppError, AppResult};
use crate::auth::{new_token, token_hash};
use crate::state::AppState;

/// The change log's subject for keys.
const SUBJECT: &str = "open311_keys";

/// A new key for the client system `name`, allowed `per_hour` posts an hour as typed (blank:
/// the default), by `created_by` (`None`: the command line): the key, to be shown once, and
/// how it is kept. A fault names its field (`name`, then `per_hour`).
pub async fn add_key(
    store: &Store,
    (name, per_hour): (&str, &str),
    created_by: Option<Id>,
    now: DateTime<Utc>,
) -> Result<(String, ApiKey), StoreError> {
    let (name, per_hour) = match (check_key_name(name), per_hour_given(per_hour)) {
        (Ok(name), Ok(per_hour)) => (name, per_hour),
        (Err(e), _) | (_, Err(e)) => return Err(StoreError::Invalid(e)),
    };
    let key = new_token();
    let kept = store
        .add_api_key(&name, &token_hash(&key), per_hour, created_by, now)
        .await?;
    Ok((key, kept))
}

/// Revokes the active key of the system `name` (the command line's way to name one).
pub async fn revoke_key_named(
    store: &Store,
    name: &str,
    now: DateTime<Utc>,
) -> Result<ApiKey, StoreError> {
    let key = store
        .active_api_key_named(name)
        .await?
        .ok_or(StoreError::NotFound)?;
    store.revoke_api_key(key.id, now).await
}

/// Every key, for the district.
pub(crate) async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<ApiKey>> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    Ok(state.store.api_keys().await?)
}

/// The district makes a key (its name, its hourly limit as typed); recorded.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    typed: (&str, &str),
) -> AppResult<(String, ApiKey)> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let _guard = state.config_lock.lock().await;
    let (key, kept) = add_key(&state.store, typed, Some(actor.user_id), state.now()).await?;
    let params = [("name", kept.name.clone())];
    record_change(state, actor, SUBJECT, (ChangeKind::ApiKeyAdded, &params)).await?;
    Ok((key, kept))
}

/// The district sets how many requests a key may post in an hour (as typed); recorded.
pub(crate) async fn set_limit(
    state: &AppState,
    actor: &Actor,
    id: Id,
    per_hour: &str,
) -> AppResult<ApiKey> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let per_hour = per_hour_given(per_hour).map_err(|e| AppError::Invalid(vec![e]))?;
    let _guard = state.config_lock.lock().await;
    let key = state.store.set_api_key_limit(id, per_hour).await?;
    let params = [
        ("name", key.name.clone()),
        ("per_hour", per_hour.to_string()),
    ];
    record_change(state, actor, SUBJECT, (ChangeKind::ApiKeyLimit, &params)).await?;
    Ok(key)
}

/// The district revokes a key; recorded.
pub(crate) async fn revoke(state: &AppState, actor: &Actor, id: Id) -> AppResult<ApiKey> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let _guard = state.config_lock.lock().await;
    let key = state.store.revoke_api_key(id, state.now()).await?;
    let params = [("name", key.name.clone())];
    record_change(state, actor, SUBJECT, (ChangeKind::ApiKeyRevoked, &params)).await?;
    Ok(key)
}
