//! The error type of `supabase-auth`.

use std::sync::Arc;

use supabase_core::{ApiError, BoxError};

use crate::{AuthApiError, ErrorCode, WeakPasswordReason};

/// Errors of the Auth client.
///
/// No variant ever contains a password, a token or a key. The helpers look through
/// [`Error::Shared`], so the same code works for a direct failure and for one handed to
/// every waiter of a refresh.
///
/// ```
/// use supabase_auth::{AuthApiError, Error, ErrorCode};
///
/// let answer = AuthApiError::from_parts(
///     400,
///     &Default::default(),
///     br#"{"code":"invalid_credentials","message":"Invalid login credentials"}"#,
/// );
/// let err = Error::from(answer);
/// assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials));
/// assert_eq!(err.status(), Some(400));
/// assert!(!err.is_retryable());
/// assert!(!err.is_session_missing());
/// assert!(Error::SessionMissing.is_session_missing());
/// assert_eq!(err.as_api().unwrap().message, "Invalid login credentials");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input caught before sending, a transport failure or an undecodable answer (see
    /// [`supabase_core::Error`]); a malformed token is [`supabase_core::Error::MalformedJwt`],
    /// an expired one [`supabase_core::Error::ExpiredJwt`], other bad arguments
    /// [`supabase_core::Error::InvalidInput`].
    #[error(transparent)]
    Core(#[from] supabase_core::Error),
    /// The Auth server answered with an error status.
    #[error(transparent)]
    Api(Box<AuthApiError>),
    /// The call needs a signed-in session (or a `set_auth` token) and there is none. Nothing
    /// was sent.
    #[error("Auth session missing")]
    SessionMissing,
    /// A sign-in answered 2xx but without a complete session.
    #[error("the Auth server answered without a session")]
    InvalidTokenResponse,
    /// `exchange_code_for_session` found no stored PKCE code verifier (code
    /// `pkce_code_verifier_not_found` in auth-js). Nothing was sent.
    #[error("no PKCE code verifier is stored for this flow (pkce_code_verifier_not_found)")]
    PkceVerifierMissing,
    /// An [`AdminClient`](crate::AdminClient) can only be built from a service-role or secret
    /// key.
    #[error("admin calls need a service-role or secret key: {reason}")]
    AdminKeyRequired {
        /// Why the key was refused.
        reason: &'static str,
    },
    /// A refresh finished after the session was changed or signed out; its tokens were thrown
    /// away (auth-js `AuthRefreshDiscardedError`).
    #[error("the refreshed session was discarded because the session changed meanwhile")]
    RefreshDiscarded,
    /// The session store failed. The in-memory session is still correct.
    #[error("session store failed to {operation}")]
    Store {
        /// What the store was asked to do (`load`, `save`, `remove`).
        operation: &'static str,
        /// The store's error.
        #[source]
        source: BoxError,
    },
    /// The sign-in redirect URL carried an error (`error`, `error_code`,
    /// `error_description`), see [`AuthClient::get_session_from_url`](crate::AuthClient::get_session_from_url).
    #[error("sign-in redirect failed: {error} {description}")]
    Redirect {
        /// The OAuth `error`.
        error: String,
        /// The Auth `error_code`, when given.
        code: Option<String>,
        /// The description.
        description: String,
    },
    /// A JWT could not be verified (`get_claims`).
    #[error("invalid JWT: {reason}")]
    InvalidJwt {
        /// Why (never the token).
        reason: String,
    },
    /// One failure handed to several callers, e.g. to every request that waited for the same
    /// token refresh. The helpers ([`Error::api`], [`Error::code`], …) look through it.
    #[error(transparent)]
    Shared(Arc<Error>),
}

impl From<AuthApiError> for Error {
    fn from(value: AuthApiError) -> Self {
        Error::Api(Box::new(value))
    }
}

impl Error {
    /// The error itself, or the one inside [`Error::Shared`].
    pub fn root(&self) -> &Error {
        match self {
            Error::Shared(inner) => inner.root(),
            other => other,
        }
    }

    /// The Auth server's error answer, when there was one.
    pub fn api(&self) -> Option<&AuthApiError> {
        match self.root() {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The server's error code, when there was one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.api().and_then(|e| e.code.as_ref())
    }

    /// The HTTP status of the error answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self.root() {
            Error::Api(e) => Some(e.status),
            Error::Core(e) => e.status(),
            _ => None,
        }
    }

    /// The reasons of a `weak_password` answer (empty otherwise).
    pub fn weak_password_reasons(&self) -> &[WeakPasswordReason] {
        self.api()
            .map(|e| e.weak_password_reasons.as_slice())
            .unwrap_or_default()
    }

    /// Whether there is no session: [`Error::SessionMissing`] or a server
    /// `session_not_found`.
    pub fn is_session_missing(&self) -> bool {
        match self.root() {
            Error::SessionMissing => true,
            Error::Api(e) => e.is_session_not_found(),
            _ => false,
        }
    }

    /// Whether the failure is temporary, as auth-js decides it for refreshes: the request did
    /// not get an answer (connection, timeout, body) or the answer was 500–504 / 520–530.
    pub fn is_retryable(&self) -> bool {
        match self.root() {
            Error::Api(e) => e.is_retryable(),
            Error::Core(e) => matches!(
                e,
                supabase_core::Error::Transport { .. } | supabase_core::Error::Timeout
            ),
            _ => false,
        }
    }

    /// The server's error answer as a generic [`ApiError`], when there was one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self.root() {
            Error::Core(e) => e.as_api(),
            Error::Api(e) => Some(e.as_api()),
            _ => None,
        }
    }

    /// A copy for another caller: cheap variants are rebuilt, the rest shared.
    pub(crate) fn share(shared: &Arc<Error>) -> Error {
        match shared.root() {
            Error::Api(e) => Error::Api(e.clone()),
            Error::SessionMissing => Error::SessionMissing,
            Error::InvalidTokenResponse => Error::InvalidTokenResponse,
            Error::RefreshDiscarded => Error::RefreshDiscarded,
            _ => Error::Shared(Arc::clone(shared)),
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Error {
        Error::Core(supabase_core::Error::InvalidInput(message.into()))
    }
}

impl supabase_core::ServiceError for Error {
    fn core(&self) -> Option<&supabase_core::Error> {
        match self.root() {
            Error::Core(e) => Some(e),
            _ => None,
        }
    }

    fn status(&self) -> Option<u16> {
        Error::status(self)
    }

    fn code(&self) -> Option<&str> {
        Error::code(self).map(ErrorCode::as_str)
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }

    fn api(&self) -> Option<&ApiError> {
        self.as_api()
    }
}
