//! The crypto behind local JWT verification (feature `jwt-verify`): the library the TLS
//! feature already builds, so no second crypto stack is compiled.
//!
//! - `rustls-ring`: ring, through the jsonwebtoken [`CryptoProvider`] below (jsonwebtoken
//!   ships none for ring).
//! - `rustls` alone: jsonwebtoken's own aws-lc-rs provider.
//!
//! jsonwebtoken reads its provider from one process-wide slot; [`jwt_crypto_provider`] is
//! installed there on first use unless the application installed one before (any complete
//! provider verifies the same way).

use jsonwebtoken::crypto::CryptoProvider;

#[cfg(not(any(feature = "rustls", feature = "rustls-ring")))]
compile_error!(
    "the `jwt-verify` feature checks signatures with the crypto library of the TLS feature: \
     enable `rustls-ring` (the default) or `rustls`"
);

/// The jsonwebtoken crypto provider [`get_claims`](crate::AuthClient::get_claims) verifies
/// with: ring under `rustls-ring`, else aws-lc-rs under `rustls`.
///
/// It is installed as jsonwebtoken's process default the first time a token is verified
/// (unless one was installed before). Install it yourself first if your own code signs or
/// verifies with jsonwebtoken in the same process and enables no jsonwebtoken backend:
///
/// ```
/// let _ = supabase_auth::jwt_crypto_provider().install_default();
/// ```
pub fn jwt_crypto_provider() -> &'static CryptoProvider {
    #[cfg(feature = "rustls-ring")]
    {
        &ring_provider::PROVIDER
    }
    #[cfg(not(feature = "rustls-ring"))]
    {
        &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER
    }
}

/// Makes sure jsonwebtoken has a provider before it is asked for one.
pub(crate) fn ensure_installed() {
    // `Err` means a provider is already installed, which is all this needs.
    let _ = jwt_crypto_provider().install_default();
}

#[cfg(feature = "rustls-ring")]
mod ring_provider {
    //! jsonwebtoken's signer and verifier traits on ring (the same calls as jsonwebtoken's
    //! aws-lc-rs provider, whose API ring shares).

    use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
    use jsonwebtoken::errors::{Error, ErrorKind, Result};
    use jsonwebtoken::jwk::{EllipticCurve, ThumbprintHash};
    use jsonwebtoken::signature::{self, Signer, Verifier};
    use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
    use ring::rand::SystemRandom;
    use ring::signature::{self as sig, KeyPair, VerificationAlgorithm};
    use ring::{digest, hmac};

    pub(super) static PROVIDER: CryptoProvider = CryptoProvider {
        signer_factory: new_signer,
        verifier_factory: new_verifier,
        key_utils: KeyUtils {
            rsa_pub_components_from_private_key: rsa_components_from_private_key,
            rsa_pub_components_from_public_key: rsa_components_from_public_key,
            ec_pub_components_from_private_key: ec_components_from_private_key,
            ed_pub_components_from_private_key,
            compute_digest,
        },
    };

    fn wrong_key() -> Error {
        ErrorKind::InvalidKeyFormat.into()
    }

    fn check_family(actual: AlgorithmFamily, expected: AlgorithmFamily) -> Result<()> {
        if actual == expected {
            Ok(())
        } else {
            Err(wrong_key())
        }
    }

