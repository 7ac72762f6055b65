//! The client: one socket per client family, channels per token source.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use supabase_core::{Clock, Secret, Service, SystemClock, TokenProvider, validate_base_url};
use tokio::sync::{mpsc, oneshot, watch};
use url::Url;

use crate::channel::{ChannelBuilder, ChannelShared, RealtimeChannel};
use crate::protocol::VSN;
use crate::socket::{self, Command, SocketConfig};
use crate::{RealtimeError, Result};

/// A backoff schedule: the wait before attempt `n` (1-based).
pub type Backoff = Arc<dyn Fn(u32) -> Duration + Send + Sync>;

/// A byte stream the websocket can run over.
pub trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// Opens the byte stream under the websocket (see [`RealtimeOptions::connector`]).
pub(crate) type Connector = Arc<
    dyn Fn() -> std::pin::Pin<
            Box<dyn std::future::Future<Output = std::io::Result<Box<dyn Io>>> + Send>,
        > + Send
        + Sync,
>;

/// Socket settings. The defaults are realtime-js's.
///
/// ```
/// use std::time::Duration;
/// use supabase_realtime::RealtimeOptions;
///
/// let options = RealtimeOptions::default()
///     .heartbeat_interval(Duration::from_secs(10))
///     .param("eventsPerSecond", "5")
///     .log_level("info");
/// assert_eq!(options.get_heartbeat_interval(), Duration::from_secs(10));
/// ```
#[derive(Clone)]
pub struct RealtimeOptions {
    heartbeat_interval: Duration,
    timeout: Duration,
    reconnect_after: Backoff,
    rejoin_after: Backoff,
    params: Vec<(String, String)>,
    log_level: Option<String>,
    clock: Arc<dyn Clock>,
    connector: Option<Connector>,
}

impl Default for RealtimeOptions {
    fn default() -> Self {
        Self {
            heartbeat_interval: Duration::from_secs(25),
            timeout: Duration::from_secs(10),
            reconnect_after: Arc::new(|tries| {
                Duration::from_millis(match tries {
                    0 | 1 => 1_000,
                    2 => 2_000,
                    3 => 5_000,
                    _ => 10_000,
                })
            }),
            rejoin_after: Arc::new(|tries| {
                Duration::from_millis(match tries {
                    0 | 1 => 1_000,
                    2 => 2_000,
                    3 => 5_000,
                    _ => 10_000,
                })
            }),
            params: Vec::new(),
            log_level: None,
            clock: Arc::new(SystemClock),
            connector: None,
        }
    }
}

impl fmt::Debug for RealtimeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RealtimeOptions")
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("timeout", &self.timeout)
            .field("params", &self.params)
            .field("log_level", &self.log_level)
            .finish_non_exhaustive()
    }
}

impl RealtimeOptions {
    /// How often a heartbeat is sent (default 25 s). A heartbeat still unanswered when the
    /// next one is due counts as a lost connection.
    #[must_use]
    pub fn heartbeat_interval(mut self, every: Duration) -> Self {
        self.heartbeat_interval = every;
        self
    }

    /// The configured heartbeat interval.
    pub fn get_heartbeat_interval(&self) -> Duration {
        self.heartbeat_interval
    }

    /// How long a join, an acknowledged push or a connection attempt may take (default 10 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The wait before reconnect attempt `n` (default 1 s, 2 s, 5 s, then 10 s).
    #[must_use]
    pub fn reconnect_after(
        mut self,
        backoff: impl Fn(u32) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.reconnect_after = Arc::new(backoff);
        self
    }

    /// The wait before rejoin attempt `n` of a channel after a server error or a join timeout
    /// (default 1 s, 2 s, 5 s, then 10 s).
    #[must_use]
    pub fn rejoin_after(
        mut self,
        backoff: impl Fn(u32) -> Duration + Send + Sync + 'static,
    ) -> Self {
        self.rejoin_after = Arc::new(backoff);
        self
    }

    /// An extra query parameter of the socket URL (realtime-js `params`).
    #[must_use]
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// The server log level (`log_level` query parameter).
    #[must_use]
    pub fn log_level(mut self, level: impl Into<String>) -> Self {
        self.log_level = Some(level.into());
        self
    }

