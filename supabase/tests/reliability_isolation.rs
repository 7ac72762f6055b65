//! Token isolation under load: 10,000 scoped clients with distinct JWTs send requests at the
//! same time through one shared client (one connection pool), mixed with requests of the
//! shared client itself. The mock server checks every request's bearer against the user the
//! request is for, and every task checks that the answer it got was its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde::Deserialize;
use serde_json::json;
use supabase::supabase_core::decode_jwt_claims;
use supabase_test_support::MockServer;
use supabase_test_support::fixtures::ANON_KEY;
use supabase_test_support::mint_user_jwt;
use tokio::sync::Semaphore;
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// Scoped clients, one user each.
const USERS: usize = 10_000;
/// Every this many users, the shared (unscoped) client also sends a request.
const ANON_EVERY: usize = 100;
/// Requests in flight at once.
const IN_FLIGHT: usize = 256;

/// Checks that each request carries the token of the user its filter names.
#[derive(Default)]
struct BearerChecker {
    scoped: AtomicUsize,
    anon: AtomicUsize,
    mismatches: AtomicUsize,
}

impl BearerChecker {
    fn check(&self, request: &Request) -> Result<String, String> {
        let owner = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "owner")
            .and_then(|(_, v)| v.strip_prefix("eq.").map(str::to_owned))
            .ok_or("no owner filter")?;
        let apikey = request.headers.get("apikey").and_then(|v| v.to_str().ok());
        if apikey != Some(ANON_KEY) {
            return Err(format!("{owner}: wrong apikey"));
        }
        let bearers: Vec<&str> = request
            .headers
            .get_all("authorization")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let [bearer] = bearers[..] else {
            return Err(format!("{owner}: {} authorization headers", bearers.len()));
        };
        let token = bearer.strip_prefix("Bearer ").ok_or("not a bearer")?;
        if owner.starts_with("anon-") {
            self.anon.fetch_add(1, Ordering::Relaxed);
            return if token == ANON_KEY {
                Ok(owner)
            } else {
                Err(format!("{owner}: the shared client sent a user token"))
            };
        }
        self.scoped.fetch_add(1, Ordering::Relaxed);
        let sub = decode_jwt_claims(token)
            .map_err(|e| format!("{owner}: {e}"))?
            .sub;
        if sub.as_deref() == Some(owner.as_str()) {
            Ok(owner)
        } else {
            Err(format!("{owner}: carried the token of {sub:?}"))
        }
    }
}

/// The checker as a wiremock responder: answers with the owner it checked, or 401.
struct Checking(Arc<BearerChecker>);

impl Respond for Checking {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.0.check(request) {
            Ok(owner) => ResponseTemplate::new(200).set_body_json(json!([{ "owner": owner }])),
            Err(why) => {
                self.0.mismatches.fetch_add(1, Ordering::Relaxed);
                ResponseTemplate::new(401).set_body_json(json!({ "message": why }))
            }
        }
    }
}

#[derive(Debug, Deserialize, PartialEq)]
struct Row {
    owner: String,
}

/// Sends `select owner from todos where owner = <owner>` and checks the answer is that owner's.
async fn fetch_own_row(db: &supabase::Client, owner: &str) -> Result<(), String> {
    let rows = db
        .from("todos")
        .select("owner")
        .eq("owner", owner)
        .execute::<Row>()
        .await
        .map_err(|e| format!("{owner}: {e}"))?;
    if rows.data
        == [Row {
            owner: owner.to_owned(),
        }]
    {
        Ok(())
    } else {
        Err(format!("{owner}: got the answer for {:?}", rows.data))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_scoped_clients_never_mix_tokens() {
    let started = Instant::now();
    let server = MockServer::start().await;
    let checker = Arc::new(BearerChecker::default());
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(Checking(Arc::clone(&checker)))
        .mount(&server)
        .await;

    let shared = Arc::new(supabase::create_client(&server.uri(), ANON_KEY).unwrap());
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = Vec::with_capacity(USERS + USERS / ANON_EVERY);
    for i in 0..USERS {
        let client = Arc::clone(&shared);
        let slot = Arc::clone(&permits);
        tasks.push(tokio::spawn(async move {
            let _permit = slot.acquire_owned().await.unwrap();
            let user = format!("user-{i:05}");
            let db = client
                .with_auth(&mint_user_jwt(&user, None))
                .map_err(|e| e.to_string())?;
            fetch_own_row(&db, &user).await
        }));
        if i % ANON_EVERY == 0 {
            let client = Arc::clone(&shared);
            let slot = Arc::clone(&permits);
            tasks.push(tokio::spawn(async move {
                let _permit = slot.acquire_owned().await.unwrap();
                fetch_own_row(&client, &format!("anon-{i:05}")).await
            }));
        }
    }
    // A guard against a hang (it normally takes 10-30 s in a debug build): fail, don't stall CI.
    let failures = tokio::time::timeout(std::time::Duration::from_secs(600), async {
        let mut failures = Vec::new();
        for task in tasks {
            if let Err(why) = task.await.unwrap() {
                failures.push(why);
            }
        }
        failures
    })
    .await
    .expect("10,000 requests did not finish within 10 minutes");
    let elapsed = started.elapsed();

    let anon_requests = USERS / ANON_EVERY;
    assert_eq!(
        checker.mismatches.load(Ordering::Relaxed),
        0,
        "mismatches: {:?}",
        &failures[..failures.len().min(5)]
    );
    assert!(
        failures.is_empty(),
        "{:?}",
        &failures[..failures.len().min(5)]
    );
    assert_eq!(checker.scoped.load(Ordering::Relaxed), USERS);
    assert_eq!(checker.anon.load(Ordering::Relaxed), anon_requests);
    // Nothing lost, nothing sent twice: one request per user, each user exactly once.
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), USERS + anon_requests);
    let owners: HashSet<String> = received
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "owner")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(owners.len(), USERS + anon_requests);
    eprintln!(
        "isolation: {} scoped + {} shared-client requests, {} in flight, 0 mismatches, {:.1?}",
        USERS, anon_requests, IN_FLIGHT, elapsed
    );
}

/// The checker is not blind: a request made with another user's token is caught.
#[tokio::test]
async fn the_checker_catches_a_token_sent_for_the_wrong_user() {
    let server = MockServer::start().await;
    let checker = Arc::new(BearerChecker::default());
    Mock::given(method("GET"))
        .and(path("/rest/v1/todos"))
        .respond_with(Checking(Arc::clone(&checker)))
        .mount(&server)
        .await;
    let shared = supabase::create_client(&server.uri(), ANON_KEY).unwrap();
    let alice = shared.with_auth(&mint_user_jwt("alice", None)).unwrap();
    fetch_own_row(&alice, "alice").await.unwrap();
    let err = fetch_own_row(&alice, "bob").await.unwrap_err();
    assert!(err.contains("401"), "{err}");
    let err = fetch_own_row(&shared, "carol").await.unwrap_err();
    assert!(err.contains("401"), "{err}");
    let err = fetch_own_row(&alice, "anon-1").await.unwrap_err();
    assert!(err.contains("401"), "{err}");
    fetch_own_row(&shared, "anon-2").await.unwrap();
    assert_eq!(checker.mismatches.load(Ordering::Relaxed), 3);
}
