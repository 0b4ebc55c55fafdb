//! 查询办理进度: the appellant's own page, no account — the tracking code from the receipt
//! or the text message, and the last four digits of the phone they left. It shows the
//! status and the steps in plain words (`suqiu_core::tracking`), nothing anyone wrote; once
//! the appeal is resolved, the appellant answers the follow-up here themselves (群众评价:
//! solved, how satisfied, a comment), which counts like the station's phone follow-up.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::auth::{double_submit_token, set_cookie, SignedOutPost};
use super::i18n::Lang;
use super::view::{deadline_at, vocabulary_choices, when, Choice, FieldErrors};
use super::{FormData, UiError};
use crate::app::public::{answer as answer_follow_up, track, Refused};
use crate::problem::Problem;
use crate::state::AppState;
use suqiu_core::appeal::{Satisfaction, Status};
use suqiu_core::lifecycle::{AppellantAnswer, SolvedAnswer};
use suqiu_core::tracking::{PublicView, SPAM_ZH};

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
    /// The answer to the follow-up was saved just now.
    thanked: bool,
    /// The answer form as posted (kept after an error).
    solved: String,
    satisfaction: String,
    comment: String,
    solved_choices: Vec<Choice>,
    satisfaction_choices: Vec<Choice>,
}

struct Found {
    code: String,
    status: super::badge::StatusBadge,
    received: String,
    deadline: String,
    steps: Vec<(String, &'static str)>,
    /// Resolved and not yet followed up: the appellant may answer.
    answerable: bool,
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
        thanked: false,
        solved: String::new(),
        satisfaction: String::new(),
        comment: String::new(),
        solved_choices: vocabulary_choices(
            lang,
            SolvedAnswer::ALL,
            SolvedAnswer::code,
            SolvedAnswer::label_zh,
            "",
        ),
        // The appellant answers: "unreachable" is the station's word, not theirs.
        satisfaction_choices: vocabulary_choices(
            lang,
            &Satisfaction::ALL[..3],
            Satisfaction::code,
            Satisfaction::label_zh,
            "",
        ),
    }
}

/// The appeal as its appellant sees it on the page.
fn found(state: &AppState, lang: Lang, view: &PublicView) -> Found {
    Found {
        code: view.tracking_code.clone(),
        // The appellant's view knows the running deadline: past it, the badge says so.
        status: if view.spam {
            // Honest and plain: nobody will handle it (the reason stays with the station).
            super::badge::StatusBadge {
                class: super::badge::Tone::Closed.class(),
                label: lang.track_step(SPAM_ZH).to_string(),
            }
        } else {
            super::badge::plain_badge(
                lang,
                view.status,
                view.deadline.is_some_and(|d| state.now() > d),
            )
        },
        received: when(view.received_at),
        deadline: view.deadline.map(deadline_at).unwrap_or_default(),
        steps: view
            .steps
            .iter()
            .map(|(at, s)| (when(*at), lang.track_step(s)))
            .collect(),
        answerable: view.status == Status::Resolved && !view.spam,
    }
}

/// The page for a lookup that found nothing to show.
fn refused(state: &AppState, mut page: TrackPage, why: Refused) -> Response {
    let lang = page.lang;
    match why {
        Refused::NoMatch => {
            page.error = lang.t("track.no_match").to_string();
            respond(state, StatusCode::NOT_FOUND, page)
        }
        Refused::Locked(locked) => {
            let minutes = locked.minutes();
            page.error = format!(
                "{}（{minutes} {}）",
                lang.t("track.locked"),
                lang.t("login.minutes")
            );
            respond(state, StatusCode::TOO_MANY_REQUESTS, page)
        }
    }
}

/// `GET /track`: the form.
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    respond(&state, StatusCode::OK, empty(Lang::from_headers(&headers)))
}

/// `POST /track`: the lookup (`code`, `digits`).
pub(crate) async fn submit(State(state): State<AppState>, post: SignedOutPost) -> Response {
    let (lang, form) = (post.lang, &post.form);
    let mut page = empty(lang);
    page.code = form.get("code").unwrap_or("").to_string();
    if !post.fresh(TRACK_CSRF_COOKIE) {
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
    let outcome = match track(&state, &page.code, &digits, post.client).await {
        Ok(o) => o,
        Err(p) => return UiError::from(p).into_page(lang),
    };
    match outcome {
        Ok(view) => {
            page.found = Some(found(&state, lang, &view));
            respond(&state, StatusCode::OK, page)
        }
        Err(why) => refused(&state, page, why),
    }
}

/// `POST /track/answer`: the appellant's own answer to the follow-up (`code`, `digits`,
/// `solved`, `satisfaction`, `comment`). Saved: the page again, closed, with thanks; a
/// fault: the page again with the answer as given and the fault beside its field.
pub(crate) async fn answer(State(state): State<AppState>, post: SignedOutPost) -> Response {
    let (lang, form, client) = (post.lang, &post.form, post.client);
    let mut page = empty(lang);
    page.code = form.get("code").unwrap_or("").to_string();
    page.digits = form.raw("digits");
    page.solved = form.raw("solved");
    page.satisfaction = form.raw("satisfaction");
    page.comment = form.raw("comment");
    if !post.fresh(TRACK_CSRF_COOKIE) {
        page.error = lang.t("login.expired").to_string();
        return respond(&state, StatusCode::FORBIDDEN, page);
    }
    let (code, digits) = (page.code.clone(), page.digits.trim().to_string());
    let outcome = match answer_of(form) {
        Ok(given) => answer_follow_up(&state, &code, &digits, client, given).await,
        Err(problem) => Err(problem.into()),
    };
    let problem = match outcome {
        Ok(Ok(view)) => {
            page.found = Some(found(&state, lang, &view));
            page.thanked = true;
            return respond(&state, StatusCode::OK, page);
        }
        Ok(Err(why)) => return refused(&state, page, why),
        Err(e) => Problem::from(e),
    };
    if !matches!(problem.status, 409 | 422) {
        return UiError::from(problem).into_page(lang);
    }
    page.errors = FieldErrors::from_problem(&problem, lang);
    // The appeal as it stands now, beside what to fix.
    match track(&state, &code, &digits, client).await {
        Ok(Ok(view)) => page.found = Some(found(&state, lang, &view)),
        Ok(Err(why)) => return refused(&state, page, why),
        Err(e) => return UiError::from(e).into_page(lang),
    }
    respond(&state, problem.status(), page)
}

/// The answer as the form gives it (core names what is missing).
fn answer_of(form: &FormData) -> Result<AppellantAnswer, Problem> {
    let comment = form.get("comment").map(str::to_string);
    AppellantAnswer::from_codes(form.get("solved"), form.get("satisfaction"), comment)
        .map_err(Problem::invalid)
}
