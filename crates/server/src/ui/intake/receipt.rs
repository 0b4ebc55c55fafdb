//! The printable A4 receipt (登记回执) of a registered appeal.

use askama::Template;
use axum::extract::State;
use suqiu_core::validate::mask_phone;

use crate::state::AppState;
use crate::ui::appeals::{appellant_name, category_label};
use crate::ui::view::{deadline_at, when, Chrome};
use crate::ui::{fail, render, PageId, PageResult, Session};

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    c: Chrome,
    id: i64,
    code: String,
    received: String,
    appellant: String,
    phone: String,
    channel: &'static str,
    kind: &'static str,
    category: String,
    urgency: &'static str,
    content: String,
    location: String,
    respond_by: String,
    resolve_by: String,
    station: String,
    receiver: String,
    /// The public address of the tracking page (`admin::track_url`).
    track_url: String,
}

/// The printable A4 receipt (登记回执). The phone is masked on paper whoever prints it.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    s: Session,
    PageId(id): PageId,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let lang = s.lang;
    let rec = state.store.appeal(&s.actor, id).await.map_err(fail(lang))?;
    let names = crate::app::appeals::category_names(&state, lang == crate::ui::i18n::Lang::En)
        .await
        .map_err(fail(lang))?;
    let events = state.store.events(id).await.map_err(fail(lang))?;
    let a = &rec.appeal;
    let receiver = events
        .first()
        .map(|e| e.actor_name.clone())
        .unwrap_or_default();
    let phone = rec
        .appellant_phone
        .clone()
        .or(match &a.appellant {
            suqiu_core::appeal::Appellant::Named { phone, .. } => phone.clone(),
            _ => None,
        })
        .map(|p| mask_phone(&p))
        .unwrap_or_default();
    // The unit that received it (首接), which may since have handed it on.
    let station = state
        .store
        .org_unit(a.received_by_org_unit_id)
        .await
        .map_err(fail(lang))?
        .map(|u| u.name)
        .unwrap_or_else(|| rec.handling_org_unit_name.clone());
    let page = ReceiptPage {
        c: s.chrome("intake"),
        id,
        code: a.tracking_code.clone(),
        received: when(a.created_at),
        appellant: appellant_name(lang, &rec),
        phone,
        channel: lang.label(a.channel.code(), a.channel.label_zh()),
        kind: lang.label(a.kind.code(), a.kind.label_zh()),
        category: category_label(&names, &a.category),
        urgency: lang.label(a.urgency.code(), a.urgency.label_zh()),
        content: a.content.clone(),
        location: a.location.clone().unwrap_or_default(),
        respond_by: deadline_at(a.respond_by),
        resolve_by: a
            .resolve_by
            .map(deadline_at)
            .unwrap_or_else(|| lang.t("time.none").to_string()),
        station,
        receiver,
        track_url: crate::ui::admin::track_url(&state, &headers)
            .await
            .map_err(fail(lang))?,
    };
    render(lang, &page)
}
