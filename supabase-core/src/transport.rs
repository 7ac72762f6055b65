//! The shared HTTP transport: one connection pool, `apikey` and `Authorization` on every
//! request, typed errors for every failure.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{AUTHORIZATION, CONTENT_LENGTH};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::api_error::body_snippet;
use crate::connector::HttpConnector;
use crate::redact::{REDACTED, redact_field_message, redact_secrets};
use crate::redirect::{RedirectRefused, same_origin};
use crate::{
    AccessToken, ApiError, Body, ByteStream, CLIENT_INFO, CLIENT_INFO_HEADER, Error, MaybeSend,
    Secret, TokenProvider, TransportErrorKind, header_value, is_secret_header,
};

/// The default limit on the size of a response body: 256 MiB.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// The most a `Content-Length` makes the transport reserve before the bytes arrive: 32 MiB.
const MAX_PREALLOCATION: usize = 32 * 1024 * 1024;

static APIKEY: HeaderName = HeaderName::from_static("apikey");

/// Options of a [`Transport`].
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportOptions {
    /// Headers sent with every request (global headers).
    pub headers: HeaderMap,
    /// Time limit of every request unless the request sets its own.
    pub timeout: Option<Duration>,
    /// A caller-supplied client whose connection pool is used; a new one otherwise (built
    /// with [`redirect_policy`](crate::redirect_policy); build yours with it too, see there why).
    pub http_client: Option<reqwest::Client>,
    /// A connector that moves the bytes instead of reqwest (see [`HttpConnector`]); when both
    /// this and `http_client` are set, the connector wins.
    pub connector: Option<Arc<dyn HttpConnector>>,
    /// Answers with a larger body fail with [`Error::ResponseTooLarge`].
    pub max_response_bytes: usize,
}

impl Default for TransportOptions {
    fn default() -> Self {
        Self {
            headers: HeaderMap::new(),
            timeout: None,
            http_client: None,
            connector: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportOptions")
            .field(
                "headers",
                &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("http_client", &self.http_client.is_some())
            .field("connector", &self.connector)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// The HTTP transport shared by every service client of a project.
///
/// Cloning is one reference-count bump; every clone uses the same connection pool. For each
/// request it adds, unless the request or the global headers already have them:
/// `X-Client-Info: supabase-rs/<version>`, the global headers, `apikey: <project key>` and
/// `Authorization: Bearer <token>`. Which bearer goes out is decided here and nowhere else,
/// in this order (the first that applies wins):
///
/// 1. an `Authorization` header on the request itself;
/// 2. the request's [`Credential::Token`] (a service acting for a known user, such as Auth's
///    user endpoints);
/// 3. a global `Authorization` header (client option);
/// 4. the request's [`Credential::ProjectKey`]: the project key;
/// 5. [`Credential::Provider`] (the default): the [`TokenProvider`]'s token (a `set_auth` /
///    `with_auth` override, a third-party provider, the Auth session), or the project key when
///    it yields none.
///
/// Both secret headers are marked sensitive. Services send through [`Service`](crate::Service),
/// which adds retries on top.
///
/// The bytes move through reqwest (the default; its own pool, or the client of
/// [`TransportOptions::http_client`]) or through an [`HttpConnector`]
/// ([`TransportOptions::connector`]: [`HyperConnector`](crate::HyperConnector) under the
/// `hyper` feature, or your own). Whichever moves them, the rules above, the size limit and
/// the same-origin check of the answer are applied here.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    http: Http,
    key: Secret,
    apikey: HeaderValue,
    key_bearer: HeaderValue,
    headers: HeaderMap,
    timeout: Option<Duration>,
    max_response_bytes: usize,
}

impl Transport {
    /// A transport that sends `key` as `apikey`.
    ///
    /// Fails with [`Error::InvalidHeader`] when the key is empty or cannot be sent as a header.
    pub fn new(key: &Secret, options: TransportOptions) -> Result<Self, Error> {
        if key.is_empty() {
            return Err(Error::InvalidHeader {
                name: "apikey".into(),
                reason: "the project key is empty",
            });
        }
        // Both marked sensitive by `header_value`.
        let apikey = header_value("apikey", key.expose())?;
        let key_bearer = header_value("authorization", &format!("Bearer {}", key.expose()))?;
        let mut headers = options.headers;
        if !headers.contains_key(CLIENT_INFO_HEADER) {
            headers.insert(CLIENT_INFO_HEADER, HeaderValue::from_static(CLIENT_INFO));
        }
        // Headers given as a raw map did not go through `header_value`.
        for (name, value) in headers.iter_mut() {
            if is_secret_header(name.as_str()) {
                value.set_sensitive(true);
            }
        }
        let http = match (options.connector, options.http_client) {
            (Some(connector), _) => Http::Connector(connector),
            (None, Some(http)) => Http::Reqwest(http),
            (None, None) => Http::default_for_tests_or_reqwest()?,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                key: key.clone(),
                apikey,
                key_bearer,
                headers,
                timeout: options.timeout,
                max_response_bytes: options.max_response_bytes,
            }),
        })
    }

