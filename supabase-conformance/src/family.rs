//! The [`Family`] trait: a runner that claims cases by their client and ops and interprets
//! them with the Rust API.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::golden::Case;

/// A boxed, sendable future (what [`Family::run`] returns).
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// Where a case runs: the mock project started for it.
#[derive(Debug, Clone)]
pub struct Server {
    /// The mock server's URI (`http://127.0.0.1:<port>`), for normalizing results.
    pub uri: String,
    /// The project URL the client is built with: `uri` + the case's `url_suffix`.
    pub base_url: String,
}

/// What interpreting one statement gave.
#[derive(Debug, Clone, Default)]
pub struct StatementOutcome {
    /// Whether it succeeded, when the family compares outcomes with supabase-js's.
    pub ok: Option<bool>,
    /// A URL it returned (OAuth, SSO), compared after normalization with supabase-js's.
    pub url: Option<String>,
    /// The error, for the report.
    pub error: Option<String>,
    /// The error's class in supabase-js terms (`FunctionsHttpError`, …), compared with the
    /// `name` of the error supabase-js returned when the family sets it.
    pub error_name: Option<String>,
}

impl StatementOutcome {
    /// An outcome that is not compared.
    pub fn unchecked() -> Self {
        Self::default()
    }
    /// An outcome compared with supabase-js's success.
    pub fn checked<T, E: std::fmt::Display>(r: &Result<T, E>) -> Self {
        Self {
            ok: Some(r.is_ok()),
            url: None,
            error: r.as_ref().err().map(ToString::to_string),
            error_name: None,
        }
    }
}

/// What a family's run of a case produced, besides the HTTP requests the mock server saw.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    /// One entry per statement, in order.
    pub statements: Vec<StatementOutcome>,
    /// The error `createClient` gave, if it failed (then no statement ran).
    pub setup_error: Option<String>,
    /// The websockets the family's own server saw, in golden form (realtime families).
    pub websockets: Option<Vec<Value>>,
}

/// A runner for one family of cases.
///
/// To add a family: write a module under `families/` with a type implementing this trait
/// (claim the cases by their client and ops, interpret them, return a [`RunOutput`]), and add
/// one line to [`crate::families::registry`]. Errors are case failures: return `Err` for an
/// op or option the family cannot interpret, never skip.
pub trait Family: Send + Sync {
    /// A short name, printed next to each case.
    fn name(&self) -> &'static str;
    /// Whether this family interprets `case` (by its client and ops, never its id).
    fn claims(&self, case: &Case) -> bool;
    /// Runs `case` against the mock project at `server`: builds the client, interprets every
    /// statement. `Err` is a failure of the case (unknown op or option, no runner, …).
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>>;
    /// How long `case` may run before it fails as timed out.
    fn time_limit(&self, _case: &Case) -> Duration {
        crate::runner::CASE_LIMIT
    }
}
