//! The timeline of an appeal as the detail page shows it: each event's label, who, when,
//! where it went (names, not ids) and why.

use super::*;

/// One timeline entry as shown.
pub(super) struct Entry {
    pub(super) what: &'static str,
    pub(super) who: String,
    pub(super) at: String,
    pub(super) details: Vec<String>,
    pub(super) why: String,
}

/// The label of an event type in `lang`.
pub(super) fn event_label(lang: Lang, body: &EventBody) -> &'static str {
    match body {
        EventBody::Registered { .. } => match lang {
            Lang::Zh => "登记",
            Lang::En => "Registered",
        },
        EventBody::Overdue { .. } => match lang {
            Lang::Zh => "超期",
            Lang::En => "Overdue",
        },
        EventBody::Unmerge { .. } | EventBody::ResolveWithLead { .. } => body
            .problem_label()
            .map_or("?", |(zh, en)| lang.pick(zh, en)),
        other => {
            let code = other.type_name();
            match ActionKind::parse(code) {
                Some(a) => lang.label(a.code(), a.label_zh()),
                None => "?",
            }
        }
    }
}

/// Names the timeline refers to by id.
pub(super) struct Names {
    pub(super) units: HashMap<Id, String>,
    pub(super) departments: HashMap<Id, String>,
    pub(super) users: HashMap<Id, String>,
    pub(super) teams: HashMap<Id, String>,
    /// Tracking codes of the appeals merges point at (people know appeals by code).
    pub(super) appeals: HashMap<Id, String>,
    /// Category names by code, in the reader's language (改类 says from what to what).
    pub(super) categories: HashMap<String, String>,
}

