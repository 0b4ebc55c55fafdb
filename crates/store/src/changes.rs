//! The record of configuration changes (who changed which setting, when, and to what), shown
//! on the settings page. Configuration changes are rare and made by a handful of district
//! administrators, so the record is kept as one bounded JSON document among the settings
//! rather than a table of its own (no migration for a few hundred entries).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::Store;

/// The settings key of the record.
pub const CHANGE_LOG: &str = "config_changes";
/// Entries kept; the oldest are dropped beyond this.
pub const MAX_CHANGES: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub at: DateTime<Utc>,
    pub user_id: Id,
    pub user_name: String,
    /// Which setting (`time_limits`, `calendar`, …).
    pub subject: String,
    /// What it became, in words.
    pub detail: String,
}

impl Store {
    /// The record, newest first.
    pub async fn config_changes(&self) -> Result<Vec<ConfigChange>> {
        let Some(json) = self.setting(CHANGE_LOG).await? else {
            return Ok(Vec::new());
        };
        let mut changes: Vec<ConfigChange> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("setting {CHANGE_LOG}: {e}")))?;
        changes.reverse();
        Ok(changes)
    }

    /// Appends to the record. Callers serialize configuration writes (the server's config
    /// lock), so this read-modify-write loses nothing.
    pub async fn record_config_change(&self, change: ConfigChange) -> Result<()> {
        let mut changes = self.config_changes().await?;
        changes.reverse();
        changes.push(change);
        if changes.len() > MAX_CHANGES {
            let extra = changes.len() - MAX_CHANGES;
            changes.drain(..extra);
        }
        let json = serde_json::to_string(&changes)
            .map_err(|e| StoreError::Corrupt(format!("setting {CHANGE_LOG}: {e}")))?;
        self.put_setting(CHANGE_LOG, &json).await
    }
}
