//! The socket task: owns the websocket, the refs, every channel's join state, heartbeats,
//! reconnects and token pushes. Handles talk to it through commands.
// On wasm32 the frames hold `String` / `Vec<u8>` themselves, so the `.into()` that turns them
// into tungstenite's types on native targets is a no-op there.
#![cfg_attr(target_arch = "wasm32", allow(clippy::useless_conversion))]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde_json::{Value, json};
use supabase_core::{Clock, Secret, TokenChanges, TokenProvider, decode_jwt_exp, redact_secrets};
use tokio::sync::{mpsc, oneshot};

// The websocket and the timers: tokio-tungstenite and tokio's on native targets, the
// browser's on wasm32 (see `browser`).
#[cfg(target_arch = "wasm32")]
use crate::browser::{Instant, WsMessage, sleep_until, timeout};
#[cfg(not(target_arch = "wasm32"))]
use futures_util::SinkExt;
#[cfg(not(target_arch = "wasm32"))]
use tokio::net::TcpStream;
#[cfg(not(target_arch = "wasm32"))]
use tokio::time::{Instant, sleep_until, timeout};
#[cfg(not(target_arch = "wasm32"))]
use tokio_tungstenite::tungstenite::Message as WsMessage;
#[cfg(not(target_arch = "wasm32"))]
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::RealtimeError;
use crate::channel::{BroadcastMessage, ChannelShared, ChannelState, ChannelStatus};
#[cfg(not(target_arch = "wasm32"))]
use crate::client::Io;
use crate::client::{Backoff, Connector, Registry, SocketStats};
use crate::postgres::parse_push;
use crate::presence::{self, PresenceState};
use crate::protocol::{
    self, BroadcastPayload, DecodeError, Incoming, Message, PHOENIX_TOPIC, UserBroadcast, events,
};

#[cfg(not(target_arch = "wasm32"))]
type Ws = WebSocketStream<MaybeTlsStream<Box<dyn Io>>>;
#[cfg(target_arch = "wasm32")]
type Ws = crate::browser::BrowserSocket;
type Done<T> = oneshot::Sender<T>;

/// What the task needs to start.
pub(crate) struct SocketConfig {
    pub ws_url: Secret,
    pub key: Secret,
    pub heartbeat_interval: Duration,
    pub timeout: Duration,
    pub reconnect_after: Backoff,
    pub rejoin_after: Backoff,
    pub clock: Arc<dyn Clock>,
    pub connector: Option<Connector>,
    pub cmd_rx: mpsc::UnboundedReceiver<Command>,
    pub registry: Arc<Registry>,
}

/// A push other than join/leave/heartbeat/access_token.
pub(crate) enum PushKind {
    Broadcast {
        event: String,
        payload: BroadcastPayload,
    },
    Presence(Value),
}

