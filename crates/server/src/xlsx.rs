//! What every workbook Suqiu writes shares: bold Chinese headers with their widths, times,
//! dates and deadlines as **real Excel dates** (numbers with a date format, so a column sorts,
//! filters by month and subtracts — never ISO text), sums of money, and the download.
//!
//! Times are Shanghai wall-clock time (Excel has no time zones; everyone reading a Suqiu
//! workbook is in UTC+8). A deadline follows the rule of every page
//! ([`suqiu_core::display::LocalDeadline`]): one at local midnight is written as 24:00 of the
//! day before.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Worksheet, XlsxError};
use suqiu_core::calendar::shanghai;
use suqiu_core::display::{self, LocalDeadline};

use crate::problem::{ApiResult, Problem};

/// The MIME type of an .xlsx file.
pub(crate) const CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Titles and headers.
pub(crate) static BOLD: LazyLock<Format> = LazyLock::new(|| Format::new().set_bold());
static TIME: LazyLock<Format> = LazyLock::new(|| Format::new().set_num_format("yyyy-mm-dd hh:mm"));
/// Logs where the second matters (who read what, when).
static STAMP: LazyLock<Format> =
    LazyLock::new(|| Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"));
static DATE: LazyLock<Format> = LazyLock::new(|| Format::new().set_num_format("yyyy-mm-dd"));
/// A deadline at the end of a day. Excel cannot show a time of 24:00, and the true instant
/// (00:00 of the next day) would print the next day's date, so the cell holds 23:59:59 of the
/// day and shows it as `2026-11-30 24:00`: it sorts between that day's clock-time deadlines
/// and the next day's, a date filter puts it on its own day, and a reader who changes the
/// column's format sees a moment one second before the true limit rather than a day early
/// (which a bare date at 00:00 would show).
static END_OF_DAY: LazyLock<Format> =
    LazyLock::new(|| Format::new().set_num_format("yyyy-mm-dd\" 24:00\""));
static MONEY: LazyLock<Format> = LazyLock::new(|| Format::new().set_num_format("#,##0.00"));

/// A header cell: a title, with or without a column width.
pub(crate) trait Column {
    fn title(&self) -> &str;
    fn width(&self) -> Option<f64>;
}

impl Column for &str {
    fn title(&self) -> &str {
        self
    }
    fn width(&self) -> Option<f64> {
        None
    }
}

impl Column for (&str, f64) {
    fn title(&self) -> &str {
        self.0
    }
    fn width(&self) -> Option<f64> {
        Some(self.1)
    }
}

/// A row of bold headers from column A, setting the widths given.
pub(crate) fn header_row<C: Column>(
    ws: &mut Worksheet,
    row: u32,
    columns: &[C],
) -> Result<(), XlsxError> {
    for (col, c) in columns.iter().enumerate() {
        let col = col as u16;
        ws.write_string_with_format(row, col, c.title(), &BOLD)?;
        if let Some(width) = c.width() {
            ws.set_column_width(col, width)?;
        }
    }
    Ok(())
}

fn excel(local: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    let (d, t) = (local.date(), local.time());
    let year = u16::try_from(d.year())
        .map_err(|_| XlsxError::DateTimeRangeError(format!("year {}", d.year())))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)?.and_hms(
        t.hour() as u16,
        t.minute() as u8,
        t.second(),
    )
}

/// Writes `local` as a date-time in `format`, or — for the rare value Excel cannot hold
/// (before 1900) — as the text a page would show, so one odd record does not fail an export.
fn write_local(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    local: NaiveDateTime,
    format: &Format,
    text: impl FnOnce() -> String,
) -> Result<(), XlsxError> {
    match excel(local) {
        Ok(value) => ws.write_datetime_with_format(row, col, &value, format)?,
        Err(_) => ws.write_string(row, col, text())?,
    };
    Ok(())
}

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&shanghai()).naive_local()
}

/// A moment, to the minute (`yyyy-mm-dd hh:mm`); nothing for `None`.
pub(crate) fn time(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    t: impl Into<Option<DateTime<Utc>>>,
) -> Result<(), XlsxError> {
    match t.into() {
        Some(t) => write_local(ws, (row, col), local(t), &TIME, || display::time(t)),
        None => Ok(()),
    }
}

/// A moment to the second (`yyyy-mm-dd hh:mm:ss`), for logs.
pub(crate) fn stamp(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    t: DateTime<Utc>,
) -> Result<(), XlsxError> {
    write_local(ws, (row, col), local(t), &STAMP, || display::time(t))
}

