//! The error type of `supabase-storage`, and Storage's error answers.

use std::fmt;

use serde_json::Value;
use supabase_core::redact_secrets;

/// Errors of the Storage client.
///
/// Bad input (an object path or bucket id Storage would refuse, or one that would leave the
/// bucket) is caught before anything is sent. No variant ever contains a key, a JWT or a
/// signed-URL token.
///
/// ```
/// use supabase_storage::{Error, StorageClient};
///
/// # fn main() -> Result<(), Error> {
/// let storage = StorageClient::new("https://xyzcompany.supabase.co/storage/v1", "anon-key")?;
/// let err = storage.from("avatars").get_public_url("a#b.png", &Default::default()).unwrap_err();
/// assert!(matches!(err, Error::InvalidPath { character: Some('#'), .. }));
/// assert_eq!(err.to_string(), "invalid object path \"a#b.png\": the character '#' is not allowed in Storage object keys");
/// # Ok(()) }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An object path Storage would refuse or that would leave the bucket; nothing was sent.
    #[error("invalid object path {path:?}: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// The offending character, when one character is the problem.
        character: Option<char>,
        /// Why it was refused.
        reason: String,
    },
    /// A bucket id Storage would refuse; nothing was sent.
    #[error("invalid bucket id {bucket:?}: {reason}")]
    InvalidBucket {
        /// The bucket id as given.
        bucket: String,
        /// The offending character, when one character is the problem.
        character: Option<char>,
        /// Why it was refused.
        reason: String,
    },
    /// Some other argument is not usable; nothing was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Storage answered with an error.
    #[error(transparent)]
    Api(Box<StorageApiError>),
    /// A download ended before the announced length arrived.
    #[error("the download was cut short: {received} of {expected} bytes arrived")]
    Truncated {
        /// The announced `Content-Length`.
        expected: u64,
        /// The bytes that arrived.
        received: u64,
    },
    /// Reading or writing a local file failed.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// A resumable (TUS) upload could not go on.
    #[error("resumable upload: {0}")]
    Resumable(String),
    /// A transport failure, an undecodable answer or another error of the shared layer.
    #[error(transparent)]
    Core(supabase_core::Error),
}

impl From<supabase_core::Error> for Error {
    fn from(value: supabase_core::Error) -> Self {
        match value {
            supabase_core::Error::Api(api) => Error::Api(Box::new(StorageApiError::from_body(
                api.status,
                api.body.as_bytes(),
            ))),
            other => Error::Core(other),
        }
    }
}

impl From<StorageApiError> for Error {
    fn from(value: StorageApiError) -> Self {
        Error::Api(Box::new(value))
    }
}

impl Error {
    /// The Storage error answer, if this is one.
    pub fn as_api(&self) -> Option<&StorageApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// What kind of Storage error answer this is ([`ErrorKind::Other`] for every other error).
    pub fn kind(&self) -> ErrorKind {
        self.as_api().map_or(ErrorKind::Other, |e| e.kind)
    }

    /// The object or bucket does not exist (or row-level security hides it).
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// The bucket or object already exists.
    pub fn is_already_exists(&self) -> bool {
        self.kind() == ErrorKind::AlreadyExists
    }

    /// The object is larger than the bucket or project allows.
    pub fn is_payload_too_large(&self) -> bool {
        self.kind() == ErrorKind::PayloadTooLarge
    }

    /// The JWT is bad, expired or lacks the rights (row-level security).
    pub fn is_access_denied(&self) -> bool {
        self.kind() == ErrorKind::AccessDenied
    }

    /// The key was refused: by Storage (`InvalidKey`), or by this client before sending.
    pub fn is_invalid_key(&self) -> bool {
        matches!(self, Error::InvalidPath { .. }) || self.kind() == ErrorKind::InvalidKey
    }

    /// Whether retrying the same request may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Core(e) => e.is_retryable(),
            Error::Api(e) => e.status == 429 || (e.status >= 500 && e.status != 501),
            Error::Truncated { .. } => true,
            _ => false,
        }
    }
}

