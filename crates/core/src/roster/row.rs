//! One data row of a roster into a person: each cell read as its field needs (dates as
//! rosters write them, genders, care tags, party categories), every problem of the row
//! collected, then the same checks as the API.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use super::{resolve_node, Cell, Context, Field, Mapping};
use crate::error::{FieldError, Msg};
use crate::msg;
use crate::person::{CareTag, Gender, PartyCategory, PartyProfile, Person, PersonDraft};
use crate::validate::birth_date_from_id;

pub(super) fn read_row(
    cells: &[Cell],
    mapping: &Mapping,
    ctx: &Context,
) -> Result<Person, Vec<FieldError>> {
    // The order of the reads is the order the row's errors are listed in.
    let mut row = Row {
        cells,
        mapping,
        errors: Vec::new(),
    };
    let name = row.text(Field::Name).unwrap_or_default();
    let phone = row.text(Field::Phone);
    let id_number = row.id_number();
    let address = row.text(Field::Address);
    let gender = row.gender();
    let org_unit_id = row.org_unit(ctx);
    let tags = row.tags();
    let birth_date = row.birth_date(id_number.as_deref());
    let party = row.party();
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
    row.validated(draft, ctx)
}

/// A row being read: its cells by field, and every problem found so far.
struct Row<'c> {
    cells: &'c [Cell],
    mapping: &'c Mapping,
    errors: Vec<FieldError>,
}

impl<'c> Row<'c> {
    fn cell(&self, f: Field) -> &'c Cell {
        const EMPTY: &Cell = &Cell::Empty;
        self.mapping
            .get(&f)
            .and_then(|&i| self.cells.get(i))
            .unwrap_or(EMPTY)
    }

    fn error(&mut self, field: &str, msg: &Msg) {
        self.errors.push(FieldError::new(field, msg));
    }

    /// A cell's text for `f`; an Excel error value is reported, not imported.
    fn text(&mut self, f: Field) -> Option<String> {
        match self.cell(f) {
            Cell::Error(e) => {
                let error = FieldError::new(
                    f.code(),
                    &msg!(
                        "excel_error_value",
                        "单元格是 Excel 错误值 {value}，请改为实际内容",
                        "The cell holds the Excel error {value}; put the real content in",
                    ),
                );
                self.errors.push(error.with("value", e));
                None
            }
            c => c.text(),
        }
    }

    fn id_number(&mut self) -> Option<String> {
        match self.cell(Field::IdNumber) {
            // 18 digits are more than a spreadsheet number holds: the last ones are gone.
            Cell::Number(n) if n.abs() >= 1e15 => {
                self.error(
                    "id_number",
                    &msg!(
                        "id_number_as_number",
                        "身份证号被 Excel 存成了数字，末几位已丢失；请把该列设为文本格式后重新填写",
                        "Excel stored the ID number as a number and lost its last digits; format the column as text and enter it again"
                    ),
                );
                None
            }
            _ => self.text(Field::IdNumber),
        }
    }

    fn gender(&mut self) -> Option<Gender> {
        let v = self.text(Field::Gender)?;
        let g = read_gender(&v);
        if g.is_none() {
            self.error(
                "gender",
                &msg!(
                    "roster_gender",
                    "性别应为「男」或「女」",
                    "Gender is male or female"
                ),
            );
        }
        g
    }

    /// The node a row names, or the import's default node.
    fn org_unit(&mut self, ctx: &Context) -> crate::Id {
        match self.text(Field::OrgUnit) {
            None => ctx.default_node,
            Some(v) => resolve_node(ctx.nodes, &v).unwrap_or_else(|m| {
                self.errors.push(m.at("org_unit"));
                ctx.default_node
            }),
        }
    }

    /// Care tags as codes, from a list in any of the separators people type.
    fn tags(&mut self) -> Vec<String> {
        let mut tags = Vec::new();
        let Some(v) = self.text(Field::Tags) else {
            return tags;
        };
        for t in v
            .split([',', '，', '、', ';', '；', '/', ' ', '　'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            match read_tag(t) {
                Some(tag) => tags.push(tag.code().to_string()),
                None => self.errors.push(
                    FieldError::new(
                        "tags",
                        &msg!(
                            "roster_tag_unknown",
                            "未知的人员类别「{value}」，可选：{options}",
                            "Unknown category {value}; one of: {options}",
                        ),
                    )
                    .with("value", short(t))
                    .with(
                        "options",
                        CareTag::ALL
                            .iter()
                            .map(|t| t.label_zh())
                            .collect::<Vec<_>>()
                            .join("、"),
                    ),
                ),
            }
        }
        tags
    }

    fn birth_date(&mut self, id_number: Option<&str>) -> Option<NaiveDate> {
        let birth = match read_date(self.cell(Field::BirthDate)) {
            Ok(d) => d,
            Err(m) => {
                self.errors.push(m.at("birth_date"));
                None
            }
        };
        match birth {
            None => None,
            Some(Ok(d)) => Some(d),
            // 「1950年1月」 with an ID number of that month: the ID number has the day.
            Some(Err((y, m))) => match id_number.and_then(birth_date_from_id) {
                Some(d) if d.year() == y && d.month() == m => Some(d),
                _ => {
                    self.error(
                        "birth_date",
                        &msg!(
                            "birth_date_day",
                            "出生日期请填写到日，如 1950-01-31",
                            "Give the birth date to the day, e.g. 1950-01-31"
                        ),
                    );
                    None
                }
            },
        }
    }

    /// The party profile: a category, and the joining date and branch if given.
    fn party(&mut self) -> Option<PartyProfile> {
        let joined_on = match read_date(self.cell(Field::PartyJoinedOn)) {
            Ok(None) => None,
            Ok(Some(Ok(d))) => Some(d),
            // Party records often give the joining month only; the register keeps a date,
            // so the month is kept as its first day.
            Ok(Some(Err((y, m)))) => NaiveDate::from_ymd_opt(y, m, 1),
            Err(m) => {
                self.errors.push(m.at("party.joined_on"));
                None
            }
        };
        let branch = self.text(Field::PartyBranch);
        let category = match self
            .text(Field::PartyCategory)
            .map(|v| read_party_category(&v))
        {
            None => None,
            Some(Ok(c)) => c,
            Some(Err(m)) => {
                self.errors.push(m.at("party.category"));
                None
            }
        };
        match category {
            Some(category) => Some(PartyProfile {
                category,
                joined_on,
                branch,
            }),
            None if (joined_on.is_some() || branch.is_some())
                && !self.errors.iter().any(|e| e.field == "party.category") =>
            {
                self.error(
                    "party.category",
                    &msg!(
                        "party_category_needed",
                        "填写了入党时间或所在支部，请同时填写党员类别",
                        "With a joining date or branch, give the member category too"
                    ),
                );
                None
            }
            None => None,
        }
    }

    /// The person if the row has no problem at all, else every problem of the row.
    fn validated(mut self, draft: PersonDraft, ctx: &Context) -> Result<Person, Vec<FieldError>> {
        match draft.validate(ctx.today) {
            Ok(p) if self.errors.is_empty() => Ok(p),
            Ok(_) => Err(self.errors),
            Err(more) => {
                // A field already reported (an unreadable cell) is not reported twice.
                for e in more {
                    if !self.errors.iter().any(|x| x.field == e.field) {
                        self.errors.push(e);
                    }
                }
                Err(self.errors)
            }
        }
    }
}

