//! The public form's guard against scripts, in place of a third-party CAPTCHA (nothing
//! outside the machine may be called, and a resident on an old phone should not solve
//! puzzles):
//!
//! - a field no person sees ([`HONEYPOT`], off-screen and out of the tab order): a script
//!   that fills every field fills it too;
//! - a stamp of when the form was served, signed with the server's key: a post sooner than
//!   [`MIN_FILL`] after it (nobody types an appeal in two seconds) or with a forged stamp is
//!   refused; one older than [`MAX_AGE`] is asked to post again (values kept).

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::state::AppState;
use crate::ui::{same_token, FormData};

/// The field a person never fills.
pub(super) const HONEYPOT: &str = "website";
/// The field that carries the stamp.
pub(super) const STAMP: &str = "_t";
/// The least time a person takes to fill the form in.
pub(super) const MIN_FILL: TimeDelta = TimeDelta::seconds(3);
/// The longest a served form stays good.
pub(super) const MAX_AGE: TimeDelta = TimeDelta::hours(4);

/// How a post looks by its stamp and its hidden field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Filled {
    ByAPerson,
    /// Posted sooner than a person could have typed it.
    TooFast,
    /// Served too long ago (or before the server restarted): post again.
    Stale,
    /// The hidden field filled, or a stamp the server never made.
    ByAScript,
}

fn signature(state: &AppState, millis: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(state.form_key.as_slice()).expect("any key length");
    mac.update(&millis.to_be_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The stamp of a form served at `now`.
pub(super) fn stamp(state: &AppState, now: DateTime<Utc>) -> String {
    let millis = now.timestamp_millis();
    format!("{millis}.{}", signature(state, millis))
}

/// Judges a post at `now`.
pub(super) fn judge(state: &AppState, form: &FormData, now: DateTime<Utc>) -> Filled {
    if form.get(HONEYPOT).is_some() {
        return Filled::ByAScript;
    }
    let Some((millis, sig)) = form.get(STAMP).and_then(|s| s.split_once('.')) else {
        return Filled::ByAScript;
    };
    let Ok(millis) = millis.parse::<i64>() else {
        return Filled::ByAScript;
    };
    let expected = signature(state, millis);
    let genuine = same_token(sig, &expected);
    let Some(served) = DateTime::<Utc>::from_timestamp_millis(millis) else {
        return Filled::ByAScript;
    };
    match (genuine, now - served) {
        // A stamp signed by another start of the server: a form left open over a restart.
        (false, _) => Filled::Stale,
        (true, age) if age < MIN_FILL => Filled::TooFast,
        (true, age) if age > MAX_AGE => Filled::Stale,
        (true, _) => Filled::ByAPerson,
    }
}
