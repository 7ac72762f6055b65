//! Sign-up, sign-in, OTP, OAuth/PKCE, SSO, resend and password recovery.

use serde::Serialize;
use serde_json::{Map, Value};
use supabase_core::{Method, Secret, Url};

use crate::http::{Bearer, decode, encode_uri_component, redirect_query};
use crate::params::{Contact, VerifyTarget, check_not_empty, check_object, check_redirect};
use crate::pkce::{CHALLENGE_METHOD, RECOVERY_SUFFIX, challenge, new_verifier};
use crate::session::parse_auth_answer;
use crate::sign_in_answers::{AuthResponse, OAuthRedirect, OtpSent, SignUpResponse, SsoRedirect};
use crate::{
    AuthChangeEvent, AuthClient, Error, FlowType, IdTokenCredentials, OAuthOptions, OtpCredentials,
    PasswordCredentials, RequestOptions, ResendParams, Session, SignUpCredentials, SsoParams,
    VerifyOtpParams,
};

/// `gotrue_meta_security`: `{}` or `{"captcha_token": "…"}`.
#[derive(Serialize)]
pub(crate) struct MetaSecurity<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    captcha_token: Option<&'a str>,
}

pub(crate) fn meta(captcha: &Option<String>) -> MetaSecurity<'_> {
    MetaSecurity {
        captcha_token: captcha.as_deref(),
    }
}

/// `code_challenge` and `code_challenge_method`, `null` in the implicit flow.
#[derive(Default)]
pub(crate) struct Pkce {
    pub challenge: Option<String>,
    pub method: Option<&'static str>,
    pub verifier: Option<String>,
}

fn empty_object() -> Value {
    Value::Object(Map::new())
}

impl AuthClient {
    /// With the PKCE flow: makes and stores a verifier, returns its challenge.
    pub(crate) async fn start_pkce(&self, recovery: bool) -> Result<Pkce, Error> {
        if self.inner.settings.flow != FlowType::Pkce {
            return Ok(Pkce::default());
        }
        let verifier = new_verifier()?;
        let stored = if recovery {
            format!("{verifier}{RECOVERY_SUFFIX}")
        } else {
            verifier.clone()
        };
        self.inner.put_verifier(&stored).await?;
        Ok(Pkce {
            challenge: Some(challenge(&verifier)),
            method: Some(CHALLENGE_METHOD),
            verifier: Some(verifier),
        })
    }

    /// Runs a request that started a PKCE flow; on failure the verifier is dropped.
    pub(crate) async fn with_pkce_cleanup<T>(
        &self,
        pkce: &Pkce,
        result: Result<T, Error>,
    ) -> Result<T, Error> {
        if result.is_err() && pkce.verifier.is_some() {
            self.inner.drop_verifier().await;
        }
        result
    }

    /// Makes `session` current and emits `event`.
    async fn start_session(
        &self,
        session: Session,
        event: AuthChangeEvent,
    ) -> Result<Session, Error> {
        self.inner.save(session.clone(), event).await?;
        Ok(session)
    }

    /// Sends a request whose answer must be a session, then makes it current (`SignedIn`).
    async fn session_request<B: Serialize>(
        &self,
        url: Url,
        body: &B,
        event: AuthChangeEvent,
    ) -> Result<Session, Error> {
        let http = self.inner.http();
        let response = http.send_json(Method::POST, url, body, Bearer::Key).await?;
        let session = parse_auth_answer(&response.body, self.inner.now())?
            .session
            .ok_or(Error::InvalidTokenResponse)?;
        self.start_session(session, event).await
    }

