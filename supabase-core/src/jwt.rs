//! Reading (not verifying) the claims of a JWT.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// The largest token accepted, in bytes. Real Supabase access tokens are a few KiB.
const MAX_JWT_LEN: usize = 32 * 1024;

/// The claims of a Supabase JWT, read without verifying the signature.
///
/// The well-known claims have fields; every claim, known or not, is in [`JwtClaims::raw`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JwtClaims {
    /// The subject: the user's id.
    pub sub: Option<String>,
    /// The Postgres role the token grants (`authenticated`, `anon`, `service_role`).
    pub role: Option<String>,
    /// The user's email address, when the token carries one.
    pub email: Option<String>,
    /// The user's phone number, when the token carries one.
    pub phone: Option<String>,
    /// Expiry time in seconds since the Unix epoch.
    pub exp: Option<u64>,
    /// Issue time in seconds since the Unix epoch.
    pub iat: Option<u64>,
    /// The session id, for tokens issued by Supabase Auth.
    pub session_id: Option<String>,
    /// Whether the user signed in anonymously.
    pub is_anonymous: Option<bool>,
    /// Every claim, as sent.
    pub raw: Map<String, Value>,
}

/// Decodes the claims of a JWT without verifying its signature.
///
/// Checks that the token has three dot-separated base64url parts, that the header and the
/// claims are JSON objects, and that it has no whitespace or control characters. It does
/// **not** check expiry (see `supabase-auth`'s `set_auth`) nor the signature (the server does
/// that on every request). Errors never contain the token.
///
/// ```
/// use supabase_core::decode_jwt_claims;
///
/// // header {"alg":"HS256","typ":"JWT"}, claims {"sub":"u1","role":"authenticated","exp":4102444800}
/// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
/// let claims = decode_jwt_claims(jwt)?;
/// assert_eq!(claims.sub.as_deref(), Some("u1"));
/// assert_eq!(claims.exp, Some(4102444800));
/// assert!(decode_jwt_claims("not-a-jwt").is_err());
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn decode_jwt_claims(token: &str) -> Result<JwtClaims, Error> {
    let payload = checked_payload(token)?;
    let raw: Map<String, Value> =
        serde_json::from_slice(&payload).map_err(|_| Error::MalformedJwt {
            reason: "the claims are not a JSON object",
        })?;
    Ok(claims_from_map(raw))
}

/// Reads only the `exp` claim of a JWT (seconds since the Unix epoch), with the same checks as
/// [`decode_jwt_claims`] but without building the claims map: the fast path of `with_auth`.
///
/// ```
/// use supabase_core::decode_jwt_exp;
///
/// // claims {"sub":"u1","role":"authenticated","exp":4102444800}
/// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2ln";
/// assert_eq!(decode_jwt_exp(jwt)?, Some(4102444800));
/// assert!(decode_jwt_exp("a.b").is_err());
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn decode_jwt_exp(token: &str) -> Result<Option<u64>, Error> {
    let payload = checked_payload(token)?;
    // The common shape (plain ASCII strings, `exp` an integer) is read in one pass; anything
    // else is left to serde_json, which gives the verdict it always gave.
    match scan::claims_exp(&payload) {
        Some(exp) => Ok(exp),
        None => claims_exp_serde(&payload),
    }
}

/// `exp` read by serde_json: what [`decode_jwt_exp`] falls back to.
fn claims_exp_serde(payload: &[u8]) -> Result<Option<u64>, Error> {
    /// The one claim read; the others are skipped without being stored.
    #[derive(Deserialize)]
    struct ExpOnly {
        #[serde(default)]
        exp: Option<Value>,
    }
    let not_object = Error::MalformedJwt {
        reason: "the claims are not a JSON object",
    };
    // A struct also deserializes from a JSON array: require an object.
    if payload.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(not_object);
    }
    let claims: ExpOnly = serde_json::from_slice(payload).map_err(|_| not_object)?;
    Ok(claims.exp.as_ref().and_then(seconds))
}

/// Whether serde_json reads `header` as a JSON object with at least one entry: what
/// [`shape_and_payload`] falls back to.
fn header_has_entries_serde(header: &[u8]) -> Result<bool, Error> {
    let header: HeaderShape = serde_json::from_slice(header).map_err(|_| Error::MalformedJwt {
        reason: "the header is not a JSON object",
    })?;
    Ok(header.entries > 0)
}