pub(super) fn short(v: &str) -> String {
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
/// The error names no field (`""`): the caller says which ([`FieldError::at`]).
pub(super) fn read_date(cell: &Cell) -> Result<Option<DateOrMonth>, FieldError> {
    const SHAPE: Msg = Msg::new(
        "roster_date_shape",
        "日期格式应为 YYYY-MM-DD（如 1950-01-31）",
        "A date is written YYYY-MM-DD (e.g. 1950-01-31)",
    );
    let bad = || FieldError::new("", &SHAPE);
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(Ok(*d))),
        // A day number typed into a cell not formatted as a date.
        Cell::Number(n) if n.fract() == 0.0 && (61.0..=2_958_465.0).contains(n) => {
            Ok(Some(Ok(excel_date(*n).ok_or_else(bad)?)))
        }
        Cell::Number(n) if n.fract() == 0.0 => parse_date_text(&format!("{}", *n as i64))
            .map(Some)
            .ok_or_else(bad),
        Cell::Text(s) if s.trim().is_empty() => Ok(None),
        Cell::Text(s) => parse_date_text(s.trim()).map(Some).ok_or_else(bad),
        Cell::Error(e) => Err(FieldError::new(
            "",
            &msg!(
                "excel_error_date",
                "单元格是 Excel 错误值 {value}，请改为实际日期",
                "The cell holds the Excel error {value}; put the real date in",
            ),
        )
        .with("value", e)),
        _ => Err(bad()),
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
/// The error names no field (`""`): the caller says which ([`FieldError::at`]).
fn read_party_category(v: &str) -> Result<Option<PartyCategory>, FieldError> {
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
            Err(FieldError::new(
                "",
                &msg!(
                    "party_category_needed_for_member",
                    "请填写党员类别：在册、在职报到、两新组织或流动",
                    "Give the member category: registered, in service, new organisation or floating",
                ),
            ))
        }
        _ => Err(FieldError::new(
            "",
            &msg!(
                "party_category_unknown",
                "未知的党员类别「{value}」，可选：在册、在职报到、两新组织、流动（非党员留空或填「群众」）",
                "Unknown member category {value}; one of registered, in service, new organisation, floating (blank for a non-member)",
            ),
        )
        .with("value", short(v))),
    }
}
