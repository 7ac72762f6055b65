//! `supabase-postgrest` on its own: no façade, no Auth crate, your own `TokenProvider`.
//!
//! Run it with `cargo run --example postgrest_only`.
//!
//! - With `SUPABASE_URL` and `SUPABASE_ANON_KEY` set, it **reads** (never writes) the real
//!   project's table `SUPABASE_TABLE` (default `todos`): a page of rows, a count, one row.
//!   `SUPABASE_USER_JWT`, when set, is sent as the bearer through a custom token provider.
//! - Otherwise it starts a local **mock** PostgREST and also shows a mutation, an `rpc` call
//!   and a typed error, printing what was sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use supabase_core::{AccessToken, TokenProvider, async_trait};
use supabase_postgrest::{Count, Order, PostgrestClient};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A token provider of your own: here an environment variable; in an application, your
/// session store or another auth system.
#[derive(Debug)]
struct EnvToken(String);

#[async_trait]
impl TokenProvider for EnvToken {
    async fn access_token(&self) -> Result<Option<AccessToken>, supabase_core::Error> {
        Ok(Some(AccessToken::new(self.0.clone())?))
    }
}

#[derive(Debug, Deserialize)]
struct Todo {
    id: i64,
    title: String,
    done: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match (
        std::env::var("SUPABASE_URL"),
        std::env::var("SUPABASE_ANON_KEY"),
    ) {
        (Ok(url), Ok(key)) => real_project(&url, &key).await,
        _ => mock_project().await,
    }
}

/// Read-only queries against a real project.
async fn real_project(url: &str, key: &str) -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::var("SUPABASE_TABLE").unwrap_or_else(|_| "todos".to_owned());
    println!("Using the REAL project at {url}, table `{table}` (read-only).\n");
    let mut db = PostgrestClient::new(&format!("{}/rest/v1", url.trim_end_matches('/')), key)?
        .schema("public");
    if let Ok(jwt) = std::env::var("SUPABASE_USER_JWT") {
        db = db.with_token_provider(Arc::new(EnvToken(jwt)));
        println!("Bearer: SUPABASE_USER_JWT (through a custom TokenProvider).");
    }
    let page = db
        .from(&table)
        .select("*")
        .count(Count::Exact)
        .range(0, 4)
        .await?;
    println!(
        "first rows ({} of {:?} in total): {}",
        page.data.len(),
        page.count,
        serde_json::to_string_pretty(&page.data)?
    );
    let head = db
        .from(&table)
        .select("*")
        .count(Count::Planned)
        .head()
        .await?;
    println!("planned count (HEAD): {:?}", head.count);
    match db.from(&table).select("*").limit(1).maybe_single().await {
        Ok(one) => println!("maybe_single: {}", one.data.unwrap_or(Value::Null)),
        Err(e) => println!("maybe_single failed: {e}"),
    }
    Ok(())
}

/// The same kind of calls against a local mock, with what went out.
async fn mock_project() -> Result<(), Box<dyn std::error::Error>> {
    println!("SUPABASE_URL / SUPABASE_ANON_KEY not set:");
    println!("using a LOCAL MOCK PostgREST (nothing leaves this machine).\n");
    let mock = start_mock().await;
    let db = PostgrestClient::new(&format!("{}/rest/v1", mock.uri()), "mock-anon-key")?
        .schema("public")
        .with_token_provider(Arc::new(EnvToken("mock-user-jwt".to_owned())));

    let todos = db
        .from("todos")
        .select("id, title, done")
        .eq("done", false)
        .in_("title", ["buy milk", "write, then test"])
        .order("id", Order::desc())
        .count(Count::Exact)
        .range(0, 9)
        .returns::<Todo>()
        .await?;
    println!("{} open todos of {:?}:", todos.data.len(), todos.count);
    for t in &todos.data {
        println!("  #{} {} (done: {})", t.id, t.title, t.done);
    }

    let created = db
        .from("todos")
        .insert(json!({"title": "ship it", "done": false}))
        .select("id, title, done")
        .single()
        .returns::<Todo>()
        .await?;
    println!("inserted #{}: {}", created.data.id, created.data.title);

    let sum = db
        .rpc("add", json!({"a": 1, "b": 2}))
        .returns::<i64>()
        .await?;
    println!("rpc add(1, 2) = {}", sum.data);

    let err = db
        .from("todos")
        .insert(json!({"id": 1, "title": "duplicate", "done": false}))
        .await
        .unwrap_err();
    println!(
        "duplicate insert: unique violation = {}, code {:?}, details {:?}",
        err.is_unique_violation(),
        err.code(),
        err.as_api().and_then(|a| a.details.clone())
    );

    println!("\nRequests sent to the mock:");
    for r in mock.received_requests().await.unwrap_or_default() {
        let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
        println!("  {} {}{}", r.method, r.url.path(), query);
        for name in ["prefer", "accept", "accept-profile", "content-profile"] {
            if let Some(v) = r.headers.get(name) {
                println!("      {name}: {}", v.to_str().unwrap_or("?"));
            }
        }
        if !r.body.is_empty() {
            println!("      body: {}", String::from_utf8_lossy(&r.body));
        }
    }
    Ok(())
}

async fn start_mock() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-range", "0-1/2")
                .set_body_json(json!([
                    {"id": 2, "title": "write, then test", "done": false},
                    {"id": 1, "title": "buy milk", "done": false}
                ])),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/todos"))
        .and(wiremock::matchers::body_partial_json(json!({"id": 1})))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "code": "23505",
            "details": "Key (id)=(1) already exists.",
            "hint": null,
            "message": "duplicate key value violates unique constraint \"todos_pkey\""
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/todos"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": 3, "title": "ship it", "done": false})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/v1/rpc/add"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(3)))
        .mount(&server)
        .await;
    server
}
