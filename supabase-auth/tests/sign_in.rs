//! Sign-up and every sign-in: exactly what is sent, the typed result, the session and events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::*;
use serde_json::json;
use supabase_auth::{
    AuthChangeEvent, Channel, EmailOtpType, Error, ErrorCode, FlowType, IdTokenCredentials,
    MemoryStore, MobileOtpType, OAuthOptions, OtpCredentials, PasswordCredentials, RequestOptions,
    ResendParams, SessionStore, SignUpCredentials, SignUpResponse, SsoParams, VerifyOtpParams,
    WeakPasswordReason,
};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

async fn answer(server: &MockServer, m: &str, p: &str, status: u16, body: serde_json::Value) {
    Mock::given(method(m))
        .and(path(p))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn sign_up_with_email_signs_in_and_emits() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/v1/signup",
        200,
        session_json("u1", 4_102_444_800, "r1"),
    )
    .await;
    let auth = client(&server);
    let mut events = auth.on_auth_state_change().await.unwrap();
    let result = auth
        .sign_up(
            SignUpCredentials::email("new@example.com", "secret-pw")
                .data(json!({"name": "Ada", "n": 1}))
                .redirect_to("https://example.com/welcome?x=1&y=a b")
                .captcha_token("captcha-123"),
        )
        .await
        .unwrap();
    let SignUpResponse::SignedIn(session) = result else {
        panic!("{result:?}")
    };
    assert_eq!(session.user.id, "u1");
    assert_eq!(session.refresh_token.expose(), "r1");

    let reqs = received(&server, "/auth/v1/signup").await;
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_auth_headers(r);
    assert_eq!(bearer(r), format!("Bearer {ANON_KEY}"));
    assert_eq!(
        r.url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Fwelcome%3Fx%3D1%26y%3Da+b")
    );
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"email":"new@example.com","password":"secret-pw","data":{"n":1,"name":"Ada"},"gotrue_meta_security":{"captcha_token":"captcha-123"},"code_challenge":null,"code_challenge_method":null}"#
    );

    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::InitialSession
    );
    let change = events.recv().await.unwrap();
    assert_eq!(change.event, AuthChangeEvent::SignedIn);
    assert_eq!(change.session.unwrap().user.id, "u1");
    assert_eq!(auth.get_session().await.unwrap().unwrap().user.id, "u1");
}

#[tokio::test]
async fn sign_up_needing_confirmation_is_a_result_not_an_error() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/auth/v1/signup", 200, user_json("u2")).await;
    let auth = client(&server);
    let result = auth
        .sign_up(
            SignUpCredentials::phone("+15555550100", "secret-pw")
                .channel(Channel::Whatsapp)
                .data(json!({"a": 1})),
        )
        .await
        .unwrap();
    let SignUpResponse::ConfirmationRequired(user) = result else {
        panic!("{result:?}")
    };
    assert_eq!(user.id, "u2");
    assert!(auth.get_session().await.unwrap().is_none());
    let r = &received(&server, "/auth/v1/signup").await[0];
    assert_eq!(r.url.query(), None);
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"phone":"+15555550100","password":"secret-pw","data":{"a":1},"channel":"whatsapp","gotrue_meta_security":{}}"#
    );
}

#[tokio::test]
async fn weak_password_is_a_typed_error_with_reasons() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/signup"))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "code": "weak_password", "message": "Password should be at least 6 characters.",
            "weak_password": {"reasons": ["length"]}
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .sign_up(SignUpCredentials::email("new@example.com", "1"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::WeakPassword));
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.weak_password_reasons(), &[WeakPasswordReason::Length]);
    let api = err.api().unwrap();
    assert_eq!(api.message, "Password should be at least 6 characters.");
    assert!(api.body.contains("weak_password"));
    assert!(!err.to_string().contains("\"1\""));
}

#[tokio::test]
async fn sign_in_with_password_email_and_phone() {
    let server = MockServer::start().await;
    mount_password_grant(&server, session_json("u1", 4_102_444_800, "r1")).await;
    let auth = client(&server);
    let session = auth
        .sign_in_with_password(
            PasswordCredentials::email("user@example.com", "correct horse").captcha_token("c-1"),
        )
        .await
        .unwrap();
    assert_eq!(session.user.email.as_deref(), Some("u1@example.com"));
    auth.sign_in_with_password(PasswordCredentials::phone("+15555550100", "pw"))
        .await
        .unwrap();
    let reqs = received(&server, "/auth/v1/token").await;
    assert_eq!(reqs.len(), 2);
    assert_auth_headers(&reqs[0]);
    assert_eq!(reqs[0].url.query(), Some("grant_type=password"));
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"email":"user@example.com","password":"correct horse","gotrue_meta_security":{"captcha_token":"c-1"}}"#
    );
    assert_eq!(
        String::from_utf8(reqs[1].body.clone()).unwrap(),
        r#"{"phone":"+15555550100","password":"pw","gotrue_meta_security":{}}"#
    );
}

