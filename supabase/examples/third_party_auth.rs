//! Third-party auth (Clerk, Auth0, Firebase, Cognito, …): supabase-js's `accessToken` option.
//!
//! Users sign in with another identity provider; every request's bearer is that provider's
//! token, fetched by an async closure, and `apikey` is the project key. The Auth client is
//! then unavailable, as in supabase-js.
//!
//! `cargo run --example third_party_auth`
//!
//! - With `SUPABASE_URL`, `SUPABASE_ANON_KEY` and `THIRD_PARTY_JWT` set, it queries the real
//!   project's table `SUPABASE_TABLE` (default `todos`) with that token.
//! - Otherwise it starts a local **mock** project (`MockProject` of `supabase-test-support`),
//!   gives its `todos` a row of the third-party user `user_3rdparty`, queries with a token of
//!   the identity provider `https://idp.example.com`, and prints what the mock received.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use supabase_test_support::mock_project::MockProject;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = (
        std::env::var("SUPABASE_URL"),
        std::env::var("SUPABASE_ANON_KEY"),
        std::env::var("THIRD_PARTY_JWT"),
    );
    let (url, key, idp_token, mock) = match real {
        (Ok(url), Ok(key), Ok(token)) => {
            println!("Using the real project at {url}.");
            (url, key, token, None)
        }
        _ => {
            println!("SUPABASE_URL / SUPABASE_ANON_KEY / THIRD_PARTY_JWT not all set:");
            println!("using a LOCAL MOCK project.\n");
            let mock = MockProject::start().await;
            mock.add_todo("user_3rdparty", "from a third-party user");
            let token = mock.third_party_jwt("user_3rdparty");
            (mock.url(), mock.anon_key().to_owned(), token, Some(mock))
        }
    };

    // The closure stands for your identity provider's SDK ("get the current session token").
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&fetches);
    let supabase = supabase::Client::builder(&url, key.as_str())
        .access_token_fn(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let token = idp_token.clone();
            async move { Ok(Some(token)) }
        })
        .build()?;

    let table = std::env::var("SUPABASE_TABLE").unwrap_or_else(|_| "todos".to_owned());
    let rows = supabase.from(&table).select("*").execute::<Value>().await?;
    println!(
        "select * from {table} -> {} {}",
        rows.status,
        serde_json::to_string(&rows.data)?
    );
    println!(
        "token fetched from the provider {} time(s)",
        fetches.load(Ordering::SeqCst)
    );

    match supabase.auth() {
        Ok(_) => println!("unexpected: Auth is available"),
        Err(e) => println!("supabase.auth() -> error, as in supabase-js: {e}"),
    }

    if let Some(mock) = mock {
        mock.print_received().await;
    }
    Ok(())
}