    /// The underlying `reqwest::Client` (its pool is shared by every clone); `None` when an
    /// [`HttpConnector`] moves the bytes.
    pub fn http_client(&self) -> Option<&reqwest::Client> {
        match &self.inner.http {
            Http::Reqwest(http) => Some(http),
            Http::Connector(_) => None,
        }
    }

    /// The [`HttpConnector`] that moves the bytes; `None` for reqwest (the default, or the
    /// client of [`TransportOptions::http_client`]).
    pub fn connector(&self) -> Option<&Arc<dyn HttpConnector>> {
        match &self.inner.http {
            Http::Reqwest(_) => None,
            Http::Connector(connector) => Some(connector),
        }
    }

    /// The project key, for protocols that carry it outside a header (Realtime's websocket
    /// URL has `apikey=` in its query, as realtime-js sends it).
    pub fn project_key(&self) -> &Secret {
        &self.inner.key
    }

    /// The global headers (including `X-Client-Info`).
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The most bytes a buffered answer may have ([`TransportOptions::max_response_bytes`]);
    /// streamed readers use it to bound what they hold at once (one row, one record).
    pub fn max_response_bytes(&self) -> usize {
        self.inner.max_response_bytes
    }

    /// Whether the caller set a global `Authorization` header, which then wins over every
    /// token provider.
    pub fn has_global_authorization(&self) -> bool {
        self.inner.headers.contains_key(AUTHORIZATION)
    }

    /// Sends a request and reads the whole answer.
    ///
    /// Returns the response whatever its status; use [`Response::error_for_status`] to turn
    /// non-2xx answers into [`Error::Api`]. A redirect is followed only to the same origin
    /// (see [`redirect_policy`](crate::redirect_policy)); an answer that came from another origin anyway (a
    /// caller-supplied client with another policy) is an error, and its body is not read.
    pub async fn send(
        &self,
        request: Request,
        tokens: &dyn TokenProvider,
    ) -> Result<Response, Error> {
        self.send_ref(&request, tokens).await
    }

    /// [`Transport::send`] for a request the caller keeps (to send it again, for example):
    /// nothing is cloned beyond what the HTTP client needs to own.
    pub async fn send_ref(
        &self,
        request: &Request,
        tokens: &dyn TokenProvider,
    ) -> Result<Response, Error> {
        #[cfg(target_arch = "wasm32")]
        let buffered = buffered_request(request).await?;
        #[cfg(target_arch = "wasm32")]
        let request = buffered.as_ref().unwrap_or(request);
        let bearer = self.bearer(request, tokens).await?;
        let answer = self.exchange(request, bearer).await?;
        let limit = self.inner.max_response_bytes;
        let length = content_length(&answer.headers);
        if length.is_some_and(|len| len > limit as u64) {
            return Err(Error::ResponseTooLarge { limit });
        }
        let body = read_body(answer.body, length, limit).await?;
        Ok(Response {
            status: answer.status,
            headers: answer.headers,
            body,
        })
    }

