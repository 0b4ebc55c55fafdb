//! The audit of reads: who was shown which person's or appeal's unmasked personal data,
//! when, and through which page, API or export.
//!
//! Append-only: this module inserts and reads, nothing updates or deletes (the migration's
//! triggers refuse both). A read is recorded before it is answered: [`Store::record_reads`]
//! returns once the rows are committed. On SQLite the rows go through the group-commit
//! writer, so concurrent reads share one commit (one fsync) with each other and with the
//! intakes of the moment; on PostgreSQL they are one multi-row insert, whose commits the
//! server already groups into shared WAL flushes.

use chrono::{DateTime, Utc};
use suqiu_core::vocabulary;
use suqiu_core::Id;

use crate::dialect::{insert_rows, max_binds};
use crate::error::Result;
use crate::sql::{get, get_code, get_time, ms, paging, Arg, Args};
use crate::writer::{self, Done, Undo};
use crate::{scope, Page, Store};

vocabulary!(
    /// Whose data a read showed.
    ReadSubject {
        Person = "person" / "人员",
        Appeal = "appeal" / "诉求",
    }
);

/// One read to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRead {
    pub subject: ReadSubject,
    pub subject_id: Id,
}

/// One recorded read, with the reader's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadEntry {
    pub id: Id,
    pub user_id: Id,
    pub user_name: String,
    pub at: DateTime<Utc>,
    pub subject: ReadSubject,
    pub subject_id: Id,
    pub via: String,
}

/// Filters of the audit list, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ReadFilter {
    /// Reads by users whose node lies under this path (the viewer's scope).
    pub readers_under: String,
    pub user_id: Option<Id>,
    /// Reads of this person's record.
    pub person_id: Option<Id>,
    /// Reads of this appeal.
    pub appeal_id: Option<Id>,
    /// From this instant (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this instant (exclusive).
    pub to: Option<DateTime<Utc>>,
    pub page: i64,
    pub per_page: i64,
}

const COLUMNS: [&str; 5] = ["user_id", "at", "subject", "subject_id", "via"];

impl Store {
    /// Records that `user_id` was shown the unmasked data of `reads` at `at` through `via`;
    /// returns once the rows are committed (an error means nothing was recorded, and the
    /// caller must not answer with the data).
    pub async fn record_reads(
        &self,
        user_id: Id,
        reads: &[NewRead],
        via: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        if reads.is_empty() {
            return Ok(());
        }
        let at = ms(at);
        let rows: Vec<Vec<Arg>> = reads
            .iter()
            .map(|r| {
                vec![
                    user_id.into(),
                    at.into(),
                    r.subject.code().into(),
                    r.subject_id.into(),
                    via.into(),
                ]
            })
            .collect();
        // One statement undoes itself on failure; an export's many rows need a savepoint.
        let undo = if rows.len() * COLUMNS.len() <= max_binds(self.backend) {
            Undo::SingleStatement
        } else {
            Undo::Savepoint
        };
        let backend = self.backend;
        // Below the free-space floor reads go on, so their audit rows must too.
        writer::run(
            self.queue.as_ref(),
            &self.writer.without_floor(),
            undo,
            move |conn| {
                Box::pin(async move {
                    insert_rows(backend, conn, "read_audit", &COLUMNS, rows, "").await?;
                    Ok(Done::keep((), Default::default()))
                })
            },
        )
        .await
    }

    /// A page of recorded reads, newest first.
    pub async fn reads(&self, filter: &ReadFilter) -> Result<Page<ReadEntry>> {
        let (page, per_page) = paging(filter.page, filter.per_page);
        let mut a = Args::default();
        let mut conds = vec![scope::in_subtree("o.path", &filter.readers_under, &mut a)];
        if let Some(u) = filter.user_id {
            conds.push(format!("r.user_id = {}", a.push(u)));
        }
        for (subject, id) in [
            (ReadSubject::Person, filter.person_id),
            (ReadSubject::Appeal, filter.appeal_id),
        ] {
            if let Some(id) = id {
                conds.push(format!(
                    "r.subject = {} AND r.subject_id = {}",
                    a.push(subject.code()),
                    a.push(id)
                ));
            }
        }
        if let Some(from) = filter.from {
            conds.push(format!("r.at >= {}", a.push(ms(from))));
        }
        if let Some(to) = filter.to {
            conds.push(format!("r.at < {}", a.push(ms(to))));
        }
        let cond = conds.join(" AND ");
        let from = "read_audit r JOIN users u ON u.id = r.user_id JOIN org_units o ON o.id = u.org_unit_id";
        let count = format!("SELECT COUNT(*) AS n FROM {from} WHERE {cond}");
        let total: i64 = get(&a.query(&count).fetch_one(&self.pool).await?, "n")?;
        let limit = a.push(per_page);
        let offset = a.push((page - 1) * per_page);
        let sql = format!(
            "SELECT r.id, r.user_id, u.display_name AS user_name, r.at, r.subject, r.subject_id, r.via \
             FROM {from} WHERE {cond} \
             ORDER BY r.at DESC, r.id DESC LIMIT {limit} OFFSET {offset}"
        );
        let rows = a.query(&sql).fetch_all(&self.pool).await?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(ReadEntry {
                    id: get(row, "id")?,
                    user_id: get(row, "user_id")?,
                    user_name: get(row, "user_name")?,
                    at: get_time(row, "at")?,
                    subject: get_code(row, "subject", ReadSubject::parse)?,
                    subject_id: get(row, "subject_id")?,
                    via: get(row, "via")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::exact(items, total, page, per_page))
    }
}
