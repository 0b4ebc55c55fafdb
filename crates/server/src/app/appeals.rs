//! Appeals' use cases (诉求): intake (check, register, store with a fresh tracking code),
//! the lifecycle's actions (role, scope, the references a command names, then core's
//! `decide` inside the store's transaction), and the lookups both faces need (the actions
//! open to the actor, the departments an appeal may be referred to, category names).
//!
//! The rules are core's: `lifecycle::check_draft` (every field of an intake, the grid's
//! community handling it), `lifecycle::register`, `lifecycle::decide`, `org::may_refer`.
//! Here the store is asked what a request names, in the actor's scope.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rand::RngCore;
use suqiu_core::access::{deed, ActionKind, Actor, Capability, Role};
use suqiu_core::appeal::{tracking_code, Appeal, Appellant, Status};
use suqiu_core::category::check_sortable;
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::lifecycle::{
    available_actions, check_draft, decide, register, register_public, CheckedDraft, Command,
    Context, Event, Intake, IntakeDraft, IntakeFacts,
};
use suqiu_core::msg;
use suqiu_core::org::{in_subtree, may_refer, referral_order, Department};
use suqiu_core::person::Person;
use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;
use suqiu_store::intake::NewAppellant;
use suqiu_store::StoreError;

use super::{require, AppError, AppResult};
use crate::state::{read, AppState};

/// Code → name of every category, in English where asked and a category has an English
/// name (the Chinese one otherwise).
pub(crate) async fn category_names(
    state: &AppState,
    english: bool,
) -> AppResult<HashMap<String, String>> {
    Ok(state
        .store
        .categories()
        .await?
        .into_iter()
        .map(|c| {
            let name = c.name_in(english).to_string();
            (c.code, name)
        })
        .collect())
}

/// The actions `actor` may take on the appeal now (as the UI offers them).
pub(crate) fn actions_for(
    state: &AppState,
    actor: &Actor,
    rec: &AppealRecord,
    now: DateTime<Utc>,
) -> Vec<ActionKind> {
    let calendar = state.calendar();
    let policy = state.policy();
    let ctx = Context {
        now,
        actor,
        place: &rec.place,
        calendar: &calendar,
        policy: &policy,
    };
    available_actions(&rec.appeal, &ctx)
}

/// The intake path shared by the JSON API and the web form: checks every field (each
/// fault named as in the JSON body), registers through core and stores it; returns the
/// stored appeal as the actor now sees it. What the intake's suggestions offered for its text
/// is stored with it, in its transaction (`suggest::offered`), against what was chosen.
pub(crate) async fn register_appeal(
    state: &AppState,
    actor: &Actor,
    draft: IntakeDraft,
) -> AppResult<AppealRecord> {
    let checked = check_intake(state, actor, draft).await?;
    let offered = super::suggest::offered(state, &checked.intake).await?;
    // A new appellant who leaves a phone goes on the register (or is found there), with
    // the appeal, in one transaction: the register and the appeal history agree.
    if let Some(who) = new_appellant(&checked) {
        let created = store_intake(state, TakenInBy::Desk(actor), &checked, |appeal, event| {
            let (store, actor, who) = (state.store.clone(), actor.clone(), who.clone());
            let offered = offered.clone();
            async move {
                store
                    .create_appeal_registering(&actor, &appeal, &event, &who, offered)
                    .await
            }
        })
        .await?;
        tracing::debug!(
            appeal_id = created.appeal.id,
            person_added = created.person_added,
            "appeal registered"
        );
        return Ok(state
            .store
            .new_record(created.appeal, Some(&created.person))
            .await?);
    }
    let created = store_intake(state, TakenInBy::Desk(actor), &checked, |appeal, event| {
        let (store, offered) = (state.store.clone(), offered.clone());
        async move { store.create_appeal_offered(&appeal, &event, offered).await }
    })
    .await?;
    tracing::debug!(appeal_id = created.id, "appeal registered");
    Ok(state
        .store
        .new_record(created, checked.person.as_ref())
        .await?)
}

