//! Typed results: buckets, file objects, signed URLs.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A bucket, as `listBuckets`/`getBucket` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bucket {
    /// The bucket id.
    pub id: String,
    /// The bucket name (equal to the id for buckets made by `createBucket`).
    pub name: String,
    /// The owner's user id (empty for buckets made with a key).
    #[serde(default)]
    pub owner: Option<String>,
    /// Whether objects can be read without a token.
    #[serde(default)]
    pub public: bool,
    /// The bucket type (`STANDARD`, `ANALYTICS`); list entries have it, `getBucket` not.
    #[serde(default, rename = "type")]
    pub bucket_type: Option<String>,
    /// The largest object allowed, in bytes.
    #[serde(default)]
    pub file_size_limit: Option<u64>,
    /// The MIME types allowed (`image/*` wildcards allowed).
    #[serde(default)]
    pub allowed_mime_types: Option<Vec<String>>,
    /// The versioning status, where the server has versioning.
    #[serde(default)]
    pub versioning_status: Option<String>,
    /// When the bucket was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the bucket was last changed.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An entry of [`crate::FileApi::list`] (a folder has only `name`) and of
/// [`crate::FileApi::remove`]'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileObject {
    /// The name relative to the listed prefix (list) or the whole key (remove).
    pub name: String,
    /// The object id; `None` for folders.
    #[serde(default)]
    pub id: Option<String>,
    /// The bucket, when given.
    #[serde(default)]
    pub bucket_id: Option<String>,
    /// The owner's user id, when given.
    #[serde(default)]
    pub owner: Option<String>,
    /// When the object was last changed.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// When the object was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the object was last read.
    #[serde(default)]
    pub last_accessed_at: Option<String>,
    /// The object's metadata (`size`, `mimetype`, `cacheControl`, `eTag`, …).
    #[serde(default)]
    pub metadata: Option<Value>,
    /// The version, where the server has versioning.
    #[serde(default)]
    pub version: Option<String>,
}

impl FileObject {
    /// Whether this list entry is a folder (no id).
    pub fn is_folder(&self) -> bool {
        self.id.is_none()
    }

    /// The size from the metadata, when given.
    pub fn size(&self) -> Option<u64> {
        self.metadata.as_ref()?.get("size")?.as_u64()
    }
}

/// What [`crate::FileApi::info`] answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObjectInfo {
    /// The object id.
    #[serde(default)]
    pub id: Option<String>,
    /// The whole key.
    pub name: String,
    /// The bucket.
    #[serde(default)]
    pub bucket_id: Option<String>,
    /// The version (a UUID on the server).
    #[serde(default)]
    pub version: Option<String>,
    /// The size in bytes.
    #[serde(default)]
    pub size: Option<u64>,
    /// The stored content type, verbatim.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The stored `Cache-Control`.
    #[serde(default)]
    pub cache_control: Option<String>,
    /// The stored content encoding.
    #[serde(default)]
    pub content_encoding: Option<String>,
    /// The entity tag.
    #[serde(default)]
    pub etag: Option<String>,
    /// When the content last changed.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// When the object was created.
    #[serde(default)]
    pub created_at: Option<String>,
    /// When the object was last changed.
    #[serde(default)]
    pub updated_at: Option<String>,
    /// The user metadata given at upload.
    #[serde(default)]
    pub metadata: Option<Value>,
}

/// What [`crate::FileApi::list_v2`] answers: a page of objects and folders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListV2Page {
    /// Whether another page follows (pass [`ListV2Page::next_cursor`] as `cursor`).
    #[serde(default, rename = "hasNext")]
    pub has_next: bool,
    /// The folders (with `with_delimiter`).
    #[serde(default)]
    pub folders: Vec<ListV2Folder>,
    /// The objects.
    #[serde(default)]
    pub objects: Vec<FileObject>,
    /// The cursor of the next page.
    #[serde(default, rename = "nextCursor")]
    pub next_cursor: Option<String>,
}

/// A folder of a [`ListV2Page`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListV2Folder {
    /// The folder name.
    pub name: String,
    /// The whole key prefix, when given.
    #[serde(default)]
    pub key: Option<String>,
}

/// The answer to an upload or update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadResponse {
    /// The object id, when the server gave one.
    pub id: Option<String>,
    /// The key within the bucket (cleaned as sent).
    pub path: String,
    /// `bucket/key`, as the server answered.
    pub full_path: String,
}

#[derive(Deserialize)]
pub(crate) struct KeyAnswer {
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    #[serde(rename = "Key", default)]
    pub key: Option<String>,
}

/// A URL carrying a secret token (a signed download or upload URL).
///
/// `Debug` and `Display` show the URL with its token replaced by `[REDACTED]`; use
/// [`SignedUrl::expose`] to read the real URL.
///
/// ```
/// use supabase_storage::SignedUrl;
///
/// let url = SignedUrl::new("https://x.supabase.co/storage/v1/object/sign/b/a.txt?token=secret".into());
/// assert!(!format!("{url:?} {url}").contains("secret"));
/// assert!(url.expose().ends_with("token=secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SignedUrl(String);

