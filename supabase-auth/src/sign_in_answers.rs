//! What the sign-up and sign-in flows of [`AuthClient`](crate::AuthClient) answer.

use supabase_core::{Secret, Url};

use crate::{Session, User};

/// What [`AuthClient::sign_up`](crate::AuthClient::sign_up) produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SignUpResponse {
    /// The project confirms automatically: the user is signed in.
    SignedIn(Session),
    /// The user must confirm their email or phone first; nobody is signed in yet.
    ConfirmationRequired(User),
}

/// The answer of an OTP send ([`AuthClient::sign_in_with_otp`](crate::AuthClient::sign_in_with_otp), [`AuthClient::resend`](crate::AuthClient::resend)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OtpSent {
    /// The SMS provider's message id, for phone OTPs.
    pub message_id: Option<String>,
}

/// What [`AuthClient::verify_otp`](crate::AuthClient::verify_otp) produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuthResponse {
    /// The session, when the verification signed the user in.
    pub session: Option<Session>,
    /// The user, when the server sent one.
    pub user: Option<User>,
}

/// Where to send the user for an OAuth sign-in ([`AuthClient::sign_in_with_oauth`](crate::AuthClient::sign_in_with_oauth)).
#[derive(Clone)]
#[non_exhaustive]
pub struct OAuthRedirect {
    /// The provider.
    pub provider: String,
    /// The `/authorize` URL to open in a browser.
    pub url: Url,
    /// With the PKCE flow: the code verifier, also kept in the session store. A server that
    /// serves many users keeps it itself (e.g. in a cookie) and passes it to
    /// [`AuthClient::exchange_code_for_session_with_verifier`](crate::AuthClient::exchange_code_for_session_with_verifier).
    pub code_verifier: Option<Secret>,
}

impl std::fmt::Debug for OAuthRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthRedirect")
            .field("provider", &self.provider)
            .field("url", &self.url.as_str())
            .field(
                "code_verifier",
                &self.code_verifier.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// The identity provider's sign-in page for an SSO sign-in ([`AuthClient::sign_in_with_sso`](crate::AuthClient::sign_in_with_sso)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[non_exhaustive]
pub struct SsoRedirect {
    /// The URL to open in a browser.
    pub url: String,
}
