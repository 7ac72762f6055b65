//! Wall-clock time, injectable for tests.

use std::fmt::Debug;
// `std::time::SystemTime` itself on native targets; on `wasm32` (where std's panics) the
// same API read from `Date.now()`.
use web_time::SystemTime;

/// A source of wall-clock time.
///
/// Token expiry checks read the time through this trait, so tests can move time without
/// sleeping. [`SystemClock`] is the real clock.
pub trait Clock: Send + Sync + Debug {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;

    /// The current time in whole seconds since the Unix epoch (0 before the epoch).
    fn unix_seconds(&self) -> u64 {
        self.now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}
