//! Users, identities and MFA factors as the Auth server describes them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user of the project (`GET /user`, the `user` of a session, admin answers).
///
/// Known fields are typed; every other field the server sends is kept in
/// [`User::extra`]. A user holds no secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user's id (a UUID).
    pub id: String,
    /// The audience (`authenticated`).
    #[serde(default)]
    pub aud: String,
    /// The Postgres role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The email address (`None` when empty).
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// The phone number (`None` when empty).
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<String>,
    /// When the email was confirmed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_confirmed_at: Option<String>,
    /// When the phone was confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_confirmed_at: Option<String>,
    /// When the user confirmed (email or phone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    /// Last sign-in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<String>,
    /// Server-controlled metadata (`provider`, `providers`, …).
    #[serde(default)]
    pub app_metadata: Map<String, Value>,
    /// User-controlled metadata (the `data` of sign-up and `update_user`).
    #[serde(default)]
    pub user_metadata: Map<String, Value>,
    /// Linked identities, when the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<Vec<Identity>>,
    /// MFA factors, when the server sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factors: Option<Vec<Factor>>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Whether the user signed in anonymously.
    #[serde(default)]
    pub is_anonymous: bool,
    /// Every other field the server sent (`new_email`, `banned_until`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An identity linked to a user (email, phone, an OAuth provider, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Identity {
    /// The identity's row id (what `unlink_identity` takes).
    #[serde(default)]
    pub identity_id: String,
    /// The provider's id for the user.
    #[serde(default)]
    pub id: String,
    /// The user it belongs to.
    #[serde(default)]
    pub user_id: String,
    /// The provider (`email`, `github`, …).
    #[serde(default)]
    pub provider: String,
    /// What the provider said about the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_data: Option<Map<String, Value>>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An MFA factor of a user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Factor {
    /// The factor id.
    pub id: String,
    /// The name the user gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,
    /// `totp`, `phone` or `webauthn`.
    #[serde(default)]
    pub factor_type: String,
    /// `verified` or `unverified`.
    #[serde(default)]
    pub status: String,
    /// The phone number of a phone factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Factor {
    /// Whether the factor has been verified (only verified factors raise the assurance level).
    pub fn is_verified(&self) -> bool {
        self.status == "verified"
    }
}

/// Reads `""` and `null` as `None`.
fn empty_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.filter(|s| !s.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_server_user_and_keeps_unknown_fields() {
        let user: User = serde_json::from_value(serde_json::json!({
            "id": "u1", "aud": "authenticated", "role": "authenticated",
            "email": "a@example.com", "phone": "", "app_metadata": {"provider": "email"},
            "user_metadata": {}, "identities": [], "is_anonymous": false,
            "new_email": "b@example.com",
            "factors": [{"id": "f1", "factor_type": "totp", "status": "verified"}]
        }))
        .unwrap();
        assert_eq!(user.email.as_deref(), Some("a@example.com"));
        assert_eq!(user.phone, None);
        assert_eq!(
            user.extra.get("new_email"),
            Some(&Value::from("b@example.com"))
        );
        assert!(user.factors.as_ref().unwrap()[0].is_verified());
        let again: User = serde_json::from_value(serde_json::to_value(&user).unwrap()).unwrap();
        assert_eq!(again, user);
    }
}
