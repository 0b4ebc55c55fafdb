//! The public door's use cases: an appeal a resident brings with no account (the pages at
//! `/p/new` and `POST /api/v1/public/appeals`; Open311 posts through the same function).
//!
//! The rules are core's (`suqiu_core::public::check_public`, which applies the desk's own
//! intake rules, and `lifecycle::register_public`); here the store is asked what the draft
//! names, the address and the phone are held to their limits (`crate::submissions`), and the
//! appeal is stored like any other — into the community's queue, never onto the register.

use std::net::IpAddr;

use suqiu_core::appeal::{Appeal, Appellant, Channel};
use suqiu_core::public::{check_public, PublicDraft, PublicFacts, BY_ADDRESS, BY_PHONE};

use super::appeals::{store_intake, CheckedIntake, TakenInBy};
use super::{AppError, AppResult};
use crate::state::AppState;
use crate::submissions::{address_key, count, phone_key, refusal, used_up};

/// Takes in a resident's appeal: checks every field, holds the address and the phone to
/// their limits, registers it with the community that handles it. `channel` is `online`
/// for the public pages and their API, `api` for another system.
pub(crate) async fn submit(
    state: &AppState,
    client: Option<IpAddr>,
    draft: PublicDraft,
    channel: Channel,
) -> AppResult<Appeal> {
    let now = state.now();
    let address = address_key(client);
    if let Some(left) = used_up(&state.store, &BY_ADDRESS, &address, now).await? {
        return Err(AppError::Problem(refusal(&BY_ADDRESS, left)));
    }
    let facts = facts(state, &draft).await?;
    let checked = check_public(draft, facts, channel).map_err(AppError::Invalid)?;
    let point = checked.point;
    let phone = match &checked.draft.intake.appellant {
        Appellant::Named {
            phone: Some(phone), ..
        } => Some(phone_key(phone)),
        _ => None,
    };
    if let Some(phone) = &phone {
        if let Some(left) = used_up(&state.store, &BY_PHONE, phone, now).await? {
            return Err(AppError::Problem(refusal(&BY_PHONE, left)));
        }
    }
    let checked = CheckedIntake::public(checked.draft);
    let appeal = store_intake(state, TakenInBy::Appellant, &checked, |appeal, event| {
        let store = state.store.clone();
        async move { store.create_public_appeal(&appeal, &event, point).await }
    })
    .await?;
    // Counted once it is saved: a refused form costs the sender nothing of their allowance.
    count(&state.store, &BY_ADDRESS, &address, now).await?;
    if let Some(phone) = &phone {
        count(&state.store, &BY_PHONE, phone, now).await?;
    }
    tracing::debug!(appeal_id = appeal.id, ?channel, "public appeal registered");
    Ok(appeal)
}

/// What the store knows of the node and the category the draft names.
async fn facts(state: &AppState, draft: &PublicDraft) -> AppResult<PublicFacts> {
    let unit = match draft.org_unit_id {
        Some(id) => state.store.org_unit(id).await?,
        None => None,
    };
    let category_known = match draft.category.as_deref().map(str::trim) {
        // None given: core leaves it unsorted.
        None | Some("") => true,
        Some(code) => state.store.category(code).await?.is_some(),
    };
    Ok(PublicFacts {
        unit,
        category_known,
    })
}
