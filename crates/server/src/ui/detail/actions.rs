//! The action forms of the detail page: which are offered, their choices, the form as the
//! API's action body, and `POST /appeals/{id}/act` with what it says after.

use super::*;

/// One action form: which action, its label, and — when its last try failed — each field's
/// error beside that field and what was typed (kept, and the form comes back open, so
/// nothing has to be typed twice).
pub(super) struct ActionForm {
    pub(super) code: &'static str,
    pub(super) label: &'static str,
    pub(super) errors: FieldErrors,
    /// Messages about no field of this form (the action itself was refused).
    pub(super) general: Vec<String>,
    pub(super) typed: FormData,
    /// Shown open without a click: sorting (归类) an appeal nobody has sorted yet.
    pub(super) open: bool,
}

impl ActionForm {
    /// What was typed into `field` ("" unless this form just failed).
    pub(super) fn v(&self, field: &str) -> String {
        self.typed.raw(field)
    }

    /// The error beside `field` ("" when none).
    pub(super) fn err(&self, field: &str) -> &str {
        self.errors.get(field)
    }

    pub(super) fn failed(&self) -> bool {
        self.errors.any()
    }
}

/// The fields each action's form shows (its other errors go to the top of the form).
pub(super) fn form_fields(action: ActionKind) -> &'static [&'static str] {
    use ActionKind as A;
    match action {
        A::Assign => &["user_id", "team_id", "note"],
        A::Refer => &["department_id", "note"],
        A::Extend => &["days", "reason"],
        A::ExtendApprove => &["approve", "reason"],
        A::Resolve => &["resolution", "note"],
        A::Feedback => &["channel", "note"],
        A::FollowUp => &["solved", "satisfaction", "reopen", "note"],
        A::Reject | A::Suspend | A::MarkSpam => &["reason"],
        A::Classify => &["category", "note"],
        A::Merge => &["into_tracking_code"],
        _ => &["note"],
    }
}

/// A `<select>`'s group of choices (`<optgroup>`).
pub(super) struct OptionGroup {
    pub(super) label: String,
    pub(super) options: Vec<Choice>,
}

/// What the forms of the allowed actions offer to pick, looked up only for those offered.
pub(super) struct Choices {
    pub(super) users: Vec<Choice>,
    pub(super) teams: Vec<Choice>,
    pub(super) referral: Vec<OptionGroup>,
    pub(super) merge_candidates: Vec<Choice>,
    /// The categories it may be sorted into, by first level.
    pub(super) categories: Vec<OptionGroup>,
}

impl Choices {
    pub(super) async fn for_actions(
        state: &AppState,
        s: &Session,
        rec: &AppealRecord,
        (allowed, all_units): (&[ActionKind], &[OrgUnit]),
    ) -> Result<Choices, UiError> {
        let (users, teams) = if allowed.contains(&ActionKind::Assign) {
            assign_choices(state, s, rec, all_units).await?
        } else {
            (Vec::new(), Vec::new())
        };
        let referral = if allowed.contains(&ActionKind::Refer) {
            referral_groups(state, rec).await?
        } else {
            Vec::new()
        };
        let merge_candidates = if allowed.contains(&ActionKind::Merge) {
            merge_candidates(state, s, rec).await?
        } else {
            Vec::new()
        };
        let categories = if allowed.contains(&ActionKind::Classify) {
            category_groups(state, s.lang, &rec.appeal.category).await?
        } else {
            Vec::new()
        };
        Ok(Choices {
            users,
            teams,
            referral,
            merge_candidates,
            categories,
        })
    }
}

/// An action form that failed: which action (if it was one), its errors, what was typed.
pub(super) struct Failure {
    pub(super) action: Option<ActionKind>,
    pub(super) errors: FieldErrors,
    pub(super) form: FormData,
}

impl Failure {
    pub(super) fn new(
        action: Option<ActionKind>,
        p: &Problem,
        form: FormData,
        lang: Lang,
    ) -> Failure {
        let mut errors = FieldErrors::from_problem(p, lang);
        // The form names a merge target by its code; the checks behind it by its id.
        for (field, _) in &mut errors.0 {
            if field == "into_appeal_id" {
                *field = "into_tracking_code".into();
            }
        }
        Failure {
            action,
            errors,
            form,
        }
    }
}

