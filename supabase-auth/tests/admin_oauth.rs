//! Admin OAuth clients, custom providers, passkeys and MFA factors: each call's request,
//! typed answers, checks before sending, secrets kept out of `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use serde_json::{Value, json};
use supabase_auth::{
    AdminClient, CreateOAuthClientParams, CustomProviderParams, CustomProviderType, Error,
    ListOAuthClientsParams, TokenEndpointAuthMethod, UpdateOAuthClientParams,
};
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::SERVICE_ROLE_KEY;
use supabase_test_support::header;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

const UID: &str = "00000000-0000-4000-8000-000000000001";
const PID: &str = "00000000-0000-4000-8000-0000000000aa";

fn admin(server: &MockServer) -> AdminClient {
    AdminClient::new(&format!("{}/auth/v1", server.uri()), SERVICE_ROLE_KEY).unwrap()
}

fn oauth_client_json(secret: Option<&str>) -> Value {
    json!({
        "client_id": "client-1", "client_name": "My app", "client_secret": secret,
        "client_type": "confidential", "token_endpoint_auth_method": "client_secret_basic",
        "registration_type": "manual", "client_uri": "https://app.example.com",
        "redirect_uris": ["https://app.example.com/cb"],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        "scope": "openid email",
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"
    })
}

fn provider_json() -> Value {
    json!({
        "id": "p1", "provider_type": "oidc", "identifier": "custom:acme", "name": "Acme",
        "client_id": "acme-client", "scopes": ["openid"], "pkce_enabled": true,
        "issuer": "https://id.acme.example", "enabled": true,
        "discovery_document": {"issuer": "https://id.acme.example"},
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"
    })
}

async fn mount(server: &MockServer, m: &str, p: &str, status: u16, body: Value) {
    Mock::given(method(m))
        .and(path(p))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

fn assert_admin(r: &Request) {
    assert_eq!(header(r, "apikey").as_deref(), Some(SERVICE_ROLE_KEY));
    assert_eq!(bearer(r), format!("Bearer {SERVICE_ROLE_KEY}"));
}

#[tokio::test]
async fn oauth_clients_crud_and_secret_regeneration() {
    let server = MockServer::start().await;
    let base = "/auth/v1/admin/oauth/clients";
    Mock::given(method("GET"))
        .and(path(base))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"clients": [oauth_client_json(None)], "aud": "authenticated"}))
                .insert_header("x-total-count", "31")
                .insert_header(
                    "link",
                    r#"</admin/oauth/clients?page=3&per_page=10>; rel="next", </admin/oauth/clients?page=14&per_page=10>; rel="last""#,
                ),
        )
        .mount(&server)
        .await;
    mount(
        &server,
        "POST",
        base,
        201,
        oauth_client_json(Some("s3cr3t")),
    )
    .await;
    let one = format!("{base}/client-1");
    mount(&server, "GET", &one, 200, oauth_client_json(None)).await;
    mount(&server, "PUT", &one, 200, oauth_client_json(None)).await;
    mount(&server, "DELETE", &one, 204, json!(null)).await;
    let regen = format!("{one}/regenerate_secret");
    mount(&server, "POST", &regen, 200, oauth_client_json(Some("n3w"))).await;
    let admin = admin(&server);

    let page = admin
        .list_oauth_clients(ListOAuthClientsParams::new().page(2).per_page(10))
        .await
        .unwrap();
    assert_eq!(page.clients[0].client_id, "client-1");
    assert_eq!(page.clients[0].grant_types.len(), 2);
    assert_eq!(
        (page.total, page.next_page, page.last_page),
        (Some(31), Some(3), Some(14))
    );
    let created = admin
        .create_oauth_client(
            CreateOAuthClientParams::new("My app", ["https://app.example.com/cb"])
                .client_uri("https://app.example.com")
                .grant_types(["authorization_code", "refresh_token"])
                .response_types(["code"])
                .scope("openid email")
                .token_endpoint_auth_method(TokenEndpointAuthMethod::ClientSecretBasic),
        )
        .await
        .unwrap();
    assert_eq!(
        created.client_secret.as_ref().map(|s| s.expose()),
        Some("s3cr3t")
    );
    assert!(!format!("{created:?}").contains("s3cr3t"));
    assert_eq!(
        admin
            .get_oauth_client("client-1")
            .await
            .unwrap()
            .client_name,
        "My app"
    );
    admin
        .update_oauth_client(
            "client-1",
            UpdateOAuthClientParams::new()
                .client_name("Renamed")
                .logo_uri("https://app.example.com/logo.png"),
        )
        .await
        .unwrap();
    admin.delete_oauth_client("client-1").await.unwrap();
    let regenerated = admin
        .regenerate_oauth_client_secret("client-1")
        .await
        .unwrap();
    assert_eq!(
        regenerated.client_secret.as_ref().map(|s| s.expose()),
        Some("n3w")
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 6);
    requests.iter().for_each(assert_admin);
    assert_eq!(requests[0].url.query(), Some("page=2&per_page=10"));
    assert_eq!(
        body_json(&requests[1]),
        json!({"client_name": "My app", "client_uri": "https://app.example.com",
               "redirect_uris": ["https://app.example.com/cb"],
               "grant_types": ["authorization_code", "refresh_token"],
               "response_types": ["code"], "scope": "openid email",
               "token_endpoint_auth_method": "client_secret_basic"})
    );
    assert_eq!(
        body_json(&requests[3]),
        json!({"client_name": "Renamed", "logo_uri": "https://app.example.com/logo.png"})
    );
    assert_eq!(requests[4].method.as_str(), "DELETE");
    assert!(requests[5].body.is_empty());
}

