//! `/admin/suggest`: the classifier behind the intake's suggestions (issue 16 §1) — whether a
//! retrain runs, how the last one went (trained, or too little history), the models kept
//! with their held-out figures, the acceptance of suggestions per month from real intakes,
//! and the button that retrains now (立即重新训练, in the background). The district's.

use askama::Template;
use axum::extract::State;
use suqiu_core::suggest::{MIN_PER_LABEL, MIN_TEXTS, TOO_LITTLE_HISTORY};

use super::{done, require_configure};
use crate::app::suggest::{start_retrain, status};
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::{percent, when, Chrome};
use crate::ui::{fail, render, PageResult, PostForm, Session, UiError};

/// A model kept, as a table row: version, trained at, texts, categories, held-out accuracy,
/// macro-F1, top-3 accuracy.
type ModelRow = (i64, String, i64, usize, String, String, String);

/// A month's acceptance: month, intakes with a suggestion, top-1 %, top-3 %.
type MonthRow = (String, u64, String, String);

#[derive(Template)]
#[template(path = "admin_suggest.html")]
struct SuggestPage {
    c: Chrome,
    running: bool,
    /// How the last run went, in words (`None`: never ran).
    last_run: Option<(String, String)>,
    /// Nothing is suggested now: the words for it.
    too_little: Option<String>,
    models: Vec<ModelRow>,
    months: Vec<MonthRow>,
}

fn ratio(x: f64) -> String {
    percent(Some(x))
}

/// The last run in words: when, and what came of it.
fn last_run_words(lang: Lang, run: &suqiu_store::suggest::LastRun) -> (String, String) {
    let what = if run.trained {
        lang.t("admin.suggest_trained")
            .replace("{texts}", &run.n_texts.to_string())
            .replace("{labels}", &run.labels.to_string())
    } else {
        // The warning box beside it says why, with the counts.
        lang.t("admin.suggest_untrained").to_string()
    };
    (when(run.at), what)
}

fn too_little_words(lang: Lang, n_labelled: usize) -> String {
    let says = TOO_LITTLE_HISTORY;
    let head = lang.pick(says.zh, says.en);
    let detail = lang
        .t("admin.suggest_too_little")
        .replace("{texts}", &n_labelled.to_string())
        .replace("{min}", &MIN_TEXTS.to_string())
        .replace("{per}", &MIN_PER_LABEL.to_string());
    format!("{head}{}{detail}", lang.t("punct.colon"))
}

async fn suggest_page(state: &AppState, s: &Session) -> Result<SuggestPage, UiError> {
    let lang = s.lang;
    let st = status(state, &s.actor).await?;
    // Before the first run nobody has counted the history: "0 labelled" would be a guess.
    let too_little = (st.last_run.as_ref())
        .filter(|r| !r.trained && st.models.is_empty())
        .map(|r| too_little_words(lang, r.n_labelled));
    Ok(SuggestPage {
        c: s.chrome("admin_suggest"),
        running: st.running,
        last_run: st.last_run.as_ref().map(|r| last_run_words(lang, r)),
        too_little,
        models: (st.models.iter())
            .map(|m| {
                let f = &m.metrics;
                let (accuracy, f1, top3) =
                    (ratio(f.accuracy), ratio(f.macro_f1), ratio(f.top3_accuracy));
                (
                    m.version,
                    when(m.trained_at),
                    m.n_texts,
                    m.labels,
                    accuracy,
                    f1,
                    top3,
                )
            })
            .collect(),
        months: (st.months.iter())
            .map(|m| {
                let (top1, top3) = (percent(m.top1_rate()), percent(m.top3_rate()));
                (m.month.clone(), m.suggested, top1, top3)
            })
            .collect(),
    })
}

/// `GET /admin/suggest`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_configure(&s)?;
    let page = suggest_page(&state, &s).await.map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// `POST /admin/suggest/retrain`: starts a retrain in the background (or says one runs).
pub(crate) async fn retrain(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_configure(&s)?;
    let started = start_retrain(&state, &s.actor).map_err(|e| UiError::from(e).page(s.lang))?;
    let key = match started {
        true => "flash.admin_retrain",
        false => "flash.admin_retrain_busy",
    };
    Ok(done(&state, "/admin/suggest", key, ""))
}
