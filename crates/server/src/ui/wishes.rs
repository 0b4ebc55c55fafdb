//! 微心愿: the wishes of the user's area by status (open, claimed, fulfilled), the form that
//! records one (staff), and per wish the buttons the user's role and relation allow
//! (claim, release, fulfil, confirm, cancel). The same shared functions as the JSON API
//! (`routes::wishes`) make every decision.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::fund::yuan;
use suqiu_core::wishes::{decide, WishCommand, WishStatus};
use suqiu_core::Id;
use suqiu_store::people::PeopleFilter;
use suqiu_store::wishes::{Wish, WishFilter, WishMove};

use super::fund::parse_yuan;
use super::view::{when, Choice, Chrome};
use super::{fail, render, see_other, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::problem::Problem;
use crate::routes::wishes::{command_as, record_as, wisher, wisher_name, WishIn};
use crate::state::AppState;

/// Wishes shown per status.
const PER_STATUS: i64 = 100;
/// Most people offered in the record form's list.
const PEOPLE_CHOICES: i64 = 500;

struct Section {
    status: &'static str,
    title: &'static str,
    total: i64,
    rows: Vec<WishRow>,
}

struct WishRow {
    id: Id,
    person: String,
    unit: String,
    wish: String,
    estimate: String,
    deadline: String,
    claimer: String,
    note: String,
    /// Every move so far, oldest first.
    history: Vec<MoveRow>,
    may_claim: bool,
    may_release: bool,
    may_fulfil: bool,
    may_confirm: bool,
    may_cancel: bool,
}

/// A move of a wish's history as shown.
struct MoveRow {
    at: String,
    who: String,
    what: &'static str,
    note: String,
}

fn wish_row(s: &Session, w: &Wish, history: Option<&Vec<WishMove>>) -> WishRow {
    let may = |cmd| decide(w.state(), cmd, wisher(&s.actor)).is_ok();
    let history = history
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, m)| MoveRow {
            at: when(m.at),
            who: m.actor.name.clone(),
            // The first move records the wish; a later move to open is a release.
            what: match (i, m.status) {
                (0, _) => s.lang.t("wish.recorded"),
                (_, WishStatus::Open) => s.lang.t("wish.released"),
                (_, status) => s.lang.label(status.code(), status.label_zh()),
            },
            note: m.note.clone().unwrap_or_default(),
        })
        .collect();
    WishRow {
        history,
        id: w.id,
        person: wisher_name(&s.actor, &w.person.name),
        unit: w.org_unit_name.clone(),
        wish: w.wish.clone(),
        estimate: w.estimated_cents.map(yuan).unwrap_or_default(),
        deadline: w.deadline.map(|d| d.to_string()).unwrap_or_default(),
        claimer: w
            .claimed_by
            .as_ref()
            .map(|n| n.name.clone())
            .unwrap_or_default(),
        note: w.fulfil_note.clone().unwrap_or_default(),
        may_claim: may(WishCommand::Claim),
        may_release: may(WishCommand::Release),
        may_fulfil: may(WishCommand::Fulfil),
        may_confirm: may(WishCommand::Confirm),
        may_cancel: may(WishCommand::Cancel),
    }
}

#[derive(Template)]
#[template(path = "wishes.html")]
struct WishesPage {
    c: Chrome,
    /// Open, claimed, fulfilled: what still needs someone.
    sections: Vec<Section>,
    may_record: bool,
    people: Vec<Choice>,
    error: String,
}

async fn wishes_page(state: &AppState, s: &Session, error: String) -> Result<WishesPage, UiError> {
    if !(s.may(Capability::ReadCare) || s.may(Capability::LogVisit)) {
        return Err(UiError::Forbidden(format!(
            "角色「{}」不能查看微心愿",
            s.actor.role.label_zh()
        )));
    }
    let mut pages = Vec::new();
    for status in [WishStatus::Open, WishStatus::Claimed, WishStatus::Fulfilled] {
        let filter = WishFilter {
            org_unit_id: None,
            status: Some(status),
            page: 1,
            per_page: PER_STATUS,
        };
        pages.push((status, state.store.wishes(&s.actor, &filter).await?));
    }
    let ids: Vec<Id> = pages
        .iter()
        .flat_map(|(_, p)| p.items.iter().map(|w| w.id))
        .collect();
    let histories = state.store.wish_histories(&ids).await?;
    let sections = pages
        .iter()
        .map(|(status, page)| Section {
            status: status.code(),
            title: s.lang.label(status.code(), status.label_zh()),
            total: page.total,
            rows: page
                .items
                .iter()
                .map(|w| wish_row(s, w, histories.get(&w.id)))
                .collect(),
        })
        .collect();
    let may_record = s.may(Capability::ManageCare);
    let people = if may_record {
        let filter = PeopleFilter {
            page: 1,
            per_page: PEOPLE_CHOICES,
            ..PeopleFilter::default()
        };
        state
            .store
            .list_people(&s.actor, &filter)
            .await?
            .items
            .iter()
            .map(|p| Choice::new(p.id.to_string(), p.name.clone(), ""))
            .collect()
    } else {
        Vec::new()
    };
    Ok(WishesPage {
        c: s.chrome("wishes"),
        sections,
        may_record,
        people,
        error,
    })
}

pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    let p = wishes_page(&state, &s, String::new())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &p)
}

/// The page again with what went wrong, and the status of the refusal (422, 409, 403).
async fn refused(state: &AppState, s: &Session, p: Problem) -> PageResult {
    if !matches!(p.status, 403 | 409 | 422) {
        return Err(UiError::from(p).page(s.lang));
    }
    let mut message = p.detail.clone();
    if let Some(e) = p.errors.first() {
        message = e.message.clone();
    }
    let page = wishes_page(state, s, message).await.map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = p.status();
    Ok(res)
}

/// What the record form posts: the API's wish, the estimate in yuan.
fn wish_of(form: &FormData) -> Result<WishIn, Problem> {
    let person_id = form
        .id("person_id")
        .map_err(|field| Problem::field(field, "请选择有效的人员"))?
        .ok_or_else(|| Problem::field("person_id", "请选择许愿人"))?;
    let estimated_cents = match form.get("estimate") {
        None => None,
        Some(v) => Some(parse_yuan(v).ok_or_else(|| {
            Problem::field("estimated_cents", "估价应为大于 0 的数字，最多两位小数")
        })?),
    };
    let deadline = match form.get("deadline") {
        None => None,
        Some(v) => Some(
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| Problem::field("deadline", "日期格式应为 YYYY-MM-DD"))?,
        ),
    };
    Ok(WishIn {
        person_id,
        wish: form.get("wish").unwrap_or("").to_string(),
        estimated_cents,
        deadline,
    })
}

pub(crate) async fn record(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let result = match wish_of(&post.form) {
        Ok(body) => record_as(&state, &s.actor, body).await,
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(see_other("/wishes")),
        Err(p) => refused(&state, &s, p).await,
    }
}

/// One of the buttons: `command=claim|release|fulfil|confirm|cancel` (fulfil with `note`).
pub(crate) async fn act(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let Some(cmd) = post.form.get("command").and_then(WishCommand::parse) else {
        return Err(UiError::BadRequest("未知的心愿操作".into()).page(s.lang));
    };
    let note = post.form.get("note").map(str::to_string);
    match command_as(&state, &s.actor, id, cmd, note).await {
        Ok(_) => Ok(see_other("/wishes")),
        Err(p) => refused(&state, &s, p).await,
    }
}

/// Most wishes one workbook holds.
const EXPORT_MAX: i64 = 10_000;

/// `GET /wishes.xlsx`: every wish in the user's scope, newest first (staff who keep the
/// register: the names in full).
pub(crate) async fn export(State(state): State<AppState>, s: Session) -> PageResult {
    let lang = s.lang;
    if !s.may(Capability::ManageCare) {
        return Err(UiError::Forbidden(lang.t("care.forbidden").into()).page(lang));
    }
    let filter = WishFilter {
        org_unit_id: None,
        status: None,
        page: 1,
        per_page: EXPORT_MAX,
    };
    let found = state
        .store
        .wishes(&s.actor, &filter)
        .await
        .map_err(fail(lang))?;
    if found.total > EXPORT_MAX {
        return Err(UiError::BadRequest(lang.t("list.too_many").into()).page(lang));
    }
    let bytes = crate::care_xlsx::wishes(&s.unit_name, &found.items, state.now()).map_err(|e| {
        tracing::error!(error = %e, "wishes export failed");
        UiError::Internal.page(lang)
    })?;
    Ok(crate::xlsx::download(bytes, "wishes.xlsx"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_estimate_or_deadline_names_the_field() {
        let f = FormData::from_pairs(&[("person_id", "3"), ("wish", "x"), ("estimate", "abc")]);
        assert_eq!(wish_of(&f).unwrap_err().errors[0].field, "estimated_cents");
        let f = FormData::from_pairs(&[("person_id", "3"), ("deadline", "明天")]);
        assert_eq!(wish_of(&f).unwrap_err().errors[0].field, "deadline");
        let f = FormData::from_pairs(&[("wish", "x")]);
        assert_eq!(wish_of(&f).unwrap_err().errors[0].field, "person_id");
    }
}
