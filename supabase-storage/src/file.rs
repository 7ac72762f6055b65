//! The objects of one bucket (storage-js `storage.from(bucket)`).

#[cfg(not(target_arch = "wasm32"))]
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use base64::Engine;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde_json::{Map, Value, json};
use supabase_core::{
    Body, ByteStream, HeaderMap, HeaderName, HeaderValue, Method, Multipart, Part, Request, Url,
    header_name, header_value, is_secret_header,
};
#[cfg(not(target_arch = "wasm32"))]
use tokio::io::AsyncWriteExt;

use crate::client::with_json;
use crate::path::{bucket_id, object_key, segments};
use crate::types::KeyAnswer;
use crate::{
    DestinationOptions, DownloadOptions, Error, FileObject, FileOptions, ListV2Page,
    MessageResponse, ObjectInfo, RemoveEntry, SearchOptions, SearchV2Options, SignedUploadUrl,
    SignedUrl, SignedUrlEntry, StorageApiError, StorageClient, UploadBody, UploadResponse,
    UrlOptions,
};

/// The most of an error answer read from a streamed download.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The objects of one bucket: upload, download, list, move, copy, remove, signed and public
/// URLs. Made by [`StorageClient::from`].
///
/// Every object path is checked before anything is sent (see [`crate::path`]) and goes into
/// the URL percent-encoded segment by segment, so a key with spaces, `?`, `&` or `+` arrives
/// intact.
///
/// ```no_run
/// # async fn run(storage: supabase_storage::StorageClient) -> Result<(), supabase_storage::Error> {
/// use supabase_storage::{FileOptions, UrlOptions};
/// let avatars = storage.from("avatars");
/// avatars.upload("users/1/a b.txt", "hello", &FileOptions::new().upsert(true)).await?;
/// let bytes = avatars.download("users/1/a b.txt", &Default::default()).await?;
/// assert_eq!(&bytes[..], b"hello");
/// let signed = avatars.create_signed_url("users/1/a b.txt", 60, &UrlOptions::new()).await?;
/// println!("{signed}"); // the token is redacted; signed.expose() is the real URL
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct FileApi {
    client: StorageClient,
    bucket: String,
}

impl FileApi {
    pub(crate) fn new(client: StorageClient, bucket: String) -> Self {
        Self { client, bucket }
    }

    /// The bucket id.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The client.
    pub fn client(&self) -> &StorageClient {
        &self.client
    }

    fn url(&self, prefix: &[&str], key: &str, query: &[(&str, &str)]) -> Result<Url, Error> {
        let bucket = bucket_id(&self.bucket)?;
        Ok(self
            .client
            .service
            .url(&segments(prefix, bucket, key), query)?)
    }

    /// Uploads a new object (storage-js `upload`): `POST /object/<bucket>/<key>`.
    ///
    /// The body is raw bytes, a [`Body`] (stream, reader or file: sent as it is read, with
    /// `Content-Length` when its length is known) or a multipart form
    /// ([`UploadBody::blob`]/[`UploadBody::file`], as storage-js sends a `Blob`/`File`). The
    /// path is cleaned as storage-js cleans it (one leading and one trailing `/` dropped,
    /// `//` collapsed) and checked.
    ///
    /// An interrupted upload fails with a transport error and Storage keeps nothing: the
    /// object is written only when the whole body has arrived.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::{Body, FileOptions, UploadBody};
    /// // Bytes:
    /// avatars.upload("a.txt", "hello", &FileOptions::new()).await?;
    /// // A file, streamed:
    /// let body = Body::from_file("photo.png").await?;
    /// avatars.upload("photo.png", body, &FileOptions::new().content_type("image/png")).await?;
    /// // A Blob, as multipart:
    /// avatars.upload("b.txt", UploadBody::blob("blob body", Some("text/plain")), &FileOptions::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn upload(
        &self,
        path: &str,
        body: impl Into<UploadBody>,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error> {
        self.upload_or_update(Method::POST, path, body.into(), options)
            .await
    }

    /// Replaces an object (storage-js `update`): `PUT /object/<bucket>/<key>`; no `x-upsert`.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::FileOptions;
    /// avatars.update("a.txt", "new content", &FileOptions::new().content_type("text/markdown")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        path: &str,
        body: impl Into<UploadBody>,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error> {
        self.upload_or_update(Method::PUT, path, body.into(), options)
            .await
    }

