//! The request builder and its filters (postgrest-js `PostgrestFilterBuilder`).

use std::fmt::{self, Display};
use std::marker::PhantomData;

use crate::TextSearch;
use crate::request::RequestState;
use crate::shape::Rows;
use crate::value::{ContainerValue, FilterValue, IsValue, render_in_list};

/// A request being built: add filters and transforms, then send it with `.await` or
/// `execute`.
///
/// The type parameter `S` (a [`shape`](crate::shape) marker) says what the answer is decoded
/// into: [`Rows<T>`] (the default after `select`, `Vec<T>`), `Single<T>`, `MaybeSingle<T>`,
/// `Json<T>` (the default after `rpc`), `Text` or `Head`. Methods like
/// [`single`](Self::single), [`csv`](Self::csv) and [`returns`](Self::returns) change it.
///
/// Nothing is sent until the builder is awaited or executed. Builders are `Clone`, so one
/// query can be sent several times or extended in two directions.
///
/// ```no_run
/// use serde::Deserialize;
/// use supabase_postgrest::{Order, PostgrestClient};
///
/// #[derive(Debug, Deserialize)]
/// struct City { name: String, population: i64 }
///
/// # async fn run(db: PostgrestClient) -> Result<(), supabase_postgrest::Error> {
/// let big = db
///     .from("cities")
///     .select("name, population")
///     .gte("population", 1_000_000)
///     .in_("country", ["FR", "DE"])
///     .order("population", Order::desc())
///     .limit(10)
///     .returns::<City>()
///     .await?;
/// println!("{:?}", big.data);
/// # Ok(()) }
/// ```
#[must_use = "a query does nothing until it is awaited or executed"]
pub struct FilterBuilder<S = Rows<serde_json::Value>> {
    pub(crate) state: Box<RequestState>,
    pub(crate) shape: PhantomData<fn() -> S>,
}

impl<S> Clone for FilterBuilder<S> {
    fn clone(&self) -> Self {
        Self {
            state: self.state.clone(),
            shape: PhantomData,
        }
    }
}

impl<S> fmt::Debug for FilterBuilder<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilterBuilder")
            .field("request", &self.state)
            .field("shape", &std::any::type_name::<S>())
            .finish()
    }
}

impl<S> FilterBuilder<S> {
    pub(crate) fn from_state(state: RequestState) -> Self {
        Self {
            state: Box::new(state),
            shape: PhantomData,
        }
    }

    /// The same request, decoded as another shape.
    pub(crate) fn reshape<T>(self) -> FilterBuilder<T> {
        FilterBuilder {
            state: self.state,
            shape: PhantomData,
        }
    }

    /// Adds `column=<operator>.<value>` (nothing quoted or escaped beyond URL encoding).
    fn op(mut self, column: &str, operator: &str, value: impl Display) -> Self {
        self.state.check("column", column);
        self.state.query.append_with(column, |buf| {
            use std::fmt::Write;
            buf.push_str(operator);
            buf.push('.');
            // Writing into a `String` cannot fail.
            let _ = write!(buf, "{value}");
        });
        self
    }

    /// Keeps rows whose `column` equals `value`: `column=eq.<value>`.
    ///
    /// `value` is written with `Display`; use [`is`](Self::is) to compare with NULL. Columns
    /// of embedded resources (`messages.channel_id`) and JSON paths (`data->>kind`) work.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("todos").select("*").eq("done", false).eq("data->>kind", "chore");
    /// assert_eq!(q.query_string(), "select=*&done=eq.false&data-%3E%3Ekind=eq.chore");
    /// ```
    pub fn eq(self, column: &str, value: impl Display) -> Self {
        self.op(column, "eq", value)
    }

    /// `column=neq.<value>`: not equal.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("todos").select("id").neq("status", "archived");
    /// assert_eq!(q.query_string(), "select=id&status=neq.archived");
    /// ```
    pub fn neq(self, column: &str, value: impl Display) -> Self {
        self.op(column, "neq", value)
    }

    /// `column=gt.<value>`: greater than.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").gt("id", 1).lt("id", 5);
    /// assert_eq!(q.query_string(), "select=id&id=gt.1&id=lt.5");
    /// ```
    pub fn gt(self, column: &str, value: impl Display) -> Self {
        self.op(column, "gt", value)
    }

