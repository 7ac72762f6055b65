//! `client.from(..).select(..).stream::<T>()` through the façade: the same builders, and a
//! `with_auth` client's rows are fetched as that user (and the parent stays anonymous).
#![cfg(feature = "postgrest")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures_util::TryStreamExt;
use serde::Deserialize;
use supabase::Client;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::{MockServer, header, mint_user_jwt};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

#[derive(Debug, PartialEq, Deserialize)]
struct Row {
    id: i64,
}

#[tokio::test]
async fn a_scoped_client_streams_rows_with_its_users_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/t"))
        .and(query_param("select", "*"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"[{"id":1},{"id":2},{"id":3}]"#, "application/json"),
        )
        .mount(&server)
        .await;
    let parent = Client::builder(&server.uri(), ANON_KEY).build().unwrap();
    let alice = mint_user_jwt("alice", None);
    let scoped = parent.with_auth(&alice).unwrap();

    let rows: Vec<Row> = scoped
        .from("t")
        .select("*")
        .stream::<Row>()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows, [Row { id: 1 }, Row { id: 2 }, Row { id: 3 }]);
    let lines: Vec<String> = parent
        .from("t")
        .select("*")
        .csv()
        .stream_lines()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(lines, [r#"[{"id":1},{"id":2},{"id":3}]"#]);

    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        header(&sent[0], "authorization").as_deref(),
        Some(&*format!("Bearer {alice}"))
    );
    assert_eq!(header(&sent[0], "apikey").as_deref(), Some(ANON_KEY));
    assert_eq!(
        header(&sent[1], "authorization").as_deref(),
        Some(&*format!("Bearer {ANON_KEY}"))
    );
}
