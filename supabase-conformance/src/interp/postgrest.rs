//! Data statements (`from`, `rpc`, `schema`, `client.getOpenApiSpec`) interpreted with the
//! `supabase-postgrest` API, for supabase-js v2 (postgrest-js 2.x) and v1 (0.37) names.

use serde_json::Value;
use supabase::postgrest::shape::{Head, Json, MaybeSingle, Rows, Shape, Single, Text};
use supabase::postgrest::{
    Count, ExplainOptions, FilterBuilder, InsertOptions, IsValue, Order, PostgrestClient,
    QueryBuilder, TextSearch, UpsertOptions,
};

use crate::family::StatementOutcome;
use crate::golden::Statement;
use crate::oj::Oj;

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

type R<T> = Result<T, String>;

fn arg(args: &[Oj], i: usize) -> &Oj {
    args.get(i).unwrap_or(&Oj::Null)
}

fn str_arg<'a>(args: &'a [Oj], i: usize, what: &str) -> R<&'a str> {
    arg(args, i)
        .str()
        .ok_or_else(|| format!("{what}: expected a string, got {}", arg(args, i).compact()))
}

fn count_of(options: Option<&Oj>) -> R<Option<Count>> {
    match options.and_then(|o| o.get("count")) {
        None | Some(Oj::Null) => Ok(None),
        Some(c) if c.is_undefined() => Ok(None),
        Some(Oj::Str(c)) if c == "exact" => Ok(Some(Count::Exact)),
        Some(Oj::Str(c)) if c == "planned" => Ok(Some(Count::Planned)),
        Some(Oj::Str(c)) if c == "estimated" => Ok(Some(Count::Estimated)),
        Some(other) => Err(format!("unknown count option {}", other.compact())),
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

fn text_search_kind(kind: Option<&str>) -> R<TextSearch> {
    Ok(match kind {
        Some("plain") => TextSearch::plain(),
        Some("phrase") => TextSearch::phrase(),
        Some("websearch") => TextSearch::websearch(),
        None => TextSearch::default(),
        Some(other) => return Err(format!("unknown textSearch type {other}")),
    })
}

/// Filters and transforms that keep the shape; `Ok(Err(b))` gives the builder back for
/// shape changes.
fn common<S>(
    b: FilterBuilder<S>,
    call: &str,
    args: &[Oj],
    v1: bool,
) -> R<Result<FilterBuilder<S>, FilterBuilder<S>>> {
    let col = || str_arg(args, 0, call).map(str::to_owned);
    let v = |i: usize| arg(args, i).display();
    let opt = args.get(1);
    // v1 (postgrest-js 0.x) aliases.
    let call = match call {
        "cs" => "contains",
        "cd" => "containedBy",
        "ov" => "overlaps",
        "sl" => "rangeLt",
        "sr" => "rangeGt",
        "nxl" => "rangeGte",
        "nxr" => "rangeLte",
        "adj" => "rangeAdjacent",
        other => other,
    };
    Ok(Ok(match call {
        "select" => b.select(arg(args, 0).str().unwrap_or("*")),
        "eq" => b.eq(&col()?, v(1)),
        "neq" => b.neq(&col()?, v(1)),
        "gt" => b.gt(&col()?, v(1)),
        "gte" => b.gte(&col()?, v(1)),
        "lt" => b.lt(&col()?, v(1)),
        "lte" => b.lte(&col()?, v(1)),
        "like" => b.like(&col()?, v(1)),
        "ilike" => b.ilike(&col()?, v(1)),
        "likeAllOf" => b.like_all_of(&col()?, arg(args, 1).items()?),
        "likeAnyOf" => b.like_any_of(&col()?, arg(args, 1).items()?),
        "ilikeAllOf" => b.ilike_all_of(&col()?, arg(args, 1).items()?),
        "ilikeAnyOf" => b.ilike_any_of(&col()?, arg(args, 1).items()?),
        "regexMatch" => b.regex_match(&col()?, v(1)),
        "regexIMatch" => b.regex_imatch(&col()?, v(1)),
        "is" => {
            let value = match arg(args, 1) {
                Oj::Null => IsValue::Null,
                Oj::Bool(x) => IsValue::from(*x),
                Oj::Str(s) if s == "unknown" => IsValue::Unknown,
                other => return Err(format!("is() with {}", other.compact())),
            };
            b.is(&col()?, value)
        }
        "isDistinct" => b.is_distinct(&col()?, v(1)),
        "in" => b.in_(&col()?, arg(args, 1).items()?),
        "notIn" => b.not_in(&col()?, arg(args, 1).items()?),
        "contains" | "containedBy" | "overlaps" => {
            let value = match arg(args, 1) {
                Oj::Arr(_) => arg(args, 1).value(),
                Oj::Str(s) => Value::String(s.clone()),
                object => Value::String(object.compact()),
            };
            match call {
                "contains" => b.contains(&col()?, value),
                "containedBy" => b.contained_by(&col()?, value),
                _ => b.overlaps(&col()?, value),
            }
        }
        "rangeGt" => b.range_gt(&col()?, v(1)),
        "rangeGte" => b.range_gte(&col()?, v(1)),
        "rangeLt" => b.range_lt(&col()?, v(1)),
        "rangeLte" => b.range_lte(&col()?, v(1)),
        "rangeAdjacent" => b.range_adjacent(&col()?, v(1)),
        "textSearch" | "fts" | "plfts" | "phfts" | "wfts" => {
            let o = args.get(2);
            let kind = match call {
                "plfts" => Some("plain"),
                "phfts" => Some("phrase"),
                "wfts" => Some("websearch"),
                "fts" => None,
                _ => o.and_then(|o| o.str_at("type")),
            };
            let mut ts = text_search_kind(kind)?;
            if let Some(config) = o.and_then(|o| o.str_at("config")) {
                ts = ts.config(config);
            }
            b.text_search(&col()?, v(1), ts)
        }
        "match" => {
            let Some(pairs) = arg(args, 0).members() else {
                return Err(format!("match() with {}", arg(args, 0).compact()));
            };
            b.match_(
                pairs
                    .iter()
                    .filter(|(_, v)| !v.is_undefined())
                    .map(|(k, v)| (k.clone(), v.display())),
            )
        }
        "not" => b.not(&col()?, str_arg(args, 1, "not")?, v(2)),
        "or" => {
            let filters = str_arg(args, 0, "or")?;
            match referenced(opt) {
                Some(t) => b.or_referenced(t, filters),
                None => b.or(filters),
            }
        }
        "filter" => b.filter(&col()?, str_arg(args, 1, "filter")?, v(2)),
        "order" => {
            let mut order = if opt.and_then(|o| o.bool_at("ascending")) == Some(false) {
                Order::desc()
            } else {
                Order::asc()
            };
            // postgrest-js 0.x (v1) always names the nulls order, `nullslast` by default.
            match (opt.and_then(|o| o.bool_at("nullsFirst")), v1) {
                (Some(true), _) => order = order.nulls_first(),
                (Some(false), _) | (None, true) => order = order.nulls_last(),
                (None, false) => {}
            }
            match referenced(opt) {
                Some(t) => b.order_referenced(t, &col()?, order),
                None => b.order(&col()?, order),
            }
        }
        "limit" => match referenced(opt) {
            Some(t) => b.limit_referenced(t, arg(args, 0).u64()?),
            None => b.limit(arg(args, 0).u64()?),
        },
        "range" => match referenced(args.get(2)) {
            Some(t) => b.range_referenced(t, arg(args, 0).u64()?, arg(args, 1).u64()?),
            None => b.range(arg(args, 0).u64()?, arg(args, 1).u64()?),
        },
        "stripNulls" => b.strip_nulls(),
        "rollback" => b.rollback(),
        "maxAffected" => b.max_affected(arg(args, 0).u64()?),
        "setHeader" => b.set_header(
            str_arg(args, 0, "setHeader")?,
            str_arg(args, 1, "setHeader")?,
        ),
        "retry" => b.retry(matches!(arg(args, 0), Oj::Bool(true))),
        // Type-level only in postgrest-js; `throwOnError` is how Rust always behaves.
        "returns" | "overrideTypes" | "throwOnError" => b,
        _ => return Ok(Err(b)),
    }))
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

/// Shape-changing calls, or anything else on a builder.
fn builder_call<S>(b: FilterBuilder<S>, call: &str, args: &[Oj], v1: bool) -> R<Target>
where
    S: Shape<Item = Value>,
    FilterBuilder<S>: Into<Target>,
{
    let b = match common(b, call, args, v1)? {
        Ok(b) => return Ok(b.into()),
        Err(b) => b,
    };
    Ok(match call {
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
        "abortSignal" => {
            return Err(
                "abortSignal() is not interpreted: in Rust a request is cancelled by dropping its future"
                    .into(),
            );
        }
        other => return Err(format!("unknown op .{other}() on a query builder")),
    })
}

fn rpc(client: &PostgrestClient, function: &str, args: &[Oj]) -> R<Target> {
    let b = match args.first() {
        None | Some(Oj::Null) => client.rpc(function, ()),
        Some(a) if a.is_undefined() => client.rpc(function, ()),
        Some(a) => client.rpc(function, a),
    };
    let o = args.get(1);
    let b = with_count(b, count_of(o)?);
    Ok(if o.and_then(|o| o.bool_at("head")) == Some(true) {
        Target::Head(b.head())
    } else if o.and_then(|o| o.bool_at("get")) == Some(true) {
        Target::Json(b.get())
    } else {
        Target::Json(b)
    })
}

fn values_arg<'a>(args: &'a [Oj], call: &str) -> R<&'a Oj> {
    args.first()
        .ok_or_else(|| format!("{call}() without values"))
}

fn query_call(q: QueryBuilder, call: &str, args: &[Oj], v1: bool) -> R<Target> {
    let o = args.get(1);
    Ok(match call {
        "select" => {
            let b = with_count(q.select(arg(args, 0).str().unwrap_or("*")), count_of(o)?);
            if o.and_then(|o| o.bool_at("head")) == Some(true) {
                Target::Head(b.head())
            } else {
                Target::Rows(b)
            }
        }
        // v1 `insert(values, {upsert: true, onConflict})` is an upsert.
        "insert" if v1 && o.and_then(|o| o.bool_at("upsert")) == Some(true) => {
            query_call(q, "upsert", args, v1)?
        }
        "insert" => {
            let options = InsertOptions::new()
                .default_to_null(o.and_then(|o| o.bool_at("defaultToNull")) != Some(false));
            Target::Rows(with_count(
                q.insert_with(values_arg(args, call)?, options),
                count_of(o)?,
            ))
        }
        "upsert" => {
            let mut options = UpsertOptions::new()
                .ignore_duplicates(o.and_then(|o| o.bool_at("ignoreDuplicates")) == Some(true))
                .default_to_null(o.and_then(|o| o.bool_at("defaultToNull")) != Some(false));
            if let Some(c) = o.and_then(|o| o.str_at("onConflict")) {
                options = options.on_conflict(c);
            }
            Target::Rows(with_count(
                q.upsert_with(values_arg(args, call)?, options),
                count_of(o)?,
            ))
        }
        "update" => Target::Rows(with_count(q.update(values_arg(args, call)?), count_of(o)?)),
        "delete" => Target::Rows(with_count(q.delete(), count_of(args.first())?)),
        other => return Err(format!("unknown op from().{other}()")),
    })
}

fn apply(target: Target, call: &str, args: &[Oj], v1: bool) -> R<Target> {
    match target {
        Target::Client(c) => match call {
            "from" => Ok(Target::Query(c.from(str_arg(args, 0, "from")?))),
            "rpc" => rpc(
                &c,
                str_arg(args, 0, "rpc")?,
                args.get(1..).unwrap_or_default(),
            ),
            other => Err(format!("unknown op schema().{other}()")),
        },
        Target::Query(q) => query_call(q, call, args, v1),
        Target::Rows(b) => builder_call(b, call, args, v1),
        Target::Json(b) => builder_call(b, call, args, v1),
        Target::Single(b) => builder_call(b, call, args, v1),
        Target::Maybe(b) => builder_call(b, call, args, v1),
        Target::Text(b) => builder_call(b, call, args, v1),
        Target::Head(b) => builder_call(b, call, args, v1),
        Target::Done(_) => Err(format!("unknown op .{call}() after a finished statement")),
    }
}

/// Awaits the target (decoding as its shape).
async fn finish(target: Target) -> Option<Result<(), String>> {
    fn done<T>(r: Result<T, supabase::postgrest::Error>) -> Result<(), String> {
        r.map(|_| ()).map_err(|e| e.to_string())
    }
    Some(match target {
        // A schema client or an unfinished `from()` is not thenable in supabase-js.
        Target::Client(_) | Target::Query(_) => return None,
        Target::Rows(b) => done(b.await),
        Target::Json(b) => done(b.await),
        Target::Single(b) => done(b.await),
        Target::Maybe(b) => done(b.await),
        Target::Text(b) => done(b.await),
        Target::Head(b) => done(b.await),
        Target::Done(r) => r,
    })
}

/// Whether a statement is a data statement this module interprets.
pub fn is_data_statement(st: &Statement) -> bool {
    match st.kind.as_str() {
        "from" | "rpc" | "schema" => true,
        "client" => st.name() == Some("getOpenApiSpec"),
        _ => false,
    }
}

/// Runs one data statement with `client`; `Err` when it cannot be interpreted.
pub async fn run_statement(
    client: &PostgrestClient,
    st: &Statement,
    v1: bool,
) -> R<StatementOutcome> {
    if st.root.get("as").is_some() {
        return Err("`as` on a data statement is not interpreted".into());
    }
    if let Some(escape) = st.unmapped_escape() {
        return Err(format!(
            "the DSL escape `{escape}` is not interpreted in a data statement"
        ));
    }
    let name = st.name();
    let mut target = match (st.kind.as_str(), name) {
        ("from", Some(table)) => {
            if !st.args.is_empty() {
                return Err("from() with extra arguments is not interpreted".into());
            }
            Target::Query(client.from(table))
        }
        ("rpc", Some(function)) => rpc(client, function, &st.args)?,
        ("schema", Some(schema)) => Target::Client(client.schema(schema)),
        ("client", Some("getOpenApiSpec")) => Target::Done(
            client
                .openapi_spec()
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        ),
        _ => return Err(format!("unknown data op {}", st.root.compact())),
    };
    for (call, args) in &st.calls {
        target = apply(target, call, args, v1)?;
    }
    Ok(match finish(target).await {
        Some(r) => StatementOutcome::checked(&r),
        None => StatementOutcome::unchecked(),
    })
}
