//! The figures the pages, the API and the workbook show, each defined once: its code (the
//! JSON field that carries it), its Chinese and English label, a one-line explanation (the
//! tooltip and the legend), which appeals it counts, and what it reads.
//!
//! One name, one meaning: a count that restricts to the period carries a label that says so
//! (本期登记超期未办), never the label of the count over every appeal (已超期). Look-alike labels
//! (已受理 the status against 受理量 the count, 已办结 against 办结量) say in their explanation
//! which is which.

use crate::appeal::Status;
use crate::measures::{Counts, Rates};

/// Which appeals of a unit's subtree a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The appeals received (登记) in the period, in the state they are in now.
    Period,
    /// Every appeal of the subtree, whenever received, as it is now.
    Now,
}

/// What a figure reads.
#[derive(Clone, Copy)]
pub enum Reads {
    /// A field of [`Counts`] over the basis' appeals (its predicate is documented there).
    Count(fn(&Counts) -> u64),
    /// A rate of those counts.
    Rate(fn(&Rates) -> Option<f64>),
    /// The appeals whose status is this one now.
    Status(Status),
    /// Something the explanation states (the queue's feedback split, the score, the rank).
    Described,
}

/// One figure.
#[derive(Clone, Copy)]
pub struct Figure {
    /// The JSON field that carries it (a node's own measures carry `sample` as
    /// `response_due`, the response rate's denominator, as they always have).
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub note_zh: &'static str,
    pub note_en: &'static str,
    pub basis: Basis,
    pub reads: Reads,
}

impl Figure {
    /// The figure's value over the counts of its basis' appeals; `None` for a figure that is
    /// not a count (see [`Reads`]).
    pub fn count(&self, c: &Counts) -> Option<u64> {
        match self.reads {
            Reads::Count(f) => Some(f(c)),
            _ => None,
        }
    }

    /// The figure's rate of `r` (`None` when nothing was due, and for a figure that is not a
    /// rate).
    pub fn rate(&self, r: &Rates) -> Option<f64> {
        match self.reads {
            Reads::Rate(f) => f(r),
            _ => None,
        }
    }
}

macro_rules! figures {
    ($($name:ident = $code:literal, $zh:literal / $en:literal, $basis:ident, $reads:expr,
       $note_zh:literal / $note_en:literal;)+) => {
        $(pub const $name: Figure = Figure {
            code: $code, zh: $zh, en: $en, note_zh: $note_zh, note_en: $note_en,
            basis: Basis::$basis, reads: $reads,
        };)+
        /// Every figure, in the order a legend lists them.
        pub const ALL: &[Figure] = &[$($name),+];
    };
}

