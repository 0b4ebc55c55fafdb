//! 考核规则: the district's score weights and the minimum sample a unit is ranked on, shown to
//! whoever reads the scoreboard and changed by district administrators (the same check and
//! store as `PUT /api/v1/score-weights`).

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::measures::ScoreWeights;
use suqiu_core::msg;

use super::figures::rule;
use super::view::{Chrome, FieldErrors};
use super::{render, saved, Flash, PageResult, PostForm, Session, UiError};
use crate::routes::district::save_score_weights;
use crate::state::AppState;
use crate::ui::i18n;

#[derive(Template)]
#[template(path = "scoring.html")]
struct ScoringPage {
    c: Chrome,
    /// The form's values: the current rule, or what was typed when it had errors.
    response: String,
    resolution: String,
    satisfaction: String,
    min_sample: String,
    rule: String,
    may_configure: bool,
    errors: FieldErrors,
}

fn page(s: &Session, w: &ScoreWeights) -> ScoringPage {
    ScoringPage {
        c: s.chrome("ranking"),
        response: w.response.to_string(),
        resolution: w.resolution.to_string(),
        satisfaction: w.satisfaction.to_string(),
        min_sample: w.min_sample.to_string(),
        rule: rule(s.lang, w.min_sample),
        may_configure: s.may(Capability::Configure),
        errors: FieldErrors::new(s.lang),
    }
}

/// `GET /ranking/rule`
pub(crate) async fn show(State(state): State<AppState>, s: Session) -> PageResult {
    if !s.may(Capability::ReadMetrics) {
        return Err(UiError::Forbidden(i18n::reason("reports.forbidden")).page(s.lang));
    }
    render(s.lang, &page(&s, &state.weights()))
}

/// `POST /ranking/rule`: every field checked at once, the typed values kept on an error.
pub(crate) async fn save(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let mut errors = FieldErrors::new(lang);
    let mut number = |field: &str| -> f64 {
        let raw = post.form.raw(field);
        raw.trim().parse::<f64>().unwrap_or_else(|_| {
            let msg = suqiu_core::msg!(
                "weight_number",
                "请填写数字，例如 30",
                "Enter a number, e.g. 30"
            );
            errors.push(&format!("weights.{field}"), &msg);
            0.0
        })
    };
    let (response, resolution, satisfaction) = (
        number("response"),
        number("resolution"),
        number("satisfaction"),
    );
    let min_sample = post
        .form
        .raw("min_sample")
        .trim()
        .parse::<u64>()
        .unwrap_or_else(|_| {
            errors.push(
                "min_sample",
                &msg!(
                    "whole_number_shape",
                    "请填写不小于 0 的整数，例如 5",
                    "Enter a whole number of at least 0, e.g. 5"
                ),
            );
            0
        });
    if !errors.any() {
        let w = ScoreWeights {
            response,
            resolution,
            satisfaction,
            min_sample,
        };
        match save_score_weights(&state, &s.actor, w).await {
            Ok(_) => {
                let flash = Flash::new("scoring.saved").next("/ranking", "reports.ranking");
                return Ok(saved(&state, "/ranking/rule", flash));
            }
            Err(p) if p.status == 422 => errors = FieldErrors::from_problem(&p, lang),
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
    }
    let mut shown = page(&s, &state.weights());
    shown.response = post.form.raw("response");
    shown.resolution = post.form.raw("resolution");
    shown.satisfaction = post.form.raw("satisfaction");
    shown.min_sample = post.form.raw("min_sample");
    shown.errors = errors;
    let mut res = render(lang, &shown)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
