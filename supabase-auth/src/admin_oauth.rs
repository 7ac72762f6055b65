//! The admin API for OAuth 2.1 clients (`auth.admin.oauth.*`), custom OAuth/OIDC providers
//! (`auth.admin.customProviders.*`) and users' passkeys (`auth.admin.passkey.*`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use supabase_core::{Method, Secret};

use crate::admin::check_uuid;
use crate::http::decode;
use crate::pagination::{header_u64, parse_link_header};
use crate::params::check_not_empty;
use crate::passkeys::Passkey;
use crate::{AdminClient, Error, ListUsersParams};

/// Paging of [`AdminClient::list_oauth_clients`]: the same page / page size as users.
pub type ListOAuthClientsParams = ListUsersParams;

/// How an OAuth client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenEndpointAuthMethod {
    /// A public client (PKCE only, no secret).
    None,
    /// The secret in an HTTP Basic `Authorization` header.
    ClientSecretBasic,
    /// The secret in the form body.
    ClientSecretPost,
}

impl TokenEndpointAuthMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
        }
    }
}

impl Serialize for TokenEndpointAuthMethod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An OAuth 2.1 client registered with the project's Auth server (when the project uses
/// Supabase Auth as an OAuth provider).
///
/// The secret is only sent on creation and regeneration; it never shows in `Debug`.
///
/// ```
/// let client: supabase_auth::OAuthClient = serde_json::from_value(serde_json::json!({
///     "client_id": "c1", "client_name": "App", "client_secret": "s3cr3t",
///     "client_type": "confidential", "token_endpoint_auth_method": "client_secret_basic",
///     "registration_type": "manual", "redirect_uris": ["https://app.example.com/cb"],
///     "grant_types": ["authorization_code"], "response_types": ["code"],
///     "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"
/// }))?;
/// assert_eq!(client.client_secret.as_ref().map(|s| s.expose()), Some("s3cr3t"));
/// assert!(!format!("{client:?}").contains("s3cr3t"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct OAuthClient {
    /// The client id.
    pub client_id: String,
    /// Its display name.
    #[serde(default)]
    pub client_name: String,
    /// The secret (confidential clients, on creation and regeneration only).
    #[serde(default, deserialize_with = "crate::secret_serde::de_opt")]
    pub client_secret: Option<Secret>,
    /// `public` or `confidential`.
    #[serde(default)]
    pub client_type: String,
    /// `none`, `client_secret_basic` or `client_secret_post`.
    #[serde(default)]
    pub token_endpoint_auth_method: String,
    /// `dynamic` or `manual`.
    #[serde(default)]
    pub registration_type: String,
    /// The client's home page.
    #[serde(default)]
    pub client_uri: Option<String>,
    /// The client's logo.
    #[serde(default)]
    pub logo_uri: Option<String>,
    /// Where authorization answers may be sent.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// `authorization_code`, `refresh_token`, …
    #[serde(default)]
    pub grant_types: Vec<String>,
    /// `code`.
    #[serde(default)]
    pub response_types: Vec<String>,
    /// The scopes it may ask for.
    #[serde(default)]
    pub scope: Option<String>,
    /// When it was created.
    #[serde(default)]
    pub created_at: String,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: String,
}

/// One page of [`AdminClient::list_oauth_clients`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuthClientPage {
    /// The clients.
    pub clients: Vec<OAuthClient>,
    /// The audience.
    pub aud: Option<String>,
    /// The number of clients (`X-Total-Count`), when sent.
    pub total: Option<u64>,
    /// The next page, `None` on the last one.
    pub next_page: Option<u32>,
    /// The last page.
    pub last_page: Option<u32>,
}

/// A new OAuth client ([`AdminClient::create_oauth_client`]).
///
/// ```
/// use supabase_auth::{CreateOAuthClientParams, TokenEndpointAuthMethod};
///
/// let params = CreateOAuthClientParams::new("My app", ["https://app.example.com/cb"])
///     .client_uri("https://app.example.com")
///     .scope("openid email")
///     .token_endpoint_auth_method(TokenEndpointAuthMethod::None);
/// # let _ = params;
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct CreateOAuthClientParams {
    client_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_uri: Option<String>,
    redirect_uris: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_endpoint_auth_method: Option<TokenEndpointAuthMethod>,
}

