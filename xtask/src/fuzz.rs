//! `cargo xtask fuzz`: runs every cargo-fuzz target in `fuzz/` for a bounded time.
//!
//! ```text
//! cargo xtask fuzz [--seconds N] [TARGET...]
//! ```
//!
//! - Installs cargo-fuzz (`cargo install cargo-fuzz --locked`) when `cargo fuzz` is missing.
//! - cargo-fuzz passes `-Z` flags (sanitizer coverage, AddressSanitizer) that only a nightly
//!   compiler accepts. On a stable or beta toolchain it sets `RUSTC_BOOTSTRAP=1` for the fuzz
//!   build alone, which makes the stable compiler accept them; nothing else is built that way.
//! - Each target runs `N` seconds (default 60) on `fuzz/corpus/<target>` (kept between runs,
//!   not committed) plus the committed seeds in `fuzz/seeds/<target>`.
//! - Prints a table (executions, corpus, coverage, crashes) and fails when a target crashed;
//!   the crashing input is in `fuzz/artifacts/<target>/`.
//!
//! Fuzzing is not part of `cargo xtask test`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::{Result, project_root};

/// Seconds per target when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 60;

/// What one target's run showed.
#[derive(Debug, Default)]
struct Outcome {
    target: String,
    seconds: u64,
    executions: Option<u64>,
    corpus: Option<String>,
    coverage: Option<String>,
    crashed: bool,
    artifact: Option<String>,
}

/// Runs the fuzz targets named in `args` (all by default).
pub fn run(args: &[String]) -> Result {
    let (seconds, mut targets) = parse_args(args)?;
    ensure_cargo_fuzz()?;
    let available = list_targets()?;
    if targets.is_empty() {
        targets = available.clone();
    }
    if let Some(unknown) = targets.iter().find(|t| !available.contains(t)) {
        return Err(format!(
            "no fuzz target `{unknown}`; the targets are: {}",
            available.join(", ")
        ));
    }
    let bootstrap = needs_bootstrap()?;
    let mut outcomes = Vec::new();
    for target in &targets {
        outcomes.push(run_target(target, seconds, bootstrap)?);
    }
    print_table(&outcomes);
    let crashed: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.crashed)
        .map(|o| o.target.as_str())
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets crashed: {}", crashed.join(", ")))
    }
}

fn parse_args(args: &[String]) -> Result<(u64, Vec<String>)> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--seconds" || arg == "-s" {
            let value = iter.next().ok_or("--seconds needs a number")?;
            seconds = value
                .parse()
                .map_err(|_| format!("--seconds: `{value}` is not a number of seconds"))?;
        } else if let Some(value) = arg.strip_prefix("--seconds=") {
            seconds = value
                .parse()
                .map_err(|_| format!("--seconds: `{value}` is not a number of seconds"))?;
        } else if arg.starts_with('-') {
            return Err(format!(
                "unknown option `{arg}`; usage: cargo xtask fuzz [--seconds N] [TARGET...]"
            ));
        } else {
            targets.push(arg.clone());
        }
    }
    if seconds == 0 {
        return Err("--seconds must be at least 1".into());
    }
    Ok((seconds, targets))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn ensure_cargo_fuzz() -> Result {
    let installed = Command::new(cargo())
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if installed {
        return Ok(());
    }
    println!("==> cargo-fuzz is missing: cargo install cargo-fuzz --locked");
    let status = Command::new(cargo())
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .map_err(|e| format!("could not run cargo install: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo install cargo-fuzz exited with {status}"))
    }
}

