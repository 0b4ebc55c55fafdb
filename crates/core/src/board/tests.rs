use chrono::{TimeZone, Utc};
use proptest::prelude::*;

use super::reply::{check_body, decide, MAX_REPLY_CHARS};
use super::*;
use crate::access::{Relation, Role};
use crate::appeal::Channel;
use crate::error::Refusal;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("a time")
}

fn actor(role: Role, org_unit_id: Id, org_path: &str) -> Actor {
    Actor {
        user_id: org_unit_id * 10,
        name: "站点一".into(),
        role,
        org_unit_id,
        org_path: org_path.into(),
        department_id: None,
    }
}

fn appeal(consent: bool) -> Appeal {
    let mut a = crate::privacy::personal_appeal(consent, Channel::Online);
    a.title = Some("王小明反映13912345678水管".into());
    a
}

fn no_personal_data(text: &str) {
    for gone in ["王小明", "13912345678", "31011719800101123X", "502"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
}

#[test]
fn only_consented_appeals_are_public() {
    assert!(may_be_public(&appeal(true)));
    assert!(!may_be_public(&appeal(false)));
    let mut spam = appeal(true);
    spam.spam_at = Some(spam.created_at);
    assert!(!may_be_public(&spam), "a spam appeal leaves the board");
}

#[test]
fn the_board_shows_an_appeal_without_its_people() {
    let a = appeal(true);
    let reply = PublicReply {
        body: "已联系王小明（13912345678）并修好水管".into(),
        state: ReplyState::Published,
        written: stamp(1, at(2026, 11, 25, 2)),
        published: Some(stamp(2, at(2026, 11, 26, 2))),
        withdrawn: None,
    };
    let shown = BoardAppeal::new(&a, Some("王小明"), 4, Some(&reply));
    no_personal_data(shown.title.as_deref().unwrap_or_default());
    no_personal_data(&shown.excerpt);
    no_personal_data(shown.location.as_deref().unwrap_or_default());
    let said = shown.reply.clone().expect("published: shown");
    no_personal_data(&said);
    assert!(said.contains("修好水管"), "{said}");
    assert_eq!(shown.location.as_deref(), Some("荣乐东路88弄3号楼"));
    assert_eq!(shown.community_id, 4);
    assert_eq!(shown.deadline, Some(a.respond_by));
    assert_eq!(
        shown.updated,
        at(2026, 11, 26, 2),
        "the reply's publication"
    );
    // Only a published reply shows.
    for state in [ReplyState::Draft, ReplyState::Withdrawn] {
        let r = PublicReply {
            state,
            ..reply.clone()
        };
        assert_eq!(
            BoardAppeal::new(&a, Some("王小明"), 4, Some(&r)).reply,
            None
        );
    }
}

#[test]
fn excerpts_are_cut_after_redaction() {
    assert_eq!(shorten("  短  ", 5), "短");
    assert_eq!(shorten("一二三四五六", 5), "一二三四五…");
    let long = format!("{}13912345678", "水".repeat(EXCERPT_CHARS - 3));
    let mut a = appeal(true);
    a.content = long;
    let shown = BoardAppeal::new(&a, None, 4, None);
    assert!(!shown.excerpt.contains("139"), "{}", shown.excerpt);
    assert!(shown.excerpt.chars().count() <= EXCERPT_CHARS + 1);
}

fn stamp(by: Id, at: DateTime<Utc>) -> Stamp {
    Stamp {
        by,
        name: "某人".into(),
        at,
    }
}

/// The station that handles the appeal, its street above, another station, a volunteer.
fn relation(at_handling_unit: bool, superior: bool) -> Relation {
    Relation {
        visible: true,
        at_handling_unit,
        assignee: false,
        department: false,
        superior,
    }
}

fn ctx(actor: &Actor, relation: Relation) -> ReplyContext<'_> {
    ReplyContext {
        actor,
        relation,
        public: true,
        now: at(2026, 11, 25, 2),
    }
}

