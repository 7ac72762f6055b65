//! The error type of `supabase-functions`.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use supabase_core::{HeaderMap, StatusCode, is_secret_header, redact_secrets};

/// Everything that can go wrong invoking an Edge Function.
///
/// The three failures functions-js knows map onto [`FunctionsError::Http`] (the function
/// answered non-2xx), [`FunctionsError::Relay`] (the Supabase relay failed, `x-relay-error:
/// true`) and [`FunctionsError::Fetch`] / [`FunctionsError::Timeout`] (no answer). Bad input is
/// refused before anything is sent ([`FunctionsError::InvalidInput`]).
///
/// No variant's `Display` or `Debug` shows a key or a token: headers that carry credentials are
/// redacted and bodies are shown as their length and a redacted snippet.
///
/// ```
/// use supabase_functions::FunctionsError;
///
/// let e = FunctionsError::InvalidInput("a GET request cannot have a body".into());
/// assert_eq!(e.to_string(), "invalid input: a GET request cannot have a body");
/// assert_eq!(e.status(), None);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FunctionsError {
    /// The function answered with a non-2xx status (functions-js `FunctionsHttpError`). The
    /// answer (status, headers, up to 64 KiB of body) is kept.
    #[error("the Edge Function answered HTTP {}", .0.status())]
    Http(Box<ErrorResponse>),
    /// The Supabase relay in front of the function failed (`x-relay-error: true`, whatever
    /// the status; functions-js `FunctionsRelayError`).
    #[error("the Supabase relay failed to invoke the Edge Function (HTTP {})", .0.status())]
    Relay(Box<ErrorResponse>),
    /// The request got no answer: connection refused or reset, DNS, TLS, a redirect to another
    /// origin (functions-js `FunctionsFetchError`).
    #[error("the request to the Edge Function got no answer")]
    Fetch(#[source] supabase_core::Error),
    /// The time limit (per call, or the client's) passed before the answer (or the whole
    /// streamed body) arrived.
    #[error("the Edge Function did not answer within the time limit")]
    Timeout,
    /// The answer's body broke off before its end (the connection was cut while streaming).
    #[error("the Edge Function's answer broke off")]
    Interrupted(#[source] supabase_core::Error),
    /// The answer's body is larger than the limit.
    #[error("the Edge Function's answer is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// One Server-Sent Event (or one line of the stream) is larger than the limit.
    #[error("a Server-Sent Event is larger than the limit of {limit} bytes")]
    EventTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The answer does not have the content type the caller asked to read it as (for
    /// example [`events`](crate::StreamingFunctionResponse::events) on a JSON answer).
    #[error("expected a `{expected}` answer, got {}", actual.as_deref().map_or("no content type".to_owned(), |a| format!("`{a}`")))]
    UnexpectedContentType {
        /// What the caller asked for.
        expected: &'static str,
        /// The answer's `Content-Type` (lowercased, without parameters), if any.
        actual: Option<String>,
    },
    /// The answer could not be decoded into the requested type.
    #[error("could not decode the Edge Function's answer: {message}")]
    Decode {
        /// What went wrong (secrets redacted).
        message: String,
        /// The answer's content type, if any.
        content_type: Option<String>,
        /// A bounded, redacted prefix of the body.
        body_snippet: String,
    },
    /// An argument was refused before anything was sent (a GET with a body, an empty
    /// function name, a header carrying a credential, …).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Any other error of the shared foundation (invalid URL or header, no token available).
    #[error(transparent)]
    Core(supabase_core::Error),
}

impl FunctionsError {
    /// The HTTP status, when the function (or the relay) answered with an error.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(ErrorResponse::status)
    }

    /// The error answer, for [`FunctionsError::Http`] and [`FunctionsError::Relay`].
    pub fn response(&self) -> Option<&ErrorResponse> {
        match self {
            FunctionsError::Http(r) | FunctionsError::Relay(r) => Some(r),
            _ => None,
        }
    }

    /// Maps an error met while reading an answer's body.
    pub(crate) fn from_body(e: supabase_core::Error) -> Self {
        match e {
            supabase_core::Error::Transport { .. } => FunctionsError::Interrupted(e),
            other => FunctionsError::from(other),
        }
    }
}

impl From<supabase_core::Error> for FunctionsError {
    fn from(e: supabase_core::Error) -> Self {
        match e {
            supabase_core::Error::Timeout => FunctionsError::Timeout,
            supabase_core::Error::ResponseTooLarge { limit } => {
                FunctionsError::ResponseTooLarge { limit }
            }
            supabase_core::Error::InvalidInput(message) => FunctionsError::InvalidInput(message),
            e @ supabase_core::Error::Transport { .. } => FunctionsError::Fetch(e),
            other => FunctionsError::Core(other),
        }
    }
}

/// An error answer of a function or of the relay: status, headers and (up to 64 KiB of) body.
///
/// `Debug` redacts credential headers and shows the body as its length.
///
/// ```
/// use supabase_functions::{ErrorResponse, HeaderMap, StatusCode};
///
/// let answer = ErrorResponse::new(StatusCode::BAD_REQUEST, HeaderMap::new(), r#"{"error":"no name"}"#.into());
/// let body: serde_json::Value = answer.json().unwrap();
/// assert_eq!(body["error"], "no name");
/// assert_eq!(answer.text(), r#"{"error":"no name"}"#);
/// ```
#[derive(Clone)]
pub struct ErrorResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl ErrorResponse {
    /// Builds one (for tests).
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body (at most 64 KiB of it when the answer was streamed).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, FunctionsError> {
        decode_json(&self.body, content_type(&self.headers))
    }
}

impl fmt::Debug for ErrorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// A header map with credential values replaced by `[REDACTED]`.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if value.is_sensitive() || is_secret_header(name.as_str()) {
                    "[REDACTED]".to_owned()
                } else {
                    redact_secrets(&String::from_utf8_lossy(value.as_bytes()))
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

/// The `Content-Type` of `headers`, lowercased, without parameters.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("content-type")?;
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text.split(';').next().unwrap_or_default().trim();
    Some(essence.to_ascii_lowercase())
}

