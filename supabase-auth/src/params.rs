//! The arguments of sign-up, sign-in and related calls.

use std::fmt;

use serde_json::Value;
use supabase_core::Secret;

use crate::Error;

/// Email or phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Contact {
    Email(String),
    Phone(String),
}

/// The channel a phone OTP is sent through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Channel {
    /// SMS (the default).
    #[default]
    Sms,
    /// WhatsApp.
    Whatsapp,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
        }
    }
}

/// Options shared by many calls: where the email link leads, and a captcha token.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Common {
    pub redirect_to: Option<String>,
    pub captcha_token: Option<String>,
}

impl Common {
    pub fn check(&self) -> Result<(), Error> {
        if let Some(url) = &self.redirect_to {
            check_redirect(url)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Common {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Common")
            .field("redirect_to", &self.redirect_to)
            .field(
                "captcha_token",
                &self.captcha_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// A redirect URL must be absolute (`https://…`, `myapp://…`).
pub(crate) fn check_redirect(url: &str) -> Result<(), Error> {
    url::Url::parse(url)
        .map(|_| ())
        .map_err(|e| Error::invalid_input(format!("redirect URL is not an absolute URL: {e}")))
}

pub(crate) fn check_not_empty(what: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(format!("{what} is empty")));
    }
    Ok(())
}

pub(crate) fn check_object(data: &Option<Value>) -> Result<(), Error> {
    match data {
        None | Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(Error::invalid_input("user data must be a JSON object")),
    }
}

impl Contact {
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Contact::Email(e) => check_not_empty("the email address", e),
            Contact::Phone(p) => check_not_empty("the phone number", p),
        }
    }
}

/// Credentials for [`AuthClient::sign_up`](crate::AuthClient::sign_up).
///
/// ```
/// use serde_json::json;
/// use supabase_auth::{Channel, SignUpCredentials};
///
/// let by_email = SignUpCredentials::email("ada@example.com", "correct horse")
///     .data(json!({"name": "Ada"}))
///     .redirect_to("https://example.com/welcome")
///     .captcha_token("captcha-123");
/// let by_phone = SignUpCredentials::phone("+15555550100", "correct horse").channel(Channel::Whatsapp);
/// assert!(!format!("{by_email:?} {by_phone:?}").contains("correct horse"));
/// ```
#[derive(Clone)]
pub struct SignUpCredentials {
    pub(crate) contact: Contact,
    pub(crate) password: Secret,
    pub(crate) data: Option<Value>,
    pub(crate) channel: Option<Channel>,
    pub(crate) common: Common,
}

impl SignUpCredentials {
    /// Sign up with an email address and a password.
    pub fn email(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::new(Contact::Email(email.into()), password.into())
    }

    /// Sign up with a phone number and a password.
    pub fn phone(phone: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::new(Contact::Phone(phone.into()), password.into())
    }

    fn new(contact: Contact, password: Secret) -> Self {
        Self {
            contact,
            password,
            data: None,
            channel: None,
            common: Common::default(),
        }
    }

    /// User metadata (a JSON object), stored as `user_metadata`.
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Where the confirmation link leads (email sign-up; `emailRedirectTo`).
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.common.redirect_to = Some(url.into());
        self
    }

    /// A captcha token, when the project requires one.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.common.captcha_token = Some(token.into());
        self
    }

    /// The channel of the confirmation OTP (phone sign-up; default SMS).
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }
}

impl fmt::Debug for SignUpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignUpCredentials")
            .field("contact", &self.contact)
            .field("password", &"[REDACTED]")
            .field("data", &self.data)
            .field("channel", &self.channel)
            .field("common", &self.common)
            .finish()
    }
}

/// Credentials for [`AuthClient::sign_in_with_password`](crate::AuthClient::sign_in_with_password).
///
/// ```
/// use supabase_auth::PasswordCredentials;
///
/// let creds = PasswordCredentials::email("ada@example.com", "correct horse").captcha_token("c");
/// assert!(!format!("{creds:?}").contains("correct horse"));
/// ```
#[derive(Clone)]
pub struct PasswordCredentials {
    pub(crate) contact: Contact,
    pub(crate) password: Secret,
    pub(crate) captcha_token: Option<String>,
}

impl PasswordCredentials {
    /// Email and password.
    pub fn email(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            contact: Contact::Email(email.into()),
            password: password.into(),
            captcha_token: None,
        }
    }

    /// Phone and password.
    pub fn phone(phone: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self {
            contact: Contact::Phone(phone.into()),
            password: password.into(),
            captcha_token: None,
        }
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.captcha_token = Some(token.into());
        self
    }
}

