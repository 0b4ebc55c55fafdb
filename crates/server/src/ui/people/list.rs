//! The register's list page: filtered by care tag (in the URL) or searched by name or
//! phone (POSTed, never in a URL), a page at a time.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::person::CareTag;
use suqiu_store::people::PeopleFilter;

use super::{may_see_people, not_for_you, person_row, PersonRow};
use crate::extract::Params;
use crate::read_audit;
use crate::state::AppState;
use crate::ui::pick::unit_names;
use crate::ui::view::{vocabulary_choices, Choice, Chrome};
use crate::ui::{fail, render, PageResult, PostForm, Session};

/// People per page of the register.
const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "people.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<PersonRow>,
    total: i64,
    q: String,
    tags: Vec<Choice>,
    masked: bool,
    may_manage: bool,
    /// Paging of the register (a search by POST shows its first page only).
    page: i64,
    prev: Option<String>,
    next: Option<String>,
    /// The register as a workbook, under the same tag filter.
    export_href: String,
}

async fn list_page(state: &AppState, s: &Session, q: String, tag: String, page: i64) -> PageResult {
    let lang = s.lang;
    if !may_see_people(s) {
        return Err(not_for_you(s));
    }
    let filter = PeopleFilter {
        q: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        tag: CareTag::parse(&tag),
        page,
        per_page: PER_PAGE,
        ..PeopleFilter::default()
    };
    let found = state
        .store
        .list_people(&s.actor, &filter)
        .await
        .map_err(fail(lang))?;
    let shown = read_audit::people(found.items.iter().map(|p| p.id));
    read_audit::record(state, &s.actor, shown, "page /people")
        .await
        .map_err(fail(lang))?;
    let units = unit_names(state).await.map_err(fail(lang))?;
    let reveal = s.may(Capability::SeePersonalData);
    // Page links carry the tag code only; a search by name or phone is never in a URL.
    let link = |p: i64| {
        let query = serde_urlencoded::to_string([("tag", tag.as_str()), ("page", &p.to_string())])
            .unwrap_or_default();
        format!("/people?{query}")
    };
    let searched = !q.trim().is_empty();
    let prev = (!searched && page > 1).then(|| link(page - 1));
    let next = (!searched && page * PER_PAGE < found.total).then(|| link(page + 1));
    let rows = found
        .items
        .iter()
        .map(|p| {
            let unit = units.get(&p.org_unit_id).cloned().unwrap_or_default();
            person_row(lang, p, reveal, unit)
        })
        .collect();
    render(
        lang,
        &ListPage {
            c: s.chrome("people"),
            rows,
            total: found.total,
            q,
            tags: vocabulary_choices(lang, CareTag::ALL, CareTag::code, CareTag::label_zh, &tag),
            masked: !reveal,
            may_manage: s.may(Capability::ManagePeople),
            page,
            prev,
            next,
            export_href: format!(
                "/people.xlsx?{}",
                serde_urlencoded::to_string([("tag", tag.as_str())]).unwrap_or_default()
            ),
        },
    )
}

/// The register, filtered by care tag (a code, never personal data, in the URL).
pub(crate) async fn list(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let tag = params.str("tag").unwrap_or("").to_string();
    let page = params
        .str("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    list_page(&state, &s, String::new(), tag, page).await
}

/// A search by name or phone: POSTed, so the phone number stays out of URLs and logs.
pub(crate) async fn search(State(state): State<AppState>, post: PostForm) -> PageResult {
    let q = post.form.get("q").unwrap_or("").to_string();
    let tag = post.form.get("tag").unwrap_or("").to_string();
    list_page(&state, &post.session, q, tag, 1).await
}
