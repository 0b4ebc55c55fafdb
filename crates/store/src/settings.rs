//! District configuration kept as JSON documents: the calendar, time limits, score weights.

use crate::error::Result;
use crate::Store;

pub const CALENDAR: &str = "calendar";
pub const TIME_LIMITS: &str = "time_limits";
pub const SCORE_WEIGHTS: &str = "score_weights";

impl Store {
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let _ = key;
        todo!()
    }
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        let _ = (key, value);
        todo!()
    }
}
