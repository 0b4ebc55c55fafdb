//! `decide`: a problem's commands over the facts of the appeals they touch (see the
//! parent module). One function per command; every refusal names its field.

use std::collections::BTreeSet;

use super::{
    lowest_common, AppealChange, Candidate, Command, Decision, EventBody, Facts, Problem,
    MAX_PLACE_CHARS, MAX_TITLE_CHARS, MIN_APPEALS,
};
use crate::access::Role;
use crate::appeal::Status;
use crate::error::{FieldError, Msg, Refusal};
use crate::msg;
use crate::org::in_subtree;
use crate::Id;

/// Decides `command` on `problem` (`None` only for `Create`).
pub fn decide(
    problem: Option<&Problem>,
    command: &Command,
    facts: &Facts<'_>,
) -> Result<Decision, Refusal> {
    let Some(problem) = problem else {
        return match command {
            Command::Create {
                title,
                place,
                lead_appeal_id,
                appeal_ids,
            } => create(facts, title, place, *lead_appeal_id, appeal_ids),
            _ => Err(Refusal::invalid("action", &NEEDS_A_PROBLEM)),
        };
    };
    if problem.dissolved {
        return Err(Refusal::Conflict(FieldError::new("action", &DISSOLVED)));
    }
    match command {
        Command::Create { .. } => Err(Refusal::invalid("action", &NEEDS_A_PROBLEM)),
        Command::Rename { title } => rename(problem, title),
        Command::Add { appeal_id } => {
            let lead = open_lead(problem, facts)?;
            add(problem, facts, *appeal_id, lead)
        }
        Command::Remove { appeal_id } => {
            open_lead(problem, facts)?;
            remove(problem, facts, *appeal_id)
        }
        Command::Move {
            appeal_id,
            to_problem_id,
        } => {
            open_lead(problem, facts)?;
            move_to(problem, facts, *appeal_id, *to_problem_id)
        }
        Command::Split { appeal_ids, title } => {
            open_lead(problem, facts)?;
            split(problem, facts, appeal_ids, title)
        }
        Command::Dissolve { note } => {
            open_lead(problem, facts)?;
            dissolve(problem, note)
        }
    }
}

/// The problem's appeals can change only while its lead is still being handled: once the
/// lead is resolved, its members were answered with it.
fn open_lead(problem: &Problem, facts: &Facts<'_>) -> Result<Id, Refusal> {
    let lead = problem.lead_appeal_id;
    match facts.appeals.get(&lead) {
        Some(c) if c.may_lead() => Ok(lead),
        _ => Err(Refusal::Conflict(FieldError::new("action", &HANDLED))),
    }
}

fn create(
    facts: &Facts<'_>,
    title: &str,
    place: &Option<String>,
    lead: Id,
    appeal_ids: &[Id],
) -> Result<Decision, Refusal> {
    let mut errors = Vec::new();
    let title = check_title(title, &mut errors);
    let place = check_place(place, &mut errors);
    let ids = distinct(lead, appeal_ids);
    let members: Vec<Id> = ids.iter().copied().filter(|id| *id != lead).collect();
    if ids.len() < MIN_APPEALS {
        errors.push(FieldError::new("appeal_ids", &TOO_FEW));
    }
    match fit(facts, lead, None) {
        Ok(c) if c.may_lead() => {}
        Ok(_) => errors.push(FieldError::new("lead_appeal_id", &LEAD_NOT_OPEN)),
        Err(e) => errors.push(e.at("lead_appeal_id")),
    }
    for id in &members {
        if let Err(e) = joinable(facts, *id, None) {
            errors.push(e.at("appeal_ids"));
        }
    }
    if let Some(first) = errors.into_iter().next() {
        return Err(Refusal::Invalid(first));
    }
    let org_path = lowest_common(ids.iter().map(|id| path_of(facts, *id)));
    let appeals = members
        .into_iter()
        .map(|id| AppealChange::Join {
            appeal_id: id,
            lead_appeal_id: lead,
        })
        .collect();
    Ok(Decision {
        events: vec![EventBody::Created {
            title,
            place,
            org_path,
            lead_appeal_id: lead,
            appeal_ids: ids,
            split_from: None,
        }],
        other: None,
        appeals,
    })
}

fn rename(problem: &Problem, title: &str) -> Result<Decision, Refusal> {
    let mut errors = Vec::new();
    let to = check_title(title, &mut errors);
    if let Some(e) = errors.into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    if to == problem.title {
        return Err(Refusal::invalid("title", &SAME_TITLE));
    }
    Ok(Decision {
        events: vec![EventBody::Renamed {
            from: problem.title.clone(),
            to,
        }],
        ..Decision::default()
    })
}

