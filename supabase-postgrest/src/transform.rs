//! Transforms: ordering, paging, result shape, preferences and per-request settings
//! (postgrest-js `PostgrestTransformBuilder` and `PostgrestBuilder`).

use std::time::Duration;

use supabase_core::{Method, Request};

use crate::encode::clean_select_into;
use crate::request::{RpcMode, Target};
use crate::shape::{Head, Json, MaybeSingle, Reshape, Shape, Single, Text};
use crate::{Count, Error, ExplainOptions, FilterBuilder, Order};

impl<S> FilterBuilder<S> {
    /// Asks the server to return the affected rows with these columns
    /// (`select=<columns>` and `Prefer: return=representation`); used after `insert`,
    /// `upsert`, `update`, `delete` and `rpc`. Whitespace outside double quotes is removed.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("users").insert(serde_json::json!({"username": "ada"})).select("id, username");
    /// let request = q.to_request().unwrap();
    /// assert_eq!(request.url.query(), Some("select=id%2Cusername"));
    /// assert_eq!(request.headers["prefer"], "return=representation");
    /// ```
    pub fn select(mut self, columns: &str) -> Self {
        self.state
            .query
            .set_with("select", |buf| clean_select_into(columns, buf));
        self.state
            .prefer_chain
            .push("return=representation".to_owned());
        self
    }

    /// Orders by `column` (`order=<column>.<asc|desc>[.nullsfirst|.nullslast]`); calling it
    /// again adds a further ordering term to the same parameter.
    ///
    /// ```
    /// use supabase_postgrest::Order;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").order("a", Order::asc().nulls_first()).order("b", Order::desc());
    /// assert_eq!(q.query_pairs()[1].1, "a.asc.nullsfirst,b.desc");
    /// ```
    pub fn order(mut self, column: &str, order: Order) -> Self {
        self.state.check("column", column);
        self.push_order("order", column, order);
        self
    }

    /// Orders the embedded resource `referenced_table` (`<table>.order=…`).
    ///
    /// ```
    /// use supabase_postgrest::Order;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id, users(name)").order_referenced("users", "name", Order::desc());
    /// assert_eq!(q.query_pairs()[1], ("users.order".into(), "name.desc".into()));
    /// ```
    pub fn order_referenced(mut self, referenced_table: &str, column: &str, order: Order) -> Self {
        self.state.check("referenced table", referenced_table);
        self.state.check("column", column);
        self.push_order(&format!("{referenced_table}.order"), column, order);
        self
    }

    fn push_order(&mut self, key: &str, column: &str, order: Order) {
        use std::fmt::Write;
        let write_term = |buf: &mut String| {
            buf.push_str(column);
            buf.push('.');
            // Writing into a `String` cannot fail.
            let _ = write!(buf, "{order}");
        };
        match self.state.query.get(key) {
            None => self.state.query.append_with(key, write_term),
            Some(existing) => {
                let mut value = format!("{existing},");
                write_term(&mut value);
                self.state.query.set(key, &value);
            }
        }
    }

    /// Returns at most `count` rows (`limit=<count>`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("*").limit(1).query_string(), "select=*&limit=1");
    /// ```
    pub fn limit(mut self, count: u64) -> Self {
        self.state.query.set_with("limit", |buf| {
            use std::fmt::Write;
            // Writing into a `String` cannot fail.
            let _ = write!(buf, "{count}");
        });
        self
    }

    /// Limits the rows of the embedded resource `referenced_table` (`<table>.limit=…`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id, users(name)").limit_referenced("users", 2);
    /// assert_eq!(q.query_pairs()[1], ("users.limit".into(), "2".into()));
    /// ```
    pub fn limit_referenced(mut self, referenced_table: &str, count: u64) -> Self {
        self.state.check("referenced table", referenced_table);
        self.state
            .query
            .set(&format!("{referenced_table}.limit"), &count.to_string());
        self
    }

    /// Returns rows `from` to `to`, both inclusive and counted from 0
    /// (`offset=<from>&limit=<to - from + 1>`). `to` before `from` is an error reported
    /// before sending.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("*").range(1, 3).query_string(), "select=*&offset=1&limit=3");
    /// ```
    pub fn range(mut self, from: u64, to: u64) -> Self {
        self.set_range("offset", "limit", from, to);
        self
    }

