//! Rows that stream: `stream::<T>()` decodes each row of a JSON array as it arrives, and
//! `stream_lines()` hands over CSV records one by one, so an answer of any size is read in
//! memory bounded by its largest row.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;
use supabase_core::{
    ByteStream, HeaderMap, Method, Response, StatusCode, StreamingResponse, body_snippet,
};

use crate::content_range::{ContentRange, parse_content_range};
use crate::execute::api_error;
use crate::request::Built;
use crate::shape::{Rows, Text};
use crate::split::{ArraySplitter, CsvSplitter, Next, Record};
use crate::{Error, FilterBuilder};

/// What both streams know of the answer's head.
#[derive(Clone)]
struct Head {
    status: StatusCode,
    headers: HeaderMap,
    count: Option<u64>,
}

impl Head {
    fn new(status: StatusCode, headers: HeaderMap, wants_count: bool) -> Self {
        let count = if wants_count {
            content_range(&headers).and_then(|r| r.total)
        } else {
            None
        };
        Self {
            status,
            headers,
            count,
        }
    }
}

fn content_range(headers: &HeaderMap) -> Option<ContentRange> {
    headers
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_content_range)
}

/// Sends a built request through the core service's streaming path (the same headers,
/// bearer and retry rules as `execute`), and maps a non-2xx answer to the typed error.
async fn open<S>(builder: FilterBuilder<S>) -> Result<(StreamingResponse, Built, usize), Error> {
    let (client, built) = builder.state.into_built()?;
    let response = client
        .service
        .send_streaming_with_retries(&built.request, built.retry, None)
        .await?;
    let response = match response.error_for_status().await {
        Ok(response) => response,
        Err(answer) => return Err(api_error(&answer)),
    };
    let max_row = client.service.transport().max_response_bytes();
    Ok((response, built, max_row))
}

impl<T> FilterBuilder<Rows<T>> {
    /// Sends the request and returns the rows as a stream, each decoded as `U` as soon as its
    /// bytes have arrived: a select of any size is read in memory bounded by its largest row
    /// (and one chunk of the body), not by the whole answer.
    ///
    /// The request is the one [`execute`](Self::execute) sends (headers, bearer, retries of a
    /// failed or 5xx/429 answer before any row is read). A non-2xx answer is the same typed
    /// error as `execute` gives. After the first row, a broken body, malformed JSON, a row
    /// that does not decode as `U`, a row above the transport's `max_response_bytes` or a
    /// truncated answer is one error item, and then the stream ends.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// # #[derive(serde::Deserialize)] struct Event { id: i64 }
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let mut rows = db.from("events").select("id").stream::<Event>().await?;
    /// while let Some(event) = rows.next().await {
    ///     let event = event?;
    ///     println!("{}", event.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream<U: DeserializeOwned>(self) -> Result<RowStream<U>, Error> {
        let (response, built, max_row) = open(self).await?;
        Ok(RowStream::with_head(
            Head::new(response.status, response.headers, built.wants_count),
            response.body,
            built.request.method == Method::GET,
            max_row,
        ))
    }
}

impl FilterBuilder<Text> {
    /// Sends the request and returns the answer's CSV records one by one (the header line
    /// first), as text without their line ending. A line break inside a quoted field belongs
    /// to the record. Memory is bounded by the largest record.
    ///
    /// Errors as for [`stream`](FilterBuilder::stream): a non-2xx answer fails here; a
    /// broken or truncated body (ending inside quotes) or invalid UTF-8 is one error item,
    /// and then the stream ends.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let mut lines = db.from("todos").select("id,title").csv().stream_lines().await?;
    /// while let Some(line) = lines.next().await {
    ///     println!("{}", line?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream_lines(self) -> Result<CsvStream, Error> {
        let (response, built, max_row) = open(self).await?;
        Ok(CsvStream {
            head: Head::new(response.status, response.headers, built.wants_count),
            body: response.body,
            split: CsvSplitter::new(),
            done: false,
            max_record: max_row,
        })
    }
}

