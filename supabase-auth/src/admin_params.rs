//! The parameter and answer types of the admin API ([`AdminClient`](crate::AdminClient)).

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use supabase_core::Secret;

use crate::admin::check_uuid;
use crate::params::check_object;
use crate::{Error, User};

/// Parameters of [`AdminClient::list_users`](crate::AdminClient::list_users): page (1-based) and page size (server default
/// 50). Unset values go out as empty strings, as auth-js sends them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListUsersParams {
    page: Option<u32>,
    per_page: Option<u32>,
}

impl ListUsersParams {
    /// The server's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The page number, from 1.
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Users per page.
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// `page` and `per_page` as sent: empty when unset.
    pub(crate) fn query_values(&self) -> (String, String) {
        let text = |v: Option<u32>| v.map(|p| p.to_string()).unwrap_or_default();
        (text(self.page), text(self.per_page))
    }
}

/// One page of [`AdminClient::list_users`](crate::AdminClient::list_users).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UserPage {
    /// The users.
    pub users: Vec<User>,
    /// The audience.
    pub aud: Option<String>,
    /// The number of users (`X-Total-Count`), when sent.
    pub total: Option<u64>,
    /// The next page (`Link: …; rel="next"`), `None` on the last page.
    pub next_page: Option<u32>,
    /// The last page (`Link: …; rel="last"`).
    pub last_page: Option<u32>,
}

/// Attributes for [`AdminClient::create_user`](crate::AdminClient::create_user) and [`AdminClient::update_user_by_id`](crate::AdminClient::update_user_by_id); only
/// the fields you set are sent.
///
/// ```
/// use serde_json::json;
/// use supabase_auth::AdminUserAttributes;
///
/// let attrs = AdminUserAttributes::new()
///     .email("new@example.com")
///     .password("a long password")
///     .email_confirm(true)
///     .app_metadata(json!({"plan": "pro"}));
/// assert!(!format!("{attrs:?}").contains("a long password"));
/// ```
#[derive(Clone, Default, Serialize)]
pub struct AdminUserAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    password_hash: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_confirm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_confirm: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ban_duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_metadata: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "expose_opt")]
    nonce: Option<Secret>,
}

fn expose_opt<S: serde::Serializer>(value: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}

impl AdminUserAttributes {
    /// Nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// The password.
    pub fn password(mut self, password: impl Into<Secret>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// A bcrypt or argon2 hash to import instead of a password.
    pub fn password_hash(mut self, hash: impl Into<Secret>) -> Self {
        self.password_hash = Some(hash.into());
        self
    }

    /// A chosen user id (UUID), when creating.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The Postgres role of the user's tokens.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Marks the email address confirmed.
    pub fn email_confirm(mut self, confirmed: bool) -> Self {
        self.email_confirm = Some(confirmed);
        self
    }

    /// Marks the phone number confirmed.
    pub fn phone_confirm(mut self, confirmed: bool) -> Self {
        self.phone_confirm = Some(confirmed);
        self
    }

    /// Bans the user for a Go duration (`"24h"`, `"876000h"`), or `"none"` to lift a ban.
    pub fn ban_duration(mut self, duration: impl Into<String>) -> Self {
        self.ban_duration = Some(duration.into());
        self
    }

    /// User metadata (a JSON object).
    pub fn user_metadata(mut self, data: Value) -> Self {
        self.user_metadata = Some(data);
        self
    }

    /// App metadata (a JSON object; users cannot change it).
    pub fn app_metadata(mut self, data: Value) -> Self {
        self.app_metadata = Some(data);
        self
    }

    /// A reauthentication nonce.
    pub fn nonce(mut self, nonce: impl Into<Secret>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        check_object(&self.user_metadata)?;
        check_object(&self.app_metadata)?;
        if let Some(id) = &self.id {
            check_uuid("user id", id)?;
        }
        Ok(())
    }
}

impl fmt::Debug for AdminUserAttributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |s: &Option<Secret>| s.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("AdminUserAttributes")
            .field("email", &self.email)
            .field("phone", &self.phone)
            .field("password", &redacted(&self.password))
            .field("password_hash", &redacted(&self.password_hash))
            .field("id", &self.id)
            .field("role", &self.role)
            .field("email_confirm", &self.email_confirm)
            .field("phone_confirm", &self.phone_confirm)
            .field("ban_duration", &self.ban_duration)
            .field("user_metadata", &self.user_metadata)
            .field("app_metadata", &self.app_metadata)
            .field("nonce", &redacted(&self.nonce))
            .finish()
    }
}

