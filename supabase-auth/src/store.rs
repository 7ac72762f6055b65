//! Where sessions and PKCE code verifiers are kept: [`SessionStore`], with an in-memory store
//! (the default) and a file store.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Mutex;

use async_trait::async_trait;
use supabase_core::BoxError;

/// Persistence for sessions and PKCE code verifiers: a small async key–value store, like the
/// `storage` option of supabase-js (`getItem` / `setItem` / `removeItem`).
///
/// Keys are short ASCII names derived from the storage key (`sb-<project>-auth-token`,
/// `sb-<project>-auth-token-code-verifier`); values are JSON or plain text. An error from the
/// store never drops the in-memory session.
///
/// ```
/// use supabase_auth::{MemoryStore, SessionStore};
///
/// # tokio_test_block(async {
/// let store = MemoryStore::new();
/// store.set("k", "v").await.unwrap();
/// assert_eq!(store.get("k").await.unwrap().as_deref(), Some("v"));
/// store.remove("k").await.unwrap();
/// assert_eq!(store.get("k").await.unwrap(), None);
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
pub trait SessionStore: Send + Sync + Debug {
    /// The value under `key`, if any.
    async fn get(&self, key: &str) -> Result<Option<String>, BoxError>;
    /// Stores `value` under `key`, replacing what was there.
    async fn set(&self, key: &str, value: &str) -> Result<(), BoxError>;
    /// Removes `key` (no error when it is absent).
    async fn remove(&self, key: &str) -> Result<(), BoxError>;
}

/// A store that keeps everything in memory, for the lifetime of the client (the default).
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<String, String>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<String> = self
            .items
            .lock()
            .map(|items| items.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_struct("MemoryStore").field("keys", &keys).finish()
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait(?Send))]
impl SessionStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<String>, BoxError> {
        let items = self.items.lock().map_err(|_| "memory store poisoned")?;
        Ok(items.get(key).cloned())
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), BoxError> {
        let mut items = self.items.lock().map_err(|_| "memory store poisoned")?;
        items.insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn remove(&self, key: &str) -> Result<(), BoxError> {
        let mut items = self.items.lock().map_err(|_| "memory store poisoned")?;
        items.remove(key);
        Ok(())
    }
}
