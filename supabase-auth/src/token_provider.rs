//! The session-backed [`TokenProvider`] that data clients (PostgREST, …) use.

use std::fmt;
use std::sync::Arc;

use supabase_core::{AccessToken, TokenChanges, TokenProvider, async_trait};

use crate::state::Inner;

/// Hands out the access token of the current session of an [`AuthClient`](crate::AuthClient),
/// refreshing it first when it expires within the margin (90 s by default, as auth-js).
///
/// - `Ok(Some(token))` while signed in; `Ok(None)` when signed out, so the project key is
///   sent instead.
/// - However many requests ask at once, one refresh runs and all of them get its result
///   (refresh tokens rotate: replaying a used one would revoke the session).
/// - When the refresh fails but the current token is still valid, that token is handed out.
/// - When it fails for good (not a network error or 5xx) after the token expired, the session
///   is dropped (`SignedOut`) and the error is returned as
///   [`supabase_core::Error::TokenUnavailable`]; later calls return `Ok(None)`.
/// - A network or 5xx failure after expiry is returned as `TokenUnavailable` too, and the
///   session is kept for a later attempt (auth-js would send the project key instead).
///
/// [`TokenProvider::changes`] fires after every sign-in, refresh, user update and sign-out.
///
/// It never sees a [`set_auth`](crate::AuthClient::set_auth) token: that override is
/// composed on top by whoever holds both (the façade: override > `access_token` option >
/// session > key).
///
/// ```
/// use supabase_auth::AuthClient;
/// use supabase_core::TokenProvider;
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let auth = AuthClient::new("https://xyzcompany.supabase.co/auth/v1", "anon-key").unwrap();
/// let tokens = auth.session_token_provider();
/// // Signed out: no token, the project key is used.
/// assert!(tokens.access_token().await.unwrap().is_none());
/// # });
/// ```
#[derive(Clone)]
pub struct SessionTokenProvider {
    inner: Arc<Inner>,
}

impl SessionTokenProvider {
    pub(crate) fn new(inner: Arc<Inner>) -> Self {
        Self { inner }
    }
}

impl fmt::Debug for SessionTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokenProvider")
            .field("storage_key", &self.inner.settings.storage_key)
            .finish_non_exhaustive()
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl TokenProvider for SessionTokenProvider {
    async fn access_token(&self) -> Result<Option<AccessToken>, supabase_core::Error> {
        self.inner
            .fresh_access_token()
            .await
            .map_err(|e| supabase_core::Error::TokenUnavailable(Box::new(e)))
    }

    /// Fires after every sign-in, refresh, user update and sign-out of the session (each
    /// commit of the session state), so long-lived connections (Realtime) ask again.
    fn changes(&self) -> Option<TokenChanges> {
        Some(self.inner.changes.subscribe())
    }
}