/// What [`AdminClient::generate_link`](crate::AdminClient::generate_link) makes.
///
/// ```
/// use supabase_auth::GenerateLinkParams;
///
/// let signup = GenerateLinkParams::signup("new@example.com", "a long password");
/// let change = GenerateLinkParams::email_change_new("old@example.com", "new@example.com");
/// assert!(!format!("{signup:?}").contains("a long password"));
/// # let _ = change;
/// ```
#[derive(Clone)]
pub struct GenerateLinkParams {
    pub(crate) kind: &'static str,
    pub(crate) email: String,
    pub(crate) password: Option<Secret>,
    pub(crate) new_email: Option<String>,
    pub(crate) data: Option<Value>,
    pub(crate) redirect_to: Option<String>,
}

impl GenerateLinkParams {
    fn new(kind: &'static str, email: impl Into<String>) -> Self {
        Self {
            kind,
            email: email.into(),
            password: None,
            new_email: None,
            data: None,
            redirect_to: None,
        }
    }

    /// A sign-up confirmation link (creates the user with this password).
    pub fn signup(email: impl Into<String>, password: impl Into<Secret>) -> Self {
        let mut p = Self::new("signup", email);
        p.password = Some(password.into());
        p
    }

    /// An invitation link.
    pub fn invite(email: impl Into<String>) -> Self {
        Self::new("invite", email)
    }

    /// A magic link.
    pub fn magiclink(email: impl Into<String>) -> Self {
        Self::new("magiclink", email)
    }

    /// A password-recovery link.
    pub fn recovery(email: impl Into<String>) -> Self {
        Self::new("recovery", email)
    }

    /// The email-change link sent to the current address.
    pub fn email_change_current(email: impl Into<String>, new_email: impl Into<String>) -> Self {
        let mut p = Self::new("email_change_current", email);
        p.new_email = Some(new_email.into());
        p
    }

    /// The email-change link sent to the new address.
    pub fn email_change_new(email: impl Into<String>, new_email: impl Into<String>) -> Self {
        let mut p = Self::new("email_change_new", email);
        p.new_email = Some(new_email.into());
        p
    }

    /// User metadata (sign-up and invite).
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Where the link leads after verification.
    pub fn redirect_to(mut self, url: impl Into<String>) -> Self {
        self.redirect_to = Some(url.into());
        self
    }
}

impl fmt::Debug for GenerateLinkParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenerateLinkParams")
            .field("type", &self.kind)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("new_email", &self.new_email)
            .field("data", &self.data)
            .field("redirect_to", &self.redirect_to)
            .finish()
    }
}

/// A generated link and its user.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GeneratedLink {
    /// The link and its parts.
    pub properties: LinkProperties,
    /// The user it is for.
    pub user: User,
}

/// The parts of a generated link. The link, OTP and hash sign a user in: they are secrets.
#[derive(Clone)]
#[non_exhaustive]
pub struct LinkProperties {
    /// The full link to send to the user.
    pub action_link: Secret,
    /// The OTP that goes with it.
    pub email_otp: Secret,
    /// The hashed token (for `verify_otp` with a token hash).
    pub hashed_token: Secret,
    /// Where the link leads.
    pub redirect_to: String,
    /// The verification type (`signup`, `magiclink`, …).
    pub verification_type: String,
}

impl PartialEq for LinkProperties {
    fn eq(&self, other: &Self) -> bool {
        self.action_link.expose() == other.action_link.expose()
            && self.email_otp.expose() == other.email_otp.expose()
            && self.hashed_token.expose() == other.hashed_token.expose()
            && self.redirect_to == other.redirect_to
            && self.verification_type == other.verification_type
    }
}

impl fmt::Debug for LinkProperties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkProperties")
            .field("action_link", &"[REDACTED]")
            .field("email_otp", &"[REDACTED]")
            .field("hashed_token", &"[REDACTED]")
            .field("redirect_to", &self.redirect_to)
            .field("verification_type", &self.verification_type)
            .finish()
    }
}

/// The server sends the link fields flattened into the user object.
pub(crate) fn generated_link(body: &[u8]) -> Result<GeneratedLink, Error> {
    let mut value: serde_json::Map<String, Value> =
        serde_json::from_slice(body).map_err(|e| crate::session::decode_error(&e))?;
    let mut take = |k: &str| match value.remove(k) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let properties = LinkProperties {
        action_link: Secret::new(take("action_link")),
        email_otp: Secret::new(take("email_otp")),
        hashed_token: Secret::new(take("hashed_token")),
        redirect_to: take("redirect_to"),
        verification_type: take("verification_type"),
    };
    let user = match value.remove("user") {
        Some(user @ Value::Object(_)) => user,
        _ => Value::Object(value),
    };
    let user: User = serde_json::from_value(user).map_err(|e| crate::session::decode_error(&e))?;
    Ok(GeneratedLink { properties, user })
}
