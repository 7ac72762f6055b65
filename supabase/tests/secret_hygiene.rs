//! Secret hygiene: every public type that holds a key, a token, a refresh token or a password
//! is formatted with `{:?}`, `{:#?}` and (where implemented) `{}`, and no secret, nor a
//! recognizable piece of one, shows up. Errors built from inputs that contain secrets are
//! checked the same way.
//!
//! The crate has no `tracing` spans or log calls today, so there is nothing to check there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::{Debug, Display};
use std::sync::Arc;

use supabase::postgrest::PostgrestClient;
use supabase::supabase_core::{
    AccessToken, ApiError, Config, Error as CoreError, HeaderMap, HeaderValue, Method,
    ProjectKeyProvider, Request, Response, Secret, StaticTokenProvider, StatusCode, TokenProvider,
    Transport, TransportOptions, Url, decode_jwt_claims, header_name, header_value,
};
use supabase_test_support::fixtures::{EXTERNAL_JWT, SERVICE_ROLE_KEY};
use supabase_test_support::mint_user_jwt;

/// An opaque secret key of the new kind.
const SECRET_KEY: &str = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
const REFRESH_TOKEN: &str = "r3fr3sh-t0ken-v6xq2k";
const PASSWORD: &str = "correct-horse-battery-staple-42";

/// Every secret, and pieces of them long enough to be recognized: a JWT's claims and
/// signature, a key's random part.
fn secret_pieces() -> Vec<String> {
    let mut pieces = vec![
        SECRET_KEY.to_owned(),
        SECRET_KEY["sb_secret_".len()..].to_owned(),
        REFRESH_TOKEN.to_owned(),
        PASSWORD.to_owned(),
    ];
    for jwt in [EXTERNAL_JWT, SERVICE_ROLE_KEY] {
        pieces.push(jwt.to_owned());
        let parts: Vec<&str> = jwt.split('.').collect();
        pieces.push(parts[1][..24].to_owned());
        pieces.push(parts[2].to_owned());
        pieces.push(parts[2][..16].to_owned());
    }
    pieces
}

/// All the ways a value may be printed.
fn debug_forms(value: &dyn Debug) -> Vec<String> {
    vec![format!("{value:?}"), format!("{value:#?}")]
}

fn all_forms<T: Debug + Display>(value: &T) -> Vec<String> {
    let mut forms = debug_forms(value);
    forms.push(format!("{value}"));
    forms.push(format!("{value:>200}"));
    forms
}

/// Asserts that no form contains any secret piece; returns how many forms were checked.
fn assert_clean(what: &str, forms: Vec<String>) -> usize {
    for form in &forms {
        for piece in secret_pieces() {
            assert!(
                !form.contains(&piece),
                "{what} shows a secret ({}…) in: {form}",
                &piece[..8]
            );
        }
    }
    forms.len()
}

fn jwt_body() -> String {
    format!(
        r#"{{"access_token":"{EXTERNAL_JWT}","token_type":"bearer","expires_in":3600,"refresh_token":"{REFRESH_TOKEN}","user":{{"id":"u1","password":"{PASSWORD}"}},"apikey":"{SECRET_KEY}"}}"#
    )
}

#[test]
fn core_value_types_hide_secrets() {
    let mut checked = 0;
    for s in [EXTERNAL_JWT, SECRET_KEY, REFRESH_TOKEN, PASSWORD] {
        checked += assert_clean("Secret", all_forms(&Secret::new(s)));
    }
    let token = AccessToken::new(EXTERNAL_JWT).unwrap();
    checked += assert_clean("AccessToken", debug_forms(&token));
    checked += assert_clean("bearer header", debug_forms(token.bearer_header()));
    let provider = StaticTokenProvider::new(token);
    checked += assert_clean("StaticTokenProvider", debug_forms(&provider));
    let dyn_provider: Arc<dyn TokenProvider> = Arc::new(provider);
    checked += assert_clean("Arc<dyn TokenProvider>", debug_forms(&dyn_provider));
    // Claims are not secrets, but the token they come from must not be kept in them.
    let claims = decode_jwt_claims(EXTERNAL_JWT).unwrap();
    checked += assert_clean("JwtClaims", debug_forms(&claims));
    assert!(checked >= 20);
}

