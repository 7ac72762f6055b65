//! The conformance goldens that concern PostgREST (`pg_*`, and `v1_set_auth_*` through
//! `with_bearer`), interpreted with the `supabase-postgrest` API against the recorder mock
//! server and compared with what supabase-js sent (README "Comparing").
//!
//! Every golden found in the carried fixtures and in `SUPABASE_CONFORMANCE_DIR` whose id has
//! one of the prefixes is run; each is reported as passed, deliberate or skipped, and any
//! failure fails the test. Every skip and every deliberate difference is listed here, in
//! [`DELIBERATE`] and [`unsupported`], with its reason.
//!
//! The client is built as supabase-js builds it: from a `Config` with the case's key, URL
//! suffix and `global.headers`, on the schema `options.db.schema` (default `public`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use supabase_core::Config;
use supabase_postgrest::shape::{Head, Json, MaybeSingle, Rows, Single, Text};
use supabase_postgrest::{
    Count, ExplainOptions, FilterBuilder, InsertOptions, IsValue, Order, PostgrestClient,
    QueryBuilder, TextSearch, UpsertOptions,
};
use supabase_test_support::conformance::{CaseOutcome, Golden, case_key, golden_dirs, run_suite};

/// Cases where this crate deliberately sends something else than supabase-js, and why.
const DELIBERATE: &[(&str, &str)] = &[
    (
        "pg_filter_contains_array_special",
        "array elements are quoted/escaped as Postgres array literals require \
         ({\"a,b\",c d,\"q\\\"x\",\"{}\"}); supabase-js sends {a,b,c d,q\"x,{}}, which \
         Postgres reads as other elements (supabase-js #2669)",
    ),
    (
        "pg_filter_in_backslash",
        "a backslash inside a quoted in() value is escaped (\"a\\\\,b\"); supabase-js sends \
         \"a\\,b\", which PostgREST reads as a,b (supabase-js #2670)",
    ),
    (
        "pg_filter_in_quote_and_comma",
        "a double quote inside a quoted in() value is escaped (\"a\\\"b,c\"); supabase-js sends \
         \"a\"b,c\", which PostgREST cannot read as one value (supabase-js #2670)",
    ),
    (
        "v1_set_auth_insert",
        "supabase-js v1 sent Prefer: return=representation on every insert; v2 and this crate \
         only ask for rows with .select() (the request otherwise matches: path, body, bearer)",
    ),
];

