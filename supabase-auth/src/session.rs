//! The session: access token, refresh token, expiry and user.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use supabase_core::{AccessToken, JwtClaims, Secret, decode_jwt_claims};

use crate::user::User;
use crate::{Error, WeakPasswordReason};

/// A signed-in session.
///
/// `Debug` never shows the tokens. It serializes to the same JSON as supabase-js stores
/// (`{access_token, token_type, expires_in, expires_at, refresh_token, user, …}`), which is
/// what [`SessionStore`](crate::SessionStore)s hold.
///
/// ```
/// use supabase_auth::Session;
///
/// let json = r#"{"access_token":"eyJ.a.b","token_type":"bearer","expires_in":3600,
///   "expires_at":4102444800,"refresh_token":"r-1","user":{"id":"u1","aud":"authenticated"}}"#;
/// let session: Session = serde_json::from_str(json).unwrap();
/// assert_eq!(session.user.id, "u1");
/// assert_eq!(session.refresh_token.expose(), "r-1");
/// assert!(!format!("{session:?}").contains("r-1"));
/// assert!(!session.is_expired(1_700_000_000));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Session {
    /// The access token (a JWT), sent as `Authorization: Bearer …`.
    pub access_token: Secret,
    /// Always `bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds, as issued.
    pub expires_in: u64,
    /// Expiry of the access token, in seconds since the Unix epoch.
    pub expires_at: u64,
    /// The refresh token (single use: each refresh returns a new one).
    pub refresh_token: Secret,
    /// The signed-in user.
    pub user: User,
    /// The OAuth provider's access token, after an OAuth sign-in.
    pub provider_token: Option<Secret>,
    /// The OAuth provider's refresh token, after an OAuth sign-in.
    pub provider_refresh_token: Option<Secret>,
    /// Set when the password used to sign in is weak (sign-in still succeeded).
    pub weak_password: Option<WeakPassword>,
}

/// The server's warning that a password is weak.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WeakPassword {
    /// Why.
    pub reasons: Vec<WeakPasswordReason>,
    /// The server's message.
    pub message: String,
}

impl Session {
    /// The access token, ready to send (fails when it cannot be a header value).
    pub(crate) fn bearer(&self) -> Result<AccessToken, supabase_core::Error> {
        AccessToken::new(self.access_token.expose())
    }

    /// Whether the access token has expired at `now` (seconds since the Unix epoch).
    pub fn is_expired(&self, now: u64) -> bool {
        self.expires_at <= now
    }

    /// Whether the access token expires within `margin_secs` of `now` (or has expired).
    pub fn expires_within(&self, now: u64, margin_secs: u64) -> bool {
        self.expires_at <= now.saturating_add(margin_secs)
    }

    /// The claims of the access token, read without verifying the signature.
    pub fn claims(&self) -> Result<JwtClaims, Error> {
        Ok(decode_jwt_claims(self.access_token.expose())?)
    }
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        let opt = |a: &Option<Secret>, b: &Option<Secret>| {
            a.as_ref().map(Secret::expose) == b.as_ref().map(Secret::expose)
        };
        self.access_token.expose() == other.access_token.expose()
            && self.refresh_token.expose() == other.refresh_token.expose()
            && self.token_type == other.token_type
            && self.expires_in == other.expires_in
            && self.expires_at == other.expires_at
            && self.user == other.user
            && opt(&self.provider_token, &other.provider_token)
            && opt(&self.provider_refresh_token, &other.provider_refresh_token)
            && self.weak_password == other.weak_password
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access_token", &"[REDACTED]")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &"[REDACTED]")
            .field("user_id", &self.user.id)
            .field(
                "provider_token",
                &self.provider_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field(
                "provider_refresh_token",
                &self.provider_refresh_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("weak_password", &self.weak_password)
            .finish()
    }
}

/// The stored JSON form.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    token_type: String,
    expires_in: u64,
    expires_at: u64,
    refresh_token: String,
    user: User,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider_refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weak_password: Option<StoredWeak>,
}

