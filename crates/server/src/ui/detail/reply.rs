//! The appeal page's 公开答复 card: the public reply with its record (who wrote, reviewed,
//! withdrew it, when), a form to write it while unpublished, and 审核发布 / 撤回 for those who
//! review. The use case is `app::board::reply`; a refused form comes back with what was typed
//! and why beside it.

use axum::extract::State;
use suqiu_core::board::{ReplyCommand, ReplyState, Stamp};
use suqiu_core::display::time;
use suqiu_store::appeals::AppealRecord;

use super::refused;
use crate::app::board::reply;
use crate::problem::Problem;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::FieldErrors;
use crate::ui::{saved, Flash, PageId, PageResult, PostForm, Session, UiError};

/// The card as the page shows it.
pub(super) struct ReplyPanel {
    /// Whether the card shows at all: to those who may write one, or when one exists.
    pub shown: bool,
    /// The appellant consented: the appeal may be on the board.
    pub public: bool,
    /// The state's words ("" when nothing is written yet).
    pub state: &'static str,
    pub body: String,
    /// Who did what, when, one line each.
    pub record: Vec<String>,
    pub may_write: bool,
    pub may_publish: bool,
    pub may_withdraw: bool,
    /// What the text box holds: what was typed when refused, else the reply as written.
    pub typed: String,
    /// Why the last post was refused.
    pub error: String,
}

/// A refused post of the card: its errors and what was typed.
pub(super) struct ReplyFailure {
    errors: FieldErrors,
    typed: String,
}

fn line(lang: Lang, key: &str, s: &Stamp) -> String {
    format!(
        "{}{}{} {}",
        lang.t(key),
        lang.t("punct.colon"),
        s.name,
        time(s.at)
    )
}

/// The card of `rec` for `s`, with a refused post's errors if there was one.
pub(super) async fn panel(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    failed: Option<ReplyFailure>,
) -> Result<ReplyPanel, UiError> {
    let lang = s.lang;
    let card = reply::card(state, &s.actor, rec).await?;
    let current = card.reply.as_ref();
    let in_state = |st: ReplyState| current.is_some_and(|r| r.state == st);
    let mut record = Vec::new();
    if let Some(r) = current {
        record.push(line(lang, "reply.written", &r.written));
        if let Some(p) = &r.published {
            record.push(line(lang, "reply.published", p));
        }
        if let Some(w) = &r.withdrawn {
            record.push(line(lang, "reply.withdrawn", w));
        }
    }
    let body = current.map(|r| r.body.clone()).unwrap_or_default();
    let (typed, error) = match failed {
        Some(f) => (
            f.typed,
            f.errors
                .0
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join("；"),
        ),
        None => (body.clone(), String::new()),
    };
    Ok(ReplyPanel {
        shown: card.may_write || current.is_some(),
        public: card.public,
        state: current.map_or("", |r| lang.label(r.state.code(), r.state.label_zh())),
        body,
        record,
        may_write: card.may_write && card.public && !in_state(ReplyState::Published),
        may_publish: card.may_review && card.public && in_state(ReplyState::Draft),
        may_withdraw: card.may_review && in_state(ReplyState::Published),
        typed,
        error,
    })
}

/// `POST /appeals/{id}/public-reply` (`step` write, publish or withdraw). Done: back to the
/// card with a message. Refused: the page again, the card saying why, the text kept.
pub(crate) async fn post(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let typed = post.form.raw("body");
    let (cmd, key) = match post.form.get("step") {
        Some("publish") => (ReplyCommand::Publish, "flash.reply_published"),
        Some("withdraw") => (ReplyCommand::Withdraw, "flash.reply_withdrawn"),
        _ => (ReplyCommand::Write(typed.clone()), "flash.reply_saved"),
    };
    match reply::command(&state, &s.actor, id, cmd)
        .await
        .map_err(Problem::from)
    {
        Ok(_) => {
            let back = format!("/appeals/{id}#public-reply");
            Ok(saved(&state, &back, Flash::new(key)))
        }
        Err(p) if matches!(p.status, 403 | 409 | 422) => {
            let failed = ReplyFailure {
                errors: FieldErrors::from_problem(&p, lang),
                typed,
            };
            refused(&state, &s, id, (None, Some(failed)), p.status()).await
        }
        Err(p) => Err(UiError::from(p).page(lang)),
    }
}
