//! An in-memory Supabase Storage server that answers as the real one does (conformance
//! README, "What the Storage server itself answers"): errors as HTTP 400 with the real status
//! as a string and a `code`, Storage's key rule, the shapes of list, list-v2, remove, copy and
//! signed URLs, and resumable (TUS) uploads.
//!
//! It listens on `127.0.0.1:0`; [`StorageMock::url`] is the project URL and
//! [`StorageMock::storage_url`] the Storage endpoint. Dropping it shuts the server down
//! through a oneshot channel: no blocking, safe on any thread.
//!
//! ```no_run
//! # async fn run() {
//! use supabase_test_support::storage_mock::StorageMock;
//! let mock = StorageMock::start().await;
//! mock.create_bucket("avatars", false);
//! let url = mock.storage_url(); // http://127.0.0.1:PORT/storage/v1
//! # let _ = url; }
//! ```
//!
//! Not modelled: row-level security (every valid bearer may do everything), image
//! transformation (`/render/image/…` answers the original bytes), `Range`, versioning.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio::sync::oneshot;

const TIMESTAMP: &str = "2024-01-01T00:00:00.000Z";

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct MockRequest {
    /// The method.
    pub method: String,
    /// The raw path.
    pub path: String,
    /// The raw query.
    pub query: Option<String>,
    /// The bearer token (after `Bearer `), if any.
    pub bearer: Option<String>,
    /// The `apikey` header, if any.
    pub apikey: Option<String>,
}

/// A stored object.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The bytes.
    pub data: Vec<u8>,
    /// The content type, verbatim.
    pub content_type: String,
    /// The `Cache-Control` to answer with.
    pub cache_control: String,
    /// The user metadata.
    pub metadata: Value,
    /// The object id.
    pub id: String,
    /// The owner (the `sub` of the uploader's JWT, or empty).
    pub owner: String,
}

#[derive(Debug, Clone)]
struct BucketRec {
    public: bool,
    file_size_limit: Option<u64>,
    allowed_mime_types: Option<Vec<String>>,
}

#[derive(Debug)]
struct TusUpload {
    bucket: String,
    key: String,
    length: u64,
    data: Vec<u8>,
    content_type: String,
    cache_control: String,
    metadata: Value,
    upsert: bool,
    owner: String,
    raw_metadata: String,
}

struct Injected {
    method: Option<String>,
    path_prefix: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

#[derive(Default)]
struct Inner {
    buckets: BTreeMap<String, BucketRec>,
    objects: BTreeMap<(String, String), StoredObject>,
    tus: HashMap<String, TusUpload>,
    signed: HashMap<String, (String, String)>,
    upload_tokens: HashMap<String, (String, String, bool)>,
    requests: Vec<MockRequest>,
    injected: Vec<Injected>,
    next_id: u64,
    max_object_size: Option<u64>,
    /// Cut the next PATCH after this many bytes (answering 500).
    cut_next_patch_after: Option<usize>,
    vector_buckets: BTreeMap<String, u64>,
}

impl Inner {
    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.next_id)
    }
}

/// The in-memory Storage server. See the module docs.
pub struct StorageMock {
    url: String,
    state: Arc<Mutex<Inner>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for StorageMock {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl StorageMock {
    /// Starts the server on a free loopback port.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(Inner::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let url = format!("http://{addr}");
        let app = axum::Router::new().fallback(handle).with_state(Shared {
            inner: Arc::clone(&state),
            base: url.clone(),
        });
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Self {
            url,
            state,
            shutdown: Some(tx),
        }
    }

    /// The project URL (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The Storage endpoint (`http://127.0.0.1:PORT/storage/v1`).
    pub fn storage_url(&self) -> String {
        format!("{}/storage/v1", self.url)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates a bucket directly.
    pub fn create_bucket(&self, id: &str, public: bool) {
        self.lock().buckets.insert(
            id.to_owned(),
            BucketRec {
                public,
                file_size_limit: None,
                allowed_mime_types: None,
            },
        );
    }

    /// Stores an object directly.
    pub fn put_object(&self, bucket: &str, key: &str, data: &[u8], content_type: &str) {
        let mut inner = self.lock();
        let id = inner.id();
        inner.objects.insert(
            (bucket.to_owned(), key.to_owned()),
            StoredObject {
                data: data.to_vec(),
                content_type: content_type.to_owned(),
                cache_control: "max-age=3600".into(),
                metadata: json!({}),
                id,
                owner: String::new(),
            },
        );
    }

    /// A stored object.
    pub fn object(&self, bucket: &str, key: &str) -> Option<StoredObject> {
        self.lock()
            .objects
            .get(&(bucket.to_owned(), key.to_owned()))
            .cloned()
    }

    /// The keys stored in a bucket.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        self.lock()
            .objects
            .keys()
            .filter(|(b, _)| b == bucket)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<MockRequest> {
        self.lock().requests.clone()
    }

    /// Objects larger than this are refused (`EntityTooLarge`, "413").
    pub fn set_max_object_size(&self, limit: u64) {
        self.lock().max_object_size = Some(limit);
    }

    /// The next request whose method matches (`None`: any) and whose path starts with
    /// `path_prefix` gets this raw answer instead (an HTML page, a proxy's 413, a body shorter
    /// than its `Content-Length` header, …).
    pub fn inject_once(
        &self,
        method: Option<&str>,
        path_prefix: &str,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) {
        self.lock().injected.push(Injected {
            method: method.map(str::to_owned),
            path_prefix: path_prefix.to_owned(),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_vec(),
        });
    }

    /// The next TUS `PATCH` keeps only its first `bytes` bytes and answers 500, as when a
    /// connection drops midway.
    pub fn cut_next_patch_after(&self, bytes: usize) {
        self.lock().cut_next_patch_after = Some(bytes);
    }

    /// Resumable uploads begun and not finished.
    pub fn pending_resumable_uploads(&self) -> usize {
        self.lock().tus.len()
    }
}

#[derive(Clone)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    base: String,
}

fn storage_error(status: &str, error: &str, code: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/json")],
        json!({"statusCode": status, "error": error, "message": message, "code": code}).to_string(),
    )
        .into_response()
}

