//! What goes out on the wire: tokens, schema headers, headers set by the caller, reuse of
//! builders; and bad input, which is a typed error before anything is sent. Secrets never
//! show in `Debug`, `Display` or error messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde_json::json;
use supabase_core::{AccessToken, Config, TokenProvider, async_trait};
use supabase_postgrest::{Count, Error, IsValue, PostgrestClient, UpsertOptions};
use supabase_test_support::MockServer;
use supabase_test_support::{header, header_values};
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

const KEY: &str = "project-key-secret-123";
const USER_TOKEN: &str = "user-token-secret-456";

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> PostgrestClient {
    PostgrestClient::new(&format!("{}/rest/v1", server.uri()), KEY).unwrap()
}

#[derive(Debug, Default)]
struct CountingTokens {
    invalidated: AtomicUsize,
}

#[async_trait]
impl TokenProvider for CountingTokens {
    async fn access_token(&self) -> Result<Option<AccessToken>, supabase_core::Error> {
        Ok(Some(AccessToken::new(USER_TOKEN)?))
    }
    async fn invalidate(&self) {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_token_provider_supplies_the_bearer_and_hears_about_401() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"code": "PGRST303", "message": "JWT expired", "details": null, "hint": null}),
        ))
        .mount(&server)
        .await;
    let tokens = Arc::new(CountingTokens::default());
    let db = client(&server).with_token_provider(tokens.clone());
    let err = db.from("t").select("*").await.unwrap_err();
    assert!(err.is_jwt_expired());
    assert_eq!(tokens.invalidated.load(Ordering::SeqCst), 1);
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        header(sent, "authorization"),
        Some(format!("Bearer {USER_TOKEN}"))
    );
    assert_eq!(header(sent, "apikey").as_deref(), Some(KEY));
    // No secret in the error.
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(KEY) && !text.contains(USER_TOKEN), "{text}");
    }
}

#[tokio::test]
async fn schema_and_global_headers_go_out_as_postgrest_js_sends_them() {
    let server = ok_server().await;
    let config = Config::new(&server.uri(), KEY)
        .unwrap()
        .header("x-app", "demo")
        .unwrap()
        .header("Prefer", "tx=rollback")
        .unwrap();
    let db = PostgrestClient::from_config(&config).unwrap().schema("api");
    db.from("t").select("id").await.unwrap();
    db.from("t")
        .insert(json!({"a": 1}))
        .count(Count::Exact)
        .await
        .unwrap();
    db.rpc("f", json!({"a": 1}))
        .count(Count::Exact)
        .await
        .unwrap();
    db.from("t")
        .select("id")
        .set_header("Accept-Profile", "ignored")
        .set_header("Content-Type", "text/plain")
        .await
        .unwrap();

    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 4);
    let (get, insert, rpc, overridden) = (&sent[0], &sent[1], &sent[2], &sent[3]);
    assert_eq!(header(get, "accept-profile").as_deref(), Some("api"));
    assert_eq!(header(get, "content-profile"), None);
    assert_eq!(header(get, "x-app").as_deref(), Some("demo"));
    assert_eq!(header(get, "prefer").as_deref(), Some("tx=rollback"));
    assert_eq!(header(get, "content-type"), None);

    assert_eq!(header(insert, "content-profile").as_deref(), Some("api"));
    assert_eq!(
        header(insert, "content-type").as_deref(),
        Some("application/json")
    );
    // The client's Prefer comes first, joined as postgrest-js joins (", "), sent once.
    assert_eq!(
        header_values(insert, "prefer"),
        ["tx=rollback, count=exact"]
    );
    // rpc() replaces the client's Prefer (postgrest-js `headers.set`).
    assert_eq!(header_values(rpc, "prefer"), ["count=exact"]);
    assert_eq!(rpc.url.path(), "/rest/v1/rpc/f");

    // The schema header wins over set_header; Content-Type is not added to GET.
    assert_eq!(header(overridden, "accept-profile").as_deref(), Some("api"));
    assert_eq!(
        header(overridden, "content-type").as_deref(),
        Some("text/plain")
    );
}

