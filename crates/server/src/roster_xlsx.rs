//! Rosters as Excel workbooks: reading the first sheet of an uploaded roster (花名册导入),
//! the blank template with the expected headers, and the people register as a workbook
//! (the same headers, so an export can be edited and imported elsewhere).

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use suqiu_core::error::{FieldError, Msg};
use suqiu_core::msg;
use suqiu_core::person::{CareTag, PartyCategory, Person};
use suqiu_core::roster::{excel_date, Cell, Field, Sheet, MAX_COLUMNS, MAX_ROWS};
use suqiu_core::validate::id_check_char;

use crate::routes::people::PersonOut;
use crate::xlsx::{self, header_row, BOLD};

/// Spreadsheet rows read above the data (a title, the headers) before the row limit bites.
const SLACK_ROWS: u32 = 10;

/// Most bytes an uploaded workbook may unpack to. A roster of the largest allowed size is a
/// few megabytes unpacked; a 6 MB upload of repeated text can claim gigabytes, and the
/// reader holds a workbook's shared strings in memory whole.
const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// Why an uploaded roster cannot be read (all about its `file` field).
fn file_error(msg: &Msg) -> FieldError {
    FieldError::new("file", msg)
}

const NOT_XLSX: Msg = msg!(
    "roster_not_xlsx",
    "无法读取文件：请上传 Excel 2007 及以上版本的 .xlsx 文件（.xls 请先另存为 .xlsx）",
    "The file cannot be read: upload an .xlsx file of Excel 2007 or later (save an .xls as .xlsx first)",
);
const UNPACKS_TOO_LARGE: Msg = msg!(
    "roster_unpacks_too_large",
    "文件解压后超过 {mb} MB，不像是花名册：请只保留人员表格后再上传",
    "Unpacked, the file is over {mb} MB, more than a roster: keep only the sheet of people and upload again",
);
const NO_SHEET: Msg = msg!(
    "roster_no_sheet",
    "文件中没有工作表",
    "The file has no sheet"
);
const TOO_MANY_ROWS: Msg = msg!(
    "roster_too_many_rows",
    "文件超过 {max} 行，请按居民区拆分后分批导入",
    "The file has more than {max} rows: split it by community and import the parts one by one",
);
const BAD_CELL: Msg = msg!(
    "roster_bad_cell",
    "第 {row} 行第 {col} 列{what}",
    "Row {row}, column {col}: {what}",
);
const EMPTY_SHEET: Msg = msg!(
    "roster_empty_sheet",
    "工作表是空的：第一行应为表头（姓名、联系电话……）",
    "The sheet is empty: the first row holds the headers (name, phone …)",
);
const NO_ROWS: Msg = msg!(
    "roster_no_rows",
    "表头下面没有数据行",
    "There are no rows under the headers",
);

/// Refuses a workbook whose parts claim to unpack past [`MAX_UNPACKED_BYTES`], before any
/// part is unpacked (the sizes are read from the zip's directory).
fn check_unpacked_size(bytes: &[u8]) -> Result<(), FieldError> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a zip at all: the reader says what is wrong with it.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map(|f| f.size()).unwrap_or(u64::MAX);
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(file_error(&UNPACKS_TOO_LARGE).with("mb", MAX_UNPACKED_BYTES / 1024 / 1024));
    }
    Ok(())
}

fn cell_of(d: DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Bool(b) => Cell::Text(if b { "TRUE" } else { "FALSE" }.into()),
        DataRef::DateTime(dt) if dt.is_datetime() => match excel_date(dt.as_f64()) {
            Some(d) => Cell::Date(d),
            None => Cell::Number(dt.as_f64()),
        },
        DataRef::DateTime(dt) => Cell::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s),
        },
        DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

/// The first sheet of an .xlsx file, or what is wrong with the file (in Chinese, for the
/// person who chose it). A file that would unpack past [`MAX_UNPACKED_BYTES`] is refused
/// first; cells are read one by one and reading stops past the row limit, so an oversized
/// sheet is refused without being held in memory.
pub fn read_roster(bytes: &[u8]) -> Result<Sheet, FieldError> {
    let not_xlsx = |_| file_error(&NOT_XLSX);
    check_unpacked_size(bytes)?;
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(file_error(&NO_SHEET));
    };
    let mut reader = book.worksheet_cells_reader(&name).map_err(not_xlsx)?;
    let too_many = || file_error(&TOO_MANY_ROWS).with("max", MAX_ROWS);
    let mut grid: Vec<Vec<Cell>> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(not_xlsx)? {
        let (row, col) = cell.get_position();
        let value = cell_of(cell.get_value().clone());
        if value == Cell::Empty || col as usize >= MAX_COLUMNS {
            continue;
        }
        if row > MAX_ROWS as u32 + SLACK_ROWS {
            return Err(too_many());
        }
        if let Cell::Text(text) = &value {
            // Excel writes controls as `_x0000_`, which calamine decodes: the one text rule.
            suqiu_core::validate::check_storable("", text).map_err(|e| {
                file_error(&BAD_CELL)
                    .with("row", row + 1)
                    .with("col", col + 1)
                    .with_words("what", &e.message, &e.english)
            })?;
        }
        let (row, col) = (row as usize, col as usize);
        if grid.len() <= row {
            grid.resize_with(row + 1, Vec::new);
        }
        let cells = &mut grid[row];
        if cells.len() <= col {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = value;
    }
    let sheet = Sheet::from_grid(grid);
    if sheet.headers.is_empty() {
        return Err(file_error(&EMPTY_SHEET));
    }
    if sheet.rows.len() > MAX_ROWS {
        return Err(too_many());
    }
    if sheet.rows.is_empty() {
        return Err(file_error(&NO_ROWS));
    }
    Ok(sheet)
}