#[tokio::test]
async fn oauth_client_input_is_checked_before_sending() {
    let server = MockServer::start().await;
    let admin = admin(&server);
    let no_uri: [&str; 0] = [];
    for params in [
        CreateOAuthClientParams::new("", ["https://a.example/cb"]),
        CreateOAuthClientParams::new("App", no_uri),
        CreateOAuthClientParams::new("App", ["not a url"]),
    ] {
        let err = admin.create_oauth_client(params).await.unwrap_err();
        assert!(
            matches!(err, Error::Core(supabase_core::Error::InvalidInput(_))),
            "{err:?}"
        );
    }
    assert!(admin.get_oauth_client("").await.is_err());
    assert!(
        admin
            .update_oauth_client("c", UpdateOAuthClientParams::new().redirect_uris(no_uri))
            .await
            .is_err()
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    // An API error is typed.
    mount(
        &server,
        "GET",
        "/auth/v1/admin/oauth/clients/missing",
        404,
        json!({"code": 404, "error_code": "oauth_client_not_found", "msg": "OAuth client not found"}),
    )
    .await;
    let err = admin.get_oauth_client("missing").await.unwrap_err();
    match err {
        Error::Api(api) => assert_eq!(api.status, 404),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn custom_providers_crud() {
    let server = MockServer::start().await;
    let base = "/auth/v1/admin/custom-providers";
    mount(
        &server,
        "GET",
        base,
        200,
        json!({"providers": [provider_json()]}),
    )
    .await;
    mount(&server, "POST", base, 200, provider_json()).await;
    let one = format!("{base}/custom:acme");
    mount(&server, "GET", &one, 200, provider_json()).await;
    mount(&server, "PUT", &one, 200, provider_json()).await;
    mount(&server, "DELETE", &one, 204, json!(null)).await;
    let admin = admin(&server);

    let listed = admin
        .list_custom_providers(Some(CustomProviderType::Oidc))
        .await
        .unwrap();
    assert_eq!(listed[0].identifier, "custom:acme");
    assert_eq!(listed[0].pkce_enabled, Some(true));
    admin.list_custom_providers(None).await.unwrap();
    let params = CustomProviderParams::oidc("custom:acme", "Acme", "acme-client", "acme-secret")
        .issuer("https://id.acme.example")
        .scopes(["openid", "email"])
        .pkce_enabled(true);
    assert!(!format!("{params:?}").contains("acme-secret"));
    admin.create_custom_provider(params).await.unwrap();
    admin.get_custom_provider("custom:acme").await.unwrap();
    admin
        .update_custom_provider(
            "custom:acme",
            CustomProviderParams::update()
                .name("Acme Corp")
                .enabled(false),
        )
        .await
        .unwrap();
    admin.delete_custom_provider("custom:acme").await.unwrap();

    let requests = server.received_requests().await.unwrap();
    requests.iter().for_each(assert_admin);
    assert_eq!(requests[0].url.query(), Some("type=oidc"));
    assert_eq!(requests[1].url.query(), None);
    assert_eq!(
        body_json(&requests[2]),
        json!({"provider_type": "oidc", "identifier": "custom:acme", "name": "Acme",
               "client_id": "acme-client", "client_secret": "acme-secret",
               "scopes": ["openid", "email"], "pkce_enabled": true,
               "issuer": "https://id.acme.example"})
    );
    assert_eq!(
        requests[3].url.path(),
        "/auth/v1/admin/custom-providers/custom:acme"
    );
    assert_eq!(
        body_json(&requests[4]),
        json!({"name": "Acme Corp", "enabled": false})
    );
    assert_eq!(requests.len(), 6);

    // Checks before sending.
    let bad = [
        CustomProviderParams::oidc("", "A", "c", "s"),
        CustomProviderParams::oauth2("custom:x", "A", "c", ""),
        CustomProviderParams::oauth2("custom:x", "A", "c", "s").token_url("nope"),
    ];
    for params in bad {
        assert!(admin.create_custom_provider(params).await.is_err());
    }
    let err = admin
        .update_custom_provider(
            "custom:acme",
            CustomProviderParams::oidc("i", "n", "c", "topsecret"),
        )
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("topsecret"));
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn user_passkeys_and_factors() {
    let server = MockServer::start().await;
    let passkeys = format!("/auth/v1/admin/users/{UID}/passkeys");
    mount(
        &server,
        "GET",
        &passkeys,
        200,
        json!([{"id": PID, "friendly_name": "laptop", "created_at": "2024-01-01T00:00:00Z"}]),
    )
    .await;
    mount(
        &server,
        "DELETE",
        &format!("{passkeys}/{PID}"),
        204,
        json!(null),
    )
    .await;
    let factors = format!("/auth/v1/admin/users/{UID}/factors");
    mount(
        &server,
        "GET",
        &factors,
        200,
        json!([{"id": PID, "factor_type": "webauthn", "status": "verified"}]),
    )
    .await;
    let admin = admin(&server);
    let listed = admin.list_passkeys(UID).await.unwrap();
    assert_eq!(listed[0].friendly_name.as_deref(), Some("laptop"));
    admin.delete_passkey(UID, PID).await.unwrap();
    let f = admin.list_factors(UID).await.unwrap();
    assert_eq!(f[0].factor_type, "webauthn");
    assert!(admin.list_passkeys("nope").await.is_err());
    assert!(admin.delete_passkey(UID, "../x").await.is_err());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    requests.iter().for_each(assert_admin);
}
