//! 诉求列表: the API's filters (the same parameter names, read by the same function), plus
//! the worklist's own (`due=soon`, `feedback`), sorting and paging; the Excel export reads
//! exactly the same filter (see `export`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use suqiu_core::access::{Actor, Capability};
use suqiu_core::appeal::{Appellant, Kind, Status, Urgency};
use suqiu_core::org::{in_subtree, OrgKind};
use suqiu_core::validate::{mask_email, mask_phone};
use suqiu_store::appeals::{AppealFilter, AppealRecord};

use super::badge::{status_badge, StatusBadge};
use super::i18n::Lang;
use super::view::{vocabulary_choices, when, Choice, Chrome, Deadline, FieldErrors};
use super::{fail, render, see_other, Failed, PageResult, PostForm, Session, UiError};
use crate::extract::Params;
use crate::problem::Problem;
use crate::routes::appeals::list_filter;
use crate::scope::filter_node_in_scope;
use crate::state::AppState;

/// One appeal as a row of a list.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub id: i64,
    pub code: String,
    pub summary: String,
    pub badge: StatusBadge,
    pub kind_label: &'static str,
    pub category: String,
    pub unit: String,
    pub handling: String,
    pub appellant: String,
    pub created: String,
    pub deadline: Option<Deadline>,
    pub urgent: bool,
    /// The problem (问题) it belongs to, when the list looked it up.
    pub problem: Option<super::problems::Belongs>,
}

/// Longest summary shown in a row (characters).
const SUMMARY_CHARS: usize = 40;

/// The title, or the start of the content.
pub(crate) fn summary(title: Option<&str>, content: &str) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => {
            let mut s: String = content.chars().take(SUMMARY_CHARS).collect();
            if content.chars().count() > SUMMARY_CHARS {
                s.push('…');
            }
            s
        }
    }
}

/// A category as people read it: `公共设施 · 水管` (the first level, then the second).
pub(crate) fn category_label(names: &HashMap<String, String>, code: &str) -> String {
    let name = names.get(code).cloned().unwrap_or_else(|| code.to_string());
    match code
        .split_once('.')
        .and_then(|(parent, _)| names.get(parent))
    {
        Some(parent) => format!("{parent} · {name}"),
        None => name,
    }
}

/// Who raised it, as a list may show it: the name only (phones stay on the detail page).
pub(crate) fn appellant_name(lang: Lang, rec: &AppealRecord) -> String {
    match &rec.appeal.appellant {
        Appellant::Anonymous => lang.t("detail.anonymous").to_string(),
        Appellant::Named { name, .. } => rec.appellant_name.clone().unwrap_or(name.clone()),
        Appellant::Person { .. } => rec.appellant_name.clone().unwrap_or_default(),
    }
}

/// The e-mail address an unregistered appellant left, for `actor`: as the phone is shown.
pub(crate) fn appellant_email(actor: &Actor, rec: &AppealRecord) -> Option<String> {
    let Appellant::Named {
        email: Some(email), ..
    } = &rec.appeal.appellant
    else {
        return None;
    };
    Some(if actor.may(Capability::SeePersonalData) {
        email.clone()
    } else {
        mask_email(email)
    })
}

/// The appellant's phone for `actor`: full for roles that call appellants, masked otherwise.
pub(crate) fn appellant_phone(actor: &Actor, rec: &AppealRecord) -> Option<String> {
    let phone = rec
        .appellant_phone
        .clone()
        .or(match &rec.appeal.appellant {
            Appellant::Named { phone, .. } => phone.clone(),
            _ => None,
        })?;
    Some(if actor.may(Capability::SeePersonalData) {
        phone
    } else {
        mask_phone(&phone)
    })
}

