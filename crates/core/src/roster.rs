//! 花名册导入: reading a roster of people (a station's residents or party members, kept in
//! Excel) into the register. No IO here: the server reads the workbook into a [`Sheet`]
//! and asks the store about the register; this module guesses which column holds what
//! from its Chinese header, turns each row into a person through the same checks as the
//! API ([`PersonDraft::validate`]) and says, row by row, what is wrong.
//!
//! Row numbers are the spreadsheet's own (the header is usually row 1), so the person
//! fixing the file finds the row where Excel shows it.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::msg;
use crate::person::Person;
use crate::{vocabulary, Id};

mod plan;
mod row;

pub use plan::{admit, check, duplicates, keys, Checked, Existing, Keys, Plan};
pub use row::{excel_date, excel_datetime};
use row::{read_row, short};

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
            errors.push(
                FieldError::new(
                    field,
                    &msg!(
                        "roster_no_column",
                        "文件中没有第 {column} 列",
                        "The file has no column {column}"
                    ),
                )
                .with("column", column_letter(col)),
            );
        } else if let Some(other) = used.insert(col, *f) {
            errors.push(
                FieldError::new(
                    field,
                    &msg!(
                        "roster_column_twice",
                        "第 {column} 列已对应「{other}」，一列只能对应一项",
                        "Column {column} is already taken by {other}; a column maps to one field",
                    ),
                )
                .with("column", column_letter(col))
                .with("other", other.code()),
            );
        }
    }
    if !mapping.contains_key(&Field::Name) {
        errors.push(FieldError::new(
            "mapping.name",
            &msg!(
                "roster_name_column",
                "请指定姓名所在的列",
                "Say which column holds the name"
            ),
        ));
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
    /// As [`FieldError`]'s: the code, the Chinese and the English.
    pub code: &'static str,
    pub message: String,
    #[serde(skip)]
    pub english: String,
}

impl RowError {
    pub fn new(row: u32, e: FieldError) -> RowError {
        RowError {
            row,
            field: e.field,
            code: e.code,
            message: e.message,
            english: e.english,
        }
    }

    /// The words in English, or else in Chinese.
    pub fn text(&self, english: bool) -> &str {
        if english {
            &self.english
        } else {
            &self.message
        }
    }

    /// The error without its row.
    pub fn error(&self) -> FieldError {
        FieldError {
            field: self.field.clone(),
            code: self.code,
            message: self.message.clone(),
            english: self.english.clone(),
        }
    }
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
/// The error names no field (`""`): the caller says which ([`FieldError::at`]).
pub fn resolve_node(nodes: &[NodeRef], value: &str) -> Result<Id, FieldError> {
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
        ([], true) => Err(&msg!(
            "node_unknown",
            "未知的居民区或节点「{name}」",
            "Unknown community or unit: {name}"
        )),
        ([], false) => Err(&msg!(
            "node_out_of_scope",
            "「{name}」不在您的管辖范围内",
            "{name} is outside your scope"
        )),
        (_, _) => Err(&msg!(
            "node_ambiguous",
            "有多个名为「{name}」的节点，请填写节点编码",
            "Several units are named {name}; give the unit code",
        )),
    }
    .map_err(|m| FieldError::new("", m).with("name", short(v)))
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
            Err(es) => errors.extend(es.into_iter().map(|e| RowError::new(*row, e))),
        }
    }
    (people, errors)
}

#[cfg(test)]
mod tests;
