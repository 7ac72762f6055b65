//! One endpoint of the project, as somebody: the road every service request takes.

use std::fmt;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::retry::is_failure_before_answer;
use crate::{
    Config, Error, ProjectKeyProvider, Request, Response, RetryPolicy, Secret, StreamingResponse,
    TokenProvider, Transport, TransportOptions, is_retryable_status, validate_base_url,
};

const X_RETRY_COUNT: HeaderName = HeaderName::from_static("x-retry-count");

/// One endpoint of the project (`…/rest/v1`, `…/auth/v1`, `…/storage/v1`, …), as somebody.
///
/// It holds the shared [`Transport`] (connection pool, project key, global headers, limits),
/// the endpoint's base URL, the credential (a [`TokenProvider`]) and the [`RetryPolicy`].
/// Every service crate keeps one and sends every request through it, so that:
///
/// - `Authorization` and `apikey` are decided in one place (the transport's rules, see
///   [`Transport`]), from this value's provider or the request's [`Credential`](crate::Credential);
/// - GET/HEAD requests are retried by one policy;
/// - a 401 answer tells the provider to drop its token ([`TokenProvider::invalidate`]).
///
/// Cloning is a few reference-count bumps. [`Service::with_tokens`] returns a value that
/// differs only in its credential: a per-user service on the same pool.
///
/// ```
/// use std::sync::Arc;
/// use supabase_core::{Config, Method, Service, StaticTokenProvider};
///
/// # fn main() -> Result<(), supabase_core::Error> {
/// let config = Config::new("https://xyzcompany.supabase.co", "anon-key")?;
/// let storage = Service::from_config(&config, "storage/v1")?;
/// let url = storage.url(&["object", "avatars", "a b/c?.png"], &[("download", "")])?;
/// assert_eq!(
///     url.as_str(),
///     "https://xyzcompany.supabase.co/storage/v1/object/avatars/a%20b%2Fc%3F.png?download="
/// );
/// // The same endpoint as a user: nothing else changes.
/// let user = storage.with_tokens(Arc::new(StaticTokenProvider::from_token("eyJ.user.jwt")?));
/// let request = user.request(Method::GET, &["bucket"])?;
/// assert_eq!(request.url.as_str(), "https://xyzcompany.supabase.co/storage/v1/bucket");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Service {
    transport: Transport,
    base: Arc<Url>,
    tokens: Arc<dyn TokenProvider>,
    retry: RetryPolicy,
}

