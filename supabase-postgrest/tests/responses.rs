//! How answers become typed results and typed errors: counts, shapes, error bodies, and
//! answers that are not what they should be (nothing here may panic).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde::Deserialize;
use serde_json::{Value, json};
use supabase_postgrest::{Count, Error, ExplainOptions, PostgrestClient};
use supabase_test_support::MockServer;
use supabase_test_support::header;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const KEY: &str = "anon-key-for-tests";

#[derive(Debug, Deserialize, PartialEq)]
struct Todo {
    id: i64,
    title: String,
}

async fn server_answering(verb: &str, route: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> PostgrestClient {
    PostgrestClient::new(&format!("{}/rest/v1", server.uri()), KEY).unwrap()
}

fn json_answer(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

#[tokio::test]
async fn rows_are_typed_and_count_comes_from_content_range() {
    let server = server_answering(
        "GET",
        "/rest/v1/todos",
        json_answer(206, r#"[{"id":1,"title":"a"},{"id":2,"title":"b"}]"#)
            .insert_header("content-range", "0-1/3573"),
    )
    .await;
    let res = client(&server)
        .from("todos")
        .select("id, title")
        .count(Count::Exact)
        .range(0, 1)
        .execute::<Todo>()
        .await
        .unwrap();
    assert_eq!(
        res.data,
        [
            Todo {
                id: 1,
                title: "a".into()
            },
            Todo {
                id: 2,
                title: "b".into()
            }
        ]
    );
    assert_eq!(res.count, Some(3573));
    assert_eq!(res.status, 206);
    let range = res.content_range().unwrap();
    assert_eq!((range.range, range.total), (Some((0, 1)), Some(3573)));

    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.method.as_str(), "GET");
    assert_eq!(sent.url.path(), "/rest/v1/todos");
    assert_eq!(sent.url.query(), Some("select=id%2Ctitle&offset=0&limit=2"));
    assert_eq!(header(sent, "prefer").as_deref(), Some("count=exact"));
    assert_eq!(header(sent, "apikey").as_deref(), Some(KEY));
    assert_eq!(header(sent, "authorization"), Some(format!("Bearer {KEY}")));
    assert_eq!(header(sent, "accept-profile"), None);
}

#[tokio::test]
async fn count_is_only_read_when_asked_for_and_valid() {
    let server = server_answering(
        "GET",
        "/rest/v1/t",
        json_answer(200, "[]").insert_header("content-range", "0-1/2"),
    )
    .await;
    let db = client(&server);
    let res = db.from("t").select("*").await.unwrap();
    assert_eq!(res.count, None, "no count was asked for");
    assert_eq!(res.data, Vec::<Value>::new());

    for bad in [
        "0-1/*",
        "garbage",
        "0-1/99999999999999999999999999",
        "*/-5",
        "1-0/3",
        "",
    ] {
        let server = server_answering(
            "GET",
            "/rest/v1/t",
            json_answer(200, "[]").insert_header("content-range", bad),
        )
        .await;
        let res = client(&server)
            .from("t")
            .select("*")
            .count(Count::Planned)
            .await
            .unwrap();
        assert_eq!(res.count, None, "{bad:?}");
    }
}

#[tokio::test]
async fn head_returns_only_the_count() {
    let server = server_answering(
        "HEAD",
        "/rest/v1/t",
        ResponseTemplate::new(200).insert_header("content-range", "*/42"),
    )
    .await;
    let res = client(&server)
        .from("t")
        .select("*")
        .count(Count::Estimated)
        .eq("done", true)
        .head()
        .await
        .unwrap();
    assert_eq!(res.data, ());
    assert_eq!(res.count, Some(42));
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.method.as_str(), "HEAD");
    assert_eq!(sent.url.query(), Some("select=*&done=eq.true"));
    assert_eq!(header(sent, "prefer").as_deref(), Some("count=estimated"));
}

#[tokio::test]
async fn single_decodes_one_row_and_reports_pgrst116() {
    let server = server_answering(
        "GET",
        "/rest/v1/todos",
        json_answer(200, r#"{"id":7,"title":"x"}"#),
    )
    .await;
    let res = client(&server)
        .from("todos")
        .select("*")
        .eq("id", 7)
        .single()
        .execute::<Todo>()
        .await
        .unwrap();
    assert_eq!(res.data.id, 7);
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        header(sent, "accept").as_deref(),
        Some("application/vnd.pgrst.object+json")
    );

    let server = server_answering(
        "GET",
        "/rest/v1/todos",
        json_answer(
            406,
            r#"{"code":"PGRST116","details":"The result contains 0 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"}"#,
        ),
    )
    .await;
    let err = client(&server)
        .from("todos")
        .select("*")
        .single()
        .returns::<Todo>()
        .await
        .unwrap_err();
    assert!(err.is_no_rows() && err.is_not_single() && !err.is_multiple_rows());
    let api = err.as_api().unwrap();
    assert_eq!(api.status, 406);
    assert_eq!(api.code.as_deref(), Some("PGRST116"));
    assert_eq!(
        api.message,
        "Cannot coerce the result to a single JSON object"
    );
    assert_eq!(api.details.as_deref(), Some("The result contains 0 rows"));
    assert_eq!(api.hint, None);
}

#[tokio::test]
async fn maybe_single_is_checked_on_the_client() {
    for (body, expected) in [
        ("[]", Ok(None)),
        (r#"[{"id":1,"title":"a"}]"#, Ok(Some(1))),
        (r#"[{"id":1,"title":"a"},{"id":2,"title":"b"}]"#, Err(2)),
    ] {
        let server = server_answering("GET", "/rest/v1/todos", json_answer(200, body)).await;
        let res = client(&server)
            .from("todos")
            .select("*")
            .maybe_single()
            .returns::<Todo>()
            .await;
        match expected {
            Ok(id) => assert_eq!(res.unwrap().data.map(|t| t.id), id, "{body}"),
            Err(n) => {
                let err = res.unwrap_err();
                assert!(err.is_multiple_rows(), "{err:?}");
                let api = err.as_api().unwrap();
                assert_eq!(api.status, 406);
                assert_eq!(
                    api.details.as_deref(),
                    Some(
                        format!("Results contain {n} rows, application/vnd.pgrst.object+json requires 1 row")
                            .as_str()
                    )
                );
            }
        }
        // The request is the plain one: no Accept header of ours (reqwest's `*/*` only).
        let sent = &server.received_requests().await.unwrap()[0];
        assert_eq!(header(sent, "accept").as_deref(), Some("*/*"));
    }

    // A row that does not fit the type names the failing field, and secrets in the answer
    // stay out of the error.
    let server = server_answering(
        "GET",
        "/rest/v1/todos",
        json_answer(
            200,
            r#"[{"id":"one","title":"a","access_token":"at-SECRET","note":"eyJhbGciOi.eyJzdWIiOi.c2ln"}]"#,
        ),
    )
    .await;
    let err = client(&server)
        .from("todos")
        .select("*")
        .maybe_single()
        .returns::<Todo>()
        .await
        .unwrap_err();
    match &err {
        Error::Core(supabase_core::Error::Decode { path, .. }) => assert_eq!(path, "[0].id"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("at-SECRET"), "{shown}");
    assert!(!shown.contains("eyJhbGciOi.eyJzdWIiOi"), "{shown}");

    // A scalar function result passes through.
    let server = server_answering("POST", "/rest/v1/rpc/five", json_answer(200, "5")).await;
    let res = client(&server)
        .rpc("five", ())
        .maybe_single()
        .returns::<i64>()
        .await
        .unwrap();
    assert_eq!(res.data, Some(5));
}

#[tokio::test]
async fn text_and_json_shapes() {
    let server = server_answering(
        "GET",
        "/rest/v1/t",
        ResponseTemplate::new(200).set_body_raw("id,name\n1,Ada", "text/csv"),
    )
    .await;
    let db = client(&server);
    assert_eq!(
        db.from("t").select("*").csv().await.unwrap().data,
        "id,name\n1,Ada"
    );
    let sent = server.received_requests().await.unwrap();
    assert_eq!(header(&sent[0], "accept").as_deref(), Some("text/csv"));

    let server = server_answering(
        "GET",
        "/rest/v1/t",
        ResponseTemplate::new(200).set_body_raw("Seq Scan on t", "text/plain"),
    )
    .await;
    let plan = client(&server)
        .from("t")
        .select("*")
        .explain(ExplainOptions::new().analyze())
        .execute()
        .await
        .unwrap();
    assert_eq!(plan.data, "Seq Scan on t");

    let server = server_answering(
        "GET",
        "/rest/v1/t",
        json_answer(200, r#"[{"Plan":{"Node Type":"Seq Scan"}}]"#),
    )
    .await;
    let plan = client(&server)
        .from("t")
        .select("*")
        .explain_json(ExplainOptions::new())
        .await
        .unwrap();
    assert_eq!(plan.data[0]["Plan"]["Node Type"], "Seq Scan");

    let server = server_answering(
        "GET",
        "/rest/v1/places",
        ResponseTemplate::new(200).set_body_raw(
            r#"{"type":"FeatureCollection","features":[]}"#,
            "application/geo+json",
        ),
    )
    .await;
    let geo = client(&server)
        .from("places")
        .select("*")
        .geojson()
        .await
        .unwrap();
    assert_eq!(geo.data["type"], "FeatureCollection");
}

#[tokio::test]
async fn mutations_without_select_have_no_rows() {
    let server = server_answering(
        "POST",
        "/rest/v1/todos",
        ResponseTemplate::new(201).insert_header("content-range", "*/1"),
    )
    .await;
    let res = client(&server)
        .from("todos")
        .insert(json!({"title": "x"}))
        .count(Count::Exact)
        .await
        .unwrap();
    assert_eq!(res.status, 201);
    assert!(res.data.is_empty());
    assert_eq!(res.count, Some(1));
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.body, br#"{"title":"x"}"#);
    assert_eq!(
        header(sent, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(sent, "prefer").as_deref(), Some("count=exact"));

    // A void function answers 204; its result decodes as JSON null.
    let server = server_answering("POST", "/rest/v1/rpc/noop", ResponseTemplate::new(204)).await;
    let res = client(&server)
        .rpc("noop", json!({"a": 1}))
        .returns::<Option<i64>>()
        .await
        .unwrap();
    assert_eq!((res.status.as_u16(), res.data), (204, None));
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.body, br#"{"a":1}"#);

    // But one row cannot come from nothing.
    let server = server_answering("POST", "/rest/v1/todos", ResponseTemplate::new(201)).await;
    let err = client(&server)
        .from("todos")
        .insert(json!({"title": "x"}))
        .single()
        .returns::<Todo>()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Core(supabase_core::Error::Decode { .. })
    ));
}

#[tokio::test]
async fn server_errors_keep_status_code_message_details_and_hint() {
    let cases = [
        (
            409,
            r#"{"code":"23505","details":"Key (id)=(1) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"cornercase_pkey\""}"#,
            "23505",
        ),
        (
            403,
            r#"{"code":"42501","message":"permission denied for table users","details":null,"hint":"Grant the required privileges to the current role with: GRANT SELECT ON public.users TO anon;"}"#,
            "42501",
        ),
        (
            401,
            r#"{"code":"PGRST303","details":null,"hint":null,"message":"JWT expired"}"#,
            "PGRST303",
        ),
        (
            404,
            r#"{"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'public.items'","message":"Could not find the table 'public.missing' in the schema cache"}"#,
            "PGRST205",
        ),
    ];
    for (status, body, code) in cases {
        let server = server_answering("GET", "/rest/v1/t", json_answer(status, body)).await;
        let err = client(&server).from("t").select("*").await.unwrap_err();
        let api = err.as_api().unwrap();
        let raw: Value = serde_json::from_str(body).unwrap();
        assert_eq!(api.status, status);
        assert_eq!(api.code.as_deref(), Some(code));
        assert_eq!(api.message, raw["message"].as_str().unwrap());
        assert_eq!(api.details.as_deref(), raw["details"].as_str());
        assert_eq!(api.hint.as_deref(), raw["hint"].as_str());
        assert_eq!(err.is_unique_violation(), code == "23505");
        assert_eq!(err.is_permission_denied(), code == "42501");
        assert_eq!(err.is_jwt_expired(), code == "PGRST303");
        assert_eq!(err.is_not_found(), status == 404);
        assert!(err.to_string().contains(api.message.as_str()));
    }
}

#[tokio::test]
async fn non_json_and_bodiless_errors_are_typed() {
    let server = server_answering(
        "GET",
        "/rest/v1/t",
        ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"),
    )
    .await;
    let err = client(&server)
        .from("t")
        .select("*")
        .retry(false)
        .await
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!((api.status, api.code.as_deref()), (502, None));
    assert_eq!(api.message, "Bad Gateway");
    assert_eq!(api.body, "<html>Bad gateway</html>");

    // HEAD errors have no body; the code comes from Proxy-Status.
    let server = server_answering(
        "HEAD",
        "/rest/v1/missing",
        ResponseTemplate::new(404).insert_header("proxy-status", "PostgREST; error=PGRST205"),
    )
    .await;
    let err = client(&server)
        .from("missing")
        .select("*")
        .head()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some("PGRST205"));

    // postgrest-js turns a 404 with `[]` into success; here a 404 stays an error.
    let server = server_answering("GET", "/rest/v1/t", json_answer(404, "[]")).await;
    let err = client(&server).from("t").select("*").await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), None));
}

