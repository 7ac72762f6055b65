//! The `error_code` values of Supabase Auth.

use std::fmt;

/// A machine-readable Auth error code (the server's `code` / `error_code`).
///
/// Every code of the Auth server (and the few only auth-js knows) has a variant; anything else,
/// including the server's own `unknown`, is kept verbatim in [`ErrorCode::Unknown`], since the
/// server gains codes faster than clients.
///
/// ```
/// use supabase_auth::ErrorCode;
///
/// assert_eq!(ErrorCode::parse("invalid_credentials"), ErrorCode::InvalidCredentials);
/// assert_eq!(ErrorCode::parse("something_new"), ErrorCode::Unknown("something_new".into()));
/// assert_eq!(ErrorCode::WeakPassword.as_str(), "weak_password");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `anonymous_provider_disabled`
    AnonymousProviderDisabled,
    /// `bad_code_verifier`
    BadCodeVerifier,
    /// `bad_json`
    BadJson,
    /// `bad_jwt`
    BadJwt,
    /// `bad_oauth_callback`
    BadOAuthCallback,
    /// `bad_oauth_state`
    BadOAuthState,
    /// `captcha_failed`
    CaptchaFailed,
    /// `conflict`
    Conflict,
    /// `current_password_invalid`
    CurrentPasswordInvalid,
    /// `current_password_required`
    CurrentPasswordRequired,
    /// `custom_provider_not_found`
    CustomProviderNotFound,
    /// `email_address_invalid`
    EmailAddressInvalid,
    /// `email_address_not_authorized`
    EmailAddressNotAuthorized,
    /// `email_address_not_provided`
    EmailAddressNotProvided,
    /// `email_conflict_identity_not_deletable`
    EmailConflictIdentityNotDeletable,
    /// `email_exists`
    EmailExists,
    /// `email_not_confirmed`
    EmailNotConfirmed,
    /// `email_provider_disabled`
    EmailProviderDisabled,
    /// `feature_disabled`
    FeatureDisabled,
    /// `flow_state_already_used`
    FlowStateAlreadyUsed,
    /// `flow_state_expired`
    FlowStateExpired,
    /// `flow_state_not_found`
    FlowStateNotFound,
    /// `hook_payload_invalid_content_type`
    HookPayloadInvalidContentType,
    /// `hook_payload_over_size_limit`
    HookPayloadOverSizeLimit,
    /// `hook_timeout`
    HookTimeout,
    /// `hook_timeout_after_retry`
    HookTimeoutAfterRetry,
    /// `identity_already_exists`
    IdentityAlreadyExists,
    /// `identity_not_found`
    IdentityNotFound,
    /// `insufficient_aal`
    InsufficientAal,
    /// `invalid_credentials`
    InvalidCredentials,
    /// `invite_not_found`
    InviteNotFound,
    /// `manual_linking_disabled`
    ManualLinkingDisabled,
    /// `mfa_challenge_expired`
    MfaChallengeExpired,
    /// `mfa_factor_name_conflict`
    MfaFactorNameConflict,
    /// `mfa_factor_not_found`
    MfaFactorNotFound,
    /// `mfa_ip_address_mismatch`
    MfaIpAddressMismatch,
    /// `mfa_phone_enroll_not_enabled`
    MfaPhoneEnrollNotEnabled,
    /// `mfa_phone_verify_not_enabled`
    MfaPhoneVerifyNotEnabled,
    /// `mfa_recovery_codes_enroll_not_enabled`
    MfaRecoveryCodesEnrollNotEnabled,
    /// `mfa_recovery_codes_locked`
    MfaRecoveryCodesLocked,
    /// `mfa_recovery_codes_sole_factor`
    MfaRecoveryCodesSoleFactor,
    /// `mfa_recovery_codes_verify_not_enabled`
    MfaRecoveryCodesVerifyNotEnabled,
    /// `mfa_totp_enroll_not_enabled`
    MfaTotpEnrollNotEnabled,
    /// `mfa_totp_verify_not_enabled`
    MfaTotpVerifyNotEnabled,
    /// `mfa_verification_failed`
    MfaVerificationFailed,
    /// `mfa_verification_rejected`
    MfaVerificationRejected,
    /// `mfa_verified_factor_exists`
    MfaVerifiedFactorExists,
    /// `mfa_webauthn_enroll_not_enabled`
    MfaWebauthnEnrollNotEnabled,
    /// `mfa_webauthn_verify_not_enabled`
    MfaWebauthnVerifyNotEnabled,
    /// `no_authorization`
    NoAuthorization,
    /// `not_admin`
    NotAdmin,
    /// `oauth_authorization_not_found`
    OAuthAuthorizationNotFound,
    /// `oauth_client_not_found`
    OAuthClientNotFound,
    /// `oauth_client_state_expired`
    OAuthClientStateExpired,
    /// `oauth_client_state_not_found`
    OAuthClientStateNotFound,
    /// `oauth_consent_not_found`
    OAuthConsentNotFound,
    /// `oauth_dynamic_client_registration_disabled`
    OAuthDynamicClientRegistrationDisabled,
    /// `oauth_invalid_state`
    OAuthInvalidState,
    /// `oauth_provider_not_supported`
    OAuthProviderNotSupported,
    /// `otp_disabled`
    OtpDisabled,
    /// `otp_expired`
    OtpExpired,
    /// `over_custom_provider_quota`
    OverCustomProviderQuota,
    /// `over_email_send_rate_limit`
    OverEmailSendRateLimit,
    /// `over_request_rate_limit`
    OverRequestRateLimit,
    /// `over_sms_send_rate_limit`
    OverSmsSendRateLimit,
    /// `passkey_disabled`
    PasskeyDisabled,
    /// `phone_exists`
    PhoneExists,
    /// `phone_not_confirmed`
    PhoneNotConfirmed,
    /// `phone_provider_disabled`
    PhoneProviderDisabled,
    /// `provider_disabled`
    ProviderDisabled,
    /// `provider_email_needs_verification`
    ProviderEmailNeedsVerification,
    /// `reauth_nonce_missing`
    ReauthNonceMissing,
    /// `reauthentication_needed`
    ReauthenticationNeeded,
    /// `reauthentication_not_valid`
    ReauthenticationNotValid,
    /// `refresh_token_already_used`
    RefreshTokenAlreadyUsed,
    /// `refresh_token_not_found`
    RefreshTokenNotFound,
    /// `request_entity_too_large`
    RequestEntityTooLarge,
    /// `request_timeout`
    RequestTimeout,
    /// `same_password`
    SamePassword,
    /// `saml_assertion_no_email`
    SamlAssertionNoEmail,
    /// `saml_assertion_no_user_id`
    SamlAssertionNoUserId,
    /// `saml_entity_id_mismatch`
    SamlEntityIdMismatch,
    /// `saml_idp_already_exists`
    SamlIdpAlreadyExists,
    /// `saml_idp_not_found`
    SamlIdpNotFound,
    /// `saml_metadata_fetch_failed`
    SamlMetadataFetchFailed,
    /// `saml_provider_disabled`
    SamlProviderDisabled,
    /// `saml_relay_state_expired`
    SamlRelayStateExpired,
    /// `saml_relay_state_not_found`
    SamlRelayStateNotFound,
    /// `session_expired`
    SessionExpired,
    /// `session_not_found`
    SessionNotFound,
    /// `signup_disabled`
    SignupDisabled,
    /// `single_identity_not_deletable`
    SingleIdentityNotDeletable,
    /// `sms_send_failed`
    SmsSendFailed,
    /// `sso_domain_already_exists`
    SsoDomainAlreadyExists,
    /// `sso_provider_disabled`
    SsoProviderDisabled,
    /// `sso_provider_not_found`
    SsoProviderNotFound,
    /// `too_many_enrolled_mfa_factors`
    TooManyEnrolledMfaFactors,
    /// `too_many_passkeys`
    TooManyPasskeys,
    /// `unexpected_audience`
    UnexpectedAudience,
    /// `unexpected_failure`
    UnexpectedFailure,
    /// `user_already_exists`
    UserAlreadyExists,
    /// `user_banned`
    UserBanned,
    /// `user_not_found`
    UserNotFound,
    /// `user_sso_managed`
    UserSsoManaged,
    /// `validation_failed`
    ValidationFailed,
    /// `weak_password`
    WeakPassword,
    /// `web3_provider_disabled`
    Web3ProviderDisabled,
    /// `web3_unsupported_chain`
    Web3UnsupportedChain,
    /// `webauthn_challenge_expired`
    WebauthnChallengeExpired,
    /// `webauthn_challenge_not_found`
    WebauthnChallengeNotFound,
    /// `webauthn_credential_exists`
    WebauthnCredentialExists,
    /// `webauthn_credential_not_found`
    WebauthnCredentialNotFound,
    /// `webauthn_verification_failed`
    WebauthnVerificationFailed,
    /// A code this version does not know, as sent.
    Unknown(String),
}

