//! `supabase-conformance [DIR] [--write-md]`: runs every golden of DIR (default:
//! `$SUPABASE_CONFORMANCE_DIR`, else the carried fixtures) and prints one line per case and a
//! total; exits non-zero when a case failed. `--write-md` regenerates `CONFORMANCE.md` from
//! the deliberate-difference rules instead.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

use supabase_conformance::runner::totals_line;
use supabase_conformance::{carried_fixtures, conformance_md_path, rules, run_dir};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--write-md") {
        let path = conformance_md_path();
        return match std::fs::write(&path, rules::markdown()) {
            Ok(()) => {
                println!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("writing {}: {e}", path.display());
                ExitCode::FAILURE
            }
        };
    }
    if let Some(flag) = args.iter().find(|a| a.starts_with('-')) {
        eprintln!("unknown flag {flag}; usage: supabase-conformance [DIR] [--write-md]");
        return ExitCode::from(2);
    }
    let carried = carried_fixtures();
    let dir = match args.first() {
        Some(d) => PathBuf::from(d),
        None => std::env::var_os("SUPABASE_CONFORMANCE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| carried.clone()),
    };
    println!("conformance: goldens from {}", dir.display());
    let report = match run_dir(&dir, true).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("conformance: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!();
    for (rule, hits) in &report.rule_hits {
        println!("rule {rule}: covered {hits} case(s)");
    }
    let unfired = report.unfired_rules();
    if !unfired.is_empty() {
        println!(
            "rules that covered no case in this run ({}): {}",
            if dir == carried {
                "stale over the carried fixtures? keep only rules some golden shows"
            } else {
                "this corpus does not show them"
            },
            unfired.join(", ")
        );
    }
    println!("{}", totals_line(&report.totals));
    if report.totals.failed == 0 && report.totals.given > 0 {
        ExitCode::SUCCESS
    } else {
        if report.totals.given == 0 {
            eprintln!("conformance: no goldens in {}", dir.display());
        }
        ExitCode::FAILURE
    }
}
