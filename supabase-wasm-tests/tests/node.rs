//! The clients compiled to wasm32, run in Node (its `fetch`) by `wasm-bindgen-test`, against
//! the mock servers `cargo xtask test` starts (`wasm-mock`, see `supabase-test-support`).
//! The native versions of these cases live in the service crates' and the façade's tests.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use serde_json::{Value, json};
use supabase::auth::{PasswordCredentials, SessionStore, SignOutScope};
use supabase::postgrest::Order;
use supabase::supabase_core::{Error as CoreError, TransportErrorKind};
use supabase_storage::{FileOptions, StorageClient};
use supabase_wasm_tests::{get_json, mock, user_jwt};
use wasm_bindgen_test::wasm_bindgen_test;

const ANON_KEY: &str = "anon-key-for-wasm-tests";

/// The one row the PostgREST echo answers: what the request looked like.
async fn echo(query: supabase::postgrest::QueryBuilder) -> Value {
    let rows = query.select("*").execute::<Value>().await.unwrap().data;
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap()
}

#[wasm_bindgen_test]
async fn a_query_is_built_and_sent_with_the_project_key() {
    let mock = mock();
    let client = supabase::create_client(&mock.api, ANON_KEY).unwrap();
    let response = client
        .from("todos")
        .select("id,title")
        .eq("done", false)
        .order("id", Order::desc())
        .limit(2)
        .execute::<Value>()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let row = &response.data[0];
    assert_eq!(row["method"], "GET");
    assert_eq!(row["path"], "/rest/v1/todos");
    assert_eq!(
        row["query"],
        "select=id%2Ctitle&done=eq.false&order=id.desc&limit=2"
    );
    assert_eq!(row["apikey"], ANON_KEY);
    assert_eq!(row["authorization"], format!("Bearer {ANON_KEY}"));

    // Rows that stream: decoded one by one from fetch's body stream.
    let mut rows = client
        .from("todos")
        .select("id")
        .stream::<Value>()
        .await
        .unwrap();
    let first = futures_util::StreamExt::next(&mut rows)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first["path"], "/rest/v1/todos");
    assert_eq!(first["query"], "select=id");
    assert!(futures_util::StreamExt::next(&mut rows).await.is_none());

    // A write with a JSON body and `Prefer`.
    let inserted = client
        .from("todos")
        .insert(json!({"title": "from wasm"}))
        .select("*")
        .execute::<Value>()
        .await
        .unwrap();
    let row = &inserted.data[0];
    assert_eq!(row["method"], "POST");
    assert_eq!(
        serde_json::from_str::<Value>(row["body"].as_str().unwrap()).unwrap(),
        json!({"title": "from wasm"})
    );
    assert!(
        row["prefer"]
            .as_str()
            .unwrap()
            .contains("return=representation")
    );
}

#[wasm_bindgen_test]
async fn with_auth_values_are_isolated_from_each_other_and_the_client() {
    let mock = mock();
    let client = supabase::create_client(&mock.api, ANON_KEY).unwrap();
    let (alice, bob) = (user_jwt("alice"), user_jwt("bob"));
    let as_alice = client.with_auth(&alice).unwrap();
    let as_bob = client.with_auth(&bob).unwrap();
    // All three at once, interleaved on the one JavaScript thread.
    let (a, b, anon) = futures_util::join!(
        echo(as_alice.from("todos")),
        echo(as_bob.from("todos")),
        echo(client.from("todos")),
    );
    assert_eq!(a["authorization"], format!("Bearer {alice}"));
    assert_eq!(b["authorization"], format!("Bearer {bob}"));
    assert_eq!(anon["authorization"], format!("Bearer {ANON_KEY}"));
    for row in [&a, &b, &anon] {
        assert_eq!(row["apikey"], ANON_KEY);
    }
    // The client itself never took the override.
    let again = echo(client.from("todos")).await;
    assert_eq!(again["authorization"], format!("Bearer {ANON_KEY}"));
    // A malformed token is refused before anything is sent.
    assert!(client.with_auth("not-a-jwt").is_err());
}

