//! One invocation: method, body, headers, region, time limit; and how its answer is read.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use serde::Serialize;
use supabase_core::{
    Body, BoxError, HeaderMap, HeaderName, HeaderValue, Method, Multipart, Request, header_name,
    header_value, is_secret_header,
};

use crate::error::RedactedHeaders;
use crate::response::{check_answer, check_streaming_answer};
use crate::{
    EventStream, FunctionResponse, FunctionsClient, FunctionsError, Region,
    StreamingFunctionResponse,
};

const CONTENT_TYPE: HeaderName = HeaderName::from_static("content-type");
const X_REGION: HeaderName = HeaderName::from_static("x-region");
const ACCEPT: HeaderName = HeaderName::from_static("accept");

/// An invocation being built: see [`FunctionsClient::invoke`].
///
/// The body decides the default `Content-Type` (as functions-js): JSON
/// ([`Invoke::body_json`]) `application/json`, text `text/plain`, bytes and streams
/// `application/octet-stream`, a multipart form its `multipart/form-data; boundary=…`. A
/// `Content-Type` set with [`Invoke::header`] wins over it (and over a global one), and the
/// body is sent as given.
///
/// Headers go out with this priority (as functions-js): the call's headers, then the client's
/// global headers, then the defaults derived from the body and the region. Credential headers
/// (the bearer header, `apikey`, cookies) are refused here: give the client a token provider
/// instead ([`FunctionsClient::with_token_provider`]).
///
/// Errors in the arguments (a bad header, a JSON body that does not serialize, a GET with a
/// body) are reported by the method that sends, before anything is sent.
///
/// Read the answer with [`Invoke::send`] (buffered, decoded by content type),
/// [`Invoke::send_streaming`] (a byte stream for large or long answers) or [`Invoke::events`]
/// (Server-Sent Events).
#[must_use = "an invocation does nothing until it is sent"]
pub struct Invoke {
    client: FunctionsClient,
    name: String,
    method: Method,
    headers: HeaderMap,
    body: Option<(Body, Option<HeaderValue>)>,
    region: Option<Region>,
    query: Vec<(String, String)>,
    timeout: Option<Duration>,
    limit: Option<usize>,
    error: Option<FunctionsError>,
}

impl Invoke {
    pub(crate) fn new(client: FunctionsClient, name: &str) -> Self {
        Self {
            client,
            name: name.to_owned(),
            method: Method::POST,
            headers: HeaderMap::new(),
            body: None,
            region: None,
            query: Vec::new(),
            timeout: None,
            limit: None,
            error: None,
        }
    }

    fn fail(mut self, error: FunctionsError) -> Self {
        if self.error.is_none() {
            self.error = Some(error);
        }
        self
    }

