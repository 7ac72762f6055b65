//! The OAuth 2.1 server side (`auth.oauth.*` in auth-js): for projects that use Supabase
//! Auth as an OAuth provider, the consent screen's calls (authorization details, approve,
//! deny) and the user's grants (list, revoke).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use supabase_core::{Method, Secret};

use crate::http::decode;
use crate::params::check_not_empty;
use crate::{AuthClient, Error};

/// The OAuth server part of an [`AuthClient`] (from [`AuthClient::oauth`]).
#[derive(Debug, Clone, Copy)]
pub struct OAuthServer<'a> {
    auth: &'a AuthClient,
}

/// The client application asking for access.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct OAuthAuthorizationClient {
    /// Its client id.
    pub id: String,
    /// Its display name.
    #[serde(default)]
    pub name: String,
    /// Its home page.
    #[serde(default)]
    pub uri: String,
    /// Its logo.
    #[serde(default)]
    pub logo_uri: String,
}

/// The user an authorization request is for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct OAuthAuthorizationUser {
    /// The user id.
    pub id: String,
    /// The user's email.
    #[serde(default)]
    pub email: String,
}

/// What a consent screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct OAuthAuthorization {
    /// The authorization request's id (for approve / deny).
    pub authorization_id: String,
    /// Where the client will be sent back.
    #[serde(default)]
    pub redirect_uri: String,
    /// The client asking.
    pub client: OAuthAuthorizationClient,
    /// The signed-in user.
    pub user: OAuthAuthorizationUser,
    /// The space-separated scopes asked for.
    #[serde(default)]
    pub scope: String,
}

/// Where to send the browser after a consent decision. On approval the URL carries the
/// authorization code, a credential: it never shows in `Debug`.
#[derive(Clone)]
#[non_exhaustive]
pub struct OAuthConsentRedirect {
    /// The client's redirect URI with `code` and `state` (approved) or `error` (denied).
    pub redirect_url: Secret,
}

impl fmt::Debug for OAuthConsentRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConsentRedirect")
            .field("redirect_url", &"[REDACTED]")
            .finish()
    }
}

/// [`OAuthServer::get_authorization_details`]: a consent to ask for, or (the user already
/// consented to these scopes) a redirect to follow at once.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthorizationDetails {
    /// Show a consent screen, then approve or deny.
    Consent(OAuthAuthorization),
    /// Already approved: send the browser here.
    Redirect(OAuthConsentRedirect),
}

/// A client the user has granted access to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct OAuthGrant {
    /// The client.
    pub client: OAuthAuthorizationClient,
    /// The scopes granted.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// When access was granted.
    #[serde(default)]
    pub granted_at: String,
}

fn consent_redirect(value: &Value) -> Result<OAuthConsentRedirect, Error> {
    value
        .get("redirect_url")
        .and_then(Value::as_str)
        .map(|u| OAuthConsentRedirect {
            redirect_url: Secret::new(u),
        })
        .ok_or_else(|| Error::invalid_input("the server answered without a redirect_url"))
}

impl AuthClient {
    /// The OAuth 2.1 server API (auth-js `auth.oauth`): what a consent page of a project
    /// that is an OAuth provider calls. Every call acts for the signed-in user: the
    /// `set_auth` override if any (a server handling one request), else the session.
    ///
    /// ```no_run
    /// use supabase_auth::AuthorizationDetails;
    /// # async fn run(auth: supabase_auth::AuthClient, authorization_id: &str) -> Result<(), supabase_auth::Error> {
    /// match auth.oauth().get_authorization_details(authorization_id).await? {
    ///     AuthorizationDetails::Consent(details) => {
    ///         println!("{} asks for {}", details.client.name, details.scope);
    ///         let redirect = auth.oauth().approve_authorization(authorization_id).await?;
    ///         // answer the browser with a redirect to redirect.redirect_url.expose()
    ///         # let _ = redirect;
    ///     }
    ///     AuthorizationDetails::Redirect(redirect) => { let _ = redirect; }
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub fn oauth(&self) -> OAuthServer<'_> {
        OAuthServer { auth: self }
    }
}

