//! Web3 sign-in (`signInWithWeb3` in auth-js): build a Sign-In with Ethereum (EIP-4361) or
//! Sign-In with Solana message, have the wallet sign it (the caller's part: this crate holds
//! no wallet and no keys), then send message and signature (`POST /token?grant_type=web3`).

use std::fmt;

use base64::Engine as _;
use serde::Serialize;
use supabase_core::Method;

use crate::params::check_not_empty;
use crate::sign_in::{MetaSecurity, meta};
use crate::{AuthChangeEvent, AuthClient, Error, Session};

/// `seconds` since the Unix epoch as auth-js writes times (`Date.toISOString()`:
/// `2024-01-01T00:00:00.000Z`), for the messages' time fields.
///
/// ```
/// assert_eq!(supabase_auth::web3_timestamp(1_704_067_200), "2024-01-01T00:00:00.000Z");
/// ```
pub fn web3_timestamp(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rem = seconds % 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 (non-negative).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// A Sign-In with Ethereum message (EIP-4361), written as auth-js `createSiweMessage` does.
///
/// ```
/// use supabase_auth::SiweMessage;
///
/// let text = SiweMessage::new(
///     "example.com",
///     "0x1111111111111111111111111111111111111111",
///     "https://example.com/login",
///     1,
///     "2024-01-01T00:00:00.000Z",
/// )
/// .statement("Sign in to Example")
/// .nonce("abcdefgh12")
/// .build()?;
/// assert_eq!(text, "example.com wants you to sign in with your Ethereum account:\n\
///     0x1111111111111111111111111111111111111111\n\nSign in to Example\n\n\
///     URI: https://example.com/login\nVersion: 1\nChain ID: 1\nNonce: abcdefgh12\n\
///     Issued At: 2024-01-01T00:00:00.000Z");
/// # Ok::<(), supabase_auth::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiweMessage {
    domain: String,
    address: String,
    uri: String,
    chain_id: u64,
    issued_at: String,
    scheme: Option<String>,
    statement: Option<String>,
    nonce: Option<String>,
    expiration_time: Option<String>,
    not_before: Option<String>,
    request_id: Option<String>,
    resources: Vec<String>,
}

impl SiweMessage {
    /// The required fields: the site's host (`domain`), the wallet address (`0x` + 40 hex
    /// digits), the page URI, the EIP-155 chain id and the issue time (see
    /// [`web3_timestamp`]).
    pub fn new(
        domain: impl Into<String>,
        address: impl Into<String>,
        uri: impl Into<String>,
        chain_id: u64,
        issued_at: impl Into<String>,
    ) -> Self {
        Self {
            domain: domain.into(),
            address: address.into(),
            uri: uri.into(),
            chain_id,
            issued_at: issued_at.into(),
            scheme: None,
            statement: None,
            nonce: None,
            expiration_time: None,
            not_before: None,
            request_id: None,
            resources: Vec::new(),
        }
    }

