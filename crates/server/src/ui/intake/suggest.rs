//! The intake form's suggestion chips (issue 16 §1): the three categories the classifier
//! proposes for what is typed, and the usual handler of the first here. The form's script
//! asks `POST /appeals/new/suggest` as the content is typed and draws them beside the
//! category picker (one key, Alt+1/2/3, or Enter on a chip, takes one); a form shown again
//! after a failed save draws them itself. Both call [`chips`], which asks `app::suggest`.
//! With too little history nothing is shown.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::app::suggest::suggest as suggest_for;
pub(crate) use crate::app::suggest::Typed;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::percent;
use crate::ui::{FormData, PostForm, Session};

/// One suggested category as a chip: its code (what the picker takes), its name, its
/// probability, and its key (1–3, with Alt).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Chip {
    pub code: String,
    pub name: String,
    pub pct: String,
    pub key: usize,
}

/// The chips and the words around them, in the page's language.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Chips {
    pub chips: Vec<Chip>,
    /// "Appeals like this here are usually resolved by …", when there is a usual handler.
    pub handler: Option<String>,
    pub title: &'static str,
    pub keys: &'static str,
}

/// What the form has typed, as the suggestion reads it (`None` without content or node).
pub(crate) fn typed(f: &FormData) -> Option<Typed> {
    let content = f.get("content")?.to_string();
    let org_unit_id = f.id("org_unit_id").ok().flatten()?;
    Some(Typed {
        title: f.get("title").map(str::to_string),
        content,
        location: f.get("location").map(str::to_string),
        org_unit_id,
    })
}

/// The chips for `typed`, if the classifier has any: none with too little history, for a
/// text the intake would refuse, or for a node the receptionist may not register at (the
/// form says those when it is saved).
/// A suggestion's confidence as the receptionist reads it: whole percent, and "<1%" rather
/// than a "0.0%" that reads as "certainly not".
fn confidence(score: f32) -> String {
    let pct = f64::from(score) * 100.0;
    if pct < 0.5 {
        "<1%".into()
    } else {
        format!("{pct:.0}%")
    }
}

pub(crate) async fn chips(state: &AppState, s: &Session, typed: &Typed) -> Option<Chips> {
    let lang = s.lang;
    let found = match suggest_for(state, &s.actor, typed, lang == Lang::En).await {
        Ok(found) if found.ready() && !found.categories.is_empty() => found,
        Ok(_) => return None,
        Err(e) => {
            tracing::debug!(error = ?e, "no suggestion for the intake form");
            return None;
        }
    };
    let chips = (found.categories.into_iter().enumerate())
        .map(|(i, c)| Chip {
            code: c.code,
            name: c.name,
            pct: confidence(c.score),
            key: i + 1,
        })
        .collect();
    let handler = found.handler.map(|h| {
        lang.t("intake.suggest_handler")
            .replace("{name}", &h.name)
            .replace("{share}", &percent(Some(h.share)))
    });
    Some(Chips {
        chips,
        handler,
        title: lang.t("intake.suggest"),
        keys: lang.t("intake.suggest_keys"),
    })
}

/// `POST /appeals/new/suggest` (the form's script, as JSON): the chips for what is typed;
/// no chips when there are none to show.
pub(crate) async fn suggest(State(state): State<AppState>, post: PostForm) -> Response {
    let s = post.session;
    let found = match typed(&post.form) {
        Some(t) => chips(&state, &s, &t).await,
        None => None,
    };
    Json(found.unwrap_or_default()).into_response()
}
