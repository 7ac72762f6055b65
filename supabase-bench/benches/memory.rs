//! Case 4, memory: the peak heap use of decoding 10,000 and 100,000 rows with our decoder
//! and with `serde_json::from_slice` on the same bytes.
//!
//! A counting global allocator (`peak_alloc`) tracks the bytes requested; this binary has no
//! timing in it, so the allocator's bookkeeping cannot skew the timed cases (they run in the
//! `cpu` and `http` binaries, on the system allocator). Note that `peak_alloc` implements
//! `realloc` as allocate-copy-free, so a growing `Vec` briefly counts old and new buffers:
//! the same for both decoders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use peak_alloc::PeakAlloc;
use supabase::supabase_core::{HeaderMap, Response, StatusCode};
use supabase_bench::Facts;
use supabase_bench::fixtures::{Row, rows_body};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// (peak bytes above the start, bytes still held by the result) while `decode` runs.
fn measure(decode: impl Fn() -> Vec<Row>, rows: usize) -> (u64, u64) {
    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let decoded = decode();
    let peak = ALLOCATOR.peak_usage().saturating_sub(start);
    let held = ALLOCATOR.current_usage().saturating_sub(start);
    assert_eq!(decoded.len(), rows);
    drop(decoded);
    (peak as u64, held as u64)
}

fn main() {
    let mut facts = Facts::new("memory");
    for (name, rows) in [("case4_decode_10k", 10_000), ("case4_decode_100k", 100_000)] {
        let body = Bytes::from(rows_body(rows).expect("body"));
        let theirs = || serde_json::from_slice::<Vec<Row>>(&body).expect("serde_json");
        let ours = || {
            Response::new(StatusCode::OK, HeaderMap::new(), body.clone())
                .json::<Vec<Row>>()
                .expect("ours")
        };
        // Twice each, keeping the larger figure (the first call may warm lazy statics).
        let (mut base_peak, mut base_held) = (0, 0);
        let (mut ours_peak, mut ours_held) = (0, 0);
        for _ in 0..2 {
            let (p, h) = measure(theirs, rows);
            base_peak = base_peak.max(p);
            base_held = base_held.max(h);
            let (p, h) = measure(ours, rows);
            ours_peak = ours_peak.max(p);
            ours_held = ours_held.max(h);
        }
        facts.set(&format!("{name}.body_bytes"), body.len() as u64);
        facts.set(&format!("{name}.serde_json.peak_bytes"), base_peak);
        facts.set(&format!("{name}.serde_json.result_bytes"), base_held);
        facts.set(&format!("{name}.ours.peak_bytes"), ours_peak);
        facts.set(&format!("{name}.ours.result_bytes"), ours_held);
    }
    let path = facts.write().expect("write facts");
    println!("memory: facts written to {}", path.display());
}
