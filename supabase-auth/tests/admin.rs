//! The admin client: key checks, every call's request, pagination from headers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::json;
use supabase_auth::{
    AdminClient, AdminUserAttributes, Error, GenerateLinkParams, ListUsersParams, SignOutScope,
};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::{ANON_KEY, EXTERNAL_JWT, SERVICE_ROLE_KEY};
use supabase_test_support::header;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

const UID: &str = "00000000-0000-4000-8000-000000000001";

fn admin(server: &MockServer) -> AdminClient {
    AdminClient::new(&format!("{}/auth/v1", server.uri()), SERVICE_ROLE_KEY).unwrap()
}

fn assert_admin_headers(r: &wiremock::Request) {
    assert_eq!(header(r, "apikey").as_deref(), Some(SERVICE_ROLE_KEY));
    assert_eq!(bearer(r), format!("Bearer {SERVICE_ROLE_KEY}"));
    assert_eq!(
        header(r, "x-supabase-api-version").as_deref(),
        Some("2024-01-01")
    );
}

#[test]
fn only_service_keys_build_an_admin_client() {
    for bad in [ANON_KEY, EXTERNAL_JWT, "sb_publishable_abc", "not-a-key"] {
        let err = AdminClient::new("http://localhost/auth/v1", bad).unwrap_err();
        assert!(matches!(err, Error::AdminKeyRequired { .. }), "{err:?}");
        assert!(!err.to_string().contains(bad));
    }
    assert!(AdminClient::new("http://localhost/auth/v1", "sb_secret_x").is_ok());
    let admin = AdminClient::new("http://localhost/auth/v1", SERVICE_ROLE_KEY).unwrap();
    assert!(!format!("{admin:?}").contains(SERVICE_ROLE_KEY));
    let config = supabase_core::Config::new("http://localhost", ANON_KEY).unwrap();
    assert!(AdminClient::from_config(&config).is_err());
}

#[tokio::test]
async fn create_get_update_delete() {
    let server = MockServer::start().await;
    for m in ["POST", "GET", "PUT", "DELETE"] {
        Mock::given(method(m))
            .and(path(if m == "POST" {
                "/auth/v1/admin/users".to_owned()
            } else {
                format!("/auth/v1/admin/users/{UID}")
            }))
            .respond_with(ResponseTemplate::new(200).set_body_json(user_json(UID)))
            .mount(&server)
            .await;
    }
    let admin = admin(&server);
    let user = admin
        .create_user(
            AdminUserAttributes::new()
                .email("new@example.com")
                .password("pw")
                .email_confirm(true)
                .user_metadata(json!({"name": "Ada"}))
                .app_metadata(json!({"plan": "pro"})),
        )
        .await
        .unwrap();
    assert_eq!(user.id, UID);
    admin.get_user_by_id(UID).await.unwrap();
    admin
        .update_user_by_id(
            UID,
            AdminUserAttributes::new()
                .email("changed@example.com")
                .ban_duration("24h")
                .user_metadata(json!({"a": 1})),
        )
        .await
        .unwrap();
    admin.delete_user(UID, true).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 4, "no GET before DELETE");
    for r in &reqs {
        assert_admin_headers(r);
    }
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"email":"new@example.com","password":"pw","email_confirm":true,"user_metadata":{"name":"Ada"},"app_metadata":{"plan":"pro"}}"#
    );
    assert_eq!(reqs[1].method.as_str(), "GET");
    assert_eq!(
        String::from_utf8(reqs[2].body.clone()).unwrap(),
        r#"{"email":"changed@example.com","ban_duration":"24h","user_metadata":{"a":1}}"#
    );
    assert_eq!(reqs[3].method.as_str(), "DELETE");
    assert_eq!(
        String::from_utf8(reqs[3].body.clone()).unwrap(),
        r#"{"should_soft_delete":true}"#
    );
    assert_eq!(
        header(&reqs[3], "content-type").as_deref(),
        Some("application/json;charset=UTF-8")
    );

    for bad in ["", "../users", "not-a-uuid"] {
        assert!(admin.get_user_by_id(bad).await.is_err());
        assert!(admin.delete_user(bad, false).await.is_err());
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn list_users_reads_totals_and_pages_beyond_nine() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/auth/v1/admin/users"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"users": [user_json(UID)], "aud": "authenticated"}))
                .insert_header("x-total-count", "1234")
                .insert_header(
                    "link",
                    r#"</admin/users?page=12&per_page=50>; rel="next", </admin/users?page=25&per_page=50>; rel="last""#,
                ),
        )
        .mount(&server)
        .await;
    let admin = admin(&server);
    let page = admin
        .list_users(ListUsersParams::new().page(11).per_page(50))
        .await
        .unwrap();
    assert_eq!(page.users.len(), 1);
    assert_eq!(page.total, Some(1234));
    assert_eq!(page.next_page, Some(12));
    assert_eq!(page.last_page, Some(25));
    assert_eq!(page.aud.as_deref(), Some("authenticated"));
    admin.list_users(ListUsersParams::new()).await.unwrap();
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs[0].url.query(), Some("page=11&per_page=50"));
    assert_eq!(reqs[1].url.query(), Some("page=&per_page="));
    assert_eq!(header(&reqs[1], "content-type"), None);
}

