//! The server-side `set_auth` use case, as in the supabase-js docs ("With Express"), in Rust.
//!
//! An HTTP handler receives the user's access token in the `X-Supabase-Auth` header, makes a
//! client scoped to that user (`with_auth`: no new connection pool, nothing shared is changed)
//! and queries a table, so Postgres row-level security sees the user.
//!
//! Run it with `cargo run --example set_auth`.
//!
//! - With `SUPABASE_URL`, `SUPABASE_ANON_KEY` and `SUPABASE_USER_JWT` (a user's access token)
//!   set, it queries the real project's table `SUPABASE_TABLE` (default `todos`).
//! - Otherwise it starts a local **mock** project that answers like PostgREST with row-level
//!   security on `todos` (each user sees only their rows), and prints what was sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The application state: one Supabase client for the whole server.
#[derive(Clone)]
struct App {
    supabase: supabase::Client,
    table: String,
}

/// `GET /todos`: the rows the calling user may see.
async fn list_todos(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Json<Value>, (StatusCode, String)> {
    let token = headers
        .get("x-supabase-auth")
        .and_then(|v| v.to_str().ok())
        .ok_or((
            StatusCode::UNAUTHORIZED,
            "missing X-Supabase-Auth header".to_owned(),
        ))?;
    // A client for this request only: the user's JWT as bearer, the anon key as apikey.
    let db = app
        .supabase
        .with_auth(token)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()))?;
    let rows = db
        .from(&app.table)
        .select("*")
        .execute::<Value>()
        .await
        .map_err(|e| (StatusCode::BAD_GATEWAY, e.to_string()))?;
    Ok(Json(Value::Array(rows.data)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = (
        std::env::var("SUPABASE_URL"),
        std::env::var("SUPABASE_ANON_KEY"),
        std::env::var("SUPABASE_USER_JWT"),
    );
    let (url, key, users, mock) = match real {
        (Ok(url), Ok(key), Ok(jwt)) => {
            println!("Using the real project at {url}.");
            (url, key, vec![("SUPABASE_USER_JWT".to_owned(), jwt)], None)
        }
        _ => {
            println!("SUPABASE_URL / SUPABASE_ANON_KEY / SUPABASE_USER_JWT not all set:");
            println!("using a LOCAL MOCK project (row-level security simulated on `todos`).\n");
            let mock = start_mock_project().await;
            let users = ["alice", "bob"]
                .iter()
                .map(|name| {
                    let jwt = supabase_test_support::mint_user_jwt(name, None);
                    ((*name).to_owned(), jwt)
                })
                .collect();
            (
                mock.uri(),
                supabase_test_support::fixtures::ANON_KEY.to_owned(),
                users,
                Some(mock),
            )
        }
    };

    let app = App {
        supabase: supabase::create_client(&url, &key)?,
        table: std::env::var("SUPABASE_TABLE").unwrap_or_else(|_| "todos".to_owned()),
    };
    let router = Router::new()
        .route("/todos", get(list_todos))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    println!("Server listening on http://{addr}\n");

    // Play the callers: each user calls the server with their own token.
    let http = supabase::supabase_core::http_client_builder()?.build()?;
    let mut calls: Vec<(String, Option<String>)> = users
        .into_iter()
        .map(|(who, jwt)| (who, Some(jwt)))
        .collect();
    calls.push(("no token".to_owned(), None));
    calls.push(("malformed token".to_owned(), Some("not-a-jwt".to_owned())));
    for (who, token) in calls {
        let mut request = http.get(format!("http://{addr}/todos"));
        if let Some(token) = token {
            request = request.header("X-Supabase-Auth", token);
        }
        let response = request.send().await?;
        let status = response.status();
        let body = response.text().await?;
        println!("GET /todos as {who:<16} -> {status}  {body}");
    }

    if let Some(mock) = mock {
        println!("\nWhat the mock project received:");
        for r in mock.received_requests().await.unwrap_or_default() {
            let bearer = r
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .and_then(|t| supabase::supabase_core::decode_jwt_claims(t).ok())
                .and_then(|c| c.sub)
                .unwrap_or_else(|| "?".into());
            let apikey_ok = r.headers.get("apikey").and_then(|v| v.to_str().ok())
                == Some(supabase_test_support::fixtures::ANON_KEY);
            println!(
                "  {} {}?{}  apikey=anon key: {apikey_ok}  Authorization: Bearer <JWT of {bearer}>",
                r.method,
                r.url.path(),
                r.url.query().unwrap_or(""),
            );
        }
    }
    Ok(())
}

/// A mock project whose `todos` table has row-level security: a user sees only their rows.
async fn start_mock_project() -> MockServer {
    struct RowLevelSecurity;
    impl Respond for RowLevelSecurity {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let sub = request
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .and_then(|t| supabase::supabase_core::decode_jwt_claims(t).ok())
                .and_then(|c| c.sub);
            let all = [
                (1, "alice", "Buy milk"),
                (2, "bob", "Walk the dog"),
                (3, "alice", "Write Rust"),
            ];
            let rows: Vec<Value> = all
                .iter()
                .filter(|(_, owner, _)| Some(*owner) == sub.as_deref())
                .map(|(id, owner, title)| json!({"id": id, "owner": owner, "title": title}))
                .collect();
            ResponseTemplate::new(200).set_body_json(rows)
        }
    }
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/rest/v1/todos"))
        .respond_with(RowLevelSecurity)
        .mount(&server)
        .await;
    server
}