#[tokio::test]
async fn malformed_success_bodies_are_decode_errors_naming_the_field() {
    let server = server_answering(
        "GET",
        "/rest/v1/todos",
        json_answer(200, r#"[{"id":1,"title":"a"},{"id":"x","title":"b"}]"#),
    )
    .await;
    let err = client(&server)
        .from("todos")
        .select("*")
        .execute::<Todo>()
        .await
        .unwrap_err();
    match err {
        Error::Core(supabase_core::Error::Decode { path, message, .. }) => {
            assert_eq!(path, "[1].id");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("{other:?}"),
    }

    for (body, content_type) in [
        (r#"[{"id":1,"ti"#, "application/json"),
        ("<html>oops</html>", "text/html"),
        ("\u{feff}not json", "application/json"),
        ("[1] trailing", "application/json"),
    ] {
        let server = server_answering(
            "GET",
            "/rest/v1/todos",
            ResponseTemplate::new(200).set_body_raw(body, content_type),
        )
        .await;
        let err = client(&server).from("todos").select("*").await.unwrap_err();
        assert!(
            matches!(err, Error::Core(supabase_core::Error::Decode { .. })),
            "{body:?}: {err:?}"
        );
        assert_eq!(err.status(), None);
    }

    // Invalid UTF-8 as CSV is a decode error too.
    let server = server_answering(
        "GET",
        "/rest/v1/t",
        ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe, b'a'], "text/csv"),
    )
    .await;
    let err = client(&server)
        .from("t")
        .select("*")
        .csv()
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Core(supabase_core::Error::Decode { .. })
    ));

    // PostgREST always answers a GET with a body: an empty one is a decode error.
    let server = server_answering("GET", "/rest/v1/t", ResponseTemplate::new(200)).await;
    let err = client(&server).from("t").select("*").await.unwrap_err();
    assert!(matches!(
        err,
        Error::Core(supabase_core::Error::Decode { .. })
    ));
}

#[tokio::test]
async fn raw_access_returns_any_status_with_bytes() {
    let server = server_answering(
        "GET",
        "/rest/v1/t",
        json_answer(418, r#"{"message":"teapot"}"#).insert_header("x-extra", "1"),
    )
    .await;
    let raw = client(&server)
        .from("t")
        .select("*")
        .execute_raw()
        .await
        .unwrap();
    assert_eq!(raw.status, 418);
    assert_eq!(&raw.body[..], br#"{"message":"teapot"}"#);
    assert_eq!(raw.headers["x-extra"], "1");
}

#[tokio::test]
async fn openapi_spec_is_fetched_from_the_root() {
    let server = server_answering(
        "GET",
        "/rest/v1/",
        json_answer(200, r#"{"swagger":"2.0","paths":{}}"#),
    )
    .await;
    let spec = client(&server).schema("api").openapi_spec().await.unwrap();
    assert_eq!(spec.data["swagger"], "2.0");
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.url.path(), "/rest/v1/");
    assert_eq!(
        header(sent, "accept").as_deref(),
        Some("application/openapi+json")
    );
    assert_eq!(header(sent, "accept-profile").as_deref(), Some("api"));
}
