//! The one table of who is asking: every combination of a request's own `Authorization`
//! header, the request's credential, a global `Authorization` header and what the token
//! provider yields, and the bearer that goes out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use supabase_core::{
    AccessToken, Config, Credential, HeaderName, HeaderValue, Method, ProjectKeyProvider, Service,
    StaticTokenProvider, TokenProvider,
};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

const KEY: &str = "project-key";

#[derive(Clone, Copy, Debug)]
enum Own {
    None,
    Header,
}
#[derive(Clone, Copy, Debug)]
enum Cred {
    Provider,
    ProjectKey,
    Token,
}
#[derive(Clone, Copy, Debug)]
enum Global {
    None,
    Header,
}
/// What the client value's provider is: a `set_auth`/`with_auth` override, a third-party
/// provider or a signed-in session all yield a token (`Some`); a signed-out session or no
/// auth at all yields none.
#[derive(Clone, Copy, Debug)]
enum Provider {
    Yields,
    Nothing,
}

/// (request header, credential, global header, provider) → the bearer sent.
const TABLE: &[(Own, Cred, Global, Provider, &str)] = &[
    (
        Own::Header,
        Cred::Provider,
        Global::None,
        Provider::Yields,
        "Bearer own",
    ),
    (
        Own::Header,
        Cred::Provider,
        Global::Header,
        Provider::Nothing,
        "Bearer own",
    ),
    (
        Own::Header,
        Cred::ProjectKey,
        Global::Header,
        Provider::Yields,
        "Bearer own",
    ),
    (
        Own::Header,
        Cred::Token,
        Global::Header,
        Provider::Yields,
        "Bearer own",
    ),
    (
        Own::Header,
        Cred::Token,
        Global::None,
        Provider::Nothing,
        "Bearer own",
    ),
    (
        Own::None,
        Cred::Token,
        Global::Header,
        Provider::Yields,
        "Bearer user-of-request",
    ),
    (
        Own::None,
        Cred::Token,
        Global::None,
        Provider::Nothing,
        "Bearer user-of-request",
    ),
    (
        Own::None,
        Cred::Provider,
        Global::Header,
        Provider::Yields,
        "Bearer global",
    ),
    (
        Own::None,
        Cred::Provider,
        Global::Header,
        Provider::Nothing,
        "Bearer global",
    ),
    (
        Own::None,
        Cred::ProjectKey,
        Global::Header,
        Provider::Yields,
        "Bearer global",
    ),
    (
        Own::None,
        Cred::ProjectKey,
        Global::None,
        Provider::Yields,
        "Bearer project-key",
    ),
    (
        Own::None,
        Cred::ProjectKey,
        Global::None,
        Provider::Nothing,
        "Bearer project-key",
    ),
    (
        Own::None,
        Cred::Provider,
        Global::None,
        Provider::Yields,
        "Bearer provider-user",
    ),
    (
        Own::None,
        Cred::Provider,
        Global::None,
        Provider::Nothing,
        "Bearer project-key",
    ),
];

/// A provider that yields its token only through `access_token` (a session or a third-party
/// provider), where `StaticTokenProvider` hands its fixed token over directly.
#[derive(Debug)]
struct Asking;

#[supabase_core::async_trait]
impl TokenProvider for Asking {
    async fn access_token(&self) -> Result<Option<AccessToken>, supabase_core::Error> {
        Ok(Some(AccessToken::new("provider-user")?))
    }
}

#[tokio::test]
async fn the_bearer_is_decided_by_one_ordered_rule() {
    let server = MockServer::builder().start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let plain = Config::new(&server.uri(), KEY).unwrap();
    let global = plain
        .clone()
        .header("Authorization", "Bearer global")
        .unwrap();
    // Every row twice: the yielding provider as a fixed token (`with_auth`) and as one
    // that is asked each time.
    let rows = TABLE.iter().flat_map(|row| [(row, false), (row, true)]);
    for (i, (&(own, cred, glob, provider, want), asking)) in rows.enumerate() {
        let config = match glob {
            Global::None => &plain,
            Global::Header => &global,
        };
        let tokens: Arc<dyn TokenProvider> = match provider {
            Provider::Yields if asking => Arc::new(Asking),
            Provider::Yields => Arc::new(StaticTokenProvider::from_token("provider-user").unwrap()),
            Provider::Nothing => Arc::new(ProjectKeyProvider),
        };
        let service = Service::from_config(config, "rest/v1")
            .unwrap()
            .with_tokens(tokens);
        let mut request = service.request(Method::GET, &["t"]).unwrap();
        if let Own::Header = own {
            request.headers.insert(
                HeaderName::from_static("authorization"),
                HeaderValue::from_static("Bearer own"),
            );
        }
        request = request.credential(match cred {
            Cred::Provider => Credential::Provider,
            Cred::ProjectKey => Credential::ProjectKey,
            Cred::Token => Credential::Token(AccessToken::new("user-of-request").unwrap()),
        });
        service.send(&request, false).await.unwrap();
        let received = server.received_requests().await.unwrap();
        let last = received.last().unwrap();
        let sent: Vec<_> = last.headers.get_all("authorization").iter().collect();
        assert_eq!(sent.len(), 1, "row {i}: one Authorization header");
        assert_eq!(
            sent[0], want,
            "row {i}: {own:?} {cred:?} {glob:?} {provider:?} asking={asking}"
        );
        assert_eq!(last.headers["apikey"], KEY, "row {i}: apikey always");
    }
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .unwrap();
}
