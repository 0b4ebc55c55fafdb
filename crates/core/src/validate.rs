//! Validation, normalization and masking of personal data: phone numbers and resident ID
//! numbers (居民身份证号码, GB 11643-1999).
//!
//! Validators return the normalized value to store, or a [`FieldError`] whose message tells
//! the person at the counter, in Chinese, what is wrong. Full-width digits (１２３) and the
//! usual separators are accepted, since that is what people type with a Chinese input method.

use chrono::{Datelike, NaiveDate};

use crate::error::{FieldError, Msg};
use crate::person::Gender;

const PHONE: &str = "phone";
const ID_NUMBER: &str = "id_number";

/// Maps full-width digits and letters to ASCII; other characters unchanged.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '＋' | '－' | '（' | '）' => {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        }
        '\u{3000}' => ' ',
        _ => c,
    }
}

// ---------------------------------------------------------------------------------------
// Text any field may hold

/// Whether `c` may stand in stored text. Refused: U+0000 (PostgreSQL's `text` cannot hold it,
/// so it would be a 500 there and a silent difference between the backends), the other C0
/// controls but tab, line feed and carriage return, and the noncharacters U+FFFE and U+FFFF.
/// Those are the characters XML 1.0 cannot carry, so a stored one would break every .xlsx
/// export holding it; no keyboard or input method types them. Tabs and line breaks stay
/// (free text has paragraphs); DEL and the C1 controls are storable and exportable, so they
/// are left alone.
pub fn storable_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The first character of `value` that [`storable_char`] refuses, as an error on `field`.
/// One rule for every text of every request: the server applies it where bodies, forms and
/// query strings are parsed.
const CONTROL_CHAR: Msg = Msg::new(
    "control_character",
    "含有不能保存的控制字符（{char}），请删除后重新提交",
    "Contains a control character that cannot be saved ({char}); remove it and submit again",
);

pub fn check_storable(field: &str, value: &str) -> Result<(), FieldError> {
    match value.chars().find(|c| !storable_char(*c)) {
        None => Ok(()),
        Some(c) => {
            Err(FieldError::new(field, &CONTROL_CHAR).with("char", format!("U+{:04X}", c as u32)))
        }
    }
}

/// A required text as typed: trimmed, storable, not empty (`empty` says so), at most `max`
/// characters.
pub fn required_text(
    field: &str,
    value: &str,
    max: usize,
    empty: &Msg,
) -> Result<String, FieldError> {
    let value = value.trim();
    check_storable(field, value)?;
    if value.is_empty() {
        return Err(FieldError::new(field, empty));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, &crate::error::TOO_LONG).with("max", max));
    }
    Ok(value.to_string())
}

// ---------------------------------------------------------------------------------------
// E-mail addresses

/// The longest address SMTP carries (RFC 5321's path limit).
const MAX_EMAIL: usize = 254;

/// Validates an e-mail address as people type it (`wang@example.com`, full-width `＠` too)
/// and returns it trimmed. Only the shape is checked — one `@`, a dotted domain, no spaces —
/// whether it reaches anyone is the mail server's to say.
pub fn validate_email(input: &str) -> Result<String, FieldError> {
    const TOO_LONG: Msg = Msg::new(
        "email_too_long",
        "电子邮件地址太长",
        "The e-mail address is too long",
    );
    const SHAPE: Msg = Msg::new(
        "email_invalid",
        "电子邮件地址格式不对，应如 name@example.com",
        "Not an e-mail address; write it like name@example.com",
    );
    let s: String = input.trim().replace('＠', "@");
    let err = |m: &Msg| Err(FieldError::new("email", m));
    if s.chars().count() > MAX_EMAIL {
        return err(&TOO_LONG);
    }
    if !looks_like_email(&s) {
        return err(&SHAPE);
    }
    Ok(s)
}

/// One `@` with something before it and a dotted domain after, no spaces.
pub fn looks_like_email(a: &str) -> bool {
    match a.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && !host.contains('@')
                && host.split('.').count() >= 2
                && host.split('.').all(|part| !part.is_empty())
                && !a.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// `wang.xiuying@example.com` → `w***@example.com`: enough for the appellant to recognize.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((user, host)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}***@{host}")
        }
        None => "***".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// Phone numbers