#[test]
fn configuration_and_transport_hide_secrets() {
    let config = Config::new("https://xyzcompany.supabase.co", SECRET_KEY)
        .unwrap()
        .header("authorization", &format!("Bearer {EXTERNAL_JWT}"))
        .unwrap()
        .header("x-refresh", REFRESH_TOKEN)
        .unwrap();
    assert_clean("Config", debug_forms(&config));
    assert_clean("Config::key", all_forms(config.key()));
    let transport = config.transport().unwrap();
    assert_clean("Transport", debug_forms(&transport));
    let mut options = TransportOptions::default();
    options.headers = config.headers().clone();
    assert_clean("TransportOptions", debug_forms(&options));
    let transport = Transport::new(&Secret::new(SERVICE_ROLE_KEY), options).unwrap();
    assert_clean("Transport (service role)", debug_forms(&transport));
    // Global secret headers are stored marked sensitive.
    assert!(transport.headers()["authorization"].is_sensitive());
}

#[test]
fn requests_and_responses_hide_secrets() {
    let url =
        Url::parse("https://xyzcompany.supabase.co/auth/v1/token?grant_type=password").unwrap();
    let request = Request::new(Method::POST, url)
        .header(
            http_name("authorization"),
            HeaderValue::from_str(&format!("Bearer {EXTERNAL_JWT}")).unwrap(),
        )
        .header(http_name("apikey"), HeaderValue::from_static(SECRET_KEY))
        .header(
            http_name("x-other"),
            HeaderValue::from_str(&format!("token {SERVICE_ROLE_KEY}")).unwrap(),
        )
        .body(format!(
            r#"{{"email":"a@b.c","password":"{PASSWORD}","refresh_token":"{REFRESH_TOKEN}"}}"#
        ));
    let forms = debug_forms(&request);
    assert!(forms[0].contains("x-other"), "{}", forms[0]);
    assert!(
        forms[0].contains("101 bytes"),
        "body length is shown: {}",
        forms[0]
    );
    assert_clean("Request", forms);

    let mut headers = HeaderMap::new();
    headers.insert(
        http_name("set-cookie"),
        HeaderValue::from_str(&format!("sb-access-token={EXTERNAL_JWT}")).unwrap(),
    );
    let response = Response::new(StatusCode::OK, headers, jwt_body().into());
    let forms = debug_forms(&response);
    assert!(
        forms[0].contains(&format!("<{} bytes>", jwt_body().len())),
        "{}",
        forms[0]
    );
    assert_clean("Response", forms);
}

fn http_name(name: &str) -> supabase::supabase_core::HeaderName {
    header_name(name).unwrap()
}

#[test]
fn errors_never_echo_a_token() {
    let mut errors: Vec<(&str, CoreError)> = Vec::new();
    // Header values that contain a secret and a control character.
    for bad in ["\r\n", "\n", "\0", "\x7f"] {
        errors.push((
            "header_value",
            header_value("authorization", &format!("Bearer {EXTERNAL_JWT}{bad}")).unwrap_err(),
        ));
        errors.push((
            "AccessToken::new",
            AccessToken::new(format!("{EXTERNAL_JWT}{bad}")).unwrap_err(),
        ));
        errors.push((
            "Config::new key",
            Config::new(
                "https://x.supabase.co",
                format!("{SECRET_KEY}{bad}").as_str(),
            )
            .unwrap_err(),
        ));
        errors.push((
            "Config::header",
            Config::new("https://x.supabase.co", "k")
                .unwrap()
                .header("apikey", &format!("{SECRET_KEY}{bad}"))
                .unwrap_err(),
        ));
    }
    // A secret passed where a header name goes.
    for name in [
        format!("apikey: {SECRET_KEY}"),
        format!("Bearer {EXTERNAL_JWT}"),
        format!("{SECRET_KEY}\r\n"),
    ] {
        errors.push(("header_name", header_name(&name).unwrap_err()));
        errors.push((
            "Config::header name",
            Config::new("https://x.supabase.co", "k")
                .unwrap()
                .header(&name, "v")
                .unwrap_err(),
        ));
    }
    // Malformed JWTs that contain a real token.
    for token in [
        format!("{EXTERNAL_JWT}.extra"),
        format!("{EXTERNAL_JWT}\r\n"),
        format!("x{EXTERNAL_JWT}"),
        EXTERNAL_JWT.replacen('.', "!", 1),
        format!("{EXTERNAL_JWT} {SERVICE_ROLE_KEY}"),
        EXTERNAL_JWT.repeat(200),
    ] {
        errors.push(("decode_jwt_claims", decode_jwt_claims(&token).unwrap_err()));
    }
    // Key and URL swapped.
    errors.push((
        "Config::new swapped",
        Config::new(SECRET_KEY, "https://x.supabase.co").unwrap_err(),
    ));
    errors.push((
        "Config::new swapped JWT",
        Config::new(SERVICE_ROLE_KEY, "https://x.supabase.co").unwrap_err(),
    ));
    // Answers that hold tokens: an undecodable session and error bodies.
    let session = Response::new(StatusCode::OK, HeaderMap::new(), jwt_body().into());
    errors.push((
        "Decode of a session",
        session.json::<Vec<u8>>().unwrap_err(),
    ));
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Session {
        refresh_token: u64,
    }
    errors.push((
        "Decode of a secret field",
        session.json::<Session>().unwrap_err(),
    ));
    let jwt_string = Response::new(
        StatusCode::OK,
        HeaderMap::new(),
        format!("\"{EXTERNAL_JWT}\"").into(),
    );
    errors.push((
        "Decode of a JWT string",
        jwt_string.json::<u64>().unwrap_err(),
    ));
    let cut = Response::new(
        StatusCode::OK,
        HeaderMap::new(),
        jwt_body()[..60].to_owned().into(),
    );
    errors.push((
        "Decode of a cut session",
        cut.json::<serde_json::Value>().unwrap_err(),
    ));
    for status in [400u16, 401, 500] {
        let response = Response::new(
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            format!(
                r#"{{"code":"bad_jwt","message":"invalid JWT {EXTERNAL_JWT}","details":{},"hint":"Bearer {SECRET_KEY}"}}"#,
                jwt_body()
            )
            .into(),
        );
        errors.push(("Api", response.error_for_status().unwrap_err()));
    }
    errors.push((
        "Api (HTML)",
        CoreError::from(ApiError::from_body(
            502,
            format!("<html>Authorization: Bearer {SERVICE_ROLE_KEY}</html>").as_bytes(),
        )),
    ));

    assert_eq!(errors.len(), 38);
    let mut checked = 0;
    for (what, err) in errors {
        checked += assert_clean(what, all_forms(&err));
        if let Some(api) = err.as_api() {
            checked += assert_clean(what, all_forms(api));
        }
        // As the façade shows it.
        let facade = supabase::Error::from(err);
        checked += assert_clean(what, all_forms(&facade));
    }
    assert!(checked >= 8 * 38);
}

