//! The web application: server-rendered pages over the same store, rules and shared
//! handler functions as the JSON API (one behaviour, two faces).
//!
//! - Pages are askama templates (`templates/`, checked at compile time, HTML-escaped).
//! - Every page but `/login`, `/track` (the appellant's lookup) and the public door `/p/…`
//!   needs a session (the API's `suqiu_session` cookie); without one the browser is sent to
//!   `/login`.
//! - Every POST carries the session's CSRF token (`_csrf`), derived from the session token,
//!   so a page of another site cannot post for the user; `/login` and `/track` use a
//!   double-submit cookie.
//! - Errors are HTML pages with the right status, never problem+json.
//! - No personal data in URLs: searches by phone go in POST bodies, pages address ids only.

mod account;
mod admin;
mod appeals;
mod assets;
mod audit;
mod auth;
mod badge;
mod board;
mod care;
mod charts;
mod detail;
mod download;
mod export;
mod figures;
mod flash;
mod form;
mod home;
pub(crate) mod i18n;
mod intake;
mod notifications;
mod people;
mod pick;
mod posted;
mod problems;
mod public;
mod reports;
mod roster;
mod scoring;
mod stats;
mod teams;
mod track;
mod view;
// Care and resources (党内关爱).
mod fund;
mod supermarket;
// Micro-wishes (微心愿) and in-service party members (在职党员报到).
mod service;
mod wishes;

use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sha2::{Digest, Sha256};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::error::Reason;
use suqiu_store::users::User;
use suqiu_store::StoreError;
use tower_http::compression::CompressionLayer;

use crate::auth::{request_token, token_hash};
use crate::extract::Params;
use crate::problem::Problem;
use crate::state::AppState;

pub(crate) use flash::{saved, Flash};
pub(crate) use form::FormData;
use i18n::Lang;

/// The routes of the web application (merged into the main router, so the request ids,
/// logging, metrics and limits are the API's).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/track", get(track::page).post(track::submit))
        .route("/track/answer", post(track::answer))
        // The public door (`/p/…`): no account.
        .merge(public::routes())
        .route("/logout", post(auth::logout))
        .route("/lang/{lang}", get(auth::switch_language))
        .merge(desk_routes())
        // 设置: one page per part (`admin`).
        .merge(admin::routes())
        .route(
            "/account/password",
            get(account::page).post(account::change),
        )
        .merge(care_routes())
        .route("/assets/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        // Pages and assets gzipped for browsers that ask (a desk on a slow line): HTML and CSS
        // shrink to a fifth. Only the pages: the API's behaviour stays as it was.
        // A flash message is shown once: the page that shows it clears it.
        .layer(axum::middleware::from_fn(flash::clear_when_shown))
        .layer(CompressionLayer::new().gzip(true))
}

/// The desk's pages: the dashboard, appeals, people and their import, notices, figures,
/// reports and the audit of reads.
fn desk_routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/appeals", get(appeals::list).post(appeals::filter))
        .route("/appeals.xlsx", get(export::export))
        .route("/appeals/new", get(intake::form).post(intake::submit))
        .route("/appeals/new/check", post(intake::check))
        .route("/appeals/new/suggest", post(intake::suggest))
        .route("/appeals/{id}", get(detail::page))
        .route("/appeals/{id}/receipt", get(intake::receipt))
        .route("/appeals/{id}/act", post(detail::act))
        .route("/appeals/{id}/photos/{seq}", get(detail::photo))
        .route("/appeals/{id}/public-reply", post(detail::post_reply))
        .route("/problems", get(problems::list).post(problems::create))
        .route("/problems/new", get(problems::new_form))
        .route("/problems/{id}", get(problems::page))
        .route("/problems/{id}/act", post(problems::act))
        .route("/people", get(people::list).post(people::search))
        .route("/people/lookup", post(pick::lookup))
        .route("/people.xlsx", get(people::export))
        .route("/people/new", get(people::new_form).post(people::create))
        // 花名册导入: the upload takes a file up to 5 MB (`crate::body_limit`).
        .route(
            "/people/import",
            get(roster::form)
                .post(roster::upload)
                .layer(DefaultBodyLimit::max(crate::MAX_UPLOAD_BODY_BYTES)),
        )
        .route("/people/import/template.xlsx", get(roster::template))
        .route(
            "/people/import/{token}",
            get(roster::page).post(roster::submit),
        )
        .route("/people/{id}", get(people::page).post(people::update))
        .route("/notifications", get(notifications::page))
        .route(
            "/notifications/read-all",
            post(notifications::mark_all_read),
        )
        .route("/notifications/{id}/read", post(notifications::mark_read))
        .route("/stats", get(stats::page))
        .route("/reports", get(reports::monthly))
        .route("/ranking", get(reports::ranking))
        .route("/ranking/rule", get(scoring::show).post(scoring::save))
        .route("/audit/reads", get(audit::page))
        .route("/audit/reads.xlsx", get(audit::export))
        // 公开栏管理: 党务公开 items (the public reply is on the appeal's page).
        .route("/board/items", get(board::page).post(board::publish))
        .route("/board/items/{id}/withdraw", post(board::withdraw))
}

