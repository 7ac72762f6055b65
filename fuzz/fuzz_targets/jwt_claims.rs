//! `decode_jwt_claims` on arbitrary input: never panics, and an error is always the typed
//! `MalformedJwt` whose text is a fixed reason (so it cannot echo the token).
//!
//! The first byte chooses how the rest becomes a token: as is, as the claims of a token with
//! a valid header, or as `header 0xff claims`, each part base64url-encoded.
#![no_main]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use supabase_core::{Error, decode_jwt_claims};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let token = match mode % 3 {
        0 => match std::str::from_utf8(rest) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        },
        1 => format!("eyJhbGciOiJIUzI1NiJ9.{}.c2ln", URL_SAFE_NO_PAD.encode(rest)),
        _ => {
            let (header, claims) = match rest.iter().position(|&b| b == 0xff) {
                Some(at) => (&rest[..at], &rest[at + 1..]),
                None => (rest, &b"{}"[..]),
            };
            format!(
                "{}.{}.c2ln",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(claims)
            )
        }
    };
    check(&token);
});

fn check(token: &str) {
    match decode_jwt_claims(token) {
        Ok(claims) => {
            let raw_str = |k: &str| claims.raw.get(k).and_then(|v| v.as_str());
            assert_eq!(claims.sub.as_deref(), raw_str("sub"));
            assert_eq!(claims.role.as_deref(), raw_str("role"));
            assert_eq!(claims.session_id.as_deref(), raw_str("session_id"));
            // Decoding is a pure function of the token.
            assert_eq!(decode_jwt_claims(token).ok().as_ref(), Some(&claims));
            // A token that decodes has three non-empty parts and no control characters.
            assert_eq!(token.split('.').count(), 3);
            assert!(!token.bytes().any(|b| b.is_ascii_control()));
        }
        Err(err) => {
            let Error::MalformedJwt { reason } = &err else {
                panic!("not MalformedJwt: {err:?}");
            };
            // The whole message is a fixed reason: it cannot contain the token.
            assert_eq!(err.to_string(), format!("malformed JWT: {reason}"));
            assert_eq!(
                format!("{err:?}"),
                format!("MalformedJwt {{ reason: {reason:?} }}")
            );
        }
    }
}