/// People and teams the appeal can be assigned to: accounts at the handling unit or below.
pub(super) async fn assign_choices(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
    all_units: &[OrgUnit],
) -> Result<(Vec<Choice>, Vec<Choice>), UiError> {
    let lang = s.lang;
    let paths: HashMap<Id, &str> = all_units.iter().map(|u| (u.id, u.path.as_str())).collect();
    let mut users = Vec::new();
    for u in state.store.users_in_scope(&s.actor).await? {
        let fits = paths
            .get(&u.org_unit_id)
            .is_some_and(|p| in_subtree(&rec.place.handling_path, p));
        if fits && u.role != Role::Auditor {
            let role = lang.label(u.role.code(), u.role.label_zh());
            users.push(Choice::new(
                u.id.to_string(),
                format!(
                    "{}{}{role}{}",
                    u.display_name,
                    lang.t("punct.lparen"),
                    lang.t("punct.rparen")
                ),
                "",
            ));
        }
    }
    let teams = state
        .store
        .teams(rec.appeal.handling_org_unit_id)
        .await?
        .into_iter()
        .map(|t| Choice::new(t.id.to_string(), t.name, ""))
        .collect();
    Ok((users, teams))
}

/// The departments the appeal may be referred to (core's rule, through the API's own
/// list), grouped by the node they belong to, nearest first; the one holding it now left out.
pub(super) async fn referral_groups(
    state: &AppState,
    rec: &AppealRecord,
) -> Result<Vec<OptionGroup>, UiError> {
    let mut groups: Vec<OptionGroup> = Vec::new();
    for t in referral_targets(state, &rec.place.handling_path).await? {
        if rec.appeal.department_id == Some(t.department.id) {
            continue;
        }
        let choice = Choice::new(t.department.id.to_string(), t.department.name, "");
        match groups.last_mut() {
            Some(g) if g.label == t.unit_name => g.options.push(choice),
            _ => groups.push(OptionGroup {
                label: t.unit_name,
                options: vec![choice],
            }),
        }
    }
    Ok(groups)
}

/// The categories an appeal in `current` may be sorted into (core's `check_sortable`: the
/// leaves, not 待分类), under their first level; `current` itself left out.
pub(super) async fn category_groups(
    state: &AppState,
    lang: Lang,
    current: &str,
) -> Result<Vec<OptionGroup>, UiError> {
    let taxonomy = state.store.categories().await?;
    let english = lang == Lang::En;
    let mut groups: Vec<OptionGroup> = Vec::new();
    for c in &taxonomy {
        if c.code == current || check_sortable(&taxonomy, &c.code).is_err() {
            continue;
        }
        let head = c
            .parent_code
            .as_deref()
            .and_then(|p| taxonomy.iter().find(|x| x.code == p))
            .unwrap_or(c);
        let choice = Choice::new(c.code.clone(), c.name_in(english).to_string(), "");
        let label = head.name_in(english).to_string();
        match groups.last_mut() {
            Some(g) if g.label == label => g.options.push(choice),
            _ => groups.push(OptionGroup {
                label,
                options: vec![choice],
            }),
        }
    }
    Ok(groups)
}

/// How far back merge candidates are looked for.
const MERGE_DAYS: i64 = 30;

/// Earlier appeals about the same matter (same appellant or place, same category) that this
/// one could be merged into, by code: the merge form offers them to pick.
pub(super) async fn merge_candidates(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
) -> Result<Vec<Choice>, UiError> {
    let a = &rec.appeal;
    let q = SimilarQuery {
        person_id: match a.appellant {
            Appellant::Person { person_id } => Some(person_id),
            _ => None,
        },
        phone: rec.appellant_phone.clone(),
        location: a.location.clone(),
        category: a.category.clone(),
        since: a.created_at - TimeDelta::days(MERGE_DAYS),
    };
    Ok(state
        .store
        .similar_recent(&s.actor, &q)
        .await?
        .into_iter()
        .filter(|x| x.id != a.id && !matches!(x.status, Status::Merged | Status::Rejected))
        .map(|x| {
            let label = format!(
                "{} · {}",
                x.tracking_code,
                summary(x.title.as_deref(), &x.content)
            );
            Choice::new(x.tracking_code, label, "")
        })
        .collect())
}

