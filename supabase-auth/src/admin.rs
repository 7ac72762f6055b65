//! The admin API (`auth.admin.*` in auth-js), only available with a service-role or secret
//! key.

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use supabase_core::{
    AccessToken, Config, HeaderMap, Method, Secret, Service, Transport, TransportOptions,
    decode_jwt_claims,
};

use crate::http::{Bearer, Http, decode};
use crate::params::{check_not_empty, check_object, check_redirect};
use crate::session_api::user_from_body;
use crate::{Error, Factor, SignOutScope, User};

/// A client for the Auth admin API (`/auth/v1/admin/*`, `/invite`).
///
/// It can only be built from a **service-role** key (a JWT whose `role` is `service_role` or
/// `supabase_admin`) or a new-format **secret** key (`sb_secret_…`); anything else fails
/// with [`Error::AdminKeyRequired`] before a request is made. So admin calls cannot happen on
/// a user-facing client by accident, and every admin request carries the service key as
/// bearer, whatever global `Authorization` header or `set_auth` token exists elsewhere.
/// Admin calls never touch a session. Never ship this key to a browser or an app.
///
/// ```
/// use supabase_auth::{AdminClient, Error};
///
/// // header {"alg":"HS256"}, claims {"role":"service_role"}
/// let service = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2ln";
/// let admin = AdminClient::new("https://x.supabase.co/auth/v1", service)?;
/// # let _ = admin;
/// // header {"alg":"HS256"}, claims {"role":"anon"}
/// let anon = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2ln";
/// assert!(matches!(AdminClient::new("https://x.supabase.co/auth/v1", anon), Err(Error::AdminKeyRequired { .. })));
/// assert!(AdminClient::new("https://x.supabase.co/auth/v1", "sb_publishable_abc").is_err());
/// assert!(AdminClient::new("https://x.supabase.co/auth/v1", "sb_secret_abc").is_ok());
/// # Ok::<(), supabase_auth::Error>(())
/// ```
#[derive(Clone)]
pub struct AdminClient {
    http: Http,
    key: AccessToken,
}

/// Checks that `key` may call the admin API.
fn check_service_key(key: &str) -> Result<(), Error> {
    let refuse = |reason| Err(Error::AdminKeyRequired { reason });
    if key.starts_with("sb_secret_") {
        return Ok(());
    }
    if key.starts_with("sb_publishable_") {
        return refuse("this is a publishable key");
    }
    let Ok(claims) = decode_jwt_claims(key) else {
        return refuse("the key is neither a service-role JWT nor an sb_secret_ key");
    };
    match claims.role.as_deref() {
        Some("service_role" | "supabase_admin") => Ok(()),
        _ => refuse("the key's role is not service_role"),
    }
}

impl AdminClient {
    /// An admin client for the Auth endpoint at `url` with the service-role or secret key.
    ///
    /// ```
    /// let admin = supabase_auth::AdminClient::new("https://x.supabase.co/auth/v1", "sb_secret_abc")?;
    /// # let _ = admin;
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn new(url: &str, service_key: impl Into<Secret>) -> Result<Self, Error> {
        Self::build(url, &service_key.into(), TransportOptions::default())
    }

    /// An admin client for the project in `config`, whose key must be a service-role or
    /// secret key. It shares the configuration's HTTP client (pool), headers and timeout.
    ///
    /// ```
    /// let config = supabase_core::Config::new("https://x.supabase.co", "sb_secret_abc")?;
    /// let admin = supabase_auth::AdminClient::from_config(&config)?;
    /// # let _ = admin;
    /// # Ok::<(), supabase_auth::Error>(())
    /// ```
    pub fn from_config(config: &Config) -> Result<Self, Error> {
        check_service_key(config.key().expose())?;
        Self::from_service(Service::from_config(config, "auth/v1")?)
    }

