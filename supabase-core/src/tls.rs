//! The rustls configuration every service connects with (features `rustls` and
//! `rustls-ring`).
//!
//! One place picks the crypto provider, so the HTTP transport and Realtime's websocket agree:
//! `rustls-ring` selects ring, otherwise `rustls` selects aws-lc-rs. Certificates are checked
//! by the platform's verifier (the system roots on Linux), as reqwest does on its own.
//! Nothing here touches the process-wide rustls default, so an application that installs its
//! own provider is left alone.

use std::sync::{Arc, OnceLock};

use rustls::ClientConfig;
use rustls::crypto::CryptoProvider;
use rustls_platform_verifier::BuilderVerifierExt;

use crate::{Error, TransportErrorKind};

/// ALPN for HTTP clients: HTTP/2 when the server offers it, else HTTP/1.1.
pub const HTTP_ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];

/// ALPN for websockets, which run over HTTP/1.1 only.
pub const WEBSOCKET_ALPN: &[&[u8]] = &[b"http/1.1"];

fn provider() -> CryptoProvider {
    #[cfg(feature = "rustls-ring")]
    {
        rustls::crypto::ring::default_provider()
    }
    #[cfg(not(feature = "rustls-ring"))]
    {
        rustls::crypto::aws_lc_rs::default_provider()
    }
}

/// A rustls client configuration with the selected provider, the platform verifier, safe
/// default protocol versions and the given ALPN protocols.
///
/// Service crates use it; an application rarely needs it (it can pass the result to
/// `reqwest::ClientBuilder::tls_backend_preconfigured` for its own pool).
///
/// ```
/// let config = supabase_core::tls::client_config(supabase_core::tls::HTTP_ALPN)?;
/// assert_eq!(config.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
/// # Ok::<(), supabase_core::Error>(())
/// ```
pub fn client_config(alpn: &[&[u8]]) -> Result<ClientConfig, Error> {
    // Built once per process: the platform verifier reads the system roots once, and every
    // client (and every Realtime reconnect) shares it through the cloned `Arc`s.
    static BASE: OnceLock<ClientConfig> = OnceLock::new();
    let mut config = match BASE.get() {
        Some(base) => base.clone(),
        None => {
            let built = build()?;
            BASE.get_or_init(|| built).clone()
        }
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

fn build() -> Result<ClientConfig, Error> {
    let failed = |e: rustls::Error| Error::Transport {
        kind: TransportErrorKind::Other,
        source: Box::new(e),
    };
    Ok(ClientConfig::builder_with_provider(Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .map_err(failed)?
        .with_platform_verifier()
        .map_err(failed)?
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kx_names(provider: &CryptoProvider) -> Vec<String> {
        provider
            .kx_groups
            .iter()
            .map(|group| format!("{:?}", group.name()))
            .collect()
    }

    #[test]
    fn the_features_pick_the_provider_and_each_caller_its_alpn() {
        let ws = client_config(WEBSOCKET_ALPN).unwrap();
        let http = client_config(HTTP_ALPN).unwrap();
        assert_eq!(ws.alpn_protocols, [b"http/1.1".to_vec()]);
        assert_eq!(http.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
        // The provider in the configuration is the one the features name, not rustls'
        // process default (ring and aws-lc-rs offer different key-exchange groups).
        #[cfg(feature = "rustls-ring")]
        let expected = rustls::crypto::ring::default_provider();
        #[cfg(not(feature = "rustls-ring"))]
        let expected = rustls::crypto::aws_lc_rs::default_provider();
        assert_eq!(kx_names(ws.crypto_provider()), kx_names(&expected));
        assert_eq!(kx_names(http.crypto_provider()), kx_names(&expected));
    }
}
