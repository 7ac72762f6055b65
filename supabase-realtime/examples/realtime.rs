//! Subscribe to inserts on `todos` as a user, print a few changes and a broadcast.
//!
//! With `SUPABASE_URL` and `SUPABASE_KEY` (and `SUPABASE_USER_JWT` for the user) set, it runs
//! against that project and prints what arrives. Without `SUPABASE_URL` it runs against the
//! in-process Realtime mock of `supabase-test-support`, which pushes a few rows itself.
//!
//! ```sh
//! cargo run -p supabase-realtime --example realtime
//! ```

use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::json;
use supabase_core::StaticTokenProvider;
use supabase_realtime::{PostgresChangesFilter, PostgresEvent, RealtimeClient};
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
    let (url, key, jwt, mock) = match std::env::var("SUPABASE_URL") {
        Ok(url) => (
            url,
            std::env::var("SUPABASE_KEY")?,
            std::env::var("SUPABASE_USER_JWT")?,
            None,
        ),
        Err(_) => {
            let mock = RealtimeMock::start().await;
            println!(
                "SUPABASE_URL is unset: running against the local Realtime mock at {}",
                mock.url()
            );
            let jwt =
                supabase_test_support::mint_user_jwt("00000000-0000-4000-8000-000000000001", None);
            (mock.url(), "anon-key".to_owned(), jwt, Some(mock))
        }
    };

    // The project's client, and a handle whose channels carry the user's token.
    let client = RealtimeClient::new(&url, key)?;
    let user = client.with_token_provider(Arc::new(StaticTokenProvider::from_token(jwt)?));

    let mut builder = user.channel("todos-changes")?.broadcast_self(true);
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
    client.remove_all_channels().await?;
    Ok(())
}
