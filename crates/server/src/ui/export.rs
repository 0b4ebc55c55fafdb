//! The 台账: the appeal list as an Excel file, exactly the rows the same filter shows (all
//! pages of it), with Chinese headers whatever the page language (it is the record kept).

use axum::extract::State;
use rust_xlsxwriter::{Workbook, XlsxError};
use suqiu_store::appeals::AppealRecord;

use super::appeals::{appellant_name, appellant_phone, category_label, ui_filter, with_search};
use super::download::{self, every_page};
use super::i18n::Lang;
use super::{fail, PageResult, Session};
use crate::extract::Params;
use crate::scope::filter_node_in_scope;
use crate::state::AppState;
use crate::xlsx;

/// Most rows one export holds; a larger list must be narrowed first (a district's full
/// history belongs in a backup, not a spreadsheet).
pub(crate) const MAX_ROWS: usize = 10_000;

const HEADERS: &[(&str, f64)] = &[
    ("查询码", 22.0),
    ("登记时间", 17.0),
    ("状态", 9.0),
    ("类型", 7.0),
    ("分类", 16.0),
    ("紧急程度", 9.0),
    ("来源渠道", 9.0),
    ("所属节点", 16.0),
    ("承办单位", 16.0),
    ("承办人", 10.0),
    ("转办部门", 14.0),
    ("诉求人", 10.0),
    ("电话", 14.0),
    ("标题", 24.0),
    ("诉求内容", 50.0),
    ("地点", 16.0),
    ("响应时限", 17.0),
    ("办结时限", 17.0),
    ("是否超期", 9.0),
    ("办结结果", 10.0),
    ("满意度", 10.0),
];

pub(crate) async fn export(
    State(state): State<AppState>,
    s: Session,
    params: Params,
) -> PageResult {
    let lang = s.lang;
    let params = with_search(&state, &s, &params).await.map_err(fail(lang))?;
    let filter = ui_filter(&state, &s.actor, &params).map_err(fail(lang))?;
    filter_node_in_scope(&state, &s.actor, filter.org_unit_id)
        .await
        .map_err(fail(lang))?;
    let now = state.now();
    let names = crate::app::appeals::category_names(&state, lang == Lang::En)
        .await
        .map_err(fail(lang))?;
    let (store, actor) = (&state.store, &s.actor);
    let records = every_page(lang, MAX_ROWS, &filter, |filter| async move {
        store.list_appeals(actor, &filter, now).await
    })
    .await?;
    crate::read_audit::record(
        &state,
        &s.actor,
        crate::read_audit::appeals(&records),
        "export /appeals.xlsx",
    )
    .await
    .map_err(fail(lang))?;
    let name = download::stamped_name("suqiu", now);
    download::workbook(lang, "xlsx", workbook(&s, &records, &names, now), &name)
}

fn workbook(
    s: &Session,
    records: &[AppealRecord],
    names: &std::collections::HashMap<String, String>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, XlsxError> {
    let zh = Lang::Zh;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("诉求台账")?;
    xlsx::header_row(sheet, 0, HEADERS)?;
    for (i, rec) in records.iter().enumerate() {
        let row = (i + 1) as u32;
        let a = &rec.appeal;
        // Columns 1 (登记时间), 16 and 17 (the deadlines) are dates, written below.
        let texts: [(u16, String); 18] = [
            (0, a.tracking_code.clone()),
            (2, a.status.label_zh().into()),
            (3, a.kind.label_zh().into()),
            (4, category_label(names, &a.category)),
            (5, a.urgency.label_zh().into()),
            (6, a.channel.label_zh().into()),
            (7, rec.org_unit_name.clone()),
            (8, rec.handling_org_unit_name.clone()),
            (
                9,
                rec.assignee_name
                    .clone()
                    .or_else(|| rec.team_name.clone())
                    .unwrap_or_default(),
            ),
            (10, rec.department_name.clone().unwrap_or_default()),
            (11, appellant_name(zh, rec)),
            (12, appellant_phone(&s.actor, rec).unwrap_or_default()),
            (13, a.title.clone().unwrap_or_default()),
            (14, a.content.clone()),
            (15, a.location.clone().unwrap_or_default()),
            (18, if a.is_overdue(now) { "是" } else { "否" }.into()),
            (19, a.resolution.map(|r| r.label_zh()).unwrap_or("").into()),
            (
                20,
                a.satisfaction.map(|r| r.label_zh()).unwrap_or("").into(),
            ),
        ];
        for (col, value) in texts {
            sheet.write_string(row, col, value)?;
        }
        xlsx::time(sheet, row, 1, a.created_at)?;
        xlsx::deadline(sheet, row, 16, a.respond_by)?;
        xlsx::deadline(sheet, row, 17, a.resolve_by)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !records.is_empty() {
        sheet.autofilter(0, 0, records.len() as u32, (HEADERS.len() - 1) as u16)?;
    }
    book.save_to_buffer()
}
