//! A list's filter (`GET /api/v1/appeals`, the worklists) and its conditions as SQL.

use chrono::{DateTime, Utc};
use suqiu_core::appeal::{Kind, Status, Urgency};
use suqiu_core::Id;

use super::AppealSort;
use crate::error::Result;
use crate::sql::{now_bounds, Args};

/// Filters of `GET /api/v1/appeals`; all optional and combined with AND.
#[derive(Debug, Clone, Default)]
pub struct AppealFilter {
    pub status: Option<Status>,
    /// Subtree of this node (the node the appeal concerns).
    pub org_unit_id: Option<Id>,
    /// A first-level code matches its second-level codes too.
    pub category: Option<String>,
    pub kind: Option<Kind>,
    pub urgency: Option<Urgency>,
    /// Open and past the current deadline (`true`), or not (`false`).
    pub overdue: Option<bool>,
    pub assignee_user_id: Option<Id>,
    pub department_id: Option<Id>,
    /// Only appeals with an extension request waiting for a decision (the level above's queue).
    pub extension_pending: bool,
    /// Full text: every piece a fragment of title, content or location (`suqiu_text::search`).
    pub q: Option<String>,
    /// Received at or after / before.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Open with the current deadline before this instant (the worklist's 即将超期 is
    /// `overdue: Some(false)` with this set to a working day from now).
    pub due_before: Option<DateTime<Utc>>,
    /// Feedback (反馈) given (`true`) or not yet (`false`): the worklist's 待回访 / 待反馈.
    pub feedback_given: Option<bool>,
    /// Raised by this registered person (a person's page lists their appeals).
    pub appellant_person_id: Option<Id>,
    /// Marked as spam (无效): only those (`true`), none of them (`false`). Unset, a list leaves
    /// them out — a worklist is what waits for work — but a search looks through them too
    /// (the receptionist looking up what a caller sent before finds it, badge and all).
    pub spam: Option<bool>,
    /// In a standing problem (属于问题: `true`), or in none (`false`).
    pub in_problem: Option<bool>,
    pub sort: AppealSort,
    pub page: i64,
    pub per_page: i64,
}

impl AppealFilter {
    /// The search text to rank the list by, when the relevance order is asked for.
    pub(super) fn rank_by(&self) -> Option<String> {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())?;
        (self.sort == AppealSort::Relevance).then(|| q.to_string())
    }

    /// Nothing filtered but the text and the subtree, in the newest-first order (the
    /// relevance order reads the newest matches too).
    pub(super) fn is_search_only(&self) -> bool {
        self.status.is_none()
            && self.category.as_deref().is_none_or(|c| c.trim().is_empty())
            && self.kind.is_none()
            && self.urgency.is_none()
            && self.overdue.is_none()
            && self.assignee_user_id.is_none()
            && self.department_id.is_none()
            && !self.extension_pending
            && self.from.is_none()
            && self.to.is_none()
            && self.due_before.is_none()
            && self.feedback_given.is_none()
            && self.appellant_person_id.is_none()
            && self.spam.is_none()
            && self.in_problem.is_none()
            && matches!(self.sort, AppealSort::Newest | AppealSort::Relevance)
    }

    /// The conditions on the appeal's own fields: status, category, kind, urgency, whether
    /// overdue, who has it, a pending extension.
    pub(super) fn field_conditions(
        &self,
        now: DateTime<Utc>,
        a: &mut Args,
        conds: &mut Vec<String>,
    ) -> Result<()> {
        if let Some(s) = self.status {
            conds.push(format!("a.status = {}", a.push(s.code())));
        }
        if let Some(c) = self
            .category
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let c = a.push(c);
            conds.push(format!("(a.category = {c} OR a.category IN (SELECT code FROM categories WHERE parent_code = {c}))"));
        }
        if let Some(k) = self.kind {
            conds.push(format!("a.kind = {}", a.push(k.code())));
        }
        if let Some(in_problem) = self.in_problem {
            let not = if in_problem { "" } else { "NOT " };
            conds.push(format!(
                "{not}EXISTS (SELECT 1 FROM problem_appeals pa WHERE pa.appeal_id = a.id)"
            ));
        }
        if let Some(u) = self.urgency {
            conds.push(format!("a.urgency = {}", a.push(u.code())));
        }
        if let Some(overdue) = self.overdue {
            // due_at is NULL unless open, so `due_at < now` is "open and overdue".
            let (_, ceil) = now_bounds(now);
            let ceil = a.push(ceil);
            conds.push(if overdue {
                format!("a.due_at IS NOT NULL AND a.due_at < {ceil}")
            } else {
                format!("(a.due_at IS NULL OR a.due_at >= {ceil})")
            });
        }
        if let Some(u) = self.assignee_user_id {
            conds.push(format!("a.assignee_user_id = {}", a.push(u)));
        }
        if let Some(d) = self.department_id {
            conds.push(format!("a.department_id = {}", a.push(d)));
        }
        if self.extension_pending {
            // `extension` is core's Extension as JSON, its tag first: a pending request is
            // the one document that starts so (see `extension_pending_prefix`).
            conds.push(format!(
                "a.extension LIKE {}",
                a.push(format!("{}%", extension_pending_prefix()?))
            ));
        }
        Ok(())
    }

    /// The condition on being marked as spam (see [`AppealFilter::spam`]; `searching`: there
    /// is a text to find). A list by running deadline needs none to leave spam out (a spam
    /// appeal has no `due_at`): it stays within the deadline index.
    pub(super) fn spam_condition(&self, searching: bool) -> Option<&'static str> {
        let by_deadline = self.overdue == Some(true) || self.due_before.is_some();
        match self.spam.or((!searching).then_some(false)) {
            Some(true) => Some("a.spam_at IS NOT NULL"),
            Some(false) if !by_deadline => Some("a.spam_at IS NULL"),
            _ => None,
        }
    }

    /// The conditions on when it came in and is due, whose it is, and whether feedback
    /// was given.
    pub(super) fn time_and_person_conditions(&self, a: &mut Args, conds: &mut Vec<String>) {
        if let Some(from) = self.from {
            // created_at >= from ⇔ created_at >= ceil_ms(from) for stored milliseconds.
            conds.push(format!("a.created_at >= {}", a.push(now_bounds(from).1)));
        }
        if let Some(to) = self.to {
            conds.push(format!("a.created_at < {}", a.push(now_bounds(to).1)));
        }
        if let Some(before) = self.due_before {
            conds.push(format!("a.due_at < {}", a.push(now_bounds(before).1)));
        }
        if let Some(p) = self.appellant_person_id {
            conds.push(format!("a.appellant_person_id = {}", a.push(p)));
        }
        if let Some(given) = self.feedback_given {
            conds.push(if given {
                "a.feedback_at IS NOT NULL".to_string()
            } else {
                "a.feedback_at IS NULL".to_string()
            });
        }
    }
}

/// How a pending extension request's stored JSON begins (`{"state":"requested",`), derived
/// from core's type so the filter follows any change to it.
fn extension_pending_prefix() -> Result<String> {
    let json = crate::sql::to_json(&suqiu_core::appeal::Extension::Requested {
        days: 0,
        reason: String::new(),
        requested_by: 0,
    })?;
    Ok(json
        .split(',')
        .next()
        .map(|head| format!("{head},"))
        .unwrap_or(json))
}
