//! The `X-Client-Info` header every request carries.

/// The name of the header that identifies the client library to Supabase.
pub const CLIENT_INFO_HEADER: &str = "x-client-info";

/// The value sent in `X-Client-Info`: `supabase-rs/<version>`.
pub const CLIENT_INFO: &str = concat!("supabase-rs/", env!("CARGO_PKG_VERSION"));
