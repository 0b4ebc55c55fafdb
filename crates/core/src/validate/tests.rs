#[test]
fn control_characters_are_refused_but_tabs_and_line_breaks_kept() {
    for ok in [
        "王阿姨",
        "第一段\n第二段\r\n\t缩进",
        "",
        "\u{7f}\u{85}",
        "emoji 🙂",
    ] {
        assert_eq!(check_storable("content", ok), Ok(()), "{ok:?}");
    }
    for (bad, code) in [
        ("a\u{0}b", "U+0000"),
        ("\u{1}", "U+0001"),
        ("x\u{b}", "U+000B"),
        ("\u{c}", "U+000C"),
        ("\u{1b}[31m", "U+001B"),
        ("\u{1f}", "U+001F"),
        ("\u{fffe}", "U+FFFE"),
        ("\u{ffff}", "U+FFFF"),
    ] {
        let e = check_storable("appellant.name", bad).expect_err(bad);
        assert_eq!(e.field, "appellant.name");
        assert!(e.message.contains(code), "{bad:?}: {}", e.message);
    }
    // Exactly the C0 range less tab, LF and CR, and the two noncharacters.
    let refused: Vec<u32> = (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| !storable_char(*c))
        .map(|c| c as u32)
        .collect();
    let mut expected: Vec<u32> = (0..0x20).filter(|c| ![9, 10, 13].contains(c)).collect();
    expected.extend([0xFFFE, 0xFFFF]);
    assert_eq!(refused, expected);
}

#[test]
fn names_keep_only_the_family_name() {
    assert_eq!(mask_name("周建国"), "周**");
    assert_eq!(mask_name(" 李四 "), "李*");
    assert_eq!(mask_name("王"), "王*");
    assert_eq!(mask_name(""), "");
}

use super::*;

#[test]
fn email_addresses_are_checked_for_shape_and_masked() {
    assert_eq!(
        validate_email(" wang@example.com ").unwrap(),
        "wang@example.com"
    );
    assert_eq!(validate_email("li＠mail.sh.cn").unwrap(), "li@mail.sh.cn");
    for bad in [
        "",
        "wang",
        "@example.com",
        "wang@",
        "wang@localhost",
        "a b@x.cn",
        "a@b@c.cn",
        "w@x..cn",
    ] {
        assert_eq!(validate_email(bad).unwrap_err().field, "email", "{bad:?}");
    }
    assert!(validate_email(&format!("{}@x.cn", "a".repeat(260))).is_err());
    assert_eq!(mask_email("wang.xiuying@example.com"), "w***@example.com");
}

/// Completes 17 digits with their check character, computed independently of
/// `id_check_char`: check = (12 − Σ dᵢ·2^(17−i) mod 11) mod 11, 10 written X.
fn with_check(body: &str) -> String {
    let sum: u64 = body
        .bytes()
        .enumerate()
        .map(|(i, d)| u64::from(d - b'0') * ((1u64 << (17 - i)) % 11))
        .sum();
    let v = (12 - sum % 11) % 11;
    let c = if v == 10 {
        'X'
    } else {
        char::from(b'0' + v as u8)
    };
    format!("{body}{c}")
}

fn msg(r: Result<String, FieldError>) -> String {
    let e = r.unwrap_err();
    assert_eq!(e.field, ID_NUMBER);
    e.message
}

