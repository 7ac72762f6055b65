//! Invoke an Edge Function with a JSON body and read a Server-Sent Events stream, as the user
//! whose JWT a request brought (`with_auth`).
//!
//! - Without `SUPABASE_URL` it starts the local Functions mock of `supabase-test-support`,
//!   says so, and mints a user JWT for it.
//! - With `SUPABASE_URL`, `SUPABASE_ANON_KEY` and `SUPABASE_USER_JWT` set it calls that
//!   project: the function `SUPABASE_FUNCTION` (default `hello`) with `{"name":"Ada"}`, then
//!   `SUPABASE_SSE_FUNCTION` (default `sse`), which must answer `text/event-stream`.
//!
//! ```sh
//! cargo run --example functions
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use serde_json::{Value, json};
use supabase_test_support::functions_mock::FunctionsMock;

#[tokio::main]
async fn main() -> Result<(), supabase::Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (url, key, jwt, function, sse, mock) = match env("SUPABASE_URL") {
        Some(url) => {
            let key = env("SUPABASE_ANON_KEY").expect("SUPABASE_ANON_KEY is not set");
            let jwt = env("SUPABASE_USER_JWT").expect("SUPABASE_USER_JWT is not set");
            let function = env("SUPABASE_FUNCTION").unwrap_or_else(|| "hello".into());
            let sse = env("SUPABASE_SSE_FUNCTION").unwrap_or_else(|| "sse".into());
            println!("using the project at {url}");
            (url, key, jwt, function, sse, None)
        }
        None => {
            let mock = FunctionsMock::start();
            println!(
                "SUPABASE_URL is not set: using the local Functions mock at {}",
                mock.url()
            );
            let url = mock.url().to_owned();
            let key = supabase_test_support::fixtures::ANON_KEY.to_owned();
            let jwt = supabase_test_support::mint_user_jwt("ada", None);
            (url, key, jwt, "hello".into(), "sse".into(), Some(mock))
        }
    };

    // One client for the process; a scoped client per incoming request.
    let supabase = supabase::create_client(&url, &key)?;
    let as_user = supabase.with_auth(&jwt)?;

    let reply = as_user
        .functions()
        .invoke(&function)
        .body_json(&json!({"name": "Ada"}))
        .send()
        .await?;
    println!(
        "{function} answered {}: {:?}",
        reply.status(),
        reply.data()?
    );
    if mock.is_some() {
        let echo: Value = reply.json()?;
        println!("the function saw the user {}", echo["user"]);
    }

    let mut events = as_user
        .functions()
        .invoke(&sse)
        .query("n", "3")
        .events()
        .await?;
    while let Some(event) = events.next().await {
        let event = event?;
        println!("event `{}` (id {}): {}", event.event, event.id, event.data);
    }
    Ok(())
}
