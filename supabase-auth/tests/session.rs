//! Sessions: lazy refresh (single-flight), the failure rules, sign-out scopes, set_session,
//! get_user, update_user, and how `set_auth` interacts with all of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::*;
use serde_json::json;
use supabase_auth::{
    AuthChangeEvent, AuthClient, Error, ErrorCode, MemoryStore, SessionStore, SignOutScope,
    UserAttributes,
};
use supabase_core::TokenProvider;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT};
use supabase_test_support::mint_user_jwt;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

/// Mounts the refresh grant answering `status` / `body`.
async fn mount_refresh(server: &MockServer, status: u16, body: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

async fn refresh_requests(server: &MockServer) -> Vec<wiremock::Request> {
    received(server, "/auth/v1/token")
        .await
        .into_iter()
        .filter(|r| r.url.query() == Some("grant_type=refresh_token"))
        .collect()
}

#[tokio::test]
async fn fresh_session_makes_no_request_and_provider_hands_it_out() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let auth = client_at(&server, clock);
    let provider = auth.session_token_provider();
    assert!(provider.access_token().await.unwrap().is_none());
    let session = sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    let token = provider.access_token().await.unwrap().unwrap();
    assert_eq!(token.expose(), session.access_token.expose());
    // A clone is the same logged-in client.
    let clone = auth.clone();
    assert_eq!(clone.get_session().await.unwrap().unwrap(), session);
    assert!(refresh_requests(&server).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_an_expiring_session_cause_exactly_one_refresh() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let auth = client_at(&server, clock.clone());
    sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    let refreshed = session_json("u1", NOW + 7200, "r2");
    let new_token = refreshed["access_token"].as_str().unwrap().to_owned();
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .and(body_json(json!({"refresh_token": "r1"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(refreshed)
                .set_delay(std::time::Duration::from_millis(50)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();

    // 61 s before expiry: inside the 90 s margin.
    clock.set(NOW + 3600 - 61);
    let provider = auth.session_token_provider();
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let provider = provider.clone();
        tasks.push(tokio::spawn(async move { provider.access_token().await }));
    }
    for task in tasks {
        let token = task.await.unwrap().unwrap().unwrap();
        assert_eq!(token.expose(), new_token);
    }
    let reqs = refresh_requests(&server).await;
    assert_eq!(reqs.len(), 1, "exactly one refresh");
    assert_auth_headers(&reqs[0]);
    assert_eq!(bearer(&reqs[0]), format!("Bearer {ANON_KEY}"));
    let change = events.recv().await.unwrap();
    assert_eq!(change.event, AuthChangeEvent::TokenRefreshed);
    assert_eq!(change.session.unwrap().refresh_token.expose(), "r2");
    assert!(events.try_recv().is_none(), "one TokenRefreshed event");
}

#[tokio::test(start_paused = true)]
async fn retryable_failure_keeps_serving_a_still_valid_token() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let auth = client_at(&server, clock.clone());
    let session = sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    mount_refresh(&server, 503, json!({"message": "unavailable"})).await;
    clock.set(NOW + 3600 - 30);
    let provider = auth.session_token_provider();
    let token = provider.access_token().await.unwrap().unwrap();
    assert_eq!(token.expose(), session.access_token.expose());
    // Retried with 200 ms · 2ⁿ backoff inside the 30 s budget: 8 attempts.
    assert_eq!(refresh_requests(&server).await.len(), 8);
    // The failure is remembered: the next request neither waits nor retries.
    let token = provider.access_token().await.unwrap().unwrap();
    assert_eq!(token.expose(), session.access_token.expose());
    assert_eq!(refresh_requests(&server).await.len(), 8);
    assert!(auth.get_session().await.unwrap().is_some());
}

#[tokio::test(start_paused = true)]
async fn retryable_failure_of_an_expired_token_is_an_error_and_keeps_the_session() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let store = Arc::new(MemoryStore::new());
    let auth = builder(&server)
        .clock(clock.clone())
        .store(store.clone())
        .build()
        .unwrap();
    sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    mount_refresh(&server, 502, json!({})).await;
    clock.set(NOW + 4000);
    let err = auth
        .session_token_provider()
        .access_token()
        .await
        .unwrap_err();
    let supabase_core::Error::TokenUnavailable(source) = &err else {
        panic!("{err:?}")
    };
    let auth_err = source.downcast_ref::<Error>().unwrap();
    assert!(auth_err.is_retryable());
    assert_eq!(auth_err.status(), Some(502));
    assert!(
        store.get(auth.storage_key()).await.unwrap().is_some(),
        "session kept"
    );
    // After the cooldown it is tried again, and a success heals the session.
    server.reset().await;
    mount_refresh(&server, 200, session_json("u1", NOW + 8000, "r2")).await;
    tokio::time::advance(std::time::Duration::from_secs(61)).await;
    let token = auth.session_token_provider().access_token().await.unwrap();
    assert!(token.is_some());
    assert_eq!(refresh_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn non_retryable_failure_of_a_valid_token_keeps_the_session() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let auth = client_at(&server, clock.clone());
    let session = sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    mount_refresh(
        &server,
        400,
        json!({"code": "refresh_token_not_found", "message": "Invalid Refresh Token: Refresh Token Not Found"}),
    )
    .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    clock.set(NOW + 3600 - 10);
    let token = auth
        .session_token_provider()
        .access_token()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.expose(), session.access_token.expose());
    assert_eq!(
        refresh_requests(&server).await.len(),
        1,
        "4xx is not retried"
    );
    assert!(events.try_recv().is_none(), "no SignedOut");
    // An explicit refresh surfaces the error.
    let err = auth.refresh_session().await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::RefreshTokenNotFound));
    assert!(auth.get_session().await.unwrap().is_some());
}

#[tokio::test]
async fn non_retryable_failure_of_an_expired_token_signs_out() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let store = Arc::new(MemoryStore::new());
    let auth = builder(&server)
        .clock(clock.clone())
        .store(store.clone())
        .build()
        .unwrap();
    sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    mount_refresh(
        &server,
        400,
        json!({"error": "invalid_grant", "error_description": "Invalid Refresh Token: Already Used"}),
    )
    .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    clock.set(NOW + 3601);
    let err = auth
        .session_token_provider()
        .access_token()
        .await
        .unwrap_err();
    assert!(
        matches!(err, supabase_core::Error::TokenUnavailable(_)),
        "{err:?}"
    );
    let change = events.recv().await.unwrap();
    assert_eq!(change.event, AuthChangeEvent::SignedOut);
    assert!(change.session.is_none());
    assert!(store.get(auth.storage_key()).await.unwrap().is_none());
    // Signed out now: the project key is used.
    assert!(
        auth.session_token_provider()
            .access_token()
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(refresh_requests(&server).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn waiters_of_a_failed_refresh_all_get_its_result() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    let auth = client_at(&server, clock.clone());
    sign_in(&auth, &server, "u1", NOW + 3600, "r1").await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"code": "session_expired", "message": "Session expired"}))
                .set_delay(std::time::Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    clock.set(NOW + 3700);
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let auth = auth.clone();
        tasks.push(tokio::spawn(async move { auth.get_session().await }));
    }
    for task in tasks {
        let err = task.await.unwrap().unwrap_err();
        assert_eq!(err.code(), Some(&ErrorCode::SessionExpired), "{err:?}");
    }
    assert_eq!(refresh_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn refresh_session_explicit_and_with_token() {
    let server = MockServer::start().await;
    let auth = client(&server);
    assert!(matches!(
        auth.refresh_session().await,
        Err(Error::SessionMissing)
    ));
    mount_refresh(&server, 200, session_json("u1", 4_102_444_800, "r2")).await;
    let session = auth
        .refresh_session_with("explicit-refresh-token")
        .await
        .unwrap();
    assert_eq!(session.refresh_token.expose(), "r2");
    auth.refresh_session().await.unwrap();
    let reqs = refresh_requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"refresh_token":"explicit-refresh-token"}"#
    );
    assert_eq!(common::body_json(&reqs[1]), json!({"refresh_token": "r2"}));
}