#[test]
fn hand_checked_ids() {
    // GB 11643-1999's own example. Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over
    // 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167,
    // 167 mod 11 = 2 → X.
    assert_eq!(
        validate_id_number("11010519491231002X").unwrap(),
        "11010519491231002X"
    );
    // 3 1 0 1 1 7 1 9 8 8 0 6 1 2 3 5 1: 21+9+0+5+8+28+2+9+48+24+0+54+10+10+24+20+2 = 274,
    // 274 mod 11 = 10 → 2.
    assert_eq!(
        validate_id_number("310117198806123512").unwrap(),
        "310117198806123512"
    );
    assert_eq!(with_check("11010519491231002"), "11010519491231002X");
    assert_eq!(with_check("31011719880612351"), "310117198806123512");
    assert_eq!(id_check_char("31011719880612351"), Some('2'));
    assert_eq!(id_check_char("3101171988061235"), None);

    assert_eq!(
        birth_date_from_id("11010519491231002X"),
        NaiveDate::from_ymd_opt(1949, 12, 31)
    );
    assert_eq!(gender_from_id("11010519491231002X"), Some(Gender::Female));
    assert_eq!(
        birth_date_from_id("310117198806123512"),
        NaiveDate::from_ymd_opt(1988, 6, 12)
    );
    assert_eq!(gender_from_id("310117198806123512"), Some(Gender::Male));
}

#[test]
fn generated_ids_validate() {
    let bodies = [
        "44030420000229004", // leap day
        "11010119000101001", // the earliest accepted date
        "65010120231231123",
        "81000019850715002",
        "83000019990909887",
    ];
    for b in bodies {
        let id = with_check(b);
        assert_eq!(validate_id_number(&id).as_deref(), Ok(id.as_str()), "{id}");
        assert_eq!(id_check_char(b), id.chars().last());
    }
    // Every check value, including X, over a range of sequence numbers.
    let mut seen = std::collections::HashSet::new();
    for seq in 0..200 {
        let id = with_check(&format!("32010219770405{seq:03}"));
        seen.insert(id.chars().last().unwrap());
        assert!(validate_id_number(&id).is_ok(), "{id}");
    }
    assert_eq!(seen.len(), 11);
}

#[test]
fn lowercase_x_spaces_and_full_width_are_normalized() {
    assert_eq!(
        validate_id_number("11010519491231002x").unwrap(),
        "11010519491231002X"
    );
    assert_eq!(
        validate_id_number(" 110105 19491231 002x ").unwrap(),
        "11010519491231002X"
    );
    assert_eq!(
        validate_id_number("１１０１０５１９４９１２３１００２ｘ").unwrap(),
        "11010519491231002X"
    );
    assert_eq!(
        birth_date_from_id("11010519491231002x"),
        NaiveDate::from_ymd_opt(1949, 12, 31)
    );
}

#[test]
fn bad_ids_say_what_is_wrong() {
    assert_eq!(
        msg(validate_id_number("310117198806123513")),
        "身份证号校验位不正确，请核对号码"
    );
    assert_eq!(
        msg(validate_id_number("11010519491231002")),
        "身份证号应为18位（现为17位）"
    );
    assert_eq!(
        msg(validate_id_number("11010519491231002X1")),
        "身份证号应为18位（现为19位）"
    );
    assert!(msg(validate_id_number("110105491231002")).contains("15位"));
    assert_eq!(msg(validate_id_number("")), "身份证号不能为空");
    assert_eq!(
        msg(validate_id_number("1101051949123100AX")),
        "身份证号前17位应全部为数字"
    );
    assert_eq!(
        msg(validate_id_number("11010519491231002Y")),
        "身份证号最后一位应为数字或X"
    );
    assert!(msg(validate_id_number(&with_check("99010519491231002"))).contains("地区代码99"));
    // Feb 30 with a correct check character: the date is what is wrong.
    let feb30 = with_check("31011719900230123");
    assert_eq!(feb30, "310117199002301234");
    assert_eq!(
        msg(validate_id_number(&feb30)),
        "身份证号中的出生日期19900230不是有效日期"
    );
    assert!(msg(validate_id_number(&with_check("31011719901301123"))).contains("不是有效日期"));
    assert!(msg(validate_id_number(&with_check("31011719010229123"))).contains("不是有效日期"));
    assert!(msg(validate_id_number(&with_check("31011718991231123"))).contains("早于1900年"));
    assert_eq!(birth_date_from_id(&feb30), None);
    assert_eq!(gender_from_id("310117198806123513"), None);
}

