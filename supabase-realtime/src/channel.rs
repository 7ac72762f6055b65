//! Channels: the builder (config and listeners), the joined channel, and its streams.

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use supabase_core::TokenProvider;
use tokio::sync::{mpsc, oneshot};

use crate::client::{ClientShared, RealtimeClient};
use crate::postgres::{ChangeItem, ChangeStream, PostgresChangesFilter};
use crate::presence::{PresenceEvent, PresenceState};
use crate::protocol::BroadcastPayload;
use crate::socket::{Command, PushKind};
use crate::{RealtimeError, Result};

/// Where a channel is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChannelState {
    /// Not joined yet, or waiting for the socket to (re)connect.
    Joining,
    /// Joined: the server answered the join with `ok`.
    Joined,
    /// The connection was lost or the server reported an error; a rejoin is scheduled.
    Errored,
    /// Left, removed or closed by the server: the channel is gone.
    Closed,
}

/// What happened to a channel, in order, on its status stream.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ChannelStatus {
    /// The join was answered with `ok` (after the first subscribe, and after every rejoin).
    Subscribed,
    /// A join was not answered in time.
    TimedOut,
    /// The server refused the join or reported an error on the channel.
    ChannelError {
        /// The server's reason.
        reason: String,
    },
    /// The connection was lost; the channel will be rejoined once the socket reconnects.
    Reconnecting {
        /// Why the connection was lost.
        reason: String,
    },
    /// The channel's token has expired (its `exp` is in the past); the token is not pushed.
    /// Give the provider a fresh token (or sign in again) to go on.
    TokenExpired {
        /// The token's `exp` claim, unix seconds.
        expired_at: u64,
    },
    /// The token provider failed to give a token.
    TokenUnavailable {
        /// Why.
        reason: String,
    },
    /// A `system` message from the server (for example "Subscribed to PostgreSQL").
    System {
        /// `ok` or `error`.
        status: String,
        /// The server's message.
        message: String,
        /// The extension it is about (`postgres_changes`), if any.
        extension: Option<String>,
    },
    /// A frame for this channel could not be understood; the socket and channel go on.
    Malformed {
        /// What was wrong.
        reason: String,
    },
    /// The channel is gone (left, removed, or closed by the server). Its streams end.
    Closed,
}

/// A broadcast message received on a channel.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BroadcastMessage {
    /// The user event (`msg`, …).
    pub event: String,
    /// The payload: JSON, or bytes for binary broadcasts.
    pub payload: BroadcastPayload,
    /// Server metadata (binary frames), if any.
    pub meta: Option<Value>,
}

impl BroadcastMessage {
    /// The JSON payload decoded into `T`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        match &self.payload {
            BroadcastPayload::Json(v) => {
                serde_json::from_value(v.clone()).map_err(|e| RealtimeError::Decode {
                    what: "broadcast payload",
                    reason: e.to_string(),
                })
            }
            BroadcastPayload::Binary(_) => Err(RealtimeError::Decode {
                what: "broadcast payload",
                reason: "the payload is binary, not JSON".into(),
            }),
        }
    }
}

/// The join configuration of a channel.
#[derive(Debug, Clone, Default)]
pub(crate) struct JoinConfig {
    pub broadcast_self: Option<bool>,
    pub broadcast_ack: Option<bool>,
    pub presence_key: Option<String>,
    pub presence_enabled: Option<bool>,
    pub private: bool,
    pub postgres: Vec<PostgresChangesFilter>,
    pub presence_listeners: bool,
}

impl JoinConfig {
    /// `config` of the join payload, merged as realtime-js does (a given `broadcast` or
    /// `presence` object replaces the default whole).
    pub(crate) fn to_json(&self) -> Value {
        let mut broadcast = Map::new();
        if self.broadcast_self.is_none() && self.broadcast_ack.is_none() {
            broadcast.insert("ack".into(), false.into());
            broadcast.insert("self".into(), false.into());
        } else {
            if let Some(ack) = self.broadcast_ack {
                broadcast.insert("ack".into(), ack.into());
            }
            if let Some(s) = self.broadcast_self {
                broadcast.insert("self".into(), s.into());
            }
        }
        let mut presence = Map::new();
        if let Some(key) = &self.presence_key {
            presence.insert("key".into(), key.clone().into());
        } else if self.presence_enabled.is_none() {
            presence.insert("key".into(), "".into());
        }
        let enabled = self.presence_listeners || self.presence_enabled == Some(true);
        presence.insert("enabled".into(), enabled.into());
        json!({
            "broadcast": broadcast,
            "presence": presence,
            "postgres_changes": self.postgres.iter().map(PostgresChangesFilter::to_config).collect::<Vec<_>>(),
            "private": self.private,
        })
    }

    pub(crate) fn ack(&self) -> bool {
        self.broadcast_ack == Some(true)
    }
}