    /// Uploads the file at `file` (streamed, with its length).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::FileOptions;
    /// avatars.upload_file("big.bin", "/tmp/big.bin", &FileOptions::new().content_type("application/octet-stream")).await?;
    /// # Ok(()) }
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn upload_file(
        &self,
        path: &str,
        file: impl AsRef<Path>,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error> {
        let body = Body::from_file(file).await?;
        self.upload(path, body, options).await
    }

    /// Uploads what `reader` yields (streamed; give `length` when known).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::FileOptions;
    /// let reader: &'static [u8] = b"from a reader";
    /// avatars.upload_reader("r.txt", reader, Some(13), &FileOptions::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn upload_reader<R>(
        &self,
        path: &str,
        reader: R,
        length: Option<u64>,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error>
    where
        R: tokio::io::AsyncRead + supabase_core::MaybeSend + 'static,
    {
        self.upload(path, Body::from_reader(reader, length), options)
            .await
    }

    /// Uploads a stream of byte chunks (streamed; give `length` when known).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::FileOptions;
    /// let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from("ab"))]);
    /// avatars.upload_stream("s.txt", chunks, Some(2), &FileOptions::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn upload_stream<S, E>(
        &self,
        path: &str,
        stream: S,
        length: Option<u64>,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error>
    where
        S: Stream<Item = Result<Bytes, E>> + supabase_core::MaybeSend + 'static,
        E: Into<supabase_core::BoxError>,
    {
        self.upload(path, Body::from_stream(stream, length), options)
            .await
    }

    async fn upload_or_update(
        &self,
        method: Method,
        path: &str,
        body: UploadBody,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error> {
        let key = object_key(path, true)?;
        let url = self.url(&["object"], &key, &[])?;
        let with_upsert = method == Method::POST;
        let request = upload_request(Request::new(method, url), body, options, with_upsert)?;
        let response = self.client.send(request).await?;
        let answer: KeyAnswer = response.json()?;
        Ok(UploadResponse {
            id: answer.id,
            full_path: answer
                .key
                .unwrap_or_else(|| format!("{}/{key}", self.bucket)),
            path: key,
        })
    }

    /// Creates a URL to upload one object without a token of your own (valid two hours);
    /// with `upsert`, the upload may replace an existing object.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::FileOptions;
    /// let signed = avatars.create_signed_upload_url("new.txt", false).await?;
    /// avatars.upload_to_signed_url(&signed.path, &signed.token, "hi", &FileOptions::new()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_signed_upload_url(
        &self,
        path: &str,
        upsert: bool,
    ) -> Result<SignedUploadUrl, Error> {
        let key = object_key(path, false)?;
        let url = self.url(&["object", "upload", "sign"], &key, &[])?;
        let mut request = with_json(Request::new(Method::POST, url), &json!({}));
        if upsert {
            request = request.header(
                HeaderName::from_static("x-upsert"),
                HeaderValue::from_static("true"),
            );
        }
        let answer: Value = self.client.send_json(request).await?;
        let relative = answer
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::InvalidInput("Storage answered no upload URL".into()))?;
        let signed = self.absolute(relative, &[])?;
        let token = signed
            .token()
            .or_else(|| {
                answer
                    .get("token")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .ok_or_else(|| Error::InvalidInput("Storage answered no upload token".into()))?;
        Ok(SignedUploadUrl {
            signed_url: signed,
            token,
            path: key,
        })
    }

    /// Uploads to a signed upload URL: `PUT /object/upload/sign/<bucket>/<key>?token=…`.
    pub async fn upload_to_signed_url(
        &self,
        path: &str,
        token: &str,
        body: impl Into<UploadBody>,
        options: &FileOptions,
    ) -> Result<UploadResponse, Error> {
        let key = object_key(path, true)?;
        if token.is_empty() {
            return Err(Error::InvalidInput("the upload token is empty".into()));
        }
        let url = self.url(&["object", "upload", "sign"], &key, &[("token", token)])?;
        let request = upload_request(Request::new(Method::PUT, url), body.into(), options, true)?;
        let response = self.client.send(request).await?;
        let answer: KeyAnswer = response.json()?;
        Ok(UploadResponse {
            id: answer.id,
            full_path: answer
                .key
                .unwrap_or_else(|| format!("{}/{key}", self.bucket)),
            path: key,
        })
    }

    fn download_request(&self, path: &str, options: &DownloadOptions) -> Result<Request, Error> {
        let key = object_key(path, false)?;
        let mut query = Vec::new();
        let transform = options.transform.as_ref().filter(|t| !t.is_empty());
        if let Some(t) = transform {
            t.query(&mut query);
        }
        if let Some(n) = &options.cache_nonce {
            query.push(("cacheNonce", n.clone()));
        }
        if let Some(v) = &options.version_id {
            query.push(("versionId", v.clone()));
        }
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let prefix: &[&str] = if transform.is_some() {
            &["render", "image", "authenticated"]
        } else {
            &["object"]
        };
        Ok(Request::new(Method::GET, self.url(prefix, &key, &pairs)?))
    }

    /// Downloads a whole object into memory (bounded by the transport's response limit; use
    /// [`FileApi::download_stream`] or [`FileApi::download_to_file`] for large objects).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::{DownloadOptions, TransformOptions};
    /// let thumb = avatars
    ///     .download("cat.png", &DownloadOptions::new().transform(TransformOptions::new().width(100)))
    ///     .await?;
    /// # let _ = thumb; Ok(()) }
    /// ```
    pub async fn download(&self, path: &str, options: &DownloadOptions) -> Result<Bytes, Error> {
        let request = self.download_request(path, options)?;
        let response = self.client.send(request).await?;
        let expected = response
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(expected) = expected
            && expected != response.body.len() as u64
        {
            return Err(Error::Truncated {
                expected,
                received: response.body.len() as u64,
            });
        }
        Ok(response.body)
    }

    /// Downloads an object as a stream of chunks, read as you poll it: memory stays at a
    /// few chunks whatever the size. A body that ends before its `Content-Length` ends the
    /// stream with [`Error::Truncated`].
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use futures_util::StreamExt;
    /// let mut download = avatars.download_stream("big.bin", &Default::default()).await?;
    /// let mut total = 0;
    /// while let Some(chunk) = download.next().await {
    ///     total += chunk?.len();
    /// }
    /// # let _ = total; Ok(()) }
    /// ```
    pub async fn download_stream(
        &self,
        path: &str,
        options: &DownloadOptions,
    ) -> Result<Download, Error> {
        let request = self.download_request(path, options)?;
        let response = self.client.service.send_streaming(&request, None).await?;
        if !response.status.is_success() {
            let status = response.status.as_u16();
            let body = response.bytes(ERROR_BODY_LIMIT).await.unwrap_or_default();
            return Err(StorageApiError::from_body(status, &body).into());
        }
        let content_length = response.content_length();
        let content_type = response
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Download {
            content_type,
            content_length,
            stream: Checked {
                inner: response.body,
                expected: content_length,
                received: 0,
                done: false,
            },
        })
    }

    /// Downloads an object straight into the file at `dest`, streaming; answers the number
    /// of bytes written. The bytes go to `<dest>.part` first, renamed to `dest` only when the
    /// whole object has arrived, so a cut download never looks complete.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// let written = avatars.download_to_file("big.bin", "/tmp/big.bin", &Default::default()).await?;
    /// # let _ = written; Ok(()) }
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn download_to_file(
        &self,
        path: &str,
        dest: impl AsRef<Path>,
        options: &DownloadOptions,
    ) -> Result<u64, Error> {
        let dest = dest.as_ref();
        let mut download = self.download_stream(path, options).await?;
        let mut part = dest.as_os_str().to_owned();
        part.push(".part");
        let part = std::path::PathBuf::from(part);
        let mut file = tokio::fs::File::create(&part).await?;
        let mut written: u64 = 0;
        let result: Result<(), Error> = async {
            while let Some(chunk) = download.next().await {
                let chunk = chunk?;
                file.write_all(&chunk).await?;
                written += chunk.len() as u64;
            }
            file.flush().await?;
            file.sync_all().await?;
            Ok(())
        }
        .await;
        drop(file);
        match result {
            Ok(()) => {
                tokio::fs::rename(&part, dest).await?;
                Ok(written)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&part).await;
                Err(e)
            }
        }
    }

