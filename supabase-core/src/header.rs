//! Checked construction of header names and values.

use http::{HeaderName, HeaderValue};

use crate::Error;

/// Parses a header name, rejecting anything HTTP does not allow (spaces, CR/LF, …).
///
/// The rejected name is not echoed in the error (`name` is `<invalid name>`): a secret passed
/// as a name by mistake (`"apikey: sb_secret_…"`, arguments swapped) must not end up in logs.
pub fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidHeader {
        name: "<invalid name>".into(),
        reason: "not a valid HTTP header name (not shown: it may hold a secret)",
    })
}

/// Headers whose values are credentials: marked sensitive when built, never shown in `Debug`.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "apikey",
    "cookie",
    "set-cookie",
    "proxy-authorization",
];

/// Whether a header with this name (any case) carries a credential.
///
/// ```
/// assert!(supabase_core::is_secret_header("Authorization"));
/// assert!(!supabase_core::is_secret_header("accept-profile"));
/// ```
pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// Parses a header value, rejecting control characters such as CR, LF and NUL. The value of
/// a header that carries a credential ([`is_secret_header`]) is marked sensitive.
///
/// The value is not echoed in the error, since it may be a secret.
pub fn header_value(name: &str, value: &str) -> Result<HeaderValue, Error> {
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(Error::InvalidHeader {
            name: sanitize_name(name),
            reason: "value contains a control character (CR, LF, NUL, …)",
        });
    }
    let mut parsed = HeaderValue::from_str(value).map_err(|_| Error::InvalidHeader {
        name: sanitize_name(name),
        reason: "not a valid HTTP header value",
    })?;
    parsed.set_sensitive(is_secret_header(name));
    Ok(parsed)
}

/// A header name made safe to print: at most 64 visible ASCII characters.
fn sanitize_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_crlf_and_nul() {
        for bad in ["a\r\nb", "a\nb", "a\rb", "a\0b"] {
            let err = header_value("x-test", bad).unwrap_err();
            assert!(matches!(err, Error::InvalidHeader { .. }), "{bad:?}");
            assert!(!err.to_string().contains('\n'));
        }
        assert!(header_value("x-test", "fine value").is_ok());
        let err = header_name("apikey: sb_secret_abcdef").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("sb_secret_abcdef"));
        assert!(header_name("x-ok").is_ok());
    }

    #[test]
    fn credential_headers_are_marked_sensitive() {
        for name in [
            "authorization",
            "Authorization",
            "apikey",
            "cookie",
            "proxy-authorization",
        ] {
            assert!(header_value(name, "v").unwrap().is_sensitive(), "{name}");
        }
        for name in ["accept-profile", "x-client-info", "prefer"] {
            assert!(!header_value(name, "v").unwrap().is_sensitive(), "{name}");
        }
    }
}
