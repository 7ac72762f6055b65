//! The side-by-side of issue 17: our client next to hyper-util's client used directly, the
//! `postgrest` crate, raw reqwest and supabase-js, as clients of one local fixed-answer
//! server, every client a separate process on one thread.
//!
//! The server is `load server` (`supabase-bench/src/bin/load.rs`, its own process, serving
//! from one thread); each run is `load <client> <workload> <url>` or, for supabase-js,
//! `node load.cjs <workload> <url>` (`supabase-bench/js/load.cjs`, copied next to the pinned
//! install under `target/supabase-js/`). A run warms up, then counts the requests answered in
//! a fixed time and prints one JSON line. Rounds are interleaved: every client runs once per
//! workload per round, the order of the clients rotating from round to round, so load that
//! drifts on a shared machine falls on every client alike; the report gives per client the
//! median over the rounds, and per pair of clients the median of the per-round ratios.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::{Result, cargo};

/// The supabase-js release compared against (the issue's), and the `ws` package it needs on
/// Node 20 for its Realtime client (never connected in these runs).
pub const SUPABASE_JS: &str = "2.119.1";
const WS: &str = "8.23.0";

/// The clients, in the order of the report's columns.
const RUST_CLIENTS: [&str; 5] = ["hyper", "postgrest", "reqwest", "ours", "ours-hyper"];

/// Our clients (the rest are peers): the default (reqwest under the transport) and the same
/// façade on the hyper-util connector (`ClientBuilder::hyper_connector`).
fn is_ours(client: &str) -> bool {
    client == "ours" || client == "ours-hyper"
}
const JS: &str = "supabase-js";

/// A workload: its id (as `load` and `load.cjs` take it) and what the report calls it.
struct Workload {
    id: &'static str,
    what: &'static str,
    /// Only ours and supabase-js run it (the session workload).
    session: bool,
}

const WORKLOADS: [Workload; 5] = [
    Workload {
        id: "seq",
        what: "select, sequential",
        session: false,
    },
    Workload {
        id: "in64",
        what: "select, 64 in flight",
        session: false,
    },
    Workload {
        id: "user64",
        what: "a different user's JWT per request, 64 in flight",
        session: false,
    },
    Workload {
        id: "rows16",
        what: "1,000-row select, 16 in flight",
        session: false,
    },
    Workload {
        id: "session64",
        what: "select with a session-backed client, 64 in flight",
        session: true,
    },
];

/// Rounds and timing of one side-by-side.
struct Plan {
    rounds: usize,
    warm_up: f64,
    measure: f64,
}

impl Plan {
    fn new(quick: bool) -> Self {
        if quick {
            Self {
                rounds: 3,
                warm_up: 0.3,
                measure: 0.5,
            }
        } else {
            Self {
                rounds: 7,
                warm_up: 0.5,
                measure: 1.0,
            }
        }
    }
}

/// How supabase-js is run, or why it is not.
pub(crate) enum Node {
    Ready { dir: PathBuf, version: String },
    Missing(String),
}

