//! Checking a user's access token before using it, and the user it names.

use serde::{Deserialize, Serialize};

use crate::{AccessToken, Clock, Error, JwtClaims, decode_jwt_claims, decode_jwt_exp};

/// The user an access token names, read from its claims (not verified: the server verifies
/// the signature on every request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenUser {
    /// The user's id (the `sub` claim).
    pub id: Option<String>,
    /// The Postgres role (`authenticated`, `anon`, `service_role`).
    pub role: Option<String>,
    /// The email address, when the token carries one.
    pub email: Option<String>,
    /// The phone number, when the token carries one.
    pub phone: Option<String>,
    /// Expiry, in seconds since the Unix epoch.
    pub expires_at: Option<u64>,
    /// Whether the user signed in anonymously.
    pub is_anonymous: Option<bool>,
    /// Every claim of the token.
    pub claims: JwtClaims,
}

impl From<JwtClaims> for TokenUser {
    fn from(claims: JwtClaims) -> Self {
        Self {
            id: claims.sub.clone(),
            role: claims.role.clone(),
            email: claims.email.clone(),
            phone: claims.phone.clone(),
            expires_at: claims.exp,
            is_anonymous: claims.is_anonymous,
            claims,
        }
    }
}

/// Reads **every claim** of `token`: checks that it is a well-formed, unexpired JWT that can
/// be sent as a header, and returns it ready to send with the user it names (what `set_auth`
/// returns). Nothing is sent. [`check_jwt_expiry`] reads only `exp`, for the per-request path.
///
/// Errors: [`Error::MalformedJwt`] (wrong part count, bad base64url, claims not JSON, CR/LF,
/// too long), [`Error::ExpiredJwt`] (its `exp` is not in the future of `clock`). A token
/// without `exp` is accepted; the server decides.
///
/// ```
/// use supabase_core::{check_jwt_with_user, SystemClock};
///
/// // claims {"sub":"u1","role":"authenticated","exp":4102444800}
/// let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
/// let (token, user) = check_jwt_with_user(jwt, &SystemClock)?;
/// assert_eq!(user.id.as_deref(), Some("u1"));
/// assert_eq!(token.expose(), jwt);
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn check_jwt_with_user(
    token: &str,
    clock: &dyn Clock,
) -> Result<(AccessToken, TokenUser), Error> {
    let claims = decode_jwt_claims(token)?;
    reject_expired(claims.exp, clock)?;
    let access = AccessToken::new(token)?;
    Ok((access, TokenUser::from(claims)))
}

/// Reads **only the `exp` claim** of `token`: checks that it is a well-formed, unexpired JWT
/// that can be sent as a header, and returns it ready to send. The check `with_auth` makes;
/// [`check_jwt_with_user`] also reads the user.
///
/// ```
/// use supabase_core::{check_jwt_expiry, SystemClock};
///
/// // claims {"sub":"u1","role":"authenticated","exp":4102444800}
/// let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
/// let token = check_jwt_expiry(jwt, &SystemClock)?;
/// assert_eq!(token.expose(), jwt);
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn check_jwt_expiry(token: &str, clock: &dyn Clock) -> Result<AccessToken, Error> {
    reject_expired(decode_jwt_exp(token)?, clock)?;
    AccessToken::new(token)
}

/// [`Error::ExpiredJwt`] when `exp` is at or before the clock's now; a token without `exp`
/// passes (the server decides).
fn reject_expired(exp: Option<u64>, clock: &dyn Clock) -> Result<(), Error> {
    match exp {
        Some(exp) if exp <= clock.unix_seconds() => Err(Error::ExpiredJwt { expired_at: exp }),
        _ => Ok(()),
    }
}
