//! Suggestions at intake (issue 16 §1, "in the product"): the category and the usual
//! handler proposed while a receptionist types, from a classifier the server trains on the
//! deployment's own history; retraining it (nightly, and on demand from `/admin`), in the
//! background and one at a time; what each intake was offered and chose; `/admin`'s figures.
//!
//! The rules are core's (`suqiu_core::suggest`: which history teaches, how much is enough,
//! the usual handler, the acceptance rank); the classifier is `suqiu_text::classify`. The
//! model serves from memory (`AppState::suggester`): a suggestion reads no database but the
//! cached tree and taxonomy and, when there is a usual handler, its name.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use suqiu_core::access::{deed, Actor, Capability};
use suqiu_core::category::{is_leaf, Category, UNSORTED};
use suqiu_core::error::{Msg, Reason};
use suqiu_core::lifecycle::{text_errors, Intake};
use suqiu_core::msg;
use suqiu_core::org::in_subtree;
use suqiu_core::suggest::{
    appeal_text, staff_labelled, Handler, HandlerTable, HeldOut, MonthAcceptance, Plan,
    HOLDOUT_FOLDS, MAX_TEXTS, SPLIT_SEED, SUGGESTED, TOO_LITTLE_HISTORY,
};
use suqiu_core::Id;
use suqiu_store::suggest::{LastRun, ModelInfo, Offered, StoredModel};
use suqiu_store::{Store, StoreError};
use suqiu_text::classify::{report, stratified_folds, Model, Settings};

use super::{require, AppError, AppResult};
use crate::state::{read, write, AppState};

/// A trained model in memory, with the usual handlers counted when it was trained.
pub(crate) struct Suggester {
    pub version: i64,
    model: Model,
    handlers: HandlerTable,
}

impl std::fmt::Debug for Suggester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Suggester(v{})", self.version)
    }
}

impl Suggester {
    /// The model's best categories for `text` that are still leaves of the taxonomy (one
    /// removed or split since training is never offered), best first, at most three.
    fn best(&self, taxonomy: &[Category], text: &str) -> Vec<(String, f32)> {
        self.model
            .ranked(text)
            .into_iter()
            .filter(|(code, _)| *code != UNSORTED && is_leaf(taxonomy, code))
            .take(SUGGESTED)
            .map(|(code, p)| (code.to_string(), p))
            .collect()
    }
}

/// The newest stored model, ready to serve. One that cannot be read (a format of another
/// build) is logged and skipped: nothing is suggested until the next retrain.
pub(crate) async fn load_newest(store: &Store) -> Result<Option<Arc<Suggester>>, StoreError> {
    let Some(stored) = store.newest_model().await? else {
        return Ok(None);
    };
    let model = match Model::from_bytes(&stored.bytes) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(version = stored.version, error = %e, "suggestions: stored model unreadable");
            return Ok(None);
        }
    };
    let handlers = match serde_json::from_str(&stored.handlers_json) {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(version = stored.version, error = %e, "suggestions: stored handlers unreadable");
            return Ok(None);
        }
    };
    Ok(Some(Arc::new(Suggester {
        version: stored.version,
        model,
        handlers,
    })))
}

/// Whether a stored model exists that this server cannot serve (one of another build's
/// format, see [`load_newest`]). Cheap while a model is served: nothing is read.
pub(crate) async fn newest_unreadable(state: &AppState) -> Result<bool, StoreError> {
    if current(state).is_some() {
        return Ok(false);
    }
    Ok(match state.store.newest_model().await? {
        Some(stored) => Model::from_bytes(&stored.bytes).is_err(),
        None => false,
    })
}

/// The model this server serves now, if any.
fn current(state: &AppState) -> Option<Arc<Suggester>> {
    read(&state.suggester).clone()
}

/// Serves the newest stored model when the store has another than this server's (after a
/// retrain here, or on another server sharing the database).
pub(crate) async fn refresh(state: &AppState) -> Result<(), StoreError> {
    let newest = state.store.newest_model_version().await?;
    if newest.is_some() && newest != current(state).map(|s| s.version) {
        let loaded = load_newest(&state.store).await?;
        *write(&state.suggester) = loaded;
    }
    Ok(())
}

/// What a receptionist has typed so far, and where.
#[derive(Debug, Clone)]
pub(crate) struct Typed {
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub org_unit_id: Id,
}

/// A suggested category.
#[derive(Debug, Clone)]
pub(crate) struct Suggested {
    pub code: String,
    pub name: String,
    pub score: f32,
}

/// The usual handler of the first category at this place.
#[derive(Debug, Clone)]
pub(crate) struct UsualHandler {
    pub handler: Handler,
    pub name: String,
    pub share: f64,
}

/// The answer: nothing (with why) until there is enough history.
#[derive(Debug, Clone)]
pub(crate) struct Suggestion {
    pub reason: Option<Reason>,
    pub categories: Vec<Suggested>,
    pub handler: Option<UsualHandler>,
    pub model_version: Option<i64>,
}

impl Suggestion {
    pub(crate) fn ready(&self) -> bool {
        self.reason.is_none()
    }
}

