//! The hyper-util connector's own guarantees (feature `hyper`): same-origin redirects only
//! (the other origin receives nothing), the time limit covering the body, secret headers
//! marked sensitive, bodies streamed both ways, the error kinds retries are decided from.
//! Local servers only; waits on tokio's paused clock.
#![cfg(feature = "hyper")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap as AxumHeaders, Method as AxumMethod, StatusCode as AxumStatus, Uri};
use axum::response::IntoResponse;
use axum::routing::any;
use bytes::Bytes;
use futures_util::StreamExt;
use supabase_core::{
    Body, BoxFuture, Config, ConnectorResponse, Error, HttpConnector, HyperConnector, Method,
    ProjectKeyProvider, Request, Transport, TransportErrorKind, Url,
};
use tokio::io::AsyncWriteExt;

const KEY: &str = "project-key-never-elsewhere";

/// What a server saw: method, path, `apikey`, body length.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>, usize)>>>;

#[derive(Clone)]
struct App {
    seen: Seen,
    other: String,
    received: Arc<AtomicU64>,
}

async fn handle(
    State(app): State<App>,
    method: AxumMethod,
    uri: Uri,
    headers: AxumHeaders,
    body: axum::body::Body,
) -> axum::response::Response {
    let mut stream = body.into_data_stream();
    let mut length = 0usize;
    while let Some(chunk) = stream.next().await {
        length += chunk.unwrap().len();
    }
    app.received.fetch_add(length as u64, Ordering::Relaxed);
    let path = uri.path().to_owned();
    let apikey = headers
        .get("apikey")
        .map(|v| v.to_str().unwrap().to_owned());
    app.seen
        .lock()
        .unwrap()
        .push((method.to_string(), path.clone(), apikey, length));
    let redirect = |status: u16, to: String| {
        (
            AxumStatus::from_u16(status).unwrap(),
            [("location", to)],
            "",
        )
            .into_response()
    };
    match path.as_str() {
        "/old" => redirect(307, "/new?from=old".into()),
        "/see-other" => redirect(303, "/new".into()),
        "/away" => redirect(302, format!("{}/stolen", app.other)),
        "/loop" => redirect(302, "/loop".into()),
        "/new" => format!("{method} {length}").into_response(),
        _ => (AxumStatus::OK, format!("{length}")).into_response(),
    }
}

async fn download(Path(n): Path<u64>) -> axum::response::Response {
    let chunk = Bytes::from(vec![7u8; 16 * 1024]);
    let chunks = n / chunk.len() as u64;
    axum::body::Body::from_stream(
        futures_util::stream::iter(0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    )
    .into_response()
}

/// A server; `other` is where `/away` redirects.
async fn server(other: &str) -> (String, Seen, Arc<AtomicU64>) {
    let seen: Seen = Arc::default();
    let received = Arc::new(AtomicU64::new(0));
    let app = Router::new()
        .route("/download/{n}", any(download))
        .fallback(handle)
        .with_state(App {
            seen: Arc::clone(&seen),
            other: other.to_owned(),
            received: Arc::clone(&received),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen, received)
}

fn transport(url: &str, connector: Arc<dyn HttpConnector>) -> Transport {
    Config::new(url, KEY)
        .unwrap()
        .connector(connector)
        .transport()
        .unwrap()
}

fn hyper() -> Arc<dyn HttpConnector> {
    Arc::new(HyperConnector::new().unwrap())
}

fn get(url: &str, path: &str) -> Request {
    Request::new(Method::GET, Url::parse(&format!("{url}{path}")).unwrap())
}

/// The error and its sources, as text.
fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(" <- ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[tokio::test(start_paused = true)]
async fn a_same_origin_redirect_is_followed_with_the_key_and_the_body_when_it_may() {
    let (url, seen, _) = server("http://127.0.0.1:9").await;
    let transport = transport(&url, hyper());
    let answer = transport
        .send(get(&url, "/old"), &ProjectKeyProvider)
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.text().unwrap(), "GET 0");

    // 307 keeps the method and sends the bytes body again; 303 turns a POST into a GET.
    let put =
        Request::new(Method::PUT, Url::parse(&format!("{url}/old")).unwrap()).body("twelve bytes");
    let answer = transport.send(put, &ProjectKeyProvider).await.unwrap();
    assert_eq!(answer.text().unwrap(), "PUT 12");
    let post = Request::new(
        Method::POST,
        Url::parse(&format!("{url}/see-other")).unwrap(),
    )
    .body("twelve bytes");
    let answer = transport.send(post, &ProjectKeyProvider).await.unwrap();
    assert_eq!(answer.text().unwrap(), "GET 0");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 6, "{seen:?}");
    for (_, path, apikey, _) in &seen {
        assert_eq!(apikey.as_deref(), Some(KEY), "{path}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_redirect_to_another_origin_is_refused_and_the_other_origin_receives_nothing() {
    let (other, other_seen, _) = server("http://127.0.0.1:9").await;
    let (url, seen, _) = server(&other).await;
    let transport = transport(&url, hyper());
    for streaming in [false, true] {
        let request = get(&url, "/away");
        let err = if streaming {
            transport
                .send_streaming(&request, &ProjectKeyProvider, None)
                .await
                .unwrap_err()
        } else {
            transport
                .send(request, &ProjectKeyProvider)
                .await
                .unwrap_err()
        };
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportErrorKind::Redirect,
                    ..
                }
            ),
            "{err:?}"
        );
        let text = chain(&err);
        assert!(text.contains("another origin"), "{text}");
        assert!(!text.contains(&other), "the error names the target: {text}");
        assert!(!err.is_retryable());
    }
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(other_seen.lock().unwrap().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_redirect_loop_ends_after_ten_redirects() {
    let (url, seen, _) = server("http://127.0.0.1:9").await;
    let err = transport(&url, hyper())
        .send(get(&url, "/loop"), &ProjectKeyProvider)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Redirect,
                ..
            }
        ),
        "{err:?}"
    );
    // The original request and 10 redirects, as with reqwest's policy.
    assert_eq!(seen.lock().unwrap().len(), 11);
}

