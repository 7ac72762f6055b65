//! Project automation, run as `cargo xtask <task>`.
//!
//! - `test`: everything CI checks: formatting, clippy (`-D warnings`), every test (unit,
//!   integration, doc tests), the examples, the docs, the wasm32 build of every library crate
//!   and the wasm tests in Node (see the `wasm` module), and the feature combinations.
//! - `conformance [DIR] [--write-md]`: runs every supabase-js golden of DIR (default: the
//!   carried fixtures) against the Rust client (`supabase-conformance`); `--write-md`
//!   regenerates `CONFORMANCE.md` from the deliberate-difference rules.
//! - `fuzz`: runs each cargo-fuzz target for a bounded time (see the `fuzz` module).
//! - `stress [RUNS]`: runs every integration test binary RUNS times pinned to a CPU shared
//!   with a busy process, and reports any hang (with its stacks) or failure (see the `stress`
//!   module). Never part of `test`.
//! - `wasm`: only the wasm32 steps of `test`.
//! - `bench [--quick] [--side-by-side]`: the benchmarks of `supabase-bench` (never part of
//!   `test`), and the report `BENCHMARKS.md` made from that run; `--side-by-side` runs only
//!   the side-by-side of issue 17 (ours, hyper-util, the `postgrest` crate, raw reqwest and
//!   supabase-js as separate processes) and replaces its section of the report.
//!
//! Each step prints the command it runs; the first failure stops the run with a non-zero
//! exit code.

use std::env;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus};
use std::time::{Duration, Instant};

