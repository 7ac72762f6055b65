//! The façade's token resolution with an Auth session: sign-in, refresh, sign-out, and how a
//! `set_auth` / `with_auth` override interacts with them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use serde_json::{Value, json};
use supabase::Client;
use supabase::auth::{PasswordCredentials, SignOutScope};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT, FAR_FUTURE_EXP};
use supabase_test_support::recorder::{recorder_bodies, start_recorder};
use supabase_test_support::{header, mint_user_jwt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

fn session_jwt() -> String {
    recorder_bodies()["session"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn refreshed_jwt() -> String {
    recorder_bodies()["refreshed_session"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn select(client: &Client) {
    client
        .from("todos")
        .select("id")
        .execute::<Value>()
        .await
        .unwrap();
}

async fn requests(server: &MockServer) -> Vec<(String, String, Option<String>)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                header(r, "authorization"),
            )
        })
        .collect()
}

fn bearer(t: &str) -> Option<String> {
    Some(format!("Bearer {t}"))
}

async fn sign_in(client: &Client) {
    client
        .auth()
        .unwrap()
        .sign_in_with_password(PasswordCredentials::email("user@example.com", "pw"))
        .await
        .unwrap();
}

#[tokio::test]
async fn data_requests_follow_the_session_through_sign_in_refresh_and_sign_out() {
    let server = start_recorder(&[]).await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    select(&client).await;
    sign_in(&client).await;
    select(&client).await;
    client.auth().unwrap().refresh_session().await.unwrap();
    select(&client).await;
    client
        .auth()
        .unwrap()
        .sign_out(SignOutScope::Global)
        .await
        .unwrap();
    select(&client).await;

    let seen = requests(&server).await;
    let anon = bearer(ANON_KEY);
    let expected = vec![
        ("GET".into(), "/rest/v1/todos".into(), anon.clone()),
        ("POST".into(), "/auth/v1/token".into(), anon.clone()),
        (
            "GET".into(),
            "/rest/v1/todos".into(),
            bearer(&session_jwt()),
        ),
        ("POST".into(), "/auth/v1/token".into(), anon.clone()),
        (
            "GET".into(),
            "/rest/v1/todos".into(),
            bearer(&refreshed_jwt()),
        ),
        (
            "POST".into(),
            "/auth/v1/logout".into(),
            bearer(&refreshed_jwt()),
        ),
        ("GET".into(), "/rest/v1/todos".into(), anon),
    ];
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_set_auth_override_survives_sign_in_refresh_and_sign_out_and_is_never_revoked() {
    let server = start_recorder(&[]).await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let observer = client.clone(); // taken before set_auth: follows the session
    client.set_auth(EXTERNAL_JWT).unwrap();
    sign_in(&client).await;
    select(&client).await;
    select(&observer).await;
    client.auth().unwrap().refresh_session().await.unwrap();
    select(&client).await;
    client
        .auth()
        .unwrap()
        .sign_out(SignOutScope::Local)
        .await
        .unwrap();
    select(&client).await;

    let seen = requests(&server).await;
    let external = bearer(EXTERNAL_JWT);
    let expected = vec![
        ("POST".into(), "/auth/v1/token".into(), bearer(ANON_KEY)),
        ("GET".into(), "/rest/v1/todos".into(), external.clone()),
        (
            "GET".into(),
            "/rest/v1/todos".into(),
            bearer(&session_jwt()),
        ),
        ("POST".into(), "/auth/v1/token".into(), bearer(ANON_KEY)),
        ("GET".into(), "/rest/v1/todos".into(), external.clone()),
        // sign_out revokes the session's own token, not the set_auth one (v1 got this wrong).
        (
            "POST".into(),
            "/auth/v1/logout".into(),
            bearer(&refreshed_jwt()),
        ),
        ("GET".into(), "/rest/v1/todos".into(), external),
    ];
    assert_eq!(seen, expected);
}

#[tokio::test(start_paused = true)]
async fn concurrent_requests_with_an_expiring_session_cause_exactly_one_refresh() {
    let server = MockServer::start().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // The signed-in token expires in 10 s: inside the refresh margin.
    let expiring = mint_user_jwt("u1", Some(now + 10));
    let fresh = mint_user_jwt("u1", Some(FAR_FUTURE_EXP));
    let mut signed_in = recorder_bodies()["session"].clone();
    signed_in["access_token"] = json!(expiring);
    signed_in["expires_at"] = json!(now + 10);
    signed_in["expires_in"] = json!(10);
    let mut refreshed = recorder_bodies()["refreshed_session"].clone();
    refreshed["access_token"] = json!(fresh);
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "password"))
        .respond_with(ResponseTemplate::new(200).set_body_json(signed_in))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(refreshed))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    sign_in(&client).await;
    let client = Arc::new(client);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { select(&client).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    let refreshes = received
        .iter()
        .filter(|r| r.url.query() == Some("grant_type=refresh_token"))
        .count();
    assert_eq!(refreshes, 1);
    let data: Vec<_> = received
        .iter()
        .filter(|r| r.url.path() == "/rest/v1/todos")
        .collect();
    assert_eq!(data.len(), 100);
    for r in data {
        assert_eq!(
            header(r, "authorization"),
            bearer(&fresh),
            "an expiring token was sent"
        );
    }
}

#[tokio::test]
async fn admin_needs_a_service_role_client_and_never_comes_from_a_scoped_one() {
    let server = start_recorder(&[]).await;
    let anon = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    assert!(matches!(
        anon.admin(),
        Err(supabase::Error::Auth(
            supabase::auth::Error::AdminKeyRequired { .. }
        ))
    ));
    let service = supabase::create_client(
        &server.uri(),
        supabase_test_support::fixtures::SERVICE_ROLE_KEY,
    )
    .unwrap();
    let admin = service.admin().unwrap();
    let page = admin
        .list_users(supabase::auth::ListUsersParams::new())
        .await
        .unwrap();
    assert_eq!(page.users.len(), 1);
    let scoped = service.with_auth(EXTERNAL_JWT).unwrap();
    assert!(scoped.is_user_scoped());
    assert!(matches!(scoped.admin(), Err(supabase::Error::UserScoped)));
    // The scoped client's data requests carry the user's token, not the service key.
    select(&scoped).await;
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(header(&last, "authorization"), bearer(EXTERNAL_JWT));
}
