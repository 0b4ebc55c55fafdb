//! The register as a workbook (every page of it), masked as the page masks it.

use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::person::{CareTag, Person};
use suqiu_store::people::PeopleFilter;

use super::{may_see_people, not_for_you};
use crate::extract::Params;
use crate::read_audit;
use crate::state::AppState;
use crate::ui::download::{self, every_page};
use crate::ui::pick::unit_names;
use crate::ui::{asked, fail, PageResult, Session};

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
    let filter = asked(lang, |errors| PeopleFilter {
        tag: params.code("tag", CareTag::parse, CareTag::codes(), errors),
        org_unit_id: params.id("org_unit", errors),
        ..PeopleFilter::default()
    })?;
    crate::scope::filter_node_in_scope(&state, &s.actor, filter.org_unit_id)
        .await
        .map_err(fail(lang))?;
    let (store, actor) = (&state.store, &s.actor);
    let people = every_page(lang, REGISTER_MAX_ROWS, &filter, |filter| async move {
        store.list_people(actor, &filter).await
    })
    .await?;
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
    let reveal = s.may(Capability::SeePersonalData);
    let name = download::stamped_name("people", state.now());
    let built = crate::roster_xlsx::people_register(&rows, reveal);
    download::workbook(lang, "people", built, &name)
}
