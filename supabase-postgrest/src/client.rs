//! The PostgREST client: a base URL, a transport, a token provider, a schema and a retry
//! policy.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;
use supabase_core::{
    Config, HeaderValue, Method, Secret, Service, StaticTokenProvider, TokenProvider, Transport,
    Url, header_value,
};

use crate::execute::{finish, send};
use crate::request::{RequestState, Target};
use crate::shape::Json;
use crate::{Error, FilterBuilder, PostgrestResponse, QueryBuilder, RetryPolicy};

/// A client for one PostgREST endpoint (`https://<project>.supabase.co/rest/v1`).
///
/// Cloning is cheap (reference-count bumps) and every clone shares one connection pool.
/// [`with_token_provider`](Self::with_token_provider), [`with_token`](Self::with_token),
/// [`schema`](Self::schema) and [`with_retry`](Self::with_retry) return a new client that
/// differs only in that respect; the client they are called on is not changed.
///
/// A client made with `new`/`from_config` sends no schema headers (the server's first
/// exposed schema is used), like a standalone postgrest-js client; the `supabase` façade
/// uses `public`, like supabase-js.
///
/// ```no_run
/// use supabase_postgrest::PostgrestClient;
///
/// # async fn run() -> Result<(), supabase_postgrest::Error> {
/// let db = PostgrestClient::new("https://xyzcompany.supabase.co/rest/v1", "public-anon-key")?;
/// let rows = db.from("todos").select("*").limit(5).await?;
/// println!("{:?}", rows.data);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgrestClient {
    /// The endpoint as somebody: transport, URL, credential, retry policy.
    pub(crate) service: Service,
    pub(crate) schema: Option<Schema>,
}

/// A schema name and its header value, made once per client rather than once per request
/// (`None` when the name cannot be sent as a header: every request then fails with the
/// reason).
#[derive(Clone)]
pub(crate) struct Schema {
    pub(crate) name: Arc<str>,
    pub(crate) header: Option<HeaderValue>,
}