    /// Sends a request and hands the answer's body over as a stream, read as the caller
    /// polls it; `limit` bounds its size (`None`: no limit). The same headers, bearer rules,
    /// redirect and timeout rules as [`Transport::send`] apply; the time limit covers the
    /// whole transfer, body included. A `Content-Length` above `limit` fails at once.
    pub async fn send_streaming(
        &self,
        request: &Request,
        tokens: &dyn TokenProvider,
        limit: Option<u64>,
    ) -> Result<StreamingResponse, Error> {
        #[cfg(target_arch = "wasm32")]
        let buffered = buffered_request(request).await?;
        #[cfg(target_arch = "wasm32")]
        let request = buffered.as_ref().unwrap_or(request);
        let bearer = self.bearer(request, tokens).await?;
        let answer = self.exchange(request, bearer).await?;
        let length = content_length(&answer.headers);
        if let (Some(length), Some(limit)) = (length, limit)
            && length > limit
        {
            return Err(Error::ResponseTooLarge {
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            });
        }
        Ok(StreamingResponse {
            status: answer.status,
            headers: answer.headers,
            body: limited_stream(answer.body, limit),
        })
    }

    /// The `Authorization` value of `request`: the rules without a provider
    /// ([`Transport::fixed_bearer`]), then the provider's token, then the project key.
    async fn bearer(
        &self,
        request: &Request,
        tokens: &dyn TokenProvider,
    ) -> Result<Option<HeaderValue>, Error> {
        Ok(match self.fixed_bearer(request) {
            Bearer::Decided(bearer) => bearer,
            Bearer::FromProvider => Some(match tokens.fixed_token() {
                Some(token) => token.bearer_header().clone(),
                None => match tokens.access_token().await? {
                    Some(token) => token.bearer_header().clone(),
                    None => self.inner.key_bearer.clone(),
                },
            }),
        })
    }

    /// Sends `request` with `bearer` through reqwest or the connector and returns the
    /// answer's head and its body still to be read, once its origin is checked.
    async fn exchange(
        &self,
        request: &Request,
        bearer: Option<HeaderValue>,
    ) -> Result<Answer, Error> {
        match &self.inner.http {
            Http::Reqwest(http) => {
                let http_request = self.http_request(request, bearer)?;
                let mut response = http
                    .execute(http_request)
                    .await
                    .map_err(Error::from_reqwest)?;
                check_origin(&request.url, response.url())?;
                Ok(Answer {
                    status: response.status(),
                    headers: std::mem::take(response.headers_mut()),
                    body: AnswerBody::Reqwest(Chunks::new(response)),
                })
            }
            Http::Connector(connector) => {
                let (http_request, timeout) = self.connector_request(request, bearer)?;
                let answer = connector.send(http_request, timeout).await?;
                check_origin(&request.url, answer.url.as_ref().unwrap_or(&request.url))?;
                Ok(Answer {
                    status: answer.status,
                    headers: answer.headers,
                    body: AnswerBody::Connector(StreamChunks(answer.body)),
                })
            }
        }
    }

    /// The bearer rules that need no provider: steps 1 to 4 of the order in the type's docs.
    /// The one place that decides `Authorization`.
    fn fixed_bearer(&self, request: &Request) -> Bearer {
        if request.headers.contains_key(AUTHORIZATION) {
            return Bearer::Decided(None);
        }
        if let Credential::Token(token) = &request.credential {
            return Bearer::Decided(Some(token.bearer_header().clone()));
        }
        if self.has_global_authorization() {
            return Bearer::Decided(None);
        }
        match request.credential {
            Credential::ProjectKey => Bearer::Decided(Some(self.inner.key_bearer.clone())),
            _ => Bearer::FromProvider,
        }
    }

    /// The HTTP request for `request`. Kept out of the `async` functions (as is
    /// [`Transport::connector_request`]) so that their state machines stay small: less code
    /// and less state on the path of every request.
    #[inline(never)]
    fn http_request(
        &self,
        request: &Request,
        bearer: Option<HeaderValue>,
    ) -> Result<reqwest::Request, Error> {
        let mut http_request = reqwest::Request::new(request.method.clone(), request.url.clone());
        if let Some(body) = &request.body {
            *http_request.body_mut() = Some(body.to_reqwest()?);
        }
        *http_request.headers_mut() = self.request_headers(request, bearer);
        *http_request.timeout_mut() = request.timeout.or(self.inner.timeout);
        Ok(http_request)
    }

