//! The demo district as API.md promises it, on both backends: the accounts sign in with
//! their roles and nodes, the tree and departments are there, demo appeals cover every
//! status, kind and category, and each demo account sees exactly its scope.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::{fresh_url, Backend, TestServer};
use serde_json::Value;
use suqiu_store::Store;

const APPEALS: u64 = 600;

async fn demo_server(backend: Backend) -> TestServer {
    let url = fresh_url(backend, "demo").await;
    let store = Store::open(&url).await.expect("open store");
    suqiu::demo::load::load_demo(&store, APPEALS, 2005, false)
        .await
        .expect("load demo");
    TestServer::start(store).await
}

fn items(v: &Value) -> &Vec<Value> {
    v["items"].as_array().expect("items")
}

async fn run(backend: Backend) {
    let server = demo_server(backend).await;
    let (admin, _) = server.login("admin").await;

    // The tree: 松江区 with 6 streets and 11 towns; 佛字桥居民区 under 岳阳街道.
    let (status, units) = server.get(&admin, "/api/v1/org-units").await;
    assert_eq!(status, 200);
    let units = units.as_array().expect("org units").clone();
    let by_id: HashMap<i64, &Value> = units
        .iter()
        .map(|u| (u["id"].as_i64().unwrap(), u))
        .collect();
    let root = units
        .iter()
        .find(|u| u["parent_id"].is_null())
        .expect("root");
    assert_eq!(root["code"], "310117");
    assert_eq!(root["name"], "松江区");
    let streets: Vec<&Value> = units.iter().filter(|u| u["kind"] == "street").collect();
    assert_eq!(streets.len(), 17, "6 streets and 11 towns");
    let fzq_unit = units
        .iter()
        .find(|u| u["name"] == "佛字桥居民区")
        .expect("佛字桥居民区");
    let parent = by_id[&fzq_unit["parent_id"].as_i64().unwrap()];
    assert_eq!(parent["name"], "岳阳街道");

    // The gazetteer: each community's estates, so an address finds its community.
    let fzq_id = fzq_unit["id"].as_i64().unwrap();
    let (status, places) = server
        .get(&admin, &format!("/api/v1/org/{fzq_id}/places"))
        .await;
    assert_eq!(status, 200, "{places}");
    let names = places["names"].as_array().expect("names");
    assert!(names.iter().any(|n| n == "佛字桥小区"), "{places}");
    let (status, found) = server
        .get(&admin, "/api/v1/public/places/match?q=佛字桥小区3号楼")
        .await;
    assert_eq!(status, 200);
    assert_eq!(found[0]["org_unit_id"], fzq_id, "{found}");
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");

    let (_, departments) = server.get(&admin, "/api/v1/departments").await;
    let names: Vec<String> = departments
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    for wanted in [
        "房管所",
        "城管中队",
        "社区卫生服务中心",
        "民政",
        "派出所",
        "物业",
    ] {
        assert!(
            names.iter().any(|n| n.contains(wanted)),
            "no department like {wanted}: {names:?}"
        );
    }

    // Every demo account signs in with its documented role and node.
    let expected = [
        ("admin", "district_admin", "松江区"),
        ("yueyang", "street_staff", "岳阳街道"),
        ("fzq", "station_staff", "佛字桥居民区"),
        ("station2", "station_staff", ""),
        ("liaison", "department_liaison", ""),
        ("volunteer", "volunteer", "佛字桥居民区"),
    ];
    let mut tokens = HashMap::new();
    let mut users = HashMap::new();
    for (name, role, node) in expected {
        let (token, user) = server.login(name).await;
        assert_eq!(user["role"], role, "{name}");
        let unit = by_id[&user["org_unit_id"].as_i64().unwrap()];
        if !node.is_empty() {
            assert_eq!(unit["name"], node, "{name}");
        }
        tokens.insert(name, token);
        users.insert(name, user);
    }
    // station2 is a community in another street.
    let s2 = by_id[&users["station2"]["org_unit_id"].as_i64().unwrap()];
    assert_eq!(s2["kind"], "community");
    assert_ne!(
        s2["parent_id"], fzq_unit["parent_id"],
        "station2 must be in another street"
    );

    // Demo appeals: all of them visible to the district, covering every status, kind and category.
    let (_, all) = server.get(&admin, "/api/v1/appeals?per_page=1").await;
    assert_eq!(all["total"].as_i64(), Some(APPEALS as i64));
    for status in [
        "registered",
        "accepted",
        "in_progress",
        "resolved",
        "closed",
        "rejected",
    ] {
        let (_, page) = server
            .get(
                &admin,
                &format!("/api/v1/appeals?per_page=1&status={status}"),
            )
            .await;
        assert!(
            page["total"].as_i64().unwrap() > 0,
            "no demo appeal is {status}"
        );
    }
    for kind in [
        "help",
        "complaint",
        "report",
        "inquiry",
        "suggestion",
        "praise",
    ] {
        let (_, page) = server
            .get(&admin, &format!("/api/v1/appeals?per_page=1&kind={kind}"))
            .await;
        assert!(
            page["total"].as_i64().unwrap() > 0,
            "no demo appeal of kind {kind}"
        );
    }
    let (_, categories) = server.get(&admin, "/api/v1/categories").await;
    for c in categories
        .as_array()
        .unwrap()
        .iter()
        // Every category the stations sort into; `unsorted` holds only what residents bring
        // without choosing (the public door), which the demo's staff-made appeals never are.
        .filter(|c| c["parent_code"].is_null() && c["code"] != suqiu_core::category::UNSORTED)
    {
        let code = c["code"].as_str().unwrap();
        let (_, page) = server
            .get(
                &admin,
                &format!("/api/v1/appeals?per_page=1&category={code}"),
            )
            .await;
        assert!(
            page["total"].as_i64().unwrap() > 0,
            "no demo appeal in category {code}"
        );
    }
    let (_, page) = server.get(&admin, "/api/v1/appeals?per_page=200").await;
    let contents: BTreeSet<&str> = items(&page)
        .iter()
        .map(|a| a["content"].as_str().unwrap())
        .collect();
    assert!(
        contents.len() > 190,
        "demo contents repeat: {} distinct of 200",
        contents.len()
    );

    // fzq sees only 佛字桥's appeals; station2 cannot open one of them.
    let (_, mine) = server
        .get(&tokens["fzq"], "/api/v1/appeals?per_page=200")
        .await;
    assert!(!items(&mine).is_empty(), "佛字桥 has no demo appeals");
    let fzq_path_id = fzq_unit["id"].as_i64().unwrap();
    for a in items(&mine) {
        let org = a["org_unit_id"].as_i64().unwrap();
        assert!(
            org == fzq_path_id || by_id[&org]["parent_id"].as_i64() == Some(fzq_path_id),
            "fzq sees appeal of node {org}"
        );
    }
    let one = items(&mine)[0]["id"].as_i64().unwrap();
    let (status, _) = server
        .get(&tokens["station2"], &format!("/api/v1/appeals/{one}"))
        .await;
    assert_eq!(status, 404, "station2 must not see 佛字桥's appeal");

    // The liaison sees only what was referred to its department; the volunteer only its tasks.
    let (_, referred) = server
        .get(&tokens["liaison"], "/api/v1/appeals?per_page=200")
        .await;
    let dept = users["liaison"]["department_id"].clone();
    for a in items(&referred) {
        assert_eq!(
            a["department"]["id"], dept,
            "liaison sees an appeal not referred to it"
        );
    }
    let (_, tasks) = server
        .get(&tokens["volunteer"], "/api/v1/appeals?per_page=200")
        .await;
    for a in items(&tasks) {
        assert_eq!(
            a["assignee"]["id"], users["volunteer"]["id"],
            "volunteer sees a task not assigned to it"
        );
    }
    let (_, yueyang) = server
        .get(&tokens["yueyang"], "/api/v1/appeals?per_page=1")
        .await;
    let (_, fzq_total) = server
        .get(&tokens["fzq"], "/api/v1/appeals?per_page=1")
        .await;
    assert!(
        yueyang["total"].as_i64() > fzq_total["total"].as_i64(),
        "the street sees all its communities"
    );

    // The care registers are not empty: 佛字桥's fund and storeroom, a grant for the street.
    let (status, fund) = server.get(&tokens["fzq"], "/api/v1/fund").await;
    assert_eq!(status, 200);
    assert_eq!(
        fund["balance_cents"], 2_670_000,
        "¥20,000 + ¥8,000 − ¥1,300"
    );
    let (_, pending) = server.get(&tokens["yueyang"], "/api/v1/fund/pending").await;
    let pending = pending.as_array().expect("pending grants");
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["may_approve"], true);
    let (_, stock) = server
        .get(&tokens["fzq"], "/api/v1/supermarket/items")
        .await;
    assert_eq!(items(&stock).len(), 3);

    // Micro-wishes: one open, one claimed, one fulfilled; the volunteer sees the wisher masked.
    let (_, wishes) = server.get(&tokens["fzq"], "/api/v1/wishes").await;
    let mut statuses: Vec<&str> = items(&wishes)
        .iter()
        .filter_map(|w| w["status"].as_str())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, ["claimed", "fulfilled", "open"]);
    let (_, mine) = server.get(&tokens["volunteer"], "/api/v1/wishes").await;
    assert!(items(&mine).iter().all(|w| w["person"]["name"]
        .as_str()
        .is_some_and(|n| n.ends_with('*'))));
    // Two in-service members registered, each with hours.
    let (_, regs) = server
        .get(&tokens["fzq"], "/api/v1/service/registrations")
        .await;
    let regs = regs.as_array().expect("registrations");
    assert_eq!(regs.len(), 2);
    assert!(regs.iter().all(|r| r["total_hours"].as_f64() > Some(0.0)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_district_on_sqlite() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_district_on_postgres() {
    run(Backend::Postgres).await;
}