#[test]
fn a_reply_is_written_reviewed_published_and_withdrawn() {
    let station = actor(Role::StationStaff, 7, "/1/2/7/");
    let street = actor(Role::StreetStaff, 2, "/1/2/");
    let here = ctx(&station, relation(true, false));
    let draft = decide(None, &ReplyCommand::Write(" 已修好 ".into()), &here).expect("written");
    assert_eq!(
        (draft.state, draft.body.as_str()),
        (ReplyState::Draft, "已修好")
    );
    let edited = decide(Some(&draft), &ReplyCommand::Write("已修复".into()), &here).expect("edit");
    let above = ctx(&street, relation(false, true));
    let published = decide(Some(&edited), &ReplyCommand::Publish, &above).expect("reviewed");
    assert_eq!(published.state, ReplyState::Published);
    assert_eq!(
        published.published.as_ref().map(|s| s.by),
        Some(street.user_id)
    );
    assert_eq!(published.written.by, station.user_id);
    // Published: fixed until withdrawn.
    let refused = decide(Some(&published), &ReplyCommand::Write("改".into()), &here);
    assert!(matches!(refused, Err(Refusal::Conflict(_))), "{refused:?}");
    let again = decide(Some(&published), &ReplyCommand::Publish, &here);
    assert!(matches!(again, Err(Refusal::Conflict(_))), "{again:?}");
    let withdrawn = decide(Some(&published), &ReplyCommand::Withdraw, &here).expect("withdrawn");
    assert_eq!(withdrawn.state, ReplyState::Withdrawn);
    assert!(withdrawn.published.is_some() && withdrawn.withdrawn.is_some());
    let twice = decide(Some(&withdrawn), &ReplyCommand::Withdraw, &here);
    assert!(matches!(twice, Err(Refusal::Conflict(_))), "{twice:?}");
    // Rewritten, it is reviewed again.
    let rewritten = decide(Some(&withdrawn), &ReplyCommand::Write("新".into()), &here).expect("ok");
    assert_eq!(rewritten.state, ReplyState::Draft);
    assert_eq!((rewritten.published, rewritten.withdrawn), (None, None));
    let nothing = decide(None, &ReplyCommand::Publish, &here);
    assert!(matches!(nothing, Err(Refusal::Conflict(_))), "{nothing:?}");
}

#[test]
fn only_the_handling_unit_or_above_reviews() {
    // A station below the handling unit (it escalated) writes but does not publish.
    let below = actor(Role::StationStaff, 7, "/1/2/7/");
    let c = ctx(&below, relation(false, false));
    let draft = decide(None, &ReplyCommand::Write("答复".into()), &c).expect("writes");
    for cmd in [ReplyCommand::Publish, ReplyCommand::Withdraw] {
        let r = decide(Some(&draft), &cmd, &c);
        assert!(matches!(r, Err(Refusal::Forbidden(_))), "{cmd:?}: {r:?}");
    }
    // Roles that do not publish, and staff who do not see the appeal, write nothing.
    for role in [Role::Volunteer, Role::DepartmentLiaison, Role::Auditor] {
        let who = actor(role, 7, "/1/2/7/");
        let r = decide(
            None,
            &ReplyCommand::Write("x".into()),
            &ctx(&who, relation(true, false)),
        );
        assert!(matches!(r, Err(Refusal::Forbidden(_))), "{role}: {r:?}");
    }
    let other = actor(Role::StationStaff, 8, "/1/2/8/");
    let unseen = ReplyContext {
        relation: Relation::default(),
        ..ctx(&other, Relation::default())
    };
    let r = decide(None, &ReplyCommand::Write("x".into()), &unseen);
    assert!(matches!(r, Err(Refusal::Forbidden(_))), "{r:?}");
}

#[test]
fn an_appeal_that_is_not_public_takes_no_reply_but_one_can_be_taken_down() {
    let station = actor(Role::StationStaff, 7, "/1/2/7/");
    let private = ReplyContext {
        public: false,
        ..ctx(&station, relation(true, false))
    };
    let r = decide(None, &ReplyCommand::Write("答复".into()), &private);
    assert!(matches!(r, Err(Refusal::Conflict(_))), "{r:?}");
    let published = PublicReply {
        body: "x".into(),
        state: ReplyState::Published,
        written: stamp(1, at(2026, 1, 1, 1)),
        published: Some(stamp(1, at(2026, 1, 1, 2))),
        withdrawn: None,
    };
    let down = decide(Some(&published), &ReplyCommand::Withdraw, &private).expect("withdrawn");
    assert_eq!(down.state, ReplyState::Withdrawn);
}