const UNIT_OUT_OF_SCOPE: Msg = msg!(
    "suggest_unit_out_of_scope",
    "只能为本单位范围内的节点登记诉求",
    "Appeals are registered only for places within your unit",
);

/// Suggests the categories of a text being typed, and the usual handler of the first at
/// the node it concerns. The caller must be one who may register an appeal there (403
/// otherwise, an unknown node alike); the texts follow the intake's own rules (422).
pub(crate) async fn suggest(
    state: &AppState,
    actor: &Actor,
    typed: &Typed,
    english: bool,
) -> AppResult<Suggestion> {
    require(actor, Capability::Intake, &deed::INTAKE)?;
    let unit = state.store.org_unit(typed.org_unit_id).await?;
    let Some(unit) = unit.filter(|u| in_subtree(&actor.org_path, &u.path)) else {
        return Err(AppError::Forbidden(Reason::new(&UNIT_OUT_OF_SCOPE)));
    };
    let errors = text_errors([
        ("content", Some(typed.content.as_str())),
        ("title", typed.title.as_deref()),
        ("location", typed.location.as_deref()),
    ]);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let Some(s) = current(state) else {
        return Ok(Suggestion {
            reason: Some(Reason::new(&TOO_LITTLE_HISTORY)),
            categories: Vec::new(),
            handler: None,
            model_version: None,
        });
    };
    let taxonomy = state.store.categories().await?;
    let text = appeal_text(
        typed.title.as_deref(),
        &typed.content,
        typed.location.as_deref(),
    );
    let categories: Vec<Suggested> = (s.best(&taxonomy, &text).into_iter())
        .filter_map(|(code, score)| {
            let c = taxonomy.iter().find(|c| c.code == code)?;
            let name = c.name_in(english).to_string();
            Some(Suggested { code, name, score })
        })
        .collect();
    let handler = match categories.first() {
        Some(first) => usual_handler(state, &s, &first.code, &unit.path).await?,
        None => None,
    };
    Ok(Suggestion {
        reason: None,
        categories,
        handler,
        model_version: Some(s.version),
    })
}

/// The usual handler of `category` at the node `path`, by name.
async fn usual_handler(
    state: &AppState,
    s: &Suggester,
    category: &str,
    path: &str,
) -> AppResult<Option<UsualHandler>> {
    let Some(usual) = s.handlers.usual(category, path) else {
        return Ok(None);
    };
    let name = match usual.handler {
        Handler::Department(id) => state.store.department(id).await?.map(|d| d.name),
        Handler::Unit(id) => state.store.org_unit(id).await?.map(|u| u.name),
    };
    // A handler removed since the count names no one.
    Ok(name.map(|name| UsualHandler {
        handler: usual.handler,
        name,
        share: usual.share(),
    }))
}

/// What the suggestions offer for `intake`'s text (what the chips showed for it), when a
/// model serves: stored with the appeal (`Store::create_appeal_offered`), so the acceptance
/// figures count every desk intake made while a model served, and nothing else.
pub(crate) async fn offered(state: &AppState, intake: &Intake) -> AppResult<Option<Offered>> {
    let Some(s) = current(state) else {
        return Ok(None);
    };
    let taxonomy = state.store.categories().await?;
    let text = appeal_text(
        intake.title.as_deref(),
        &intake.content,
        intake.location.as_deref(),
    );
    let suggested = (s.best(&taxonomy, &text).into_iter())
        .map(|(c, _)| c)
        .collect();
    Ok(Some(Offered {
        model_version: s.version,
        suggested,
    }))
}

/// Why a retrain did not end with a model or a verdict of too little history.
#[derive(Debug, thiserror::Error)]
pub enum RetrainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("training failed: {0}")]
    Training(String),
}

/// A model trained off the async threads, with its held-out figures.
struct Trained {
    bytes: Vec<u8>,
    labels: Vec<String>,
    metrics: HeldOut,
}

/// Trains on `examples` (text, category): first on all but the held-out fold (its texts
/// scored for the figures), then on all of them for the model that serves. Deterministic.
fn train(examples: &[(String, String)]) -> Result<Trained, String> {
    let started = Instant::now();
    let settings = Settings::default();
    let mut labels: Vec<&str> = examples.iter().map(|(_, l)| l.as_str()).collect();
    labels.sort_unstable();
    labels.dedup();
    let y: Vec<usize> = (examples.iter())
        .map(|(_, l)| labels.binary_search(&l.as_str()).unwrap_or(0))
        .collect();
    let fold = stratified_folds(&y, HOLDOUT_FOLDS, SPLIT_SEED);
    let pairs: Vec<(&str, &str)> = examples
        .iter()
        .map(|(t, l)| (t.as_str(), l.as_str()))
        .collect();
    let (test, rest): (Vec<_>, Vec<_>) = (0..pairs.len()).partition(|&i| fold[i] == 0);
    let rest: Vec<(&str, &str)> = rest.into_iter().map(|i| pairs[i]).collect();
    let held = Model::train(&rest, &settings).map_err(|e| e.to_string())?;
    let scored = Instant::now();
    let ranked: Vec<Vec<&str>> = (test.iter())
        .map(|&i| {
            held.ranked(pairs[i].0)
                .into_iter()
                .map(|(l, _)| l)
                .collect()
        })
        .collect();
    let ms = scored.elapsed().as_secs_f64() * 1000.0 / test.len().max(1) as f64;
    let gold: Vec<&str> = test.iter().map(|&i| pairs[i].1).collect();
    let r = report(&gold, &ranked, ms);
    let model = Model::train(&pairs, &settings).map_err(|e| e.to_string())?;
    Ok(Trained {
        bytes: model.to_bytes(),
        labels: model.labels().to_vec(),
        metrics: HeldOut {
            n_test: r.n,
            accuracy: r.accuracy,
            macro_f1: r.macro_f1,
            top3_accuracy: r.top3_accuracy,
            train_seconds: started.elapsed().as_secs_f64(),
        },
    })
}

