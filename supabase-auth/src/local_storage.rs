//! [`LocalStorageStore`]: the session in the browser's `localStorage` (feature
//! `local-storage`, `wasm32` only).

use std::fmt;

use supabase_core::{BoxError, async_trait};
use wasm_bindgen::{JsCast, JsValue};

use crate::SessionStore;

/// A [`SessionStore`] on the browser's `localStorage`, where supabase-js keeps its session by
/// default: the session survives a reload and is shared by the tabs of one origin. Keys are
/// the store keys themselves (`sb-<project>-auth-token`, as supabase-js names them).
///
/// `localStorage` is looked up on every call (`globalThis.localStorage`), so the store holds
/// no JavaScript value and is `Send + Sync` as the trait wants. Where there is none (a web
/// worker, Node without a polyfill, storage disabled by the user), every call fails with an
/// error and the in-memory session is kept, as with any failing store.
///
/// Anything in the page's JavaScript can read `localStorage`: a cross-site-scripting flaw
/// exposes the refresh token, as it does with supabase-js.
///
/// ```no_run
/// use std::sync::Arc;
/// use supabase_auth::{AuthClient, LocalStorageStore};
///
/// let auth = AuthClient::builder("https://xyzcompany.supabase.co/auth/v1", "anon-key")
///     .store(Arc::new(LocalStorageStore::new()))
///     .build()?;
/// # let _ = auth;
/// # Ok::<(), supabase_auth::Error>(())
/// ```
#[derive(Clone, Copy, Default)]
pub struct LocalStorageStore {
    _private: (),
}

impl LocalStorageStore {
    /// The store on `globalThis.localStorage`.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for LocalStorageStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalStorageStore")
    }
}

/// `globalThis.localStorage`, or an error naming what is missing.
fn storage() -> Result<web_sys::Storage, BoxError> {
    let value = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("localStorage"))
        .map_err(|_| "localStorage cannot be read (blocked by the browser?)")?;
    if !value.is_object() {
        return Err("localStorage is not available here".into());
    }
    // The methods are called by name, so a polyfill with `getItem`/`setItem`/`removeItem`
    // (Node) works too.
    Ok(value.unchecked_into())
}

/// A JavaScript exception as an error (its text only: no stored value is in it).
fn js_error(what: &'static str) -> impl Fn(JsValue) -> BoxError {
    move |e| {
        let text = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "an exception".to_owned());
        format!("localStorage {what} failed: {text}").into()
    }
}

#[async_trait(?Send)]
impl SessionStore for LocalStorageStore {
    async fn get(&self, key: &str) -> Result<Option<String>, BoxError> {
        storage()?.get_item(key).map_err(js_error("getItem"))
    }

    async fn set(&self, key: &str, value: &str) -> Result<(), BoxError> {
        storage()?.set_item(key, value).map_err(js_error("setItem"))
    }

    async fn remove(&self, key: &str) -> Result<(), BoxError> {
        storage()?.remove_item(key).map_err(js_error("removeItem"))
    }
}