figures! {
    RECEIVED = "received", "登记量" / "Received", Period, Reads::Count(|c| c.received),
        "统计区间内登记的全部诉求，含后来不予受理和已合并的；标为无效（垃圾信息）的不算，任何数字都不算它。"
        / "Every appeal registered in the period, including those later rejected or merged; those marked invalid (spam) are left out, here and in every other figure.";
    ACCEPTED = "accepted", "受理量" / "Accepted (count)", Period, Reads::Count(|c| c.accepted),
        "区间内登记的诉求中受理过的件数，不论现在办到哪一步（不是「已受理」状态的件数）。"
        / "Appeals of the period ever accepted, whatever their status now (not the status 'Accepted').";
    RESOLVED = "resolved", "办结量" / "Resolved (count)", Period, Reads::Count(|c| c.resolved),
        "区间内登记的诉求中办结过的件数，含此后已回访或被重办的（不是「已办结」状态的件数）。"
        / "Appeals of the period ever resolved, including those followed up or reopened since (not the status 'Resolved').";
    CLOSED = "closed", "结案量" / "Closed (count)", Period, Reads::Count(|c| c.closed),
        "区间内登记的诉求中现在已回访结案的件数（状态为「已回访」）。"
        / "Appeals of the period closed after follow-up now (status 'Closed').";
    FOLLOWED_UP = "followed_up", "回访量" / "Followed up", Period, Reads::Count(|c| c.followed_up),
        "回访联系到诉求人的件数（满意、基本满意、不满意）；无法联系的不算。解决率、满意率以此为分母。"
        / "Follow-ups that reached the appellant (unreachable ones excluded): the denominator of the resolution and satisfaction rates.";
    OVERDUE_OPEN = "overdue_open", "本期登记超期未办" / "Overdue, of the period", Period,
        Reads::Count(|c| c.overdue_open),
        "区间内登记的诉求中，现在仍未办结且已过当前时限的（挂起的不算）；不论哪月登记的见「已超期」。"
        / "Appeals of the period still open and past their current deadline now (suspended ones excluded); for all months see 'Overdue now'.";
    OVERDUE_NOW = "overdue_now", "已超期" / "Overdue now", Now, Reads::Count(|c| c.overdue_open),
        "现在仍未办结且已过当前时限的诉求，不论哪个月登记（挂起的不算）。"
        / "Appeals open and past their current deadline now, whenever received (suspended ones excluded).";
    DUE_SOON = "due_soon", "即将超期" / "Due within a working day", Now, Reads::Described,
        "仍未办结、当前时限在一个工作日内到期的诉求。"
        / "Open appeals whose current deadline falls within one working day.";
    REGISTERED_NOW = "registered_now", "待受理" / "To accept", Now,
        Reads::Status(Status::Registered),
        "现在状态为「已登记」、等待受理的诉求。"
        / "Appeals registered and waiting to be accepted now.";
    ACCEPTED_NOW = "accepted_now", "已受理" / "Accepted", Now, Reads::Status(Status::Accepted),
        "现在状态为「已受理」（已受理、尚未分派转办或开始办理）的诉求；受理过的总数见「受理量」。"
        / "Appeals whose status is 'Accepted' now (not yet assigned or referred); for all ever accepted see 'Accepted (count)'.";
    IN_PROGRESS_NOW = "in_progress_now", "办理中" / "In progress", Now,
        Reads::Status(Status::InProgress),
        "现在状态为「办理中」的诉求。" / "Appeals in progress now.";
    AWAITING_FEEDBACK = "awaiting_feedback", "待反馈" / "Feedback due", Now, Reads::Described,
        "已办结、尚未向诉求人反馈结果的诉求。"
        / "Resolved appeals whose outcome has not been told to the appellant yet.";
    AWAITING_FOLLOW_UP = "awaiting_follow_up", "待回访" / "Follow-up due", Now, Reads::Described,
        "已办结并已反馈、等待回访的诉求。" / "Resolved appeals with feedback given, waiting for follow-up.";
    UNSORTED_NOW = "unsorted_now", "待分类" / "To be sorted", Now, Reads::Described,
        "类别为「待分类」、等待站点归类的诉求（多为群众自行提交的）；标为无效的不算。"
        / "Appeals in the category 'To be sorted', waiting for the station to sort them (mostly those residents brought themselves); invalid ones excluded.";
    SPAM_NOW = "spam_now", "无效诉求" / "Invalid", Now, Reads::Described,
        "被标为无效（垃圾信息）的诉求：不计入任何统计和排名，不在公开栏显示，可撤销。"
        / "Appeals marked invalid (spam): in no figure or ranking, not on the public board; the mark can be undone.";
    RESPONSE_RATE = "response_rate", "响应率" / "Response", Period, Reads::Rate(|r| r.response_rate),
        "按时受理（或说明不予受理）的件数 ÷ 应响应的件数（响应时限已到或已响应）。"
        / "Answered by the response deadline ÷ appeals whose response came due or was given.";
    ON_TIME_RATE = "on_time_rate", "按期办结率" / "On time", Period, Reads::Rate(|r| r.on_time_rate),
        "按期办结的件数 ÷（办结过的 + 超过办结时限仍未办结的）。"
        / "Resolved by the deadline ÷ (resolved + still open past the resolve deadline).";
    RESOLUTION_RATE = "resolution_rate", "解决率" / "Resolution", Period,
        Reads::Rate(|r| r.resolution_rate),
        "回访时诉求人表示已解决的件数 ÷ 回访量。" / "Follow-ups where the appellant says it was solved ÷ follow-ups.";
    SATISFACTION_RATE = "satisfaction_rate", "满意率" / "Satisfaction", Period,
        Reads::Rate(|r| r.satisfaction_rate),
        "（满意 + 基本满意）÷ 回访量。" / "(Satisfied + basically satisfied) ÷ follow-ups.";
    REOPEN_RATE = "reopen_rate", "重办率" / "Reopened", Period, Reads::Rate(|r| r.reopen_rate),
        "重办过的件数 ÷ 结过案的件数。" / "Appeals reopened at least once ÷ appeals ever closed.";
    SCORE = "score", "综合得分" / "Score", Period, Reads::Described,
        "100 × 响应率、解决率、满意率按区里设定的权重加权平均；无应考核的一项不计，其余重新加权。"
        / "100 × the weighted mean of the response, resolution and satisfaction rates (district weights); a rate with nothing due drops out.";
    SAMPLE = "sample", "考核样本" / "Sample", Period, Reads::Count(crate::ranking::sample),
        "区间内登记、响应时限已到或已响应的件数（响应率的分母）；少于区里设定的最低样本数的单位不参加排名。"
        / "Appeals of the period whose response came due or was given (the response rate's denominator); units below the district's minimum are not ranked.";
    RANK = "rank", "排名" / "Rank", Period, Reads::Described,
        "只在样本足够的单位之间按综合得分排名，同分同名次（1、2、2、4）。"
        / "Among the units with enough sample, by score; equal scores share a rank (1, 2, 2, 4).";
}

/// The figure with this code.
pub fn by_code(code: &str) -> Option<&'static Figure> {
    ALL.iter().find(|f| f.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_labels_are_unique_and_explained() {
        let codes: HashSet<_> = ALL.iter().map(|f| f.code).collect();
        let zh: HashSet<_> = ALL.iter().map(|f| f.zh).collect();
        let en: HashSet<_> = ALL.iter().map(|f| f.en).collect();
        assert_eq!(
            (codes.len(), zh.len(), en.len()),
            (ALL.len(), ALL.len(), ALL.len())
        );
        for f in ALL {
            assert!(
                f.note_zh.chars().count() > 8 && f.note_en.len() > 15,
                "{}",
                f.code
            );
            assert_eq!(by_code(f.code).map(|g| g.zh), Some(f.zh));
        }
        assert!(by_code("nothing").is_none());
    }

    #[test]
    fn the_two_overdue_figures_read_the_same_predicate_over_different_appeals() {
        let c = Counts {
            overdue_open: 3,
            received: 9,
            ..Counts::default()
        };
        assert_eq!(OVERDUE_NOW.count(&c), Some(3));
        assert_eq!(OVERDUE_OPEN.count(&c), Some(3));
        assert_eq!(
            (OVERDUE_NOW.basis, OVERDUE_OPEN.basis),
            (Basis::Now, Basis::Period)
        );
        assert_ne!(OVERDUE_NOW.zh, OVERDUE_OPEN.zh);
        assert_eq!(RECEIVED.count(&c), Some(9));
        assert_eq!(SCORE.count(&c), None);
    }
}