fn add(problem: &Problem, facts: &Facts<'_>, id: Id, lead: Id) -> Result<Decision, Refusal> {
    joinable(facts, id, None).map_err(|e| Refusal::Invalid(e.at("appeal_id")))?;
    let org_path = lowest_common(
        problem
            .appeal_ids
            .iter()
            .chain([&id])
            .map(|a| path_of(facts, *a)),
    );
    Ok(Decision {
        events: vec![EventBody::AppealAdded {
            appeal_id: id,
            from_problem_id: None,
            org_path,
        }],
        other: None,
        appeals: vec![AppealChange::Join {
            appeal_id: id,
            lead_appeal_id: lead,
        }],
    })
}

/// A member that may leave: in this problem, not its lead, still merged (not yet answered).
fn leaving(problem: &Problem, facts: &Facts<'_>, id: Id) -> Result<(), FieldError> {
    if !problem.appeal_ids.contains(&id) {
        return Err(FieldError::new("appeal_id", &NOT_A_MEMBER));
    }
    if id == problem.lead_appeal_id {
        return Err(FieldError::new("appeal_id", &LEAD_STAYS));
    }
    match facts.appeals.get(&id) {
        Some(c) if c.status == Status::Merged => Ok(()),
        _ => Err(FieldError::new("appeal_id", &NOT_A_MEMBER)),
    }
}

/// The problem's node once `gone` have left it.
fn path_without(problem: &Problem, facts: &Facts<'_>, gone: &[Id]) -> String {
    lowest_common(
        problem
            .appeal_ids
            .iter()
            .filter(|a| !gone.contains(a))
            .map(|a| path_of(facts, *a)),
    )
}

fn remove(problem: &Problem, facts: &Facts<'_>, id: Id) -> Result<Decision, Refusal> {
    leaving(problem, facts, id).map_err(Refusal::Invalid)?;
    if problem.appeal_ids.len() <= MIN_APPEALS {
        return Err(Refusal::Conflict(FieldError::new("appeal_id", &LAST_TWO)));
    }
    Ok(Decision {
        events: vec![EventBody::AppealRemoved {
            appeal_id: id,
            to_problem_id: None,
            org_path: path_without(problem, facts, &[id]),
        }],
        other: None,
        appeals: vec![AppealChange::Leave {
            appeal_id: id,
            lead_appeal_id: problem.lead_appeal_id,
        }],
    })
}

fn move_to(problem: &Problem, facts: &Facts<'_>, id: Id, to: Id) -> Result<Decision, Refusal> {
    leaving(problem, facts, id).map_err(Refusal::Invalid)?;
    let target = facts
        .target
        .filter(|t| t.id == to && t.id != problem.id && !t.dissolved)
        .ok_or_else(|| Refusal::invalid("to_problem_id", &TARGET_UNFIT))?;
    if !facts
        .appeals
        .get(&target.lead_appeal_id)
        .is_some_and(Candidate::may_lead)
        || !in_subtree(&facts.actor.org_path, &target.org_path)
    {
        return Err(Refusal::invalid("to_problem_id", &TARGET_UNFIT));
    }
    if problem.appeal_ids.len() <= MIN_APPEALS {
        return Err(Refusal::Conflict(FieldError::new("appeal_id", &LAST_TWO)));
    }
    let there = lowest_common(
        target
            .appeal_ids
            .iter()
            .chain([&id])
            .map(|a| path_of(facts, *a)),
    );
    Ok(Decision {
        events: vec![EventBody::AppealRemoved {
            appeal_id: id,
            to_problem_id: Some(to),
            org_path: path_without(problem, facts, &[id]),
        }],
        other: Some((
            Some(to),
            vec![EventBody::AppealAdded {
                appeal_id: id,
                from_problem_id: Some(problem.id),
                org_path: there,
            }],
        )),
        appeals: vec![
            AppealChange::Leave {
                appeal_id: id,
                lead_appeal_id: problem.lead_appeal_id,
            },
            AppealChange::Join {
                appeal_id: id,
                lead_appeal_id: target.lead_appeal_id,
            },
        ],
    })
}