fn decode_error(path: String, message: &str, context: &[u8]) -> Error {
    Error::Core(supabase_core::Error::Decode {
        path,
        message: message.to_owned(),
        body_snippet: body_snippet(context),
    })
}

fn too_large(limit: usize) -> Error {
    Error::Core(supabase_core::Error::ResponseTooLarge { limit })
}

/// Decodes one row; the error names the row (`[3].id`) as decoding `Vec<T>` would.
fn decode_row<T: DeserializeOwned>(bytes: &[u8], index: u64) -> Result<T, Error> {
    match serde_json::from_slice(bytes) {
        Ok(row) => Ok(row),
        Err(_) => {
            // Decoded again by core's decoder for its error: the failing field's path and a
            // message and body snippet with secrets redacted.
            let again = Response::new(
                StatusCode::OK,
                HeaderMap::new(),
                Bytes::copy_from_slice(bytes),
            );
            let mut error = match again.json::<T>() {
                Ok(row) => return Ok(row),
                Err(error) => error,
            };
            if let supabase_core::Error::Decode { path, .. } = &mut error {
                *path = if path == "." || path.is_empty() {
                    format!("[{index}]")
                } else if path.starts_with('[') {
                    format!("[{index}]{path}")
                } else {
                    format!("[{index}].{path}")
                };
            }
            Err(error.into())
        }
    }
}

/// The rows of an answer, decoded one by one as the JSON array arrives
/// ([`FilterBuilder::stream`]).
///
/// A [`Stream`] of `Result<T, Error>`: after an error item it ends. Status, headers and
/// the `Content-Range` count are known before the first row. `Debug` shows the status and
/// the header names, never their values.
pub struct RowStream<T> {
    head: Head,
    body: ByteStream,
    split: ArraySplitter,
    /// An empty body is an error (a GET, which always answers with an array).
    get: bool,
    max_row: usize,
    index: u64,
    done: bool,
    row: PhantomData<fn() -> T>,
}

impl<T> RowStream<T> {
    fn with_head(head: Head, body: ByteStream, get: bool, max_row: usize) -> Self {
        Self {
            head,
            body,
            split: ArraySplitter::new(),
            get,
            max_row,
            index: 0,
            done: false,
            row: PhantomData,
        }
    }

    /// Rows from any byte stream holding a JSON array (for tests and custom transports);
    /// an empty body gives no rows, a row above `max_row` bytes is an error.
    ///
    /// ```
    /// use futures_util::StreamExt;
    /// use supabase_postgrest::RowStream;
    ///
    /// # tokio_test_block_on(async {
    /// let chunks = [&b"[{\"id\":1},{\"i"[..], &b"d\":2}]"[..]];
    /// let body = futures_util::stream::iter(chunks.map(|c| Ok(bytes::Bytes::from_static(c))));
    /// let rows: Vec<serde_json::Value> = RowStream::from_body(Box::pin(body), 1 << 20)
    ///     .map(|row| row.unwrap())
    ///     .collect()
    ///     .await;
    /// assert_eq!(rows, [serde_json::json!({"id": 1}), serde_json::json!({"id": 2})]);
    /// # });
    /// # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
    /// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    /// # }
    /// ```
    pub fn from_body(body: ByteStream, max_row: usize) -> Self {
        Self::with_head(
            Head::new(StatusCode::OK, HeaderMap::new(), false),
            body,
            false,
            max_row,
        )
    }

    /// The HTTP status of the answer (200, 206, …).
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The total row count, when one was asked for ([`count`](FilterBuilder::count)) and
    /// the server sent it in `Content-Range` (named so as not to be taken for
    /// `StreamExt::count`, which consumes the stream).
    pub fn total_count(&self) -> Option<u64> {
        self.head.count
    }

    /// The parsed `Content-Range` header, when present and valid.
    pub fn content_range(&self) -> Option<ContentRange> {
        content_range(&self.head.headers)
    }

    /// How many rows have been handed out so far.
    pub fn rows_read(&self) -> u64 {
        self.index
    }

    /// The error item: the stream ends after it.
    fn fail(&mut self, error: Error) -> Poll<Option<Result<T, Error>>> {
        self.done = true;
        Poll::Ready(Some(Err(error)))
    }
}

