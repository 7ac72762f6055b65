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
    #[cfg(not(target_arch = "wasm32"))]
    task: tokio::task::JoinHandle<()>,
    #[cfg(target_arch = "wasm32")]
    task: wasm::Task,
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
    /// Needs a tokio runtime ([`supabase_core::Error::InvalidInput`] otherwise); on `wasm32`
    /// the task runs on the JavaScript event loop (`spawn_local`, `setTimeout`) instead. The
    /// task ends when the returned handle is dropped or every clone of the client is gone.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k").unwrap();
    /// let refresher = auth.start_auto_refresh().unwrap();
    /// // … later
    /// refresher.stop();
    /// # });
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
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

/// The background refresh on `wasm32`: a task on the JavaScript event loop, stopped through a
/// flag it reads after each wait.
#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[derive(Debug, Default)]
    pub(super) struct Task {
        stop: Arc<AtomicBool>,
        finished: Arc<AtomicBool>,
    }

    impl Task {
        pub(super) fn spawn<F, Fut>(mut tick: F) -> Self
        where
            F: FnMut() -> Fut + 'static,
            Fut: std::future::Future<Output = bool> + 'static,
        {
            let task = Self::default();
            let stop = Arc::clone(&task.stop);
            let finished = Arc::clone(&task.finished);
            wasm_bindgen_futures::spawn_local(async move {
                // Like tokio's interval: the first look at once, then one per tick.
                while !stop.load(Ordering::Acquire) && tick().await {
                    supabase_core::runtime::sleep(super::AUTO_REFRESH_TICK).await;
                }
                finished.store(true, Ordering::Release);
            });
            task
        }

        pub(super) fn is_finished(&self) -> bool {
            self.finished.load(Ordering::Acquire) || self.stop.load(Ordering::Acquire)
        }

        pub(super) fn abort(&self) {
            self.stop.store(true, Ordering::Release);
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl AuthClient {
    /// Starts refreshing the session in the background: every 30 s the session is looked at
    /// and refreshed when it expires within the refresh margin, with the same single-flight
    /// refresh and failure rules as the lazy refresh. On `wasm32` the task runs on the
    /// JavaScript event loop (`spawn_local`, `setTimeout`). The task ends when the returned
    /// handle is dropped or every clone of the client is gone.
    pub fn start_auto_refresh(&self) -> Result<AutoRefresh, Error> {
        let inner: Weak<Inner> = Arc::downgrade(&self.inner);
        let task = wasm::Task::spawn(move || {
            let inner = inner.clone();
            async move {
                let Some(inner) = inner.upgrade() else {
                    return false;
                };
                // Failures are kept by the session state (cooldown, sign-out rules).
                let _ = inner.fresh_session().await;
                true
            }
        });
        Ok(AutoRefresh { task })
    }
}