#[wasm_bindgen_test]
async fn sign_in_then_one_refresh_for_concurrent_requests() {
    let mock = mock();
    let email = "refresh@example.com";
    let client = supabase::create_client(&mock.api, ANON_KEY).unwrap();
    let auth = client.auth().unwrap();

    let wrong = auth
        .sign_in_with_password(PasswordCredentials::email(email, "wrong"))
        .await;
    assert!(wrong.is_err(), "{wrong:?}");

    // The session's token expires in 30 s: inside the 90 s margin, so the next request
    // refreshes it first (the expiry is read from `Date.now()` through web-time).
    let session = auth
        .sign_in_with_password(PasswordCredentials::email(email, "correct horse"))
        .await
        .unwrap();
    assert_eq!(session.user.email.as_deref(), Some(email));
    let first_token = session.access_token.expose().to_owned();

    let (a, b) = futures_util::join!(echo(client.from("todos")), echo(client.from("notes")));
    let refreshed = auth.get_session().await.unwrap().expect("a session");
    let token = refreshed.access_token.expose().to_owned();
    assert_ne!(token, first_token);
    assert_eq!(
        refreshed.refresh_token.expose(),
        format!("refresh-2-{email}")
    );
    assert_eq!(a["authorization"], format!("Bearer {token}"));
    assert_eq!(b["authorization"], format!("Bearer {token}"));
    // Refresh tokens rotate: both requests waited on one refresh.
    let count = get_json(&format!("{}/__refreshes?email={email}", mock.api)).await;
    assert_eq!(count["refreshes"], 1);

    // with_auth still wins over the session.
    let carol = user_jwt("carol");
    let row = echo(client.with_auth(&carol).unwrap().from("todos")).await;
    assert_eq!(row["authorization"], format!("Bearer {carol}"));

    auth.sign_out(SignOutScope::Local).await.unwrap();
    let row = echo(client.from("todos")).await;
    assert_eq!(row["authorization"], format!("Bearer {ANON_KEY}"));
}

#[wasm_bindgen_test]
async fn a_storage_upload_and_download() {
    let mock = mock();
    let storage = StorageClient::new(&mock.storage, ANON_KEY).unwrap();
    let avatars = storage.from("avatars");

    let uploaded = avatars
        .upload(
            "wasm/hello world.txt",
            "hello from wasm",
            &FileOptions::new().content_type("text/plain"),
        )
        .await
        .unwrap();
    assert_eq!(uploaded.full_path, "avatars/wasm/hello world.txt");
    let bytes = avatars
        .download("wasm/hello world.txt", &Default::default())
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"hello from wasm");

    // A streamed body: fetch takes no request stream from reqwest, so the transport reads
    // it into memory and sends it with its length.
    let chunks = futures_util::stream::iter(
        ["chunk one, ", "chunk two"].map(|c| Ok::<_, std::io::Error>(bytes::Bytes::from(c))),
    );
    avatars
        .upload_stream("wasm/streamed.txt", chunks, Some(20), &FileOptions::new())
        .await
        .unwrap();
    let bytes = avatars
        .download("wasm/streamed.txt", &Default::default())
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"chunk one, chunk two");

    // A stream shorter than announced fails and sends nothing.
    let short = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("ab"))]);
    let err = avatars
        .upload_stream("wasm/short.txt", short, Some(5), &FileOptions::new())
        .await
        .unwrap_err();
    assert!(
        avatars
            .download("wasm/short.txt", &Default::default())
            .await
            .is_err(),
        "{err:?}"
    );
}

#[wasm_bindgen_test]
async fn redirects_same_origin_followed_other_origin_refused() {
    let mock = mock();
    let client = supabase::create_client(&mock.api, ANON_KEY).unwrap();

    // fetch follows the same-origin redirect; the answer is accepted.
    let row = echo(client.from("redirect_same")).await;
    assert_eq!(row["path"], "/rest/v1/todos");

    // The other origin's answer is refused: an error, its body never read or returned.
    let err = client
        .from("redirect_away")
        .select("*")
        .execute::<Value>()
        .await
        .unwrap_err();
    let supabase::postgrest::Error::Core(core) = &err else {
        panic!("expected a core error, got {err:?}");
    };
    assert!(
        matches!(
            core,
            CoreError::Transport {
                kind: TransportErrorKind::Redirect,
                ..
            }
        ),
        "{core:?}"
    );
    // What the client cannot prevent on wasm32: fetch sent the redirected request before
    // the client saw the answer. Record what reached the other origin (Node's fetch drops
    // `Authorization` on a cross-origin redirect and keeps `apikey`; a browser also asks the
    // other origin's CORS preflight first). The README, "In the browser", says the same.
    let seen = get_json(&format!("{}/__seen", mock.other)).await;
    wasm_bindgen_test::console_log!("reached the other origin: {seen}");
    assert!(
        seen.as_array()
            .unwrap()
            .iter()
            .all(|r| r["authorization"] == false),
        "{seen}"
    );
}

