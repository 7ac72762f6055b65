//! The OAuth 2.1 server side, passkeys, linking with an ID token, WebAuthn MFA, recovery
//! codes and web3 sign-in: requests, tokens used, sessions saved, secrets redacted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{Value, json};
use supabase_auth::{
    AuthChangeEvent, AuthorizationDetails, EnrollFactor, Error, IdTokenCredentials, SiweMessage,
    Web3Credentials, WebauthnRelyingParty,
};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::mint_user_jwt;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const EXP: u64 = NOW + 3600;

async fn mount(server: &MockServer, m: &str, p: &str, body: Value) {
    Mock::given(method(m))
        .and(path(p))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

fn user_bearer() -> String {
    format!("Bearer {}", mint_user_jwt("u1", Some(EXP)))
}

#[tokio::test]
async fn oauth_consent_and_grants() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    sign_in(&auth, &server, "u1", EXP, "r1").await;
    let client =
        json!({"id": "client-1", "name": "App", "uri": "https://app.example.com", "logo_uri": ""});
    mount(
        &server,
        "GET",
        "/auth/v1/oauth/authorizations/auth-1",
        json!({"authorization_id": "auth-1", "redirect_uri": "https://app.example.com/cb",
               "client": client, "user": {"id": "u1", "email": "u1@example.com"},
               "scope": "openid email"}),
    )
    .await;
    mount(
        &server,
        "GET",
        "/auth/v1/oauth/authorizations/auth-2",
        json!({"redirect_url": "https://app.example.com/cb?code=c0de&state=s"}),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/oauth/authorizations/auth-1/consent",
        json!({"redirect_url": "https://app.example.com/cb?code=c0de&state=s"}),
    )
    .await;
    mount(
        &server,
        "GET",
        "/auth/v1/user/oauth/grants",
        json!([{"client": client, "scopes": ["openid"], "granted_at": "2024-01-01T00:00:00Z"}]),
    )
    .await;
    mount(&server, "DELETE", "/auth/v1/user/oauth/grants", json!({})).await;

    let oauth = auth.oauth();
    match oauth.get_authorization_details("auth-1").await.unwrap() {
        AuthorizationDetails::Consent(d) => {
            assert_eq!(d.client.name, "App");
            assert_eq!(d.scope, "openid email");
        }
        other => panic!("{other:?}"),
    }
    match oauth.get_authorization_details("auth-2").await.unwrap() {
        AuthorizationDetails::Redirect(r) => {
            assert!(r.redirect_url.expose().contains("code=c0de"));
            assert!(!format!("{r:?}").contains("c0de"));
        }
        other => panic!("{other:?}"),
    }
    let approved = oauth.approve_authorization("auth-1").await.unwrap();
    assert!(
        approved
            .redirect_url
            .expose()
            .starts_with("https://app.example.com/cb")
    );
    oauth.deny_authorization("auth-1").await.unwrap();
    let grants = oauth.list_grants().await.unwrap();
    assert_eq!(grants[0].scopes, ["openid"]);
    oauth.revoke_grant("client-1").await.unwrap();
    assert!(oauth.revoke_grant("").await.is_err());

    let consent = received(&server, "/auth/v1/oauth/authorizations/auth-1/consent").await;
    assert_eq!(body_json(&consent[0]), json!({"action": "approve"}));
    assert_eq!(body_json(&consent[1]), json!({"action": "deny"}));
    assert_eq!(bearer(&consent[0]), user_bearer());
    let revoke = received(&server, "/auth/v1/user/oauth/grants").await;
    assert_eq!(revoke[1].url.query(), Some("client_id=client-1"));
    assert_eq!(bearer(&revoke[1]), user_bearer());
}