    /// An admin client for the Auth endpoint `service` stands for, sharing its transport
    /// (pool, headers, limits): how the `supabase` façade makes one. The transport's project
    /// key must be a service-role or secret key; it is the bearer of every admin request,
    /// whatever credential the service carries.
    pub fn from_service(service: Service) -> Result<Self, Error> {
        let key = service.transport().project_key().clone();
        check_service_key(key.expose())?;
        Ok(Self {
            http: Http { service },
            key: AccessToken::new(key.expose())?,
        })
    }

    fn build(url: &str, key: &Secret, options: TransportOptions) -> Result<Self, Error> {
        check_service_key(key.expose())?;
        Self::from_service(Service::new(Transport::new(key, options)?, url)?)
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<Vec<u8>>,
    ) -> Result<supabase_core::Response, Error> {
        let url = self.http.url(segments, query)?;
        self.http
            .send(method, url, body, Bearer::Token(&self.key))
            .await
    }

    pub(crate) async fn send_json<B: Serialize>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: &B,
    ) -> Result<supabase_core::Response, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input(format!("cannot encode the request body: {e}")))?;
        self.send(method, segments, query, Some(body)).await
    }

    /// Creates a user (`POST /admin/users`). No email is sent; set
    /// [`AdminUserAttributes::email_confirm`] to mark the address confirmed.
    ///
    /// ```no_run
    /// use serde_json::json;
    /// use supabase_auth::AdminUserAttributes;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let user = admin
    ///     .create_user(
    ///         AdminUserAttributes::new()
    ///             .email("new@example.com")
    ///             .password("a long password")
    ///             .email_confirm(true)
    ///             .user_metadata(json!({"name": "Ada"})),
    ///     )
    ///     .await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn create_user(&self, attributes: AdminUserAttributes) -> Result<User, Error> {
        attributes.check()?;
        let response = self
            .send_json(Method::POST, &["admin", "users"], &[], &attributes)
            .await?;
        user_from_body(&response.body)
    }

    /// One page of users (`GET /admin/users?page=&per_page=`), with the total and the next
    /// and last page numbers read from the `X-Total-Count` and `Link` headers (correctly for
    /// every page; auth-js truncates page numbers ≥ 10).
    ///
    /// ```no_run
    /// use supabase_auth::ListUsersParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let mut params = ListUsersParams::new().per_page(100);
    /// loop {
    ///     let page = admin.list_users(params.clone()).await?;
    ///     for user in &page.users {
    ///         println!("{}", user.id);
    ///     }
    ///     match page.next_page {
    ///         Some(next) => params = params.page(next),
    ///         None => break,
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_users(&self, params: ListUsersParams) -> Result<UserPage, Error> {
        let (page, per_page) = params.query_values();
        let response = self
            .send(
                Method::GET,
                &["admin", "users"],
                &[("page", &page), ("per_page", &per_page)],
                None,
            )
            .await?;
        #[derive(serde::Deserialize)]
        struct Wire {
            #[serde(default)]
            users: Vec<User>,
            #[serde(default)]
            aud: Option<String>,
        }
        let wire: Wire = decode(&response)?;
        let links = parse_link_header(&response.headers);
        Ok(UserPage {
            users: wire.users,
            aud: wire.aud,
            total: header_u64(&response.headers, "x-total-count"),
            next_page: links.next,
            last_page: links.last,
        })
    }

    /// One user (`GET /admin/users/{id}`); the id must be a UUID.
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let user = admin.get_user_by_id("00000000-0000-4000-8000-000000000001").await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn get_user_by_id(&self, user_id: &str) -> Result<User, Error> {
        check_uuid("user id", user_id)?;
        let response = self
            .send(Method::GET, &["admin", "users", user_id], &[], None)
            .await?;
        user_from_body(&response.body)
    }

    /// Changes a user (`PUT /admin/users/{id}`): email, phone, password, metadata, bans, …
    ///
    /// ```no_run
    /// use supabase_auth::AdminUserAttributes;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let user = admin
    ///     .update_user_by_id(
    ///         "00000000-0000-4000-8000-000000000001",
    ///         AdminUserAttributes::new().ban_duration("24h"),
    ///     )
    ///     .await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn update_user_by_id(
        &self,
        user_id: &str,
        attributes: AdminUserAttributes,
    ) -> Result<User, Error> {
        check_uuid("user id", user_id)?;
        attributes.check()?;
        let response = self
            .send_json(Method::PUT, &["admin", "users", user_id], &[], &attributes)
            .await?;
        user_from_body(&response.body)
    }

    /// Deletes a user (`DELETE /admin/users/{id}`); `soft` keeps the row (anonymized) instead
    /// of removing it. One request: auth-js first GETs the user, needlessly.
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// admin.delete_user("00000000-0000-4000-8000-000000000001", false).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_user(&self, user_id: &str, soft: bool) -> Result<(), Error> {
        check_uuid("user id", user_id)?;
        #[derive(Serialize)]
        struct Body {
            should_soft_delete: bool,
        }
        self.send_json(
            Method::DELETE,
            &["admin", "users", user_id],
            &[],
            &Body {
                should_soft_delete: soft,
            },
        )
        .await?;
        Ok(())
    }

    /// Invites a user by email (`POST /invite?redirect_to=`).
    ///
    /// ```no_run
    /// use serde_json::json;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let user = admin
    ///     .invite_user_by_email("invitee@example.com", Some(json!({"team": "a"})), Some("https://example.com/join"))
    ///     .await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn invite_user_by_email(
        &self,
        email: &str,
        data: Option<Value>,
        redirect_to: Option<&str>,
    ) -> Result<User, Error> {
        check_not_empty("the email address", email)?;
        check_object(&data)?;
        if let Some(r) = redirect_to {
            check_redirect(r)?;
        }
        #[derive(Serialize)]
        struct Body<'a> {
            email: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<&'a Value>,
        }
        let query = crate::http::redirect_query(redirect_to);
        let response = self
            .send_json(
                Method::POST,
                &["invite"],
                &query,
                &Body {
                    email,
                    data: data.as_ref(),
                },
            )
            .await?;
        user_from_body(&response.body)
    }

    /// Generates an email link (sign-up, invite, magic link, recovery, email change) without
    /// sending it (`POST /admin/generate_link?redirect_to=`). The body carries only the
    /// link's fields (auth-js also leaks a camelCase `redirectTo`).
    ///
    /// ```no_run
    /// use supabase_auth::GenerateLinkParams;
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let link = admin
    ///     .generate_link(GenerateLinkParams::magiclink("ada@example.com").redirect_to("https://example.com/cb"))
    ///     .await?;
    /// // link.properties.action_link is a sign-in link: treat it as a secret.
    /// # let _ = link;
    /// # Ok(()) }
    /// ```
    pub async fn generate_link(&self, params: GenerateLinkParams) -> Result<GeneratedLink, Error> {
        check_not_empty("the email address", &params.email)?;
        check_object(&params.data)?;
        if let Some(r) = &params.redirect_to {
            check_redirect(r)?;
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            email: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            password: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            new_email: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<&'a Value>,
        }
        let query = crate::http::redirect_query(params.redirect_to.as_deref());
        let body = Body {
            kind: params.kind,
            email: &params.email,
            password: params.password.as_ref().map(Secret::expose),
            new_email: params.new_email.as_deref(),
            data: params.data.as_ref(),
        };
        let response = self
            .send_json(Method::POST, &["admin", "generate_link"], &query, &body)
            .await?;
        generated_link(&response.body)
    }

    /// Signs a user out by their access token (`POST /logout?scope=…` with that token as
    /// bearer). Checks the token is a well-formed JWT first.
    ///
    /// ```no_run
    /// use supabase_auth::SignOutScope;
    /// # async fn run(admin: supabase_auth::AdminClient, user_jwt: &str) -> Result<(), supabase_auth::Error> {
    /// admin.sign_out(user_jwt, SignOutScope::Global).await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_out(&self, jwt: &str, scope: SignOutScope) -> Result<(), Error> {
        decode_jwt_claims(jwt)?;
        let token = AccessToken::new(jwt)?;
        let url = self.http.url(&["logout"], &[("scope", scope.as_str())])?;
        self.http
            .send(Method::POST, url, None, Bearer::Token(&token))
            .await?;
        Ok(())
    }

    /// A user's MFA factors (`GET /admin/users/{id}/factors`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// let factors = admin.list_factors("00000000-0000-4000-8000-000000000001").await?;
    /// # let _ = factors;
    /// # Ok(()) }
    /// ```
    pub async fn list_factors(&self, user_id: &str) -> Result<Vec<Factor>, Error> {
        check_uuid("user id", user_id)?;
        let response = self
            .send(
                Method::GET,
                &["admin", "users", user_id, "factors"],
                &[],
                None,
            )
            .await?;
        decode(&response)
    }

    /// Deletes one of a user's MFA factors (`DELETE /admin/users/{id}/factors/{factor_id}`).
    ///
    /// ```no_run
    /// # async fn run(admin: supabase_auth::AdminClient) -> Result<(), supabase_auth::Error> {
    /// admin.delete_factor("00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-00000000000f").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_factor(&self, user_id: &str, factor_id: &str) -> Result<(), Error> {
        check_uuid("user id", user_id)?;
        check_uuid("factor id", factor_id)?;
        self.send(
            Method::DELETE,
            &["admin", "users", user_id, "factors", factor_id],
            &[],
            None,
        )
        .await?;
        Ok(())
    }
}

