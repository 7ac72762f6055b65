//! The options of an Auth client, fixed before it exists.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use supabase_core::{Clock, ProjectKeyProvider, Secret, Service, SystemClock, Url};

use crate::client::DEFAULT_REFRESH_MARGIN;
use crate::http::Http;
use crate::state::{Inner, Settings};
use crate::{AuthClient, Error, FlowType, MemoryStore, SessionStore};

/// Options of an [`AuthClient`]: clock, session store, storage key, flow type, refresh
/// margin and (with `jwt-verify`) the JWT secret.
///
/// They are set before the client exists, so no call can reset the state of a signed-in
/// client. Made by [`AuthClient::builder`] (a standalone client) or
/// [`AuthClientBuilder::from_service`] (over a core [`Service`], as the façade does).
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use supabase_auth::{AuthClient, FlowType, MemoryStore};
///
/// # fn main() -> Result<(), supabase_auth::Error> {
/// let auth = AuthClient::builder("https://xyzcompany.supabase.co/auth/v1", "public-anon-key")
///     .flow_type(FlowType::Pkce)
///     .store(Arc::new(MemoryStore::new()))
///     .storage_key("my-app-session")
///     .refresh_margin(Duration::from_secs(300))
///     .build()?;
/// assert_eq!(auth.flow_type(), FlowType::Pkce);
/// assert_eq!(auth.storage_key(), "my-app-session");
/// # Ok(()) }
/// ```
#[must_use]
pub struct AuthClientBuilder {
    service: Result<Service, Error>,
    clock: Arc<dyn Clock>,
    store: Arc<dyn SessionStore>,
    storage_key: Option<String>,
    flow: FlowType,
    margin: Duration,
    #[cfg(feature = "jwt-verify")]
    jwt_secret: Option<Secret>,
}

impl AuthClientBuilder {
    /// Options for the Auth endpoint `service` stands for (sharing its transport).
    pub fn from_service(service: Service) -> Self {
        Self::with(Ok(service))
    }

    pub(crate) fn standalone(url: &str, key: Secret) -> Self {
        Self::with(Service::standalone(url, key).map_err(Error::from))
    }

    fn with(service: Result<Service, Error>) -> Self {
        Self {
            service,
            clock: Arc::new(SystemClock),
            store: Arc::new(MemoryStore::new()),
            storage_key: None,
            flow: FlowType::Implicit,
            margin: DEFAULT_REFRESH_MARGIN,
            #[cfg(feature = "jwt-verify")]
            jwt_secret: None,
        }
    }

    /// Uses `clock` for every expiry decision (tests inject a fixed clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Keeps the session and PKCE verifiers in `store` (default: [`MemoryStore`];
    /// [`FileStore`](crate::FileStore) for CLIs).
    pub fn store(mut self, store: Arc<dyn SessionStore>) -> Self {
        self.store = store;
        self
    }

    /// The key the session is stored under (default `sb-<first label of the host>-auth-token`,
    /// as supabase-js); the PKCE verifier goes under `<key>-code-verifier`.
    pub fn storage_key(mut self, key: &str) -> Self {
        self.storage_key = Some(key.to_owned());
        self
    }

    /// Selects the implicit (default) or PKCE flow for email links, OAuth and SSO.
    pub fn flow_type(mut self, flow: FlowType) -> Self {
        self.flow = flow;
        self
    }

    /// Refreshes a session before use when it expires within `margin` (default 90 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Verifies HS256/HS384/HS512 tokens locally with the project's JWT secret in
    /// [`AuthClient::get_claims`] (otherwise the server checks them).
    #[cfg(feature = "jwt-verify")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwt-verify")))]
    pub fn jwt_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.jwt_secret = Some(secret.into());
        self
    }

    /// The client. Fails when the URL or key given to [`AuthClient::builder`] was not
    /// usable.
    pub fn build(self) -> Result<AuthClient, Error> {
        let service = self.service?;
        let storage_key = self
            .storage_key
            .unwrap_or_else(|| default_storage_key(service.base()));
        Ok(AuthClient {
            inner: Arc::new(Inner::new(Settings {
                http: Http { service },
                clock: self.clock,
                store: self.store,
                storage_key,
                flow: self.flow,
                margin_secs: self.margin.as_secs(),
                #[cfg(feature = "jwt-verify")]
                jwt_secret: self.jwt_secret,
            })),
            tokens: Arc::new(ProjectKeyProvider),
        })
    }
}

impl fmt::Debug for AuthClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthClientBuilder")
            .field("service", &self.service.as_ref().ok())
            .field("storage_key", &self.storage_key)
            .field("flow", &self.flow)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

/// `sb-<first label of the host>-auth-token`, as supabase-js names it.
fn default_storage_key(url: &Url) -> String {
    let label = url
        .host_str()
        .and_then(|h| h.split('.').next())
        .filter(|l| !l.is_empty())
        .unwrap_or("supabase");
    let label: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("sb-{label}-auth-token")
}
