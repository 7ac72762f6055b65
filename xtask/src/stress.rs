//! `cargo xtask stress [RUNS]`: runs every integration test binary RUNS times on a busy CPU,
//! to catch the tests that hang or fail only under load.
//!
//! ```text
//! cargo xtask stress [RUNS] [--bin NAME]... [--limit SECS] [--cpus LIST]
//! ```
//!
//! - Builds the tests once (`cargo test --workspace --all-features --no-run
//!   --message-format=json`) and takes every artifact of kind `test` (the files in a
//!   crate's `tests/`), so a new crate or test file is covered without any change here.
//!   `--bin NAME` keeps only the binaries whose name contains NAME (repeatable).
//! - Each run executes one binary with the default harness (tests in parallel threads),
//!   pinned with `taskset -c CPU` to one CPU on which a busy process (a shell loop, pinned
//!   the same way, that ends when xtask is gone) competes for the whole time.
//!   `--cpus 0,1` runs one such lane per listed CPU (default `0`: a single lane).
//! - Runs go round by round (every binary once per round), so a shorter run still
//!   covers every binary evenly. From the second round on, the binaries are started
//!   longest first (by their mean so far), so that the lanes end a round close together.
//! - A run that exceeds the limit (`--limit`, default 120 s) is a hang: the stacks of all
//!   its threads are taken with `gdb -p PID -batch -ex 'thread apply all bt'`, the binary
//!   and the tests that had not finished (from `--list` minus the results printed) are
//!   printed, and the process is killed. A run that exits non-zero is a failure; its failed
//!   tests and the end of its output are printed.
//! - All runs are made; the task fails at the end if there was any hang or failure. The
//!   output of every hung or failed run is kept in `target/stress/`.
//!
//! Needs `taskset` (util-linux) and, for the stacks, `gdb`. Not part of `cargo xtask test`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{Result, project_root};

/// Runs per binary when RUNS is not given.
const DEFAULT_RUNS: u32 = 20;
/// Seconds a single run may take before it is taken for a hang.
const DEFAULT_LIMIT_SECS: u64 = 120;
/// How often a running test binary is looked at.
const POLL: Duration = Duration::from_millis(20);

/// The command line.
#[derive(Debug)]
struct Options {
    runs: u32,
    filters: Vec<String>,
    limit: Duration,
    cpus: Vec<u32>,
}

/// One integration test binary.
#[derive(Debug, Clone)]
struct TestBinary {
    /// `package/target`, e.g. `supabase/set_auth`.
    name: String,
    executable: PathBuf,
    manifest_dir: PathBuf,
    package: String,
    /// The tests `--list` named.
    tests: Vec<String>,
}

/// What one run ended with.
enum RunOutcome {
    Passed,
    Failed { report: String },
    Hung { report: String },
}

/// Counters of one binary.
#[derive(Debug, Default, Clone)]
struct Tally {
    runs: u32,
    failures: u32,
    hangs: u32,
    slowest: Duration,
    total: Duration,
}

