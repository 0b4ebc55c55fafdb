//! 我要反映 (`/p/new`): a resident brings an appeal from a phone, with no account. The form
//! names the community from a list grouped by street, the kind, what happened and where; the
//! category, a name and a phone are optional. A refused form comes back with every value and
//! each fault beside its field; a saved one shows the tracking code to keep.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use suqiu_core::appeal::{Channel, Kind};
use suqiu_core::org::OrgKind;
use suqiu_core::public::PublicDraft;

use super::fill::{self, Filled, HONEYPOT, STAMP};
use super::PublicChrome;
use crate::app::public::submit as take_in;
use crate::problem::Problem;
use crate::state::AppState;
use crate::throttle::ClientIp;
use crate::ui::auth::{double_submit_ok, double_submit_token, set_cookie};
use crate::ui::i18n::Lang;
use crate::ui::posted::{correctable, render_with, Posted, WHOLE_FORM};
use crate::ui::view::{vocabulary_choices, Choice, FieldErrors};
use crate::ui::{render, FormData, PageResult, UiError};

/// The cookie of the form's double-submit token (there is no session).
const CSRF_COOKIE: &str = "suqiu_public_csrf";
/// The form's name in [`Posted`].
const FORM: &str = "appeal";
/// The core's field names as this form calls them.
const RENAMES: &[(&str, &str)] = &[("appellant.name", "name"), ("appellant.phone", "phone")];

#[derive(Template)]
#[template(path = "public_new.html")]
struct NewPage {
    p: PublicChrome,
    csrf: String,
    stamp: String,
    stamp_field: &'static str,
    honeypot: &'static str,
    posted: Posted,
    streets: Vec<Street>,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
}

/// A street and its communities, one group of the community list.
struct Street {
    name: String,
    communities: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "public_receipt.html")]
struct ReceiptPage {
    p: PublicChrome,
    code: String,
    /// They left a phone: they can track it themselves.
    trackable: bool,
}

/// `GET /p/new`: the empty form.
pub(super) async fn form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let p = PublicChrome::new(&headers, "new");
    respond(&state, p, Posted::none(), StatusCode::OK).await
}

/// The form (fresh, or as posted with its faults), with a new token and stamp.
async fn respond(
    state: &AppState,
    p: PublicChrome,
    posted: Posted,
    status: StatusCode,
) -> PageResult {
    let lang = p.lang;
    let (csrf, cookie) = double_submit_token(state, CSRF_COOKIE, "/p/new");
    let page = NewPage {
        streets: streets(state, &posted).await.map_err(|e| e.page(lang))?,
        kinds: vocabulary_choices(lang, Kind::ALL, Kind::code, Kind::label_zh, ""),
        categories: categories(state, lang).await.map_err(|e| e.page(lang))?,
        p,
        csrf,
        stamp: fill::stamp(state, state.now()),
        stamp_field: STAMP,
        honeypot: HONEYPOT,
        posted,
    };
    let mut res = render_with(lang, &page, status)?;
    set_cookie(&mut res, &cookie);
    Ok(res)
}

/// Every community of the district, grouped by its street, in the tree's order.
async fn streets(state: &AppState, posted: &Posted) -> Result<Vec<Street>, UiError> {
    let chosen = posted.form(FORM).value("org_unit_id");
    let units = state.store.org_units().await?;
    let mut streets: Vec<(i64, Street)> = units
        .iter()
        .filter(|u| u.kind == OrgKind::Street)
        .map(|s| {
            let street = Street {
                name: s.name.clone(),
                communities: Vec::new(),
            };
            (s.id, street)
        })
        .collect();
    for c in units.iter().filter(|u| u.kind == OrgKind::Community) {
        if let Some((_, s)) = streets.iter_mut().find(|(id, _)| Some(*id) == c.parent_id) {
            let choice = Choice::new(c.id.to_string(), c.name.clone(), &chosen);
            s.communities.push(choice);
        }
    }
    Ok(streets
        .into_iter()
        .map(|(_, s)| s)
        .filter(|s| !s.communities.is_empty())
        .collect())
}

/// The first level of the taxonomy (a resident picks a broad kind of problem, if any).
async fn categories(state: &AppState, lang: Lang) -> Result<Vec<Choice>, UiError> {
    Ok(state
        .store
        .categories()
        .await?
        .into_iter()
        .filter(|c| c.parent_code.is_none() && c.code != suqiu_core::category::UNSORTED)
        .map(|c| Choice::new(c.code.clone(), c.name_in(lang == Lang::En), ""))
        .collect())
}

/// `POST /p/new`: takes the appeal in, or shows the form again with what to fix.
pub(super) async fn submit(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    form: FormData,
) -> PageResult {
    let p = PublicChrome::new(&headers, "new");
    let lang = p.lang;
    let (errors, status) = match guard(&state, &headers, &form) {
        Some((key, status)) => {
            let mut errors = FieldErrors::new(lang);
            errors.push_text(WHOLE_FORM, lang.t(key));
            (errors, status)
        }
        None => match take_in(&state, client, draft_of(&form), Channel::Online).await {
            Ok(appeal) => {
                let trackable = form.get("phone").is_some();
                return received(p, appeal.tracking_code, trackable);
            }
            Err(e) => refusal_of(Problem::from(e), lang)?,
        },
    };
    respond(&state, p, Posted::refused(FORM, form, errors), status).await
}

/// Why the post is not taken as a person's, if it is not: the message key and the status.
fn guard(
    state: &AppState,
    headers: &HeaderMap,
    form: &FormData,
) -> Option<(&'static str, StatusCode)> {
    if !double_submit_ok(headers, form, CSRF_COOKIE) {
        return Some(("public.expired", StatusCode::FORBIDDEN));
    }
    let key = match fill::judge(state, form, state.now()) {
        Filled::ByAPerson => return None,
        Filled::TooFast => "public.too_fast",
        Filled::Stale => "public.expired",
        Filled::ByAScript => "public.script",
    };
    Some((key, StatusCode::UNPROCESSABLE_ENTITY))
}

/// The draft as the form sent it; what is missing or malformed core names by its field.
fn draft_of(form: &FormData) -> PublicDraft {
    PublicDraft {
        org_unit_id: form.id("org_unit_id").ok().flatten(),
        kind: form.get("kind").and_then(Kind::parse),
        category: form.get("category").map(str::to_string),
        content: form.raw("content"),
        location: form.get("location").map(str::to_string),
        name: form.get("name").map(str::to_string),
        phone: form.get("phone").map(str::to_string),
        public_consent: form.checked("public_consent"),
        lat: None,
        lng: None,
    }
}

/// A refusal the resident can act on (a field to fix, the limit reached) as the form's
/// errors and status; anything else as an error page.
fn refusal_of(
    problem: Problem,
    lang: Lang,
) -> Result<(FieldErrors, StatusCode), crate::ui::Failed> {
    if correctable(&problem) || problem.status == 429 {
        let errors = FieldErrors::of_problem(&problem, RENAMES, lang);
        Ok((errors, problem.status()))
    } else {
        Err(UiError::from(problem).page(lang))
    }
}

/// The page that gives the tracking code.
fn received(p: PublicChrome, code: String, trackable: bool) -> PageResult {
    let lang = p.lang;
    render(lang, &ReceiptPage { p, code, trackable })
}
