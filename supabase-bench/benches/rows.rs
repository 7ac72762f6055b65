//! PostgREST rows that stream (issue 17, item 4): `stream::<T>()` against buffered
//! `execute::<T>()` over the same 1,000,000 rows from a loopback server. Targets: the stream's
//! throughput at least 0.95x the buffered decode's (paired: each round runs both, in
//! alternating order, and the median of the per-round ratios is reported), and its peak heap
//! under 16 MiB.
//!
//! The server sends one pre-generated body (about 100 MB of JSON) in 64 KiB slices, so both
//! sides receive the same bytes and the server does next to no work while they are timed.
//! A counting global allocator (`peak_alloc`) measures the peak heap of the whole process
//! during one extra run of each side, above what was in use before it started (the
//! pre-generated body, held by the server, is excluded that way); both sides run under the
//! same allocator when timed.
//!
//! No criterion here: a run takes about a second. `SUPABASE_BENCH_QUICK=1` runs 3 rounds
//! instead of 7. The results are printed and written to `$SUPABASE_BENCH_OUT/rows.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures_util::StreamExt;
use peak_alloc::PeakAlloc;
use serde::Deserialize;
use supabase::postgrest::PostgrestClient;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const ROWS: u64 = 1_000_000;
const SLICE: usize = 64 * 1024;
const HEAP_TARGET: f64 = 16.0;
const RATIO_TARGET: f64 = 0.95;

#[derive(Debug, Deserialize)]
struct Todo {
    id: u64,
    title: String,
    done: bool,
    tags: Vec<String>,
}

fn body(total: u64) -> Bytes {
    let mut out = String::with_capacity(total as usize * 110);
    out.push('[');
    for id in 0..total {
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
    out.push(']');
    Bytes::from(out)
}

async fn server(body: Bytes) -> String {
    let app = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move {
            let len = body.len();
            let slices = futures_util::stream::iter((0..len).step_by(SLICE)).map(move |from| {
                Ok::<_, std::io::Error>(body.slice(from..(from + SLICE).min(len)))
            });
            Response::builder()
                .header("content-type", "application/json")
                .header("content-length", len.to_string())
                .body(Body::from_stream(slices))
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/rest/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// What a consumer does with each row: enough to keep the decoder's work.
fn touch(todo: &Todo) -> u64 {
    todo.id + todo.title.len() as u64 + u64::from(todo.done) + todo.tags.len() as u64
}

/// Seconds to stream every row, and a checksum.
async fn streamed(db: &PostgrestClient) -> (f64, u64) {
    let t = Instant::now();
    let mut rows = db.from("todos").select("*").stream::<Todo>().await.unwrap();
    let (mut n, mut sum) = (0u64, 0u64);
    while let Some(row) = rows.next().await {
        sum += touch(&row.unwrap());
        n += 1;
    }
    assert_eq!(n, ROWS);
    (t.elapsed().as_secs_f64(), sum)
}

/// Seconds to read the whole answer and decode it as `Vec<Todo>`, and a checksum.
async fn buffered(db: &PostgrestClient) -> (f64, u64) {
    let t = Instant::now();
    let rows = db
        .from("todos")
        .select("*")
        .execute::<Todo>()
        .await
        .unwrap()
        .data;
    assert_eq!(rows.len() as u64, ROWS);
    let sum = rows.iter().map(touch).sum();
    drop(rows);
    (t.elapsed().as_secs_f64(), sum)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Peak heap (MiB) of the whole process above its use at the start, while `run` runs.
async fn peak_mib<F: std::future::Future<Output = (f64, u64)>>(run: F) -> f64 {
    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    run.await;
    ALLOCATOR.peak_usage().saturating_sub(start) as f64 / 1048576.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::var("SUPABASE_BENCH_QUICK").as_deref() == Ok("1");
    let rounds = if quick { 3 } else { 7 };
    let body = body(ROWS);
    let body_mib = body.len() as f64 / 1048576.0;
    let url = server(body).await;
    let db = PostgrestClient::new(&url, "anon-key").unwrap();

    // Warm-up (connection, allocator, page faults), and the checksums agree.
    let (_, a) = streamed(&db).await;
    let (_, b) = buffered(&db).await;
    assert_eq!(a, b);

    let (mut ratios, mut stream_secs, mut buffered_secs) = (vec![], vec![], vec![]);
    for round in 0..rounds {
        let (s, b) = if round % 2 == 0 {
            let s = streamed(&db).await.0;
            (s, buffered(&db).await.0)
        } else {
            let b = buffered(&db).await.0;
            (streamed(&db).await.0, b)
        };
        // Throughput ratio stream / buffered = time buffered / time stream.
        ratios.push(b / s);
        stream_secs.push(s);
        buffered_secs.push(b);
    }
    let stream_peak = peak_mib(streamed(&db)).await;
    let buffered_peak = peak_mib(buffered(&db)).await;

    let ratio = median(ratios.clone());
    let (s, b) = (median(stream_secs), median(buffered_secs));
    let rows_per_sec = |secs: f64| ROWS as f64 / secs / 1e6;
    let mut out = String::new();
    writeln!(
        out,
        "| {ROWS} rows ({body_mib:.0} MiB of JSON), loopback, {rounds} paired rounds | `stream::<T>()` | `execute::<T>()` (buffered) | ratio | target |\n| --- | --- | --- | --- | --- |"
    )
    .unwrap();
    writeln!(
        out,
        "| throughput (median) | {:.2} M rows/s ({s:.3} s) | {:.2} M rows/s ({b:.3} s) | {ratio:.3}x (per-round ratios {}) | >= {RATIO_TARGET:.2}x: {} |",
        rows_per_sec(s),
        rows_per_sec(b),
        ratios
            .iter()
            .map(|r| format!("{r:.3}"))
            .collect::<Vec<_>>()
            .join(", "),
        if ratio >= RATIO_TARGET { "met" } else { "NOT met" }
    )
    .unwrap();
    writeln!(
        out,
        "| peak heap of the whole process above its start (`peak_alloc`) | {stream_peak:.2} MiB | {buffered_peak:.1} MiB | | stream < {HEAP_TARGET:.0} MiB: {} |",
        if stream_peak < HEAP_TARGET { "met" } else { "NOT met" }
    )
    .unwrap();
    println!("\n{out}");
    if let Ok(dir) = std::env::var("SUPABASE_BENCH_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join("rows.md"), &out).unwrap();
    }
}
