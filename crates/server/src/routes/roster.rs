//! 花名册导入: people registered from an Excel roster, all or nothing. A thin adapter over
//! `app::roster`: it reads the upload, calls the use case and renders its answer.
//!
//! 1. `POST /api/v1/people/import` takes the file (multipart `file`, or the raw body with
//!    the xlsx content type), reads its first sheet, keeps the cells — not the file — under
//!    a random token for an hour (`roster_uploads`), and answers with the columns, the
//!    mapping guessed from the headers, a preview of the first people as they would be
//!    stored, and every error, row by row.
//! 2. `POST /api/v1/people/import/{token}/preview` `{"mapping"}` checks again under a
//!    corrected mapping.
//! 3. `POST /api/v1/people/import/{token}/commit` `{"mapping"?}` checks once more (the
//!    register may have changed) and registers everyone in one transaction, or nobody:
//!    422 with `errors: [{"row","field","message"}]`.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use suqiu_core::error::FieldError;
use suqiu_core::msg;
use suqiu_core::roster::{column_letter, Field, Mapping, RowError};
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::app::roster::{self as uc, Preview};
use crate::auth::AuthActor;
use crate::dto::time;
use crate::extract::{media_type, ApiJson};
use crate::problem::{ApiResult, Problem, ProblemField, Problems};
use crate::routes::people::PersonOut;
use crate::state::AppState;

/// One column of the uploaded sheet and the field it fills.
#[derive(Debug, Serialize, ToSchema)]
pub struct ColumnOut {
    /// 0-based, as in `mapping`.
    pub index: usize,
    /// As Excel shows it: `A`, `B`, …
    pub letter: String,
    pub header: String,
    /// The field this column fills under the mapping, or null.
    pub field: Option<String>,
}

/// One person of the preview, as they would be stored (masked for the reader).
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewOut {
    pub row: u32,
    pub org_unit_name: String,
    pub person: PersonOut,
}

/// One thing wrong with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowErrorOut {
    pub row: u32,
    /// `name|gender|birth_date|phone|id_number|address|org_unit|tags|party.category|party.joined_on|party.branch`
    pub field: String,
    /// What is wrong, for programs (snake_case); `message` says it in Chinese.
    pub code: String,
    pub message: String,
    /// The same in English, for the import page in English (not part of the API).
    #[serde(skip)]
    pub english: String,
}

/// An uploaded roster checked under a mapping.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    pub token: String,
    pub expires_at: String,
    /// Data rows read (blank rows left out).
    pub rows: usize,
    pub columns: Vec<ColumnOut>,
    /// Field code → column index.
    #[schema(value_type = Object)]
    pub mapping: BTreeMap<String, usize>,
    /// The first people as they would be stored.
    pub preview: Vec<PreviewOut>,
    /// Every error of every row (and of the mapping, with `row` 0); nothing is imported
    /// while there is one.
    pub errors: Vec<RowErrorOut>,
    /// True when a commit under this mapping would import every row.
    pub ready: bool,
}

/// `{"mapping": {"name": 0, "phone": 3, …}}`; without `mapping`, the one guessed from the
/// headers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MappingIn {
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub mapping: Option<BTreeMap<String, usize>>,
}

/// `{"imported": N, "ids": […]}`
#[derive(Debug, Serialize, ToSchema)]
pub struct CommittedOut {
    pub imported: usize,
    pub ids: Vec<Id>,
}

/// An upload's file and its other form fields (the web form's CSRF token).
pub(crate) struct Upload {
    pub file: Option<Bytes>,
    pub fields: Vec<(String, String)>,
}

fn unsupported() -> Problem {
    Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "urn:suqiu:problem:unsupported-media-type",
        "不支持的内容类型",
        "请上传 .xlsx 文件：multipart/form-data 的 file 字段，或 Content-Type 为 xlsx 的请求体",
    )
}

/// Reads an upload: `multipart/form-data` (the file in `file`), or the file as the whole
/// body (`Content-Type` xlsx or `application/octet-stream`).
pub(crate) async fn read_upload(req: Request, state: &AppState) -> Result<Upload, Problem> {
    let essence = media_type(req.headers());
    let too_large = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::too_large_for(crate::MAX_UPLOAD_BODY_BYTES)
        } else {
            Problem::bad_request("无法读取上传的内容")
        }
    };
    if essence == crate::xlsx::CONTENT_TYPE || essence == "application/octet-stream" {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rej| too_large(rej.status()))?;
        return Ok(Upload {
            file: Some(bytes),
            fields: Vec::new(),
        });
    }
    if essence != "multipart/form-data" {
        return Err(unsupported());
    }
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|rej| too_large(rej.status()))?;
    let mut upload = Upload {
        file: None,
        fields: Vec::new(),
    };
    while let Some(field) = form.next_field().await.map_err(|e| too_large(e.status()))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            upload.file = Some(field.bytes().await.map_err(|e| too_large(e.status()))?);
        } else {
            let text = field.text().await.map_err(|e| too_large(e.status()))?;
            upload.fields.push((name, text));
        }
    }
    Ok(upload)
}

