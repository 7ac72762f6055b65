//! Wire details of the methods the goldens do not cover (lifecycle rules, cache purges),
//! against the recorder mock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use supabase_storage::{BucketLifecycle, LifecycleRule, StorageClient};
use supabase_test_support::recorder::start_recorder;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_and_purge_requests() {
    let server = start_recorder(&[]).await;
    let storage = StorageClient::new(&format!("{}/storage/v1", server.uri()), "anon").unwrap();
    let lifecycle = BucketLifecycle::new(vec![LifecycleRule::expire_noncurrent_after_days(30)]);
    storage
        .update_bucket_lifecycle("docs", &lifecycle)
        .await
        .unwrap();
    let read = storage.get_bucket_lifecycle("docs").await.unwrap();
    assert!(read.rules.is_empty());
    storage.delete_bucket_lifecycle("docs").await.unwrap();
    storage.purge_bucket_cache("docs", true).await.unwrap();
    storage
        .from("docs")
        .purge_cache("a b/c?.png", false)
        .await
        .unwrap();
    let got: Vec<(String, String, Option<String>, String)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.method.to_string(),
                r.url.path().to_owned(),
                r.url.query().map(str::to_owned),
                String::from_utf8_lossy(&r.body).into_owned(),
            )
        })
        .collect();
    tokio::task::spawn_blocking(move || drop(server))
        .await
        .unwrap();
    let expect = |m: &str, p: &str, q: Option<&str>, b: &str| {
        (
            m.to_owned(),
            p.to_owned(),
            q.map(str::to_owned),
            b.to_owned(),
        )
    };
    assert_eq!(
        got,
        vec![
            expect(
                "PUT",
                "/storage/v1/bucket/docs/lifecycle",
                None,
                r#"{"rules":[{"filter":{},"noncurrentVersionExpiration":{"noncurrentDays":30},"status":"Enabled"}]}"#
            ),
            expect("GET", "/storage/v1/bucket/docs/lifecycle", None, ""),
            expect("DELETE", "/storage/v1/bucket/docs/lifecycle", None, "{}"),
            expect(
                "DELETE",
                "/storage/v1/cdn/docs",
                Some("transformations=true"),
                "{}"
            ),
            expect("DELETE", "/storage/v1/cdn/docs/a%20b/c%3F.png", None, "{}"),
        ]
    );
}
