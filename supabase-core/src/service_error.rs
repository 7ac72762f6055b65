//! One shape for "a call failed", implemented by every service's error type.

use crate::{ApiError, Error};

/// What any service's error says about a failed call, in the same shape for every service,
/// so code that handles errors from several services (the `supabase` façade's `Error`, your
/// own retry loop) asks the same questions of each.
///
/// Every service crate implements it for its error type; a service crate of your own can
/// too.
///
/// ```
/// use supabase_core::{ApiError, Error, ServiceError};
///
/// let error = Error::from(ApiError::from_body(503, br#"{"code":"X1","message":"busy"}"#));
/// let failed: &dyn ServiceError = &error;
/// assert_eq!(failed.status(), Some(503));
/// assert_eq!(failed.code(), Some("X1"));
/// assert!(failed.is_retryable() && !failed.is_timeout());
/// ```
pub trait ServiceError: std::error::Error + Send + Sync + 'static {
    /// The foundation error underneath (transport, timeout, configuration, a server answer
    /// core decoded), when there is one.
    fn core(&self) -> Option<&Error>;

    /// The HTTP status the server answered with (for Storage, the status its error body
    /// names), when there was an answer.
    fn status(&self) -> Option<u16>;

    /// The service's error code (PostgREST's `PGRST116` or a Postgres SQLSTATE, Auth's
    /// `error_code`, Storage's `NoSuchKey`, …), when the answer carried one.
    fn code(&self) -> Option<&str>;

    /// Whether sending the same request again may succeed.
    fn is_retryable(&self) -> bool;

    /// Whether the call ran out of time.
    fn is_timeout(&self) -> bool {
        matches!(self.core(), Some(Error::Timeout))
    }

    /// The server's error answer in core's generic form, when there was one.
    fn api(&self) -> Option<&ApiError> {
        self.core().and_then(Error::as_api)
    }
}

impl ServiceError for Error {
    fn core(&self) -> Option<&Error> {
        Some(self)
    }

    fn status(&self) -> Option<u16> {
        Error::status(self)
    }

    fn code(&self) -> Option<&str> {
        self.as_api().and_then(|api| api.code.as_deref())
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }
}
