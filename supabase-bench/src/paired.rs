//! Paired measurement: ours and the baseline alternate, so both see the same machine state.

use std::time::Duration;

use serde_json::{Value, json};

/// The result of [`paired`]: the median of the per-round ratios `a / b` and its spread.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    /// Rounds measured.
    pub rounds: usize,
    /// Median of the per-round ratios `a / b`.
    pub ratio: f64,
    /// First quartile of the per-round ratios.
    pub ratio_q1: f64,
    /// Third quartile of the per-round ratios.
    pub ratio_q3: f64,
    /// Median time of one `a` batch.
    pub a: Duration,
    /// Median time of one `b` batch.
    pub b: Duration,
}

impl Paired {
    /// As JSON, for [`crate::Facts`] (times in nanoseconds per batch).
    pub fn to_json(&self) -> Value {
        json!({
            "rounds": self.rounds,
            "ratio": self.ratio,
            "ratio_q1": self.ratio_q1,
            "ratio_q3": self.ratio_q3,
            "a_ns": self.a.as_nanos() as f64,
            "b_ns": self.b.as_nanos() as f64,
        })
    }
}

/// Runs `rounds` rounds of one batch of `a` and one batch of `b` (each closure runs a batch
/// and returns how long it took), in the order a-b, b-a, a-b, … so neither always goes first,
/// after one untimed warm-up round. On a shared machine the load drifts over seconds, which
/// moves two benchmarks measured one after the other by more than the few percent the
/// targets are about; within a round both see the same load, so the median of the per-round
/// ratios is much steadier than the ratio of two separately measured medians.
pub fn paired(
    rounds: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> Paired {
    a();
    b();
    let rounds = rounds.max(1);
    let mut ratios = Vec::with_capacity(rounds);
    let mut a_times = Vec::with_capacity(rounds);
    let mut b_times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (ta, tb) = if round % 2 == 0 {
            let ta = a();
            (ta, b())
        } else {
            let tb = b();
            (a(), tb)
        };
        ratios.push(ta.as_secs_f64() / tb.as_secs_f64().max(f64::MIN_POSITIVE));
        a_times.push(ta);
        b_times.push(tb);
    }
    ratios.sort_by(f64::total_cmp);
    a_times.sort();
    b_times.sort();
    Paired {
        rounds,
        ratio: quantile(&ratios, 0.5),
        ratio_q1: quantile(&ratios, 0.25),
        ratio_q3: quantile(&ratios, 0.75),
        a: a_times.get(rounds / 2).copied().unwrap_or_default(),
        b: b_times.get(rounds / 2).copied().unwrap_or_default(),
    }
}

/// The `q` quantile of sorted values (nearest rank), 0 when empty.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted.get(rank).copied().unwrap_or(0.0)
}
