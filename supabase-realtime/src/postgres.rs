//! `postgres_changes`: bindings, the server's row format and typed changes.

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::sync::mpsc;

use crate::RealtimeError;

/// Which row events a binding asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PostgresEvent {
    /// Every event (`*`).
    All,
    /// `INSERT`.
    Insert,
    /// `UPDATE`.
    Update,
    /// `DELETE`.
    Delete,
}

impl PostgresEvent {
    /// The wire name: `*`, `INSERT`, `UPDATE`, `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            PostgresEvent::All => "*",
            PostgresEvent::Insert => "INSERT",
            PostgresEvent::Update => "UPDATE",
            PostgresEvent::Delete => "DELETE",
        }
    }

    fn matches(self, kind: ChangeKind) -> bool {
        match self {
            PostgresEvent::All => true,
            PostgresEvent::Insert => kind == ChangeKind::Insert,
            PostgresEvent::Update => kind == ChangeKind::Update,
            PostgresEvent::Delete => kind == ChangeKind::Delete,
        }
    }
}

/// The kind of a delivered change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A row was inserted.
    Insert,
    /// A row was updated.
    Update,
    /// A row was deleted.
    Delete,
}

impl ChangeKind {
    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "INSERT" => Some(ChangeKind::Insert),
            "UPDATE" => Some(ChangeKind::Update),
            "DELETE" => Some(ChangeKind::Delete),
            _ => None,
        }
    }
}

/// One `postgres_changes` binding: event, schema, and optionally table and filter.
///
/// ```
/// use supabase_realtime::{PostgresChangesFilter, PostgresEvent};
///
/// let f = PostgresChangesFilter::new(PostgresEvent::Insert, "public")
///     .table("todos")
///     .filter("id=eq.7");
/// assert_eq!(
///     f.to_config(),
///     serde_json::json!({"event": "INSERT", "schema": "public", "table": "todos", "filter": "id=eq.7"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostgresChangesFilter {
    event: PostgresEvent,
    schema: String,
    table: Option<String>,
    filter: Option<String>,
}

/// The operators Realtime accepts in a `postgres_changes` filter.
const FILTER_OPERATORS: [&str; 7] = ["eq", "neq", "lt", "lte", "gt", "gte", "in"];

impl PostgresChangesFilter {
    /// `event` on every table of `schema`.
    pub fn new(event: PostgresEvent, schema: impl Into<String>) -> Self {
        Self {
            event,
            schema: schema.into(),
            table: None,
            filter: None,
        }
    }

    /// Only this table.
    #[must_use]
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    /// Only rows matching `column=operator.value` (`eq`, `neq`, `lt`, `lte`, `gt`, `gte`,
    /// `in`), for example `id=eq.7` or `status=in.(open,closed)`.
    #[must_use]
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// The event asked for.
    pub fn event(&self) -> PostgresEvent {
        self.event
    }

    /// The binding as sent in the join's `config.postgres_changes` (keys only when given).
    pub fn to_config(&self) -> Value {
        let mut m = Map::new();
        m.insert("event".into(), self.event.as_str().into());
        m.insert("schema".into(), self.schema.clone().into());
        if let Some(t) = &self.table {
            m.insert("table".into(), t.clone().into());
        }
        if let Some(f) = &self.filter {
            m.insert("filter".into(), f.clone().into());
        }
        Value::Object(m)
    }

    /// Refuses what the server would refuse, before anything is sent.
    pub(crate) fn validate(&self) -> Result<(), RealtimeError> {
        let bad = |m: String| Err(RealtimeError::InvalidInput(m));
        if self.schema.trim().is_empty() {
            return bad("postgres_changes: the schema is empty".into());
        }
        if self.table.as_deref().is_some_and(|t| t.trim().is_empty()) {
            return bad("postgres_changes: the table is empty".into());
        }
        if let Some(filter) = &self.filter {
            if self.table.is_none() {
                return bad("postgres_changes: a filter needs a table".into());
            }
            let valid = filter.split_once('=').is_some_and(|(column, rest)| {
                !column.is_empty()
                    && rest
                        .split_once('.')
                        .is_some_and(|(op, _)| FILTER_OPERATORS.contains(&op))
            });
            if !valid {
                return bad(format!(
                    "postgres_changes: filter `{filter}` is not `column=operator.value` with one of {FILTER_OPERATORS:?}"
                ));
            }
        }
        Ok(())
    }

