//! Error answers of the Auth server, in all three shapes it sends.

use std::fmt;

use serde_json::{Map, Value};
use supabase_core::{ApiError, HeaderMap, redact_secrets};

use crate::ErrorCode;

/// Why the server found a password too weak (`weak_password.reasons`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WeakPasswordReason {
    /// Too short.
    Length,
    /// Missing required kinds of characters.
    Characters,
    /// Found in a list of leaked passwords.
    Pwned,
    /// A reason this version does not know, as sent.
    Other(String),
}

impl WeakPasswordReason {
    /// Maps the server's string to a reason.
    pub fn parse(reason: &str) -> Self {
        match reason {
            "length" => Self::Length,
            "characters" => Self::Characters,
            "pwned" => Self::Pwned,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The reason as the server spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Length => "length",
            Self::Characters => "characters",
            Self::Pwned => "pwned",
            Self::Other(other) => other,
        }
    }
}

/// An error answer (non-2xx status) of the Auth server.
///
/// Parses the three body shapes the server uses:
///
/// - API version 2024-01-01 (what this client asks for): `{"code": "...", "message": "..."}`;
/// - legacy: `{"code": 400, "error_code": "...", "msg": "...", "error_id": "..."}`;
/// - OAuth: `{"error": "invalid_grant", "error_description": "..."}` (no code; the OAuth error
///   is in [`AuthApiError::oauth_error`]).
///
/// The code also falls back to the `x-sb-error-code` header. A weak password
/// (`weak_password`, 422) carries its reasons in [`AuthApiError::weak_password_reasons`].
///
/// ```
/// use supabase_auth::{AuthApiError, ErrorCode, WeakPasswordReason};
///
/// let body = br#"{"code":"weak_password","message":"Password should be at least 6 characters.","weak_password":{"reasons":["length"]}}"#;
/// let err = AuthApiError::from_parts(422, &Default::default(), body);
/// assert_eq!(err.code, Some(ErrorCode::WeakPassword));
/// assert_eq!(err.weak_password_reasons, vec![WeakPasswordReason::Length]);
/// assert_eq!(err.message, "Password should be at least 6 characters.");
///
/// let legacy = br#"{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}"#;
/// let err = AuthApiError::from_parts(400, &Default::default(), legacy);
/// assert_eq!(err.code, Some(ErrorCode::InvalidCredentials));
/// assert_eq!(err.message, "Invalid login credentials");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthApiError {
    /// The HTTP status.
    pub status: u16,
    /// The error code, when the server sent one.
    pub code: Option<ErrorCode>,
    /// The human-readable message.
    pub message: String,
    /// The `error` of an OAuth-shaped answer (e.g. `invalid_grant`).
    pub oauth_error: Option<String>,
    /// Why a password was rejected (empty unless the code is `weak_password`).
    pub weak_password_reasons: Vec<WeakPasswordReason>,
    /// The server's request id (`error_id`, sent with 5xx answers).
    pub error_id: Option<String>,
    /// The beginning of the raw body (at most 1 KiB, cut on a character boundary).
    pub body: String,
    generic: ApiError,
}

impl AuthApiError {
    /// Parses an error answer from its status, headers and body.
    pub fn from_parts(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let generic = ApiError::from_body(status, body);
        let parsed: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
        let header_code = headers
            .get("x-sb-error-code")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        // Core's snippet is bounded and has its secrets redacted.
        let snippet = generic.body.clone();
        let Some(obj) = parsed else {
            let mut generic = generic;
            generic.code = header_code.clone();
            return Self {
                status,
                code: header_code.as_deref().map(ErrorCode::parse),
                message: generic.message.clone(),
                oauth_error: None,
                weak_password_reasons: Vec::new(),
                error_id: None,
                body: snippet,
                generic,
            };
        };
        // Server text is kept in errors, so secrets it echoes are redacted.
        let string = |key: &str| obj.get(key).and_then(Value::as_str).map(redact_secrets);
        let code = string("code")
            .or_else(|| string("error_code"))
            .or(header_code);
        let oauth_error = if obj.contains_key("error_description") {
            string("error")
        } else {
            None
        };
        let message = string("msg")
            .or_else(|| string("message"))
            .or_else(|| string("error_description"))
            .or_else(|| string("error"))
            .unwrap_or_else(|| generic.message.clone());
        let weak_password_reasons: Vec<WeakPasswordReason> = obj
            .get("weak_password")
            .and_then(|w| w.get("reasons"))
            .and_then(Value::as_array)
            .map(|reasons| {
                reasons
                    .iter()
                    .filter_map(Value::as_str)
                    .map(WeakPasswordReason::parse)
                    .collect()
            })
            .unwrap_or_default();
        let code = code.map(|c| ErrorCode::parse(&c)).or_else(|| {
            // Legacy servers sent weak-password reasons without a code.
            (!weak_password_reasons.is_empty()).then_some(ErrorCode::WeakPassword)
        });
        let mut generic = generic;
        generic.code = code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .or_else(|| oauth_error.clone());
        generic.message = message.clone();
        Self {
            status,
            code,
            message,
            oauth_error,
            weak_password_reasons,
            error_id: string("error_id"),
            body: snippet,
            generic,
        }
    }

