//! Realtime: `postgres_changes` messages decoded per second on one core, our client
//! (`supabase-realtime`) against realtime-js on Node receiving the same frames from the same
//! local server, and the memory each joined channel costs both.
//!
//! The server is a websocket server in this process, on its own thread (a current-thread
//! Tokio runtime): it answers joins as Supabase Realtime does (`phx_reply` ok with the
//! `postgres_changes` bindings the client asked for, numbered by the server, then the
//! `system` message), answers heartbeats, and after the join of `realtime:todos` sends N
//! pre-encoded `postgres_changes` INSERT frames as fast as the socket takes them (1,000
//! distinct frames, in turn, each a row of 10 columns as the real server sends it).
//!
//! - Ours: on a current-thread Tokio runtime (one core), `ChannelBuilder::postgres_changes::<Todo>`
//!   on `public.todos`, each change decoded into a typed struct (serde); timed from the first
//!   change decoded to the last.
//! - realtime-js (the one supabase-js 2.119.1 pins, from the folder `cargo xtask bench`
//!   installs supabase-js into: `SUPABASE_JS_DIR`, by default `target/supabase-js`):
//!   `supabase-bench/js/realtime.cjs`, a `RealtimeClient` with `ws` as its transport, the
//!   same binding, timed from the first callback to the last. Skipped, and said so, when Node
//!   or the package is missing.
//! - Both must receive and decode every message (count, sum of the ids, fields checked);
//!   the bench fails otherwise. Five runs each, alternating, and the median is reported.
//! - Memory per joined channel: K channels joined one after the other, each with one
//!   binding; ours in a separate process (`src/bin/realtime_memory.rs`: live heap bytes
//!   counted by a global allocator, and resident set growth), realtime-js with
//!   `--expose-gc` (`heapUsed` after a forced GC, and resident set growth).
//!
//! N = 200,000 and K = 1,000; `SUPABASE_BENCH_QUICK=1`: 20,000 and 200. The results are
//! printed and written to `$SUPABASE_BENCH_OUT/realtime.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use supabase_realtime::{ChangeKind, PostgresChangesFilter, PostgresEvent, RealtimeClient};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

const RUNS: usize = 5;
const MEMORY_RUNS: usize = 3;
/// Distinct frames the server cycles through (row ids 1..=FRAMES).
const FRAMES: usize = 1_000;
const TOPIC: &str = "realtime:todos";
/// The first id the server gives the bindings of a join.
const BINDING_ID: u64 = 30_636_876;
/// How long one client may take to receive every message before the bench fails.
const DEADLINE: Duration = Duration::from_secs(300);

/// The row, as the application declares it.
#[derive(Debug, Deserialize)]
struct Todo {
    id: i64,
    user_id: String,
    title: String,
    description: Option<String>,
    done: bool,
    priority: i32,
    tags: Vec<String>,
    metadata: Metadata,
    inserted_at: String,
    updated_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    source: String,
    version: i64,
}

impl Todo {
    /// Whether every field holds what the server sent for row `id`.
    fn is_row(&self) -> bool {
        self.user_id.len() == 36
            && self.title.ends_with(&format!("#{}", self.id))
            && self.description.is_some()
            && self.done == (self.id % 2 == 0)
            && self.priority == (self.id % 5) as i32
            && self.tags.len() == 2
            && self.metadata.source == "web"
            && self.metadata.version == 3
            && self.inserted_at.starts_with("2026-")
            && self.updated_at.is_none()
    }
}

/// The pre-encoded frames: `postgres_changes` INSERTs of rows 1..=FRAMES on `public.todos`,
/// as Supabase Realtime sends them (values already typed, the column types listed).
fn frames() -> Vec<Utf8Bytes> {
    (1..=FRAMES as u64)
        .map(|id| {
            let frame = json!([null, null, TOPIC, "postgres_changes", {
                "ids": [BINDING_ID],
                "data": {
                    "schema": "public",
                    "table": "todos",
                    "commit_timestamp": "2026-12-01T12:00:00.123Z",
                    "type": "INSERT",
                    "errors": null,
                    "columns": [
                        {"name": "id", "type": "int8"},
                        {"name": "user_id", "type": "uuid"},
                        {"name": "title", "type": "text"},
                        {"name": "description", "type": "text"},
                        {"name": "done", "type": "bool"},
                        {"name": "priority", "type": "int4"},
                        {"name": "tags", "type": "_text"},
                        {"name": "metadata", "type": "jsonb"},
                        {"name": "inserted_at", "type": "timestamptz"},
                        {"name": "updated_at", "type": "timestamptz"}
                    ],
                    "record": {
                        "id": id,
                        "user_id": format!("00000000-0000-4000-8000-{:012}", id % 64),
                        "title": format!("Write the Realtime bench #{id}"),
                        "description": "Measure messages per second and memory per channel",
                        "done": id % 2 == 0,
                        "priority": id % 5,
                        "tags": ["bench", "realtime"],
                        "metadata": {"source": "web", "version": 3},
                        "inserted_at": "2026-12-01T12:00:00.123456+00:00",
                        "updated_at": null
                    }
                }
            }]);
            Utf8Bytes::from(frame.to_string())
        })
        .collect()
}

