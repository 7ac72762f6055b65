//! Options of the bucket and file methods, named as storage-js names them.

use serde::Serialize;
use serde_json::Value;
use supabase_core::Body;

/// Options of [`crate::StorageClient::create_bucket`] and
/// [`crate::StorageClient::update_bucket`].
///
/// ```
/// use supabase_storage::BucketOptions;
///
/// let options = BucketOptions::new()
///     .public(true)
///     .file_size_limit(1024 * 1024)
///     .allowed_mime_types(["image/png", "image/*"]);
/// assert!(options.is_public());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct BucketOptions {
    pub(crate) public: bool,
    pub(crate) file_size_limit: Option<FileSizeLimit>,
    pub(crate) allowed_mime_types: Option<Vec<String>>,
    pub(crate) bucket_type: Option<String>,
}

/// A bucket's size limit: bytes, or a text Storage parses (`"1MB"`, `"100KB"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FileSizeLimit {
    /// A number of bytes.
    Bytes(u64),
    /// A text such as `"20MB"` (Storage stores `"1KB"` as 1000 bytes).
    Text(String),
}

impl From<u64> for FileSizeLimit {
    fn from(value: u64) -> Self {
        Self::Bytes(value)
    }
}

impl From<&str> for FileSizeLimit {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for FileSizeLimit {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl BucketOptions {
    /// A private bucket with no limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether objects can be read without a token (default `false`).
    #[must_use]
    pub fn public(mut self, public: bool) -> Self {
        self.public = public;
        self
    }

    /// Whether this bucket is public.
    pub fn is_public(&self) -> bool {
        self.public
    }

    /// The largest object allowed.
    #[must_use]
    pub fn file_size_limit(mut self, limit: impl Into<FileSizeLimit>) -> Self {
        self.file_size_limit = Some(limit.into());
        self
    }

    /// The MIME types allowed (compared literally by Storage; `image/*` wildcards work).
    #[must_use]
    pub fn allowed_mime_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allowed_mime_types = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// The bucket type (`STANDARD`, `ANALYTICS`); create only.
    #[must_use]
    pub fn bucket_type(mut self, bucket_type: impl Into<String>) -> Self {
        self.bucket_type = Some(bucket_type.into());
        self
    }
}

/// Options of [`crate::StorageClient::list_buckets`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListBucketsOptions {
    /// The most buckets to return.
    pub limit: Option<u64>,
    /// How many to skip.
    pub offset: Option<u64>,
    /// Only buckets whose name contains this.
    pub search: Option<String>,
    /// `id`, `name`, `created_at` or `updated_at`.
    pub sort_column: Option<String>,
    /// `asc` or `desc`.
    pub sort_order: Option<String>,
}

impl ListBucketsOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `limit`.
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Sets `offset`.
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    /// Sets `search`.
    #[must_use]
    pub fn search(mut self, search: impl Into<String>) -> Self {
        self.search = Some(search.into());
        self
    }
    /// Sets the sort column and order.
    #[must_use]
    pub fn sort(mut self, column: impl Into<String>, order: impl Into<String>) -> Self {
        self.sort_column = Some(column.into());
        self.sort_order = Some(order.into());
        self
    }

    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = self.limit {
            q.push(("limit", v.to_string()));
        }
        if let Some(v) = self.offset {
            q.push(("offset", v.to_string()));
        }
        if let Some(v) = self.search.as_ref().filter(|s| !s.is_empty()) {
            q.push(("search", v.clone()));
        }
        if let Some(v) = self.sort_column.as_ref().filter(|s| !s.is_empty()) {
            q.push(("sortColumn", v.clone()));
        }
        if let Some(v) = self.sort_order.as_ref().filter(|s| !s.is_empty()) {
            q.push(("sortOrder", v.clone()));
        }
        q
    }
}

/// Options of an upload or update (storage-js `FileOptions`).
///
/// ```
/// use supabase_storage::FileOptions;
///
/// let options = FileOptions::new()
///     .content_type("image/png")
///     .cache_control("60")
///     .upsert(true)
///     .metadata(serde_json::json!({"owner": "ada"}))
///     .header("x-custom", "1");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct FileOptions {
    pub(crate) cache_control: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) upsert: bool,
    pub(crate) metadata: Option<Value>,
    pub(crate) content_encoding: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
}

