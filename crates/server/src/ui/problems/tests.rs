use super::*;
use suqiu_core::appeal::Resolution;

/// Every event of a problem's timeline and every action's flash has its words.
#[test]
fn every_event_and_action_says_what_it_did() {
    let events = [
        EventBody::Created {
            title: String::new(),
            place: None,
            org_path: String::new(),
            lead_appeal_id: 0,
            appeal_ids: Vec::new(),
            split_from: None,
        },
        EventBody::AppealAdded {
            appeal_id: 0,
            from_problem_id: None,
            org_path: String::new(),
        },
        EventBody::AppealRemoved {
            appeal_id: 0,
            to_problem_id: None,
            org_path: String::new(),
        },
        EventBody::SplitOff {
            appeal_ids: Vec::new(),
            org_path: String::new(),
        },
        EventBody::Renamed {
            from: String::new(),
            to: String::new(),
        },
        EventBody::Dissolved { note: None },
        EventBody::Handled {
            resolution: Resolution::Solved,
            appeals: 0,
        },
        EventBody::AnsweredBack { appeals: 0 },
    ];
    for lang in [Lang::Zh, Lang::En] {
        for e in &events {
            let key = format!("problem.ev_{}", e.type_name());
            assert_ne!(lang.t(&key), "?", "{key}");
        }
        for action in [
            "create", "add", "remove", "move", "split", "rename", "dissolve",
        ] {
            let key = format!("flash.problem_{action}");
            assert_ne!(lang.t(&key), "?", "{key}");
        }
    }
}
