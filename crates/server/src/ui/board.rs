//! 公开栏管理 (`/board/items`): the 党务公开 items of the user's subtree with their record, a
//! form to publish one on the user's own node's board, and 撤回 for each one still shown.
//! Linked from the statistics section and from the public board. The use cases are
//! `app::board::items`'s.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::board::{keeps_board, ItemCategory, ItemDraft};
use suqiu_core::display::time;
use suqiu_core::org::in_subtree;
use suqiu_core::Id;
use suqiu_store::board::Item;

use super::i18n::Lang;
use super::page_node;
use super::posted::{answer, Posted};
use super::view::{vocabulary_choices, Choice, Chrome, FieldErrors};
use super::{fail, render, saved, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::app::board::items as app;
use crate::extract::Params;
use crate::state::AppState;

/// Items on one page of the list.
const PER_PAGE: i64 = 50;
/// The form's name in [`Posted`].
const FORM: &str = "item";

struct ItemRow {
    id: Id,
    node: String,
    category: &'static str,
    title: String,
    body: String,
    date: String,
    published: String,
    /// Who withdrew it, when ("" while shown).
    withdrawn: String,
}

#[derive(Template)]
#[template(path = "board_items.html")]
struct ItemsPage {
    c: Chrome,
    node_code: String,
    /// The nodes whose items the list can show (the user's subtree, grids aside).
    nodes: Vec<Choice>,
    rows: Vec<ItemRow>,
    total: i64,
    /// The user publishes here (its own node, if that keeps a board).
    own_node: Option<String>,
    categories: Vec<Choice>,
    today: String,
    posted: Posted,
}

fn row(lang: Lang, i: &Item) -> ItemRow {
    let stamp = |s: &suqiu_core::board::Stamp| format!("{} {}", s.name, time(s.at));
    ItemRow {
        id: i.id,
        node: i.org_unit_name.clone(),
        category: lang.label(i.item.category.code(), i.item.category.label_zh()),
        title: i.item.title.clone(),
        body: i.item.body.clone(),
        date: i.item.dated.to_string(),
        published: stamp(&i.published),
        withdrawn: i.withdrawn.as_ref().map(stamp).unwrap_or_default(),
    }
}

async fn items_page(
    state: &AppState,
    s: &Session,
    node: Option<Id>,
    posted: Posted,
) -> Result<ItemsPage, UiError> {
    let lang = s.lang;
    let (node, page) = app::list(state, &s.actor, node, (1, PER_PAGE)).await?;
    let units = state.store.org_units().await?;
    let current = node.id.to_string();
    let nodes = units
        .iter()
        .filter(|u| keeps_board(u.kind) && in_subtree(&s.actor.org_path, &u.path))
        .map(|u| Choice::new(u.id.to_string(), u.name.clone(), &current))
        .collect();
    let own = units.iter().find(|u| u.id == s.actor.org_unit_id);
    let own_node = own
        .filter(|u| keeps_board(u.kind) && s.may(Capability::Publish))
        .map(|u| u.name.clone());
    Ok(ItemsPage {
        c: s.chrome("board_items"),
        node_code: node.code.clone(),
        nodes,
        rows: page.items.iter().map(|i| row(lang, i)).collect(),
        total: page.total,
        own_node,
        categories: vocabulary_choices(
            lang,
            ItemCategory::ALL,
            ItemCategory::code,
            ItemCategory::label_zh,
            "",
        ),
        today: suqiu_core::calendar::shanghai_date(state.now()).to_string(),
        posted,
    })
}

/// `GET /board/items?org_unit=`: the list (default: the user's node) and the form.
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let node = page_node(&state, &s, &params).await?.id;
    let p = items_page(&state, &s, Some(node), Posted::none())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &p)
}

/// The form as an item; a date that does not parse is named before anything is decided.
fn draft_of(f: &FormData, lang: Lang) -> Result<ItemDraft, FieldErrors> {
    let dated = match f.get("date") {
        None => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let mut errors = FieldErrors::new(lang);
                errors.push("date", &suqiu_core::error::DATE_SHAPE);
                return Err(errors);
            }
        },
    };
    Ok(ItemDraft {
        title: f.raw("title"),
        body: f.raw("body"),
        category: f.get("category").and_then(ItemCategory::parse),
        dated,
    })
}

/// `POST /board/items`: publishes on the user's own node's board; refused, the form again as
/// typed with what to fix.
pub(crate) async fn publish(State(state): State<AppState>, post: PostForm) -> PageResult {
    let (s, f) = (post.session, post.form);
    let body = draft_of(&f, s.lang);
    let save = async |draft| app::publish(&state, &s.actor, None, draft).await;
    let done = |item: Item| {
        let flash = Flash::new("flash.item_published")
            .detail(item.item.title.clone())
            .next(&format!("/p/board/{}", item.org_unit_code), "board.view");
        ("/board/items".to_string(), flash)
    };
    let again = async |posted| items_page(&state, &s, None, posted).await;
    answer(
        (&state, s.lang),
        (FORM.to_string(), f, &[][..]),
        (body, save),
        done,
        again,
    )
    .await
}

/// `POST /board/items/{id}/withdraw`.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let item = app::withdraw(&state, &s.actor, id)
        .await
        .map_err(fail(s.lang))?;
    let back = format!("/board/items?org_unit={}", item.org_unit_id);
    let flash = Flash::new("flash.item_withdrawn").detail(item.item.title.clone());
    Ok(saved(&state, &back, flash))
}
