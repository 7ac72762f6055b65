//! TEST-ONLY stand-in for the session-backed token provider (case 5).
//!
//! TODO(issue 6, lead, after the supabase-auth merge): replace [`CachingProvider`] in the
//! `http` bench with the real session-backed provider of `supabase-auth` (same scenario:
//! steady state under 1,000 concurrent requests, then exactly one refresh when the token is
//! near expiry), and delete this module.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use supabase_core::{
    AccessToken, Clock, HeaderValue, Method, ProjectKeyProvider, Request, SystemClock,
    TokenProvider, Transport, Url, async_trait,
};
use tokio::sync::RwLock;

/// A caching token provider that models what a session-backed provider must do: hand out
/// the cached access token while it is fresh (a shared read lock, no I/O), and when it is
/// within `margin_secs` of expiry, refresh it **once** however many requests are waiting
/// (single flight: the first writer refreshes under the write lock; the others find the new
/// token when they get the lock).
///
/// **Benchmark stand-in only.** It is not the provider of `supabase-auth`: it has no session
/// storage, no retry and no error handling beyond "the refresh failed".
pub struct CachingProvider {
    state: RwLock<Cached>,
    transport: Transport,
    refresh_url: Url,
    margin_secs: u64,
    refreshes: AtomicU64,
}

struct Cached {
    token: AccessToken,
    expires_at: u64,
}

#[derive(Deserialize)]
struct Session {
    access_token: String,
    expires_in: u64,
}

impl CachingProvider {
    /// A provider holding `token`, which expires `expires_in_secs` from now, refreshing
    /// through `POST <auth_url>/token?grant_type=refresh_token` on `transport` when fewer than
    /// `margin_secs` are left.
    pub fn new(
        transport: Transport,
        auth_url: &str,
        token: AccessToken,
        expires_in_secs: u64,
        margin_secs: u64,
    ) -> Result<Self, supabase_core::Error> {
        let refresh_url = Url::parse(&format!(
            "{}/token?grant_type=refresh_token",
            auth_url.trim_end_matches('/')
        ))
        .map_err(|e| supabase_core::Error::InvalidUrl {
            reason: e.to_string(),
        })?;
        Ok(Self {
            state: RwLock::new(Cached {
                token,
                expires_at: SystemClock.unix_seconds().saturating_add(expires_in_secs),
            }),
            transport,
            refresh_url,
            margin_secs,
            refreshes: AtomicU64::new(0),
        })
    }

    /// How many refreshes this provider has made.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::SeqCst)
    }

    fn fresh(&self, cached: &Cached) -> bool {
        cached.expires_at > SystemClock.unix_seconds().saturating_add(self.margin_secs)
    }

    async fn refresh(&self) -> Result<Cached, supabase_core::Error> {
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let request = Request::new(Method::POST, self.refresh_url.clone())
            .header(
                supabase_core::HeaderName::from_static("content-type"),
                HeaderValue::from_static("application/json"),
            )
            .body(r#"{"refresh_token":"refresh-token-1"}"#);
        let session: Session = self
            .transport
            .send(request, &ProjectKeyProvider)
            .await?
            .error_for_status()?
            .json()?;
        Ok(Cached {
            token: AccessToken::new(session.access_token)?,
            expires_at: SystemClock
                .unix_seconds()
                .saturating_add(session.expires_in),
        })
    }
}

#[async_trait]
impl TokenProvider for CachingProvider {
    async fn access_token(&self) -> Result<Option<AccessToken>, supabase_core::Error> {
        {
            let cached = self.state.read().await;
            if self.fresh(&cached) {
                return Ok(Some(cached.token.clone()));
            }
        }
        let mut cached = self.state.write().await;
        if !self.fresh(&cached) {
            *cached = self.refresh().await?;
        }
        Ok(Some(cached.token.clone()))
    }
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("refresh_url", &self.refresh_url.as_str())
            .field("margin_secs", &self.margin_secs)
            .field("refreshes", &self.refreshes())
            .finish_non_exhaustive()
    }
}
