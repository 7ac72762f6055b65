//! The session and the signed-in user: get/refresh/set the session, get/update the user,
//! reauthenticate, sign out.

use serde::Serialize;
use supabase_core::{AccessToken, Method, Secret, decode_jwt_claims};

use crate::client::UserToken;
use crate::http::Bearer;
use crate::params::{check_not_empty, check_object, check_redirect};
use crate::sign_in::Pkce;
use crate::{AuthChangeEvent, AuthClient, Error, Session, SignOutScope, User, UserAttributes};

/// `data.user ?? data`, as auth-js `_userResponse`.
pub(crate) fn user_from_body(body: &[u8]) -> Result<User, Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Wrapped { user: User },
        Bare(User),
    }
    let wire: Wire = serde_json::from_slice(body).map_err(|e| crate::session::decode_error(&e))?;
    Ok(match wire {
        Wire::Wrapped { user } | Wire::Bare(user) => user,
    })
}

impl AuthClient {
    /// The current session, or `None` when signed out. Makes no request unless the session
    /// expires within the refresh margin; then it is refreshed first (single-flight, with the
    /// failure rules of [`SessionTokenProvider`](crate::SessionTokenProvider)).
    ///
    /// The session is read from the store without verifying it: on a server, use
    /// [`AuthClient::get_user`] (or `get_claims`) to check who the user is.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k").unwrap();
    /// assert!(auth.get_session().await.unwrap().is_none());
    /// # });
    /// ```
    pub async fn get_session(&self) -> Result<Option<Session>, Error> {
        self.inner.fresh_session().await
    }

