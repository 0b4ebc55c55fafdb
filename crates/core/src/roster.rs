//! 花名册导入: reading a roster of people (a station's residents or party members, kept in
//! Excel) into the register. No IO here: the server reads the workbook into a [`Sheet`]
//! and asks the store about the register; this module guesses which column holds what
//! from its Chinese header, turns each row into a person through the same checks as the
//! API ([`PersonDraft::validate`]) and says, row by row, what is wrong.
//!
//! Row numbers are the spreadsheet's own (the header is usually row 1), so the person
//! fixing the file finds the row where Excel shows it.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::person::{CareTag, Gender, PartyCategory, PartyProfile, Person, PersonDraft};
use crate::validate::birth_date_from_id;
use crate::{vocabulary, Id};

/// Most data rows one import takes; a larger roster is split by community.
pub const MAX_ROWS: usize = 5_000;
/// Most columns read; columns beyond are ignored (rosters have a dozen).
pub const MAX_COLUMNS: usize = 60;
/// How far down the header row may sit (rosters often open with a title row or two).
const HEADER_SEARCH_ROWS: usize = 5;

vocabulary!(
    /// The person fields a roster column can fill; the labels are the template's headers.
    Field {
        Name = "name" / "姓名",
        Gender = "gender" / "性别",
        BirthDate = "birth_date" / "出生日期",
        Phone = "phone" / "联系电话",
        IdNumber = "id_number" / "身份证号",
        Address = "address" / "住址",
        OrgUnit = "org_unit" / "所属居民区",
        Tags = "tags" / "人员类别",
        PartyCategory = "party.category" / "党员类别",
        PartyJoinedOn = "party.joined_on" / "入党时间",
        PartyBranch = "party.branch" / "所在支部",
    }
);

/// One cell as read from the workbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel formats as a date.
    Date(NaiveDate),
    /// An Excel error value (`#N/A`, `#REF!`).
    Error(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: trimmed, numbers without a trailing `.0`, dates ISO; `None` when
    /// blank.
    pub fn text(&self) -> Option<String> {
        let s = match self {
            Cell::Empty => return None,
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Error(e) => e.clone(),
        };
        Some(s).filter(|s| !s.is_empty())
    }
}

/// The first sheet of a roster: its header row and the data rows below it, each with its
/// spreadsheet row number (blank rows left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<(u32, Vec<Cell>)>,
}

impl Sheet {
    /// Finds the header row among the first rows of `grid` (row `i` is spreadsheet row
    /// `i + 1`): the first with two or more recognizable headers, else the first non-blank
    /// row. Every non-blank row below it is data.
    pub fn from_grid(grid: Vec<Vec<Cell>>) -> Sheet {
        let blank = |r: &Vec<Cell>| r.iter().all(Cell::is_blank);
        let recognized = |r: &Vec<Cell>| {
            r.iter()
                .filter_map(Cell::text)
                .filter(|h| guess_field(h).is_some())
                .count()
        };
        let header_at = grid
            .iter()
            .take(HEADER_SEARCH_ROWS)
            .position(|r| recognized(r) >= 2)
            .or_else(|| grid.iter().position(|r| !blank(r)));
        let Some(h) = header_at else {
            return Sheet {
                headers: Vec::new(),
                rows: Vec::new(),
            };
        };
        let mut grid = grid.into_iter().skip(h);
        let headers: Vec<String> = grid
            .next()
            .unwrap_or_default()
            .iter()
            .map(|c| c.text().unwrap_or_default())
            .collect();
        let rows = grid
            .enumerate()
            .filter(|(_, r)| !blank(r))
            .map(|(i, r)| ((h + i + 2) as u32, r))
            .collect();
        Sheet { headers, rows }
    }
}

/// `A`, `B`, … `Z`, `AA`: a column's letter as Excel shows it.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

