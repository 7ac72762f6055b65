//! The error type of `supabase-core`.

use crate::ApiError;

/// A boxed error, used to keep foreign error types out of the public API.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (refused, DNS, TLS).
    Connect,
    /// The request or response body could not be transferred.
    Body,
    /// The server redirected too often or somewhere not allowed.
    Redirect,
    /// Any other failure of the HTTP stack.
    Other,
}

/// Errors from the shared foundation: bad input caught before sending, transport failures,
/// error answers from the server and undecodable answers.
///
/// No variant ever contains a key or a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The project or service URL is not usable.
    #[error("invalid URL: {reason}")]
    InvalidUrl {
        /// Why the URL was rejected.
        reason: String,
    },
    /// A header name or value is not allowed (for example it contains CR or LF).
    #[error("invalid header `{name}`: {reason}")]
    InvalidHeader {
        /// The header name (sanitized).
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A token is not a well-formed JWT.
    #[error("malformed JWT: {reason}")]
    MalformedJwt {
        /// Why the token was rejected (never the token itself).
        reason: &'static str,
    },
    /// A JWT has expired.
    #[error("JWT expired at {expired_at} (unix seconds)")]
    ExpiredJwt {
        /// The token's `exp` claim.
        expired_at: u64,
    },
    /// Some other argument is invalid.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The token provider could not produce a token.
    #[error("no access token available: {0}")]
    TokenUnavailable(#[source] BoxError),
    /// The request did not complete within the configured timeout.
    #[error("request timed out")]
    Timeout,
    /// The HTTP request failed before an answer arrived.
    #[error("HTTP transport error ({kind:?})")]
    Transport {
        /// What kind of failure.
        kind: TransportErrorKind,
        /// The underlying error (its URL is stripped).
        #[source]
        source: BoxError,
    },
    /// The response body was larger than allowed.
    #[error("response body larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The server answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A successful answer could not be decoded into the requested type.
    #[error("could not decode response at `{path}`: {message}")]
    Decode {
        /// The path of the field that failed (`.` for the root).
        path: String,
        /// What went wrong.
        message: String,
        /// A bounded prefix of the body.
        body_snippet: String,
    },
}

impl From<ApiError> for Error {
    fn from(value: ApiError) -> Self {
        Error::Api(Box::new(value))
    }
}

impl Error {
    /// The API error, when the server answered with an error status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e.as_ref()),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.as_api().map(|e| e.status)
    }

    /// Whether retrying the same request may succeed (timeouts, connection failures, 5xx
    /// except 501, 429).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout => true,
            Error::Transport { kind, .. } => {
                matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Body)
            }
            Error::Api(e) => e.status == 429 || (e.status >= 500 && e.status != 501),
            _ => false,
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            return Error::Timeout;
        }
        let kind = if is_connect(&err) {
            TransportErrorKind::Connect
        } else if err.is_body() || err.is_decode() {
            TransportErrorKind::Body
        } else if err.is_redirect() {
            TransportErrorKind::Redirect
        } else {
            TransportErrorKind::Other
        };
        Error::Transport {
            kind,
            source: Box::new(err.without_url()),
        }
    }
}

/// Whether the request failed before any answer: a connection failure on native targets.
#[cfg(not(target_arch = "wasm32"))]
fn is_connect(err: &reqwest::Error) -> bool {
    err.is_connect()
}

/// Whether the request failed before any answer. On `wasm32`, `fetch` rejects with a bare
/// `TypeError` for every network failure (DNS, refused connection, TLS, CORS), which reqwest
/// reports as a request error without a status: the same "nothing was answered" case.
#[cfg(target_arch = "wasm32")]
fn is_connect(err: &reqwest::Error) -> bool {
    err.is_request() && err.status().is_none()
}