impl CreateOAuthClientParams {
    /// A client named `client_name` that may be redirected to `redirect_uris` (at least one).
    pub fn new<I, S>(client_name: impl Into<String>, redirect_uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            client_name: client_name.into(),
            client_uri: None,
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
            grant_types: None,
            response_types: None,
            scope: None,
            token_endpoint_auth_method: None,
        }
    }

    /// The client's home page.
    pub fn client_uri(mut self, uri: impl Into<String>) -> Self {
        self.client_uri = Some(uri.into());
        self
    }

    /// The grant types (server default: `authorization_code`, `refresh_token`).
    pub fn grant_types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.grant_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// The response types (server default: `code`).
    pub fn response_types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.response_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// The space-separated scopes it may ask for.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// How it authenticates at the token endpoint.
    pub fn token_endpoint_auth_method(mut self, method: TokenEndpointAuthMethod) -> Self {
        self.token_endpoint_auth_method = Some(method);
        self
    }

    fn check(&self) -> Result<(), Error> {
        check_not_empty("the client name", &self.client_name)?;
        if self.redirect_uris.is_empty() {
            return Err(Error::invalid_input("an OAuth client needs a redirect URI"));
        }
        check_uris(&self.redirect_uris)
    }
}

/// Changes to an OAuth client ([`AdminClient::update_oauth_client`]); only what is set is
/// sent.
///
/// ```
/// let changes = supabase_auth::UpdateOAuthClientParams::new().client_name("Renamed");
/// # let _ = changes;
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct UpdateOAuthClientParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    client_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uris: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    grant_types: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_endpoint_auth_method: Option<TokenEndpointAuthMethod>,
}

impl UpdateOAuthClientParams {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new display name.
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = Some(name.into());
        self
    }

    /// A new home page.
    pub fn client_uri(mut self, uri: impl Into<String>) -> Self {
        self.client_uri = Some(uri.into());
        self
    }

    /// A new logo.
    pub fn logo_uri(mut self, uri: impl Into<String>) -> Self {
        self.logo_uri = Some(uri.into());
        self
    }

    /// New redirect URIs (replacing the old ones).
    pub fn redirect_uris<I: IntoIterator<Item = S>, S: Into<String>>(mut self, uris: I) -> Self {
        self.redirect_uris = Some(uris.into_iter().map(Into::into).collect());
        self
    }

    /// New grant types.
    pub fn grant_types<I: IntoIterator<Item = S>, S: Into<String>>(mut self, types: I) -> Self {
        self.grant_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// A new token endpoint authentication method.
    pub fn token_endpoint_auth_method(mut self, method: TokenEndpointAuthMethod) -> Self {
        self.token_endpoint_auth_method = Some(method);
        self
    }

    fn check(&self) -> Result<(), Error> {
        if let Some(name) = &self.client_name {
            check_not_empty("the client name", name)?;
        }
        match &self.redirect_uris {
            Some(uris) if uris.is_empty() => {
                Err(Error::invalid_input("an OAuth client needs a redirect URI"))
            }
            Some(uris) => check_uris(uris),
            None => Ok(()),
        }
    }
}

fn check_uris(uris: &[String]) -> Result<(), Error> {
    for uri in uris {
        url::Url::parse(uri)
            .map_err(|e| Error::invalid_input(format!("bad redirect URI {uri:?}: {e}")))?;
    }
    Ok(())
}

/// `oauth2` (endpoints given) or `oidc` (discovered from the issuer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CustomProviderType {
    /// A plain OAuth 2.0 provider: give its authorization, token and userinfo URLs.
    OAuth2,
    /// An OpenID Connect provider: give its issuer (or discovery URL).
    Oidc,
}

impl CustomProviderType {
    fn as_str(self) -> &'static str {
        match self {
            Self::OAuth2 => "oauth2",
            Self::Oidc => "oidc",
        }
    }
}