/// Checks the token's shape and header, and returns its decoded claims bytes.
fn checked_payload(token: &str) -> Result<Vec<u8>, Error> {
    let malformed = |reason| Error::MalformedJwt { reason };
    if token.is_empty() {
        return Err(malformed("the token is empty"));
    }
    if token.len() > MAX_JWT_LEN {
        return Err(malformed("the token is longer than 32 KiB"));
    }
    // Every part is checked against the base64url alphabet, which has no whitespace and no
    // control character, so a token with one always fails below; it is looked for only then,
    // to say so.
    shape_and_payload(token).map_err(|error| {
        if token
            .bytes()
            .any(|b| b.is_ascii_control() || b.is_ascii_whitespace())
        {
            malformed("the token contains whitespace or a control character (CR, LF, NUL, …)")
        } else {
            error
        }
    })
}

/// The three parts of a JWT, the header a non-empty JSON object, the signature base64url;
/// returns the decoded claims bytes.
fn shape_and_payload(token: &str) -> Result<Vec<u8>, Error> {
    let malformed = |reason| Error::MalformedJwt { reason };
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed(
            "a JWT has exactly three dot-separated parts (header.claims.signature)",
        ));
    };
    if header.is_empty() || payload.is_empty() || signature.is_empty() {
        return Err(malformed("a part of the token is empty"));
    }
    if !signature
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    {
        return Err(malformed("the signature is not base64url"));
    }
    let header = decode_part(header).ok_or(malformed("the header is not base64url"))?;
    if !scan::is_object_with_entries(&header) && !header_has_entries_serde(&header)? {
        return Err(malformed("the header is an empty JSON object"));
    }
    decode_part(payload).ok_or(malformed("the claims are not base64url"))
}

/// What is checked of a JWT header: a JSON object, and how many entries it has. Reading it
/// this way stores none of its keys or values.
struct HeaderShape {
    entries: usize,
}

impl<'de> Deserialize<'de> for HeaderShape {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = HeaderShape;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HeaderShape, A::Error> {
                let mut entries = 0;
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {
                    entries += 1;
                }
                Ok(HeaderShape { entries })
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

/// A non-negative number of seconds.
fn seconds(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

/// A one-pass reader of the JSON a JWT usually holds, so that `with_auth` does not pay for
/// serde's generic machinery on every request (issue 17: it was about half the cost of the
/// `exp` check).
///
/// It only ever *accepts*: when it answers, serde_json (as [`decode_jwt_exp`] and
/// [`shape_and_payload`] call it) would accept the same bytes and read the same `exp`; on
/// anything outside its narrow grammar (an escape, a byte outside printable ASCII in a
/// string, a number it does not read exactly, nesting deeper than [`scan::MAX_DEPTH`], a
/// second `exp`, any syntax error) it answers `None` and serde decides, errors included. The
/// test `scan_agrees_with_serde` checks the two against each other.
mod scan {
    /// Deeper nesting is left to serde_json (whose own limit is 128).
    pub(super) const MAX_DEPTH: usize = 16;

    struct Scanner<'a> {
        bytes: &'a [u8],
        at: usize,
    }

    impl Scanner<'_> {
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.at).copied()
        }