/// The kind of a Storage error answer, from its `code`, then its body `statusCode`, then
/// the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `NoSuchBucket`, `NoSuchKey`, `NoSuchUpload`, or a 404.
    NotFound,
    /// `BucketAlreadyExists`, `KeyAlreadyExists`, `ResourceAlreadyExists`, or a 409 that is
    /// not [`ErrorKind::NotEmpty`].
    AlreadyExists,
    /// `ResourceNotEmpty` (deleting a bucket that still holds objects).
    NotEmpty,
    /// `EntityTooLarge`, or a 413.
    PayloadTooLarge,
    /// `AccessDenied`, `InvalidJWT`, `InvalidSignature`, or a 401/403.
    AccessDenied,
    /// `InvalidKey`.
    InvalidKey,
    /// `InvalidBucketName`.
    InvalidBucketName,
    /// `InvalidMimeType`, or a 415.
    InvalidMimeType,
    /// `InvalidRange`, or a 416.
    InvalidRange,
    /// Another 4xx refusal of the request (`InvalidRequest`, `InvalidParameter`, …).
    InvalidRequest,
    /// A server-side failure (5xx).
    Server,
    /// Anything else.
    Other,
}

/// An error answer from Storage.
///
/// Storage answers most errors with HTTP 400 and the real status as a string in the body:
/// `{"statusCode":"404","error":"not_found","message":"Object not found","code":"NoSuchKey"}`.
/// [`StorageApiError::status`] is that real status (the body's `statusCode`, else the HTTP
/// status) and [`StorageApiError::kind`] classifies by `code`, then that status. A body that
/// is not JSON (an HTML page from a proxy) gives the HTTP status text as message.
///
/// Every text field has secrets (JWTs, `Bearer …`, tokens) replaced by `[REDACTED]`.
///
/// ```
/// use supabase_storage::{ErrorKind, StorageApiError};
///
/// let body = br#"{"statusCode":"404","error":"not_found","message":"Object not found","code":"NoSuchKey"}"#;
/// let e = StorageApiError::from_body(400, body);
/// assert_eq!((e.http_status, e.status, e.kind), (400, 404, ErrorKind::NotFound));
/// assert_eq!(e.code.as_deref(), Some("NoSuchKey"));
/// assert_eq!(e.message, "Object not found");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StorageApiError {
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The real status: the body's `statusCode` when it is a number or a numeric string,
    /// otherwise the HTTP status.
    pub status: u16,
    /// Storage's error code (`NoSuchKey`, `InvalidJWT`, …), when given.
    pub code: Option<String>,
    /// The short error name (`not_found`, `Bad Request`, …), when given.
    pub error: Option<String>,
    /// The human-readable message.
    pub message: String,
    /// The classification.
    pub kind: ErrorKind,
    /// The beginning of the raw body (at most 1 KiB), secrets redacted.
    pub body: String,
}

impl StorageApiError {
    /// Parses an error answer.
    pub fn from_body(http_status: u16, body: &[u8]) -> Self {
        let snippet = supabase_core::body_snippet(body);
        let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_slice(body).ok();
        let text = |key: &str| -> Option<String> {
            match parsed.as_ref()?.get(key)? {
                Value::Null => None,
                Value::String(s) => Some(redact_secrets(s)),
                other => Some(redact_secrets(&other.to_string())),
            }
        };
        let status = parsed
            .as_ref()
            .and_then(|o| o.get("statusCode"))
            .and_then(|v| match v {
                Value::String(s) => s.trim().parse::<u16>().ok(),
                Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
                _ => None,
            })
            .filter(|s| (100..600).contains(s))
            .unwrap_or(http_status);
        let code = text("code");
        let message = text("message")
            .or_else(|| text("msg"))
            .or_else(|| text("error_description"))
            .or_else(|| text("error"))
            .unwrap_or_else(|| status_text(http_status));
        let kind = classify(code.as_deref(), status);
        StorageApiError {
            http_status,
            status,
            code,
            error: text("error"),
            message,
            kind,
            body: snippet,
        }
    }
}

fn classify(code: Option<&str>, status: u16) -> ErrorKind {
    let by_code = match code {
        Some("NoSuchBucket" | "NoSuchKey" | "NoSuchUpload" | "NotFound") => {
            Some(ErrorKind::NotFound)
        }
        Some(
            "BucketAlreadyExists" | "KeyAlreadyExists" | "ResourceAlreadyExists" | "Duplicate",
        ) => Some(ErrorKind::AlreadyExists),
        Some("ResourceNotEmpty") => Some(ErrorKind::NotEmpty),
        Some("EntityTooLarge") => Some(ErrorKind::PayloadTooLarge),
        Some("AccessDenied" | "InvalidJWT" | "InvalidSignature" | "Unauthorized") => {
            Some(ErrorKind::AccessDenied)
        }
        Some("InvalidKey") => Some(ErrorKind::InvalidKey),
        Some("InvalidBucketName") => Some(ErrorKind::InvalidBucketName),
        Some("InvalidMimeType") => Some(ErrorKind::InvalidMimeType),
        Some("InvalidRange") => Some(ErrorKind::InvalidRange),
        Some("InvalidRequest" | "InvalidParameter" | "InvalidUploadId" | "MissingParameter") => {
            Some(ErrorKind::InvalidRequest)
        }
        Some("DatabaseError" | "InternalError" | "DatabaseTimeout" | "SlowDown") => {
            Some(ErrorKind::Server)
        }
        _ => None,
    };
    by_code.unwrap_or(match status {
        404 => ErrorKind::NotFound,
        409 => ErrorKind::AlreadyExists,
        413 => ErrorKind::PayloadTooLarge,
        401 | 403 => ErrorKind::AccessDenied,
        415 => ErrorKind::InvalidMimeType,
        416 => ErrorKind::InvalidRange,
        400..=499 => ErrorKind::InvalidRequest,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Other,
    })
}