impl Names {
    pub(super) fn of(map: &HashMap<Id, String>, id: Id) -> String {
        map.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    /// An appeal by its tracking code; one outside the reader's scope by no number at all.
    pub(super) fn appeal(&self, lang: Lang, id: Id) -> String {
        self.appeals
            .get(&id)
            .cloned()
            .unwrap_or_else(|| lang.t("detail.other_appeal").to_string())
    }
}

pub(super) fn entry(lang: Lang, e: &suqiu_store::appeals::StoredEvent, n: &Names) -> Entry {
    let (details, why) =
        closing_details(lang, &e.body).unwrap_or_else(|| handling_details(lang, &e.body, n));
    Entry {
        what: event_label(lang, &e.body),
        // The deadline watch and the appellant act with no account.
        who: match suqiu_core::appeal::actor_without_account(e.actor_id) {
            Some((zh, en)) => lang.pick(zh, en).to_string(),
            None => e.actor_name.clone(),
        },
        at: when(e.at),
        details,
        why,
    }
}

/// What a timeline entry of the closing loop (办结, 反馈, 回访, 恢复) shows: details and why.
pub(super) fn closing_details(lang: Lang, body: &EventBody) -> Option<(Vec<String>, String)> {
    let label = |code: &str, zh: &'static str| lang.label(code, zh).to_string();
    Some(match body {
        EventBody::Resolve { resolution, note }
        | EventBody::ResolveWithLead {
            resolution, note, ..
        } => (
            vec![label(resolution.code(), resolution.label_zh())],
            note.clone(),
        ),
        EventBody::Feedback { channel, note } => (
            vec![label(channel.code(), channel.label_zh())],
            note.clone(),
        ),
        EventBody::FollowUp {
            satisfaction,
            solved,
            note,
            ..
        } => {
            let mut details = vec![label(satisfaction.code(), satisfaction.label_zh())];
            if let Some(solved) = solved {
                let answer = if *solved {
                    label("solved", "已解决")
                } else {
                    lang.t("f.no").to_string()
                };
                details.push(format!(
                    "{}{}{answer}",
                    lang.t("f.resolution"),
                    lang.t("punct.colon")
                ));
            }
            (details, note.clone().unwrap_or_default())
        }
        EventBody::Resume {
            note, resolve_by, ..
        } => (
            resolve_by
                .iter()
                .map(|by| format!("→ {}", when(*by)))
                .collect(),
            note.clone().unwrap_or_default(),
        ),
        _ => return None,
    })
}

/// What any other timeline entry shows: where it went (names, not ids) and why. A step out
/// of a problem (移出问题) shows its label only: the problem's own timeline says which.
pub(super) fn handling_details(lang: Lang, body: &EventBody, n: &Names) -> (Vec<String>, String) {
    let label = |code: &str, zh: &'static str| lang.label(code, zh).to_string();
    let to = |name: String| vec![format!("→ {name}")];
    let why = |note: &Option<String>| note.clone().unwrap_or_default();
    match body {
        EventBody::Registered {
            channel,
            kind,
            urgency,
            ..
        } => {
            let details = vec![
                label(channel.code(), channel.label_zh()),
                label(kind.code(), kind.label_zh()),
                label(urgency.code(), urgency.label_zh()),
            ];
            (details, String::new())
        }
        EventBody::Accept { note } => (Vec::new(), why(note)),
        EventBody::Assign {
            user_id,
            team_id,
            note,
        } => {
            let users = user_id.iter().map(|u| Names::of(&n.users, *u));
            let teams = team_id.iter().map(|t| Names::of(&n.teams, *t));
            (users.chain(teams).flat_map(to).collect(), why(note))
        }
        EventBody::Refer {
            department_id,
            note,
        } => (to(Names::of(&n.departments, *department_id)), note.clone()),
        EventBody::Escalate {
            to_org_unit_id,
            note,
            ..
        } => (to(Names::of(&n.units, *to_org_unit_id)), note.clone()),
        EventBody::Return { note, .. }
        | EventBody::Progress { note }
        | EventBody::Reopen { note, .. }
        | EventBody::Supervise { note } => (Vec::new(), note.clone()),
        EventBody::Extend { days, reason } => (
            vec![format!("+{days} {}", lang.t("admin.working_days"))],
            reason.clone(),
        ),
        EventBody::ExtendApprove {
            approve,
            reason,
            resolve_by,
        } => {
            let decided = lang.t(if *approve { "act.approve" } else { "act.deny" });
            let mut details = vec![decided.to_string()];
            // The new limit, written as the notice to the requester writes it.
            details.extend(resolve_by.map(|by| format!("→ {}", deadline_at(by))));
            (details, why(reason))
        }
        EventBody::Reject { reason }
        | EventBody::Suspend { reason }
        | EventBody::MarkSpam { reason } => (Vec::new(), reason.clone()),
        EventBody::UnmarkSpam { note } => (Vec::new(), note.clone()),
        EventBody::Classify { from, to, note } => {
            let name = |code: &str| category_label(&n.categories, code);
            (vec![format!("{} → {}", name(from), name(to))], why(note))
        }
        EventBody::Overdue { deadline, due } => (
            vec![
                label(deadline.code(), deadline.label_zh()),
                deadline_at(*due),
            ],
            String::new(),
        ),
        EventBody::Merge { into_appeal_id } => (to(n.appeal(lang, *into_appeal_id)), String::new()),
        EventBody::Unmerge { .. }
        | EventBody::Resolve { .. }
        | EventBody::ResolveWithLead { .. }
        | EventBody::Feedback { .. }
        | EventBody::FollowUp { .. }
        | EventBody::Resume { .. } => (Vec::new(), String::new()),
    }
}

/// The names the timeline and the facts refer to by id.
pub(super) async fn names(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    events: &[StoredEvent],
    all_units: &[OrgUnit],
) -> Result<Names, UiError> {
    let mut n = Names {
        units: all_units.iter().map(|u| (u.id, u.name.clone())).collect(),
        departments: state
            .store
            .departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect(),
        users: HashMap::new(),
        teams: HashMap::new(),
        appeals: HashMap::new(),
        categories: crate::app::appeals::category_names(state, s.lang == Lang::En).await?,
    };
    let mut merged_into: Vec<Id> = rec.appeal.merged_into.into_iter().collect();
    for e in events {
        match &e.body {
            EventBody::Assign {
                user_id, team_id, ..
            } => {
                if let Some(id) = user_id {
                    if let Some(u) = state.store.user(*id).await? {
                        n.users.insert(*id, u.display_name);
                    }
                }
                if let Some(id) = team_id {
                    if let Some(t) = state.store.team(*id).await? {
                        n.teams.insert(*id, t.name);
                    }
                }
            }
            EventBody::Merge { into_appeal_id }
            | EventBody::Unmerge {
                from_appeal_id: into_appeal_id,
            } => merged_into.push(*into_appeal_id),
            _ => {}
        }
    }
    for id in merged_into {
        // One out of the reader's scope keeps its number: its code is not theirs to see.
        if let Ok(target) = state.store.appeal(&s.actor, id).await {
            n.appeals.insert(id, target.appeal.tracking_code);
        }
    }
    Ok(n)
}
