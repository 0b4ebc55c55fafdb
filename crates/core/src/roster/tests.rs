use super::row::read_date;
use super::*;
use crate::person::{CareTag, Gender, PartyCategory};
use crate::validate::id_check_char;

fn id(body: &str) -> String {
    format!("{body}{}", id_check_char(body).unwrap())
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

#[test]
fn excel_serials_are_days_since_1899_12_30_and_fractions_of_a_day() {
    // 46356 is 2026-11-30; 86399/86400 of a day is 23:59:59.
    let at = excel_datetime(46356.0 + 86_399.0 / 86_400.0).unwrap();
    assert_eq!(at.to_string(), "2026-11-30 23:59:59");
    assert_eq!(
        excel_datetime(46356.4).unwrap().to_string(),
        "2026-11-30 09:36:00"
    );
    assert_eq!(excel_datetime(0.5), None);
}

fn nodes() -> Vec<NodeRef> {
    let n = |id, code: &str, name: &str, in_scope| NodeRef {
        id,
        code: code.into(),
        name: name.into(),
        in_scope,
    };
    vec![
        n(11, "310117001001", "佛字桥居民区", true),
        n(111, "310117001001001", "一网格", true),
        n(112, "310117001001002", "一网格", true),
        n(21, "310117002001", "仓桥居民区", false),
    ]
}

fn t(s: &str) -> Cell {
    Cell::Text(s.into())
}

#[test]
fn headers_are_guessed_as_rosters_write_them() {
    let cases = [
        ("姓名", Some(Field::Name)),
        (" 姓 名（必填）", Some(Field::Name)),
        ("*联系电话", Some(Field::Phone)),
        ("手机", Some(Field::Phone)),
        ("手机号码", Some(Field::Phone)),
        ("公民身份证号码", Some(Field::IdNumber)),
        ("身份证号", Some(Field::IdNumber)),
        ("出生年月", Some(Field::BirthDate)),
        ("门牌", Some(Field::Address)),
        ("住址(门牌号)", Some(Field::Address)),
        ("所属居民区", Some(Field::OrgUnit)),
        ("社区", Some(Field::OrgUnit)),
        ("人员类别", Some(Field::Tags)),
        ("标签", Some(Field::Tags)),
        ("政治面貌", Some(Field::PartyCategory)),
        ("党员类别", Some(Field::PartyCategory)),
        ("入党时间", Some(Field::PartyJoinedOn)),
        ("所在党支部", Some(Field::PartyBranch)),
        ("序号", None),
        ("备注", None),
        ("", None),
    ];
    for (h, f) in cases {
        assert_eq!(guess_field(h), f, "{h:?}");
    }
    // The template's own headers are the labels.
    for f in Field::ALL {
        assert_eq!(guess_field(f.label_zh()), Some(*f), "{f:?}");
    }
    let headers: Vec<String> = ["序号", "姓名", "电话", "手机", "备注"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let m = guess_mapping(&headers);
    assert_eq!(m.get(&Field::Name), Some(&1));
    assert_eq!(
        m.get(&Field::Phone),
        Some(&2),
        "the first phone column wins"
    );
    assert_eq!(m.len(), 2);
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
}

#[test]
fn a_title_row_above_the_headers_is_skipped() {
    let grid = vec![
        vec![t("佛字桥居民区党员花名册"), Cell::Empty],
        vec![t("姓名"), t("联系电话")],
        vec![t("王芳"), Cell::Number(13812345678.0)],
        vec![Cell::Empty, t(" ")],
        vec![t("李强"), Cell::Empty],
    ];
    let s = Sheet::from_grid(grid);
    assert_eq!(s.headers, ["姓名", "联系电话"]);
    let rows: Vec<u32> = s.rows.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows, [3, 5], "spreadsheet row numbers, blank rows left out");
    assert_eq!(s.rows[0].1[1].text().as_deref(), Some("13812345678"));
}

#[test]
fn mappings_are_checked() {
    let mut m = Mapping::new();
    m.insert(Field::Phone, 1);
    m.insert(Field::Address, 1);
    m.insert(Field::Tags, 9);
    let fields: Vec<String> = check_mapping(&m, 3).into_iter().map(|e| e.field).collect();
    assert!(fields.contains(&"mapping.tags".to_string()));
    assert!(
        fields.contains(&"mapping.phone".to_string())
            || fields.contains(&"mapping.address".to_string())
    );
    assert!(fields.contains(&"mapping.name".to_string()));
    m.clear();
    m.insert(Field::Name, 0);
    assert!(check_mapping(&m, 1).is_empty());
}

#[test]
fn nodes_resolve_by_code_or_unique_name_in_scope() {
    let n = nodes();
    assert_eq!(resolve_node(&n, "佛字桥居民区"), Ok(11));
    assert_eq!(resolve_node(&n, " 310117001001002 "), Ok(112));
    assert!(resolve_node(&n, "一网格")
        .unwrap_err()
        .message
        .contains("编码"));
    assert!(resolve_node(&n, "仓桥居民区")
        .unwrap_err()
        .message
        .contains("管辖范围"));
    assert!(resolve_node(&n, "310117002001")
        .unwrap_err()
        .message
        .contains("管辖范围"));
    assert!(resolve_node(&n, "黄浦区")
        .unwrap_err()
        .message
        .contains("未知"));
}

fn mapping_all() -> Mapping {
    Field::ALL
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, i))
        .collect()
}

