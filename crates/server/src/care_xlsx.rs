//! The care registers as Excel workbooks, headers in Chinese (they are the records a
//! station keeps and shows its auditors): the aid fund's ledger (助困基金台账), the love
//! supermarket's monthly statement (爱心超市月度台账), the care register (关爱名册), the
//! visit log (走访记录), the micro-wishes (微心愿) and in-service members' service (在职党员). Recipients are named (the register says who received what); the
//! fund and the supermarket write no phone or ID number, the care register the phone as
//! the reader's role may see it.

use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use suqiu_core::display;
use suqiu_core::fund::yuan;
use suqiu_store::care::CareEntry;
use suqiu_store::fund::Entry;
use suqiu_store::service::{Registration, ServiceSummary};
use suqiu_store::supermarket::Statement;
use suqiu_store::visits::Visit;
use suqiu_store::wishes::Wish;

use crate::xlsx::{self, header_row, BOLD};

const LEDGER_HEADERS: &[(&str, f64)] = &[
    ("编号", 8.0),
    ("登记时间", 20.0),
    ("类型", 10.0),
    ("状态", 8.0),
    ("金额（元）", 12.0),
    ("收支（元）", 12.0),
    ("受助人", 10.0),
    ("关联诉求", 22.0),
    ("冲正记录", 9.0),
    ("被冲正", 8.0),
    ("划拨对方", 16.0),
    ("审批层级", 9.0),
    ("经办人", 10.0),
    ("审批人", 10.0),
    ("审批时间", 20.0),
    ("说明", 40.0),
];

/// The ledger of one fund, oldest entry first, with the balance in the title.
pub fn fund_ledger(
    unit_name: &str,
    balance_cents: i64,
    entries: &[Entry],
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("基金台账")?;
    ws.write_string_with_format(0, 0, format!("{unit_name} 助困基金台账"), &BOLD)?;
    ws.write_string(
        1,
        0,
        format!(
            "当前余额 {} · 生成时间 {}",
            yuan(balance_cents),
            display::time(generated)
        ),
    )?;
    header_row(ws, 3, LEDGER_HEADERS)?;
    for (i, e) in entries.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_number(row, 0, e.id as f64)?;
        xlsx::time(ws, row, 1, e.created_at)?;
        ws.write_string(row, 2, e.kind.label_zh())?;
        ws.write_string(row, 3, e.status.label_zh())?;
        xlsx::money(ws, row, 4, e.amount_cents)?;
        xlsx::money(ws, row, 5, e.delta_cents)?;
        let texts: [(u16, String); 9] = [
            (
                6,
                e.person
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
            ),
            (7, e.appeal_tracking_code.clone().unwrap_or_default()),
            (8, e.reverses.map(|r| r.to_string()).unwrap_or_default()),
            (9, e.reversed_by.map(|r| r.to_string()).unwrap_or_default()),
            (
                10,
                e.counterpart
                    .as_ref()
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
            ),
            (
                11,
                suqiu_core::fund::level_label(e.approval_level).to_string(),
            ),
            (12, e.created_by.name.clone()),
            (
                13,
                e.decided_by
                    .as_ref()
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
            ),
            (
                15,
                match &e.decision_note {
                    Some(reason) => format!("{}（{}）", e.note, reason),
                    None => e.note.clone(),
                },
            ),
        ];
        for (col, text) in texts {
            ws.write_string(row, col, text)?;
        }
        xlsx::time(ws, row, 14, e.decided_at)?;
    }
    ws.set_freeze_panes(4, 0)?;
    book.save_to_buffer()
}

/// The month of one supermarket: a sheet of items (opening, in, out, closing) and a sheet
/// of every movement.
pub fn supermarket_statement(
    st: &Statement,
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("库存汇总")?;
    ws.write_string_with_format(
        0,
        0,
        format!("{} 爱心超市 {} 月度台账", st.unit.name, st.month),
        &BOLD,
    )?;
    ws.write_string(1, 0, format!("生成时间 {}", display::time(generated)))?;
    header_row(
        ws,
        3,
        &[
            ("物品", 20.0),
            ("单位", 6.0),
            ("月初库存", 10.0),
            ("本月入库", 10.0),
            ("本月发放", 10.0),
            ("月末库存", 10.0),
        ],
    )?;
    for (i, (item, m)) in st.items.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_string(row, 0, &item.name)?;
        ws.write_string(row, 1, &item.unit)?;
        for (col, n) in [
            (2, m.opening),
            (3, m.stock_in),
            (4, m.handed_out),
            (5, m.closing()),
        ] {
            ws.write_number(row, col, n as f64)?;
        }
    }
    let ws = book.add_worksheet();
    ws.set_name("出入库明细")?;
    header_row(
        ws,
        0,
        &[
            ("时间", 20.0),
            ("物品", 20.0),
            ("数量", 8.0),
            ("结存", 8.0),
            ("领取人", 10.0),
            ("经办人", 10.0),
            ("说明", 40.0),
        ],
    )?;
    for (i, m) in st.movements.iter().enumerate() {
        let row = 1 + i as u32;
        xlsx::time(ws, row, 0, m.created_at)?;
        ws.write_string(row, 1, format!("{}（{}）", m.item_name, m.unit))?;
        ws.write_number(row, 2, m.quantity as f64)?;
        ws.write_number(row, 3, m.stock_after as f64)?;
        ws.write_string(
            row,
            4,
            m.person.as_ref().map(|p| p.name.as_str()).unwrap_or(""),
        )?;
        ws.write_string(row, 5, &m.created_by.name)?;
        ws.write_string(row, 6, &m.note)?;
    }
    ws.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

