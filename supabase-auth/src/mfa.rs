//! Multi-factor authentication (`auth.mfa.*` in auth-js): enroll, challenge, verify,
//! unenroll, list factors, assurance level.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use supabase_core::{Method, Secret, decode_jwt_claims};

use crate::http::decode;
use crate::params::check_not_empty;
use crate::session::parse_auth_answer;
use crate::{AuthChangeEvent, AuthClient, Channel, Error, Factor, Session};

/// The MFA part of an [`AuthClient`] (from [`AuthClient::mfa`]).
#[derive(Debug, Clone, Copy)]
pub struct Mfa<'a> {
    auth: &'a AuthClient,
}

/// A factor to enroll.
///
/// ```
/// use supabase_auth::EnrollFactor;
///
/// let totp = EnrollFactor::totp().friendly_name("my phone").issuer("example.com");
/// let sms = EnrollFactor::phone("+15555550100");
/// # let _ = (totp, sms);
/// ```
#[derive(Debug, Clone)]
pub struct EnrollFactor {
    factor_type: &'static str,
    friendly_name: Option<String>,
    issuer: Option<String>,
    phone: Option<String>,
}

impl EnrollFactor {
    /// A TOTP authenticator app.
    pub fn totp() -> Self {
        Self {
            factor_type: "totp",
            friendly_name: None,
            issuer: None,
            phone: None,
        }
    }

    /// A phone receiving codes by SMS / WhatsApp.
    pub fn phone(phone: impl Into<String>) -> Self {
        Self {
            factor_type: "phone",
            friendly_name: None,
            issuer: None,
            phone: Some(phone.into()),
        }
    }

    /// A WebAuthn authenticator (security key, platform authenticator). Enrolling returns
    /// the factor; [`Mfa::challenge_webauthn`] then gives the browser its creation options.
    pub fn webauthn() -> Self {
        Self {
            factor_type: "webauthn",
            friendly_name: None,
            issuer: None,
            phone: None,
        }
    }

    /// A name to tell factors apart.
    pub fn friendly_name(mut self, name: impl Into<String>) -> Self {
        self.friendly_name = Some(name.into());
        self
    }

    /// The issuer shown by the authenticator app (TOTP only).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }
}

/// A newly enrolled (still unverified) factor.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct EnrolledFactor {
    /// The factor id.
    pub id: String,
    /// `totp` or `phone`.
    #[serde(rename = "type")]
    pub factor_type: String,
    /// The name given at enrollment.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// For TOTP: what to show the user.
    #[serde(default)]
    pub totp: Option<TotpEnrollment>,
    /// For phone: the number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// What an authenticator app needs to add a TOTP factor.
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct TotpEnrollment {
    /// An SVG QR code as a `data:image/svg+xml;utf-8,` URL (as auth-js returns it).
    pub qr_code: String,
    /// The shared secret, for manual entry.
    #[serde(deserialize_with = "secret")]
    pub secret: Secret,
    /// The `otpauth://` URI (it contains the secret).
    #[serde(deserialize_with = "secret")]
    pub uri: Secret,
}

impl PartialEq for TotpEnrollment {
    fn eq(&self, other: &Self) -> bool {
        self.qr_code == other.qr_code
            && self.secret.expose() == other.secret.expose()
            && self.uri.expose() == other.uri.expose()
    }
}

fn secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    Ok(Secret::new(String::deserialize(d)?))
}

impl fmt::Debug for TotpEnrollment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpEnrollment")
            .field("qr_code", &"<svg>")
            .field("secret", &"[REDACTED]")
            .field("uri", &"[REDACTED]")
            .finish()
    }
}

/// A challenge to answer with [`Mfa::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct MfaChallenge {
    /// The challenge id.
    pub id: String,
    /// The factor type.
    #[serde(rename = "type", default)]
    pub factor_type: String,
    /// When the challenge expires (seconds since the Unix epoch).
    #[serde(default)]
    pub expires_at: u64,
    /// For WebAuthn factors: the options for the browser.
    #[serde(default)]
    pub webauthn: Option<WebauthnChallenge>,
}