    /// `column=gte.<value>`: greater than or equal.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").gte("score", 2.5).query_string(), "select=id&score=gte.2.5");
    /// ```
    pub fn gte(self, column: &str, value: impl Display) -> Self {
        self.op(column, "gte", value)
    }

    /// `column=lt.<value>`: less than.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").lt("id", 2).query_string(), "select=id&id=lt.2");
    /// ```
    pub fn lt(self, column: &str, value: impl Display) -> Self {
        self.op(column, "lt", value)
    }

    /// `column=lte.<value>`: less than or equal.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").lte("delta", -3).query_string(), "select=id&delta=lte.-3");
    /// ```
    pub fn lte(self, column: &str, value: impl Display) -> Self {
        self.op(column, "lte", value)
    }

    /// `column=like.<pattern>`: case-sensitive pattern match (`%` or `*` as wildcard).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").like("name", "%Ada%").query_string(), "select=id&name=like.%25Ada%25");
    /// ```
    pub fn like(self, column: &str, pattern: impl Display) -> Self {
        self.op(column, "like", pattern)
    }

    /// `column=ilike.<pattern>`: case-insensitive pattern match.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").ilike("name", "ada*").query_string(), "select=id&name=ilike.ada*");
    /// ```
    pub fn ilike(self, column: &str, pattern: impl Display) -> Self {
        self.op(column, "ilike", pattern)
    }

