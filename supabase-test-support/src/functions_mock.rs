//! A mock of a project's Edge Functions (`/functions/v1/<name>`), for tests, examples and
//! users' tests.
//!
//! It runs on its own thread with its own Tokio runtime, so it works under any test runtime
//! (paused clock included) and is safe to drop anywhere: dropping it sends the shutdown signal
//! and never blocks. Every request is recorded ([`FunctionsMock::requests`]).
//!
//! Functions (any method):
//!
//! | name | answer |
//! | --- | --- |
//! | `status/<n>` | status `n`, `{"error":"status <n>"}` |
//! | `relay-error` | 200 with `x-relay-error: true`, `{"message":"relay error"}` |
//! | `sse?n=3&cut=k&delay_ms=0` | `text/event-stream`: `n` events `id: i`, `event: tick`, `data: {"n":i}`; with `cut=k` the connection breaks off in the middle of event `k` |
//! | `slow?ms=60000` | waits `ms` (real time), then `{"slow":true}` |
//! | `bytes?n=1024&chunked=1` | `n` bytes of `application/octet-stream` (`chunked=1`: no `Content-Length`, 8 KiB chunks) |
//! | `content-type?ct=…&body=…` | `body` with content type `ct` |
//! | anything else (`echo`, `hello`, …) | 200 JSON echo: `method`, `path`, `query`, `headers` (credentials removed), `body` (text, or `body_base64`), and `user` (`sub`, `role` read from the bearer JWT, unverified; `null` for a non-JWT bearer) |

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The raw path.
    pub path: String,
    /// The raw query, `None` without `?`.
    pub query: Option<String>,
    /// Every header (names lowercased), credentials included: for assertions.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The running mock; see the module docs for what it answers.
#[derive(Debug)]
pub struct FunctionsMock {
    url: String,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FunctionsMock {
    /// Starts the mock on `127.0.0.1:<free port>` (callable from sync or async code).
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = Arc::clone(&requests);
        std::thread::Builder::new()
            .name("functions-mock".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("mock runtime");
                rt.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let app = Router::new().fallback(handle).with_state(state);
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = rx => {}
                    }
                });
                // Dropping the runtime here cancels the connections still open.
            })
            .expect("spawn the mock thread");
        Self {
            url: format!("http://{addr}"),
            requests,
            shutdown: Some(tx),
        }
    }

    /// The project URL (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The Functions endpoint (`http://127.0.0.1:<port>/functions/v1`).
    pub fn functions_url(&self) -> String {
        format!("{}/functions/v1", self.url)
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for FunctionsMock {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

type Shared = Arc<Mutex<Vec<RecordedRequest>>>;

async fn handle(State(requests): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    if let Ok(mut all) = requests.lock() {
        all.push(recorded.clone());
    }
    let query: Vec<(String, String)> = recorded
        .query
        .as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let num = |name: &str, default: u64| {
        param(name)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(default)
    };
    let Some(name) = recorded.path.strip_prefix("/functions/v1/") else {
        return json_response(StatusCode::NOT_FOUND, &json!({"error": "not a function"}));
    };
    if let Some(code) = name.strip_prefix("status/") {
        let status = code
            .parse::<u16>()
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::BAD_REQUEST);
        return json_response(status, &json!({"error": format!("status {code}")}));
    }
    match name {
        "relay-error" => {
            let mut r = json_response(StatusCode::OK, &json!({"message": "relay error"}));
            r.headers_mut()
                .insert("x-relay-error", HeaderValue::from_static("true"));
            r
        }
        "sse" => sse(
            num("n", 3),
            param("cut").and_then(|c| c.parse().ok()),
            num("delay_ms", 0),
        ),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(num("ms", 60_000))).await;
            json_response(StatusCode::OK, &json!({"slow": true}))
        }
        "bytes" => bytes(
            num("n", 1024) as usize,
            param("chunked").as_deref() == Some("1"),
        ),
        "content-type" => {
            let ct = param("ct").unwrap_or_default();
            let mut r = Response::new(Body::from(param("body").unwrap_or_default()));
            if let Ok(v) = HeaderValue::from_str(&ct) {
                r.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            r
        }
        _ => json_response(StatusCode::OK, &echo(&recorded)),
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut r = Response::new(Body::from(value.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

const SECRET: &[&str] = &["authorization", "apikey", "cookie", "proxy-authorization"];

fn echo(r: &RecordedRequest) -> Value {
    let headers: serde_json::Map<String, Value> = r
        .headers
        .iter()
        .filter(|(k, _)| !SECRET.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let user = r
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|jwt| jwt.split('.').nth(1))
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|p| serde_json::from_slice::<Value>(&p).ok())
        .map(|claims| json!({"sub": claims.get("sub"), "role": claims.get("role")}));
    let mut out = json!({
        "method": r.method,
        "path": r.path,
        "query": r.query,
        "headers": headers,
        "user": user,
    });
    match String::from_utf8(r.body.clone()) {
        Ok(text) if text.is_empty() => out["body"] = Value::Null,
        Ok(text) => out["body"] = Value::String(text),
        Err(_) => {
            out["body"] = Value::Null;
            out["body_base64"] =
                Value::String(base64::engine::general_purpose::STANDARD.encode(&r.body));
        }
    }
    out
}

fn sse(n: u64, cut: Option<u64>, delay_ms: u64) -> Response {
    let stream = futures_util::stream::unfold(0u64, move |i| async move {
        if i >= n || cut.is_some_and(|c| i > c) {
            return None;
        }
        if delay_ms > 0 && i > 0 {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        if cut == Some(i) {
            // Let the server flush what came before (the head, the whole events), so that
            // the break happens in the body; then half an event, then the connection breaks.
            tokio::time::sleep(Duration::from_millis(50)).await;
            return Some((
                Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("cut")),
                i + 1,
            ));
        }
        let event = format!("id: {i}\nevent: tick\ndata: {{\"n\":{i}}}\n\n");
        Some((Ok(bytes::Bytes::from(event)), i + 1))
    });
    // With a cut, send the first half of the event before the break.
    let stream = futures_util::StreamExt::flat_map(stream, move |item| {
        let items: Vec<Result<bytes::Bytes, std::io::Error>> = match item {
            Err(e) => vec![
                Ok(bytes::Bytes::from_static(b"id: cut\ndata: {\"n\":")),
                Err(e),
            ],
            ok => vec![ok],
        };
        futures_util::stream::iter(items)
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn bytes(n: usize, chunked: bool) -> Response {
    let mut r = if chunked {
        let chunks = (0..n).step_by(8192).map(move |start| {
            let len = 8192.min(n - start);
            Ok::<_, Infallible>(bytes::Bytes::from(vec![b'x'; len]))
        });
        Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
    } else {
        Response::new(Body::from(vec![b'x'; n]))
    };
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    r
}
