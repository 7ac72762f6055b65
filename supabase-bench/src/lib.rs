//! The benchmark harness of issue 6: "the client costs almost nothing beyond the HTTP call".
//!
//! Run it with `cargo xtask bench` (or `cargo xtask bench --quick` for a short smoke run); the
//! report lands in `BENCHMARKS.md` at the repository root. This library holds what the bench
//! targets under `benches/` share:
//!
//! - [`Server`]: an HTTP/1.1 (or HTTP/2) server started in-process on `127.0.0.1` that answers like
//!   PostgREST (and like Auth's refresh endpoint) with fixed bodies, counting the connections
//!   it accepts and, on demand, recording the requests it receives.
//! - [`Baseline`]: what a user would write without our client: raw `reqwest` with a
//!   hand-built, form-urlencoded URL and `serde_json`.
//! - [`fixtures`]: the query every case sends, the row types and the bodies.
//! - [`Facts`]: non-timing results (connection counts, refresh counts, peak memory) that a
//!   bench writes next to criterion's output for `cargo xtask bench` to put in the report.
//! - [`paired`]: ours and the baseline measured in alternating batches, the ratio the report
//!   judges the targets by (robust to the load drifting on a shared machine).
//! - [`Settings`]: how long criterion measures (full or quick mode).
//!
//! This crate is not published. It has no unit tests of its own (so that
//! `cargo test --workspace` does not build the bench-only dependencies): every bench checks
//! its preconditions when it runs and stops with a clear message when one does not hold.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod baseline;
mod facts;
pub mod fixtures;
mod paired;
mod server;
mod settings;

pub use baseline::Baseline;
pub use facts::Facts;
pub use paired::{Paired, paired};
pub use server::{Protocol, Recorded, Server, ServerStats};
pub use settings::{Settings, client_runtime, raise_fd_limit};

/// The error type of the harness: anything that stops a bench before it measures.
pub type BenchError = Box<dyn std::error::Error + Send + Sync + 'static>;
