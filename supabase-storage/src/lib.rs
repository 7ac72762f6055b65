//! Supabase Storage for Rust: buckets, objects, signed and public URLs, streaming uploads
//! and downloads, and resumable (TUS) uploads.
//!
//! Built on `supabase-core`'s [`Service`]: the `apikey`, the bearer token (from any
//! [`TokenProvider`]), retries of reads and the handling of a 401 are decided there, so this
//! crate only says *what* to send. Use it alone ([`StorageClient::new`]) or through the
//! `supabase` façade (`client.storage()`).
//!
//! Better than storage-js where it matters:
//!
//! - **Paths that cannot break the URL or lose data**: every key is checked against what
//!   Storage accepts before anything is sent ([`path`]; a `#`, `%`, non-ASCII character or a
//!   `..` segment is a typed [`Error::InvalidPath`] naming the character), and every segment
//!   is percent-encoded, so `a?b.txt` is stored as `a?b.txt`, not as `a`.
//! - **Streaming both ways**: uploads from a file, an `AsyncRead` or a `Stream`, downloads as
//!   a `Stream` or straight to a file; memory stays at a few chunks whatever the size.
//! - **Resumable uploads** (TUS, 6 MiB chunks) with progress and resume from a stored URL.
//!
//! ```no_run
//! use supabase_storage::{FileOptions, StorageClient, UrlOptions};
//!
//! # async fn run() -> Result<(), supabase_storage::Error> {
//! let storage = StorageClient::new("https://xyzcompany.supabase.co/storage/v1", "anon-key")?
//!     .with_token("eyJ...the user's JWT")?;
//! let avatars = storage.from("avatars");
//! avatars.upload("me/hello.txt", "hello", &FileOptions::new().upsert(true)).await?;
//! let listed = avatars.list("me", &Default::default()).await?;
//! let url = avatars.create_signed_url("me/hello.txt", 60, &UrlOptions::new()).await?;
//! let bytes = avatars.download("me/hello.txt", &Default::default()).await?;
//! avatars.remove(["me/hello.txt"]).await?;
//! # let _ = (listed, url, bytes); Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod analytics;
mod client;
mod error;
mod file;
mod options;
pub mod path;
pub mod resumable;
mod types;
pub mod vectors;

pub use client::StorageClient;
pub use error::{Error, ErrorKind, StorageApiError};
pub use file::{Download, FileApi};
pub use options::{
    BucketOptions, DestinationOptions, DownloadAs, DownloadOptions, FileOptions, FileSizeLimit,
    ListBucketsOptions, RemoveEntry, SearchOptions, SearchV2Options, SortBy, TransformOptions,
    UploadBody, UrlOptions,
};
pub use types::{
    Bucket, BucketLifecycle, FileObject, LifecycleRule, ListV2Folder, ListV2Page, MessageResponse,
    NoncurrentVersionExpiration, ObjectInfo, SignedUploadUrl, SignedUrl, SignedUrlEntry,
    UploadResponse,
};

pub use supabase_core::{
    AccessToken, Body, Config, FnTokenProvider, Service, ServiceError, StaticTokenProvider,
    TokenProvider, async_trait,
};
