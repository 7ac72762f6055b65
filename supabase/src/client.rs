//! The client a user creates with [`create_client`] or [`Client::builder`].

use std::fmt;
use std::sync::Arc;

#[cfg(feature = "auth")]
use supabase_auth::{AuthClient, AuthClientBuilder};
use supabase_core::{
    Clock, Config, ProjectKeyProvider, Secret, StaticTokenProvider, TokenProvider, TokenUser,
    check_jwt_expiry, check_jwt_with_user,
};
#[cfg(feature = "postgrest")]
use supabase_postgrest::shape::Json;
#[cfg(feature = "postgrest")]
use supabase_postgrest::{FilterBuilder, PostgrestClient, QueryBuilder};

use crate::{ClientBuilder, Error};

/// Creates a client for the project at `url` with the project key `key` (anon or
/// publishable key for user-facing code, service-role or secret key for trusted servers).
///
/// The equivalent of supabase-js `createClient(url, key)`; [`Client::builder`] takes options.
/// Fails with a typed error when the URL is not an absolute `http(s)` URL or the key cannot be
/// sent as a header.
///
/// ```
/// let supabase = supabase::create_client("https://xyzcompany.supabase.co", "public-anon-key")?;
/// # let _ = supabase;
/// assert!(supabase::create_client("not a url", "key").is_err());
/// # Ok::<(), supabase::Error>(())
/// ```
pub fn create_client(url: &str, key: &str) -> Result<Client, Error> {
    Client::builder(url, key).build()
}

/// A Supabase client: [`Client::from`] for the data API, [`Client::auth`] for Auth.
///
/// Cloning is cheap and clones share one connection pool. A client value has exactly one
/// bearer token source, and every service handle ([`Client::from`], [`Client::rpc`],
/// [`Client::schema`], [`Client::postgrest`], [`Client::auth`]) is made from it when asked
/// for: a [`Client::set_auth`] / [`Client::with_auth`] override, else the `access_token`
/// option, else the Auth session, else the project key. [`Client::with_token`] changes that
/// one field, so no service can be left acting as somebody else.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    /// Where this value's bearer tokens come from: the only "who am I" of the client.
    tokens: Arc<dyn TokenProvider>,
    /// Whether `tokens` is a `set_auth` / `with_auth` override.
    user_scoped: bool,
}

/// What every clone and scoped client shares: configuration, the transport (pool) and the
/// services as the project key; a handle is one of these with this value's token source.
struct Shared {
    config: Config,
    transport: supabase_core::Transport,
    clock: Arc<dyn Clock>,
    /// The PostgREST client in the chosen schema, as the project key.
    #[cfg(feature = "postgrest")]
    postgrest: PostgrestClient,
    /// The Auth client that owns the session (`None` with third-party auth).
    #[cfg(feature = "auth")]
    auth: Option<AuthClient>,
    /// The Auth endpoint, for the admin API.
    #[cfg(feature = "auth")]
    auth_service: supabase_core::Service,
    /// The Storage client, as the project key.
    #[cfg(feature = "storage")]
    storage: supabase_storage::StorageClient,
    /// The Edge Functions client, as the project key.
    #[cfg(feature = "functions")]
    functions: supabase_functions::FunctionsClient,
    /// The Realtime client: one socket for every clone and scoped client, each channel
    /// carrying the token source of the client value that opened it.
    #[cfg(feature = "realtime")]
    realtime: supabase_realtime::RealtimeClient,
    /// The background refresh, when asked for; it stops when the last clone is dropped.
    #[cfg(feature = "auth")]
    _auto_refresh: Option<supabase_auth::AutoRefresh>,
}

impl Client {
    /// Options for a client of the project at `url` with the project key `key`.
    pub fn builder(url: &str, key: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder::new(url, key)
    }