    /// Whether the server's binding entry (from the join reply) is this binding, compared
    /// as realtime-js does: event, schema, table and filter all equal.
    pub(crate) fn matches_server(&self, server: &Value) -> bool {
        let s = |k: &str| server.get(k).and_then(Value::as_str);
        s("event") == Some(self.event.as_str())
            && s("schema") == Some(self.schema.as_str())
            && s("table") == self.table.as_deref()
            && s("filter") == self.filter.as_deref()
    }

    /// Whether a change with the server's binding `ids` and kind goes to a binding whose
    /// server id is `id`.
    pub(crate) fn routes(&self, id: Option<u64>, ids: &[u64], kind: ChangeKind) -> bool {
        id.is_some_and(|id| ids.contains(&id)) && self.event.matches(kind)
    }
}

/// A database change, with its records decoded into the caller's types.
///
/// `new` is the row after an insert or update, `old` the row before an update or delete (only
/// the primary key unless the table has `REPLICA IDENTITY FULL`, so `O` often is a smaller type
/// or `serde_json::Value`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PostgresChange<N, O = N> {
    /// What happened.
    pub kind: ChangeKind,
    /// The schema.
    pub schema: String,
    /// The table.
    pub table: String,
    /// When the transaction committed (as the server wrote it).
    pub commit_timestamp: String,
    /// The new record (inserts and updates).
    pub new: Option<N>,
    /// The old record (updates and deletes, when the server sent one).
    pub old: Option<O>,
    /// Errors the server reported for this change (for example a row too large).
    pub errors: Option<Value>,
}

/// Converts one value by its Postgres column type, as realtime-js does (`"7"` int8 → 7,
/// `"t"` bool → true, JSON text → JSON, timestamps with `T`, arrays `{1,2}` → `[1,2]`).
fn convert_cell(col_type: &str, value: Value) -> Value {
    let Value::String(text) = &value else {
        return value;
    };
    if let Some(element_type) = col_type.strip_prefix('_') {
        let inner = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'));
        let Some(inner) = inner else { return value };
        if inner.is_empty() {
            return Value::Array(vec![]);
        }
        return match serde_json::from_str::<Vec<Value>>(&format!("[{inner}]")) {
            Ok(items) => Value::Array(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::Number(_) | Value::Bool(_) | Value::Null => item,
                        other => convert_cell(element_type, other),
                    })
                    .collect(),
            ),
            Err(_) => value,
        };
    }
    match col_type {
        "bool" => match text.as_str() {
            "t" => Value::Bool(true),
            "f" => Value::Bool(false),
            _ => value,
        },
        "float4" | "float8" | "int2" | "int4" | "int8" | "numeric" | "oid" => {
            if let Ok(i) = text.parse::<i64>() {
                Value::from(i)
            } else if let Some(n) = text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Value::Number(n)
            } else {
                value
            }
        }
        "json" | "jsonb" => serde_json::from_str(text).unwrap_or(value),
        "timestamp" => Value::String(text.replacen(' ', "T", 1)),
        _ => value,
    }
}

