//! Subscribe to inserts on `todos` as the user whose JWT a request brought (`with_auth`),
//! print a few changes and a broadcast.
//!
//! With `SUPABASE_URL`, `SUPABASE_ANON_KEY` and `SUPABASE_USER_JWT` set it runs against that
//! project and prints what arrives. Without `SUPABASE_URL` it runs against the in-process
//! Realtime mock of `supabase-test-support`, says so, and the mock pushes a few rows itself.
//!
//! ```sh
//! cargo run --example realtime
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use serde_json::json;
use supabase::realtime::{PostgresChangesFilter, PostgresEvent};
use supabase_test_support::realtime_mock::RealtimeMock;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Todo {
    id: i64,
    title: String,
    done: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (url, key, jwt, mock) = match env("SUPABASE_URL") {
        Some(url) => (
            url,
            env("SUPABASE_ANON_KEY").expect("SUPABASE_ANON_KEY is not set"),
            env("SUPABASE_USER_JWT").expect("SUPABASE_USER_JWT is not set"),
            None,
        ),
        None => {
            let mock = RealtimeMock::start().await;
            println!(
                "SUPABASE_URL is not set: running against the local Realtime mock at {}",
                mock.url()
            );
            let jwt =
                supabase_test_support::mint_user_jwt("00000000-0000-4000-8000-000000000001", None);
            let key = supabase_test_support::fixtures::ANON_KEY.to_owned();
            (mock.url(), key, jwt, Some(mock))
        }
    };

    let supabase = supabase::create_client(&url, &key)?;
    // The channel joins as the user: its phx_join carries the user's token.
    let as_user = supabase.with_auth(&jwt)?;
    let mut builder = as_user.channel("todos-changes")?.broadcast_self(true);
    let mut inserts = builder.postgres_changes::<Todo>(
        PostgresChangesFilter::new(PostgresEvent::Insert, "public").table("todos"),
    )?;
    let mut messages = builder.broadcast("msg");
    let channel = builder.subscribe().await?;
    println!("subscribed to {}", channel.topic());

    if let Some(mock) = &mock {
        for (id, title) in [(1, "buy milk"), (2, "write tests"), (3, "ship it")] {
            mock.send(&json!({"topic": "realtime:todos-changes", "event": "postgres_changes",
                "payload": {"ids": [1], "data": {"type": "INSERT", "schema": "public", "table": "todos",
                    "commit_timestamp": "2024-01-01T00:00:00Z", "errors": null,
                    "columns": [{"name": "id", "type": "int8"}, {"name": "title", "type": "text"}, {"name": "done", "type": "bool"}],
                    "record": {"id": id.to_string(), "title": title, "done": "f"}, "old_record": null}}}));
        }
    }
    for _ in 0..3 {
        match inserts.next().await {
            Some(change) => println!("insert: {:?}", change?.new),
            None => break,
        }
    }
    channel
        .send_broadcast("msg", &json!({"text": "hello from Rust"}))
        .await?;
    if let Some(message) = messages.next().await {
        println!("broadcast {}: {:?}", message.event, message.payload);
    }
    as_user.realtime().remove_all_channels().await?;
    Ok(())
}