    /// Whether retrying may succeed: 500–504 and 520–530 (gateway and Cloudflare errors),
    /// the statuses auth-js retries.
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.status)
    }

    /// Whether the server says the session no longer exists (`session_not_found`).
    pub fn is_session_not_found(&self) -> bool {
        self.code == Some(ErrorCode::SessionNotFound)
    }

    /// The same answer as a generic [`ApiError`] (what `supabase_core` and the façade expose).
    pub fn as_api(&self) -> &ApiError {
        &self.generic
    }
}

/// 500–504 and 520–530.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    (500..=504).contains(&status) || (520..=530).contains(&status)
}

impl fmt::Display for AuthApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Auth error: HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        } else if let Some(oauth) = &self.oauth_error {
            write!(f, " [{oauth}]")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.weak_password_reasons.is_empty() {
            let reasons: Vec<&str> = self
                .weak_password_reasons
                .iter()
                .map(WeakPasswordReason::as_str)
                .collect();
            write!(f, " (reasons: {})", reasons.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many bytes of an error body core keeps.
    const BODY_LIMIT: usize = 1024;
    use supabase_core::HeaderValue;

    #[test]
    fn parses_the_three_shapes() {
        let h = HeaderMap::new();
        let e = AuthApiError::from_parts(
            400,
            &h,
            br#"{"code":"invalid_credentials","message":"Invalid login credentials"}"#,
        );
        assert_eq!(e.code, Some(ErrorCode::InvalidCredentials));
        assert_eq!(e.message, "Invalid login credentials");
        assert_eq!(e.as_api().code.as_deref(), Some("invalid_credentials"));

        let e = AuthApiError::from_parts(
            500,
            &h,
            br#"{"code":500,"error_code":"unexpected_failure","msg":"boom","error_id":"req-1"}"#,
        );
        assert_eq!(e.code, Some(ErrorCode::UnexpectedFailure));
        assert_eq!(e.message, "boom");
        assert_eq!(e.error_id.as_deref(), Some("req-1"));
        assert!(e.is_retryable());

        let e = AuthApiError::from_parts(
            400,
            &h,
            br#"{"error":"invalid_grant","error_description":"Invalid Refresh Token: Refresh Token Not Found"}"#,
        );
        assert_eq!(e.code, None);
        assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
        assert_eq!(e.message, "Invalid Refresh Token: Refresh Token Not Found");
        assert_eq!(e.as_api().code.as_deref(), Some("invalid_grant"));
        assert!(!e.is_retryable());
    }

    #[test]
    fn unknown_codes_weak_passwords_and_headers() {
        let e = AuthApiError::from_parts(
            400,
            &HeaderMap::new(),
            br#"{"code":"brand_new_code","message":"m"}"#,
        );
        assert_eq!(e.code, Some(ErrorCode::Unknown("brand_new_code".into())));

        let e = AuthApiError::from_parts(
            422,
            &HeaderMap::new(),
            br#"{"code":422,"msg":"weak","weak_password":{"reasons":["length","pwned","new"]}}"#,
        );
        assert_eq!(e.code, Some(ErrorCode::WeakPassword));
        assert_eq!(
            e.weak_password_reasons,
            vec![
                WeakPasswordReason::Length,
                WeakPasswordReason::Pwned,
                WeakPasswordReason::Other("new".into())
            ]
        );
        assert!(e.to_string().contains("length, pwned, new"));

        let mut headers = HeaderMap::new();
        headers.insert(
            "x-sb-error-code",
            HeaderValue::from_static("over_request_rate_limit"),
        );
        let e = AuthApiError::from_parts(429, &headers, b"<html>Too many</html>");
        assert_eq!(e.code, Some(ErrorCode::OverRequestRateLimit));
        assert_eq!(e.message, "Too Many Requests");
        assert_eq!(e.body, "<html>Too many</html>");
        assert!(!e.is_retryable());
    }

    #[test]
    fn bodies_are_bounded() {
        let huge = "é".repeat(5000);
        let e = AuthApiError::from_parts(502, &HeaderMap::new(), huge.as_bytes());
        assert!(e.body.len() <= BODY_LIMIT + '…'.len_utf8());
        assert!(e.is_retryable());
        for status in [500, 501, 502, 503, 504, 520, 525, 530] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [400, 401, 404, 429, 505, 519, 531] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }
}