#[wasm_bindgen_test]
async fn local_storage_store_keeps_the_session() {
    // Node has no localStorage: a minimal one, as a browser has.
    js_sys::Function::new_no_args(
        "const m = new Map(); globalThis.localStorage = {
            getItem: k => (m.has(k) ? m.get(k) : null),
            setItem: (k, v) => { m.set(k, String(v)); },
            removeItem: k => { m.delete(k); },
        };",
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap();
    let store = Arc::new(supabase::auth::LocalStorageStore::new());
    store.set("k", "v").await.unwrap();
    assert_eq!(store.get("k").await.unwrap().as_deref(), Some("v"));
    store.remove("k").await.unwrap();
    assert_eq!(store.get("k").await.unwrap(), None);

    let mock = mock();
    let email = "stored@example.com";
    let client = supabase::Client::builder(&mock.api, ANON_KEY)
        .session_store(store.clone())
        .build()
        .unwrap();
    client
        .auth()
        .unwrap()
        .sign_in_with_password(PasswordCredentials::email(email, "correct horse"))
        .await
        .unwrap();
    // The session is in localStorage, as supabase-js keeps it: a new client (a reload)
    // finds it there.
    let key = client.auth().unwrap().storage_key().to_owned();
    let stored = store.get(&key).await.unwrap().expect("the stored session");
    assert!(stored.contains("refresh-1-stored@example.com"));
    let reloaded = supabase::Client::builder(&mock.api, ANON_KEY)
        .session_store(store.clone())
        .build()
        .unwrap();
    let session = reloaded.auth().unwrap().get_session().await.unwrap();
    assert_eq!(
        session.expect("restored").user.email.as_deref(),
        Some(email)
    );
    js_sys::Function::new_no_args("delete globalThis.localStorage;")
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
    assert!(store.get("k").await.is_err());
}

#[wasm_bindgen_test]
async fn functions_json_as_a_user_and_server_sent_events_streamed() {
    use futures_util::StreamExt;
    use supabase::functions::FunctionsClient;
    use supabase::supabase_core::StaticTokenProvider;

    let mock = mock();
    let functions = FunctionsClient::new(&mock.functions, ANON_KEY).unwrap();
    let jwt = user_jwt("fiona");
    let as_user =
        functions.with_token_provider(Arc::new(StaticTokenProvider::from_token(&jwt).unwrap()));
    let echo: Value = as_user
        .invoke("hello")
        .body_json(&json!({"name": "Ada"}))
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], r#"{"name":"Ada"}"#);
    assert_eq!(echo["user"]["sub"], "fiona");

    // A streamed answer: the body read chunk by chunk from fetch's stream.
    let events: Vec<_> = functions
        .invoke("sse")
        .query("n", "5")
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 5);
    for (i, event) in events.iter().enumerate() {
        let event = event.as_ref().unwrap();
        assert_eq!(event.id, i.to_string());
        assert_eq!(event.json::<Value>().unwrap()["n"], i);
    }
}

#[wasm_bindgen_test]
async fn realtime_joins_with_the_users_token_and_echoes_a_broadcast() {
    use futures_util::StreamExt;
    use supabase::realtime::BroadcastPayload;

    let mock = mock();
    let client = supabase::create_client(&mock.realtime, ANON_KEY).unwrap();
    let jwt = user_jwt("rita");
    let mut builder = client
        .with_auth(&jwt)
        .unwrap()
        .channel("wasm-room")
        .unwrap()
        .broadcast_self(true)
        .broadcast_ack(true);
    let mut messages = builder.broadcast("msg");
    // The browser's WebSocket (Node's), the socket task on the JavaScript event loop.
    let channel = builder.subscribe().await.unwrap();
    channel
        .send_broadcast("msg", &json!({"text": "hi from wasm"}))
        .await
        .unwrap();
    let message = messages.next().await.expect("the echoed broadcast");
    assert_eq!(
        message.payload,
        BroadcastPayload::Json(json!({"text": "hi from wasm"}))
    );

    let frames = get_json(&format!("{}/__realtime_frames", mock.api)).await;
    let join = frames
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["event"] == "phx_join" && f["topic"] == "realtime:wasm-room")
        .unwrap_or_else(|| panic!("no join in {frames}"));
    assert_eq!(join["payload"]["access_token"], jwt.as_str());
    channel.unsubscribe().await.unwrap();
}

/// The README's "In the browser" example, compiled here so that it stays true.
#[allow(dead_code)]
fn readme_example() -> Result<(), supabase::Error> {
    use supabase::auth::LocalStorageStore;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Todo {
        id: i64,
        title: String,
    }

    let supabase = supabase::Client::builder("https://xyzcompany.supabase.co", "public-anon-key")
        .session_store(Arc::new(LocalStorageStore::new())) // survives a reload, as supabase-js
        .build()?;
    wasm_bindgen_futures::spawn_local(async move {
        let auth = supabase.auth().expect("auth");
        if auth.get_session().await.ok().flatten().is_none() {
            let login = PasswordCredentials::email("ada@example.com", "correct horse");
            let _ = auth.sign_in_with_password(login).await;
        }
        let todos = supabase
            .from("todos")
            .select("id,title")
            .execute::<Todo>()
            .await;
        web_sys::console::log_1(&format!("{todos:?}").into());
    });
    Ok(())
}
