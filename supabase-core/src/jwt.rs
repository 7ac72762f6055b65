//! Reading (not verifying) the claims of a JWT.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// The largest token accepted, in bytes. Real Supabase access tokens are a few KiB.
const MAX_JWT_LEN: usize = 32 * 1024;

/// The claims of a Supabase JWT, read without verifying the signature.
///
/// The well-known claims have fields; every claim, known or not, is in [`JwtClaims::raw`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JwtClaims {
    /// The subject: the user's id.
    pub sub: Option<String>,
    /// The Postgres role the token grants (`authenticated`, `anon`, `service_role`).
    pub role: Option<String>,
    /// The user's email address, when the token carries one.
    pub email: Option<String>,
    /// The user's phone number, when the token carries one.
    pub phone: Option<String>,
    /// Expiry time in seconds since the Unix epoch.
    pub exp: Option<u64>,
    /// Issue time in seconds since the Unix epoch.
    pub iat: Option<u64>,
    /// The session id, for tokens issued by Supabase Auth.
    pub session_id: Option<String>,
    /// Whether the user signed in anonymously.
    pub is_anonymous: Option<bool>,
    /// Every claim, as sent.
    pub raw: Map<String, Value>,
}

/// Decodes the claims of a JWT without verifying its signature.
///
/// Checks that the token has three dot-separated base64url parts, that the header and the
/// claims are JSON objects, and that it has no whitespace or control characters. It does
/// **not** check expiry (see `supabase-auth`'s `set_auth`) nor the signature (the server does
/// that on every request). Errors never contain the token.
///
/// ```
/// use supabase_core::decode_jwt_claims;
///
/// // header {"alg":"HS256","typ":"JWT"}, claims {"sub":"u1","role":"authenticated","exp":4102444800}
/// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
/// let claims = decode_jwt_claims(jwt)?;
/// assert_eq!(claims.sub.as_deref(), Some("u1"));
/// assert_eq!(claims.exp, Some(4102444800));
/// assert!(decode_jwt_claims("not-a-jwt").is_err());
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn decode_jwt_claims(token: &str) -> Result<JwtClaims, Error> {
    let payload = checked_payload(token)?;
    let raw: Map<String, Value> =
        serde_json::from_slice(&payload).map_err(|_| Error::MalformedJwt {
            reason: "the claims are not a JSON object",
        })?;
    Ok(claims_from_map(raw))
}

/// Reads only the `exp` claim of a JWT (seconds since the Unix epoch), with the same checks as
/// [`decode_jwt_claims`] but without building the claims map: the fast path of `with_auth`.
///
/// ```
/// use supabase_core::decode_jwt_exp;
///
/// // claims {"sub":"u1","role":"authenticated","exp":4102444800}
/// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
/// assert_eq!(decode_jwt_exp(jwt)?, Some(4102444800));
/// assert!(decode_jwt_exp("a.b").is_err());
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn decode_jwt_exp(token: &str) -> Result<Option<u64>, Error> {
    /// The one claim read; the others are skipped without being stored.
    #[derive(Deserialize)]
    struct ExpOnly {
        #[serde(default)]
        exp: Option<Value>,
    }
    let payload = checked_payload(token)?;
    let not_object = Error::MalformedJwt {
        reason: "the claims are not a JSON object",
    };
    // A struct also deserializes from a JSON array: require an object.
    if payload.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(not_object);
    }
    let claims: ExpOnly = serde_json::from_slice(&payload).map_err(|_| not_object)?;
    Ok(claims.exp.as_ref().and_then(seconds))
}

/// Checks the token's shape and header, and returns its decoded claims bytes.
fn checked_payload(token: &str) -> Result<Vec<u8>, Error> {
    let malformed = |reason| Error::MalformedJwt { reason };
    if token.is_empty() {
        return Err(malformed("the token is empty"));
    }
    if token.len() > MAX_JWT_LEN {
        return Err(malformed("the token is longer than 32 KiB"));
    }
    // Every part is checked against the base64url alphabet, which has no whitespace and no
    // control character, so a token with one always fails below; it is looked for only then,
    // to say so.
    shape_and_payload(token).map_err(|error| {
        if token
            .bytes()
            .any(|b| b.is_ascii_control() || b.is_ascii_whitespace())
        {
            malformed("the token contains whitespace or a control character (CR, LF, NUL, …)")
        } else {
            error
        }
    })
}

