//! 人员档案: search (by name or phone, in a POST body so no phone number lands in a URL),
//! register and edit with party profile and care tags, and a person's page with their
//! appeals. Phone and ID numbers are masked exactly as the API masks them (`PersonOut`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use suqiu_core::access::Capability;
use suqiu_core::msg;
use suqiu_core::person::{CareTag, Gender, PartyCategory, Person};
use suqiu_store::appeals::AppealFilter;
use suqiu_store::people::PeopleFilter;

use super::appeals::category_names;
use super::appeals::{node_choices, row_of, Row};
use super::i18n::Lang;
use super::pick::unit_names;
use super::posted::Posted;
use super::view::{vocabulary_choices, Choice, Chrome, FieldErrors};
use super::{fail, render, saved, Flash, FormData, PageId, PageResult, PostForm, Session, UiError};
use crate::dto::{PartyIn, PersonIn, PersonOut, PersonPatch};
use crate::extract::Params;
use crate::problem::Problem;
use crate::read_audit;
use crate::routes::people::{create_person, update_person};
use crate::state::AppState;

/// People per page of the register.
const PER_PAGE: i64 = 50;
/// Rows read per query while exporting.
const EXPORT_CHUNK: i64 = 500;
/// Most people one export holds: a street's register, not a district's (that is a backup).
pub(crate) const REGISTER_MAX_ROWS: usize = 50_000;

/// One person as a row, masked for the reader.
struct PersonRow {
    id: i64,
    name: String,
    phone: String,
    unit: String,
    tags: String,
    party: String,
}

fn person_row(lang: Lang, p: &Person, reveal: bool, unit: String) -> PersonRow {
    let out = PersonOut::new(p, reveal);
    PersonRow {
        id: p.id,
        name: out.name,
        phone: out.phone.unwrap_or_default(),
        unit,
        tags: p
            .tags
            .iter()
            .map(|t| lang.label(t.code(), t.label_zh()))
            .collect::<Vec<_>>()
            .join("、"),
        party: p
            .party
            .as_ref()
            .map(|x| {
                lang.label(x.category.code(), x.category.label_zh())
                    .to_string()
            })
            .unwrap_or_default(),
    }
}

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
        return Err(UiError::Forbidden(format!(
            "角色「{}」只能在分派或转办给自己的诉求中看到诉求人",
            s.actor.role.label_zh()
        ))
        .page(lang));
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

