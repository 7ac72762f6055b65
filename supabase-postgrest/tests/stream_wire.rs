//! `stream::<T>()` and `stream_lines()` on the wire: the request is the one `execute` sends
//! (bearer, apikey, Accept, query, Prefer), the rows and the count come back, error answers
//! are the same typed errors, and a 503 before the body is retried as `execute` retries it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;
use supabase_postgrest::{Count, PostgrestClient};
use supabase_test_support::{MockServer, header};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const KEY: &str = "project-key-secret-123";
const USER: &str = "user-token-secret-456";

#[derive(Debug, PartialEq, Deserialize)]
struct Todo {
    id: i64,
    title: String,
}

fn client(server: &MockServer) -> PostgrestClient {
    PostgrestClient::new(&format!("{}/rest/v1", server.uri()), KEY)
        .unwrap()
        .with_token(USER)
        .unwrap()
}

#[tokio::test]
async fn the_request_is_the_one_execute_sends_and_the_rows_come_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .and(query_param("select", "id,title"))
        .and(query_param("done", "eq.false"))
        .respond_with(
            ResponseTemplate::new(206)
                .insert_header("content-range", "0-1/42")
                .set_body_raw(
                    r#"[{"id":1,"title":"a, \"b\" [c]"},{"id":2,"title":"é"}]"#,
                    "application/json",
                ),
        )
        .mount(&server)
        .await;
    let db = client(&server);
    let query = || {
        db.from("todos")
            .select("id,title")
            .eq("done", false)
            .count(Count::Exact)
    };
    let stream = query().stream::<Todo>().await.unwrap();
    assert_eq!(stream.status(), 206);
    assert_eq!(stream.total_count(), Some(42));
    assert_eq!(stream.content_range().unwrap().total, Some(42));
    let rows: Vec<Todo> = stream.try_collect().await.unwrap();
    let buffered = query().execute::<Todo>().await.unwrap();
    assert_eq!(rows, buffered.data);
    assert_eq!(
        rows,
        [
            Todo {
                id: 1,
                title: "a, \"b\" [c]".into()
            },
            Todo {
                id: 2,
                title: "é".into()
            }
        ]
    );

    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    let (streamed, executed) = (&sent[0], &sent[1]);
    assert_eq!(streamed.url, executed.url);
    assert_eq!(
        header(streamed, "authorization").as_deref(),
        Some(&*format!("Bearer {USER}"))
    );
    assert_eq!(header(streamed, "apikey").as_deref(), Some(KEY));
    assert_eq!(header(streamed, "prefer").as_deref(), Some("count=exact"));
    for name in [
        "authorization",
        "apikey",
        "prefer",
        "accept",
        "x-client-info",
    ] {
        assert_eq!(header(streamed, name), header(executed, name), "{name}");
    }
}

#[tokio::test]
async fn csv_records_stream_with_the_csv_accept_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "id,title\n1,\"two\nlines, \"\"quoted\"\"\"\n2,plain\n",
            "text/csv",
        ))
        .mount(&server)
        .await;
    let lines: Vec<String> = client(&server)
        .from("todos")
        .select("id,title")
        .csv()
        .stream_lines()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        lines,
        ["id,title", "1,\"two\nlines, \"\"quoted\"\"\"", "2,plain"]
    );
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(header(sent, "accept").as_deref(), Some("text/csv"));
    assert_eq!(
        header(sent, "authorization").as_deref(),
        Some(&*format!("Bearer {USER}"))
    );
}

