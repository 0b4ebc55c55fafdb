//! The scoreboard's and the month-end report's JSON shapes.

use serde::Serialize;
use suqiu_core::Id;
use utoipa::ToSchema;

use crate::routes::metrics::MeasuresOut;

/// One node on the monthly scoreboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankOut {
    pub org_unit_id: Id,
    pub name: String,
    /// 100 × the weighted mean of the response, resolution and satisfaction rates; null when
    /// nothing was due. Shown for unjudged units too, but not ranked.
    pub score: Option<f64>,
    /// "1224" ranking by score among the judged units; null when not judged.
    pub rank: Option<u32>,
    /// The sample reached the district's minimum (`min_sample` of the score weights, default
    /// 5) and there is a score: only judged units are ranked; they come first.
    pub judged: bool,
    /// The sample: the month's appeals whose response came due or was given.
    pub sample: u64,
    /// Last month's rank minus this month's (positive: moved up); null unless judged in both.
    pub change: Option<i64>,
    /// 本期登记超期未办: the month's appeals that are open and past their deadline now.
    pub overdue_open: u64,
    /// 已超期: the unit's open appeals past their deadline now, whenever received.
    pub overdue_now: u64,
}

/// A count under a code, with its Chinese name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountOut {
    pub code: String,
    pub name: String,
    pub count: i64,
}

/// The same place and category three or more times in the month, at one node (the node where
/// the appeals were raised: a place's name means one place only within its node).
#[derive(Debug, Serialize, ToSchema)]
pub struct RepeatedOut {
    pub org_unit_id: Id,
    pub org_unit_name: String,
    pub location: String,
    pub category: String,
    pub category_name: String,
    pub count: i64,
}

/// An appeal of the month that is open and past its deadline now.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueOut {
    pub id: Id,
    pub tracking_code: String,
    pub title: Option<String>,
    pub category_name: String,
    pub status: String,
    pub handling_org_unit_name: String,
    /// The deadline it is past.
    pub deadline: Option<String>,
}

/// A node's appeals longest past their deadline.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeOverdueOut {
    pub org_unit_id: Id,
    pub name: String,
    /// Most overdue first.
    pub appeals: Vec<OverdueOut>,
}

/// The month-end report of a node.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthlyReportOut {
    pub org_unit_id: Id,
    pub name: String,
    /// `YYYY-MM`
    pub month: String,
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub measures: MeasuresOut,
    pub by_kind: Vec<CountOut>,
    /// By first-level category.
    pub by_category: Vec<CountOut>,
    pub by_channel: Vec<CountOut>,
    pub top_categories: Vec<CountOut>,
    /// The most frequent repeated problems (at most 20), most first.
    pub repeated: Vec<RepeatedOut>,
    /// How many repeated problems the month has in all.
    pub repeated_total: i64,
    pub overdue: Vec<OverdueOut>,
    /// The children's scores and ranks for the month.
    pub children: Vec<RankOut>,
}
