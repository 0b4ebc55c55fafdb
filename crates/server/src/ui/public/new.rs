//! 我要反映 (`/p/new`): a resident brings an appeal from a phone, with no account. The form
//! names the community from a list grouped by street, the kind, what happened and where; the
//! category, up to three photos, a name and a phone are optional. A refused form comes back
//! with every value and each fault beside its field (the photos must be chosen again: no
//! browser fills a file input back in); a saved one shows the tracking code to keep.
//!
//! The address finds the community (`app::gazetteer`): the 按地址查找 button posts the form
//! to be shown again with the community the address names chosen (or the ones it could be
//! listed), and a form sent without a community but with an address that names one comes
//! back with it chosen, to confirm. Without any script; `public.js` adds a live suggestion.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use suqiu_core::appeal::{Channel, Kind};
use suqiu_core::org::OrgKind;
use suqiu_core::public::PublicDraft;

use super::fill::{self, Filled, HONEYPOT, STAMP};
use super::PublicChrome;
use crate::app::gazetteer::{lookup, match_place, Matched};
use crate::app::public::submit as take_in;
use crate::app::AppError;
use crate::problem::Problem;
use crate::state::AppState;
use crate::ui::auth::{double_submit_token, set_cookie, SignedOutPost};
use crate::ui::i18n::Lang;
use crate::ui::posted::{correctable, render_with, Posted, WHOLE_FORM};
use crate::ui::view::{vocabulary_choices, Choice, FieldErrors};
use crate::ui::{render, FormData, PageResult, UiError};
use crate::upload::{self, SentPhotos};

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
    told: Told,
}

/// What the page says beside the form besides its faults.
#[derive(Debug, Default)]
struct Told {
    /// What the address typed found (按地址查找).
    found: String,
    /// Photos were sent with a form that comes back: they must be chosen again.
    photos_again: bool,
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
    let told = Told::default();
    respond(&state, p, (Posted::none(), told), StatusCode::OK).await
}

