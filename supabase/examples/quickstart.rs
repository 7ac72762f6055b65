//! The quickstart: sign in, query, insert, sign out.
//!
//! `cargo run --example quickstart`
//!
//! - With `SUPABASE_URL`, `SUPABASE_ANON_KEY`, `SUPABASE_EMAIL` and `SUPABASE_PASSWORD` set, it
//!   signs that user in to the real project and works on its table `SUPABASE_TABLE` (default
//!   `todos`, with a text column `title`).
//! - Otherwise it starts a local **mock** project (`MockProject` of `supabase-test-support`:
//!   Supabase Auth, and PostgREST with row-level security on `todos`), signs in as its user
//!   `alice@example.com`, and prints what the mock received (never a password or token).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde::{Deserialize, Serialize};
use supabase::auth::{PasswordCredentials, SignOutScope};
use supabase_test_support::mock_project::MockProject;

#[derive(Debug, Serialize)]
struct NewTodo<'a> {
    title: &'a str,
}

#[derive(Deserialize)]
struct Todo {
    id: i64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let real = (
        env("SUPABASE_URL"),
        env("SUPABASE_ANON_KEY"),
        env("SUPABASE_EMAIL"),
        env("SUPABASE_PASSWORD"),
    );
    let (url, key, email, password, mock) = match real {
        (Some(url), Some(key), Some(email), Some(password)) => {
            println!("Using the real project at {url}.\n");
            (url, key, email, password, None)
        }
        _ => {
            println!(
                "SUPABASE_URL / SUPABASE_ANON_KEY / SUPABASE_EMAIL / SUPABASE_PASSWORD not all set:"
            );
            println!("using a LOCAL MOCK project.\n");
            let mock = MockProject::start().await;
            let (url, key) = (mock.url(), mock.anon_key().to_owned());
            let (email, password) = ("alice@example.com", MockProject::PASSWORD);
            (url, key, email.into(), password.into(), Some(mock))
        }
    };
    let table = env("SUPABASE_TABLE").unwrap_or_else(|| "todos".to_owned());

    let supabase = supabase::create_client(&url, &key)?;

    // 1. Sign in: from now on, this client's data requests carry the user's access token
    //    (refreshed automatically before it expires).
    let session = supabase
        .auth()?
        .sign_in_with_password(PasswordCredentials::email(&email, password.as_str()))
        .await?;
    println!(
        "signed in as {}",
        session.user.email.as_deref().unwrap_or("?")
    );

    // 2. Query.
    let todos = supabase
        .from(&table)
        .select("id")
        .order("id", supabase::postgrest::Order::asc())
        .limit(10)
        .execute::<Todo>()
        .await?;
    let ids: Vec<i64> = todos.data.iter().map(|t| t.id).collect();
    println!("select id from {table} -> {} rows, ids {ids:?}", ids.len());

    // 3. Insert, asking for the new row back.
    let inserted = supabase
        .from(&table)
        .insert(NewTodo {
            title: "Try supabase-rs",
        })
        .select("id")
        .execute::<Todo>()
        .await?;
    let new_ids: Vec<i64> = inserted.data.iter().map(|t| t.id).collect();
    println!("insert -> {}, new ids {new_ids:?}", inserted.status);

    // 4. Sign out: the session is revoked and the client falls back to the anon key.
    supabase.auth()?.sign_out(SignOutScope::Local).await?;
    println!("signed out");

    if let Some(mock) = mock {
        mock.print_received().await;
    }
    Ok(())
}
