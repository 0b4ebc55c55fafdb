//! 花名册导入 on the web: the upload form (multipart, CSRF token as a form field), then the
//! page of one upload — a select per column to correct the guessed mapping, the preview,
//! the errors with their row numbers — and the commit button. Everything goes through the
//! API's use cases (`app::roster`), so both faces check the same way.

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use suqiu_core::roster::{column_letter, Field, Mapping};

use super::i18n::Lang;
use super::view::{Choice, Chrome};
use super::{
    fail, render, same_token, saved, see_other, Failed, Flash, PageResult, PostForm, Session,
    UiError,
};
use crate::app::roster::{self as uc, Preview};
use crate::problem::Problem;
use crate::routes::people::PersonOut;
use crate::routes::roster::read_upload;
use crate::state::AppState;

/// One column of the upload with its select.
struct ColumnView {
    index: usize,
    letter: String,
    header: String,
    options: Vec<Choice>,
}

/// One person of the preview, masked as the register shows them to this reader.
struct PreviewView {
    row: u32,
    name: String,
    gender: String,
    birth_date: String,
    phone: String,
    id_number: String,
    unit: String,
    address: String,
    tags: String,
    party: String,
}

struct ErrorView {
    /// Empty for an error of the mapping.
    row: String,
    field: String,
    message: String,
}

#[derive(Template)]
#[template(path = "people_import.html")]
struct ImportPage {
    c: Chrome,
    /// What is wrong with the chosen file.
    file_error: String,
    /// The upload shown, if any.
    token: String,
    expires_at: String,
    rows: usize,
    columns: Vec<ColumnView>,
    preview: Vec<PreviewView>,
    errors: Vec<ErrorView>,
    ready: bool,
}

impl ImportPage {
    fn empty(s: &Session) -> ImportPage {
        ImportPage {
            c: s.chrome("people"),
            file_error: String::new(),
            token: String::new(),
            expires_at: String::new(),
            rows: 0,
            columns: Vec::new(),
            preview: Vec::new(),
            errors: Vec::new(),
            ready: false,
        }
    }
}

fn field_label(s: &Session, code: &str) -> String {
    let code = code.strip_prefix("mapping.").unwrap_or(code);
    match Field::parse(code) {
        Some(f) => s.lang.label(f.code(), f.label_zh()).to_string(),
        None => code.to_string(),
    }
}