#[tokio::test]
async fn sign_out_global_clears_after_the_server_accepts() {
    let server = MockServer::start().await;
    let auth = client(&server);
    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    auth.sign_out(SignOutScope::default()).await.unwrap();
    let r = &received(&server, "/auth/v1/logout").await[0];
    assert_auth_headers(r);
    assert_eq!(r.url.query(), Some("scope=global"));
    assert!(r.body.is_empty());
    assert_eq!(
        bearer(r),
        format!("Bearer {}", session.access_token.expose())
    );
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::SignedOut
    );
    assert!(auth.get_session().await.unwrap().is_none());
    // Signed out: nothing more to send.
    auth.sign_out(SignOutScope::Global).await.unwrap();
    assert_eq!(received(&server, "/auth/v1/logout").await.len(), 1);
}

#[tokio::test]
async fn sign_out_global_keeps_the_session_on_a_server_error() {
    let server = MockServer::start().await;
    let auth = client(&server);
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"code": "unexpected_failure", "message": "boom"})),
        )
        .mount(&server)
        .await;
    let err = auth.sign_out(SignOutScope::Global).await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(auth.get_session().await.unwrap().is_some());
}

#[tokio::test]
async fn sign_out_global_401_counts_as_signed_out_and_local_always_clears() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"code": "bad_jwt", "message": "expired"})),
        )
        .mount(&server)
        .await;
    let auth = client(&server);
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    auth.sign_out(SignOutScope::Global).await.unwrap();
    assert!(auth.get_session().await.unwrap().is_none());

    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    let err = auth.sign_out(SignOutScope::Local).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(
        auth.get_session().await.unwrap().is_none(),
        "local stays signed out"
    );
    let reqs = received(&server, "/auth/v1/logout").await;
    assert_eq!(reqs[1].url.query(), Some("scope=local"));
}