/// The care register (关爱名册) as the reader may see it (the entries as `app::care::register`
/// shows them): tags, level, last and next visit, phone masked for roles that may not see
/// it, no care notes (they stay on the pages of those who need them).
pub fn care_register(
    unit_name: &str,
    entries: &[CareEntry],
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("关爱名册")?;
    ws.write_string_with_format(0, 0, format!("{unit_name} 关爱名册"), &BOLD)?;
    ws.write_string(1, 0, format!("生成时间 {}", display::time(generated)))?;
    header_row(
        ws,
        3,
        &[
            ("档案编号", 9.0),
            ("姓名", 10.0),
            ("出生日期", 12.0),
            ("联系电话", 14.0),
            ("住址", 24.0),
            ("人员类别", 22.0),
            ("关爱等级", 10.0),
            ("最近走访", 20.0),
            ("下次走访", 12.0),
            ("走访状态", 9.0),
            ("走访规则", 18.0),
        ],
    )?;
    for (i, e) in entries.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_number(row, 0, e.person_id as f64)?;
        let tags: Vec<&str> = e.tags.iter().map(|t| t.label_zh()).collect();
        let texts: [(u16, String); 7] = [
            (1, e.name.clone()),
            (3, e.phone.clone().unwrap_or_default()),
            (4, e.address.clone().unwrap_or_default()),
            (5, tags.join("、")),
            (6, e.level.map(|l| l.label_zh()).unwrap_or("").into()),
            (9, e.next.map(|n| n.status.label_zh()).unwrap_or("").into()),
            (10, e.next.map(|n| n.rule.label_zh()).unwrap_or_default()),
        ];
        for (col, text) in texts {
            ws.write_string(row, col, text)?;
        }
        xlsx::date(ws, row, 2, e.birth_date)?;
        xlsx::time(ws, row, 7, e.last_visit)?;
        xlsx::date(ws, row, 8, e.next.and_then(|n| n.due_on))?;
    }
    ws.set_freeze_panes(4, 0)?;
    book.save_to_buffer()
}

/// The visit log (走访记录) of a period, oldest visit first.
pub fn visit_log(
    unit_name: &str,
    from: NaiveDate,
    to: NaiveDate,
    visits: &[Visit],
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("走访记录")?;
    ws.write_string_with_format(0, 0, format!("{unit_name} 走访记录 {from} 至 {to}"), &BOLD)?;
    ws.write_string(
        1,
        0,
        format!(
            "共 {} 次 · 生成时间 {}",
            visits.len(),
            display::time(generated)
        ),
    )?;
    header_row(
        ws,
        3,
        &[
            ("走访时间", 20.0),
            ("走访对象", 10.0),
            ("档案编号", 9.0),
            ("走访人", 10.0),
            ("走访情况", 50.0),
            ("后续跟进", 30.0),
            ("当场登记诉求", 22.0),
        ],
    )?;
    for (i, v) in visits.iter().rev().enumerate() {
        let row = 4 + i as u32;
        xlsx::time(ws, row, 0, v.visited_at)?;
        ws.write_string(row, 1, &v.person_name)?;
        ws.write_number(row, 2, v.person_id as f64)?;
        ws.write_string(row, 3, &v.visitor_name)?;
        ws.write_string(row, 4, &v.note)?;
        ws.write_string(row, 5, v.follow_up.as_deref().unwrap_or(""))?;
        ws.write_string(row, 6, v.appeal_tracking_code.as_deref().unwrap_or(""))?;
    }
    ws.set_freeze_panes(4, 0)?;
    book.save_to_buffer()
}