    /// Reads an object's details (`GET /object/info/<bucket>/<key>`).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// let info = avatars.info("a.txt", None).await?;
    /// println!("{:?} bytes, {:?}", info.size, info.content_type);
    /// # Ok(()) }
    /// ```
    pub async fn info(&self, path: &str, version_id: Option<&str>) -> Result<ObjectInfo, Error> {
        let key = object_key(path, false)?;
        let query: Vec<(&str, &str)> = version_id.map(|v| ("versionId", v)).into_iter().collect();
        let url = self.url(&["object", "info"], &key, &query)?;
        self.client.send_json(Request::new(Method::GET, url)).await
    }

    /// Whether an object exists: `false` when Storage answers not found (`NoSuchKey`, or a
    /// 404); any other error is returned.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// if !avatars.exists("a.txt").await? {
    ///     println!("missing");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn exists(&self, path: &str) -> Result<bool, Error> {
        match self.info(path, None).await {
            Ok(_) => Ok(true),
            Err(Error::Api(e))
                if e.code.as_deref() == Some("NoSuchKey")
                    || (e.code.is_none() && (e.status == 404 || e.http_status == 404)) =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Lists the entries under `prefix` (folders have no id), as storage-js `list`.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::SearchOptions;
    /// let entries = avatars.list("folder", &SearchOptions::new().limit(10).sort_by("name", "desc")).await?;
    /// # let _ = entries; Ok(()) }
    /// ```
    pub async fn list(
        &self,
        prefix: &str,
        options: &SearchOptions,
    ) -> Result<Vec<FileObject>, Error> {
        let bucket = bucket_id(&self.bucket)?;
        let mut body = Map::new();
        body.insert("limit".into(), json!(options.limit.unwrap_or(100)));
        body.insert("offset".into(), json!(options.offset.unwrap_or(0)));
        body.insert(
            "sortBy".into(),
            json!({
                "column": options.sort_column.as_deref().unwrap_or("name"),
                "order": options.sort_order.as_deref().unwrap_or("asc"),
            }),
        );
        if let Some(search) = &options.search {
            body.insert("search".into(), json!(search));
        }
        body.insert("prefix".into(), json!(prefix));
        let request = self.client.json_request(
            Method::POST,
            &["object", "list", bucket],
            &Value::Object(body),
        )?;
        self.client.send_json(request).await
    }

    /// Lists one page with the cursor-based form (storage-js `listV2`).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::SearchV2Options;
    /// let mut options = SearchV2Options::new().prefix("folder/").limit(50);
    /// loop {
    ///     let page = avatars.list_v2(&options).await?;
    ///     for object in &page.objects { println!("{}", object.name); }
    ///     match (page.has_next, page.next_cursor) {
    ///         (true, Some(cursor)) => options = options.cursor(cursor),
    ///         _ => break,
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_v2(&self, options: &SearchV2Options) -> Result<ListV2Page, Error> {
        let bucket = bucket_id(&self.bucket)?;
        let body = serde_json::to_value(options)
            .map_err(|e| Error::InvalidInput(format!("list options: {e}")))?;
        let request =
            self.client
                .json_request(Method::POST, &["object", "list-v2", bucket], &body)?;
        self.client.send_json(request).await
    }

    fn move_body(
        &self,
        from: &str,
        to: &str,
        options: &DestinationOptions,
    ) -> Result<Value, Error> {
        let bucket = bucket_id(&self.bucket)?;
        let from = object_key(from, false)?;
        let to = object_key(to, false)?;
        let mut body = Map::new();
        body.insert("bucketId".into(), json!(bucket));
        body.insert("sourceKey".into(), json!(from));
        body.insert("destinationKey".into(), json!(to));
        if let Some(dest) = &options.destination_bucket {
            body.insert("destinationBucket".into(), json!(bucket_id(dest)?));
        }
        if let Some(v) = &options.source_version_id {
            body.insert("sourceVersionId".into(), json!(v));
        }
        Ok(Value::Object(body))
    }

    /// Moves (renames) an object, also into another bucket.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::DestinationOptions;
    /// avatars.move_object("a.txt", "archive/a.txt", &DestinationOptions::new()).await?;
    /// avatars.move_object("b.txt", "b.txt", &DestinationOptions::new().destination_bucket("archive")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn move_object(
        &self,
        from: &str,
        to: &str,
        options: &DestinationOptions,
    ) -> Result<MessageResponse, Error> {
        let body = self.move_body(from, to, options)?;
        let request = self
            .client
            .json_request(Method::POST, &["object", "move"], &body)?;
        self.client.send_json(request).await
    }