/// Staff and auditors keep the register; liaisons and volunteers see only the appellants
/// of their own tasks, on those tasks.
fn may_see_people(s: &Session) -> bool {
    s.may(Capability::ManagePeople) || s.may(Capability::ReadMetrics)
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

/// `GET /people.xlsx?tag=&org_unit=`: the register (every page of it) as a workbook, phone
/// and ID numbers masked exactly as on the page.
pub(crate) async fn export(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    if !may_see_people(&s) {
        return Err(UiError::Forbidden(format!(
            "角色「{}」只能在分派或转办给自己的诉求中看到诉求人",
            s.actor.role.label_zh()
        ))
        .page(lang));
    }
    let mut errors = Vec::new();
    let mut filter = PeopleFilter {
        tag: params.code("tag", CareTag::parse, CareTag::codes(), &mut errors),
        org_unit_id: params.id("org_unit", &mut errors),
        page: 1,
        per_page: EXPORT_CHUNK,
        ..PeopleFilter::default()
    };
    if let Some(e) = errors.first() {
        return Err(UiError::BadRequest(e.text(lang == Lang::En).into()).page(lang));
    }
    crate::scope::filter_node_in_scope(&state, &s.actor, filter.org_unit_id)
        .await
        .map_err(fail(lang))?;
    let mut people = Vec::new();
    loop {
        let found = state
            .store
            .list_people(&s.actor, &filter)
            .await
            .map_err(fail(lang))?;
        if found.total > REGISTER_MAX_ROWS as i64 {
            return Err(too_many_people(lang));
        }
        let last = found.items.len() < EXPORT_CHUNK as usize;
        people.extend(found.items);
        if last {
            break;
        }
        filter.page += 1;
    }
    // One audit row per person in the workbook: an auditor asks "who has seen this person's
    // number", and an export row answers it like a page does.
    let shown = read_audit::people(people.iter().map(|p| p.id));
    read_audit::record(&state, &s.actor, shown, "export /people.xlsx")
        .await
        .map_err(fail(lang))?;
    let units = unit_names(&state).await.map_err(fail(lang))?;
    let rows: Vec<(Person, String)> = people
        .into_iter()
        .map(|p| {
            let unit = units.get(&p.org_unit_id).cloned().unwrap_or_default();
            (p, unit)
        })
        .collect();
    let bytes = crate::roster_xlsx::people_register(&rows, s.may(Capability::SeePersonalData))
        .map_err(|e| {
            tracing::error!(error = %e, "people export failed");
            UiError::Internal.page(lang)
        })?;
    let name = format!(
        "people-{}.xlsx",
        super::view::shanghai_file_stamp(state.now())
    );
    Ok(crate::xlsx::download(bytes, &name))
}

fn too_many_people(lang: super::i18n::Lang) -> super::Failed {
    UiError::BadRequest(format!(
        "{}（> {REGISTER_MAX_ROWS}）",
        lang.t("list.too_many")
    ))
    .page(lang)
}

/// The person form's fields as typed.
#[derive(Debug, Clone, Default)]
struct Draft {
    name: String,
    phone: String,
    id_number: String,
    gender: String,
    birth_date: String,
    org_unit_id: String,
    address: String,
    tags: Vec<String>,
    party_category: String,
    joined_on: String,
    branch: String,
}

impl Draft {
    fn from_form(f: &FormData) -> Draft {
        Draft {
            name: f.raw("name"),
            phone: f.raw("phone"),
            id_number: f.raw("id_number"),
            gender: f.raw("gender"),
            birth_date: f.raw("birth_date"),
            org_unit_id: f.raw("org_unit_id"),
            address: f.raw("address"),
            tags: f.all("tags"),
            party_category: f.raw("party.category"),
            joined_on: f.raw("party.joined_on"),
            branch: f.raw("party.branch"),
        }
    }

    fn from_person(p: &Person) -> Draft {
        Draft {
            name: p.name.clone(),
            phone: p.phone.clone().unwrap_or_default(),
            id_number: p.id_number.clone().unwrap_or_default(),
            gender: p.gender.map(|g| g.code().to_string()).unwrap_or_default(),
            birth_date: p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            org_unit_id: p.org_unit_id.to_string(),
            address: p.address.clone().unwrap_or_default(),
            tags: p.tags.iter().map(|t| t.code().to_string()).collect(),
            party_category: p
                .party
                .as_ref()
                .map(|x| x.category.code().to_string())
                .unwrap_or_default(),
            joined_on: p
                .party
                .as_ref()
                .and_then(|x| x.joined_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            branch: p
                .party
                .as_ref()
                .and_then(|x| x.branch.clone())
                .unwrap_or_default(),
        }
    }

    /// The party profile, or the field that cannot be read.
    fn party(&self, errors: &mut FieldErrors) -> Option<PartyIn> {
        let category = PartyCategory::parse(self.party_category.trim())?;
        let joined_on = match self.joined_on.trim() {
            "" => None,
            v => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push("party.joined_on", &suqiu_core::error::DATE_SHAPE);
                    None
                }
            },
        };
        Some(PartyIn {
            category,
            joined_on,
            branch: Some(self.branch.clone()),
        })
    }

    fn birth_date(&self, errors: &mut FieldErrors) -> Option<chrono::NaiveDate> {
        match self.birth_date.trim() {
            "" => None,
            v => match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push("birth_date", &suqiu_core::error::DATE_SHAPE);
                    None
                }
            },
        }
    }
}

