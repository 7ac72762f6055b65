//! Error answers from a Supabase service.

use std::fmt;

use serde_json::Value;

use crate::redact::redact_secrets;

/// How many bytes of an error body are kept.
const SNIPPET_LIMIT: usize = 1024;

/// An error answer (non-2xx status) from PostgREST, Auth or another Supabase service.
///
/// The common body shapes are parsed: PostgREST `{code, message, details, hint}`, Auth
/// `{code, error_code, msg}` and `{error, error_description}`. When the body is not JSON, the
/// message is the status text and the raw text is kept in [`ApiError::body`] (bounded).
///
/// Secrets the server may have put in the body (JSON members such as `access_token` or
/// `password`, JWTs, `Bearer` credentials, `sb_secret_` keys) are replaced by `[REDACTED]` in
/// every field, so the error can be logged.
///
/// ```
/// use supabase_core::ApiError;
///
/// let body = br#"{"code":"23505","message":"duplicate key","details":"Key (id)=(1) exists.","hint":null}"#;
/// let err = ApiError::from_body(409, body);
/// assert_eq!(err.code.as_deref(), Some("23505"));
/// assert_eq!(err.message, "duplicate key");
/// assert_eq!(err.details.as_deref(), Some("Key (id)=(1) exists."));
/// assert_eq!(err.hint, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The service's error code (PostgREST `PGRST116`, SQLSTATE `23505`, Auth
    /// `invalid_credentials`, …), when given.
    pub code: Option<String>,
    /// The human-readable message.
    pub message: String,
    /// Extra details, when given (non-string details are kept as JSON text).
    pub details: Option<String>,
    /// A hint, when given.
    pub hint: Option<String>,
    /// The beginning of the raw body (at most 1 KiB, cut on a character boundary), with
    /// secrets replaced by `[REDACTED]`.
    pub body: String,
}

impl ApiError {
    /// Parses an error body of any of the known shapes.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let snippet = body_snippet(body);
        let parsed: Option<serde_json::Map<String, Value>> = serde_json::from_slice(body).ok();
        let Some(obj) = parsed else {
            return ApiError {
                status,
                code: None,
                message: status_text(status),
                details: None,
                hint: None,
                body: snippet,
            };
        };
        let text = |key: &str| -> Option<String> {
            match obj.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(redact_secrets(s)),
                Some(other) => Some(redact_secrets(&other.to_string())),
            }
        };
        let code = text("error_code").or_else(|| text("code")).or_else(|| {
            // OAuth shape: {"error": "invalid_grant", "error_description": "…"}
            obj.get("error_description").and(text("error"))
        });
        let message = text("message")
            .or_else(|| text("msg"))
            .or_else(|| text("error_description"))
            .or_else(|| text("error"))
            .unwrap_or_else(|| status_text(status));
        ApiError {
            status,
            code,
            message,
            details: text("details"),
            hint: text("hint"),
            body: snippet,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(details) = &self.details {
            write!(f, " ({details})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A bounded (1 KiB), lossy UTF-8 prefix of a body, with secrets redacted: what error types
/// keep of an error answer.
///
/// ```
/// let snippet = supabase_core::body_snippet(b"{\"message\":\"nope\"}");
/// assert_eq!(snippet, "{\"message\":\"nope\"}");
/// assert!(supabase_core::body_snippet(&[b'x'; 5000]).len() < 1100);
/// ```
pub fn body_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= SNIPPET_LIMIT {
        return redact_secrets(&text);
    }
    let mut end = SNIPPET_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = redact_secrets(text.get(..end).unwrap_or_default());
    out.push('…');
    out
}

fn status_text(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("HTTP status {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_postgrest_shape() {
        let e = ApiError::from_body(
            406,
            br#"{"code":"PGRST116","details":"The result contains 0 rows","hint":null,"message":"JSON object requested, multiple (or no) rows returned"}"#,
        );
        assert_eq!(e.status, 406);
        assert_eq!(e.code.as_deref(), Some("PGRST116"));
        assert_eq!(e.details.as_deref(), Some("The result contains 0 rows"));
        assert_eq!(e.hint, None);
        assert!(e.message.starts_with("JSON object requested"));
    }

    #[test]
    fn parses_auth_shapes() {
        let e = ApiError::from_body(
            400,
            br#"{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}"#,
        );
        assert_eq!(e.code.as_deref(), Some("invalid_credentials"));
        assert_eq!(e.message, "Invalid login credentials");
        let e = ApiError::from_body(
            400,
            br#"{"error":"invalid_grant","error_description":"Invalid Refresh Token"}"#,
        );
        assert_eq!(e.code.as_deref(), Some("invalid_grant"));
        assert_eq!(e.message, "Invalid Refresh Token");
    }

    #[test]
    fn non_json_and_huge_bodies_are_bounded() {
        let e = ApiError::from_body(502, b"<html>Bad gateway</html>");
        assert_eq!(e.message, "Bad Gateway");
        assert_eq!(e.body, "<html>Bad gateway</html>");
        let huge = "é".repeat(10_000);
        let e = ApiError::from_body(500, huge.as_bytes());
        assert!(e.body.len() <= SNIPPET_LIMIT + '…'.len_utf8());
        let e = ApiError::from_body(500, &[0xff, 0xfe, 0x00]);
        assert_eq!(e.status, 500);
        let e = ApiError::from_body(500, b"[1,2]");
        assert_eq!(e.code, None);
    }

    #[test]
    fn secrets_in_error_bodies_are_redacted() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl";
        let body = format!(
            r#"{{"code":"x","message":"bad token {jwt}","details":{{"refresh_token":"r3fr3sh"}},"hint":"Bearer {jwt}"}}"#
        );
        let e = ApiError::from_body(400, body.as_bytes());
        let all = format!("{e:?} {e}");
        assert!(!all.contains(jwt), "{all}");
        assert!(!all.contains("eyJzdWIiOiJ1In0"), "{all}");
        assert!(!all.contains("r3fr3sh"), "{all}");
        assert_eq!(e.message, "bad token [REDACTED]");
        let cut = format!(r#"{{"access_token":"{}"#, "s".repeat(5000));
        let e = ApiError::from_body(500, cut.as_bytes());
        assert!(!e.body.contains("sss"), "{}", e.body);
    }
}
