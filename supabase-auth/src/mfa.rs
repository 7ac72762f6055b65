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
        check_not_empty("the factor id", factor_id)?;
        check_not_empty("the challenge id", challenge_id)?;
        check_not_empty("the code", code)?;
        #[derive(Serialize)]
        struct Body<'a> {
            challenge_id: &'a str,
            code: &'a str,
        }
        let url = self
            .auth
            .inner
            .http()
            .url(&["factors", factor_id, "verify"], &[])?;
        let (response, from_session) = self
            .auth
            .user_request_json(Method::POST, url, &Body { challenge_id, code })
            .await?;
        let session = parse_auth_answer(&response.body, self.auth.inner.now())?
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

    /// The user's factors (from `GET /user`); the typed lists hold verified factors only.
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
