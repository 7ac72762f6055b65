//! Answers of a function: buffered ([`FunctionResponse`]) or streamed
//! ([`StreamingFunctionResponse`]).

use std::fmt;
use std::pin::Pin;

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use supabase_core::{ByteStream, HeaderMap, Response, StatusCode, StreamingResponse};

use crate::error::{RedactedHeaders, content_type, decode_json, snippet};
use crate::{ErrorResponse, EventStream, FunctionsError};

/// The most of an error answer's body kept in [`ErrorResponse`] when the answer is streamed.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// A stream of the chunks of an answer's body (`Send` on native targets, not on `wasm32`:
/// see [`supabase_core::runtime`]).
#[cfg(not(target_arch = "wasm32"))]
pub type FunctionsByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, FunctionsError>> + Send>>;

/// A stream of the chunks of an answer's body (`Send` on native targets, not on `wasm32`:
/// see [`supabase_core::runtime`]).
#[cfg(target_arch = "wasm32")]
pub type FunctionsByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, FunctionsError>>>>;

/// The data of an answer, decoded by its content type as functions-js does.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ResponseData {
    /// `application/json` (and `…+json`): the parsed JSON.
    Json(serde_json::Value),
    /// `application/octet-stream`, `application/pdf` and `multipart/form-data`: the bytes.
    Bytes(Bytes),
    /// Anything else, or no content type: the text.
    Text(String),
}

