//! Options of [`Client`](crate::Client): the `createClient(url, key, options)` equivalent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use supabase_core::{
    BoxError, Clock, Config, FnTokenProvider, HttpConnector, RetryPolicy, Secret, SystemClock,
    TokenProvider,
};

use crate::{Client, Error};

/// The default Postgres schema, as in supabase-js.
pub(crate) const DEFAULT_SCHEMA: &str = "public";

/// Builds a [`Client`] with options.
///
/// ```
/// use std::time::Duration;
///
/// # fn main() -> Result<(), supabase::Error> {
/// let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "public-anon-key")
///     .schema("api")                          // db.schema
///     .header("x-app", "demo")                // global.headers
///     .timeout(Duration::from_secs(10))
///     // Share your app's pool; start from `http_client_builder` (see `http_client`).
///     .http_client(
///         supabase::supabase_core::http_client_builder()?
///             .build()
///             .expect("a client"),
///     )
///     .build()?;
/// # let _ = supabase;
/// # Ok(()) }
/// ```
#[must_use = "call build() to make the client"]
pub struct ClientBuilder {
    url: String,
    key: Secret,
    pub(crate) schema: String,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    http: Option<Http>,
    max_response_bytes: Option<usize>,
    pub(crate) retry: RetryPolicy,
    pub(crate) access_token: Option<Arc<dyn TokenProvider>>,
    pub(crate) clock: Arc<dyn Clock>,
    #[cfg(feature = "auth")]
    pub(crate) auth: AuthOptions,
    #[cfg(feature = "realtime")]
    pub(crate) realtime: supabase_realtime::RealtimeOptions,
}

/// What moves the bytes, when not the default reqwest pool: the last option set wins.
#[derive(Clone)]
enum Http {
    Client(supabase_core::reqwest::Client),
    Connector(Arc<dyn HttpConnector>),
    #[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
    Hyper,
}

/// Options of the Auth client inside a [`Client`](crate::Client) (supabase-js `auth: {…}`).
#[cfg(feature = "auth")]
#[derive(Clone, Default)]
pub(crate) struct AuthOptions {
    pub(crate) auto_refresh: bool,
    pub(crate) store: Option<Arc<dyn supabase_auth::SessionStore>>,
    pub(crate) flow: Option<supabase_auth::FlowType>,
    pub(crate) storage_key: Option<String>,
    pub(crate) refresh_margin: Option<Duration>,
}

#[cfg(feature = "auth")]
impl AuthOptions {
    /// Hands these options to the Auth client's own builder (the one place they mean
    /// something).
    pub(crate) fn apply(
        &self,
        mut auth: supabase_auth::AuthClientBuilder,
    ) -> supabase_auth::AuthClientBuilder {
        if let Some(store) = &self.store {
            auth = auth.store(Arc::clone(store));
        }
        if let Some(key) = &self.storage_key {
            auth = auth.storage_key(key);
        }
        if let Some(flow) = self.flow {
            auth = auth.flow_type(flow);
        }
        if let Some(margin) = self.refresh_margin {
            auth = auth.refresh_margin(margin);
        }
        auth
    }
}

impl ClientBuilder {
    pub(crate) fn new(url: &str, key: impl Into<Secret>) -> Self {
        Self {
            url: url.to_owned(),
            key: key.into(),
            schema: DEFAULT_SCHEMA.to_owned(),
            headers: Vec::new(),
            timeout: None,
            http: None,
            max_response_bytes: None,
            retry: RetryPolicy::default(),
            access_token: None,
            clock: Arc::new(SystemClock),
            #[cfg(feature = "auth")]
            auth: AuthOptions::default(),
            #[cfg(feature = "realtime")]
            realtime: supabase_realtime::RealtimeOptions::default(),
        }
    }

    /// The Postgres schema used by [`Client::from`] and `rpc` (default `public`): the
    /// `db.schema` option.
    pub fn schema(mut self, schema: &str) -> Self {
        self.schema = schema.to_owned();
        self
    }

