//! Bad servers: every broken answer is a typed error, never a panic, and never a hang.
//!
//! wiremock plays servers that answer with broken bodies; raw TCP servers on 127.0.0.1 play
//! servers that break HTTP itself (never answer, drip, cut the body short, stream forever).
//! Time-based cases run on tokio's paused clock: the timeouts fire in virtual time, and each
//! such test also checks that it took (almost) no real time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use supabase::supabase_core::{
    Config, Error as CoreError, Method, ProjectKeyProvider, Request, Transport, TransportErrorKind,
    TransportOptions, Url,
};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::header;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Todo {
    id: i64,
    title: String,
}

/// A server that answers `GET /rest/v1/todos` with `response`.
async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// `select * from todos` through the façade, as a user would write it.
async fn select_todos(client: &supabase::Client) -> Result<Vec<Todo>, supabase::Error> {
    Ok(client
        .from("todos")
        .select("*")
        .execute::<Todo>()
        .await?
        .data)
}

async fn select_from(url: &str) -> Result<Vec<Todo>, supabase::Error> {
    select_todos(&supabase::create_client(url, ANON_KEY).unwrap()).await
}

fn core(err: &supabase::Error) -> &CoreError {
    err.as_core()
        .unwrap_or_else(|| panic!("not a core error: {err:?}"))
}

/// Asserts a `Decode` error and returns its path, message and snippet.
fn decode_error(err: &supabase::Error) -> (String, String, String) {
    match core(err) {
        CoreError::Decode {
            path,
            message,
            body_snippet,
        } => (path.clone(), message.clone(), body_snippet.clone()),
        other => panic!("expected Decode, got {other:?}"),
    }
}

/// The request wiremock received, checked to be the one `select_todos` sends.
async fn assert_one_select(server: &MockServer) {
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].method.as_str(), "GET");
    assert_eq!(received[0].url.path(), "/rest/v1/todos");
    assert_eq!(received[0].url.query(), Some("select=*"));
    assert_eq!(header(&received[0], "apikey").as_deref(), Some(ANON_KEY));
}

#[tokio::test(start_paused = true)]
async fn truncated_json_is_a_decode_error_with_a_snippet() {
    let body = r#"[{"id":1,"title":"buy milk"},{"id":2,"tit"#;
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(body.as_bytes(), "application/json"),
    )
    .await;
    let err = select_from(&server.uri()).await.unwrap_err();
    let (path, message, snippet) = decode_error(&err);
    // The key was cut short, so serde_path_to_error names it `?`.
    assert_eq!(path, "[1].?");
    assert!(message.contains("EOF"), "{message}");
    assert_eq!(snippet, body);
    assert_one_select(&server).await;
}