/// Listeners and state shared by the socket task and the handles.
#[derive(Default)]
pub(crate) struct ChannelInner {
    pub state: Option<ChannelState>,
    /// Index-aligned with `JoinConfig::postgres`: the server's id and the sender.
    pub pg: Vec<(Option<u64>, mpsc::UnboundedSender<ChangeItem>)>,
    pub broadcast: Vec<(String, mpsc::UnboundedSender<BroadcastMessage>)>,
    pub presence_tx: Vec<mpsc::UnboundedSender<PresenceEvent>>,
    pub status_tx: Vec<mpsc::UnboundedSender<ChannelStatus>>,
    pub presence: PresenceState,
    pub presence_join_ref: Option<String>,
    pub pending_diffs: Vec<(PresenceState, PresenceState)>,
}

impl ChannelInner {
    pub(crate) fn emit_status(&mut self, status: ChannelStatus) {
        self.status_tx.retain(|tx| tx.send(status.clone()).is_ok());
    }

    pub(crate) fn emit_presence(&mut self, events: Vec<PresenceEvent>) {
        for event in events {
            self.presence_tx.retain(|tx| tx.send(event.clone()).is_ok());
        }
    }

    /// Ends every stream.
    pub(crate) fn clear_listeners(&mut self) {
        self.pg.clear();
        self.broadcast.clear();
        self.presence_tx.clear();
        self.status_tx.clear();
    }
}

/// One channel, as both the socket task and the handles see it.
pub(crate) struct ChannelShared {
    pub id: u64,
    pub topic: String,
    pub config: JoinConfig,
    pub tokens: Arc<dyn TokenProvider>,
    pub inner: Mutex<ChannelInner>,
}

impl ChannelShared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, ChannelInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn state(&self) -> ChannelState {
        self.lock().state.unwrap_or(ChannelState::Joining)
    }

    /// The topic without the `realtime:` prefix.
    pub(crate) fn sub_topic(&self) -> &str {
        self.topic.strip_prefix("realtime:").unwrap_or(&self.topic)
    }
}

/// A channel being set up: its configuration and listeners, before [`ChannelBuilder::subscribe`].
///
/// Listeners are streams, registered here because the server learns the `postgres_changes`
/// bindings from the join.
///
/// ```no_run
/// use futures_util::StreamExt;
/// use supabase_realtime::{PostgresChangesFilter, PostgresEvent, RealtimeClient};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Todo { id: i64, title: String }
///
/// # async fn demo() -> Result<(), supabase_realtime::RealtimeError> {
/// let client = RealtimeClient::new("https://xyzcompany.supabase.co", "public-anon-key")?;
/// let mut builder = client.channel("todos-changes")?;
/// let mut inserts = builder.postgres_changes::<Todo>(
///     PostgresChangesFilter::new(PostgresEvent::Insert, "public").table("todos"),
/// )?;
/// let mut messages = builder.broadcast("msg");
/// let channel = builder.subscribe().await?;
/// while let Some(change) = inserts.next().await {
///     println!("new todo: {:?}", change?.new);
/// }
/// # drop((channel, messages.next().await)); Ok(()) }
/// ```
pub struct ChannelBuilder {
    client: RealtimeClient,
    topic: String,
    config: JoinConfig,
    inner: ChannelInner,
}

impl std::fmt::Debug for ChannelBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelBuilder")
            .field("topic", &self.topic)
            .field("config", &self.config)
            .finish()
    }
}

impl ChannelBuilder {
    pub(crate) fn new(client: RealtimeClient, topic: String) -> Self {
        Self {
            client,
            topic,
            config: JoinConfig::default(),
            inner: ChannelInner::default(),
        }
    }

    /// The topic, `realtime:<name>`.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Receive this channel's own broadcasts (`broadcast.self`).
    #[must_use]
    pub fn broadcast_self(mut self, on: bool) -> Self {
        self.config.broadcast_self = Some(on);
        self
    }

    /// Ask the server to acknowledge each broadcast (`broadcast.ack`): sends then wait for the
    /// reply.
    #[must_use]
    pub fn broadcast_ack(mut self, on: bool) -> Self {
        self.config.broadcast_ack = Some(on);
        self
    }

    /// The presence key of this client (`presence.key`; the server picks one otherwise).
    #[must_use]
    pub fn presence_key(mut self, key: impl Into<String>) -> Self {
        self.config.presence_key = Some(key.into());
        self
    }

    /// Enable presence without listening to presence events (`presence.enabled`).
    #[must_use]
    pub fn presence_enabled(mut self, on: bool) -> Self {
        self.config.presence_enabled = Some(on);
        self
    }

    /// A private channel (`private: true`): the server checks the Realtime access policies
    /// against the channel's token.
    #[must_use]
    pub fn private(mut self, on: bool) -> Self {
        self.config.private = on;
        self
    }