#[derive(Serialize, Deserialize)]
struct StoredWeak {
    reasons: Vec<String>,
    message: String,
}

impl Serialize for Session {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored {
            access_token: self.access_token.expose().to_owned(),
            token_type: self.token_type.clone(),
            expires_in: self.expires_in,
            expires_at: self.expires_at,
            refresh_token: self.refresh_token.expose().to_owned(),
            user: self.user.clone(),
            provider_token: self.provider_token.as_ref().map(|s| s.expose().to_owned()),
            provider_refresh_token: self
                .provider_refresh_token
                .as_ref()
                .map(|s| s.expose().to_owned()),
            weak_password: self.weak_password.as_ref().map(|w| StoredWeak {
                reasons: w.reasons.iter().map(|r| r.as_str().to_owned()).collect(),
                message: w.message.clone(),
            }),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Session {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Stored::deserialize(deserializer)?;
        if s.access_token.is_empty() || s.refresh_token.is_empty() {
            return Err(serde::de::Error::custom("empty access or refresh token"));
        }
        Ok(Session {
            access_token: Secret::new(s.access_token),
            token_type: s.token_type,
            expires_in: s.expires_in,
            expires_at: s.expires_at,
            refresh_token: Secret::new(s.refresh_token),
            user: s.user,
            provider_token: s.provider_token.map(Secret::new),
            provider_refresh_token: s.provider_refresh_token.map(Secret::new),
            weak_password: s.weak_password.map(|w| WeakPassword {
                reasons: w
                    .reasons
                    .iter()
                    .map(|r| WeakPasswordReason::parse(r))
                    .collect(),
                message: w.message,
            }),
        })
    }
}

/// What a sign-in, sign-up or verify answer holds: a session when it has `access_token`,
/// `refresh_token` and `expires_in`; a user from `user` or from the body itself.
#[derive(Debug)]
pub(crate) struct AuthAnswer {
    pub session: Option<Session>,
    pub user: Option<User>,
}

/// Reads an answer the way auth-js `_sessionResponse` does; `expires_at` defaults to
/// `now + expires_in`.
pub(crate) fn parse_auth_answer(body: &[u8], now: u64) -> Result<AuthAnswer, Error> {
    let value: Value = serde_json::from_slice(body).map_err(|e| decode_error(&e))?;
    let Value::Object(obj) = value else {
        return Ok(AuthAnswer {
            session: None,
            user: None,
        });
    };
    let user = match obj.get("user") {
        Some(u @ Value::Object(_)) => Some(user_from(u.clone())?),
        _ if obj.get("id").is_some_and(Value::is_string) => {
            Some(user_from(Value::Object(obj.clone()))?)
        }
        _ => None,
    };
    let string = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let seconds = |k: &str| {
        obj.get(k).and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
        })
    };
    let session = match (
        string("access_token"),
        string("refresh_token"),
        seconds("expires_in"),
        &user,
    ) {
        (Some(access), Some(refresh), Some(expires_in), Some(user)) => Some(Session {
            access_token: Secret::new(access),
            token_type: string("token_type").unwrap_or_else(|| "bearer".into()),
            expires_in,
            expires_at: seconds("expires_at").unwrap_or(now.saturating_add(expires_in)),
            refresh_token: Secret::new(refresh),
            user: user.clone(),
            provider_token: string("provider_token").map(Secret::new),
            provider_refresh_token: string("provider_refresh_token").map(Secret::new),
            weak_password: weak_password(&obj),
        }),
        _ => None,
    };
    Ok(AuthAnswer { session, user })
}

fn weak_password(obj: &Map<String, Value>) -> Option<WeakPassword> {
    let w = obj.get("weak_password")?;
    let reasons: Vec<WeakPasswordReason> = w
        .get("reasons")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(WeakPasswordReason::parse)
        .collect();
    let message = w.get("message")?.as_str()?.to_owned();
    (!reasons.is_empty()).then_some(WeakPassword { reasons, message })
}