/// The care pages (党内关爱): the aid fund, the love supermarket, the care register and
/// visits, teams and pairings, micro-wishes and in-service members' service.
fn care_routes() -> Router<AppState> {
    Router::new()
        // Care and resources (党内关爱): the aid fund and the love supermarket.
        .route("/fund", get(fund::page))
        .route("/fund/entries", post(fund::post))
        .route("/fund/entries/{id}/decide", post(fund::decide))
        .route("/fund/entries/{id}/voucher", get(fund::voucher))
        .route("/supermarket", get(supermarket::page))
        .route("/supermarket/items", post(supermarket::add_item))
        .route("/supermarket/movements", post(supermarket::move_stock))
        // Care (关爱): the register and the visit log form.
        .route("/care", get(care::page))
        .route("/care/register.xlsx", get(care::export_register))
        .route("/care/visits.xlsx", get(care::export_visits))
        .route("/visits/new", get(care::form).post(care::submit))
        .route("/care/rules", post(care::save_rules))
        .route("/care/teams", get(teams::page).post(teams::create_team))
        .route("/care/teams/{id}", post(teams::add_to_team))
        .route("/care/pairings", post(teams::create_pairing))
        .route("/care/pairings/{id}/contacts", post(teams::add_contact))
        .route("/care/pairings/{id}/end", post(teams::end_pairing))
        // Micro-wishes and in-service party members, linked from the care page.
        .route("/wishes", get(wishes::page).post(wishes::record))
        .route("/wishes.xlsx", get(wishes::export))
        .route("/service.xlsx", get(service::export))
        .route("/wishes/{id}/act", post(wishes::act))
        .route("/service", get(service::page))
        .route("/service/posts", post(service::add_post))
        .route("/service/registrations", post(service::register))
        .route("/service/hours", post(service::log_hours))
}

/// The CSRF token of a session: a keyed hash of the session token. Only someone holding the
/// session cookie can compute it, and it needs no storage of its own.
pub(crate) fn csrf_for(session_token: &str) -> String {
    let digest = Sha256::digest(format!("suqiu-csrf\u{0}{session_token}").as_bytes());
    hex::encode(&digest[..16])
}

/// Compares two tokens in time independent of where they differ.
pub(crate) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The signed-in user of a page, with what the layout needs.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub actor: Actor,
    pub user: User,
    pub unit_name: String,
    pub csrf: String,
    pub lang: Lang,
    /// Unread notices, counted up to the badge's cap.
    pub unread: i64,
    /// What the last save said (shown once, see `flash`).
    pub flash: Option<Flash>,
}

impl Session {
    pub fn may(&self, cap: Capability) -> bool {
        self.actor.may(cap)
    }

    /// The layout of a page whose navigation entry is `nav`.
    pub fn chrome(&self, nav: &'static str) -> view::Chrome {
        view::Chrome::new(self, nav)
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        if let Some(s) = parts.extensions.get::<Session>() {
            return Ok(s.clone());
        }
        let lang = Lang::from_headers(&parts.headers);
        let to_login = || Redirect::to("/login").into_response();
        let Some(token) = request_token(&parts.headers) else {
            return Err(to_login());
        };
        let actor = match state
            .store
            .session_actor(&token_hash(&token), state.now())
            .await
        {
            Ok(Some(actor)) => actor,
            Ok(None) => return Err(to_login()),
            Err(e) => return Err(UiError::from(e).into_page(lang)),
        };
        let user = match state.store.user(actor.user_id).await {
            Ok(Some(u)) => u,
            Ok(None) => return Err(to_login()),
            Err(e) => return Err(UiError::from(e).into_page(lang)),
        };
        let unit_name = match state.store.org_unit(actor.org_unit_id).await {
            Ok(u) => u.map(|u| u.name).unwrap_or_default(),
            Err(e) => return Err(UiError::from(e).into_page(lang)),
        };
        let unread = match state
            .store
            .unread_notifications_upto(user.id, notifications::BADGE_CAP)
            .await
        {
            Ok(n) => n,
            Err(e) => return Err(UiError::from(e).into_page(lang)),
        };
        let session = Session {
            unread,
            flash: Flash::from_headers(&parts.headers),
            actor,
            user,
            unit_name,
            csrf: csrf_for(&token),
            lang,
        };
        parts.extensions.insert(session.clone());
        Ok(session)
    }
}