/// Builds the load generator, installs supabase-js when missing, runs the rounds, and
/// returns the report's section (Markdown, starting with `## Side by side`).
pub fn run(root: &Path, target: &Path, quick: bool, alone: bool) -> Result<String> {
    let started = Instant::now();
    cargo(
        "side-by-side load generator",
        &[
            "build",
            "--release",
            "--package",
            "supabase-bench",
            "--bin",
            "load",
        ],
        &[],
    )?;
    let load = target.join("release").join("load");
    let node = prepare_node(root, target);
    if let Node::Missing(why) = &node {
        println!("xtask bench: side-by-side without supabase-js: {why}");
    }
    let plan = Plan::new(quick);
    let date = first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let load_before = crate::bench::loadavg();
    let server = ServerProcess::start(&load)?;
    let url = server.url.clone();
    // (workload, client) → requests per second, one per round.
    let mut results: BTreeMap<(&'static str, &'static str), Vec<f64>> = BTreeMap::new();
    for round in 0..plan.rounds {
        println!(
            "xtask bench: side-by-side round {}/{}",
            round + 1,
            plan.rounds
        );
        for workload in &WORKLOADS {
            let mut clients: Vec<&str> = if workload.session {
                vec!["ours"]
            } else {
                RUST_CLIENTS.to_vec()
            };
            if matches!(node, Node::Ready { .. }) {
                clients.push(JS);
            }
            let n = clients.len();
            clients.rotate_left(round % n);
            for client in clients {
                let rps = run_one(&load, &node, client, workload.id, &url, &plan)?;
                results.entry((workload.id, client)).or_default().push(rps);
            }
        }
    }
    drop(server);
    let load_after = crate::bench::loadavg();
    let section = render(&Rendering {
        results: &results,
        plan: &plan,
        node: &node,
        date,
        load_before,
        load_after,
        quick,
        alone,
        seconds: started.elapsed().as_secs(),
    });
    Ok(section)
}

