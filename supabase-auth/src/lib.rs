//! Supabase Auth (GoTrue) client.
//!
//! For now this crate holds the server-side half of Auth: [`AuthClient::set_auth`] and
//! [`check_access_token`], which check a user's access token and install it as a static
//! [`TokenProvider`](supabase_core::TokenProvider) override, so every later request of that
//! client is made as that user.
//!
//! ```
//! use supabase_auth::AuthClient;
//!
//! # fn main() -> Result<(), supabase_auth::Error> {
//! let mut auth = AuthClient::new("https://xyzcompany.supabase.co/auth/v1", "public-anon-key")?;
//! // header {"alg":"HS256"}, claims {"sub":"u1","role":"authenticated","email":"a@example.com","exp":4102444800}
//! let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZW1haWwiOiJhQGV4YW1wbGUuY29tIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
//! let user = auth.set_auth(jwt)?;
//! assert_eq!(user.id.as_deref(), Some("u1"));
//! assert_eq!(user.email.as_deref(), Some("a@example.com"));
//! assert!(auth.set_auth("not.a-jwt").is_err());
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

mod access_token;
mod client;
mod error;

pub use access_token::{TokenUser, check_access_token};
pub use client::AuthClient;
pub use error::Error;
