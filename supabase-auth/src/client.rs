//! The Auth client: construction, options, `set_auth` and where tokens come from.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use supabase_core::{
    AccessToken, Clock, Config, ProjectKeyProvider, Secret, Service, StaticTokenProvider,
    TokenProvider, Transport, Url,
};

use crate::state::Inner;
use crate::{
    AuthClientBuilder, AuthSubscription, Error, SessionTokenProvider, TokenUser,
    check_jwt_with_user,
};

/// The default refresh margin: a session expiring within 90 s is refreshed before use
/// (auth-js `EXPIRY_MARGIN_MS`).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(90);

/// How email links and OAuth redirects hand the session back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FlowType {
    /// Tokens in the redirect URL's fragment (auth-js default).
    #[default]
    Implicit,
    /// A `?code=` in the redirect URL, exchanged with
    /// [`AuthClient::exchange_code_for_session`]; the code verifier is kept in the
    /// [`SessionStore`](crate::SessionStore). Use it for server-rendered apps and native apps.
    Pkce,
}

/// A client for Supabase Auth (`https://<project>.supabase.co/auth/v1`).
///
/// # Sessions and clones
///
/// Sign-in methods make a session current; it is kept in memory and in the
/// [`SessionStore`](crate::SessionStore) (memory by default, [`FileStore`](crate::FileStore) for CLIs), refreshed
/// lazily before use, and cleared by [`AuthClient::sign_out`]. **Every clone of a client
/// shares that session** (like one supabase-js client): a clone is the same logged-in client.
/// For one client per user on a server, build separate clients (they can share the
/// connection pool through [`Config::http_client`]) or use `set_auth` / the façade's
/// `with_auth` with the user's access token.
///
/// # `set_auth`: a static override
///
/// [`AuthClient::set_auth`] (and [`AuthClient::with_token_provider`]) install a token that
/// only this client value uses, for the user endpoints (`get_user`, `update_user`, MFA,
/// identities, `reauthenticate`). It never touches the session:
///
/// - sign-in, `set_session` and refreshes change the session, never the override: the
///   override stays in force on this value until [`AuthClient::clear_auth`] (supabase-js v1's
///   refresh silently replaced its `setAuth` token);
/// - [`AuthClient::sign_out`] ends only the session, with the session's own token; it never
///   revokes an override token it did not issue (supabase-js v1 did), and the override stays;
/// - [`AuthClient::session_token_provider`] never hands out the override.
///
/// # Requests
///
/// Every request carries `apikey`, `X-Client-Info`, `X-Supabase-Api-Version: 2024-01-01`, and
/// `Content-Type: application/json;charset=UTF-8` unless it is a GET. Public endpoints send
/// the project key as bearer (or your global `Authorization` header); user endpoints send the
/// user's access token.
///
/// ```
/// use supabase_auth::{AuthClient, FlowType, MemoryStore};
/// use std::sync::Arc;
///
/// # fn main() -> Result<(), supabase_auth::Error> {
/// let auth = AuthClient::builder("https://xyzcompany.supabase.co/auth/v1", "public-anon-key")
///     .flow_type(FlowType::Pkce)
///     .store(Arc::new(MemoryStore::new()))
///     .build()?;
/// assert_eq!(auth.storage_key(), "sb-xyzcompany-auth-token");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AuthClient {
    pub(crate) inner: Arc<Inner>,
    /// The `set_auth` / `with_token_provider` override; `ProjectKeyProvider` (no token)
    /// when there is none.
    pub(crate) tokens: Arc<dyn TokenProvider>,
}

/// Which token a user endpoint sends.
pub(crate) enum UserToken {
    /// The override installed by `set_auth` / `with_token_provider`.
    Override(AccessToken),
    /// The current session's access token (refreshed if needed).
    Session(AccessToken),
    /// No token, but a global `Authorization` header that the transport sends.
    Global,
}

