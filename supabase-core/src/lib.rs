//! Shared foundation of the Supabase Rust client.
//!
//! This crate holds what every Supabase service client needs and nothing that is specific to
//! one service:
//!
//! - [`TokenProvider`]: where the bearer token of the next request comes from
//!   ([`StaticTokenProvider`] for `set_auth`/`with_auth`, [`ProjectKeyProvider`] for the
//!   project-key fallback, a session-backed provider in `supabase-auth`, or your own).
//! - [`Secret`] and [`AccessToken`]: values whose `Debug`/`Display` never show the secret.
//! - [`Config`]: project URL, project key, global headers, timeout, optional shared
//!   `reqwest::Client`.
//! - [`Transport`]: the shared HTTP transport that attaches `apikey` and
//!   `Authorization: Bearer …` to every request and turns error answers into [`ApiError`].
//! - [`HttpConnector`]: the seam under the transport that moves the bytes: reqwest by default
//!   ([`ReqwestConnector`] to wrap it), [`HyperConnector`] on hyper-util (feature `hyper`,
//!   native targets), or your own.
//! - [`Error`]: the crate's error type.
//!
//! ```
//! use supabase_core::{Config, StaticTokenProvider, TokenProvider};
//!
//! # fn main() -> Result<(), supabase_core::Error> {
//! let config = Config::new("https://xyzcompany.supabase.co/", "public-anon-key")?;
//! assert_eq!(config.url().as_str(), "https://xyzcompany.supabase.co/");
//! assert_eq!(config.endpoint("rest/v1")?.as_str(), "https://xyzcompany.supabase.co/rest/v1");
//! // The key never shows up in Debug output.
//! assert!(!format!("{config:?}").contains("public-anon-key"));
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

// The hyper connector speaks TLS through hyper-rustls with the shared rustls configuration.
#[cfg(all(
    feature = "hyper",
    not(target_arch = "wasm32"),
    not(any(feature = "rustls", feature = "rustls-ring"))
))]
compile_error!(
    "the `hyper` feature needs `rustls-ring` or `rustls`: the hyper connector speaks TLS through \
     hyper-rustls with the shared rustls configuration (`native-tls` alone is not supported)"
);

mod api_error;
mod body;
mod client_info;
mod clock;
mod config;
mod connector;
mod error;
mod fn_provider;
mod header;
mod http_client;
#[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
mod hyper_connector;
mod jwt;
mod multipart;
mod redact;
mod redirect;
mod retry;
pub mod runtime;
mod secret;
mod service;
mod service_error;
#[cfg(all(
    any(feature = "rustls", feature = "rustls-ring"),
    not(target_arch = "wasm32")
))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "rustls-ring"))))]
pub mod tls;
mod token;
mod token_changes;
mod token_user;
mod transport;

pub use api_error::{ApiError, body_snippet};
pub use body::{Body, ByteStream};
pub use client_info::{CLIENT_INFO, CLIENT_INFO_HEADER};
pub use clock::{Clock, SystemClock};
pub use config::{Config, validate_base_url};
pub use connector::{ConnectorResponse, HttpConnector, ReqwestConnector};
pub use error::{BoxError, Error, TransportErrorKind};
pub use fn_provider::FnTokenProvider;
pub use header::{header_name, header_value, is_secret_header};
pub use http_client::http_client_builder;
#[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use hyper_connector::HyperConnector;
pub use jwt::{JwtClaims, decode_jwt_claims, decode_jwt_exp};
pub use multipart::{Multipart, Part};
pub use redact::redact_secrets;
#[cfg(not(target_arch = "wasm32"))]
pub use redirect::redirect_policy;
pub use retry::{RetryPolicy, is_retryable_status};
pub use runtime::{BoxFuture, MaybeSend};
pub use secret::Secret;
pub use service::Service;
pub use service_error::ServiceError;
pub use token::{AccessToken, ProjectKeyProvider, StaticTokenProvider, TokenProvider};
pub use token_changes::{TokenChangeSender, TokenChanges};
pub use token_user::{TokenUser, check_jwt_expiry, check_jwt_with_user};
pub use transport::{
    Credential, Request, Response, StreamingResponse, Transport, TransportOptions, read_prefix,
};

/// Re-exported so that implementors of [`TokenProvider`] use the same macro version.
pub use async_trait::async_trait;
/// Re-exported: [`HttpConnector`] takes an `http::Request`.
pub use http;
/// Re-exported HTTP types used in this crate's public API.
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
/// Re-exported so that callers can build a shared connection pool.
pub use reqwest;
/// Re-exported URL type.
pub use url::Url;