/// Converts a record's values by the column types the server listed.
pub(crate) fn convert_record(columns: Option<&Value>, record: Value) -> Value {
    let Value::Object(map) = record else {
        return record;
    };
    let types: Vec<(&str, &str)> = columns
        .and_then(Value::as_array)
        .map(|cols| {
            cols.iter()
                .filter_map(|c| Some((c.get("name")?.as_str()?, c.get("type")?.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    Value::Object(
        map.into_iter()
            .map(|(name, value)| {
                let converted = match types.iter().find(|(n, _)| *n == name) {
                    Some((_, t)) => convert_cell(t, value),
                    None => value,
                };
                (name, converted)
            })
            .collect(),
    )
}

/// The raw `data` of a `postgres_changes` push, as routed to listeners (shared between the
/// listeners of one message; decoded by each stream).
#[derive(Debug)]
pub(crate) struct RawChange {
    pub kind: ChangeKind,
    pub data: Value,
}

/// Reads the routing facts of a `postgres_changes` payload: the server binding ids and the
/// change kind. The payload's `data` moves into the change (no copy).
pub(crate) fn parse_push(payload: Value) -> Result<(Vec<u64>, Arc<RawChange>), String> {
    let ids = payload
        .get("ids")
        .and_then(Value::as_array)
        .ok_or("postgres_changes without `ids`")?
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    let Value::Object(mut payload) = payload else {
        return Err("postgres_changes without `ids`".into());
    };
    let data = match payload.remove("data") {
        Some(data @ Value::Object(_)) => data,
        _ => return Err("postgres_changes without a `data` object".into()),
    };
    let kind = data
        .get("type")
        .and_then(Value::as_str)
        .and_then(ChangeKind::parse)
        .ok_or("postgres_changes with an unknown `type`")?;
    Ok((ids, Arc::new(RawChange { kind, data })))
}

/// What a change stream receives: a change, or an error for this channel.
pub(crate) type ChangeItem = Result<Arc<RawChange>, RealtimeError>;

/// Decodes a change for one listener. The only listener (the usual case) takes the change
/// over and moves its values into `N` and `O`; a change shared by several bindings is copied.
fn decode_change<N: DeserializeOwned, O: DeserializeOwned>(
    raw: Arc<RawChange>,
) -> Result<PostgresChange<N, O>, RealtimeError> {
    let (kind, data) = match Arc::try_unwrap(raw) {
        Ok(raw) => (raw.kind, raw.data),
        Err(shared) => (shared.kind, shared.data.clone()),
    };
    let Value::Object(mut d) = data else {
        // `parse_push` only lets objects through.
        return Err(RealtimeError::Protocol {
            reason: "postgres_changes without a `data` object".into(),
        });
    };
    let mut text = |k: &str| match d.remove(k) {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let schema = text("schema");
    let table = text("table");
    let commit_timestamp = text("commit_timestamp");
    let columns = d.remove("columns");
    let record = |v: Option<Value>| match v {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) if m.is_empty() => None,
        Some(v) => Some(convert_record(columns.as_ref(), v)),
    };
    let new = record(d.remove("record"))
        .map(|v| {
            serde_json::from_value::<N>(v).map_err(|e| RealtimeError::Decode {
                what: "new record",
                reason: e.to_string(),
            })
        })
        .transpose()?;
    let old = record(d.remove("old_record"))
        .map(|v| {
            serde_json::from_value::<O>(v).map_err(|e| RealtimeError::Decode {
                what: "old record",
                reason: e.to_string(),
            })
        })
        .transpose()?;
    Ok(PostgresChange {
        kind,
        schema,
        table,
        commit_timestamp,
        new,
        old,
        errors: d.remove("errors").filter(|e| !e.is_null()),
    })
}

/// The changes of one `postgres_changes` binding, decoded into `N` (new) and `O` (old).
///
/// It yields `Err` for a change that could not be decoded, or a malformed push for this
/// channel, and keeps going; it ends when the channel is removed or closed.
pub struct ChangeStream<N, O = N> {
    rx: mpsc::UnboundedReceiver<ChangeItem>,
    _types: PhantomData<fn() -> (N, O)>,
}

impl<N, O> ChangeStream<N, O> {
    pub(crate) fn new(rx: mpsc::UnboundedReceiver<ChangeItem>) -> Self {
        Self {
            rx,
            _types: PhantomData,
        }
    }
}

impl<N, O> std::fmt::Debug for ChangeStream<N, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeStream")
    }
}

impl<N: DeserializeOwned, O: DeserializeOwned> Stream for ChangeStream<N, O> {
    type Item = Result<PostgresChange<N, O>, RealtimeError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(Ok(raw))) => Poll::Ready(Some(decode_change(raw))),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_like_realtime_js() {
        let cols = json!([
            {"name": "id", "type": "int8"}, {"name": "done", "type": "bool"},
            {"name": "title", "type": "text"}, {"name": "meta", "type": "jsonb"},
            {"name": "score", "type": "float8"}, {"name": "at", "type": "timestamp"},
            {"name": "tags", "type": "_text"}, {"name": "nums", "type": "_int4"},
            {"name": "metatext", "type": "json"}
        ]);
        let rec = json!({"id": "7", "done": "t", "title": "write tests", "meta": {"k": 1},
            "score": "1.5", "at": "2024-01-01 00:00:00", "tags": "{\"a\",\"b\"}", "nums": "{1,2}",
            "metatext": "{\"x\":1}", "extra": "7"});
        assert_eq!(
            convert_record(Some(&cols), rec),
            json!({"id": 7, "done": true, "title": "write tests", "meta": {"k": 1}, "score": 1.5,
                "at": "2024-01-01T00:00:00", "tags": ["a", "b"], "nums": [1, 2],
                "metatext": {"x": 1}, "extra": "7"})
        );
        assert_eq!(convert_cell("int8", json!("x")), json!("x"));
        assert_eq!(convert_cell("bool", Value::Null), Value::Null);
    }

    #[test]
    fn validates_bindings() {
        let f = |e| PostgresChangesFilter::new(PostgresEvent::All, e);
        assert!(f("public").validate().is_ok());
        assert!(f("").validate().is_err());
        assert!(f("public").filter("id=eq.1").validate().is_err());
        assert!(f("public").table("t").filter("id=eq.1").validate().is_ok());
        assert!(
            f("public")
                .table("t")
                .filter("id=like.1")
                .validate()
                .is_err()
        );
        assert!(f("public").table("t").filter("nope").validate().is_err());
    }

    #[test]
    fn matches_server_bindings_and_routes() {
        let b = PostgresChangesFilter::new(PostgresEvent::Insert, "public")
            .table("todos")
            .filter("id=eq.7");
        assert!(b.matches_server(
            &json!({"id": 1, "event": "INSERT", "schema": "public", "table": "todos", "filter": "id=eq.7"})
        ));
        assert!(!b.matches_server(
            &json!({"id": 1, "event": "INSERT", "schema": "public", "table": "todos"})
        ));
        assert!(b.routes(Some(1), &[1, 2], ChangeKind::Insert));
        assert!(!b.routes(Some(1), &[1], ChangeKind::Update));
        assert!(!b.routes(Some(3), &[1], ChangeKind::Insert));
        assert!(!b.routes(None, &[1], ChangeKind::Insert));
    }

    #[test]
    fn decodes_typed_changes() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Todo {
            id: i64,
            done: bool,
        }
        let (ids, raw) = parse_push(
            json!({"ids": [1], "data": {"type": "UPDATE", "schema": "public",
            "table": "todos", "commit_timestamp": "c", "errors": null,
            "columns": [{"name": "id", "type": "int8"}, {"name": "done", "type": "bool"}],
            "record": {"id": "7", "done": "f"}, "old_record": {"id": "7"}}}),
        )
        .unwrap();
        assert_eq!(ids, vec![1]);
        // Shared with another listener (copied), then the last one (taken over).
        let c: PostgresChange<Todo, Value> = decode_change(Arc::clone(&raw)).unwrap();
        assert_eq!(c.kind, ChangeKind::Update);
        assert_eq!(c.new, Some(Todo { id: 7, done: false }));
        assert_eq!(c.old, Some(json!({"id": 7})));
        let bad: Result<PostgresChange<Todo>, _> = decode_change(raw);
        assert!(matches!(
            bad,
            Err(RealtimeError::Decode {
                what: "old record",
                ..
            })
        ));
        assert!(parse_push(json!({"ids": [1]})).is_err());
        assert!(parse_push(json!({"ids": [1], "data": {"type": "TRUNCATE"}})).is_err());
        assert!(parse_push(json!([1])).is_err());
    }
}
