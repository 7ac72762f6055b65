//! Which redirects the transport follows: same-origin only.
//!
//! On `wasm32` the browser's `fetch` follows redirects itself (reqwest has no redirect policy
//! there): the transport still refuses an answer that came from another origin, but cannot
//! keep the redirected request from going out. See the README, "In the browser".

use std::fmt;

use url::Url;

/// At most this many redirects are followed for one request (fetch allows 20, reqwest 10).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) const MAX_REDIRECTS: usize = 10;

/// The redirect policy of the transport: follow at most 10 redirects, and only to the origin
/// (scheme, host and port) of the original request.
///
/// Every request carries the project key in `apikey` and a bearer token in `Authorization`.
/// reqwest drops `Authorization` on a cross-origin redirect but keeps every other header, so
/// following a redirect to another host would hand it the project key. A cross-origin redirect
/// is therefore an error ([`Error::Transport`](crate::Error::Transport) with
/// [`TransportErrorKind::Redirect`](crate::TransportErrorKind::Redirect)) and the other host
/// receives nothing.
///
/// [`Transport`](crate::Transport) builds its own client with this policy. If you pass your own
/// `reqwest::Client` ([`Config::http_client`](crate::Config::http_client)), start from
/// [`http_client_builder`](crate::http_client_builder), which sets it, or set it yourself:
///
/// ```
/// let http = supabase_core::http_client_builder()?
///     .redirect(supabase_core::redirect_policy()) // already set: shown for a builder of yours
///     .build()?;
/// # let _ = http;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Not on `wasm32`, where `fetch` follows redirects itself.
#[cfg(not(target_arch = "wasm32"))]
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        // `previous` starts with the URL of the original request.
        let allowed = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, attempt.url()));
        if !allowed {
            attempt.error(RedirectRefused::CrossOrigin)
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(RedirectRefused::TooMany)
        } else {
            attempt.follow()
        }
    })
}

/// Whether two URLs have the same scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Why a redirect was not followed (the target URL is not kept: it may carry a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectRefused {
    /// The redirect leads to another scheme, host or port.
    CrossOrigin,
    /// More than [`MAX_REDIRECTS`] redirects.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    TooMany,
}

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RedirectRefused::CrossOrigin => f.write_str(
                "refused to follow a redirect to another origin (it would receive the project key)",
            ),
            RedirectRefused::TooMany => {
                write!(f, "more than {MAX_REDIRECTS} redirects")
            }
        }
    }
}

impl std::error::Error for RedirectRefused {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(
            &u("https://a.co/x"),
            &u("https://a.co:443/y?z")
        ));
        assert!(!same_origin(&u("https://a.co/"), &u("http://a.co/")));
        assert!(!same_origin(&u("http://a.co/"), &u("http://a.co:8080/")));
        assert!(!same_origin(&u("http://a.co/"), &u("http://b.a.co/")));
    }
}
