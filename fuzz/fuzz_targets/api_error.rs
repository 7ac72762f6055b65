//! `ApiError::from_body` on an arbitrary status and body: never panics, keeps the status,
//! keeps the body snippet bounded, and never shows the value of an `access_token` member.
#![no_main]

use libfuzzer_sys::fuzz_target;
use supabase_core::ApiError;

/// The snippet is cut at 1 KiB; redaction can at most about double it.
const MAX_SNIPPET: usize = 3 * 1024;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
        _ => return,
    };
    let err = ApiError::from_body(status, body);
    assert_eq!(err.status, status);
    assert!(
        err.body.len() <= MAX_SNIPPET,
        "snippet of {} bytes",
        err.body.len()
    );
    let shown = format!("{err} {err:?}");
    assert!(shown.starts_with(&format!("HTTP {status}")));
    if let Some(secret) = literal_access_token(body) {
        assert!(!shown.contains(secret), "access_token value shown: {shown}");
    }
});

/// The value of a literal `"access_token":"<value>"` in the body, when the value is at least
/// 8 ASCII letters or digits and appears nowhere else in the body.
fn literal_access_token(body: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    let marker = "\"access_token\":\"";
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let value = &rest[..rest.find('"')?];
    let unique = text.matches(value).count() == 1;
    (value.len() >= 8 && value.bytes().all(|b| b.is_ascii_alphanumeric()) && unique)
        .then_some(value)
}
