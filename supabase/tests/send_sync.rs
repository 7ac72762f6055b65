//! The futures the public API returns can be spawned on a multi-threaded runtime (`Send` and
//! `'static`): checked at compile time, nothing is sent.
#![allow(clippy::unwrap_used)]

use serde_json::json;

fn spawnable<T: Send + 'static>(_: &T) {}

#[test]
fn returned_futures_are_send_and_static() {
    let client = supabase::create_client("http://127.0.0.1:9", "anon-key").unwrap();
    let query = client.from("t").select("*").execute_raw();
    spawnable(&query);
    let typed = client.from("t").select("*").returns::<serde_json::Value>();
    spawnable(&typed);
    let rpc = client.rpc("f", json!({})).execute_raw();
    spawnable(&rpc);
    let auth = client.auth().unwrap();
    let sign_in = async move {
        auth.sign_in_with_password(supabase::auth::PasswordCredentials::email("a@b.c", "pw"))
            .await
    };
    spawnable(&sign_in);
    let functions = client.functions();
    let invoke = async move { functions.invoke("f").send().await };
    spawnable(&invoke);
    let channel = client.channel("room").unwrap();
    let subscribe = channel.subscribe();
    spawnable(&subscribe);
}