/// Root ops and calls this crate has no equivalent for; a case using one is skipped with the
/// returned reason. (None of the carried `pg_*`/`v1_set_auth_*` cases hits these.)
fn unsupported(root: &Oj, calls: &[(String, Vec<Oj>)]) -> Option<String> {
    if let Some(a) = root.str_at("auth")
        && a != "setAuth"
    {
        return Some(format!("auth.{a} belongs to the auth crate"));
    }
    for key in ["functions", "storage"] {
        if root.get(key).is_some() {
            return Some(format!("`{key}` is not part of supabase-postgrest"));
        }
    }
    if let Some(c) = root.str_at("client")
        && c != "getOpenApiSpec"
    {
        return Some(format!("client.{c} has no PostgREST equivalent"));
    }
    for (call, _) in calls {
        if call == "abortSignal" {
            return Some(
                "abortSignal(): in Rust a request is cancelled by dropping its future".into(),
            );
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Reading the case in document order (serde_json::Value sorts object keys).

/// A JSON value whose objects keep their key order.
#[derive(Debug, Clone, PartialEq)]
enum Oj {
    Null,
    Bool(bool),
    Num(serde_json::Number),
    Str(String),
    Arr(Vec<Oj>),
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
                    seq.serialize_element(x)?;
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
    fn get(&self, key: &str) -> Option<&Oj> {
        match self {
            Oj::Obj(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Oj::Str(s) => Some(s),
            _ => None,
        }
    }
    fn bool_at(&self, key: &str) -> Option<bool> {
        match self.get(key) {
            Some(Oj::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Oj::str)
    }
    fn u64(&self) -> u64 {
        match self {
            Oj::Num(n) => n.as_u64().expect("a non-negative integer"),
            other => panic!("expected a number, got {other:?}"),
        }
    }
    fn is_undefined(&self) -> bool {
        self.get("$undefined") == Some(&Oj::Bool(true))
    }
    /// The DSL's `$repeat` expanded.
    fn expand(self) -> Oj {
        match self {
            Oj::Obj(o) => {
                if let Some((_, Oj::Arr(r))) = o.iter().find(|(k, _)| k == "$repeat")
                    && let [Oj::Str(s), n] = r.as_slice()
                {
                    return Oj::Str(s.repeat(n.u64() as usize));
                }
                Oj::Obj(o.into_iter().map(|(k, v)| (k, v.expand())).collect())
            }
            Oj::Arr(a) => Oj::Arr(a.into_iter().map(Oj::expand).collect()),
            other => other,
        }
    }
    /// As `serde_json::Value` (object keys sorted; used for scalars and lists).
    fn value(&self) -> Value {
        serde_json::to_value(self).unwrap()
    }
    /// JS template-literal rendering of a scalar (`${v}`).
    fn display(&self) -> String {
        match self {
            Oj::Str(s) => s.clone(),
            Oj::Null => "null".into(),
            other => serde_json::to_string(other).unwrap(),
        }
    }
    fn items(&self) -> Vec<Value> {
        match self {
            Oj::Arr(a) => a.iter().map(Oj::value).collect(),
            other => panic!("expected an array, got {other:?}"),
        }
    }
}

/// The case's ops, in document order, read from the golden file itself.
fn ordered_ops(id: &str) -> Vec<Oj> {
    let path: PathBuf = golden_dirs()
        .into_iter()
        .rev()
        .map(|d| d.join(format!("{id}.json")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("golden file of {id}"));
    let golden: Oj = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    match golden.get("case").and_then(|c| c.get("ops")) {
        Some(Oj::Arr(ops)) => ops.iter().cloned().map(Oj::expand).collect(),
        _ => panic!("{id}: no ops"),
    }
}

/// A root op and its calls.
struct Statement {
    root: Oj,
    calls: Vec<(String, Vec<Oj>)>,
}

fn statements(ops: Vec<Oj>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for op in ops {
        if let Some(call) = op.str_at("call") {
            let args = match op.get("args") {
                Some(Oj::Arr(a)) => a.clone(),
                _ => Vec::new(),
            };
            out.last_mut()
                .expect("a case starts with a call")
                .calls
                .push((call.to_owned(), args));
        } else {
            out.push(Statement {
                root: op,
                calls: Vec::new(),
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The interpreter.

/// The current target of a statement.
enum Target {
    Client(PostgrestClient),
    Query(QueryBuilder),
    Rows(FilterBuilder<Rows<Value>>),
    Json(FilterBuilder<Json<Value>>),
    Single(FilterBuilder<Single<Value>>),
    Maybe(FilterBuilder<MaybeSingle<Value>>),
    Text(FilterBuilder<Text>),
    Head(FilterBuilder<Head>),
    Done(Result<(), String>),
}

fn count_of(options: Option<&Oj>) -> Option<Count> {
    match options.and_then(|o| o.str_at("count")) {
        Some("exact") => Some(Count::Exact),
        Some("planned") => Some(Count::Planned),
        Some("estimated") => Some(Count::Estimated),
        None => None,
        Some(other) => panic!("count {other}"),
    }
}

fn with_count<S>(b: FilterBuilder<S>, count: Option<Count>) -> FilterBuilder<S> {
    match count {
        Some(c) => b.count(c),
        None => b,
    }
}

fn referenced(options: Option<&Oj>) -> Option<&str> {
    options.and_then(|o| {
        o.str_at("referencedTable")
            .or_else(|| o.str_at("foreignTable"))
    })
}

/// Filters and transforms that keep the shape; `Err` gives the builder back for shape
/// changes.
fn common<S>(
    b: FilterBuilder<S>,
    call: &str,
    args: &[Oj],
) -> Result<FilterBuilder<S>, FilterBuilder<S>> {
    let arg = |i: usize| args.get(i).unwrap_or(&Oj::Null);
    let col = || arg(0).str().expect("column").to_owned();
    let opt = args.get(1);
    Ok(match call {
        "select" => b.select(arg(0).str().unwrap_or("*")),
        "eq" => b.eq(&col(), arg(1).display()),
        "neq" => b.neq(&col(), arg(1).display()),
        "gt" => b.gt(&col(), arg(1).display()),
        "gte" => b.gte(&col(), arg(1).display()),
        "lt" => b.lt(&col(), arg(1).display()),
        "lte" => b.lte(&col(), arg(1).display()),
        "like" => b.like(&col(), arg(1).display()),
        "ilike" => b.ilike(&col(), arg(1).display()),
        "likeAllOf" => b.like_all_of(&col(), arg(1).items()),
        "likeAnyOf" => b.like_any_of(&col(), arg(1).items()),
        "ilikeAllOf" => b.ilike_all_of(&col(), arg(1).items()),
        "ilikeAnyOf" => b.ilike_any_of(&col(), arg(1).items()),
        "regexMatch" => b.regex_match(&col(), arg(1).display()),
        "regexIMatch" => b.regex_imatch(&col(), arg(1).display()),
        "is" => {
            let v = match arg(1) {
                Oj::Null => IsValue::Null,
                Oj::Bool(x) => IsValue::from(*x),
                Oj::Str(s) if s == "unknown" => IsValue::Unknown,
                other => panic!("is({other:?})"),
            };
            b.is(&col(), v)
        }
        "isDistinct" => b.is_distinct(&col(), arg(1).display()),
        "in" => b.in_(&col(), arg(1).items()),
        "notIn" => b.not_in(&col(), arg(1).items()),
        "contains" | "containedBy" | "overlaps" => {
            let value = match arg(1) {
                Oj::Arr(_) => arg(1).value(),
                Oj::Str(s) => Value::String(s.clone()),
                object => Value::String(serde_json::to_string(object).unwrap()),
            };
            match call {
                "contains" => b.contains(&col(), value),
                "containedBy" => b.contained_by(&col(), value),
                _ => b.overlaps(&col(), value),
            }
        }
        "rangeGt" => b.range_gt(&col(), arg(1).display()),
        "rangeGte" => b.range_gte(&col(), arg(1).display()),
        "rangeLt" => b.range_lt(&col(), arg(1).display()),
        "rangeLte" => b.range_lte(&col(), arg(1).display()),
        "rangeAdjacent" => b.range_adjacent(&col(), arg(1).display()),
        "textSearch" => {
            let o = args.get(2);
            let mut ts = match o.and_then(|o| o.str_at("type")) {
                Some("plain") => TextSearch::plain(),
                Some("phrase") => TextSearch::phrase(),
                Some("websearch") => TextSearch::websearch(),
                None => TextSearch::default(),
                Some(other) => panic!("textSearch type {other}"),
            };
            if let Some(config) = o.and_then(|o| o.str_at("config")) {
                ts = ts.config(config);
            }
            b.text_search(&col(), arg(1).display(), ts)
        }
        "match" => {
            let Oj::Obj(pairs) = arg(0) else {
                panic!("match({:?})", arg(0))
            };
            b.match_(
                pairs
                    .iter()
                    .filter(|(_, v)| !v.is_undefined())
                    .map(|(k, v)| (k.clone(), v.display())),
            )
        }
        "not" => b.not(&col(), arg(1).str().unwrap(), arg(2).display()),
        "or" => {
            let filters = arg(0).str().unwrap();
            match referenced(opt) {
                Some(t) => b.or_referenced(t, filters),
                None => b.or(filters),
            }
        }
        "filter" => b.filter(&col(), arg(1).str().unwrap(), arg(2).display()),
        "order" => {
            let mut order = if opt.and_then(|o| o.bool_at("ascending")) == Some(false) {
                Order::desc()
            } else {
                Order::asc()
            };
            match opt.and_then(|o| o.bool_at("nullsFirst")) {
                Some(true) => order = order.nulls_first(),
                Some(false) => order = order.nulls_last(),
                None => {}
            }
            match referenced(opt) {
                Some(t) => b.order_referenced(t, &col(), order),
                None => b.order(&col(), order),
            }
        }
        "limit" => match referenced(opt) {
            Some(t) => b.limit_referenced(t, arg(0).u64()),
            None => b.limit(arg(0).u64()),
        },
        "range" => match referenced(args.get(2)) {
            Some(t) => b.range_referenced(t, arg(0).u64(), arg(1).u64()),
            None => b.range(arg(0).u64(), arg(1).u64()),
        },
        "stripNulls" => b.strip_nulls(),
        "rollback" => b.rollback(),
        "maxAffected" => b.max_affected(arg(0).u64()),
        "setHeader" => b.set_header(arg(0).str().unwrap(), arg(1).str().unwrap()),
        "retry" => b.retry(matches!(arg(0), Oj::Bool(true))),
        // Type-level only in postgrest-js; `throwOnError` is how Rust always behaves.
        "returns" | "overrideTypes" | "throwOnError" => b,
        _ => return Err(b),
    })
}

/// Shape-changing calls, or anything else on a builder.
fn builder_call<S>(b: FilterBuilder<S>, call: &str, args: &[Oj]) -> Target
where
    S: supabase_postgrest::shape::Shape<Item = Value>,
    FilterBuilder<S>: Into<Target>,
{
    let b = match common(b, call, args) {
        Ok(b) => return b.into(),
        Err(b) => b,
    };
    match call {
        "single" => Target::Single(b.single()),
        "maybeSingle" => Target::Maybe(b.maybe_single()),
        "csv" => Target::Text(b.csv()),
        "geojson" => Target::Json(b.geojson()),
        "explain" => {
            let o = args.first();
            let mut options = ExplainOptions::new();
            let flag = |name: &str| o.and_then(|o| o.bool_at(name)) == Some(true);
            if flag("analyze") {
                options = options.analyze();
            }
            if flag("verbose") {
                options = options.verbose();
            }
            if flag("settings") {
                options = options.settings();
            }
            if flag("buffers") {
                options = options.buffers();
            }
            if flag("wal") {
                options = options.wal();
            }
            if o.and_then(|o| o.str_at("format")) == Some("json") {
                Target::Json(b.explain_json(options))
            } else {
                Target::Text(b.explain(options))
            }
        }
        other => panic!("no interpretation for .{other}()"),
    }
}

impl From<FilterBuilder<Rows<Value>>> for Target {
    fn from(b: FilterBuilder<Rows<Value>>) -> Self {
        Target::Rows(b)
    }
}
impl From<FilterBuilder<Json<Value>>> for Target {
    fn from(b: FilterBuilder<Json<Value>>) -> Self {
        Target::Json(b)
    }
}
impl From<FilterBuilder<Single<Value>>> for Target {
    fn from(b: FilterBuilder<Single<Value>>) -> Self {
        Target::Single(b)
    }
}
impl From<FilterBuilder<MaybeSingle<Value>>> for Target {
    fn from(b: FilterBuilder<MaybeSingle<Value>>) -> Self {
        Target::Maybe(b)
    }
}
impl From<FilterBuilder<Text>> for Target {
    fn from(b: FilterBuilder<Text>) -> Self {
        Target::Text(b)
    }
}
impl From<FilterBuilder<Head>> for Target {
    fn from(b: FilterBuilder<Head>) -> Self {
        Target::Head(b)
    }
}

fn rpc(client: &PostgrestClient, function: &str, args: &[Oj]) -> Target {
    let b = match args.first() {
        None | Some(Oj::Null) => client.rpc(function, ()),
        Some(a) if a.is_undefined() => client.rpc(function, ()),
        Some(a) => client.rpc(function, a),
    };
    let o = args.get(1);
    let b = with_count(b, count_of(o));
    if o.and_then(|o| o.bool_at("head")) == Some(true) {
        Target::Head(b.head())
    } else if o.and_then(|o| o.bool_at("get")) == Some(true) {
        Target::Json(b.get())
    } else {
        Target::Json(b)
    }
}

fn query_call(q: QueryBuilder, call: &str, args: &[Oj]) -> Target {
    let o = args.get(1);
    match call {
        "select" => {
            let b = with_count(
                q.select(args.first().and_then(Oj::str).unwrap_or("*")),
                count_of(o),
            );
            if o.and_then(|o| o.bool_at("head")) == Some(true) {
                Target::Head(b.head())
            } else {
                Target::Rows(b)
            }
        }
        "insert" => {
            let options = InsertOptions::new()
                .default_to_null(o.and_then(|o| o.bool_at("defaultToNull")) != Some(false));
            Target::Rows(with_count(q.insert_with(&args[0], options), count_of(o)))
        }
        "upsert" => {
            let mut options = UpsertOptions::new()
                .ignore_duplicates(o.and_then(|o| o.bool_at("ignoreDuplicates")) == Some(true))
                .default_to_null(o.and_then(|o| o.bool_at("defaultToNull")) != Some(false));
            if let Some(c) = o.and_then(|o| o.str_at("onConflict")) {
                options = options.on_conflict(c);
            }
            Target::Rows(with_count(q.upsert_with(&args[0], options), count_of(o)))
        }
        "update" => Target::Rows(with_count(q.update(&args[0]), count_of(o))),
        "delete" => Target::Rows(with_count(q.delete(), count_of(args.first()))),
        other => panic!("no interpretation for from().{other}()"),
    }
}

fn apply(target: Target, call: &str, args: &[Oj]) -> Target {
    match target {
        Target::Client(c) => match call {
            "from" => Target::Query(c.from(args[0].str().unwrap())),
            "rpc" => rpc(&c, args[0].str().unwrap(), &args[1..]),
            other => panic!("no interpretation for schema().{other}()"),
        },
        Target::Query(q) => query_call(q, call, args),
        Target::Rows(b) => builder_call(b, call, args),
        Target::Json(b) => builder_call(b, call, args),
        Target::Single(b) => builder_call(b, call, args),
        Target::Maybe(b) => builder_call(b, call, args),
        Target::Text(b) => builder_call(b, call, args),
        Target::Head(b) => builder_call(b, call, args),
        Target::Done(_) => panic!("call after a finished statement"),
    }
}

/// Awaits the target (decoding as its shape) and reports whether it succeeded.
async fn finish(target: Target) -> Option<Result<(), String>> {
    fn done<T>(r: Result<T, supabase_postgrest::Error>) -> Result<(), String> {
        r.map(|_| ()).map_err(|e| e.to_string())
    }
    Some(match target {
        Target::Client(_) => return None,
        Target::Query(q) => done(q.select("*").await),
        Target::Rows(b) => done(b.await),
        Target::Json(b) => done(b.await),
        Target::Single(b) => done(b.await),
        Target::Maybe(b) => done(b.await),
        Target::Text(b) => done(b.await),
        Target::Head(b) => done(b.await),
        Target::Done(r) => r,
    })
}

fn build_client(golden: &Golden, base: &str) -> PostgrestClient {
    let case = &golden.case;
    let mut config = Config::new(base, case_key(case)).unwrap();
    if let Some(headers) = case
        .pointer("/options/global/headers")
        .and_then(Value::as_object)
    {
        for (k, v) in headers {
            config = config.header(k, v.as_str().unwrap()).unwrap();
        }
    }
    let schema = case
        .pointer("/options/db/schema")
        .and_then(Value::as_str)
        .unwrap_or("public");
    PostgrestClient::from_config(&config)
        .unwrap()
        .schema(schema)
}

/// Outcomes that differ from supabase-js's (`success` in its results), per case.
static OUTCOME_MISMATCHES: Mutex<Vec<String>> = Mutex::new(Vec::new());

async fn interpret(golden: Golden, base: String) -> CaseOutcome {
    let statements = statements(ordered_ops(&golden.id));
    if let Some(reason) = statements
        .iter()
        .find_map(|s| unsupported(&s.root, &s.calls))
    {
        return CaseOutcome::Skip(reason);
    }
    let mut client = build_client(&golden, &base);
    let mut outcomes = Vec::new();
    for st in statements {
        let root = &st.root;
        let mut target =
            if let Some(token) = root.get("args").filter(|_| root.get("auth").is_some()) {
                // v1 `auth.setAuth(jwt)`: every later request carries the token.
                let Oj::Arr(a) = token else { panic!() };
                client = client.with_bearer(a[0].str().unwrap()).unwrap();
                outcomes.push(None);
                continue;
            } else if let Some(table) = root.str_at("from") {
                Target::Query(client.from(table))
            } else if let Some(function) = root.str_at("rpc") {
                let args = match root.get("args") {
                    Some(Oj::Arr(a)) => a.clone(),
                    _ => Vec::new(),
                };
                rpc(&client, function, &args)
            } else if let Some(schema) = root.str_at("schema") {
                Target::Client(client.schema(schema))
            } else if root.str_at("client") == Some("getOpenApiSpec") {
                Target::Done(
                    client
                        .openapi_spec()
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                )
            } else {
                panic!("{}: no interpretation for root {root:?}", golden.id)
            };
        for (call, args) in &st.calls {
            target = apply(target, call, args);
        }
        outcomes.push(finish(target).await);
    }
    // supabase-js's verdict per statement: `success` (v2) or `error == null` (v1).
    for (i, outcome) in outcomes.iter().enumerate() {
        let (Some(outcome), Some(result)) = (outcome, golden.results.get(i)) else {
            continue;
        };
        let value = &result["value"];
        let js_ok = value
            .get("success")
            .and_then(Value::as_bool)
            .unwrap_or_else(|| value.get("error").is_none_or(Value::is_null));
        if js_ok != outcome.is_ok() {
            OUTCOME_MISMATCHES.lock().unwrap().push(format!(
                "{} statement {i}: supabase-js success={js_ok}, here {outcome:?}",
                golden.id
            ));
        }
    }
    CaseOutcome::Ran
}

#[tokio::test]
async fn postgrest_goldens() {
    let summary = run_suite(
        "supabase-postgrest (pg_*, v1_set_auth_*)",
        &["pg_", "v1_set_auth_"],
        DELIBERATE,
        interpret,
    )
    .await;
    let mismatches = OUTCOME_MISMATCHES.lock().unwrap().clone();
    assert!(
        mismatches.is_empty(),
        "results differ from supabase-js: {mismatches:#?}"
    );
    assert_eq!(summary.skipped, 0, "{summary:?}");
    assert!(summary.exact + summary.equivalent >= 80, "{summary:?}");
}