#[tokio::test]
async fn sign_in_without_a_session_in_the_answer_is_an_error() {
    let server = MockServer::start().await;
    mount_password_grant(&server, json!({"user": user_json("u1")})).await;
    let err = client(&server)
        .sign_in_with_password(PasswordCredentials::email("a@example.com", "pw"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidTokenResponse), "{err:?}");
}

#[tokio::test]
async fn wrong_credentials_error_keeps_code_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials"
        })))
        .mount(&server)
        .await;
    let err = client(&server)
        .sign_in_with_password(PasswordCredentials::email("a@example.com", "hunter2"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::InvalidCredentials));
    assert_eq!(err.api().unwrap().message, "Invalid login credentials");
    assert_eq!(
        err.as_api().unwrap().code.as_deref(),
        Some("invalid_credentials")
    );
    assert!(!format!("{err:?} {err}").contains("hunter2"));
}

#[tokio::test]
async fn otp_email_and_phone() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/v1/otp",
        200,
        json!({"message_id": "m-1"}),
    )
    .await;
    let auth = client(&server);
    auth.sign_in_with_otp(
        OtpCredentials::email("user@example.com")
            .redirect_to("https://example.com/cb")
            .should_create_user(false)
            .data(json!({"a": 1}))
            .captcha_token("c"),
    )
    .await
    .unwrap();
    let sent = auth
        .sign_in_with_otp(OtpCredentials::phone("+15555550100").channel(Channel::Sms))
        .await
        .unwrap();
    assert_eq!(sent.message_id.as_deref(), Some("m-1"));
    let reqs = received(&server, "/auth/v1/otp").await;
    assert_eq!(
        reqs[0].url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Fcb")
    );
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"email":"user@example.com","data":{"a":1},"create_user":false,"gotrue_meta_security":{"captcha_token":"c"},"code_challenge":null,"code_challenge_method":null}"#
    );
    assert_eq!(reqs[1].url.query(), None);
    assert_eq!(
        String::from_utf8(reqs[1].body.clone()).unwrap(),
        r#"{"phone":"+15555550100","data":{},"create_user":true,"gotrue_meta_security":{},"channel":"sms"}"#
    );
    assert!(auth.get_session().await.unwrap().is_none());
}

#[tokio::test]
async fn verify_otp_variants_and_recovery_event() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/v1/verify",
        200,
        session_json("u1", 4_102_444_800, "r1"),
    )
    .await;
    let auth = client(&server);
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let answer = auth
        .verify_otp(
            VerifyOtpParams::email("user@example.com", "123456", EmailOtpType::Signup)
                .redirect_to("https://example.com/done")
                .captcha_token("c"),
        )
        .await
        .unwrap();
    assert_eq!(answer.session.unwrap().user.id, "u1");
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::SignedIn
    );
    auth.verify_otp(VerifyOtpParams::phone(
        "+15555550100",
        "123456",
        MobileOtpType::Sms,
    ))
    .await
    .unwrap();
    auth.verify_otp(VerifyOtpParams::token_hash(
        "hashed-token",
        EmailOtpType::Recovery,
    ))
    .await
    .unwrap();
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::SignedIn
    );
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::PasswordRecovery
    );

    let reqs = received(&server, "/auth/v1/verify").await;
    assert_eq!(
        reqs[0].url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Fdone")
    );
    // No `options` object in the body (auth-js leaks it).
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"email":"user@example.com","token":"123456","type":"signup","gotrue_meta_security":{"captcha_token":"c"}}"#
    );
    assert_eq!(
        String::from_utf8(reqs[1].body.clone()).unwrap(),
        r#"{"phone":"+15555550100","token":"123456","type":"sms","gotrue_meta_security":{}}"#
    );
    assert_eq!(
        String::from_utf8(reqs[2].body.clone()).unwrap(),
        r#"{"token_hash":"hashed-token","type":"recovery","gotrue_meta_security":{}}"#
    );
}