impl fmt::Display for StorageApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage error {}", self.status)?;
        if self.status != self.http_status {
            write!(f, " (HTTP {})", self.http_status)?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for StorageApiError {}

fn status_text(status: u16) -> String {
    supabase_core::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("HTTP status {status}"))
}

impl supabase_core::ServiceError for Error {
    fn core(&self) -> Option<&supabase_core::Error> {
        match self {
            Error::Core(e) => Some(e),
            _ => None,
        }
    }

    /// The status Storage's error body names (Storage answers errors as HTTP 400 and puts
    /// the real status in `statusCode`), else the HTTP status.
    fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Core(e) => e.status(),
            _ => None,
        }
    }

    fn code(&self) -> Option<&str> {
        self.as_api().and_then(|api| api.code.as_deref())
    }

    fn is_retryable(&self) -> bool {
        Error::is_retryable(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_code_then_body_status_then_http_status() {
        let e = StorageApiError::from_body(
            400,
            br#"{"statusCode":"409","error":"Duplicate","message":"The resource already exists","code":"KeyAlreadyExists"}"#,
        );
        assert_eq!((e.status, e.kind), (409, ErrorKind::AlreadyExists));
        let e = StorageApiError::from_body(
            400,
            br#"{"statusCode":"409","code":"ResourceNotEmpty","message":"not empty"}"#,
        );
        assert_eq!(e.kind, ErrorKind::NotEmpty);
        // No code: the body's statusCode.
        let e = StorageApiError::from_body(
            400,
            br#"{"statusCode":"413","error":"Payload too large","message":"too big"}"#,
        );
        assert_eq!((e.status, e.kind), (413, ErrorKind::PayloadTooLarge));
        // Neither: the HTTP status.
        let e = StorageApiError::from_body(404, br#"{"message":"nope"}"#);
        assert_eq!(e.kind, ErrorKind::NotFound);
        // Unknown route: numeric statusCode.
        let e = StorageApiError::from_body(
            404,
            br#"{"message":"Route GET:/x not found","error":"Not Found","statusCode":404}"#,
        );
        assert_eq!((e.status, e.kind), (404, ErrorKind::NotFound));
        let e = StorageApiError::from_body(400, br#"{"statusCode":"403","code":"AccessDenied","message":"new row violates row-level security policy"}"#);
        assert!(Error::from(e).is_access_denied());
        let e = StorageApiError::from_body(
            400,
            br#"{"statusCode":"400","code":"InvalidKey","message":"Invalid key: a#b"}"#,
        );
        assert!(Error::from(e).is_invalid_key());
    }

    #[test]
    fn html_pages_and_secrets() {
        let e = StorageApiError::from_body(502, b"<html><body>Bad gateway</body></html>");
        assert_eq!((e.status, e.kind), (502, ErrorKind::Server));
        assert_eq!(e.message, "Bad Gateway");
        let e = StorageApiError::from_body(413, b"<html>413 Request Entity Too Large</html>");
        assert!(Error::from(e).is_payload_too_large());
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";
        let body =
            format!(r#"{{"statusCode":"403","code":"InvalidJWT","message":"bad jwt {jwt}"}}"#);
        let e = Error::from(StorageApiError::from_body(400, body.as_bytes()));
        let all = format!("{e} {e:?}");
        assert!(!all.contains("eyJzdWIiOiJ1In0"), "{all}");
        assert!(e.is_access_denied());
    }

    #[test]
    fn core_api_errors_become_storage_errors() {
        let core = supabase_core::Error::from(supabase_core::ApiError::from_body(
            400,
            br#"{"statusCode":"404","code":"NoSuchBucket","message":"Bucket not found"}"#,
        ));
        let e = Error::from(core);
        assert!(e.is_not_found());
        assert_eq!(e.as_api().map(|a| a.http_status), Some(400));
    }
}
