//! 工作台: the user's queue at a glance, each count opening the list it counts, and the
//! appeals received today.

use askama::Template;
use axum::extract::State;
use chrono::{NaiveTime, TimeDelta, TimeZone, Utc};
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_core::lifecycle::EventBody;
use suqiu_store::appeals::AppealFilter;
use suqiu_store::notices::Notice;

use super::appeals::{row_of, Row};
use super::i18n::Lang;
use super::view::{when, Chrome};
use super::{fail, render, PageResult, Session};
use crate::state::AppState;

/// One tile: label key, count, the list it opens, and whether it is a warning.
pub(crate) struct Tile {
    pub key: &'static str,
    pub count: i64,
    pub href: &'static str,
    pub tone: &'static str,
}

/// A notice as the dashboard lists it.
pub(crate) struct NoticeRow {
    pub appeal_id: i64,
    pub code: String,
    pub at: String,
    pub who: String,
    pub what: String,
    pub why: String,
}

fn notice_row(lang: Lang, n: &Notice) -> NoticeRow {
    let (what, why) = match &n.body {
        EventBody::Supervise { note } => {
            (lang.label("supervise", "督办").to_string(), note.clone())
        }
        EventBody::Return { note, .. } => (lang.label("return", "退回").to_string(), note.clone()),
        EventBody::ExtendApprove {
            approve, reason, ..
        } => (
            format!(
                "{} · {}",
                lang.label("extend_approve", "延期审批"),
                if *approve {
                    lang.t("act.approve")
                } else {
                    lang.t("act.deny")
                }
            ),
            reason.clone().unwrap_or_default(),
        ),
        other => (other.type_name().to_string(), String::new()),
    };
    NoticeRow {
        appeal_id: n.appeal_id,
        code: n.tracking_code.clone(),
        at: when(n.at),
        who: n.actor_name.clone(),
        what,
        why,
    }
}

/// How far back the dashboard's notices reach, and how many it shows.
const NOTICE_DAYS: i64 = 7;
const NOTICES: i64 = 10;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    tiles: Vec<Tile>,
    /// Today's appeals (named `rows` for the shared rows partial).
    rows: Vec<Row>,
    notices: Vec<NoticeRow>,
    today_total: i64,
    /// Today in Shanghai, for the link to all of today's appeals.
    today_day: String,
}

/// Most appeals of today listed on the dashboard (the tile links to all of them).
const TODAY_ROWS: i64 = 10;

pub(crate) async fn home(State(state): State<AppState>, s: Session) -> PageResult {
    let lang = s.lang;
    let now = state.now();
    // "Due soon" is within one working day, as the handler's reminder is.
    let soon = state.calendar().add_working_days(now, 1);
    let q = state
        .store
        .queue_counts(&s.actor, now, soon)
        .await
        .map_err(fail(lang))?;
    let tiles = vec![
        Tile {
            key: "home.registered",
            count: q.registered,
            href: "/appeals?status=registered&sort=deadline",
            tone: "",
        },
        Tile {
            key: "home.accepted",
            count: q.accepted,
            href: "/appeals?status=accepted&sort=deadline",
            tone: "",
        },
        Tile {
            key: "home.in_progress",
            count: q.in_progress,
            href: "/appeals?status=in_progress&sort=deadline",
            tone: "",
        },
        Tile {
            key: "home.due_soon",
            count: q.due_soon,
            href: "/appeals?due=soon&sort=deadline",
            tone: "warn",
        },
        Tile {
            key: "home.overdue",
            count: q.overdue,
            href: "/appeals?overdue=true&sort=deadline",
            tone: "danger",
        },
        Tile {
            key: "home.awaiting_feedback",
            count: q.awaiting_feedback,
            href: "/appeals?status=resolved&feedback=false",
            tone: "",
        },
        Tile {
            key: "home.awaiting_follow_up",
            count: q.awaiting_follow_up,
            href: "/appeals?status=resolved&feedback=true",
            tone: "",
        },
    ];
    let midnight = shanghai()
        .from_local_datetime(&shanghai_date(now).and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc));
    let filter = AppealFilter {
        from: midnight,
        page: 1,
        per_page: TODAY_ROWS,
        ..AppealFilter::default()
    };
    let found = state
        .store
        .list_appeals(&s.actor, &filter, now)
        .await
        .map_err(fail(lang))?;
    let names = crate::routes::appeals::category_names(&state)
        .await
        .map_err(fail(lang))?;
    let rows = found
        .items
        .iter()
        .map(|r| row_of(lang, r, &names, now))
        .collect();
    let notices = state
        .store
        .notices(&s.actor, now - TimeDelta::days(NOTICE_DAYS), NOTICES)
        .await
        .map_err(fail(lang))?
        .iter()
        .map(|n| notice_row(lang, n))
        .collect();
    render(
        lang,
        &HomePage {
            c: s.chrome("home"),
            tiles,
            rows,
            notices,
            today_total: found.total,
            today_day: shanghai_date(now).to_string(),
        },
    )
}
