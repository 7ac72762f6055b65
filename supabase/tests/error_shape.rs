//! One error shape across services: a real failure of each service, read through the
//! façade's helpers (which ask each crate's `ServiceError`, with no per-crate cases).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use supabase::auth::PasswordCredentials;
use supabase::storage::DownloadOptions;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::storage_mock::StorageMock;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

async fn project() -> (MockServer, supabase::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": "PGRST205", "message": "Could not find the table 'public.missing'",
            "details": null, "hint": null
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "code": "23505", "message": "duplicate key value violates unique constraint",
            "details": "Key (id)=(1) already exists.", "hint": null
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": 400, "error_code": "invalid_credentials",
            "msg": "Invalid login credentials"
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/functions/v1/busy"))
        .respond_with(ResponseTemplate::new(503).set_body_string("try later"))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    (server, client)
}

#[tokio::test]
async fn every_service_failure_answers_the_same_questions() {
    let (_server, client) = project().await;

    let missing = client
        .from("missing")
        .select("*")
        .execute::<Value>()
        .await
        .map_err(supabase::Error::from)
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
    assert_eq!(missing.code(), Some("PGRST205"));
    assert!(missing.is_not_found() && !missing.is_retryable() && !missing.is_timeout());
    assert_eq!(missing.as_api().map(|api| api.status), Some(404));

    let duplicate = client
        .from("todos")
        .insert(json!({"id": 1}))
        .execute::<Value>()
        .await
        .map_err(supabase::Error::from)
        .unwrap_err();
    assert_eq!(duplicate.status(), Some(409));
    assert!(duplicate.is_unique_violation() && !duplicate.is_not_found());

    let refused = client
        .auth()
        .unwrap()
        .sign_in_with_password(PasswordCredentials::email("user@example.com", "wrong"))
        .await
        .map_err(supabase::Error::from)
        .unwrap_err();
    assert_eq!(refused.status(), Some(400));
    assert_eq!(refused.code(), Some("invalid_credentials"));
    assert!(!refused.is_retryable());
    assert_eq!(refused.as_api().map(|api| api.status), Some(400));

    let busy = client
        .functions()
        .invoke("busy")
        .send()
        .await
        .map_err(supabase::Error::from)
        .unwrap_err();
    assert_eq!(busy.status(), Some(503));
    assert_eq!(busy.code(), None);
    assert!(busy.is_retryable() && !busy.is_not_found());

    // The façade's own errors have no service shape.
    let unavailable = supabase::Error::AuthUnavailable;
    assert!(unavailable.service_error().is_none());
    assert_eq!(unavailable.status(), None);
    assert!(!unavailable.is_retryable());
}

/// Storage answers errors as HTTP 400 with the real status in its body: the helpers read the
/// real one.
#[tokio::test]
async fn storage_reports_the_status_its_body_names() {
    let storage = StorageMock::start().await;
    storage.create_bucket("docs", false);
    let client = supabase::create_client(&storage.url(), ANON_KEY).unwrap();
    let err = client
        .storage()
        .from("docs")
        .download("nothing-here.txt", &DownloadOptions::new())
        .await
        .map_err(supabase::Error::from)
        .unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
    assert_eq!(err.code(), Some("NoSuchKey"));
    assert!(err.is_not_found() && !err.is_retryable());
}

/// A timeout reads the same whichever service ran out of time.
#[test]
fn timeouts_and_transport_failures_read_the_same_everywhere() {
    let core = || supabase::supabase_core::Error::Timeout;
    let errors = [
        supabase::Error::from(core()),
        supabase::Error::from(supabase::auth::Error::from(core())),
        supabase::Error::from(supabase::postgrest::Error::from(core())),
        supabase::Error::from(supabase::storage::Error::from(core())),
        supabase::Error::from(supabase::functions::FunctionsError::Timeout),
    ];
    for error in errors {
        assert!(error.is_timeout(), "{error:?}");
        assert!(error.is_retryable(), "{error:?}");
        assert_eq!(error.status(), None);
    }
}
