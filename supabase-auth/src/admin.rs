//! The admin API (`auth.admin.*` in auth-js), only available with a service-role or secret
//! key.

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use supabase_core::{
    AccessToken, Config, Method, Secret, Service, Transport, TransportOptions, decode_jwt_claims,
};

use crate::admin_params::{
    AdminUserAttributes, GenerateLinkParams, GeneratedLink, ListUsersParams, UserPage,
    generated_link,
};
use crate::http::{Bearer, Http, decode};
use crate::pagination::{header_u64, parse_link_header};
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

#[cfg(test)]
mod tests {
    use super::*;

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