    /// Copies an object, also into another bucket; answers the new object's key.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::DestinationOptions;
    /// let copy = avatars.copy_object("a.txt", "copy of a.txt", &DestinationOptions::new()).await?;
    /// assert_eq!(copy.full_path, "avatars/copy of a.txt");
    /// # Ok(()) }
    /// ```
    pub async fn copy_object(
        &self,
        from: &str,
        to: &str,
        options: &DestinationOptions,
    ) -> Result<UploadResponse, Error> {
        let mut body = self.move_body(from, to, options)?;
        if let (Some(copy), Value::Object(map)) = (options.copy_metadata, &mut body) {
            map.insert("copyMetadata".into(), json!(copy));
            if !copy && let Some(m) = &options.metadata {
                map.insert("metadata".into(), m.clone());
            }
        }
        let request = self
            .client
            .json_request(Method::POST, &["object", "copy"], &body)?;
        let answer: KeyAnswer = self.client.send_json(request).await?;
        let dest_bucket = options
            .destination_bucket
            .as_deref()
            .unwrap_or(&self.bucket);
        let key = body
            .get("destinationKey")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Ok(UploadResponse {
            id: answer.id,
            full_path: answer.key.unwrap_or_else(|| format!("{dest_bucket}/{key}")),
            path: key,
        })
    }

