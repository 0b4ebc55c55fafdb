//! Suggestions at intake (issue 16 §1): what the classifier learns from (the history of
//! appeals and who resolved them), the models trained from it (`text_models`, migration 0034),
//! and what each intake was offered and chose (`category_suggestions`). Which history counts
//! and what the counts mean are core's (`suqiu_core::suggest`); the store reads and writes.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use suqiu_core::appeal::{Appeal, Channel};
use suqiu_core::suggest::{
    accepted_rank, month_of, HeldOut, MonthAcceptance, Resolved, KEEP_MODELS,
};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::sql::{get, get_code, get_time, ms, Arg};
use crate::Store;

/// The setting that keeps the last training run's outcome ([`LastRun`], JSON), so `/admin`
/// can say "too little history" and when it last looked.
pub const LAST_RUN: &str = "suggest_last_run";

/// One appeal of the history as the classifier may read it.
#[derive(Debug, Clone)]
pub struct HistoryText {
    pub category: String,
    pub channel: Channel,
    /// Staff sorted or corrected its category (a `classify` event).
    pub classified: bool,
    pub title: Option<String>,
    pub content: String,
    pub location: Option<String>,
}

/// A model as stored; `bytes` is `suqiu_text::classify::Model::to_bytes`.
#[derive(Debug, Clone)]
pub struct StoredModel {
    pub version: i64,
    pub trained_at: DateTime<Utc>,
    pub n_texts: i64,
    pub labels: Vec<String>,
    pub bytes: Vec<u8>,
    pub metrics: HeldOut,
    /// `suqiu_core::suggest::HandlerTable` as JSON.
    pub handlers_json: String,
}

/// What a model is, without its bytes (the /admin list).
#[derive(Debug, Clone)]
pub struct ModelInfo {
    pub version: i64,
    pub trained_at: DateTime<Utc>,
    pub n_texts: i64,
    pub labels: usize,
    pub metrics: HeldOut,
}

/// How the last training run ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LastRun {
    pub at: DateTime<Utc>,
    /// A model was trained (false: too little history, nothing trained).
    pub trained: bool,
    /// The labelled texts read, and those of the categories with enough of them.
    pub n_labelled: usize,
    pub n_texts: usize,
    pub labels: usize,
}

/// What the suggestions offered a desk intake for its text: category codes, best first, by
/// the model of `model_version`. Stored with the appeal, in its transaction, as one
/// `category_suggestions` row with what was chosen (the appeal's category).
#[derive(Debug, Clone)]
pub struct Offered {
    pub model_version: i64,
    pub suggested: Vec<String>,
}

/// The columns of a `category_suggestions` row ([`offered_row`]).
pub(crate) const OFFERED_COLUMNS: [&str; 7] = [
    "appeal_id",
    "model_version",
    "suggested_json",
    "chosen",
    "accepted_rank",
    "month",
    "created_at",
];