    /// The request for an [`HttpConnector`] (the same headers as [`Transport::http_request`])
    /// and its time limit.
    #[inline(never)]
    fn connector_request(
        &self,
        request: &Request,
        bearer: Option<HeaderValue>,
    ) -> Result<(http::Request<Body>, Option<Duration>), Error> {
        let uri = http::Uri::try_from(request.url.as_str()).map_err(|e| Error::InvalidUrl {
            reason: e.to_string(),
        })?;
        let body = request.body.clone().unwrap_or_else(Body::empty);
        let mut http_request = http::Request::new(body);
        *http_request.method_mut() = request.method.clone();
        *http_request.uri_mut() = uri;
        *http_request.headers_mut() = self.request_headers(request, bearer);
        Ok((http_request, request.timeout.or(self.inner.timeout)))
    }

    /// The headers of `request` as they go out ([`Transport::headers_for`]), with the
    /// `Content-Length` of a stream body whose length is known.
    fn request_headers(&self, request: &Request, bearer: Option<HeaderValue>) -> HeaderMap {
        let mut headers = self.headers_for(&request.headers, bearer);
        if let Some(body) = &request.body
            && body.is_stream()
            && let Some(length) = body.len()
            && !headers.contains_key(CONTENT_LENGTH)
        {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
        }
        headers
    }

    /// The headers that go out: the request's own, then the global ones it does not set,
    /// then `apikey` and `Authorization` unless set already. Built in one map of the right
    /// size, moved into the HTTP request without another copy.
    fn headers_for(&self, own: &HeaderMap, bearer: Option<HeaderValue>) -> HeaderMap {
        let inner = &*self.inner;
        let mut headers = HeaderMap::with_capacity(own.len() + inner.headers.len() + 2);
        for (name, value) in own {
            headers.append(name.clone(), value.clone());
        }
        for (name, value) in &inner.headers {
            if !own.contains_key(name) {
                headers.append(name.clone(), value.clone());
            }
        }
        if !headers.contains_key(&APIKEY) {
            headers.insert(APIKEY.clone(), inner.apikey.clone());
        }
        if let Some(bearer) = bearer {
            headers.insert(AUTHORIZATION, bearer);
        }
        headers
    }
}

/// What moves the bytes: reqwest (called directly: no boxed future per request), or a
/// connector.
enum Http {
    Reqwest(reqwest::Client),
    Connector(Arc<dyn HttpConnector>),
}

impl Http {
    /// reqwest with [`http_client_builder`](crate::http_client_builder)'s settings; under the
    /// internal `test-connector-env` feature, the hyper-util connector when
    /// `SUPABASE_TEST_CONNECTOR=hyper` (how `cargo xtask test` runs the same tests over both).
    fn default_for_tests_or_reqwest() -> Result<Self, Error> {
        #[cfg(all(feature = "test-connector-env", not(target_arch = "wasm32")))]
        if std::env::var_os("SUPABASE_TEST_CONNECTOR").is_some_and(|v| v == "hyper") {
            return Ok(Http::Connector(Arc::new(crate::HyperConnector::new()?)));
        }
        Ok(Http::Reqwest(crate::http_client::default_http_client()?))
    }
}

/// [`Error::Transport`] of kind `Redirect` unless `url` has the origin of `origin`.
fn check_origin(origin: &Url, url: &Url) -> Result<(), Error> {
    if same_origin(origin, url) {
        Ok(())
    } else {
        Err(Error::Transport {
            kind: TransportErrorKind::Redirect,
            source: Box::new(RedirectRefused::CrossOrigin),
        })
    }
}

/// The announced `Content-Length` of an answer.
fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// An answer whose head has arrived (from the request's origin) and whose body is still to
/// be read.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: AnswerBody,
}

/// Where an answer's body comes from: reqwest's answer (read directly, no boxed stream), or
/// a connector's stream.
enum AnswerBody {
    Reqwest(Chunks),
    Connector(StreamChunks),
}