#[tokio::test]
async fn set_header_overrides_the_bearer_for_one_request() {
    let server = ok_server().await;
    let db = client(&server);
    db.from("t")
        .select("*")
        .set_header("Authorization", "Bearer other")
        .set_header("x-trace", "1")
        .await
        .unwrap();
    db.from("t").select("*").await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(
        header(&sent[0], "authorization").as_deref(),
        Some("Bearer other")
    );
    assert_eq!(header(&sent[0], "x-trace").as_deref(), Some("1"));
    assert_eq!(
        header(&sent[1], "authorization"),
        Some(format!("Bearer {KEY}"))
    );
    assert_eq!(header(&sent[1], "x-trace"), None);
}

#[tokio::test]
async fn builders_are_lazy_clonable_and_reusable() {
    let server = ok_server().await;
    let db = client(&server);
    let todos = db.from("todos");
    let base = todos.select("id").eq("done", false);
    let mine = base.clone().eq("owner", "me");
    let not_yet = base.clone();
    assert!(server.received_requests().await.unwrap().is_empty());
    base.await.unwrap();
    mine.clone().await.unwrap();
    mine.await.unwrap();
    todos.delete().eq("id", 1).await.unwrap();
    drop(not_yet);
    let queries: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.query().unwrap_or_default()))
        .collect();
    assert_eq!(
        queries,
        [
            "GET select=id&done=eq.false",
            "GET select=id&done=eq.false&owner=eq.me",
            "GET select=id&done=eq.false&owner=eq.me",
            "DELETE id=eq.1",
        ]
    );
}

#[tokio::test]
async fn names_are_single_path_segments() {
    let server = ok_server().await;
    let db = client(&server);
    db.from("my table/ü?x#y").select("*").await.unwrap();
    db.rpc("fn name?x=1", ()).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent[0].url.path(), "/rest/v1/my%20table%2F%C3%BC%3Fx%23y");
    assert_eq!(sent[0].url.query(), Some("select=*"));
    assert_eq!(sent[1].url.path(), "/rest/v1/rpc/fn%20name%3Fx=1");
    assert_eq!(sent[1].url.query(), None);
    assert_eq!(sent[1].body, b"{}");
}

#[tokio::test]
async fn rpc_get_and_head_put_arguments_in_the_query() {
    #[derive(Serialize)]
    struct Args<'a> {
        b: i64,
        a: &'a str,
        tags: &'a [&'a str],
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<i64>,
        nothing: Option<i64>,
    }
    let server = ok_server().await;
    let db = client(&server);
    let args = Args {
        b: 1,
        a: "x y",
        tags: &["a,b", "c"],
        skipped: None,
        nothing: None,
    };
    db.rpc("f", &args).get().await.unwrap();
    db.rpc("f", &args).count(Count::Exact).head().await.unwrap();
    // An object argument makes HEAD a POST with return=minimal (as postgrest-js).
    db.rpc("f", json!({"o": {"k": 1}}))
        .count(Count::Exact)
        .head()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    let expected_query = "b=1&a=x+y&tags=%7B%22a%2Cb%22%2Cc%7D&nothing=null";
    assert_eq!(sent[0].method.as_str(), "GET");
    assert_eq!(sent[0].url.query(), Some(expected_query));
    assert!(sent[0].body.is_empty());
    assert_eq!(sent[1].method.as_str(), "HEAD");
    assert_eq!(sent[1].url.query(), Some(expected_query));
    assert_eq!(header(&sent[1], "prefer").as_deref(), Some("count=exact"));
    assert_eq!(sent[2].method.as_str(), "POST");
    assert_eq!(sent[2].url.query(), None);
    assert_eq!(sent[2].body, br#"{"o":{"k":1}}"#);
    assert_eq!(
        header(&sent[2], "prefer").as_deref(),
        Some("count=exact,return=minimal")
    );
}