/// A bounded, redacted prefix of a body for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX: usize = 256;
    let cut = body.get(..MAX.min(body.len())).unwrap_or_default();
    let mut text = redact_secrets(&String::from_utf8_lossy(cut));
    if body.len() > MAX {
        text.push('…');
    }
    text
}

/// Decodes JSON, with the content type and a snippet in the error.
pub(crate) fn decode_json<T: DeserializeOwned>(
    body: &[u8],
    content_type: Option<String>,
) -> Result<T, FunctionsError> {
    serde_json::from_slice(body).map_err(|e| FunctionsError::Decode {
        message: redact_secrets(&e.to_string()),
        content_type,
        body_snippet: snippet(body),
    })
}

impl supabase_core::ServiceError for FunctionsError {
    fn core(&self) -> Option<&supabase_core::Error> {
        match self {
            FunctionsError::Core(e) | FunctionsError::Fetch(e) | FunctionsError::Interrupted(e) => {
                Some(e)
            }
            _ => None,
        }
    }

    fn status(&self) -> Option<u16> {
        FunctionsError::status(self).map(|s| s.as_u16())
    }

    /// Functions answer with the function's own body; there is no service error code.
    fn code(&self) -> Option<&str> {
        None
    }

    fn is_retryable(&self) -> bool {
        match self {
            FunctionsError::Timeout => true,
            _ => {
                self.core().is_some_and(supabase_core::Error::is_retryable)
                    || FunctionsError::status(self).is_some_and(|s| {
                        s.as_u16() == 429 || (s.is_server_error() && s.as_u16() != 501)
                    })
            }
        }
    }

    fn is_timeout(&self) -> bool {
        matches!(self, FunctionsError::Timeout)
            || matches!(self.core(), Some(supabase_core::Error::Timeout))
    }
}
