//! Passkeys (`auth.passkey.*` in auth-js): the server-facing half of a WebAuthn passkey
//! flow.
//!
//! A passkey flow has two halves. **This crate's half** is the Auth server's side: asking
//! for registration or authentication options (a challenge), and sending the browser's
//! answer back for verification, then listing, renaming and deleting passkeys. **The page's
//! half** stays in the browser: passing the options to `navigator.credentials.create()` /
//! `.get()` (auth-js's `registerPasskey` / `signInWithPasskey` do that, as do libraries like
//! SimpleWebAuthn) and handing the resulting credential JSON to your Rust backend. Options
//! and credentials are carried as JSON ([`serde_json::Value`]) exactly as the server and the
//! browser write them; nothing here decodes or checks WebAuthn data (the Auth server does).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use supabase_core::Method;

use crate::http::{Bearer, decode};
use crate::params::check_not_empty;
use crate::session::parse_auth_answer;
use crate::sign_in::{MetaSecurity, meta};
use crate::{AuthChangeEvent, AuthClient, Error, Session};

/// The passkey part of an [`AuthClient`] (from [`AuthClient::passkey`]).
#[derive(Debug, Clone, Copy)]
pub struct Passkeys<'a> {
    auth: &'a AuthClient,
}

/// A registered passkey.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Passkey {
    /// Its id.
    pub id: String,
    /// The name the user gave it.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// When it was registered.
    #[serde(default)]
    pub created_at: String,
    /// When it was last used to sign in.
    #[serde(default)]
    pub last_used_at: Option<String>,
}

/// A WebAuthn challenge from the Auth server: options for the browser and the id to send
/// its answer back with.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PasskeyChallenge {
    /// The challenge id, for the verify call.
    pub challenge_id: String,
    /// `PublicKeyCredentialCreationOptionsJSON` (registration) or
    /// `PublicKeyCredentialRequestOptionsJSON` (authentication), as the server wrote them:
    /// hand them to the page.
    pub options: Value,
    /// When the challenge expires (seconds since the Unix epoch).
    #[serde(default)]
    pub expires_at: u64,
}

#[derive(Serialize)]
struct VerifyBody<'a> {
    challenge_id: &'a str,
    credential: &'a Value,
}

fn check_credential(challenge_id: &str, credential: &Value) -> Result<(), Error> {
    check_not_empty("the challenge id", challenge_id)?;
    if !credential.is_object() {
        return Err(Error::invalid_input(
            "the credential must be the browser's PublicKeyCredential JSON (an object)",
        ));
    }
    Ok(())
}

impl AuthClient {
    /// The passkey API (auth-js `auth.passkey`). Registration and management use the
    /// `set_auth` override if any, else the session; authentication needs neither.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, from_browser: serde_json::Value) -> Result<(), supabase_auth::Error> {
    /// // Sign-in: send the options to the page, get its credential back, verify it.
    /// let challenge = auth.passkey().start_authentication(None).await?;
    /// // … page: navigator.credentials.get({ publicKey: challenge.options }) → from_browser
    /// let session = auth.passkey().verify_authentication(&challenge.challenge_id, &from_browser).await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub fn passkey(&self) -> Passkeys<'_> {
        Passkeys { auth: self }
    }
}

