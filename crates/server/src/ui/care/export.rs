//! The care register and the period's visits as Excel workbooks, as the reader may see
//! them.

use axum::extract::State;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::org::OrgUnit;
use suqiu_core::Id;
use suqiu_store::care::day_start;
use suqiu_store::visits::VisitFilter;

use super::{care_asked, register_filter};
use crate::app::care::{self as uc, visits};
use crate::care_xlsx;
use crate::extract::Params;
use crate::state::AppState;
use crate::ui::download::{self, every_page, CHUNK};
use crate::ui::i18n::Lang;
use crate::ui::people::REGISTER_MAX_ROWS;
use crate::ui::{fail, Failed, PageResult, Session, UiError};

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
    let filter = care_asked(&s, |errors| register_filter(&s, &params, errors))?;
    let now = state.now();
    let via = "export /care/register.xlsx";
    let entries = uc::whole_register(
        &state,
        &s.actor,
        filter.clone(),
        (CHUNK, REGISTER_MAX_ROWS),
        via,
    )
    .await
    .map_err(fail(lang))?
    .ok_or_else(|| UiError::too_many(REGISTER_MAX_ROWS).page(lang))?;
    let unit = unit_of(&state, filter.org_unit_id, lang).await?;
    let built = care_xlsx::care_register(&unit.name, &entries, now);
    let name = format!("care-register-{}.xlsx", unit.code);
    download::workbook(lang, "care", built, &name)
}

/// `GET /care/visits.xlsx?from=&to=&org_unit=`: the visit log of a period (default this
/// month so far), every visit the reader may see.
pub(crate) async fn export_visits(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    let ((from, to), node) = care_asked(&s, |errors| {
        (
            params.period(shanghai_date(state.now()), errors),
            params.id("org_unit", errors),
        )
    })?;
    let node = node.unwrap_or(s.actor.org_unit_id);
    let filter = VisitFilter {
        org_unit_id: Some(node),
        from: Some(day_start(from)),
        to: Some(day_start(to) + chrono::TimeDelta::days(1)),
        ..VisitFilter::default()
    };
    let (state, actor) = (&state, &s.actor);
    let visits = every_page(lang, REGISTER_MAX_ROWS, &filter, |filter| async move {
        visits::list(state, actor, &filter).await
    })
    .await?;
    let unit = unit_of(state, node, lang).await?;
    let built = care_xlsx::visit_log(&unit.name, from, to, &visits, state.now());
    let name = format!("visits-{}-{from}-{to}.xlsx", unit.code);
    download::workbook(lang, "care", built, &name)
}
