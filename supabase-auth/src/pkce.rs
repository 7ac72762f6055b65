//! PKCE (RFC 7636) code verifiers and challenges.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::Error;
use crate::state::Inner;

/// The challenge method auth-js sends (lower case, as GoTrue accepts it).
pub(crate) const CHALLENGE_METHOD: &str = "s256";

/// The suffix auth-js appends to a stored verifier for a password-recovery flow.
pub(crate) const RECOVERY_SUFFIX: &str = "/recovery";

/// A new verifier: 56 random bytes as 112 lowercase hex characters (as auth-js makes them).
pub(crate) fn new_verifier() -> Result<String, Error> {
    let mut bytes = [0u8; 56];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid_input(format!("no randomness available for PKCE: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `base64url(sha256(verifier))` without padding.
pub(crate) fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Where a flow's PKCE verifier is kept between starting it and exchanging its code: the
/// client's session store, under `<storage key>-code-verifier` (as auth-js).
impl Inner {
    /// The store key of the verifier.
    pub fn verifier_key(&self) -> String {
        format!("{}-code-verifier", self.settings.storage_key)
    }

    /// Reads and removes the stored PKCE verifier.
    pub async fn take_verifier(&self) -> Result<Option<String>, Error> {
        let key = self.verifier_key();
        let store = &self.settings.store;
        let value = store.get(&key).await.map_err(|source| Error::Store {
            operation: "load",
            source,
        })?;
        if value.is_some() {
            let _ = store.remove(&key).await;
        }
        Ok(value)
    }

    /// Stores a PKCE verifier (with `/recovery` appended for a password-recovery flow).
    pub async fn put_verifier(&self, verifier: &str) -> Result<(), Error> {
        self.settings
            .store
            .set(&self.verifier_key(), verifier)
            .await
            .map_err(|source| Error::Store {
                operation: "save",
                source,
            })
    }

    pub async fn drop_verifier(&self) {
        let _ = self.settings.store.remove(&self.verifier_key()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_long_random_hex() {
        let a = new_verifier().unwrap();
        let b = new_verifier().unwrap();
        assert_eq!(a.len(), 112);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
