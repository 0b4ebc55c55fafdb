//! The free-space floor of an SQLite database's directory.
//!
//! Why: SQLite that runs out of space mid-commit fails the whole batch, and a server that
//! keeps accepting work on a disk about to fill fails it again and again. Below a floor
//! (`--min-free-mb`) every write is refused up front with a clear reason instead — reads go
//! on — and the operator is told once per episode (a warning on entering it, a note on
//! leaving it), on `/healthz` and in `/metrics`.
//!
//! The reading is cached: the first write after it is a second old takes a new one
//! (`statvfs`, microseconds), so the floor costs nothing per request.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use suqiu_core::error::{Msg, Reason};
use suqiu_core::msg;

use crate::error::{Result, StoreError};

/// How old a reading may be before a write takes a new one.
const MAX_AGE_MS: u64 = 1_000;

/// What `/healthz` and `/metrics` show about the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiskStatus {
    /// Bytes free to this process in the database's directory (at the last reading).
    pub free_bytes: u64,
    /// Writes are refused below this many free bytes (0: no floor).
    pub floor_bytes: u64,
    /// True while below the floor.
    pub low: bool,
    /// Writes refused for want of space since the start.
    pub refused_writes: u64,
}

/// The floor and the last reading of one directory.
#[derive(Debug)]
pub(crate) struct DiskFloor {
    dir: PathBuf,
    floor: AtomicU64,
    started: Instant,
    /// Milliseconds after `started` of the last reading; `u64::MAX` before the first.
    read_at: AtomicU64,
    free: AtomicU64,
    low: AtomicBool,
    refused: AtomicU64,
}

impl DiskFloor {
    pub(crate) fn new(dir: PathBuf) -> DiskFloor {
        DiskFloor {
            dir,
            floor: AtomicU64::new(0),
            started: Instant::now(),
            read_at: AtomicU64::new(u64::MAX),
            free: AtomicU64::new(u64::MAX),
            low: AtomicBool::new(false),
            refused: AtomicU64::new(0),
        }
    }

    pub(crate) fn set_floor(&self, bytes: u64) {
        self.floor.store(bytes, Ordering::Relaxed);
        self.refresh(true);
    }

    /// Ok when a write may go ahead; `Unavailable` (counted) below the floor.
    pub(crate) fn admit(&self) -> Result<()> {
        self.refresh(false);
        if !self.low.load(Ordering::Relaxed) {
            return Ok(());
        }
        self.refused.fetch_add(1, Ordering::Relaxed);
        Err(StoreError::Unavailable(
            Reason::new(&BELOW_FLOOR)
                .with("free", self.free.load(Ordering::Relaxed) / MB)
                .with("floor", self.floor.load(Ordering::Relaxed) / MB),
        ))
    }

    pub(crate) fn status(&self) -> DiskStatus {
        self.refresh(false);
        DiskStatus {
            free_bytes: self.free.load(Ordering::Relaxed),
            floor_bytes: self.floor.load(Ordering::Relaxed),
            low: self.low.load(Ordering::Relaxed),
            refused_writes: self.refused.load(Ordering::Relaxed),
        }
    }

    /// Takes a new reading when the last is stale (or `force`); one caller at a time does.
    fn refresh(&self, force: bool) {
        let now = self.started.elapsed().as_millis() as u64;
        let last = self.read_at.load(Ordering::Relaxed);
        let stale = last == u64::MAX || now.saturating_sub(last) >= MAX_AGE_MS;
        if !(force || stale)
            || self
                .read_at
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let Some(free) = free_bytes(&self.dir) else {
            return; // Unreadable: keep the last reading rather than refuse on a guess.
        };
        self.free.store(free, Ordering::Relaxed);
        let floor = self.floor.load(Ordering::Relaxed);
        let low = free < floor;
        if self.low.swap(low, Ordering::Relaxed) != low {
            let (free_mb, floor_mb) = (free / MB, floor / MB);
            if low {
                tracing::warn!(dir = %self.dir.display(), free_mb, floor_mb,
                    "free disk space below the floor: refusing writes until space is freed");
            } else {
                tracing::info!(dir = %self.dir.display(), free_mb, floor_mb,
                    "free disk space back above the floor: writes accepted again");
            }
        }
    }
}

const MB: u64 = 1024 * 1024;

const BELOW_FLOOR: Msg = msg!(
    "disk_below_floor",
    "服务器磁盘空间不足（剩余 {free} MB，低于下限 {floor} MB），暂停保存；已保存的数据不受影响，请联系管理员清理磁盘后再试",
    "The server's disk is nearly full ({free} MB free, below the floor of {floor} MB): saving is paused. What was saved is safe; ask the administrator to free disk space, then try again",
);

#[cfg(unix)]
fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    match rustix::fs::statvfs(dir) {
        Ok(s) => Some(s.f_bavail.saturating_mul(s.f_frsize)),
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot read the free disk space");
            None
        }
    }
}

#[cfg(not(unix))]
fn free_bytes(_dir: &std::path::Path) -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_the_floor_writes_are_refused_and_counted() {
        let floor = DiskFloor::new(std::env::temp_dir());
        assert!(floor.admit().is_ok(), "no floor: every write admitted");
        let free = floor.status().free_bytes;
        assert!(free > 0 && free < u64::MAX, "a reading was taken: {free}");
        floor.set_floor(u64::MAX);
        let refused = floor.admit().expect_err("refused below the floor");
        assert!(refused
            .unavailable_reason()
            .is_some_and(|r| r.zh.contains("磁盘空间不足") && r.en.contains("disk")));
        let status = floor.status();
        assert!(status.low);
        assert_eq!(status.refused_writes, 1);
        floor.set_floor(0);
        assert!(
            floor.admit().is_ok(),
            "back above the floor: admitted again"
        );
        assert!(!floor.status().low);
    }
}