/// Runs the stress task.
pub fn run(args: &[String]) -> Result {
    let options = parse_args(args)?;
    require_tool(
        "taskset",
        &["--version"],
        "util-linux (apt-get install util-linux)",
    )?;
    let have_gdb = Command::new("gdb")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have_gdb {
        println!("WARNING: gdb not found: a hang will be reported without its stacks");
    }
    let mut binaries = build_test_binaries()?;
    if !options.filters.is_empty() {
        binaries.retain(|b| options.filters.iter().any(|f| b.name.contains(f.as_str())));
    }
    if binaries.is_empty() {
        return Err(format!(
            "no integration test binary matches {:?}",
            options.filters
        ));
    }
    for binary in &mut binaries {
        binary.tests = list_tests(binary)?;
    }
    let out_dir = project_root().join("target").join("stress");
    std::fs::create_dir_all(&out_dir).map_err(|e| format!("cannot create {out_dir:?}: {e}"))?;
    println!(
        "\nstress: {} binaries ({} tests) x {} runs, {} lane(s) on CPU {:?}, each with a busy \
         process; limit {:?} per run",
        binaries.len(),
        binaries.iter().map(|b| b.tests.len()).sum::<usize>(),
        options.runs,
        options.cpus.len(),
        options.cpus,
        options.limit,
    );
    for b in &binaries {
        println!("  {} ({} tests)", b.name, b.tests.len());
    }

    let started = Instant::now();
    let tallies: Arc<Mutex<BTreeMap<String, Tally>>> = Arc::new(Mutex::new(BTreeMap::new()));
    let mut failed_runs = 0;
    let mut hung_runs = 0;
    for round in 1..=options.runs {
        let round_started = Instant::now();
        // Longest first (by the mean so far), so that the lanes end a round close together.
        {
            let tallies = tallies.lock().map_err(|e| e.to_string())?;
            let mean = |b: &TestBinary| {
                tallies
                    .get(&b.name)
                    .and_then(|t| t.total.checked_div(t.runs))
                    .unwrap_or_default()
            };
            binaries.sort_by_key(|b| std::cmp::Reverse(mean(b)));
        }
        let queue: Arc<Mutex<VecDeque<TestBinary>>> =
            Arc::new(Mutex::new(binaries.iter().cloned().collect()));
        let reports: Arc<Mutex<Vec<(String, RunOutcome)>>> = Arc::new(Mutex::new(Vec::new()));
        let lanes: Vec<_> = options
            .cpus
            .iter()
            .map(|&cpu| {
                let queue = Arc::clone(&queue);
                let reports = Arc::clone(&reports);
                let tallies = Arc::clone(&tallies);
                let limit = options.limit;
                let out_dir = out_dir.clone();
                std::thread::spawn(move || -> Result {
                    let _busy = BusyLoop::start(cpu)?;
                    loop {
                        let next = queue.lock().map_err(|e| e.to_string())?.pop_front();
                        let Some(binary) = next else { return Ok(()) };
                        let run_started = Instant::now();
                        let outcome = run_once(&binary, cpu, limit, have_gdb, round, &out_dir)?;
                        let took = run_started.elapsed();
                        {
                            let mut tallies = tallies.lock().map_err(|e| e.to_string())?;
                            let t = tallies.entry(binary.name.clone()).or_default();
                            t.runs += 1;
                            t.total += took;
                            t.slowest = t.slowest.max(took);
                            match outcome {
                                RunOutcome::Passed => {}
                                RunOutcome::Failed { .. } => t.failures += 1,
                                RunOutcome::Hung { .. } => t.hangs += 1,
                            }
                        }
                        if !matches!(outcome, RunOutcome::Passed) {
                            reports
                                .lock()
                                .map_err(|e| e.to_string())?
                                .push((binary.name.clone(), outcome));
                        }
                    }
                })
            })
            .collect();
        for lane in lanes {
            lane.join()
                .map_err(|_| "a stress lane panicked".to_owned())??;
        }
        let reports = std::mem::take(&mut *reports.lock().map_err(|e| e.to_string())?);
        for (name, outcome) in &reports {
            match outcome {
                RunOutcome::Passed => {}
                RunOutcome::Failed { report } => {
                    failed_runs += 1;
                    println!("\nFAILURE in round {round}: {name}\n{report}");
                }
                RunOutcome::Hung { report } => {
                    hung_runs += 1;
                    println!("\nHANG in round {round}: {name}\n{report}");
                }
            }
        }
        println!(
            "round {round}/{}: {} runs in {:.1?} (total {:.0?}; so far {failed_runs} failures, \
             {hung_runs} hangs)",
            options.runs,
            binaries.len(),
            round_started.elapsed(),
            started.elapsed(),
        );
    }

    let tallies = tallies.lock().map_err(|e| e.to_string())?;
    print_summary(&tallies, started.elapsed());
    if failed_runs + hung_runs > 0 {
        return Err(format!(
            "stress: {hung_runs} hung and {failed_runs} failed runs (see above and target/stress/)"
        ));
    }
    Ok(())
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options {
        runs: DEFAULT_RUNS,
        filters: Vec::new(),
        limit: Duration::from_secs(DEFAULT_LIMIT_SECS),
        cpus: vec![0],
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--bin" => options.filters.push(value("--bin")?),
            "--limit" => {
                let secs: u64 = value("--limit")?
                    .parse()
                    .map_err(|e| format!("--limit: {e}"))?;
                options.limit = Duration::from_secs(secs.max(1));
            }
            "--cpus" => {
                options.cpus = value("--cpus")?
                    .split(',')
                    .map(|c| c.trim().parse::<u32>().map_err(|e| format!("--cpus: {e}")))
                    .collect::<Result<Vec<_>>>()?;
                if options.cpus.is_empty() {
                    return Err("--cpus needs at least one CPU".into());
                }
            }
            runs if !runs.starts_with('-') => {
                options.runs = runs
                    .parse()
                    .map_err(|e| format!("RUNS must be a number ({runs}): {e}"))?;
            }
            other => {
                return Err(format!(
                    "unknown option `{other}`; usage: cargo xtask stress [RUNS] [--bin NAME]... \
                     [--limit SECS] [--cpus LIST]"
                ));
            }
        }
    }
    Ok(options)
}

