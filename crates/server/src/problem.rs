//! Errors as `application/problem+json` (RFC 9457), with messages in Chinese.
//!
//! `{"type","title","status","detail","errors":[{"field","code","message"}]}`; a 409 for an action
//! the appeal's status does not allow also carries `"allowed":["accept",…]`.

use std::collections::BTreeMap;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use suqiu_core::error::{FieldError, Msg, Reason};
use suqiu_core::lifecycle::Refusal;
use suqiu_store::StoreError;
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's name as in the JSON (`appellant.phone`, `tags`), or the query parameter.
    pub field: String,
    /// What is wrong, for programs: a stable snake_case code (`phone_shape`, `too_long`).
    pub code: String,
    /// What is wrong, in Chinese, for people.
    pub message: String,
    /// The same in English, for a page in English (the API says Chinese only).
    #[serde(skip)]
    pub english: String,
    /// The spreadsheet row at fault, for an uploaded file (a roster import).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
}

impl ProblemField {
    /// The words in English, or else in Chinese.
    pub fn text(&self, english: bool) -> &str {
        if english {
            &self.english
        } else {
            &self.message
        }
    }
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> ProblemField {
        ProblemField {
            field: e.field,
            code: e.code.to_string(),
            message: e.message,
            english: e.english,
            row: None,
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:suqiu:problem:<kind>`
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// The detail in English where a rule gave one, for a page in English (the API says
    /// Chinese only). Boxed, as `allowed` is, to keep every handler's error small.
    #[serde(skip)]
    pub detail_en: Option<Box<str>>,
    pub errors: Vec<ProblemField>,
    /// For 409 on an action: the actions the appeal's status allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Box<[String]>>,
    /// Seconds for a `Retry-After` header (load shed, locks); not part of the body.
    #[serde(skip)]
    pub retry_after: Option<std::num::NonZeroU32>,
}

pub type ApiResult<T> = Result<T, Problem>;

/// Every refusal and failure of the API, as the OpenAPI document names it once: an
/// `application/problem+json` body ([`Problem`]). Endpoints list their statuses with
/// [`Problems`].
#[derive(utoipa::ToResponse)]
#[response(
    description = "A problem (RFC 9457): type, title, status, detail; errors[] names each field at fault",
    content_type = "application/problem+json"
)]
pub struct ProblemResponse(pub Problem);

/// The statuses at which an endpoint answers with a problem, each the one
/// [`ProblemResponse`]: `responses((status = 200, body = …), Problems::<403, 404, 422>)`.
/// (A status whose problem says something of its own is a tuple of its own beside it.)
pub struct Problems<const A: u16, const B: u16 = 0, const C: u16 = 0, const D: u16 = 0>;

impl<const A: u16, const B: u16, const C: u16, const D: u16> utoipa::IntoResponses
    for Problems<A, B, C, D>
{
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let (name, _) = <ProblemResponse as utoipa::ToResponse>::response();
        [A, B, C, D]
            .into_iter()
            .filter(|status| *status != 0)
            .map(|status| {
                let problem = RefOr::Ref(utoipa::openapi::Ref::from_response_name(name));
                (status.to_string(), problem)
            })
            .collect()
    }
}

/// Said for a 403 some layer gave without a reason of its own.
const NOT_PERMITTED: Msg = Msg::new("not_permitted", "无权执行此操作", "You may not do this");
/// Said for a passing store fault that gave no reason of its own.
const NOT_SAVED: Msg = Msg::new(
    "not_saved",
    "本次操作未保存，请稍后再试",
    "Nothing was saved. Please try again later",
);

impl Problem {
    pub fn new(
        status: StatusCode,
        type_: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        let detail = detail.into();
        Problem {
            type_,
            title,
            status: status.as_u16(),
            detail_en: None,
            detail,
            errors: Vec::new(),
            allowed: None,
            retry_after: None,
        }
    }

    /// The same problem with a `Retry-After` of `seconds` (at least 1).
    pub fn retry_after(mut self, seconds: i64) -> Problem {
        self.retry_after = std::num::NonZeroU32::new(seconds.clamp(1, i64::from(u32::MAX)) as u32);
        self
    }

    /// A problem whose detail is a rule's reason, in both languages.
    pub fn refused(
        status: StatusCode,
        type_: &'static str,
        title: &'static str,
        reason: Reason,
    ) -> Problem {
        let mut p = Problem::new(status, type_, title, reason.zh);
        p.detail_en = Some(reason.en.into());
        p
    }

    /// What a form shows of it: the first field's words, or else the detail.
    pub fn says(&self, english: bool) -> String {
        self.errors.first().map_or_else(
            || self.reason().text(english).to_string(),
            |e| e.text(english).to_string(),
        )
    }

    /// The detail in both languages (its code: the problem's type).
    pub fn reason(&self) -> Reason {
        Reason {
            code: self.type_,
            zh: self.detail.clone(),
            en: self
                .detail_en
                .as_deref()
                .unwrap_or(&self.detail)
                .to_string(),
        }
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "urn:suqiu:problem:bad-request",
            "请求格式错误",
            detail,
        )
    }

    pub fn unauthorized(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "urn:suqiu:problem:unauthorized",
            "未登录",
            detail,
        )
    }

    pub fn not_signed_in() -> Problem {
        Problem::unauthorized("请先登录（会话不存在或已过期）")
    }

    pub fn forbidden(reason: Reason) -> Problem {
        Problem::refused(
            StatusCode::FORBIDDEN,
            "urn:suqiu:problem:forbidden",
            "无权执行此操作",
            reason,
        )
    }

    /// 404: unknown, or outside the caller's scope (the two are never told apart).
    pub fn not_found() -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "urn:suqiu:problem:not-found",
            "未找到",
            "请求的资源不存在或不在您的管辖范围内",
        )
    }

    pub fn conflict(reason: Reason) -> Problem {
        Problem::refused(
            StatusCode::CONFLICT,
            "urn:suqiu:problem:conflict",
            "操作冲突",
            reason,
        )
    }

    /// 409 whose one field error says which field broke the rule, in both languages.
    pub fn conflict_on(error: FieldError) -> Problem {
        let mut p = Problem::conflict(error.reason());
        p.errors = vec![error.into()];
        p
    }

    pub fn too_large() -> Problem {
        Problem::too_large_for(crate::MAX_BODY_BYTES)
    }

    /// 413 for a body over `limit` bytes.
    pub fn too_large_for(limit: usize) -> Problem {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:suqiu:problem:payload-too-large",
            "请求内容过大",
            format!(
                "请求内容不能超过 {limit} 字节（{} MiB）",
                limit / (1024 * 1024)
            ),
        )
    }

    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "urn:suqiu:problem:internal",
            "服务器内部错误",
            "服务器内部错误，请稍后再试",
        )
    }

    pub fn unavailable(reason: Reason) -> Problem {
        Problem::refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:suqiu:problem:unavailable",
            "服务暂不可用",
            reason,
        )
    }

    /// 422 with field errors; the detail joins their messages.
    pub fn invalid(errors: Vec<FieldError>) -> Problem {
        let detail = errors
            .iter()
            .map(|e| format!("{}：{}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("；");
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:suqiu:problem:validation",
            "输入有误",
            detail,
        );
        p.errors = errors.into_iter().map(ProblemField::from).collect();
        p
    }

    /// 422 for one field.
    pub fn field(field: impl Into<String>, msg: &Msg) -> Problem {
        Problem::invalid(vec![FieldError::new(field, msg)])
    }

    /// 422 for one field, in the words of whoever refused it (one language only).
    pub fn field_untranslated(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Problem {
        Problem::invalid(vec![FieldError::untranslated(field, code, message)])
    }

    /// A problem for a status that some layer produced without a body we recognise.
    pub fn for_status(status: StatusCode) -> Problem {
        match status {
            StatusCode::BAD_REQUEST => Problem::bad_request("请求格式错误"),
            StatusCode::UNAUTHORIZED => Problem::not_signed_in(),
            StatusCode::FORBIDDEN => Problem::forbidden(Reason::new(&NOT_PERMITTED)),
            StatusCode::NOT_FOUND => Problem::not_found(),
            StatusCode::METHOD_NOT_ALLOWED => Problem::new(
                status,
                "urn:suqiu:problem:method-not-allowed",
                "不支持的请求方法",
                "该地址不支持此请求方法",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => Problem::too_large(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Problem::new(
                status,
                "urn:suqiu:problem:unsupported-media-type",
                "不支持的内容类型",
                "请求体须为 JSON（Content-Type: application/json）",
            ),
            StatusCode::REQUEST_TIMEOUT => Problem::new(
                status,
                "urn:suqiu:problem:timeout",
                "请求超时",
                "请求超时，请重试",
            ),
            s if s.is_server_error() => {
                let mut p = Problem::internal();
                p.status = s.as_u16();
                p
            }
            s => Problem::new(
                s,
                "urn:suqiu:problem:error",
                s.canonical_reason().unwrap_or("错误"),
                s.canonical_reason().unwrap_or("请求失败").to_string(),
            ),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut res = (status, body).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.get()));
        }
        res
    }
}

/// Seconds a client is asked to wait after a 503 for a storage fault that passes.
pub const STORAGE_RETRY_AFTER: u32 = 5;

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        match e {
            StoreError::NotFound => Problem::not_found(),
            StoreError::Conflict(e) => Problem::conflict_on(e),
            StoreError::Invalid(e) => Problem::invalid(vec![e]),
            StoreError::Forbidden(reason) => Problem::forbidden(reason),
            StoreError::Rows(errors) => crate::routes::roster::row_problem(&errors),
            // Nothing was saved and the cause should pass (disk full or below its floor,
            // the database out of reach): 503, try again later.
            other if other.unavailable_reason().is_some() => {
                // The floor logs its own episodes; a lost database or full disk here.
                if !matches!(other, StoreError::Unavailable(_)) {
                    tracing::warn!(error = %other, "store unavailable");
                }
                let reason = other.unavailable_reason();
                Problem::unavailable(reason.unwrap_or_else(|| Reason::new(&NOT_SAVED)))
                    .retry_after(STORAGE_RETRY_AFTER.into())
            }
            other => {
                tracing::error!(error = %other, "store error");
                Problem::internal()
            }
        }
    }
}

impl From<Refusal> for Problem {
    fn from(r: Refusal) -> Problem {
        match r {
            Refusal::NotAllowed { ref allowed, .. } => {
                let mut p = Problem::refused(
                    StatusCode::CONFLICT,
                    "urn:suqiu:problem:action-not-allowed",
                    "当前状态不允许此操作",
                    r.reason(),
                );
                p.allowed = Some(allowed.iter().map(|a| a.code().to_string()).collect());
                p
            }
            Refusal::Forbidden(reason) => Problem::forbidden(reason),
            Refusal::Invalid(fe) => Problem::invalid(vec![fe]),
        }
    }
}

impl From<FieldError> for Problem {
    fn from(e: FieldError) -> Problem {
        Problem::invalid(vec![e])
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.title, self.detail)
    }
}
