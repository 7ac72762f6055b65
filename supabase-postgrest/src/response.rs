//! Successful answers.

use supabase_core::{HeaderMap, StatusCode};

/// A successful PostgREST answer with decoded data.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PostgrestResponse<T> {
    /// The decoded body.
    pub data: T,
    /// The total row count, when one was asked for and the server sent it in `Content-Range`.
    pub count: Option<u64>,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
}
