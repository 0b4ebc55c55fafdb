//! 微心愿: the wishes of the user's area by status (open, claimed, fulfilled), the form that
//! records one (staff), and per wish the buttons the user's role and relation allow
//! (claim, release, fulfil, confirm, cancel). The same use cases as the JSON API
//! (`app::wishes`) make every decision.

use askama::Template;
use axum::extract::State;
use chrono::NaiveDate;
use suqiu_core::access::Capability;
use suqiu_core::calendar::shanghai_date;
use suqiu_core::error::{Msg, Reason};
use suqiu_core::fund::yuan;
use suqiu_core::msg;
use suqiu_core::wishes::{check_new, decide, WishCommand, WishStatus};
use suqiu_core::Id;
use suqiu_store::people_search::Among;
use suqiu_store::wishes::{NewWish, Wish, WishMove};

use super::download;
use super::fund::parse_yuan;
use super::i18n::Lang;
use super::pick::{person_pick, read_picked, PersonPick};
use super::posted::{answer, Posted};
use super::view::{when, Chrome, FieldErrors};
use super::{fail, render, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::app::wishes::{self as app, wisher, wisher_name, EXPORT_MAX};
use crate::state::AppState;

/// The API's field names as the record form calls them.
const RENAMES: &[(&str, &str)] = &[("estimated_cents", "estimate")];

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
    people: PersonPick,
    /// The form that was refused, as typed, with what to fix.
    posted: Posted,
}

async fn wishes_page(state: &AppState, s: &Session, posted: Posted) -> Result<WishesPage, UiError> {
    let board = app::board(state, &s.actor).await?;
    let sections = board
        .sections
        .iter()
        .map(|(status, page)| Section {
            status: status.code(),
            title: s.lang.label(status.code(), status.label_zh()),
            total: page.total,
            rows: page
                .items
                .iter()
                .map(|w| wish_row(s, w, board.histories.get(&w.id)))
                .collect(),
        })
        .collect();
    let may_record = s.may(Capability::ManageCare);
    let people = if may_record {
        person_pick(state, &s.actor, (None, Among::Everyone)).await?
    } else {
        PersonPick::default()
    };
    Ok(WishesPage {
        c: s.chrome("wishes"),
        sections,
        may_record,
        people,
        posted,
    })
}

pub(crate) async fn page(State(state): State<AppState>, s: Session) -> PageResult {
    let p = wishes_page(&state, &s, Posted::none())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &p)
}

/// What the record form posts, as a new wish (the estimate in yuan), with every error
/// at once: the form's own and core's checks of a new wish (`check_new`).
fn wish_of(form: &FormData, today: NaiveDate, lang: Lang) -> Result<NewWish, FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let person_id = form.id("person_id").ok().flatten();
    if person_id.is_none() {
        errors.push(
            "person_id",
            &msg!(
                "wisher_pick",
                "请从列表中选择许愿人",
                "Choose the person making the wish from the list"
            ),
        );
    }
    let estimated_cents = form.get("estimate").and_then(|v| {
        let cents = parse_yuan(v);
        if cents.is_none() {
            errors.push(
                "estimate",
                &msg!(
                    "estimate_shape",
                    "估价应为大于 0 的数字（元），最多两位小数，如 50",
                    "The estimate is a number of yuan above 0 with at most two decimals, e.g. 50"
                ),
            );
        }
        cents
    });
    let deadline = form.get("deadline").and_then(|v| {
        let day = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
        if day.is_none() {
            errors.push(
                "deadline",
                &msg!(
                    "wish_deadline_shape",
                    "期望实现日期应为日期，如 2026-12-31",
                    "The hoped-for date is a date, e.g. 2026-12-31"
                ),
            );
        }
        day
    });
    let wish = form.get("wish").unwrap_or("").to_string();
    for e in check_new(&wish, estimated_cents, deadline, today)
        .err()
        .unwrap_or_default()
    {
        let field = RENAMES
            .iter()
            .find(|(api, _)| *api == e.field)
            .map_or(e.field.clone(), |(_, form)| form.to_string());
        if errors.get(&field).is_empty() {
            errors.push_error(&e.at(field));
        }
    }
    match person_id {
        Some(person_id) if !errors.any() => Ok(NewWish {
            person_id,
            wish,
            estimated_cents,
            deadline,
        }),
        _ => Err(errors),
    }
}

