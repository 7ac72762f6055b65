//! Resumable uploads: the TUS 1.0 protocol Supabase Storage serves at
//! `/storage/v1/upload/resumable`, in chunks of 6 MiB.
//!
//! [`FileApi::create_resumable_upload`] creates the upload and returns a [`ResumableUpload`]
//! whose [`ResumableUpload::url`] you can store; [`ResumableUpload::send`] sends the bytes
//! chunk by chunk from a seekable source, reporting progress. When the connection drops, the
//! bytes Storage received are kept: [`FileApi::resume_upload`] (from the stored URL) asks
//! Storage how far it got and `send` goes on from there. Nothing is resent automatically:
//! resuming is your call (retries are the shared layer's business, and a chunk upload is not
//! one to repeat blindly).

use std::fmt;

use base64::Engine;
use bytes::BytesMut;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use supabase_core::{HeaderName, HeaderValue, Method, Request, Url, header_value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt};
use tokio::sync::watch;

use crate::client::check;
use crate::path::{bucket_id, object_key};
use crate::{Error, FileApi, FileOptions, StorageClient, UploadResponse};

/// The chunk size Supabase Storage expects: 6 MiB (every chunk but the last).
pub const DEFAULT_CHUNK_SIZE: usize = 6 * 1024 * 1024;

const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
const TUS_VERSION: HeaderValue = HeaderValue::from_static("1.0.0");

/// How far a resumable upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadProgress {
    /// Bytes Storage has.
    pub sent: u64,
    /// The object's size.
    pub total: u64,
}

impl UploadProgress {
    /// Whether every byte arrived.
    pub fn is_done(&self) -> bool {
        self.sent >= self.total
    }
}

/// An upload Storage knows of, and how far it is. Made by
/// [`FileApi::create_resumable_upload`] or [`FileApi::resume_upload`].
///
/// ```no_run
/// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
/// use supabase_storage::FileOptions;
/// let file = tokio::fs::File::open("video.mp4").await?;
/// let length = file.metadata().await?.len();
/// let mut upload = avatars
///     .create_resumable_upload("videos/v.mp4", length, &FileOptions::new().content_type("video/mp4"))
///     .await?;
/// let stored_url = upload.url().to_owned(); // keep it to resume after a crash
/// match upload.send(file, |p| println!("{} / {}", p.sent, p.total)).await {
///     Ok(done) => println!("stored at {}", done.full_path),
///     Err(e) => {
///         // Later, maybe in another process:
///         let mut again = avatars.resume_upload(&stored_url).await?;
///         let file = tokio::fs::File::open("video.mp4").await?;
///         again.send(file, |_| {}).await?;
///         # let _ = e;
///     }
/// }
/// # Ok(()) }
/// ```
pub struct ResumableUpload {
    client: StorageClient,
    bucket: String,
    key: String,
    url: Url,
    offset: u64,
    length: u64,
    chunk_size: usize,
    progress: watch::Sender<UploadProgress>,
}

impl fmt::Debug for ResumableUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumableUpload")
            .field("url", &self.url.as_str())
            .field("offset", &self.offset)
            .field("length", &self.length)
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

fn tus_url(client: &StorageClient, location: &str) -> Result<Url, Error> {
    let base = client.service.base();
    let url = base
        .join(location)
        .map_err(|e| Error::Resumable(format!("the upload URL is not a URL: {e}")))?;
    if url.origin() != base.origin() {
        return Err(Error::Resumable(
            "the server gave an upload URL on another origin; it is not followed (the request \
             would carry your credentials there)"
                .into(),
        ));
    }
    Ok(url)
}

