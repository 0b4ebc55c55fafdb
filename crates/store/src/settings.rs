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
/// The station's public address (`https://suqiu.example.gov.cn`), printed on receipts before
/// `/track`; a JSON string. Unset: the pages use the address the browser asked for.
pub const PUBLIC_BASE_URL: &str = "public_base_url";

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

    /// The station's public address as set on the settings page; `None` when unset.
    pub async fn public_base_url(&self) -> Result<Option<String>> {
        match self.setting(PUBLIC_BASE_URL).await? {
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| crate::StoreError::Corrupt(format!("setting {PUBLIC_BASE_URL}: {e}"))),
            None => Ok(None),
        }
    }

    /// Sets (inserting or replacing) the value of `key`.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(self.writer.pool()?)
        .await?;
        Ok(())
    }
}
