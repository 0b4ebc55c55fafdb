//! `/admin/limits`: the time limits by kind (and for urgent appeals), edited by the district
//! through the API's own save path (which checks and records the change).

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::appeal::{Kind, Urgency};
use suqiu_core::policy::{default_limits, Limit, Limits, TimeLimitPolicy};

use super::{again, done, require_admin};

use crate::routes::config::save_time_limits;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::{Chrome, FieldErrors};
use crate::ui::{render, FormData, PageResult, PostForm, Session, UiError};

/// One row of the form: `urgent` or a kind, its two limits as shown (or as typed), their
/// units, and the error beside each.
struct LimitRow {
    key: &'static str,
    label: &'static str,
    respond: String,
    respond_unit: &'static str,
    respond_error: String,
    resolve: String,
    resolve_unit: &'static str,
    resolve_error: String,
}

fn limit_parts(l: Option<Limit>) -> (String, &'static str) {
    match l {
        Some(Limit::WorkingDays(n)) => (n.to_string(), "working_days"),
        Some(Limit::ClockHours(n)) => (n.to_string(), "clock_hours"),
        None => (String::new(), "working_days"),
    }
}

/// The rows of `policy`; with `typed`, the amounts as typed (a failed save shows them).
fn limit_rows(
    lang: Lang,
    p: &TimeLimitPolicy,
    typed: Option<&FormData>,
    errors: &FieldErrors,
) -> Vec<LimitRow> {
    let rows = std::iter::once(("urgent", Urgency::Urgent.label_zh(), p.urgent)).chain(
        Kind::ALL.iter().map(|k| {
            let limits = p.by_kind.get(k).copied().unwrap_or(default_limits(*k));
            (k.code(), k.label_zh(), limits)
        }),
    );
    rows.map(|(key, zh, l)| {
        let (mut respond, respond_unit) = limit_parts(Some(l.respond));
        let (mut resolve, resolve_unit) = limit_parts(l.resolve);
        if let Some(f) = typed {
            respond = f.raw(&format!("{key}.respond"));
            resolve = f.raw(&format!("{key}.resolve"));
        }
        LimitRow {
            key,
            label: lang.label(key, zh),
            respond,
            respond_unit,
            respond_error: errors.get(&format!("{key}.respond")).to_string(),
            resolve,
            resolve_unit,
            resolve_error: errors.get(&format!("{key}.resolve")).to_string(),
        }
    })
    .collect()
}

#[derive(Template)]
#[template(path = "admin_limits.html")]
struct LimitsPage {
    c: Chrome,
    limits: Vec<LimitRow>,
    may_configure: bool,
    /// Errors the rows do not show beside a field.
    other_errors: Vec<String>,
}

fn limits_page(
    state: &AppState,
    s: &Session,
    typed: Option<&FormData>,
    errors: FieldErrors,
) -> LimitsPage {
    let limits = limit_rows(s.lang, &state.policy(), typed, &errors);
    let placed: Vec<String> = limits
        .iter()
        .flat_map(|l| [format!("{}.respond", l.key), format!("{}.resolve", l.key)])
        .collect();
    let placed: Vec<&str> = placed.iter().map(String::as_str).collect();
    LimitsPage {
        c: s.chrome("admin_limits"),
        other_errors: errors.other(&placed),
        limits,
        may_configure: s.may(Capability::Configure),
    }
}

/// `GET /admin/limits`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let page = limits_page(&state, &s, None, FieldErrors::new(s.lang));
    render(s.lang, &page)
}

/// The policy with the form's amounts (units as they were; a blank resolve means none).
fn policy_from_form(
    lang: Lang,
    current: &TimeLimitPolicy,
    f: &FormData,
    errors: &mut FieldErrors,
) -> TimeLimitPolicy {
    let mut policy = current.clone();
    let read = |field: String, unit: &str, errors: &mut FieldErrors| -> Option<Option<Limit>> {
        match f.get(&field) {
            None => Some(None),
            Some(v) => match v.parse::<u32>() {
                Ok(n) => Some(Some(if unit == "clock_hours" {
                    Limit::ClockHours(n)
                } else {
                    Limit::WorkingDays(n)
                })),
                Err(_) => {
                    errors.push_text(&field, lang.t("admin.err_whole_number"));
                    None
                }
            },
        }
    };
    for key in std::iter::once("urgent").chain(Kind::ALL.iter().map(|k| k.code())) {
        let unit = |part: &str| {
            f.get(&format!("{key}.{part}_unit"))
                .unwrap_or("working_days")
                .to_string()
        };
        let respond = read(format!("{key}.respond"), &unit("respond"), errors);
        let resolve = read(format!("{key}.resolve"), &unit("resolve"), errors);
        let (Some(Some(respond)), Some(resolve)) = (respond, resolve) else {
            if f.get(&format!("{key}.respond")).is_none() {
                errors.push_text(&format!("{key}.respond"), lang.t("admin.err_respond"));
            }
            continue;
        };
        let limits = Limits { respond, resolve };
        if key == "urgent" {
            policy.urgent = limits;
        } else if let Some(kind) = Kind::parse(key) {
            policy.by_kind.insert(kind, limits);
        }
    }
    policy
}

/// `POST /admin/time-limits`.
pub(crate) async fn save(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let mut errors = FieldErrors::new(lang);
    let current = state.policy().clone();
    let policy = policy_from_form(lang, &current, &post.form, &mut errors);
    if !errors.any() {
        match save_time_limits(&state, &s.actor, policy).await {
            Ok(()) => return Ok(done(&state, "/admin/limits", "flash.admin_limits", "")),
            Err(p) if p.status == 422 => errors = FieldErrors::from_problem(&p, lang),
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
    }
    let page = limits_page(&state, &s, Some(&post.form), errors);
    again(&s, &page)
}