#[tokio::test]
async fn verify_without_session_returns_none() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/v1/verify",
        200,
        json!({"msg": "Confirmation link accepted", "code": 200}),
    )
    .await;
    let answer = client(&server)
        .verify_otp(VerifyOtpParams::token_hash("h", EmailOtpType::EmailChange))
        .await
        .unwrap();
    assert!(answer.session.is_none() && answer.user.is_none());
}

#[tokio::test]
async fn anonymous_and_id_token_sign_in() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/auth/v1/signup",
        200,
        session_json("anon", 4_102_444_800, "r"),
    )
    .await;
    answer(
        &server,
        "POST",
        "/auth/v1/token",
        200,
        session_json("g", 4_102_444_800, "r2"),
    )
    .await;
    let auth = client(&server);
    auth.sign_in_anonymously(
        RequestOptions::new()
            .data(json!({"theme": "dark"}))
            .captcha_token("c"),
    )
    .await
    .unwrap();
    auth.sign_in_with_id_token(IdTokenCredentials::new("google", "id-tok").nonce("n-1"))
        .await
        .unwrap();
    let r = &received(&server, "/auth/v1/signup").await[0];
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"data":{"theme":"dark"},"gotrue_meta_security":{"captcha_token":"c"}}"#
    );
    let r = &received(&server, "/auth/v1/token").await[0];
    assert_eq!(r.url.query(), Some("grant_type=id_token"));
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"provider":"google","id_token":"id-tok","nonce":"n-1","gotrue_meta_security":{}}"#
    );
    assert_eq!(auth.get_session().await.unwrap().unwrap().user.id, "g");
}

#[tokio::test]
async fn oauth_url_implicit_and_pkce_then_exchange() {
    let server = MockServer::start().await;
    let implicit = client(&server);
    let redirect = implicit
        .sign_in_with_oauth(
            "github",
            OAuthOptions::new()
                .redirect_to("https://example.com/cb")
                .scopes("repo gist")
                .query_param("access_type", "offline")
                .query_param("prompt", "consent"),
        )
        .await
        .unwrap();
    assert_eq!(
        redirect.url.as_str(),
        format!(
            "{}/auth/v1/authorize?provider=github&redirect_to=https%3A%2F%2Fexample.com%2Fcb&scopes=repo%20gist&access_type=offline&prompt=consent",
            server.uri()
        )
    );
    assert!(redirect.code_verifier.is_none());

    let store = Arc::new(MemoryStore::new());
    let pkce = builder(&server)
        .flow_type(FlowType::Pkce)
        .store(store.clone())
        .build()
        .unwrap();
    let redirect = pkce
        .sign_in_with_oauth("github", OAuthOptions::new())
        .await
        .unwrap();
    let verifier = redirect.code_verifier.clone().unwrap();
    let challenge = redirect
        .url
        .query_pairs()
        .find(|(k, _)| k == "code_challenge")
        .unwrap()
        .1
        .into_owned();
    assert!(
        redirect
            .url
            .query()
            .unwrap()
            .ends_with("&code_challenge_method=s256")
    );
    assert_eq!(challenge, s256(verifier.expose()));
    assert!(!format!("{redirect:?}").contains(verifier.expose()));
    assert_eq!(
        store
            .get(&format!("{}-code-verifier", pkce.storage_key()))
            .await
            .unwrap()
            .as_deref(),
        Some(verifier.expose())
    );

    answer(
        &server,
        "POST",
        "/auth/v1/token",
        200,
        session_json("u1", 4_102_444_800, "r1"),
    )
    .await;
    let session = pkce
        .exchange_code_for_session("auth-code-123")
        .await
        .unwrap();
    assert_eq!(session.user.id, "u1");
    let r = &received(&server, "/auth/v1/token").await[0];
    assert_eq!(r.url.query(), Some("grant_type=pkce"));
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        format!(
            r#"{{"auth_code":"auth-code-123","code_verifier":"{}"}}"#,
            verifier.expose()
        )
    );
    // The verifier is used once.
    let err = pkce
        .exchange_code_for_session("auth-code-123")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PkceVerifierMissing), "{err:?}");
    assert_eq!(received(&server, "/auth/v1/token").await.len(), 1);
}