impl fmt::Debug for PasswordCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordCredentials")
            .field("contact", &self.contact)
            .field("password", &"[REDACTED]")
            .field(
                "captcha_token",
                &self.captcha_token.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

/// A passwordless sign-in for [`AuthClient::sign_in_with_otp`](crate::AuthClient::sign_in_with_otp):
/// a magic link / email OTP, or an SMS / WhatsApp OTP.
///
/// ```
/// use supabase_auth::OtpCredentials;
///
/// let link = OtpCredentials::email("ada@example.com")
///     .redirect_to("https://example.com/cb")
///     .should_create_user(false);
/// # let _ = link;
/// ```
#[derive(Debug, Clone)]
pub struct OtpCredentials {
    pub(crate) contact: Contact,
    pub(crate) should_create_user: bool,
    pub(crate) data: Option<Value>,
    pub(crate) channel: Option<Channel>,
    pub(crate) common: Common,
}

impl OtpCredentials {
    /// Send a magic link / OTP to this email address.
    pub fn email(email: impl Into<String>) -> Self {
        Self::new(Contact::Email(email.into()))
    }

    /// Send an OTP to this phone number.
    pub fn phone(phone: impl Into<String>) -> Self {
        Self::new(Contact::Phone(phone.into()))
    }

    fn new(contact: Contact) -> Self {
        Self {
            contact,
            should_create_user: true,
            data: None,
            channel: None,
            common: Common::default(),
        }
    }

    /// Whether an unknown address creates a user (default `true`).
    pub fn should_create_user(mut self, create: bool) -> Self {
        self.should_create_user = create;
        self
    }

    /// User metadata for a user created by this sign-in.
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Where the magic link leads (email only).
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.common.redirect_to = Some(url.into());
        self
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.common.captcha_token = Some(token.into());
        self
    }

    /// The channel (phone only; default SMS).
    pub fn channel(mut self, channel: Channel) -> Self {
        self.channel = Some(channel);
        self
    }
}

/// The kind of an email OTP or token hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmailOtpType {
    /// Sign-up confirmation.
    Signup,
    /// Invitation.
    Invite,
    /// Magic link.
    Magiclink,
    /// Password recovery (emits [`PasswordRecovery`](crate::AuthChangeEvent::PasswordRecovery)).
    Recovery,
    /// Email change.
    EmailChange,
    /// Email OTP.
    Email,
}

impl EmailOtpType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::Invite => "invite",
            Self::Magiclink => "magiclink",
            Self::Recovery => "recovery",
            Self::EmailChange => "email_change",
            Self::Email => "email",
        }
    }
}

/// The kind of a phone OTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MobileOtpType {
    /// Sign-in or sign-up by SMS / WhatsApp.
    Sms,
    /// Phone change.
    PhoneChange,
}

impl MobileOtpType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::PhoneChange => "phone_change",
        }
    }
}

#[derive(Clone)]
pub(crate) enum VerifyTarget {
    Email {
        email: String,
        token: Secret,
        kind: EmailOtpType,
    },
    Phone {
        phone: String,
        token: Secret,
        kind: MobileOtpType,
    },
    TokenHash {
        hash: Secret,
        kind: EmailOtpType,
    },
}

/// What [`AuthClient::verify_otp`](crate::AuthClient::verify_otp) checks.
///
/// ```
/// use supabase_auth::{EmailOtpType, MobileOtpType, VerifyOtpParams};
///
/// let by_email = VerifyOtpParams::email("ada@example.com", "123456", EmailOtpType::Signup);
/// let by_sms = VerifyOtpParams::phone("+15555550100", "123456", MobileOtpType::Sms);
/// let by_hash = VerifyOtpParams::token_hash("hashed-token", EmailOtpType::Recovery)
///     .redirect_to("https://example.com/reset");
/// assert!(!format!("{by_email:?}{by_sms:?}{by_hash:?}").contains("123456"));
/// ```
#[derive(Clone)]
pub struct VerifyOtpParams {
    pub(crate) target: VerifyTarget,
    pub(crate) common: Common,
}

impl VerifyOtpParams {
    /// An OTP sent to an email address.
    pub fn email(email: impl Into<String>, token: impl Into<Secret>, kind: EmailOtpType) -> Self {
        Self::new(VerifyTarget::Email {
            email: email.into(),
            token: token.into(),
            kind,
        })
    }

    /// An OTP sent to a phone.
    pub fn phone(phone: impl Into<String>, token: impl Into<Secret>, kind: MobileOtpType) -> Self {
        Self::new(VerifyTarget::Phone {
            phone: phone.into(),
            token: token.into(),
            kind,
        })
    }

