//! The headline use case: `set_auth` / `with_auth` make requests as the user, safely.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::json;
use supabase::supabase_core::Error as CoreError;
use supabase_test_support::MockServer;
use supabase_test_support::conformance::{
    ActualRequest, Verdict, compare, fixtures_dir, load_golden,
};
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT, EXTERNAL_USER_ID};
use supabase_test_support::{header, mint_jwt, mint_user_jwt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Todo {
    id: i64,
    title: String,
}

async fn todos_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": 1, "title": "buy milk"}])),
        )
        .mount(&server)
        .await;
    server
}

fn bearer(r: &wiremock::Request) -> String {
    header(r, "authorization").expect("authorization header")
}

#[tokio::test]
async fn without_set_auth_the_key_is_the_bearer() {
    let server = todos_server().await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let rows = client
        .from("todos")
        .select("id, title")
        .eq("done", false)
        .execute::<Todo>()
        .await
        .unwrap();
    assert_eq!(
        rows.data,
        vec![Todo {
            id: 1,
            title: "buy milk".into()
        }]
    );
    assert_eq!(rows.status, 200);

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let r = &received[0];
    assert_eq!(r.method.as_str(), "GET");
    assert_eq!(r.url.path(), "/rest/v1/todos");
    assert_eq!(r.url.query(), Some("select=id%2Ctitle&done=eq.false"));
    assert_eq!(header(r, "apikey").as_deref(), Some(ANON_KEY));
    assert_eq!(bearer(r), format!("Bearer {ANON_KEY}"));
    assert_eq!(header(r, "accept-profile").as_deref(), Some("public"));
    assert_eq!(
        header(r, "x-client-info").as_deref(),
        Some(concat!("supabase-rs/", env!("CARGO_PKG_VERSION")))
    );
}

#[tokio::test]
async fn after_set_auth_the_user_token_is_the_bearer_and_apikey_is_unchanged() {
    let server = todos_server().await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let before = client.clone();
    let user = client.set_auth(EXTERNAL_JWT).unwrap();
    assert_eq!(user.id.as_deref(), Some(EXTERNAL_USER_ID));
    assert_eq!(user.role.as_deref(), Some("authenticated"));
    assert_eq!(user.email.as_deref(), Some("external@example.com"));
    assert_eq!(user.expires_at, Some(4_102_444_800));
    assert_eq!(user.claims.raw["iss"], json!("conformance-recorder"));

    client
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    before
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(bearer(&received[0]), format!("Bearer {EXTERNAL_JWT}"));
    assert_eq!(header(&received[0], "apikey").as_deref(), Some(ANON_KEY));
    // The clone taken before set_auth still sends the project key.
    assert_eq!(bearer(&received[1]), format!("Bearer {ANON_KEY}"));
    assert_eq!(header(&received[1], "apikey").as_deref(), Some(ANON_KEY));
}