fn text(v: &str) -> Option<String> {
    Some(v.trim().to_string()).filter(|v| !v.is_empty())
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
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
        Some((_, name)) => format!("{name} · {}", super::view::when(at)),
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
    let names = category_names(state, s.lang).await?;
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
                at: super::view::when(e.at),
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

async fn person_page(
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

pub(crate) async fn new_form(State(state): State<AppState>, s: Session) -> PageResult {
    if !s.may(Capability::ManagePeople) {
        return Err(UiError::Forbidden(format!(
            "角色「{}」不能登记或修改人员信息",
            s.actor.role.label_zh()
        ))
        .page(s.lang));
    }
    let d = Draft {
        org_unit_id: s.actor.org_unit_id.to_string(),
        ..Draft::default()
    };
    let page = person_page(&state, &s, None, d, Posted::none())
        .await
        .map_err(fail(s.lang))?;
    render(s.lang, &page)
}

/// A failed form again, with the messages beside the fields and the input kept.
async fn again(
    state: &AppState,
    s: &Session,
    person: Option<&Person>,
    f: &FormData,
    errors: FieldErrors,
) -> PageResult {
    let mut d = person.map(Draft::from_person).unwrap_or_default();
    if !s.may(Capability::SeePersonalData) {
        // The form never holds what the reader may not see.
        d.phone.clear();
        d.id_number.clear();
    }
    let posted = Posted::refused("person", f.clone(), errors);
    let page = person_page(state, s, person, d, posted)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}

/// What a saved person says, and the next step: the register, or a visit for the person.
fn person_saved(state: &AppState, key: &str, p: &Person) -> Response {
    let flash = Flash::new(key)
        .detail(p.name.clone())
        .next(&format!("/visits/new?person={}", p.id), "care.visit");
    saved(state, &format!("/people/{}", p.id), flash)
}

fn is_form_problem(p: &Problem) -> bool {
    matches!(p.status, 400 | 422)
}

pub(crate) async fn create(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    let d = Draft::from_form(&post.form);
    let mut errors = FieldErrors::new(s.lang);
    let org_unit_id = match d.org_unit_id.trim().parse::<i64>() {
        Ok(id) => id,
        Err(_) => {
            errors.push(
                "org_unit_id",
                &msg!("unit_pick", "请选择所属节点", "Choose the unit"),
            );
            0
        }
    };
    let body = PersonIn {
        name: d.name.clone(),
        phone: text(&d.phone),
        id_number: text(&d.id_number),
        gender: Gender::parse(d.gender.trim()),
        birth_date: d.birth_date(&mut errors),
        org_unit_id,
        address: text(&d.address),
        tags: d.tags.clone(),
        party: d.party(&mut errors),
    };
    if errors.any() {
        return again(&state, &s, None, &post.form, errors).await;
    }
    match create_person(&state, &s.actor, body).await {
        Ok(p) => Ok(person_saved(&state, "flash.person_created", &p)),
        Err(p) if is_form_problem(&p) => {
            again(
                &state,
                &s,
                None,
                &post.form,
                FieldErrors::from_problem(&p, s.lang),
            )
            .await
        }
        Err(p) => Err(UiError::from(p).page(s.lang)),
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
) -> PageResult {
    let lang = s.lang;
    let person = state
        .store
        .person(&s.actor, id)
        .await
        .map_err(fail(lang))?
        .ok_or_else(|| UiError::NotFound.page(lang))?;
    let mut d = Draft::from_person(&person);
    if !s.may(Capability::SeePersonalData) {
        // The form never holds what the reader may not see.
        d.phone.clear();
        d.id_number.clear();
    }
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

pub(crate) async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let person = state
        .store
        .person(&s.actor, id)
        .await
        .map_err(fail(lang))?
        .ok_or_else(|| UiError::NotFound.page(lang))?;
    let d = Draft::from_form(&post.form);
    let mut errors = FieldErrors::new(lang);
    let reveal = s.may(Capability::SeePersonalData);
    let patch = PersonPatch {
        name: Some(d.name.clone()),
        // Roles that see masked numbers get no such fields: the stored ones stay.
        phone: reveal.then(|| text(&d.phone)),
        id_number: reveal.then(|| text(&d.id_number)),
        gender: Some(Gender::parse(d.gender.trim())),
        birth_date: Some(d.birth_date(&mut errors)),
        org_unit_id: d.org_unit_id.trim().parse::<i64>().ok(),
        address: Some(text(&d.address)),
        tags: Some(d.tags.clone()),
        party: Some(d.party(&mut errors)),
    };
    if errors.any() {
        return again(&state, &s, Some(&person), &post.form, errors).await;
    }
    match update_person(&state, &s.actor, id, patch).await {
        Ok(p) => Ok(person_saved(&state, "flash.person_updated", &p)),
        Err(p) if is_form_problem(&p) => {
            let errors = FieldErrors::from_problem(&p, lang);
            again(&state, &s, Some(&person), &post.form, errors).await
        }
        Err(p) => Err(UiError::from(p).page(lang)),
    }
}
