//! 工作台: the user's queue at a glance, each count opening the list it counts, and the
//! appeals received today.

use askama::Template;
use axum::extract::State;
use chrono::{NaiveTime, TimeZone, Utc};
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_store::appeals::AppealFilter;

use super::appeals::{row_of, Row};
use super::view::Chrome;
use super::{fail, render, PageResult, Session};
use crate::state::AppState;

/// One tile: label key, count, the list it opens, and whether it is a warning.
pub(crate) struct Tile {
    pub key: &'static str,
    pub count: i64,
    pub href: &'static str,
    pub tone: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    tiles: Vec<Tile>,
    /// Today's appeals (named `rows` for the shared rows partial).
    rows: Vec<Row>,
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
    render(
        lang,
        &HomePage {
            c: s.chrome("home"),
            tiles,
            rows,
            today_total: found.total,
            today_day: shanghai_date(now).to_string(),
        },
    )
}