fn page_of(s: &Session, out: Preview) -> ImportPage {
    let lang = s.lang;
    let columns = out
        .headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let current = out.field_of(index).map_or("", |f| f.code());
            let mut options = vec![Choice::new("", lang.t("import.skip"), current)];
            options.extend(
                Field::ALL
                    .iter()
                    .map(|f| Choice::new(f.code(), lang.label(f.code(), f.label_zh()), current)),
            );
            ColumnView {
                index,
                letter: column_letter(index),
                header: header.clone(),
                options,
            }
        })
        .collect();
    let preview = out
        .shown()
        .iter()
        .map(|(row, p)| {
            let x = PersonOut::new(p, out.reveal);
            PreviewView {
                row: *row,
                name: x.name,
                gender: x
                    .gender
                    .as_deref()
                    .and_then(suqiu_core::person::Gender::parse)
                    .map(|g| lang.label(g.code(), g.label_zh()).to_string())
                    .unwrap_or_default(),
                birth_date: x.birth_date.unwrap_or_default(),
                phone: x.phone.unwrap_or_default(),
                id_number: x.id_number.unwrap_or_default(),
                unit: out.unit_name(p.org_unit_id),
                address: x.address.unwrap_or_default(),
                tags: x.tag_labels.join("、"),
                party: x
                    .party
                    .map(|party| {
                        [Some(party.category_label), party.joined_on, party.branch]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ")
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let errors = out
        .checked
        .errors
        .iter()
        .map(|e| ErrorView {
            row: if e.row == 0 {
                String::new()
            } else {
                e.row.to_string()
            },
            field: field_label(s, &e.field),
            message: e.text(s.lang == Lang::En).to_string(),
        })
        .collect();
    ImportPage {
        expires_at: super::view::when(out.expires_at),
        rows: out.rows,
        columns,
        preview,
        errors,
        ready: out.ready(),
        token: out.token,
        ..ImportPage::empty(s)
    }
}

/// A refusal of a use case as the page shows it.
fn failed(lang: Lang) -> impl Fn(crate::app::AppError) -> Failed {
    move |e| UiError::from(e).page(lang)
}

/// `GET /people/import`: the upload form.
pub(crate) async fn form(s: Session) -> PageResult {
    uc::may_import(&s.actor).map_err(failed(s.lang))?;
    render(s.lang, &ImportPage::empty(&s))
}

/// `POST /people/import` (multipart): keeps the roster's cells and shows its page; a file
/// that cannot be read is shown on the form again.
pub(crate) async fn upload(State(state): State<AppState>, s: Session, req: Request) -> PageResult {
    let lang = s.lang;
    let upload = read_upload(req, &state).await.map_err(fail(lang))?;
    let csrf = upload
        .fields
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if !same_token(csrf, &s.csrf) {
        return Err(UiError::Csrf.page(lang));
    }
    let token = match uc::keep(&state, &s.actor, upload.file.as_deref()).await {
        Ok(token) => token,
        Err(crate::app::AppError::Invalid(errors)) => {
            let p = Problem::invalid(errors);
            let page = ImportPage {
                file_error: p.says(lang == Lang::En),
                ..ImportPage::empty(&s)
            };
            let mut res = render(lang, &page)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(res);
        }
        Err(e) => return Err(failed(lang)(e)),
    };
    Ok(see_other(&format!("/people/import/{token}")))
}

/// `GET /people/import/{token}`: the upload under the mapping guessed from its headers.
pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    Path(token): Path<String>,
) -> PageResult {
    let lang = s.lang;
    let out = uc::preview(&state, &s.actor, token, None)
        .await
        .map_err(failed(lang))?;
    render(lang, &page_of(&s, out))
}

/// `POST /people/import/{token}`: checks again under the mapping of the selects, or (with
/// `action=commit`) imports everyone and goes to the register; a refused commit shows its
/// errors (422).
pub(crate) async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let (sheet, _) = uc::stored(&state, &s.actor, &token)
        .await
        .map_err(failed(lang))?;
    // A column per select (`col0`, `col1`, …). A field chosen for two columns is an error
    // of its own: the API's mapping (field → column) cannot say it.
    let mut mapping = Mapping::new();
    let mut twice = Vec::new();
    for i in 0..sheet.headers.len() {
        if let Some(f) = post.form.get(&format!("col{i}")).and_then(Field::parse) {
            if let Some(first) = mapping.insert(f, i) {
                mapping.insert(f, first);
                twice.push(ErrorView {
                    row: String::new(),
                    field: lang.label(f.code(), f.label_zh()).to_string(),
                    message: format!(
                        "第 {} 列和第 {} 列都选了此项，一项只能对应一列",
                        column_letter(first),
                        column_letter(i)
                    ),
                });
            }
        }
    }
    if !twice.is_empty() {
        let out = uc::preview(&state, &s.actor, token, Some(mapping))
            .await
            .map_err(failed(lang))?;
        let mut page = page_of(&s, out);
        // The selects show what was chosen, the second column included.
        for col in &mut page.columns {
            let chosen = post.form.get(&format!("col{}", col.index)).unwrap_or("");
            for o in &mut col.options {
                o.selected = o.value == chosen;
            }
        }
        twice.append(&mut page.errors);
        page.errors = twice;
        page.ready = false;
        let mut res = render(lang, &page)?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    if post.form.get("action") == Some("commit") {
        match uc::commit(&state, &s.actor, &token, Some(mapping.clone()))
            .await
            .map_err(Problem::from)
        {
            Ok(ids) => {
                let flash = Flash::new("flash.imported")
                    .detail(ids.len().to_string())
                    .next("/care", "nav.care_register");
                return Ok(saved(&state, "/people", flash));
            }
            Err(p) if p.status == 422 => {}
            Err(p) => return Err(UiError::from(p).page(lang)),
        }
        let out = uc::preview(&state, &s.actor, token, Some(mapping))
            .await
            .map_err(failed(lang))?;
        let mut res = render(lang, &page_of(&s, out))?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let out = uc::preview(&state, &s.actor, token, Some(mapping))
        .await
        .map_err(failed(lang))?;
    render(lang, &page_of(&s, out))
}

/// `GET /people/import/template.xlsx`: the blank roster with the expected headers.
pub(crate) async fn template(s: Session) -> PageResult {
    let bytes = crate::roster_xlsx::template().map_err(|e| {
        tracing::error!(error = %e, "roster template failed");
        UiError::Internal.page(s.lang)
    })?;
    Ok(crate::xlsx::download(bytes, "roster-template.xlsx").into_response())
}
