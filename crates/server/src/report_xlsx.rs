//! The month-end report as an Excel workbook: 汇总 (summary), 排名 (ranking), 台账 (the
//! ledger of every appeal received in the month) and 超期 (overdue), headers in Chinese.
//! The ledger carries no appellant data: the workbook is passed around offices.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use suqiu_core::{display, figures, ranking};
use suqiu_store::appeals::AppealRecord;

use crate::dto::parse_time;
use crate::routes::reports::{CountOut, MonthlyReportOut};
use crate::xlsx::{self, header_row as header, BOLD};

fn rate(ws: &mut Worksheet, row: u32, col: u16, r: Option<f64>) -> Result<(), XlsxError> {
    match r {
        Some(v) => ws.write_number(row, col, v)?,
        None => ws.write_string(row, col, "—")?,
    };
    Ok(())
}

fn counts(
    ws: &mut Worksheet,
    row: &mut u32,
    title: &str,
    items: &[CountOut],
) -> Result<(), XlsxError> {
    *row += 1;
    ws.write_string_with_format(*row, 0, title, &BOLD)?;
    for item in items {
        *row += 1;
        ws.write_string(*row, 0, &item.name)?;
        ws.write_number(*row, 1, item.count as f64)?;
    }
    *row += 1;
    Ok(())
}

/// The workbook's bytes.
pub fn workbook(
    report: &MonthlyReportOut,
    ledger: &[AppealRecord],
    category_names: &HashMap<&str, &str>,
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();

    summary_sheet(wb.add_worksheet(), report, generated)?;
    ranking_sheet(wb.add_worksheet(), report)?;
    ledger_sheet(wb.add_worksheet(), ledger, category_names, generated)?;
    overdue_sheet(wb.add_worksheet(), report)?;
    wb.save_to_buffer()
}

/// 汇总: the measures with their explanations, the breakdowns and the repeated problems.
fn summary_sheet(
    ws: &mut Worksheet,
    report: &MonthlyReportOut,
    generated: DateTime<Utc>,
) -> Result<(), XlsxError> {
    let m = &report.measures;
    ws.set_name("汇总")?;
    ws.write_string_with_format(
        0,
        0,
        format!("{} {} 月度报表", report.name, report.month),
        &BOLD,
    )?;
    ws.write_string(1, 0, format!("生成时间 {}", display::time(generated)))?;
    let mut row = 3;
    // Labels from core's figure table, the explanation beside each: the workbook is read
    // away from the pages' tooltips.
    for (f, value) in [
        (figures::RECEIVED, m.received),
        (figures::ACCEPTED, m.accepted),
        (figures::RESOLVED, m.resolved),
        (figures::CLOSED, m.closed),
        (figures::FOLLOWED_UP, m.followed_up),
        (figures::SAMPLE, m.response_due),
        (figures::OVERDUE_OPEN, m.overdue_open),
        (figures::OVERDUE_NOW, m.overdue_now),
    ] {
        ws.write_string(row, 0, f.zh)?;
        ws.write_number(row, 1, value as f64)?;
        ws.write_string(row, 2, f.note_zh)?;
        row += 1;
    }
    for (f, value) in [
        (figures::RESPONSE_RATE, m.response_rate),
        (figures::ON_TIME_RATE, m.on_time_rate),
        (figures::RESOLUTION_RATE, m.resolution_rate),
        (figures::SATISFACTION_RATE, m.satisfaction_rate),
        (figures::SCORE, m.score),
    ] {
        ws.write_string(row, 0, f.zh)?;
        rate(ws, row, 1, value)?;
        ws.write_string(row, 2, f.note_zh)?;
        row += 1;
    }
    counts(ws, &mut row, "按类型", &report.by_kind)?;
    counts(ws, &mut row, "按类别", &report.by_category)?;
    counts(ws, &mut row, "按渠道", &report.by_channel)?;
    counts(ws, &mut row, "前五类别", &report.top_categories)?;
    row += 1;
    ws.write_string_with_format(row, 0, "重复问题（同一地点同一类别 ≥ 3 次）", &BOLD)?;
    ws.write_string(
        row,
        1,
        format!(
            "共 {} 处，列出次数最多的 {} 处",
            report.repeated_total,
            report.repeated.len()
        ),
    )?;
    row += 1;
    header(ws, row, &["单位", "地点", "类别", "次数"])?;
    for r in &report.repeated {
        row += 1;
        ws.write_string(row, 0, &r.org_unit_name)?;
        ws.write_string(row, 1, &r.location)?;
        ws.write_string(row, 2, &r.category_name)?;
        ws.write_number(row, 3, r.count as f64)?;
    }
    Ok(())
}

