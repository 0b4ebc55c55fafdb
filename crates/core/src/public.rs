//! An appeal a resident brings through the public door (`/p/new`, `POST
//! /api/v1/public/appeals`), with no account: checked by the desk's own intake rules
//! ([`check_draft`]: one set of rules for every way in), with the public's on top —
//!
//! - it concerns a community or a grid: the place a resident lives, whose station takes it in;
//! - it comes in `online` (or `api`, through another system) at normal urgency: the station,
//!   not the sender, judges what is urgent;
//! - the category is optional: a resident who does not choose leaves it [`UNSORTED`] for the
//!   station, as a 12345 caller leaves it to the operator;
//! - a name is optional, and so is a phone; a phone alone (no name) still lets them track it,
//!   and then the appellant is recorded as [`NAME_NOT_GIVEN`].
//!
//! A public intake never adds anyone to the register: a form anybody can post is no way onto
//! a station's list of people.

use chrono::TimeDelta;

use crate::appeal::{Channel, Kind};
use crate::category::UNSORTED;
use crate::error::{FieldError, Msg};
use crate::lifecycle::{
    check_draft, CheckedDraft, IntakeDraft, IntakeFacts, Matter, NewAppellantDraft,
};
use crate::msg;
use crate::org::{OrgKind, OrgUnit};
use crate::Id;

/// The name recorded for an appellant who left a phone but no name.
pub const NAME_NOT_GIVEN: &str = "群众（未留姓名）";

/// How many appeals one key (a network address, a phone) may bring within a run of
/// submissions no more than `window` apart; past it, none until `window` after the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionLimit {
    /// What is counted (also the name its counts are kept under).
    pub scope: &'static str,
    pub max: i64,
    pub window: TimeDelta,
}

/// One network address: a household's or an office's, so room for a few people — but not for
/// a script.
pub const BY_ADDRESS: SubmissionLimit = SubmissionLimit {
    scope: "public_address",
    max: 10,
    window: TimeDelta::hours(1),
};

/// One phone: a resident with more to say than this in a day is better heard at the station.
pub const BY_PHONE: SubmissionLimit = SubmissionLimit {
    scope: "public_phone",
    max: 5,
    window: TimeDelta::hours(24),
};

/// The address lookups (`GET /api/v1/public/places/match`, the form's live suggestion) one
/// network address may make: a resident typing an address asks a dozen times, a script
/// walking the gazetteer far more.
pub const BY_ADDRESS_LOOKUPS: SubmissionLimit = SubmissionLimit {
    scope: "public_lookup",
    max: 120,
    window: TimeDelta::minutes(10),
};

/// A public appeal as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublicDraft {
    /// The community (or grid) it concerns.
    pub org_unit_id: Option<Id>,
    pub kind: Option<Kind>,
    /// A category code; `None` or blank leaves it to the station.
    pub category: Option<String>,
    pub content: String,
    pub location: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub public_consent: bool,
    /// Where they marked it on a map (WGS 84), both or neither.
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// A point on the map (WGS 84 degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapPoint {
    pub lat: f64,
    pub lng: f64,
}

impl MapPoint {
    /// The point sent as `lat` and `long`: both or neither, each a number in its range.
    pub fn given(lat: Option<f64>, lng: Option<f64>) -> Result<Option<MapPoint>, FieldError> {
        match (lat, lng) {
            (None, None) => Ok(None),
            (Some(lat), _) if !(-90.0..=90.0).contains(&lat) => {
                Err(FieldError::new("lat", &POINT_RANGE).with("max", 90))
            }
            (_, Some(lng)) if !(-180.0..=180.0).contains(&lng) => {
                Err(FieldError::new("long", &POINT_RANGE).with("max", 180))
            }
            (Some(lat), Some(lng)) => Ok(Some(MapPoint { lat, lng })),
            (None, Some(_)) => Err(FieldError::new("lat", &POINT_BOTH)),
            (Some(_), None) => Err(FieldError::new("long", &POINT_BOTH)),
        }
    }
}