impl Serialize for CustomProviderType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A custom OAuth 2.0 / OIDC sign-in provider of the project.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CustomProvider {
    /// Its id.
    pub id: String,
    /// `oauth2` or `oidc`.
    #[serde(default)]
    pub provider_type: String,
    /// The identifier used to sign in with it (`custom:…`).
    #[serde(default)]
    pub identifier: String,
    /// Its display name.
    #[serde(default)]
    pub name: String,
    /// The OAuth client id at the provider.
    #[serde(default)]
    pub client_id: String,
    /// Other client ids whose ID tokens are accepted.
    #[serde(default)]
    pub acceptable_client_ids: Option<Vec<String>>,
    /// Scopes asked for.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Claims copied into the user's metadata.
    #[serde(default)]
    pub custom_claims_allowlist: Option<Vec<String>>,
    /// Whether PKCE is used with the provider.
    #[serde(default)]
    pub pkce_enabled: Option<bool>,
    /// How provider claims map to user fields.
    #[serde(default)]
    pub attribute_mapping: Option<Map<String, Value>>,
    /// Extra authorization URL parameters.
    #[serde(default)]
    pub authorization_params: Option<Map<String, Value>>,
    /// Whether it can be used.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Whether users without an email are accepted.
    #[serde(default)]
    pub email_optional: Option<bool>,
    /// The OIDC issuer.
    #[serde(default)]
    pub issuer: Option<String>,
    /// The OIDC discovery URL.
    #[serde(default)]
    pub discovery_url: Option<String>,
    /// Whether the ID token nonce is not checked.
    #[serde(default)]
    pub skip_nonce_check: Option<bool>,
    /// The OAuth 2.0 authorization URL.
    #[serde(default)]
    pub authorization_url: Option<String>,
    /// The OAuth 2.0 token URL.
    #[serde(default)]
    pub token_url: Option<String>,
    /// The userinfo URL.
    #[serde(default)]
    pub userinfo_url: Option<String>,
    /// The provider's JWKS URL.
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// The OIDC discovery document the server cached.
    #[serde(default)]
    pub discovery_document: Option<Map<String, Value>>,
    /// When it was created.
    #[serde(default)]
    pub created_at: String,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: String,
}

/// A custom provider to create ([`CustomProviderParams::oidc`], [`CustomProviderParams::oauth2`])
/// or changes to one ([`CustomProviderParams::update`]); only what is set is sent. The client
/// secret never shows in `Debug`.
///
/// ```
/// use supabase_auth::CustomProviderParams;
///
/// let oidc = CustomProviderParams::oidc("custom:acme", "Acme", "client-id", "client-secret")
///     .issuer("https://id.acme.example")
///     .scopes(["openid", "email"]);
/// assert!(!format!("{oidc:?}").contains("client-secret"));
/// let change = CustomProviderParams::update().enabled(false);
/// # let _ = change;
/// ```
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustomProviderParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_type: Option<CustomProviderType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::secret_serde::ser_opt"
    )]
    client_secret: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acceptable_client_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_claims_allowlist: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pkce_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_mapping: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization_params: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_optional: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discovery_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    skip_nonce_check: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    userinfo_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jwks_uri: Option<String>,
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty => $conv:expr;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Self {
                self.$name = Some($conv(value));
                self
            }
        )*
    };
}

fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

impl CustomProviderParams {
    fn new(
        kind: CustomProviderType,
        identifier: impl Into<String>,
        name: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self {
            provider_type: Some(kind),
            identifier: Some(identifier.into()),
            name: Some(name.into()),
            client_id: Some(client_id.into()),
            client_secret: Some(client_secret.into()),
            ..Self::default()
        }
    }

    /// A new OpenID Connect provider; set its [`issuer`](Self::issuer) or discovery URL.
    pub fn oidc(
        identifier: impl Into<String>,
        name: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self::new(
            CustomProviderType::Oidc,
            identifier,
            name,
            client_id,
            client_secret,
        )
    }

    /// A new OAuth 2.0 provider; set its authorization, token and userinfo URLs.
    pub fn oauth2(
        identifier: impl Into<String>,
        name: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self::new(
            CustomProviderType::OAuth2,
            identifier,
            name,
            client_id,
            client_secret,
        )
    }

