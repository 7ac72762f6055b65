//! The query string of a request: ordered pairs with the `append`/`set` semantics of
//! `URLSearchParams`, which decide the parameter order postgrest-js produces.

use std::fmt;

/// Ordered, possibly repeated query pairs (decoded form).
///
/// Every key and value is written back to back into one buffer, and each pair is two offsets
/// into it, so a typical query (a select, a few filters, an order, a limit) costs two
/// allocations rather than two per pair.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct QueryParams {
    /// Every key and value, in order, back to back.
    text: String,
    /// For each pair: where its key ends and where its value ends in `text`; the key starts
    /// where the previous value ended.
    ends: Vec<(usize, usize)>,
}

impl Default for QueryParams {
    /// Room for a select, a few filters, an order and a limit without growing.
    fn default() -> Self {
        Self {
            text: String::with_capacity(128),
            ends: Vec::with_capacity(8),
        }
    }
}

impl QueryParams {
    /// Adds a pair at the end, keeping any earlier pair with the same key (filters).
    pub(crate) fn append(&mut self, key: &str, value: &str) {
        self.append_with(key, |buf| buf.push_str(value));
    }

    /// [`append`](Self::append) with the value written by `write` straight into the buffer.
    pub(crate) fn append_with(&mut self, key: &str, write: impl FnOnce(&mut String)) {
        self.text.push_str(key);
        let key_end = self.text.len();
        write(&mut self.text);
        self.ends.push((key_end, self.text.len()));
    }

    /// Replaces the first pair with this key **in place** and drops later ones, or appends
    /// the pair when the key is new (`URLSearchParams.set`).
    pub(crate) fn set(&mut self, key: &str, value: &str) {
        if self.get(key).is_none() {
            self.append(key, value);
            return;
        }
        let mut replaced = Self::default();
        let mut seen = false;
        for (k, v) in self.pairs() {
            if k != key {
                replaced.append(k, v);
            } else if !seen {
                seen = true;
                replaced.append(k, value);
            }
        }
        *self = replaced;
    }

    /// [`set`](Self::set) with the value written by `write` (straight into the buffer when
    /// the key is new, the usual case).
    pub(crate) fn set_with(&mut self, key: &str, write: impl FnOnce(&mut String)) {
        if self.get(key).is_none() {
            self.append_with(key, write);
        } else {
            let mut value = String::new();
            write(&mut value);
            self.set(key, &value);
        }
    }

    /// The value of the first pair with this key.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The pairs, in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> + Clone + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&(key_end, value_end)| {
            let key = self.text.get(start..key_end).unwrap_or_default();
            let value = self.text.get(key_end..value_end).unwrap_or_default();
            start = value_end;
            (key, value)
        })
    }

    /// Whether there are no pairs.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

impl fmt::Debug for QueryParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.pairs()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(q: &QueryParams) -> Vec<String> {
        q.pairs().map(|(k, v)| format!("{k}={v}")).collect()
    }

    #[test]
    fn append_keeps_duplicates_in_order() {
        let mut q = QueryParams::default();
        q.append("id", "gt.1");
        q.append("id", "lt.5");
        q.append_with("name", |buf| buf.push_str("eq.Ada"));
        q.append("", "");
        q.append("empty", "");
        assert_eq!(
            keys(&q),
            ["id=gt.1", "id=lt.5", "name=eq.Ada", "=", "empty="]
        );
    }

    #[test]
    fn set_replaces_first_in_place_and_drops_later_ones() {
        let mut q = QueryParams::default();
        assert!(q.is_empty());
        q.set("limit", "5");
        q.append("x", "1");
        q.append("limit", "7");
        q.set("offset", "10");
        q.set("limit", "10");
        assert_eq!(keys(&q), ["limit=10", "x=1", "offset=10"]);
        assert_eq!(q.get("limit"), Some("10"));
        assert_eq!(q.get("nope"), None);
        q.set_with("new", |buf| buf.push_str("written"));
        q.set_with("new", |buf| buf.push_str("again"));
        assert_eq!(q.get("new"), Some("again"));
        q.set("x", "a longer value than before");
        assert_eq!(
            keys(&q),
            [
                "limit=10",
                "x=a longer value than before",
                "offset=10",
                "new=again"
            ]
        );
        assert_eq!(
            format!("{q:?}"),
            r#"[("limit", "10"), ("x", "a longer value than before"), ("offset", "10"), ("new", "again")]"#
        );
    }

    #[test]
    fn keys_and_values_with_multibyte_text_stay_whole() {
        let mut q = QueryParams::default();
        q.append("naïve", "eq.café ✓");
        q.append("x".repeat(300).as_str(), "y");
        q.set("naïve", "eq.thé");
        let pairs: Vec<(&str, &str)> = q.pairs().collect();
        assert_eq!(pairs[0], ("naïve", "eq.thé"));
        assert_eq!(pairs[1].0.len(), 300);
        assert_eq!(pairs[1].1, "y");
    }
}
