//! Removing secrets from server text that ends up in errors.
//!
//! Error answers and undecodable bodies are kept (bounded) in [`ApiError`](crate::ApiError)
//! and [`Error::Decode`](crate::Error::Decode) to help debugging. An Auth answer can hold an
//! access token, a refresh token or a password, so before such text is kept, these are
//! replaced by `[REDACTED]`:
//!
//! - the string value of a JSON member whose name ends in `token`, `password` or `secret`, or
//!   is `apikey`, `api_key`, `authorization`, `token_hash` or `code_verifier` (case-insensitive;
//!   also when the string is cut short);
//! - anything shaped like a JWT (`eyJ…` with at least one dot);
//! - Supabase secret keys (`sb_secret_…`);
//! - the credentials after `Bearer ` (16 characters or more).

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Member names whose string values are secrets (matched case-insensitively, in full).
const SECRET_NAMES: &[&str] = &[
    "apikey",
    "api_key",
    "authorization",
    "token_hash",
    "code_verifier",
];

/// Suffixes of member names whose string values are secrets.
const SECRET_SUFFIXES: &[&str] = &["token", "password", "secret"];

/// Bearer credentials shorter than this are left alone ("Bearer token missing" is a message).
const MIN_BEARER_LEN: usize = 16;

/// `text` with every secret it recognizes replaced by `[REDACTED]` (see the module docs for
/// what is recognized). Service crates use it for server text they keep in their own errors.
///
/// ```
/// use supabase_core::redact_secrets;
///
/// let text = r#"{"message":"bad","refresh_token":"r-123"} for Bearer abcdefghijklmnopqrstu"#;
/// assert_eq!(
///     redact_secrets(text),
///     r#"{"message":"bad","refresh_token":"[REDACTED]"} for Bearer [REDACTED]"#
/// );
/// ```
pub fn redact_secrets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // `copied` and `i` only ever stop on ASCII bytes, so they are always char boundaries.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = secret_member_value(bytes, i)
            .or_else(|| jwt_at(bytes, i))
            .or_else(|| secret_key_at(bytes, i))
            .or_else(|| bearer_at(bytes, i));
        match found {
            Some((start, end)) => {
                out.push_str(text.get(copied..start).unwrap_or_default());
                out.push_str(REDACTED);
                copied = end;
                i = end.max(i + 1);
            }
            None => i += 1,
        }
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Whether a JSON member or field with this name holds a secret.
fn is_secret_name(name: &[u8]) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|n| name == n.as_bytes())
        || SECRET_SUFFIXES.iter().any(|s| name.ends_with(s.as_bytes()))
}

/// A decoding error `message` about the field at `path` (`user.refresh_token`, `[0].id`):
/// redacted as any text, and when the field's name says it holds a secret, the quoted value
/// serde put in the message (`invalid type: string "…", expected u64`) is replaced too.
pub(crate) fn redact_field_message(path: &str, message: &str) -> String {
    let message = redact_secrets(message);
    let last = path.rsplit('.').next().unwrap_or(path);
    let field = last.split('[').next().unwrap_or(last);
    if !is_secret_name(field.as_bytes()) {
        return message;
    }
    match (message.find(['"', '`']), message.rfind(['"', '`'])) {
        (Some(open), Some(close)) if close > open => format!(
            "{}\"{REDACTED}\"{}",
            message.get(..open).unwrap_or_default(),
            message.get(close + 1..).unwrap_or_default()
        ),
        _ => message,
    }
}

fn byte(bytes: &[u8], i: usize) -> Option<u8> {
    bytes.get(i).copied()
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')
}

/// The end of a JSON string whose contents start at `start`: the index of its closing quote,
/// or the end of the text when it is cut short.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start;
    while let Some(b) = byte(bytes, j) {
        match b {
            b'\\' => j += 2,
            b'"' => return j,
            _ => j += 1,
        }
    }
    bytes.len()
}

fn skip_whitespace(bytes: &[u8], mut j: usize) -> usize {
    while byte(bytes, j).is_some_and(|b| b.is_ascii_whitespace()) {
        j += 1;
    }
    j
}

/// At a `"name": "value"` member with a secret name: the range of `value`.
fn secret_member_value(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    if byte(bytes, i)? != b'"' {
        return None;
    }
    let name_end = string_end(bytes, i + 1);
    if !is_secret_name(bytes.get(i + 1..name_end)?) {
        return None;
    }
    let colon = skip_whitespace(bytes, name_end + 1);
    if byte(bytes, colon)? != b':' {
        return None;
    }
    let quote = skip_whitespace(bytes, colon + 1);
    if byte(bytes, quote)? != b'"' {
        return None;
    }
    let value_end = string_end(bytes, quote + 1).min(bytes.len());
    Some((quote + 1, value_end))
}

