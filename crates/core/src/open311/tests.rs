use chrono::TimeZone;

use super::request::{appellant_name, media_url, CheckedRequest};
use super::*;
use crate::appeal::Appellant;
use crate::calendar::shanghai;
use crate::category::default_taxonomy;
use crate::org::{OrgKind, OrgUnit};
use crate::public::{MapPoint, NAME_NOT_GIVEN};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .expect("a time")
        .with_timezone(&Utc)
}

fn community() -> OrgUnit {
    OrgUnit {
        id: 7,
        parent_id: Some(3),
        kind: OrgKind::Community,
        code: "310117001001".into(),
        name: "佛字桥居民区".into(),
        path: "/1/3/7/".into(),
    }
}

fn posted() -> PostedRequest {
    PostedRequest {
        service_code: Some("public_facilities.water_pipes".into()),
        address_string: Some("荣乐东路88弄3号楼".into()),
        description: Some("楼道水管漏水".into()),
        attributes: vec![("org_unit".into(), "310117001001".into())],
        ..PostedRequest::default()
    }
}

fn facts() -> RequestFacts {
    RequestFacts {
        service_known: true,
        unit: Some(community()),
        channel: Channel::Api,
    }
}

fn invalid(r: Result<CheckedRequest, Refusal>) -> Vec<String> {
    match r {
        Err(Refusal::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not a 400: {other:?}"),
    }
}

#[test]
fn open_is_still_being_handled_and_closed_is_everything_after() {
    for s in Status::ALL {
        let open = matches!(
            s,
            Status::Registered | Status::Accepted | Status::InProgress
        );
        assert_eq!(OpenStatus::of(*s) == OpenStatus::Open, open, "{s:?}");
    }
    let mut both = OpenStatus::Open.statuses();
    both.extend(OpenStatus::Closed.statuses());
    both.sort();
    assert_eq!(
        both,
        Status::ALL.to_vec(),
        "each status is open or closed, once"
    );
}

#[test]
fn one_jurisdiction_is_served_and_an_empty_one_means_it() {
    for given in [None, Some(""), Some("  "), Some("310117"), Some(" 310117 ")] {
        assert_eq!(check_jurisdiction(given, "310117"), Ok(()), "{given:?}");
    }
    match check_jurisdiction(Some("sfgov.org"), "310117") {
        Err(Refusal::NotFound(r)) => assert!(r.zh.contains("sfgov.org") && r.zh.contains("310117")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn times_are_read_as_the_w3c_profile_writes_them() {
    let ten = at(2026, 11, 24, 10);
    for text in [
        "2026-11-24T02:00:00Z",
        "2026-11-24T10:00:00+08:00",
        "2026-11-24T10:00:00 08:00",
        "2026-11-24T10:00+08:00",
        "2026-11-24T02:00:00.000Z",
    ] {
        assert_eq!(parse_datetime("start_date", text), Ok(ten), "{text}");
    }
    assert_eq!(
        parse_datetime("start_date", "2026-11-24"),
        Ok(at(2026, 11, 24, 0)),
        "a date is its day's start in Shanghai"
    );
    for bad in ["yesterday", "2026-13-01", "24/11/2026", ""] {
        let e = parse_datetime("end_date", bad).expect_err(bad);
        assert_eq!(e.field, "end_date");
    }
}

#[test]
fn the_window_is_ninety_days_at_most() {
    let now = at(2026, 11, 24, 10);
    let days = TimeDelta::days(WINDOW_DAYS);
    assert_eq!(window(None, None, now), Ok((now - days, now)));
    let s = at(2026, 1, 1, 0);
    assert_eq!(window(Some(s), None, now), Ok((s, s + days)));
    assert_eq!(window(None, Some(s), now), Ok((s - days, s)));
    assert_eq!(window(Some(s), Some(s + days), now), Ok((s, s + days)));
    let long = window(Some(s), Some(s + days + TimeDelta::seconds(1)), now);
    assert_eq!(long.expect_err("too long").code, "window_too_long");
    let backwards = window(Some(s), Some(s - TimeDelta::seconds(1)), now);
    assert_eq!(backwards.expect_err("backwards").field, "end_date");
}

fn appeal(consent: bool, channel: Channel) -> Appeal {
    crate::privacy::personal_appeal(consent, channel)
}

#[test]
fn only_consented_appeals_and_those_posted_here_are_shown() {
    assert!(may_show(&appeal(true, Channel::Online)));
    assert!(may_show(&appeal(false, Channel::Api)));
    assert!(!may_show(&appeal(false, Channel::Online)));
    let mut spam = appeal(false, Channel::Api);
    spam.spam_at = Some(spam.created_at);
    assert!(!may_show(&spam), "a spam appeal leaves Open311");
}

#[test]
fn a_view_holds_no_name_phone_id_number_or_room() {
    let a = appeal(true, Channel::Api);
    let resolve = EventBody::Resolve {
        resolution: crate::appeal::Resolution::Solved,
        note: "已联系王小明 13912345678".into(),
    };
    let progress = EventBody::Progress {
        note: "王小明说还在漏".into(),
    };
    let later = at(2026, 11, 25, 9);
    let events = [(a.created_at, &resolve), (later, &progress)];
    let v = RequestView::new(&a, Some("王小明"), events.iter().map(|(t, b)| (*t, *b)));
    let text = format!("{} {:?} {:?}", v.description, v.address, v.status_notes);
    for secret in ["王小明", "13912345678", "31011719800101123X", "502"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(v.description.contains("楼道水管漏水"), "{}", v.description);
    assert_eq!(v.address.as_deref(), Some("荣乐东路88弄3号楼"));
    assert_eq!(
        v.status_notes,
        Some("已办结"),
        "the last public step, not a note"
    );
    assert_eq!(v.updated, later);
    assert_eq!(v.service_request_id, a.tracking_code);
    assert_eq!(v.expected, a.resolve_by);
}

#[test]
fn services_are_the_taxonomys_leaves_grouped_by_the_first_level() {
    let taxonomy = default_taxonomy();
    let services = services(&taxonomy);
    let leaves = taxonomy
        .iter()
        .filter(|c| {
            !taxonomy
                .iter()
                .any(|x| x.parent_code.as_ref() == Some(&c.code))
        })
        .count();
    assert_eq!(services.len(), leaves);
    let water = services
        .iter()
        .find(|s| s.code == "public_facilities.water_pipes")
        .expect("a service");
    let parent = taxonomy
        .iter()
        .find(|c| c.code == "public_facilities")
        .expect("its group");
    assert_eq!(water.group, parent.name);
    assert!(water.keywords.contains(&water.name) && water.keywords.contains(&parent.name));
    assert!(!services.iter().any(|s| s.code == "public_facilities"));
}

#[test]
fn every_definition_asks_for_the_community_and_offers_kind_and_urgency() {
    let attrs = attributes(vec![("310117001001".into(), "佛字桥居民区".into())]);
    let codes: Vec<&str> = attrs.iter().map(|a| a.code).collect();
    assert_eq!(codes, [ATTR_ORG_UNIT, ATTR_KIND, ATTR_URGENCY]);
    assert!(!attrs[0].required && !attrs[1].required && !attrs[2].required);
    let orders: Vec<u32> = attrs.iter().map(|a| a.order).collect();
    assert_eq!(orders, [1, 2, 3]);
    assert_eq!(attrs[1].values.len(), Kind::ALL.len());
    assert!(attrs[1].values.contains(&("help".into(), "求助".into())));
}

#[test]
fn a_key_is_named_for_its_system() {
    assert_eq!(check_key_name("  12345 热线 ").as_deref(), Ok("12345 热线"));
    assert_eq!(
        check_key_name(" ").expect_err("blank").code,
        "key_name_empty"
    );
    let long = "系".repeat(MAX_KEY_NAME + 1);
    assert_eq!(check_key_name(&long).expect_err("long").code, "too_long");
    assert!(check_key_name("a\u{1}b").is_err());
}

#[test]
fn a_good_request_becomes_a_public_api_intake() {
    let mut p = posted();
    p.first_name = Some("小明".into());
    p.last_name = Some("王".into());
    p.phone = Some("13912345678".into());
    p.media_url = Some("https://img.example.cn/a.jpg".into());
    p.lat = Some("31.03".into());
    p.long = Some("121.22".into());
    p.attributes.push(("kind".into(), "complaint".into()));
    p.attributes.push(("urgency".into(), "urgent".into()));
    let checked = check_request(&p, &facts()).expect("passes");
    let intake = &checked.intake.intake;
    assert_eq!(intake.channel, Channel::Api);
    assert!(
        intake.public_consent,
        "the spec's model is a public request"
    );
    assert_eq!(
        (intake.kind, intake.urgency),
        (Kind::Complaint, Urgency::Urgent)
    );
    assert_eq!(intake.category, "public_facilities.water_pipes");
    assert_eq!(intake.location.as_deref(), Some("荣乐东路88弄3号楼"));
    assert!(
        matches!(&intake.appellant, Appellant::Named { name, phone: Some(_), .. } if name == "王小明")
    );
    assert_eq!(
        checked.location.point,
        Some(MapPoint {
            lat: 31.03,
            lng: 121.22
        })
    );
    assert_eq!(
        checked.media_url.as_deref(),
        Some("https://img.example.cn/a.jpg")
    );
    assert_eq!(checked.intake.handling_org_unit_id, 7);
}

#[test]
fn without_a_name_or_phone_the_appellant_is_anonymous_and_kind_and_urgency_default() {
    let checked = check_request(&posted(), &facts()).expect("passes");
    let intake = checked.intake.intake;
    assert_eq!(intake.appellant, Appellant::Anonymous);
    assert_eq!((intake.kind, intake.urgency), (Kind::Help, Urgency::Normal));
    assert_eq!(
        appellant_name(Some("John"), Some("Smith")).as_deref(),
        Some("John Smith")
    );
    assert_eq!(appellant_name(None, Some(" 李 ")).as_deref(), Some("李"));
    let p = PostedRequest {
        phone: Some("13912345678".into()),
        ..posted()
    };
    let intake = check_request(&p, &facts()).expect("passes").intake.intake;
    assert!(
        matches!(&intake.appellant, Appellant::Named { name, phone: Some(_), .. } if name == NAME_NOT_GIVEN),
        "a phone without a name is kept, as at the public door"
    );
}

#[test]
fn an_unknown_service_is_404_and_a_missing_one_400() {
    let f = RequestFacts {
        service_known: false,
        ..facts()
    };
    assert!(matches!(
        check_request(&posted(), &f),
        Err(Refusal::NotFound(_))
    ));
    let p = PostedRequest {
        service_code: Some(" ".into()),
        ..posted()
    };
    assert_eq!(invalid(check_request(&p, &f)), ["service_code"]);
}

#[test]
fn a_location_is_required_and_a_point_is_two_numbers_in_range() {
    let p = PostedRequest {
        address_string: None,
        ..posted()
    };
    assert_eq!(invalid(check_request(&p, &facts())), ["address_string"]);
    let half = PostedRequest {
        lat: Some("31.0".into()),
        ..p.clone()
    };
    assert_eq!(invalid(check_request(&half, &facts())), ["long"]);
    for (lat, long, field) in [
        ("91", "121", "lat"),
        ("31", "181", "long"),
        ("north", "121", "lat"),
        ("NaN", "1", "lat"),
    ] {
        let bad = PostedRequest {
            lat: Some(lat.into()),
            long: Some(long.into()),
            ..p.clone()
        };
        assert_eq!(
            invalid(check_request(&bad, &facts())),
            [field],
            "{lat},{long}"
        );
    }
    let point_only = PostedRequest {
        lat: Some("31.0".into()),
        long: Some("121.2".into()),
        ..p
    };
    let checked = check_request(&point_only, &facts()).expect("a point is a location");
    assert_eq!(checked.intake.intake.location, None);
}

#[test]
fn every_fault_is_named_by_its_parameter_at_once() {
    let p = PostedRequest {
        service_code: None,
        description: Some(" ".into()),
        address_string: Some("路".repeat(201)),
        media_url: Some("javascript:alert(1)".into()),
        first_name: Some("明".into()),
        phone: Some("12".into()),
        attributes: vec![
            ("kind".into(), "shout".into()),
            ("urgency".into(), "now".into()),
        ],
        ..PostedRequest::default()
    };
    // No community named and none found from the address either.
    let nowhere = RequestFacts {
        unit: None,
        ..facts()
    };
    let mut fields = invalid(check_request(&p, &nowhere));
    fields.sort();
    assert_eq!(
        fields,
        [
            "address_string",
            "attribute[kind]",
            "attribute[org_unit]",
            "attribute[urgency]",
            "description",
            "media_url",
            "phone",
            "service_code",
        ]
    );
}

#[test]
fn the_community_is_a_community_or_its_grid() {
    let mut f = facts();
    f.unit = Some(OrgUnit {
        kind: OrgKind::Street,
        ..community()
    });
    assert_eq!(
        invalid(check_request(&posted(), &f)),
        ["attribute[org_unit]"]
    );
    f.unit = None;
    assert_eq!(
        invalid(check_request(&posted(), &f)),
        ["attribute[org_unit]"]
    );
    f.unit = Some(OrgUnit {
        id: 9,
        parent_id: Some(7),
        kind: OrgKind::Grid,
        ..community()
    });
    let checked = check_request(&posted(), &f).expect("a grid");
    assert_eq!(
        checked.intake.handling_org_unit_id, 7,
        "its community handles it"
    );
}

#[test]
fn media_is_a_web_address() {
    assert_eq!(media_url(None), Ok(None));
    assert_eq!(media_url(Some("  ")), Ok(None));
    assert_eq!(
        media_url(Some(" HTTP://x.cn/a b "))
            .expect_err("space")
            .code,
        "media_url_shape"
    );
    assert!(media_url(Some("https://x.cn/a.jpg?size=2")).is_ok());
    for bad in [
        "ftp://x.cn/a",
        "https://",
        "//x.cn/a",
        "data:image/png;base64,AA",
    ] {
        assert!(media_url(Some(bad)).is_err(), "{bad}");
    }
    let long = format!("https://x.cn/{}", "a".repeat(MAX_MEDIA_URL));
    assert_eq!(media_url(Some(&long)).expect_err("long").code, "too_long");
}

#[test]
fn a_status_filter_is_open_closed_or_both() {
    assert_eq!(status_filter(["open"]), Ok(OpenStatus::Open.statuses()));
    assert_eq!(
        status_filter([" CLOSED "]),
        Ok(OpenStatus::Closed.statuses())
    );
    let mut all = Status::ALL.to_vec();
    all.sort();
    assert_eq!(status_filter(["open", "closed", "open"]), Ok(all));
    assert_eq!(status_filter([]), Ok(Vec::new()), "none given: no filter");
    assert_eq!(
        status_filter(["pending"]).expect_err("pending").field,
        "status"
    );
}

#[test]
fn a_service_is_found_by_its_code() {
    let services = services(&default_taxonomy());
    let found = find_service(&services, " public_facilities.water_pipes ").expect("found");
    assert_eq!(found.code, "public_facilities.water_pipes");
    assert!(matches!(
        find_service(&services, "nope"),
        Err(Refusal::NotFound(_))
    ));
}
