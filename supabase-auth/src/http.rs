//! Building and sending Auth requests the way auth-js does.

use serde::Serialize;
use serde::de::DeserializeOwned;
use supabase_core::{
    AccessToken, Credential, HeaderValue, Method, Request, Response, Service, Url,
};

use crate::{AuthApiError, Error};

/// The header that selects the error format of the Auth server.
pub(crate) const API_VERSION_HEADER: &str = "x-supabase-api-version";
/// The API version every request asks for.
pub(crate) const API_VERSION: &str = "2024-01-01";
/// The content type auth-js sends on every non-GET request.
const JSON_CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// Whose bearer token goes out.
#[derive(Clone, Copy)]
pub(crate) enum Bearer<'a> {
    /// The project key (or a global `Authorization` header), as for public endpoints.
    Key,
    /// This token, overriding any global `Authorization` header (user endpoints, admin).
    Token(&'a AccessToken),
}

/// The Auth endpoint, as the core service layer sees it.
#[derive(Clone)]
pub(crate) struct Http {
    pub service: Service,
}

impl Http {
    /// `<base>/<segments…>?<query>`; each segment is percent-encoded, the query is
    /// form-urlencoded like `URLSearchParams` (space → `+`).
    pub fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url, Error> {
        Ok(self.service.url(segments, query)?)
    }

    /// The endpoint URL.
    pub fn base(&self) -> &Url {
        self.service.base()
    }

    /// Sends a request and returns the 2xx answer, or [`Error::Api`].
    pub async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        bearer: Bearer<'_>,
    ) -> Result<Response, Error> {
        let is_get = method == Method::GET;
        let mut request = Request::new(method, url).header(
            supabase_core::HeaderName::from_static(API_VERSION_HEADER),
            HeaderValue::from_static(API_VERSION),
        );
        if !is_get {
            request = request.header(
                supabase_core::HeaderName::from_static("content-type"),
                HeaderValue::from_static(JSON_CONTENT_TYPE),
            );
        }
        request = request.credential(match bearer {
            Bearer::Key => Credential::ProjectKey,
            Bearer::Token(token) => Credential::Token(token.clone()),
        });
        if let Some(body) = body {
            request = request.body(body);
        }
        // Auth requests are not retried (auth-js does not; the refresh has its own rules).
        let response = self.service.send(&request, false).await?;
        if response.status.is_success() {
            Ok(response)
        } else {
            Err(AuthApiError::from_parts(
                response.status.as_u16(),
                &response.headers,
                &response.body,
            )
            .into())
        }
    }

    /// Sends `body` as JSON.
    pub async fn send_json<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: &B,
        bearer: Bearer<'_>,
    ) -> Result<Response, Error> {
        let body = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input(format!("cannot encode the request body: {e}")))?;
        self.send(method, url, Some(body), bearer).await
    }
}

/// The `redirect_to` query pair, when there is a redirect.
pub(crate) fn redirect_query(redirect: Option<&str>) -> Vec<(&'static str, &str)> {
    redirect
        .map(|r| vec![("redirect_to", r)])
        .unwrap_or_default()
}

/// Decodes a JSON answer; errors never echo bodies that may hold tokens.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, Error> {
    serde_json::from_slice(&response.body).map_err(|e| crate::session::decode_error(&e))
}

/// `encodeURIComponent`: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` is percent-encoded.
pub(crate) fn encode_uri_component(value: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    percent_encoding::utf8_percent_encode(value, SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_segments_and_query_like_url_search_params() {
        let http = Http {
            service: Service::standalone("http://h/auth/v1", "k").unwrap(),
        };
        let url = http
            .url(
                &["admin", "users", "a/b c"],
                &[("redirect_to", "https://e.com/x?y=1&z=a b")],
            )
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://h/auth/v1/admin/users/a%2Fb%20c?redirect_to=https%3A%2F%2Fe.com%2Fx%3Fy%3D1%26z%3Da+b"
        );
        assert_eq!(
            encode_uri_component("repo gist/ü*"),
            "repo%20gist%2F%C3%BC*"
        );
    }
}