    /// [`range`](Self::range) on the embedded resource `referenced_table`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id, users(name)").range_referenced("users", 5, 7);
    /// assert_eq!(q.query_string(), "select=id%2Cusers%28name%29&users.offset=5&users.limit=3");
    /// ```
    pub fn range_referenced(mut self, referenced_table: &str, from: u64, to: u64) -> Self {
        self.state.check("referenced table", referenced_table);
        self.set_range(
            &format!("{referenced_table}.offset"),
            &format!("{referenced_table}.limit"),
            from,
            to,
        );
        self
    }

    fn set_range(&mut self, offset_key: &str, limit_key: &str, from: u64, to: u64) {
        if to < from {
            self.state
                .invalidate(format!("range({from}, {to}): the end is before the start"));
            return;
        }
        self.state.query.set(offset_key, &from.to_string());
        let count = (to - from).saturating_add(1);
        self.state.query.set(limit_key, &count.to_string());
    }

    /// Asks for a row count (`Prefer: count=<exact|planned|estimated>`), returned in
    /// [`PostgrestResponse::count`](crate::PostgrestResponse::count). Works on `select`,
    /// `insert`, `upsert`, `update`, `delete` and `rpc`.
    ///
    /// ```
    /// use supabase_postgrest::Count;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").select("*").count(Count::Exact).to_request().unwrap();
    /// assert_eq!(request.headers["prefer"], "count=exact");
    /// ```
    pub fn count(mut self, count: Count) -> Self {
        self.state.count = Some(count);
        self
    }

    /// Undoes the transaction at the end (`Prefer: tx=rollback`); the server must allow it
    /// (`db-tx-end = commit-allow-override`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").delete().eq("id", 1).rollback().to_request().unwrap();
    /// assert_eq!(request.headers["prefer"], "tx=rollback");
    /// ```
    pub fn rollback(mut self) -> Self {
        self.state.prefer_chain.push("tx=rollback".to_owned());
        self
    }

    /// Fails the request (and rolls it back) when it would affect more than `rows` rows
    /// (`Prefer: handling=strict, max-affected=<rows>`; PostgREST ≥ 12.2, for `update`,
    /// `delete` and `rpc`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").delete().eq("id", 1).max_affected(1).to_request().unwrap();
    /// assert_eq!(request.headers["prefer"], "handling=strict, max-affected=1");
    /// ```
    pub fn max_affected(mut self, rows: u64) -> Self {
        self.state.prefer_chain.push("handling=strict".to_owned());
        self.state.prefer_chain.push(format!("max-affected={rows}"));
        self
    }

    /// Asks the server to leave out null fields (`Accept: …;nulls=stripped`, PostgREST ≥ 11.2).
    /// Not allowed after [`csv`](Self::csv) (reported before sending).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").select("*").strip_nulls().to_request().unwrap();
    /// assert_eq!(request.headers["accept"], "application/vnd.pgrst.array+json;nulls=stripped");
    /// ```
    pub fn strip_nulls(mut self) -> Self {
        if self.state.accept().as_deref() == Some("text/csv") {
            self.state
                .invalidate("strip_nulls() cannot be used with csv()");
        }
        self.state.strip_nulls = true;
        self
    }

    /// Sets a header on this request only; it replaces the client's header of the same name.
    /// `Prefer` replaces every preference added so far. The schema headers and, for non-GET
    /// requests, `Content-Type` are set at send time and win. An invalid name or value (e.g.
    /// containing CR/LF) is reported before sending.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").select("id").set_header("x-trace", "42").to_request().unwrap();
    /// assert_eq!(request.headers["x-trace"], "42");
    /// ```
    pub fn set_header(mut self, name: &str, value: &str) -> Self {
        self.state.set_header(name, value);
        self
    }

    /// Turns retries of this GET/HEAD request on or off (see
    /// [`RetryPolicy`](crate::RetryPolicy); on by default).
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let fresh = db.from("stock").select("*").retry(false).await?;
    /// # Ok(()) }
    /// ```
    pub fn retry(mut self, enabled: bool) -> Self {
        self.state.retry = Some(enabled);
        self
    }