/// The labelled texts (text, category) of the newest history, as core's rules pick them.
async fn labelled_history(state: &AppState) -> Result<Vec<(String, String)>, StoreError> {
    // Twice the cap read: public intakes nobody sorted are read and left out.
    let history = state.store.suggestion_history(2 * MAX_TEXTS).await?;
    Ok(history
        .into_iter()
        .filter(|h| staff_labelled(h.channel, h.classified, &h.category))
        .take(MAX_TEXTS)
        .map(|h| {
            let text = appeal_text(h.title.as_deref(), &h.content, h.location.as_deref());
            (text, h.category)
        })
        .collect())
}

/// Trains a model from the history when there is enough of it, stores it with the usual
/// handlers and serves it; says how it went (also in the store, for `/admin`). The caller
/// holds `AppState::retraining`.
async fn retrain(state: &AppState, now: DateTime<Utc>) -> Result<LastRun, RetrainError> {
    let labelled = labelled_history(state).await?;
    let plan = Plan::of(labelled.iter().map(|(_, l)| l.as_str()));
    let mut run = LastRun {
        at: now,
        trained: false,
        n_labelled: plan.n_labelled,
        n_texts: plan.n_texts,
        labels: plan.kept.len(),
    };
    if plan.ready() {
        let examples: Vec<(String, String)> = (labelled.into_iter())
            .filter(|(_, l)| plan.kept.contains(l))
            .collect();
        // Seconds of one core: off the async threads, so intake and every page go on.
        let trained = tokio::task::spawn_blocking(move || train(&examples))
            .await
            .map_err(|e| RetrainError::Training(e.to_string()))?
            .map_err(RetrainError::Training)?;
        let handlers = HandlerTable::count(state.store.resolved_by_handler().await?);
        let handlers_json =
            serde_json::to_string(&handlers).map_err(|e| RetrainError::Training(e.to_string()))?;
        let stored = StoredModel {
            version: 0,
            trained_at: now,
            n_texts: i64::try_from(plan.n_texts).unwrap_or(i64::MAX),
            labels: trained.labels,
            bytes: trained.bytes,
            metrics: trained.metrics,
            handlers_json,
        };
        let version = state.store.save_model(&stored).await?;
        refresh(state).await?;
        run.trained = true;
        tracing::info!(version, texts = plan.n_texts, "suggestions: model trained");
    }
    state.store.put_last_training_run(&run).await?;
    Ok(run)
}

/// Retrains now unless a retrain runs already (`None`): the nightly job's and the tests'
/// way, awaited.
pub(crate) async fn retrain_now(
    state: &AppState,
    now: DateTime<Utc>,
) -> Option<Result<LastRun, RetrainError>> {
    let _one_at_a_time = state.retraining.try_lock().ok()?;
    Some(retrain(state, now).await)
}

/// `/admin`'s button (立即重新训练): starts a retrain in the background unless one runs
/// already (false). The district's to do.
pub(crate) fn start_retrain(state: &AppState, actor: &Actor) -> AppResult<bool> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    let Ok(guard) = Arc::clone(&state.retraining).try_lock_owned() else {
        return Ok(false);
    };
    let state = state.clone();
    tokio::spawn(async move {
        let _one_at_a_time = guard;
        if let Err(e) = retrain(&state, state.now()).await {
            tracing::warn!(error = %e, "suggestions: retrain failed");
        }
    });
    Ok(true)
}

/// What `/admin` shows of the suggestions.
#[derive(Debug, Clone)]
pub(crate) struct Status {
    pub running: bool,
    pub last_run: Option<LastRun>,
    /// The models kept, newest (the one serving) first.
    pub models: Vec<ModelInfo>,
    /// Acceptance by month, newest first.
    pub months: Vec<MonthAcceptance>,
}

/// How many months `/admin` shows.
const MONTHS: i64 = 12;

pub(crate) async fn status(state: &AppState, actor: &Actor) -> AppResult<Status> {
    require(actor, Capability::Configure, &deed::CONFIGURE)?;
    Ok(Status {
        running: state.retraining.try_lock().is_err(),
        last_run: state.store.last_training_run().await?,
        models: state.store.models().await?,
        months: state.store.suggestion_months(MONTHS).await?,
    })
}
