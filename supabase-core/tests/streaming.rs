//! Bodies that stream: a large upload and download through the service layer stay in
//! bounded memory, measured with a counting allocator for the whole process (client and
//! the local server together).
//!
//! The size is 1 GiB each way by default (about 3 s here: dependencies are built with
//! optimizations); `SUPABASE_STREAM_TEST_MIB=N` runs the same test with N MiB.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use bytes::Bytes;
use futures_util::StreamExt;
use peak_alloc::PeakAlloc;
use supabase_core::{Body, Config, Error, Method, Service};

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const CHUNK: usize = 64 * 1024;

fn test_bytes() -> u64 {
    std::env::var("SUPABASE_STREAM_TEST_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1024)
        * 1024
        * 1024
}

/// Generated chunks totalling `total` bytes.
fn generated(total: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let chunk = Bytes::from(vec![0x5a; CHUNK]);
    let full = total / CHUNK as u64;
    let rest = (total % CHUNK as u64) as usize;
    futures_util::stream::iter(0..full)
        .map(move |_| Ok(chunk.clone()))
        .chain(futures_util::stream::iter(
            (rest > 0).then(|| Ok(Bytes::from(vec![0x5a; rest]))),
        ))
}

/// A server that counts what it is sent and sends what it is asked for, never holding a
/// body. Shut down when the returned sender is dropped.
async fn serve() -> (String, Arc<AtomicU64>, tokio::sync::oneshot::Sender<()>) {
    let received = Arc::new(AtomicU64::new(0));
    let app = Router::new()
        .route(
            "/storage/v1/sink",
            put(
                |State(count): State<Arc<AtomicU64>>, body: axum::body::Body| async move {
                    let mut stream = body.into_data_stream();
                    while let Some(chunk) = stream.next().await {
                        count.fetch_add(chunk.unwrap().len() as u64, Ordering::Relaxed);
                    }
                    "ok"
                },
            ),
        )
        .route(
            "/storage/v1/source/{n}",
            get(|Path(n): Path<u64>| async move { axum::body::Body::from_stream(generated(n)) }),
        )
        .with_state(Arc::clone(&received));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (format!("http://{addr}"), received, stop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_upload_and_download_stream_in_bounded_memory() {
    let total = test_bytes();
    let (url, received, _stop) = serve().await;
    let config = Config::new(&url, "key").unwrap();
    let storage = Service::from_config(&config, "storage/v1").unwrap();
    PEAK.reset_peak_usage();

    // Upload from a stream with a known length: Content-Length, not chunked.
    let request = storage
        .request(Method::PUT, &["sink"])
        .unwrap()
        .body(Body::from_stream(generated(total), Some(total)));
    let response = storage.send(&request, true).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(received.load(Ordering::Relaxed), total);

    // Download as a stream, counted chunk by chunk.
    let request = storage
        .request(Method::GET, &["source", &total.to_string()])
        .unwrap();
    let answer = storage.send_streaming(&request, Some(total)).await.unwrap();
    assert_eq!(answer.status, 200);
    let mut body = answer.body;
    let mut downloaded = 0u64;
    while let Some(chunk) = body.next().await {
        downloaded += chunk.unwrap().len() as u64;
    }
    assert_eq!(downloaded, total);

    let peak_mib = PEAK.peak_usage_as_mb();
    println!(
        "streamed {} MiB up and {} MiB down; peak heap {peak_mib:.1} MiB",
        total >> 20,
        total >> 20
    );
    assert!(peak_mib < 64.0, "peak heap {peak_mib:.1} MiB");
}

#[tokio::test]
async fn a_stream_longer_than_the_limit_fails_and_a_stream_body_is_sent_once() {
    let (url, _received, _stop) = serve().await;
    let config = Config::new(&url, "key").unwrap();
    let storage = Service::from_config(&config, "storage/v1").unwrap();

    // No Content-Length from a streamed answer: the limit is enforced as bytes arrive.
    let request = storage.request(Method::GET, &["source", "300000"]).unwrap();
    let answer = storage
        .send_streaming(&request, Some(100_000))
        .await
        .unwrap();
    let mut body = answer.body;
    let mut failed = None;
    while let Some(chunk) = body.next().await {
        if let Err(e) = chunk {
            failed = Some(e);
            break;
        }
    }
    assert!(
        matches!(failed, Some(Error::ResponseTooLarge { limit: 100_000 })),
        "{failed:?}"
    );

    // A stream body is read once; sending the same request again is a typed error.
    let request = storage
        .request(Method::PUT, &["sink"])
        .unwrap()
        .body(Body::from_stream(generated(10), None));
    storage.send(&request, true).await.unwrap();
    assert!(matches!(
        storage.send(&request, true).await,
        Err(Error::InvalidInput(_))
    ));
}