#[tokio::test]
async fn invite_generate_link_sign_out_and_factors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/invite"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json(UID)))
        .mount(&server)
        .await;
    let mut link_answer = user_json(UID);
    link_answer["action_link"] = json!("http://localhost/verify?token=secret-hash");
    link_answer["email_otp"] = json!("123456");
    link_answer["hashed_token"] = json!("secret-hash");
    link_answer["redirect_to"] = json!("https://example.com/cb");
    link_answer["verification_type"] = json!("signup");
    Mock::given(method("POST"))
        .and(path("/auth/v1/admin/generate_link"))
        .respond_with(ResponseTemplate::new(200).set_body_json(link_answer))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/v1/logout"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/auth/v1/admin/users/{UID}/factors")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": "f1", "factor_type": "totp", "status": "verified"}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/auth/v1/admin/users/{UID}/factors/{UID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": UID})))
        .mount(&server)
        .await;

    let admin = admin(&server);
    admin
        .invite_user_by_email(
            "invitee@example.com",
            Some(json!({"team": "a"})),
            Some("https://example.com/join"),
        )
        .await
        .unwrap();
    let link = admin
        .generate_link(
            GenerateLinkParams::signup("new@example.com", "pw")
                .data(json!({"a": 1}))
                .redirect_to("https://example.com/cb"),
        )
        .await
        .unwrap();
    assert_eq!(link.user.id, UID);
    assert_eq!(link.properties.hashed_token.expose(), "secret-hash");
    assert_eq!(link.properties.verification_type, "signup");
    let shown = format!("{link:?}");
    assert!(!shown.contains("secret-hash") && !shown.contains("123456"));
    admin
        .sign_out(EXTERNAL_JWT, SignOutScope::Others)
        .await
        .unwrap();
    let factors = admin.list_factors(UID).await.unwrap();
    assert!(factors[0].is_verified());
    admin.delete_factor(UID, UID).await.unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        reqs[0].url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Fjoin")
    );
    assert_eq!(
        String::from_utf8(reqs[0].body.clone()).unwrap(),
        r#"{"email":"invitee@example.com","data":{"team":"a"}}"#
    );
    assert_eq!(
        reqs[1].url.query(),
        Some("redirect_to=https%3A%2F%2Fexample.com%2Fcb")
    );
    // No stray camelCase `redirectTo` in the body (auth-js sends one).
    assert_eq!(
        String::from_utf8(reqs[1].body.clone()).unwrap(),
        r#"{"type":"signup","email":"new@example.com","password":"pw","data":{"a":1}}"#
    );
    assert_eq!(reqs[2].url.query(), Some("scope=others"));
    assert_eq!(bearer(&reqs[2]), format!("Bearer {EXTERNAL_JWT}"));
    for r in [&reqs[0], &reqs[1], &reqs[3], &reqs[4]] {
        assert_admin_headers(r);
    }
}

#[tokio::test]
async fn a_global_authorization_header_cannot_retarget_admin_calls() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/auth/v1/admin/users/{UID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json(UID)))
        .mount(&server)
        .await;
    let config = supabase_core::Config::new(&server.uri(), SERVICE_ROLE_KEY)
        .unwrap()
        .header("Authorization", &format!("Bearer {EXTERNAL_JWT}"))
        .unwrap();
    let admin = AdminClient::from_config(&config).unwrap();
    admin.get_user_by_id(UID).await.unwrap();
    assert_admin_headers(&server.received_requests().await.unwrap()[0]);
}
