//! `supabase-auth` on its own: sign in, watch auth events, use the session token provider,
//! fetch the verified user, refresh, sign out.
//!
//! Run it with `cargo run --example auth_only`.
//!
//! - With `SUPABASE_URL` and `SUPABASE_ANON_KEY` set it talks to that project: it signs in
//!   with `SUPABASE_EMAIL` / `SUPABASE_PASSWORD` when both are set, else anonymously (the
//!   project must allow anonymous sign-ins).
//! - Otherwise it starts a local **mock** project (`MockProject` of `supabase-test-support`),
//!   signs in anonymously, says so in every line it prints, and ends with what the mock
//!   received (never a token).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supabase_auth::{
    AuthChangeEvent, AuthClient, PasswordCredentials, RequestOptions, Session, SignOutScope,
};
use supabase_core::TokenProvider;
use supabase_test_support::mock_project::MockProject;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let real = (
        std::env::var("SUPABASE_URL"),
        std::env::var("SUPABASE_ANON_KEY"),
    );
    let (project_url, key, mock, label) = match real {
        (Ok(url), Ok(key)) => (url, key, None, "real project"),
        _ => {
            let mock = MockProject::start().await;
            (mock.url(), mock.anon_key().to_owned(), Some(mock), "MOCK")
        }
    };
    let say = |line: String| println!("[{label}] {line}");
    if label == "MOCK" {
        say("SUPABASE_URL / SUPABASE_ANON_KEY not set: using a local mock project".into());
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
    if let Some(mock) = mock {
        for line in mock.received_lines().await {
            say(format!("the mock received {line}"));
        }
    }
    Ok(())
}