/// A numeric id in a page's path; anything else is the "not found" page (HTML, unlike the
/// API's extractor).
pub(crate) struct PageId(pub suqiu_core::Id);

impl<S: Send + Sync> FromRequestParts<S> for PageId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let lang = Lang::from_headers(&parts.headers);
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| UiError::NotFound.into_page(lang))?;
        raw.parse::<suqiu_core::Id>()
            .map(PageId)
            .map_err(|_| UiError::NotFound.into_page(lang))
    }
}

/// A POSTed form of a signed-in user whose CSRF token checked out. A missing or wrong token
/// is a 403 page and the handler never runs.
pub(crate) struct PostForm {
    pub session: Session,
    pub form: FormData,
}

impl FromRequest<AppState> for PostForm {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let form = FormData::from_request(req, state)
            .await
            .map_err(|e| e.into_page(session.lang))?;
        let token = form.get("_csrf").unwrap_or("");
        if !same_token(token, &session.csrf) {
            return Err(UiError::Csrf.into_page(session.lang));
        }
        Ok(PostForm { session, form })
    }
}

/// What can go wrong on a page; each becomes an HTML error page with its status.
#[derive(Debug)]
pub(crate) enum UiError {
    NotFound,
    /// The role or its relation to the thing does not allow it; why, in both languages.
    Forbidden(Reason),
    /// The form's CSRF token is missing or wrong (an old tab, or another site posting).
    Csrf,
    /// The request cannot be done as sent (a 400, 409, 413, 422 of the API); why.
    BadRequest(Reason),
    /// A field no handler may take (a control character in it): 422, naming the field.
    Invalid(suqiu_core::error::FieldError),
    Internal,
}

impl From<StoreError> for UiError {
    fn from(e: StoreError) -> UiError {
        UiError::from(Problem::from(e))
    }
}

impl From<Problem> for UiError {
    fn from(p: Problem) -> UiError {
        match p.status {
            404 => UiError::NotFound,
            403 => UiError::Forbidden(p.reason()),
            400 | 409 | 413 | 422 => UiError::BadRequest(p.reason()),
            _ => UiError::Internal,
        }
    }
}

impl From<askama::Error> for UiError {
    fn from(e: askama::Error) -> UiError {
        tracing::error!(error = %e, "template rendering failed");
        UiError::Internal
    }
}

impl UiError {
    /// An export of more than `max` rows, refused.
    pub fn too_many(max: impl std::fmt::Display) -> UiError {
        UiError::BadRequest(i18n::reason("list.too_many").with("max", max))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            UiError::NotFound => StatusCode::NOT_FOUND,
            UiError::Forbidden(_) | UiError::Csrf => StatusCode::FORBIDDEN,
            UiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            UiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            UiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error for a page result, to be shown in `lang`.
    pub fn page(self, lang: Lang) -> Failed {
        Failed(self, lang)
    }

    /// The error as a page in `lang`.
    pub fn into_page(self, lang: Lang) -> Response {
        let (status, english) = (self.status(), lang == Lang::En);
        let (title, detail) = match &self {
            UiError::NotFound => (
                lang.t("err.not_found"),
                lang.t("err.not_found_detail").to_string(),
            ),
            UiError::Forbidden(d) => (lang.t("err.forbidden"), d.text(english).to_string()),
            UiError::Csrf => (lang.t("err.csrf"), lang.t("err.csrf_detail").to_string()),
            UiError::BadRequest(d) => (lang.t("err.bad_request"), d.text(english).to_string()),
            UiError::Invalid(e) => (
                lang.t("err.bad_request"),
                format!("「{}」{}", e.field, e.text(english)),
            ),
            UiError::Internal => (
                lang.t("err.internal"),
                lang.t("err.internal_detail").to_string(),
            ),
        };
        // Rules give their reasons in both languages; what only the API says (in Chinese, its
        // language: a malformed body) an English page names by kind instead of showing it.
        let detail = match (&self, lang) {
            (UiError::Forbidden(_), Lang::En) if i18n::has_chinese(&detail) => {
                lang.t("err.forbidden_detail").to_string()
            }
            (UiError::BadRequest(_) | UiError::Invalid(_), Lang::En)
                if i18n::has_chinese(&detail) =>
            {
                lang.t("err.bad_request_detail").to_string()
            }
            _ => detail,
        };
        let page = view::ErrorPage {
            lang,
            status: status.as_u16(),
            title,
            detail,
        };
        match askama::Template::render(&page) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title.to_string()).into_response(),
        }
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        // Without a session at hand the language comes from the default; handlers that have
        // one use `into_page` through `Page`.
        self.into_page(Lang::Zh)
    }
}

