//! How long to measure, and the runtime the clients run on.

use std::time::Duration;

use crate::BenchError;

/// Criterion settings for one run: `SUPABASE_BENCH_QUICK=1` (what `cargo xtask bench
/// --quick` sets) selects a short smoke run whose figures are only indicative.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Whether this is the quick mode.
    pub quick: bool,
    /// Warm-up time per benchmark.
    pub warm_up: Duration,
    /// Measurement time per benchmark.
    pub measurement: Duration,
    /// Samples per benchmark for cheap routines (µs or less per iteration).
    pub sample_size: usize,
    /// Samples per benchmark for heavy routines (a batch of requests, 100,000 rows).
    pub heavy_sample_size: usize,
    /// Bootstrap resamples for the confidence intervals.
    pub resamples: usize,
    /// Rounds of a paired measurement of cheap batches (~10 ms or less).
    pub paired_rounds: usize,
    /// Rounds of a paired measurement of heavy batches (~100 ms or more).
    pub heavy_paired_rounds: usize,
}

impl Settings {
    /// The settings selected by the environment.
    pub fn from_env() -> Self {
        let quick = std::env::var("SUPABASE_BENCH_QUICK").is_ok_and(|v| v == "1");
        if quick {
            Self {
                quick,
                warm_up: Duration::from_millis(300),
                measurement: Duration::from_millis(1000),
                sample_size: 20,
                heavy_sample_size: 10,
                resamples: 5_000,
                paired_rounds: 11,
                heavy_paired_rounds: 5,
            }
        } else {
            Self {
                quick,
                warm_up: Duration::from_secs(1),
                measurement: Duration::from_secs(3),
                sample_size: 50,
                heavy_sample_size: 20,
                resamples: 20_000,
                paired_rounds: 41,
                heavy_paired_rounds: 15,
            }
        }
    }
}

/// The runtime the clients run on: Tokio's multi-threaded runtime with two workers (the
/// machine the report was made on has two cores; the server has its own thread).
pub fn client_runtime() -> Result<tokio::runtime::Runtime, BenchError> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// Raises the soft limit on open files to (at most) the hard limit: case 5 keeps 1,000
/// requests in flight over HTTP/1.1, which is 1,000 client and 1,000 server sockets in this
/// process. Fails when the hard limit is below `needed`.
pub fn raise_fd_limit(needed: u64) -> Result<u64, BenchError> {
    let (soft, hard) = rlimit::Resource::NOFILE.get()?;
    if soft >= needed {
        return Ok(soft);
    }
    if hard < needed {
        return Err(format!(
            "the open-file limit is {hard} (hard) but this bench needs {needed}; raise it with `ulimit -n`"
        )
        .into());
    }
    rlimit::Resource::NOFILE.set(needed, hard)?;
    Ok(needed)
}