#[tokio::test]
async fn oauth_calls_need_a_user() {
    let server = MockServer::start().await;
    let auth = client(&server);
    let err = auth.oauth().list_grants().await.unwrap_err();
    assert!(matches!(err, Error::SessionMissing), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn passkey_registration_authentication_and_management() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    sign_in(&auth, &server, "u1", EXP, "r1").await;
    let options = json!({"challenge": "Y2hhbA", "rp": {"id": "example.com"}});
    mount(
        &server,
        "POST",
        "/auth/v1/passkeys/registration/options",
        json!({"challenge_id": "ch-1", "options": options, "expires_at": NOW + 300}),
    )
    .await;
    let passkey =
        json!({"id": "pk-1", "friendly_name": "laptop", "created_at": "2024-01-01T00:00:00Z"});
    mount(
        &server,
        "POST",
        "/auth/v1/passkeys/registration/verify",
        passkey.clone(),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/passkeys/authentication/options",
        json!({"challenge_id": "ch-2", "options": {"challenge": "eA"}, "expires_at": NOW + 300}),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/passkeys/authentication/verify",
        session_json("u2", EXP, "r2"),
    )
    .await;
    mount(&server, "GET", "/auth/v1/passkeys", json!([passkey])).await;
    mount(&server, "PATCH", "/auth/v1/passkeys/pk-1", passkey.clone()).await;
    mount(&server, "DELETE", "/auth/v1/passkeys/pk-1", json!(null)).await;

    let pk = auth.passkey();
    let challenge = pk.start_registration().await.unwrap();
    assert_eq!(challenge.options, options);
    let credential = json!({"id": "cred", "type": "public-key", "response": {}});
    let created = pk.verify_registration("ch-1", &credential).await.unwrap();
    assert_eq!(created.id, "pk-1");
    assert!(pk.verify_registration("ch-1", &json!("x")).await.is_err());
    let challenge = pk.start_authentication(Some("cap")).await.unwrap();
    assert_eq!(challenge.challenge_id, "ch-2");
    let mut events = auth.on_auth_state_change().await.unwrap();
    let _initial = events.recv().await;
    let session = pk.verify_authentication("ch-2", &credential).await.unwrap();
    assert_eq!(session.user.id, "u2");
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::SignedIn
    );
    assert_eq!(pk.list().await.unwrap().len(), 1);
    pk.update("pk-1", "work laptop").await.unwrap();
    pk.delete("pk-1").await.unwrap();

    let reg = received(&server, "/auth/v1/passkeys/registration/options").await;
    assert_eq!(body_json(&reg[0]), json!({}));
    assert_eq!(bearer(&reg[0]), user_bearer());
    let verify = received(&server, "/auth/v1/passkeys/registration/verify").await;
    assert_eq!(
        body_json(&verify[0]),
        json!({"challenge_id": "ch-1", "credential": credential})
    );
    let authn = received(&server, "/auth/v1/passkeys/authentication/options").await;
    assert_eq!(bearer(&authn[0]), format!("Bearer {ANON_KEY}"));
    assert_eq!(
        body_json(&authn[0]),
        json!({"gotrue_meta_security": {"captcha_token": "cap"}})
    );
    let patch = received(&server, "/auth/v1/passkeys/pk-1").await;
    assert_eq!(
        body_json(&patch[0]),
        json!({"friendly_name": "work laptop"})
    );
}

