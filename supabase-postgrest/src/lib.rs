//! A PostgREST client for Supabase: build a query, send it, get typed rows back.
//!
//! It can be used alone, with any [`TokenProvider`](supabase_core::TokenProvider), or through
//! the `supabase` façade. The requests it sends are the ones postgrest-js sends (same method,
//! path, query pairs in the same order and headers).
//!
//! ```no_run
//! use serde::Deserialize;
//! use supabase_postgrest::PostgrestClient;
//!
//! #[derive(Debug, Deserialize)]
//! struct Todo { id: i64, title: String }
//!
//! # async fn run() -> Result<(), supabase_postgrest::Error> {
//! let db = PostgrestClient::new("https://xyzcompany.supabase.co/rest/v1", "public-anon-key")?
//!     .with_bearer("eyJhbGciOi...user-jwt")?;
//! let todos = db.from("todos").select("id,title").eq("done", false).execute::<Todo>().await?;
//! println!("{} todos, status {}", todos.data.len(), todos.status);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
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
mod encode;
mod error;
mod filter;
mod response;

pub use builder::QueryBuilder;
pub use client::PostgrestClient;
pub use encode::clean_select;
pub use error::Error;
pub use filter::FilterBuilder;
pub use response::PostgrestResponse;