pub(crate) async fn record(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let today = shanghai_date(state.now());
    let from = (None, Among::Everyone);
    let (f, body) = read_picked(&state, &s.actor, (post.form, "person_id"), from, |f| {
        wish_of(f, today, s.lang)
    })
    .await
    .map_err(fail(s.lang))?;
    let save = async |body| app::record(&state, &s.actor, body).await;
    let done = |w: Wish| {
        let flash = Flash::new("flash.wish_recorded")
            .detail(format!("{} · {}", w.person.name, w.wish))
            .next(&format!("/people/{}", w.person.id), "flash.to_wisher");
        ("/wishes".to_string(), flash)
    };
    let again = async |posted| wishes_page(&state, &s, posted).await;
    let form = ("wish".to_string(), f, RENAMES);
    answer((&state, s.lang), form, (body, save), done, again).await
}

/// One of the buttons: `command=claim|release|fulfil|confirm|cancel` (fulfil with `note`).
pub(crate) async fn act(
    State(state): State<AppState>,
    PageId(id): PageId,
    PostForm {
        session: s,
        form: f,
    }: PostForm,
) -> PageResult {
    let Some(cmd) = f.get("command").and_then(WishCommand::parse) else {
        return Err(UiError::BadRequest(Reason::new(&UNKNOWN_COMMAND)).page(s.lang));
    };
    let note = f.get("note").map(str::to_string);
    let save = async |note| app::command(&state, &s.actor, id, cmd, note).await;
    let done = |w: Wish| {
        let flash = Flash::new(&format!("flash.wish_{}", cmd.code())).detail(w.wish);
        ("/wishes".to_string(), flash)
    };
    let again = async |posted| wishes_page(&state, &s, posted).await;
    let form = (format!("{}-{id}", cmd.code()), f, &[][..]);
    answer((&state, s.lang), form, (Ok(note), save), done, again).await
}

const UNKNOWN_COMMAND: Msg = msg!(
    "unknown_wish_command",
    "未知的心愿操作",
    "Unknown action on a wish"
);

/// `GET /wishes.xlsx`: every wish in the user's scope, newest first (staff who keep the
/// register: the names in full).
pub(crate) async fn export(State(state): State<AppState>, s: Session) -> PageResult {
    let lang = s.lang;
    let found = app::export(&state, &s.actor).await.map_err(fail(lang))?;
    let Some(found) = found else {
        return Err(UiError::too_many(EXPORT_MAX).page(lang));
    };
    let built = crate::care_xlsx::wishes(&s.unit_name, &found, state.now());
    download::workbook(lang, "wishes", built, "wishes.xlsx")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_says_what_it_did() {
        for cmd in WishCommand::ALL {
            let key = format!("flash.wish_{}", cmd.code());
            assert_ne!(super::super::i18n::Lang::Zh.t(&key), "?", "{key}");
        }
    }

    #[test]
    fn every_error_of_a_wish_is_named_at_once() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).expect("day");
        let f = FormData::from_pairs(&[("wish", ""), ("estimate", "abc"), ("deadline", "明天")]);
        let e = wish_of(&f, today, Lang::Zh).unwrap_err();
        assert_eq!(e.get("person_id"), "请从列表中选择许愿人");
        assert_eq!(e.get("wish"), "请填写心愿内容");
        assert!(e.get("estimate").contains("元"));
        assert!(e.get("deadline").contains("日期"));
        let f = FormData::from_pairs(&[
            ("person_id", "3"),
            ("wish", "x"),
            ("deadline", "2026-12-01"),
        ]);
        assert_eq!(
            wish_of(&f, today, Lang::Zh).unwrap_err().get("deadline"),
            "期望实现日期不能早于今天"
        );
        let f = FormData::from_pairs(&[
            ("person_id", "3"),
            ("wish", "一台收音机"),
            ("estimate", "50"),
        ]);
        assert_eq!(
            wish_of(&f, today, Lang::Zh).expect("good").estimated_cents,
            Some(5000)
        );
    }
}
