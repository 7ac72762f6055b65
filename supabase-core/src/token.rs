//! Where the bearer token of the next request comes from.

use std::fmt::{self, Debug};

use async_trait::async_trait;
use bytes::Bytes;
use http::HeaderValue;

use crate::{Error, Secret, TokenChanges, header_value};

/// A bearer token, ready to be sent.
///
/// Building one checks that the token can go into an HTTP header (not empty, no CR/LF/NUL or
/// other control characters) and prepares the `Authorization: Bearer …` value once, marked
/// sensitive; the token is kept only inside that value. Cloning one (as every request does)
/// costs one reference-count bump and no allocation. `Debug` never shows it.
///
/// ```
/// use supabase_core::AccessToken;
///
/// let token = AccessToken::new("eyJ.abc.def")?;
/// assert_eq!(token.expose(), "eyJ.abc.def");
/// assert_eq!(token.bearer_header(), "Bearer eyJ.abc.def");
/// assert_eq!(format!("{token:?}"), "AccessToken([REDACTED])");
/// assert!(AccessToken::new("bad\r\ntoken").is_err());
/// # Ok::<(), supabase_core::Error>(())
/// ```
#[derive(Clone)]
pub struct AccessToken {
    /// `Bearer <token>`, marked sensitive.
    bearer: HeaderValue,
}

/// What precedes the token in the header value.
const BEARER_PREFIX: &str = "Bearer ";

impl AccessToken {
    /// Checks and wraps a bearer token. It does not need to be a JWT (project keys are not).
    pub fn new(token: impl Into<String>) -> Result<Self, Error> {
        // Held as a `Secret` so that the caller's copy is wiped when it is dropped.
        let token = Secret::new(token);
        if token.is_empty() {
            return Err(Error::InvalidHeader {
                name: "authorization".into(),
                reason: "the bearer token is empty",
            });
        }
        let mut value = String::with_capacity(BEARER_PREFIX.len() + token.expose().len());
        value.push_str(BEARER_PREFIX);
        value.push_str(token.expose());
        // The header value takes the buffer over without copying it.
        let mut bearer = match HeaderValue::from_maybe_shared(Bytes::from(value)) {
            Ok(bearer) => bearer,
            // Name the reason (a control character, …); the prefix is always valid.
            Err(_) => {
                return Err(header_value("authorization", token.expose())
                    .err()
                    .unwrap_or(Error::InvalidHeader {
                        name: "authorization".into(),
                        reason: "not a valid HTTP header value",
                    }));
            }
        };
        bearer.set_sensitive(true);
        Ok(Self { bearer })
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        // The value was built from `BEARER_PREFIX` and a `&str`, so both always succeed.
        self.bearer
            .as_bytes()
            .get(BEARER_PREFIX.len()..)
            .and_then(|token| std::str::from_utf8(token).ok())
            .unwrap_or_default()
    }

    /// The `Authorization` header value, `Bearer <token>`, marked sensitive.
    pub fn bearer_header(&self) -> &HeaderValue {
        &self.bearer
    }
}

impl Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([REDACTED])")
    }
}

/// Yields the bearer token for the next request.
///
/// The transport asks the provider once per request. `Ok(Some(token))` sends
/// `Authorization: Bearer <token>`; `Ok(None)` means "no user": the project key is sent as the
/// bearer instead. `apikey: <project key>` is sent either way.
///
/// Implementations must be cheap when the token is known (a static token, a cached session),
/// and may do I/O when it is not (a refresh). The trait is object-safe: clients hold an
/// `Arc<dyn TokenProvider>`.
///
/// ```
/// use supabase_core::{async_trait, AccessToken, Error, TokenProvider};
///
/// /// Reads the token from somewhere of your own (a vault, another auth system, …).
/// #[derive(Debug)]
/// struct FromMyVault;
///
/// #[async_trait]
/// impl TokenProvider for FromMyVault {
///     async fn access_token(&self) -> Result<Option<AccessToken>, Error> {
///         Ok(Some(AccessToken::new("eyJ.from.vault")?))
///     }
/// }
/// ```
#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
pub trait TokenProvider: Send + Sync + Debug {
    /// The token for the next request, or `None` to use the project key.
    async fn access_token(&self) -> Result<Option<AccessToken>, Error>;

