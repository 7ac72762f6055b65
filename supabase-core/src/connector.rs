//! The seam under the transport: what moves one HTTP exchange.
//!
//! [`Transport`](crate::Transport) decides everything that makes a request a Supabase request
//! (`apikey`, `Authorization`, global headers, the size limits, the same-origin check of the
//! answer); an [`HttpConnector`] only moves the bytes: it sends one request (following
//! same-origin redirects) and hands back the answer's head and its body as a stream.
//!
//! - reqwest is the default (on `wasm32`, reqwest over the browser's `fetch`); the transport
//!   calls it directly, and [`ReqwestConnector`] wraps a `reqwest::Client` as a connector,
//!   for a middleware of yours to delegate to.
//! - [`HyperConnector`](crate::HyperConnector) (feature `hyper`, native targets) sends on
//!   hyper-util directly.
//! - Your own: anything that implements [`HttpConnector`], set with
//!   [`Config::connector`](crate::Config::connector).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use url::Url;

use crate::runtime::BoxFuture;
use crate::transport::RedactedHeaders;
use crate::{Body, ByteStream, Error};

/// Moves one HTTP exchange for a [`Transport`](crate::Transport).
///
/// `send` takes the request exactly as it goes out (every header decided already; the body is
/// [`Body`]: bytes, or a stream to be taken once with [`Body::into_stream`]) and the time limit
/// of this request (`None`: no limit). It returns the answer's status, headers, the URL it
/// came from when a redirect was followed, and its body as a [`ByteStream`].
///
/// What an implementation promises (the transport relies on it):
///
/// - **Redirects**: follow at most 10, and only to the origin (scheme, host and port) of the
///   request; a redirect to another origin fails with [`Error::Transport`] of kind
///   [`TransportErrorKind::Redirect`](crate::TransportErrorKind::Redirect) and sends nothing
///   there (the request carries the project key). The transport also refuses an answer whose
///   [`ConnectorResponse::url`] has another origin. A connector that followed no redirect
///   leaves `url` at `None`, and need not parse the request's URI at all.
/// - **Time**: the limit covers the whole exchange, body included; running out of it is
///   [`Error::Timeout`] (also from the body stream).
/// - **Errors**: [`Error::Transport`] with the kind that says whether anything was answered
///   ([`Connect`](crate::TransportErrorKind::Connect): nothing was sent;
///   [`Body`](crate::TransportErrorKind::Body): the answer broke off); retries are decided from
///   these kinds.
/// - **Secrets**: headers marked sensitive stay so (HTTP/2 does not index them); nothing of a
///   header value ends up in an error or a log.
///
/// Size limits are not the connector's business: the transport counts the body's bytes.
///
/// A connector that wraps another (middleware) is the usual way to add behaviour under the
/// transport; this one counts requests and adds a header:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
///
/// use supabase_core::{
///     Body, BoxFuture, Config, ConnectorResponse, Error, HeaderValue, HttpConnector,
///     ReqwestConnector,
/// };
///
/// #[derive(Debug)]
/// struct Counting {
///     inner: ReqwestConnector,
///     sent: AtomicUsize,
/// }
///
/// impl HttpConnector for Counting {
///     fn send(
///         &self,
///         mut request: supabase_core::http::Request<Body>,
///         timeout: Option<Duration>,
///     ) -> BoxFuture<'_, Result<ConnectorResponse, Error>> {
///         self.sent.fetch_add(1, Ordering::Relaxed);
///         request
///             .headers_mut()
///             .insert("x-middleware", HeaderValue::from_static("counting"));
///         self.inner.send(request, timeout)
///     }
/// }
///
/// # fn main() -> Result<(), Error> {
/// let counting = Arc::new(Counting {
///     inner: ReqwestConnector::new()?,
///     sent: AtomicUsize::new(0),
/// });
/// let config = Config::new("https://xyzcompany.supabase.co", "public-anon-key")?
///     .connector(counting.clone());
/// let transport = config.transport()?;
/// # let _ = transport;
/// assert_eq!(counting.sent.load(Ordering::Relaxed), 0);
/// # Ok(()) }
/// ```
pub trait HttpConnector: fmt::Debug + Send + Sync + 'static {
    /// Sends `request` and returns the answer once its head has arrived; the body follows as
    /// the caller polls [`ConnectorResponse::body`]. `timeout` covers the whole exchange.
    fn send(
        &self,
        request: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> BoxFuture<'_, Result<ConnectorResponse, Error>>;
}