/// The micro-wishes (微心愿台账) of a station or street, newest first: who wished for what,
/// who took it on and how it ended. For staff: the wisher's name in full, no phone.
pub fn wishes(
    unit_name: &str,
    wishes: &[Wish],
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("微心愿")?;
    ws.write_string_with_format(0, 0, format!("{unit_name} 微心愿台账"), &BOLD)?;
    ws.write_string(
        1,
        0,
        format!(
            "共 {} 条 · 生成时间 {}",
            wishes.len(),
            display::time(generated)
        ),
    )?;
    header_row(
        ws,
        3,
        &[
            ("编号", 8.0),
            ("登记时间", 20.0),
            ("心愿人", 10.0),
            ("所属", 14.0),
            ("心愿", 36.0),
            ("估价（元）", 11.0),
            ("期望日期", 12.0),
            ("状态", 8.0),
            ("认领人", 10.0),
            ("认领时间", 20.0),
            ("实现时间", 20.0),
            ("实现情况", 30.0),
            ("确认/取消人", 11.0),
            ("确认/取消时间", 20.0),
        ],
    )?;
    for (i, w) in wishes.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_number(row, 0, w.id as f64)?;
        xlsx::time(ws, row, 1, w.created_at)?;
        ws.write_string(row, 2, &w.person.name)?;
        ws.write_string(row, 3, &w.org_unit_name)?;
        ws.write_string(row, 4, &w.wish)?;
        if let Some(c) = w.estimated_cents {
            xlsx::money(ws, row, 5, c)?;
        }
        xlsx::date(ws, row, 6, w.deadline)?;
        ws.write_string(row, 7, w.status.label_zh())?;
        ws.write_string(
            row,
            8,
            w.claimed_by.as_ref().map(|n| n.name.as_str()).unwrap_or(""),
        )?;
        xlsx::time(ws, row, 9, w.claimed_at)?;
        xlsx::time(ws, row, 10, w.fulfilled_at)?;
        ws.write_string(row, 11, w.fulfil_note.as_deref().unwrap_or(""))?;
        ws.write_string(
            row,
            12,
            w.closed_by.as_ref().map(|n| n.name.as_str()).unwrap_or(""),
        )?;
        xlsx::time(ws, row, 13, w.closed_at)?;
    }
    ws.set_freeze_panes(4, 0)?;
    book.save_to_buffer()
}

/// In-service party members' service (在职党员服务台账) over a period: hours by member and by
/// post, and every registration with its posts and hours so far.
pub fn service(
    summary: &ServiceSummary,
    registrations: &[Registration],
    generated: DateTime<Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("服务时长")?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{} 在职党员服务时长 {} 至 {}",
            summary.unit.name, summary.from, summary.to
        ),
        &BOLD,
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "合计 {} 小时 · 生成时间 {}",
            hours(summary.total_tenths),
            display::time(generated)
        ),
    )?;
    header_row(
        ws,
        3,
        &[
            ("党员", 12.0),
            ("报到社区", 16.0),
            ("服务时长（小时）", 16.0),
            ("记录次数", 10.0),
        ],
    )?;
    for (i, m) in summary.members.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_string(row, 0, &m.person.name)?;
        ws.write_string(row, 1, &m.org_unit_name)?;
        ws.write_number(row, 2, hours(m.tenths))?;
        ws.write_number(row, 3, m.entries as f64)?;
    }
    let ws = book.add_worksheet();
    ws.set_name("服务岗位")?;
    header_row(
        ws,
        0,
        &[
            ("岗位", 14.0),
            ("社区", 16.0),
            ("服务时长（小时）", 16.0),
            ("参与人数", 10.0),
        ],
    )?;
    for (i, p) in summary.posts.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &p.post.name)?;
        ws.write_string(row, 1, &p.org_unit_name)?;
        ws.write_number(row, 2, hours(p.tenths))?;
        ws.write_number(row, 3, p.members as f64)?;
    }
    registrations_sheet(book.add_worksheet(), registrations)?;
    book.save_to_buffer()
}

/// Service hours in the workbook: tenths of an hour as hours.
fn hours(tenths: i64) -> f64 {
    tenths as f64 / 10.0
}

/// 报到名册: every registration with its posts and hours so far.
fn registrations_sheet(
    ws: &mut Worksheet,
    registrations: &[Registration],
) -> Result<(), XlsxError> {
    ws.set_name("报到名册")?;
    header_row(
        ws,
        0,
        &[
            ("党员", 12.0),
            ("报到社区", 16.0),
            ("报到日期", 12.0),
            ("服务岗位", 30.0),
            ("累计时长（小时）", 16.0),
        ],
    )?;
    for (i, r) in registrations.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &r.person.name)?;
        ws.write_string(row, 1, &r.org_unit_name)?;
        xlsx::date(ws, row, 2, r.registered_on)?;
        let posts: Vec<&str> = r.posts.iter().map(|p| p.name.as_str()).collect();
        ws.write_string(row, 3, posts.join("、"))?;
        ws.write_number(row, 4, hours(r.total_tenths))?;
    }
    Ok(())
}
