//! MFA and identities.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use supabase_auth::{AssuranceLevel, AuthChangeEvent, Channel, EnrollFactor, Error, OAuthOptions};
use supabase_test_support::MockServer;
use supabase_test_support::mint_jwt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn enroll_challenge_verify_unenroll_list() {
    let server = MockServer::start().await;
    let auth = client(&server);
    assert!(matches!(
        auth.mfa().enroll(EnrollFactor::totp()).await,
        Err(Error::SessionMissing)
    ));
    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/factors"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "f1", "type": "totp", "friendly_name": "phone",
            "totp": {"qr_code": "<svg/>", "secret": "TOTPSECRET", "uri": "otpauth://totp/x?secret=TOTPSECRET"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/factors/f1/challenge"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "c1", "type": "totp", "expires_at": 4_102_444_800u64})),
        )
        .mount(&server)
        .await;
    let mut aal2 = session_json("u1", 4_102_444_800, "r2");
    aal2["access_token"] = json!(mint_jwt(
        &json!({"sub": "u1", "aal": "aal2", "exp": 4_102_444_800u64, "amr": [{"method": "totp", "timestamp": 1}]})
    ));
    aal2["user"]["factors"] = json!([{"id": "f1", "factor_type": "totp", "status": "verified"}]);
    Mock::given(method("POST"))
        .and(path("/auth/v1/factors/f1/verify"))
        .respond_with(ResponseTemplate::new(200).set_body_json(aal2))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/auth/v1/factors/f1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "f1"})))
        .mount(&server)
        .await;

    let factor = auth
        .mfa()
        .enroll(
            EnrollFactor::totp()
                .friendly_name("phone")
                .issuer("example.com"),
        )
        .await
        .unwrap();
    let totp = factor.totp.as_ref().unwrap();
    assert_eq!(totp.qr_code, "data:image/svg+xml;utf-8,<svg/>");
    assert_eq!(totp.secret.expose(), "TOTPSECRET");
    assert!(!format!("{factor:?}").contains("TOTPSECRET"));
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let verified = auth
        .mfa()
        .challenge_and_verify("f1", "123456")
        .await
        .unwrap();
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::MfaChallengeVerified
    );
    assert_eq!(auth.get_session().await.unwrap().unwrap(), verified);
    let levels = auth
        .mfa()
        .get_authenticator_assurance_level()
        .await
        .unwrap();
    assert_eq!(levels.current_level, Some(AssuranceLevel::Aal2));
    assert_eq!(levels.next_level, Some(AssuranceLevel::Aal2));
    assert_eq!(levels.current_authentication_methods[0]["method"], "totp");
    auth.mfa()
        .challenge("f1", Some(Channel::Whatsapp))
        .await
        .unwrap();
    auth.mfa().unenroll("f1").await.unwrap();

    let reqs = server.received_requests().await.unwrap();
    let body = |i: usize| String::from_utf8(reqs[i].body.clone()).unwrap();
    // reqs[0] is the sign-in.
    assert_eq!(
        body(1),
        r#"{"friendly_name":"phone","factor_type":"totp","issuer":"example.com"}"#
    );
    assert_eq!(
        bearer(&reqs[1]),
        format!("Bearer {}", session.access_token.expose())
    );
    assert_eq!(reqs[2].url.path(), "/auth/v1/factors/f1/challenge");
    assert_eq!(body(2), "{}");
    assert_eq!(body(3), r#"{"challenge_id":"c1","code":"123456"}"#);
    assert_eq!(body(4), r#"{"channel":"whatsapp"}"#);
    assert_eq!(reqs[5].method.as_str(), "DELETE");
    for r in &reqs[1..] {
        assert_auth_headers(r);
    }
}

#[tokio::test]
async fn list_factors_groups_verified_ones() {
    let server = MockServer::start().await;
    let auth = client(&server);
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    let mut user = user_json("u1");
    user["factors"] = json!([
        {"id": "a", "factor_type": "totp", "status": "verified"},
        {"id": "b", "factor_type": "totp", "status": "unverified"},
        {"id": "c", "factor_type": "phone", "status": "verified", "phone": "+1555"}
    ]);
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user))
        .mount(&server)
        .await;
    let list = auth.mfa().list_factors().await.unwrap();
    assert_eq!(list.all.len(), 3);
    assert_eq!(
        list.totp.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    assert_eq!(list.phone[0].phone.as_deref(), Some("+1555"));
}

#[tokio::test]
async fn identities_list_link_unlink() {
    let server = MockServer::start().await;
    let auth = client(&server);
    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    let mut user = user_json("u1");
    user["identities"] =
        json!([{"identity_id": "i-1", "id": "gh-1", "user_id": "u1", "provider": "github"}]);
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user/identities/authorize"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"url": "https://github.com/login/oauth/authorize?x=1"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/auth/v1/user/identities/i-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let identities = auth.get_user_identities().await.unwrap();
    assert_eq!(identities[0].provider, "github");
    let redirect = auth
        .link_identity(
            "github",
            OAuthOptions::new().redirect_to("https://example.com/cb"),
        )
        .await
        .unwrap();
    assert_eq!(
        redirect.url.as_str(),
        "https://github.com/login/oauth/authorize?x=1"
    );
    auth.unlink_identity(&identities[0].identity_id)
        .await
        .unwrap();
    let link = &received(&server, "/auth/v1/user/identities/authorize").await[0];
    assert_eq!(
        link.url.query(),
        Some("provider=github&redirect_to=https%3A%2F%2Fexample.com%2Fcb&skip_http_redirect=true")
    );
    assert_eq!(
        bearer(link),
        format!("Bearer {}", session.access_token.expose())
    );
    assert_eq!(
        received(&server, "/auth/v1/user/identities/i-1")
            .await
            .len(),
        1
    );
}