    /// Removes objects; answers the rows deleted (`[]` when nothing matched, also for
    /// objects row-level security hides).
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// let removed = avatars.remove(["a.txt", "folder/b c.png"]).await?;
    /// # let _ = removed; Ok(()) }
    /// ```
    pub async fn remove<I, P>(&self, paths: I) -> Result<Vec<FileObject>, Error>
    where
        I: IntoIterator<Item = P>,
        P: Into<RemoveEntry>,
    {
        let bucket = bucket_id(&self.bucket)?;
        let mut prefixes = Vec::new();
        for entry in paths {
            prefixes.push(match entry.into() {
                RemoveEntry::Path(p) => json!(object_key(&p, false)?),
                RemoveEntry::Version { path, version_id } => {
                    json!({"path": object_key(&path, false)?, "versionId": version_id})
                }
            });
        }
        if prefixes.is_empty() {
            return Ok(Vec::new());
        }
        let request = self.client.json_request(
            Method::DELETE,
            &["object", bucket],
            &json!({ "prefixes": prefixes }),
        )?;
        self.client.send_json(request).await
    }

    /// Creates a signed URL to read one object for `expires_in` seconds, optionally as a
    /// download and transformed.
    ///
    /// Unlike storage-js, the URL is built from encoded segments (a `?` or `%20` in the key
    /// stays part of it) and `download` is encoded once.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::UrlOptions;
    /// let url = avatars.create_signed_url("a.txt", 60, &UrlOptions::new().download("report.txt")).await?;
    /// let link: &str = url.expose();
    /// # let _ = link; Ok(()) }
    /// ```
    pub async fn create_signed_url(
        &self,
        path: &str,
        expires_in: u64,
        options: &UrlOptions,
    ) -> Result<SignedUrl, Error> {
        let key = object_key(path, false)?;
        check_expiry(expires_in)?;
        let url = self.url(&["object", "sign"], &key, &[])?;
        let mut body = Map::new();
        body.insert("expiresIn".into(), json!(expires_in));
        if let Some(t) = options.transform.as_ref().filter(|t| !t.is_empty()) {
            body.insert("transform".into(), json!(t));
        }
        if let Some(v) = &options.version_id {
            body.insert("versionId".into(), json!(v));
        }
        let request = with_json(Request::new(Method::POST, url), &Value::Object(body));
        let answer: Value = self.client.send_json(request).await?;
        let relative = answer
            .get("signedURL")
            .or_else(|| answer.get("signedUrl"))
            .and_then(Value::as_str)
            .ok_or_else(|| Error::InvalidInput("Storage answered no signed URL".into()))?;
        self.absolute(relative, &url_extras(options))
    }