fn header_u64(response: &supabase_core::Response, name: &str) -> Option<u64> {
    response
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

impl FileApi {
    /// Creates a resumable upload of `length` bytes at `path` (`POST /upload/resumable`
    /// with the TUS headers); content type, cache control, upsert and metadata come from
    /// `options`.
    pub async fn create_resumable_upload(
        &self,
        path: &str,
        length: u64,
        options: &FileOptions,
    ) -> Result<ResumableUpload, Error> {
        let bucket = bucket_id(self.bucket())?.to_owned();
        let key = object_key(path, true)?;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let mut metadata = vec![
            format!("bucketName {}", b64(&bucket)),
            format!("objectName {}", b64(&key)),
            format!(
                "contentType {}",
                b64(options
                    .content_type
                    .as_deref()
                    .unwrap_or("application/octet-stream"))
            ),
            format!(
                "cacheControl {}",
                b64(options.cache_control.as_deref().unwrap_or("3600"))
            ),
        ];
        if let Some(m) = &options.metadata {
            metadata.push(format!("metadata {}", b64(&m.to_string())));
        }
        let request = self
            .client()
            .service
            .request(Method::POST, &["upload", "resumable"])?
            .header(TUS_RESUMABLE, TUS_VERSION)
            .header(
                HeaderName::from_static("upload-length"),
                HeaderValue::from(length),
            )
            .header(
                HeaderName::from_static("upload-metadata"),
                header_value("upload-metadata", &metadata.join(","))?,
            )
            .header(
                HeaderName::from_static("x-upsert"),
                HeaderValue::from_static(if options.upsert { "true" } else { "false" }),
            )
            .body(bytes::Bytes::new());
        let response = check(self.client().service.send(&request, false).await?)?;
        let location = response
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::Resumable("the server answered no upload URL".into()))?;
        let url = tus_url(self.client(), location)?;
        Ok(ResumableUpload::new(
            self.client().clone(),
            bucket,
            key,
            url,
            0,
            length,
        ))
    }

    /// Picks up an upload from its stored URL: asks Storage (`HEAD`) how many bytes it has.
    pub async fn resume_upload(&self, upload_url: &str) -> Result<ResumableUpload, Error> {
        let bucket = bucket_id(self.bucket())?.to_owned();
        let url = tus_url(self.client(), upload_url)?;
        let mut upload =
            ResumableUpload::new(self.client().clone(), bucket, String::new(), url, 0, 0);
        upload.refresh().await?;
        Ok(upload)
    }

    /// Uploads the file at `file` resumably in one go: creates the upload and sends it,
    /// calling `on_progress` after each chunk. On failure the error is returned; resume
    /// with [`FileApi::resume_upload`] and the URL from [`ResumableUpload::url`] (use
    /// [`FileApi::create_resumable_upload`] directly to keep it).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn upload_resumable_file(
        &self,
        path: &str,
        file: impl AsRef<std::path::Path>,
        options: &FileOptions,
        on_progress: impl FnMut(UploadProgress),
    ) -> Result<UploadResponse, Error> {
        let file = tokio::fs::File::open(file).await?;
        let length = file.metadata().await?.len();
        let mut upload = self.create_resumable_upload(path, length, options).await?;
        upload.send(file, on_progress).await
    }
}

impl ResumableUpload {
    fn new(
        client: StorageClient,
        bucket: String,
        key: String,
        url: Url,
        offset: u64,
        length: u64,
    ) -> Self {
        let (progress, _) = watch::channel(UploadProgress {
            sent: offset,
            total: length,
        });
        Self {
            client,
            bucket,
            key,
            url,
            offset,
            length,
            chunk_size: DEFAULT_CHUNK_SIZE,
            progress,
        }
    }