#[test]
fn a_reply_says_something_within_its_limit() {
    assert!(check_body("  ").is_err());
    assert!(check_body(&"字".repeat(MAX_REPLY_CHARS + 1)).is_err());
    assert!(check_body("a\u{0}b").is_err());
    assert_eq!(
        check_body(&"字".repeat(MAX_REPLY_CHARS)).map(|b| b.len()),
        Ok(3_000)
    );
}

#[test]
fn an_item_names_every_fault_at_once_and_defaults_to_today() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let errors = check_item(&ItemDraft::default(), today).expect_err("empty");
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["title", "body", "category"]);
    let long = ItemDraft {
        title: "题".repeat(MAX_ITEM_TITLE + 1),
        body: "文".repeat(MAX_ITEM_BODY + 1),
        category: Some(ItemCategory::Funds),
        dated: None,
    };
    assert_eq!(check_item(&long, today).expect_err("long").len(), 2);
    let ok = ItemDraft {
        title: " 党员大会决议 ".into(),
        body: "决定……".into(),
        category: Some(ItemCategory::Decision),
        dated: None,
    };
    let checked = check_item(&ok, today).expect("ok");
    assert_eq!(
        (checked.title.as_str(), checked.dated),
        ("党员大会决议", today)
    );
}

#[test]
fn items_are_published_by_the_nodes_own_staff_and_withdrawn_from_above() {
    let node = |id: Id, kind: OrgKind, path: &str| OrgUnit {
        id,
        parent_id: None,
        kind,
        code: format!("c{id}"),
        name: format!("n{id}"),
        path: path.into(),
    };
    let community = node(7, OrgKind::Community, "/1/2/7/");
    let station = actor(Role::StationStaff, 7, "/1/2/7/");
    let street = actor(Role::StreetStaff, 2, "/1/2/");
    let other = actor(Role::StationStaff, 8, "/1/2/8/");
    assert_eq!(may_publish_item(&station, &community), Ok(()));
    assert!(matches!(
        may_publish_item(&street, &community),
        Err(Refusal::Forbidden(_))
    ));
    assert!(matches!(
        may_publish_item(&actor(Role::Volunteer, 7, "/1/2/7/"), &community),
        Err(Refusal::Forbidden(_))
    ));
    let grid = node(9, OrgKind::Grid, "/1/2/7/9/");
    let grid_staff = actor(Role::StationStaff, 9, "/1/2/7/9/");
    assert!(matches!(
        may_publish_item(&grid_staff, &grid),
        Err(Refusal::Invalid(_))
    ));
    assert_eq!(may_withdraw_item(&street, &community.path, false), Ok(()));
    assert_eq!(may_withdraw_item(&station, &community.path, false), Ok(()));
    assert!(matches!(
        may_withdraw_item(&other, &community.path, false),
        Err(Refusal::Forbidden(_))
    ));
    assert!(matches!(
        may_withdraw_item(&station, &community.path, true),
        Err(Refusal::Conflict(_))
    ));
}

proptest! {
    /// Whatever the commands and whoever gives them, a reply is published only after a
    /// writing and a review by the handling unit or above, and a published reply's words
    /// are the words that were reviewed.
    #[test]
    fn published_words_are_reviewed_words(
        steps in proptest::collection::vec((0u8..3, any::<bool>(), "[a-z]{0,3}"), 1..12),
    ) {
        let reviewer = actor(Role::StationStaff, 7, "/1/2/7/");
        let writer = actor(Role::StationStaff, 8, "/1/2/7/8/");
        let mut current: Option<PublicReply> = None;
        let mut reviewed: Option<String> = None;
        for (step, by_reviewer, body) in steps {
            let (who, rel) = if by_reviewer {
                (&reviewer, relation(true, false))
            } else {
                (&writer, relation(false, false))
            };
            let cmd = match step {
                0 => ReplyCommand::Write(body),
                1 => ReplyCommand::Publish,
                _ => ReplyCommand::Withdraw,
            };
            if let Ok(next) = decide(current.as_ref(), &cmd, &ctx(who, rel)) {
                if cmd == ReplyCommand::Publish {
                    prop_assert!(by_reviewer);
                    reviewed = Some(next.body.clone());
                }
                current = Some(next);
            }
            if let Some(r) = current.as_ref().filter(|r| r.state == ReplyState::Published) {
                prop_assert_eq!(Some(&r.body), reviewed.as_ref());
                prop_assert!(r.published.is_some());
            }
        }
    }
}
