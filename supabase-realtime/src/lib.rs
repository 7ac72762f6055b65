//! Supabase Realtime for Rust: channels with database changes (`postgres_changes`),
//! broadcast and presence over one websocket, each channel carrying the token of the client
//! value that opened it.
//!
//! - [`RealtimeClient`]: the socket (opened at the first subscribe, heartbeats every 25 s,
//!   reconnects with backoff and rejoins every channel), and handles per token source
//!   ([`RealtimeClient::with_token_provider`]).
//! - [`ChannelBuilder`]: a channel's configuration and its listeners, as streams:
//!   [`ChangeStream`] (typed database changes), [`BroadcastStream`], [`PresenceStream`],
//!   [`StatusStream`].
//! - [`RealtimeChannel`]: a joined channel: send broadcasts (socket, or HTTP when not joined),
//!   track presence, leave.
//!
//! Tokens come only from a [`supabase_core::TokenProvider`]: a channel joins with its
//! provider's token (`access_token` in `phx_join`), and the new token is pushed to its joined
//! channels as soon as the provider signals a change, and re-read at every heartbeat.
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use supabase_realtime::{PostgresChangesFilter, PostgresEvent, RealtimeClient};
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct Todo { id: i64, title: String }
//!
//! # async fn demo() -> Result<(), supabase_realtime::RealtimeError> {
//! let client = RealtimeClient::new("https://xyzcompany.supabase.co", "public-anon-key")?;
//! let mut builder = client.channel("db")?;
//! let mut todos = builder.postgres_changes::<Todo>(
//!     PostgresChangesFilter::new(PostgresEvent::All, "public").table("todos"),
//! )?;
//! let _channel = builder.subscribe().await?;
//! while let Some(change) = todos.next().await {
//!     let change = change?;
//!     println!("{:?}: {:?}", change.kind, change.new);
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

#[cfg(target_arch = "wasm32")]
mod browser;
mod channel;
mod client;
mod error;
mod postgres;
mod presence;
mod protocol;
mod socket;

pub use channel::{
    BroadcastMessage, BroadcastStream, ChannelBuilder, ChannelState, ChannelStatus, PresenceStream,
    RealtimeChannel, StatusStream,
};
pub use client::{Backoff, Io, RealtimeClient, RealtimeOptions, SocketStats};
pub use error::{RealtimeError, Result};
pub use postgres::{
    ChangeKind, ChangeStream, PostgresChange, PostgresChangesFilter, PostgresEvent,
};
pub use presence::{Presence, PresenceEvent, PresenceState};
pub use protocol::BroadcastPayload;
pub use supabase_core::{AccessToken, ServiceError, StaticTokenProvider, TokenProvider};