/// The appellant to find on or add to the register: a named appellant who left a phone (a
/// name alone identifies no one, and would fill the register with strangers).
fn new_appellant(checked: &CheckedIntake) -> Option<NewAppellant> {
    match &checked.intake.appellant {
        Appellant::Named {
            name,
            phone: Some(phone),
            ..
        } => Some(NewAppellant {
            name: name.clone(),
            phone: phone.clone(),
            org_unit_id: checked.intake.org_unit_id,
        }),
        _ => None,
    }
}

/// An intake that passed every check: what core's `register` needs, and the registered
/// appellant when there is one.
pub(crate) struct CheckedIntake {
    intake: Intake,
    handling_org_unit_id: Id,
    pub(crate) person: Option<Person>,
}

impl CheckedIntake {
    /// A checked public intake: nobody on the register.
    pub(crate) fn public(checked: CheckedDraft) -> CheckedIntake {
        CheckedIntake {
            intake: checked.intake,
            handling_org_unit_id: checked.handling_org_unit_id,
            person: None,
        }
    }
}

/// Checks every field of a new appeal, naming each fault as in the JSON body (a visit's
/// `raise_appeal` checks its appeal here too, so intake has one set of rules): the store
/// answers what the draft names, in the actor's scope; core's `check_draft` judges it.
pub(crate) async fn check_intake(
    state: &AppState,
    actor: &Actor,
    draft: IntakeDraft,
) -> AppResult<CheckedIntake> {
    require(actor, Capability::Intake, &deed::INTAKE)?;
    let person = match draft.appellant_id {
        Some(id) => state.store.person(actor, id).await?,
        None => None,
    };
    let unit = state.store.org_unit(draft.org_unit_id).await?;
    let facts = IntakeFacts {
        appellant_on_register: person.is_some(),
        category_known: state
            .store
            .category(draft.matter.category.trim())
            .await?
            .is_some(),
        unit: unit.filter(|u| in_subtree(&actor.org_path, &u.path)),
    };
    let checked = check_draft(draft, &facts).map_err(AppError::Invalid)?;
    Ok(CheckedIntake {
        intake: checked.intake,
        handling_org_unit_id: checked.handling_org_unit_id,
        person,
    })
}

/// Who takes an appeal in: staff at a desk (or on a visit), or the appellant themselves
/// through the public door.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TakenInBy<'a> {
    Desk(&'a Actor),
    Appellant,
}

