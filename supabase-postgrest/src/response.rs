//! Successful answers.

use supabase_core::{HeaderMap, StatusCode};

use crate::content_range::{ContentRange, parse_content_range};

/// A successful PostgREST answer with decoded data.
///
/// `data` is what the builder's shape decodes to: `Vec<T>` for rows, `T` for
/// [`single`](crate::FilterBuilder::single), `Option<T>` for
/// [`maybe_single`](crate::FilterBuilder::maybe_single), `String` for
/// [`csv`](crate::FilterBuilder::csv), `()` for [`head`](crate::FilterBuilder::head).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PostgrestResponse<T> {
    /// The decoded body.
    pub data: T,
    /// The total row count, when one was asked for ([`count`](crate::FilterBuilder::count))
    /// and the server sent it in `Content-Range`.
    pub count: Option<u64>,
    /// The HTTP status (200, 201, 204, 206, …).
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
}

impl<T> PostgrestResponse<T> {
    /// The parsed `Content-Range` header (rows returned and total), when present and valid.
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let page = db.from("todos").select("*").range(20, 29).await?;
    /// if let Some(range) = page.content_range() {
    ///     println!("rows {:?} of {:?}", range.range, range.total);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn content_range(&self) -> Option<ContentRange> {
        self.headers
            .get("content-range")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_content_range)
    }

    /// The same response with `f` applied to the data.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> PostgrestResponse<U> {
        PostgrestResponse {
            data: f(self.data),
            count: self.count,
            status: self.status,
            headers: self.headers,
        }
    }
}