    /// Sets the HTTP method (POST by default; GET, PUT, PATCH, DELETE, …).
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Adds a header (replacing an earlier value of the same name, any case). A
    /// `Content-Type` here replaces the one derived from the body. Credential headers are
    /// refused ([`FunctionsError::InvalidInput`]).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if is_secret_header(name) {
            return self.fail(FunctionsError::InvalidInput(format!(
                "the `{}` header carries a credential and is set by the client; use \
                 FunctionsClient::with_token_provider to invoke as a user",
                name.to_ascii_lowercase()
            )));
        }
        match (header_name(name), header_value(name, value)) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
                self
            }
            (Err(e), _) | (_, Err(e)) => self.fail(e.into()),
        }
    }

    /// Invokes the function in `region` (`x-region` header and `forceFunctionRegion` query
    /// parameter), over the client's region. [`Region::ANY`] sends neither.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Adds a query parameter (form-encoded like `URLSearchParams`).
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A time limit for this call: the answer, and for streamed answers the whole body, must
    /// arrive within it ([`FunctionsError::Timeout`] otherwise).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest answer body accepted, in bytes ([`FunctionsError::ResponseTooLarge`]
    /// beyond; the client's limit, 256 MiB by default, otherwise). For a streamed answer it
    /// bounds the whole stream.
    pub fn limit(mut self, bytes: usize) -> Self {
        self.limit = Some(bytes);
        self
    }

    /// A JSON body (`application/json`), serialized now.
    pub fn body_json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(json) => self.with_body(Body::from(json), "application/json"),
            Err(e) => {
                let message = format!("the JSON body cannot be serialized: {e}");
                self.fail(FunctionsError::InvalidInput(message))
            }
        }
    }

    /// A text body (`text/plain`).
    pub fn body_text(self, text: impl Into<String>) -> Self {
        self.with_body(Body::from(text.into()), "text/plain")
    }

    /// A bytes body (`application/octet-stream`), sent as the bytes themselves.
    pub fn body_bytes(self, bytes: impl Into<Bytes>) -> Self {
        self.with_body(Body::from(bytes.into()), "application/octet-stream")
    }

    /// A body read from `stream` as it is sent (`application/octet-stream`); with `length`
    /// it goes out with `Content-Length`, otherwise chunked.
    pub fn body_stream<S, E>(self, stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + supabase_core::MaybeSend + 'static,
        E: Into<BoxError>,
    {
        self.with_body(
            Body::from_stream(stream, length),
            "application/octet-stream",
        )
    }

    /// A `multipart/form-data` body.
    pub fn body_multipart(self, form: Multipart) -> Self {
        let content_type = form.content_type();
        self.with_body(form.into_body(), &content_type)
    }

    /// Any [`Body`] (bytes, stream, reader, file) with its content type (a Blob with its
    /// type, in functions-js terms).
    pub fn body(self, body: impl Into<Body>, content_type: &str) -> Self {
        self.with_body(body.into(), content_type)
    }

    fn with_body(mut self, body: Body, content_type: &str) -> Self {
        match header_value("content-type", content_type) {
            Ok(value) => {
                self.body = Some((body, Some(value)));
                self
            }
            Err(e) => self.fail(e.into()),
        }
    }

    /// Sends the call and reads the whole answer (bounded by [`Invoke::limit`]).
    ///
    /// Fails with [`FunctionsError::Relay`] on `x-relay-error: true`, [`FunctionsError::Http`]
    /// on a non-2xx status, [`FunctionsError::Fetch`] / [`FunctionsError::Timeout`] without an
    /// answer.
    pub async fn send(self) -> Result<FunctionResponse, FunctionsError> {
        let limit = self.limit;
        let (client, request) = self.build(None)?;
        let service = client.service();
        match limit {
            None => {
                let response = service.send(&request, false).await?;
                check_answer(response)
            }
            Some(limit) => {
                let response = service.send_streaming(&request, Some(limit as u64)).await?;
                check_streaming_answer(response)
                    .await?
                    .into_response(limit)
                    .await
            }
        }
    }

    /// Sends the call and hands the answer over with its body as a stream, read as the caller
    /// polls it (for large or long answers). The same errors as [`Invoke::send`]; an error
    /// answer's body is read (up to 64 KiB) into the error.
    pub async fn send_streaming(self) -> Result<StreamingFunctionResponse, FunctionsError> {
        let limit = self.limit.map(|l| l as u64);
        let (client, request) = self.build(None)?;
        let response = client.service().send_streaming(&request, limit).await?;
        check_streaming_answer(response).await
    }

    /// Sends the call (with `Accept: text/event-stream` unless set) and reads the answer as
    /// Server-Sent Events. Fails with [`FunctionsError::UnexpectedContentType`] if the
    /// answer is not `text/event-stream`.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    ///
    /// # async fn run(functions: supabase_functions::FunctionsClient) -> Result<(), supabase_functions::FunctionsError> {
    /// let mut events = functions.invoke("ticks").events().await?;
    /// while let Some(event) = events.next().await {
    ///     println!("{}", event?.data);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn events(self) -> Result<EventStream, FunctionsError> {
        let limit = self.limit.map(|l| l as u64);
        let accept = HeaderValue::from_static("text/event-stream");
        let (client, request) = self.build(Some((ACCEPT, accept)))?;
        let response = client.service().send_streaming(&request, limit).await?;
        check_streaming_answer(response).await?.events()
    }

    /// The request to send, or the first error in the arguments. `extra` is one more default
    /// header (lowest priority).
    fn build(
        self,
        extra: Option<(HeaderName, HeaderValue)>,
    ) -> Result<(FunctionsClient, Request), FunctionsError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let name = self.name.trim_start_matches('/');
        if name.is_empty() {
            return Err(FunctionsError::InvalidInput(
                "the function name is empty".into(),
            ));
        }
        if self.body.is_some() && (self.method == Method::GET || self.method == Method::HEAD) {
            return Err(FunctionsError::InvalidInput(format!(
                "a {} request cannot have a body",
                self.method
            )));
        }
        let region = self
            .region
            .as_ref()
            .or(self.client.region())
            .filter(|r| !r.is_any());
        let mut query: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if let Some(region) = region {
            query.push(("forceFunctionRegion", region.as_str()));
        }
        let segments: Vec<&str> = name.split('/').collect();
        let url = self.client.service().url(&segments, &query)?;

        // Defaults first, each only when neither the call nor the global headers set it.
        let global = self.client.service().transport().headers();
        let mut headers = self.headers;
        let mut default = |name: HeaderName, value: HeaderValue| {
            if !headers.contains_key(&name) && !global.contains_key(&name) {
                headers.insert(name, value);
            }
        };
        let mut body = None;
        if let Some((b, content_type)) = self.body {
            if let Some(content_type) = content_type {
                default(CONTENT_TYPE, content_type);
            }
            body = Some(b);
        }
        if let Some(region) = region {
            default(X_REGION, header_value("x-region", region.as_str())?);
        }
        if let Some((name, value)) = extra {
            default(name, value);
        }

        let mut request = Request::new(self.method, url);
        request.headers = headers;
        request.body = body;
        request.timeout = self.timeout;
        Ok((self.client, request))
    }
}

impl fmt::Debug for Invoke {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invoke")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body.as_ref().map(|(b, _)| b))
            .field("region", &self.region)
            .field("query", &self.query)
            .field("timeout", &self.timeout)
            .field("limit", &self.limit)
            .field("error", &self.error)
            .finish()
    }
}
