//! The quickstart: sign in, query, insert, sign out.
//!
//! `cargo run --example quickstart`
//!
//! - With `SUPABASE_URL`, `SUPABASE_ANON_KEY`, `SUPABASE_EMAIL` and `SUPABASE_PASSWORD` set, it
//!   signs that user in to the real project and works on its table `SUPABASE_TABLE` (default
//!   `todos`, with a text column `title`).
//! - Otherwise it starts a local **mock** project (answering like Supabase Auth and PostgREST)
//!   and prints what the mock received.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde::{Deserialize, Serialize};
use serde_json::Value;
use supabase::auth::{PasswordCredentials, SignOutScope};

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
            let mock = supabase_test_support::recorder::start_recorder(&[]).await;
            (
                mock.uri(),
                supabase_test_support::fixtures::ANON_KEY.to_owned(),
                "user@example.com".to_owned(),
                "correct horse battery staple".to_owned(),
                Some(mock),
            )
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
        println!("\nWhat the mock project received:");
        for r in mock.received_requests().await.unwrap_or_default() {
            let who = r
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| {
                    if t == supabase_test_support::fixtures::ANON_KEY {
                        "the anon key".to_owned()
                    } else {
                        let sub = supabase::supabase_core::decode_jwt_claims(t)
                            .ok()
                            .and_then(|c| c.sub)
                            .unwrap_or_default();
                        format!("the JWT of user {sub}")
                    }
                })
                .unwrap_or_default();
            let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            let body = match body {
                Value::Null => String::new(),
                // Never print the password, even the mock's.
                Value::Object(mut o) => {
                    if o.contains_key("password") {
                        o.insert("password".into(), Value::from("[REDACTED]"));
                    }
                    Value::Object(o).to_string()
                }
                other => other.to_string(),
            };
            println!(
                "  {} {}{}  bearer: {who}  {body}",
                r.method,
                r.url.path(),
                r.url.query().map(|q| format!("?{q}")).unwrap_or_default(),
            );
        }
    }
    Ok(())
}
