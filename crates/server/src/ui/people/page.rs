//! A person's page: what the register holds about them (masked for the reader, with who
//! recorded it), their appeals and care timeline, and the form to edit them.

use askama::Template;
use axum::extract::State;
use suqiu_core::access::Capability;
use suqiu_core::person::{CareTag, Gender, PartyCategory, Person};
use suqiu_store::appeals::AppealFilter;

use super::draft::Draft;
use super::{person_row, stored};
use crate::read_audit;
use crate::routes::people::PersonOut;
use crate::state::AppState;
use crate::ui::appeals::{node_choices, row_of, Row};
use crate::ui::i18n::Lang;
use crate::ui::pick::unit_names;
use crate::ui::posted::Posted;
use crate::ui::view::{vocabulary_choices, Choice, Chrome};
use crate::ui::{fail, render, PageId, PageResult, Session, UiError};

#[derive(Template)]
#[template(path = "person.html")]
pub(super) struct PersonPage {
    c: Chrome,
    /// 0 for a new person.
    id: i64,
    /// The masked view of the stored person (for a new person: empty).
    facts: Vec<(&'static str, String)>,
    /// The stored person as the form starts (blank for a new person)…
    d: Draft,
    /// …and the form as typed when saving it was refused.
    posted: Posted,
    may_manage: bool,
    /// The form may show and change phone and ID number (roles that may see them).
    reveal: bool,
    genders: Vec<Choice>,
    parties: Vec<Choice>,
    /// The care tags, each `selected` when the stored person has it.
    tag_choices: Vec<Choice>,
    nodes: Vec<Choice>,
    rows: Vec<Row>,
    /// The care timeline (visits, pairing contacts, appeals), newest first.
    timeline: Vec<TimelineRow>,
    may_visit: bool,
}

/// One entry of the care timeline as the person page shows it.
struct TimelineRow {
    at: String,
    kind: &'static str,
    by: String,
    summary: String,
    /// The appeal's page, for an appeal.
    href: Option<String>,
}

/// "who · when" of the record trail; "未记录" where who was not recorded (older records).
fn trail_text(
    lang: Lang,
    who: &Option<(suqiu_core::Id, String)>,
    at: chrono::DateTime<chrono::Utc>,
) -> String {
    match who {
        Some((_, name)) => format!("{name} · {}", crate::ui::view::when(at)),
        None => lang.t("f.not_recorded").to_string(),
    }
}

/// What the register holds about `p`, masked for the reader, with who recorded it.
async fn person_facts(
    state: &AppState,
    lang: Lang,
    p: &Person,
    reveal: bool,
) -> Result<Vec<(&'static str, String)>, UiError> {
    let mut facts = Vec::new();
    let out = PersonOut::new(p, reveal);
    let units = unit_names(state).await?;
    facts.push(("f.name", out.name.clone()));
    if let Some(g) = p.gender {
        facts.push(("f.gender", lang.label(g.code(), g.label_zh()).to_string()));
    }
    if let Some(b) = out.birth_date {
        facts.push(("f.birth_date", b));
    }
    if let Some(v) = out.phone {
        facts.push(("f.phone", v));
    }
    if let Some(v) = out.id_number {
        facts.push(("f.id_number", v));
    }
    facts.push((
        "f.org_unit",
        units.get(&p.org_unit_id).cloned().unwrap_or_default(),
    ));
    if let Some(a) = out.address {
        facts.push(("f.address", a));
    }
    let row = person_row(lang, p, reveal, String::new());
    if !row.tags.is_empty() {
        facts.push(("f.tags", row.tags));
    }
    if let Some(t) = state.store.person_trail(p.id).await? {
        facts.push((
            "f.created_by",
            trail_text(lang, &t.created_by, t.created_at),
        ));
        facts.push((
            "f.updated_by",
            trail_text(lang, &t.updated_by, t.updated_at),
        ));
    }
    if let Some(party) = &p.party {
        let mut v = lang
            .label(party.category.code(), party.category.label_zh())
            .to_string();
        if let Some(j) = party.joined_on {
            v.push_str(&format!(" · {j}"));
        }
        if let Some(b) = &party.branch {
            v.push_str(&format!(" · {b}"));
        }
        facts.push(("f.party", v));
    }
    Ok(facts)
}

/// The appeals `p` raised, as the list shows them.
async fn person_appeals(state: &AppState, s: &Session, p: &Person) -> Result<Vec<Row>, UiError> {
    let lang = s.lang;
    let now = state.now();
    let filter = AppealFilter {
        appellant_person_id: Some(p.id),
        page: 1,
        per_page: 100,
        ..AppealFilter::default()
    };
    let found = state.store.list_appeals(&s.actor, &filter, now).await?;
    let names = crate::app::appeals::category_names(state, s.lang == Lang::En).await?;
    Ok(found
        .items
        .iter()
        .map(|r| row_of(lang, r, &names, now))
        .collect())
}

/// The care timeline of `p` (visits, contacts, appeals, aid), newest first.
async fn person_timeline(
    state: &AppState,
    s: &Session,
    p: &Person,
) -> Result<Vec<TimelineRow>, UiError> {
    let lang = s.lang;
    Ok(state
        .store
        .care_timeline(&s.actor, p.id)
        .await?
        .into_iter()
        .map(|e| {
            use suqiu_store::care::TimelineKind as K;
            let (kind, href) = match e.kind {
                K::Visit => ("care.kind.visit", None),
                K::PairingContact => ("care.kind.contact", None),
                K::Appeal => ("care.kind.appeal", Some(format!("/appeals/{}", e.ref_id))),
                K::Aid => (
                    "care.kind.aid",
                    Some(format!("/fund/entries/{}/voucher", e.ref_id)),
                ),
                K::Goods => ("care.kind.goods", None),
            };
            TimelineRow {
                at: crate::ui::view::when(e.at),
                kind: lang.t(kind),
                by: e.by.unwrap_or_default(),
                // The appeal's status in the reader's language, before its code and title.
                summary: match e.status {
                    Some(st) => format!("{} · {}", lang.label(st.code(), st.label_zh()), e.summary),
                    None => e.summary,
                },
                href,
            }
        })
        .collect())
}

pub(super) async fn person_page(
    state: &AppState,
    s: &Session,
    person: Option<&Person>,
    d: Draft,
    posted: Posted,
) -> Result<PersonPage, UiError> {
    let lang = s.lang;
    let reveal = s.may(Capability::SeePersonalData);
    let (mut facts, mut rows, mut timeline) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(p) = person {
        facts = person_facts(state, lang, p, reveal).await?;
        rows = person_appeals(state, s, p).await?;
        timeline = person_timeline(state, s, p).await?;
    }
    Ok(PersonPage {
        c: s.chrome("people"),
        id: person.map(|p| p.id).unwrap_or(0),
        facts,
        genders: vocabulary_choices(lang, Gender::ALL, Gender::code, Gender::label_zh, &d.gender),
        parties: vocabulary_choices(
            lang,
            PartyCategory::ALL,
            PartyCategory::code,
            PartyCategory::label_zh,
            &d.party_category,
        ),
        tag_choices: CareTag::ALL
            .iter()
            .map(|t| {
                let mut choice = Choice::new(t.code(), lang.label(t.code(), t.label_zh()), "");
                choice.selected = d.tags.iter().any(|x| x == t.code());
                choice
            })
            .collect(),
        nodes: node_choices(state, &s.actor, &d.org_unit_id).await?,
        d,
        posted,
        may_manage: s.may(Capability::ManagePeople),
        reveal,
        rows,
        timeline,
        may_visit: s.may(Capability::LogVisit),
    })
}

pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
) -> PageResult {
    let lang = s.lang;
    let person = stored(&state, &s, id).await?;
    let d = Draft::shown(&person, s.may(Capability::SeePersonalData));
    read_audit::record(
        &state,
        &s.actor,
        read_audit::people([id]),
        "page /people/{id}",
    )
    .await
    .map_err(fail(lang))?;
    let page = person_page(&state, &s, Some(&person), d, Posted::none())
        .await
        .map_err(fail(lang))?;
    render(lang, &page)
}