fn require_tool(tool: &str, args: &[&str], package: &str) -> Result {
    let found = Command::new(tool)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if found {
        Ok(())
    } else {
        Err(format!(
            "`{tool}` is needed and was not found; install {package}"
        ))
    }
}

/// Builds the tests and returns the integration test binaries (artifacts of kind `test`).
fn build_test_binaries() -> Result<Vec<TestBinary>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let args = [
        "test",
        "--workspace",
        "--all-features",
        "--no-run",
        "--message-format=json",
    ];
    println!("\n==> build: cargo {}", args.join(" "));
    let mut child = Command::new(&cargo)
        .current_dir(project_root())
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run {cargo}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout from cargo")?;
    let mut binaries = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let is_test_target = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
        let (Some(executable), Some(target), Some(manifest)) = (
            message["executable"].as_str(),
            message["target"]["name"].as_str(),
            message["manifest_path"].as_str(),
        ) else {
            continue;
        };
        if !is_test_target {
            continue;
        }
        let manifest_dir = Path::new(manifest)
            .parent()
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let package = manifest_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        binaries.push(TestBinary {
            name: format!("{package}/{target}"),
            executable: PathBuf::from(executable),
            manifest_dir,
            package,
            tests: Vec::new(),
        });
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("`cargo {}` exited with {status}", args.join(" ")));
    }
    binaries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(binaries)
}

fn command_for(binary: &TestBinary, program: &str) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(&binary.manifest_dir)
        .env("CARGO_MANIFEST_DIR", &binary.manifest_dir)
        .env("CARGO_PKG_NAME", &binary.package);
    command
}

