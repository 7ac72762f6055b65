//! The `reqwest` builder this crate's own connection pool is made from.

#[cfg(not(target_arch = "wasm32"))]
use crate::redirect_policy;
use crate::{Error, TransportErrorKind};

/// reqwest's client builder set up as the transport sets up its own pool: the same-origin
/// [`redirect_policy`] and the TLS configuration the features select (ring under the default
/// `rustls-ring`, which reqwest cannot pick on its own). Add your options (proxy, pool size,
/// timeouts) and pass the client to [`Config::http_client`](crate::Config::http_client) or the
/// façade's `ClientBuilder::http_client` to share one pool with the rest of your application.
///
/// Under `rustls-ring`, a client from a bare `reqwest::Client::builder()` has no crypto
/// provider and panics when built, unless your application installs a rustls provider for the
/// process (or enables reqwest's own `rustls` feature); start from this builder instead.
///
/// ```
/// use std::time::Duration;
///
/// let http = supabase_core::http_client_builder()?
///     .pool_idle_timeout(Duration::from_secs(30))
///     .build()?;
/// let config = supabase_core::Config::new("https://xyzcompany.supabase.co", "anon-key")?
///     .http_client(http);
/// # let _ = config;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// On `wasm32` it is reqwest's plain builder: `fetch` follows redirects itself (no policy can
/// be set; the transport still refuses an answer from another origin) and TLS is the browser's.
#[cfg(not(target_arch = "wasm32"))]
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    let builder = reqwest::Client::builder().redirect(redirect_policy());
    #[cfg(feature = "rustls-ring")]
    let builder =
        builder.tls_backend_preconfigured(crate::tls::client_config(crate::tls::HTTP_ALPN)?);
    Ok(builder)
}

/// reqwest's plain builder on `wasm32` (see the native version's documentation).
#[cfg(target_arch = "wasm32")]
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(reqwest::Client::builder())
}

/// [`http_client_builder`], built.
pub(crate) fn default_http_client() -> Result<reqwest::Client, Error> {
    http_client_builder()?
        .build()
        .map_err(|e| Error::Transport {
            kind: TransportErrorKind::Other,
            source: Box::new(e),
        })
}
