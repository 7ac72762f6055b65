//! A PostgREST client for Supabase: build a query, send it, get typed rows back.
//!
//! It can be used alone, with any [`TokenProvider`], or through
//! the `supabase` façade. The request it sends is the one postgrest-js v2 sends (same method,
//! path, query pairs in the same order, headers and JSON body), except for the deliberate
//! differences listed below, where postgrest-js sends something PostgREST reads differently
//! from what was meant.
//!
//! ```no_run
//! use serde::Deserialize;
//! use supabase_postgrest::{Count, Order, PostgrestClient};
//!
//! #[derive(Debug, Deserialize)]
//! struct Todo { id: i64, title: String }
//!
//! # async fn run() -> Result<(), supabase_postgrest::Error> {
//! let db = PostgrestClient::new("https://xyzcompany.supabase.co/rest/v1", "public-anon-key")?
//!     .with_token("eyJhbGciOi...user-jwt")?;
//!
//! // Rows, typed.
//! let todos = db.from("todos").select("id,title").eq("done", false).execute::<Todo>().await?;
//! println!("{} todos, status {}", todos.data.len(), todos.status);
//!
//! // One row, a count, a mutation, a function call.
//! let first = db.from("todos").select("*").order("id", Order::asc()).limit(1).single().returns::<Todo>().await?;
//! let total = db.from("todos").select("*").count(Count::Exact).head().await?.count;
//! db.from("todos").insert(serde_json::json!({"title": "write docs"})).await?;
//! let sum = db.rpc("add", serde_json::json!({"a": 1, "b": 2})).returns::<i64>().await?.data;
//! # let _ = (first, total, sum);
//! # Ok(()) }
//! ```
//!
//! # The surface
//!
//! - [`PostgrestClient`]: [`from`](PostgrestClient::from), [`rpc`](PostgrestClient::rpc),
//!   [`schema`](PostgrestClient::schema), token providers, retry policy, OpenAPI description.
//! - [`QueryBuilder`]: `select`, `insert`/`insert_with`, `upsert`/`upsert_with`, `update`,
//!   `delete`.
//! - [`FilterBuilder`]: filters (`eq` … `filter`), transforms (`order`, `limit`, `range`,
//!   `single`, `maybe_single`, `csv`, `geojson`, `explain`, `strip_nulls`, `max_affected`,
//!   `rollback`, `count`, `head`, `set_header`, `retry`, `timeout`), sent with `.await`
//!   (decoded as the builder's [`shape`]), `execute::<T>()` or `execute_raw()`; or read row
//!   by row as the answer arrives with `stream::<T>()` ([`RowStream`]) and, after `csv()`,
//!   `stream_lines()` ([`CsvStream`]).
//! - [`PostgrestResponse`]: `data`, `count` (from `Content-Range` when a count was asked
//!   for), `status`, `headers`. [`Error`]: every non-2xx answer with status, code, message,
//!   details and hint, plus helpers for the common cases.
//!
//! # Deliberate differences from postgrest-js
//!
//! 1. **`in`/`not_in` lists** escape `"` and `\` inside quoted values, and also quote values
//!    starting with `"` and a first value starting with a space or tab. postgrest-js only
//!    quotes values containing `,` `(` `)` and never escapes, so `a"b,c` or `a\,b` reach the
//!    server altered (supabase-js #2670, #2529). Values postgrest-js handles correctly are
//!    sent byte for byte as it sends them.
//! 2. **Array literals** (`contains`/`contained_by`/`overlaps` with arrays,
//!    `like_all_of`/`like_any_of`/`ilike_*`, array arguments of GET/HEAD `rpc`) quote
//!    elements that are empty, spell `NULL`, contain `{ } , " \` or have leading/trailing
//!    whitespace, and escape `"`/`\`; postgrest-js quotes nothing (supabase-js #2669).
//! 3. **Object arguments of GET `rpc`** are sent as JSON text; postgrest-js sends
//!    `[object Object]`.
//! 4. **Names in the path** (`from`, `rpc`) are percent-encoded as one path segment (`/`,
//!    `?`, `#` included); postgrest-js leaves `/`, `?` and `#` raw, which corrupts the URL.
//!    Empty or control-character names are rejected before sending (postgrest-js only checks
//!    `from`). Bulk-insert `columns` escape `"`/`\` inside their quotes.
//! 5. **Bad arguments are errors before sending**: `range(5, 1)`, a header value with CR/LF,
//!    `strip_nulls()` after `csv()`, `head()` on a mutation, `get()` on a table.
//! 6. **Answers**: a 404 is always an error (postgrest-js turns a 404 with `[]` into success
//!    with status 200, and a bodiless 404 into success with status 204); a HEAD error gets its
//!    code from `Proxy-Status`. Numbers are not limited to JavaScript's 53-bit precision.
//! 7. **`Retry-After`** is capped at the policy's maximum delay (30 s by default);
//!    postgrest-js waits as long as the server says.
//!
//! Shapes that JavaScript has and Rust does not (`undefined` values, `BigInt`) map to
//! `Option`/`skip_serializing_if` and plain integers.
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
mod content_range;
mod encode;
mod error;
mod execute;
mod filter;
mod options;
mod ordered_json;
mod query_params;
mod request;
mod response;
mod scalar;
pub mod shape;
mod split;
mod stream;
mod transform;
mod value;

pub use builder::QueryBuilder;
pub use client::PostgrestClient;
pub use content_range::{ContentRange, parse_content_range};
pub use encode::{clean_select, quote_filter_value};
pub use error::Error;
pub use execute::ResponseFuture;
pub use filter::FilterBuilder;
pub use options::{Count, ExplainOptions, InsertOptions, Order, TextSearch, UpsertOptions};
pub use response::PostgrestResponse;
pub use stream::{CsvStream, RowStream};
pub use supabase_core::RetryPolicy;
/// What a standalone user needs from `supabase-core` to bring their own token source,
/// without depending on it directly.
pub use supabase_core::{
    AccessToken, Config, FnTokenProvider, Secret, ServiceError, StaticTokenProvider, TokenProvider,
    async_trait,
};
pub use value::{ContainerValue, FilterValue, IsValue, Scalar};