impl Service {
    /// The endpoint at `base` (an absolute URL; a trailing `/` is dropped) over `transport`,
    /// sending the project key as bearer until [`Service::with_tokens`] sets a provider.
    pub fn new(transport: Transport, base: &str) -> Result<Self, Error> {
        let mut url = validate_base_url(base)?;
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self {
            transport,
            base: Arc::new(url),
            tokens: Arc::new(ProjectKeyProvider),
            retry: RetryPolicy::default(),
        })
    }

    /// The endpoint at `base` with its own transport sending `key` (a service used alone).
    pub fn standalone(base: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        Self::new(
            Transport::new(&key.into(), TransportOptions::default())?,
            base,
        )
    }

    /// The endpoint `<project url>/<service_path>` of `config`, with its transport.
    pub fn from_config(config: &Config, service_path: &str) -> Result<Self, Error> {
        Self::new(config.transport()?, config.endpoint(service_path)?.as_str())
    }

    /// The same endpoint at another path of the same project (`storage/v1` next to
    /// `rest/v1`), sharing transport, credential and retry policy.
    pub fn sibling(&self, service_path: &str) -> Result<Self, Error> {
        let mut base = (*self.base).clone();
        base.set_path(&format!("/{}", service_path.trim_matches('/')));
        Ok(Self {
            base: Arc::new(base),
            ..self.clone()
        })
    }

    /// The same endpoint, with bearer tokens from `tokens`; this value is unchanged.
    #[must_use]
    pub fn with_tokens(&self, tokens: Arc<dyn TokenProvider>) -> Self {
        Self {
            transport: self.transport.clone(),
            base: Arc::clone(&self.base),
            tokens,
            retry: self.retry,
        }
    }

    /// The same endpoint with another retry policy; this value is unchanged.
    #[must_use]
    pub fn with_retry(&self, retry: RetryPolicy) -> Self {
        Self {
            retry,
            ..self.clone()
        }
    }

    /// The base URL, without a trailing slash.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// The credential: where this value's bearer tokens come from.
    pub fn tokens(&self) -> &Arc<dyn TokenProvider> {
        &self.tokens
    }

    /// The retry policy.
    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }

    /// The shared transport.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// `<base>/<segment>/<segment>…?<query>`: each segment is percent-encoded as one path
    /// segment (a `/`, `?`, `#` or `%` in it stays inside it), the query is form-encoded like
    /// `URLSearchParams` (space as `+`).
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, Error> {
        let mut url = (*self.base).clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| Error::InvalidUrl {
                reason: "the service URL cannot have a path".into(),
            })?;
            path.pop_if_empty();
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// A request to [`Service::url`]`(segments, &[])`.
    pub fn request(&self, method: Method, segments: &[&str]) -> Result<Request, Error> {
        Ok(Request::new(method, self.url(segments, &[])?))
    }

    /// Sends `request` and reads the whole answer, whatever its status. GET and HEAD
    /// requests are retried as the [`RetryPolicy`] says (not when `retry` is false, and never
    /// with a stream body); a 401 answer calls [`TokenProvider::invalidate`].
    pub async fn send(&self, request: &Request, retry: bool) -> Result<Response, Error> {
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let span = self.request_span(request);
            self.send_with_retries(request, retry)
                .instrument(span)
                .await
        }
        #[cfg(not(feature = "tracing"))]
        self.send_with_retries(request, retry).await
    }

    /// The span of one request: method, service, path; never the query (values may be
    /// secret), headers or body.
    #[cfg(feature = "tracing")]
    fn request_span(&self, request: &Request) -> tracing::Span {
        tracing::debug_span!(
            "supabase.request",
            method = %request.method,
            service = self.base.path(),
            path = request.url.path(),
        )
    }

    async fn send_with_retries(&self, request: &Request, retry: bool) -> Result<Response, Error> {
        let response = self
            .with_retries(request, retry, |attempt| self.attempt(request, attempt))
            .await?;
        if response.status == StatusCode::UNAUTHORIZED {
            self.tokens.invalidate().await;
        }
        Ok(response)
    }

    /// One attempt of a buffered request (the first sends `request` as it is, the others a
    /// numbered copy).
    async fn attempt(&self, request: &Request, attempt: u32) -> Result<Response, Error> {
        let sent = async {
            if attempt == 0 {
                self.transport.send_ref(request, self.tokens.as_ref()).await
            } else {
                self.transport
                    .send(numbered(request, attempt), self.tokens.as_ref())
                    .await
            }
        };
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument;
            let started = web_time::Instant::now();
            let result = sent
                .instrument(tracing::debug_span!("supabase.attempt", attempt))
                .await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &result {
                Ok(response) => tracing::debug!(
                    attempt,
                    status = response.status.as_u16(),
                    elapsed_ms,
                    "answered"
                ),
                Err(error) => tracing::debug!(attempt, elapsed_ms, %error, "failed"),
            }
            result
        }
        #[cfg(not(feature = "tracing"))]
        sent.await
    }

    /// The retry rules, written once for buffered and streamed answers: `attempt_once(n)`
    /// sends attempt `n`; a GET/HEAD (without a stream body, `retry` true) whose answer has a
    /// retryable status or that failed before any answer is sent again after the policy's
    /// wait, up to its number of retries. The last result is returned as it is.
    async fn with_retries<A, F, Fut>(
        &self,
        request: &Request,
        retry: bool,
        mut attempt_once: F,
    ) -> Result<A, Error>
    where
        A: Answer,
        F: FnMut(u32) -> Fut,
        Fut: std::future::Future<Output = Result<A, Error>>,
    {
        let max_retries = if retry && self.retries(request) {
            self.retry.max_retries()
        } else {
            0
        };
        let mut attempt: u32 = 0;
        loop {
            let result = attempt_once(attempt).await;
            let again = attempt < max_retries
                && match &result {
                    Ok(answer) => is_retryable_status(answer.status()),
                    Err(e) => is_failure_before_answer(e),
                };
            if !again {
                return result;
            }
            let wait = self
                .retry
                .wait(attempt, result.as_ref().ok().map(Answer::headers));
            #[cfg(feature = "tracing")]
            tracing::info!(
                attempt = attempt + 1,
                wait_ms = wait.as_millis() as u64,
                status = result.as_ref().ok().map(|a| a.status().as_u16()),
                "retrying"
            );
            // An unread streamed body is dropped before the wait.
            drop(result);
            crate::runtime::sleep(wait).await;
            attempt += 1;
        }
    }

    /// Sends `request` and hands the answer's body over as a stream bounded by `limit`
    /// (`None`: unbounded). Never retried (a streamed answer cannot be taken back); a 401
    /// answer calls [`TokenProvider::invalidate`].
    pub async fn send_streaming(
        &self,
        request: &Request,
        limit: Option<u64>,
    ) -> Result<StreamingResponse, Error> {
        let sent = self
            .transport
            .send_streaming(request, self.tokens.as_ref(), limit);
        #[cfg(feature = "tracing")]
        let sent = {
            use tracing::Instrument;
            sent.instrument(self.request_span(request))
        };
        let response = sent.await?;
        if response.status == StatusCode::UNAUTHORIZED {
            self.tokens.invalidate().await;
        }
        Ok(response)
    }

    /// [`Service::send_streaming`] retried as [`Service::send`] is, while nothing of the body
    /// has been handed over: a GET/HEAD whose answer has a retryable status (429, 5xx but
    /// 501; the unread body is dropped) or that failed before any answer is sent again after
    /// the policy's wait (not when `retry` is false). Once a 2xx answer (or the last attempt's
    /// answer) is returned, its body is the caller's and nothing is retried.
    pub async fn send_streaming_with_retries(
        &self,
        request: &Request,
        retry: bool,
        limit: Option<u64>,
    ) -> Result<StreamingResponse, Error> {
        self.with_retries(request, retry, |attempt| async move {
            if attempt == 0 {
                self.send_streaming(request, limit).await
            } else {
                self.send_streaming(&numbered(request, attempt), limit)
                    .await
            }
        })
        .await
    }

    fn retries(&self, request: &Request) -> bool {
        self.retry.retries_method(&request.method)
            && !request.body.as_ref().is_some_and(|b| b.is_stream())
    }
}

/// A copy of `request` carrying `X-Retry-Count: <attempt>`.
fn numbered(request: &Request, attempt: u32) -> Request {
    let mut again = request.clone();
    again
        .headers
        .insert(X_RETRY_COUNT, HeaderValue::from(attempt));
    again
}

/// What the retry rules read of an answer, buffered or streamed.
trait Answer {
    fn status(&self) -> StatusCode;
    fn headers(&self) -> &HeaderMap;
}

impl Answer for Response {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl Answer for StreamingResponse {
    fn status(&self) -> StatusCode {
        self.status
    }

    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("base", &self.base.as_str())
            .field("tokens", &self.tokens)
            .field("retry", &self.retry)
            .finish()
    }
}
