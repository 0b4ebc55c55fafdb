//! `/admin/calendar`: the working-day calendar in use (holidays and 调休 working weekends by
//! year, and the years whose official arrangement is missing), and the form that loads a
//! year's arrangement through the API's own path (checked, saved, recorded).

use askama::Template;
use axum::extract::State;
use serde_json::Value;
use suqiu_core::access::Capability;
use suqiu_core::calendar::shanghai_date;

use super::{again, done, require_admin};

use crate::routes::config::load_calendar;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::view::Chrome;
use crate::ui::{render, PageResult, PostForm, Session, UiError};

struct HolidayRow {
    year: String,
    name: String,
    days: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    c: Chrome,
    may_configure: bool,
    years: String,
    /// Years whose official arrangement should be loaded by now and is not (see
    /// `WorkCalendar::missing_years`), as shown.
    missing_years: String,
    holidays: Vec<HolidayRow>,
    workdays: Vec<(String, String)>,
    /// The file as pasted (kept when it fails) and its error.
    text: String,
    error: String,
}

/// The strings of a JSON array.
fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|d| d.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A holiday's days as read: the one day, or the first and last and how many.
fn span(lang: Lang, days: &[&str]) -> String {
    match (days.first(), days.last()) {
        (Some(a), Some(b)) if a != b => format!(
            "{a} — {b} ({} {})",
            days.len(),
            lang.t("admin.calendar_days")
        ),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

fn calendar_page(state: &AppState, s: &Session, text: String, error: String) -> CalendarPage {
    let lang = s.lang;
    let list_sep = lang.t("list.sep");
    let calendar: Value = serde_json::from_str(&state.calendar().to_json()).unwrap_or(Value::Null);
    let mut holidays = Vec::new();
    let mut workdays = Vec::new();
    let mut years = Vec::new();
    for (year, arrangement) in calendar
        .get("years")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        years.push(year.clone());
        for (name, days) in arrangement
            .get("holidays")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            holidays.push(HolidayRow {
                year: year.clone(),
                name: lang.holiday(name),
                days: span(lang, &strings(days)),
            });
        }
        if let Some(w) = arrangement.get("working_weekends") {
            workdays.push((year.clone(), strings(w).join(list_sep)));
        }
    }
    let missing = state.calendar().missing_years(shanghai_date(state.now()));
    CalendarPage {
        c: s.chrome("admin_calendar"),
        may_configure: s.may(Capability::Configure),
        years: years.join(list_sep),
        missing_years: missing
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(list_sep),
        holidays,
        workdays,
        text,
        error,
    }
}

/// `GET /admin/calendar`.
pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    require_admin(&s)?;
    let page = calendar_page(&state, &s, String::new(), String::new());

    render(s.lang, &page)
}

/// `POST /admin/calendar`: loads a year's official arrangement (the JSON of
/// `data/calendar/`), pasted into the form.
pub(crate) async fn load(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let text = post.form.raw("calendar");
    match load_calendar(&state, &s.actor, &text).await {
        Ok((_, loaded)) => {
            let years = loaded
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            Ok(done(
                &state,
                "/admin/calendar",
                "flash.admin_calendar",
                &years,
            ))
        }
        Err(p) if matches!(p.status, 400 | 422) => {
            let error = p.says(s.lang == Lang::En);
            let page = calendar_page(&state, &s, text, error);
            again(&s, &page)
        }
        Err(p) => Err(UiError::from(p).page(s.lang)),
    }
}
