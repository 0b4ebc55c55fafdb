//! Picking a person on a form whatever the size of the register (issue 13 §2): the one
//! type-ahead endpoint (`POST /people/lookup`) answers only the user's scope, a few people
//! at most, phones masked, and its reads are audited; a register too long for a select
//! gets a search field the server resolves when the form is posted without script; and
//! the intake asks before registering a second person under a phone already on the
//! register.

mod common;

use axum::http::StatusCode;
use common::browser::{location, market, Browser};
use common::{Backend, TestApp, PERSON_PHONE};
use serde_json::json;
use suqiu_core::person::{CareTag, PartyCategory, PartyProfile, Person};
use suqiu_core::Id;

on_both_backends!(the_lookup_answers_the_scope_masked_capped_and_audited);
on_both_backends!(the_pairing_and_service_pickers_find_whom_they_may_pick);

/// `n` people of `node` named `{name}{i}`, phone `{phone}{i}` (i zero-padded to `width`
/// digits) and address `{address}{i}号楼`; their ids in order.
async fn seed(t: &TestApp, node: Id, names: (&str, &str, &str), n: usize, width: usize) -> Vec<Id> {
    let people = register(node, names, n, width);
    t.store.insert_people_bulk(&people).await.expect("seed")
}

/// The people [`seed`] inserts, to shape before inserting.
fn register(
    node: Id,
    (name, phone, address): (&str, &str, &str),
    n: usize,
    width: usize,
) -> Vec<Person> {
    (0..n)
        .map(|i| Person {
            id: 0,
            name: format!("{name}{i:0width$}"),
            gender: None,
            birth_date: None,
            phone: Some(format!("{phone}{i:0width$}")),
            id_number: None,
            org_unit_id: node,
            address: Some(format!("{address}{i}号楼")),
            tags: vec![],
            party: None,
        })
        .collect()
}

/// The ids of the suggestions of a lookup.
fn ids(res: &common::Resp) -> Vec<Id> {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json
        .as_array()
        .expect("suggestions")
        .iter()
        .map(|s| s["id"].as_i64().expect("id"))
        .collect()
}

async fn the_lookup_answers_the_scope_masked_capped_and_audited(b: Backend) {
    let t = TestApp::new(b).await;
    let ours = seed(&t, t.fx.c11, ("邵雨桐", "139000000", "佛字桥"), 12, 2).await;
    let theirs = seed(&t, t.fx.c21, ("邵雨桐", "138000000", "外街"), 3, 2).await;
    let mut fzq = Browser::sign_in(&t, "station11").await;

    // Capped: twelve match, eight are offered; none of another street's.
    let res = fzq.post("/people/lookup", &[("q", "邵雨桐")]).await;
    let found = ids(&res);
    assert_eq!(found.len(), 8, "{}", res.text());
    assert!(found.iter().all(|id| ours.contains(id)), "{found:?}");
    // Masked: no full phone in the answer; each told apart by phone tail and address.
    let text = res.text();
    assert!(!text.contains("13900000003"), "{text}");
    for s in res.json.as_array().expect("array") {
        let label = s["label"].as_str().expect("label");
        assert!(label.contains("****") && label.contains("号楼"), "{label}");
        assert!(s["phone"].as_str().expect("phone").contains("****"));
    }
    // Another street's people, by their own name or phone: never.
    assert!(ids(&fzq.post("/people/lookup", &[("q", "外街")]).await).is_empty());
    assert!(ids(&fzq.post("/people/lookup", &[("q", "13800000001")]).await).is_empty());
    // A phone tail, an address fragment, two words at once.
    assert_eq!(
        ids(&fzq.post("/people/lookup", &[("q", "0000011")]).await),
        [ours[11]]
    );
    assert_eq!(
        ids(&fzq.post("/people/lookup", &[("q", "佛字桥7号")]).await),
        [ours[7]]
    );
    assert_eq!(
        ids(&fzq.post("/people/lookup", &[("q", "邵雨桐 5号楼")]).await),
        [ours[5]]
    );
    // Narrowed to a node's subtree: the pickers of one station ask for its people only.
    let c12 = t.fx.c12.to_string();
    let narrowed = [("q", "邵雨桐"), ("org_unit_id", c12.as_str())];
    assert!(ids(&fzq.post("/people/lookup", &narrowed).await).is_empty());
    // A street above sees both of its own communities' people, and not S2's.
    let mut street = Browser::sign_in(&t, "street1").await;
    let found = ids(&street.post("/people/lookup", &[("q", "邵雨桐0")]).await);
    assert!(!found.is_empty() && found.iter().all(|id| !theirs.contains(id)));
    // Without the form token: refused, nothing answered.
    let res = fzq
        .post_form("/people/lookup", &[("q", "邵雨桐")], false)
        .await;
    assert!(res.status.is_client_error(), "{}", res.status);

    // Each person shown to a role that sees personal data leaves a row in the audit.
    let mut admin = Browser::sign_in(&t, "admin").await;
    let html = admin
        .get(&format!("/audit/reads?person_id={}", ours[11]))
        .await
        .text();
    assert!(html.contains("lookup /people/lookup"), "{html}");
    assert!(html.contains("站点一"), "the reader is named: {html}");
    t.finish().await;
}

