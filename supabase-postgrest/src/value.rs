//! Values that go into filters: list elements ([`FilterValue`]), the right-hand side of
//! `contains`/`contained_by`/`overlaps` ([`ContainerValue`]) and the operand of `is`
//! ([`IsValue`]).
//!
//! Single-value filters (`eq`, `gt`, `like`, …) take any `impl Display`, written as is
//! (`Uuid`, dates, numbers and strings all work). Lists need to know more: whether an element
//! is text (quoted when PostgREST's grammar requires it) or a literal (numbers, booleans,
//! `null`), which is what [`Scalar`] records.

use std::borrow::Cow;

use serde_json::Value;

use crate::encode::{in_list, pg_array_literal};
pub use crate::scalar::Scalar;

/// A value usable as an element of `in_`, `not_in`, `contains` (arrays), `overlaps`,
/// `like_any_of`, … and of array arguments to GET/HEAD `rpc` calls.
///
/// Implemented for strings, `char`, `bool`, integers, floats, `Option<T>` (`None` is `NULL`),
/// references, [`serde_json::Value`] and [`Scalar`] itself. Two elements are duplicates (and
/// the second is dropped from `in` lists, as postgrest-js does) when their `Scalar`s are equal,
/// so `1` and `"1"` are kept apart.
///
/// ```
/// use supabase_postgrest::{FilterValue, Scalar};
///
/// assert_eq!("a,b".to_scalar(), Scalar::Text("a,b".into()));
/// assert_eq!(2.5.to_scalar(), Scalar::Literal("2.5".into()));
/// assert_eq!(None::<i32>.to_scalar(), Scalar::Null);
/// ```
pub trait FilterValue {
    /// The element as text or literal.
    fn to_scalar(&self) -> Scalar;
}

impl FilterValue for Scalar {
    fn to_scalar(&self) -> Scalar {
        self.clone()
    }
}

impl FilterValue for str {
    fn to_scalar(&self) -> Scalar {
        Scalar::Text(self.to_owned())
    }
}

impl FilterValue for String {
    fn to_scalar(&self) -> Scalar {
        Scalar::Text(self.clone())
    }
}

impl FilterValue for Cow<'_, str> {
    fn to_scalar(&self) -> Scalar {
        Scalar::Text(self.to_string())
    }
}

impl FilterValue for char {
    fn to_scalar(&self) -> Scalar {
        Scalar::Text(self.to_string())
    }
}

impl FilterValue for bool {
    fn to_scalar(&self) -> Scalar {
        Scalar::Literal(self.to_string())
    }
}

impl<T: FilterValue + ?Sized> FilterValue for &T {
    fn to_scalar(&self) -> Scalar {
        (**self).to_scalar()
    }
}

impl<T: FilterValue> FilterValue for Option<T> {
    fn to_scalar(&self) -> Scalar {
        match self {
            Some(v) => v.to_scalar(),
            None => Scalar::Null,
        }
    }
}

/// Numbers are literals written with `Display`.
fn literal(n: impl ToString) -> Scalar {
    Scalar::Literal(n.to_string())
}

impl FilterValue for i8 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for i16 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for i32 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for i64 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for i128 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for isize {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for u8 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for u16 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for u32 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for u64 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for u128 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for usize {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for f32 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}
impl FilterValue for f64 {
    fn to_scalar(&self) -> Scalar {
        literal(self)
    }
}

/// JSON strings are text, numbers and booleans literals, `null` is `NULL`; arrays and objects
/// are text holding their JSON.
impl FilterValue for Value {
    fn to_scalar(&self) -> Scalar {
        match self {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Literal(b.to_string()),
            Value::Number(n) => Scalar::Literal(n.to_string()),
            Value::String(s) => Scalar::Text(s.clone()),
            other => Scalar::Text(other.to_string()),
        }
    }
}

/// The right-hand side of `contains` (`cs`), `contained_by` (`cd`) and `overlaps` (`ov`).
///
/// - a string is sent as is: a range literal such as `"[1,5)"`, or an array literal you
///   quoted yourself;
/// - a slice, array or `Vec` of [`FilterValue`]s becomes a Postgres array literal `{a,b}`,
///   with elements quoted and escaped as Postgres requires (postgrest-js does not quote them);
/// - a [`serde_json::Value`] object becomes its JSON text (for `jsonb` columns), an array
///   becomes an array literal, a string is sent as is.
///
/// ```
/// use serde_json::json;
/// use supabase_postgrest::ContainerValue;
///
/// assert_eq!(["a,b", "c"].to_container(), r#"{"a,b",c}"#);
/// assert_eq!("[1,5)".to_container(), "[1,5)");
/// assert_eq!(json!({"postcode": 90210}).to_container(), r#"{"postcode":90210}"#);
/// ```
pub trait ContainerValue {
    /// The text written after the operator.
    fn to_container(&self) -> String;
}

impl ContainerValue for str {
    fn to_container(&self) -> String {
        self.to_owned()
    }
}

impl ContainerValue for String {
    fn to_container(&self) -> String {
        self.clone()
    }
}

impl<T: ContainerValue + ?Sized> ContainerValue for &T {
    fn to_container(&self) -> String {
        (**self).to_container()
    }
}

impl<T: FilterValue> ContainerValue for [T] {
    fn to_container(&self) -> String {
        pg_array_literal(self.iter().map(FilterValue::to_scalar))
    }
}

impl<T: FilterValue, const N: usize> ContainerValue for [T; N] {
    fn to_container(&self) -> String {
        self.as_slice().to_container()
    }
}

impl<T: FilterValue> ContainerValue for Vec<T> {
    fn to_container(&self) -> String {
        self.as_slice().to_container()
    }
}

impl ContainerValue for Value {
    fn to_container(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Array(items) => items.to_container(),
            other => other.to_string(),
        }
    }
}

