//! Suggestions at intake (issue 16 §1, "in the product"): the rules of what the classifier
//! learns from a deployment's own history, when there is enough of it to suggest anything,
//! the usual handler of a category at a place (counted, not learned), how a receptionist's
//! choice ranks among what was suggested, and when the nightly retrain is due.
//!
//! The classifier itself is `suqiu_text::classify`; the server trains it in the background
//! and keeps its bytes in the store. Nothing here does IO.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::appeal::Channel;
use crate::calendar::{shanghai, shanghai_date};
use crate::category::UNSORTED;
use crate::error::Msg;
use crate::msg;
use crate::Id;

/// Fewer labelled texts than this (in the labels kept) and nothing is trained or suggested:
/// a new district's guesses would teach its receptionists to ignore the chips.
pub const MIN_TEXTS: usize = 200;
/// A category with fewer examples than this is left out of the model (it could only be
/// memorised); with fewer than two categories left there is nothing to choose between.
pub const MIN_PER_LABEL: usize = 20;
/// The newest labelled texts a training reads at most: seconds of training on one core,
/// and the district's recent words rather than those of years ago.
pub const MAX_TEXTS: usize = 20_000;
/// How many categories a suggestion offers.
pub const SUGGESTED: usize = 3;
/// Resolved appeals of a category at a place before it has a usual handler.
pub const MIN_HANDLED: u32 = 3;
/// The nightly retrain runs in this hour of the night, Shanghai time (03:00–03:59): the
/// quietest hour of a station's day.
pub const RETRAIN_HOUR: u32 = 3;
/// How many trained models the store keeps (the newest serves).
pub const KEEP_MODELS: i64 = 3;
/// The held-out check: the texts of fold 0 of this many stratified folds, dealt with
/// [`SPLIT_SEED`], are scored by a model trained on the rest.
pub const HOLDOUT_FOLDS: usize = 5;
pub const SPLIT_SEED: u64 = 2020;

/// Said by `/admin` and by a suggestion when there is too little history to suggest.
pub const TOO_LITTLE_HISTORY: Msg = msg!(
    "suggest_too_little_history",
    "数据不足，暂不提供建议",
    "Not enough history yet: no suggestions"
);

/// Whether an appeal's category is a person's judgment the classifier may learn from: staff
/// set it at a desk (any channel but the public ones, where the resident picked it or nobody
/// did) or sorted/corrected it later (a `classify` event); never 待分类, which says nobody
/// has sorted it yet.
pub fn staff_labelled(channel: Channel, classified: bool, category: &str) -> bool {
    category != UNSORTED && (classified || !matches!(channel, Channel::Online | Channel::Api))
}

/// The text the classifier reads of an appeal: title, content and location, one a line.
/// Training and suggesting both read it so, so that a suggestion sees what training saw.
pub fn appeal_text(title: Option<&str>, content: &str, location: Option<&str>) -> String {
    [title, Some(content), location]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a training would learn from the labels of the labelled texts it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The categories with at least [`MIN_PER_LABEL`] examples.
    pub kept: BTreeSet<String>,
    /// The texts of those categories.
    pub n_texts: usize,
    /// All labelled texts read.
    pub n_labelled: usize,
}

impl Plan {
    pub fn of<'a>(labels: impl IntoIterator<Item = &'a str>) -> Plan {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for l in labels {
            *counts.entry(l).or_default() += 1;
        }
        let n_labelled = counts.values().sum();
        let kept: BTreeSet<String> = (counts.iter())
            .filter(|(_, n)| **n >= MIN_PER_LABEL)
            .map(|(l, _)| l.to_string())
            .collect();
        let n_texts = (counts.iter())
            .filter(|(l, _)| kept.contains(**l))
            .map(|(_, n)| n)
            .sum();
        Plan {
            kept,
            n_texts,
            n_labelled,
        }
    }

    /// Enough history to train: [`MIN_TEXTS`] texts in at least two kept categories.
    pub fn ready(&self) -> bool {
        self.n_texts >= MIN_TEXTS && self.kept.len() >= 2
    }
}

/// Who finally resolved an appeal: the department it was referred to, else the unit that
/// handled it (the station itself, or the level it was escalated to).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Handler {
    Department(Id),
    Unit(Id),
}

