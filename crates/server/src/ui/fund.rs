//! 助困基金: a ledger's balance and entries, the forms that post donations, grants and
//! transfers, the grants waiting for this user's approval, reversals, the Excel ledger,
//! and the printable A4 grant voucher (助困金发放凭证). A thin adapter over the same use
//! cases as the JSON API (`app::fund`): it parses forms, calls them and renders.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::error::Msg;
use suqiu_core::fund::{capitals, check, level_label, yuan, EntryKind, EntryStatus, NewEntry};
use suqiu_core::msg;
use suqiu_core::Id;
use suqiu_store::fund::Entry;

use super::i18n::Lang;
use super::pick::{person_pick, read_picked, PersonPick};
use super::posted::{answer, Posted};
use super::view::{when, Choice, Chrome, FieldErrors};
use super::{fail, render, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::app::fund::{self as uc, Decision, EntryInput, NO_SUCH_APPEAL};
use crate::extract::Params;
use crate::state::AppState;
use suqiu_core::error::Reason;
use suqiu_store::people_search::Among;

/// Entries per page of the ledger.
const PER_PAGE: i64 = 100;
/// The API's field names as the fund's forms call them.
const RENAMES: &[(&str, &str)] = &[("amount_cents", "amount"), ("appeal_id", "appeal_code")];

/// Yuan as typed (`1000`, `1,000.5`, `¥80`) in cents; `None` unless a positive amount with
/// at most two decimals.
pub(crate) fn parse_yuan(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac).filter(|c| *c > 0)
}

struct EntryRow {
    id: Id,
    when: String,
    kind: &'static str,
    status: &'static str,
    pending: bool,
    rejected: bool,
    amount: String,
    delta: String,
    unit: String,
    person: String,
    appeal: String,
    by: String,
    decided: String,
    note: String,
    voucher: bool,
    reversible: bool,
    reversed: bool,
    may_decide: bool,
}

fn entry_row(lang: Lang, e: &Entry, may_manage: bool, may_decide: bool) -> EntryRow {
    let posted = e.status == EntryStatus::Posted;
    let mut note = e.note.clone();
    if let Some(reason) = &e.decision_note {
        note = format!("{note}（{reason}）");
    }
    if let Some(c) = &e.counterpart {
        note = format!("{} {} {note}", lang.t("fund.counterpart"), c.name);
    }
    EntryRow {
        id: e.id,
        when: when(e.posted_at.unwrap_or(e.created_at)),
        kind: lang.label(e.kind.code(), e.kind.label_zh()),
        status: lang.label(e.status.code(), e.status.label_zh()),
        pending: e.status == EntryStatus::Pending,
        rejected: e.status == EntryStatus::Rejected,
        amount: yuan(e.amount_cents),
        delta: if posted {
            yuan(e.delta_cents)
        } else {
            "—".into()
        },
        unit: e.org_unit_name.clone(),
        person: e
            .person
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        appeal: e.appeal_tracking_code.clone().unwrap_or_default(),
        by: e.created_by.name.clone(),
        decided: e
            .decided_by
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        note,
        voucher: posted && e.kind == EntryKind::Grant,
        reversible: may_manage
            && posted
            && e.reversed_by.is_none()
            && matches!(e.kind, EntryKind::Donation | EntryKind::Grant),
        reversed: e.reversed_by.is_some(),
        may_decide,
    }
}

#[derive(Template)]
#[template(path = "fund.html")]
struct FundPage {
    c: Chrome,
    org_unit_id: Id,
    unit_name: String,
    balance: String,
    ledgers: Vec<Choice>,
    rows: Vec<EntryRow>,
    total: i64,
    pending: Vec<EntryRow>,
    may_manage: bool,
    people: PersonPick,
    transfer_to: Vec<Choice>,
    /// The form that was refused, as typed, with what to fix.
    posted: Posted,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
}

