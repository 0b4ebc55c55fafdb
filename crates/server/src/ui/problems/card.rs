//! The appeal page's problem card: the problem the appeal belongs to, and the appeals the
//! near-duplicate finder takes for the same problem (可能是同一问题的诉求), grouped with one
//! click (the form posts to `/problems`) or added to the problem one of them is in.

use suqiu_core::Id;
use suqiu_store::appeals::AppealRecord;

use super::super::appeals::summary;
use super::super::{Session, UiError};
use crate::app::problems as app;
use crate::state::AppState;

/// The problem an appeal belongs to, as its page and the lists link it.
#[derive(Debug, Clone)]
pub(crate) struct Belongs {
    pub(crate) id: Id,
    pub(crate) title: String,
    pub(crate) lead: bool,
}

/// An appeal the finder suggests as the same problem.
pub(crate) struct CardItem {
    pub(crate) code: String,
    pub(crate) summary: String,
    pub(crate) status: &'static str,
    /// The problem it is in already.
    pub(crate) problem: Option<Belongs>,
}

/// The appeal page's card: the problem it belongs to, and the appeals that may be the
/// same problem (可能是同一问题的诉求) with the one-click grouping.
pub(crate) struct ProblemCard {
    pub(crate) shown: bool,
    pub(crate) problem: Option<Belongs>,
    /// The free ones (in no problem), which the grouping form ticks.
    pub(crate) free: Vec<CardItem>,
    /// Those in a problem already, which this appeal may join.
    pub(crate) grouped: Vec<CardItem>,
    pub(crate) code: String,
    pub(crate) title: String,
    pub(crate) place: String,
}

pub(crate) fn belongs(m: suqiu_store::problems::Membership) -> Belongs {
    Belongs {
        id: m.problem_id,
        title: m.title,
        lead: m.lead,
    }
}

/// The card of `rec`'s page.
pub(crate) async fn card(
    state: &AppState,
    s: &Session,
    rec: &AppealRecord,
) -> Result<ProblemCard, UiError> {
    let found = app::suggestions(state, &s.actor, rec).await?;
    let (mut free, mut grouped) = (Vec::new(), Vec::new());
    for x in found.appeals {
        let item = CardItem {
            code: x.tracking_code,
            summary: summary(x.title.as_deref(), &x.content),
            status: s.lang.label(x.status.code(), x.status.label_zh()),
            problem: x.problem.map(belongs),
        };
        if item.problem.is_some() {
            grouped.push(item);
        } else {
            free.push(item);
        }
    }
    let a = &rec.appeal;
    Ok(ProblemCard {
        shown: found.problem.is_some() || !free.is_empty() || !grouped.is_empty(),
        problem: found.problem.map(belongs),
        free,
        grouped,
        code: a.tracking_code.clone(),
        title: summary(a.title.as_deref(), &a.content),
        place: a.location.clone().unwrap_or_default(),
    })
}