/// The import template: the expected headers, one example row, the ID and phone columns
/// formatted as text (so Excel keeps all 18 digits), and a sheet on how to fill it in.
pub fn template() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let text = Format::new().set_num_format("@");
    let ws = book.add_worksheet();
    ws.set_name("花名册")?;
    let body = "31011719450312002";
    let example_id = format!("{body}{}", id_check_char(body).unwrap_or('0'));
    for (col, f) in Field::ALL.iter().enumerate() {
        let col = col as u16;
        ws.write_string_with_format(0, col, f.label_zh(), &BOLD)?;
        // Dates as Excel dates, as a station's own roster would have them.
        let (example, width) = match f {
            Field::Name => (Example::Text("王秀英"), 10.0),
            Field::Gender => (Example::Text("女"), 6.0),
            Field::BirthDate => (Example::Date(ymd(1945, 3, 12)), 12.0),
            Field::Phone => (Example::Text("13812345678"), 14.0),
            Field::IdNumber => (Example::Text(&example_id), 21.0),
            Field::Address => (Example::Text("佛字桥小区3号楼201室"), 22.0),
            Field::OrgUnit => (Example::Text("佛字桥居民区"), 16.0),
            Field::Tags => (Example::Text("高龄、独居老人"), 18.0),
            Field::PartyCategory => (Example::Text("在册"), 10.0),
            Field::PartyJoinedOn => (Example::Date(ymd(1972, 7, 1)), 12.0),
            Field::PartyBranch => (Example::Text("佛字桥居民区第一党支部"), 22.0),
        };
        if matches!(f, Field::Phone | Field::IdNumber) {
            ws.set_column_format(col, &text)?;
        }
        match example {
            Example::Text(t) => {
                ws.write_string(1, col, t)?;
            }
            Example::Date(d) => xlsx::date(ws, 1, col, d)?,
        }
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let help = book.add_worksheet();
    help.set_name("填写说明")?;
    help.set_column_width(0, 14.0)?;
    help.set_column_width(1, 90.0)?;
    let tags = CareTag::ALL
        .iter()
        .map(|t| t.label_zh())
        .collect::<Vec<_>>()
        .join("、");
    let parties = PartyCategory::ALL
        .iter()
        .map(|c| c.label_zh())
        .collect::<Vec<_>>()
        .join("、");
    let lines: [(&str, String); 9] = [
        ("姓名", "必填".into()),
        ("性别、出生日期", "可不填：有身份证号时从身份证号读出；填了须与身份证号一致".into()),
        ("联系电话", "手机11位，或区号加号码，如 021-57812345".into()),
        ("身份证号", "18位，校验位须正确；请保持本列为文本格式，否则 Excel 会丢掉末几位".into()),
        ("所属居民区", "居民区或网格的名称或编码；不填则为导入人所在的节点".into()),
        ("人员类别", format!("可填多个，用顿号或逗号分隔：{tags}")),
        ("党员类别", format!("党员填 {parties}；非党员留空（或填「群众」）")),
        ("入党时间", "日期，可只写到月，如 1972-07".into()),
        ("导入规则", format!("第一张工作表，最多 {MAX_ROWS} 行、5 MB；有任何一行出错则全部不导入，请按错误清单改正后重新上传；与档案中已有人员（身份证号相同，或姓名和电话相同）重复的行也算错误")),
    ];
    for (i, (k, v)) in lines.iter().enumerate() {
        help.write_string_with_format(i as u32, 0, *k, &BOLD)?;
        help.write_string(i as u32, 1, v)?;
    }
    book.save_to_buffer()
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A cell of the template's example row.
enum Example<'a> {
    Text(&'a str),
    Date(Option<NaiveDate>),
}

/// The people register as a workbook: the import's headers after a 档案编号 column, phone
/// and ID numbers masked exactly as the register page masks them for the reader.
pub fn people_register(people: &[(Person, String)], reveal: bool) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("人员档案")?;
    let mut columns = vec![("档案编号", 9.0)];
    columns.extend(Field::ALL.iter().map(|f| (f.label_zh(), 14.0)));
    header_row(ws, 0, &columns)?;
    for (i, (p, unit)) in people.iter().enumerate() {
        let row = 1 + i as u32;
        let out = PersonOut::new(p, reveal);
        let party = p.party.as_ref();
        ws.write_number(row, 0, p.id as f64)?;
        // Columns after 档案编号 follow `Field::ALL`; the dates are written below as dates.
        let texts: [(Field, String); 9] = [
            (Field::Name, out.name),
            (
                Field::Gender,
                p.gender.map(|g| g.label_zh()).unwrap_or("").into(),
            ),
            (Field::Phone, out.phone.unwrap_or_default()),
            (Field::IdNumber, out.id_number.unwrap_or_default()),
            (Field::Address, out.address.unwrap_or_default()),
            (Field::OrgUnit, unit.clone()),
            (Field::Tags, out.tag_labels.join("、")),
            (
                Field::PartyCategory,
                party.map(|x| x.category.label_zh()).unwrap_or("").into(),
            ),
            (
                Field::PartyBranch,
                party.and_then(|x| x.branch.clone()).unwrap_or_default(),
            ),
        ];
        for (field, v) in texts {
            ws.write_string(row, column_of(field), v)?;
        }
        xlsx::date(ws, row, column_of(Field::BirthDate), p.birth_date)?;
        let joined = party.and_then(|x| x.joined_on);
        xlsx::date(ws, row, column_of(Field::PartyJoinedOn), joined)?;
    }
    ws.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// The register's column of `field`: after 档案编号, in the order of `Field::ALL`.
fn column_of(field: Field) -> u16 {
    let index = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
    index as u16 + 1
}