/// A civil date (`yyyy-mm-dd`); nothing for `None`.
pub(crate) fn date(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: impl Into<Option<NaiveDate>>,
) -> Result<(), XlsxError> {
    match d.into() {
        Some(d) => write_local(ws, (row, col), d.and_time(NaiveTime::MIN), &DATE, || {
            display::date(d)
        }),
        None => Ok(()),
    }
}

/// A deadline: 24:00 of its last day when it ends at midnight (see [`END_OF_DAY`]), a
/// date-time otherwise; nothing for `None`.
pub(crate) fn deadline(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    t: impl Into<Option<DateTime<Utc>>>,
) -> Result<(), XlsxError> {
    let Some(t) = t.into() else {
        return Ok(());
    };
    let shown = || display::deadline(t);
    match LocalDeadline::of(t) {
        LocalDeadline::EndOfDay(day) => {
            let last_second = NaiveTime::from_hms_opt(23, 59, 59).expect("a valid time");
            write_local(
                ws,
                (row, col),
                day.and_time(last_second),
                &END_OF_DAY,
                shown,
            )
        }
        LocalDeadline::At(at) => write_local(ws, (row, col), at, &TIME, shown),
    }
}

/// A sum of money in yuan from cents, with thousands separators.
pub(crate) fn money(ws: &mut Worksheet, row: u32, col: u16, cents: i64) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, col, cents as f64 / 100.0, &MONEY)?;
    Ok(())
}

/// A workbook as a download named `filename` (ASCII: codes and dates only).
pub(crate) fn download(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The API's answer with a workbook `built`: the download, or a 500 problem when it could not
/// be built (the cause logged, with `what` it was).
pub(crate) fn api_download(
    built: Result<Vec<u8>, XlsxError>,
    what: &str,
    filename: &str,
) -> ApiResult<Response> {
    match built {
        Ok(bytes) => Ok(download(bytes, filename)),
        Err(e) => {
            tracing::error!(error = %e, "{what} workbook failed");
            Err(Problem::internal())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use rust_xlsxwriter::Workbook;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// Row 0 of a one-sheet workbook written by `write`, as calamine reads it back.
    fn read_back(write: impl FnOnce(&mut Worksheet) -> Result<(), XlsxError>) -> Vec<Data> {
        let mut book = Workbook::new();
        write(book.add_worksheet()).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut xlsx = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = xlsx.worksheet_range_at(0).unwrap().unwrap();
        range.rows().next().unwrap().to_vec()
    }

    /// A date-time cell as Shanghai wall-clock time, to the second.
    fn as_local(d: &Data) -> NaiveDateTime {
        let Data::DateTime(x) = d else {
            panic!("not a date-time: {d:?}");
        };
        suqiu_core::roster::excel_datetime(x.as_f64()).expect("a date")
    }

    #[test]
    fn times_dates_and_deadlines_are_excel_dates_in_shanghai_time() {
        let row = read_back(|ws| {
            time(ws, 0, 0, utc("2026-11-28T01:30:00Z"))?;
            date(ws, 0, 1, NaiveDate::from_ymd_opt(1945, 3, 12).unwrap())?;
            // 2026-12-02 00:00 in Shanghai: the end of 12-01.
            deadline(ws, 0, 2, utc("2026-12-01T16:00:00Z"))?;
            deadline(ws, 0, 3, utc("2026-12-01T03:15:00Z"))?;
            stamp(ws, 0, 4, utc("2026-11-28T01:30:07Z"))
        });
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(as_local(&row[0]), at("2026-11-28 09:30:00"));
        assert_eq!(as_local(&row[1]), at("1945-03-12 00:00:00"));
        assert_eq!(as_local(&row[2]), at("2026-12-01 23:59:59"));
        assert_eq!(as_local(&row[3]), at("2026-12-01 11:15:00"));
        assert_eq!(as_local(&row[4]), at("2026-11-28 09:30:07"));
    }

    #[test]
    fn nothing_is_written_for_no_value_and_text_for_a_date_excel_cannot_hold() {
        let row = read_back(|ws| {
            ws.write_string(0, 0, "x")?;
            time(ws, 0, 1, None)?;
            date(ws, 0, 2, NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
        });
        assert_eq!(row[1], Data::Empty);
        assert_eq!(row[2], Data::String("1899-12-30".into()));
    }
}