#[test]
fn future_birth_dates_need_today() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let born_today = with_check("31011720261101001");
    assert!(validate_id_number_as_of(&born_today, today).is_ok());
    let tomorrow = with_check("31011720261102001");
    assert!(validate_id_number(&tomorrow).is_ok());
    assert!(msg(validate_id_number_as_of(&tomorrow, today)).contains("晚于今天"));
}

#[test]
fn id_masks() {
    assert_eq!(mask_id_number("31011719880612123X"), "310117********123X");
    assert_eq!(mask_id_number("31011719880612123x"), "310117********123X");
    assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
    assert_eq!(mask_id_number("12345"), "*****");
    assert_eq!(mask_id_number(""), "");
}

fn phone(s: &str) -> Result<String, String> {
    validate_phone(s).map_err(|e| {
        assert_eq!(e.field, PHONE);
        e.message
    })
}

#[test]
fn mobile_forms() {
    for s in [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        " 13812345678 ",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "8613812345678",
        "008613812345678",
        "１３８１２３４５６７８",
    ] {
        assert_eq!(phone(s).as_deref(), Ok("13812345678"), "{s}");
    }
    assert_eq!(phone("19912345678").as_deref(), Ok("19912345678"));
    assert_eq!(
        phone("1381234567").unwrap_err(),
        "手机号应为11位数字，以1开头（现为10位）"
    );
    assert_eq!(
        phone("138123456789").unwrap_err(),
        "手机号应为11位数字，以1开头（现为12位）"
    );
    assert_eq!(phone("12812345678").unwrap_err(), "手机号第二位应为3至9");
    assert_eq!(phone("").unwrap_err(), "电话号码不能为空");
    assert_eq!(phone("+86").unwrap_err(), "电话号码不完整");
    assert_eq!(phone(" - ").unwrap_err(), "电话号码不能为空");
    assert_eq!(
        phone("138a2345678").unwrap_err(),
        "电话号码只能包含数字、空格和短横线"
    );
    assert!(phone("+1 415 555 0100").unwrap_err().contains("+86"));
    assert!(phone("23812345678").is_err());
}

#[test]
fn landline_forms() {
    for s in [
        "021-57812345",
        "02157812345",
        "021 5781 2345",
        "(021)57812345",
        "+86 21 5781 2345",
        "+86-021-57812345",
    ] {
        assert_eq!(phone(s).as_deref(), Ok("021-57812345"), "{s}");
    }
    assert_eq!(phone("010-61234567").as_deref(), Ok("010-61234567"));
    assert_eq!(phone("+86 10 6123 4567").as_deref(), Ok("010-61234567"));
    assert_eq!(phone("0571-87654321").as_deref(), Ok("0571-87654321"));
    assert_eq!(phone("05718765432").as_deref(), Ok("0571-8765432"));
    assert_eq!(phone("0571 876 5432").as_deref(), Ok("0571-8765432"));
    let bad_landline = "固定电话应为区号加7至8位号码，如021-57812345";
    assert_eq!(phone("021-5781234").unwrap_err(), bad_landline); // 3-digit area needs 8
    assert_eq!(phone("021-07812345").unwrap_err(), bad_landline); // local starts 0
    assert_eq!(phone("011-57812345").unwrap_err(), bad_landline); // no such area code
    assert_eq!(phone("0571-876543").unwrap_err(), bad_landline);
    assert_eq!(
        phone("57812345").unwrap_err(),
        "固定电话请加区号，如021-57812345"
    );
}

#[test]
fn phone_masks() {
    assert_eq!(mask_phone("13812345678"), "138****5678");
    assert_eq!(mask_phone("+86 138 1234 5678"), "138****5678");
    assert_eq!(mask_phone("021-57812345"), "021-******45");
    assert_eq!(mask_phone("0571-8765432"), "0571-*****32");
    assert_eq!(mask_phone("12345"), "***45");
    assert_eq!(mask_phone("123"), "***");
}
