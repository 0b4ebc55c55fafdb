//! 助困基金: a ledger's balance and entries, the forms that post donations, grants and
//! transfers, the grants waiting for this user's approval, reversals, the Excel ledger,
//! and the printable A4 grant voucher (助困金发放凭证). The same shared functions as the
//! JSON API (`routes::fund`) make every decision.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::fund::{capitals, keeps_ledger, level_label, yuan, EntryKind, EntryStatus};
use suqiu_core::org::in_subtree;
use suqiu_core::validate::{mask_id_number, mask_phone};
use suqiu_core::Id;
use suqiu_store::fund::Entry;
use suqiu_store::people::PeopleFilter;

use super::i18n::Lang;
use super::page_node;
use super::view::{person_choice, when, Choice, Chrome};
use super::{fail, render, see_other, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::extract::Params;
use crate::problem::Problem;
use crate::routes::fund::{decide_as, may_decide, post_entry_as, FundEntryIn};
use crate::state::AppState;

/// Entries per page of the ledger.
const PER_PAGE: i64 = 100;
/// Most people offered in the grant form's list (a street's register; search narrows it).
const PEOPLE_CHOICES: i64 = 500;

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
    people: Vec<Choice>,
    transfer_to: Vec<Choice>,
    /// What went wrong with the last form, if it did.
    error: String,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
}

async fn fund_page(
    state: &AppState,
    s: &Session,
    org_unit_id: Id,
    page: i64,
    error: String,
) -> Result<FundPage, UiError> {
    let lang = s.lang;
    if !s.may(Capability::ReadCare) {
        return Err(UiError::Forbidden(format!(
            "角色「{}」不能查看助困基金",
            s.actor.role.label_zh()
        )));
    }
    let ledger = state
        .store
        .fund_ledger(&s.actor, org_unit_id, page, PER_PAGE)
        .await?;
    let may_manage = s.may(Capability::ManageCare);
    let rows = ledger
        .entries
        .items
        .iter()
        .map(|e| entry_row(lang, e, may_manage, false))
        .collect();
    let mut pending = Vec::new();
    for e in state.store.pending_fund_entries(&s.actor).await? {
        let decide = may_decide(state, &s.actor, &e).await?;
        pending.push(entry_row(lang, &e, false, decide));
    }
    let units = state.store.org_units().await?;
    let ledgers = units
        .iter()
        .filter(|u| keeps_ledger(u.kind) && in_subtree(&s.actor.org_path, &u.path))
        .map(|u| Choice::new(u.id.to_string(), u.name.clone(), &org_unit_id.to_string()))
        .collect();
    let unit = &ledger.unit;
    // A transfer goes to the parent or a child, both in this user's subtree.
    let transfer_to = units
        .iter()
        .filter(|u| {
            keeps_ledger(u.kind)
                && in_subtree(&s.actor.org_path, &u.path)
                && (u.parent_id == Some(unit.id) || unit.parent_id == Some(u.id))
        })
        .map(|u| Choice::new(u.id.to_string(), u.name.clone(), ""))
        .collect();
    let people = if may_manage {
        let filter = PeopleFilter {
            org_unit_id: Some(unit.id),
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
            .map(|p| person_choice(p, ""))
            .collect()
    } else {
        Vec::new()
    };
    let link = |p: i64| format!("/fund?org_unit={}&page={p}", unit.id);
    let total = ledger.entries.total;
    Ok(FundPage {
        c: s.chrome("fund"),
        org_unit_id: unit.id,
        unit_name: unit.name.clone(),
        balance: yuan(ledger.balance_cents),
        ledgers,
        rows,
        total,
        pending,
        may_manage,
        people,
        transfer_to,
        error,
        page,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page * PER_PAGE < total).then(|| link(page + 1)),
    })
}

