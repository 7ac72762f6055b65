//! The crate's error type.

/// Everything that can go wrong in this crate.
///
/// No variant ever contains the project key or a token: connection failures are described
/// without the socket URL (which carries the key as `apikey`), and server reasons are passed
/// through [`supabase_core::redact_secrets`].
///
/// ```
/// use supabase_realtime::RealtimeError;
///
/// let e = RealtimeError::ChannelError {
///     topic: "realtime:room1".into(),
///     reason: "Unauthorized".into(),
/// };
/// assert_eq!(e.to_string(), "channel `realtime:room1` error: Unauthorized");
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RealtimeError {
    /// An argument was refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The server did not answer the join (or a push waiting for an ack) in time.
    #[error("`{topic}`: no answer within the timeout")]
    TimedOut {
        /// The channel topic (`realtime:<name>`).
        topic: String,
    },
    /// The server refused the join or reported an error on the channel.
    #[error("channel `{topic}` error: {reason}")]
    ChannelError {
        /// The channel topic.
        topic: String,
        /// The server's reason (secrets redacted).
        reason: String,
    },
    /// The channel was closed (left, removed, or closed by the server) before the operation
    /// finished.
    #[error("channel `{topic}` is closed")]
    Closed {
        /// The channel topic.
        topic: String,
    },
    /// Another channel with this topic is already on the socket (the server allows one join
    /// per topic per socket).
    #[error("a channel with topic `{topic}` is already on this socket")]
    DuplicateTopic {
        /// The channel topic.
        topic: String,
    },
    /// The channel's token has expired (its `exp` claim is in the past).
    #[error("the access token expired at {expired_at} (unix seconds)")]
    TokenExpired {
        /// The token's `exp` claim.
        expired_at: u64,
    },
    /// The websocket could not be opened or broke.
    #[error("websocket connection failed: {reason}")]
    Connection {
        /// What went wrong (never the URL: it carries the project key).
        reason: String,
    },
    /// A frame from the server could not be understood; the socket stays open.
    #[error("malformed frame: {reason}")]
    Protocol {
        /// What was wrong with it.
        reason: String,
    },
    /// A record could not be decoded into the caller's type.
    #[error("could not decode {what}: {reason}")]
    Decode {
        /// What was decoded (`new record`, `old record`, `broadcast payload`, …).
        what: &'static str,
        /// The serde error.
        reason: String,
    },
    /// The socket task is gone (the runtime shut down).
    #[error("the realtime socket task has stopped")]
    SocketStopped,
    /// An error from the shared foundation (HTTP broadcast, token provider, URL checks).
    #[error(transparent)]
    Core(std::sync::Arc<supabase_core::Error>),
}

impl From<supabase_core::Error> for RealtimeError {
    fn from(value: supabase_core::Error) -> Self {
        RealtimeError::Core(std::sync::Arc::new(value))
    }
}

/// Shorthand for this crate's results.
pub type Result<T, E = RealtimeError> = std::result::Result<T, E>;

impl supabase_core::ServiceError for RealtimeError {
    fn core(&self) -> Option<&supabase_core::Error> {
        match self {
            RealtimeError::Core(e) => Some(e),
            _ => None,
        }
    }

    fn status(&self) -> Option<u16> {
        self.core().and_then(supabase_core::Error::status)
    }

    fn code(&self) -> Option<&str> {
        self.core()
            .and_then(supabase_core::Error::as_api)
            .and_then(|api| api.code.as_deref())
    }

    fn is_retryable(&self) -> bool {
        self.core().is_some_and(supabase_core::Error::is_retryable)
    }
}