impl NextChunk for AnswerBody {
    #[inline]
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match self {
            AnswerBody::Reqwest(chunks) => chunks.next_chunk().await,
            AnswerBody::Connector(chunks) => chunks.next_chunk().await,
        }
    }
}

/// A source of an answer's body chunks: reqwest's answer, or a connector's stream. Generic
/// (not boxed) so that the reqwest path stays what it was.
trait NextChunk {
    /// The next chunk; `None` at the end.
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, Error>> + MaybeSend;
}

/// A connector's body as a [`NextChunk`]. A struct of its own rather than an implementation
/// for `ByteStream` itself: the `'static` of the boxed stream's type would otherwise be lost in
/// the `Send` check of the futures that hold it ("not general enough").
struct StreamChunks(ByteStream);

impl NextChunk for StreamChunks {
    #[inline]
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, Error>> + MaybeSend {
        use futures_util::StreamExt;
        async move { self.0.next().await.transpose() }
    }
}

impl NextChunk for Chunks {
    #[inline]
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        self.next().await.map_err(Error::from_reqwest)
    }
}

/// The chunks of an answer's body, one at a time.
#[cfg(not(target_arch = "wasm32"))]
struct Chunks(reqwest::Response);

#[cfg(not(target_arch = "wasm32"))]
impl Chunks {
    fn new(response: reqwest::Response) -> Self {
        Self(response)
    }

    #[inline]
    async fn next(&mut self) -> Result<Option<Bytes>, reqwest::Error> {
        self.0.chunk().await
    }
}

/// The chunks of an answer's body, one at a time (`fetch`'s body stream on `wasm32`, where
/// reqwest has no `Response::chunk`).
#[cfg(target_arch = "wasm32")]
struct Chunks(std::pin::Pin<Box<dyn futures_core::Stream<Item = reqwest::Result<Bytes>>>>);

#[cfg(target_arch = "wasm32")]
impl Chunks {
    fn new(response: reqwest::Response) -> Self {
        Self(Box::pin(response.bytes_stream()))
    }

    async fn next(&mut self) -> Result<Option<Bytes>, reqwest::Error> {
        use futures_util::StreamExt;
        self.0.next().await.transpose()
    }
}

/// A stream body read into memory on `wasm32` (see [`Body::buffered`]): the request to send
/// instead of `request`, or `None` to send `request` as it is.
#[cfg(target_arch = "wasm32")]
async fn buffered_request(request: &Request) -> Result<Option<Request>, Error> {
    let Some(body) = &request.body else {
        return Ok(None);
    };
    Ok(body.buffered().await?.map(|body| {
        let mut copy = request.clone();
        copy.body = Some(body);
        copy
    }))
}

/// Reads the whole body, failing once it grows past `limit`. A body that arrives in one
/// chunk (the usual case for PostgREST's answers) is kept as it is, without a copy.
async fn read_body(
    mut response: impl NextChunk,
    length: Option<u64>,
    limit: usize,
) -> Result<Bytes, Error> {
    let Some(first) = response.next_chunk().await? else {
        return Ok(Bytes::new());
    };
    if first.len() > limit {
        return Err(Error::ResponseTooLarge { limit });
    }
    let Some(second) = response.next_chunk().await? else {
        return Ok(first);
    };
    // Trust a `Content-Length` for the first allocation only up to a point: a server that
    // announces a huge body and sends little must not make us reserve it.
    let expected = length
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(limit)
        .min(MAX_PREALLOCATION);
    let mut body = BytesMut::with_capacity(expected.max(first.len().saturating_add(second.len())));
    body.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(Error::ResponseTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
        next = response.next_chunk().await?;
    }
    Ok(body.freeze())
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("apikey", &"[REDACTED]")
            .field(
                "headers",
                &self
                    .inner
                    .headers
                    .keys()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.inner.timeout)
            .field(
                "connector",
                match &self.inner.http {
                    Http::Reqwest(_) => &"reqwest" as &dyn fmt::Debug,
                    Http::Connector(connector) => connector,
                },
            )
            .finish()
    }
}