    /// Creates a user with an email or phone and a password (`POST /signup`).
    ///
    /// When the project confirms automatically, the user is signed in
    /// ([`SignUpResponse::SignedIn`], event `SignedIn`); otherwise a confirmation is needed
    /// ([`SignUpResponse::ConfirmationRequired`]) — a result, not an error. A weak password is
    /// [`Error::Api`] with code `weak_password` and its reasons
    /// ([`Error::weak_password_reasons`]).
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, SignUpCredentials, SignUpResponse};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// match auth.sign_up(SignUpCredentials::email("ada@example.com", "correct horse")).await? {
    ///     SignUpResponse::SignedIn(session) => println!("signed in as {}", session.user.id),
    ///     SignUpResponse::ConfirmationRequired(user) => println!("check {:?}", user.email),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn sign_up(&self, credentials: SignUpCredentials) -> Result<SignUpResponse, Error> {
        credentials.contact.check()?;
        credentials.common.check()?;
        check_object(&credentials.data)?;
        let data = credentials.data.clone().unwrap_or_else(empty_object);
        let meta = meta(&credentials.common.captcha_token);
        let http = self.inner.http();
        let response = match &credentials.contact {
            Contact::Email(email) => {
                #[derive(Serialize)]
                struct Body<'a> {
                    email: &'a str,
                    password: &'a str,
                    data: &'a Value,
                    gotrue_meta_security: MetaSecurity<'a>,
                    code_challenge: Option<&'a str>,
                    code_challenge_method: Option<&'a str>,
                }
                let pkce = self.start_pkce(false).await?;
                let url = http.url(
                    &["signup"],
                    &redirect_query(credentials.common.redirect_to.as_deref()),
                )?;
                let body = Body {
                    email,
                    password: credentials.password.expose(),
                    data: &data,
                    gotrue_meta_security: meta,
                    code_challenge: pkce.challenge.as_deref(),
                    code_challenge_method: pkce.method,
                };
                let sent = http.send_json(Method::POST, url, &body, Bearer::Key).await;
                self.with_pkce_cleanup(&pkce, sent).await?
            }
            Contact::Phone(phone) => {
                #[derive(Serialize)]
                struct Body<'a> {
                    phone: &'a str,
                    password: &'a str,
                    data: &'a Value,
                    channel: &'a str,
                    gotrue_meta_security: MetaSecurity<'a>,
                }
                let url = http.url(&["signup"], &[])?;
                let body = Body {
                    phone,
                    password: credentials.password.expose(),
                    data: &data,
                    channel: credentials.channel.unwrap_or_default().as_str(),
                    gotrue_meta_security: meta,
                };
                http.send_json(Method::POST, url, &body, Bearer::Key)
                    .await?
            }
        };
        let answer = parse_auth_answer(&response.body, self.inner.now())?;
        match (answer.session, answer.user) {
            (Some(session), _) => Ok(SignUpResponse::SignedIn(
                self.start_session(session, AuthChangeEvent::SignedIn)
                    .await?,
            )),
            (None, Some(user)) => Ok(SignUpResponse::ConfirmationRequired(user)),
            (None, None) => Err(Error::InvalidTokenResponse),
        }
    }

    /// Signs in with an email or phone and a password (`POST /token?grant_type=password`).
    /// The session becomes current (event `SignedIn`); a weak password still signs in and is
    /// reported in [`Session::weak_password`].
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, PasswordCredentials};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// let session = auth
    ///     .sign_in_with_password(PasswordCredentials::email("ada@example.com", "correct horse"))
    ///     .await?;
    /// println!("signed in as {}", session.user.id);
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_password(
        &self,
        credentials: PasswordCredentials,
    ) -> Result<Session, Error> {
        credentials.contact.check()?;
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            email: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            phone: Option<&'a str>,
            password: &'a str,
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let (email, phone) = match &credentials.contact {
            Contact::Email(e) => (Some(e.as_str()), None),
            Contact::Phone(p) => (None, Some(p.as_str())),
        };
        let body = Body {
            email,
            phone,
            password: credentials.password.expose(),
            gotrue_meta_security: meta(&credentials.captcha_token),
        };
        let url = self
            .inner
            .http()
            .url(&["token"], &[("grant_type", "password")])?;
        self.session_request(url, &body, AuthChangeEvent::SignedIn)
            .await
    }

    /// Sends a magic link / OTP by email, or an OTP by SMS or WhatsApp (`POST /otp`). Nobody
    /// is signed in until [`AuthClient::verify_otp`] (or the link) is used.
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, OtpCredentials};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// auth.sign_in_with_otp(OtpCredentials::email("ada@example.com")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_otp(&self, credentials: OtpCredentials) -> Result<OtpSent, Error> {
        credentials.contact.check()?;
        credentials.common.check()?;
        check_object(&credentials.data)?;
        let data = credentials.data.clone().unwrap_or_else(empty_object);
        let http = self.inner.http();
        let meta = meta(&credentials.common.captcha_token);
        let response = match &credentials.contact {
            Contact::Email(email) => {
                #[derive(Serialize)]
                struct Body<'a> {
                    email: &'a str,
                    data: &'a Value,
                    create_user: bool,
                    gotrue_meta_security: MetaSecurity<'a>,
                    code_challenge: Option<&'a str>,
                    code_challenge_method: Option<&'a str>,
                }
                let pkce = self.start_pkce(false).await?;
                let url = http.url(
                    &["otp"],
                    &redirect_query(credentials.common.redirect_to.as_deref()),
                )?;
                let body = Body {
                    email,
                    data: &data,
                    create_user: credentials.should_create_user,
                    gotrue_meta_security: meta,
                    code_challenge: pkce.challenge.as_deref(),
                    code_challenge_method: pkce.method,
                };
                let sent = http.send_json(Method::POST, url, &body, Bearer::Key).await;
                self.with_pkce_cleanup(&pkce, sent).await?
            }
            Contact::Phone(phone) => {
                #[derive(Serialize)]
                struct Body<'a> {
                    phone: &'a str,
                    data: &'a Value,
                    create_user: bool,
                    gotrue_meta_security: MetaSecurity<'a>,
                    channel: &'a str,
                }
                let url = http.url(&["otp"], &[])?;
                let body = Body {
                    phone,
                    data: &data,
                    create_user: credentials.should_create_user,
                    gotrue_meta_security: meta,
                    channel: credentials.channel.unwrap_or_default().as_str(),
                };
                http.send_json(Method::POST, url, &body, Bearer::Key)
                    .await?
            }
        };
        Ok(otp_sent(&response.body))
    }

    /// Checks an OTP or email token hash (`POST /verify`). When it signs the user in, the
    /// session becomes current (event `PasswordRecovery` for recovery, `SignedIn` otherwise).
    /// Some verifications (the first step of a secure email change) sign nobody in.
    ///
    /// Only `{email|phone|token_hash, token, type, gotrue_meta_security}` is sent; auth-js
    /// also leaks its `options` object into the body.
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, EmailOtpType, VerifyOtpParams};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// let answer = auth
    ///     .verify_otp(VerifyOtpParams::email("ada@example.com", "123456", EmailOtpType::Email))
    ///     .await?;
    /// assert!(answer.session.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn verify_otp(&self, params: VerifyOtpParams) -> Result<AuthResponse, Error> {
        params.common.check()?;
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            email: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            phone: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            token: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            token_hash: Option<&'a str>,
            #[serde(rename = "type")]
            kind: &'a str,
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let mut body = Body {
            email: None,
            phone: None,
            token: None,
            token_hash: None,
            kind: "",
            gotrue_meta_security: meta(&params.common.captcha_token),
        };
        match &params.target {
            VerifyTarget::Email { email, token, kind } => {
                check_not_empty("the email address", email)?;
                body.email = Some(email);
                body.token = Some(token.expose());
                body.kind = kind.as_str();
            }
            VerifyTarget::Phone { phone, token, kind } => {
                check_not_empty("the phone number", phone)?;
                body.phone = Some(phone);
                body.token = Some(token.expose());
                body.kind = kind.as_str();
            }
            VerifyTarget::TokenHash { hash, kind } => {
                check_not_empty("the token hash", hash.expose())?;
                body.token_hash = Some(hash.expose());
                body.kind = kind.as_str();
            }
        }
        if let Some(token) = body.token {
            check_not_empty("the OTP", token)?;
        }
        let http = self.inner.http();
        let url = http.url(
            &["verify"],
            &redirect_query(params.common.redirect_to.as_deref()),
        )?;
        let response = http
            .send_json(Method::POST, url, &body, Bearer::Key)
            .await?;
        let answer = parse_auth_answer(&response.body, self.inner.now())?;
        let session = match answer.session {
            Some(session) => {
                let event = if params.is_recovery() {
                    AuthChangeEvent::PasswordRecovery
                } else {
                    AuthChangeEvent::SignedIn
                };
                Some(self.start_session(session, event).await?)
            }
            None => None,
        };
        Ok(AuthResponse {
            user: answer.user,
            session,
        })
    }

    /// Creates an anonymous user and signs it in (`POST /signup` without email or phone).
    ///
    /// ```no_run
    /// use serde_json::json;
    /// use supabase_auth::{AuthClient, RequestOptions};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// let session = auth
    ///     .sign_in_anonymously(RequestOptions::new().data(json!({"theme": "dark"})))
    ///     .await?;
    /// assert!(session.user.is_anonymous);
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_anonymously(&self, options: RequestOptions) -> Result<Session, Error> {
        check_object(&options.data)?;
        #[derive(Serialize)]
        struct Body<'a> {
            data: &'a Value,
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let data = options.data.clone().unwrap_or_else(empty_object);
        let body = Body {
            data: &data,
            gotrue_meta_security: meta(&options.common.captcha_token),
        };
        let url = self.inner.http().url(&["signup"], &[])?;
        self.session_request(url, &body, AuthChangeEvent::SignedIn)
            .await
    }

    /// Signs in with an OpenID Connect ID token from Google, Apple, … (`POST
    /// /token?grant_type=id_token`).
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, IdTokenCredentials};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// let session = auth
    ///     .sign_in_with_id_token(IdTokenCredentials::new("google", "eyJ...id-token"))
    ///     .await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_id_token(
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
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let body = Body {
            provider: &credentials.provider,
            id_token: credentials.token.expose(),
            access_token: credentials.access_token.as_ref().map(Secret::expose),
            nonce: credentials.nonce.as_ref().map(Secret::expose),
            gotrue_meta_security: meta(&credentials.captcha_token),
        };
        let url = self
            .inner
            .http()
            .url(&["token"], &[("grant_type", "id_token")])?;
        self.session_request(url, &body, AuthChangeEvent::SignedIn)
            .await
    }

    /// Builds the URL that starts an OAuth sign-in with `provider` (`github`, `google`, …).
    /// Nothing is sent: open the URL in a browser. With the PKCE flow the code verifier is
    /// stored (and returned); finish with [`AuthClient::exchange_code_for_session`].
    ///
    /// ```
    /// use supabase_auth::{AuthClient, OAuthOptions};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key").unwrap();
    /// let redirect = auth
    ///     .sign_in_with_oauth("github", OAuthOptions::new().redirect_to("https://example.com/cb").scopes("repo gist"))
    ///     .await
    ///     .unwrap();
    /// assert_eq!(
    ///     redirect.url.as_str(),
    ///     "https://x.supabase.co/auth/v1/authorize?provider=github&redirect_to=https%3A%2F%2Fexample.com%2Fcb&scopes=repo%20gist"
    /// );
    /// # });
    /// ```
    pub async fn sign_in_with_oauth(
        &self,
        provider: &str,
        options: OAuthOptions,
    ) -> Result<OAuthRedirect, Error> {
        let (url, pkce) = self
            .authorize_url(&["authorize"], provider, &options, false)
            .await?;
        Ok(OAuthRedirect {
            provider: provider.to_owned(),
            url,
            code_verifier: pkce.verifier.map(Secret::new),
        })
    }

    /// `<base>/<path>?provider=…&redirect_to=…&scopes=…&code_challenge…&<query>`, encoded as
    /// auth-js does (`encodeURIComponent` for the first three).
    pub(crate) async fn authorize_url(
        &self,
        path: &[&str],
        provider: &str,
        options: &OAuthOptions,
        skip_http_redirect: bool,
    ) -> Result<(Url, Pkce), Error> {
        check_not_empty("the provider", provider)?;
        if let Some(r) = &options.redirect_to {
            check_redirect(r)?;
        }
        let pkce = self.start_pkce(false).await?;
        let mut params = vec![format!("provider={}", encode_uri_component(provider))];
        if let Some(r) = &options.redirect_to {
            params.push(format!("redirect_to={}", encode_uri_component(r)));
        }
        if let Some(s) = options.scopes.as_deref().filter(|s| !s.is_empty()) {
            params.push(format!("scopes={}", encode_uri_component(s)));
        }
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        if let (Some(c), Some(m)) = (&pkce.challenge, pkce.method) {
            form.append_pair("code_challenge", c);
            form.append_pair("code_challenge_method", m);
        }
        for (k, v) in &options.query {
            form.append_pair(k, v);
        }
        if skip_http_redirect {
            form.append_pair("skip_http_redirect", "true");
        }
        let rest = form.finish();
        if !rest.is_empty() {
            params.push(rest);
        }
        let mut url = self.inner.http().url(path, &[])?;
        url.set_query(Some(&params.join("&")));
        Ok((url, pkce))
    }

    /// Finishes a PKCE flow (OAuth, magic link, SSO, password recovery): exchanges the `code`
    /// from the redirect URL, with the code verifier kept in the session store, for a session
    /// (`POST /token?grant_type=pkce`). The session becomes current (event `PasswordRecovery`
    /// after `reset_password_for_email`, `SignedIn` otherwise).
    ///
    /// Without a stored verifier this fails with [`Error::PkceVerifierMissing`] before
    /// sending anything (auth-js sends an empty verifier in the implicit flow, which the
    /// server rejects).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.exchange_code_for_session("code-from-the-redirect").await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn exchange_code_for_session(&self, auth_code: &str) -> Result<Session, Error> {
        check_not_empty("the auth code", auth_code)?;
        let stored = self
            .inner
            .take_verifier()
            .await?
            .filter(|v| !v.is_empty())
            .ok_or(Error::PkceVerifierMissing)?;
        let (verifier, recovery) = match stored.strip_suffix(RECOVERY_SUFFIX) {
            Some(v) => (v.to_owned(), true),
            None => (stored, false),
        };
        self.exchange(auth_code, &verifier, recovery).await
    }

    /// Like [`AuthClient::exchange_code_for_session`] with a verifier you kept yourself (e.g.
    /// [`OAuthRedirect::code_verifier`] in a cookie). The stored verifier is not used.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, verifier: supabase_core::Secret) -> Result<(), supabase_auth::Error> {
    /// let session = auth.exchange_code_for_session_with_verifier("code", &verifier).await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn exchange_code_for_session_with_verifier(
        &self,
        auth_code: &str,
        code_verifier: &Secret,
    ) -> Result<Session, Error> {
        check_not_empty("the auth code", auth_code)?;
        if code_verifier.is_empty() {
            return Err(Error::PkceVerifierMissing);
        }
        self.exchange(auth_code, code_verifier.expose(), false)
            .await
    }

    async fn exchange(
        &self,
        auth_code: &str,
        verifier: &str,
        recovery: bool,
    ) -> Result<Session, Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            auth_code: &'a str,
            code_verifier: &'a str,
        }
        let url = self
            .inner
            .http()
            .url(&["token"], &[("grant_type", "pkce")])?;
        let event = if recovery {
            AuthChangeEvent::PasswordRecovery
        } else {
            AuthChangeEvent::SignedIn
        };
        let body = Body {
            auth_code,
            code_verifier: verifier,
        };
        self.session_request(url, &body, event).await
    }

    /// Starts an enterprise SSO (SAML) sign-in (`POST /sso`); returns the identity provider's
    /// URL to open in a browser.
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, SsoParams};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// let redirect = auth.sign_in_with_sso(SsoParams::domain("example.com")).await?;
    /// println!("open {}", redirect.url);
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_sso(&self, params: SsoParams) -> Result<SsoRedirect, Error> {
        params.common.check()?;
        if let Some(d) = &params.domain {
            check_not_empty("the SSO domain", d)?;
        }
        if let Some(p) = &params.provider_id {
            check_not_empty("the SSO provider id", p)?;
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            provider_id: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            domain: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            redirect_to: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            gotrue_meta_security: Option<MetaSecurity<'a>>,
            skip_http_redirect: bool,
            code_challenge: Option<&'a str>,
            code_challenge_method: Option<&'a str>,
        }
        let pkce = self.start_pkce(false).await?;
        let body = Body {
            provider_id: params.provider_id.as_deref(),
            domain: params.domain.as_deref(),
            redirect_to: params.common.redirect_to.as_deref(),
            gotrue_meta_security: params
                .common
                .captcha_token
                .as_ref()
                .map(|_| meta(&params.common.captcha_token)),
            skip_http_redirect: true,
            code_challenge: pkce.challenge.as_deref(),
            code_challenge_method: pkce.method,
        };
        let http = self.inner.http();
        let url = http.url(&["sso"], &[])?;
        let sent = http.send_json(Method::POST, url, &body, Bearer::Key).await;
        let response = self.with_pkce_cleanup(&pkce, sent).await?;
        decode(&response)
    }

    /// Sends a sign-up confirmation, email-change confirmation or phone OTP again
    /// (`POST /resend`).
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, ResendParams};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// auth.resend(ResendParams::sms("+15555550100")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn resend(&self, params: ResendParams) -> Result<OtpSent, Error> {
        params.contact.check()?;
        params.common.check()?;
        let http = self.inner.http();
        let meta = meta(&params.common.captcha_token);
        let response = match &params.contact {
            Contact::Email(email) => {
                #[derive(Serialize)]
                struct Body<'a> {
                    email: &'a str,
                    #[serde(rename = "type")]
                    kind: &'a str,
                    gotrue_meta_security: MetaSecurity<'a>,
                    code_challenge: Option<&'a str>,
                    code_challenge_method: Option<&'a str>,
                }
                let pkce = self.start_pkce(false).await?;
                let url = http.url(
                    &["resend"],
                    &redirect_query(params.common.redirect_to.as_deref()),
                )?;
                let body = Body {
                    email,
                    kind: params.kind,
                    gotrue_meta_security: meta,
                    code_challenge: pkce.challenge.as_deref(),
                    code_challenge_method: pkce.method,
                };
                let sent = http.send_json(Method::POST, url, &body, Bearer::Key).await;
                self.with_pkce_cleanup(&pkce, sent).await?
            }
            Contact::Phone(phone) => {
                #[derive(Serialize)]
                struct Body<'a> {
                    phone: &'a str,
                    #[serde(rename = "type")]
                    kind: &'a str,
                    gotrue_meta_security: MetaSecurity<'a>,
                }
                let url = http.url(&["resend"], &[])?;
                let body = Body {
                    phone,
                    kind: params.kind,
                    gotrue_meta_security: meta,
                };
                http.send_json(Method::POST, url, &body, Bearer::Key)
                    .await?
            }
        };
        Ok(otp_sent(&response.body))
    }

    /// Sends a password-recovery email (`POST /recover`). The link signs the user in with
    /// event `PasswordRecovery`; then call [`AuthClient::update_user`] with the new password.
    ///
    /// ```no_run
    /// use supabase_auth::{AuthClient, RequestOptions};
    /// # async fn run() -> Result<(), supabase_auth::Error> {
    /// let auth = AuthClient::new("https://x.supabase.co/auth/v1", "anon-key")?;
    /// auth.reset_password_for_email(
    ///     "ada@example.com",
    ///     RequestOptions::new().redirect_to("https://example.com/reset"),
    /// )
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub async fn reset_password_for_email(
        &self,
        email: &str,
        options: RequestOptions,
    ) -> Result<(), Error> {
        check_not_empty("the email address", email)?;
        options.common.check()?;
        #[derive(Serialize)]
        struct Body<'a> {
            email: &'a str,
            code_challenge: Option<&'a str>,
            code_challenge_method: Option<&'a str>,
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let pkce = self.start_pkce(true).await?;
        let http = self.inner.http();
        let url = http.url(
            &["recover"],
            &redirect_query(options.common.redirect_to.as_deref()),
        )?;
        let body = Body {
            email,
            code_challenge: pkce.challenge.as_deref(),
            code_challenge_method: pkce.method,
            gotrue_meta_security: meta(&options.common.captcha_token),
        };
        let sent = http.send_json(Method::POST, url, &body, Bearer::Key).await;
        self.with_pkce_cleanup(&pkce, sent).await?;
        Ok(())
    }
}

fn otp_sent(body: &[u8]) -> OtpSent {
    let message_id = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        v.get("message_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    OtpSent { message_id }
}
