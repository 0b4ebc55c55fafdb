//! 查询办理进度: the appellant's own page, no account — the tracking code from the receipt
//! or the text message, and the last four digits of the phone they left. It shows the
//! status and the steps in plain words (`suqiu_core::tracking`), nothing anyone wrote.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::auth::{double_submit_ok, double_submit_token, set_cookie};
use super::i18n::Lang;
use super::view::{deadline_at, when, FieldErrors};
use super::{FormData, UiError};
use crate::routes::tracking::{look_up, Refused};
use crate::state::AppState;
use crate::throttle::ClientIp;

/// The cookie of the lookup form's token (double submit: there is no session).
const TRACK_CSRF_COOKIE: &str = "suqiu_track_csrf";

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    lang: Lang,
    csrf: String,
    code: String,
    /// The digits as typed (kept after an error, like every other value).
    digits: String,
    /// A field left blank or malformed, beside the field (`code`, `digits`).
    errors: FieldErrors,
    error: String,
    /// The result, once found.
    found: Option<Found>,
}

struct Found {
    code: String,
    status: super::badge::StatusBadge,
    received: String,
    deadline: String,
    steps: Vec<(String, &'static str)>,
}

impl TrackPage {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

fn respond(state: &AppState, status: StatusCode, mut page: TrackPage) -> Response {
    let (csrf, cookie) = double_submit_token(state, TRACK_CSRF_COOKIE, "/track");
    page.csrf = csrf;
    let lang = page.lang;
    let mut res = match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => return UiError::from(e).into_page(lang),
    };
    set_cookie(&mut res, &cookie);
    res
}

fn empty(lang: Lang) -> TrackPage {
    TrackPage {
        lang,
        csrf: String::new(),
        code: String::new(),
        digits: String::new(),
        errors: FieldErrors::new(lang),
        error: String::new(),
        found: None,
    }
}

/// `GET /track`: the form.
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(&state, StatusCode::OK, empty(Lang::from_headers(&headers)))
}

/// `POST /track`: the lookup (`code`, `digits`).
pub(crate) async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let mut page = empty(lang);
    page.code = form.get("code").unwrap_or("").to_string();
    if !double_submit_ok(&headers, &form, TRACK_CSRF_COOKIE) {
        page.error = lang.t("login.expired").to_string();
        return respond(&state, StatusCode::FORBIDDEN, page);
    }
    let digits = form.get("digits").unwrap_or("").to_string();
    page.digits = form.raw("digits");
    // Both faults at once, before the lookup (a form left blank is no guess to count).
    if page.code.is_empty() {
        page.errors.push_text("code", lang.t("track.need_code"));
    }
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        page.errors.push_text("digits", lang.t("track.need_digits"));
    }
    if page.errors.any() {
        return respond(&state, StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let outcome = match look_up(&state, &page.code, &digits, client).await {
        Ok(o) => o,
        Err(p) => return UiError::from(p).into_page(lang),
    };
    match outcome {
        Ok(view) => {
            page.found = Some(Found {
                code: view.tracking_code.clone(),
                // The appellant's view knows the running deadline: past it, the badge says so.
                status: super::badge::plain_badge(
                    lang,
                    view.status,
                    view.deadline.is_some_and(|d| state.now() > d),
                ),
                received: when(view.received_at),
                deadline: view.deadline.map(deadline_at).unwrap_or_default(),
                steps: view
                    .steps
                    .iter()
                    .map(|(at, s)| (when(*at), lang.track_step(s)))
                    .collect(),
            });
            respond(&state, StatusCode::OK, page)
        }
        Err(Refused::NoMatch) => {
            page.error = lang.t("track.no_match").to_string();
            respond(&state, StatusCode::NOT_FOUND, page)
        }
        Err(Refused::Locked(locked)) => {
            let minutes = locked.minutes();
            page.error = format!(
                "{}（{minutes} {}）",
                lang.t("track.locked"),
                lang.t("login.minutes")
            );
            respond(&state, StatusCode::TOO_MANY_REQUESTS, page)
        }
    }
}
