//! Optional background refresh, for sessions that must stay fresh without requests (e.g. a
//! long-lived realtime connection).

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::state::Inner;
use crate::{AuthClient, Error};

/// How often the background task looks at the session (auth-js `AUTO_REFRESH_TICK_DURATION_MS`).
pub const AUTO_REFRESH_TICK: Duration = Duration::from_secs(30);

/// A running background refresh ([`AuthClient::start_auto_refresh`]); dropping it (or
/// calling [`AutoRefresh::stop`]) stops it.
#[derive(Debug)]
pub struct AutoRefresh {
    task: tokio::task::JoinHandle<()>,
}

impl AutoRefresh {
    /// Stops the background refresh.
    pub fn stop(self) {}

    /// Whether the background task is still running (it ends by itself once every clone of
    /// the client is gone).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }
}

impl Drop for AutoRefresh {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl AuthClient {
    /// Starts refreshing the session in the background: every 30 s the session is looked at
    /// and refreshed when it expires within the refresh margin, with the same single-flight
    /// refresh and failure rules as the lazy refresh. Requests do not need it (they refresh
    /// lazily); use it when something must hold a fresh token without making requests.
    ///
    /// Needs a tokio runtime ([`supabase_core::Error::InvalidInput`] otherwise). The task
    /// ends when the returned handle is dropped or every clone of the client is gone.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k").unwrap();
    /// let refresher = auth.start_auto_refresh().unwrap();
    /// // … later
    /// refresher.stop();
    /// # });
    /// ```
    pub fn start_auto_refresh(&self) -> Result<AutoRefresh, Error> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::invalid_input("start_auto_refresh needs a tokio runtime"))?;
        let inner: Weak<Inner> = Arc::downgrade(&self.inner);
        let task = runtime.spawn(async move {
            let mut ticks = tokio::time::interval(AUTO_REFRESH_TICK);
            loop {
                ticks.tick().await;
                let Some(inner) = inner.upgrade() else { break };
                // Failures are kept by the session state (cooldown, sign-out rules).
                let _ = inner.fresh_session().await;
            }
        });
        Ok(AutoRefresh { task })
    }
}