/// The operand of [`is`](crate::FilterBuilder::is): `null`, `true`, `false` or `unknown`.
///
/// `bool` and `Option<bool>` convert into it (`None` is `Null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IsValue {
    /// `is.null`
    Null,
    /// `is.true`
    True,
    /// `is.false`
    False,
    /// `is.unknown` (a NULL boolean)
    Unknown,
}

impl IsValue {
    /// The keyword sent.
    pub fn as_str(self) -> &'static str {
        match self {
            IsValue::Null => "null",
            IsValue::True => "true",
            IsValue::False => "false",
            IsValue::Unknown => "unknown",
        }
    }
}

impl From<bool> for IsValue {
    fn from(value: bool) -> Self {
        if value { IsValue::True } else { IsValue::False }
    }
}

impl From<Option<bool>> for IsValue {
    fn from(value: Option<bool>) -> Self {
        value.map_or(IsValue::Null, IsValue::from)
    }
}

/// Renders list elements for `in.(…)`, de-duplicated as postgrest-js does.
pub(crate) fn render_in_list<I>(values: I) -> String
where
    I: IntoIterator,
    I::Item: FilterValue,
{
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<Scalar> = values
        .into_iter()
        .map(|v| v.to_scalar())
        .filter(|s| seen.insert(s.clone()))
        .collect();
    in_list(&unique)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_of_common_types() {
        assert_eq!(1u8.to_scalar(), Scalar::Literal("1".into()));
        assert_eq!((-3i64).to_scalar(), Scalar::Literal("-3".into()));
        assert_eq!(true.to_scalar(), Scalar::Literal("true".into()));
        assert_eq!('x'.to_scalar(), Scalar::Text("x".into()));
        assert_eq!(Some("a").to_scalar(), Scalar::Text("a".into()));
        assert_eq!(json!(null).to_scalar(), Scalar::Null);
        assert_eq!(json!(1.5).to_scalar(), Scalar::Literal("1.5".into()));
        assert_eq!(json!("1").to_scalar(), Scalar::Text("1".into()));
        assert_eq!(json!([1, 2]).to_scalar(), Scalar::Text("[1,2]".into()));
    }

    #[test]
    fn in_lists_dedupe_by_kind_and_text() {
        let list = [json!(1), json!(1), json!(2), json!("1"), json!(2)];
        assert_eq!(render_in_list(&list), "(1,2,1)");
        assert_eq!(render_in_list(Vec::<i32>::new()), "()");
    }

    #[test]
    fn container_values() {
        assert_eq!(vec!["a", "b"].to_container(), "{a,b}");
        assert_eq!([1, 2, 3].to_container(), "{1,2,3}");
        assert_eq!(json!(["x y", null]).to_container(), "{x y,NULL}");
        assert_eq!(json!({}).to_container(), "{}");
        assert_eq!(json!("[1,2)").to_container(), "[1,2)");
    }

    #[test]
    fn is_values() {
        assert_eq!(IsValue::from(true).as_str(), "true");
        assert_eq!(IsValue::from(None).as_str(), "null");
        assert_eq!(IsValue::from(Some(false)).as_str(), "false");
        assert_eq!(IsValue::Unknown.as_str(), "unknown");
    }
}
