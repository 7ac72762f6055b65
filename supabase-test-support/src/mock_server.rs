//! A wiremock server that is safe to drop anywhere, tokio runtime threads included.
//!
//! # Why
//!
//! `impl Drop for wiremock::MockServer` (wiremock 0.6) runs
//! `futures::executor::block_on(self.verify())`, and `verify` takes a read lock on the
//! server's state (a tokio `RwLock`, i.e. a batch semaphore). Tokio's semaphore charges the
//! acquisition to the current task's cooperative budget (128 units per poll, kept in a
//! thread-local): when the test's task has spent its budget in the poll that drops the
//! server, `Acquire::poll` answers `Pending` even though the lock is free, and hands its
//! waker to tokio (woken at once outside a worker, deferred to the end of the poll on a
//! worker). The budget is reset only when tokio polls the task again, which never happens
//! because the thread is stuck in the synchronous `block_on`: the test thread spins (or
//! parks) forever. Under load more work is ready per poll, so the budget runs out more
//! often; `supabase/tests/set_auth.rs` hung about once in a hundred runs on a busy CPU.
//!
//! # What this does
//!
//! [`MockServer`] wraps a [`wiremock::MockServer`] started with
//! `wiremock::MockServer::builder().start()` (a server of its own, never one from
//! wiremock's pool) and, when dropped, drops the wiremock server on a fresh OS thread
//! ([`drop_off_runtime`]) and waits for it. That thread has no tokio context, so no budget
//! applies; the lock is only ever held by wiremock's own server thread, so the wait always
//! ends. Unmet `expect(..)` counts still fail the test: the verification panic is carried
//! back to the dropping thread.
//!
//! # Use
//!
//! Import this type instead of wiremock's; everything else stays as it was
//! (`Mock::mount(&server)`, `server.uri()`, `server.received_requests()` and any helper
//! taking `&wiremock::MockServer` work through `Deref`):
//!
//! ```
//! use supabase_test_support::MockServer;
//! use wiremock::{Mock, ResponseTemplate, matchers::method};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let server = MockServer::start().await;
//! Mock::given(method("GET"))
//!     .respond_with(ResponseTemplate::new(200))
//!     .expect(0)
//!     .mount(&server)
//!     .await;
//! # });
//! ```

use std::fmt;
use std::ops::Deref;

/// A [`wiremock::MockServer`] of its own (not pooled) that never blocks a runtime thread
/// when dropped; see the [module documentation](self).
pub struct MockServer {
    inner: Option<wiremock::MockServer>,
}

impl MockServer {
    /// Starts a new, unpooled wiremock server on a random local port.
    pub async fn start() -> Self {
        Self::from_wiremock(wiremock::MockServer::builder().start().await)
    }

    /// Wraps a server built some other way (e.g. `wiremock::MockServer::builder()` with
    /// request recording turned off).
    pub fn from_wiremock(server: wiremock::MockServer) -> Self {
        Self {
            inner: Some(server),
        }
    }
}

impl Deref for MockServer {
    type Target = wiremock::MockServer;

    fn deref(&self) -> &wiremock::MockServer {
        self.inner
            .as_ref()
            .expect("the wiremock server is present until drop")
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Some(server) => write!(f, "MockServer({})", server.uri()),
            None => f.write_str("MockServer(dropped)"),
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(server) = self.inner.take() {
            drop_off_runtime(server);
        }
    }
}

/// Drops `value` on a new OS thread (no tokio context, so no cooperative budget and no
/// runtime to block) and waits for that drop to end. A panic raised by the drop (wiremock's
/// unmet expectations) is raised again here, unless this thread is already panicking.
///
/// Use it for anything whose `Drop` blocks on async work (`wiremock::MockServer`,
/// `wiremock::MockGuard`): such a drop must never run on a thread that is polling a
/// tokio task. It must not be used for values whose drop needs the calling thread itself
/// to make progress.
pub fn drop_off_runtime<T: Send + 'static>(value: T) {
    let dropper = std::thread::Builder::new()
        .name("mock-drop".into())
        .spawn(move || drop(value))
        .expect("cannot start a thread to drop the mock server");
    if let Err(panic) = dropper.join()
        && !std::thread::panicking()
    {
        std::panic::resume_unwind(panic);
    }
}
