//! The register as a workbook (every page of it), masked as the page masks it.

use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::person::{CareTag, Person};
use suqiu_store::people::PeopleFilter;

use super::{may_see_people, not_for_you};
use crate::extract::Params;
use crate::read_audit;
use crate::state::AppState;
use crate::ui::i18n::Lang;
use crate::ui::pick::unit_names;
use crate::ui::{fail, Failed, PageResult, Session, UiError};

/// Rows read per query while exporting.
const EXPORT_CHUNK: i64 = 500;
/// Most people one export holds: a street's register, not a district's (that is a backup).
pub(crate) const REGISTER_MAX_ROWS: usize = 50_000;

/// `GET /people.xlsx?tag=&org_unit=`: the register (every page of it) as a workbook, phone
/// and ID numbers masked exactly as on the page.
pub(crate) async fn export(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    if !may_see_people(&s) {
        return Err(not_for_you(&s));
    }
    let mut errors = Vec::new();
    let mut filter = PeopleFilter {
        tag: params.code("tag", CareTag::parse, CareTag::codes(), &mut errors),
        org_unit_id: params.id("org_unit", &mut errors),
        page: 1,
        per_page: EXPORT_CHUNK,
        ..PeopleFilter::default()
    };
    if let Some(e) = errors.first() {
        return Err(UiError::BadRequest(e.reason()).page(lang));
    }
    crate::scope::filter_node_in_scope(&state, &s.actor, filter.org_unit_id)
        .await
        .map_err(fail(lang))?;
    let mut people = Vec::new();
    loop {
        let found = state
            .store
            .list_people(&s.actor, &filter)
            .await
            .map_err(fail(lang))?;
        if found.total > REGISTER_MAX_ROWS as i64 {
            return Err(too_many_people(lang));
        }
        let last = found.items.len() < EXPORT_CHUNK as usize;
        people.extend(found.items);
        if last {
            break;
        }
        filter.page += 1;
    }
    // One audit row per person in the workbook: an auditor asks "who has seen this person's
    // number", and an export row answers it like a page does.
    let shown = read_audit::people(people.iter().map(|p| p.id));
    read_audit::record(&state, &s.actor, shown, "export /people.xlsx")
        .await
        .map_err(fail(lang))?;
    let units = unit_names(&state).await.map_err(fail(lang))?;
    let rows: Vec<(Person, String)> = people
        .into_iter()
        .map(|p| {
            let unit = units.get(&p.org_unit_id).cloned().unwrap_or_default();
            (p, unit)
        })
        .collect();
    let bytes = crate::roster_xlsx::people_register(&rows, s.may(Capability::SeePersonalData))
        .map_err(|e| {
            tracing::error!(error = %e, "people export failed");
            UiError::Internal.page(lang)
        })?;
    let name = format!(
        "people-{}.xlsx",
        crate::ui::view::shanghai_file_stamp(state.now())
    );
    Ok(crate::xlsx::download(bytes, &name))
}

fn too_many_people(lang: Lang) -> Failed {
    UiError::too_many(REGISTER_MAX_ROWS).page(lang)
}
