//! 查阅记录: the audit of reads for auditors and district administrators — who was shown
//! whose unmasked personal data, when, and through which page, API or export — filtered by
//! reader, person, appeal and period, paged, and exported to Excel.

use askama::Template;
use axum::extract::State;
use rust_xlsxwriter::{Workbook, XlsxError};
use suqiu_core::msg;
use suqiu_store::audit::{ReadEntry, ReadSubject};

use super::download::{self, every_page};
use super::pick::{person_pick, resolve_query, PersonPick};
use super::posted::Posted;
use super::view::{when, Choice, Chrome, FieldErrors};
use super::{fail, render, FormData, PageResult, Session, UiError};
use crate::extract::Params;
use crate::routes::audit::{read_filter, require_audit};
use crate::state::AppState;
use crate::xlsx;
use suqiu_store::people_search::Among;

/// Reads per page.
const PER_PAGE: i64 = 50;
/// Most rows in one export (narrow the period or the filters beyond this).
const EXPORT_MAX: usize = 50_000;

struct Row {
    at: String,
    reader: String,
    subject: &'static str,
    href: String,
    subject_id: i64,
    via: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<Row>,
    users: Vec<Choice>,
    /// The people a reader may filter by, told apart as every picker does.
    people: PersonPick,
    /// The filter as asked (the appeal by its tracking code), with what it could not read.
    posted: Posted,
    total: i64,
    page: i64,
    pages: i64,
    /// The filters as a query string (no page), for the pager and the export.
    query: String,
}

/// The filters as typed, to show them again and carry them in links.
fn typed(params: &Params) -> Vec<(&'static str, String)> {
    ["user_id", "person_id", "appeal_id", "from", "to"]
        .into_iter()
        .filter_map(|k| {
            params
                .str(k)
                .filter(|v| !v.is_empty())
                .map(|v| (k, v.to_string()))
        })
        .collect()
}

/// The appeal of the filter's tracking code (`appeal_code`) put in as `appeal_id`, the
/// filter's read; or what is wrong with it. A link from an appeal's page (`appeal_id`) shows
/// its tracking code in the field.
async fn resolve_appeal(
    state: &AppState,
    s: &Session,
    params: &mut Params,
    errors: &mut FieldErrors,
) -> Result<(), UiError> {
    let code = params
        .str("appeal_code")
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty());
    match code {
        Some(code) => match state.store.appeal_id_by_tracking_code(&code).await? {
            Some(id) => {
                params.0.insert("appeal_id".into(), id.to_string());
            }
            None => errors.push(
                "appeal_code",
                &msg!(
                    "no_appeal_with_code",
                    "没有这个追踪码的诉求",
                    "No appeal has this tracking code"
                ),
            ),
        },
        None => {
            if let Some(id) = params.str("appeal_id").and_then(|v| v.parse().ok()) {
                if let Ok(rec) = state.store.appeal(&s.actor, id).await {
                    params
                        .0
                        .insert("appeal_code".into(), rec.appeal.tracking_code.clone());
                }
            }
        }
    }
    Ok(())
}

/// `GET /audit/reads?user_id=&person_id=&appeal_code=&from=&to=&page=` (`appeal_id` too).
pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    mut params: Params,
) -> PageResult {
    let lang = s.lang;
    require_audit(&s.actor).map_err(fail(lang))?;
    let mut errors = FieldErrors::new(lang);
    resolve_appeal(&state, &s, &mut params, &mut errors)
        .await
        .map_err(fail(lang))?;
    resolve_query(&state, &s.actor, &mut params.0, "person_id", &mut errors)
        .await
        .map_err(fail(lang))?;
    let typed = typed(&params);
    let query = serde_urlencoded::to_string(&typed).unwrap_or_default();
    let filter = match read_filter(&s.actor, &params) {
        Ok(mut f) if !errors.any() => {
            f.per_page = PER_PAGE;
            Some(f)
        }
        Ok(_) => None,
        Err(p) => {
            errors.0.extend(FieldErrors::of_problem(&p, &[], lang).0);
            None
        }
    };
    let found = match &filter {
        Some(f) => Some(state.store.reads(f).await.map_err(fail(lang))?),
        None => None,
    };
    let value = |k: &str| params.str(k).unwrap_or("").to_string();
    let users = state
        .store
        .users_in_scope(&s.actor)
        .await
        .map_err(fail(lang))?
        .into_iter()
        .map(|u| Choice::new(u.id.to_string(), u.display_name, &value("user_id")))
        .collect();
    let people = person_pick(&state, &s.actor, (None, Among::Everyone))
        .await
        .map_err(fail(lang))?;
    let (rows, total, page) = match found {
        Some(f) => (
            f.items.iter().map(|r| row(lang, r)).collect(),
            f.total,
            f.page,
        ),
        None => (Vec::new(), 0, 1),
    };
    let asked = params
        .0
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    render(
        lang,
        &AuditPage {
            c: s.chrome("audit"),
            rows,
            users,
            people,
            posted: Posted::refused("filter", FormData::new(asked), errors),
            total,
            page,
            pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
            query,
        },
    )
}

fn row(lang: super::i18n::Lang, r: &ReadEntry) -> Row {
    Row {
        at: when(r.at),
        reader: r.user_name.clone(),
        subject: lang.label(r.subject.code(), r.subject.label_zh()),
        href: match r.subject {
            ReadSubject::Person => format!("/people/{}", r.subject_id),
            ReadSubject::Appeal => format!("/appeals/{}", r.subject_id),
        },
        subject_id: r.subject_id,
        via: r.via.clone(),
    }
}

/// `GET /audit/reads.xlsx?…`: the filtered reads (every page) as a workbook.
pub(crate) async fn export(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    require_audit(&s.actor).map_err(fail(lang))?;
    let filter = read_filter(&s.actor, &params).map_err(fail(lang))?;
    let store = &state.store;
    let entries = every_page(lang, EXPORT_MAX, &filter, |filter| async move {
        store.reads(&filter).await
    })
    .await?;
    let name = download::stamped_name("reads", state.now());
    download::workbook(lang, "audit", workbook(&entries), &name)
}

/// 查阅记录 as a sheet: the time as a real Excel date-time to the second (sortable,
/// filterable), Chinese headers, one row per read.
fn workbook(entries: &[ReadEntry]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("查阅记录")?;
    let headers: [(&str, f64); 6] = [
        ("查阅时间", 20.0),
        ("查阅人", 14.0),
        ("查阅人编号", 10.0),
        ("对象", 8.0),
        ("对象编号", 10.0),
        ("途径", 30.0),
    ];
    xlsx::header_row(ws, 0, &headers)?;
    for (i, r) in entries.iter().enumerate() {
        let row = 1 + i as u32;
        xlsx::stamp(ws, row, 0, r.at)?;
        ws.write_string(row, 1, &r.user_name)?;
        ws.write_number(row, 2, r.user_id as f64)?;
        ws.write_string(row, 3, r.subject.label_zh())?;
        ws.write_number(row, 4, r.subject_id as f64)?;
        ws.write_string(row, 5, &r.via)?;
    }
    ws.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