fn list_targets() -> Result<Vec<String>> {
    let output = Command::new(cargo())
        .current_dir(project_root())
        .args(["fuzz", "list"])
        .output()
        .map_err(|e| format!("could not run cargo fuzz list: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Whether the compiler is not a nightly one, so the fuzz build needs `RUSTC_BOOTSTRAP=1`.
fn needs_bootstrap() -> Result<bool> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(&rustc)
        .arg("--version")
        .output()
        .map_err(|e| format!("could not run {rustc} --version: {e}"))?;
    let version = String::from_utf8_lossy(&output.stdout);
    Ok(!(version.contains("nightly") || version.contains("-dev")))
}

fn run_target(target: &str, seconds: u64, bootstrap: bool) -> Result<Outcome> {
    let root = project_root();
    let corpus = format!("fuzz/corpus/{target}");
    let seeds = format!("fuzz/seeds/{target}");
    std::fs::create_dir_all(root.join(&corpus))
        .map_err(|e| format!("could not create {corpus}: {e}"))?;
    let mut args = vec![
        "fuzz".to_owned(),
        "run".to_owned(),
        target.to_owned(),
        corpus,
    ];
    if root.join(&seeds).is_dir() {
        args.push(seeds);
    }
    args.extend([
        "--".to_owned(),
        format!("-max_total_time={seconds}"),
        // An input that takes over 10 s is a hang, reported as a crash.
        "-timeout=10".to_owned(),
        "-print_final_stats=1".to_owned(),
    ]);
    let shown_env = if bootstrap { "RUSTC_BOOTSTRAP=1 " } else { "" };
    println!("\n==> fuzz {target}: {shown_env}cargo {}", args.join(" "));
    let started = Instant::now();
    let mut command = Command::new(cargo());
    command
        .current_dir(&root)
        .args(&args)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
    if bootstrap {
        command.env("RUSTC_BOOTSTRAP", "1");
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not run cargo fuzz: {e}"))?;
    let mut outcome = Outcome {
        target: target.to_owned(),
        seconds,
        ..Outcome::default()
    };
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::io::Result::ok)
        {
            read_line(&line, &mut outcome);
            // libFuzzer reports every new coverage point; show the rest.
            let progress = line.starts_with('#')
                && (line.contains("\tNEW ")
                    || line.contains("\tREDUCE ")
                    || line.contains("\tpulse "));
            if !progress {
                eprintln!("{line}");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo fuzz: {e}"))?;
    outcome.crashed = !status.success();
    println!(
        "<== fuzz {target}: {} in {:.0?}",
        if outcome.crashed { "CRASHED" } else { "ok" },
        started.elapsed()
    );
    Ok(outcome)
}

/// Picks the numbers out of libFuzzer's output.
fn read_line(line: &str, outcome: &mut Outcome) {
    if let Some(rest) = line.strip_prefix("stat::number_of_executed_units:") {
        outcome.executions = rest.trim().parse().ok();
    } else if let Some(rest) = line.strip_prefix("Done ") {
        // "Done 123456 runs in 61 second(s)"
        if outcome.executions.is_none() {
            outcome.executions = rest.split_whitespace().next().and_then(|n| n.parse().ok());
        }
    } else if line.starts_with('#') && line.contains("\tDONE ") {
        // "#123456\tDONE   cov: 812 ft: 2101 corp: 254/9034b lim: 4096 exec/s: 2024 rss: 60Mb"
        outcome.coverage = field(line, "cov:");
        outcome.corpus = field(line, "corp:");
    } else if let Some(rest) = line.split("Test unit written to ").nth(1) {
        outcome.artifact = Some(rest.trim().to_owned());
    }
}

/// The word after `name` in a libFuzzer status line.
fn field(line: &str, name: &str) -> Option<String> {
    let mut words = line.split_whitespace();
    words.find(|w| *w == name)?;
    words.next().map(str::to_owned)
}

fn print_table(outcomes: &[Outcome]) {
    println!("\n| target | seconds | executions | corpus (entries/bytes) | coverage | crashes |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for o in outcomes {
        let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            o.target,
            o.seconds,
            o.executions.map_or_else(|| "?".into(), |n| n.to_string()),
            or_unknown(&o.corpus),
            or_unknown(&o.coverage),
            match (&o.crashed, &o.artifact) {
                (false, _) => "0".to_owned(),
                (true, Some(a)) => format!("1 ({a})"),
                (true, None) => "1".to_owned(),
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_numbers() {
        let mut o = Outcome::default();
        for line in [
            "#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb",
            "#4096\tDONE   cov: 812 ft: 2101 corp: 254/9034b lim: 4096 exec/s: 2024 rss: 60Mb",
            "Done 4096 runs in 2 second(s)",
            "stat::number_of_executed_units: 4097",
            "==1== Test unit written to fuzz/artifacts/x/crash-abc",
        ] {
            read_line(line, &mut o);
        }
        assert_eq!(o.executions, Some(4097));
        assert_eq!(o.coverage.as_deref(), Some("812"));
        assert_eq!(o.corpus.as_deref(), Some("254/9034b"));
        assert_eq!(o.artifact.as_deref(), Some("fuzz/artifacts/x/crash-abc"));
    }

    #[test]
    fn parses_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_args(&[]).unwrap(), (60, vec![]));
        assert_eq!(
            parse_args(&args(&["--seconds", "5", "jwt_claims"])).unwrap(),
            (5, vec!["jwt_claims".to_owned()])
        );
        assert_eq!(parse_args(&args(&["--seconds=7"])).unwrap().0, 7);
        assert!(parse_args(&args(&["--seconds", "x"])).is_err());
        assert!(parse_args(&args(&["--seconds", "0"])).is_err());
        assert!(parse_args(&args(&["--bogus"])).is_err());
    }
}
