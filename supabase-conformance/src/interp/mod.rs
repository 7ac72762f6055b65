//! Interpreters of DSL statements onto the Rust API, shared by the families.

pub mod auth;
pub mod postgrest;
