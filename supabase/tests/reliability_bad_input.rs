//! Bad input: every case is a typed error, raised before anything is sent, and the error
//! never shows the token or key it was given.
//!
//! Each test points the client at a wiremock server that would answer anything, and ends by
//! asserting the server received zero requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;
use supabase::postgrest::{Error as PgError, PostgrestClient};
use supabase::supabase_core::{AccessToken, Config, Error as CoreError, StaticTokenProvider};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT};
use supabase_test_support::mint_user_jwt;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

/// A server that would answer every request with an empty list, and must receive none.
async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(0)
        .mount(&server)
        .await;
    server
}

async fn assert_nothing_sent(server: &MockServer) {
    let received = server.received_requests().await.unwrap();
    assert!(
        received.is_empty(),
        "{} request(s) were sent: {:?}",
        received.len(),
        received.iter().map(|r| r.url.as_str()).collect::<Vec<_>>()
    );
}

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

/// Tokens that are not well-formed JWTs, each with what is wrong with it.
fn malformed_jwts() -> Vec<(&'static str, String)> {
    let header = b64(r#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = b64(r#"{"sub":"u1","role":"authenticated","exp":4102444800}"#);
    vec![
        ("empty", String::new()),
        ("one part", header.clone()),
        ("two parts", format!("{header}.{claims}")),
        ("four parts", format!("{header}.{claims}.sig.extra")),
        ("five parts", format!("{header}.{claims}.a.b.c")),
        ("empty header", format!(".{claims}.sig")),
        ("empty claims", format!("{header}..sig")),
        ("empty signature", format!("{header}.{claims}.")),
        ("only dots", "..".into()),
        ("header not base64", format!("!!!.{claims}.sig")),
        ("claims not base64", format!("{header}.*&^%.sig")),
        ("claims standard base64", format!("{header}.ey+/ey==.sig")),
        ("signature not base64", format!("{header}.{claims}.s!g")),
        (
            "claims not JSON",
            format!("{header}.{}.sig", b64("not json")),
        ),
        (
            "claims a JSON array",
            format!("{header}.{}.sig", b64("[1,2]")),
        ),
        (
            "claims a JSON string",
            format!("{header}.{}.sig", b64("\"sub\"")),
        ),
        (
            "claims truncated JSON",
            format!("{header}.{}.sig", b64("{\"sub\":")),
        ),
        ("header not JSON", format!("{}.{claims}.sig", b64("nope"))),
        ("header empty object", format!("{}.{claims}.sig", b64("{}"))),
        (
            "claims not UTF-8",
            format!(
                "{header}.{}.sig",
                URL_SAFE_NO_PAD.encode([0x7b, 0xff, 0x7d])
            ),
        ),
        (
            "huge: 33 KiB",
            format!("{header}.{}.sig", "A".repeat(33 * 1024)),
        ),
        (
            "huge: 4 MiB",
            format!("{header}.{}.sig", "A".repeat(4 << 20)),
        ),
        ("CR LF", format!("{EXTERNAL_JWT}\r\nX-Injected: 1")),
        ("LF", format!("{EXTERNAL_JWT}\n")),
        ("CR", format!("{EXTERNAL_JWT}\r")),
        ("NUL", format!("{EXTERNAL_JWT}\0")),
        ("NUL inside", EXTERNAL_JWT.replacen('.', "\0.", 1)),
        ("space", format!("Bearer {EXTERNAL_JWT}")),
        ("tab", format!("{EXTERNAL_JWT}\t")),
        ("DEL", format!("{EXTERNAL_JWT}\x7f")),
        ("non-ASCII", format!("{EXTERNAL_JWT}é")),
    ]
}

#[tokio::test]
async fn malformed_jwts_are_rejected_by_with_auth_and_set_auth() {
    let server = silent_server().await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let cases = malformed_jwts();
    assert_eq!(cases.len(), 31);
    for (name, token) in &cases {
        let err = client.with_auth(token).expect_err(name);
        assert!(
            matches!(err.as_core(), Some(CoreError::MalformedJwt { .. })),
            "{name}: {err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(EXTERNAL_JWT),
            "{name}: the error echoes the token"
        );
        if token.len() > 8 {
            assert!(
                !shown.contains(token.as_str()),
                "{name}: the error echoes the input"
            );
        }
        let err = client.set_auth(token).expect_err(name);
        assert!(matches!(
            err.as_core(),
            Some(CoreError::MalformedJwt { .. })
        ));
        // The same check guards the Auth client on its own.
        let err = client
            .auth()
            .unwrap()
            .clone()
            .set_auth(token)
            .expect_err(name);
        assert!(matches!(
            err,
            supabase::auth::Error::Core(CoreError::MalformedJwt { .. })
        ));
    }
    // An expired token is not malformed, but is refused too.
    let expired = mint_user_jwt("u1", Some(1_000));
    let err = client.with_auth(&expired).unwrap_err();
    assert!(matches!(
        err.as_core(),
        Some(CoreError::ExpiredJwt { expired_at: 1_000 })
    ));
    assert!(!format!("{err} {err:?}").contains(&expired));
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn a_rejected_set_auth_leaves_the_client_as_it_was() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let mut client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    client.set_auth(EXTERNAL_JWT).unwrap();
    for (name, token) in malformed_jwts() {
        assert!(client.set_auth(&token).is_err(), "{name}");
    }
    client
        .from("todos")
        .select("*")
        .execute::<serde_json::Value>()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(
        supabase_test_support::header(&received[0], "authorization"),
        Some(format!("Bearer {EXTERNAL_JWT}"))
    );
}

/// Values that cannot go into an HTTP header, and what makes them so.
const UNSENDABLE: &[(&str, &str)] = &[
    ("CR LF", "abc\r\nX-Injected: 1"),
    ("LF", "abc\n"),
    ("CR", "abc\rdef"),
    ("NUL", "abc\0def"),
    ("DEL", "abc\x7f"),
    ("ESC", "abc\x1b[31m"),
];

#[tokio::test]
async fn unsendable_tokens_are_rejected_at_every_entry_point() {
    let server = silent_server().await;
    let postgrest = PostgrestClient::new(&format!("{}/rest/v1", server.uri()), ANON_KEY).unwrap();
    for (name, bad) in UNSENDABLE.iter().copied().chain([("empty", "")]) {
        let token = if bad.is_empty() {
            String::new()
        } else {
            format!("{EXTERNAL_JWT}{bad}")
        };
        for err in [
            AccessToken::new(token.as_str()).unwrap_err(),
            StaticTokenProvider::from_token(token.as_str()).unwrap_err(),
        ] {
            assert!(
                matches!(err, CoreError::InvalidHeader { .. }),
                "{name}: {err:?}"
            );
            assert!(!format!("{err} {err:?}").contains(EXTERNAL_JWT), "{name}");
        }
        let err = postgrest.with_token(bad).unwrap_err();
        assert!(
            matches!(err, PgError::Core(CoreError::InvalidHeader { .. })),
            "{name}: {err:?}"
        );
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn unsendable_keys_are_rejected_by_create_client() {
    let server = silent_server().await;
    for (name, bad) in UNSENDABLE.iter().copied().chain([("empty", "")]) {
        let key = if bad.is_empty() {
            String::new()
        } else {
            format!("{ANON_KEY}{bad}")
        };
        let err = supabase::create_client(&server.uri(), &key).unwrap_err();
        assert!(
            matches!(err.as_core(), Some(CoreError::InvalidHeader { name, .. }) if name == "apikey"),
            "{name}: {err:?}"
        );
        assert!(!format!("{err} {err:?}").contains(ANON_KEY), "{name}");
        let err =
            PostgrestClient::new(&format!("{}/rest/v1", server.uri()), key.as_str()).unwrap_err();
        assert!(matches!(
            err,
            PgError::Core(CoreError::InvalidHeader { .. })
        ));
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn unsendable_global_headers_are_rejected_by_config() {
    let server = silent_server().await;
    let config = Config::new(&server.uri(), ANON_KEY).unwrap();
    for (name, bad) in UNSENDABLE {
        let err = config.clone().header("x-app", bad).unwrap_err();
        assert!(
            matches!(&err, CoreError::InvalidHeader { name, .. } if name == "x-app"),
            "{name}: {err:?}"
        );
        let secret_value = format!("Bearer {EXTERNAL_JWT}{bad}");
        let err = config
            .clone()
            .header("authorization", &secret_value)
            .unwrap_err();
        assert!(!format!("{err} {err:?}").contains(EXTERNAL_JWT), "{name}");
    }
    for bad_name in [
        "",
        "x app",
        "x-app:",
        "x-app\r\nx-injected",
        "x-app\0",
        "é",
        "(x)",
    ] {
        let err = config.clone().header(bad_name, "v").unwrap_err();
        assert!(
            matches!(err, CoreError::InvalidHeader { .. }),
            "{bad_name:?}: {err:?}"
        );
    }
    assert_nothing_sent(&server).await;
}

/// Names that PostgREST could never have and that must not reach the wire.
const BAD_NAMES: &[&str] = &[
    "",
    " ",
    "\t",
    "\r\n",
    "todos\r\n",
    "to\ndos",
    "todos\0",
    "\0",
    "to\x1bdos",
    "to\x7fdos",
    "to\u{85}dos",
];

#[tokio::test]
async fn bad_table_names_are_rejected_before_sending() {
    let server = silent_server().await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    for name in BAD_NAMES {
        let err = client
            .from(name)
            .select("*")
            .eq("id", 1)
            .execute::<serde_json::Value>()
            .await
            .unwrap_err();
        assert!(matches!(err, PgError::InvalidQuery(_)), "{name:?}: {err:?}");
        let err = client
            .from(name)
            .select("*")
            .execute_raw()
            .await
            .unwrap_err();
        assert!(matches!(err, PgError::InvalidQuery(_)), "{name:?}: {err:?}");
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn bad_column_names_are_rejected_before_sending() {
    let server = silent_server().await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    for name in BAD_NAMES {
        let err = client
            .from("todos")
            .select("*")
            .eq(name, "x")
            .execute::<serde_json::Value>()
            .await
            .unwrap_err();
        assert!(matches!(err, PgError::InvalidQuery(_)), "{name:?}: {err:?}");
        // A bad column after a good one still stops the request.
        let err = client
            .from("todos")
            .select("*")
            .eq("id", 1)
            .eq(name, "x")
            .execute_raw()
            .await
            .unwrap_err();
        assert!(matches!(err, PgError::InvalidQuery(_)), "{name:?}: {err:?}");
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn bad_schema_names_are_rejected_before_sending() {
    let server = silent_server().await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    for (name, bad) in UNSENDABLE {
        let err = client
            .postgrest()
            .schema(&format!("public{bad}"))
            .from("todos")
            .select("*")
            .execute::<serde_json::Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(err, PgError::Core(CoreError::InvalidHeader { .. })),
            "{name}: {err:?}"
        );
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn invalid_urls_are_rejected_by_create_client() {
    let server = silent_server().await;
    let cases = [
        "",
        " ",
        "not a url",
        "xyzcompany.supabase.co",
        "//xyzcompany.supabase.co",
        "ftp://xyzcompany.supabase.co",
        "file:///etc/passwd",
        "mailto:admin@example.com",
        "javascript:alert(1)",
        "http://",
        "https://:443",
        "http://exa mple.com",
        " https://xyzcompany.supabase.co",
        "https://xyzcompany.supabase.co ",
        "https://xyzcompany.supabase.co/\r\nX-Injected: 1",
        "https://xyzcompany.supabase.co/\0",
        "https://xyzcompany.supabase.co/?apikey=leak",
        "https://xyzcompany.supabase.co/#frag",
        "https://user:password@xyzcompany.supabase.co",
        "https://user@xyzcompany.supabase.co",
        "https://xyzcompany.supabase.co:99999",
        "http://[::1",
    ];
    for url in cases {
        let err = supabase::create_client(url, ANON_KEY).unwrap_err();
        assert!(
            matches!(err.as_core(), Some(CoreError::InvalidUrl { .. })),
            "{url:?}: {err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("password"), "{url:?}: {shown}");
        assert!(!shown.contains(ANON_KEY), "{url:?}: {shown}");
    }
    // The key and the URL swapped by mistake: the key is not echoed.
    let err = supabase::create_client(ANON_KEY, &server.uri()).unwrap_err();
    assert!(matches!(err.as_core(), Some(CoreError::InvalidUrl { .. })));
    assert!(!format!("{err} {err:?}").contains(ANON_KEY));
    assert_nothing_sent(&server).await;
}

/// Filter values travel in the query string: `&`, `=`, `#`, `%`, `+` and friends are
/// percent-encoded, so a value cannot add, end or change query parameters.
#[tokio::test]
async fn filter_values_cannot_add_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let values = [
        "a&select=password",
        "x#fragment",
        "100%25",
        "%00",
        "a+b c",
        "a=b",
        "x,y)&or=(id.eq.1",
        "\"quoted\\\"",
        "é☃\u{1F600}",
        "line\r\nbreak\0nul",
        "?",
    ];
    for value in values {
        client
            .from("todos")
            .select("id")
            .eq("title", value)
            .execute::<serde_json::Value>()
            .await
            .unwrap();
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), values.len());
    for (request, value) in received.iter().zip(values) {
        assert_eq!(request.url.path(), "/rest/v1/todos");
        assert_eq!(request.url.fragment(), None);
        let pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("select".to_owned(), "id".to_owned()),
                ("title".to_owned(), format!("eq.{value}")),
            ],
            "{value:?}"
        );
    }
}

/// Found and fixed (supabase-postgrest): a table name used to be joined to the endpoint path
/// as text, so `..`, `/` and `%2e%2e` left `/rest/v1/`: with a service-role client and a table
/// name taken from user input, `from("../../auth/v1/admin/users")` listed the project's users.
/// postgrest-js behaves the same (`new URL(url + '/' + relation)`). Names are now one
/// percent-encoded path segment, and `.`/`..` are rejected before sending.
#[tokio::test]
async fn table_names_cannot_leave_the_rest_endpoint() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    for name in [
        "..",
        ".",
        "../../auth/v1/admin/users",
        "%2e%2e/%2e%2e/auth/v1/admin/users",
        "todos/../../../auth/v1/user",
        "a/b",
    ] {
        let result = client
            .from(name)
            .select("*")
            .execute::<serde_json::Value>()
            .await;
        if let Err(err) = result {
            assert!(matches!(err, PgError::InvalidQuery(_)), "{name:?}: {err:?}");
        }
    }
    for request in server.received_requests().await.unwrap() {
        let path = request.url.path();
        let rest = path.strip_prefix("/rest/v1/").unwrap_or_else(|| {
            panic!("a request left the REST endpoint: {path}");
        });
        assert!(!rest.contains('/'), "{path}");
    }
}