    /// The token hash of an email link (`token_hash` in the link).
    pub fn token_hash(hash: impl Into<Secret>, kind: EmailOtpType) -> Self {
        Self::new(VerifyTarget::TokenHash {
            hash: hash.into(),
            kind,
        })
    }

    fn new(target: VerifyTarget) -> Self {
        Self {
            target,
            common: Common::default(),
        }
    }

    /// Sent as the `redirect_to` query parameter.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.common.redirect_to = Some(url.into());
        self
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.common.captcha_token = Some(token.into());
        self
    }

    pub(crate) fn is_recovery(&self) -> bool {
        matches!(
            self.target,
            VerifyTarget::Email {
                kind: EmailOtpType::Recovery,
                ..
            } | VerifyTarget::TokenHash {
                kind: EmailOtpType::Recovery,
                ..
            }
        )
    }
}

impl fmt::Debug for VerifyOtpParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, contact) = match &self.target {
            VerifyTarget::Email { email, kind, .. } => (kind.as_str(), Some(email.as_str())),
            VerifyTarget::Phone { phone, kind, .. } => (kind.as_str(), Some(phone.as_str())),
            VerifyTarget::TokenHash { kind, .. } => (kind.as_str(), None),
        };
        f.debug_struct("VerifyOtpParams")
            .field("type", &kind)
            .field("contact", &contact)
            .field("token", &"[REDACTED]")
            .field("common", &self.common)
            .finish()
    }
}

/// An OpenID Connect ID token from a provider, for
/// [`AuthClient::sign_in_with_id_token`](crate::AuthClient::sign_in_with_id_token).
///
/// ```
/// use supabase_auth::IdTokenCredentials;
///
/// let creds = IdTokenCredentials::new("google", "eyJ.id.token").nonce("n-1");
/// assert!(!format!("{creds:?}").contains("eyJ.id.token"));
/// ```
#[derive(Clone)]
pub struct IdTokenCredentials {
    pub(crate) provider: String,
    pub(crate) token: Secret,
    pub(crate) access_token: Option<Secret>,
    pub(crate) nonce: Option<Secret>,
    pub(crate) captcha_token: Option<String>,
}

impl IdTokenCredentials {
    /// `provider` (`google`, `apple`, `azure`, `facebook`, `kakao`, or `custom:<id>`) and its
    /// ID token.
    pub fn new(provider: impl Into<String>, id_token: impl Into<Secret>) -> Self {
        Self {
            provider: provider.into(),
            token: id_token.into(),
            access_token: None,
            nonce: None,
            captcha_token: None,
        }
    }

    /// The provider's access token, when the ID token has an `at_hash`.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The raw nonce the ID token was requested with.
    pub fn nonce(mut self, nonce: impl Into<Secret>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.captcha_token = Some(token.into());
        self
    }
}

impl fmt::Debug for IdTokenCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdTokenCredentials")
            .field("provider", &self.provider)
            .field("token", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Options of [`AuthClient::sign_in_with_oauth`](crate::AuthClient::sign_in_with_oauth).
///
/// ```
/// use supabase_auth::OAuthOptions;
///
/// let options = OAuthOptions::new()
///     .redirect_to("https://example.com/cb")
///     .scopes("repo gist")
///     .query_param("prompt", "consent");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
pub struct OAuthOptions {
    pub(crate) redirect_to: Option<String>,
    pub(crate) scopes: Option<String>,
    pub(crate) query: Vec<(String, String)>,
}

impl OAuthOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the provider sends the user back.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }

    /// Space-separated provider scopes.
    pub fn scopes(mut self, scopes: impl Into<String>) -> Self {
        self.scopes = Some(scopes.into());
        self
    }

    /// An extra query parameter for the provider (`access_type=offline`, `prompt=consent`).
    pub fn query_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }
}

/// Which SSO identity provider [`AuthClient::sign_in_with_sso`](crate::AuthClient::sign_in_with_sso) uses.
///
/// ```
/// use supabase_auth::SsoParams;
///
/// let by_domain = SsoParams::domain("example.com").redirect_to("https://example.com/cb");
/// let by_id = SsoParams::provider_id("21648a9d-8d5a-4555-a9d1-d6375dc14e92");
/// # let _ = (by_domain, by_id);
/// ```
#[derive(Debug, Clone)]
pub struct SsoParams {
    pub(crate) provider_id: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) common: Common,
}

impl SsoParams {
    /// The provider registered for this email domain.
    pub fn domain(domain: impl Into<String>) -> Self {
        Self {
            provider_id: None,
            domain: Some(domain.into()),
            common: Common::default(),
        }
    }

    /// The provider with this id.
    pub fn provider_id(id: impl Into<String>) -> Self {
        Self {
            provider_id: Some(id.into()),
            domain: None,
            common: Common::default(),
        }
    }

