//! Test helpers shared by the workspace (not published).
//!
//! - [`fixtures`]: the well-known local-dev keys and JWT secret used by the conformance goldens.
//! - [`mint_jwt`]: sign a JWT with chosen claims (HS256, the local-dev secret).
//! - [`ManualClock`]: a wall clock tests move by hand.
//! - [`functions_mock::FunctionsMock`]: a mock of a project's Edge Functions (echo, status,
//!   relay error, SSE stream, slow answer), safe to drop anywhere.
//! - [`realtime_mock::RealtimeMock`]: a Realtime websocket server speaking the protocol.
//! - [`storage_mock`]: an in-memory Supabase Storage server (buckets, objects, signed URLs, TUS).
//! - [`mock_project::MockProject`]: a small Supabase project in one call (PostgREST with
//!   row-level security on `todos`, Auth sign-up / sign-in / refresh / user / logout), and
//!   lines saying what it received without a secret.
//! - [`header_values`]: every value of a header in a request wiremock received.
//! - [`MockServer`]: a wiremock server that is safe to drop on a tokio runtime thread; every
//!   test uses it instead of `wiremock::MockServer` (see [`mock_server`] for the hang it fixes).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod clock;
pub mod conformance;
pub mod fixtures;
pub mod functions_mock;
mod jwt;
pub mod mock_project;
pub mod mock_server;
pub mod realtime_mock;
pub mod recorder;
pub mod storage_mock;

pub use clock::ManualClock;
pub use jwt::{mint_jwt, mint_user_jwt};
pub use mock_server::{MockServer, drop_off_runtime};

/// Every value of header `name` in `request`, as strings.
pub fn header_values(request: &wiremock::Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("header is not visible ASCII").to_owned())
        .collect()
}

/// The single value of header `name` in `request`, if present.
pub fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().expect("header is not visible ASCII").to_owned())
}