/// The browser half of a WebAuthn MFA challenge: hand `credential_options.publicKey` to
/// `navigator.credentials.create()` (`kind` `create`, first use) or `.get()` (`request`),
/// then send its credential JSON back with [`Mfa::verify_webauthn`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct WebauthnChallenge {
    /// `create` (registering the authenticator) or `request` (using it).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `{"publicKey": …}` as the server wrote it (JSON-encoded, base64url binary fields).
    #[serde(default)]
    pub credential_options: Value,
}

/// The relying party of a WebAuthn MFA challenge (auth-js `webauthn.rpId` / `rpOrigins`).
///
/// ```
/// let rp = supabase_auth::WebauthnRelyingParty::new("example.com").origin("https://example.com");
/// # let _ = rp;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebauthnRelyingParty {
    #[serde(rename = "rpId")]
    rp_id: String,
    #[serde(rename = "rpOrigins", skip_serializing_if = "Vec::is_empty")]
    rp_origins: Vec<String>,
}

impl WebauthnRelyingParty {
    /// The relying party id (the site's registrable domain).
    pub fn new(rp_id: impl Into<String>) -> Self {
        Self {
            rp_id: rp_id.into(),
            rp_origins: Vec::new(),
        }
    }

    /// An origin the credential may come from (e.g. `https://example.com`).
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.rp_origins.push(origin.into());
        self
    }

    fn check(&self) -> Result<(), Error> {
        check_not_empty("the relying party id", &self.rp_id)
    }
}

/// The recovery-code factor's state ([`RecoveryCodes::status`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RecoveryCodesStatus {
    /// The factor id.
    pub id: String,
    /// How many codes were issued.
    #[serde(default)]
    pub total: u32,
    /// How many are unused.
    #[serde(default)]
    pub remaining: u32,
}

/// Freshly issued recovery codes: show them to the user once. They never show in `Debug`.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct RecoveryCodeSet {
    /// The factor id.
    pub id: String,
    /// The factor's name.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// How many codes there are.
    #[serde(default)]
    pub total: u32,
    /// The codes (each works once).
    #[serde(default, deserialize_with = "crate::secret_serde::de_vec")]
    pub codes: Vec<Secret>,
}

/// Recovery codes, an MFA factor of one-time codes (from [`Mfa::recovery_codes`]). In
/// auth-js they are behind an experimental flag; the project must have them enabled.
#[derive(Debug, Clone, Copy)]
pub struct RecoveryCodes<'a> {
    auth: &'a AuthClient,
}

/// The user's factors, as auth-js `listFactors` groups them.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct FactorList {
    /// Every factor, verified or not.
    pub all: Vec<Factor>,
    /// Verified TOTP factors.
    pub totp: Vec<Factor>,
    /// Verified phone factors.
    pub phone: Vec<Factor>,
    /// Verified WebAuthn factors.
    pub webauthn: Vec<Factor>,
    /// Verified recovery-code factors.
    pub recovery_code: Vec<Factor>,
}

/// An authenticator assurance level.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssuranceLevel {
    /// One factor (password, OTP, OAuth, …).
    Aal1,
    /// Two factors.
    Aal2,
    /// A level this version does not know.
    Other(String),
}

