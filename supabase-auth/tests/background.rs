//! Redirect URLs (implicit and PKCE), background refresh, subscriptions that are dropped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use supabase_auth::{AuthChangeEvent, Error, FlowType, OAuthOptions};
use supabase_test_support::MockServer;
use supabase_test_support::mint_user_jwt;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn implicit_redirect_fragment_becomes_the_session() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json("u1")))
        .mount(&server)
        .await;
    let auth = client_at(&server, ManualClock::at(NOW));
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let jwt = mint_user_jwt("u1", Some(NOW + 3600));
    let url = format!(
        "myapp://callback#access_token={jwt}&refresh_token=r-1&expires_in=3600&token_type=bearer&type=recovery"
    );
    let session = auth.get_session_from_url(&url).await.unwrap();
    assert_eq!(session.expires_at, NOW + 3600);
    assert_eq!(session.refresh_token.expose(), "r-1");
    assert_eq!(session.user.id, "u1");
    assert_eq!(
        bearer(&received(&server, "/auth/v1/user").await[0]),
        format!("Bearer {jwt}")
    );
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::PasswordRecovery
    );
    assert_eq!(auth.get_session().await.unwrap().unwrap(), session);
}

#[tokio::test]
async fn redirect_errors_and_codes() {
    let server = MockServer::start().await;
    let auth = builder(&server).flow_type(FlowType::Pkce).build().unwrap();
    let err = auth
        .get_session_from_url("https://app.example.com/cb?error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid")
        .await
        .unwrap_err();
    let Error::Redirect {
        error,
        code,
        description,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (error.as_str(), code.as_deref()),
        ("access_denied", Some("otp_expired"))
    );
    assert_eq!(description, "Email link is invalid");
    assert!(
        auth.get_session_from_url("https://app.example.com/cb")
            .await
            .is_err()
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "pkce"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json(
            "u1",
            4_102_444_800,
            "r1",
        )))
        .mount(&server)
        .await;
    let redirect = auth
        .sign_in_with_oauth("github", OAuthOptions::new())
        .await
        .unwrap();
    let session = auth
        .get_session_from_url("https://app.example.com/cb?code=abc")
        .await
        .unwrap();
    assert_eq!(session.user.id, "u1");
    let body = body_json(&received(&server, "/auth/v1/token").await[0]);
    assert_eq!(
        body,
        json!({"auth_code": "abc", "code_verifier": redirect.code_verifier.unwrap().expose()})
    );
}

#[tokio::test(start_paused = true)]
async fn background_refresh_refreshes_before_expiry_and_ends_with_the_client() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let auth = client_at(&server, clock.clone());
    sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json(
            "u1",
            NOW + 7200,
            "r2",
        )))
        .mount(&server)
        .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let refresher = auth.start_auto_refresh().unwrap();
    // Not yet within the margin: ticks do nothing.
    tokio::time::sleep(Duration::from_secs(61)).await;
    assert!(events.try_recv().is_none());
    clock.set(NOW + 3600 - 60);
    // The next tick refreshes. (No timeout here: paused time would fire it while the
    // request is in flight.)
    let change = events.recv().await.unwrap();
    assert_eq!(change.event, AuthChangeEvent::TokenRefreshed);
    assert_eq!(change.session.unwrap().refresh_token.expose(), "r2");
    assert!(refresher.is_running());
    // The task ends by itself once every clone of the client is gone.
    drop(auth);
    tokio::time::sleep(Duration::from_secs(31)).await;
    tokio::task::yield_now().await;
    assert!(!refresher.is_running());
    let refreshes = received(&server, "/auth/v1/token")
        .await
        .into_iter()
        .filter(|r| r.url.query() == Some("grant_type=refresh_token"))
        .count();
    assert_eq!(refreshes, 1);
}

#[test]
fn background_refresh_needs_a_runtime() {
    let auth = supabase_auth::AuthClient::new("http://localhost/auth/v1", "k").unwrap();
    assert!(auth.start_auto_refresh().is_err());
}

#[tokio::test]
async fn dropped_subscriptions_stop_receiving_and_others_continue() {
    let server = MockServer::start().await;
    let auth = client(&server);
    let first = auth.on_auth_state_change().await.unwrap();
    let mut second = auth.on_auth_state_change().await.unwrap();
    drop(first);
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    assert_eq!(
        second.recv().await.unwrap().event,
        AuthChangeEvent::InitialSession
    );
    assert_eq!(
        second.recv().await.unwrap().event,
        AuthChangeEvent::SignedIn
    );
    // A subscription made while signed in starts with that session.
    let mut third = auth.on_auth_state_change().await.unwrap();
    let initial = third.recv().await.unwrap();
    assert_eq!(initial.event, AuthChangeEvent::InitialSession);
    assert_eq!(initial.session.unwrap().user.id, "u1");
}

#[tokio::test]
async fn assurance_level_of_a_given_jwt() {
    let server = MockServer::start().await;
    let mut user = user_json("u1");
    user["factors"] = json!([{"id": "f", "factor_type": "totp", "status": "verified"}]);
    let jwt = supabase_test_support::mint_jwt(
        &json!({"sub": "u1", "aal": "aal1", "exp": 4_102_444_800u64}),
    );
    // The factors are read with the given token, not with a session or the project key.
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .and(header("authorization", format!("Bearer {jwt}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(user))
        .expect(1)
        .mount(&server)
        .await;
    let levels = client(&server)
        .mfa()
        .get_authenticator_assurance_level_with_jwt(&jwt)
        .await
        .unwrap();
    assert_eq!(
        levels.current_level,
        Some(supabase_auth::AssuranceLevel::Aal1)
    );
    assert_eq!(levels.next_level, Some(supabase_auth::AssuranceLevel::Aal2));
}