    /// Called after the server rejected the token (HTTP 401), so a caching provider can drop
    /// it. The default does nothing.
    async fn invalidate(&self) {}

    /// A signal that fires whenever the token this provider hands out may have changed, for
    /// holders of long-lived connections (Realtime pushes the new token to its channels).
    ///
    /// The default is `None`: the token never changes on its own (a static token). A
    /// provider whose token changes (a session that signs in, refreshes or signs out; a
    /// third-party provider that rotates) keeps a [`TokenChangeSender`](crate::TokenChangeSender),
    /// calls `notify` on each change and returns `Some(sender.subscribe())` here. The token
    /// itself is still read through [`TokenProvider::access_token`].
    fn changes(&self) -> Option<TokenChanges> {
        None
    }

    /// The token this provider hands out for its whole life, when it is fixed (what
    /// `set_auth` and `with_auth` install). The transport then takes it as it is, without
    /// the `.await` of [`TokenProvider::access_token`]: one step less on every request of a
    /// per-user client. The default, `None`, means "ask `access_token`"; a provider whose
    /// token can change (a session, a rotating third-party token) keeps the default.
    fn fixed_token(&self) -> Option<&AccessToken> {
        None
    }
}

/// A provider that always yields the same token: what `set_auth` and `with_auth` install.
///
/// It never refreshes, never touches a session and never changes once built.
#[derive(Clone)]
pub struct StaticTokenProvider {
    token: AccessToken,
}

impl StaticTokenProvider {
    /// A provider for this token.
    pub fn new(token: AccessToken) -> Self {
        Self { token }
    }

    /// Checks the token (see [`AccessToken::new`]) and wraps it.
    pub fn from_token(token: impl Into<String>) -> Result<Self, Error> {
        Ok(Self::new(AccessToken::new(token)?))
    }

    /// The token this provider hands out.
    pub fn token(&self) -> &AccessToken {
        &self.token
    }
}

impl Debug for StaticTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticTokenProvider")
            .field("token", &self.token)
            .finish()
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl TokenProvider for StaticTokenProvider {
    async fn access_token(&self) -> Result<Option<AccessToken>, Error> {
        Ok(Some(self.token.clone()))
    }

    fn fixed_token(&self) -> Option<&AccessToken> {
        Some(&self.token)
    }
}

/// The fallback provider: no user token, so the project key is the bearer.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProjectKeyProvider;

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl TokenProvider for ProjectKeyProvider {
    async fn access_token(&self) -> Result<Option<AccessToken>, Error> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_tokens() {
        let p = StaticTokenProvider::from_token("secret-token-value").unwrap();
        assert!(!format!("{p:?}").contains("secret-token-value"));
        assert!(!format!("{:?}", p.token()).contains("secret-token-value"));
        assert!(p.token().bearer_header().is_sensitive());
    }

    #[test]
    fn keeps_the_token_exactly() {
        for token in ["eyJ.abc.def", "with\ttab", "caf\u{e9}-t\u{f6}ken", "x"] {
            let t = AccessToken::new(token).unwrap();
            assert_eq!(t.expose(), token);
            assert_eq!(
                t.bearer_header().as_bytes(),
                format!("Bearer {token}").as_bytes()
            );
            assert!(t.bearer_header().is_sensitive());
            assert_eq!(t.clone().expose(), token);
        }
    }

    #[test]
    fn rejects_unsendable_tokens() {
        for bad in ["", "a\rb", "a\nb", "a\0b"] {
            assert!(matches!(
                AccessToken::new(bad),
                Err(Error::InvalidHeader { .. })
            ));
        }
    }
}