/// Installs the pinned supabase-js under `target/supabase-js/` when it is not there, and
/// copies the script next to it. `cargo xtask bench` calls it before the benches too: the
/// Storage (and Realtime) benches run storage-js (realtime-js) from the same folder.
pub(crate) fn prepare_node(root: &Path, target: &Path) -> Node {
    let version = first_line("node", &["--version"]);
    if version == "unknown" {
        return Node::Missing("`node` was not found".into());
    }
    if first_line("npm", &["--version"]) == "unknown" {
        return Node::Missing("`npm` was not found".into());
    }
    let dir = target.join("supabase-js");
    let installed = fs::read_to_string(dir.join("node_modules/@supabase/supabase-js/package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    let has_ws = dir.join("node_modules/ws/package.json").is_file();
    if installed.as_deref() != Some(SUPABASE_JS) || !has_ws {
        println!(
            "xtask bench: installing @supabase/supabase-js@{SUPABASE_JS} into {}",
            dir.display()
        );
        if let Err(e) = fs::create_dir_all(&dir) {
            return Node::Missing(format!("cannot create {}: {e}", dir.display()));
        }
        let status = Command::new("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&dir)
            .arg(format!("@supabase/supabase-js@{SUPABASE_JS}"))
            .arg(format!("ws@{WS}"))
            .args(["--no-audit", "--no-fund", "--loglevel=error"])
            .status();
        match status {
            Ok(s) if s.success() => {}
            Ok(s) => return Node::Missing(format!("`npm install` exited with {s}")),
            Err(e) => return Node::Missing(format!("could not run npm: {e}")),
        }
    }
    let script = root.join("supabase-bench/js/load.cjs");
    if let Err(e) = fs::copy(&script, dir.join("load.cjs")) {
        return Node::Missing(format!("cannot copy {}: {e}", script.display()));
    }
    Node::Ready { dir, version }
}

/// The server process; closing its stdin (on drop) stops it.
struct ServerProcess {
    child: Child,
    url: String,
}

impl ServerProcess {
    fn start(load: &Path) -> Result<Self> {
        let mut child = Command::new(load)
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {} server: {e}", load.display()))?;
        let stdout = child.stdout.take().ok_or("the server has no stdout")?;
        let mut url = String::new();
        BufReader::new(stdout)
            .read_line(&mut url)
            .map_err(|e| format!("cannot read the server's URL: {e}"))?;
        let url = url.trim().to_owned();
        if !url.starts_with("http://") {
            let _ = child.kill();
            return Err(format!("the server printed `{url}`, not its URL"));
        }
        Ok(Self { child, url })
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// One run of one client; its requests per second.
fn run_one(
    load: &Path,
    node: &Node,
    client: &str,
    workload: &str,
    url: &str,
    plan: &Plan,
) -> Result<f64> {
    let timing = [
        "--warmup".to_owned(),
        plan.warm_up.to_string(),
        "--seconds".to_owned(),
        plan.measure.to_string(),
    ];
    let mut command = if client == JS {
        let Node::Ready { dir, .. } = node else {
            return Err("supabase-js is not installed".into());
        };
        let mut command = Command::new("node");
        command.arg(dir.join("load.cjs")).args([workload, url]);
        command
    } else {
        let mut command = Command::new(load);
        command.args([client, workload, url]);
        command
    };
    let output = command
        .args(timing)
        .output()
        .map_err(|e| format!("cannot run {client} {workload}: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{client} {workload} exited with {}: {}{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Value>(line).ok())
        .and_then(|v| v["rps"].as_f64())
        .filter(|rps| *rps > 0.0)
        .ok_or_else(|| format!("{client} {workload}: no result in `{stdout}`"))
}

fn first_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

struct Rendering<'a> {
    results: &'a BTreeMap<(&'static str, &'static str), Vec<f64>>,
    plan: &'a Plan,
    node: &'a Node,
    date: String,
    load_before: String,
    load_after: String,
    quick: bool,
    /// Run with `--side-by-side` (this section only).
    alone: bool,
    seconds: u64,
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

impl Rendering<'_> {
    fn rounds(&self, workload: &'static str, client: &'static str) -> Option<&[f64]> {
        self.results.get(&(workload, client)).map(Vec::as_slice)
    }

    fn median(&self, workload: &'static str, client: &'static str) -> Option<f64> {
        self.rounds(workload, client).map(median)
    }

    /// The median of the per-round ratios a / b.
    fn paired(
        &self,
        a: (&'static str, &'static str),
        b: (&'static str, &'static str),
    ) -> Option<f64> {
        let (a, b) = (self.rounds(a.0, a.1)?, self.rounds(b.0, b.1)?);
        let ratios: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        (!ratios.is_empty()).then(|| median(&ratios))
    }

    /// The Rust peer (not ours) with the highest median in `workload`.
    fn fastest_peer(&self, workload: &'static str) -> Option<&'static str> {
        self.fastest_of(workload, |c| !is_ours(c))
    }

    /// The fastest Rust client library (the `postgrest` crate or raw reqwest: not hyper-util
    /// used directly, the floor the hyper-util target is measured against on its own).
    fn fastest_library_peer(&self, workload: &'static str) -> Option<&'static str> {
        self.fastest_of(workload, |c| !is_ours(c) && c != "hyper")
    }

    fn fastest_of(
        &self,
        workload: &'static str,
        keep: impl Fn(&str) -> bool,
    ) -> Option<&'static str> {
        RUST_CLIENTS
            .iter()
            .filter(|c| keep(c))
            .filter_map(|c| self.median(workload, c).map(|m| (*c, m)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, _)| c)
    }
}

fn name(client: &str) -> &'static str {
    match client {
        "hyper" => "hyper-util directly",
        "postgrest" => "`postgrest` crate 1.6",
        "reqwest" => "raw reqwest 0.13",
        "ours" => "ours",
        "ours-hyper" => "ours on hyper-util",
        _ => "supabase-js",
    }
}

fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |r| format!("{r:.3}"))
}

fn verdict(value: Option<f64>, at_least: f64) -> &'static str {
    match value {
        Some(r) if r >= at_least => "PASS",
        Some(_) => "**MISS**",
        None => "–",
    }
}

fn render(r: &Rendering<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Side by side (issue 17)\n");
    let js = match r.node {
        Node::Ready { version, .. } => {
            format!("supabase-js {SUPABASE_JS} on Node {version} (with `ws` {WS})")
        }
        Node::Missing(why) => format!("supabase-js **not run**: {why}"),
    };
    let _ = writeln!(
        out,
        "{}{} on {}, {} s; {} rounds of {} s per client and workload after {} s of warm-up; {js}. \
         Load average (1, 5, 15 min) before / after: {} / {}. Machine: see above.{}\n",
        if r.alone { "This section alone: " } else { "" },
        match (r.quick, r.alone) {
            (false, false) => "`cargo xtask bench`",
            (true, false) => "`cargo xtask bench --quick`",
            (false, true) => "`cargo xtask bench --side-by-side`",
            (true, true) => "`cargo xtask bench --side-by-side --quick`",
        },
        r.date,
        r.seconds,
        r.plan.rounds,
        r.plan.measure,
        r.plan.warm_up,
        r.load_before,
        r.load_after,
        if r.quick {
            " **Quick mode**: indicative only."
        } else {
            ""
        }
    );
    let mut columns: Vec<&str> = RUST_CLIENTS.to_vec();
    columns.push(JS);
    let _ = writeln!(
        out,
        "Requests per second, median over the rounds (lowest–highest round in brackets).\n"
    );
    let _ = write!(out, "| Workload |");
    for c in &columns {
        let _ = write!(out, " {} |", name(c));
    }
    let _ = write!(out, "\n|---|");
    for _ in &columns {
        let _ = write!(out, "---:|");
    }
    let _ = writeln!(out);
    for w in &WORKLOADS {
        let _ = write!(out, "| {} |", w.what);
        for c in &columns {
            match r.rounds(w.id, c) {
                Some(v) => {
                    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = v.iter().copied().fold(0.0, f64::max);
                    let _ = write!(out, " {:.0} ({:.0}–{:.0}) |", median(v), lo, hi);
                }
                None => {
                    let _ = write!(out, " – |");
                }
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "\nPaired ratios of throughput (ours / the other; median of the per-round ratios, \
         both measured in the same round). For the session workload the Rust peers have no \
         session: their figure is the same round's 64-in-flight select with a fixed token.\n"
    );
    let _ = writeln!(
        out,
        "| Workload | ours / fastest Rust peer | ours / raw reqwest | ours / supabase-js |\n|---|---:|---:|---:|"
    );
    for w in &WORKLOADS {
        let peer_workload = if w.session { "in64" } else { w.id };
        let fastest = r.fastest_peer(peer_workload);
        let vs_fastest = fastest.and_then(|p| r.paired((w.id, "ours"), (peer_workload, p)));
        let _ = writeln!(
            out,
            "| {} | {} ({}) | {} | {} |",
            w.what,
            ratio(vs_fastest),
            fastest.map_or("–", name),
            ratio(r.paired((w.id, "ours"), (peer_workload, "reqwest"))),
            ratio(r.paired((w.id, "ours"), (w.id, JS))),
        );
    }
    let _ = writeln!(
        out,
        "\nOurs on the hyper-util connector (`hyper` feature), paired ratios as above.\n"
    );
    let _ = writeln!(
        out,
        "| Workload | ours-hyper / hyper-util directly | ours-hyper / fastest Rust peer | ours-hyper / ours |\n|---|---:|---:|---:|"
    );
    for w in WORKLOADS.iter().filter(|w| !w.session) {
        let fastest = r.fastest_peer(w.id);
        let vs_fastest = fastest.and_then(|p| r.paired((w.id, "ours-hyper"), (w.id, p)));
        let _ = writeln!(
            out,
            "| {} | {} | {} ({}) | {} |",
            w.what,
            ratio(r.paired((w.id, "ours-hyper"), (w.id, "hyper"))),
            ratio(vs_fastest),
            fastest.map_or("–", name),
            ratio(r.paired((w.id, "ours-hyper"), (w.id, "ours"))),
        );
    }
    let _ = writeln!(out, "\nTargets (reported, not asserted):\n");
    let _ = writeln!(out, "| Target | Paired ratio | Result |\n|---|---:|---|");
    for w in WORKLOADS.iter().filter(|w| !w.session) {
        let v = r.paired((w.id, "ours"), (w.id, "reqwest"));
        let _ = writeln!(
            out,
            "| {}: ours ≥ 1.00 × raw reqwest | {} | {} |",
            w.what,
            ratio(v),
            verdict(v, 1.0)
        );
    }
    for w in WORKLOADS.iter().filter(|w| !w.session) {
        let v = r.paired((w.id, "ours-hyper"), (w.id, "hyper"));
        let _ = writeln!(
            out,
            "| {}: ours on hyper-util ≥ 0.95 × hyper-util directly | {} | {} |",
            w.what,
            ratio(v),
            verdict(v, 0.95)
        );
        let peer = r.fastest_library_peer(w.id);
        let v = peer.and_then(|p| r.paired((w.id, "ours-hyper"), (w.id, p)));
        let _ = writeln!(
            out,
            "| {}: ours on hyper-util ≥ 1.00 × the fastest library peer ({}) | {} | {} |",
            w.what,
            peer.map_or("–", name),
            ratio(v),
            verdict(v, 1.0)
        );
    }
    let v = r.paired(("user64", "ours"), ("in64", "ours"));
    let _ = writeln!(
        out,
        "| per-user JWT ≥ 0.97 × ours without scoping per request (64 in flight) | {} | {} |",
        ratio(v),
        verdict(v, 0.97)
    );
    let v = r.paired(("user64", "ours-hyper"), ("in64", "ours-hyper"));
    let _ = writeln!(
        out,
        "| per-user JWT ≥ 0.97 × without scoping, ours on hyper-util (64 in flight) | {} | {} |",
        ratio(v),
        verdict(v, 0.97)
    );
    let v = r.paired(("in64", "ours"), ("in64", JS));
    let _ = writeln!(
        out,
        "| 64 in flight, one core each: ours ≥ 10 × supabase-js | {} | {} |",
        ratio(v),
        verdict(v, 10.0)
    );
    let v = r.paired(("session64", "ours"), ("in64", "ours"));
    let _ = writeln!(
        out,
        "| session-backed / fixed token, ours, 64 in flight (report) | {} | – |",
        ratio(v)
    );
    let _ = writeln!(out, "\n{FINDINGS}");
    let _ = writeln!(out, "Method:\n");
    let _ = writeln!(out, "{}", method_text());
    out
}

/// What profiling the load generator found (issue 17, item 2), shown under the tables.
const FINDINGS: &str = "\
What profiling found (2026-12-01, this machine, commit fad52dd): instructions per request \
counted with `valgrind --tool=callgrind` on `load <client> <workload> <url> --requests <n>` \
(the difference between 5,000 and 1,000 requests, divided by 4,000, so start-up cancels \
out), 64 in flight, the server a separate process:

| Client | fixed token | a different JWT per request |
|---|---:|---:|
| hyper-util directly | 75.7k | 77.4k |
| raw reqwest 0.13 | 126.2k | 128.6k |
| ours (reqwest) | 123.5k | 145.2k |
| ours on hyper-util | 88.2k | 110.2k |

- Ours on reqwest already runs fewer instructions than raw reqwest with a fixed token: \
  reqwest parses the URL twice per request on its own (`TowerRedirectPolicy::on_request` \
  turns the URI back into a `Url`, about 12k instructions, and `PendingRequest` parses the \
  final URI again, about 10k), and the raw baseline adds a third parse in \
  `Client::get(&str)`; ours hands reqwest a `Url` it built without parsing. System calls per \
  request are the same for ours and raw reqwest (`strace -c -f`, 20,000 requests: one \
  `writev`, one `recvfrom` each; `epoll_wait` 991 against 1,041), so the wall-clock gap at \
  64 in flight is not in task wake-ups or the body read (one chunk, kept without a copy); \
  on this shared machine paired runs of the two moved between 0.94 and 1.03.
- Ours on hyper-util: the first version ran 100.9k instructions per request; 12.7k of them \
  parsed the request's URI back into a `Url` (host and query included) for the answer's \
  origin check, on every request. The connector now names a URL only when it followed a \
  redirect (88.2k). The 12.5k left over hyper-util directly are spread thinly: the query \
  builder and its checks of column names against the hand-built URL (about 4k), the \
  transport's request (the `Uri` from our `Url`, the header map: about 4k), and the \
  connector's own work (a copy of the headers kept for redirects, the boxed future, the \
  body as a stream: about 4k); no single hot spot. Decoding the rows (about 31k) is the \
  same `serde_json` work in every Rust client.
- The per-user path: all of its extra cost is `with_auth`, 22.0k instructions (on either \
  connector), nearly all `check_jwt_expiry` (base64 of header and claims 6.3k, \
  `serde_json` reading the claims for `exp` about 9k, splitting the parts 1.3k, the \
  header's JSON about 1.2k, the `AccessToken` about 1.5k). A hand-written one-pass reader \
  (base64url and a JSON scanner for `exp`) brought it to 16.3k in a trial, but was not \
  kept: the project decodes with the `base64` and `serde_json` crates rather than its own \
  parsers of token bytes. What is left is reading an 880-byte token at all, which \
  `with_auth` does so that a malformed or expired token fails before anything is sent; \
  hyper-util and raw reqwest only build one header value (about 2k). A server that sees the \
  same token again can check it once (`check_jwt_expiry`) and call `with_token` per request \
  (its cost is in case 3 above).
";

fn method_text() -> &'static str {
    "\
- Server: `load server` (`supabase-bench/src/bin/load.rs`), its own process: the bench's \
  HTTP/1.1 server (hyper) serving from one thread with a current-thread Tokio runtime, fixed \
  answers: 10 todos (~0.8 KB) for `GET /rest/v1/todos`, 1,000 (~78 KB) for \
  `GET /rest/v1/todos_large`, a session for `POST /auth/v1/token`.
- Rust clients: `load <client> <workload> <url>`, each run its own process on one \
  current-thread Tokio runtime. `hyper`: `hyper_util::client::legacy::Client` with \
  HTTP/1 over `HttpConnector` (`nodelay`), the URL form-urlencoded by hand and parsed into a \
  `Uri`, a prepared `HeaderMap` cloned into each request, `collect()` then \
  `serde_json::from_slice` (the floor). `reqwest`: raw reqwest 0.13 the same way \
  (`supabase_bench::Baseline`'s recipe). `postgrest`: the `postgrest` crate 1.6 (its own \
  reqwest 0.11), body decoded with `serde_json::from_slice`. `ours`: the façade, \
  `create_client(url, key).with_auth(jwt)` once (the fixed token: user 0's JWT below, \
  for every client), then \
  `from(..).select(..).eq×3.order(..).limit(..).execute::<Todo>()`.
- supabase-js: `node load.cjs <workload> <url>` (`supabase-bench/js/load.cjs`, installed \
  with `npm install --prefix target/supabase-js` when missing), one `createClient` with \
  the user's JWT as a global `Authorization` header (`persistSession: false`), the same \
  query; Node's event loop is one thread of JavaScript.
- Workloads: the query of case 1 (`select`, three `eq`, `order`, `limit`); each run checks \
  that every answer decoded all its rows. Per-user: 1,024 distinct JWTs of ~880 bytes (the \
  claims Supabase Auth issues), a different one each request: ours `with_auth(jwt)` per \
  request, raw reqwest and hyper an `Authorization` value built per request, the `postgrest` \
  crate `.auth(jwt)`, supabase-js `createClient` per request (its documented server \
  pattern). Session: ours `create_client` then `auth().sign_in_with_password(..)` against \
  the mock, which answers a session holding user 0's JWT (data requests take the token \
  from the session); supabase-js \
  `auth.signInWithPassword` likewise (memory storage; `getSession` on every request).
- Timing: each run warms up, then counts the answers completed in a fixed time and divides \
  by the time measured. Every round runs every client once per workload, the order of the \
  clients rotated by one each round; medians over rounds, paired ratios per round.
"
}