impl FileOptions {
    /// The defaults: `Cache-Control: max-age=3600`, `Content-Type: text/plain;charset=UTF-8`,
    /// no upsert.
    pub fn new() -> Self {
        Self::default()
    }
    /// The `max-age` in seconds, as text (default `"3600"`).
    #[must_use]
    pub fn cache_control(mut self, seconds: impl Into<String>) -> Self {
        self.cache_control = Some(seconds.into());
        self
    }
    /// The content type of a raw upload (default `text/plain;charset=UTF-8`, as storage-js).
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
    /// Replace an existing object instead of failing (uploads only; default `false`).
    #[must_use]
    pub fn upsert(mut self, upsert: bool) -> Self {
        self.upsert = upsert;
        self
    }
    /// User metadata stored with the object (`x-metadata`, base64 JSON).
    #[must_use]
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }
    /// The `Content-Encoding` stored with the object.
    #[must_use]
    pub fn content_encoding(mut self, encoding: impl Into<String>) -> Self {
        self.content_encoding = Some(encoding.into());
        self
    }
    /// An extra header (replaces a same-named one, compared case-insensitively). Credential
    /// headers (see [`supabase_core::is_secret_header`]) are refused: the credential is the
    /// client's token provider.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What an upload sends: raw bytes/stream (storage-js's string, `Buffer`, `Uint8Array`,
/// stream) or a multipart form with one file part (storage-js's `Blob` and `File`).
///
/// ```
/// use supabase_storage::UploadBody;
/// use supabase_core::Body;
///
/// let raw: UploadBody = "hello".into();
/// let blob = UploadBody::blob(Body::from("hello"), Some("text/plain"));
/// let file = UploadBody::file("cat.png", Body::from(vec![0x89, b'P']), Some("image/png"));
/// # let _ = (raw, blob, file);
/// ```
#[derive(Debug)]
pub enum UploadBody {
    /// Sent as the request body, with `Content-Type`, `Cache-Control`, `x-metadata` headers.
    Raw(Body),
    /// Sent as `multipart/form-data` (`cacheControl`, `metadata`, `contentEncoding` fields,
    /// then the file part named `""`).
    Multipart {
        /// The file's bytes or stream.
        body: Body,
        /// The part's file name (`blob` for a bare Blob).
        file_name: String,
        /// The part's content type.
        content_type: Option<String>,
    },
}

impl UploadBody {
    /// A Blob: multipart with file name `blob`.
    pub fn blob(body: impl Into<Body>, content_type: Option<&str>) -> Self {
        Self::Multipart {
            body: body.into(),
            file_name: "blob".into(),
            content_type: content_type.map(str::to_owned),
        }
    }

    /// A File: multipart with this file name.
    pub fn file(
        name: impl Into<String>,
        body: impl Into<Body>,
        content_type: Option<&str>,
    ) -> Self {
        Self::Multipart {
            body: body.into(),
            file_name: name.into(),
            content_type: content_type.map(str::to_owned),
        }
    }
}

macro_rules! raw_from {
    ($($t:ty),*) => {$(
        impl From<$t> for UploadBody {
            fn from(value: $t) -> Self {
                Self::Raw(Body::from(value))
            }
        }
    )*};
}
raw_from!(Vec<u8>, String, &'static str, &'static [u8], bytes::Bytes);

impl From<Body> for UploadBody {
    fn from(value: Body) -> Self {
        Self::Raw(value)
    }
}

/// Sort order of [`SearchOptions`] and [`SearchV2Options`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SortBy {
    /// `name`, `updated_at`, `created_at`, `last_accessed_at`.
    pub column: String,
    /// `asc` or `desc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

impl SortBy {
    /// Sort by `column` in `order`.
    pub fn new(column: impl Into<String>, order: impl Into<String>) -> Self {
        Self {
            column: column.into(),
            order: Some(order.into()),
        }
    }
}

/// Options of [`crate::FileApi::list`] (defaults as storage-js: limit 100, offset 0, by name
/// ascending).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct SearchOptions {
    /// The most entries (default 100).
    pub limit: Option<u64>,
    /// How many to skip (default 0).
    pub offset: Option<u64>,
    /// Sort column and order (merged over `name`/`asc`).
    pub sort_column: Option<String>,
    /// Sort order.
    pub sort_order: Option<String>,
    /// Only names containing this.
    pub search: Option<String>,
}

