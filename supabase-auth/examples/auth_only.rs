//! `supabase-auth` on its own: sign in, watch auth events, use the session token provider,
//! fetch the verified user, refresh, sign out.
//!
//! Run it with `cargo run --example auth_only`.
//!
//! - With `SUPABASE_URL` and `SUPABASE_ANON_KEY` set it talks to that project: it signs in
//!   with `SUPABASE_EMAIL` / `SUPABASE_PASSWORD` when both are set, else anonymously (the
//!   project must allow anonymous sign-ins).
//! - Otherwise it starts a local **mock** Auth server and says so in every line it prints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use supabase_auth::{
    AuthChangeEvent, AuthClient, PasswordCredentials, RequestOptions, Session, SignOutScope,
};
use supabase_core::TokenProvider;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = (
        std::env::var("SUPABASE_URL"),
        std::env::var("SUPABASE_ANON_KEY"),
    );
    let (project_url, key, _mock, label) = match real {
        (Ok(url), Ok(key)) => (url, key, None, "real project"),
        _ => {
            let mock = start_mock().await;
            (mock.uri(), "mock-anon-key".to_owned(), Some(mock), "MOCK")
        }
    };
    let say = |line: String| println!("[{label}] {line}");
    if label == "MOCK" {
        say("SUPABASE_URL / SUPABASE_ANON_KEY not set: using a local mock Auth server".into());
    }

    let auth = AuthClient::new(
        &format!("{}/auth/v1", project_url.trim_end_matches('/')),
        key,
    )?;

    // Events arrive on a subscription; dropping it unsubscribes.
    let mut events = auth.on_auth_state_change().await?;
    let watcher = tokio::spawn(async move {
        let mut seen = Vec::new();
        while let Some(change) = events.recv().await {
            seen.push(change.event);
            if change.event == AuthChangeEvent::SignedOut {
                break;
            }
        }
        seen
    });

    let session: Session = match (
        std::env::var("SUPABASE_EMAIL"),
        std::env::var("SUPABASE_PASSWORD"),
    ) {
        (Ok(email), Ok(password)) if label != "MOCK" => {
            auth.sign_in_with_password(PasswordCredentials::email(email, password))
                .await?
        }
        _ => auth.sign_in_anonymously(RequestOptions::new()).await?,
    };
    say(format!(
        "signed in as {} (anonymous: {}), token expires at {}",
        session.user.id, session.user.is_anonymous, session.expires_at
    ));
    say(format!("the session prints safely: {session:?}"));

    // What a data client (PostgREST, …) would use for its Authorization header.
    let tokens = auth.session_token_provider();
    let has_token = tokens.access_token().await?.is_some();
    say(format!("session token provider has a token: {has_token}"));

    let user = auth.get_user().await?;
    say(format!("the server verified the user: {}", user.id));

    let refreshed = auth.refresh_session().await?;
    say(format!("refreshed; new expiry {}", refreshed.expires_at));

    auth.sign_out(SignOutScope::Local).await?;
    say(format!(
        "signed out; session now: {:?}",
        auth.get_session().await?
    ));
    let seen = watcher.await?;
    say(format!("events seen: {seen:?}"));
    Ok(())
}

/// A mock Auth server: anonymous sign-up, password sign-in, refresh, user, logout.
async fn start_mock() -> MockServer {
    let server = MockServer::start().await;
    let user = json!({
        "id": "00000000-0000-4000-8000-000000000003", "aud": "authenticated",
        "role": "authenticated", "email": "", "phone": "", "is_anonymous": true,
        "app_metadata": {}, "user_metadata": {}
    });
    let session = |refresh: &str, exp: u64| {
        json!({
            "access_token": supabase_test_support::mint_jwt(&json!({
                "sub": "00000000-0000-4000-8000-000000000003", "role": "authenticated",
                "exp": exp, "is_anonymous": true
            })),
            "token_type": "bearer", "expires_in": 3600, "expires_at": exp,
            "refresh_token": refresh, "user": user
        })
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Mock::given(method("POST"))
        .and(path("/auth/v1/signup"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(session("mock-refresh-1", now + 3600)),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "refresh_token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(session("mock-refresh-2", now + 7200)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}