    /// Refreshes the current session now (`POST /token?grant_type=refresh_token`), whatever
    /// its expiry; event `TokenRefreshed`. Network errors and 5xx are retried with backoff
    /// for up to 30 s. [`Error::SessionMissing`] when signed out. A non-retryable failure
    /// signs out only if the access token has already expired. Never touches a `set_auth`
    /// override.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.refresh_session().await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn refresh_session(&self) -> Result<Session, Error> {
        self.inner.refresh_current().await
    }

    /// Refreshes with the given refresh token; on success the answer becomes the current
    /// session (event `TokenRefreshed`). A failure leaves the current session alone.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.refresh_session_with("a-refresh-token").await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn refresh_session_with(&self, refresh_token: &str) -> Result<Session, Error> {
        check_not_empty("the refresh token", refresh_token)?;
        self.inner.refresh_with(&Secret::new(refresh_token)).await
    }

    /// Makes a session from tokens obtained elsewhere (another device, a cookie, a server)
    /// current. If the access token has expired (or has no `exp`) it is refreshed with
    /// `refresh_token` (event `TokenRefreshed`); otherwise the user is fetched with it (`GET /user`, which
    /// also validates it) and the session is stored (event `SignedIn`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.set_session("eyJ...access", "refresh-token").await?;
    /// println!("now signed in as {}", session.user.id);
    /// # Ok(()) }
    /// ```
    pub async fn set_session(
        &self,
        access_token: &str,
        refresh_token: &str,
    ) -> Result<Session, Error> {
        check_not_empty("the refresh token", refresh_token)?;
        let claims = decode_jwt_claims(access_token)?;
        let token = AccessToken::new(access_token)?;
        let now = self.inner.now();
        let expires_at = claims.exp.unwrap_or(now);
        if claims.exp.is_none_or(|exp| exp <= now) {
            return self.inner.refresh_with(&Secret::new(refresh_token)).await;
        }
        let user = self.fetch_user_with(&token).await?;
        let session = Session {
            access_token: Secret::new(access_token),
            token_type: "bearer".into(),
            expires_in: expires_at.saturating_sub(now),
            expires_at,
            refresh_token: Secret::new(refresh_token),
            user,
            provider_token: None,
            provider_refresh_token: None,
            weak_password: None,
        };
        self.inner
            .save(session.clone(), AuthChangeEvent::SignedIn)
            .await?;
        Ok(session)
    }

    pub(crate) async fn fetch_user_with(&self, token: &AccessToken) -> Result<User, Error> {
        let http = self.inner.http();
        let url = http.url(&["user"], &[])?;
        let response = http
            .send(Method::GET, url, None, Bearer::Token(token))
            .await?;
        user_from_body(&response.body)
    }

    /// Sends a user-endpoint request with the user's token (override > session > global
    /// header). When the server says the session is gone and the session's token was used,
    /// the session is removed (event `SignedOut`), as in auth-js.
    pub(crate) async fn user_request(
        &self,
        method: Method,
        url: supabase_core::Url,
        body: Option<Vec<u8>>,
    ) -> Result<(supabase_core::Response, bool), Error> {
        let token = self.user_token().await?;
        let (bearer, from_session) = match &token {
            UserToken::Override(t) => (Bearer::Token(t), false),
            UserToken::Session(t) => (Bearer::Token(t), true),
            UserToken::Global => (Bearer::Key, false),
        };
        let result = self.inner.http().send(method, url, body, bearer).await;
        match result {
            Ok(response) => Ok((response, from_session)),
            Err(e) => {
                if from_session && e.is_session_missing() {
                    self.inner.remove().await?;
                }
                Err(e)
            }
        }
    }

    pub(crate) async fn user_request_json<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: supabase_core::Url,
        body: &B,
    ) -> Result<(supabase_core::Response, bool), Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input(format!("cannot encode the request body: {e}")))?;
        self.user_request(method, url, Some(body)).await
    }

    /// The signed-in user, fetched from the server (`GET /user`), which verifies the token:
    /// use it on servers to know who the user is. Uses the `set_auth` override if there is
    /// one, else the session (refreshed if needed); [`Error::SessionMissing`] without either
    /// (no request). If the server answers `session_not_found` for the session's token, the
    /// session is removed (event `SignedOut`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let user = auth.get_user().await?;
    /// println!("{} {:?}", user.id, user.email);
    /// # Ok(()) }
    /// ```
    pub async fn get_user(&self) -> Result<User, Error> {
        let url = self.inner.http().url(&["user"], &[])?;
        let (response, _) = self.user_request(Method::GET, url, None).await?;
        user_from_body(&response.body)
    }

    /// The user a given access token belongs to (`GET /user` with that token). Checks the
    /// token is a well-formed JWT first; never touches the session.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, jwt: &str) -> Result<(), supabase_auth::Error> {
    /// let user = auth.get_user_with_jwt(jwt).await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn get_user_with_jwt(&self, jwt: &str) -> Result<User, Error> {
        decode_jwt_claims(jwt)?;
        let token = AccessToken::new(jwt)?;
        self.fetch_user_with(&token).await
    }

    /// Changes the signed-in user's email, phone, password or metadata (`PUT /user`). When
    /// the session's token was used, the session's user is replaced and `UserUpdated` is
    /// emitted. With the PKCE flow an email change carries a code challenge.
    ///
    /// ```no_run
    /// use serde_json::json;
    /// use supabase_auth::UserAttributes;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let user = auth.update_user(UserAttributes::new().data(json!({"theme": "dark"}))).await?;
    /// # let _ = user;
    /// # Ok(()) }
    /// ```
    pub async fn update_user(&self, attributes: UserAttributes) -> Result<User, Error> {
        check_object(&attributes.data)?;
        if let Some(r) = &attributes.redirect_to {
            check_redirect(r)?;
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            email: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            phone: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            password: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            current_password: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            nonce: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            data: Option<&'a serde_json::Value>,
            code_challenge: Option<&'a str>,
            code_challenge_method: Option<&'a str>,
        }
        let pkce = if attributes.email.is_some() {
            self.start_pkce(false).await?
        } else {
            Pkce::default()
        };
        let body = Body {
            email: attributes.email.as_deref(),
            phone: attributes.phone.as_deref(),
            password: attributes.password.as_ref().map(Secret::expose),
            current_password: attributes.current_password.as_ref().map(Secret::expose),
            nonce: attributes.nonce.as_ref().map(Secret::expose),
            data: attributes.data.as_ref(),
            code_challenge: pkce.challenge.as_deref(),
            code_challenge_method: pkce.method,
        };
        let query = crate::http::redirect_query(attributes.redirect_to.as_deref());
        let url = self.inner.http().url(&["user"], &query)?;
        let result = self.user_request_json(Method::PUT, url, &body).await;
        let (response, from_session) = self.with_pkce_cleanup(&pkce, result).await?;
        let user = user_from_body(&response.body)?;
        if from_session {
            self.inner.update_user(user.clone()).await?;
        }
        Ok(user)
    }

    /// Asks for a reauthentication nonce (`GET /reauthenticate`), sent to the user by email or
    /// SMS; pass it to [`UserAttributes::nonce`] to change the password when the project
    /// requires it.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// auth.reauthenticate().await?;
    /// # Ok(()) }
    /// ```
    pub async fn reauthenticate(&self) -> Result<(), Error> {
        let url = self.inner.http().url(&["reauthenticate"], &[])?;
        self.user_request(Method::GET, url, None).await?;
        Ok(())
    }

    /// Signs out (`POST /logout?scope=…` with the **session's** access token).
    ///
    /// - [`SignOutScope::Global`] (default) ends every session of the user; the local session
    ///   is removed (event `SignedOut`) once the server accepted, or answered 401/403/404
    ///   (already gone). On a network error or 5xx the session is kept and the error
    ///   returned.
    /// - [`SignOutScope::Local`] removes the local session first, then tells the server; a
    ///   server error is returned but the client stays signed out.
    /// - [`SignOutScope::Others`] ends the user's other sessions; this one stays.
    ///
    /// Without a session nothing is sent and `Ok(())` is returned. A `set_auth` override is
    /// never sent to `/logout` and stays in place.
    ///
    /// ```no_run
    /// use supabase_auth::SignOutScope;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// auth.sign_out(SignOutScope::Local).await?;
    /// assert!(auth.get_session().await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn sign_out(&self, scope: SignOutScope) -> Result<(), Error> {
        let session = match self.inner.fresh_session().await {
            Ok(session) => session,
            // A session that cannot be refreshed can still be signed out.
            Err(_) => self.inner.snapshot(),
        };
        let Some(session) = session else {
            return Ok(());
        };
        let token = session.bearer()?;
        if scope == SignOutScope::Local {
            self.inner.remove().await?;
        }
        let http = self.inner.http();
        let url = http.url(&["logout"], &[("scope", scope.as_str())])?;
        let result = http
            .send(Method::POST, url, None, Bearer::Token(&token))
            .await;
        match (scope, result) {
            (SignOutScope::Global, Ok(_)) => self.inner.remove().await,
            (SignOutScope::Global, Err(e))
                if e.is_session_missing() || matches!(e.status(), Some(401 | 403 | 404)) =>
            {
                self.inner.remove().await
            }
            (_, Ok(_)) => Ok(()),
            (_, Err(e)) => Err(e),
        }
    }
}