    /// Opens the byte stream the websocket runs over, instead of a TCP (and TLS) connection
    /// to the URL's host: for in-memory test servers (whose replies then never wait on the
    /// kernel, so tests under tokio's paused clock stay deterministic) or custom proxies. The
    /// websocket handshake (with the URL's path and query) still runs over it. Native targets
    /// only: in the browser the `WebSocket` opens the connection.
    #[cfg(not(target_arch = "wasm32"))]
    #[must_use]
    pub fn connector<F, Fut, S>(mut self, connect: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = std::io::Result<S>> + Send + 'static,
        S: Io + 'static,
    {
        self.connector = Some(Arc::new(move || {
            let fut = connect();
            Box::pin(async move { fut.await.map(|s| Box::new(s) as Box<dyn Io>) })
        }));
        self
    }

    /// The wall clock used to tell whether a token has expired (default: the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

/// A snapshot of the socket's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SocketStats {
    /// Successful websocket connections so far.
    pub connects: u64,
    /// Frames received and fully handled.
    pub frames_handled: u64,
    /// Frames sent.
    pub frames_sent: u64,
    /// Received frames that could not be decoded and named no known channel.
    pub malformed_frames: u64,
}

/// What every handle of one client family shares: the socket task's inbox, the channel
/// registry, the HTTP service.
pub(crate) struct ClientShared {
    cmd_tx: mpsc::UnboundedSender<Command>,
    start: Mutex<Option<SocketConfig>>,
    pub(crate) http: Service,
    key: Secret,
    options: RealtimeOptions,
    next_id: AtomicU64,
    pub(crate) registry: Arc<Registry>,
}

/// The channels on the socket and its counters, written by the socket task.
#[derive(Default)]
pub(crate) struct Registry {
    pub channels: Mutex<Vec<Arc<ChannelShared>>>,
    pub stats: watch::Sender<SocketStats>,
}

impl Registry {
    pub(crate) fn channels(&self) -> std::sync::MutexGuard<'_, Vec<Arc<ChannelShared>>> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ClientShared {
    pub(crate) fn next_channel_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The socket URL's query pairs: `apikey`, the params, `log_level`, `vsn`.
    pub(crate) fn socket_query(&self) -> Vec<(String, String)> {
        let mut q = vec![("apikey".to_owned(), self.key.expose().to_owned())];
        q.extend(self.options.params.iter().cloned());
        if let Some(level) = &self.options.log_level {
            q.push(("log_level".into(), level.clone()));
        }
        q.push(("vsn".into(), VSN.into()));
        q
    }

    /// Sends a command to the socket task, starting it on first use.
    pub(crate) fn command(&self, cmd: Command) -> Result<()> {
        {
            let mut start = self.start.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(config) = start.take() {
                #[cfg(not(target_arch = "wasm32"))]
                {
                    let handle = tokio::runtime::Handle::try_current().map_err(|_| {
                        RealtimeError::InvalidInput("realtime needs a tokio runtime".into())
                    })?;
                    handle.spawn(socket::run(config));
                }
                // On wasm32 the socket task runs on the JavaScript event loop.
                #[cfg(target_arch = "wasm32")]
                wasm_bindgen_futures::spawn_local(socket::run(config));
            }
        }
        self.cmd_tx
            .send(cmd)
            .map_err(|_| RealtimeError::SocketStopped)
    }
}

/// The Realtime client: one websocket, shared by every handle made from it.
///
/// Each handle has a token source ([`TokenProvider`]); the channels it opens join with that
/// source's token, get the new token pushed (`access_token`) as soon as the source signals a
/// change ([`TokenProvider::changes`]) and re-read it on every heartbeat.
/// [`RealtimeClient::with_token_provider`] gives a handle on the same socket whose channels
/// carry another user's token: one socket may carry channels of several users.
///
/// Cloning is cheap. The socket opens at the first subscribe and closes when the last
/// channel is removed; the socket task ends when every handle and channel is dropped.
///
/// ```no_run
/// use std::sync::Arc;
/// use supabase_core::StaticTokenProvider;
/// use supabase_realtime::RealtimeClient;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let client = RealtimeClient::new("https://xyzcompany.supabase.co", "public-anon-key")?;
/// let alice = client.with_token_provider(Arc::new(StaticTokenProvider::from_token("eyJ.alice.jwt")?));
/// let room = alice.channel("room1")?.subscribe().await?; // joins with Alice's token
/// room.send_broadcast("msg", &serde_json::json!({"text": "hi"})).await?;
/// client.remove_all_channels().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RealtimeClient {
    shared: Arc<ClientShared>,
    pub(crate) tokens: Arc<dyn TokenProvider>,
}