    /// The URI scheme before the domain (`https`).
    pub fn scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = Some(scheme.into());
        self
    }

    /// A line for the user to agree to (no newline).
    pub fn statement(mut self, statement: impl Into<String>) -> Self {
        self.statement = Some(statement.into());
        self
    }

    /// A nonce (at least 8 characters).
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// When the message stops being valid.
    pub fn expiration_time(mut self, time: impl Into<String>) -> Self {
        self.expiration_time = Some(time.into());
        self
    }

    /// When the message starts being valid.
    pub fn not_before(mut self, time: impl Into<String>) -> Self {
        self.not_before = Some(time.into());
        self
    }

    /// A request id.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// A resource URI the sign-in covers.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// The message text to sign (`personal_sign`), after auth-js's checks. The address is
    /// written in lower case, as auth-js writes it.
    pub fn build(&self) -> Result<String, Error> {
        check_not_empty("the domain", &self.domain)?;
        check_not_empty("the URI", &self.uri)?;
        check_not_empty("the issue time", &self.issued_at)?;
        let hex = self.address.strip_prefix("0x").unwrap_or_default();
        if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid_input(
                "the Ethereum address must be 0x and 40 hex digits",
            ));
        }
        if self.nonce.as_ref().is_some_and(|n| n.chars().count() < 8) {
            return Err(Error::invalid_input(
                "the SIWE nonce must be at least 8 characters",
            ));
        }
        check_single_line("statement", self.statement.as_deref())?;
        if self.resources.iter().any(String::is_empty) {
            return Err(Error::invalid_input("a SIWE resource is empty"));
        }
        let origin = match &self.scheme {
            Some(scheme) => format!("{scheme}://{}", self.domain),
            None => self.domain.clone(),
        };
        let mut text = format!(
            "{origin} wants you to sign in with your Ethereum account:\n{}\n\n",
            self.address.to_ascii_lowercase()
        );
        if let Some(statement) = &self.statement {
            text.push_str(statement);
            text.push('\n');
        }
        text.push_str(&format!(
            "\nURI: {}\nVersion: 1\nChain ID: {}",
            self.uri, self.chain_id
        ));
        if let Some(nonce) = &self.nonce {
            text.push_str(&format!("\nNonce: {nonce}"));
        }
        text.push_str(&format!("\nIssued At: {}", self.issued_at));
        if let Some(t) = &self.expiration_time {
            text.push_str(&format!("\nExpiration Time: {t}"));
        }
        if let Some(t) = &self.not_before {
            text.push_str(&format!("\nNot Before: {t}"));
        }
        if let Some(id) = &self.request_id {
            text.push_str(&format!("\nRequest ID: {id}"));
        }
        if !self.resources.is_empty() {
            text.push_str("\nResources:");
            for r in &self.resources {
                text.push_str(&format!("\n- {r}"));
            }
        }
        Ok(text)
    }
}

/// A Sign-In with Solana message, in the field order auth-js writes it for wallets without
/// `signIn`.
///
/// ```
/// use supabase_auth::SiwsMessage;
///
/// let text = SiwsMessage::new(
///     "example.com",
///     "11111111111111111111111111111111",
///     "https://example.com/login",
///     "2024-01-01T00:00:00.000Z",
/// )
/// .build()?;
/// assert_eq!(text, "example.com wants you to sign in with your Solana account:\n\
///     11111111111111111111111111111111\n\nVersion: 1\nURI: https://example.com/login\n\
///     Issued At: 2024-01-01T00:00:00.000Z");
/// # Ok::<(), supabase_auth::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiwsMessage {
    domain: String,
    address: String,
    uri: String,
    issued_at: String,
    statement: Option<String>,
    not_before: Option<String>,
    expiration_time: Option<String>,
    chain_id: Option<String>,
    nonce: Option<String>,
    request_id: Option<String>,
    resources: Vec<String>,
}

impl SiwsMessage {
    /// The required fields: the site's host, the wallet's base58 public key, the page URI
    /// and the issue time (see [`web3_timestamp`]).
    pub fn new(
        domain: impl Into<String>,
        address: impl Into<String>,
        uri: impl Into<String>,
        issued_at: impl Into<String>,
    ) -> Self {
        Self {
            domain: domain.into(),
            address: address.into(),
            uri: uri.into(),
            issued_at: issued_at.into(),
            statement: None,
            not_before: None,
            expiration_time: None,
            chain_id: None,
            nonce: None,
            request_id: None,
            resources: Vec::new(),
        }
    }

    /// A line for the user to agree to (no newline).
    pub fn statement(mut self, statement: impl Into<String>) -> Self {
        self.statement = Some(statement.into());
        self
    }

    /// When the message starts being valid.
    pub fn not_before(mut self, time: impl Into<String>) -> Self {
        self.not_before = Some(time.into());
        self
    }

    /// When the message stops being valid.
    pub fn expiration_time(mut self, time: impl Into<String>) -> Self {
        self.expiration_time = Some(time.into());
        self
    }