/// A server that answers every connection with `head` and then holds the connection open,
/// sending nothing more.
async fn stalling_server(head: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
                socket.write_all(head).await.unwrap();
                tokio::time::sleep(Duration::from_secs(3600)).await;
                drop(socket);
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(start_paused = true)]
async fn the_time_limit_covers_a_body_that_stalls() {
    let url = stalling_server(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789").await;
    // The configured limit, for the buffered road.
    let transport = Config::new(&url, KEY)
        .unwrap()
        .timeout(Duration::from_secs(5))
        .connector(hyper())
        .transport()
        .unwrap();
    let started = tokio::time::Instant::now();
    let err = transport
        .send(get(&url, "/"), &ProjectKeyProvider)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(err.is_retryable());
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
        "{waited:?}"
    );

    // A per-request limit, for the streamed road: the head arrives, the body runs out of time.
    let started = tokio::time::Instant::now();
    let answer = transport
        .send_streaming(
            &get(&url, "/").timeout(Duration::from_secs(2)),
            &ProjectKeyProvider,
            None,
        )
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let mut body = answer.body;
    assert_eq!(body.next().await.unwrap().unwrap(), "0123456789");
    let err = body.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_times_out() {
    let url = stalling_server(b"").await;
    let err = transport(&url, hyper())
        .send(
            get(&url, "/").timeout(Duration::from_secs(3)),
            &ProjectKeyProvider,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn failures_have_the_kinds_retries_are_decided_from() {
    // Nobody listening: nothing was sent.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = transport(&url, hyper())
        .send(get(&url, "/"), &ProjectKeyProvider)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!chain(&err).contains(&url), "{err}");

    // An answer cut short of its Content-Length.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut buffer).await;
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n[{\"id\":1")
            .await
            .unwrap();
    });
    let err = transport(&url, hyper())
        .send(get(&url, "/"), &ProjectKeyProvider)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportErrorKind::Body,
                ..
            }
        ),
        "{err:?}"
    );
}

/// A middleware connector: records whether the secret headers arrive marked sensitive, then
/// hands the request on.
#[derive(Debug)]
struct Recording {
    inner: Arc<dyn HttpConnector>,
    sensitive: Mutex<Vec<(String, bool)>>,
    calls: AtomicUsize,
}