fn row(values: [Cell; 11]) -> Vec<Cell> {
    values.to_vec()
}

#[test]
fn a_good_row_becomes_a_person_with_tags_and_party_profile() {
    let n = nodes();
    let ctx = Context {
        today: today(),
        nodes: &n,
        default_node: 11,
    };
    let idn = id("31011719500101123");
    let sheet = Sheet {
        headers: Field::ALL
            .iter()
            .map(|f| f.label_zh().to_string())
            .collect(),
        rows: vec![(
            2,
            row([
                t(" 王芳 "),
                Cell::Empty,
                t("1950年1月"),
                Cell::Number(13812345678.0),
                t(&idn.to_lowercase()),
                t("3号楼201室"),
                t("310117001001001"),
                t("独居老人、高龄，困难党员"),
                t("在册"),
                t("1972.07"),
                t("第一党支部"),
            ]),
        )],
    };
    let (people, errors) = read_rows(&sheet, &mapping_all(), &ctx);
    assert_eq!(errors, []);
    let p = &people[0].1;
    assert_eq!(p.name, "王芳");
    assert_eq!(p.phone.as_deref(), Some("13812345678"));
    assert_eq!(p.birth_date, NaiveDate::from_ymd_opt(1950, 1, 1));
    assert_eq!(p.gender, Some(Gender::Male), "from the ID number");
    assert_eq!(p.org_unit_id, 111);
    assert_eq!(
        p.tags,
        [
            CareTag::LivingAlone,
            CareTag::Aged80Plus,
            CareTag::NeedyMember
        ]
    );
    let party = p.party.as_ref().unwrap();
    assert_eq!(party.category, PartyCategory::Registered);
    assert_eq!(party.joined_on, NaiveDate::from_ymd_opt(1972, 7, 1));
    assert_eq!(party.branch.as_deref(), Some("第一党支部"));
}

#[test]
fn bad_rows_name_their_row_and_field() {
    let n = nodes();
    let ctx = Context {
        today: today(),
        nodes: &n,
        default_node: 11,
    };
    let mut bad_check = id("31011719500101123");
    let last = if bad_check.ends_with('1') { '2' } else { '1' };
    bad_check.pop();
    bad_check.push(last);
    let e = Cell::Empty;
    let rows = vec![
        (
            2,
            row([
                t("甲"),
                t("未知"),
                e.clone(),
                e.clone(),
                t(&bad_check),
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
            ]),
        ),
        (
            3,
            row([
                t("乙"),
                e.clone(),
                t("1950-02-30"),
                t("1381234567"),
                e.clone(),
                e.clone(),
                t("仓桥居民区"),
                t("孤寡"),
                t("中共党员"),
                e.clone(),
                e.clone(),
            ]),
        ),
        (
            4,
            row([
                Cell::Empty,
                e.clone(),
                e.clone(),
                e.clone(),
                Cell::Number(310117195001011000.0),
                e.clone(),
                e.clone(),
                e.clone(),
                e.clone(),
                t("2001-07-01"),
                e.clone(),
            ]),
        ),
        (
            5,
            row([
                t("丙"),
                e.clone(),
                Cell::Error("#N/A".into()),
                e.clone(),
                e.clone(),
                e.clone(),
                t("一网格"),
                e.clone(),
                e.clone(),
                t("2030-01-01"),
                t("支部"),
            ]),
        ),
    ];
    let sheet = Sheet {
        headers: Field::ALL
            .iter()
            .map(|f| f.label_zh().to_string())
            .collect(),
        rows,
    };
    let (people, errors) = read_rows(&sheet, &mapping_all(), &ctx);
    assert!(people.is_empty());
    let got: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    for want in [
        (2, "gender"),
        (2, "id_number"),
        (3, "birth_date"),
        (3, "phone"),
        (3, "org_unit"),
        (3, "tags"),
        (3, "party.category"),
        (4, "name"),
        (4, "id_number"),
        (4, "party.category"),
        (5, "birth_date"),
        (5, "org_unit"),
        (5, "party.category"),
    ] {
        assert!(got.contains(&want), "{want:?} missing from {got:?}");
    }
    let msg = |r: u32, f: &str| {
        errors
            .iter()
            .find(|e| e.row == r && e.field == f)
            .map(|e| e.message.clone())
            .unwrap()
    };
    assert!(msg(2, "id_number").contains("校验位"));
    assert!(msg(4, "id_number").contains("文本格式"));
    assert!(msg(5, "birth_date").contains("#N/A"));
}

