//! The appellant's own answer to the follow-up (群众评价), given on the tracking page once the
//! appeal is resolved: was it solved, how satisfied, a comment. It is the follow-up (回访)
//! the station would otherwise make by phone and counts in the measures exactly like one —
//! once, because it closes the appeal, after which neither the station nor the appellant
//! can answer again (a reopened and again resolved appeal asks again, as a phone follow-up
//! would).
//!
//! Seeing the outcome on the tracking page is the answer back (反馈) the loop requires before
//! a follow-up: when the station has not recorded one, the appellant's answer records it
//! first (channel `online`).

use chrono::{DateTime, Utc};

use super::{Event, EventBody, Refusal, MAX_NOTE_CHARS};
use crate::access::ActionKind;
use crate::appeal::{Appeal, FeedbackChannel, Satisfaction, Status, APPELLANT_ACTOR_ID};
use crate::error::{FieldError, Msg, CONTENT_TOO_LONG};
use crate::{msg, vocabulary};

vocabulary!(
    /// Whether the appellant finds the problem solved.
    SolvedAnswer {
        Solved = "solved" / "已解决",
        Partly = "partly" / "部分解决",
        NotSolved = "not_solved" / "未解决",
    }
);

/// What the appellant answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppellantAnswer {
    pub solved: SolvedAnswer,
    /// Satisfied, basically satisfied or dissatisfied (never "unreachable": they answered).
    pub satisfaction: Satisfaction,
    pub comment: Option<String>,
}

impl AppellantAnswer {
    /// The answer as sent, by code (`solved`: solved, partly, not_solved; `satisfaction`:
    /// satisfied, basically_satisfied, dissatisfied), every missing or unknown part named.
    pub fn from_codes(
        solved: Option<&str>,
        satisfaction: Option<&str>,
        comment: Option<String>,
    ) -> Result<AppellantAnswer, Vec<FieldError>> {
        let solved_given = solved.and_then(SolvedAnswer::parse);
        let satisfaction_given = satisfaction
            .and_then(Satisfaction::parse)
            .filter(|s| *s != Satisfaction::Unreachable);
        match (solved_given, satisfaction_given) {
            (Some(solved), Some(satisfaction)) => Ok(AppellantAnswer {
                solved,
                satisfaction,
                comment,
            }),
            (solved, satisfaction) => {
                let missing = [
                    (solved.is_none(), "solved", &SOLVED_PICK),
                    (satisfaction.is_none(), "satisfaction", &SATISFACTION_PICK),
                ];
                Err(missing
                    .into_iter()
                    .filter(|(missing, _, _)| *missing)
                    .map(|(_, field, msg)| FieldError::new(field, msg))
                    .collect())
            }
        }
    }

    /// Not solved: the station is asked to take it up again (it may reopen the appeal).
    pub fn asks_to_reopen(&self) -> bool {
        self.solved == SolvedAnswer::NotSolved
    }
}

/// The note of the answer back recorded for the appellant who saw the outcome online.
pub const SEEN_ONLINE: &str = "群众在网上查看了办理结果";

/// The events of the appellant's answer: the answer back when none was recorded, then the
/// follow-up that closes the appeal. Refused unless the appeal is resolved.
pub fn appellant_answer(
    appeal: &Appeal,
    answer: &AppellantAnswer,
    now: DateTime<Utc>,
) -> Result<Vec<Event>, Refusal> {
    // A spam appeal waits for nobody's answer: only for the station's undo.
    if appeal.status != Status::Resolved || appeal.spam_at.is_some() {
        return Err(Refusal::NotAllowed {
            action: ActionKind::FollowUp,
            status: appeal.status,
            allowed: Vec::new(),
        });
    }
    if answer.satisfaction == Satisfaction::Unreachable {
        return Err(Refusal::Invalid(FieldError::new(
            "satisfaction",
            &SATISFACTION_PICK,
        )));
    }
    let comment = answer
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(n) = comment
        .map(|c| c.chars().count())
        .filter(|n| *n > MAX_NOTE_CHARS)
    {
        let error = FieldError::new("comment", &CONTENT_TOO_LONG);
        return Err(Refusal::Invalid(
            error.with("n", n).with("max", MAX_NOTE_CHARS),
        ));
    }
    let event = |body| Event {
        at: now,
        actor_id: APPELLANT_ACTOR_ID,
        body,
    };
    let mut events = Vec::with_capacity(2);
    if appeal.feedback_at.is_none() {
        events.push(event(EventBody::Feedback {
            channel: FeedbackChannel::Online,
            note: SEEN_ONLINE.into(),
        }));
    }
    // The note keeps the three-way answer; `solved` counts only a full yes, as a phone
    // follow-up's "solved" does.
    let note = match comment {
        Some(c) => format!("群众自评：{}。{c}", answer.solved.label_zh()),
        None => format!("群众自评：{}", answer.solved.label_zh()),
    };
    events.push(event(EventBody::FollowUp {
        satisfaction: answer.satisfaction,
        solved: Some(answer.solved == SolvedAnswer::Solved),
        note: Some(note),
        attempt: appeal.follow_up_attempts + 1,
        closes: true,
    }));
    Ok(events)
}

const SOLVED_PICK: Msg = msg!(
    "solved_pick",
    "请选择问题是否解决",
    "Say whether the problem is solved",
);
const SATISFACTION_PICK: Msg = msg!(
    "satisfaction_pick",
    "请选择满意程度",
    "Choose how satisfied you are",
);