#[tokio::test]
async fn bad_input_is_a_typed_error_before_anything_is_sent() {
    let server = ok_server().await;
    let db = client(&server);
    let mut bad_map = BTreeMap::new();
    bad_map.insert(vec![1u8], 1);

    let errors: Vec<(&str, Error)> = vec![
        ("empty table", db.from("").select("*").await.unwrap_err()),
        ("blank table", db.from("  ").select("*").await.unwrap_err()),
        (
            "table with LF",
            db.from("a\nb").select("*").await.unwrap_err(),
        ),
        ("empty function", db.rpc("", ()).await.unwrap_err()),
        (
            "empty column",
            db.from("t").select("*").eq("", 1).await.unwrap_err(),
        ),
        (
            "column with CR",
            db.from("t")
                .select("*")
                .is("a\rb", IsValue::Null)
                .await
                .unwrap_err(),
        ),
        (
            "range backwards",
            db.from("t").select("*").range(5, 1).await.unwrap_err(),
        ),
        (
            "header value with CRLF",
            db.from("t")
                .select("*")
                .set_header("x-a", "b\r\nx-evil: 1")
                .await
                .unwrap_err(),
        ),
        (
            "header name with space",
            db.from("t")
                .select("*")
                .set_header("bad name", "v")
                .await
                .unwrap_err(),
        ),
        (
            "strip_nulls after csv",
            db.from("t")
                .select("*")
                .csv()
                .strip_nulls()
                .await
                .unwrap_err(),
        ),
        (
            "head on insert",
            db.from("t").insert(json!({})).head().await.unwrap_err(),
        ),
        (
            "get on a table",
            db.from("t").select("*").get().await.unwrap_err(),
        ),
        (
            "unserializable body",
            db.from("t").insert(&bad_map).await.unwrap_err(),
        ),
        (
            "unserializable upsert",
            db.from("t")
                .upsert_with(&bad_map, UpsertOptions::new())
                .await
                .unwrap_err(),
        ),
        (
            "rpc GET args not an object",
            db.rpc("f", [1, 2]).get().await.unwrap_err(),
        ),
        (
            "schema with LF",
            db.schema("a\nb").from("t").select("*").await.unwrap_err(),
        ),
    ];
    for (what, err) in &errors {
        assert!(
            matches!(
                err,
                Error::InvalidQuery(_)
                    | Error::Serialize(_)
                    | Error::Core(supabase_core::Error::InvalidHeader { .. })
            ),
            "{what}: {err:?}"
        );
        assert!(!err.to_string().is_empty());
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn secrets_never_show_in_debug_output() {
    let server = ok_server().await;
    let db = client(&server).with_token(USER_TOKEN).unwrap();
    let builder = db
        .from("t")
        .select("*")
        .set_header("Authorization", &format!("Bearer {USER_TOKEN}"))
        .set_header("apikey", KEY)
        .set_header("x-forwarded-user-jwt", "custom-header-SECRET")
        .set_header("Cookie", "session=cookie-SECRET");
    for text in [
        format!("{db:?}"),
        format!("{builder:?}"),
        format!("{:?}", builder.clone().single()),
    ] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(USER_TOKEN), "{text}");
        assert!(!text.contains("custom-header-SECRET"), "{text}");
        assert!(!text.contains("cookie-SECRET"), "{text}");
    }
    // The request still carries them.
    builder.await.unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        header(sent, "authorization"),
        Some(format!("Bearer {USER_TOKEN}"))
    );
    assert_eq!(header(sent, "apikey").as_deref(), Some(KEY));

    // A token that cannot be sent is refused without echoing it.
    let err = db.with_token("bad\ntoken-secret").unwrap_err();
    assert!(!format!("{err} {err:?}").contains("token-secret"));
}
