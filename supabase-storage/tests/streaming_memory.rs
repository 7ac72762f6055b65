//! Streaming keeps memory flat: an upload of a generated body and a download consumed chunk
//! by chunk, through the crate's streaming paths, against a loopback server that discards
//! and generates bytes. A counting global allocator (`peak_alloc`) measures the peak heap of
//! the whole process (client and server) during each transfer.
//!
//! The size is 1 GiB by default (about two seconds in a debug build on loopback);
//! `STORAGE_STREAM_MIB=<n> cargo test -p supabase-sdk-storage --test streaming_memory
//! -- --nocapture` measures another size. The bound is 64 MiB of heap at any size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use futures_util::StreamExt;
use peak_alloc::PeakAlloc;
use supabase_storage::{DownloadOptions, FileOptions, StorageClient};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const CHUNK: usize = 64 * 1024;
static ZEROS: [u8; CHUNK] = [7u8; CHUNK];
const LIMIT: usize = 64 * 1024 * 1024;
/// The allocator counts the whole process: the tests take turns.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn size() -> u64 {
    std::env::var("STORAGE_STREAM_MIB")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(1024)
        * 1024
        * 1024
}

fn generated(total: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let chunks = total / CHUNK as u64;
    let rest = (total % CHUNK as u64) as usize;
    futures_util::stream::iter(0..chunks)
        .map(|_| Ok(Bytes::from_static(&ZEROS)))
        .chain(futures_util::stream::iter(
            (rest > 0).then(|| Ok(Bytes::from_static(&ZEROS[..rest]))),
        ))
}

/// Discards uploads (counting the bytes) and generates downloads of `size` bytes.
async fn sink_server(size: u64, received: Arc<AtomicU64>) -> String {
    async fn handle(
        State((size, received)): State<(u64, Arc<AtomicU64>)>,
        method: Method,
        uri: Uri,
        body: Body,
    ) -> Response {
        if method == Method::POST {
            let mut stream = body.into_data_stream();
            let mut n = 0u64;
            while let Some(chunk) = stream.next().await {
                n += chunk.unwrap().len() as u64;
            }
            received.store(n, Ordering::SeqCst);
            let key = uri
                .path()
                .trim_start_matches("/storage/v1/object/")
                .to_owned();
            return Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(format!(r#"{{"Key":"{key}","Id":"x"}}"#)))
                .unwrap();
        }
        Response::builder()
            .header("content-type", "application/octet-stream")
            .header("content-length", size.to_string())
            .body(Body::from_stream(generated(size)))
            .unwrap()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/storage/v1", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .fallback(handle)
        .with_state((size, received));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn vm_hwm_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_upload_and_download_stay_under_64_mib() {
    let _turn = SERIAL.lock().await;
    let size = size();
    let received = Arc::new(AtomicU64::new(0));
    let url = sink_server(size, Arc::clone(&received)).await;
    let storage = StorageClient::new(&url, "anon-key").unwrap();
    let api = storage.from("big");

    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let t = Instant::now();
    let up = api
        .upload_stream(
            "big.bin",
            generated(size),
            Some(size),
            &FileOptions::new().content_type("application/octet-stream"),
        )
        .await
        .unwrap();
    let up_secs = t.elapsed().as_secs_f64();
    let up_peak = ALLOCATOR.peak_usage().saturating_sub(start);
    assert_eq!(up.full_path, "big/big.bin");
    assert_eq!(received.load(Ordering::SeqCst), size);

    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let t = Instant::now();
    let mut download = api
        .download_stream("big.bin", &DownloadOptions::new())
        .await
        .unwrap();
    assert_eq!(download.content_length, Some(size));
    let mut total = 0u64;
    while let Some(chunk) = download.next().await {
        total += chunk.unwrap().len() as u64;
    }
    let down_secs = t.elapsed().as_secs_f64();
    let down_peak = ALLOCATOR.peak_usage().saturating_sub(start);
    assert_eq!(total, size);

    let mib = size as f64 / (1024.0 * 1024.0);
    println!(
        "streaming {mib:.0} MiB: upload {:.0} MiB/s, peak heap {:.1} MiB; download {:.0} MiB/s, \
         peak heap {:.1} MiB; process VmHWM {:?} KiB",
        mib / up_secs,
        up_peak as f64 / 1048576.0,
        mib / down_secs,
        down_peak as f64 / 1048576.0,
        vm_hwm_kib()
    );
    assert!(up_peak < LIMIT, "upload peak heap {up_peak} bytes");
    assert!(down_peak < LIMIT, "download peak heap {down_peak} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_to_file_stays_under_64_mib() {
    let _turn = SERIAL.lock().await;
    let size: u64 = 256 * 1024 * 1024;
    let received = Arc::new(AtomicU64::new(0));
    let url = sink_server(size, Arc::clone(&received)).await;
    let api = StorageClient::new(&url, "anon-key").unwrap().from("big");
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    // A sparse file: no disk blocks, read back as zeros.
    std::fs::File::create(&src).unwrap().set_len(size).unwrap();

    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    api.upload_file("big.bin", &src, &FileOptions::new())
        .await
        .unwrap();
    let up_peak = ALLOCATOR.peak_usage().saturating_sub(start);
    assert_eq!(received.load(Ordering::SeqCst), size);

    let dest = dir.path().join("dest.bin");
    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let written = api
        .download_to_file("big.bin", &dest, &DownloadOptions::new())
        .await
        .unwrap();
    let down_peak = ALLOCATOR.peak_usage().saturating_sub(start);
    assert_eq!(written, size);
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), size);
    println!(
        "file to file 256 MiB: upload_file peak heap {:.1} MiB, download_to_file peak heap {:.1} MiB",
        up_peak as f64 / 1048576.0,
        down_peak as f64 / 1048576.0
    );
    assert!(up_peak < LIMIT && down_peak < LIMIT);
}
