//! The status badge of an appeal: one colour per meaning, the same on every page that shows a
//! status (the lists, the dashboard, a person's history, the appeal's page, the track page).
//!
//! Six meanings, each a class `st-*` of the stylesheet (`assets/app.css`):
//!
//! | tone       | statuses                                   | what it asks of the desk          |
//! |------------|--------------------------------------------|-----------------------------------|
//! | `new`      | 已登记                                     | accept it (or reject it)          |
//! | `progress` | 已受理, 办理中                             | it is being handled               |
//! | `waiting`  | 已办结 without the appellant answered (待反馈) or asked (待回访) | call the appellant |
//! | `done`     | 已回访 (the loop is closed)                | nothing                           |
//! | `closed`   | 不予受理, 已合并 (ended without handling)   | nothing                           |
//! | `overdue`  | any open status past its running deadline  | now                               |
//!
//! Overdue overrides the others. The text always says the status (and the reason for
//! `waiting`/`overdue`), so the colour is never the only sign. An appeal marked as spam is
//! `closed` whatever its status underneath, and says only 无效 (it is never overdue: no deadline
//! runs for it).

use chrono::{DateTime, Utc};
use suqiu_core::appeal::{Appeal, Status};
use suqiu_core::figures::{self, Figure};

use super::figures::term;
use super::i18n::Lang;

/// What a badge shows: its class (`st-…`) and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusBadge {
    pub class: &'static str,
    pub label: String,
}

/// The meaning of a status for the desk (the table above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    New,
    Progress,
    Waiting,
    Done,
    Closed,
    Overdue,
}

impl Tone {
    /// Every tone (the tests check each is styled and readable).
    #[cfg(test)]
    pub const ALL: [Tone; 6] = [
        Tone::New,
        Tone::Progress,
        Tone::Waiting,
        Tone::Done,
        Tone::Closed,
        Tone::Overdue,
    ];

    /// The stylesheet's class.
    pub fn class(self) -> &'static str {
        match self {
            Tone::New => "st-new",
            Tone::Progress => "st-progress",
            Tone::Waiting => "st-waiting",
            Tone::Done => "st-done",
            Tone::Closed => "st-closed",
            Tone::Overdue => "st-overdue",
        }
    }

    /// The tone of `status`; `overdue` when an open appeal is past its running deadline.
    pub fn of(status: Status, overdue: bool) -> Tone {
        match status {
            _ if overdue && status.is_open() => Tone::Overdue,
            Status::Registered => Tone::New,
            Status::Accepted | Status::InProgress => Tone::Progress,
            Status::Resolved => Tone::Waiting,
            Status::Closed => Tone::Done,
            Status::Rejected | Status::Merged => Tone::Closed,
        }
    }
}

/// The badge of an appeal as staff see it at `now`.
pub(crate) fn status_badge(lang: Lang, a: &Appeal, now: DateTime<Utc>) -> StatusBadge {
    if a.spam_at.is_some() {
        return StatusBadge {
            class: Tone::Closed.class(),
            label: lang.t("badge.spam").to_string(),
        };
    }
    let tone = Tone::of(a.status, a.is_overdue(now));
    let status = lang.label(a.status.code(), a.status.label_zh());
    // Why the colour: what the desk owes, or that the clock stands still.
    // The words of the figures that count these appeals (one name for one thing).
    let figure = |f: &Figure| Some(term(lang, f).label);
    let why = match tone {
        Tone::Overdue => figure(&figures::OVERDUE_NOW),
        Tone::Waiting if a.feedback_at.is_none() => figure(&figures::AWAITING_FEEDBACK),
        Tone::Waiting => figure(&figures::AWAITING_FOLLOW_UP),
        _ if a.suspended_at.is_some() && a.status.is_open() => Some(lang.t("badge.suspended")),
        _ => None,
    };
    StatusBadge {
        class: tone.class(),
        label: match why {
            Some(why) => format!("{status} · {why}"),
            None => status.to_string(),
        },
    }
}

/// The badge of a status alone (the appellant's track page, which knows no more).
pub(crate) fn plain_badge(lang: Lang, status: Status, overdue: bool) -> StatusBadge {
    StatusBadge {
        class: Tone::of(status, overdue).class(),
        label: lang.label(status.code(), status.label_zh()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_meaning_and_overdue_overrides_open_ones() {
        let expected = [
            (Status::Registered, Tone::New),
            (Status::Accepted, Tone::Progress),
            (Status::InProgress, Tone::Progress),
            (Status::Resolved, Tone::Waiting),
            (Status::Closed, Tone::Done),
            (Status::Rejected, Tone::Closed),
            (Status::Merged, Tone::Closed),
        ];
        assert_eq!(expected.len(), Status::ALL.len(), "a status without a tone");
        for (status, tone) in expected {
            assert_eq!(Tone::of(status, false), tone, "{status}");
            let late = if status.is_open() {
                Tone::Overdue
            } else {
                tone
            };
            assert_eq!(Tone::of(status, true), late, "{status} overdue");
        }
        let classes: std::collections::HashSet<_> = Tone::ALL.iter().map(|t| t.class()).collect();
        assert_eq!(classes.len(), Tone::ALL.len(), "two tones share a class");
    }

    /// WCAG 2 relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// The `background` and `color` of `.badge.{class}` in the stylesheet.
    fn colours(css: &str, class: &str) -> (String, String) {
        let rule = css
            .split(&format!(".badge.{class} {{"))
            .nth(1)
            .and_then(|r| r.split('}').next())
            .unwrap_or_else(|| panic!("no rule .badge.{class} in app.css"));
        let value = |prop: &str| {
            rule.split(';')
                .find_map(|d| d.trim().strip_prefix(prop).map(|v| v.trim().to_string()))
                .unwrap_or_else(|| panic!(".badge.{class} has no {prop}"))
        };
        (value("background:"), value("color:"))
    }

    #[test]
    fn every_badge_is_styled_and_reads_at_aa_contrast() {
        let css = include_str!("../../assets/app.css");
        let mut backgrounds = std::collections::HashSet::new();
        for tone in Tone::ALL {
            let (bg, fg) = colours(css, tone.class());
            let (a, b) = (luminance(&bg), luminance(&fg));
            let ratio = (a.max(b) + 0.05) / (a.min(b) + 0.05);
            assert!(
                ratio >= 4.5,
                "{}: {fg} on {bg} is {ratio:.2}:1, below AA's 4.5:1",
                tone.class()
            );
            assert!(backgrounds.insert(bg), "{} shares a colour", tone.class());
        }
    }
}
