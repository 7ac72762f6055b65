//! `get_claims` (feature `jwt-verify`): shared-secret, JWKS (cached, refetched for an unknown
//! kid) and server verification; expiry by the injected clock.
#![cfg(feature = "jwt-verify")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use supabase_auth::{ClaimsOptions, Error, JwkSet, Verification};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::JWT_SECRET;
use supabase_test_support::{mint_jwt, mint_user_jwt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A P-256 key made for this test only.
const EC_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOLffPHmXbJTB6gEV
6E5PeuMqamtQsJRE6ca8U2IFVPmhRANCAATufU9A+mi1l1BHIguxRAnKoxx9HgqH
Cpcn9dhG2P4hgeCAfrR1XqNF5gIewIvZLMl+RJ9z0jsCTjVXg6p0qrmw
-----END PRIVATE KEY-----
";

fn jwks() -> serde_json::Value {
    json!({"keys": [{
        "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": "key-1",
        "x": "7n1PQPpotZdQRyILsUQJyqMcfR4KhwqXJ_XYRtj-IYE",
        "y": "4IB-tHVeo0XmAh7Ai9ksyX5En3PSOwJONVeDqnSqubA"
    }]})
}

fn es256(kid: &str, exp: u64) -> String {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.into());
    encode(
        &header,
        &json!({"sub": "u-es", "role": "authenticated", "exp": exp}),
        &EncodingKey::from_ec_pem(EC_PRIVATE_PEM.as_bytes()).unwrap(),
    )
    .unwrap()
}

async fn jwks_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/.well-known/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks()))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn asymmetric_tokens_are_verified_with_the_cached_jwks() {
    let server = jwks_server().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    let token = es256("key-1", NOW + 100);
    let verified = auth.get_claims(Some(&token)).await.unwrap();
    assert_eq!(verified.verified_by, Verification::Jwks);
    assert_eq!(verified.claims.sub.as_deref(), Some("u-es"));
    assert_eq!(verified.header["kid"], "key-1");
    // Cached: a second token makes no request.
    auth.get_claims(Some(&es256("key-1", NOW + 200)))
        .await
        .unwrap();
    let fetched = received(&server, "/auth/v1/.well-known/jwks.json").await;
    assert_eq!(fetched.len(), 1);
    assert_auth_headers(&fetched[0]);

    // A forged signature fails.
    let (head, _) = token.rsplit_once('.').unwrap();
    let other = es256("key-1", NOW + 300);
    let forged = format!("{head}.{}", other.rsplit_once('.').unwrap().1);
    let err = auth.get_claims(Some(&forged)).await.unwrap_err();
    assert!(matches!(err, Error::InvalidJwt { .. }), "{err:?}");
    // Expired by the client's clock.
    let err = auth
        .get_claims(Some(&es256("key-1", NOW)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Core(supabase_core::Error::ExpiredJwt { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unknown_kid_refetches_once_then_asks_the_server() {
    let server = jwks_server().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json("u-es")))
        .mount(&server)
        .await;
    let auth = client_at(&server, ManualClock::at(NOW));
    let token = es256("rotated-key", NOW + 100);
    let verified = auth.get_claims(Some(&token)).await.unwrap();
    assert_eq!(verified.verified_by, Verification::Server);
    assert_eq!(
        received(&server, "/auth/v1/.well-known/jwks.json")
            .await
            .len(),
        2
    );
    assert_eq!(
        bearer(&received(&server, "/auth/v1/user").await[0]),
        format!("Bearer {token}")
    );
}

#[tokio::test]
async fn symmetric_tokens_use_the_secret_or_the_server() {
    let server = MockServer::start().await;
    let token = mint_user_jwt("u1", None);
    let with_secret = builder(&server).jwt_secret(JWT_SECRET).build().unwrap();
    let verified = with_secret.get_claims(Some(&token)).await.unwrap();
    assert_eq!(verified.verified_by, Verification::SharedSecret);
    let wrong = builder(&server)
        .jwt_secret("another-secret-of-at-least-32-characters!!")
        .build()
        .unwrap();
    assert!(matches!(
        wrong.get_claims(Some(&token)).await,
        Err(Error::InvalidJwt { .. })
    ));
    assert!(server.received_requests().await.unwrap().is_empty());

    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "bad_jwt", "message": "invalid JWT"})),
        )
        .mount(&server)
        .await;
    let err = client(&server).get_claims(Some(&token)).await.unwrap_err();
    assert_eq!(err.status(), Some(401));

    let no_exp = mint_jwt(&json!({"sub": "u1"}));
    assert!(matches!(
        client(&server).get_claims(Some(&no_exp)).await,
        Err(Error::InvalidJwt { .. })
    ));
    assert!(matches!(
        client(&server).get_claims(None).await,
        Err(Error::SessionMissing)
    ));
}

#[tokio::test]
async fn allow_expired_still_checks_the_signature() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/.well-known/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks()))
        .mount(&server)
        .await;
    let auth = client_at(&server, ManualClock::at(NOW));
    let expired = es256("key-1", NOW - 10);
    assert!(auth.get_claims(Some(&expired)).await.is_err());
    let verified = auth
        .get_claims_with(Some(&expired), ClaimsOptions::new().allow_expired(true))
        .await
        .unwrap();
    assert_eq!(verified.verified_by, Verification::Jwks);
    assert_eq!(verified.claims.exp, Some(NOW - 10));
    let (head, _) = expired.rsplit_once('.').unwrap();
    let other = es256("key-1", NOW + 300);
    let forged = format!("{head}.{}", other.rsplit_once('.').unwrap().1);
    let err = auth
        .get_claims_with(Some(&forged), ClaimsOptions::new().allow_expired(true))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidJwt { .. }), "{err:?}");
    // Shared secret too.
    let auth = builder(&server)
        .clock(ManualClock::at(NOW))
        .jwt_secret(JWT_SECRET)
        .build()
        .unwrap();
    let old = mint_user_jwt("u-old", Some(NOW - 1));
    assert!(auth.get_claims(Some(&old)).await.is_err());
    let ok = auth
        .get_claims_with(Some(&old), ClaimsOptions::new().allow_expired(true))
        .await
        .unwrap();
    assert_eq!(ok.verified_by, Verification::SharedSecret);
}

#[tokio::test]
async fn caller_supplied_keys_are_used_without_a_request() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    let keys: JwkSet = serde_json::from_value(jwks()).unwrap();
    let verified = auth
        .get_claims_with(
            Some(&es256("key-1", NOW + 100)),
            ClaimsOptions::new().jwks(keys.clone()),
        )
        .await
        .unwrap();
    assert_eq!(verified.verified_by, Verification::Jwks);
    assert!(server.received_requests().await.unwrap().is_empty());
    // A kid the caller lacks falls back to the project's JWKS.
    Mock::given(method("GET"))
        .and(path("/auth/v1/.well-known/jwks.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(jwks()))
        .mount(&server)
        .await;
    let mut other: serde_json::Value = jwks();
    other["keys"][0]["kid"] = json!("other");
    let other: JwkSet = serde_json::from_value(other).unwrap();
    auth.get_claims_with(
        Some(&es256("key-1", NOW + 100)),
        ClaimsOptions::new().jwks(other),
    )
    .await
    .unwrap();
    assert_eq!(
        received(&server, "/auth/v1/.well-known/jwks.json")
            .await
            .len(),
        1
    );
}