/// The forms of the actions allowed now; the one that just failed carries its errors and
/// what was typed.
/// An `unsorted` appeal's first form is 归类, open: the first thing the station does with what
/// a resident brought (改类 otherwise, among the rest).
pub(super) fn action_forms(
    lang: Lang,
    allowed: &[ActionKind],
    failed: Option<&Failure>,
    unsorted: bool,
) -> Vec<ActionForm> {
    let mut forms: Vec<ActionForm> = allowed
        .iter()
        .map(|k| {
            let failure = failed.filter(|f| f.action == Some(*k));
            let errors = failure
                .map(|f| f.errors.clone())
                .unwrap_or_else(|| FieldErrors::new(lang));
            let sort = unsorted && *k == ActionKind::Classify;
            ActionForm {
                code: k.code(),
                label: if sort {
                    lang.t("act.sort")
                } else {
                    lang.label(k.code(), k.label_zh())
                },
                general: errors.other(form_fields(*k)),
                errors,
                typed: failure.map(|f| f.form.clone()).unwrap_or_default(),
                open: sort,
            }
        })
        .collect();
    forms.sort_by_key(|f| !f.open);
    forms
}

/// The message of a failed action that has no form here (unknown, or no longer allowed):
/// shown at the top of the page.
pub(super) fn top_error(failed: Option<&Failure>, allowed: &[ActionKind]) -> String {
    match failed {
        Some(f) if !f.action.is_some_and(|a| allowed.contains(&a)) => f
            .errors
            .0
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        _ => String::new(),
    }
}

/// Fields the action forms send as numbers or booleans in the JSON body.
const NUMBERS: &[&str] = &[
    "user_id",
    "team_id",
    "department_id",
    "days",
    "into_appeal_id",
];
const BOOLEANS: &[&str] = &["approve", "solved", "reopen"];

/// The form as the JSON body of the API's action endpoint: blank fields are left out,
/// numbers and booleans typed (a value that does not parse stays a string, so the API's
/// parser names the field).
pub(super) fn action_body(form: &FormData) -> Value {
    let mut obj = Map::new();
    let keys = [
        "action",
        "category",
        "note",
        "user_id",
        "team_id",
        "department_id",
        "days",
        "reason",
        "approve",
        "resolution",
        "channel",
        "satisfaction",
        "solved",
        "reopen",
        "into_appeal_id",
        "into_tracking_code",
    ];
    for key in keys {
        let Some(v) = form.get(key) else { continue };
        let value = if NUMBERS.contains(&key) {
            v.parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(v))
        } else if BOOLEANS.contains(&key) {
            match v {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                other => Value::from(other),
            }
        } else {
            Value::from(v)
        };
        obj.insert(key.to_string(), value);
    }
    Value::Object(obj)
}

/// The message after each action (`flash.*` in `i18n.rs`).
pub(super) fn flash_key(action: ActionKind) -> &'static str {
    use ActionKind as A;
    match action {
        A::Accept => "flash.accepted",
        A::Assign => "flash.assigned",
        A::Refer => "flash.referred",
        A::Escalate => "flash.escalated",
        A::Return => "flash.returned",
        A::Progress => "flash.progressed",
        A::Extend => "flash.extension_requested",
        A::ExtendApprove => "flash.extension_decided",
        A::Resolve => "flash.resolved",
        A::Feedback => "flash.feedback",
        A::FollowUp => "flash.followed_up",
        A::Reopen => "flash.reopened",
        A::Reject => "flash.rejected",
        A::Merge => "flash.merged",
        A::Supervise => "flash.supervised",
        A::Suspend => "flash.suspended",
        A::Resume => "flash.resumed",
        A::Classify => "flash.classified",
        A::MarkSpam => "flash.marked_spam",
        A::UnmarkSpam => "flash.unmarked_spam",
    }
}