    /// Listens to `postgres_changes` for `filter`; both records decode into `T`.
    pub fn postgres_changes<T: DeserializeOwned>(
        &mut self,
        filter: PostgresChangesFilter,
    ) -> Result<ChangeStream<T>> {
        self.postgres_changes_as::<T, T>(filter)
    }

    /// Listens to `postgres_changes` for `filter`; the new record decodes into `N`, the old
    /// one into `O` (deletes carry only the primary key unless `REPLICA IDENTITY FULL`).
    pub fn postgres_changes_as<N: DeserializeOwned, O: DeserializeOwned>(
        &mut self,
        filter: PostgresChangesFilter,
    ) -> Result<ChangeStream<N, O>> {
        filter.validate()?;
        let (tx, rx) = mpsc::unbounded_channel();
        self.config.postgres.push(filter);
        self.inner.pg.push((None, tx));
        Ok(ChangeStream::new(rx))
    }

    /// Listens to broadcasts of `event` (`"*"`: every event).
    pub fn broadcast(&mut self, event: impl Into<String>) -> BroadcastStream {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner.broadcast.push((event.into(), tx));
        BroadcastStream { rx }
    }

    /// Listens to presence events (sync, join, leave); enables presence in the join.
    pub fn presence(&mut self) -> PresenceStream {
        let (tx, rx) = mpsc::unbounded_channel();
        self.config.presence_listeners = true;
        self.inner.presence_tx.push(tx);
        PresenceStream { rx }
    }

    /// The channel's status stream, from the first join on.
    pub fn status(&mut self) -> StatusStream {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner.status_tx.push(tx);
        StatusStream { rx }
    }

    /// Sends a broadcast without joining: `POST /realtime/v1/api/broadcast` with the channel's
    /// token (through the shared HTTP transport).
    pub async fn send_broadcast(&self, event: &str, payload: &impl Serialize) -> Result<()> {
        let payload = to_json(payload)?;
        self.client
            .shared()
            .send_http_broadcast(
                &self.client.tokens,
                self.topic.strip_prefix("realtime:").unwrap_or(&self.topic),
                event,
                payload,
                self.config.private,
            )
            .await
    }

    /// Joins the channel and waits for the server's answer.
    ///
    /// `Ok` when the join is answered `ok` (and the `postgres_changes` bindings match);
    /// otherwise [`RealtimeError::ChannelError`] with the server's reason,
    /// [`RealtimeError::TimedOut`] (no answer within the timeout; the channel is left),
    /// [`RealtimeError::DuplicateTopic`], [`RealtimeError::TokenExpired`] (nothing sent).
    pub async fn subscribe(self) -> Result<RealtimeChannel> {
        let ChannelBuilder {
            client,
            topic,
            config,
            mut inner,
        } = self;
        inner.state = Some(ChannelState::Joining);
        let shared = client.shared();
        let chan = Arc::new(ChannelShared {
            id: shared.next_channel_id(),
            topic,
            config,
            tokens: Arc::clone(&client.tokens),
            inner: Mutex::new(inner),
        });
        let (done, wait) = oneshot::channel();
        shared.command(Command::Join {
            chan: Arc::clone(&chan),
            done,
        })?;
        wait.await.map_err(|_| RealtimeError::SocketStopped)??;
        Ok(RealtimeChannel {
            client: client.clone(),
            chan,
        })
    }
}

pub(crate) fn to_json(payload: &impl Serialize) -> Result<Value> {
    serde_json::to_value(payload).map_err(|e| RealtimeError::InvalidInput(e.to_string()))
}

/// A joined channel. Cloning gives another handle to the same channel.
///
/// Dropping handles does not leave the channel: call [`RealtimeChannel::unsubscribe`] or
/// [`RealtimeClient::remove_channel`].
#[derive(Clone)]
pub struct RealtimeChannel {
    client: RealtimeClient,
    pub(crate) chan: Arc<ChannelShared>,
}

impl std::fmt::Debug for RealtimeChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealtimeChannel")
            .field("topic", &self.chan.topic)
            .field("state", &self.chan.state())
            .finish()
    }
}

impl RealtimeChannel {
    pub(crate) fn from_parts(client: RealtimeClient, chan: Arc<ChannelShared>) -> Self {
        Self { client, chan }
    }

    /// The topic, `realtime:<name>`.
    pub fn topic(&self) -> &str {
        &self.chan.topic
    }

    /// Where the channel is now.
    pub fn state(&self) -> ChannelState {
        self.chan.state()
    }

    /// A new status stream: the statuses from now on.
    pub fn status(&self) -> StatusStream {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut inner = self.chan.lock();
        if inner.state != Some(ChannelState::Closed) {
            inner.status_tx.push(tx);
        }
        StatusStream { rx }
    }

