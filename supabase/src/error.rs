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
    /// A Storage error.
    #[cfg(feature = "storage")]
    #[error(transparent)]
    Storage(#[from] supabase_storage::Error),
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
            #[cfg(feature = "functions")]
            Error::Functions(
                supabase_functions::FunctionsError::Core(e)
                | supabase_functions::FunctionsError::Fetch(e)
                | supabase_functions::FunctionsError::Interrupted(e),
            ) => Some(e),
            #[cfg(feature = "realtime")]
            Error::Realtime(supabase_realtime::RealtimeError::Core(e)) => Some(e),
            #[cfg(feature = "storage")]
            Error::Storage(supabase_storage::Error::Core(e)) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status the server answered with, whichever service it was (for Storage, the
    /// status its error body names).
    ///
    /// ```
    /// let error = supabase::Error::from(supabase::supabase_core::Error::from(
    ///     supabase::supabase_core::ApiError::from_body(404, br#"{"code":"PGRST205","message":"no table"}"#),
    /// ));
    /// assert_eq!(error.status(), Some(404));
    /// assert_eq!(error.code().as_deref(), Some("PGRST205"));
    /// assert!(error.is_not_found() && !error.is_retryable());
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            #[cfg(feature = "auth")]
            Error::Auth(e) => e.status(),
            #[cfg(feature = "functions")]
            Error::Functions(e) => e.status().map(|s| s.as_u16()),
            #[cfg(feature = "storage")]
            Error::Storage(e) => e.as_api().map(|api| api.status),
            _ => self.as_api().map(|api| api.status),
        }
    }

    /// The service's error code: PostgREST's (`PGRST116`, `23505`, …), Auth's `error_code`
    /// (`invalid_credentials`, …), Storage's (`NoSuchKey`, …).
    pub fn code(&self) -> Option<String> {
        match self {
            #[cfg(feature = "auth")]
            Error::Auth(e) => e.code().map(|c| c.as_str().to_owned()),
            #[cfg(feature = "storage")]
            Error::Storage(e) => e.as_api().and_then(|api| api.code.clone()),
            _ => self.as_api().and_then(|api| api.code.clone()),
        }
    }

    /// Whether sending the same request again may succeed: timeouts, connection failures,
    /// 5xx answers other than 501, 429.
    pub fn is_retryable(&self) -> bool {
        match self {
            #[cfg(feature = "auth")]
            Error::Auth(e) => e.is_retryable(),
            #[cfg(feature = "postgrest")]
            Error::Postgrest(e) => e.is_retryable(),
            #[cfg(feature = "storage")]
            Error::Storage(e) => e.is_retryable(),
            #[cfg(feature = "functions")]
            Error::Functions(supabase_functions::FunctionsError::Timeout) => true,
            _ => {
                self.as_core()
                    .is_some_and(supabase_core::Error::is_retryable)
                    || self
                        .status()
                        .is_some_and(|s| s == 429 || (s >= 500 && s != 501))
            }
        }
    }

    /// Whether the request ran out of time.
    pub fn is_timeout(&self) -> bool {
        match self {
            #[cfg(feature = "functions")]
            Error::Functions(supabase_functions::FunctionsError::Timeout) => true,
            _ => matches!(self.as_core(), Some(supabase_core::Error::Timeout)),
        }
    }

    /// Whether the thing asked for does not exist (HTTP 404, PostgREST's `PGRST205` unknown
    /// table, Storage's `NoSuchKey`/`NoSuchBucket`).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
            || matches!(
                self.code().as_deref(),
                Some("PGRST205" | "NoSuchKey" | "NoSuchBucket" | "user_not_found")
            )
    }

    /// Whether a unique constraint refused the write (Postgres `23505`; Storage's
    /// `KeyAlreadyExists`/`BucketAlreadyExists`; Auth's `email_exists`/`user_already_exists`).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self.code().as_deref(),
            Some(
                "23505"
                    | "KeyAlreadyExists"
                    | "BucketAlreadyExists"
                    | "ResourceAlreadyExists"
                    | "email_exists"
                    | "phone_exists"
                    | "user_already_exists"
            )
        )
    }

    /// The Auth error behind a data call that failed because the session could not be
    /// refreshed (the session provider's error, typed instead of boxed).
    ///
    /// ```no_run
    /// # async fn run(supabase: supabase::Client) {
    /// if let Err(error) = supabase.from("todos").select("*").execute_raw().await {
    ///     let error = supabase::Error::from(error);
    ///     if let Some(auth) = error.refresh_error() {
    ///         eprintln!("the session could not be refreshed: {auth}");
    ///     }
    /// }
    /// # }
    /// ```
    #[cfg(feature = "auth")]
    pub fn refresh_error(&self) -> Option<&supabase_auth::Error> {
        match self.as_core() {
            Some(supabase_core::Error::TokenUnavailable(source)) => {
                source.downcast_ref::<supabase_auth::Error>()
            }
            _ => None,
        }
    }
}

/// Every public client, error and builder of the façade can cross threads and live in a
/// `'static` task: checked when the crate compiles (on wasm32 too, except a stream `Body`).
#[allow(dead_code)]
fn assert_send_sync_static() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send + 'static>() {}
    send_sync::<Error>();
    send_sync::<crate::Client>();
    send_sync::<crate::ClientBuilder>();
    send_sync::<supabase_core::Config>();
    send_sync::<supabase_core::Service>();
    send_sync::<supabase_core::Transport>();
    send_sync::<supabase_core::Error>();
    // A stream body holds the caller's stream, which is not `Send` on wasm32.
    #[cfg(not(target_arch = "wasm32"))]
    send::<supabase_core::Body>();
    #[cfg(feature = "auth")]
    {
        send_sync::<supabase_auth::AuthClient>();
        send_sync::<supabase_auth::AdminClient>();
        send_sync::<supabase_auth::Error>();
        send_sync::<supabase_auth::SessionTokenProvider>();
    }
    #[cfg(feature = "postgrest")]
    {
        send_sync::<supabase_postgrest::PostgrestClient>();
        send_sync::<supabase_postgrest::Error>();
        send::<supabase_postgrest::QueryBuilder>();
    }
    #[cfg(feature = "storage")]
    {
        send_sync::<supabase_storage::StorageClient>();
        send_sync::<supabase_storage::Error>();
    }
    #[cfg(feature = "functions")]
    {
        send_sync::<supabase_functions::FunctionsClient>();
        send_sync::<supabase_functions::FunctionsError>();
    }
    #[cfg(feature = "realtime")]
    {
        send_sync::<supabase_realtime::RealtimeClient>();
        send_sync::<supabase_realtime::RealtimeError>();
        send::<supabase_realtime::RealtimeChannel>();
    }
}
