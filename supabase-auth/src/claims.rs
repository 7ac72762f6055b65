//! Verifying a JWT locally: `get_claims` (feature `jwt-verify`).

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use supabase_core::{AccessToken, JwtClaims, Method, decode_jwt_claims};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::http::{Bearer, decode};
use crate::{AuthClient, Error};

/// How long fetched signing keys are kept (auth-js `JWKS_TTL`).
const JWKS_TTL: Duration = Duration::from_secs(600);

/// The claims of a verified JWT ([`AuthClient::get_claims`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedClaims {
    /// The claims.
    pub claims: JwtClaims,
    /// The token's header (`alg`, `kid`, `typ`, …).
    pub header: Map<String, Value>,
    /// How the signature was checked.
    pub verified_by: Verification,
}

/// How [`AuthClient::get_claims`] checked a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verification {
    /// Locally, with the shared secret given to [`AuthClientBuilder::jwt_secret`](crate::AuthClientBuilder::jwt_secret) (HS256/384/512).
    SharedSecret,
    /// Locally, with a public key from the project's JWKS (RS*, PS*, ES256/384, EdDSA).
    Jwks,
    /// By the Auth server (`GET /user`): the token is symmetric and no secret was given, or
    /// its `kid` is not in the JWKS (as auth-js does).
    Server,
}

/// Options of [`AuthClient::get_claims_with`].
///
/// ```
/// let options = supabase_auth::ClaimsOptions::new().allow_expired(true);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClaimsOptions {
    allow_expired: bool,
    jwks: Option<JwkSet>,
}

impl ClaimsOptions {
    /// Expired tokens are refused; keys come from the project's JWKS.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts a token past its `exp` (auth-js `allowExpired`), e.g. to read who a stale
    /// session belonged to. The signature is still checked.
    pub fn allow_expired(mut self, allow: bool) -> Self {
        self.allow_expired = allow;
        self
    }

    /// Keys to check the token with before the project's JWKS (auth-js `jwks` / `keys`),
    /// e.g. keys a server already has, so no request is made for them.
    pub fn jwks(mut self, keys: JwkSet) -> Self {
        self.jwks = Some(keys);
        self
    }
}

/// The JWKS cache of one client (shared by its clones).
#[derive(Default)]
pub(crate) struct JwksCache {
    keys: Mutex<Option<(Instant, Arc<JwkSet>)>>,
}

impl AuthClient {
    /// Verifies a JWT (or, with `None`, the current session's access token) and returns its
    /// claims. Use it on servers to trust who a request comes from without a round trip.
    ///
    /// - The token must be well formed and not expired (by the client's clock).
    /// - HS256/384/512: checked with the secret of [`AuthClientBuilder::jwt_secret`](crate::AuthClientBuilder::jwt_secret); without
    ///   one, by the server (`GET /user`).
    /// - RS256/384/512, PS256/384/512, ES256/384, EdDSA: checked with the key of its `kid`
    ///   from `GET /.well-known/jwks.json`, cached for 10 minutes and fetched again once for
    ///   an unknown `kid`; a `kid` still unknown is checked by the server.
    /// - Any other `alg` (including `none`) is [`Error::InvalidJwt`] (auth-js throws).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, jwt: &str) -> Result<(), supabase_auth::Error> {
    /// let verified = auth.get_claims(Some(jwt)).await?;
    /// println!("user {:?}", verified.claims.sub);
    /// # Ok(()) }
    /// ```
    pub async fn get_claims(&self, jwt: Option<&str>) -> Result<VerifiedClaims, Error> {
        self.get_claims_with(jwt, ClaimsOptions::new()).await
    }