#[tokio::test]
async fn an_error_answer_is_the_typed_error_execute_gives() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": "PGRST205",
            "message": "Could not find the table 'public.nope' in the schema cache",
            "details": null,
            "hint": "Perhaps you meant the table 'public.todos'",
        })))
        .mount(&server)
        .await;
    let db = client(&server);
    let streamed = db
        .from("nope")
        .select("*")
        .stream::<Todo>()
        .await
        .unwrap_err();
    let executed = db
        .from("nope")
        .select("*")
        .execute::<Todo>()
        .await
        .unwrap_err();
    assert!(streamed.is_not_found());
    assert_eq!(streamed.code(), Some("PGRST205"));
    assert_eq!(streamed.as_api(), executed.as_api());
    assert_eq!(
        streamed.as_api().unwrap().hint.as_deref(),
        Some("Perhaps you meant the table 'public.todos'")
    );
    let csv = db
        .from("nope")
        .select("*")
        .csv()
        .stream_lines()
        .await
        .unwrap_err();
    assert_eq!(csv.code(), Some("PGRST205"));
}

#[tokio::test]
async fn a_bad_argument_fails_before_sending() {
    let server = MockServer::start().await;
    let err = client(&server)
        .from("t")
        .select("*")
        .range(5, 1)
        .stream::<Todo>()
        .await
        .unwrap_err();
    assert!(matches!(err, supabase_postgrest::Error::InvalidQuery(_)));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_truncated_or_malformed_answer_is_an_error_item_after_the_good_rows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"[{"id":1,"title":"a"},{"id":2,"ti"#, "application/json"),
        )
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .from("todos")
        .select("*")
        .stream::<Todo>()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id, 1);
    assert!(matches!(
        items[1],
        Err(supabase_postgrest::Error::Core(
            supabase_core::Error::Decode { .. }
        ))
    ));
}

#[tokio::test]
async fn an_empty_body_to_a_get_is_an_error_as_with_execute() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let db = client(&server);
    let items: Vec<_> = db
        .from("todos")
        .select("*")
        .stream::<Todo>()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
    assert!(
        db.from("todos")
            .select("*")
            .execute::<Todo>()
            .await
            .is_err()
    );
}

/// A client whose pool has no idle timer (the clock is paused; see tests/retries.rs).
fn paused_client(server: &MockServer) -> PostgrestClient {
    let http = supabase_core::http_client_builder()
        .unwrap()
        .pool_idle_timeout(None)
        .build()
        .unwrap();
    let config = supabase_core::Config::new(&server.uri(), KEY)
        .unwrap()
        .http_client(http);
    PostgrestClient::from_config(&config).unwrap()
}

struct FailFirst;

impl wiremock::Respond for FailFirst {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        if header(request, "x-retry-count").is_none() {
            ResponseTemplate::new(503).set_body_json(json!({"code": "PGRST002", "message": "x"}))
        } else {
            ResponseTemplate::new(200).set_body_raw(r#"[{"id":7,"title":"t"}]"#, "application/json")
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_503_before_the_body_is_retried_as_execute_retries_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/t"))
        .respond_with(FailFirst)
        .mount(&server)
        .await;
    let db = paused_client(&server);
    let rows: Vec<Todo> = db
        .from("t")
        .select("*")
        .stream::<Todo>()
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows[0].id, 7);
    let sent = server.received_requests().await.unwrap();
    let counts: Vec<_> = sent.iter().map(|r| header(r, "x-retry-count")).collect();
    assert_eq!(counts.first(), Some(&None));
    assert_eq!(counts.last(), Some(&Some("1".to_owned())));
    // Not retried when the builder says so: the 503 is the typed error.
    let err = db
        .from("t")
        .select("*")
        .retry(false)
        .stream::<Todo>()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
}

/// The streams and the futures that open them can move between threads (`tokio::spawn`).
#[test]
fn streams_and_their_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let db = PostgrestClient::new("http://localhost/rest/v1", KEY).unwrap();
    let rows = db.from("t").select("*").stream::<Todo>();
    send(&rows);
    let lines = db.from("t").select("*").csv().stream_lines();
    send(&lines);
    fn stream_is_send<T: Send + 'static>() {}
    stream_is_send::<supabase_postgrest::RowStream<Todo>>();
    stream_is_send::<supabase_postgrest::CsvStream>();
}
