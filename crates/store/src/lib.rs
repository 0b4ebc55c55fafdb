//! # suqiu-store
//!
//! One repository API over two backends: SQLite (embedded default, a file under
//! `./suqiu-data`, WAL, durable commits) and PostgreSQL (for districts that outgrow one
//! machine). The backend is chosen from the URL prefix. SQL is kept portable (`$N`
//! placeholders, BIGINT ids, times as epoch milliseconds); the few dialect differences
//! (full-text search, upserts, locking) live in `dialect`.
//!
//! Reads are scoped by the caller's [`Actor`](suqiu_core::access::Actor) in one place,
//! [`scope`]; an appeal's events and its new state are written in one transaction.
//! On SQLite, intakes and actions go through one writer task that commits them in groups
//! (`writer`): one fsync for many durable writes.

mod appeal_row;
pub mod appeals;
pub mod audit;
pub mod board;
mod bulk;
pub mod changes;
pub mod db;
mod deferred;
pub mod dialect;
pub mod dims;
mod disk;
pub mod error;
pub mod failures;
mod fulltext;
pub mod gazetteer;
pub mod intake;
mod lookups;
pub mod metrics;
pub mod notifications;
pub mod open311;
pub mod org;
pub mod outbound;
mod overdue;
pub mod people;
pub mod people_search;
pub mod places;
pub mod problems;
pub mod public;
pub mod queue;
mod received;
mod reindex;
pub mod reports;
pub mod roster;
pub mod scope;
mod searches;
mod session_cache;
pub mod settings;
pub mod similar;
mod sql;
pub mod suggest;
mod taxonomy;
pub mod users;
pub mod verify;
pub mod watch;
mod writer;
// Care and resources (党内关爱).
pub mod fund;
pub mod supermarket;

// Care (党内关爱): the care register, visits, service teams and pairings.
pub mod care;
pub mod teams;
pub mod visits;

// Micro-wishes (微心愿) and in-service party members' service (在职党员报到).
pub mod service;
pub mod wishes;

pub use db::Store;
pub use dialect::Backend;
pub use disk::DiskStatus;
pub use error::StoreError;

/// One page of a list, as API.md's list convention returns it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Matching rows; a lower bound when `total_exact` is false (see `appeals::COUNT_CAP`).
    pub total: i64,
    pub total_exact: bool,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    /// Page `page` of `per_page` (as `sql::paging` gave them) of `total` rows counted exactly.
    pub(crate) fn exact(items: Vec<T>, total: i64, page: i64, per_page: i64) -> Page<T> {
        Page {
            items,
            total,
            total_exact: true,
            page,
            per_page,
        }
    }

    /// A page of a list that matches nothing.
    pub(crate) fn empty(page: i64, per_page: i64) -> Page<T> {
        Page::exact(Vec::new(), 0, page, per_page)
    }
}