    /// Creates signed URLs for several objects; a missing object gets an entry with an
    /// `error` and no URL.
    ///
    /// ```no_run
    /// # async fn run(avatars: supabase_storage::FileApi) -> Result<(), supabase_storage::Error> {
    /// use supabase_storage::UrlOptions;
    /// for entry in avatars.create_signed_urls(["a.txt", "b c.txt"], 300, &UrlOptions::new()).await? {
    ///     println!("{:?}: {:?}", entry.path, entry.signed_url);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create_signed_urls<I, P>(
        &self,
        paths: I,
        expires_in: u64,
        options: &UrlOptions,
    ) -> Result<Vec<SignedUrlEntry>, Error>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<str>,
    {
        let bucket = bucket_id(&self.bucket)?;
        let keys = paths
            .into_iter()
            .map(|p| object_key(p.as_ref(), false))
            .collect::<Result<Vec<_>, _>>()?;
        check_expiry(expires_in)?;
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let request = self.client.json_request(
            Method::POST,
            &["object", "sign", bucket],
            &json!({"expiresIn": expires_in, "paths": keys}),
        )?;
        let answer: Vec<Value> = self.client.send_json(request).await?;
        let extras = url_extras(options);
        answer
            .into_iter()
            .map(|entry| {
                let text = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_owned);
                let signed_url = match text("signedURL").or_else(|| text("signedUrl")) {
                    Some(relative) => Some(self.absolute(&relative, &extras)?),
                    None => None,
                };
                Ok(SignedUrlEntry {
                    path: text("path"),
                    error: text("error"),
                    signed_url,
                })
            })
            .collect()
    }

    /// The URL of an object in a public bucket; sends nothing. With a transformation, the
    /// `/render/image/public/…` URL.
    ///
    /// ```
    /// use supabase_storage::{StorageClient, TransformOptions, UrlOptions};
    ///
    /// # fn main() -> Result<(), supabase_storage::Error> {
    /// let storage = StorageClient::new("https://xyz.supabase.co/storage/v1", "anon-key")?;
    /// let url = storage.from("avatars").get_public_url("folder/a b?.png", &UrlOptions::new())?;
    /// assert_eq!(url, "https://xyz.supabase.co/storage/v1/object/public/avatars/folder/a%20b%3F.png");
    /// let url = storage.from("avatars").get_public_url(
    ///     "cat.png",
    ///     &UrlOptions::new().download("cat & co.png").transform(TransformOptions::new().width(100)),
    /// )?;
    /// assert_eq!(
    ///     url,
    ///     "https://xyz.supabase.co/storage/v1/render/image/public/avatars/cat.png?download=cat+%26+co.png&width=100"
    /// );
    /// # Ok(()) }
    /// ```
    pub fn get_public_url(&self, path: &str, options: &UrlOptions) -> Result<String, Error> {
        let key = object_key(path, false)?;
        let mut query = Vec::new();
        options.download.query(&mut query);
        let transform = options.transform.as_ref().filter(|t| !t.is_empty());
        if let Some(t) = transform {
            t.query(&mut query);
        }
        if let Some(n) = &options.cache_nonce {
            query.push(("cacheNonce", n.clone()));
        }
        if let Some(v) = &options.version_id {
            query.push(("versionId", v.clone()));
        }
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let prefix: &[&str] = if transform.is_some() {
            &["render", "image", "public"]
        } else {
            &["object", "public"]
        };
        Ok(self.url(prefix, &key, &pairs)?.to_string())
    }

    /// Purges the CDN cache of an object (with `transformations`, only its transformed
    /// variants).
    pub async fn purge_cache(
        &self,
        path: &str,
        transformations: bool,
    ) -> Result<MessageResponse, Error> {
        let key = object_key(path, false)?;
        let query: &[(&str, &str)] = if transformations {
            &[("transformations", "true")]
        } else {
            &[]
        };
        let url = self.url(&["cdn"], &key, query)?;
        let request = with_json(Request::new(Method::DELETE, url), &json!({}));
        self.client.send_json(request).await
    }

    /// Makes a server-relative signed URL (`/object/sign/<bucket>/<key>?token=…`) absolute:
    /// the path is decoded and re-encoded segment by segment under this client's base, the
    /// server's query kept, `extras` appended (form-encoded once).
    fn absolute(
        &self,
        relative: &str,
        extras: &[(&'static str, String)],
    ) -> Result<SignedUrl, Error> {
        let (path, query) = match relative.rfind('?') {
            Some(i) => (
                relative.get(..i).unwrap_or_default(),
                relative.get(i + 1..).unwrap_or_default(),
            ),
            None => (relative, ""),
        };
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let parts: Vec<&str> = decoded.trim_start_matches('/').split('/').collect();
        let mut url = self.client.service.url(&parts, &[])?;
        if !query.is_empty() {
            url.set_query(Some(query));
        }
        if !extras.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in extras {
                pairs.append_pair(k, v);
            }
        }
        Ok(SignedUrl::new(url.to_string()))
    }
}

