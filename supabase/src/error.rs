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
    /// An Edge Functions error.
    #[cfg(feature = "functions")]
    #[error(transparent)]
    Functions(#[from] supabase_functions::FunctionsError),
    /// A Realtime error.
    #[cfg(feature = "realtime")]
    #[error(transparent)]
    Realtime(#[from] supabase_realtime::RealtimeError),
    /// The Auth client is not available on this client: it was built with the
    /// `access_token` option (third-party auth), as in supabase-js.
    #[error(
        "Auth is not available: this client uses the access_token option (third-party auth); \
         use that provider's SDK to sign users in and out"
    )]
    AuthUnavailable,
    /// The operation needs the client's own key, but this client value is scoped to a user
    /// (by `set_auth` / `with_auth`).
    #[error("this client is scoped to a user; build a separate client for service-role work")]
    UserScoped,
    /// A required environment variable is missing or empty (see [`crate::Client::from_env`]).
    #[error("environment variable {0} is not set")]
    MissingEnv(&'static str),
}

impl Error {
    /// The server's error answer, when there was one (status, code, message, details, hint).
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            #[cfg(feature = "auth")]
            Error::Auth(e) => e.as_api(),
            _ => self.as_core().and_then(supabase_core::Error::as_api),
        }
    }

    /// The Auth server's error answer, when there was one (status, `error_code`, message,
    /// weak-password reasons).
    #[cfg(feature = "auth")]
    pub fn as_auth_api(&self) -> Option<&supabase_auth::AuthApiError> {
        match self {
            Error::Auth(e) => e.api(),
            _ => None,
        }
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