#[tokio::test(start_paused = true)]
async fn invalid_json_and_trailing_garbage_are_decode_errors() {
    for (body, expected_path) in [
        (r#"[{"id":1,"title":"a"},]"#, "."),
        (r#"[{"id":1,"title":"a"}] trailing"#, "."),
        ("{{{{", "."),
        ("nul", "."),
        (r#"[{"id":"one","title":"a"}]"#, "[0].id"),
        (r#"[{"id":1}]"#, "[0]"),
    ] {
        let server = server_answering(
            ResponseTemplate::new(200).set_body_raw(body.as_bytes(), "application/json"),
        )
        .await;
        let err = select_from(&server.uri()).await.unwrap_err();
        let (path, message, snippet) = decode_error(&err);
        assert_eq!(path, expected_path, "{body}: {message}");
        assert_eq!(snippet, body);
        assert!(err.to_string().contains("could not decode"), "{err}");
        assert_one_select(&server).await;
    }
}

#[tokio::test(start_paused = true)]
async fn an_html_page_with_status_200_is_a_decode_error() {
    let html = "<!doctype html><html><body>Cloudflare: please wait</body></html>";
    let server =
        server_answering(ResponseTemplate::new(200).set_body_raw(html.as_bytes(), "text/html"))
            .await;
    let err = select_from(&server.uri()).await.unwrap_err();
    let (path, message, snippet) = decode_error(&err);
    assert_eq!(path, ".");
    assert!(message.contains("expected value"), "{message}");
    assert_eq!(snippet, html);
}

/// postgrest-js parses the body whatever the content type says; so does this client.
#[tokio::test(start_paused = true)]
async fn json_under_a_wrong_content_type_is_still_decoded() {
    let server = server_answering(
        ResponseTemplate::new(200)
            .set_body_raw(r#"[{"id":7,"title":"x"}]"#.as_bytes(), "text/plain"),
    )
    .await;
    let rows = select_from(&server.uri()).await.unwrap();
    assert_eq!(
        rows,
        vec![Todo {
            id: 7,
            title: "x".into()
        }]
    );
}

#[tokio::test(start_paused = true)]
async fn empty_bodies() {
    // 200 with no body: not a list of rows.
    let server = server_answering(ResponseTemplate::new(200)).await;
    let err = select_from(&server.uri()).await.unwrap_err();
    let (path, message, snippet) = decode_error(&err);
    assert_eq!(path, ".");
    assert!(message.contains("EOF"), "{message}");
    assert_eq!(snippet, "");
    // An error status with no body: the status text is the message.
    for (status, text) in [
        (500, "Internal Server Error"),
        (404, "Not Found"),
        (503, "Service Unavailable"),
    ] {
        let server = server_answering(ResponseTemplate::new(status)).await;
        let err = select_from(&server.uri()).await.unwrap_err();
        let api = err.as_api().expect("an API error");
        assert_eq!(api.status, status);
        assert_eq!(api.message, text);
        assert_eq!(api.code, None);
        assert_eq!(api.body, "");
    }
    // A status with no standard reason.
    let server = server_answering(ResponseTemplate::new(599)).await;
    let err = select_from(&server.uri()).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().message, "HTTP status 599");
}

#[tokio::test(start_paused = true)]
async fn invalid_utf8_is_a_typed_error() {
    // Inside a JSON string.
    let body = b"[{\"id\":1,\"title\":\"\xff\xfe\"}]".to_vec();
    let server =
        server_answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let err = select_from(&server.uri()).await.unwrap_err();
    let (path, message, snippet) = decode_error(&err);
    assert_eq!(path, "[0].title");
    assert!(message.contains("unicode"), "{message}");
    assert!(snippet.contains('\u{fffd}'), "{snippet}");
    // As the whole body of an error answer: kept lossily.
    let server = server_answering(
        ResponseTemplate::new(502).set_body_raw(b"bad \xc3\x28 gateway".to_vec(), "text/plain"),
    )
    .await;
    let err = select_from(&server.uri()).await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 502);
    assert_eq!(api.message, "Bad Gateway");
    assert_eq!(api.body, "bad \u{fffd}( gateway");
    // Read as text through the transport.
    let transport = Config::new(&server.uri(), ANON_KEY)
        .unwrap()
        .transport()
        .unwrap();
    let url = Url::parse(&format!("{}/rest/v1/todos", server.uri())).unwrap();
    let response = transport
        .send(Request::new(Method::GET, url), &ProjectKeyProvider)
        .await
        .unwrap();
    assert_eq!(response.status, 502);
    assert!(matches!(response.text(), Err(CoreError::Decode { .. })));
}

#[tokio::test(start_paused = true)]
async fn a_200_with_an_error_body_is_not_taken_for_rows() {
    let error_body = json!({
        "code": "PGRST116",
        "details": "The result contains 0 rows",
        "hint": null,
        "message": "JSON object requested, multiple (or no) rows returned"
    });
    let server = server_answering(ResponseTemplate::new(200).set_body_json(&error_body)).await;
    let err = select_from(&server.uri()).await.unwrap_err();
    let (path, message, snippet) = decode_error(&err);
    assert_eq!(path, ".");
    assert!(message.contains("expected a sequence"), "{message}");
    assert!(snippet.contains("PGRST116"));
}

#[tokio::test(start_paused = true)]
async fn error_statuses_with_odd_bodies_keep_status_and_text() {
    for (status, body, message) in [
        (400, "not json at all", "Bad Request"),
        (500, "[1,2,3]", "Internal Server Error"),
        (409, r#"{"message":42}"#, "42"),
        (401, r#"{"msg":null,"error":"oops"}"#, "oops"),
    ] {
        let server = server_answering(
            ResponseTemplate::new(status).set_body_raw(body.as_bytes(), "application/json"),
        )
        .await;
        let err = select_from(&server.uri()).await.unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{body}: {err:?}"));
        assert_eq!(api.status, status);
        assert_eq!(api.message, message, "{body}");
        assert_eq!(api.body, body);
    }
}

// ---------------------------------------------------------------------------------------------
// Raw TCP servers.

/// What a raw server saw: the request heads it read.
type Seen = Arc<Mutex<Vec<String>>>;

/// A server on 127.0.0.1 that reads each request head and hands the connection to `answer`.
async fn raw_server<F, Fut>(answer: F) -> (String, Seen)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let seen_by_server = Arc::clone(&seen);
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = Arc::clone(&seen_by_server);
            let answer = Arc::clone(&answer);
            tokio::spawn(async move {
                let head = read_head(&mut socket).await;
                seen.lock().unwrap().push(head);
                answer(socket).await;
            });
        }
    });
    (url, seen)
}

async fn read_head(socket: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match socket.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn assert_saw_one_select(seen: &Seen) {
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("GET /rest/v1/todos?select=* HTTP/1.1\r\n"),
        "{}",
        seen[0]
    );
}

fn client_with_timeout(url: &str, timeout: Duration) -> supabase::Client {
    supabase::Client::new(Config::new(url, ANON_KEY).unwrap().timeout(timeout)).unwrap()
}

/// Runs `work` and returns its result with the virtual and the real time it took.
async fn timed<T>(work: impl Future<Output = T>) -> (T, Duration, Duration) {
    let virtual_start = tokio::time::Instant::now();
    let real_start = std::time::Instant::now();
    let out = work.await;
    (out, virtual_start.elapsed(), real_start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_answers_times_out() {
    let (url, seen) = raw_server(|socket| async move {
        let _keep_open = socket;
        std::future::pending::<()>().await;
    })
    .await;
    let client = client_with_timeout(&url, Duration::from_secs(30));
    let (result, virtual_time, real_time) = timed(select_todos(&client)).await;
    let err = result.unwrap_err();
    assert!(matches!(core(&err), CoreError::Timeout), "{err:?}");
    assert!(err.as_core().unwrap().is_retryable());
    assert!(virtual_time >= Duration::from_secs(30), "{virtual_time:?}");
    assert!(virtual_time < Duration::from_secs(31), "{virtual_time:?}");
    // The clock was paused: no real waiting.
    assert!(real_time < Duration::from_secs(5), "{real_time:?}");
    assert_saw_one_select(&seen);
}

#[tokio::test(start_paused = true)]
async fn a_server_that_sends_headers_and_then_nothing_times_out() {
    let (url, seen) = raw_server(|mut socket| async move {
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[")
            .await
            .unwrap();
        std::future::pending::<()>().await;
    })
    .await;
    let client = client_with_timeout(&url, Duration::from_secs(10));
    let (result, virtual_time, real_time) = timed(select_todos(&client)).await;
    let err = result.unwrap_err();
    assert!(matches!(core(&err), CoreError::Timeout), "{err:?}");
    assert!(virtual_time >= Duration::from_secs(10), "{virtual_time:?}");
    assert!(real_time < Duration::from_secs(5), "{real_time:?}");
    assert_saw_one_select(&seen);
}

/// A server that sends `body` one byte every `pause`.
async fn drip_server(body: &'static [u8], pause: Duration) -> (String, Seen) {
    raw_server(move |mut socket| async move {
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        for byte in body {
            tokio::time::sleep(pause).await;
            if socket.write_all(&[*byte]).await.is_err() {
                return; // the client gave up
            }
        }
    })
    .await
}

const ROWS: &[u8] = br#"[{"id":1,"title":"slow but complete"}]"#;

#[tokio::test(start_paused = true)]
async fn a_slow_drip_that_finishes_in_time_is_read_whole() {
    // 38 bytes, one every 100 ms: 3.8 s of 10 s.
    let (url, seen) = drip_server(ROWS, Duration::from_millis(100)).await;
    let client = client_with_timeout(&url, Duration::from_secs(10));
    let (result, virtual_time, real_time) = timed(select_todos(&client)).await;
    assert_eq!(
        result.unwrap(),
        vec![Todo {
            id: 1,
            title: "slow but complete".into()
        }]
    );
    assert!(
        virtual_time >= Duration::from_millis(3_800),
        "{virtual_time:?}"
    );
    assert!(real_time < Duration::from_secs(5), "{real_time:?}");
    assert_saw_one_select(&seen);
}

#[tokio::test(start_paused = true)]
async fn a_slow_drip_past_the_timeout_times_out() {
    // 38 bytes, one a second: 38 s of 10 s.
    let (url, seen) = drip_server(ROWS, Duration::from_secs(1)).await;
    let client = client_with_timeout(&url, Duration::from_secs(10));
    let (result, virtual_time, real_time) = timed(select_todos(&client)).await;
    let err = result.unwrap_err();
    assert!(matches!(core(&err), CoreError::Timeout), "{err:?}");
    assert!(virtual_time >= Duration::from_secs(10), "{virtual_time:?}");
    assert!(virtual_time < Duration::from_secs(11), "{virtual_time:?}");
    assert!(real_time < Duration::from_secs(5), "{real_time:?}");
    assert_saw_one_select(&seen);
}

#[tokio::test(start_paused = true)]
async fn a_body_cut_short_of_its_content_length_is_a_transport_error() {
    let (url, seen) = raw_server(|mut socket| async move {
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[{\"id\":1")
            .await
            .unwrap();
        // Dropping the socket closes the connection 92 bytes early.
    })
    .await;
    let err = select_from(&url).await.unwrap_err();
    assert!(
        matches!(
            core(&err),
            CoreError::Transport {
                kind: TransportErrorKind::Body,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.as_core().unwrap().is_retryable());
    // The answer had started: not retried (a retry could repeat a side effect).
    assert_saw_one_select(&seen);
}

#[tokio::test(start_paused = true)]
async fn a_server_that_closes_or_speaks_garbage_is_a_transport_error() {
    let (closes, seen_closes) = raw_server(|socket| async move { drop(socket) }).await;
    let (garbage, seen_garbage) = raw_server(|mut socket| async move {
        let _ = socket.write_all(b"SSH-2.0-OpenSSH_9.6\r\n\r\n").await;
    })
    .await;
    for (url, seen) in [(closes, seen_closes), (garbage, seen_garbage)] {
        let err = select_from(&url).await.unwrap_err();
        assert!(
            matches!(core(&err), CoreError::Transport { .. }),
            "{url}: {err:?}"
        );
        // The error text names the failure but not the URL.
        assert!(!err.to_string().contains(&url), "{err}");
        assert!(!seen.lock().unwrap().is_empty());
    }
    // Nobody listening at all.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = select_from(&url).await.unwrap_err();
    assert!(
        matches!(
            core(&err),
            CoreError::Transport {
                kind: TransportErrorKind::Connect,
                ..
            }
        ),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Answers far larger than expected.

#[tokio::test(start_paused = true)]
async fn an_answer_larger_than_the_limit_is_refused_when_it_says_so_up_front() {
    let big = format!("[{}]", vec![r#"{"id":1,"title":"x"}"#; 10_000].join(","));
    let server = server_answering(
        ResponseTemplate::new(200).set_body_raw(big.into_bytes(), "application/json"),
    )
    .await;
    let config = Config::new(&server.uri(), ANON_KEY)
        .unwrap()
        .max_response_bytes(64 * 1024);
    let client = supabase::Client::new(config).unwrap();
    let err = select_todos(&client).await.unwrap_err();
    assert!(
        matches!(core(&err), CoreError::ResponseTooLarge { limit: 65_536 }),
        "{err:?}"
    );
    assert_one_select(&server).await;
    // The same answer within a larger limit is fine.
    let client = supabase::Client::new(
        Config::new(&server.uri(), ANON_KEY)
            .unwrap()
            .max_response_bytes(1024 * 1024),
    )
    .unwrap();
    assert_eq!(select_todos(&client).await.unwrap().len(), 10_000);
}

/// A server that sends `rows` rows as a chunked body, one chunk per row (plus the brackets),
/// flushing each, so the client reads the body in many pieces.
async fn chunked_rows_server(rows: usize) -> (String, Seen) {
    raw_server(move |mut socket| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        let mut pieces = vec!["[".to_owned()];
        for id in 0..rows {
            let comma = if id + 1 < rows { "," } else { "" };
            pieces.push(format!(r#"{{"id":{id},"title":"row {id}"}}{comma}"#));
        }
        pieces.push("]".to_owned());
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for piece in pieces {
            let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
            let _ = socket.flush().await;
        }
        let _ = socket.write_all(b"0\r\n\r\n").await;
    })
    .await
}

#[tokio::test]
async fn an_answer_in_many_chunks_is_read_whole() {
    let (url, seen) = chunked_rows_server(500).await;
    let rows = select_from(&url).await.unwrap();
    assert_eq!(rows.len(), 500);
    assert_eq!(
        rows.last().map(|r| (r.id, r.title.as_str())),
        Some((499, "row 499"))
    );
    assert_saw_one_select(&seen);
}

#[tokio::test]
async fn an_answer_in_many_chunks_past_the_limit_is_refused() {
    let (url, seen) = chunked_rows_server(500).await;
    let client = supabase::Client::new(
        Config::new(&url, ANON_KEY)
            .unwrap()
            .max_response_bytes(1024),
    )
    .unwrap();
    let err = select_todos(&client).await.unwrap_err();
    assert!(
        matches!(core(&err), CoreError::ResponseTooLarge { limit: 1024 }),
        "{err:?}"
    );
    assert_saw_one_select(&seen);
}

/// A keep-alive server that answers every request on a connection with `rows` rows and a
/// `Content-Length`, written in two parts (split inside the body, flushed in between);
/// returns how many connections it accepted.
async fn keep_alive_server(rows: usize) -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(Mutex::new(0usize));
    let counter = Arc::clone(&connections);
    let body: String = format!(
        "[{}]",
        (0..rows)
            .map(|id| format!(r#"{{"id":{id},"title":"row {id}"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            *counter.lock().unwrap() += 1;
            let body = body.clone();
            tokio::spawn(async move {
                loop {
                    let head = read_head(&mut socket).await;
                    if head.is_empty() {
                        return;
                    }
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let (part1, part2) = answer.split_at(answer.len() - body.len() / 2);
                    if socket.write_all(part1.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = socket.flush().await;
                    tokio::task::yield_now().await;
                    if socket.write_all(part2.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection_after_reading_each_body() {
    let (url, connections) = keep_alive_server(200).await;
    let client = supabase::create_client(&url, ANON_KEY).unwrap();
    for _ in 0..20 {
        let rows = select_todos(&client).await.unwrap();
        assert_eq!(rows.len(), 200);
        assert_eq!(rows.last().map(|r| r.id), Some(199));
    }
    // Reading stops once `Content-Length` bytes have arrived; the connection must still be
    // handed back to the pool and reused, not closed.
    assert_eq!(*connections.lock().unwrap(), 1);
}

/// A server that streams `[` and then rows forever (chunked, no content length) until the
/// client hangs up; returns how many bytes it managed to write.
async fn endless_server() -> (String, Seen, Arc<Mutex<usize>>) {
    let written = Arc::new(Mutex::new(0usize));
    let counter = Arc::clone(&written);
    let (url, seen) = raw_server(move |mut socket| {
        let counter = Arc::clone(&counter);
        async move {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            socket.write_all(head.as_bytes()).await.unwrap();
            let row = r#"{"id":1,"title":"again"},"#.repeat(300);
            let chunk = format!("{:x}\r\n{row}\r\n", row.len());
            if socket.write_all(b"1\r\n[\r\n").await.is_err() {
                return;
            }
            loop {
                if socket.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
                *counter.lock().unwrap() += chunk.len();
            }
        }
    })
    .await;
    (url, seen, written)
}

#[tokio::test(start_paused = true)]
async fn an_endless_answer_without_content_length_stops_at_the_limit() {
    let (url, seen, written) = endless_server().await;
    let client = supabase::Client::new(
        Config::new(&url, ANON_KEY)
            .unwrap()
            .max_response_bytes(256 * 1024),
    )
    .unwrap();
    let err = select_todos(&client).await.unwrap_err();
    assert!(
        matches!(core(&err), CoreError::ResponseTooLarge { limit: 262_144 }),
        "{err:?}"
    );
    assert_saw_one_select(&seen);
    // The client stopped reading: the server wrote the limit plus what the socket buffers hold,
    // not an unbounded amount.
    let written = *written.lock().unwrap();
    assert!(written >= 256 * 1024, "{written}");
    assert!(written < 64 * 1024 * 1024, "{written}");
}

#[tokio::test(start_paused = true)]
async fn the_transport_enforces_the_limit_directly() {
    let (url, _seen, _) = endless_server().await;
    let mut options = TransportOptions::default();
    options.max_response_bytes = 1000;
    let transport = Transport::new(&ANON_KEY.into(), options).unwrap();
    let url = Url::parse(&format!("{url}/rest/v1/todos")).unwrap();
    let err = transport
        .send(Request::new(Method::GET, url), &ProjectKeyProvider)
        .await
        .unwrap_err();
    assert!(
        matches!(err, CoreError::ResponseTooLarge { limit: 1000 }),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Redirects.

/// Server A redirects every request to server B, which would answer with rows.
async fn redirecting_pair(status: u16) -> (MockServer, MockServer) {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("location", format!("{}/rest/v1/todos?select=*", b.uri())),
        )
        .mount(&a)
        .await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": 666, "title": "from b"}])),
        )
        .mount(&b)
        .await;
    (a, b)
}

/// The error and all its sources, as text.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(" <- ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn is_redirect_error(err: &supabase::Error) -> bool {
    matches!(
        core(err),
        CoreError::Transport {
            kind: TransportErrorKind::Redirect,
            ..
        }
    )
}

#[tokio::test(start_paused = true)]
async fn a_redirect_to_another_origin_is_refused_and_the_other_host_sees_nothing() {
    for status in [301, 302, 303, 307, 308] {
        let (a, b) = redirecting_pair(status).await;
        let client = supabase::create_client(&a.uri(), ANON_KEY)
            .unwrap()
            .with_auth(supabase_test_support::fixtures::EXTERNAL_JWT)
            .unwrap();
        let err = select_todos(&client).await.unwrap_err();
        assert!(is_redirect_error(&err), "{status}: {err:?}");
        let chain = error_chain(&err);
        assert!(chain.contains("another origin"), "{chain}");
        assert!(
            !chain.contains(&b.uri()),
            "the error names the target: {chain}"
        );
        assert_one_select(&a).await;
        assert!(
            b.received_requests().await.unwrap().is_empty(),
            "{status}: the other origin received a request"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_same_origin_redirect_is_followed() {
    let server = MockServer::start().await;
    Mock::given(path("/rest/v1/old_todos"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/rest/v1/todos?select=*", server.uri()),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/rest/v1/todos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 1, "title": "t"}])))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let rows = client
        .from("old_todos")
        .select("*")
        .execute::<Todo>()
        .await
        .unwrap();
    assert_eq!(rows.data.len(), 1);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].url.path(), "/rest/v1/todos");
    assert_eq!(header(&received[1], "apikey").as_deref(), Some(ANON_KEY));
}

#[tokio::test(start_paused = true)]
async fn a_redirect_loop_ends_in_an_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/rest/v1/todos?select=*", server.uri()),
        ))
        .mount(&server)
        .await;
    let err = select_from(&server.uri()).await.unwrap_err();
    assert!(is_redirect_error(&err), "{err:?}");
    // The original request and 10 redirects.
    assert_eq!(server.received_requests().await.unwrap().len(), 11);
}

/// Why the policy exists: a `reqwest::Client` with reqwest's default policy, passed in by the
/// caller, follows the redirect and hands the other host the project key (reqwest drops
/// `Authorization` across origins, but not `apikey`). The transport still refuses the answer.
#[tokio::test(start_paused = true)]
async fn a_caller_supplied_default_client_leaks_the_key_but_its_answer_is_refused() {
    let (a, b) = redirecting_pair(302).await;
    let http = supabase::supabase_core::http_client_builder()
        .unwrap()
        .redirect(supabase::supabase_core::reqwest::redirect::Policy::default())
        .build()
        .unwrap();
    let config = Config::new(&a.uri(), ANON_KEY).unwrap().http_client(http);
    let client = supabase::Client::new(config).unwrap();
    let err = select_todos(&client).await.unwrap_err();
    assert!(is_redirect_error(&err), "{err:?}");
    let at_b = b.received_requests().await.unwrap();
    assert_eq!(at_b.len(), 1);
    assert_eq!(header(&at_b[0], "apikey").as_deref(), Some(ANON_KEY));
    assert_eq!(header(&at_b[0], "authorization"), None);

    // Built with the crate's policy, the same client setup sends B nothing.
    let (a, b) = redirecting_pair(302).await;
    let http = supabase::supabase_core::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let config = Config::new(&a.uri(), ANON_KEY).unwrap().http_client(http);
    let err = select_todos(&supabase::Client::new(config).unwrap())
        .await
        .unwrap_err();
    assert!(is_redirect_error(&err), "{err:?}");
    assert!(b.received_requests().await.unwrap().is_empty());
}
