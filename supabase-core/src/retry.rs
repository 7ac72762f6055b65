//! When and how often a request is sent again: one policy for every service.

use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::{Error, TransportErrorKind};

/// When and how often idempotent requests are retried.
///
/// The rules are postgrest-js's: only GET and HEAD requests are retried, on HTTP 503 and 520
/// answers and on failures before any answer arrived (not on timeouts); the waits are 1 s, 2 s,
/// 4 s (doubling, capped at 30 s), a `Retry-After: <seconds>` answer header replaces the
/// computed wait, and each retry carries `X-Retry-Count: <n>`. After the last retry the last
/// answer is returned as usual. Unlike postgrest-js, a `Retry-After` longer than
/// [`RetryPolicy::max_delay`] is capped, and [`RetryPolicy::with_jitter`] spreads the waits of
/// many clients retrying at once.
///
/// Every service sends through the core [`Service`](crate::Service), which applies the policy;
/// the façade sets it once for all of them (`ClientBuilder::retry`). Waits use `tokio::time`,
/// so tests with a paused clock do not sleep; the runtime needs its time driver
/// (`#[tokio::main]` and `Runtime::new` enable it), as reqwest's timeouts do.
///
/// ```
/// use std::time::Duration;
/// use supabase_core::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_retries(), 3);
/// assert_eq!(policy.backoff(0), Duration::from_secs(1));
/// assert_eq!(policy.backoff(2), Duration::from_secs(4));
/// assert_eq!(RetryPolicy::disabled().max_retries(), 0);
/// // With jitter, each wait is drawn between half and all of the computed one.
/// let jittered = policy.with_jitter(true).wait(2, None);
/// assert!(jittered >= Duration::from_secs(2) && jittered <= Duration::from_secs(4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            jitter: false,
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

    /// With jitter on, each computed wait is drawn at random between half of it and all of
    /// it, so that many clients failing together do not retry together. A server's
    /// `Retry-After` is never jittered. Off by default (postgrest-js has none).
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
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

    /// Whether waits are jittered.
    pub fn jitter(&self) -> bool {
        self.jitter
    }

    /// The wait before retry number `attempt + 1` when the server gave no `Retry-After`,
    /// without jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.checked_pow(attempt).unwrap_or(u32::MAX);
        self.initial_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The wait before retry number `attempt + 1` after an answer with these headers (none
    /// when no answer came): the server's `Retry-After` (capped), else the backoff, jittered
    /// when asked for.
    pub fn wait(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        let retry_after = headers
            .and_then(|h| h.get("retry-after"))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        match retry_after {
            Some(wait) => wait.min(self.max_delay),
            None if self.jitter => {
                let full = self.backoff(attempt);
                let half = full / 2;
                half + half.mul_f64(random_unit())
            }
            None => self.backoff(attempt),
        }
    }

    /// Whether a request with this method may be retried at all.
    pub fn retries_method(&self, method: &Method) -> bool {
        self.max_retries > 0 && (method == Method::GET || method == Method::HEAD)
    }
}

/// Whether an answer with this status is retried (503, 520).
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 503 | 520)
}

/// A failure before any answer arrived: what makes `fetch` reject in postgrest-js. Not a
/// timeout (an abort there), not a body cut short after the headers, not a redirect problem.
pub(crate) fn is_failure_before_answer(error: &Error) -> bool {
    matches!(
        error,
        Error::Transport {
            kind: TransportErrorKind::Connect | TransportErrorKind::Other,
            ..
        }
    )
}

/// A number in `[0, 1)`, from the standard library's randomly keyed hasher (no extra
/// dependency; it need not be strong, only differ between clients).
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

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
        assert_eq!(p.wait(0, Some(&h)), Duration::from_secs(7));
        assert_eq!(
            p.with_jitter(true).wait(0, Some(&h)),
            Duration::from_secs(7)
        );
        h.insert("retry-after", HeaderValue::from_static("99999999999"));
        assert_eq!(p.wait(0, Some(&h)), Duration::from_secs(30));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(p.wait(1, Some(&h)), Duration::from_secs(2));
        assert_eq!(p.wait(2, None), Duration::from_secs(4));
    }

    #[test]
    fn jitter_stays_between_half_and_full() {
        let p = RetryPolicy::default().with_jitter(true);
        let waits: Vec<Duration> = (0..200).map(|_| p.wait(3, None)).collect();
        assert!(
            waits
                .iter()
                .all(|w| *w >= Duration::from_secs(4) && *w <= Duration::from_secs(8))
        );
        // Not all the same: the waits are spread.
        assert!(waits.iter().any(|w| *w != waits[0]));
    }

    #[test]
    fn retryable_statuses_and_methods() {
        assert!(is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(is_retryable_status(StatusCode::from_u16(520).unwrap()));
        assert!(!is_retryable_status(StatusCode::INTERNAL_SERVER_ERROR));
        let p = RetryPolicy::default();
        assert!(p.retries_method(&Method::GET) && p.retries_method(&Method::HEAD));
        assert!(!p.retries_method(&Method::POST));
        assert!(!RetryPolicy::disabled().retries_method(&Method::GET));
    }
}