/// The fund page of `org_unit` (default: the user's own node).
pub(crate) async fn page(State(state): State<AppState>, s: Session, params: Params) -> PageResult {
    let lang = s.lang;
    let org_unit_id = page_node(&state, &s, &params).await?.id;
    let page = params
        .str("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let p = fund_page(&state, &s, org_unit_id, page, String::new())
        .await
        .map_err(fail(lang))?;
    render(lang, &p)
}

/// The page again with what went wrong, and the status of the refusal (422, 409, 403).
async fn refused(state: &AppState, s: &Session, org_unit_id: Id, p: Problem) -> PageResult {
    if !matches!(p.status, 403 | 409 | 422) {
        return Err(UiError::from(p).page(s.lang));
    }
    let mut message = p.detail.clone();
    if let Some(e) = p.errors.first() {
        message = e.message.clone();
    }
    let page = fund_page(state, s, org_unit_id, 1, message)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = p.status();
    Ok(res)
}

fn form_id(form: &FormData, key: &str) -> Result<Option<Id>, Problem> {
    form.id(key)
        .map_err(|field| Problem::field(field, "请选择或填写有效的编号"))
}

/// What the fund page's forms post: the same entry the API takes, amounts in yuan.
fn entry_of(form: &FormData) -> Result<FundEntryIn, Problem> {
    let kind = form
        .get("kind")
        .and_then(EntryKind::parse)
        .ok_or_else(|| Problem::field("kind", "未知的收支类型"))?;
    let amount_cents = match form.get("amount") {
        None => None,
        Some(v) => Some(parse_yuan(v).ok_or_else(|| {
            Problem::field("amount_cents", "金额应为大于 0 的数字，最多两位小数")
        })?),
    };
    Ok(FundEntryIn {
        org_unit_id: form_id(form, "org_unit_id")?
            .ok_or_else(|| Problem::field("org_unit_id", "请选择基金账户"))?,
        kind,
        amount_cents,
        person_id: form_id(form, "person_id")?,
        appeal_id: form_id(form, "appeal_id")?,
        reverses: form_id(form, "reverses")?,
        to_org_unit_id: form_id(form, "to_org_unit_id")?,
        note: form.get("note").unwrap_or("").to_string(),
    })
}

pub(crate) async fn post(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let org_unit_id = post
        .form
        .id("org_unit_id")
        .ok()
        .flatten()
        .unwrap_or(s.actor.org_unit_id);
    let result = match entry_of(&post.form) {
        Ok(body) => post_entry_as(&state, &s.actor, body).await,
        Err(p) => Err(p),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/fund?org_unit={org_unit_id}"))),
        Err(p) => refused(&state, &s, org_unit_id, p).await,
    }
}

/// Approve (`decision=approve`) or reject (with `reason`) a waiting grant.
pub(crate) async fn decide(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let back = post
        .form
        .id("back")
        .ok()
        .flatten()
        .unwrap_or(s.actor.org_unit_id);
    let reject = match post.form.get("decision") {
        Some("approve") => None,
        Some("reject") => Some(post.form.get("reason").unwrap_or("").to_string()),
        _ => return Err(UiError::BadRequest("未知的审批操作".into()).page(s.lang)),
    };
    match decide_as(&state, &s.actor, id, reject).await {
        Ok(_) => Ok(see_other(&format!("/fund?org_unit={back}"))),
        Err(p) => refused(&state, &s, back, p).await,
    }
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
    if !s.may(Capability::ReadCare) {
        return Err(UiError::NotFound.page(lang));
    }
    let e = state
        .store
        .fund_entry(&s.actor, id)
        .await
        .map_err(fail(lang))?
        .filter(|e| e.kind == EntryKind::Grant && e.status == EntryStatus::Posted)
        .ok_or_else(|| UiError::NotFound.page(lang))?;
    let person = match &e.person {
        Some(p) => state
            .store
            .person(&s.actor, p.id)
            .await
            .map_err(fail(lang))?,
        None => None,
    };
    if let Some(p) = &person {
        let shown = crate::read_audit::people([p.id]);
        crate::read_audit::record(&state, &s.actor, shown, "page /fund/entries/{id}/voucher")
            .await
            .map_err(fail(lang))?;
    }
    let reveal = s.may(Capability::SeePersonalData);
    let shown = |v: Option<&str>, mask: fn(&str) -> String| {
        v.map(|v| if reveal { v.to_string() } else { mask(v) })
            .unwrap_or_default()
    };
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
        phone: shown(person.as_ref().and_then(|p| p.phone.as_deref()), mask_phone),
        id_number: shown(
            person.as_ref().and_then(|p| p.id_number.as_deref()),
            mask_id_number,
        ),
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
    fn a_bad_amount_names_the_field() {
        let f = FormData::from_pairs(&[("kind", "grant"), ("org_unit_id", "3"), ("amount", "x")]);
        let p = entry_of(&f).unwrap_err();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors[0].field, "amount_cents");
    }
}
