//! Minting JWTs for tests.

use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::fixtures::{FAR_FUTURE_EXP, JWT_SECRET};

/// Signs `claims` with HS256 and the local-dev secret.
pub fn mint_jwt(claims: &Value) -> String {
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("signing a JWT")
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
