//! Retries (GET/HEAD on 503/520 and network failures, `Retry-After`, `X-Retry-Count`) and
//! timeouts. The tokio clock is paused, so the waits take no real time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use serde_json::json;
use supabase_postgrest::{PostgrestClient, RetryPolicy};
use supabase_test_support::MockServer;
use supabase_test_support::header;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A client whose connection pool has no idle timer: with the clock paused, tokio jumps to
/// the next timer whenever it waits for I/O, and hyper's 90 s idle timer would be one.
fn client(uri: &str) -> PostgrestClient {
    let http = supabase_core::http_client_builder()
        .unwrap()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let config = supabase_core::Config::new(uri, "anon-key")
        .unwrap()
        .http_client(http);
    PostgrestClient::from_config(&config).unwrap()
}

/// A server answering `first` to the first `failures` attempts of a request, then 200
/// `[{"id":1}]`. The attempt is read from `X-Retry-Count` (none: the first), not counted at
/// the server: a request the HTTP stack sends twice on its own (seen once in about 70
/// runs under the paused clock) must not use up a failure meant for a retry.
async fn flaky(verb: &str, first: ResponseTemplate, failures: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path("/rest/v1/t"))
        .respond_with(ByAttempt { first, failures })
        .mount(&server)
        .await;
    server
}

struct ByAttempt {
    first: ResponseTemplate,
    failures: u64,
}

impl wiremock::Respond for ByAttempt {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let attempt: u64 = header(request, "x-retry-count")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if attempt < self.failures {
            self.first.clone()
        } else {
            ResponseTemplate::new(200).set_body_json(json!([{"id": 1}]))
        }
    }
}

fn retry_counts(requests: &[wiremock::Request]) -> Vec<Option<String>> {
    let mut counts: Vec<Option<String>> = requests
        .iter()
        .map(|r| header(r, "x-retry-count"))
        .collect();
    // The same attempt seen twice in a row is the HTTP stack resending it, not a retry of ours.
    counts.dedup();
    counts
}

#[tokio::test(start_paused = true)]
async fn get_is_retried_on_503_with_backoff_and_retry_count() {
    let server = flaky(
        "GET",
        ResponseTemplate::new(503).set_body_json(json!({"code": "PGRST002", "message": "x"})),
        2,
    )
    .await;
    let started = Instant::now();
    let res = client(&server.uri()).from("t").select("*").await.unwrap();
    let waited = started.elapsed();
    assert_eq!(res.status, 200);
    assert_eq!(res.data, [json!({"id": 1})]);
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        retry_counts(&sent),
        [None, Some("1".into()), Some("2".into())]
    );
    // 1 s then 2 s of (virtual) waiting.
    assert!(waited >= Duration::from_secs(3), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test(start_paused = true)]
async fn retry_after_replaces_the_backoff_and_520_is_retried() {
    let server = flaky(
        "HEAD",
        ResponseTemplate::new(520).insert_header("retry-after", "7"),
        1,
    )
    .await;
    let started = Instant::now();
    let res = client(&server.uri())
        .from("t")
        .select("*")
        .head()
        .await
        .unwrap();
    assert_eq!(res.status, 200);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(7) && waited < Duration::from_secs(8),
        "{waited:?}"
    );
    let sent = server.received_requests().await.unwrap();
    assert_eq!(retry_counts(&sent), [None, Some("1".into())]);
}

#[tokio::test(start_paused = true)]
async fn after_the_last_retry_the_last_answer_is_the_result() {
    let server = flaky(
        "GET",
        ResponseTemplate::new(503).set_body_json(json!({
            "code": "PGRST002",
            "message": "Could not query the database for the schema cache. Retrying.",
            "details": null,
            "hint": null
        })),
        10,
    )
    .await;
    let err = client(&server.uri())
        .from("t")
        .select("*")
        .await
        .unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(503), Some("PGRST002")));
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        retry_counts(&sent),
        [None, Some("1".into()), Some("2".into()), Some("3".into())]
    );
}

#[tokio::test(start_paused = true)]
async fn mutations_and_switched_off_retries_are_sent_once() {
    let server = flaky("POST", ResponseTemplate::new(503), 5).await;
    let err = client(&server.uri())
        .from("t")
        .insert(json!({"a": 1}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let server = flaky("GET", ResponseTemplate::new(503), 5).await;
    let db = client(&server.uri());
    assert!(db.from("t").select("*").retry(false).await.is_err());
    assert!(
        db.with_retry(RetryPolicy::disabled())
            .from("t")
            .select("*")
            .await
            .is_err()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // Other failures are not retried.
    let server = flaky("GET", ResponseTemplate::new(500), 5).await;
    assert!(client(&server.uri()).from("t").select("*").await.is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn network_failures_of_reads_are_retried() {
    // A port bound but not listening refuses connections, and stays reserved for the whole
    // test (a closed listener's port could go to a parallel test's server).
    let reserved = tokio::net::TcpSocket::new_v4().unwrap();
    reserved.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let uri = format!("http://{}", reserved.local_addr().unwrap());
    let db = client(&uri).with_retry(RetryPolicy::default().with_max_retries(2));

    let started = Instant::now();
    let err = db.from("t").select("*").await.unwrap_err();
    assert!(err.is_network(), "{err:?}");
    let waited = started.elapsed();
    // Two retries: 1 s + 2 s.
    assert!(
        waited >= Duration::from_secs(3) && waited < Duration::from_secs(4),
        "{waited:?}"
    );

    let started = Instant::now();
    let err = db.from("t").delete().eq("id", 1).await.unwrap_err();
    assert!(err.is_network(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no retry for DELETE"
    );
}

#[tokio::test(start_paused = true)]
async fn a_request_timeout_is_a_typed_error_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3600)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = client(&server.uri())
        .from("t")
        .select("*")
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // One attempt only: a retried timeout would take at least 5 s + 1 s + 5 s.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
    // (The paused clock may fire the timeout before the request reaches the server.)
    assert!(server.received_requests().await.unwrap().len() <= 1);
}

/// A body cut short after the headers is not retried: postgrest-js reads the body after
/// `fetch` resolved, outside its retry loop.
#[tokio::test(start_paused = true)]
async fn a_body_cut_short_is_not_retried() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut head = [0u8; 4096];
            let _ = socket.read(&mut head).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n[{\"id\":1")
                .await;
        }
    });
    let started = Instant::now();
    let err = client(&uri).from("t").select("*").await.unwrap_err();
    assert!(err.is_network(), "{err:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}