impl OAuthServer<'_> {
    /// The details of an authorization request (`GET /oauth/authorizations/{id}`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let details = auth.oauth().get_authorization_details("authorization-id").await?;
    /// # let _ = details;
    /// # Ok(()) }
    /// ```
    pub async fn get_authorization_details(
        &self,
        authorization_id: &str,
    ) -> Result<AuthorizationDetails, Error> {
        check_not_empty("the authorization id", authorization_id)?;
        let url = self
            .auth
            .inner
            .http()
            .url(&["oauth", "authorizations", authorization_id], &[])?;
        let (response, _) = self.auth.user_request(Method::GET, url, None).await?;
        let value: Value = decode(&response)?;
        if value.get("authorization_id").is_some() {
            let details =
                serde_json::from_value(value).map_err(|e| crate::session::decode_error(&e))?;
            return Ok(AuthorizationDetails::Consent(details));
        }
        Ok(AuthorizationDetails::Redirect(consent_redirect(&value)?))
    }

    async fn consent(
        &self,
        authorization_id: &str,
        action: &str,
    ) -> Result<OAuthConsentRedirect, Error> {
        check_not_empty("the authorization id", authorization_id)?;
        #[derive(Serialize)]
        struct Body<'a> {
            action: &'a str,
        }
        let url = self.auth.inner.http().url(
            &["oauth", "authorizations", authorization_id, "consent"],
            &[],
        )?;
        let (response, _) = self
            .auth
            .user_request_json(Method::POST, url, &Body { action })
            .await?;
        consent_redirect(&decode(&response)?)
    }

    /// Approves an authorization request (`POST /oauth/authorizations/{id}/consent` with
    /// `{"action":"approve"}`). Nothing is opened: send the browser to the returned URL
    /// (auth-js assigns `window.location` unless `skipBrowserRedirect`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let redirect = auth.oauth().approve_authorization("authorization-id").await?;
    /// # let _ = redirect;
    /// # Ok(()) }
    /// ```
    pub async fn approve_authorization(
        &self,
        authorization_id: &str,
    ) -> Result<OAuthConsentRedirect, Error> {
        self.consent(authorization_id, "approve").await
    }

    /// Denies an authorization request (`POST /oauth/authorizations/{id}/consent` with
    /// `{"action":"deny"}`); send the browser to the returned URL.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let redirect = auth.oauth().deny_authorization("authorization-id").await?;
    /// # let _ = redirect;
    /// # Ok(()) }
    /// ```
    pub async fn deny_authorization(
        &self,
        authorization_id: &str,
    ) -> Result<OAuthConsentRedirect, Error> {
        self.consent(authorization_id, "deny").await
    }

    /// The clients the user has granted access to (`GET /user/oauth/grants`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// for grant in auth.oauth().list_grants().await? {
    ///     println!("{}: {:?}", grant.client.name, grant.scopes);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_grants(&self) -> Result<Vec<OAuthGrant>, Error> {
        let url = self
            .auth
            .inner
            .http()
            .url(&["user", "oauth", "grants"], &[])?;
        let (response, _) = self.auth.user_request(Method::GET, url, None).await?;
        let grants: Option<Vec<OAuthGrant>> = decode(&response)?;
        Ok(grants.unwrap_or_default())
    }

    /// Revokes the user's grant to a client (`DELETE /user/oauth/grants?client_id=`): its
    /// tokens stop working.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// auth.oauth().revoke_grant("client-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn revoke_grant(&self, client_id: &str) -> Result<(), Error> {
        check_not_empty("the client id", client_id)?;
        let url = self
            .auth
            .inner
            .http()
            .url(&["user", "oauth", "grants"], &[("client_id", client_id)])?;
        self.auth.user_request(Method::DELETE, url, None).await?;
        Ok(())
    }
}
