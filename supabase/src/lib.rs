//! Supabase client for Rust: Auth and the PostgREST data API, safe on servers.
//!
//! [`create_client`] is the equivalent of supabase-js `createClient`; [`Client::builder`]
//! takes the options. The headline feature is per-user clients on a server:
//! [`Client::with_auth`] returns a client whose every request carries
//! `Authorization: Bearer <user's JWT>` (and `apikey: <project key>`), so Postgres row-level
//! security applies to that user. It costs a token check and a few reference-count bumps,
//! shares the connection pool, and cannot leak into other clients: unlike supabase-js v1's
//! `setAuth`, nothing shared is mutated.
//!
//! ```no_run
//! use serde::Deserialize;
//!
//! #[derive(Debug, Deserialize)]
//! struct Todo { id: i64, title: String }
//!
//! # async fn handler(user_jwt: &str) -> Result<(), supabase::Error> {
//! // Once, at start-up: one client, one connection pool.
//! let supabase = supabase::create_client("https://xyzcompany.supabase.co", "public-anon-key")?;
//!
//! // Per request: a client scoped to the user who sent it.
//! let db = supabase.with_auth(user_jwt)?;
//! let todos = db.from("todos").select("id,title").eq("done", false).execute::<Todo>().await?;
//! println!("{:?}", todos.data);
//! # Ok(()) }
//! ```
//!
//! ## Where the bearer token comes from
//!
//! For every request, in this order: a [`Client::set_auth`] / [`Client::with_auth`] override;
//! the [`ClientBuilder::access_token`] provider (third-party auth); the Auth session; the
//! project key. A global `Authorization` header set with [`ClientBuilder::header`] wins over
//! all of them, as in supabase-js.
//!
//! ## Cargo features
//!
//! `auth` and `postgrest` (default on) select the service clients; `rustls` (default) or
//! `native-tls` select the TLS stack of every crate.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod builder;
mod client;
mod error;

pub use builder::ClientBuilder;
pub use client::{Client, create_client};
pub use error::Error;

/// The shared foundation (`TokenProvider`, `Config`, `Secret`, `RetryPolicy`, …), under its
/// own name: a re-export named `core` would shadow the built-in `core` after `use supabase::*`.
pub use supabase_core;

/// The Auth client.
#[cfg(feature = "auth")]
pub use supabase_auth as auth;

/// The Edge Functions client crate.
#[cfg(feature = "functions")]
pub use supabase_functions as functions;
/// The PostgREST client.
#[cfg(feature = "postgrest")]
pub use supabase_postgrest as postgrest;
/// The Realtime client crate.
#[cfg(feature = "realtime")]
pub use supabase_realtime as realtime;
/// The Storage client crate.
#[cfg(feature = "storage")]
pub use supabase_storage as storage;

pub use supabase_core::{
    AccessToken, Config, FnTokenProvider, Secret, ServiceError, StaticTokenProvider, TokenProvider,
    TokenUser,
};

/// What most programs need, in one import: `use supabase::prelude::*;`.
///
/// ```
/// use supabase::prelude::*;
///
/// # fn main() -> Result<(), supabase::Error> {
/// let supabase: Client = create_client("https://xyzcompany.supabase.co", "public-anon-key")?;
/// # let _ = supabase;
/// # Ok(()) }
/// ```
pub mod prelude {
    pub use crate::{Client, ClientBuilder, Error, create_client};
    pub use supabase_core::{AccessToken, RetryPolicy, StaticTokenProvider, TokenProvider};
}

/// The README's code blocks, compiled as doc tests so the quickstart stays true.
#[cfg(all(doctest, feature = "auth", feature = "postgrest"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