/// The `category_suggestions` row of the new appeal `id`: what `offered` offered, what the
/// appeal's category says was chosen, and at which rank (core's `accepted_rank`).
pub(crate) fn offered_row(id: Id, appeal: &Appeal, offered: &Offered) -> Result<Vec<Arg>> {
    let suggested =
        serde_json::to_string(&offered.suggested).map_err(|e| corrupt("suggested", e))?;
    let rank = accepted_rank(&offered.suggested, &appeal.category).map(i64::from);
    Ok(vec![
        id.into(),
        offered.model_version.into(),
        suggested.into(),
        appeal.category.clone().into(),
        rank.into(),
        month_of(appeal.created_at).into(),
        ms(appeal.created_at).into(),
    ])
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn metrics_of(row: &AnyRow) -> Result<HeldOut> {
    let json: String = get(row, "metrics_json")?;
    serde_json::from_str(&json).map_err(|e| corrupt("text_models.metrics_json", e))
}

impl Store {
    /// The newest `limit` appeals whose category is not 待分类, not marked as spam, newest
    /// first, with whether staff sorted each (core's `staff_labelled` decides which count).
    pub async fn suggestion_history(&self, limit: usize) -> Result<Vec<HistoryText>> {
        let rows = sqlx::query(
            "SELECT a.category, a.channel, a.title, a.content, a.location, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM appeal_events e \
                 WHERE e.appeal_id = a.id AND e.type = 'classify') THEN 1 ELSE 0 END AS BIGINT) \
                 AS classified \
             FROM appeals a WHERE a.spam_at IS NULL AND a.category <> 'unsorted' \
             ORDER BY a.id DESC LIMIT $1",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HistoryText {
                    category: get(r, "category")?,
                    channel: get_code(r, "channel", Channel::parse)?,
                    classified: get::<i64>(r, "classified")? != 0,
                    title: get(r, "title")?,
                    content: get(r, "content")?,
                    location: get(r, "location")?,
                })
            })
            .collect()
    }

    /// Resolved appeals (resolved or closed, not spam, sorted) counted by category, node and
    /// who finally resolved them: the usual handlers' counts.
    pub async fn resolved_by_handler(&self) -> Result<Vec<Resolved>> {
        let rows = sqlx::query(
            "SELECT category, org_path, department_id, handling_org_unit_id, COUNT(*) AS n \
             FROM appeals WHERE status IN ('resolved', 'closed') AND spam_at IS NULL \
             AND category <> 'unsorted' \
             GROUP BY category, org_path, department_id, handling_org_unit_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let n: i64 = get(r, "n")?;
                Ok(Resolved {
                    category: get(r, "category")?,
                    org_path: get(r, "org_path")?,
                    handler: suqiu_core::suggest::Handler::of(
                        get(r, "department_id")?,
                        get(r, "handling_org_unit_id")?,
                    ),
                    n: u32::try_from(n).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// Stores a newly trained model as the next version and drops all but the newest
    /// [`KEEP_MODELS`]. Returns its version.
    pub async fn save_model(&self, m: &StoredModel) -> Result<i64> {
        let labels = serde_json::to_string(&m.labels).map_err(|e| corrupt("labels", e))?;
        let metrics = serde_json::to_string(&m.metrics).map_err(|e| corrupt("metrics", e))?;
        let mut tx = self.writer.begin().await?;
        let version: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(version), 0) + 1 AS BIGINT) FROM text_models",
        )
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO text_models \
             (version, trained_at, n_texts, labels, bytes, metrics_json, handlers_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(version)
        .bind(ms(m.trained_at))
        .bind(m.n_texts)
        .bind(labels)
        .bind(m.bytes.clone())
        .bind(metrics)
        .bind(m.handlers_json.clone())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM text_models WHERE version <= $1")
            .bind(version - KEEP_MODELS)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The newest model's version, if any (cheap: to see whether another server trained one).
    pub async fn newest_model_version(&self) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT CAST(MAX(version) AS BIGINT) FROM text_models")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The newest model with its bytes.
    pub async fn newest_model(&self) -> Result<Option<StoredModel>> {
        let row = sqlx::query(
            "SELECT version, trained_at, n_texts, labels, bytes, metrics_json, handlers_json \
             FROM text_models ORDER BY version DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let labels: String = get(&r, "labels")?;
        Ok(Some(StoredModel {
            version: get(&r, "version")?,
            trained_at: get_time(&r, "trained_at")?,
            n_texts: get(&r, "n_texts")?,
            labels: serde_json::from_str(&labels).map_err(|e| corrupt("text_models.labels", e))?,
            bytes: get(&r, "bytes")?,
            metrics: metrics_of(&r)?,
            handlers_json: get(&r, "handlers_json")?,
        }))
    }

    /// The models kept, newest first, without their bytes.
    pub async fn models(&self) -> Result<Vec<ModelInfo>> {
        let rows = sqlx::query(
            "SELECT version, trained_at, n_texts, labels, metrics_json FROM text_models \
             ORDER BY version DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let labels: String = get(r, "labels")?;
                let labels: Vec<String> =
                    serde_json::from_str(&labels).map_err(|e| corrupt("text_models.labels", e))?;
                Ok(ModelInfo {
                    version: get(r, "version")?,
                    trained_at: get_time(r, "trained_at")?,
                    n_texts: get(r, "n_texts")?,
                    labels: labels.len(),
                    metrics: metrics_of(r)?,
                })
            })
            .collect()
    }

    /// How the last training run ended, if one ran.
    pub async fn last_training_run(&self) -> Result<Option<LastRun>> {
        match self.setting(LAST_RUN).await? {
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| corrupt(&format!("setting {LAST_RUN}"), e)),
            None => Ok(None),
        }
    }

    pub async fn put_last_training_run(&self, run: &LastRun) -> Result<()> {
        let json = serde_json::to_string(run).map_err(|e| corrupt("last run", e))?;
        self.put_setting(LAST_RUN, &json).await
    }

    /// The acceptance of suggestions in the newest `months` months that had any, newest first.
    pub async fn suggestion_months(&self, months: i64) -> Result<Vec<MonthAcceptance>> {
        let rows = sqlx::query(
            "SELECT month, CAST(COUNT(*) AS BIGINT) AS suggested, \
             CAST(SUM(CASE WHEN accepted_rank = 1 THEN 1 ELSE 0 END) AS BIGINT) AS top1, \
             CAST(SUM(CASE WHEN accepted_rank IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS top3 \
             FROM category_suggestions GROUP BY month ORDER BY month DESC LIMIT $1",
        )
        .bind(months)
        .fetch_all(&self.pool)
        .await?;
        let count = |r: &AnyRow, col: &str| -> Result<u64> {
            Ok(u64::try_from(get::<i64>(r, col)?).unwrap_or(0))
        };
        rows.iter()
            .map(|r| {
                Ok(MonthAcceptance {
                    month: get(r, "month")?,
                    suggested: count(r, "suggested")?,
                    top1: count(r, "top1")?,
                    top3: count(r, "top3")?,
                })
            })
            .collect()
    }
}