/// Registers a checked intake through core with a fresh tracking code and hands the appeal
/// and its event to `store`, once more with a new code on the (rare) duplicate.
pub(crate) async fn store_intake<T, F, Fut>(
    state: &AppState,
    by: TakenInBy<'_>,
    checked: &CheckedIntake,
    mut store: F,
) -> AppResult<T>
where
    F: FnMut(Appeal, Event) -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let now = state.now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut entropy = [0u8; 10];
        rand::rngs::OsRng.fill_bytes(&mut entropy);
        let code = tracking_code(now, entropy);
        let (appeal, event) = {
            let calendar = state.calendar();
            let policy = state.policy();
            let (intake, unit) = (checked.intake.clone(), checked.handling_org_unit_id);
            match by {
                TakenInBy::Desk(actor) => {
                    register(intake, code, unit, actor, now, &calendar, &policy)?
                }
                TakenInBy::Appellant => {
                    register_public(intake, code, unit, now, &calendar, &policy)?
                }
            }
        };
        match store(appeal, event).await {
            Ok(stored) => return Ok(stored),
            Err(StoreError::Conflict(e)) if e.field == "tracking_code" && attempts < 3 => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// A department an appeal may be referred to, with the node it is attached to.
#[derive(Debug, Clone)]
pub(crate) struct ReferralTarget {
    pub department: Department,
    /// The node the department belongs to (its street, the district): the list's group.
    pub unit_name: String,
}

/// The departments an appeal handled at `handling_path` may be referred to (core's
/// `may_refer`), nearest level first: what the form offers and all the API accepts.
pub(crate) async fn referral_targets(
    state: &AppState,
    handling_path: &str,
) -> AppResult<Vec<ReferralTarget>> {
    let units: HashMap<Id, (String, String)> = state
        .store
        .org_units()
        .await?
        .into_iter()
        .map(|u| (u.id, (u.path, u.name)))
        .collect();
    let mut found: Vec<(String, ReferralTarget)> = state
        .store
        .departments()
        .await?
        .into_iter()
        .filter_map(|d| {
            let (path, name) = units.get(&d.org_unit_id)?;
            may_refer(handling_path, path).then(|| {
                let target = ReferralTarget {
                    department: d,
                    unit_name: name.clone(),
                };
                (path.clone(), target)
            })
        })
        .collect();
    found.sort_by(|(pa, a), (pb, b)| {
        referral_order((pa, &a.department.name), (pb, &b.department.name))
    });
    Ok(found.into_iter().map(|(_, t)| t).collect())
}

/// Checks that the ids a command names exist and fit the appeal (before `act`, so that a
/// bad reference is a 422 naming it rather than a constraint failure).
async fn check_references(
    state: &AppState,
    actor: &Actor,
    rec: &AppealRecord,
    cmd: &Command,
) -> AppResult<()> {
    match cmd {
        Command::Refer { department_id, .. } => {
            let targets = referral_targets(state, &rec.place.handling_path).await?;
            if !targets.iter().any(|t| t.department.id == *department_id) {
                let known = state.store.department(*department_id).await?;
                let error = match known {
                    Some(d) => FieldError::new("department_id", &DEPARTMENT_OUT_OF_REACH)
                        .with("name", d.name),
                    None => FieldError::new("department_id", &DEPARTMENT_UNKNOWN),
                };
                return Err(AppError::Invalid(vec![error]));
            }
        }
        Command::Assign {
            user_id: Some(user_id),
            ..
        } => {
            let user = state.store.user(*user_id).await?;
            let fits = match user {
                Some(u) if u.role != Role::Auditor => state
                    .store
                    .org_unit(u.org_unit_id)
                    .await?
                    .is_some_and(|unit| in_subtree(&rec.place.handling_path, &unit.path)),
                _ => false,
            };
            if !fits {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "user_id",
                    &ASSIGNEE_UNKNOWN,
                )]));
            }
        }
        Command::Assign {
            team_id: Some(team_id),
            ..
        } => {
            let fits = state
                .store
                .team(*team_id)
                .await?
                .is_some_and(|t| t.org_unit_id == rec.appeal.handling_org_unit_id);
            if !fits {
                return Err(AppError::Invalid(vec![FieldError::new(
                    "team_id",
                    &TEAM_UNKNOWN,
                )]));
            }
        }
        Command::Merge { into_appeal_id } if *into_appeal_id != rec.appeal.id => {
            match state.store.appeal(actor, *into_appeal_id).await {
                Ok(target) if target.appeal.status == Status::Merged => {
                    return Err(AppError::Invalid(vec![FieldError::new(
                        "into_appeal_id",
                        &MERGE_TARGET_MERGED,
                    )]));
                }
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(AppError::Invalid(vec![FieldError::new(
                        "into_appeal_id",
                        &MERGE_TARGET_UNKNOWN,
                    )]))
                }
                Err(e) => return Err(e.into()),
            }
        }
        _ => {}
    }
    Ok(())
}

