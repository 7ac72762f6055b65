//! The error type of `supabase-auth`.

use supabase_core::ApiError;

/// Errors of the Auth client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input, transport failure or server error (see [`supabase_core::Error`]); a
    /// malformed token is [`supabase_core::Error::MalformedJwt`], an expired one
    /// [`supabase_core::Error::ExpiredJwt`].
    #[error(transparent)]
    Core(#[from] supabase_core::Error),
}

impl Error {
    /// The server's error answer, when there was one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Core(e) => e.as_api(),
        }
    }
}