/// The three parts of a JWT, the header a non-empty JSON object, the signature base64url;
/// returns the decoded claims bytes.
fn shape_and_payload(token: &str) -> Result<Vec<u8>, Error> {
    let malformed = |reason| Error::MalformedJwt { reason };
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "a JWT has exactly three dot-separated parts (header.claims.signature)",
        ));
    };
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err(malformed("a part of the token is empty"));
    }
    if !signature
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    {
        return Err(malformed("the signature is not base64url"));
    }
    let header = decode_part(header).ok_or(malformed("the header is not base64url"))?;
    let header: HeaderShape = serde_json::from_slice(&header)
        .map_err(|_| malformed("the header is not a JSON object"))?;
    if header.entries == 0 {
        return Err(malformed("the header is an empty JSON object"));
    }
    decode_part(payload).ok_or(malformed("the claims are not base64url"))
}

/// What is checked of a JWT header: a JSON object, and how many entries it has. Reading it
/// this way stores none of its keys or values.
struct HeaderShape {
    entries: usize,
}

impl<'de> Deserialize<'de> for HeaderShape {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = HeaderShape;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HeaderShape, A::Error> {
                let mut entries = 0;
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {
                    entries += 1;
                }
                Ok(HeaderShape { entries })
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

/// A non-negative number of seconds.
fn seconds(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

fn decode_part(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()
}

fn claims_from_map(raw: Map<String, Value>) -> JwtClaims {
    let string = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
    let seconds = |k: &str| raw.get(k).and_then(seconds);
    JwtClaims {
        sub: string("sub"),
        role: string("role"),
        email: string("email").filter(|s| !s.is_empty()),
        phone: string("phone").filter(|s| !s.is_empty()),
        exp: seconds("exp"),
        iat: seconds("iat"),
        session_id: string("session_id"),
        is_anonymous: raw.get("is_anonymous").and_then(Value::as_bool),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn jwt(claims: &str) -> String {
        format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(claims))
    }

    #[test]
    fn reads_known_claims() {
        let c = decode_jwt_claims(&jwt(
            r#"{"sub":"u","role":"authenticated","email":"a@b.c","exp":10,"custom":1}"#,
        ))
        .unwrap();
        assert_eq!(c.sub.as_deref(), Some("u"));
        assert_eq!(c.role.as_deref(), Some("authenticated"));
        assert_eq!(c.email.as_deref(), Some("a@b.c"));
        assert_eq!(c.exp, Some(10));
        assert_eq!(c.raw.get("custom"), Some(&Value::from(1)));
        assert_eq!(
            decode_jwt_exp(&jwt(r#"{"exp":10.5,"x":[1,{"y":2}]}"#)).unwrap(),
            Some(10)
        );
        assert_eq!(decode_jwt_exp(&jwt(r#"{"sub":"u"}"#)).unwrap(), None);
        assert_eq!(decode_jwt_exp(&jwt(r#"{"exp":-1}"#)).unwrap(), None);
    }

    #[test]
    fn names_whitespace_and_control_characters() {
        let good = jwt(r#"{"exp":10}"#);
        for bad in [
            format!("{good}\r\n"),
            format!(" {good}"),
            good.replacen('.', ".\0", 1),
            good.replacen('.', "\t.", 1),
        ] {
            for err in [
                decode_jwt_exp(&bad).unwrap_err(),
                decode_jwt_claims(&bad).unwrap_err(),
            ] {
                match err {
                    Error::MalformedJwt { reason } => {
                        assert!(
                            reason.contains("whitespace or a control"),
                            "{bad:?}: {reason}"
                        )
                    }
                    other => panic!("{bad:?}: {other:?}"),
                }
            }
        }
        assert_eq!(decode_jwt_exp(&good).unwrap(), Some(10));
    }

    #[test]
    fn rejects_malformed_tokens() {
        let cases = [
            String::new(),
            "a.b".into(),
            "a.b.c.d".into(),
            format!("{}..sig", b64("{}")),
            format!("{}.{}.sig", b64("{\"alg\":1}"), "!!!"),
            format!("{}.{}.sig", b64("{\"alg\":1}"), b64("[1]")),
            format!("{}.{}.sig", b64("{\"alg\":1}"), b64("not json")),
            format!("{}.{}.sig", b64("nope"), b64("{}")),
            format!("{}.{}.sig", b64("{}"), b64("{}")),
            format!("{}.{}.sig", b64(" { } "), b64("{}")),
            format!("{}.{}.sig", b64(r#"["alg"]"#), b64("{}")),
            format!("{}.{}.sig", b64(r#"{"alg":"HS256"} x"#), b64("{}")),
            format!("{}\r\n", jwt("{}")),
            format!("{}.sig%", jwt("{}").rsplit_once('.').unwrap().0),
            "x".repeat(MAX_JWT_LEN + 1),
        ];
        for token in cases {
            let err = decode_jwt_claims(&token).unwrap_err();
            assert!(matches!(err, Error::MalformedJwt { .. }), "{token:?}");
            let err = decode_jwt_exp(&token).unwrap_err();
            assert!(matches!(err, Error::MalformedJwt { .. }), "{token:?}");
        }
    }
}