/// The form (fresh, or as posted with its faults), with a new token and stamp.
async fn respond(
    state: &AppState,
    p: PublicChrome,
    (posted, told): (Posted, Told),
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
        told,
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

/// The form as posted: a multipart form with its photos, or a plain one without.
async fn read_post(
    state: &AppState,
    req: Request,
) -> Result<(SignedOutPost, SentPhotos), Response> {
    let lang = Lang::from_headers(req.headers());
    if crate::extract::media_type(req.headers()) != "multipart/form-data" {
        let post = SignedOutPost::from_request(req, state).await?;
        return Ok((post, SentPhotos::none()));
    }
    let (mut parts, body) = req.into_parts();
    let Ok(crate::throttle::ClientIp(client)) =
        crate::throttle::ClientIp::from_request_parts(&mut parts, state).await;
    let headers = parts.headers.clone();
    let sent = upload::read(Request::from_parts(parts, body), state)
        .await
        .map_err(|p| UiError::from(p).page(lang).into_response())?;
    let form = FormData::from_multipart(sent.fields).map_err(|e| e.page(lang).into_response())?;
    let post = SignedOutPost {
        client,
        lang,
        headers,
        form,
    };
    Ok((post, sent.photos))
}

/// `POST /p/new`: takes the appeal in, or shows the form again with what to fix — or, for
/// 按地址查找, with the community the address names.
pub(super) async fn submit(State(state): State<AppState>, req: Request) -> Response {
    match read_post(&state, req).await {
        Ok((post, photos)) => answer(&state, post, photos).await.into_response(),
        Err(res) => res,
    }
}

/// The form as read, taken in or shown again.
async fn answer(state: &AppState, post: SignedOutPost, photos: SentPhotos) -> PageResult {
    let p = PublicChrome::new(&post.headers, "new");
    let lang = p.lang;
    let mut told = Told {
        photos_again: !photos.sizes.is_empty(),
        ..Told::default()
    };
    if post.form.get("find").is_some() {
        let (form, found) = find(state, post.client, post.form, lang)
            .await
            .map_err(|e| e.page(lang))?;
        told.found = found;
        let posted = Posted::refused(FORM, form, FieldErrors::new(lang));
        return respond(state, p, (posted, told), StatusCode::OK).await;
    }
    let (form, errors, status) = match guard(state, &post) {
        Some((key, status)) => {
            let mut errors = FieldErrors::new(lang);
            errors.push_text(WHOLE_FORM, lang.t(key));
            (post.form, errors, status)
        }
        None => match to_confirm(state, post.form, lang)
            .await
            .map_err(|e| e.page(lang))?
        {
            Err((form, errors)) => (form, errors, StatusCode::UNPROCESSABLE_ENTITY),
            Ok(form) => {
                let draft = draft_of(&form);
                match take_in(state, post.client, draft, photos, Channel::Online).await {
                    Ok(appeal) => {
                        let trackable = form.get("phone").is_some();
                        return received(p, appeal.tracking_code, trackable);
                    }
                    Err(e) => {
                        let (errors, status) = refusal_of(Problem::from(e), lang)?;
                        (form, errors, status)
                    }
                }
            }
        },
    };
    respond(
        state,
        p,
        (Posted::refused(FORM, form, errors), told),
        status,
    )
    .await
}

/// The form with `org_unit_id` set to `id`.
fn choosing(form: FormData, id: i64) -> FormData {
    let mut pairs: Vec<(String, String)> = form
        .pairs()
        .iter()
        .filter(|(k, _)| k != "org_unit_id")
        .cloned()
        .collect();
    pairs.push(("org_unit_id".to_string(), id.to_string()));
    FormData::new(pairs)
}

/// Communities as the page names them: 「name」（street）, joined.
fn named(matched: &Matched) -> String {
    matched
        .offered()
        .iter()
        .map(|o| format!("「{}」（{}）", o.unit.name, o.street))
        .collect::<Vec<_>>()
        .join("、")
}

/// 按地址查找: the form with the community the address names chosen, and what was found.
/// Held to the public lookups' limit, as the API's (past it, the page says so where the
/// finding would be).
async fn find(
    state: &AppState,
    client: Option<std::net::IpAddr>,
    form: FormData,
    lang: Lang,
) -> Result<(FormData, String), UiError> {
    match lookup(state, client, form.get("location").unwrap_or_default()).await {
        Ok(matched) => Ok(proposal(form, &matched, lang)),
        Err(AppError::Problem(p)) if p.status == 429 => {
            let said = p.says(lang == Lang::En);
            Ok((form, said))
        }
        Err(e) => Err(UiError::from(e)),
    }
}

/// The form with the community `matched` names chosen (when it names one), and what the
/// page says of it.
fn proposal(form: FormData, matched: &Matched, lang: Lang) -> (FormData, String) {
    let said = |key: &str, matched: &Matched| {
        let first = matched.offered().first();
        lang.t(key)
            .replace("{matched}", first.map_or("", |o| o.matched.as_str()))
            .replace("{names}", &named(matched))
    };
    match matched {
        Matched::One(o) => (choosing(form, o.unit.id), said("public.found_one", matched)),
        Matched::Several(_) => (form, said("public.found_several", matched)),
        Matched::None => (form, lang.t("public.found_none").to_string()),
    }
}

/// A form sent without a community whose address names one (or a few): back to the
/// resident with it chosen (or them listed), to confirm — never taken in on a guess.
async fn to_confirm(
    state: &AppState,
    form: FormData,
    lang: Lang,
) -> Result<Result<FormData, (FormData, FieldErrors)>, UiError> {
    if form.get("org_unit_id").is_some() || form.get("location").is_none() {
        return Ok(Ok(form));
    }
    let matched = match_place(state, form.get("location").unwrap_or_default()).await?;
    if matches!(matched, Matched::None) {
        return Ok(Ok(form));
    }
    let (form, found) = proposal(form, &matched, lang);
    let mut errors = FieldErrors::new(lang);
    errors.push_text(
        "org_unit_id",
        format!("{found}{}", lang.t("public.confirm_community")),
    );
    Ok(Err((form, errors)))
}

/// Why the post is not taken as a person's, if it is not: the message key and the status.
fn guard(state: &AppState, post: &SignedOutPost) -> Option<(&'static str, StatusCode)> {
    if !post.fresh(CSRF_COOKIE) {
        return Some(("public.expired", StatusCode::FORBIDDEN));
    }
    let key = match fill::judge(state, &post.form, state.now()) {
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
