//! Invocations against the Functions mock of `supabase-test-support`: what goes out, how
//! answers are read, and the typed errors of bad servers (nothing hangs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use supabase_functions::{
    Config, FunctionsClient, FunctionsError, Method, Multipart, Part, Region, ResponseData,
    StaticTokenProvider,
};
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::functions_mock::FunctionsMock;
use supabase_test_support::mint_user_jwt;

fn client(mock: &FunctionsMock) -> FunctionsClient {
    FunctionsClient::new(&mock.functions_url(), ANON_KEY).unwrap()
}

#[tokio::test]
async fn json_body_as_a_user_and_the_key_otherwise() {
    let mock = FunctionsMock::start();
    let functions = client(&mock);
    let jwt = mint_user_jwt("user-1", None);
    let user =
        functions.with_token_provider(Arc::new(StaticTokenProvider::from_token(&jwt).unwrap()));

    let echo: Value = user
        .invoke("hello")
        .body_json(&json!({"name": "Ada"}))
        .header("x-custom", "1")
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], r#"{"name":"Ada"}"#);
    assert_eq!(echo["headers"]["content-type"], "application/json");
    assert_eq!(echo["headers"]["x-custom"], "1");
    assert_eq!(echo["user"]["sub"], "user-1");
    assert!(echo["headers"].get("authorization").is_none());

    // The original client is unchanged: the project key as bearer.
    functions.invoke("hello").send().await.unwrap();
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {jwt}").as_str())
    );
    assert_eq!(sent[0].header("apikey"), Some(ANON_KEY));
    assert_eq!(
        sent[1].header("authorization"),
        Some(format!("Bearer {ANON_KEY}").as_str())
    );
    // No body, no content type.
    assert_eq!(sent[1].header("content-type"), None);
    assert!(sent[1].body.is_empty());
}

