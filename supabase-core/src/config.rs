//! Project configuration: URL, key, headers, timeout and the shared connection pool.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use url::Url;

use crate::{Error, HttpConnector, Secret, Transport, TransportOptions, header_name, header_value};

/// The configuration every Supabase service client is built from.
///
/// ```
/// use std::time::Duration;
/// use supabase_core::Config;
///
/// # fn main() -> Result<(), supabase_core::Error> {
/// // Your app's pool, shared by every client; built from `http_client_builder`, which keeps
/// // the same-origin redirect policy (a redirect never carries the project key to another
/// // host) and the TLS provider of the features.
/// let http = supabase_core::http_client_builder()?
///     .build()
///     .expect("a client");
/// let config = Config::new("https://xyzcompany.supabase.co", "public-anon-key")?
///     .header("x-app", "demo")?
///     .timeout(Duration::from_secs(10))
///     .http_client(http);
/// let transport = config.transport()?;
/// # let _ = transport;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Config {
    url: Url,
    key: Secret,
    headers: HeaderMap,
    timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    http_client: Option<reqwest::Client>,
    connector: Option<Arc<dyn HttpConnector>>,
}

impl Config {
    /// A configuration for the project at `url` (with or without a trailing slash), using
    /// `key` (the anon, publishable, service-role or secret key).
    ///
    /// Fails with [`Error::InvalidUrl`] unless `url` is an absolute `http` or `https` URL with
    /// a host and no query or fragment, and with [`Error::InvalidHeader`] when the key is empty
    /// or cannot be sent as a header.
    pub fn new(url: &str, key: impl Into<Secret>) -> Result<Self, Error> {
        let url = validate_base_url(url)?;
        let key = key.into();
        if key.is_empty() {
            return Err(Error::InvalidHeader {
                name: "apikey".into(),
                reason: "the project key is empty",
            });
        }
        header_value("apikey", key.expose())?;
        Ok(Self {
            url,
            key,
            headers: HeaderMap::new(),
            timeout: None,
            max_response_bytes: None,
            http_client: None,
            connector: None,
        })
    }

    /// Adds a header sent with every request (the `global.headers` option of supabase-js).
    /// A global `Authorization` header wins over every token provider; a global
    /// `X-Client-Info` replaces the default one.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let name = header_name(name)?;
        let value = header_value(name.as_str(), value)?;
        self.headers.append(name, value);
        Ok(self)
    }

    /// Sets the time limit of every request (connect, send and read the whole answer).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the largest response body accepted (default 256 MiB); a larger answer fails with
    /// [`Error::ResponseTooLarge`] without being read further.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Uses this `reqwest::Client`, so its connection pool is shared with the rest of the
    /// application.
    ///
    /// Start from [`http_client_builder`](crate::http_client_builder): it keeps the
    /// same-origin [`redirect_policy`](crate::redirect_policy) (reqwest's default policy
    /// follows redirects to other hosts and would send them the project key in `apikey`) and
    /// sets the TLS provider reqwest needs under `rustls-ring`.
    ///
    /// This and [`Config::connector`] each say what moves the bytes: the last one set wins
    /// (setting one clears the other).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self.connector = None;
        self
    }

    /// Moves the bytes through `connector` instead of reqwest (see [`HttpConnector`]): the
    /// transport still decides the headers, the size limit and the same-origin check.
    ///
    /// This and [`Config::http_client`] each say what moves the bytes: the last one set wins
    /// (setting one clears the other).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use supabase_core::{Config, ReqwestConnector};
    ///
    /// # fn main() -> Result<(), supabase_core::Error> {
    /// let config = Config::new("https://xyzcompany.supabase.co", "public-anon-key")?
    ///     .connector(Arc::new(ReqwestConnector::new()?));
    /// assert!(config.transport()?.connector().is_some());
    /// # Ok(()) }
    /// ```
    pub fn connector(mut self, connector: Arc<dyn HttpConnector>) -> Self {
        self.connector = Some(connector);
        self.http_client = None;
        self
    }

    /// Moves the bytes through a new [`HyperConnector`](crate::HyperConnector) (hyper-util
    /// directly; feature `hyper`, native targets). The same as
    /// `.connector(Arc::new(HyperConnector::new()?))`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), supabase_core::Error> {
    /// let config = supabase_core::Config::new("https://xyzcompany.supabase.co", "anon-key")?
    ///     .hyper_connector()?;
    /// # let _ = config;
    /// # Ok(()) }
    /// ```
    #[cfg(all(feature = "hyper", not(target_arch = "wasm32")))]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub fn hyper_connector(self) -> Result<Self, Error> {
        Ok(self.connector(Arc::new(crate::HyperConnector::new()?)))
    }

    /// The project URL, normalized to end with `/`.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The project key.
    pub fn key(&self) -> &Secret {
        &self.key
    }

    /// The global headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The configured timeout.
    pub fn timeout_duration(&self) -> Option<Duration> {
        self.timeout
    }

    /// The URL of a service below the project URL, e.g. `rest/v1` or `auth/v1` (no trailing
    /// slash).
    pub fn endpoint(&self, service_path: &str) -> Result<Url, Error> {
        self.url
            .join(service_path.trim_matches('/'))
            .map_err(|e| Error::InvalidUrl {
                reason: format!("cannot join `{service_path}`: {e}"),
            })
    }

    /// Builds the shared HTTP transport for this configuration.
    pub fn transport(&self) -> Result<Transport, Error> {
        let defaults = TransportOptions::default();
        Transport::new(
            &self.key,
            TransportOptions {
                headers: self.headers.clone(),
                timeout: self.timeout,
                http_client: self.http_client.clone(),
                connector: self.connector.clone(),
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(defaults.max_response_bytes),
            },
        )
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("url", &self.url.as_str())
            .field("key", &self.key)
            .field(
                "headers",
                &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("http_client", &self.http_client.is_some())
            .field("connector", &self.connector)
            .finish()
    }
}