    /// Sets a time limit for this request (each attempt), replacing the client's. A request
    /// that runs out of time fails with [`Error::is_timeout`] and is not retried.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").select("*").timeout(Duration::from_secs(2)).to_request().unwrap();
    /// assert_eq!(request.timeout, Some(Duration::from_secs(2)));
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.state.timeout = Some(timeout);
        self
    }

    /// Sends a read-only function call with GET, its arguments in the query string (for
    /// functions marked `STABLE` or `IMMUTABLE`). Only valid after `rpc` (reported before
    /// sending otherwise).
    ///
    /// Arguments go in the order they serialize in (struct field order; note that a
    /// `serde_json::Value` object sorts its keys unless serde_json's `preserve_order` is on).
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Search<'a> { term: &'a str, tags: &'a [&'a str] }
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.rpc("search", Search { term: "x y", tags: &["a", "b"] }).get();
    /// let request = q.to_request().unwrap();
    /// assert_eq!(request.method, "GET");
    /// assert_eq!(request.url.query(), Some("term=x+y&tags=%7Ba%2Cb%7D"));
    /// ```
    pub fn get(mut self) -> Self {
        if matches!(self.state.target, Target::Function(_)) {
            self.state.rpc_mode = RpcMode::Get;
        } else {
            self.state.invalidate("get() only applies to rpc()");
        }
        self
    }

    /// The request as it will be sent, without the headers the transport adds (`apikey`,
    /// `Authorization`, `X-Client-Info`, global headers). Fails like `execute` would on an
    /// invalid argument.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").update(serde_json::json!({"a": 1})).eq("id", 1).to_request().unwrap();
    /// assert_eq!(request.method, "PATCH");
    /// assert_eq!(request.url.as_str(), "http://localhost:3000/t?id=eq.1");
    /// assert_eq!(request.headers["content-type"], "application/json");
    /// assert!(db.from("t").select("*").range(3, 1).to_request().is_err());
    /// ```
    pub fn to_request(&self) -> Result<Request, Error> {
        Ok(self.state.build()?.request)
    }

    /// The decoded query pairs, in order, as they will be sent.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("*").eq("name", "Ada Lovelace");
    /// assert_eq!(q.query_pairs()[1], ("name".to_owned(), "eq.Ada Lovelace".to_owned()));
    /// ```
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        match self.state.build() {
            Ok(built) => built
                .request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            Err(_) => self
                .state
                .query
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        }
    }

    /// The encoded query string as it will be sent (empty when there is none), encoded as
    /// `URLSearchParams` encodes it (space as `+`, everything but `*-._` and alphanumerics
    /// percent-encoded).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("*").eq("name", "Ada Lovelace");
    /// assert_eq!(q.query_string(), "select=*&name=eq.Ada+Lovelace");
    /// ```
    pub fn query_string(&self) -> String {
        match self.state.build() {
            Ok(built) => built.request.url.query().unwrap_or_default().to_owned(),
            Err(_) => String::new(),
        }
    }
}

impl<S: Shape> FilterBuilder<S> {
    /// Decodes rows as `T` instead (postgrest-js `returns<T>()`): `Rows<U>` becomes `Rows<T>`,
    /// `Single<U>` becomes `Single<T>`, and so on. `.await` then decodes into `T`.
    ///
    /// ```no_run
    /// #[derive(serde::Deserialize)]
    /// struct Todo { id: i64, title: String }
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// let todos: Vec<Todo> = db.from("todos").select("id,title").returns::<Todo>().await?.data;
    /// let first: Todo = db.from("todos").select("id,title").limit(1).single().returns::<Todo>().await?.data;
    /// # Ok(()) }
    /// ```
    pub fn returns<T>(self) -> FilterBuilder<S::Reshaped<T>>
    where
        S: Reshape,
    {
        self.reshape()
    }

    /// Expects exactly one row and returns it as `T` instead of a vector
    /// (`Accept: application/vnd.pgrst.object+json`). The server answers 406 with code
    /// `PGRST116` for zero or several rows ([`Error::is_no_rows`],
    /// [`Error::is_multiple_rows`]).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("users").select("*").eq("id", 1).single().to_request().unwrap();
    /// assert_eq!(request.headers["accept"], "application/vnd.pgrst.object+json");
    /// ```
    pub fn single(mut self) -> FilterBuilder<Single<S::Item>> {
        self.state.set_accept("application/vnd.pgrst.object+json");
        self.reshape()
    }

