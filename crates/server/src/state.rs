//! The state shared by every request: the store, the district configuration (calendar,
//! time limits, score weights) and the clock.

use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, TimeDelta, Utc};
use suqiu_core::calendar::WorkCalendar;
use suqiu_core::measures::ScoreWeights;
use suqiu_core::policy::TimeLimitPolicy;
use suqiu_store::{settings, Store, StoreError};

/// Where "now" comes from: the system clock, or a manual one that tests set and advance.
#[derive(Clone)]
pub enum Clock {
    System,
    /// A clock that stands still until [`Clock::set`] or [`Clock::advance`] moves it.
    /// Clones share the same time.
    Manual(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    pub fn system() -> Clock {
        Clock::System
    }

    /// A manual clock standing at `t`.
    pub fn fixed(t: DateTime<Utc>) -> Clock {
        Clock::Manual(Arc::new(Mutex::new(t)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Manual(t) => *t.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a manual clock to `t`; no effect on the system clock.
    pub fn set(&self, t: DateTime<Utc>) {
        if let Clock::Manual(m) = self {
            *m.lock().unwrap_or_else(PoisonError::into_inner) = t;
        }
    }

    /// Moves a manual clock forward by `d`; no effect on the system clock.
    pub fn advance(&self, d: TimeDelta) {
        if let Clock::Manual(m) = self {
            let mut t = m.lock().unwrap_or_else(PoisonError::into_inner);
            *t = t.checked_add_signed(d).unwrap_or(*t);
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Clock::System => f.write_str("Clock::System"),
            Clock::Manual(_) => write!(f, "Clock::Manual({})", self.now()),
        }
    }
}

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub calendar: Arc<RwLock<WorkCalendar>>,
    pub policy: Arc<RwLock<TimeLimitPolicy>>,
    pub weights: Arc<RwLock<ScoreWeights>>,
    pub clock: Clock,
    /// Mark the session cookie `Secure` (serve over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Serializes configuration writes (calendar, time limits) so none is lost.
    pub(crate) config_lock: Arc<tokio::sync::Mutex<()>>,
    /// Failed sign-ins per username (the page and the API share it).
    pub login_throttle: Arc<crate::throttle::FailureThrottle>,
    /// Wrong last-four-digits per tracking code at the appellant's lookup.
    pub track_throttle: Arc<crate::throttle::FailureThrottle>,
    /// Password hashing, bounded (`crate::auth::Hashing`).
    pub hashing: Arc<crate::auth::Hashing>,
    /// Serving the demo district (`suqiu serve --demo`): its password is allowed.
    pub demo_mode: bool,
    /// The reverse proxy whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Signs the public form's stamp of when it was served (`ui::public::fill`); made
    /// afresh at each start, so a form served before a restart is served again.
    pub(crate) form_key: Arc<[u8; 32]>,
    /// Photos being decoded at once (`crate::photos`): one per core, so a flood of uploads
    /// waits its turn instead of taking every core and the memory.
    pub(crate) darkroom: Arc<tokio::sync::Semaphore>,
    /// The classifier that suggests categories at intake (`app::suggest`), the newest the
    /// store keeps; `None` until there was history enough to train one. Swapped whole after
    /// a retrain, so a suggestion reads one model from start to end.
    pub(crate) suggester: Arc<RwLock<Option<Arc<crate::app::suggest::Suggester>>>>,
    /// Held while a retrain runs: one at a time, whoever asks (the night, `/admin`).
    pub(crate) retraining: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .field("secure_cookies", &self.secure_cookies)
            .field("demo_mode", &self.demo_mode)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Reads the district configuration from the store's settings: the calendar (the
    /// built-in years, with any years an administrator loaded laid over them), the time
    /// limits and the score weights, each defaulting to the built-in one when not set.
    /// A stored value that no longer parses is `StoreError::Corrupt` with the reason.
    pub async fn load(store: Store, clock: Clock) -> Result<AppState, StoreError> {
        let mut calendar = WorkCalendar::builtin();
        if let Some(json) = store.setting(settings::CALENDAR).await? {
            calendar.merge_json(&json).map_err(|e| {
                StoreError::Corrupt(format!("setting {}: {}", settings::CALENDAR, e.message()))
            })?;
        }
        let policy = match store.setting(settings::TIME_LIMITS).await? {
            Some(json) => {
                let p: TimeLimitPolicy = serde_json::from_str(&json).map_err(|e| {
                    StoreError::Corrupt(format!("setting {}: {e}", settings::TIME_LIMITS))
                })?;
                p.validate().map_err(|e| {
                    StoreError::Corrupt(format!(
                        "setting {}: {}",
                        settings::TIME_LIMITS,
                        e.message()
                    ))
                })?;
                p
            }
            None => TimeLimitPolicy::default(),
        };
        let weights = match store.setting(settings::SCORE_WEIGHTS).await? {
            Some(json) => {
                let w: ScoreWeights = serde_json::from_str(&json).map_err(|e| {
                    StoreError::Corrupt(format!("setting {}: {e}", settings::SCORE_WEIGHTS))
                })?;
                w.validate().map_err(|e| {
                    StoreError::Corrupt(format!("setting {}: {e}", settings::SCORE_WEIGHTS))
                })?;
                w
            }
            None => ScoreWeights::default(),
        };
        let suggester = crate::app::suggest::load_newest(&store).await?;
        Ok(AppState {
            store,
            calendar: Arc::new(RwLock::new(calendar)),
            policy: Arc::new(RwLock::new(policy)),
            weights: Arc::new(RwLock::new(weights)),
            clock,
            secure_cookies: false,
            config_lock: Arc::new(tokio::sync::Mutex::new(())),
            login_throttle: Arc::new(crate::throttle::FailureThrottle::new("login")),
            track_throttle: Arc::new(crate::throttle::FailureThrottle::new("track")),
            hashing: Arc::new(crate::auth::Hashing::for_this_machine()),
            demo_mode: false,
            trusted_proxy: None,
            form_key: Arc::new(rand::random()),
            darkroom: Arc::new(tokio::sync::Semaphore::new(crate::photos::darkroom_size())),
            suggester: Arc::new(RwLock::new(suggester)),
            retraining: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn calendar(&self) -> RwLockReadGuard<'_, WorkCalendar> {
        read(&self.calendar)
    }

    pub fn policy(&self) -> RwLockReadGuard<'_, TimeLimitPolicy> {
        read(&self.policy)
    }

    pub fn weights(&self) -> ScoreWeights {
        *read(&self.weights)
    }
}

/// A read guard; a poisoned lock still holds a consistent value (writers replace it whole).
pub(crate) fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}
