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
//! - Otherwise it starts a local **mock** project (`MockProject` of `supabase-test-support`)
//!   that answers like PostgREST with row-level security on `todos` (each user sees only their
//!   rows), calls the server as its users `alice` and `bob`, and prints what the mock received.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use supabase_test_support::mock_project::MockProject;

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
            let mock = MockProject::start().await;
            let (url, key) = (mock.url(), mock.anon_key().to_owned());
            let users = ["alice", "bob"].map(|name| (name.to_owned(), mock.user_jwt(name)));
            (url, key, users.into(), Some(mock))
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
        mock.print_received().await;
    }
    Ok(())
}
