//! District configuration kept as JSON documents: the calendar, time limits, score weights,
//! the deadline watch's rules, the aid fund's approval thresholds.

use crate::error::Result;
use crate::sql::get;
use crate::Store;

pub const CALENDAR: &str = "calendar";
pub const TIME_LIMITS: &str = "time_limits";
pub const SCORE_WEIGHTS: &str = "score_weights";
/// The deadline watch's rules (`suqiu_core::watch::WatchRules`).
pub const WATCH_RULES: &str = "watch_rules";
/// Outbound channels (`suqiu_core::outbound::OutboundConfig`); off when unset.
pub const OUTBOUND: &str = "outbound";
/// The aid fund's approval thresholds (`suqiu_core::fund::ApprovalThresholds`).
pub const FUND_APPROVAL: &str = "fund_approval";
/// The password rule's district setting (`suqiu_core::password::PasswordPolicy`).
pub const PASSWORD_POLICY: &str = "password_policy";

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| get(r, "value")).transpose()
    }

    /// The district's password setting; the default (minimum 8) when unset.
    pub async fn password_policy(&self) -> Result<suqiu_core::password::PasswordPolicy> {
        match self.setting(PASSWORD_POLICY).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| crate::StoreError::Corrupt(format!("setting {PASSWORD_POLICY}: {e}"))),
            None => Ok(Default::default()),
        }
    }

    /// Sets (inserting or replacing) the value of `key`.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}
