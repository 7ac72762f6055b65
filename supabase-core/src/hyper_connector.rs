//! [`HyperConnector`]: an [`HttpConnector`] on hyper-util's client directly (feature `hyper`).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::header::{
    ACCEPT, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, TRANSFER_ENCODING,
};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as HyperHttp;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::time::Instant;
use url::Url;

use crate::connector::url_of;
use crate::redirect::{MAX_REDIRECTS, RedirectRefused, same_origin};
use crate::runtime::BoxFuture;
use crate::{
    Body, ByteStream, ConnectorResponse, Error, HttpConnector, TransportErrorKind, is_secret_header,
};

/// An [`HttpConnector`] on hyper-util's client directly: HTTP/1.1 and HTTP/2 (by ALPN), TLS
/// through hyper-rustls with the shared [`tls::client_config`](crate::tls::client_config) (the
/// crypto provider of the features, the platform's verifier). Feature `hyper`, native targets
/// only; needs `rustls-ring` or `rustls`.
///
/// The same guarantees as the reqwest default: redirects followed only to the request's
/// origin, at most 10 (a redirect elsewhere fails with
/// [`TransportErrorKind::Redirect`] and the other origin receives nothing); the time limit
/// covers the whole exchange, body included ([`Error::Timeout`]); secret headers marked
/// sensitive; connection failures are [`TransportErrorKind::Connect`], an answer that breaks
/// off is [`TransportErrorKind::Body`], so retries are decided as with reqwest. Cloning shares
/// the connection pool.
///
/// ```no_run
/// use std::sync::Arc;
///
/// use supabase_core::{Config, HyperConnector};
///
/// # fn main() -> Result<(), supabase_core::Error> {
/// let config = Config::new("https://xyzcompany.supabase.co", "public-anon-key")?
///     .connector(Arc::new(HyperConnector::new()?));
/// let transport = config.transport()?;
/// # let _ = transport;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HyperConnector {
    client: Client<HttpsConnector<HyperHttp>, OutBody>,
}

impl HyperConnector {
    /// A connector with its own connection pool (idle connections kept 90 s, as reqwest does).
    ///
    /// Fails when the TLS configuration cannot be built (no usable root certificates).
    /// Needs a tokio runtime when it sends (not when it is made).
    pub fn new() -> Result<Self, Error> {
        // hyper-rustls sets ALPN itself (h2, http/1.1: the same as `tls::HTTP_ALPN`) and
        // refuses a configuration that has it already.
        let tls = crate::tls::client_config(&[])?;
        let mut http = HyperHttp::new();
        // `https://` goes through TLS in the wrapper; plain `http://` is allowed (local
        // development, as with reqwest).
        http.enforce_http(false);
        http.set_nodelay(true);
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(https);
        Ok(Self { client })
    }

    /// One exchange, redirects included, within `deadline` for the head (the body stream
    /// keeps the same deadline).
    async fn exchange(
        &self,
        request: http::Request<Body>,
        deadline: Option<Instant>,
    ) -> Result<ConnectorResponse, Error> {
        let (parts, body) = request.into_parts();
        let mut method = parts.method;
        let mut uri = parts.uri;
        let mut headers = parts.headers;
        for (name, value) in headers.iter_mut() {
            if is_secret_header(name.as_str()) {
                value.set_sensitive(true);
            }
        }
        // What reqwest sends when the request has no `Accept`.
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        // A bytes body is sent again after a 307/308; a stream body is read once.
        let mut resend = body.as_bytes().cloned();
        let mut unrepeatable = body.is_stream();
        let mut body = Some(body);
        // The request's URL and the last redirect's, parsed only when an answer redirects (the
        // usual answer does not: no parsing of the URI on that path).
        let mut first: Option<Url> = None;
        let mut url: Option<Url> = None;
        let mut redirects = 0usize;
        loop {
            let out = match body.take() {
                Some(body) => OutBody::from_body(body)?,
                None => OutBody::bytes(resend.clone().unwrap_or_default()),
            };
            let mut http_request = http::Request::new(out);
            *http_request.method_mut() = method.clone();
            *http_request.uri_mut() = uri.clone();
            *http_request.headers_mut() = headers.clone();
            let response = self
                .client
                .request(http_request)
                .await
                .map_err(request_error)?;
            let status = response.status();
            let location = redirect_location(status, response.headers());
            let next = match location {
                Some(location) => {
                    let first = match &first {
                        Some(first) => first,
                        None => first.insert(url_of(&uri)?),
                    };
                    url.as_ref().unwrap_or(first).join(location).ok()
                }
                None => None,
            };
            let (Some(first), Some(next)) = (&first, next) else {
                return Ok(answer(response, url, deadline));
            };
            // The order of reqwest's policy (`redirect_policy`): the origin first.
            if !same_origin(first, &next) {
                return Err(redirect_refused(RedirectRefused::CrossOrigin));
            }
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(redirect_refused(RedirectRefused::TooMany));
            }
            match status {
                StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT if unrepeatable => {
                    // A stream body cannot be sent again: the redirect is the answer (as
                    // reqwest does).
                    return Ok(answer(response, url, deadline));
                }
                StatusCode::SEE_OTHER if method != Method::HEAD => {
                    to_get(&mut method, &mut headers);
                    (resend, unrepeatable) = (None, false);
                }
                StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND if method == Method::POST => {
                    to_get(&mut method, &mut headers);
                    (resend, unrepeatable) = (None, false);
                }
                _ => {}
            }
            uri = Uri::try_from(next.as_str()).map_err(|e| Error::InvalidUrl {
                reason: e.to_string(),
            })?;
            url = Some(next);
        }
    }
}

