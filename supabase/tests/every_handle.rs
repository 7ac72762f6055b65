//! Every service handle of a user-scoped client acts as that user, and the parent client's
//! do not: a walk over all of them, for `with_auth` and for `set_auth`.
//!
//! When a service is added to the façade, add its handle to `walk`: this test is the list of
//! what "every service" means.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use supabase::Client;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::realtime_mock::RealtimeMock;
use supabase_test_support::{header, mint_user_jwt};
use wiremock::{Mock, ResponseTemplate, matchers::any};

/// Sends one request through each handle; returns how many were sent.
async fn walk(client: &Client) -> usize {
    let _ = client.from("t").select("*").execute_raw().await.unwrap();
    let _ = client.rpc("f", json!({})).execute_raw().await.unwrap();
    let _ = client
        .schema("other")
        .from("t")
        .select("*")
        .execute_raw()
        .await
        .unwrap();
    let _ = client
        .postgrest()
        .from("t")
        .select("id")
        .execute_raw()
        .await
        .unwrap();
    // A user endpoint of Auth (answers with the recorder-style user below).
    client.auth().unwrap().get_user().await.unwrap();
    client.functions().invoke("f").send().await.unwrap();
    client
        .storage()
        .list_buckets(&Default::default())
        .await
        .unwrap();
    7
}

async fn bearers(server: &MockServer, from: usize) -> Vec<(String, Option<String>)> {
    server.received_requests().await.unwrap()[from..]
        .iter()
        .map(|r| (r.url.path().to_owned(), header(r, "authorization")))
        .collect()
}

#[tokio::test]
async fn every_handle_of_a_scoped_client_carries_its_user_and_the_parent_stays_anonymous() {
    let server = MockServer::start().await;
    let user: Value = json!({"id": "u1", "aud": "authenticated", "role": "authenticated",
        "created_at": "2024-01-01T00:00:00Z", "app_metadata": {}, "user_metadata": {}});
    Mock::given(wiremock::matchers::path("/auth/v1/user"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user))
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let parent = Client::builder(&server.uri(), ANON_KEY).build().unwrap();
    let alice = mint_user_jwt("alice", None);
    let bob = mint_user_jwt("bob", None);

    // with_auth: a new value as Alice.
    let scoped = parent.with_auth(&alice).unwrap();
    // set_auth: this value becomes Bob (a clone of the parent, so the parent is untouched).
    let mut switched = parent.clone();
    switched.set_auth(&bob).unwrap();

    let mut seen = 0;
    for (client, want) in [(&scoped, &alice), (&switched, &bob)] {
        let n = walk(client).await;
        let sent = bearers(&server, seen).await;
        assert_eq!(sent.len(), n);
        for (path, bearer) in &sent {
            assert_eq!(
                bearer.as_deref(),
                Some(format!("Bearer {want}").as_str()),
                "{path}"
            );
        }
        seen += n;
    }

    // The parent: the project key as bearer on data requests; its Auth user endpoint has
    // no session, so it is refused before sending.
    let _ = parent.from("t").select("*").execute_raw().await.unwrap();
    let _ = parent.rpc("f", json!({})).execute_raw().await.unwrap();
    let _ = parent
        .schema("other")
        .from("t")
        .select("*")
        .execute_raw()
        .await
        .unwrap();
    let _ = parent
        .postgrest()
        .from("t")
        .select("id")
        .execute_raw()
        .await
        .unwrap();
    assert!(parent.auth().unwrap().get_user().await.is_err());
    let sent = bearers(&server, seen).await;
    assert_eq!(sent.len(), 4);
    for (path, bearer) in &sent {
        assert_eq!(
            bearer.as_deref(),
            Some(format!("Bearer {ANON_KEY}").as_str()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn realtime_channels_join_as_the_client_value_that_opened_them() {
    let mock = RealtimeMock::start().await;
    let parent = Client::builder(&mock.url(), ANON_KEY).build().unwrap();
    let alice = mint_user_jwt("alice", None);
    let mut bob_client = parent.clone();
    bob_client.set_auth(&mint_user_jwt("bob", None)).unwrap();
    let bob = mint_user_jwt("bob", None);

    let _a = parent
        .with_auth(&alice)
        .unwrap()
        .channel("a")
        .unwrap()
        .subscribe()
        .await
        .unwrap();
    let _b = bob_client.channel("b").unwrap().subscribe().await.unwrap();
    let _p = parent.channel("p").unwrap().subscribe().await.unwrap();
    mock.wait_frames(3).await;

    // One socket for all three, each join with its own client value's token.
    assert_eq!(mock.connections().len(), 1);
    let joins: Vec<_> = mock
        .frames()
        .into_iter()
        .filter(|f| f["event"] == "phx_join")
        .map(|f| {
            (
                f["topic"].as_str().unwrap().to_owned(),
                f["payload"]["access_token"].clone(),
            )
        })
        .collect();
    assert_eq!(joins.len(), 3);
    for (topic, token) in joins {
        match topic.as_str() {
            "realtime:a" => assert_eq!(token, alice.as_str()),
            "realtime:b" => assert_eq!(token, bob.as_str()),
            "realtime:p" => assert!(token != alice.as_str() && token != bob.as_str()),
            other => panic!("unexpected topic {other}"),
        }
    }
}