fn no_bucket() -> Response {
    storage_error(
        "404",
        "Bucket not found",
        "NoSuchBucket",
        "Bucket not found",
    )
}

fn no_key() -> Response {
    storage_error("404", "not_found", "NoSuchKey", "Object not found")
}

fn json_ok(v: Value) -> Response {
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        v.to_string(),
    )
        .into_response()
}

/// Storage's key rule.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_/!.*'() &$=@;:+,?-".contains(c))
        && !key.split('/').any(|s| s == "." || s == "..")
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// `bucket/key…` from the raw rest of a path.
fn bucket_and_key(rest: &str) -> (String, String) {
    let mut parts = rest.splitn(2, '/');
    let bucket = decode(parts.next().unwrap_or_default());
    let key = parts
        .next()
        .unwrap_or_default()
        .split('/')
        .map(decode)
        .collect::<Vec<_>>()
        .join("/");
    (bucket, key)
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn jwt_sub(bearer: Option<&str>) -> String {
    let Some(token) = bearer else {
        return String::new();
    };
    let Some(payload) = token.split('.').nth(1) else {
        return String::new();
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.get("sub").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default()
}

async fn handle(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let path = uri.path().to_owned();
    let bearer = header(&headers, "authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let apikey = header(&headers, "apikey").map(str::to_owned);
    {
        let mut inner = shared.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.requests.push(MockRequest {
            method: method.as_str().to_owned(),
            path: path.clone(),
            query: uri.query().map(str::to_owned),
            bearer: bearer.clone(),
            apikey: apikey.clone(),
        });
        let hit = inner.injected.iter().position(|i| {
            i.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
                && path.starts_with(&i.path_prefix)
        });
        if let Some(i) = hit {
            let inj = inner.injected.remove(i);
            let mut builder = Response::builder().status(inj.status);
            for (k, v) in &inj.headers {
                builder = builder.header(k.as_str(), v.as_str());
            }
            // Streamed, so that a `Content-Length` larger than the body goes out as given
            // (the connection then ends early, as a cut download does).
            // The body pauses once after its bytes so that the head and the bytes are flushed
            // before it ends.
            let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(
                axum::body::Bytes::from(inj.body),
            )])
            .chain(futures_util::stream::once(async {
                tokio::task::yield_now().await;
                Ok(axum::body::Bytes::new())
            }));
            return builder
                .body(Body::from_stream(chunks))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    }
    // Signed and public URLs are open (no key through the API gateway).
    let open = method == Method::GET
        && [
            "object/sign/",
            "object/public/",
            "render/image/public/",
            "render/image/sign/",
        ]
        .iter()
        .any(|p| path.starts_with(&format!("/storage/v1/{p}")));
    if apikey.is_none() && !open {
        return (
            StatusCode::UNAUTHORIZED,
            [("content-type", "application/json")],
            r#"{"message":"No API key found in request"}"#,
        )
            .into_response();
    }
    let Some(rest) = path.strip_prefix("/storage/v1/") else {
        return not_found_route(&method, &path);
    };
    let owner = jwt_sub(bearer.as_deref());
    let ctx = Ctx {
        shared: &shared,
        method: &method,
        uri: &uri,
        headers: &headers,
        owner,
    };
    ctx.route(rest.to_owned(), body).await
}

fn not_found_route(method: &Method, path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [("content-type", "application/json")],
        json!({"message": format!("Route {method}:{path} not found"), "error": "Not Found", "statusCode": 404})
            .to_string(),
    )
        .into_response()
}

struct Ctx<'a> {
    shared: &'a Shared,
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    owner: String,
}

