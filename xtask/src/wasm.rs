//! The wasm32 steps of `cargo xtask test`: every library crate (Realtime too) builds for
//! `wasm32-unknown-unknown` (clippy, `-D warnings`), and the tests of `supabase-wasm-tests`
//! run in Node against the mock servers of `wasm-mock`.
//!
//! What they need is installed when missing: the target (`rustup target add`) and
//! `wasm-bindgen-cli` at the version of `wasm-bindgen` in `Cargo.lock` (`cargo install`, into
//! `target/wasm-bindgen-<version>/`; a matching `wasm-bindgen-test-runner` on `PATH` is used
//! as it is). Node must be there (the CI machine has Node 20, whose `WebSocket`, needed by
//! the Realtime test, is behind `--experimental-websocket`: added to `NODE_OPTIONS` then).

use std::env;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{Result, cargo, project_root, run_with_limit};

const TARGET: &str = "wasm32-unknown-unknown";

/// The crates that must build for wasm32 with their default features.
const CRATES: [&str; 7] = [
    "supabase-sdk-core",
    "supabase-sdk-postgrest",
    "supabase-sdk-auth",
    "supabase-sdk-storage",
    "supabase-sdk-functions",
    "supabase-sdk-realtime",
    "supabase-sdk",
];

/// How long the Node tests may take (build included) before they are taken for a hang.
const NODE_TESTS_LIMIT: Duration = Duration::from_secs(15 * 60);

/// The wasm32 steps; returns how many steps ran.
pub fn steps() -> Result<usize> {
    ensure_target()?;
    let mut check = vec!["clippy", "--target", TARGET];
    for krate in CRATES {
        check.extend(["-p", krate]);
    }
    check.extend(["--", "-D", "warnings"]);
    cargo("wasm32: check (clippy) of every library crate", &check, &[])?;
    cargo(
        "wasm32: check (clippy) of supabase-sdk with local-storage",
        &[
            "clippy",
            "--target",
            TARGET,
            "-p",
            "supabase-sdk",
            "--features",
            "local-storage",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    cargo(
        "wasm32: check (clippy) of the wasm tests",
        &[
            "clippy",
            "--target",
            TARGET,
            "-p",
            "supabase-wasm-tests",
            "--tests",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    node_tests()?;
    Ok(4)
}

/// Adds the wasm32 target with rustup unless the toolchain has it.
fn ensure_target() -> Result {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("could not run rustc: {e}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    if sysroot.join("lib/rustlib").join(TARGET).is_dir() {
        return Ok(());
    }
    println!("\n==> wasm32: rustup target add {TARGET}");
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .map_err(|e| format!("the {TARGET} target is missing and rustup could not run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("rustup target add {TARGET} exited with {status}"))
    }
}

/// The version of `wasm-bindgen` in `Cargo.lock` (the CLI must match it exactly).
fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(version.trim_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

/// Whether `runner --version` says `version`.
fn runner_has_version(runner: &Path, version: &str) -> bool {
    Command::new(runner)
        .arg("--version")
        .output()
        .is_ok_and(|out| {
            out.status.success()
                && String::from_utf8_lossy(&out.stdout)
                    .split_whitespace()
                    .any(|word| word == version)
        })
}

/// `wasm-bindgen-test-runner` at the locked version: on `PATH`, else in
/// `target/wasm-bindgen-<version>/bin`, installed there when missing.
fn test_runner() -> Result<PathBuf> {
    let version = locked_wasm_bindgen_version()?;
    let on_path = PathBuf::from("wasm-bindgen-test-runner");
    if runner_has_version(&on_path, &version) {
        return Ok(on_path);
    }
    let root = project_root()
        .join("target")
        .join(format!("wasm-bindgen-{version}"));
    let runner = root.join("bin").join("wasm-bindgen-test-runner");
    if runner_has_version(&runner, &version) {
        return Ok(runner);
    }
    let root_text = root.to_string_lossy().into_owned();
    let install = |locked: bool| {
        let mut args = vec![
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--root",
            &root_text,
        ];
        if locked {
            args.push("--locked");
        }
        cargo("wasm32: install wasm-bindgen-cli", &args, &[])
    };
    if let Err(locked_failed) = install(true) {
        // `--locked` takes the CLI's own lock file; when a crate version it names is not in
        // the registry this machine reaches, resolve again within the CLI's requirements.
        println!("{locked_failed}\nretrying without --locked");
        install(false)?;
    }
    if runner_has_version(&runner, &version) {
        Ok(runner)
    } else {
        Err(format!(
            "{} does not answer version {version} after installing",
            runner.display()
        ))
    }
}

/// Builds and starts `wasm-mock`, runs the Node tests with its URLs, then stops it.
fn node_tests() -> Result {
    let name = "wasm32: tests in Node";
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("{name}: Node is needed (it runs the wasm tests): {e}"))?;
    println!(
        "\n==> {name}: node {}",
        String::from_utf8_lossy(&node.stdout).trim()
    );
    let runner = test_runner()?;
    cargo(
        "wasm32: build the mock servers",
        &[
            "build",
            "-q",
            "-p",
            "supabase-test-support",
            "--bin",
            "wasm-mock",
        ],
        &[],
    )?;
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| project_root().join("target"));
    let mut mock = Command::new(target_dir.join("debug").join("wasm-mock"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{name}: could not start wasm-mock: {e}"))?;
    let mut first_line = String::new();
    let read = mock
        .stdout
        .take()
        .map(|out| BufReader::new(out).read_line(&mut first_line));
    let result = match read {
        Some(Ok(n)) if n > 0 => run_node_tests(name, &runner, first_line.trim()),
        _ => Err(format!("{name}: wasm-mock printed no URLs")),
    };
    // Closing its standard input stops the mock; kill it too in case it hangs.
    drop(mock.stdin.take());
    let _ = mock.kill();
    let _ = mock.wait();
    result
}

/// Whether Node has a global `WebSocket` without flags.
fn node_has_websocket() -> bool {
    Command::new("node")
        .args(["-e", "process.stdout.write(typeof WebSocket)"])
        .output()
        .is_ok_and(|out| out.stdout == b"function")
}

fn run_node_tests(name: &str, runner: &Path, urls: &str) -> Result {
    let args = [
        "test",
        "-p",
        "supabase-wasm-tests",
        "--target",
        TARGET,
        "--tests",
    ];
    let runner = runner.to_string_lossy().into_owned();
    let mut env = vec![
        (
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            runner.as_str(),
        ),
        ("SUPABASE_WASM_MOCK", urls),
    ];
    // Realtime needs a global `WebSocket`: Node 22 has one, Node 20 behind a flag.
    let node_options;
    if !node_has_websocket() {
        node_options = match env::var("NODE_OPTIONS") {
            Ok(options) if !options.is_empty() => format!("{options} --experimental-websocket"),
            _ => "--experimental-websocket".to_owned(),
        };
        env.push(("NODE_OPTIONS", node_options.as_str()));
    }
    let shown: String = env.iter().map(|(k, v)| format!("{k}='{v}' ")).collect();
    println!("\n==> {name}: {shown}cargo {}", args.join(" "));
    let started = Instant::now();
    match run_with_limit(&args, &env, NODE_TESTS_LIMIT)? {
        Some(status) if status.success() => {
            println!("<== {name}: ok ({:.1?})", started.elapsed());
            Ok(())
        }
        Some(status) => Err(format!("{name}: exited with {status}")),
        None => Err(format!("{name}: exceeded {NODE_TESTS_LIMIT:?}: killed")),
    }
}
