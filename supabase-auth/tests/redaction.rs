//! Passwords, tokens and refresh tokens never show in `Debug` or `Display`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use supabase_auth::{
    AdminUserAttributes, AuthChangeEvent, EmailOtpType, GenerateLinkParams, IdTokenCredentials,
    PasswordCredentials, SignUpCredentials, UserAttributes, VerifyOtpParams,
};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn assert_hidden(shown: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!shown.contains(s), "{s} leaked in {shown}");
    }
}

#[test]
fn inputs_hide_passwords_and_tokens() {
    let secrets = [
        "pw-SECRET",
        "otp-SECRET",
        "id-SECRET",
        "nonce-SECRET",
        "captcha-SECRET",
    ];
    let shown = format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:#?}",
        SignUpCredentials::email("a@b.c", "pw-SECRET").captcha_token("captcha-SECRET"),
        PasswordCredentials::phone("+1", "pw-SECRET").captcha_token("captcha-SECRET"),
        VerifyOtpParams::email("a@b.c", "otp-SECRET", EmailOtpType::Email),
        VerifyOtpParams::token_hash("otp-SECRET", EmailOtpType::Recovery),
        IdTokenCredentials::new("google", "id-SECRET").nonce("nonce-SECRET"),
        UserAttributes::new()
            .password("pw-SECRET")
            .nonce("nonce-SECRET")
            .current_password("pw-SECRET"),
        AdminUserAttributes::new()
            .password("pw-SECRET")
            .password_hash("pw-SECRET")
            .nonce("nonce-SECRET"),
        GenerateLinkParams::signup("a@b.c", "pw-SECRET"),
    );
    assert_hidden(&shown, &secrets);
}

#[tokio::test]
async fn clients_sessions_events_and_errors_hide_tokens() {
    let server = MockServer::start().await;
    let mut auth = client(&server);
    auth.set_auth(EXTERNAL_JWT).unwrap();
    let mut events = auth.on_auth_state_change().await.unwrap();
    events.recv().await.unwrap();
    let session = sign_in(&auth, &server, "u1", 4_102_444_800, "refresh-SECRET").await;
    let access = session.access_token.expose().to_owned();
    let change = events.recv().await.unwrap();
    assert_eq!(change.event, AuthChangeEvent::SignedIn);
    let provider = auth.session_token_provider();
    let shown =
        format!("{auth:?} {auth:#?} {session:?} {session:#?} {change:?} {provider:?} {events:?}");
    assert_hidden(&shown, &[EXTERNAL_JWT, ANON_KEY, &access, "refresh-SECRET"]);

    // An error answer that echoes the tokens of the request does not carry them into the
    // error.
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": "refresh_token_not_found",
            "message": format!("Invalid Refresh Token (session of {access})"),
            "refresh_token": "refresh-SECRET-2"
        })))
        .mount(&server)
        .await;
    let err = auth
        .refresh_session_with("refresh-SECRET-2")
        .await
        .unwrap_err();
    assert_hidden(
        &format!("{err} {err:?}"),
        &["refresh-SECRET-2", &access, ANON_KEY],
    );
    // A malformed token is described, never printed.
    let err = auth.set_auth("eyJ.bad-SECRET").unwrap_err();
    assert_hidden(&format!("{err} {err:?}"), &["bad-SECRET"]);
}
