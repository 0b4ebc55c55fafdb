//! The record of configuration changes (who changed which setting, when, and to what), shown
//! on the settings page. Configuration changes are rare and made by a handful of district
//! administrators, so the record is kept as one bounded JSON document among the settings
//! rather than a table of its own (no migration for a few hundred entries).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use suqiu_core::Id;

use crate::error::{Result, StoreError};
use crate::Store;

/// The settings key of the record.
pub const CHANGE_LOG: &str = "config_changes";
/// Entries kept; the oldest are dropped beyond this.
pub const MAX_CHANGES: usize = 500;

/// What a change did, in no language: each page words a kind in its own (the UI catalogue's
/// `change.<code>`, with the change's parameters put in its `{name}`s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    CalendarLoaded,
    TimeLimits,
    FundApproval,
    SessionsEnded,
    PasswordPolicy,
    UnitAdded,
    DepartmentAdded,
    UserAdded,
    CategoryAdded,
    CategoryRenamed,
    /// Renamed in Chinese only: the English name stays as it was.
    CategoryRenamedZh,
    PublicUrlSet,
    PublicUrlCleared,
    /// An Open311 client system's key made, or revoked.
    ApiKeyAdded,
    ApiKeyRevoked,
    /// A community's place names (the gazetteer) saved.
    PlacesSet,
    /// An Open311 key's hourly limit set.
    ApiKeyLimit,
}

impl ChangeKind {
    pub const ALL: &'static [ChangeKind] = &[
        ChangeKind::CalendarLoaded,
        ChangeKind::TimeLimits,
        ChangeKind::FundApproval,
        ChangeKind::SessionsEnded,
        ChangeKind::PasswordPolicy,
        ChangeKind::UnitAdded,
        ChangeKind::DepartmentAdded,
        ChangeKind::UserAdded,
        ChangeKind::CategoryAdded,
        ChangeKind::CategoryRenamed,
        ChangeKind::CategoryRenamedZh,
        ChangeKind::PublicUrlSet,
        ChangeKind::PublicUrlCleared,
        ChangeKind::ApiKeyAdded,
        ChangeKind::ApiKeyRevoked,
        ChangeKind::PlacesSet,
        ChangeKind::ApiKeyLimit,
    ];

    /// The kind as stored (its serde name).
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::CalendarLoaded => "calendar_loaded",
            ChangeKind::TimeLimits => "time_limits",
            ChangeKind::FundApproval => "fund_approval",
            ChangeKind::SessionsEnded => "sessions_ended",
            ChangeKind::PasswordPolicy => "password_policy",
            ChangeKind::UnitAdded => "unit_added",
            ChangeKind::DepartmentAdded => "department_added",
            ChangeKind::UserAdded => "user_added",
            ChangeKind::CategoryAdded => "category_added",
            ChangeKind::CategoryRenamed => "category_renamed",
            ChangeKind::CategoryRenamedZh => "category_renamed_zh",
            ChangeKind::PublicUrlSet => "public_url_set",
            ChangeKind::PublicUrlCleared => "public_url_cleared",
            ChangeKind::ApiKeyAdded => "api_key_added",
            ChangeKind::ApiKeyRevoked => "api_key_revoked",
            ChangeKind::PlacesSet => "places_set",
            ChangeKind::ApiKeyLimit => "api_key_limit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    pub at: DateTime<Utc>,
    pub user_id: Id,
    pub user_name: String,
    /// Which setting (`time_limits`, `calendar`, …).
    pub subject: String,
    /// What changed, worded when read in the reader's language. Entries saved before kinds
    /// have none: their `detail` is shown as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ChangeKind>,
    /// The kind's parameters (names, codes, numbers as text), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// What it became, in Chinese words: written by older versions only.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl ConfigChange {
    /// A change `user` made now to `subject`: `kind` with its parameters.
    pub fn new(
        at: DateTime<Utc>,
        user: (Id, &str),
        subject: &str,
        kind: ChangeKind,
        params: &[(&str, String)],
    ) -> ConfigChange {
        ConfigChange {
            at,
            user_id: user.0,
            user_name: user.1.to_string(),
            subject: subject.to_string(),
            kind: Some(kind),
            params: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            detail: String::new(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry saved before kinds (only `detail`) still reads, and says what it said.
    #[test]
    fn an_entry_saved_before_kinds_keeps_its_words() {
        let old = r#"[{"at":"2026-01-05T08:00:00Z","user_id":1,"user_name":"区管理员","subject":"time_limits","detail":"密码最少 12 个字符"}]"#;
        let read: Vec<ConfigChange> = serde_json::from_str(old).expect("old entries read");
        assert_eq!(read[0].kind, None);
        assert_eq!(read[0].detail, "密码最少 12 个字符");
    }

    #[test]
    fn a_change_is_stored_as_its_kind_and_parameters() {
        let at = DateTime::parse_from_rfc3339("2026-01-05T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let c = ConfigChange::new(
            at,
            (1, "admin"),
            "password_policy",
            ChangeKind::PasswordPolicy,
            &[("min_length", "12".into())],
        );
        let json = serde_json::to_string(&c).expect("json");
        assert!(json.contains(r#""kind":"password_policy""#), "{json}");
        assert!(json.contains(r#""params":{"min_length":"12"}"#), "{json}");
        assert!(!json.contains("detail"), "{json}");
        let back: ConfigChange = serde_json::from_str(&json).expect("read back");
        assert_eq!(back, c);
        for kind in ChangeKind::ALL {
            let code = serde_json::to_value(kind).expect("kind");
            assert_eq!(code, kind.code());
        }
    }
}
