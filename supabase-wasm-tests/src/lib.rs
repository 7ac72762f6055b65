//! Helpers of the wasm32 tests (`tests/node.rs`), run in Node by `cargo xtask test` against
//! the mock servers of `supabase-test-support`'s `wasm-mock`, which the test command starts
//! and names in the environment variable `SUPABASE_WASM_MOCK` (its JSON line). Empty on
//! native targets.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(target_arch = "wasm32")]
mod wasm {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use wasm_bindgen::JsValue;

    /// The URLs of the mock servers.
    #[derive(Debug, Clone)]
    pub struct Mock {
        /// A project URL: PostgREST echo and Auth (`/rest/v1`, `/auth/v1`).
        pub api: String,
        /// The Storage endpoint (`…/storage/v1`), bucket `avatars`.
        pub storage: String,
        /// Another origin, which records what reached it (`/__seen`).
        pub other: String,
        /// A project URL whose Realtime is the Realtime mock (frames: `<api>/__realtime_frames`).
        pub realtime: String,
        /// The Edge Functions endpoint of the Functions mock (`…/functions/v1`).
        pub functions: String,
    }

    /// `process.env[name]` in Node, if set.
    pub fn env(name: &str) -> Option<String> {
        let get = |target: &JsValue, key: &str| {
            js_sys::Reflect::get(target, &JsValue::from_str(key)).ok()
        };
        let process = get(&js_sys::global(), "process")?;
        let env = get(&process, "env")?;
        get(&env, name)?.as_string()
    }

    /// The mock servers the test command started (panics with a hint when run without it).
    pub fn mock() -> Mock {
        let line = env("SUPABASE_WASM_MOCK").unwrap_or_else(|| {
            panic!("SUPABASE_WASM_MOCK is not set: run the wasm tests with `cargo xtask test`")
        });
        let value: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("SUPABASE_WASM_MOCK: {e}"));
        let field = |name: &str| {
            value[name]
                .as_str()
                .unwrap_or_else(|| panic!("SUPABASE_WASM_MOCK has no `{name}`"))
                .to_owned()
        };
        Mock {
            api: field("api"),
            storage: field("storage"),
            other: field("other"),
            realtime: field("realtime"),
            functions: field("functions"),
        }
    }

    /// An unsigned-looking user JWT for `sub` valid until 2100 (the client checks shape and
    /// `exp` only; the mock does not verify signatures).
    pub fn user_jwt(sub: &str) -> String {
        let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.c2lnbmF0dXJl",
            part(serde_json::json!({"alg": "HS256", "typ": "JWT"})),
            part(serde_json::json!({
                "sub": sub, "role": "authenticated", "aud": "authenticated", "exp": 4_102_444_800u64
            }))
        )
    }

    /// GETs `url` with the client's own `fetch` through reqwest (for the mock's counters).
    pub async fn get_json(url: &str) -> serde_json::Value {
        let response = supabase_core::reqwest::get(url)
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let text = response.text().await.unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
}

#[cfg(target_arch = "wasm32")]
pub use wasm::*;
