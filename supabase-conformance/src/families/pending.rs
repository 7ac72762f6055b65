//! Families whose Rust crates do not exist yet (`supabase-storage`). They claim their cases and fail each one with "no runner yet", so
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

/// Storage.
pub fn storage() -> Pending {
    Pending {
        name: "storage",
        krate: "supabase-storage",
        claims: |case| case.has_root("storage", None),
    }
}