/// The sum of the row ids of the first `messages` frames sent.
fn expected_id_sum(messages: usize) -> u64 {
    (0..messages).map(|m| (m % FRAMES) as u64 + 1).sum()
}

enum Out {
    Text(String),
    Stream,
}

/// One websocket connection: a reader answering the client, a writer sending the answers and,
/// after the join of `realtime:todos`, the `messages` frames.
async fn serve(stream: TcpStream, frames: Arc<Vec<Utf8Bytes>>, messages: usize) {
    stream.set_nodelay(true).unwrap();
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(Ok(message)) = source.next().await {
            let text = match message {
                Message::Text(text) => text,
                Message::Close(_) => break,
                _ => continue,
            };
            let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            let Ok([join_ref, msg_ref, topic, event, payload]) = <[Value; 5]>::try_from(items)
            else {
                continue;
            };
            let reply = |response: Value| {
                json!([join_ref, msg_ref, topic, "phx_reply", {"status": "ok", "response": response}])
                    .to_string()
            };
            match event.as_str().unwrap_or_default() {
                "phx_join" => {
                    let bindings: Vec<Value> = payload["config"]["postgres_changes"]
                        .as_array()
                        .map(|asked| {
                            asked
                                .iter()
                                .zip(BINDING_ID..)
                                .map(|(binding, id)| {
                                    let mut binding = binding.clone();
                                    binding["id"] = id.into();
                                    binding
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    let _ = tx.send(Out::Text(reply(json!({"postgres_changes": bindings}))));
                    let channel = topic.as_str().unwrap_or_default();
                    let system = json!([join_ref, null, topic, "system", {
                        "message": "Subscribed to PostgreSQL", "status": "ok",
                        "extension": "postgres_changes",
                        "channel": channel.strip_prefix("realtime:").unwrap_or(channel)
                    }]);
                    let _ = tx.send(Out::Text(system.to_string()));
                    if channel == TOPIC {
                        let _ = tx.send(Out::Stream);
                    }
                }
                "phx_leave" => {
                    let _ = tx.send(Out::Text(reply(json!({}))));
                    let close = json!([join_ref, msg_ref, topic, "phx_close", {}]);
                    let _ = tx.send(Out::Text(close.to_string()));
                }
                _ if !msg_ref.is_null() => {
                    let _ = tx.send(Out::Text(reply(json!({}))));
                }
                _ => {}
            }
        }
    });
    let mut streams = 0usize;
    while let Some(out) = rx.recv().await {
        match out {
            Out::Text(text) => {
                if sink.send(Message::text(text)).await.is_err() {
                    return;
                }
            }
            Out::Stream => streams += 1,
        }
        while streams > 0 {
            streams -= 1;
            for i in 0..messages {
                // Buffered by tungstenite and written out as its buffer fills: as fast as the
                // socket takes them.
                if sink
                    .feed(Message::Text(frames[i % frames.len()].clone()))
                    .await
                    .is_err()
                {
                    return;
                }
                if i % 64 == 0 {
                    while let Ok(out) = rx.try_recv() {
                        match out {
                            Out::Text(text) => {
                                if sink.feed(Message::text(text)).await.is_err() {
                                    return;
                                }
                            }
                            Out::Stream => streams += 1,
                        }
                    }
                }
            }
            if sink.flush().await.is_err() {
                return;
            }
        }
    }
}

/// Starts the server on its own thread; returns `127.0.0.1:<port>`.
fn start_server(frames: Arc<Vec<Utf8Bytes>>, messages: usize) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().to_string()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(serve(stream, Arc::clone(&frames), messages));
            }
        });
    });
    rx.recv().unwrap()
}