impl Ctx<'_> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn json_body(body: Body) -> Value {
        let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
            .await
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }

    async fn route(&self, rest: String, body: Body) -> Response {
        let m = self.method.as_str();
        let r = rest.as_str();
        match (m, r) {
            ("GET", "bucket") => self.list_buckets(),
            ("POST", "bucket") => self.create_bucket(Self::json_body(body).await),
            (_, r) if r.starts_with("bucket/") => {
                let tail = &r["bucket/".len()..];
                if let Some(id) = tail.strip_suffix("/empty")
                    && m == "POST"
                {
                    return self.empty_bucket(&decode(id));
                }
                let id = decode(tail);
                match m {
                    "GET" => self.get_bucket(&id),
                    "PUT" => self.update_bucket(&id, Self::json_body(body).await),
                    "DELETE" => self.delete_bucket(&id),
                    _ => not_found_route(self.method, r),
                }
            }
            ("POST", "object/move") => self.move_or_copy(Self::json_body(body).await, false),
            ("POST", "object/copy") => self.move_or_copy(Self::json_body(body).await, true),
            ("POST", r) if r.starts_with("object/list/") => self.list(
                &decode(&r["object/list/".len()..]),
                Self::json_body(body).await,
            ),
            ("POST", r) if r.starts_with("object/list-v2/") => self.list_v2(
                &decode(&r["object/list-v2/".len()..]),
                Self::json_body(body).await,
            ),
            ("GET", r) if r.starts_with("object/info/") => {
                let (b, k) = bucket_and_key(&r["object/info/".len()..]);
                self.info(&b, &k)
            }
            ("POST", r) if r.starts_with("object/upload/sign/") => {
                let (b, k) = bucket_and_key(&r["object/upload/sign/".len()..]);
                self.sign_upload(&b, &k)
            }
            ("PUT", r) if r.starts_with("object/upload/sign/") => {
                let (b, k) = bucket_and_key(&r["object/upload/sign/".len()..]);
                let token = query_pairs(self.uri)
                    .into_iter()
                    .find(|(k, _)| k == "token")
                    .map(|(_, v)| v)
                    .unwrap_or_default();
                let grant = self.lock().upload_tokens.get(&token).cloned();
                match grant {
                    Some((gb, gk, upsert)) if gb == b && gk == k => {
                        self.upload(&b, &k, body, upsert).await
                    }
                    _ => storage_error(
                        "403",
                        "Unauthorized",
                        "InvalidSignature",
                        "invalid signature",
                    ),
                }
            }
            ("POST", r) if r.starts_with("object/sign/") => {
                let tail = &r["object/sign/".len()..];
                if tail.contains('/') {
                    let (b, k) = bucket_and_key(tail);
                    self.sign(&b, &k)
                } else {
                    self.sign_many(&decode(tail), Self::json_body(body).await)
                }
            }
            ("GET", r) if r.starts_with("object/sign/") => {
                let (b, k) = bucket_and_key(&r["object/sign/".len()..]);
                let token = query_pairs(self.uri)
                    .into_iter()
                    .find(|(k, _)| k == "token")
                    .map(|(_, v)| v)
                    .unwrap_or_default();
                let grant = self.lock().signed.get(&token).cloned();
                match grant {
                    Some((gb, gk)) if gb == b && gk == k => self.download(&b, &k),
                    _ => storage_error(
                        "400",
                        "InvalidSignature",
                        "InvalidSignature",
                        "invalid signature",
                    ),
                }
            }
            ("GET", r)
                if r.starts_with("object/public/") || r.starts_with("render/image/public/") =>
            {
                let tail = r
                    .strip_prefix("object/public/")
                    .or_else(|| r.strip_prefix("render/image/public/"))
                    .unwrap_or_default();
                let (b, k) = bucket_and_key(tail);
                let public = self.lock().buckets.get(&b).is_some_and(|x| x.public);
                if !public {
                    return no_bucket();
                }
                self.download(&b, &k)
            }
            ("GET", r)
                if r.starts_with("object/authenticated/")
                    || r.starts_with("render/image/authenticated/") =>
            {
                let tail = r
                    .strip_prefix("object/authenticated/")
                    .or_else(|| r.strip_prefix("render/image/authenticated/"))
                    .unwrap_or_default();
                let (b, k) = bucket_and_key(tail);
                self.download(&b, &k)
            }
            ("GET", r) if r.starts_with("object/") => {
                let (b, k) = bucket_and_key(&r["object/".len()..]);
                self.download(&b, &k)
            }
            ("POST" | "PUT", r) if r.starts_with("object/") => {
                let (b, k) = bucket_and_key(&r["object/".len()..]);
                let upsert = m == "PUT" || header(self.headers, "x-upsert") == Some("true");
                self.upload(&b, &k, body, upsert).await
            }
            ("DELETE", r) if r.starts_with("object/") && !r["object/".len()..].contains('/') => {
                self.remove(&decode(&r["object/".len()..]), Self::json_body(body).await)
            }
            ("DELETE", r) if r.starts_with("cdn/") => json_ok(json!({"message": "success"})),
            ("POST", "upload/resumable") => self.tus_create(),
            (_, r) if r.starts_with("upload/resumable/") => {
                let id = decode(&r["upload/resumable/".len()..]);
                match m {
                    "HEAD" => self.tus_head(&id),
                    "PATCH" => self.tus_patch(&id, body).await,
                    "DELETE" => {
                        self.lock().tus.remove(&id);
                        (StatusCode::NO_CONTENT, [("tus-resumable", "1.0.0")]).into_response()
                    }
                    _ => not_found_route(self.method, r),
                }
            }
            ("POST", r) if r.starts_with("vector/") => {
                self.vector(&r["vector/".len()..], Self::json_body(body).await)
            }
            _ => not_found_route(self.method, r),
        }
    }

    fn bucket_json(id: &str, b: &BucketRec, with_type: bool) -> Value {
        let mut v = json!({
            "id": id, "name": id, "owner": "", "public": b.public,
            "file_size_limit": b.file_size_limit, "allowed_mime_types": b.allowed_mime_types,
            "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
        });
        if with_type {
            v["type"] = json!("STANDARD");
        }
        v
    }

    fn list_buckets(&self) -> Response {
        let q = query_pairs(self.uri);
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let inner = self.lock();
        let mut list: Vec<Value> = inner
            .buckets
            .iter()
            .filter(|(id, _)| get("search").is_none_or(|s| id.contains(&s)))
            .map(|(id, b)| Self::bucket_json(id, b, true))
            .collect();
        if get("sortOrder").as_deref() == Some("desc") {
            list.reverse();
        }
        let offset = get("offset").and_then(|v| v.parse().ok()).unwrap_or(0usize);
        let limit = get("limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX);
        json_ok(Value::Array(
            list.into_iter().skip(offset).take(limit).collect(),
        ))
    }

    fn get_bucket(&self, id: &str) -> Response {
        match self.lock().buckets.get(id) {
            Some(b) => json_ok(Self::bucket_json(id, b, false)),
            None => no_bucket(),
        }
    }

    fn parse_limit(v: &Value) -> Option<u64> {
        match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => {
                let s = s.trim().to_ascii_uppercase();
                let (num, mul) = if let Some(n) = s.strip_suffix("GB") {
                    (n, 1_000_000_000)
                } else if let Some(n) = s.strip_suffix("MB") {
                    (n, 1_000_000)
                } else if let Some(n) = s.strip_suffix("KB") {
                    (n, 1_000)
                } else if let Some(n) = s.strip_suffix('B') {
                    (n, 1)
                } else {
                    (s.as_str(), 1)
                };
                num.trim().parse::<u64>().ok().map(|n| n * mul)
            }
            _ => None,
        }
    }

    fn bucket_rec(body: &Value) -> BucketRec {
        BucketRec {
            public: body["public"].as_bool().unwrap_or(false),
            file_size_limit: Self::parse_limit(&body["file_size_limit"]),
            allowed_mime_types: body["allowed_mime_types"].as_array().map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            }),
        }
    }

    fn create_bucket(&self, body: Value) -> Response {
        let Some(id) = body["id"]
            .as_str()
            .or(body["name"].as_str())
            .map(str::to_owned)
        else {
            return storage_error(
                "400",
                "Bad Request",
                "InvalidRequest",
                "body must have required property 'name'",
            );
        };
        if id.is_empty() || id.contains('/') || !valid_key(&id) {
            return storage_error(
                "400",
                "Invalid Input",
                "InvalidBucketName",
                "Bucket name invalid",
            );
        }
        let mut inner = self.lock();
        if inner.buckets.contains_key(&id) {
            return storage_error(
                "409",
                "Duplicate",
                "BucketAlreadyExists",
                "The resource already exists",
            );
        }
        inner.buckets.insert(id.clone(), Self::bucket_rec(&body));
        json_ok(json!({"name": id}))
    }

    fn update_bucket(&self, id: &str, body: Value) -> Response {
        let mut inner = self.lock();
        match inner.buckets.get_mut(id) {
            Some(b) => {
                *b = Self::bucket_rec(&body);
                json_ok(json!({"message": "Successfully updated"}))
            }
            None => no_bucket(),
        }
    }

    fn empty_bucket(&self, id: &str) -> Response {
        let mut inner = self.lock();
        if !inner.buckets.contains_key(id) {
            return no_bucket();
        }
        inner.objects.retain(|(b, _), _| b != id);
        json_ok(
            json!({"message": "Empty bucket has been queued. Completion may take up to an hour."}),
        )
    }

    fn delete_bucket(&self, id: &str) -> Response {
        let mut inner = self.lock();
        if !inner.buckets.contains_key(id) {
            return no_bucket();
        }
        if inner.objects.keys().any(|(b, _)| b == id) {
            return storage_error(
                "409",
                "Bucket not empty",
                "ResourceNotEmpty",
                "The bucket you tried to delete is not empty",
            );
        }
        inner.buckets.remove(id);
        json_ok(json!({"message": "Successfully deleted"}))
    }

    fn check_target(
        &self,
        inner: &Inner,
        bucket: &str,
        key: &str,
        size: u64,
        content_type: &str,
    ) -> Option<Response> {
        let Some(b) = inner.buckets.get(bucket) else {
            return Some(no_bucket());
        };
        if !valid_key(key) {
            return Some(storage_error(
                "400",
                "Invalid Input",
                "InvalidKey",
                &format!("Invalid key: {key}"),
            ));
        }
        let limit = match (b.file_size_limit, inner.max_object_size) {
            (Some(a), Some(c)) => Some(a.min(c)),
            (a, c) => a.or(c),
        };
        if limit.is_some_and(|l| size > l) {
            return Some(storage_error(
                "413",
                "Payload too large",
                "EntityTooLarge",
                "The object exceeded the maximum allowed size",
            ));
        }
        if let Some(types) = &b.allowed_mime_types
            && !types.is_empty()
            && !types.iter().any(|t| {
                t == content_type
                    || t.strip_suffix("/*")
                        .is_some_and(|p| content_type.split('/').next() == Some(p))
            })
        {
            return Some(storage_error(
                "415",
                "invalid_mime_type",
                "InvalidMimeType",
                &format!("mime type {content_type} is not supported"),
            ));
        }
        None
    }

    async fn upload(&self, bucket: &str, key: &str, body: Body, upsert: bool) -> Response {
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            // The body did not arrive whole: nothing is stored.
            return storage_error(
                "400",
                "Bad Request",
                "InvalidRequest",
                "the request body was cut short",
            );
        };
        let ct = header(self.headers, "content-type")
            .unwrap_or("text/plain;charset=UTF-8")
            .to_owned();
        let (data, content_type, cache_control, metadata) = if ct.starts_with("multipart/form-data")
        {
            match parse_multipart(&ct, &bytes) {
                Some(form) => form,
                None => {
                    return storage_error(
                        "400",
                        "Bad Request",
                        "InvalidRequest",
                        "bad multipart body",
                    );
                }
            }
        } else {
            let cache = header(self.headers, "cache-control")
                .unwrap_or("max-age=3600")
                .to_owned();
            let metadata = header(self.headers, "x-metadata")
                .and_then(|m| base64::engine::general_purpose::STANDARD.decode(m).ok())
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(json!({}));
            (bytes.to_vec(), ct, cache, metadata)
        };
        let mut inner = self.lock();
        if let Some(refused) =
            self.check_target(&inner, bucket, key, data.len() as u64, &content_type)
        {
            return refused;
        }
        let k = (bucket.to_owned(), key.to_owned());
        if !upsert && inner.objects.contains_key(&k) {
            return storage_error(
                "409",
                "Duplicate",
                "KeyAlreadyExists",
                "The resource already exists",
            );
        }
        let id = inner.id();
        inner.objects.insert(
            k,
            StoredObject {
                data,
                content_type,
                cache_control,
                metadata,
                id: id.clone(),
                owner: self.owner.clone(),
            },
        );
        json_ok(json!({"Key": format!("{bucket}/{key}"), "Id": id}))
    }

    fn download(&self, bucket: &str, key: &str) -> Response {
        let inner = self.lock();
        if !inner.buckets.contains_key(bucket) {
            return no_bucket();
        }
        match inner.objects.get(&(bucket.to_owned(), key.to_owned())) {
            Some(o) => Response::builder()
                .status(200)
                .header("content-type", o.content_type.as_str())
                .header("cache-control", o.cache_control.as_str())
                .header("etag", format!("\"{}\"", o.id))
                .body(Body::from(o.data.clone()))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
            None => no_key(),
        }
    }

    fn info(&self, bucket: &str, key: &str) -> Response {
        let inner = self.lock();
        match inner.objects.get(&(bucket.to_owned(), key.to_owned())) {
            Some(o) => json_ok(json!({
                "id": o.id, "name": key, "bucket_id": bucket, "version": o.id,
                "size": o.data.len(), "content_type": o.content_type,
                "cache_control": o.cache_control, "etag": format!("\"{}\"", o.id),
                "last_modified": TIMESTAMP, "created_at": TIMESTAMP, "metadata": o.metadata,
            })),
            None => no_key(),
        }
    }

    fn object_row(bucket: &str, key: &str, name: &str, o: &StoredObject) -> Value {
        json!({
            "name": name, "id": o.id, "bucket_id": bucket, "owner": o.owner,
            "updated_at": TIMESTAMP, "created_at": TIMESTAMP, "last_accessed_at": TIMESTAMP,
            "metadata": {"size": o.data.len(), "mimetype": o.content_type, "cacheControl": o.cache_control,
                          "eTag": format!("\"{}\"", o.id), "lastModified": TIMESTAMP, "contentLength": o.data.len(), "httpStatusCode": 200},
            "key": key,
        })
    }

    fn list(&self, bucket: &str, body: Value) -> Response {
        let prefix = body["prefix"]
            .as_str()
            .unwrap_or_default()
            .trim_matches('/')
            .to_owned();
        let search = body["search"].as_str().unwrap_or_default().to_owned();
        let limit = body["limit"].as_u64().unwrap_or(100) as usize;
        let offset = body["offset"].as_u64().unwrap_or(0) as usize;
        let desc = body["sortBy"]["order"].as_str() == Some("desc");
        let inner = self.lock();
        let dir = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let mut entries: BTreeMap<String, Value> = BTreeMap::new();
        for ((b, key), o) in &inner.objects {
            if b != bucket {
                continue;
            }
            let Some(rest) = key.strip_prefix(&dir) else {
                continue;
            };
            match rest.split_once('/') {
                Some((folder, _)) => {
                    entries.entry(folder.to_owned()).or_insert_with(|| {
                        json!({
                            "name": folder, "id": null, "updated_at": null, "created_at": null,
                            "last_accessed_at": null, "metadata": null,
                        })
                    });
                }
                None => {
                    entries.insert(rest.to_owned(), {
                        let mut row = Self::object_row(bucket, key, rest, o);
                        if let Some(m) = row.as_object_mut() {
                            m.remove("key");
                            m.remove("bucket_id");
                            m.remove("owner");
                        }
                        row
                    });
                }
            }
        }
        let mut list: Vec<Value> = entries
            .into_iter()
            .filter(|(name, _)| name.starts_with(&search))
            .map(|(_, v)| v)
            .collect();
        if desc {
            list.reverse();
        }
        json_ok(Value::Array(
            list.into_iter().skip(offset).take(limit).collect(),
        ))
    }

    fn list_v2(&self, bucket: &str, body: Value) -> Response {
        let prefix = body["prefix"].as_str().unwrap_or_default().to_owned();
        let cursor = body["cursor"].as_str().unwrap_or_default().to_owned();
        let limit = body["limit"].as_u64().unwrap_or(1000).max(1) as usize;
        let delimiter = body["with_delimiter"].as_bool().unwrap_or(false);
        let inner = self.lock();
        let mut folders: Vec<Value> = Vec::new();
        let mut objects: Vec<Value> = Vec::new();
        let mut last = String::new();
        let mut has_next = false;
        let mut seen_folders: Vec<String> = Vec::new();
        for ((b, key), o) in &inner.objects {
            if b != bucket
                || !key.starts_with(&prefix)
                || (!cursor.is_empty() && key.as_str() <= cursor.as_str())
            {
                continue;
            }
            if folders.len() + objects.len() >= limit {
                has_next = true;
                break;
            }
            let rest = &key[prefix.len()..];
            if delimiter && let Some((folder, _)) = rest.split_once('/') {
                let full = format!("{prefix}{folder}/");
                if !seen_folders.contains(&full) {
                    seen_folders.push(full.clone());
                    folders.push(json!({"name": folder, "key": full}));
                }
                last = key.clone();
                continue;
            }
            objects.push(Self::object_row(bucket, key, key, o));
            last = key.clone();
        }
        let mut page = json!({"hasNext": has_next, "folders": folders, "objects": objects});
        if has_next {
            page["nextCursor"] = json!(last);
        }
        json_ok(page)
    }

    fn move_or_copy(&self, body: Value, copy: bool) -> Response {
        let src_bucket = body["bucketId"].as_str().unwrap_or_default().to_owned();
        let dst_bucket = body["destinationBucket"]
            .as_str()
            .unwrap_or(&src_bucket)
            .to_owned();
        let from = body["sourceKey"].as_str().unwrap_or_default().to_owned();
        let to = body["destinationKey"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut inner = self.lock();
        if !inner.buckets.contains_key(&src_bucket) || !inner.buckets.contains_key(&dst_bucket) {
            return no_bucket();
        }
        if !valid_key(&to) {
            return storage_error(
                "400",
                "Invalid Input",
                "InvalidKey",
                &format!("Invalid key: {to}"),
            );
        }
        let Some(obj) = inner
            .objects
            .get(&(src_bucket.clone(), from.clone()))
            .cloned()
        else {
            return no_key();
        };
        if inner
            .objects
            .contains_key(&(dst_bucket.clone(), to.clone()))
            && (src_bucket, &from) != (dst_bucket.clone(), &to)
        {
            return storage_error(
                "409",
                "Duplicate",
                "KeyAlreadyExists",
                "The resource already exists",
            );
        }
        if copy {
            let id = inner.id();
            let mut new = obj;
            new.id = id.clone();
            if body["copyMetadata"] == json!(false) {
                new.metadata = body.get("metadata").cloned().unwrap_or(json!({}));
            }
            let row = Self::object_row(&dst_bucket, &to, &to, &new);
            inner.objects.insert((dst_bucket.clone(), to.clone()), new);
            let mut answer = json!({"Key": format!("{dst_bucket}/{to}"), "Id": id});
            if let (Some(a), Some(r)) = (answer.as_object_mut(), row.as_object()) {
                for (k, v) in r {
                    a.insert(k.clone(), v.clone());
                }
            }
            json_ok(answer)
        } else {
            inner.objects.remove(&(
                body["bucketId"].as_str().unwrap_or_default().to_owned(),
                from,
            ));
            inner.objects.insert((dst_bucket, to), obj);
            json_ok(json!({"message": "Successfully moved"}))
        }
    }

    fn remove(&self, bucket: &str, body: Value) -> Response {
        let mut inner = self.lock();
        if !inner.buckets.contains_key(bucket) {
            return no_bucket();
        }
        let mut removed = Vec::new();
        for p in body["prefixes"].as_array().cloned().unwrap_or_default() {
            let key = p
                .as_str()
                .or(p["path"].as_str())
                .unwrap_or_default()
                .to_owned();
            if let Some(o) = inner.objects.remove(&(bucket.to_owned(), key.clone())) {
                let mut row = Self::object_row(bucket, &key, &key, &o);
                if let Some(m) = row.as_object_mut() {
                    m.remove("key");
                }
                removed.push(row);
            }
        }
        json_ok(Value::Array(removed))
    }

    fn new_token(inner: &mut Inner, kind: &str) -> String {
        inner.next_id += 1;
        // Shaped like a JWT, so that redaction of signed-URL tokens is exercised.
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!(r#"{{"kind":"{kind}","n":{}}}"#, inner.next_id));
        format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2lnbmF0dXJl")
    }

    fn sign(&self, bucket: &str, key: &str) -> Response {
        let mut inner = self.lock();
        if !inner
            .objects
            .contains_key(&(bucket.to_owned(), key.to_owned()))
        {
            return no_key();
        }
        let token = Self::new_token(&mut inner, "sign");
        inner
            .signed
            .insert(token.clone(), (bucket.to_owned(), key.to_owned()));
        json_ok(json!({"signedURL": format!("/object/sign/{bucket}/{key}?token={token}")}))
    }

    fn sign_many(&self, bucket: &str, body: Value) -> Response {
        let mut inner = self.lock();
        let mut out = Vec::new();
        for p in body["paths"].as_array().cloned().unwrap_or_default() {
            let key = p.as_str().unwrap_or_default().to_owned();
            if inner
                .objects
                .contains_key(&(bucket.to_owned(), key.clone()))
            {
                let token = Self::new_token(&mut inner, "sign");
                inner
                    .signed
                    .insert(token.clone(), (bucket.to_owned(), key.clone()));
                out.push(json!({"error": null, "path": key, "signedURL": format!("/object/sign/{bucket}/{key}?token={token}")}));
            } else {
                out.push(json!({"error": "Either the object does not exist or you do not have access to it", "path": key, "signedURL": null}));
            }
        }
        json_ok(Value::Array(out))
    }

    fn sign_upload(&self, bucket: &str, key: &str) -> Response {
        let upsert = header(self.headers, "x-upsert") == Some("true");
        let mut inner = self.lock();
        if !inner.buckets.contains_key(bucket) {
            return no_bucket();
        }
        if !valid_key(key) {
            return storage_error(
                "400",
                "Invalid Input",
                "InvalidKey",
                &format!("Invalid key: {key}"),
            );
        }
        if !upsert
            && inner
                .objects
                .contains_key(&(bucket.to_owned(), key.to_owned()))
        {
            return storage_error(
                "409",
                "Duplicate",
                "KeyAlreadyExists",
                "The resource already exists",
            );
        }
        let token = Self::new_token(&mut inner, "upload");
        inner
            .upload_tokens
            .insert(token.clone(), (bucket.to_owned(), key.to_owned(), upsert));
        json_ok(
            json!({"url": format!("/object/upload/sign/{bucket}/{key}?token={token}"), "token": token}),
        )
    }

    fn tus_create(&self) -> Response {
        let tus = |status: StatusCode| {
            Response::builder()
                .status(status)
                .header("tus-resumable", "1.0.0")
        };
        let length = header(self.headers, "upload-length").and_then(|v| v.parse::<u64>().ok());
        let Some(length) = length else {
            return tus(StatusCode::BAD_REQUEST)
                .body(Body::from("Upload-Length missing"))
                .unwrap_or_default();
        };
        let mut meta: HashMap<String, String> = HashMap::new();
        for pair in header(self.headers, "upload-metadata")
            .unwrap_or_default()
            .split(',')
        {
            let mut it = pair.trim().splitn(2, ' ');
            let k = it.next().unwrap_or_default().to_owned();
            let v = it
                .next()
                .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if !k.is_empty() {
                meta.insert(k, v);
            }
        }
        let bucket = meta.get("bucketName").cloned().unwrap_or_default();
        let key = meta.get("objectName").cloned().unwrap_or_default();
        let content_type = meta
            .get("contentType")
            .cloned()
            .unwrap_or_else(|| "application/octet-stream".into());
        let upsert = header(self.headers, "x-upsert") == Some("true");
        let mut inner = self.lock();
        if let Some(refused) = self.check_target(&inner, &bucket, &key, length, &content_type) {
            return refused;
        }
        if !upsert && inner.objects.contains_key(&(bucket.clone(), key.clone())) {
            return storage_error(
                "409",
                "Duplicate",
                "KeyAlreadyExists",
                "The resource already exists",
            );
        }
        let id = inner.id();
        inner.tus.insert(
            id.clone(),
            TusUpload {
                bucket,
                key,
                length,
                data: Vec::new(),
                content_type,
                cache_control: format!(
                    "max-age={}",
                    meta.get("cacheControl")
                        .cloned()
                        .unwrap_or_else(|| "3600".into())
                ),
                metadata: meta
                    .get("metadata")
                    .and_then(|m| serde_json::from_str(m).ok())
                    .unwrap_or(json!({})),
                upsert,
                owner: self.owner.clone(),
                raw_metadata: header(self.headers, "upload-metadata")
                    .unwrap_or_default()
                    .to_owned(),
            },
        );
        tus(StatusCode::CREATED)
            .header(
                "location",
                format!("{}/storage/v1/upload/resumable/{id}", self.shared.base),
            )
            .body(Body::empty())
            .unwrap_or_default()
    }

    fn tus_head(&self, id: &str) -> Response {
        let inner = self.lock();
        match inner.tus.get(id) {
            Some(u) => Response::builder()
                .status(200)
                .header("tus-resumable", "1.0.0")
                .header("upload-offset", u.data.len().to_string())
                .header("upload-length", u.length.to_string())
                .header("upload-metadata", u.raw_metadata.as_str())
                .header("cache-control", "no-store")
                .body(Body::empty())
                .unwrap_or_default(),
            None => Response::builder()
                .status(404)
                .header("tus-resumable", "1.0.0")
                .body(Body::empty())
                .unwrap_or_default(),
        }
    }

    async fn tus_patch(&self, id: &str, body: Body) -> Response {
        let tus = |status: u16| {
            Response::builder()
                .status(status)
                .header("tus-resumable", "1.0.0")
        };
        if header(self.headers, "content-type") != Some("application/offset+octet-stream") {
            return tus(415).body(Body::empty()).unwrap_or_default();
        }
        let offset = header(self.headers, "upload-offset").and_then(|v| v.parse::<usize>().ok());
        let (cut, current) = {
            let mut inner = self.lock();
            let cut = inner.cut_next_patch_after.take();
            match inner.tus.get(id) {
                Some(u) => (cut, u.data.len()),
                None => return tus(404).body(Body::empty()).unwrap_or_default(),
            }
        };
        if offset != Some(current) {
            return tus(409)
                .body(Body::from("Upload-Offset mismatch"))
                .unwrap_or_default();
        }
        let mut stream = body.into_data_stream();
        let mut received = 0usize;
        let mut failed = false;
        while let Some(chunk) = stream.next().await {
            let Ok(mut chunk) = chunk else {
                failed = true;
                break;
            };
            if let Some(limit) = cut
                && received + chunk.len() >= limit
            {
                chunk.truncate(limit - received);
                failed = true;
            }
            received += chunk.len();
            let mut inner = self.lock();
            let Some(u) = inner.tus.get_mut(id) else {
                break;
            };
            if u.data.len() as u64 + chunk.len() as u64 > u.length {
                return tus(413).body(Body::empty()).unwrap_or_default();
            }
            u.data.extend_from_slice(&chunk);
            if failed {
                break;
            }
        }
        let mut inner = self.lock();
        let Some(u) = inner.tus.get(id) else {
            return tus(404).body(Body::empty()).unwrap_or_default();
        };
        let now = u.data.len();
        if failed {
            return tus(500)
                .body(Body::from("connection dropped"))
                .unwrap_or_default();
        }
        if now as u64 == u.length
            && let Some(u) = inner.tus.remove(id)
        {
            {
                let k = (u.bucket.clone(), u.key.clone());
                if u.upsert || !inner.objects.contains_key(&k) {
                    let oid = inner.id();
                    inner.objects.insert(
                        k,
                        StoredObject {
                            data: u.data,
                            content_type: u.content_type,
                            cache_control: u.cache_control,
                            metadata: u.metadata,
                            id: oid,
                            owner: u.owner,
                        },
                    );
                }
            }
        }
        tus(204)
            .header("upload-offset", now.to_string())
            .body(Body::empty())
            .unwrap_or_default()
    }

    fn vector(&self, op: &str, body: Value) -> Response {
        let name = body["vectorBucketName"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut inner = self.lock();
        match op {
            "CreateVectorBucket" => {
                if inner.vector_buckets.contains_key(&name) {
                    return (StatusCode::CONFLICT, [("content-type", "application/json")],
                        json!({"statusCode": 409, "error": "Conflict", "message": "bucket exists", "code": "S3VectorConflictException"}).to_string()).into_response();
                }
                inner.vector_buckets.insert(name, 1_704_067_200);
                StatusCode::OK.into_response()
            }
            "GetVectorBucket" => match inner.vector_buckets.get(&name) {
                Some(t) => json_ok(json!({"vectorBucket": {"vectorBucketName": name, "creationTime": t}})),
                None => (StatusCode::NOT_FOUND, [("content-type", "application/json")],
                    json!({"statusCode": 404, "error": "Not Found", "message": "vector bucket not found", "code": "S3VectorNotFoundException"}).to_string()).into_response(),
            },
            "ListVectorBuckets" => {
                let prefix = body["prefix"].as_str().unwrap_or_default();
                let list: Vec<Value> = inner.vector_buckets.keys().filter(|n| n.starts_with(prefix)).map(|n| json!({"vectorBucketName": n})).collect();
                json_ok(json!({"vectorBuckets": list}))
            }
            "DeleteVectorBucket" => {
                inner.vector_buckets.remove(&name);
                StatusCode::OK.into_response()
            }
            _ => json_ok(json!({})),
        }
    }
}

/// `(data, content type, cache-control, metadata)` of a storage-js multipart upload.
fn parse_multipart(content_type: &str, body: &[u8]) -> Option<(Vec<u8>, String, String, Value)> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut cache = "3600".to_owned();
    let mut metadata = json!({});
    let mut file: Option<(Vec<u8>, String)> = None;
    let mut rest = body;
    loop {
        let start = find(rest, delimiter.as_bytes())?;
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let head_end = find(rest, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        rest = &rest[head_end + 4..];
        let end = find(rest, format!("\r\n{delimiter}").as_bytes())?;
        let content = &rest[..end];
        rest = &rest[end + 2..];
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default();
        let is_file = head.contains("filename=");
        let part_type = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("Content-Type: ")
                    .or_else(|| l.strip_prefix("content-type: "))
            })
            .unwrap_or("application/octet-stream")
            .to_owned();
        if is_file {
            file = Some((content.to_vec(), part_type));
        } else if name == "cacheControl" {
            cache = String::from_utf8_lossy(content).into_owned();
        } else if name == "metadata" {
            metadata = serde_json::from_slice(content).unwrap_or(json!({}));
        }
    }
    let (data, ct) = file?;
    Some((data, ct, format!("max-age={cache}"), metadata))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