/// A public draft that passed: the intake, its handling unit, and the map point.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedPublic {
    pub draft: CheckedDraft,
    pub point: Option<MapPoint>,
}

/// What the store knows of the names in a public draft.
#[derive(Debug, Clone, Default)]
pub struct PublicFacts {
    /// The node `org_unit_id` names, if it exists.
    pub unit: Option<OrgUnit>,
    /// The category given is in the taxonomy (true when none was given).
    pub category_known: bool,
}

/// Every fault of a public draft at once (by the field a resident fixes), or the intake and
/// the unit that will handle it. `channel` is `online` for the public pages and their API,
/// `api` for another system (Open311).
pub fn check_public(
    draft: PublicDraft,
    facts: PublicFacts,
    channel: Channel,
) -> Result<CheckedPublic, Vec<FieldError>> {
    let mut errors = Vec::new();
    let point = MapPoint::given(draft.lat, draft.lng).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let unit = facts.unit.filter(|u| {
        if !lives_there(u) {
            errors.push(FieldError::new("org_unit_id", &PICK_COMMUNITY));
        }
        lives_there(u)
    });
    if draft.org_unit_id.is_none() || (unit.is_none() && errors.is_empty()) {
        errors.push(FieldError::new("org_unit_id", &PICK_COMMUNITY));
    }
    let kind = draft.kind.unwrap_or_else(|| {
        errors.push(FieldError::new("kind", &PICK_KIND));
        Kind::Help
    });
    let category = given(draft.category).unwrap_or_else(|| UNSORTED.to_string());
    let appellant = appellant(draft.name, draft.phone, None);
    let intake = IntakeDraft {
        appellant_id: None,
        anonymous: appellant.is_none(),
        appellant,
        org_unit_id: draft.org_unit_id.unwrap_or_default(),
        channel,
        matter: Matter {
            kind,
            category,
            urgency: None,
            title: None,
            content: draft.content,
            location: draft.location,
            public_consent: draft.public_consent,
        },
    };
    let intake_facts = IntakeFacts {
        appellant_on_register: false,
        category_known: facts.category_known,
        unit,
    };
    match check_draft(intake, &intake_facts) {
        // The node's fault is said once, in the public's words.
        Err(more) => Err(merge(errors, more)),
        Ok(_) if !errors.is_empty() => Err(errors),
        Ok(draft) => Ok(CheckedPublic { draft, point }),
    }
}

/// Whether an appeal from the public may concern `unit`: a community or a grid, the place a
/// resident lives, whose station takes it in (the public door and Open311 alike).
pub fn lives_there(unit: &OrgUnit) -> bool {
    matches!(unit.kind, OrgKind::Community | OrgKind::Grid)
}

/// The appellant of an appeal from the public: nobody when they left neither a name nor a
/// way to reach them; [`NAME_NOT_GIVEN`] when they left a phone or an e-mail address but no
/// name (it still lets them track it and be told).
pub fn appellant(
    name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
) -> Option<NewAppellantDraft> {
    let (name, phone, email) = (given(name), given(phone), given(email));
    (name.is_some() || phone.is_some() || email.is_some()).then(|| NewAppellantDraft {
        name: name.unwrap_or_else(|| NAME_NOT_GIVEN.to_string()),
        phone,
        email,
    })
}

/// The public's faults, then the intake's that are not about the same field.
fn merge(mut errors: Vec<FieldError>, more: Vec<FieldError>) -> Vec<FieldError> {
    for e in more {
        if !errors.iter().any(|mine| mine.field == e.field) {
            errors.push(e);
        }
    }
    errors
}

