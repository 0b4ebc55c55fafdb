//! A team's members and blocks, by example and by property: whatever is asked, in any
//! order, a team's members are each there once and fit its community, and its blocks all
//! lie in it.

use proptest::prelude::*;

use super::*;

const COMMUNITY: &str = "/1/2/3/";

fn team() -> Team {
    Team {
        id: 1,
        org_unit_id: 3,
        path: COMMUNITY.into(),
        members: Vec::new(),
        blocks: Vec::new(),
    }
}

fn at(id: Id, path: &str) -> Option<Found> {
    Some(Found {
        id,
        path: path.into(),
    })
}

fn code(r: Result<Event, Refusal>) -> (&'static str, String, &'static str) {
    match r {
        Err(Refusal::Invalid(e)) => ("invalid", e.field, e.code),
        Err(Refusal::Conflict(e)) => ("conflict", e.field, e.code),
        Err(Refusal::Forbidden(r)) => ("forbidden", String::new(), r.code),
        Ok(e) => panic!("decided {e:?}"),
    }
}

#[test]
fn a_new_team_has_a_name_and_a_node_of_the_creator() {
    assert_eq!(
        check_new(" 楼道队 ", "/1/2/", Some(COMMUNITY)),
        Ok("楼道队".into())
    );
    let errors = check_new(" ", "/1/9/", Some(COMMUNITY)).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["org_unit_id", "name"]);
    assert!(check_new("队", "/1/", None).is_err(), "unknown node");
}

#[test]
fn members_work_above_or_below_the_team_or_live_in_it() {
    let t = team();
    let add = |who, path| {
        decide(
            &t,
            &Command::AddMember {
                who,
                found: at(5, path),
            },
        )
    };
    assert!(add(Partner::User(5), "/1/2/").is_ok(), "the street above");
    assert!(add(Partner::User(5), "/1/2/3/4/").is_ok(), "a grid below");
    assert_eq!(
        code(add(Partner::User(5), "/1/8/")).2,
        "not_in_team_community"
    );
    assert!(add(Partner::Person(5), "/1/2/3/4/").is_ok());
    assert_eq!(
        code(add(Partner::Person(5), "/1/2/")),
        ("invalid", "person_id".into(), "not_in_team_community"),
        "a person lives in the community, not above it"
    );
    let unknown = Command::AddMember {
        who: Partner::User(5),
        found: None,
    };
    assert_eq!(code(decide(&t, &unknown)).2, "partner_unknown");
}

#[test]
fn a_member_joins_once() {
    let mut t = team();
    let join = Command::AddMember {
        who: Partner::User(5),
        found: at(5, COMMUNITY),
    };
    let event = decide(&t, &join).unwrap();
    apply(&mut t, &event);
    assert_eq!(
        code(decide(&t, &join)),
        ("conflict", "user_id".into(), "already_member")
    );
}

#[test]
fn blocks_lie_strictly_inside_the_community() {
    let t = team();
    let node = |path| Command::AddNode { node: at(4, path) };
    assert!(decide(&t, &node("/1/2/3/4/")).is_ok());
    for path in [COMMUNITY, "/1/2/", "/1/2/5/"] {
        assert_eq!(
            code(decide(&t, &node(path))).2,
            "block_not_in_community",
            "{path}"
        );
    }
    assert!(decide(&t, &Command::AddNode { node: None }).is_err());
    let address = |p: &str| Command::AddAddress { prefix: p.into() };
    match decide(&t, &address(" 佛字桥小区1号 ")) {
        Ok(Event::BlockAdded(b)) => {
            assert_eq!(b.address_prefix.as_deref(), Some("佛字桥小区1号"));
            assert_eq!(b.path, COMMUNITY);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(code(decide(&t, &address("  "))).2, "address_prefix_length");
    let long = "号".repeat(MAX_PREFIX_CHARS + 1);
    assert_eq!(code(decide(&t, &address(&long))).1, "address_prefix");
}

#[test]
fn a_block_by_address_is_a_building_on_the_register() {
    let register = ["佛字桥小区1号101室", "佛字桥小区2号"];
    assert!(on_register("佛字桥小区1号", register).is_ok());
    let e = on_register("1号", register).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code),
        ("address_prefix", "block_matches_nobody")
    );
}

/// Paths a command may name: the community, a grid in it, the street above, another
/// community.
const PATHS: [&str; 4] = [COMMUNITY, "/1/2/3/4/", "/1/2/", "/1/2/5/"];

fn command() -> impl Strategy<Value = Command> {
    let found = (0usize..5).prop_map(|i| PATHS.get(i).and_then(|p| at(i as Id, p)));
    prop_oneof![
        (any::<bool>(), 1i64..4, found.clone()).prop_map(|(user, id, found)| {
            let who = if user {
                Partner::User(id)
            } else {
                Partner::Person(id)
            };
            Command::AddMember { who, found }
        }),
        found.prop_map(|node| Command::AddNode { node }),
        "[ 号楼A-C]{0,4}".prop_map(|prefix| Command::AddAddress { prefix }),
    ]
}

proptest! {
    #[test]
    fn members_are_unique_and_fit_and_blocks_stay_inside(commands in prop::collection::vec(command(), 0..40)) {
        let mut t = team();
        for c in &commands {
            let before = t.clone();
            match decide(&t, c) {
                Ok(event) => apply(&mut t, &event),
                Err(_) => prop_assert_eq!(&t, &before, "a refusal changes nothing"),
            }
        }
        let mut seen = std::collections::HashSet::new();
        for m in &t.members {
            prop_assert!(seen.insert(*m), "{:?} twice", m);
        }
        for b in &t.blocks {
            prop_assert!(in_subtree(&t.path, &b.path));
            match (&b.org_unit_id, &b.address_prefix) {
                (Some(_), None) => prop_assert!(b.path != t.path, "a node block is below the team"),
                (None, Some(p)) => prop_assert!(!p.is_empty() && p.trim() == p),
                _ => prop_assert!(false, "a block is a node or an address: {:?}", b),
            }
        }
    }
}