/// Validates a mainland phone number and returns it normalized.
///
/// - Mobile: `1[3-9]` + 9 digits, optionally prefixed by `+86`, `86` or `0086`, with spaces,
///   dashes or parentheses anywhere → 11 digits, e.g. `13812345678`.
/// - Landline: area code + local number → `AAA-NNNNNNNN` or `AAAA-NNNNNNN[N]`, e.g.
///   `021-57812345`. Area codes `010` and `02x` have 3 digits and 8-digit local numbers;
///   `03xx`–`09xx` have 4 digits and 7- or 8-digit local numbers; local numbers start with
///   2–9. With `+86` the leading `0` of the area code may be left out (`+86 21 5781 2345`).
pub fn validate_phone(input: &str) -> Result<String, FieldError> {
    let err = |m: &Msg| Err(FieldError::new(PHONE, m));
    let s = input.trim();
    if s.is_empty() {
        return err(&phone::EMPTY);
    }
    let mut plus = false;
    let mut digits = String::with_capacity(s.len());
    for (i, c) in s.chars().map(half_width).enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' ' | '-' | '(' | ')' => {}
            _ => return err(&phone::CHARACTERS),
        }
    }
    if digits.is_empty() {
        return err(&phone::EMPTY);
    }

    // Country code.
    let mut international = false;
    if plus {
        match digits.strip_prefix("86") {
            Some(rest) => digits = rest.to_string(),
            None => return err(&phone::COUNTRY),
        }
        international = true;
    } else if let Some(rest) = digits.strip_prefix("0086") {
        digits = rest.to_string();
        international = true;
    } else if digits.len() == 13 && digits.starts_with("86") && is_mobile(&digits[2..]) {
        digits.drain(..2);
    }
    if digits.is_empty() {
        return err(&phone::INCOMPLETE);
    }
    if international && !digits.starts_with('0') && !is_mobile(&digits) {
        // "+86 21 5781 2345": the trunk prefix 0 is dropped in international form.
        digits.insert(0, '0');
    }

    if digits.starts_with('1') {
        if digits.len() != 11 {
            return Err(FieldError::new(PHONE, &phone::MOBILE_LENGTH).with("n", digits.len()));
        }
        if !is_mobile(&digits) {
            return err(&phone::MOBILE_SECOND);
        }
        return Ok(digits);
    }
    if digits.starts_with('0') {
        return landline(&digits).ok_or_else(|| FieldError::new(PHONE, &phone::LANDLINE));
    }
    if (7..=8).contains(&digits.len()) {
        return err(&phone::AREA_CODE);
    }
    err(&phone::SHAPE)
}

/// What [`validate_phone`] says.
mod phone {
    use super::Msg;
    pub const EMPTY: Msg = Msg::new("phone_empty", "电话号码不能为空", "Enter a phone number");
    pub const CHARACTERS: Msg = Msg::new(
        "phone_characters",
        "电话号码只能包含数字、空格和短横线",
        "A phone number has only digits, spaces and hyphens",
    );
    pub const COUNTRY: Msg = Msg::new(
        "phone_country",
        "只支持中国大陆电话号码（国家代码+86）",
        "Only mainland China numbers (country code +86)",
    );
    pub const INCOMPLETE: Msg = Msg::new(
        "phone_incomplete",
        "电话号码不完整",
        "The phone number is incomplete",
    );
    pub const MOBILE_LENGTH: Msg = Msg::new(
        "mobile_length",
        "手机号应为11位数字，以1开头（现为{n}位）",
        "A mobile number has 11 digits starting with 1 (this has {n})",
    );
    pub const MOBILE_SECOND: Msg = Msg::new(
        "mobile_second_digit",
        "手机号第二位应为3至9",
        "A mobile number's second digit is 3 to 9",
    );
    pub const LANDLINE: Msg = Msg::new(
        "landline_shape",
        "固定电话应为区号加7至8位号码，如021-57812345",
        "A landline is an area code and 7 or 8 digits, e.g. 021-57812345",
    );
    pub const AREA_CODE: Msg = Msg::new(
        "landline_area_code",
        "固定电话请加区号，如021-57812345",
        "Add the area code to a landline, e.g. 021-57812345",
    );
    pub const SHAPE: Msg = Msg::new(
        "phone_shape",
        "手机号应为11位数字，以1开头；固定电话应带区号，如021-57812345",
        "A mobile number has 11 digits starting with 1; a landline has an area code, e.g. 021-57812345",
    );
}