/// The answer as it came: its head now, its body as a stream within `deadline`; `url` is the
/// last redirect's (`None` without one).
fn answer(
    response: http::Response<Incoming>,
    url: Option<Url>,
    deadline: Option<Instant>,
) -> ConnectorResponse {
    let (parts, incoming) = response.into_parts();
    ConnectorResponse::new(
        parts.status,
        parts.headers,
        url,
        body_stream(incoming, deadline),
    )
}

/// The method becomes GET and the body goes (a 303, or a 301/302 after POST), as browsers and
/// reqwest do.
fn to_get(method: &mut Method, headers: &mut HeaderMap) {
    *method = Method::GET;
    for name in [
        CONTENT_TYPE,
        CONTENT_LENGTH,
        CONTENT_ENCODING,
        TRANSFER_ENCODING,
    ] {
        headers.remove(name);
    }
}

impl HttpConnector for HyperConnector {
    fn send(
        &self,
        request: http::Request<Body>,
        timeout: Option<Duration>,
    ) -> BoxFuture<'_, Result<ConnectorResponse, Error>> {
        Box::pin(async move {
            let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
            match deadline {
                Some(deadline) => {
                    tokio::time::timeout_at(deadline, self.exchange(request, Some(deadline)))
                        .await
                        .unwrap_or(Err(Error::Timeout))
                }
                None => self.exchange(request, None).await,
            }
        })
    }
}

impl fmt::Debug for HyperConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperConnector").finish_non_exhaustive()
    }
}

/// The `Location` of a redirect answer (`None`: not a redirect reqwest follows, or no usable
/// `Location`: the answer is returned as it is, as reqwest does).
fn redirect_location(status: StatusCode, headers: &HeaderMap) -> Option<&str> {
    if !matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    ) {
        return None;
    }
    headers.get(LOCATION)?.to_str().ok()
}

fn redirect_refused(why: RedirectRefused) -> Error {
    Error::Transport {
        kind: TransportErrorKind::Redirect,
        source: Box::new(why),
    }
}

/// A failure before the answer's head: `Connect` when no connection could be made (nothing was
/// sent), otherwise `Other` (as reqwest classifies its request errors).
fn request_error(e: hyper_util::client::legacy::Error) -> Error {
    let kind = if e.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    Error::Transport {
        kind,
        source: Box::new(e),
    }
}

/// The answer's body as a stream of data chunks (trailers skipped), failing with
/// [`Error::Timeout`] past `deadline` and with `Body` when the answer breaks off.
fn body_stream(body: Incoming, deadline: Option<Instant>) -> ByteStream {
    Box::pin(futures_util::stream::unfold(
        Some(body),
        move |state| async move {
            let mut body = state?;
            loop {
                let frame = match deadline {
                    Some(deadline) => match tokio::time::timeout_at(deadline, body.frame()).await {
                        Ok(frame) => frame,
                        Err(_) => return Some((Err(Error::Timeout), None)),
                    },
                    None => body.frame().await,
                };
                match frame {
                    None => return None,
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            return Some((Ok(data), Some(body)));
                        }
                    }
                    Some(Err(e)) => {
                        let error = Error::Transport {
                            kind: TransportErrorKind::Body,
                            source: Box::new(e),
                        };
                        return Some((Err(error), None));
                    }
                }
            }
        },
    ))
}

/// A request body for hyper: bytes, or a stream read once.
pub(crate) enum OutBody {
    Bytes(Option<Bytes>),
    Stream(ByteStream),
}

impl OutBody {
    fn bytes(bytes: Bytes) -> Self {
        OutBody::Bytes((!bytes.is_empty()).then_some(bytes))
    }

    fn from_body(body: Body) -> Result<Self, Error> {
        match body.as_bytes() {
            Some(bytes) => Ok(Self::bytes(bytes.clone())),
            None => Ok(OutBody::Stream(body.into_stream()?)),
        }
    }
}

impl hyper::body::Body for OutBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        match self.get_mut() {
            OutBody::Bytes(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            OutBody::Stream(stream) => stream
                .as_mut()
                .poll_next(cx)
                .map(|chunk| chunk.map(|chunk| chunk.map(Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, OutBody::Bytes(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            OutBody::Bytes(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            // The transport sets `Content-Length` when the length is known.
            OutBody::Stream(_) => SizeHint::default(),
        }
    }
}
