//! 工作台: the user's queue at a glance, each count opening the list it counts, and the
//! appeals received today.

use askama::Template;
use axum::extract::State;
use chrono::{NaiveTime, TimeDelta, TimeZone, Utc};
use suqiu_core::calendar::{shanghai, shanghai_date};
use suqiu_core::notice::NoticeKind;
use suqiu_store::appeals::AppealFilter;
use suqiu_store::notifications::Notification;

use suqiu_core::figures::{self, Figure};

use super::appeals::{row_of, Row};
use super::figures::{term, Term};
use super::view::{when, Chrome};
use super::{fail, render, PageResult, Session};
use crate::state::AppState;

/// One tile: the test id, the figure it shows (label and explanation from core's table), the
/// count, the list it opens (exactly the appeals counted), and whether it is a warning.
pub(crate) struct Tile {
    pub key: &'static str,
    pub term: Term,
    pub count: i64,
    /// The count as shown ("1000+" past the counting cap, as the list it opens says).
    pub shown: String,
    pub href: &'static str,
    pub tone: &'static str,
}

/// A queue count as a tile shows it: past the counting cap, "1000+".
fn shown(n: i64) -> String {
    let cap = suqiu_store::appeals::COUNT_CAP;
    if n > cap {
        format!("{cap}+")
    } else {
        n.to_string()
    }
}

/// A notice as the dashboard lists it (the words are the notice's own, as the notice centre
/// shows them).
pub(crate) struct NoticeRow {
    pub id: i64,
    pub appeal_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub at: String,
    pub unread: bool,
}

fn notice_row(lang: super::i18n::Lang, n: &Notification) -> NoticeRow {
    let (title, body) = super::notifications::in_language(lang, n);
    NoticeRow {
        id: n.id,
        appeal_id: n.appeal_id,
        title: title.to_string(),
        body: body.to_string(),
        at: when(n.created_at),
        unread: n.read_at.is_none(),
    }
}

/// The kinds of notice the dashboard lists: what others decided about the user's appeals.
const NOTICE_KINDS: [NoticeKind; 4] = [
    NoticeKind::Supervised,
    NoticeKind::Returned,
    NoticeKind::ExtensionApproved,
    NoticeKind::ExtensionDenied,
];

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
    /// Today's count as shown ("1000+" past the lists' counting cap).
    today_total: String,
    /// Today in Shanghai, for the link to all of today's appeals.
    today_day: String,
}

/// The dashboard's tiles: message key, figure, its count in the queue, the list it opens,
/// tone.
type TileSpec = (
    &'static str,
    Figure,
    fn(&suqiu_store::queue::QueueCounts) -> i64,
    &'static str,
    &'static str,
);
const TILES: [TileSpec; 9] = [
    (
        "home.registered",
        figures::REGISTERED_NOW,
        |q| q.registered,
        "/appeals?status=registered&sort=deadline",
        "",
    ),
    (
        "home.accepted",
        figures::ACCEPTED_NOW,
        |q| q.accepted,
        "/appeals?status=accepted&sort=deadline",
        "",
    ),
    (
        "home.in_progress",
        figures::IN_PROGRESS_NOW,
        |q| q.in_progress,
        "/appeals?status=in_progress&sort=deadline",
        "",
    ),
    (
        "home.due_soon",
        figures::DUE_SOON,
        |q| q.due_soon,
        "/appeals?due=soon&sort=deadline",
        "warn",
    ),
    (
        "home.overdue",
        figures::OVERDUE_NOW,
        |q| q.overdue,
        "/appeals?overdue=true&sort=deadline",
        "danger",
    ),
    (
        "home.awaiting_feedback",
        figures::AWAITING_FEEDBACK,
        |q| q.awaiting_feedback,
        "/appeals?status=resolved&feedback=false",
        "",
    ),
    (
        "home.awaiting_follow_up",
        figures::AWAITING_FOLLOW_UP,
        |q| q.awaiting_follow_up,
        "/appeals?status=resolved&feedback=true",
        "",
    ),
    (
        "home.unsorted",
        figures::UNSORTED_NOW,
        |q| q.unsorted,
        "/appeals?category=unsorted&sort=deadline",
        "",
    ),
    (
        "home.spam",
        figures::SPAM_NOW,
        |q| q.spam,
        "/appeals?spam=true",
        "",
    ),
];

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
    let tiles = TILES
        .iter()
        .map(|(key, figure, count, href, tone)| Tile {
            key,
            term: term(lang, figure),
            count: count(&q),
            shown: shown(count(&q)),
            href,
            tone,
        })
        .collect();
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
    let names = crate::app::appeals::category_names(&state, lang == super::i18n::Lang::En)
        .await
        .map_err(fail(lang))?;
    let rows = found
        .items
        .iter()
        .map(|r| row_of(lang, r, &names, now))
        .collect();
    let notices = state
        .store
        .recent_notifications(
            s.actor.user_id,
            &NOTICE_KINDS,
            now - TimeDelta::days(NOTICE_DAYS),
            NOTICES,
        )
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
            today_total: if found.total_exact {
                found.total.to_string()
            } else {
                format!("{}+", found.total)
            },
            today_day: shanghai_date(now).to_string(),
        },
    )
}
