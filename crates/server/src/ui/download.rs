//! A list as a workbook download: every page of it read (up to a most, beyond which the
//! list must be narrowed first), and the file as the answer.

use std::future::Future;

use chrono::{DateTime, Utc};
use rust_xlsxwriter::XlsxError;
use suqiu_core::calendar::shanghai;
use suqiu_store::appeals::AppealFilter;
use suqiu_store::audit::ReadFilter;
use suqiu_store::people::PeopleFilter;
use suqiu_store::visits::VisitFilter;
use suqiu_store::Page;

use super::i18n::Lang;
use super::{Failed, PageResult, UiError};
use crate::xlsx;

/// Rows read per query while exporting.
pub(crate) const CHUNK: i64 = 500;

/// A list's query, read one page at a time.
pub(crate) trait Paged: Clone {
    /// The same query for page `page` (from 1) of `per_page` rows.
    fn at(&self, page: i64, per_page: i64) -> Self;
}

/// The store's list queries all page by the same two fields.
macro_rules! paged {
    ($($query:ty),*) => {$(
        impl Paged for $query {
            fn at(&self, page: i64, per_page: i64) -> Self {
                Self { page, per_page, ..self.clone() }
            }
        }
    )*};
}
paged!(AppealFilter, PeopleFilter, ReadFilter, VisitFilter);

/// Every row that `query` finds, read [`CHUNK`] at a time by `read`. More than `max` rows
/// is refused (the page says to narrow the list). A list that counts exactly only up to a
/// cap (the appeals', `total_exact` false) is read until a page comes back short.
///
/// (`read` takes each page's query by value and makes a future that owns it, rather than
/// being an async closure: a handler's future must be `Send`, which the compiler cannot yet
/// prove of an async closure's borrowing future.)
pub(crate) async fn every_page<Q: Paged, T, E, F>(
    lang: Lang,
    max: usize,
    query: &Q,
    mut read: impl FnMut(Q) -> F,
) -> Result<Vec<T>, Failed>
where
    E: Into<UiError>,
    F: Future<Output = Result<Page<T>, E>>,
{
    let too_many = || UiError::too_many(max).page(lang);
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let found = read(query.at(page, CHUNK))
            .await
            .map_err(|e| e.into().page(lang))?;
        if found.total_exact && found.total > max as i64 {
            return Err(too_many());
        }
        let last = found.items.len() < CHUNK as usize;
        rows.extend(found.items);
        if rows.len() > max {
            return Err(too_many());
        }
        if last || (found.total_exact && rows.len() as i64 >= found.total) {
            return Ok(rows);
        }
        page += 1;
    }
}

/// `{what}-20261128-0930.xlsx`: an export's file name, stamped with when it was made
/// (Asia/Shanghai).
pub(crate) fn stamped_name(what: &str, at: DateTime<Utc>) -> String {
    let stamp = at.with_timezone(&shanghai()).format("%Y%m%d-%H%M");
    format!("{what}-{stamp}.xlsx")
}

/// The workbook `built` as a download named `filename` (ASCII: codes and dates only); one
/// that could not be written is logged as `what`'s and answered with the error page.
pub(crate) fn workbook(
    lang: Lang,
    what: &str,
    built: Result<Vec<u8>, XlsxError>,
    filename: &str,
) -> PageResult {
    match built {
        Ok(bytes) => Ok(xlsx::download(bytes, filename)),
        Err(e) => {
            tracing::error!(error = %e, "{what} export failed");
            Err(UiError::Internal.page(lang))
        }
    }
}