impl SearchOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `limit`.
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Sets `offset`.
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    /// Sets `search`.
    #[must_use]
    pub fn search(mut self, search: impl Into<String>) -> Self {
        self.search = Some(search.into());
        self
    }
    /// Sets the sort column and order.
    #[must_use]
    pub fn sort_by(mut self, column: impl Into<String>, order: impl Into<String>) -> Self {
        self.sort_column = Some(column.into());
        self.sort_order = Some(order.into());
        self
    }
}

/// Options of [`crate::FileApi::list_v2`]; only what is set is sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SearchV2Options {
    /// Only keys starting with this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The most entries per page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// The cursor from the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Group by `/` into folders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_delimiter: Option<bool>,
    /// Sort column and order.
    #[serde(rename = "sortBy", skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<SortBy>,
}

impl SearchV2Options {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `prefix`.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
    /// Sets `limit`.
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Sets `cursor`.
    #[must_use]
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }
    /// Sets `with_delimiter`.
    #[must_use]
    pub fn with_delimiter(mut self, with: bool) -> Self {
        self.with_delimiter = Some(with);
        self
    }
    /// Sets `sortBy`.
    #[must_use]
    pub fn sort_by(mut self, column: impl Into<String>, order: impl Into<String>) -> Self {
        self.sort_by = Some(SortBy::new(column, order));
        self
    }
}

/// Image transformation (`width`, `height`, `resize`, `format`, `quality`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TransformOptions {
    /// Width in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// `cover`, `contain` or `fill`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resize: Option<String>,
    /// `origin` keeps the format.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// 20 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<u32>,
}

impl TransformOptions {
    /// No transformation.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the width.
    #[must_use]
    pub fn width(mut self, width: u32) -> Self {
        self.width = Some(width);
        self
    }
    /// Sets the height.
    #[must_use]
    pub fn height(mut self, height: u32) -> Self {
        self.height = Some(height);
        self
    }
    /// Sets the resize mode.
    #[must_use]
    pub fn resize(mut self, resize: impl Into<String>) -> Self {
        self.resize = Some(resize.into());
        self
    }
    /// Sets the format.
    #[must_use]
    pub fn format(mut self, format: impl Into<String>) -> Self {
        self.format = Some(format.into());
        self
    }
    /// Sets the quality.
    #[must_use]
    pub fn quality(mut self, quality: u32) -> Self {
        self.quality = Some(quality);
        self
    }

    pub(crate) fn is_empty(&self) -> bool {
        self == &Self::default()
    }

    /// As storage-js: zero values are left out.
    pub(crate) fn query(&self, q: &mut Vec<(&'static str, String)>) {
        if let Some(w) = self.width.filter(|w| *w != 0) {
            q.push(("width", w.to_string()));
        }
        if let Some(h) = self.height.filter(|h| *h != 0) {
            q.push(("height", h.to_string()));
        }
        if let Some(r) = self.resize.as_ref().filter(|r| !r.is_empty()) {
            q.push(("resize", r.clone()));
        }
        if let Some(f) = self.format.as_ref().filter(|f| !f.is_empty()) {
            q.push(("format", f.clone()));
        }
        if let Some(x) = self.quality.filter(|x| *x != 0) {
            q.push(("quality", x.to_string()));
        }
    }
}

/// How a signed or public URL asks the browser to save the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DownloadAs {
    /// No `download` parameter.
    #[default]
    No,
    /// `download=` (the object's own name).
    Yes,
    /// `download=<name>`.
    Named(String),
}

impl From<bool> for DownloadAs {
    fn from(value: bool) -> Self {
        if value { Self::Yes } else { Self::No }
    }
}

impl From<&str> for DownloadAs {
    fn from(value: &str) -> Self {
        Self::Named(value.to_owned())
    }
}

impl From<String> for DownloadAs {
    fn from(value: String) -> Self {
        Self::Named(value)
    }
}