/// A page that failed: the error, and the language to say it in.
#[derive(Debug)]
pub(crate) struct Failed(UiError, Lang);

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        self.0.into_page(self.1)
    }
}

/// A page result: HTML, or an error page in the user's language.
pub(crate) type PageResult = Result<Response, Failed>;

/// Renders a template as a 200 page.
pub(crate) fn render<T: askama::Template>(lang: Lang, t: &T) -> PageResult {
    t.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| UiError::from(e).page(lang))
}

/// Maps any error convertible to [`UiError`] to a failed page in `lang`.
pub(crate) fn fail<E: Into<UiError>>(lang: Lang) -> impl FnOnce(E) -> Failed {
    move |e| e.into().page(lang)
}

/// The page's `org_unit` parameter (default: the user's node) through the one node check,
/// `scope::node_in_scope`: a malformed id or a node outside the user's subtree is the 404 page.
pub(crate) async fn page_node(
    state: &AppState,
    s: &Session,
    params: &Params,
) -> Result<suqiu_core::org::OrgUnit, Failed> {
    let id = match params.str("org_unit").map(str::parse::<suqiu_core::Id>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Err(UiError::NotFound.page(s.lang)),
    };
    crate::scope::node_in_scope(state, &s.actor, id)
        .await
        .map_err(fail(s.lang))
}

/// What a page's query asks, read by `read` with every fault at once; a parameter at fault
/// is the 400 page, saying the first.
pub(crate) fn asked<T>(
    lang: Lang,
    read: impl FnOnce(&mut Vec<suqiu_core::error::FieldError>) -> T,
) -> Result<T, Failed> {
    let mut errors = Vec::new();
    let asked = read(&mut errors);
    match errors.first() {
        Some(e) => Err(UiError::BadRequest(e.reason()).page(lang)),
        None => Ok(asked),
    }
}

/// Redirect after a successful POST (303: the browser GETs the target).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// The local path a form may send the user back to: the Referer's path when it is a path on
/// this site, else `/`. A browser reads `//host` and `/\host` in `Location` as another site
/// (and drops tabs and line breaks first), so only a single `/` followed by neither `/` nor
/// `\`, with no control character anywhere, is followed.
pub(crate) fn local_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let after_scheme = referer.split_once("://").map(|(_, r)| r).unwrap_or(referer);
    let path = after_scheme
        .find('/')
        .map(|i| &after_scheme[i..])
        .unwrap_or("/");
    let bytes = path.as_bytes();
    let same_site = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !path.chars().any(char::is_control);
    Some(if same_site { path } else { "/" }.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_per_session_and_compare_exactly() {
        let a = csrf_for("session-a");
        let b = csrf_for("session-b");
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same_token(&a, &csrf_for("session-a")));
        assert!(!same_token(&a, &b));
        assert!(!same_token(&a, ""));
        assert!(!same_token(&a, &a[..31]));
    }

    #[test]
    fn only_local_paths_are_followed_back() {
        let mut h = HeaderMap::new();
        assert_eq!(local_path(&h), None);
        h.insert(
            header::REFERER,
            "http://127.0.0.1:8080/appeals?status=registered"
                .parse()
                .expect("header"),
        );
        assert_eq!(
            local_path(&h).as_deref(),
            Some("/appeals?status=registered")
        );
        h.insert(header::REFERER, "http://evil.example".parse().expect("h"));
        assert_eq!(local_path(&h).as_deref(), Some("/"));
        for (referer, back) in [
            ("http://127.0.0.1:8080//evil.com", "/"),
            ("http://127.0.0.1:8080/\\evil.com", "/"),
            ("/\\evil.com", "/"),
            ("//evil.com", "/"),
            ("http://127.0.0.1:8080/\t/evil.com", "/"),
            ("https://evil.com/x", "/x"),
            ("http://127.0.0.1:8080/%5Cevil", "/%5Cevil"),
        ] {
            h.insert(header::REFERER, referer.parse().expect("h"));
            assert_eq!(local_path(&h).as_deref(), Some(back), "{referer}");
        }
    }
}