fn split(
    problem: &Problem,
    facts: &Facts<'_>,
    ids: &[Id],
    title: &str,
) -> Result<Decision, Refusal> {
    let mut errors = Vec::new();
    let title = check_title(title, &mut errors);
    let ids: Vec<Id> = ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for id in &ids {
        if let Err(e) = leaving(problem, facts, *id) {
            errors.push(e.at("appeal_ids"));
        }
    }
    if ids.len() < MIN_APPEALS || problem.appeal_ids.len() < ids.len() + MIN_APPEALS {
        errors.push(FieldError::new("appeal_ids", &SPLIT_SIZES));
    }
    if let Some(e) = errors.into_iter().next() {
        return Err(Refusal::Invalid(e));
    }
    let new_lead = ids[0];
    let old_lead = problem.lead_appeal_id;
    let mut appeals: Vec<AppealChange> = ids
        .iter()
        .map(|id| AppealChange::Leave {
            appeal_id: *id,
            lead_appeal_id: old_lead,
        })
        .collect();
    appeals.extend(ids[1..].iter().map(|id| AppealChange::Join {
        appeal_id: *id,
        lead_appeal_id: new_lead,
    }));
    Ok(Decision {
        events: vec![EventBody::SplitOff {
            appeal_ids: ids.clone(),
            org_path: path_without(problem, facts, &ids),
        }],
        other: Some((
            None,
            vec![EventBody::Created {
                title,
                place: problem.place.clone(),
                org_path: lowest_common(ids.iter().map(|a| path_of(facts, *a))),
                lead_appeal_id: new_lead,
                appeal_ids: ids.clone(),
                split_from: Some(problem.id),
            }],
        )),
        appeals,
    })
}

fn dissolve(problem: &Problem, note: &Option<String>) -> Result<Decision, Refusal> {
    let note = match note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => {
            crate::lifecycle::bounded("note", n, crate::lifecycle::MAX_NOTE_CHARS)
                .map_err(|r| Refusal::Invalid(field_of(r)))?;
            Some(n.to_string())
        }
    };
    Ok(Decision {
        events: vec![EventBody::Dissolved { note }],
        other: None,
        appeals: problem
            .members()
            .map(|id| AppealChange::Leave {
                appeal_id: id,
                lead_appeal_id: problem.lead_appeal_id,
            })
            .collect(),
    })
}

/// The field error inside a lifecycle refusal of a text's length.
fn field_of(r: crate::lifecycle::Refusal) -> FieldError {
    match r {
        crate::lifecycle::Refusal::Invalid(e) => e,
        other => FieldError::untranslated("note", "invalid", other.to_string()),
    }
}

/// The appeal as far as the actor may group it: known in scope, handled at or below the
/// actor's node (a staff role's), and in no other problem than `allowed`.
fn fit<'a>(facts: &Facts<'a>, id: Id, allowed: Option<Id>) -> Result<&'a Candidate, FieldError> {
    let c = facts
        .appeals
        .get(&id)
        .ok_or_else(|| FieldError::new("appeal_id", &UNKNOWN).with("id", id))?;
    let staff = matches!(
        facts.actor.role,
        Role::DistrictAdmin | Role::StreetStaff | Role::StationStaff
    );
    if !staff || !in_subtree(&facts.actor.org_path, &c.handling_path) {
        return Err(FieldError::new("appeal_id", &NOT_YOURS).with("id", id));
    }
    if c.problem_id.is_some() && c.problem_id != allowed {
        return Err(FieldError::new("appeal_id", &IN_ANOTHER).with("id", id));
    }
    Ok(c)
}

/// [`fit`], and in a state the lifecycle's `merge` takes.
fn joinable(facts: &Facts<'_>, id: Id, allowed: Option<Id>) -> Result<(), FieldError> {
    let c = fit(facts, id, allowed)?;
    if c.may_join() {
        Ok(())
    } else {
        Err(FieldError::new("appeal_id", &CANNOT_JOIN)
            .with("id", id)
            .with_words("status", c.status.label_zh(), c.status.label_en()))
    }
}

fn path_of(facts: &Facts<'_>, id: Id) -> String {
    facts
        .appeals
        .get(&id)
        .map(|c| c.handling_path.clone())
        .unwrap_or_default()
}

/// The lead first, then the others in the order given, each once.
fn distinct(lead: Id, ids: &[Id]) -> Vec<Id> {
    let mut seen = BTreeSet::new();
    std::iter::once(lead)
        .chain(ids.iter().copied())
        .filter(|id| seen.insert(*id))
        .collect()
}

