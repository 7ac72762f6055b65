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
    // This test signs with jsonwebtoken too, so it installs the provider `get_claims` uses
    // (ring under the default `rustls-ring`, aws-lc-rs under `rustls`).
    let _ = supabase_auth::jwt_crypto_provider().install_default();
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

/// An RSA key (2048 bits) and an Ed25519 key made for this test only.
const RSA_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDfOgetSe6KX9yq
/WVOk0zO7sCPthBI4JT9zwdODCPHmzR+jQNZqDPGED/E+VbGSCezWxWz2Vsqk3Zs
dAZ32HPSCp0/gzUOdL/oNwdpmjmirYKoOgv0cIy266EVwn0exCCXqjUNKeDzbDFT
hfbeEHVRuJ44OUndgHDJJZfaw9slnZhkugTRzHyRO5scmgEKOjy7MBr4jYt/Bh3g
UgYKlP023GTiSoyu4LBHVl2BHgQuGI/OeRr8AKUoZgmNiCTyzWfnYjBYaHppsZqW
Y4uIFh82Rwk7GN0+O4E3Z4nBbreOTFOpu8L7nwZj8Q/ofeqK5PIJu0fPX+hEmDyA
k34/ubmRAgMBAAECggEAVcZIFeOvN9ePBNsadt9t56PhNTeJuV8mkQJgtbI/e18d
hDUuIODbiBNNVaRTnhwyuR3aUIHIIKuKGTFaHOn80yxF8RY7KGNfLF0cyYy78dEH
QBoR5urqfw06mBBkIJLPTUfXW8gISrD7oTL8QacEVZMBpOwKgITukbQSzjps9l4I
2Gr/dV+S/NKvCbcdrzOaDpKmXQLs17c0V5UDPV1+atWmlAyv5PMtXIaQ8ddPk1xI
x/g2KNQzgxE/Oj1bHVfqwJrmJBj7TbBCAJGA0DDz0PrfM+f8OKv5MmDZzGE4VRIo
hquBdRVvLib6gf/xsJkR3e3sNuYlpTKcPuIGhOPuswKBgQD2fvgTvt7l2aCj9TrC
F55qZM+SKcFw9q1FdX9sxxxLKqjg7tAsrdt/+TWNbxZHifzWtpL+Xt8cRvSv9QBM
aBRnGOBUfwqZyso0YSZmJkxUBEA+krTjeVBvDUbFyJnYb37dz7ZwsUDVjdAL+Vic
WIPLSm5sC8RRo9YcNILhjEDb0wKBgQDn1WHQs8k/WS8JYx1l470BVlBhsXs1+pMQ
dAoXKG7kjuG7h884IeKytbp9RBQyJpe76reTmU9hAfcwlQMvDPydZngSW6upduk7
c9HEF+kntbo9yu1In6dP7aa2l2rr6oUf7AYp9j9DhTFCOF2FNWLMbzTDmhERorZu
VbrUP29qiwKBgQC9CGQRKHhhxsLF2iOkg15ucz8n9TOvAM2ijdgZwJx3HJEEZsBo
8y949dHW1BE+7ZhjxQH3ZyQs2FF/uyDud4bmBZLL2d10Uas9/h7niYlRiS0Hj5R/
OiKv93uF5C/vZpnhWxCrXZO98hJRjHgi9lKkDUGfRGravQ1O9gpFFD0NFwKBgEi+
d9bY0wkBnvS/GPZjo2bMAqTk39hsK8E56ACkO0eUXdhOIQNn/o4836t2tS+XVH0u
hTPXI0U5LKsd1sXouUtaX8rC4PZnzX9OND/nkM1ZBHtnNVVYY1N9KpaYpIAqMmN1
1+lKz0cMgAxbS10FB19GdbP6n+h8uemdFOaMkRVJAoGBAMPwYXLhTKOTiURGTv9d
dLrD0lcdWJ94slTytNUqTyaEqrcwRxn55E/ml9AFYnFctTbBewk2RNCOvhvBzyV7
/xiYxYqcrtxaezAjsR7RiR/RT93B3N6PO01wjo8BQq82GQwJxqTYJrHnaGmfBhlt
Qe9wBRw6q/FAtL+ab4oisrD9
-----END PRIVATE KEY-----
";
const ED_PRIVATE_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIA2u7wqdt9wn1UGnane/fcjO3wKTrQ54sF6aC4A9kDdg
-----END PRIVATE KEY-----
";

fn sign(alg: Algorithm, kid: &str, key: &EncodingKey) -> String {
    let _ = supabase_auth::jwt_crypto_provider().install_default();
    let mut header = Header::new(alg);
    header.kid = Some(kid.into());
    encode(
        &header,
        &json!({"sub": "u-other-alg", "role": "authenticated", "exp": NOW + 100}),
        key,
    )
    .unwrap()
}

/// RS256 (RSA keys are what many projects' JWKS hold) and EdDSA, checked by the crypto of
/// the TLS feature (ring by default), signed here through the same provider; a token with
/// one byte of its signature changed is refused, and no request is sent for either.
#[tokio::test]
async fn rsa_and_eddsa_tokens_are_verified_with_supplied_keys() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    let keys: JwkSet = serde_json::from_value(json!({"keys": [
        {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "rsa-1", "e": "AQAB",
         "n": "3zoHrUnuil_cqv1lTpNMzu7Aj7YQSOCU_c8HTgwjx5s0fo0DWagzxhA_xPlWxkgns1sVs9lbKpN2bHQGd9hz0gqdP4M1DnS_6DcHaZo5oq2CqDoL9HCMtuuhFcJ9HsQgl6o1DSng82wxU4X23hB1UbieODlJ3YBwySWX2sPbJZ2YZLoE0cx8kTubHJoBCjo8uzAa-I2LfwYd4FIGCpT9Ntxk4kqMruCwR1ZdgR4ELhiPznka_AClKGYJjYgk8s1n52IwWGh6abGalmOLiBYfNkcJOxjdPjuBN2eJwW63jkxTqbvC-58GY_EP6H3qiuTyCbtHz1_oRJg8gJN-P7m5kQ"},
        {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": "ed-1",
         "x": "x5Dt4tzOdyo1eoWcB33An_9-ZFnjZGZNieEbvILMdsY"}
    ]}))
    .unwrap();
    let rsa = EncodingKey::from_rsa_pem(RSA_PRIVATE_PEM.as_bytes()).unwrap();
    let ed = EncodingKey::from_ed_pem(ED_PRIVATE_PEM.as_bytes()).unwrap();
    for token in [
        sign(Algorithm::RS256, "rsa-1", &rsa),
        sign(Algorithm::PS256, "rsa-1", &rsa),
        sign(Algorithm::EdDSA, "ed-1", &ed),
    ] {
        let verified = auth
            .get_claims_with(Some(&token), ClaimsOptions::new().jwks(keys.clone()))
            .await
            .unwrap();
        assert_eq!(verified.verified_by, Verification::Jwks);
        assert_eq!(verified.claims.sub.as_deref(), Some("u-other-alg"));
        let (head, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        let forged = format!("{head}.{flipped}{}", &signature[1..]);
        let err = auth
            .get_claims_with(Some(&forged), ClaimsOptions::new().jwks(keys.clone()))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidJwt { .. }), "{err:?}");
    }
    // A token signed with the RSA key but naming the Ed25519 key's kid is refused.
    let mismatched = sign(Algorithm::RS256, "ed-1", &rsa);
    let err = auth
        .get_claims_with(Some(&mismatched), ClaimsOptions::new().jwks(keys))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidJwt { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