impl AssuranceLevel {
    fn parse(s: &str) -> Self {
        match s {
            "aal1" => Self::Aal1,
            "aal2" => Self::Aal2,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Where the session stands and where it could go ([`Mfa::get_authenticator_assurance_level`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AssuranceLevels {
    /// The level of the current access token (`aal` claim); `None` when signed out.
    pub current_level: Option<AssuranceLevel>,
    /// `Aal2` when the user has a verified factor, else the current level.
    pub next_level: Option<AssuranceLevel>,
    /// How the user authenticated (`amr` claim entries, e.g. `{"method":"password",…}`).
    pub current_authentication_methods: Vec<Map<String, Value>>,
}

impl AuthClient {
    /// The MFA API (auth-js `auth.mfa`). It uses the `set_auth` override if any, else the
    /// session.
    ///
    /// ```no_run
    /// use supabase_auth::EnrollFactor;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let factor = auth.mfa().enroll(EnrollFactor::totp()).await?;
    /// // show factor.totp's QR code, then with the code the user typed:
    /// let session = auth.mfa().challenge_and_verify(&factor.id, "123456").await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub fn mfa(&self) -> Mfa<'_> {
        Mfa { auth: self }
    }
}

impl Mfa<'_> {
    /// Enrolls a new factor (`POST /factors`); verify it with [`Mfa::challenge_and_verify`].
    ///
    /// ```no_run
    /// use supabase_auth::EnrollFactor;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let factor = auth.mfa().enroll(EnrollFactor::phone("+15555550100")).await?;
    /// # let _ = factor;
    /// # Ok(()) }
    /// ```
    pub async fn enroll(&self, factor: EnrollFactor) -> Result<EnrolledFactor, Error> {
        if let Some(p) = &factor.phone {
            check_not_empty("the phone number", p)?;
        }
        #[derive(Serialize)]
        struct Body<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            friendly_name: Option<&'a str>,
            factor_type: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            phone: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            issuer: Option<&'a str>,
        }
        let body = Body {
            friendly_name: factor.friendly_name.as_deref(),
            factor_type: factor.factor_type,
            phone: factor.phone.as_deref(),
            issuer: factor.issuer.as_deref(),
        };
        let url = self.auth.inner.http().url(&["factors"], &[])?;
        let (response, _) = self
            .auth
            .user_request_json(Method::POST, url, &body)
            .await?;
        let mut enrolled: EnrolledFactor = decode(&response)?;
        if let Some(totp) = enrolled.totp.as_mut()
            && !totp.qr_code.starts_with("data:")
        {
            totp.qr_code = format!("data:image/svg+xml;utf-8,{}", totp.qr_code);
        }
        Ok(enrolled)
    }

    /// Starts a challenge for a factor (`POST /factors/{id}/challenge`); for phone factors a
    /// code is sent through `channel` (default SMS).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let challenge = auth.mfa().challenge("factor-id", None).await?;
    /// # let _ = challenge;
    /// # Ok(()) }
    /// ```
    pub async fn challenge(
        &self,
        factor_id: &str,
        channel: Option<Channel>,
    ) -> Result<MfaChallenge, Error> {
        check_not_empty("the factor id", factor_id)?;
        #[derive(Serialize)]
        struct Body {
            #[serde(skip_serializing_if = "Option::is_none")]
            channel: Option<&'static str>,
        }
        let body = Body {
            channel: channel.map(Channel::as_str),
        };
        let url = self
            .auth
            .inner
            .http()
            .url(&["factors", factor_id, "challenge"], &[])?;
        let (response, _) = self
            .auth
            .user_request_json(Method::POST, url, &body)
            .await?;
        decode(&response)
    }

    /// Answers a challenge with the code (`POST /factors/{id}/verify`). The returned aal2
    /// session becomes current (event `MfaChallengeVerified`) when the session was used.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.mfa().verify("factor-id", "challenge-id", "123456").await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn verify(
        &self,
        factor_id: &str,
        challenge_id: &str,
        code: &str,
    ) -> Result<Session, Error> {
        check_not_empty("the code", code)?;
        #[derive(Serialize)]
        struct Body<'a> {
            challenge_id: &'a str,
            code: &'a str,
        }
        self.send_verify(factor_id, challenge_id, &Body { challenge_id, code })
            .await
    }