#[tokio::test]
async fn sign_out_others_keeps_this_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let auth = client(&server);
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    auth.sign_out(SignOutScope::Others).await.unwrap();
    assert_eq!(
        received(&server, "/auth/v1/logout").await[0].url.query(),
        Some("scope=others")
    );
    assert!(auth.get_session().await.unwrap().is_some());
}

#[tokio::test]
async fn get_user_uses_the_session_and_drops_it_when_the_server_says_it_is_gone() {
    let server = MockServer::start().await;
    let auth = client(&server);
    assert!(matches!(auth.get_user().await, Err(Error::SessionMissing)));
    assert!(server.received_requests().await.unwrap().is_empty());

    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json("u1")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let user = auth.get_user().await.unwrap();
    assert_eq!(user.id, "u1");
    let r = &received(&server, "/auth/v1/user").await[0];
    assert_auth_headers(r);
    assert_eq!(
        bearer(r),
        format!("Bearer {}", session.access_token.expose())
    );

    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"code": "session_not_found", "message": "Session from session_id claim in JWT does not exist"})))
        .mount(&server)
        .await;
    let err = auth.get_user().await.unwrap_err();
    assert!(err.is_session_missing());
    assert!(auth.get_session().await.unwrap().is_none());
}

#[tokio::test]
async fn get_user_with_jwt_sends_that_jwt_and_leaves_the_session() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": user_json("ext")})))
        .mount(&server)
        .await;
    let auth = client(&server);
    let user = auth.get_user_with_jwt(EXTERNAL_JWT).await.unwrap();
    assert_eq!(user.id, "ext");
    assert_eq!(
        bearer(&received(&server, "/auth/v1/user").await[0]),
        format!("Bearer {EXTERNAL_JWT}")
    );
    assert!(auth.get_session().await.unwrap().is_none());
    assert!(auth.get_user_with_jwt("not-a-jwt").await.is_err());
}

#[tokio::test]
async fn update_user_replaces_the_session_user_and_emits() {
    let server = MockServer::start().await;
    let auth = client(&server);
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    let mut updated = user_json("u1");
    updated["user_metadata"] = json!({"a": 1});
    Mock::given(method("PUT"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(updated))
        .mount(&server)
        .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let user = auth
        .update_user(
            UserAttributes::new()
                .email("new@example.com")
                .password("new-pw")
                .data(json!({"a": 1}))
                .redirect_to("https://example.com/changed"),
        )
        .await
        .unwrap();
    assert_eq!(user.user_metadata.get("a"), Some(&json!(1)));
    let r = &received(&server, "/auth/v1/user").await[0];
    assert_auth_headers(r);
    assert_eq!(
        r.url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Fchanged")
    );
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"email":"new@example.com","password":"new-pw","data":{"a":1},"code_challenge":null,"code_challenge_method":null}"#
    );
    let change = events.recv().await.unwrap();
    assert_eq!(change.event, AuthChangeEvent::UserUpdated);
    assert_eq!(change.session.unwrap().user, user);
    assert_eq!(auth.get_session().await.unwrap().unwrap().user, user);
}

