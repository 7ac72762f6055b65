//! `supabase-postgrest` on its own: no façade, no Auth crate, your own `TokenProvider`.
//!
//! Run it with `cargo run --example postgrest_only`.
//!
//! - With `SUPABASE_URL` and `SUPABASE_ANON_KEY` set, it **reads** (never writes) the real
//!   project's table `SUPABASE_TABLE` (default `todos`): a page of rows, a count, one row.
//!   `SUPABASE_USER_JWT`, when set, is sent as the bearer through a custom token provider.
//! - Otherwise it starts a local **mock** project (`MockProject` of `supabase-test-support`:
//!   PostgREST with row-level security on `todos`), reads as its user `alice`, also shows a
//!   mutation, an `rpc` call and a typed error, and prints what the mock received.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use supabase_core::{AccessToken, TokenProvider, async_trait};
use supabase_postgrest::{Count, Order, PostgrestClient};
use supabase_test_support::mock_project::MockProject;

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
    println!(
        "using a LOCAL MOCK project (row-level security on `todos`; nothing leaves this machine),"
    );
    println!("reading as its user `alice`.\n");
    let mock = MockProject::start().await;
    let db = PostgrestClient::new(&format!("{}/rest/v1", mock.url()), mock.anon_key())?
        .schema("public")
        .with_token_provider(Arc::new(EnvToken(mock.user_jwt("alice"))));

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

    mock.print_received().await;
    Ok(())
}