    /// [`AuthClient::get_claims`] with options (auth-js `getClaims(jwt, { allowExpired, jwks })`):
    /// accept an expired token (its signature is still checked), or check it against keys the
    /// caller supplies (looked up by `kid` before the project's JWKS, which is fetched only
    /// for a `kid` they lack).
    ///
    /// An expired token that must go to the server (symmetric without a secret, or no
    /// known `kid`) is still refused there: only local checks can allow expiry.
    ///
    /// ```no_run
    /// use supabase_auth::ClaimsOptions;
    /// # async fn run(auth: supabase_auth::AuthClient, jwt: &str, keys: supabase_auth::JwkSet) -> Result<(), supabase_auth::Error> {
    /// let verified = auth
    ///     .get_claims_with(Some(jwt), ClaimsOptions::new().allow_expired(true).jwks(keys))
    ///     .await?;
    /// println!("user {:?}", verified.claims.sub);
    /// # Ok(()) }
    /// ```
    pub async fn get_claims_with(
        &self,
        jwt: Option<&str>,
        options: ClaimsOptions,
    ) -> Result<VerifiedClaims, Error> {
        let token = match jwt {
            Some(jwt) => jwt.to_owned(),
            None => self
                .inner
                .fresh_session()
                .await?
                .ok_or(Error::SessionMissing)?
                .access_token
                .expose()
                .to_owned(),
        };
        let claims = decode_jwt_claims(&token)?;
        let header = jsonwebtoken::decode_header(&token).map_err(|e| invalid(&e))?;
        let header_map = serde_json::to_value(&header)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        match claims.exp {
            None => return Err(invalid_reason("the token has no exp claim")),
            Some(exp) if exp <= self.inner.now() && !options.allow_expired => {
                return Err(supabase_core::Error::ExpiredJwt { expired_at: exp }.into());
            }
            Some(_) => {}
        }
        let done = |verified_by| VerifiedClaims {
            claims: claims.clone(),
            header: header_map.clone(),
            verified_by,
        };
        let alg = header.alg;
        if matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
            return match &self.inner.settings.jwt_secret {
                Some(secret) => {
                    let key = DecodingKey::from_secret(secret.expose().as_bytes());
                    verify(&token, &key, alg)?;
                    Ok(done(Verification::SharedSecret))
                }
                None => {
                    self.verify_with_server(&token).await?;
                    Ok(done(Verification::Server))
                }
            };
        }
        let Some(kid) = header.kid.as_deref() else {
            self.verify_with_server(&token).await?;
            return Ok(done(Verification::Server));
        };
        let supplied = options.jwks.as_ref().and_then(|keys| keys.find(kid));
        let mut jwks = None;
        if supplied.is_none() {
            let mut fetched = self.jwks(false).await?;
            if fetched.find(kid).is_none() {
                fetched = self.jwks(true).await?;
            }
            jwks = Some(fetched);
        }
        match supplied.or_else(|| jwks.as_deref().and_then(|keys| keys.find(kid))) {
            Some(jwk) => {
                let key = DecodingKey::from_jwk(jwk).map_err(|e| invalid(&e))?;
                if !key.family().algorithms().contains(&alg) {
                    return Err(invalid_reason("the key does not match the token's alg"));
                }
                verify(&token, &key, alg)?;
                Ok(done(Verification::Jwks))
            }
            None => {
                self.verify_with_server(&token).await?;
                Ok(done(Verification::Server))
            }
        }
    }

    async fn verify_with_server(&self, token: &str) -> Result<(), Error> {
        let token = AccessToken::new(token)?;
        let http = self.inner.http();
        let url = http.url(&["user"], &[])?;
        http.send(Method::GET, url, None, Bearer::Token(&token))
            .await?;
        Ok(())
    }

    async fn jwks(&self, refetch: bool) -> Result<Arc<JwkSet>, Error> {
        let mut cache = self.inner.jwks.keys.lock().await;
        if !refetch
            && let Some((at, keys)) = cache.as_ref()
            && at.elapsed() < JWKS_TTL
        {
            return Ok(Arc::clone(keys));
        }
        let http = self.inner.http();
        let url = http.url(&[".well-known", "jwks.json"], &[])?;
        let response = http.send(Method::GET, url, None, Bearer::Key).await?;
        let keys: Arc<JwkSet> = Arc::new(decode(&response)?);
        *cache = Some((Instant::now(), Arc::clone(&keys)));
        Ok(keys)
    }
}

fn verify(token: &str, key: &DecodingKey, alg: Algorithm) -> Result<(), Error> {
    crate::jwt_crypto::ensure_installed();
    let mut validation = Validation::new(alg);
    // Expiry is checked with the client's clock; audience and issuer are the caller's call.
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, key, &validation).map_err(|e| invalid(&e))?;
    Ok(())
}

fn invalid(e: &jsonwebtoken::errors::Error) -> Error {
    invalid_reason(&e.to_string())
}

fn invalid_reason(reason: &str) -> Error {
    Error::InvalidJwt {
        reason: reason.to_owned(),
    }
}