/// A request for [`Transport::send`].
///
/// `Debug` shows the values of `Authorization`, `apikey`, cookies and sensitive headers as
/// `[REDACTED]`, and the body as its length.
#[derive(Clone)]
#[non_exhaustive]
pub struct Request {
    /// The HTTP method.
    pub method: Method,
    /// The full URL, query included.
    pub url: Url,
    /// Headers of this request; they win over global headers.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Body>,
    /// A time limit for this request alone.
    pub timeout: Option<Duration>,
    /// Whose bearer token goes out (see [`Transport`] for the order of the rules).
    pub credential: Credential,
}

/// Whose bearer token a [`Request`] carries, unless the request has its own `Authorization`
/// header. The transport applies it; see [`Transport`] for the whole order.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credential {
    /// The client's [`TokenProvider`] (the project key when it yields none), unless a global
    /// `Authorization` header is set. What every data request uses.
    #[default]
    Provider,
    /// The project key, unless a global `Authorization` header is set (public Auth
    /// endpoints).
    ProjectKey,
    /// This user's token, even over a global `Authorization` header (Auth's user endpoints,
    /// acting for the signed-in user).
    Token(AccessToken),
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Provider => f.write_str("Provider"),
            Credential::ProjectKey => f.write_str("ProjectKey"),
            Credential::Token(_) => f.write_str("Token([REDACTED])"),
        }
    }
}

/// What [`Transport::fixed_bearer`] decided.
enum Bearer {
    /// This bearer (or none: a request or global header is sent).
    Decided(Option<HeaderValue>),
    /// Ask the provider.
    FromProvider,
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            credential: Credential::Provider,
        }
    }

    /// The body's bytes, for a body made from bytes (`None` without a body or for a stream).
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body.as_ref().and_then(Body::as_bytes).map(|b| &b[..])
    }

    /// Sets whose bearer token goes out.
    pub fn credential(mut self, credential: Credential) -> Self {
        self.credential = credential;
        self
    }

    /// Sets a header (replacing any earlier value).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets the body (bytes, or a stream: see [`Body`]).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Sets a per-request time limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A fully read answer.
///
/// `Debug` shows the body as its length only (an Auth answer holds tokens) and redacts
/// cookies and sensitive headers.
#[derive(Clone)]
#[non_exhaustive]
pub struct Response {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl Response {
    /// Builds a response (for tests and custom transports).
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// `Ok(self)` for a 2xx answer, [`Error::Api`] with the parsed error body otherwise.
    pub fn error_for_status(self) -> Result<Self, Error> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(Error::from(ApiError::from_body(
                self.status.as_u16(),
                &self.body,
            )))
        }
    }

    /// Decodes the body as JSON. On failure the error names the path of the failing field.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_json(&self.body)
    }

    /// The body as text (invalid UTF-8 is an [`Error::Decode`]).
    pub fn text(&self) -> Result<String, Error> {
        String::from_utf8(self.body.to_vec()).map_err(|_| Error::Decode {
            path: ".".into(),
            message: "the body is not valid UTF-8".into(),
            body_snippet: body_snippet(&self.body),
        })
    }
}

/// An answer whose body is read as a stream (see [`Transport::send_streaming`]).
///
/// `Debug` shows status and headers (secrets redacted), never the body.
#[non_exhaustive]
pub struct StreamingResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, chunk by chunk, bounded by the limit given when sending.
    pub body: ByteStream,
}

/// The most of an error answer's body that [`StreamingResponse::error_for_status`] reads.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

