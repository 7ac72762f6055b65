//! Finishing a browser sign-in from the URL the user was sent back to.

use std::collections::HashMap;

use supabase_core::{AccessToken, Secret, Url};

use crate::{AuthChangeEvent, AuthClient, Error, Session};

impl AuthClient {
    /// Finishes an email-link, OAuth or SSO sign-in from the URL the browser was redirected
    /// to (what auth-js does on page load with `detectSessionInUrl`), and makes the session
    /// current:
    ///
    /// - `?code=…` (PKCE flow): exchanged with [`AuthClient::exchange_code_for_session`];
    /// - `#access_token=…&refresh_token=…&expires_in=…` (implicit flow): the user is fetched
    ///   with the token (`GET /user`, which also validates it), event `PasswordRecovery` for
    ///   `type=recovery`, `SignedIn` otherwise;
    /// - `error=…&error_description=…`: [`Error::Redirect`].
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let url = "myapp://callback#access_token=eyJ...&refresh_token=r&expires_in=3600&token_type=bearer";
    /// let session = auth.get_session_from_url(url).await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn get_session_from_url(&self, url: &str) -> Result<Session, Error> {
        let url = Url::parse(url)
            .map_err(|e| Error::invalid_input(format!("not an absolute URL: {e}")))?;
        let mut params: HashMap<String, String> = HashMap::new();
        if let Some(fragment) = url.fragment() {
            params.extend(url::form_urlencoded::parse(fragment.as_bytes()).into_owned());
        }
        params.extend(url.query_pairs().into_owned());
        if params.contains_key("error")
            || params.contains_key("error_description")
            || params.contains_key("error_code")
        {
            return Err(Error::Redirect {
                error: params.get("error").cloned().unwrap_or_default(),
                code: params.get("error_code").cloned(),
                description: params.get("error_description").cloned().unwrap_or_default(),
            });
        }
        if let Some(code) = params.get("code") {
            return self.exchange_code_for_session(code).await;
        }
        let (Some(access), Some(refresh), Some(expires_in)) = (
            params.get("access_token"),
            params.get("refresh_token"),
            params.get("expires_in").and_then(|e| e.parse::<u64>().ok()),
        ) else {
            return Err(Error::invalid_input(
                "the URL has neither a code nor access_token, refresh_token and expires_in",
            ));
        };
        let token = AccessToken::new(access.as_str())?;
        let now = self.inner.now();
        let expires_at = params
            .get("expires_at")
            .and_then(|e| e.parse::<u64>().ok())
            .unwrap_or(now.saturating_add(expires_in));
        let user = self.fetch_user_with(&token).await?;
        let session = Session {
            access_token: Secret::new(access.as_str()),
            token_type: params
                .get("token_type")
                .cloned()
                .unwrap_or_else(|| "bearer".into()),
            expires_in,
            expires_at,
            refresh_token: Secret::new(refresh.as_str()),
            user,
            provider_token: params.get("provider_token").cloned().map(Secret::new),
            provider_refresh_token: params
                .get("provider_refresh_token")
                .cloned()
                .map(Secret::new),
            weak_password: None,
        };
        let event = if params.get("type").map(String::as_str) == Some("recovery") {
            AuthChangeEvent::PasswordRecovery
        } else {
            AuthChangeEvent::SignedIn
        };
        self.inner.save(session.clone(), event).await?;
        Ok(session)
    }
}
