//! `supabase_test_support::mock_project::MockProject`, the one-call mock the examples use:
//! row-level security from the bearer's `sub`, Auth's sign-in / refresh / sign-out through
//! `supabase::Client`, and received lines that never carry a secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use supabase::auth::{PasswordCredentials, SignOutScope};
use supabase_test_support::mock_project::MockProject;

async fn owners_and_ids(client: &supabase::Client) -> Vec<(String, i64)> {
    client
        .from("todos")
        .select("*")
        .order("id", supabase::postgrest::Order::asc())
        .execute::<Value>()
        .await
        .unwrap()
        .data
        .iter()
        .map(|r| {
            (
                r["owner"].as_str().unwrap().to_owned(),
                r["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn with_auth_clients_see_only_their_rows_and_the_anon_key_sees_none() {
    let mock = MockProject::start().await;
    let supabase = supabase::create_client(&mock.url(), mock.anon_key()).unwrap();
    let alice = supabase.with_auth(&mock.user_jwt("alice")).unwrap();
    let bob = supabase.with_auth(&mock.user_jwt("bob")).unwrap();

    let a = owners_and_ids(&alice).await;
    assert_eq!(
        a,
        [
            ("alice".into(), 1),
            ("alice".into(), 2),
            ("alice".into(), 4)
        ]
    );
    assert_eq!(owners_and_ids(&bob).await, [("bob".to_owned(), 3)]);
    assert!(owners_and_ids(&supabase).await.is_empty());

    // Filters, count and the single-object media type.
    let open = alice
        .from("todos")
        .select("id")
        .eq("done", false)
        .execute::<Value>()
        .await
        .unwrap();
    assert_eq!(open.data, [json!({"id": 1}), json!({"id": 2})]);

    // An insert is owned by the caller; the anon key may not insert.
    let inserted = alice
        .from("todos")
        .insert(json!({"title": "new"}))
        .select("id, owner")
        .execute::<Value>()
        .await
        .unwrap();
    assert_eq!(inserted.data, [json!({"id": 5, "owner": "alice"})]);
    assert!(owners_and_ids(&bob).await.iter().all(|(o, _)| o == "bob"));
    let refused = supabase
        .from("todos")
        .insert(json!({"title": "anon"}))
        .execute::<Value>()
        .await;
    assert!(refused.is_err(), "the anon key inserted a row");
    assert_eq!(mock.todos().len(), 5);

    let lines = mock.received_lines().await;
    assert!(
        lines[0].starts_with("GET /rest/v1/todos?select=*"),
        "{lines:?}"
    );
    assert!(
        lines[0].contains("apikey: anon key  bearer: JWT of alice"),
        "{lines:?}"
    );
    assert!(lines[1].contains("bearer: JWT of bob"), "{lines:?}");
    assert!(lines[2].contains("bearer: the anon key"), "{lines:?}");
}

#[tokio::test]
async fn sign_in_refresh_and_sign_out_through_the_client_and_no_secret_in_the_lines() {
    let mock = MockProject::start().await;
    let supabase = supabase::create_client(&mock.url(), mock.anon_key()).unwrap();
    let auth = supabase.auth().unwrap();

    let wrong = auth
        .sign_in_with_password(PasswordCredentials::email(
            "alice@example.com",
            "wrong password",
        ))
        .await;
    assert!(wrong.is_err(), "a wrong password signed in");

    let session = auth
        .sign_in_with_password(PasswordCredentials::email(
            "alice@example.com",
            MockProject::PASSWORD,
        ))
        .await
        .unwrap();
    assert_eq!(session.user.id, "alice");
    // The signed-in client reads as alice.
    assert_eq!(owners_and_ids(&supabase).await.len(), 3);
    assert_eq!(auth.get_user().await.unwrap().id, "alice");

    let refreshed = auth.refresh_session().await.unwrap();
    assert_ne!(
        refreshed.refresh_token.expose(),
        session.refresh_token.expose()
    );
    // Refresh tokens are single-use.
    assert!(
        auth.refresh_session_with(session.refresh_token.expose())
            .await
            .is_err()
    );
    assert_eq!(owners_and_ids(&supabase).await.len(), 3);

    auth.sign_out(SignOutScope::Local).await.unwrap();
    assert!(auth.get_session().await.unwrap().is_none());
    // Signed out: the client falls back to the anon key, which sees no rows; the old
    // access token's session is gone.
    assert!(owners_and_ids(&supabase).await.is_empty());
    assert!(
        auth.get_user_with_jwt(refreshed.access_token.expose())
            .await
            .is_err()
    );

    let lines = mock.received_lines().await;
    let text = lines.join("\n");
    for secret in [
        MockProject::PASSWORD,
        "wrong password",
        session.access_token.expose(),
        session.refresh_token.expose(),
        refreshed.access_token.expose(),
        refreshed.refresh_token.expose(),
        mock.anon_key(),
    ] {
        assert!(!text.contains(secret), "a secret in the lines:\n{text}");
    }
    assert!(
        lines[1].starts_with("POST /auth/v1/token?grant_type=password"),
        "{text}"
    );
    assert!(lines[1].contains(r#""password":"[REDACTED]""#), "{text}");
    assert!(lines[2].contains("bearer: JWT of alice"), "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("POST /auth/v1/logout?scope=local")),
        "{text}"
    );
}

#[tokio::test]
async fn anonymous_sign_up_and_a_wrong_api_key() {
    let mock = MockProject::start().await;
    let supabase = supabase::create_client(&mock.url(), mock.anon_key()).unwrap();
    let auth = supabase.auth().unwrap();
    let session = auth.sign_in_anonymously(Default::default()).await.unwrap();
    assert!(session.user.is_anonymous);
    assert!(owners_and_ids(&supabase).await.is_empty());

    let wrong = supabase::create_client(&mock.url(), "not-the-key").unwrap();
    assert!(
        wrong
            .from("todos")
            .select("*")
            .execute::<Value>()
            .await
            .is_err()
    );
    let lines = mock.received_lines().await;
    assert!(
        lines.last().unwrap().contains("apikey: NOT the anon key"),
        "{lines:?}"
    );
    assert!(!lines.join("\n").contains("not-the-key"));
}
