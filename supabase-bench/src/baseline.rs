//! The baseline: what a user writes without our client.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use url::form_urlencoded;

use crate::BenchError;

static APIKEY: HeaderName = HeaderName::from_static("apikey");
static ACCEPT_PROFILE: HeaderName = HeaderName::from_static("accept-profile");
static CLIENT_INFO: HeaderName = HeaderName::from_static("x-client-info");

/// Raw `reqwest` with a hand-built URL (form-urlencoded, as our client encodes it) and
/// `serde_json::from_slice` on the body.
///
/// It sends the same request our client sends (method, path, query string, and the headers
/// `apikey`, `authorization`, `accept-profile` and `x-client-info`), so the server does the
/// same work for both and the difference is the client's own cost. The benches check that
/// the two requests are identical before measuring. The header values are built once, as a
/// careful user would; the URL and the filter values are built for every request, since a
/// real query's values change from one request to the next.
#[derive(Debug, Clone)]
pub struct Baseline {
    http: reqwest::Client,
    rest_url: String,
    headers: HeaderMap,
}

impl Baseline {
    /// A baseline client for the project at `project_url` (e.g. `http://127.0.0.1:41234`).
    pub fn new(
        project_url: &str,
        key: &str,
        jwt: &str,
        client_info: &str,
    ) -> Result<Self, BenchError> {
        let mut headers = HeaderMap::new();
        headers.insert(APIKEY.clone(), HeaderValue::from_str(key)?);
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {jwt}"))?,
        );
        headers.insert(ACCEPT_PROFILE.clone(), HeaderValue::from_static("public"));
        headers.insert(CLIENT_INFO.clone(), HeaderValue::from_str(client_info)?);
        Ok(Self {
            // Only TLS setup (ring under the default features); the loopback bench is plain
            // HTTP, so this is reqwest's client as `Client::new()` would make it.
            http: supabase::supabase_core::http_client_builder()?
                .redirect(reqwest::redirect::Policy::default())
                .build()?,
            rest_url: format!("{}/rest/v1", project_url.trim_end_matches('/')),
            headers,
        })
    }

    /// `<rest url>/<table>?select=<columns>&<column>=eq.<value>…`, form-urlencoded.
    pub fn url(&self, table: &str, columns: &str, eq_filters: &[(&str, &str)]) -> String {
        let mut url = String::with_capacity(self.rest_url.len() + 128);
        url.push_str(&self.rest_url);
        url.push('/');
        url.push_str(table);
        url.push('?');
        let start = url.len();
        let mut query = form_urlencoded::Serializer::for_suffix(url, start);
        query.append_pair("select", columns);
        for (column, value) in eq_filters {
            query.append_pair(column, &format!("eq.{value}"));
        }
        query.append_pair("order", &format!("{}.desc", crate::fixtures::ORDER_COLUMN));
        query.append_pair("limit", &crate::fixtures::LIMIT.to_string());
        query.finish()
    }

    /// The request for [`Baseline::url`], ready to send (no I/O).
    pub fn request(
        &self,
        table: &str,
        columns: &str,
        eq_filters: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(table, columns, eq_filters))
            .headers(self.headers.clone())
    }

    /// Sends the select and decodes the rows.
    pub async fn select<T: DeserializeOwned>(
        &self,
        table: &str,
        columns: &str,
        eq_filters: &[(&str, &str)],
    ) -> Result<Vec<T>, BenchError> {
        let response = self.request(table, columns, eq_filters).send().await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() {
            return Err(format!("baseline: HTTP {status}").into());
        }
        Ok(serde_json::from_slice(&body)?)
    }
}