        /// JSON whitespace, as serde_json skips it.
        fn whitespace(&mut self) {
            while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
                self.at += 1;
            }
        }

        fn eat(&mut self, byte: u8) -> Option<()> {
            (self.peek() == Some(byte)).then(|| self.at += 1)
        }

        fn literal(&mut self, word: &[u8]) -> Option<()> {
            let end = self.at + word.len();
            (self.bytes.get(self.at..end) == Some(word)).then(|| self.at = end)
        }

        /// A string of printable ASCII without escapes; its content.
        fn string(&mut self) -> Option<&[u8]> {
            self.eat(b'"')?;
            let start = self.at;
            // Eight bytes at a time up to the first that is a quote, a backslash, a control
            // character or not ASCII; the byte loop below decides on that one. (In each test
            // below, the lowest flagged byte is exactly the first byte that matches; bytes
            // after it may be flagged wrongly, which does not matter.)
            const ONES: u64 = u64::from_le_bytes([0x01; 8]);
            const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
            let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
            while let Some(chunk) = self.bytes.get(self.at..self.at + 8) {
                let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
                    break;
                };
                let word = u64::from_le_bytes(chunk);
                let special = zero_byte(word ^ (ONES * u64::from(b'"')))
                    | zero_byte(word ^ (ONES * u64::from(b'\\')))
                    | zero_byte(word ^ (ONES * 0x7f))
                    // a byte below 0x20, or at or above 0x80
                    | (word.wrapping_sub(ONES * 0x20) & !word & HIGH)
                    | (word & HIGH);
                if special != 0 {
                    self.at += (special.trailing_zeros() / 8) as usize;
                    break;
                }
                self.at += 8;
            }
            loop {
                match self.peek()? {
                    b'"' => break,
                    b'\\' => return None,
                    0x20..=0x7e => self.at += 1,
                    _ => return None,
                }
            }
            let content = self.bytes.get(start..self.at)?;
            self.at += 1;
            Some(content)
        }

        fn digits(&mut self) -> usize {
            let start = self.at;
            while let Some(b'0'..=b'9') = self.peek() {
                self.at += 1;
            }
            self.at - start
        }

        /// A JSON number (RFC 8259 grammar), skipped.
        fn number(&mut self) -> Option<()> {
            let _ = self.eat(b'-');
            match self.peek()? {
                b'0' => self.at += 1,
                b'1'..=b'9' => {
                    self.digits();
                }
                _ => return None,
            }
            if self.eat(b'.').is_some() && self.digits() == 0 {
                return None;
            }
            if let Some(b'e' | b'E') = self.peek() {
                self.at += 1;
                if let Some(b'+' | b'-') = self.peek() {
                    self.at += 1;
                }
                if self.digits() == 0 {
                    return None;
                }
            }
            // A digit right after the number (`01`) is not JSON.
            (!matches!(self.peek(), Some(b'0'..=b'9'))).then_some(())
        }

        /// Any JSON value, skipped.
        fn value(&mut self, depth: usize) -> Option<()> {
            match self.peek()? {
                b'"' => self.string().map(drop),
                b't' => self.literal(b"true"),
                b'f' => self.literal(b"false"),
                b'n' => self.literal(b"null"),
                b'-' | b'0'..=b'9' => self.number(),
                b'[' if depth < MAX_DEPTH => {
                    self.at += 1;
                    self.whitespace();
                    if self.eat(b']').is_some() {
                        return Some(());
                    }
                    loop {
                        self.value(depth + 1)?;
                        self.whitespace();
                        if self.eat(b',').is_some() {
                            self.whitespace();
                            continue;
                        }
                        return self.eat(b']');
                    }
                }
                b'{' if depth < MAX_DEPTH => {
                    self.object(|scanner, _| scanner.value(depth + 1)).map(drop)
                }
                _ => None,
            }
        }

        /// An object, each value read by `entry(self, key)`; the number of entries.
        fn object(
            &mut self,
            mut entry: impl FnMut(&mut Self, &[u8]) -> Option<()>,
        ) -> Option<usize> {
            self.eat(b'{')?;
            self.whitespace();
            if self.eat(b'}').is_some() {
                return Some(0);
            }
            let mut entries = 0;
            loop {
                let start = self.at;
                self.string()?;
                let key = self.bytes.get(start + 1..self.at - 1)?;
                self.whitespace();
                self.eat(b':')?;
                self.whitespace();
                entry(self, key)?;
                entries += 1;
                self.whitespace();
                if self.eat(b',').is_some() {
                    self.whitespace();
                    continue;
                }
                self.eat(b'}')?;
                return Some(entries);
            }
        }

        /// Only whitespace is left.
        fn at_end(&mut self) -> bool {
            self.whitespace();
            self.at == self.bytes.len()
        }
    }

    /// `Some(exp)` when `json` is an object this reader covers, `exp` read as serde_json
    /// reads it for [`super::decode_jwt_exp`] (absent or `null`: `None`; a plain integer that
    /// fits in a `u64`: that number); `None` when serde must decide.
    pub(super) fn claims_exp(json: &[u8]) -> Option<Option<u64>> {
        let mut scanner = Scanner { bytes: json, at: 0 };
        let mut exp = None;
        let mut seen = false;
        scanner.whitespace();
        scanner.object(|scanner, key| {
            if key != b"exp" {
                return scanner.value(1);
            }
            if seen {
                // serde rejects a duplicate field: let it say so.
                return None;
            }
            seen = true;
            if scanner.literal(b"null").is_some() {
                return Some(());
            }
            let start = scanner.at;
            let length = scanner.digits();
            // No sign, no leading zero, no fraction or exponent, at most 19 digits (always
            // below `u64::MAX`): the numbers serde_json reads as a `u64`.
            if length == 0
                || length > 19
                || (length > 1 && json.get(start) == Some(&b'0'))
                || matches!(scanner.peek(), Some(b'.' | b'e' | b'E'))
            {
                return None;
            }
            let digits = std::str::from_utf8(json.get(start..scanner.at)?).ok()?;
            exp = Some(digits.parse::<u64>().ok()?);
            Some(())
        })?;
        scanner.at_end().then_some(exp)
    }

    /// Whether `json` is an object with at least one entry, as this reader covers it (`false`
    /// says nothing: serde decides).
    pub(super) fn is_object_with_entries(json: &[u8]) -> bool {
        let mut scanner = Scanner { bytes: json, at: 0 };
        scanner.whitespace();
        scanner
            .object(|scanner, _| scanner.value(1))
            .is_some_and(|entries| entries > 0)
            && scanner.at_end()
    }
}

