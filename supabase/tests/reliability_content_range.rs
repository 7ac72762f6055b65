//! `Content-Range` answers to a counted select (`.count(Count::Exact)`): missing, malformed,
//! huge, negative or garbage values give a typed result, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use supabase::postgrest::Count;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::header;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// Answers one counted select with `status`, two rows and `content_range` (if any); returns
/// the count the client reported and checks what went out.
async fn counted(status: u16, content_range: Option<&str>) -> Result<Option<u64>, String> {
    let server = MockServer::start().await;
    let mut answer = ResponseTemplate::new(status).set_body_json(json!([{"id": 1}, {"id": 2}]));
    if let Some(value) = content_range {
        answer = answer.insert_header("content-range", value);
    }
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(answer)
        .expect(1)
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let result = client
        .from("todos")
        .select("id")
        .count(Count::Exact)
        .execute::<Value>()
        .await;
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.query(), Some("select=id"));
    assert_eq!(
        header(&received[0], "prefer").as_deref(),
        Some("count=exact")
    );
    match result {
        Ok(response) => {
            assert_eq!(response.data, vec![json!({"id": 1}), json!({"id": 2})]);
            Ok(response.count)
        }
        Err(e) => Err(format!("{e:?}")),
    }
}

#[tokio::test]
async fn bad_content_range_values_give_no_count_and_keep_the_rows() {
    let cases: [(u16, Option<&str>, Option<u64>); 18] = [
        (200, None, None),
        (206, None, None),
        (200, Some("0-1/2"), Some(2)),
        (200, Some("*/7"), Some(7)),
        (200, Some("0-1/ 2"), Some(2)),
        (200, Some("0-1/18446744073709551615"), Some(u64::MAX)),
        // Larger than a u64.
        (200, Some("0-1/99999999999999999999999"), None),
        (200, Some("0-0/99999999999999999999999"), None),
        (206, Some("0-1/99999999999999999999999"), None),
        // Negative numbers.
        (200, Some("0-1/-5"), None),
        (200, Some("-1-0/2"), None),
        // Malformed or garbage.
        (200, Some("garbage"), None),
        (200, Some(""), None),
        (200, Some("1-0/2"), None),
        (200, Some("0-1/*"), None),
        (200, Some("0-1/2/3"), None),
        (200, Some("0-1/2e3"), None),
        (200, Some("0-1/\u{ff10}"), None),
    ];
    for (status, value, expected) in cases {
        assert_eq!(
            counted(status, value).await,
            Ok(expected),
            "{status} {value:?}"
        );
    }
}