#[test]
fn dates_are_read_as_rosters_write_them() {
    let d = |y, m, dd| Some(Ok(NaiveDate::from_ymd_opt(y, m, dd).unwrap()));
    assert_eq!(read_date(&t("1950-01-31")), Ok(d(1950, 1, 31)));
    assert_eq!(read_date(&t("1950/1/31")), Ok(d(1950, 1, 31)));
    assert_eq!(read_date(&t("1950.1.31")), Ok(d(1950, 1, 31)));
    assert_eq!(read_date(&t("1950年1月31日")), Ok(d(1950, 1, 31)));
    assert_eq!(read_date(&t("19500131")), Ok(d(1950, 1, 31)));
    assert_eq!(read_date(&Cell::Number(19500131.0)), Ok(d(1950, 1, 31)));
    // Excel's day number for 1950-01-31.
    assert_eq!(read_date(&Cell::Number(18294.0)), Ok(d(1950, 1, 31)));
    assert_eq!(read_date(&t("1972.07")), Ok(Some(Err((1972, 7)))));
    assert_eq!(read_date(&t("1972年7月")), Ok(Some(Err((1972, 7)))));
    assert_eq!(read_date(&Cell::Empty), Ok(None));
    assert!(read_date(&t("去年")).is_err());
    assert!(read_date(&t("1950-13-01")).is_err());
}

#[test]
fn duplicates_within_the_file_and_against_the_register() {
    let person = |name: &str, phone: Option<&str>, idn: Option<String>| Person {
        id: 0,
        name: name.into(),
        gender: None,
        birth_date: None,
        phone: phone.map(str::to_string),
        id_number: idn,
        org_unit_id: 11,
        address: None,
        tags: vec![],
        party: None,
    };
    let a = id("31011719500101123");
    let b = id("31011719600101123");
    let people = vec![
        (2, person("王芳", Some("13812345678"), Some(a.clone()))),
        (3, person("王芳", Some("13812345678"), None)),
        (4, person("李强", None, Some(a.clone()))),
        (5, person("赵敏", None, Some(b.clone()))),
        (6, person("钱进", Some("13900000000"), None)),
        (7, person("孙丽", Some("13912345678"), None)),
    ];
    let mut existing = Existing::default();
    existing.id_numbers.insert(b);
    existing
        .name_phones
        .insert(("钱进".into(), "13900000000".into()));
    let errors = duplicates(&people, &existing);
    let got: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(
        got,
        [(3, "name"), (4, "id_number"), (5, "id_number"), (6, "name")]
    );
    assert!(errors[0].message.contains("第 2 行"));
    assert!(errors[2].message.contains("人员档案"));
}

#[test]
fn a_roster_is_planned_whole_or_refused_with_every_row() {
    let sheet = |rows: Vec<(u32, &str, &str)>| Sheet {
        headers: vec!["姓名".into(), "联系电话".into()],
        rows: rows
            .into_iter()
            .map(|(r, name, phone)| (r, vec![t(name), t(phone)]))
            .collect(),
    };
    let nodes = nodes();
    let ctx = Context {
        today: today(),
        nodes: &nodes,
        default_node: 11,
    };
    let mapping = guess_mapping(&sheet(vec![]).headers);
    // A mapping that cannot be used reads no row: its error is row 0's.
    let mut no_name = mapping.clone();
    no_name.remove(&Field::Name);
    let read = check(&sheet(vec![(2, "王芳", "13812345678")]), &no_name, &ctx);
    assert!(read.people.is_empty());
    assert_eq!(read.errors[0].row, 0);
    // Every error, in row order: a bad phone (row 5), the same person twice (row 4 repeats
    // row 2), a person the register has (row 3).
    let roster = sheet(vec![
        (2, "王芳", "13812345678"),
        (3, "孙丽", "13912345678"),
        (4, "王芳", "13812345678"),
        (5, "李强", "12"),
    ]);
    let read = check(&roster, &mapping, &ctx);
    assert_eq!(read.people.len(), 3);
    let k = keys(&read.people);
    assert_eq!(k.name_phones.len(), 3);
    assert!(k.id_numbers.is_empty());
    let mut existing = Existing::default();
    existing
        .name_phones
        .insert(("孙丽".into(), "13912345678".into()));
    let refused = read.against(&existing).plan().unwrap_err();
    let rows: Vec<(u32, &str)> = refused.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(rows, [(3, "name"), (4, "name"), (5, "phone")]);
    // A clean roster is planned whole; the store asks `admit` again in its transaction,
    // and a person registered in between refuses the plan with that row.
    let clean = sheet(vec![(2, "王芳", "13812345678"), (3, "周敏", "13700000000")]);
    let plan = check(&clean, &mapping, &ctx)
        .against(&Existing::default())
        .plan()
        .expect("a plan");
    assert_eq!(plan.people.len(), 2);
    assert_eq!(admit(&plan.people, &Existing::default()), Ok(()));
    let mut since = Existing::default();
    since
        .name_phones
        .insert(("周敏".into(), "13700000000".into()));
    let late = admit(&plan.people, &since).unwrap_err();
    assert_eq!((late[0].row, late[0].field.as_str()), (3, "name"));
}
