//! A [`TokenProvider`] made from an async closure.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use crate::{AccessToken, BoxError, BoxFuture, Error, MaybeSend, TokenProvider};

type TokenFuture = BoxFuture<'static, Result<Option<String>, BoxError>>;

/// A [`TokenProvider`] that calls an async closure for every request: the equivalent of
/// supabase-js's `accessToken` option, for third-party auth (Clerk, Auth0, Firebase, …).
///
/// The closure returns `Ok(Some(token))` to send that token, `Ok(None)` to send the project
/// key, or an error (reported as [`Error::TokenUnavailable`]). Cache inside the closure if
/// fetching a token is expensive.
///
/// ```
/// use supabase_core::{FnTokenProvider, TokenProvider};
///
/// # async fn run() -> Result<(), supabase_core::Error> {
/// let provider = FnTokenProvider::new(|| async { Ok(Some("eyJ.third.party".to_owned())) });
/// let token = provider.access_token().await?.expect("a token");
/// assert_eq!(token.expose(), "eyJ.third.party");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FnTokenProvider {
    fetch: Arc<dyn Fn() -> TokenFuture + Send + Sync>,
}

impl FnTokenProvider {
    /// Wraps `fetch`.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<String>, BoxError>> + MaybeSend + 'static,
    {
        Self {
            fetch: Arc::new(move || Box::pin(fetch())),
        }
    }
}

impl fmt::Debug for FnTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTokenProvider")
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl TokenProvider for FnTokenProvider {
    async fn access_token(&self) -> Result<Option<AccessToken>, Error> {
        match (self.fetch)().await.map_err(Error::TokenUnavailable)? {
            Some(token) => Ok(Some(AccessToken::new(token)?)),
            None => Ok(None),
        }
    }
}