impl PostgrestClient {
    /// A client for the PostgREST endpoint at `url` (e.g. `https://x.supabase.co/rest/v1`)
    /// that sends `key` as `apikey`, and as the bearer until a token provider is set.
    ///
    /// ```
    /// use supabase_postgrest::PostgrestClient;
    ///
    /// let db = PostgrestClient::new("https://xyzcompany.supabase.co/rest/v1", "anon-key")?;
    /// assert_eq!(db.url().as_str(), "https://xyzcompany.supabase.co/rest/v1");
    /// assert!(PostgrestClient::new("not a url", "anon-key").is_err());
    /// # Ok::<(), supabase_postgrest::Error>(())
    /// ```
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        Ok(Self::from_service(Service::standalone(url, key)?))
    }

    /// A client for the project described by `config` (endpoint `<project url>/rest/v1`),
    /// with its global headers, timeout and HTTP client.
    ///
    /// ```
    /// use supabase_core::Config;
    /// use supabase_postgrest::PostgrestClient;
    ///
    /// let config = Config::new("https://xyzcompany.supabase.co", "anon-key")?.header("x-app", "demo")?;
    /// let db = PostgrestClient::from_config(&config)?;
    /// assert_eq!(db.url().path(), "/rest/v1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        Ok(Self::from_service(Service::from_config(config, "rest/v1")?))
    }

    /// A client for the PostgREST endpoint at `url` over an existing transport (sharing its
    /// connection pool, key and global headers).
    pub fn with_transport(url: &str, transport: Transport) -> Result<Self, Error> {
        Ok(Self::from_service(Service::new(transport, url)?))
    }

    /// A client for the endpoint `service` stands for, as whoever it stands for: how the
    /// `supabase` façade makes its PostgREST client (credential and retry policy come with
    /// the service).
    pub fn from_service(service: Service) -> Self {
        Self {
            service,
            schema: None,
        }
    }

    /// A client that takes its bearer tokens from `tokens`; this one is unchanged.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supabase_core::{async_trait, AccessToken, TokenProvider};
    ///
    /// #[derive(Debug)]
    /// struct MyTokens;
    ///
    /// #[async_trait]
    /// impl TokenProvider for MyTokens {
    ///     async fn access_token(&self) -> Result<Option<AccessToken>, supabase_core::Error> {
    ///         Ok(Some(AccessToken::new("eyJ.from.elsewhere")?))
    ///     }
    /// }
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let as_user = db.with_token_provider(Arc::new(MyTokens));
    /// # let _ = as_user;
    /// ```
    #[must_use]
    pub fn with_token_provider(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            service: self.service.with_tokens(tokens),
            schema: self.schema.clone(),
        }
    }

    /// A client that sends `Authorization: Bearer <token>`; this one is unchanged.
    ///
    /// Fails when the token cannot be sent as a header (empty, CR/LF, …).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let as_user = db.with_token("eyJhbGciOi...user-jwt")?;
    /// assert!(db.with_token("bad\r\ntoken").is_err());
    /// # let _ = as_user;
    /// # Ok::<(), supabase_postgrest::Error>(())
    /// ```
    pub fn with_token(&self, token: impl Into<String>) -> Result<Self, Error> {
        let provider = StaticTokenProvider::from_token(token)?;
        Ok(self.with_token_provider(Arc::new(provider)))
    }

    /// A client that uses the Postgres schema `schema` (sent as `Accept-Profile` on GET/HEAD
    /// and `Content-Profile` otherwise); this one is unchanged.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.schema("personal").from("users").select("*").to_request().unwrap();
    /// assert_eq!(request.headers["accept-profile"], "personal");
    /// ```
    #[must_use]
    pub fn schema(&self, schema: &str) -> Self {
        Self {
            schema: Some(Schema {
                name: Arc::from(schema),
                header: header_value("accept-profile", schema).ok(),
            }),
            ..self.clone()
        }
    }

    /// A client that retries GET/HEAD requests as `policy` says
    /// ([`RetryPolicy::disabled`] turns retries off); this one is unchanged.
    ///
    /// ```
    /// use supabase_postgrest::RetryPolicy;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let patient = db.with_retry(RetryPolicy::default().with_max_retries(5));
    /// assert_eq!(patient.retry_policy().max_retries(), 5);
    /// ```
    #[must_use]
    pub fn with_retry(&self, policy: RetryPolicy) -> Self {
        Self {
            service: self.service.with_retry(policy),
            schema: self.schema.clone(),
        }
    }

    /// Starts a query on the table or view `table`.
    ///
    /// The name is one path segment: characters such as space, `/`, `?` and `#` are
    /// percent-encoded. An empty name is reported by `execute` before anything is sent.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("orchestral sections").select("*").to_request().unwrap();
    /// assert_eq!(request.url.path(), "/orchestral%20sections");
    /// ```
    pub fn from(&self, table: &str) -> QueryBuilder {
        QueryBuilder::new(self.clone(), table)
    }

    /// Calls the Postgres function `function` with `args` (a struct or map of named
    /// arguments; `()` or `serde_json::json!({})` for none): `POST /rpc/<function>` with the
    /// arguments as the JSON body.
    ///
    /// The answer is any JSON ([`Json<Value>`](crate::shape::Json)); use
    /// [`returns`](FilterBuilder::returns) for a typed result. Filters and transforms apply
    /// to functions returning rows. [`get`](FilterBuilder::get) and
    /// [`head`](FilterBuilder::head) send the arguments in the query string instead (arrays
    /// as Postgres array literals, objects as JSON), [`count`](FilterBuilder::count) asks
    /// for a row count.
    ///
    /// ```
    /// use serde_json::json;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.rpc("add", json!({"a": 1, "b": 2})).to_request().unwrap();
    /// assert_eq!(request.method, "POST");
    /// assert_eq!(request.url.path(), "/rpc/add");
    /// assert_eq!(request.body_bytes(), Some(&br#"{"a":1,"b":2}"#[..]));
    /// ```
    pub fn rpc(
        &self,
        function: &str,
        args: impl Serialize,
    ) -> FilterBuilder<Json<serde_json::Value>> {
        let mut state = RequestState::new(
            self.clone(),
            Method::POST,
            Target::Function(Arc::from(function)),
        );
        state.body = Some(match serde_json::to_vec(&args) {
            Ok(body) if body == b"null" => Ok(Bytes::from_static(b"{}")),
            Ok(body) => Ok(Bytes::from(body)),
            Err(e) => Err(e.to_string()),
        });
        FilterBuilder::from_state(state)
    }

    /// Fetches the OpenAPI description of the exposed schema
    /// (`GET /` with `Accept: application/openapi+json`).
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let spec = db.openapi_spec().await?;
    /// println!("{} paths", spec.data["paths"].as_object().map_or(0, |p| p.len()));
    /// # Ok(()) }
    /// ```
    pub async fn openapi_spec(&self) -> Result<PostgrestResponse<serde_json::Value>, Error> {
        let mut state = RequestState::new(self.clone(), Method::GET, Target::Root);
        state.set_accept("application/openapi+json");
        let built = state.build()?;
        let response = send(self, &built).await?;
        finish::<Json<serde_json::Value>>(response, &built)
    }

    /// The endpoint URL.
    pub fn url(&self) -> &Url {
        self.service.base()
    }

    /// The schema in use, if one was chosen.
    pub fn schema_name(&self) -> Option<&str> {
        self.schema.as_ref().map(|schema| &*schema.name)
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.service.retry()
    }

    /// The token provider in use.
    pub fn token_provider(&self) -> &Arc<dyn TokenProvider> {
        self.service.tokens()
    }

    /// The transport (and so the connection pool) in use.
    pub fn transport(&self) -> &Transport {
        self.service.transport()
    }

    /// The core service this client sends through.
    pub fn service(&self) -> &Service {
        &self.service
    }
}

impl fmt::Debug for PostgrestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgrestClient")
            .field("schema", &self.schema_name())
            .field("service", &self.service)
            .finish()
    }
}