#[tokio::test]
async fn link_identity_with_an_id_token() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    sign_in(&auth, &server, "u1", EXP, "r1").await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "id_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json("u1", EXP, "r9")))
        .mount(&server)
        .await;
    let mut events = auth.on_auth_state_change().await.unwrap();
    let _initial = events.recv().await;
    let session = auth
        .link_identity_with_id_token(
            IdTokenCredentials::new("google", "google-id-token")
                .access_token("google-access")
                .nonce("raw-nonce"),
        )
        .await
        .unwrap();
    assert_eq!(session.refresh_token.expose(), "r9");
    assert_eq!(
        events.recv().await.unwrap().event,
        AuthChangeEvent::UserUpdated
    );
    let sent = received(&server, "/auth/v1/token").await;
    let link = sent.last().unwrap();
    assert_eq!(bearer(link), user_bearer());
    assert_eq!(
        body_json(link),
        json!({"provider": "google", "id_token": "google-id-token",
               "access_token": "google-access", "nonce": "raw-nonce",
               "link_identity": true, "gotrue_meta_security": {}})
    );
    assert!(
        auth.link_identity_with_id_token(IdTokenCredentials::new("google", ""))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn webauthn_factors_and_recovery_codes() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    sign_in(&auth, &server, "u1", EXP, "r1").await;
    mount(
        &server,
        "POST",
        "/auth/v1/factors",
        json!({"id": "f1", "type": "webauthn", "friendly_name": "key"}),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/factors/f1/challenge",
        json!({"id": "c1", "type": "webauthn", "expires_at": NOW + 300,
               "webauthn": {"type": "create", "credential_options": {"publicKey": {"challenge": "eA"}}}}),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/factors/f1/verify",
        session_json("u1", EXP, "r2"),
    )
    .await;
    let mut user = user_json("u1");
    user["factors"] = json!([
        {"id": "f1", "factor_type": "webauthn", "status": "verified"},
        {"id": "f2", "factor_type": "recovery_code", "status": "verified"},
        {"id": "f3", "factor_type": "totp", "status": "unverified"}
    ]);
    mount(&server, "GET", "/auth/v1/user", user).await;
    let codes = json!({"id": "f2", "type": "recovery_code", "total": 2, "codes": ["aaaa-bbbb", "cccc-dddd"]});
    mount(
        &server,
        "POST",
        "/auth/v1/factors/recovery-codes",
        codes.clone(),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/factors/recovery-codes/regenerate",
        codes,
    )
    .await;
    mount(
        &server,
        "GET",
        "/auth/v1/factors/recovery-codes",
        json!({"id": "f2", "type": "recovery_code", "total": 2, "remaining": 1}),
    )
    .await;
    mount(
        &server,
        "POST",
        "/auth/v1/factors/recovery-codes/verify",
        session_json("u1", EXP, "r3"),
    )
    .await;
    mount(
        &server,
        "DELETE",
        "/auth/v1/factors/recovery-codes",
        json!({}),
    )
    .await;

    let mfa = auth.mfa();
    let enrolled = mfa
        .enroll(EnrollFactor::webauthn().friendly_name("key"))
        .await
        .unwrap();
    assert_eq!(enrolled.factor_type, "webauthn");
    let rp = WebauthnRelyingParty::new("example.com").origin("https://example.com");
    let challenge = mfa.challenge_webauthn("f1", &rp).await.unwrap();
    let webauthn = challenge.webauthn.unwrap();
    assert_eq!(webauthn.kind, "create");
    let credential = json!({"id": "cred", "type": "public-key", "response": {}});
    let session = mfa
        .verify_webauthn("f1", "c1", &rp, "create", &credential)
        .await
        .unwrap();
    assert_eq!(session.refresh_token.expose(), "r2");
    assert!(
        mfa.verify_webauthn("f1", "c1", &rp, "sideways", &credential)
            .await
            .is_err()
    );
    let list = mfa.list_factors().await.unwrap();
    assert_eq!(
        (
            list.all.len(),
            list.webauthn.len(),
            list.recovery_code.len(),
            list.totp.len()
        ),
        (3, 1, 1, 0)
    );

    let rc = mfa.recovery_codes();
    let set = rc.generate(None).await.unwrap();
    assert_eq!(set.codes[0].expose(), "aaaa-bbbb");
    assert!(!format!("{set:?}").contains("aaaa-bbbb"));
    rc.generate(Some("printed")).await.unwrap();
    assert_eq!(rc.status().await.unwrap().remaining, 1);
    let session = rc.verify("aaaa-bbbb").await.unwrap();
    assert_eq!(session.refresh_token.expose(), "r3");
    assert_eq!(
        auth.get_session()
            .await
            .unwrap()
            .unwrap()
            .refresh_token
            .expose(),
        "r3"
    );
    rc.regenerate().await.unwrap();
    rc.unenroll().await.unwrap();

    let enroll = received(&server, "/auth/v1/factors").await;
    assert_eq!(
        body_json(&enroll[0]),
        json!({"friendly_name": "key", "factor_type": "webauthn"})
    );
    let ch = received(&server, "/auth/v1/factors/f1/challenge").await;
    assert_eq!(
        body_json(&ch[0]),
        json!({"webauthn": {"rpId": "example.com", "rpOrigins": ["https://example.com"]}})
    );
    let v = received(&server, "/auth/v1/factors/f1/verify").await;
    assert_eq!(
        body_json(&v[0]),
        json!({"challenge_id": "c1", "webauthn": {"rpId": "example.com",
               "rpOrigins": ["https://example.com"], "type": "create",
               "credential_response": credential}})
    );
    let generated = received(&server, "/auth/v1/factors/recovery-codes").await;
    let posts: Vec<_> = generated
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert!(posts[0].body.is_empty());
    assert_eq!(body_json(posts[1]), json!({"friendly_name": "printed"}));
    let verify = received(&server, "/auth/v1/factors/recovery-codes/verify").await;
    assert_eq!(body_json(&verify[0]), json!({"code": "aaaa-bbbb"}));
}

#[tokio::test]
async fn web3_sign_in_sends_message_and_signature() {
    let server = MockServer::start().await;
    let auth = client_at(&server, ManualClock::at(NOW));
    Mock::given(method("POST"))
        .and(path("/auth/v1/token"))
        .and(query_param("grant_type", "web3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json("w1", EXP, "rw")))
        .mount(&server)
        .await;
    let message = SiweMessage::new(
        "example.com",
        "0x1111111111111111111111111111111111111111",
        "https://example.com/login",
        1,
        supabase_auth::web3_timestamp(1_704_067_200),
    )
    .nonce("abcdefgh12")
    .build()
    .unwrap();
    let creds = Web3Credentials::ethereum(message.clone(), "0xdeadbeef");
    assert!(!format!("{creds:?}").contains("deadbeef"));
    let session = auth.sign_in_with_web3(creds).await.unwrap();
    assert_eq!(session.user.id, "w1");
    auth.sign_in_with_web3(
        Web3Credentials::solana("sol message", &[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 0xff])
            .captcha_token("captcha-1"),
    )
    .await
    .unwrap();
    assert!(
        auth.sign_in_with_web3(Web3Credentials::ethereum("m", "nothex"))
            .await
            .is_err()
    );
    let sent = received(&server, "/auth/v1/token").await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        body_json(&sent[0]),
        json!({"chain": "ethereum", "message": message, "signature": "0xdeadbeef"})
    );
    assert_eq!(
        body_json(&sent[1]),
        json!({"chain": "solana", "message": "sol message", "signature": "3q2-7wABAgP_",
               "gotrue_meta_security": {"captcha_token": "captcha-1"}})
    );
    assert_eq!(bearer(&sent[0]), format!("Bearer {ANON_KEY}"));
}
