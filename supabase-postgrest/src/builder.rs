//! The query builder: what a request does to a table (postgrest-js `PostgrestQueryBuilder`).

use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;
use supabase_core::Method;

use crate::encode::{clean_select_into, columns_param};
use crate::ordered_json::bulk_columns;
use crate::request::{RequestState, Target};
use crate::{FilterBuilder, InsertOptions, PostgrestClient, UpsertOptions};

/// Starts a request on one table or view; choose the operation: [`select`](Self::select),
/// [`insert`](Self::insert), [`upsert`](Self::upsert), [`update`](Self::update) or
/// [`delete`](Self::delete).
///
/// Each operation starts from a fresh copy, so one `QueryBuilder` can be reused.
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until an operation is chosen and it is awaited"]
pub struct QueryBuilder {
    client: PostgrestClient,
    table: Arc<str>,
}

impl QueryBuilder {
    pub(crate) fn new(client: PostgrestClient, table: &str) -> Self {
        Self {
            client,
            table: Arc::from(table),
        }
    }

    fn state(&self, method: Method) -> RequestState {
        RequestState::new(
            self.client.clone(),
            method,
            Target::Relation(self.table.clone()),
        )
    }

    /// Reads rows: `GET /<table>?select=<columns>`.
    ///
    /// Whitespace outside double quotes is removed from `columns`, as postgrest-js does;
    /// `"*"` selects every column. Embedded resources, aliases, casts, JSON paths, spreads and
    /// aggregates are written in PostgREST syntax. Add [`count`](FilterBuilder::count) and
    /// [`head`](FilterBuilder::head) for counts.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("todos").select("id, owner:users!inner ( name )");
    /// assert_eq!(q.query_pairs(), [("select".to_owned(), "id,owner:users!inner(name)".to_owned())]);
    /// ```
    pub fn select(&self, columns: &str) -> FilterBuilder {
        let mut state = self.state(Method::GET);
        state
            .query
            .set_with("select", |buf| clean_select_into(columns, buf));
        FilterBuilder::from_state(state)
    }

    /// Inserts one row (a struct or map) or many (a slice or `Vec`): `POST /<table>`.
    ///
    /// For many rows, `columns="k1","k2",…` lists the union of their keys (first-seen order),
    /// so rows with differing keys insert NULL (or the column default, see
    /// [`insert_with`](Self::insert_with)) for missing ones. Nothing comes back unless
    /// [`select`](FilterBuilder::select) is called. A value that cannot be serialized is
    /// reported when the request is sent.
    ///
    /// ```
    /// use serde_json::json;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").insert(json!([{"a": 1}, {"b": 2, "a": 3}]));
    /// let request = q.to_request().unwrap();
    /// assert_eq!(request.method, "POST");
    /// assert_eq!(request.url.query(), Some("columns=%22a%22%2C%22b%22"));
    /// ```
    pub fn insert(&self, values: impl Serialize) -> FilterBuilder {
        self.insert_with(values, InsertOptions::default())
    }

    /// [`insert`](Self::insert) with options (`default_to_null(false)` sends
    /// `Prefer: missing=default`).
    ///
    /// ```
    /// use supabase_postgrest::InsertOptions;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let rows = serde_json::json!([{"id": 100}, {"slug": "x"}]);
    /// let q = db.from("channels").insert_with(rows, InsertOptions::new().default_to_null(false));
    /// assert_eq!(q.to_request().unwrap().headers["prefer"], "missing=default");
    /// ```
    pub fn insert_with(&self, values: impl Serialize, options: InsertOptions) -> FilterBuilder {
        let mut state = self.state(Method::POST);
        state.missing_default = options.missing_default();
        set_body(&mut state, &values, true);
        FilterBuilder::from_state(state)
    }

    /// Inserts, or updates rows that conflict with an existing one on the primary key
    /// (`POST /<table>` with `Prefer: resolution=merge-duplicates`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("users").upsert(&serde_json::json!({"username": "supabot"}));
    /// assert_eq!(q.to_request().unwrap().headers["prefer"], "resolution=merge-duplicates");
    /// ```
    pub fn upsert(&self, values: impl Serialize) -> FilterBuilder {
        self.upsert_with(values, UpsertOptions::default())
    }

    /// [`upsert`](Self::upsert) with options: the conflict columns (`on_conflict=…`),
    /// ignoring duplicates instead of merging them, and `default_to_null`.
    ///
    /// ```
    /// use supabase_postgrest::UpsertOptions;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("users")
    ///     .upsert_with(&serde_json::json!({"email": "a@b.c"}), UpsertOptions::new().on_conflict("email").ignore_duplicates(true));
    /// let request = q.to_request().unwrap();
    /// assert_eq!(request.url.query(), Some("on_conflict=email"));
    /// assert_eq!(request.headers["prefer"], "resolution=ignore-duplicates");
    /// ```
    pub fn upsert_with(&self, values: impl Serialize, options: UpsertOptions) -> FilterBuilder {
        let mut state = self.state(Method::POST);
        state.resolution = Some(options.resolution());
        if let Some(columns) = options.on_conflict_columns() {
            state.query.set("on_conflict", columns);
        }
        state.missing_default = options.missing_default();
        set_body(&mut state, &values, true);
        FilterBuilder::from_state(state)
    }

    /// Updates the rows the filters select with `values`: `PATCH /<table>`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").update(&serde_json::json!({"done": true})).eq("id", 1);
    /// let request = q.to_request().unwrap();
    /// assert_eq!(request.method, "PATCH");
    /// assert_eq!(request.body_bytes(), Some(&br#"{"done":true}"#[..]));
    /// ```
    pub fn update(&self, values: impl Serialize) -> FilterBuilder {
        let mut state = self.state(Method::PATCH);
        set_body(&mut state, &values, false);
        FilterBuilder::from_state(state)
    }

    /// Deletes the rows the filters select: `DELETE /<table>`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").delete().in_("id", [1, 2, 3]).to_request().unwrap();
    /// assert_eq!(request.method, "DELETE");
    /// assert_eq!(request.url.query(), Some("id=in.%281%2C2%2C3%29"));
    /// ```
    pub fn delete(&self) -> FilterBuilder {
        FilterBuilder::from_state(self.state(Method::DELETE))
    }
}

/// Serializes the body now (so later changes to `values` do not matter); for inserts and
/// upserts of many rows, adds the `columns` parameter.
fn set_body(state: &mut RequestState, values: &impl Serialize, bulk_columns_param: bool) {
    match serde_json::to_vec(values) {
        Ok(body) => {
            if bulk_columns_param {
                let columns = bulk_columns(&body);
                if !columns.is_empty() {
                    state.query.set(
                        "columns",
                        &columns_param(columns.iter().map(String::as_str)),
                    );
                }
            }
            state.body = Some(Ok(Bytes::from(body)));
        }
        Err(e) => state.body = Some(Err(e.to_string())),
    }
}
