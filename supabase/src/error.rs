//! The façade's error type.

use supabase_core::ApiError;

/// Any error of the Supabase client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Configuration, bad input, transport or server error.
    #[error(transparent)]
    Core(#[from] supabase_core::Error),
    /// An Auth error.
    #[error(transparent)]
    Auth(#[from] supabase_auth::Error),
    /// A PostgREST error.
    #[error(transparent)]
    Postgrest(#[from] supabase_postgrest::Error),
}

impl Error {
    /// The server's error answer, when there was one (status, code, message, details, hint).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Core(e) => e.as_api(),
            Error::Auth(e) => e.as_api(),
            Error::Postgrest(e) => e.as_api(),
        }
    }

    /// The underlying foundation error, whichever crate reported it.
    pub fn as_core(&self) -> Option<&supabase_core::Error> {
        match self {
            Error::Core(e) => Some(e),
            Error::Auth(supabase_auth::Error::Core(e)) => Some(e),
            Error::Postgrest(supabase_postgrest::Error::Core(e)) => Some(e),
            _ => None,
        }
    }
}
