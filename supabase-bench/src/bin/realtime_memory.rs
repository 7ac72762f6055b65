//! The Realtime bench's memory probe (`benches/realtime.rs` runs it): how much memory our
//! Realtime client holds per joined channel.
//!
//! ```text
//! realtime-memory <project url> <channels>
//! ```
//!
//! On a current-thread Tokio runtime, one `RealtimeClient` joins a warm-up channel (so the
//! socket is open and its buffers allocated), then `<channels>` more channels one after the
//! other, each with one `postgres_changes` INSERT binding on `public.todos`, keeping every
//! channel handle and change stream. It prints one JSON line: the live heap bytes (counted by
//! a global allocator, `peak_alloc`: the bytes the program asked for, not what malloc keeps
//! around them) and the resident set (`VmRSS`) before and after the joins. A process of its
//! own: the counting allocator would slow the timed part of the bench, and the bench's
//! server (in the bench's process) stays out of the count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use peak_alloc::PeakAlloc;
use supabase_realtime::{PostgresChangesFilter, PostgresEvent, RealtimeClient};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

fn vm_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

fn filter() -> PostgresChangesFilter {
    PostgresChangesFilter::new(PostgresEvent::Insert, "public").table("todos")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, channels] = args.as_slice() else {
        panic!("usage: realtime-memory <project url> <channels>");
    };
    let channels: usize = channels.parse().expect("channels: a number");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = RealtimeClient::new(url, "anon-key").unwrap();
        let mut warm = client.channel("mem-warm").unwrap();
        let warm_changes = warm
            .postgres_changes::<serde_json::Value>(filter())
            .unwrap();
        let warm = warm.subscribe().await.unwrap();
        // Room for every handle before the first count, so the list itself is not counted.
        let mut held = Vec::with_capacity(channels);
        let (heap_before, rss_before) = (ALLOCATOR.current_usage(), vm_rss_bytes());
        for i in 0..channels {
            let mut builder = client.channel(&format!("mem-{i}")).unwrap();
            let changes = builder
                .postgres_changes::<serde_json::Value>(filter())
                .unwrap();
            let channel = builder.subscribe().await.unwrap();
            assert_eq!(channel.state(), supabase_realtime::ChannelState::Joined);
            held.push((channel, changes));
        }
        let (heap_after, rss_after) = (ALLOCATOR.current_usage(), vm_rss_bytes());
        assert_eq!(held.len(), channels);
        println!(
            "{}",
            serde_json::json!({
                "channels": channels,
                "heap_before": heap_before,
                "heap_after": heap_after,
                "rss_before": rss_before,
                "rss_after": rss_after,
            })
        );
        drop((held, warm, warm_changes));
    });
}