async fn fund_page(
    state: &AppState,
    s: &Session,
    org_unit: Option<Id>,
    page: i64,
    posted: Posted,
) -> Result<FundPage, UiError> {
    let lang = s.lang;
    let ledger = uc::ledger(state, &s.actor, org_unit, (page, PER_PAGE)).await?;
    let may_manage = s.may(Capability::ManageCare);
    let rows = ledger
        .entries
        .items
        .iter()
        .map(|e| entry_row(lang, e, may_manage, false))
        .collect();
    let pending = uc::pending(state, &s.actor)
        .await?
        .iter()
        .map(|(e, may)| entry_row(lang, e, false, *may))
        .collect();
    let unit = &ledger.unit;
    let (open, to) = uc::ledgers(state, &s.actor, unit).await?;
    let choice = |u: &suqiu_core::org::OrgUnit, selected: &str| {
        Choice::new(u.id.to_string(), u.name.clone(), selected)
    };
    let people = if may_manage {
        person_pick(state, &s.actor, (Some(unit.id), Among::Everyone)).await?
    } else {
        PersonPick::default()
    };
    let link = |p: i64| format!("/fund?org_unit={}&page={p}", unit.id);
    let total = ledger.entries.total;
    Ok(FundPage {
        c: s.chrome("fund"),
        org_unit_id: unit.id,
        unit_name: unit.name.clone(),
        balance: yuan(ledger.balance_cents),
        ledgers: open
            .iter()
            .map(|u| choice(u, &unit.id.to_string()))
            .collect(),
        rows,
        total,
        pending,
        may_manage,
        people,
        transfer_to: to.iter().map(|u| choice(u, "")).collect(),
        posted,
        page,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page * PER_PAGE < total).then(|| link(page + 1)),
    })
}

/// The fund page of `org_unit` (default: the user's own node).
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let org_unit = match params.str("org_unit").map(str::parse::<Id>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Err(UiError::NotFound.page(lang)),
    };
    let page = params
        .str("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let p = fund_page(&state, &s, org_unit, page, Posted::none())
        .await
        .map_err(fail(lang))?;
    render(lang, &p)
}

/// Which of the page's forms posted `kind` (each reversal has its row's own form).
fn form_name(form: &FormData) -> String {
    match form.get("kind") {
        Some("reversal") => format!("reverse-{}", form.get("reverses").unwrap_or("")),
        Some(kind) => kind.to_string(),
        None => String::new(),
    }
}

/// What the fund page's forms post, as the use case's entry (amounts in yuan, the appeal by
/// its tracking code), with every error of the form at once: the form's own (an amount that
/// is not one) and the rules' checks of the same entry (`suqiu_core::fund::check`).
fn entry_of(form: &FormData, lang: Lang) -> Result<EntryInput, FieldErrors> {
    let mut errors = FieldErrors::new(lang);
    let kind = form.get("kind").and_then(EntryKind::parse);
    let amount_cents = form.get("amount").map(|v| {
        parse_yuan(v).unwrap_or_else(|| {
            errors.push(
                "amount",
                &msg!("amount_shape", "金额应为大于 0 的数字（元），最多两位小数，如 200 或 80.5", "The amount is a number of yuan above 0 with at most two decimals, e.g. 200 or 80.5"),
            );
            // Stands in for the amount so the other fields are still checked.
            1
        })
    });
    let mut id = |key: &str, msg: &Msg| {
        form.id(key).unwrap_or_else(|_| {
            errors.push(key, msg);
            None
        })
    };
    let entry = NewEntry {
        org_unit_id: id(
            "org_unit_id",
            &msg!("ledger_pick", "请选择基金账户", "Choose the fund account"),
        )
        .unwrap_or(0),
        kind: kind.unwrap_or(EntryKind::Donation),
        amount_cents,
        person_id: id(
            "person_id",
            &msg!(
                "grant_recipient_pick",
                "请从列表中选择受助人",
                "Choose the recipient from the list"
            ),
        ),
        appeal_id: None,
        reverses: id(
            "reverses",
            &msg!(
                "reversed_entry_pick",
                "请指明要冲正的记录",
                "Say which entry to reverse"
            ),
        ),
        to_org_unit_id: id(
            "to_org_unit_id",
            &msg!(
                "transfer_target_needed",
                "请选择划入的账户",
                "Choose the account to transfer to"
            ),
        ),
        note: form.get("note").unwrap_or("").to_string(),
    };
    if kind.is_none() {
        errors.push(
            "kind",
            &msg!(
                "entry_kind_unknown",
                "未知的收支类型",
                "Unknown kind of entry"
            ),
        );
    }
    for e in check(&entry) {
        let field = RENAMES
            .iter()
            .find(|(api, _)| *api == e.field)
            .map_or(e.field.clone(), |(_, form)| form.to_string());
        if errors.get(&field).is_empty() {
            errors.push_error(&e.at(field));
        }
    }
    if errors.any() {
        return Err(errors);
    }
    let appeal_code = form.get("appeal_code").map(str::to_string);
    Ok(EntryInput { entry, appeal_code })
}