/// The tests of a binary, from `--list --format=terse` (`name: test` lines).
fn list_tests(binary: &TestBinary) -> Result<Vec<String>> {
    let output = command_for(binary, &binary.executable.to_string_lossy())
        .args(["--list", "--format=terse"])
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.executable.display()))?;
    if !output.status.success() {
        return Err(format!("{} --list failed: {}", binary.name, output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Runs `binary` once pinned to `cpu`; kills it after `limit`.
fn run_once(
    binary: &TestBinary,
    cpu: u32,
    limit: Duration,
    have_gdb: bool,
    round: u32,
    out_dir: &Path,
) -> Result<RunOutcome> {
    let stem = format!("{}-cpu{cpu}", binary.name.replace('/', "__"));
    let out_path = out_dir.join(format!("{stem}.out"));
    let out = std::fs::File::create(&out_path).map_err(|e| format!("{out_path:?}: {e}"))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    // taskset execs the binary: the child's pid is the test process's.
    let mut child = command_for(binary, "taskset")
        .args(["-c", &cpu.to_string()])
        .arg(&binary.executable)
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.executable.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break Some(status);
        }
        if started.elapsed() > limit {
            break None;
        }
        std::thread::sleep(POLL);
    };
    let outcome = match status {
        Some(status) if status.success() => RunOutcome::Passed,
        Some(status) => {
            let output = std::fs::read_to_string(&out_path).unwrap_or_default();
            let failed: Vec<&str> = output
                .lines()
                .filter(|l| l.starts_with("test ") && l.ends_with("FAILED"))
                .collect();
            let mut report = format!("  exit: {status}\n  failed tests:\n");
            for f in &failed {
                let _ = writeln!(report, "    {f}");
            }
            let _ = writeln!(report, "  output (end):\n{}", tail(&output, 60));
            keep(out_dir, &stem, round, "failed", &output, None);
            RunOutcome::Failed { report }
        }
        None => {
            let stacks = if have_gdb {
                stacks_of(child.id())
            } else {
                "(gdb not available)".to_owned()
            };
            let _ = child.kill();
            let _ = child.wait();
            let output = std::fs::read_to_string(&out_path).unwrap_or_default();
            let finished: BTreeSet<&str> = output
                .lines()
                .filter_map(|l| l.strip_prefix("test "))
                .filter_map(|l| l.rsplit_once(" ... ").map(|(name, _)| name))
                .collect();
            let unfinished: Vec<&String> = binary
                .tests
                .iter()
                .filter(|t| !finished.contains(t.as_str()))
                .collect();
            let mut report = format!(
                "  killed after {limit:?}; binary {}\n  tests not finished:\n",
                binary.executable.display()
            );
            for t in &unfinished {
                let _ = writeln!(report, "    {t}");
            }
            let _ = writeln!(report, "  stacks of all threads:\n{stacks}");
            keep(out_dir, &stem, round, "hung", &output, Some(&stacks));
            RunOutcome::Hung { report }
        }
    };
    Ok(outcome)
}

/// `gdb -p PID -batch -ex 'thread apply all bt'`.
fn stacks_of(pid: u32) -> String {
    match Command::new("gdb")
        .args([
            "-p",
            &pid.to_string(),
            "-batch",
            "-ex",
            "thread apply all bt",
        ])
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("Thread ") || l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => format!("(gdb failed: {e})"),
    }
}

/// Keeps the output (and stacks) of a failed or hung run in `target/stress/`.
fn keep(out_dir: &Path, stem: &str, round: u32, what: &str, output: &str, stacks: Option<&str>) {
    let path = out_dir.join(format!("{stem}-round{round}-{what}.txt"));
    let mut text = output.to_owned();
    if let Some(stacks) = stacks {
        text.push_str("\n\n==== stacks ====\n");
        text.push_str(stacks);
    }
    if std::fs::write(&path, text).is_ok() {
        println!("  kept: {}", path.display());
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn print_summary(tallies: &BTreeMap<String, Tally>, elapsed: Duration) {
    println!("\nstress summary ({elapsed:.0?}):");
    println!(
        "  {:<48} {:>6} {:>8} {:>6} {:>9} {:>9}",
        "binary", "runs", "failures", "hangs", "mean", "slowest"
    );
    let (mut runs, mut failures, mut hangs) = (0, 0, 0);
    for (name, t) in tallies {
        runs += t.runs;
        failures += t.failures;
        hangs += t.hangs;
        let mean = t.total.checked_div(t.runs).unwrap_or_default();
        println!(
            "  {name:<48} {:>6} {:>8} {:>6} {:>9.2?} {:>9.2?}",
            t.runs, t.failures, t.hangs, mean, t.slowest
        );
    }
    println!("  {:<48} {runs:>6} {failures:>8} {hangs:>6}", "total");
}

/// A busy process pinned to one CPU for as long as this value lives.
struct BusyLoop(Child);

impl BusyLoop {
    fn start(cpu: u32) -> Result<Self> {
        Command::new("taskset")
            // Ends on its own when xtask is gone (killed before it could stop the loop).
            .args([
                "-c",
                &cpu.to_string(),
                "sh",
                "-c",
                "while kill -0 \"$1\" 2>/dev/null; do :; done",
                "sh",
                &std::process::id().to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(BusyLoop)
            .map_err(|e| format!("cannot start the busy process on CPU {cpu}: {e}"))
    }
}

impl Drop for BusyLoop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
