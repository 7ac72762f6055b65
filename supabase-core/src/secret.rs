//! A string that must never be printed.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A secret string: a project key, a JWT, a refresh token or a password.
///
/// `Debug` and `Display` print `[REDACTED]`; the value is only reachable through
/// [`Secret::expose`], so every place that uses it is easy to find. The memory is zeroed on drop
/// (through the `secrecy` crate).
///
/// ```
/// use supabase_core::Secret;
///
/// let key = Secret::new("sb_secret_123");
/// assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
/// assert_eq!(key.to_string(), "[REDACTED]");
/// assert_eq!(key.expose(), "sb_secret_123");
/// ```
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret value. Use it only to put it on the wire.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Self::new(value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("super-secret-value");
        assert!(!format!("{s:?}").contains("super-secret"));
        assert!(!format!("{s}").contains("super-secret"));
        assert!(!format!("{s:#?}").contains("super-secret"));
        assert_eq!(s.expose(), "super-secret-value");
        assert!(!s.is_empty());
        assert!(Secret::new("").is_empty());
    }
}
