//! `supabase_test_support::MockServer` may be dropped on a tokio runtime thread whose task
//! has spent its cooperative budget: the drop that hung `wiremock::MockServer` (issue 20).
//! Each test spends the budget to exactly zero (128 `consume_budget` calls, none of which
//! yields) and then drops a server, the state in which wiremock's own `Drop` never returns.

use supabase_test_support::MockServer;
use wiremock::{Mock, ResponseTemplate, matchers::any};

/// Spends the task's whole cooperative budget without yielding (tokio's budget is 128).
async fn spend_budget() {
    while tokio::task::coop::has_budget_remaining() {
        tokio::task::consume_budget().await;
    }
}

async fn server_with_a_mock(expected_calls: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(expected_calls)
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_after_the_budget_is_spent_on_a_multi_thread_runtime() {
    let server = server_with_a_mock(0).await;
    spend_budget().await;
    drop(server);
}

#[tokio::test]
async fn dropped_after_the_budget_is_spent_on_a_current_thread_runtime() {
    let server = server_with_a_mock(0).await;
    spend_budget().await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_inside_a_spawned_task_after_the_budget_is_spent() {
    let server = server_with_a_mock(0).await;
    tokio::spawn(async move {
        spend_budget().await;
        drop(server);
    })
    .await
    .unwrap();
}

#[tokio::test]
#[should_panic(expected = "Verifications failed")]
async fn an_unmet_expectation_still_fails_the_test() {
    let server = server_with_a_mock(1).await;
    spend_budget().await;
    drop(server);
}

#[tokio::test]
async fn servers_are_not_shared() {
    let a = MockServer::start().await;
    let b = MockServer::start().await;
    assert_ne!(a.address(), b.address());
    assert!(format!("{a:?}").starts_with("MockServer(http://127.0.0.1:"));
}

#[test]
fn dropped_outside_any_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(server_with_a_mock(0));
    drop(runtime);
    drop(server);
}