/// A header as compared: no spaces, no `*` or parenthesized hint (「（必填）」), ASCII
/// lowercase, full-width brackets folded.
fn normalize_header(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in h.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 || c.is_whitespace() || c == '*' || c == '＊' => {}
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The field a column holds, guessed from its header the way station rosters name them;
/// `None` for a column not to import (序号, 备注 …).
pub fn guess_field(header: &str) -> Option<Field> {
    use Field as F;
    let h = normalize_header(header);
    if h.is_empty() {
        return None;
    }
    const EXACT: &[(&str, Field)] = &[
        ("姓名", F::Name),
        ("名字", F::Name),
        ("name", F::Name),
        ("性别", F::Gender),
        ("出生日期", F::BirthDate),
        ("出生年月", F::BirthDate),
        ("出生年月日", F::BirthDate),
        ("生日", F::BirthDate),
        ("联系方式", F::Phone),
        ("住址", F::Address),
        ("地址", F::Address),
        ("门牌", F::Address),
        ("门牌号", F::Address),
        ("家庭住址", F::Address),
        ("居住地址", F::Address),
        ("现住址", F::Address),
        ("所属居民区", F::OrgUnit),
        ("居民区", F::OrgUnit),
        ("社区", F::OrgUnit),
        ("所属社区", F::OrgUnit),
        ("村居", F::OrgUnit),
        ("所属村居", F::OrgUnit),
        ("居委", F::OrgUnit),
        ("居委会", F::OrgUnit),
        ("所属网格", F::OrgUnit),
        ("网格", F::OrgUnit),
        ("所属节点", F::OrgUnit),
        ("人员类别", F::Tags),
        ("人员类型", F::Tags),
        ("标签", F::Tags),
        ("关爱标签", F::Tags),
        ("关爱类别", F::Tags),
        ("政治面貌", F::PartyCategory),
        ("党员类别", F::PartyCategory),
        ("党员类型", F::PartyCategory),
        ("支部", F::PartyBranch),
    ];
    if let Some((_, f)) = EXACT.iter().find(|(k, _)| *k == h) {
        return Some(*f);
    }
    // Longer headers by a keyword, most specific first (「党员联系电话」 is a phone,
    // 「入党时间」 a joining date, 「所在党支部」 a branch).
    const CONTAINS: &[(&str, Field)] = &[
        ("身份证", F::IdNumber),
        ("身份号码", F::IdNumber),
        ("证件号", F::IdNumber),
        ("入党", F::PartyJoinedOn),
        ("支部", F::PartyBranch),
        ("手机", F::Phone),
        ("电话", F::Phone),
        ("姓名", F::Name),
        ("出生", F::BirthDate),
        ("住址", F::Address),
        ("门牌", F::Address),
        ("居民区", F::OrgUnit),
        ("社区", F::OrgUnit),
    ];
    CONTAINS
        .iter()
        .find(|(k, _)| h.contains(k))
        .map(|(_, f)| *f)
}

/// Which column (0-based) fills which field; a field left out is not imported.
pub type Mapping = BTreeMap<Field, usize>;

/// The mapping guessed from the headers: each field from the first column whose header
/// names it.
pub fn guess_mapping(headers: &[String]) -> Mapping {
    let mut m = Mapping::new();
    for (i, h) in headers.iter().enumerate() {
        if let Some(f) = guess_field(h) {
            m.entry(f).or_insert(i);
        }
    }
    m
}

/// What is wrong with a mapping over `columns` columns: a column that does not exist, one
/// column for two fields, no name column. Errors name the field (`mapping.phone`).
pub fn check_mapping(mapping: &Mapping, columns: usize) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut used: HashMap<usize, Field> = HashMap::new();
    for (f, &col) in mapping {
        let field = format!("mapping.{}", f.code());
        if col >= columns {
            errors.push(FieldError::new(
                field,
                format!("文件中没有第 {} 列", column_letter(col)),
            ));
        } else if let Some(other) = used.insert(col, *f) {
            errors.push(FieldError::new(
                field,
                format!(
                    "第 {} 列已对应「{}」，一列只能对应一项",
                    column_letter(col),
                    other.label_zh()
                ),
            ));
        }
    }
    if !mapping.contains_key(&Field::Name) {
        errors.push(FieldError::new("mapping.name", "请指定姓名所在的列"));
    }
    errors
}

/// One thing wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The spreadsheet's row number.
    pub row: u32,
    /// The person field (`phone`, `party.joined_on`, `org_unit`).
    pub field: String,
    pub message: String,
}

/// A node a roster may name, and whether the importer may place people there.
#[derive(Debug, Clone)]
pub struct NodeRef {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub in_scope: bool,
}