    /// Changes to an existing provider (its type and identifier cannot change).
    pub fn update() -> Self {
        Self::default()
    }

    /// A new client secret.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// A new client id.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// A new display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Other client ids whose ID tokens are accepted.
    pub fn acceptable_client_ids<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        ids: I,
    ) -> Self {
        self.acceptable_client_ids = Some(strings(ids));
        self
    }

    /// Scopes to ask for.
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = Some(strings(scopes));
        self
    }

    /// Claims to copy into the user's metadata.
    pub fn custom_claims_allowlist<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        claims: I,
    ) -> Self {
        self.custom_claims_allowlist = Some(strings(claims));
        self
    }

    /// Extra authorization URL parameters.
    pub fn authorization_params<I, K, V>(mut self, params: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.authorization_params = Some(
            params
                .into_iter()
                .map(|(k, v)| (k.into(), Value::String(v.into())))
                .collect(),
        );
        self
    }

    setters! {
        /// Whether PKCE is used with the provider.
        pkce_enabled: bool => std::convert::identity;
        /// How provider claims map to user fields (a JSON object).
        attribute_mapping: Value => std::convert::identity;
        /// Whether it can be used.
        enabled: bool => std::convert::identity;
        /// Whether users without an email are accepted.
        email_optional: bool => std::convert::identity;
        /// The OIDC issuer.
        issuer: &str => str::to_owned;
        /// The OIDC discovery URL (default: the issuer's `/.well-known/openid-configuration`).
        discovery_url: &str => str::to_owned;
        /// Whether the ID token nonce is not checked.
        skip_nonce_check: bool => std::convert::identity;
        /// The OAuth 2.0 authorization URL.
        authorization_url: &str => str::to_owned;
        /// The OAuth 2.0 token URL.
        token_url: &str => str::to_owned;
        /// The userinfo URL.
        userinfo_url: &str => str::to_owned;
        /// The provider's JWKS URL.
        jwks_uri: &str => str::to_owned;
    }

    fn check(&self, creating: bool) -> Result<(), Error> {
        if creating {
            for (what, value) in [
                ("the identifier", &self.identifier),
                ("the name", &self.name),
                ("the client id", &self.client_id),
            ] {
                check_not_empty(what, value.as_deref().unwrap_or_default())?;
            }
            check_not_empty(
                "the client secret",
                self.client_secret
                    .as_ref()
                    .map(Secret::expose)
                    .unwrap_or_default(),
            )?;
        } else if self.provider_type.is_some() || self.identifier.is_some() {
            return Err(Error::invalid_input(
                "a custom provider's type and identifier cannot be changed; use CustomProviderParams::update()",
            ));
        }
        crate::params::check_object(&self.attribute_mapping)?;
        for url in [
            &self.discovery_url,
            &self.authorization_url,
            &self.token_url,
            &self.userinfo_url,
            &self.jwks_uri,
        ]
        .into_iter()
        .flatten()
        {
            url::Url::parse(url)
                .map_err(|e| Error::invalid_input(format!("bad provider URL {url:?}: {e}")))?;
        }
        Ok(())
    }
}

