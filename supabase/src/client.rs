//! The client a user creates with [`create_client`].

use std::fmt;
use std::sync::Arc;

use supabase_auth::{AuthClient, TokenUser, check_access_token};
use supabase_core::{Config, StaticTokenProvider, TokenProvider};
use supabase_postgrest::shape::Json;
use supabase_postgrest::{FilterBuilder, PostgrestClient, QueryBuilder};

use crate::Error;

/// The default Postgres schema, as in supabase-js.
const DEFAULT_SCHEMA: &str = "public";

/// Creates a client for the project at `url` with the project key `key` (anon or
/// publishable key for user-facing code, service-role or secret key for trusted servers).
///
/// The equivalent of supabase-js `createClient(url, key)`. Fails with a typed error when the
/// URL is not an absolute `http(s)` URL or the key cannot be sent as a header.
///
/// ```
/// let supabase = supabase::create_client("https://xyzcompany.supabase.co", "public-anon-key")?;
/// # let _ = supabase;
/// assert!(supabase::create_client("not a url", "key").is_err());
/// # Ok::<(), supabase::Error>(())
/// ```
pub fn create_client(url: &str, key: &str) -> Result<Client, Error> {
    Client::new(Config::new(url, key)?)
}

/// A Supabase client: [`Client::from`] for the data API, [`Client::auth`] for Auth.
///
/// Cloning is cheap and clones share one connection pool. A client value carries one bearer
/// token source: the project key by default, or a user's access token after
/// [`Client::set_auth`] / in a client made by [`Client::with_auth`].
#[derive(Clone)]
pub struct Client {
    config: Arc<Config>,
    postgrest: PostgrestClient,
    auth: AuthClient,
}

impl Client {
    /// A client for `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        let transport = config.transport()?;
        let postgrest = PostgrestClient::with_transport(
            config.endpoint("rest/v1")?.as_str(),
            transport.clone(),
        )?
        .schema(DEFAULT_SCHEMA);
        let auth = AuthClient::with_transport(config.endpoint("auth/v1")?.as_str(), transport)?;
        Ok(Self {
            config: Arc::new(config),
            postgrest,
            auth,
        })
    }

    /// Starts a query on a table or view (supabase-js `from`).
    pub fn from(&self, table: &str) -> QueryBuilder {
        self.postgrest.from(table)
    }

    /// Calls a Postgres function (supabase-js `rpc`): `POST /rest/v1/rpc/<function>` with
    /// `args` (a struct or map; `()` for none) as the JSON body. Chain `.get()`, `.head()`,
    /// `.count(…)`, filters and transforms as on a query; see
    /// [`PostgrestClient::rpc`].
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
    pub fn rpc(
        &self,
        function: &str,
        args: impl serde::Serialize,
    ) -> FilterBuilder<Json<serde_json::Value>> {
        self.postgrest.rpc(function, args)
    }

    /// The data API on another Postgres schema (supabase-js `schema`): requests carry
    /// `Accept-Profile`/`Content-Profile: <schema>`. This client is unchanged.
    ///
    /// ```
    /// # let supabase = supabase::create_client("https://xyzcompany.supabase.co", "anon-key").unwrap();
    /// let request = supabase.schema("private").from("secrets").select("id").to_request().unwrap();
    /// assert_eq!(request.headers["accept-profile"], "private");
    /// ```
    pub fn schema(&self, schema: &str) -> PostgrestClient {
        self.postgrest.schema(schema)
    }

    /// The Auth client.
    pub fn auth(&self) -> &AuthClient {
        &self.auth
    }

    /// The PostgREST client.
    pub fn postgrest(&self) -> &PostgrestClient {
        &self.postgrest
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &Config {
        &self.config
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
        let (provider, user) = self.check(access_token)?;
        self.install(provider);
        Ok(user)
    }

    /// A new client, scoped to the user whose access token this is; this client is unchanged.
    ///
    /// It shares this client's connection pool and configuration: making one costs a token
    /// check and a few reference-count bumps. Use one per incoming request on a server.
    pub fn with_auth(&self, access_token: &str) -> Result<Client, Error> {
        let (provider, _user) = self.check(access_token)?;
        let mut scoped = self.clone();
        scoped.install(provider);
        Ok(scoped)
    }

    fn check(&self, access_token: &str) -> Result<(Arc<dyn TokenProvider>, TokenUser), Error> {
        let (token, user) = check_access_token(access_token, self.auth.clock().as_ref())?;
        Ok((Arc::new(StaticTokenProvider::new(token)), user))
    }

    fn install(&mut self, provider: Arc<dyn TokenProvider>) {
        self.postgrest = self.postgrest.with_token_provider(Arc::clone(&provider));
        self.auth = self.auth.with_token_provider(provider);
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("postgrest", &self.postgrest)
            .field("auth", &self.auth)
            .finish()
    }
}