    /// The upload URL: store it to resume later with [`FileApi::resume_upload`].
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// The bytes Storage has (as last known).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The object's size.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// Sends chunks of `size` bytes instead of 6 MiB (Supabase Storage requires 6 MiB; other
    /// TUS servers may not). At least 1.
    #[must_use]
    pub fn with_chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = size.max(1);
        self
    }

    /// Progress events, as a stream (the latest value; ends when the upload is dropped).
    ///
    /// ```no_run
    /// # async fn run(mut upload: supabase_storage::resumable::ResumableUpload) -> Result<(), supabase_storage::Error> {
    /// use futures_util::StreamExt;
    /// let mut events = upload.progress();
    /// tokio::spawn(async move {
    ///     while let Some(p) = events.next().await {
    ///         println!("{}%", p.sent * 100 / p.total.max(1));
    ///     }
    /// });
    /// let file = tokio::fs::File::open("big.bin").await?;
    /// upload.send(file, |_| {}).await?;
    /// # Ok(()) }
    /// ```
    pub fn progress(&self) -> BoxStream<'static, UploadProgress> {
        let rx = self.progress.subscribe();
        futures_util::stream::unfold(rx, |mut rx| async move {
            rx.changed().await.ok()?;
            let value = *rx.borrow_and_update();
            Some((value, rx))
        })
        .boxed()
    }

    /// Asks Storage (`HEAD`) how many bytes it has; answers the offset.
    pub async fn refresh(&mut self) -> Result<u64, Error> {
        let request =
            Request::new(Method::HEAD, self.url.clone()).header(TUS_RESUMABLE, TUS_VERSION);
        let response = self.client.service.send(&request, true).await?;
        if !response.status.is_success() {
            if response.status.as_u16() == 404 || response.status.as_u16() == 410 {
                return Err(Error::Resumable(
                    "Storage does not know this upload any more (finished, expired or removed)"
                        .into(),
                ));
            }
            return Err(check(response)
                .err()
                .unwrap_or_else(|| Error::Resumable("the upload could not be read".into())));
        }
        let offset = header_u64(&response, "upload-offset")
            .ok_or_else(|| Error::Resumable("the server answered no Upload-Offset".into()))?;
        if let Some(length) = header_u64(&response, "upload-length") {
            self.length = length;
        }
        if self.key.is_empty()
            && let Some(name) = response
                .headers
                .get("upload-metadata")
                .and_then(|v| v.to_str().ok())
                .and_then(|m| metadata_value(m, "objectName"))
        {
            self.key = name;
        }
        self.set_offset(offset);
        Ok(offset)
    }

    fn set_offset(&mut self, offset: u64) {
        self.offset = offset;
        let progress = UploadProgress {
            sent: offset,
            total: self.length,
        };
        self.progress.send_replace(progress);
    }

    /// Sends the rest of the bytes from `source` (the whole object, seekable: it is read from
    /// the current offset), one chunk per `PATCH`, calling `on_progress` after each. Answers
    /// the stored object when the last chunk arrived.
    ///
    /// On a failure, Storage keeps what it received: call [`ResumableUpload::refresh`] (or
    /// [`FileApi::resume_upload`] with the stored URL) and `send` again.
    pub async fn send<R>(
        &mut self,
        mut source: R,
        mut on_progress: impl FnMut(UploadProgress),
    ) -> Result<UploadResponse, Error>
    where
        R: AsyncRead + AsyncSeek + Unpin + supabase_core::MaybeSend,
    {
        source.seek(std::io::SeekFrom::Start(self.offset)).await?;
        let mut buffer =
            BytesMut::with_capacity(self.chunk_size.min(
                usize::try_from(self.length.saturating_sub(self.offset)).unwrap_or(usize::MAX),
            ));
        let mut first = true;
        while self.offset < self.length || (first && self.length == 0) {
            first = false;
            let want = usize::try_from(self.length - self.offset)
                .unwrap_or(usize::MAX)
                .min(self.chunk_size);
            buffer.clear();
            buffer.reserve(want);
            while buffer.len() < want {
                let n = (&mut source)
                    .take((want - buffer.len()) as u64)
                    .read_buf(&mut buffer)
                    .await?;
                if n == 0 {
                    return Err(Error::Resumable(format!(
                        "the source ended at byte {} of {}",
                        self.offset + buffer.len() as u64,
                        self.length
                    )));
                }
            }
            let chunk = buffer.split().freeze();
            let request = Request::new(Method::PATCH, self.url.clone())
                .header(TUS_RESUMABLE, TUS_VERSION)
                .header(
                    HeaderName::from_static("upload-offset"),
                    HeaderValue::from(self.offset),
                )
                .header(
                    HeaderName::from_static("content-type"),
                    HeaderValue::from_static("application/offset+octet-stream"),
                )
                .body(chunk);
            let response = check(self.client.service.send(&request, false).await?)?;
            let offset = header_u64(&response, "upload-offset")
                .ok_or_else(|| Error::Resumable("the server answered no Upload-Offset".into()))?;
            self.set_offset(offset);
            on_progress(UploadProgress {
                sent: offset,
                total: self.length,
            });
        }
        let full_path = if self.key.is_empty() {
            format!("{}/", self.bucket)
        } else {
            format!("{}/{}", self.bucket, self.key)
        };
        Ok(UploadResponse {
            id: None,
            path: self.key.clone(),
            full_path,
        })
    }

    /// Cancels the upload (`DELETE`); Storage drops what it received.
    pub async fn abort(self) -> Result<(), Error> {
        let request =
            Request::new(Method::DELETE, self.url.clone()).header(TUS_RESUMABLE, TUS_VERSION);
        check(self.client.service.send(&request, false).await?)?;
        Ok(())
    }
}

/// A value of a TUS `Upload-Metadata` header (`key base64,key base64`).
fn metadata_value(header: &str, key: &str) -> Option<String> {
    header.split(',').find_map(|pair| {
        let mut it = pair.trim().splitn(2, ' ');
        (it.next()? == key).then_some(())?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(it.next()?.trim())
            .ok()?;
        String::from_utf8(bytes).ok()
    })
}