impl fmt::Debug for RealtimeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RealtimeClient")
            .field("url", &self.shared.http.base().as_str())
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

/// The `realtime/v1` base of `url`: kept if it already ends so, else appended.
fn realtime_base(url: &str) -> Result<String> {
    let mut parsed = validate_base_url(url)?;
    let path = parsed.path().trim_end_matches('/').to_owned();
    if path.ends_with("/realtime/v1") {
        parsed.set_path(&path);
    } else {
        parsed.set_path(&format!("{path}/realtime/v1"));
    }
    Ok(parsed.to_string())
}

/// `ws(s)://…/realtime/v1/websocket?apikey=…&…&vsn=2.0.0`.
fn websocket_url(base: &Url, query: &[(String, String)]) -> Result<Url> {
    let mut url = base.clone();
    let scheme = match url.scheme() {
        "https" | "wss" => "wss",
        "http" | "ws" => "ws",
        other => {
            return Err(RealtimeError::InvalidInput(format!(
                "unsupported URL scheme `{other}`"
            )));
        }
    };
    url.set_scheme(scheme)
        .map_err(|()| RealtimeError::InvalidInput("cannot make a websocket URL".into()))?;
    let path = format!("{}/websocket", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(None);
    url.query_pairs_mut().extend_pairs(query);
    Ok(url)
}

impl RealtimeClient {
    /// A standalone client. `url` is the project URL (`https://<ref>.supabase.co`, to which
    /// `/realtime/v1` is appended) or the Realtime URL itself (ending in `/realtime/v1`);
    /// `key` is the project key, sent as the socket's `apikey` query parameter. Channels join
    /// with no user token until [`RealtimeClient::with_token_provider`].
    ///
    /// ```
    /// use supabase_realtime::RealtimeClient;
    /// let client = RealtimeClient::new("https://xyzcompany.supabase.co", "anon-key")?;
    /// assert_eq!(client.url().as_str(), "https://xyzcompany.supabase.co/realtime/v1");
    /// assert!(!format!("{client:?}").contains("anon-key"));
    /// # Ok::<(), supabase_realtime::RealtimeError>(())
    /// ```
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self> {
        Self::with_options(url, key, RealtimeOptions::default())
    }

    /// [`RealtimeClient::new`] with options.
    pub fn with_options(
        url: &str,
        key: impl Into<Secret>,
        options: RealtimeOptions,
    ) -> Result<Self> {
        let key = key.into();
        if key.is_empty() {
            return Err(RealtimeError::InvalidInput(
                "the project key is empty".into(),
            ));
        }
        let service = Service::standalone(&realtime_base(url)?, key)?;
        Self::from_service_with(service, options)
    }

    /// A client over a [`Service`] for `realtime/v1` (what the `supabase` façade builds): the
    /// service's transport gives the project key, its provider the token of this handle's
    /// channels, its base the socket URL.
    ///
    /// ```
    /// use supabase_core::{Config, Service};
    /// use supabase_realtime::RealtimeClient;
    /// let config = Config::new("https://xyzcompany.supabase.co", "anon-key")?;
    /// let client = RealtimeClient::from_service(Service::from_config(&config, "realtime/v1")?)?;
    /// assert_eq!(client.url().path(), "/realtime/v1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_service(service: Service) -> Result<Self> {
        Self::from_service_with(service, RealtimeOptions::default())
    }

    /// [`RealtimeClient::from_service`] with options.
    pub fn from_service_with(service: Service, options: RealtimeOptions) -> Result<Self> {
        let key = service.transport().project_key().clone();
        let tokens = Arc::clone(service.tokens());
        let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
        let registry = Arc::new(Registry::default());
        let mut shared = ClientShared {
            cmd_tx,
            start: Mutex::new(None),
            http: service,
            key,
            options: options.clone(),
            next_id: AtomicU64::new(1),
            registry: Arc::clone(&registry),
        };
        let ws_url = websocket_url(shared.http.base(), &shared.socket_query())?;
        shared.start = Mutex::new(Some(SocketConfig {
            ws_url: Secret::new(String::from(ws_url)),
            key: shared.key.clone(),
            heartbeat_interval: options.heartbeat_interval,
            timeout: options.timeout,
            reconnect_after: options.reconnect_after,
            rejoin_after: options.rejoin_after,
            clock: options.clock,
            connector: options.connector,
            cmd_rx,
            registry,
        }));
        Ok(Self {
            shared: Arc::new(shared),
            tokens,
        })
    }

    pub(crate) fn shared(&self) -> &ClientShared {
        &self.shared
    }

    /// The Realtime HTTP base URL (`…/realtime/v1`).
    pub fn url(&self) -> &Url {
        self.shared.http.base()
    }

    /// A handle on the same socket whose channels carry `tokens`' token; this handle is
    /// unchanged.
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> RealtimeClient {
        RealtimeClient {
            shared: Arc::clone(&self.shared),
            tokens,
        }
    }

    /// This handle's token source.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.tokens
    }

    /// Starts setting up channel `name` (topic `realtime:<name>`); nothing is sent until
    /// [`ChannelBuilder::subscribe`].
    ///
    /// ```
    /// use supabase_realtime::RealtimeClient;
    /// let client = RealtimeClient::new("https://xyzcompany.supabase.co", "anon-key")?;
    /// assert_eq!(client.channel("room1")?.topic(), "realtime:room1");
    /// assert!(client.channel("").is_err());
    /// # Ok::<(), supabase_realtime::RealtimeError>(())
    /// ```
    pub fn channel(&self, name: &str) -> Result<ChannelBuilder> {
        let name = name.strip_prefix("realtime:").unwrap_or(name);
        if name.is_empty() {
            return Err(RealtimeError::InvalidInput(
                "the channel name is empty".into(),
            ));
        }
        if name.len() > 200 {
            return Err(RealtimeError::InvalidInput(
                "the channel name is longer than 200 bytes".into(),
            ));
        }
        Ok(ChannelBuilder::new(
            self.clone(),
            format!("realtime:{name}"),
        ))
    }

    /// Every channel on the socket (of every handle of this client family).
    pub fn channels(&self) -> Vec<RealtimeChannel> {
        self.shared
            .registry
            .channels()
            .iter()
            .map(|c| RealtimeChannel::from_parts(self.clone(), Arc::clone(c)))
            .collect()
    }

    /// Leaves `channel` (`phx_leave`, not waiting for the answer) and forgets it; the socket
    /// closes when no channel is left.
    pub async fn remove_channel(&self, channel: &RealtimeChannel) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.shared.command(Command::Remove {
            id: channel.chan.id,
            done,
        })?;
        wait.await.map_err(|_| RealtimeError::SocketStopped)
    }

    /// Leaves every channel of the socket and closes it.
    pub async fn remove_all_channels(&self) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.shared.command(Command::RemoveAll { done })?;
        wait.await.map_err(|_| RealtimeError::SocketStopped)
    }

    /// Sends a heartbeat now (they are otherwise sent every heartbeat interval), and re-reads
    /// the tokens of the joined channels as each heartbeat does.
    pub async fn send_heartbeat(&self) -> Result<()> {
        let (done, wait) = oneshot::channel();
        self.shared.command(Command::Heartbeat { done })?;
        wait.await.map_err(|_| RealtimeError::SocketStopped)
    }

    /// The socket's counters now.
    pub fn stats(&self) -> SocketStats {
        *self.shared.registry.stats.borrow()
    }

    /// Waits until `check` holds for the socket's counters (for tests and tools that must
    /// wait for the socket to have handled something, without sleeping).
    pub async fn wait_stats(&self, check: impl Fn(&SocketStats) -> bool) -> SocketStats {
        let mut rx = self.shared.registry.stats.subscribe();
        match rx.wait_for(|s| check(s)).await {
            Ok(s) => *s,
            Err(_) => self.stats(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            realtime_base("https://x.supabase.co/").unwrap(),
            "https://x.supabase.co/realtime/v1"
        );
        assert_eq!(
            realtime_base("http://127.0.0.1:5/realtime/v1/").unwrap(),
            "http://127.0.0.1:5/realtime/v1"
        );
        let ws = websocket_url(
            &Url::parse("https://x.supabase.co/realtime/v1").unwrap(),
            &[
                ("apikey".into(), "k y".into()),
                ("vsn".into(), "2.0.0".into()),
            ],
        )
        .unwrap();
        assert_eq!(
            ws.as_str(),
            "wss://x.supabase.co/realtime/v1/websocket?apikey=k+y&vsn=2.0.0"
        );
        assert!(RealtimeClient::new("https://x.supabase.co", "").is_err());
        assert!(RealtimeClient::new("not a url", "k").is_err());
    }
}