#[tokio::test]
async fn clients_and_builders_hide_secrets() {
    let mut client = supabase::create_client("https://xyzcompany.supabase.co", SECRET_KEY).unwrap();
    let user_jwt = mint_user_jwt("user-1", None);
    let scoped = client.with_auth(&user_jwt).unwrap();
    let user = client.set_auth(EXTERNAL_JWT).unwrap();
    let mut values: Vec<(&str, Vec<String>)> = vec![
        ("Client", debug_forms(&client)),
        ("scoped Client", debug_forms(&scoped)),
        ("AuthClient", debug_forms(&client.auth().unwrap())),
        ("PostgrestClient", debug_forms(&client.postgrest())),
        ("Config", debug_forms(client.config())),
        ("TokenUser", debug_forms(&user)),
        ("QueryBuilder", debug_forms(&client.from("todos"))),
        (
            "FilterBuilder",
            debug_forms(&scoped.from("todos").select("*").eq("id", 1)),
        ),
        (
            "token provider",
            debug_forms(client.postgrest().token_provider()),
        ),
        (
            "auth token provider",
            debug_forms(scoped.auth().unwrap().token_provider()),
        ),
        ("transport", debug_forms(client.postgrest().transport())),
    ];
    let postgrest = PostgrestClient::new("https://x.supabase.co/rest/v1", SECRET_KEY)
        .unwrap()
        .with_token(EXTERNAL_JWT)
        .unwrap();
    values.push(("PostgrestClient::with_token", debug_forms(&postgrest)));
    let anon = postgrest.with_token_provider(Arc::new(ProjectKeyProvider));
    values.push(("PostgrestClient (key provider)", debug_forms(&anon)));
    let mut auth =
        supabase::auth::AuthClient::new("https://x.supabase.co/auth/v1", SECRET_KEY).unwrap();
    auth.set_auth(EXTERNAL_JWT).unwrap();
    values.push(("AuthClient::set_auth", debug_forms(&auth)));
    // The user's token is held, and it is the user token's pieces that must not show.
    let user_pieces: Vec<String> = user_jwt.split('.').skip(1).map(str::to_owned).collect();
    for (what, forms) in values {
        for form in &forms {
            for piece in &user_pieces {
                assert!(
                    !form.contains(piece.as_str()),
                    "{what} shows the user token: {form}"
                );
            }
        }
        assert_clean(what, forms);
    }
    // Errors of the façade, from each crate.
    let err = client.with_auth(&format!("{user_jwt}\r\n")).unwrap_err();
    assert_clean("supabase::Error (auth)", all_forms(&err));
    let err =
        supabase::create_client("https://x.supabase.co", &format!("{SECRET_KEY}\n")).unwrap_err();
    assert_clean("supabase::Error (core)", all_forms(&err));
    let err = client
        .postgrest()
        .with_token(format!("{EXTERNAL_JWT}\0"))
        .unwrap_err();
    assert_clean("supabase::postgrest::Error", all_forms(&err));
}