impl AuthClient {
    /// A client for the Auth endpoint at `url` (e.g. `https://x.supabase.co/auth/v1`),
    /// sending `key` as `apikey`.
    ///
    /// ```
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// assert_eq!(auth.url().as_str(), "https://x.supabase.co/auth/v1");
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        Self::builder(url, key).build()
    }

    /// Options for a client of the Auth endpoint at `url` with the project key `key`; see
    /// [`AuthClientBuilder`].
    pub fn builder(url: &str, key: impl Into<Secret>) -> AuthClientBuilder {
        AuthClientBuilder::standalone(url, key.into())
    }

    /// A client for the project described by `config` (endpoint `<project url>/auth/v1`).
    ///
    /// ```
    /// let config = supabase_core::Config::new("https://x.supabase.co", "anon-key")?;
    /// let auth = supabase_auth::AuthClient::from_config(&config)?;
    /// assert_eq!(auth.url().as_str(), "https://x.supabase.co/auth/v1");
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        AuthClientBuilder::from_service(Service::from_config(config, "auth/v1")?).build()
    }

    /// A client for the Auth endpoint at `url` over an existing transport.
    ///
    /// ```
    /// use supabase_core::{Transport, TransportOptions};
    /// let transport = Transport::new(&"anon-key".into(), TransportOptions::default())?;
    /// let auth = supabase_auth::AuthClient::with_transport("http://localhost:54321/auth/v1", transport)?;
    /// assert_eq!(auth.storage_key(), "sb-localhost-auth-token");
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn with_transport(url: &str, transport: Transport) -> Result<Self, Error> {
        AuthClientBuilder::from_service(Service::new(transport, url)?).build()
    }

    /// Makes the user endpoints of **this client value** (`get_user`, `update_user`, MFA,
    /// identities, `reauthenticate`) use `access_token`, and returns the user it names.
    /// Nothing is sent.
    ///
    /// It is a static override: never refreshed, never stored, never made the session, never
    /// revoked by `sign_out`, and not seen by [`AuthClient::session_token_provider`]. Sign-in,
    /// refresh and sign-out leave it in place (see the type docs); [`AuthClient::clear_auth`]
    /// removes it. Clones made before keep what they had. Fails without changing anything
    /// when the token is malformed or expired.
    ///
    /// ```
    /// # fn main() -> Result<(), supabase_auth::Error> {
    /// let mut auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// // claims {"sub":"u1","role":"authenticated","email":"a@example.com","exp":4102444800}
    /// let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZW1haWwiOiJhQGV4YW1wbGUuY29tIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
    /// let user = auth.set_auth(jwt)?;
    /// assert_eq!(user.id.as_deref(), Some("u1"));
    /// assert!(auth.set_auth("not.a-jwt").is_err());
    /// # Ok(()) }
    /// ```
    pub fn set_auth(&mut self, access_token: &str) -> Result<TokenUser, Error> {
        let (token, user) = check_jwt_with_user(access_token, self.inner.settings.clock.as_ref())?;
        self.tokens = Arc::new(StaticTokenProvider::new(token));
        Ok(user)
    }

    /// Removes the `set_auth` / `with_token_provider` override of this client value; user
    /// endpoints use the session again.
    ///
    /// ```
    /// let mut auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k")?;
    /// auth.clear_auth();
    /// // No override: the provider yields no token, so the session is used.
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use supabase_core::TokenProvider;
    /// assert!(auth.token_provider().access_token().await.unwrap().is_none());
    /// # });
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn clear_auth(&mut self) {
        self.tokens = Arc::new(ProjectKeyProvider);
    }

    /// A client (sharing this one's session and pool) whose user endpoints take their token
    /// from `tokens` first, the session when it yields none; this one is unchanged.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supabase_core::StaticTokenProvider;
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k")?;
    /// let scoped = auth.with_token_provider(Arc::new(StaticTokenProvider::from_token("eyJ.a.b")?));
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use supabase_core::TokenProvider;
    /// assert!(scoped.token_provider().access_token().await.unwrap().is_some());
    /// assert!(auth.token_provider().access_token().await.unwrap().is_none());
    /// # });
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            tokens,
        }
    }

    /// The override installed by `set_auth` / `with_token_provider`; without one, a
    /// [`ProjectKeyProvider`] that yields no token (user endpoints then use the session).
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.tokens
    }

    /// The session-backed provider for data clients: the current session's access token,
    /// refreshed lazily (see [`SessionTokenProvider`]), or `None` when signed out.
    ///
    /// ```
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k")?;
    /// let provider: std::sync::Arc<dyn supabase_core::TokenProvider> = auth.session_token_provider();
    /// # let _ = provider;
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn session_token_provider(&self) -> Arc<SessionTokenProvider> {
        Arc::new(SessionTokenProvider::new(Arc::clone(&self.inner)))
    }

    /// Subscribes to auth state changes. The first event is
    /// [`InitialSession`](crate::AuthChangeEvent::InitialSession) with the current session;
    /// then every change, in order. Dropping the subscription unsubscribes.
    ///
    /// ```
    /// use supabase_auth::AuthChangeEvent;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k").unwrap();
    /// let mut events = auth.on_auth_state_change().await.unwrap();
    /// let first = events.recv().await.unwrap();
    /// assert_eq!(first.event, AuthChangeEvent::InitialSession);
    /// assert!(first.session.is_none());
    /// # });
    /// ```
    pub async fn on_auth_state_change(&self) -> Result<AuthSubscription, Error> {
        let receiver = self.inner.subscribe();
        let current = self.inner.current().await?;
        Ok(AuthSubscription::new(current, receiver))
    }

    /// The Auth endpoint URL.
    pub fn url(&self) -> &Url {
        self.inner.settings.http.base()
    }

    /// The clock used for expiry checks.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.settings.clock
    }

    /// The transport in use.
    pub fn transport(&self) -> &Transport {
        self.inner.settings.http.service.transport()
    }

    /// The key the session is stored under.
    pub fn storage_key(&self) -> &str {
        &self.inner.settings.storage_key
    }

    /// The flow type of email links, OAuth and SSO.
    pub fn flow_type(&self) -> FlowType {
        self.inner.settings.flow
    }

    /// The token for a user endpoint: the override, else the session's (refreshed if
    /// needed), else a global `Authorization` header, else [`Error::SessionMissing`].
    pub(crate) async fn user_token(&self) -> Result<UserToken, Error> {
        if let Some(token) = self.tokens.access_token().await? {
            return Ok(UserToken::Override(token));
        }
        if let Some(token) = self.inner.fresh_access_token().await? {
            return Ok(UserToken::Session(token));
        }
        if self.transport().has_global_authorization() {
            return Ok(UserToken::Global);
        }
        Err(Error::SessionMissing)
    }
}

impl fmt::Debug for AuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthClient")
            .field("url", &self.inner.settings.http.base().as_str())
            .field("storage_key", &self.inner.settings.storage_key)
            .field("flow", &self.inner.settings.flow)
            .field("override", &self.tokens)
            .finish()
    }
}
