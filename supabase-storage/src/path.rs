//! Object keys and bucket ids: what Storage accepts, checked before anything is sent.
//!
//! Storage accepts, in object keys, only ASCII letters and digits and
//! `_ / ! . * ' ( ) space & $ = @ ; : + , ? -`; it refuses every other character (any
//! non-ASCII character, `#`, `%`, tabs, `[`, `]`, …) and empty keys. This client refuses the
//! same before sending, and also refuses `.` and `..` segments (which would leave the bucket
//! or name another object) and empty segments inside a key. Every segment then goes into the
//! URL percent-encoded, so that a `?`, a space or a `+` arrives as part of the key.

use crate::Error;

/// Whether Storage accepts `c` in an object key (`/` included).
pub fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '/'
                | '!'
                | '.'
                | '*'
                | '\''
                | '('
                | ')'
                | ' '
                | '&'
                | '$'
                | '='
                | '@'
                | ';'
                | ':'
                | '+'
                | ','
                | '?'
                | '-'
        )
}

fn describe(c: char) -> String {
    match c {
        '\t' => "a tab".into(),
        '\n' | '\r' => "a line break".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c if !c.is_ascii() => format!("the non-ASCII character '{c}' (U+{:04X})", c as u32),
        c => format!("the character '{c}'"),
    }
}

/// Checks an object path as storage-js would send it (leading slashes dropped) and returns
/// the key. With `clean`, also drops one trailing slash and collapses repeated slashes, as
/// storage-js does for uploads.
///
/// ```
/// use supabase_storage::path::object_key;
///
/// assert_eq!(object_key("/folder/a b?.txt", false).unwrap(), "folder/a b?.txt");
/// assert_eq!(object_key("/folder//new.png/", true).unwrap(), "folder/new.png");
/// assert!(object_key("a#b.txt", false).is_err());
/// assert!(object_key("../other-bucket/x", false).is_err());
/// assert!(object_key("ü.txt", false).is_err());
/// ```
pub fn object_key(path: &str, clean: bool) -> Result<String, Error> {
    let fail = |character: Option<char>, reason: String| Error::InvalidPath {
        path: path.to_owned(),
        character,
        reason,
    };
    let mut key = path.trim_start_matches('/').to_owned();
    if clean {
        if let Some(stripped) = key.strip_suffix('/') {
            key = stripped.to_owned();
        }
        while key.contains("//") {
            key = key.replace("//", "/");
        }
    }
    if key.is_empty() {
        return Err(fail(None, "the object key is empty".into()));
    }
    if let Some(c) = key.chars().find(|c| !is_key_char(*c)) {
        return Err(fail(
            Some(c),
            format!("{} is not allowed in Storage object keys", describe(c)),
        ));
    }
    let segments: Vec<&str> = key.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." {
            return Err(fail(
                None,
                format!("a `{segment}` segment would name another place than this object"),
            ));
        }
        if segment.is_empty() && i != last {
            return Err(fail(None, "the key has an empty segment (`//`)".into()));
        }
    }
    if key.ends_with('/') {
        return Err(fail(
            None,
            "the key ends with `/` (a folder, not an object)".into(),
        ));
    }
    Ok(key)
}

/// Checks a bucket id: not empty, at most 100 characters, the object-key characters except
/// `/`, and not `.` or `..`.
///
/// ```
/// use supabase_storage::path::bucket_id;
///
/// assert!(bucket_id("avatars").is_ok());
/// assert!(bucket_id("a/b").is_err());
/// assert!(bucket_id("").is_err());
/// ```
pub fn bucket_id(bucket: &str) -> Result<&str, Error> {
    let fail = |character: Option<char>, reason: String| Error::InvalidBucket {
        bucket: bucket.to_owned(),
        character,
        reason,
    };
    if bucket.is_empty() {
        return Err(fail(None, "the bucket id is empty".into()));
    }
    if bucket.len() > 100 {
        return Err(fail(
            None,
            "the bucket id is longer than 100 characters".into(),
        ));
    }
    if let Some(c) = bucket.chars().find(|c| *c == '/' || !is_key_char(*c)) {
        return Err(fail(
            Some(c),
            format!("{} is not allowed in bucket ids", describe(c)),
        ));
    }
    if bucket == "." || bucket == ".." {
        return Err(fail(None, format!("`{bucket}` is not a bucket id")));
    }
    Ok(bucket)
}

/// The segments of `bucket/key` for [`supabase_core::Service::url`].
pub(crate) fn segments<'a>(prefix: &[&'a str], bucket: &'a str, key: &'a str) -> Vec<&'a str> {
    let mut out: Vec<&str> = prefix.to_vec();
    out.push(bucket);
    out.extend(key.split('/'));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_storage_accepts_pass_and_keep_their_characters() {
        let all = "a_/!.*'() &$=@;:+,?-Z9";
        assert_eq!(object_key(all, false).unwrap(), all);
        assert_eq!(object_key("//x", false).unwrap(), "x");
        assert_eq!(object_key("/a//b/", true).unwrap(), "a/b");
    }

    #[test]
    fn keys_storage_refuses_are_refused_naming_the_character() {
        for (path, c) in [
            ("a#b", '#'),
            ("100%.txt", '%'),
            ("t\tab", '\t'),
            ("[x]", '['),
            ("ü.txt", 'ü'),
            ("emoji😀", '😀'),
            ("back\\slash", '\\'),
            ("quote\"", '"'),
        ] {
            match object_key(path, false) {
                Err(Error::InvalidPath { character, .. }) => {
                    assert_eq!(character, Some(c), "{path}")
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        let err = object_key("ü.txt", false).unwrap_err().to_string();
        assert!(err.contains("non-ASCII character 'ü'"), "{err}");
        for path in ["", "/", "..", "a/../b", "./a", "a/.", "a//b", "folder/"] {
            assert!(object_key(path, false).is_err(), "{path:?}");
        }
        assert!(object_key("a..b/c.", false).is_ok());
    }

    #[test]
    fn bucket_ids() {
        assert!(bucket_id("my bucket-1.x").is_ok());
        for b in ["", ".", "..", "a/b", "ü", "a#", &"x".repeat(101)] {
            assert!(bucket_id(b).is_err(), "{b:?}");
        }
    }
}
