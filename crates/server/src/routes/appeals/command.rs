//! An action's body as a lifecycle command: `action` first, then its fields, each fault
//! named as in the JSON (the web forms send the same body), and a merge target named by
//! its tracking code resolved to its id.

use serde_json::{Map, Value};
use suqiu_core::access::{ActionKind, Actor};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::lifecycle::{
    Command, CLASSIFY_CATEGORY_PICK, MAX_EXTENSION_DAYS, SPAM_REASON_EMPTY, UNMARK_SPAM_NOTE_EMPTY,
};

use crate::app::appeals::appeal_by_code;
use crate::extract::field_error;
use crate::problem::{ApiResult, Problem};
use crate::state::AppState;

/// The body of an action as a command: `action` first (422 naming the valid ones), then
/// the fields, each fault named.
pub(crate) fn parse_command(body: Value) -> ApiResult<Command> {
    let Value::Object(obj) = body else {
        return Err(Problem::field("body", &suqiu_core::error::BODY_NOT_OBJECT));
    };
    let valid = || {
        ActionKind::ALL
            .iter()
            .map(|a| a.code())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match obj.get("action") {
        None | Some(Value::Null) => {
            let error = FieldError::new("action", &ACTION_MISSING).with("options", valid());
            return Err(Problem::invalid(vec![error]));
        }
        Some(Value::String(s)) if ActionKind::parse(s).is_some() => {}
        Some(Value::String(s)) => {
            let shown: String = s.chars().take(40).collect();
            let error = FieldError::new("action", &ACTION_UNKNOWN).with("value", shown);
            return Err(Problem::invalid(vec![error.with("options", valid())]));
        }
        Some(_) => {
            let error = FieldError::new("action", &ACTION_NOT_TEXT).with("options", valid());
            return Err(Problem::invalid(vec![error]));
        }
    }
    let action = obj
        .get("action")
        .and_then(Value::as_str)
        .and_then(ActionKind::parse)
        .expect("checked above");
    // Every blank required field at once (the form shows each beside its field); serde
    // alone would stop at the first.
    let missing = missing_fields(action, &obj);
    if !missing.is_empty() {
        return Err(Problem::invalid(missing));
    }
    serde_json::from_value::<Command>(Value::Object(obj.clone()))
        .map_err(|e| Problem::invalid(vec![command_error(&obj, &e)]))
}

/// The fields an action cannot do without, each with what to say when it is missing.
fn required_fields(action: ActionKind) -> &'static [(&'static str, Msg)] {
    use ActionKind as A;
    match action {
        A::Refer => &[
            ("department_id", REFER_DEPARTMENT_PICK),
            ("note", REFER_NOTE_EMPTY),
        ],
        A::Escalate => &[("note", ESCALATE_NOTE_EMPTY)],
        A::Return => &[("note", RETURN_NOTE_EMPTY)],
        A::Progress => &[("note", PROGRESS_NOTE_EMPTY)],
        A::Supervise => &[("note", SUPERVISE_NOTE_EMPTY)],
        A::Reopen => &[("note", REOPEN_NOTE_EMPTY)],
        A::Extend => &[
            ("days", EXTENSION_DAYS_EMPTY),
            ("reason", EXTENSION_REASON_EMPTY),
        ],
        A::ExtendApprove => &[("approve", EXTENSION_DECISION_PICK)],
        A::Resolve => &[
            ("resolution", RESOLUTION_PICK),
            ("note", RESOLVE_NOTE_EMPTY),
        ],
        A::Feedback => &[
            ("channel", FEEDBACK_CHANNEL_PICK),
            ("note", FEEDBACK_NOTE_EMPTY),
        ],
        A::FollowUp => &[("satisfaction", SATISFACTION_PICK)],
        A::Reject => &[("reason", REJECT_REASON_EMPTY)],
        A::Suspend => &[("reason", SUSPEND_REASON_EMPTY)],
        A::Merge => &[("into_appeal_id", MERGE_TARGET_EMPTY)],
        A::Classify => &[("category", CLASSIFY_CATEGORY_PICK)],
        A::MarkSpam => &[("reason", SPAM_REASON_EMPTY)],
        A::UnmarkSpam => &[("note", UNMARK_SPAM_NOTE_EMPTY)],
        A::Accept | A::Assign | A::Resume => &[],
    }
}

