//! The façade's `rpc` and `schema` pass through to the PostgREST client, on schema `public`
//! by default as in supabase-js.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT};
use supabase_test_support::header;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn rpc_and_schema_go_through_the_facade() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(3)))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let sum = client
        .rpc("add", json!({"a": 1, "b": 2}))
        .returns::<i64>()
        .await
        .unwrap();
    assert_eq!(sum.data, 3);
    let scoped = client.with_auth(EXTERNAL_JWT).unwrap();
    scoped
        .schema("private")
        .rpc("f", ())
        .get()
        .execute_raw()
        .await
        .unwrap();
    client
        .schema("private")
        .from("secrets")
        .select("id")
        .execute_raw()
        .await
        .unwrap();

    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3);
    assert_eq!(
        (sent[0].method.as_str(), sent[0].url.path()),
        ("POST", "/rest/v1/rpc/add")
    );
    assert_eq!(sent[0].body, br#"{"a":1,"b":2}"#);
    assert_eq!(
        header(&sent[0], "content-profile").as_deref(),
        Some("public")
    );
    assert_eq!(
        header(&sent[0], "authorization"),
        Some(format!("Bearer {ANON_KEY}"))
    );

    assert_eq!(
        (sent[1].method.as_str(), sent[1].url.path()),
        ("GET", "/rest/v1/rpc/f")
    );
    assert_eq!(
        header(&sent[1], "accept-profile").as_deref(),
        Some("private")
    );
    assert_eq!(
        header(&sent[1], "authorization"),
        Some(format!("Bearer {EXTERNAL_JWT}"))
    );

    assert_eq!(sent[2].url.path(), "/rest/v1/secrets");
    assert_eq!(sent[2].url.query(), Some("select=id"));
    assert_eq!(
        header(&sent[2], "accept-profile").as_deref(),
        Some("private")
    );
}