/// The action path shared by the JSON API and the web forms: role, scope, references,
/// then `decide` inside the store's transaction. Returns the appeal after the action.
pub(crate) async fn act_on(
    state: &AppState,
    actor: &Actor,
    id: Id,
    cmd: Command,
) -> AppResult<AppealRecord> {
    let action = cmd.kind();
    if !actor.may(Capability::Act(action)) {
        return Err(AppError::Forbidden(actor.may_not_act(action)));
    }
    let rec = state.store.appeal(actor, id).await?;
    super::problems::check_lead_action(state, id, action).await?;
    check_references(state, actor, &rec, &cmd).await?;
    if let Command::Classify { category, .. } = &cmd {
        // Core's rule over the taxonomy as it is now: a leaf, and not 待分类 itself.
        let taxonomy = state.store.categories().await?;
        check_sortable(&taxonomy, category).map_err(|e| AppError::Invalid(vec![e]))?;
    }

    let now = state.now();
    let calendar = state.calendar.clone();
    let policy = state.policy.clone();
    let who = actor.clone();
    let outcome = state
        .store
        .act(actor, id, move |rec| {
            let calendar = read(&calendar);
            let policy = read(&policy);
            let ctx = Context {
                now,
                actor: &who,
                place: &rec.place,
                calendar: &calendar,
                policy: &policy,
            };
            decide(&rec.appeal, &cmd, &ctx)
        })
        .await?;
    let rec = outcome?;
    tracing::debug!(appeal_id = id, action = action.code(), "appeal action");
    Ok(rec)
}

/// The appeal a tracking code names (trimmed, any case) in the actor's scope; otherwise a
/// 422 on `field` that no appeal has that code in scope (never whether one exists elsewhere).
pub(crate) async fn appeal_by_code(
    state: &AppState,
    actor: &Actor,
    field: &str,
    code: &str,
) -> AppResult<Id> {
    let code = code.trim().to_uppercase();
    let unknown = || {
        let shown: String = code.chars().take(40).collect();
        AppError::Invalid(vec![
            FieldError::new(field, &TRACKING_CODE_UNKNOWN).with("value", shown)
        ])
    };
    let id = state
        .store
        .appeal_id_by_tracking_code(&code)
        .await?
        .ok_or_else(unknown)?;
    match state.store.appeal(actor, id).await {
        Ok(_) => Ok(id),
        Err(StoreError::NotFound) => Err(unknown()),
        Err(e) => Err(e.into()),
    }
}

// The messages of this module's rules (a code, the Chinese and the English).
const TRACKING_CODE_UNKNOWN: Msg = msg!(
    "tracking_code_unknown",
    "找不到查询码为「{value}」的诉求（或不在您的范围内），请核对",
    "No appeal has the tracking code {value} (within your scope); check it",
);
const ASSIGNEE_UNKNOWN: Msg = msg!(
    "assignee_unknown",
    "未知的人员，或不在承办单位范围内",
    "Unknown person, or outside the handling unit",
);
const DEPARTMENT_OUT_OF_REACH: Msg = msg!(
    "department_out_of_reach",
    "「{name}」不在可转办的范围内：只能转办给本单位、本街道或区级的部门",
    "{name} is out of reach: refer only to departments of this unit, its street or the district",
);
const DEPARTMENT_UNKNOWN: Msg = msg!(
    "department_unknown",
    "没有这个转办部门，请从列表中选择",
    "There is no such department; choose one from the list",
);
const MERGE_TARGET_MERGED: Msg = msg!(
    "merge_target_merged",
    "要合并到的诉求本身已合并到其他诉求，请合并到最终的那一件",
    "The appeal to merge into is itself merged; merge into the final one",
);
const MERGE_TARGET_UNKNOWN: Msg = msg!(
    "merge_target_unknown",
    "找不到要合并到的诉求（或不在您的范围内）",
    "The appeal to merge into is not found (or outside your scope)",
);
const TEAM_UNKNOWN: Msg = msg!(
    "team_unknown",
    "未知的服务团队，或不属于承办单位",
    "Unknown service team, or not of the handling unit",
);
