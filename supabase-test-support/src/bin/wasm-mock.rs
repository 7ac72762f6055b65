//! The mock servers of the wasm32 tests (`supabase-wasm-tests`, run in Node by
//! `cargo xtask test`): the test code runs inside Node, so the servers run in this separate
//! process, started by the test command, on free loopback ports.
//!
//! It prints one JSON line, `{"api": URL, "storage": URL, "other": URL, "realtime": URL,
//! "functions": URL}`, then serves until its standard input closes (or it is killed):
//!
//! - `api`: a project URL.
//!   - `/rest/v1/<anything>`: answers one row describing the request (method, path, query,
//!     `Authorization`, `apikey`, body), so a test sees what went out;
//!     `/rest/v1/redirect_same` redirects to `/rest/v1/todos` on the same origin,
//!     `/rest/v1/redirect_away` to the `other` origin.
//!   - `/auth/v1/token?grant_type=password`: password `correct horse` signs in (an access
//!     token that expires in 30 s, inside the refresh margin, and refresh token
//!     `refresh-1-<email>`); `grant_type=refresh_token` rotates `refresh-1-…` into `refresh-2-…`
//!     with a token valid for an hour (claim `generation: 2`); `GET /__refreshes?email=` counts
//!     the refreshes of that user; `/auth/v1/logout` answers 204.
//! - `storage`: the in-memory Storage mock ([`StorageMock`]) with a public bucket `avatars`.
//! - `other`: another origin; records what reached it (`GET /__seen`).
//! - `realtime`: a project URL whose `/realtime/v1/websocket` is the Realtime mock
//!   ([`RealtimeMock`]: joins answered `ok`, broadcasts echoed as the channel asks);
//!   `GET <api>/__realtime_frames` lists the frames it received.
//! - `functions`: the Edge Functions endpoint of the Functions mock ([`FunctionsMock`]: JSON
//!   echo, Server-Sent Events, …).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use supabase_test_support::functions_mock::FunctionsMock;
use supabase_test_support::mint_jwt;
use supabase_test_support::realtime_mock::RealtimeMock;
use supabase_test_support::storage_mock::StorageMock;

#[derive(Clone, Default)]
struct Shared {
    other: String,
    refreshes: Arc<Mutex<HashMap<String, u64>>>,
    seen: Arc<Mutex<Vec<Value>>>,
    realtime: Option<Arc<RealtimeMock>>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn header_text(headers: &HeaderMap, name: &str) -> Value {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map_or(Value::Null, |v| Value::String(v.to_owned()))
}

fn session(email: &str, generation: u64, exp: u64) -> Value {
    json!({
        "access_token": mint_jwt(&json!({
            "aud": "authenticated", "sub": format!("user-{email}"), "role": "authenticated",
            "email": email, "exp": exp, "iat": now(), "generation": generation,
        })),
        "token_type": "bearer",
        "expires_in": exp.saturating_sub(now()),
        "expires_at": exp,
        "refresh_token": format!("refresh-{generation}-{email}"),
        "user": {
            "id": format!("user-{email}"), "aud": "authenticated", "role": "authenticated",
            "email": email, "phone": "", "app_metadata": {"provider": "email"},
            "user_metadata": {}, "identities": [], "is_anonymous": false,
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"
        }
    })
}

fn auth_error(code: &str, msg: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"code": 400, "error_code": code, "msg": msg})),
    )
        .into_response()
}

async fn api(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query: HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let path = uri.path().to_owned();
    if path == "/rest/v1/redirect_same" {
        return (StatusCode::FOUND, [(header::LOCATION, "/rest/v1/todos")]).into_response();
    }
    if path == "/rest/v1/redirect_away" {
        let to = format!("{}/rest/v1/stolen", shared.other);
        return (StatusCode::FOUND, [(header::LOCATION, to)]).into_response();
    }
    if path.starts_with("/rest/v1/") {
        let row = json!({
            "method": method.as_str(),
            "path": path,
            "query": uri.query().unwrap_or_default(),
            "authorization": header_text(&headers, "authorization"),
            "apikey": header_text(&headers, "apikey"),
            "prefer": header_text(&headers, "prefer"),
            "body": String::from_utf8_lossy(&body),
        });
        return axum::Json(json!([row])).into_response();
    }
    if path == "/auth/v1/token" {
        let Ok(request) = serde_json::from_slice::<Value>(&body) else {
            return auth_error("validation_failed", "not JSON");
        };
        match query.get("grant_type").map(String::as_str) {
            Some("password") => {
                let email = request["email"].as_str().unwrap_or_default();
                if request["password"] != "correct horse" || email.is_empty() {
                    return auth_error("invalid_credentials", "Invalid login credentials");
                }
                return axum::Json(session(email, 1, now() + 30)).into_response();
            }
            Some("refresh_token") => {
                let token = request["refresh_token"].as_str().unwrap_or_default();
                let Some(email) = token.strip_prefix("refresh-1-") else {
                    return auth_error("refresh_token_not_found", "Invalid Refresh Token");
                };
                *shared
                    .refreshes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(email.to_owned())
                    .or_default() += 1;
                return axum::Json(session(email, 2, now() + 3600)).into_response();
            }
            _ => return auth_error("validation_failed", "unsupported grant_type"),
        }
    }
    if path == "/__realtime_frames" {
        let frames = shared
            .realtime
            .as_ref()
            .map(|r| r.frames())
            .unwrap_or_default();
        return axum::Json(Value::Array(frames)).into_response();
    }
    if path == "/auth/v1/logout" {
        return StatusCode::NO_CONTENT.into_response();
    }
    if path == "/__refreshes" {
        let email = query.get("email").cloned().unwrap_or_default();
        let count = shared
            .refreshes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&email)
            .copied()
            .unwrap_or(0);
        return axum::Json(json!({"refreshes": count})).into_response();
    }
    (StatusCode::NOT_FOUND, "no such mock route").into_response()
}

async fn other(State(shared): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    let mut seen = shared.seen.lock().unwrap_or_else(|p| p.into_inner());
    if uri.path() == "/__seen" {
        return axum::Json(Value::Array(seen.clone())).into_response();
    }
    seen.push(json!({
        "path": uri.path(),
        "apikey": headers.contains_key("apikey"),
        "authorization": headers.contains_key("authorization"),
    }));
    axum::Json(json!([{"stolen": true}])).into_response()
}

async fn listen(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let realtime = Arc::new(RealtimeMock::start().await);
    let shared = Shared {
        realtime: Some(Arc::clone(&realtime)),
        ..Shared::default()
    };
    let other_url = listen(
        axum::Router::new()
            .fallback(other)
            .with_state(shared.clone()),
    )
    .await;
    let api_url = listen(axum::Router::new().fallback(api).with_state(Shared {
        other: other_url.clone(),
        ..shared
    }))
    .await;
    let storage = StorageMock::start().await;
    storage.create_bucket("avatars", true);
    let functions = FunctionsMock::start();
    println!(
        "{}",
        json!({
            "api": api_url,
            "storage": storage.storage_url(),
            "other": other_url,
            "realtime": realtime.url(),
            "functions": functions.functions_url(),
        })
    );
    // Serve until the test command closes our standard input (or kills us).
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
        let _ = tx.send(());
    });
    let _ = rx.await;
    drop(storage);
    drop(functions);
}