    /// A client from the environment: `SUPABASE_URL`, and `SUPABASE_ANON_KEY` or
    /// `SUPABASE_PUBLISHABLE_KEY` (in that order). Nothing is read implicitly elsewhere.
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &'static str| -> Option<String> {
            std::env::var(name).ok().filter(|v| !v.is_empty())
        };
        let url = var("SUPABASE_URL").ok_or(Error::MissingEnv("SUPABASE_URL"))?;
        let key = var("SUPABASE_ANON_KEY")
            .or_else(|| var("SUPABASE_PUBLISHABLE_KEY"))
            .ok_or(Error::MissingEnv(
                "SUPABASE_ANON_KEY (or SUPABASE_PUBLISHABLE_KEY)",
            ))?;
        create_client(&url, &key)
    }

    /// A client for `config` with default options.
    pub fn new(config: Config) -> Result<Self, Error> {
        let builder = ClientBuilder::new(config.url().as_str(), config.key().clone());
        Self::assemble(config, builder)
    }

    pub(crate) fn from_builder(builder: ClientBuilder) -> Result<Self, Error> {
        let config = builder.config()?;
        Self::assemble(config, builder)
    }

    fn assemble(config: Config, builder: ClientBuilder) -> Result<Self, Error> {
        let transport = config.transport()?;
        #[cfg(any(
            feature = "auth",
            feature = "postgrest",
            feature = "storage",
            feature = "functions",
            feature = "realtime"
        ))]
        let service = |path: &str| -> Result<supabase_core::Service, Error> {
            Ok(
                supabase_core::Service::new(transport.clone(), config.endpoint(path)?.as_str())?
                    .with_retry(builder.retry),
            )
        };
        let clock = builder.clock;
        let third_party = builder.access_token;
        #[cfg(feature = "auth")]
        let auth_service = service("auth/v1")?;
        #[cfg(feature = "auth")]
        let (auth, auto_refresh) = match &third_party {
            Some(_) => (None, None),
            None => {
                let auth = builder
                    .auth
                    .apply(AuthClientBuilder::from_service(auth_service.clone()))
                    .clock(Arc::clone(&clock))
                    .build()?;
                let auto_refresh = if builder.auth.auto_refresh {
                    Some(auth.start_auto_refresh()?)
                } else {
                    None
                };
                (Some(auth), auto_refresh)
            }
        };
        // Without an override: third-party auth, else the Auth session (which yields no
        // token when signed out, so the key is used), else the project key.
        let tokens: Arc<dyn TokenProvider> = match third_party {
            Some(provider) => provider,
            #[cfg(feature = "auth")]
            None => match &auth {
                Some(auth) => auth.session_token_provider(),
                None => Arc::new(ProjectKeyProvider),
            },
            #[cfg(not(feature = "auth"))]
            None => Arc::new(ProjectKeyProvider),
        };
        #[cfg(feature = "postgrest")]
        let postgrest = PostgrestClient::from_service(service("rest/v1")?).schema(&builder.schema);
        #[cfg(feature = "storage")]
        let storage = supabase_storage::StorageClient::from_service(service("storage/v1")?);
        #[cfg(feature = "functions")]
        let functions = supabase_functions::FunctionsClient::from_service(service("functions/v1")?);
        #[cfg(feature = "realtime")]
        let realtime = supabase_realtime::RealtimeClient::from_service_with(
            service("realtime/v1")?,
            builder.realtime.clone(),
        )?;
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                transport,
                clock,
                #[cfg(feature = "postgrest")]
                postgrest,
                #[cfg(feature = "auth")]
                auth,
                #[cfg(feature = "auth")]
                auth_service,
                #[cfg(feature = "storage")]
                storage,
                #[cfg(feature = "functions")]
                functions,
                #[cfg(feature = "realtime")]
                realtime,
                #[cfg(feature = "auth")]
                _auto_refresh: auto_refresh,
            }),
            tokens,
            user_scoped: false,
        })
    }

    /// Starts a query on a table or view (supabase-js `from`).
    #[cfg(feature = "postgrest")]
    pub fn from(&self, table: &str) -> QueryBuilder {
        self.postgrest().from(table)
    }

    /// Calls a Postgres function (supabase-js `rpc`): `POST /rest/v1/rpc/<function>` with
    /// `args` (a struct or map; `()` for none) as the JSON body. Chain `.get()`, `.head()`,
    /// `.count(…)`, filters and transforms as on a query; see [`PostgrestClient::rpc`].
    ///
    /// ```no_run
    /// # async fn run(supabase: supabase::Client) -> Result<(), supabase::Error> {
    /// let sum = supabase
    ///     .rpc("add", serde_json::json!({"a": 1, "b": 2}))
    ///     .returns::<i64>()
    ///     .await?;
    /// assert_eq!(sum.data, 3);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "postgrest")]
    pub fn rpc(&self, function: &str, args: impl serde::Serialize) -> FilterBuilder<Json> {
        self.postgrest().rpc(function, args)
    }

    /// The PostgREST client for another Postgres schema (supabase-js `schema`); this client is
    /// unchanged. Its requests carry `Accept-Profile`/`Content-Profile: <schema>`.
    ///
    /// ```
    /// # let supabase = supabase::create_client("https://xyzcompany.supabase.co", "anon-key").unwrap();
    /// let request = supabase.schema("private").from("secrets").select("id").to_request().unwrap();
    /// assert_eq!(request.headers["accept-profile"], "private");
    /// ```
    #[cfg(feature = "postgrest")]
    pub fn schema(&self, schema: &str) -> PostgrestClient {
        self.postgrest().schema(schema)
    }

    /// The PostgREST client, acting as this client value's token source.
    #[cfg(feature = "postgrest")]
    pub fn postgrest(&self) -> PostgrestClient {
        self.shared
            .postgrest
            .with_token_provider(Arc::clone(&self.tokens))
    }

    /// The Auth client, or [`Error::AuthUnavailable`] when this client was built with the
    /// `access_token` option (third-party auth), as supabase-js does.
    ///
    /// Every clone shares one session. On a user-scoped client (after `set_auth` /
    /// `with_auth`), the user endpoints (`get_user`, `update_user`, MFA, …) act as that user;
    /// sign-in and sign-out still concern the session.
    #[cfg(feature = "auth")]
    pub fn auth(&self) -> Result<AuthClient, Error> {
        let auth = self.shared.auth.as_ref().ok_or(Error::AuthUnavailable)?;
        Ok(if self.user_scoped {
            auth.with_token_provider(Arc::clone(&self.tokens))
        } else {
            auth.clone()
        })
    }

    /// The Storage client (supabase-js `storage`), acting as this client value's token
    /// source: `supabase.with_auth(jwt)?.storage()` uploads and downloads as that user, so
    /// Storage's row-level security applies to them.
    ///
    /// ```no_run
    /// # async fn run(supabase: supabase::Client, jwt: &str) -> Result<(), supabase::Error> {
    /// let storage = supabase.with_auth(jwt)?.storage();
    /// storage.from("avatars").upload("u1/me.png", b"...".to_vec(), &Default::default()).await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "storage")]
    pub fn storage(&self) -> supabase_storage::StorageClient {
        self.shared
            .storage
            .with_token_provider(Arc::clone(&self.tokens))
    }

    /// The Edge Functions client (supabase-js `functions`), invoking as this client value's
    /// token source.
    ///
    /// ```no_run
    /// # async fn run(supabase: supabase::Client) -> Result<(), supabase::Error> {
    /// let answer = supabase
    ///     .functions()
    ///     .invoke("hello")
    ///     .body_json(&serde_json::json!({"name": "Ada"}))
    ///     .send()
    ///     .await?;
    /// println!("{}", answer.status());
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "functions")]
    pub fn functions(&self) -> supabase_functions::FunctionsClient {
        self.shared
            .functions
            .with_token_provider(Arc::clone(&self.tokens))
    }

    /// The Realtime client, whose channels carry this client value's token source. Every
    /// clone and scoped client shares one socket.
    #[cfg(feature = "realtime")]
    pub fn realtime(&self) -> supabase_realtime::RealtimeClient {
        self.shared
            .realtime
            .with_token_provider(Arc::clone(&self.tokens))
    }

    /// A Realtime channel (supabase-js `channel(name)`), joined as this client value's token
    /// source: `supabase.with_auth(jwt)?.channel("room")` joins as that user, and the
    /// parent's channels are not affected.
    ///
    /// ```no_run
    /// # async fn run(supabase: supabase::Client) -> Result<(), supabase::Error> {
    /// let mut channel = supabase.channel("room-1")?;
    /// let mut messages = channel.broadcast("cursor");
    /// let channel = channel.subscribe().await?;
    /// # let _ = (channel, &mut messages);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "realtime")]
    pub fn channel(&self, name: &str) -> Result<supabase_realtime::ChannelBuilder, Error> {
        Ok(self.realtime().channel(name)?)
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The HTTP transport (and so the connection pool) shared by every clone and scoped
    /// client.
    pub fn transport(&self) -> &supabase_core::Transport {
        &self.shared.transport
    }

    /// The provider of this client value's bearer tokens.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.tokens
    }

    /// Makes every later request of **this client value** carry
    /// `Authorization: Bearer <access_token>` (with `apikey` unchanged), and returns the user
    /// the token names. Nothing is sent.
    ///
    /// The token must be a well-formed JWT that has not expired; otherwise a typed error is
    /// returned and the client is unchanged. It takes `&mut self`: clones made before keep
    /// their token, and a client shared between tasks (behind an `Arc`) cannot be switched to
    /// another user by mistake. On a server, prefer [`Client::with_auth`].
    ///
    /// The override is static: it is never refreshed and never stored as a session. Signing
    /// in or refreshing the Auth session does not replace it, and signing out does not revoke
    /// it (unlike supabase-js v1).
    ///
    /// ```
    /// # fn main() -> Result<(), supabase::Error> {
    /// let mut supabase = supabase::create_client("https://xyzcompany.supabase.co", "anon-key")?;
    /// let before = supabase.clone();
    /// // claims {"sub":"u1","role":"authenticated","exp":4102444800}
    /// let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
    /// let user = supabase.set_auth(jwt)?;
    /// assert_eq!(user.id.as_deref(), Some("u1"));
    /// // `before` still sends the project key.
    /// # let _ = before;
    /// # Ok(()) }
    /// ```
    pub fn set_auth(&mut self, access_token: &str) -> Result<TokenUser, Error> {
        let (token, user) = check_jwt_with_user(access_token, self.shared.clock.as_ref())?;
        *self = self.with_token(token);
        Ok(user)
    }

    /// A new client, scoped to the user whose access token this is; this client is unchanged.
    ///
    /// The token must be a well-formed JWT that has not expired (only its `exp` claim is
    /// read); otherwise a typed error is returned and nothing is sent. The new client shares
    /// this client's connection pool and configuration. Use one per incoming request on a
    /// server.
    ///
    /// ```
    /// # fn main() -> Result<(), supabase::Error> {
    /// let supabase = supabase::create_client("https://xyzcompany.supabase.co", "anon-key")?;
    /// // claims {"sub":"u1","role":"authenticated","exp":4102444800}
    /// let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
    /// let db = supabase.with_auth(jwt)?;
    /// assert!(db.is_user_scoped() && !supabase.is_user_scoped());
    /// assert!(supabase.with_auth("not-a-jwt").is_err());
    /// # Ok(()) }
    /// ```
    pub fn with_auth(&self, access_token: &str) -> Result<Client, Error> {
        let token = check_jwt_expiry(access_token, self.shared.clock.as_ref())?;
        Ok(self.with_token(token))
    }

    /// [`Client::with_auth`] for a token you have already checked (for example with
    /// [`supabase_core::check_jwt_with_user`], cached per session): no JWT parsing, only a few
    /// reference-count bumps and one small allocation.
    ///
    /// The token is sent as it is: nothing here checks that it is a JWT or unexpired.
    pub fn with_token(&self, token: supabase_core::AccessToken) -> Client {
        // The one field that says who this client is; every service handle is made from it.
        Client {
            shared: Arc::clone(&self.shared),
            tokens: Arc::new(StaticTokenProvider::new(token)),
            user_scoped: true,
        }
    }

    /// Whether this client value acts as a user (after [`Client::set_auth`] or made by
    /// [`Client::with_auth`]). There is no way back: a user-scoped client never falls back to
    /// the project key as its bearer.
    pub fn is_user_scoped(&self) -> bool {
        self.user_scoped
    }

    /// The Auth admin API (service role), sharing this client's connection pool.
    ///
    /// Only a client built explicitly with a service-role or secret key can make one
    /// ([`supabase_auth::Error::AdminKeyRequired`] otherwise), and never a user-scoped client
    /// ([`Error::UserScoped`]), so a per-request client cannot reach admin endpoints by
    /// accident.
    ///
    /// ```
    /// # fn main() -> Result<(), supabase::Error> {
    /// let anon = supabase::create_client("https://xyzcompany.supabase.co", "public-anon-key")?;
    /// assert!(anon.admin().is_err()); // not a service-role key
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "auth")]
    pub fn admin(&self) -> Result<supabase_auth::AdminClient, Error> {
        if self.user_scoped {
            return Err(Error::UserScoped);
        }
        // The same transport: pool, headers, timeout and size limit.
        Ok(supabase_auth::AdminClient::from_service(
            self.shared.auth_service.clone(),
        )?)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Client");
        d.field("config", &self.shared.config)
            .field("tokens", &self.tokens)
            .field("user_scoped", &self.user_scoped);
        #[cfg(feature = "postgrest")]
        d.field("postgrest", &self.shared.postgrest);
        #[cfg(feature = "auth")]
        d.field("auth", &self.shared.auth);
        d.finish()
    }
}