/// The node a cell names, by code or by exact name; a name shared by several nodes in
/// scope must be given by code.
pub fn resolve_node(nodes: &[NodeRef], value: &str) -> Result<Id, String> {
    let v = value.trim();
    let by_code: Vec<&NodeRef> = nodes.iter().filter(|n| n.code == v).collect();
    let found = if by_code.is_empty() {
        nodes.iter().filter(|n| n.name == v).collect()
    } else {
        by_code
    };
    let in_scope: Vec<&&NodeRef> = found.iter().filter(|n| n.in_scope).collect();
    match (in_scope.as_slice(), found.is_empty()) {
        ([one], _) => Ok(one.id),
        ([], true) => Err(format!("未知的居民区或节点「{}」", short(v))),
        ([], false) => Err(format!("「{}」不在您的管辖范围内", short(v))),
        (_, _) => Err(format!("有多个名为「{}」的节点，请填写节点编码", short(v))),
    }
}

/// What rows are checked against.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub nodes: &'a [NodeRef],
    /// Where people go when the roster names no node: the importer's own.
    pub default_node: Id,
}

/// The people of a sheet under a mapping, each with its row number, and every error of
/// every row (a row with any error yields no person). Duplicates are [`duplicates`]'.
pub fn read_rows(
    sheet: &Sheet,
    mapping: &Mapping,
    ctx: &Context,
) -> (Vec<(u32, Person)>, Vec<RowError>) {
    let mut people = Vec::new();
    let mut errors = Vec::new();
    for (row, cells) in &sheet.rows {
        match read_row(cells, mapping, ctx) {
            Ok(p) => people.push((*row, p)),
            Err(es) => errors.extend(es.into_iter().map(|e| RowError {
                row: *row,
                field: e.field,
                message: e.message,
            })),
        }
    }
    (people, errors)
}

fn short(v: &str) -> String {
    let mut s: String = v.chars().take(30).collect();
    if v.chars().count() > 30 {
        s.push('…');
    }
    s
}

/// A date, or a year and month without the day.
type DateOrMonth = Result<NaiveDate, (i32, u32)>;

/// A date as rosters write it: an Excel date, a serial day number, or text —
/// `1950-01-31`, `1950/1/31`, `1950.1.31`, `1950年1月31日`, `19500131`. `Ok(Err(ym))` for a
/// date given to the month only (`1950.01`, `1950年1月`), which party records often are.
fn read_date(cell: &Cell) -> Result<Option<DateOrMonth>, String> {
    const BAD: &str = "日期格式应为 YYYY-MM-DD（如 1950-01-31）";
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(Ok(*d))),
        // A day number typed into a cell not formatted as a date.
        Cell::Number(n) if n.fract() == 0.0 && (61.0..=2_958_465.0).contains(n) => {
            Ok(Some(Ok(excel_date(*n).ok_or(BAD)?)))
        }
        Cell::Number(n) if n.fract() == 0.0 => parse_date_text(&format!("{}", *n as i64))
            .map(Some)
            .ok_or_else(|| BAD.to_string()),
        Cell::Text(s) if s.trim().is_empty() => Ok(None),
        Cell::Text(s) => parse_date_text(s.trim())
            .map(Some)
            .ok_or_else(|| BAD.to_string()),
        Cell::Error(e) => Err(format!("单元格是 Excel 错误值 {e}，请改为实际日期")),
        _ => Err(BAD.into()),
    }
}

/// The day of an Excel serial date-time (1900 system; the time of day dropped). The epoch
/// is 1899-12-30 because Excel counts a 1900-02-29 that never was; serials before March
/// 1900 are off by one, far before any date a register needs. `None` out of Excel's range.
pub fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_signed(TimeDelta::days(serial.floor() as i64))
}

/// An Excel serial date-time as wall-clock time, to the second (as [`excel_date`], keeping the
/// time of day). `None` out of Excel's range.
pub fn excel_datetime(serial: f64) -> Option<NaiveDateTime> {
    let day = excel_date(serial)?;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    day.and_hms_opt(0, 0, 0)?
        .checked_add_signed(TimeDelta::seconds(seconds))
}

fn parse_date_text(s: &str) -> Option<DateOrMonth> {
    let s: String = s
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' | '．' | '－' => '-',
            '日' => ' ',
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let s = s.trim().trim_end_matches('-');
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok().map(Ok);
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(Ok(d));
    }
    let (y, m) = s.split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    ((1900..=9999).contains(&y) && (1..=12).contains(&m)).then_some(Err((y, m)))
}