/// `1[3-9]` followed by 9 digits.
fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// `digits` (all ASCII digits, starting with 0) as `area-local`, if it is a landline.
fn landline(digits: &str) -> Option<String> {
    let b = digits.as_bytes();
    let (area_len, local_lens): (usize, &[usize]) = match b.get(1)? {
        b'1' if b.get(2) == Some(&b'0') => (3, &[8]),
        b'2' => (3, &[8]),
        b'3'..=b'9' => (4, &[7, 8]),
        _ => return None,
    };
    let local = digits.get(area_len..)?;
    let ok = local_lens.contains(&local.len()) && matches!(local.as_bytes()[0], b'2'..=b'9');
    ok.then(|| format!("{}-{}", &digits[..area_len], local))
}

/// Masks a phone number for display: `138****5678` for a mobile, `021-******45` for a
/// landline (area code and the last 2 digits kept). A valid number is normalized first;
/// anything else keeps at most its last 2 characters.
pub fn mask_phone(phone: &str) -> String {
    match validate_phone(phone) {
        Ok(n) => match n.split_once('-') {
            Some((area, local)) => {
                let (hidden, shown) = local.split_at(local.len() - 2);
                format!("{area}-{}{shown}", "*".repeat(hidden.len()))
            }
            None => format!("{}****{}", &n[..3], &n[7..]),
        },
        Err(_) => {
            let chars: Vec<char> = phone.trim().chars().collect();
            let keep = if chars.len() > 4 { 2 } else { 0 };
            let (hidden, shown) = chars.split_at(chars.len() - keep);
            "*".repeat(hidden.len()) + &shown.iter().collect::<String>()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Resident ID numbers

/// Weights of the first 17 characters: 2^(17-i) mod 11.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// First two digits: the province-level division (incl. 71 Taiwan, 81 Hong Kong, 82 Macao,
/// 83 residence permits of Taiwan residents).
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// The ISO 7064 MOD 11-2 check character (`0`–`9` or `X`) for the first 17 digits of an ID
/// number; `None` unless `body` is exactly 17 ASCII digits. Useful to build test data.
pub fn id_check_char(body: &str) -> Option<char> {
    let b = body.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize])
}

/// Validates an 18-character resident ID number and returns it normalized (ASCII, no spaces,
/// uppercase `X`). Checks, in order: length, 17 digits + `0-9`/`X`, province code, birth
/// date (chars 7–14, a real date not before 1900-01-01) and the check character. Does not
/// know today's date: use [`validate_id_number_as_of`] to also reject future birth dates.
pub fn validate_id_number(input: &str) -> Result<String, FieldError> {
    let err = |m: &Msg| Err(FieldError::new(ID_NUMBER, m));
    let id: String = input
        .chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let len = id.chars().count();
    if len == 0 {
        return err(&id::EMPTY);
    }
    if len == 15 && id.bytes().all(|b| b.is_ascii_digit()) {
        return err(&id::OLD);
    }
    if len != 18 {
        return err(&id::LENGTH).map_err(|e: FieldError| e.with("n", len));
    }
    if !id.chars().take(17).all(|c| c.is_ascii_digit()) {
        return err(&id::DIGITS);
    }
    if !id
        .chars()
        .nth(17)
        .is_some_and(|c| matches!(c, '0'..='9' | 'X'))
    {
        return err(&id::LAST);
    }
    // All ASCII from here on.
    let (body, check) = id.split_at(17);
    let province: u8 = body[..2].parse().unwrap_or(0);
    if !PROVINCES.contains(&province) {
        return err(&id::PROVINCE).map_err(|e: FieldError| e.with("code", &body[..2]));
    }
    let date = &body[6..14];
    match parse_ymd(date) {
        None => return err(&id::DATE).map_err(|e: FieldError| e.with("date", date)),
        Some(d) if d.year() < 1900 => {
            return err(&id::EARLY).map_err(|e: FieldError| e.with("date", date));
        }
        Some(_) => {}
    }
    if id_check_char(body).map(String::from).as_deref() != Some(check) {
        return err(&id::CHECK);
    }
    Ok(id)
}

/// What [`validate_id_number`] says.
mod id {
    use super::Msg;
    pub const EMPTY: Msg = Msg::new("id_number_empty", "身份证号不能为空", "Enter the ID number");
    pub const OLD: Msg = Msg::new(
        "id_number_old",
        "15位旧身份证号已停用，请填写18位身份证号",
        "15-digit ID numbers are no longer used; enter the 18-character one",
    );
    pub const LENGTH: Msg = Msg::new(
        "id_number_length",
        "身份证号应为18位（现为{n}位）",
        "An ID number has 18 characters (this has {n})",
    );
    pub const DIGITS: Msg = Msg::new(
        "id_number_digits",
        "身份证号前17位应全部为数字",
        "The first 17 characters of an ID number are digits",
    );
    pub const LAST: Msg = Msg::new(
        "id_number_last",
        "身份证号最后一位应为数字或X",
        "The last character of an ID number is a digit or X",
    );
    pub const PROVINCE: Msg = Msg::new(
        "id_number_region",
        "身份证号前两位地区代码{code}不存在",
        "No region has the code {code} (the first two digits)",
    );
    pub const DATE: Msg = Msg::new(
        "id_number_date",
        "身份证号中的出生日期{date}不是有效日期",
        "The birth date {date} in the ID number is not a real date",
    );
    pub const EARLY: Msg = Msg::new(
        "id_number_date_early",
        "身份证号中的出生日期{date}早于1900年",
        "The birth date {date} in the ID number is before 1900",
    );
    pub const FUTURE: Msg = Msg::new(
        "id_number_date_future",
        "身份证号中的出生日期{date}晚于今天",
        "The birth date {date} in the ID number is after today",
    );
    pub const CHECK: Msg = Msg::new(
        "id_number_check",
        "身份证号校验位不正确，请核对号码",
        "The check character does not match; check the number",
    );
}

/// [`validate_id_number`], and the birth date must not be after `today`.
pub fn validate_id_number_as_of(input: &str, today: NaiveDate) -> Result<String, FieldError> {
    let id = validate_id_number(input)?;
    match birth_date_of_valid(&id) {
        Some(d) if d > today => {
            Err(FieldError::new(ID_NUMBER, &id::FUTURE).with("date", &id[6..14]))
        }
        _ => Ok(id),
    }
}

fn parse_ymd(yyyymmdd: &str) -> Option<NaiveDate> {
    let y = yyyymmdd.get(0..4)?.parse().ok()?;
    let m = yyyymmdd.get(4..6)?.parse().ok()?;
    let d = yyyymmdd.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn birth_date_of_valid(id: &str) -> Option<NaiveDate> {
    parse_ymd(id.get(6..14)?)
}

/// The birth date in a valid ID number (chars 7–14); `None` if the ID is not valid.
pub fn birth_date_from_id(id: &str) -> Option<NaiveDate> {
    birth_date_of_valid(&validate_id_number(id).ok()?)
}

/// The gender in a valid ID number: the 17th digit is odd for men, even for women;
/// `None` if the ID is not valid.
pub fn gender_from_id(id: &str) -> Option<Gender> {
    let id = validate_id_number(id).ok()?;
    let digit = id.as_bytes()[16] - b'0';
    Some(if digit % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    })
}

/// Masks an ID number for display: first 6 and last 4 characters kept,
/// `310117********123X`. Shorter input (10 characters or fewer) is masked entirely.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id
        .trim()
        .chars()
        .map(half_width)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// Masks a person's name for readers who need to know a neighbour is waiting but not who:
/// the family name stays, every other character becomes `*` (周建国 → 周**, 李四 → 李*). A
/// compound family name is not guessed at: one character is kept, whatever the name.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

#[cfg(test)]
mod tests;