    /// The cluster (`mainnet`, `devnet`, …).
    pub fn chain_id(mut self, chain: impl Into<String>) -> Self {
        self.chain_id = Some(chain.into());
        self
    }

    /// A nonce.
    pub fn nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// A request id.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// A resource URI the sign-in covers.
    pub fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// The message text to sign (`signMessage`). Resources go under `Resources:` as the SIWS
    /// specification and wallets write them (auth-js drops the colon).
    pub fn build(&self) -> Result<String, Error> {
        check_not_empty("the domain", &self.domain)?;
        check_not_empty("the address", &self.address)?;
        check_not_empty("the URI", &self.uri)?;
        check_not_empty("the issue time", &self.issued_at)?;
        check_single_line("statement", self.statement.as_deref())?;
        let mut lines = vec![
            format!(
                "{} wants you to sign in with your Solana account:",
                self.domain
            ),
            self.address.clone(),
        ];
        match &self.statement {
            Some(s) => lines.extend([String::new(), s.clone(), String::new()]),
            None => lines.push(String::new()),
        }
        lines.push("Version: 1".into());
        lines.push(format!("URI: {}", self.uri));
        lines.push(format!("Issued At: {}", self.issued_at));
        let optional = [
            ("Not Before", &self.not_before),
            ("Expiration Time", &self.expiration_time),
            ("Chain ID", &self.chain_id),
            ("Nonce", &self.nonce),
            ("Request ID", &self.request_id),
        ];
        for (label, value) in optional {
            if let Some(v) = value {
                lines.push(format!("{label}: {v}"));
            }
        }
        if !self.resources.is_empty() {
            lines.push("Resources:".into());
            lines.extend(self.resources.iter().map(|r| format!("- {r}")));
        }
        Ok(lines.join("\n"))
    }
}

fn check_single_line(what: &str, value: Option<&str>) -> Result<(), Error> {
    if value.is_some_and(|v| v.contains('\n')) {
        return Err(Error::invalid_input(format!(
            "the {what} must not contain a newline"
        )));
    }
    Ok(())
}

/// A signed web3 message for [`AuthClient::sign_in_with_web3`].
///
/// ```
/// use supabase_auth::Web3Credentials;
///
/// let eth = Web3Credentials::ethereum("example.com wants you to sign in …", "0xdeadbeef");
/// let sol = Web3Credentials::solana("example.com wants you to sign in …", &[0xde, 0xad])
///     .captcha_token("captcha");
/// # let _ = (eth, sol);
/// ```
#[derive(Clone)]
pub struct Web3Credentials {
    chain: &'static str,
    message: String,
    signature: String,
    captcha_token: Option<String>,
}

impl Web3Credentials {
    /// An Ethereum message and its `personal_sign` signature (`0x`-prefixed hex).
    pub fn ethereum(message: impl Into<String>, signature_hex: impl Into<String>) -> Self {
        Self {
            chain: "ethereum",
            message: message.into(),
            signature: signature_hex.into(),
            captcha_token: None,
        }
    }