/// What the message after an action names: the appeal, and where it went.
pub(super) async fn flash_detail(
    state: &AppState,
    s: &Session,
    action: ActionKind,
    rec: &AppealRecord,
) -> String {
    let code = rec.appeal.tracking_code.clone();
    let to = match action {
        ActionKind::Refer => rec.department_name.clone(),
        ActionKind::Assign => rec.assignee_name.clone().or(rec.team_name.clone()),
        ActionKind::Escalate => Some(rec.handling_org_unit_name.clone()),
        ActionKind::Merge => match rec.appeal.merged_into {
            Some(m) => state
                .store
                .appeal(&s.actor, m)
                .await
                .ok()
                .map(|t| t.appeal.tracking_code),
            None => None,
        },
        _ => None,
    };
    match to {
        Some(to) => format!("{code} → {to}"),
        None => code,
    }
}

/// `POST /appeals/{id}/act`: the action through the API's own path. Done: back to the
/// appeal with a message saying what was done. Refused: the page again with the form open,
/// each error beside its field, what was typed still there.
pub(crate) async fn act(
    State(state): State<AppState>,
    PageId(id): PageId,
    post: PostForm,
) -> PageResult {
    let s = post.session;
    let lang = s.lang;
    let action = post.form.get("action").and_then(ActionKind::parse);
    let mut body = action_body(&post.form);
    let result = async {
        resolve_merge_code(&state, &s.actor, &mut body).await?;
        let cmd = parse_command(body)?;
        let kind = cmd.kind();
        act_on(&state, &s.actor, id, cmd)
            .await
            .map(|rec| (kind, rec))
            .map_err(Problem::from)
    }
    .await;
    match result {
        Ok((action, rec)) => {
            let flash = Flash::new(flash_key(action))
                .detail(flash_detail(&state, &s, action, &rec).await)
                .next("/appeals", "nav.appeals");
            Ok(saved(&state, &format!("/appeals/{id}"), flash))
        }
        Err(p) if matches!(p.status, 403 | 409 | 422) => {
            let failure = Failure::new(action, &p, post.form, lang);
            refused(&state, &s, id, (Some(failure), None), p.status()).await
        }
        Err(p) => Err(UiError::from(p).page(lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::FormData;

    #[test]
    pub(super) fn forms_become_the_api_body() {
        let f = FormData::from_pairs(&[
            ("_csrf", "x"),
            ("action", "extend"),
            ("days", "3"),
            ("reason", "等待材料"),
            ("note", ""),
        ]);
        let cmd = parse_command(action_body(&f)).expect("a command");
        assert_eq!(
            cmd,
            suqiu_core::lifecycle::Command::Extend {
                days: 3,
                reason: "等待材料".into()
            }
        );
        let f = FormData::from_pairs(&[("action", "extend"), ("days", "三"), ("reason", "r")]);
        let p = parse_command(action_body(&f)).expect_err("bad days");
        assert_eq!(p.errors[0].field, "days");
        let f = FormData::from_pairs(&[
            ("action", "follow_up"),
            ("satisfaction", "satisfied"),
            ("solved", "true"),
        ]);
        assert!(parse_command(action_body(&f)).is_ok());
    }

    #[test]
    pub(super) fn every_action_says_what_was_done_in_both_languages() {
        for a in ActionKind::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(lang.t(flash_key(*a)), "?", "{a:?} in {lang:?}");
            }
        }
        for key in ["flash.registered", "flash.intake_next"] {
            assert_ne!(Lang::En.t(key), "?", "{key}");
        }
        // Each field an action requires is one its form shows (so its error has a place).
        for a in ActionKind::ALL {
            let f = FormData::from_pairs(&[("action", a.code())]);
            if let Err(p) = parse_command(action_body(&f)) {
                for e in &p.errors {
                    assert!(
                        form_fields(*a).contains(&e.field.as_str()),
                        "{a:?}: {} has no place on the form",
                        e.field
                    );
                }
            }
        }
    }
}
