//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use serde_json::{Value, json};
use supabase_auth::{AuthClient, AuthClientBuilder, PasswordCredentials, Session};
pub use supabase_test_support::ManualClock;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::{header, mint_user_jwt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

/// The "now" of most tests.
pub const NOW: u64 = 1_800_000_000;

pub fn user_json(id: &str) -> Value {
    json!({
        "id": id, "aud": "authenticated", "role": "authenticated",
        "email": format!("{id}@example.com"), "phone": "",
        "app_metadata": {"provider": "email", "providers": ["email"]},
        "user_metadata": {}, "identities": [], "is_anonymous": false,
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"
    })
}

/// A session answer for user `sub` whose access token expires at `exp`.
pub fn session_json(sub: &str, exp: u64, refresh_token: &str) -> Value {
    json!({
        "access_token": mint_user_jwt(sub, Some(exp)),
        "token_type": "bearer",
        "expires_in": 3600,
        "expires_at": exp,
        "refresh_token": refresh_token,
        "user": user_json(sub)
    })
}

pub fn client(server: &MockServer) -> AuthClient {
    builder(server).build().unwrap()
}

/// Options for a client of the mock's Auth endpoint.
pub fn builder(server: &MockServer) -> AuthClientBuilder {
    AuthClient::builder(&format!("{}/auth/v1", server.uri()), ANON_KEY)
}

pub fn client_at(server: &MockServer, clock: Arc<ManualClock>) -> AuthClient {
    builder(server).clock(clock).build().unwrap()
}

/// Mounts `POST /auth/v1/token?grant_type=password` answering `body`.
pub async fn mount_password_grant(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "password"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// Signs `auth` in with a session for `sub` expiring at `exp`, refresh token `refresh`.
pub async fn sign_in(
    auth: &AuthClient,
    server: &MockServer,
    sub: &str,
    exp: u64,
    refresh: &str,
) -> Session {
    let mock = Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "password"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json(sub, exp, refresh)))
        .expect(1)
        .mount_as_scoped(server)
        .await;
    let session = auth
        .sign_in_with_password(PasswordCredentials::email(
            format!("{sub}@example.com"),
            "pw",
        ))
        .await
        .unwrap();
    drop(mock);
    session
}

pub fn bearer(r: &Request) -> String {
    header(r, "authorization").expect("authorization header")
}

pub fn body_json(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("JSON body")
}

/// Requests to `path` the server received.
pub async fn received(server: &MockServer, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

/// Asserts the headers every Auth request carries.
pub fn assert_auth_headers(r: &Request) {
    assert_eq!(header(r, "apikey").as_deref(), Some(ANON_KEY));
    assert_eq!(
        header(r, "x-supabase-api-version").as_deref(),
        Some("2024-01-01")
    );
    assert!(
        header(r, "x-client-info")
            .unwrap()
            .starts_with("supabase-rs/")
    );
    if r.method.as_str() == "GET" {
        assert_eq!(header(r, "content-type"), None);
    } else {
        assert_eq!(
            header(r, "content-type").as_deref(),
            Some("application/json;charset=UTF-8")
        );
    }
}