    async fn send_verify<B: Serialize>(
        &self,
        factor_id: &str,
        challenge_id: &str,
        body: &B,
    ) -> Result<Session, Error> {
        check_not_empty("the factor id", factor_id)?;
        check_not_empty("the challenge id", challenge_id)?;
        let url = self
            .auth
            .inner
            .http()
            .url(&["factors", factor_id, "verify"], &[])?;
        let (response, from_session) = self.auth.user_request_json(Method::POST, url, body).await?;
        self.verified(&response.body, from_session).await
    }

    /// A verify answer's session, made current when the session's token was used.
    async fn verified(&self, body: &[u8], from_session: bool) -> Result<Session, Error> {
        let session = parse_auth_answer(body, self.auth.inner.now())?
            .session
            .ok_or(Error::InvalidTokenResponse)?;
        if from_session {
            self.auth
                .inner
                .save(session.clone(), AuthChangeEvent::MfaChallengeVerified)
                .await?;
        }
        Ok(session)
    }

    /// Starts a challenge for a WebAuthn factor (`POST /factors/{id}/challenge` with
    /// `{"webauthn":{"rpId","rpOrigins"}}`); the answer's [`MfaChallenge::webauthn`] holds
    /// the options for the browser. The browser half (calling `navigator.credentials`) is
    /// the page's; this crate sends and verifies.
    ///
    /// ```no_run
    /// use supabase_auth::WebauthnRelyingParty;
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let rp = WebauthnRelyingParty::new("example.com").origin("https://example.com");
    /// let challenge = auth.mfa().challenge_webauthn("factor-id", &rp).await?;
    /// let options = challenge.webauthn.map(|w| w.credential_options);
    /// # let _ = options;
    /// # Ok(()) }
    /// ```
    pub async fn challenge_webauthn(
        &self,
        factor_id: &str,
        relying_party: &WebauthnRelyingParty,
    ) -> Result<MfaChallenge, Error> {
        check_not_empty("the factor id", factor_id)?;
        relying_party.check()?;
        #[derive(Serialize)]
        struct Body<'a> {
            webauthn: &'a WebauthnRelyingParty,
        }
        let url = self
            .auth
            .inner
            .http()
            .url(&["factors", factor_id, "challenge"], &[])?;
        let (response, _) = self
            .auth
            .user_request_json(
                Method::POST,
                url,
                &Body {
                    webauthn: relying_party,
                },
            )
            .await?;
        decode(&response)
    }

    /// Answers a WebAuthn challenge with the browser's credential JSON (`POST
    /// /factors/{id}/verify` with `{"challenge_id","webauthn":{"rpId","rpOrigins","type",
    /// "credential_response"}}`); `kind` is the challenge's (`create` or `request`). The aal2
    /// session becomes current as with [`Mfa::verify`].
    ///
    /// ```no_run
    /// use supabase_auth::WebauthnRelyingParty;
    /// # async fn run(auth: supabase_auth::AuthClient, credential: serde_json::Value) -> Result<(), supabase_auth::Error> {
    /// let rp = WebauthnRelyingParty::new("example.com").origin("https://example.com");
    /// let session = auth
    ///     .mfa()
    ///     .verify_webauthn("factor-id", "challenge-id", &rp, "request", &credential)
    ///     .await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn verify_webauthn(
        &self,
        factor_id: &str,
        challenge_id: &str,
        relying_party: &WebauthnRelyingParty,
        kind: &str,
        credential_response: &Value,
    ) -> Result<Session, Error> {
        relying_party.check()?;
        if !matches!(kind, "create" | "request") {
            return Err(Error::invalid_input(
                "the WebAuthn challenge type must be \"create\" or \"request\"",
            ));
        }
        if !credential_response.is_object() {
            return Err(Error::invalid_input(
                "the credential must be the browser's PublicKeyCredential JSON (an object)",
            ));
        }
        #[derive(Serialize)]
        struct Webauthn<'a> {
            #[serde(flatten)]
            rp: &'a WebauthnRelyingParty,
            #[serde(rename = "type")]
            kind: &'a str,
            credential_response: &'a Value,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            challenge_id: &'a str,
            webauthn: Webauthn<'a>,
        }
        let body = Body {
            challenge_id,
            webauthn: Webauthn {
                rp: relying_party,
                kind,
                credential_response,
            },
        };
        self.send_verify(factor_id, challenge_id, &body).await
    }

    /// The recovery-code API (auth-js `mfa.recoveryCodes`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let set = auth.mfa().recovery_codes().generate(None).await?;
    /// for code in &set.codes {
    ///     println!("{}", code.expose()); // show once
    /// }
    /// # Ok(()) }
    /// ```
    pub fn recovery_codes(&self) -> RecoveryCodes<'_> {
        RecoveryCodes { auth: self.auth }
    }

    /// [`Mfa::challenge`] then [`Mfa::verify`].
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.mfa().challenge_and_verify("factor-id", "123456").await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn challenge_and_verify(
        &self,
        factor_id: &str,
        code: &str,
    ) -> Result<Session, Error> {
        check_not_empty("the code", code)?;
        let challenge = self.challenge(factor_id, None).await?;
        self.verify(factor_id, &challenge.id, code).await
    }

    /// Removes a factor (`DELETE /factors/{id}`). The current token keeps its level until
    /// the next refresh.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// auth.mfa().unenroll("factor-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn unenroll(&self, factor_id: &str) -> Result<(), Error> {
        check_not_empty("the factor id", factor_id)?;
        let url = self.auth.inner.http().url(&["factors", factor_id], &[])?;
        self.auth.user_request(Method::DELETE, url, None).await?;
        Ok(())
    }

    /// The user's factors (from `GET /user`), of every kind; the typed lists hold verified
    /// factors only.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let factors = auth.mfa().list_factors().await?;
    /// println!("{} verified TOTP factors", factors.totp.len());
    /// # Ok(()) }
    /// ```
    pub async fn list_factors(&self) -> Result<FactorList, Error> {
        let user = self.auth.get_user().await?;
        let mut list = FactorList::default();
        for factor in user.factors.unwrap_or_default() {
            if factor.is_verified() {
                match factor.factor_type.as_str() {
                    "totp" => list.totp.push(factor.clone()),
                    "phone" => list.phone.push(factor.clone()),
                    "webauthn" => list.webauthn.push(factor.clone()),
                    "recovery_code" => list.recovery_code.push(factor.clone()),
                    _ => {}
                }
            }
            list.all.push(factor);
        }
        Ok(list)
    }

    /// The assurance level of the current session and the one it could reach, read from the
    /// session's access token and user (no request).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let auth = supabase_auth::AuthClient::new("https://x.supabase.co/auth/v1", "k").unwrap();
    /// let levels = auth.mfa().get_authenticator_assurance_level().await.unwrap();
    /// assert_eq!(levels.current_level, None); // signed out
    /// # });
    /// ```
    pub async fn get_authenticator_assurance_level(&self) -> Result<AssuranceLevels, Error> {
        let Some(session) = self.auth.get_session().await? else {
            return Ok(AssuranceLevels {
                current_level: None,
                next_level: None,
                current_authentication_methods: Vec::new(),
            });
        };
        let factors = session.user.factors.clone().unwrap_or_default();
        levels(session.access_token.expose(), &factors)
    }

    /// The assurance levels of a given access token; its user's factors are fetched with it
    /// (`GET /user`). Never touches the session.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, jwt: &str) -> Result<(), supabase_auth::Error> {
    /// let levels = auth.mfa().get_authenticator_assurance_level_with_jwt(jwt).await?;
    /// # let _ = levels;
    /// # Ok(()) }
    /// ```
    pub async fn get_authenticator_assurance_level_with_jwt(
        &self,
        jwt: &str,
    ) -> Result<AssuranceLevels, Error> {
        let user = self.auth.get_user_with_jwt(jwt).await?;
        levels(jwt, &user.factors.unwrap_or_default())
    }
}

