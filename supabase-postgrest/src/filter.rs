//! Filters on a request, and sending it.

use std::borrow::Cow;
use std::fmt::Display;

use serde::de::DeserializeOwned;
use supabase_core::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response};

use crate::encode::check_name;
use crate::{Error, PostgrestClient, PostgrestResponse};

static ACCEPT_PROFILE: HeaderName = HeaderName::from_static("accept-profile");
static CONTENT_PROFILE: HeaderName = HeaderName::from_static("content-profile");

/// A request being built: add filters, then [`execute`](FilterBuilder::execute) it.
///
/// Nothing is sent until `execute` is awaited. Builders are `Clone`, so one query can be
/// executed several times or extended in two directions.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until it is executed"]
pub struct FilterBuilder {
    client: PostgrestClient,
    method: Method,
    relation: String,
    query: Vec<(Cow<'static, str>, String)>,
    headers: HeaderMap,
    invalid: Option<String>,
}

impl FilterBuilder {
    pub(crate) fn new(client: PostgrestClient, method: Method, relation: &str) -> Self {
        let invalid = check_name("table", relation).err();
        Self {
            client,
            method,
            relation: relation.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            invalid,
        }
    }

    pub(crate) fn push_query(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
        self.query.push((key.into(), value));
    }

    fn filter_op(mut self, column: &str, operator: &str, value: impl Display) -> Self {
        if let Err(reason) = check_name("column", column) {
            self.invalid.get_or_insert(reason);
        }
        self.query
            .push((Cow::Owned(column.to_owned()), format!("{operator}.{value}")));
        self
    }

    /// Keeps rows whose `column` equals `value`: `column=eq.value`.
    pub fn eq(self, column: &str, value: impl Display) -> Self {
        self.filter_op(column, "eq", value)
    }

    /// The decoded query pairs, in order, as they will be sent (for inspection and tests).
    pub fn query_pairs(&self) -> &[(Cow<'static, str>, String)] {
        &self.query
    }

    fn build_request(&self) -> Result<Request, Error> {
        if let Some(reason) = &self.invalid {
            return Err(Error::InvalidQuery(reason.clone()));
        }
        let mut url = self.client.shared.url.clone();
        let path = format!("{}/{}", url.path(), self.relation);
        url.set_path(&path);
        if !self.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(self.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        let mut request = Request::new(self.method.clone(), url);
        request.headers = self.headers.clone();
        if let Some(schema) = &self.client.schema {
            let value = supabase_core::header_value("accept-profile", schema)?;
            let name = if matches!(self.method, Method::GET | Method::HEAD) {
                &ACCEPT_PROFILE
            } else {
                &CONTENT_PROFILE
            };
            request.headers.insert(name.clone(), value);
        }
        if !matches!(self.method, Method::GET | Method::HEAD) {
            request.headers.insert(
                supabase_core::HeaderName::from_static("content-type"),
                HeaderValue::from_static("application/json"),
            );
        }
        Ok(request)
    }

    /// Sends the request and returns the raw answer (any status).
    pub async fn execute_raw(self) -> Result<Response, Error> {
        let request = self.build_request()?;
        let response = self
            .client
            .shared
            .transport
            .send(request, self.client.tokens.as_ref())
            .await?;
        Ok(response)
    }

    /// Sends the request and decodes the rows as `Vec<T>` (use `serde_json::Value` for
    /// untyped rows). A non-2xx answer is an error with the server's code, message, details
    /// and hint.
    pub async fn execute<T: DeserializeOwned>(self) -> Result<PostgrestResponse<Vec<T>>, Error> {
        let response = self.execute_raw().await?.error_for_status()?;
        let data = response.json::<Vec<T>>()?;
        Ok(PostgrestResponse {
            data,
            count: None,
            status: response.status,
            headers: response.headers,
        })
    }
}