#[tokio::test]
async fn a_failed_set_auth_leaves_the_client_unchanged() {
    let server = todos_server().await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    client.set_auth(EXTERNAL_JWT).unwrap();
    assert!(client.set_auth("garbage").is_err());
    client
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(bearer(&received[0]), format!("Bearer {EXTERNAL_JWT}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_scoped_clients_each_send_their_own_token() {
    let server = todos_server().await;
    let shared = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let sub = format!("user-{i}");
            let db = shared.with_auth(&mint_user_jwt(&sub, None)).unwrap();
            db.from("todos")
                .select("id")
                .eq("owner", &sub)
                .execute::<serde_json::Value>()
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 200);
    let mut seen = HashMap::new();
    for r in &received {
        // The filter says which task sent the request; the bearer must be that task's token.
        let owner = r
            .url
            .query_pairs()
            .find(|(k, _)| k == "owner")
            .map(|(_, v)| v.trim_start_matches("eq.").to_owned())
            .unwrap();
        let expected = format!("Bearer {}", mint_user_jwt(&owner, None));
        assert_eq!(
            bearer(r),
            expected,
            "request of {owner} carried another token"
        );
        assert_eq!(header(r, "apikey").as_deref(), Some(ANON_KEY));
        *seen.entry(owner).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 200);
    // The shared client itself was never switched to a user.
    shared
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(bearer(&last), format!("Bearer {ANON_KEY}"));
}

#[tokio::test]
async fn bad_tokens_are_rejected_and_nothing_is_sent() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(0)
        .mount(&server)
        .await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let expired = mint_user_jwt("old", Some(1_000));
    let crlf = format!("{EXTERNAL_JWT}\r\nX-Injected: 1");
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("two parts", "abc.def".into()),
        ("four parts", "a.b.c.d".into()),
        ("bad base64", "eyJhbGciOiJIUzI1NiJ9.!!!.sig".into()),
        (
            "claims not json",
            format!("eyJhbGciOiJIUzI1NiJ9.{}.sig", "bm90IGpzb24"),
        ),
        ("crlf", crlf),
        ("lf only", format!("{EXTERNAL_JWT}\n")),
        ("nul", format!("{EXTERNAL_JWT}\0")),
        (
            "huge",
            format!("eyJhbGciOiJIUzI1NiJ9.{}.sig", "e".repeat(100_000)),
        ),
    ];
    for (name, token) in &cases {
        let err = client.with_auth(token).expect_err(name);
        assert!(
            matches!(err.as_core(), Some(CoreError::MalformedJwt { .. })),
            "{name}: {err:?}"
        );
        assert!(
            !err.to_string().contains(EXTERNAL_JWT),
            "{name}: error echoes the token"
        );
        assert!(client.set_auth(token).is_err(), "{name}");
    }
    let err = client.with_auth(&expired).unwrap_err();
    assert!(matches!(
        err.as_core(),
        Some(CoreError::ExpiredJwt { expired_at: 1_000 })
    ));
    assert!(client.set_auth(&expired).is_err());
    // A token that is fine but for being sent with a bad header value.
    let bad_header = supabase::create_client(&server.uri(), "key\r\nx: y");
    assert!(matches!(
        bad_header.unwrap_err().as_core(),
        Some(CoreError::InvalidHeader { .. })
    ));
    // Empty table names are rejected before sending.
    let err = client
        .from("")
        .select("*")
        .execute::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, supabase::postgrest::Error::InvalidQuery(_)));
    let err = client
        .from("to\r\ndos")
        .select("*")
        .execute::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(err, supabase::postgrest::Error::InvalidQuery(_)));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_postgrest_error_keeps_code_message_details_and_hint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "code": "PGRST301",
            "message": "JWT expired",
            "details": "the token expired at noon",
            "hint": "refresh it"
        })))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY)
        .unwrap()
        .with_auth(&mint_jwt(&json!({"sub": "u", "role": "authenticated"})))
        .unwrap();
    let err = client
        .from("todos")
        .select("*")
        .execute::<Todo>()
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status, 401);
    assert_eq!(api.code.as_deref(), Some("PGRST301"));
    assert_eq!(api.message, "JWT expired");
    assert_eq!(api.details.as_deref(), Some("the token expired at noon"));
    assert_eq!(api.hint.as_deref(), Some("refresh it"));
    assert_eq!(err.code(), Some("PGRST301"));
}

#[tokio::test]
async fn debug_output_never_contains_the_key_or_the_token() {
    let mut client = supabase::create_client("https://x.supabase.co", ANON_KEY).unwrap();
    let scoped = client.with_auth(EXTERNAL_JWT).unwrap();
    client.set_auth(EXTERNAL_JWT).unwrap();
    let secret_parts = [
        ANON_KEY,
        EXTERNAL_JWT,
        &EXTERNAL_JWT[40..80],
        &ANON_KEY[40..80],
    ];
    let outputs = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{scoped:?}"),
        format!("{:?}", client.auth()),
        format!("{:?}", client.postgrest()),
        format!("{:?}", client.config()),
        format!("{:?}", client.from("t").select("*")),
        format!("{:?}", client.postgrest().token_provider()),
        format!("{:?}", supabase::supabase_core::Secret::new(EXTERNAL_JWT)),
        format!("{}", supabase::supabase_core::Secret::new(EXTERNAL_JWT)),
        format!("{:?}", supabase::AccessToken::new(EXTERNAL_JWT).unwrap()),
    ];
    for out in &outputs {
        for s in &secret_parts {
            assert!(!out.contains(s), "secret leaked in {out}");
        }
    }
}

/// The conformance golden recorded from supabase-js 1.35.7: setAuth, then select.
#[tokio::test]
async fn conformance_v1_set_auth_select() {
    let golden = load_golden(&fixtures_dir().join("golden/v1_set_auth_select.json"));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1}])))
        .mount(&server)
        .await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let token = golden.case["ops"][0]["args"][0].as_str().unwrap();
    client.set_auth(token).unwrap();
    let rows = client
        .from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(rows.data, vec![json!({"id": 1})]);
    let actual: Vec<ActualRequest> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(ActualRequest::from)
        .collect();
    let verdict = compare(&golden.requests, &actual);
    assert_eq!(verdict, Verdict::Exact, "{verdict:?}");

    // The comparison can fail: the same query without set_auth differs in its bearer.
    let anon = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    anon.from("todos")
        .select("id")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    let verdict = compare(&golden.requests, &[ActualRequest::from(&last)]);
    assert!(!verdict.passes(), "{verdict:?}");
}
