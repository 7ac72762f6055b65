//! Reading serialized JSON back in document order: the keys of bulk-insert rows (for
//! `columns=`) and the arguments of GET/HEAD `rpc` calls (for the query string).
//!
//! `serde_json::Value` sorts object keys (unless the `preserve_order` feature is on anywhere
//! in the build), so these small visitors keep the order the caller's `Serialize` produced.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

use crate::encode::pg_array_literal;
use crate::value::Scalar;

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OrderedJson {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<OrderedJson>),
    Object(Vec<(String, OrderedJson)>),
}

impl<'de> Deserialize<'de> for OrderedJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedVisitor)
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = OrderedJson;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<OrderedJson, E> {
        Ok(Number::from_f64(v).map_or(OrderedJson::Null, OrderedJson::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<OrderedJson, E> {
        Ok(OrderedJson::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<OrderedJson, E> {
        Ok(OrderedJson::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedJson, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(OrderedJson::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedJson, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(OrderedJson::Object(entries))
    }
}

impl Serialize for OrderedJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OrderedJson::Null => serializer.serialize_unit(),
            OrderedJson::Bool(b) => serializer.serialize_bool(*b),
            OrderedJson::Number(n) => n.serialize(serializer),
            OrderedJson::String(s) => serializer.serialize_str(s),
            OrderedJson::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            OrderedJson::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl OrderedJson {
    /// An object, or an array holding an object at any depth (postgrest-js `_isObject`).
    pub(crate) fn is_object_like(&self) -> bool {
        match self {
            OrderedJson::Object(_) => true,
            OrderedJson::Array(items) => items.iter().any(OrderedJson::is_object_like),
            _ => false,
        }
    }

    /// The JSON text, keys in order.
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// As a list element.
    fn to_scalar(&self) -> Scalar {
        match self {
            OrderedJson::Null => Scalar::Null,
            OrderedJson::Bool(b) => Scalar::Literal(b.to_string()),
            OrderedJson::Number(n) => Scalar::Literal(n.to_string()),
            OrderedJson::String(s) => Scalar::Text(s.clone()),
            other => Scalar::Text(other.to_json()),
        }
    }

    /// As the value of a query parameter of a GET/HEAD function call: strings as is,
    /// numbers/booleans/null as their JSON text, arrays as Postgres array literals (elements
    /// quoted as needed), objects as their JSON text.
    pub(crate) fn to_query_value(&self) -> String {
        match self {
            OrderedJson::Null => "null".to_owned(),
            OrderedJson::Bool(b) => b.to_string(),
            OrderedJson::Number(n) => n.to_string(),
            OrderedJson::String(s) => s.clone(),
            OrderedJson::Array(items) => pg_array_literal(items.iter().map(OrderedJson::to_scalar)),
            OrderedJson::Object(_) => self.to_json(),
        }
    }
}

/// Parses serialized `rpc` arguments: `null` means none; otherwise they must be an object.
pub(crate) fn rpc_args(body: &[u8]) -> Result<Vec<(String, OrderedJson)>, String> {
    match serde_json::from_slice::<OrderedJson>(body) {
        Ok(OrderedJson::Null) => Ok(Vec::new()),
        Ok(OrderedJson::Object(entries)) => Ok(entries),
        Ok(_) => Err("rpc arguments must serialize to a JSON object (a struct or a map)".into()),
        Err(e) => Err(format!("rpc arguments are not valid JSON: {e}")),
    }
}

/// The union of the keys of the objects in a JSON array, in first-seen order; empty when
/// the body is not an array.
pub(crate) fn bulk_columns(body: &[u8]) -> Vec<String> {
    let is_array = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'[');
    if !is_array {
        return Vec::new();
    }
    serde_json::from_slice::<RowsKeys>(body)
        .map(|k| k.0)
        .unwrap_or_default()
}

/// The key union of an array of rows.
struct RowsKeys(Vec<String>);

impl<'de> Deserialize<'de> for RowsKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowsVisitor;
        impl<'de> Visitor<'de> for RowsVisitor {
            type Value = RowsKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of rows")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RowsKeys, A::Error> {
                let mut seen = HashSet::new();
                let mut keys = Vec::new();
                while let Some(RowKeys(row)) = seq.next_element()? {
                    for key in row {
                        if seen.insert(key.clone()) {
                            keys.push(key);
                        }
                    }
                }
                Ok(RowsKeys(keys))
            }
        }
        deserializer.deserialize_seq(RowsVisitor)
    }
}

/// The keys of one row (none when the element is not an object).
struct RowKeys(Vec<String>);

impl<'de> Deserialize<'de> for RowKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = RowKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a row")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RowKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(RowKeys(keys))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RowKeys, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RowKeys(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<RowKeys, E> {
                Ok(RowKeys(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<RowKeys, E> {
                Ok(RowKeys(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<RowKeys, E> {
                Ok(RowKeys(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<RowKeys, E> {
                Ok(RowKeys(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RowKeys, E> {
                Ok(RowKeys(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<RowKeys, E> {
                Ok(RowKeys(Vec::new()))
            }
        }
        deserializer.deserialize_any(RowVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_columns_are_the_key_union_in_first_seen_order() {
        let body = br#"[{"a":1},{"b":2,"c":3},{"c":4,"a":5}]"#;
        assert_eq!(bulk_columns(body), ["a", "b", "c"]);
        assert!(bulk_columns(br#"[{},{}]"#).is_empty());
        assert!(bulk_columns(br#"{"a":1}"#).is_empty());
        assert!(bulk_columns(br#"[1,"x",null,[{"a":1}]]"#).is_empty());
        assert_eq!(bulk_columns(br#" [{"z":{"y":1},"x":[1]}]"#), ["z", "x"]);
    }

    #[test]
    fn rpc_args_keep_order_and_render_for_the_query() {
        let args = rpc_args(
            br#"{"b":1,"a":"x y","c":[1,"a,b",null],"d":{"z":1,"y":2},"e":null,"f":true}"#,
        )
        .unwrap();
        let rendered: Vec<(String, String)> = args
            .iter()
            .map(|(k, v)| (k.clone(), v.to_query_value()))
            .collect();
        let expected = [
            ("b", "1"),
            ("a", "x y"),
            ("c", r#"{1,"a,b",NULL}"#),
            ("d", r#"{"z":1,"y":2}"#),
            ("e", "null"),
            ("f", "true"),
        ];
        assert_eq!(
            rendered,
            expected.map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(args.iter().any(|(_, v)| v.is_object_like()));
        assert!(rpc_args(b"null").unwrap().is_empty());
        assert!(rpc_args(b"[1]").is_err());
    }

    #[test]
    fn object_likeness_follows_postgrest_js() {
        let v: OrderedJson = serde_json::from_str(r#"[[1,[{"a":1}]]]"#).unwrap();
        assert!(v.is_object_like());
        let v: OrderedJson = serde_json::from_str("[1,[2]]").unwrap();
        assert!(!v.is_object_like());
    }
}