/// 排名: the children by rank.
fn ranking_sheet(ws: &mut Worksheet, report: &MonthlyReportOut) -> Result<(), XlsxError> {
    ws.set_name("排名")?;
    let heads = [
        figures::RANK.zh,
        "单位",
        figures::SCORE.zh,
        figures::SAMPLE.zh,
    ];
    header(ws, 0, &heads)?;
    // Judged units first, by rank (the report's order); the others say why they are unranked.
    for (i, c) in report.children.iter().enumerate() {
        let row = i as u32 + 1;
        match c.rank {
            Some(r) => ws.write_number(row, 0, f64::from(r))?,
            None => ws.write_string(row, 0, ranking::unjudged_zh(c.sample))?,
        };
        ws.write_string(row, 1, &c.name)?;
        rate(ws, row, 2, c.score)?;
        ws.write_number(row, 3, c.sample as f64)?;
    }
    Ok(())
}

/// 台账: every appeal received in the month, times and deadlines as Excel dates.
fn ledger_sheet(
    ws: &mut Worksheet,
    ledger: &[AppealRecord],
    category_names: &HashMap<&str, &str>,
    generated: DateTime<Utc>,
) -> Result<(), XlsxError> {
    ws.set_name("台账")?;
    let titles = [
        "查询码",
        "登记时间",
        "类型",
        "类别",
        "渠道",
        "紧急程度",
        "所属单位",
        "承办单位",
        "状态",
        "标题",
        "地点",
        "响应时限",
        "办结时限",
        "办结时间",
        "办结结果",
        "满意度",
        "是否超期",
    ];
    header(ws, 0, &titles)?;
    for (i, r) in ledger.iter().enumerate() {
        let a = &r.appeal;
        let row = i as u32 + 1;
        let category = category_names
            .get(a.category.as_str())
            .copied()
            .unwrap_or(a.category.as_str());
        let texts: [(u16, &str); 13] = [
            (0, &a.tracking_code),
            (2, a.kind.label_zh()),
            (3, category),
            (4, a.channel.label_zh()),
            (5, a.urgency.label_zh()),
            (6, &r.org_unit_name),
            (7, &r.handling_org_unit_name),
            (8, a.status.label_zh()),
            (9, a.title.as_deref().unwrap_or("")),
            (10, a.location.as_deref().unwrap_or("")),
            (14, a.resolution.map(|x| x.label_zh()).unwrap_or("")),
            (15, a.satisfaction.map(|x| x.label_zh()).unwrap_or("")),
            (
                16,
                if a.is_overdue(generated) {
                    "是"
                } else {
                    "否"
                },
            ),
        ];
        for (col, v) in texts {
            ws.write_string(row, col, v)?;
        }
        xlsx::time(ws, row, 1, a.created_at)?;
        xlsx::deadline(ws, row, 11, a.respond_by)?;
        xlsx::deadline(ws, row, 12, a.resolve_by)?;
        xlsx::time(ws, row, 13, a.resolved_at)?;
    }
    Ok(())
}

/// 超期: the month's appeals open past their deadline now.
fn overdue_sheet(ws: &mut Worksheet, report: &MonthlyReportOut) -> Result<(), XlsxError> {
    ws.set_name("超期")?;
    header(
        ws,
        0,
        &["查询码", "标题", "类别", "状态", "承办单位", "时限"],
    )?;
    for (i, o) in report.overdue.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &o.tracking_code)?;
        ws.write_string(row, 1, o.title.as_deref().unwrap_or(""))?;
        ws.write_string(row, 2, &o.category_name)?;
        ws.write_string(row, 3, &o.status)?;
        ws.write_string(row, 4, &o.handling_org_unit_name)?;
        // The report's rows are the API's shape, whose times are RFC 3339 text.
        xlsx::deadline(ws, row, 5, o.deadline.as_deref().and_then(parse_time))?;
    }
    Ok(())
}