pub(crate) fn row_of(
    lang: Lang,
    rec: &AppealRecord,
    names: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Row {
    let a = &rec.appeal;
    Row {
        id: a.id,
        code: a.tracking_code.clone(),
        summary: summary(a.title.as_deref(), &a.content),
        badge: status_badge(lang, a, now),
        kind_label: lang.label(a.kind.code(), a.kind.label_zh()),
        category: category_label(names, &a.category),
        unit: rec.org_unit_name.clone(),
        handling: rec.handling_org_unit_name.clone(),
        appellant: appellant_name(lang, rec),
        created: when(a.created_at),
        deadline: a.current_deadline().map(|d| Deadline::new(lang, d, now)),
        urgent: a.urgency == Urgency::Urgent,
        problem: None,
    }
}

/// The list's filter: the API's parameters through the API's own parser, then the
/// worklist's extras. Errors name the parameter.
pub(crate) fn ui_filter(
    state: &AppState,
    actor: &Actor,
    params: &Params,
) -> Result<AppealFilter, Problem> {
    let mut filter = list_filter(actor, params)?;
    let now = state.now();
    if params.str("due") == Some("soon") {
        filter.overdue = Some(false);
        filter.due_before = Some(state.calendar().add_working_days(now, 1));
    }
    filter.feedback_given = match params.str("feedback") {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    Ok(filter)
}

/// `POST /appeals`: the filter form. Its fields become the list's query and the search text
/// an opaque token (`s`, see `Store::save_search`): what a desk types in the search box is
/// often a name or a phone number, and must not land in a URL, a history or a log.
pub(crate) async fn filter(
    State(state): State<AppState>,
    PostForm { session, form }: PostForm,
) -> Result<Response, Failed> {
    let mut pairs: Vec<(String, String)> = form
        .pairs()
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "_csrf" | "q" | "s") && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    if let Some(text) = form.get("q") {
        let token = state
            .store
            .save_search(session.user.id, text, state.now())
            .await
            .map_err(fail(session.lang))?;
        pairs.push(("s".to_string(), token));
    }
    pairs.sort();
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    Ok(see_other(&if query.is_empty() {
        "/appeals".to_string()
    } else {
        format!("/appeals?{query}")
    }))
}

/// The list's parameters with the saved search of `s` read back into `q` (the user's own
/// searches only: someone else's token is as unknown as a made-up one).
pub(crate) async fn with_search(
    state: &AppState,
    session: &Session,
    params: &Params,
) -> Result<Params, Problem> {
    let mut effective = params.0.clone();
    if let Some(token) = params.str("s") {
        let text = state
            .store
            .saved_search(session.user.id, token)
            .await?
            .ok_or_else(|| {
                // The page's own words, already in its language.
                Problem::field_untranslated("s", "search_gone", session.lang.t("list.search_gone"))
            })?;
        effective.insert("q".to_string(), text);
    }
    Ok(Params(effective))
}

/// The current query without `page`, for paging and export links.
fn query_without_page(params: &Params) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .0
        .iter()
        .filter(|(k, v)| k.as_str() != "page" && !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.sort();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// Categories as `<optgroup>`s: the first level, then its second level.
pub(crate) struct CategoryGroup {
    pub code: String,
    pub name: String,
    pub selected: bool,
    pub children: Vec<Choice>,
}

pub(crate) async fn category_groups(
    state: &AppState,
    lang: Lang,
    current: &str,
) -> Result<Vec<CategoryGroup>, UiError> {
    let english = lang == Lang::En;
    let all = state.store.categories().await?;
    let mut groups: Vec<CategoryGroup> = all
        .iter()
        .filter(|c| c.parent_code.is_none())
        .map(|c| CategoryGroup {
            code: c.code.clone(),
            name: c.name_in(english).to_string(),
            selected: c.code == current,
            children: Vec::new(),
        })
        .collect();
    for c in all.iter().filter(|c| c.parent_code.is_some()) {
        if let Some(g) = groups
            .iter_mut()
            .find(|g| Some(&g.code) == c.parent_code.as_ref())
        {
            g.children
                .push(Choice::new(c.code.clone(), c.name_in(english), current));
        }
    }
    Ok(groups)
}

/// The nodes of the actor's subtree down to communities (and a community's own grids),
/// indented by depth.
pub(crate) async fn node_choices(
    state: &AppState,
    actor: &Actor,
    current: &str,
) -> Result<Vec<Choice>, UiError> {
    let units = state.store.org_units().await?;
    let root_depth = actor.org_path.matches('/').count();
    let mut units: Vec<_> = units
        .into_iter()
        // Grids only for a community's own staff: a district would get a thousand of them.
        .filter(|u| {
            let grid_ok = u.kind != OrgKind::Grid
                || u.parent_id == Some(actor.org_unit_id)
                || u.id == actor.org_unit_id;
            grid_ok && in_subtree(&actor.org_path, &u.path)
        })
        .collect();
    units.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(units
        .into_iter()
        .map(|u| {
            let depth = u.path.matches('/').count().saturating_sub(root_depth);
            let indent = "\u{3000}".repeat(depth);
            Choice::new(u.id.to_string(), format!("{indent}{}", u.name), current)
        })
        .collect())
}

/// 属于问题 or not (the list's `in_problem`).
fn in_problem_choices(lang: Lang, current: &str) -> Vec<Choice> {
    vec![
        Choice::new("true", lang.t("list.in_problem"), current),
        Choice::new("false", lang.t("list.in_no_problem"), current),
    ]
}

/// The list's filters that show an error beside their field.
const LIST_FIELDS: &[&str] = &[
    "status", "kind", "category", "org_unit", "urgency", "from", "to", "q", "sort",
];

#[derive(Template)]
#[template(path = "appeals.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    /// The count as shown: exact, or "1000+" past the lists' counting cap.
    total: String,
    page: i64,
    /// The last page, when the count is exact.
    pages: Option<i64>,
    has_next: bool,
    /// Each filter that could not be read, beside its field.
    errors: FieldErrors,
    /// Faults of filters the form has no field for (from an edited link), at the top.
    other_errors: Vec<String>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    urgencies: Vec<Choice>,
    categories: Vec<CategoryGroup>,
    nodes: Vec<Choice>,
    sorts: Vec<Choice>,
    q: String,
    from: String,
    to: String,
    overdue: bool,
    mine: bool,
    /// Only the appeals marked as spam (无效), which the list otherwise leaves out.
    spam: bool,
    /// 属于问题: `true`, `false` or "" (either).
    in_problem: Vec<Choice>,
    /// The query without `page` (for paging and the export link).
    query: String,
}

/// One page of the list as found, and how it stands among the rest.
struct Found {
    rows: Vec<Row>,
    total: i64,
    exact: bool,
    page: i64,
    per_page: i64,
}

impl Default for Found {
    /// Nothing found (the filter could not be read).
    fn default() -> Found {
        Found {
            rows: Vec::new(),
            total: 0,
            exact: true,
            page: 1,
            per_page: 50,
        }
    }
}

/// The appeals `filter` finds in the reader's scope, as rows of the page.
async fn found_rows(
    state: &AppState,
    s: &Session,
    filter: &AppealFilter,
    now: DateTime<Utc>,
) -> crate::app::AppResult<Found> {
    filter_node_in_scope(state, &s.actor, filter.org_unit_id).await?;
    let found = state.store.list_appeals(&s.actor, filter, now).await?;
    let names = crate::app::appeals::category_names(state, s.lang == Lang::En).await?;
    let mut problems =
        crate::app::problems::memberships(state, &found.items.iter().collect::<Vec<_>>()).await?;
    let rows = found
        .items
        .iter()
        .map(|r| Row {
            problem: problems.remove(&r.appeal.id).map(super::problems::belongs),
            ..row_of(s.lang, r, &names, now)
        })
        .collect();
    Ok(Found {
        rows,
        total: found.total,
        exact: found.total_exact,
        page: found.page,
        per_page: found.per_page,
    })
}

pub(crate) async fn list(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let now = state.now();
    let searched = with_search(&state, &s, &params).await;
    let q = searched
        .as_ref()
        .ok()
        .and_then(|p| p.str("q"))
        .unwrap_or("")
        .to_string();
    let filter = searched.and_then(|p| ui_filter(&state, &s.actor, &p));
    let value = |k: &str| params.str(k).unwrap_or("").to_string();
    let (found, errors) = match filter {
        Ok(filter) => {
            let found = found_rows(&state, &s, &filter, now)
                .await
                .map_err(fail(lang))?;
            (found, FieldErrors::new(lang))
        }
        Err(p) => (Found::default(), FieldErrors::from_problem(&p, lang)),
    };
    let Found {
        rows,
        total,
        exact,
        page,
        per_page,
    } = found;
    let per_page = per_page.max(1);
    let pages = exact.then(|| ((total + per_page - 1) / per_page).max(1));
    let has_next = match pages {
        Some(last) => page < last,
        None => rows.len() as i64 == per_page,
    };
    let status = value("status");
    let page_data = ListPage {
        c: s.chrome("appeals"),
        rows,
        total: if exact {
            total.to_string()
        } else {
            format!("{total}+")
        },
        page,
        pages,
        has_next,
        other_errors: errors.other(LIST_FIELDS),
        errors,
        statuses: vocabulary_choices(lang, Status::ALL, Status::code, Status::label_zh, &status),
        kinds: vocabulary_choices(lang, Kind::ALL, Kind::code, Kind::label_zh, &value("kind")),
        urgencies: vocabulary_choices(
            lang,
            Urgency::ALL,
            Urgency::code,
            Urgency::label_zh,
            &value("urgency"),
        ),
        categories: category_groups(&state, lang, &value("category"))
            .await
            .map_err(fail(lang))?,
        nodes: node_choices(&state, &s.actor, &value("org_unit"))
            .await
            .map_err(fail(lang))?,
        sorts: sort_choices(lang, &value("sort")),
        q,
        from: value("from"),
        to: value("to"),
        overdue: params.str("overdue") == Some("true"),
        mine: params.str("assignee") == Some("me"),
        spam: params.str("spam") == Some("true"),
        in_problem: in_problem_choices(lang, &value("in_problem")),
        query: query_without_page(&params),
    };
    render(lang, &page_data)
}

/// The list's orders, `selected` the chosen one.
fn sort_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    vec![
        Choice::new("", lang.t("list.sort_newest"), selected),
        Choice::new("oldest", lang.t("list.sort_oldest"), selected),
        Choice::new("deadline", lang.t("list.sort_deadline"), selected),
        Choice::new("relevance", lang.t("list.sort_relevance"), selected),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_prefer_the_title_and_cut_long_content() {
        assert_eq!(summary(Some(" 水管 "), "x"), "水管");
        assert_eq!(summary(Some(""), "短内容"), "短内容");
        let long = "字".repeat(50);
        let s = summary(None, &long);
        assert_eq!(s.chars().count(), SUMMARY_CHARS + 1);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn categories_read_with_their_first_level() {
        let names: HashMap<String, String> = [
            ("public_facilities", "公共设施"),
            ("public_facilities.water_pipes", "水管"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            category_label(&names, "public_facilities.water_pipes"),
            "公共设施 · 水管"
        );
        assert_eq!(category_label(&names, "public_facilities"), "公共设施");
        assert_eq!(category_label(&names, "unknown.code"), "unknown.code");
    }

    #[test]
    fn paging_links_keep_the_filter_but_not_the_page() {
        let mut m = HashMap::new();
        m.insert("status".to_string(), "registered".to_string());
        m.insert("page".to_string(), "3".to_string());
        m.insert("q".to_string(), "水管 漏水".to_string());
        m.insert("kind".to_string(), " ".to_string());
        let q = query_without_page(&Params(m));
        assert_eq!(
            q,
            "q=%E6%B0%B4%E7%AE%A1+%E6%BC%8F%E6%B0%B4&status=registered"
        );
    }
}
