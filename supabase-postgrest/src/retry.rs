//! Retries of idempotent requests, as postgrest-js does them.

use std::time::Duration;

use supabase_core::{HeaderMap, StatusCode};

/// When and how often GET and HEAD requests are retried.
///
/// As in postgrest-js: only GET and HEAD requests are retried, on HTTP 503 and 520 answers and
/// on network failures (not on timeouts); the waits are 1 s, 2 s, 4 s (doubling, capped at
/// 30 s), a `Retry-After: <seconds>` answer header replaces the computed wait, and each retry
/// carries `X-Retry-Count: <n>`. After the last retry the last answer is returned as usual.
/// Unlike postgrest-js, a `Retry-After` longer than [`RetryPolicy::max_delay`] is capped.
///
/// Waits use `tokio::time`, so tests with a paused clock do not sleep; the runtime needs its
/// time driver (`#[tokio::main]` and `Runtime::new` enable it), as reqwest's timeouts do.
///
/// ```
/// use std::time::Duration;
/// use supabase_postgrest::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_retries(), 3);
/// assert_eq!(policy.backoff(0), Duration::from_secs(1));
/// assert_eq!(policy.backoff(2), Duration::from_secs(4));
/// assert_eq!(RetryPolicy::disabled().max_retries(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets how many times a request is retried (0 disables retries).
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first wait (doubled for each further retry).
    #[must_use]
    pub fn with_initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// Sets the longest wait (also caps `Retry-After`).
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many times a request is retried.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The longest wait.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The wait before retry number `attempt + 1` when the server gave no `Retry-After`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.checked_pow(attempt).unwrap_or(u32::MAX);
        self.initial_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The wait before the next retry after an answer with these headers.
    pub(crate) fn delay(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        let retry_after = headers
            .and_then(|h| h.get("retry-after"))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        match retry_after {
            Some(wait) => wait.min(self.max_delay),
            None => self.backoff(attempt),
        }
    }
}

/// Whether an answer with this status is retried.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 503 | 520)
}

#[cfg(test)]
mod tests {
    use super::*;
    use supabase_core::HeaderValue;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy::default();
        let secs: Vec<u64> = (0..8).map(|a| p.backoff(a).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(p.backoff(200), Duration::from_secs(30));
    }

    #[test]
    fn retry_after_replaces_backoff_and_is_capped() {
        let p = RetryPolicy::default();
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(p.delay(0, Some(&h)), Duration::from_secs(7));
        h.insert("retry-after", HeaderValue::from_static("99999999999"));
        assert_eq!(p.delay(0, Some(&h)), Duration::from_secs(30));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(p.delay(1, Some(&h)), Duration::from_secs(2));
        assert_eq!(p.delay(2, None), Duration::from_secs(4));
    }

    #[test]
    fn retryable_statuses() {
        assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(is_retryable_status(StatusCode::from_u16(520).unwrap()));
        assert!(!is_retryable_status(StatusCode::INTERNAL_SERVER_ERROR));
    }
}
