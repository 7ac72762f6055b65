//! The façade's error type.

use supabase_core::{ApiError, ServiceError};

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
        self.service_error()?.api()
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
        self.service_error()?.core()
    }

    /// The error in the shape every service's error shares ([`ServiceError`]): what the
    /// helpers below read. `None` for the façade's own errors (`AuthUnavailable`, …).
    pub fn service_error(&self) -> Option<&dyn ServiceError> {
        match self {
            Error::Core(e) => Some(e),
            #[cfg(feature = "auth")]
            Error::Auth(e) => Some(e),
            #[cfg(feature = "postgrest")]
            Error::Postgrest(e) => Some(e),
            #[cfg(feature = "storage")]
            Error::Storage(e) => Some(e),
            #[cfg(feature = "functions")]
            Error::Functions(e) => Some(e),
            #[cfg(feature = "realtime")]
            Error::Realtime(e) => Some(e),
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
        self.service_error()?.status()
    }

    /// The service's error code: PostgREST's (`PGRST116`, `23505`, …), Auth's `error_code`
    /// (`invalid_credentials`, …), Storage's (`NoSuchKey`, …).
    pub fn code(&self) -> Option<&str> {
        self.service_error()?.code()
    }

    /// Whether sending the same request again may succeed: timeouts, connection failures,
    /// 5xx answers other than 501, 429.
    pub fn is_retryable(&self) -> bool {
        self.service_error().is_some_and(ServiceError::is_retryable)
    }

    /// Whether the request ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.service_error().is_some_and(ServiceError::is_timeout)
    }

    /// Whether the thing asked for does not exist (HTTP 404, PostgREST's `PGRST205` unknown
    /// table, Storage's `NoSuchKey`/`NoSuchBucket`).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
            || matches!(
                self.code(),
                Some("PGRST205" | "NoSuchKey" | "NoSuchBucket" | "user_not_found")
            )
    }

    /// Whether a unique constraint refused the write (Postgres `23505`; Storage's
    /// `KeyAlreadyExists`/`BucketAlreadyExists`; Auth's `email_exists`/`user_already_exists`).
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self.code(),
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
