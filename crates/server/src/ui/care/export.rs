//! The care register and the period's visits as Excel workbooks, as the reader may see
//! them.

use axum::extract::State;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;
use suqiu_store::care::day_start;
use suqiu_store::visits::VisitFilter;

use super::{may_read_care, register_filter};
use crate::app::care::{self as uc, visits};
use crate::care_xlsx;
use crate::extract::Params;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::people::REGISTER_MAX_ROWS;
use crate::ui::{fail, Failed, PageResult, Session, UiError};

/// Rows read per query while exporting.
const EXPORT_CHUNK: i64 = 500;

fn too_many(lang: Lang) -> Failed {
    UiError::too_many(REGISTER_MAX_ROWS).page(lang)
}

fn xlsx_failed(lang: Lang) -> impl FnOnce(rust_xlsxwriter::XlsxError) -> Failed {
    move |e| {
        tracing::error!(error = %e, "care export failed");
        UiError::Internal.page(lang)
    }
}

async fn unit_of(state: &AppState, id: Id, lang: Lang) -> Result<OrgUnit, Failed> {
    state
        .store
        .org_unit(id)
        .await
        .map_err(fail(lang))?
        .ok_or_else(|| UiError::NotFound.page(lang))
}

/// `GET /care/register.xlsx?tag=&level=&org_unit=`: the whole register as the page shows
/// it (tags the reader may see, phone masked unless the role may see it).
pub(crate) async fn export_register(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    may_read_care(&s)?;
    let mut errors = Vec::new();
    let filter = register_filter(&s, &params, &mut errors);
    if let Some(e) = errors.first() {
        return Err(UiError::BadRequest(e.reason()).page(lang));
    }
    let now = state.now();
    let via = "export /care/register.xlsx";
    let entries = uc::whole_register(
        &state,
        &s.actor,
        filter.clone(),
        (EXPORT_CHUNK, REGISTER_MAX_ROWS),
        via,
    )
    .await
    .map_err(fail(lang))?
    .ok_or_else(|| too_many(lang))?;
    let unit = unit_of(&state, filter.org_unit_id, lang).await?;
    let bytes = care_xlsx::care_register(&unit.name, &entries, now).map_err(xlsx_failed(lang))?;
    Ok(crate::xlsx::download(
        bytes,
        &format!("care-register-{}.xlsx", unit.code),
    ))
}

/// `GET /care/visits.xlsx?from=&to=&org_unit=`: the visit log of a period (default this
/// month so far), every visit the reader may see.
pub(crate) async fn export_visits(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    may_read_care(&s)?;
    let mut errors = Vec::new();
    let (from, to) = params.period(shanghai_date(state.now()), &mut errors);
    let node = params.id("org_unit", &mut errors);
    if let Some(e) = errors.first() {
        return Err(UiError::BadRequest(e.reason()).page(lang));
    }
    let node = node.unwrap_or(s.actor.org_unit_id);
    let mut filter = VisitFilter {
        org_unit_id: Some(node),
        from: Some(day_start(from)),
        to: Some(day_start(to) + chrono::TimeDelta::days(1)),
        page: 1,
        per_page: EXPORT_CHUNK,
        ..VisitFilter::default()
    };
    let mut visits = Vec::new();
    loop {
        let found = visits::list(&state, &s.actor, &filter)
            .await
            .map_err(fail(lang))?;
        if found.total > REGISTER_MAX_ROWS as i64 {
            return Err(too_many(lang));
        }
        let last = found.items.len() < EXPORT_CHUNK as usize;
        visits.extend(found.items);
        if last {
            break;
        }
        filter.page += 1;
    }
    let unit = unit_of(&state, node, lang).await?;
    let bytes = care_xlsx::visit_log(&unit.name, from, to, &visits, state.now())
        .map_err(xlsx_failed(lang))?;
    Ok(crate::xlsx::download(
        bytes,
        &format!("visits-{}-{from}-{to}.xlsx", unit.code),
    ))
}
