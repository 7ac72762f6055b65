//! The query string of a request: ordered pairs with the `append`/`set` semantics of
//! `URLSearchParams`, which decide the parameter order postgrest-js produces.

/// Ordered, possibly repeated query pairs (decoded form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    /// Adds a pair at the end, keeping any earlier pair with the same key (filters).
    pub(crate) fn append(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }

    /// Replaces the first pair with this key **in place** and drops later ones, or appends
    /// the pair when the key is new (`URLSearchParams.set`).
    pub(crate) fn set(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.pairs.iter().position(|(k, _)| k == key) {
            Some(first) => {
                let mut index = 0;
                self.pairs.retain(|(k, _)| {
                    let keep = index <= first || k != key;
                    index += 1;
                    keep
                });
                if let Some(pair) = self.pairs.get_mut(first) {
                    pair.1 = value;
                }
            }
            None => self.pairs.push((key.to_owned(), value)),
        }
    }

    /// The value of the first pair with this key.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The pairs, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(q: &QueryParams) -> Vec<String> {
        q.pairs().iter().map(|(k, v)| format!("{k}={v}")).collect()
    }

    #[test]
    fn append_keeps_duplicates_in_order() {
        let mut q = QueryParams::default();
        q.append("id", "gt.1");
        q.append("id", "lt.5");
        assert_eq!(keys(&q), ["id=gt.1", "id=lt.5"]);
    }

    #[test]
    fn set_replaces_first_in_place_and_drops_later_ones() {
        let mut q = QueryParams::default();
        q.set("limit", "5");
        q.append("x", "1");
        q.append("limit", "7");
        q.set("offset", "10");
        q.set("limit", "10");
        assert_eq!(keys(&q), ["limit=10", "x=1", "offset=10"]);
        assert_eq!(q.get("limit"), Some("10"));
        assert_eq!(q.get("nope"), None);
    }
}