    /// A header sent with every request (the `global.headers` option). A global
    /// `Authorization` header wins over every token source; a global `X-Client-Info`
    /// replaces the default one. Invalid names or values (CR/LF, …) fail in
    /// [`ClientBuilder::build`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The time limit of every request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Uses this `reqwest::Client` (and so its connection pool). Build it with
    /// [`redirect_policy`](supabase_core::redirect_policy): reqwest's default policy follows
    /// redirects to other hosts and would hand them the project key in `apikey`. Answers that
    /// arrive from another origin anyway are refused with a typed error.
    ///
    /// This, [`ClientBuilder::connector`] and `hyper_connector` each say what moves the bytes:
    /// the last one called wins.
    pub fn http_client(mut self, client: supabase_core::reqwest::Client) -> Self {
        self.http = Some(Http::Client(client));
        self
    }

    /// Moves the bytes through `connector` instead of reqwest: a middleware of yours around
    /// [`ReqwestConnector`](supabase_core::ReqwestConnector), the hyper-util connector, or
    /// your own (see [`HttpConnector`]). Headers, token rules, size limits and the
    /// same-origin check stay the client's.
    ///
    /// This, [`ClientBuilder::http_client`] and `hyper_connector` each say what moves the
    /// bytes: the last one called wins.
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// # fn main() -> Result<(), supabase::Error> {
    /// let connector = supabase::supabase_core::ReqwestConnector::new()?;
    /// let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "anon-key")
    ///     .connector(Arc::new(connector))
    ///     .build()?;
    /// # let _ = supabase;
    /// # Ok(()) }
    /// ```
    pub fn connector(mut self, connector: Arc<dyn HttpConnector>) -> Self {
        self.http = Some(Http::Connector(connector));
        self
    }