/// What a saved entry says, and where to go next.
fn flash_of(e: &Entry) -> Flash {
    let amount = yuan(e.amount_cents);
    match (e.kind, e.status) {
        (EntryKind::Grant, EntryStatus::Pending) => {
            Flash::new("flash.grant_pending").detail(format!("{amount} · {}", person_name(e)))
        }
        (EntryKind::Grant, _) => Flash::new("flash.grant_posted")
            .detail(format!("{amount} · {}", person_name(e)))
            .next(&format!("/fund/entries/{}/voucher", e.id), "fund.voucher"),
        (EntryKind::Donation, _) => Flash::new("flash.donation_posted").detail(amount),
        (EntryKind::Transfer, _) => Flash::new("flash.transfer_posted").detail(amount),
        (EntryKind::Reversal, _) => Flash::new("flash.reversal_posted").detail(amount),
    }
}

fn person_name(e: &Entry) -> String {
    e.person
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

pub(crate) async fn post(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let org_unit_id = post
        .form
        .id("org_unit_id")
        .ok()
        .flatten()
        .unwrap_or(s.actor.org_unit_id);
    let form = form_name(&post.form);
    let from = (Some(org_unit_id), Among::Everyone);
    let (f, body) = read_picked(&state, &s.actor, (post.form, "person_id"), from, |f| {
        entry_of(f, s.lang)
    })
    .await
    .map_err(fail(s.lang))?;
    let body = match body {
        // The tracking code needs the store: said with the form's other errors.
        Err(mut errors) => match f.get("appeal_code") {
            Some(code) => {
                let found = uc::appeal_by_code(&state, code)
                    .await
                    .map_err(fail(s.lang))?;
                if found.is_none() {
                    errors.push("appeal_code", &NO_SUCH_APPEAL);
                }
                Err(errors)
            }
            None => Err(errors),
        },
        body => body,
    };
    let save = async |input| uc::post_entry(&state, &s.actor, input).await;
    let done = |e: Entry| (format!("/fund?org_unit={org_unit_id}"), flash_of(&e));
    let again = async |posted| fund_page(&state, &s, Some(org_unit_id), 1, posted).await;
    let form = (form, f, RENAMES);
    answer((&state, s.lang), form, (body, save), done, again).await
}

/// Approve (`decision=approve`) or reject (with `reason`) a waiting grant.
pub(crate) async fn decide(
    State(state): State<AppState>,
    PageId(id): PageId,
    PostForm {
        session: s,
        form: f,
    }: PostForm,
) -> PageResult {
    let back = f.id("back").ok().flatten().unwrap_or(s.actor.org_unit_id);
    let decision = match f.get("decision") {
        Some("approve") => Decision::Approve,
        Some("reject") => Decision::Reject(f.get("reason").unwrap_or("").to_string()),
        _ => {
            return Err(UiError::BadRequest(Reason::new(&msg!(
                "unknown_decision",
                "未知的审批操作",
                "Unknown decision"
            )))
            .page(s.lang))
        }
    };
    let rejected = matches!(decision, Decision::Reject(_));
    let save = async |decision| uc::decide(&state, &s.actor, id, decision).await;
    let done = |e: Entry| {
        let key = if rejected {
            "flash.grant_rejected"
        } else {
            "flash.grant_approved"
        };
        let flash =
            Flash::new(key).detail(format!("{} · {}", yuan(e.amount_cents), person_name(&e)));
        (format!("/fund?org_unit={back}"), flash)
    };
    let again = async |posted| fund_page(&state, &s, Some(back), 1, posted).await;
    let form = format!("{}-{id}", if rejected { "reject" } else { "approve" });
    let form = (form, f, &[][..]);
    answer((&state, s.lang), form, (Ok(decision), save), done, again).await
}

#[derive(Template)]
#[template(path = "voucher.html")]
struct VoucherPage {
    c: Chrome,
    id: Id,
    org_unit_id: Id,
    unit: String,
    date: String,
    recipient: String,
    phone: String,
    id_number: String,
    amount: String,
    capitals: String,
    note: String,
    appeal: String,
    level: &'static str,
    handler: String,
    approver: String,
    approved_at: String,
    reversed: bool,
}

/// The printable voucher of a posted grant: recipient (numbers masked unless the role may
/// see them), amount in figures and capitals, who handled and who approved, lines to sign.
pub(crate) async fn voucher(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
) -> PageResult {
    let lang = s.lang;
    let uc::Voucher {
        entry: e,
        phone,
        id_number,
    } = uc::voucher(&state, &s.actor, id)
        .await
        .map_err(|e| UiError::from(e).page(lang))?;
    let page = VoucherPage {
        c: s.chrome("fund"),
        id: e.id,
        org_unit_id: e.org_unit_id,
        unit: e.org_unit_name.clone(),
        date: e.posted_at.map(when).unwrap_or_default(),
        recipient: e
            .person
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        phone,
        id_number,
        amount: yuan(e.amount_cents),
        capitals: match lang {
            Lang::Zh => capitals(e.amount_cents),
            Lang::En => super::i18n::amount_in_words(e.amount_cents),
        },
        note: e.note.clone(),
        appeal: e.appeal_tracking_code.clone().unwrap_or_default(),
        level: lang.label(e.approval_level.code(), level_label(e.approval_level)),
        handler: e.created_by.name.clone(),
        approver: e
            .decided_by
            .as_ref()
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        approved_at: e.decided_at.map(when).unwrap_or_default(),
        reversed: e.reversed_by.is_some(),
    };
    render(lang, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_as_typed() {
        assert_eq!(parse_yuan("1000"), Some(100_000));
        assert_eq!(parse_yuan(" ¥1,000.5 "), Some(100_050));
        assert_eq!(parse_yuan("0.05"), Some(5));
        assert_eq!(parse_yuan(".5"), Some(50));
        for bad in ["", "0", "1.234", "-5", "1e3", "abc", "."] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_error_of_a_grant_is_named_at_once() {
        let f = FormData::from_pairs(&[("kind", "grant"), ("org_unit_id", "3"), ("amount", "x")]);
        let e = entry_of(&f, Lang::Zh).unwrap_err();
        assert!(e.get("amount").contains("元"), "{e:?}");
        assert_eq!(e.get("person_id"), "每笔助困发放须登记受助人");
        assert_eq!(e.get("note"), "请写明发放事由");
        let f = FormData::from_pairs(&[
            ("kind", "grant"),
            ("org_unit_id", "3"),
            ("amount", "80.5"),
            ("person_id", "7"),
            ("appeal_code", " SQ-20261204-0001 "),
            ("note", "医药费"),
        ]);
        let input = entry_of(&f, Lang::Zh).expect("a good grant");
        assert_eq!(input.entry.amount_cents, Some(8050));
        assert_eq!(input.appeal_code.as_deref(), Some("SQ-20261204-0001"));
        assert_eq!(form_name(&f), "grant");
        let f = FormData::from_pairs(&[("kind", "reversal"), ("reverses", "12")]);
        assert_eq!(form_name(&f), "reverse-12");
    }
}