impl SignedUrl {
    /// Wraps a URL.
    pub fn new(url: String) -> Self {
        Self(url)
    }

    /// The URL, token included.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The token (the `token` query parameter), if any.
    pub fn token(&self) -> Option<String> {
        let (_, query) = self.0.split_once('?')?;
        url_pairs(query)
            .into_iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v)
    }

    fn redacted(&self) -> String {
        match self.0.split_once('?') {
            None => self.0.clone(),
            Some((base, query)) => {
                let parts: Vec<String> = query
                    .split('&')
                    .map(|p| match p.split_once('=') {
                        Some((k, _)) if k == "token" => format!("{k}=[REDACTED]"),
                        _ => p.to_owned(),
                    })
                    .collect();
                format!("{base}?{}", parts.join("&"))
            }
        }
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (!k.is_empty()).then(|| (dec(k), dec(v)))
        })
        .collect()
}

impl fmt::Debug for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignedUrl({})", self.redacted())
    }
}

impl fmt::Display for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// One entry of [`crate::FileApi::create_signed_urls`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedUrlEntry {
    /// The path asked for.
    pub path: Option<String>,
    /// Why no URL was made (a missing object), if so.
    pub error: Option<String>,
    /// The URL, if made.
    pub signed_url: Option<SignedUrl>,
}

/// What [`crate::FileApi::create_signed_upload_url`] answers.
///
/// `Debug` never shows the token.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedUploadUrl {
    /// The URL to `PUT` the object to (token included).
    pub signed_url: SignedUrl,
    /// The token, for [`crate::FileApi::upload_to_signed_url`].
    pub token: String,
    /// The key.
    pub path: String,
}

impl fmt::Debug for SignedUploadUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedUploadUrl")
            .field("signed_url", &self.signed_url)
            .field("token", &"[REDACTED]")
            .field("path", &self.path)
            .finish()
    }
}

/// A `{"message": …}` answer (update, empty and delete bucket, move, purge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageResponse {
    /// The message.
    #[serde(default)]
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_urls_hide_their_token() {
        let url = SignedUrl::new("http://h/o/sign/b/a%20b.txt?token=abc.def&download=x".into());
        assert_eq!(url.token().as_deref(), Some("abc.def"));
        assert_eq!(
            url.to_string(),
            "http://h/o/sign/b/a%20b.txt?token=[REDACTED]&download=x"
        );
        let up = SignedUploadUrl {
            signed_url: url,
            token: "abc.def".into(),
            path: "a b.txt".into(),
        };
        assert!(!format!("{up:?}").contains("abc"));
    }

    #[test]
    fn shapes_decode() {
        let b: Bucket = serde_json::from_str(r#"{"id":"a","name":"a","owner":"","public":false,"type":"STANDARD","file_size_limit":null,"allowed_mime_types":null,"created_at":"t","updated_at":"t"}"#).unwrap();
        assert_eq!(b.bucket_type.as_deref(), Some("STANDARD"));
        let f: FileObject = serde_json::from_str(r#"{"name":"folder","id":null,"updated_at":null,"created_at":null,"last_accessed_at":null,"metadata":null}"#).unwrap();
        assert!(f.is_folder());
        let p: ListV2Page =
            serde_json::from_str(r#"{"hasNext":false,"folders":[],"objects":[]}"#).unwrap();
        assert!(!p.has_next);
    }
}

/// A bucket's lifecycle configuration.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BucketLifecycle {
    /// The rules.
    #[serde(default)]
    pub rules: Vec<LifecycleRule>,
}

impl BucketLifecycle {
    /// A configuration with these rules.
    pub fn new(rules: Vec<LifecycleRule>) -> Self {
        Self { rules }
    }
}

/// One lifecycle rule: expire non-current versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LifecycleRule {
    /// The rule id, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// The filter (`{}`: every object).
    #[serde(default)]
    pub filter: Value,
    /// When non-current versions expire.
    pub noncurrent_version_expiration: NoncurrentVersionExpiration,
}

impl LifecycleRule {
    /// An enabled rule expiring non-current versions after `days`.
    pub fn expire_noncurrent_after_days(days: u32) -> Self {
        Self {
            id: None,
            status: "Enabled".into(),
            filter: Value::Object(serde_json::Map::new()),
            noncurrent_version_expiration: NoncurrentVersionExpiration {
                noncurrent_days: days,
                newer_noncurrent_versions: None,
            },
        }
    }
}

/// When non-current versions expire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NoncurrentVersionExpiration {
    /// Days after a version stops being current.
    pub noncurrent_days: u32,
    /// Keep this many newer non-current versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newer_noncurrent_versions: Option<u32>,
}