impl StreamingResponse {
    /// Builds one (for tests and custom transports).
    pub fn new(status: StatusCode, headers: HeaderMap, body: ByteStream) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The announced `Content-Length`, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// Reads the rest of the body into memory, failing past `limit` bytes.
    pub async fn bytes(self, limit: usize) -> Result<Bytes, Error> {
        use futures_util::StreamExt;
        let mut body = self.body;
        let mut all = BytesMut::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            if all.len().saturating_add(chunk.len()) > limit {
                return Err(Error::ResponseTooLarge { limit });
            }
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    /// Reads the whole answer into a [`Response`] (bounded by `limit`).
    pub async fn buffer(self, limit: usize) -> Result<Response, Error> {
        let status = self.status;
        let headers = self.headers.clone();
        let body = self.bytes(limit).await?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// `Ok(self)` for a 2xx answer; otherwise the body (up to 64 KiB) is read and the answer
    /// is returned buffered as the error, for the caller's service to map.
    pub async fn error_for_status(self) -> Result<Self, Response> {
        if self.status.is_success() {
            return Ok(self);
        }
        let status = self.status;
        let headers = self.headers.clone();
        let body = read_prefix(self.body, ERROR_BODY_LIMIT).await;
        Err(Response {
            status,
            headers,
            body,
        })
    }
}

/// Up to `limit` bytes of a stream; an error or the limit ends it quietly (this is for error
/// answers, whose body is kept only to describe the error).
pub async fn read_prefix(mut body: ByteStream, limit: usize) -> Bytes {
    use futures_util::StreamExt;
    let mut all = BytesMut::new();
    while let Some(Ok(chunk)) = body.next().await {
        let room = limit.saturating_sub(all.len());
        all.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
        if all.len() >= limit {
            break;
        }
    }
    all.freeze()
}

impl fmt::Debug for StreamingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .finish_non_exhaustive()
    }
}

/// The body of an answer as a stream that fails once more than `limit` bytes arrived.
fn limited_stream<C: NextChunk + MaybeSend + 'static>(chunks: C, limit: Option<u64>) -> ByteStream {
    let state = (chunks, 0u64, false);
    Box::pin(futures_util::stream::unfold(
        state,
        move |(mut response, seen, done)| async move {
            if done {
                return None;
            }
            match response.next_chunk().await {
                Ok(Some(chunk)) => {
                    let seen = seen.saturating_add(chunk.len() as u64);
                    if let Some(limit) = limit
                        && seen > limit
                    {
                        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
                        return Some((
                            Err(Error::ResponseTooLarge { limit }),
                            (response, seen, true),
                        ));
                    }
                    Some((Ok(chunk), (response, seen, false)))
                }
                Ok(None) => None,
                Err(e) => Some((Err(e), (response, seen, true))),
            }
        },
    ))
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .field("credential", &self.credential)
            .finish()
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &BodyLen(self.body.len()))
            .finish()
    }
}

/// Formats a header map with secret values replaced by `[REDACTED]`.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |name: &HeaderName, value: &HeaderValue| {
            value.is_sensitive() || is_secret_header(name.as_str())
        };
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown = if secret(name, value) {
                    REDACTED.to_owned()
                } else {
                    redact_secrets(&String::from_utf8_lossy(value.as_bytes()))
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

/// Formats a body as its length.
struct BodyLen(usize);

impl fmt::Debug for BodyLen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

/// Decodes JSON, naming the failing field path in the error.
///
/// Tracking the path of every field costs about as much as decoding itself (issue 6, case 4:
/// 1.5× `serde_json::from_slice`), so the body is decoded without it first, and decoded again
/// with it only to build the error when the first pass fails.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    decode_json_tracked(body)
}

/// The slow path of [`decode_json`]: decodes with path tracking, for the error.
fn decode_json_tracked<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let message = redact_field_message(&path, &e.into_inner().to_string());
        Error::Decode {
            path,
            message,
            body_snippet: body_snippet(body),
        }
    })?;
    de.end().map_err(|e| Error::Decode {
        path: ".".into(),
        message: redact_secrets(&e.to_string()),
        body_snippet: body_snippet(body),
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Row {
        id: i64,
    }

    #[test]
    fn decode_json_decodes_and_names_the_failing_field() {
        let rows: Vec<Row> = decode_json(br#"[{"id":1},{"id":2}]"#).unwrap();
        assert_eq!(rows, vec![Row { id: 1 }, Row { id: 2 }]);

        match decode_json::<Vec<Row>>(br#"[{"id":1},{"id":"x"}]"#) {
            Err(Error::Decode { path, message, .. }) => {
                assert_eq!(path, "[1].id");
                assert!(message.contains("invalid type"), "{message}");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        match decode_json::<Vec<Row>>(b"[] trailing") {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "."),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
}
