//! The public reply (公开答复) on an appeal: read with what the reader may do to it, written,
//! reviewed (published), withdrawn. Who may is `suqiu_core::board::reply`'s rule over the
//! actor's relation to the appeal; the appeal is read in the actor's scope (404 outside it),
//! and the store writes the decided reply over the version it was decided from.

use suqiu_core::access::{relation, Actor, Relation};
use suqiu_core::board::reply::{decide, may_review, may_write};
use suqiu_core::board::{may_be_public, PublicReply, ReplyCommand, ReplyContext};
use suqiu_core::lifecycle::holders;
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;

use crate::app::AppResult;
use crate::state::AppState;

/// An appeal's public reply as the detail page's card shows it.
#[derive(Debug, Clone)]
pub(crate) struct ReplyCard {
    pub reply: Option<PublicReply>,
    /// The appeal may be shown on the board (its appellant consented).
    pub public: bool,
    /// The reader may write (and rewrite while unpublished).
    pub may_write: bool,
    /// The reader may publish and withdraw.
    pub may_review: bool,
}

fn relation_to(actor: &Actor, rec: &AppealRecord) -> Relation {
    relation(actor, &rec.place, holders(&rec.appeal))
}

/// The reply of an appeal the actor has read (`rec`), with what the actor may do.
pub(crate) async fn card(
    state: &AppState,
    actor: &Actor,
    rec: &AppealRecord,
) -> AppResult<ReplyCard> {
    let stored = state.store.public_reply(rec.appeal.id).await?;
    let rel = relation_to(actor, rec);
    Ok(ReplyCard {
        reply: stored.map(|s| s.reply),
        public: may_be_public(&rec.appeal),
        may_write: may_write(actor, rel),
        may_review: may_review(actor, rel),
    })
}

/// The reply card of appeal `id`, read in the actor's scope (404 outside it).
pub(crate) async fn of(state: &AppState, actor: &Actor, id: Id) -> AppResult<ReplyCard> {
    let rec = state.store.appeal(actor, id).await?;
    card(state, actor, &rec).await
}

/// Writes, publishes or withdraws the public reply of appeal `id`: 404 when the appeal is
/// not in the actor's scope, 403 for who, 409 for when (and when someone else changed it
/// first), 422 for what.
pub(crate) async fn command(
    state: &AppState,
    actor: &Actor,
    id: Id,
    cmd: ReplyCommand,
) -> AppResult<PublicReply> {
    let rec = state.store.appeal(actor, id).await?;
    let current = state.store.public_reply(id).await?;
    let ctx = ReplyContext {
        actor,
        relation: relation_to(actor, &rec),
        public: may_be_public(&rec.appeal),
        now: state.now(),
    };
    let next = decide(current.as_ref().map(|c| &c.reply), &cmd, &ctx)?;
    let from = current.map(|c| c.version);
    let saved = state.store.save_public_reply(id, from, &next).await?;
    tracing::info!(appeal_id = id, user_id = actor.user_id, step = %cmd.step(), "public reply");
    Ok(saved.reply)
}
