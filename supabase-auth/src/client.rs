//! The Auth client.

use std::fmt;
use std::sync::Arc;

use supabase_core::{
    Clock, Config, ProjectKeyProvider, Secret, StaticTokenProvider, SystemClock, TokenProvider,
    Transport, TransportOptions, Url, validate_base_url,
};

use crate::{Error, TokenUser, check_access_token};

/// A client for Supabase Auth (`https://<project>.supabase.co/auth/v1`).
///
/// Cloning is cheap; clones share the connection pool. [`AuthClient::set_auth`] changes only
/// the value it is called on.
#[derive(Clone)]
pub struct AuthClient {
    shared: Arc<Shared>,
    tokens: Arc<dyn TokenProvider>,
}

struct Shared {
    transport: Transport,
    url: Url,
    clock: Arc<dyn Clock>,
}

impl AuthClient {
    /// A client for the Auth endpoint at `url` (e.g. `https://x.supabase.co/auth/v1`),
    /// sending `key` as `apikey`.
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        let transport = Transport::new(&key.into(), TransportOptions::default())?;
        Self::with_transport(url, transport)
    }

    /// A client for the project described by `config` (endpoint `<project url>/auth/v1`).
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        let url = config.endpoint("auth/v1")?;
        Self::with_transport(url.as_str(), config.transport()?)
    }

    /// A client for the Auth endpoint at `url` over an existing transport.
    pub fn with_transport(url: &str, transport: Transport) -> Result<Self, Error> {
        let mut url = validate_base_url(url)?;
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self {
            shared: Arc::new(Shared {
                transport,
                url,
                clock: Arc::new(SystemClock),
            }),
            tokens: Arc::new(ProjectKeyProvider),
        })
    }

    /// Uses `clock` for expiry checks (tests inject a fixed clock).
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self {
            shared: Arc::new(Shared {
                transport: self.shared.transport.clone(),
                url: self.shared.url.clone(),
                clock,
            }),
            tokens: self.tokens,
        }
    }

    /// Makes every later request of this client carry `Authorization: Bearer <access_token>`
    /// and returns the user the token names. Nothing is sent.
    ///
    /// This is a static [`TokenProvider`] override: it is never refreshed, never stored as a
    /// session, and it changes only this value (clones made before keep what they had).
    /// Fails without changing anything when the token is malformed or expired.
    pub fn set_auth(&mut self, access_token: &str) -> Result<TokenUser, Error> {
        let (token, user) = check_access_token(access_token, self.shared.clock.as_ref())?;
        self.tokens = Arc::new(StaticTokenProvider::new(token));
        Ok(user)
    }

    /// A client whose requests take their bearer from `tokens`; this one is unchanged.
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            tokens,
        }
    }

    /// The Auth endpoint URL.
    pub fn url(&self) -> &Url {
        &self.shared.url
    }

    /// The clock used for expiry checks.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.shared.clock
    }

    /// The token provider in use.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.tokens
    }

    /// The transport in use.
    pub fn transport(&self) -> &Transport {
        &self.shared.transport
    }
}

impl fmt::Debug for AuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthClient")
            .field("url", &self.shared.url.as_str())
            .field("tokens", &self.tokens)
            .finish()
    }
}