#[tokio::test]
async fn bodies_and_content_types() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    f.invoke("t")
        .method(Method::PATCH)
        .body_text("name=Ada")
        .send()
        .await
        .unwrap();
    f.invoke("b")
        .body_bytes(vec![0u8, 1, 2, 255])
        .send()
        .await
        .unwrap();
    f.invoke("png")
        .body(vec![0x89u8, b'P'], "image/png")
        .send()
        .await
        .unwrap();
    f.invoke("csv")
        .header("Content-Type", "text/csv")
        .body_json(&json!({"a": 1}))
        .send()
        .await
        .unwrap();
    let chunks = futures_util::stream::iter([
        Ok::<_, std::io::Error>(bytes::Bytes::from("ab")),
        Ok(bytes::Bytes::from("c")),
    ]);
    f.invoke("s")
        .body_stream(chunks, None)
        .send()
        .await
        .unwrap();
    let form = Multipart::new().text("a", "1").part(
        "file",
        Part::new("x").file_name("f.txt").content_type("text/plain"),
    );
    f.invoke("m").body_multipart(form).send().await.unwrap();

    let sent = mock.requests();
    assert_eq!(sent[0].method, "PATCH");
    assert_eq!(sent[0].header("content-type"), Some("text/plain"));
    assert_eq!(sent[0].body, b"name=Ada");
    assert_eq!(
        sent[1].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(sent[1].body, [0u8, 1, 2, 255]);
    assert_eq!(sent[2].header("content-type"), Some("image/png"));
    assert_eq!(sent[3].header("content-type"), Some("text/csv"));
    assert_eq!(sent[3].body, br#"{"a":1}"#);
    assert_eq!(sent[4].body, b"abc");
    assert_eq!(
        sent[4].header("content-type"),
        Some("application/octet-stream")
    );
    let ct = sent[5].header("content-type").unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = String::from_utf8(sent[5].body.clone()).unwrap();
    assert!(text.contains("name=\"file\"; filename=\"f.txt\""), "{text}");
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    let get_with_body = f
        .invoke("x")
        .method(Method::GET)
        .body_text("a")
        .send()
        .await;
    assert!(matches!(get_with_body, Err(FunctionsError::InvalidInput(m)) if m.contains("GET")));
    assert!(matches!(
        f.invoke("").send().await,
        Err(FunctionsError::InvalidInput(_))
    ));
    let auth = f
        .invoke("x")
        .header("Authorization", "Bearer secret-token")
        .send()
        .await;
    match auth {
        Err(FunctionsError::InvalidInput(m)) => assert!(!m.contains("secret-token"), "{m}"),
        other => panic!("{other:?}"),
    }
    let bad = f.invoke("x").header("x-bad", "a\r\nb").send().await;
    assert!(matches!(bad, Err(FunctionsError::Core(_))), "{bad:?}");
    assert!(Region::new("Bad").is_err());
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn regions_per_call_and_per_client_and_names_in_the_path() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    f.invoke("a")
        .region(Region::EU_WEST_2)
        .send()
        .await
        .unwrap();
    let regional = f.with_region(Region::US_EAST_1);
    regional.invoke("b").query("x", "1 2").send().await.unwrap();
    regional
        .invoke("c")
        .region(Region::ANY)
        .send()
        .await
        .unwrap();
    regional
        .invoke("d")
        .header("x-region", "ap-south-1")
        .send()
        .await
        .unwrap();
    f.invoke("my fn/ü?#")
        .method(Method::DELETE)
        .send()
        .await
        .unwrap();
    // A global x-region header beats the region's (functions-js's header priority).
    let config = Config::new(mock.url(), ANON_KEY)
        .unwrap()
        .header("x-region", "sa-east-1")
        .unwrap();
    let global = FunctionsClient::from_config(&config).unwrap();
    global
        .invoke("e")
        .region(Region::EU_WEST_1)
        .send()
        .await
        .unwrap();

    let sent = mock.requests();
    assert_eq!(sent[0].header("x-region"), Some("eu-west-2"));
    assert_eq!(
        sent[0].query.as_deref(),
        Some("forceFunctionRegion=eu-west-2")
    );
    assert_eq!(sent[1].header("x-region"), Some("us-east-1"));
    assert_eq!(
        sent[1].query.as_deref(),
        Some("x=1+2&forceFunctionRegion=us-east-1")
    );
    assert_eq!(sent[2].header("x-region"), None);
    assert_eq!(sent[2].query, None);
    assert_eq!(sent[3].header("x-region"), Some("ap-south-1"));
    assert_eq!(
        sent[3].query.as_deref(),
        Some("forceFunctionRegion=us-east-1")
    );
    assert_eq!(sent[4].method, "DELETE");
    assert_eq!(sent[4].path, "/functions/v1/my%20fn/%C3%BC%3F%23");
    assert_eq!(sent[5].header("x-region"), Some("sa-east-1"));
    assert_eq!(
        sent[5].query.as_deref(),
        Some("forceFunctionRegion=eu-west-1")
    );
}

#[tokio::test]
async fn answers_decoded_by_content_type() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    let text = f
        .invoke("content-type")
        .query("ct", "text/plain; charset=utf-8")
        .query("body", "hello text")
        .send()
        .await
        .unwrap();
    assert_eq!(
        text.data().unwrap(),
        ResponseData::Text("hello text".into())
    );
    let bytes = f.invoke("bytes").query("n", "4").send().await.unwrap();
    assert_eq!(
        bytes.data().unwrap(),
        ResponseData::Bytes(bytes::Bytes::from_static(b"xxxx"))
    );
    let json = f.invoke("echo").send().await.unwrap();
    assert!(matches!(json.data().unwrap(), ResponseData::Json(_)));
    assert_eq!(json.status(), 200);
    // Wrong content types: typed errors.
    let not_json = f
        .invoke("content-type")
        .query("ct", "application/json")
        .query("body", "<html>")
        .send()
        .await
        .unwrap();
    match not_json.data() {
        Err(FunctionsError::Decode {
            content_type,
            body_snippet,
            ..
        }) => {
            assert_eq!(content_type.as_deref(), Some("application/json"));
            assert_eq!(body_snippet, "<html>");
        }
        other => panic!("{other:?}"),
    }
    let events = f.invoke("echo").events().await;
    match events {
        Err(FunctionsError::UnexpectedContentType { expected, actual }) => {
            assert_eq!(expected, "text/event-stream");
            assert_eq!(actual.as_deref(), Some("application/json"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn error_answers_relay_errors_and_no_answer() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    match f
        .invoke("status/500")
        .body_json(&json!({"a": 1}))
        .send()
        .await
    {
        Err(e @ FunctionsError::Http(_)) => {
            assert_eq!(
                e.status(),
                Some(supabase_functions::StatusCode::INTERNAL_SERVER_ERROR)
            );
            let body: Value = e.response().unwrap().json().unwrap();
            assert_eq!(body["error"], "status 500");
        }
        other => panic!("{other:?}"),
    }
    // A relay error even on a 200, streamed or not.
    assert!(matches!(
        f.invoke("relay-error").send().await,
        Err(FunctionsError::Relay(_))
    ));
    match f.invoke("relay-error").send_streaming().await {
        Err(FunctionsError::Relay(r)) => assert!(r.text().contains("relay error")),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        f.invoke("status/404").events().await,
        Err(FunctionsError::Http(_))
    ));

    // Nobody listening: no answer.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let gone =
        FunctionsClient::new(&format!("http://127.0.0.1:{port}/functions/v1"), ANON_KEY).unwrap();
    assert!(matches!(
        gone.invoke("x").send().await,
        Err(FunctionsError::Fetch(_))
    ));
}

#[tokio::test]
async fn server_sent_events_and_a_stream_cut_midway() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    let events: Vec<_> = f
        .invoke("sse")
        .query("n", "5")
        .events()
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 5);
    for (i, e) in events.iter().enumerate() {
        let e = e.as_ref().unwrap();
        assert_eq!(e.event, "tick");
        assert_eq!(e.id, i.to_string());
        let data: Value = e.json().unwrap();
        assert_eq!(data["n"], i);
    }
    assert_eq!(
        mock.requests()[0].header("accept"),
        Some("text/event-stream")
    );

    let started = Instant::now();
    let mut cut = f
        .invoke("sse")
        .query("n", "5")
        .query("cut", "2")
        .events()
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut error = None;
    while let Some(item) = cut.next().await {
        match item {
            Ok(e) => got.push(e.id),
            Err(e) => error = Some(e),
        }
    }
    assert_eq!(got, ["0", "1"]);
    assert!(
        matches!(error, Some(FunctionsError::Interrupted(_))),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn bodies_larger_than_the_limit() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    // Announced by Content-Length: refused at once.
    let r = f
        .invoke("bytes")
        .query("n", "100000")
        .limit(10_000)
        .send()
        .await;
    assert!(
        matches!(r, Err(FunctionsError::ResponseTooLarge { limit: 10_000 })),
        "{r:?}"
    );
    // Chunked: found while reading, buffered or streamed.
    let r = f
        .invoke("bytes")
        .query("n", "100000")
        .query("chunked", "1")
        .limit(10_000)
        .send()
        .await;
    assert!(
        matches!(r, Err(FunctionsError::ResponseTooLarge { limit: 10_000 })),
        "{r:?}"
    );
    let stream = f
        .invoke("bytes")
        .query("n", "100000")
        .query("chunked", "1")
        .limit(10_000)
        .send_streaming()
        .await
        .unwrap()
        .bytes_stream();
    let items: Vec<_> = stream.collect().await;
    assert!(matches!(
        items.last(),
        Some(Err(FunctionsError::ResponseTooLarge { .. }))
    ));
    // Within the limit.
    let ok = f
        .invoke("bytes")
        .query("n", "100000")
        .query("chunked", "1")
        .limit(100_000)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.body().len(), 100_000);
}

#[tokio::test(start_paused = true)]
async fn slow_answers_time_out_without_waiting() {
    let mock = FunctionsMock::start();
    let f = client(&mock);
    let started = Instant::now();
    let r = f
        .invoke("slow")
        .query("ms", "60000")
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    assert!(matches!(r, Err(FunctionsError::Timeout)), "{r:?}");
    // Under the paused clock the limit may pass before the head arrives (the clock jumps
    // while the runtime waits on the socket): either way it ends in a typed timeout.
    let outcome = f
        .invoke("sse")
        .query("n", "3")
        .query("delay_ms", "60000")
        .timeout(Duration::from_secs(10))
        .events()
        .await;
    match outcome {
        Err(FunctionsError::Timeout) => {}
        Ok(events) => {
            let items: Vec<_> = events.collect().await;
            assert!(items.len() <= 2, "{items:?}");
            assert!(
                matches!(items.last(), Some(Err(FunctionsError::Timeout))),
                "{items:?}"
            );
        }
        Err(other) => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn secrets_never_show() {
    let mock = FunctionsMock::start();
    let jwt = mint_user_jwt("user-1", None);
    let f =
        client(&mock).with_token_provider(Arc::new(StaticTokenProvider::from_token(&jwt).unwrap()));
    let invoke = f.invoke("status/401").header("x-a", "b");
    let shown = format!("{f:?} {invoke:?}");
    assert!(
        !shown.contains(ANON_KEY) && !shown.contains(&jwt),
        "{shown}"
    );
    let err = invoke.send().await.unwrap_err();
    let shown = format!("{err:?} {err}");
    assert!(
        !shown.contains(ANON_KEY) && !shown.contains(&jwt),
        "{shown}"
    );
    let ok = f.invoke("echo").send().await.unwrap();
    let shown = format!("{ok:?}");
    assert!(
        !shown.contains(ANON_KEY) && !shown.contains(&jwt),
        "{shown}"
    );
}

/// The time limit covers a whole stream: the first event arrives, then the limit passes while
/// the function waits (real clock, 300 ms).
#[tokio::test]
async fn a_stream_times_out_between_events() {
    let mock = FunctionsMock::start();
    let started = Instant::now();
    let mut events = client(&mock)
        .invoke("sse")
        .query("n", "3")
        .query("delay_ms", "60000")
        .timeout(Duration::from_millis(300))
        .events()
        .await
        .unwrap();
    assert_eq!(events.next().await.unwrap().unwrap().id, "0");
    assert!(matches!(
        events.next().await,
        Some(Err(FunctionsError::Timeout))
    ));
    assert!(events.next().await.is_none());
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}