    fn ecdsa_signing(alg: Algorithm) -> Option<&'static sig::EcdsaSigningAlgorithm> {
        match alg {
            Algorithm::ES256 => Some(&sig::ECDSA_P256_SHA256_FIXED_SIGNING),
            Algorithm::ES384 => Some(&sig::ECDSA_P384_SHA384_FIXED_SIGNING),
            _ => None,
        }
    }

    fn hmac_algorithm(alg: Algorithm) -> Option<hmac::Algorithm> {
        match alg {
            Algorithm::HS256 => Some(hmac::HMAC_SHA256),
            Algorithm::HS384 => Some(hmac::HMAC_SHA384),
            Algorithm::HS512 => Some(hmac::HMAC_SHA512),
            _ => None,
        }
    }

    fn rsa_signing(alg: Algorithm) -> Option<&'static dyn sig::RsaEncoding> {
        match alg {
            Algorithm::RS256 => Some(&sig::RSA_PKCS1_SHA256),
            Algorithm::RS384 => Some(&sig::RSA_PKCS1_SHA384),
            Algorithm::RS512 => Some(&sig::RSA_PKCS1_SHA512),
            Algorithm::PS256 => Some(&sig::RSA_PSS_SHA256),
            Algorithm::PS384 => Some(&sig::RSA_PSS_SHA384),
            Algorithm::PS512 => Some(&sig::RSA_PSS_SHA512),
            _ => None,
        }
    }

    fn rsa_verification(alg: Algorithm) -> Option<&'static sig::RsaParameters> {
        match alg {
            Algorithm::RS256 => Some(&sig::RSA_PKCS1_2048_8192_SHA256),
            Algorithm::RS384 => Some(&sig::RSA_PKCS1_2048_8192_SHA384),
            Algorithm::RS512 => Some(&sig::RSA_PKCS1_2048_8192_SHA512),
            Algorithm::PS256 => Some(&sig::RSA_PSS_2048_8192_SHA256),
            Algorithm::PS384 => Some(&sig::RSA_PSS_2048_8192_SHA384),
            Algorithm::PS512 => Some(&sig::RSA_PSS_2048_8192_SHA512),
            _ => None,
        }
    }

    /// Signs with the key pair made for one algorithm.
    enum SigningKey {
        Hmac(hmac::Key),
        Ecdsa(sig::EcdsaKeyPair),
        Rsa(sig::RsaKeyPair, &'static dyn sig::RsaEncoding),
        Ed25519(sig::Ed25519KeyPair),
    }

    struct RingSigner {
        alg: Algorithm,
        key: SigningKey,
    }

    impl Signer<Vec<u8>> for RingSigner {
        fn try_sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
            let rng = SystemRandom::new();
            match &self.key {
                SigningKey::Hmac(key) => Ok(hmac::sign(key, msg).as_ref().to_vec()),
                SigningKey::Ecdsa(pair) => pair
                    .sign(&rng, msg)
                    .map(|s| s.as_ref().to_vec())
                    .map_err(signature::Error::from_source),
                SigningKey::Rsa(pair, encoding) => {
                    let mut out = vec![0; pair.public().modulus_len()];
                    pair.sign(*encoding, &rng, msg, &mut out)
                        .map_err(signature::Error::from_source)?;
                    Ok(out)
                }
                SigningKey::Ed25519(pair) => Ok(pair.sign(msg).as_ref().to_vec()),
            }
        }
    }

    impl JwtSigner for RingSigner {
        fn algorithm(&self) -> Algorithm {
            self.alg
        }
    }

    fn new_signer(alg: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
        let alg = *alg;
        let rng = SystemRandom::new();
        let key = if let Some(hmac_alg) = hmac_algorithm(alg) {
            check_family(key.family(), AlgorithmFamily::Hmac)?;
            SigningKey::Hmac(hmac::Key::new(hmac_alg, key.as_bytes()))
        } else if let Some(signing) = ecdsa_signing(alg) {
            check_family(key.family(), AlgorithmFamily::Ec)?;
            SigningKey::Ecdsa(
                sig::EcdsaKeyPair::from_pkcs8(signing, key.as_bytes(), &rng)
                    .map_err(|_| Error::from(ErrorKind::InvalidEcdsaKey))?,
            )
        } else if let Some(encoding) = rsa_signing(alg) {
            check_family(key.family(), AlgorithmFamily::Rsa)?;
            let pair = sig::RsaKeyPair::from_der(key.as_bytes())
                .map_err(|e| Error::from(ErrorKind::InvalidRsaKey(e.to_string())))?;
            SigningKey::Rsa(pair, encoding)
        } else {
            check_family(key.family(), AlgorithmFamily::Ed)?;
            SigningKey::Ed25519(
                sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(key.as_bytes())
                    .map_err(|_| Error::from(ErrorKind::InvalidEddsaKey))?,
            )
        };
        Ok(Box::new(RingSigner { alg, key }))
    }

    struct RingVerifier {
        alg: Algorithm,
        key: DecodingKey,
    }

    impl Verifier<Vec<u8>> for RingVerifier {
        fn verify(
            &self,
            msg: &[u8],
            signature: &Vec<u8>,
        ) -> std::result::Result<(), signature::Error> {
            let bytes = || {
                self.key
                    .try_get_as_bytes()
                    .map_err(signature::Error::from_source)
            };
            let failed = signature::Error::from_source;
            if let Some(hmac_alg) = hmac_algorithm(self.alg) {
                let key = hmac::Key::new(hmac_alg, bytes()?);
                return hmac::verify(&key, msg, signature).map_err(failed);
            }
            if let Some(params) = rsa_verification(self.alg) {
                return match self.key.kind() {
                    DecodingKeyKind::SecretOrDer(der) => {
                        sig::UnparsedPublicKey::new(params, der).verify(msg, signature)
                    }
                    DecodingKeyKind::RsaModulusExponent { n, e } => {
                        sig::RsaPublicKeyComponents { n, e }.verify(params, msg, signature)
                    }
                }
                .map_err(failed);
            }
            let algorithm: &dyn VerificationAlgorithm = match self.alg {
                Algorithm::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
                Algorithm::ES384 => &sig::ECDSA_P384_SHA384_FIXED,
                _ => &sig::ED25519,
            };
            sig::UnparsedPublicKey::new(algorithm, bytes()?)
                .verify(msg, signature)
                .map_err(failed)
        }
    }

    impl JwtVerifier for RingVerifier {
        fn algorithm(&self) -> Algorithm {
            self.alg
        }
    }

    fn new_verifier(alg: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
        let expected = match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => AlgorithmFamily::Hmac,
            Algorithm::ES256 | Algorithm::ES384 => AlgorithmFamily::Ec,
            Algorithm::EdDSA => AlgorithmFamily::Ed,
            _ => AlgorithmFamily::Rsa,
        };
        check_family(key.family(), expected)?;
        Ok(Box::new(RingVerifier {
            alg: *alg,
            key: key.clone(),
        }))
    }

    fn rsa_components_from_private_key(der: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let pair = sig::RsaKeyPair::from_der(der)
            .map_err(|e| Error::from(ErrorKind::InvalidRsaKey(e.to_string())))?;
        let components = sig::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
        Ok((components.n, components.e))
    }

    fn rsa_components_from_public_key(_der: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        // ring parses RSA public keys only to verify with them, not into components.
        Err(ErrorKind::InvalidRsaKey(
            "reading RSA public key components from DER is not offered on ring".into(),
        )
        .into())
    }

    fn ec_components_from_private_key(
        der: &[u8],
        alg: Algorithm,
    ) -> Result<(EllipticCurve, Vec<u8>, Vec<u8>)> {
        let (curve, half) = match alg {
            Algorithm::ES256 => (EllipticCurve::P256, 32),
            Algorithm::ES384 => (EllipticCurve::P384, 48),
            _ => return Err(ErrorKind::InvalidEcdsaKey.into()),
        };
        let signing = ecdsa_signing(alg).ok_or(ErrorKind::InvalidEcdsaKey)?;
        let pair = sig::EcdsaKeyPair::from_pkcs8(signing, der, &SystemRandom::new())
            .map_err(|_| Error::from(ErrorKind::InvalidEcdsaKey))?;
        // An uncompressed point: 0x04, then x and y.
        match pair.public_key().as_ref().split_first() {
            Some((4, rest)) if rest.len() == 2 * half => {
                let (x, y) = rest.split_at(half);
                Ok((curve, x.to_vec(), y.to_vec()))
            }
            _ => Err(ErrorKind::InvalidEcdsaKey.into()),
        }
    }

    fn ed_pub_components_from_private_key(der: &[u8], curve: &EllipticCurve) -> Result<Vec<u8>> {
        match curve {
            EllipticCurve::Ed25519 => Ok(sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                .map_err(|_| Error::from(ErrorKind::InvalidEddsaKey))?
                .public_key()
                .as_ref()
                .to_vec()),
            _ => Err(ErrorKind::InvalidAlgorithm.into()),
        }
    }

    fn compute_digest(data: &[u8], hash: ThumbprintHash) -> Result<Vec<u8>> {
        let algorithm = match hash {
            ThumbprintHash::SHA256 => &digest::SHA256,
            ThumbprintHash::SHA384 => &digest::SHA384,
            ThumbprintHash::SHA512 => &digest::SHA512,
            _ => return Err(ErrorKind::InvalidAlgorithm.into()),
        };
        Ok(digest::digest(algorithm, data).as_ref().to_vec())
    }
}