impl HttpConnector for Recording {
    fn send(
        &self,
        request: supabase_core::http::Request<Body>,
        timeout: Option<Duration>,
    ) -> BoxFuture<'_, Result<ConnectorResponse, Error>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut sensitive = self.sensitive.lock().unwrap();
        for (name, value) in request.headers() {
            sensitive.push((name.as_str().to_owned(), value.is_sensitive()));
        }
        self.inner.send(request, timeout)
    }
}

#[tokio::test(start_paused = true)]
async fn secret_headers_reach_the_connector_marked_sensitive_and_stay_out_of_debug() {
    let (url, seen, _) = server("http://127.0.0.1:9").await;
    let recording = Arc::new(Recording {
        inner: hyper(),
        sensitive: Mutex::default(),
        calls: AtomicUsize::new(0),
    });
    let transport = Config::new(&url, KEY)
        .unwrap()
        .header("authorization", "Bearer global-secret-token")
        .unwrap()
        .connector(recording.clone())
        .transport()
        .unwrap();
    let answer = transport
        .send_streaming(&get(&url, "/x"), &ProjectKeyProvider, None)
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(recording.calls.load(Ordering::Relaxed), 1);
    let sensitive = recording.sensitive.lock().unwrap().clone();
    for name in ["apikey", "authorization"] {
        assert!(
            sensitive.iter().any(|(n, s)| n == name && *s),
            "{name}: {sensitive:?}"
        );
    }
    assert_eq!(seen.lock().unwrap()[0].2.as_deref(), Some(KEY));
    for debug in [format!("{transport:?}"), format!("{recording:?}")] {
        assert!(!debug.contains(KEY), "{debug}");
        assert!(!debug.contains("global-secret-token"), "{debug}");
    }
    assert!(format!("{transport:?}").contains("HyperConnector"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_stream_both_ways_and_the_size_limit_holds() {
    let (url, _, received) = server("http://127.0.0.1:9").await;
    let transport = Config::new(&url, KEY)
        .unwrap()
        .max_response_bytes(1024 * 1024)
        .connector(hyper())
        .transport()
        .unwrap();
    const SIZE: u64 = 8 * 1024 * 1024;
    for length in [Some(SIZE), None] {
        let chunks = futures_util::stream::iter(0..SIZE / 4096)
            .map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![1u8; 4096])));
        let request = Request::new(Method::PUT, Url::parse(&format!("{url}/sink")).unwrap())
            .body(Body::from_stream(chunks, length));
        let answer = transport.send(request, &ProjectKeyProvider).await.unwrap();
        assert_eq!(answer.text().unwrap(), SIZE.to_string(), "{length:?}");
    }
    assert_eq!(received.load(Ordering::Relaxed), 2 * SIZE);

    // Streamed down past the buffered limit, bounded by the caller's own.
    let answer = transport
        .send_streaming(
            &get(&url, &format!("/download/{SIZE}")),
            &ProjectKeyProvider,
            Some(SIZE),
        )
        .await
        .unwrap();
    let mut total = 0u64;
    let mut body = answer.body;
    while let Some(chunk) = body.next().await {
        total += chunk.unwrap().len() as u64;
    }
    assert_eq!(total, SIZE);
    // The buffered road refuses more than `max_response_bytes`.
    let err = transport
        .send(get(&url, &format!("/download/{SIZE}")), &ProjectKeyProvider)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

/// Under the workspace's internal `test-connector-env` feature, `cargo xtask test` re-runs the
/// transport's tests with `SUPABASE_TEST_CONNECTOR=hyper`: this checks that the variable
/// really switches the default transport to the hyper connector (and leaves it on reqwest
/// otherwise).
#[cfg(feature = "test-connector-env")]
#[test]
fn the_test_variable_picks_the_default_connector() {
    let transport = Config::new("http://127.0.0.1:9", KEY)
        .unwrap()
        .transport()
        .unwrap();
    let debug = format!("{transport:?}");
    if std::env::var("SUPABASE_TEST_CONNECTOR").as_deref() == Ok("hyper") {
        assert!(debug.contains("HyperConnector"), "{debug}");
        assert!(transport.http_client().is_none());
    } else {
        assert!(debug.contains("\"reqwest\""), "{debug}");
        assert!(transport.http_client().is_some());
    }
}
