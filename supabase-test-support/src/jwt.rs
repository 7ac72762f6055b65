//! Minting JWTs for tests.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde_json::{Value, json};

use crate::fixtures::{FAR_FUTURE_EXP, JWT_SECRET};

/// Signs `claims` with HS256 and the local-dev secret (the header is jsonwebtoken's default,
/// `{"typ":"JWT","alg":"HS256"}`, so tokens are byte-equal to ones it would sign).
pub fn mint_jwt(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims to JSON"));
    let message = format!("{header}.{claims}");
    let key = hmac::Key::new(hmac::HMAC_SHA256, JWT_SECRET.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(hmac::sign(&key, message.as_bytes()));
    format!("{message}.{signature}")
}

/// A user access token for `sub` with role `authenticated`, `email` `<sub>@example.com` and
/// `exp` (default: 2100-01-01).
pub fn mint_user_jwt(sub: &str, exp: Option<u64>) -> String {
    mint_jwt(&json!({
        "aud": "authenticated",
        "sub": sub,
        "role": "authenticated",
        "email": format!("{sub}@example.com"),
        "exp": exp.unwrap_or(FAR_FUTURE_EXP),
        "iat": 1_704_067_200u64,
    }))
}