/// One run of ours: messages per second from the first change decoded to the last.
fn ours_run(project_url: &str, messages: usize) -> f64 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = RealtimeClient::new(project_url, "anon-key").unwrap();
        let mut builder = client.channel("todos").unwrap();
        let mut changes = builder
            .postgres_changes::<Todo>(
                PostgresChangesFilter::new(PostgresEvent::Insert, "public").table("todos"),
            )
            .unwrap();
        let _channel = builder.subscribe().await.unwrap();
        let (mut received, mut id_sum, mut bad) = (0usize, 0u64, 0usize);
        let mut first = None;
        let receive = async {
            while let Some(change) = changes.next().await {
                let change = change.expect("every change decodes");
                let at = Instant::now();
                let start = *first.get_or_insert(at);
                let row = change.new.as_ref().expect("an INSERT carries the new row");
                if change.kind != ChangeKind::Insert
                    || change.table != "todos"
                    || change.schema != "public"
                    || change.old.is_some()
                    || !row.is_row()
                {
                    bad += 1;
                }
                id_sum += row.id as u64;
                received += 1;
                if received == messages {
                    return at.duration_since(start);
                }
            }
            panic!("ours: the change stream ended after {received} of {messages} messages");
        };
        let elapsed = tokio::time::timeout(DEADLINE, receive)
            .await
            .unwrap_or_else(|_| panic!("ours: not every message arrived within {DEADLINE:?}"));
        assert_eq!(received, messages, "ours: messages received");
        assert_eq!(bad, 0, "ours: changes not as sent");
        assert_eq!(id_sum, expected_id_sum(messages), "ours: sum of the ids");
        (messages - 1) as f64 / elapsed.as_secs_f64()
    })
}

/// Runs a command and parses the last line it prints as JSON; panics with its output when it
/// fails.
fn run_json(command: &mut Command, what: &str) -> Value {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {stdout}"))
}

fn number(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number `{key}` in {v}"))
}

/// realtime-js, when Node and the package are there.
struct Js {
    dir: PathBuf,
    script: PathBuf,
    version: String,
    node: String,
}

impl Js {
    fn find() -> Result<Self, String> {
        let dir = std::env::var("SUPABASE_JS_DIR")
            .ok()
            .filter(|dir| !dir.is_empty())
            .map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/supabase-js"),
                PathBuf::from,
            );
        let package = dir.join("node_modules/@supabase/realtime-js");
        let version = std::fs::read_to_string(package.join("package.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| v["version"].as_str().map(str::to_owned))
            .ok_or_else(|| format!("no {}", package.display()))?;
        if !dir.join("node_modules/ws").is_dir() {
            return Err(format!("no {}", dir.join("node_modules/ws").display()));
        }
        let node = Command::new("node")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .ok_or("no `node` on the PATH")?;
        Ok(Self {
            dir,
            script: Path::new(env!("CARGO_MANIFEST_DIR")).join("js/realtime.cjs"),
            version,
            node,
        })
    }

    fn run(&self, mode: &str, ws_url: &str, count: usize) -> Value {
        run_json(
            Command::new("node")
                .arg("--expose-gc")
                .arg(&self.script)
                .args([mode, ws_url, &count.to_string()])
                .current_dir(&self.dir),
            &format!("realtime-js ({mode})"),
        )
    }

    /// One throughput run: messages per second from the first callback to the last, and the
    /// Node process's peak resident set (bytes).
    fn throughput(&self, ws_url: &str, messages: usize) -> (f64, f64) {
        let v = self.run("throughput", ws_url, messages);
        assert_eq!(
            number(&v, "messages") as usize,
            messages,
            "realtime-js: messages"
        );
        assert_eq!(number(&v, "bad"), 0.0, "realtime-js: changes not as sent");
        assert_eq!(
            number(&v, "idsum") as u64,
            expected_id_sum(messages),
            "realtime-js: sum of the ids"
        );
        (
            (messages - 1) as f64 / number(&v, "seconds"),
            number(&v, "max_rss"),
        )
    }
}

/// (heap bytes, resident bytes) of growth per channel, from a memory run's line.
fn per_channel(v: &Value, channels: usize) -> (f64, f64) {
    assert_eq!(number(v, "channels") as usize, channels, "channels joined");
    let k = channels as f64;
    (
        (number(v, "heap_after") - number(v, "heap_before")) / k,
        (number(v, "rss_after") - number(v, "rss_before")) / k,
    )
}

/// The process's peak resident set (`VmHWM`), in bytes.
fn vm_hwm_bytes() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib * 1024.0)
}

/// Resets `VmHWM` to the current resident set (Linux: `5` to `/proc/self/clear_refs`).
fn reset_vm_hwm() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn rate(v: f64) -> String {
    let n = v.round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How the peak resident set of ours was taken.
fn peak_note(per_run: bool) -> &'static str {
    if per_run {
        ""
    } else {
        " (ours: `VmHWM` could not be reset, so the process's peak so far)"
    }
}