impl fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminClient")
            .field("url", &self.http.base().as_str())
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// auth-js validates user ids as UUIDs before sending; so does this client.
pub(crate) fn check_uuid(what: &str, id: &str) -> Result<(), Error> {
    let bytes = id.as_bytes();
    let ok = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(format!("the {what} is not a UUID")))
    }
}

pub(crate) fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Links {
    pub(crate) next: Option<u32>,
    pub(crate) last: Option<u32>,
}

/// Reads `Link: <…?page=2&per_page=50>; rel="next", <…?page=12&per_page=50>; rel="last"`.
pub(crate) fn parse_link_header(headers: &HeaderMap) -> Links {
    let mut links = Links::default();
    for value in headers.get_all("link") {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let Some(target) = pieces.next() else {
                continue;
            };
            let target = target.trim().trim_start_matches('<').trim_end_matches('>');
            let rel = pieces
                .filter_map(|p| p.trim().strip_prefix("rel="))
                .map(|r| r.trim_matches('"'))
                .next();
            let page = target.split_once('?').and_then(|(_, query)| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "page")
                    .and_then(|(_, v)| v.parse::<u32>().ok())
            });
            match rel {
                Some("next") => links.next = page,
                Some("last") => links.last = page,
                _ => {}
            }
        }
    }
    links
}

