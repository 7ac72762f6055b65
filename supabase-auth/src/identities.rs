//! Linked identities: list, link an OAuth identity, unlink.

use serde::Serialize;
use serde_json::Value;
use supabase_core::{Method, Secret};

use crate::params::check_not_empty;
use crate::session::parse_auth_answer;
use crate::sign_in::{MetaSecurity, meta};
use crate::{
    AuthChangeEvent, AuthClient, Error, IdTokenCredentials, Identity, OAuthOptions, OAuthRedirect,
    Session,
};

impl AuthClient {
    /// The identities linked to the signed-in user (from `GET /user`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// for identity in auth.get_user_identities().await? {
    ///     println!("{} ({})", identity.provider, identity.identity_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_user_identities(&self) -> Result<Vec<Identity>, Error> {
        Ok(self.get_user().await?.identities.unwrap_or_default())
    }

    /// Starts linking an OAuth identity to the signed-in user
    /// (`GET /user/identities/authorize?…&skip_http_redirect=true`); returns the provider URL
    /// to open in a browser. Needs manual linking to be enabled on the project.
    ///
    /// ```no_run
    /// use supabase_auth::OAuthOptions;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let redirect = auth.link_identity("github", OAuthOptions::new()).await?;
    /// println!("open {}", redirect.url);
    /// # Ok(()) }
    /// ```
    pub async fn link_identity(
        &self,
        provider: &str,
        options: OAuthOptions,
    ) -> Result<OAuthRedirect, Error> {
        let (url, pkce) = self
            .authorize_url(
                &["user", "identities", "authorize"],
                provider,
                &options,
                true,
            )
            .await?;
        let result = self.user_request(Method::GET, url, None).await;
        let (response, _) = self.with_pkce_cleanup(&pkce, result).await?;
        let value: Value = crate::http::decode(&response)?;
        let url = value
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid_input("the server answered without a url"))?;
        let url = url
            .parse()
            .map_err(|e| Error::invalid_input(format!("the server answered a bad url: {e}")))?;
        Ok(OAuthRedirect {
            provider: provider.to_owned(),
            url,
            code_verifier: pkce.verifier.map(supabase_core::Secret::new),
        })
    }

    /// Links an identity to the signed-in user with an OpenID Connect ID token from a native
    /// sign-in (Google, Apple, …; auth-js `linkIdentity({ provider, token })`): `POST
    /// /token?grant_type=id_token` with `link_identity: true` and the user's token as bearer.
    /// The returned session becomes current (event `UserUpdated`).
    ///
    /// ```no_run
    /// use supabase_auth::IdTokenCredentials;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth
    ///     .link_identity_with_id_token(IdTokenCredentials::new("apple", "eyJ...id-token").nonce("raw-nonce"))
    ///     .await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn link_identity_with_id_token(
        &self,
        credentials: IdTokenCredentials,
    ) -> Result<Session, Error> {
        check_not_empty("the provider", &credentials.provider)?;
        check_not_empty("the ID token", credentials.token.expose())?;
        #[derive(Serialize)]
        struct Body<'a> {
            provider: &'a str,
            id_token: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            access_token: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            nonce: Option<&'a str>,
            link_identity: bool,
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let body = Body {
            provider: &credentials.provider,
            id_token: credentials.token.expose(),
            access_token: credentials.access_token.as_ref().map(Secret::expose),
            nonce: credentials.nonce.as_ref().map(Secret::expose),
            link_identity: true,
            gotrue_meta_security: meta(&credentials.captcha_token),
        };
        let url = self
            .inner
            .http()
            .url(&["token"], &[("grant_type", "id_token")])?;
        let (response, _) = self.user_request_json(Method::POST, url, &body).await?;
        let session = parse_auth_answer(&response.body, self.inner.now())?
            .session
            .ok_or(Error::InvalidTokenResponse)?;
        self.inner
            .save(session.clone(), AuthChangeEvent::UserUpdated)
            .await?;
        Ok(session)
    }

    /// Unlinks an identity from the signed-in user (`DELETE /user/identities/{identity_id}`).
    /// The server refuses to remove the last identity (`single_identity_not_deletable`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let identities = auth.get_user_identities().await?;
    /// if let Some(github) = identities.iter().find(|i| i.provider == "github") {
    ///     auth.unlink_identity(&github.identity_id).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn unlink_identity(&self, identity_id: &str) -> Result<(), Error> {
        check_not_empty("the identity id", identity_id)?;
        let url = self
            .inner
            .http()
            .url(&["user", "identities", identity_id], &[])?;
        self.user_request(Method::DELETE, url, None).await?;
        Ok(())
    }
}
