//! 爱心超市: a station's items and their stock, forms to add an item, take stock in and
//! hand it out to someone on the register, and the month's statement (with its Excel
//! download). Decisions are the API's (`routes::supermarket`).

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::fund::keeps_ledger;
use suqiu_core::org::in_subtree;
use suqiu_core::Id;
use suqiu_store::people::PeopleFilter;

use super::page_node;
use super::view::{when, Choice, Chrome};
use super::{fail, render, see_other, PageResult, PostForm, Session, UiError};
use crate::extract::Params;
use crate::problem::Problem;
use crate::routes::supermarket::{create_item_as, month_param, move_stock_as, ItemIn, MovementIn};
use crate::state::AppState;

/// Most people offered in the hand-out form's list.
const PEOPLE_CHOICES: i64 = 500;

struct ItemRow {
    id: Id,
    name: String,
    unit: String,
    stock: i64,
    opening: i64,
    stock_in: i64,
    handed_out: i64,
    closing: i64,
}

struct MovementRow {
    when: String,
    item: String,
    quantity: i64,
    stock_after: i64,
    person: String,
    by: String,
    note: String,
}

#[derive(Template)]
#[template(path = "supermarket.html")]
struct SupermarketPage {
    c: Chrome,
    org_unit_id: Id,
    unit_name: String,
    month: String,
    stations: Vec<Choice>,
    items: Vec<ItemRow>,
    movements: Vec<MovementRow>,
    people: Vec<Choice>,
    may_manage: bool,
    error: String,
}

async fn market_page(
    state: &AppState,
    s: &Session,
    org_unit_id: Id,
    month: Option<&str>,
    error: String,
) -> Result<SupermarketPage, UiError> {
    if !s.may(Capability::ReadCare) {
        return Err(UiError::Forbidden(format!(
            "角色「{}」不能查看爱心超市",
            s.actor.role.label_zh()
        )));
    }
    let mut errors = Vec::new();
    let month = month_param(state, month, &mut errors)
        .ok_or_else(|| UiError::BadRequest("月份格式应为 YYYY-MM".into()))?;
    let st = state
        .store
        .supermarket_statement(&s.actor, org_unit_id, month)
        .await?;
    let stations = state
        .store
        .org_units()
        .await?
        .into_iter()
        .filter(|u| keeps_ledger(u.kind) && in_subtree(&s.actor.org_path, &u.path))
        .map(|u| Choice::new(u.id.to_string(), u.name, &org_unit_id.to_string()))
        .collect();
    let may_manage = s.may(Capability::ManageCare);
    let people = if may_manage {
        let filter = PeopleFilter {
            org_unit_id: Some(st.unit.id),
            page: 1,
            per_page: PEOPLE_CHOICES,
            ..PeopleFilter::default()
        };
        state
            .store
            .list_people(&s.actor, &filter)
            .await?
            .items
            .into_iter()
            .map(|p| Choice::new(p.id.to_string(), p.name, ""))
            .collect()
    } else {
        Vec::new()
    };
    Ok(SupermarketPage {
        c: s.chrome("supermarket"),
        org_unit_id: st.unit.id,
        unit_name: st.unit.name.clone(),
        month: st.month.to_string(),
        stations,
        items: st
            .items
            .iter()
            .map(|(i, m)| ItemRow {
                id: i.id,
                name: i.name.clone(),
                unit: i.unit.clone(),
                stock: i.stock,
                opening: m.opening,
                stock_in: m.stock_in,
                handed_out: m.handed_out,
                closing: m.closing(),
            })
            .collect(),
        movements: st
            .movements
            .iter()
            .map(|m| MovementRow {
                when: when(m.created_at),
                item: format!(
                    "{}{}{}{}",
                    m.item_name,
                    s.lang.t("punct.lparen"),
                    m.unit,
                    s.lang.t("punct.rparen")
                ),
                quantity: m.quantity,
                stock_after: m.stock_after,
                person: m
                    .person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                by: m.created_by.name.clone(),
                note: m.note.clone(),
            })
            .collect(),
        people,
        may_manage,
        error,
    })
}

/// The supermarket of `org_unit` (default: the user's node) for `month` (default: now).
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let p = market_page(&state, &s, org_unit_id, params.str("month"), String::new())
        .await
        .map_err(fail(lang))?;
    render(lang, &p)
}

/// The page again with what went wrong, and the status of the refusal.
async fn refused(state: &AppState, s: &Session, org_unit_id: Id, p: Problem) -> PageResult {
    if !matches!(p.status, 403 | 409 | 422) {
        return Err(UiError::from(p).page(s.lang));
    }
    let message = p
        .errors
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_else(|| p.detail.clone());
    let page = market_page(state, s, org_unit_id, None, message)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = p.status();
    Ok(res)
}

pub(crate) async fn add_item(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let org_unit_id = post
        .form
        .id("org_unit_id")
        .ok()
        .flatten()
        .unwrap_or(s.actor.org_unit_id);
    let body = ItemIn {
        org_unit_id,
        name: post.form.get("name").unwrap_or("").to_string(),
        unit: post.form.get("unit").unwrap_or("").to_string(),
    };
    match create_item_as(&state, &s.actor, body).await {
        Ok(_) => Ok(see_other(&format!("/supermarket?org_unit={org_unit_id}"))),
        Err(p) => refused(&state, &s, org_unit_id, p).await,
    }
}

/// Stock in (`direction=in`) or hand out (`direction=out`, to `person_id`): the form asks
/// for a count, the direction gives its sign.
pub(crate) async fn move_stock(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let f = &post.form;
    let org_unit_id = f
        .id("org_unit_id")
        .ok()
        .flatten()
        .unwrap_or(s.actor.org_unit_id);
    let body = (|| {
        let item_id = f
            .id("item_id")
            .ok()
            .flatten()
            .ok_or_else(|| Problem::field("item_id", "请选择物品"))?;
        let count = f
            .get("quantity")
            .and_then(|q| q.parse::<i64>().ok())
            .filter(|q| *q > 0)
            .ok_or_else(|| Problem::field("quantity", "数量应为正整数"))?;
        let quantity = match f.get("direction") {
            Some("in") => count,
            Some("out") => -count,
            _ => return Err(Problem::field("direction", "请选择入库或发放")),
        };
        let person_id = f
            .id("person_id")
            .map_err(|field| Problem::field(field, "请选择领取人"))?;
        Ok(MovementIn {
            item_id,
            quantity,
            person_id,
            note: f.get("note").unwrap_or("").to_string(),
        })
    })();
    let result = match body {
        Ok(body) => move_stock_as(&state, &s.actor, body).await.map(|_| ()),
        Err(p) => Err(p),
    };
    match result {
        Ok(()) => Ok(see_other(&format!("/supermarket?org_unit={org_unit_id}"))),
        Err(p) => refused(&state, &s, org_unit_id, p).await,
    }
}