    /// Where the user lands after signing in.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.common.redirect_to = Some(url.into());
        self
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.common.captcha_token = Some(token.into());
        self
    }
}

/// What [`AuthClient::resend`](crate::AuthClient::resend) sends again.
///
/// ```
/// use supabase_auth::ResendParams;
///
/// let again = ResendParams::signup("ada@example.com").redirect_to("https://example.com/welcome");
/// let sms = ResendParams::sms("+15555550100");
/// # let _ = (again, sms);
/// ```
#[derive(Debug, Clone)]
pub struct ResendParams {
    pub(crate) contact: Contact,
    pub(crate) kind: &'static str,
    pub(crate) common: Common,
}

impl ResendParams {
    /// The sign-up confirmation email.
    pub fn signup(email: impl Into<String>) -> Self {
        Self::new(Contact::Email(email.into()), "signup")
    }

    /// The email-change confirmation.
    pub fn email_change(email: impl Into<String>) -> Self {
        Self::new(Contact::Email(email.into()), "email_change")
    }

    /// The SMS sign-up / sign-in OTP.
    pub fn sms(phone: impl Into<String>) -> Self {
        Self::new(Contact::Phone(phone.into()), "sms")
    }

    /// The phone-change OTP.
    pub fn phone_change(phone: impl Into<String>) -> Self {
        Self::new(Contact::Phone(phone.into()), "phone_change")
    }

    fn new(contact: Contact, kind: &'static str) -> Self {
        Self {
            contact,
            kind,
            common: Common::default(),
        }
    }

    /// Where the email link leads (email kinds only).
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.common.redirect_to = Some(url.into());
        self
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.common.captcha_token = Some(token.into());
        self
    }
}

/// Options of [`AuthClient::reset_password_for_email`](crate::AuthClient::reset_password_for_email)
/// and [`AuthClient::sign_in_anonymously`](crate::AuthClient::sign_in_anonymously).
///
/// ```
/// use supabase_auth::RequestOptions;
///
/// let options = RequestOptions::new().redirect_to("https://example.com/reset").captcha_token("c");
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub(crate) data: Option<Value>,
    pub(crate) common: Common,
}

impl RequestOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Where the email link leads (`reset_password_for_email`).
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.common.redirect_to = Some(url.into());
        self
    }

    /// A captcha token.
    pub fn captcha_token(mut self, token: impl Into<String>) -> Self {
        self.common.captcha_token = Some(token.into());
        self
    }

    /// User metadata (`sign_in_anonymously`).
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// Changes for [`AuthClient::update_user`](crate::AuthClient::update_user).
///
/// ```
/// use serde_json::json;
/// use supabase_auth::UserAttributes;
///
/// let changes = UserAttributes::new()
///     .email("new@example.com")
///     .password("a new long password")
///     .data(json!({"theme": "dark"}));
/// assert!(!format!("{changes:?}").contains("a new long password"));
/// ```
#[derive(Clone, Default)]
pub struct UserAttributes {
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) password: Option<Secret>,
    pub(crate) current_password: Option<Secret>,
    pub(crate) nonce: Option<Secret>,
    pub(crate) data: Option<Value>,
    pub(crate) redirect_to: Option<String>,
}

impl UserAttributes {
    /// No changes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new email address (confirmed by email).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// A new phone number (confirmed by OTP).
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// A new password.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// The current password, when the project requires it to change the password.
    pub fn current_password(mut self, password: impl Into<Secret>) -> Self {
        self.current_password = Some(password.into());
        self
    }

    /// The nonce from [`AuthClient::reauthenticate`](crate::AuthClient::reauthenticate), when
    /// the project requires reauthentication to change the password.
    pub fn nonce(mut self, nonce: impl Into<Secret>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// New user metadata (merged into `user_metadata` by the server).
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Where the email-change confirmation link leads (`emailRedirectTo`).
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }
}

impl fmt::Debug for UserAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<Secret>| s.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("UserAttributes")
            .field("email", &self.email)
            .field("phone", &self.phone)
            .field("password", &redacted(&self.password))
            .field("current_password", &redacted(&self.current_password))
            .field("nonce", &redacted(&self.nonce))
            .field("data", &self.data)
            .field("redirect_to", &self.redirect_to)
            .finish()
    }
}

/// Which sessions [`AuthClient::sign_out`](crate::AuthClient::sign_out) ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignOutScope {
    /// Every session of the user, on every device (the default, as in auth-js).
    #[default]
    Global,
    /// Only this session.
    Local,
    /// Every other session of the user; this one stays signed in.
    Others,
}

impl SignOutScope {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Local => "local",
            Self::Others => "others",
        }
    }
}
