//! Session stores: round trips, file permissions and atomic writes, sessions surviving a
//! restart, PKCE verifiers, unreadable stored data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::*;
use supabase_auth::{FileStore, FlowType, MemoryStore, OAuthOptions, Session, SessionStore};
use supabase_test_support::MockServer;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("supabase-auth-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn memory_store_round_trip() {
    let store = MemoryStore::new();
    assert_eq!(store.get("k").await.unwrap(), None);
    store.set("k", "v1").await.unwrap();
    store.set("k", "v2").await.unwrap();
    assert_eq!(store.get("k").await.unwrap().as_deref(), Some("v2"));
    store.remove("k").await.unwrap();
    store.remove("k").await.unwrap();
    assert_eq!(store.get("k").await.unwrap(), None);
    assert!(!format!("{store:?}").contains("v2"));
}

#[tokio::test]
async fn file_store_round_trip_is_atomic_and_private() {
    let dir = temp_dir("file");
    let store = FileStore::new(dir.join("nested"));
    store.set("sb-x-auth-token", "{\"a\":1}").await.unwrap();
    store.set("sb-x-auth-token", "{\"a\":2}").await.unwrap();
    assert_eq!(
        store.get("sb-x-auth-token").await.unwrap().as_deref(),
        Some("{\"a\":2}")
    );
    let file = dir.join("nested").join("sb-x-auth-token.json");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{\"a\":2}");
    // Only the final file is left: the temporary files were renamed over it.
    let names: Vec<_> = std::fs::read_dir(dir.join("nested"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("sb-x-auth-token.json")]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mode = std::fs::metadata(dir.join("nested"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o700);
    }
    store.remove("sb-x-auth-token").await.unwrap();
    store.remove("sb-x-auth-token").await.unwrap();
    assert_eq!(store.get("sb-x-auth-token").await.unwrap(), None);
    for bad in ["", "../x", "a/b", ".hidden", "a b", &"x".repeat(129)] {
        assert!(store.set(bad, "v").await.is_err(), "{bad:?}");
        assert!(store.get(bad).await.is_err(), "{bad:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_session_survives_a_restart_through_the_file_store() {
    let server = MockServer::start().await;
    let dir = temp_dir("restart");
    let first = builder(&server)
        .store(Arc::new(FileStore::new(&dir)))
        .build()
        .unwrap();
    let session = sign_in(&first, &server, "u1", 4_102_444_800, "r1").await;
    let stored =
        std::fs::read_to_string(dir.join(format!("{}.json", first.storage_key()))).unwrap();
    let parsed: Session = serde_json::from_str(&stored).unwrap();
    assert_eq!(parsed, session);
    // A new client (a new process) finds the session without any request.
    let requests_so_far = server.received_requests().await.unwrap().len();
    let second = builder(&server)
        .store(Arc::new(FileStore::new(&dir)))
        .build()
        .unwrap();
    assert_eq!(second.get_session().await.unwrap().unwrap(), session);
    let token = second.session_token_provider();
    use supabase_core::TokenProvider;
    assert_eq!(
        token.access_token().await.unwrap().unwrap().expose(),
        session.access_token.expose()
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        requests_so_far
    );
    // Signing out removes the file.
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/auth/v1/logout"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&server)
        .await;
    second
        .sign_out(supabase_auth::SignOutScope::Local)
        .await
        .unwrap();
    assert!(!dir.join(format!("{}.json", first.storage_key())).exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn unreadable_stored_sessions_are_dropped() {
    let server = MockServer::start().await;
    let store = Arc::new(MemoryStore::new());
    let auth = builder(&server).store(store.clone()).build().unwrap();
    store
        .set(auth.storage_key(), "{\"access_token\":\"x\"}")
        .await
        .unwrap();
    assert!(auth.get_session().await.unwrap().is_none());
    assert_eq!(store.get(auth.storage_key()).await.unwrap(), None);
}

#[tokio::test]
async fn pkce_verifiers_go_to_the_store() {
    let server = MockServer::start().await;
    let dir = temp_dir("pkce");
    let auth = builder(&server)
        .flow_type(FlowType::Pkce)
        .store(Arc::new(FileStore::new(&dir)))
        .build()
        .unwrap();
    let redirect = auth
        .sign_in_with_oauth("github", OAuthOptions::new())
        .await
        .unwrap();
    let stored =
        std::fs::read_to_string(dir.join(format!("{}-code-verifier.json", auth.storage_key())))
            .unwrap();
    assert_eq!(stored, redirect.code_verifier.unwrap().expose());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[derive(Debug)]
struct BrokenStore;

#[supabase_core::async_trait]
impl SessionStore for BrokenStore {
    async fn get(&self, _: &str) -> Result<Option<String>, supabase_core::BoxError> {
        Ok(None)
    }
    async fn set(&self, _: &str, _: &str) -> Result<(), supabase_core::BoxError> {
        Err("disk full".into())
    }
    async fn remove(&self, _: &str) -> Result<(), supabase_core::BoxError> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failing_store_is_reported_and_the_session_stays_in_memory() {
    let server = MockServer::start().await;
    mount_password_grant(&server, session_json("u1", 4_102_444_800, "r1")).await;
    let auth = builder(&server)
        .store(Arc::new(BrokenStore))
        .build()
        .unwrap();
    let err = auth
        .sign_in_with_password(supabase_auth::PasswordCredentials::email(
            "a@example.com",
            "pw",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            supabase_auth::Error::Store {
                operation: "save",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(auth.get_session().await.unwrap().unwrap().user.id, "u1");
}
