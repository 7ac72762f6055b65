//! A JSON value whose objects keep their key order (`serde_json::Value` sorts them without
//! its `preserve_order` feature, which this crate must not switch on for the whole
//! workspace). Case ops are read as [`Oj`] so that bodies and `match({...})` filters are sent
//! in the order the case wrote them, as supabase-js does.

use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON value with ordered objects.
#[derive(Debug, Clone, PartialEq)]
pub enum Oj {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Num(serde_json::Number),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Oj>),
    /// An object, in document order.
    Obj(Vec<(String, Oj)>),
}

impl<'de> Deserialize<'de> for Oj {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Oj;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Oj, E> {
                Ok(Oj::Null)
            }
            fn visit_none<E>(self) -> Result<Oj, E> {
                Ok(Oj::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Oj, E> {
                Ok(Oj::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Oj, E> {
                Ok(Oj::Num(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Oj, E> {
                Ok(Oj::Num(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Oj, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Oj::Null, Oj::Num))
            }
            fn visit_str<E>(self, v: &str) -> Result<Oj, E> {
                Ok(Oj::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Oj, E> {
                Ok(Oj::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Oj, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element()? {
                    out.push(x);
                }
                Ok(Oj::Arr(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Oj, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = m.next_entry()? {
                    out.push(e);
                }
                Ok(Oj::Obj(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Oj {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Oj::Null => s.serialize_unit(),
            Oj::Bool(b) => s.serialize_bool(*b),
            Oj::Num(n) => n.serialize(s),
            Oj::Str(x) => s.serialize_str(x),
            Oj::Arr(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for x in a {
                    // JS `undefined` in an array is serialized as null.
                    if x.is_undefined() {
                        seq.serialize_element(&Oj::Null)?;
                    } else {
                        seq.serialize_element(x)?;
                    }
                }
                seq.end()
            }
            Oj::Obj(o) => {
                // JS `undefined` properties are not serialized.
                let kept: Vec<_> = o.iter().filter(|(_, v)| !v.is_undefined()).collect();
                let mut map = s.serialize_map(Some(kept.len()))?;
                for (k, v) in kept {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl Oj {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Oj> {
        match self {
            Oj::Obj(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    /// The string, if this is one.
    pub fn str(&self) -> Option<&str> {
        match self {
            Oj::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The boolean member `key`.
    pub fn bool_at(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(Oj::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    /// The string member `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Oj::str)
    }
    /// A non-negative integer.
    pub fn u64(&self) -> Result<u64, String> {
        match self {
            Oj::Num(n) => n
                .as_u64()
                .ok_or_else(|| format!("expected a non-negative integer, got {n}")),
            other => Err(format!("expected a number, got {}", other.compact())),
        }
    }
    /// Whether this is the DSL's `{"$undefined": true}`.
    pub fn is_undefined(&self) -> bool {
        matches!(self, Oj::Obj(o) if o.len() == 1 && o[0].0 == "$undefined" && o[0].1 == Oj::Bool(true))
    }
    /// Whether this is `null` or JS `undefined` (an absent optional argument).
    pub fn is_nullish(&self) -> bool {
        matches!(self, Oj::Null) || self.is_undefined()
    }
    /// The object's members, if this is an object.
    pub fn members(&self) -> Option<&[(String, Oj)]> {
        match self {
            Oj::Obj(o) => Some(o),
            _ => None,
        }
    }
    /// The DSL's `$repeat` expanded, recursively.
    pub fn expand(self) -> Oj {
        match self {
            Oj::Obj(o) => {
                if o.len() == 1
                    && o[0].0 == "$repeat"
                    && let Oj::Arr(r) = &o[0].1
                    && let [Oj::Str(s), n] = r.as_slice()
                    && let Ok(n) = n.u64()
                {
                    return Oj::Str(s.repeat(usize::try_from(n).unwrap_or(0)));
                }
                Oj::Obj(o.into_iter().map(|(k, v)| (k, v.expand())).collect())
            }
            Oj::Arr(a) => Oj::Arr(a.into_iter().map(Oj::expand).collect()),
            other => other,
        }
    }
    /// As `serde_json::Value` (object keys sorted; for scalars and lists).
    pub fn value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    /// Compact JSON text, in document order.
    pub fn compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    /// JS template-literal rendering of a scalar (`${v}`).
    pub fn display(&self) -> String {
        match self {
            Oj::Str(s) => s.clone(),
            Oj::Null => "null".into(),
            other => other.compact(),
        }
    }
    /// The elements of an array, as values.
    pub fn items(&self) -> Result<Vec<Value>, String> {
        match self {
            Oj::Arr(a) => Ok(a.iter().map(Oj::value).collect()),
            other => Err(format!("expected an array, got {}", other.compact())),
        }
    }
}