impl ErrorCode {
    /// Maps a code string to its variant ([`ErrorCode::Unknown`] for any other string).
    pub fn parse(code: &str) -> Self {
        match code {
            "anonymous_provider_disabled" => ErrorCode::AnonymousProviderDisabled,
            "bad_code_verifier" => ErrorCode::BadCodeVerifier,
            "bad_json" => ErrorCode::BadJson,
            "bad_jwt" => ErrorCode::BadJwt,
            "bad_oauth_callback" => ErrorCode::BadOAuthCallback,
            "bad_oauth_state" => ErrorCode::BadOAuthState,
            "captcha_failed" => ErrorCode::CaptchaFailed,
            "conflict" => ErrorCode::Conflict,
            "current_password_invalid" => ErrorCode::CurrentPasswordInvalid,
            "current_password_required" => ErrorCode::CurrentPasswordRequired,
            "custom_provider_not_found" => ErrorCode::CustomProviderNotFound,
            "email_address_invalid" => ErrorCode::EmailAddressInvalid,
            "email_address_not_authorized" => ErrorCode::EmailAddressNotAuthorized,
            "email_address_not_provided" => ErrorCode::EmailAddressNotProvided,
            "email_conflict_identity_not_deletable" => ErrorCode::EmailConflictIdentityNotDeletable,
            "email_exists" => ErrorCode::EmailExists,
            "email_not_confirmed" => ErrorCode::EmailNotConfirmed,
            "email_provider_disabled" => ErrorCode::EmailProviderDisabled,
            "feature_disabled" => ErrorCode::FeatureDisabled,
            "flow_state_already_used" => ErrorCode::FlowStateAlreadyUsed,
            "flow_state_expired" => ErrorCode::FlowStateExpired,
            "flow_state_not_found" => ErrorCode::FlowStateNotFound,
            "hook_payload_invalid_content_type" => ErrorCode::HookPayloadInvalidContentType,
            "hook_payload_over_size_limit" => ErrorCode::HookPayloadOverSizeLimit,
            "hook_timeout" => ErrorCode::HookTimeout,
            "hook_timeout_after_retry" => ErrorCode::HookTimeoutAfterRetry,
            "identity_already_exists" => ErrorCode::IdentityAlreadyExists,
            "identity_not_found" => ErrorCode::IdentityNotFound,
            "insufficient_aal" => ErrorCode::InsufficientAal,
            "invalid_credentials" => ErrorCode::InvalidCredentials,
            "invite_not_found" => ErrorCode::InviteNotFound,
            "manual_linking_disabled" => ErrorCode::ManualLinkingDisabled,
            "mfa_challenge_expired" => ErrorCode::MfaChallengeExpired,
            "mfa_factor_name_conflict" => ErrorCode::MfaFactorNameConflict,
            "mfa_factor_not_found" => ErrorCode::MfaFactorNotFound,
            "mfa_ip_address_mismatch" => ErrorCode::MfaIpAddressMismatch,
            "mfa_phone_enroll_not_enabled" => ErrorCode::MfaPhoneEnrollNotEnabled,
            "mfa_phone_verify_not_enabled" => ErrorCode::MfaPhoneVerifyNotEnabled,
            "mfa_recovery_codes_enroll_not_enabled" => ErrorCode::MfaRecoveryCodesEnrollNotEnabled,
            "mfa_recovery_codes_locked" => ErrorCode::MfaRecoveryCodesLocked,
            "mfa_recovery_codes_sole_factor" => ErrorCode::MfaRecoveryCodesSoleFactor,
            "mfa_recovery_codes_verify_not_enabled" => ErrorCode::MfaRecoveryCodesVerifyNotEnabled,
            "mfa_totp_enroll_not_enabled" => ErrorCode::MfaTotpEnrollNotEnabled,
            "mfa_totp_verify_not_enabled" => ErrorCode::MfaTotpVerifyNotEnabled,
            "mfa_verification_failed" => ErrorCode::MfaVerificationFailed,
            "mfa_verification_rejected" => ErrorCode::MfaVerificationRejected,
            "mfa_verified_factor_exists" => ErrorCode::MfaVerifiedFactorExists,
            "mfa_webauthn_enroll_not_enabled" => ErrorCode::MfaWebauthnEnrollNotEnabled,
            "mfa_webauthn_verify_not_enabled" => ErrorCode::MfaWebauthnVerifyNotEnabled,
            "no_authorization" => ErrorCode::NoAuthorization,
            "not_admin" => ErrorCode::NotAdmin,
            "oauth_authorization_not_found" => ErrorCode::OAuthAuthorizationNotFound,
            "oauth_client_not_found" => ErrorCode::OAuthClientNotFound,
            "oauth_client_state_expired" => ErrorCode::OAuthClientStateExpired,
            "oauth_client_state_not_found" => ErrorCode::OAuthClientStateNotFound,
            "oauth_consent_not_found" => ErrorCode::OAuthConsentNotFound,
            "oauth_dynamic_client_registration_disabled" => {
                ErrorCode::OAuthDynamicClientRegistrationDisabled
            }
            "oauth_invalid_state" => ErrorCode::OAuthInvalidState,
            "oauth_provider_not_supported" => ErrorCode::OAuthProviderNotSupported,
            "otp_disabled" => ErrorCode::OtpDisabled,
            "otp_expired" => ErrorCode::OtpExpired,
            "over_custom_provider_quota" => ErrorCode::OverCustomProviderQuota,
            "over_email_send_rate_limit" => ErrorCode::OverEmailSendRateLimit,
            "over_request_rate_limit" => ErrorCode::OverRequestRateLimit,
            "over_sms_send_rate_limit" => ErrorCode::OverSmsSendRateLimit,
            "passkey_disabled" => ErrorCode::PasskeyDisabled,
            "phone_exists" => ErrorCode::PhoneExists,
            "phone_not_confirmed" => ErrorCode::PhoneNotConfirmed,
            "phone_provider_disabled" => ErrorCode::PhoneProviderDisabled,
            "provider_disabled" => ErrorCode::ProviderDisabled,
            "provider_email_needs_verification" => ErrorCode::ProviderEmailNeedsVerification,
            "reauth_nonce_missing" => ErrorCode::ReauthNonceMissing,
            "reauthentication_needed" => ErrorCode::ReauthenticationNeeded,
            "reauthentication_not_valid" => ErrorCode::ReauthenticationNotValid,
            "refresh_token_already_used" => ErrorCode::RefreshTokenAlreadyUsed,
            "refresh_token_not_found" => ErrorCode::RefreshTokenNotFound,
            "request_entity_too_large" => ErrorCode::RequestEntityTooLarge,
            "request_timeout" => ErrorCode::RequestTimeout,
            "same_password" => ErrorCode::SamePassword,
            "saml_assertion_no_email" => ErrorCode::SamlAssertionNoEmail,
            "saml_assertion_no_user_id" => ErrorCode::SamlAssertionNoUserId,
            "saml_entity_id_mismatch" => ErrorCode::SamlEntityIdMismatch,
            "saml_idp_already_exists" => ErrorCode::SamlIdpAlreadyExists,
            "saml_idp_not_found" => ErrorCode::SamlIdpNotFound,
            "saml_metadata_fetch_failed" => ErrorCode::SamlMetadataFetchFailed,
            "saml_provider_disabled" => ErrorCode::SamlProviderDisabled,
            "saml_relay_state_expired" => ErrorCode::SamlRelayStateExpired,
            "saml_relay_state_not_found" => ErrorCode::SamlRelayStateNotFound,
            "session_expired" => ErrorCode::SessionExpired,
            "session_not_found" => ErrorCode::SessionNotFound,
            "signup_disabled" => ErrorCode::SignupDisabled,
            "single_identity_not_deletable" => ErrorCode::SingleIdentityNotDeletable,
            "sms_send_failed" => ErrorCode::SmsSendFailed,
            "sso_domain_already_exists" => ErrorCode::SsoDomainAlreadyExists,
            "sso_provider_disabled" => ErrorCode::SsoProviderDisabled,
            "sso_provider_not_found" => ErrorCode::SsoProviderNotFound,
            "too_many_enrolled_mfa_factors" => ErrorCode::TooManyEnrolledMfaFactors,
            "too_many_passkeys" => ErrorCode::TooManyPasskeys,
            "unexpected_audience" => ErrorCode::UnexpectedAudience,
            "unexpected_failure" => ErrorCode::UnexpectedFailure,
            "user_already_exists" => ErrorCode::UserAlreadyExists,
            "user_banned" => ErrorCode::UserBanned,
            "user_not_found" => ErrorCode::UserNotFound,
            "user_sso_managed" => ErrorCode::UserSsoManaged,
            "validation_failed" => ErrorCode::ValidationFailed,
            "weak_password" => ErrorCode::WeakPassword,
            "web3_provider_disabled" => ErrorCode::Web3ProviderDisabled,
            "web3_unsupported_chain" => ErrorCode::Web3UnsupportedChain,
            "webauthn_challenge_expired" => ErrorCode::WebauthnChallengeExpired,
            "webauthn_challenge_not_found" => ErrorCode::WebauthnChallengeNotFound,
            "webauthn_credential_exists" => ErrorCode::WebauthnCredentialExists,
            "webauthn_credential_not_found" => ErrorCode::WebauthnCredentialNotFound,
            "webauthn_verification_failed" => ErrorCode::WebauthnVerificationFailed,
            other => ErrorCode::Unknown(other.to_owned()),
        }
    }

