//! How much one network address and one phone may bring through the public door
//! (`suqiu_core::public::{BY_ADDRESS, BY_PHONE}`): every appeal taken in is counted against
//! both, in the database (as the sign-in throttle's counts are: a restart does not reset them,
//! servers sharing PostgreSQL share them), and past the limit the door answers 429 with
//! `Retry-After` and says in Chinese when to come back or to come to the station instead.
//!
//! A count runs while submissions follow each other within the limit's window and starts
//! again after a quiet window: a flood is stopped, a family posting now and then is not.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use suqiu_core::error::{Msg, Reason};
use suqiu_core::msg;
use suqiu_core::public::SubmissionLimit;
use suqiu_store::{Store, StoreError};

use crate::problem::Problem;
use crate::throttle::client_key;

/// The key an address is counted by: IPv4 as it is, IPv6 per /64; one shared key when the
/// address is unknown (a router without connection info: tests).
pub(crate) fn address_key(client: Option<IpAddr>) -> String {
    client.map_or_else(|| "unknown".to_string(), |ip| client_key(ip).to_string())
}

/// The phone's digits, the key it is counted by.
pub(crate) fn phone_key(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// Whether `key` has used up `limit` at `now`: the time left until it may submit again.
pub(crate) async fn used_up(
    store: &Store,
    limit: &SubmissionLimit,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<TimeDelta>, StoreError> {
    let Some(count) = store.failures(limit.scope, key).await? else {
        return Ok(None);
    };
    let until = count.last + limit.window;
    Ok((count.count >= limit.max && now < until).then(|| until - now))
}

/// Every this many appeals counted, the counts past their window are deleted.
const PURGE_EVERY: u64 = 1_000;

/// Counts one appeal taken in against `key`.
pub(crate) async fn count(
    store: &Store,
    limit: &SubmissionLimit,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    static COUNTED: AtomicU64 = AtomicU64::new(0);
    store
        .record_failure(limit.scope, key, now, limit.window)
        .await?;
    if COUNTED.fetch_add(1, Ordering::Relaxed) % PURGE_EVERY == PURGE_EVERY - 1 {
        store
            .purge_failures(limit.scope, now - limit.window)
            .await?;
    }
    Ok(())
}

/// Counts one post of an Open311 key against its hourly limit (core's `open311::key_limit`:
/// the door's mechanism and table, kept per key and clock hour), and refuses it with the
/// spec's 429 when it is past this hour's posts. Counted first and read after, in that
/// order, so two posts at once cannot both take the last place.
pub(crate) async fn count_key_post(
    store: &Store,
    key: &suqiu_store::open311::ApiKey,
    now: DateTime<Utc>,
) -> Result<Result<(), suqiu_core::open311::TooMany>, StoreError> {
    use suqiu_core::open311::{hour_of, key_limit, may_post};
    let limit = key_limit(key.per_hour);
    let (hour, _) = hour_of(key.id, now);
    count(store, &limit, &hour, now).await?;
    let counted = store
        .failures(limit.scope, &hour)
        .await?
        .map_or(1, |c| c.count);
    Ok(may_post(key.per_hour, counted - 1, key.id, now))
}

/// The 429 for a used-up limit, `left` until it opens again.
pub(crate) fn refusal(limit: &SubmissionLimit, left: TimeDelta) -> Problem {
    let msg = if limit.scope == suqiu_core::public::BY_PHONE.scope {
        &PHONE_USED_UP
    } else if limit.scope == suqiu_core::public::BY_ADDRESS_LOOKUPS.scope {
        &LOOKUPS_USED_UP
    } else {
        &ADDRESS_USED_UP
    };
    let minutes = left.num_minutes() + 1;
    let title = if msg.code == LOOKUPS_USED_UP.code {
        "查询太频繁"
    } else {
        "提交太频繁"
    };
    Problem::refused(
        StatusCode::TOO_MANY_REQUESTS,
        "urn:suqiu:problem:too-many-submissions",
        title,
        Reason::new(msg).with("minutes", minutes),
    )
    .retry_after(left.num_seconds())
}

const ADDRESS_USED_UP: Msg = msg!(
    "public_address_used_up",
    "这个网络提交的诉求太多了，请 {minutes} 分钟后再试，急事请直接拨打社区电话或到社区诉求站反映",
    "Too many appeals from this network: try again in {minutes} minutes; for anything urgent call or visit your community's appeal station",
);
const LOOKUPS_USED_UP: Msg = msg!(
    "public_lookups_used_up",
    "这个网络查询地址太频繁了，请 {minutes} 分钟后再试，或直接在列表中选择社区",
    "Too many address lookups from this network: try again in {minutes} minutes, or choose the community from the list",
);
const PHONE_USED_UP: Msg = msg!(
    "public_phone_used_up",
    "这个手机号提交的诉求太多了，请 {minutes} 分钟后再试，或到社区诉求站当面反映",
    "Too many appeals with this phone number: try again in {minutes} minutes, or visit your community's appeal station",
);