impl Handler {
    pub fn of(department_id: Option<Id>, handling_org_unit_id: Id) -> Handler {
        match department_id {
            Some(d) => Handler::Department(d),
            None => Handler::Unit(handling_org_unit_id),
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Handler::Department(_) => "department",
            Handler::Unit(_) => "unit",
        }
    }

    pub fn id(self) -> Id {
        match self {
            Handler::Department(id) | Handler::Unit(id) => id,
        }
    }
}

/// Resolved appeals of one category at one node with one handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub category: String,
    /// The node the appeals concern (`/district/street/community/…/`).
    pub org_path: String,
    pub handler: Handler,
    pub n: u32,
}

/// The usual handler of a category at a place (a community or a street).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usual {
    pub category: String,
    pub place: Id,
    pub handler: Handler,
    /// Appeals it resolved, of `total` resolved of this category at this place.
    pub n: u32,
    pub total: u32,
}

impl Usual {
    pub fn share(&self) -> f64 {
        f64::from(self.n) / f64::from(self.total.max(1))
    }
}

/// The street and the community of a node, from its path: the tree's levels are fixed
/// (district → street → community → grid), so they are its second and third ids.
pub fn places_of(path: &str) -> (Option<Id>, Option<Id>) {
    let mut ids = path.split('/').filter(|s| !s.is_empty());
    let _district = ids.next();
    let street = ids.next().and_then(|s| s.parse().ok());
    let community = ids.next().and_then(|s| s.parse().ok());
    (street, community)
}

/// The usual handler of each category at each community and street: the handler that
/// resolved most of its appeals there (ties: the lowest, so a count gives one answer), once
/// at least [`MIN_HANDLED`] were resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<Usual>", into = "Vec<Usual>")]
pub struct HandlerTable {
    by_place: BTreeMap<(String, Id), Usual>,
}

impl From<Vec<Usual>> for HandlerTable {
    fn from(v: Vec<Usual>) -> HandlerTable {
        let by_place = v
            .into_iter()
            .map(|u| ((u.category.clone(), u.place), u))
            .collect();
        HandlerTable { by_place }
    }
}

impl From<HandlerTable> for Vec<Usual> {
    fn from(t: HandlerTable) -> Vec<Usual> {
        t.by_place.into_values().collect()
    }
}

impl HandlerTable {
    pub fn count(rows: impl IntoIterator<Item = Resolved>) -> HandlerTable {
        let mut counts: BTreeMap<(String, Id), BTreeMap<Handler, u32>> = BTreeMap::new();
        for r in rows {
            let (street, community) = places_of(&r.org_path);
            for place in [street, community].into_iter().flatten() {
                let at = counts.entry((r.category.clone(), place)).or_default();
                *at.entry(r.handler).or_default() += r.n;
            }
        }
        let by_place = counts
            .into_iter()
            .filter_map(|((category, place), handlers)| {
                let total: u32 = handlers.values().sum();
                // The first of the most: BTreeMap order makes ties go to the lowest.
                let (handler, n) = handlers.iter().fold(
                    None,
                    |best: Option<(Handler, u32)>, (h, n)| match best {
                        Some((_, m)) if m >= *n => best,
                        _ => Some((*h, *n)),
                    },
                )?;
                (total >= MIN_HANDLED).then(|| {
                    let usual = Usual {
                        category: category.clone(),
                        place,
                        handler,
                        n,
                        total,
                    };
                    ((category, place), usual)
                })
            })
            .collect();
        HandlerTable { by_place }
    }

    /// The usual handler of `category` for an appeal at the node `path`: its community's,
    /// else its street's — unless the street's is a unit off this appeal's path (another
    /// community's station, which cannot handle it): then nobody is named rather than a
    /// neighbour.
    pub fn usual(&self, category: &str, path: &str) -> Option<&Usual> {
        let (street, community) = places_of(path);
        let reachable = |u: &&Usual| match u.handler {
            Handler::Department(_) => true,
            Handler::Unit(id) => path.split('/').any(|s| s == id.to_string()),
        };
        [community, street]
            .into_iter()
            .flatten()
            .find_map(|place| self.by_place.get(&(category.to_string(), place)))
            .filter(reachable)
    }