    /// The code as the server spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::AnonymousProviderDisabled => "anonymous_provider_disabled",
            ErrorCode::BadCodeVerifier => "bad_code_verifier",
            ErrorCode::BadJson => "bad_json",
            ErrorCode::BadJwt => "bad_jwt",
            ErrorCode::BadOAuthCallback => "bad_oauth_callback",
            ErrorCode::BadOAuthState => "bad_oauth_state",
            ErrorCode::CaptchaFailed => "captcha_failed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::CurrentPasswordInvalid => "current_password_invalid",
            ErrorCode::CurrentPasswordRequired => "current_password_required",
            ErrorCode::CustomProviderNotFound => "custom_provider_not_found",
            ErrorCode::EmailAddressInvalid => "email_address_invalid",
            ErrorCode::EmailAddressNotAuthorized => "email_address_not_authorized",
            ErrorCode::EmailAddressNotProvided => "email_address_not_provided",
            ErrorCode::EmailConflictIdentityNotDeletable => "email_conflict_identity_not_deletable",
            ErrorCode::EmailExists => "email_exists",
            ErrorCode::EmailNotConfirmed => "email_not_confirmed",
            ErrorCode::EmailProviderDisabled => "email_provider_disabled",
            ErrorCode::FeatureDisabled => "feature_disabled",
            ErrorCode::FlowStateAlreadyUsed => "flow_state_already_used",
            ErrorCode::FlowStateExpired => "flow_state_expired",
            ErrorCode::FlowStateNotFound => "flow_state_not_found",
            ErrorCode::HookPayloadInvalidContentType => "hook_payload_invalid_content_type",
            ErrorCode::HookPayloadOverSizeLimit => "hook_payload_over_size_limit",
            ErrorCode::HookTimeout => "hook_timeout",
            ErrorCode::HookTimeoutAfterRetry => "hook_timeout_after_retry",
            ErrorCode::IdentityAlreadyExists => "identity_already_exists",
            ErrorCode::IdentityNotFound => "identity_not_found",
            ErrorCode::InsufficientAal => "insufficient_aal",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InviteNotFound => "invite_not_found",
            ErrorCode::ManualLinkingDisabled => "manual_linking_disabled",
            ErrorCode::MfaChallengeExpired => "mfa_challenge_expired",
            ErrorCode::MfaFactorNameConflict => "mfa_factor_name_conflict",
            ErrorCode::MfaFactorNotFound => "mfa_factor_not_found",
            ErrorCode::MfaIpAddressMismatch => "mfa_ip_address_mismatch",
            ErrorCode::MfaPhoneEnrollNotEnabled => "mfa_phone_enroll_not_enabled",
            ErrorCode::MfaPhoneVerifyNotEnabled => "mfa_phone_verify_not_enabled",
            ErrorCode::MfaRecoveryCodesEnrollNotEnabled => "mfa_recovery_codes_enroll_not_enabled",
            ErrorCode::MfaRecoveryCodesLocked => "mfa_recovery_codes_locked",
            ErrorCode::MfaRecoveryCodesSoleFactor => "mfa_recovery_codes_sole_factor",
            ErrorCode::MfaRecoveryCodesVerifyNotEnabled => "mfa_recovery_codes_verify_not_enabled",
            ErrorCode::MfaTotpEnrollNotEnabled => "mfa_totp_enroll_not_enabled",
            ErrorCode::MfaTotpVerifyNotEnabled => "mfa_totp_verify_not_enabled",
            ErrorCode::MfaVerificationFailed => "mfa_verification_failed",
            ErrorCode::MfaVerificationRejected => "mfa_verification_rejected",
            ErrorCode::MfaVerifiedFactorExists => "mfa_verified_factor_exists",
            ErrorCode::MfaWebauthnEnrollNotEnabled => "mfa_webauthn_enroll_not_enabled",
            ErrorCode::MfaWebauthnVerifyNotEnabled => "mfa_webauthn_verify_not_enabled",
            ErrorCode::NoAuthorization => "no_authorization",
            ErrorCode::NotAdmin => "not_admin",
            ErrorCode::OAuthAuthorizationNotFound => "oauth_authorization_not_found",
            ErrorCode::OAuthClientNotFound => "oauth_client_not_found",
            ErrorCode::OAuthClientStateExpired => "oauth_client_state_expired",
            ErrorCode::OAuthClientStateNotFound => "oauth_client_state_not_found",
            ErrorCode::OAuthConsentNotFound => "oauth_consent_not_found",
            ErrorCode::OAuthDynamicClientRegistrationDisabled => {
                "oauth_dynamic_client_registration_disabled"
            }
            ErrorCode::OAuthInvalidState => "oauth_invalid_state",
            ErrorCode::OAuthProviderNotSupported => "oauth_provider_not_supported",
            ErrorCode::OtpDisabled => "otp_disabled",
            ErrorCode::OtpExpired => "otp_expired",
            ErrorCode::OverCustomProviderQuota => "over_custom_provider_quota",
            ErrorCode::OverEmailSendRateLimit => "over_email_send_rate_limit",
            ErrorCode::OverRequestRateLimit => "over_request_rate_limit",
            ErrorCode::OverSmsSendRateLimit => "over_sms_send_rate_limit",
            ErrorCode::PasskeyDisabled => "passkey_disabled",
            ErrorCode::PhoneExists => "phone_exists",
            ErrorCode::PhoneNotConfirmed => "phone_not_confirmed",
            ErrorCode::PhoneProviderDisabled => "phone_provider_disabled",
            ErrorCode::ProviderDisabled => "provider_disabled",
            ErrorCode::ProviderEmailNeedsVerification => "provider_email_needs_verification",
            ErrorCode::ReauthNonceMissing => "reauth_nonce_missing",
            ErrorCode::ReauthenticationNeeded => "reauthentication_needed",
            ErrorCode::ReauthenticationNotValid => "reauthentication_not_valid",
            ErrorCode::RefreshTokenAlreadyUsed => "refresh_token_already_used",
            ErrorCode::RefreshTokenNotFound => "refresh_token_not_found",
            ErrorCode::RequestEntityTooLarge => "request_entity_too_large",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::SamePassword => "same_password",
            ErrorCode::SamlAssertionNoEmail => "saml_assertion_no_email",
            ErrorCode::SamlAssertionNoUserId => "saml_assertion_no_user_id",
            ErrorCode::SamlEntityIdMismatch => "saml_entity_id_mismatch",
            ErrorCode::SamlIdpAlreadyExists => "saml_idp_already_exists",
            ErrorCode::SamlIdpNotFound => "saml_idp_not_found",
            ErrorCode::SamlMetadataFetchFailed => "saml_metadata_fetch_failed",
            ErrorCode::SamlProviderDisabled => "saml_provider_disabled",
            ErrorCode::SamlRelayStateExpired => "saml_relay_state_expired",
            ErrorCode::SamlRelayStateNotFound => "saml_relay_state_not_found",
            ErrorCode::SessionExpired => "session_expired",
            ErrorCode::SessionNotFound => "session_not_found",
            ErrorCode::SignupDisabled => "signup_disabled",
            ErrorCode::SingleIdentityNotDeletable => "single_identity_not_deletable",
            ErrorCode::SmsSendFailed => "sms_send_failed",
            ErrorCode::SsoDomainAlreadyExists => "sso_domain_already_exists",
            ErrorCode::SsoProviderDisabled => "sso_provider_disabled",
            ErrorCode::SsoProviderNotFound => "sso_provider_not_found",
            ErrorCode::TooManyEnrolledMfaFactors => "too_many_enrolled_mfa_factors",
            ErrorCode::TooManyPasskeys => "too_many_passkeys",
            ErrorCode::UnexpectedAudience => "unexpected_audience",
            ErrorCode::UnexpectedFailure => "unexpected_failure",
            ErrorCode::UserAlreadyExists => "user_already_exists",
            ErrorCode::UserBanned => "user_banned",
            ErrorCode::UserNotFound => "user_not_found",
            ErrorCode::UserSsoManaged => "user_sso_managed",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::Web3ProviderDisabled => "web3_provider_disabled",
            ErrorCode::Web3UnsupportedChain => "web3_unsupported_chain",
            ErrorCode::WebauthnChallengeExpired => "webauthn_challenge_expired",
            ErrorCode::WebauthnChallengeNotFound => "webauthn_challenge_not_found",
            ErrorCode::WebauthnCredentialExists => "webauthn_credential_exists",
            ErrorCode::WebauthnCredentialNotFound => "webauthn_credential_not_found",
            ErrorCode::WebauthnVerificationFailed => "webauthn_verification_failed",
            ErrorCode::Unknown(other) => other,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_code_round_trips() {
        let codes = [
            "anonymous_provider_disabled",
            "bad_code_verifier",
            "bad_json",
            "bad_jwt",
            "bad_oauth_callback",
            "bad_oauth_state",
            "captcha_failed",
            "conflict",
            "current_password_invalid",
            "current_password_required",
            "custom_provider_not_found",
            "email_address_invalid",
            "email_address_not_authorized",
            "email_address_not_provided",
            "email_conflict_identity_not_deletable",
            "email_exists",
            "email_not_confirmed",
            "email_provider_disabled",
            "feature_disabled",
            "flow_state_already_used",
            "flow_state_expired",
            "flow_state_not_found",
            "hook_payload_invalid_content_type",
            "hook_payload_over_size_limit",
            "hook_timeout",
            "hook_timeout_after_retry",
            "identity_already_exists",
            "identity_not_found",
            "insufficient_aal",
            "invalid_credentials",
            "invite_not_found",
            "manual_linking_disabled",
            "mfa_challenge_expired",
            "mfa_factor_name_conflict",
            "mfa_factor_not_found",
            "mfa_ip_address_mismatch",
            "mfa_phone_enroll_not_enabled",
            "mfa_phone_verify_not_enabled",
            "mfa_recovery_codes_enroll_not_enabled",
            "mfa_recovery_codes_locked",
            "mfa_recovery_codes_sole_factor",
            "mfa_recovery_codes_verify_not_enabled",
            "mfa_totp_enroll_not_enabled",
            "mfa_totp_verify_not_enabled",
            "mfa_verification_failed",
            "mfa_verification_rejected",
            "mfa_verified_factor_exists",
            "mfa_webauthn_enroll_not_enabled",
            "mfa_webauthn_verify_not_enabled",
            "no_authorization",
            "not_admin",
            "oauth_authorization_not_found",
            "oauth_client_not_found",
            "oauth_client_state_expired",
            "oauth_client_state_not_found",
            "oauth_consent_not_found",
            "oauth_dynamic_client_registration_disabled",
            "oauth_invalid_state",
            "oauth_provider_not_supported",
            "otp_disabled",
            "otp_expired",
            "over_custom_provider_quota",
            "over_email_send_rate_limit",
            "over_request_rate_limit",
            "over_sms_send_rate_limit",
            "passkey_disabled",
            "phone_exists",
            "phone_not_confirmed",
            "phone_provider_disabled",
            "provider_disabled",
            "provider_email_needs_verification",
            "reauth_nonce_missing",
            "reauthentication_needed",
            "reauthentication_not_valid",
            "refresh_token_already_used",
            "refresh_token_not_found",
            "request_entity_too_large",
            "request_timeout",
            "same_password",
            "saml_assertion_no_email",
            "saml_assertion_no_user_id",
            "saml_entity_id_mismatch",
            "saml_idp_already_exists",
            "saml_idp_not_found",
            "saml_metadata_fetch_failed",
            "saml_provider_disabled",
            "saml_relay_state_expired",
            "saml_relay_state_not_found",
            "session_expired",
            "session_not_found",
            "signup_disabled",
            "single_identity_not_deletable",
            "sms_send_failed",
            "sso_domain_already_exists",
            "sso_provider_disabled",
            "sso_provider_not_found",
            "too_many_enrolled_mfa_factors",
            "too_many_passkeys",
            "unexpected_audience",
            "unexpected_failure",
            "user_already_exists",
            "user_banned",
            "user_not_found",
            "user_sso_managed",
            "validation_failed",
            "weak_password",
            "web3_provider_disabled",
            "web3_unsupported_chain",
            "webauthn_challenge_expired",
            "webauthn_challenge_not_found",
            "webauthn_credential_exists",
            "webauthn_credential_not_found",
            "webauthn_verification_failed",
        ];
        for code in codes {
            let parsed = ErrorCode::parse(code);
            assert!(!matches!(parsed, ErrorCode::Unknown(_)), "{code}");
            assert_eq!(parsed.as_str(), code);
        }
        assert_eq!(
            ErrorCode::parse("unknown"),
            ErrorCode::Unknown("unknown".into())
        );
    }
}