/// Levels from the token's `aal` / `amr` claims and the user's factors.
fn levels(token: &str, factors: &[Factor]) -> Result<AssuranceLevels, Error> {
    let claims = decode_jwt_claims(token)?;
    let current_level = claims
        .raw
        .get("aal")
        .and_then(Value::as_str)
        .map(AssuranceLevel::parse);
    let next_level = if factors.iter().any(Factor::is_verified) {
        Some(AssuranceLevel::Aal2)
    } else {
        current_level.clone()
    };
    let current_authentication_methods = claims
        .raw
        .get("amr")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|m| m.as_object().cloned()).collect())
        .unwrap_or_default();
    Ok(AssuranceLevels {
        current_level,
        next_level,
        current_authentication_methods,
    })
}

impl RecoveryCodes<'_> {
    fn url(&self, tail: &[&str]) -> Result<supabase_core::Url, Error> {
        let mut segments = vec!["factors", "recovery-codes"];
        segments.extend_from_slice(tail);
        self.auth.inner.http().url(&segments, &[])
    }

    /// How many recovery codes the user has left (`GET /factors/recovery-codes`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let status = auth.mfa().recovery_codes().status().await?;
    /// println!("{} of {} left", status.remaining, status.total);
    /// # Ok(()) }
    /// ```
    pub async fn status(&self) -> Result<RecoveryCodesStatus, Error> {
        let (response, _) = self
            .auth
            .user_request(Method::GET, self.url(&[])?, None)
            .await?;
        decode(&response)
    }

    /// Issues recovery codes (`POST /factors/recovery-codes`, with a body only when a name
    /// is given, as auth-js).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let set = auth.mfa().recovery_codes().generate(Some("printed codes")).await?;
    /// # let _ = set;
    /// # Ok(()) }
    /// ```
    pub async fn generate(&self, friendly_name: Option<&str>) -> Result<RecoveryCodeSet, Error> {
        let url = self.url(&[])?;
        let (response, _) = match friendly_name {
            Some(name) => {
                check_not_empty("the name", name)?;
                self.auth
                    .user_request_json(
                        Method::POST,
                        url,
                        &serde_json::json!({ "friendly_name": name }),
                    )
                    .await?
            }
            None => self.auth.user_request(Method::POST, url, None).await?,
        };
        decode(&response)
    }

    /// Signs the second factor in with a recovery code (`POST /factors/recovery-codes/verify`);
    /// the aal2 session becomes current (event `MfaChallengeVerified`) when the session was
    /// used. The code is used up.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let session = auth.mfa().recovery_codes().verify("abcd-efgh-ijkl").await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn verify(&self, code: &str) -> Result<Session, Error> {
        check_not_empty("the code", code)?;
        let (response, from_session) = self
            .auth
            .user_request_json(
                Method::POST,
                self.url(&["verify"])?,
                &serde_json::json!({ "code": code }),
            )
            .await?;
        self.auth.mfa().verified(&response.body, from_session).await
    }

    /// Replaces every recovery code with new ones (`POST /factors/recovery-codes/regenerate`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let set = auth.mfa().recovery_codes().regenerate().await?;
    /// # let _ = set;
    /// # Ok(()) }
    /// ```
    pub async fn regenerate(&self) -> Result<RecoveryCodeSet, Error> {
        let (response, _) = self
            .auth
            .user_request(Method::POST, self.url(&["regenerate"])?, None)
            .await?;
        decode(&response)
    }

    /// Removes the recovery-code factor (`DELETE /factors/recovery-codes`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// auth.mfa().recovery_codes().unenroll().await?;
    /// # Ok(()) }
    /// ```
    pub async fn unenroll(&self) -> Result<(), Error> {
        self.auth
            .user_request(Method::DELETE, self.url(&[])?, None)
            .await?;
        Ok(())
    }
}