/// An answer from an [`HttpConnector`]: its head, and its body still to be read.
///
/// `Debug` shows status, the redirect's origin and headers (secrets redacted), never the body.
#[non_exhaustive]
pub struct ConnectorResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The URL of the last redirect followed; `None` when the answer came from the request's
    /// own URL. The transport checks its origin.
    pub url: Option<Url>,
    /// The body, chunk by chunk; [`Error::Timeout`] when the request's time runs out while it
    /// is read.
    pub body: ByteStream,
}

impl ConnectorResponse {
    /// An answer (for connectors of your own); `url`: the last redirect's, `None` without one.
    pub fn new(status: StatusCode, headers: HeaderMap, url: Option<Url>, body: ByteStream) -> Self {
        Self {
            status,
            headers,
            url,
            body,
        }
    }

    /// An answer whose body is these bytes (for tests and connectors that answer from memory).
    pub fn from_bytes(
        status: StatusCode,
        headers: HeaderMap,
        url: Option<Url>,
        body: Bytes,
    ) -> Self {
        let body: ByteStream = Box::pin(futures_util::stream::iter(
            (!body.is_empty()).then_some(Ok(body)),
        ));
        Self::new(status, headers, url, body)
    }
}

impl fmt::Debug for ConnectorResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectorResponse")
            .field("status", &self.status)
            .field(
                "redirected_to",
                &self
                    .url
                    .as_ref()
                    .map(|url| url.origin().ascii_serialization()),
            )
            .field("headers", &RedactedHeaders(&self.headers))
            .finish_non_exhaustive()
    }
}

/// reqwest as an [`HttpConnector`]: what the transport uses by default, as a value a
/// connector of yours can delegate to (see [`HttpConnector`] for an example).
///
/// The transport's default path calls reqwest directly (no boxed future per request); a
/// transport built on this connector sends through the same client the same way, plus one
/// boxed future. Build the client with [`http_client_builder`](crate::http_client_builder)
/// (same-origin redirects, the TLS provider of the features).
#[derive(Clone, Debug)]
pub struct ReqwestConnector {
    client: reqwest::Client,
}

impl ReqwestConnector {
    /// A connector on a new client from [`http_client_builder`](crate::http_client_builder).
    pub fn new() -> Result<Self, Error> {
        Ok(Self {
            client: crate::http_client::default_http_client()?,
        })
    }

    /// A connector on `client` (its pool is shared with the rest of your application).
    pub fn from_client(client: reqwest::Client) -> Self {
        Self { client }
    }

    /// The client it sends with.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl HttpConnector for ReqwestConnector {
    fn send(
        &self,
        request: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> BoxFuture<'_, Result<ConnectorResponse, Error>> {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let url = url_of(&parts.uri)?;
            let mut http_request = reqwest::Request::new(parts.method, url);
            *http_request.headers_mut() = parts.headers;
            if !body.is_empty() {
                *http_request.body_mut() = Some(body.to_reqwest()?);
            }
            *http_request.timeout_mut() = timeout;
            let mut response = self
                .client
                .execute(http_request)
                .await
                .map_err(Error::from_reqwest)?;
            let headers = std::mem::take(response.headers_mut());
            let status = response.status();
            // reqwest reports the final URL either way; it is the request's own when nothing
            // redirected.
            let url = Some(response.url().clone());
            let body: ByteStream = Box::pin(futures_util::TryStreamExt::map_err(
                response.bytes_stream(),
                Error::from_reqwest,
            ));
            Ok(ConnectorResponse::new(status, headers, url, body))
        })
    }
}

/// A request's URI as a [`Url`] (what reqwest takes, and what a redirect's `Location` is
/// resolved against).
pub(crate) fn url_of(uri: &http::Uri) -> Result<Url, Error> {
    Url::parse(&uri.to_string()).map_err(|e| Error::InvalidUrl {
        reason: e.to_string(),
    })
}