/// The hand-out form posted as a browser without script posts it: the recipient searched
/// by `q`, the quantity `quantity`.
fn hand_out<'a>(
    c11: &'a str,
    item: &'a str,
    q: &'a str,
    quantity: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("org_unit_id", c11),
        ("item_id", item),
        ("direction", "out"),
        ("quantity", quantity),
        ("person_id", ""),
        ("person_id_q", q),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_register_is_searched_and_resolved_on_submit() {
    let t = TestApp::new(Backend::Sqlite).await;
    let people = seed(&t, t.fx.c11, ("居民", "1370000", "长街"), 600, 4).await;
    let (mut b, c11, item) = market(&t).await;
    let stock_in = [
        ("org_unit_id", c11.as_str()),
        ("item_id", item.as_str()),
        ("direction", "in"),
        ("quantity", "5"),
    ];
    let res = b.post("/supermarket/movements", &stock_in).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());

    // 601 people: a search field, not a select of the first 500.
    let html = b.get("/supermarket").await.text();
    assert!(html.contains("data-person-search"), "{html}");
    assert!(html.contains("name=\"person_id_q\""));
    assert!(!html.contains("<select id=\"move-person-id\""));

    // None found, several found: said at the field, the search kept, nothing saved.
    let res = b
        .post(
            "/supermarket/movements",
            &hand_out(&c11, &item, "无此人", "1"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("id=\"err-move-person-id\""), "{html}");
    assert!(html.contains("没有找到“无此人”"), "{html}");
    assert!(html.contains("value=\"无此人\""), "the search is kept");
    let res = b
        .post(
            "/supermarket/movements",
            &hand_out(&c11, &item, "居民059", "1"),
        )
        .await;
    let html = res.text();
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("不止一位"), "{html}");
    assert!(
        html.contains("居民0590 · 137****0590"),
        "the matches are named: {html}"
    );

    // One found, another field wrong: the person stays chosen (id and label).
    let res = b
        .post(
            "/supermarket/movements",
            &hand_out(&c11, &item, "居民0555", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("请填写数量"), "{html}");
    assert!(!html.contains("id=\"err-move-person-id\""), "{html}");
    let chosen = people[555].to_string();
    assert!(
        html.contains(&format!("name=\"person_id\" value=\"{chosen}\"")),
        "{html}"
    );
    assert!(
        html.contains("value=\"居民0555 · 137****0555 · 长街555号楼\""),
        "{html}"
    );

    // Posted again as it came back, the quantity filled: saved to that person.
    let label = "居民0555 · 137****0555 · 长街555号楼";
    let mut form = hand_out(&c11, &item, label, "1");
    form[4] = ("person_id", &chosen);
    let res = b.post("/supermarket/movements", &form).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let flash = b.get(&location(&res)).await.text();
    assert!(flash.contains(&format!("/people/{chosen}")), "{flash}");
    // Any of the 601 is found the same way, here by a phone tail.
    let res = b
        .post(
            "/supermarket/movements",
            &hand_out(&c11, &item, "0599", "1"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    t.finish().await;
}

/// The intake form for a new appellant `name` with `phone`, answering the phone question
/// with `use_person` ("" when not asked).
fn intake<'a>(
    c11: &'a str,
    name: &'a str,
    phone: &'a str,
    use_person: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("mode", "named"),
        ("appellant.name", name),
        ("appellant.phone", phone),
        ("org_unit_id", c11),
        ("channel", "walk_in"),
        ("kind", "help"),
        ("category", "public_facilities.water_pipes"),
        ("urgency", "normal"),
        ("content", "楼道灯不亮"),
        ("use_person", use_person),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_asks_before_a_second_person_under_a_registered_phone() {
    let t = TestApp::new(Backend::Sqlite).await;
    let c11 = t.fx.c11.to_string();
    let person = t.fx.person.to_string();
    let (people, appeals) = (t.people_count().await, t.appeal_count().await);
    let mut fzq = Browser::sign_in(&t, "station11").await;
    fzq.get("/appeals/new").await;

    // The preview already says whose phone it is (for the script's warning).
    let check = fzq
        .post(
            "/appeals/new/check",
            &intake(&c11, "李小妹", PERSON_PHONE, ""),
        )
        .await;
    let owners = check.json["phone_owners"].as_array().expect("owners");
    assert_eq!(owners.len(), 1, "{}", check.text());
    assert_eq!(owners[0]["name"], "李老伯");
    assert!(owners[0]["label"]
        .as_str()
        .expect("label")
        .contains("138****5678"));

    // Another name under that phone: the form comes back asking, nothing saved.
    let res = fzq
        .post("/appeals/new", &intake(&c11, "李小妹", PERSON_PHONE, ""))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    let err = html
        .split("id=\"err-phone\">")
        .nth(1)
        .expect("error at the phone");
    assert!(
        err.starts_with("该电话已登记：李老伯 · 138****5678 · 3号楼201室"),
        "{html}"
    );
    assert!(
        html.contains(&format!("name=\"use_person\" value=\"{person}\"")),
        "{html}"
    );
    assert!(html.contains("name=\"use_person\" value=\"new\""), "{html}");
    assert!(html.contains("仍作为新居民登记") && html.contains("使用此人"));
    assert!(html.contains("value=\"李小妹\""), "the name is kept");
    assert_eq!(t.appeal_count().await, appeals, "nothing saved");

    // "A new resident all the same": saved, and she is a second person on the register.
    let res = fzq
        .post("/appeals/new", &intake(&c11, "李小妹", PERSON_PHONE, "new"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(t.people_count().await, people + 1);

    // "Use this person": the appeal is 李老伯's, nobody is added.
    let res = fzq
        .post("/appeals/new", &intake(&c11, "老李", "13700009999", ""))
        .await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "a phone nobody has: no question"
    );
    let people = t.people_count().await;
    let res = fzq
        .post("/appeals/new", &intake(&c11, "李伯", PERSON_PHONE, &person))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let id = location(&res)
        .trim_end_matches("/receipt")
        .rsplit('/')
        .next()
        .and_then(|s| s.parse::<Id>().ok())
        .expect("appeal id");
    let token = t.token("station11").await;
    let a = t.get(&format!("/api/v1/appeals/{id}"), &token).await;
    assert_eq!(a.ok(200)["appellant"]["id"].as_i64(), Some(t.fx.person));
    assert_eq!(t.people_count().await, people, "nobody added");

    // The same name and phone is the same person: linked without a question.
    let res = fzq
        .post("/appeals/new", &intake(&c11, "李老伯", PERSON_PHONE, ""))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(t.people_count().await, people);
    t.finish().await;
}

/// 2,100 people of c11, all in care and in-service party members but #1,998 (not in care)
/// and #1,999 (no party member): more than a select holds for either picker.
async fn care_and_party_register(t: &TestApp) -> Vec<Id> {
    let mut people = register(t.fx.c11, ("居民", "1370000", "长街"), 2_100, 4);
    for (i, p) in people.iter_mut().enumerate() {
        if i != 1998 {
            p.tags = vec![CareTag::LivingAlone];
        }
        if i != 1999 {
            p.party = Some(PartyProfile {
                category: PartyCategory::InService,
                joined_on: None,
                branch: None,
            });
        }
    }
    t.store.insert_people_bulk(&people).await.expect("seed")
}

/// A lookup's ids for `q` among `among` ("" for everyone).
async fn look_up(b: &mut Browser<'_>, q: &str, among: &str) -> Vec<Id> {
    ids(&b
        .post("/people/lookup", &[("q", q), ("among", among)])
        .await)
}

async fn the_pairing_and_service_pickers_find_whom_they_may_pick(b: Backend) {
    let t = TestApp::new(b).await;
    let people = care_and_party_register(&t).await;
    let mut b = Browser::sign_in(&t, "station11").await;

    // Both forms search (their filter's count is over 500), never a select of the first 500.
    let html = b.get("/care/teams").await.text();
    assert!(html.contains("data-among=\"care\""), "{html}");
    assert!(!html.contains("<select id=\"pairing-person-id\""), "{html}");
    // The buildings a block is picked from are the whole register's, not the first 500's;
    // a block on the last building is accepted.
    assert!(html.contains("<option value=\"长街2099号楼\">"), "{html}");
    let team = t.fx.team;
    let block = [("part", "block"), ("address_prefix", "长街2099号楼")];
    let res = b.post(&format!("/care/teams/{team}"), &block).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let html = b.get("/service").await.text();
    assert!(html.contains("data-among=\"party\""), "{html}");
    assert!(!html.contains("<select id=\"registration-person-id\""));

    // The type-ahead's filter narrows: #1,999 is on the register but no party member,
    // #1,998 a party member not in care.
    assert_eq!(look_up(&mut b, "居民1999", "").await, [people[1999]]);
    assert!(look_up(&mut b, "居民1999", "party").await.is_empty());
    assert!(look_up(&mut b, "居民1998", "care").await.is_empty());
    assert_eq!(look_up(&mut b, "居民1998", "party").await, [people[1998]]);
    let members = look_up(&mut b, "居民199", "party").await;
    assert_eq!(members.len(), 8, "{members:?}");
    assert!(!members.contains(&people[1999]), "{members:?}");
    // An unknown filter finds no one (not everyone); another street's station no one.
    assert!(look_up(&mut b, "居民2000", "everyone").await.is_empty());
    let mut other = Browser::sign_in(&t, "station21").await;
    for among in ["", "care", "party"] {
        assert!(look_up(&mut other, "居民2000", among).await.is_empty());
    }

    // Pairing without script: the typed name is found on the care register only.
    let volunteer = t.fx.user("volunteer").to_string();
    let pair = |q| {
        [
            ("person_id", ""),
            ("person_id_q", q),
            ("partner_user_id", volunteer.as_str()),
        ]
    };
    let res = b.post("/care/pairings", &pair("居民1998")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("id=\"err-pairing-person-id\""), "{html}");
    assert!(html.contains("没有找到“居民1998”"), "{html}");
    let res = b.post("/care/pairings", &pair("居民2000")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let token = t.token("station11").await;
    let pairings = t.get("/api/v1/pairings", &token).await;
    assert!(pairings.ok(200).to_string().contains("居民2000"));

    // A service registration without script: only an in-service member is found.
    let c11 = t.fx.c11.to_string();
    let post = json!({"org_unit_id": t.fx.c11, "name": "楼道长"});
    let res = t.post("/api/v1/service/posts", &token, post).await;
    let post = res.ok(201)["id"].as_i64().expect("post").to_string();
    let register = |q| {
        [
            ("person_id", ""),
            ("person_id_q", q),
            ("org_unit_id", c11.as_str()),
            ("post_ids", post.as_str()),
        ]
    };
    let res = b
        .post("/service/registrations", &register("居民1999"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text();
    assert!(html.contains("id=\"err-registration-person-id\""), "{html}");
    assert!(html.contains("没有找到“居民1999”"), "{html}");
    let res = b
        .post("/service/registrations", &register("居民2000"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let regs = t.get("/api/v1/service/registrations", &token).await;
    let regs = regs.ok(200).clone();
    assert_eq!(
        regs[0]["person"]["id"].as_i64(),
        Some(people[2000]),
        "{regs}"
    );
    t.finish().await;
}
