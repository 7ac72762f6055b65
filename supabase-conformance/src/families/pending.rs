//! Families whose Rust crates do not exist yet (`supabase-storage`, `supabase-functions`,
//! `supabase-realtime`). They claim their cases and fail each one with "no runner yet", so
//! a corpus with those families is judged in full and never skipped. Replace one with a real
//! module when its crate lands (see the crate docs).

use std::sync::Arc;

use crate::family::{BoxFuture, Family, RunOutput, Server};
use crate::golden::Case;

/// A family without a runner yet.
pub struct Pending {
    name: &'static str,
    krate: &'static str,
    claims: fn(&Case) -> bool,
}

impl Family for Pending {
    fn name(&self) -> &'static str {
        self.name
    }
    fn claims(&self, case: &Case) -> bool {
        (self.claims)(case)
    }
    fn run(&self, _: Arc<Case>, _: Server) -> BoxFuture<Result<RunOutput, String>> {
        let message = format!("no runner yet: {} not built", self.krate);
        Box::pin(async move { Err(message) })
    }
}

const REALTIME_CLIENT_OPS: &[&str] = &[
    "channel",
    "getChannels",
    "removeChannel",
    "removeAllChannels",
    "getSubscriptions",
    "removeSubscription",
    "removeAllSubscriptions",
];

fn is_realtime(case: &Case) -> bool {
    let statements = case.statements().unwrap_or_default();
    statements.iter().any(|s| {
        matches!(
            s.kind.as_str(),
            "channel" | "realtime" | "ref" | "until" | "server_send"
        ) || (s.kind == "client" && s.name().is_some_and(|n| REALTIME_CLIENT_OPS.contains(&n)))
    }) || case.has_call("on")
        || case.has_call("subscribe")
        || case.case.get("ws_responses").is_some_and(|w| !w.is_null())
        || !case.websockets.is_empty()
}

/// Realtime (`rt_*` and v1 realtime cases).
pub fn realtime() -> Pending {
    Pending {
        name: "realtime",
        krate: "supabase-realtime",
        claims: is_realtime,
    }
}

/// Storage.
pub fn storage() -> Pending {
    Pending {
        name: "storage",
        krate: "supabase-storage",
        claims: |case| case.has_root("storage", None),
    }
}

/// Functions.
pub fn functions() -> Pending {
    Pending {
        name: "functions",
        krate: "supabase-functions",
        claims: |case| case.has_root("functions", None),
    }
}