    /// A Solana message and its Ed25519 signature bytes (sent base64url-encoded).
    pub fn solana(message: impl Into<String>, signature: &[u8]) -> Self {
        Self {
            chain: "solana",
            message: message.into(),
            signature: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature),
            captcha_token: None,
        }
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.captcha_token = Some(token.into());
        self
    }

    fn check(&self) -> Result<(), Error> {
        check_not_empty("the message", &self.message)?;
        check_not_empty("the signature", &self.signature)?;
        if self.chain == "ethereum" {
            let hex = self.signature.strip_prefix("0x").unwrap_or_default();
            if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::invalid_input(
                    "an Ethereum signature must be 0x-prefixed hex",
                ));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Web3Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Web3Credentials")
            .field("chain", &self.chain)
            .field("message", &self.message)
            .field("signature", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl AuthClient {
    /// Signs in with a wallet-signed message (`POST /token?grant_type=web3`); the session
    /// becomes current (event `SignedIn`). Build the message with [`SiweMessage`] or
    /// [`SiwsMessage`], have the wallet sign it, then call this (auth-js's
    /// `signInWithWeb3({ chain, message, signature })`).
    ///
    /// ```no_run
    /// use supabase_auth::{SiweMessage, Web3Credentials, web3_timestamp};
    /// # async fn run(auth: supabase_auth::AuthClient, now: u64, sign: impl Fn(&str) -> String) -> Result<(), supabase_auth::Error> {
    /// let message = SiweMessage::new(
    ///     "example.com",
    ///     "0x1111111111111111111111111111111111111111",
    ///     "https://example.com/login",
    ///     1,
    ///     web3_timestamp(now),
    /// )
    /// .build()?;
    /// let signature = sign(&message); // the wallet's personal_sign
    /// let session = auth.sign_in_with_web3(Web3Credentials::ethereum(message, signature)).await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in_with_web3(&self, credentials: Web3Credentials) -> Result<Session, Error> {
        credentials.check()?;
        #[derive(Serialize)]
        struct Body<'a> {
            chain: &'a str,
            message: &'a str,
            signature: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            gotrue_meta_security: Option<MetaSecurity<'a>>,
        }
        let body = Body {
            chain: credentials.chain,
            message: &credentials.message,
            signature: &credentials.signature,
            gotrue_meta_security: credentials
                .captcha_token
                .is_some()
                .then(|| meta(&credentials.captcha_token)),
        };
        let url = self
            .inner
            .http()
            .url(&["token"], &[("grant_type", "web3")])?;
        let response = self
            .inner
            .http()
            .send_json(Method::POST, url, &body, crate::http::Bearer::Key)
            .await?;
        let session = crate::session::parse_auth_answer(&response.body, self.inner.now())?
            .session
            .ok_or(Error::InvalidTokenResponse)?;
        self.inner
            .save(session.clone(), AuthChangeEvent::SignedIn)
            .await?;
        Ok(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(web3_timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(web3_timestamp(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(web3_timestamp(4_102_444_799), "2099-12-31T23:59:59.000Z");
    }

    #[test]
    fn siwe_checks_and_full_form() {
        let base = || {
            SiweMessage::new(
                "ex.com",
                "0xABCDEF0123456789abcdef0123456789ABCDEF01",
                "https://ex.com",
                10,
                "T",
            )
        };
        assert!(base().nonce("short").build().is_err());
        assert!(base().statement("a\nb").build().is_err());
        assert!(
            SiweMessage::new("ex.com", "0x12", "https://ex.com", 1, "T")
                .build()
                .is_err()
        );
        let text = base()
            .scheme("https")
            .expiration_time("E")
            .not_before("N")
            .request_id("R")
            .resource("ipfs://a")
            .resource("https://b")
            .build()
            .unwrap();
        assert_eq!(
            text,
            "https://ex.com wants you to sign in with your Ethereum account:\n\
             0xabcdef0123456789abcdef0123456789abcdef01\n\n\nURI: https://ex.com\nVersion: 1\n\
             Chain ID: 10\nIssued At: T\nExpiration Time: E\nNot Before: N\nRequest ID: R\n\
             Resources:\n- ipfs://a\n- https://b"
        );
    }

    #[test]
    fn siws_full_form() {
        let text = SiwsMessage::new("ex.com", "Pubkey", "https://ex.com", "T")
            .statement("Hi")
            .not_before("N")
            .expiration_time("E")
            .chain_id("devnet")
            .nonce("n1")
            .request_id("R")
            .resource("r1")
            .build()
            .unwrap();
        assert_eq!(
            text,
            "ex.com wants you to sign in with your Solana account:\nPubkey\n\nHi\n\nVersion: 1\n\
             URI: https://ex.com\nIssued At: T\nNot Before: N\nExpiration Time: E\n\
             Chain ID: devnet\nNonce: n1\nRequest ID: R\nResources:\n- r1"
        );
    }
}