/// A problem's title: trimmed, required, at most [`MAX_TITLE_CHARS`] (its fault pushed to
/// `errors`; a form checks it with the rest of its fields).
pub fn check_title(title: &str, errors: &mut Vec<FieldError>) -> String {
    let t = title.trim();
    if t.is_empty() {
        errors.push(FieldError::new("title", &TITLE_EMPTY));
    } else if t.chars().count() > MAX_TITLE_CHARS {
        errors.push(FieldError::new("title", &TOO_LONG).with("max", MAX_TITLE_CHARS));
    }
    t.to_string()
}

fn check_place(place: &Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let p = place.as_deref().map(str::trim).filter(|p| !p.is_empty())?;
    if p.chars().count() > MAX_PLACE_CHARS {
        errors.push(FieldError::new("place", &TOO_LONG).with("max", MAX_PLACE_CHARS));
    }
    Some(p.to_string())
}

// The messages of this module's rules (a code, the Chinese and the English).
pub(super) const NEEDS_A_PROBLEM: Msg = msg!(
    "problem_action_unknown",
    "这个操作不适用于问题",
    "This action does not apply to a problem"
);
pub(super) const DISSOLVED: Msg = msg!(
    "problem_dissolved",
    "问题已解散，不能再操作",
    "The problem was dissolved; nothing more can be done with it"
);
pub(super) const HANDLED: Msg = msg!(
    "problem_handled",
    "主件已办结，问题中的诉求已随之办结，不能再调整",
    "The lead appeal is resolved and its appeals with it; they can no longer be regrouped"
);
pub(super) const TOO_FEW: Msg = msg!(
    "problem_too_few",
    "一个问题至少要有两件诉求",
    "A problem needs at least two appeals"
);
pub(super) const LEAD_NOT_OPEN: Msg = msg!(
    "problem_lead_not_open",
    "主件必须是正在办理的诉求（未办结、未合并、未不予受理）",
    "The lead must be an appeal still being handled (not resolved, merged or rejected)"
);
pub(super) const UNKNOWN: Msg = msg!(
    "problem_appeal_unknown",
    "找不到诉求 {id}（或不在您的范围内）",
    "Appeal {id} is not found (or outside your scope)"
);
pub(super) const NOT_YOURS: Msg = msg!(
    "problem_appeal_not_yours",
    "诉求 {id} 不由您所在单位或下级单位承办，不能归并",
    "Appeal {id} is not handled by your unit or one below it, so you cannot group it"
);
pub(super) const IN_ANOTHER: Msg = msg!(
    "problem_appeal_in_another",
    "诉求 {id} 已属于另一个问题，请先从那个问题移出",
    "Appeal {id} already belongs to another problem; remove it from there first"
);
pub(super) const CANNOT_JOIN: Msg = msg!(
    "problem_appeal_cannot_join",
    "诉求 {id} 当前状态为「{status}」，只有已登记或已受理的诉求可以归并",
    "Appeal {id} is {status}; only a registered or accepted appeal can be grouped"
);
pub(super) const NOT_A_MEMBER: Msg = msg!(
    "problem_not_a_member",
    "这件诉求不是本问题中待办的合并件",
    "This appeal is not a merged appeal of this problem"
);
pub(super) const LEAD_STAYS: Msg = msg!(
    "problem_lead_stays",
    "主件不能移出；要换主件请拆分或解散问题",
    "The lead cannot leave; split or dissolve the problem instead"
);
pub(super) const LAST_TWO: Msg = msg!(
    "problem_last_two",
    "问题只剩两件诉求，不能再移出；请解散问题",
    "The problem has only two appeals left; dissolve it instead"
);
pub(super) const TARGET_UNFIT: Msg = msg!(
    "problem_target_unfit",
    "找不到要移入的问题，或它已解散、已办结或不在您的范围内",
    "The problem to move to is not found, dissolved, handled or outside your scope"
);
pub(super) const SPLIT_SIZES: Msg = msg!(
    "problem_split_sizes",
    "拆分要选出至少两件合并件，并给原问题留下至少两件诉求",
    "A split takes at least two merged appeals and leaves at least two in the problem"
);
pub(super) const SAME_TITLE: Msg = msg!(
    "problem_same_title",
    "新标题与原标题相同",
    "The new title is the same as the old one"
);
pub(super) const TITLE_EMPTY: Msg = msg!("problem_title_empty", "请填写问题标题", "Enter a title");
pub(super) const TOO_LONG: Msg = msg!(
    "problem_text_too_long",
    "不能超过 {max} 个字",
    "At most {max} characters"
);
