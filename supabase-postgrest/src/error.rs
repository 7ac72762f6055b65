//! The error type of `supabase-postgrest`.

use supabase_core::ApiError;

/// Errors of the PostgREST client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was not sent because an argument is invalid (empty table name, a name
    /// with control characters, …).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A request body could not be serialized to JSON.
    #[error("could not serialize the request body: {0}")]
    Serialize(#[source] serde_json::Error),
    /// Transport, configuration, token or server error (see [`supabase_core::Error`]).
    #[error(transparent)]
    Core(#[from] supabase_core::Error),
}

impl Error {
    /// The server's error answer, when there was one (status, code, message, details, hint).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Core(e) => e.as_api(),
            _ => None,
        }
    }

    /// The PostgREST or SQLSTATE error code (`PGRST116`, `23505`, …), when the server sent one.
    pub fn code(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.code.as_deref())
    }

    /// The HTTP status of the error answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.as_api().map(|e| e.status)
    }
}

impl From<ApiError> for Error {
    fn from(value: ApiError) -> Self {
        Error::Core(value.into())
    }
}