    /// Expects zero or one row: `None`, or `Some(row)`. Checked on the client, as postgrest-js
    /// does: the request is unchanged, and more than one row is the error `PGRST116` with
    /// status 406. A non-array answer (a scalar function) is passed through as `Some`.
    /// Add `.limit(2)` if the table is big: every matching row is downloaded.
    ///
    /// ```no_run
    /// # async fn run(db: supabase_postgrest::PostgrestClient) -> Result<(), supabase_postgrest::Error> {
    /// match db.from("users").select("*").eq("email", "a@b.c").maybe_single().await?.data {
    ///     Some(user) => println!("found {user}"),
    ///     None => println!("no such user"),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn maybe_single(self) -> FilterBuilder<MaybeSingle<S::Item>> {
        self.reshape()
    }

    /// Returns the rows as CSV text (`Accept: text/csv`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("*").csv().to_request().unwrap().headers["accept"], "text/csv");
    /// ```
    pub fn csv(mut self) -> FilterBuilder<Text> {
        self.state.set_accept("text/csv");
        self.reshape()
    }

    /// Returns the rows as a GeoJSON `FeatureCollection` (`Accept: application/geo+json`;
    /// needs PostGIS).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("shops").select("*").geojson();
    /// assert_eq!(q.to_request().unwrap().headers["accept"], "application/geo+json");
    /// ```
    pub fn geojson(mut self) -> FilterBuilder<Json<serde_json::Value>> {
        self.state.set_accept("application/geo+json");
        self.reshape()
    }

    /// Returns the execution plan as text instead of running the query for its rows
    /// (`Accept: application/vnd.pgrst.plan+text; for="<current Accept>"; options=…;`). The
    /// server needs `db-plan-enabled`.
    ///
    /// ```
    /// use supabase_postgrest::ExplainOptions;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("*").explain(ExplainOptions::new().analyze().verbose());
    /// assert_eq!(
    ///     q.to_request().unwrap().headers["accept"],
    ///     r#"application/vnd.pgrst.plan+text; for="application/json"; options=analyze|verbose;"#
    /// );
    /// ```
    pub fn explain(mut self, options: ExplainOptions) -> FilterBuilder<Text> {
        self.set_plan_accept("text", options);
        self.reshape()
    }

    /// [`explain`](Self::explain) with the plan as JSON (`plan+json`).
    ///
    /// ```
    /// use supabase_postgrest::ExplainOptions;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("*").single().explain_json(ExplainOptions::new().analyze().buffers());
    /// assert_eq!(
    ///     q.to_request().unwrap().headers["accept"],
    ///     r#"application/vnd.pgrst.plan+json; for="application/vnd.pgrst.object+json"; options=analyze|buffers;"#
    /// );
    /// ```
    pub fn explain_json(
        mut self,
        options: ExplainOptions,
    ) -> FilterBuilder<Json<serde_json::Value>> {
        self.set_plan_accept("json", options);
        self.reshape()
    }

    fn set_plan_accept(&mut self, format: &str, options: ExplainOptions) {
        let for_media = self
            .state
            .accept()
            .unwrap_or_else(|| "application/json".to_owned());
        let value = format!(
            "application/vnd.pgrst.plan+{format}; for=\"{for_media}\"; options={};",
            options.options()
        );
        self.state.set_accept(&value);
    }

    /// Sends `HEAD` instead of `GET`: no rows come back, only status, headers and the
    /// [`count`](Self::count) if one was asked for. Valid after `select` and `rpc` (an `rpc`
    /// whose arguments contain an object is sent as a POST with `Prefer: return=minimal`, as
    /// postgrest-js does); reported before sending otherwise.
    ///
    /// ```
    /// use supabase_postgrest::Count;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let request = db.from("t").select("*").count(Count::Exact).head().to_request().unwrap();
    /// assert_eq!(request.method, "HEAD");
    /// ```
    pub fn head(mut self) -> FilterBuilder<Head> {
        match &self.state.target {
            Target::Function(_) => self.state.rpc_mode = RpcMode::Head,
            _ if self.state.method == Method::GET => self.state.method = Method::HEAD,
            _ => self
                .state
                .invalidate("head() only applies to select() and rpc()"),
        }
        self.reshape()
    }
}
