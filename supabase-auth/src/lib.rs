//! Supabase Auth (GoTrue) client with safe, automatic sessions.
//!
//! [`AuthClient`] covers what auth-js does: sign-up and every sign-in (password, OTP, magic
//! link, anonymous, ID token, OAuth and SSO with the implicit or PKCE flow), sessions that
//! refresh themselves, the user, MFA (TOTP, phone, WebAuthn, recovery codes), identities,
//! passkeys ([`AuthClient::passkey`]: the server-facing half), web3 sign-in
//! ([`AuthClient::sign_in_with_web3`], [`SiweMessage`], [`SiwsMessage`]) and the OAuth 2.1
//! server side ([`AuthClient::oauth`]); [`AdminClient`] the service-role admin API (users,
//! factors, OAuth clients, custom providers, passkeys).
//!
//! - **Sessions**: sign-in makes a session current; it is kept in a [`SessionStore`]
//!   ([`MemoryStore`] by default, [`FileStore`] for CLIs and desktop apps) and refreshed
//!   lazily, once, however many requests need it ([`SessionTokenProvider`]), or in the
//!   background ([`AuthClient::start_auto_refresh`]). Browser sign-ins finish with
//!   [`AuthClient::get_session_from_url`] or [`AuthClient::exchange_code_for_session`].
//! - **Events**: [`AuthClient::on_auth_state_change`] gives a subscription that can be
//!   dropped.
//! - **Errors**: one [`Error`]; server answers are [`AuthApiError`] with a typed
//!   [`ErrorCode`].
//! - **Verifying tokens** (feature `jwt-verify`): `AuthClient::get_claims` checks a JWT
//!   locally (shared secret or the project's JWKS) or with the server.
//! - **`set_auth`**: a static token override for this client value only; it never touches
//!   the session (see [`AuthClient`]).
//!
//! ```no_run
//! use supabase_auth::{AuthClient, PasswordCredentials, SignOutScope};
//!
//! # async fn run() -> Result<(), supabase_auth::Error> {
//! let auth = AuthClient::new("https://xyzcompany.supabase.co/auth/v1", "public-anon-key")?;
//! let session = auth
//!     .sign_in_with_password(PasswordCredentials::email("ada@example.com", "correct horse"))
//!     .await?;
//! println!("signed in as {}", session.user.id);
//! let user = auth.get_user().await?; // verified by the server
//! # let _ = user;
//! auth.sign_out(SignOutScope::Local).await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod admin;
mod admin_oauth;
mod admin_params;
mod api_error;
mod auto_refresh;
mod builder;
mod callback;
#[cfg(feature = "jwt-verify")]
mod claims;
mod client;
mod error;
mod error_code;
mod events;
#[cfg(all(feature = "file-store", not(target_arch = "wasm32")))]
mod file_store;
mod http;
mod identities;
#[cfg(feature = "jwt-verify")]
mod jwt_crypto;
#[cfg(all(feature = "local-storage", target_arch = "wasm32"))]
mod local_storage;
mod mfa;
mod oauth_server;
mod pagination;
mod params;
mod passkeys;
mod pkce;
mod secret_serde;
mod session;
mod session_api;
mod sign_in;
mod sign_in_answers;
mod state;
mod store;
mod token_provider;
mod user;
mod web3;

pub use admin::AdminClient;
pub use admin_oauth::{
    CreateOAuthClientParams, CustomProvider, CustomProviderParams, CustomProviderType,
    ListOAuthClientsParams, OAuthClient, OAuthClientPage, TokenEndpointAuthMethod,
    UpdateOAuthClientParams,
};
pub use admin_params::{
    AdminUserAttributes, GenerateLinkParams, GeneratedLink, LinkProperties, ListUsersParams,
    UserPage,
};
pub use api_error::{AuthApiError, WeakPasswordReason};
pub use auto_refresh::{AUTO_REFRESH_TICK, AutoRefresh};
pub use builder::AuthClientBuilder;
#[cfg(feature = "jwt-verify")]
pub use claims::{ClaimsOptions, Verification, VerifiedClaims};
pub use client::{AuthClient, DEFAULT_REFRESH_MARGIN, FlowType};
pub use error::Error;
pub use error_code::ErrorCode;
pub use events::{AuthChangeEvent, AuthStateChange, AuthSubscription};
#[cfg(all(feature = "file-store", not(target_arch = "wasm32")))]
#[cfg_attr(docsrs, doc(cfg(feature = "file-store")))]
pub use file_store::FileStore;
/// Re-exported from `jsonwebtoken` (feature `jwt-verify`): keys for [`ClaimsOptions::jwks`].
#[cfg(feature = "jwt-verify")]
pub use jsonwebtoken::jwk::{Jwk, JwkSet};
#[cfg(feature = "jwt-verify")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt-verify")))]
pub use jwt_crypto::jwt_crypto_provider;
#[cfg(all(feature = "local-storage", target_arch = "wasm32"))]
pub use local_storage::LocalStorageStore;
pub use mfa::{
    AssuranceLevel, AssuranceLevels, EnrollFactor, EnrolledFactor, FactorList, Mfa, MfaChallenge,
    RecoveryCodeSet, RecoveryCodes, RecoveryCodesStatus, TotpEnrollment, WebauthnChallenge,
    WebauthnRelyingParty,
};
pub use oauth_server::{
    AuthorizationDetails, OAuthAuthorization, OAuthAuthorizationClient, OAuthAuthorizationUser,
    OAuthConsentRedirect, OAuthGrant, OAuthServer,
};
pub use params::{
    Channel, EmailOtpType, IdTokenCredentials, MobileOtpType, OAuthOptions, OtpCredentials,
    PasswordCredentials, RequestOptions, ResendParams, SignOutScope, SignUpCredentials, SsoParams,
    UserAttributes, VerifyOtpParams,
};
pub use passkeys::{Passkey, PasskeyChallenge, Passkeys};
pub use session::{Session, WeakPassword};
pub use sign_in_answers::{AuthResponse, OAuthRedirect, OtpSent, SignUpResponse, SsoRedirect};
pub use store::{MemoryStore, SessionStore};
/// What a standalone user needs from `supabase-core` to bring their own token source,
/// without depending on it directly.
pub use supabase_core::{
    AccessToken, Config, FnTokenProvider, Secret, ServiceError, StaticTokenProvider, TokenProvider,
    async_trait,
};
/// Re-exported from `supabase_core`: checking a user's access token before using it.
pub use supabase_core::{TokenUser, check_jwt_with_user};
pub use token_provider::SessionTokenProvider;
pub use user::{Factor, Identity, User};
pub use web3::{SiweMessage, SiwsMessage, Web3Credentials, web3_timestamp};