impl AdminClient {
    /// One page of the project's OAuth clients (`GET /admin/oauth/clients?page=&per_page=`),
    /// with the total and next / last page from the headers (read correctly for pages ≥ 10,
    /// unlike auth-js).
    ///
    /// ```no_run
    /// use supabase_auth::ListOAuthClientsParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let page = admin.list_oauth_clients(ListOAuthClientsParams::new().per_page(20)).await?;
    /// for client in &page.clients {
    ///     println!("{} {}", client.client_id, client.client_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_oauth_clients(
        &self,
        params: ListOAuthClientsParams,
    ) -> Result<OAuthClientPage, Error> {
        let (page, per_page) = params.query_values();
        let response = self
            .send(
                Method::GET,
                &["admin", "oauth", "clients"],
                &[("page", &page), ("per_page", &per_page)],
                None,
            )
            .await?;
        #[derive(Deserialize)]
        struct Wire {
            #[serde(default)]
            clients: Vec<OAuthClient>,
            #[serde(default)]
            aud: Option<String>,
        }
        let wire: Wire = decode(&response)?;
        let links = parse_link_header(&response.headers);
        Ok(OAuthClientPage {
            clients: wire.clients,
            aud: wire.aud,
            total: header_u64(&response.headers, "x-total-count"),
            next_page: links.next,
            last_page: links.last,
        })
    }

    /// Registers an OAuth client (`POST /admin/oauth/clients`); a confidential client's
    /// secret is in the answer (and only there: keep it).
    ///
    /// ```no_run
    /// use supabase_auth::CreateOAuthClientParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let client = admin
    ///     .create_oauth_client(CreateOAuthClientParams::new("My app", ["https://app.example.com/cb"]))
    ///     .await?;
    /// let secret = client.client_secret.as_ref().map(|s| s.expose().to_owned());
    /// # let _ = secret;
    /// # Ok(()) }
    /// ```
    pub async fn create_oauth_client(
        &self,
        params: CreateOAuthClientParams,
    ) -> Result<OAuthClient, Error> {
        params.check()?;
        let response = self
            .send_json(Method::POST, &["admin", "oauth", "clients"], &[], &params)
            .await?;
        decode(&response)
    }

    /// One OAuth client (`GET /admin/oauth/clients/{client_id}`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let client = admin.get_oauth_client("client-id").await?;
    /// # let _ = client;
    /// # Ok(()) }
    /// ```
    pub async fn get_oauth_client(&self, client_id: &str) -> Result<OAuthClient, Error> {
        check_not_empty("the client id", client_id)?;
        let response = self
            .send(
                Method::GET,
                &["admin", "oauth", "clients", client_id],
                &[],
                None,
            )
            .await?;
        decode(&response)
    }

    /// Changes an OAuth client (`PUT /admin/oauth/clients/{client_id}`).
    ///
    /// ```no_run
    /// use supabase_auth::UpdateOAuthClientParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let client = admin
    ///     .update_oauth_client("client-id", UpdateOAuthClientParams::new().client_name("Renamed"))
    ///     .await?;
    /// # let _ = client;
    /// # Ok(()) }
    /// ```
    pub async fn update_oauth_client(
        &self,
        client_id: &str,
        params: UpdateOAuthClientParams,
    ) -> Result<OAuthClient, Error> {
        check_not_empty("the client id", client_id)?;
        params.check()?;
        let response = self
            .send_json(
                Method::PUT,
                &["admin", "oauth", "clients", client_id],
                &[],
                &params,
            )
            .await?;
        decode(&response)
    }

    /// Deletes an OAuth client (`DELETE /admin/oauth/clients/{client_id}`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// admin.delete_oauth_client("client-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_oauth_client(&self, client_id: &str) -> Result<(), Error> {
        check_not_empty("the client id", client_id)?;
        self.send(
            Method::DELETE,
            &["admin", "oauth", "clients", client_id],
            &[],
            None,
        )
        .await?;
        Ok(())
    }

    /// Replaces a confidential client's secret
    /// (`POST /admin/oauth/clients/{client_id}/regenerate_secret`); the new secret is in the
    /// answer.
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let client = admin.regenerate_oauth_client_secret("client-id").await?;
    /// # let _ = client.client_secret;
    /// # Ok(()) }
    /// ```
    pub async fn regenerate_oauth_client_secret(
        &self,
        client_id: &str,
    ) -> Result<OAuthClient, Error> {
        check_not_empty("the client id", client_id)?;
        let response = self
            .send(
                Method::POST,
                &["admin", "oauth", "clients", client_id, "regenerate_secret"],
                &[],
                None,
            )
            .await?;
        decode(&response)
    }

    /// The project's custom OAuth/OIDC providers (`GET /admin/custom-providers?type=`), of one
    /// type or all.
    ///
    /// ```no_run
    /// use supabase_auth::CustomProviderType;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let oidc = admin.list_custom_providers(Some(CustomProviderType::Oidc)).await?;
    /// # let _ = oidc;
    /// # Ok(()) }
    /// ```
    pub async fn list_custom_providers(
        &self,
        kind: Option<CustomProviderType>,
    ) -> Result<Vec<CustomProvider>, Error> {
        let query: Vec<(&str, &str)> = kind.map(|k| ("type", k.as_str())).into_iter().collect();
        let response = self
            .send(Method::GET, &["admin", "custom-providers"], &query, None)
            .await?;
        #[derive(Deserialize)]
        struct Wire {
            #[serde(default)]
            providers: Option<Vec<CustomProvider>>,
        }
        let wire: Wire = decode(&response)?;
        Ok(wire.providers.unwrap_or_default())
    }

    /// Creates a custom provider (`POST /admin/custom-providers`).
    ///
    /// ```no_run
    /// use supabase_auth::CustomProviderParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let provider = admin
    ///     .create_custom_provider(
    ///         CustomProviderParams::oidc("custom:acme", "Acme", "client-id", "client-secret")
    ///             .issuer("https://id.acme.example"),
    ///     )
    ///     .await?;
    /// # let _ = provider;
    /// # Ok(()) }
    /// ```
    pub async fn create_custom_provider(
        &self,
        params: CustomProviderParams,
    ) -> Result<CustomProvider, Error> {
        params.check(true)?;
        let response = self
            .send_json(Method::POST, &["admin", "custom-providers"], &[], &params)
            .await?;
        decode(&response)
    }

    /// One custom provider by identifier (`GET /admin/custom-providers/{identifier}`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let provider = admin.get_custom_provider("custom:acme").await?;
    /// # let _ = provider;
    /// # Ok(()) }
    /// ```
    pub async fn get_custom_provider(&self, identifier: &str) -> Result<CustomProvider, Error> {
        check_not_empty("the identifier", identifier)?;
        let response = self
            .send(
                Method::GET,
                &["admin", "custom-providers", identifier],
                &[],
                None,
            )
            .await?;
        decode(&response)
    }

    /// Changes a custom provider (`PUT /admin/custom-providers/{identifier}`) with
    /// [`CustomProviderParams::update`].
    ///
    /// ```no_run
    /// use supabase_auth::CustomProviderParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// admin
    ///     .update_custom_provider("custom:acme", CustomProviderParams::update().enabled(false))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn update_custom_provider(
        &self,
        identifier: &str,
        params: CustomProviderParams,
    ) -> Result<CustomProvider, Error> {
        check_not_empty("the identifier", identifier)?;
        params.check(false)?;
        let response = self
            .send_json(
                Method::PUT,
                &["admin", "custom-providers", identifier],
                &[],
                &params,
            )
            .await?;
        decode(&response)
    }

    /// Deletes a custom provider (`DELETE /admin/custom-providers/{identifier}`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// admin.delete_custom_provider("custom:acme").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_custom_provider(&self, identifier: &str) -> Result<(), Error> {
        check_not_empty("the identifier", identifier)?;
        self.send(
            Method::DELETE,
            &["admin", "custom-providers", identifier],
            &[],
            None,
        )
        .await?;
        Ok(())
    }

    /// A user's passkeys (`GET /admin/users/{id}/passkeys`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let passkeys = admin.list_passkeys("00000000-0000-4000-8000-000000000001").await?;
    /// # let _ = passkeys;
    /// # Ok(()) }
    /// ```
    pub async fn list_passkeys(&self, user_id: &str) -> Result<Vec<Passkey>, Error> {
        check_uuid("user id", user_id)?;
        let response = self
            .send(
                Method::GET,
                &["admin", "users", user_id, "passkeys"],
                &[],
                None,
            )
            .await?;
        decode(&response)
    }

    /// Deletes one of a user's passkeys (`DELETE /admin/users/{id}/passkeys/{passkey_id}`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// admin
    ///     .delete_passkey("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000aa")
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_passkey(&self, user_id: &str, passkey_id: &str) -> Result<(), Error> {
        check_uuid("user id", user_id)?;
        check_uuid("passkey id", passkey_id)?;
        self.send(
            Method::DELETE,
            &["admin", "users", user_id, "passkeys", passkey_id],
            &[],
            None,
        )
        .await?;
        Ok(())
    }
}