/// What handles ask of the task.
pub(crate) enum Command {
    Join {
        chan: Arc<ChannelShared>,
        done: Done<Result<(), RealtimeError>>,
    },
    Remove {
        id: u64,
        done: Done<()>,
    },
    RemoveAll {
        done: Done<()>,
    },
    Push {
        id: u64,
        push: PushKind,
        done: Done<Result<(), RealtimeError>>,
        wait_reply: bool,
    },
    Heartbeat {
        done: Done<()>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Needs a join as soon as the socket is open.
    Waiting,
    /// Join sent, no answer yet.
    Joining,
    Joined,
    /// Waits until `rejoin_at`.
    Errored,
}

struct Entry {
    chan: Arc<ChannelShared>,
    phase: Phase,
    join_ref: Option<String>,
    /// When the pending join (or the first subscribe) gives up.
    join_deadline: Option<Instant>,
    rejoin_at: Option<Instant>,
    rejoin_tries: u32,
    waiter: Option<Done<Result<(), RealtimeError>>>,
    /// The token the server holds for this channel (`None`: none sent).
    last_token: Option<String>,
    /// The `exp` of an expired token already reported.
    reported_expiry: Option<u64>,
}

enum Pending {
    Join {
        id: u64,
    },
    Ack {
        id: u64,
        deadline: Instant,
        done: Done<Result<(), RealtimeError>>,
    },
}

type TokenWatch = supabase_core::BoxFuture<'static, (usize, TokenChanges, bool)>;

fn provider_key(p: &Arc<dyn TokenProvider>) -> usize {
    Arc::as_ptr(p).cast::<()>() as usize
}

fn watch(key: usize, mut changes: TokenChanges) -> TokenWatch {
    Box::pin(async move {
        let alive = changes.changed().await;
        (key, changes, alive)
    })
}

struct Socket {
    cfg: SocketConfigParts,
    cmd_rx: mpsc::UnboundedReceiver<Command>,
    conn: Option<Ws>,
    next_ref: u64,
    channels: HashMap<u64, Entry>,
    /// Channel ids in join order (for rejoins in order).
    order: Vec<u64>,
    topics: HashMap<String, u64>,
    pending: HashMap<String, Pending>,
    pending_heartbeat: Option<String>,
    next_heartbeat: Option<Instant>,
    reconnect_at: Option<Instant>,
    reconnect_tries: u32,
    providers: HashMap<usize, Arc<dyn TokenProvider>>,
    watches: FuturesUnordered<TokenWatch>,
}

struct SocketConfigParts {
    ws_url: Secret,
    key: Secret,
    heartbeat_interval: Duration,
    timeout: Duration,
    reconnect_after: Backoff,
    rejoin_after: Backoff,
    clock: Arc<dyn Clock>,
    connector: Option<Connector>,
    registry: Arc<Registry>,
}

/// The task body.
pub(crate) async fn run(config: SocketConfig) {
    let SocketConfig {
        ws_url,
        key,
        heartbeat_interval,
        timeout,
        reconnect_after,
        rejoin_after,
        clock,
        connector,
        cmd_rx,
        registry,
    } = config;
    let mut socket = Socket {
        cfg: SocketConfigParts {
            ws_url,
            key,
            heartbeat_interval,
            timeout,
            reconnect_after,
            rejoin_after,
            clock,
            connector,
            registry,
        },
        cmd_rx,
        conn: None,
        next_ref: 0,
        channels: HashMap::new(),
        order: Vec::new(),
        topics: HashMap::new(),
        pending: HashMap::new(),
        pending_heartbeat: None,
        next_heartbeat: None,
        reconnect_at: None,
        reconnect_tries: 0,
        providers: HashMap::new(),
        watches: FuturesUnordered::new(),
    };
    socket.run().await;
}

async fn next_frame(conn: &mut Option<Ws>) -> Option<Result<WsMessage, String>> {
    match conn {
        Some(ws) => ws.next().await.map(|r| r.map_err(|e| e.to_string())),
        None => std::future::pending().await,
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}

impl Socket {
    async fn run(&mut self) {
        loop {
            let deadline = self.next_deadline();
            tokio::select! {
                cmd = self.cmd_rx.recv() => match cmd {
                    Some(cmd) => self.on_command(cmd).await,
                    None => break,
                },
                frame = next_frame(&mut self.conn) => match frame {
                    Some(Ok(frame)) => {
                        self.on_frame(frame).await;
                        cooperate().await;
                    }
                    Some(Err(e)) => self.connection_lost(&format!("websocket error: {e}")),
                    None => self.connection_lost("the server closed the socket"),
                },
                () = sleep_until_opt(deadline) => self.on_timer().await,
                Some((key, changes, alive)) = self.watches.next(), if !self.watches.is_empty() => {
                    if alive && self.providers.contains_key(&key) {
                        self.watches.push(watch(key, changes));
                        self.refresh_token(key).await;
                    }
                }
            }
        }
        // Every handle is gone: close politely, without waiting long.
        if let Some(mut ws) = self.conn.take() {
            let _ = timeout(Duration::from_secs(1), ws.close(None)).await;
        }
    }

    fn make_ref(&mut self) -> String {
        self.next_ref += 1;
        self.next_ref.to_string()
    }

    fn stats(&self, f: impl FnOnce(&mut SocketStats)) {
        self.cfg.registry.stats.send_modify(f);
    }

    fn now(&self) -> Instant {
        Instant::now()
    }

    fn next_deadline(&self) -> Option<Instant> {
        let mut at: Option<Instant> = None;
        let mut consider = |t: Option<Instant>| {
            if let Some(t) = t {
                at = Some(at.map_or(t, |a| a.min(t)));
            }
        };
        if self.conn.is_some() {
            consider(self.next_heartbeat);
        } else if !self.channels.is_empty() {
            consider(self.reconnect_at);
        }
        for e in self.channels.values() {
            consider(e.join_deadline);
            consider(e.rejoin_at);
        }
        for p in self.pending.values() {
            if let Pending::Ack { deadline, .. } = p {
                consider(Some(*deadline));
            }
        }
        at
    }

    // ----- sending -----

    async fn send_ws(&mut self, frame: WsMessage) {
        let Some(ws) = self.conn.as_mut() else { return };
        match ws.send(frame).await {
            Ok(()) => self.stats(|s| s.frames_sent += 1),
            Err(e) => self.connection_lost(&format!("send failed: {e}")),
        }
    }

    async fn send_message(&mut self, message: Message) {
        let text = protocol::encode_text(&message);
        self.send_ws(WsMessage::Text(text.into())).await;
    }

    // ----- commands -----

    async fn on_command(&mut self, cmd: Command) {
        match cmd {
            Command::Join { chan, done } => self.add_channel(chan, done).await,
            Command::Remove { id, done } => {
                self.leave(id).await;
                self.close_if_empty().await;
                let _ = done.send(());
            }
            Command::RemoveAll { done } => {
                let ids: Vec<u64> = self.order.clone();
                for id in ids {
                    self.leave(id).await;
                }
                self.close_if_empty().await;
                let _ = done.send(());
            }
            Command::Push {
                id,
                push,
                done,
                wait_reply,
            } => self.push(id, push, done, wait_reply).await,
            Command::Heartbeat { done } => {
                if self.conn.is_some() {
                    self.heartbeat().await;
                }
                let _ = done.send(());
            }
        }
    }

    async fn add_channel(
        &mut self,
        chan: Arc<ChannelShared>,
        done: Done<Result<(), RealtimeError>>,
    ) {
        if self.topics.contains_key(&chan.topic) {
            let _ = done.send(Err(RealtimeError::DuplicateTopic {
                topic: chan.topic.clone(),
            }));
            return;
        }
        let key = provider_key(&chan.tokens);
        if !self.providers.contains_key(&key) {
            if let Some(changes) = chan.tokens.changes() {
                self.watches.push(watch(key, changes));
            }
            self.providers.insert(key, Arc::clone(&chan.tokens));
        }
        let id = chan.id;
        self.topics.insert(chan.topic.clone(), id);
        self.order.push(id);
        self.cfg.registry.channels().push(Arc::clone(&chan));
        self.channels.insert(
            id,
            Entry {
                chan,
                phase: Phase::Waiting,
                join_ref: None,
                join_deadline: Some(self.now() + self.cfg.timeout),
                rejoin_at: None,
                rejoin_tries: 0,
                waiter: Some(done),
                last_token: None,
                reported_expiry: None,
            },
        );
        if self.conn.is_none() {
            if self.reconnect_at.is_none() {
                self.connect().await;
            }
        } else {
            self.send_join(id).await;
        }
    }

    async fn push(
        &mut self,
        id: u64,
        push: PushKind,
        done: Done<Result<(), RealtimeError>>,
        wait_reply: bool,
    ) {
        let joined = self
            .channels
            .get(&id)
            .filter(|e| e.phase == Phase::Joined && self.conn.is_some())
            .map(|e| (e.chan.topic.clone(), e.join_ref.clone()));
        let Some((topic, join_ref)) = joined else {
            let topic = self
                .channels
                .get(&id)
                .map(|e| e.chan.topic.clone())
                .unwrap_or_default();
            let _ = done.send(Err(RealtimeError::Closed { topic }));
            return;
        };
        let msg_ref = self.make_ref();
        let frame = match push {
            PushKind::Broadcast { event, payload } => {
                let b = UserBroadcast {
                    join_ref: join_ref.clone(),
                    msg_ref: Some(msg_ref.clone()),
                    topic: topic.clone(),
                    event,
                    metadata: None,
                    payload,
                };
                match protocol::encode_user_broadcast(&b) {
                    Some(bytes) => WsMessage::Binary(bytes.into()),
                    None => {
                        let BroadcastPayload::Json(payload) = b.payload else {
                            let _ = done.send(Err(RealtimeError::InvalidInput(
                                "topic, event or ref too long for a binary broadcast".into(),
                            )));
                            return;
                        };
                        let text = protocol::encode_text(&Message {
                            join_ref,
                            msg_ref: Some(msg_ref.clone()),
                            topic,
                            event: events::BROADCAST.into(),
                            payload: json!({"type": "broadcast", "event": b.event, "payload": payload}),
                        });
                        WsMessage::Text(text.into())
                    }
                }
            }
            PushKind::Presence(payload) => WsMessage::Text(
                protocol::encode_text(&Message {
                    join_ref,
                    msg_ref: Some(msg_ref.clone()),
                    topic,
                    event: events::PRESENCE.into(),
                    payload,
                })
                .into(),
            ),
        };
        if wait_reply {
            self.pending.insert(
                msg_ref,
                Pending::Ack {
                    id,
                    deadline: self.now() + self.cfg.timeout,
                    done,
                },
            );
            self.send_ws(frame).await;
        } else {
            self.send_ws(frame).await;
            let _ = done.send(Ok(()));
        }
    }

    // ----- connection -----

    async fn connect(&mut self) {
        self.reconnect_at = None;
        let attempt = timeout(
            self.cfg.timeout,
            Self::open(self.cfg.ws_url.clone(), self.cfg.connector.clone()),
        )
        .await;
        match attempt {
            Ok(Ok((ws, _response))) => {
                self.conn = Some(ws);
                self.reconnect_tries = 0;
                self.pending_heartbeat = None;
                self.next_heartbeat = Some(self.now() + self.cfg.heartbeat_interval);
                self.stats(|s| s.connects += 1);
                let waiting: Vec<u64> = self
                    .order
                    .iter()
                    .copied()
                    .filter(|id| {
                        self.channels
                            .get(id)
                            .is_some_and(|e| e.phase == Phase::Waiting)
                    })
                    .collect();
                for id in waiting {
                    self.send_join(id).await;
                }
            }
            Ok(Err(e)) => {
                let reason = self.redact(&e);
                self.schedule_reconnect(&reason);
            }
            Err(_) => self.schedule_reconnect("connection attempt timed out"),
        }
    }

    /// Opens the browser's websocket (no connector there: the browser opens the connection).
    #[cfg(target_arch = "wasm32")]
    async fn open(url: Secret, _connector: Option<Connector>) -> Result<(Ws, ()), String> {
        Ok((Ws::connect(url.expose()).await?, ()))
    }

    /// Opens the byte stream (the connector's, or TCP to the URL's host) and runs the
    /// websocket handshake over it (with TLS for `wss`).
    #[cfg(not(target_arch = "wasm32"))]
    async fn open(url: Secret, connector: Option<Connector>) -> Result<(Ws, ()), String> {
        let url = url.expose();
        let stream: Box<dyn Io> = match &connector {
            Some(connect) => connect().await.map_err(|e| e.to_string())?,
            None => {
                let parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
                let host = parsed.host_str().ok_or("the URL has no host")?.to_owned();
                let port = parsed
                    .port_or_known_default()
                    .ok_or("the URL has no port")?;
                let tcp = TcpStream::connect((host.as_str(), port))
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = tcp.set_nodelay(true);
                Box::new(tcp)
            }
        };
        // The same rustls configuration (provider, platform verifier) as the HTTP transport.
        #[cfg(any(feature = "rustls", feature = "rustls-ring"))]
        let (ws, _response) = {
            let tls = supabase_core::tls::client_config(supabase_core::tls::WEBSOCKET_ALPN)
                .map_err(|e| e.to_string())?;
            let connector = tokio_tungstenite::Connector::Rustls(std::sync::Arc::new(tls));
            tokio_tungstenite::client_async_tls_with_config(url, stream, None, Some(connector))
                .await
                .map_err(|e| e.to_string())?
        };
        #[cfg(all(
            feature = "native-tls",
            not(any(feature = "rustls", feature = "rustls-ring"))
        ))]
        let (ws, _response) = tokio_tungstenite::client_async_tls(url, stream)
            .await
            .map_err(|e| e.to_string())?;
        #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
        let (ws, _response) = {
            if url.starts_with("wss:") {
                return Err("wss needs the `rustls-ring`, `rustls` or `native-tls` feature".into());
            }
            tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
                .await
                .map_err(|e| e.to_string())?
        };
        Ok((ws, ()))
    }

    fn redact(&self, text: &str) -> String {
        redact_secrets(&text.replace(self.cfg.key.expose(), "[REDACTED]"))
    }

    fn schedule_reconnect(&mut self, _reason: &str) {
        self.reconnect_tries += 1;
        self.reconnect_at = Some(self.now() + (self.cfg.reconnect_after)(self.reconnect_tries));
    }

    /// The socket broke (or a heartbeat went unanswered): every joined channel is told and
    /// will be rejoined after the reconnect.
    fn connection_lost(&mut self, reason: &str) {
        self.conn = None;
        self.pending_heartbeat = None;
        self.next_heartbeat = None;
        let reason = self.redact(reason);
        for (_, pending) in self.pending.drain() {
            if let Pending::Ack { done, .. } = pending {
                let _ = done.send(Err(RealtimeError::Connection {
                    reason: reason.clone(),
                }));
            }
        }
        for entry in self.channels.values_mut() {
            match entry.phase {
                Phase::Joined => {
                    entry.chan.lock().state = Some(ChannelState::Errored);
                    entry.chan.lock().emit_status(ChannelStatus::Reconnecting {
                        reason: reason.clone(),
                    });
                    entry.phase = Phase::Waiting;
                    entry.join_deadline = None;
                }
                Phase::Joining => {
                    entry.phase = Phase::Waiting;
                    if entry.waiter.is_none() {
                        entry.join_deadline = None;
                    }
                }
                Phase::Waiting | Phase::Errored => {}
            }
            entry.join_ref = None;
            // The server forgets everything with the socket.
            entry.last_token = None;
        }
        if !self.channels.is_empty() {
            self.schedule_reconnect(&reason);
        }
    }

    async fn close_if_empty(&mut self) {
        if self.channels.is_empty() {
            if let Some(mut ws) = self.conn.take() {
                let _ = ws.close(None).await;
            }
            self.pending_heartbeat = None;
            self.next_heartbeat = None;
            self.reconnect_at = None;
            self.reconnect_tries = 0;
        }
    }

    // ----- joins -----

    async fn send_join(&mut self, id: u64) {
        let Some(entry) = self.channels.get(&id) else {
            return;
        };
        let tokens = Arc::clone(&entry.chan.tokens);
        let first = entry.waiter.is_some();
        let token = match tokens.access_token().await {
            Ok(t) => t.map(|t| t.expose().to_owned()),
            Err(e) => {
                let reason = self.redact(&e.to_string());
                if first {
                    self.finish(
                        id,
                        vec![ChannelStatus::TokenUnavailable { reason }],
                        Err(e.into()),
                    );
                } else {
                    self.emit(id, ChannelStatus::TokenUnavailable { reason });
                    self.errored(id);
                }
                return;
            }
        };
        if let Some(exp) = token.as_deref().and_then(|t| self.expired(t)) {
            if first {
                self.finish(
                    id,
                    vec![ChannelStatus::TokenExpired { expired_at: exp }],
                    Err(RealtimeError::TokenExpired { expired_at: exp }),
                );
                return;
            }
            self.report_expired(id, exp);
        }
        if self.conn.is_none() {
            return;
        }
        let join_ref = self.make_ref();
        let Some(entry) = self.channels.get_mut(&id) else {
            return;
        };
        let mut payload = json!({"config": entry.chan.config.to_json()});
        if let (Some(t), Value::Object(map)) = (&token, &mut payload) {
            map.insert("access_token".into(), Value::String(t.clone()));
        }
        entry.phase = Phase::Joining;
        entry.join_ref = Some(join_ref.clone());
        entry.last_token = token;
        entry.rejoin_at = None;
        if entry.join_deadline.is_none() {
            entry.join_deadline = Some(Instant::now() + self.cfg.timeout);
        }
        let topic = entry.chan.topic.clone();
        {
            let mut inner = entry.chan.lock();
            inner.state = Some(ChannelState::Joining);
            // Presence diffs wait for the state of this join.
            inner.presence_join_ref = None;
        }
        self.pending.insert(join_ref.clone(), Pending::Join { id });
        self.send_message(Message {
            join_ref: Some(join_ref.clone()),
            msg_ref: Some(join_ref),
            topic,
            event: events::JOIN.into(),
            payload,
        })
        .await;
    }

    fn expired(&self, token: &str) -> Option<u64> {
        let exp = decode_jwt_exp(token).ok().flatten()?;
        (exp <= self.cfg.clock.unix_seconds()).then_some(exp)
    }

    fn report_expired(&mut self, id: u64, exp: u64) {
        if let Some(entry) = self.channels.get_mut(&id)
            && entry.reported_expiry != Some(exp)
        {
            entry.reported_expiry = Some(exp);
            entry
                .chan
                .lock()
                .emit_status(ChannelStatus::TokenExpired { expired_at: exp });
        }
    }

    fn emit(&self, id: u64, status: ChannelStatus) {
        if let Some(entry) = self.channels.get(&id) {
            entry.chan.lock().emit_status(status);
        }
    }

    /// Schedules a rejoin with backoff.
    fn errored(&mut self, id: u64) {
        let rejoin_after = Arc::clone(&self.cfg.rejoin_after);
        if let Some(entry) = self.channels.get_mut(&id) {
            entry.rejoin_tries += 1;
            entry.phase = Phase::Errored;
            entry.join_deadline = None;
            entry.rejoin_at = Some(Instant::now() + rejoin_after(entry.rejoin_tries));
            entry.chan.lock().state = Some(ChannelState::Errored);
        }
    }

    /// Forgets channel `id`: statuses, then `Closed`, then every stream ends.
    fn finish(
        &mut self,
        id: u64,
        statuses: Vec<ChannelStatus>,
        outcome: Result<(), RealtimeError>,
    ) {
        let Some(mut entry) = self.channels.remove(&id) else {
            return;
        };
        self.order.retain(|o| *o != id);
        self.topics.remove(&entry.chan.topic);
        self.pending.retain(|_, p| match p {
            Pending::Join { id: pid } | Pending::Ack { id: pid, .. } => *pid != id,
        });
        self.cfg
            .registry
            .channels()
            .retain(|c| !Arc::ptr_eq(c, &entry.chan));
        {
            let mut inner = entry.chan.lock();
            inner.state = Some(ChannelState::Closed);
            for s in statuses {
                inner.emit_status(s);
            }
            inner.emit_status(ChannelStatus::Closed);
            inner.clear_listeners();
        }
        if let Some(waiter) = entry.waiter.take() {
            let outcome = match outcome {
                Ok(()) => Err(RealtimeError::Closed {
                    topic: entry.chan.topic.clone(),
                }),
                Err(e) => Err(e),
            };
            let _ = waiter.send(outcome);
        }
        let key = provider_key(&entry.chan.tokens);
        if !self
            .channels
            .values()
            .any(|e| provider_key(&e.chan.tokens) == key)
        {
            self.providers.remove(&key);
        }
    }

    /// Leaves channel `id` (`phx_leave` if the server knows it) and forgets it.
    async fn leave(&mut self, id: u64) {
        let Some(entry) = self.channels.get(&id) else {
            return;
        };
        if matches!(entry.phase, Phase::Joined | Phase::Joining) && self.conn.is_some() {
            let join_ref = entry.join_ref.clone();
            let topic = entry.chan.topic.clone();
            let msg_ref = self.make_ref();
            self.send_message(Message {
                join_ref,
                msg_ref: Some(msg_ref),
                topic,
                event: events::LEAVE.into(),
                payload: json!({}),
            })
            .await;
        }
        self.finish(id, vec![], Ok(()));
    }

    async fn on_join_reply(&mut self, id: u64, payload: &Value) {
        let status = payload.get("status").and_then(Value::as_str).unwrap_or("");
        let response = payload.get("response").cloned().unwrap_or(Value::Null);
        let Some(topic) = self.channels.get(&id).map(|e| e.chan.topic.clone()) else {
            return;
        };
        if status != "ok" {
            let reason = match response.get("reason") {
                Some(Value::String(r)) => r.clone(),
                Some(other) => other.to_string(),
                None => format!("join refused ({status}): {response}"),
            };
            let reason = self.redact(&reason);
            self.finish(
                id,
                vec![ChannelStatus::ChannelError {
                    reason: reason.clone(),
                }],
                Err(RealtimeError::ChannelError { topic, reason }),
            );
            return;
        }
        // Match the server's postgres_changes bindings by position, as realtime-js does.
        let Some(entry) = self.channels.get_mut(&id) else {
            return;
        };
        let server = response
            .get("postgres_changes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let bindings = &entry.chan.config.postgres;
        let mut ids = Vec::with_capacity(bindings.len());
        let mut mismatch = false;
        for (i, binding) in bindings.iter().enumerate() {
            match server.get(i) {
                Some(s) if binding.matches_server(s) => {
                    ids.push(s.get("id").and_then(Value::as_u64));
                }
                _ => {
                    mismatch = true;
                    break;
                }
            }
        }
        if mismatch {
            let reason =
                "mismatch between server and client bindings for postgres changes".to_owned();
            self.leave_with(
                id,
                ChannelStatus::ChannelError {
                    reason: reason.clone(),
                },
                RealtimeError::ChannelError { topic, reason },
            )
            .await;
            return;
        }
        entry.phase = Phase::Joined;
        entry.join_deadline = None;
        entry.rejoin_tries = 0;
        let provider = provider_key(&entry.chan.tokens);
        {
            let mut inner = entry.chan.lock();
            for (slot, server_id) in inner.pg.iter_mut().zip(ids) {
                slot.0 = server_id;
            }
            inner.state = Some(ChannelState::Joined);
            inner.emit_status(ChannelStatus::Subscribed);
        }
        if let Some(waiter) = entry.waiter.take() {
            let _ = waiter.send(Ok(()));
        }
        // The token may have changed while the join was on its way.
        self.refresh_token(provider).await;
    }

    async fn leave_with(&mut self, id: u64, status: ChannelStatus, error: RealtimeError) {
        if let Some(entry) = self.channels.get(&id)
            && self.conn.is_some()
        {
            let join_ref = entry.join_ref.clone();
            let topic = entry.chan.topic.clone();
            let msg_ref = self.make_ref();
            self.send_message(Message {
                join_ref,
                msg_ref: Some(msg_ref),
                topic,
                event: events::LEAVE.into(),
                payload: json!({}),
            })
            .await;
        }
        self.finish(id, vec![status], Err(error));
    }

    // ----- timers -----

    async fn on_timer(&mut self) {
        let now = self.now();
        if self.conn.is_some() && self.next_heartbeat.is_some_and(|t| t <= now) {
            self.heartbeat().await;
        }
        if self.conn.is_none()
            && !self.channels.is_empty()
            && self.reconnect_at.is_some_and(|t| t <= now)
        {
            self.connect().await;
        }
        // Joins that got no answer.
        let timed_out: Vec<u64> = self
            .order
            .iter()
            .copied()
            .filter(|id| {
                self.channels
                    .get(id)
                    .is_some_and(|e| e.join_deadline.is_some_and(|t| t <= now))
            })
            .collect();
        for id in timed_out {
            let Some(entry) = self.channels.get_mut(&id) else {
                continue;
            };
            let topic = entry.chan.topic.clone();
            if entry.waiter.is_some() {
                self.leave_with(
                    id,
                    ChannelStatus::TimedOut,
                    RealtimeError::TimedOut { topic },
                )
                .await;
            } else {
                if let Some(r) = entry.join_ref.take() {
                    self.pending.remove(&r);
                }
                self.emit(id, ChannelStatus::TimedOut);
                self.errored(id);
            }
        }
        // Rejoins that are due.
        let due: Vec<u64> = self
            .order
            .iter()
            .copied()
            .filter(|id| {
                self.channels.get(id).is_some_and(|e| {
                    e.phase == Phase::Errored && e.rejoin_at.is_some_and(|t| t <= now)
                })
            })
            .collect();
        for id in due {
            if let Some(entry) = self.channels.get_mut(&id) {
                entry.phase = Phase::Waiting;
                entry.rejoin_at = None;
            }
            if self.conn.is_some() {
                self.send_join(id).await;
            }
        }
        // Acks that never came.
        let late: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, p)| matches!(p, Pending::Ack { deadline, .. } if *deadline <= now))
            .map(|(r, _)| r.clone())
            .collect();
        for r in late {
            if let Some(Pending::Ack { id, done, .. }) = self.pending.remove(&r) {
                let topic = self
                    .channels
                    .get(&id)
                    .map(|e| e.chan.topic.clone())
                    .unwrap_or_default();
                let _ = done.send(Err(RealtimeError::TimedOut { topic }));
            }
        }
    }

    /// Sends a heartbeat, or declares the connection lost if the previous one is unanswered;
    /// then re-reads every token source with joined channels.
    async fn heartbeat(&mut self) {
        if self.pending_heartbeat.is_some() {
            if let Some(mut ws) = self.conn.take() {
                let _ = timeout(Duration::from_millis(100), ws.close(None)).await;
            }
            self.connection_lost("heartbeat timeout");
            return;
        }
        let r = self.make_ref();
        self.pending_heartbeat = Some(r.clone());
        self.next_heartbeat = Some(self.now() + self.cfg.heartbeat_interval);
        self.send_message(Message {
            join_ref: None,
            msg_ref: Some(r),
            topic: PHOENIX_TOPIC.into(),
            event: events::HEARTBEAT.into(),
            payload: json!({}),
        })
        .await;
        let keys: Vec<usize> = self.providers.keys().copied().collect();
        for key in keys {
            self.refresh_token(key).await;
        }
    }

    /// Reads the token of source `key` and pushes it to its joined channels that hold another
    /// one (`None` after a sign-out: the project key is pushed, as realtime-js does).
    async fn refresh_token(&mut self, key: usize) {
        let Some(provider) = self.providers.get(&key).cloned() else {
            return;
        };
        let ids: Vec<u64> = self
            .order
            .iter()
            .copied()
            .filter(|id| {
                self.channels.get(id).is_some_and(|e| {
                    e.phase == Phase::Joined && provider_key(&e.chan.tokens) == key
                })
            })
            .collect();
        if ids.is_empty() {
            return;
        }
        let token = match provider.access_token().await {
            Ok(t) => t.map(|t| t.expose().to_owned()),
            Err(e) => {
                let reason = self.redact(&e.to_string());
                for id in ids {
                    self.emit(
                        id,
                        ChannelStatus::TokenUnavailable {
                            reason: reason.clone(),
                        },
                    );
                }
                return;
            }
        };
        if let Some(exp) = token.as_deref().and_then(|t| self.expired(t)) {
            for id in ids {
                self.report_expired(id, exp);
            }
            return;
        }
        for id in ids {
            let Some(entry) = self.channels.get_mut(&id) else {
                continue;
            };
            if entry.phase != Phase::Joined || entry.last_token == token {
                continue;
            }
            entry.last_token = token.clone();
            let join_ref = entry.join_ref.clone();
            let topic = entry.chan.topic.clone();
            let value = token
                .clone()
                .unwrap_or_else(|| self.cfg.key.expose().to_owned());
            let msg_ref = self.make_ref();
            self.send_message(Message {
                join_ref,
                msg_ref: Some(msg_ref),
                topic,
                event: events::ACCESS_TOKEN.into(),
                payload: json!({"access_token": value}),
            })
            .await;
        }
    }

    // ----- frames -----

    async fn on_frame(&mut self, frame: WsMessage) {
        let decoded = match frame {
            WsMessage::Text(text) => Some(protocol::decode_text(text.as_str())),
            WsMessage::Binary(bytes) => Some(protocol::decode_binary(&bytes)),
            WsMessage::Close(_) => {
                self.conn = None;
                self.connection_lost("the server closed the socket");
                None
            }
            _ => None,
        };
        match decoded {
            Some(Ok(Incoming::Message(m))) => self.on_message(m).await,
            Some(Ok(Incoming::Broadcast(b))) => self.on_user_broadcast(b),
            Some(Err(e)) => self.on_malformed(e),
            None => {}
        }
        self.stats(|s| s.frames_handled += 1);
    }

    fn on_malformed(&mut self, e: DecodeError) {
        let id = e.topic.as_ref().and_then(|t| self.topics.get(t)).copied();
        match id {
            Some(id) => self.emit(id, ChannelStatus::Malformed { reason: e.reason }),
            None => self.stats(|s| s.malformed_frames += 1),
        }
    }

    fn on_user_broadcast(&mut self, b: UserBroadcast) {
        let Some(id) = self.topics.get(&b.topic).copied() else {
            return;
        };
        let message = BroadcastMessage {
            event: b.event,
            payload: b.payload,
            meta: b.metadata,
        };
        self.deliver_broadcast(id, message);
    }

    fn deliver_broadcast(&self, id: u64, message: BroadcastMessage) {
        if let Some(entry) = self.channels.get(&id) {
            entry.chan.lock().broadcast.retain(|(event, tx)| {
                if event == "*" || event.eq_ignore_ascii_case(&message.event) {
                    tx.send(message.clone()).is_ok()
                } else {
                    !tx.is_closed()
                }
            });
        }
    }

    async fn on_message(&mut self, m: Message) {
        if m.event == events::REPLY {
            if m.topic == PHOENIX_TOPIC {
                if m.msg_ref.is_some() && m.msg_ref == self.pending_heartbeat {
                    self.pending_heartbeat = None;
                }
                return;
            }
            let pending = m.msg_ref.as_ref().and_then(|r| self.pending.remove(r));
            match pending {
                Some(Pending::Join { id }) => {
                    let current = self
                        .channels
                        .get(&id)
                        .is_some_and(|e| e.join_ref == m.msg_ref && e.phase == Phase::Joining);
                    if current {
                        self.on_join_reply(id, &m.payload).await;
                    }
                }
                Some(Pending::Ack { id, done, .. }) => {
                    let status = m.payload.get("status").and_then(Value::as_str);
                    let topic = m.topic.clone();
                    let _ = id;
                    let _ = done.send(match status {
                        Some("ok") => Ok(()),
                        _ => Err(RealtimeError::ChannelError {
                            topic,
                            reason: self.redact(&m.payload.to_string()),
                        }),
                    });
                }
                None => {}
            }
            return;
        }
        let Some(id) = self.topics.get(&m.topic).copied() else {
            return;
        };
        let Some(entry) = self.channels.get(&id) else {
            return;
        };
        let lifecycle = [events::CLOSE, events::ERROR, events::LEAVE, events::JOIN];
        if lifecycle.contains(&m.event.as_str())
            && m.join_ref.is_some()
            && m.join_ref != entry.join_ref
        {
            // An outdated message for an earlier join of this topic.
            return;
        }
        match m.event.as_str() {
            events::CLOSE => self.finish(id, vec![], Ok(())),
            events::ERROR if (entry.phase == Phase::Joined || entry.phase == Phase::Joining) => {
                let reason = match m.payload.get("reason").and_then(Value::as_str) {
                    Some(r) => r.to_owned(),
                    None => "the server reported an error on the channel".into(),
                };
                if let Some(r) = entry.join_ref.clone() {
                    self.pending.remove(&r);
                }
                self.emit(id, ChannelStatus::ChannelError { reason });
                self.errored(id);
            }
            events::POSTGRES_CHANGES => self.on_postgres_changes(id, m.payload),
            events::BROADCAST => {
                let event = m.payload.get("event").and_then(Value::as_str);
                match event {
                    Some(event) => {
                        let message = BroadcastMessage {
                            event: event.to_owned(),
                            payload: BroadcastPayload::Json(
                                m.payload.get("payload").cloned().unwrap_or(Value::Null),
                            ),
                            meta: m.payload.get("meta").cloned(),
                        };
                        self.deliver_broadcast(id, message);
                    }
                    None => self.emit(
                        id,
                        ChannelStatus::Malformed {
                            reason: "broadcast without an event".into(),
                        },
                    ),
                }
            }
            events::PRESENCE_STATE | events::PRESENCE_DIFF => {
                self.on_presence(id, &m.event, &m.payload);
            }
            events::SYSTEM => {
                let text = |k: &str| m.payload.get(k).and_then(Value::as_str).map(str::to_owned);
                self.emit(
                    id,
                    ChannelStatus::System {
                        status: text("status").unwrap_or_default(),
                        message: text("message").unwrap_or_default(),
                        extension: text("extension"),
                    },
                );
            }
            _ => {}
        }
    }

    fn on_postgres_changes(&mut self, id: u64, payload: Value) {
        let Some(entry) = self.channels.get(&id) else {
            return;
        };
        let mut inner = entry.chan.lock();
        match parse_push(payload) {
            Ok((ids, raw)) => {
                let bindings = &entry.chan.config.postgres;
                let mut slots = std::mem::take(&mut inner.pg);
                for (binding, (server_id, tx)) in bindings.iter().zip(slots.iter_mut()) {
                    if binding.routes(*server_id, &ids, raw.kind) {
                        let _ = tx.send(Ok(Arc::clone(&raw)));
                    }
                }
                inner.pg = slots;
            }
            Err(reason) => {
                let error = RealtimeError::Protocol {
                    reason: reason.to_owned(),
                };
                for (_, tx) in &inner.pg {
                    let _ = tx.send(Err(error.clone()));
                }
                inner.emit_status(ChannelStatus::Malformed {
                    reason: reason.to_owned(),
                });
            }
        }
    }

    fn on_presence(&mut self, id: u64, event: &str, payload: &Value) {
        let Some(entry) = self.channels.get(&id) else {
            return;
        };
        let join_ref = entry.join_ref.clone();
        let mut inner = entry.chan.lock();
        let mut events_out = Vec::new();
        let result: Result<(), String> = (|| {
            if event == events::PRESENCE_STATE {
                let new_state = presence::transform(payload)?;
                inner.presence_join_ref = join_ref.clone();
                let mut state = std::mem::take(&mut inner.presence);
                presence::sync_state(&mut state, new_state, &mut events_out);
                for (joins, leaves) in std::mem::take(&mut inner.pending_diffs) {
                    presence::sync_diff(&mut state, joins, leaves, &mut events_out);
                }
                inner.presence = state;
                events_out.push(presence::PresenceEvent::Sync);
            } else {
                let part = |k: &str| -> Result<PresenceState, String> {
                    match payload.get(k) {
                        Some(v) => presence::transform(v),
                        None => Ok(PresenceState::new()),
                    }
                };
                let (joins, leaves) = (part("joins")?, part("leaves")?);
                if inner.presence_join_ref.is_none() || inner.presence_join_ref != join_ref {
                    inner.pending_diffs.push((joins, leaves));
                } else {
                    let mut state = std::mem::take(&mut inner.presence);
                    presence::sync_diff(&mut state, joins, leaves, &mut events_out);
                    inner.presence = state;
                    events_out.push(presence::PresenceEvent::Sync);
                }
            }
            Ok(())
        })();
        match result {
            Ok(()) => inner.emit_presence(events_out),
            Err(reason) => inner.emit_status(ChannelStatus::Malformed { reason }),
        }
    }
}

/// Counts one frame against the task's scheduling budget, so that the tasks reading this
/// socket's streams get their turn. Frames the websocket has already buffered come without
/// I/O, which alone never makes this task yield: on a runtime it shares with its readers, a
/// fast server would keep it decoding thousands of frames in a row while the queues of
/// undelivered changes grow (about 10 KB per queued change in the Realtime bench).
async fn cooperate() {
    #[cfg(not(target_arch = "wasm32"))]
    tokio::task::consume_budget().await;
}
