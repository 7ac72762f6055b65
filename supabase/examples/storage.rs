//! Upload, list, sign, download and remove a file as the user whose JWT a request brought
//! (`with_auth`), so Storage's row-level security applies to that user.
//!
//! With `SUPABASE_URL` unset this runs against the in-memory Storage mock from
//! `supabase-test-support` (and says so). Against a real project set `SUPABASE_URL`,
//! `SUPABASE_ANON_KEY`, `SUPABASE_USER_JWT` (the user's access token) and `SUPABASE_BUCKET`
//! (default `avatars`: an existing bucket whose policies let that user insert, select and
//! delete under `rust-example/`).
//!
//! ```sh
//! cargo run --example storage
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supabase::storage::{DownloadOptions, FileOptions, SearchOptions, UrlOptions};
use supabase_test_support::storage_mock::StorageMock;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // `_mock` keeps the mock alive for the whole run (it shuts down when dropped).
    let (url, key, jwt, bucket, _mock) = match env("SUPABASE_URL") {
        Some(url) => {
            let key = env("SUPABASE_ANON_KEY").expect("SUPABASE_ANON_KEY is not set");
            let jwt = env("SUPABASE_USER_JWT").expect("SUPABASE_USER_JWT is not set");
            let bucket = env("SUPABASE_BUCKET").unwrap_or_else(|| "avatars".into());
            println!("running against {url} (bucket `{bucket}`)");
            (url, key, jwt, bucket, None)
        }
        None => {
            let mock = StorageMock::start().await;
            mock.create_bucket("avatars", false);
            println!(
                "SUPABASE_URL is not set: running against the local in-memory Storage mock at {}",
                mock.url()
            );
            let jwt =
                supabase_test_support::mint_user_jwt("00000000-0000-4000-8000-0000000000e1", None);
            let key = supabase_test_support::fixtures::ANON_KEY.to_owned();
            (mock.url(), key, jwt, "avatars".to_owned(), Some(mock))
        }
    };

    let supabase = supabase::create_client(&url, &key)?;
    // One scoped client per incoming request; its Storage handle acts as the user.
    let files = supabase.with_auth(&jwt)?.storage().from(bucket);

    // A key storage-js would cut at the `?`: here it is stored whole.
    let path = "rust-example/hello world?.txt";
    let uploaded = files
        .upload(
            path,
            "hello from supabase-rs",
            &FileOptions::new().content_type("text/plain").upsert(true),
        )
        .await?;
    println!("uploaded {}", uploaded.full_path);

    for entry in files.list("rust-example", &SearchOptions::new()).await? {
        println!("listed {} ({:?} bytes)", entry.name, entry.size());
    }

    let signed = files
        .create_signed_url(path, 60, &UrlOptions::new())
        .await?;
    // Display redacts the token; `signed.expose()` is the usable URL.
    println!("signed URL: {signed}");

    let bytes = files.download(path, &DownloadOptions::new()).await?;
    println!("downloaded {:?}", String::from_utf8_lossy(&bytes));

    let removed = files.remove([path]).await?;
    println!("removed {} object(s)", removed.len());
    Ok(())
}
