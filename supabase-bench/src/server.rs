//! An HTTP/1.1 server on `127.0.0.1` that answers like PostgREST with fixed bodies.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::BenchError;
use crate::fixtures::{
    LARGE_ROWS, LARGE_TABLE, SELECT_ROWS, session_body, sign_in_body, todos_body,
};

static CONTENT_RANGE: HeaderName = HeaderName::from_static("content-range");

/// A request the server received while recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The method, e.g. `GET`.
    pub method: String,
    /// Path and query string exactly as received.
    pub path_and_query: String,
    /// Every header as (lower-case name, value), sorted.
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    /// The value of header `name` (lower case), if it was sent once or more (first value).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server has seen since it started.
#[derive(Debug, Default)]
pub struct ServerStats {
    connections: AtomicU64,
    requests: AtomicU64,
    refreshes: AtomicU64,
    recording: AtomicBool,
    recorded: Mutex<Vec<Recorded>>,
}

impl ServerStats {
    /// TCP connections accepted.
    pub fn connections(&self) -> u64 {
        self.connections.load(Ordering::SeqCst)
    }

    /// Requests answered.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// Refresh requests (`POST /auth/v1/token`) answered.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::SeqCst)
    }
}

/// The HTTP version a [`Server`] speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// HTTP/1.1, what the timed cases use (as Supabase clients mostly do).
    Http1,
    /// HTTP/2 with prior knowledge: every request of one client shares one connection, which
    /// makes "no new connection pool" visible as exactly one connection.
    Http2,
}

/// The in-process server. It runs on its own OS thread with a single-threaded Tokio runtime,
/// so it never competes with the client for the client's runtime, and stops when dropped.
///
/// Routes: `GET /rest/v1/<table>` answers `200` with [`SELECT_ROWS`] todos and a
/// `Content-Range` header ([`LARGE_ROWS`] todos for [`LARGE_TABLE`]); `POST /auth/v1/token`
/// answers a session (and counts a refresh; `?grant_type=password`
/// answers a session holding `user_jwt(0)` and is not counted);
/// anything else answers a PostgREST-style `404`.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stats: Arc<ServerStats>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Answers {
    stats: Arc<ServerStats>,
    rows: Bytes,
    large: Bytes,
    session: Bytes,
    sign_in: Bytes,
    not_found: Bytes,
}

impl Server {
    /// Binds `127.0.0.1:0` and starts serving HTTP/1.1.
    pub fn start() -> Result<Self, BenchError> {
        Self::start_with(Protocol::Http1)
    }

    /// Binds `127.0.0.1:0` and starts serving `protocol`.
    pub fn start_with(protocol: Protocol) -> Result<Self, BenchError> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(ServerStats::default());
        let answers = Arc::new(Answers {
            stats: Arc::clone(&stats),
            rows: Bytes::from(todos_body(SELECT_ROWS)?),
            large: Bytes::from(todos_body(LARGE_ROWS)?),
            session: Bytes::from(session_body()),
            sign_in: Bytes::from(sign_in_body()),
            not_found: Bytes::from_static(
                br#"{"code":"PGRST205","details":null,"hint":null,"message":"Not found"}"#,
            ),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || runtime.block_on(serve(listener, protocol, answers, stopped)))?;
        Ok(Self {
            addr,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The project URL to give a client, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The counters.
    pub fn stats(&self) -> &ServerStats {
        &self.stats
    }

    /// Starts recording every request (slower; only for checks, never while measuring).
    pub fn start_recording(&self) {
        if let Ok(mut recorded) = self.stats.recorded.lock() {
            recorded.clear();
        }
        self.stats.recording.store(true, Ordering::SeqCst);
    }

    /// Stops recording and returns what was recorded.
    pub fn take_recorded(&self) -> Vec<Recorded> {
        self.stats.recording.store(false, Ordering::SeqCst);
        match self.stats.recorded.lock() {
            Ok(mut recorded) => std::mem::take(&mut *recorded),
            Err(_) => Vec::new(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: std::net::TcpListener,
    protocol: Protocol,
    answers: Arc<Answers>,
    mut stopped: oneshot::Receiver<()>,
) {
    let Ok(listener) = TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors or similar: let other tasks run, then try again.
            tokio::task::yield_now().await;
            continue;
        };
        answers.stats.connections.fetch_add(1, Ordering::SeqCst);
        let _ = stream.set_nodelay(true);
        let answers = Arc::clone(&answers);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let answers = Arc::clone(&answers);
                async move { Ok::<_, Infallible>(answers.answer(request).await) }
            });
            let io = TokioIo::new(stream);
            let _ = match protocol {
                Protocol::Http1 => http1::Builder::new().serve_connection(io, service).await,
                Protocol::Http2 => {
                    http2::Builder::new(TokioExecutor::new())
                        .serve_connection(io, service)
                        .await
                }
            };
        });
    }
}

impl Answers {
    async fn answer(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        self.stats.requests.fetch_add(1, Ordering::Relaxed);
        if self.stats.recording.load(Ordering::Relaxed) {
            self.record(&request);
        }
        let is_token = request.method() == Method::POST && request.uri().path() == "/auth/v1/token";
        let is_sign_in = is_token && request.uri().query() == Some("grant_type=password");
        let is_refresh = is_token && !is_sign_in;
        let is_select =
            request.method() == Method::GET && request.uri().path().starts_with("/rest/v1/");
        let is_large =
            is_select && request.uri().path().strip_prefix("/rest/v1/") == Some(LARGE_TABLE);
        // Read the whole request body so the connection stays reusable.
        let _ = request.into_body().collect().await;
        if is_large {
            let mut response = json(StatusCode::OK, self.large.clone());
            response
                .headers_mut()
                .insert(CONTENT_RANGE.clone(), HeaderValue::from_static("0-999/*"));
            response
        } else if is_select {
            let mut response = json(StatusCode::OK, self.rows.clone());
            response
                .headers_mut()
                .insert(CONTENT_RANGE.clone(), HeaderValue::from_static("0-9/*"));
            response
        } else if is_sign_in {
            json(StatusCode::OK, self.sign_in.clone())
        } else if is_refresh {
            self.stats.refreshes.fetch_add(1, Ordering::SeqCst);
            json(StatusCode::OK, self.session.clone())
        } else {
            json(StatusCode::NOT_FOUND, self.not_found.clone())
        }
    }

    fn record(&self, request: &Request<Incoming>) {
        let mut headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        headers.sort();
        let recorded = Recorded {
            method: request.method().as_str().to_owned(),
            path_and_query: request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            headers,
        };
        if let Ok(mut all) = self.stats.recorded.lock() {
            all.push(recorded);
        }
    }
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