/// A typed value, trimmed, if anything is left.
fn given(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

const POINT_RANGE: Msg = msg!(
    "public_point_range",
    "地图位置的经纬度超出范围（不超过 ±{max} 度）",
    "The map point is out of range (at most ±{max} degrees)",
);
const POINT_BOTH: Msg = msg!(
    "public_point_both",
    "地图位置须同时有纬度（lat）和经度（long）",
    "A map point needs both latitude (lat) and longitude (long)",
);
const PICK_COMMUNITY: Msg = msg!(
    "public_pick_community",
    "请选择您所在的社区（居民区或村）",
    "Choose your community (neighbourhood or village)",
);
const PICK_KIND: Msg = msg!(
    "public_pick_kind",
    "请选择您要反映的是求助、投诉、举报、咨询、建议还是表扬",
    "Choose whether this is a request for help, a complaint, a report, an inquiry, a suggestion or praise",
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appeal::{Appellant, Urgency};

    fn community() -> OrgUnit {
        OrgUnit {
            id: 7,
            parent_id: Some(2),
            kind: OrgKind::Community,
            code: "310117001001".into(),
            name: "佛字桥居民区".into(),
            path: "/1/2/7/".into(),
        }
    }

    fn draft() -> PublicDraft {
        PublicDraft {
            org_unit_id: Some(7),
            kind: Some(Kind::Complaint),
            category: None,
            content: "小区门口路灯坏了一周".into(),
            location: Some("荣乐东路".into()),
            name: None,
            phone: None,
            public_consent: true,
            lat: None,
            lng: None,
        }
    }

    fn facts() -> PublicFacts {
        PublicFacts {
            unit: Some(community()),
            category_known: true,
        }
    }

    #[test]
    fn an_anonymous_appeal_without_category_is_left_unsorted_online_and_normal() {
        let checked = check_public(draft(), facts(), Channel::Online)
            .unwrap()
            .draft;
        let i = &checked.intake;
        assert_eq!(i.appellant, Appellant::Anonymous);
        assert_eq!(i.category, UNSORTED);
        assert_eq!(i.channel, Channel::Online);
        assert_eq!(i.urgency, Urgency::Normal);
        assert!(i.public_consent);
        assert_eq!(checked.handling_org_unit_id, 7);
    }

    #[test]
    fn a_phone_without_a_name_is_kept_for_tracking() {
        let mut d = draft();
        d.phone = Some(" 13912345678 ".into());
        let checked = check_public(d, facts(), Channel::Online).unwrap().draft;
        let Appellant::Named { name, phone, .. } = checked.intake.appellant else {
            panic!("named");
        };
        assert_eq!(name, NAME_NOT_GIVEN);
        assert_eq!(phone.as_deref(), Some("13912345678"));
    }

    #[test]
    fn every_fault_at_once_by_the_field() {
        let mut street = community();
        street.kind = OrgKind::Street;
        let d = PublicDraft {
            kind: None,
            lat: Some(31.0),
            content: "  ".into(),
            phone: Some("12345".into()),
            category: Some("nope".into()),
            ..draft()
        };
        let f = PublicFacts {
            unit: Some(street),
            category_known: false,
        };
        let errors = check_public(d, f, Channel::Online).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "long",
                "org_unit_id",
                "kind",
                "appellant.phone",
                "category",
                "content"
            ]
        );
        // No node named: the same one fault.
        let d = PublicDraft {
            org_unit_id: None,
            ..draft()
        };
        let f = PublicFacts {
            unit: None,
            category_known: true,
        };
        let errors = check_public(d, f, Channel::Online).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "org_unit_id");
        assert_eq!(errors[0].code, "public_pick_community");
    }

    #[test]
    fn a_map_point_is_both_coordinates_in_range() {
        let d = PublicDraft {
            lat: Some(31.03),
            lng: Some(121.22),
            ..draft()
        };
        let point = check_public(d, facts(), Channel::Online).unwrap().point;
        assert_eq!(
            point,
            Some(MapPoint {
                lat: 31.03,
                lng: 121.22
            })
        );
        let e = MapPoint::given(Some(91.0), Some(0.0)).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("lat", "public_point_range"));
        let e = MapPoint::given(Some(0.0), Some(f64::NAN)).unwrap_err();
        assert_eq!(e.field, "long");
        assert!(MapPoint::given(None, Some(121.0)).is_err());
    }
}
