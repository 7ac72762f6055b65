//! The PostgREST client: a base URL, a transport and a token provider.

use std::fmt;
use std::sync::Arc;

use supabase_core::{
    Config, ProjectKeyProvider, Secret, StaticTokenProvider, TokenProvider, Transport,
    TransportOptions, Url, validate_base_url,
};

use crate::{Error, QueryBuilder};

/// A client for one PostgREST endpoint (`https://<project>.supabase.co/rest/v1`).
///
/// Cloning is cheap (two reference-count bumps) and every clone shares one connection pool.
/// [`PostgrestClient::with_token_provider`] and [`PostgrestClient::with_bearer`] return a new
/// client that differs only in where the bearer token comes from; the client they are called
/// on is not changed.
#[derive(Clone)]
pub struct PostgrestClient {
    pub(crate) shared: Arc<Shared>,
    pub(crate) tokens: Arc<dyn TokenProvider>,
    pub(crate) schema: Option<Arc<str>>,
}

pub(crate) struct Shared {
    pub(crate) transport: Transport,
    /// The endpoint URL without a trailing slash, e.g. `https://x.supabase.co/rest/v1`.
    pub(crate) url: Url,
}

impl PostgrestClient {
    /// A client for the PostgREST endpoint at `url` (e.g. `https://x.supabase.co/rest/v1`)
    /// that sends `key` as `apikey`, and as the bearer until a token provider is set.
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        let transport = Transport::new(&key.into(), TransportOptions::default())?;
        Self::with_transport(url, transport)
    }

    /// A client for the project described by `config` (endpoint `<project url>/rest/v1`).
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        let url = config.endpoint("rest/v1")?;
        Self::with_transport(url.as_str(), config.transport()?)
    }

    /// A client for the PostgREST endpoint at `url` over an existing transport (sharing its
    /// connection pool, key and global headers).
    pub fn with_transport(url: &str, transport: Transport) -> Result<Self, Error> {
        let mut url = validate_base_url(url)?;
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self {
            shared: Arc::new(Shared { transport, url }),
            tokens: Arc::new(ProjectKeyProvider),
            schema: None,
        })
    }

    /// A client that takes its bearer tokens from `tokens`; this one is unchanged.
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            tokens,
            schema: self.schema.clone(),
        }
    }

    /// A client that sends `Authorization: Bearer <token>`; this one is unchanged.
    ///
    /// Fails when the token cannot be sent as a header (empty, CR/LF, …).
    pub fn with_bearer(&self, token: impl Into<String>) -> Result<Self, Error> {
        let provider = StaticTokenProvider::from_token(token)?;
        Ok(self.with_token_provider(Arc::new(provider)))
    }

    /// A client that uses the Postgres schema `schema` (sent as `Accept-Profile` on GET/HEAD
    /// and `Content-Profile` otherwise); this one is unchanged.
    #[must_use]
    pub fn schema(&self, schema: &str) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            tokens: Arc::clone(&self.tokens),
            schema: Some(Arc::from(schema)),
        }
    }

    /// Starts a query on the table or view `table`.
    ///
    /// An empty name is reported by `execute` before anything is sent.
    pub fn from(&self, table: &str) -> QueryBuilder {
        QueryBuilder::new(self.clone(), table)
    }

    /// The endpoint URL.
    pub fn url(&self) -> &Url {
        &self.shared.url
    }

    /// The token provider in use.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        &self.tokens
    }

    /// The transport (and so the connection pool) in use.
    pub fn transport(&self) -> &Transport {
        &self.shared.transport
    }
}

impl fmt::Debug for PostgrestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgrestClient")
            .field("url", &self.shared.url.as_str())
            .field("schema", &self.schema)
            .field("tokens", &self.tokens)
            .field("transport", &self.shared.transport)
            .finish()
    }
}