fn read_gender(v: &str) -> Option<Gender> {
    match v.to_ascii_lowercase().as_str() {
        "男" | "male" | "m" => Some(Gender::Male),
        "女" | "female" | "f" => Some(Gender::Female),
        _ => None,
    }
}

/// A care tag by its Chinese label or its code.
fn read_tag(v: &str) -> Option<CareTag> {
    CareTag::ALL
        .iter()
        .copied()
        .find(|t| t.label_zh() == v)
        .or_else(|| CareTag::parse(v))
}

/// The party category of a 政治面貌/党员类别 cell: `Ok(None)` for someone who is not a
/// party member (群众, 共青团员), an error for a member whose category is not said.
fn read_party_category(v: &str) -> Result<Option<PartyCategory>, String> {
    let v = v.trim();
    if let Some(c) = PartyCategory::ALL
        .iter()
        .copied()
        .find(|c| c.label_zh() == v || c.code() == v)
    {
        return Ok(Some(c));
    }
    match v {
        "在册党员" => Ok(Some(PartyCategory::Registered)),
        "在职报到党员" | "在职党员" => Ok(Some(PartyCategory::InService)),
        "两新" | "两新党员" | "两新组织党员" => Ok(Some(PartyCategory::NewOrg)),
        "流动党员" => Ok(Some(PartyCategory::Floating)),
        "群众" | "共青团员" | "团员" | "无" | "非党员" => Ok(None),
        // A member, but how they belong here is what the register needs and only the
        // station knows it: the row waits for it rather than guessing 在册.
        "中共党员" | "党员" | "中共预备党员" | "预备党员" => {
            Err("请填写党员类别：在册、在职报到、两新组织或流动".into())
        }
        _ => Err(format!(
            "未知的党员类别「{}」，可选：在册、在职报到、两新组织、流动（非党员留空或填「群众」）",
            short(v)
        )),
    }
}

/// A cell's text for `field`; an Excel error value is reported, not imported.
fn text<'c>(
    cell: impl Fn(Field) -> &'c Cell,
    f: Field,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match cell(f) {
        Cell::Error(e) => {
            errors.push(FieldError::new(
                f.code(),
                format!("单元格是 Excel 错误值 {e}，请改为实际内容"),
            ));
            None
        }
        c => c.text(),
    }
}