/// At a JWT (`eyJ` then base64url and dots, with at least one dot): its range.
fn jwt_at(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    if !bytes.get(i..)?.starts_with(b"eyJ") || (i > 0 && is_token_char(byte(bytes, i - 1)?)) {
        return None;
    }
    let mut end = i;
    let mut dots = 0;
    while let Some(b) = byte(bytes, end) {
        if b == b'.' {
            dots += 1;
        } else if !(is_token_char(b) || b == b'=') {
            break;
        }
        end += 1;
    }
    (dots > 0).then_some((i, end))
}

/// At a Supabase secret key (`sb_secret_…`): its range.
fn secret_key_at(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    if !bytes.get(i..)?.starts_with(b"sb_secret_") {
        return None;
    }
    let mut end = i + "sb_secret_".len();
    while byte(bytes, end).is_some_and(is_token_char) {
        end += 1;
    }
    Some((i, end))
}

/// At `Bearer <credentials>` with long enough credentials: the range of the credentials.
fn bearer_at(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    let word = bytes.get(i..i + "bearer ".len())?;
    if !word.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let start = skip_whitespace(bytes, i + "bearer ".len());
    let mut end = start;
    while byte(bytes, end)
        .is_some_and(|b| is_token_char(b) || matches!(b, b'.' | b'~' | b'+' | b'/' | b'='))
    {
        end += 1;
    }
    (end - start >= MIN_BEARER_LEN).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secret_members() {
        let body = r#"{"access_token":"abc.def","token_type":"bearer","expires_in":3600,"refresh_token" : "r3fr3sh","user":{"password":"hunter2","email":"a@b.c"}}"#;
        let out = redact_secrets(body);
        for secret in ["abc.def", "r3fr3sh", "hunter2"] {
            assert!(!out.contains(secret), "{out}");
        }
        assert!(out.contains(r#""token_type":"bearer""#), "{out}");
        assert!(out.contains("a@b.c"));
        assert!(out.contains(r#""refresh_token" : "[REDACTED]""#), "{out}");
    }

    #[test]
    fn redacts_cut_short_values_jwts_keys_and_bearers() {
        assert_eq!(
            redact_secrets(r#"{"refresh_token":"abcdef"#),
            r#"{"refresh_token":"[REDACTED]"#
        );
        assert_eq!(
            redact_secrets(r#"{"x":"a\"b","Provider_Token":"p\"q"}"#),
            r#"{"x":"a\"b","Provider_Token":"[REDACTED]"}"#
        );
        assert_eq!(
            redact_secrets("bad jwt eyJhbGci.eyJzdWIi.c2ln here"),
            "bad jwt [REDACTED] here"
        );
        assert_eq!(redact_secrets("eyJonly-a-header"), "eyJonly-a-header");
        assert_eq!(
            redact_secrets("key sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz."),
            "key [REDACTED]."
        );
        assert_eq!(
            redact_secrets("Authorization: Bearer 0123456789abcdefXYZ"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(
            redact_secrets("bearer token missing"),
            "bearer token missing"
        );
    }

    #[test]
    fn redacts_values_quoted_in_messages_about_secret_fields() {
        let message = r#"invalid type: string "r3fr3sh", expected u64 at line 1 column 30"#;
        assert_eq!(
            redact_field_message("session.refresh_token", message),
            r#"invalid type: string "[REDACTED]", expected u64 at line 1 column 30"#
        );
        assert_eq!(redact_field_message("[0].title", message), message);
        assert_eq!(
            redact_field_message("password", "unknown variant `hunter2`, expected `a`"),
            "unknown variant \"[REDACTED]\""
        );
        assert_eq!(
            redact_field_message("token", "missing field"),
            "missing field"
        );
    }

    #[test]
    fn keeps_other_text_and_unicode() {
        for text in [
            "",
            "plain",
            "é\"ü\":\"ö",
            "\"",
            "\"token",
            "\"token\"",
            "\"token\":",
        ] {
            assert_eq!(redact_secrets(text), text);
        }
        assert_eq!(
            redact_secrets("é\"token\":\"ü\"é"),
            "é\"token\":\"[REDACTED]\"é"
        );
    }
}
