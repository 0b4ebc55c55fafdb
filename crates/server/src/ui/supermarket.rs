//! 爱心超市: a station's items and their stock, forms to add an item, take stock in and
//! hand it out to someone on the register, and the month's statement (with its Excel
//! download). The use cases and their decisions are `app::supermarket`'s.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::msg;
use suqiu_core::supermarket::{check_movement, NewItem, NewMovement};
use suqiu_core::Id;
use suqiu_store::people_search::Among;
use suqiu_store::supermarket::{Item, Movement, Statement};

use super::i18n::Lang;
use super::page_node;
use super::pick::{person_pick, read_picked, PersonPick};
use super::posted::{answer, Posted};
use super::view::{when, Choice, Chrome, FieldErrors};
use super::{fail, render, Flash, FormData, PageResult, PostForm, Session, UiError};
use crate::app::supermarket as app;
use crate::extract::Params;
use crate::state::AppState;

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
    /// The items as the hand-out form's choices (with their stock).
    item_choices: Vec<Choice>,
    movements: Vec<MovementRow>,
    people: PersonPick,
    may_manage: bool,
    /// The form that was refused, as typed, with what to fix.
    posted: Posted,
}

fn item_rows(st: &Statement) -> Vec<ItemRow> {
    st.items
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
        .collect()
}

