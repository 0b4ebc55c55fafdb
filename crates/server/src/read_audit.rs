//! Recording reads of unmasked personal data before they are answered.
//!
//! DOMAIN.md: every read of a full personal record by staff is auditable. Whoever is shown
//! a full phone, ID number or e-mail (the roles with `SeePersonalData`) leaves one row per
//! person or appeal shown, naming the page, API or export. Masked views record nothing.
//! The handler awaits [`record`] before it answers: if the rows cannot be committed the
//! request fails and the data is not sent, so no unmasked read goes unrecorded.

use suqiu_core::access::{Actor, Capability};
use suqiu_core::appeal::Appellant;
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;
use suqiu_store::audit::{NewRead, ReadSubject};

use crate::problem::ApiResult;
use crate::state::AppState;

/// Records that `actor` was shown the unmasked data of these subjects through `via`, when
/// its role sees personal data unmasked; returns once the rows are committed.
pub(crate) async fn record(
    state: &AppState,
    actor: &Actor,
    subjects: impl IntoIterator<Item = (ReadSubject, Id)>,
    via: &str,
) -> ApiResult<()> {
    if !actor.may(Capability::SeePersonalData) {
        return Ok(());
    }
    let reads: Vec<NewRead> = subjects
        .into_iter()
        .map(|(subject, subject_id)| NewRead {
            subject,
            subject_id,
        })
        .collect();
    state
        .store
        .record_reads(actor.user_id, &reads, via, state.now())
        .await?;
    Ok(())
}

/// The people shown, as audit subjects.
pub(crate) fn people(ids: impl IntoIterator<Item = Id>) -> Vec<(ReadSubject, Id)> {
    ids.into_iter()
        .map(|id| (ReadSubject::Person, id))
        .collect()
}

/// The appeals shown that carry an appellant's contact data (anonymous ones carry none).
pub(crate) fn appeals<'a>(
    recs: impl IntoIterator<Item = &'a AppealRecord>,
) -> Vec<(ReadSubject, Id)> {
    recs.into_iter()
        .filter(|r| !matches!(r.appeal.appellant, Appellant::Anonymous))
        .map(|r| (ReadSubject::Appeal, r.appeal.id))
        .collect()
}
