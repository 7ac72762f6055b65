//! Supabase Edge Functions client: `functions.invoke` of supabase-js, in Rust.
//!
//! - [`FunctionsClient`]: the project's `functions/v1` endpoint, as the project key or as a
//!   user ([`FunctionsClient::with_token_provider`]), in a region ([`Region`]).
//! - [`Invoke`]: one call: method (POST by default), a body from any serde value, text, bytes,
//!   a stream of bytes or a multipart form, headers, region, time limit, size limit.
//! - The answer, decoded by content type ([`FunctionResponse::data`], `json`, `text`, bytes),
//!   as a byte stream ([`StreamingFunctionResponse::bytes_stream`]) or as Server-Sent Events
//!   ([`EventStream`], which supabase-js does not offer).
//! - [`FunctionsError`]: the function answered non-2xx ([`FunctionsError::Http`], status,
//!   headers and body kept), the relay failed ([`FunctionsError::Relay`]), no answer
//!   ([`FunctionsError::Fetch`], [`FunctionsError::Timeout`]); bad input is refused before
//!   anything is sent.
//!
//! Requests go through `supabase-core`'s [`Service`], which alone decides `apikey` and
//! the bearer header. Invocations are never retried.
//!
//! ```no_run
//! use std::sync::Arc;
//! use futures_util::StreamExt;
//! use supabase_functions::{FunctionsClient, StaticTokenProvider};
//!
//! # async fn run() -> Result<(), supabase_functions::FunctionsError> {
//! let functions = FunctionsClient::new("https://xyzcompany.supabase.co/functions/v1", "anon-key")?
//!     .with_token_provider(Arc::new(StaticTokenProvider::from_token("eyJ...user-jwt")?));
//!
//! #[derive(serde::Deserialize)]
//! struct Greeting { message: String }
//! let greeting: Greeting = functions
//!     .invoke("hello")
//!     .body_json(&serde_json::json!({"name": "Ada"}))
//!     .send()
//!     .await?
//!     .json()?;
//! println!("{}", greeting.message);
//!
//! let mut events = functions.invoke("ticker").events().await?;
//! while let Some(event) = events.next().await {
//!     println!("{}", event?.data);
//! }
//! # Ok(()) }
//! ```
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

mod client;
mod error;
mod invoke;
mod response;
mod sse;

pub use client::{FunctionsClient, Region};
pub use error::{ErrorResponse, FunctionsError};
pub use invoke::Invoke;
pub use response::{
    FunctionResponse, FunctionsByteStream, ResponseData, StreamingFunctionResponse,
};
pub use sse::{DEFAULT_MAX_EVENT_BYTES, Event, EventStream, SseParser};

pub use supabase_core::{
    AccessToken, Body, ByteStream, Config, HeaderMap, HeaderValue, Method, Multipart, Part, Secret,
    Service, ServiceError, StaticTokenProvider, StatusCode, TokenProvider, async_trait,
};