impl Passkeys<'_> {
    /// Registration options for a new passkey of the signed-in user
    /// (`POST /passkeys/registration/options`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let challenge = auth.passkey().start_registration().await?;
    /// // send challenge.options to the page for navigator.credentials.create()
    /// # let _ = challenge;
    /// # Ok(()) }
    /// ```
    pub async fn start_registration(&self) -> Result<PasskeyChallenge, Error> {
        let url = self
            .auth
            .inner
            .http()
            .url(&["passkeys", "registration", "options"], &[])?;
        let (response, _) = self
            .auth
            .user_request_json(Method::POST, url, &serde_json::json!({}))
            .await?;
        decode(&response)
    }

    /// Verifies the page's registration credential (`POST /passkeys/registration/verify`)
    /// and returns the new passkey.
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, challenge_id: &str, credential: serde_json::Value) -> Result<(), supabase_auth::Error> {
    /// let passkey = auth.passkey().verify_registration(challenge_id, &credential).await?;
    /// # let _ = passkey;
    /// # Ok(()) }
    /// ```
    pub async fn verify_registration(
        &self,
        challenge_id: &str,
        credential: &Value,
    ) -> Result<Passkey, Error> {
        check_credential(challenge_id, credential)?;
        let url = self
            .auth
            .inner
            .http()
            .url(&["passkeys", "registration", "verify"], &[])?;
        let (response, _) = self
            .auth
            .user_request_json(
                Method::POST,
                url,
                &VerifyBody {
                    challenge_id,
                    credential,
                },
            )
            .await?;
        decode(&response)
    }

    /// Authentication options for a passkey sign-in (`POST /passkeys/authentication/options`;
    /// no user token).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let challenge = auth.passkey().start_authentication(Some("captcha-token")).await?;
    /// # let _ = challenge;
    /// # Ok(()) }
    /// ```
    pub async fn start_authentication(
        &self,
        captcha_token: Option<&str>,
    ) -> Result<PasskeyChallenge, Error> {
        #[derive(Serialize)]
        struct Body<'a> {
            gotrue_meta_security: MetaSecurity<'a>,
        }
        let captcha = captcha_token.map(str::to_owned);
        let http = self.auth.inner.http();
        let url = http.url(&["passkeys", "authentication", "options"], &[])?;
        let response = http
            .send_json(
                Method::POST,
                url,
                &Body {
                    gotrue_meta_security: meta(&captcha),
                },
                Bearer::Key,
            )
            .await?;
        decode(&response)
    }

    /// Verifies the page's authentication credential (`POST /passkeys/authentication/verify`);
    /// the session becomes current (event `SignedIn`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient, challenge_id: &str, credential: serde_json::Value) -> Result<(), supabase_auth::Error> {
    /// let session = auth.passkey().verify_authentication(challenge_id, &credential).await?;
    /// # let _ = session;
    /// # Ok(()) }
    /// ```
    pub async fn verify_authentication(
        &self,
        challenge_id: &str,
        credential: &Value,
    ) -> Result<Session, Error> {
        check_credential(challenge_id, credential)?;
        let http = self.auth.inner.http();
        let url = http.url(&["passkeys", "authentication", "verify"], &[])?;
        let response = http
            .send_json(
                Method::POST,
                url,
                &VerifyBody {
                    challenge_id,
                    credential,
                },
                Bearer::Key,
            )
            .await?;
        let session = parse_auth_answer(&response.body, self.auth.inner.now())?
            .session
            .ok_or(Error::InvalidTokenResponse)?;
        self.auth
            .inner
            .save(session.clone(), AuthChangeEvent::SignedIn)
            .await?;
        Ok(session)
    }

    /// The signed-in user's passkeys (`GET /passkeys`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// for passkey in auth.passkey().list().await? {
    ///     println!("{} {:?}", passkey.id, passkey.friendly_name);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<Passkey>, Error> {
        let url = self.auth.inner.http().url(&["passkeys"], &[])?;
        let (response, _) = self.auth.user_request(Method::GET, url, None).await?;
        decode(&response)
    }

    /// Renames a passkey (`PATCH /passkeys/{id}`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// let passkey = auth.passkey().update("passkey-id", "work laptop").await?;
    /// # let _ = passkey;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, passkey_id: &str, friendly_name: &str) -> Result<Passkey, Error> {
        check_not_empty("the passkey id", passkey_id)?;
        check_not_empty("the name", friendly_name)?;
        #[derive(Serialize)]
        struct Body<'a> {
            friendly_name: &'a str,
        }
        let url = self.auth.inner.http().url(&["passkeys", passkey_id], &[])?;
        let (response, _) = self
            .auth
            .user_request_json(Method::PATCH, url, &Body { friendly_name })
            .await?;
        decode(&response)
    }

    /// Deletes a passkey (`DELETE /passkeys/{id}`).
    ///
    /// ```no_run
    /// # async fn run(auth: supabase_auth::AuthClient) -> Result<(), supabase_auth::Error> {
    /// auth.passkey().delete("passkey-id").await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, passkey_id: &str) -> Result<(), Error> {
        check_not_empty("the passkey id", passkey_id)?;
        let url = self.auth.inner.http().url(&["passkeys", passkey_id], &[])?;
        self.auth.user_request(Method::DELETE, url, None).await?;
        Ok(())
    }
}
