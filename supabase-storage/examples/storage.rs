//! Upload, list, sign, download and remove a file as a signed-in user.
//!
//! With `SUPABASE_URL` unset this runs against the in-memory Storage mock from
//! `supabase-test-support` (and says so). Against a real project set:
//!
//! - `SUPABASE_URL` (`https://<ref>.supabase.co`) and `SUPABASE_ANON_KEY`;
//! - `SUPABASE_USER_JWT`: the user's access token (without it the requests go out with the
//!   anon key, as an anonymous visitor);
//! - `SUPABASE_BUCKET` (default `avatars`): an existing bucket whose policies let that user
//!   insert, select and delete under `rust-example/`.
//!
//! ```sh
//! cargo run -p supabase-storage --example storage
//! ```
#![allow(clippy::print_stdout)]

use std::sync::Arc;

use supabase_storage::{
    Config, DownloadOptions, FileOptions, SearchOptions, StaticTokenProvider, StorageClient,
    UrlOptions,
};
use supabase_test_support::storage_mock::StorageMock;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the mock alive for the whole run (it shuts down when dropped).
    let mut _mock = None;
    let (url, key, user_jwt, bucket) = match std::env::var("SUPABASE_URL") {
        Ok(url) => {
            let key = std::env::var("SUPABASE_ANON_KEY")
                .map_err(|_| "SUPABASE_ANON_KEY is required with SUPABASE_URL")?;
            let jwt = std::env::var("SUPABASE_USER_JWT").ok();
            let bucket = std::env::var("SUPABASE_BUCKET").unwrap_or_else(|_| "avatars".into());
            println!("running against {url} (bucket `{bucket}`)");
            (url, key, jwt, bucket)
        }
        Err(_) => {
            let mock = StorageMock::start().await;
            mock.create_bucket("avatars", false);
            let url = mock.url();
            println!(
                "SUPABASE_URL is unset: running against the local in-memory Storage mock at {url}"
            );
            _mock = Some(mock);
            let jwt =
                supabase_test_support::mint_user_jwt("00000000-0000-4000-8000-0000000000e1", None);
            (
                url,
                "local-anon-key".to_owned(),
                Some(jwt),
                "avatars".to_owned(),
            )
        }
    };

    let config = Config::new(&url, key)?;
    let storage = StorageClient::from_config(&config)?;
    // Act as the user: every Storage request carries the user's JWT (supabase-js v1 setAuth).
    let storage = match user_jwt {
        Some(jwt) => storage.with_token_provider(Arc::new(StaticTokenProvider::from_token(jwt)?)),
        None => {
            println!("SUPABASE_USER_JWT is unset: acting with the anon key");
            storage
        }
    };
    let files = storage.from(bucket);

    // A key storage-js would cut at the `?`: here it is stored whole.
    let path = "rust-example/hello world?.txt";
    let uploaded = files
        .upload(
            path,
            "hello from supabase-storage",
            &FileOptions::new().content_type("text/plain").upsert(true),
        )
        .await?;
    println!("uploaded {}", uploaded.full_path);

    let listed = files.list("rust-example", &SearchOptions::new()).await?;
    for entry in &listed {
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