/// Parameters of [`AdminClient::list_users`]: page (1-based) and page size (server default
/// 50). Unset values go out as empty strings, as auth-js sends them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListUsersParams {
    page: Option<u32>,
    per_page: Option<u32>,
}

impl ListUsersParams {
    /// The server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page number, from 1.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Users per page.
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// `page` and `per_page` as sent: empty when unset.
    pub(crate) fn query_values(&self) -> (String, String) {
        let text = |v: Option<u32>| v.map(|p| p.to_string()).unwrap_or_default();
        (text(self.page), text(self.per_page))
    }
}

/// One page of [`AdminClient::list_users`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UserPage {
    /// The users.
    pub users: Vec<User>,
    /// The audience.
    pub aud: Option<String>,
    /// The number of users (`X-Total-Count`), when sent.
    pub total: Option<u64>,
    /// The next page (`Link: …; rel="next"`), `None` on the last page.
    pub next_page: Option<u32>,
    /// The last page (`Link: …; rel="last"`).
    pub last_page: Option<u32>,
}

/// Attributes for [`AdminClient::create_user`] and [`AdminClient::update_user_by_id`]; only
/// the fields you set are sent.
///
/// ```
/// use serde_json::json;
/// use supabase_auth::AdminUserAttributes;
///
/// let attrs = AdminUserAttributes::new()
///     .email("new@example.com")
///     .password("a long password")
///     .email_confirm(true)
///     .app_metadata(json!({"plan": "pro"}));
/// assert!(!format!("{attrs:?}").contains("a long password"));
/// ```
#[derive(Clone, Default, Serialize)]
pub struct AdminUserAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    password_hash: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_confirm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_confirm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ban_duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    nonce: Option<Secret>,
}