/// Checks and normalizes a base URL: absolute `http`/`https` with a host, no query, no
/// fragment, no credentials; the path is made to end with `/`.
pub fn validate_base_url(url: &str) -> Result<Url, Error> {
    let invalid = |reason: String| Error::InvalidUrl { reason };
    let trimmed = url;
    if trimmed.is_empty() {
        return Err(invalid("the URL is empty".into()));
    }
    if trimmed
        .bytes()
        .any(|b| b.is_ascii_control() || b.is_ascii_whitespace())
    {
        return Err(invalid(
            "the URL contains whitespace or a control character".into(),
        ));
    }
    let mut parsed = Url::parse(trimmed).map_err(|e| invalid(format!("{e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme must be http or https, not `{}`",
            parsed.scheme()
        )));
    }
    // On wasm32 TLS is the browser's, whatever the features.
    #[cfg(not(any(
        feature = "rustls",
        feature = "rustls-ring",
        feature = "native-tls",
        target_arch = "wasm32"
    )))]
    if parsed.scheme() == "https" {
        return Err(invalid(
            "an https URL needs TLS: enable the `rustls-ring` (default), `rustls` or `native-tls` feature"
                .into(),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host".into()));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid(
            "the URL must not have a query or a fragment".into(),
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("the URL must not contain credentials".into()));
    }
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_trailing_slash() {
        for u in ["https://x.supabase.co", "https://x.supabase.co/"] {
            let c = Config::new(u, "k").unwrap();
            assert_eq!(
                c.endpoint("rest/v1").unwrap().as_str(),
                "https://x.supabase.co/rest/v1"
            );
        }
        let c = Config::new("http://localhost:54321/prefix", "k").unwrap();
        assert_eq!(
            c.endpoint("/auth/v1/").unwrap().as_str(),
            "http://localhost:54321/prefix/auth/v1"
        );
    }

    #[test]
    fn rejects_bad_urls_and_keys() {
        for u in [
            "",
            "not a url",
            "ftp://x.co",
            "https://x.co/?a=1",
            "https://x.co/#f",
            "https://u:p@x.co",
            "https://x.co/\r\n",
            "mailto:a@b.c",
        ] {
            assert!(
                matches!(Config::new(u, "k"), Err(Error::InvalidUrl { .. })),
                "{u:?}"
            );
        }
        assert!(matches!(
            Config::new("https://x.co", ""),
            Err(Error::InvalidHeader { .. })
        ));
        assert!(matches!(
            Config::new("https://x.co", "a\nb"),
            Err(Error::InvalidHeader { .. })
        ));
        let c = Config::new("https://x.co", "k").unwrap();
        assert!(c.clone().header("x-a", "b\r\nc").is_err());
        assert!(c.header("bad name", "v").is_err());
    }

    #[test]
    fn debug_hides_key() {
        let c = Config::new("https://x.co", "very-secret-key")
            .unwrap()
            .header("authorization", "Bearer hidden-token")
            .unwrap();
        let d = format!("{c:?}");
        assert!(!d.contains("very-secret-key"));
        assert!(!d.contains("hidden-token"));
    }
}
