//! Storage streaming: a 1 GiB upload and download through `supabase-storage` against raw
//! reqwest streaming on the same loopback server (target: at least 0.90x its throughput),
//! the process's peak resident memory (target: under 64 MiB), and a 100 MiB upload against
//! storage-js on Node: the one supabase-js 2.119.1 pins (2.119.1), from the folder `cargo xtask
//! bench` installs supabase-js into with npm (`SUPABASE_JS_DIR`, by default
//! `target/supabase-js`), or from `STORAGE_JS_DIR`; skipped, and said so, when it is missing.
//!
//! No criterion here: each transfer takes a second or more, so each side runs five times,
//! alternating, and the median is compared. `SUPABASE_BENCH_QUICK=1` moves 256 MiB instead.
//! The results are printed and written to `$SUPABASE_BENCH_OUT/storage.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use futures_util::StreamExt;
use supabase_storage::{DownloadOptions, FileOptions, StorageClient};

const CHUNK: usize = 64 * 1024;
static FILL: [u8; CHUNK] = [7u8; CHUNK];
const RUNS: usize = 5;

fn generated(total: u64) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let chunks = total / CHUNK as u64;
    let rest = (total % CHUNK as u64) as usize;
    futures_util::stream::iter(0..chunks)
        .map(|_| Ok(Bytes::from_static(&FILL)))
        .chain(futures_util::stream::iter(
            (rest > 0).then(|| Ok(Bytes::from_static(&FILL[..rest]))),
        ))
}