fn user_from(value: Value) -> Result<User, Error> {
    serde_json::from_value(value).map_err(|e| decode_error(&e))
}

/// The error for a successful Auth answer that does not decode. Its body is never kept:
/// Auth answers hold tokens, TOTP secrets, one-time codes and personal data, more kinds than
/// any redaction can be sure to catch. The decoder's message is kept with secrets redacted
/// (it can quote the value that did not fit).
pub(crate) fn decode_error(e: &serde_json::Error) -> Error {
    Error::Core(supabase_core::Error::Decode {
        path: ".".into(),
        message: supabase_core::redact_secrets(&e.to_string()),
        body_snippet: "[body withheld: Auth answers hold secrets]".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_json() -> Value {
        serde_json::json!({"id": "u1", "aud": "authenticated", "email": "a@example.com"})
    }

    #[test]
    fn session_answer_with_and_without_expires_at() {
        let body = serde_json::json!({
            "access_token": "at-secret", "token_type": "bearer", "expires_in": 3600,
            "refresh_token": "rt-secret", "user": user_json(),
            "weak_password": {"reasons": ["length"], "message": "weak"}
        });
        let a = parse_auth_answer(body.to_string().as_bytes(), 1000).unwrap();
        let s = a.session.unwrap();
        assert_eq!(s.expires_at, 4600);
        assert_eq!(s.user.id, "u1");
        assert_eq!(
            s.weak_password.unwrap().reasons,
            vec![WeakPasswordReason::Length]
        );
        let debug = format!("{:?}", a.user);
        assert!(debug.contains("u1"));
    }

    #[test]
    fn user_only_and_empty_answers() {
        let a = parse_auth_answer(user_json().to_string().as_bytes(), 0).unwrap();
        assert!(a.session.is_none());
        assert_eq!(a.user.unwrap().id, "u1");
        let a = parse_auth_answer(br#"{"msg":"check your email","code":200}"#, 0).unwrap();
        assert!(a.session.is_none() && a.user.is_none());
        assert!(parse_auth_answer(b"not json", 0).is_err());
    }

    #[test]
    fn debug_hides_every_token_and_store_form_round_trips() {
        let body = serde_json::json!({
            "access_token": "at-secret", "expires_in": 3600, "expires_at": 99,
            "refresh_token": "rt-secret", "user": user_json(),
            "provider_token": "pt-secret", "provider_refresh_token": "prt-secret"
        });
        let s = parse_auth_answer(body.to_string().as_bytes(), 0)
            .unwrap()
            .session
            .unwrap();
        for shown in [format!("{s:?}"), format!("{s:#?}")] {
            for secret in ["at-secret", "rt-secret", "pt-secret", "prt-secret"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
        let stored = serde_json::to_string(&s).unwrap();
        let back: Session = serde_json::from_str(&stored).unwrap();
        assert_eq!(back, s);
        assert!(serde_json::from_str::<Session>(r#"{"access_token":"a"}"#).is_err());
    }

    #[test]
    fn decode_errors_never_echo_tokens() {
        let err = parse_auth_answer(br#"{"access_token": "secret-at" "#, 0).unwrap_err();
        assert!(!err.to_string().contains("secret-at"));
        assert!(!format!("{err:?}").contains("secret-at"));
        // A secret the redaction does not know by name is not kept either.
        let body =
            r#"{"id":5,"totp":{"qr_code":"data:QR-SECRET","uri":"otpauth://x?secret=OTP-SECRET"}}"#;
        let err = user_from(serde_json::from_str(body).unwrap()).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("QR-SECRET") && !shown.contains("OTP-SECRET"),
            "{shown}"
        );
        assert!(shown.contains("body withheld"), "{shown}");
    }
}