fn movement_rows(lang: Lang, st: &Statement) -> Vec<MovementRow> {
    let (open, close) = (lang.t("punct.lparen"), lang.t("punct.rparen"));
    st.movements
        .iter()
        .map(|m| MovementRow {
            when: when(m.created_at),
            item: format!("{}{open}{}{close}", m.item_name, m.unit),
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
        .collect()
}

async fn market_page(
    state: &AppState,
    s: &Session,
    org_unit_id: Id,
    month: Option<&str>,
    posted: Posted,
) -> Result<SupermarketPage, UiError> {
    let month = crate::app::month(state, month).map_err(UiError::Invalid)?;
    let st = app::statement(state, &s.actor, Some(org_unit_id), month).await?;
    let stations = app::stations(state, &s.actor)
        .await?
        .into_iter()
        .map(|u| Choice::new(u.id.to_string(), u.name, &org_unit_id.to_string()))
        .collect();
    let may_manage = s.may(Capability::ManageCare);
    let people = if may_manage {
        person_pick(state, &s.actor, (Some(st.unit.id), Among::Everyone)).await?
    } else {
        PersonPick::default()
    };
    let (stock, open, close) = (
        s.lang.t("market.stock"),
        s.lang.t("punct.lparen"),
        s.lang.t("punct.rparen"),
    );
    Ok(SupermarketPage {
        c: s.chrome("supermarket"),
        org_unit_id: st.unit.id,
        unit_name: st.unit.name.clone(),
        month: st.month.to_string(),
        stations,
        item_choices: st
            .items
            .iter()
            .map(|(i, _)| {
                let label = format!("{}{open}{stock} {} {}{close}", i.name, i.stock, i.unit);
                Choice::new(i.id.to_string(), label, "")
            })
            .collect(),
        items: item_rows(&st),
        movements: movement_rows(s.lang, &st),
        people,
        may_manage,
        posted,
    })
}

/// The supermarket of `org_unit` (default: the user's node) for `month` (default: now).
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let p = market_page(&state, &s, org_unit_id, params.str("month"), Posted::none())
        .await
        .map_err(fail(lang))?;
    render(lang, &p)
}

/// The station a form posts for (default: the user's node).
fn station_of(f: &FormData, s: &Session) -> Id {
    f.id("org_unit_id")
        .ok()
        .flatten()
        .unwrap_or(s.actor.org_unit_id)
}

pub(crate) async fn add_item(State(state): State<AppState>, post: PostForm) -> PageResult {
    let (s, f) = (post.session, post.form);
    let org_unit_id = station_of(&f, &s);
    let new = NewItem {
        org_unit_id,
        name: f.raw("name"),
        unit: f.raw("unit"),
    };
    let save = async |new| app::add_item(&state, &s.actor, new).await;
    let done = |item: Item| {
        let back = format!("/supermarket?org_unit={org_unit_id}");
        let flash = Flash::new("flash.item_added")
            .detail(format!(
                "{}{}{}{}",
                item.name,
                s.lang.t("punct.lparen"),
                item.unit,
                s.lang.t("punct.rparen")
            ))
            .next(&format!("{back}#move-item-id"), "market.move");
        (back, flash)
    };
    let again = async |posted| market_page(&state, &s, org_unit_id, None, posted).await;
    let form = ("item".to_string(), f, &[][..]);
    answer((&state, s.lang), form, (Ok(new), save), done, again).await
}

/// The hand-out form as a movement, every field checked at once: the form asks for
/// a count, the direction gives its sign.
fn movement_of(f: &FormData, lang: Lang) -> Result<NewMovement, FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let item_id = f.id("item_id").ok().flatten();
    if item_id.is_none() {
        errors.push(
            "item_id",
            &msg!("item_pick", "请选择物品", "Choose the item"),
        );
    }
    let count = f
        .get("quantity")
        .map(|q| q.parse::<i64>().ok().filter(|q| *q > 0));
    match count {
        None => errors.push(
            "quantity",
            &msg!("quantity_empty", "请填写数量", "Enter the quantity"),
        ),
        Some(None) => errors.push(
            "quantity",
            &msg!(
                "quantity_shape",
                "数量应为正整数，如 2",
                "The quantity is a whole number above 0, e.g. 2"
            ),
        ),
        Some(Some(_)) => {}
    }
    let sign = match f.get("direction") {
        Some("in") => 1,
        Some("out") => -1,
        _ => {
            errors.push(
                "direction",
                &msg!(
                    "direction_pick",
                    "请选择入库或发放",
                    "Choose stock in or hand out"
                ),
            );
            0
        }
    };
    let person_id = match f.id("person_id") {
        Ok(id) => id,
        Err(_) => {
            errors.push(
                "person_id",
                &msg!(
                    "recipient_pick",
                    "请从列表中选择领取人",
                    "Choose the recipient from the list"
                ),
            );
            None
        }
    };
    // Whether a hand-out names its recipient is core's rule (the API's too).
    if sign < 0 {
        if let Err(e) = check_movement(-1, person_id) {
            errors.push_error(&e);
        }
    }
    match (item_id, count.flatten()) {
        (Some(item_id), Some(count)) if !errors.any() => Ok(NewMovement {
            item_id,
            quantity: sign * count,
            person_id,
            note: f.get("note").unwrap_or("").to_string(),
        }),
        _ => Err(errors),
    }
}

/// Stock in (`direction=in`) or hand out (`direction=out`, to `person_id`).
pub(crate) async fn move_stock(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let org_unit_id = station_of(&post.form, &s);
    let from = (Some(org_unit_id), Among::Everyone);
    let (f, body) = read_picked(&state, &s.actor, (post.form, "person_id"), from, |f| {
        movement_of(f, s.lang)
    })
    .await
    .map_err(fail(s.lang))?;
    let save = async |body| app::move_stock(&state, &s.actor, body).await;
    let done = |m: Movement| {
        let back = format!("/supermarket?org_unit={org_unit_id}");
        let what = format!("{} × {} {}", m.item_name, m.quantity.abs(), m.unit);
        let flash = match &m.person {
            Some(p) => Flash::new("flash.handed_out")
                .detail(format!("{what} · {}", p.name))
                .next(&format!("/people/{}", p.id), "flash.to_person"),
            None => Flash::new("flash.stocked_in").detail(what),
        };
        (back, flash)
    };
    let again = async |posted| market_page(&state, &s, org_unit_id, None, posted).await;
    let form = ("move".to_string(), f, &[][..]);
    answer((&state, s.lang), form, (body, save), done, again).await
}
