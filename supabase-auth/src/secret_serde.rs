//! Serde helpers for [`Secret`] fields (the core type has no serde impls on purpose).

use serde::{Deserialize, Deserializer, Serializer};
use supabase_core::Secret;

/// Reads a string (or `null`) into an optional secret.
pub(crate) fn de_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.filter(|s| !s.is_empty()).map(Secret::new))
}

/// Reads a list of strings (or `null`) into secrets.
pub(crate) fn de_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Secret>, D::Error> {
    let value: Option<Vec<String>> = Option::deserialize(d)?;
    Ok(value
        .unwrap_or_default()
        .into_iter()
        .map(Secret::new)
        .collect())
}

/// Writes an optional secret as its string.
pub(crate) fn ser_opt<S: Serializer>(value: &Option<Secret>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(secret) => s.serialize_str(secret.expose()),
        None => s.serialize_none(),
    }
}