fn kib(bytes: f64) -> String {
    format!("{:.2} KiB", bytes / 1024.0)
}

fn main() {
    let quick = std::env::var("SUPABASE_BENCH_QUICK").as_deref() == Ok("1");
    let (messages, channels) = if quick {
        (20_000, 200)
    } else {
        (200_000, 1_000)
    };
    let frames = Arc::new(frames());
    let frame_bytes = frames.iter().map(|f| f.len()).sum::<usize>() / frames.len();
    let addr = start_server(Arc::clone(&frames), messages);
    let project_url = format!("http://{addr}");
    let ws_url = format!("ws://{addr}/realtime/v1");
    let js = Js::find();
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let load_before = loadavg();

    // Throughput, alternating.
    let (mut ours, mut theirs, mut ours_peak, mut node_peak) = (vec![], vec![], vec![], vec![]);
    let mut peak_per_run = true;
    for run in 1..=RUNS {
        peak_per_run &= reset_vm_hwm();
        let r = ours_run(&project_url, messages);
        ours_peak.push(vm_hwm_bytes());
        println!(
            "realtime run {run}/{RUNS}: ours {} msg/s, peak resident set {:.0} MiB",
            rate(r),
            ours_peak[run - 1] / 1048576.0
        );
        ours.push(r);
        if let Ok(js) = &js {
            let (r, rss) = js.throughput(&ws_url, messages);
            println!(
                "realtime run {run}/{RUNS}: realtime-js {} msg/s, peak resident set {:.0} MiB",
                rate(r),
                rss / 1048576.0
            );
            theirs.push(r);
            node_peak.push(rss);
        }
    }

    // Memory per joined channel.
    let (mut ours_heap, mut ours_rss, mut js_heap, mut js_rss) = (vec![], vec![], vec![], vec![]);
    for _ in 0..MEMORY_RUNS {
        let v = run_json(
            Command::new(env!("CARGO_BIN_EXE_realtime-memory"))
                .args([project_url.as_str(), &channels.to_string()]),
            "realtime-memory",
        );
        let (heap, rss) = per_channel(&v, channels);
        ours_heap.push(heap);
        ours_rss.push(rss);
        if let Ok(js) = &js {
            let v = js.run("memory", &ws_url, channels);
            assert_eq!(v["gc"], Value::Bool(true), "realtime-js: no forced GC");
            let (heap, rss) = per_channel(&v, channels);
            js_heap.push(heap);
            js_rss.push(rss);
        }
    }
    let load_after = loadavg();

    let (o, oh, or) = (median(ours.clone()), median(ours_heap), median(ours_rss));
    let list = |v: &[f64]| v.iter().map(|&r| rate(r)).collect::<Vec<_>>().join(", ");
    let mut out = String::new();
    let js_head = match &js {
        Ok(js) => format!("realtime-js {} (Node {})", js.version, js.node),
        Err(_) => "realtime-js".to_owned(),
    };
    out.push_str(&format!(
        "| Realtime `postgres_changes` INSERT on `public.todos` ({} messages of {frame_bytes} bytes; {} channels) | supabase-realtime | {js_head} | ours / js |\n| --- | --- | --- | --- |\n",
        rate(messages as f64),
        rate(channels as f64)
    ));
    match &js {
        Ok(_) => {
            let (t, th, tr) = (
                median(theirs.clone()),
                median(js_heap.clone()),
                median(js_rss.clone()),
            );
            out.push_str(&format!(
                "| messages decoded per second, one core (median of {RUNS} runs) | {} msg/s | {} msg/s | {:.2}x |\n",
                rate(o),
                rate(t),
                o / t
            ));
            out.push_str(&format!(
                "| every run, in order (msg/s) | {} | {} | |\n",
                list(&ours),
                list(&theirs)
            ));
            out.push_str(&format!(
                "| memory per joined channel: heap (median of {MEMORY_RUNS} runs) | {} (live heap bytes) | {} (V8 `heapUsed` after GC) | {:.2}x |\n",
                kib(oh),
                kib(th),
                oh / th
            ));
            out.push_str(&format!(
                "| memory per joined channel: resident set growth (median of {MEMORY_RUNS} runs) | {} | {} | {:.2}x |\n",
                kib(or),
                kib(tr),
                or / tr
            ));
            out.push_str(&format!(
                "| peak resident set of the first throughput run{} | {:.0} MiB | {:.0} MiB | {:.2}x |\n",
                peak_note(peak_per_run),
                ours_peak[0] / 1048576.0,
                node_peak[0] / 1048576.0,
                ours_peak[0] / node_peak[0]
            ));
        }
        Err(why) => {
            out.push_str(&format!(
                "| messages decoded per second, one core (median of {RUNS} runs) | {} msg/s | skipped: {why} | |\n",
                rate(o)
            ));
            out.push_str(&format!(
                "| every run, in order (msg/s) | {} | | |\n",
                list(&ours)
            ));
            out.push_str(&format!(
                "| memory per joined channel: heap (median of {MEMORY_RUNS} runs) | {} (live heap bytes) | skipped: {why} | |\n",
                kib(oh)
            ));
            out.push_str(&format!(
                "| memory per joined channel: resident set growth (median of {MEMORY_RUNS} runs) | {} | skipped: {why} | |\n",
                kib(or)
            ));
            out.push_str(&format!(
                "| peak resident set of the first throughput run{} | {:.0} MiB | skipped: {why} | |\n",
                peak_note(peak_per_run),
                ours_peak[0] / 1048576.0,
            ));
        }
    }
    out.push_str(&format!(
        "\nRun {date}{}; load average (1, 5, 15 min) before / after: {load_before} / {load_after}.\n\n",
        if quick { ", quick mode" } else { "" }
    ));
    out.push_str(&format!(
        "- Server: a websocket server (tokio-tungstenite) in the bench's process, on its own \
         thread (current-thread Tokio runtime), on `127.0.0.1`. It answers each join with \
         `phx_reply` ok and the `postgres_changes` bindings the client asked for, numbered, \
         then the `system` message, answers heartbeats, and after the join of \
         `realtime:todos` sends {} pre-encoded `postgres_changes` INSERT frames (1,000 \
         distinct rows in turn, 10 columns with their types, values typed as the real server \
         sends them) as fast as the socket takes them. Both clients get the same frames.\n",
        rate(messages as f64)
    ));
    out.push_str(
        "- Ours: `RealtimeClient` on a current-thread Tokio runtime (one core; the socket task \
         and the consumer share it), `postgres_changes::<Todo>` (INSERT, `public.todos`), each \
         change decoded into `PostgresChange<Todo>` (a 10-field serde struct, with a nested \
         struct and a `Vec<String>`). realtime-js: `supabase-bench/js/realtime.cjs`, a \
         `RealtimeClient` with `ws` as transport, `.on('postgres_changes', …)` on the same \
         binding (its callback gets the row converted by column type). Messages per second: \
         (N − 1) / the time from the first message decoded (callback) to the last. Each run is \
         a new client and connection (Node: a new process); ours and realtime-js alternate.\n",
    );
    out.push_str(
        "- Peak resident set of the first throughput run (the later runs' are printed while \
         the bench runs): ours, `VmHWM` of the bench's process (the client and the server; \
         reset before each run through `/proc/self/clear_refs`, to the resident set of the \
         moment, which after the first run includes what malloc kept from the earlier ones); \
         realtime-js, `VmHWM` of the Node process (a new process each run). Ours holds the \
         changes its socket task has read and not yet handed out (the change stream's queue \
         is unbounded); the socket task counts every frame against Tokio's scheduling \
         budget, so on a shared runtime the reader gets its turn every 128 frames and the \
         backlog stays small. Before that (commit 77bae88) the first run peaked at 220 MiB \
         for 20,000 messages and 2.1 GB for 200,000, at 0.59–0.68 × realtime-js.\n",
    );
    out.push_str(
        "- Checked every run, or the bench fails: each client received every message, the sum \
         of the row ids is the one sent, and every change has the kind, table and fields sent.\n",
    );
    out.push_str(&format!(
        "- Memory: {k} channels joined one after the other after a warm-up channel \
         (socket open), each with one `postgres_changes` binding, every handle kept; the \
         growth between before and after, divided by {k}. Ours in a process of its own \
         (`supabase-bench/src/bin/realtime_memory.rs`, current-thread runtime): live heap \
         bytes counted by a global allocator (`peak_alloc`; what the program asked for, not \
         malloc's overhead) and `VmRSS`. realtime-js: `node --expose-gc`, \
         `process.memoryUsage()` after a forced GC: `heapUsed` (V8's JavaScript heap only) \
         and `rss`. The two heap figures measure different heaps; the resident set growth is \
         the like-for-like figure, coarse (pages, allocator caches).\n",
        k = rate(channels as f64)
    ));
    println!("\n{out}");
    if let Ok(dir) = std::env::var("SUPABASE_BENCH_OUT") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join("realtime.md"), &out).unwrap();
    }
}