    /// `column=like(all).{p1,p2}`: matches every pattern.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").like_all_of("name", ["%supa%", "%bot%"]);
    /// assert_eq!(q.query_pairs()[1], ("name".into(), "like(all).{%supa%,%bot%}".into()));
    /// ```
    pub fn like_all_of<I>(self, column: &str, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: FilterValue,
    {
        let list: Vec<_> = patterns.into_iter().collect();
        self.op(column, "like(all)", list.to_container())
    }

    /// `column=like(any).{p1,p2}`: matches at least one pattern.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").like_any_of("name", ["a%", "%z"]);
    /// assert_eq!(q.query_pairs()[1].1, "like(any).{a%,%z}");
    /// ```
    pub fn like_any_of<I>(self, column: &str, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: FilterValue,
    {
        let list: Vec<_> = patterns.into_iter().collect();
        self.op(column, "like(any)", list.to_container())
    }

    /// `column=ilike(all).{p1,p2}`: matches every pattern, ignoring case.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").ilike_all_of("name", ["%SUPA%", "%bot%"]);
    /// assert_eq!(q.query_pairs()[1].1, "ilike(all).{%SUPA%,%bot%}");
    /// ```
    pub fn ilike_all_of<I>(self, column: &str, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: FilterValue,
    {
        let list: Vec<_> = patterns.into_iter().collect();
        self.op(column, "ilike(all)", list.to_container())
    }

    /// `column=ilike(any).{p1,p2}`: matches at least one pattern, ignoring case.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").ilike_any_of("name", ["%supa%", "%KIWI%"]);
    /// assert_eq!(q.query_pairs()[1].1, "ilike(any).{%supa%,%KIWI%}");
    /// ```
    pub fn ilike_any_of<I>(self, column: &str, patterns: I) -> Self
    where
        I: IntoIterator,
        I::Item: FilterValue,
    {
        let list: Vec<_> = patterns.into_iter().collect();
        self.op(column, "ilike(any)", list.to_container())
    }

    /// `column=match.<regex>`: POSIX regular expression, case-sensitive.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").regex_match("name", "^sup").query_string(), "select=id&name=match.%5Esup");
    /// ```
    pub fn regex_match(self, column: &str, pattern: impl Display) -> Self {
        self.op(column, "match", pattern)
    }

    /// `column=imatch.<regex>`: POSIX regular expression, case-insensitive.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").regex_imatch("name", "^SUP").query_string(), "select=id&name=imatch.%5ESUP");
    /// ```
    pub fn regex_imatch(self, column: &str, pattern: impl Display) -> Self {
        self.op(column, "imatch", pattern)
    }

    /// `column=is.<null|true|false|unknown>`.
    ///
    /// ```
    /// use supabase_postgrest::IsValue;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").is("deleted_at", IsValue::Null).is("done", true);
    /// assert_eq!(q.query_string(), "select=id&deleted_at=is.null&done=is.true");
    /// ```
    pub fn is(self, column: &str, value: impl Into<IsValue>) -> Self {
        let value = value.into();
        self.op(column, "is", value.as_str())
    }

    /// `column=isdistinct.<value>`: `IS DISTINCT FROM` (NULL-safe "not equal").
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").is_distinct("owner", "null").query_string(), "select=id&owner=isdistinct.null");
    /// ```
    pub fn is_distinct(self, column: &str, value: impl Display) -> Self {
        self.op(column, "isdistinct", value)
    }

    /// `column=in.(v1,v2,…)`: equals one of `values`.
    ///
    /// Duplicates are dropped (first occurrence kept). Text containing `,` `(` `)` is
    /// double-quoted as postgrest-js does; unlike postgrest-js, `"` and `\` inside quotes are
    /// escaped, and text starting with `"` (or a first element starting with a space) is quoted
    /// too, so every value reaches the server unchanged.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").in_("name", ["a,b", "c", "c"]);
    /// assert_eq!(q.query_pairs()[1].1, r#"in.("a,b",c)"#);
    /// let q = db.from("t").select("id").in_("id", [1, 2, 3]);
    /// assert_eq!(q.query_pairs()[1].1, "in.(1,2,3)");
    /// ```
    #[doc(alias = "in")]
    pub fn in_<I>(self, column: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: FilterValue,
    {
        let list = render_in_list(values);
        self.op(column, "in", list)
    }

    /// `column=not.in.(v1,v2,…)`: equals none of `values` (quoted as in [`in_`](Self::in_)).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").not_in("status", ["ONLINE", "OFFLINE"]);
    /// assert_eq!(q.query_pairs()[1].1, "not.in.(ONLINE,OFFLINE)");
    /// ```
    pub fn not_in<I>(self, column: &str, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: FilterValue,
    {
        let list = render_in_list(values);
        self.op(column, "not.in", list)
    }

    /// `column=cs.<value>`: the array, range or `jsonb` column contains `value`.
    ///
    /// `value` is an array (sent as a Postgres array literal, elements quoted as Postgres
    /// requires), a string (a range literal, sent as is) or a JSON object (sent as JSON); see
    /// [`ContainerValue`].
    ///
    /// ```
    /// use serde_json::json;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id")
    ///     .contains("tags", ["is:open", "a,b"])
    ///     .contains("during", "[1,2)")
    ///     .contains("meta", json!({"role": "admin"}));
    /// let values: Vec<_> = q.query_pairs().iter().skip(1).map(|(_, v)| v.clone()).collect();
    /// assert_eq!(values, [r#"cs.{is:open,"a,b"}"#, "cs.[1,2)", r#"cs.{"role":"admin"}"#]);
    /// ```
    pub fn contains(self, column: &str, value: impl ContainerValue) -> Self {
        self.op(column, "cs", value.to_container())
    }

    /// `column=cd.<value>`: the column is contained by `value` (shapes as in
    /// [`contains`](Self::contains)).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").contained_by("tags", vec!["a", "b"]);
    /// assert_eq!(q.query_pairs()[1].1, "cd.{a,b}");
    /// ```
    pub fn contained_by(self, column: &str, value: impl ContainerValue) -> Self {
        self.op(column, "cd", value.to_container())
    }

    /// `column=ov.<value>`: the array or range column overlaps `value`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").overlaps("ids", [1, 2, 3]).overlaps("during", "[2,25)");
    /// assert_eq!(q.query_string(), "select=id&ids=ov.%7B1%2C2%2C3%7D&during=ov.%5B2%2C25%29");
    /// ```
    pub fn overlaps(self, column: &str, value: impl ContainerValue) -> Self {
        self.op(column, "ov", value.to_container())
    }

    /// `column=sr.<range>`: the range column is strictly right of `range`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").range_gt("r", "[2,25)").query_pairs()[1].1, "sr.[2,25)");
    /// ```
    pub fn range_gt(self, column: &str, range: impl Display) -> Self {
        self.op(column, "sr", range)
    }

    /// `column=nxl.<range>`: the range column does not extend to the left of `range`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").range_gte("r", "[2,25)").query_pairs()[1].1, "nxl.[2,25)");
    /// ```
    pub fn range_gte(self, column: &str, range: impl Display) -> Self {
        self.op(column, "nxl", range)
    }

    /// `column=sl.<range>`: the range column is strictly left of `range`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").range_lt("r", "[2,25)").query_pairs()[1].1, "sl.[2,25)");
    /// ```
    pub fn range_lt(self, column: &str, range: impl Display) -> Self {
        self.op(column, "sl", range)
    }

    /// `column=nxr.<range>`: the range column does not extend to the right of `range`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").range_lte("r", "[2,25)").query_pairs()[1].1, "nxr.[2,25)");
    /// ```
    pub fn range_lte(self, column: &str, range: impl Display) -> Self {
        self.op(column, "nxr", range)
    }

    /// `column=adj.<range>`: the range column is adjacent to `range`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// assert_eq!(db.from("t").select("id").range_adjacent("r", "[2,25)").query_pairs()[1].1, "adj.[2,25)");
    /// ```
    pub fn range_adjacent(self, column: &str, range: impl Display) -> Self {
        self.op(column, "adj", range)
    }

    /// Full-text search: `column=<fts|plfts|phfts|wfts>[(config)].<query>`.
    ///
    /// ```
    /// use supabase_postgrest::TextSearch;
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("quotes").select("id")
    ///     .text_search("body", "fat or cat", TextSearch::websearch().config("english"));
    /// assert_eq!(q.query_string(), "select=id&body=wfts%28english%29.fat+or+cat");
    /// ```
    pub fn text_search(self, column: &str, query: impl Display, options: TextSearch) -> Self {
        self.op(column, &options.operator(), query)
    }

    /// `c1=eq.v1&c2=eq.v2…` for each pair, in order.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").match_([("name", "Ada"), ("status", "ONLINE")]);
    /// assert_eq!(q.query_string(), "select=id&name=eq.Ada&status=eq.ONLINE");
    /// ```
    #[doc(alias = "match")]
    pub fn match_<K, V, I>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: Display,
    {
        for (column, value) in pairs {
            self = self.op(column.as_ref(), "eq", value);
        }
        self
    }

    /// `column=not.<operator>.<value>`: negates any operator; `value` is sent as is (for `in`
    /// write `(1,2)`, for `cs` write `{a,b}`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").not("status", "eq", "OFFLINE").not("id", "in", "(5,6)");
    /// assert_eq!(q.query_pairs()[1].1, "not.eq.OFFLINE");
    /// assert_eq!(q.query_pairs()[2].1, "not.in.(5,6)");
    /// ```
    pub fn not(self, column: &str, operator: &str, value: impl Display) -> Self {
        self.op(column, &format!("not.{operator}"), value)
    }

    /// `or=(<filters>)`: rows matching at least one of the comma-separated filters, written in
    /// PostgREST syntax (`id.eq.1,name.eq.Ada`, nest with `and(…)`). Values with reserved
    /// characters must be quoted; [`quote_filter_value`](crate::quote_filter_value) does it.
    /// Calling `or` twice sends two `or` parameters, which are ANDed.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id").or("id.gt.3,and(id.eq.1,name.eq.Luke)");
    /// assert_eq!(q.query_pairs()[1], ("or".into(), "(id.gt.3,and(id.eq.1,name.eq.Luke))".into()));
    /// ```
    pub fn or(mut self, filters: &str) -> Self {
        self.state.query.append("or", &format!("({filters})"));
        self
    }

    /// `<table>.or=(<filters>)`: [`or`](Self::or) on the embedded resource `table`.
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("id, users(name)").or_referenced("users", "name.eq.a,name.eq.b");
    /// assert_eq!(q.query_pairs()[1], ("users.or".into(), "(name.eq.a,name.eq.b)".into()));
    /// ```
    pub fn or_referenced(mut self, referenced_table: &str, filters: &str) -> Self {
        self.state.check("referenced table", referenced_table);
        self.state
            .query
            .append(&format!("{referenced_table}.or"), &format!("({filters})"));
        self
    }

    /// `column=<operator>.<value>`, all as given: any PostgREST operator, including negated
    /// ones (`not.in`).
    ///
    /// ```
    /// # let db = supabase_postgrest::PostgrestClient::new("http://localhost:3000", "key").unwrap();
    /// let q = db.from("t").select("*").filter("name", "in", r#"("Han","Yoda")"#);
    /// assert_eq!(q.query_pairs()[1].1, r#"in.("Han","Yoda")"#);
    /// ```
    pub fn filter(self, column: &str, operator: &str, value: impl Display) -> Self {
        self.op(column, operator, value)
    }
}