/// Each required field of `action` that is absent, null or blank, named in plain words.
fn missing_fields(action: ActionKind, obj: &Map<String, Value>) -> Vec<FieldError> {
    let mut faults: Vec<FieldError> = required_fields(action)
        .iter()
        .filter(|(field, _)| match obj.get(*field) {
            None | Some(Value::Null) => true,
            Some(Value::String(v)) => v.trim().is_empty(),
            Some(_) => false,
        })
        .map(|(field, msg)| {
            // A merge target is named by its tracking code (the id is the API's alternative).
            let field = match *field {
                "into_appeal_id" => "into_tracking_code",
                f => f,
            };
            FieldError::new(field, msg)
        })
        .collect();
    // Days typed as words ("三") say what is wanted rather than a type name; the range
    // itself is core's to check.
    if let Some(Value::String(days)) = obj.get("days") {
        if !days.trim().is_empty() {
            faults.push(
                FieldError::new("days", &EXTENSION_DAYS_NUMBER).with("max", MAX_EXTENSION_DAYS),
            );
        }
    }
    faults
}

/// A merge may name its target by tracking code (`into_tracking_code`, what people know)
/// instead of `into_appeal_id`: the code is looked up in the actor's scope and replaced by
/// the id, so the rest of the path is the same. Unknown or out of scope is a 422 on the code.
pub(crate) async fn resolve_merge_code(
    state: &AppState,
    actor: &Actor,
    body: &mut Value,
) -> ApiResult<()> {
    let Some(obj) = body.as_object_mut() else {
        return Ok(());
    };
    let Some(code) = obj.remove("into_tracking_code") else {
        return Ok(());
    };
    let code = match &code {
        Value::String(c) => c.trim().to_uppercase(),
        Value::Null => return Ok(()),
        _ => return Err(Problem::field("into_tracking_code", &TRACKING_CODE_TEXT)),
    };
    if code.is_empty() || obj.contains_key("into_appeal_id") {
        return Ok(());
    }
    let id = appeal_by_code(state, actor, "into_tracking_code", &code).await?;
    obj.insert("into_appeal_id".into(), Value::from(id));
    Ok(())
}

/// Names the field behind a command's deserialization error. Internally tagged enums lose
/// the path, so for type errors the culprit is found as the one field whose removal changes
/// the error.
fn command_error(obj: &Map<String, Value>, err: &serde_json::Error) -> FieldError {
    let base = field_error("", err);
    if base.field != "body" {
        return base;
    }
    let msg = err.to_string();
    for key in obj.keys().filter(|k| k.as_str() != "action") {
        let mut without = obj.clone();
        without.remove(key);
        match serde_json::from_value::<Command>(Value::Object(without)) {
            Err(e) if e.to_string() == msg => continue,
            _ => return base.at(key.clone()),
        }
    }
    base
}

