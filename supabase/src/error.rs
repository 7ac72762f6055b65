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
    #[cfg(feature = "auth")]
    #[error(transparent)]
    Auth(#[from] supabase_auth::Error),
    /// A PostgREST error.
    #[cfg(feature = "postgrest")]
    #[error(transparent)]
    Postgrest(#[from] supabase_postgrest::Error),
    /// The Auth client is not available on this client: it was built with the
    /// `access_token` option (third-party auth), as in supabase-js.
    #[error(
        "Auth is not available: this client uses the access_token option (third-party auth); \
         use that provider's SDK to sign users in and out"
    )]
    AuthUnavailable,
    /// A required environment variable is missing or empty (see [`crate::Client::from_env`]).
    #[error("environment variable {0} is not set")]
    MissingEnv(&'static str),
}

impl Error {
    /// The server's error answer, when there was one (status, code, message, details, hint).
    pub fn as_api(&self) -> Option<&ApiError> {
        self.as_core().and_then(supabase_core::Error::as_api)
    }

    /// The underlying foundation error, whichever crate reported it.
    pub fn as_core(&self) -> Option<&supabase_core::Error> {
        match self {
            Error::Core(e) => Some(e),
            #[cfg(feature = "auth")]
            Error::Auth(supabase_auth::Error::Core(e)) => Some(e),
            #[cfg(feature = "postgrest")]
            Error::Postgrest(supabase_postgrest::Error::Core(e)) => Some(e),
            _ => None,
        }
    }
}
