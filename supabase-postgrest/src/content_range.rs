//! Parsing PostgREST's `Content-Range` header (`0-24/3573`, `*/42`, `0-0/*`).

/// A parsed `Content-Range` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentRange {
    /// The first and last row index returned (inclusive), or `None` for `*` (no rows, or a
    /// mutation).
    pub range: Option<(u64, u64)>,
    /// The total row count, or `None` for `*` (no count was asked for).
    pub total: Option<u64>,
}

/// Parses a `Content-Range` value such as `0-24/3573`, `*/42` or `0-0/*`.
///
/// Returns `None` for anything malformed: a missing `/`, non-digits, numbers that do not fit
/// in a `u64`, or a range whose end is before its start. An optional `items ` unit prefix is
/// accepted. Never panics.
///
/// ```
/// use supabase_postgrest::{parse_content_range, ContentRange};
///
/// assert_eq!(parse_content_range("0-24/3573"), Some(ContentRange { range: Some((0, 24)), total: Some(3573) }));
/// assert_eq!(parse_content_range("*/0"), Some(ContentRange { range: None, total: Some(0) }));
/// assert_eq!(parse_content_range("0-1/*").and_then(|r| r.total), None);
/// assert_eq!(parse_content_range("99999999999999999999999/1"), None);
/// assert_eq!(parse_content_range("garbage"), None);
/// ```
pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let value = value.trim();
    let value = value.strip_prefix("items ").unwrap_or(value).trim_start();
    let (range, total) = value.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        digits => Some(parse_u64(digits)?),
    };
    let range = match range.trim() {
        "*" => None,
        bounds => {
            let (first, last) = bounds.split_once('-')?;
            let (first, last) = (parse_u64(first)?, parse_u64(last)?);
            if last < first {
                return None;
            }
            Some((first, last))
        }
    };
    Some(ContentRange { range, total })
}

/// Digits only (no sign, no spaces), fitting in a `u64`.
fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_server_form() {
        let cr = |r, t| Some(ContentRange { range: r, total: t });
        assert_eq!(
            parse_content_range("0-24/3573"),
            cr(Some((0, 24)), Some(3573))
        );
        assert_eq!(parse_content_range("*/42"), cr(None, Some(42)));
        assert_eq!(parse_content_range("*/*"), cr(None, None));
        assert_eq!(parse_content_range("0-0/*"), cr(Some((0, 0)), None));
        assert_eq!(
            parse_content_range("items 0-0/1"),
            cr(Some((0, 0)), Some(1))
        );
        assert_eq!(
            parse_content_range("0-0/18446744073709551615"),
            cr(Some((0, 0)), Some(u64::MAX))
        );
    }

    #[test]
    fn rejects_malformed_values() {
        for bad in [
            "",
            "/",
            "*",
            "0-24",
            "a-b/c",
            "-1-2/3",
            "0-24/-1",
            "5-1/10",
            "0-24/18446744073709551616",
            "0-24/1e3",
            "0--1/2",
            "0-1/2/3",
            "+1-2/3",
            "0-1/ 2x",
            "é-é/é",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad:?}");
        }
    }
}
