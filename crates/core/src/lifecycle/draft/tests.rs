use proptest::prelude::*;

use super::*;
use crate::access::{Actor, Role};
use crate::calendar::WorkCalendar;
use crate::lifecycle::register;
use crate::policy::TimeLimitPolicy;

fn unit(id: Id, kind: OrgKind, parent_id: Option<Id>) -> OrgUnit {
    OrgUnit {
        id,
        parent_id,
        kind,
        code: format!("U{id}"),
        name: format!("单位{id}"),
        path: format!("/1/{id}/"),
    }
}

fn draft() -> IntakeDraft {
    IntakeDraft {
        appellant_id: None,
        appellant: None,
        anonymous: true,
        org_unit_id: 7,
        channel: Channel::WalkIn,
        matter: Matter {
            kind: Kind::Help,
            category: "housing".into(),
            urgency: None,
            title: None,
            content: "楼道灯坏了".into(),
            location: None,
            public_consent: false,
        },
    }
}

fn facts() -> IntakeFacts {
    IntakeFacts {
        appellant_on_register: false,
        category_known: true,
        unit: Some(unit(7, OrgKind::Community, Some(3))),
    }
}

fn fields(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_good_draft_becomes_an_intake_handled_by_its_community() {
    let checked = check_draft(draft(), &facts()).expect("passes");
    assert_eq!(checked.handling_org_unit_id, 7);
    assert_eq!(checked.intake.urgency, Urgency::Normal);
    assert_eq!(checked.intake.appellant, Appellant::Anonymous);
}

#[test]
fn a_grids_appeal_is_handled_by_the_community_above_it() {
    let mut f = facts();
    f.unit = Some(unit(9, OrgKind::Grid, Some(7)));
    let checked = check_draft(draft(), &f).expect("passes");
    assert_eq!(checked.intake.org_unit_id, 9, "it concerns the grid");
    assert_eq!(checked.handling_org_unit_id, 7, "its community handles it");
}

#[test]
fn every_fault_is_named_at_once_by_its_field() {
    let mut d = draft();
    d.anonymous = false;
    d.appellant = Some(NewAppellantDraft {
        name: " ".into(),
        phone: Some("1391234".into()),
        email: Some("not-an-address".into()),
    });
    d.matter.content = "  ".into();
    d.matter.title = Some("题".repeat(MAX_TITLE_CHARS + 1));
    d.matter.category = "no_such".into();
    let f = IntakeFacts {
        category_known: false,
        unit: None,
        ..facts()
    };
    let errors = check_draft(d, &f).expect_err("refused");
    assert_eq!(
        fields(&errors),
        [
            "appellant.name",
            "appellant.phone",
            "appellant.email",
            "category",
            "org_unit_id",
            "content",
            "title"
        ]
    );
    assert_eq!(errors[3].code, "category_unknown");
    assert!(errors[3].text(false).contains("no_such"));
}

#[test]
fn the_appellant_is_one_of_three_ways() {
    let mut d = draft();
    d.appellant_id = Some(4);
    let errors = check_draft(d.clone(), &facts()).expect_err("two ways");
    assert_eq!(fields(&errors), ["appellant"]);
    d.anonymous = false;
    let errors = check_draft(d.clone(), &facts()).expect_err("not on the register");
    assert_eq!(fields(&errors), ["appellant_id"]);
    let f = IntakeFacts {
        appellant_on_register: true,
        ..facts()
    };
    let checked = check_draft(d, &f).expect("on the register");
    assert_eq!(checked.intake.appellant, Appellant::Person { person_id: 4 });
}

#[test]
fn an_empty_category_asks_to_pick_one() {
    let mut d = draft();
    d.matter.category = " ".into();
    let f = IntakeFacts {
        category_known: false,
        ..facts()
    };
    let errors = check_draft(d, &f).expect_err("refused");
    assert_eq!(errors[0].code, "category_pick");
}

fn desk() -> Actor {
    Actor {
        user_id: 1,
        name: "站点".into(),
        role: Role::StationStaff,
        org_unit_id: 7,
        org_path: "/1/3/7/".into(),
        department_id: None,
    }
}

proptest! {
    /// The desk's check and `register` apply one text rule: a draft whose texts pass the
    /// check registers, and one they fail is refused by `register` too.
    #[test]
    fn the_desk_and_register_agree_on_texts(
        content in "[ 楼a]{0,3}",
        long in 0usize..3,
        title in proptest::option::of("[ 题]{0,3}"),
    ) {
        let mut d = draft();
        d.matter.content = if long == 2 { "长".repeat(MAX_CONTENT_CHARS + 1) } else { content };
        d.matter.title = title;
        let checked = check_draft(d.clone(), &facts());
        let intake = Intake {
            appellant: Appellant::Anonymous,
            org_unit_id: 7,
            channel: d.channel,
            kind: d.matter.kind,
            category: d.matter.category.clone(),
            urgency: Urgency::Normal,
            title: d.matter.title.clone(),
            content: d.matter.content.clone(),
            location: None,
            public_consent: false,
        };
        let registered = register(
            intake,
            "SQ261204-7KQ4MX9T2H".into(),
            7,
            &desk(),
            chrono::Utc::now(),
            &WorkCalendar::weekdays_only(),
            &TimeLimitPolicy::default(),
        );
        prop_assert_eq!(checked.is_ok(), registered.is_ok());
    }
}