impl<T: DeserializeOwned> Stream for RowStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let index = this.index;
            match this.split.next_row() {
                Next::Row(bytes) => {
                    let row = decode_row::<T>(bytes, index);
                    this.index += 1;
                    if row.is_err() {
                        this.done = true;
                    }
                    return Poll::Ready(Some(row));
                }
                Next::Invalid(message) => {
                    let error = decode_error(format!("[{index}]"), message, this.split.context());
                    return this.fail(error);
                }
                Next::NeedMore => {}
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    this.split.push(&chunk);
                    if this.split.pending() > this.max_row.saturating_add(chunk.len()) {
                        let limit = this.max_row;
                        return this.fail(too_large(limit));
                    }
                }
                Poll::Ready(Some(Err(error))) => return this.fail(error.into()),
                Poll::Ready(None) => {
                    this.done = true;
                    return match this.split.finish() {
                        Ok(true) => Poll::Ready(None),
                        Ok(false) if !this.get => Poll::Ready(None),
                        Ok(false) => Poll::Ready(Some(Err(decode_error(
                            ".".into(),
                            "the answer is empty, not a JSON array",
                            b"",
                        )))),
                        Err(message) => Poll::Ready(Some(Err(decode_error(
                            format!("[{index}]"),
                            message,
                            this.split.context(),
                        )))),
                    };
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done || self.split.ended() {
            (0, Some(usize::from(!self.done)))
        } else {
            (0, None)
        }
    }
}

impl<T> fmt::Debug for RowStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream")
            .field("status", &self.head.status)
            .field(
                "headers",
                &self
                    .head
                    .headers
                    .keys()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("count", &self.head.count)
            .field("rows_read", &self.index)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The CSV records of an answer, one by one as they arrive
/// ([`FilterBuilder::stream_lines`]).
///
/// A [`Stream`] of `Result<String, Error>`: each item is one record without its line ending
/// (the header line first); after an error item it ends.
pub struct CsvStream {
    head: Head,
    body: ByteStream,
    split: CsvSplitter,
    done: bool,
    max_record: usize,
}

impl CsvStream {
    /// Records from any byte stream of CSV text (for tests and custom transports); a record
    /// above `max_record` bytes is an error.
    pub fn from_body(body: ByteStream, max_record: usize) -> Self {
        Self {
            head: Head::new(StatusCode::OK, HeaderMap::new(), false),
            body,
            split: CsvSplitter::new(),
            done: false,
            max_record,
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.head.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The total row count, when one was asked for and the server sent it.
    pub fn total_count(&self) -> Option<u64> {
        self.head.count
    }

    fn fail(&mut self, error: Error) -> Poll<Option<Result<String, Error>>> {
        self.done = true;
        Poll::Ready(Some(Err(error)))
    }
}

fn utf8(line: &[u8]) -> Result<String, Error> {
    String::from_utf8(line.to_vec())
        .map_err(|_| decode_error(".".into(), "a CSV record is not valid UTF-8", line))
}

impl Stream for CsvStream {
    type Item = Result<String, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Record::Line(line) = this.split.next_record() {
                let line = utf8(line);
                if line.is_err() {
                    this.done = true;
                }
                return Poll::Ready(Some(line));
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    this.split.push(&chunk);
                    if this.split.pending() > this.max_record.saturating_add(chunk.len()) {
                        let limit = this.max_record;
                        return this.fail(too_large(limit));
                    }
                }
                Poll::Ready(Some(Err(error))) => return this.fail(error.into()),
                Poll::Ready(None) => {
                    this.done = true;
                    return match this.split.finish() {
                        Ok(Some(last)) => Poll::Ready(Some(utf8(last))),
                        Ok(None) => Poll::Ready(None),
                        Err(message) => {
                            Poll::Ready(Some(Err(decode_error(".".into(), message, b""))))
                        }
                    };
                }
            }
        }
    }
}

impl fmt::Debug for CsvStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvStream")
            .field("status", &self.head.status)
            .field(
                "headers",
                &self
                    .head
                    .headers
                    .keys()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