fn decode_part(part: &str) -> Option<Vec<u8>> {
    let part = part.trim_end_matches('=');
    decode_base64url(part.as_bytes()).or_else(|| URL_SAFE_NO_PAD.decode(part).ok())
}

/// The value of each base64url symbol, 0xff for any other byte.
#[allow(clippy::indexing_slicing)] // evaluated at compile time: an index out of range fails the build
const BASE64URL: [u8; 256] = {
    let mut table = [0xff; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Unpadded base64url, decoded in one pass (issue 17: the `base64` crate's general engine took
/// a third of `with_auth`). It answers only for input that `URL_SAFE_NO_PAD` accepts, with
/// the same bytes: every byte in the alphabet, a length that is not 1 more than a multiple of
/// 4, and the unused bits of a last partial group zero. `None` lets the engine decide.
fn decode_base64url(text: &[u8]) -> Option<Vec<u8>> {
    // Every `u8` is an index of the table (the `get` never fails).
    let value = |byte: u8| u32::from(BASE64URL.get(usize::from(byte)).copied().unwrap_or(0xff));
    let groups = text.chunks_exact(4);
    let tail = groups.remainder();
    let full = text.len() / 4 * 3;
    let mut out = vec![0u8; full + tail.len().saturating_sub(1)];
    let mut invalid = 0;
    let (head, end) = out.split_at_mut(full);
    for (group, bytes) in groups.zip(head.chunks_exact_mut(3)) {
        if let (&[a, b, c, d], [x, y, z]) = (group, bytes) {
            let (a, b, c, d) = (value(a), value(b), value(c), value(d));
            // An invalid symbol is 0xff, above every symbol's value.
            invalid |= a | b | c | d;
            let n = (a << 18) | (b << 12) | (c << 6) | d;
            [*x, *y, *z] = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        }
    }
    if invalid > 63 {
        return None;
    }
    match (tail, end) {
        ([], []) => {}
        (&[a, b], [x]) => {
            let (a, b) = (value(a), value(b));
            if (a | b) > 63 || b & 0x0f != 0 {
                return None;
            }
            *x = ((a << 2) | (b >> 4)) as u8;
        }
        (&[a, b, c], [x, y]) => {
            let (a, b, c) = (value(a), value(b), value(c));
            if (a | b | c) > 63 || c & 0x03 != 0 {
                return None;
            }
            let n = (a << 18) | (b << 12) | (c << 6);
            [*x, *y] = [(n >> 16) as u8, (n >> 8) as u8];
        }
        _ => return None,
    }
    Some(out)
}

fn claims_from_map(raw: Map<String, Value>) -> JwtClaims {
    let string = |k: &str| raw.get(k).and_then(Value::as_str).map(str::to_owned);
    let seconds = |k: &str| raw.get(k).and_then(seconds);
    JwtClaims {
        sub: string("sub"),
        role: string("role"),
        email: string("email").filter(|s| !s.is_empty()),
        phone: string("phone").filter(|s| !s.is_empty()),
        exp: seconds("exp"),
        iat: seconds("iat"),
        session_id: string("session_id"),
        is_anonymous: raw.get("is_anonymous").and_then(Value::as_bool),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn jwt(claims: &str) -> String {
        format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(claims))
    }

    #[test]
    fn reads_known_claims() {
        let c = decode_jwt_claims(&jwt(
            r#"{"sub":"u","role":"authenticated","email":"a@b.c","exp":10,"custom":1}"#,
        ))
        .unwrap();
        assert_eq!(c.sub.as_deref(), Some("u"));
        assert_eq!(c.role.as_deref(), Some("authenticated"));
        assert_eq!(c.email.as_deref(), Some("a@b.c"));
        assert_eq!(c.exp, Some(10));
        assert_eq!(c.raw.get("custom"), Some(&Value::from(1)));
        assert_eq!(
            decode_jwt_exp(&jwt(r#"{"exp":10.5,"x":[1,{"y":2}]}"#)).unwrap(),
            Some(10)
        );
        assert_eq!(decode_jwt_exp(&jwt(r#"{"sub":"u"}"#)).unwrap(), None);
        assert_eq!(decode_jwt_exp(&jwt(r#"{"exp":-1}"#)).unwrap(), None);
    }

    #[test]
    fn names_whitespace_and_control_characters() {
        let good = jwt(r#"{"exp":10}"#);
        for bad in [
            format!("{good}\r\n"),
            format!(" {good}"),
            good.replacen('.', ".\0", 1),
            good.replacen('.', "\t.", 1),
        ] {
            for err in [
                decode_jwt_exp(&bad).unwrap_err(),
                decode_jwt_claims(&bad).unwrap_err(),
            ] {
                match err {
                    Error::MalformedJwt { reason } => {
                        assert!(
                            reason.contains("whitespace or a control"),
                            "{bad:?}: {reason}"
                        )
                    }
                    other => panic!("{bad:?}: {other:?}"),
                }
            }
        }
        assert_eq!(decode_jwt_exp(&good).unwrap(), Some(10));
    }

    /// Wherever the one-pass reader answers, serde_json gives the same answer: on JWT-like
    /// claims and headers and on every one-byte change of them (replaced, deleted, inserted).
    #[test]
    fn scan_agrees_with_serde() {
        let seeds: [&[u8]; 12] = [
            br#"{"aud":"authenticated","exp":4102444800,"iat":1704067200,"sub":"00000000-0000-4000-8000-000000000002","email":"a@b.c","phone":"","app_metadata":{"provider":"email","providers":["email"]},"user_metadata":{},"role":"authenticated","aal":"aal1","amr":[{"method":"password","timestamp":1704067200}],"session_id":"x","is_anonymous":false}"#,
            br#"{"alg":"HS256","kid":"k","typ":"JWT"}"#,
            br#" { "exp" : 10 , "x" : [ 1 , -2.5e+3 , 0 , true , null , { } , [ ] ] } "#,
            br#"{"exp":null}"#,
            br#"{"exp":0,"n":-0.0E-1}"#,
            br#"{"exp":18446744073709551615}"#,
            br#"{"exp":9999999999999999999}"#,
            br#"{"exp":"10"}"#,
            br#"{"exp":10,"exp":11}"#,
            br#"{"a":{"b":{"c":[[["d"]]]}},"exp":1e3}"#,
            br#"{"s":"\u00e9","exp":5,"t":"\n"}"#,
            br#"{}"#,
        ];
        let bytes = b"\"\\{}[],: \t\n01-.eEnx\x00\x7f\x80\xc3";
        let check = |json: &[u8]| {
            if let Some(exp) = scan::claims_exp(json) {
                let serde = claims_exp_serde(json);
                assert!(
                    matches!(serde, Ok(e) if e == exp),
                    "claims {:?}: scan {exp:?}, serde {serde:?}",
                    String::from_utf8_lossy(json)
                );
            }
            if scan::is_object_with_entries(json) {
                assert!(
                    matches!(header_has_entries_serde(json), Ok(true)),
                    "header {:?}",
                    String::from_utf8_lossy(json)
                );
            }
        };
        let mut answered = 0;
        for seed in seeds {
            check(seed);
            for at in 0..=seed.len() {
                let mut deleted = seed.to_vec();
                if at < seed.len() {
                    deleted.remove(at);
                    check(&deleted);
                }
                for &b in bytes.iter() {
                    let mut inserted = seed.to_vec();
                    inserted.insert(at, b);
                    check(&inserted);
                    if at < seed.len() {
                        let mut replaced = seed.to_vec();
                        replaced[at] = b;
                        answered += usize::from(scan::claims_exp(&replaced).is_some());
                        check(&replaced);
                    }
                }
            }
        }
        // The reader does answer for most of them (it is not a test of the fallback alone).
        assert!(answered > 1_000, "{answered}");
        // Nesting beyond its depth is left to serde.
        let deep = format!("{{\"a\":{}1{},\"exp\":1}}", "[".repeat(20), "]".repeat(20));
        assert_eq!(scan::claims_exp(deep.as_bytes()), None);
        assert_eq!(claims_exp_serde(deep.as_bytes()).unwrap(), Some(1));
    }

    /// The one-pass base64url decoder answers exactly as `URL_SAFE_NO_PAD` where it answers,
    /// and answers for every valid input.
    #[test]
    fn base64url_agrees_with_the_engine() {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for len in 0..=9 {
            // Every length, with last symbols that do and do not leave unused bits set.
            for &last in alphabet {
                let mut text: Vec<u8> = (0..len).map(|i| alphabet[(i * 7) % 64]).collect();
                if let Some(end) = text.last_mut() {
                    *end = last;
                }
                inputs.push(text);
            }
        }
        for bad in [b'=', b'+', b'/', b'.', b' ', 0, 0x80, 0xff] {
            for at in 0..8 {
                let mut text = b"eyJhbGci".to_vec();
                text[at] = bad;
                inputs.push(text);
            }
        }
        for data in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            br#"{"alg":"HS256"}"#,
        ] {
            inputs.push(URL_SAFE_NO_PAD.encode(data).into_bytes());
        }
        for text in inputs {
            let engine = URL_SAFE_NO_PAD.decode(&text).ok();
            assert_eq!(
                decode_base64url(&text),
                engine,
                "{:?}",
                String::from_utf8_lossy(&text)
            );
        }
    }

    #[test]
    fn rejects_malformed_tokens() {
        let cases = [
            String::new(),
            "a.b".into(),
            "a.b.c.d".into(),
            format!("{}..sig", b64("{}")),
            format!("{}.{}.sig", b64("{\"alg\":1}"), "!!!"),
            format!("{}.{}.sig", b64("{\"alg\":1}"), b64("[1]")),
            format!("{}.{}.sig", b64("{\"alg\":1}"), b64("not json")),
            format!("{}.{}.sig", b64("nope"), b64("{}")),
            format!("{}.{}.sig", b64("{}"), b64("{}")),
            format!("{}.{}.sig", b64(" { } "), b64("{}")),
            format!("{}.{}.sig", b64(r#"["alg"]"#), b64("{}")),
            format!("{}.{}.sig", b64(r#"{"alg":"HS256"} x"#), b64("{}")),
            format!("{}\r\n", jwt("{}")),
            format!("{}.sig%", jwt("{}").rsplit_once('.').unwrap().0),
            "x".repeat(MAX_JWT_LEN + 1),
        ];
        for token in cases {
            let err = decode_jwt_claims(&token).unwrap_err();
            assert!(matches!(err, Error::MalformedJwt { .. }), "{token:?}");
            let err = decode_jwt_exp(&token).unwrap_err();
            assert!(matches!(err, Error::MalformedJwt { .. }), "{token:?}");
        }
    }
}