/// A sign-in answer holding the test's access token, refresh token and (in the user) password.
async fn session_server() -> supabase_test_support::MockServer {
    use wiremock::matchers::{method, path};
    let server = supabase_test_support::MockServer::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_raw(jwt_body(), "application/json"),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn auth_types_holding_secrets_hide_them() {
    use supabase::auth::{
        AdminClient, FileStore, FlowType, MemoryStore, OAuthOptions, PasswordCredentials,
        SessionStore,
    };
    let server = session_server().await;
    let memory = Arc::new(MemoryStore::new());
    let dir = std::env::temp_dir().join(format!("secret-hygiene-{}", std::process::id()));
    let file = Arc::new(FileStore::new(&dir));
    let mut checked = 0;
    for store in [
        Arc::clone(&memory) as Arc<dyn SessionStore>,
        Arc::clone(&file) as Arc<dyn SessionStore>,
    ] {
        let client = supabase::Client::builder(&server.uri(), SECRET_KEY)
            .session_store(Arc::clone(&store))
            .flow_type(FlowType::Pkce)
            .build()
            .unwrap();
        let auth = client.auth().unwrap();
        let credentials = PasswordCredentials::email("user@example.com", PASSWORD);
        checked += assert_clean("PasswordCredentials", debug_forms(&credentials));
        let session = auth.sign_in_with_password(credentials).await.unwrap();
        // The test is not blind: the session does hold the secrets.
        assert_eq!(session.access_token.expose(), EXTERNAL_JWT);
        assert_eq!(session.refresh_token.expose(), REFRESH_TOKEN);
        checked += assert_clean("Session", debug_forms(&session));
        checked += assert_clean("SessionStore", debug_forms(&store));
        checked += assert_clean(
            "SessionTokenProvider",
            debug_forms(&auth.session_token_provider()),
        );
        checked += assert_clean("signed-in AuthClient", debug_forms(&auth));
        checked += assert_clean("signed-in Client", debug_forms(&client));
        let redirect = auth
            .sign_in_with_oauth("github", OAuthOptions::new())
            .await
            .unwrap();
        let verifier = redirect.code_verifier.clone().expect("a PKCE verifier");
        for form in debug_forms(&redirect) {
            assert!(
                !form.contains(verifier.expose()),
                "OAuthRedirect shows its code verifier: {form}"
            );
        }
        checked += assert_clean("OAuthRedirect", debug_forms(&redirect));
        // The store now holds the session and the verifier.
        for form in debug_forms(&store) {
            assert!(!form.contains(verifier.expose()), "store shows: {form}");
        }
    }
    checked += assert_clean("MemoryStore", debug_forms(&memory));
    checked += assert_clean("FileStore", debug_forms(&file));
    let _ = std::fs::remove_dir_all(&dir);

    let admin = AdminClient::new(&format!("{}/auth/v1", server.uri()), SERVICE_ROLE_KEY).unwrap();
    checked += assert_clean("AdminClient", debug_forms(&admin));
    let admin = supabase::create_client(&server.uri(), SERVICE_ROLE_KEY)
        .unwrap()
        .admin()
        .unwrap();
    checked += assert_clean("AdminClient (façade)", debug_forms(&admin));
    assert!(checked >= 30, "{checked}");
}

#[test]
fn builders_and_fn_providers_hide_secrets() {
    let builder = supabase::Client::builder("https://x.supabase.co", SECRET_KEY)
        .header("Authorization", &format!("Bearer {EXTERNAL_JWT}"))
        .header("x-api-secret", PASSWORD)
        .access_token_fn(|| async { Ok(Some(EXTERNAL_JWT.to_owned())) });
    assert_clean("ClientBuilder", debug_forms(&builder));
    let client = builder.build().unwrap();
    assert_clean("Client (builder)", debug_forms(&client));
    let provider = supabase::FnTokenProvider::new(|| async { Ok(Some(EXTERNAL_JWT.to_owned())) });
    assert_clean("FnTokenProvider", debug_forms(&provider));
    let dyn_provider: Arc<dyn TokenProvider> = Arc::new(provider);
    assert_clean("Arc<dyn TokenProvider> (fn)", debug_forms(&dyn_provider));
}