#[tokio::test]
async fn a_failed_email_change_under_pkce_drops_its_verifier() {
    let server = MockServer::start().await;
    let store = Arc::new(MemoryStore::new());
    let auth = builder(&server)
        .flow_type(supabase_auth::FlowType::Pkce)
        .store(store.clone())
        .build()
        .unwrap();
    sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    Mock::given(method("PUT"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(422).set_body_json(
            json!({"code": "email_exists", "message": "A user with this email already exists"}),
        ))
        .mount(&server)
        .await;
    let err = auth
        .update_user(UserAttributes::new().email("taken@example.com"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    // The request did carry a PKCE challenge, and its verifier is gone from the store.
    let sent = common::body_json(&received(&server, "/auth/v1/user").await[0]);
    assert_eq!(sent["code_challenge_method"], json!("s256"));
    let key = format!("{}-code-verifier", auth.storage_key());
    assert_eq!(SessionStore::get(store.as_ref(), &key).await.unwrap(), None);
}

#[tokio::test]
async fn reauthenticate_sends_the_session_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/reauthenticate"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let auth = client(&server);
    assert!(matches!(
        auth.reauthenticate().await,
        Err(Error::SessionMissing)
    ));
    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    auth.reauthenticate().await.unwrap();
    let r = &received(&server, "/auth/v1/reauthenticate").await[0];
    assert_eq!(
        bearer(r),
        format!("Bearer {}", session.access_token.expose())
    );
}

#[tokio::test]
async fn set_session_with_a_valid_token_validates_with_get_user() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json("u9")))
        .mount(&server)
        .await;
    let auth = client_at(&server, clock);
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let jwt = mint_user_jwt("u9", Some(NOW + 100));
    let session = auth.set_session(&jwt, "rt-9").await.unwrap();
    assert_eq!(session.expires_at, NOW + 100);
    assert_eq!(session.expires_in, 100);
    assert_eq!(session.user.id, "u9");
    assert_eq!(
        bearer(&received(&server, "/auth/v1/user").await[0]),
        format!("Bearer {jwt}")
    );
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::SignedIn
    );
    assert!(auth.set_session("garbage", "rt").await.is_err());
}

#[tokio::test]
async fn set_session_with_an_expired_token_refreshes() {
    let server = MockServer::start().await;
    let clock = ManualClock::at(NOW);
    mount_refresh(&server, 200, session_json("u9", NOW + 3600, "rt-10")).await;
    let auth = client_at(&server, clock);
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let jwt = mint_user_jwt("u9", Some(NOW - 1));
    let session = auth.set_session(&jwt, "rt-9").await.unwrap();
    assert_eq!(session.refresh_token.expose(), "rt-10");
    assert_eq!(
        common::body_json(&refresh_requests(&server).await[0]),
        json!({"refresh_token": "rt-9"})
    );
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::TokenRefreshed
    );
    // A token without `exp` is treated as expired, as auth-js does.
    let no_exp = supabase_test_support::mint_jwt(&json!({"sub": "u9"}));
    auth.set_session(&no_exp, "rt-11").await.unwrap();
    assert_eq!(
        common::body_json(&refresh_requests(&server).await[1]),
        json!({"refresh_token": "rt-11"})
    );
    assert!(received(&server, "/auth/v1/user").await.is_empty());
}

/// The documented `set_auth` rules: sign-in, refresh and sign-out never replace or revoke it.
#[tokio::test]
async fn set_auth_override_survives_sign_in_refresh_and_sign_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json("ext")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    mount_refresh(&server, 200, session_json("u1", 4_102_444_801, "r2")).await;
    let mut auth = client(&server);
    auth.set_auth(EXTERNAL_JWT).unwrap();
    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "r1").await;
    auth.refresh_session().await.unwrap();
    auth.get_user().await.unwrap();
    auth.sign_out(SignOutScope::Global).await.unwrap();
    auth.get_user().await.unwrap();

    let users = received(&server, "/auth/v1/user").await;
    assert_eq!(
        bearer(&users[0]),
        format!("Bearer {EXTERNAL_JWT}"),
        "override after refresh"
    );
    assert_eq!(
        bearer(&users[1]),
        format!("Bearer {EXTERNAL_JWT}"),
        "override after sign-out"
    );
    let logout = &received(&server, "/auth/v1/logout").await[0];
    let refreshed = refresh_requests(&server).await;
    assert_eq!(refreshed.len(), 1);
    // sign_out revoked the session's (refreshed) token, never the override.
    assert_ne!(bearer(logout), format!("Bearer {EXTERNAL_JWT}"));
    assert_ne!(
        bearer(logout),
        format!("Bearer {}", session.access_token.expose())
    );
    // The session provider never hands out the override.
    assert!(
        auth.session_token_provider()
            .access_token()
            .await
            .unwrap()
            .is_none()
    );
    // clear_auth returns to the session (none now).
    auth.clear_auth();
    assert!(matches!(auth.get_user().await, Err(Error::SessionMissing)));
}

#[tokio::test]
async fn a_global_authorization_header_is_used_without_a_session() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json("ext")))
        .mount(&server)
        .await;
    let config = supabase_core::Config::new(&server.uri(), ANON_KEY)
        .unwrap()
        .header("Authorization", &format!("Bearer {EXTERNAL_JWT}"))
        .unwrap();
    let auth = AuthClient::from_config(&config).unwrap();
    auth.get_user().await.unwrap();
    assert_eq!(
        bearer(&received(&server, "/auth/v1/user").await[0]),
        format!("Bearer {EXTERNAL_JWT}")
    );
}