fn expose_opt<S: serde::Serializer>(value: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}

impl AdminUserAttributes {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// The password.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// A bcrypt or argon2 hash to import instead of a password.
    pub fn password_hash(mut self, hash: impl Into<Secret>) -> Self {
        self.password_hash = Some(hash.into());
        self
    }

    /// A chosen user id (UUID), when creating.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The Postgres role of the user's tokens.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Marks the email address confirmed.
    pub fn email_confirm(mut self, confirmed: bool) -> Self {
        self.email_confirm = Some(confirmed);
        self
    }

    /// Marks the phone number confirmed.
    pub fn phone_confirm(mut self, confirmed: bool) -> Self {
        self.phone_confirm = Some(confirmed);
        self
    }

    /// Bans the user for a Go duration (`"24h"`, `"876000h"`), or `"none"` to lift a ban.
    pub fn ban_duration(mut self, duration: impl Into<String>) -> Self {
        self.ban_duration = Some(duration.into());
        self
    }

    /// User metadata (a JSON object).
    pub fn user_metadata(mut self, data: Value) -> Self {
        self.user_metadata = Some(data);
        self
    }

    /// App metadata (a JSON object; users cannot change it).
    pub fn app_metadata(mut self, data: Value) -> Self {
        self.app_metadata = Some(data);
        self
    }

    /// A reauthentication nonce.
    pub fn nonce(mut self, nonce: impl Into<Secret>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    fn check(&self) -> Result<(), Error> {
        check_object(&self.user_metadata)?;
        check_object(&self.app_metadata)?;
        if let Some(id) = &self.id {
            check_uuid("user id", id)?;
        }
        Ok(())
    }
}

impl fmt::Debug for AdminUserAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<Secret>| s.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("AdminUserAttributes")
            .field("email", &self.email)
            .field("phone", &self.phone)
            .field("password", &redacted(&self.password))
            .field("password_hash", &redacted(&self.password_hash))
            .field("id", &self.id)
            .field("role", &self.role)
            .field("email_confirm", &self.email_confirm)
            .field("phone_confirm", &self.phone_confirm)
            .field("ban_duration", &self.ban_duration)
            .field("user_metadata", &self.user_metadata)
            .field("app_metadata", &self.app_metadata)
            .field("nonce", &redacted(&self.nonce))
            .finish()
    }
}

/// What [`AdminClient::generate_link`] makes.
///
/// ```
/// use supabase_auth::GenerateLinkParams;
///
/// let signup = GenerateLinkParams::signup("new@example.com", "a long password");
/// let change = GenerateLinkParams::email_change_new("old@example.com", "new@example.com");
/// assert!(!format!("{signup:?}").contains("a long password"));
/// # let _ = change;
/// ```
#[derive(Clone)]
pub struct GenerateLinkParams {
    kind: &'static str,
    email: String,
    password: Option<Secret>,
    new_email: Option<String>,
    data: Option<Value>,
    redirect_to: Option<String>,
}

impl GenerateLinkParams {
    fn new(kind: &'static str, email: impl Into<String>) -> Self {
        Self {
            kind,
            email: email.into(),
            password: None,
            new_email: None,
            data: None,
            redirect_to: None,
        }
    }

    /// A sign-up confirmation link (creates the user with this password).
    pub fn signup(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        let mut p = Self::new("signup", email);
        p.password = Some(password.into());
        p
    }

    /// An invitation link.
    pub fn invite(email: impl Into<String>) -> Self {
        Self::new("invite", email)
    }

    /// A magic link.
    pub fn magiclink(email: impl Into<String>) -> Self {
        Self::new("magiclink", email)
    }

    /// A password-recovery link.
    pub fn recovery(email: impl Into<String>) -> Self {
        Self::new("recovery", email)
    }