// The messages of this module's rules (a code, the Chinese and the English).
const ACTION_MISSING: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "action_missing",
    "请指定操作（action），可选：{options}",
    "Say the action; one of: {options}",
);
const ACTION_NOT_TEXT: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "action_not_text",
    "操作应为字符串，可选：{options}",
    "The action is a string; one of: {options}",
);
const ACTION_UNKNOWN: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "action_unknown",
    "未知的操作「{value}」，可选：{options}",
    "Unknown action {value}; one of: {options}",
);
const ESCALATE_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "escalate_note_empty",
    "请填写上报理由",
    "Enter the reason to escalate",
);
const EXTENSION_DAYS_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_days_empty",
    "请填写延期天数",
    "Enter the days of the extension",
);
const EXTENSION_DAYS_NUMBER: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_days_number",
    "延期天数请填写数字（1–{max} 个工作日）",
    "Enter the extension as a number (1–{max} working days)",
);
const EXTENSION_DECISION_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_decision_pick",
    "请选择是否同意延期",
    "Choose whether to approve the extension",
);
const EXTENSION_REASON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "extension_reason_empty",
    "请填写延期理由",
    "Enter the reason for the extension",
);
const FEEDBACK_CHANNEL_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "feedback_channel_pick",
    "请选择反馈方式",
    "Choose how the feedback was given",
);
const FEEDBACK_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "feedback_note_empty",
    "请填写反馈内容",
    "Enter the feedback",
);
const MERGE_TARGET_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "merge_target_empty",
    "请填写要合并到的诉求的查询码",
    "Enter the tracking code of the appeal to merge into",
);
const PROGRESS_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "progress_note_empty",
    "请填写办理进展",
    "Enter the progress",
);
const REFER_DEPARTMENT_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "refer_department_pick",
    "请选择转办部门",
    "Choose the department to refer to",
);
const REFER_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "refer_note_empty",
    "请填写转办说明",
    "Enter the referral note",
);
const REJECT_REASON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "reject_reason_empty",
    "请填写不予受理的理由",
    "Enter the reason for not accepting",
);
const REOPEN_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "reopen_note_empty",
    "请填写重办理由",
    "Enter the reason to reopen",
);
const RESOLUTION_PICK: suqiu_core::error::Msg =
    suqiu_core::error::Msg::new("resolution_pick", "请选择办结结果", "Choose the outcome");
const RESOLVE_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "resolve_note_empty",
    "请填写办结情况",
    "Enter how it was resolved",
);
const RETURN_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "return_note_empty",
    "请填写退回理由",
    "Enter the reason to return",
);
const SATISFACTION_PICK: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "satisfaction_pick",
    "请选择群众的满意程度",
    "Choose how satisfied the appellant is",
);
const SUPERVISE_NOTE_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "supervise_note_empty",
    "请填写督办意见",
    "Enter the supervision note",
);
const SUSPEND_REASON_EMPTY: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "suspend_reason_empty",
    "请填写挂起理由",
    "Enter the reason to suspend",
);
const TRACKING_CODE_TEXT: suqiu_core::error::Msg = suqiu_core::error::Msg::new(
    "tracking_code_text",
    "查询码应为文字，例如 SQ261128-7KQ4MX9T2H",
    "The tracking code is text, e.g. SQ261128-7KQ4MX9T2H",
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(body: Value) -> String {
        let p = parse_command(body).expect_err("must fail");
        assert_eq!(p.status, 422, "{p}");
        p.errors[0].field.clone()
    }

    #[test]
    fn command_errors_name_the_field() {
        assert_eq!(field(json!({"action": "fly"})), "action");
        assert_eq!(field(json!({"note": "x"})), "action");
        assert_eq!(field(json!({"action": 3})), "action");
        assert_eq!(
            field(json!({"action": "refer", "department_id": 1})),
            "note"
        );
        assert_eq!(
            field(json!({"action": "extend", "days": "three", "reason": "r"})),
            "days"
        );
        assert_eq!(
            field(json!({"action": "extend", "reason": "r", "days": -1})),
            "days"
        );
        assert_eq!(field(json!({"action": "accept", "shout": true})), "shout");
        assert_eq!(
            field(json!({"action": "resolve", "resolution": "magic", "note": "n"})),
            "resolution"
        );
        assert_eq!(
            field(json!({"action": "follow_up", "satisfaction": "ok", "solved": true})),
            "satisfaction"
        );
        assert_eq!(
            field(json!({"action": "follow_up", "satisfaction": "satisfied", "solved": "yes"})),
            "solved"
        );
        assert_eq!(field(json!([1])), "body");
        assert_eq!(
            parse_command(json!({"action": "accept"})).ok(),
            Some(Command::Accept { note: None })
        );
        let unknown = parse_command(json!({"action": "fly"})).expect_err("unknown");
        assert!(
            unknown.errors[0].message.contains("follow_up"),
            "lists the valid actions"
        );
    }
}