fn check_expiry(expires_in: u64) -> Result<(), Error> {
    if expires_in == 0 {
        return Err(Error::InvalidInput(
            "a signed URL must be valid for at least one second".into(),
        ));
    }
    Ok(())
}

fn url_extras(options: &UrlOptions) -> Vec<(&'static str, String)> {
    let mut extras = Vec::new();
    options.download.query(&mut extras);
    if let Some(n) = &options.cache_nonce {
        extras.push(("cacheNonce", n.clone()));
    }
    extras
}

/// Headers and body of an upload, as storage-js builds them.
pub(crate) fn upload_request(
    mut request: Request,
    body: UploadBody,
    options: &FileOptions,
    with_upsert: bool,
) -> Result<Request, Error> {
    let mut headers = HeaderMap::new();
    if with_upsert {
        headers.insert(
            HeaderName::from_static("x-upsert"),
            HeaderValue::from_static(if options.upsert { "true" } else { "false" }),
        );
    }
    let cache_control = options.cache_control.as_deref().unwrap_or("3600");
    let metadata = match &options.metadata {
        Some(m) if !m.is_object() => {
            return Err(Error::InvalidInput(
                "upload metadata must be a JSON object".into(),
            ));
        }
        Some(m) => Some(
            serde_json::to_string(m).map_err(|e| Error::InvalidInput(format!("metadata: {e}")))?,
        ),
        None => None,
    };
    let body = match body {
        UploadBody::Raw(body) => {
            headers.insert(
                HeaderName::from_static("cache-control"),
                header_value("cache-control", &format!("max-age={cache_control}"))?,
            );
            headers.insert(
                HeaderName::from_static("content-type"),
                header_value(
                    "content-type",
                    options
                        .content_type
                        .as_deref()
                        .unwrap_or("text/plain;charset=UTF-8"),
                )?,
            );
            if let Some(enc) = &options.content_encoding {
                headers.insert(
                    HeaderName::from_static("content-encoding"),
                    header_value("content-encoding", enc)?,
                );
            }
            if let Some(m) = &metadata {
                let encoded = base64::engine::general_purpose::STANDARD.encode(m);
                headers.insert(
                    HeaderName::from_static("x-metadata"),
                    header_value("x-metadata", &encoded)?,
                );
            }
            body
        }
        UploadBody::Multipart {
            body,
            file_name,
            content_type,
        } => {
            let mut form = Multipart::new().text("cacheControl", cache_control);
            if let Some(m) = metadata {
                form = form.text("metadata", m);
            }
            if let Some(enc) = &options.content_encoding {
                form = form.text("contentEncoding", enc.clone());
            }
            let part = Part::new(body).file_name(file_name).content_type(
                content_type.unwrap_or_else(|| "application/octet-stream".to_owned()),
            );
            form = form.part("", part);
            headers.insert(
                HeaderName::from_static("content-type"),
                header_value("content-type", &form.content_type())?,
            );
            form.into_body()
        }
    };
    for (name, value) in &options.headers {
        if is_secret_header(name) {
            return Err(Error::InvalidInput(format!(
                "the header `{name}` carries a credential; use a token provider instead"
            )));
        }
        headers.insert(header_name(name)?, header_value(name, value)?);
    }
    request.headers.extend(headers);
    request.body = Some(body);
    Ok(request)
}

/// A streamed download: a [`Stream`] of chunks with the answer's content type and length.
pub struct Download {
    /// The stored content type, verbatim.
    pub content_type: Option<String>,
    /// The announced length.
    pub content_length: Option<u64>,
    stream: Checked,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .field("received", &self.stream.received)
            .finish()
    }
}

impl Download {
    /// Reads the rest into memory, failing past `limit` bytes.
    pub async fn bytes(mut self, limit: usize) -> Result<Bytes, Error> {
        let mut all = bytes::BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if all.len().saturating_add(chunk.len()) > limit {
                return Err(supabase_core::Error::ResponseTooLarge { limit }.into());
            }
            all.extend_from_slice(&chunk);
        }
        Ok(all.freeze())
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.stream.received
    }
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.stream).poll_next(cx)
    }
}