    pub fn len(&self) -> usize {
        self.by_place.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_place.is_empty()
    }
}

/// The rank (1–3) of what the receptionist chose among the suggested codes, best first;
/// `None` when she chose none of them.
pub fn accepted_rank(suggested: &[String], chosen: &str) -> Option<u32> {
    let at = suggested.iter().position(|c| c == chosen)?;
    u32::try_from(at + 1).ok()
}

/// Whether the nightly retrain is due at `now`: no training ran yet on this Shanghai day
/// (one on demand today counts, and so does one that found too little history), and it is
/// [`RETRAIN_HOUR`] (Shanghai) — or any hour when the newest stored model is `unreadable` (a
/// build with another model format was installed): suggestions come back the day of the
/// upgrade, not the next night.
pub fn retrain_due(now: DateTime<Utc>, last_run: Option<DateTime<Utc>>, unreadable: bool) -> bool {
    let local = now.with_timezone(&shanghai());
    let new_day = last_run.is_none_or(|t| shanghai_date(t) < shanghai_date(now));
    new_day && (unreadable || local.hour() == RETRAIN_HOUR)
}

/// The Shanghai month of an instant, `YYYY-MM`: the key of the acceptance figures.
pub fn month_of(at: DateTime<Utc>) -> String {
    let d = shanghai_date(at);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// How a month's suggestions fared: intakes offered one, how many took the first, how many
/// one of the three.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthAcceptance {
    pub month: String,
    pub suggested: u64,
    pub top1: u64,
    pub top3: u64,
}

impl MonthAcceptance {
    /// The share of intakes that took the first suggestion; `None` with no intake.
    pub fn top1_rate(&self) -> Option<f64> {
        rate(self.top1, self.suggested)
    }

    pub fn top3_rate(&self) -> Option<f64> {
        rate(self.top3, self.suggested)
    }
}