impl DownloadAs {
    pub(crate) fn query(&self, q: &mut Vec<(&'static str, String)>) {
        match self {
            DownloadAs::No => {}
            DownloadAs::Yes => q.push(("download", String::new())),
            DownloadAs::Named(name) if name.is_empty() => {}
            DownloadAs::Named(name) => q.push(("download", name.clone())),
        }
    }
}

/// Options of [`crate::FileApi::download`] and its streaming forms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadOptions {
    /// An image transformation (`/render/image/authenticated/…`).
    pub transform: Option<TransformOptions>,
    /// A cache-busting value.
    pub cache_nonce: Option<String>,
    /// A version, where the server keeps versions.
    pub version_id: Option<String>,
}

impl DownloadOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the transformation.
    #[must_use]
    pub fn transform(mut self, transform: TransformOptions) -> Self {
        self.transform = Some(transform);
        self
    }
    /// Sets `versionId`.
    #[must_use]
    pub fn version_id(mut self, version: impl Into<String>) -> Self {
        self.version_id = Some(version.into());
        self
    }
    /// Sets `cacheNonce`.
    #[must_use]
    pub fn cache_nonce(mut self, nonce: impl Into<String>) -> Self {
        self.cache_nonce = Some(nonce.into());
        self
    }
}

/// Options of [`crate::FileApi::create_signed_url`], [`crate::FileApi::create_signed_urls`]
/// and [`crate::FileApi::get_public_url`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UrlOptions {
    /// Ask the browser to save the file.
    pub download: DownloadAs,
    /// An image transformation (not for `create_signed_urls`).
    pub transform: Option<TransformOptions>,
    /// A cache-busting value.
    pub cache_nonce: Option<String>,
    /// A version, where the server keeps versions.
    pub version_id: Option<String>,
}

impl UrlOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `download`.
    #[must_use]
    pub fn download(mut self, download: impl Into<DownloadAs>) -> Self {
        self.download = download.into();
        self
    }
    /// Sets the transformation.
    #[must_use]
    pub fn transform(mut self, transform: TransformOptions) -> Self {
        self.transform = Some(transform);
        self
    }
    /// Sets `cacheNonce`.
    #[must_use]
    pub fn cache_nonce(mut self, nonce: impl Into<String>) -> Self {
        self.cache_nonce = Some(nonce.into());
        self
    }
    /// Sets `versionId`.
    #[must_use]
    pub fn version_id(mut self, version: impl Into<String>) -> Self {
        self.version_id = Some(version.into());
        self
    }
}

/// Options of [`crate::FileApi::move_object`] and [`crate::FileApi::copy_object`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct DestinationOptions {
    /// Move or copy into this bucket instead.
    pub destination_bucket: Option<String>,
    /// The source version, where the server keeps versions.
    pub source_version_id: Option<String>,
    /// Copy only: keep the source's metadata (`Some(false)` with `metadata` to replace it).
    pub copy_metadata: Option<bool>,
    /// Copy only: new metadata, sent when `copy_metadata` is `Some(false)`.
    pub metadata: Option<Value>,
}

impl DestinationOptions {
    /// Same bucket.
    pub fn new() -> Self {
        Self::default()
    }
    /// Into another bucket.
    #[must_use]
    pub fn destination_bucket(mut self, bucket: impl Into<String>) -> Self {
        self.destination_bucket = Some(bucket.into());
        self
    }
    /// Sets `sourceVersionId`.
    #[must_use]
    pub fn source_version_id(mut self, version: impl Into<String>) -> Self {
        self.source_version_id = Some(version.into());
        self
    }
    /// Copy with new metadata instead of the source's.
    #[must_use]
    pub fn replace_metadata(mut self, metadata: Value) -> Self {
        self.copy_metadata = Some(false);
        self.metadata = Some(metadata);
        self
    }
}

/// An entry of [`crate::FileApi::remove`]: a key, or a key and a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveEntry {
    /// A key.
    Path(String),
    /// A key at a version.
    Version {
        /// The key.
        path: String,
        /// The version.
        version_id: String,
    },
}

impl From<&str> for RemoveEntry {
    fn from(value: &str) -> Self {
        Self::Path(value.to_owned())
    }
}

impl From<String> for RemoveEntry {
    fn from(value: String) -> Self {
        Self::Path(value)
    }
}

impl From<&String> for RemoveEntry {
    fn from(value: &String) -> Self {
        Self::Path(value.clone())
    }
}