fn s256(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

#[tokio::test]
async fn exchange_without_verifier_sends_nothing() {
    let server = MockServer::start().await;
    let err = client(&server)
        .exchange_code_for_session("code")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PkceVerifierMissing));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn pkce_password_recovery_emits_password_recovery() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/auth/v1/recover", 200, json!({})).await;
    answer(
        &server,
        "POST",
        "/auth/v1/token",
        200,
        session_json("u1", 4_102_444_800, "r1"),
    )
    .await;
    let auth = builder(&server).flow_type(FlowType::Pkce).build().unwrap();
    auth.reset_password_for_email("user@example.com", RequestOptions::new())
        .await
        .unwrap();
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    auth.exchange_code_for_session("code").await.unwrap();
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::PasswordRecovery
    );
    let r = &received(&server, "/auth/v1/recover").await[0];
    let body = body_json(r);
    assert_eq!(body["code_challenge_method"], "s256");
    let sent_verifier = body_json(&received(&server, "/auth/v1/token").await[0])["code_verifier"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(body["code_challenge"], s256(&sent_verifier));
    assert!(!sent_verifier.contains("/recovery"));
}

#[tokio::test]
async fn reset_password_sso_resend() {
    let server = MockServer::start().await;
    answer(&server, "POST", "/auth/v1/recover", 200, json!({})).await;
    answer(
        &server,
        "POST",
        "/auth/v1/sso",
        200,
        json!({"url": "https://sso.example.com/saml/login"}),
    )
    .await;
    answer(&server, "POST", "/auth/v1/resend", 200, json!({})).await;
    let auth = client(&server);
    auth.reset_password_for_email(
        "user@example.com",
        RequestOptions::new()
            .redirect_to("https://example.com/reset")
            .captcha_token("c"),
    )
    .await
    .unwrap();
    let sso = auth
        .sign_in_with_sso(SsoParams::domain("example.com").redirect_to("https://example.com/cb"))
        .await
        .unwrap();
    assert_eq!(sso.url, "https://sso.example.com/saml/login");
    auth.resend(ResendParams::sms("+15555550100"))
        .await
        .unwrap();
    auth.resend(ResendParams::signup("a@example.com").redirect_to("https://e.com/w"))
        .await
        .unwrap();

    let r = &received(&server, "/auth/v1/recover").await[0];
    assert_eq!(
        r.url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Freset")
    );
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"email":"user@example.com","code_challenge":null,"code_challenge_method":null,"gotrue_meta_security":{"captcha_token":"c"}}"#
    );
    let r = &received(&server, "/auth/v1/sso").await[0];
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        r#"{"domain":"example.com","redirect_to":"https://example.com/cb","skip_http_redirect":true,"code_challenge":null,"code_challenge_method":null}"#
    );
    let reqs = received(&server, "/auth/v1/resend").await;
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"phone":"+15555550100","type":"sms","gotrue_meta_security":{}}"#
    );
    assert_eq!(
        reqs[1].url.query(),
        Some("redirect_to=https%3A%2F%2Fe.com%2Fw")
    );
    assert_eq!(
        String::from_utf8(reqs[1].body.clone()).unwrap(),
        r#"{"email":"a@example.com","type":"signup","gotrue_meta_security":{},"code_challenge":null,"code_challenge_method":null}"#
    );
}

#[tokio::test]
async fn bad_input_is_rejected_before_sending() {
    let server = MockServer::start().await;
    let auth = client(&server);
    let checks = [
        auth.sign_up(SignUpCredentials::email("", "pw")).await.err(),
        auth.sign_up(SignUpCredentials::email("a@b.c", "pw").data(json!([1])))
            .await
            .err(),
        auth.sign_up(SignUpCredentials::email("a@b.c", "pw").redirect_to("not a url"))
            .await
            .err(),
        auth.sign_in_with_password(PasswordCredentials::phone(" ", "pw"))
            .await
            .err(),
        auth.sign_in_with_otp(OtpCredentials::email("a@b.c").redirect_to("/relative"))
            .await
            .err(),
        auth.verify_otp(VerifyOtpParams::email("a@b.c", "", EmailOtpType::Email))
            .await
            .err(),
        auth.sign_in_with_oauth("", OAuthOptions::new()).await.err(),
        auth.exchange_code_for_session("").await.err(),
    ];
    for (i, e) in checks.into_iter().enumerate() {
        let e = e.unwrap_or_else(|| panic!("check {i} passed"));
        assert!(
            matches!(e, Error::Core(supabase_core::Error::InvalidInput(_))),
            "check {i}: {e:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}
