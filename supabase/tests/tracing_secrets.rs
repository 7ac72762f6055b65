//! The `tracing` output of a request that is retried, made by a signed-in client whose
//! session is refreshed, names what happened and never a key, token, query value or body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use supabase::Client;
use supabase::supabase_core::{Clock, RetryPolicy};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::{ManualClock, mint_user_jwt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn spans_and_events_name_what_happened_and_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    let now = 1_700_000_000;
    let old = mint_user_jwt("u1", Some(now + 30));
    let fresh = mint_user_jwt("u1", Some(now + 3600));
    let session = |token: &str, refresh: &str, exp: u64| {
        json!({"access_token": token, "token_type": "bearer", "expires_in": 3600,
               "expires_at": exp, "refresh_token": refresh,
               "user": {"id": "u1", "aud": "authenticated", "role": "authenticated",
                        "created_at": "2024-01-01T00:00:00Z"}})
    };
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "password"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session(
            &old,
            "refresh-secret-1",
            now + 30,
        )))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session(
            &fresh,
            "refresh-secret-2",
            now + 3600,
        )))
        .mount(&server)
        .await;
    // The first data request is answered 503 once, then 200.
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;

    let clock = ManualClock::at(now);
    let client = Client::builder(&server.uri(), ANON_KEY)
        .clock(clock as Arc<dyn Clock>)
        .retry(RetryPolicy::default().with_initial_delay(Duration::from_millis(10)))
        .build()
        .unwrap();
    client
        .auth()
        .unwrap()
        .sign_in_with_password(supabase::auth::PasswordCredentials::email(
            "a@example.com",
            "password-secret",
        ))
        .await
        .unwrap();
    // The session expires within the margin: the data request refreshes it first.
    client
        .from("todos")
        .select("*")
        .eq("secret_column", "query-value-secret")
        .execute_raw()
        .await
        .unwrap();

    let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "supabase.request",
        "supabase.attempt",
        "retrying",
        "session refreshed",
        "status=503",
        "path=\"/rest/v1/todos\"",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    for secret in [
        ANON_KEY,
        old.as_str(),
        fresh.as_str(),
        "refresh-secret-1",
        "refresh-secret-2",
        "password-secret",
        "query-value-secret",
    ] {
        assert!(!out.contains(secret), "a secret reached the trace:\n{out}");
    }
}
