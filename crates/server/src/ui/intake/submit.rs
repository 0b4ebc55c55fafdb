//! The intake form posted: the appeal saved through the API's own intake function (then the
//! receipt), or the form again with every fault at its field.

use axum::extract::State;
use suqiu_core::access::Actor;
use suqiu_core::appeal::{Channel, Kind, Urgency};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::msg;

use super::{intake_page, phone_owners, require_intake, Draft};
use crate::app::appeals::{check_intake, register_appeal};
use crate::routes::appeals::{AppealIn, AppellantIn};
use crate::state::AppState;
use crate::ui::pick::suggestions;
use crate::ui::view::FieldErrors;
use crate::ui::{fail, render, saved, Flash, PageResult, PostForm, Session, UiError};

/// The form as the API's intake body, and the faults only the form can have (a choice not
/// made). A missing choice is filled with a stand-in so the API's checks still run and name
/// every other fault at the same time; the body is never saved while `errors` has any.
fn appeal_in(d: &Draft, errors: &mut FieldErrors) -> AppealIn {
    let mut vocab = |field: &str, value: &str, missing: &Msg| {
        if value.trim().is_empty() {
            errors.push(field, missing);
        }
        value.trim().to_string()
    };
    let channel = Channel::parse(&vocab(
        "channel",
        &d.channel,
        &msg!("channel_pick", "请选择受理渠道", "Choose the channel"),
    ));
    let kind = Kind::parse(&vocab(
        "kind",
        &d.kind,
        &msg!("kind_pick", "请选择诉求类型", "Choose the kind of appeal"),
    ));
    let urgency = Urgency::parse(d.urgency.trim()).unwrap_or(Urgency::Normal);
    let org_unit_id = d.org_unit_id.trim().parse::<i64>().ok();
    if org_unit_id.is_none() {
        errors.push(
            "org_unit_id",
            &msg!(
                "appeal_unit_needed",
                "请选择诉求涉及的社区或网格",
                "Choose the community or grid the appeal concerns"
            ),
        );
    }
    let (appellant_id, appellant, anonymous) = match d.mode.as_str() {
        "person" => match d.appellant_id.trim().parse::<i64>() {
            Ok(id) => (Some(id), None, None),
            Err(_) => {
                errors.push(
                    "appellant_id",
                    &msg!(
                        "appellant_pick",
                        "请输入姓名或电话查找，并从结果中选择一位人员",
                        "Search by name or phone and choose a person from the results"
                    ),
                );
                (None, None, Some(true))
            }
        },
        "anonymous" => (None, None, Some(true)),
        _ => (
            None,
            Some(AppellantIn {
                name: d.name.clone(),
                phone: Some(d.phone.clone()).filter(|p| !p.trim().is_empty()),
                email: Some(d.email.clone()).filter(|e| !e.trim().is_empty()),
            }),
            None,
        ),
    };
    let optional = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    AppealIn {
        appellant_id,
        appellant,
        anonymous,
        org_unit_id: org_unit_id.unwrap_or(0),
        channel: channel.unwrap_or(Channel::WalkIn),
        kind: kind.unwrap_or(Kind::Help),
        category: d.category.clone(),
        urgency: Some(urgency),
        title: optional(&d.title),
        content: d.content.clone(),
        location: optional(&d.location),
        public_consent: d.public_consent,
    }
}

/// A new appellant whose phone is already a registered person's. The same name is the same
/// person (the store links them); another name may be a household member sharing the phone
/// or a typing slip, which only the receptionist can tell: the form asks her to choose that
/// person (`use_person` = their id, which turns the intake into one for them) or to say it
/// is a new resident (`use_person=new`) rather than silently adding a second person.
async fn confirm_phone(
    state: &AppState,
    actor: &Actor,
    d: &mut Draft,
    errors: &mut FieldErrors,
) -> Result<(), UiError> {
    if d.mode != "named" || d.use_person == "new" {
        return Ok(());
    }
    if let Ok(id) = d.use_person.trim().parse::<i64>() {
        let chosen = state.store.person(actor, id).await?;
        let shown = suggestions(state, actor, chosen.as_slice(), "page /appeals/new").await?;
        if let Some(p) = shown.into_iter().next() {
            d.mode = "person".into();
            d.appellant_id = p.id.to_string();
            d.person_label = p.label;
            return Ok(());
        }
    }
    let owners = phone_owners(state, actor, &d.phone, "page /appeals/new").await?;
    if !owners.is_empty() && !owners.iter().any(|p| p.name == d.name.trim()) {
        let who: Vec<&str> = owners.iter().map(|p| p.label.as_str()).collect();
        let msg = msg!(
            "phone_registered",
            "该电话已登记：{people}。是同一人请选“使用此人”，不是请选“仍作为新居民登记”",
            "This phone is registered: {people}. If it is the same person choose \"Use this person\", else \"Register as a new resident\""
        );
        let error = FieldError::new("appellant.phone", &msg);
        errors.push_error(&error.with_words("people", &who.join("；"), &who.join("; ")));
    }
    Ok(())
}

/// `POST /appeals/new`: saved → the receipt, with "已登记 SQ…" and a link to register the
/// next one; not saved → the form again with everything typed and every fault at its field.
pub(crate) async fn submit(State(state): State<AppState>, post: PostForm) -> PageResult {
    let s = post.session;
    require_intake(&s)?;
    let mut d = Draft::from_form(&post.form);
    let mut errors = FieldErrors::new(s.lang);
    confirm_phone(&state, &s.actor, &mut d, &mut errors)
        .await
        .map_err(fail(s.lang))?;
    let body = appeal_in(&d, &mut errors);
    let result = if errors.any() {
        // Only to name the other faults too: nothing is saved.
        check_intake(&state, &s.actor, body.into())
            .await
            .map(|_| None)
    } else {
        register_appeal(&state, &s.actor, body.into())
            .await
            .map(Some)
    }
    .map_err(crate::problem::Problem::from);
    match result {
        Ok(Some(rec)) => {
            let a = &rec.appeal;
            let flash = Flash::new("flash.registered")
                .detail(a.tracking_code.clone())
                .next("/appeals/new", "flash.intake_next");
            Ok(saved(&state, &format!("/appeals/{}/receipt", a.id), flash))
        }
        Ok(None) => form_again(&state, &s, d, errors).await,
        Err(p) if p.status == 422 || p.status == 400 => {
            for (field, message) in FieldErrors::from_problem(&p, s.lang).0 {
                if errors.get(&field).is_empty() {
                    errors.push_text(&field, message);
                }
            }
            form_again(&state, &s, d, errors).await
        }
        Err(p) => Err(UiError::from(p).page(s.lang)),
    }
}

/// The form again after a failed save: 422, what was typed, the errors at their fields.
async fn form_again(state: &AppState, s: &Session, d: Draft, errors: FieldErrors) -> PageResult {
    let page = intake_page(state, s, d, errors)
        .await
        .map_err(fail(s.lang))?;
    let mut res = render(s.lang, &page)?;
    *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(res)
}