fn rate(n: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

/// How a model scored on the texts held out of its training (see [`HOLDOUT_FOLDS`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    pub n_test: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub top3_accuracy: f64,
    pub train_seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shanghai_to_utc;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        let day = NaiveDate::from_ymd_opt(y, m, d).expect("date");
        shanghai_to_utc(day.and_hms_opt(h, 0, 0).expect("time"))
    }

    #[test]
    fn staff_labels_are_desk_intakes_or_sorted_ones() {
        assert!(staff_labelled(Channel::WalkIn, false, "a.b"));
        assert!(staff_labelled(Channel::Phone, false, "a.b"));
        assert!(!staff_labelled(Channel::Online, false, "a.b"));
        assert!(!staff_labelled(Channel::Api, false, "a.b"));
        assert!(staff_labelled(Channel::Online, true, "a.b"));
        assert!(!staff_labelled(Channel::WalkIn, true, UNSORTED));
    }

    #[test]
    fn the_text_is_title_content_location() {
        assert_eq!(appeal_text(Some(" 题 "), "内容", None), "题\n内容");
        assert_eq!(appeal_text(Some(""), "内容", Some("3号楼")), "内容\n3号楼");
    }

    #[test]
    fn a_plan_keeps_labels_with_enough_examples() {
        let mut labels = vec!["a"; 150];
        labels.extend(vec!["b"; 60]);
        labels.extend(vec!["c"; MIN_PER_LABEL - 1]);
        let plan = Plan::of(labels.iter().copied());
        assert_eq!(plan.kept, ["a", "b"].map(String::from).into());
        assert_eq!(
            (plan.n_texts, plan.n_labelled),
            (210, 210 + MIN_PER_LABEL - 1)
        );
        assert!(plan.ready());
        // Enough texts but one label: nothing to choose between.
        assert!(!Plan::of(vec!["a"; 500]).ready());
        // Two labels, too few texts.
        let few: Vec<&str> = [vec!["a"; 100], vec!["b"; 99]].concat();
        assert!(!Plan::of(few).ready());
    }

    #[test]
    fn the_usual_handler_is_the_most_frequent_by_community_then_street() {
        let row = |path: &str, handler, n| Resolved {
            category: "water".into(),
            org_path: path.into(),
            handler,
            n,
        };
        let table = HandlerTable::count([
            row("/1/2/3/", Handler::Department(9), 4),
            row("/1/2/3/30/", Handler::Unit(3), 2),
            row("/1/2/4/", Handler::Unit(2), 5),
            row("/1/2/5/", Handler::Unit(5), 2),
        ]);
        let at3 = table.usual("water", "/1/2/3/30/").expect("community 3");
        assert_eq!(
            (at3.handler, at3.n, at3.total),
            (Handler::Department(9), 4, 6)
        );
        assert!((at3.share() - 4.0 / 6.0).abs() < 1e-9);
        // Community 5 has too few of its own: its street's (2: 5 of 13 by unit 2).
        let at5 = table.usual("water", "/1/2/5/").expect("street 2");
        assert_eq!(
            (at5.place, at5.handler, at5.n, at5.total),
            (2, Handler::Unit(2), 5, 13)
        );
        assert!(table.usual("lifts", "/1/2/3/").is_none());
        assert!(table.usual("water", "/1/7/8/").is_none());
        // A street whose stations each handle their own: community 6's station is the
        // street's most frequent, but never the usual handler of community 7's appeals.
        let own = HandlerTable::count([
            row("/1/2/6/", Handler::Unit(6), 5),
            row("/1/2/7/", Handler::Unit(7), 1),
        ]);
        assert!(own.usual("water", "/1/2/7/").is_none());
        assert_eq!(
            own.usual("water", "/1/2/6/").map(|u| u.handler),
            Some(Handler::Unit(6))
        );
        // Ties go to the lowest handler, and the table survives JSON.
        let tie = HandlerTable::count([
            row("/1/2/3/", Handler::Unit(3), 2),
            row("/1/2/3/", Handler::Department(9), 2),
        ]);
        assert_eq!(
            tie.usual("water", "/1/2/3/").unwrap().handler,
            Handler::Department(9)
        );
        let json = serde_json::to_string(&table).expect("json");
        assert_eq!(
            serde_json::from_str::<HandlerTable>(&json).expect("back"),
            table
        );
    }

    #[test]
    fn the_rank_of_the_choice() {
        let s = ["a", "b", "c"].map(String::from);
        assert_eq!(accepted_rank(&s, "a"), Some(1));
        assert_eq!(accepted_rank(&s, "c"), Some(3));
        assert_eq!(accepted_rank(&s, "d"), None);
    }

    #[test]
    fn the_nightly_retrain_runs_once_a_night_at_three() {
        assert!(retrain_due(at(2026, 11, 25, 3), None, false));
        assert!(!retrain_due(at(2026, 11, 25, 4), None, false));
        assert!(retrain_due(
            at(2026, 11, 25, 3),
            Some(at(2026, 11, 24, 3)),
            false
        ));
        // Trained on demand earlier today (or by the first tick of this hour): not again.
        assert!(!retrain_due(
            at(2026, 11, 25, 3),
            Some(at(2026, 11, 25, 1)),
            false
        ));
    }

    #[test]
    fn an_unreadable_model_is_retrained_at_once_but_once_a_day() {
        let noon = at(2026, 11, 25, 12);
        assert!(retrain_due(noon, Some(at(2026, 11, 24, 3)), true));
        assert!(retrain_due(noon, None, true));
        // That retrain found too little history, or failed: not again before tomorrow.
        assert!(!retrain_due(noon, Some(at(2026, 11, 25, 11)), true));
    }

    #[test]
    fn months_and_rates() {
        // 2026-11-30 16:30 UTC is already December in Shanghai.
        let late = at(2026, 12, 1, 0) + chrono::TimeDelta::minutes(30);
        assert_eq!(month_of(late), "2026-12");
        let m = MonthAcceptance {
            month: "2026-12".into(),
            suggested: 4,
            top1: 2,
            top3: 3,
        };
        assert_eq!((m.top1_rate(), m.top3_rate()), (Some(0.5), Some(0.75)));
        let none = MonthAcceptance {
            suggested: 0,
            top1: 0,
            top3: 0,
            ..m
        };
        assert_eq!(none.top1_rate(), None);
    }
}
