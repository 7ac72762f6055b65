//! `stream::<T>()` keeps memory flat: a loopback server generates a JSON array of rows
//! chunk by chunk, the client decodes them one by one, and a counting global allocator
//! (`peak_alloc`) measures the peak heap of the whole process (client and server) meanwhile.
//!
//! 200,000 rows (about 20 MB of JSON, more than the bound: a client that read the whole answer
//! before decoding it could not pass) by default, which keeps the debug test short enough to
//! run hundreds of times in `cargo xtask stress`; `POSTGREST_STREAM_ROWS=<n> cargo test -p
//! supabase-sdk-postgrest --test stream_memory -- --nocapture` runs another count (1,000,000
//! for the figure in RELIABILITY.md; `supabase-bench/benches/rows.rs` measures that count in
//! release). The bound is 16 MiB of heap at any count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures_util::StreamExt;
use peak_alloc::PeakAlloc;
use serde::Deserialize;
use supabase_postgrest::PostgrestClient;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const LIMIT: usize = 16 * 1024 * 1024;
const ROWS_PER_CHUNK: u64 = 500;
/// Bytes of JSON the server has sent.
static SENT: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Todo {
    id: u64,
    title: String,
    done: bool,
    tags: Vec<String>,
}

/// Rows streamed unless `POSTGREST_STREAM_ROWS` says otherwise: enough that the answer is
/// larger than `LIMIT` (asserted), so a client that buffers it fails.
const DEFAULT_ROWS: u64 = 200_000;

fn rows() -> u64 {
    std::env::var("POSTGREST_STREAM_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ROWS)
}

/// `[row, row, …]` of `total` rows, `ROWS_PER_CHUNK` rows a chunk.
fn generated(total: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let chunks = total.div_ceil(ROWS_PER_CHUNK);
    futures_util::stream::iter(0..chunks.max(1)).map(move |c| {
        let mut out = String::with_capacity(48 * 1024);
        if c == 0 {
            out.push('[');
        }
        let first = c * ROWS_PER_CHUNK;
        for id in first..(first + ROWS_PER_CHUNK).min(total) {
            if id > 0 {
                out.push(',');
            }
            write!(
                out,
                r#"{{"id":{id},"title":"todo \"{id}\", with [brackets] and {{braces}}","done":{},"tags":["a","b\\c"]}}"#,
                id % 2 == 0
            )
            .unwrap();
        }
        if c + 1 >= chunks {
            out.push(']');
        }
        SENT.fetch_add(out.len() as u64, Ordering::Relaxed);
        Ok(Bytes::from(out))
    })
}

async fn server(total: u64) -> String {
    let app = axum::Router::new().fallback(move || async move {
        Response::builder()
            .header("content-type", "application/json")
            .body(Body::from_stream(generated(total)))
            .unwrap()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/rest/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_stream_in_under_16_mib_of_heap() {
    let total = rows();
    let url = server(total).await;
    let db = PostgrestClient::new(&url, "anon-key").unwrap();

    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let t = Instant::now();
    let mut stream = db.from("todos").select("*").stream::<Todo>().await.unwrap();
    let mut n = 0u64;
    let mut sum = 0u64;
    while let Some(row) = stream.next().await {
        let row = row.unwrap();
        assert_eq!(row.id, n);
        sum += row.title.len() as u64;
        n += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    // The whole process's peak (client, server, runtime, test harness), and its rise.
    let peak = ALLOCATOR.peak_usage();
    assert_eq!(n, total);
    assert!(sum > 0);
    println!(
        "stream of {total} rows: {secs:.2} s ({:.0} rows/s), whole-process peak heap {:.2} MiB \
         ({:.2} MiB in use at the start)",
        total as f64 / secs,
        peak as f64 / 1048576.0,
        start as f64 / 1048576.0,
    );
    assert!(peak < LIMIT, "peak heap {peak} bytes");
    let sent = SENT.load(Ordering::Relaxed);
    println!("{:.1} MB of JSON", sent as f64 / 1e6);
    if total >= DEFAULT_ROWS {
        // The answer is larger than the bound: holding it whole would have failed.
        assert!(sent > LIMIT as u64, "only {sent} bytes sent");
    }
}