async fn server(size: u64, received: Arc<AtomicU64>) -> String {
    async fn handle(
        State((size, received)): State<(u64, Arc<AtomicU64>)>,
        method: Method,
        body: Body,
    ) -> Response {
        if method == Method::POST || method == Method::PUT {
            let mut stream = body.into_data_stream();
            let mut n = 0u64;
            while let Some(chunk) = stream.next().await {
                n += chunk.unwrap().len() as u64;
            }
            received.store(n, Ordering::SeqCst);
            return Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(r#"{"Key":"bench/big.bin","Id":"x"}"#))
                .unwrap();
        }
        Response::builder()
            .header("content-type", "application/octet-stream")
            .header("content-length", size.to_string())
            .body(Body::from_stream(generated(size)))
            .unwrap()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .fallback(handle)
        .with_state((size, received));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn vm_hwm_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::var("SUPABASE_BENCH_QUICK").as_deref() == Ok("1");
    let size: u64 = if quick { 256 } else { 1024 } * 1024 * 1024;
    let mib = size as f64 / 1048576.0;
    let received = Arc::new(AtomicU64::new(0));
    let base = server(size, Arc::clone(&received)).await;
    let object_url = format!("{base}/storage/v1/object/bench/big.bin");
    let storage = StorageClient::new(&format!("{base}/storage/v1"), "anon-key").unwrap();
    let api = storage.from("bench");
    let raw = supabase::supabase_core::http_client_builder()
        .unwrap()
        .redirect(reqwest::redirect::Policy::default())
        .build()
        .unwrap();

    let (mut ours_up, mut raw_up, mut ours_down, mut raw_down) = (vec![], vec![], vec![], vec![]);
    for _ in 0..RUNS {
        let t = Instant::now();
        api.upload_stream(
            "big.bin",
            generated(size),
            Some(size),
            &FileOptions::new().content_type("application/octet-stream"),
        )
        .await
        .unwrap();
        ours_up.push(mib / t.elapsed().as_secs_f64());
        assert_eq!(received.load(Ordering::SeqCst), size);

        let t = Instant::now();
        let response = raw
            .post(&object_url)
            .header("apikey", "anon-key")
            .bearer_auth("anon-key")
            .header("content-type", "application/octet-stream")
            .header("cache-control", "max-age=3600")
            .header("x-upsert", "false")
            .header("content-length", size)
            .body(reqwest::Body::wrap_stream(generated(size)))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.bytes().await.unwrap();
        raw_up.push(mib / t.elapsed().as_secs_f64());
        assert_eq!(received.load(Ordering::SeqCst), size);

        let t = Instant::now();
        let mut download = api
            .download_stream("big.bin", &DownloadOptions::new())
            .await
            .unwrap();
        let mut n = 0u64;
        while let Some(chunk) = download.next().await {
            n += chunk.unwrap().len() as u64;
        }
        assert_eq!(n, size);
        ours_down.push(mib / t.elapsed().as_secs_f64());

        let t = Instant::now();
        let mut stream = raw
            .get(&object_url)
            .header("apikey", "anon-key")
            .bearer_auth("anon-key")
            .send()
            .await
            .unwrap()
            .bytes_stream();
        let mut n = 0u64;
        while let Some(chunk) = stream.next().await {
            n += chunk.unwrap().len() as u64;
        }
        assert_eq!(n, size);
        raw_down.push(mib / t.elapsed().as_secs_f64());
    }
    let (ou, ru, od, rd) = (
        median(ours_up),
        median(raw_up),
        median(ours_down),
        median(raw_down),
    );
    let hwm = vm_hwm_mib();
    let mut out = String::new();
    out.push_str(&format!(
        "| Storage streaming, {mib:.0} MiB, median of {RUNS} | supabase-storage | raw reqwest | ratio | target |\n| --- | --- | --- | --- | --- |\n"
    ));
    out.push_str(&format!(
        "| upload (stream body, Content-Length) | {ou:.0} MiB/s | {ru:.0} MiB/s | {:.2}x | >= 0.90x: {} |\n",
        ou / ru,
        if ou / ru >= 0.90 { "met" } else { "NOT met" }
    ));
    out.push_str(&format!(
        "| download (chunk stream) | {od:.0} MiB/s | {rd:.0} MiB/s | {:.2}x | >= 0.90x: {} |\n",
        od / rd,
        if od / rd >= 0.90 { "met" } else { "NOT met" }
    ));
    out.push_str(&format!(
        "| peak resident memory of the whole process (VmHWM: client, raw client and server) | {hwm:.1} MiB | | | < 64 MiB: {} |\n",
        if hwm < 64.0 { "met" } else { "NOT met" }
    ));

    // storage-js on Node, 100 MiB from a Buffer (its usual way: the whole body in memory).
    let node_size: u64 = 100 * 1024 * 1024;
    let t = Instant::now();
    api.upload_stream(
        "big.bin",
        generated(node_size),
        Some(node_size),
        &FileOptions::new(),
    )
    .await
    .unwrap();
    let ours_100 = t.elapsed().as_secs_f64();
    // `cargo xtask bench` installs supabase-js 2.119.1 (which pins storage-js 2.119.1) there
    // with npm and says where; `STORAGE_JS_DIR` points elsewhere.
    let dir = std::env::var("STORAGE_JS_DIR")
        .ok()
        .or_else(|| std::env::var("SUPABASE_JS_DIR").ok())
        .filter(|dir| !dir.is_empty())
        .unwrap_or_else(|| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/supabase-js").to_owned()
        });
    let script = format!(
        r#"import {{ StorageClient }} from '@supabase/storage-js';
const s = new StorageClient('{base}/storage/v1', {{ apikey: 'anon-key', Authorization: 'Bearer anon-key' }});
const body = Buffer.alloc({node_size}, 7);
const t = process.hrtime.bigint();
const {{ error }} = await s.from('bench').upload('big.bin', body, {{ contentType: 'application/octet-stream' }});
const secs = Number(process.hrtime.bigint() - t) / 1e9;
if (error) {{ console.error(error); process.exit(1); }}
console.log(JSON.stringify({{ secs, rss: process.memoryUsage().rss }}));
"#
    );
    let node = std::path::Path::new(&dir).join("node_modules/@supabase/storage-js");
    let storage_js_version = std::fs::read_to_string(node.join("package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "(unknown version)".to_owned());
    if node.is_dir() {
        let path = std::path::Path::new(&dir).join("bench-upload.mjs");
        std::fs::write(&path, script).unwrap();
        let cwd = dir.clone();
        // Blocking, on a blocking thread: the server keeps running on the runtime.
        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new("node")
                .arg(&path)
                .current_dir(&cwd)
                .output()
        })
        .await
        .unwrap();
        match output {
            Ok(o) if o.status.success() => {
                let v: serde_json::Value =
                    serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
                let secs = v["secs"].as_f64().unwrap_or(f64::NAN);
                let rss = v["rss"].as_f64().unwrap_or(f64::NAN) / 1048576.0;
                out.push_str(&format!(
                    "| 100 MiB upload: supabase-storage (stream) {:.0} ms vs storage-js {storage_js_version} on Node {} (Buffer) {:.0} ms (Node takes {:.1}x as long); Node RSS after: {rss:.0} MiB | | | | |\n",
                    ours_100 * 1000.0,
                    String::from_utf8_lossy(
                        &std::process::Command::new("node").arg("--version").output().map(|o| o.stdout).unwrap_or_default()
                    ).trim(),
                    secs * 1000.0,
                    secs / ours_100,
                ));
            }
            other => out.push_str(&format!("| storage-js run failed: {other:?} | | | | |\n")),
        }
    } else {
        out.push_str(&format!(
            "| storage-js comparison skipped: no {} | | | | |\n",
            node.display()
        ));
    }
    println!("\n{out}");
    if let Ok(dir) = std::env::var("SUPABASE_BENCH_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join("storage.md"), &out).unwrap();
    }
}