fn read_row(cells: &[Cell], mapping: &Mapping, ctx: &Context) -> Result<Person, Vec<FieldError>> {
    let empty = Cell::Empty;
    let cell = |f: Field| -> &Cell {
        mapping
            .get(&f)
            .and_then(|&i| cells.get(i))
            .unwrap_or(&empty)
    };
    let mut errors: Vec<FieldError> = Vec::new();
    let name = text(cell, Field::Name, &mut errors).unwrap_or_default();
    let phone = text(cell, Field::Phone, &mut errors);
    let id_number = match cell(Field::IdNumber) {
        // 18 digits are more than a spreadsheet number holds: the last ones are gone.
        Cell::Number(n) if n.abs() >= 1e15 => {
            errors.push(FieldError::new(
                "id_number",
                "身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为文本格式后重新填写",
            ));
            None
        }
        _ => text(cell, Field::IdNumber, &mut errors),
    };
    let address = text(cell, Field::Address, &mut errors);
    let gender = text(cell, Field::Gender, &mut errors).and_then(|v| {
        let g = read_gender(&v);
        if g.is_none() {
            errors.push(FieldError::new("gender", "性别应为「男」或「女」"));
        }
        g
    });
    let org_unit_id = match text(cell, Field::OrgUnit, &mut errors) {
        None => ctx.default_node,
        Some(v) => resolve_node(ctx.nodes, &v).unwrap_or_else(|m| {
            errors.push(FieldError::new("org_unit", m));
            ctx.default_node
        }),
    };
    let mut tags = Vec::new();
    if let Some(v) = text(cell, Field::Tags, &mut errors) {
        for t in v
            .split([',', '，', '、', ';', '；', '/', ' ', '　'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            match read_tag(t) {
                Some(tag) => tags.push(tag.code().to_string()),
                None => errors.push(FieldError::new(
                    "tags",
                    format!(
                        "未知的人员类别「{}」，可选：{}",
                        short(t),
                        CareTag::ALL
                            .iter()
                            .map(|t| t.label_zh())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                )),
            }
        }
    }
    let birth = match read_date(cell(Field::BirthDate)) {
        Ok(d) => d,
        Err(m) => {
            errors.push(FieldError::new("birth_date", m));
            None
        }
    };
    let birth_date = match birth {
        None => None,
        Some(Ok(d)) => Some(d),
        // 「1950年1月」 with an ID number of that month: the ID number has the day.
        Some(Err((y, m))) => match id_number.as_deref().and_then(birth_date_from_id) {
            Some(d) if d.year() == y && d.month() == m => Some(d),
            _ => {
                errors.push(FieldError::new(
                    "birth_date",
                    "出生日期请填写到日，如 1950-01-31",
                ));
                None
            }
        },
    };
    let joined_on = match read_date(cell(Field::PartyJoinedOn)) {
        Ok(None) => None,
        Ok(Some(Ok(d))) => Some(d),
        // Party records often give the joining month only; the register keeps a date,
        // so the month is kept as its first day.
        Ok(Some(Err((y, m)))) => NaiveDate::from_ymd_opt(y, m, 1),
        Err(m) => {
            errors.push(FieldError::new("party.joined_on", m));
            None
        }
    };
    let branch = text(cell, Field::PartyBranch, &mut errors);
    let category =
        match text(cell, Field::PartyCategory, &mut errors).map(|v| read_party_category(&v)) {
            None => None,
            Some(Ok(c)) => c,
            Some(Err(m)) => {
                errors.push(FieldError::new("party.category", m));
                None
            }
        };
    let party = match category {
        Some(category) => Some(PartyProfile {
            category,
            joined_on,
            branch,
        }),
        None if (joined_on.is_some() || branch.is_some())
            && !errors.iter().any(|e| e.field == "party.category") =>
        {
            errors.push(FieldError::new(
                "party.category",
                "填写了入党时间或所在支部，请同时填写党员类别",
            ));
            None
        }
        None => None,
    };
    let draft = PersonDraft {
        name,
        phone,
        id_number,
        gender,
        birth_date,
        org_unit_id,
        address,
        tags,
        party,
    };
    match draft.validate(ctx.today) {
        Ok(p) if errors.is_empty() => Ok(p),
        Ok(_) => Err(errors),
        Err(more) => {
            // A field already reported (an unreadable cell) is not reported twice.
            for e in more {
                if !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
            Err(errors)
        }
    }
}

/// People already on the register, by the keys a duplicate is found by.
#[derive(Debug, Clone, Default)]
pub struct Existing {
    pub id_numbers: HashSet<String>,
    /// (name, phone), both as stored.
    pub name_phones: HashSet<(String, String)>,
}

/// Rows that repeat an earlier row of the file or a person on the register: the same ID
/// number, or the same name and phone.
pub fn duplicates(people: &[(u32, Person)], existing: &Existing) -> Vec<RowError> {
    let mut by_id: HashMap<&str, u32> = HashMap::new();
    let mut by_name_phone: HashMap<(&str, &str), u32> = HashMap::new();
    let mut errors = Vec::new();
    for (row, p) in people {
        let err = |field: &str, message: String| RowError {
            row: *row,
            field: field.into(),
            message,
        };
        if let Some(id) = p.id_number.as_deref() {
            if existing.id_numbers.contains(id) {
                errors.push(err("id_number", "人员档案中已有此身份证号的人员".into()));
                continue;
            }
            if let Some(first) = by_id.get(id) {
                errors.push(err("id_number", format!("与第 {first} 行的身份证号相同")));
                continue;
            }
            by_id.insert(id, *row);
        }
        if let Some(phone) = p.phone.as_deref() {
            let key = (p.name.as_str(), phone);
            if existing
                .name_phones
                .contains(&(p.name.clone(), phone.to_string()))
            {
                errors.push(err("name", "人员档案中已有同名同电话的人员".into()));
                continue;
            }
            match by_name_phone.get(&key) {
                Some(first) => errors.push(err("name", format!("与第 {first} 行的姓名和电话相同"))),
                None => {
                    by_name_phone.insert(key, *row);
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert!(resolve_node(&n, "一网格").unwrap_err().contains("编码"));
        assert!(resolve_node(&n, "仓桥居民区")
            .unwrap_err()
            .contains("管辖范围"));
        assert!(resolve_node(&n, "310117002001")
            .unwrap_err()
            .contains("管辖范围"));
        assert!(resolve_node(&n, "黄浦区").unwrap_err().contains("未知"));
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
}
