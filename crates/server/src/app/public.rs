//! The public door's use cases: an appeal a resident brings with no account (the pages at
//! `/p/new` and `POST /api/v1/public/appeals`; Open311 posts through the same function), and
//! what the appellant does with its tracking code: follow it, and answer the follow-up.
//!
//! The rules are core's (`suqiu_core::public::check_public`, which applies the desk's own
//! intake rules, and `lifecycle::register_public`); here the store is asked what the draft
//! names, the address and the phone are held to their limits (`crate::submissions`), and the
//! appeal is stored like any other — into the community's queue, never onto the register.

use std::net::IpAddr;

use suqiu_core::appeal::{Appeal, Appellant, Channel};
use suqiu_core::lifecycle::AppellantAnswer;
use suqiu_core::photo::check_sent;
use suqiu_core::public::{check_public, PublicDraft, PublicFacts, BY_ADDRESS, BY_PHONE};
use suqiu_core::tracking::{may_track, PublicView};
use suqiu_store::appeals::AppealRecord;

use super::appeals::{store_intake, CheckedIntake, TakenInBy};
use super::{AppError, AppResult};
use crate::photos;
use crate::state::AppState;
use crate::submissions::{address_key, count, phone_key, refusal, used_up};
use crate::throttle::Locked;
use crate::upload::SentPhotos;

/// Takes in a resident's appeal: checks every field and the photos' count and sizes, holds
/// the address and the phone to their limits, develops the photos (`crate::photos`: only
/// once the rest passed, as decoding is the costly part) and registers it with the
/// community that handles it, photos and all. `channel` is `online` for the public pages
/// and their API, `api` for another system.
pub(crate) async fn submit(
    state: &AppState,
    client: Option<IpAddr>,
    draft: PublicDraft,
    photos: SentPhotos,
    channel: Channel,
) -> AppResult<Appeal> {
    let now = state.now();
    let address = address_key(client);
    if let Some(left) = used_up(&state.store, &BY_ADDRESS, &address, now).await? {
        return Err(AppError::Problem(refusal(&BY_ADDRESS, left)));
    }
    let facts = facts(state, &draft).await?;
    let checked = match (
        check_public(draft, facts, channel),
        check_sent(&photos.sizes),
    ) {
        (Ok(checked), Ok(())) => checked,
        (Ok(_), Err((fault, nth))) => return Err(photos::refusal(fault, nth)),
        (Err(errors), Ok(())) => return Err(AppError::Invalid(errors)),
        (Err(mut errors), Err((fault, nth))) => {
            errors.push(fault.error(nth));
            return Err(AppError::Invalid(errors));
        }
    };
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
    let kept = photos::develop_all(state, photos).await?;
    let checked = CheckedIntake::public(checked.draft);
    let appeal = store_intake(state, TakenInBy::Appellant, &checked, |appeal, event| {
        let (store, kept) = (state.store.clone(), kept.clone());
        async move {
            store
                .create_public_appeal(&appeal, &event, point, kept)
                .await
        }
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

/// Longest tracking code looked up at all.
const MAX_CODE: usize = 40;

/// Why the appellant's lookup found nothing to show.
pub(crate) enum Refused {
    /// Wrong code or wrong digits (told apart to nobody).
    NoMatch,
    /// Too many wrong tries for this code, or from this address.
    Locked(Locked),
}

/// The appellant's own appeal, by its tracking code and the last four digits of the phone
/// they left — or why not. A wrong try counts against the code (`AppState::track_throttle`).
async fn own_appeal(
    state: &AppState,
    code: &str,
    digits: &str,
    client: Option<IpAddr>,
) -> AppResult<Result<AppealRecord, Refused>> {
    let code = code.trim().to_ascii_uppercase();
    let now = state.now();
    let throttle = &state.track_throttle;
    if let Some(locked) = throttle.locked(&state.store, &code, client, now).await? {
        return Ok(Err(Refused::Locked(locked)));
    }
    let found = if code.is_empty() || code.len() > MAX_CODE {
        None
    } else {
        state.store.appeal_for_appellant(&code).await?
    };
    match found {
        Some((record, _)) if may_track(record.appellant_phone.as_deref(), digits) => {
            throttle.succeeded(&state.store, &code).await?;
            Ok(Ok(record))
        }
        _ => {
            throttle.failed(&state.store, &code, client, now).await?;
            Ok(Err(Refused::NoMatch))
        }
    }
}

/// Where the appellant's appeal stands, in plain words (查询办理进度).
pub(crate) async fn track(
    state: &AppState,
    code: &str,
    digits: &str,
    client: Option<IpAddr>,
) -> AppResult<Result<PublicView, Refused>> {
    match own_appeal(state, code, digits, client).await? {
        Ok(record) => Ok(Ok(view(state, &record).await?)),
        Err(refused) => Ok(Err(refused)),
    }
}

/// The appellant answers the follow-up themselves (群众评价): 409 unless the appeal is
/// resolved (answered once: it closes), 422 for an answer to fix. The station is told.
pub(crate) async fn answer(
    state: &AppState,
    code: &str,
    digits: &str,
    client: Option<IpAddr>,
    answer: AppellantAnswer,
) -> AppResult<Result<PublicView, Refused>> {
    let record = match own_appeal(state, code, digits, client).await? {
        Ok(record) => record,
        Err(refused) => return Ok(Err(refused)),
    };
    let answered = state
        .store
        .answer_as_appellant(record.appeal.id, answer, state.now())
        .await??;
    Ok(Ok(view(state, &answered).await?))
}

/// The appellant's view of a stored appeal: its status and its public steps.
async fn view(state: &AppState, record: &AppealRecord) -> AppResult<PublicView> {
    let events = state.store.events(record.appeal.id).await?;
    Ok(PublicView::new(
        &record.appeal,
        events.iter().map(|e| (e.at, &e.body)),
    ))
}

/// One photo a resident sent with an appeal (a JPEG), for staff who may read the appeal
/// (the same scope: 404 outside it, as for the appeal). A photo may show people, so every
/// read is recorded, whatever the reader's role, before the bytes are sent.
pub(crate) async fn photo(
    state: &AppState,
    actor: &suqiu_core::access::Actor,
    (appeal_id, seq): (suqiu_core::Id, i64),
    via: &str,
) -> AppResult<Vec<u8>> {
    let record = state.store.appeal(actor, appeal_id).await?;
    let Some(bytes) = state.store.appeal_photo(record.appeal.id, seq).await? else {
        return Err(AppError::NotFound);
    };
    let read = suqiu_store::audit::NewRead {
        subject: suqiu_store::audit::ReadSubject::Appeal,
        subject_id: record.appeal.id,
    };
    state
        .store
        .record_reads(actor.user_id, &[read], via, state.now())
        .await?;
    Ok(bytes)
}