/// A mapping from the wire (`{"name": 0}`), or the fields it names wrongly.
pub(crate) fn mapping_of(raw: &BTreeMap<String, usize>) -> Result<Mapping, Vec<FieldError>> {
    let mut m = Mapping::new();
    let mut errors = Vec::new();
    for (k, &col) in raw {
        match Field::parse(k) {
            Some(f) => {
                m.insert(f, col);
            }
            None => errors.push(
                FieldError::new(
                    format!("mapping.{k}"),
                    &msg!(
                        "mapping_field_unknown",
                        "未知的字段，可选：{options}",
                        "Unknown field; one of: {options}"
                    ),
                )
                .with("options", Field::codes().replace('|', ", ")),
            ),
        }
    }
    if errors.is_empty() {
        Ok(m)
    } else {
        Err(errors)
    }
}

/// The 422 of a roster that cannot be imported: every error with its row.
pub(crate) fn row_problem(errors: &[RowError]) -> Problem {
    let mut p = Problem::invalid(Vec::new());
    p.detail = format!(
        "花名册有 {} 处错误，未导入任何人员；请改正后重试",
        errors.len()
    );
    p.errors = errors
        .iter()
        .map(|e| ProblemField {
            field: e.field.clone(),
            code: e.code.to_string(),
            message: e.message.clone(),
            english: e.english.clone(),
            row: Some(e.row),
        })
        .collect();
    p
}

impl ImportOut {
    fn new(p: Preview) -> ImportOut {
        ImportOut {
            expires_at: time(p.expires_at),
            rows: p.rows,
            columns: p
                .headers
                .iter()
                .enumerate()
                .map(|(i, h)| ColumnOut {
                    index: i,
                    letter: column_letter(i),
                    header: h.clone(),
                    field: p.field_of(i).map(|f| f.code().to_string()),
                })
                .collect(),
            mapping: p
                .mapping
                .iter()
                .map(|(f, c)| (f.code().to_string(), *c))
                .collect(),
            preview: p
                .shown()
                .iter()
                .map(|(row, person)| PreviewOut {
                    row: *row,
                    org_unit_name: p.unit_name(person.org_unit_id),
                    person: PersonOut::new(person, p.reveal),
                })
                .collect(),
            ready: p.ready(),
            errors: p
                .checked
                .errors
                .into_iter()
                .map(|e| RowErrorOut {
                    row: e.row,
                    field: e.field,
                    code: e.code.to_string(),
                    message: e.message,
                    english: e.english,
                })
                .collect(),
            token: p.token,
        }
    }
}

/// Uploads a roster: reads the first sheet, keeps its cells for an hour under a token,
/// and checks it under the mapping guessed from the headers. Nothing is registered yet.
#[utoipa::path(post, path = "/api/v1/people/import", tag = "people",
    request_body(content = Vec<u8>, description = "the .xlsx file: multipart/form-data field `file`, or the raw body",
        content_type = "multipart/form-data"),
    responses(
        (status = 200, body = ImportOut),
        Problems::<403, 413, 415>,
        (status = 422, body = Problem, content_type = "application/problem+json", description = "not a readable .xlsx, over 5 MB or 5,000 rows"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    actor: AuthActor,
    req: Request,
) -> ApiResult<Json<ImportOut>> {
    uc::may_import(&actor)?;
    let upload = read_upload(req, &state).await?;
    let preview = uc::upload(&state, &actor, upload.file.as_deref()).await?;
    Ok(Json(ImportOut::new(preview)))
}

/// The mapping of a request body: the given one, or none (the guess).
fn body_mapping(body: &MappingIn) -> ApiResult<Option<Mapping>> {
    body.mapping
        .as_ref()
        .map(|raw| mapping_of(raw).map_err(Problem::invalid))
        .transpose()
}

/// Checks an uploaded roster again under another mapping.
#[utoipa::path(post, path = "/api/v1/people/import/{token}/preview", tag = "people",
    params(("token" = String, Path)),
    request_body = MappingIn,
    responses(
        (status = 200, body = ImportOut),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "unknown, expired or another user's upload"),
        Problems::<422>,
    ))]
pub async fn preview(
    State(state): State<AppState>,
    actor: AuthActor,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<MappingIn>,
) -> ApiResult<Json<ImportOut>> {
    let mapping = body_mapping(&body)?;
    let preview = uc::preview(&state, &actor, token, mapping).await?;
    Ok(Json(ImportOut::new(preview)))
}

/// Registers every person of the roster in one transaction, or nobody: 422 with every
/// error and its row. The upload is deleted with the commit (a second commit is 404).
#[utoipa::path(post, path = "/api/v1/people/import/{token}/commit", tag = "people",
    params(("token" = String, Path)),
    request_body = MappingIn,
    responses(
        (status = 201, body = CommittedOut),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "unknown, expired, committed or another user's upload"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`errors: [{\"row\",\"field\",\"message\"}]`; nothing written"),
    ))]
pub async fn commit(
    State(state): State<AppState>,
    actor: AuthActor,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<MappingIn>,
) -> ApiResult<(StatusCode, Json<CommittedOut>)> {
    let mapping = body_mapping(&body)?;
    let ids = uc::commit(&state, &actor, &token, mapping).await?;
    Ok((
        StatusCode::CREATED,
        Json(CommittedOut {
            imported: ids.len(),
            ids,
        }),
    ))
}

/// This area's endpoints, each documented where it is declared (`#[utoipa::path]`).
pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<crate::state::AppState> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(upload))
        // 花名册导入: the upload takes a file up to 5 MB (`crate::body_limit`).
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::MAX_UPLOAD_BODY_BYTES,
        ))
        .routes(routes!(preview))
        .routes(routes!(commit))
}