/// A successful (2xx) answer, read whole.
///
/// `Debug` shows the body as its length and redacts credential headers.
///
/// ```
/// use supabase_functions::{FunctionResponse, HeaderMap, HeaderValue, ResponseData, StatusCode};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("content-type", HeaderValue::from_static("application/json; charset=utf-8"));
/// let answer = FunctionResponse::new(StatusCode::OK, headers, r#"{"ok":true}"#.into());
/// assert_eq!(answer.content_type().as_deref(), Some("application/json"));
/// assert_eq!(answer.data().unwrap(), ResponseData::Json(serde_json::json!({"ok": true})));
/// #[derive(serde::Deserialize)]
/// struct Reply { ok: bool }
/// assert!(answer.json::<Reply>().unwrap().ok);
/// ```
#[derive(Clone)]
pub struct FunctionResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl FunctionResponse {
    /// Builds one (for tests).
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type`, lowercased, without parameters.
    pub fn content_type(&self) -> Option<String> {
        content_type(&self.headers)
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, taken.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// The body decoded as JSON into `T`, whatever the content type (many functions answer
    /// JSON as `text/plain`); a failure names the content type.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, FunctionsError> {
        decode_json(&self.body, self.content_type())
    }

    /// The body as text; invalid UTF-8 is a [`FunctionsError::Decode`].
    pub fn text(&self) -> Result<String, FunctionsError> {
        String::from_utf8(self.body.to_vec()).map_err(|_| FunctionsError::Decode {
            message: "the body is not valid UTF-8".into(),
            content_type: self.content_type(),
            body_snippet: snippet(&self.body),
        })
    }

    /// The body decoded by its content type (functions-js's `data`): JSON for
    /// `application/json` (and `…+json`), bytes for `application/octet-stream`,
    /// `application/pdf` and `multipart/form-data`, text otherwise.
    pub fn data(&self) -> Result<ResponseData, FunctionsError> {
        let content_type = self.content_type();
        match content_type.as_deref() {
            Some(ct) if is_json(ct) => self.json().map(ResponseData::Json),
            Some("application/octet-stream" | "application/pdf" | "multipart/form-data") => {
                Ok(ResponseData::Bytes(self.body.clone()))
            }
            _ => self.text().map(ResponseData::Text),
        }
    }
}

fn is_json(content_type: &str) -> bool {
    content_type == "application/json"
        || (content_type.starts_with("application/") && content_type.ends_with("+json"))
}

impl fmt::Debug for FunctionResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FunctionResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// A successful (2xx) answer whose body is read as the caller polls it.
///
/// Dropping it closes the connection. `Debug` shows status and headers (credentials
/// redacted), never the body.
pub struct StreamingFunctionResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: ByteStream,
}

impl StreamingFunctionResponse {
    /// Builds one (for tests and other transports).
    pub fn new(status: StatusCode, headers: HeaderMap, body: ByteStream) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `Content-Type`, lowercased, without parameters.
    pub fn content_type(&self) -> Option<String> {
        content_type(&self.headers)
    }

    /// The body as a stream of chunks. A connection cut midway gives
    /// [`FunctionsError::Interrupted`], a body past the limit
    /// [`FunctionsError::ResponseTooLarge`], the call's time limit [`FunctionsError::Timeout`].
    pub fn bytes_stream(self) -> FunctionsByteStream {
        Box::pin(
            self.body
                .map(|chunk| chunk.map_err(FunctionsError::from_body)),
        )
    }

    /// The body as the core byte stream (errors of `supabase-core`), for example to parse
    /// Server-Sent Events from an answer whose content type is wrong
    /// ([`EventStream::new`]).
    pub fn into_body(self) -> ByteStream {
        self.body
    }

    /// The body as Server-Sent Events; fails with [`FunctionsError::UnexpectedContentType`]
    /// unless the answer is `text/event-stream`.
    pub fn events(self) -> Result<EventStream, FunctionsError> {
        let actual = self.content_type();
        if actual.as_deref() != Some("text/event-stream") {
            return Err(FunctionsError::UnexpectedContentType {
                expected: "text/event-stream",
                actual,
            });
        }
        Ok(EventStream::new(self.body))
    }

    /// Reads the whole body (at most `limit` bytes) into a [`FunctionResponse`].
    pub async fn into_response(self, limit: usize) -> Result<FunctionResponse, FunctionsError> {
        let mut body = self.body;
        let mut all = BytesMut::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(FunctionsError::from_body)?;
            if all.len().saturating_add(chunk.len()) > limit {
                return Err(FunctionsError::ResponseTooLarge { limit });
            }
            all.extend_from_slice(&chunk);
        }
        Ok(FunctionResponse {
            status: self.status,
            headers: self.headers,
            body: all.freeze(),
        })
    }
}

impl fmt::Debug for StreamingFunctionResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingFunctionResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .finish_non_exhaustive()
    }
}

fn is_relay_error(headers: &HeaderMap) -> bool {
    headers
        .get("x-relay-error")
        .is_some_and(|v| v.as_bytes() == b"true")
}

/// Relay error first (even on 2xx), then non-2xx, as functions-js.
pub(crate) fn check_answer(response: Response) -> Result<FunctionResponse, FunctionsError> {
    let Response {
        status,
        headers,
        body,
        ..
    } = response;
    if is_relay_error(&headers) {
        return Err(FunctionsError::Relay(Box::new(ErrorResponse::new(
            status, headers, body,
        ))));
    }
    if !status.is_success() {
        return Err(FunctionsError::Http(Box::new(ErrorResponse::new(
            status, headers, body,
        ))));
    }
    Ok(FunctionResponse {
        status,
        headers,
        body,
    })
}

/// [`check_answer`] for a streamed answer: an error answer's body is read (up to 64 KiB).
pub(crate) async fn check_streaming_answer(
    response: StreamingResponse,
) -> Result<StreamingFunctionResponse, FunctionsError> {
    let StreamingResponse {
        status,
        headers,
        body,
        ..
    } = response;
    let relay = is_relay_error(&headers);
    if relay || !status.is_success() {
        let body = supabase_core::read_prefix(body, ERROR_BODY_LIMIT).await;
        let answer = Box::new(ErrorResponse::new(status, headers, body));
        return Err(if relay {
            FunctionsError::Relay(answer)
        } else {
            FunctionsError::Http(answer)
        });
    }
    Ok(StreamingFunctionResponse {
        status,
        headers,
        body,
    })
}