    /// The email-change link sent to the current address.
    pub fn email_change_current(email: impl Into<String>, new_email: impl Into<String>) -> Self {
        let mut p = Self::new("email_change_current", email);
        p.new_email = Some(new_email.into());
        p
    }

    /// The email-change link sent to the new address.
    pub fn email_change_new(email: impl Into<String>, new_email: impl Into<String>) -> Self {
        let mut p = Self::new("email_change_new", email);
        p.new_email = Some(new_email.into());
        p
    }

    /// User metadata (sign-up and invite).
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Where the link leads after verification.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }
}

impl fmt::Debug for GenerateLinkParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateLinkParams")
            .field("type", &self.kind)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("new_email", &self.new_email)
            .field("data", &self.data)
            .field("redirect_to", &self.redirect_to)
            .finish()
    }
}

/// A generated link and its user.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GeneratedLink {
    /// The link and its parts.
    pub properties: LinkProperties,
    /// The user it is for.
    pub user: User,
}

/// The parts of a generated link. The link, OTP and hash sign a user in: they are secrets.
#[derive(Clone)]
#[non_exhaustive]
pub struct LinkProperties {
    /// The full link to send to the user.
    pub action_link: Secret,
    /// The OTP that goes with it.
    pub email_otp: Secret,
    /// The hashed token (for `verify_otp` with a token hash).
    pub hashed_token: Secret,
    /// Where the link leads.
    pub redirect_to: String,
    /// The verification type (`signup`, `magiclink`, …).
    pub verification_type: String,
}

impl PartialEq for LinkProperties {
    fn eq(&self, other: &Self) -> bool {
        self.action_link.expose() == other.action_link.expose()
            && self.email_otp.expose() == other.email_otp.expose()
            && self.hashed_token.expose() == other.hashed_token.expose()
            && self.redirect_to == other.redirect_to
            && self.verification_type == other.verification_type
    }
}

impl fmt::Debug for LinkProperties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkProperties")
            .field("action_link", &"[REDACTED]")
            .field("email_otp", &"[REDACTED]")
            .field("hashed_token", &"[REDACTED]")
            .field("redirect_to", &self.redirect_to)
            .field("verification_type", &self.verification_type)
            .finish()
    }
}

/// The server sends the link fields flattened into the user object.
fn generated_link(body: &[u8]) -> Result<GeneratedLink, Error> {
    let mut value: serde_json::Map<String, Value> =
        serde_json::from_slice(body).map_err(|e| crate::session::decode_error(&e))?;
    let mut take = |k: &str| match value.remove(k) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let properties = LinkProperties {
        action_link: Secret::new(take("action_link")),
        email_otp: Secret::new(take("email_otp")),
        hashed_token: Secret::new(take("hashed_token")),
        redirect_to: take("redirect_to"),
        verification_type: take("verification_type"),
    };
    let user = match value.remove("user") {
        Some(user @ Value::Object(_)) => user,
        _ => Value::Object(value),
    };
    let user: User = serde_json::from_value(user).map_err(|e| crate::session::decode_error(&e))?;
    Ok(GeneratedLink { properties, user })
}

#[cfg(test)]
mod tests {
    use super::*;
    use supabase_core::HeaderValue;

    #[test]
    fn link_header_pages_beyond_nine() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(
                r#"</admin/users?page=12&per_page=50>; rel="next", </admin/users?page=123&per_page=50>; rel="last""#,
            ),
        );
        assert_eq!(
            parse_link_header(&h),
            Links {
                next: Some(12),
                last: Some(123)
            }
        );
        assert_eq!(parse_link_header(&HeaderMap::new()), Links::default());
    }

    #[test]
    fn uuid_check() {
        assert!(check_uuid("id", "00000000-0000-4000-8000-000000000001").is_ok());
        for bad in [
            "",
            "x",
            "00000000-0000-4000-8000-00000000000g",
            "../admin/users",
        ] {
            assert!(check_uuid("id", bad).is_err(), "{bad}");
        }
    }
}