mod bench;
mod fuzz;
mod sidebyside;
mod stress;
mod wasm;

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "test" => test(rest),
        "conformance" => conformance(rest),
        "fuzz" => fuzz::run(rest),
        "stress" => stress::run(rest),
        "bench" => bench::bench(rest),
        "wasm" => wasm::steps().map(|_| ()),
        "help" | "--help" | "-h" => {
            print_help();
            Ok(())
        }
        other => Err(format!("unknown task `{other}`; run `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_help() {
    println!("cargo xtask <task>");
    println!();
    println!("tasks:");
    println!("  test   fmt check, clippy -D warnings, all tests incl. doc tests, examples, docs,");
    println!("         wasm32 build of every library crate and the wasm tests in Node,");
    println!("         feature combinations (extra arguments go to `cargo test`)");
    println!("  conformance [DIR] [--write-md]: judge every supabase-js golden of DIR (default:");
    println!("         the carried fixtures); --write-md regenerates CONFORMANCE.md");
    println!("  fuzz   [--seconds N] [TARGET...]: run each fuzz target N seconds (default 60),");
    println!("         installing cargo-fuzz if missing; fails on a crash");
    println!("  stress [RUNS] [--bin NAME]... [--limit SECS] [--cpus LIST]: run every integration");
    println!("         test binary RUNS times (default 20), each pinned to a CPU with a competing");
    println!("         busy process; a run over the limit (default 120 s) is a hang: its stacks");
    println!("         and unfinished tests are printed; fails on any hang or failure");
    println!("  wasm   only the wasm32 steps of `test` (build checks, the wasm tests in Node)");
    println!("  bench  run the benchmarks against an in-process server and write BENCHMARKS.md");
    println!("         (--quick: shorter; --side-by-side: only the side-by-side of issue 17)");
    println!("         (`--quick`: a short smoke run whose figures are only indicative)");
}

/// The checks CI runs.
fn test(extra: &[String]) -> Result {
    let started = Instant::now();
    let mut steps = 0;
    let mut step = |name: &str, args: &[&str], env: &[(&str, &str)]| -> Result {
        steps += 1;
        cargo(name, args, env)
    };
    step("format", &["fmt", "--all", "--check"], &[])?;
    step(
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    let mut test_args = vec!["test", "--workspace", "--all-features"];
    test_args.extend(extra.iter().map(String::as_str));
    tests_with_watchdog(&test_args)?;
    step(
        "conformance (carried fixtures)",
        &[
            "run",
            "-q",
            "-p",
            "supabase-conformance",
            "--",
            &carried_fixtures(),
        ],
        &[],
    )?;
    step(
        "examples",
        &["build", "--workspace", "--examples", "--all-features"],
        &[],
    )?;
    step(
        "docs",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    // Every library crate packages as it would be published (names free on crates.io, every
    // dependency with a version, README and licence files present); not verified by a build
    // of the packages, which the steps above already cover.
    step(
        "package",
        &[
            "package",
            "--workspace",
            "--no-verify",
            "--allow-dirty",
            "--exclude",
            "supabase-test-support",
            "--exclude",
            "supabase-conformance",
            "--exclude",
            "supabase-bench",
            "--exclude",
            "supabase-wasm-tests",
            "--exclude",
            "xtask",
        ],
        &[],
    )?;
    // `--all-features` above runs on ring (`rustls-ring` wins over `rustls`); the aws-lc-rs
    // side of the TLS configuration and of JWT verification runs here.
    step(
        "tests: rustls with aws-lc-rs",
        &[
            "test",
            "-p",
            "supabase-sdk-auth",
            "--no-default-features",
            "--features",
            "rustls,jwt-verify",
            "--test",
            "claims",
        ],
        &[],
    )?;
    step(
        "tests: core TLS with aws-lc-rs",
        &[
            "test",
            "-p",
            "supabase-sdk-core",
            "--no-default-features",
            "--features",
            "rustls",
            "--lib",
            "tls",
        ],
        &[],
    )?;
    // The same transport tests again with the hyper-util connector under the transport
    // (`SUPABASE_TEST_CONNECTOR=hyper`, read by core's internal `test-connector-env` feature,
    // which `--all-features` turns on): every client these tests build without a reqwest
    // client of their own sends through hyper-util. Same features as the test step above, so
    // nothing is built again.
    let mut hyper_args = vec!["test", "--workspace", "--all-features"];
    for test in HYPER_CONNECTOR_TESTS {
        hyper_args.extend(["--test", test]);
    }
    step(
        "tests over the hyper-util connector",
        &hyper_args,
        &[("SUPABASE_TEST_CONNECTOR", "hyper")],
    )?;
    let wasm_steps = wasm::steps()?;
    for (name, args) in feature_matrix() {
        step(&format!("features: {name}"), &args, &[])?;
    }
    println!(
        "\nxtask test: all {} steps passed in {:.0?}",
        steps + 1 + wasm_steps,
        started.elapsed()
    );
    Ok(())
}

/// The integration test binaries that exercise the transport, run a second time over the
/// hyper-util connector (a name shared by several crates runs in each of them).
const HYPER_CONNECTOR_TESTS: &[&str] = &[
    // supabase-core
    "credential_order",
    "streaming",
    "streaming_retries",
    "hyper_connector",
    // supabase-postgrest (and the façade's `stream_rows`)
    "requests",
    "responses",
    "retries",
    "stream_rows",
    "stream_wire",
    "stream_memory",
    // the façade
    "set_auth",
    "options",
    "reliability_bad_server",
    "reliability_content_range",
    "error_shape",
    "secret_hygiene",
    "every_handle",
    // supabase-storage (and postgrest's `requests`)
    "streaming_memory",
    "resumable",
    // supabase-functions
    "invoke",
];

/// `cargo xtask conformance [DIR] [--write-md]`.
fn conformance(args: &[String]) -> Result {
    let cwd = env::current_dir().map_err(|e| e.to_string())?;
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if a.starts_with('-') {
                a.clone()
            } else {
                // A relative DIR is relative to where xtask was started, not the project root.
                cwd.join(a).to_string_lossy().into_owned()
            }
        })
        .collect();
    let mut cargo_args = vec!["run", "-q", "-p", "supabase-conformance", "--"];
    cargo_args.extend(args.iter().map(String::as_str));
    cargo("conformance", &cargo_args, &[])
}

/// The goldens `cargo xtask test` runs: the fixtures carried in the repository (never
/// `SUPABASE_CONFORMANCE_DIR`).
fn carried_fixtures() -> String {
    project_root()
        .join("supabase-test-support")
        .join("conformance")
        .join("golden")
        .to_string_lossy()
        .into_owned()
}

/// Feature combinations that must build on their own.
fn feature_matrix() -> Vec<(String, Vec<&'static str>)> {
    let mut out = Vec::new();
    for krate in [
        "supabase-sdk-core",
        "supabase-sdk-auth",
        "supabase-sdk-postgrest",
        "supabase-sdk-functions",
        "supabase-sdk-realtime",
        "supabase-sdk-storage",
        "supabase-sdk",
    ] {
        out.push((
            format!("{krate} --no-default-features"),
            vec!["check", "-p", krate, "--no-default-features"],
        ));
        out.push((
            format!("{krate} rustls (aws-lc-rs)"),
            vec![
                "check",
                "-p",
                krate,
                "--no-default-features",
                "--features",
                "rustls",
            ],
        ));
        out.push((
            format!("{krate} native-tls"),
            vec![
                "check",
                "-p",
                krate,
                "--no-default-features",
                "--features",
                "native-tls",
            ],
        ));
    }
    for features in [
        "auth,rustls-ring",
        "postgrest,rustls-ring",
        "rustls-ring",
        "jwt-verify,rustls-ring",
        "jwt-verify,rustls",
        "storage,rustls-ring",
        "functions,rustls-ring",
        "realtime,rustls-ring",
        "postgrest,hyper,rustls-ring",
        "postgrest,hyper,rustls",
    ] {
        out.push((
            format!("supabase --features {features}"),
            vec![
                "check",
                "-p",
                "supabase-sdk",
                "--no-default-features",
                "--features",
                features,
            ],
        ));
    }
    out
}

fn cargo(name: &str, args: &[&str], env: &[(&str, &str)]) -> Result {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let shown_env: String = env.iter().map(|(k, v)| format!("{k}='{v}' ")).collect();
    println!("\n==> {name}: {shown_env}cargo {}", args.join(" "));
    let started = Instant::now();
    let status = Command::new(&cargo)
        .current_dir(project_root())
        .args(args)
        .envs(env.iter().copied())
        .status()
        .map_err(|e| format!("could not run {cargo}: {e}"))?;
    if status.success() {
        println!("<== {name}: ok ({:.1?})", started.elapsed());
        Ok(())
    } else {
        Err(format!(
            "{name}: `cargo {}` exited with {status}",
            args.join(" ")
        ))
    }
}

/// How long the test step may take before it is taken for a hang (a full run takes about
/// 5 minutes on the 2-core CI machine).
const TEST_STEP_LIMIT: Duration = Duration::from_secs(25 * 60);

/// Runs the test step with a time limit. During development a test binary was seen spinning
/// a CPU for minutes under heavy load: wiremock's `MockServer` dropped on a runtime thread
/// whose task had spent its tokio coop budget (RELIABILITY.md, "Tests that hung under load";
/// fixed by `supabase_test_support::MockServer`, checked by `cargo xtask stress`). The limit
/// stays as a last guard: a run that exceeds it is killed and run again once, loudly; a
/// second hang fails.
fn tests_with_watchdog(args: &[&str]) -> Result {
    let name = "tests (unit, integration, doc tests)";
    for attempt in 1..=2 {
        println!("\n==> {name}: cargo {} (attempt {attempt})", args.join(" "));
        let started = Instant::now();
        match run_with_limit(args, &[], TEST_STEP_LIMIT)? {
            Some(status) if status.success() => {
                println!("<== {name}: ok ({:.1?})", started.elapsed());
                if attempt > 1 {
                    println!(
                        "WARNING: the first test run exceeded {TEST_STEP_LIMIT:?} and was killed; \
                         the second passed"
                    );
                }
                return Ok(());
            }
            Some(status) => {
                return Err(format!(
                    "{name}: `cargo {}` exited with {status}",
                    args.join(" ")
                ));
            }
            None => {
                println!("WARNING: {name} exceeded {TEST_STEP_LIMIT:?}: killed (possible hang)")
            }
        }
    }
    Err(format!("{name}: exceeded {TEST_STEP_LIMIT:?} twice"))
}

/// Runs cargo in its own process group; `None` when it ran past `limit` (the whole group,
/// test binaries included, is then killed).
fn run_with_limit(
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> Result<Option<ExitStatus>> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut child = Command::new(&cargo)
        .current_dir(project_root())
        .args(args)
        .envs(env.iter().copied())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("could not run {cargo}: {e}"))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn project_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
