//! The client systems' API keys: made and revoked by the district on `/admin/open311`, or on
//! the command line (`suqiu open311 key add`). A key is 32 random bytes shown once; only its
//! SHA-256 is kept. Made and revoked on the page, it is recorded on the /admin change log.

use chrono::{DateTime, Utc};
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::open311::check_key_name;
use suqiu_core::Id;
use suqiu_store::changes::ChangeKind;
use suqiu_store::open311::ApiKey;
use suqiu_store::{Store, StoreError};

use crate::app::{record_change, require, AppResult};
use crate::auth::{new_token, token_hash};
use crate::state::AppState;

/// The change log's subject for keys.
const SUBJECT: &str = "open311_keys";

/// A new key for the client system `name`, by `created_by` (`None`: the command line): the
/// key, to be shown once, and how it is kept.
pub async fn add_key(
    store: &Store,
    name: &str,
    created_by: Option<Id>,
    now: DateTime<Utc>,
) -> Result<(String, ApiKey), StoreError> {
    let name = check_key_name(name).map_err(StoreError::Invalid)?;
    let key = new_token();
    let kept = store
        .add_api_key(&name, &token_hash(&key), created_by, now)
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

/// The district makes a key; recorded.
pub(crate) async fn create(
    state: &AppState,
    actor: &Actor,
    name: &str,
) -> AppResult<(String, ApiKey)> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let _guard = state.config_lock.lock().await;
    let (key, kept) = add_key(&state.store, name, Some(actor.user_id), state.now()).await?;
    let params = [("name", kept.name.clone())];
    record_change(state, actor, SUBJECT, (ChangeKind::ApiKeyAdded, &params)).await?;
    Ok((key, kept))
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
