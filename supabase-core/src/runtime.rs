//! What differs between native targets and `wasm32` (the browser, Node), in one place.
//!
//! - [`BoxFuture`] and [`MaybeSend`]: futures and streams are `Send` on native targets (they
//!   run on tokio's multi-threaded runtime); on `wasm32` they hold JavaScript values (the
//!   browser's `fetch`) and are not, so the bound is dropped there. Every boxed future and
//!   stream of the workspace is written with these, never with a bare `Send`.
//! - [`sleep`] and [`Instant`]: tokio's timer and clock on native targets (so tests that pause
//!   tokio's clock drive them); `setTimeout` and `performance.now()` on `wasm32`.
//!
//! The traits of the workspace that are implemented with `#[async_trait]`
//! ([`TokenProvider`](crate::TokenProvider), the Auth session store) are `Send` on native
//! targets and `?Send` on `wasm32`. An implementation written for both says so:
//!
//! ```
//! use supabase_core::{async_trait, AccessToken, Error, TokenProvider};
//!
//! #[derive(Debug)]
//! struct Mine;
//!
//! #[cfg_attr(not(target_arch = "wasm32"), async_trait)]
//! #[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
//! impl TokenProvider for Mine {
//!     async fn access_token(&self) -> Result<Option<AccessToken>, Error> {
//!         Ok(None)
//!     }
//! }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future: `Send` on native targets, not on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed future: `Send` on native targets, not on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// `Send` on native targets; every type on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSend: Send {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + ?Sized> MaybeSend for T {}

/// `Send` on native targets; every type on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSend {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSend for T {}

/// A monotonic instant: tokio's on native targets (it follows tokio's paused test clock),
/// `performance.now()` through `web-time` on `wasm32`.
#[cfg(not(target_arch = "wasm32"))]
pub use tokio::time::Instant;

/// A monotonic instant: tokio's on native targets (it follows tokio's paused test clock),
/// `performance.now()` through `web-time` on `wasm32`.
#[cfg(target_arch = "wasm32")]
pub use web_time::Instant;

/// Waits `duration`: tokio's timer on native targets (needs a tokio runtime with time
/// enabled, as every async use of this workspace does), `setTimeout` on `wasm32`.
pub async fn sleep(duration: Duration) {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::time::sleep(duration).await;
    #[cfg(target_arch = "wasm32")]
    gloo_timers::future::sleep(duration).await;
}
