//! `Service::send_streaming_with_retries`: a GET answered 503 (or refused) before its body is
//! handed over is sent again with `X-Retry-Count`, as `Service::send` does; a 2xx answer's
//! body is the caller's; `retry: false` and a stream body are never retried. The retry waits
//! are zero, so nothing sleeps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use supabase_core::{Body, Config, Method, RetryPolicy, Service};

/// A server answering 503 to the first `failures` attempts, then 200 `[1]`; it records each
/// request's `X-Retry-Count`.
async fn flaky(failures: usize) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let log = Arc::clone(&seen);
    let app = Router::new().fallback(move |headers: HeaderMap| {
        let log = Arc::clone(&log);
        async move {
            let count = headers
                .get("x-retry-count")
                .map(|v| v.to_str().unwrap().to_owned());
            let mut log = log.lock().unwrap();
            log.push(count);
            if log.len() <= failures {
                (StatusCode::SERVICE_UNAVAILABLE, "busy")
            } else {
                (StatusCode::OK, "[1]")
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn service(url: &str) -> Service {
    let retry = RetryPolicy::default()
        .with_max_retries(3)
        .with_initial_delay(Duration::ZERO)
        .with_max_delay(Duration::ZERO);
    Service::from_config(&Config::new(url, "anon-key").unwrap(), "rest/v1")
        .unwrap()
        .with_retry(retry)
}

#[tokio::test]
async fn a_503_before_the_body_is_retried_and_the_2xx_body_streams() {
    let (url, seen) = flaky(2).await;
    let service = service(&url);
    let request = service.request(Method::GET, &["t"]).unwrap();
    let response = service
        .send_streaming_with_retries(&request, true, None)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(&response.bytes(1024).await.unwrap()[..], b"[1]");
    assert_eq!(
        *seen.lock().unwrap(),
        [None, Some("1".to_owned()), Some("2".to_owned())]
    );
}

#[tokio::test]
async fn not_retried_when_asked_not_to_or_with_a_stream_body() {
    let (url, seen) = flaky(1).await;
    let api = service(&url);
    let request = api.request(Method::GET, &["t"]).unwrap();
    let response = api
        .send_streaming_with_retries(&request, false, None)
        .await
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(seen.lock().unwrap().len(), 1);

    let (url, seen) = flaky(1).await;
    let service = service(&url);
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("x"))]);
    let request = service
        .request(Method::GET, &["t"])
        .unwrap()
        .body(Body::from_stream(chunks, Some(1)));
    let response = service
        .send_streaming_with_retries(&request, true, None)
        .await
        .unwrap();
    assert_eq!(response.status, 503);
    assert_eq!(seen.lock().unwrap().len(), 1);
}
