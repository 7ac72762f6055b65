//! Paged answers of the admin API: the `X-Total-Count` header and the `Link` header's
//! `next` / `last` pages.

use supabase_core::HeaderMap;

pub(crate) fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct Links {
    pub(crate) next: Option<u32>,
    pub(crate) last: Option<u32>,
}

/// Reads `Link: <…?page=2&per_page=50>; rel="next", <…?page=12&per_page=50>; rel="last"`.
pub(crate) fn parse_link_header(headers: &HeaderMap) -> Links {
    let mut links = Links::default();
    for value in headers.get_all("link") {
        let Ok(value) = value.to_str() else { continue };
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let Some(target) = pieces.next() else {
                continue;
            };
            let target = target.trim().trim_start_matches('<').trim_end_matches('>');
            let rel = pieces
                .filter_map(|p| p.trim().strip_prefix("rel="))
                .map(|r| r.trim_matches('"'))
                .next();
            let page = target.split_once('?').and_then(|(_, query)| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "page")
                    .and_then(|(_, v)| v.parse::<u32>().ok())
            });
            match rel {
                Some("next") => links.next = page,
                Some("last") => links.last = page,
                _ => {}
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use supabase_core::HeaderValue;

    #[test]
    fn link_header_pages_beyond_nine() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            HeaderValue::from_static(
                r#"</admin/users?page=12&per_page=50>; rel="next", </admin/users?page=123&per_page=50>; rel="last""#,
            ),
        );
        assert_eq!(
            parse_link_header(&h),
            Links {
                next: Some(12),
                last: Some(123)
            }
        );
        assert_eq!(parse_link_header(&HeaderMap::new()), Links::default());
    }
}
