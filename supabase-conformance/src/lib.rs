//! Conformance with supabase-js: runs the goldens of the conformance corpus (README of
//! `supabase-test-support/conformance/`, recorded from supabase-js 2.119.1 and 1.35.7)
//! against the Rust client and judges every one of them. Not published.
//!
//! ```text
//! cargo xtask conformance [DIR]   # DIR: a folder of goldens (or one with a golden/ subfolder);
//!                                 # default: $SUPABASE_CONFORMANCE_DIR, else the carried fixtures
//! cargo xtask conformance --write-md   # regenerate CONFORMANCE.md from the rules
//! ```
//!
//! It prints one line per case (`exact`, `equivalent`, `deliberate` with the rules that cover
//! it, or `FAILED` with every difference no rule covers) and a total: given, exact,
//! equivalent, deliberate, failed. Given always equals judged: an unreadable golden, a case
//! no family claims, an unknown op or client option, a runner error, a panic or a timeout is
//! a failure of that case, never a skip, and never stops the run. The exit status is non-zero
//! when any case failed.
//!
//! # Design
//!
//! - [`golden`]: loads every `*.json` of a folder (not a list of ids) into [`golden::Case`]s,
//!   ops in document order ([`oj::Oj`]), and splits ops into statements.
//! - [`normalize`]: the README's normalization (host, library `x-client-info`, PKCE values
//!   checked then masked, multipart boundaries; base URL and `code_challenge` in results).
//! - [`compare`]: the README's comparison rules, giving a list of [`compare::Difference`]s
//!   (which part of which request or websocket, expected, actual) and the equivalences found.
//! - [`rules`]: deliberate differences as named rules (a predicate over one difference and a
//!   reason). A case whose every difference is covered is `deliberate`. `CONFORMANCE.md` is
//!   generated from them; rules that fired on no case are reported after the run.
//! - [`family`]: the [`family::Family`] trait; [`families`]: the families and their routing
//!   (by client and ops); [`interp`]: the op interpreters the families share.
//! - [`runner`]: runs each case on its own unpooled mock server (answering like the
//!   recorder, with the case's `responses`), in its own task with a time limit, so a panic
//!   or a hang fails that case only.
//!
//! # Families
//!
//! `postgrest` (`supabase-postgrest` alone), `auth` (`supabase-auth` alone) and `facade`
//! (`supabase::Client`: client options, v1 cases, mixed auth and data) run their cases.
//! `functions` runs every case with a `functions` op through the façade
//! (`Client::functions()`, with sign-in, `setAuth` and the `accessToken` option deciding the
//! bearer) and compares the error's class too. `realtime` runs channel cases against
//! `supabase_test_support::realtime_mock::RealtimeMock` with the façade's transport and Auth
//! client, and returns the sockets, whose upgrade and client frames the runner compares
//! ([`compare::compare_websockets`]). `storage` runs every case with a `storage` op
//! through the façade (`Client::storage()`, the bearer decided the same way), compares each
//! statement's success, and the URLs `getPublicUrl`, `createSignedUrl` and
//! `createSignedUploadUrl` return.
//!
//! # Adding a family
//!
//! 1. Write `src/families/<name>.rs` with a type implementing [`family::Family`]: `claims`
//!    looks at the case's client and ops (never its id); `run` builds the client from the
//!    case's key, URL and options, interprets every statement (an op it does not know is an
//!    `Err`, which fails the case) and returns a [`family::RunOutput`] (per-statement
//!    outcomes, and websockets for a family with its own socket server). The requests are
//!    collected from the mock server by the runner.
//! 2. Register it with one line in [`families::registry`], before `facade`.
//! 3. Carry its goldens into `supabase-test-support/conformance/golden/`, and add rules for
//!    its deliberate differences to [`rules::RULES`] (then `--write-md`).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod compare;
pub mod families;
pub mod family;
pub mod golden;
pub mod interp;
pub mod normalize;
pub mod oj;
pub mod rules;
pub mod runner;

use std::path::{Path, PathBuf};

/// The fixtures carried in the repository (the default corpus).
pub fn carried_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("supabase-test-support")
        .join("conformance")
        .join("golden")
}

/// `CONFORMANCE.md` at the workspace root.
pub fn conformance_md_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("CONFORMANCE.md")
}

/// Runs every golden in `dir` (or its `golden/` subfolder) with every registered family.
pub async fn run_dir(dir: &Path, print: bool) -> Result<runner::RunReport, String> {
    let cases = golden::load_dir(&golden::golden_dir(dir))?;
    Ok(runner::run_cases(cases, &families::registry(), print).await)
}