/// The answer's body, checked against its `Content-Length`.
struct Checked {
    inner: ByteStream,
    expected: Option<u64>,
    received: u64,
    done: bool,
}

impl Stream for Checked {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match ready!(self.inner.as_mut().poll_next(cx)) {
            Some(Ok(chunk)) => {
                self.received += chunk.len() as u64;
                if let Some(expected) = self.expected
                    && self.received > expected
                {
                    self.done = true;
                    return Poll::Ready(Some(Err(Error::InvalidInput(format!(
                        "the server sent more than the {expected} bytes it announced"
                    )))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Some(Err(e)) => {
                self.done = true;
                let received = self.received;
                Poll::Ready(Some(Err(match self.expected {
                    Some(expected) if received < expected => {
                        Error::Truncated { expected, received }
                    }
                    _ => Error::from(e),
                })))
            }
            None => {
                self.done = true;
                match self.expected {
                    Some(expected) if self.received != expected => {
                        Poll::Ready(Some(Err(Error::Truncated {
                            expected,
                            received: self.received,
                        })))
                    }
                    _ => Poll::Ready(None),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> FileApi {
        StorageClient::new("https://xyz.supabase.co/storage/v1", "anon")
            .unwrap()
            .from("avatars")
    }

    #[test]
    fn public_urls_encode_each_segment_once() {
        let a = api();
        assert_eq!(
            a.get_public_url("/folder/a b.png", &UrlOptions::new())
                .unwrap(),
            "https://xyz.supabase.co/storage/v1/object/public/avatars/folder/a%20b.png"
        );
        assert_eq!(
            a.get_public_url("img/cat.png", &UrlOptions::new().download(true))
                .unwrap(),
            "https://xyz.supabase.co/storage/v1/object/public/avatars/img/cat.png?download="
        );
        assert!(matches!(
            a.get_public_url("folder/a b ü.png", &UrlOptions::new()),
            Err(Error::InvalidPath {
                character: Some('ü'),
                ..
            })
        ));
        let bad = StorageClient::new("https://xyz.supabase.co/storage/v1", "anon")
            .unwrap()
            .from("a/b");
        assert!(matches!(
            bad.get_public_url("x", &UrlOptions::new()),
            Err(Error::InvalidBucket { .. })
        ));
    }

    #[test]
    fn relative_signed_urls_are_reencoded() {
        let a = api();
        let url = a
            .absolute(
                "/object/sign/avatars/my docs/a?b.txt?token=t.o.k",
                &[("download", "my cat & co.png".into())],
            )
            .unwrap();
        assert_eq!(
            url.expose(),
            "https://xyz.supabase.co/storage/v1/object/sign/avatars/my%20docs/a%3Fb.txt?token=t.o.k&download=my+cat+%26+co.png"
        );
        let url = a
            .absolute("/object/sign/avatars/my%20docs/x.txt?token=t", &[])
            .unwrap();
        assert_eq!(
            url.expose(),
            "https://xyz.supabase.co/storage/v1/object/sign/avatars/my%20docs/x.txt?token=t"
        );
    }

    #[tokio::test]
    async fn bad_arguments_fail_before_sending() {
        // The host does not resolve: any request would fail with a transport error instead.
        let a = StorageClient::new("http://unresolvable.invalid/storage/v1", "anon")
            .unwrap()
            .from("b");
        assert!(matches!(
            a.create_signed_url("a.txt", 0, &UrlOptions::new()).await,
            Err(Error::InvalidInput(_))
        ));
        assert!(
            a.create_signed_urls(Vec::<String>::new(), 60, &UrlOptions::new())
                .await
                .unwrap()
                .is_empty()
        );
        assert!(matches!(
            a.upload("a.txt", "x", &FileOptions::new().metadata(json!([1, 2])))
                .await,
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            a.upload(
                "a.txt",
                "x",
                &FileOptions::new().content_type("text/plain\r\nx-evil: 1")
            )
            .await,
            Err(Error::Core(supabase_core::Error::InvalidHeader { .. }))
        ));
        assert!(matches!(
            a.upload_to_signed_url("a.txt", "", "x", &FileOptions::new())
                .await,
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn credential_headers_are_refused_in_file_options() {
        let url = Url::parse("http://h/x").unwrap();
        let err = upload_request(
            Request::new(Method::POST, url),
            UploadBody::from("x"),
            &FileOptions::new().header("ApiKey", "k"),
            true,
        )
        .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)));
    }
}