    /// Moves the bytes through a new [`HyperConnector`](supabase_core::HyperConnector):
    /// hyper-util directly, with the same guarantees as the reqwest default (feature `hyper`,
    /// native targets). Made in [`ClientBuilder::build`].
    ///
    /// This, [`ClientBuilder::http_client`] and [`ClientBuilder::connector`] each say what
    /// moves the bytes: the last one called wins.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), supabase::Error> {
    /// let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "anon-key")
    ///     .hyper_connector()
    ///     .build()?;
    /// # let _ = supabase;
    /// # Ok(()) }
    /// ```
    #[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub fn hyper_connector(mut self) -> Self {
        self.http = Some(Http::Hyper);
        self
    }

    /// The retry policy of every service (default: postgrest-js's rules, GET and HEAD only;
    /// see [`RetryPolicy`]); [`RetryPolicy::disabled`] turns retries off.
    ///
    /// ```
    /// use supabase::supabase_core::RetryPolicy;
    /// # fn main() -> Result<(), supabase::Error> {
    /// let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "anon-key")
    ///     .retry(RetryPolicy::default().with_max_retries(5).with_jitter(true))
    ///     .build()?;
    /// # let _ = supabase;
    /// # Ok(()) }
    /// ```
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body a buffered answer may have (default 256 MiB); larger
    /// answers fail with a typed error without being read further.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Third-party auth (supabase-js's `accessToken` option): every request's bearer comes
    /// from `provider`. The Auth client is then unavailable ([`Error::AuthUnavailable`]), since
    /// users sign in with the third-party provider.
    pub fn access_token(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.access_token = Some(provider);
        self
    }

    /// [`ClientBuilder::access_token`] with an async closure.
    ///
    /// ```
    /// # fn main() -> Result<(), supabase::Error> {
    /// let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "anon-key")
    ///     .access_token_fn(|| async { Ok(Some("eyJ...from-your-idp".to_owned())) })
    ///     .build()?;
    /// assert!(supabase.auth().is_err()); // Auth belongs to the third-party provider
    /// # Ok(()) }
    /// ```
    pub fn access_token_fn<F, Fut>(self, fetch: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<Option<String>, BoxError>>
            + supabase_core::MaybeSend
            + 'static,
    {
        self.access_token(Arc::new(FnTokenProvider::new(fetch)))
    }

    /// Keeps the Auth session (and PKCE verifiers) in `store` (default: in memory). For CLIs
    /// and desktop apps, `supabase::auth::FileStore` persists it in a 0600 file.
    #[cfg(feature = "auth")]
    pub fn session_store(mut self, store: Arc<dyn supabase_auth::SessionStore>) -> Self {
        self.auth.store = Some(store);
        self
    }

    /// The key the session is stored under (default `sb-<project ref>-auth-token`).
    #[cfg(feature = "auth")]
    pub fn storage_key(mut self, key: &str) -> Self {
        self.auth.storage_key = Some(key.to_owned());
        self
    }

    /// The Auth flow for email links, OAuth and SSO: implicit (default) or PKCE.
    #[cfg(feature = "auth")]
    pub fn flow_type(mut self, flow: supabase_auth::FlowType) -> Self {
        self.auth.flow = Some(flow);
        self
    }

    /// Refreshes the session before a request when it expires within `margin` (default 90 s).
    #[cfg(feature = "auth")]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.auth.refresh_margin = Some(margin);
        self
    }

    /// Also refresh the session in the background (supabase-js `autoRefreshToken`), every
    /// 30 s while any clone of the client lives. Off by default here: requests always refresh
    /// an expiring session lazily before they are sent, so a background task is only needed
    /// to keep a token fresh without making requests. When on, [`ClientBuilder::build`] must
    /// run inside a tokio runtime (on wasm32 the task runs on the JavaScript event loop).
    #[cfg(feature = "auth")]
    pub fn auto_refresh_token(mut self, on: bool) -> Self {
        self.auth.auto_refresh = on;
        self
    }

    /// Options of the Realtime socket (supabase-js `realtime: {…}`): heartbeat interval,
    /// timeouts, reconnect backoff, socket parameters, log level, a connector for tests.
    ///
    /// ```
    /// use std::time::Duration;
    /// use supabase::realtime::RealtimeOptions;
    /// # fn main() -> Result<(), supabase::Error> {
    /// let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "anon-key")
    ///     .realtime(RealtimeOptions::default().heartbeat_interval(Duration::from_secs(15)))
    ///     .build()?;
    /// # let _ = supabase;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "realtime")]
    pub fn realtime(mut self, options: supabase_realtime::RealtimeOptions) -> Self {
        self.realtime = options;
        self
    }

    /// Uses `clock` for token expiry checks (tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The configuration these options describe.
    pub(crate) fn config(&self) -> Result<Config, Error> {
        let mut config = Config::new(&self.url, self.key.clone())?;
        for (name, value) in &self.headers {
            config = config.header(name, value)?;
        }
        if let Some(timeout) = self.timeout {
            config = config.timeout(timeout);
        }
        match &self.http {
            Some(Http::Client(http)) => config = config.http_client(http.clone()),
            Some(Http::Connector(connector)) => config = config.connector(Arc::clone(connector)),
            #[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
            Some(Http::Hyper) => config = config.hyper_connector()?,
            None => {}
        }
        if let Some(limit) = self.max_response_bytes {
            config = config.max_response_bytes(limit);
        }
        Ok(config)
    }

    /// Checks the options and makes the client.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(self)
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url)
            .field("key", &self.key)
            .field("schema", &self.schema)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field(
                "http",
                &match &self.http {
                    None => "default",
                    Some(Http::Client(_)) => "reqwest client",
                    Some(Http::Connector(_)) => "connector",
                    #[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
                    Some(Http::Hyper) => "hyper",
                },
            )
            .field("access_token", &self.access_token.is_some())
            .finish()
    }
}
