//! createClient options: schema, global headers, access_token (third-party auth), from_env,
//! token resolution order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use supabase::Client;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT};
use supabase_test_support::{header, mint_user_jwt};
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

async fn last_request(server: &MockServer) -> wiremock::Request {
    server.received_requests().await.unwrap().pop().unwrap()
}

async fn select(client: &Client) {
    client
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
}

#[tokio::test]
async fn schema_and_global_headers_go_out() {
    let server = server().await;
    let client = Client::builder(&server.uri(), ANON_KEY)
        .schema("api")
        .header("x-app", "demo")
        .header("X-Client-Info", "my-app/1.0")
        .build()
        .unwrap();
    select(&client).await;
    let r = last_request(&server).await;
    assert_eq!(header(&r, "accept-profile").as_deref(), Some("api"));
    assert_eq!(header(&r, "x-app").as_deref(), Some("demo"));
    assert_eq!(header(&r, "x-client-info").as_deref(), Some("my-app/1.0"));
    // schema() switches for one query without changing the client.
    client
        .schema("other")
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    let r = last_request(&server).await;
    assert_eq!(header(&r, "accept-profile").as_deref(), Some("other"));
    select(&client).await;
    let r = last_request(&server).await;
    assert_eq!(header(&r, "accept-profile").as_deref(), Some("api"));
}

#[tokio::test]
async fn bad_global_headers_fail_at_build() {
    let err = Client::builder("https://x.supabase.co", ANON_KEY)
        .header("x-app", "a\r\nInjected: 1")
        .build()
        .unwrap_err();
    assert!(matches!(
        err.as_core(),
        Some(supabase::supabase_core::Error::InvalidHeader { .. })
    ));
}

#[tokio::test]
async fn access_token_provider_is_asked_for_every_request_and_disables_auth() {
    let server = server().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let third_party = mint_user_jwt("third-party-user", None);
    let token = third_party.clone();
    let client = Client::builder(&server.uri(), ANON_KEY)
        .access_token_fn(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let token = token.clone();
            async move { Ok(Some(token)) }
        })
        .build()
        .unwrap();
    select(&client).await;
    select(&client).await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let r = last_request(&server).await;
    assert_eq!(
        header(&r, "authorization"),
        Some(format!("Bearer {third_party}"))
    );
    assert_eq!(header(&r, "apikey").as_deref(), Some(ANON_KEY));
    assert!(matches!(
        client.auth(),
        Err(supabase::Error::AuthUnavailable)
    ));

    // An override still wins over the access_token provider.
    let scoped = client.with_auth(EXTERNAL_JWT).unwrap();
    select(&scoped).await;
    let r = last_request(&server).await;
    assert_eq!(
        header(&r, "authorization"),
        Some(format!("Bearer {EXTERNAL_JWT}"))
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failing_access_token_provider_is_a_typed_error_and_nothing_is_sent() {
    let server = server().await;
    let client = Client::builder(&server.uri(), ANON_KEY)
        .access_token_fn(|| async { Err("identity provider is down".into()) })
        .build()
        .unwrap();
    let err = client
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        supabase::postgrest::Error::Core(supabase::supabase_core::Error::TokenUnavailable(_))
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_global_authorization_header_wins_over_every_token_source() {
    let server = server().await;
    let global = mint_user_jwt("global-header-user", None);
    let client = Client::builder(&server.uri(), ANON_KEY)
        .header("Authorization", &format!("Bearer {global}"))
        .build()
        .unwrap();
    select(&client).await;
    let r = last_request(&server).await;
    assert_eq!(
        header(&r, "authorization"),
        Some(format!("Bearer {global}"))
    );
    let scoped = client.with_auth(EXTERNAL_JWT).unwrap();
    select(&scoped).await;
    let r = last_request(&server).await;
    assert_eq!(
        header(&r, "authorization"),
        Some(format!("Bearer {global}"))
    );
    assert!(!format!("{client:?}").contains(&global));
}

#[test]
fn from_env_reads_url_and_key_and_names_what_is_missing() {
    // Environment variables are process-wide (and set_var is unsafe in edition 2024), so the
    // checks run in a child process of this test binary with its own environment.
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["--exact", "from_env_child", "--ignored", "--nocapture"])
        .env("FROM_ENV_CHILD", "1")
        .env_remove("SUPABASE_URL")
        .env_remove("SUPABASE_ANON_KEY")
        .env_remove("SUPABASE_PUBLISHABLE_KEY")
        .output()
        .unwrap();
    assert_child_ran(&out);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "from_env_child", "--ignored", "--nocapture"])
        .env("FROM_ENV_CHILD", "2")
        .env("SUPABASE_URL", "https://x.supabase.co")
        .env_remove("SUPABASE_ANON_KEY")
        .env("SUPABASE_PUBLISHABLE_KEY", "sb_publishable_abc")
        .output()
        .unwrap();
    assert_child_ran(&out);
}

/// The child run passed, and it did run the check (a filter that matched no test would also
/// exit successfully).
fn assert_child_ran(out: &std::process::Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
#[ignore = "run in a child process by from_env_reads_url_and_key_and_names_what_is_missing"]
fn from_env_child() {
    match std::env::var("FROM_ENV_CHILD").as_deref() {
        Ok("1") => {
            let err = Client::from_env().unwrap_err();
            assert!(matches!(err, supabase::Error::MissingEnv("SUPABASE_URL")));
        }
        Ok("2") => {
            let client = Client::from_env().unwrap();
            assert_eq!(client.config().url().as_str(), "https://x.supabase.co/");
            assert_eq!(client.config().key().expose(), "sb_publishable_abc");
        }
        _ => panic!("run by from_env_reads_url_and_key_and_names_what_is_missing"),
    }
}