    /// Every presence on the channel now, by key.
    pub fn presence_state(&self) -> PresenceState {
        self.chan.lock().presence.clone()
    }

    /// Sends a broadcast. Over the socket (a binary user-broadcast frame) when the channel is
    /// joined: returns at once, or after the server's ack if the channel joined with
    /// [`ChannelBuilder::broadcast_ack`]. Over HTTP (`POST /realtime/v1/api/broadcast`) when it
    /// is not joined (reconnecting, closed), as realtime-js does.
    pub async fn send_broadcast(&self, event: &str, payload: &impl Serialize) -> Result<()> {
        check_event(event)?;
        let payload = to_json(payload)?;
        if self.state() != ChannelState::Joined {
            return self
                .client
                .shared()
                .send_http_broadcast(
                    &self.chan.tokens,
                    self.chan.sub_topic(),
                    event,
                    payload,
                    self.chan.config.private,
                )
                .await;
        }
        self.push(
            PushKind::Broadcast {
                event: event.to_owned(),
                payload: BroadcastPayload::Json(payload),
            },
            self.chan.config.ack(),
        )
        .await
    }

    /// Sends a binary broadcast over the socket (the channel must be joined).
    pub async fn send_broadcast_bytes(&self, event: &str, payload: Vec<u8>) -> Result<()> {
        check_event(event)?;
        self.push(
            PushKind::Broadcast {
                event: event.to_owned(),
                payload: BroadcastPayload::Binary(payload),
            },
            self.chan.config.ack(),
        )
        .await
    }

    /// Tracks this client's presence with `payload` (a JSON object); waits for the reply.
    pub async fn track(&self, payload: &impl Serialize) -> Result<()> {
        let payload = to_json(payload)?;
        if !payload.is_object() {
            return Err(RealtimeError::InvalidInput(
                "a presence payload must be a JSON object".into(),
            ));
        }
        self.push(
            PushKind::Presence(json!({"type": "presence", "event": "track", "payload": payload})),
            true,
        )
        .await
    }

    /// Stops tracking this client's presence; waits for the reply.
    pub async fn untrack(&self) -> Result<()> {
        self.push(
            PushKind::Presence(json!({"type": "presence", "event": "untrack"})),
            true,
        )
        .await
    }

    async fn push(&self, push: PushKind, wait_reply: bool) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.client.shared().command(Command::Push {
            id: self.chan.id,
            push,
            done,
            wait_reply,
        })?;
        wait.await.map_err(|_| RealtimeError::SocketStopped)?
    }

    /// Leaves the channel (`phx_leave`) without waiting for the server's answer; the status
    /// stream gets [`ChannelStatus::Closed`] and every stream of the channel ends.
    pub async fn unsubscribe(&self) -> Result<()> {
        self.client.remove_channel(self).await
    }
}

fn check_event(event: &str) -> Result<()> {
    if event.is_empty() {
        return Err(RealtimeError::InvalidInput(
            "the event name is empty".into(),
        ));
    }
    Ok(())
}

macro_rules! receiver_stream {
    ($(#[$doc:meta])* $name:ident, $item:ty) => {
        $(#[$doc])*
        pub struct $name {
            rx: mpsc::UnboundedReceiver<$item>,
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl Stream for $name {
            type Item = $item;
            fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<$item>> {
                self.rx.poll_recv(cx)
            }
        }
    };
}

receiver_stream!(
    /// Broadcasts of one event on a channel; ends when the channel is gone.
    BroadcastStream,
    BroadcastMessage
);
receiver_stream!(
    /// Presence events of a channel; ends when the channel is gone.
    PresenceStream,
    PresenceEvent
);
receiver_stream!(
    /// Status changes of a channel; ends after [`ChannelStatus::Closed`].
    StatusStream,
    ChannelStatus
);

impl ClientShared {
    /// `POST <realtime>/api/broadcast?apikey=…&vsn=2.0.0` with the channel's token.
    pub(crate) async fn send_http_broadcast(
        &self,
        tokens: &Arc<dyn TokenProvider>,
        sub_topic: &str,
        event: &str,
        payload: Value,
        private: bool,
    ) -> Result<()> {
        check_event(event)?;
        let service = self.http.with_tokens(Arc::clone(tokens));
        let query = self.socket_query();
        let pairs: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let url = service.url(&["api", "broadcast"], &pairs)?;
        let body = json!({"messages": [{
            "topic": sub_topic, "event": event, "payload": payload, "private": private
        }]});
        let request = supabase_core::Request::new(supabase_core::Method::POST, url)
            .header(
                supabase_core::HeaderName::from_static("content-type"),
                supabase_core::HeaderValue::from_static("application/json"),
            )
            .body(body.to_string());
        service.send(&request, false).await?.error_for_status()?;
        Ok(())
    }
}
